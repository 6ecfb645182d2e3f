/*
 * test_rx_dose_edges.c - the edges of the dose checks (src/rx/dose_rule.c) that the planted-bug exercise
 * (tests/mutation/run.sh) found untested: where a tablet's strength comes from (the master's column first, then the
 * name's strength with a unit, then a bare number ending the name, before a maker's 「…」), a suppository counted
 * in 個, the words of the dose line and of a period other than a day or a week, and each boundary of a level
 * exactly at, just under and just over it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rx/rx_int.h"

/* rx_count_strength of a 錠 (or the form given) named name with the strength column strength, in master unit mu;
 * how must be left as it was when nothing is known. */
static double strength_of(const char *name, const char *strength, const char *form, const char *count_unit,
                          const char *mu)
{
	struct ehr_drug d = {.name = name, .strength = strength, .form = form, .unit = mu};
	char how[64] = "untouched";
	double v = rx_count_strength(&d, count_unit, mu, how, sizeof(how));
	if (!(v > 0))
		assert_string_equal(how, "untouched");
	else
		assert_string_not_equal(how, "untouched");
	return v;
}

static void strength_sources(void **state)
{
	(void)state;
	/* the column first: the name's strength and its bare number are not read over it */
	assert_true(strength_of("何か錠100mg", "200mg", NULL, "錠", "mg") == 200);
	assert_true(strength_of("クラリス錠50", "200mg", NULL, "錠", "mg") == 200);
	assert_true(strength_of("クラリス錠50", "1mg", NULL, "錠", "mg") == 1); /* a strength of exactly 1 */
	/* a column that cannot be converted (単位 for a mg master), and no number in the name: not known */
	assert_true(strength_of("何か錠", "5単位", NULL, "錠", "mg") == 0);
	assert_true(strength_of(NULL, "5単位", "錠", "錠", "mg") == 0);
	assert_true(strength_of("何か錠", NULL, NULL, "錠", "mg") == 0);
	/* a number too long to be one, after a strength column that cannot be converted */
	assert_true(strength_of("何か錠12345678901234567890123456789012", "5単位", NULL, "錠", "mg") == 0);
	assert_true(strength_of("何か錠1234567890123456789012345678901", "5単位", NULL, "錠", "mg") == 0);
	/* the bare number: its last digit 9, before a maker's 「…」, not when 「 is not closed at the end */
	assert_true(strength_of("何か錠19", NULL, NULL, "錠", "mg") == 19);
	assert_true(strength_of("クラリス錠200「大正」", NULL, NULL, "錠", "mg") == 200);
	assert_true(strength_of("何か錠「X」200", NULL, NULL, "錠", "mg") == 200);
	assert_true(strength_of("何か錠.5", NULL, NULL, "錠", "mg") == 0); /* a leading point is not a number */
	/* only in a master unit that is a measure (mg or mL), not 単位 */
	assert_true(strength_of("何か錠100", NULL, NULL, "錠", "単位") == 0);
	assert_true(strength_of("何かカプセル5", NULL, NULL, "カプセル", "mL") == 5);
	assert_true(strength_of("何かカプセル5", NULL, NULL, "カプセル", "L") == 5);
}

/* What one evaluation gave: the alerts as "level:kind …", every English / Japanese reason and basis joined by " | ". */
struct got {
	char list[256];
	char en[4096], ja[4096], basis[2048];
};

/* Evaluate dose × per_day in unit (every period days) of drug d for a patient of age_months with the context c
 * (NULL: none). */
