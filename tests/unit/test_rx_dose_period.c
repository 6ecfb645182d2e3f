/*
 * test_rx_dose_period.c - the same-ingredient total counts each other line and outage order by its own dosing
 * period (src/rx/dose_rule.c, add_other): its doses per the checked product's period, a daily order of a weekly
 * product seven a week, a weekly order in full once (also against a daily maximum: all of it is given on its day);
 * an outage order recorded before its period was kept (period 0) counts by its product's own period.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rx_ward.h"

/* alendronate: a weekly 35 mg product and a daily 5 mg one, the same ingredient */
static const char drugs_csv[] = "name,code,kana,generic_name,unit,max_daily_dose,dosing_period\n"
                                "フォサマック錠35mg,D-FOSA,フォサマック,アレンドロン酸ナトリウム水和物,mg,35,7\n"
                                "ボナロン錠5mg,D-BONA,ボナロン,アレンドロン酸ナトリウム水和物,mg,5,1\n";

static int setup(void **state)
{
	(void)state;
	static const char *const files[] = {"Patient.ndjson",
	                                    PATIENT("PD0001", "female", "期間", "花子", "キカン", "ハナコ"), NULL};
	return rxw_open("rx-period", drugs_csv, files, 1);
}

/* Check drug (dose mg once on each dosing day, every period days) against one other order x; *r is filled. */
static void check(const char *drug, double dose, int period, const struct rx_other *x, struct rx_result *r)
{
	struct rx_order o = {.patient_id = "PD0001",
	                     .drug_code = drug,
	                     .dose = dose,
	                     .unit = "mg",
	                     .per_day = 1,
	                     .period_days = period,
	                     .others = x,
	                     .n_others = 1};
	assert_int_equal(rx_check(st, &o, r), 0);
}

static struct rx_other outage(const char *drug, double dose, int period)
{
	return (struct rx_other){.drug_code = drug,
	                         .dose = dose,
	                         .unit = "mg",
	                         .per_day = 1,
	                         .period_days = period,
	                         .basis_type = "outage-order",
	                         .id = "1",
	                         .text = "2026-12-01 outage order"};
}

/* The checked weekly product: another weekly order once a week, a daily one seven times. */
static void test_weekly_product(void **state)
{
	(void)state;
	struct rx_result r;
	struct rx_other x = outage("D-FOSA", 35, 7);
	check("D-FOSA", 35, 7, &x, &r);
	assert_true(r.period_days == 7 && r.daily == 35 && r.outage_daily == 35 && r.total_daily == 70);
	assert_true(r.stop); /* 2× the weekly maximum */
	rx_result_release(&r);

	x = outage("D-FOSA", 5, 1); /* a weekly product recorded daily: 35 mg a week */
	check("D-FOSA", 5, 7, &x, &r);
	assert_true(r.outage_daily == 35 && r.total_daily == 40);
	rx_result_release(&r);

	x = outage("D-FOSA", 6, 6); /* every 6 days: 7/6 of a dose per week */
	check("D-FOSA", 5, 7, &x, &r);
	assert_true(r.outage_daily > 6.99 && r.outage_daily < 7.01);
	rx_result_release(&r);

	x = outage("D-FOSA", 5, 0); /* recorded before the period was kept: its product's own, once a week */
	check("D-FOSA", 5, 7, &x, &r);
	assert_true(r.outage_daily == 5 && r.total_daily == 10);
	rx_result_release(&r);

	x = outage("D-BONA", 5, 1); /* the daily product of the ingredient, daily: seven doses a week */
	check("D-FOSA", 5, 7, &x, &r);
	assert_true(r.outage_daily == 35 && r.total_daily == 40);
	rx_result_release(&r);

	x = outage("D-BONA", 5, 0); /* … not recorded: by its own product's period, daily */
	check("D-FOSA", 5, 7, &x, &r);
	assert_true(r.outage_daily == 35);
	rx_result_release(&r);

	/* a line of the same prescription counts by its period as well */
	x = outage("D-FOSA", 5, 1);
	x.basis_type = "prescription";
	x.id = NULL;
	check("D-FOSA", 5, 7, &x, &r);
	assert_true(r.lines_daily == 35 && r.outage_daily == 0 && r.total_daily == 40);
	rx_result_release(&r);
}

/* The checked daily product: a weekly order of the ingredient counts in full (its day's dose), never a seventh. */
static void test_daily_product(void **state)
{
	(void)state;
	struct rx_result r;
	struct rx_other x = outage("D-FOSA", 35, 7);
	check("D-BONA", 5, 1, &x, &r);
	assert_true(r.period_days == 1 && r.daily == 5 && r.outage_daily == 35 && r.total_daily == 40);
	assert_true(r.stop);
	rx_result_release(&r);

	x = outage("D-BONA", 5, 1);
	check("D-BONA", 5, 1, &x, &r);
	assert_true(r.outage_daily == 5 && r.total_daily == 10);
	rx_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_weekly_product),
	        cmocka_unit_test(test_daily_product),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
