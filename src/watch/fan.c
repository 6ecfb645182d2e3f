/*
 * fan.c - the fanotify event source. One notification group reporting folder handles and names, and the handle of
 * a folder created, deleted or moved (FAN_REPORT_DFID_NAME_TARGET): closed writes, creates, deletes and renames
 * (FAN_RENAME: old and new name in one event), each with the pid of the process that did it. Marks on each
 * watched folder, or on each filesystem that holds one (enum watch_marks; fan_dirs.c keeps both the marks and the
 * table of folder handles). An event is kept when its folder's handle is in the table, and dropped after that one
 * hash lookup otherwise (with a filesystem mark, most events). Queue overflow (FAN_Q_OVERFLOW) becomes an event,
 * and the folders are walked again.
 */
#include "watch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/fanotify.h>
#include <unistd.h>

#define FAN_BUF (256 * 1024)

struct fan {
	struct watch_src src;
	struct fan_dirs dirs;
	char *buf;
};

/* The folder of an info record in the table, or NULL when it is elsewhere (the common case: one hash lookup). */
static const struct watch_slot *rec_dir(struct fan *f, const struct fanotify_event_info_fid *fid)
{
	return fid ? fan_dirs_get(&f->dirs, fan_fid_key(&fid->fsid)) : NULL;
}

static const char *rec_name(const struct fanotify_event_info_fid *fid)
{
	const struct file_handle *fh = (const struct file_handle *)fid->handle;
	return (const char *)fh->f_handle + fh->handle_bytes;
}

/* dir/name of a record whose folder is s into out. */
static void rec_path(const struct watch_slot *s, const struct fanotify_event_info_fid *fid, struct buf *out)
{
	const char *name = rec_name(fid);
	buf_reset(out);
	if (!strcmp(name, "."))
		buf_adds(out, (const char *)(uintptr_t)s->a);
	else
		lb_path_join(out, (const char *)(uintptr_t)s->a, name);
}

/* FAN_RENAME: old and new folder and name in one event, and the handle of what moved. */
static void on_rename(struct fan *f, struct watch_event *ev, const struct fanotify_event_info_fid *oldr,
                      const struct fanotify_event_info_fid *newr, struct buf *p1, struct buf *p2)
{
	struct watch *w = f->src.w;
	const struct watch_slot *a = rec_dir(f, oldr), *b = rec_dir(f, newr);
	if (!a && !b) {
		w->sum->events_seen++; /* elsewhere on the filesystem */
		return;
	}
	if (a)
		rec_path(a, oldr, p1);
	if (b)
		rec_path(b, newr, p2);
	int ina = a && a->b == FAN_DIR_IN, inb = b && b->b == FAN_DIR_IN;
	if (ev->is_dir) {
		if (ina && inb)
			fan_dirs_move(&f->dirs, p1->data, p2->data);
		else if (a) /* out of a watched folder, or a folder above one moved (its path is stale now) */
			fan_dirs_moved_out(&f->dirs, p1->data, newr ? (const void *)&newr->fsid : NULL);
		else if (inb)
			fan_dirs_add_tree(&f->dirs, p2->data);
		/* a watched folder, or a folder above one, moved away or moved into place */
		if (a)
			fan_dirs_above(&f->dirs, p1->data, 0);
		if (b)
			fan_dirs_above(&f->dirs, p2->data, 1);
	}
	if (ina && inb) {
		ev->kind = WEV_RENAME;
		ev->path = p1->data;
		ev->path2 = p2->data;
	} else if (inb) { /* from elsewhere: a create for us */
		ev->kind = WEV_CREATE;
		ev->path = p2->data;
	} else if (ina) {
		ev->kind = WEV_DELETE;
		ev->path = p1->data;
	} else {
		w->sum->events_seen++;
		return;
	}
	watch_handle(w, ev);
}

