/*
 * fhir_visit.c - FHIR resources about visits and results: Encounter (admissions, transfers and discharges with
 * ward/room/bed from location physicalType), Observation (laboratory results) and Appointment (bookings).
 */
#include "fhir_int.h"

#include <stdio.h>
#include <string.h>

/* ---- Encounter ----------------------------------------------------------------------------------------------- */

#define ENC_MAX_LOC 16

struct stay_loc {
	const char *start, *ward, *room, *bed;
};

int fhir_encounter(struct fhir_ctx *f, json_t *r)
{
	const char *cls = fhir_pstr(r, "class.code");
	const char *status = fhir_str(r, "status");
	if (cls && strcmp(cls, "IMP") && strcmp(cls, "ACUTE") && strcmp(cls, "NONAC"))
		return 0; /* outpatient and other visits are no admission */
	if (status &&
	    (!strcmp(status, "cancelled") || !strcmp(status, "entered-in-error") || !strcmp(status, "planned")))
		return 0;
	struct ehr_adt a = {0};
	a.patient_id = fhir_ref_id(json_object_get(r, "subject"), "Patient");
	if (!fhir_need(f, L_("a patient reference", "患者の参照"), a.patient_id))
		return 0;
	a.visit_id = fhir_str(r, "id");
	a.department = fhir_pstr(r, "serviceType.text");
	if (!a.department)
		a.department = fhir_cc_text(json_object_get(r, "serviceType"));
	a.attending = fhir_pstr(r, "participant.individual.display");
	/* group locations by the start of their period: ward, room and bed of one stay in one place */
	struct stay_loc locs[ENC_MAX_LOC];
	size_t nl = 0, i;
	json_t *l;
	json_array_foreach(json_object_get(r, "location"), i, l)
	{
		const char *start = fhir_pstr(l, "period.start");
		const char *type = fhir_cc_code(json_object_get(l, "physicalType"));
		const char *disp = fhir_pstr(l, "location.display");
		if (!disp)
			continue;
		size_t k = 0;
		for (; k < nl; k++)
			if ((!start && !locs[k].start) || (start && locs[k].start && !strcmp(start, locs[k].start)))
				break;
		if (k == nl) {
			if (nl == ENC_MAX_LOC) {
				fhir_warn(f, EHR_WARN_LIMIT,
				          L_("Encounter '%.64s' has more than %d places: the rest skipped",
				             "Encounter '%.64s' の場所が %d を超えています: 残りは読み飛ばしました"),
				          a.visit_id ? a.visit_id : "", ENC_MAX_LOC);
				break;
			}
			memset(&locs[nl], 0, sizeof(locs[nl]));
			locs[nl++].start = start;
		}
		if (!type || !strcmp(type, "wa"))
			locs[k].ward = disp;
		else if (!strcmp(type, "ro"))
			locs[k].room = disp;
		else if (!strcmp(type, "bd"))
			locs[k].bed = disp;
	}
	/* order by start (insertion sort of at most ENC_MAX_LOC) */
	for (size_t x = 1; x < nl; x++)
		for (size_t y = x;
		     y > 0 && locs[y - 1].start && locs[y].start && strcmp(locs[y - 1].start, locs[y].start) > 0; y--) {
			struct stay_loc t = locs[y];
			locs[y] = locs[y - 1];
			locs[y - 1] = t;
		}
	const char *start = fhir_pstr(r, "period.start");
	if (!start && nl)
		start = locs[0].start;
	if (!fhir_need(f, L_("a start", "開始日時"), start))
		return 0;
	struct buf tb = {0};
	a.kind = EHR_ADT_ADMIT;
	a.time = fhir_time(&tb, start);
	if (nl) {
		a.ward = locs[0].ward;
		a.room = locs[0].room;
		a.bed = locs[0].bed;
	}
	int rc = f->sink->adt ? f->sink->adt(f->sink->ctx, &f->src, &a) : 0;
	for (size_t k = 1; rc >= 0 && k < nl; k++) {
		if (!locs[k].start)
			continue;
		a.kind = EHR_ADT_TRANSFER;
		a.time = fhir_time(&tb, locs[k].start);
		a.ward = locs[k].ward;
		a.room = locs[k].room;
		a.bed = locs[k].bed;
		rc = f->sink->adt ? f->sink->adt(f->sink->ctx, &f->src, &a) : 0;
	}
	const char *end = fhir_pstr(r, "period.end");
	if (rc >= 0 && end && status && !strcmp(status, "finished")) {
		a.kind = EHR_ADT_DISCHARGE;
		a.time = fhir_time(&tb, end);
		rc = f->sink->adt ? f->sink->adt(f->sink->ctx, &f->src, &a) : 0;
	}
	buf_release(&tb);
	return fhir_deliver(rc);
}

/* ---- Observation --------------------------------------------------------------------------------------------- */

static const char *obs_status(const char *s)
{
	if (!s)
		return NULL;
	if (!strcmp(s, "amended") || !strcmp(s, "corrected"))
		return "corrected";
	if (!strcmp(s, "entered-in-error") || !strcmp(s, "cancelled"))
		return "cancelled";
	return s;
}

