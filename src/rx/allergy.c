/*
 * allergy.c - the allergy check of rx_check: each active allergy of the patient against the ordered drug.
 *
 * An allergy record is free text as wards write it (「アスピリン(アスピリン喘息)」, 「ロキソニンで蕁麻疹」,
 * 「PCでじんましん」, 「ペニ系」), a code, or both. What it names is found anywhere inside the text, all compared as
 * search keys (text_search_key: widths, kana scripts, voiced marks and long vowels folded):
 *   - the words of the shipped dictionary (data/rx/allergy-words.tsv, embedded at build time): classes (PC, セフェム,
 *     NSAIDs, ヨード …), ingredients (AMPC, CEZ …), the words of a severe reaction (アナフィラキシー, ショック …)
 *     and products (ボルタレン → ジクロフェナク, NSAIDs: as a drug of the master, when the master lacks it); a word
 *     of ASCII letters matches as a whole word only, a product in kana or a ^word (^ピリン) must begin a run of kana;
 *   - the drugs of the master: a kana or generic name the text holds, or a product a run of kana in the text
 *     begins (サワシリン → サワシリンカプセル250): their ingredients are named, their classes lent;
 *   - the ordered drug's own code, names, ingredients and classes (as before: ペニシリン meets ペニシリン系);
 *   - the cross-reactivity table (data/rx/cross-reactivity.tsv): class pairs with a level and a level after a
 *     severe reaction.
 * Levels (docs/rx.md): the same drug or ingredient → stop; a class the allergy names → stop; a class lent by a
 * named drug of another ingredient → warn, stop after a severe reaction; a cross-reactive class → the table's
 * level. A severe history (the reaction or the text names a severe word, or severity severe / criticality high)
 * is said in the reason. A drug allergy that names nothing known gives an info: check it by hand.
 */
#include "rx_int.h"

#include <strings.h>
#include <stdlib.h>
#include <string.h>

int rx_same_ingredient(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 1;
	size_t la = strlen(a), lb = strlen(b);
	const char *s = la < lb ? a : b, *l = la < lb ? b : a;
	return rx_chars(s) >= 4 && !strncmp(l, s, strlen(s));
}

/* ---- what one allergy names ---------------------------------------------------------------------------------- */

enum origin { O_LENT = 1, O_NAMED }; /* O_NAMED: the allergy names it (text, dictionary, code) */
struct concept {
	int is_class;
	char *key;
	char *shown; /* ペニシリン系, アモキシシリン水和物 */
	char *via;   /* what in the allergy named it: PC, サワシリン */
	const char *en;
	enum origin origin;
};
struct concepts {
	struct concept *v; /* grown as needed: a long list of drugs loses none */
	int n, cap;
	const char *severe_ja, *severe_en; /* the severe reaction on record, or NULL */
};

static void concept_add(struct concepts *cs, int is_class, const char *key, const char *shown, const char *via,
                        const char *en, enum origin origin)
{
	if (!*key)
		return;
	for (int i = 0; i < cs->n; i++)
		if (cs->v[i].is_class == is_class && !strcmp(cs->v[i].key, key)) {
			if (origin > cs->v[i].origin) {
				cs->v[i].origin = origin;
				free(cs->v[i].via);
				cs->v[i].via = lb_strdup(via);
			}
			return;
		}
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 16;
		cs->v = lb_reallocarray(cs->v, (size_t)cs->cap, sizeof(*cs->v));
	}
	struct concept *c = &cs->v[cs->n++];
	c->is_class = is_class;
	c->key = lb_strdup(key);
	c->shown = lb_strdup(shown);
	c->via = lb_strdup(via);
	c->en = en;
	c->origin = origin;
}

static void concepts_free(struct concepts *cs)
{
	for (int i = 0; i < cs->n; i++) {
		free(cs->v[i].key);
		free(cs->v[i].shown);
		free(cs->v[i].via);
	}
	free(cs->v);
	cs->v = NULL;
	cs->n = cs->cap = 0;
}

