/*
 * csv_int.h - the RFC 4180 reader of csv.c, shared by the feeds read with it (csv.c: appointments,
 * csv_drugs.c: the drug master). Internal to src/ehr.
 */
#ifndef LB_EHR_CSV_INT_H
#define LB_EHR_CSV_INT_H

#include "ehr.h"

#define CSV_MAX_FILE (1024u << 20)
#define CSV_MAX_FIELDS 256
#define CSV_MAX_FIELD (64u << 10)

/* One record at a time from a decoded text. */
struct csv {
	const char *p, *end;
	int64_t line;     /* line of the next byte (1-based) */
	struct buf store; /* the fields of the current record, each NUL-terminated */
	size_t off[CSV_MAX_FIELDS];
	int nf;
	int64_t rec_line;       /* first line of the current record */
	int too_many, too_long; /* caps hit in the current record */
	int unterminated;       /* a quoted field ran to the end of the file */
};

/* Read the next record into c; 0 at the end of the text. */
int csv_next(struct csv *c);

/* A column of a feed: found by header name in any order (English or Japanese). */
struct column {
	const char *names; /* '|'-separated accepted header names, the first being the documented one */
	int required;
	int index; /* set by find_columns, -1 when absent */
};

/* Load path (UTF-8 or CP932), decode it into text and read the header into cols (a missing required column is an
 * error naming it, before any row is handed on). */
int csv_feed_open(const char *path, struct buf *text, struct csv *c, struct column *cols, size_t ncols,
                  const struct ehr_sink *sink, struct ehr_source *src);

/* Check the caps of the current record (and set src->line); 1 when it can be used, else a warning was given. */
int csv_record_ok(struct csv *c, const struct ehr_sink *sink, struct ehr_source *src);

/* The value of a column in the current record, trimmed; NULL if the column is absent, "" if empty. */
const char *csv_col(struct csv *c, const struct column *cl);

/* s, or NULL when it is NULL or empty. */
const char *csv_nonempty(const char *s);

/* A warning about src to the sink (nothing without a warning callback). */
void csv_warn(const struct ehr_sink *sink, const struct ehr_source *src, enum ehr_warn kind, const char *fmt, ...)
        LB_PRINTF(4, 5);
/* The same in the language of the run (lb_tr): en and ja take the same arguments in the same order; the warning is
 * kept in the store as it was said. */
void csv_warn_tr(const struct ehr_sink *sink, const struct ehr_source *src, enum ehr_warn kind, const char *en,
                 const char *ja, ...) LB_PRINTF(4, 6);

#endif
