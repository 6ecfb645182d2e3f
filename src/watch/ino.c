/*
 * ino.c - the inotify event source, for where fanotify is not allowed. inotify is not recursive: one watch per
 * folder, added at start and as folders appear (files already in a new folder are reported as created and
 * written, since they were made before its watch existed). Renames pair MOVED_FROM and MOVED_TO by cookie; a
 * folder moved within the tree keeps its watches under the new path, one moved out loses them. When the
 * per-user watch limit (fs.inotify.max_user_watches) is reached, a high alert says which folder went unwatched.
 * inotify cannot tell who wrote: events carry pid 0, and alert.c looks for the process in /proc.
 */
#include "watch_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define INO_BUF (256 * 1024)
#define INO_MASK                                                                                              \
	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR | IN_DONT_FOLLOW | \
	 IN_EXCL_UNLINK)

struct ino {
	struct watch_src src;
	struct watch_map wds; /* wd + 1 -> a: char * folder path */
	char *buf;
	int *root_wd;
	uint32_t cookie; /* of a MOVED_FROM waiting for its MOVED_TO */
	char *from;
	int from_dir;
};

static const char *wd_path(struct ino *n, int wd)
{
	struct watch_slot *s = watch_map_get(&n->wds, (uint64_t)wd + 1);
	return s ? (const char *)(uintptr_t)s->a : NULL;
}

static void limit_alert(struct ino *n, const char *dir)
{
	struct watch *w = n->src.w;
	if (w->watch_limit_alerted)
		return;
	w->watch_limit_alerted = 1;
	long max = 0;
	struct buf d = {0}, v = {0};
	if (buf_read_file(&v, "/proc/sys/fs/inotify/max_user_watches", 64) == 0)
		max = strtol(v.data, NULL, 10);
	buf_reset(&v);
	/* in a user namespace the limit may be lower there */
	if (buf_read_file(&v, "/proc/sys/user/max_inotify_watches", 64) == 0 && strtol(v.data, NULL, 10) < max)
		max = strtol(v.data, NULL, 10);
	buf_addf(&d,
	         L_("inotify watch limit reached (fs.inotify.max_user_watches = %ld, %zu folders watched): this folder "
	            "and others below it are NOT watched; raise the limit or run as root for fanotify",
	            "inotify の監視数の上限に達しました (fs.inotify.max_user_watches = %ld、%zu フォルダを監視中): "
	            "このフォルダとその下のフォルダは監視されていません。上限を上げるか、root で実行して fanotify "
	            "を使ってください"),
	         max, n->wds.n);
	struct watch_alert al = {.rule = "watch_limit", .severity = WATCH_HIGH, .path = dir, .detail = d.data};
	watch_alert(w, &al);
	buf_release(&d);
	buf_release(&v);
}

/* Watch dir and every folder below it; with report, files found are handed on as created and written. */
static void add_tree(struct ino *n, const char *dir, int report, int depth)
{
	struct watch *w = n->src.w;
	if (depth > 64)
		return;
	int wd = inotify_add_watch(n->src.fd, dir, INO_MASK);
	if (wd < 0) {
		if (errno == ENOSPC)
			limit_alert(n, dir);
		return;
	}
	struct watch_slot *s = watch_map_put(&n->wds, (uint64_t)wd + 1);
	free((char *)(uintptr_t)s->a);
	s->a = (uint64_t)(uintptr_t)lb_strdup(dir);
	w->sum->dirs_watched = n->wds.n;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	struct buf p = {0};
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		buf_reset(&p);
		lb_path_join(&p, dir, e->d_name);
		unsigned char t = e->d_type;
		if (t == DT_UNKNOWN) {
			struct stat st;
			if (lstat(p.data, &st) < 0)
				continue;
			t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		}
		if (t == DT_DIR) {
			if (report) {
				struct watch_event ev = {.kind = WEV_CREATE, .is_dir = 1, .path = p.data};
				watch_handle(w, &ev);
			}
			add_tree(n, p.data, report, depth + 1);
		} else if (t == DT_REG && report) {
			struct watch_event ev = {.kind = WEV_CREATE, .path = p.data};
			watch_handle(w, &ev);
			ev.kind = WEV_WRITE;
			watch_handle(w, &ev);
		}
	}
	closedir(d);
	buf_release(&p);
}

