/*
 * page_gen.c - the incident file of bench/backentry/page (issue 16): WARDS wards allocate order numbers and register
 * PER orders each through src/incident/backentry.h (be_order_add, as the station does, with fsync off: this builds
 * data, it measures nothing), then about a third are worked down: entered, scanned and billed (closed), and some
 * only entered. Prints the file's counts.
 *
 *   page_gen FILE WARDS PER
 */
#include "incident/backentry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: page_gen FILE WARDS PER\n");
		return 2;
	}
	long wards = strtol(argv[2], NULL, 10), per = strtol(argv[3], NULL, 10);
	struct incident_file *f;
	if (incident_open(&f, argv[1], 1) < 0 || incident_set_durable(f, 0) < 0) {
		fprintf(stderr, "page_gen: %s\n", lb_errmsg());
		return 2;
	}
	long total = 0, closed = 0;
	char **done = calloc((size_t)per, sizeof(*done));
	for (long w = 0; w < wards; w++) {
		char ward[BE_WARD_MAX + 1];
		snprintf(ward, sizeof(ward), "%ldW", w + 1);
		uint32_t first = 0, pfirst = 0;
		if (be_numbers_allocate(f, BE_NUM_ORDER, ward, (uint32_t)per, "bench", "bench", &first, NULL) < 0 ||
		    be_numbers_allocate(f, BE_NUM_PATIENT, ward, 20, "bench", "bench", &pfirst, NULL) < 0)
			goto fail;
		size_t nd = 0;
		for (long i = 0; i < per; i++) {
			char num[BE_NUMBER_MAX], pat[BE_NUMBER_MAX], author[32], serial[32];
			be_number_format(num, BE_NUM_ORDER, ward, first + (uint32_t)i);
			be_number_format(pat, BE_NUM_PATIENT, ward, pfirst + (uint32_t)(i % 20));
			snprintf(author, sizeof(author), "医師 %ld", i % 13);
			snprintf(serial, sizeof(serial), "F-%06ld", i);
			struct be_order_new n = {.number = num,
			                         .patient = pat,
			                         .kind = (int)(i % BE_KIND_COUNT),
			                         .clinical_ms = lb_now_ms() - (per - i) * 60000,
			                         .author = author,
			                         .form_serial = serial,
			                         .paper_at = "詰所 棚 2",
			                         .who = "bench",
			                         .os_user = "bench"};
			if (be_order_add(f, &n, NULL, NULL, NULL, NULL) < 0)
				goto fail;
			total++;
			if (i % 3 == 0)
				done[nd++] = strdup(num);
		}
		/* a third of the ward worked: all entered, half of those scanned and billed too */
		if (nd &&
		    be_steps_mark(f, (const char *const *)done, nd, BE_STEP_ENTERED, NULL, "bench", "bench", NULL) < 0)
			goto fail;
		if (nd / 2 && (be_steps_mark(f, (const char *const *)done, nd / 2, BE_STEP_SCANNED, NULL, "bench",
		                             "bench", NULL) < 0 ||
		               be_steps_mark(f, (const char *const *)done, nd / 2, BE_STEP_BILLED, "自費", "bench",
		                             "bench", NULL) < 0))
			goto fail;
		closed += (long)(nd / 2);
		for (size_t k = 0; k < nd; k++)
			free(done[k]);
	}
	free(done);
	incident_file_close(f);
	printf("orders %ld\noutstanding %ld\n", total, total - closed);
	return 0;
fail:
	fprintf(stderr, "page_gen: %s\n", lb_errmsg());
	incident_file_close(f);
	return 2;
}
