/*
 * backup.c - one generation: walk the paths, reuse the chunk lists of files whose metadata did not change since
 * the parent generation, read and chunk the big changed files on this thread (small ones are read whole by the
 * workers; backup_read.c), and let one worker per CPU hash, deduplicate, compress and encrypt the chunks into
 * packs of their own (backup_work.c). Every file is compared with its
 * previous version for the suspect scorer. Order of durability (docs §5): packs, then one index file, then the
 * snapshot; a backup killed anywhere leaves nothing referenced that is half-written.
 */
#include "backup_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int64_t ts_ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct vnode *add_node(struct bk *b, const char *rel, const struct stat *st, int kind)
{
	struct vsnap *s = &b->snap;
	if (s->nnodes == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->nodes = lb_reallocarray(s->nodes, s->cap, sizeof(*s->nodes));
	}
	struct vnode *n = &s->nodes[s->nnodes++];
	memset(n, 0, sizeof(*n));
	n->path = lb_strdup(rel);
	n->kind = (uint8_t)kind;
	n->mode = st->st_mode & 07777;
	n->uid = st->st_uid;
	n->gid = st->st_gid;
	n->mtime_ns = ts_ns(st->st_mtim);
	n->atime_ns = ts_ns(st->st_atim);
	n->ctime_ns = ts_ns(st->st_ctim);
	n->ino = st->st_ino;
	n->size = kind == VNODE_FILE ? (uint64_t)st->st_size : 0;
	n->entropy = 65535;
	return n;
}

static const struct vnode *prev_find(const struct vsnap *p, const char *path)
{
	size_t lo = 0, hi = p->nnodes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(p->nodes[mid].path, path);
		if (c == 0)
			return &p->nodes[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void file_node(struct bk *b, struct bk_dir *d, const char *name, const char *rel, const struct stat *st)
{
	const struct vnode *pv = b->have_parent ? prev_find(&b->parent, rel) : NULL;
	if (pv && pv->kind != VNODE_FILE)
		pv = NULL;
	struct vnode *n = add_node(b, rel, st, VNODE_FILE);
	size_t idx = (size_t)(n - b->snap.nodes);
	b->r->files++;
	b->r->bytes += (uint64_t)st->st_size;
	if (pv && pv->size == (uint64_t)st->st_size && pv->mtime_ns == n->mtime_ns && pv->ctime_ns == n->ctime_ns &&
	    pv->ino == n->ino) {
		/* unchanged: the parent's chunks stand for it (checked to be in the index) */
		int ok = 1;
		for (uint32_t i = 0; ok && i < pv->nchunks; i++)
			ok = vindex_find(&b->v->ix, pv->chunks[i]) != NULL;
		if (ok) {
			if (b->progress)
				lb_progress_add(b->progress, pv->size);
			n->nchunks = pv->nchunks;
			n->chunks = pv->nchunks ? lb_malloc((size_t)pv->nchunks * VID) : NULL;
			if (pv->nchunks)
				memcpy(n->chunks, pv->chunks, (size_t)pv->nchunks * VID);
			n->stype = pv->stype;
			n->entropy = pv->entropy;
			struct suspect_file sf = {.path = rel,
			                          .change = SUSPECT_UNCHANGED,
			                          .old_size = pv->size,
			                          .new_size = pv->size,
			                          .old_type = pv->stype,
			                          .new_type = pv->stype,
			                          .old_entropy = pv->entropy == 65535 ? -1 : pv->entropy / 1000.0,
			                          .chunk_overlap = 1};
			sf.new_stats.entropy = sf.old_entropy < 0 ? 0 : sf.old_entropy;
			suspect_add(&b->sus, &sf);
			return;
		}
	}
	struct fstate *f = lb_calloc(1, sizeof(*f));
	f->node = idx;
	f->prev = pv;
	f->size_at_open = (uint64_t)st->st_size;
	b->r->files_changed++;
	if (!pv)
		b->r->files_new++;
	if (f->size_at_open <= b->v->cfg.chunk_min) {
		/* one chunk: a worker opens, reads and sniffs it (parallel reads of many small files) */
		struct job *j = lb_calloc(1, sizeof(*j));
		j->f = f;
		j->reserve = (size_t)f->size_at_open;
		j->dir = d;
		atomic_fetch_add(&d->refs, 1);
		j->name = lb_strdup(name);
		f->jhead = f->jtail = j;
		f->njobs = 1;
		if (b->progress)
			lb_progress_add(b->progress, f->size_at_open);
		bk_submit(b, j);
		bk_file_done_reading(b, f);
		return;
	}
	int rc = bk_read_big(b, d->fd, name, f);
	if (rc < 0) {
		lb_warn(L_("cannot read '%s': %s (left out of the generation)",
		           "'%s' を読めません: %s (この世代には含めません)"),
		        rel, lb_strerrno(-rc));
		f->skip = 1;
	}
	bk_file_done_reading(b, f);
}

static void walk(struct bk *b, struct bk_dir *d, struct buf *rel);

static void visit(struct bk *b, struct bk_dir *d, const char *name, struct buf *rel)
{
	struct stat st;
	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		lb_warn(L_("cannot stat '%s': %s", "'%s' の情報を取得できません: %s"), rel->data, lb_strerrno(errno));
		return;
	}
	if (st.st_dev == b->repo_dev && st.st_ino == b->repo_ino)
		return; /* never back up the repository into itself */
	if (S_ISREG(st.st_mode)) {
		file_node(b, d, name, rel->data, &st);
	} else if (S_ISLNK(st.st_mode)) {
		struct vnode *n = add_node(b, rel->data, &st, VNODE_LINK);
		char target[VAULT_PATH_MAX + 1];
		ssize_t k = readlinkat(d->fd, name, target, VAULT_PATH_MAX);
		if (k < 0)
			k = 0;
		target[k] = '\0';
		n->link = lb_strdup(target);
	} else if (S_ISDIR(st.st_mode)) {
		add_node(b, rel->data, &st, VNODE_DIR);
		b->r->dirs++;
		int fd = openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			lb_warn(L_("cannot open folder '%s': %s", "フォルダ '%s' を開けません: %s"), rel->data,
			        lb_strerrno(errno));
			return;
		}
		struct bk_dir *sub = lb_calloc(1, sizeof(*sub));
		sub->fd = fd;
		atomic_init(&sub->refs, 1);
		walk(b, sub, rel);
		bk_dir_unref(sub);
	}
	/* sockets, fifos and devices are not backed up */
}

