/*
 * test_store_outage.c - the orders recorded during the outage (src/store/outage.c): each line keeps the dosing
 * period it was ordered with (period_days: 1 daily, 7 weekly …), and a table written by an older lifeboat, without
 * that column, gains it on a read-write open or a write and reads NULL ("not recorded") through a read-only handle
 * in the meantime; its rows stay as they were.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static int n_db;

/* The table as lifeboat made it before period_days, with one running row of patient P1. */
static const char old_table[] =
        "CREATE TABLE outage_orders(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL,"
        " drug_code TEXT NOT NULL, drug_name TEXT, dose REAL NOT NULL, unit TEXT, per_day REAL NOT NULL,"
        " days INTEGER NOT NULL DEFAULT 0, prescription TEXT, level TEXT, override_reason TEXT,"
        " recorded TEXT NOT NULL, recorded_by TEXT NOT NULL, ended TEXT, ended_by TEXT, end_reason TEXT);"
        "CREATE INDEX outage_orders_patient ON outage_orders(patient_id, recorded);"
        "INSERT INTO outage_orders(patient_id, drug_code, drug_name, dose, unit, per_day, recorded, recorded_by)"
        " VALUES('P1', '100007701', 'フォサマック錠35mg', 35, 'mg', 1, '2026-12-01T08:00:00Z', 'pharm 山田');";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lb-test-outage-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	lb_rmtree(dir);
	return 0;
}

/* A new empty store (path in p); with old, the outage table of an older lifeboat written into it. */
static void new_store(struct buf *p, int old)
{
	buf_reset(p);
	buf_addf(p, "%s/s%d.db", dir, ++n_db);
	struct store *s;
	assert_int_equal(store_open(&s, p->data, 1), 0);
	store_close(s);
	if (old) {
		sqlite3 *db;
		assert_int_equal(sqlite3_open(p->data, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, old_table, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
}

/* 1 when the store's outage_orders has period_days. */
static int has_period_column(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT count(*) FROM pragma_table_info('outage_orders')"
	                                    " WHERE name = 'period_days'",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

static struct store_outage_new line(const char *code, double dose, int period)
{
	return (struct store_outage_new){.patient_id = "P1",
	                                 .drug_code = code,
	                                 .dose = dose,
	                                 .unit = "mg",
	                                 .per_day = 1,
	                                 .period_days = period,
	                                 .prescription = "RX-1",
	                                 .level = "none",
	                                 .recorded_by = "pharm 山田"};
}

/* Each line keeps its period: 7 as 7, not given (0) as daily (1); a period out of 1..365 refuses the whole
 * prescription (nothing is written). */
static void test_period_kept(void **state)
{
	(void)state;
	struct buf p = {0};
	new_store(&p, 0);
	struct store *s;
	assert_int_equal(store_open(&s, p.data, 0), 0);
	struct store_outage_new v[2] = {line("100007701", 35, 7), line("100001101", 60, 0)};
	int64_t ids[2];
	assert_int_equal(store_outage_add(s, v, 2, ids), 0);
	struct store_outage_new bad[2] = {line("100001101", 60, 1), line("100007701", 35, 366)};
	assert_int_equal(store_outage_add(s, bad, 2, ids), -LB_EUSAGE);
	bad[1].period_days = -1;
	assert_int_equal(store_outage_add(s, bad, 2, ids), -LB_EUSAGE);
	struct store_table t;
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 1, &t), 0);
	assert_int_equal(t.ncols, STORE_OUT_COLS);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(store_cell(&t, 0, STORE_OUT_PERIOD), "7");
	assert_int_equal(store_outage_period(&t, 0), 7);
	assert_string_equal(store_cell(&t, 1, STORE_OUT_PERIOD), "1");
	assert_int_equal(store_outage_period(&t, 1), 1);
	assert_string_equal(store_cell(&t, 0, STORE_OUT_RECORDED_BY), "pharm 山田"); /* the columns before it */
	assert_string_equal(store_cell(&t, 1, STORE_OUT_DOSE), "60");
	store_table_release(&t);
	/* 365 is a period still */
	struct store_outage_new edge = line("100007701", 35, 365);
	assert_int_equal(store_outage_add(s, &edge, 1, ids), 0);
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 1, &t), 0);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(store_cell(&t, 2, STORE_OUT_PERIOD), "365");
	store_table_release(&t);
	store_close(s);
	buf_release(&p);
}

/* A table of an older lifeboat read through a read-only handle (the station, before anything wrote): its rows,
 * period NULL; then the station's 記録 (the outage writer) adds the column and writes the period of its lines. */
