/*
 * test_incident.c - the incident timeline's hash chain (issue 15): entries link by hash; the canonical content is
 * unambiguous; verify names the first entry altered, removed, reordered or replaced when the SQLite file is edited
 * directly (triggers dropped first, as someone editing the file would), and a head noted earlier catches entries
 * cut off the end; the triggers refuse UPDATE and DELETE; concurrent writers never fork the chain.
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
#include <sys/wait.h>
#include <unistd.h>

static int setup(void **state)
{
	(void)state;
	return incident_fixture_open("incident");
}

static int64_t add(const char *type, const char *kind, const char *text)
{
	struct incident_new n = {.type = type, .kind = kind, .text = text, .os_user = "tester"};
	int64_t seq = 0;
	assert_int_equal(incident_append(f, &n, &seq), 0);
	return seq;
}

/* A drill with n notes after its declaration: entries 1..n+1. */
static void drill(int n)
{
	add(INCIDENT_T_DECLARE, NULL, "訓練");
	for (int i = 0; i < n; i++) {
		char text[32];
		snprintf(text, sizeof(text), "note %d", i + 1);
		add(INCIDENT_T_NOTE, "fact", text);
	}
}

/* Run SQL on the file through another connection, as someone editing it would (the triggers dropped first). */
static void tamper(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *err = NULL;
	int rc = sqlite3_exec(db, "DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;",
	                      NULL, NULL, &err);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fail_msg("tamper '%s': %s", sql, err ? err : "?");
	sqlite3_close(db);
}

static struct incident_verify_result check(const char *head)
{
	struct incident_verify_result r;
	assert_int_equal(incident_verify(f, head, &r), 0);
	return r;
}

static void test_chain_links(void **state)
{
	(void)state;
	drill(3);
	struct incident_entry a, b;
	assert_int_equal(incident_get(f, 1, &a), 0);
	assert_int_equal(incident_get(f, 2, &b), 0);
	uint8_t zero[INCIDENT_HASH_LEN] = {0}, h[INCIDENT_HASH_LEN];
	assert_memory_equal(a.prev, zero, INCIDENT_HASH_LEN);
	assert_memory_equal(b.prev, a.hash, INCIDENT_HASH_LEN);
	incident_entry_hash(b.prev, &b, h);
	assert_memory_equal(h, b.hash, INCIDENT_HASH_LEN);
	assert_int_equal(a.incident, 1);
	assert_int_equal(b.incident, 1);
	assert_int_equal(a.known_at_ms, a.at_ms); /* known-at defaults to the declaration's time */
	incident_entry_release(&a);
	incident_entry_release(&b);
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_INTACT);
	assert_int_equal(r.entries, 4);
}

static void test_canonical_unambiguous(void **state)
{
	(void)state;
	uint8_t zero[INCIDENT_HASH_LEN] = {0}, h1[INCIDENT_HASH_LEN], h2[INCIDENT_HASH_LEN];
	struct incident_entry a = {.type = "note", .kind = "fact", .team = "ab", .text = "c"};
	struct incident_entry b = {.type = "note", .kind = "fact", .team = "a", .text = "bc"};
	incident_entry_hash(zero, &a, h1);
	incident_entry_hash(zero, &b, h2);
	assert_memory_not_equal(h1, h2, INCIDENT_HASH_LEN);
	struct incident_entry c = {.type = "note", .kind = "fact", .team = "", .text = "c"};
	struct incident_entry d = {.type = "note", .kind = "fact", .team = NULL, .text = "c"};
	incident_entry_hash(zero, &c, h1);
	incident_entry_hash(zero, &d, h2);
	assert_memory_not_equal(h1, h2, INCIDENT_HASH_LEN);
	/* the previous hash is part of it */
	uint8_t one[INCIDENT_HASH_LEN] = {1};
	incident_entry_hash(one, &d, h1);
	assert_memory_not_equal(h1, h2, INCIDENT_HASH_LEN);
}

/* The hash as docs/incident.md defines it, computed independently (Python hashlib.blake2b, digest_size=32): an
 * export checked on another machine with another tool gets the same hashes. */
