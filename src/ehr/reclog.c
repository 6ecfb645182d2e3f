/*
 * reclog.c - a sink that records: every record a parser emits is copied (struct and strings) into one growable
 * buffer, and handed to another sink later, in the same order, by ehr_reclog_replay.
 *
 * This lets a parser run on one thread while the records are written on another (the clinical store keeps a single
 * SQLite writer; the parsing of SS-MIX2 files runs on worker threads). An entry is
 *
 *   struct entry_head | the record struct, its string fields replaced by offsets | the strings, NUL-terminated
 *
 * each entry aligned to 8 bytes. An offset is counted from the entry's start, 0 meaning NULL. Replay copies the
 * struct out and turns the offsets back into pointers into the log, which the log owns until it is reset.
 */
#include "ehr.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum rl_kind {
	RL_PATIENT,
	RL_ALLERGY,
	RL_MEDICATION,
	RL_RESULT,
	RL_DIAGNOSIS,
	RL_ADT,
	RL_APPOINTMENT,
	RL_DRUG,
	RL_RAW,
	RL_WARNING,
	RL_ORDER
};

struct entry_head {
	uint32_t kind;
	uint32_t len; /* of the whole entry, padding included */
	int64_t line;
	uint32_t path, src_kind, data_type; /* the ehr_source strings: offsets, 0 for NULL */
	uint32_t has_src;
	uint32_t bytes; /* RL_RAW: the bytes, RL_WARNING: the detail (offset) */
	uint32_t unused;
	uint64_t aux; /* RL_RAW: byte count; RL_WARNING: enum ehr_warn */
};

#define F(type, field) offsetof(struct type, field)
static const size_t patient_str[] = {
        F(ehr_patient, id),           F(ehr_patient, family_kanji), F(ehr_patient, given_kanji),
        F(ehr_patient, family_kana),  F(ehr_patient, given_kana),   F(ehr_patient, birth_date),
        F(ehr_patient, postal_code),  F(ehr_patient, address),      F(ehr_patient, phone_home),
        F(ehr_patient, phone_mobile), F(ehr_patient, blood_abo),    F(ehr_patient, blood_rh),
        F(ehr_patient, updated)};
static const size_t allergy_str[] = {F(ehr_allergy, patient_id),  F(ehr_allergy, id),      F(ehr_allergy, code),
                                     F(ehr_allergy, code_system), F(ehr_allergy, name),    F(ehr_allergy, reaction),
                                     F(ehr_allergy, severity),    F(ehr_allergy, recorded)};
static const size_t medication_str[] = {
        F(ehr_medication, patient_id),  F(ehr_medication, order_no),  F(ehr_medication, drug_code),
        F(ehr_medication, code_system), F(ehr_medication, drug_name), F(ehr_medication, dose_unit),
        F(ehr_medication, frequency),   F(ehr_medication, route),     F(ehr_medication, start),
        F(ehr_medication, end),         F(ehr_medication, status),    F(ehr_medication, prescriber),
        F(ehr_medication, department),  F(ehr_medication, ordered)};
static const size_t result_str[] = {F(ehr_result, patient_id),  F(ehr_result, order_no),  F(ehr_result, code),
                                    F(ehr_result, code_system), F(ehr_result, name),      F(ehr_result, value),
                                    F(ehr_result, unit),        F(ehr_result, reference), F(ehr_result, flag),
                                    F(ehr_result, time),        F(ehr_result, status)};
static const size_t diagnosis_str[] = {F(ehr_diagnosis, patient_id),  F(ehr_diagnosis, id),   F(ehr_diagnosis, code),
                                       F(ehr_diagnosis, code_system), F(ehr_diagnosis, name), F(ehr_diagnosis, start),
                                       F(ehr_diagnosis, end)};
