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
#include "synth_fhir_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			rc = lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", f->path[i]);
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
			rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", f->path[i]);
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

int synth_fj_put(struct synth_fhir *f, int file, struct json_w *w)
{
	if (json_finish(w) < 0)
		return lb_error_tr(LB_EINTERNAL, "synthetic FHIR resource is not valid JSON",
		                   "合成した FHIR リソースが正しい JSON ではありません");
	buf_addch(&f->line, '\n');
	if (fwrite(f->line.data, 1, f->line.len, f->f[file]) != f->line.len)
		return lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", f->path[file]);
	f->count++;
	f->bytes += f->line.len;
	return 0;
}

void synth_fj_begin(struct synth_fhir *f, struct json_w *w, const char *type, const char *id, const char *profile)
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

void synth_fj_coding(struct json_w *w, const char *system, const char *code, const char *display)
{
	json_obj(w);
	if (system)
		json_kv_str(w, "system", system);
	json_kv_str(w, "code", code);
	if (display)
		json_kv_str(w, "display", display);
	json_end(w);
}

void synth_fj_concept(struct json_w *w, const char *key, const char *system, const char *code, const char *display,
                      const char *text)
{
	json_key(w, key);
	json_obj(w);
	json_key(w, "coding");
	json_arr(w);
	synth_fj_coding(w, system, code, display);
	json_end(w);
	if (text)
		json_kv_str(w, "text", text);
	json_end(w);
}

void synth_fj_text(struct json_w *w, const char *key, const char *text)
{
	json_key(w, key);
	json_obj(w);
	json_kv_str(w, "text", text);
	json_end(w);
}

void synth_fj_subject(struct json_w *w, const char *key, const struct synth_patient *pt)
{
	char ref[32];
	snprintf(ref, sizeof(ref), "Patient/%s", pt->id);
	json_key(w, key);
	json_obj(w);
	json_kv_str(w, "reference", ref);
	json_end(w);
}

void synth_fj_when_s(struct json_w *w, const char *key, int64_t day, int hh, int mm, int ss)
{
	struct buf b = {0};
	synth_fmt_date(&b, day, 1);
	if (hh >= 0)
		buf_addf(&b, "T%02d:%02d:%02d+09:00", hh, mm, ss);
	json_kv_str(w, key, b.data);
	buf_release(&b);
}

void synth_fj_when(struct json_w *w, const char *key, int64_t day, int hh, int mm)
{
	synth_fj_when_s(w, key, day, hh, mm, 0);
}

void synth_fj_ext(struct json_w *w, const char *name, const char *value)
{
	json_obj(w);
	struct buf u = {0};
	buf_addf(&u, "%s%s", LB_FHIR_EXT, name);
	json_kv_str(w, "url", u.data);
	json_kv_str(w, "valueString", value);
	json_end(w);
	buf_release(&u);
}

void synth_fj_doc(char *out, size_t n, const struct synth_doctor *d)
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
	synth_fj_begin(f, &w, "Patient", pt->id, JP_PROFILE "JP_Patient");
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
	synth_fj_ext(&w, "blood-abo", p->blood_abo);
	synth_fj_ext(&w, "blood-rh", p->blood_rh);
	json_end(&w);
	json_end(&w);
	return synth_fj_put(f, F_PATIENT, &w);
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
		synth_fj_begin(f, &w, "AllergyIntolerance", id, JP_PROFILE "JP_AllergyIntolerance");
		synth_fj_concept(&w, "clinicalStatus",
		                 "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", NULL,
		                 NULL);
		synth_fj_concept(&w, "verificationStatus",
		                 "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed",
		                 NULL, NULL);
		json_key(&w, "category");
		json_arr(&w);
		json_str(&w, a->a->kind == EHR_ALLERGY_DRUG   ? "medication"
		             : a->a->kind == EHR_ALLERGY_FOOD ? "food"
		                                              : "environment");
		json_end(&w);
		json_kv_str(&w, "criticality", !strcmp(a->severity, "severe") ? "high" : "low");
		struct buf sys = {0};
		buf_addf(&sys, "urn:lifeboat:allergen:%s", a->a->system);
		synth_fj_concept(&w, "code", sys.data, a->a->code, a->a->name, a->a->name);
		buf_release(&sys);
		synth_fj_subject(&w, "patient", pt);
		synth_fj_when(&w, "recordedDate", a->recorded, -1, 0);
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
		int rc = synth_fj_put(f, F_ALLERGY, &w);
		if (rc < 0)
			return rc;
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
		synth_fj_begin(f, &w, "Condition", id, JP_PROFILE "JP_Condition");
		if (g->main) {
			json_key(&w, "extension");
			json_arr(&w);
			json_obj(&w);
			json_kv_str(&w, "url", LB_FHIR_EXT "main-diagnosis");
			json_kv_bool(&w, "valueBoolean", 1);
			json_end(&w);
			json_end(&w);
		}
		synth_fj_concept(&w, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/condition-clinical",
		                 g->end ? "resolved" : "active", NULL, NULL);
		json_key(&w, "code");
		json_obj(&w);
		json_key(&w, "coding");
		json_arr(&w);
		synth_fj_coding(&w, "http://hl7.org/fhir/sid/icd-10", g->dx->icd10, g->dx->name);
		synth_fj_coding(&w, "http://medis.or.jp/CodeSystem/master-disease-keyNumber", g->dx->medis,
		                g->dx->name);
		json_end(&w);
		json_kv_str(&w, "text", g->dx->name);
		json_end(&w);
		synth_fj_subject(&w, "subject", pt);
		synth_fj_when(&w, "onsetDateTime", g->start, -1, 0);
		if (g->end)
			synth_fj_when(&w, "abatementDateTime", g->end, -1, 0);
		synth_fj_when(&w, "recordedDate", g->start, -1, 0);
		json_end(&w);
		int rc = synth_fj_put(f, F_COND, &w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int appointments(struct synth_fhir *f, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->nappt; i++) {
		const struct synth_appt *a = &pt->appt[i];
		char doc[64], pname[200];
		synth_fj_doc(doc, sizeof(doc), a->doc);
		snprintf(pname, sizeof(pname), "%s %s", pt->p.family, pt->p.given);
		struct json_w w;
		synth_fj_begin(f, &w, "Appointment", a->id, NULL);
		json_kv_str(&w, "status", a->status);
		json_key(&w, "serviceCategory");
		json_arr(&w);
		json_obj(&w);
		json_kv_str(&w, "text", synth_depts[a->dept].name);
		json_end(&w);
		json_end(&w);
		synth_fj_text(&w, "appointmentType", a->kind);
		synth_fj_when(&w, "start", a->day, a->hh, a->mm);
		synth_fj_when(&w, "end", a->day, a->hh + (a->mm + 15) / 60, (a->mm + 15) % 60);
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
		int rc = synth_fj_put(f, F_APPT, &w);
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
		rc = synth_fj_medications(f, c, pt);
	if (rc == 0)
		rc = conditions(f, pt);
	if (rc == 0)
		rc = synth_fj_encounters(f, c, pt);
	if (rc == 0)
		rc = synth_fj_observations(f, pt);
	if (rc == 0)
		rc = appointments(f, pt);
	return rc;
}
