/*
 * test_audit_version.c - the version grammars of src/audit/version.c (issue 17): for each vendor's format, what it
 * accepts, what it refuses (a version that could be several is "not understood", never read as the lowest), and
 * the order at the boundaries that decide affected/fixed: FortiOS builds that do not order releases, Ivanti
 * R-numbers and their patch numbers, Citrix builds after the release, SonicOS/SMA build numbers after four
 * dotted parts, PAN-OS -h hotfixes after the maintenance release; and trains as exact prefixes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "audit/vuln.h"

#include <string.h>

static struct vuln_version P(enum vuln_format f, const char *s) {
	struct vuln_version v;
	if (vuln_version_parse(f, s, 0, &v) != 0)
		fail_msg("'%s' should parse: %s", s, lb_errmsg());
	return v;
}

static void
refused(enum vuln_format f, const char *s)
{
	struct vuln_version v;
	if (vuln_version_parse(f, s, 0, &v) != -LB_EINVAL)
		fail_msg("'%s' should be refused as a %s version", s, vuln_format_name(f));
	assert_non_null(strstr(lb_errmsg(), vuln_format_name(f)));
	assert_int_equal(v.n, 0);
}

/* a < b in format f */
static void before(enum vuln_format f, const char *a, const char *b)
{
	struct vuln_version x = P(f, a), y = P(f, b);
	if (vuln_version_cmp(&x, &y) >= 0 || vuln_version_cmp(&y, &x) <= 0)
		fail_msg("'%s' should order before '%s'", a, b);
}

static void same(enum vuln_format f, const char *a, const char *b)
{
	struct vuln_version x = P(f, a), y = P(f, b);
	if (vuln_version_cmp(&x, &y) != 0)
		fail_msg("'%s' and '%s' should be the same release", a, b);
}

static int in_train(enum vuln_format f, const char *v, const char *train)
{
	struct vuln_version x = P(f, v), t;
	if (vuln_version_parse(f, train, 1, &t) != 0)
		fail_msg("train '%s' should parse: %s", train, lb_errmsg());
	return vuln_version_in_train(&x, &t);
}

static void test_fortios(void **state)
{
	(void)state;
	enum vuln_format f = VULN_FMT_FORTIOS;
	same(f, "7.0.12", "v7.0.12,build0523");
	same(f, "v6.0.4,build0231,190107 (GA)", "6.0.4");
	same(f, "V7.2.7 build1577", "7.2.7");
	assert_int_equal(P(f, "v7.0.12,build0523").build, 523);
	before(f, "6.0.4", "6.0.5");   /* CVE-2018-13379: last affected, first not */
	before(f, "7.2.6", "7.2.7");   /* CVE-2024-21762 fixed in 7.2.7 */
	before(f, "7.0.13", "7.0.14"); /* … and in 7.0.14 */
	before(f, "7.2.9", "7.2.10");  /* numbers, not text */
	before(f, "6.4.15", "7.0.0");
	refused(f, "7.2"); /* which 7.2? */
	refused(f, "7");
	refused(f, "7.2.7.1");
	refused(f, "7.2.x");
	refused(f, "v7.0.12,build");
	refused(f, "7.0.12 (GA)"); /* a suffix only after the build */
	refused(f, "");
	refused(f, "-7.2.7");
	refused(f, "7.2.07a");
	refused(f, "1234567890.1.1"); /* no number past 9 digits */
	assert_true(in_train(f, "7.0.12", "7.0"));
	assert_false(in_train(f, "7.0.12", "7.2"));
	assert_false(in_train(f, "7.10.1", "7.1")); /* a prefix of numbers, not of text */
	assert_true(in_train(f, "5.6.7", "5"));
}

static void test_ivanti(void **state)
{
	(void)state;
	enum vuln_format f = VULN_FMT_IVANTI;
	before(f, "22.7R2.4", "22.7R2.5"); /* CVE-2025-0282 boundary */
	before(f, "22.7R2", "22.7R2.1");   /* the R release before its first patch */
	same(f, "9.1R18", "9.1R18.0");
	before(f, "9.1R18.2", "9.1R18.3"); /* ED 24-01 fixed build */
	before(f, "9.1R9.9", "9.1R10");    /* R-numbers as numbers */
	before(f, "9.1R18.9", "22.1R1");
	before(f, "8.3R7", "8.3R7.1"); /* CVE-2019-11510 8.3 fix */
	same(f, "22.7R2.5 (build 3191)", "22.7r2.5");
	same(f, "9.1R18.2 build 1234", "9.1R18.2");
	refused(f, "22.7");     /* which R? */
	refused(f, "22.7.2.5"); /* no R */
	refused(f, "22.7R");
	refused(f, "22.7R2.5.1");
	refused(f, "R2.5");
	refused(f, "22.7R2.5 (build)");
	assert_true(in_train(f, "9.1R18.2", "9.1R18"));
	assert_false(in_train(f, "9.1R17.2", "9.1R18"));
	assert_false(in_train(f, "9.1R1.2", "9.1R18")); /* R1 is not a prefix of R18 as numbers */
	assert_true(in_train(f, "22.5R2.1", "22"));
	assert_true(in_train(f, "22.5R2.1", "22.5"));
}

