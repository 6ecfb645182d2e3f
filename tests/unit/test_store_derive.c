/*
 * test_store_derive.c - the tables derived at the end of a run (src/store/derive.c), on an SS-MIX2 tree written
 * here so that every count has one known cause: the census replayed from admit/transfer/discharge with their
 * cancels (the latest event of the kind taken back, a re-admission after a discharge), the same-full-name count
 * (kanji OR kana, never oneself, updated when a later run changes a name) and the same-surname-in-ward count
 * (same ward only, kanji OR kana surname).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store/store.h"
#include "store/store_int.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], root[128], dbpath[128];
static struct store *st;

/* Write one SS-MIX2 message (UTF-8 here, ISO-2022-JP on disk) under its storage path. */
static void put(const char *pid, const char *date, const char *type, const char *order, const char *time17,
                const char *text)
{
	struct buf p = {0}, enc = {0};
	buf_addf(&p, "%s/%.3s/%.3s/%s/%s/%s", root, pid, pid + 3, pid, date, type);
	assert_int_equal(lb_mkdirs(p.data, 0755), 0);
	buf_addf(&p, "/%s_%s_%s_%s_%s_%s_1", pid, date, type, order, time17, strcmp(type, "ADT-00") ? "01" : "-");
	text_encode_iso2022jp(&enc, text, strlen(text));
	assert_int_equal(lb_write_file_atomic(p.data, enc.data, enc.len, 0644, 0), 0);
	buf_release(&p);
	buf_release(&enc);
}

/* Demographics: kanji family^given, kana family^given. */
static void patient(const char *pid, const char *fam, const char *giv, const char *kfam, const char *kgiv,
                    const char *time17)
{
	struct buf m = {0};
	buf_addf(&m,
	         "MSH|^~\\&|HIS|SEND|GW|RCV|%.14s||ADT^A08^ADT_A01|M%s%.14s|P|2.5||||||~ISO IR87||ISO2022-1994\r"
	         "EVN||%.12s\rPID|0001||%s^^^^PI||%s^%s^^^^^L^I~%s^%s^^^^^L^P||19600101|F\rPV1|0001|O\r",
	         time17, pid, time17, time17, pid, fam, giv, kfam, kgiv);
	put(pid, "-", "ADT-00", "999999999999999", time17, m.data);
	buf_release(&m);
}

/* One ADT event: trigger A01/A02/A03/A11/A12/A13 on day (YYYYMMDD) at hour, in ward^room^bed. */
static void event(const char *pid, const char *trigger, const char *day, int hour, const char *ward)
{
	const char *type = !strcmp(trigger, "A01") || !strcmp(trigger, "A11")   ? "ADT-22"
	                   : !strcmp(trigger, "A02") || !strcmp(trigger, "A12") ? "ADT-42"
	                                                                        : "ADT-52";
	char t17[32], order[32];
	snprintf(t17, sizeof(t17), "%s%02d0000000", day, hour);
	snprintf(order, sizeof(order), "%015d", hour);
	struct buf m = {0};
	buf_addf(&m,
	         "MSH|^~\\&|HIS|SEND|GW|RCV|%s%02d0000||ADT^%s^ADT_A01|E%s%s%02d|P|2.5||||||~ISO IR87||ISO2022-1994\r"
	         "EVN||%s%02d00|||||%s%02d00\rPID|0001||%s^^^^PI\rPV1|0001|I|%s^101^1||||110^医師^一郎|||01\r",
	         day, hour, trigger, pid, day, hour, day, hour, day, hour, pid, ward);
	put(pid, day, type, order, t17, m.data);
	buf_release(&m);
}

