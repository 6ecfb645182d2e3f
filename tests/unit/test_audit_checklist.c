/*
 * test_audit_checklist.c - the MHLW checklist (issue 17): the shipped editions load with their sheets, numbers and
 * evidence kinds; the fill rule (いいえ on a finding, はい only when the evidence was read and nothing maps,
 * 未回答 when it was not read or the checks did not run, a person never overriding a finding); the answers file
 * refused with "FILE:LINE: reason" for each mistake; the previous run's CSV read back for what changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "audit/audit.h"
#include "audit/checklist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct cl_row *row_of(const struct cl_filled *f, size_t sheet, const char *id)
{
	for (size_t i = 0; i < f->sheets[sheet].n; i++)
		if (!strcmp(f->sheets[sheet].rows[i].item->id, id))
			return &f->sheets[sheet].rows[i];
	return NULL;
}

static int has_line(const struct cl_strs *l, const char *part)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], part))
			return 1;
	return 0;
}

static void test_editions_load(void **state)
{
	(void)state;
	const char *const *ids = cl_editions();
	assert_string_equal(ids[0], "r6");
	assert_string_equal(ids[1], "r7");
	assert_null(ids[2]);
	assert_string_equal(cl_edition_latest(), "r7");
	struct cl_edition e;
	assert_int_equal(cl_edition_load(&e, "r6"), 0);
	assert_string_equal(e.fy_start, "2024-04-01");
	/* 2-⑦ is printed once per scope: servers, terminal PCs, network devices */
	int patch = 0;
	for (size_t i = 0; i < e.n; i++) {
		const struct cl_item *it = &e.items[i];
		assert_non_null(it->text.ja);
		assert_non_null(it->text.en);
		assert_true(it->sheets & CL_SHEET_HOSPITAL);
		patch += !strcmp(it->number, "2-⑦");
	}
	assert_int_equal(patch, 3);
	const struct cl_item *officer = cl_edition_item(&e, "r6-1-1");
	assert_string_equal(officer->text.ja, "医療情報システム安全管理責任者を設置している");
	assert_int_equal(officer->source, CL_SRC_PERSON);
	assert_string_equal(officer->group->name.ja, "体制構築");
	const struct cl_item *pc = cl_edition_item(&e, "r6-2-9-pc");
	assert_string_equal(pc->target.ja, "令和6年度中");
	assert_false(cl_edition_item(&e, "r6-3-3")->sheets & CL_SHEET_VENDOR);
	cl_edition_free(&e);
	assert_int_equal(cl_edition_load(&e, "r7"), 0);
	const struct cl_item *reuse = cl_edition_item(&e, "r7-2-9");
	assert_string_equal(reuse->text.ja, "パスワードの使い回しを禁止している");
	assert_int_equal(reuse->source, CL_SRC_INVENTORY);
	assert_string_equal(reuse->evidence[0], "accounts/credential");
	assert_string_equal(cl_edition_item(&e, "r7-2-13")->number, "2-⑬");
	cl_edition_free(&e);
	assert_int_equal(cl_edition_load(&e, "r5"), -LB_ENOTFOUND);
	assert_non_null(strstr(lb_errmsg(), "r6, r7"));
}

static const char answers_ok[] =
        "edition: r7\n"
        "hospital: 試験病院\n"
        "vendors:\n"
        "  - {name: A社, system: 電子カルテ}\n"
        "answers:\n"
        "  - {item: r7-1-1, answer: はい, date: 2025-06-01, by: 事務長}\n"
        "  - {item: r7-2-7, answer: はい, date: 2025-06-01, by: 事務長}\n"
        "  - {item: r7-2-10, answer: いいえ, date: 2025-06-01, by: 情報課, target: 2026-03-31}\n"
        "  - {item: r7-2-7, vendor: A社, answer: no, date: 2025-06-02, by: A社 鈴木, "
        "target: 2025-12-01}\n";

