/*
 * rx_int.h - what the files of src/rx/ share (not part of rx.h).
 */
#ifndef LB_RX_INT_H
#define LB_RX_INT_H

#include "rx.h"
#include "text/text.h"

/* Append an alert (strings copied). basis_ja is the basis text in Japanese when it has words of its own (NULL: the
 * same as basis_text, which is then data only: names, codes, dates). */
void rx_alert_add(struct rx_result *r, enum rx_level level, const char *kind, const char *basis_type,
                  const char *basis_id, const char *basis_text, const char *basis_ja, const char *en, const char *ja);
/* The search key of s as a new string ("" for NULL); free() it. */
char *rx_key(const char *s);

/* allergy.c: the patient's allergies against the drug (r->drug and r->patient are filled). */
int rx_rule_allergy(struct store *s, struct rx_result *r);
/* rules.c: each adds the alerts of one family to r (r->drug and r->patient are filled). */
int rx_rule_active(struct store *s, struct rx_result *r, const struct rx_order *o);
void rx_rule_pregnancy(struct rx_result *r, const struct rx_order *o);
/* dose_rule.c: the dose checks (maximum per day or period, the same ingredient already active, dosing period,
 * mg/kg for children, the caution for the elderly); r->age_months must be set (rx_rule_age first). */
int rx_rule_dose(struct store *s, struct rx_result *r, const struct rx_order *o);
/* What rx_rule_dose gathers from the store, given to rx_dose_eval (unit tests call it directly). */
struct rx_dose_ctx {
	double active; /* the same ingredient already active, per period, in the master's unit */
	struct buf active_text, active_text_ja; /* which orders ("ロキソニン錠60mg 180 mg (ORD1)") */
	double lines;                           /* the other lines of this prescription (rx_order.others) */
	struct buf lines_text;                  /* which ("line 2: ロキソプロフェン錠60mg 180 mg") */
	double outage;                          /* the outage's running orders (rx_order.others "outage-order") */
	struct buf outage_text;                 /* which ("#3 ロキソニン錠60mg 180 mg") */
	struct buf unknown_text; /* active orders, lines or outage orders of the ingredient whose dose is not known */
	double weight_kg;        /* 0: none */
	const char *weight_time; /* when it was measured (YYYY-MM-DD…; NULL or "": not known) */
	const char *today;       /* the day the weight's age is counted to (NULL: r->patient.today) */
};
void rx_dose_ctx_release(struct rx_dose_ctx *c);
void rx_dose_eval(struct rx_result *r, const struct rx_order *o, const struct rx_dose_ctx *c);
/* The master's unit in one unit of count (錠, カプセル …) of drug d: the strength column, the strength in the name
 * (錠60mg), or a bare number ending the name read in the master's unit (クラリス錠200, mg → 200) — the
 * last only for a per-unit form (錠, OD錠, カプセル, 坐剤: the form column, else the name) counted in its own unit
 * (錠, カプセル, 個), never per 包/本/枚. how gets "1錠 = 200 mg". 0 when not known. */
double rx_count_strength(const struct ehr_drug *d, const char *count_unit, const char *master_unit, char *how,
                         size_t cap);
/* child_weight.c: the upper reference body weight of a child of age_years (data/rx/child-weight-upper.tsv); 0 when
 * the table has none. table_version (may be NULL) gets the table's version. */
double rx_child_upper_kg(int age_years, const char **table_version);
/* age.c: the drug's age limits against the patient's age at the as-of date (fills r->age_months). */
void rx_rule_age(struct rx_result *r);

/* keys.c: a ';'-separated list of a master row (also '；', '、', ',') as search keys, at most RX_KEYS_MAX. */
#define RX_KEYS_MAX 16
struct rx_keys {
	char *v[RX_KEYS_MAX];     /* the keys */
	char *shown[RX_KEYS_MAX]; /* each element as written (for messages) */
	int n;
};
enum rx_key_fold {
	RX_FOLD_PLAIN,
	RX_FOLD_KEI, /* a trailing 系 dropped (ペニシリン系 → ペニシリン, to meet an allergy written so) */
	RX_FOLD_CLASS, /* 系 dropped and the dictionary's canonical class taken (ペニ系 → ペニシリン) */
	RX_FOLD_INGREDIENT /* salts and hydrates dropped (ロキソプロフェンナトリウム水和物 → ロキソプロフェン) */
};
void rx_keys_of(struct rx_keys *k, const char *list, enum rx_key_fold fold);
void rx_keys_free(struct rx_keys *k);

/* allergy_tables.c: the shipped allergy words and cross-reactivity pairs (data/rx/allergy-words.tsv, cross-reactivity.tsv), built once. */
enum rx_word_kind { RX_W_CLASS = 1, RX_W_INGREDIENT, RX_W_SEVERE, RX_W_PRODUCT };
struct rx_word {
	char *word;      /* as written in the table (without a leading ^) */
	char *key;       /* the word folded */
	char *key_nokei; /* the same without a trailing 系 (to meet a master's class) */
	int ascii;       /* letters and digits only: whole-word match */
	int start;       /* kana that must begin a run of kana in the text (^ピリン; a product written in kana) */
	enum rx_word_kind kind;
	char *target; /* as written: ペニシリン系, アモキシシリン, アナフィラキシー; a product's 一般名 (;-list) */
	char *target_key; /* class: folded without 系; ingredient: folded without salt */
	char *cls;        /* a product: the classes it lends, as the master writes them (;-list, may be "") */
	char *en;
};
struct rx_cross {
	char *a_key, *b_key; /* canonical class keys (b may be an ingredient key) */
	char *a, *b, *note, *source;
	enum rx_level level, level_severe;
};
struct rx_allergy_tables {
	struct rx_word *w;
	size_t nw;
	struct rx_cross *c;
	size_t nc;
	char words_version[32], cross_version[32];
	char *salt[24]; /* folded salt and hydrate words stripped from a generic name */
	size_t nsalt;
};
const struct rx_allergy_tables *rx_allergy_tables(void);
/* Key foldings (in place unless said): a trailing 系 off; the ingredient part of a generic name (salts, hydrates,
 * 「塩酸」 off, two characters kept); the canonical class of a class key without 系 (a new string). */
void rx_strip_kei(char *key);
void rx_strip_salt(char *key);
char *rx_canon_class(const char *key);
/* allergy.c, for its tests: two ingredient keys name the same ingredient (equal, or one begins the other and is
 * four characters or more: セフカペン and セフカペンヒホキシル; アスヒリン and アスヒリンタイアルミネート); the script of
 * a code point in a run of kana (katakana with ー and half-width katakana; hiragana; anything else, ・ too). */
int rx_same_ingredient(const char *a, const char *b);
enum rx_script { RX_S_OTHER, RX_S_KATAKANA, RX_S_HIRAGANA };
enum rx_script rx_kana_script(uint32_t cp);
/* Characters (code points) of s; an ASCII letter or digit. */
size_t rx_chars(const char *s);
int rx_is_alnum(unsigned char c);

#endif
