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
void rx_rule_dose(struct rx_result *r, const struct rx_order *o);
/* age.c: the drug's age limits against the patient's age at the as-of date (fills r->age_months). */
void rx_rule_age(struct rx_result *r);

#endif