static void test_old_table_readonly_then_writer(void **state)
{
	(void)state;
	struct buf p = {0};
	new_store(&p, 1);
	struct store *s;
	assert_int_equal(store_open_readonly(&s, p.data), 0);
	struct store_table t;
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 0, &t), 0);
	assert_int_equal(t.nrows, 1);
	assert_null(store_cell(&t, 0, STORE_OUT_PERIOD));
	assert_int_equal(store_outage_period(&t, 0), 0);
	assert_string_equal(store_cell(&t, 0, STORE_OUT_DRUG_CODE), "100007701");
	store_table_release(&t);
	store_close(s);
	assert_int_equal(has_period_column(p.data), 0); /* a reader changes nothing */

	assert_int_equal(store_open_outage_writer(&s, p.data), 0);
	struct store_outage_new v = line("100007701", 35, 7);
	int64_t id;
	assert_int_equal(store_outage_add(s, &v, 1, &id), 0);
	store_close(s);
	assert_int_equal(has_period_column(p.data), 1);
	assert_int_equal(store_open_readonly(&s, p.data), 0);
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 1, &t), 0);
	assert_int_equal(t.nrows, 2);
	assert_null(store_cell(&t, 0, STORE_OUT_PERIOD)); /* the old row: not recorded */
	assert_string_equal(store_cell(&t, 1, STORE_OUT_PERIOD), "7");
	store_table_release(&t);
	store_close(s);
	buf_release(&p);
}

/* A read-write open (ingest, rx check, rx orders) upgrades the older table in place; a store without the table
 * stays without it until the first record. */
static void test_old_table_gains_column_on_open(void **state)
{
	(void)state;
	struct buf p = {0};
	new_store(&p, 1);
	struct store *s;
	assert_int_equal(store_open(&s, p.data, 0), 0);
	store_close(s);
	assert_int_equal(has_period_column(p.data), 1);
	assert_int_equal(store_open(&s, p.data, 0), 0); /* again: nothing to add */
	struct store_table t;
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 0, &t), 0);
	assert_int_equal(t.nrows, 1);
	assert_null(store_cell(&t, 0, STORE_OUT_PERIOD));
	store_table_release(&t);
	store_close(s);

	/* without the table there is nothing to upgrade: an open takes no write lock (readers must not wait for an
	 * ingest in progress, integration/ingest "readers do not wait") */
	new_store(&p, 0);
	sqlite3 *lock;
	assert_int_equal(sqlite3_open(p.data, &lock), SQLITE_OK);
	assert_int_equal(sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	int64_t t0 = lb_mono_ns();
	assert_int_equal(store_open(&s, p.data, 0), 0);
	assert_true(lb_mono_ns() - t0 < 2000000000LL); /* not the 5 s busy timeout */
	sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(lock);
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 0, &t), 0);
	assert_int_equal(t.nrows, 0);
	assert_int_equal(t.ncols, STORE_OUT_COLS);
	store_table_release(&t);
	store_close(s);
	sqlite3 *db;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open(p.data, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'outage_orders'", -1, &q, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	buf_release(&p);
}

/* A line without a patient, drug, recorder, dose or per-day count is refused, and so the whole prescription; an
 * order is ended once, with who and why. */
static void test_refusals_and_end(void **state)
{
	(void)state;
	struct buf p = {0};
	new_store(&p, 0);
	struct store *s;
	assert_int_equal(store_open(&s, p.data, 0), 0);
	assert_int_equal(store_outage_end(s, 1, "pharm", "中止"), -LB_ENOTFOUND); /* no table yet */
	int64_t ids[2];
	for (int k = 0; k < 8; k++) {
		struct store_outage_new v[2] = {line("100001101", 60, 1), line("100007701", 35, 7)};
		switch (k) {
		case 0:
			v[1].patient_id = NULL;
			break;
		case 1:
			v[1].patient_id = "";
			break;
		case 2:
			v[1].drug_code = NULL;
			break;
		case 3:
			v[1].drug_code = "";
			break;
		case 4:
			v[1].recorded_by = NULL;
			break;
		case 5:
			v[1].recorded_by = "";
			break;
		case 6:
			v[1].dose = 0;
			break;
		default:
			v[1].per_day = 0;
			break;
		}
		assert_int_equal(store_outage_add(s, v, 2, ids), -LB_EUSAGE);
	}
	struct store_outage_new ok = line("100007701", 35, 7);
	ids[0] = 0;
	assert_int_equal(store_outage_add(s, &ok, 1, ids), 0);
	assert_true(ids[0] > 0);
	struct store_table t;
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 1, &t), 0);
	assert_int_equal(t.nrows, 1); /* none of the refused lines */
	store_table_release(&t);
	assert_int_equal(store_outage_end(s, ids[0], NULL, "中止"), -LB_EUSAGE);
	assert_int_equal(store_outage_end(s, ids[0], "", "中止"), -LB_EUSAGE);
	assert_int_equal(store_outage_end(s, ids[0], "pharm", NULL), -LB_EUSAGE);
	assert_int_equal(store_outage_end(s, ids[0], "pharm", ""), -LB_EUSAGE);
	assert_int_equal(store_outage_end(s, ids[0] + 1, "pharm", "中止"), -LB_ENOTFOUND);
	assert_int_equal(store_outage_end(s, ids[0], "pharm", "中止"), 0);
	assert_int_equal(store_outage_end(s, ids[0], "pharm", "中止"), -LB_ENOTFOUND); /* once */
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 0, &t), 0);
	assert_int_equal(t.nrows, 0);
	store_table_release(&t);
	store_close(s);
	buf_release(&p);
}

