/*
 * rules.c - the checks of rx_check, one family per function:
 *   allergy    the patient's active allergies (coded, or free text such as ペニシリン) against the drug's codes,
 *              allergy classes, ingredients and names, all folded with text_search_key; an allergy that names
 *              another drug of the master lends that drug's classes (ロキソプロフェン → NSAIDs → アスピリン warns);
 *   active     each active medicine: same ingredient (generic_name parts) or same class → duplicate; a shared
 *              interaction group → interaction;
 *   pregnancy  with --pregnant or a recorded pregnancy (ICD-10 O00–O9A, Z32.1, Z33–Z35, or 妊娠/妊婦 in the name):
 *              禁忌 → stop, 禁忌(条件) → warn (the condition is the prescriber's call), other text → info;
 *   dose       dose × per day, converted to the master's unit (g ↔ mg ↔ μg, L ↔ mL, or a tablet's strength read
 *              from its name), against max_daily_dose: over → warn, ten times or more → stop; units that cannot
 *              be compared → warn.
 */
#include "rx_int.h"

#include <stdlib.h>
#include <string.h>

#define KEYS_MAX 16
struct keys {
	char *v[KEYS_MAX];
	int n;
};

/* Split a ';'-separated list (also '；', '、', ',') into search keys; strip_kei drops a trailing 系 (ペニシリン系 →
 * ペニシリン, so that an allergy written ペニシリン meets the class). */
static void keys_of(struct keys *k, const char *list, int strip_kei)
{
	k->n = 0;
	if (!list)
		return;
	const char *p = list;
	while (*p && k->n < KEYS_MAX) {
		size_t n = strcspn(p, ";,");
		const char *sep = NULL;
		for (const char *q = p; q < p + n; q++)
			if (!strncmp(q, "；", 3) || !strncmp(q, "、", 3)) {
				sep = q;
				break;
			}
		size_t len = sep ? (size_t)(sep - p) : n;
		char *part = lb_strndup(p, len);
		char *key = rx_key(part);
		free(part);
		size_t kl = strlen(key);
		if (strip_kei && kl > 3 && !strcmp(key + kl - 3, "系"))
			key[kl - 3] = 0;
		if (*key)
			k->v[k->n++] = key;
		else
			free(key);
		p += sep ? len + 3 : n + (p[n] ? 1 : 0);
	}
}

static void keys_free(struct keys *k)
{
	for (int i = 0; i < k->n; i++)
		free(k->v[i]);
	k->n = 0;
}

static size_t chars(const char *s)
{
	return utf8_count(s, strlen(s));
}

/* a and b meet when one holds the other, the shorter at least min characters long. */
static int meets(const char *a, const char *b, size_t min)
{
	if (!*a || !*b)
		return 0;
	if (chars(b) >= min && strstr(a, b))
		return 1;
	return chars(a) >= min && strstr(b, a);
}

/* The first element shared by two key lists, or NULL. */
static const char *shared(const struct keys *a, const struct keys *b)
{
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			if (!strcmp(a->v[i], b->v[j]))
				return a->v[i];
	return NULL;
}

/* The original spelling of a list element whose key is key (for messages), copied into out. */
static void spelled(const char *list, const char *key, int strip_kei, char *out, size_t cap)
{
	struct keys k;
	snprintf(out, cap, "%s", key);
	if (!list)
		return;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ";");
		char *part = lb_strndup(p, n);
		keys_of(&k, part, strip_kei);
		int hit = k.n && !strcmp(k.v[0], key);
		keys_free(&k);
		if (hit) {
			snprintf(out, cap, "%s", part);
			free(part);
			return;
		}
		free(part);
		p += n + (p[n] ? 1 : 0);
	}
}

static void allergy_text(const struct ehr_allergy *a, struct buf *b, int ja)
{
	buf_reset(b);
	buf_adds(b, a->name ? a->name : a->code ? a->code : "?");
	int open = 0;
	const char *parts[] = {a->reaction, ehr_severity_word(a->severity, ja), a->recorded};
	for (size_t i = 0; i < LB_ARRAY_LEN(parts); i++) {
		if (!parts[i] || !*parts[i])
			continue;
		buf_adds(b, open ? ", " : " (");
		buf_adds(b, parts[i]);
		open = 1;
	}
	if (open)
		buf_addch(b, ')');
}

static int code_is(const char *c, const struct ehr_drug *d)
{
	return c && *c &&
	       ((d->code && !strcmp(c, d->code)) || (d->yj_code && !strcmp(c, d->yj_code)) ||
	        (d->hot_code && !strcmp(c, d->hot_code)));
}

/* Does allergy key ka name the drug itself (an ingredient, the brand or its reading, or its class)? What matched is
 * written to what (original spelling). */