static const size_t adt_str[] = {F(ehr_adt, patient_id), F(ehr_adt, time),    F(ehr_adt, ward),
                                 F(ehr_adt, room),       F(ehr_adt, bed),     F(ehr_adt, department),
                                 F(ehr_adt, attending),  F(ehr_adt, visit_id)};
static const size_t appointment_str[] = {
        F(ehr_appointment, id),         F(ehr_appointment, patient_id), F(ehr_appointment, start),
        F(ehr_appointment, department), F(ehr_appointment, clinician),  F(ehr_appointment, kind),
        F(ehr_appointment, status),     F(ehr_appointment, phone),      F(ehr_appointment, note)};
static const size_t drug_str[] = {F(ehr_drug, code),
                                  F(ehr_drug, name),
                                  F(ehr_drug, generic_name),
                                  F(ehr_drug, kana),
                                  F(ehr_drug, form),
                                  F(ehr_drug, unit),
                                  F(ehr_drug, pregnancy),
                                  F(ehr_drug, interaction_groups),
                                  F(ehr_drug, allergy_classes),
                                  F(ehr_drug, yj_code),
                                  F(ehr_drug, hot_code)};
static const size_t order_str[] = {F(ehr_order, patient_id), F(ehr_order, order_no),    F(ehr_order, data_type),
                                   F(ehr_order, code),       F(ehr_order, code_system), F(ehr_order, name),
                                   F(ehr_order, detail),     F(ehr_order, frequency),   F(ehr_order, start),
                                   F(ehr_order, end),        F(ehr_order, status),      F(ehr_order, orderer),
                                   F(ehr_order, department), F(ehr_order, ordered)};
#undef F

struct rl_type {
	size_t size;
	const size_t *str;
	size_t nstr;
};
static const struct rl_type types[] = {
        [RL_PATIENT] = {sizeof(struct ehr_patient), patient_str, LB_ARRAY_LEN(patient_str)},
        [RL_ALLERGY] = {sizeof(struct ehr_allergy), allergy_str, LB_ARRAY_LEN(allergy_str)},
        [RL_MEDICATION] = {sizeof(struct ehr_medication), medication_str, LB_ARRAY_LEN(medication_str)},
        [RL_RESULT] = {sizeof(struct ehr_result), result_str, LB_ARRAY_LEN(result_str)},
        [RL_DIAGNOSIS] = {sizeof(struct ehr_diagnosis), diagnosis_str, LB_ARRAY_LEN(diagnosis_str)},
        [RL_ADT] = {sizeof(struct ehr_adt), adt_str, LB_ARRAY_LEN(adt_str)},
        [RL_APPOINTMENT] = {sizeof(struct ehr_appointment), appointment_str, LB_ARRAY_LEN(appointment_str)},
        [RL_DRUG] = {sizeof(struct ehr_drug), drug_str, LB_ARRAY_LEN(drug_str)},
        [RL_RAW] = {0, NULL, 0},
        [RL_WARNING] = {0, NULL, 0},
        [RL_ORDER] = {sizeof(struct ehr_order), order_str, LB_ARRAY_LEN(order_str)},
};

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define RECORD_MAX 256 /* bytes of the largest record struct */
_Static_assert(sizeof(struct ehr_medication) <= RECORD_MAX && sizeof(struct ehr_patient) <= RECORD_MAX &&
                       sizeof(struct ehr_drug) <= RECORD_MAX && sizeof(struct ehr_result) <= RECORD_MAX &&
                       sizeof(struct ehr_order) <= RECORD_MAX,
               "a record struct outgrew RECORD_MAX");

/* Append s (with its NUL) to the entry that starts at start; its offset from start, or 0 for NULL. */
static uint32_t add_str(struct buf *b, size_t start, const char *s, size_t n)
{
	if (!s)
		return 0;
	size_t off = b->len - start;
	buf_add(b, s, n);
	buf_addch(b, 0);
	return (uint32_t)off;
}

