/*
 * rx.h - prescription safety without the EHR: the whole interface of src/rx/.
 *
 * rx stands on store, ehr, text and core. It owns the three-character drug search (brand, kana in any width or
 * script, generic name, codes; a brand shows its generics and a generic its brands) and the checks the EHR ran on
 * every order and that paper loses: allergy / contraindication class, duplicate ingredient or class, interactions
 * with active medicines, pregnancy, maximum daily dose, age limits. It reads the clinical store only; the station and the
 * command-line both call it (rx_check fills a struct of alerts; nothing here prints).
 *
 * Levels (docs/rx.md has the table): RX_STOP means "do not give without asking the prescriber" (a recorded allergy
 * to the drug, its ingredient or its class, a cross-reactive class the table marks stop or after a severe reaction;
 * 併用禁忌; a drug contraindicated in pregnancy for a pregnant patient; a daily total twice the maximum or more, or
 * any excess for a narrow-therapeutic drug; a weekly product ordered daily; a patient younger than the master
 * allows); RX_WARN means "check before giving" (併用注意, duplicate, 同効薬重複, a dose over the maximum, a maximum
 * that could not be checked, a look-alike of an active medicine, the possibility of pregnancy, an upper age limit,
 * a child's weight older than RX_WEIGHT_STALE_DAYS that a per-kg maximum was judged on); RX_INFO is context
 * (careful use in pregnancy, the elderly, an unclassified drug allergy). A safe order gives no
 * alert at all.
 */
#ifndef LB_RX_H
#define LB_RX_H

#include "core/core.h"
#include "store/store.h"

/* ---- amounts and units (dose.c) ------------------------------------------------------------------------------ */

/* Parse an amount as staff type it: "250", "0.5", "1,500", "１２０" (plain decimals, any width), optionally
 * followed by a unit ("250mg", "1錠"); *unit_out (may be NULL) receives the unit text's start inside s. Returns 0 and
 * *v (> 0, < 1e7), or -LB_EINVAL with a detail. */
int rx_parse_amount(const char *s, double *v, const char **unit_out);
/* When rx_parse_amount refuses s for its unit ("60kg", "3γ", "5mg/kg"), its detail in the language asked for (ja:
 * Japanese, else English; see rx_unit_message) appended to out, and 1; otherwise 0 and out as it was. */
int rx_amount_unit_message(struct buf *out, const char *s, int ja);
/* 1 when unit is one a paper order must not use because it does not mean what it says: γ (on Japanese wards
 * μg/kg/min, not μg). rx_parse_amount and rx_check refuse it. */
int rx_unit_refused(const char *unit);
/* 0, or -LB_EINVAL with a one-line detail naming it, when unit is not a dose's: γ (rx_unit_refused), a body
 * weight, a length, a temperature, a percentage or a time (kg, cm, ℃, %, h …), or a dose per body weight, body
 * surface or time (mg/kg, mL/h, mg/日). text is what was typed (the detail quotes it; pass unit itself for a unit
 * field). rx_parse_amount and rx_check refuse such units; an unknown unit (袋, 噴霧) is left to the check, which says
 * it cannot compare it. */
int rx_unit_check(const char *text, const char *unit);
/* The same detail in the language asked for (ja: Japanese, else English) rather than the process's: a station
 * answers each request in its own. Appends the one line to out and returns 1 when rx_unit_check refuses unit;
 * returns 0 and leaves out as it was otherwise. */
int rx_unit_message(struct buf *out, const char *text, const char *unit, int ja);
/* Canonical spelling of a unit ("ｍｇ", "MG", "㎎" → "mg"; "mcg", "µg", "ug", "㎍" → "μg"; "ml", "㎖" → "mL";
 * "T", "tab" → "錠"; "cap", "C" → "カプセル"; "U", "IU", "単位" → "単位"), written to out (cap bytes). Unknown units
 * are copied trimmed. Returns out. */
const char *rx_unit_norm(const char *unit, char *out, size_t cap);
/* Factor that converts an amount in unit `from` to unit `to` (both canonical): 1 for the same unit, 1000 for g →
 * mg, 0.001 for μg → mg, … ; 0 when they cannot be compared (錠 and mg). */
double rx_unit_factor(const char *from, const char *to);
/* The strength of one tablet/capsule/ampoule read from a product name ("ロキソニン錠60mg" → 60, "mg"; the last
 * number followed by a unit of mass or volume). Returns 1 when found. */
