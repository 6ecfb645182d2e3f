/*
 * test_incident_report.c - the fact sheet and the report drafts (issue 15): fact keys and the check of their values;
 * the sheet is the newest value per key and "unknown" makes a key unknown again; a draft fills each field of its
 * form from the sheet (or the timeline: a report made), marks the rest 不明 and counts them; a version-1 incident
 * file is upgraded in place with its chain intact; the medium's parsers (manifest, timeline) name the first bad
 * line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "incident/incident.h"
#include "incident_fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	(void)state;
	lb_set_lang(LB_LANG_JA);
	return incident_fixture_open("increp");
}

static int64_t add(const struct incident_new *n)
{
	int64_t seq = 0;
	struct incident_new c = *n;
	if (!c.os_user)
		c.os_user = "tester";
	assert_int_equal(incident_append(f, &c, &seq), 0);
	return seq;
}

static int64_t fact(const char *key, const char *value, const char *source)
{
	const struct incident_fact_key *k = incident_fact_key_find(key);
	assert_non_null(k);
	struct buf v = {0};
	assert_int_equal(incident_fact_value(k, value, &v), 0);
	int64_t seq = add(&(struct incident_new){
	        .type = INCIDENT_T_FACT, .kind = k->key, .text = v.data, .source = source, .author = "田中"});
	buf_release(&v);
	return seq;
}

static void declare(void)
{
	add(&(struct incident_new){.type = INCIDENT_T_DECLARE,
	                           .text = "ランサムウェア疑い",
	                           .known_at_ms = lb_now_ms() - INT64_C(86400000),
	                           .flags = INCIDENT_F_MALICIOUS});
}

static const struct incident_report_field *field(const struct incident_report_draft *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name))
			return &r->fields[i];
	fail_msg("draft has no field '%s'", name);
	return NULL;
}

static void test_fact_keys(void **state)
{
	(void)state;
	size_t n;
	const struct incident_fact_key *keys = incident_fact_keys(&n);
	assert_true(n >= 20);
	/* every key is found by its name and by its Japanese label, and names are unique */
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(incident_fact_key_find(keys[i].key), &keys[i]);
		assert_ptr_equal(incident_fact_key_find(keys[i].ja), &keys[i]);
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(keys[i].key, keys[j].key);
	}
	const char *want[] = {"systems",   "data-items", "persons", "ransom-note",        "extension",
	                      "intrusion", "indicators", "actions", "vendor-notified-at", "police-notified-at",
	                      "cause",     "leak"};
	for (size_t i = 0; i < LB_ARRAY_LEN(want); i++)
		assert_non_null(incident_fact_key_find(want[i]));
	assert_null(incident_fact_key_find("ransom-amount"));
	assert_null(incident_fact_key_find(NULL));
	struct buf list = {0};
	incident_fact_key_list(&list);
	assert_non_null(strstr(list.data, "systems, "));
	assert_non_null(strstr(list.data, "persons"));
	buf_release(&list);
}

static void check_value(const char *key, const char *in, int ok, const char *stored)
{
	struct buf v = {0};
	int rc = incident_fact_value(incident_fact_key_find(key), in, &v);
	if (!ok) {
		assert_int_equal(rc, -LB_EINVAL);
		assert_non_null(strstr(lb_errmsg(), key));
	} else {
		assert_int_equal(rc, 0);
		assert_string_equal(v.data, stored);
	}
	buf_release(&v);
}

static void test_fact_values(void **state)
{
	(void)state;
	check_value("persons", "85000", 1, "85000");
	check_value("persons", "約85,000", 1, "約85,000");
	check_value("persons", "~120", 1, "~120");
	check_value("persons", "many", 0, NULL);
	check_value("persons", "85,", 0, NULL);
	check_value("persons", ",85", 0, NULL);
	check_value("persons", "-3", 0, NULL);
	check_value("persons", "1234567890123", 0, NULL);
	check_value("leak", "yes", 1, "yes");
	check_value("leak", "おそれあり", 1, "possible");
	check_value("leak", "いいえ", 1, "no");
	check_value("leak", "不明", 1, "unknown");
	check_value("leak", "perhaps", 0, NULL);
	check_value("vendor-notified-at", "2026-12-07T03:30:00+09:00", 1, "2026-12-06T18:30:00Z");
	check_value("vendor-notified-at", "yesterday", 0, NULL);
	check_value("systems", "電子カルテサーバ 3 台", 1, "電子カルテサーバ 3 台");
	check_value("systems", "unknown", 1, "unknown");
	check_value("systems", "", 0, NULL);
	check_value("systems", " \n", 0, NULL);
	assert_true(incident_fact_is_unknown("unknown"));
	assert_true(incident_fact_is_unknown(NULL));
	assert_false(incident_fact_is_unknown("0"));
}

