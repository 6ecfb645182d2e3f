/*
 * ssmix2_walk.c - the walker of SS-MIX2 standard storage, and "which version is current".
 *
 *   root/PID[0:3]/PID[3:6]/PID/<YYYYMMDD or ->/<data type>/<file>
 *
 * The walk runs in two phases. The calling thread visits the prefix folders (the root, PID[0:3], PID[3:6]) and
 * makes one job per PID[3:6] folder; then WALK_THREADS workers (the calling thread and helpers) take the jobs and
 * walk their patient folders down to the files. Listing a large tree is mostly waiting for the disk to deliver
 * folder blocks, so more requests in flight than there are cores shortens it.
 *
 * Folder stamps (struct ssmix2_dir in ehr.h) make a re-walk cheap: a folder whose stamp is as remembered has the
 * same entries as last time, so a prefix folder's children are taken from the tree rather than listed, and a
 * patient folder whose own stamp and all its sub-folders' stamps are unchanged is not listed at all (a stat per
 * folder instead of a listing per folder and a stat per file). Its files are then not in the scan: the caller
 * keeps what it loaded from them. What a skipped folder was warned about last time is warned about again, so the
 * warnings of a walk do not depend on what was skipped.
 *
 * Workers keep their files, warnings and new tree entries to themselves; they are merged when all have ended.
 * Warnings are handed to the sink sorted by path. Symlinks are never followed (every folder is opened with
 * O_NOFOLLOW, component by component below the root), the depth is fixed, and nothing recurses.
 */
#include "ehr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SSMIX2_DEPTH 6 /* a, b, pid, date, type, file */
#define PID_DEPTH 3    /* root/a/b/pid */
#define WALK_THREADS 8

/* ---- the tree ------------------------------------------------------------------------------------------------ */

struct ssmix2_dir *ssmix2_tree_add(struct ssmix2_tree *t, const char *path, uint64_t stamp, const void *below,
                                   size_t below_len, const void *warns, size_t warns_len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = lb_reallocarray(t->v, t->cap, sizeof(*t->v));
	}
	struct ssmix2_dir *d = &t->v[t->n++];
	memset(d, 0, sizeof(*d));
	d->path = lb_strdup(path);
	d->stamp = stamp;
	if (below_len)
		buf_add(&d->below, below, below_len);
	if (warns_len)
		buf_add(&d->warns, warns, warns_len);
	return d;
}

static void dir_free(struct ssmix2_dir *d)
{
	free(d->path);
	buf_release(&d->below);
	buf_release(&d->warns);
}