static void eval_ctx(const struct ehr_drug *d, int age_months, double dose, const char *unit, double per_day,
                     int period, const struct rx_dose_ctx *c, struct got *g)
{
	struct rx_result r;
	memset(&r, 0, sizeof(r));
	memset(g, 0, sizeof(*g));
	r.drug = *d;
	r.age_months = age_months;
	struct rx_order o = {.patient_id = "P",
	                     .drug_code = d->code,
	                     .dose = dose,
	                     .unit = unit,
	                     .per_day = per_day,
	                     .period_days = period};
	struct rx_dose_ctx none = {0};
	rx_dose_eval(&r, &o, c ? c : &none);
	for (size_t i = 0; i < r.n; i++) {
		const char *sep = i ? " | " : "";
		size_t n = strlen(g->list);
		snprintf(g->list + n, sizeof(g->list) - n, "%s%s:%s", i ? " " : "", rx_level_name(r.v[i].level),
		         r.v[i].kind);
		n = strlen(g->en);
		snprintf(g->en + n, sizeof(g->en) - n, "%s%s", sep, r.v[i].reason_en);
		n = strlen(g->ja);
		snprintf(g->ja + n, sizeof(g->ja) - n, "%s%s", sep, r.v[i].reason_ja);
		n = strlen(g->basis);
		snprintf(g->basis + n, sizeof(g->basis) - n, "%s%s", sep, r.v[i].basis.text ? r.v[i].basis.text : "");
	}
	memset(&r.drug, 0, sizeof(r.drug));
	rx_result_release(&r);
}

/* The same for an adult, without a context. */
static void eval(const struct ehr_drug *d, double dose, const char *unit, double per_day, int period, char *got,
                 size_t cap, char *en, size_t ecap)
{
	struct got g;
	eval_ctx(d, 40 * 12, dose, unit, per_day, period, NULL, &g);
	snprintf(got, cap, "%s", g.list);
	snprintf(en, ecap, "%s", g.en);
}

#define HAS(hay, needle)                                              \
	do {                                                          \
		if (!strstr((hay), (needle)))                         \
			fail_msg("'%s' lacks '%s'", (hay), (needle)); \
	} while (0)
#define LACKS(hay, needle)                                          \
	do {                                                        \
		if (strstr((hay), (needle)))                        \
			fail_msg("'%s' has '%s'", (hay), (needle)); \
	} while (0)

static void suppository_in_ko(void **state)
{
	(void)state;
	char got[128], en[1024];
	struct ehr_drug supp = {.code = "S", .name = "ボルタレンサポ50mg", .unit = "mg", .max_daily_dose = 100};
	eval(&supp, 3, "個", 1, 0, got, sizeof(got), en, sizeof(en)); /* 150 mg of 100 */
	assert_string_equal(got, "warn:max-dose");
	eval(&supp, 2, "個", 1, 0, got, sizeof(got), en, sizeof(en)); /* 100 mg: the maximum itself */
	assert_string_equal(got, "");
	/* a tablet's 個 is not a unit of its own */
	struct ehr_drug tab = {.code = "T", .name = "何か錠50mg", .unit = "mg", .max_daily_dose = 100};
	eval(&tab, 3, "個", 1, 0, got, sizeof(got), en, sizeof(en));
	assert_string_equal(got, "warn:dose-unchecked");
}

static void period_of_two_days(void **state)
{
	(void)state;
	char got[128], en[1024];
	struct ehr_drug d = {.code = "P2", .name = "何か錠10mg", .unit = "mg", .max_daily_dose = 10, .period_days = 2};
	eval(&d, 2, "錠", 1, 2, got, sizeof(got), en, sizeof(en)); /* 20 mg per 2 days of 10 */
	assert_string_equal(got, "stop:max-dose");
	assert_non_null(strstr(en, "20 mg per 2 days"));
	eval(&d, 1, "錠", 1, 1, got, sizeof(got), en, sizeof(en)); /* ordered daily */
	assert_non_null(strstr(got, "stop:period"));
	assert_non_null(strstr(en, "once every 2 days"));
}

