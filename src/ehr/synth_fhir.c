/*
 * synth_fhir.c - the synthetic hospital as FHIR R4 NDJSON, shaped after JP Core: fhir/Patient.ndjson,
 * AllergyIntolerance, MedicationRequest, Condition, Encounter, Observation and Appointment, one resource a line.
 *
 * The same patients and the same facts as the SS-MIX2 tree. Patient.name carries the kanji and the kana form,
 * told apart by the iso21090-EN-representation extension (IDE, SYL) as JP_HumanName asks; the identifier system
 * is JP Core's patient-ID OID with a made-up facility code. Encounter locations carry physicalType wa/ro/bd
 * (ward, room, bed). What JP Core has no element for (the ordering department, the main diagnosis flag) is in
 * extensions under LB_FHIR_EXT, described in docs/feeds.md.
 */
#include "synth_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct synth_fhir *synth_fhir_open(const char *out_dir)
{
	struct synth_fhir *f = lb_calloc(1, sizeof(*f));
	struct buf dir = {0};
	lb_path_join(&dir, out_dir, "fhir");
	int rc = lb_mkdirs(dir.data, 0755);
	for (int i = 0; rc == 0 && i < F_COUNT; i++) {
		struct buf p = {0};
		buf_addf(&p, "%s/%s.ndjson", dir.data, fhir_files[i]);
		f->path[i] = buf_detach(&p, NULL);
		f->f[i] = fopen(f->path[i], "wbx");
		if (!f->f[i])
			rc = lb_error_errno(errno, "cannot create '%s'", f->path[i]);
	}
	buf_release(&dir);
	if (rc < 0) {
		f->err = 1;
		synth_fhir_close(f, NULL);
		return NULL;
	}
	return f;
}

int synth_fhir_close(struct synth_fhir *f, struct ehr_synth_stats *st)
{
	int rc = 0;
	for (int i = 0; i < F_COUNT; i++) {
		if (f->f[i] && fclose(f->f[i]) != 0 && rc == 0)
			rc = lb_error_errno(errno, "cannot write '%s'", f->path[i]);
		free(f->path[i]);
	}
	if (st) {
		st->fhir_resources = f->count;
		st->bytes += f->bytes;
	}
	buf_release(&f->line);
	free(f);
	return rc;
}

static int put(struct synth_fhir *f, int file, struct json_w *w)
{
	if (json_finish(w) < 0)
		return lb_error(LB_EINTERNAL, "synthetic FHIR resource is not valid JSON");
	buf_addch(&f->line, '\n');
	if (fwrite(f->line.data, 1, f->line.len, f->f[file]) != f->line.len)
		return lb_error_errno(errno, "cannot write '%s'", f->path[file]);
	f->count++;
	f->bytes += f->line.len;
	return 0;
}

static void begin(struct synth_fhir *f, struct json_w *w, const char *type, const char *id, const char *profile)
{
	buf_reset(&f->line);
	memset(w, 0, sizeof(*w));
	w->out = &f->line;
	json_obj(w);
	json_kv_str(w, "resourceType", type);
	json_kv_str(w, "id", id);
	if (profile) {
		json_key(w, "meta");
		json_obj(w);
		json_key(w, "profile");
		json_arr(w);
		json_str(w, profile);
		json_end(w);
		json_end(w);
	}
}

static void coding(struct json_w *w, const char *system, const char *code, const char *display)
{
	json_obj(w);
	if (system)
		json_kv_str(w, "system", system);
	json_kv_str(w, "code", code);
	if (display)
		json_kv_str(w, "display", display);
	json_end(w);
}

static void concept(struct json_w *w, const char *key, const char *system, const char *code, const char *display,
                    const char *text)
{
	json_key(w, key);
	json_obj(w);
	json_key(w, "coding");
	json_arr(w);
	coding(w, system, code, display);
	json_end(w);
	if (text)
		json_kv_str(w, "text", text);
	json_end(w);
}

static void text_concept(struct json_w *w, const char *key, const char *text)
{
	json_key(w, key);
	json_obj(w);
	json_kv_str(w, "text", text);
	json_end(w);
}

static void subject(struct json_w *w, const char *key, const struct synth_patient *pt)
{
	char ref[32];
	snprintf(ref, sizeof(ref), "Patient/%s", pt->id);
	json_key(w, key);
	json_obj(w);
	json_kv_str(w, "reference", ref);
	json_end(w);
}

static void when_s(struct json_w *w, const char *key, int64_t day, int hh, int mm, int ss)
{
	struct buf b = {0};
	synth_fmt_date(&b, day, 1);
	if (hh >= 0)
		buf_addf(&b, "T%02d:%02d:%02d+09:00", hh, mm, ss);
	json_kv_str(w, key, b.data);
	buf_release(&b);
}

