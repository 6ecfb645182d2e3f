/*
 * test_jis.c - ISO-2022-JP, CP932 and EUC-JP decoding (text/jis.c): JIS X 0208 text, half-width katakana, the CP932
 * extensions real SS-MIX2 feeds carry, JIS X 0212, broken escape sequences and truncated characters, the report of
 * what could not be mapped, encoding guesses and names, and the encoders' round trips.
 *
 * Expected bytes were checked against glibc iconv: printf '佐藤花子' | iconv -t ISO-2022-JP | xxd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "text/text.h"

#define S(lit) lit, sizeof(lit) - 1
#define ESC "\x1b"
#define TO_X0208 ESC "$B"
#define TO_ASCII ESC "(B"

/* Decode with enc and compare with want; returns the failure count and leaves the report in *r. */
static size_t dec(enum text_encoding enc, const char *in, size_t n, const char *want, struct text_report *r)
{
	struct buf out = {0};
	memset(r, 0, sizeof(*r));
	size_t bad = text_decode(enc, &out, in, n, r);
	assert_string_equal(buf_cstr(&out), want);
	assert_true(utf8_valid(out.data ? out.data : "", out.len));
	assert_int_equal(bad, r->bad_count);
	buf_release(&out);
	return bad;
}

static size_t iso(const char *in, size_t n, const char *want, struct text_report *r)
{
	return dec(TEXT_ENC_ISO2022JP, in, n, want, r);
}

/* ---- ISO-2022-JP: the standard part ---------------------------------------------------------------------- */

static void test_iso_x0208_name(void **state)
{
	(void)state;
	struct text_report r;
	assert_int_equal(iso(S(TO_X0208 "\x3a\x34\x46\x23\x32\x56\x3b\x52" TO_ASCII), "佐藤花子", &r), 0);
	assert_int_equal(r.escapes, 2);
	assert_int_equal(r.nonstandard, 0);
	/* An HL7 name field: ASCII separators around kanji and katakana, both representations. */
	assert_int_equal(iso(S("PID|1||123^^^^PI||" TO_X0208 "\x3a\x34\x46\x23" TO_ASCII "^" TO_X0208
	                       "\x32\x56\x3b\x52" TO_ASCII "^^^^^L^I~" TO_X0208 "\x25\x35\x25\x48\x25\x26" TO_ASCII
	                       "^" TO_X0208 "\x25\x4f\x25\x4a\x25\x33" TO_ASCII "^^^^^L^P|\r"),
	                     "PID|1||123^^^^PI||佐藤^花子^^^^^L^I~サトウ^ハナコ^^^^^L^P|\r", &r),
	                 0);
	assert_int_equal(r.nonstandard, 0);
}

static void test_iso_kana_and_symbols(void **state)
{
	(void)state;
	struct text_report r;
	/* Hiragana row 4, katakana row 5, the ideographic space, 〒 and the long mark. */
	iso(S(TO_X0208 "\x24\x22\x24\x73\x21\x21\x25\x22\x21\x3c\x22\x29" TO_ASCII), "あん　アー〒", &r);
	assert_int_equal(r.bad_count, 0);
	/* ESC $ @ (JIS C 6226-1978) reads as JIS X 0208 too. */
	iso(S(ESC "$@\x30\x21" TO_ASCII), "亜", &r);
	assert_int_equal(r.bad_count, 0);
	/* ESC & @ ESC $ B: the JIS X 0208-1990 announcer. */
	iso(S(ESC "&@" ESC "$B\x30\x21" TO_ASCII "x"), "亜x", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.escapes, 3);
}

