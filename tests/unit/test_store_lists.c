/*
 * test_store_lists.c - the ward and booking lists the station and the printed packs share (src/store/ward.c), on a
 * synthetic hospital of 1,000 beds: wards in floor order then the named units, every inpatient of the census in
 * room and bed number order, and a day's bookings by time with each booking once although two feeds carry it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static struct store *st;
static struct ehr_synth_stats syn;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lb-test-lists-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	struct buf h = {0}, db = {0}, p[4] = {{0}};
	lb_path_join(&h, dir, "h");
	struct ehr_synth_opts o = {.out_dir = h.data, .patients = 400, .beds = 1000, .seed = 3, .stats = &syn};
	int rc = ehr_synth(&o);
	lb_path_join(&db, dir, "c.db");
	if (rc == 0)
		rc = store_open(&st, db.data, 1);
	static const char *const feeds[] = {"ssmix2", "fhir", "appointments.csv", "drugs.csv"};
	for (int i = 0; i < 4; i++)
		lb_path_join(&p[i], h.data, feeds[i]);
	struct store_ingest_opts io = {
	        .ssmix2_dir = p[0].data, .fhir_dir = p[1].data, .appointments_csv = p[2].data, .drugs_csv = p[3].data};
	struct store_ingest_stats is;
	if (rc == 0)
		rc = store_ingest(st, &io, &is);
	buf_release(&h);
	buf_release(&db);
	for (int i = 0; i < 4; i++)
		buf_release(&p[i]);
	return rc < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	lb_rmtree(dir);
	return 0;
}

static int floor_of(const char *ward)
{
	return atoi(ward); /* 0 for ICU, 緩和ケア … */
}

static void test_wards_and_census(void **state)
{
	(void)state;
	struct store_table w;
	assert_int_equal(store_wards(st, &w), 0);
	assert_int_equal(w.ncols, STORE_WARD_COLS);
	assert_true(w.nrows > 20);
	long inpatients = 0;
	int named = 0;
	for (size_t i = 0; i < w.nrows; i++) {
		const char *name = store_cell(&w, i, STORE_WARD_NAME);
		long count = atol(store_cell(&w, i, STORE_WARD_COUNT));
		assert_true(count > 0);
		inpatients += count;
		if (i > 0) {
			/* floors by number (3A … 9B before 10A), then the named units by name */
			const char *prev = store_cell(&w, i - 1, STORE_WARD_NAME);
			int fp = floor_of(prev), fc = floor_of(name);
			if (fp && fc)
				assert_true(fp < fc || (fp == fc && strcmp(prev, name) < 0));
			else
				assert_true(fp || (!fc && strcmp(prev, name) < 0));
		}
		named += !floor_of(name);
		/* the census of each ward: its count, rooms and beds in number order, names and marks filled */
		struct store_table c;
		assert_int_equal(store_census_list(st, name, &c), 0);
		assert_int_equal((long)c.nrows, count);
		for (size_t r = 0; r < c.nrows; r++) {
			assert_non_null(store_cell(&c, r, STORE_CEN_ID));
			assert_non_null(store_cell(&c, r, STORE_CEN_FAMILY_KANJI));
			assert_non_null(store_cell(&c, r, STORE_CEN_ALLERGIES));
			if (r == 0)
				continue;
			long rp = atol(store_cell(&c, r - 1, STORE_CEN_ROOM)),
			     rc = atol(store_cell(&c, r, STORE_CEN_ROOM));
			long bp = atol(store_cell(&c, r - 1, STORE_CEN_BED)),
			     bc = atol(store_cell(&c, r, STORE_CEN_BED));
			assert_true(rp < rc || (rp == rc && bp <= bc));
		}
		store_table_release(&c);
	}
	assert_int_equal(inpatients, syn.inpatients);
	assert_true(named >= 5);
	store_table_release(&w);
	struct store_table none;
	assert_int_equal(store_census_list(st, "NO-SUCH-WARD", &none), 0);
	assert_int_equal(none.nrows, 0);
	store_table_release(&none);
}

static void test_bookings_of_a_day(void **state)
{
	(void)state;
	/* synth's bookings are in both the FHIR Appointment feed and the CSV: each is listed once, by time */
	long listed = 0;
	int64_t day0 = lb_days_from_civil(2026, 11, 24);
	for (int k = 0; k < 32; k++) { /* the next four weeks, a weekend pushed to Monday */
		int y, m, d;
		lb_civil_from_days(day0 + k, &y, &m, &d);
		char date[16];
		snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
		struct store_table a;
		assert_int_equal(store_appointments_day(st, date, NULL, &a), 0);
		for (size_t r = 0; r < a.nrows; r++) {
			const char *start = store_cell(&a, r, STORE_APPT_START);
			assert_int_equal(strncmp(start, date, 10), 0);
			if (r > 0)
				assert_true(strcmp(store_cell(&a, r - 1, STORE_APPT_START), start) <= 0);
			for (size_t q = 0; q < r; q++) /* no booking twice: a patient has one booking at a time */
				assert_false(!strcmp(store_cell(&a, q, STORE_APPT_PATIENT),
				                     store_cell(&a, r, STORE_APPT_PATIENT)) &&
				             !strcmp(store_cell(&a, q, STORE_APPT_START), start));
		}
		listed += (long)a.nrows;
		store_table_release(&a);
	}
	assert_int_equal(listed, syn.appointments);
	struct store_table bad;
	assert_int_equal(store_appointments_day(st, "2026-13-01", NULL, &bad), -LB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_wards_and_census),
	        cmocka_unit_test(test_bookings_of_a_day),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
