/*
 * medium_io.c - writing and checking a medium folder (medium_int.h), shared by the incident medium (medium_write.c,
 * medium_verify.c) and the back-entry medium (merge.c): the sibling temporary folder, files written and fsynced,
 * SHA256SUMS in the format of coreutils' `sha256sum -c`, the rename into place; and on reading, every file against
 * SHA256SUMS, none missing, none changed, none unlisted.
 */
#include "medium_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_MAX (1u << 20) /* bytes of SHA256SUMS read at most */

/* ---- writing ------------------------------------------------------------------------------------------------- */

/* 1 when dir is missing or an empty folder, 0 when it holds something (or is no folder). */
static int usable_target(const char *dir)
{
	struct stat sb;
	if (lstat(dir, &sb) < 0)
		return errno == ENOENT;
	if (!S_ISDIR(sb.st_mode))
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	int empty = 1;
	while (empty && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

int medium_out_begin(struct medium_out *mo, const char *dir)
{
	memset(mo, 0, sizeof(*mo));
	if (!usable_target(dir))
		return lb_error_tr(LB_EEXIST, "'%s' exists and is not an empty folder: the medium goes into a new one",
		                   "'%s' は空のフォルダではありません (新しいフォルダに書き出します)", dir);
	buf_adds(&mo->dir, dir);
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	size_t base = n;
	while (base > 0 && dir[base - 1] != '/')
		base--;
	if (base)
		buf_add(&mo->parent, dir, base);
	else
		buf_adds(&mo->parent, ".");
	buf_add(&mo->tmp, dir, base);
	buf_addf(&mo->tmp, ".%.*s.tmp-%ld", (int)(n - base), dir + base, (long)getpid());
	lb_rmtree(mo->tmp.data);
	if (mkdir(mo->tmp.data, 0755) < 0) {
		int rc = lb_error_errno_tr(errno, "cannot make the medium '%s' (its temporary folder '%s')",
		                           "媒体 '%s' を作れません (一時フォルダ '%s')", dir, mo->tmp.data);
		buf_release(&mo->tmp);
		return rc;
	}
	return 0;
}

void medium_out_path(const struct medium_out *mo, const char *name, struct buf *path)
{
	lb_path_join(path, mo->tmp.data, name);
}

int medium_out_mkdir(struct medium_out *mo, const char *sub)
{
	struct buf path = {0};
	medium_out_path(mo, sub, &path);
	int rc = mkdir(path.data, 0755) < 0
	                 ? lb_error_errno_tr(errno, "cannot make '%s'", "'%s' を作れません", path.data)
	                 : 0;
	buf_release(&path);
	return rc;
}

void medium_out_list(struct medium_out *mo, const char *name)
{
	mo->names = lb_reallocarray(mo->names, mo->n + 1, sizeof(*mo->names));
	mo->names[mo->n++] = lb_strdup(name);
}

int medium_out_put(struct medium_out *mo, const char *name, const void *data, size_t len)
{
	struct buf path = {0};
	medium_out_path(mo, name, &path);
	int rc = lb_write_file_atomic(path.data, data ? data : "", len, 0644, 1);
	buf_release(&path);
	if (rc == 0)
		medium_out_list(mo, name);
	return rc;
}

int medium_out_finish(struct medium_out *mo, const char *const *subs, uint8_t sums_sha256[32])
{
	struct buf sums = {0};
	int rc = 0;
	for (size_t i = 0; i < mo->n && rc == 0; i++) {
		uint8_t h[32];
		char hex[65];
		int e = incident_sha256_file(mo->tmp.data, mo->names[i], h);
		if (e < 0) {
			rc = lb_error_errno_tr(-e, "cannot read back '%s'", "'%s' を読み返せません", mo->names[i]);
			break;
		}
		incident_hex(h, 32, hex);
		buf_addf(&sums, "%s  %s\n", hex, mo->names[i]);
	}
	if (rc == 0) {
		rc = medium_out_put(mo, INCIDENT_MEDIUM_MANIFEST, sums.data, sums.len);
		if (sums_sha256)
			crypto_hash_sha256(sums_sha256, (const unsigned char *)(sums.data ? sums.data : ""), sums.len);
	}
	buf_release(&sums);
	for (size_t i = 0; rc == 0 && subs && subs[i]; i++) {
		struct buf path = {0};
		medium_out_path(mo, subs[i], &path);
		rc = lb_fsync_dir(path.data);
		buf_release(&path);
	}
	if (rc == 0 && (rc = lb_fsync_dir(mo->tmp.data)) == 0) {
		if (rename(mo->tmp.data, mo->dir.data) < 0)
			rc = lb_error_errno_tr(errno, "cannot move the medium into '%s'", "媒体を '%s' に移せません",
			                       mo->dir.data);
		else {
			mo->done = 1;
			lb_fsync_dir(mo->parent.data);
		}
	}
	return rc;
}

void medium_out_release(struct medium_out *mo)
{
	if (!mo->done && mo->tmp.data)
		lb_rmtree(mo->tmp.data);
	for (size_t i = 0; i < mo->n; i++)
		free(mo->names[i]);
	free(mo->names);
	buf_release(&mo->dir);
	buf_release(&mo->tmp);
	buf_release(&mo->parent);
	memset(mo, 0, sizeof(*mo));
}

/* ---- reading ------------------------------------------------------------------------------------------------- */

static int sha256_fd(int fd, uint8_t out[32], uint64_t max)
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	unsigned char buf[1 << 16];
	uint64_t total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > max)
			return -EFBIG;
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
	}
	crypto_hash_sha256_final(&st, out);
	return 0;
}

