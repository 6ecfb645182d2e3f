/*
 * test_buf.c - the growable buffer and string builder (core/buf.c) and the memory helpers (core/mem.c): the
 * invariants of struct buf (zeroed is empty, NUL-terminated, never NULL after detach), the size cap that leaves
 * the buffer unchanged, UTF-8 appends, and reading files and descriptors under a cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

/* struct buf's invariants, checked after every operation. */
static void sane(const struct buf *b)
{
	if (!b->data) {
		assert_int_equal(b->len, 0);
		assert_int_equal(b->cap, 0);
		assert_string_equal(buf_cstr(b), "");
		return;
	}
	assert_true(b->len < b->cap);
	assert_int_equal(b->data[b->len], '\0');
	if (b->max)
		assert_true(b->len <= b->max);
}

static void test_zeroed_and_empty(void **state)
{
	(void)state;
	struct buf b = {0};
	sane(&b);
	assert_string_equal(buf_cstr(&b), "");
	/* Operations on a buffer that never allocated. */
	buf_truncate(&b, 0);
	buf_reset(&b);
	sane(&b);
	buf_release(&b);
	buf_wipe(&b);
	sane(&b);
	/* Adding nothing still gives a C string. */
	assert_int_equal(buf_add(&b, "", 0), 0);
	sane(&b);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_release(&b);
	assert_null(b.data);
	/* Empty string builders. */
	assert_int_equal(buf_adds(&b, ""), 0);
	assert_int_equal(buf_addf(&b, "%s", ""), 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_release(&b);
}

static void test_appends(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_int_equal(buf_add(&b, "ab", 2), 0);
	assert_int_equal(buf_adds(&b, "cd"), 0);
	assert_int_equal(buf_addch(&b, 'e'), 0);
	assert_int_equal(buf_addf(&b, "-%d-%s-%05.1f", 42, "x", 3.14159), 0);
	sane(&b);
	assert_string_equal(b.data, "abcde-42-x-003.1");
	assert_int_equal(b.len, strlen("abcde-42-x-003.1"));
	/* Bytes with NULs and high bits are kept as they are. */
	buf_reset(&b);
	assert_int_equal(buf_add(&b, "a\0b\xff", 4), 0);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "a\0b\xff", 5);
	assert_int_equal(buf_addch(&b, 0), 0);
	assert_int_equal(b.len, 5);
	assert_int_equal(buf_addch(&b, 0x1FF), 0); /* only the low byte */
	assert_int_equal((unsigned char)b.data[5], 0xFF);
	sane(&b);
	buf_release(&b);
}

static void test_addf_long(void **state)
{
	(void)state;
	/* Longer than buf_vaddf's stack buffer, appended after existing contents. */
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct buf b = {0};
	buf_adds(&b, "head:");
	assert_int_equal(buf_addf(&b, "%s|%d", big, 7), 0);
	sane(&b);
	assert_int_equal(b.len, 5 + 999 + 2);
	assert_memory_equal(b.data + 5, big, 999);
	assert_string_equal(b.data + 5 + 999, "|7");
	/* Exactly around the 256-byte boundary. */
	for (int n = 250; n < 262; n++) {
		buf_reset(&b);
		assert_int_equal(buf_addf(&b, "%.*s", n, big), 0);
		assert_int_equal(b.len, (size_t)n);
		sane(&b);
	}
	buf_release(&b);
}

static void test_growth(void **state)
{
	(void)state;
	struct buf b = {0};
	for (int i = 0; i < 100000; i++) {
		assert_int_equal(buf_addch(&b, 'a' + i % 26), 0);
		if (i % 9973 == 0)
			sane(&b);
	}
	sane(&b);
	assert_int_equal(b.len, 100000);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	/* buf_grow makes room without changing the contents. */
	size_t len = b.len;
	assert_int_equal(buf_grow(&b, 1 << 20), 0);
	assert_true(b.cap >= len + (1 << 20) + 1);
	assert_int_equal(b.len, len);
	sane(&b);
	/* A size that would overflow fails without touching the buffer. */
	assert_int_equal(buf_grow(&b, SIZE_MAX - 2), -LB_ETOOBIG);
	assert_int_equal(b.len, len);
	sane(&b);
	buf_release(&b);
}

static void test_max_cap(void **state)
{
	(void)state;
	struct buf b = {.max = 8};
	assert_int_equal(buf_adds(&b, "12345"), 0);
	/* Over the cap: fails, buffer unchanged, message set. */
	assert_int_equal(buf_adds(&b, "6789"), -LB_ETOOBIG);
	assert_string_equal(b.data, "12345");
	assert_non_null(strstr(lb_errmsg(), "8"));
	assert_int_equal(buf_addf(&b, "%s", "abcd"), -LB_ETOOBIG);
	assert_string_equal(b.data, "12345");
	/* A long formatted string over the cap. */
	char big[400];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(buf_addf(&b, "%s", big), -LB_ETOOBIG);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_add_utf8(&b, 0x4F50), 0); /* 3 bytes: exactly 8 */
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_addch(&b, 'z'), -LB_ETOOBIG);
	assert_int_equal(buf_add_utf8(&b, 'z'), -LB_ETOOBIG);
	assert_int_equal(b.len, 8);
	/* Adding nothing at the cap is fine. */
	assert_int_equal(buf_add(&b, "", 0), 0);
	sane(&b);
	/* After a reset the room is back. */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "abcdefgh"), 0);
	sane(&b);
	buf_release(&b);
	/* A first append over the cap leaves a never-allocated buffer. */
	struct buf c = {.max = 2};
	assert_int_equal(buf_adds(&c, "abc"), -LB_ETOOBIG);
	sane(&c);
	buf_release(&c);
}