static void test_fill_rule(void **state)
{
	(void)state;
	struct cl_edition e;
	struct cl_answers a;
	struct cl_filled f;
	assert_int_equal(cl_edition_load(&e, "r7"), 0);
	assert_int_equal(cl_answers_parse(&a, "answers.yaml", answers_ok, strlen(answers_ok), &e), 0);

	/* checks not run: every inventory item 未回答 with the reason; person items from the answers */
	struct cl_inventory none = {0};
	assert_int_equal(cl_fill(&f, &e, &a, &none, "2025-06-15"), 0);
	assert_int_equal(f.n, 2); /* hospital + A社 */
	const struct cl_row *r = row_of(&f, 0, "r7-2-12");
	assert_int_equal(r->answer, CL_UNANSWERED);
	assert_true(has_line(&r->evidence, "inventory checks not run"));
	assert_int_equal(row_of(&f, 0, "r7-1-1")->answer, CL_YES);
	assert_string_equal(row_of(&f, 0, "r7-1-1")->date, "2025-06-01");
	assert_int_equal(row_of(&f, 0, "r7-2-6")->answer, CL_UNANSWERED); /* a person item nobody answered */
	/* the checks not run, a person's answer fills an inventory item, and says who */
	r = row_of(&f, 0, "r7-2-7");
	assert_int_equal(r->answer, CL_YES);
	assert_int_equal(r->source, CL_SRC_PERSON);
	assert_string_equal(r->by, "事務長");
	cl_filled_free(&f);

	/* checks run: patch finding → いいえ whatever the person said; services read, nothing → はい;
	 * accounts/mfa not in the inventory → 未回答 (a person's いいえ then fills it) */
	struct cl_inventory inv = {.checks_run = 1};
	cl_inventory_kind(&inv, "devices/patch");
	cl_inventory_kind(&inv, "devices/firmware");
	cl_inventory_kind(&inv, "devices/services");
	cl_inventory_kind(&inv, "paths/source");
	cl_inventory_finding(&inv, "r7-2-7", "vpn-kev", "fw01 FortiOS 6.0.4: CVE-2018-13379", "A社");
	cl_inventory_finding(&inv, "r7-2-7", "patch-age", "pc-12 last patched 2021-03-01", NULL);
	assert_int_equal(cl_fill(&f, &e, &a, &inv, "2025-06-15"), 0);
	r = row_of(&f, 0, "r7-2-7");
	assert_int_equal(r->answer, CL_NO);
	assert_int_equal(r->source, CL_SRC_INVENTORY);
	assert_string_equal(r->date, "2025-06-15");
	assert_int_equal(r->findings.n, 2);
	assert_true(has_line(&r->evidence, "vpn-kev: fw01 FortiOS 6.0.4: CVE-2018-13379"));
	r = row_of(&f, 0, "r7-2-12");
	assert_int_equal(r->answer, CL_YES);
	assert_true(has_line(&r->evidence, "devices/services"));
	r = row_of(&f, 0, "r7-2-5"); /* accounts/status not read, nobody answered */
	assert_int_equal(r->answer, CL_UNANSWERED);
	assert_true(has_line(&r->evidence, "accounts/status"));
	r = row_of(&f, 0, "r7-2-10");
	assert_int_equal(r->answer, CL_NO);
	assert_string_equal(r->target, "2026-03-31");
	/* the vendor's sheet: only the finding that names the vendor */
	r = row_of(&f, 1, "r7-2-7");
	assert_int_equal(r->answer, CL_NO);
	assert_int_equal(r->findings.n, 1);
	assert_string_equal(r->findings.v[0], "vpn-kev");
	assert_string_equal(r->target, "2025-12-01");
	assert_null(row_of(&f, 1, "r7-3-1")); /* group 3 is not on the vendor sheet */
	assert_int_equal(f.no_target, 1);     /* the hospital's 2-⑦ has no target date */
	cl_filled_free(&f);
	cl_inventory_free(&inv);
	cl_answers_free(&a);
	cl_edition_free(&e);
}

struct bad {
	const char *yaml;
	const char *want; /* "answers.yaml:LINE: " and a part of the reason */
	const char *part;
};

