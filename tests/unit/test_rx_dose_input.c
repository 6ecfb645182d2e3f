/*
 * test_rx_dose_input.c - typed dose input that is refused rather than guessed (src/rx/dose.c, issue 14): a fraction
 * (1/2, ½) or an exponent (1e3) is not read as its first number and a unit; a unit that is no dose's (kg, cm, ℃,
 * %, h …) or a dose per body weight or time (mg/kg, mL/h) is refused naming it, in the amount and in a unit field
 * (rx_check). The detail is one line, in Japanese and English. And each edge of an amount, a unit and a strength
 * in a product name that the planted-bug exercise (tests/mutation/run.sh, issue 13) found untested.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "rx/rx_int.h"

/* rx_parse_amount(s) with a unit refused, its detail (in English) containing want. */
static void refused(const char *s, const char *want)
{
	double v = -1;
	const char *u = (const char *)1;
	lb_set_lang(LB_LANG_EN);
	int rc = rx_parse_amount(s, &v, &u);
	if (rc != -LB_EINVAL || !strstr(lb_errmsg(), want) || strchr(lb_errmsg(), '\n'))
		fail_msg("'%s': rc %d, '%s' (want -EINVAL and '%s')", s, rc, lb_errmsg(), want);
	assert_true(v == 0);
	assert_null(u);
}

static void fractions(void **state)
{
	(void)state;
	refused("1/2", "a fraction is not accepted");
	refused("1/2錠", "write the amount as a decimal (1/2 → 0.5)");
	refused("１／２", "a fraction");
	refused("1⁄2", "a fraction");
	refused("½", "a fraction");
	refused("½錠", "a fraction");
	refused("1½", "a fraction");
	refused("⅓", "a fraction");
	refused(" 1/4 mg", "a fraction");
	/* without a number after the slash it is not a fraction: the unit's matter */
	double v;
	const char *u;
	assert_int_equal(rx_parse_amount("2錠/回", &v, &u), 0);
	assert_true(v == 2);
	assert_string_equal(u, "錠/回");
	lb_set_lang(LB_LANG_JA);
	assert_true(rx_parse_amount("1/2", &v, &u) < 0);
	assert_non_null(strstr(lb_errmsg(), "分数は使えません。小数で書いてください"));
	lb_set_lang(LB_LANG_EN);
	/* where no unit is asked for (times a day, a strength's number) it is refused the same */
	assert_true(rx_parse_amount("1/2", &v, NULL) < 0);
	assert_non_null(strstr(lb_errmsg(), "a fraction"));
}

static void exponents(void **state)
{
	(void)state;
	refused("1e3", "an exponent is not accepted; write the amount in full (1e3 → 1000)");
	refused("1E3", "an exponent");
	refused("2.5e-1mg", "an exponent");
	refused("1e+2", "an exponent");
	refused("１ｅ３", "an exponent");
	double v;
	const char *u;
	lb_set_lang(LB_LANG_JA);
	assert_true(rx_parse_amount("1e3", &v, &u) < 0);
	assert_non_null(strstr(lb_errmsg(), "指数表記は使えません"));
	lb_set_lang(LB_LANG_EN);
	/* an e not before a digit is a unit's letter, not an exponent: the check says what it cannot compare */
	assert_int_equal(rx_parse_amount("5 eq", &v, &u), 0);
	assert_string_equal(u, "eq");
	assert_int_equal(rx_parse_amount("5e", &v, &u), 0);
	assert_string_equal(u, "e");
	assert_true(rx_parse_amount("e3", &v, &u) < 0); /* not an amount at all */
	assert_int_equal(rx_parse_amount("1mEq", &v, &u), 0);
}