int rx_strength_from_name(const char *name, double *amount, char *unit, size_t cap);

/* ---- search (search.c) --------------------------------------------------------------------------------------- */

#define RX_SEARCH_MIN_CHARS 3
struct rx_hit {
	struct ehr_drug drug;  /* points into the result's store lists */
	const char *match;     /* what matched: "code", "name-prefix", "kana", "generic" … */
	int generic_product;   /* a generic product (後発品: 「会社名」 in the name) rather than a brand */
	struct ehr_drug *same; /* the other products of the same ingredient (a brand's generics, a generic's brands) */
	size_t nsame;
};
struct rx_hits {
	struct rx_hit *v;
	size_t n;
	int truncated;
	/* owned */
	struct store_drugs found, siblings;
};
/* Search the drug master from RX_SEARCH_MIN_CHARS characters (fewer: -LB_EUSAGE). limit 0 means 50. */
int rx_search(struct store *s, const char *text, size_t limit, struct rx_hits *out);
void rx_hits_release(struct rx_hits *h);
/* 1 when a product name reads as a generic product (「…」 with the maker's name, as Japanese generics are named). */
int rx_is_generic_product(const char *name);

/* ---- checks (check.c, rules.c) ------------------------------------------------------------------------------- */

/* Another order the new one is checked against (duplicates, interactions, classes): a line of the same paper
 * prescription, or an order recorded during the outage (store_outage_*). */
struct rx_other {
	const char *drug_code; /* code of the drug master */
	double dose;           /* per administration (0: not given) */
	const char *unit;      /* as written (NULL: the master's) */
	double per_day;
	int period_days; /* the dosing period it was ordered with: 1 daily, 7 weekly …; 0: not known (an outage order
	                    recorded before lifeboat kept it), taken as its product's own period */
	const char *basis_type; /* "prescription" (a line of the same prescription) or "outage-order" */
	const char *id;         /* the outage order's id or the line number, for the basis */
	const char *text;       /* what the basis shows: "2026-12-01 デパケンR錠200 200mg × 2/day" */
	const char *text_ja;    /* the same in Japanese ("… 200mg × 1日2回"); NULL: text */
};

/* One order as written on paper. */
struct rx_order {
	const char *patient_id;
	const char *drug_code; /* code, YJ or HOT code of the drug master */
	double dose;           /* per administration, in unit */
	const char *unit;      /* as written: mg, 錠, mL … (NULL: the master's unit) */
	double per_day;        /* administrations per day (on a dosing day) */
	int period_days;       /* one dosing day every period_days days: 0 or 1 daily, 7 weekly (--weekly) */
	int days;              /* days supplied (0: not given) */
	int pregnant;          /* the prescriber says the patient is pregnant (refused for a male patient) */
	int not_pregnant; /* the patient was asked: not pregnant (no 「妊娠の可能性を確認」 for a 禁忌 drug) */
	const struct rx_other *others; /* the other lines of the prescription and the outage's orders (may be NULL) */
	const char *order_no; /* an active order being given (the bedside check): never counted against itself */
	size_t n_others;
};

enum rx_level { RX_INFO = 1, RX_WARN, RX_STOP };

/* Ages the dose checks turn on (docs/rx.md): under RX_CHILD_YEARS the dose is checked per kg of body weight; from
 * RX_ELDERLY_YEARS on the master's caution for the elderly (高齢者) is shown. */
#define RX_CHILD_YEARS 15
#define RX_ELDERLY_YEARS 65
/* A child's body weight measured more than this many days before today (or on an unknown day) is used, and said
 * to be possibly out of date (kind "weight-age": WARN when a per-kg maximum rests on it, else INFO). */
#define RX_WEIGHT_STALE_DAYS 30

