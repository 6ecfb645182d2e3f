/*
 * test_backentry.c - back-entry (issue 16): the check digit catches every single substitution and adjacent
 * transposition of the serial (200,000 serials of one ward, a sample of others), a letter of the same ten, numbers are allocated in blocks never reused and
 * outside an incident, an order is added once (a second identical add returns it, other content is refused), a
 * downtime patient's entries follow its link and unlink, the backlog closes an entry only when all three steps
 * are done or waived, verify catches an order row edited behind the chain, and a version-3 file is upgraded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "incident/backentry.h"
#include "incident/incident.h"
#include "incident_fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
	(void)state;
	return incident_fixture_open("backentry");
}

static void test_check_digit(void **state)
{
	(void)state;
	char s[BE_NUMBER_MAX], t[BE_NUMBER_MAX];
	be_number_format(s, BE_NUM_ORDER, "3A", 123);
	assert_int_equal(strncmp(s, "DT-3A-000123-", 13), 0);
	int kind;
	char ward[BE_WARD_MAX + 1];
	uint32_t serial;
	assert_int_equal(be_number_parse(s, &kind, ward, &serial), 0);
	assert_int_equal(kind, BE_NUM_ORDER);
	assert_string_equal(ward, "3A");
	assert_int_equal(serial, 123);
	/* every serial: each digit substituted and each adjacent pair swapped gives another check digit */
	const char *wards[] = {"3A", "12", "ICU1"};
	for (size_t w = 0; w < 3; w++)
		for (uint32_t v = 0; v <= (w ? BE_SERIAL_MAX : 199999u); v += (w ? 101 : 1)) {
			be_number_format(s, BE_NUM_ORDER, wards[w], v);
			size_t d0 = strlen(s) - 8; /* the first serial digit */
			for (size_t i = d0; i < d0 + 6; i++) {
				for (char c = '0'; c <= '9'; c++) {
					if (c == s[i])
						continue;
					memcpy(t, s, sizeof(t));
					t[i] = c;
					if (be_number_parse(t, NULL, NULL, NULL) == 0)
						fail_msg("%s accepted for %s", t, s);
				}
				if (i + 1 < d0 + 6 && s[i] != s[i + 1]) {
					memcpy(t, s, sizeof(t));
					t[i] = s[i + 1];
					t[i + 1] = s[i];
					if (be_number_parse(t, NULL, NULL, NULL) == 0)
						fail_msg("%s accepted for %s", t, s);
				}
			}
		}
	/* a ward of digits: each digit substituted, and the ward/serial boundary swapped */
	for (uint32_t v = 0; v <= BE_SERIAL_MAX; v += 997) {
		be_number_format(s, BE_NUM_PATIENT, "12", v);
		for (size_t i = 3; i < 5; i++)
			for (char c = '0'; c <= '9'; c++) {
				if (c == s[i])
					continue;
				memcpy(t, s, sizeof(t));
				t[i] = c;
				assert_int_not_equal(be_number_parse(t, NULL, NULL, NULL), 0);
			}
	}
	/* letters of the same ten (A-J): each substituted for another */
	for (uint32_t v = 0; v <= BE_SERIAL_MAX; v += 9973)
		for (char a = 'A'; a <= 'J'; a++)
			for (char b = 'A'; b <= 'J'; b++) {
				char wa[3] = {'3', a, 0}, wb[3] = {'3', b, 0};
				if (a != b && be_check_digit(wa, v) == be_check_digit(wb, v))
					fail_msg("3%c and 3%c share the check digit of %u", a, b, (unsigned)v);
			}
	assert_int_equal(be_number_parse("DT-3A-00123-7", NULL, NULL, NULL), -LB_EINVAL);
	assert_int_equal(be_number_parse("DT-3a-000123-7", NULL, NULL, NULL), -LB_EINVAL);
	assert_int_equal(be_number_parse("DT-ABCDEFGHI-000123-7", NULL, NULL, NULL), -LB_EINVAL);
	assert_int_equal(be_number_parse("", NULL, NULL, NULL), -LB_EINVAL);
	assert_int_equal(be_number_parse(NULL, NULL, NULL, NULL), -LB_EINVAL);
}

