/*
 * fuzz_hl7.c - libFuzzer target for the HL7 v2 parser and the SS-MIX2 message handlers: any bytes as a stored
 * message of each handled data type (ISO-2022-JP decode, parse, every handler), plus a sweep of the accessors over
 * the parsed segments. Must return, warn, never crash or hang. Seeds: corpus/hl7/.
 */
#include "ehr/ehr.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sum(const char *s)
{
	return s ? strlen(s) : 0;
}

static int on_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	(void)src;
	*(size_t *)ctx += sum(r->family_kanji) + sum(r->given_kana) + sum(r->birth_date) + sum(r->address);
	return 0;
}

static int on_allergy(void *ctx, const struct ehr_source *src, const struct ehr_allergy *r)
{
	(void)src;
	*(size_t *)ctx += sum(r->name) + sum(r->reaction) + sum(r->recorded);
	return 0;
}

static int on_med(void *ctx, const struct ehr_source *src, const struct ehr_medication *r)
{
	(void)src;
	*(size_t *)ctx += sum(r->drug_name) + sum(r->frequency) + sum(r->start) + (size_t)r->days;
	return 0;
}

static int on_result(void *ctx, const struct ehr_source *src, const struct ehr_result *r)
{
	(void)src;
	*(size_t *)ctx += sum(r->name) + sum(r->value) + sum(r->time);
	return 0;
}

static int on_dx(void *ctx, const struct ehr_source *src, const struct ehr_diagnosis *r)
{
	(void)src;
	*(size_t *)ctx += sum(r->name) + sum(r->start) + sum(r->end);
	return 0;
}

static int on_adt(void *ctx, const struct ehr_source *src, const struct ehr_adt *r)
{
	(void)src;
	*(size_t *)ctx += sum(r->ward) + sum(r->bed) + sum(r->time);
	return 0;
}

static int on_raw(void *ctx, const struct ehr_source *src, const char *b, size_t n)
{
	(void)src;
	(void)b;
	*(size_t *)ctx += n;
	return 0;
}

static void on_warn(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail)
{
	(void)src;
	*(size_t *)ctx += (size_t)kind + strlen(detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
	        "0000012345_-_ADT-00_1_20261101100000000_-_1",
	        "0000012345_-_ADT-61_1_20261101100000000_-_1",
	        "0000012345_20261101_OMP-01_1_20261101100000000_01_1",
	        "0000012345_20261101_OMP-02_1_20261101100000000_01_1",
	        "0000012345_20261101_OML-11_1_20261101100000000_01_1",
	        "0000012345_-_PPR-01_1_20261101100000000_01_1",
	        "0000012345_20261101_ADT-22_1_20261101100000000_01_1",
	        "0000012345_20261101_OMD_1_20261101100000000_01_1",
	};
	size_t acc = 0;
	struct ehr_sink sink = {.ctx = &acc,
	                        .patient = on_patient,
	                        .allergy = on_allergy,
	                        .medication = on_med,
	                        .result = on_result,
	                        .diagnosis = on_dx,
	                        .adt = on_adt,
	                        .raw = on_raw,
	                        .warning = on_warn};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ssmix2_name nm;
		if (ssmix2_parse_name(names[i], &nm) < 0)
			__builtin_trap();
		struct ehr_source src = {.path = names[i], .kind = "ssmix2", .data_type = nm.type};
		ssmix2_read_message(&nm, &src, (const char *)data, size, &sink, NULL);
	}
	/* The parser on the raw bytes as UTF-8, and every accessor over what it found. */
	struct hl7_msg m;
	if (hl7_parse(&m, (const char *)data, size) == 0) {
		struct buf b = {0};
		for (size_t s = 0; s < m.nseg && s < 64; s++)
			for (int f = 0; f < 12; f++) {
				int reps = hl7_reps(&m, s, f);
				for (int r = 0; r <= reps && r < 4; r++)
					for (int c = 0; c < 4; c++)
						for (int u = 0; u < 3; u++)
							acc += (size_t)hl7_get_at(&m, s, f, r, c, u, &b) + b.len;
			}
		buf_release(&b);
	}
	hl7_release(&m);
	return acc == (size_t)-1;
}
