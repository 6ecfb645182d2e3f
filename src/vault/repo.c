/*
 * repo.c - the repository's storage: write-once objects, reads (whole or ranges), listing and removal on a local
 * disk or through a vault server, the flock(2) that keeps prune from running beside a backup, meta records.
 */
#include "vault_int.h"

#include <dirent.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int hexname(const char *s);

void vpath(struct vault *v, struct buf *b, const char *fmt, ...)
{
	va_list ap;
	buf_reset(b);
	buf_adds(b, v->root);
	buf_addch(b, '/');
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void vault_pack_rel(struct buf *b, const uint8_t id[VID])
{
	char hex[65];
	vault_hex(hex, id, VID);
	buf_addf(b, "data/%.2s/%s", hex, hex);
}

int vault_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

void vault_seal_file(const char *path, int immutable)
{
	chmod(path, 0444);
	if (!immutable)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	int flags = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
		flags |= FS_IMMUTABLE_FL;
		(void)ioctl(fd, FS_IOC_SETFLAGS, &flags); /* needs CAP_LINUX_IMMUTABLE: best effort */
	}
	close(fd);
}

void vault_unseal_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	int flags = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_IMMUTABLE_FL)) {
		flags &= ~FS_IMMUTABLE_FL;
		(void)ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
}

int vault_put(struct vault *v, const char *rel, const void *p, size_t n)
{
	if (v->remote) {
		struct buf u = {0};
		buf_addf(&u, "/obj/%s", rel);
		int rc = vault_http(v, "PUT", u.data, p, n, NULL);
		buf_release(&u);
		return rc;
	}
	struct buf path = {0};
	vpath(v, &path, "%s", rel);
	char *slash = strrchr(path.data, '/');
	*slash = '\0';
	int rc = lb_mkdirs(path.data, 0700);
	*slash = '/';
	if (rc == 0) {
		rc = lb_write_file_atomic(path.data, p, n, 0444, 1);
		if (rc == -LB_EEXIST) {
			rc = 0; /* content-addressed: the same name holds the same bytes */
			lb_error_clear();
		} else if (rc == -LB_ENOSPC) {
			lb_error_wrap_tr(rc, "disk full", "ディスクの空きがありません");
		}
		/* packs and admin records (locks, reviews, keys) are never removed but by prune/forget: immutable */
		if (rc == 0 && (!strncmp(rel, "data/", 5) || !strncmp(rel, "meta/", 5)))
			vault_seal_file(path.data, 1);
	}
	buf_release(&path);
	return rc;
}

int vault_link_object(struct vault *v, const char *tmp, int fd, const char *rel)
{
	struct buf path = {0};
	vpath(v, &path, "%s", rel);
	char *slash = strrchr(path.data, '/');
	*slash = '\0';
	int rc = lb_mkdirs(path.data, 0700);
	*slash = '/';
	if (rc == 0)
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (rc == 0 && link(tmp, path.data) != 0 && errno != EEXIST)
		rc = errno == ENOSPC ? lb_error_tr(LB_ENOSPC, "disk full writing '%s'",
		                                   "'%s' の書き込み中にディスクの空きがなくなりました", rel)
		                     : lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", rel);
	/* the temporary name goes before the file is made immutable (it could not be removed after) */
	if (rc == 0 && unlink(tmp) != 0)
		rc = lb_error_errno_tr(errno, "cannot remove '%s'", "'%s' を削除できません", tmp);
	if (rc == 0)
		vault_seal_file(path.data, 1);
	buf_release(&path);
	return rc;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int vault_sync_objects(struct vault *v, const struct lb_strlist *rels)
{
	if (v->remote || !rels->n)
		return 0;
	struct buf path = {0};
	struct lb_strlist dirs = {0};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < rels->n; i++) {
		vpath(v, &path, "%s", rels->v[i]);
		int fd = open(path.data, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || fsync(fd) != 0)
			rc = lb_error_errno_tr(errno, "cannot sync '%s'", "'%s' をディスクに同期できません",
			                       rels->v[i]);
		if (fd >= 0)
			close(fd);
		char *slash = strrchr(path.data, '/');
		lb_strlist_push(&dirs, lb_strndup(path.data, (size_t)(slash - path.data)));
	}
	if (dirs.n > 1)
		qsort(dirs.v, dirs.n, sizeof(*dirs.v), cmp_cstr);
	for (size_t i = 0; i < dirs.n; i++)
		if (rc == 0 && (i == 0 || strcmp(dirs.v[i], dirs.v[i - 1])))
			rc = lb_fsync_dir(dirs.v[i]);
	for (size_t i = 0; i < dirs.n; i++)
		free((void *)dirs.v[i]);
	lb_strlist_free(&dirs);
	buf_release(&path);
	return rc;
}

