/*
 * test_rx_age.c - the age-limit rule of rx check (src/rx/age.c) counts the patient's age today, the day the order
 * is checked, not at the data's as-of date: during an outage the snapshot grows weeks old and a child passes an age
 * limit meanwhile. A PC clock set before the as-of date is not believed (the as-of date is used then).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rx/rx_int.h"

/* Today's local date moved by `days`, as "YYYY-MM-DD" (and y/m/d). */
static void day_from_today(int days, char out[11], int *y, int *m, int *d)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	lb_civil_from_days(lb_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) + days, y, m, d);
	snprintf(out, 11, "%04d-%02d-%02d", *y, *m, *d);
}

/* Run the age rule for a patient born `years` years before today, a drug with the given limits (months) and the
 * data's as-of date `as_of_days` from today; returns the highest level of its age alerts (0: none). */
static int age_level(int years, int min_months, int below_months, int as_of_days)
{
	int y, m, d, ay, am, ad;
	char today[11], as_of[11], birth[11];
	day_from_today(0, today, &y, &m, &d);
	snprintf(birth, sizeof(birth), "%04d-%02d-%02d", y - years, m, m == 2 && d == 29 ? 28 : d);
	day_from_today(as_of_days, as_of, &ay, &am, &ad);
	struct rx_result r;
	memset(&r, 0, sizeof(r));
	snprintf(r.as_of, sizeof(r.as_of), "%sT09:00:00", as_of);
	r.patient.patient.id = "AGE0001";
	r.patient.patient.birth_date = birth;
	r.drug.code = "TEST01";
	r.drug.name = "test drug";
	r.drug.age_min_months = min_months;
	r.drug.age_below_months = below_months;
	rx_rule_age(&r);
	int stops = 0;
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.v[i].kind, "age") && (int)r.v[i].level > stops)
			stops = (int)r.v[i].level;
	memset(&r.patient, 0, sizeof(r.patient)); /* not owned here */
	memset(&r.drugs, 0, sizeof(r.drugs));
	rx_result_release(&r);
	return stops;
}

static void counted_today_not_at_as_of(void **state)
{
	(void)state;
	/* 12 today, 11 at a snapshot 60 days old: a drug for under 12 years warns (a form for younger patients) */
	assert_int_equal(age_level(12, 0, 12 * 12, -60), RX_WARN);
	/* the same child and a drug for 12 and older: allowed today, though the snapshot says 11 */
	assert_int_equal(age_level(12, 12 * 12, 0, -60), 0);
	/* an adult and no limit broken: silent */
	assert_int_equal(age_level(40, 15 * 12, 0, -60), 0);
}

static void clock_before_as_of_not_believed(void **state)
{
	(void)state;
	/* the PC clock says 400 days before the data's as-of date: the age is counted at the as-of date, where a child
	 * of 14 by the clock is already 15 (a drug for 15 and older is allowed) */
	assert_int_equal(age_level(14, 15 * 12, 0, 400), 0);
	/* and a drug for under 15 warns there */
	assert_int_equal(age_level(14, 0, 15 * 12, 400), RX_WARN);
}

/* Issue 14: under a lower limit (quinolones under 15) is a contraindication, a stop; over an upper limit (a dry
 * syrup for children given to an adult) is a form to check, a warning. */
static void formulation_limit_warns(void **state)
{
	(void)state;
	assert_int_equal(age_level(10, 15 * 12, 0, 0), RX_STOP);
	assert_int_equal(age_level(40, 6, 12 * 12, 0), RX_WARN);
	assert_int_equal(age_level(12, 6, 12 * 12, 0), RX_WARN); /* the first day no longer allowed */
	assert_int_equal(age_level(11, 6, 12 * 12, 0), 0);
}

