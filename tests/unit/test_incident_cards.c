/*
 * test_incident_cards.c - the action cards of an incident (issue 15): a hospital's card YAML is refused with
 * "FILE:LINE: reason" for each kind of mistake it can make, the shipped defaults cover the six teams, a set is
 * copied into the file with the declaration and hashed into the chain, done and assign are timeline entries from
 * which the state is rebuilt (done twice refused, an unknown card named), due and overdue count from the
 * declaration, a set that does not validate changes nothing, an edit of the cards tables is caught, and a
 * version-1 file is upgraded in place.
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
	return incident_fixture_open("cards");
}

static const char good[] = "team: recovery\n"
                           "cards:\n"
                           "  - id: recovery-isolate\n"
                           "    phase: initial\n"
                           "    due: 1h\n"
                           "    owner: {ja: 復旧班長, en: head of recovery}\n"
                           "    title: {ja: 遮断する, en: Isolate}\n"
                           "    steps:\n"
                           "      - {ja: バックアップ経路, en: backup paths}\n"
                           "      - 外部接続\n"
                           "  - id: recovery-restore\n"
                           "    phase: 復旧処理\n"
                           "    due: 1d12h\n"
                           "    title: 復元する\n";

static int read_one(const char *text, struct incident_cardset *s)
{
	memset(s, 0, sizeof(*s));
	return incident_cards_read_buf(s, "cards/x.yaml", text, strlen(text));
}

static void test_good_file_reads(void **state)
{
	(void)state;
	struct incident_cardset s;
	assert_int_equal(read_one(good, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].id, "recovery-isolate");
	assert_int_equal(s.v[0].team, INCIDENT_TEAM_RECOVERY);
	assert_int_equal(s.v[0].phase, INCIDENT_INITIAL);
	assert_int_equal(s.v[0].due_min, 60);
	assert_string_equal(s.v[0].title_en, "Isolate");
	assert_string_equal(s.v[0].owner_ja, "復旧班長");
	assert_int_equal(s.v[0].nsteps, 2);
	assert_string_equal(s.v[0].steps[1].ja, "外部接続");
	assert_string_equal(s.v[0].steps[1].en, "外部接続"); /* Japanese only: English falls back to it */
	assert_int_equal(s.v[0].line, 3);
	assert_int_equal(s.v[1].phase, INCIDENT_RECOVERY); /* the Japanese label is accepted */
	assert_int_equal(s.v[1].due_min, 36 * 60);
	assert_string_equal(s.v[1].title_en, "復元する");
	assert_null(s.v[1].owner_ja);
	incident_cardset_release(&s);
}