int vault_get(struct vault *v, const char *rel, struct buf *out, size_t max)
{
	struct buf path = {0};
	buf_reset(out);
	int rc;
	if (v->remote) {
		buf_addf(&path, "/obj/%s", rel);
		rc = vault_http(v, "GET", path.data, NULL, 0, out);
		if (rc == 0 && out->len > max)
			rc = lb_error_tr(LB_ETOOBIG, "'%s' is larger than %zu bytes",
			                 "'%s' が %zu バイトより大きくなっています", rel, max);
	} else {
		vpath(v, &path, "%s", rel);
		rc = buf_read_file(out, path.data, max);
	}
	buf_release(&path);
	return rc;
}

int vault_get_range(struct vault *v, const char *rel, uint64_t off, size_t len, struct buf *out)
{
	struct buf path = {0};
	buf_reset(out);
	int rc = 0;
	if (v->remote) {
		buf_addf(&path, "/obj/%s?off=%llu&len=%zu", rel, (unsigned long long)off, len);
		rc = vault_http(v, "GET", path.data, NULL, 0, out);
	} else {
		vpath(v, &path, "%s", rel);
		int fd = open(path.data, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			rc = lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", rel);
		} else {
			buf_grow(out, len);
			ssize_t r = pread(fd, out->data, len, (off_t)off);
			if (r >= 0) {
				out->len = (size_t)r;
				out->data[r] = '\0';
			}
			close(fd);
		}
	}
	if (rc == 0 && out->len != len)
		rc = lb_error_tr(LB_ECORRUPT, "'%s' is shorter than expected", "'%s' が想定より短くなっています", rel);
	buf_release(&path);
	return rc;
}