void ssmix2_tree_release(struct ssmix2_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		dir_free(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* path -> index into a tree (open addressing over a power-of-two table; slot holds index + 1). */
struct dir_index {
	size_t *slot;
	size_t nslot;
};

static uint64_t hash_n(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

static void index_build(struct dir_index *x, const struct ssmix2_tree *t)
{
	free(x->slot);
	x->nslot = 16;
	while (x->nslot < t->n * 2)
		x->nslot *= 2;
	x->slot = lb_calloc(x->nslot, sizeof(*x->slot));
	for (size_t k = 0; k < t->n; k++) {
		size_t i = hash_n(t->v[k].path, strlen(t->v[k].path)) & (x->nslot - 1);
		while (x->slot[i])
			i = (i + 1) & (x->nslot - 1);
		x->slot[i] = k + 1;
	}
}

/* The index of the entry whose path is s[0..n), or -1. */
static long index_find(const struct dir_index *x, const struct ssmix2_tree *t, const char *s, size_t n)
{
	if (!x->nslot)
		return -1;
	for (size_t i = hash_n(s, n) & (x->nslot - 1);; i = (i + 1) & (x->nslot - 1)) {
		if (!x->slot[i])
			return -1;
		const char *p = t->v[x->slot[i] - 1].path;
		if (!strncmp(p, s, n) && p[n] == 0)
			return (long)(x->slot[i] - 1);
	}
}

static int path_depth(const char *p)
{
	if (!*p)
		return 0;
	int d = 1;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

/* ---- encodings of ssmix2_dir.below and .warns ---------------------------------------------------------------- */

/* below: per folder under a patient folder, u16 length, the path relative to the patient folder, u64 stamp */
static void below_add(struct buf *b, const char *rel, size_t n, uint64_t stamp)
{
	uint16_t l = (uint16_t)(n > 0xffff ? 0xffff : n);
	buf_add(b, &l, sizeof(l));
	buf_add(b, rel, l);
	buf_add(b, &stamp, sizeof(stamp));
}

/* warns: per warning, u32 length and the path, u32 length and the detail */
static void warns_add(struct buf *b, const char *path, const char *detail)
{
	uint32_t l = (uint32_t)strlen(path);
	buf_add(b, &l, sizeof(l));
	buf_add(b, path, l);
	l = (uint32_t)strlen(detail);
	buf_add(b, &l, sizeof(l));
	buf_add(b, detail, l);
}

/* Read one length-prefixed piece at *pos of b (len_size 2 or 4); 0 at the end or when b is malformed. */
static int take(const struct buf *b, size_t *pos, size_t len_size, const char **s, size_t *n)
{
	if (*pos + len_size > b->len)
		return 0;
	uint32_t l = 0;
	if (len_size == 2) {
		uint16_t l16;
		memcpy(&l16, b->data + *pos, 2);
		l = l16;
	} else {
		memcpy(&l, b->data + *pos, 4);
	}
	*pos += len_size;
	if (l > b->len - *pos)
		return 0;
	*s = b->data + *pos;
	*n = l;
	*pos += l;
	return 1;
}

/* ---- one walk ------------------------------------------------------------------------------------------------ */

struct wwarn {
	char *path, *detail;
};

struct job {
	char *path;  /* "a/b" */
	long dir;    /* its tree entry */
	char **pids; /* names of the patient folders in it */
	size_t npids;
};

struct walk;

/* What one worker found. */
struct walker {
	struct walk *w;
	struct ssmix2_file *files;
	size_t n, cap;
	struct wwarn *warns;
	size_t nwarns, capwarns;
	struct ssmix2_tree added; /* patient folders not in the previous tree */
	long same_dirs, same_files, same_current;
	struct buf path, rel, msg, below, dwarns; /* scratch */
};

struct walk {
	const char *root;
	int rootfd;
	struct ssmix2_tree *tree;
	struct dir_index ix; /* over the previous tree's entries */
	size_t nprev;
	size_t *kid, *kid_start; /* children of previous entry i: kid[kid_start[i] .. kid_start[i + 1]) */
	int full, stat_files, settle_s;
	int64_t now_s;
	struct job *jobs;
	size_t njobs;
	_Atomic size_t next;
	_Atomic long count;           /* files found, for the progress bar */
	struct lb_progress *progress; /* updated by worker 0 only */
	struct walker workers[WALK_THREADS];
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/* A folder's stamp, or 0 while it is too fresh to trust (see struct ssmix2_dir). */
static uint64_t stamp_of(const struct walk *w, const struct stat *st)
{
	if ((int64_t)st->st_mtim.tv_sec > w->now_s - w->settle_s)
		return 0;
	uint64_t h = 0x243f6a8885a308d3ull;
	h = mix(h, (uint64_t)st->st_dev);
	h = mix(h, (uint64_t)st->st_ino);
	h = mix(h, (uint64_t)st->st_mode);
	h = mix(h, (uint64_t)st->st_mtim.tv_sec);
	h = mix(h, (uint64_t)st->st_mtim.tv_nsec);
	h = mix(h, (uint64_t)st->st_ctim.tv_sec);
	h = mix(h, (uint64_t)st->st_ctim.tv_nsec);
	return h ? h : 1;
}

/* A warning about path, kept by the worker and recorded in the folder being visited (k->dwarns). */
static void dwarn(struct walker *k, const char *path, const char *detail)
{
	if (k->nwarns == k->capwarns) {
		k->capwarns = k->capwarns ? k->capwarns * 2 : 16;
		k->warns = lb_reallocarray(k->warns, k->capwarns, sizeof(*k->warns));
	}
	k->warns[k->nwarns].path = lb_strdup(path);
	k->warns[k->nwarns].detail = lb_strdup(detail);
	k->nwarns++;
	warns_add(&k->dwarns, path, detail);
}

/* The warnings a folder recorded last time, again. */
static void replay_warns(struct walker *k, const struct ssmix2_dir *d)
{
	size_t pos = 0, pl, dl;
	const char *p, *det;
	while (take(&d->warns, &pos, 4, &p, &pl) && take(&d->warns, &pos, 4, &det, &dl)) {
		if (k->nwarns == k->capwarns) {
			k->capwarns = k->capwarns ? k->capwarns * 2 : 16;
			k->warns = lb_reallocarray(k->warns, k->capwarns, sizeof(*k->warns));
		}
		k->warns[k->nwarns].path = lb_strndup(p, pl);
		k->warns[k->nwarns].detail = lb_strndup(det, dl);
		k->nwarns++;
	}
}

/* Open folder relpath under the root, one component at a time, never through a symlink. */
static int open_rel(int rootfd, const char *relpath)
{
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *p = relpath;
	while (fd >= 0 && *p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char name[256];
		int nfd = -1;
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = 0;
			nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		close(fd);
		fd = nfd;
		p += n + (slash ? 1 : 0);
	}
	return fd;
}

static int is_dot(const char *n)
{
	return n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0));
}

/* Is entry e of the open folder dir a folder (d_type, or a stat when the file system does not say)? */
static int entry_is_dir(DIR *dir, const struct dirent *e)
{
	if (e->d_type == DT_DIR)
		return 1;
	if (e->d_type != DT_UNKNOWN)
		return 0;
	struct stat st;
	return fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static void join(struct buf *b, const char *dir, const char *name)
{
	buf_reset(b);
	buf_adds(b, dir);
	if (*dir)
		buf_addch(b, '/');
	buf_adds(b, name);
}

struct names {
	char **v;
	size_t n;
};

static void names_add(struct names *x, const char *s, size_t n)
{
	x->v = lb_reallocarray(x->v, x->n + 1, sizeof(*x->v));
	x->v[x->n++] = lb_strndup(s, n);
}

/*
 * Visit prefix folder path (depth 0..2, tree entry *dir or -1): its child folders go to kids, taken from the tree
 * when its stamp is unchanged, else listed. Sets *dir to the entry (created when new).
 */
static void visit_prefix(struct walk *w, struct walker *k, const char *path, long *dir, struct names *kids)
{
	struct ssmix2_tree *t = w->tree;
	struct stat st;
	int ok = *path ? fstatat(w->rootfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 : fstat(w->rootfd, &st) == 0;
	if (ok && S_ISDIR(st.st_mode) && !w->full && *dir >= 0 && (size_t)*dir < w->nprev && t->v[*dir].stamp &&
	    t->v[*dir].stamp == stamp_of(w, &st)) {
		t->v[*dir].state = SSMIX2_DIR_SAME;
		replay_warns(k, &t->v[*dir]);
		for (size_t i = w->kid_start[*dir]; i < w->kid_start[*dir + 1]; i++) {
			const char *p = t->v[w->kid[i]].path, *slash = strrchr(p, '/');
			const char *name = slash ? slash + 1 : p;
			names_add(kids, name, strlen(name));
		}
		return;
	}
	buf_reset(&k->dwarns);
	uint64_t stamp = 0;
	int fd = open_rel(w->rootfd, path);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		dwarn(k, path, "cannot open folder (skipped)");
	} else {
		if (fstat(dirfd(d), &st) == 0)
			stamp = stamp_of(w, &st);
		struct dirent *e;
		while ((e = readdir(d))) {
			if (is_dot(e->d_name))
				continue;
			if (entry_is_dir(d, e)) {
				names_add(kids, e->d_name, strlen(e->d_name));
				continue;
			}
			join(&k->path, path, e->d_name);
			dwarn(k, k->path.data, "not a folder of the storage layout (skipped)");
		}
		closedir(d);
	}
	if (*dir < 0)
		*dir = (long)(ssmix2_tree_add(t, path, 0, NULL, 0, NULL, 0) - t->v);
	struct ssmix2_dir *x = &t->v[*dir];
	x->stamp = stamp;
	x->state = SSMIX2_DIR_WALKED;
	buf_reset(&x->warns);
	buf_add(&x->warns, k->dwarns.data, k->dwarns.len);
}

/* Are the patient folder bfd/pid and every folder under it as the tree remembers them? */
static int pid_same(struct walk *w, struct walker *k, int bfd, const char *pid, const struct ssmix2_dir *d)
{
	struct stat st;
	if (!d->stamp || fstatat(bfd, pid, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
	    stamp_of(w, &st) != d->stamp)
		return 0;
	size_t pos = 0, n;
	const char *rel;
	while (take(&d->below, &pos, 2, &rel, &n)) {
		uint64_t want;
		if (pos + sizeof(want) > d->below.len)
			return 0;
		memcpy(&want, d->below.data + pos, sizeof(want));
		pos += sizeof(want);
		buf_reset(&k->rel);
		buf_adds(&k->rel, pid);
		buf_addch(&k->rel, '/');
		buf_add(&k->rel, rel, n);
		if (!want || fstatat(bfd, k->rel.data, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
		    stamp_of(w, &st) != want)
			return 0;
	}
	return 1;
}

static void add_file(struct walker *k, const char *rel, const struct ssmix2_name *nm, const struct stat *st)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 256;
		k->files = lb_reallocarray(k->files, k->cap, sizeof(*k->files));
	}
	struct ssmix2_file *f = &k->files[k->n++];
	memset(f, 0, sizeof(*f));
	f->path = lb_strdup(rel);
	f->name = *nm;
	f->size = st ? st->st_size : -1;
	f->mtime_ns = st ? (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec : -1;
}

/* One entry of a folder at the file level (depth 5): a storage file, or a warning. */
static long visit_file(struct walker *k, DIR *dir, const struct dirent *e, const char *path)
{
	struct stat st;
	int have_stat = 0;
	if (e->d_type != DT_REG || k->w->stat_files) {
		if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			dwarn(k, path, "cannot stat entry");
			return 0;
		}
		if (!S_ISREG(st.st_mode)) {
			dwarn(k, path, "not a regular file (skipped)");
			return 0;
		}
		have_stat = 1;
	}
	struct ssmix2_name nm;
	if (ssmix2_parse_path(path, &nm) < 0) {
		buf_reset(&k->msg);
		buf_addf(&k->msg, "not an SS-MIX2 file: %s", lb_errmsg());
		dwarn(k, path, k->msg.data);
		return 0;
	}
	add_file(k, path, &nm, have_stat ? &st : NULL);
	return 1;
}

/*
 * Walk patient folder bfd/pid (path "a/b/pid") down to its files; record its stamps and warnings in tree entry
 * dir, or in a new entry of the worker's when dir < 0.
 */
static void walk_pid(struct walk *w, struct walker *k, int bfd, const char *pid, const char *path, long dir)
{
	DIR *stack[SSMIX2_DEPTH] = {0};
	size_t plen[SSMIX2_DEPTH] = {0};
	size_t pid_len = strlen(path);
	uint64_t stamp = 0;
	long nfiles = 0;
	buf_reset(&k->below);
	buf_reset(&k->dwarns);
	int fd = openat(bfd, pid, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *top = fd >= 0 ? fdopendir(fd) : NULL;
	if (!top) {
		if (fd >= 0)
			close(fd);
		dwarn(k, path, "cannot open folder (skipped)");
	} else {
		struct stat st;
		if (fstat(dirfd(top), &st) == 0)
			stamp = stamp_of(w, &st);
		buf_reset(&k->path);
		buf_adds(&k->path, path);
		int depth = PID_DEPTH;
		stack[depth] = top;
		plen[depth] = k->path.len;
		while (depth >= PID_DEPTH) {
			struct dirent *e = readdir(stack[depth]);
			if (!e) {
				closedir(stack[depth]);
				stack[depth--] = NULL;
				if (depth >= PID_DEPTH)
					buf_truncate(&k->path, plen[depth]);
				continue;
			}
			if (is_dot(e->d_name))
				continue;
			buf_truncate(&k->path, plen[depth]);
			buf_addch(&k->path, '/');
			buf_adds(&k->path, e->d_name);
			if (depth + 1 == SSMIX2_DEPTH) {
				nfiles += visit_file(k, stack[depth], e, k->path.data);
				continue;
			}
			if (!entry_is_dir(stack[depth], e)) {
				dwarn(k, k->path.data, "not a folder of the storage layout (skipped)");
				continue;
			}
			const char *rel = k->path.data + pid_len + 1;
			size_t rel_len = k->path.len - pid_len - 1;
			int sfd =
			        openat(dirfd(stack[depth]), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			DIR *sub = sfd >= 0 ? fdopendir(sfd) : NULL;
			if (!sub) {
				if (sfd >= 0)
					close(sfd);
				below_add(&k->below, rel, rel_len, 0); /* listed again next time */
				dwarn(k, k->path.data, "cannot open folder (skipped)");
				continue;
			}
			below_add(&k->below, rel, rel_len, fstat(dirfd(sub), &st) == 0 ? stamp_of(w, &st) : 0);
			plen[++depth] = k->path.len;
			stack[depth] = sub;
		}
	}
	struct ssmix2_dir *x;
	if (dir >= 0) {
		x = &w->tree->v[dir];
		x->stamp = stamp;
		buf_reset(&x->below);
		buf_add(&x->below, k->below.data, k->below.len);
		buf_reset(&x->warns);
		buf_add(&x->warns, k->dwarns.data, k->dwarns.len);
	} else {
		x = ssmix2_tree_add(&k->added, path, stamp, k->below.data, k->below.len, k->dwarns.data, k->dwarns.len);
	}
	x->files = nfiles;
	x->current = 0; /* counted after the merge */
	x->state = SSMIX2_DIR_WALKED;
	atomic_fetch_add(&w->count, nfiles);
}

static void run_job(struct walk *w, struct walker *k, struct job *j)
{
	int bfd = open_rel(w->rootfd, j->path);
	if (bfd < 0) {
		/* listed a moment ago: gone or closed meanwhile; its patients are not in this walk */
		struct ssmix2_dir *b = &w->tree->v[j->dir];
		buf_reset(&k->dwarns);
		dwarn(k, j->path, "cannot open folder (skipped)");
		b->stamp = 0;
		b->state = SSMIX2_DIR_WALKED;
		buf_add(&b->warns, k->dwarns.data, k->dwarns.len);
		return;
	}
	for (size_t i = 0; i < j->npids; i++) {
		join(&k->path, j->path, j->pids[i]);
		long d = index_find(&w->ix, w->tree, k->path.data, k->path.len);
		if (d >= 0 && (size_t)d >= w->nprev)
			d = -1;
		if (d >= 0 && !w->full && pid_same(w, k, bfd, j->pids[i], &w->tree->v[d])) {
			struct ssmix2_dir *x = &w->tree->v[d];
			x->state = SSMIX2_DIR_SAME;
			k->same_dirs++;
			k->same_files += x->files;
			k->same_current += x->current;
			replay_warns(k, x);
			atomic_fetch_add(&w->count, x->files);
			continue;
		}
		struct buf path = {0};
		buf_add(&path, k->path.data, k->path.len);
		walk_pid(w, k, bfd, j->pids[i], path.data, d);
		buf_release(&path);
	}
	close(bfd);
}

struct worker_arg {
	struct walk *w;
	int index;
};

static void *worker_run(void *arg)
{
	struct worker_arg *a = arg;
	struct walk *w = a->w;
	struct walker *k = &w->workers[a->index];
	for (;;) {
		size_t i = atomic_fetch_add(&w->next, 1);
		if (i >= w->njobs)
			break;
		run_job(w, k, &w->jobs[i]);
		if (a->index == 0 && w->progress)
			lb_progress_update(w->progress, (uint64_t)atomic_load(&w->count));
	}
	return NULL;
}

/* Children of each previous entry, for prefix folders whose stamp is unchanged. */
static void build_kids(struct walk *w)
{
	struct ssmix2_tree *t = w->tree;
	size_t n = w->nprev;
	long *parent = lb_calloc(n + 1, sizeof(*parent));
	w->kid_start = lb_calloc(n + 2, sizeof(*w->kid_start));
	w->kid = lb_calloc(n + 1, sizeof(*w->kid));
	for (size_t i = 0; i < n; i++) {
		const char *p = t->v[i].path, *slash = strrchr(p, '/');
		parent[i] = !*p ? -1 : index_find(&w->ix, t, p, slash ? (size_t)(slash - p) : 0);
		if (parent[i] >= 0 && path_depth(p) <= PID_DEPTH)
			w->kid_start[parent[i] + 1]++;
		else
			parent[i] = -1;
	}
	for (size_t i = 0; i < n; i++)
		w->kid_start[i + 1] += w->kid_start[i];
	w->kid_start[n + 1] = w->kid_start[n];
	size_t *fill = lb_calloc(n + 1, sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		if (parent[i] >= 0)
			w->kid[w->kid_start[parent[i]] + fill[parent[i]]++] = i;
	free(fill);
	free(parent);
}

/* Phase 1: the prefix folders, breadth first, in this thread; one job per folder at depth 2. */
static void walk_prefixes(struct walk *w)
{
	struct walker *k = &w->workers[0];
	struct names level = {0};
	names_add(&level, "", 0);
	for (int depth = 0; depth < PID_DEPTH; depth++) {
		struct names next = {0};
		for (size_t i = 0; i < level.n; i++) {
			long dir = index_find(&w->ix, w->tree, level.v[i], strlen(level.v[i]));
			struct names kids = {0};
			visit_prefix(w, k, level.v[i], &dir, &kids);
			if (depth + 1 < PID_DEPTH) {
				for (size_t c = 0; c < kids.n; c++) {
					join(&k->path, level.v[i], kids.v[c]);
					names_add(&next, k->path.data, k->path.len);
					free(kids.v[c]);
				}
				free(kids.v);
			} else {
				w->jobs = lb_reallocarray(w->jobs, w->njobs + 1, sizeof(*w->jobs));
				w->jobs[w->njobs++] = (struct job){
				        .path = lb_strdup(level.v[i]), .dir = dir, .pids = kids.v, .npids = kids.n};
			}
			free(level.v[i]);
		}
		free(level.v);
		level = next;
	}
	for (size_t i = 0; i < level.n; i++)
		free(level.v[i]);
	free(level.v);
}

/* ---- which version is current ------------------------------------------------------------------------------- */

/* Types whose newest file is the whole state of the patient, whatever its date folder and order number. */
static int per_patient_type(const char *type)
{
	return !strcmp(type, "ADT-00") || !strcmp(type, "ADT-61");
}

static int cmp_record(const struct ssmix2_file *a, const struct ssmix2_file *b)
{
	int c = strcmp(a->name.patient, b->name.patient);
	if (c)
		return c;
	if ((c = strcmp(a->name.type, b->name.type)))
		return c;
	if (per_patient_type(a->name.type))
		return 0;
	if ((c = strcmp(a->name.date, b->name.date)))
		return c;
	return strcmp(a->name.order_no, b->name.order_no);
}

static int cmp_file(const void *pa, const void *pb)
{
	const struct ssmix2_file *a = pa, *b = pb;
	int c = cmp_record(a, b);
	if (c)
		return c;
	if ((c = strcmp(a->name.time, b->name.time)))
		return c;
	/* A deletion stamped with the same time as a valid version wins: it sorts last. */
	if (a->name.flag != b->name.flag)
		return b->name.flag - a->name.flag;
	return strcmp(a->path, b->path);
}

static int cmp_warning(const void *pa, const void *pb)
{
	const struct wwarn *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : strcmp(a->detail, b->detail);
}

/* The length of the patient-folder part ("a/b/pid") of a file's path, or 0. */
static size_t pid_prefix(const char *path)
{
	int slashes = 0;
	for (const char *p = path; *p; p++)
		if (*p == '/' && ++slashes == PID_DEPTH)
			return (size_t)(p - path);
	return 0;
}

/* Merge the workers' findings into out and the tree; hand the warnings to the sink. */
static void merge(struct walk *w, const struct ehr_sink *sink, struct ssmix2_scan *out)
{
	size_t nw = 0;
	for (int i = 0; i < WALK_THREADS; i++)
		nw += w->workers[i].nwarns;
	struct wwarn *all = nw ? lb_calloc(nw, sizeof(*all)) : NULL;
	nw = 0;
	for (int i = 0; i < WALK_THREADS; i++) {
		struct walker *k = &w->workers[i];
		for (size_t f = 0; f < k->n; f++) {
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 256;
				out->files = lb_reallocarray(out->files, out->cap, sizeof(*out->files));
			}
			out->files[out->n++] = k->files[f];
		}
		free(k->files);
		for (size_t a = 0; a < k->added.n; a++) {
			struct ssmix2_dir *d = &k->added.v[a];
			if (w->tree->n == w->tree->cap) {
				w->tree->cap = w->tree->cap ? w->tree->cap * 2 : 64;
				w->tree->v = lb_reallocarray(w->tree->v, w->tree->cap, sizeof(*w->tree->v));
			}
			w->tree->v[w->tree->n++] = *d; /* moved */
		}
		free(k->added.v);
		for (size_t a = 0; a < k->nwarns; a++)
			all[nw++] = k->warns[a];
		free(k->warns);
		out->same_dirs += k->same_dirs;
		out->same_files += k->same_files;
		out->same_current += k->same_current;
		buf_release(&k->path);
		buf_release(&k->rel);
		buf_release(&k->msg);
		buf_release(&k->below);
		buf_release(&k->dwarns);
	}
	if (nw)
		qsort(all, nw, sizeof(*all), cmp_warning);
	for (size_t i = 0; i < nw; i++) {
		if (sink && sink->warning) {
			struct ehr_source src = {.path = all[i].path, .kind = "ssmix2"};
			sink->warning(sink->ctx, &src, EHR_WARN_PARSE, all[i].detail);
		}
		free(all[i].path);
		free(all[i].detail);
	}
	out->skipped += (long)nw;
	free(all);
}

int ssmix2_scan(const char *root, const struct ehr_sink *sink, struct ssmix2_scan *out)
{
	struct ssmix2_scan in = *out;
	memset(out, 0, sizeof(*out));
	out->progress = in.progress;
	out->tree = in.tree;
	out->full = in.full;
	out->no_file_stat = in.no_file_stat;
	out->settle_s = in.settle_s;
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return lb_error_errno(errno, "cannot open SS-MIX2 storage '%s'", root);
	struct ssmix2_tree local = {0};
	struct walk *w = lb_calloc(1, sizeof(*w));
	w->root = root;
	w->rootfd = rootfd;
	w->tree = in.tree ? in.tree : &local;
	w->nprev = w->tree->n;
	w->full = in.full;
	w->stat_files = !in.no_file_stat;
	w->settle_s = in.settle_s;
	w->now_s = (int64_t)time(NULL);
	w->progress = in.progress;
	atomic_init(&w->next, 0);
	atomic_init(&w->count, 0);
	for (size_t i = 0; i < w->tree->n; i++) {
		w->tree->v[i].state = SSMIX2_DIR_GONE;
		if (path_depth(w->tree->v[i].path) != PID_DEPTH)
			w->tree->v[i].files = w->tree->v[i].current = 0;
	}
	index_build(&w->ix, w->tree);
	build_kids(w);
	for (int i = 0; i < WALK_THREADS; i++)
		w->workers[i].w = w;
	walk_prefixes(w);
	/* Phase 2: the workers. */
	struct worker_arg args[WALK_THREADS];
	pthread_t helper[WALK_THREADS];
	int started[WALK_THREADS] = {0};
	for (int i = 0; i < WALK_THREADS; i++)
		args[i] = (struct worker_arg){w, i};
	for (int i = 1; i < WALK_THREADS && (size_t)i < w->njobs; i++)
		started[i] = pthread_create(&helper[i], NULL, worker_run, &args[i]) == 0;
	worker_run(&args[0]);
	for (int i = 1; i < WALK_THREADS; i++)
		if (started[i])
			pthread_join(helper[i], NULL);
	merge(w, sink, out);
	for (size_t i = 0; i < w->njobs; i++) {
		for (size_t p = 0; p < w->jobs[i].npids; p++)
			free(w->jobs[i].pids[p]);
		free(w->jobs[i].pids);
		free(w->jobs[i].path);
	}
	free(w->jobs);
	free(w->kid);
	free(w->kid_start);
	close(rootfd);
	if (in.progress)
		lb_progress_done(in.progress);
	if (out->n)
		qsort(out->files, out->n, sizeof(*out->files), cmp_file);
	/* The last file of each record's run is its state; count current files per patient folder. */
	index_build(&w->ix, w->tree);
	for (size_t i = 0; i < out->n; i++) {
		struct ssmix2_file *f = &out->files[i];
		int last = i + 1 == out->n || cmp_record(f, &out->files[i + 1]) != 0;
		f->current = last && f->name.flag == 1;
		size_t pl = pid_prefix(f->path);
		long d = f->current && pl ? index_find(&w->ix, w->tree, f->path, pl) : -1;
		if (d >= 0)
			w->tree->v[d].current++;
	}
	free(w->ix.slot);
	free(w);
	ssmix2_tree_release(&local);
	return 0;
}

void ssmix2_scan_release(struct ssmix2_scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->files[i].path);
	free(s->files);
	struct ssmix2_tree *t = s->tree;
	memset(s, 0, sizeof(*s));
	s->tree = t;
}
