/*
 * test_audit_vulns.c - the known-exploited vulnerability list (src/audit/vuln.c, vuln_load.c; issue 17): the
 * shipped list reads and covers the CVEs the issue names; matching is right at each boundary (last affected,
 * first fixed) of the shipped data, per train (a fix in 7.2.7 does not fix 7.0.13; a PAN-OS hotfix of 10.2.8
 * counts only for 10.2.8) and per product (FIPS builds); a version not understood is never "not affected"; a
 * malformed list is refused with NAME:LINE: reason; an install is validated, never older unless forced, and an
 * old install gives way to a newer embedded list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "audit/vuln.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct vuln_db db;

static int setup(void **state)
{
	(void)state;
	lb_set_lang(LB_LANG_EN);
	return vuln_db_load_embedded(&db);
}

static int teardown(void **state)
{
	(void)state;
	vuln_db_release(&db);
	return 0;
}

/* Does vendor/product/version hit cve? Fails the test if the version is not understood. */
static int hits(const char *vendor, const char *product, const char *version, const char *cve)
{
	struct vuln_match m;
	assert_int_equal(vuln_match(&db, vendor, product, version, &m), 0);
	if (m.status != VULN_CHECKED)
		fail_msg("%s/%s %s not checked (%d): %s", vendor, product, version, (int)m.status, lb_errmsg());
	int hit = 0;
	for (size_t i = 0; i < m.n; i++)
		hit |= !strcmp(m.hits[i].e->cve, cve);
	vuln_match_release(&m);
	return hit;
}

static const char *fix_of(const char *vendor, const char *product, const char *version, const char *cve)
{
	static char out[64];
	struct vuln_match m;
	vuln_match(&db, vendor, product, version, &m);
	out[0] = '\0';
	for (size_t i = 0; i < m.n; i++)
		if (!strcmp(m.hits[i].e->cve, cve))
			snprintf(out, sizeof(out), "%s", m.hits[i].r->fixed_s ? m.hits[i].r->fixed_s : "-");
	vuln_match_release(&m);
	return out;
}

static void test_shipped_list(void **state)
{
	(void)state;
	static const char *const need[] = {"CVE-2018-13379", "CVE-2022-42475", "CVE-2023-27997", "CVE-2024-21762",
	                                   "CVE-2022-40684", "CVE-2023-46805", "CVE-2024-21887", "CVE-2019-11510",
	                                   "CVE-2019-19781", "CVE-2023-3519",  "CVE-2023-4966",  "CVE-2021-20016",
	                                   "CVE-2024-40766", "CVE-2024-3400"};
	for (size_t i = 0; i < LB_ARRAY_LEN(need); i++) {
		size_t k = 0;
		while (k < db.n && strcmp(db.v[k].cve, need[i]))
			k++;
		if (k == db.n)
			fail_msg("the shipped list lacks %s", need[i]);
		assert_non_null(db.v[k].kev_date);
		assert_non_null(db.v[k].summary_ja);
		assert_true(db.v[k].nsources > 0);
	}
	assert_string_equal(db.origin, "embedded");
	assert_int_equal(strlen(db.as_of), 10);
}

