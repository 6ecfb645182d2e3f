/*
 * rx_ward.h - a small hand-built ward for the prescription-check unit tests (test_rx_*.c): FHIR NDJSON patients and
 * orders written from macros, the test's own drug master, ingested into a fresh store. One test binary includes it
 * once (the definitions are static).
 */
#ifndef LB_TEST_RX_WARD_H
#define LB_TEST_RX_WARD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rx/rx.h"

/* A Patient's name in kanji (IDE) and kana (SYL), as JP Core writes it. */
#define NAME(f, g, kf, kg)                                                                                           \
	"\"name\":[{\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation\"," \
	"\"valueCode\":\"IDE\"}],\"family\":\"" f "\",\"given\":[\"" g "\"]},{\"extension\":[{\"url\":\"http://"     \
	"hl7.org/fhir/StructureDefinition/iso21090-EN-representation\",\"valueCode\":\"SYL\"}],\"family\":\"" kf     \
	"\",\"given\":[\"" kg "\"]}]"
/* One Patient line born 1970-01-01. */
#define PATIENT(id, sex, f, g, kf, kg)                                                             \
	"{\"resourceType\":\"Patient\",\"id\":\"" id "\"," NAME(f, g, kf, kg) ",\"gender\":\"" sex \
	                                                                      "\",\"birthDate\":\"1970-01-01\"}\n"
/* One active MedicationRequest line: drug code and name, 1 mg once a day since 2026-01-05. */
#define MED(id, pid, code, name)                                                                                     \
	"{\"resourceType\":\"MedicationRequest\",\"id\":\"" id "\",\"status\":\"active\",\"intent\":\"order\","      \
	"\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"urn:local\",\"code\":\"" code                      \
	"\",\"display\":\"" name "\"}],\"text\":\"" name "\"},\"subject\":{\"reference\":\"Patient/" pid             \
	"\"},\"authoredOn\":\"2026-01-"                                                                              \
	"05T10:00:00+09:00\",\"dosageInstruction\":[{\"text\":\"1日1回\",\"timing\":{\"repeat\":{\"frequency\":1," \
	"\"period\":1,\"periodUnit\":\"d\"}},\"doseAndRate\":[{\"doseQuantity\":{\"value\":1,\"unit\":\"mg\"}}]}]}\n"

static char rxw_dir[64];
static struct store *st; /* the ward's store, open while the tests run */

static int rxw_put(const char *name, const char *text)
{
	char p[160];
	snprintf(p, sizeof(p), "%s/%s", rxw_dir, name);
	return lb_write_file_atomic(p, text, strlen(text), 0644, 0);
}

/* Write the ward into a new /tmp folder named after tag: files holds pairs of a FHIR file name
 * ("Patient.ndjson") and its text, ending with NULL; drugs_csv is the master. Ingest it into st; with strict, a
 * warning of the ingest fails the setup (the ward is meant to load cleanly). */
static int rxw_open(const char *tag, const char *drugs_csv, const char *const *files, int strict)
{
	snprintf(rxw_dir, sizeof(rxw_dir), "/tmp/lb-test-%s-XXXXXX", tag);
	if (!mkdtemp(rxw_dir))
		return -1;
	char fhir[128], db[128], drugs[128], name[128];
	snprintf(fhir, sizeof(fhir), "%s/fhir", rxw_dir);
	if (lb_mkdirs(fhir, 0755) < 0)
		return -1;
	for (size_t i = 0; files[i]; i += 2) {
		snprintf(name, sizeof(name), "fhir/%s", files[i]);
		if (rxw_put(name, files[i + 1]) < 0)
			return -1;
	}
	if (rxw_put("drugs.csv", drugs_csv) < 0)
		return -1;
	snprintf(db, sizeof(db), "%s/s.db", rxw_dir);
	snprintf(drugs, sizeof(drugs), "%s/drugs.csv", rxw_dir);
	if (store_open(&st, db, 1) < 0)
		return -1;
	struct store_ingest_opts o = {.fhir_dir = fhir, .drugs_csv = drugs};
	struct store_ingest_stats s;
	if (store_ingest(st, &o, &s) < 0 || (strict && s.warnings))
		return -1;
	return 0;
}

static int rxw_teardown(void **state)
{
	(void)state;
	store_close(st);
	lb_rmtree(rxw_dir);
	return 0;
}

static inline int rxw_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The alerts of r as a sorted, space-separated list of "level:kind" (with_basis: "level:kind:basis-type"). */
static inline void rxw_alert_list(const struct rx_result *r, int with_basis, struct buf *got)
{
	char **v = calloc(r->n + 1, sizeof(*v));
	for (size_t i = 0; i < r->n; i++) {
		struct buf b = {0};
		buf_addf(&b, "%s:%s", rx_level_name(r->v[i].level), r->v[i].kind);
		if (with_basis)
			buf_addf(&b, ":%s", r->v[i].basis.type);
		v[i] = lb_strdup(buf_cstr(&b));
		buf_release(&b);
	}
	qsort(v, r->n, sizeof(*v), rxw_cmp_str);
	buf_reset(got);
	for (size_t i = 0; i < r->n; i++) {
		buf_addf(got, "%s%s", i ? " " : "", v[i]);
		free(v[i]);
	}
	free(v);
}

/* Check one order of drug for pid (dose 1 of the drug's unit, once a day) and compare its allergy alerts (kind
 * allergy*) with want, a space-separated list of "level:kind" in the order rx_check gives them ("" for none).
 * Every allergy alert has both reasons and the basis type "allergy"; the Japanese reason of the first must hold
 * ja_has (NULL: anything) and must not hold ja_not (NULL: no test). Needs cmocka.h included before this file. */
static inline void rxw_check_allergy(const char *pid, const char *drug, const char *want, const char *ja_has,
                                     const char *ja_not)
{
	struct rx_order o = {.patient_id = pid, .drug_code = drug, .dose = 1, .unit = NULL, .per_day = 1};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	struct buf got = {0};
	const struct rx_alert *first = NULL;
	for (size_t i = 0; i < r.n; i++) {
		if (strncmp(r.v[i].kind, "allergy", 7))
			continue;
		buf_addf(&got, "%s%s:%s", got.len ? " " : "", rx_level_name(r.v[i].level), r.v[i].kind);
		assert_non_null(r.v[i].reason_en);
		assert_non_null(r.v[i].reason_ja);
		assert_string_equal(r.v[i].basis.type, "allergy");
		if (!first)
			first = &r.v[i];
	}
	if (strcmp(buf_cstr(&got), want) || (ja_has && (!first || !strstr(first->reason_ja, ja_has))) ||
	    (ja_not && first && strstr(first->reason_ja, ja_not))) {
		for (size_t i = 0; i < r.n; i++)
			print_message("  %s %s: %s / %s\n", rx_level_name(r.v[i].level), r.v[i].kind, r.v[i].reason_en,
			              r.v[i].reason_ja);
		fail_msg("%s %s: got '%s', want '%s' (reason with '%s')", pid, drug, buf_cstr(&got), want,
		         ja_has ? ja_has : "");
	}
	buf_release(&got);
	rx_result_release(&r);
}

#endif
