/*
 * test_rx_weight.c - the body weight rx check reads from the store for a child (src/rx/dose_rule.c, rx_rule_dose):
 * read for every patient under 15 (a newborn, a day before the 15th birthday), not from the 15th birthday on, and
 * never shown for an adult. Birth dates are counted from today, so the ward is written at setup.
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

#include "rx_ward.h"

static const char drugs_csv[] = "name,code,kana,generic_name,unit,max_daily_dose,max_per_kg_day\n"
                                "カロナール錠200,D-CALO,カロナール,アセトアミノフェン,mg,4000,60\n";

/* A Patient born `days` days before today (years: that many years before, the same day). */
static void born(char *out, size_t cap, const char *id, int years, int days)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	int y, m, d;
	lb_civil_from_days(lb_days_from_civil(tm.tm_year + 1900 - years, tm.tm_mon + 1,
	                                      tm.tm_mon == 1 && tm.tm_mday == 29 ? 28 : tm.tm_mday) -
	                           days,
	                   &y, &m, &d);
	snprintf(out, cap,
	         "{\"resourceType\":\"Patient\",\"id\":\"%s\"," NAME(
	                 "体重", "太郎", "タイジュウ", "タロウ") ",\"gender\":"
	                                                         "\"male\",\"birthDate\":\"%04d-%02d-%02d\"}\n",
	         id, y, m, d);
}

/* A body weight of kg measured yesterday. */
static void weight(char *out, size_t cap, const char *id, double kg)
{
	time_t now = time(NULL) - 86400;
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(out, cap,
	         "{\"resourceType\":\"Observation\",\"id\":\"W-%s\",\"status\":\"final\",\"code\":{\"coding\":[{"
	         "\"system\":\"http://loinc.org\",\"code\":\"29463-7\",\"display\":\"体重\"}]},\"subject\":{"
	         "\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%04d-%02d-%02dT09:00:00+09:00\","
	         "\"valueQuantity\":{\"value\":%g,\"unit\":\"kg\"}}\n",
	         id, id, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, kg);
}

static char patients[4096], obs[4096];

static int setup(void **state)
{
	(void)state;
	char line[1024];
	struct {
		const char *id;
		int years, days;
		double kg;
	} p[] = {{"W00", 0, 0, 3.2}, {"W14", 15, -1, 50}, {"W15", 15, 0, 50}, {"W40", 40, 0, 60}};
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		born(line, sizeof(line), p[i].id, p[i].years, p[i].days);
		strcat(patients, line);
		weight(line, sizeof(line), p[i].id, p[i].kg);
		strcat(obs, line);
	}
	static const char *files[] = {"Patient.ndjson", patients, "Observation.ndjson", obs, NULL};
	return rxw_open("rxweight", drugs_csv, files, 0);
}

/* Check カロナール dose mg × per_day for pid: the sorted alert list, and the weight rx check used (0: none). */
static void check(const char *pid, double dose, double per_day, const char *want, double want_kg)
{
	struct rx_order o = {.patient_id = pid, .drug_code = "D-CALO", .dose = dose, .unit = "mg", .per_day = per_day};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	struct buf got = {0};
	rxw_alert_list(&r, 0, &got);
	if (strcmp(buf_cstr(&got), want) || r.weight_kg != want_kg) {
		for (size_t i = 0; i < r.n; i++)
			print_message("  %s:%s: %s\n", rx_level_name(r.v[i].level), r.v[i].kind, r.v[i].reason_en);
		fail_msg("%s %g x%g: got '%s' at %g kg, want '%s' at %g kg", pid, dose, per_day, buf_cstr(&got),
		         r.weight_kg, want, want_kg);
	}
	for (size_t i = 0; i < r.n; i++)
		if (!want_kg && strstr(r.v[i].reason_en, "/kg at"))
			fail_msg("%s: an adult's dose shown per kg: %s", pid, r.v[i].reason_en);
	buf_release(&got);
	rx_result_release(&r);
}

static void read_for_children_only(void **state)
{
	(void)state;
	/* a newborn of 3.2 kg: 200 mg is 62.5 mg/kg, over 60 */
	check("W00", 200, 1, "warn:child-dose", 3.2);
	check("W00", 40, 1, "", 3.2);
	/* a day before the 15th birthday: a child of 50 kg, 3000 mg a day is 60 mg/kg, exactly the maximum */
	check("W14", 1000, 3, "", 50);
	check("W14", 1100, 3, "warn:child-dose", 50);
	/* from the 15th birthday the adult maximum only, and no weight */
	check("W15", 1100, 3, "", 0);
	check("W40", 1100, 3, "", 0);
	check("W40", 1500, 3, "warn:max-dose", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(read_for_children_only),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
