/*
 * test_print_numbers.c - label sheets of downtime numbers (src/print/number_labels.c). A sheet of 40 order numbers
 * (three pages) and one of 9 patient numbers (two labels each) are rendered, and tests/tools/number_labels_check.py
 * reads them back the way a ward would: rendered at 300 dpi (pdftoppm), every barcode decoded (zbarimg), each
 * matched with the number printed on its label (pdftotext), all in the order given, none missing, none extra, fonts
 * embedded (pdffonts). A number a scanner would type differently under a Japanese keyboard layout (lower case,
 * kana, '/'), of the other kind, or too long is refused before anything is written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "print/print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], pdf[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lb-test-numbers-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(pdf, sizeof(pdf), "%s/n.pdf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_rmtree(dir);
	return 0;
}

/* The numbers as 16core's allocator writes them (the check digit is not print's business: any digit will do). */
static char **numbers(const char *prefix, size_t first, size_t n)
{
	char **v = calloc(n, sizeof(*v));
	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		v[i] = malloc(32);
		assert_non_null(v[i]);
		snprintf(v[i], 32, "%s-3A-%06zu-%zu", prefix, first + i, (first + i * 7) % 10);
	}
	return v;
}

static void numbers_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Run the checker on pdf: every label's barcode is the number printed on it, in the order of v, copies each. */
static void check_sheet(char **v, size_t n, int copies)
{
	char want[160], cmd[1024];
	snprintf(want, sizeof(want), "%s/want", dir);
	FILE *f = fopen(want, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", v[i]);
	fclose(f);
	const char *src = getenv("LB_SRC");
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/tools/number_labels_check.py' '%s' '%s' %d", src ? src : ".", pdf,
	         want, copies);
	int rc = system(cmd);
	if (rc != 0)
		fail_msg("the label sheet does not read back (%s): %d", cmd, rc);
}

static void test_order_sheet_reads_back(void **state)
{
	(void)state;
	size_t n = 40; /* 14 to a page: two full pages and one part-filled */
	char **v = numbers("DT", 123, n);
	struct print_number_sheet s = {.ward = "3A",
	                               .kind = PRINT_NUMBER_ORDER,
	                               .numbers = (const char *const *)v,
	                               .n = n,
	                               .as_of = "2026-12-07T09:00:00"};
	struct print_stats st = {0};
	assert_int_equal(print_number_labels(pdf, &s, &st), 0);
	assert_int_equal((int)st.files, 1);
	assert_int_equal((int)st.pages, 3);
	assert_int_equal((int)st.numbers, 40);
	assert_int_equal((int)st.missing_glyphs, 0);
	check_sheet(v, n, 1);
	numbers_free(v, n);
}

static void test_patient_sheet_reads_back(void **state)
{
	(void)state;
	size_t n = 9; /* two labels each (band, chart): 18 labels, two pages */
	char **v = numbers("DP", 999990, n);
	struct print_number_sheet s = {
	        .ward = "3A", .kind = PRINT_NUMBER_PATIENT, .numbers = (const char *const *)v, .n = n};
	struct print_stats st = {0};
	assert_int_equal(print_number_labels(pdf, &s, &st), 0);
	assert_int_equal((int)st.pages, 2);
	assert_int_equal((int)st.missing_glyphs, 0);
	check_sheet(v, n, 2);
	numbers_free(v, n);
}

static void test_bad_numbers_write_nothing(void **state)
{
	(void)state;
	static const char *const bad[] = {
	        "dt-3a-000001-1",  /* lower case: Caps Lock would change what the scanner types */
	        "DP-3A-000001-1",  /* a patient number on an order sheet */
	        "DT-3A/000001-1",  /* '/' is another key under a Japanese layout */
	        "DT-３A-000001-1", /* full-width */
	        "DT-",
	        "",
	        "DT-3A-0000000000000000001-1", /* 27 characters */
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		const char *v[] = {"DT-3A-000001-4", bad[i]};
		struct print_number_sheet s = {.ward = "3A", .kind = PRINT_NUMBER_ORDER, .numbers = v, .n = 2};
		struct print_stats st = {0};
		int rc = print_number_labels(pdf, &s, &st);
		if (rc != -LB_EINVAL)
			fail_msg("'%s': %d, not refused", bad[i], rc);
		assert_non_null(strstr(lb_errmsg(), "is not a downtime order number"));
		struct stat sb;
		assert_int_equal(stat(pdf, &sb), -1);
		assert_int_equal((int)st.files, 0);
	}
	const char *dp[] = {"DT-3A-000001-4"};
	struct print_number_sheet s = {.ward = "3A", .kind = PRINT_NUMBER_PATIENT, .numbers = dp, .n = 1};
	assert_int_equal(print_number_labels(pdf, &s, NULL), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "is not a downtime patient number"));
	s.n = 0;
	assert_int_equal(print_number_labels(pdf, &s, NULL), -LB_ENOTFOUND);
	struct stat sb;
	assert_int_equal(stat(pdf, &sb), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_order_sheet_reads_back, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_patient_sheet_reads_back, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_numbers_write_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