/* Each mistake a hospital can make, the line it is reported on and words of the reason. */
static void test_bad_files_name_file_and_line(void **state)
{
	(void)state;
	static const struct {
		const char *text, *where, *reason;
	} cases[] = {
	        {"team: hq\ncards:\n  - id: a\n    title: [x\n", "cards/x.yaml:5:", "YAML syntax"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    titel: x\n",
	         "cards/x.yaml:5:", "unknown key 'titel'"},
	        {"team: hq\ncolor: red\ncards: []\n", "cards/x.yaml:2:", "unknown key 'color'"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n", "cards/x.yaml:3:", "card 'a' has no title"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    title: {en: only English}\n",
	         "cards/x.yaml:5:", "has no ja"},
	        {"team: hq\ncards:\n  - phase: initial\n    title: t\n", "cards/x.yaml:3:", "has no id"},
	        {"team: hq\ncards:\n  - id: Bad_Id\n    phase: initial\n    title: t\n",
	         "cards/x.yaml:3:", "may hold only"},
	        {"team: hq\ncards:\n  - id: a\n    phase: later\n    title: t\n",
	         "cards/x.yaml:4:", "no phase 'later'"},
	        {"team: hq\ncards:\n  - id: a\n    title: t\n", "cards/x.yaml:3:", "has no phase"},
	        {"team: lab\ncards: []\n", "cards/x.yaml:1:", "no team 'lab'"},
	        {"cards:\n  - id: a\n    phase: initial\n    title: t\n", "cards/x.yaml:2:", "has no team"},
	        {"team: hq\ncards:\n  - id: a\n    team: kitchen\n    phase: initial\n    title: t\n",
	         "cards/x.yaml:4:", "no team 'kitchen'"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    due: soon\n    title: t\n",
	         "cards/x.yaml:5:", "due 'soon'"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    due: 400d\n    title: t\n",
	         "cards/x.yaml:5:", "due '400d'"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    title: t\n  - id: a\n    phase: after\n"
	         "    title: u\n",
	         "cards/x.yaml:6:", "card id 'a' is used twice (first at cards/x.yaml:3)"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    phase: after\n    title: t\n",
	         "cards/x.yaml:5:", "given twice"},
	        {"team: hq\ncards:\n  - &c {id: a, phase: initial, title: t}\n  - *c\n", "cards/x.yaml:3:", "aliases"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    title: t\n---\nteam: hq\n",
	         "cards/x.yaml:7:", "one YAML document"},
	        {"team: hq\ncards: a list\n", "cards/x.yaml:2:", "must be a list"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    title: t\n    steps: do it\n",
	         "cards/x.yaml:6:", "must be a list"},
	        {"team: hq\ncards:\n  - id: a\n    phase: initial\n    title: \"x\\u0007y\"\n",
	         "cards/x.yaml:5:", "control character"},
	        {"", "cards/x.yaml:1:", "empty"},
	        {"- a\n- b\n", "cards/x.yaml:1:", "must be a mapping"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct incident_cardset s;
		int rc = read_one(cases[i].text, &s);
		if (rc != -LB_EINVAL)
			fail_msg("case %zu read with %d", i, rc);
		const char *m = lb_errmsg();
		if (strncmp(m, cases[i].where, strlen(cases[i].where)) || !strstr(m, cases[i].reason) ||
		    strchr(m, '\n'))
			fail_msg("case %zu: '%s' (wanted %s … %s)", i, m, cases[i].where, cases[i].reason);
		assert_int_equal(s.n, 0);
		assert_null(s.v);
	}
}

/* A duplicate across two files names both; a failing file leaves what the earlier files gave untouched. */
static void test_duplicate_across_files(void **state)
{
	(void)state;
	struct incident_cardset s = {0};
	assert_int_equal(incident_cards_read_buf(&s, "a.yaml", good, strlen(good)), 0);
	const char *dup = "team: hq\ncards:\n  - id: hq-one\n    phase: initial\n    title: t\n"
	                  "  - id: recovery-restore\n    phase: after\n    title: u\n";
	assert_int_equal(incident_cards_read_buf(&s, "b.yaml", dup, strlen(dup)), -LB_EINVAL);
	assert_string_equal(lb_errmsg(), "b.yaml:6: card id 'recovery-restore' is used twice (first at a.yaml:11)");
	assert_int_equal(s.n, 2);
	incident_cardset_release(&s);
}

static void test_defaults_cover_six_teams(void **state)
{
	(void)state;
	struct incident_cardset s;
	assert_int_equal(incident_cards_defaults(&s), 0);
	int per[INCIDENT_TEAMS] = {0};
	for (size_t i = 0; i < s.n; i++) {
		per[s.v[i].team]++;
		assert_non_null(s.v[i].owner_ja);
		assert_true(s.v[i].nsteps > 0);
		assert_true(strcmp(s.v[i].title_ja, s.v[i].title_en) != 0); /* both languages written */
	}
	for (int t = 0; t < INCIDENT_TEAMS; t++)
		assert_true(per[t] >= 3);
	/* the examples are there: isolation in MHLW's order first cuts the paths to the backups */
	int found = 0;
	for (size_t i = 0; i < s.n; i++)
		if (!strcmp(s.v[i].id, "recovery-isolate")) {
			found = 1;
			assert_non_null(strstr(s.v[i].steps[0].ja, "バックアップ"));
			assert_non_null(strstr(s.v[i].steps[1].ja, "外部"));
			assert_non_null(strstr(s.v[i].steps[2].ja, "セグメント"));
		}
	assert_true(found);
	incident_cardset_release(&s);
}

static int64_t count_entries(void)
{
	int64_t n = 0;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT (SELECT count(*) FROM entries) * 1000 + (SELECT count(*) FROM"
	                                    " cards)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Declare at `at` with the cards of `good`. */
static void declare_good(int64_t at)
{
	struct incident_cardset s;
	assert_int_equal(read_one(good, &s), 0);
	struct incident_new n = {
	        .type = INCIDENT_T_DECLARE, .text = "訓練", .os_user = "tester", .at_ms = at, .known_at_ms = at};
	int64_t seq = 0;
	assert_int_equal(incident_declare(f, &n, &s, "cards/", &seq), 0);
	assert_int_equal(seq, 1);
	incident_cardset_release(&s);
}

static const struct incident_card_state *card(const struct incident_cards *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].card.id, id))
			return &c->v[i];
	fail_msg("no card %s", id);
	return NULL;
}