static void ingest(void)
{
	struct store_ingest_opts o = {.ssmix2_dir = root, .settle_s = -1};
	struct store_ingest_stats s;
	assert_int_equal(store_ingest(st, &o, &s), 0);
	assert_int_equal(s.warnings, 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lb-test-derive-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(root, sizeof(root), "%s/ssmix2", dir);
	snprintf(dbpath, sizeof(dbpath), "%s/c.db", dir);
	return store_open(&st, dbpath, 1) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	lb_rmtree(dir);
	return 0;
}

struct want {
	const char *pid;
	const char *ward; /* NULL: not in the census */
	int same_name, same_surname;
};

static void expect(const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct store_patient_view v;
		assert_int_equal(store_patient_get(st, w[i].pid, &v), 0);
		print_message("%s: in_ward %d ward %s same_name %d same_surname %d\n", w[i].pid, v.census.in_ward,
		              v.census.ward ? v.census.ward : "-", v.same_full_name, v.census.same_surname_in_ward);
		if (w[i].ward) {
			assert_true(v.census.in_ward);
			assert_string_equal(v.census.ward, w[i].ward);
			assert_int_equal(v.census.same_surname_in_ward, w[i].same_surname);
		} else {
			assert_false(v.census.in_ward);
		}
		assert_int_equal(v.same_full_name, w[i].same_name);
		store_patient_view_release(&v);
	}
}

static void test_census_and_same_names(void **state)
{
	(void)state;
	/* names: 1001 and 1002 the same in kanji and kana; 1003 the same kanji, other kana; 1004 and 1005 the same
	 * kana only; 1006..1009 unique full names, 1006 and 1007 share the surname 田中 (kanji only), 1008 and
	 * 1009 the surname ヤマダ (kana only) */
	patient("0000001001", "佐藤", "花子", "サトウ", "ハナコ", "20261101090000000");
	patient("0000001002", "佐藤", "花子", "サトウ", "ハナコ", "20261101090000000");
	patient("0000001003", "佐藤", "花子", "サトウ", "ハナ", "20261101090000000");
	patient("0000001004", "高橋", "一", "タカハシ", "ハジメ", "20261101090000000");
	patient("0000001005", "高橋", "元", "タカハシ", "ハジメ", "20261101090000000");
	patient("0000001006", "田中", "一郎", "タナカ", "イチロウ", "20261101090000000");
	patient("0000001007", "田中", "次郎", "デンナカ", "ジロウ", "20261101090000000");
	patient("0000001008", "山田", "三郎", "ヤマダ", "サブロウ", "20261101090000000");
	patient("0000001009", "八間田", "四郎", "ヤマダ", "シロウ", "20261101090000000");

	/* 1001: admitted to 5東, transferred to 6西: in 6西 */
	event("0000001001", "A01", "20261110", 10, "5東");
	event("0000001001", "A02", "20261111", 10, "6西");
	/* 1002: admitted, transferred, then the transfer cancelled: back in 5東 */
	event("0000001002", "A01", "20261110", 10, "5東");
	event("0000001002", "A02", "20261111", 10, "6西");
	event("0000001002", "A12", "20261111", 12, "6西");
	/* 1003: admitted, discharged: not in the census */
	event("0000001003", "A01", "20261110", 10, "6西");
	event("0000001003", "A03", "20261112", 10, "6西");
	/* 1004: admitted, discharged, the discharge cancelled: still in 7北 */
	event("0000001004", "A01", "20261110", 10, "7北");
	event("0000001004", "A03", "20261112", 10, "7北");
	event("0000001004", "A13", "20261112", 15, "7北");
	/* 1005: admitted, the admission cancelled: not in the census */
	event("0000001005", "A01", "20261110", 10, "7北");
	event("0000001005", "A11", "20261110", 11, "7北");
	/* 1006: two transfers, the later cancelled: the latest transfer is the one taken back, so 6西 */
	event("0000001006", "A01", "20261110", 10, "5東");
	event("0000001006", "A02", "20261111", 10, "6西");
	event("0000001006", "A02", "20261112", 10, "8南");
	event("0000001006", "A12", "20261113", 10, "8南");
	/* 1007: discharged from 5東, admitted again to 6西 */
	event("0000001007", "A01", "20261101", 10, "5東");
	event("0000001007", "A03", "20261105", 10, "5東");
	event("0000001007", "A01", "20261110", 10, "6西");
	/* 1008 and 1009 in 7北 with 1004; 1009 as well */
	event("0000001008", "A01", "20261110", 10, "7北");
	event("0000001009", "A01", "20261110", 10, "7北");
	ingest();

	/* 6西: 1001 (佐藤), 1006 (田中), 1007 (田中) → 1006 and 1007 share the kanji surname; 5東: 1002 alone;
	 * 7北: 1004 (高橋), 1008 and 1009 (ヤマダ, kana only) */
	const struct want first[] = {
	        {"0000001001", "6西", 2, 0}, {"0000001002", "5東", 2, 0}, {"0000001003", NULL, 2, 0},
	        {"0000001004", "7北", 1, 0}, {"0000001005", NULL, 1, 0},  {"0000001006", "6西", 0, 1},
	        {"0000001007", "6西", 0, 1}, {"0000001008", "7北", 0, 1}, {"0000001009", "7北", 0, 1},
	};
	expect(first, LB_ARRAY_LEN(first));

	/* a later run: 1003's name corrected (now unique), 1002 transferred to 6西 beside 1001 */
	patient("0000001003", "佐藤", "花江", "サトウ", "ハナエ", "20261120090000000");
	event("0000001002", "A02", "20261120", 10, "6西");
	ingest();
	const struct want second[] = {
	        {"0000001001", "6西", 1, 1}, {"0000001002", "6西", 1, 1}, {"0000001003", NULL, 0, 0},
	        {"0000001006", "6西", 0, 1}, {"0000001007", "6西", 0, 1},
	};
	expect(second, LB_ARRAY_LEN(second));

	struct store_meta m;
	assert_int_equal(store_meta_get(st, &m), 0);
	assert_string_equal(m.as_of, "2026-11-20T10:00:00");
	assert_int_equal(m.patients, 9);
}