static int under(const char *path, const char *dir, size_t len)
{
	return !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

/* A folder moved from -> to: rewrite the paths of its watches (to == NULL: moved out, drop them). */
static void move_tree(struct ino *n, const char *from, const char *to)
{
	size_t len = strlen(from);
	for (size_t i = 0; i < n->wds.cap; i++) {
		struct watch_slot *s = &n->wds.slots[i];
		char *p = (char *)(uintptr_t)s->a;
		if (!s->key || !p || !under(p, from, len))
			continue;
		if (to) {
			struct buf b = {0};
			buf_adds(&b, to);
			buf_adds(&b, p + len);
			free(p);
			s->a = (uint64_t)(uintptr_t)buf_detach(&b, NULL);
		} else {
			inotify_rm_watch(n->src.fd, (int)(s->key - 1)); /* IN_IGNORED follows and frees it */
		}
	}
}

static void flush_from(struct ino *n)
{
	if (!n->from)
		return;
	struct watch_event ev = {.kind = WEV_DELETE, .is_dir = n->from_dir, .path = n->from};
	watch_handle(n->src.w, &ev);
	if (n->from_dir)
		move_tree(n, n->from, NULL);
	free(n->from);
	n->from = NULL;
}

static void one(struct ino *n, const struct inotify_event *ie, struct buf *p)
{
	struct watch *w = n->src.w;
	if (ie->mask & IN_Q_OVERFLOW) {
		struct watch_event ev = {.kind = WEV_OVERFLOW};
		watch_handle(w, &ev);
		return;
	}
	const char *dir = wd_path(n, ie->wd);
	if (!dir)
		return;
	if (ie->mask & IN_IGNORED) {
		for (size_t i = 0; i < w->nroots; i++)
			if (n->root_wd[i] == ie->wd)
				n->root_wd[i] = -1;
		struct watch_slot *s = watch_map_get(&n->wds, (uint64_t)ie->wd + 1);
		free((char *)(uintptr_t)s->a);
		watch_map_del(&n->wds, (uint64_t)ie->wd + 1);
		w->sum->dirs_watched = n->wds.n;
		return;
	}
	if (!ie->len)
		return;
	buf_reset(p);
	lb_path_join(p, dir, ie->name);
	int is_dir = !!(ie->mask & IN_ISDIR);
	struct watch_event ev = {.is_dir = is_dir, .path = p->data};
	if (ie->mask & IN_MOVED_FROM) {
		flush_from(n);
		n->from = lb_strdup(p->data);
		n->from_dir = is_dir;
		n->cookie = ie->cookie;
		return;
	}
	if (ie->mask & IN_MOVED_TO) {
		if (n->from && n->cookie == ie->cookie) {
			ev.kind = WEV_RENAME;
			ev.path = n->from;
			ev.path2 = p->data;
			watch_handle(w, &ev);
			if (is_dir)
				move_tree(n, n->from, p->data);
			free(n->from);
			n->from = NULL;
		} else {
			ev.kind = WEV_CREATE;
			watch_handle(w, &ev);
			if (is_dir)
				add_tree(n, p->data, 1, 0);
			else {
				ev.kind = WEV_WRITE;
				watch_handle(w, &ev);
			}
		}
		return;
	}
	flush_from(n);
	if (ie->mask & IN_CREATE) {
		ev.kind = WEV_CREATE;
		watch_handle(w, &ev);
		if (is_dir)
			add_tree(n, p->data, 1, 0);
	}
	if (ie->mask & IN_CLOSE_WRITE) {
		ev.kind = WEV_WRITE;
		watch_handle(w, &ev);
	}
	if (ie->mask & IN_DELETE) {
		ev.kind = WEV_DELETE;
		watch_handle(w, &ev);
	}
}

static int ino_read(struct watch_src *src)
{
	struct ino *n = (struct ino *)src;
	int total = 0;
	struct buf p = {0};
	for (;;) {
		ssize_t len = read(src->fd, n->buf, INO_BUF);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				total = lb_error_errno_tr(errno, "cannot read inotify events",
				                          "inotify のイベントを読めません");
			break;
		}
		for (char *c = n->buf; c < n->buf + len;) {
			const struct inotify_event *ie = (const void *)c;
			one(n, ie, &p);
			total++;
			c += sizeof *ie + ie->len;
		}
	}
	flush_from(n);
	buf_release(&p);
	return total;
}

static void ino_tick(struct watch_src *src)
{
	struct ino *n = (struct ino *)src;
	struct watch *w = src->w;
	for (size_t i = 0; i < w->nroots; i++) {
		struct stat st;
		if (n->root_wd[i] >= 0 || stat(w->roots[i].path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		add_tree(n, w->roots[i].path, 1, 0);
		n->root_wd[i] = inotify_add_watch(src->fd, w->roots[i].path, INO_MASK);
	}
}

static void ino_close(struct watch_src *src)
{
	struct ino *n = (struct ino *)src;
	for (size_t i = 0; i < n->wds.cap; i++)
		if (n->wds.slots[i].key)
			free((char *)(uintptr_t)n->wds.slots[i].a);
	watch_map_free(&n->wds);
	if (src->fd >= 0)
		close(src->fd);
	free(n->from);
	free(n->root_wd);
	free(n->buf);
	free(n);
}

int watch_ino_open(struct watch *w, struct watch_src **out)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return lb_error_errno(errno, "inotify_init1" /* i18n-ok: the system call's name */);
	struct ino *n = lb_calloc(1, sizeof *n);
	n->src = (struct watch_src){
	        .name = "inotify", .fd = fd, .w = w, .read = ino_read, .tick = ino_tick, .close = ino_close};
	n->buf = lb_malloc(INO_BUF);
	n->root_wd = lb_calloc(w->nroots, sizeof *n->root_wd);
	for (size_t i = 0; i < w->nroots; i++) {
		add_tree(n, w->roots[i].path, 0, 0);
		/* adding the same folder again returns its wd */
		n->root_wd[i] = inotify_add_watch(fd, w->roots[i].path, INO_MASK);
	}
	*out = &n->src;
	return 0;
}
