/*
 * fhir_res.c - one FHIR resource to ehr records: the mappers of Patient, AllergyIntolerance, MedicationRequest,
 * Condition, Encounter, Observation and Appointment (JP Core shapes; docs/feeds.md lists the elements read).
 */
#include "fhir_int.h"

#include <stdio.h>
#include <string.h>

/* A CodeableConcept's first coding, preferring a system that contains want (may be NULL). */
json_t *fhir_coding_of(json_t *cc, const char *want)
{
	json_t *codings = json_object_get(cc, "coding");
	if (!json_is_array(codings))
		return NULL;
	size_t i;
	json_t *c;
	if (want)
		json_array_foreach(codings, i, c)
		{
			const char *sys = fhir_str(c, "system");
			if (sys && strstr(sys, want))
				return c;
		}
	return json_array_get(codings, 0);
}

const char *fhir_cc_text(json_t *cc)
{
	const char *t = fhir_str(cc, "text");
	if (t && *t)
		return t;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(cc, "coding"), i, c)
	{
		const char *d = fhir_str(c, "display");
		if (d && *d)
			return d;
	}
	c = fhir_coding_of(cc, NULL);
	return c ? fhir_str(c, "code") : NULL;
}

const char *fhir_cc_code(json_t *cc)
{
	json_t *c = fhir_coding_of(cc, NULL);
	return c ? fhir_str(c, "code") : NULL;
}

/* A short name for the code systems Japanese sources use. */
const char *fhir_system_name(const char *sys)
{
	static const struct {
		const char *oid, *name;
	} known[] = {
	        {"urn:oid:1.2.392.200119.4.403.1", "HOT9"},
	        {"urn:oid:1.2.392.200119.4.403.2", "HOT13"},
	        {"urn:oid:1.2.392.100495.20.1.73", "YJ"},
	        {"urn:oid:1.2.392.200119.4.504", "JLAC10"},
	        {"http://hl7.org/fhir/sid/icd-10", "ICD10"},
	        {"http://medis.or.jp/CodeSystem/master-disease-keyNumber", "MEDIS"},
	        {"urn:lifeboat:allergen:J-FAGY", "J-FAGY"},
	        {"urn:lifeboat:allergen:99ZAL", "99ZAL"},
	};
	if (!sys)
		return NULL;
	for (size_t i = 0; i < LB_ARRAY_LEN(known); i++)
		if (!strcmp(known[i].oid, sys))
			return known[i].name;
	return sys;
}

/* An extension of ours (FHIR_LB_EXT + name) on r: its json value, or NULL. */
json_t *fhir_lb_ext(json_t *r, const char *name, const char *value_key)
{
	json_t *exts = json_object_get(r, "extension");
	if (!json_is_array(exts))
		return NULL;
	size_t i, pl = strlen(FHIR_LB_EXT);
	json_t *e;
	json_array_foreach(exts, i, e)
	{
		const char *url = fhir_str(e, "url");
		if (url && !strncmp(url, FHIR_LB_EXT, pl) && !strcmp(url + pl, name))
			return json_object_get(e, value_key);
	}
	return NULL;
}