static int add_entry(struct ehr_reclog *l, enum rl_kind kind, const struct ehr_source *src, const void *rec,
                     const char *bytes, size_t nbytes, uint64_t aux)
{
	struct buf *b = &l->data;
	size_t start = b->len;
	const struct rl_type *t = &types[kind];
	size_t rec_off = ALIGN8(sizeof(struct entry_head));
	buf_grow(b, rec_off + t->size);
	memset(b->data + start, 0, rec_off + t->size);
	b->len = start + rec_off + t->size;
	struct entry_head h = {.kind = kind, .aux = aux};
	if (src) {
		h.has_src = 1;
		h.line = src->line;
		h.path = src->path ? add_str(b, start, src->path, strlen(src->path)) : 0;
		h.src_kind = src->kind ? add_str(b, start, src->kind, strlen(src->kind)) : 0;
		h.data_type = src->data_type ? add_str(b, start, src->data_type, strlen(src->data_type)) : 0;
	}
	if (t->size) {
		memcpy(b->data + start + rec_off, rec, t->size);
		for (size_t i = 0; i < t->nstr; i++) {
			const char *s;
			memcpy(&s, (const char *)rec + t->str[i], sizeof(s));
			uintptr_t off = s ? add_str(b, start, s, strlen(s)) : 0;
			memcpy(b->data + start + rec_off + t->str[i], &off, sizeof(off));
		}
	} else {
		/* raw bytes (never NULL), or a warning's detail (NULL kept): one byte string */
		h.bytes = add_str(b, start, bytes || kind == RL_RAW ? (bytes ? bytes : "") : NULL, nbytes);
	}
	size_t end = ALIGN8(b->len);
	buf_grow(b, end - b->len);
	memset(b->data + b->len, 0, end - b->len);
	b->len = end;
	h.len = (uint32_t)(end - start);
	memcpy(b->data + start, &h, sizeof(h));
	l->n++;
	return 0;
}

static int rl_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	return add_entry(ctx, RL_PATIENT, src, r, NULL, 0, 0);
}
static int rl_allergy(void *ctx, const struct ehr_source *src, const struct ehr_allergy *r)
{
	return add_entry(ctx, RL_ALLERGY, src, r, NULL, 0, 0);
}
static int rl_medication(void *ctx, const struct ehr_source *src, const struct ehr_medication *r)
{
	return add_entry(ctx, RL_MEDICATION, src, r, NULL, 0, 0);
}
static int rl_result(void *ctx, const struct ehr_source *src, const struct ehr_result *r)
{
	return add_entry(ctx, RL_RESULT, src, r, NULL, 0, 0);
}
static int rl_diagnosis(void *ctx, const struct ehr_source *src, const struct ehr_diagnosis *r)
{
	return add_entry(ctx, RL_DIAGNOSIS, src, r, NULL, 0, 0);
}
static int rl_adt(void *ctx, const struct ehr_source *src, const struct ehr_adt *r)
{
	return add_entry(ctx, RL_ADT, src, r, NULL, 0, 0);
}
static int rl_appointment(void *ctx, const struct ehr_source *src, const struct ehr_appointment *r)
{
	return add_entry(ctx, RL_APPOINTMENT, src, r, NULL, 0, 0);
}
static int rl_drug(void *ctx, const struct ehr_source *src, const struct ehr_drug *r)
{
	return add_entry(ctx, RL_DRUG, src, r, NULL, 0, 0);
}
static int rl_order(void *ctx, const struct ehr_source *src, const struct ehr_order *r)
{
	return add_entry(ctx, RL_ORDER, src, r, NULL, 0, 0);
}
static int rl_raw(void *ctx, const struct ehr_source *src, const char *bytes, size_t len)
{
	return add_entry(ctx, RL_RAW, src, NULL, bytes, len, len);
}
static void rl_warning(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail)
{
	add_entry(ctx, RL_WARNING, src, NULL, detail, detail ? strlen(detail) : 0, (uint64_t)kind);
}