static void test_citrix(void **state)
{
	(void)state;
	enum vuln_format f = VULN_FMT_CITRIX;
	before(f, "13.1-49.14", "13.1-49.15"); /* Citrix Bleed fix */
	before(f, "13.1-49.13", "13.1-49.15");
	before(f, "13.1-48.99", "13.1-49.0");
	before(f, "13.1-9.60", "13.1-49.15"); /* builds as numbers */
	before(f, "13.0-92.19", "13.1-4.1");
	before(f, "14.1-8.49", "14.1-8.50");
	same(f, "NS13.1 Build 49.15.nc", "13.1-49.15");
	same(f, "13.1: Build 49.15", "13.1-49.15");
	same(f, "13.1 49.15", "13.1-49.15");
	refused(f, "13.1");
	refused(f, "13.1-49");
	refused(f, "13.1-49.15.3");
	refused(f, "13.1.49.15");
	refused(f, "13-49.15");
	assert_true(in_train(f, "13.1-37.164", "13.1"));
	assert_false(in_train(f, "13.0-92.19", "13.1"));
}

static void test_sonicos_and_sma(void **state)
{
	(void)state;
	enum vuln_format f = VULN_FMT_SONICOS;
	before(f, "7.0.1-5035", "7.0.1-5036"); /* CVE-2024-40766: 5035 and older */
	before(f, "6.5.4.14-109n", "6.5.4.15-116n");
	before(f, "5.9.2.14-12o", "5.9.2.14-13o");
	before(f, "7.0.1-5035", "7.1.1-7058");
	same(f, "7.0.1-5035", "7.0.1.0-5035");
	refused(f, "7.0.1");    /* no build */
	refused(f, "7.0-5035"); /* too few dotted parts */
	refused(f, "7.0.1-");
	refused(f, "7.0.1-5035nn");
	assert_true(in_train(f, "7.0.1-5035", "7.0"));
	assert_false(in_train(f, "7.1.1-7058", "7.0"));
	assert_true(in_train(f, "6.5.2.8-2n", "6.5.2"));

	f = VULN_FMT_SMA;
	before(f, "10.2.0.4-25sv", "10.2.0.5-29sv"); /* CVE-2021-20016 fix */
	before(f, "10.2.0.5-28sv", "10.2.0.5-29sv"); /* the build decides within a release */
	before(f, "10.2.1.9-57sv", "10.2.1.10-1sv");
	same(f, "10.2.0.5-d-29sv", "10.2.0.5-29sv");
	same(f, "10.2.1.9-57", "10.2.1.9-57sv");
	refused(f, "10.2.1-57sv"); /* SMA versions have four dotted parts */
	refused(f, "10.2.1.9");
	refused(f, "10.2.1.9-sv");
}

static void test_panos(void **state)
{
	(void)state;
	enum vuln_format f = VULN_FMT_PANOS;
	before(f, "10.2.9", "10.2.9-h1"); /* CVE-2024-3400: the maintenance release before its hotfix */
	before(f, "11.1.2-h2", "11.1.2-h3");
	before(f, "10.2.8-h3", "10.2.9-h1"); /* a hotfix of 10.2.8 is still before 10.2.9 */
	before(f, "10.2.9-h1", "10.2.10");
	before(f, "10.2.4-h9", "10.2.4-h16"); /* hotfixes as numbers */
	same(f, "10.2.9-h0", "10.2.9");
	same(f, "10.2.9-H1", "10.2.9-h1");
	refused(f, "10.2");
	refused(f, "10.2.9-");
	refused(f, "10.2.9-h");
	refused(f, "10.2.9-1");
	refused(f, "10.2.9-h1-h2");
	assert_true(in_train(f, "10.2.8-h2", "10.2.8"));
	assert_true(in_train(f, "10.2.8-h2", "10.2"));
	assert_false(in_train(f, "10.2.10", "10.2.1"));
}

static void test_products(void **state)
{
	(void)state;
	const char *v = NULL, *p = NULL;
	assert_int_equal(vuln_product_format("Pulse Secure", "Pulse Connect Secure", &v, &p), VULN_FMT_IVANTI);
	assert_string_equal(v, "ivanti");
	assert_string_equal(p, "connect-secure");
	assert_int_equal(vuln_product_format("Fortinet", "FortiGate", NULL, &p), VULN_FMT_FORTIOS);
	assert_string_equal(p, "fortios");
	assert_int_equal(vuln_product_format("Citrix", "Citrix Gateway", NULL, &p), VULN_FMT_CITRIX);
	assert_string_equal(p, "netscaler-gateway");
	assert_int_equal(vuln_product_format("Palo Alto Networks", "GlobalProtect", NULL, NULL), VULN_FMT_PANOS);
	assert_int_equal(vuln_product_format("sonicwall", "SMA 100", NULL, NULL), VULN_FMT_SMA);
	assert_int_equal(vuln_product_format("sonicwall", "SonicOS", NULL, NULL), VULN_FMT_SONICOS);
	/* a product under another vendor's name, or one the list does not cover */
	assert_int_equal(vuln_product_format("fortinet", "pan-os", NULL, NULL), VULN_FMT_NONE);
	assert_int_equal(vuln_product_format("fortinet", "fortiproxy", NULL, NULL), VULN_FMT_NONE);
	assert_int_equal(vuln_product_format(NULL, NULL, NULL, NULL), VULN_FMT_NONE);
}

int main(void)
{
	lb_set_lang(LB_LANG_EN);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fortios),         cmocka_unit_test(test_ivanti), cmocka_unit_test(test_citrix),
	        cmocka_unit_test(test_sonicos_and_sma), cmocka_unit_test(test_panos),  cmocka_unit_test(test_products),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
