/*
 * fhir_int.h - what fhir.c (lines, JSON, helpers) and fhir_res.c (one mapper per resource type) share.
 */
#ifndef LB_FHIR_INT_H
#define LB_FHIR_INT_H

#include "ehr.h"

/* core.h has its own json_null (the JSON writer); jansson's, unused here, is renamed out of the way. */
#define json_null fhir_jansson_null_unused
#include <jansson.h>
#undef json_null

#define FHIR_LB_EXT "http://lifeboat.example/fhir/StructureDefinition/"

struct fhir_ctx {
	const struct ehr_sink *sink;
	struct ehr_source src;
	long records, unsupported;
	struct buf t1, t2, t3, t4, t5; /* scratch for normalised values */
};

void fhir_warn(const struct fhir_ctx *f, enum ehr_warn kind, const char *fmt, ...) LB_PRINTF(3, 4);
/* o[key] when it is a string, else NULL. */
const char *fhir_str(json_t *o, const char *key);
/* The first element of o[key] when it is an array, o[key] itself when it is an object, else NULL. */
json_t *fhir_first(json_t *o, const char *key);
/* Follow "a.b.c", taking the first element of every array on the way. */
json_t *fhir_path(json_t *o, const char *path);
const char *fhir_pstr(json_t *o, const char *path);
int fhir_pnum(json_t *o, const char *path, double *out);
/* A FHIR date or dateTime as ehr.h wants it ("YYYY-MM-DD" or local "YYYY-MM-DDTHH:MM:SS"), in b. */
const char *fhir_time(struct buf *b, const char *s);
/* The id in a Reference's "reference" of the given type ("Patient/123" → "123"; urn:uuid:… too), or NULL. */
const char *fhir_ref_id(json_t *ref_obj, const char *type);
/* The shortest decimal that reads back as v. */
void fhir_number(struct buf *b, double v);

/* fhir_res.c: shared pieces of the mappers. */
/* A CodeableConcept's coding whose system contains want (NULL: the first). */
json_t *fhir_coding_of(json_t *cc, const char *want);
/* Its text, else the first coding display, else the first code. */
const char *fhir_cc_text(json_t *cc);
const char *fhir_cc_code(json_t *cc);
/* Short names of the code systems Japanese sources use (HOT9, YJ, JLAC10, ICD10 …); others as given. */
const char *fhir_system_name(const char *sys);
/* The value (value_key) of lifeboat's extension FHIR_LB_EXT + name on r, or NULL. */
json_t *fhir_lb_ext(json_t *r, const char *name, const char *value_key);
const char *fhir_lb_ext_str(json_t *r, const char *name);
/* 1 when v is set; else a warning "<type> without <what>: skipped" and 0. */
int fhir_need(struct fhir_ctx *f, const char *what, const void *v);
/* A sink's return turned into a mapper's: 1 delivered, or the negative code. */
int fhir_deliver(int rc);

/* fhir_res.c and fhir_visit.c: each returns 1 when a record went to the sink, 0 when skipped (with a warning), <0 to stop. */
int fhir_patient(struct fhir_ctx *f, json_t *r);
int fhir_allergy(struct fhir_ctx *f, json_t *r);
int fhir_medication(struct fhir_ctx *f, json_t *r);
int fhir_condition(struct fhir_ctx *f, json_t *r);
int fhir_encounter(struct fhir_ctx *f, json_t *r);
int fhir_observation(struct fhir_ctx *f, json_t *r);
int fhir_appointment(struct fhir_ctx *f, json_t *r);

#endif
