/*
 * test_fs.c - durable file operations (core/fs.c): atomic writes (content, mode, exclusive, no temporary files left,
 * symlinks not followed), mkdir -p, tree removal that never leaves the tree, path joining.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

static char root[64];

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/lb-test-fs-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	umask(022);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return lb_rmtree(root) == 0 ? 0 : -1;
}

/* root/rel in a static buffer (one at a time). */
static const char *at(const char *rel)
{
	static char path[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", root, rel);
	return path[k];
}

static void put(const char *rel, const char *data)
{
	FILE *f = fopen(at(rel), "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

static void content_is(const char *path, const char *want)
{
	struct buf b = {0};
	assert_int_equal(buf_read_file(&b, path, 1 << 20), 0);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

/* The names in folder rel, sorted and joined with spaces. */
static void names_are(const char *rel, const char *want)
{
	DIR *d = opendir(at(rel));
	assert_non_null(d);
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = lb_strdup(e->d_name);
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		buf_addf(&b, "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_write_atomic(void **state)
{
	(void)state;
	assert_int_equal(lb_mkdirs(at("w"), 0755), 0);
	assert_int_equal(lb_write_file_atomic(at("w/f"), "one\n", 4, 0640, 0), 0);
	content_is(at("w/f"), "one\n");
	struct stat st;
	assert_int_equal(stat(at("w/f"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* Replace. */
	assert_int_equal(lb_write_file_atomic(at("w/f"), "two", 3, 0600, 0), 0);
	content_is(at("w/f"), "two");
	/* Empty and binary contents. */
	assert_int_equal(lb_write_file_atomic(at("w/empty"), "", 0, 0644, 0), 0);
	content_is(at("w/empty"), "");
	assert_int_equal(lb_write_file_atomic(at("w/bin"), "a\0b", 3, 0644, 1), 0);
	assert_int_equal(stat(at("w/bin"), &st), 0);
	assert_int_equal(st.st_size, 3);
	/* Exclusive on an existing file: -LB_EEXIST, old contents kept. */
	assert_int_equal(lb_write_file_atomic(at("w/f"), "three", 5, 0600, 1), -LB_EEXIST);
	assert_non_null(strstr(lb_errmsg(), "w/f"));
	content_is(at("w/f"), "two");
	/* Exclusive on a new file. */
	assert_int_equal(lb_write_file_atomic(at("w/g"), "new", 3, 0600, 1), 0);
	content_is(at("w/g"), "new");
	assert_int_equal(stat(at("w/g"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_nlink, 1); /* the temporary link is gone */
	/* No temporary files left behind by any of it. */
	names_are("w", "bin empty f g");
}

static void test_write_atomic_errors(void **state)
{
	(void)state;
	/* Into a folder that does not exist: not found, nothing created. */
	assert_int_equal(lb_write_file_atomic(at("missing/f"), "x", 1, 0644, 0), -LB_ENOTFOUND);
	assert_false(lb_exists(at("missing")));
	/* Over a folder: refused, the folder and its contents untouched, no temporary file left. */
	assert_int_equal(lb_mkdirs(at("e/dir"), 0755), 0);
	put("e/dir/keep", "k");
	assert_true(lb_write_file_atomic(at("e/dir"), "x", 1, 0644, 0) < 0);
	assert_true(lb_write_file_atomic(at("e/dir"), "x", 1, 0644, 1) == -LB_EEXIST);
	content_is(at("e/dir/keep"), "k");
	names_are("e", "dir");
	/* In a read-only folder (root may write anyway: then there is nothing to check). */
	if (geteuid() != 0) {
		assert_int_equal(lb_mkdirs(at("ro"), 0555), 0);
		assert_int_equal(lb_write_file_atomic(at("ro/f"), "x", 1, 0644, 0), -LB_EPERM);
		names_are("ro", "");
		chmod(at("ro"), 0755);
	}
}

static void test_write_atomic_symlinks(void **state)
{
	(void)state;
	assert_int_equal(lb_mkdirs(at("s/outside"), 0755), 0);
	put("s/outside/victim", "precious");
	/* Exclusive over a symlink (even a dangling one): -LB_EEXIST, the target neither written nor created. */
	assert_int_equal(symlink(at("s/outside/victim"), at("s/link")), 0);
	assert_int_equal(symlink(at("s/outside/nothing"), at("s/dangling")), 0);
	assert_int_equal(lb_write_file_atomic(at("s/link"), "evil", 4, 0644, 1), -LB_EEXIST);
	assert_int_equal(lb_write_file_atomic(at("s/dangling"), "evil", 4, 0644, 1), -LB_EEXIST);
	content_is(at("s/outside/victim"), "precious");
	assert_false(lb_exists(at("s/outside/nothing")));
	/* Replacing a symlink replaces the link itself, never what it points to. */
	assert_int_equal(lb_write_file_atomic(at("s/link"), "mine", 4, 0644, 0), 0);
	content_is(at("s/outside/victim"), "precious");
	struct stat st;
	assert_int_equal(lstat(at("s/link"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	content_is(at("s/link"), "mine");
	names_are("s", "dangling link outside");
	names_are("s/outside", "victim");
}

/* A crashed process with the same pid (containers reuse small pids) left temporary files behind: the write still
 * succeeds, and files it did not create are not removed. */
static void test_write_atomic_stale_temporaries(void **state)
{
	(void)state;
	assert_int_equal(lb_mkdirs(at("st"), 0755), 0);
	char name[128];
	for (int k = 0; k < 300; k++) {
		snprintf(name, sizeof(name), "st/f.tmp-%d-%d", (int)getpid(), k);
		put(name, "stale");
	}
	assert_int_equal(lb_write_file_atomic(at("st/f"), "fresh", 5, 0644, 0), 0);
	content_is(at("st/f"), "fresh");
	assert_int_equal(lb_write_file_atomic(at("st/f"), "again", 5, 0644, 1), -LB_EEXIST);
	content_is(at("st/f"), "fresh");
	for (int k = 0; k < 300; k++) {
		snprintf(name, sizeof(name), "st/f.tmp-%d-%d", (int)getpid(), k);
		content_is(at(name), "stale");
	}
}

static void test_mkdirs(void **state)
{
	(void)state;
	assert_int_equal(lb_mkdirs(at("m/a/b/c"), 0750), 0);
	struct stat st;
	assert_int_equal(stat(at("m/a/b/c"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0750);
	/* Existing: fine; trailing and doubled slashes: fine. */
	assert_int_equal(lb_mkdirs(at("m/a/b/c"), 0750), 0);
	assert_int_equal(lb_mkdirs(at("m/a/b/c/"), 0750), 0);
	assert_int_equal(lb_mkdirs(at("m//x//y/"), 0755), 0);
	assert_true(lb_exists(at("m/x/y")));
	assert_int_equal(lb_mkdirs(root, 0755), 0);
	assert_int_equal(lb_mkdirs("/", 0755), 0);
	/* A file in the way, at the end or in the middle. */
	put("m/file", "x");
	assert_int_equal(lb_mkdirs(at("m/file"), 0755), -LB_EEXIST);
	assert_non_null(strstr(lb_errmsg(), "m/file"));
	assert_true(lb_mkdirs(at("m/file/sub"), 0755) < 0);
	content_is(at("m/file"), "x");
	/* A symlink to a folder is a folder. */
	assert_int_equal(symlink(at("m/a"), at("m/alink")), 0);
	assert_int_equal(lb_mkdirs(at("m/alink/b/new"), 0755), 0);
	assert_true(lb_exists(at("m/a/b/new")));
	/* Relative paths. */
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(root), 0);
	assert_int_equal(lb_mkdirs("rel/one", 0755), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_true(lb_exists(at("rel/one")));
	assert_true(lb_mkdirs("", 0755) < 0);
}

static void test_exists_fsync(void **state)
{
	(void)state;
	put("x", "1");
	assert_true(lb_exists(at("x")));
	assert_false(lb_exists(at("y")));
	assert_int_equal(symlink(at("nowhere"), at("dl")), 0);
	assert_true(lb_exists(at("dl"))); /* the link exists, though its target does not */
	assert_int_equal(lb_fsync_dir(root), 0);
	assert_int_equal(lb_fsync_dir(at("nowhere")), -LB_ENOTFOUND);
	assert_true(lb_fsync_dir(at("x")) < 0); /* no folder */
}

static void test_rmtree(void **state)
{
	(void)state;
	/* A tree with files, empty folders, hidden names and a symlink to a folder outside it. */
	assert_int_equal(lb_mkdirs(at("r/t/a/b/c"), 0755), 0);
	assert_int_equal(lb_mkdirs(at("r/t/empty"), 0755), 0);
	assert_int_equal(lb_mkdirs(at("r/out/sub"), 0755), 0);
	put("r/out/keep", "outside");
	put("r/out/sub/keep2", "outside too");
	put("r/t/a/f1", "1");
	put("r/t/a/b/c/f2", "2");
	put("r/t/.hidden", "h");
	assert_int_equal(symlink(at("r/out"), at("r/t/a/link_to_out")), 0);
	assert_int_equal(symlink(at("r/out/keep"), at("r/t/file_link")), 0);
	assert_int_equal(symlink("../nowhere", at("r/t/dangling")), 0);
	assert_int_equal(lb_rmtree(at("r/t")), 0);
	assert_false(lb_exists(at("r/t")));
	/* What the links pointed to survives. */
	content_is(at("r/out/keep"), "outside");
	content_is(at("r/out/sub/keep2"), "outside too");
	names_are("r", "out");
	/* Missing is not an error. */
	assert_int_equal(lb_rmtree(at("r/t")), 0);
	/* The path itself a symlink to a folder: the link goes, the folder stays. */
	assert_int_equal(symlink(at("r/out"), at("r/toplink")), 0);
	assert_int_equal(lb_rmtree(at("r/toplink")), 0);
	assert_false(lb_exists(at("r/toplink")));
	content_is(at("r/out/keep"), "outside");
	/* A plain file is removed. */
	put("r/plain", "p");
	assert_int_equal(lb_rmtree(at("r/plain")), 0);
	assert_false(lb_exists(at("r/plain")));
	/* A deep tree. */
	struct buf p = {0};
	buf_adds(&p, at("r/deep"));
	for (int i = 0; i < 60; i++)
		buf_adds(&p, "/d");
	assert_int_equal(lb_mkdirs(p.data, 0755), 0);
	assert_int_equal(lb_rmtree(at("r/deep")), 0);
	assert_false(lb_exists(at("r/deep")));
	buf_release(&p);
}

static void join_is(const char *a, const char *c, const char *want)
{
	struct buf b = {0};
	lb_path_join(&b, a, c);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_path_join(void **state)
{
	(void)state;
	join_is("a", "b", "a/b");
	join_is("a/", "b", "a/b");
	join_is("a", "/b", "a/b");
	join_is("a//", "//b", "a/b");
	join_is("/srv/ss-mix2", "123/4567", "/srv/ss-mix2/123/4567");
	join_is("a", "b/", "a/b/");
	join_is("", "b", "b");
	join_is("a", "", "a");
	join_is("a/", "", "a");
	join_is("", "", "");
	join_is("/", "b", "/b");
	join_is("/", "/b", "/b");
	join_is("//", "b", "/b");
	join_is("/", "", "/");
	/* Appends after what the buffer holds, without touching it. */
	struct buf b = {0};
	buf_adds(&b, "path=");
	lb_path_join(&b, "", "x");
	assert_string_equal(b.data, "path=x");
	buf_reset(&b);
	buf_adds(&b, "dir/");
	lb_path_join(&b, "a", "b");
	assert_string_equal(b.data, "dir/a/b");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_write_atomic_errors, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_write_atomic_symlinks, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_write_atomic_stale_temporaries, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mkdirs, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_exists_fsync, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_rmtree, setup, teardown),
	        cmocka_unit_test(test_path_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