static void not_dose_units(void **state)
{
	(void)state;
	refused("60kg", "kg is not a unit of a dose");
	refused("60 ｋｇ", "ｋｇ is not a unit of a dose");
	refused("5cm", "cm is not a unit");
	refused("37℃", "℃ is not a unit");
	refused("5%", "% is not a unit");
	refused("5％", "is not a unit");
	refused("2h", "h is not a unit");
	refused("3日", "日 is not a unit");
	refused("5mg/kg", "mg/kg is a dose per body weight, body surface or time");
	refused("2mL/h", "mL/h is a dose per");
	refused("100mg/m2", "is a dose per");
	refused("180mg/日", "is a dose per");
	/* the dose units stay, and so do the unknown ones (the check says it cannot compare them) */
	static const char *const ok[] = {"5mg", "0.5g",  "50μg", "2錠", "1カプセル", "1包",    "10mL",  "8単位",
	                                 "1袋", "2噴霧", "1mEq", "3回", "3回/日",    "1錠/回", "5ｍｇ", "2T"};
	for (size_t i = 0; i < LB_ARRAY_LEN(ok); i++) {
		double v;
		const char *u;
		if (rx_parse_amount(ok[i], &v, &u) < 0)
			fail_msg("'%s' refused: %s", ok[i], lb_errmsg());
	}
	/* a unit field on its own: named once, not quoted twice */
	assert_true(rx_unit_check("kg", "kg") < 0);
	assert_string_equal(lb_errmsg(), "kg is not a unit of a dose (a weight, length, temperature, percentage or "
	                                 "time); write the dose in mg, g, μg, mL, 錠 …");
	lb_set_lang(LB_LANG_JA);
	assert_true(rx_unit_check("mL/h", "mL/h") < 0);
	assert_non_null(strstr(lb_errmsg(), "mL/h は体重・体表面積・時間あたりの量です"));
	assert_true(rx_unit_check("cm", "cm") < 0);
	assert_non_null(strstr(lb_errmsg(), "cm は用量の単位ではありません"));
	lb_set_lang(LB_LANG_EN);
	assert_int_equal(rx_unit_check("mg", "mg"), 0);
	assert_int_equal(rx_unit_check(" ", " "), 0);
	assert_int_equal(rx_unit_check("x", NULL), 0);
	assert_int_equal(rx_unit_check("回/日", "回/日"), 0);
	assert_int_equal(rx_unit_check("/kg", "/kg"), 0);   /* nothing before the slash: not a dose per kg */
	assert_true(rx_unit_check("　kg　", "　kg　") < 0); /* full-width spaces around it */
}

/* The same reasons in the language a caller asks for, whatever the process's (the station answers each request in
 * its own): a unit field, a dose with its unit, γ; nothing for a dose unit or an amount refused for another cause. */
static void unit_messages(void **state)
{
	(void)state;
	lb_set_lang(LB_LANG_EN);
	struct buf b = {0};
	assert_int_equal(rx_unit_message(&b, "kg", "kg", 1), 1);
	assert_string_equal(buf_cstr(&b),
	                    "kg は用量の単位ではありません (体重・長さ・温度・割合・時間)。mg, g, μg, mL, "
	                    "錠 などで書いてください");
	buf_reset(&b);
	assert_int_equal(rx_amount_unit_message(&b, "60kg", 1), 1);
	assert_string_equal(buf_cstr(&b), "'60kg': kg は用量の単位ではありません (体重・長さ・温度・割合・時間)。mg, "
	                                  "g, μg, mL, 錠 などで書いてください");
	buf_reset(&b);
	assert_int_equal(rx_amount_unit_message(&b, "5mg/kg", 0), 1);
	assert_string_equal(buf_cstr(&b), "'5mg/kg': mg/kg is a dose per body weight, body surface or time; write the "
	                                  "single dose in mg, g, μg, mL, 錠 … and the times a day apart");
	buf_reset(&b);
	lb_set_lang(LB_LANG_JA);
	assert_int_equal(rx_amount_unit_message(&b, "3γ", 0), 1);
	assert_string_equal(buf_cstr(&b), "'3γ': γ means μg/kg/min on a ward, not μg; write the dose in μg or mg");
	buf_reset(&b);
	assert_int_equal(rx_unit_message(&b, "3 γ", "γ", 1), 1);
	assert_string_equal(buf_cstr(&b),
	                    "'3 γ': γ は病棟では μg/kg/分 の意味で μg ではありません。μg か mg で書いてください");
	lb_set_lang(LB_LANG_EN);
	/* rx_unit_check says the same as rx_unit_message in the process's language; γ is refused there too */
	assert_true(rx_unit_check("γ", "γ") < 0);
	assert_string_equal(lb_errmsg(), "γ means μg/kg/min on a ward, not μg; write the dose in μg or mg");
	/* nothing said, out as it was */
	buf_reset(&b);
	buf_adds(&b, "x");
	static const char *const fine[] = {"250mg", "2錠", "1袋", "abc", "1/2", "0,5", "", "250"};
	for (size_t i = 0; i < LB_ARRAY_LEN(fine); i++)
		if (rx_amount_unit_message(&b, fine[i], 1) != 0)
			fail_msg("'%s' said: %s", fine[i], buf_cstr(&b));
	assert_int_equal(rx_amount_unit_message(&b, NULL, 1), 0);
	assert_int_equal(rx_unit_message(&b, "mg", "mg", 1), 0);
	assert_int_equal(rx_unit_message(&b, "x", NULL, 0), 0);
	assert_string_equal(buf_cstr(&b), "x");
	buf_release(&b);
}

