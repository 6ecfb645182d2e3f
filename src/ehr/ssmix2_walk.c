/*
 * ssmix2_walk.c - visiting the folders of SS-MIX2 standard storage, and the folder stamps.
 *
 *   root/PID[0:3]/PID[3:6]/PID/<YYYYMMDD or ->/<data type>/<file>
 *
 * The calling thread visits the prefix folders (the root, PID[0:3], PID[3:6]) and makes one job per PID[3:6]
 * folder; workers (ssmix2_scan.c) take the jobs and walk their patient folders down to the files.
 *
 * Folder stamps (struct ssmix2_dir in ehr.h) make a re-walk cheap: a folder whose stamp is as remembered has the
 * same entries as last time, so a prefix folder's children are taken from the tree rather than listed, and a
 * patient folder whose own stamp and all its sub-folders' stamps are unchanged is not listed at all (a stat per
 * folder instead of a listing per folder and a stat per file). Its files are then not in the scan: the caller
 * keeps what it loaded from them. What a skipped folder was warned about last time is warned about again, so the
 * warnings of a walk do not depend on what was skipped.
 *
 * Symlinks are never followed (every folder is opened with O_NOFOLLOW, component by component below the root),
 * the depth is fixed, and nothing recurses.
 */
#include "ehr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ssmix2_walk_int.h"

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

static uint64_t hash_n(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

void walk_index_build(struct dir_index *x, const struct ssmix2_tree *t)
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

long walk_index_find(const struct dir_index *x, const struct ssmix2_tree *t, const char *s, size_t n)
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

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/* A folder's stamp, or 0 while it is too fresh to trust (see struct ssmix2_dir). */
static uint64_t stamp_of(const struct ssmix2_walker *w, const struct stat *st)
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

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_add(struct names *x, const char *s, size_t n)
{
	x->v = lb_reallocarray(x->v, x->n + 1, sizeof(*x->v));
	x->v[x->n++] = lb_strndup(s, n);
}

/*
 * Visit prefix folder path (depth 0..2, tree entry *dir or -1): its child folders go to kids, taken from the tree
 * when its stamp is unchanged, else listed. Sets *dir to the entry (created when new).
 */
static void visit_prefix(struct ssmix2_walker *w, struct walker *k, const char *path, long *dir, struct names *kids)
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
		if (kids->n > 1)
			qsort(kids->v, kids->n, sizeof(*kids->v), name_cmp);
		return;
	}
	buf_reset(&k->dwarns);
	uint64_t stamp = 0;
	int fd = open_rel(w->rootfd, path);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		dwarn(k, path, L_("cannot open folder (skipped)", "フォルダを開けません (読み飛ばしました)"));
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
			dwarn(k, k->path.data,
			      L_("not a folder of the storage layout (skipped)",
			         "SS-MIX2 の格納構造のフォルダではありません (読み飛ばしました)"));
		}
		closedir(d);
	}
	if (kids->n > 1)
		qsort(kids->v, kids->n, sizeof(*kids->v), name_cmp);
	if (*dir < 0)
		*dir = (long)(ssmix2_tree_add(t, path, 0, NULL, 0, NULL, 0) - t->v);
	struct ssmix2_dir *x = &t->v[*dir];
	x->stamp = stamp;
	x->state = SSMIX2_DIR_WALKED;
	buf_reset(&x->warns);
	buf_add(&x->warns, k->dwarns.data, k->dwarns.len);
}

/* Are the patient folder bfd/pid and every folder under it as the tree remembers them? */
static int pid_same(struct ssmix2_walker *w, struct walker *k, int bfd, const char *pid, const struct ssmix2_dir *d)
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

/* A file into the job's batch; patients with IDs under 6 characters have no prefix folders that pin them to one
 * job, so their files wait for the late batch (ssmix2_scan.c). */
static void add_file(struct walker *k, const char *rel, const struct ssmix2_name *nm, const struct stat *st)
{
	struct batch *b = strlen(nm->patient) < 6 ? &k->late : k->batch;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->files = lb_reallocarray(b->files, b->cap, sizeof(*b->files));
	}
	struct ssmix2_file *f = &b->files[b->n++];
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
			dwarn(k, path, L_("cannot stat entry", "項目の情報を読めません"));
			return 0;
		}
		if (!S_ISREG(st.st_mode)) {
			dwarn(k, path,
			      L_("not a regular file (skipped)", "通常のファイルではありません (読み飛ばしました)"));
			return 0;
		}
		have_stat = 1;
	}
	struct ssmix2_name nm;
	if (ssmix2_parse_path(path, &nm) < 0) {
		buf_reset(&k->msg);
		buf_addf(&k->msg, L_("not an SS-MIX2 file: %s", "SS-MIX2 のファイルではありません: %s"), lb_errmsg());
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
static void walk_pid(struct ssmix2_walker *w, struct walker *k, int bfd, const char *pid, const char *path, long dir)
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
		dwarn(k, path, L_("cannot open folder (skipped)", "フォルダを開けません (読み飛ばしました)"));
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
				dwarn(k, k->path.data,
				      L_("not a folder of the storage layout (skipped)",
				         "SS-MIX2 の格納構造のフォルダではありません (読み飛ばしました)"));
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
				dwarn(k, k->path.data,
				      L_("cannot open folder (skipped)", "フォルダを開けません (読み飛ばしました)"));
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

void walk_run_job(struct ssmix2_walker *w, struct walker *k, struct job *j)
{
	int bfd = open_rel(w->rootfd, j->path);
	if (bfd < 0) {
		/* listed a moment ago: gone or closed meanwhile; its patients are not in this walk */
		struct ssmix2_dir *b = &w->tree->v[j->dir];
		buf_reset(&k->dwarns);
		dwarn(k, j->path, L_("cannot open folder (skipped)", "フォルダを開けません (読み飛ばしました)"));
		b->stamp = 0;
		b->state = SSMIX2_DIR_WALKED;
		buf_add(&b->warns, k->dwarns.data, k->dwarns.len);
		return;
	}
	for (size_t i = 0; i < j->npids; i++) {
		join(&k->path, j->path, j->pids[i]);
		long d = walk_index_find(&w->ix, w->tree, k->path.data, k->path.len);
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

void walk_build_kids(struct ssmix2_walker *w)
{
	struct ssmix2_tree *t = w->tree;
	size_t n = w->nprev;
	long *parent = lb_calloc(n + 1, sizeof(*parent));
	w->kid_start = lb_calloc(n + 2, sizeof(*w->kid_start));
	w->kid = lb_calloc(n + 1, sizeof(*w->kid));
	for (size_t i = 0; i < n; i++) {
		const char *p = t->v[i].path, *slash = strrchr(p, '/');
		parent[i] = !*p ? -1 : walk_index_find(&w->ix, t, p, slash ? (size_t)(slash - p) : 0);
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

/* Breadth first; a level's names sorted, so that the jobs come in path order. */
void walk_prefixes(struct ssmix2_walker *w)
{
	struct walker *k = &w->workers[0];
	struct names level = {0};
	names_add(&level, "", 0);
	for (int depth = 0; depth < PID_DEPTH; depth++) {
		struct names next = {0};
		for (size_t i = 0; i < level.n; i++) {
			long dir = walk_index_find(&w->ix, w->tree, level.v[i], strlen(level.v[i]));
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
