/*
 * fan_dirs.c - the fanotify source's folders: which are watched, by file handle, and their marks.
 *
 * fanotify names the folder of each event by (filesystem id, file handle). The table maps the handle of every
 * folder inside the watched folders (FAN_DIR_IN) to its path, and of the folders above each watched folder
 * (FAN_DIR_ABOVE), so that a watched folder made again or moved away is noticed at once. It is filled by a walk at
 * start and kept up to date from the events themselves (a folder created, deleted or moved names its own handle:
 * FAN_REPORT_TARGET_FID); an event whose folder is not in it happened elsewhere and is dropped after one hash
 * lookup. (Resolving unknown handles instead, with open_by_handle_at and a readlink of /proc/self/fd, cost three
 * system calls per event in every folder not seen before.)
 *
 * Marks, two ways (enum watch_marks):
 *   - folders (default): an inode mark on every watched folder (and a dirent-only mark on the folders above), so
 *     the kernel queues only events of the watched folders: the rest of the filesystem costs watch nothing, not
 *     even a wakeup. A folder made inside is marked when its creation is read, and what was put in it before
 *     that is reported by a scan (as inotify does). Past fs.fanotify.max_user_marks: at start, watch falls back to
 *     a filesystem mark; later, a high watch_limit alert names the folder left unwatched.
 *   - filesystem: one mark on each filesystem that holds a watched folder. Nothing made in a new folder can come
 *     before its mark, but every event of the filesystem is read (and dropped by the table lookup).
 * The tick re-walks a watched folder whose inode changed (deleted and made again, moved back) in either case.
 */
#include "watch_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define WALK_DEPTH 256
#define MASK_IN (FAN_CLOSE_WRITE | FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ONDIR | FAN_EVENT_ON_CHILD)
#define MASK_ABOVE (FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ONDIR)

/* fsid then struct file_handle, as in struct fanotify_event_info_fid. */
union fid_buf {
	uint64_t align;
	unsigned char b[8 + sizeof(struct file_handle) + MAX_HANDLE_SZ];
};

uint64_t fan_fid_key(const void *fsid_and_handle)
{
	const struct file_handle *fh = (const struct file_handle *)((const unsigned char *)fsid_and_handle + 8);
	size_t hl = fh->handle_bytes > MAX_HANDLE_SZ ? MAX_HANDLE_SZ : fh->handle_bytes;
	return watch_hash(fsid_and_handle, 8 + sizeof *fh + hl);
}

/* The key of the folder open as fd (or at path when fd < 0) on root r's filesystem; 0 when it has no handle. */
static uint64_t key_of(struct fan_dirs *d, size_t r, int fd, const char *path)
{
	union fid_buf k;
	memcpy(k.b, d->roots[r].fsid, 8);
	struct file_handle *fh = (struct file_handle *)(k.b + 8);
	fh->handle_bytes = MAX_HANDLE_SZ;
	int mnt;
	int rc = fd >= 0 ? name_to_handle_at(fd, "", fh, &mnt, AT_EMPTY_PATH)
	                 : name_to_handle_at(AT_FDCWD, path, fh, &mnt, 0);
	return rc < 0 ? 0 : fan_fid_key(k.b);
}

static void put(struct fan_dirs *d, uint64_t key, const char *path, int kind)
{
	if (!key)
		return;
	struct watch_slot *s = watch_map_put(&d->map, key);
	if (!s)
		return;
	if (s->a && s->b == FAN_DIR_IN && kind == FAN_DIR_ABOVE)
		return; /* a folder both inside one watched folder and above another: inside wins */
	if (kind == FAN_DIR_IN && !(s->a && s->b == FAN_DIR_IN))
		d->w->sum->dirs_watched++;
	free((char *)(uintptr_t)s->a);
	s->a = (uint64_t)(uintptr_t)lb_strdup(path);
	s->b = (uint64_t)kind;
}

const struct watch_slot *fan_dirs_get(struct fan_dirs *d, uint64_t key)
{
	return watch_map_get(&d->map, key);
}