const char *fhir_lb_ext_str(json_t *r, const char *name)
{
	json_t *v = fhir_lb_ext(r, name, "valueString");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int fhir_need(struct fhir_ctx *f, const char *what, const void *v)
{
	if (v)
		return 1;
	fhir_warn(f, EHR_WARN_PARSE, L_("%s without %s: skipped", "%s に%sがありません: 読み飛ばしました"),
	          f->src.data_type, what);
	return 0;
}

int fhir_deliver(int rc)
{
	return rc < 0 ? rc : 1;
}

/* ---- Patient ------------------------------------------------------------------------------------------------- */

static const char *name_rep(json_t *name)
{
	json_t *exts = json_object_get(name, "extension");
	size_t i;
	json_t *e;
	json_array_foreach(exts, i, e)
	{
		const char *url = fhir_str(e, "url");
		if (url && strstr(url, "iso21090-EN-representation"))
			return fhir_str(e, "valueCode");
	}
	return NULL;
}

/* family and given of a HumanName into fam/giv (given parts joined by a space; split text when needed). */
static void name_parts(json_t *name, struct buf *fam, struct buf *giv)
{
	buf_reset(fam);
	buf_reset(giv);
	const char *family = fhir_str(name, "family");
	json_t *given = json_object_get(name, "given");
	if (family) {
		buf_adds(fam, family);
		size_t i;
		json_t *g;
		json_array_foreach(given, i, g)
		{
			if (!json_is_string(g))
				continue;
			if (giv->len)
				buf_addch(giv, ' ');
			buf_adds(giv, json_string_value(g));
		}
		return;
	}
	const char *text = fhir_str(name, "text");
	if (!text)
		return;
	const char *sp = strchr(text, ' ');
	const char *isp = strstr(text, "\xE3\x80\x80");
	if (isp && (!sp || isp < sp)) {
		buf_add(fam, text, (size_t)(isp - text));
		buf_adds(giv, isp + 3);
	} else if (sp) {
		buf_add(fam, text, (size_t)(sp - text));
		buf_adds(giv, sp + 1);
	} else {
		buf_adds(fam, text);
	}
}

int fhir_patient(struct fhir_ctx *f, json_t *r)
{
	struct ehr_patient p = {0};
	p.id = fhir_str(r, "id");
	json_t *ids = json_object_get(r, "identifier");
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		const char *sys = fhir_str(v, "system");
		if (sys && !strncmp(sys, "urn:oid:1.2.392.100495.20.3.51.", 31) && fhir_str(v, "value")) {
			p.id = fhir_str(v, "value");
			break;
		}
	}
	if (!fhir_need(f, L_("an id", "ID"), p.id))
		return 0;
	struct buf *fk = &f->t1, *gk = &f->t2, *fp = &f->t3, *gp = &f->t4;
	int have_i = 0, have_p = 0;
	buf_reset(fk);
	buf_reset(gk);
	buf_reset(fp);
	buf_reset(gp);
	json_array_foreach(json_object_get(r, "name"), i, v)
	{
		const char *rep = name_rep(v);
		struct buf fam = {0}, giv = {0};
		name_parts(v, &fam, &giv);
		int kana = rep ? !strcmp(rep, "SYL") : (fam.len && text_is_kana(fam.data, fam.len));
		int ide = rep ? !strcmp(rep, "IDE") : !kana;
		if (kana && !have_p && fam.len) {
			text_kana_fullwidth(fp, fam.data, fam.len);
			text_kana_fullwidth(gp, giv.data ? giv.data : "", giv.len);
			have_p = 1;
		} else if (ide && !have_i && fam.len) {
			buf_add(fk, fam.data, fam.len);
			buf_add(gk, giv.data ? giv.data : "", giv.len);
			have_i = 1;
		}
		buf_release(&fam);
		buf_release(&giv);
	}
	if (have_i) {
		p.family_kanji = buf_cstr(fk);
		p.given_kanji = buf_cstr(gk);
	}
	if (have_p) {
		p.family_kana = buf_cstr(fp);
		p.given_kana = buf_cstr(gp);
	}
	const char *g = fhir_str(r, "gender");
	p.sex = !g ? 'U' : !strcmp(g, "male") ? 'M' : !strcmp(g, "female") ? 'F' : !strcmp(g, "other") ? 'O' : 'U';
	p.birth_date = fhir_str(r, "birthDate");
	json_t *addr = fhir_first(r, "address");
	if (addr) {
		p.postal_code = fhir_str(addr, "postalCode");
		p.address = fhir_str(addr, "text");
		if (!p.address) {
			struct buf *a = &f->t5;
			buf_reset(a);
			const char *parts[] = {fhir_str(addr, "state"), fhir_str(addr, "city"),
			                       fhir_str(addr, "district")};
			for (size_t k = 0; k < 3; k++)
				if (parts[k])
					buf_adds(a, parts[k]);
			json_array_foreach(json_object_get(addr, "line"), i, v) if (json_is_string(v))
			        buf_adds(a, json_string_value(v));
			p.address = a->len ? a->data : NULL;
		}
	}
	json_array_foreach(json_object_get(r, "telecom"), i, v)
	{
		const char *sys = fhir_str(v, "system"), *use = fhir_str(v, "use"), *val = fhir_str(v, "value");
		if (!val || (sys && strcmp(sys, "phone")))
			continue;
		if (use && !strcmp(use, "mobile")) {
			if (!p.phone_mobile)
				p.phone_mobile = val;
		} else if (!p.phone_home) {
			p.phone_home = val;
		}
	}
	p.blood_abo = fhir_lb_ext_str(r, "blood-abo");
	p.blood_rh = fhir_lb_ext_str(r, "blood-rh");
	struct buf upd = {0};
	p.updated = fhir_time(&upd, fhir_pstr(r, "meta.lastUpdated"));
	int rc = f->sink->patient ? f->sink->patient(f->sink->ctx, &f->src, &p) : 0;
	buf_release(&upd);
	return fhir_deliver(rc);
}