static int allergy_names_drug(const char *ka, const struct ehr_drug *d, char *what, size_t cap)
{
	struct keys k;
	keys_of(&k, d->allergy_classes, 1);
	for (int i = 0; i < k.n; i++)
		if (meets(ka, k.v[i], 2)) {
			spelled(d->allergy_classes, k.v[i], 1, what, cap);
			keys_free(&k);
			return 1;
		}
	keys_free(&k);
	keys_of(&k, d->generic_name, 0);
	for (int i = 0; i < k.n; i++)
		if (meets(ka, k.v[i], 3)) {
			spelled(d->generic_name, k.v[i], 0, what, cap);
			keys_free(&k);
			return 1;
		}
	keys_free(&k);
	const char *names[] = {d->name, d->kana};
	for (size_t i = 0; i < LB_ARRAY_LEN(names); i++) {
		char *kn = rx_key(names[i]);
		/* the allergy names the product ("サワシリン" in "サワシリンカプセル250"), not the reverse */
		int hit = chars(ka) >= 3 && *kn && strstr(kn, ka);
		free(kn);
		if (hit) {
			snprintf(what, cap, "%s", names[i]);
			return 1;
		}
	}
	return 0;
}

int rx_rule_allergy(struct store *s, struct rx_result *r)
{
	const struct ehr_drug *d = &r->drug;
	struct buf basis = {0}, basis_ja = {0}, en = {0}, ja = {0};
	struct keys dcls;
	keys_of(&dcls, d->allergy_classes, 1);
	int rc = 0;
	for (size_t i = 0; i < r->patient.n_allergies && rc == 0; i++) {
		const struct ehr_allergy *a = &r->patient.allergies[i];
		allergy_text(a, &basis, 0);
		allergy_text(a, &basis_ja, 1);
		char what[256];
		char *ka = rx_key(a->name);
		int direct = code_is(a->code, d);
		if (direct)
			snprintf(what, sizeof(what), "%s", a->code);
		else if (*ka)
			direct = allergy_names_drug(ka, d, what, sizeof(what));
		buf_reset(&en);
		buf_reset(&ja);
		if (direct) {
			buf_addf(&en, "allergy: the patient is allergic to %s, and %s is %s",
			         a->name ? a->name : a->code, d->name, what);
			buf_addf(&ja, "アレルギー: %s のアレルギー歴があり、%s は %s に該当します",
			         a->name ? a->name : a->code, d->name, what);
			rx_alert_add(r, RX_STOP, "allergy", "allergy", a->id, basis.data, basis_ja.data, en.data,
			             ja.data);
		} else if (dcls.n && chars(ka) >= 3) {
			/* Cross-reactivity: drugs of the master the allergy names lend their classes. */
			struct store_drugs named = {0};
			rc = store_drug_search(s, NULL, ka, 20, &named);
			const char *cls = NULL;
			struct keys nk;
			for (size_t j = 0; j < named.n && rc == 0 && !cls; j++) {
				keys_of(&nk, named.v[j].drug.allergy_classes, 1);
				const char *sh = shared(&dcls, &nk);
				if (sh) {
					spelled(d->allergy_classes, sh, 1, what, sizeof(what));
					cls = what;
				}
				keys_free(&nk);
			}
			if (cls) {
				buf_addf(&en, "allergy class: the patient is allergic to %s, of class %s like %s",
				         a->name, cls, d->name);
				buf_addf(&ja, "アレルギー(同系統): %s のアレルギー歴があり、%s と同じ %s です", a->name,
				         d->name, cls);
				rx_alert_add(r, RX_WARN, "allergy-class", "allergy", a->id, basis.data, basis_ja.data,
				             en.data, ja.data);
			}
			store_drugs_release(&named);
		}
		free(ka);
	}
	keys_free(&dcls);
	buf_release(&basis);
	buf_release(&basis_ja);
	buf_release(&en);
	buf_release(&ja);
	return rc;
}

static void med_text(const struct ehr_medication *m, struct buf *b)
{
	buf_reset(b);
	buf_adds(b, m->drug_name ? m->drug_name : m->drug_code ? m->drug_code : "?");
	if (m->dose > 0)
		buf_addf(b, " %g%s", m->dose, m->dose_unit ? m->dose_unit : "");
	if (m->frequency)
		buf_addf(b, " %s", m->frequency);
	if (m->start)
		buf_addf(b, " (%.10s", m->start);
	if (m->start && m->end)
		buf_addf(b, "–%.10s", m->end);
	if (m->start)
		buf_addch(b, ')');
}