int vault_size(struct vault *v, const char *rel, uint64_t *size)
{
	struct buf path = {0}, out = {0};
	int rc = 0;
	if (v->remote) {
		buf_addf(&path, "/stat/%s", rel);
		rc = vault_http(v, "GET", path.data, NULL, 0, &out);
		unsigned long long n = 0;
		if (rc == 0 && sscanf(buf_cstr(&out), "%llu", &n) != 1)
			rc = lb_error_tr(LB_EIO, "the vault server sent a malformed size",
			                 "ボルトサーバから届いた大きさの形式が不正です");
		*size = n;
	} else {
		vpath(v, &path, "%s", rel);
		struct stat st;
		if (stat(path.data, &st) != 0)
			rc = lb_error_errno(errno, "'%s'", rel);
		else
			*size = (uint64_t)st.st_size;
	}
	buf_release(&path);
	buf_release(&out);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int hexname(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* Names of the objects in dir (hex names only; "data" lists the pack ids of all its subfolders). */
int vault_list(struct vault *v, const char *dir, struct lb_strlist *names)
{
	struct buf path = {0};
	if (v->remote) {
		struct buf out = {0};
		buf_addf(&path, "/list/%s", dir);
		int rc = vault_http(v, "GET", path.data, NULL, 0, &out);
		char *save = NULL;
		for (char *l = rc == 0 && out.len ? strtok_r(out.data, "\n", &save) : NULL; l;
		     l = strtok_r(NULL, "\n", &save))
			if (hexname(l))
				lb_strlist_push(names, lb_strdup(l));
		buf_release(&out);
		buf_release(&path);
		return rc;
	}
	vpath(v, &path, "%s", dir);
	DIR *d = opendir(path.data);
	if (!d) {
		int e = errno;
		buf_release(&path);
		return e == ENOENT ? 0 : lb_error_errno_tr(e, "cannot list '%s'", "'%s' の一覧を取得できません", dir);
	}
	struct dirent *de;
	int sub = !strcmp(dir, "data");
	while ((de = readdir(d))) {
		if (sub && strlen(de->d_name) == 2 && de->d_name[0] != '.') {
			struct buf inner = {0};
			buf_addf(&inner, "data/%s", de->d_name);
			int rc = vault_list(v, inner.data, names);
			buf_release(&inner);
			if (rc < 0) {
				closedir(d);
				buf_release(&path);
				return rc;
			}
		} else if (hexname(de->d_name)) {
			lb_strlist_push(names, lb_strdup(de->d_name));
		}
	}
	closedir(d);
	buf_release(&path);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(*names->v), cmp_str);
	return 0;
}

static void remove_tmp_in(const char *dir, uint64_t *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct buf p = {0};
		buf_addf(&p, "%s/%s", dir, de->d_name);
		if (strstr(de->d_name, ".tmp-")) {
			if (unlink(p.data) == 0)
				(*count)++;
		} else if (strlen(de->d_name) == 2 && de->d_type == DT_DIR) {
			remove_tmp_in(p.data, count);
		}
		buf_release(&p);
	}
	closedir(d);
}

uint64_t vault_remove_tmp(struct vault *v)
{
	if (v->remote)
		return 0;
	static const char *dirs[] = {"data", "index", "snapshots", "meta"};
	uint64_t n = 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(dirs); i++) {
		struct buf p = {0};
		vpath(v, &p, "%s", dirs[i]);
		remove_tmp_in(p.data, &n);
		buf_release(&p);
	}
	return n;
}

int vault_remove(struct vault *v, const char *rel)
{
	struct buf path = {0};
	if (v->remote) {
		buf_addf(&path, "/obj/%s", rel);
		int rc = vault_http(v, "DELETE", path.data, NULL, 0, NULL);
		buf_release(&path);
		return rc;
	}
	vpath(v, &path, "%s", rel);
	vault_unseal_file(path.data);
	int rc = 0;
	if (unlink(path.data) != 0 && errno != ENOENT)
		rc = lb_error_errno_tr(errno, "cannot remove '%s'", "'%s' を削除できません", rel);
	buf_release(&path);
	return rc;
}

