/*
 * check.c - rx_check: one paper order against the patient's snapshot and the drug master.
 *
 * The snapshot is store_patient_get's (active allergies, medicines current at the data's as-of date, diagnoses);
 * the rules are in rules.c. Every alert names the record it rests on, so that a pharmacist can tell the prescriber
 * "the allergy recorded on 2025-07-04" rather than "the computer says no"; the age limits are in age.c.
 */
#include "rx_int.h"

#include <stdlib.h>
#include <string.h>

const char *rx_level_name(enum rx_level level)
{
	return level == RX_STOP ? "stop" : level == RX_WARN ? "warn" : "info";
}

const char *rx_level_word(enum rx_level level, int ja)
{
	if (level == RX_STOP)
		return ja ? "中止" : "STOP";
	return level == RX_WARN ? (ja ? "要確認" : "WARN") : (ja ? "情報" : "INFO");
}

struct word {
	const char *code, *en, *ja;
};

static const char *word_of(const struct word *w, size_t n, const char *code, int ja)
{
	if (!code)
		return "";
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].code, code))
			return ja ? w[i].ja : w[i].en;
	return code;
}

const char *rx_kind_word(const char *kind, int ja)
{
	static const struct word w[] = {
	        {"allergy", "allergy", "アレルギー"},
	        {"allergy-class", "allergy (same class)", "アレルギー (同系統)"},
	        {"allergy-cross", "allergy (cross-reactivity)", "アレルギー (交差反応)"},
	        {"allergy-unknown", "unclassified drug allergy", "未分類の薬剤アレルギー"},
	        {"duplicate", "duplicate", "重複投与"},
	        {"duplicate-class", "duplicate class", "同効薬重複"},
	        {"interaction", "interaction", "相互作用"},
	        {"pregnancy", "pregnancy", "妊婦"},
	        {"max-dose", "over the maximum dose", "1日最大量超過"},
	        {"dose-unchecked", "maximum dose not checked", "最大量は未チェック"},
	        {"period", "dosing period", "投与間隔"},
	        {"child-dose", "children's dose", "小児用量"},
	        {"weight-age", "body weight may be out of date", "体重の測定日"},
	        {"elderly", "elderly", "高齢者"},
	        {"unit", "unit", "単位"},
	        {"age", "age limit", "年齢制限"},
	        {"pregnancy-possible", "pregnancy possible", "妊娠の可能性"},
	        {"look-alike", "look-alike name", "名称類似"},
	        {"unchecked", "not checked (the drug master lacks the data)", "未チェック (マスタに情報なし)"},
	};
	return word_of(w, LB_ARRAY_LEN(w), kind, ja);
}

const char *rx_basis_word(const char *type, int ja)
{
	static const struct word w[] = {
	        {"allergy", "allergy record", "アレルギー歴"},
	        {"medication", "active medicine", "使用中の薬"},
	        {"diagnosis", "diagnosis", "病名"},
	        {"drug-master", "drug master", "医薬品マスタ"},
	        {"order", "the order", "今回の処方"},
	        {"patient", "patient record", "患者情報"},
	        {"prescription", "another line of this prescription", "同じ処方箋の他の薬"},
	        {"outage-order", "order of the outage", "ダウンタイム中の処方"},
	};
	return word_of(w, LB_ARRAY_LEN(w), type, ja);
}

void rx_alert_add(struct rx_result *r, enum rx_level level, const char *kind, const char *basis_type,
                  const char *basis_id, const char *basis_text, const char *basis_ja, const char *en, const char *ja)
{
	/* The same record often arrives twice (SS-MIX2 and FHIR exports of one EHR): one alert per fact. */
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].level == level && !strcmp(r->v[i].kind, kind) && !strcmp(r->v[i].reason_en, en) &&
		    !strcmp(r->v[i].basis.text ? r->v[i].basis.text : "", basis_text ? basis_text : ""))
			return;
	r->v = lb_reallocarray(r->v, r->n + 1, sizeof(*r->v));
	struct rx_alert *a = &r->v[r->n++];
	memset(a, 0, sizeof(*a));
	a->level = level;
	a->kind = kind;
	a->reason_en = lb_strdup(en);
	a->reason_ja = lb_strdup(ja);
	a->basis.type = basis_type;
	a->basis.id = basis_id ? lb_strdup(basis_id) : NULL;
	a->basis.text = basis_text ? lb_strdup(basis_text) : NULL;
	a->basis.text_ja = basis_ja ? lb_strdup(basis_ja) : basis_text ? lb_strdup(basis_text) : NULL;
	if (level == RX_STOP)
		r->stop = 1;
}