static void test_done_and_assign_through_the_chain(void **state)
{
	(void)state;
	int64_t t0 = lb_now_ms() - 2 * 3600 * 1000; /* declared two hours ago */
	declare_good(t0);
	struct incident_new sato = {.author = "佐藤", .os_user = "it1"}, tanaka = {.author = "田中", .os_user = "it2"};
	int64_t seq;
	assert_int_equal(incident_card_assign(f, "recovery-restore", "鈴木", &sato, &seq), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(incident_card_done(f, "recovery-isolate", "LAN 抜線 03:40", &tanaka, &seq), 0);
	assert_int_equal(seq, 3);

	/* done twice: refused, naming who did it; nothing appended */
	assert_int_equal(incident_card_done(f, "recovery-isolate", NULL, &sato, &seq), -LB_EEXIST);
	assert_non_null(strstr(lb_errmsg(), "already done (by 田中"));
	assert_non_null(strstr(lb_errmsg(), "#3"));
	assert_int_equal(incident_card_assign(f, "recovery-isolate", "x", &sato, &seq), -LB_EEXIST);
	/* an unknown card: named */
	assert_int_equal(incident_card_done(f, "recovery-nope", NULL, &sato, &seq), -LB_ENOTFOUND);
	assert_non_null(strstr(lb_errmsg(), "'recovery-nope'"));
	assert_int_equal(incident_card_assign(f, "recovery-restore", " ", &sato, &seq), -LB_EINVAL);

	struct incident_cards c;
	assert_int_equal(incident_cards(f, 0, -1, -1, lb_now_ms(), &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.load_seq, 1);
	assert_string_equal(c.source, "cards/");
	const struct incident_card_state *iso = card(&c, "recovery-isolate"), *res = card(&c, "recovery-restore");
	assert_int_equal(iso->status, INCIDENT_CARD_DONE);
	assert_string_equal(iso->done_by, "田中");
	assert_string_equal(iso->done_note, "LAN 抜線 03:40");
	assert_int_equal(iso->done_seq, 3);
	assert_int_equal(iso->due_ms, t0 + 3600 * 1000);
	assert_false(iso->overdue); /* past due, but done */
	assert_int_equal(res->status, INCIDENT_CARD_ASSIGNED);
	assert_string_equal(res->assignee, "鈴木");
	assert_int_equal(res->due_ms, t0 + 36 * 3600 * 1000);
	assert_false(res->overdue);
	incident_cards_release(&c);

	/* overdue is judged at the time asked, from the declaration */
	assert_int_equal(incident_cards(f, 0, -1, -1, t0 + 37 * 3600 * 1000, &c), 0);
	assert_true(card(&c, "recovery-restore")->overdue);
	incident_cards_release(&c);

	/* the filters */
	assert_int_equal(incident_cards(f, 0, INCIDENT_TEAM_RECOVERY, INCIDENT_RECOVERY, lb_now_ms(), &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].card.id, "recovery-restore");
	incident_cards_release(&c);
	assert_int_equal(incident_cards(f, 0, INCIDENT_HQ, -1, lb_now_ms(), &c), 0);
	assert_int_equal(c.n, 0);
	incident_cards_release(&c);

	/* the state is the timeline's: the entries are there, and the chain holds */
	struct incident_entry e = {0};
	assert_int_equal(incident_get(f, 3, &e), 0);
	assert_string_equal(e.type, INCIDENT_T_DONE);
	assert_string_equal(e.kind, "recovery-isolate");
	assert_string_equal(e.team, "recovery");
	assert_string_equal(e.author, "田中");
	incident_entry_release(&e);
	struct incident_verify_result r;
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_INTACT);
	assert_int_equal(r.entries, 3);
	assert_int_equal(incident_cards_check(f), 0);
}

/* A reload keeps the state of the cards whose id stays; a set that does not validate changes nothing. */
static void test_reload_keeps_state_and_bad_set_changes_nothing(void **state)
{
	(void)state;
	declare_good(0);
	struct incident_new who = {.author = "佐藤", .os_user = "it1"};
	assert_int_equal(incident_card_done(f, "recovery-isolate", NULL, &who, NULL), 0);
	int64_t before = count_entries();

	struct incident_cardset empty = {0};
	assert_int_equal(incident_cards_load(f, &empty, "x", &who, NULL), -LB_EINVAL);
	assert_int_equal(count_entries(), before);

	const char *next = "team: recovery\ncards:\n  - id: recovery-isolate\n    phase: initial\n    title: 遮断 v2\n"
	                   "  - id: recovery-stations\n    phase: initial\n    title: 参照端末\n";
	struct incident_cardset s;
	assert_int_equal(read_one(next, &s), 0);
	int64_t seq;
	assert_int_equal(incident_cards_load(f, &s, "v2/", &who, &seq), 0);
	assert_int_equal(seq, 3);
	incident_cardset_release(&s);
	struct incident_cards c;
	assert_int_equal(incident_cards(f, 0, -1, -1, lb_now_ms(), &c), 0);
	assert_int_equal(c.load_seq, 3);
	assert_int_equal(c.n, 2);
	assert_string_equal(card(&c, "recovery-isolate")->card.title_ja, "遮断 v2");
	assert_int_equal(card(&c, "recovery-isolate")->status, INCIDENT_CARD_DONE);
	assert_int_equal(card(&c, "recovery-stations")->status, INCIDENT_CARD_OPEN);
	assert_int_equal(card(&c, "recovery-stations")->due_ms, 0); /* no due given */
	incident_cards_release(&c);
	/* a card of the old set only is no longer there to be done */
	assert_int_equal(incident_card_done(f, "recovery-restore", NULL, &who, NULL), -LB_ENOTFOUND);
}

/* Editing the cards in the file (triggers dropped) is caught against the hash the timeline recorded. */
static void test_edited_cards_are_caught(void **state)
{
	(void)state;
	declare_good(0);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(db, "UPDATE cards SET due_min = 600 WHERE id = 'recovery-isolate'", NULL, NULL, NULL),
	        SQLITE_CONSTRAINT); /* the trigger refuses it */
	assert_int_equal(sqlite3_exec(db,
	                              "DROP TRIGGER cards_no_update; UPDATE cards SET due_min = 600 WHERE id ="
	                              " 'recovery-isolate'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	struct incident_cards c;
	assert_int_equal(incident_cards(f, 0, -1, -1, lb_now_ms(), &c), -LB_ECORRUPT);
	assert_non_null(strstr(lb_errmsg(), "entry #1"));
	assert_int_equal(incident_cards_check(f), -LB_ECORRUPT);
}

/* A version-1 file (the timeline only) opens as the current version with its entries intact. */
static void test_version_1_file_upgraded_in_place(void **state)
{
	(void)state;
	struct incident_new n = {.type = INCIDENT_T_DECLARE, .text = "v1", .os_user = "tester"};
	assert_int_equal(incident_append(f, &n, NULL), 0);
	incident_file_close(f);
	f = NULL;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              INCIDENT_FIXTURE_DROP_V4
	                              "DROP TABLE cards; DROP TABLE card_steps; DROP TABLE card_sets; DROP INDEX"
	                              " entries_card; DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;"
	                              " ALTER TABLE entries DROP COLUMN source; PRAGMA user_version = 1",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(incident_open(&f, path, 0), 0);
	struct incident_cards c;
	assert_int_equal(incident_cards(f, 0, -1, -1, lb_now_ms(), &c), 0);
	assert_int_equal(c.load_seq, 0); /* declared before cards existed: none */
	incident_cards_release(&c);
	struct incident_cardset s;
	assert_int_equal(incident_cards_defaults(&s), 0);
	struct incident_new who = {.os_user = "tester"};
	assert_int_equal(incident_cards_load(f, &s, NULL, &who, NULL), 0);
	incident_cardset_release(&s);
	assert_int_equal(incident_card_done(f, "hq-declare", "本部設置", &who, NULL), 0);
	struct incident_verify_result r;
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_INTACT);
	assert_int_equal(r.entries, 3);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), INCIDENT_SCHEMA_VERSION);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_contacts(void **state)
{
	(void)state;
	struct incident_contacts c;
	assert_int_equal(incident_contacts_template(&c), 0);
	int kinds[INCIDENT_CONTACT_KINDS] = {0};
	for (size_t i = 0; i < c.n; i++)
		kinds[c.v[i].kind]++;
	for (int k = 0; k < INCIDENT_C_OTHER; k++)
		assert_true(kinds[k] > 0);
	assert_true(incident_unset(c.hospital));
	incident_contacts_release(&c);
	const char *bad = "hospital: 〇〇病院\ncontacts:\n  - kind: mhlw\n    org: 厚労省\n  - kind: fax\n    org: x\n";
	assert_int_equal(incident_contacts_read_buf(&c, "c.yaml", bad, strlen(bad)), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "c.yaml:5: no contact kind 'fax'"));
	const char *noorg = "contacts:\n  - kind: police\n    phone: 110\n";
	assert_int_equal(incident_contacts_read_buf(&c, "c.yaml", noorg, strlen(noorg)), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "c.yaml:2: the contact has no org"));
	const char *typo = "contacts:\n  - kind: police\n    org: 県警\n    phnoe: 110\n";
	assert_int_equal(incident_contacts_read_buf(&c, "c.yaml", typo, strlen(typo)), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "c.yaml:4: unknown key 'phnoe'"));
}

int main(void)
{
	lb_set_lang(LB_LANG_EN);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good_file_reads),
	        cmocka_unit_test(test_bad_files_name_file_and_line),
	        cmocka_unit_test(test_duplicate_across_files),
	        cmocka_unit_test(test_defaults_cover_six_teams),
	        cmocka_unit_test_setup_teardown(test_done_and_assign_through_the_chain, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reload_keeps_state_and_bad_set_changes_nothing, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_edited_cards_are_caught, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_version_1_file_upgraded_in_place, setup, teardown),
	        cmocka_unit_test(test_contacts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