static int cmp_name(const void *a, const void *c)
{
	return strcmp(*(char *const *)a, *(char *const *)c);
}

char **bk_list_names(int fd, size_t *count)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	char dbuf[32768];
	for (;;) {
		ssize_t got = getdents64(fd, dbuf, sizeof(dbuf));
		if (got <= 0)
			break;
		for (ssize_t off = 0; off < got;) {
			const struct dirent64 *de = (const struct dirent64 *)(dbuf + off);
			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = lb_reallocarray(names, cap, sizeof(*names));
			}
			names[n++] = lb_strdup(de->d_name);
		}
	}
	*count = n;
	return names;
}

static void walk(struct bk *b, struct bk_dir *d, struct buf *rel)
{
	size_t n;
	char **names = bk_list_names(d->fd, &n);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_name);
	size_t keep = rel->len;
	for (size_t i = 0; i < n; i++) {
		if (!bk_failed(b)) {
			buf_addch(rel, '/');
			buf_adds(rel, names[i]);
			if (rel->len <= VAULT_PATH_MAX)
				visit(b, d, names[i], rel);
			else
				lb_warn(L_("path too long, left out: '%.80s…'",
				           "パスが長すぎるため含めません: '%.80s…'"),
				        rel->data);
			buf_truncate(rel, keep);
		}
		free(names[i]);
	}
	free(names);
}

/* The absolute, normalised form of a path given on the command line ("" for "/"). */
static int abs_path(const char *in, struct buf *out)
{
	struct buf tmp = {0};
	if (in[0] != '/') {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd)))
			return lb_error_errno_tr(errno, "cannot find the current folder",
			                         "現在のフォルダがわかりません");
		buf_adds(&tmp, cwd);
		buf_addch(&tmp, '/');
	}
	buf_adds(&tmp, in);
	buf_reset(out);
	const char *s = tmp.data;
	int rc = 0;
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 1 && s[0] == '.') {
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			rc = lb_error_tr(LB_EUSAGE, "give the path '%s' without '..'",
			                 "パス '%s' は '..' を含まない形で指定してください", in);
			break;
		} else if (n) {
			if (out->len)
				buf_addch(out, '/');
			buf_add(out, s, n);
		}
		s += n;
	}
	buf_release(&tmp);
	if (rc == 0 && out->len == 0)
		rc = lb_error_tr(LB_EUSAGE, "back up folders below '/', not '/' itself",
		                 "'/' そのものではなく、'/' の下のフォルダを指定してください");
	return rc;
}

static int str_cmp(const void *a, const void *c)
{
	return strcmp(*(const char *const *)a, *(const char *const *)c);
}

