/*
 * store_int.h - what the files of src/store/ share (not part of store.h).
 */
#ifndef LB_STORE_INT_H
#define LB_STORE_INT_H

#include "store.h"

#include <sqlite3.h>

#define STORE_SCHEMA_VERSION "1"
/* How the sources are read into rows. Raise it when a change of the readers changes the rows that the same source
 * file gives (e.g. 2: ORC-5 order statuses): the next ingest then reads every source file again, so an older store
 * does not keep rows that this lifeboat would read differently. */
/* 3: RXC injection drugs, OMD/OMG/OML-01 orders, OMG-13 results; 4: the drug master's pharmacist columns */
#define STORE_READER_VERSION "4"
/* The trigram index of the drug search (substrings of three characters and more of the folded keys): an external
 * content table over drugs, rebuilt by the ingest run that changed the master (drugs' rowids change with INSERT OR
 * REPLACE, so it is never kept row by row). */
#define DRUGS_FTS_TABLE                                                                                             \
	"CREATE VIRTUAL TABLE IF NOT EXISTS drugs_fts USING fts5(key_name, key_kana, key_generic, content='drugs'," \
	" content_rowid='rowid', tokenize='trigram')"
/* The few products with look-alike names, so that the search's 名称類似 lookup per hit reads them and not the whole
 * master (its WHERE repeats this condition: a partial index serves only a query that implies it). */
#define DRUGS_CONFUSABLE_INDEX \
	"CREATE INDEX IF NOT EXISTS drugs_confusable ON drugs(code) WHERE confusable IS NOT NULL AND confusable <> ''"
/* The drug master's columns added with reader version 4 (store.c's added_columns adds them to older stores). */
#define DRUG_ADDED_COLUMNS                                                                           \
	", contraindicated_groups TEXT, therapeutic_class TEXT, strength TEXT, period_days INTEGER," \
	" narrow_therapeutic INTEGER, high_alert INTEGER, confusable TEXT, max_per_kg_day REAL, elderly TEXT"

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
	ST_ORDER,
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
	ST_DEL_ORDERS,
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
	int failed;        /* an SQLite error inside a sink callback */
	long rows_removed; /* record rows store_forget_file removed (for the shrink check of ingest.c) */
	int drugs_touched; /* drug master rows written or removed: finish_run rebuilds drugs_fts */
	int drugs_fts;     /* the trigram index of the drug search: -1 not looked for yet, 0 absent (older store), 1 */
	/* statements of the read side (and the ingest's less frequent ones), prepared on first use and kept; keyed
	 * by the address of their SQL text (store_cached_stmt): as many as there are such string constants */
	const char **cached_sql;
	sqlite3_stmt **cached;
	size_t ncached, capcached;
};

/* SQLite's process-wide settings, before the first connection (store.c; both open paths call it). */
void store_sqlite_setup(void);
/* A prepared statement for sql (a string constant), kept until store_close; reset before use. NULL on error. */
sqlite3_stmt *store_cached_stmt(struct store *s, const char *sql);
/* 1 when the store predates a column added to its schema since (store.c upgrades it on a read-write open). */
int store_lacks_columns(struct store *s);
/* Why the store at s->path cannot be opened, naming the path (and a missing folder on its way). */
int store_open_error(struct store *s);
/* Map an SQLite failure to an LB_E* error with its message. */
int store_sqlerr(struct store *s, const char *what);
/* Bind UTF-8 text or NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Step a write statement to completion and reset it. */
int store_exec_stmt(struct store *s, sqlite3_stmt *st);
int store_exec(struct store *s, const char *sql);
/* Set the journal mode ("WAL", "DELETE"): 0 when the store is in it afterwards (outside a transaction only). */
int store_journal(struct store *s, const char *mode);
/* Drop (create 0) or create (1) the search indexes of patients (store.c: a first load builds them at the end). */
int store_search_indexes(struct store *s, int create);
/* Remove every row that came from file id (and the file's row itself when drop_file). */
int store_forget_file(struct store *s, int64_t file_id, int drop_file);

/* ingest.c: remove the STORE_KEPT_PREVIOUS warning of files row file_id (before it is raised again). */
int store_warnings_forget_kept(struct store *s, int64_t file_id);

