/*
 * be_genward.c - fills a ward's incident file with back-entry orders in one go, through src/incident/backentry.h,
 * for the tests and the benchmark of the ward medium (integration/backentry_medium.sh, bench/backentry): a block of
 * order numbers and one of patient numbers for the ward, COUNT orders on the first COUNT numbers, every third one
 * for a downtime patient (linked to a real ID), every fourth one entered and every eighth one scanned too. The
 * content is a function of (WARD, serial, SEED) alone, so two files made with the same arguments hold the same
 * entries. Built with the test suite only.
 *
 *   be_genward INCIDENT WARD COUNT [SEED] [FIRST]   (FIRST: start at this serial, default 1)
 */
#include "incident/backentry.h"
#include "incident/incident_int.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: be_genward INCIDENT WARD COUNT [SEED] [FIRST]\n");
		return 2;
	}
	const char *ward = argv[2];
	long count = atol(argv[3]), seed = argc > 4 ? atol(argv[4]) : 0, from = argc > 5 ? atol(argv[5]) : 1;
	struct incident_file *f;
	int rc = incident_open(&f, argv[1], 1);
	if (rc < 0) {
		fprintf(stderr, "be_genward: %s\n", lb_errmsg());
		return 2;
	}
	/* a generator, not a ward: no fsync per entry (the file is thrown away if the machine stops) */
	sqlite3_exec(f->db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	uint32_t first = 0, pfirst = 0;
	long patients = count / 3 + 1;
	{
		char probe[BE_NUMBER_MAX];
		be_number_format(probe, BE_NUM_ORDER, ward, (uint32_t)(from + count - 1));
		if (be_number_allocated(f, probe) != 1)
			rc = be_numbers_allocate(f, BE_NUM_ORDER, ward, (uint32_t)(from + count - 1), "gen", "gen",
			                         &first, NULL);
		be_number_format(probe, BE_NUM_PATIENT, ward, (uint32_t)patients);
		if (rc == 0 && be_number_allocated(f, probe) != 1)
			rc = be_numbers_allocate(f, BE_NUM_PATIENT, ward, (uint32_t)patients, "gen", "gen", &pfirst,
			                         NULL);
	}
	const char *batch[64];
	char numbers[64][BE_NUMBER_MAX];
	size_t nb = 0;
	for (long s = from; rc == 0 && s < from + count; s++) {
		char number[BE_NUMBER_MAX], patient[BE_NUMBER_MAX], author[64], note[64];
		be_number_format(number, BE_NUM_ORDER, ward, (uint32_t)s);
		if (s % 3 == 0)
			be_number_format(patient, BE_NUM_PATIENT, ward, (uint32_t)(s / 3 % patients + 1));
		else
			snprintf(patient, sizeof(patient), "P%07ld", (s * 7919 + seed) % 10000000);
		snprintf(author, sizeof(author), "医師 %ld", (s + seed) % 17);
		snprintf(note, sizeof(note), "%s-%ld-%ld", ward, s, seed);
		struct be_order_new n = {.number = number,
		                         .patient = patient,
		                         .kind = (int)((s + seed) % BE_KIND_COUNT),
		                         .clinical_ms = INT64_C(1796601600000) + s * 60000,
		                         .author = author,
		                         .note = note,
		                         .paper_at = "ナースステーション 棚 2",
		                         .who = "gen",
		                         .os_user = "gen"};
		rc = be_order_add(f, &n, NULL, NULL, NULL, NULL);
		if (rc == 0 && s % 4 == 0) {
			snprintf(numbers[nb], BE_NUMBER_MAX, "%s", number);
			batch[nb] = numbers[nb];
			nb++;
		}
		if (rc == 0 && (nb == 64 || (s + 1 == from + count && nb))) {
			rc = be_steps_mark(f, batch, nb, BE_STEP_ENTERED, NULL, "gen", "gen", NULL);
			for (size_t k = 0; rc == 0 && k < nb; k += 2)
				rc = be_steps_mark(f, batch + k, 1, BE_STEP_SCANNED, NULL, "gen", "gen", NULL);
			nb = 0;
		}
	}
	if (rc == 0 && count >= 3) {
		char dp[BE_NUMBER_MAX];
		be_number_format(dp, BE_NUM_PATIENT, ward, 1);
		rc = be_patient_link(f, dp, "P0000001", NULL, NULL, "gen", "gen", NULL);
	}
	incident_file_close(f);
	if (rc < 0) {
		fprintf(stderr, "be_genward: %s\n", lb_errmsg());
		return 2;
	}
	return 0;
}