int fhir_observation(struct fhir_ctx *f, json_t *r)
{
	struct ehr_result o = {0};
	o.patient_id = fhir_ref_id(json_object_get(r, "subject"), "Patient");
	if (!fhir_need(f, L_("a patient reference", "患者の参照"), o.patient_id))
		return 0;
	json_t *id0 = json_array_get(json_object_get(r, "identifier"), 0);
	o.order_no = id0 ? fhir_str(id0, "value") : NULL;
	json_t *code = json_object_get(r, "code");
	json_t *c = fhir_coding_of(code, NULL);
	o.code = c ? fhir_str(c, "code") : NULL;
	o.code_system = c ? fhir_system_name(fhir_str(c, "system")) : NULL;
	o.name = fhir_cc_text(code);
	if (!fhir_need(f, L_("a code", "コード"), o.name))
		return 0;
	json_t *q = json_object_get(r, "valueQuantity");
	if (json_is_object(q)) {
		double v;
		if (fhir_pnum(q, "value", &v) == 0) {
			fhir_number(&f->t1, v);
			o.value = f->t1.data;
		}
		o.unit = fhir_str(q, "unit");
	} else if (fhir_str(r, "valueString")) {
		o.value = fhir_str(r, "valueString");
	} else if (json_is_integer(json_object_get(r, "valueInteger"))) {
		buf_reset(&f->t1);
		buf_addf(&f->t1, "%lld", (long long)json_integer_value(json_object_get(r, "valueInteger")));
		o.value = f->t1.data;
	} else if (json_object_get(r, "valueCodeableConcept")) {
		o.value = fhir_cc_text(json_object_get(r, "valueCodeableConcept"));
	}
	json_t *range = fhir_first(r, "referenceRange");
	if (range) {
		o.reference = fhir_str(range, "text");
		double lo, hi;
		int has_lo = fhir_pnum(range, "low.value", &lo) == 0, has_hi = fhir_pnum(range, "high.value", &hi) == 0;
		if (!o.reference && (has_lo || has_hi)) {
			struct buf *b = &f->t2, n = {0};
			buf_reset(b);
			if (has_lo) {
				fhir_number(&n, lo);
				buf_adds(b, n.data);
			}
			buf_addch(b, '-');
			if (has_hi) {
				fhir_number(&n, hi);
				buf_adds(b, n.data);
			}
			buf_release(&n);
			o.reference = b->data;
		}
	}
	o.flag = fhir_pstr(r, "interpretation.coding.code");
	const char *t = fhir_str(r, "effectiveDateTime");
	if (!t)
		t = fhir_pstr(r, "effectivePeriod.start");
	if (!t)
		t = fhir_str(r, "issued");
	o.time = fhir_time(&f->t3, t);
	o.status = obs_status(fhir_str(r, "status"));
	return fhir_deliver(f->sink->result ? f->sink->result(f->sink->ctx, &f->src, &o) : 0);
}

/* ---- Appointment --------------------------------------------------------------------------------------------- */

static const char *appt_status(const char *s)
{
	if (!s)
		return "booked";
	if (!strcmp(s, "booked") || !strcmp(s, "pending") || !strcmp(s, "proposed"))
		return "booked";
	if (!strcmp(s, "arrived") || !strcmp(s, "checked-in") || !strcmp(s, "fulfilled"))
		return "arrived";
	if (!strcmp(s, "cancelled") || !strcmp(s, "entered-in-error"))
		return "cancelled";
	if (!strcmp(s, "noshow"))
		return "noshow";
	return s;
}

int fhir_appointment(struct fhir_ctx *f, json_t *r)
{
	struct ehr_appointment a = {0};
	a.id = fhir_str(r, "id");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(r, "participant"), i, p)
	{
		json_t *actor = json_object_get(p, "actor");
		const char *pid = fhir_ref_id(actor, "Patient");
		if (!actor)
			continue;
		const char *ref = fhir_str(actor, "reference");
		if (pid && !a.patient_id)
			a.patient_id = pid;
		else if (!a.clinician && (!ref || strstr(ref, "Practitioner")))
			a.clinician = fhir_str(actor, "display");
	}
	if (!fhir_need(f, L_("a patient participant", "患者の参加者"), a.patient_id))
		return 0;
	a.start = fhir_time(&f->t1, fhir_str(r, "start"));
	if (!fhir_need(f, L_("a start", "開始日時"), a.start))
		return 0;
	if (strlen(a.start) > 16)
		f->t1.data[16] = 0; /* YYYY-MM-DDTHH:MM */
	json_t *cat = fhir_first(r, "serviceCategory");
	a.department = cat ? fhir_cc_text(cat) : NULL;
	if (!a.department && fhir_first(r, "specialty"))
		a.department = fhir_cc_text(fhir_first(r, "specialty"));
	json_t *type = json_object_get(r, "appointmentType");
	a.kind = type ? fhir_cc_text(type) : NULL;
	if (!a.kind && fhir_first(r, "serviceType"))
		a.kind = fhir_cc_text(fhir_first(r, "serviceType"));
	a.status = appt_status(fhir_str(r, "status"));
	a.note = fhir_str(r, "comment") ? fhir_str(r, "comment") : fhir_str(r, "description");
	return fhir_deliver(f->sink->appointment ? f->sink->appointment(f->sink->ctx, &f->src, &a) : 0);
}