/* sink.c: the struct ehr_sink that writes into the store (ctx is the store). */
void store_sink_init(struct store *s, struct ehr_sink *sink);

/* files.c: the files table of one kind as a hash map by path, for one run. A zeroed map is empty. */
struct store_fent {
	char *path;
	int64_t id, size, mtime;
	char hash[17];
	int seen;    /* current in this run: not swept */
	int kept;    /* SS-MIX2: 1 its rows stand for a file that could not be loaded (STORE_KEPT_PREVIOUS), 2 again
	           * this run */
	int damaged; /* SS-MIX2: the row of a file found damaged (the path of a STORE_KEPT_PREVIOUS warning): its size,
	              * time and hash are the damaged file's, so that a run that finds it unchanged skips it */
};
struct store_fmap {
	struct store_fent *v;
	size_t n, cap;
	size_t *slot; /* index + 1 into v, 0 empty */
	size_t nslot;
};
/* Append the rows of kind (whose path starts with prefix, or all when prefix is NULL); store_fmap_index after. */
int store_fmap_load(struct store *s, const char *kind, const char *prefix, struct store_fmap *m);
void store_fmap_index(struct store_fmap *m);
struct store_fent *store_fmap_get(const struct store_fmap *m, const char *path);
/* Remove the rows of every file of the map the run did not mark seen. */
int store_fmap_sweep(struct store *s, struct store_fmap *m, struct store_ingest_stats *st);
void store_fmap_free(struct store_fmap *m);
/* A file the run loads: its files row created, or updated (e known) with its old rows removed. Sets s->file_id. */
struct store_file_row {
	const char *kind, *path, *data_type, *patient;
	int64_t size, mtime;
	const char *hash, *msg_time;
};
int store_file_begin(struct store *s, const struct store_file_row *r, struct store_fent *e);
/* A known file whose size or mtime changed but whose content did not. */
int store_file_touch(struct store *s, struct store_fent *e, int64_t size, int64_t mtime);
/* A kept files row (its records those of a last good version) takes the size, time and hash of the damaged file
 * that now stands in its place, so that a run that finds that file unchanged skips it (FHIR). */
int store_file_stands_for(struct store *s, int64_t id, int64_t size, int64_t mtime, const char *hash);

/* load.c: SS-MIX2 files read, hashed and parsed by worker threads, handed back in the order they were queued. */
struct store_load_item {
	const struct ssmix2_file *file;
	int rc; /* 0, or why the file could not be read (err) */
	char err[256];
	char hash[17];
	int64_t size, mtime_ns; /* of the file as read */
	int same_hash;          /* the bytes hash to the expected hash: not parsed */
	struct ehr_reclog log;  /* the records and warnings of the message */
	struct ssmix2_msg_stats ms;
};
struct store_loader;
struct store_loader *store_loader_start(const char *root);
/* Queue file f (valid until its item has been taken) with the hash the store knows for it (or NULL). */
void store_loader_push(struct store_loader *l, const struct ssmix2_file *f, const char *expect);
/* The next item in queue order (waits until it is ready); valid until the next call; NULL when none is queued. */
struct store_load_item *store_loader_next(struct store_loader *l);
/* Stop the workers; *cpu_ns (if not NULL) is the CPU time they used. */
void store_loader_stop(struct store_loader *l, int64_t *cpu_ns);

/* ingest_ssmix2.c: the SS-MIX2 part of a run. */
int store_ingest_ssmix2(struct store *s, const struct store_ingest_opts *o, const struct ehr_sink *sink,
                        struct store_ingest_stats *st);

/* derive.c: census from ADT events, same-name counts, as-of metadata. */
int store_derive(struct store *s);

/* outage.c: add the columns outage_orders gained since it was first written (period_days) to a store's table of
 * an older lifeboat; nothing when there is no table yet. Called by every read-write open. */
int store_outage_upgrade(struct store *s);

/* FNV-1a 64 of bytes, as 16 hex digits. */
void store_hash(const char *bytes, size_t n, char out[17]);

/* search.c: the same digits with other numbers of leading zeros, as a JSON array ("1000200" → ["01000200", …];
 * nothing when the ID is not all digits). */
void store_id_zero_variants(const char *id, struct buf *out);

#endif
