/*
 * fan.c - the fanotify event source. One notification group reporting directory handles and names
 * (FAN_REPORT_DFID_NAME) with a filesystem mark on each filesystem that holds a watched folder: closed writes,
 * creates, deletes and renames (FAN_RENAME: old and new name in one event), each with the pid of the process that
 * did it. A filesystem mark sees the whole filesystem, so events are filtered to the watched folders by path:
 * directory handles are resolved with open_by_handle_at and cached (the cache is dropped whenever a directory is
 * renamed from, into, within or above a watched folder, since its descendants' paths change). Queue overflow
 * (FAN_Q_OVERFLOW) becomes an event.
 */
#include "watch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/statfs.h>
#include <unistd.h>

#define FAN_BUF (256 * 1024)
#define DIRCACHE_MAX 65536

struct fan {
	struct watch_src src;
	struct watch_map dirs; /* hash(fsid, handle) -> a: char * path (NULL: cannot be resolved) */
	char *buf;
	int has_rename;
};

static uint64_t fsid_key(const void *fsid)
{
	uint32_t v[2];
	memcpy(v, fsid, sizeof v);
	return (uint64_t)v[0] << 32 | v[1];
}

static void dirs_clear(struct fan *f)
{
	for (size_t i = 0; i < f->dirs.cap; i++)
		if (f->dirs.slots[i].key)
			free((char *)(uintptr_t)f->dirs.slots[i].a);
	watch_map_clear(&f->dirs);
}

/* 1 when path is a watched folder, inside one, or above one: events in such a folder may concern us. */
static int touches_roots(const struct watch *w, const char *path)
{
	if (watch_path_root(w, path) >= 0)
		return 1;
	size_t n = strlen(path);
	for (size_t i = 0; i < w->nroots; i++)
		if (w->roots[i].len > n && !strncmp(w->roots[i].path, path, n) && w->roots[i].path[n] == '/')
			return 1;
	return 0;
}

/* The path of the directory a handle names, or NULL when it is gone or on no filesystem we watch. */
static const char *dir_path(struct fan *f, const struct fanotify_event_info_fid *fid, int *related)
{
	const struct file_handle *fh = (const struct file_handle *)fid->handle;
	unsigned char key[sizeof fid->fsid + sizeof *fh + MAX_HANDLE_SZ];
	size_t hl = fh->handle_bytes > MAX_HANDLE_SZ ? MAX_HANDLE_SZ : fh->handle_bytes;
	memcpy(key, &fid->fsid, sizeof fid->fsid);
	memcpy(key + sizeof fid->fsid, fh, sizeof *fh + hl);
	uint64_t h = watch_hash(key, sizeof fid->fsid + sizeof *fh + hl);
	struct watch_slot *s = watch_map_get(&f->dirs, h);
	if (s) {
		*related = (int)s->b;
		return (const char *)(uintptr_t)s->a;
	}
	if (f->dirs.n >= DIRCACHE_MAX)
		dirs_clear(f);
	char *path = NULL;
	uint64_t fk = fsid_key(&fid->fsid);
	struct watch *w = f->src.w;
	for (size_t i = 0; i < w->nroots; i++) {
		if (w->roots[i].fsid != fk || w->roots[i].fd < 0)
			continue;
		int fd = open_by_handle_at(w->roots[i].fd, (struct file_handle *)fh, O_PATH | O_CLOEXEC);
		if (fd < 0)
			break;
		char link[64], target[4096];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		close(fd);
		if (n <= 0)
			break;
		target[n] = 0;
		if (n > 10 && !strcmp(target + n - 10, " (deleted)"))
			break;
		path = lb_strdup(target);
		break;
	}
	s = watch_map_put(&f->dirs, h);
	s->a = (uint64_t)(uintptr_t)path;
	s->b = (uint64_t)(*related = path && touches_roots(w, path));
	return path;
}