int vault_flock(struct vault *v, int exclusive)
{
	if (v->remote)
		return vault_lease_take(v, exclusive); /* the server holds the flock for us (docs §7) */
	if (v->lock_fd < 0) {
		struct buf p = {0};
		vpath(v, &p, "lock");
		v->lock_fd = open(p.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (v->lock_fd < 0)
			v->lock_fd = open(p.data, O_RDONLY | O_CLOEXEC | O_NOFOLLOW); /* read-only media */
		buf_release(&p);
		if (v->lock_fd < 0)
			return 0; /* a medium without a lock file: nobody else writes it */
	}
	if (flock(v->lock_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			return lb_error_tr(LB_ELOCKED, "repository is locked: %s is running",
			                   "リポジトリはロック中です: %s が実行中です",
			                   exclusive ? L_("a backup or prune", "バックアップまたは prune")
			                             : L_("a prune or forget", "prune または forget"));
		return lb_error_errno_tr(errno, "cannot lock the repository", "リポジトリをロックできません");
	}
	return 0;
}

void vault_funlock(struct vault *v)
{
	vault_lease_drop(v);
	if (v->lock_fd >= 0)
		flock(v->lock_fd, LOCK_UN);
}

int vault_need_admin(struct vault *v, const char *what)
{
	if (v->k.role == VAULT_ADMIN)
		return 0;
	return lb_error_tr(LB_EPERM, "a writer key cannot %s (admin key needed)",
	                   "ライター鍵では%sはできません (管理者鍵が必要です)", what);
}

void vault_reload_meta(struct vault *v)
{
	free(v->meta);
	v->meta = NULL;
	v->nmeta = v->bad_meta = 0;
	vault_load_meta(v);
}

int vault_load_meta(struct vault *v)
{
	struct lb_strlist names = {0};
	int rc = vault_list(v, "meta", &names);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		struct buf rel = {0}, f = {0};
		buf_addf(&rel, "meta/%s", names.v[i]);
		struct vmeta_rec m;
		if (vault_get(v, rel.data, &f, VAULT_META_MAX) == 0 &&
		    vmeta_parse(&m, (const uint8_t *)f.data, f.len, v->cfg.sign_pk) == 0) {
			v->meta = lb_reallocarray(v->meta, v->nmeta + 1, sizeof(*v->meta));
			v->meta[v->nmeta++] = m;
		} else {
			v->bad_meta++;
		}
		buf_release(&rel);
		buf_release(&f);
	}
	for (size_t i = 0; i < names.n; i++)
		free((void *)names.v[i]);
	lb_strlist_free(&names);
	lb_error_clear();
	return rc;
}

int vault_add_meta(struct vault *v, const struct vmeta_rec *m)
{
	int rc = vault_need_admin(v, L_("sign locks, reviews or keys", "ロック・判定・鍵の署名"));
	if (rc < 0)
		return rc;
	struct buf f = {0}, rel = {0};
	vmeta_encode(m, v->k.sign_sk, &f);
	uint8_t h[VID];
	char hex[65];
	crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
	vault_hex(hex, h, VID);
	buf_addf(&rel, "meta/%s", hex);
	rc = vault_put(v, rel.data, f.data, f.len);
	if (rc == 0) {
		v->meta = lb_reallocarray(v->meta, v->nmeta + 1, sizeof(*v->meta));
		v->meta[v->nmeta++] = *m;
	}
	buf_release(&f);
	buf_release(&rel);
	return rc;
}

int64_t vault_locked_until(struct vault *v, const uint8_t snap[VID])
{
	int64_t until = 0;
	for (size_t i = 0; i < v->nmeta; i++)
		if (v->meta[i].kind == VMETA_LOCK && !memcmp(v->meta[i].snap, snap, VID) && v->meta[i].until_ms > until)
			until = v->meta[i].until_ms;
	return until;
}

int vault_review_of(struct vault *v, const uint8_t snap[VID])
{
	int mark = 0;
	int64_t t = INT64_MIN;
	for (size_t i = 0; i < v->nmeta; i++)
		if (v->meta[i].kind == VMETA_REVIEW && !memcmp(v->meta[i].snap, snap, VID) && v->meta[i].time_ms >= t) {
			t = v->meta[i].time_ms;
			mark = v->meta[i].mark;
		}
	return mark;
}

/* 0 and the writer's public key if it is registered (and, at_ms > 0, not revoked before at_ms). */
int vault_writer_known(struct vault *v, const uint8_t wid[16], uint8_t pk[32], int64_t at_ms)
{
	int found = 0;
	for (size_t i = 0; i < v->nmeta; i++)
		if (v->meta[i].kind == VMETA_WRITER && !memcmp(v->meta[i].writer_id, wid, 16)) {
			memcpy(pk, v->meta[i].w_sign_pk, 32);
			found = 1;
		}
	if (!found)
		return -LB_ENOTFOUND;
	for (size_t i = 0; at_ms > 0 && i < v->nmeta; i++)
		if (v->meta[i].kind == VMETA_REVOKE && !memcmp(v->meta[i].writer_id, wid, 16) &&
		    v->meta[i].time_ms <= at_ms)
			return -LB_EPERM;
	return 0;
}

/*
 * Load the index files: first those the admin signed (meta records written by prune), then those the generation
 * trusted names (its own backup's and those it found), then every other one in name order. Candidate locations
 * of a chunk keep that order, so a file a writer uploads later can add locations but never come before the ones
 * a generation relied on. A file that does not decode is skipped, named in a warning (warn) and in v->bad_index.
 */
static int load_index(struct vault *v, const struct vsnap *trusted, int warn)
{
	struct lb_strlist names = {0}, order = {0};
	int rc = vault_list(v, "index", &names);
	if (rc < 0)
		return rc;
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	uint8_t *taken = lb_calloc(names.n + 1, 1);
	char hex[65];
	for (int pass = 0; pass < 3; pass++) {
		size_t n = pass == 0 ? v->nmeta : pass == 1 ? (trusted ? trusted->nindex : 0) : names.n;
		for (size_t i = 0; i < n; i++) {
			if (pass == 0) {
				if (v->meta[i].kind != VMETA_INDEX)
					continue;
				vault_hex(hex, v->meta[i].snap, VID);
			} else if (pass == 1) {
				vault_hex(hex, trusted->index[i], VID);
			} else {
				snprintf(hex, sizeof(hex), "%s", names.v[i]);
			}
			const char *key = hex;
			const char **at = names.n ? bsearch(&key, names.v, names.n, sizeof(*names.v), cmp_str) : NULL;
			if (!at || taken[at - names.v])
				continue;
			taken[at - names.v] = 1;
			lb_strlist_push(&order, *at);
		}
	}
	free(taken);
	for (size_t i = 0; i < order.n; i++) {
		struct buf rel = {0}, f = {0};
		buf_addf(&rel, "index/%s", order.v[i]);
		int e = vault_get(v, rel.data, &f, VAULT_INDEX_FILE_MAX);
		/* gone since the listing, too big, or not decoding: skipped; a read that failed (a server down) is not */
		if (e == -LB_ENOTFOUND || e == -LB_ETOOBIG || e == 0) {
			if (e == 0)
				e = vindex_decode(&v->ix, (const uint8_t *)f.data, f.len, v->k.meta_key);
			if (e < 0) {
				lb_strlist_push(&v->bad_index, lb_strdup(order.v[i]));
				struct buf m = {0};
				buf_addf(&m, L_("index %.12s: %s", "索引 %.12s: %s"), order.v[i], lb_errmsg());
				lb_strlist_push(&v->bad_index_why, buf_detach(&m, NULL));
				if (warn)
					lb_warn(/* i18n-ok: the message is the L_ argument; index/… is the object's path */
					        "%s: index/%s (%s)",
					        L_("an index file that does not decode is skipped",
					           "復号できない索引ファイルを読み飛ばします"),
					        order.v[i], lb_errmsg());
				lb_error_clear();
			}
		} else {
			rc = lb_error_wrap_tr(e, "index '%.8s'", "索引 '%.8s'", order.v[i]);
		}
		buf_release(&rel);
		buf_release(&f);
		if (rc < 0)
			break;
	}
	lb_strlist_free(&order); /* the strings belong to names */
	for (size_t i = 0; i < names.n; i++)
		free((void *)names.v[i]);
	lb_strlist_free(&names);
	if (rc == 0)
		v->ix_loaded = 1;
	return rc;
}

static void forget_index(struct vault *v)
{
	vindex_release(&v->ix);
	for (size_t i = 0; i < v->bad_index.n; i++)
		free((void *)v->bad_index.v[i]);
	for (size_t i = 0; i < v->bad_index_why.n; i++)
		free((void *)v->bad_index_why.v[i]);
	lb_strlist_free(&v->bad_index);
	lb_strlist_free(&v->bad_index_why);
	v->ix_loaded = 0;
}

int vault_load_index(struct vault *v)
{
	if (v->ix_loaded)
		return 0;
	return load_index(v, NULL, 1);
}

int vault_load_index_for(struct vault *v, const struct vsnap *s, int warn)
{
	forget_index(v);
	return load_index(v, s, warn);
}

void vault_index_release(struct vault *v)
{
	forget_index(v);
}