/* Does w occur in key (a whole word when ascii)? */
static int word_at(const char *key, const char *w, int ascii)
{
	size_t wl = strlen(w);
	for (const char *p = strstr(key, w); p; p = strstr(p + 1, w)) {
		if (!ascii)
			return 1;
		int before = p > key && rx_is_alnum((unsigned char)p[-1]);
		int after = rx_is_alnum((unsigned char)p[wl]);
		if (!before && !after)
			return 1;
	}
	return 0;
}

/* A product of the dictionary the allergy names: its ingredients named, its classes lent (as a drug of the master). */
static void product_concepts(struct concepts *cs, const struct rx_word *w, const char *via)
{
	struct rx_keys k;
	rx_keys_of(&k, w->target, RX_FOLD_INGREDIENT);
	for (int i = 0; i < k.n; i++)
		concept_add(cs, 0, k.v[i], k.shown[i], via, w->en, O_NAMED);
	rx_keys_free(&k);
	rx_keys_of(&k, w->cls, RX_FOLD_CLASS);
	for (int i = 0; i < k.n; i++)
		concept_add(cs, 1, k.v[i], k.shown[i], via, NULL, O_LENT);
	rx_keys_free(&k);
}

/* A word found: a severe reaction noted, a product's concepts, or the class or ingredient it names. */
static void word_found(struct concepts *cs, const struct rx_word *w, const char *via)
{
	if (w->kind == RX_W_PRODUCT)
		product_concepts(cs, w, via);
	else
		concept_add(cs, w->kind == RX_W_CLASS, w->target_key, w->target, via, w->en, O_NAMED);
}

/* The dictionary's words in key (those that must begin a run of kana are looked for in kana_in). */
static void words_in(struct concepts *cs, const char *key, int severe_only)
{
	const struct rx_allergy_tables *tab = rx_allergy_tables();
	for (size_t i = 0; i < tab->nw; i++) {
		const struct rx_word *w = &tab->w[i];
		if ((severe_only && w->kind != RX_W_SEVERE) || w->start || !word_at(key, w->key, w->ascii))
			continue;
		if (w->kind == RX_W_SEVERE) {
			if (!cs->severe_ja) {
				cs->severe_ja = w->target;
				cs->severe_en = w->en;
			}
		} else {
			word_found(cs, w, w->word);
		}
	}
}

/* A drug of the master the allergy names: its ingredients named, its classes lent. */
static void drug_concepts(struct concepts *cs, const struct ehr_drug *x, const char *via)
{
	struct rx_keys k;
	rx_keys_of(&k, x->generic_name, RX_FOLD_INGREDIENT);
	for (int i = 0; i < k.n; i++)
		concept_add(cs, 0, k.v[i], k.shown[i], via, NULL, O_NAMED);
	rx_keys_free(&k);
	rx_keys_of(&k, x->allergy_classes, RX_FOLD_CLASS);
	for (int i = 0; i < k.n; i++)
		concept_add(cs, 1, k.v[i], k.shown[i], via, NULL, O_LENT);
	rx_keys_free(&k);
}

