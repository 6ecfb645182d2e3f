/*
 * synth_fhir_int.h - what synth_fhir.c and synth_fhir_clin.c share: the open NDJSON files and small JSON helpers.
 */
#ifndef LB_SYNTH_FHIR_INT_H
#define LB_SYNTH_FHIR_INT_H

#include "synth_int.h"

#define LB_FHIR_EXT "http://lifeboat.example/fhir/StructureDefinition/"
#define JP_PROFILE "http://jpfhir.jp/fhir/core/StructureDefinition/"
#define PATIENT_ID_SYSTEM "urn:oid:1.2.392.100495.20.3.51.12299999990"

enum { F_PATIENT, F_ALLERGY, F_MED, F_COND, F_ENC, F_OBS, F_APPT, F_COUNT };
static const char *const fhir_files[F_COUNT] = {"Patient",   "AllergyIntolerance", "MedicationRequest", "Condition",
                                                "Encounter", "Observation",        "Appointment"};

struct synth_fhir {
	FILE *f[F_COUNT];
	char *path[F_COUNT];
	struct buf line;
	long count;
	uint64_t bytes;
	int err;
};

/* Start a resource (resourceType, id, meta.profile when profile is set) in f's line buffer. */
void synth_fj_begin(struct synth_fhir *f, struct json_w *w, const char *type, const char *id, const char *profile);
/* Close the resource and append it as one line to the NDJSON file of its type. */
int synth_fj_put(struct synth_fhir *f, int file, struct json_w *w);
void synth_fj_coding(struct json_w *w, const char *system, const char *code, const char *display);
/* key: {coding: [{system, code, display}], text} */
void synth_fj_concept(struct json_w *w, const char *key, const char *system, const char *code, const char *display,
                      const char *text);
/* key: {text} */
void synth_fj_text(struct json_w *w, const char *key, const char *text);
/* key: {reference: "Patient/<id>"} */
void synth_fj_subject(struct json_w *w, const char *key, const struct synth_patient *pt);
/* A date (hh < 0) or a dateTime with +09:00. */
void synth_fj_when(struct json_w *w, const char *key, int64_t day, int hh, int mm);
void synth_fj_when_s(struct json_w *w, const char *key, int64_t day, int hh, int mm, int ss);
/* One of lifeboat's string extensions. */
void synth_fj_ext(struct json_w *w, const char *name, const char *value);
void synth_fj_doc(char *out, size_t n, const struct synth_doctor *d);

int synth_fj_medications(struct synth_fhir *f, const struct synth_ctx *c, const struct synth_patient *pt);
int synth_fj_encounters(struct synth_fhir *f, const struct synth_ctx *c, const struct synth_patient *pt);
int synth_fj_observations(struct synth_fhir *f, const struct synth_patient *pt);

#endif
