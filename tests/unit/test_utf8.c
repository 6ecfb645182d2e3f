/*
 * test_utf8.c - strict UTF-8 (text/utf8.c): every length, and every way a sequence can be malformed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "text/text.h"

#define U(lit) (const unsigned char *)lit, sizeof(lit) - 1

static void test_decode_lengths(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int len;
		uint32_t cp;
	} ok[] = {
	        {"\x00", 1, 0x00},
	        {"A", 1, 'A'},
	        {"\x7f", 1, 0x7F},
	        {"\xc2\x80", 2, 0x80},
	        {"\xc3\xa9", 2, 0xE9},
	        {"\xdf\xbf", 2, 0x7FF},
	        {"\xe0\xa0\x80", 3, 0x800},
	        {"\xe4\xbd\x90", 3, 0x4F50}, /* 佐 */
	        {"\xed\x9f\xbf", 3, 0xD7FF},
	        {"\xee\x80\x80", 3, 0xE000},
	        {"\xef\xbf\xbd", 3, 0xFFFD},
	        {"\xef\xbf\xbf", 3, 0xFFFF},
	        {"\xf0\x90\x80\x80", 4, 0x10000},
	        {"\xf0\x9f\x98\x80", 4, 0x1F600},
	        {"\xf4\x8f\xbf\xbf", 4, 0x10FFFF},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(ok); i++) {
		uint32_t cp = 0;
		size_t n = ok[i].len; /* strlen would stop at the NUL of the first case */
		assert_int_equal(utf8_decode((const unsigned char *)ok[i].s, n, &cp), ok[i].len);
		assert_int_equal(cp, ok[i].cp);
		/* Trailing bytes after the sequence do not matter. */
		unsigned char more[8] = {0};
		memcpy(more, ok[i].s, n);
		more[n] = 'x';
		assert_int_equal(utf8_decode(more, n + 1, &cp), ok[i].len);
		/* Encoding gives the same bytes back. */
		unsigned char out[4];
		assert_int_equal(utf8_encode(ok[i].cp, out), ok[i].len);
		assert_memory_equal(out, ok[i].s, n);
	}
}

static void bad(const unsigned char *s, size_t n)
{
	uint32_t cp = 0;
	assert_int_equal(utf8_decode(s, n, &cp), -1);
	assert_int_equal(cp, TEXT_REPLACEMENT);
	assert_int_equal(utf8_valid((const char *)s, n), 0);
}

static void test_decode_malformed(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(utf8_decode((const unsigned char *)"", 0, &cp), -1); /* nothing */
	assert_int_equal(cp, TEXT_REPLACEMENT);
	/* Continuation bytes alone, bytes never used. */
	bad(U("\x80"));
	bad(U("\xbf"));
	bad(U("\xfe"));
	bad(U("\xff"));
	/* Overlongs: C0/C1 leads, 3- and 4-byte forms of small values. */
	bad(U("\xc0\x80"));
	bad(U("\xc0\xaf"));
	bad(U("\xc1\xbf"));
	bad(U("\xe0\x80\xaf"));
	bad(U("\xe0\x9f\xbf"));
	bad(U("\xf0\x80\x80\xaf"));
	bad(U("\xf0\x8f\xbf\xbf"));
	/* Surrogates (CESU-8 halves). */
	bad(U("\xed\xa0\x80"));
	bad(U("\xed\xbf\xbf"));
	bad(U("\xed\xa0\xbd\xed\xb8\x80"));
	/* Above U+10FFFF, and 5- and 6-byte forms. */
	bad(U("\xf4\x90\x80\x80"));
	bad(U("\xf5\x80\x80\x80"));
	bad(U("\xf7\xbf\xbf\xbf"));
	bad(U("\xf8\x88\x80\x80\x80"));
	bad(U("\xfc\x84\x80\x80\x80\x80"));
	/* Truncated at every point. */
	bad(U("\xc3"));
	bad(U("\xe4\xbd"));
	bad(U("\xe4"));
	bad(U("\xf0\x9f\x98"));
	bad(U("\xf0\x9f"));
	/* A lead followed by something that is no continuation. */
	bad(U("\xc3"
	      "A"));
	bad(U("\xe4\xbd"
	      "A"));
	bad(U("\xf0\x9f\x98"
	      "A"));
	bad(U("\xe4\xc3\xa9"));
	/* The length given is what counts, not a NUL. */
	assert_int_equal(utf8_decode((const unsigned char *)"\xe4\xbd\x90", 2, &cp), -1);
}