static void when(struct json_w *w, const char *key, int64_t day, int hh, int mm)
{
	when_s(w, key, day, hh, mm, 0);
}

static void ext_str(struct json_w *w, const char *name, const char *value)
{
	json_obj(w);
	struct buf u = {0};
	buf_addf(&u, "%s%s", LB_FHIR_EXT, name);
	json_kv_str(w, "url", u.data);
	json_kv_str(w, "valueString", value);
	json_end(w);
	buf_release(&u);
}

static void doc_name(char *out, size_t n, const struct synth_doctor *d)
{
	snprintf(out, n, "%s %s", d->family, d->given);
}

static void human_name(struct json_w *w, const char *rep, const char *fam, const char *giv)
{
	char text[200];
	snprintf(text, sizeof(text), "%s %s", fam, giv);
	json_obj(w);
	json_key(w, "extension");
	json_arr(w);
	json_obj(w);
	json_kv_str(w, "url", "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation");
	json_kv_str(w, "valueCode", rep);
	json_end(w);
	json_end(w);
	json_kv_str(w, "use", "official");
	json_kv_str(w, "text", text);
	json_kv_str(w, "family", fam);
	json_key(w, "given");
	json_arr(w);
	json_str(w, giv);
	json_end(w);
	json_end(w);
}

static int patient(struct synth_fhir *f, const struct synth_patient *pt)
{
	const struct synth_person *p = &pt->p;
	struct json_w w;
	begin(f, &w, "Patient", pt->id, JP_PROFILE "JP_Patient");
	json_key(&w, "identifier");
	json_arr(&w);
	json_obj(&w);
	json_kv_str(&w, "system", PATIENT_ID_SYSTEM);
	json_kv_str(&w, "value", pt->id);
	json_end(&w);
	json_end(&w);
	json_key(&w, "name");
	json_arr(&w);
	human_name(&w, "IDE", p->family, p->given);
	human_name(&w, "SYL", p->family_kana, p->given_kana);
	json_end(&w);
	json_key(&w, "telecom");
	json_arr(&w);
	if (p->phone_home[0]) {
		json_obj(&w);
		json_kv_str(&w, "system", "phone");
		json_kv_str(&w, "value", p->phone_home);
		json_kv_str(&w, "use", "home");
		json_end(&w);
	}
	if (p->phone_mobile[0]) {
		json_obj(&w);
		json_kv_str(&w, "system", "phone");
		json_kv_str(&w, "value", p->phone_mobile);
		json_kv_str(&w, "use", "mobile");
		json_end(&w);
	}
	json_end(&w);
	json_kv_str(&w, "gender", p->sex == 'M' ? "male" : "female");
	char bd[16];
	snprintf(bd, sizeof(bd), "%04d-%02d-%02d", p->by, p->bm, p->bd);
	json_kv_str(&w, "birthDate", bd);
	json_key(&w, "address");
	json_arr(&w);
	json_obj(&w);
	json_kv_str(&w, "use", "home");
	json_kv_str(&w, "text", p->address);
	json_kv_str(&w, "postalCode", p->postal);
	json_kv_str(&w, "state", p->prefecture);
	json_kv_str(&w, "country", "JP");
	json_end(&w);
	json_end(&w);
	json_key(&w, "extension");
	json_arr(&w);
	ext_str(&w, "blood-abo", p->blood_abo);
	ext_str(&w, "blood-rh", p->blood_rh);
	json_end(&w);
	json_end(&w);
	return put(f, F_PATIENT, &w);
}