static void limit_alert(struct fan_dirs *d, const char *dir)
{
	struct watch *w = d->w;
	if (w->watch_limit_alerted)
		return;
	w->watch_limit_alerted = 1;
	struct buf v = {0}, t = {0};
	long max = buf_read_file(&v, "/proc/sys/fs/fanotify/max_user_marks", 64) == 0 ? strtol(v.data, NULL, 10) : 0;
	buf_addf(&t,
	         L_("fanotify mark limit reached (fs.fanotify.max_user_marks = %ld, %zu folders marked): this folder "
	            "and "
	            "others below it are NOT watched; raise the limit, or restart watch with --marks filesystem",
	            "fanotify のマーク数の上限に達しました (fs.fanotify.max_user_marks = %ld、%zu "
	            "フォルダにマーク済み): "
	            "このフォルダとその下のフォルダは監視されていません。上限を上げるか、--marks filesystem で watch "
	            "を再起動してください"),
	         max, d->map.n);
	struct watch_alert al = {.rule = "watch_limit", .severity = WATCH_HIGH, .path = dir, .detail = t.data};
	watch_alert(w, &al);
	buf_release(&v);
	buf_release(&t);
}

/* Mark the folder open as fd (folders mode); 0, or -1 when the mark limit is reached. */
static int mark(struct fan_dirs *d, int fd, uint64_t mask, const char *path)
{
	if (d->mode != WATCH_MARKS_FOLDERS)
		return 0;
	if (fanotify_mark(d->fd, FAN_MARK_ADD | FAN_MARK_ONLYDIR, mask, fd, NULL) == 0)
		return 0;
	if (errno != ENOSPC)
		return 0; /* gone meanwhile: nothing to watch */
	d->full = 1;
	if (d->started)
		limit_alert(d, path);
	return -1;
}

struct walk {
	size_t root;
	int report; /* hand on what is found as created (and written) */
	pid_t pid;  /* who made the folder, for those events */
	struct buf path;
};

static void report(struct fan_dirs *d, struct walk *k, int is_dir)
{
	struct watch_event ev = {.kind = WEV_CREATE, .is_dir = is_dir, .pid = k->pid, .path = k->path.data};
	watch_handle(d->w, &ev);
	if (!is_dir) {
		ev.kind = WEV_WRITE;
		watch_handle(d->w, &ev);
	}
}

/* Register (and mark) the folder open as fd (closed here) at k->path, and every folder below it on the same
 * filesystem. */
static void walk(struct fan_dirs *d, struct walk *k, int fd, int depth)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_dev != d->roots[k->root].dev || mark(d, fd, MASK_IN, k->path.data) < 0) {
		close(fd);
		return;
	}
	put(d, key_of(d, k->root, fd, NULL), k->path.data, FAN_DIR_IN);
	DIR *dir = depth < WALK_DEPTH ? fdopendir(fd) : NULL;
	if (!dir) {
		close(fd);
		return;
	}
	size_t len = k->path.len;
	struct dirent *e;
	while ((e = readdir(dir))) {
		unsigned char t = e->d_type;
		if ((t != DT_DIR && t != DT_UNKNOWN && !(k->report && t == DT_REG)) || !strcmp(e->d_name, ".") ||
		    !strcmp(e->d_name, ".."))
			continue;
		buf_truncate(&k->path, len);
		if (len != 1) /* "/" + "srv" is "/srv" */
			buf_addch(&k->path, '/');
		buf_adds(&k->path, e->d_name);
		int cfd = t == DT_REG ? -1
		                      : openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd >= 0) {
			if (k->report)
				report(d, k, 1);
			walk(d, k, cfd, depth + 1);
		} else if (k->report && (t == DT_REG || errno == ENOTDIR)) {
			struct stat fst;
			if (t == DT_REG ||
			    (fstatat(dirfd(dir), e->d_name, &fst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(fst.st_mode)))
				report(d, k, 0);
		}
	}
	buf_truncate(&k->path, len);
	closedir(dir);
}

static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