/* A child: why the dose per kg went unchecked, said right; a weight under 1 kg (a preterm newborn) is a weight. */
static void children_reasons(void **state)
{
	(void)state;
	struct got g;
	struct ehr_drug cal = {
	        .code = "A", .name = "カロナール錠200", .unit = "mg", .max_daily_dose = 4000, .max_per_kg_day = 60};
	struct ehr_drug plain = {.code = "B", .name = "何か錠1mg", .unit = "mg", .max_daily_dose = 30};
	struct rx_dose_ctx w20 = {.weight_kg = 20, .weight_time = "2026-11-01", .today = "2026-11-02"};
	struct rx_dose_ctx w08 = {.weight_kg = 0.8, .weight_time = "2026-11-01", .today = "2026-11-02"};
	/* not weighed, a small dose that converts: no weight is the reason */
	eval_ctx(&cal, 48, 0.5, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "warn:child-dose");
	HAS(g.en, "(no body weight is recorded); weigh the child");
	HAS(g.ja, "(体重の記録なし)。体重を確認してください");
	/* not weighed, a dose that does not convert */
	eval_ctx(&cal, 48, 2, "包", 1, 0, NULL, &g);
	assert_string_equal(g.list, "warn:dose-unchecked warn:child-dose");
	HAS(g.en, "(the dose cannot be converted); weigh the child");
	HAS(g.ja, "(用量を換算できません)");
	/* weighed, a dose that does not convert: not "no maximum per kg", and not "weigh the child" */
	eval_ctx(&cal, 48, 2, "包", 1, 0, &w20, &g);
	assert_string_equal(g.list, "warn:dose-unchecked warn:child-dose");
	HAS(g.en, "children: dose per kg of body weight not checked (the dose cannot be converted)");
	LACKS(g.en, "weigh the child");
	LACKS(g.en, "mg/kg a day at");
	struct ehr_drug one = cal;
	one.max_per_kg_day = 1;
	eval_ctx(&one, 48, 2, "包", 1, 0, &w20, &g);
	HAS(g.en, "(the dose cannot be converted)");
	/* weighed 0.8 kg, no per-kg maximum: the figure per kg, an INFO */
	eval_ctx(&plain, 1, 1, "mg", 1, 0, &w08, &g);
	assert_string_equal(g.list, "info:child-dose");
	HAS(g.en, "(the master gives no maximum per kg for this drug); 1.2 mg/kg a day at 0.8 kg");
	HAS(g.ja, "(マスタに体重あたり最大量なし)。体重 0.8 kg で 1日 1.2 mg/kg");
	/* not weighed, no per-kg maximum: no weight is the reason, an INFO */
	eval_ctx(&plain, 48, 1, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "info:child-dose");
	HAS(g.en, "(no body weight is recorded)");
	/* weighed 0.8 kg with a per-kg maximum: judged on it (50 mg is 62.5 mg/kg of 60) */
	eval_ctx(&cal, 1, 50, "mg", 1, 0, &w08, &g);
	assert_string_equal(g.list, "warn:child-dose");
	HAS(g.en, "62.5 mg/kg, over the maximum of 60 mg/kg a day");
	eval_ctx(&cal, 1, 48, "mg", 1, 0, &w08, &g); /* 60 mg/kg: the maximum itself */
	assert_string_equal(g.list, "");
}

/* A per-kg maximum of exactly 1 mg/kg, and one so small that the bound at the upper weight is under 1 mg. */
static void small_per_kg(void **state)
{
	(void)state;
	struct got g;
	struct ehr_drug one = {.code = "O", .name = "何か散", .unit = "mg", .max_daily_dose = 100, .max_per_kg_day = 1};
	eval_ctx(&one, 48, 10, "mg", 1, 0, NULL, &g); /* 4 years: 25 mg at 25 kg */
	assert_string_equal(g.list, "warn:child-dose");
	HAS(g.basis, "; children 1 mg/kg a day");
	eval_ctx(&one, 48, 25, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "warn:child-dose");
	eval_ctx(&one, 48, 26, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "stop:child-dose");
	struct ehr_drug tiny = one;
	tiny.max_per_kg_day = 0.04; /* 1 mg at 25 kg */
	eval_ctx(&tiny, 48, 1, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "warn:child-dose");
	eval_ctx(&tiny, 48, 1.5, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "stop:child-dose");
}

/* How old a child's weight is: said for a weight under 1 kg too, and an INFO when no per-kg maximum was judged on
 * it (a dose that does not convert); a date shorter than a day is no date. */
static void weight_ages(void **state)
{
	(void)state;
	struct got g;
	struct ehr_drug cal = {
	        .code = "A", .name = "カロナール錠200", .unit = "mg", .max_daily_dose = 4000, .max_per_kg_day = 60};
	struct rx_dose_ctx old = {.weight_kg = 0.8, .weight_time = "2026-01-01", .today = "2026-11-02"};
	eval_ctx(&cal, 1, 10, "mg", 1, 0, &old, &g);
	assert_string_equal(g.list, "warn:weight-age");
	old.weight_kg = 20;
	eval_ctx(&cal, 48, 2, "包", 1, 0, &old, &g);
	assert_string_equal(g.list, "warn:dose-unchecked warn:child-dose info:weight-age");
	char *month = lb_strdup("2026-11"); /* on the heap: a read past its end is seen (ASan) */
	struct rx_dose_ctx nodate = {.weight_kg = 20, .weight_time = month, .today = "2026-11-02"};
	eval_ctx(&cal, 48, 100, "mg", 1, 0, &nodate, &g);
	assert_string_equal(g.list, "warn:weight-age");
	HAS(g.en, "has no date of measurement");
	free(month);
}

