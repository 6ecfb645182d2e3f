/*
 * test_key.c - search keys and kana folding (text/key.c): the ways one Japanese name can be typed must meet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

static char *key_of(const char *s)
{
	struct buf b = {0};
	text_search_key(&b, s, strlen(s));
	assert_true(utf8_valid(b.data, b.len));
	return buf_detach(&b, NULL);
}

/* Every string in the NULL-terminated list has the key want. */
static void same_key(const char *want, ...)
{
	va_list ap;
	va_start(ap, want);
	for (const char *s; (s = va_arg(ap, const char *));) {
		char *k = key_of(s);
		if (strcmp(k, want) != 0)
			print_error("key of '%s' is '%s', want '%s'\n", s, k, want);
		assert_string_equal(k, want);
		/* A key is its own key: stored keys and typed queries are folded the same way. */
		char *kk = key_of(k);
		assert_string_equal(kk, k);
		free(kk);
		free(k);
	}
	va_end(ap);
}

static void test_key_width_script_long_vowel(void **state)
{
	(void)state;
	same_key("サトオ", "ｻﾄｳ", "さとう", "サトウ", "サトー", "サトオ", "さとお", "ｻﾄｰ", "サト－", "サト〜", "サト～",
	         NULL);
	same_key("カツコオ", "ｶﾞｯｺｳ", "がっこう", "ガッコウ", "ガッコー", "カッコウ", NULL);
	same_key("ケエコ", "ケイコ", "けいこ", "ケーコ", "ｹｲｺ", NULL);
	same_key("トオキヨオ", "トウキョウ", "ﾄｳｷｮｳ", "とうきょう", "トーキョー", NULL);
	/* ヲ → オ, ヂ → シ, ヅ → ス, small kana → large. */
	same_key("オ", "ヲ", "を", "ｦ", NULL);
	same_key("シスミ", "ヂヅミ", "ぢづみ", "ジズミ", "シスミ", NULL);
	same_key("イイスカ", "イイヅカ", "イイズカ", "いいづか", NULL);
	same_key("アイウエオツヤユヨワカケ", "ァィゥェォッャュョヮヵヶ", NULL);
}

static void test_key_v_sounds(void **state)
{
	(void)state;
	same_key("ハイオリン", "ヴァイオリン", "バイオリン", "ゔぁいおりん", "ｳﾞｧｲｵﾘﾝ", "ﾊﾞｲｵﾘﾝ", NULL);
	same_key("ヒイナス", "ヴィーナス", "ビーナス", NULL);
	same_key("ヘニス", "ヴェニス", "ベニス", NULL);
	same_key("ホルカ", "ヴォルカ", "ボルカ", NULL);
	/* ヴ alone is ブ. */
	same_key("フル", "ヴル", "ブル", "ｳﾞﾙ", NULL);
}

static void test_key_kanji_variants(void **state)
{
	(void)state;
	same_key("高橋", "髙橋", "高橋", NULL);
	same_key("斎藤", "齋藤", "斉藤", "斎藤", "齊藤", NULL);
	same_key("山崎", "山﨑", "山崎", "山嵜", "山碕", NULL);
	same_key("渡辺", "渡邊", "渡邉", "渡辺", NULL);
	same_key("沢田", "澤田", NULL);
	same_key("浜田", "濱田", NULL);
	same_key("島田", "嶋田", "嶌田", NULL);
	/* Compatibility ideographs (U+FA19 神, U+FA1B 福). */
	same_key("神福", "\xef\xa8\x99\xef\xa8\x9b", NULL);
	/* A kanji with no variant stays. */
	same_key("佐藤花子", "佐藤花子", "佐藤　花子", "佐藤 花子", NULL);
}

