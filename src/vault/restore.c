/*
 * restore.c - bring a generation (or a sub-path of it) back into an empty folder, bit for bit.
 *
 * Phases, each on one thread per CPU where it can be:
 *   1. folders and files, in the snapshot's (sorted) order: every folder is made owner-only, every file is
 *      written (each chunk decrypted, decompressed and checked against its keyed id) and gets its owner, mode
 *      and times; big files are split into runs of chunks that every thread writes at their offsets. All paths
 *      are relative to one descriptor of the target (no walk from '/' per file); a parent that does not exist
 *      yet is made on ENOENT only (the ancestors of a backed-up root, or of a sub-path).
 *   2. symlinks, on this thread, each made from a parent folder opened component by component with O_NOFOLLOW.
 *   3. the folders' owners, modes and times (after every entry in them exists): in parallel for folders the
 *      owner can still search, then the others deepest first.
 *   4. durability: every file's write-back is started as soon as it is complete, and one syncfs(2) of the
 *      target's file system at the end; restore reports success only after it, so a restored tree survives a
 *      power cut that follows (unless opts.no_sync).
 * Paths come from a checked snapshot (relative, no ".."), files are opened O_NOFOLLOW and symlinks are made
 * only after every file and folder, so a hostile generation cannot write outside the target.
 */
#include "vault_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { RT_DIR, RT_FILE, RT_PART };

/* A folder to make, a file, or a run of chunks of a big file (split so that one big file uses every thread). */
struct rtask {
	size_t node;
	uint32_t c0, c1; /* chunks [c0, c1) */
	uint64_t off;    /* where chunk c0 starts in the file */
	int kind;
};

#define RS_PART_CHUNKS 4

struct rs {
	struct vault *v;
	struct vsnap snap;
	int tfd; /* the target folder */
	const char *target;
	int root, sync;
	int own_gid; /* new entries get this process's group: the target is not set-group-id */
	struct rtask *tasks;
	size_t ntasks;
	atomic_int *left; /* per node: parts of a split file still to write */
	size_t *dirs;     /* phase 3: folder nodes */
	size_t ndirs;
	atomic_size_t next;
	pthread_mutex_t mtx;
	uint8_t (*pkey)[32];
	uint8_t *phave;
	int err;
	char errmsg[512];
	struct lb_progress *progress;
};

static void rs_fail(struct rs *s, int rc)
{
	pthread_mutex_lock(&s->mtx);
	if (!s->err) {
		s->err = rc;
		snprintf(s->errmsg, sizeof(s->errmsg), "%s", lb_errmsg());
	}
	pthread_mutex_unlock(&s->mtx);
}

static int rs_failed(struct rs *s)
{
	pthread_mutex_lock(&s->mtx);
	int e = s->err;
	pthread_mutex_unlock(&s->mtx);
	return e != 0;
}

struct rs_thread {
	struct rs *s;
	pthread_t th;
	int pack_fd;
	uint32_t pack_no;
	uint64_t pack_size;
	ZSTD_DCtx *dz;
	struct buf blob, plain;
	const uint8_t *bp; /* the blob just fetched: in t->blob, or in the mapping below */
	void *map;
	size_t maplen;
};

/* Blobs from this size on are read through a mapping of their pages rather than copied by pread: the copy out
 * of the page cache was a tenth of restore's CPU. Small ones are cheaper to copy than to map. */
#define RS_MAP_MIN (256u << 10)

/* Whether n needs a chown: only root restores owners, and an entry this process made already has its user, and
 * its group unless the target folder hands its own down (set-group-id). */
static int needs_chown(const struct rs *s, const struct vnode *n)
{
	return s->root && !(n->uid == geteuid() && n->gid == getegid() && s->own_gid);
}