int incident_sha256_file(const char *root, const char *name, uint8_t out[32])
{
	struct buf path = {0};
	lb_path_join(&path, root, name);
	int fd = open(path.data, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	buf_release(&path);
	if (fd < 0)
		return -errno;
	struct stat sb;
	int rc = fstat(fd, &sb) < 0 ? -errno : !S_ISREG(sb.st_mode) ? -EINVAL : sha256_fd(fd, out, UINT64_MAX);
	close(fd);
	return rc;
}

void medium_fail(struct incident_medium_result *r, enum incident_medium_status st, const char *what, int64_t line,
                 int64_t seq)
{
	if (r->status != INCIDENT_MEDIUM_OK)
		return;
	r->status = st;
	snprintf(r->what, sizeof(r->what), "%s", what);
	r->line = line;
	r->seq = seq;
}

int medium_read_file(const char *root, const char *name, struct buf *b, size_t max)
{
	struct buf path = {0};
	lb_path_join(&path, root, name);
	int fd = open(path.data, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	buf_release(&path);
	if (fd < 0)
		return -1;
	int rc = buf_read_fd(b, fd, max);
	close(fd);
	return rc;
}

int medium_listed(const struct incident_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].name, name))
			return 1;
	return 0;
}

/* Every file under root/rel that the manifest does not list: the first one fails r. */
static void find_unlisted(const char *root, const char *rel, int depth, int max_depth,
                          const struct incident_manifest *m, struct incident_medium_result *r)
{
	struct buf path = {0};
	if (*rel)
		lb_path_join(&path, root, rel);
	else
		buf_adds(&path, root);
	DIR *d = opendir(path.data);
	buf_release(&path);
	if (!d)
		return;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = lb_reallocarray(names, n + 1, sizeof(*names));
		names[n++] = lb_strdup(de->d_name);
	}
	closedir(d);
	/* in name order, so that the first one named is the same on every machine */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		struct buf sub = {0}, full = {0};
		if (*rel)
			buf_addf(&sub, "%s/%s", rel, names[i]);
		else
			buf_adds(&sub, names[i]);
		lb_path_join(&full, root, sub.data);
		struct stat sb;
		if (lstat(full.data, &sb) == 0 && S_ISDIR(sb.st_mode) && depth < max_depth)
			find_unlisted(root, sub.data, depth + 1, max_depth, m, r);
		else if (!(depth == 0 && !strcmp(names[i], INCIDENT_MEDIUM_MANIFEST)) && !medium_listed(m, sub.data))
			medium_fail(r, INCIDENT_MEDIUM_UNLISTED, sub.data, 0, 0);
		buf_release(&sub);
		buf_release(&full);
		free(names[i]);
	}
	free(names);
}

void medium_check_sums(const char *dir, int depth, struct incident_manifest *m, struct incident_medium_result *r,
                       uint8_t sums_sha256[32])
{
	struct buf data = {0};
	memset(m, 0, sizeof(*m));
	if (medium_read_file(dir, INCIDENT_MEDIUM_MANIFEST, &data, MANIFEST_MAX) < 0)
		medium_fail(r, INCIDENT_MEDIUM_BAD_MANIFEST, INCIDENT_MEDIUM_MANIFEST, 0, 0);
	else
		incident_manifest_parse(data.data ? data.data : "", data.len, m, r);
	if (sums_sha256)
		crypto_hash_sha256(sums_sha256, (const unsigned char *)(data.data ? data.data : ""), data.len);
	buf_release(&data);
	for (size_t i = 0; r->status == INCIDENT_MEDIUM_OK && i < m->n; i++) {
		uint8_t h[32];
		int e = incident_sha256_file(dir, m->v[i].name, h);
		if (e == -ENOENT)
			medium_fail(r, INCIDENT_MEDIUM_MISSING, m->v[i].name, 0, 0);
		else if (e < 0 || sodium_memcmp(h, m->v[i].sha256, 32) != 0)
			medium_fail(r, INCIDENT_MEDIUM_MISMATCH, m->v[i].name, 0, 0);
		else
			r->files++;
	}
	if (r->status == INCIDENT_MEDIUM_OK)
		find_unlisted(dir, "", 0, depth, m, r);
}