int rx_rule_active(struct store *s, struct rx_result *r)
{
	const struct ehr_drug d = r->drug;
	struct keys ding, dcls, dint, ming, mcls, mint;
	keys_of(&ding, d.generic_name, 0);
	keys_of(&dcls, d.allergy_classes, 1);
	keys_of(&dint, d.interaction_groups, 0);
	char *dname = rx_key(d.name);
	struct buf basis = {0}, en = {0}, ja = {0};
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
		keys_of(&ming, md.generic_name, 0);
		keys_of(&mcls, md.allergy_classes, 1);
		keys_of(&mint, md.interaction_groups, 0);
		med_text(m, &basis);
		const char *mname = m->drug_name ? m->drug_name : md.name ? md.name : m->drug_code;
		char *mkey = rx_key(m->drug_name);
		const char *ing = shared(&ding, &ming);
		int same_code = md.code && !strcmp(md.code, d.code);
		int same_name = !md.code && *mkey && !strcmp(mkey, dname);
		char what[256];
		buf_reset(&en);
		buf_reset(&ja);
		if (same_code || same_name || ing) {
			if (ing)
				spelled(d.generic_name, ing, 0, what, sizeof(what));
			else
				snprintf(what, sizeof(what), "%s", d.name);
			buf_addf(&en, "duplicate: %s is already active (%s, same ingredient %s)", mname,
			         m->order_no ? m->order_no : "no order number", what);
			buf_addf(&ja, "重複: 同じ成分 (%s) の %s が処方中です", what, mname);
			rx_alert_add(r, RX_WARN, "duplicate", "medication", m->order_no, basis.data, NULL, en.data,
			             ja.data);
		} else {
			const char *cls = shared(&dcls, &mcls);
			if (cls) {
				spelled(d.allergy_classes, cls, 1, what, sizeof(what));
				buf_addf(&en, "duplicate class: %s of the same class %s is already active", mname,
				         what);
				buf_addf(&ja, "同効薬重複: 同じ系統 (%s) の %s が処方中です", what, mname);
				rx_alert_add(r, RX_WARN, "duplicate-class", "medication", m->order_no, basis.data, NULL,
				             en.data, ja.data);
				buf_reset(&en);
				buf_reset(&ja);
			}
			const char *grp = shared(&dint, &mint);
			if (grp) {
				spelled(d.interaction_groups, grp, 0, what, sizeof(what));
				buf_addf(&en, "interaction (%s): %s with the active %s", what, d.name, mname);
				buf_addf(&ja, "相互作用 (%s): 処方中の %s と %s", what, mname, d.name);
				rx_alert_add(r, RX_WARN, "interaction", "medication", m->order_no, basis.data, NULL,
				             en.data, ja.data);
			}
		}
		free(mkey);
		keys_free(&ming);
		keys_free(&mcls);
		keys_free(&mint);
	}
	free(dname);
	keys_free(&ding);
	keys_free(&dcls);
	keys_free(&dint);
	buf_release(&basis);
	buf_release(&en);
	buf_release(&ja);
	return rc;
}

static int pregnancy_dx(const struct ehr_diagnosis *x)
{
	if (!x->active)
		return 0;
	const char *c = x->code;
	if (c && x->code_system && strstr(x->code_system, "icd")) {
		if (c[0] == 'O' && c[1] >= '0' && c[1] <= '9')
			return 1;
		if (!strncmp(c, "Z33", 3) || !strncmp(c, "Z34", 3) || !strncmp(c, "Z35", 3) || !strncmp(c, "Z321", 4) ||
		    !strncmp(c, "Z32.1", 5))
			return 1;
	}
	return x->name && (strstr(x->name, "妊娠") || strstr(x->name, "妊婦") || strstr(x->name, "切迫早産"));
}