/* Build dir/name of an info record into out; 0 when it cannot be resolved. */
static int rec_path(struct fan *f, const struct fanotify_event_info_fid *fid, struct buf *out)
{
	int related;
	const char *dir = dir_path(f, fid, &related);
	if (!dir)
		return 0;
	const struct file_handle *fh = (const struct file_handle *)fid->handle;
	const char *name = (const char *)fh->f_handle + fh->handle_bytes;
	buf_reset(out);
	if (!strcmp(name, "."))
		buf_adds(out, dir);
	else
		lb_path_join(out, dir, name);
	return 1;
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
			total = lb_error_errno(errno, "cannot read fanotify events");
			break;
		}
		if (len == 0)
			break;
		/* Records are 4-byte aligned but the metadata holds a u64: copy it out rather than cast. */
		struct fanotify_event_metadata mm, *m = &mm;
		for (size_t off = 0; off + FAN_EVENT_METADATA_LEN <= (size_t)len; off += mm.event_len) {
			memcpy(&mm, f->buf + off, sizeof mm);
			if (mm.event_len < FAN_EVENT_METADATA_LEN || off + mm.event_len > (size_t)len)
				break;
			total++;
			if (m->fd >= 0)
				close(m->fd);
			if (m->mask & FAN_Q_OVERFLOW) {
				struct watch_event ev = {.kind = WEV_OVERFLOW};
				watch_handle(w, &ev);
				continue;
			}
			if (m->pid == w->self)
				continue;
			const struct fanotify_event_info_fid *dn = NULL, *oldr = NULL, *newr = NULL;
			const char *p = f->buf + off + m->metadata_len, *end = f->buf + off + m->event_len;
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
				p += h->len;
			}
			int is_dir = !!(m->mask & FAN_ONDIR);
			if (is_dir && (m->mask & (FAN_MOVED_FROM | FAN_MOVED_TO)))
				dirs_clear(f); /* no old and new name together: be safe */
			struct watch_event ev = {.pid = m->pid, .is_dir = is_dir};
			if ((m->mask & FAN_RENAME) && oldr && newr) {
				int a = rec_path(f, oldr, &p1), b = rec_path(f, newr, &p2);
				/* A folder moved from, into, within or above a watched folder changes the paths of what is
				 * cached; elsewhere it does not. A deleted folder's handle just goes stale. */
				if (is_dir && ((a && touches_roots(w, p1.data)) || (b && touches_roots(w, p2.data))))
					dirs_clear(f);
				if (a && b) {
					ev.kind = WEV_RENAME;
					ev.path = p1.data;
					ev.path2 = p2.data;
				} else if (b) { /* from somewhere we cannot name: a create for us */
					ev.kind = WEV_CREATE;
					ev.path = p2.data;
				} else if (a) {
					ev.kind = WEV_DELETE;
					ev.path = p1.data;
				}
				if (ev.path)
					watch_handle(w, &ev);
			}
			int related = 0;
			if (!dn || !dir_path(f, dn, &related) || !related) {
				w->sum->events_seen++; /* elsewhere on the filesystem: nothing more to do */
				continue;
			}
			rec_path(f, dn, &p1);
			ev.path = p1.data;
			ev.path2 = NULL;
			static const struct {
				uint64_t bit;
				int kind;
			} order[] = {{FAN_CREATE, WEV_CREATE},
			             {FAN_MOVED_TO, WEV_CREATE},
			             {FAN_CLOSE_WRITE, WEV_WRITE},
			             {FAN_MOVED_FROM, WEV_DELETE},
			             {FAN_DELETE, WEV_DELETE}};
			for (size_t i = 0; i < LB_ARRAY_LEN(order); i++) {
				if (!(m->mask & order[i].bit))
					continue;
				ev.kind = order[i].kind;
				watch_handle(w, &ev);
			}
		}
	}
	buf_release(&p1);
	buf_release(&p2);
	return total;
}

static void fan_tick(struct watch_src *src)
{
	(void)src;
}

static void fan_close(struct watch_src *src)
{
	struct fan *f = (struct fan *)src;
	dirs_clear(f);
	watch_map_free(&f->dirs);
	if (src->fd >= 0)
		close(src->fd);
	free(f->buf);
	free(f);
}

int watch_fan_open(struct watch *w, struct watch_src **out)
{
	int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME,
	                       O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (fd < 0)
		return errno == EPERM || errno == EINVAL || errno == ENOSYS
		               ? lb_error(LB_EPERM, "fanotify is not available: %s", strerror(errno))
		               : lb_error_errno(errno, "fanotify_init");
	uint64_t base = FAN_CLOSE_WRITE | FAN_CREATE | FAN_DELETE | FAN_ONDIR;
	int has_rename = 1;
	for (size_t i = 0; i < w->nroots; i++) {
		struct statfs sf;
		w->roots[i].fd = open(w->roots[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (w->roots[i].fd < 0 || fstatfs(w->roots[i].fd, &sf) < 0) {
			int e = errno;
			close(fd);
			return lb_error_errno(e, "cannot open '%s'", w->roots[i].path);
		}
		w->roots[i].fsid = fsid_key(&sf.f_fsid);
		int rc = fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, base | FAN_RENAME, AT_FDCWD,
		                       w->roots[i].path);
		if (rc < 0 && errno == EINVAL) {
			has_rename = 0;
			rc = fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, base | FAN_MOVED_FROM | FAN_MOVED_TO,
			                   AT_FDCWD, w->roots[i].path);
		}
		if (rc < 0) {
			int e = errno;
			close(fd);
			return lb_error(LB_EPERM, "cannot put a fanotify filesystem mark on '%s': %s", w->roots[i].path,
			                strerror(e));
		}
	}
	struct fan *f = lb_calloc(1, sizeof *f);
	f->src = (struct watch_src){
	        .name = "fanotify", .fd = fd, .w = w, .read = fan_read, .tick = fan_tick, .close = fan_close};
	f->buf = lb_malloc(FAN_BUF);
	f->has_rename = has_rename;
	*out = &f->src;
	return 0;
}