/* rx_check refuses a unit field of no dose before it reads the store (a NULL store is never reached). */
static void check_refuses(void **state)
{
	(void)state;
	struct rx_result r;
	static const char *const bad[] = {"kg", "cm", "℃", "%", "mg/kg"};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		struct rx_order o = {.patient_id = "P", .drug_code = "D", .dose = 1, .unit = bad[i], .per_day = 1};
		assert_int_equal(rx_check(NULL, &o, &r), -LB_EUSAGE);
		assert_non_null(strstr(lb_errmsg(), bad[i]));
		rx_result_release(&r);
	}
}

/* rx_parse_amount(s) read as want (and unit, NULL: none). */
static void reads(const char *s, double want, const char *unit)
{
	double v = -1;
	const char *u = (const char *)1;
	int rc = rx_parse_amount(s, &v, &u);
	if (rc != 0 || v != want || (unit ? !u || strcmp(u, unit) : u != NULL))
		fail_msg("'%s': rc %d, %g '%s' (want %g '%s')", s, rc, v, rc == 0 && u ? u : "", want,
		         unit ? unit : "");
}

/* rx_parse_amount(s) refused with a detail (English) containing want; out of range keeps the number read. */
static void refused_as(const char *s, const char *want)
{
	double v = -1;
	const char *u = (const char *)1;
	lb_set_lang(LB_LANG_EN);
	int rc = rx_parse_amount(s, &v, &u);
	if (rc != -LB_EINVAL || !strstr(lb_errmsg(), want) || strchr(lb_errmsg(), '\n'))
		fail_msg("'%s': rc %d, '%s' (want -EINVAL and '%s')", s, rc, lb_errmsg(), want);
	assert_null(u);
}

/* The planted-bug exercise's survivors in dose.c (issue 13): each edge of what an amount may be. */
static void amount_edges(void **state)
{
	(void)state;
	static const char *const comma = "a comma is only a thousands separator";
	/* full-width digits to ９; a tab is a space before the amount and before its unit */
	reads("９", 9, NULL);
	reads("１９ｍｇ", 19, "ｍｇ");
	reads("\t5", 5, NULL);
	reads("5\tmg", 5, "mg");
	/* thousands: up to three digits before the first comma, three in each group; nothing else */
	reads("123,456", 123456, NULL);
	reads("1,500.5", 1500.5, NULL);
	refused_as("1234,567", comma);
	refused_as(",500", comma);
	refused_as("1,,500", comma);
	refused_as("1,.5", comma);
	refused_as("1,", comma);
	refused_as("1.5,1/2", comma); /* a comma after the point: the comma is what is wrong, not the 1/2 read later */
	/* the vulgar fractions from ⅐ to ⅞, and a slash before 0 or 9; a slash before a letter is no fraction */
	refused_as("1\u2150", "a fraction is not accepted");
	refused_as("1\u215E", "a fraction is not accepted");
	refused_as("1/0", "a fraction is not accepted");
	refused_as("1/9", "a fraction is not accepted");
	reads("1/x", 1, "/x");
	/* an exponent: a full-width Ｅ, a full-width + or −, a minus sign, the digits 0 and 9 */
	static const char *const exp[] = {"1Ｅ3", "1e＋3", "1e－3", "1e\u22123", "1e0", "1e9"};
	for (size_t i = 0; i < LB_ARRAY_LEN(exp); i++)
		refused_as(exp[i], "an exponent is not accepted");
	/* nothing, or only a point, is no amount (not "out of range") */
	refused_as("", "is not an amount");
	refused_as(".", "is not an amount");
	refused_as(" mg", "is not an amount");
	/* the largest amount is one under 10,000,000 */
	reads("9999999", 9999999, NULL);
	refused_as("10000000", "out of range");
	/* 31 characters are read, 32 are too long */
	reads("0000000000000000000000000000001", 1, NULL);
	refused_as("00000000000000000000000000000001", "too long");
}

