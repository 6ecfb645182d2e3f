/*
 * be_int.h - what the back-entry files (numbers.c, orders.c, backlog.c) share: one write transaction with its
 * timeline entry, and a statement prepared for the call.
 */
#ifndef LB_INCIDENT_BE_INT_H
#define LB_INCIDENT_BE_INT_H

#include "backentry.h"
#include "incident_int.h"

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

#endif
