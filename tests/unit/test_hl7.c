/*
 * test_hl7.c - the HL7 v2 parser (src/ehr/hl7.c): delimiters taken from MSH, CR / LF / CRLF segment ends,
 * repetitions, components, subcomponents, escape sequences, MSH-1/MSH-2 numbering, and the caps that bound what
 * hostile input can make it do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ehr/ehr.h"

#include <stdlib.h>
#include <string.h>

static const char *get(const struct hl7_msg *m, const char *seg, int f, int r, int c, int s)
{
	static struct buf b;
	hl7_get(m, seg, f, r, c, s, &b);
	return buf_cstr(&b);
}

static void test_fields_components_reps(void **state)
{
	(void)state;
	const char *msg = "MSH|^~\\&|HIS|SEND|GW|RCV|20261120103045||ADT^A08^ADT_A01|1|P|2.5\r"
	                  "PID|0001||0000012345^^^^PI||佐藤^花子^^^^^L^I~サトウ^ハナコ^^^^^L^P||19480405|F\r";
	struct hl7_msg m;
	assert_int_equal(hl7_parse(&m, msg, strlen(msg)), 0);
	assert_int_equal(m.nseg, 2);
	assert_string_equal(get(&m, "MSH", 1, 0, 0, 0), "|");
	assert_string_equal(get(&m, "MSH", 2, 0, 0, 0), "^~\\&");
	assert_string_equal(get(&m, "MSH", 3, 0, 0, 0), "HIS");
	assert_string_equal(get(&m, "MSH", 9, 0, 1, 0), "ADT");
	assert_string_equal(get(&m, "MSH", 9, 0, 2, 0), "A08");
	assert_string_equal(get(&m, "MSH", 12, 0, 0, 0), "2.5");
	assert_string_equal(get(&m, "PID", 3, 0, 1, 0), "0000012345");
	assert_string_equal(get(&m, "PID", 3, 0, 5, 0), "PI");
	assert_int_equal(hl7_reps(&m, 1, 5), 2);
	assert_string_equal(get(&m, "PID", 5, 0, 1, 0), "佐藤");
	assert_string_equal(get(&m, "PID", 5, 0, 2, 0), "花子");
	assert_string_equal(get(&m, "PID", 5, 0, 8, 0), "I");
	assert_string_equal(get(&m, "PID", 5, 1, 1, 0), "サトウ");
	assert_string_equal(get(&m, "PID", 5, 1, 8, 0), "P");
	assert_string_equal(get(&m, "PID", 7, 0, 0, 0), "19480405");
	/* absent: past the last field, repetition, component */
	assert_int_equal(hl7_get(&m, "PID", 30, 0, 0, 0, &(struct buf){0}), 0);
	assert_string_equal(get(&m, "PID", 5, 2, 1, 0), "");
	assert_string_equal(get(&m, "PID", 5, 0, 20, 0), "");
	assert_string_equal(get(&m, "ZZZ", 1, 0, 0, 0), "");
	hl7_release(&m);
}

static void test_subcomponents_and_escapes(void **state)
{
	(void)state;
	const char *msg = "MSH|^~\\&|A\r"
	                  "TQ1|1||1013044400000000&内服・経口・１日３回朝昼夕食後&JAMISDP01|||5^d\r"
	                  "NTE|1||a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\.br\\g\\X41\\h\\H\\i\\N\\\r"
	                  "NTE|2||\\Zcustom\\ok\\X4\\\\Q\\end\\\r";
	struct hl7_msg m;
	assert_int_equal(hl7_parse(&m, msg, strlen(msg)), 0);
	assert_string_equal(get(&m, "TQ1", 3, 0, 1, 1), "1013044400000000");
	assert_string_equal(get(&m, "TQ1", 3, 0, 1, 2), "内服・経口・１日３回朝昼夕食後");
	assert_string_equal(get(&m, "TQ1", 3, 0, 1, 3), "JAMISDP01");
	assert_string_equal(get(&m, "TQ1", 3, 0, 1, 4), "");
	assert_string_equal(get(&m, "TQ1", 6, 0, 2, 0), "d");
	assert_string_equal(get(&m, "NTE", 3, 0, 0, 0), "a|b^c~d\\e&f\ngAhi");
	long second = hl7_find(&m, "NTE", (size_t)hl7_find(&m, "NTE", 0) + 1);
	assert_true(second > 0);
	struct buf b = {0};
	hl7_get_at(&m, (size_t)second, 3, 0, 0, 0, &b);
	/* unknown and malformed escapes are kept as written; a lone escape character stays text */
	assert_string_equal(b.data, "ok\\X4\\\\Q\\end\\");
	buf_release(&b);
	hl7_release(&m);
}