static void test_known_answer(void **state)
{
	(void)state;
	uint8_t zero[INCIDENT_HASH_LEN] = {0}, h1[INCIDENT_HASH_LEN], h2[INCIDENT_HASH_LEN];
	char hex[2 * INCIDENT_HASH_LEN + 1];
	struct incident_entry d = {.incident = 1,
	                           .at_ms = INT64_C(1765065000123),
	                           .type = "declare",
	                           .author = "情報システム課 佐藤",
	                           .os_user = "it1",
	                           .text = "電子カルテ停止",
	                           .known_at_ms = INT64_C(1765044600000),
	                           .flags = INCIDENT_F_DRILL | INCIDENT_F_MALICIOUS};
	incident_entry_hash(zero, &d, h1);
	incident_hex(h1, INCIDENT_HASH_LEN, hex);
	assert_string_equal(hex, "4779148169dd664715a65195c4130ca5fb587a3003d4e9e2ea0c951730da07ca");
	struct incident_entry n = {.incident = 1,
	                           .at_ms = INT64_C(1765065060000),
	                           .type = "note",
	                           .kind = "action",
	                           .team = "recovery",
	                           .os_user = "it1",
	                           .text = "VPN 装置の LAN を抜線",
	                           .report = "mhlw",
	                           .ref = 7};
	incident_entry_hash(h1, &n, h2);
	incident_hex(h2, INCIDENT_HASH_LEN, hex);
	assert_string_equal(hex, "b615d3f26529be4ae840b078dff97f2fccba2a45aafd8b977cdf2857e610cfa1");
}

static void test_altered(void **state)
{
	(void)state;
	drill(5);
	tamper("UPDATE entries SET text = 'note 3 (edited)' WHERE seq = 4");
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_ALTERED);
	assert_int_equal(r.at, 4);
	assert_int_equal(r.entries, 3);
}

static void test_altered_time(void **state)
{
	(void)state;
	drill(5);
	tamper("UPDATE entries SET at_ms = at_ms - 3600000 WHERE seq = 2");
	assert_int_equal(check(NULL).at, 2);
	assert_int_equal(check(NULL).status, INCIDENT_ALTERED);
}

static void test_known_at_altered(void **state)
{
	(void)state;
	drill(2);
	/* moving the time the hospital learned of it moves every deadline: the declaration is hashed too */
	tamper("UPDATE entries SET known_at_ms = known_at_ms + 86400000 WHERE seq = 1");
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_ALTERED);
	assert_int_equal(r.at, 1);
}

static void test_removed(void **state)
{
	(void)state;
	drill(5);
	tamper("DELETE FROM entries WHERE seq = 3");
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_REMOVED);
	assert_int_equal(r.at, 3);
}

static void test_removed_and_renumbered(void **state)
{
	(void)state;
	drill(5);
	tamper("DELETE FROM entries WHERE seq = 3; UPDATE entries SET seq = seq - 1 WHERE seq > 3");
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_REMOVED);
	assert_int_equal(r.at, 3); /* the old #4, now #3, no longer follows #2 */
	assert_int_equal(r.other, 0);
}

static void test_reordered(void **state)
{
	(void)state;
	drill(5);
	tamper("UPDATE entries SET seq = -1 WHERE seq = 3; UPDATE entries SET seq = 3 WHERE seq = 4;"
	       " UPDATE entries SET seq = 4 WHERE seq = -1");
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_REORDERED);
	assert_int_equal(r.at, 3);
	assert_int_equal(r.other, 4); /* the entry now at #3 was written after the one now at #4 */
}

static void test_replaced_with_recomputed_hash(void **state)
{
	(void)state;
	drill(5);
	/* someone who knows the algorithm rewrites #3 and recomputes its hash: #3 verifies alone, #4 no longer
	 * follows it */
	struct incident_entry e;
	assert_int_equal(incident_get(f, 3, &e), 0);
	free(e.text);
	e.text = strdup("rewritten");
	incident_entry_hash(e.prev, &e, e.hash);
	char hex[2 * INCIDENT_HASH_LEN + 1], sql[256];
	incident_hex(e.hash, INCIDENT_HASH_LEN, hex);
	snprintf(sql, sizeof(sql), "UPDATE entries SET text = 'rewritten', hash = x'%s' WHERE seq = 3", hex);
	incident_entry_release(&e);
	tamper(sql);
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_REMOVED);
	assert_int_equal(r.at, 4);
}