enum rx_script rx_kana_script(uint32_t cp)
{
	if ((cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || (cp >= 0xFF66 && cp <= 0xFF9F))
		return RX_S_KATAKANA; /* katakana, ー, half-width katakana (the middle dots ・ ･ end a run: two names) */
	if (cp >= 0x3041 && cp <= 0x309F)
		return RX_S_HIRAGANA;
	return RX_S_OTHER;
}

/* Drug names are written in kana: each run of katakana (or of hiragana, ー belonging to either) is read as a name
 * that may be followed by more (ボルタレン疑い, ロキソニンテープ): the dictionary's words that must begin a run
 * (products in kana, ^ピリン) when the run begins with one, and, for a run of three characters or more, the drugs of
 * the master (a kana or generic name the run begins with, or a product the run begins). */
static int kana_in(struct store *s, struct concepts *cs, const char *text)
{
	const struct rx_allergy_tables *tab = rx_allergy_tables();
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), i = 0;
	int rc = 0;
	while (i < n && rc == 0) {
		uint32_t cp;
		int l = utf8_decode(p + i, n - i, &cp);
		enum rx_script sc = rx_kana_script(cp);
		size_t start = i;
		i += l > 0 ? (size_t)l : 1;
		if (sc == RX_S_OTHER)
			continue;
		while (i < n) {
			l = utf8_decode(p + i, n - i, &cp);
			enum rx_script sc2 = rx_kana_script(cp);
			if (sc2 != sc && cp != 0x30FC)
				break;
			i += l > 0 ? (size_t)l : 1;
		}
		char *run = lb_strndup(text + start, i - start);
		char *key = rx_key(run);
		for (size_t w = 0; w < tab->nw; w++)
			if (tab->w[w].start && !strncmp(key, tab->w[w].key, strlen(tab->w[w].key)))
				word_found(cs, &tab->w[w], run);
		if (rx_chars(key) >= 3) {
			struct store_drugs named = {0};
			rc = store_drug_named_in(s, key, 20, &named);
			for (size_t j = 0; j < named.n && rc == 0; j++)
				drug_concepts(cs, &named.v[j].drug, run);
			store_drugs_release(&named);
		}
		free(key);
		free(run);
	}
	return rc;
}

static int severe_field(const char *sev)
{
	return sev && (!strcasecmp(sev, "severe") || !strcasecmp(sev, "high"));
}

/* Separators between the parts of an allergy text: ASCII punctuation and spaces, and their Japanese forms. */
static size_t sep_len(const char *p)
{
	static const char *const js[] = {"、", "。", "，", "；", "：", "・", "（", "）", "「", "」",
	                                 "『", "』", "【", "】", "／", "　", "＋", "＆", "→",  "⇒"};
	unsigned char c = (unsigned char)*p;
	if (c && c < 0x80 && !rx_is_alnum(c))
		return 1;
	for (size_t i = 0; i < LB_ARRAY_LEN(js); i++)
		if (!strncmp(p, js[i], strlen(js[i])))
			return strlen(js[i]);
	return 0;
}

static size_t part_len(const char *p)
{
	size_t n = 0;
	while (p[n] && !sep_len(p + n))
		n++;
	return n;
}

/* Everything allergy a names, and whether its history is severe. */
static int allergy_concepts(struct store *s, const struct ehr_allergy *a, const char *ka, struct concepts *cs)
{
	/* each part on its own: folding drops the commas, and ＮＳＡＩＤｓ、ＡＭＰＣ must stay two whole words */
	if (a->name) {
		const char *p = a->name;
		while (*p) {
			size_t n = part_len(p);
			if (n) {
				char *part = lb_strndup(p, n);
				char *kp = rx_key(part);
				words_in(cs, kp, 0);
				free(kp);
				free(part);
			}
			p += n;
			p += sep_len(p);
		}
	}
	(void)ka;
	if (a->reaction) {
		char *kr = rx_key(a->reaction);
		words_in(cs, kr, 1);
		free(kr);
	}
	if (!cs->severe_ja && severe_field(a->severity)) {
		cs->severe_ja = "重篤な反応";
		cs->severe_en = "a severe reaction";
	}
	int rc = 0;
	if (a->code && *a->code) {
		struct store_drugs coded = {0};
		if (store_drug_get(s, a->code, &coded) == 0)
			drug_concepts(cs, &coded.v[0].drug, a->code);
		store_drugs_release(&coded);
	}
	if (a->name)
		rc = kana_in(s, cs, a->name);
	return rc;
}

/* ---- the check ----------------------------------------------------------------------------------------------- */

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