static void test_fortios_boundaries(void **state)
{
	(void)state;
	/* Handa: CVE-2018-13379, 6.0.0–6.0.4, 5.6.3–5.6.7, 5.4.6–5.4.12 */
	assert_true(hits("fortinet", "fortios", "6.0.4", "CVE-2018-13379"));
	assert_true(hits("fortinet", "fortios", "6.0.0", "CVE-2018-13379"));
	assert_false(hits("fortinet", "fortios", "6.0.5", "CVE-2018-13379"));
	assert_true(hits("fortinet", "fortios", "5.6.3", "CVE-2018-13379"));
	assert_false(hits("fortinet", "fortios", "5.6.2", "CVE-2018-13379")); /* before introduced */
	assert_false(hits("fortinet", "fortios", "5.6.8", "CVE-2018-13379"));
	assert_true(hits("fortinet", "fortios", "v5.4.12,build1187", "CVE-2018-13379"));
	assert_false(hits("fortinet", "fortios", "5.4.13", "CVE-2018-13379"));
	/* CVE-2024-21762: each train its own fix */
	assert_true(hits("fortinet", "fortios", "7.2.6", "CVE-2024-21762"));
	assert_false(hits("fortinet", "fortios", "7.2.7", "CVE-2024-21762"));
	assert_true(hits("fortinet", "fortios", "7.0.13", "CVE-2024-21762")); /* older than 7.2.7 is not the point */
	assert_false(hits("fortinet", "fortios", "7.0.14", "CVE-2024-21762"));
	assert_true(hits("fortinet", "fortios", "7.4.2", "CVE-2024-21762"));
	assert_false(hits("fortinet", "fortios", "7.4.3", "CVE-2024-21762"));
	assert_true(hits("fortinet", "fortios", "6.0.18", "CVE-2024-21762")); /* 6.0: no fix, move train */
	assert_string_equal(fix_of("fortinet", "fortios", "6.0.18", "CVE-2024-21762"), "-");
	assert_string_equal(fix_of("fortinet", "fortios", "7.0.12", "CVE-2024-21762"), "7.0.14");
	assert_false(hits("fortinet", "fortios", "7.6.0", "CVE-2024-21762")); /* a train the advisory does not list */
	/* CVE-2022-40684 */
	assert_true(hits("fortinet", "fortios", "7.2.1", "CVE-2022-40684"));
	assert_false(hits("fortinet", "fortios", "7.2.2", "CVE-2022-40684"));
	assert_true(hits("fortinet", "fortios", "7.0.6", "CVE-2022-40684"));
	assert_false(hits("fortinet", "fortios", "7.0.7", "CVE-2022-40684"));
	assert_false(hits("fortinet", "fortios", "6.4.9", "CVE-2022-40684"));
	/* CVE-2022-42475 / CVE-2023-27997 */
	assert_true(hits("fortinet", "fortios", "6.0.15", "CVE-2022-42475"));
	assert_false(hits("fortinet", "fortios", "6.0.16", "CVE-2022-42475"));
	assert_true(hits("fortinet", "fortios", "7.2.4", "CVE-2023-27997"));
	assert_false(hits("fortinet", "fortios", "7.2.5", "CVE-2023-27997"));
}

static void test_ivanti_boundaries(void **state)
{
	(void)state;
	assert_true(hits("ivanti", "connect-secure", "9.1R18.2", "CVE-2023-46805"));
	assert_false(hits("ivanti", "connect-secure", "9.1R18.3", "CVE-2023-46805"));
	assert_true(hits("ivanti", "connect-secure", "9.1R17.1", "CVE-2024-21887"));
	assert_false(hits("ivanti", "connect-secure", "9.1R17.2", "CVE-2024-21887"));
	assert_true(hits("ivanti", "connect-secure", "9.1R16.5", "CVE-2024-21887")); /* no patched 9.1R16 */
	assert_false(hits("ivanti", "connect-secure", "22.5R1.1", "CVE-2023-46805"));
	assert_true(hits("ivanti", "connect-secure", "22.5R1", "CVE-2023-46805"));
	assert_false(hits("ivanti", "connect-secure", "22.7R2.5", "CVE-2023-46805"));
	/* the patched builds were Connect Secure's: Policy Secure 9.1R18.3 stays flagged (conservative) */
	assert_true(hits("ivanti", "policy-secure", "9.1R18.3", "CVE-2023-46805"));
	/* Pulse CVE-2019-11510 */
	assert_true(hits("Pulse Secure", "Pulse Connect Secure", "9.0R3.3", "CVE-2019-11510"));
	assert_false(hits("pulse secure", "pulse connect secure", "9.0R3.4", "CVE-2019-11510"));
	assert_true(hits("ivanti", "connect-secure", "8.3R7", "CVE-2019-11510"));
	assert_false(hits("ivanti", "connect-secure", "8.3R7.1", "CVE-2019-11510"));
	assert_false(hits("ivanti", "connect-secure", "9.1R1", "CVE-2019-11510"));
}