/* Every period from 1 up is kept as given (2: every other day, not daily); eight lines of one prescription and then
 * a ninth (the list grows past its first allocation) come back in order, each with its own id and columns. */
static void test_periods_and_many_lines(void **state)
{
	(void)state;
	struct buf p = {0};
	new_store(&p, 0);
	struct store *s;
	assert_int_equal(store_open(&s, p.data, 0), 0);
	enum { N = 8 };
	struct store_outage_new v[N];
	int64_t ids[N] = {0};
	char codes[N][16];
	for (int i = 0; i < N; i++) {
		snprintf(codes[i], sizeof(codes[i]), "1000%05d", i);
		v[i] = line(codes[i], 10 + i, i + 1); /* periods 1, 2, 3 … 8 */
	}
	assert_int_equal(store_outage_add(s, v, N, ids), 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(ids[i], ids[0] + i); /* one id a line, in order */
	struct store_table t;
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 1, &t), 0);
	assert_int_equal(t.nrows, N);
	for (int i = 0; i < N; i++) {
		char want[32];
		snprintf(want, sizeof(want), "%lld", (long long)ids[i]);
		assert_string_equal(store_cell(&t, (size_t)i, STORE_OUT_ID), want);
		assert_string_equal(store_cell(&t, (size_t)i, STORE_OUT_DRUG_CODE), codes[i]);
		assert_int_equal(store_outage_period(&t, (size_t)i), i + 1);
		assert_string_equal(store_cell(&t, (size_t)i, STORE_OUT_RECORDED_BY), "pharm 山田");
	}
	store_table_release(&t);
	struct store_outage_new ninth = line("100000099", 5, 2);
	int64_t id9 = 0;
	assert_int_equal(store_outage_add(s, &ninth, 1, &id9), 0);
	assert_int_equal(id9, ids[N - 1] + 1);
	assert_int_equal(store_outage_list(s, "P1", "2026-12-07", 1, &t), 0);
	assert_int_equal(t.nrows, N + 1);
	assert_string_equal(store_cell(&t, N, STORE_OUT_PERIOD), "2");
	assert_string_equal(store_cell(&t, N, STORE_OUT_DOSE), "5");
	store_table_release(&t);
	store_close(s);
	buf_release(&p);
}

static void test_period_words(void **state)
{
	(void)state;
	char tmp[32];
	assert_string_equal(store_period_words(NULL, 1, tmp, sizeof(tmp)), "");
	assert_string_equal(store_period_words("0", 1, tmp, sizeof(tmp)), "");
	assert_string_equal(store_period_words("1", 0, tmp, sizeof(tmp)), "");
	assert_string_equal(store_period_words("2", 1, tmp, sizeof(tmp)), "2日に1回");
	assert_string_equal(store_period_words("2", 0, tmp, sizeof(tmp)), "every 2 days");
	assert_string_equal(store_period_words("7", 1, tmp, sizeof(tmp)), "週1回");
	assert_string_equal(store_period_words("7", 0, tmp, sizeof(tmp)), "once a week");
	assert_string_equal(store_period_words("14", 1, tmp, sizeof(tmp)), "14日に1回");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_period_kept),
	        cmocka_unit_test(test_old_table_readonly_then_writer),
	        cmocka_unit_test(test_old_table_gains_column_on_open),
	        cmocka_unit_test(test_refusals_and_end),
	        cmocka_unit_test(test_periods_and_many_lines),
	        cmocka_unit_test(test_period_words),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
