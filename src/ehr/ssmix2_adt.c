/*
 * ssmix2_adt.c - the ADT handlers of SS-MIX2 storage: demographics ADT-00 (ADT^A08: PID names kanji ^L^I and kana
 * ^L^P, birth, sex, address, phones; OBX blood group; OBX body weight and height as results; AL1 allergies),
 * allergies ADT-61 (ADT^A60, IAM), and the admission / transfer / discharge events ADT-22/42/52 with their cancels
 * (A11/A12/A13; PV1-3 ward^room^bed; OBX body weight and height as results).
 */
#include "ssmix2_int.h"

#include <string.h>

static char sex_of(const char *s)
{
	if (!s)
		return 'U';
	switch (s[0]) {
	case 'M':
	case 'F':
		return s[0];
	case 'O':
	case 'A':
		return 'O';
	default:
		return 'U';
	}
}

static const char *severity_of(const char *s)
{
	if (!s)
		return NULL;
	if (!strcmp(s, "SV"))
		return "severe";
	if (!strcmp(s, "MO"))
		return "moderate";
	if (!strcmp(s, "MI"))
		return "mild";
	return NULL;
}

static enum ehr_allergy_kind allergy_kind_of(const char *s)
{
	if (s && !strcmp(s, "DA"))
		return EHR_ALLERGY_DRUG;
	if (s && !strcmp(s, "FA"))
		return EHR_ALLERGY_FOOD;
	return EHR_ALLERGY_OTHER;
}