static void test_citrix_boundaries(void **state)
{
	(void)state;
	assert_true(hits("citrix", "netscaler-gateway", "13.1-49.14", "CVE-2023-4966"));
	assert_false(hits("citrix", "netscaler-gateway", "13.1-49.15", "CVE-2023-4966"));
	assert_true(hits("citrix", "netscaler-adc", "14.1-8.49", "CVE-2023-4966"));
	assert_false(hits("citrix", "netscaler-adc", "14.1-12.35", "CVE-2023-4966"));
	assert_true(hits("citrix", "netscaler-adc", "13.0-92.18", "CVE-2023-4966"));
	/* FIPS builds have their own numbers: 13.1-37.164 is fixed for FIPS, far below the non-FIPS 49.15 */
	assert_false(hits("citrix", "netscaler-adc-fips", "13.1-37.164", "CVE-2023-4966"));
	assert_true(hits("citrix", "netscaler-adc-fips", "13.1-37.163", "CVE-2023-4966"));
	assert_true(hits("citrix", "netscaler-adc", "13.1-37.164", "CVE-2023-4966"));
	assert_true(hits("citrix", "netscaler-adc", "13.1-49.12", "CVE-2023-3519"));
	assert_false(hits("citrix", "netscaler-adc", "13.1-49.13", "CVE-2023-3519"));
	assert_true(hits("citrix", "citrix adc", "13.0-47.22", "CVE-2019-19781"));
	assert_false(hits("citrix", "citrix adc", "13.0-47.24", "CVE-2019-19781"));
}

static void test_sonicwall_boundaries(void **state)
{
	(void)state;
	assert_true(hits("sonicwall", "sonicos", "7.0.1-5035", "CVE-2024-40766"));
	assert_false(hits("sonicwall", "sonicos", "7.0.1-5036", "CVE-2024-40766"));
	assert_false(hits("sonicwall", "sonicos", "7.1.1-7058", "CVE-2024-40766"));
	assert_true(hits("sonicwall", "sonicos", "6.5.4.14-109n", "CVE-2024-40766"));
	assert_false(hits("sonicwall", "sonicos", "6.5.4.15-116n", "CVE-2024-40766"));
	assert_true(hits("sonicwall", "sonicos", "5.9.2.14-12o", "CVE-2024-40766"));
	assert_false(hits("sonicwall", "sonicos", "5.9.2.14-13o", "CVE-2024-40766"));
	assert_false(hits("sonicwall", "sonicos", "6.5.2.8-2n", "CVE-2024-40766")); /* the SM9800/NSsp line */
	assert_true(hits("sonicwall", "sonicos", "6.5.2.8-1n", "CVE-2024-40766"));
	assert_true(hits("sonicwall", "sma100", "10.2.0.5-28sv", "CVE-2021-20016"));
	assert_false(hits("sonicwall", "sma100", "10.2.0.5-29sv", "CVE-2021-20016"));
	assert_false(hits("sonicwall", "sma100", "10.2.1.9-57sv", "CVE-2021-20016"));
	assert_false(hits("sonicwall", "sma100", "9.0.0.11-31sv", "CVE-2021-20016")); /* 10.x only */
}

static void test_panos_boundaries(void **state)
{
	(void)state;
	assert_true(hits("paloaltonetworks", "pan-os", "10.2.9", "CVE-2024-3400"));
	assert_false(hits("paloaltonetworks", "pan-os", "10.2.9-h1", "CVE-2024-3400"));
	assert_true(hits("paloaltonetworks", "pan-os", "11.1.2-h2", "CVE-2024-3400"));
	assert_false(hits("paloaltonetworks", "pan-os", "11.1.2-h3", "CVE-2024-3400"));
	/* 10.2.8-h3 is below 10.2.9-h1, but its own train's hotfix */
	assert_false(hits("paloaltonetworks", "pan-os", "10.2.8-h3", "CVE-2024-3400"));
	assert_true(hits("paloaltonetworks", "pan-os", "10.2.8-h2", "CVE-2024-3400"));
	assert_string_equal(fix_of("paloaltonetworks", "pan-os", "10.2.8-h2", "CVE-2024-3400"), "10.2.8-h3");
	assert_false(hits("paloaltonetworks", "pan-os", "10.2.10", "CVE-2024-3400"));
	assert_false(hits("palo alto networks", "globalprotect", "10.1.11", "CVE-2024-3400"));
}

static void test_not_understood_is_not_safe(void **state)
{
	(void)state;
	struct vuln_match m;
	static const char *const vague[][3] = {
	        {"fortinet", "fortios", "7.2"},
	        {"ivanti", "connect-secure", "22.7"},
	        {"citrix", "netscaler-adc", "13.1"},
	        {"sonicwall", "sonicos", "7.0.1"},
	        {"paloaltonetworks", "pan-os", "10.2"},
	        {"fortinet", "fortios", "latest"},
	        {"fortinet", "fortios", ""},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(vague); i++) {
		assert_int_equal(vuln_match(&db, vague[i][0], vague[i][1], vague[i][2], &m), 0);
		if (m.status != VULN_UNPARSED)
			fail_msg("'%s' should not be understood", vague[i][2]);
		assert_int_equal(m.n, 0);
		vuln_match_release(&m);
	}
	assert_int_equal(vuln_match(&db, "fortinet", "fortiproxy", "7.2.1", &m), 0);
	assert_int_equal(m.status, VULN_UNKNOWN);
	vuln_match_release(&m);
}