static void test_other_delimiters_and_line_ends(void **state)
{
	(void)state;
	/* Delimiters come from MSH: '#' fields, '$' components, '*' repetitions, '!' escape, '%' subcomponents. */
	const char *msg = "\n\nMSH#$*!%#X\r\nPID#1##ID1$$$$PI##A$B*C$D\nPV1#1#I#5東$501$2\r\r\n";
	struct hl7_msg m;
	assert_int_equal(hl7_parse(&m, msg, strlen(msg)), 0);
	assert_int_equal(m.nseg, 3);
	assert_string_equal(get(&m, "PID", 3, 0, 1, 0), "ID1");
	assert_string_equal(get(&m, "PID", 5, 1, 2, 0), "D");
	assert_string_equal(get(&m, "PV1", 3, 0, 1, 0), "5東");
	assert_string_equal(get(&m, "PV1", 3, 0, 3, 0), "2");
	hl7_release(&m);
}

static void test_rejects(void **state)
{
	(void)state;
	static const char *bad[] = {"",         "MSH",        "PID|1||x\r", "MSH\r|^~\\&", "MSHa^~\\&a",
	                            "MSH|||||", "MSH|^^\\&|", "MSH| ~\\&|", "garbage"};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		struct hl7_msg m;
		assert_true(hl7_parse(&m, bad[i], strlen(bad[i])) < 0);
		assert_int_equal(m.nseg, 0);
		hl7_release(&m);
	}
}

static void test_caps(void **state)
{
	(void)state;
	struct buf in = {0};
	/* too many segments */
	buf_adds(&in, "MSH|^~\\&|A\r");
	for (int i = 0; i < HL7_MAX_SEGMENTS + 50; i++)
		buf_adds(&in, "OBX|1|NM|x||1\r");
	struct hl7_msg m;
	assert_int_equal(hl7_parse(&m, in.data, in.len), 0);
	assert_int_equal(m.nseg, HL7_MAX_SEGMENTS);
	assert_true(m.limits & HL7_LIMIT_SEGMENTS);
	hl7_release(&m);
	/* a huge segment, too many fields, endless repetitions */
	buf_reset(&in);
	buf_adds(&in, "MSH|^~\\&|A\rPID|1||");
	for (int i = 0; i < 200000; i++)
		buf_adds(&in, "~x");
	for (int i = 0; i < 300; i++)
		buf_adds(&in, "|f");
	buf_adds(&in, "\rPV1|1|I|ward\r");
	assert_int_equal(hl7_parse(&m, in.data, in.len), 0);
	assert_int_equal(m.nseg, 3);
	assert_int_equal(hl7_reps(&m, 1, 3), HL7_MAX_REPS);
	assert_string_equal(get(&m, "PID", 3, 99, 0, 0), "x");
	assert_string_equal(get(&m, "PID", 3, 5000, 0, 0), "");
	assert_string_equal(get(&m, "PV1", 3, 0, 1, 0), "ward");
	assert_true(m.limits & HL7_LIMIT_SEGMENT_LEN);
	hl7_release(&m);
	buf_reset(&in);
	buf_adds(&in, "MSH|^~\\&|A\rOBX");
	for (int i = 0; i < 1000; i++)
		buf_adds(&in, "|v");
	assert_int_equal(hl7_parse(&m, in.data, in.len), 0);
	assert_true(m.limits & HL7_LIMIT_FIELDS);
	assert_int_equal(m.seg[1].nfields, HL7_MAX_FIELDS);
	hl7_release(&m);
	buf_release(&in);
}

static void test_hex_escape_stays_utf8(void **state)
{
	(void)state;
	const char *msg = "MSH|^~\\&|A\rNTE|1||\\XFF\\ok\\XE4BD90\\\r";
	struct hl7_msg m;
	assert_int_equal(hl7_parse(&m, msg, strlen(msg)), 0);
	struct buf b = {0};
	hl7_get(&m, "NTE", 3, 0, 0, 0, &b);
	assert_true(utf8_valid(b.data, b.len));
	assert_non_null(strstr(b.data, "ok"));
	assert_non_null(strstr(b.data, "佐"));
	buf_release(&b);
	hl7_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fields_components_reps),
	        cmocka_unit_test(test_subcomponents_and_escapes),
	        cmocka_unit_test(test_other_delimiters_and_line_ends),
	        cmocka_unit_test(test_rejects),
	        cmocka_unit_test(test_caps),
	        cmocka_unit_test(test_hex_escape_stays_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