/* γ, kg after spaces (ASCII or ideographic); conversions of no unit; what rx_amount_unit_message leaves alone. */
static void unit_edges(void **state)
{
	(void)state;
	assert_int_equal(rx_unit_refused(NULL), 0);
	assert_int_equal(rx_unit_refused(" γ"), 1);
	assert_int_equal(rx_unit_refused("\u3000γ"), 1);
	assert_int_equal(rx_unit_refused("mg"), 0);
	struct buf b = {0};
	assert_int_equal(rx_unit_message(&b, NULL, " kg", 0), 1);
	assert_non_null(strstr(buf_cstr(&b), "not a unit of a dose"));
	buf_reset(&b);
	assert_int_equal(rx_unit_message(&b, NULL, "\u3000kg", 0), 1);
	assert_non_null(strstr(buf_cstr(&b), "not a unit of a dose"));
	/* the spaces before it do not count in the 64 bytes of a unit read */
	char spaced[80];
	memset(spaced, ' ', 70);
	strcpy(spaced + 70, "kg");
	buf_reset(&b);
	assert_int_equal(rx_unit_message(&b, NULL, spaced, 0), 1);
	buf_release(&b);
	assert_true(rx_unit_factor(NULL, "mg") == 0);
	assert_true(rx_unit_factor("mg", NULL) == 0);
	assert_true(rx_unit_factor("", "mg") == 0);
	assert_true(rx_unit_factor("g", "mg") == 1000);
}

/* A strength in a product name: only a mass or a volume, the whole run of letters after the number, within the
 * first 512 bytes of the name. */
static void strength_edges(void **state)
{
	(void)state;
	double v = 0;
	char u[16] = "";
	assert_int_equal(rx_strength_from_name("何か錠.5mg", &v, u, sizeof(u)), 1); /* a leading point: 5 mg */
	assert_true(v == 5);
	assert_string_equal(u, "mg");
	/* a count (tab, 錠) is no strength */
	assert_int_equal(rx_strength_from_name("何か錠5tab", &v, u, sizeof(u)), 0);
	/* mg with a letter after it (each end of a-z and A-Z) is not mg */
	static const char *const glued[] = {"何か5mga", "何か5mgz", "何か5mgA", "何か5mgZ"};
	for (size_t i = 0; i < LB_ARRAY_LEN(glued); i++)
		if (rx_strength_from_name(glued[i], &v, u, sizeof(u)))
			fail_msg("'%s' read as %g %s", glued[i], v, u);
	/* the name is read to its 512th byte: a unit after it is not seen */
	char name[600];
	memset(name, 'a', 510);
	strcpy(name + 510, "12g");
	assert_int_equal(rx_strength_from_name(name, &v, u, sizeof(u)), 0);
	name[509] = '1';
	strcpy(name + 510, "g");
	assert_int_equal(rx_strength_from_name(name, &v, u, sizeof(u)), 1);
	assert_true(v == 1);
	assert_string_equal(u, "g");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(fractions),     cmocka_unit_test(exponents),      cmocka_unit_test(not_dose_units),
	        cmocka_unit_test(unit_messages), cmocka_unit_test(check_refuses),  cmocka_unit_test(amount_edges),
	        cmocka_unit_test(unit_edges),    cmocka_unit_test(strength_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