/* ---- malformed lists ---------------------------------------------------------------------------------------- */

#define HEAD "schema: 1\nversion: 1\nas_of: 2026-12-07\nvulns:\n"
#define ENTRY                                                                                              \
	"  - cve: CVE-2024-0001\n    vendor: fortinet\n    products: [fortios]\n    name: x\n"             \
	"    kev_date_added: 2024-01-01\n    ransomware: true\n    summary: {en: e, ja: j}\n    sources: " \
	"[https://x]\n"

static void refused_at(const char *text, const char *where, const char *why)
{
	struct vuln_db d;
	int rc = vuln_db_load_buf(&d, "v.yaml", text, strlen(text));
	if (rc != -LB_EINVAL)
		fail_msg("should be refused (%s): %d", why, rc);
	if (strncmp(lb_errmsg(), where, strlen(where)) || !strstr(lb_errmsg(), why) || strchr(lb_errmsg(), '\n'))
		fail_msg("expected '%s…%s', got '%s'", where, why, lb_errmsg());
	assert_int_equal(d.n, 0);
	assert_null(d.v);
}

static void test_malformed(void **state)
{
	(void)state;
	struct vuln_db d;
	const char *good = HEAD ENTRY "    affected:\n      - {train: \"7.2\", fixed: 7.2.7}\n";
	assert_int_equal(vuln_db_load_buf(&d, "v.yaml", good, strlen(good)), 0);
	assert_int_equal(d.n, 1);
	vuln_db_release(&d);

	refused_at(HEAD ENTRY "    affected:\n      - {train: \"7.2\", fixed: \"7.2\"}\n",
	           "v.yaml:14:", "not a FortiOS version");
	refused_at(HEAD ENTRY "    affected:\n      - {train: \"7.2\", fixed: 7.0.14}\n",
	           "v.yaml:14:", "not in train 7.2");
	refused_at(HEAD ENTRY "    affected:\n      - {train: \"7.2\", introduced: 7.2.7, fixed: 7.2.7}\n",
	           "v.yaml:14:", "not before fixed");
	refused_at(HEAD ENTRY "    affected:\n      - {train: \"7.2\", fixed: 7.2.7}\n      - {train: \"7.2\"}\n",
	           "v.yaml:15:", "given twice");
	refused_at(HEAD ENTRY "    affected:\n      - {fixed: 7.2.7}\n", "v.yaml:14:", "no 'train'");
	refused_at(HEAD ENTRY "    affected:\n      - {train: \"7.2\", fixd: 7.2.7}\n",
	           "v.yaml:14:", "unknown key 'fixd'");
	refused_at(HEAD ENTRY "    affected: []\n", "v.yaml:13:", "1 to");
	refused_at(HEAD "  - cve: CVE-2024-0001\n    vendor: fortinet\n    products: [fortiproxy]\n",
	           "v.yaml:7:", "unknown product 'fortinet/fortiproxy'");
	refused_at(HEAD "  - cve: CVE-24-1\n", "v.yaml:5:", "not a CVE id");
	refused_at(HEAD ENTRY "    affected:\n      - {train: \"7.2\", unverified: maybe}\n",
	           "v.yaml:14:", "true or false");
	refused_at(HEAD ENTRY "    affected:\n      - {train: \"7.2\", products: [pan-os]}\n",
	           "v.yaml:14:", "not one of CVE-2024-0001's products");
	refused_at(HEAD "  - cve: CVE-2024-0001\n    vendor: fortinet\n", "v.yaml:5:", "has no 'products'");
	refused_at("schema: 2\nversion: 1\nas_of: 2026-12-07\nvulns: []\n", "v.yaml:1:", "schema 2");
	refused_at("schema: 1\nversion: 1\nas_of: 2026-13-07\nvulns: []\n", "v.yaml:3:", "YYYY-MM-DD");
	refused_at("schema: 1\nversion: 1\nvulns: []\n", "v.yaml:1:", "needs schema, version, as_of");
	refused_at("schema: 1\nschema: 1\n", "v.yaml:2:", "given twice");
	refused_at("schema: 1\n---\nschema: 1\n", "v.yaml:", "one YAML document");
	refused_at("a: [\n", "v.yaml:", "YAML syntax");
	refused_at("", "v.yaml:1:", "empty");
	refused_at(HEAD ENTRY "    affected:\n      - &a {train: \"7.2\"}\n      - *a\n", "v.yaml:", "aliases");
	refused_at(HEAD
	           "  - cve: CVE-2024-0001\n    vendor: fortinet\n    products: [fortios]\n    name: \"a\\x01b\"\n",
	           "v.yaml:8:", "control character");
	refused_at(HEAD "  - cve: CVE-2024-0001\n    vendor: fortinet\n    products: [fortios]\n    name: \"\xff\"\n",
	           "v.yaml:", "UTF-8");
	/* two entries for one CVE */
	refused_at(HEAD ENTRY "    affected: [{train: \"7.2\"}]\n" ENTRY "    affected: [{train: \"7.0\"}]\n",
	           "v.yaml:14:", "listed twice");
}