static void test_fact_entries_checked(void **state)
{
	(void)state;
	declare();
	int64_t seq;
	/* the library refuses what the command line would: an unknown key, a value not in its stored form */
	struct incident_new bad_key = {.type = INCIDENT_T_FACT, .kind = "ransom-amount", .text = "1", .os_user = "t"};
	assert_int_equal(incident_append(f, &bad_key, &seq), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "persons"));
	struct incident_new bad_value = {.type = INCIDENT_T_FACT, .kind = "persons", .text = "many", .os_user = "t"};
	assert_int_equal(incident_append(f, &bad_value, &seq), -LB_EINVAL);
	struct incident_new ja_label = {.type = INCIDENT_T_FACT, .kind = "本人の数", .text = "3", .os_user = "t"};
	assert_int_equal(incident_append(f, &ja_label, &seq), -LB_EINVAL); /* stored by its key only */
	struct incident_new raw_leak = {.type = INCIDENT_T_FACT, .kind = "leak", .text = "おそれあり", .os_user = "t"};
	assert_int_equal(incident_append(f, &raw_leak, &seq), -LB_EINVAL);
	/* a source belongs to facts only */
	struct incident_new note = {
	        .type = INCIDENT_T_NOTE, .kind = "fact", .text = "x", .source = "EDR", .os_user = "t"};
	assert_int_equal(incident_append(f, &note, &seq), -LB_EINVAL);
	struct incident_new ok = {
	        .type = INCIDENT_T_FACT, .kind = "persons", .text = "3", .source = "EDR", .os_user = "t"};
	assert_int_equal(incident_append(f, &ok, &seq), 0);
	struct incident_entry e;
	assert_int_equal(incident_get(f, seq, &e), 0);
	assert_string_equal(e.source, "EDR");
	incident_entry_release(&e);
	struct incident_verify_result r;
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_INTACT);
}

static void test_fact_sheet_newest_value(void **state)
{
	(void)state;
	declare();
	fact("systems", "サーバ 3 台", NULL);
	int64_t s2 = fact("systems", "サーバ 4 台", "ベンダー");
	fact("cause", "VPN の脆弱性", NULL);
	fact("cause", "不明", NULL); /* back to unknown */
	struct incident_facts fs;
	assert_int_equal(incident_facts_load(f, 0, &fs), 0);
	size_t n;
	incident_fact_keys(&n);
	assert_int_equal(fs.n, n);
	assert_int_equal(fs.known, 1);
	assert_string_equal(incident_facts_get(&fs, "systems"), "サーバ 4 台");
	assert_null(incident_facts_get(&fs, "cause"));
	assert_null(incident_facts_get(&fs, "persons"));
	for (size_t i = 0; i < fs.n; i++)
		if (!strcmp(fs.v[i].key->key, "systems")) {
			assert_int_equal(fs.v[i].entry.seq, s2);
			assert_int_equal(fs.v[i].times, 2);
			assert_string_equal(fs.v[i].entry.source, "ベンダー");
			assert_string_equal(fs.v[i].entry.author, "田中");
		}
	incident_facts_release(&fs);
}

static void test_report_fields_unknown(void **state)
{
	(void)state;
	declare();
	fact("persons", "約85,000", NULL);
	fact("leak", "possible", NULL);
	fact("extension", ".lockbit", NULL);
	int64_t mhlw = add(&(struct incident_new){
	        .type = INCIDENT_T_NOTE, .kind = "contact", .report = "mhlw", .text = "医政局に電話で第一報"});
	add(&(struct incident_new){
	        .type = INCIDENT_T_NOTE, .kind = "decision", .team = "hq", .text = "外来新規受付を停止"});
	for (int d = 0; d < INCIDENT_DRAFTS; d++) {
		struct incident_report_draft r;
		assert_int_equal(incident_report_build(f, 0, d, lb_now_ms(), &r), 0);
		size_t unknown = 0;
		for (size_t i = 0; i < r.nfields; i++)
			unknown += r.fields[i].value == NULL;
		assert_int_equal(r.unknown, unknown);
		assert_true(r.unknown > 0 && r.unknown < r.nfields);
		assert_null(field(&r, "hospital")->value);
		assert_int_equal(r.decisions.n, 1);
		struct buf t = {0};
		incident_report_text(&r, &t);
		char head[64];
		snprintf(head, sizeof(head), "未記入 %zu 項目", r.unknown);
		assert_non_null(strstr(t.data, head));
		assert_non_null(strstr(t.data, "不明"));
		assert_non_null(strstr(t.data, "外来新規受付を停止"));
		assert_non_null(strstr(t.data, "認知日時"));
		buf_release(&t);
		struct buf j = {0};
		incident_report_json(&r, &j);
		assert_non_null(strstr(
		        j.data, "\"name\":\"hospital\",\"label\":\"報告者 (医療機関名・所在地)\",\"value\":null"));
		buf_release(&j);
		if (d == INCIDENT_DRAFT_PPC_PRELIMINARY || d == INCIDENT_DRAFT_PPC_FINAL) {
			assert_string_equal(field(&r, "persons")->value, "約85,000");
			assert_string_equal(field(&r, "leak")->value, "おそれあり");
			assert_null(field(&r, "cause")->value);
			assert_null(field(&r, "prevention")->value);
		}
		if (d == INCIDENT_DRAFT_POLICE) {
			assert_string_equal(field(&r, "extension")->value, ".lockbit");
			/* MHLW told: known from the entry that says the report was made */
			assert_non_null(field(&r, "mhlw-notified-at")->value);
			assert_int_equal(field(&r, "mhlw-notified-at")->seq, mhlw);
		}
		incident_report_release(&r);
	}
	/* English glosses under --lang en, the Japanese label first */
	lb_set_lang(LB_LANG_EN);
	struct incident_report_draft r;
	assert_int_equal(incident_report_build(f, 0, INCIDENT_DRAFT_PPC_FINAL, lb_now_ms(), &r), 0);
	assert_string_equal(field(&r, "persons")->label, "本人の数 (number of persons concerned)");
	struct buf t = {0};
	incident_report_text(&r, &t);
	assert_non_null(strstr(t.data, "不明 (unknown)"));
	buf_release(&t);
	incident_report_release(&r);
	lb_set_lang(LB_LANG_JA);
}