/* ---- AllergyIntolerance -------------------------------------------------------------------------------------- */

int fhir_allergy(struct fhir_ctx *f, json_t *r)
{
	struct ehr_allergy a = {0};
	a.patient_id = fhir_ref_id(json_object_get(r, "patient"), "Patient");
	if (!fhir_need(f, L_("a patient reference", "患者の参照"), a.patient_id))
		return 0;
	a.id = fhir_str(r, "id");
	const char *cat = fhir_pstr(r, "category");
	a.kind = !cat                         ? EHR_ALLERGY_OTHER
	         : !strcmp(cat, "medication") ? EHR_ALLERGY_DRUG
	         : !strcmp(cat, "food")       ? EHR_ALLERGY_FOOD
	                                      : EHR_ALLERGY_OTHER;
	json_t *code = json_object_get(r, "code");
	json_t *c = fhir_coding_of(code, NULL);
	a.code = c ? fhir_str(c, "code") : NULL;
	a.code_system = c ? fhir_system_name(fhir_str(c, "system")) : NULL;
	a.name = fhir_cc_text(code);
	if (!fhir_need(f, L_("a substance", "物質"), a.name))
		return 0;
	json_t *reaction = fhir_first(r, "reaction");
	if (reaction) {
		json_t *m = fhir_first(reaction, "manifestation");
		a.reaction = m ? fhir_cc_text(m) : NULL;
		a.severity = fhir_str(reaction, "severity");
	}
	if (!a.severity) {
		const char *crit = fhir_str(r, "criticality");
		a.severity = crit && !strcmp(crit, "high") ? "severe" : NULL;
	}
	a.recorded = fhir_time(&f->t1, fhir_str(r, "recordedDate") ? fhir_str(r, "recordedDate")
	                                                           : fhir_str(r, "onsetDateTime"));
	const char *clin = fhir_cc_code(json_object_get(r, "clinicalStatus"));
	const char *ver = fhir_cc_code(json_object_get(r, "verificationStatus"));
	a.active = !(clin && strcmp(clin, "active")) &&
	           !(ver && (!strcmp(ver, "entered-in-error") || !strcmp(ver, "refuted")));
	return fhir_deliver(f->sink->allergy ? f->sink->allergy(f->sink->ctx, &f->src, &a) : 0);
}

/* ---- MedicationRequest --------------------------------------------------------------------------------------- */

/* An order whose state the EHR did not know ("unknown", or no status) counts as active: in a downtime check a
 * medicine that may be given must not be left out of the interaction and duplicate checks. */
static const char *med_status(const char *s)
{
	if (!s)
		return "active";
	if (!strcmp(s, "active") || !strcmp(s, "on-hold") || !strcmp(s, "draft") || !strcmp(s, "unknown"))
		return "active";
	if (!strcmp(s, "completed") || !strcmp(s, "ended"))
		return "completed";
	if (!strcmp(s, "cancelled") || !strcmp(s, "entered-in-error") || !strcmp(s, "stopped"))
		return "cancelled";
	return s;
}

static int is_injection(json_t *r, json_t *dosage)
{
	json_t *profiles = fhir_path(r, "meta");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(profiles, "profile"), i, p)
	{
		if (json_is_string(p) && strstr(json_string_value(p), "Injection"))
			return 1;
	}
	const char *route = fhir_cc_code(json_object_get(dosage, "route"));
	return route && (!strcmp(route, "IV") || !strcmp(route, "SC") || !strcmp(route, "IM") || !strcmp(route, "IVI"));
}