void rx_rule_pregnancy(struct rx_result *r, const struct rx_order *o)
{
	const struct ehr_diagnosis *dx = NULL;
	for (size_t i = 0; i < r->patient.n_diagnoses && !dx; i++)
		if (r->patient.patient.sex != 'M' && pregnancy_dx(&r->patient.diagnoses[i]))
			dx = &r->patient.diagnoses[i];
	r->pregnant = o->pregnant || dx;
	const char *p = r->drug.pregnancy;
	if (!r->pregnant && p && strstr(p, "禁忌") && !o->not_pregnant && r->patient.patient.sex == 'F' &&
	    r->age_months >= 12 * 12 && r->age_months < 56 * 12) {
		/* A woman of 12–55 with no recorded pregnancy and none stated: a pharmacist asks before a 禁忌 drug.
		 * WARN, not STOP: most such women are not pregnant, but nobody has asked yet (--not-pregnant says so). */
		struct buf en = {0}, ja = {0};
		buf_addf(&en,
		         "pregnancy possible: %s is contraindicated in pregnancy (%s); the patient is a woman of "
		         "child-bearing age with no recorded pregnancy status: confirm she is not pregnant",
		         r->drug.name, p);
		buf_addf(&ja,
		         "妊娠の可能性を確認: %s は妊婦に%s です。妊娠可能年齢の女性で妊娠の有無の記録がありません",
		         r->drug.name, p);
		rx_alert_add(r, RX_WARN, "pregnancy-possible", "patient", NULL,
		             "female, 12-55 years, pregnancy not recorded", "女性・12〜55歳・妊娠の記録なし", en.data,
		             ja.data);
		buf_release(&en);
		buf_release(&ja);
		return;
	}
	if (!r->pregnant || !p || !*p)
		return;
	int banned = strstr(p, "禁忌") != NULL;
	int conditional = banned && (strchr(p, '(') || strstr(p, "（"));
	enum rx_level level = !banned ? RX_INFO : conditional ? RX_WARN : RX_STOP;
	struct buf en = {0}, ja = {0}, basis = {0};
	if (banned) {
		buf_addf(&en, "pregnancy: %s is contraindicated in pregnancy (%s)", r->drug.name, p);
		buf_addf(&ja, "妊婦: %s は妊婦に%s です", r->drug.name, p);
	} else {
		buf_addf(&en, "pregnancy: %s in pregnancy: %s", r->drug.name, p);
		buf_addf(&ja, "妊婦: %s の妊婦への投与は「%s」です", r->drug.name, p);
	}
	if (dx)
		buf_addf(&basis, "%s%s%s%s", dx->name ? dx->name : "", dx->code ? " (" : "", dx->code ? dx->code : "",
		         dx->code ? ")" : "");
	rx_alert_add(r, level, "pregnancy", dx ? "diagnosis" : "order", dx ? dx->code : NULL,
	             dx ? basis.data : "pregnant (stated with the order)", dx ? NULL : "妊娠中 (処方時に申告)", en.data,
	             ja.data);
	buf_release(&en);
	buf_release(&ja);
	buf_release(&basis);
}

static int is_count_unit(const char *u)
{
	static const char *const count[] = {"錠", "カプセル", "本", "包", "枚"};
	for (size_t i = 0; i < LB_ARRAY_LEN(count); i++)
		if (!strcmp(u, count[i]))
			return 1;
	return 0;
}

void rx_rule_dose(struct rx_result *r, const struct rx_order *o)
{
	const struct ehr_drug *d = &r->drug;
	char ou[32];
	rx_unit_norm(o->unit && *o->unit ? o->unit : d->unit, ou, sizeof(ou));
	double f = rx_unit_factor(ou, r->unit);
	char how[96] = "";
	if (f == 0 && is_count_unit(ou)) {
		double amt;
		char su[16];
		if (rx_strength_from_name(d->name, &amt, su, sizeof(su)) && rx_unit_factor(su, r->unit) > 0) {
			f = amt * rx_unit_factor(su, r->unit);
			snprintf(how, sizeof(how), " (1%s = %g%s)", ou, amt, su);
		}
	}
	r->daily = f > 0 ? o->dose * o->per_day * f : 0;
	if (!(d->max_daily_dose > 0))
		return;
	struct buf en = {0}, ja = {0}, basis = {0}, basis_ja = {0};
	buf_addf(&basis, "drug master: maximum %g %s a day (%s)", d->max_daily_dose, r->unit, d->code);
	buf_addf(&basis_ja, "医薬品マスタ: 1日最大量 %g %s (%s)", d->max_daily_dose, r->unit, d->code);
	if (f == 0) {
		buf_addf(&en, "unit: the dose in %s cannot be compared with the maximum of %g %s a day", ou,
		         d->max_daily_dose, r->unit);
		buf_addf(&ja, "単位: %s の用量は 1日最大量 %g %s と比較できません", ou, d->max_daily_dose, r->unit);
		rx_alert_add(r, RX_WARN, "unit", "drug-master", d->code, basis.data, basis_ja.data, en.data, ja.data);
	} else if (r->daily > d->max_daily_dose * (1 + 1e-9)) {
		double times = r->daily / d->max_daily_dose;
		buf_addf(&en, "max dose: %g%s × %g a day = %g %s%s, over the maximum of %g %s a day (×%.1f)", o->dose,
		         ou, o->per_day, r->daily, r->unit, how, d->max_daily_dose, r->unit, times);
		buf_addf(&ja, "極量超過: %g%s × 1日%g回 = 1日 %g %s%s は 1日最大量 %g %s を超えています (%.1f倍)",
		         o->dose, ou, o->per_day, r->daily, r->unit, how, d->max_daily_dose, r->unit, times);
		rx_alert_add(r, times >= 10 ? RX_STOP : RX_WARN, "max-dose", "drug-master", d->code, basis.data,
		             basis_ja.data, en.data, ja.data);
	}
	buf_release(&en);
	buf_release(&ja);
	buf_release(&basis);
	buf_release(&basis_ja);
}
