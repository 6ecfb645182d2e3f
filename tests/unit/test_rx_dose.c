/*
 * test_rx_dose.c - amounts and units as written on paper prescriptions (src/rx/dose.c): widths, separators, unit
 * spellings, conversions, and a tablet's strength read from its product name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "rx/rx.h"

static void amounts(void **state)
{
	(void)state;
	double v;
	const char *u;
	assert_int_equal(rx_parse_amount("250", &v, &u), 0);
	assert_true(v == 250 && u == NULL);
	assert_int_equal(rx_parse_amount("１，０００ｍｇ", &v, &u), 0);
	assert_true(v == 1000);
	assert_string_equal(u, "ｍｇ");
	assert_int_equal(rx_parse_amount(" 0.5 g", &v, &u), 0);
	assert_true(v == 0.5);
	assert_string_equal(u, "g");
	assert_int_equal(rx_parse_amount("2錠", &v, &u), 0);
	assert_true(v == 2);
	assert_string_equal(u, "錠");
	/* what is not an amount */
	assert_true(rx_parse_amount("", &v, NULL) < 0);
	assert_true(rx_parse_amount("abc", &v, NULL) < 0);
	assert_true(rx_parse_amount("0", &v, NULL) < 0);
	assert_true(rx_parse_amount("1.2.3", &v, NULL) < 0);
	assert_true(rx_parse_amount("250mg", &v, NULL) < 0); /* no unit allowed where none is asked for */
	assert_true(rx_parse_amount("99999999999", &v, NULL) < 0);
	assert_true(rx_parse_amount("-5", &v, NULL) < 0);
}

static void units(void **state)
{
	(void)state;
	char u[32];
	assert_string_equal(rx_unit_norm("mg", u, sizeof(u)), "mg");
	assert_string_equal(rx_unit_norm("ｍｇ", u, sizeof(u)), "mg");
	assert_string_equal(rx_unit_norm("MG", u, sizeof(u)), "mg");
	assert_string_equal(rx_unit_norm("㎎", u, sizeof(u)), "mg");
	assert_string_equal(rx_unit_norm("mcg", u, sizeof(u)), "μg");
	assert_string_equal(rx_unit_norm("µg", u, sizeof(u)), "μg");
	assert_string_equal(rx_unit_norm("ml", u, sizeof(u)), "mL");
	assert_string_equal(rx_unit_norm("T", u, sizeof(u)), "錠");
	assert_string_equal(rx_unit_norm("IU", u, sizeof(u)), "単位");
	assert_string_equal(rx_unit_norm("ｶﾌﾟｾﾙ", u, sizeof(u)), "カプセル");
	assert_string_equal(rx_unit_norm(" 袋 ", u, sizeof(u)), "袋");
	assert_true(rx_unit_factor("g", "mg") == 1000);
	assert_true(rx_unit_factor("μg", "mg") == 0.001);
	assert_true(rx_unit_factor("L", "mL") == 1000);
	assert_true(rx_unit_factor("mg", "mg") == 1);
	assert_true(rx_unit_factor("錠", "mg") == 0);
	assert_true(rx_unit_factor("mL", "mg") == 0);
	/* a cut never splits a character */
	char small[5];
	rx_unit_norm("袋袋袋", small, sizeof(small));
	assert_string_equal(small, "袋");
}

static void strengths(void **state)
{
	(void)state;
	double a;
	char u[16];
	assert_int_equal(rx_strength_from_name("ロキソニン錠60mg", &a, u, sizeof(u)), 1);
	assert_true(a == 60);
	assert_string_equal(u, "mg");
	assert_int_equal(rx_strength_from_name("アモキシシリンカプセル250mg「サワイ」", &a, u, sizeof(u)), 1);
	assert_true(a == 250);
	assert_int_equal(rx_strength_from_name("チラーヂンS錠50μg", &a, u, sizeof(u)), 1);
	assert_true(a == 50);
	assert_string_equal(u, "μg");
	assert_int_equal(rx_strength_from_name("クラリス錠200", &a, u, sizeof(u)), 0); /* no unit: not guessed */
	assert_int_equal(rx_strength_from_name(NULL, &a, u, sizeof(u)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(amounts),
	        cmocka_unit_test(units),
	        cmocka_unit_test(strengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