static void utf8_is(uint32_t cp, const char *want)
{
	struct buf b = {0};
	assert_int_equal(buf_add_utf8(&b, cp), 0);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	sane(&b);
	buf_release(&b);
}

static void test_add_utf8(void **state)
{
	(void)state;
	utf8_is('A', "A");
	utf8_is(0x7F, "\x7f");
	utf8_is(0x80, "\xc2\x80");
	utf8_is(0x7FF, "\xdf\xbf");
	utf8_is(0x800, "\xe0\xa0\x80");
	utf8_is(0x4F50, "佐");
	utf8_is(0xD7FF, "\xed\x9f\xbf");
	utf8_is(0xE000, "\xee\x80\x80");
	utf8_is(0xFFFF, "\xef\xbf\xbf");
	utf8_is(0x10000, "\xf0\x90\x80\x80");
	utf8_is(0x1F600, "😀");
	utf8_is(0x10FFFF, "\xf4\x8f\xbf\xbf");
	/* Surrogates and values past Unicode become U+FFFD. */
	utf8_is(0xD800, "\xef\xbf\xbd");
	utf8_is(0xDBFF, "\xef\xbf\xbd");
	utf8_is(0xDC00, "\xef\xbf\xbd");
	utf8_is(0xDFFF, "\xef\xbf\xbd");
	utf8_is(0x110000, "\xef\xbf\xbd");
	utf8_is(0xFFFFFFFF, "\xef\xbf\xbd");
	/* NUL is one byte and counted in len. */
	struct buf b = {0};
	assert_int_equal(buf_add_utf8(&b, 0), 0);
	assert_int_equal(b.len, 1);
	buf_release(&b);
}

static void test_truncate_reset_detach_wipe(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_adds(&b, "hello world");
	buf_truncate(&b, 5);
	assert_string_equal(b.data, "hello");
	sane(&b);
	buf_truncate(&b, 99); /* longer than len: nothing */
	assert_string_equal(b.data, "hello");
	size_t cap = b.cap;
	buf_reset(&b);
	assert_string_equal(b.data, "");
	assert_int_equal(b.cap, cap); /* memory kept for reuse */
	sane(&b);
	buf_adds(&b, "again");
	size_t len = 0;
	char *p = buf_detach(&b, &len);
	assert_string_equal(p, "again");
	assert_int_equal(len, 5);
	sane(&b);
	assert_null(b.data);
	free(p);
	/* Detach of a never-allocated buffer: "" that the caller frees. */
	p = buf_detach(&b, NULL);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
	sane(&b);
	/* The buffer is reusable after detach and release. */
	buf_adds(&b, "x");
	assert_string_equal(b.data, "x");
	/* Wipe: released and empty. */
	buf_adds(&b, "secret");
	buf_wipe(&b);
	sane(&b);
	assert_null(b.data);
	buf_adds(&b, "y");
	assert_string_equal(b.data, "y");
	buf_release(&b);
}

static void test_mem(void **state)
{
	(void)state;
	char *p = lb_malloc(0);
	assert_non_null(p);
	free(p);
	int *z = lb_calloc(16, sizeof(int));
	for (int i = 0; i < 16; i++)
		assert_int_equal(z[i], 0);
	z = lb_reallocarray(z, 32, sizeof(int));
	z[31] = 1;
	free(z);
	p = lb_strdup("abc");
	assert_string_equal(p, "abc");
	free(p);
	p = lb_strndup("abcdef", 3);
	assert_string_equal(p, "abc");
	free(p);
	p = lb_strndup("ab", 10);
	assert_string_equal(p, "ab");
	free(p);
	char secret[8] = "pass";
	lb_wipe(secret, sizeof(secret));
	for (size_t i = 0; i < sizeof(secret); i++)
		assert_int_equal(secret[i], 0);
	lb_wipe(NULL, 10); /* nothing to wipe */
}

/* A temporary file with the given contents; returns its path (static storage). */
static const char *tmpfile_with(const char *data, size_t n)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/lb-test-buf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return path;
}