/* The basis of a master's alert: no maximum, a maximum of exactly 1, a period of one day (none). */
static void basis_texts(void **state)
{
	(void)state;
	struct got g;
	struct ehr_drug none = {.code = "N", .name = "何か錠1mg", .unit = "mg", .period_days = 1};
	eval_ctx(&none, 48, 1, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "info:child-dose");
	assert_string_equal(g.basis, "drug master: no maximum dose (N)");
	struct ehr_drug max1 = {.code = "M", .name = "何か錠1mg", .unit = "mg", .max_daily_dose = 1};
	eval_ctx(&max1, 40 * 12, 2, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "stop:max-dose");
	assert_string_equal(g.basis, "drug master: maximum 1 mg a day (M)");
}

/* The maximum: none in the master, over it alone (not "with the same ingredient"), not narrow (no narrow words);
 * a dose that does not convert for a drug without a maximum says nothing; 錠200 ordered in mL is not told about
 * the number in its name. */
static void maximum_words(void **state)
{
	(void)state;
	struct got g;
	struct ehr_drug none = {.code = "N", .name = "何か錠10mg", .unit = "mg"};
	eval_ctx(&none, 40 * 12, 10, "mg", 1, 0, NULL, &g);
	assert_string_equal(g.list, "");
	eval_ctx(&none, 40 * 12, 2, "包", 1, 0, NULL, &g);
	assert_string_equal(g.list, "");
	struct ehr_drug d = {.code = "D", .name = "何か錠50mg", .unit = "mg", .max_daily_dose = 100};
	eval_ctx(&d, 40 * 12, 50, "mg", 3, 0, NULL, &g);
	assert_string_equal(g.list, "warn:max-dose");
	HAS(g.en, "max dose: 150 mg a day is over the maximum of 100 mg (×1.5)");
	LACKS(g.en, "narrow");
	LACKS(g.ja, "治療域");
	struct ehr_drug cla = {.code = "C", .name = "クラリス錠200", .unit = "mg", .max_daily_dose = 400};
	eval_ctx(&cla, 40 * 12, 5, "mL", 1, 0, NULL, &g);
	assert_string_equal(g.list, "warn:dose-unchecked");
	LACKS(g.en, "in the name");
	eval_ctx(&cla, 40 * 12, 5, "包", 1, 0, NULL, &g);
	HAS(g.en, "the number 200 in the name");
}

/* Small amounts elsewhere (under 1 mg) are added; an unknown dose elsewhere is said once, also for a small dose. */
static void small_amounts_elsewhere(void **state)
{
	(void)state;
	struct got g;
	struct ehr_drug d = {.code = "D", .name = "何か錠0.5mg", .unit = "mg", .max_daily_dose = 1};
	struct rx_dose_ctx lines = {.lines = 0.6};
	buf_adds(&lines.lines_text, "line 2: 何か錠0.5mg 0.6 mg");
	eval_ctx(&d, 40 * 12, 0.5, "mg", 1, 0, &lines, &g); /* 1.1 mg of 1 */
	assert_string_equal(g.list, "warn:max-dose");
	HAS(g.en, "total is 1.1 mg a day");
	rx_dose_ctx_release(&lines);
	struct rx_dose_ctx outage = {.outage = 0.6};
	buf_adds(&outage.outage_text, "何か錠0.5mg 0.6 mg (#1)");
	eval_ctx(&d, 40 * 12, 0.5, "mg", 1, 0, &outage, &g);
	assert_string_equal(g.list, "warn:max-dose");
	HAS(g.en, "outage orders: 何か錠0.5mg 0.6 mg (#1)");
	rx_dose_ctx_release(&outage);
	struct rx_dose_ctx unknown = {0};
	buf_adds(&unknown.unknown_text, "何か錠 (ORD9)");
	eval_ctx(&d, 40 * 12, 0.5, "mg", 1, 0, &unknown, &g);
	assert_string_equal(g.list, "warn:dose-unchecked");
	HAS(g.en,
	    "dose sum: the same ingredient is ordered elsewhere without a dose that can be added (何か錠 (ORD9))");
	eval_ctx(&d, 40 * 12, 1, "mL", 1, 0, &unknown, &g); /* not converted itself: said once, as not converted */
	assert_string_equal(g.list, "warn:dose-unchecked");
	LACKS(g.en, "dose sum");
	rx_dose_ctx_release(&unknown);
}