/* What an alert rests on: the record of the patient or the master entry that raised it. */
struct rx_basis {
	const char *type; /* "allergy", "medication", "diagnosis", "drug-master", "order", "patient", "prescription"
	                     (another line of the same prescription), "outage-order" (an order checked and recorded
	                     during the outage) */
	char *id;         /* allergy id / order number / diagnosis code / drug code, or NULL */
	char *text;       /* what the record says: "ペニシリン系抗生物質 (発疹, severe, 2025-07-04)" */
	char *text_ja;    /* the same in Japanese ("… (発疹, 重度, 2025-07-04)"); never NULL when text is set */
};
struct rx_alert {
	enum rx_level level;
	const char *kind; /* "allergy", "allergy-class", "allergy-cross", "allergy-unknown", "duplicate",
	                     "duplicate-class", "interaction", "pregnancy",
	                     "max-dose", "unit", "age" */
	char *reason_en, *reason_ja;
	struct rx_basis basis;
};
struct rx_result {
	struct rx_alert *v; /* stop first, then warn, then info */
	size_t n;
	int stop;            /* any alert is RX_STOP */
	int pregnant;        /* pregnancy considered (flag or a recorded pregnancy) */
	double daily;        /* this order per dosing period of the product (a day, or a week for period_days 7) in the
	                         master's unit: dose × per_day × strength (0 when not comparable) */
	double active_daily; /* the same ingredient already active, per period, in the master's unit (0: none) */
	double lines_daily;  /* the same ingredient in the other lines of this prescription (rx_order.others) */
	double outage_daily; /* the same ingredient in the outage's running orders (rx_order.others) */
	double total_daily;  /* daily + active_daily + lines_daily + outage_daily: what the maximum is checked against
	                        (0 when not comparable) */
	int period_days;     /* the product's dosing period (1 daily, 7 weekly); max_daily_dose is per period */
	double strength;  /* the master's unit in one 錠/カプセル … of the order's unit (0: not a count unit) */
	double weight_kg; /* the latest recorded body weight (0: none), for patients under RX_CHILD_YEARS */
	char weight_time[32]; /* when it was measured */
	int age_months;       /* the patient's age today (patient.today) in completed months (-1: no birth date) */
	char unit[32];        /* the master's unit */
	struct ehr_drug drug; /* the ordered drug (points into owned lists) */
	char as_of[32];
	int as_of_unknown; /* as_of is the load time: the data holds none (store_as_of_show) */
	/* owned */
	struct store_drugs drugs;
	struct store_patient_view patient;
};
/* The allergy dictionary (data/rx/allergy-words.tsv) and cross-reactivity table (data/rx/cross-reactivity.tsv)
 * compiled into this binary: their version lines and their number of entries. */
const char *rx_allergy_words_version(void);
const char *rx_cross_reactivity_version(void);
size_t rx_allergy_words_count(void);
size_t rx_cross_reactivity_count(void);
/* Check order against the patient's snapshot and the drug master. Unknown patient or drug: -LB_ENOTFOUND; a dose
 * or per-day that is not positive: -LB_EUSAGE. out is filled (release it with rx_result_release either way). */
int rx_check(struct store *s, const struct rx_order *order, struct rx_result *out);
void rx_result_release(struct rx_result *r);
const char *rx_level_name(enum rx_level level); /* "stop", "warn", "info" (codes for JSON and CSS) */
/* What people read for a level, a kind of alert and the type of record an alert rests on (ja: 中止, 要確認, 情報;
 * アレルギー, 相互作用, 1日最大量超過 …; アレルギー歴, 医薬品マスタ …). Unknown codes come back as given. */
const char *rx_level_word(enum rx_level level, int ja);
/* 名称類似: 1 when a's or b's confusable column names the other (its code, YJ/HOT code, or a name or kana that
 * starts with the listed name); out receives b's name. */
int rx_confusable_entry(const struct ehr_drug *a, const struct ehr_drug *b, char *out, size_t cap);
/* The mark of a ハイリスク薬 ("high-alert" / "ハイリスク薬"). */
#define RX_HIGH_ALERT_WORD(ja) ((ja) ? "ハイリスク薬" : "high-alert")
const char *rx_kind_word(const char *kind, int ja);
const char *rx_basis_word(const char *type, int ja);
/* The dose as it was understood, one line (ja: 「1回 0.5 mg × 1日1回 = 1日 0.5 mg (最大 10 mg)」; en: "0.5 mg × 1
 * a day = 0.5 mg a day (max 10 mg)"), appended to b; with the same ingredient elsewhere the total and its parts
 * follow: 「計 360 mg: この処方 180 mg + 服用中 180 mg」 (+ 同じ処方の他の行, + ダウンタイム中の処方). */
void rx_dose_text(const struct rx_order *o, const struct rx_result *r, struct buf *b, int ja);
/* An age in months as people say it: "10 years 6 months", "8 months" (ja: "10歳6か月", "8か月"), appended to b. */
void rx_age_text(struct buf *b, int months, int ja);

#endif /* LB_RX_H */
