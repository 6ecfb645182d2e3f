/*
 * fs.c - durable file operations: atomic replace, mkdir -p, directory fsync, tree removal.
 *
 * Everything that must survive a crash (repositories, stores, printed sets) is written with
 * lb_write_file_atomic: a reader sees the old file or the new one, never a torn write.
 */
#include "core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static void dir_of(struct buf *dir, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		buf_adds(dir, ".");
	else if (slash == path)
		buf_adds(dir, "/");
	else
		buf_add(dir, path, (size_t)(slash - path));
}

int lb_fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return lb_error_errno_tr(errno, "cannot open folder '%s'", "フォルダ '%s' を開けません", path);
	int rc = 0;
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = lb_error_errno_tr(errno, "cannot sync folder '%s'", "フォルダ '%s' を同期できません", path);
	close(fd);
	return rc;
}

int lb_write_file_atomic(const char *path, const void *data, size_t len, int mode, int exclusive)
{
	static atomic_uint seq;
	struct buf tmp = {0}, dir = {0};
	int rc = 0, fd = -1, created = 0;
	/* A temporary name may be taken: left by a crashed process that had our pid (containers reuse small pids).
	 * Take the next one; what we did not create is never removed. */
	for (int attempt = 0; fd < 0; attempt++) {
		buf_reset(&tmp);
		buf_addf(&tmp, "%s.tmp-%d-%u", path, (int)getpid(), atomic_fetch_add(&seq, 1));
		fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd < 0 && (errno != EEXIST || attempt >= 1000)) {
			rc = lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", tmp.data);
			goto out;
		}
	}
	created = 1;
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", path);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", path);
		goto out;
	}
	fd = -1;
	if (exclusive) {
		/* link(2) fails if path exists: no window in which another writer's file is replaced. */
		if (link(tmp.data, path) != 0) {
			rc = errno == EEXIST
			             ? lb_error_tr(LB_EEXIST, "'%s' exists already", "'%s' は既にあります", path)
			             : lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", path);
			goto out;
		}
		unlink(tmp.data);
	} else if (rename(tmp.data, path) != 0) {
		rc = lb_error_errno_tr(errno, "cannot replace '%s'", "'%s' を置き換えられません", path);
		goto out;
	}
	dir_of(&dir, path);
	rc = lb_fsync_dir(dir.data);
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && created)
		unlink(tmp.data);
	buf_release(&tmp);
	buf_release(&dir);
	return rc;
}

int lb_mkdirs(const char *path, int mode)
{
	struct buf p = {0};
	int rc = 0;
	buf_adds(&p, path);
	for (size_t i = 1; i <= p.len; i++) {
		if (i < p.len && p.data[i] != '/')
			continue;
		char save = p.data[i];
		p.data[i] = '\0';
		if (mkdir(p.data, (mode_t)mode) != 0 && errno != EEXIST) {
			rc = lb_error_errno_tr(errno, "cannot create folder '%s'", "フォルダ '%s' を作成できません",
			                       p.data);
			break;
		}
		p.data[i] = save;
	}
	if (rc == 0) {
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			rc = lb_error_tr(LB_EEXIST, "'%s' exists and is not a folder",
			                 "'%s' は既にありフォルダではありません", path);
	}
	buf_release(&p);
	return rc;
}

int lb_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

void lb_path_join(struct buf *b, const char *a, const char *c)
{
	/* Only the part appended here is looked at: b may hold other text before it. */
	size_t start = b->len;
	buf_adds(b, a);
	while (b->len > start + 1 && b->data[b->len - 1] == '/')
		buf_truncate(b, b->len - 1);
	while (*c == '/')
		c++;
	if (b->len > start && *c && b->data[b->len - 1] != '/') /* "/" + "etc" is "/etc", not "//etc" */
		buf_addch(b, '/');
	buf_adds(b, c);
}

static int rmtree_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTDIR || errno == ELOOP) {
			if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
				return lb_error_errno_tr(errno, "cannot remove '%s'", "'%s' を削除できません", name);
			return 0;
		}
		return lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", name);
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return lb_error_errno_tr(errno, "cannot read '%s'", "'%s' を読めません", name);
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		rc = rmtree_at(fd, e->d_name);
	}
	closedir(d);
	if (rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = lb_error_errno_tr(errno, "cannot remove folder '%s'", "フォルダ '%s' を削除できません", name);
	return rc;
}

int lb_rmtree(const char *path)
{
	return rmtree_at(AT_FDCWD, path);
}
