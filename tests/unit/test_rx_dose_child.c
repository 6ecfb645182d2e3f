/*
 * test_rx_dose_child.c - a child without a recorded body weight (src/rx/dose_rule.c, src/rx/child_weight.c, issue
 * 14): a daily dose over max_per_kg_day × the upper reference weight of the child's age (data/rx/
 * child-weight-upper.tsv) is stopped, saying the weight assumed; at or below it the dose per kg stays unchecked
 * (a warning). Through rx_dose_eval at the boundaries, and through rx_check on a ward whose children are born
 * counted from today.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rx/rx_int.h"
#include "rx_ward.h"

/* The shipped table: an upper weight for every age under 15, never lower for an older child. */
static void table(void **state)
{
	(void)state;
	const char *ver = NULL;
	assert_true(rx_child_upper_kg(4, &ver) == 25);
	assert_non_null(ver);
	assert_string_not_equal(ver, "?");
	assert_true(rx_child_upper_kg(0, NULL) == 25);
	assert_true(rx_child_upper_kg(5, NULL) == 29);
	assert_true(rx_child_upper_kg(14, NULL) == 82);
	assert_true(rx_child_upper_kg(-1, NULL) == 0);
	assert_true(rx_child_upper_kg(RX_CHILD_YEARS, NULL) == 0);
	for (int a = 1; a < RX_CHILD_YEARS; a++)
		assert_true(rx_child_upper_kg(a, NULL) >= rx_child_upper_kg(a - 1, NULL));
}

/* rx_dose_eval of カロナール (60 mg/kg a day, 4000 mg a day) for a child of age_months with context c; the alerts
 * as "level:kind …" in got, the Japanese reason of the first in ja. */
static void eval(int age_months, double dose, double per_day, const struct rx_dose_ctx *c, char *got, size_t cap,
                 char *ja, size_t jcap)
{
	struct ehr_drug cal = {
	        .code = "A", .name = "カロナール錠200", .unit = "mg", .max_daily_dose = 4000, .max_per_kg_day = 60};
	struct rx_result r;
	memset(&r, 0, sizeof(r));
	r.drug = cal;
	r.age_months = age_months;
	struct rx_order o = {.patient_id = "P", .drug_code = "A", .dose = dose, .unit = "mg", .per_day = per_day};
	struct rx_dose_ctx none = {0};
	rx_dose_eval(&r, &o, c ? c : &none);
	got[0] = ja[0] = 0;
	for (size_t i = 0; i < r.n; i++) {
		size_t n = strlen(got);
		snprintf(got + n, cap - n, "%s%s:%s", n ? " " : "", rx_level_name(r.v[i].level), r.v[i].kind);
	}
	if (r.n)
		snprintf(ja, jcap, "%s", r.v[0].reason_ja);
	memset(&r.drug, 0, sizeof(r.drug));
	rx_result_release(&r);
}

static void boundaries(void **state)
{
	(void)state;
	char got[128], ja[1024];
	/* 4 years: 60 mg/kg × 25 kg = 1500 mg a day */
	eval(48, 500, 3, NULL, got, sizeof(got), ja, sizeof(ja)); /* exactly at the bound: unchecked, a warning */
	assert_string_equal(got, "warn:child-dose");
	assert_non_null(strstr(ja, "小児: 体重あたり用量は未チェック"));
	eval(48, 499, 3, NULL, got, sizeof(got), ja, sizeof(ja)); /* below */
	assert_string_equal(got, "warn:child-dose");
	eval(48, 500.5, 3, NULL, got, sizeof(got), ja, sizeof(ja)); /* just over: 1501.5 mg */
	assert_string_equal(got, "stop:child-dose");
	assert_non_null(strstr(ja, "体重不明: 4歳の上限体重 25 kg でも 1日最大量を超えます"));
	eval(48, 1000, 4, NULL, got, sizeof(got), ja, sizeof(ja)); /* 4 g a day: the audit's case */
	assert_string_equal(got, "stop:child-dose");
	assert_non_null(strstr(ja, "1500 mg の 2.7倍"));
	/* the age in whole years picks the row: 4 years 11 months still 25 kg, 5 years 29 kg (1740 mg) */
	eval(59, 510, 3, NULL, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "stop:child-dose");
	eval(60, 510, 3, NULL, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "warn:child-dose");
	eval(60, 581, 3, NULL, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "stop:child-dose");
	assert_non_null(strstr(ja, "5歳の上限体重 29 kg"));
	/* a day before 15 (82 kg: 4920 mg, over the adult 4000 too), and 15 itself (the adult maximum only) */
	eval(15 * 12 - 1, 1640, 3, NULL, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "warn:max-dose warn:child-dose");
	eval(15 * 12 - 1, 1641, 3, NULL, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "warn:max-dose stop:child-dose");
	eval(15 * 12, 1300, 3, NULL, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "");
	/* a newborn: the age-4 bound */
	eval(0, 501, 3, NULL, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "stop:child-dose");
	assert_non_null(strstr(ja, "0歳の上限体重 25 kg"));
	/* the same ingredient already active counts: 1200 + 400 mg > 1500 */
	struct rx_dose_ctx act = {.active = 400};
	buf_adds(&act.active_text, "カロナール錠200 400 mg");
	buf_adds(&act.active_text_ja, "カロナール錠200 400 mg");
	eval(48, 400, 3, &act, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "stop:child-dose");
	act.active = 300; /* 1500: at the bound */
	eval(48, 400, 3, &act, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "warn:child-dose");
	rx_dose_ctx_release(&act);
	/* a weighed child is judged on its weight, not on the table: 1800 mg at 40 kg is 45 mg/kg */
	struct rx_dose_ctx w = {.weight_kg = 40, .weight_time = "2026-11-01", .today = "2026-11-02"};
	eval(48, 600, 3, &w, got, sizeof(got), ja, sizeof(ja));
	assert_string_equal(got, "");
}

