/*
 * test_store.c - the clinical store API (src/store/): ingest of the golden SS-MIX2 tree, data freshness, the
 * patient snapshot, ranked search with same-name flags, the limit, incremental runs, and refusing what is not a
 * store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], dbpath[128];
static struct store *st;

static const char *good_root(void)
{
	static struct buf b;
	if (!b.len) {
		const char *src = getenv("LB_SRC");
		buf_addf(&b, "%s/tests/data/ssmix2/good", src ? src : ".");
	}
	return b.data;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lb-test-store-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/c.db", dir);
	if (store_open(&st, dbpath, 1) < 0)
		return -1;
	struct store_ingest_opts o = {.ssmix2_dir = good_root(), .generation = "snap-1234"};
	struct store_ingest_stats s;
	return store_ingest(st, &o, &s) < 0 || s.files_loaded != 20 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	lb_rmtree(dir);
	return 0;
}

static void test_meta(void **state)
{
	(void)state;
	struct store_meta m;
	assert_int_equal(store_meta_get(st, &m), 0);
	assert_string_equal(m.as_of, "2026-11-21T11:00:00");
	assert_string_equal(m.generation, "snap-1234");
	assert_int_equal(m.patients, 4);
	assert_true(strlen(m.last_run) >= 20);
}

static void test_patient(void **state)
{
	(void)state;
	struct store_patient_view v;
	setenv("LIFEBOAT_TODAY", "2026-11-21", 1); /* the data's as-of day: every order of the fixture runs */
	assert_int_equal(store_patient_get(st, "0000012345", &v), 0);
	assert_string_equal(v.today, "2026-11-21");
	assert_string_equal(v.patient.family_kanji, "佐藤");
	assert_string_equal(v.patient.given_kana, "ハナコ");
	assert_int_equal(v.patient.sex, 'F');
	assert_int_equal(v.same_full_name, 1);
	assert_true(v.census.in_ward);
	assert_string_equal(v.census.ward, "5東");
	assert_int_equal(v.census.same_surname_in_ward, 1);
	assert_int_equal(v.n_allergies, 3);
	assert_int_equal(v.n_medications, 3);
	assert_int_equal(v.n_diagnoses, 3);
	assert_true(v.diagnoses[0].main && v.diagnoses[0].active);
	assert_int_equal(v.n_results, 3);
	assert_int_equal(v.n_admissions, 1);
	assert_int_equal(v.admissions[0].kind, EHR_ADT_ADMIT);
	store_patient_view_release(&v);
	/* judged on today, never the as-of day: years later only the orders without an end are active */
	setenv("LIFEBOAT_TODAY", "2099-01-01", 1);
	assert_int_equal(store_patient_get(st, "0000012345", &v), 0);
	assert_string_equal(v.today, "2099-01-01");
	assert_true(v.n_medications < 3);
	for (size_t i = 0; i < v.n_medications; i++) {
		char until[11];
		store_med_until(&v.medications[i], until);
		assert_string_equal(until, "");
	}
	store_patient_view_release(&v);
	/* a clock before the as-of day is not believed */
	setenv("LIFEBOAT_TODAY", "2020-01-01", 1);
	assert_int_equal(store_patient_get(st, "0000012345", &v), 0);
	assert_string_equal(v.today, "2026-11-21");
	assert_int_equal(v.n_medications, 3);
	store_patient_view_release(&v);
	unsetenv("LIFEBOAT_TODAY");
	assert_int_equal(store_patient_get(st, "nobody", &v), -LB_ENOTFOUND);
	store_patient_view_release(&v);
	/* the record of an ID typed as the search takes it: full-width, without or with more leading zeros, spaced */
	static const char *const typed[] = {"０００００１２３４５", "12345", "１２３４５", "00000012345",
	                                    " 0000012345 "};
	for (size_t i = 0; i < LB_ARRAY_LEN(typed); i++) {
		assert_int_equal(store_patient_get(st, typed[i], &v), 0);
		assert_string_equal(v.patient.id, "0000012345");
		store_patient_view_release(&v);
	}
	/* a number that only ends like an ID is not that ID */
	assert_int_equal(store_patient_get(st, "2345", &v), -LB_ENOTFOUND);
	store_patient_view_release(&v);
}

