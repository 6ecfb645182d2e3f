/*
 * test_print_calls.c - the day a call list is asked for (src/print/calls.c): anything but a real YYYY-MM-DD day
 * (none at all, 8 digits, 9 or 11 characters, a 13th month in the right shape) is the caller's usage error
 * (LB_EUSAGE: 「使い方の誤り」, exit 2), refused before the store is read, with a message naming what was typed,
 * and no PDF is written; a real day without bookings writes its one page. What the list holds is read back from
 * the PDF in tests/integration/print_calls.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "print/print.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], dbpath[128], pdf[128];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/lb-test-calls-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/s.db", dir);
	snprintf(pdf, sizeof(pdf), "%s/c.pdf", dir);
	struct store *s;
	if (store_open(&s, dbpath, 1) < 0)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	lb_rmtree(dir);
	return 0;
}

static void test_bad_dates(void **state)
{
	struct store *s = *state;
	static const char *const bad[] = {NULL,          "",           "20261207",   "2026-12-7",
	                                  "2026-12-077", "2026-13-07", "2026-12-32", "2026/12/07x"};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		struct print_stats st = {0};
		int rc = print_appointments(s, bad[i], NULL, pdf, &st);
		if (rc != -LB_EUSAGE)
			fail_msg("date '%s': %d (%s), not a usage error", bad[i] ? bad[i] : "NULL", rc, lb_errmsg());
		char want[64];
		snprintf(want, sizeof(want), "'%s' is not a date (YYYY-MM-DD)", bad[i] ? bad[i] : "");
		assert_string_equal(lb_errmsg(), want);
		struct stat sb;
		assert_int_equal(stat(pdf, &sb), -1);
		assert_int_equal((int)st.calls, 0);
	}
}

static void test_day_without_bookings(void **state)
{
	struct store *s = *state;
	struct print_stats st = {0};
	assert_int_equal(print_appointments(s, "2026-12-07", NULL, pdf, &st), 0);
	struct stat sb;
	assert_int_equal(stat(pdf, &sb), 0);
	assert_true(sb.st_size > 0);
	assert_int_equal((int)st.calls, 0);
	unlink(pdf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_bad_dates, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_day_without_bookings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