/* Any other event: its folder and name, plus the handle of the object for a folder created or deleted. */
static void on_dirent(struct fan *f, struct watch_event *ev, uint64_t mask, const struct fanotify_event_info_fid *dn,
                      const struct fanotify_event_info_fid *obj, struct buf *p1)
{
	struct watch *w = f->src.w;
	const struct watch_slot *s = rec_dir(f, dn);
	if (!s) {
		w->sum->events_seen++; /* elsewhere on the filesystem: nothing more to do */
		return;
	}
	rec_path(s, dn, p1);
	if (s->b == FAN_DIR_ABOVE) {
		/* next to a watched folder: only a watched folder (or one above it) made or removed matters */
		if (ev->is_dir && (mask & (FAN_CREATE | FAN_DELETE)))
			fan_dirs_above(&f->dirs, p1->data, !(mask & FAN_DELETE));
		w->sum->events_seen++;
		return;
	}
	ev->path = p1->data;
	ev->path2 = NULL;
	static const struct {
		uint64_t bit;
		int kind;
	} order[] = {{FAN_CREATE, WEV_CREATE}, {FAN_CLOSE_WRITE, WEV_WRITE}, {FAN_DELETE, WEV_DELETE}};
	for (size_t i = 0; i < LB_ARRAY_LEN(order); i++) {
		if (!(mask & order[i].bit))
			continue;
		ev->kind = order[i].kind;
		watch_handle(w, ev);
	}
	/* a folder made (and maybe already removed: merged events) inside */
	if (ev->is_dir && (mask & FAN_CREATE))
		fan_dirs_add(&f->dirs, obj ? (const void *)&obj->fsid : NULL, p1->data, ev->pid);
	if (ev->is_dir && (mask & FAN_DELETE) && obj)
		fan_dirs_del(&f->dirs, fan_fid_key(&obj->fsid));
}

static int fan_read(struct watch_src *src)
{
	struct fan *f = (struct fan *)src;
	struct watch *w = src->w;
	int total = 0;
	struct buf p1 = {0}, p2 = {0};
	for (;;) {
		ssize_t len = read(src->fd, f->buf, FAN_BUF);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			total = lb_error_errno_tr(errno, "cannot read fanotify events",
			                          "fanotify のイベントを読めません");
			break;
		}
		if (len == 0)
			break;
		/* Records are 4-byte aligned but the metadata holds a u64: copy it out rather than cast. */
		struct fanotify_event_metadata m;
		for (size_t off = 0; off + FAN_EVENT_METADATA_LEN <= (size_t)len; off += m.event_len) {
			memcpy(&m, f->buf + off, sizeof m);
			if (m.event_len < FAN_EVENT_METADATA_LEN || off + m.event_len > (size_t)len)
				break;
			total++;
			if (m.fd >= 0)
				close(m.fd);
			if (m.mask & FAN_Q_OVERFLOW) {
				struct watch_event ev = {.kind = WEV_OVERFLOW};
				watch_handle(w, &ev);
				/* folders made or moved while events were lost are not in the table: walk again */
				for (size_t i = 0; i < w->nroots; i++)
					fan_dirs_walk_root(&f->dirs, i, 0);
				continue;
			}
			if (m.pid == w->self) {
				w->sum->events_seen++;
				continue;
			}
			const struct fanotify_event_info_fid *dn = NULL, *oldr = NULL, *newr = NULL, *obj = NULL;
			const char *p = f->buf + off + m.metadata_len, *end = f->buf + off + m.event_len;
			while (p + sizeof(struct fanotify_event_info_header) <= end) {
				const struct fanotify_event_info_header *h = (const void *)p;
				if (h->len < sizeof *h || p + h->len > end)
					break;
				if (h->info_type == FAN_EVENT_INFO_TYPE_DFID_NAME)
					dn = (const void *)p;
				else if (h->info_type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME)
					oldr = (const void *)p;
				else if (h->info_type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME)
					newr = (const void *)p;
				else if (h->info_type == FAN_EVENT_INFO_TYPE_FID)
					obj = (const void *)p;
				p += h->len;
			}
			struct watch_event ev = {.pid = m.pid, .is_dir = !!(m.mask & FAN_ONDIR)};
			if (m.mask & FAN_RENAME) /* never merged with other events */
				on_rename(f, &ev, oldr, newr, &p1, &p2);
			else
				on_dirent(f, &ev, m.mask, dn, obj, &p1);
		}
	}
	buf_release(&p1);
	buf_release(&p2);
	return total;
}