/* a and b meet when one holds the other, the shorter at least min characters long. */
static int meets(const char *a, const char *b, size_t min)
{
	if (rx_chars(b) >= min && strstr(a, b))
		return 1;
	return rx_chars(a) >= min && strstr(b, a);
}

/* A key of ASCII letters and digits only. */
static int ascii_word(const char *key)
{
	for (; *key; key++)
		if (!rx_is_alnum((unsigned char)*key))
			return 0;
	return 1;
}

/* A key of kana only, three characters or fewer (ピリン from ピリン系): too short to be looked for inside a word. */
static int short_kana(const char *key)
{
	return rx_chars(key) <= 3 && text_is_kana(key, strlen(key));
}

/* Does w occur in key where no kana comes before it (ピリン in ピリン疑イ, not in アスピリン)? */
static int kana_word_in(const char *key, const char *w)
{
	for (const char *p = strstr(key, w); p; p = strstr(p + 1, w)) {
		if (p == key)
			return 1;
		const char *q = p - 1; /* the code point before p */
		while (q > key && ((unsigned char)*q & 0xC0) == 0x80)
			q--;
		uint32_t cp; /* U+FFFD when invalid: no kana */
		utf8_decode((const unsigned char *)q, (size_t)(p - q), &cp);
		if (rx_kana_script(cp) == RX_S_OTHER)
			return 1;
	}
	return 0;
}

/* Does allergy key ka name the drug itself (an ingredient, the brand or its reading, or its class)? What matched is
 * written to what (original spelling). */
static int allergy_names_drug(const char *ka, const struct ehr_drug *d, char *what, size_t cap)
{
	struct rx_keys k;
	rx_keys_of(&k, d->allergy_classes, RX_FOLD_CLASS);
	for (int i = 0; i < k.n; i++) {
		char *raw = rx_key(k.shown[i]);
		rx_strip_kei(raw);
		/* PC as a whole word (not in PCA), ピリン not inside アスピリン */
		int hit = ascii_word(raw)   ? word_at(ka, raw, 1)
		          : short_kana(raw) ? kana_word_in(ka, raw)
		                            : meets(ka, raw, 2);
		free(raw);
		if (hit) {
			snprintf(what, cap, "%s", k.shown[i]);
			rx_keys_free(&k);
			return 1;
		}
	}
	rx_keys_free(&k);
	rx_keys_of(&k, d->generic_name, RX_FOLD_PLAIN);
	for (int i = 0; i < k.n; i++)
		if (meets(ka, k.v[i], 3)) {
			snprintf(what, cap, "%s", k.shown[i]);
			rx_keys_free(&k);
			return 1;
		}
	rx_keys_free(&k);
	const char *names[] = {d->name, d->kana};
	for (size_t i = 0; i < LB_ARRAY_LEN(names); i++) {
		char *kn = rx_key(names[i]);
		/* the allergy names the product ("サワシリン" in "サワシリンカプセル250"), or the text holds its reading
		 * ("ロキソニン" in "ロキソニンで蕁麻疹") */
		int hit =
		        (rx_chars(ka) >= 3 && *kn && strstr(kn, ka)) || (i == 1 && rx_chars(kn) >= 3 && strstr(ka, kn));
		free(kn);
		if (hit) {
			snprintf(what, cap, "%s", names[i]);
			return 1;
		}
	}
	return 0;
}

/* The alert one allergy gives: the highest level found, the first of its level. */
struct finding {
	enum rx_level level;
	const char *kind;
	struct buf en, ja;
};

static int better(struct finding *f, enum rx_level level)
{
	if (level <= f->level)
		return 0;
	f->level = level;
	buf_reset(&f->en);
	buf_reset(&f->ja);
	return 1;
}

/* What in the allergy named concept c, for the reason text: "サワシリン: アモキシシリン水和物", or just the concept
 * when the allergy is written as the word itself. */