char *rx_key(const char *s)
{
	struct buf k = {0};
	if (s)
		text_search_key(&k, s, strlen(s));
	buf_grow(&k, 1);
	return buf_detach(&k, NULL);
}

/* 1 when entry (one name or code of a 名称類似 list) names drug d: its code, YJ or HOT code, or a folded name or
 * kana that starts with the entry ("アルマール" names アルマール錠10). */
static int entry_names(const char *entry, const struct ehr_drug *d)
{
	if (!*entry)
		return 0;
	const char *codes[] = {d->code, d->yj_code, d->hot_code};
	for (size_t i = 0; i < LB_ARRAY_LEN(codes); i++)
		if (codes[i] && !strcmp(codes[i], entry))
			return 1;
	char *k = rx_key(entry);
	int hit = 0;
	const char *names[] = {d->name, d->kana};
	for (size_t i = 0; i < LB_ARRAY_LEN(names) && !hit && *k; i++) {
		if (!names[i])
			continue;
		char *n = rx_key(names[i]);
		hit = !strncmp(n, k, strlen(k));
		free(n);
	}
	free(k);
	return hit;
}

int rx_confusable_entry(const struct ehr_drug *a, const struct ehr_drug *b, char *out, size_t cap)
{
	const struct ehr_drug *pair[2][2] = {{a, b}, {b, a}};
	for (int dir = 0; dir < 2; dir++) {
		const char *list = pair[dir][0]->confusable;
		while (list && *list) {
			const char *e = strchr(list, ';');
			size_t n = e ? (size_t)(e - list) : strlen(list);
			char *entry = lb_strndup(list, n);
			char *t = entry;
			while (*t == ' ')
				t++;
			size_t tn = strlen(t);
			while (tn && t[tn - 1] == ' ')
				t[--tn] = 0;
			int hit = entry_names(t, pair[dir][1]);
			free(entry);
			if (hit) {
				/* the name people know the other product by: its brand name */
				snprintf(out, cap, "%s", b->name ? b->name : b->code);
				return 1;
			}
			list = e ? e + 1 : NULL;
		}
	}
	return 0;
}

/* 名称類似: the ordered drug and an active medicine are a known look-alike pair (either product's master column
 * names the other). WARN: the order may be meant, but the classic error is the look-alike picked for the medicine
 * the patient already takes (アルマール written for a patient on アマリール): ask the prescriber. */
static int rule_confusable(struct store *s, struct rx_result *r)
{
	int rc = 0;
	for (size_t i = 0; i < r->patient.n_medications && rc == 0; i++) {
		const struct ehr_medication *m = &r->patient.medications[i];
		struct ehr_drug md = {0};
		if (m->drug_code) {
			size_t before = r->drugs.n;
			rc = store_drug_get(s, m->drug_code, &r->drugs);
			if (rc == -LB_ENOTFOUND)
				rc = 0;
			else if (rc < 0)
				break;
			if (r->drugs.n > before)
				md = r->drugs.v[before].drug;
		}
		if (!md.code) {
			md.code = m->drug_code ? m->drug_code : "";
			md.name = m->drug_name;
		}
		if (md.code && r->drug.code && !strcmp(md.code, r->drug.code))
			continue;
		char other[256];
		if (!rx_confusable_entry(&r->drug, &md, other, sizeof(other)))
			continue;
		const char *mname = m->drug_name ? m->drug_name : other;
		struct buf en = {0}, ja = {0}, basis = {0};
		buf_addf(&en,
		         "look-alike name: %s is ordered, and the patient takes %s (a known look-alike pair): "
		         "confirm with the prescriber which one is meant",
		         r->drug.name, mname);
		buf_addf(&ja,
		         "名称類似: 処方された %s と、使用中の %s は取り違えの多い組み合わせです。"
		         "どちらを意図したか処方医に確認してください",
		         r->drug.name, mname);
		buf_addf(&basis, "%s%s%s", mname, m->order_no ? " / " : "", m->order_no ? m->order_no : "");
		rx_alert_add(r, RX_WARN, "look-alike", "medication", m->order_no, basis.data, NULL, en.data, ja.data);
		buf_release(&en);
		buf_release(&ja);
		buf_release(&basis);
	}
	return rc;
}

