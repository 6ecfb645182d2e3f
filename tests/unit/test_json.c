/*
 * test_json.c - the streaming JSON writer (core/json.c): structure, commas and keys, string escaping of every kind
 * of byte, numbers, JSON Lines at the top level, misuse detection and pretty printing. Output is checked byte for
 * byte and parsed back with jansson.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* Parse s with jansson (any value at the top); fails the test if it is not valid JSON. */
static json_t *parse(const char *s, size_t n)
{
	json_error_t e;
	json_t *j = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!j)
		fail_msg("not JSON (%s at %d): %.*s", e.text, e.position, (int)n, s);
	return j;
}

/* The JSON string json_quote makes of s[0..n), parsed back: its value must be want[0..want_n). */
static void quote_is(const char *s, size_t n, const char *want_json, const char *want_value, size_t want_n)
{
	struct buf b = {0};
	json_quote(&b, s, n);
	assert_string_equal(b.data, want_json);
	json_t *j = parse(b.data, b.len);
	assert_true(json_is_string(j));
	assert_int_equal(json_string_length(j), want_n);
	assert_memory_equal(json_string_value(j), want_value, want_n);
	json_decref(j);
	buf_release(&b);
}
#define QUOTE_IS(in, json, value) quote_is(in, sizeof(in) - 1, json, value, sizeof(value) - 1)