static void test_search_ranking(void **state)
{
	(void)state;
	struct store_hits h;
	/* an exact ID ranks before its prefix matches */
	assert_int_equal(store_search(st, "0000012345", 10, &h), 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.v[0].match, "id");
	store_hits_release(&h);
	/* the same ID typed with the input method on (full-width), without the EHR's leading zeros, or with more */
	static const char *const typed[] = {"０００００１２３４５", "12345", "１２３４５", "00000012345"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(store_search(st, typed[i], 10, &h), 0);
		assert_int_equal(h.n, 1);
		assert_string_equal(h.v[0].id, "0000012345");
		assert_string_equal(h.v[0].match, "id");
		store_hits_release(&h);
	}
	/* a number that only ends like an ID is not that ID */
	assert_int_equal(store_search(st, "2345", 10, &h), 0);
	assert_int_equal(h.n, 0);
	store_hits_release(&h);
	/* surname: everyone called サトウ, flags set where they apply */
	assert_int_equal(store_search(st, "ｻﾄｳ", 10, &h), 0);
	assert_int_equal(h.n, 3);
	for (size_t i = 0; i < h.n; i++) {
		assert_string_equal(h.v[i].match, "surname");
		if (!strcmp(h.v[i].id, "0000012347")) {
			assert_int_equal(h.v[i].same_full_name, 0);
			assert_int_equal(h.v[i].same_surname_in_ward, 1);
			assert_string_equal(h.v[i].ward, "5東");
		}
		if (!strcmp(h.v[i].id, "0000012348")) {
			assert_int_equal(h.v[i].same_full_name, 1);
			assert_null(h.v[i].ward);
		}
	}
	store_hits_release(&h);
	/* a given name alone ranks below a surname, a birth date narrows to one */
	assert_int_equal(store_search(st, "はなこ", 10, &h), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[0].match, "given");
	store_hits_release(&h);
	assert_int_equal(store_search(st, "ハナコ　昭和47年12月1日", 10, &h), 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.v[0].id, "0000012348");
	store_hits_release(&h);
	/* the limit */
	assert_int_equal(store_search(st, "0000", 2, &h), 0);
	assert_int_equal(h.n, 2);
	assert_true(h.truncated);
	store_hits_release(&h);
	/* nothing, and an empty query */
	assert_int_equal(store_search(st, "山田", 10, &h), 0);
	assert_int_equal(h.n, 0);
	store_hits_release(&h);
	assert_int_equal(store_search(st, "  　 ", 10, &h), -LB_EUSAGE);
}

static void test_incremental_and_warnings(void **state)
{
	(void)state;
	struct store_ingest_opts o = {.ssmix2_dir = good_root()};
	struct store_ingest_stats s;
	assert_int_equal(store_ingest(st, &o, &s), 0);
	assert_int_equal(s.files_loaded, 0);
	assert_int_equal(s.files_unchanged, 20);
	assert_int_equal(s.records, 0);
	assert_int_equal(store_warnings_each(st, 0, NULL, NULL), 0);
}

static void test_not_a_store(void **state)
{
	(void)state;
	struct store *x;
	char p[160];
	snprintf(p, sizeof(p), "%s/missing.db", dir);
	assert_int_equal(store_open(&x, p, 0), -LB_ENOTFOUND);
	snprintf(p, sizeof(p), "%s/junk.db", dir);
	assert_int_equal(lb_write_file_atomic(p, "not a database at all, just text\n", 33, 0644, 0), 0);
	assert_true(store_open(&x, p, 1) < 0);
	assert_null(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_meta),           cmocka_unit_test(test_patient),
	        cmocka_unit_test(test_search_ranking), cmocka_unit_test(test_incremental_and_warnings),
	        cmocka_unit_test(test_not_a_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
