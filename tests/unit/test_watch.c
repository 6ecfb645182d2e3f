/*
 * test_watch.c - unit tests of watch's own data structures and of the drill's state handling: the hash map
 * (against a reference array, through growth and backward-shift deletion, with its cap), extensions, file
 * features on real bytes, and drill round trips, refusals and damaged state files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch/watch_int.h"

static void test_map_against_reference(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct watch_map m = {0};
	static uint64_t ref[N]; /* 0: absent, else value */
	uint64_t seed = 42;
	for (int round = 0; round < 200000; round++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		int k = (int)((seed >> 33) % N);
		uint64_t key = (uint64_t)k * 2654435761u + 1; /* clustered keys */
		if ((seed >> 20) % 3) {
			struct watch_slot *s = watch_map_put(&m, key);
			assert_non_null(s);
			s->a = (uint64_t)round + 1;
			ref[k] = (uint64_t)round + 1;
		} else {
			watch_map_del(&m, key);
			ref[k] = 0;
		}
	}
	size_t n = 0;
	for (int k = 0; k < N; k++) {
		struct watch_slot *s = watch_map_get(&m, (uint64_t)k * 2654435761u + 1);
		if (ref[k]) {
			assert_non_null(s);
			assert_int_equal(s->a, ref[k]);
			n++;
		} else {
			assert_null(s);
		}
	}
	assert_int_equal(m.n, n);
	watch_map_clear(&m);
	assert_null(watch_map_get(&m, 1));
	watch_map_free(&m);
}

static void test_map_cap(void **state)
{
	(void)state;
	struct watch_map m = {.max = 100};
	for (uint64_t k = 1; k <= 100; k++)
		assert_non_null(watch_map_put(&m, k));
	assert_null(watch_map_put(&m, 1000));
	assert_non_null(watch_map_put(&m, 50)); /* existing keys are still found */
	watch_map_del(&m, 50);
	assert_non_null(watch_map_put(&m, 1000));
	watch_map_free(&m);
}

static void test_ext(void **state)
{
	(void)state;
	assert_string_equal(watch_ext("/a/b/report.docx"), "docx");
	assert_string_equal(watch_ext("/a/b.d/report"), "");
	assert_string_equal(watch_ext("/a/.hidden"), "");
	assert_string_equal(watch_ext("/a/x.tar.zst"), "zst");
	assert_string_equal(watch_ext("/a/x."), "");
	assert_string_equal(watch_ext("/a/x.averyveryverylongextension"), "");
}

static char tmpdir[64];

static void write_file(const char *name, const void *p, size_t n)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static void test_feat(void **state)
{
	(void)state;
	char path[256];
	static unsigned char rnd[8192], txt[8192];
	uint64_t s = 7;
	for (size_t i = 0; i < sizeof rnd; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		rnd[i] = (unsigned char)(s >> 56);
		txt[i] = (unsigned char)("ward order dose result "[i % 23]);
	}
	write_file("r.bin", rnd, sizeof rnd);
	write_file("t.txt", txt, sizeof txt);
	struct watch_feat f;
	snprintf(path, sizeof path, "%s/r.bin", tmpdir);
	assert_int_equal(watch_feat_read(path, 0, &f), 0);
	assert_true(f.random_like);
	assert_int_equal(f.size, sizeof rnd);
	snprintf(path, sizeof path, "%s/t.txt", tmpdir);
	assert_int_equal(watch_feat_read(path, 0, &f), 0);
	assert_false(f.random_like);
	assert_int_equal(f.type, SNIFF_TEXT);
	snprintf(path, sizeof path, "%s/missing", tmpdir);
	assert_true(watch_feat_read(path, 0, &f) < 0);
	assert_true(watch_feat_read(tmpdir, 0, &f) < 0); /* a folder is not a file */
}

static void drill_dir(const char *sub, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", tmpdir, sub);
	mkdir(out, 0755);
}

static void test_drill_round_trip(void **state)
{
	(void)state;
	char dir[128], path[256];
	drill_dir("drill", dir, sizeof dir);
	struct drill_opts o = {.dir = dir, .mode = DRILL_PARTIAL};
	struct drill_result r;
	assert_int_equal(drill_ransomware(&o, &r), -LB_EPERM); /* no marker */
	snprintf(path, sizeof path, "%s/%s", dir, DRILL_MARKER);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	static unsigned char big[100000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i * 31 + i / 7);
	snprintf(path, sizeof path, "%s/big..report.dat", dir); /* ".." inside a name is a name */
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_int_equal(write(fd, big, sizeof big), (ssize_t)sizeof big);
	close(fd);
	for (int mode = 0; mode < 3; mode++) {
		o.mode = mode;
		o.ext = mode == DRILL_INPLACE ? ".locked" : NULL;
		assert_int_equal(drill_ransomware(&o, &r), 0);
		assert_int_equal(r.files, 1);
		assert_int_equal(drill_ransomware(&o, &r), -LB_EEXIST); /* not undone yet */
		assert_int_equal(drill_undo(dir, &r), 0);
		assert_int_equal(r.files, 1);
		struct buf b = {0};
		assert_int_equal(buf_read_file(&b, path, 1 << 20), 0);
		assert_int_equal(b.len, sizeof big);
		assert_memory_equal(b.data, big, sizeof big);
		buf_release(&b);
	}
	assert_int_equal(drill_undo(dir, &r), -LB_ENOTFOUND);
}

static void test_drill_damaged_state(void **state)
{
	(void)state;
	static const char *const bad[] = {
	        "lifeboat-drill 1\nmode inplace 4096 16\nkey zz\nfile 1 00 5 6161 \n",
	        "lifeboat-drill 1\nfile 1 00 5 6161 \n",
	        "lifeboat-drill 1\nmode inplace 4096 16\nkey "
	        "0000000000000000000000000000000000000000000000000000000000000000\n"
	        "file 1 000000000000000000000000000000000000000000000000 5 2e2e2f2e2e2f6574632f706173737764 \n",
	        "\n\n\nfile\nnote\nnote 2e2e2f78\nmode\nkey\n",
	        "",
	};
	char dir[128], path[256];
	drill_dir("damaged", dir, sizeof dir);
	snprintf(path, sizeof path, "%s/%s", dir, DRILL_MARKER);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, DRILL_STATE);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_int_equal(write(fd, bad[i], strlen(bad[i])), (ssize_t)strlen(bad[i]));
		close(fd);
		struct drill_result r;
		int rc = drill_undo(dir, &r);
		assert_int_equal(r.files, 0);
		(void)rc; /* an error, or nothing to do: never a crash, never a file outside */
		unlink(path);
	}
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/lb-test-watch.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	lb_log_set_level(LB_LOG_ERROR);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_map_against_reference),
	        cmocka_unit_test(test_map_cap),
	        cmocka_unit_test(test_ext),
	        cmocka_unit_test(test_feat),
	        cmocka_unit_test(test_drill_round_trip),
	        cmocka_unit_test(test_drill_damaged_state),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	lb_rmtree(tmpdir);
	return rc;
}