void fan_dirs_move(struct fan_dirs *d, const char *from, const char *to)
{
	size_t len = strlen(from), nkill = 0;
	uint64_t *kill = NULL;
	for (size_t i = 0; i < d->map.cap; i++) {
		struct watch_slot *s = &d->map.slots[i];
		char *p = (char *)(uintptr_t)s->a;
		if (!s->key || !p || !under(p, from))
			continue;
		if (to && s->b == FAN_DIR_IN) {
			struct buf b = {0};
			buf_adds(&b, to);
			buf_adds(&b, p + len);
			free(p);
			s->a = (uint64_t)(uintptr_t)buf_detach(&b, NULL);
		} else {
			/* keys first, removal after: removing shifts slots under the scan */
			if (!(nkill & (nkill + 1)))
				kill = lb_realloc(kill, (nkill + 1) * 2 * sizeof *kill);
			kill[nkill++] = s->key;
		}
	}
	for (size_t i = 0; i < nkill; i++)
		fan_dirs_del(d, kill[i]);
	free(kill);
}

void fan_dirs_del(struct fan_dirs *d, uint64_t key)
{
	struct watch_slot *s = watch_map_get(&d->map, key);
	if (!s)
		return;
	if (s->b == FAN_DIR_IN && d->w->sum->dirs_watched)
		d->w->sum->dirs_watched--;
	free((char *)(uintptr_t)s->a);
	watch_map_del(&d->map, key);
}

static void add_tree(struct fan_dirs *d, const char *path, int report, pid_t pid)
{
	int r = watch_path_root(d->w, path);
	if (r < 0)
		return;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	struct walk k = {.root = (size_t)r, .report = report, .pid = pid};
	buf_adds(&k.path, path);
	walk(d, &k, fd, 0);
	buf_release(&k.path);
}

void fan_dirs_add(struct fan_dirs *d, const void *fsid_and_handle, const char *path, pid_t pid)
{
	if (d->mode == WATCH_MARKS_FOLDERS)
		add_tree(d, path, 1, pid); /* unmarked until now: what was put in it meanwhile is news */
	else if (fsid_and_handle)
		put(d, fan_fid_key(fsid_and_handle), path, FAN_DIR_IN);
	else
		add_tree(d, path, 0, pid);
}

void fan_dirs_add_tree(struct fan_dirs *d, const char *path)
{
	add_tree(d, path, 0, 0);
}

/* Remove the marks of the folder open as fd (closed here) and of every folder below it. */
static void unmark(struct fan_dirs *d, int fd, int depth)
{
	fanotify_mark(d->fd, FAN_MARK_REMOVE | FAN_MARK_ONLYDIR, MASK_IN, fd, NULL);
	DIR *dir = depth < WALK_DEPTH ? fdopendir(fd) : NULL;
	if (!dir) {
		close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dir))) {
		if ((e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) || !strcmp(e->d_name, ".") ||
		    !strcmp(e->d_name, ".."))
			continue;
		int cfd = openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd >= 0)
			unmark(d, cfd, depth + 1);
	}
	closedir(dir);
}

void fan_dirs_moved_out(struct fan_dirs *d, const char *from, const void *new_fid)
{
	fan_dirs_move(d, from, NULL);
	if (d->mode != WATCH_MARKS_FOLDERS || !new_fid)
		return;
	/* Its marks would go on reporting it from where it is now: find it there by the new folder's handle, and
	 * unmark it (moved out of a watched folder) or the watched folders it holds (a folder above moved away). */
	const struct file_handle *fh = (const struct file_handle *)((const unsigned char *)new_fid + 8);
	const char *name = (const char *)fh->f_handle + fh->handle_bytes;
	int inside = watch_path_root(d->w, from);
	for (size_t i = 0; i < d->w->nroots; i++) {
		const char *root = d->w->roots[i].path;
		int holds = under(root, from);
		if ((inside != (int)i && !holds) || d->roots[i].mount_fd < 0)
			continue;
		int pfd = open_by_handle_at(d->roots[i].mount_fd, (struct file_handle *)fh, O_PATH | O_CLOEXEC);
		if (pfd < 0)
			return;
		int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(pfd);
		const char *rel = holds ? root + strlen(from) : ""; /* the watched folder's place in what moved */
		if (fd >= 0 && *rel) {
			int rfd = openat(fd, rel + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			close(fd);
			fd = rfd;
		}
		if (fd >= 0)
			unmark(d, fd, 0);
		if (!holds)
			return;
	}
}

/* Register (and mark) the folders above root r on its filesystem: "/", "/srv" for /srv/share. */
static void above(struct fan_dirs *d, size_t r)
{
	const char *root = d->w->roots[r].path;
	struct buf p = {0};
	for (const char *c = root; (c = strchr(c, '/')) && c[1]; c++) {
		buf_reset(&p);
		buf_add(&p, root, c == root ? 1 : (size_t)(c - root));
		int fd = open(p.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat st;
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_dev == d->roots[r].dev && mark(d, fd, MASK_ABOVE, p.data) == 0)
			put(d, key_of(d, r, fd, NULL), p.data, FAN_DIR_ABOVE);
		close(fd);
	}
	buf_release(&p);
}

void fan_dirs_walk_root(struct fan_dirs *d, size_t r, int report)
{
	struct fan_root *fr = &d->roots[r];
	const char *root = d->w->roots[r].path;
	fan_dirs_move(d, root, NULL);
	fr->ino = 0;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || st.st_dev != fr->dev) {
		close(fd);
		return;
	}
	fr->ino = st.st_ino;
	above(d, r);
	struct walk k = {.root = r, .report = report && d->mode == WATCH_MARKS_FOLDERS};
	buf_adds(&k.path, root);
	walk(d, &k, fd, 0);
	buf_release(&k.path);
}