/* Stable order: stop, warn, info; within a level as found. */
static void sort_alerts(struct rx_result *r)
{
	for (size_t i = 1; i < r->n; i++) {
		struct rx_alert a = r->v[i];
		size_t j = i;
		while (j > 0 && r->v[j - 1].level < a.level) {
			r->v[j] = r->v[j - 1];
			j--;
		}
		r->v[j] = a;
	}
}

static int check_in(struct store *s, const struct rx_order *o, struct rx_result *r);

static int has_kind(const struct rx_result *r, const char *kind)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].kind, kind))
			return 1;
	return 0;
}

/* What the check could not check because the master lacks it, said rather than passed over: a lean hospital master
 * (code and name only, or without classes or interaction groups) must never read as 「警告なし」. A column the whole
 * master lacks is a WARN where it leaves a safety check blind for this patient (a drug allergy on record and no
 * class anywhere; no maximum anywhere), an INFO otherwise; one product without a maximum is an INFO. */
static int rule_unchecked(struct store *s, struct rx_result *r, const struct rx_order *o)
{
	unsigned have;
	int rc = store_drug_master_has(s, &have);
	if (rc < 0)
		return rc;
	const struct ehr_drug *d = &r->drug;
	int drug_allergy = 0;
	for (size_t i = 0; i < r->patient.n_allergies; i++)
		drug_allergy |= r->patient.allergies[i].kind == EHR_ALLERGY_DRUG;
	int others = r->patient.n_medications > 0 || o->n_others > 0;
	if (!(have & STORE_MASTER_CLASSES) && drug_allergy)
		rx_alert_add(r, RX_WARN, "unchecked", "drug-master", d->code, "allergy_class", "系統",
		             "the drug master has no allergy classes: class allergies and cross-reactivity were not "
		             "checked (only the drug and ingredient named); check the allergies by hand",
		             "医薬品マスタに系統がなく、系統アレルギー・交差反応は未チェック "
		             "(薬品名・成分名のみ照合)。アレルギー歴を手で確認してください");
	if (!(d->max_daily_dose > 0) && !has_kind(r, "dose-unchecked") && !has_kind(r, "max-dose")) {
		int none = !(have & STORE_MASTER_MAX_DOSE);
		rx_alert_add(r, none ? RX_WARN : RX_INFO, "unchecked", "drug-master", d->code, "max_daily_dose",
		             "1日最大量",
		             none ? "the drug master has no maximum daily doses: the dose was not checked against a "
		                    "maximum; check it against the package insert"
		                  : "no maximum daily dose for this product in the drug master: the dose was not "
		                    "checked against a maximum",
		             none ? "医薬品マスタに1日最大量がなく、用量は未チェック。添付文書で確認してください"
		                  : "この薬品の1日最大量がマスタになく、用量は未チェック");
	}
	if (!(have & STORE_MASTER_INTERACTION) && others)
		rx_alert_add(r, RX_INFO, "unchecked", "drug-master", d->code, "interaction_group", "相互作用グループ",
		             "the drug master has no interaction groups: 併用禁忌 and 併用注意 were not checked",
		             "医薬品マスタに相互作用グループがなく、併用禁忌・併用注意は未チェック");
	if (!(have & STORE_MASTER_THERAPEUTIC) && others)
		rx_alert_add(r, RX_INFO, "unchecked", "drug-master", d->code, "therapeutic_class", "薬効分類",
		             "the drug master has no therapeutic classes or YJ codes: duplicates of the same class "
		             "(同効薬重複) were not checked",
		             "医薬品マスタに薬効分類・YJコードがなく、同効薬重複は未チェック");
	return 0;
}