static void test_head(void **state)
{
	(void)state;
	drill(5);
	struct incident_verify_result r = check(NULL);
	char head[2 * INCIDENT_HASH_LEN + 1], early[2 * INCIDENT_HASH_LEN + 1];
	uint8_t full[INCIDENT_HASH_LEN];
	memcpy(full, r.head, sizeof(full));
	incident_hex(r.head, INCIDENT_HASH_LEN, head);
	assert_int_equal(check(head).status, INCIDENT_INTACT); /* all 64 digits */
	struct incident_entry e;
	assert_int_equal(incident_get(f, 2, &e), 0);
	incident_hex(e.hash, INCIDENT_HASH_LEN, early);
	incident_entry_release(&e);
	head[16] = '\0';
	assert_int_equal(check(head).status, INCIDENT_INTACT);
	early[8] = '\0';
	assert_int_equal(check(early).status, INCIDENT_INTACT);
	/* cut the last two entries off: the chain alone still holds, the head noted earlier is gone */
	tamper("DELETE FROM entries WHERE seq >= 5");
	assert_int_equal(check(NULL).status, INCIDENT_INTACT);
	r = check(head);
	assert_int_equal(r.status, INCIDENT_HEAD_GONE);
	assert_int_equal(r.entries, 4);
	assert_int_equal(check(early).status, INCIDENT_INTACT);
	/* the whole hash, in capitals, is a head too; a head of zeros is hex but in no chain */
	incident_hex(full, INCIDENT_HASH_LEN, head);
	for (char *p = head; *p; p++)
		*p = (char)(*p >= 'a' ? *p - 32 : *p);
	assert_int_equal(check(head).status, INCIDENT_HEAD_GONE); /* the head of before the cut */
	assert_int_equal(check("00000000").status, INCIDENT_HEAD_GONE);
	/* a head that is no hash: 7 digits, 65 digits, not hex */
	assert_int_equal(incident_verify(f, "xyz", &r), -LB_EINVAL);
	assert_int_equal(incident_verify(f, "abcdef1", &r), -LB_EINVAL);
	char longer[2 * INCIDENT_HASH_LEN + 2];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(incident_verify(f, longer, &r), -LB_EINVAL);
	assert_int_equal(incident_verify(f, "0123456g", &r), -LB_EINVAL);
}

static void test_triggers_refuse(void **state)
{
	(void)state;
	drill(2);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE entries SET text = 'x' WHERE seq = 2", NULL, NULL, NULL),
	                     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM entries WHERE seq = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(check(NULL).status, INCIDENT_INTACT);
}