int fhir_medication(struct fhir_ctx *f, json_t *r)
{
	struct ehr_medication m = {0};
	m.patient_id = fhir_ref_id(json_object_get(r, "subject"), "Patient");
	if (!fhir_need(f, L_("a patient reference", "患者の参照"), m.patient_id))
		return 0;
	json_t *ids = json_object_get(r, "identifier");
	json_t *id0 = json_array_get(ids, 0);
	m.order_no = id0 && fhir_str(id0, "value") ? fhir_str(id0, "value") : fhir_str(r, "id");
	json_t *med = json_object_get(r, "medicationCodeableConcept");
	json_t *c = fhir_coding_of(med, "403");
	m.drug_code = c ? fhir_str(c, "code") : NULL;
	m.code_system = c ? fhir_system_name(fhir_str(c, "system")) : NULL;
	m.drug_name = med ? fhir_cc_text(med) : fhir_pstr(r, "medicationReference.display");
	if (!fhir_need(f, L_("a medicine", "薬品"), m.drug_name ? m.drug_name : m.drug_code))
		return 0;
	json_t *dosage = fhir_first(r, "dosageInstruction");
	m.kind = is_injection(r, dosage) ? EHR_ORDER_INJECTION : EHR_ORDER_RX;
	if (dosage) {
		double v;
		if (fhir_pnum(dosage, "doseAndRate.doseQuantity.value", &v) == 0 && v >= 0 && v < 1e9)
			m.dose = v;
		m.dose_unit = fhir_pstr(dosage, "doseAndRate.doseQuantity.unit");
		double freq = 0, period = 1;
		const char *pu = fhir_pstr(dosage, "timing.repeat.periodUnit");
		if (fhir_pnum(dosage, "timing.repeat.frequency", &freq) == 0 && freq > 0 && freq < 1000) {
			fhir_pnum(dosage, "timing.repeat.period", &period);
			if (period <= 0 || period > 1000)
				period = 1;
			double per_day = freq / period;
			if (pu && !strcmp(pu, "h"))
				per_day = freq * 24 / period;
			else if (pu && !strcmp(pu, "wk"))
				per_day = freq / (7 * period);
			m.per_day = per_day;
		}
		m.frequency = fhir_str(dosage, "text");
		json_t *route = json_object_get(dosage, "route");
		m.route = route ? fhir_cc_text(route) : NULL;
		if (fhir_pnum(dosage, "timing.repeat.boundsDuration.value", &v) == 0 && v > 0 && v < 100000)
			m.days = (int)v;
	}
	double days;
	if (fhir_pnum(r, "dispenseRequest.expectedSupplyDuration.value", &days) == 0 && days >= 0 && days < 100000)
		m.days = (int)days;
	m.start = fhir_time(&f->t1, fhir_pstr(r, "dispenseRequest.validityPeriod.start"));
	m.end = fhir_time(&f->t2, fhir_pstr(r, "dispenseRequest.validityPeriod.end"));
	m.ordered = fhir_time(&f->t3, fhir_str(r, "authoredOn"));
	if (!m.start && m.ordered) {
		buf_reset(&f->t4);
		buf_add(&f->t4, m.ordered, strlen(m.ordered) < 10 ? strlen(m.ordered) : 10);
		m.start = f->t4.data;
	}
	m.status = med_status(fhir_str(r, "status"));
	m.prescriber = fhir_pstr(r, "requester.display");
	m.department = fhir_lb_ext_str(r, "department");
	return fhir_deliver(f->sink->medication ? f->sink->medication(f->sink->ctx, &f->src, &m) : 0);
}

/* ---- Condition ----------------------------------------------------------------------------------------------- */

int fhir_condition(struct fhir_ctx *f, json_t *r)
{
	struct ehr_diagnosis d = {0};
	d.patient_id = fhir_ref_id(json_object_get(r, "subject"), "Patient");
	if (!fhir_need(f, L_("a patient reference", "患者の参照"), d.patient_id))
		return 0;
	d.id = fhir_str(r, "id");
	json_t *code = json_object_get(r, "code");
	json_t *c = fhir_coding_of(code, "icd-10");
	d.code = c ? fhir_str(c, "code") : NULL;
	d.code_system = c ? fhir_system_name(fhir_str(c, "system")) : NULL;
	d.name = fhir_cc_text(code);
	if (!fhir_need(f, L_("a code or name", "コードか名称"), d.name))
		return 0;
	d.start = fhir_time(&f->t1, fhir_str(r, "onsetDateTime") ? fhir_str(r, "onsetDateTime")
	                                                         : fhir_pstr(r, "onsetPeriod.start"));
	if (!d.start)
		d.start = fhir_time(&f->t1, fhir_str(r, "recordedDate"));
	d.end = fhir_time(&f->t2, fhir_str(r, "abatementDateTime") ? fhir_str(r, "abatementDateTime")
	                                                           : fhir_pstr(r, "abatementPeriod.end"));
	const char *clin = fhir_cc_code(json_object_get(r, "clinicalStatus"));
	const char *ver = fhir_cc_code(json_object_get(r, "verificationStatus"));
	d.active = clin ? (!strcmp(clin, "active") || !strcmp(clin, "recurrence") || !strcmp(clin, "relapse")) : !d.end;
	if (ver && (!strcmp(ver, "entered-in-error") || !strcmp(ver, "refuted")))
		d.active = 0;
	json_t *main = fhir_lb_ext(r, "main-diagnosis", "valueBoolean");
	d.main = json_is_true(main);
	return fhir_deliver(f->sink->diagnosis ? f->sink->diagnosis(f->sink->ctx, &f->src, &d) : 0);
}