/* ---- the list in use and its install ------------------------------------------------------------------------ */

static void write_list(const char *path, const char *as_of)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
	        "schema: 1\nversion: 7\nas_of: %s\nvulns:\n" ENTRY "    affected: [{train: \"7.2\", fixed: 7.2.7}]\n",
	        as_of);
	fclose(f);
}

static void test_install(void **state)
{
	(void)state;
	char dir[] = "/tmp/lb-vulns-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char data[64], newer[80], older[80], broken[80];
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(newer, sizeof(newer), "%s/newer.yaml", dir);
	snprintf(older, sizeof(older), "%s/older.yaml", dir);
	snprintf(broken, sizeof(broken), "%s/broken.yaml", dir);
	write_list(newer, "2099-01-01");
	write_list(older, "2001-01-01");
	FILE *f = fopen(broken, "w");
	fputs("schema: 1\nversion: x\n", f);
	fclose(f);

	struct vuln_db d;
	/* nothing installed: the embedded list */
	assert_int_equal(vuln_db_load_default(&d, data), 0);
	assert_string_equal(d.origin, "embedded");
	vuln_db_release(&d);
	/* a broken file changes nothing */
	assert_int_equal(vuln_db_install(broken, data, 0, NULL), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "broken.yaml:2:"));
	struct buf p = {0};
	vuln_installed_path(&p, data);
	assert_false(lb_exists(p.data));
	/* older than the embedded list: refused, then forced */
	assert_int_equal(vuln_db_install(older, data, 0, NULL), -LB_EEXIST);
	assert_false(lb_exists(p.data));
	assert_int_equal(vuln_db_install(older, data, 1, NULL), 0);
	/* … yet a list older than the binary's own gives way to it */
	assert_int_equal(vuln_db_load_default(&d, data), 0);
	assert_string_equal(d.origin, "embedded");
	vuln_db_release(&d);
	/* newer: installed and in use */
	assert_int_equal(vuln_db_install(newer, data, 0, &d), 0);
	assert_string_equal(d.as_of, "2099-01-01");
	vuln_db_release(&d);
	assert_int_equal(vuln_db_load_default(&d, data), 0);
	assert_string_equal(d.origin, p.data);
	assert_int_equal(d.version, 7);
	vuln_db_release(&d);
	/* now the older one is refused against the installed one */
	assert_int_equal(vuln_db_install(older, data, 0, NULL), -LB_EEXIST);
	assert_non_null(strstr(lb_errmsg(), "2099-01-01"));
	/* an installed file broken by hand is an error, not skipped */
	f = fopen(p.data, "w");
	fputs("schema: [\n", f);
	fclose(f);
	assert_int_equal(vuln_db_load_default(&d, data), -LB_EINVAL);
	/* … and an update repairs it */
	assert_int_equal(vuln_db_install(newer, data, 0, NULL), 0);
	assert_int_equal(vuln_db_load_default(&d, data), 0);
	vuln_db_release(&d);
	buf_release(&p);
	assert_int_equal(lb_rmtree(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_shipped_list),
	        cmocka_unit_test(test_fortios_boundaries),
	        cmocka_unit_test(test_ivanti_boundaries),
	        cmocka_unit_test(test_citrix_boundaries),
	        cmocka_unit_test(test_sonicwall_boundaries),
	        cmocka_unit_test(test_panos_boundaries),
	        cmocka_unit_test(test_not_understood_is_not_safe),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_install),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