void ehr_reclog_sink(struct ehr_reclog *log, struct ehr_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->ctx = log;
	sink->patient = rl_patient;
	sink->allergy = rl_allergy;
	sink->medication = rl_medication;
	sink->result = rl_result;
	sink->diagnosis = rl_diagnosis;
	sink->adt = rl_adt;
	sink->appointment = rl_appointment;
	sink->drug = rl_drug;
	sink->raw = rl_raw;
	sink->warning = rl_warning;
	sink->order = rl_order;
}

void ehr_reclog_reset(struct ehr_reclog *log)
{
	buf_reset(&log->data);
	log->n = 0;
}

void ehr_reclog_release(struct ehr_reclog *log)
{
	buf_release(&log->data);
	log->n = 0;
}

static const char *at(const char *entry, uint64_t off)
{
	return off ? entry + off : NULL;
}

int ehr_reclog_replay(const struct ehr_reclog *log, const struct ehr_sink *sink)
{
	_Alignas(16) char rec[RECORD_MAX];
	size_t rec_off = ALIGN8(sizeof(struct entry_head));
	for (size_t pos = 0; pos + sizeof(struct entry_head) <= log->data.len;) {
		const char *e = log->data.data + pos;
		struct entry_head h;
		memcpy(&h, e, sizeof(h));
		pos += h.len;
		struct ehr_source src = {.path = at(e, h.path),
		                         .kind = at(e, h.src_kind),
		                         .data_type = at(e, h.data_type),
		                         .line = h.line};
		const struct ehr_source *sp = h.has_src ? &src : NULL;
		const struct rl_type *t = &types[h.kind];
		if (t->size) {
			memcpy(rec, e + rec_off, t->size);
			for (size_t i = 0; i < t->nstr; i++) {
				uintptr_t off;
				memcpy(&off, rec + t->str[i], sizeof(off));
				const char *s = at(e, off);
				memcpy(rec + t->str[i], &s, sizeof(s));
			}
		}
		const char *bytes = at(e, h.bytes);
		int rc = 0;
		switch ((enum rl_kind)h.kind) {
		case RL_PATIENT:
			rc = sink->patient ? sink->patient(sink->ctx, sp, (const struct ehr_patient *)rec) : 0;
			break;
		case RL_ALLERGY:
			rc = sink->allergy ? sink->allergy(sink->ctx, sp, (const struct ehr_allergy *)rec) : 0;
			break;
		case RL_MEDICATION:
			rc = sink->medication ? sink->medication(sink->ctx, sp, (const struct ehr_medication *)rec) : 0;
			break;
		case RL_RESULT:
			rc = sink->result ? sink->result(sink->ctx, sp, (const struct ehr_result *)rec) : 0;
			break;
		case RL_DIAGNOSIS:
			rc = sink->diagnosis ? sink->diagnosis(sink->ctx, sp, (const struct ehr_diagnosis *)rec) : 0;
			break;
		case RL_ADT:
			rc = sink->adt ? sink->adt(sink->ctx, sp, (const struct ehr_adt *)rec) : 0;
			break;
		case RL_APPOINTMENT:
			rc = sink->appointment ? sink->appointment(sink->ctx, sp, (const struct ehr_appointment *)rec)
			                       : 0;
			break;
		case RL_DRUG:
			rc = sink->drug ? sink->drug(sink->ctx, sp, (const struct ehr_drug *)rec) : 0;
			break;
		case RL_ORDER:
			rc = sink->order ? sink->order(sink->ctx, sp, (const struct ehr_order *)rec) : 0;
			break;
		case RL_RAW:
			rc = sink->raw ? sink->raw(sink->ctx, sp, bytes, (size_t)h.aux) : 0;
			break;
		case RL_WARNING:
			if (sink->warning)
				sink->warning(sink->ctx, sp, (enum ehr_warn)h.aux, bytes);
			break;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}
