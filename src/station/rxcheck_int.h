/*
 * rxcheck_int.h - what the prescription check page (pages_rxcheck.c) and its 記録 action (pages_rxrecord.c) share.
 */
#ifndef LB_STATION_RXCHECK_INT_H
#define LB_STATION_RXCHECK_INT_H

#include "station_int.h"

/* The fields of the check form (query string of GET /rx/check, or the POST body of /rx/record). */
struct rx_form {
	const char *patient, *drug, *dose, *unit, *per_day, *days;
	const char *period;   /* the dosing period in days (1 daily, 7 weekly: `rx check --period`) */
	const char *lines;    /* the lines of the prescription checked before this one:
	                       "CODE:DOSE:N[:DAYS:PERIOD];CODE:DOSE:N…" */
	const char *rx;       /* the prescription's id (rx_id_ok), kept from line to line; its lines are recorded with
	                       it, and a prescription already recorded is not recorded twice */
	const char *recorded; /* after a 記録: the id of the prescription just recorded (the note) */
	int pregnant, not_pregnant, weekly;
	int bad; /* an argument was present but not text (invalid UTF-8, control characters, too long) */
};

#define RX_LINES_MAX 20
/* The earlier lines of the prescription and the patient's running outage orders, as what the order is checked
 * against. The lines are "CODE:DOSE:N" joined by ';' (what the page itself carries in its hidden field); one that
 * does not read is refused (-1). texts/codes are owned by the caller's buffers. */
struct rx_against {
	struct rx_other v[RX_LINES_MAX + 64];
	size_t n, nlines;
	char *copy;
	char text[RX_LINES_MAX][128];                 /* "line 2: 100007401 200mg × 2/day" */
	char text_ja[RX_LINES_MAX][128];              /* 「2行目: 100007401 200mg × 1日2回」 */
	int days[RX_LINES_MAX], period[RX_LINES_MAX]; /* of each line (0: not given) */
	struct store_table outage;
	struct buf otext[64], otext_ja[64]; /* the outage orders' basis, in English and Japanese */
};

/* "ST-" and 16 hex digits: a prescription id the page made (a typed or forged one is refused). */
int rxc_id_ok(const char *s);
/* The roles that may record a prescription as outage orders (the others check only). */
int rxc_may_record(const char *role);
/* Read f->lines and the patient's running outage orders into a; -1 when a line does not read. */
int rxc_against_read(struct station_req *r, const struct rx_form *f, struct rx_against *a);
/* Line k of a as the page shows it (without its 「line 2: 」), in the request's language. */
const char *rxc_line_shown(struct station_req *r, const struct rx_against *a, size_t k);
void rxc_against_release(struct rx_against *a);
/* The 記録 form under a checked line (a note instead for a role that may not record). */
void rxc_record_form(struct station_req *r, struct buf *b, const char *patient, const char *lines, const char *rxid,
                     int pregnant, int not_pregnant, int stop);

#endif
