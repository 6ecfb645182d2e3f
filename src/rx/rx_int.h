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
/* age.c: the drug's age limits against the patient's age at the as-of date (fills r->age_months). */
void rx_rule_age(struct rx_result *r);

#endif
