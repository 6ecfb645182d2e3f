/*
 * test_date.c - dates as Japanese staff type them (text/date.c): Western forms, era letters and names, 元年,
 * full-width digits, the boundaries of each era, and writing a date in its era.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

static void date_is(const char *s, int y, int m, int d)
{
	int yy = 0, mm = 0, dd = 0;
	int rc = text_parse_date(s, &yy, &mm, &dd);
	if (rc != 0)
		fail_msg("'%s' did not parse: %s", s, lb_errmsg());
	if (yy != y || mm != m || dd != d)
		fail_msg("'%s' gave %04d-%02d-%02d, want %04d-%02d-%02d", s, yy, mm, dd, y, m, d);
}

static void not_date(const char *s)
{
	int y = -1, m = -1, d = -1;
	if (text_parse_date(s, &y, &m, &d) != -LB_EINVAL)
		fail_msg("'%s' parsed as %d-%d-%d", s, y, m, d);
	assert_non_null(strstr(lb_errmsg(), "not a date"));
	/* Outputs untouched on failure. */
	assert_int_equal(y, -1);
}

static void test_western(void **state)
{
	(void)state;
	static const char *forms[] = {"1948-04-05",           "1948/4/5",           "19480405",     "1948.4.5",
	                              "1948年4月5日",         "1948年04月05日",     "1948-4-5",     "1948年4月5",
	                              "１９４８－０４－０５", "１９４８年４月５日", " 1948-04-05 ", "1948 / 4 / 5",
	                              "１９４８／４／５"};
	for (size_t i = 0; i < LB_ARRAY_LEN(forms); i++)
		date_is(forms[i], 1948, 4, 5);
	date_is("2000-02-29", 2000, 2, 29);
	date_is("20240229", 2024, 2, 29);
	date_is("0001-01-01", 1, 1, 1);
	date_is("9999-12-31", 9999, 12, 31);
}

static void test_era(void **state)
{
	(void)state;
	static const char *forms[] = {"S23.4.5",    "S23/04/05",        "s230405",
	                              "S230405",    "昭和23年4月5日",   "昭23.4.5",
	                              "昭和23.4.5", "Ｓ２３．４．５",   "昭和２３年４月５日",
	                              "s23-4-5",    "昭和 23年 4月 5日"};
	for (size_t i = 0; i < LB_ARRAY_LEN(forms); i++)
		date_is(forms[i], 1948, 4, 5);
	date_is("R6.11.24", 2024, 11, 24);
	date_is("令和6年11月24日", 2024, 11, 24);
	date_is("令6.11.24", 2024, 11, 24);
	date_is("H7.1.17", 1995, 1, 17);
	date_is("平成7年1月17日", 1995, 1, 17);
	date_is("T12.9.1", 1923, 9, 1);
	date_is("大正12年9月1日", 1923, 9, 1);
	date_is("M45.7.29", 1912, 7, 29);
	date_is("明治45年7月29日", 1912, 7, 29);
	/* 元年: the first year. */
	date_is("昭和元年12月25日", 1926, 12, 25);
	date_is("平成元年1月8日", 1989, 1, 8);
	date_is("令和元年5月1日", 2019, 5, 1);
	date_is("H1.1.8", 1989, 1, 8);
	date_is("R01.05.01", 2019, 5, 1);
}

static void test_era_boundaries(void **state)
{
	(void)state;
	/* 昭和 ends on 1989-01-07, 平成 starts on 1989-01-08. */
	date_is("S64.1.7", 1989, 1, 7);
	not_date("S64.1.8");
	not_date("H1.1.7");
	date_is("H1.1.8", 1989, 1, 8);
	/* 平成 ends on 2019-04-30, 令和 starts on 2019-05-01. */
	date_is("H31.4.30", 2019, 4, 30);
	not_date("H31.5.1");
	not_date("R1.4.30");
	date_is("R1.5.1", 2019, 5, 1);
	/* 大正 → 昭和 on 1926-12-25, 明治 → 大正 on 1912-07-30. */
	date_is("T15.12.24", 1926, 12, 24);
	not_date("T15.12.25");
	not_date("S1.12.24");
	date_is("M45.7.29", 1912, 7, 29);
	not_date("M45.7.30");
	date_is("T1.7.30", 1912, 7, 30);
	not_date("T1.7.29");
	/* 明治 1 as birth registers use it. */
	date_is("M1.1.25", 1868, 1, 25);
	not_date("M1.1.24");
	/* Far past an era's end. */
	not_date("S99.1.1");
	not_date("H50.1.1");
}