static const char *via_text(char *out, size_t cap, const char *aname, const struct concept *c, const char *shown)
{
	char *ka = rx_key(aname);
	int same = !strcmp(ka, c->via);
	free(ka);
	if (same || !strcmp(aname, c->via))
		snprintf(out, cap, "%s", shown);
	else
		snprintf(out, cap, "%s: %s", c->via, shown);
	return out;
}

static void severe_note(struct finding *f, const struct concepts *cs)
{
	if (!f->level || !cs->severe_ja)
		return;
	buf_addf(&f->en, " — history of %s: ask the prescriber before giving it", cs->severe_en);
	buf_addf(&f->ja, "。%sの既往: 投与前に必ず処方医へ確認", cs->severe_ja);
}

int rx_rule_allergy(struct store *s, struct rx_result *r)
{
	const struct rx_allergy_tables *tab = rx_allergy_tables();
	const struct ehr_drug *d = &r->drug;
	struct buf basis = {0}, basis_ja = {0};
	struct rx_keys dcls, ding;
	rx_keys_of(&dcls, d->allergy_classes, RX_FOLD_CLASS);
	rx_keys_of(&ding, d->generic_name, RX_FOLD_INGREDIENT);
	struct finding f = {0};
	int rc = 0;
	for (size_t i = 0; i < r->patient.n_allergies && rc == 0; i++) {
		const struct ehr_allergy *a = &r->patient.allergies[i];
		const char *aname = a->name ? a->name : a->code ? a->code : "?";
		allergy_text(a, &basis, 0);
		allergy_text(a, &basis_ja, 1);
		char *ka = rx_key(a->name);
		struct concepts cs = {0};
		rc = allergy_concepts(s, a, ka, &cs);
		int severe = cs.severe_ja != NULL;
		f.level = 0;
		f.kind = NULL;
		char what[256], vt[512];

		/* 1. the drug itself: its code, or its names, ingredients or classes in the text */
		int direct = code_is(a->code, d);
		if (direct)
			snprintf(what, sizeof(what), "%s", a->code);
		else if (*ka)
			direct = allergy_names_drug(ka, d, what, sizeof(what));
		if (direct && better(&f, RX_STOP)) {
			f.kind = "allergy";
			buf_addf(&f.en, "allergy: the patient is allergic to %s, and %s is %s", aname, d->name, what);
			buf_addf(&f.ja, "アレルギー: %s のアレルギー歴があり、%s は %s に該当します", aname, d->name,
			         what);
		}
		/* 2. the same ingredient, named by the dictionary or by another product (サワシリン → アモキシシリン) */
		for (int c = 0; c < cs.n && f.level < RX_STOP; c++)
			for (int j = 0; j < ding.n && !cs.v[c].is_class; j++)
				if (rx_same_ingredient(cs.v[c].key, ding.v[j]) && better(&f, RX_STOP)) {
					f.kind = "allergy";
					buf_addf(&f.en,
					         "allergy: the patient is allergic to %s (%s), and %s contains the "
					         "same ingredient",
					         aname, via_text(vt, sizeof(vt), aname, &cs.v[c], cs.v[c].shown),
					         d->name);
					buf_addf(
					        &f.ja,
					        "アレルギー: %s (%s) のアレルギー歴があり、%s は同じ成分 %s を含みます",
					        aname, via_text(vt, sizeof(vt), aname, &cs.v[c], cs.v[c].shown),
					        d->name, ding.shown[j]);
				}
		/* 3. a class: named → stop; lent by a named drug → warn, stop after a severe reaction */
		for (int c = 0; c < cs.n && f.level < RX_STOP; c++)
			for (int j = 0; j < dcls.n && cs.v[c].is_class; j++) {
				if (strcmp(cs.v[c].key, dcls.v[j]))
					continue;
				int named = cs.v[c].origin == O_NAMED;
				enum rx_level lv = named || severe ? RX_STOP : RX_WARN;
				if (!better(&f, lv))
					continue;
				f.kind = named ? "allergy" : "allergy-class";
				if (named) {
					buf_addf(&f.en, "allergy: the patient is allergic to %s (%s), and %s is %s",
					         aname, via_text(vt, sizeof(vt), aname, &cs.v[c], cs.v[c].shown),
					         d->name, dcls.shown[j]);
					buf_addf(&f.ja, "アレルギー: %s (%s) のアレルギー歴があり、%s は %s です",
					         aname, via_text(vt, sizeof(vt), aname, &cs.v[c], cs.v[c].shown),
					         d->name, dcls.shown[j]);
				} else {
					buf_addf(&f.en,
					         "allergy class: the patient is allergic to %s (%s), of class %s like "
					         "%s",
					         aname, cs.v[c].via, dcls.shown[j], d->name);
					buf_addf(&f.ja,
					         "アレルギー(同系統): %s (%s) のアレルギー歴があり、%s と同じ %s です",
					         aname, cs.v[c].via, d->name, dcls.shown[j]);
				}
			}
		/* 4. cross-reactivity between classes (the table) */
		for (size_t t = 0; t < tab->nc && f.level < RX_STOP; t++) {
			const struct rx_cross *x = &tab->c[t];
			int have = -1, hit = -1;
			for (int c = 0; c < cs.n && have < 0; c++)
				if (cs.v[c].is_class && !strcmp(cs.v[c].key, x->a_key))
					have = c;
			if (have < 0)
				continue;
			for (int j = 0; j < dcls.n && hit < 0; j++)
				if (!strcmp(dcls.v[j], x->b_key))
					hit = j;
			const char *dshown = hit >= 0 ? dcls.shown[hit] : NULL;
			for (int j = 0; j < ding.n && !dshown; j++)
				if (rx_same_ingredient(ding.v[j], x->b_key))
					dshown = ding.shown[j];
			if (!dshown)
				continue;
			enum rx_level lv = severe ? x->level_severe : x->level;
			if (!better(&f, lv))
				continue;
			f.kind = "allergy-cross";
			buf_addf(&f.en,
			         "cross-reactivity: the patient is allergic to %s (%s), and %s is %s (%s; "
			         "cross-reactivity table %s: %s)",
			         aname, via_text(vt, sizeof(vt), aname, &cs.v[have], x->a), d->name, dshown, x->note,
			         tab->cross_version, x->source);
			buf_addf(&f.ja, "交差反応: %s (%s) のアレルギー歴があり、%s は %s です (%s。交差反応表 %s: %s)",
			         aname, via_text(vt, sizeof(vt), aname, &cs.v[have], x->a), d->name, dshown, x->note,
			         tab->cross_version, x->source);
		}
		if (f.level) {
			severe_note(&f, &cs);
			rx_alert_add(r, f.level, f.kind, "allergy", a->id, basis.data, basis_ja.data, f.en.data,
			             f.ja.data);
		} else if (a->kind == EHR_ALLERGY_DRUG && !cs.n && rc == 0) {
			/* 5. a drug allergy that names nothing lifeboat knows: the pharmacist reads it */
			buf_reset(&f.en);
			buf_reset(&f.ja);
			buf_addf(&f.en,
			         "unclassified drug allergy: %s — names no drug or class known here; check by hand",
			         aname);
			buf_addf(&f.ja,
			         "未分類の薬剤アレルギー: %s — 既知の薬剤・系統に該当しません。手で確認してください",
			         aname);
			rx_alert_add(r, RX_INFO, "allergy-unknown", "allergy", a->id, basis.data, basis_ja.data,
			             f.en.data, f.ja.data);
		}
		concepts_free(&cs);
		free(ka);
	}
	rx_keys_free(&dcls);
	rx_keys_free(&ding);
	buf_release(&f.en);
	buf_release(&f.ja);
	buf_release(&basis);
	buf_release(&basis_ja);
	return rc;
}