static void test_allocate(void **state)
{
	(void)state;
	uint32_t first = 0;
	int64_t seq = 0;
	/* no incident is open: numbers are allocated in normal times */
	assert_int_equal(be_numbers_allocate(f, BE_NUM_ORDER, "3A", 100, "総務 田中", "it1", &first, &seq), 0);
	assert_int_equal(first, 1);
	assert_int_equal(be_numbers_allocate(f, BE_NUM_ORDER, "3A", 50, "総務 田中", "it1", &first, &seq), 0);
	assert_int_equal(first, 101);
	assert_int_equal(be_numbers_allocate(f, BE_NUM_ORDER, "4B", 10, NULL, "it1", &first, NULL), 0);
	assert_int_equal(first, 1);
	assert_int_equal(be_numbers_allocate(f, BE_NUM_ORDER, "3a", 10, NULL, "it1", &first, NULL), -LB_EINVAL);
	assert_int_equal(be_numbers_allocate(f, BE_NUM_ORDER, "3A", 0, NULL, "it1", &first, NULL), -LB_EINVAL);
	char s[BE_NUMBER_MAX];
	be_number_format(s, BE_NUM_ORDER, "3A", 150);
	assert_int_equal(be_number_allocated(f, s), 1);
	be_number_format(s, BE_NUM_ORDER, "3A", 151);
	assert_int_equal(be_number_allocated(f, s), 0);
	be_number_format(s, BE_NUM_PATIENT, "3A", 1);
	assert_int_equal(be_number_allocated(f, s), 0);
	struct be_block *b;
	size_t n;
	assert_int_equal(be_blocks_list(f, "3A", -1, &b, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(b[1].first, 101);
	assert_int_equal(b[1].count, 50);
	be_blocks_release(b, n);
	struct incident_verify_result r;
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_INTACT);
	assert_int_equal(r.entries, 3);
}

static int known(const char *id, void *arg)
{
	(void)arg;
	return !strcmp(id, "P0001") || !strcmp(id, "P0002");
}

static int count_each(const struct be_order *o, void *arg)
{
	(void)o;
	(*(int *)arg)++;
	return 0;
}

static int count(const struct be_filter *flt, int backlog)
{
	int n = 0;
	int rc = backlog ? be_backlog_list(f, flt, count_each, &n) : be_order_list(f, flt, count_each, &n);
	assert_int_equal(rc, 0);
	return n;
}

static void test_orders_links_backlog(void **state)
{
	(void)state;
	assert_int_equal(be_numbers_allocate(f, BE_NUM_ORDER, "3A", 10, "総務", "it1", NULL, NULL), 0);
	assert_int_equal(be_numbers_allocate(f, BE_NUM_PATIENT, "3A", 2, "総務", "it1", NULL, NULL), 0);
	char n1[BE_NUMBER_MAX], n2[BE_NUMBER_MAX], n3[BE_NUMBER_MAX], dp[BE_NUMBER_MAX], bad[BE_NUMBER_MAX];
	be_number_format(n1, BE_NUM_ORDER, "3A", 1);
	be_number_format(n2, BE_NUM_ORDER, "3A", 2);
	be_number_format(n3, BE_NUM_ORDER, "3A", 3);
	be_number_format(dp, BE_NUM_PATIENT, "3A", 1);
	be_number_format(bad, BE_NUM_ORDER, "3A", 11);
	struct be_order_new o = {.number = n1,
	                         .patient = "P0001",
	                         .kind = BE_PRESCRIPTION,
	                         .clinical_ms = INT64_C(1796000000000),
	                         .author = "医師 山田",
	                         .paper_at = "3A 棚",
	                         .who = "看護師 佐藤",
	                         .os_user = "ns1"};
	int64_t s1 = 0, s2 = 0;
	int existed = -1;
	assert_int_equal(be_order_add(f, &o, known, NULL, &s1, &existed), 0);
	assert_int_equal(existed, 0);
	assert_int_equal(be_order_add(f, &o, known, NULL, &s2, &existed), 0); /* scanned again */
	assert_int_equal(existed, 1);
	assert_int_equal(s1, s2);
	o.note = "other";
	assert_int_equal(be_order_add(f, &o, known, NULL, &s2, &existed), -LB_EEXIST);
	assert_non_null(strstr(lb_errmsg(), n1));
	o.note = NULL;
	o.number = bad; /* never allocated */
	assert_int_equal(be_order_add(f, &o, known, NULL, NULL, NULL), -LB_EINVAL);
	o.number = n2;
	o.patient = "P9999"; /* unknown in the store */
	assert_int_equal(be_order_add(f, &o, known, NULL, NULL, NULL), -LB_EINVAL);
	o.patient = dp;
	o.kind = BE_LAB;
	assert_int_equal(be_order_add(f, &o, known, NULL, NULL, NULL), 0);
	o.number = n3;
	o.kind = BE_ADMISSION;
	assert_int_equal(be_order_add(f, &o, known, NULL, NULL, NULL), 0);
	struct be_filter flt = BE_FILTER_ALL;
	assert_int_equal(count(&flt, 0), 3);
	flt.patient = "P0002";
	assert_int_equal(count(&flt, 0), 0);
	assert_int_equal(be_patient_link(f, dp, "P0002", known, NULL, "医事 鈴木", "mc1", NULL), 0);
	assert_int_equal(count(&flt, 0), 2);
	assert_int_equal(be_patient_link(f, n1, "P0002", known, NULL, "医事 鈴木", "mc1", NULL), -LB_EINVAL);
	assert_int_equal(be_patient_unlink(f, dp, "医事 鈴木", "mc1", NULL), 0);
	assert_int_equal(count(&flt, 0), 0);
	assert_int_equal(be_patient_link(f, dp, "P0002", known, NULL, "医事 鈴木", "mc1", NULL), 0);
	assert_int_equal(count(&flt, 1), 2);
	flt.patient = NULL;
	flt.kind = BE_LAB;
	assert_int_equal(count(&flt, 0), 1);
	flt.kind = -1;

	/* the backlog: closes only when entered, scanned and billed (or waived) */
	const char *all[] = {n1, n2, n3};
	assert_int_equal(count(&flt, 1), 3);
	const char *unreg[] = {n1, bad};
	assert_int_equal(be_steps_mark(f, unreg, 2, BE_STEP_ENTERED, NULL, "医事", "mc1", NULL), -LB_EINVAL);
	struct be_order got;
	assert_int_equal(be_order_get(f, n1, &got), 0);
	assert_int_equal(got.done, 0); /* nothing written by the refused mark */
	be_order_release(&got);
	assert_int_equal(be_steps_mark(f, all, 3, BE_STEP_ENTERED, NULL, "医事", "mc1", NULL), 0);
	assert_int_equal(be_steps_mark(f, all, 3, BE_STEP_SCANNED, NULL, "医事", "mc1", NULL), 0);
	assert_int_equal(count(&flt, 1), 3);
	flt.missing_step = BE_STEP_BILLED;
	assert_int_equal(count(&flt, 1), 3);
	flt.missing_step = 0;
	assert_int_equal(be_steps_mark(f, all, 2, BE_STEP_BILLED, NULL, "医事", "mc1", NULL), 0);
	assert_int_equal(count(&flt, 1), 1);
	assert_int_equal(be_steps_mark(f, all + 2, 1, BE_STEP_BILLED, "", "医事", "mc1", NULL), -LB_EINVAL);
	assert_int_equal(be_steps_mark(f, all + 2, 1, BE_STEP_BILLED, "入院料に包括", "医事", "mc1", NULL), 0);
	assert_int_equal(count(&flt, 1), 0);
	struct be_day *days;
	size_t nd;
	assert_int_equal(be_burndown(f, lb_now_ms(), &days, &nd), 0);
	assert_true(nd >= 1);
	assert_int_equal(days[nd - 1].outstanding, 0);
	free(days);

	struct incident_verify_result r;
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_INTACT);
	/* an order row changed behind the chain (triggers dropped) is found */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "DROP TRIGGER be_orders_no_update; UPDATE be_orders SET author = 'x'"
	                              " WHERE kind = 'lab'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(incident_verify(f, NULL, &r), 0);
	assert_int_equal(r.status, INCIDENT_ALTERED);
	assert_true(r.at > s1);
}

static void test_upgrade_v3(void **state)
{
	(void)state;
	incident_file_close(f);
	f = NULL;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, INCIDENT_FIXTURE_DROP_V4, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(incident_open(&f, path, 0), 0);
	assert_int_equal(be_numbers_allocate(f, BE_NUM_ORDER, "3A", 5, NULL, "it1", NULL, NULL), 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 4);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_check_digit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_allocate, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_orders_links_backlog, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_upgrade_v3, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