static void test_invalid(void **state)
{
	(void)state;
	static const char *junk[] = {"",
	                             " ",
	                             "1948",
	                             "1948-04",
	                             "1948-04-",
	                             "1948-02-30",
	                             "1947-02-29",
	                             "1900-02-29",
	                             "1948-13-01",
	                             "1948-00-10",
	                             "1948-04-00",
	                             "1948-04-31",
	                             "48-04-05",
	                             "194804",
	                             "1948-04-05x",
	                             "1948--04-05",
	                             "04/05/1948",
	                             "19480230",
	                             "S",
	                             "S23",
	                             "S23.4",
	                             "S23.4.",
	                             "S0.1.1",
	                             "S23.4.5.6",
	                             "X23.4.5",
	                             "Sx.4.5",
	                             "SS23.4.5",
	                             "S123.4.5",
	                             "S2304",
	                             "S23045",
	                             "昭和",
	                             "昭和年4月5日",
	                             "元年4月5日",
	                             "昭和元4月5日",
	                             "1948年4月5日日",
	                             "0000-01-01",
	                             "\xff\xfe",
	                             "1948-04-05\xe3",
	                             "Sunday",
	                             "令和1年4月30日",
	                             "1948年4月",
	                             "-1948-04-05"};
	for (size_t i = 0; i < LB_ARRAY_LEN(junk); i++)
		not_date(junk[i]);
}

static void era_is(int y, int m, int d, const char *want)
{
	struct buf b = {0};
	text_format_era(&b, y, m, d);
	assert_string_equal(buf_cstr(&b), want);
	/* What is written reads back as the same date. */
	int yy, mm, dd;
	assert_int_equal(text_parse_date(b.data, &yy, &mm, &dd), 0);
	assert_int_equal(yy, y);
	assert_int_equal(mm, m);
	assert_int_equal(dd, d);
	buf_release(&b);
}

static void test_format_era(void **state)
{
	(void)state;
	era_is(1948, 4, 5, "昭和23年4月5日");
	era_is(1926, 12, 25, "昭和元年12月25日");
	era_is(1926, 12, 24, "大正15年12月24日");
	era_is(1989, 1, 7, "昭和64年1月7日");
	era_is(1989, 1, 8, "平成元年1月8日");
	era_is(2019, 4, 30, "平成31年4月30日");
	era_is(2019, 5, 1, "令和元年5月1日");
	era_is(2026, 11, 24, "令和8年11月24日");
	era_is(1912, 7, 30, "大正元年7月30日");
	era_is(1868, 1, 25, "明治元年1月25日");
	/* Before 明治: the Western year with 年月日. */
	era_is(1850, 6, 1, "1850年6月1日");
	/* Appends. */
	struct buf b = {0};
	buf_adds(&b, "生年月日: ");
	text_format_era(&b, 1948, 4, 5);
	assert_string_equal(b.data, "生年月日: 昭和23年4月5日");
	buf_release(&b);
}

/* Every day from 1868 to 2030 written in its era parses back, in three spellings. */
static void test_era_every_day(void **state)
{
	(void)state;
	static const char letters[] = "MTSHR";
	static const char *names[] = {"明治", "大正", "昭和", "平成", "令和"};
	int64_t first = lb_days_from_civil(1868, 1, 25), last = lb_days_from_civil(2030, 12, 31);
	struct buf b = {0};
	for (int64_t day = first; day <= last; day++) {
		int y, m, d, yy, mm, dd;
		lb_civil_from_days(day, &y, &m, &d);
		buf_reset(&b);
		text_format_era(&b, y, m, d);
		assert_int_equal(text_parse_date(b.data, &yy, &mm, &dd), 0);
		assert_true(yy == y && mm == m && dd == d);
		/* Letter form: find the era from the name written. */
		for (size_t e = 0; e < 5; e++) {
			if (strncmp(b.data, names[e], strlen(names[e])) != 0)
				continue;
			const char *p = b.data + strlen(names[e]);
			int ey = strncmp(p, "元", 3) == 0 ? 1 : (int)strtol(p, NULL, 10);
			char s[32];
			snprintf(s, sizeof(s), "%c%d.%d.%d", letters[e], ey, m, d);
			assert_int_equal(text_parse_date(s, &yy, &mm, &dd), 0);
			assert_true(yy == y && mm == m && dd == d);
			snprintf(s, sizeof(s), "%c%02d%02d%02d", letters[e] + 32, ey, m, d);
			assert_int_equal(text_parse_date(s, &yy, &mm, &dd), 0);
			assert_true(yy == y && mm == m && dd == d);
		}
	}
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_western),        cmocka_unit_test(test_era),
	        cmocka_unit_test(test_era_boundaries), cmocka_unit_test(test_invalid),
	        cmocka_unit_test(test_format_era),     cmocka_unit_test(test_era_every_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
