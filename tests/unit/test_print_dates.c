/*
 * test_print_dates.c - the dates on paper (issue 13): the birth line with its age counted to today (born today:
 * 0歳; a birth after today or 150 years back: no age), an unknown birth date said so, and the first day of the
 * sheets and call lists (--from, else today).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "print/print_int.h"

#include <stdlib.h>
#include <string.h>

static void birth_is(const char *birth, const char *today, const char *want)
{
	struct buf b = {0};
	print_birth(&b, birth, today);
	if (strcmp(buf_cstr(&b), want))
		fail_msg("print_birth(%s, %s) = '%s', not '%s'", birth ? birth : "NULL", today ? today : "NULL",
		         buf_cstr(&b), want);
	buf_release(&b);
}

static void test_birth_age(void **state)
{
	(void)state;
	birth_is("1974-12-06", "2026-12-06", "1974-12-06 (昭和49年12月6日) 52歳"); /* the birthday itself */
	birth_is("1974-12-07", "2026-12-06", "1974-12-07 (昭和49年12月7日) 51歳"); /* the day before it */
	birth_is("2026-12-06", "2026-12-06", "2026-12-06 (令和8年12月6日) 0歳");   /* born today */
	birth_is("2026-12-07", "2026-12-06", "2026-12-07 (令和8年12月7日)");       /* a birth after today: no age */
	birth_is("1876-12-06", "2026-12-06", "1876-12-06 (明治9年12月6日)");       /* 150 years: no age */
	birth_is("1876-12-07", "2026-12-06", "1876-12-07 (明治9年12月7日) 149歳"); /* one day less: an age */
	birth_is("1974-12-06", NULL, "1974-12-06 (昭和49年12月6日)");              /* no today: no age */
}

static void test_birth_unknown(void **state)
{
	(void)state;
	birth_is(NULL, "2026-12-06", "生年月日不明");
	birth_is("", "2026-12-06", "生年月日不明");
	birth_is("19741206x", "2026-12-06", "19741206x"); /* what is no date is printed as it came */
}

static void test_start_day(void **state)
{
	(void)state;
	char day[11] = "";
	struct print_opts o = {.from = "2026-12-07"};
	assert_int_equal(print_start_day(&o, "2026-11-24T20:29:58", day), 0);
	assert_string_equal(day, "2026-12-07");
	o.from = "12/07";
	assert_true(print_start_day(&o, "2026-11-24T20:29:58", day) < 0);
	setenv("LIFEBOAT_TODAY", "2026-12-06", 1);
	assert_int_equal(print_start_day(NULL, "2026-11-24T20:29:58", day), 0); /* today, not the as-of day */
	assert_string_equal(day, "2026-12-06");
	struct print_opts none = {0};
	assert_int_equal(print_start_day(&none, "2026-11-24T20:29:58", day), 0);
	assert_string_equal(day, "2026-12-06");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_birth_age),
	        cmocka_unit_test(test_birth_unknown),
	        cmocka_unit_test(test_start_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