static void test_escaping(void **state)
{
	(void)state;
	QUOTE_IS("", "\"\"", "");
	QUOTE_IS("plain", "\"plain\"", "plain");
	QUOTE_IS("say \"hi\"", "\"say \\\"hi\\\"\"", "say \"hi\"");
	QUOTE_IS("a\\b/c", "\"a\\\\b/c\"", "a\\b/c");
	QUOTE_IS("l1\nl2\r\tx", "\"l1\\nl2\\r\\tx\"", "l1\nl2\r\tx");
	QUOTE_IS("\x01\x08\x0c\x1b\x1f", "\"\\u0001\\u0008\\u000c\\u001b\\u001f\"", "\x01\x08\x0c\x1b\x1f");
	QUOTE_IS("nul\0byte", "\"nul\\u0000byte\"", "nul\0byte");
	QUOTE_IS("del\x7f", "\"del\x7f\"", "del\x7f"); /* DEL needs no escape */
	/* Valid multibyte UTF-8 is kept as it is. */
	QUOTE_IS("佐藤 é 😀 \xef\xbf\xbf", "\"佐藤 é 😀 \xef\xbf\xbf\"", "佐藤 é 😀 \xef\xbf\xbf");
	/* Invalid UTF-8 becomes U+FFFD, byte by byte. */
	QUOTE_IS("a\xff"
	         "b",
	         "\"a\xef\xbf\xbd"
	         "b\"",
	         "a\xef\xbf\xbd"
	         "b");
	QUOTE_IS("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"", "\xef\xbf\xbd\xef\xbf\xbd");
	QUOTE_IS("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	QUOTE_IS("\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	QUOTE_IS("\xe0\x9f\xbf", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	QUOTE_IS("end\xe4\xbd", "\"end\xef\xbf\xbd\xef\xbf\xbd\"", "end\xef\xbf\xbd\xef\xbf\xbd");
	QUOTE_IS("\x8d\xb2\"", "\"\xef\xbf\xbd\xef\xbf\xbd\\\"\"", "\xef\xbf\xbd\xef\xbf\xbd\"");
	/* Appends. */
	struct buf b = {0};
	buf_adds(&b, "x=");
	json_quote(&b, "y", 1);
	assert_string_equal(b.data, "x=\"y\"");
	buf_release(&b);
}

static void test_every_byte(void **state)
{
	(void)state;
	/* All 256 single bytes and all 65536 byte pairs quote to valid JSON. */
	struct buf b = {0};
	for (int x = 0; x < 65536; x++) {
		char s[2] = {(char)(x >> 8), (char)x};
		buf_reset(&b);
		json_quote(&b, s + (x < 256), x < 256 ? 1 : 2);
		json_t *j = parse(b.data, b.len);
		json_decref(j);
	}
	buf_release(&b);
}

static void test_structure(void **state)
{
	(void)state;
	struct buf b = {0};
	struct json_w w = {.out = &b};
	json_obj(&w);
	json_kv_int(&w, "a", 1);
	json_kv_str(&w, "b", "x");
	json_key(&w, "c");
	json_arr(&w);
	json_int(&w, 1);
	json_uint(&w, 2);
	json_arr(&w);
	json_end(&w);
	json_obj(&w);
	json_end(&w);
	json_end(&w);
	json_key(&w, "d");
	json_obj(&w);
	json_end(&w);
	json_kv_str(&w, "e", NULL);
	json_kv_bool(&w, "f", 1);
	json_kv_bool(&w, "g", 0);
	json_key(&w, "h");
	json_null_value(&w);
	json_key(&w, "k\"ey\n");
	json_strn(&w, "ab\0c", 4);
	json_key(&w, "i");
	json_str(&w, NULL);
	json_end(&w);
	assert_int_equal(json_finish(&w), 0);
	assert_string_equal(b.data, "{\"a\":1,\"b\":\"x\",\"c\":[1,2,[],{}],\"d\":{},\"e\":null,\"f\":true,\"g\":false,"
	                            "\"h\":null,\"k\\\"ey\\n\":\"ab\\u0000c\",\"i\":null}");
	json_t *j = parse(b.data, b.len);
	assert_int_equal(json_integer_value(json_object_get(j, "a")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "c")), 4);
	assert_true(json_is_null(json_object_get(j, "e")));
	assert_int_equal(json_string_length(json_object_get(j, "k\"ey\n")), 4);
	json_decref(j);
	buf_release(&b);
}

static void test_integers(void **state)
{
	(void)state;
	struct buf b = {0};
	struct json_w w = {.out = &b};
	json_arr(&w);
	json_int(&w, INT64_MIN);
	json_int(&w, INT64_MAX);
	json_int(&w, 0);
	json_int(&w, -1);
	json_uint(&w, UINT64_MAX);
	json_end(&w);
	assert_int_equal(json_finish(&w), 0);
	assert_string_equal(b.data, "[-9223372036854775808,9223372036854775807,0,-1,18446744073709551615]");
	buf_release(&b);
}

static void test_doubles(void **state)
{
	(void)state;
	static const double values[] = {0.0,    1.0,     -1.5,    0.1,    1.0 / 3, 123456789.123456789, 1e300, -1e-300,
	                                5e-324, DBL_MAX, DBL_MIN, 2.5e-5, 1e21,    9007199254740993.0,  -0.0,  100.0,
	                                3.14159};
	struct buf b = {0};
	for (size_t i = 0; i < LB_ARRAY_LEN(values); i++) {
		struct json_w w = {.out = &b};
		buf_reset(&b);
		json_double(&w, values[i]);
		assert_int_equal(json_finish(&w), 0);
		/* Round-trips exactly, and is a JSON number. */
		char *end;
		double back = strtod(b.data, &end);
		assert_int_equal(*end, '\0');
		if (back != values[i] || signbit(back) != signbit(values[i]))
			fail_msg("%.17g written as '%s'", values[i], b.data);
		json_t *j = parse(b.data, b.len);
		assert_true(json_is_number(j));
		json_decref(j);
	}
	/* Short where short is enough. */
	struct json_w w = {.out = &b};
	buf_reset(&b);
	json_arr(&w);
	json_double(&w, 0.1);
	json_double(&w, 1.0);
	json_double(&w, 2.5);
	json_double(&w, 180.0);
	json_double(&w, 1500.0);
	json_double(&w, -40.0);
	json_double(&w, NAN);
	json_double(&w, INFINITY);
	json_double(&w, -INFINITY);
	json_end(&w);
	assert_int_equal(json_finish(&w), 0);
	assert_string_equal(b.data, "[0.1,1,2.5,180,1500,-40,null,null,null]");
	json_decref(parse(b.data, b.len));
	buf_release(&b);
}

static void test_json_lines(void **state)
{
	(void)state;
	struct buf b = {0};
	struct json_w w = {.out = &b};
	for (int i = 0; i < 3; i++) {
		json_obj(&w);
		json_kv_int(&w, "n", i);
		json_end(&w);
	}
	json_str(&w, "s");
	json_int(&w, 7);
	assert_int_equal(json_finish(&w), 0);
	assert_string_equal(b.data, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n\"s\"\n7");
	/* Each line parses on its own. */
	char *save, *line = strtok_r(b.data, "\n", &save);
	int lines = 0;
	for (; line; line = strtok_r(NULL, "\n", &save), lines++)
		json_decref(parse(line, strlen(line)));
	assert_int_equal(lines, 5);
	buf_release(&b);
}

static void misuse(void (*fn)(struct json_w *))
{
	struct buf b = {0};
	struct json_w w = {.out = &b};
	fn(&w);
	assert_int_equal(json_finish(&w), -LB_EINTERNAL);
	assert_non_null(strstr(lb_errmsg(), "json"));
	buf_release(&b);
}
static void value_without_key(struct json_w *w)
{
	json_obj(w);
	json_int(w, 1);
	json_end(w);
}
static void key_in_array(struct json_w *w)
{
	json_arr(w);
	json_key(w, "k");
	json_int(w, 1);
	json_end(w);
}
static void key_at_top(struct json_w *w)
{
	json_key(w, "k");
}
static void key_twice(struct json_w *w)
{
	json_obj(w);
	json_key(w, "a");
	json_key(w, "b");
	json_int(w, 1);
	json_end(w);
}
static void key_then_end(struct json_w *w)
{
	json_obj(w);
	json_key(w, "a");
	json_end(w);
}
static void unclosed(struct json_w *w)
{
	json_obj(w);
	json_key(w, "a");
	json_arr(w);
}
static void key_unfinished(struct json_w *w)
{
	json_obj(w);
	json_key(w, "a");
}
static void end_at_top(struct json_w *w)
{
	json_obj(w);
	json_end(w);
	json_end(w);
}
static void too_deep(struct json_w *w)
{
	for (int i = 0; i < LB_JSON_MAX_DEPTH + 5; i++)
		json_arr(w);
	for (int i = 0; i < LB_JSON_MAX_DEPTH + 5; i++)
		json_end(w);
}

static void test_misuse(void **state)
{
	(void)state;
	misuse(value_without_key);
	misuse(key_in_array);
	misuse(key_at_top);
	misuse(key_twice);
	misuse(key_then_end);
	misuse(unclosed);
	misuse(key_unfinished);
	misuse(end_at_top);
	misuse(too_deep);
	/* The deepest nesting allowed, LB_JSON_MAX_DEPTH, is fine; one more is misuse. */
	struct buf b = {0};
	struct json_w w = {.out = &b};
	for (int i = 0; i < LB_JSON_MAX_DEPTH; i++)
		json_arr(&w);
	for (int i = 0; i < LB_JSON_MAX_DEPTH; i++)
		json_end(&w);
	assert_int_equal(json_finish(&w), 0);
	json_decref(parse(b.data, b.len));
	buf_reset(&b);
	struct json_w w1 = {.out = &b};
	for (int i = 0; i < LB_JSON_MAX_DEPTH + 1; i++)
		json_arr(&w1);
	for (int i = 0; i < LB_JSON_MAX_DEPTH + 1; i++)
		json_end(&w1);
	assert_int_not_equal(json_finish(&w1), 0);
	/* More than 255 values at one depth (the count saturates, commas stay right). */
	buf_reset(&b);
	struct json_w w2 = {.out = &b};
	json_arr(&w2);
	for (int i = 0; i < 1000; i++)
		json_int(&w2, i);
	json_end(&w2);
	assert_int_equal(json_finish(&w2), 0);
	json_t *j = parse(b.data, b.len);
	assert_int_equal(json_array_size(j), 1000);
	json_decref(j);
	buf_release(&b);
}

/* A buffer with a size cap (core.h: the cap for buffers filled from outside input): output that does not fit is
 * never reported as written. */
static void test_capped_buffer(void **state)
{
	(void)state;
	struct buf b = {.max = 16};
	struct json_w w = {.out = &b};
	json_obj(&w);
	json_kv_str(&w, "name", "a string much longer than sixteen bytes");
	json_kv_int(&w, "n", 1);
	json_end(&w);
	assert_int_equal(json_finish(&w), -LB_ETOOBIG);
	assert_non_null(strstr(lb_errmsg(), "16"));
	buf_release(&b);
	/* Fits exactly: fine. */
	struct buf c = {.max = 16};
	struct json_w v = {.out = &c};
	json_obj(&v);
	json_kv_str(&v, "name", "abcde");
	json_end(&v);
	assert_string_equal(c.data, "{\"name\":\"abcde\"}");
	assert_int_equal(json_finish(&v), 0);
	buf_release(&c);
	/* json_quote appends the whole string or nothing. */
	struct buf q = {.max = 8};
	buf_adds(&q, "x=");
	json_quote(&q, "too long for it", 15);
	assert_string_equal(q.data, "x=");
	json_quote(&q, "ok", 2);
	assert_string_equal(q.data, "x=\"ok\"");
	buf_release(&q);
}

static void test_pretty(void **state)
{
	(void)state;
	struct buf b = {0};
	struct json_w w = {.out = &b, .pretty = 1};
	json_obj(&w);
	json_kv_int(&w, "a", 1);
	json_key(&w, "b");
	json_arr(&w);
	json_int(&w, 1);
	json_str(&w, "two");
	json_end(&w);
	json_key(&w, "c");
	json_obj(&w);
	json_end(&w);
	json_key(&w, "d");
	json_arr(&w);
	json_obj(&w);
	json_kv_str(&w, "e", "f");
	json_end(&w);
	json_end(&w);
	json_end(&w);
	assert_int_equal(json_finish(&w), 0);
	assert_string_equal(b.data, "{\n"
	                            "  \"a\": 1,\n"
	                            "  \"b\": [\n"
	                            "    1,\n"
	                            "    \"two\"\n"
	                            "  ],\n"
	                            "  \"c\": {},\n"
	                            "  \"d\": [\n"
	                            "    {\n"
	                            "      \"e\": \"f\"\n"
	                            "    }\n"
	                            "  ]\n"
	                            "}");
	json_decref(parse(b.data, b.len));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_escaping),      cmocka_unit_test(test_every_byte),
	        cmocka_unit_test(test_structure),     cmocka_unit_test(test_integers),
	        cmocka_unit_test(test_doubles),       cmocka_unit_test(test_json_lines),
	        cmocka_unit_test(test_misuse),        cmocka_unit_test(test_pretty),
	        cmocka_unit_test(test_capped_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
