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
	return level == RX_WARN ? (ja ? "注意" : "WARN") : (ja ? "情報" : "INFO");
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
	        {"elderly", "elderly", "高齢者"},
	        {"unit", "unit", "単位"},
	        {"age", "age limit", "年齢制限"},
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
	if (rx_unit_refused(o->unit))
		return lb_error_tr(LB_EUSAGE, "γ means μg/kg/min on a ward, not μg: write the dose in μg or mg",
		                   "γ は病棟では μg/kg/分 の意味です: 用量は μg か mg で指定してください");
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
	snprintf(r->as_of, sizeof(r->as_of), "%s", r->patient.as_of);
	rx_unit_norm(r->drug.unit, r->unit, sizeof(r->unit));

	if ((rc = rx_rule_allergy(s, r)) < 0)
		return rc;
	if ((rc = rx_rule_active(s, r, o)) < 0)
		return rc;
	rx_rule_pregnancy(r, o);
	rx_rule_age(r); /* before the dose: children and the elderly are dosed by age */
	if ((rc = rx_rule_dose(s, r, o)) < 0)
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