/* No per-kg maximum, or a dose that cannot be converted: nothing to multiply, the old INFO / WARN. */
static void nothing_to_bound(void **state)
{
	(void)state;
	struct ehr_drug plain = {.code = "B", .name = "何か錠10mg", .unit = "mg", .max_daily_dose = 3000};
	struct rx_result r;
	memset(&r, 0, sizeof(r));
	r.drug = plain;
	r.age_months = 48;
	struct rx_order o = {.patient_id = "P", .drug_code = "B", .dose = 1000, .unit = "mg", .per_day = 2};
	struct rx_dose_ctx none = {0};
	rx_dose_eval(&r, &o, &none);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].level, RX_INFO);
	memset(&r.drug, 0, sizeof(r.drug));
	rx_result_release(&r);

	struct ehr_drug cal = {
	        .code = "A", .name = "カロナール", .unit = "mg", .max_daily_dose = 4000, .max_per_kg_day = 60};
	memset(&r, 0, sizeof(r));
	r.drug = cal;
	r.age_months = 48;
	o = (struct rx_order){.patient_id = "P", .drug_code = "A", .dose = 20, .unit = "包", .per_day = 3};
	rx_dose_eval(&r, &o, &none);
	for (size_t i = 0; i < r.n; i++)
		assert_int_not_equal(r.v[i].level, RX_STOP);
	memset(&r.drug, 0, sizeof(r.drug));
	rx_result_release(&r);
}

/* ---- through rx_check: a ward with children never weighed ---------------------------------------------------- */

static const char drugs_csv[] = "name,code,kana,generic_name,unit,max_daily_dose,max_per_kg_day\n"
                                "カロナール錠200,D-CALO,カロナール,アセトアミノフェン,mg,4000,60\n";

/* A Patient born `years` years before today (the same day; 29 February → 28). */
static void born(char *out, size_t cap, const char *id, int years)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(out, cap,
	         "{\"resourceType\":\"Patient\",\"id\":\"%s\"," NAME(
	                 "小児", "太郎", "ショウニ",
	                 "タロウ") ",\"gender\":\"male\",\"birthDate\":\"%04d-%02d-%02d\"}\n",
	         id, tm.tm_year + 1900 - years, tm.tm_mon + 1, tm.tm_mon == 1 && tm.tm_mday == 29 ? 28 : tm.tm_mday);
}

static char patients[2048];

static int setup(void **state)
{
	(void)state;
	char line[1024];
	born(line, sizeof(line), "C04", 4);
	strcat(patients, line);
	born(line, sizeof(line), "C10", 10);
	strcat(patients, line);
	static const char *files[] = {"Patient.ndjson", patients, NULL};
	return rxw_open("rxchild", drugs_csv, files, 0);
}

static void check(const char *pid, double dose, double per_day, const char *want, const char *want_ja)
{
	struct rx_order o = {.patient_id = pid, .drug_code = "D-CALO", .dose = dose, .unit = "mg", .per_day = per_day};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	struct buf got = {0};
	rxw_alert_list(&r, 0, &got);
	int ja_ok = !want_ja;
	for (size_t i = 0; i < r.n; i++)
		ja_ok |= want_ja && strstr(r.v[i].reason_ja, want_ja) != NULL;
	if (strcmp(buf_cstr(&got), want) || !ja_ok) {
		for (size_t i = 0; i < r.n; i++)
			print_message("  %s:%s: %s\n", rx_level_name(r.v[i].level), r.v[i].kind, r.v[i].reason_ja);
		fail_msg("%s %g x%g: got '%s', want '%s' (%s)", pid, dose, per_day, buf_cstr(&got), want,
		         want_ja ? want_ja : "");
	}
	assert_int_equal(r.stop, !strncmp(want, "stop", 4));
	buf_release(&got);
	rx_result_release(&r);
}

static void ward(void **state)
{
	(void)state;
	/* a boy of 4 never weighed: 4 g a day is over 60 mg/kg even at 25 kg */
	check("C04", 1000, 4, "stop:child-dose", "体重不明: 4歳の上限体重 25 kg でも 1日最大量を超えます");
	check("C04", 200, 3, "warn:child-dose", "小児: 体重あたり用量は未チェック");
	check("C04", 500, 3, "warn:child-dose", NULL);
	check("C04", 501, 3, "stop:child-dose", NULL);
	/* a boy of 10: 57 kg, 3420 mg a day */
	check("C10", 1140, 3, "warn:child-dose", NULL);
	check("C10", 1150, 3, "stop:child-dose", "10歳の上限体重 57 kg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(table),
	        cmocka_unit_test(boundaries),
	        cmocka_unit_test(nothing_to_bound),
	        cmocka_unit_test(ward),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
