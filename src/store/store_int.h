/*
 * store_int.h - what the files of src/store/ share (not part of store.h).
 */
#ifndef LB_STORE_INT_H
#define LB_STORE_INT_H

#include "store.h"

#include <sqlite3.h>

#define STORE_SCHEMA_VERSION "1"

/* Prepared statements, compiled once per open store (store.c). */
enum store_stmt {
	ST_FILE_INSERT,
	ST_FILE_UPDATE,
	ST_FILE_TOUCH,
	ST_PATIENT,
	ST_ALLERGY,
	ST_MEDICATION,
	ST_RESULT,
	ST_DIAGNOSIS,
	ST_ADT,
	ST_APPOINTMENT,
	ST_DRUG,
	ST_RAW,
	ST_WARNING,
	ST_DEL_PATIENTS,
	ST_DEL_ALLERGIES,
	ST_DEL_MEDICATIONS,
	ST_DEL_RESULTS,
	ST_DEL_DIAGNOSES,
	ST_DEL_ADT,
	ST_DEL_APPOINTMENTS,
	ST_DEL_DRUGS,
	ST_DEL_RAW,
	ST_DEL_WARNINGS,
	ST_DEL_FILE,
	ST_COUNT
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	char *path;
	/* during a run */
	int64_t run_id;
	int64_t file_id; /* the source file rows are being written for */
	struct store_ingest_stats *stats;
	int failed; /* an SQLite error inside a sink callback */
	/* search statements, prepared on first use (search.c); keyed by the address of their SQL text */
	const char *cached_sql[32];
	sqlite3_stmt *cached[32];
};

/* A prepared statement for sql (a string constant), kept until store_close; reset before use. NULL on error. */
sqlite3_stmt *store_cached_stmt(struct store *s, const char *sql);
/* 1 when the store predates a column added to its schema since (store.c upgrades it on a read-write open). */
int store_lacks_columns(struct store *s);
/* Map an SQLite failure to an LB_E* error with its message. */
int store_sqlerr(struct store *s, const char *what);
/* Bind UTF-8 text or NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Step a write statement to completion and reset it. */
int store_exec_stmt(struct store *s, sqlite3_stmt *st);
int store_exec(struct store *s, const char *sql);
/* Remove every row that came from file id (and the file's row itself when drop_file). */
int store_forget_file(struct store *s, int64_t file_id, int drop_file);

/* sink.c: the struct ehr_sink that writes into the store (ctx is the store). */
void store_sink_init(struct store *s, struct ehr_sink *sink);

/* prefetch.c: a helper thread that reads files[i] for which wanted(ctx, i) ahead of the loop (NULL if none). */
struct store_prefetch;
struct store_prefetch *store_prefetch_start(const char *root, const struct ssmix2_scan *scan,
                                            int (*wanted)(void *ctx, size_t i), void *ctx);
void store_prefetch_at(struct store_prefetch *p, size_t i);
void store_prefetch_stop(struct store_prefetch *p);

/* derive.c: census from ADT events, same-name counts, as-of metadata. */
int store_derive(struct store *s);

/* FNV-1a 64 of bytes, as 16 hex digits. */
void store_hash(const char *bytes, size_t n, char out[17]);

#endif