static int backup_root(struct bk *b, const char *abs)
{
	struct buf rel = {0}, dir = {0};
	buf_adds(&rel, abs);
	const char *slash = strrchr(abs, '/');
	buf_addch(&dir, '/');
	if (slash)
		buf_add(&dir, abs, (size_t)(slash - abs));
	const char *name = slash ? slash + 1 : abs;
	int dfd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;
	struct stat st;
	if (dfd < 0 || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		rc = lb_error_errno_tr(errno, "cannot read '/%s'", "'/%s' を読めません", abs);
		if (dfd >= 0)
			close(dfd);
	} else {
		struct bk_dir *d = lb_calloc(1, sizeof(*d));
		d->fd = dfd;
		atomic_init(&d->refs, 1);
		visit(b, d, name, &rel);
		bk_dir_unref(d);
	}
	buf_release(&rel);
	buf_release(&dir);
	return rc;
}

/* Bytes of regular files under a path (for the progress bar's total, on a terminal only). */
static uint64_t tree_bytes(int at, const char *name, int depth)
{
	struct stat st;
	if (depth > 256 || fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return (uint64_t)st.st_size;
	if (!S_ISDIR(st.st_mode))
		return 0;
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	uint64_t sum = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sum += tree_bytes(dirfd(d), de->d_name, depth + 1);
	closedir(d);
	return sum;
}

static void find_parent(struct bk *b)
{
	struct lb_strlist ids = {0};
	vsnap_list_ids(b->v, &ids);
	int64_t best = INT64_MIN;
	for (size_t i = 0; i < ids.n; i++) {
		struct vsnap s;
		if (vsnap_load(b->v, ids.v[i], &s) == 0) {
			int same = s.paths.n == b->snap.paths.n;
			for (size_t k = 0; same && k < s.paths.n; k++)
				same = !strcmp(s.paths.v[k], b->snap.paths.v[k]);
			if (same && s.time_ms > best) {
				if (b->have_parent)
					vsnap_release(&b->parent);
				b->parent = s;
				b->have_parent = 1;
				best = s.time_ms;
			} else {
				vsnap_release(&s);
			}
		}
		free((void *)ids.v[i]);
	}
	lb_strlist_free(&ids);
	lb_error_clear();
	if (b->have_parent)
		memcpy(b->snap.parent, b->parent.id, VID);
}

static void deleted_files(struct bk *b)
{
	for (size_t i = 0; b->have_parent && i < b->parent.nnodes; i++) {
		const struct vnode *p = &b->parent.nodes[i];
		if (p->kind != VNODE_FILE || prev_find(&b->snap, p->path))
			continue;
		struct suspect_file sf = {.path = p->path,
		                          .change = SUSPECT_DELETED,
		                          .old_size = p->size,
		                          .old_type = p->stype,
		                          .new_type = SNIFF_EMPTY,
		                          .old_entropy = p->entropy == 65535 ? -1 : p->entropy / 1000.0,
		                          .chunk_overlap = -1};
		suspect_add(&b->sus, &sf);
	}
}

static int write_generation(struct bk *b)
{
	struct vault *v = b->v;
	int rc = 0;
	/* the generation names (under its signature) the index files it relies on: those the backup found, which
	 * its deduplicated chunks are listed in, and its own; restore trusts them before any written later (§6) */
	size_t ni = v->ix.nfile + (b->newix.n ? 1 : 0);
	b->snap.index = lb_calloc(ni ? ni : 1, VID);
	if (v->ix.nfile)
		memcpy(b->snap.index, v->ix.file, v->ix.nfile * VID);
	b->snap.nindex = (uint32_t)v->ix.nfile;
	if (b->newix.n) {
		struct buf f = {0}, rel = {0};
		vindex_encode(&b->newix, v->k.meta_key, &f);
		uint8_t h[VID];
		char hex[65];
		crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
		vault_hex(hex, h, VID);
		buf_addf(&rel, "index/%s", hex);
		rc = vault_put(v, rel.data, f.data, f.len);
		memcpy(b->snap.index[b->snap.nindex++], h, VID);
		buf_release(&f);
		buf_release(&rel);
	}
	if (rc < 0)
		return rc;
	struct buf f = {0}, rel = {0};
	if ((rc = vsnap_seal(v, &b->snap, &f)) == 0) {
		uint8_t h[VID];
		crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
		vault_hex(b->r->id, h, VID);
		buf_addf(&rel, "snapshots/%s", b->r->id);
		rc = vault_put(v, rel.data, f.data, f.len);
	}
	buf_release(&f);
	buf_release(&rel);
	return rc;
}

int vault_backup(struct vault *v, const struct vault_backup_opts *o, struct vault_backup_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!o->npaths)
		return lb_error_tr(LB_EUSAGE, "nothing to back up: give one or more paths",
		                   "バックアップするものがありません: パスを 1 つ以上指定してください");
	int rc = vault_flock(v, 0);
	if (rc == 0)
		rc = vault_load_index(v);
	if (rc < 0)
		return rc;
	struct bk *b = lb_calloc(1, sizeof(*b));
	b->v = v;
	b->r = r;
	b->progress = o->progress;
	struct stat rst;
	if (stat(v->root, &rst) == 0)
		b->repo_dev = rst.st_dev, b->repo_ino = rst.st_ino;
	b->snap.time_ms = lb_now_ms();
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	b->snap.host = lb_strdup(host);
	for (size_t i = 0; i < o->ntags; i++)
		lb_strlist_push(&b->snap.tags, lb_strdup(o->tags[i]));
	struct buf ab = {0};
	for (size_t i = 0; rc == 0 && i < o->npaths; i++) {
		if ((rc = abs_path(o->paths[i], &ab)) == 0)
			lb_strlist_push(&b->snap.paths, lb_strdup(ab.data));
	}
	buf_release(&ab);
	if (rc == 0) {
		qsort(b->snap.paths.v, b->snap.paths.n, sizeof(char *), str_cmp);
		find_parent(b);
		suspect_init(&b->sus, 0);
		b->ring_cap = 2 * (size_t)v->cfg.chunk_max;
		b->ring = lb_malloc(b->ring_cap);
		if (b->progress) {
			lb_progress_update(b->progress, 0);
			for (size_t i = 0; b->progress->enabled && i < b->snap.paths.n; i++) {
				struct buf p = {0};
				buf_addf(&p, "/%s", b->snap.paths.v[i]);
				b->progress->total += tree_bytes(AT_FDCWD, p.data, 0);
				buf_release(&p);
			}
		}
		/* one worker more than CPUs: a worker waits for its pack's direct writes (and a remote one for its
		 * uploads) while the others keep the CPUs busy */
		bk_start(b, o->threads > 0 ? o->threads : vault_ncpu() + 1);
		struct bk_prefetch *pf = bk_prefetch_start(&b->snap.paths);
		for (size_t i = 0; rc == 0 && i < b->snap.paths.n; i++)
			rc = backup_root(b, b->snap.paths.v[i]);
		bk_prefetch_stop(pf);
		int wrc = bk_finish(b);
		if (rc == 0)
			rc = wrc;
		free(b->ring);
		if (rc == 0) {
			if (b->snap.nnodes > 1)
				qsort(b->snap.nodes, b->snap.nnodes, sizeof(*b->snap.nodes), vnode_cmp);
			size_t w = 0; /* overlapping paths give the same node twice */
			for (size_t i = 0; i < b->snap.nnodes; i++) {
				if (!b->snap.nodes[i].kind ||
				    (w && !strcmp(b->snap.nodes[w - 1].path, b->snap.nodes[i].path))) {
					free(b->snap.nodes[i].path);
					free(b->snap.nodes[i].link);
					free(b->snap.nodes[i].chunks);
					continue;
				}
				b->snap.nodes[w++] = b->snap.nodes[i];
			}
			b->snap.nnodes = w;
			deleted_files(b);
			struct suspect_result sr = {0};
			suspect_finish(&b->sus, &sr);
			b->snap.status = sr.suspect ? VAULT_SUSPECT : VAULT_CLEAN;
			b->snap.score = sr.score;
			b->snap.reasons = lb_strdup(sr.reasons.len ? sr.reasons.data : "[]");
			b->snap.summary = lb_strdup(buf_cstr(&sr.summary));
			b->snap.files = r->files;
			b->snap.bytes = r->bytes;
			r->status = (enum vault_status)b->snap.status;
			r->score = sr.score;
			buf_adds(&r->reasons, b->snap.reasons);
			buf_adds(&r->summary, b->snap.summary);
			suspect_result_release(&sr);
			rc = write_generation(b);
		}
		suspect_release(&b->sus);
	}
	if (b->have_parent)
		vsnap_release(&b->parent);
	vsnap_release(&b->snap);
	vindex_release(&b->newix);
	vindex_release(&b->seen);
	free(b);
	vault_funlock(v);
	return rc;
}

void vault_backup_result_release(struct vault_backup_result *r)
{
	buf_release(&r->reasons);
	buf_release(&r->summary);
}
