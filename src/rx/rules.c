/*
 * rules.c - the checks of rx_check, one family per function:
 *   allergy    in allergy.c (free text, the dictionary and the cross-reactivity table);
 *   active     each active medicine, each other line of the prescription and each order recorded during the
 *              outage: same ingredient (generic_name parts) → duplicate; a shared allergy class or the same
 *              whole therapeutic class (薬効分類; the YJ code's first four digits only when neither drug has
 *              one) → duplicate-class; a shared interaction group → interaction, STOP when either drug lists
 *              the group as 併用禁忌 (contraindicated_groups);
 *   pregnancy  with --pregnant or a recorded pregnancy (ICD-10 O00–O9A, Z32.1, Z33–Z35, or 妊娠/妊婦 in the name):
 *              禁忌 → stop, 禁忌(条件) → warn (the condition is the prescriber's call), other text → info;
 * The dose checks are in dose_rule.c, the age limits in age.c.
 */
#include "rx_int.h"

#include <stdlib.h>
#include <string.h>

/* The first element shared by two key lists, or NULL. */
static const char *shared(const struct rx_keys *a, const struct rx_keys *b)
{
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			if (!strcmp(a->v[i], b->v[j]))
				return a->v[i];
	return NULL;
}

/* The original spelling of a list element whose key is key (for messages), copied into out. */
static void spelled(const char *list, const char *key, enum rx_key_fold fold, char *out, size_t cap)
{
	struct rx_keys k;
	snprintf(out, cap, "%s", key);
	rx_keys_of(&k, list, fold);
	for (int i = 0; i < k.n; i++)
		if (!strcmp(k.v[i], key)) {
			snprintf(out, cap, "%s", k.shown[i]);
			break;
		}
	rx_keys_free(&k);
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

/* The keys of one drug that the comparisons use. */
struct drug_keys {
	struct rx_keys ing, cls, grp, contra;
	char *thera; /* the whole therapeutic class value, folded ("" when the master has none) */
};

static void drug_keys_of(struct drug_keys *k, const struct ehr_drug *d)
{
	rx_keys_of(&k->ing, d->generic_name, RX_FOLD_PLAIN);
	rx_keys_of(&k->cls, d->allergy_classes, RX_FOLD_KEI);
	rx_keys_of(&k->grp, d->interaction_groups, RX_FOLD_PLAIN);
	rx_keys_of(&k->contra, d->contraindicated_groups, RX_FOLD_PLAIN);
	k->thera = rx_key(d->therapeutic_class);
}

static void drug_keys_free(struct drug_keys *k)
{
	rx_keys_free(&k->ing);
	rx_keys_free(&k->cls);
	rx_keys_free(&k->grp);
	rx_keys_free(&k->contra);
	free(k->thera);
}

static int has_key(const struct rx_keys *k, const char *key)
{
	for (int i = 0; i < k->n; i++)
		if (!strcmp(k->v[i], key))
			return 1;
	return 0;
}

/* The 薬効分類 number of a YJ code: its first four digits (the class of the 薬価基準収載医薬品コード), or 0. */
static int yj_class(const char *yj, char out[5])
{
	if (!yj)
		return 0;
	snprintf(out, 5, "%.4s", yj); /* a code shorter than four ends in its NUL, which is no digit */
	for (int i = 0; i < 4; i++)
		if (out[i] < '0' || out[i] > '9')
			return 0;
	return 1;
}

/* Where the other order comes from, for the messages: "already active", "on another line of this prescription",
 * "ordered during the outage". */
static const char *whence(const char *basis_type, int ja)
{
	if (!strcmp(basis_type, "prescription"))
		return ja ? "同じ処方箋内" : "on another line of this prescription";
	if (!strcmp(basis_type, "outage-order"))
		return ja ? "ダウンタイム中に処方済み" : "ordered during the outage";
	return ja ? "処方中" : "already active";
}

/* One other drug (md, NULL when the master does not know it; mname what the record calls it) against the ordered
 * drug: same ingredient → duplicate; else a shared allergy class or therapeutic class → duplicate-class; a shared
 * interaction group → interaction (STOP when either drug lists the group as 併用禁忌). */
static void compare(struct rx_result *r, const struct drug_keys *dk, const struct ehr_drug *md, const char *mname,
                    const char *mkeyname, const char *basis_type, const char *basis_id, const char *basis_text)
{
	const struct ehr_drug *d = &r->drug;
	static const struct ehr_drug none;
	if (!md)
		md = &none;
	struct drug_keys mk;
	drug_keys_of(&mk, md);
	char *dname = rx_key(d->name);
	struct buf en = {0}, ja = {0};
	const char *ing = shared(&dk->ing, &mk.ing);
	int same_code = md->code && !strcmp(md->code, d->code);
	int same_name = !md->code && mkeyname && *mkeyname && !strcmp(mkeyname, dname);
	const char *w_en = whence(basis_type, 0), *w_ja = whence(basis_type, 1);
	char what[256];
	if (same_code || same_name || ing) {
		if (ing)
			spelled(d->generic_name, ing, RX_FOLD_PLAIN, what, sizeof(what));
		else
			snprintf(what, sizeof(what), "%s", d->name);
		buf_addf(&en, "duplicate: %s is %s (%s, same ingredient %s)", mname, w_en,
		         basis_id ? basis_id : "no order number", what);
		buf_addf(&ja, "重複: 同じ成分 (%s) の %s が%sです", what, mname, w_ja);
		rx_alert_add(r, RX_WARN, "duplicate", basis_type, basis_id, basis_text, NULL, en.data, ja.data);
	} else {
		const char *cls = shared(&dk->cls, &mk.cls);
		char yd[5], ym[5];
		if (cls) {
			spelled(d->allergy_classes, cls, RX_FOLD_KEI, what, sizeof(what));
			buf_addf(&en, "duplicate class: %s of the same class %s is %s", mname, what, w_en);
			buf_addf(&ja, "同効薬重複: 同じ系統 (%s) の %s が%sです", what, mname, w_ja);
			rx_alert_add(r, RX_WARN, "duplicate-class", basis_type, basis_id, basis_text, NULL, en.data,
			             ja.data);
		} else if (*dk->thera && *mk.thera) {
			/* the whole class value: 「2329 PPI・P-CAB」 and 「2329 胃粘膜保護剤」 are different classes */
			if (!strcmp(dk->thera, mk.thera)) {
				buf_addf(&en, "therapeutic duplicate: %s and %s (%s) are both %s", d->name, mname, w_en,
				         d->therapeutic_class);
				buf_addf(&ja, "同効薬重複: %s と%sの %s はどちらも %s です", d->name, w_ja, mname,
				         d->therapeutic_class);
				rx_alert_add(r, RX_WARN, "duplicate-class", basis_type, basis_id, basis_text, NULL,
				             en.data, ja.data);
			}
		} else if (!*dk->thera && !*mk.thera && yj_class(d->yj_code, yd) && yj_class(md->yj_code, ym) &&
		           !strcmp(yd, ym)) {
			/* neither drug has a therapeutic class in the master: the YJ code's first four digits, coarser */
			buf_addf(&en,
			         "therapeutic duplicate: %s and %s (%s) share the YJ class %s (the master gives no "
			         "therapeutic class: a coarse match, check)",
			         d->name, mname, w_en, yd);
			buf_addf(&ja,
			         "同効薬重複の可能性: %s と%sの %s は YJ コードの薬効分類 %s が同じです "
			         "(マスタに薬効分類がないため粗い判定: 確認してください)",
			         d->name, w_ja, mname, yd);
			rx_alert_add(r, RX_WARN, "duplicate-class", basis_type, basis_id, basis_text, NULL, en.data,
			             ja.data);
		}
		buf_reset(&en);
		buf_reset(&ja);
		/* every shared group: one may be 併用禁忌 when another is only 併用注意 */
		const char *stop_grp = NULL, *warn_grp = NULL;
		for (int i = 0; i < dk->grp.n; i++)
			if (has_key(&mk.grp, dk->grp.v[i])) {
				if (has_key(&dk->contra, dk->grp.v[i]) || has_key(&mk.contra, dk->grp.v[i])) {
					if (!stop_grp)
						stop_grp = dk->grp.v[i];
				} else if (!warn_grp)
					warn_grp = dk->grp.v[i];
			}
		if (stop_grp) {
			spelled(d->interaction_groups, stop_grp, RX_FOLD_PLAIN, what, sizeof(what));
			buf_addf(&en, "contraindicated combination (併用禁忌, %s): %s with %s (%s)", what, d->name,
			         mname, w_en);
			buf_addf(&ja, "併用禁忌 (%s): %s と%sの %s は併用禁忌です", what, d->name, w_ja, mname);
			rx_alert_add(r, RX_STOP, "interaction", basis_type, basis_id, basis_text, NULL, en.data,
			             ja.data);
		} else if (warn_grp) {
			spelled(d->interaction_groups, warn_grp, RX_FOLD_PLAIN, what, sizeof(what));
			if (!dk->contra.n && !mk.contra.n) {
				buf_addf(&en,
				         "interaction (%s): %s with %s (%s); the drug master gives no severity "
				         "(併用禁忌 "
				         "column absent): check the package insert",
				         what, d->name, mname, w_en);
				buf_addf(&ja,
				         "相互作用 (%s): %sの %s と %s (医薬品マスタに重大度 (併用禁忌) の記載なし: "
				         "添付文書で確認)",
				         what, w_ja, mname, d->name);
			} else {
				buf_addf(&en, "interaction, use with care (併用注意, %s): %s with %s (%s)", what,
				         d->name, mname, w_en);
				buf_addf(&ja, "併用注意 (%s): %sの %s と %s", what, w_ja, mname, d->name);
			}
			rx_alert_add(r, RX_WARN, "interaction", basis_type, basis_id, basis_text, NULL, en.data,
			             ja.data);
		}
	}
	free(dname);
	drug_keys_free(&mk);
	buf_release(&en);
	buf_release(&ja);
}

/* The master entry of code, appended to r->drugs (NULL when unknown). */
static int master_of(struct store *s, struct rx_result *r, const char *code, const struct ehr_drug **out)
{
	*out = NULL;
	if (!code || !*code)
		return 0;
	size_t before = r->drugs.n;
	int rc = store_drug_get(s, code, &r->drugs);
	if (rc == -LB_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	if (r->drugs.n > before)
		*out = &r->drugs.v[before].drug;
	return 0;
}

int rx_rule_active(struct store *s, struct rx_result *r, const struct rx_order *o)
{
	struct drug_keys dk;
	struct ehr_drug d = r->drug; /* r->drugs grows below */
	drug_keys_of(&dk, &d);
	struct buf basis = {0};
	int rc = 0;
	for (size_t i = 0; i < r->patient.n_medications && rc == 0; i++) {
		const struct ehr_medication *m = &r->patient.medications[i];
		const struct ehr_drug *md;
		if (o && o->order_no && m->order_no && !strcmp(o->order_no, m->order_no))
			continue; /* the order being given is not its own duplicate */
		if ((rc = master_of(s, r, m->drug_code, &md)) < 0)
			break;
		struct ehr_drug mdc = md ? *md : (struct ehr_drug){0};
		med_text(m, &basis);
		const char *mname = m->drug_name ? m->drug_name : mdc.name ? mdc.name : m->drug_code;
		char *mkey = rx_key(m->drug_name);
		compare(r, &dk, md ? &mdc : NULL, mname ? mname : "?", mkey, "medication", m->order_no, basis.data);
		free(mkey);
	}
	for (size_t i = 0; o && i < o->n_others && rc == 0; i++) {
		const struct rx_other *x = &o->others[i];
		const struct ehr_drug *md;
		if ((rc = master_of(s, r, x->drug_code, &md)) < 0)
			break;
		struct ehr_drug mdc = md ? *md : (struct ehr_drug){0};
		const char *mname = mdc.name ? mdc.name : x->drug_code;
		size_t n0 = r->n;
		compare(r, &dk, md ? &mdc : NULL, mname ? mname : "?", NULL,
		        x->basis_type ? x->basis_type : "prescription", x->id, x->text ? x->text : mname);
		/* the basis of what this line raised in Japanese too (「2行目: … × 1日2回」) */
		for (size_t a = n0; x->text && x->text_ja && a < r->n; a++) {
			free(r->v[a].basis.text_ja);
			r->v[a].basis.text_ja = lb_strdup(x->text_ja);
		}
	}
	drug_keys_free(&dk);
	buf_release(&basis);
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