static void test_key_ascii_digits_punctuation(void **state)
{
	(void)state;
	same_key("tanaka", "ＴＡＮＡＫＡ", "Tanaka", "tanaka", "TANAKA", "ｔａｎａｋａ", NULL);
	same_key("1", "①", "１", "1", NULL);
	same_key("20", "⑳", NULL);
	/* Phone numbers: hyphens of every kind dropped (there is no kana before them). */
	same_key("0312345678", "03-1234-5678", "０３－１２３４－５６７８", "03 1234 5678", "03‐1234‐5678", NULL);
	/* Spaces of both widths, tabs, middle dots, commas and full stops. */
	same_key("シヨンスミス", "ジョン・スミス", "ジョン スミス", "ジョン　スミス", "ジョン･スミス", "ジョン,スミス",
	         NULL);
	same_key("", "", " ", "　", "・", "\t", NULL);
	/* Long marks with no kana before them (start, after ン, after a digit) are dropped. */
	same_key("ア", "ーア", NULL);
	same_key("ン", "ン-", "ンー", NULL);
	/* Combining and spacing voiced marks fold away. */
	same_key("カ", "か\xe3\x82\x99", "が", "か゛", NULL);
}

static void test_key_edges(void **state)
{
	(void)state;
	/* An empty key is "" with memory (buf invariant). */
	struct buf b = {0};
	text_search_key(&b, "", 0);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	/* Invalid bytes are dropped; the key stays valid UTF-8. */
	text_search_key(&b,
	                "a\xff\xe3\x81"
	                "b",
	                5);
	assert_string_equal(b.data, "ab");
	buf_release(&b);
	/* Appends to what the buffer holds. */
	buf_adds(&b, "k:");
	text_search_key(&b, "サトウ", strlen("サトウ"));
	assert_string_equal(b.data, "k:サトオ");
	buf_release(&b);
	/* Half-width marks at the very end, or after kana that take none. */
	same_key("ア", "ｱﾞ", "ｱﾟ", NULL);
	same_key("", "ﾞ", "ﾟ", NULL);
	same_key("ハ", "ﾊﾟ", "ﾊﾞ", "ﾊ", NULL);
}

static void test_is_kana(void **state)
{
	(void)state;
	static const char *yes[] = {"さとう", "サトウ", "ｻﾄｳ", "サトウ　ハナコ", "ｻﾄｳ ﾊﾅｺ",
	                            "サトー", "ヴァ",   "ゝ",  "ジョン・スミス"};
	static const char *no[] = {
	        "", " ", "　", "佐藤", "サトウ1", "sato",
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(yes); i++)
		assert_int_equal(text_is_kana(yes[i], strlen(yes[i])), 1);
	for (size_t i = 0; i < LB_ARRAY_LEN(no); i++)
		if (text_is_kana(no[i], strlen(no[i])) != 0)
			fail_msg("'%s' is not a kana reading", no[i]);
	assert_int_equal(text_is_kana("\xe3\x81", 2), 0); /* truncated */
	assert_int_equal(text_is_kana("\xa5\xab", 2), 0); /* EUC-JP bytes */
}

static void full_is(const char *in, const char *want)
{
	struct buf b = {0};
	text_kana_fullwidth(&b, in, strlen(in));
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_kana_fullwidth(void **state)
{
	(void)state;
	full_is("ﾊﾟﾝ", "パン");
	full_is("ｶﾞｯｺｳ", "ガッコウ");
	full_is("ﾋﾟﾌﾟﾍﾟﾎﾟ", "ピプペポ");
	full_is("ｳﾞｧ ﾜﾞ ｦﾞ", "ヴァ ヷ ヺ");
	full_is("ｱﾟ", "ア゜"); /* does not compose: both kept */
	full_is("ﾞﾟ", "゛゜");
	full_is("｡｢｣､･ｰ", "。「」、・ー");
	full_is("ｻﾄｳ ﾊﾅｺ", "サトウ ハナコ");
	/* Nothing else changes: full-width ASCII, hiragana, kanji, ASCII. */
	full_is("ＡＢさとう佐藤abc", "ＡＢさとう佐藤abc");
	full_is("", "");
	full_is("a\xff"
	        "b",
	        "a\xEF\xBF\xBD"
	        "b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_key_width_script_long_vowel),
	        cmocka_unit_test(test_key_v_sounds),
	        cmocka_unit_test(test_key_kanji_variants),
	        cmocka_unit_test(test_key_ascii_digits_punctuation),
	        cmocka_unit_test(test_key_edges),
	        cmocka_unit_test(test_is_kana),
	        cmocka_unit_test(test_kana_fullwidth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