static void test_answers_errors(void **state)
{
	(void)state;
	static const struct bad cases[] = {
	        {"answers:\n  - item: r7-1-1\n    answer: maybe\n", "answers.yaml:3: ", "not はい"},
	        {"answers:\n  - {item: r7-9-9, answer: はい, date: 2025-06-01, by: x}\n",
	         "answers.yaml:2: ", "no item 'r7-9-9'"},
	        {"answers:\n  - {item: r7-1-1, answer: はい, by: x}\n", "answers.yaml:2: ", "date"},
	        {"answers:\n  - {item: r7-1-1, answer: はい, date: 2025-02-30, by: x}\n",
	         "answers.yaml:2: ", "not a date"},
	        {"answers:\n  - {item: r7-1-1, answer: はい, date: 2025-06-01, by: x, target: 2025-07-01}\n",
	         "answers.yaml:2: ", "いいえ answers only"},
	        {"answers:\n  - item: r7-1-1\n    answer: いいえ\n    date: 2025-06-01\n    by: x\n    target: "
	         "2025-05-01\n",
	         "answers.yaml:6: ", "before the date checked"},
	        {"answers:\n  - {item: r7-1-1, answer: はい, date: 2025-06-01, by: x}\n\n  - {item: r7-1-1, answer: "
	         "いいえ, date: 2025-06-01, by: x}\n",
	         "answers.yaml:4: ", "first at line 2"},
	        {"answers:\n  - {item: r7-1-1, vendor: B社, answer: はい, date: 2025-06-01, by: x}\n",
	         "answers.yaml:2: ", "not in the vendors list"},
	        {"vendors: [A社]\nanswers:\n  - {item: r7-3-1, vendor: A社, answer: はい, date: 2025-06-01, by: x}\n",
	         "answers.yaml:3: ", "not on the vendor sheet"},
	        {"edition: r6\nanswers: []\n", "answers.yaml:1: ", "edition r6"},
	        {"answer:\n  - {item: r7-1-1}\n", "answers.yaml:1: ", "unknown key 'answer'"},
	        {"answers:\n  - {item: r7-1-1, answer: はい, date: 2025-06-01, by: x, colour: red}\n",
	         "answers.yaml:2: ", "unknown key 'colour'"},
	        {"answers:\n  - &a {item: r7-1-1, answer: はい, date: 2025-06-01, by: x}\n  - *a\n",
	         "answers.yaml:2: ", "aliases"},
	        {"answers: [\n", "answers.yaml:2: ", "YAML syntax"},
	        {"- a\n- b\n", "answers.yaml:1: ", "mapping"},
	        {"answers: []\nhospital: A\nhospital: B\n",
	         "answers.yaml:3: ", "key 'hospital' twice (first at line 2)"},
	        {"answers:\n  - {item: r7-1-1, answer: はい, date: 2025-06-01, by: \"a\\x01\"}\n",
	         "answers.yaml:2: ", "control character"},
	};
	struct cl_edition e;
	assert_int_equal(cl_edition_load(&e, "r7"), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cl_answers a;
		int rc = cl_answers_parse(&a, "answers.yaml", cases[i].yaml, strlen(cases[i].yaml), &e);
		if (rc != -LB_EINVAL || strncmp(lb_errmsg(), cases[i].want, strlen(cases[i].want)) ||
		    !strstr(lb_errmsg(), cases[i].part) || strchr(lb_errmsg(), '\n'))
			fail_msg("case %zu: rc %d, message '%s'; want '%s…%s'", i, rc, lb_errmsg(), cases[i].want,
			         cases[i].part);
		assert_int_equal(a.n, 0); /* nothing kept */
	}
	cl_edition_free(&e);
}

static void test_previous_csv(void **state)
{
	(void)state;
	char dir[] = "/tmp/lb-checklist-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct cl_edition e;
	struct cl_answers a;
	struct cl_filled f;
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, CL_CSV_NAME);
	assert_int_equal(cl_edition_load(&e, "r7"), 0);
	assert_int_equal(cl_answers_parse(&a, "answers.yaml", answers_ok, strlen(answers_ok), &e), 0);
	assert_int_equal(cl_fill(&f, &e, &a, NULL, "2025-06-15"), 0);
	assert_int_equal(cl_write_csv(&f, path), 0);
	struct cl_changes ch;
	assert_int_equal(cl_diff_previous(&f, dir, &ch), 0);
	assert_int_equal(ch.n, 0);
	cl_changes_free(&ch);
	cl_filled_free(&f);
	cl_answers_free(&a);
	/* a year later the BCP item gets answered and the security officer item goes to いいえ */
	static const char later[] =
	        "edition: r7\nvendors: [{name: A社}]\nanswers:\n"
	        "  - {item: r7-1-1, answer: いいえ, date: 2026-06-01, by: 事務長, target: 2026-09-01}\n"
	        "  - {item: r7-3-3, answer: はい, date: 2026-06-01, by: 事務長}\n";
	assert_int_equal(cl_answers_parse(&a, "answers.yaml", later, strlen(later), &e), 0);
	assert_int_equal(cl_fill(&f, &e, &a, NULL, "2026-06-15"), 0);
	assert_int_equal(cl_diff_previous(&f, dir, &ch), 0);
	int officer = 0, bcp = 0, patch = 0;
	for (size_t i = 0; i < ch.n; i++) {
		if (!strcmp(ch.v[i].item, "r7-1-1") && !strcmp(ch.v[i].sheet, "医療機関確認用")) {
			officer = 1;
			assert_string_equal(ch.v[i].before, "はい");
			assert_string_equal(ch.v[i].after, "いいえ");
		}
		if (!strcmp(ch.v[i].item, "r7-3-3")) {
			bcp = 1;
			assert_string_equal(ch.v[i].before, "未回答");
			assert_string_equal(ch.v[i].after, "はい");
		}
		if (!strcmp(ch.v[i].item, "r7-2-7") && strstr(ch.v[i].sheet, "A社"))
			patch = !strcmp(ch.v[i].before, "いいえ") && !strcmp(ch.v[i].after, "未回答");
	}
	assert_true(officer && bcp && patch);
	cl_changes_free(&ch);
	/* a CSV that is not ours is refused */
	FILE *fp = fopen(path, "w");
	fputs("a,b,c\n", fp);
	fclose(fp);
	assert_int_equal(cl_diff_previous(&f, dir, &ch), -LB_EINVAL);
	unlink(path);
	assert_int_equal(cl_diff_previous(&f, dir, &ch), -LB_ENOTFOUND);
	rmdir(dir);
	cl_filled_free(&f);
	cl_answers_free(&a);
	cl_edition_free(&e);
}