/* AL1 (in ADT-00) and IAM (ADT-61) share fields 1-5; IAM adds the action code (6) and onset (11/12). */
int ssmix2_emit_allergies(struct ssmix2_mctx *c, const char *segid)
{
	if (!c->sink->allergy)
		return 0;
	for (long s = hl7_find(&c->msg, segid, 0); s >= 0; s = hl7_find(&c->msg, segid, (size_t)s + 1)) {
		ssmix2_pool_reset(c);
		struct ehr_allergy a = {.patient_id = c->nm->patient, .active = 1};
		a.id = ssmix2_val(c, s, 1, 0, 0, 0);
		a.kind = allergy_kind_of(ssmix2_val(c, s, 2, 0, 1, 0));
		a.code = ssmix2_val(c, s, 3, 0, 1, 0);
		a.name = ssmix2_val(c, s, 3, 0, 2, 0);
		a.code_system = ssmix2_val(c, s, 3, 0, 3, 0);
		if (!a.name)
			a.name = a.code;
		const char *sev = ssmix2_val(c, s, 4, 0, 1, 0);
		a.severity = severity_of(sev);
		a.reaction = ssmix2_val(c, s, 5, 0, 0, 0);
		if (!strcmp(segid, "IAM")) {
			const char *action = ssmix2_val(c, s, 6, 0, 1, 0);
			if (action && !strcmp(action, "D"))
				a.active = 0;
			if (ssmix2_val(c, s, 7, 0, 1, 0))
				a.id = c->pool[c->used - 1].data;
			a.recorded = ssmix2_ts_val(c, s, 11, 0, 1, 0);
			if (!a.recorded)
				a.recorded = ssmix2_val(c, s, 12, 0, 0, 0);
		} else {
			a.recorded = ssmix2_ts_val(c, s, 6, 0, 1, 0);
		}
		if (!a.name) {
			ssmix2_warnf(c, EHR_WARN_PARSE,
			             L_("%s segment without an allergen", "%s セグメントにアレルゲンがありません"),
			             segid);
			continue;
		}
		int rc = c->sink->allergy(c->sink->ctx, c->src, &a);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* 1 when an OBX-3 (code, name) is a body weight or height as JAHIS's 患者基本情報 sends it. */
static int body_obx(const char *code, const char *name)
{
	static const char *const codes[] = {"29463-7", "3141-9", "8302-2", "8308-9"};
	static const char *const names[] = {"体重", "身長", "Body weight", "body weight", "Body height", "Height"};
	if (code && (!strncmp(code, "9N006", 5) || !strncmp(code, "9N001", 5)))
		return 1;
	for (size_t i = 0; code && i < LB_ARRAY_LEN(codes); i++)
		if (!strcmp(code, codes[i]))
			return 1;
	for (size_t i = 0; name && i < LB_ARRAY_LEN(names); i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

int ssmix2_emit_body_obx(struct ssmix2_mctx *c)
{
	if (!c->sink->result)
		return 0;
	long evn = hl7_find(&c->msg, "EVN", 0), msh = hl7_find(&c->msg, "MSH", 0);
	for (long o = hl7_find(&c->msg, "OBX", 0); o >= 0; o = hl7_find(&c->msg, "OBX", (size_t)o + 1)) {
		ssmix2_pool_reset(c);
		struct ehr_result r = {.patient_id = c->nm->patient};
		r.code = ssmix2_val(c, o, 3, 0, 1, 0);
		r.name = ssmix2_val(c, o, 3, 0, 2, 0);
		if (!body_obx(r.code, r.name))
			continue; /* blood group (read into the patient), anything else: not a result here */
		r.code_system = ssmix2_val(c, o, 3, 0, 3, 0);
		r.value = ssmix2_val(c, o, 5, 0, 0, 0);
		r.unit = ssmix2_val(c, o, 6, 0, 1, 0);
		r.status = ssmix2_result_status(ssmix2_val(c, o, 11, 0, 1, 0));
		r.time = ssmix2_ts_val(c, o, 14, 0, 1, 0);
		if (!r.time)
			r.time = ssmix2_ts_val(c, evn, 2, 0, 1, 0);
		if (!r.time)
			r.time = ssmix2_ts_val(c, msh, 7, 0, 1, 0);
		if (!r.value) {
			ssmix2_warnf(c, EHR_WARN_PARSE, L_("OBX %s without a value", "OBX %s に値がありません"),
			             r.name ? r.name : r.code);
			continue;
		}
		int rc = c->sink->result(c->sink->ctx, c->src, &r);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int ssmix2_handle_adt00(struct ssmix2_mctx *c, const char *trigger)
{
	long pid = hl7_find(&c->msg, "PID", 0);
	ssmix2_check_pid(c, pid);
	if (trigger && !strcmp(trigger, "A23"))
		return 0; /* demographics deleted: no patient record from this version */
	if (pid < 0)
		c->st->broken = 1; /* demographics without a PID: not a version that replaces the last good one */
	if (pid >= 0 && c->sink->patient) {
		ssmix2_pool_reset(c);
		struct ehr_patient p = {.id = c->nm->patient};
		/* The pool holds only values that are kept: candidates are looked at in c->tmp first, so that a PID
		 * with a hundred repetitions cannot crowd out the birth date. */
		p.updated = ssmix2_ts_val(c, hl7_find(&c->msg, "MSH", 0), 7, 0, 1, 0);
		p.birth_date = ssmix2_ts_val(c, pid, 7, 0, 1, 0);
		/* A birth time (YYYY-MM-DDTHH:MM) is cut to its date; text that is not a date is kept as sent. */
		if (p.birth_date && strlen(p.birth_date) > 10 && p.birth_date[10] == 'T')
			c->pool[c->used - 1].data[10] = 0;
		p.sex = sex_of(ssmix2_val(c, pid, 8, 0, 0, 0));
		int reps = hl7_reps(&c->msg, (size_t)pid, 5);
		for (int r = 0; r < reps && (!p.family_kanji || !p.family_kana); r++) {
			int kana;
			if (hl7_get_at(&c->msg, (size_t)pid, 5, r, 8, 0, &c->tmp)) {
				kana = !strcmp(c->tmp.data, "P");
			} else {
				hl7_get_at(&c->msg, (size_t)pid, 5, r, 1, 1, &c->tmp);
				kana = text_is_kana(buf_cstr(&c->tmp), c->tmp.len);
				hl7_get_at(&c->msg, (size_t)pid, 5, r, 2, 0, &c->tmp);
				kana = kana && text_is_kana(buf_cstr(&c->tmp), c->tmp.len);
			}
			if (kana && !p.family_kana && !p.given_kana) {
				p.family_kana = ssmix2_val(c, pid, 5, r, 1, 1);
				p.given_kana = ssmix2_val(c, pid, 5, r, 2, 0);
			} else if (!kana && !p.family_kanji && !p.given_kanji) {
				p.family_kanji = ssmix2_val(c, pid, 5, r, 1, 1);
				p.given_kanji = ssmix2_val(c, pid, 5, r, 2, 0);
			}
		}
		int areps = hl7_reps(&c->msg, (size_t)pid, 11);
		for (int r = 0; r < areps && !p.address; r++) {
			if (hl7_get_at(&c->msg, (size_t)pid, 11, r, 8, 0, &c->tmp)) {
				p.address = ssmix2_val(c, pid, 11, r, 8, 0);
			} else {
				struct buf *b = c->used < SSMIX2_POOL ? &c->pool[c->used] : NULL;
				if (!b)
					break;
				buf_reset(b);
				static const int parts[] = {4, 3, 1, 2};
				for (size_t k = 0; k < LB_ARRAY_LEN(parts); k++)
					if (hl7_get_at(&c->msg, (size_t)pid, 11, r, parts[k], 0, &c->tmp))
						buf_add(b, c->tmp.data, c->tmp.len);
				if (b->len) {
					c->used++;
					p.address = b->data;
				}
			}
			if (p.address)
				p.postal_code = ssmix2_val(c, pid, 11, r, 5, 0);
		}
		int preps = hl7_reps(&c->msg, (size_t)pid, 13);
		for (int r = 0; r < preps && (!p.phone_home || !p.phone_mobile); r++) {
			int comp = hl7_get_at(&c->msg, (size_t)pid, 13, r, 12, 0, &c->tmp) ? 12 : 1;
			if (comp == 1 && !hl7_get_at(&c->msg, (size_t)pid, 13, r, 1, 0, &c->tmp))
				continue;
			hl7_get_at(&c->msg, (size_t)pid, 13, r, 3, 0, &c->tmp);
			int mobile = !strcmp(buf_cstr(&c->tmp), "CP");
			hl7_get_at(&c->msg, (size_t)pid, 13, r, 2, 0, &c->tmp);
			const char *use = buf_cstr(&c->tmp);
			if (mobile && !p.phone_mobile)
				p.phone_mobile = ssmix2_val(c, pid, 13, r, comp, 0);
			else if (!mobile && !p.phone_home && (!*use || !strcmp(use, "PRN") || !strcmp(use, "ORN")))
				p.phone_home = ssmix2_val(c, pid, 13, r, comp, 0);
		}
		for (long o = hl7_find(&c->msg, "OBX", 0); o >= 0; o = hl7_find(&c->msg, "OBX", (size_t)o + 1)) {
			if (!hl7_get_at(&c->msg, (size_t)o, 3, 0, 2, 0, &c->tmp))
				continue;
			if (!p.blood_abo && strstr(c->tmp.data, "ABO"))
				p.blood_abo = ssmix2_val(c, o, 5, 0, 1, 0);
			else if (!p.blood_rh && (strstr(c->tmp.data, "Rh") || strstr(c->tmp.data, "RH")))
				p.blood_rh = ssmix2_val(c, o, 5, 0, 1, 0);
		}
		if (!p.family_kanji && !p.family_kana)
			ssmix2_warnf(c, EHR_WARN_PARSE, L_("PID-5 carries no name", "PID-5 に氏名がありません"));
		int rc = c->sink->patient(c->sink->ctx, c->src, &p);
		if (rc < 0)
			return rc;
		/* Weight and height, only with a PID that names the patient or the birth: an ADT-00 with neither is
		 * an empty version that must not replace the last good one (ingest_ssmix2.c, carries_data). */
		if ((p.family_kanji || p.family_kana || p.given_kanji || p.given_kana || p.birth_date) &&
		    (rc = ssmix2_emit_body_obx(c)) < 0)
			return rc;
	}
	return ssmix2_emit_allergies(c, "AL1");
}

int ssmix2_handle_adt_event(struct ssmix2_mctx *c, const char *trigger)
{
	ssmix2_check_pid(c, hl7_find(&c->msg, "PID", 0));
	static const struct {
		const char *trigger;
		enum ehr_adt_kind kind;
	} map[] = {{"A01", EHR_ADT_ADMIT},        {"A02", EHR_ADT_TRANSFER},        {"A03", EHR_ADT_DISCHARGE},
	           {"A11", EHR_ADT_CANCEL_ADMIT}, {"A12", EHR_ADT_CANCEL_TRANSFER}, {"A13", EHR_ADT_CANCEL_DISCHARGE}};
	enum ehr_adt_kind kind = 0;
	for (size_t i = 0; trigger && i < LB_ARRAY_LEN(map); i++)
		if (!strcmp(trigger, map[i].trigger))
			kind = map[i].kind;
	if (!kind) {
		ssmix2_warnf(c, EHR_WARN_UNSUPPORTED,
		             L_("%s message with event '%.8s' kept raw",
		                "%s メッセージのイベント '%.8s' は読まず、原文のみ保存しました"),
		             c->nm->type, trigger ? trigger : "");
		return c->sink->raw ? c->sink->raw(c->sink->ctx, c->src, c->msg.text.data, c->msg.text.len) : 0;
	}
	if (!c->sink->adt)
		return 0;
	long pv1 = hl7_find(&c->msg, "PV1", 0), evn = hl7_find(&c->msg, "EVN", 0);
	ssmix2_pool_reset(c);
	struct ehr_adt a = {.patient_id = c->nm->patient, .kind = kind};
	a.time = ssmix2_ts_val(c, evn, 6, 0, 1, 0);
	if (!a.time)
		a.time = ssmix2_ts_val(c, pv1, kind == EHR_ADT_DISCHARGE ? 45 : 44, 0, 1, 0);
	if (!a.time)
		a.time = ssmix2_ts_val(c, evn, 2, 0, 1, 0);
	if (!a.time)
		a.time = ssmix2_ts_val(c, hl7_find(&c->msg, "MSH", 0), 7, 0, 1, 0);
	a.ward = ssmix2_val(c, pv1, 3, 0, 1, 0);
	a.room = ssmix2_val(c, pv1, 3, 0, 2, 0);
	a.bed = ssmix2_val(c, pv1, 3, 0, 3, 0);
	a.department = ssmix2_val(c, pv1, 10, 0, 1, 0);
	a.attending = ssmix2_val(c, pv1, 7, 0, 2, 0);
	const char *giv = ssmix2_val(c, pv1, 7, 0, 3, 0);
	if (a.attending && giv && c->used < SSMIX2_POOL) {
		struct buf *b = &c->pool[c->used++];
		buf_reset(b);
		buf_addf(b, "%s %s", a.attending, giv);
		a.attending = b->data;
	}
	a.visit_id = ssmix2_val(c, pv1, 19, 0, 1, 0);
	if (pv1 < 0)
		ssmix2_warnf(c, EHR_WARN_PARSE,
		             L_("%s message has no PV1 segment", "%s メッセージに PV1 セグメントがありません"),
		             c->nm->type);
	int rc = c->sink->adt(c->sink->ctx, c->src, &a);
	/* an admission message may carry the weight and height taken on admission */
	return rc < 0 ? rc : ssmix2_emit_body_obx(c);
}