/* The dose line as rx check prints it. */
static void dose_line(void **state)
{
	(void)state;
	struct rx_result r;
	memset(&r, 0, sizeof(r));
	r.drug = (struct ehr_drug){.code = "D", .name = "何か錠1mg", .unit = "mg", .max_daily_dose = 10};
	snprintf(r.unit, sizeof(r.unit), "mg");
	struct rx_order o = {.patient_id = "P", .drug_code = "D", .dose = 2, .unit = "錠", .per_day = 3};
	struct buf b = {0};
	/* not converted: said, and no total */
	rx_dose_text(&o, &r, &b, 0);
	assert_string_equal(buf_cstr(&b), "2 錠 × 3 a day (maximum dose not checked)");
	buf_reset(&b);
	rx_dose_text(&o, &r, &b, 1);
	assert_string_equal(buf_cstr(&b), "1回 2 錠 × 1日3回 (最大量は未チェック)");
	/* a tablet of exactly 1 mg: the strength is shown */
	r.daily = r.total_daily = 6;
	r.strength = 1;
	buf_reset(&b);
	rx_dose_text(&o, &r, &b, 0);
	assert_string_equal(buf_cstr(&b), "2 錠 × 3 a day (1 錠 = 1 mg) = 6 mg a day (max 10 mg)");
	/* a day of exactly 1 mg, with exactly 1 mg more in each place, a maximum of exactly 1 */
	o = (struct rx_order){.patient_id = "P", .drug_code = "D", .dose = 1, .unit = "mg", .per_day = 1};
	r.strength = 0;
	r.daily = 1;
	r.active_daily = 1;
	r.total_daily = 2;
	r.drug.max_daily_dose = 1;
	buf_reset(&b);
	rx_dose_text(&o, &r, &b, 0);
	assert_string_equal(buf_cstr(&b),
	                    "1 mg × 1 a day = 1 mg a day; total 2 mg: this order 1 mg + active 1 mg (max 1 mg)");
	r.active_daily = 0;
	r.lines_daily = 1;
	buf_reset(&b);
	rx_dose_text(&o, &r, &b, 0);
	assert_string_equal(buf_cstr(&b),
	                    "1 mg × 1 a day = 1 mg a day; total 2 mg: this order 1 mg + other lines of this "
	                    "prescription 1 mg (max 1 mg)");
	r.lines_daily = 0;
	r.outage_daily = 1;
	buf_reset(&b);
	rx_dose_text(&o, &r, &b, 0);
	assert_string_equal(buf_cstr(&b),
	                    "1 mg × 1 a day = 1 mg a day; total 2 mg: this order 1 mg + outage orders 1 mg (max 1 mg)");
	/* no maximum: none shown; a small total and a weight under 1 kg: per kg */
	r.outage_daily = 0;
	r.drug.max_daily_dose = 0;
	r.daily = r.total_daily = 0.5;
	o.dose = 0.5;
	r.weight_kg = 0.8;
	buf_reset(&b);
	rx_dose_text(&o, &r, &b, 0);
	assert_string_equal(buf_cstr(&b), "0.5 mg × 1 a day = 0.5 mg a day, 0.6 mg/kg at 0.8 kg");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(strength_sources),
	        cmocka_unit_test(suppository_in_ko),
	        cmocka_unit_test(period_of_two_days),
	        cmocka_unit_test(children_reasons),
	        cmocka_unit_test(small_per_kg),
	        cmocka_unit_test(weight_ages),
	        cmocka_unit_test(basis_texts),
	        cmocka_unit_test(maximum_words),
	        cmocka_unit_test(small_amounts_elsewhere),
	        cmocka_unit_test(dose_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