/* The join table: every check of `audit check` is listed and every listed check exists; every item it names is in
 * its edition; a finding lands on the row of its scope, on every row when its scope is unknown or has no row. */
static void test_map(void **state)
{
	(void)state;
	struct cl_map m;
	assert_int_equal(cl_map_load(&m), 0);
	for (const struct audit_check *c = audit_checks; c->id; c++)
		if (!cl_strs_has(&m.checks, c->id))
			fail_msg("check %s is not in checklist/checks.yaml", c->id);
	for (size_t i = 0; i < m.checks.n; i++)
		if (!audit_check_find(m.checks.v[i]))
			fail_msg("checklist/checks.yaml names %s, which is no check", m.checks.v[i]);
	for (const char *const *ed = cl_editions(); *ed; ed++) {
		struct cl_edition e;
		assert_int_equal(cl_edition_load(&e, *ed), 0);
		assert_int_equal(cl_map_check(&m, &e), 0);
		cl_edition_free(&e);
	}
	assert_string_equal(cl_map_scope(&m, "terminal"), "pc");
	assert_string_equal(cl_map_scope(&m, "vpn"), "network");
	assert_null(cl_map_scope(&m, "toaster"));
	struct cl_strs scopes = {0}, items = {0};
	cl_strs_add(&scopes, "network");
	cl_map_items(&m, "VPN-KEV", "r6", &scopes, &items);
	assert_int_equal(items.n, 1);
	assert_string_equal(items.v[0], "r6-2-7-network");
	cl_strs_free(&items);
	cl_map_items(&m, "VPN-KEV", "r7", &scopes, &items);
	assert_int_equal(items.n, 1);
	assert_string_equal(items.v[0], "r7-2-7");
	cl_strs_free(&items);
	cl_map_items(&m, "ACC-SHARED", "r6", &scopes, &items); /* no network row: every row */
	assert_int_equal(items.n, 2);
	cl_strs_free(&items);
	cl_map_items(&m, "ACC-SHARED", "r6", NULL, &items);
	assert_int_equal(items.n, 2);
	cl_strs_free(&items);
	cl_map_items(&m, "ACC-REUSE", "r6", NULL, &items); /* R6 has no password items */
	assert_int_equal(items.n, 0);
	cl_map_items(&m, "EP-AV-OFF", "r7", NULL, &items);
	assert_int_equal(items.n, 0);
	cl_strs_free(&scopes);
	cl_map_free(&m);

	/* a broken table is refused with its line; an item not in the edition is named */
	static const char bad_scope[] = "checks:\n  VPN-KEV:\n    r6: {router: r6-2-7-network}\n";
	assert_int_equal(cl_map_parse(&m, "checks.yaml", bad_scope, strlen(bad_scope)), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "checks.yaml:3: VPN-KEV.r6: scope 'router'"));
	static const char bad_item[] = "checks:\n  VPN-KEV:\n    r7: r7-9-9\n";
	assert_int_equal(cl_map_parse(&m, "checks.yaml", bad_item, strlen(bad_item)), 0);
	struct cl_edition e;
	assert_int_equal(cl_edition_load(&e, "r7"), 0);
	assert_int_equal(cl_map_check(&m, &e), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "checks.yaml:3: VPN-KEV: no item 'r7-9-9' in edition r7"));
	cl_edition_free(&e);
	cl_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_editions_load),
	        cmocka_unit_test(test_fill_rule),
	        cmocka_unit_test(test_answers_errors),
	        cmocka_unit_test(test_previous_csv),
	        cmocka_unit_test(test_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
