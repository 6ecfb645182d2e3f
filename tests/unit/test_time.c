/*
 * test_time.c - clocks, calendar arithmetic, parsing and formatting of times, durations and sizes (core/time.c).
 * Local time is pinned with POSIX TZ strings (no zone files needed): JST-9 and a US zone with DST.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

#define MS_2026_11_24T08_15_17Z 1795508117000LL

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void test_clocks(void **state)
{
	(void)state;
	int64_t now = lb_now_ms();
	assert_true(now > 1577836800000LL); /* after 2020 */
	assert_true(llabs(now - (int64_t)time(NULL) * 1000) < 5000);
	int64_t a = lb_mono_ns(), b = lb_mono_ns();
	assert_true(b >= a);
}

static void test_days_known(void **state)
{
	(void)state;
	assert_int_equal(lb_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(lb_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(lb_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(lb_days_from_civil(1, 1, 1), -719162);
	assert_int_equal(lb_days_from_civil(9999, 12, 31), 2932896);
	int y, m, d;
	lb_civil_from_days(0, &y, &m, &d);
	assert_true(y == 1970 && m == 1 && d == 1);
	lb_civil_from_days(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
	lb_civil_from_days(11016, &y, &m, &d);
	assert_true(y == 2000 && m == 2 && d == 29);
	/* Year 0 and before (proleptic Gregorian, astronomical years): 0 is a leap year. */
	assert_int_equal(lb_days_from_civil(0, 3, 1) - lb_days_from_civil(0, 2, 28), 2);
	assert_int_equal(lb_days_from_civil(1, 1, 1) - lb_days_from_civil(0, 1, 1), 366);
	assert_int_equal(lb_days_from_civil(-1, 1, 1) - lb_days_from_civil(-2, 1, 1), 365);
	assert_int_equal(lb_days_from_civil(-4, 3, 1) - lb_days_from_civil(-4, 2, 28), 2);
	assert_int_equal(lb_days_from_civil(-100, 3, 1) - lb_days_from_civil(-100, 2, 28), 1);
	assert_int_equal(lb_days_from_civil(-400, 3, 1) - lb_days_from_civil(-400, 2, 28), 2);
}

/* Every day from year -1200 to 12000: days → date → days, each date real, each the day after the one before. */
static void test_days_round_trip(void **state)
{
	(void)state;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t first = lb_days_from_civil(-1200, 1, 1), last = lb_days_from_civil(12000, 12, 31);
	int py = -1201, pm = 12, pd = 31;
	for (int64_t z = first; z <= last; z++) {
		int y, m, d;
		lb_civil_from_days(z, &y, &m, &d);
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
			fail_msg("day %lld gave %d-%d-%d", (long long)z, y, m, d);
		int next_ok = (y == py && m == pm && d == pd + 1) || (y == py && m == pm + 1 && d == 1) ||
		              (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
		if (!next_ok)
			fail_msg("day %lld: %d-%d-%d after %d-%d-%d", (long long)z, y, m, d, py, pm, pd);
		if (lb_days_from_civil(y, m, d) != z)
			fail_msg("%d-%d-%d is not day %lld", y, m, d, (long long)z);
		py = y, pm = m, pd = d;
	}
}

static void test_date_valid(void **state)
{
	(void)state;
	assert_true(lb_date_valid(2024, 2, 29));
	assert_true(lb_date_valid(2000, 2, 29));
	assert_false(lb_date_valid(2023, 2, 29));
	assert_false(lb_date_valid(1900, 2, 29));
	assert_false(lb_date_valid(2024, 2, 30));
	assert_true(lb_date_valid(2024, 1, 31));
	assert_false(lb_date_valid(2024, 4, 31));
	assert_true(lb_date_valid(2024, 12, 31));
	assert_false(lb_date_valid(2024, 12, 32));
	assert_false(lb_date_valid(2024, 0, 1));
	assert_false(lb_date_valid(2024, 13, 1));
	assert_false(lb_date_valid(2024, 1, 0));
	assert_false(lb_date_valid(2024, 1, -1));
	assert_true(lb_date_valid(1, 1, 1));
	assert_false(lb_date_valid(0, 1, 1));
	assert_true(lb_date_valid(9999, 12, 31));
	assert_false(lb_date_valid(10000, 1, 1));
	assert_false(lb_date_valid(-5, 1, 1));
}

/* Ages as a pharmacist or a registration clerk reads them: the birthday itself counts, leap-day births turn a year
 * older on 1 March in common years, month ends carry over, nothing before the birth. */
static void test_age_months(void **state)
{
	(void)state;
	/* birthdays */
	assert_int_equal(lb_age_months(2011, 6, 15, 2026, 6, 14), 14 * 12 + 11);
	assert_int_equal(lb_age_months(2011, 6, 15, 2026, 6, 15), 15 * 12);
	assert_int_equal(lb_age_months(2011, 6, 15, 2026, 6, 16), 15 * 12);
	assert_int_equal(lb_age_months(1960, 12, 31, 2026, 1, 1), 65 * 12);
	assert_int_equal(lb_age_months(1960, 1, 1, 2025, 12, 31), 65 * 12 + 11);
	/* the day of birth: 0 months; the day before: not born */
	assert_int_equal(lb_age_months(2026, 11, 24, 2026, 11, 24), 0);
	assert_int_equal(lb_age_months(2026, 11, 24, 2026, 11, 23), -1);
	assert_int_equal(lb_age_months(2026, 11, 24, 2025, 12, 31), -1);
	/* born on 29 February: a year older on 1 March of a common year, on 29 February of a leap year */
	assert_int_equal(lb_age_months(2008, 2, 29, 2023, 2, 28), 14 * 12 + 11);
	assert_int_equal(lb_age_months(2008, 2, 29, 2023, 3, 1), 15 * 12);
	assert_int_equal(lb_age_months(2008, 2, 29, 2024, 2, 28), 15 * 12 + 11);
	assert_int_equal(lb_age_months(2008, 2, 29, 2024, 2, 29), 16 * 12);
	/* 1900 and 2100 are common years, 2000 a leap year */
	assert_int_equal(lb_age_months(1896, 2, 29, 1900, 2, 28), 3 * 12 + 11);
	assert_int_equal(lb_age_months(1896, 2, 29, 1900, 3, 1), 4 * 12);
	assert_int_equal(lb_age_months(1996, 2, 29, 2000, 2, 29), 4 * 12);
	/* months: a month without the birth day's number completes on the 1st of the next */
	assert_int_equal(lb_age_months(2026, 1, 31, 2026, 2, 28), 0);
	assert_int_equal(lb_age_months(2026, 1, 31, 2026, 3, 1), 1);
	assert_int_equal(lb_age_months(2026, 1, 31, 2026, 3, 30), 1);
	assert_int_equal(lb_age_months(2026, 1, 31, 2026, 3, 31), 2);
	assert_int_equal(lb_age_months(2026, 5, 10, 2026, 11, 9), 5);
	assert_int_equal(lb_age_months(2026, 5, 10, 2026, 11, 10), 6);
	/* not dates */
	assert_int_equal(lb_age_months(2023, 2, 29, 2026, 1, 1), -1);
	assert_int_equal(lb_age_months(2000, 1, 1, 2026, 13, 1), -1);
	assert_int_equal(lb_age_months(0, 1, 1, 2026, 1, 1), -1);
	/* against a day-by-day walk: the age grows by one month exactly on the days the rule says */
	for (int64_t day = lb_days_from_civil(2019, 1, 1); day < lb_days_from_civil(2025, 1, 1); day += 1) {
		int by, bm, bd;
		lb_civil_from_days(day, &by, &bm, &bd);
		int y = by, m = bm, prev = 0, changes = 0;
		for (int64_t t = day; t < day + 800; t++) {
			int d;
			lb_civil_from_days(t, &y, &m, &d);
			int a = lb_age_months(by, bm, bd, y, m, d);
			assert_true(a == prev || a == prev + 1);
			if (a == prev + 1) {
				changes++;
				/* on the birth day's number, or on the 1st when the month before was too short */
				assert_true(d == bd || (d == 1 && bd > 28));
			}
			prev = a;
		}
		assert_true(changes >= 25 && changes <= 27);
	}
}

static void time_is(const char *s, int64_t want)
{
	int64_t ms = 0;
	if (lb_parse_time(s, &ms) != 0)
		fail_msg("'%s' did not parse: %s", s, lb_errmsg());
	if (ms != want)
		fail_msg("'%s' gave %lld, want %lld", s, (long long)ms, (long long)want);
}

static void not_time(const char *s)
{
	int64_t ms = 42;
	if (lb_parse_time(s, &ms) != -LB_EINVAL)
		fail_msg("'%s' parsed as %lld", s, (long long)ms);
	assert_int_equal(ms, 42);
	assert_non_null(strstr(lb_errmsg(), s));
}

static void test_parse_time(void **state)
{
	(void)state;
	const int64_t T = MS_2026_11_24T08_15_17Z;
	time_is("2026-11-24T08:15:17Z", T);
	time_is("2026-11-24 08:15:17Z", T);
	time_is("20261124T08:15:17Z", T);
	time_is("2026-11-24T17:15:17+09:00", T);
	time_is("2026-11-24T17:15:17+0900", T);
	time_is("2026-11-24T02:45:17-05:30", T);
	time_is("2026-11-24T08:15:17.5Z", T + 500);
	time_is("2026-11-24T08:15:17.123Z", T + 123);
	time_is("2026-11-24T08:15:17.123456789Z", T + 123);
	time_is("2026-11-24T08:15Z", T - 17000);
	time_is("2026-11-24Z", T - (8 * 3600 + 15 * 60 + 17) * 1000LL);
	time_is("1970-01-01T00:00:00Z", 0);
	time_is("1969-12-31T23:59:59Z", -1000);
	time_is("0001-01-01T00:00:00Z", -719162LL * 86400000);
	/* Without a zone: local time (JST here). */
	set_tz("JST-9");
	time_is("2026-11-24", 1795446000000LL);
	time_is("20261124", 1795446000000LL);
	time_is("2026-11-24 17:15:17", T);
	time_is("2026-11-24T17:15", T - 17000);
	/* In a zone with summer time, on both sides of it. */
	set_tz("EST5EDT,M3.2.0,M11.1.0");
	time_is("2026-07-01", lb_days_from_civil(2026, 7, 1) * 86400000LL + 4 * 3600000LL);
	time_is("2026-01-01", lb_days_from_civil(2026, 1, 1) * 86400000LL + 5 * 3600000LL);
	set_tz("UTC0");
}

static void test_parse_time_invalid(void **state)
{
	(void)state;
	static const char *bad[] = {"",
	                            "2026",
	                            "2026-11",
	                            "2026-11-",
	                            "2026-1-24",
	                            "2026-13-01",
	                            "2026-02-30",
	                            "2026-00-10",
	                            "0000-01-01",
	                            "2026/11/24",
	                            "26-11-24",
	                            "2026-11-24x",
	                            "2026-11-24T",
	                            "2026-11-24T08",
	                            "2026-11-24T8:15",
	                            "2026-11-24T24:00",
	                            "2026-11-24T08:60",
	                            "2026-11-24T08:15:61",
	                            "2026-11-24T08:15:1",
	                            "2026-11-24T08:15Zx",
	                            "2026-11-24T08:15+24:00",
	                            "2026-11-24T08:15+09:60",
	                            "2026-11-24T08:15+9",
	                            "2026-11-24T08:15+",
	                            " 2026-11-24",
	                            "2026-11-24 ",
	                            "２０２６-11-24",
	                            "2026-11-24T08:15:17.Zx"};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++)
		not_time(bad[i]);
}

static void duration_is(const char *s, int64_t want)
{
	int64_t ms = 0;
	if (lb_parse_duration(s, &ms) != 0)
		fail_msg("'%s' did not parse: %s", s, lb_errmsg());
	assert_int_equal(ms, want);
}

static void test_parse_duration(void **state)
{
	(void)state;
	duration_is("90s", 90000);
	duration_is("15m", 15 * 60000);
	duration_is("12h", 12 * 3600000LL);
	duration_is("30d", 30 * 86400000LL);
	duration_is("8w", 8 * 7 * 86400000LL);
	duration_is("6M", 6 * 30 * 86400000LL);
	duration_is("1y", 365 * 86400000LL);
	duration_is("0s", 0);
	duration_is("007d", 7 * 86400000LL);
	duration_is("10000000000s", 10000000000000LL);
	static const char *bad[] = {"",
	                            "s",
	                            "10",
	                            "10x",
	                            "-5d",
	                            "+5d",
	                            "1.5h",
	                            "10dd",
	                            " 5d",
	                            "5d ",
	                            "5 d",
	                            "5D",
	                            "5S",
	                            "d5",
	                            "1e3s",
	                            "5ms",
	                            "100000000000s",
	                            "9223372036854775807s",
	                            "1000000000y",
	                            "99999999999999999999999d"};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		int64_t ms = 42;
		if (lb_parse_duration(bad[i], &ms) != -LB_EINVAL)
			fail_msg("'%s' parsed as %lld", bad[i], (long long)ms);
		assert_int_equal(ms, 42);
	}
}

static void utc_is(int64_t ms, int with_ms, const char *want)
{
	struct buf b = {0};
	lb_format_utc(&b, ms, with_ms);
	assert_string_equal(buf_cstr(&b), want);
	/* And back. */
	int64_t back;
	assert_int_equal(lb_parse_time(b.data, &back), 0);
	assert_int_equal(back, with_ms ? ms : ms - (((ms % 1000) + 1000) % 1000));
	buf_release(&b);
}

static void test_format_utc_local(void **state)
{
	(void)state;
	utc_is(0, 0, "1970-01-01T00:00:00Z");
	utc_is(0, 1, "1970-01-01T00:00:00.000Z");
	utc_is(MS_2026_11_24T08_15_17Z + 45, 1, "2026-11-24T08:15:17.045Z");
	utc_is(MS_2026_11_24T08_15_17Z + 999, 0, "2026-11-24T08:15:17Z");
	utc_is(-1, 1, "1969-12-31T23:59:59.999Z");
	utc_is(-1, 0, "1969-12-31T23:59:59Z");
	utc_is(-1000, 1, "1969-12-31T23:59:59.000Z");
	utc_is(-1001, 1, "1969-12-31T23:59:58.999Z");
	utc_is(-86400000, 0, "1969-12-31T00:00:00Z");
	utc_is(951782400000LL, 0, "2000-02-29T00:00:00Z");
	utc_is(-719162LL * 86400000, 0, "0001-01-01T00:00:00Z");
	utc_is(2932896LL * 86400000 + 86399999, 1, "9999-12-31T23:59:59.999Z");
	struct buf b = {0};
	set_tz("JST-9");
	lb_format_local(&b, MS_2026_11_24T08_15_17Z);
	assert_string_equal(b.data, "2026/11/24 17:15");
	buf_reset(&b);
	lb_format_local(&b, -1);
	assert_string_equal(b.data, "1970/01/01 08:59");
	set_tz("UTC0");
	buf_release(&b);
}

/* lb_today: LIFEBOAT_TODAY, never before the as-of day (its local date: a zone is converted) */
static void test_today(void **state)
{
	(void)state;
	char d[11];
	set_tz("JST-9");
	setenv("LIFEBOAT_TODAY", "2026-12-06", 1);
	lb_today(d, NULL);
	assert_string_equal(d, "2026-12-06");
	lb_today(d, "2026-11-24T20:29:58");
	assert_string_equal(d, "2026-12-06");
	lb_today(d, "2026-12-07T08:00:00");
	assert_string_equal(d, "2026-12-07");
	lb_today(d, "2026-12-06T15:30:00Z"); /* 12-07 00:30 in Tokyo */
	assert_string_equal(d, "2026-12-07");
	lb_today(d, "2026-12-06");
	assert_string_equal(d, "2026-12-06");
	lb_today(d, "garbage");
	assert_string_equal(d, "2026-12-06");
	setenv("LIFEBOAT_TODAY", "2026-02-30", 1); /* not a date: the clock */
	lb_today(d, NULL);
	int y, m, dd;
	assert_int_equal(lb_parse_day(d, &y, &m, &dd), 0);
	assert_true(y >= 2024);
	unsetenv("LIFEBOAT_TODAY");
	assert_int_equal(lb_parse_day("2026-11-24", &y, &m, &dd), 0);
	assert_true(y == 2026 && m == 11 && dd == 24);
	assert_int_equal(lb_parse_day("2026-11-31", &y, &m, &dd), -1);
	assert_int_equal(lb_parse_day("20261124", &y, &m, &dd), -1);
	assert_int_equal(lb_parse_day("2026-1a-24", &y, &m, &dd), -1);
	assert_int_equal(lb_parse_day(NULL, &y, &m, &dd), -1);
	set_tz("UTC0");
}

static void stamp_is(const char *in, const char *want)
{
	struct buf b = {0};
	lb_format_stamp(&b, in);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

/* one display format: 2026/11/24 19:00, local time */
static void test_format_stamp(void **state)
{
	(void)state;
	set_tz("JST-9");
	stamp_is("2026-11-24T19:00:55", "2026/11/24 19:00");
	stamp_is("2026-11-24T10:00:55Z", "2026/11/24 19:00");
	stamp_is("2026-11-24T19:00:55+09:00", "2026/11/24 19:00");
	stamp_is("2026-11-24T19:00", "2026/11/24 19:00");
	stamp_is("2026-11-24", "2026/11/24");
	stamp_is("取込時刻 (データ時点不明)", "取込時刻 (データ時点不明)");
	stamp_is("2026-13-24T19:00", "2026-13-24T19:00");
	stamp_is("", "");
	set_tz("UTC0");
}

static void bytes_is(uint64_t n, const char *want)
{
	struct buf b = {0};
	lb_format_bytes(&b, n);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_format_bytes(void **state)
{
	(void)state;
	bytes_is(0, "0 B");
	bytes_is(1, "1 B");
	bytes_is(1023, "1023 B");
	bytes_is(1024, "1.00 KiB");
	bytes_is(1536, "1.50 KiB");
	bytes_is(10 * 1024, "10.0 KiB");
	bytes_is(100 * 1024, "100 KiB");
	bytes_is(1536ULL << 20, "1.50 GiB");
	bytes_is(3ULL << 40, "3.00 TiB");
	bytes_is(5ULL << 50, "5.00 PiB");
	bytes_is(UINT64_MAX, "16384 PiB");
	/* Rounding never shows 1024 of a unit or a third decimal: the next unit is used. */
	bytes_is((1ULL << 20) - 1, "1.00 MiB");
	bytes_is((1ULL << 30) - 1, "1.00 GiB");
	bytes_is(10239, "10.0 KiB");
	bytes_is(102399, "100 KiB");
}

static void duration_fmt_is(int64_t ms, const char *want)
{
	struct buf b = {0};
	lb_format_duration(&b, ms);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_format_duration(void **state)
{
	(void)state;
	duration_fmt_is(-5, "0 ms");
	duration_fmt_is(0, "0 ms");
	duration_fmt_is(999, "999 ms");
	duration_fmt_is(1000, "1.0 s");
	duration_fmt_is(1500, "1.5 s");
	duration_fmt_is(59999, "59.9 s");
	duration_fmt_is(60000, "1 min 0 s");
	duration_fmt_is(61000, "1 min 1 s");
	duration_fmt_is(3599999, "59 min 59 s");
	duration_fmt_is(3600000, "1 h 0 min");
	duration_fmt_is((2 * 3600 + 3 * 60) * 1000LL, "2 h 3 min");
	duration_fmt_is(86400000LL, "1 d 0 h");
	duration_fmt_is(90000000LL, "1 d 1 h");
	duration_fmt_is(INT64_MAX, "106751991167 d 7 h");
}

int main(void)
{
	set_tz("UTC0");
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_today),
	        cmocka_unit_test(test_format_stamp),
	        cmocka_unit_test(test_clocks),
	        cmocka_unit_test(test_days_known),
	        cmocka_unit_test(test_days_round_trip),
	        cmocka_unit_test(test_date_valid),
	        cmocka_unit_test(test_age_months),
	        cmocka_unit_test(test_parse_time),
	        cmocka_unit_test(test_parse_time_invalid),
	        cmocka_unit_test(test_parse_duration),
	        cmocka_unit_test(test_format_utc_local),
	        cmocka_unit_test(test_format_bytes),
	        cmocka_unit_test(test_format_duration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