static void fan_tick(struct watch_src *src)
{
	fan_dirs_check_roots(&((struct fan *)src)->dirs);
}

static void fan_close(struct watch_src *src)
{
	struct fan *f = (struct fan *)src;
	fan_dirs_free(&f->dirs);
	if (src->fd >= 0)
		close(src->fd);
	free(f->buf);
	free(f);
}

/* Mark each watched folder's filesystem; 0 or -LB_EPERM. */
static int mark_filesystems(struct fan *f)
{
	struct watch *w = f->src.w;
	for (size_t i = 0; i < w->nroots; i++)
		if (fanotify_mark(f->src.fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
		                  FAN_CLOSE_WRITE | FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ONDIR, AT_FDCWD,
		                  w->roots[i].path) < 0)
			return lb_error_tr(LB_EPERM, "cannot put a fanotify filesystem mark on '%s': %s",
			                   "'%s' のファイルシステムに fanotify のマークを付けられません: %s",
			                   w->roots[i].path, lb_strerrno(errno));
	return 0;
}

int watch_fan_open(struct watch *w, struct watch_src **out)
{
	/* FAN_REPORT_TARGET_FID (Linux 5.17, like FAN_RENAME): a folder created, deleted or moved names itself */
	int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME_TARGET,
	                       O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (fd < 0)
		return errno == EPERM || errno == EINVAL || errno == ENOSYS
		               ? lb_error_tr(LB_EPERM, "fanotify is not available: %s", "fanotify を使えません: %s",
		                             lb_strerrno(errno))
		               : lb_error_errno(errno, "fanotify_init" /* i18n-ok: the system call's name */);
	struct fan *f = lb_calloc(1, sizeof *f);
	f->src = (struct watch_src){
	        .name = "fanotify", .fd = fd, .w = w, .read = fan_read, .tick = fan_tick, .close = fan_close};
	int mode = w->o->marks;
	int rc = fan_dirs_init(&f->dirs, w, fd, mode);
	/* Without CAP_SYS_ADMIN the kernel gives no filesystem marks and no pids of other processes (an unprivileged
	 * group sees pid 0): inotify does as well, with fewer limits. */
	if (rc == 0 && !watch_has_cap(CAP_SYS_ADMIN))
		rc = lb_error_tr(LB_EPERM, "fanotify needs CAP_SYS_ADMIN (run as root)",
		                 "fanotify には CAP_SYS_ADMIN が必要です (root で実行してください)");
	if (rc == 0 && mode == WATCH_MARKS_FILESYSTEM)
		rc = mark_filesystems(f);
	/* marks first, walk second: a folder made meanwhile is in the walk or in an event, or both */
	for (size_t i = 0; i < w->nroots && rc == 0; i++)
		fan_dirs_walk_root(&f->dirs, i, 0);
	if (rc == 0 && f->dirs.full) {
		lb_warn(L_("watch: more folders than fs.fanotify.max_user_marks allows (%zu marked): marking the whole "
		           "filesystem instead",
		           "監視: フォルダの数が fs.fanotify.max_user_marks の上限を超えました (%zu 個にマーク済み): "
		           "代わりにファイルシステム全体にマークを付けます"),
		        f->dirs.map.n);
		fanotify_mark(fd, FAN_MARK_FLUSH, 0, AT_FDCWD, NULL);
		fan_dirs_reset(&f->dirs, mode = WATCH_MARKS_FILESYSTEM);
		rc = mark_filesystems(f);
		for (size_t i = 0; i < w->nroots && rc == 0; i++)
			fan_dirs_walk_root(&f->dirs, i, 0);
	}
	if (rc < 0) {
		fan_close(&f->src);
		return rc;
	}
	f->dirs.started = 1;
	w->sum->marks = mode == WATCH_MARKS_FOLDERS ? "folders" : "filesystem";
	f->buf = lb_malloc(FAN_BUF);
	*out = &f->src;
	return 0;
}