/* The age and the limits as the reason says them: a pharmacist reads 「1歳1か月」 against 「6か月以上、12歳未満」. */
static void age_words(void **state)
{
	(void)state;
	static const struct {
		int months;
		const char *en, *ja;
	} t[] = {
	        {0, "0 months", "0か月"},
	        {1, "1 month", "1か月"},
	        {11, "11 months", "11か月"},
	        {12, "1 year", "1歳"},
	        {13, "1 year 1 month", "1歳1か月"},
	        {24, "2 years", "2歳"},
	        {26, "2 years 2 months", "2歳2か月"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct buf en = {0}, ja = {0};
		rx_age_text(&en, t[i].months, 0);
		rx_age_text(&ja, t[i].months, 1);
		assert_string_equal(buf_cstr(&en), t[i].en);
		assert_string_equal(buf_cstr(&ja), t[i].ja);
		buf_release(&en);
		buf_release(&ja);
	}
}

/* One age check on a fixed day (2026-12-07) for a patient born `birth` (NULL: not recorded); the level of the age
 * alert (0: none) and its reasons. */
static int age_on(const char *birth, int min_months, int below_months, char *en, char *ja, size_t cap)
{
	struct rx_result r;
	memset(&r, 0, sizeof(r));
	snprintf(r.as_of, sizeof(r.as_of), "2026-12-01T09:00:00");
	snprintf(r.patient.today, sizeof(r.patient.today), "2026-12-07");
	r.patient.patient.id = "AGE0002";
	r.patient.patient.birth_date = birth;
	r.drug.code = "TEST02";
	r.drug.name = "テスト薬";
	r.drug.age_min_months = min_months;
	r.drug.age_below_months = below_months;
	rx_rule_age(&r);
	int level = 0;
	en[0] = ja[0] = 0;
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.v[i].kind, "age")) {
			level = (int)r.v[i].level;
			snprintf(en, cap, "%s", r.v[i].reason_en);
			snprintf(ja, cap, "%s", r.v[i].reason_ja);
		}
	memset(&r.patient, 0, sizeof(r.patient));
	memset(&r.drugs, 0, sizeof(r.drugs));
	rx_result_release(&r);
	return level;
}

static void limits_and_boundaries(void **state)
{
	(void)state;
	char en[512], ja[512];
	/* a lower limit of 15 years: 15 today is allowed, a day short of it stops */
	assert_int_equal(age_on("2011-12-07", 15 * 12, 0, en, ja, sizeof(en)), 0);
	assert_int_equal(age_on("2011-12-08", 15 * 12, 0, en, ja, sizeof(en)), RX_STOP);
	assert_non_null(strstr(en, "for patients 15 years and older; the patient is 14 years 11 months"));
	assert_non_null(strstr(ja, "対象は 15歳以上 です。患者は 14歳11か月"));
	assert_null(strstr(en, "not a contraindication")); /* a stop is a contraindication */
	/* both limits, said both */
	assert_int_equal(age_on("2026-08-07", 6, 12 * 12, en, ja, sizeof(en)), RX_STOP);
	assert_non_null(strstr(en, "for patients 6 months and older, under 12 years; the patient is 4 months"));
	assert_non_null(strstr(ja, "対象は 6か月以上、12歳未満 です。患者は 4か月"));
	/* an upper limit only */
	assert_int_equal(age_on("2010-01-01", 0, 12 * 12, en, ja, sizeof(en)), RX_WARN);
	assert_non_null(strstr(en, "for patients under 12 years; the patient is 16 years 11 months"));
	assert_non_null(strstr(ja, "対象は 12歳未満 です"));
	assert_non_null(strstr(en, "a form meant for younger patients, not a contraindication"));
	assert_non_null(strstr(ja, "小児用の製剤で禁忌ではありません"));
	/* a master whose limits leave no age (12 and older, under 12): exactly 12 is not under the lower limit, so
	 * it is the upper limit's warning, not a stop */
	assert_int_equal(age_on("2014-12-07", 12 * 12, 12 * 12, en, ja, sizeof(en)), RX_WARN);
	assert_int_equal(age_on("2014-12-08", 12 * 12, 12 * 12, en, ja, sizeof(en)), RX_STOP);
	/* a newborn (0 months, born today) is of a known age: a drug for 6 months and older stops */
	assert_int_equal(age_on("2026-12-07", 6, 0, en, ja, sizeof(en)), RX_STOP);
	assert_non_null(strstr(en, "the patient is 0 months"));
	assert_int_equal(age_on("2026-12-07", 0, 12 * 12, en, ja, sizeof(en)), 0);
	/* no birth date: a warning that says so, whether the field is missing or empty */
	assert_int_equal(age_on(NULL, 15 * 12, 0, en, ja, sizeof(en)), RX_WARN);
	assert_non_null(strstr(en, "(birth date not recorded)"));
	assert_non_null(strstr(ja, "(生年月日 未登録)"));
	assert_int_equal(age_on("", 15 * 12, 0, en, ja, sizeof(en)), RX_WARN);
	assert_non_null(strstr(en, "(birth date not recorded)"));
	assert_non_null(strstr(ja, "(生年月日 未登録)"));
	/* no limit: silent even without a birth date */
	assert_int_equal(age_on(NULL, 0, 0, en, ja, sizeof(en)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(formulation_limit_warns),         cmocka_unit_test(counted_today_not_at_as_of),
	        cmocka_unit_test(clock_before_as_of_not_believed), cmocka_unit_test(age_words),
	        cmocka_unit_test(limits_and_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
