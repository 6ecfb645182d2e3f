/*
 * fuzz_fhir.c - libFuzzer target for the FHIR NDJSON reader (ehr_fhir_read_file): any bytes as an NDJSON file.
 * The reader must return, warn, never crash or hang. Seeds: corpus/fhir/.
 */
#include "ehr/ehr.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	(void)src;
	/* touch every string so that a dangling pointer shows up under ASan */
	size_t n = strlen(r->id ? r->id : "") + strlen(r->family_kanji ? r->family_kanji : "") +
	           strlen(r->family_kana ? r->family_kana : "") + strlen(r->birth_date ? r->birth_date : "");
	*(size_t *)ctx += n + 1;
	return 0;
}

static int count_other(void *ctx, const struct ehr_source *src, const void *r)
{
	(void)src;
	(void)r;
	*(size_t *)ctx += 1;
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
	snprintf(path, sizeof(path), "/tmp/lb-fuzz-fhir-%d.ndjson", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	size_t seen = 0;
	struct ehr_sink s = {
	        .ctx = &seen,
	        .patient = count_patient,
	        .allergy = (int (*)(void *, const struct ehr_source *, const struct ehr_allergy *))count_other,
	        .medication = (int (*)(void *, const struct ehr_source *, const struct ehr_medication *))count_other,
	        .result = (int (*)(void *, const struct ehr_source *, const struct ehr_result *))count_other,
	        .diagnosis = (int (*)(void *, const struct ehr_source *, const struct ehr_diagnosis *))count_other,
	        .adt = (int (*)(void *, const struct ehr_source *, const struct ehr_adt *))count_other,
	        .appointment = (int (*)(void *, const struct ehr_source *, const struct ehr_appointment *))count_other,
	        .warning = warn,
	};
	ehr_fhir_read_file(path, &s);
	unlink(path);
	return 0;
}
