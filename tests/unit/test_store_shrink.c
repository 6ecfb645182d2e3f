/*
 * test_store_shrink.c - the shrink guard of ingest (issue 13): a drug master that would take away more than
 * --max-shrink percent (default 50) of the drugs the store holds is refused and the store keeps them; exactly at
 * the limit it loads, one drug past it is refused; --max-shrink 1 and 99, --accept-shrink, and a master of one
 * drug cut to its header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], dbpath[128], csv[128];
static struct store *st;
static int serial;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lb-test-shrink-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/c.db", dir);
	return store_open(&st, dbpath, 1);
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	lb_rmtree(dir);
	return 0;
}

static long drugs(void)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	long n = -1;
	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM drugs", -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return n;
}

/* Ingest a drug master of n drugs (D001..): the return code of store_ingest. A fresh file name each time, so it
 * is never skipped as unchanged. */
static int load(int n, int max_shrink, int accept)
{
	snprintf(csv, sizeof(csv), "%s/drugs-%d.csv", dir, ++serial);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fprintf(f, "code,name\n");
	for (int i = 1; i <= n; i++)
		fprintf(f, "D%03d,drug %d\n", i, i);
	fclose(f);
	struct store_ingest_opts o = {.drugs_csv = csv, .max_shrink_pct = max_shrink, .accept_shrink = accept};
	struct store_ingest_stats s;
	return store_ingest(st, &o, &s);
}

static void test_default_limit(void **state)
{
	(void)state;
	assert_int_equal(load(10, 0, 0), 0);
	assert_int_equal(drugs(), 10);
	assert_int_equal(load(9, 0, 0), 0); /* one drug less: loads (the default is 50 %, not 0) */
	assert_int_equal(drugs(), 9);
	assert_int_equal(load(10, 0, 0), 0);
	assert_int_equal(load(4, 0, 0), -LB_EINVAL); /* -60 %: refused, the store keeps its 10 */
	assert_int_equal(drugs(), 10);
	assert_int_equal(load(5, 0, 0), 0); /* exactly -50 %: loads */
	assert_int_equal(drugs(), 5);
}

static void test_set_limit(void **state)
{
	(void)state;
	assert_int_equal(load(10, 0, 0), 0);
	assert_int_equal(load(9, 1, 0), -LB_EINVAL); /* --max-shrink 1: -10 % is refused */
	assert_int_equal(drugs(), 10);
	assert_int_equal(load(9, 10, 0), 0);          /* --max-shrink 10: exactly -10 % loads */
	assert_int_equal(load(0, 99, 0), -LB_EINVAL); /* --max-shrink 99: cut to the header is refused */
	assert_int_equal(drugs(), 9);
	assert_int_equal(load(0, 100, 0), 0); /* --max-shrink 100: no limit */
	assert_int_equal(drugs(), 0);
}

static void test_accept_and_one(void **state)
{
	(void)state;
	assert_int_equal(load(1, 0, 0), 0);
	assert_int_equal(load(0, 0, 0), -LB_EINVAL); /* a master of one drug cut to its header: -100 % */
	assert_int_equal(drugs(), 1);
	assert_int_equal(load(0, 0, 1), 0); /* --accept-shrink: a deliberate replacement */
	assert_int_equal(drugs(), 0);
	assert_int_equal(load(3, 0, 0), 0); /* from none: anything loads */
	assert_int_equal(drugs(), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_default_limit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_set_limit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_accept_and_one, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