/* The as-of day from the data (set_as_of): a message time of 14 digits or more, else the newest time the data
 * holds (a date alone, minutes, seconds; none after now), else the load time marked unknown. */
static void as_of_case(const char *msg_time, const char *updated, const char *want, int unknown)
{
	char db[300];
	snprintf(db, sizeof(db), "%s/asof.db", dir);
	unlink(db);
	struct store *s2;
	assert_int_equal(store_open(&s2, db, 1), 0);
	char sql[400];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO files(kind, path, msg_time) VALUES('ssmix2', 'a', %s%s%s);"
	         "INSERT INTO patients(id, updated) VALUES('0000000001', %s%s%s), ('0000000002', '2099-01-01')",
	         msg_time ? "'" : "", msg_time ? msg_time : "NULL", msg_time ? "'" : "", updated ? "'" : "",
	         updated ? updated : "NULL", updated ? "'" : "");
	assert_int_equal(sqlite3_exec(s2->db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_derive(s2), 0);
	struct store_meta m;
	assert_int_equal(store_meta_get(s2, &m), 0);
	if (want && strcmp(m.as_of, want))
		fail_msg("msg_time %s, updated %s: as-of '%s', want '%s'", msg_time ? msg_time : "-",
		         updated ? updated : "-", m.as_of, want);
	assert_int_equal(m.as_of_unknown, unknown);
	if (unknown)
		assert_int_equal((int)strlen(m.as_of), 19);
	store_close(s2);
	unlink(db);
}

static void test_as_of_from_data(void **state)
{
	(void)state;
	as_of_case("20261124202958", NULL, "2026-11-24T20:29:58", 0);
	as_of_case("20261124202958", "2026-11-25", "2026-11-24T20:29:58", 0); /* message times win */
	as_of_case("2026112420295", "2026-11-20", "2026-11-20T00:00:00", 0);  /* 13 digits: not a time */
	as_of_case(NULL, "2026-11-20T", "2026-11-20T00:00:00", 0);            /* 11 characters */
	as_of_case(NULL, "2026-11-20T0", "2026-11-20T0", 0);                  /* 12: kept as it is */
	as_of_case(NULL, "2026-11-20T08:1", "2026-11-20T08:1", 0);            /* 15 */
	as_of_case(NULL, "2026-11-20T08:15", "2026-11-20T08:15:00", 0);       /* 16: seconds added */
	as_of_case(NULL, "2026-11-20T08:15:", "2026-11-20T08:15:", 0);        /* 17 */
	as_of_case(NULL, "2026-11-20T08:15:30", "2026-11-20T08:15:30", 0);    /* 19 */
	as_of_case(NULL, "2026-11", NULL, 1);                                 /* under 10: no time */
	as_of_case(NULL, NULL, NULL, 1);                                      /* only a future time: none */
}