static void test_rules(void **state)
{
	(void)state;
	struct incident_new n = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = "x"};
	assert_int_equal(incident_append(f, &n, NULL), -LB_ENOTFOUND); /* nothing declared */
	drill(1);
	struct incident_new d = {.type = INCIDENT_T_DECLARE, .text = "second"};
	assert_int_equal(incident_append(f, &d, NULL), -LB_EEXIST);
	assert_non_null(strstr(lb_errmsg(), "#1")); /* names the open one, by number and title */
	assert_non_null(strstr(lb_errmsg(), "訓練"));
	struct incident_new p = {.type = INCIDENT_T_PHASE, .kind = "detection", .text = "detection"};
	assert_int_equal(incident_append(f, &p, NULL), -LB_EINVAL); /* already in it */
	p.kind = "nowhere";
	assert_int_equal(incident_append(f, &p, NULL), -LB_EINVAL);
	struct incident_new c = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = "fix", .ref = 99};
	assert_int_equal(incident_append(f, &c, NULL), -LB_EINVAL);
	c.ref = 1; /* the declaration is no note */
	assert_int_equal(incident_append(f, &c, NULL), -LB_EINVAL);
	struct incident_new ctl = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = "a\033[2Jb"};
	assert_int_equal(incident_append(f, &ctl, NULL), -LB_EINVAL);
	struct incident_new blank = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = " \n "};
	assert_int_equal(incident_append(f, &blank, NULL), -LB_EINVAL);
	struct incident_new none = {.type = INCIDENT_T_NOTE, .kind = "fact"};
	assert_int_equal(incident_append(f, &none, NULL), -LB_EINVAL); /* no text */
	none.text = "";
	assert_int_equal(incident_append(f, &none, NULL), -LB_EINVAL);
	char big[INCIDENT_TEXT_MAX + 2];
	memset(big, 'x', sizeof(big));
	big[INCIDENT_TEXT_MAX] = '\0';
	struct incident_new longest = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = big};
	assert_int_equal(incident_append(f, &longest, NULL), 0); /* exactly the cap */
	big[INCIDENT_TEXT_MAX] = 'x';
	big[INCIDENT_TEXT_MAX + 1] = '\0';
	assert_int_equal(incident_append(f, &longest, NULL), -LB_EINVAL);
	struct incident_new who = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = "x", .author = ""};
	assert_int_equal(incident_append(f, &who, NULL), -LB_EINVAL);
	who.author = "山田\n花子"; /* a name is one line */
	assert_int_equal(incident_append(f, &who, NULL), -LB_EINVAL);
	who.author = "山田";
	who.os_user = "it1\033";
	assert_int_equal(incident_append(f, &who, NULL), -LB_EINVAL);
	who.os_user = "\xff\xfe";
	assert_int_equal(incident_append(f, &who, NULL), -LB_EINVAL);
	struct incident_new lines = {
	        .type = INCIDENT_T_NOTE, .kind = "fact", .text = "一行目\n\t二行目", .author = "山田"};
	assert_int_equal(incident_append(f, &lines, NULL), 0); /* text may hold lines and tabs */
	struct incident_new team = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = "x", .team = "kitchen"};
	assert_int_equal(incident_append(f, &team, NULL), -LB_EINVAL);
	struct incident_new rep = {.type = INCIDENT_T_NOTE, .kind = "contact", .text = "x", .report = "press"};
	assert_int_equal(incident_append(f, &rep, NULL), -LB_EINVAL);
	/* nothing refused was written */
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_INTACT);
	assert_int_equal(r.entries, 4);
	/* closed: a new one can be declared, in the future it cannot */
	add(INCIDENT_T_CLOSE, NULL, "closed");
	assert_int_equal(incident_append(f, &n, NULL), -LB_ENOTFOUND);
	d.known_at_ms = lb_now_ms() + 3600 * 1000;
	assert_int_equal(incident_append(f, &d, NULL), -LB_EINVAL);
	d.known_at_ms = INT64_C(946684799999); /* before 2000: a typo or a flat clock battery */
	assert_int_equal(incident_append(f, &d, NULL), -LB_EINVAL);
	d.known_at_ms = INT64_C(946684800000);
	int64_t seq;
	assert_int_equal(incident_append(f, &d, &seq), 0);
	assert_int_equal(seq, 6);
	int64_t open;
	assert_int_equal(incident_current(f, &open), 0);
	assert_int_equal(open, 6);
}

/* What incident_new_check refuses without a file, at its edges: control characters (0x1f and 0x7f; tab and, in the
 * text only, newline pass), the length caps to the byte, and a declaration known up to five minutes ahead of the
 * clock (to the millisecond) and not before 2000; a note's known-at is not a declaration's and is not judged. */
static void test_new_check_edges(void **state)
{
	(void)state;
	const int64_t now = INT64_C(1800000000000);
	struct incident_new n = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = "a b"};
	assert_int_equal(incident_new_check(&n, now), 0);
	static const char *const bad_text[] = {"a\x1f", "a\x7f", "\x01", "a\rb", " \t\n"};
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		n.text = bad_text[i];
		if (incident_new_check(&n, now) != -LB_EINVAL)
			fail_msg("text %zu was not refused", i);
	}
	n.text = "\t一行目\n二行目~";
	assert_int_equal(incident_new_check(&n, now), 0);
	char name[INCIDENT_NAME_MAX + 2];
	memset(name, 'a', sizeof(name));
	name[INCIDENT_NAME_MAX] = '\0';
	n.author = name; /* exactly the cap */
	n.os_user = name;
	assert_int_equal(incident_new_check(&n, now), 0);
	name[INCIDENT_NAME_MAX] = 'a';
	name[INCIDENT_NAME_MAX + 1] = '\0';
	assert_int_equal(incident_new_check(&n, now), -LB_EINVAL);
	n.author = "山田";
	assert_int_equal(incident_new_check(&n, now), -LB_EINVAL); /* the account name over the cap */
	n.os_user = "it1";
	n.author = "山田\t花子"; /* a tab passes in a name, a newline does not */
	assert_int_equal(incident_new_check(&n, now), 0);
	n.author = "山田\n";
	assert_int_equal(incident_new_check(&n, now), -LB_EINVAL);
	n.author = "山田\x7f";
	assert_int_equal(incident_new_check(&n, now), -LB_EINVAL);
	n.author = NULL;
	n.known_at_ms = now + 3600 * 1000; /* a note: not judged */
	assert_int_equal(incident_new_check(&n, now), 0);
	struct incident_new d = {.type = INCIDENT_T_DECLARE, .text = "停止", .known_at_ms = now + 5 * 60 * 1000};
	assert_int_equal(incident_new_check(&d, now), 0); /* five minutes ahead: a clock a little fast */
	d.known_at_ms++;
	assert_int_equal(incident_new_check(&d, now), -LB_EINVAL);
	d.known_at_ms = INT64_C(946684800000);
	assert_int_equal(incident_new_check(&d, now), 0);
	d.known_at_ms--;
	assert_int_equal(incident_new_check(&d, now), -LB_EINVAL);
	d.known_at_ms = 0; /* not given: now */
	assert_int_equal(incident_new_check(&d, now), 0);
	d.text = "停止\x1b[2J";
	assert_int_equal(incident_new_check(&d, now), -LB_EINVAL);
}