static void test_read_file(void **state)
{
	(void)state;
	struct buf b = {0};
	const char *path = tmpfile_with("line 1\nline 2\n\0end", 18);
	assert_int_equal(buf_read_file(&b, path, 1 << 20), 0);
	assert_int_equal(b.len, 18);
	assert_memory_equal(b.data, "line 1\nline 2\n\0end", 18);
	sane(&b);
	/* Exactly at the cap is fine; one byte over fails and leaves the buffer as it was. */
	buf_reset(&b);
	assert_int_equal(buf_read_file(&b, path, 18), 0);
	assert_int_equal(b.len, 18);
	buf_reset(&b);
	buf_adds(&b, "keep");
	assert_int_equal(buf_read_file(&b, path, 17), -LB_ETOOBIG);
	assert_string_equal(b.data, "keep");
	assert_non_null(strstr(lb_errmsg(), path));
	/* Appends to what the buffer holds. */
	assert_int_equal(buf_read_file(&b, path, 100), 0);
	assert_int_equal(b.len, 4 + 18);
	assert_memory_equal(b.data, "keepline 1", 10);
	unlink(path);
	/* A missing file: not found, with the path in the message. */
	buf_reset(&b);
	assert_int_equal(buf_read_file(&b, path, 100), -LB_ENOTFOUND);
	assert_non_null(strstr(lb_errmsg(), path));
	/* An empty file: empty buffer. */
	path = tmpfile_with("", 0);
	assert_int_equal(buf_read_file(&b, path, 100), 0);
	assert_int_equal(b.len, 0);
	sane(&b);
	/* Cap 0 accepts only the empty file. */
	assert_int_equal(buf_read_file(&b, path, 0), 0);
	unlink(path);
	path = tmpfile_with("x", 1);
	assert_int_equal(buf_read_file(&b, path, 0), -LB_ETOOBIG);
	unlink(path);
	/* A folder is no file. */
	assert_true(buf_read_file(&b, "/", 100) < 0);
	buf_release(&b);
}

static void test_read_big_and_capped_buffer(void **state)
{
	(void)state;
	/* Larger than one read (64 KiB) */
	size_t n = 200000;
	char *data = lb_malloc(n);
	for (size_t i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	const char *path = tmpfile_with(data, n);
	struct buf b = {0};
	assert_int_equal(buf_read_file(&b, path, n), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, data, n);
	buf_reset(&b);
	assert_int_equal(buf_read_file(&b, path, n - 1), -LB_ETOOBIG);
	assert_int_equal(b.len, 0);
	buf_release(&b);
	/* A buffer with its own max reads a small file (the cap is on what is read, not on the read size). */
	struct buf c = {.max = 100};
	unlink(path);
	path = tmpfile_with("small", 5);
	assert_int_equal(buf_read_file(&c, path, 1 << 20), 0);
	assert_string_equal(c.data, "small");
	buf_release(&c);
	/* ... and fails on a file over its max. */
	c.max = 3;
	assert_int_equal(buf_read_file(&c, path, 1 << 20), -LB_ETOOBIG);
	assert_int_equal(c.len, 0);
	buf_release(&c);
	unlink(path);
	free(data);
}

static void test_read_fd_pipe(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "piped", 5), 5);
	close(fds[1]);
	struct buf b = {0};
	assert_int_equal(buf_read_fd(&b, fds[0], 100), 0);
	assert_string_equal(b.data, "piped");
	close(fds[0]);
	/* A closed descriptor: an i/o error, nothing appended. */
	buf_reset(&b);
	assert_int_equal(buf_read_fd(&b, fds[0], 100), -LB_EIO);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

/* A table cell padded to the columns a terminal shows: Japanese takes two a character, half-width kana one. */
static void test_text_cols(void **state)
{
	(void)state;
	assert_int_equal(lb_text_cols(""), 0);
	assert_int_equal(lb_text_cols("clean"), 5);
	assert_int_equal(lb_text_cols("きれい"), 6);
	assert_int_equal(lb_text_cols("未判定"), 6);
	assert_int_equal(lb_text_cols("ＡＢ"), 4);           /* full-width letters */
	assert_int_equal(lb_text_cols("ｱｲ"), 2);             /* half-width kana */
	assert_int_equal(lb_text_cols("が"), 2);             /* precomposed */
	assert_int_equal(lb_text_cols("か\xe3\x82\x99"), 2); /* か + combining dakuten */
	assert_int_equal(lb_text_cols("\xff"), 1);           /* a malformed byte is one column of its own */
	struct buf b = {0};
	assert_int_equal(buf_add_cols(&b, "疑い", 12), 0);
	assert_int_equal(b.len, strlen("疑い") + 8);
	assert_int_equal(lb_text_cols(b.data), 12);
	buf_reset(&b);
	assert_int_equal(buf_add_cols(&b, "unreviewed-long", 5), 0); /* longer than its cell: whole */
	assert_string_equal(b.data, "unreviewed-long");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_zeroed_and_empty),
	        cmocka_unit_test(test_appends),
	        cmocka_unit_test(test_addf_long),
	        cmocka_unit_test(test_growth),
	        cmocka_unit_test(test_max_cap),
	        cmocka_unit_test(test_add_utf8),
	        cmocka_unit_test(test_truncate_reset_detach_wipe),
	        cmocka_unit_test(test_mem),
	        cmocka_unit_test(test_read_file),
	        cmocka_unit_test(test_read_big_and_capped_buffer),
	        cmocka_unit_test(test_read_fd_pipe),
	        cmocka_unit_test(test_text_cols),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