int fan_dirs_init(struct fan_dirs *d, struct watch *w, int fd, int mode)
{
	d->w = w;
	d->fd = fd;
	d->mode = mode;
	d->roots = lb_calloc(w->nroots, sizeof *d->roots);
	for (size_t i = 0; i < w->nroots; i++)
		d->roots[i].mount_fd = -1;
	for (size_t i = 0; i < w->nroots; i++) {
		struct stat st;
		struct statfs sf;
		int rfd = open(w->roots[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rfd < 0 || fstat(rfd, &st) < 0 || fstatfs(rfd, &sf) < 0) {
			int e = errno;
			if (rfd >= 0)
				close(rfd);
			return lb_error_errno_tr(e, "cannot open '%s'", "'%s' を開けません", w->roots[i].path);
		}
		d->roots[i].mount_fd = rfd;
		d->roots[i].dev = st.st_dev;
		memcpy(d->roots[i].fsid, &sf.f_fsid, 8);
	}
	return 0;
}

void fan_dirs_reset(struct fan_dirs *d, int mode)
{
	fan_dirs_free_table(d);
	d->w->sum->dirs_watched = 0;
	d->mode = mode;
	d->full = 0;
}

static void forget_root(struct fan_dirs *d, size_t r)
{
	if (d->roots[r].ino)
		fan_dirs_move(d, d->w->roots[r].path, NULL);
	d->roots[r].ino = 0;
}

void fan_dirs_above(struct fan_dirs *d, const char *path, int appeared)
{
	for (size_t i = 0; i < d->w->nroots; i++) {
		if (!under(d->w->roots[i].path, path))
			continue;
		if (appeared)
			fan_dirs_walk_root(d, i, 1); /* made again while watching: what is in it is news */
		else
			forget_root(d, i);
	}
}

void fan_dirs_check_roots(struct fan_dirs *d)
{
	for (size_t i = 0; i < d->w->nroots; i++) {
		struct stat st;
		if (stat(d->w->roots[i].path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_dev != d->roots[i].dev)
			forget_root(d, i); /* gone, moved away, or another filesystem mounted there */
		else if (st.st_ino != d->roots[i].ino)
			fan_dirs_walk_root(d, i, 1); /* back, or another folder now under its name */
	}
}

void fan_dirs_free_table(struct fan_dirs *d)
{
	for (size_t i = 0; i < d->map.cap; i++)
		if (d->map.slots[i].key)
			free((char *)(uintptr_t)d->map.slots[i].a);
	watch_map_free(&d->map);
}

void fan_dirs_free(struct fan_dirs *d)
{
	fan_dirs_free_table(d);
	for (size_t i = 0; d->roots && i < d->w->nroots; i++)
		if (d->roots[i].mount_fd >= 0)
			close(d->roots[i].mount_fd);
	free(d->roots);
}
