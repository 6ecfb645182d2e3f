/*
 * restore.c - bring a generation (or a sub-path of it) back into an empty folder, bit for bit: folders first
 * (owner-only while filling), then files on one thread per CPU (each chunk decrypted, decompressed and checked
 * against its keyed id), then symlinks, then the folders' modes and times from the deepest up. Owners are set
 * when running as root. Paths come from a checked snapshot (relative, no ".."), files are opened O_NOFOLLOW and
 * symlinks are made last, so a hostile generation cannot write outside the target.
 */
#include "vault_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file, or a run of chunks of a big file (split so that one big file uses every thread). */
struct rtask {
	size_t node;
	uint32_t c0, c1; /* chunks [c0, c1) */
	uint64_t off;    /* where chunk c0 starts in the file */
	int part;        /* 0: the whole file, created here; 1: a part of a file created beforehand */
};

#define RS_PART_CHUNKS 4

struct rs {
	struct vault *v;
	struct vsnap snap;
	const char *target;
	struct rtask *tasks;
	size_t ntasks;
	atomic_int *left; /* per node: parts of a split file still to write */
	atomic_size_t next;
	pthread_mutex_t mtx;
	uint8_t (*pkey)[32];
	uint8_t *phave;
	int err;
	char errmsg[512];
	struct vault_restore_result *r;
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

struct rs_thread {
	struct rs *s;
	pthread_t th;
	int pack_fd;
	uint32_t pack_no;
	ZSTD_DCtx *dz;
	struct buf blob, plain;
};

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

/* The encrypted blob of e into t->blob, and its pack's key known: a local pack by pread on a cached descriptor,
 * a server's by ranged requests. */
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
			rc = lb_error_errno(errno, "cannot open pack '%.13s'", rel.data + 8);
		buf_release(&path);
		uint8_t hdr[VAULT_PACK_HDR];
		if (rc == 0 && pread(t->pack_fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
			rc = lb_error(LB_ECORRUPT, "pack header is short");
		if (rc == 0)
			rc = pack_key(t, e->pack, hdr, sizeof(hdr));
	}
	buf_release(&rel);
	if (rc < 0)
		return rc;
	buf_reset(&t->blob);
	buf_grow(&t->blob, e->len);
	if (pread(t->pack_fd, t->blob.data, e->len, e->off) != (ssize_t)e->len)
		return lb_error(LB_ECORRUPT, "pack is shorter than its index says");
	t->blob.len = e->len;
	return 0;
}

static int set_meta_at(const char *path, const struct vnode *n, int link);

static int restore_task(struct rs_thread *t, const struct rtask *k)
{
	struct rs *s = t->s;
	const struct vnode *n = &s->snap.nodes[k->node];
	struct buf path = {0};
	lb_path_join(&path, s->target, n->path);
	int fd = k->part ? open(path.data, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
	                 : open(path.data, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = 0;
	uint64_t pos = k->off;
	if (fd < 0)
		rc = lb_error_errno(errno, "cannot create '%s'", path.data);
	for (uint32_t i = k->c0; rc == 0 && i < k->c1; i++) {
		const struct vault_ientry *e = vindex_find(&s->v->ix, n->chunks[i]);
		if (!e) {
			rc = lb_error(LB_ECORRUPT, "a chunk of '%s' is missing from the repository", n->path);
			break;
		}
		if ((rc = fetch_blob(t, e)) < 0) {
			lb_error_wrap(rc, "'%s'", n->path);
			break;
		}
		uint8_t key[32];
		pthread_mutex_lock(&s->mtx);
		memcpy(key, s->pkey[e->pack], 32);
		pthread_mutex_unlock(&s->mtx);
		rc = vblob_open(s->v->k.id_key, key, e, (const uint8_t *)t->blob.data, t->dz, &t->plain);
		sodium_memzero(key, sizeof(key));
		if (rc < 0) {
			lb_error_wrap(rc, "'%s'", n->path);
			break;
		}
		size_t off = 0;
		while (off < t->plain.len) {
			ssize_t w = pwrite(fd, t->plain.data + off, t->plain.len - off, (off_t)(pos + off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = lb_error_errno(errno, "cannot write '%s'", path.data);
				break;
			}
			off += (size_t)w;
		}
		pos += t->plain.len;
		if (s->progress) {
			pthread_mutex_lock(&s->mtx);
			lb_progress_add(s->progress, t->plain.len);
			pthread_mutex_unlock(&s->mtx);
		}
	}
	if (fd >= 0 && !k->part) {
		if (rc == 0 && geteuid() == 0 && fchown(fd, n->uid, n->gid) != 0)
			rc = lb_error_errno(errno, "cannot set the owner of '%s'", path.data);
		if (rc == 0 && fchmod(fd, n->mode & 07777) != 0)
			rc = lb_error_errno(errno, "cannot set the mode of '%s'", path.data);
		struct timespec ts[2] = {{n->atime_ns / 1000000000LL, n->atime_ns % 1000000000LL},
		                         {n->mtime_ns / 1000000000LL, n->mtime_ns % 1000000000LL}};
		if (rc == 0 && futimens(fd, ts) != 0)
			rc = lb_error_errno(errno, "cannot set the times of '%s'", path.data);
	}
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = lb_error_errno(errno, "cannot write '%s'", path.data);
	/* the last part of a split file to finish sets its metadata */
	if (k->part && atomic_fetch_sub(&s->left[k->node], 1) == 1 && rc == 0)
		rc = set_meta_at(path.data, n, 0);
	buf_release(&path);
	return rc;
}

static void *rs_main(void *arg)
{
	struct rs_thread *t = arg;
	struct rs *s = t->s;
	for (;;) {
		size_t i = atomic_fetch_add(&s->next, 1);
		if (i >= s->ntasks)
			break;
		pthread_mutex_lock(&s->mtx);
		int failed = s->err;
		pthread_mutex_unlock(&s->mtx);
		if (failed)
			break;
		int rc = restore_task(t, &s->tasks[i]);
		if (rc < 0)
			rs_fail(s, rc);
	}
	return NULL;
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

static int set_meta_at(const char *path, const struct vnode *n, int link)
{
	if (geteuid() == 0 && lchown(path, n->uid, n->gid) != 0)
		return lb_error_errno(errno, "cannot set the owner of '%s'", path);
	if (!link && chmod(path, n->mode & 07777) != 0)
		return lb_error_errno(errno, "cannot set the mode of '%s'", path);
	struct timespec ts[2] = {{n->atime_ns / 1000000000LL, n->atime_ns % 1000000000LL},
	                         {n->mtime_ns / 1000000000LL, n->mtime_ns % 1000000000LL}};
	if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) != 0)
		return lb_error_errno(errno, "cannot set the times of '%s'", path);
	return 0;
}

static int make_parent(const char *path)
{
	char *p = lb_strdup(path);
	char *slash = strrchr(p, '/');
	int rc = 0;
	if (slash) {
		*slash = '\0';
		rc = lb_mkdirs(p, 0700);
	}
	free(p);
	return rc;
}

int vault_restore(struct vault *v, const struct vault_restore_opts *o, struct vault_restore_result *r)
{
	memset(r, 0, sizeof(*r));
	int rc = vault_need_admin(v, "restore (a writer cannot read generations back)");
	if (rc == 0)
		rc = vault_resolve(v, o->snapshot, r->id);
	if (rc == 0)
		rc = vault_load_index(v);
	if (rc < 0)
		return rc;
	int empty = target_empty(o->target);
	if (empty <= 0)
		return lb_error(LB_EEXIST, "restore target '%s' must be a new or empty folder", o->target);
	struct rs *s = lb_calloc(1, sizeof(*s));
	s->v = v;
	s->r = r;
	s->target = o->target;
	s->progress = o->progress;
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
	if (rc == 0)
		rc = lb_mkdirs(o->target, 0700);
	struct buf path = {0};
	size_t matched = 0;
	size_t task_cap = s->snap.nnodes + 1;
	s->tasks = lb_calloc(task_cap, sizeof(*s->tasks));
	s->left = lb_calloc(s->snap.nnodes + 1, sizeof(*s->left));
	for (size_t i = 0; rc == 0 && i < s->snap.nnodes; i++) {
		const struct vnode *n = &s->snap.nodes[i];
		if (!in_sub(n->path, sub))
			continue;
		matched++;
		buf_reset(&path);
		lb_path_join(&path, o->target, n->path);
		if ((rc = make_parent(path.data)) < 0)
			break;
		if (n->kind == VNODE_DIR) {
			if (mkdir(path.data, 0700) != 0 && errno != EEXIST)
				rc = lb_error_errno(errno, "cannot create folder '%s'", path.data);
			r->dirs++;
		} else if (n->kind == VNODE_FILE) {
			r->files++;
			r->bytes += n->size;
			uint32_t parts = (n->nchunks + RS_PART_CHUNKS - 1) / RS_PART_CHUNKS;
			if (s->ntasks + parts + 1 > task_cap) {
				task_cap = (s->ntasks + parts + 1) * 2;
				s->tasks = lb_reallocarray(s->tasks, task_cap, sizeof(*s->tasks));
			}
			if (parts <= 1) {
				s->tasks[s->ntasks++] = (struct rtask){.node = i, .c0 = 0, .c1 = n->nchunks};
				continue;
			}
			/* a big file: made here, written in parts by all threads at their offsets */
			int fd = open(path.data, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (fd < 0) {
				rc = lb_error_errno(errno, "cannot create '%s'", path.data);
				break;
			}
			close(fd);
			atomic_init(&s->left[i], (int)parts);
			uint64_t off = 0;
			for (uint32_t c = 0; rc == 0 && c < n->nchunks; c += RS_PART_CHUNKS) {
				struct rtask k = {.node = i, .c0 = c, .c1 = c + RS_PART_CHUNKS, .off = off, .part = 1};
				if (k.c1 > n->nchunks)
					k.c1 = n->nchunks;
				for (uint32_t x = k.c0; x < k.c1; x++) {
					const struct vault_ientry *e = vindex_find(&v->ix, n->chunks[x]);
					if (!e) {
						rc = lb_error(LB_ECORRUPT,
						              "a chunk of '%s' is missing from the repository",
						              n->path);
						break;
					}
					off += e->raw_len;
				}
				s->tasks[s->ntasks++] = k;
			}
		}
	}
	if (rc == 0 && sub && *sub && !matched)
		rc = lb_error(LB_ENOTFOUND, "no '%s' in generation %.8s", sub, r->id);
	if (rc == 0) {
		s->pkey = lb_calloc(v->ix.npack + 1, 32);
		s->phave = lb_calloc(v->ix.npack + 1, 1);
		if (s->progress)
			s->progress->total = r->bytes;
		int nt = o->threads > 0 ? o->threads : vault_ncpu();
		if (nt > 16)
			nt = 16;
		struct rs_thread t[16];
		for (int i = 0; i < nt; i++) {
			memset(&t[i], 0, sizeof(t[i]));
			t[i].s = s;
			t[i].pack_fd = -1;
			t[i].dz = ZSTD_createDCtx();
			pthread_create(&t[i].th, NULL, rs_main, &t[i]);
		}
		for (int i = 0; i < nt; i++) {
			pthread_join(t[i].th, NULL);
			if (t[i].pack_fd >= 0)
				close(t[i].pack_fd);
			ZSTD_freeDCtx(t[i].dz);
			buf_release(&t[i].blob);
			buf_wipe(&t[i].plain);
		}
		if (s->err)
			rc = lb_error(-s->err, "%s", s->errmsg);
		sodium_memzero(s->pkey, (v->ix.npack + 1) * 32);
	}
	for (size_t i = 0; rc == 0 && i < s->snap.nnodes; i++) {
		const struct vnode *n = &s->snap.nodes[i];
		if (n->kind != VNODE_LINK || !in_sub(n->path, sub))
			continue;
		buf_reset(&path);
		lb_path_join(&path, o->target, n->path);
		if (symlink(n->link, path.data) != 0)
			rc = lb_error_errno(errno, "cannot create symlink '%s'", path.data);
		else
			rc = set_meta_at(path.data, n, 1);
		r->links++;
	}
	for (size_t i = s->snap.nnodes; rc == 0 && i-- > 0;) {
		const struct vnode *n = &s->snap.nodes[i];
		if (n->kind != VNODE_DIR || !in_sub(n->path, sub))
			continue;
		buf_reset(&path);
		lb_path_join(&path, o->target, n->path);
		rc = set_meta_at(path.data, n, 0);
	}
	buf_release(&path);
	free(sub);
	free(s->tasks);
	free(s->left);
	free(s->pkey);
	free(s->phave);
	vsnap_release(&s->snap);
	pthread_mutex_destroy(&s->mtx);
	free(s);
	return rc;
}
