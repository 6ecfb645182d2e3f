/*
 * fuzz_csv.c - libFuzzer target for the CSV feeds (ehr_appointments_read, ehr_drugs_read): any bytes as a CSV
 * file, read as both feeds. Must return, warn, never crash or hang. Seeds: corpus/csv/.
 */
#include "ehr/ehr.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_appt(void *ctx, const struct ehr_source *src, const struct ehr_appointment *r)
{
	(void)src;
	*(size_t *)ctx +=
	        strlen(r->patient_id) + strlen(r->start) + strlen(r->status) + (r->note ? strlen(r->note) : 0);
	return 0;
}

static int on_drug(void *ctx, const struct ehr_source *src, const struct ehr_drug *r)
{
	(void)src;
	*(size_t *)ctx += strlen(r->code) + strlen(r->name) + (r->allergy_classes ? strlen(r->allergy_classes) : 0) +
	                  (size_t)(r->max_daily_dose > 0);
	return 0;
}

static void warn(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail)
{
	(void)src;
	*(size_t *)ctx += (size_t)kind + strlen(detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/lb-fuzz-csv-%d.csv", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	size_t seen = 0;
	struct ehr_sink s = {.ctx = &seen, .appointment = on_appt, .drug = on_drug, .warning = warn};
	ehr_appointments_read(path, &s);
	ehr_drugs_read(path, &s);
	unlink(path);
	return 0;
}