int rx_check(struct store *s, const struct rx_order *o, struct rx_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!o->patient_id || !*o->patient_id)
		return lb_error_tr(LB_EUSAGE, "no patient given", "患者が指定されていません");
	if (!o->drug_code || !*o->drug_code)
		return lb_error_tr(LB_EUSAGE, "no drug given", "薬品が指定されていません");
	if (!(o->dose > 0) || !(o->per_day > 0) || o->days < 0)
		return lb_error_tr(LB_EUSAGE, "dose and times per day must be positive",
		                   "1回量と1日回数は正の数で指定してください");
	if (o->unit && rx_unit_check(o->unit, o->unit) < 0)
		return -LB_EUSAGE; /* the detail names the unit (γ, kg, cm, %, mg/kg …) */
	if (o->period_days < 0 || o->period_days > 365)
		return lb_error_tr(LB_EUSAGE, "the dosing period is 1 to 365 days", "投与間隔は 1〜365 日です");
	/* One read transaction for the whole check: one snapshot of the store and one lock, instead of one per
	 * statement (a check runs some forty; the station's pages hold one already). */
	int own = store_read_idle(s) && store_read_begin(s) == 0;
	int rc = check_in(s, o, r);
	if (own)
		store_read_end(s);
	return rc;
}

static int check_in(struct store *s, const struct rx_order *o, struct rx_result *r)
{
	/* IDs and codes typed full-width (０００１) or with a trailing space are folded as a dose is */
	struct buf pid = {0}, code = {0};
	const char *patient_id = o->patient_id, *drug_code = o->drug_code;
	if (text_fold_ascii(&pid, o->patient_id, strlen(o->patient_id)) == 0) {
		while (pid.len && pid.data[pid.len - 1] == ' ')
			pid.data[--pid.len] = 0;
		patient_id = buf_cstr(&pid);
	}
	if (text_fold_ascii(&code, o->drug_code, strlen(o->drug_code)) == 0) {
		while (code.len && code.data[code.len - 1] == ' ')
			code.data[--code.len] = 0;
		drug_code = buf_cstr(&code);
	}
	int rc = store_drug_get(s, drug_code, &r->drugs);
	if (rc == 0)
		rc = store_patient_get(s, patient_id, &r->patient);
	buf_release(&pid);
	buf_release(&code);
	if (rc < 0)
		return rc;
	r->drug = r->drugs.v[0].drug;
	if (o->pregnant && r->patient.patient.sex == 'M')
		return lb_error_tr(LB_EUSAGE, "the patient is recorded as male: --pregnant does not apply",
		                   "患者は男性として登録されています: 妊娠中の指定はできません");
	snprintf(r->as_of, sizeof(r->as_of), "%s", r->patient.as_of);
	r->as_of_unknown = r->patient.as_of_unknown;
	rx_unit_norm(r->drug.unit, r->unit, sizeof(r->unit));

	if ((rc = rx_rule_allergy(s, r)) < 0)
		return rc;
	if ((rc = rx_rule_active(s, r, o)) < 0)
		return rc;
	if ((rc = rule_confusable(s, r)) < 0)
		return rc;
	rx_rule_age(r); /* before the dose: children and the elderly are dosed by age */
	if ((rc = rx_rule_dose(s, r, o)) < 0)
		return rc;
	rx_rule_pregnancy(r, o); /* after the age (r->age_months): the possibility of pregnancy depends on it */
	if ((rc = rule_unchecked(s, r, o)) < 0)
		return rc;
	sort_alerts(r);
	return 0;
}

void rx_result_release(struct rx_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].reason_en);
		free(r->v[i].reason_ja);
		free(r->v[i].basis.id);
		free(r->v[i].basis.text);
		free(r->v[i].basis.text_ja);
	}
	free(r->v);
	store_drugs_release(&r->drugs);
	store_patient_view_release(&r->patient);
	memset(r, 0, sizeof(*r));
}