static void ts_of(const struct vnode *n, struct timespec ts[2])
{
	ts[0].tv_sec = n->atime_ns / 1000000000LL;
	ts[0].tv_nsec = n->atime_ns % 1000000000LL;
	ts[1].tv_sec = n->mtime_ns / 1000000000LL;
	ts[1].tv_nsec = n->mtime_ns % 1000000000LL;
}

/* Make every folder of the relative path p (all of it), owner-only; existing ones are fine. */
static int mkdirs_at(int tfd, const char *p)
{
	char *d = lb_strdup(p);
	int rc = 0;
	for (char *s = d;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (*d && mkdirat(tfd, d, 0700) != 0 && errno != EEXIST) {
			rc = lb_error_errno_tr(errno, "cannot create folder '%s'", "フォルダ '%s' を作成できません", d);
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(d);
	return rc;
}

/* Make the parent folders of the relative path p. */
static int make_parent_at(int tfd, const char *p)
{
	const char *slash = strrchr(p, '/');
	if (!slash)
		return 0;
	char *d = lb_strndup(p, (size_t)(slash - p));
	int rc = mkdirs_at(tfd, d);
	free(d);
	return rc;
}

static int pack_key(struct rs_thread *t, uint32_t pn, const uint8_t *hdr, size_t n)
{
	struct rs *s = t->s;
	pthread_mutex_lock(&s->mtx);
	int have = s->phave[pn];
	pthread_mutex_unlock(&s->mtx);
	if (have)
		return 0;
	uint8_t key[32];
	int rc = vpack_open_key(&s->v->k, hdr, n, key);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&s->mtx);
	memcpy(s->pkey[pn], key, 32);
	s->phave[pn] = 1;
	pthread_mutex_unlock(&s->mtx);
	sodium_memzero(key, sizeof(key));
	return 0;
}

static void unmap_blob(struct rs_thread *t)
{
	if (t->map)
		munmap(t->map, t->maplen);
	t->map = NULL;
}

/* The encrypted blob of e at t->bp, and its pack's key known: a local pack by pread on a cached descriptor (a big
 * blob mapped instead, up to the next unmap_blob), a server's by ranged requests. */
static int fetch_blob(struct rs_thread *t, const struct vault_ientry *e)
{
	struct rs *s = t->s;
	struct buf rel = {0};
	vault_pack_rel(&rel, s->v->ix.pack[e->pack]);
	int rc = 0;
	if (s->v->remote) {
		struct buf hdr = {0};
		pthread_mutex_lock(&s->mtx);
		int have = s->phave[e->pack];
		pthread_mutex_unlock(&s->mtx);
		if (!have && (rc = vault_get_range(s->v, rel.data, 0, VAULT_PACK_HDR, &hdr)) == 0)
			rc = pack_key(t, e->pack, (const uint8_t *)hdr.data, hdr.len);
		buf_release(&hdr);
		if (rc == 0)
			rc = vault_get_range(s->v, rel.data, e->off, e->len, &t->blob);
		t->bp = (const uint8_t *)t->blob.data;
		buf_release(&rel);
		return rc;
	}
	if (t->pack_fd < 0 || t->pack_no != e->pack) {
		if (t->pack_fd >= 0)
			close(t->pack_fd);
		struct buf path = {0};
		vpath(s->v, &path, "%s", rel.data);
		t->pack_fd = open(path.data, O_RDONLY | O_CLOEXEC);
		t->pack_no = e->pack;
		if (t->pack_fd < 0)
			rc = lb_error_errno_tr(errno, "cannot open pack '%.13s'", "パック '%.13s' を開けません",
			                       rel.data + 8);
		buf_release(&path);
		uint8_t hdr[VAULT_PACK_HDR];
		struct stat st;
		if (rc == 0 && fstat(t->pack_fd, &st) != 0)
			rc = lb_error_errno_tr(errno, "cannot read pack '%.13s'", "パック '%.13s' を読めません",
			                       rel.data + 8);
		t->pack_size = rc == 0 ? (uint64_t)st.st_size : 0;
		if (rc == 0 && pread(t->pack_fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
			rc = lb_error_tr(LB_ECORRUPT, "pack header is short", "パックの先頭部分が短すぎます");
		if (rc == 0)
			rc = pack_key(t, e->pack, hdr, sizeof(hdr));
	}
	buf_release(&rel);
	if (rc < 0)
		return rc;
	if ((uint64_t)e->off + e->len > t->pack_size)
		return lb_error_tr(LB_ECORRUPT, "pack is shorter than its index says",
		                   "パックが索引の示す長さより短くなっています");
	if (e->len >= RS_MAP_MIN) {
		/* Packs are never modified once written (read-only, immutable where the kernel allows) and the size was
		 * checked above. The pages are read in by MADV_POPULATE_READ, which reports a read error (a damaged
		 * offline medium) as an error rather than as SIGBUS on first touch: then pread reads the blob and names
		 * the error. */
		uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), start = e->off & ~(page - 1);
		size_t len = (size_t)(e->off + e->len - start);
		void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, t->pack_fd, (off_t)start);
		if (m != MAP_FAILED && madvise(m, len, MADV_POPULATE_READ) == 0) {
			t->map = m;
			t->maplen = len;
			t->bp = (const uint8_t *)m + (e->off - start);
			return 0;
		}
		if (m != MAP_FAILED)
			munmap(m, len);
	}
	buf_reset(&t->blob);
	buf_grow(&t->blob, e->len);
	ssize_t got = pread(t->pack_fd, t->blob.data, e->len, e->off);
	if (got < 0) {
		int err = errno;
		vault_pack_rel(&rel, s->v->ix.pack[e->pack]);
		rc = lb_error_errno_tr(err, "cannot read pack '%.13s'", "パック '%.13s' を読めません", rel.data + 8);
		buf_release(&rel);
		return rc;
	}
	if (got != (ssize_t)e->len)
		return lb_error_tr(LB_ECORRUPT, "pack is shorter than its index says",
		                   "パックが索引の示す長さより短くなっています");
	t->blob.len = e->len;
	t->bp = (const uint8_t *)t->blob.data;
	return 0;
}

/* Owner, mode and times of a file through its descriptor (owner first: chown clears set-id bits). */
static int file_meta(struct rs *s, int fd, const struct vnode *n)
{
	if (needs_chown(s, n) && fchown(fd, n->uid, n->gid) != 0)
		return lb_error_errno_tr(errno, "cannot set the owner of '%s'", "'%s' の所有者を設定できません",
		                         n->path);
	if (fchmod(fd, n->mode & 07777) != 0)
		return lb_error_errno_tr(errno, "cannot set the mode of '%s'", "'%s' のアクセス権を設定できません",
		                         n->path);
	struct timespec ts[2];
	ts_of(n, ts);
	if (futimens(fd, ts) != 0)
		return lb_error_errno_tr(errno, "cannot set the times of '%s'", "'%s' の時刻を設定できません", n->path);
	return 0;
}

static int write_all(int fd, const char *p, size_t n, uint64_t pos, const char *path)
{
	size_t off = 0;
	while (off < n) {
		ssize_t w = pwrite(fd, p + off, n - off, (off_t)(pos + off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno == ENOSPC
			               ? lb_error_tr(LB_ENOSPC, "disk full writing '%s'",
			                             "'%s' の書き込み中にディスクの空きがなくなりました", path)
			               : lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", path);
		off += (size_t)w;
	}
	return 0;
}

static int restore_file(struct rs_thread *t, const struct rtask *k)
{
	struct rs *s = t->s;
	const struct vnode *n = &s->snap.nodes[k->node];
	/* a split file is made by whichever of its parts comes first: the target is new, nothing to truncate */
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(s->tfd, n->path, flags, 0600);
	if (fd < 0 && errno == ENOENT && make_parent_at(s->tfd, n->path) == 0)
		fd = openat(s->tfd, n->path, flags, 0600);
	if (fd < 0)
		return lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", n->path);
	int rc = 0;
	uint64_t pos = k->off;
	for (uint32_t i = k->c0; rc == 0 && i < k->c1; i++) {
		const struct vault_ientry *e = vindex_find(&s->v->ix, n->chunks[i]);
		if (!e) {
			rc = lb_error_tr(LB_ECORRUPT, "a chunk of '%s' is missing from the repository",
			                 "'%s' のチャンクがリポジトリにありません", n->path);
			break;
		}
		/* every candidate location in turn (the trusted ones first) until one holds the chunk: its content is
		 * checked against its keyed id, so a planted entry or pack can cost a try but never give wrong bytes */
		for (; e; e = vindex_next(&s->v->ix, e)) {
			if ((rc = fetch_blob(t, e)) < 0)
				continue;
			uint8_t key[32];
			pthread_mutex_lock(&s->mtx);
			memcpy(key, s->pkey[e->pack], 32);
			pthread_mutex_unlock(&s->mtx);
			rc = vblob_open(s->v->k.id_key, key, e, t->bp, t->dz, &t->plain);
			sodium_memzero(key, sizeof(key));
			unmap_blob(t);
			if (rc == 0)
				break;
		}
		if (rc < 0) {
			lb_error_wrap(rc, "'%s'", n->path);
			break;
		}
		rc = write_all(fd, t->plain.data, t->plain.len, pos, n->path);
		pos += t->plain.len;
		if (s->progress) {
			pthread_mutex_lock(&s->mtx);
			lb_progress_add(s->progress, t->plain.len);
			pthread_mutex_unlock(&s->mtx);
		}
	}
	/* the whole file, or the last of its parts to finish (every other part has written): its metadata, and
	 * the write-back of its bytes started now so that the final syncfs has little left to wait for */
	int last = k->kind == RT_FILE || atomic_fetch_sub(&s->left[k->node], 1) == 1;
	if (rc == 0 && last) {
		rc = file_meta(s, fd, n);
		if (rc == 0 && s->sync)
			sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	}
	if (close(fd) != 0 && rc == 0)
		rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", n->path);
	return rc;
}

static int restore_dir(struct rs *s, const struct vnode *n)
{
	if (mkdirat(s->tfd, n->path, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno == ENOENT && make_parent_at(s->tfd, n->path) == 0 &&
	    (mkdirat(s->tfd, n->path, 0700) == 0 || errno == EEXIST))
		return 0;
	return lb_error_errno_tr(errno, "cannot create folder '%s'", "フォルダ '%s' を作成できません", n->path);
}

static void *phase_files(void *arg)
{
	struct rs_thread *t = arg;
	struct rs *s = t->s;
	for (;;) {
		size_t i = atomic_fetch_add(&s->next, 1);
		if (i >= s->ntasks || rs_failed(s))
			break;
		const struct rtask *k = &s->tasks[i];
		int rc = k->kind == RT_DIR ? restore_dir(s, &s->snap.nodes[k->node]) : restore_file(t, k);
		if (rc < 0)
			rs_fail(s, rc);
	}
	return NULL;
}

/* Owner, mode and times of a folder (every entry in it exists by now). */
static int dir_meta(struct rs *s, const struct vnode *n)
{
	if (needs_chown(s, n) && fchownat(s->tfd, n->path, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) != 0)
		return lb_error_errno_tr(errno, "cannot set the owner of '%s'", "'%s' の所有者を設定できません",
		                         n->path);
	if (fchmodat(s->tfd, n->path, n->mode & 07777, 0) != 0)
		return lb_error_errno_tr(errno, "cannot set the mode of '%s'", "'%s' のアクセス権を設定できません",
		                         n->path);
	struct timespec ts[2];
	ts_of(n, ts);
	if (utimensat(s->tfd, n->path, ts, AT_SYMLINK_NOFOLLOW) != 0)
		return lb_error_errno_tr(errno, "cannot set the times of '%s'", "'%s' の時刻を設定できません", n->path);
	return 0;
}

static void *phase_dirs(void *arg)
{
	struct rs_thread *t = arg;
	struct rs *s = t->s;
	for (;;) {
		size_t i = atomic_fetch_add(&s->next, 1);
		if (i >= s->ndirs || rs_failed(s))
			break;
		int rc = dir_meta(s, &s->snap.nodes[s->dirs[i]]);
		if (rc < 0)
			rs_fail(s, rc);
	}
	return NULL;
}

/* Run fn on nt threads over s->next and wait for them. */
static void run_threads(struct rs *s, int nt, void *(*fn)(void *))
{
	struct rs_thread t[16];
	atomic_store(&s->next, 0);
	for (int i = 0; i < nt; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].s = s;
		t[i].pack_fd = -1;
		t[i].dz = ZSTD_createDCtx();
		if (!t[i].dz || pthread_create(&t[i].th, NULL, fn, &t[i]) != 0)
			lb_oom();
	}
	for (int i = 0; i < nt; i++) {
		pthread_join(t[i].th, NULL);
		if (t[i].pack_fd >= 0)
			close(t[i].pack_fd);
		ZSTD_freeDCtx(t[i].dz);
		buf_release(&t[i].blob);
		buf_wipe(&t[i].plain);
	}
}

/* A symlink, made in its parent folder opened one component at a time without following any link. */
static int restore_link(struct rs *s, const struct vnode *n)
{
	char *p = lb_strdup(n->path);
	char *leaf = strrchr(p, '/');
	int dfd = dup(s->tfd), rc = 0;
	if (dfd < 0)
		rc = lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", s->target);
	if (leaf) {
		*leaf++ = '\0';
		for (char *c = p, *e; rc == 0 && c; c = e) {
			if ((e = strchr(c, '/')))
				*e++ = '\0';
			if (mkdirat(dfd, c, 0700) != 0 && errno != EEXIST)
				rc = lb_error_errno_tr(errno, "cannot create folder for '%s'",
				                       "'%s' のフォルダを作成できません", n->path);
			int nfd = rc ? -1 : openat(dfd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (rc == 0 && nfd < 0)
				rc = lb_error_errno_tr(errno, "cannot open the folder of '%s'",
				                       "'%s' のあるフォルダを開けません", n->path);
			close(dfd);
			dfd = nfd;
		}
	} else {
		leaf = p;
	}
	struct timespec ts[2];
	ts_of(n, ts);
	if (rc == 0 && symlinkat(n->link, dfd, leaf) != 0)
		rc = lb_error_errno_tr(errno, "cannot create symlink '%s'", "シンボリックリンク '%s' を作成できません",
		                       n->path);
	if (rc == 0 && needs_chown(s, n) && fchownat(dfd, leaf, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) != 0)
		rc = lb_error_errno_tr(errno, "cannot set the owner of '%s'", "'%s' の所有者を設定できません", n->path);
	if (rc == 0 && utimensat(dfd, leaf, ts, AT_SYMLINK_NOFOLLOW) != 0)
		rc = lb_error_errno_tr(errno, "cannot set the times of '%s'", "'%s' の時刻を設定できません", n->path);
	if (dfd >= 0)
		close(dfd);
	free(p);
	return rc;
}

static int in_sub(const char *path, const char *sub)
{
	if (!sub || !*sub)
		return 1;
	size_t n = strlen(sub);
	return !strncmp(path, sub, n) && (path[n] == '\0' || path[n] == '/');
}

static int target_empty(const char *t)
{
	DIR *d = opendir(t);
	if (!d)
		return errno == ENOENT ? 1 : -1;
	struct dirent *de;
	int empty = 1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

static void add_task(struct rs *s, size_t *cap, struct rtask k)
{
	if (s->ntasks == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		s->tasks = lb_reallocarray(s->tasks, *cap, sizeof(*s->tasks));
	}
	s->tasks[s->ntasks++] = k;
}

/* The task list of phase 1 and the folder list of phase 3, in the snapshot's order. */
static int plan(struct rs *s, const char *sub, struct vault_restore_result *r)
{
	size_t cap = 0, matched = 0;
	s->left = lb_calloc(s->snap.nnodes + 1, sizeof(*s->left));
	s->dirs = lb_calloc(s->snap.nnodes + 1, sizeof(*s->dirs));
	for (size_t i = 0; i < s->snap.nnodes; i++) {
		const struct vnode *n = &s->snap.nodes[i];
		if (!in_sub(n->path, sub))
			continue;
		matched++;
		if (n->kind == VNODE_DIR) {
			r->dirs++;
			s->dirs[s->ndirs++] = i;
			add_task(s, &cap, (struct rtask){.node = i, .kind = RT_DIR});
		} else if (n->kind == VNODE_FILE) {
			r->files++;
			r->bytes += n->size;
			if (n->nchunks <= RS_PART_CHUNKS) {
				add_task(s, &cap,
				         (struct rtask){.node = i, .c0 = 0, .c1 = n->nchunks, .kind = RT_FILE});
				continue;
			}
			/* a big file: written in parts by all threads at their offsets, which come from the chunks'
			 * lengths; if candidate locations of a chunk disagree on its length (a planted entry), the file
			 * is written in one piece by one thread instead, each chunk where the previous one ended */
			int agree = 1;
			for (uint32_t x = 0; agree && x < n->nchunks; x++) {
				const struct vault_ientry *e = vindex_find(&s->v->ix, n->chunks[x]);
				if (!e)
					return lb_error_tr(LB_ECORRUPT,
					                   "a chunk of '%s' is missing from the repository",
					                   "'%s' のチャンクがリポジトリにありません", n->path);
				for (const struct vault_ientry *a = e; agree && a; a = vindex_next(&s->v->ix, a))
					agree = a->raw_len == e->raw_len;
			}
			if (!agree) {
				add_task(s, &cap,
				         (struct rtask){.node = i, .c0 = 0, .c1 = n->nchunks, .kind = RT_FILE});
				continue;
			}
			uint32_t parts = (n->nchunks + RS_PART_CHUNKS - 1) / RS_PART_CHUNKS;
			atomic_init(&s->left[i], (int)parts);
			uint64_t off = 0;
			for (uint32_t c = 0; c < n->nchunks; c += RS_PART_CHUNKS) {
				struct rtask k = {
				        .node = i, .c0 = c, .c1 = c + RS_PART_CHUNKS, .off = off, .kind = RT_PART};
				if (k.c1 > n->nchunks)
					k.c1 = n->nchunks;
				for (uint32_t x = k.c0; x < k.c1; x++) {
					const struct vault_ientry *e = vindex_find(&s->v->ix, n->chunks[x]);
					if (!e)
						return lb_error_tr(LB_ECORRUPT,
						                   "a chunk of '%s' is missing from the repository",
						                   "'%s' のチャンクがリポジトリにありません", n->path);
					off += e->raw_len;
				}
				add_task(s, &cap, k);
			}
		}
	}
	if (sub && *sub && !matched)
		return lb_error_tr(LB_ENOTFOUND, "no '%s' in generation %.8s", "'%s' は世代 %.8s にありません", sub,
		                   r->id);
	return 0;
}

static int run(struct rs *s, const char *sub, int nt, struct vault_restore_result *r)
{
	int rc = plan(s, sub, r);
	if (rc < 0)
		return rc;
	s->pkey = lb_calloc(s->v->ix.npack + 1, 32);
	s->phave = lb_calloc(s->v->ix.npack + 1, 1);
	if (s->progress)
		s->progress->total = r->bytes;
	run_threads(s, nt, phase_files);
	sodium_memzero(s->pkey, (s->v->ix.npack + 1) * 32);
	if (s->err)
		return lb_error(-s->err, "%s", s->errmsg);
	for (size_t i = 0; i < s->snap.nnodes; i++) {
		const struct vnode *n = &s->snap.nodes[i];
		if (n->kind != VNODE_LINK || !in_sub(n->path, sub))
			continue;
		if ((rc = restore_link(s, n)) < 0)
			return rc;
		r->links++;
	}
	/* folders the owner can search (all of them as root) in parallel; the others after, deepest first */
	size_t *later = lb_calloc(s->ndirs + 1, sizeof(*later)), nlater = 0, w = 0;
	for (size_t i = 0; i < s->ndirs; i++) {
		if (!s->root && !(s->snap.nodes[s->dirs[i]].mode & S_IXUSR))
			later[nlater++] = s->dirs[i];
		else
			s->dirs[w++] = s->dirs[i];
	}
	s->ndirs = w;
	run_threads(s, nt, phase_dirs);
	if (s->err)
		rc = lb_error(-s->err, "%s", s->errmsg);
	for (size_t i = nlater; rc == 0 && i-- > 0;)
		rc = dir_meta(s, &s->snap.nodes[later[i]]);
	free(later);
	if (rc == 0 && s->sync && syncfs(s->tfd) != 0)
		rc = lb_error_errno_tr(errno, "cannot flush the restored files to disk",
		                       "復元したファイルをディスクに書き切れません");
	return rc;
}

int vault_restore(struct vault *v, const struct vault_restore_opts *o, struct vault_restore_result *r)
{
	memset(r, 0, sizeof(*r));
	int rc = vault_need_admin(v, L_("restore (a writer cannot read generations back)", "世代の復元"));
	if (rc == 0)
		rc = vault_resolve(v, o->snapshot, r->id);
	if (rc < 0)
		return rc;
	int empty = target_empty(o->target);
	if (empty <= 0)
		return lb_error_tr(LB_EEXIST, "restore target '%s' must be a new or empty folder",
		                   "復元先 '%s' は新規または空のフォルダにしてください", o->target);
	struct rs *s = lb_calloc(1, sizeof(*s));
	s->v = v;
	s->target = o->target;
	s->progress = o->progress;
	s->root = geteuid() == 0;
	s->sync = !o->no_sync;
	s->tfd = -1;
	pthread_mutex_init(&s->mtx, NULL);
	char *sub = NULL;
	if (o->subpath) {
		const char *p = o->subpath;
		while (*p == '/')
			p++;
		sub = lb_strdup(p);
		while (*sub && sub[strlen(sub) - 1] == '/')
			sub[strlen(sub) - 1] = '\0';
	}
	rc = vsnap_load(v, r->id, &s->snap);
	if (rc == 0) /* the index files this generation names first: nothing uploaded later comes before them */
		rc = vault_load_index_for(v, &s->snap, 1);
	if (rc == 0)
		rc = lb_mkdirs(o->target, 0700);
	if (rc == 0 && (s->tfd = open(o->target, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		rc = lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", o->target);
	struct stat tst;
	if (rc == 0 && fstat(s->tfd, &tst) != 0)
		rc = lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", o->target);
	s->own_gid = rc == 0 && !(tst.st_mode & S_ISGID);
	int nt = o->threads > 0 ? o->threads : vault_ncpu();
	if (rc == 0)
		rc = run(s, sub, nt > 16 ? 16 : nt, r);
	if (s->tfd >= 0)
		close(s->tfd);
	free(sub);
	free(s->tasks);
	free(s->left);
	free(s->dirs);
	free(s->pkey);
	free(s->phave);
	vsnap_release(&s->snap);
	pthread_mutex_destroy(&s->mtx);
	free(s);
	return rc;
}