/* Events the census must survive: a kind missing, a cancel with nothing to take back (the last event of the list
 * is looked at, never one before the first); the planner's statistics are written. */
static void test_odd_events(void **state)
{
	(void)state;
	char db[300];
	snprintf(db, sizeof(db), "%s/odd.db", dir);
	unlink(db);
	struct store *s2;
	assert_int_equal(store_open(&s2, db, 1), 0);
	assert_int_equal(sqlite3_exec(s2->db,
	                              "INSERT INTO patients(id) VALUES('0000000001'), ('0000000002'), ('0000000003');"
	                              "INSERT INTO adt_events(patient_id, kind, time, ward) VALUES"
	                              " ('0000000001', NULL, '2026-11-01T10:00:00', '5東'),"
	                              " ('0000000002', 'cancel-admit', '2026-11-01T10:00:00', '5東'),"
	                              " ('0000000003', 'transfer', '2026-11-01T10:00:00', '6西'),"
	                              " ('0000000003', 'cancel-admit', '2026-11-02T10:00:00', '6西')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(store_derive(s2), 0);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(s2->db, "SELECT group_concat(patient_id || ' ' || ward, ',') FROM census",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	const char *c = (const char *)sqlite3_column_text(q, 0);
	/* 1: no kind, skipped; 2: a cancel alone, nothing; 3: a transfer, and a cancel of an admission it never had */
	assert_non_null(c);
	assert_string_equal(c, "0000000003 6西");
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(s2->db, "SELECT count(*) FROM sqlite_stat1", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_true(sqlite3_column_int(q, 0) > 0);
	sqlite3_finalize(q);
	store_close(s2);
	unlink(db);
}

/* A census row that cannot be written fails the run (its transaction is rolled back: nobody reads a census with a
 * patient missing), also when it is not the last patient's: the rows written after it do not hide the error. */
static void test_census_write_fails(void **state)
{
	(void)state;
	char db[300];
	snprintf(db, sizeof(db), "%s/fault.db", dir);
	unlink(db);
	struct store *s2;
	assert_int_equal(store_open(&s2, db, 1), 0);
	assert_int_equal(sqlite3_exec(s2->db,
	                              "INSERT INTO patients(id) VALUES('0000000001'), ('0000000002');"
	                              "INSERT INTO adt_events(patient_id, kind, time, ward) VALUES"
	                              " ('0000000001', 'admit', '2026-11-01T10:00:00', '5東'),"
	                              " ('0000000002', 'admit', '2026-11-01T10:00:00', '6西');"
	                              "CREATE TEMP TRIGGER no_census BEFORE INSERT ON census"
	                              " WHEN NEW.patient_id = '0000000001' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_true(store_derive(s2) < 0);
	assert_non_null(strstr(lb_errmsg(), "disk full"));
	assert_int_equal(sqlite3_exec(s2->db, "DROP TRIGGER no_census", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_derive(s2), 0); /* and the same data, once the row can be written, gives both */
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(s2->db, "SELECT group_concat(patient_id || ' ' || ward, ',') FROM census",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "0000000001 5東,0000000002 6西");
	sqlite3_finalize(q);
	store_close(s2);
	unlink(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_census_and_same_names),
	        cmocka_unit_test(test_as_of_from_data),
	        cmocka_unit_test(test_odd_events),
	        cmocka_unit_test(test_census_write_fails),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