static void test_encode_invalid(void **state)
{
	(void)state;
	unsigned char out[4];
	static const uint32_t invalid[] = {0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x110000, 0x7FFFFFFF, 0xFFFFFFFF};
	for (size_t i = 0; i < LB_ARRAY_LEN(invalid); i++) {
		assert_int_equal(utf8_encode(invalid[i], out), 3);
		assert_memory_equal(out, "\xef\xbf\xbd", 3);
	}
	/* Every valid code point round-trips (all 1.1 million of them: a few milliseconds). */
	for (uint32_t c = 0; c <= 0x10FFFF; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		uint32_t back;
		int n = utf8_encode(c, out);
		if (utf8_decode(out, (size_t)n, &back) != n || back != c)
			fail_msg("U+%04X does not round-trip", c);
	}
}

static void test_valid_and_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_valid("", 0), 1);
	assert_int_equal(utf8_valid("plain", 5), 1);
	assert_int_equal(utf8_valid("佐藤花子 😀", strlen("佐藤花子 😀")), 1);
	assert_int_equal(utf8_valid("a\0b", 3), 1); /* NUL is a character */
	assert_int_equal(utf8_valid("ok\xff", 3), 0);
	assert_int_equal(utf8_valid("ok\xff", 2), 1); /* only the first n bytes */
	assert_int_equal(utf8_valid("佐", 2), 0);     /* cut in the middle */

	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("佐藤花子", strlen("佐藤花子")), 4);
	assert_int_equal(utf8_count("a😀é", strlen("a😀é")), 3);
	/* Each invalid byte counts as one. */
	assert_int_equal(utf8_count("a\xff\xfe"
	                            "b",
	                            4),
	                 4);
	assert_int_equal(utf8_count("\xe4\xbd", 2), 2);
	assert_int_equal(utf8_count("\xed\xa0\x80", 3), 3);
}

static void sanitize_is(const char *in, size_t n, const char *want, size_t want_replaced)
{
	struct buf b = {0};
	assert_int_equal(utf8_sanitize(&b, in, n), want_replaced);
	assert_string_equal(buf_cstr(&b), want);
	assert_true(utf8_valid(buf_cstr(&b), b.len));
	buf_release(&b);
}

static void test_sanitize(void **state)
{
	(void)state;
	sanitize_is("", 0, "", 0);
	sanitize_is("佐藤 ok", strlen("佐藤 ok"), "佐藤 ok", 0);
	sanitize_is("a\xff"
	            "b",
	            3,
	            "a\xef\xbf\xbd"
	            "b",
	            1);
	/* Each byte of a bad sequence is replaced on its own. */
	sanitize_is("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3);
	sanitize_is("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2);
	/* A truncated sequence at the end, and before valid text. */
	sanitize_is("佐\xe8\x97", strlen("佐\xe8\x97"), "佐\xef\xbf\xbd\xef\xbf\xbd", 2);
	sanitize_is("\xe8\x97"
	            "佐",
	            strlen("\xe8\x97"
	                   "佐"),
	            "\xef\xbf\xbd\xef\xbf\xbd佐", 2);
	/* Shift_JIS bytes read as UTF-8. */
	sanitize_is("\x8d\xb2\x93\xa1", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4);
	/* Appends to the buffer's contents. */
	struct buf b = {0};
	buf_adds(&b, "x=");
	utf8_sanitize(&b, "\xff", 1);
	assert_string_equal(b.data, "x=\xef\xbf\xbd");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decode_lengths), cmocka_unit_test(test_decode_malformed),
	        cmocka_unit_test(test_encode_invalid), cmocka_unit_test(test_valid_and_count),
	        cmocka_unit_test(test_sanitize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
