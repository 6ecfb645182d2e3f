/*
 * synth_fhir_clin.c - the synthetic hospital's FHIR orders and events: MedicationRequest (prescriptions and
 * injections, JP_MedicationRequest[_Injection]), Encounter (admissions with ward/room/bed locations) and
 * Observation (laboratory results with reference ranges and H/L interpretation).
 */
#include "synth_fhir_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int synth_fj_medications(struct synth_fhir *f, const struct synth_ctx *c, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->norder; i++) {
		const struct synth_order *o = &pt->order[i];
		for (int k = 0; k < o->nrp; k++) {
			const struct synth_rp *rp = &o->rp[k];
			const struct synth_drug *d = rp->drug;
			char id[48], doc[64], freq[96];
			snprintf(id, sizeof(id), "%s-%d", o->no, k + 1);
			synth_fj_doc(doc, sizeof(doc), o->doc);
			snprintf(freq, sizeof(freq), "%s%s", rp->quirk ? "①" : "", d->freq);
			struct json_w w;
			synth_fj_begin(f, &w, "MedicationRequest", id,
			               o->injection ? JP_PROFILE "JP_MedicationRequest_Injection"
			                            : JP_PROFILE "JP_MedicationRequest");
			json_key(&w, "extension");
			json_arr(&w);
			synth_fj_ext(&w, "department", synth_depts[o->dept].name);
			json_end(&w);
			json_key(&w, "identifier");
			json_arr(&w);
			json_obj(&w);
			json_kv_str(&w, "system",
			            "http://jpfhir.jp/fhir/core/IdSystem/JP_MedicationRequest_OrderNumber");
			json_kv_str(&w, "value", o->no);
			json_end(&w);
			json_obj(&w);
			json_kv_str(&w, "system", "urn:oid:1.2.392.100495.20.3.81");
			json_kv_int(&w, "value", k + 1);
			json_end(&w);
			json_end(&w);
			int64_t end = o->day + (rp->days ? rp->days - 1 : 0);
			json_kv_str(&w, "status", o->cancelled ? "cancelled" : end < c->today ? "completed" : "active");
			json_kv_str(&w, "intent", "order");
			json_key(&w, "category");
			json_arr(&w);
			json_obj(&w);
			json_key(&w, "coding");
			json_arr(&w);
			synth_fj_coding(&w, "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
			                o->inpatient ? "inpatient" : "outpatient", NULL);
			json_end(&w);
			json_end(&w);
			json_end(&w);
			synth_fj_concept(&w, "medicationCodeableConcept", "urn:oid:1.2.392.200119.4.403.1", d->code,
			                 d->name, d->name);
			synth_fj_subject(&w, "subject", pt);
			synth_fj_when_s(&w, "authoredOn", o->day, o->hh, o->mm, o->ss);
			json_key(&w, "requester");
			json_obj(&w);
			json_kv_str(&w, "display", doc);
			json_end(&w);
			json_key(&w, "dosageInstruction");
			json_arr(&w);
			json_obj(&w);
			json_kv_str(&w, "text", freq);
			json_key(&w, "timing");
			json_obj(&w);
			json_key(&w, "repeat");
			json_obj(&w);
			json_kv_int(&w, "frequency", rp->per_day);
			json_kv_int(&w, "period", 1);
			json_kv_str(&w, "periodUnit", "d");
			json_end(&w);
			json_end(&w);
			json_key(&w, "route");
			json_obj(&w);
			json_key(&w, "coding");
			json_arr(&w);
			synth_fj_coding(&w, "http://terminology.hl7.org/CodeSystem/v2-0162", d->route_code, NULL);
			json_end(&w);
			json_kv_str(&w, "text", d->route);
			json_end(&w);
			json_key(&w, "doseAndRate");
			json_arr(&w);
			json_obj(&w);
			json_key(&w, "doseQuantity");
			json_obj(&w);
			json_key(&w, "value");
			json_double(&w, rp->dose);
			json_kv_str(&w, "unit", d->unit);
			json_end(&w);
			json_end(&w);
			json_end(&w);
			json_end(&w);
			json_end(&w);
			json_key(&w, "dispenseRequest");
			json_obj(&w);
			json_key(&w, "validityPeriod");
			json_obj(&w);
			synth_fj_when(&w, "start", o->day, -1, 0);
			if (rp->days)
				synth_fj_when(&w, "end", end, -1, 0);
			json_end(&w);
			json_key(&w, "expectedSupplyDuration");
			json_obj(&w);
			json_kv_int(&w, "value", rp->days);
			json_kv_str(&w, "unit", "日");
			json_kv_str(&w, "system", "http://unitsofmeasure.org");
			json_kv_str(&w, "code", "d");
			json_end(&w);
			json_end(&w);
			json_end(&w);
			int rc = synth_fj_put(f, F_MED, &w);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static void location(struct json_w *w, const struct synth_ctx *c, const struct synth_bed *bd, int64_t from, int fh,
                     int fm, int64_t to, int th, int tm, int active)
{
	static const char *const types[] = {"wa", "ro", "bd"};
	char parts[3][SYNTH_WARD_NAME_MAX];
	synth_ward_bed(c, bd, parts[0], sizeof(parts[0]), parts[1], sizeof(parts[1]), parts[2], sizeof(parts[2]));
	for (int i = 0; i < 3; i++) {
		json_obj(w);
		json_key(w, "location");
		json_obj(w);
		json_kv_str(w, "display", parts[i]);
		json_end(w);
		json_kv_str(w, "status", active ? "active" : "completed");
		synth_fj_concept(w, "physicalType", "http://terminology.hl7.org/CodeSystem/location-physical-type",
		                 types[i], NULL, NULL);
		json_key(w, "period");
		json_obj(w);
		synth_fj_when(w, "start", from, fh, fm);
		if (to >= 0)
			synth_fj_when(w, "end", to, th, tm);
		json_end(w);
		json_end(w);
	}
}

int synth_fj_encounters(struct synth_fhir *f, const struct synth_ctx *c, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->nstay; i++) {
		const struct synth_stay *s = &pt->stay[i];
		char doc[64];
		synth_fj_doc(doc, sizeof(doc), s->doc);
		struct json_w w;
		synth_fj_begin(f, &w, "Encounter", s->visit, JP_PROFILE "JP_Encounter");
		json_key(&w, "identifier");
		json_arr(&w);
		json_obj(&w);
		json_kv_str(&w, "value", s->visit);
		json_end(&w);
		json_end(&w);
		json_kv_str(&w, "status", s->discharge ? "finished" : "in-progress");
		json_key(&w, "class");
		synth_fj_coding(&w, "http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter");
		json_key(&w, "serviceType");
		json_obj(&w);
		json_kv_str(&w, "text", synth_depts[s->dept].name);
		json_end(&w);
		synth_fj_subject(&w, "subject", pt);
		json_key(&w, "participant");
		json_arr(&w);
		json_obj(&w);
		json_key(&w, "individual");
		json_obj(&w);
		json_kv_str(&w, "display", doc);
		json_end(&w);
		json_end(&w);
		json_end(&w);
		json_key(&w, "period");
		json_obj(&w);
		synth_fj_when(&w, "start", s->admit, s->admit_hh, s->admit_mm);
		if (s->discharge)
			synth_fj_when(&w, "end", s->discharge, s->dis_hh, s->dis_mm);
		json_end(&w);
		json_key(&w, "location");
		json_arr(&w);
		if (s->transferred)
			location(&w, c, &s->first, s->admit, s->admit_hh, s->admit_mm, s->transfer, s->tr_hh, s->tr_mm,
			         0);
		if (s->transferred)
			location(&w, c, &s->bed, s->transfer, s->tr_hh, s->tr_mm, s->discharge ? s->discharge : -1,
			         s->dis_hh, s->dis_mm, !s->discharge);
		else
			location(&w, c, &s->bed, s->admit, s->admit_hh, s->admit_mm, s->discharge ? s->discharge : -1,
			         s->dis_hh, s->dis_mm, !s->discharge);
		json_end(&w);
		json_end(&w);
		int rc = synth_fj_put(f, F_ENC, &w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int synth_fj_observations(struct synth_fhir *f, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->nlab; i++) {
		const struct synth_labset *ls = &pt->lab[i];
		for (int k = 0; k < ls->n; k++) {
			const struct synth_lab *lab = ls->item[k].lab;
			char id[48];
			snprintf(id, sizeof(id), "%s-%d", ls->no, k + 1);
			struct json_w w;
			synth_fj_begin(f, &w, "Observation", id, JP_PROFILE "JP_Observation_LabResult");
			json_key(&w, "identifier");
			json_arr(&w);
			json_obj(&w);
			json_kv_str(&w, "system", "urn:lifeboat:lab-order");
			json_kv_str(&w, "value", ls->no);
			json_end(&w);
			json_end(&w);
			json_kv_str(&w, "status", "final");
			json_key(&w, "category");
			json_arr(&w);
			json_obj(&w);
			json_key(&w, "coding");
			json_arr(&w);
			synth_fj_coding(&w, "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory",
			                NULL);
			json_end(&w);
			json_end(&w);
			json_end(&w);
			synth_fj_concept(&w, "code", "urn:oid:1.2.392.200119.4.504", lab->code, lab->name, lab->name);
			synth_fj_subject(&w, "subject", pt);
			synth_fj_when(&w, "effectiveDateTime", ls->day, ls->hh, ls->mm);
			json_key(&w, "valueQuantity");
			json_obj(&w);
			json_key(&w, "value");
			json_double(&w, strtod(ls->item[k].value, NULL));
			if (lab->unit[0])
				json_kv_str(&w, "unit", lab->unit);
			json_end(&w);
			if (ls->item[k].flag) {
				json_key(&w, "interpretation");
				json_arr(&w);
				json_obj(&w);
				json_key(&w, "coding");
				json_arr(&w);
				synth_fj_coding(&w,
				                "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
				                ls->item[k].flag, NULL);
				json_end(&w);
				json_end(&w);
				json_end(&w);
			}
			json_key(&w, "referenceRange");
			json_arr(&w);
			json_obj(&w);
			json_kv_str(&w, "text", ls->item[k].range);
			json_end(&w);
			json_end(&w);
			json_end(&w);
			int rc = synth_fj_put(f, F_OBS, &w);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}