static void test_report_needs_incident(void **state)
{
	(void)state;
	struct incident_report_draft r;
	assert_int_equal(incident_report_build(f, 0, INCIDENT_DRAFT_MHLW, lb_now_ms(), &r), -LB_ENOTFOUND);
	declare();
	assert_int_equal(incident_report_build(f, 0, INCIDENT_DRAFTS, lb_now_ms(), &r), -LB_EINVAL);
	assert_int_equal(incident_draft_parse("ppc-final"), INCIDENT_DRAFT_PPC_FINAL);
	assert_int_equal(incident_draft_parse("ransomware-common"), INCIDENT_DRAFT_RANSOMWARE);
	assert_int_equal(incident_draft_parse("ppc"), -1);
}

/* A file made by the version-2 schema (before entries.source) is upgraded in place; its chain still verifies. */
static void test_upgrade_from_v2(void **state)
{
	(void)state;
	declare();
	add(&(struct incident_new){.type = INCIDENT_T_NOTE, .kind = "fact", .text = "printers print a ransom note"});
	incident_file_close(f);
	f = NULL;
	/* make it a version-2 file: the table without the column, the same rows and hashes */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              INCIDENT_FIXTURE_DROP_V4 "DROP TRIGGER entries_no_update; DROP TRIGGER"
	                                                       " entries_no_delete;"
	                                                       "ALTER TABLE entries DROP COLUMN source; PRAGMA"
	                                                       " user_version = 2;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(incident_open(&f, path, 0), 0);
	struct incident_verify_result r;
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_INTACT);
	assert_int_equal(r.entries, 2);
	fact("extension", ".lockbit", "EDR");
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_INTACT);
	assert_int_equal(r.entries, 3);
	incident_file_close(f);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), INCIDENT_SCHEMA_VERSION);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(incident_open(&f, path, 0), 0);
}

/* A source is hashed: changing it in the file breaks the chain at that entry. */
static void test_source_is_hashed(void **state)
{
	(void)state;
	declare();
	int64_t s = fact("extension", ".lockbit", "EDR");
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "DROP TRIGGER entries_no_update; UPDATE entries SET source = 'vendor' WHERE "
	                              "type = 'fact'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	struct incident_verify_result r;
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_ALTERED);
	assert_int_equal(r.at, s);
}

static void test_manifest_parse(void **state)
{
	(void)state;
	const char good[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  timeline.jsonl\n"
	                    "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef *reports/a.pdf\n";
	struct incident_manifest m;
	struct incident_medium_result r = {0};
	assert_int_equal(incident_manifest_parse(good, strlen(good), &m, &r), 0);
	assert_int_equal(r.status, INCIDENT_MEDIUM_OK);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.v[1].name, "reports/a.pdf");
	assert_int_equal(m.v[0].sha256[0], 0x01);
	incident_manifest_release(&m);
	const char *bad[] = {
	        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  ../etc/passwd\n",
	        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  /etc/passwd\n",
	        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  a//b\n",
	        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg  a\n",
	        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef a\n",
	        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  a", /* no newline */
	        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  a\n"
	        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  a\n", /* twice */
	        "",
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		struct incident_medium_result rb = {0};
		assert_int_equal(incident_manifest_parse(bad[i], strlen(bad[i]), &m, &rb), 0);
		assert_int_equal(rb.status, INCIDENT_MEDIUM_BAD_MANIFEST);
		incident_manifest_release(&m);
	}
}

static void test_timeline_check(void **state)
{
	(void)state;
	const char *bad[] = {"", "{}\n", "not json\n", "[1,2]\n"};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		struct incident_medium_result r = {0};
		assert_int_equal(incident_timeline_check(bad[i], strlen(bad[i]), &r), 0);
		assert_int_equal(r.status, INCIDENT_MEDIUM_BAD_ENTRY);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fact_keys),
	        cmocka_unit_test(test_fact_values),
	        cmocka_unit_test_setup_teardown(test_fact_entries_checked, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_fact_sheet_newest_value, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_report_fields_unknown, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_report_needs_incident, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_upgrade_from_v2, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_source_is_hashed, setup, teardown),
	        cmocka_unit_test(test_manifest_parse),
	        cmocka_unit_test(test_timeline_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
