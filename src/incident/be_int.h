/*
 * be_int.h - what the back-entry files (numbers.c, orders.c, backlog.c) share: one write transaction with its
 * timeline entry, and a statement prepared for the call.
 */
#ifndef LB_INCIDENT_BE_INT_H
#define LB_INCIDENT_BE_INT_H

#include "backentry.h"
#include "incident_int.h"

#include <jansson.h>

/* BEGIN IMMEDIATE on f (the write lock, queued behind other writers by the busy timeout). */
int be_begin(struct incident_file *f);
/* COMMIT when rc is 0, else ROLLBACK; returns rc (or the commit's error). */
int be_end(struct incident_file *f, int rc);
/* Append the backentry timeline entry (kind, text) inside the open transaction; *seq its number. */
int be_append(struct incident_file *f, const char *kind, const char *text, const char *who, const char *os_user,
              int64_t *seq);
/* Prepare sql on f (0, or the error set). */
int be_prepare(struct incident_file *f, const char *sql, sqlite3_stmt **st);
/* The orders matching flt (open_only: those of the backlog still outstanding), by number (orders.c). */
int be_list_in(struct incident_file *f, const struct be_filter *flt, int open_only,
               int (*each)(const struct be_order *, void *), void *arg);

/* 0 when s, if set, is a short line of text: what a field of an order may hold (required: must be set). */
int be_field_ok(const char *s, int required, const char *en, const char *ja);

/* An order's content as a JSON object (the lines of orders.jsonl, the two sides of a conflict); and back, checked
 * field by field and against its content hash: 0, or -1 with what is wrong in why. */
json_t *be_order_to_json(const struct be_order *o);
int be_order_of_json(json_t *j, struct be_order *o, const char **why);
/* o's content as be_order_hash takes it. */
void be_order_as_new(const struct be_order *o, struct be_order_new *n);
/* Show in o the content a resolution kept (kept: the JSON of that side, NULL: none); conflicts.c. */
void be_order_keep(struct be_order *o, const char *kept);
/* The SQL of the kept content of o.number (a column of ORDER_COLS). */
#define BE_KEPT_COL                                                                                              \
	"(SELECT CASE r.choice WHEN 'B' THEN c.theirs ELSE c.ours END FROM be_conflicts c JOIN be_resolutions r" \
	" ON r.conflict = c.id WHERE c.number = o.number ORDER BY r.id DESC LIMIT 1)"
/* The merge entries against their rows (be_merge.c): 0, or the seq of a bad one. */
int64_t be_verify_merges(struct incident_file *f);

#endif