/* Phases: each change is checked against the current phase, which the newest phase entry sets. */
static void test_phases(void **state)
{
	(void)state;
	drill(0);
	const char *steps[] = {"initial", "recovery", "initial", "recovery", "after", "detection"};
	for (size_t i = 0; i < LB_ARRAY_LEN(steps); i++) {
		struct incident_new p = {.type = INCIDENT_T_PHASE, .kind = steps[i], .text = steps[i]};
		assert_int_equal(incident_append(f, &p, NULL), 0);
		assert_int_equal(incident_append(f, &p, NULL), -LB_EINVAL); /* the phase it is in now */
	}
	assert_int_equal(check(NULL).entries, 1 + LB_ARRAY_LEN(steps));
}

static void test_not_the_clinical_store(void **state)
{
	(void)state;
	char other[160];
	snprintf(other, sizeof(other), "%s/clinical.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE patients(id TEXT)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	struct incident_file *g = NULL;
	assert_int_equal(incident_open(&g, other, 1), -LB_EINVAL);
	assert_null(g);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1); /* nothing added to it */
	sqlite3_finalize(q);
	sqlite3_close(db);
	/* a missing file is not created unless asked */
	snprintf(other, sizeof(other), "%s/none.db", dir);
	assert_int_equal(incident_open(&g, other, 0), -LB_ENOTFOUND);
	assert_int_equal(lb_exists(other), 0);
	/* a newer schema is refused */
	snprintf(other, sizeof(other), "%s/new.db", dir);
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE entries(x); PRAGMA user_version = 9", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(incident_open(&g, other, 0), -LB_ECORRUPT);
}

static void test_default_path(void **state)
{
	(void)state;
	struct buf b = {0};
	incident_default_path(&b, "/srv/lifeboat/clinical.db");
	assert_string_equal(b.data, "/srv/lifeboat/incident.db");
	incident_default_path(&b, "clinical.db");
	assert_string_equal(b.data, "incident.db");
	buf_release(&b);
}

/* Writers in other processes, each with its own connection: nothing lost, nothing doubled, one chain. */
static void test_concurrent_writers(void **state)
{
	(void)state;
	drill(0);
	enum { WRITERS = 4, EACH = 100 };
	for (int w = 0; w < WRITERS; w++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct incident_file *g;
			if (incident_open(&g, path, 0) < 0)
				_exit(1);
			for (int i = 0; i < EACH; i++) {
				char text[32];
				snprintf(text, sizeof(text), "w%d-%d", w, i);
				struct incident_new n = {.type = INCIDENT_T_NOTE, .kind = "fact", .text = text};
				if (incident_append(g, &n, NULL) < 0)
					_exit(2);
			}
			incident_file_close(g);
			_exit(0);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int status;
		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	struct incident_verify_result r = check(NULL);
	assert_int_equal(r.status, INCIDENT_INTACT);
	assert_int_equal(r.entries, 1 + WRITERS * EACH);
	sqlite3 *db;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(db, "SELECT count(DISTINCT text) FROM entries WHERE type = 'note'", -1, &q, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), WRITERS * EACH);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_chain_links, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_canonical_unambiguous, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_known_answer, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_altered, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_altered_time, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_known_at_altered, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_removed, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_removed_and_renumbered, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_replaced_with_recomputed_hash, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_head, setup, teardown),
	        cmocka_unit_test(test_new_check_edges),
	        cmocka_unit_test_setup_teardown(test_triggers_refuse, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_phases, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_not_the_clinical_store, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