static int allergies(struct synth_fhir *f, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->nallergy; i++) {
		const struct synth_allergy *a = &pt->allergy[i];
		char id[48], reaction[96];
		snprintf(id, sizeof(id), "%s-AL%d", pt->id, i + 1);
		snprintf(reaction, sizeof(reaction), "%s%s", a->reaction,
		         pt->allergy_quirk && i == 0 ? "～掻痒感" : "");
		struct json_w w;
		begin(f, &w, "AllergyIntolerance", id, JP_PROFILE "JP_AllergyIntolerance");
		concept(&w, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
		        "active", NULL, NULL);
		concept(&w, "verificationStatus",
		        "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", NULL,
		        NULL);
		json_key(&w, "category");
		json_arr(&w);
		json_str(&w, a->a->kind == EHR_ALLERGY_DRUG   ? "medication"
		             : a->a->kind == EHR_ALLERGY_FOOD ? "food"
		                                              : "environment");
		json_end(&w);
		json_kv_str(&w, "criticality", !strcmp(a->severity, "severe") ? "high" : "low");
		struct buf sys = {0};
		buf_addf(&sys, "urn:lifeboat:allergen:%s", a->a->system);
		concept(&w, "code", sys.data, a->a->code, a->a->name, a->a->name);
		buf_release(&sys);
		subject(&w, "patient", pt);
		when(&w, "recordedDate", a->recorded, -1, 0);
		json_key(&w, "reaction");
		json_arr(&w);
		json_obj(&w);
		json_key(&w, "manifestation");
		json_arr(&w);
		json_obj(&w);
		json_kv_str(&w, "text", reaction);
		json_end(&w);
		json_end(&w);
		json_kv_str(&w, "severity", a->severity);
		json_end(&w);
		json_end(&w);
		json_end(&w);
		int rc = put(f, F_ALLERGY, &w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int medications(struct synth_fhir *f, const struct synth_ctx *c, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->norder; i++) {
		const struct synth_order *o = &pt->order[i];
		for (int k = 0; k < o->nrp; k++) {
			const struct synth_rp *rp = &o->rp[k];
			const struct synth_drug *d = rp->drug;
			char id[48], doc[64], freq[96];
			snprintf(id, sizeof(id), "%s-%d", o->no, k + 1);
			doc_name(doc, sizeof(doc), o->doc);
			snprintf(freq, sizeof(freq), "%s%s", rp->quirk ? "①" : "", d->freq);
			struct json_w w;
			begin(f, &w, "MedicationRequest", id,
			      o->injection ? JP_PROFILE "JP_MedicationRequest_Injection"
			                   : JP_PROFILE "JP_MedicationRequest");
			json_key(&w, "extension");
			json_arr(&w);
			ext_str(&w, "department", synth_depts[o->dept].name);
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
			coding(&w, "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
			       o->inpatient ? "inpatient" : "outpatient", NULL);
			json_end(&w);
			json_end(&w);
			json_end(&w);
			concept(&w, "medicationCodeableConcept", "urn:oid:1.2.392.200119.4.403.1", d->code, d->name,
			        d->name);
			subject(&w, "subject", pt);
			when_s(&w, "authoredOn", o->day, o->hh, o->mm, o->ss);
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
			coding(&w, "http://terminology.hl7.org/CodeSystem/v2-0162", d->route_code, NULL);
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
			when(&w, "start", o->day, -1, 0);
			if (rp->days)
				when(&w, "end", end, -1, 0);
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
			int rc = put(f, F_MED, &w);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int conditions(struct synth_fhir *f, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->ndx; i++) {
		const struct synth_diag *g = &pt->dx[i];
		char id[48];
		snprintf(id, sizeof(id), "%s-DX%d", pt->id, i + 1);
		struct json_w w;
		begin(f, &w, "Condition", id, JP_PROFILE "JP_Condition");
		if (g->main) {
			json_key(&w, "extension");
			json_arr(&w);
			json_obj(&w);
			json_kv_str(&w, "url", LB_FHIR_EXT "main-diagnosis");
			json_kv_bool(&w, "valueBoolean", 1);
			json_end(&w);
			json_end(&w);
		}
		concept(&w, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/condition-clinical",
		        g->end ? "resolved" : "active", NULL, NULL);
		json_key(&w, "code");
		json_obj(&w);
		json_key(&w, "coding");
		json_arr(&w);
		coding(&w, "http://hl7.org/fhir/sid/icd-10", g->dx->icd10, g->dx->name);
		coding(&w, "http://medis.or.jp/CodeSystem/master-disease-keyNumber", g->dx->medis, g->dx->name);
		json_end(&w);
		json_kv_str(&w, "text", g->dx->name);
		json_end(&w);
		subject(&w, "subject", pt);
		when(&w, "onsetDateTime", g->start, -1, 0);
		if (g->end)
			when(&w, "abatementDateTime", g->end, -1, 0);
		when(&w, "recordedDate", g->start, -1, 0);
		json_end(&w);
		int rc = put(f, F_COND, &w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void location(struct json_w *w, const struct synth_ctx *c, const struct synth_bed *bd, int64_t from, int fh,
                     int fm, int64_t to, int th, int tm, int active)
{
	static const char *const types[] = {"wa", "ro", "bd"};
	char parts[3][16];
	synth_ward_bed(c, bd, parts[0], 16, parts[1], 16, parts[2], 16);
	for (int i = 0; i < 3; i++) {
		json_obj(w);
		json_key(w, "location");
		json_obj(w);
		json_kv_str(w, "display", parts[i]);
		json_end(w);
		json_kv_str(w, "status", active ? "active" : "completed");
		concept(w, "physicalType", "http://terminology.hl7.org/CodeSystem/location-physical-type", types[i],
		        NULL, NULL);
		json_key(w, "period");
		json_obj(w);
		when(w, "start", from, fh, fm);
		if (to >= 0)
			when(w, "end", to, th, tm);
		json_end(w);
		json_end(w);
	}
}

static int encounters(struct synth_fhir *f, const struct synth_ctx *c, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->nstay; i++) {
		const struct synth_stay *s = &pt->stay[i];
		char doc[64];
		doc_name(doc, sizeof(doc), s->doc);
		struct json_w w;
		begin(f, &w, "Encounter", s->visit, JP_PROFILE "JP_Encounter");
		json_key(&w, "identifier");
		json_arr(&w);
		json_obj(&w);
		json_kv_str(&w, "value", s->visit);
		json_end(&w);
		json_end(&w);
		json_kv_str(&w, "status", s->discharge ? "finished" : "in-progress");
		json_key(&w, "class");
		coding(&w, "http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter");
		json_key(&w, "serviceType");
		json_obj(&w);
		json_kv_str(&w, "text", synth_depts[s->dept].name);
		json_end(&w);
		subject(&w, "subject", pt);
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
		when(&w, "start", s->admit, s->admit_hh, s->admit_mm);
		if (s->discharge)
			when(&w, "end", s->discharge, s->dis_hh, s->dis_mm);
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
		int rc = put(f, F_ENC, &w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int observations(struct synth_fhir *f, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->nlab; i++) {
		const struct synth_labset *ls = &pt->lab[i];
		for (int k = 0; k < ls->n; k++) {
			const struct synth_lab *lab = ls->item[k].lab;
			char id[48];
			snprintf(id, sizeof(id), "%s-%d", ls->no, k + 1);
			struct json_w w;
			begin(f, &w, "Observation", id, JP_PROFILE "JP_Observation_LabResult");
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
			coding(&w, "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", NULL);
			json_end(&w);
			json_end(&w);
			json_end(&w);
			concept(&w, "code", "urn:oid:1.2.392.200119.4.504", lab->code, lab->name, lab->name);
			subject(&w, "subject", pt);
			when(&w, "effectiveDateTime", ls->day, ls->hh, ls->mm);
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
				coding(&w, "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
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
			int rc = put(f, F_OBS, &w);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int appointments(struct synth_fhir *f, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->nappt; i++) {
		const struct synth_appt *a = &pt->appt[i];
		char doc[64], pname[200];
		doc_name(doc, sizeof(doc), a->doc);
		snprintf(pname, sizeof(pname), "%s %s", pt->p.family, pt->p.given);
		struct json_w w;
		begin(f, &w, "Appointment", a->id, NULL);
		json_kv_str(&w, "status", a->status);
		json_key(&w, "serviceCategory");
		json_arr(&w);
		json_obj(&w);
		json_kv_str(&w, "text", synth_depts[a->dept].name);
		json_end(&w);
		json_end(&w);
		text_concept(&w, "appointmentType", a->kind);
		when(&w, "start", a->day, a->hh, a->mm);
		when(&w, "end", a->day, a->hh + (a->mm + 15) / 60, (a->mm + 15) % 60);
		if (a->note)
			json_kv_str(&w, "comment", a->note);
		json_key(&w, "participant");
		json_arr(&w);
		json_obj(&w);
		json_key(&w, "actor");
		json_obj(&w);
		char ref[32];
		snprintf(ref, sizeof(ref), "Patient/%s", pt->id);
		json_kv_str(&w, "reference", ref);
		json_kv_str(&w, "display", pname);
		json_end(&w);
		json_kv_str(&w, "status", "accepted");
		json_end(&w);
		json_obj(&w);
		json_key(&w, "actor");
		json_obj(&w);
		json_kv_str(&w, "display", doc);
		json_end(&w);
		json_kv_str(&w, "status", "accepted");
		json_end(&w);
		json_end(&w);
		json_end(&w);
		int rc = put(f, F_APPT, &w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int synth_fhir_patient(struct synth_fhir *f, const struct synth_ctx *c, const struct synth_patient *pt)
{
	int rc = patient(f, pt);
	if (rc == 0)
		rc = allergies(f, pt);
	if (rc == 0)
		rc = medications(f, c, pt);
	if (rc == 0)
		rc = conditions(f, pt);
	if (rc == 0)
		rc = encounters(f, c, pt);
	if (rc == 0)
		rc = observations(f, pt);
	if (rc == 0)
		rc = appointments(f, pt);
	return rc;
}