static void test_iso_ascii_roman(void **state)
{
	(void)state;
	struct text_report r;
	iso(S("plain ascii\r\n"), "plain ascii\r\n", &r);
	assert_int_equal(r.escapes, 0);
	/* JIS-Roman keeps \ and ~ as ASCII, as every Japanese system does. */
	iso(S(ESC "(J"
	          "a\\b~c" TO_ASCII),
	    "a\\b~c", &r);
	assert_int_equal(r.bad_count, 0);
	/* Controls pass through; DEL too. */
	iso(S("a\tb\x7f"
	      "c"),
	    "a\tb\x7f"
	    "c",
	    &r);
	/* Empty input, empty output. */
	iso(S(""), "", &r);
	assert_int_equal(r.bad_count, 0);
	/* NUL bytes survive (the output length counts them). */
	struct buf out = {0};
	assert_int_equal(text_decode_iso2022jp(&out, "a\0b", 3, NULL), 0);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.data, "a\0b", 3);
	buf_release(&out);
}

/* ---- half-width katakana ----------------------------------------------------------------------------------- */

static void test_iso_halfwidth_kana(void **state)
{
	(void)state;
	struct text_report r;
	/* ESC ( I: JIS X 0201 katakana, 0x21..0x5F → U+FF61..U+FF9F. */
	iso(S(ESC "(I"
	          "\x3b\x44\x33\x5e" TO_ASCII "1"),
	    "ｻﾄｳﾞ1", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.nonstandard, 5); /* the escape and four kana */
	/* SO / SI shift into katakana and back without an escape. */
	iso(S("a\x0e\x31\x32\x0f"
	      "b"),
	    "aｱｲb", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.nonstandard, 2);
	/* Bytes 0x60..0x7E have no katakana. */
	iso(S(ESC "(I"
	          "\x31\x60" TO_ASCII),
	    "ｱ\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_UNMAPPED);
	assert_int_equal(r.bad[0].offset, 4);
	/* 8-bit JIS X 0201 kana in the stream (0xA1..0xDF): decoded, counted as nonstandard. */
	iso(S("\xb1\xb2"), "ｱｲ", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.nonstandard, 2);
}

/* ---- beyond the standard: CP932 extensions, JIS X 0212, raw Shift_JIS ------------------------------------- */

static void test_iso_cp932_extensions(void **state)
{
	(void)state;
	struct text_report r;
	/* NEC row 13: ① 0x2D21, ㈱ 0x2D6A, ㍻ 0x2D5F. */
	iso(S(TO_X0208 "\x2d\x21\x2d\x6a\x2d\x5f" TO_ASCII), "①㈱㍻", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.nonstandard, 3);
	/* NEC-selected IBM extension: 髙 is CP932 0xEEE0, JIS 0x7C62. */
	iso(S(TO_X0208 "\x7c\x62" TO_ASCII), "髙", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.nonstandard, 1);
	/* CP932's readings of 0x2141 and 0x215D: fullwidth tilde and hyphen-minus (glibc's ISO-2022-JP gives
	 * U+301C and U+2212; Windows wrote them, Windows' reading is kept). */
	iso(S(TO_X0208 "\x21\x41\x21\x5d" TO_ASCII), "～－", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.nonstandard, 0);
}

static void test_iso_x0212(void **state)
{
	(void)state;
	struct text_report r;
	/* JIS X 0212 0x3021 is 丂 (EUC-JP 8F B0 A1). */
	iso(S(ESC "$(D"
	          "\x30\x21" TO_ASCII),
	    "丂", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.nonstandard, 2); /* the escape and the character */
	/* An unassigned JIS X 0212 code (row 1). */
	iso(S(ESC "$(D"
	          "\x21\x21" TO_ASCII),
	    "\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_UNMAPPED);
	assert_int_equal(r.bad[0].len, 2);
	assert_int_equal(r.bad[0].offset, 4);
}

static void test_iso_raw_sjis(void **state)
{
	(void)state;
	struct text_report r;
	/* Raw Shift_JIS inside an ISO-2022-JP stream: 佐藤 (0x8DB2 0x93A1) and ① (0x8740). */
	iso(S("A\x8d\xb2\x93\xa1\x87\x40"
	      "B"),
	    "A佐藤①B", &r);
	assert_int_equal(r.bad_count, 0);
	assert_int_equal(r.nonstandard, 3);
	/* 8-bit bytes that form nothing: each reported as TEXT_BAD_8BIT. */
	iso(S("x\x80\xff"), "x\xEF\xBF\xBD\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 2);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_8BIT);
	assert_int_equal(r.bad[0].offset, 1);
	assert_int_equal(r.bad[0].bytes[0], 0x80);
	assert_int_equal(r.bad[1].offset, 2);
	/* A Shift_JIS lead byte at the very end. */
	iso(S("x\x8d"), "x\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_8BIT);
}

/* ---- broken input -------------------------------------------------------------------------------------------- */

static void test_iso_broken_escapes(void **state)
{
	(void)state;
	struct text_report r;
	/* An unknown designation ESC $ Z: reported, the whole sequence skipped, the mode kept. */
	iso(S("a" ESC "$Z"
	      "b"),
	    "a\xEF\xBF\xBD"
	    "b",
	    &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_ESCAPE);
	assert_int_equal(r.bad[0].offset, 1);
	assert_int_equal(r.bad[0].len, 3);
	assert_memory_equal(r.bad[0].bytes, ESC "$Z", 3);
	assert_int_equal(r.escapes, 1);
	/* ESC at the end of input. */
	iso(S("ab" ESC), "ab\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_ESCAPE);
	assert_int_equal(r.bad[0].offset, 2);
	assert_int_equal(r.bad[0].len, 1);
	/* A designation cut short at the end: ESC $ and ESC $ (. */
	iso(S("a" ESC "$"), "a\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].len, 2);
	iso(S("a" ESC "$("), "a\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].len, 3);
	/* ESC followed by a control byte: ESC alone is reported, the control passes. */
	iso(S("a" ESC "\r"
	      "b"),
	    "a\xEF\xBF\xBD\rb", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].len, 1);
	/* A broken escape inside kanji keeps the two-byte mode. */
	iso(S(TO_X0208 "\x30\x21" ESC "$Z"
	               "\x30\x21" TO_ASCII),
	    "亜\xEF\xBF\xBD亜", &r);
	assert_int_equal(r.bad_count, 1);
	/* A long run of intermediate bytes: the report keeps at most four bytes of it. */
	iso(S("a" ESC "$$$$$$$$Z"
	      "b"),
	    "a\xEF\xBF\xBD"
	    "b",
	    &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].len, 4);
}

static void test_iso_truncated_two_byte(void **state)
{
	(void)state;
	struct text_report r;
	/* A kanji cut by CR: the half is reported, CR passes, the mode stays two-byte. */
	iso(S(TO_X0208 "\x30\x21\x30\r\x30\x21" TO_ASCII), "亜\xEF\xBF\xBD\r亜", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_TRUNCATED);
	assert_int_equal(r.bad[0].offset, 5);
	assert_int_equal(r.bad[0].len, 1);
	assert_int_equal(r.bad[0].bytes[0], 0x30);
	/* Cut by the end of the input. */
	iso(S(TO_X0208 "\x30\x21\x30"), "亜\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_TRUNCATED);
	assert_int_equal(r.bad[0].offset, 5);
	/* Cut by an escape sequence: the half is reported, the escape still works. */
	iso(S(TO_X0208 "\x30" TO_ASCII "a"),
	    "\xEF\xBF\xBD"
	    "a",
	    &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_TRUNCATED);
	/* A file that never returns to ASCII still decodes. */
	iso(S(TO_X0208 "\x30\x21"), "亜", &r);
	assert_int_equal(r.bad_count, 0);
}

static void test_iso_unmapped(void **state)
{
	(void)state;
	struct text_report r;
	/* Rows 93 and 94 (外字 in some systems), row 9 (unassigned in JIS X 0208 and CP932), row 2 cell 15. */
	iso(S(TO_X0208 "\x7d\x21\x7e\x7e\x29\x21\x22\x2f\x30\x21" TO_ASCII),
	    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD亜", &r);
	assert_int_equal(r.bad_count, 4);
	static const size_t offsets[] = {3, 5, 7, 9};
	static const unsigned char bytes[][2] = {{0x7d, 0x21}, {0x7e, 0x7e}, {0x29, 0x21}, {0x22, 0x2f}};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(r.bad[i].kind, TEXT_BAD_UNMAPPED);
		assert_int_equal(r.bad[i].offset, offsets[i]);
		assert_int_equal(r.bad[i].len, 2);
		assert_memory_equal(r.bad[i].bytes, bytes[i], 2);
	}
}

static void test_iso_report_keeps_first(void **state)
{
	(void)state;
	struct buf in = {0}, out = {0};
	buf_adds(&in, TO_X0208);
	for (int i = 0; i < 40; i++)
		buf_add(&in, "\x7e\x21", 2);
	buf_adds(&in, TO_ASCII);
	struct text_report r = {0};
	assert_int_equal(text_decode_iso2022jp(&out, in.data, in.len, &r), 40);
	assert_int_equal(r.bad_count, 40);
	assert_int_equal(utf8_count(out.data, out.len), 40);
	for (size_t i = 0; i < TEXT_REPORT_KEEP; i++)
		assert_int_equal(r.bad[i].offset, 3 + 2 * i);
	/* A report passed again accumulates. */
	buf_reset(&out);
	assert_int_equal(text_decode_iso2022jp(&out, in.data, in.len, &r), 40);
	assert_int_equal(r.bad_count, 80);
	/* Without a report the count is still returned. */
	buf_reset(&out);
	assert_int_equal(text_decode_iso2022jp(&out, in.data, in.len, NULL), 40);
	buf_release(&in);
	buf_release(&out);
}

static void test_iso_appends(void **state)
{
	(void)state;
	struct buf out = {0};
	buf_adds(&out, "name=");
	text_decode_iso2022jp(&out, S(TO_X0208 "\x30\x21" TO_ASCII), NULL);
	assert_string_equal(out.data, "name=亜");
	buf_release(&out);
}

/* ---- CP932 and EUC-JP ---------------------------------------------------------------------------------------- */

static void test_cp932(void **state)
{
	(void)state;
	struct text_report r;
	assert_int_equal(
	        dec(TEXT_ENC_CP932, S("\x8d\xb2\x93\xa1\x89\xd4\x8e\x71,\xbb\xc4\xb3\xde"), "佐藤花子,ｻﾄｳﾞ", &r), 0);
	/* NEC row 13, NEC-selected IBM and IBM extensions, the CP932 tilde. */
	dec(TEXT_ENC_CP932, S("\x87\x40\x87\x8a\xee\xe0\xfb\xfc\xfa\xb1\x81\x60"), "①㈱髙髙﨑～", &r);
	assert_int_equal(r.bad_count, 0);
	/* The user-defined area (外字) 0xF040: reported with both bytes. */
	dec(TEXT_ENC_CP932,
	    S("a\xf0\x40"
	      "b"),
	    "a\xEF\xBF\xBD"
	    "b",
	    &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_UNMAPPED);
	assert_int_equal(r.bad[0].offset, 1);
	assert_int_equal(r.bad[0].len, 2);
	assert_memory_equal(r.bad[0].bytes, "\xf0\x40", 2);
	/* A lead byte at the end or before a byte that is no trail byte. */
	dec(TEXT_ENC_CP932, S("a\x8d"), "a\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_TRUNCATED);
	dec(TEXT_ENC_CP932, S("\x8d\r\n"), "\xEF\xBF\xBD\r\n", &r);
	assert_int_equal(r.bad_count, 1);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_TRUNCATED);
	/* 0x7F is no trail byte. */
	dec(TEXT_ENC_CP932, S("\x8d\x7f"), "\xEF\xBF\xBD\x7f", &r);
	/* Bytes that are never lead bytes. */
	dec(TEXT_ENC_CP932, S("\x80\xa0\xfd\xfe\xff"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
	    &r);
	assert_int_equal(r.bad_count, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(r.bad[i].kind, TEXT_BAD_8BIT);
		assert_int_equal(r.bad[i].offset, i);
	}
	/* Unassigned pair (row 9 in CP932 is empty). */
	dec(TEXT_ENC_CP932, S("\x85\x40"), "\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_UNMAPPED);
}

static void test_eucjp(void **state)
{
	(void)state;
	struct text_report r;
	assert_int_equal(dec(TEXT_ENC_EUCJP, S("\xba\xb4\xc6\xa3 \xa5\xab\xa5\xca"), "佐藤 カナ", &r), 0);
	/* SS2 half-width kana, SS3 JIS X 0212. */
	assert_int_equal(dec(TEXT_ENC_EUCJP, S("\x8e\xb1\x8e\xb2\x8f\xb0\xa1"), "ｱｲ丂", &r), 0);
	/* SS2 and SS3 with nothing valid after them. */
	dec(TEXT_ENC_EUCJP,
	    S("\x8e"
	      "a\x8f\xb0"),
	    "\xEF\xBF\xBD"
	    "a\xEF\xBF\xBD\xEF\xBF\xBD",
	    &r);
	assert_int_equal(r.bad_count, 3);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_8BIT);
	assert_int_equal(r.bad[0].offset, 0);
	assert_int_equal(r.bad[1].offset, 2);
	/* A lead byte at the end. */
	dec(TEXT_ENC_EUCJP, S("a\xba"), "a\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 1);
	/* Unmapped two-byte (row 94) and three-byte (JIS X 0212 row 1) codes: reported whole. */
	dec(TEXT_ENC_EUCJP, S("\xfe\xa1\x8f\xa1\xa1"), "\xEF\xBF\xBD\xEF\xBF\xBD", &r);
	assert_int_equal(r.bad_count, 2);
	assert_int_equal(r.bad[0].kind, TEXT_BAD_UNMAPPED);
	assert_int_equal(r.bad[0].len, 2);
	assert_int_equal(r.bad[1].kind, TEXT_BAD_UNMAPPED);
	assert_int_equal(r.bad[1].len, 3);
	assert_int_equal(r.bad[1].offset, 2);
	assert_memory_equal(r.bad[1].bytes, "\x8f\xa1\xa1", 3);
}

static void test_decode_utf8(void **state)
{
	(void)state;
	struct text_report r;
	assert_int_equal(dec(TEXT_ENC_UTF8, S("佐藤"), "佐藤", &r), 0);
	dec(TEXT_ENC_UTF8,
	    S("a\xff"
	      "b\xe4\xbd"),
	    "a\xEF\xBF\xBD"
	    "b\xEF\xBF\xBD\xEF\xBF\xBD",
	    &r);
	assert_int_equal(r.bad_count, 3);
	assert_int_equal(r.bad[0].offset, 1);
	assert_int_equal(r.bad[1].offset, 3);
	assert_int_equal(r.bad[2].offset, 4);
}

/* ---- guessing and names -------------------------------------------------------------------------------------- */

static void test_guess(void **state)
{
	(void)state;
	assert_int_equal(text_guess_encoding(S("plain ascii")), TEXT_ENC_UTF8);
	assert_int_equal(text_guess_encoding(S("")), TEXT_ENC_UTF8);
	assert_int_equal(text_guess_encoding(S("佐藤花子")), TEXT_ENC_UTF8);
	assert_int_equal(text_guess_encoding(S(TO_X0208 "\x3a\x34" TO_ASCII)), TEXT_ENC_ISO2022JP);
	assert_int_equal(text_guess_encoding(S("x" ESC "(I"
	                                       "\x31")),
	                 TEXT_ENC_ISO2022JP);
	/* 佐藤花子,サトウハナコ in CP932 and EUC-JP. */
	assert_int_equal(text_guess_encoding(S("\x8d\xb2\x93\xa1\x89\xd4\x8e\x71,\x83\x54\x83\x67\x83\x45")),
	                 TEXT_ENC_CP932);
	assert_int_equal(text_guess_encoding(S("\xba\xb4\xc6\xa3\xb2\xd6\xbb\xd2,\xa5\xb5\xa5\xc8\xa5\xa6")),
	                 TEXT_ENC_EUCJP);
	/* Half-width kana only: CP932 (the tie goes to CP932). */
	assert_int_equal(text_guess_encoding(S("\xbb\xc4\xb3")), TEXT_ENC_CP932);
}

static void test_encoding_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum text_encoding enc;
	} ok[] = {
	        {"iso-2022-jp", TEXT_ENC_ISO2022JP},
	        {"ISO-2022-JP", TEXT_ENC_ISO2022JP},
	        {"jis", TEXT_ENC_ISO2022JP},
	        {"iso2022jp", TEXT_ENC_ISO2022JP},
	        {"sjis", TEXT_ENC_CP932},
	        {"Shift_JIS", TEXT_ENC_CP932},
	        {"shift-jis", TEXT_ENC_CP932},
	        {"CP932", TEXT_ENC_CP932},
	        {"Windows-31J", TEXT_ENC_CP932},
	        {"ms932", TEXT_ENC_CP932},
	        {"EUC-JP", TEXT_ENC_EUCJP},
	        {"eucjp", TEXT_ENC_EUCJP},
	        {"UTF-8", TEXT_ENC_UTF8},
	        {"utf8", TEXT_ENC_UTF8},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(ok); i++) {
		enum text_encoding e = (enum text_encoding) - 1;
		assert_int_equal(text_encoding_parse(ok[i].name, &e), 0);
		assert_int_equal(e, ok[i].enc);
	}
	enum text_encoding e = TEXT_ENC_EUCJP;
	assert_int_equal(text_encoding_parse("latin1", &e), -LB_EUSAGE);
	assert_non_null(strstr(lb_errmsg(), "'latin1'"));
	assert_int_equal(e, TEXT_ENC_EUCJP);
	assert_int_equal(text_encoding_parse("", &e), -LB_EUSAGE);
	assert_int_equal(text_encoding_parse("utf-8x", &e), -LB_EUSAGE);
	/* Names round-trip. */
	for (int k = TEXT_ENC_UTF8; k <= TEXT_ENC_EUCJP; k++) {
		assert_int_equal(text_encoding_parse(text_encoding_name((enum text_encoding)k), &e), 0);
		assert_int_equal(e, k);
	}
}

/* ---- encoders -------------------------------------------------------------------------------------------------- */

static void test_encode_iso2022jp(void **state)
{
	(void)state;
	struct buf out = {0};
	assert_int_equal(text_encode_iso2022jp(&out, S("佐藤花子")), 0);
	assert_int_equal(out.len, 14);
	assert_memory_equal(out.data, TO_X0208 "\x3a\x34\x46\x23\x32\x56\x3b\x52" TO_ASCII, 14);
	buf_reset(&out);
	/* Half-width katakana is written full-width, the marks composed: ｻﾄｳ → サトウ, ﾊﾟ → パ. */
	assert_int_equal(text_encode_iso2022jp(&out, S("ｻﾄｳﾊﾟ")), 0);
	assert_int_equal(out.len, 14);
	assert_memory_equal(out.data, TO_X0208 "\x25\x35\x25\x48\x25\x26\x25\x51" TO_ASCII, 14);
	buf_reset(&out);
	/* Characters with no code become 〓 (0x222E) and are counted; invalid UTF-8 too. */
	assert_int_equal(text_encode_iso2022jp(&out, S("a😀\xff")), 2);
	assert_memory_equal(out.data, "a" TO_X0208 "\x22\x2e\x22\x2e" TO_ASCII, 11);
	buf_reset(&out);
	/* ESC, SO and SI in the text would switch the decoder's mode: they have no code, like 〓. */
	assert_int_equal(text_encode_iso2022jp(&out, S("a\x1b$Bb\x0e"
	                                               "c\x0f")),
	                 3);
	assert_memory_equal(out.data,
	                    "a" TO_X0208 "\x22\x2e" TO_ASCII "$Bb" TO_X0208 "\x22\x2e" TO_ASCII "c" TO_X0208
	                    "\x22\x2e" TO_ASCII,
	                    29);
	assert_int_equal(out.len, 29);
	buf_reset(&out);
	/* The JIS-standard readings of 0x2141 and 0x215D (what iconv and macOS produce) have codes too. */
	assert_int_equal(text_encode_iso2022jp(&out, S("〜−")), 0);
	assert_int_equal(out.len, 10);
	assert_memory_equal(out.data, TO_X0208 "\x21\x41\x21\x5d" TO_ASCII, 10);
	buf_release(&out);
}

static void test_roundtrip_iso2022jp(void **state)
{
	(void)state;
	const char *src = "佐藤 ｻﾄｳ ﾊﾟﾝ ｶﾞｯｺｳ ①㈱ 髙橋 﨑 ～－ ABC 123\r\n";
	const char *want = "佐藤 サトウ パン ガッコウ ①㈱ 髙橋 﨑 ～－ ABC 123\r\n";
	struct buf enc = {0}, dec_out = {0};
	assert_int_equal(text_encode_iso2022jp(&enc, src, strlen(src)), 0);
	for (size_t i = 0; i < enc.len; i++)
		assert_true((unsigned char)enc.data[i] < 0x80); /* 7-bit clean */
	struct text_report r = {0};
	assert_int_equal(text_decode_iso2022jp(&dec_out, enc.data, enc.len, &r), 0);
	assert_string_equal(dec_out.data, want);
	buf_release(&enc);
	buf_release(&dec_out);
}

static void test_encode_cp932(void **state)
{
	(void)state;
	struct buf out = {0};
	assert_int_equal(text_encode_cp932(&out, S("佐藤,ｻﾄｳ,①髙～")), 0);
	assert_memory_equal(out.data, "\x8d\xb2\x93\xa1,\xbb\xc4\xb3,\x87\x40\xee\xe0\x81\x60", 15);
	assert_int_equal(out.len, 15);
	buf_reset(&out);
	assert_int_equal(text_encode_cp932(&out, S("a😀b\xc3")), 2);
	assert_string_equal(out.data, "a?b?");
	buf_reset(&out);
	/* As glibc's CP932 does: 〜 − ‖ — ¢ £ ¬ get the codes of their CP932 look-alikes. */
	assert_int_equal(text_encode_cp932(&out, S("〜−‖—¢£¬")), 0);
	assert_int_equal(out.len, 14);
	assert_memory_equal(out.data, "\x81\x60\x81\x7c\x81\x61\x81\x5c\x81\x91\x81\x92\x81\xca", 14);
	buf_reset(&out);
	/* CP932 → UTF-8 → CP932 is the identity on every mapped pair (first code of duplicates aside). */
	const char *sj = "\x82\xa0\x83\x41\x88\x9f\xea\xa4\x87\x54\x81\x5c";
	struct buf u = {0};
	assert_int_equal(text_decode_cp932(&u, sj, strlen(sj), NULL), 0);
	assert_int_equal(text_encode_cp932(&out, u.data, u.len), 0);
	assert_string_equal(out.data, sj);
	buf_release(&u);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_iso_x0208_name),
	        cmocka_unit_test(test_iso_kana_and_symbols),
	        cmocka_unit_test(test_iso_ascii_roman),
	        cmocka_unit_test(test_iso_halfwidth_kana),
	        cmocka_unit_test(test_iso_cp932_extensions),
	        cmocka_unit_test(test_iso_x0212),
	        cmocka_unit_test(test_iso_raw_sjis),
	        cmocka_unit_test(test_iso_broken_escapes),
	        cmocka_unit_test(test_iso_truncated_two_byte),
	        cmocka_unit_test(test_iso_unmapped),
	        cmocka_unit_test(test_iso_report_keeps_first),
	        cmocka_unit_test(test_iso_appends),
	        cmocka_unit_test(test_cp932),
	        cmocka_unit_test(test_eucjp),
	        cmocka_unit_test(test_decode_utf8),
	        cmocka_unit_test(test_guess),
	        cmocka_unit_test(test_encoding_names),
	        cmocka_unit_test(test_encode_iso2022jp),
	        cmocka_unit_test(test_roundtrip_iso2022jp),
	        cmocka_unit_test(test_encode_cp932),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
