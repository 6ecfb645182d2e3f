/*
 * store.h - the clinical store: the whole interface of src/store/.
 *
 * store stands on ehr, text and core. It owns one SQLite database (schema in docs/store.md) that holds what the
 * downtime station, the printed packs and the prescription checks read: patients with their search keys,
 * allergies, medicines, results, problems, ADT events and the census derived from them, appointments, the drug
 * master, messages kept raw, data-quality warnings, and the source files every row came from.
 *
 * Ingest calls the ehr parsers and implements their struct ehr_sink. A run is one SQLite transaction, so readers
 * see the store before the run or after it, never half-loaded; a run that fails is rolled back whole. Runs are
 * incremental: unchanged files (same size and mtime, or same content hash) are skipped, changed files replace the
 * rows they gave, and rows of files that are gone, superseded or deleted (SS-MIX2 flag 0) are removed.
 *
 * Queries return structs that own their strings (release them with the matching *_release).
 */
#ifndef LB_STORE_H
#define LB_STORE_H

#include "core/core.h"
#include "ehr/ehr.h"

struct store;

/* Open (creating if create and missing) the store at path. Fails -LB_ENOTFOUND when missing and !create,
 * -LB_ECORRUPT when the file is not a store of this version. */
int store_open(struct store **out, const char *path, int create);
void store_close(struct store *s);

/* ---- ingest (ingest.c) --------------------------------------------------------------------------------------- */

struct store_ingest_opts {
	const char *ssmix2_dir;       /* SS-MIX2 standard storage root, or NULL */
	const char *fhir_dir;         /* folder of *.ndjson, or NULL */
	const char *appointments_csv; /* or NULL */
	const char *drugs_csv;        /* or NULL */
	const char *generation;       /* the vault generation the sources were restored from (shown by the station) */
	struct lb_progress *progress; /* advanced per source file, or NULL */
	/* SS-MIX2 change detection (docs/store.md): patient folders whose folder stamps are unchanged are not listed */
	int full;         /* list every folder and stat every file this run */
	int full_every_h; /* a run is full when the last full walk is this many hours old (0: 24; -1: never) */
	int settle_s; /* a folder changed less than this many seconds ago is listed again next run (0: 60; -1: none) */
	/* A feed (SS-MIX2 tree, FHIR folder, appointments, drug master) whose run would remove more than this percent
	 * of the records the store holds from it is refused, and the run rolled back (0: 50; 100: no limit) */
	int max_shrink_pct;
	int accept_shrink; /* a deliberate replacement: no shrink limit */
};

#define STORE_TYPES_MAX 48
struct store_type_count {
	char type[16];
	long n;
};
/* What one run did. */
struct store_ingest_stats {
	long files_seen;                                  /* source files found (SS-MIX2: every version) */
	long files_current;                               /* … of which current (newest valid version) */
	long files_loaded;                                /* read and loaded this run (new or changed) */
	long files_unchanged;                             /* skipped: same as last run */
	long files_removed;                               /* rows removed: file gone, superseded or deleted */
	long files_skipped;                               /* not storage files (hostile or stray names) */
	long messages;                                    /* SS-MIX2 messages read this run */
	long raw_only;                                    /* of those, types without a handler (kept raw) */
	struct store_type_count by_type[STORE_TYPES_MAX]; /* messages read this run per data type */
	int ntypes;
	long records;         /* records written this run */
	long warnings;        /* warnings raised this run */
	long warn_by_kind[8]; /* indexed by enum ehr_warn */
	long store_warnings;  /* warnings held by the store after the run (all current sources) */
	long patients;        /* patients in the store after the run */
	int64_t elapsed_ms;
	int full_walk;            /* SS-MIX2: every folder was listed (first run, --full, or the periodic full walk) */
	long dirs_unchanged;      /* SS-MIX2: patient folders skipped because their folder stamps were unchanged */
	long files_kept_previous; /* damaged files (SS-MIX2, FHIR) whose last good version's records were kept */
	long allergies_kept;      /* SS-MIX2: allergies of an earlier ADT-00 version kept by a newer one without AL1 */
	int64_t run_id;           /* this run (warnings raised by it: store_warnings_of_run) */
};
int store_ingest(struct store *s, const struct store_ingest_opts *o, struct store_ingest_stats *st);

/* ---- queries (query.c, search.c) ----------------------------------------------------------------------------- */

/*
 * The one definition of an active order, for every reader of medications (the station's medicine list and bedside
 * barcode check, the printed summaries, medication sheets and order labels, rx's duplicate and interaction checks):
 * its status is 'active' (an HL7 order with ORC-1 NW/SC/XO and ORC-5 not CM/CA/DC; a FHIR MedicationRequest active,
 * on-hold or draft) and it has not ended before the date (until: the end date, or start + days - 1; none: open).
 * A completed, stopped, cancelled or discontinued order is never active, end date or not. date is the SQL
 * expression of a YYYY-MM-DD date (a parameter such as "?2").
 */
#define STORE_ORDER_ACTIVE_SQL(date) "(status = 'active' AND (until IS NULL OR until >= " date "))"
/*
 * The date an order is judged on: today (lb_today, never the data's as-of day: during a two-month outage a course
 * that ended after the snapshot must not read as running). until: the last day of order m as the SQL's until
 * column holds it (its end date, or start + days - 1), "" when it is open.
 */
void store_med_until(const struct ehr_medication *m, char until[11]);
/*
 * What the store knows of one order line of patient pid (order number and drug code, as an order label names it),
 * judged on today: 1 active, 2 active in the data but past its planned end (until in until), 0 not there or no
 * longer active (completed, stopped, cancelled), negative LB_E* on error.
 */
int store_order_line(struct store *s, const char *pid, const char *order_no, const char *drug_code, const char *today,
                     char until[11]);

/* Recent medication history: the orders no longer active at the as-of date that ended (until, else start or order
 * date) in the STORE_HISTORY_DAYS before it. */
#define STORE_HISTORY_DAYS 180

/*
 * The one rule that makes allergy rows one allergy (the same allergen sent as ADT-00 AL1, ADT-61 IAM and FHIR
 * AllergyIntolerance is one allergy): a row of allergies a counts unless an earlier active row b of the same patient
 * names the same allergen (name, or code when there is no name); a record that says there is none (kind 'none',
 * ehr_allergy_says_none) never counts. Used by the patient snapshot and the census.
 */
#define STORE_ALLERGY_FIRST_SQL(a, b)                                                                     \
	a ".kind IS NOT 'none' AND NOT EXISTS (SELECT 1 FROM allergies " b " WHERE " b ".patient_id = " a \
	  ".patient_id AND " b ".active AND " b ".id < " a ".id AND COALESCE(" b ".name, " b              \
	  ".code, '') = COALESCE(" a ".name, " a ".code, ''))"

/* What every list, page and printout shows where the name of a patient without a patient record would be (an ADT
 * message arrived but the demographics did not, or failed to parse): never a blank that reads like an empty bed. */
#define STORE_NO_RECORD "患者情報なし / no patient record"

/* Data freshness: the newest message time of the sources, the generation, the last run's end. */
struct store_meta {
	char as_of[32];    /* local time, "2026-11-24T20:29:58" (derive.c says where it comes from) */
	int as_of_unknown; /* the data holds no time: as_of is the time it was loaded */
	char generation[80];
	char last_run[32];
	long patients;
};
int store_meta_get(struct store *s, struct store_meta *m);
/* The as-of time as every page shows it: "2026/11/24 20:29", or 「取込時刻 2026/12/07 12:37 (データ時点不明)」 when
 * the data holds no time of its own (lb_format_stamp). store_as_of_show says it of an as-of stamp and its unknown
 * mark held elsewhere (store_patient_view, rx_result): every reader prints the same words. */
void store_as_of_text(const struct store_meta *m, struct buf *b);
void store_as_of_show(struct buf *b, const char *as_of, int unknown);

struct store_census {
	int in_ward; /* currently admitted */
	const char *ward, *room, *bed, *since, *department, *attending;
	int same_surname_in_ward; /* other current inpatients of the ward sharing the surname (kanji or kana) */
};

/* Call fn (if not NULL) for the store's current data-quality warnings, at most limit of them (0: all), oldest first; fn returns
 * non-zero to stop. Returns the number of warnings the store holds. */
long store_warnings_each(struct store *s, size_t limit,
                         int (*fn)(void *ctx, const char *path, const char *kind, const char *detail), void *ctx);

/* The detail of the warning that a damaged source file (unreadable, or junk where a message was) was not loaded
 * and the store kept the records of its last good version instead: it starts with this text. */
#define STORE_KEPT_PREVIOUS "cannot be read: the records of its last good version stay in the store"
/* The reason given after STORE_KEPT_PREVIOUS for a message of a handled type that was read but carries no record
 * (an ADT-61 without IAM, a PPR-01 without PRB, an OMP without RXE …): its previous version stays unless the run
 * has --accept-shrink. */
#define STORE_EMPTY_MESSAGE "the message carries no data of its type"

/* The detail of the warning that a newer SS-MIX2 ADT-00 version names the patient but carries no AL1 segment, and
 * the allergies of the version before it were kept (an absent AL1 is not "no allergies": that is said with an AL1
 * row, docs/feeds.md); it starts with this text. */
#define STORE_KEPT_ALLERGIES "carries no AL1 allergy segment: the allergies of its earlier version stay in the store"

/* The same for the warnings raised by run run_id (store_ingest_stats.run_id) only. Returns their number. */
long store_warnings_of_run(struct store *s, int64_t run_id, size_t limit,
                           int (*fn)(void *ctx, const char *path, const char *kind, const char *detail), void *ctx);

/* Everything the station shows about one patient. Records point into strings the struct owns. */
struct store_patient_view {
	struct ehr_patient patient;
	int no_record;      /* a current inpatient whose patient record is missing (demographics never arrived or failed
	                  to parse): only patient.id is set; show STORE_NO_RECORD where the name would be */
	int same_full_name; /* other patients in the hospital with the same full name (kanji or kana) */
	struct store_census census;
	struct ehr_allergy *allergies;
	size_t n_allergies;
	const char *no_known_allergies; /* an active record saying "no known allergies": its date ("" undated); NULL */
	struct ehr_medication *medications; /* the orders active today (STORE_ORDER_ACTIVE_SQL on v->today) */
	size_t n_medications;
	struct ehr_diagnosis *diagnoses; /* active first */
	size_t n_diagnoses;
	struct ehr_result *results; /* newest first, at most STORE_RECENT_RESULTS */
	size_t n_results;
	struct ehr_adt *admissions; /* ADT events, newest first */
	size_t n_admissions;
	struct ehr_appointment *appointments; /* from the as-of date on */
	size_t n_appointments;
	/* recent history: prescriptions and injections no longer active that ended in the STORE_HISTORY_DAYS before
	 * the as-of date, latest end first; status is "ended" (its end date passed), "completed" or "cancelled", end
	 * the day it ended (its end date, else its start or order date) */
	struct ehr_medication *history;
	size_t n_history;
	/* diet orders (the newest three, whatever their age) first, then exam, imaging and lab orders of the
	 * STORE_HISTORY_DAYS before the as-of date, newest first */
	struct ehr_order *orders;
	size_t n_orders;
	/* SS-MIX2 data types of this patient's messages that lifeboat keeps raw only (not read into the record) */
	struct store_raw_type {
		const char *data_type;
		int n;
	} * raw_types;
	size_t n_raw_types;
	char as_of[32];    /* store_meta.as_of */
	int as_of_unknown; /* store_meta.as_of_unknown: as_of is the load time (show it with store_as_of_show) */
	char today[11];    /* the day active orders and ages are judged on (lb_today, not before the as-of day) */
	/* owned strings */
	char **strs;
	size_t nstrs, capstrs;
};
#define STORE_RECENT_RESULTS 50
/* Fill v for patient id; -LB_ENOTFOUND when the store has no such patient. A current inpatient without a patient
 * record is found (v->no_record): an occupied bed must never read as an empty one. */
int store_patient_get(struct store *s, const char *id, struct store_patient_view *v);
void store_patient_view_release(struct store_patient_view *v);
/* Does the store know patient id (a record, or a current inpatient without one)? 1 yes, 0 no, < 0 error. Cheap: no
 * view is filled. The _cb form is the callback be_patient_known_fn (backentry.h) and the like take. */
int store_patient_known(struct store *s, const char *id);
int store_patient_known_cb(const char *id, void *store);
/* The latest body weight recorded for patient id (a result coded LOINC 29463-7 / 3141-9, JLAC10 9N006…, or named
 * 体重 / body weight, in kg or g, not cancelled), measured on or before day (YYYY-MM-DD; NULL: any): *kg and its
 * time (cap bytes). Returns 1 when found, 0 when none, or a negative LB_E* code. */
int store_patient_weight(struct store *s, const char *id, const char *day, double *kg, char *time, size_t cap);

struct store_hit {
	char *id;
	char *family_kanji, *given_kanji, *family_kana, *given_kana, *birth_date;
	char sex;
	char *ward, *room, *bed; /* NULL when not admitted */
	int score;               /* higher is better */
	const char *match;       /* "id", "id-prefix", "name", "name-prefix", "kana", "kana-prefix", "given", "birth" */
	int same_full_name;      /* count of other patients with the same full name in the hospital */
	int same_surname_in_ward;
};
struct store_hits {
	struct store_hit *v;
	size_t n;
	int truncated; /* more matched than the limit */
};
/*
 * Ranked patient search. QUERY holds words separated by spaces: patient IDs (exact, then prefix), names in kanji
 * or kana (folded with text_search_key, so ｻﾄｳ, さとう, サトー and サトウ meet and 髙橋 finds 高橋; one word matches
 * surname or given name or the full name, two words surname then given name), and birth dates in any form
 * text_parse_date reads (1948-04-05, 19480405, S23.4.5, 昭和23年4月5日). All words must match.
 */
int store_search(struct store *s, const char *query, size_t limit, struct store_hits *out);
void store_hits_release(struct store_hits *h);

/* ---- drug master queries (drugs.c) --------------------------------------------------------------------------- */

/* Drugs of the master. Each entry's strings are owned by the list (release with store_drugs_release). */
struct store_drug_item {
	struct ehr_drug drug;
	int score;         /* search rank: higher is better (0 outside search) */
	const char *match; /* search: "code", "code-prefix", "name-prefix", "kana-prefix", "generic-prefix", "name",
	                       "kana", "generic" */
};
struct store_drugs {
	struct store_drug_item *v;
	size_t n;
	int truncated;
	char **strs;
	size_t nstrs, capstrs;
};
/* The drug whose code (or YJ or HOT code) is code; -LB_ENOTFOUND when the master has none. Appends to out. */
int store_drug_get(struct store *s, const char *code, struct store_drugs *out);
/*
 * Drugs whose folded brand name, kana or generic name contains key, or whose code starts with it; key is already
 * a search key (text_search_key) for names and the text as typed for codes. Ranked: exact code, code prefix, name /
 * kana / generic prefix, then substring; at most limit (more sets truncated). Appends to out.
 */
int store_drug_search(struct store *s, const char *code_text, const char *key, size_t limit, struct store_drugs *out);
/* Other drugs of the master with the same generic name (same ingredient) as drug code, excluding it. */
int store_drug_siblings(struct store *s, const char *code, struct store_drugs *out);
/*
 * Drugs of the master that a run of folded text names (the allergy check): whose kana or generic key is a prefix of
 * key (at least three characters), or whose name, kana or generic key begins with key. At most limit (0: 20), by
 * code. Appends to out.
 */
int store_drug_named_in(struct store *s, const char *key, size_t limit, struct store_drugs *out);
/* Drugs whose look-alike column (confusable) contains code or name (a kana or brand name as written), excluding
 * code: candidates for 名称類似 listed on the other product's row. Appends to out. */
int store_drug_named_confusable(struct store *s, const char *code, const char *name, struct store_drugs *out);
void store_drugs_release(struct store_drugs *d);
/* What the drug master as a whole carries (a hospital's lean master may lack whole columns): bits of
 * STORE_MASTER_* set in *have when at least one product has a value. */
enum {
	STORE_MASTER_MAX_DOSE = 1,    /* max_daily_dose */
	STORE_MASTER_CLASSES = 2,     /* allergy_class */
	STORE_MASTER_INTERACTION = 4, /* interaction_group or contraindicated_group */
	STORE_MASTER_THERAPEUTIC = 8, /* therapeutic_class or yj_code */
};
int store_drug_master_has(struct store *s, unsigned *have);

/* ---- ward and booking lists (ward.c) ------------------------------------------------------------------------ */
/* Read-only queries over the tables above, shared by the downtime station's pages and the printed packs. */

/* The file the store was opened from (for helpers that open their own connection, such as worker processes). */
const char *store_path(const struct store *s);

/* Open an existing store read-only (SQLITE_OPEN_READONLY: nothing is created or written; readers of a WAL store
 * see each committed ingest). The handle serves the query functions only, not store_ingest. */
int store_open_readonly(struct store **out, const char *path);
/* Open an existing store read-write for store_outage_add / store_outage_end only (the station's 記録): like
 * store_open_readonly it creates and upgrades nothing but the outage_orders table, and keeps the file's journal mode (a refreshed store
 * stays in its rollback journal); the 5 s busy timeout covers the readers' short locks. Close it right after. */
int store_open_outage_writer(struct store **out, const char *path);

/* Run the queries of one page in one read transaction: one snapshot (a page never mixes two ingest runs) and one
 * lock instead of one per statement. store_read_end after the last query (also after a failed one). */
int store_read_begin(struct store *s);
void store_read_end(struct store *s);
/* 1 when no transaction is open on s (a caller may then hold one for a run of queries of its own). */
int store_read_idle(struct store *s);

/* A result table of strings: cell (r, c) is cells[r * ncols + c], NULL for SQL NULL. Owned by the table. */
struct store_table {
	size_t nrows, ncols;
	char **cells;
};
static inline const char *store_cell(const struct store_table *t, size_t r, size_t c)
{
	return t->cells[r * t->ncols + c];
}
void store_table_release(struct store_table *t);

/* ---- orders of the outage (outage.c) -------------------------------------------------------------------------
 * Prescriptions checked and recorded during the outage (table outage_orders, made on first write; ingest never
 * touches it: it is the ward's own record). Later checks count them like active medicines. Rows are never deleted;
 * an order is ended with who and why. */
struct store_outage_new {
	const char *patient_id, *drug_code, *drug_name;
	double dose;      /* per administration, in unit */
	const char *unit; /* NULL: the master's */
	double per_day;
	int days;                    /* 0: not given (runs until ended) */
	int period_days;             /* the dosing period it was ordered with: 0 or 1 daily, 7 weekly … (≤ 365) */
	const char *prescription;    /* groups the lines of one paper prescription (NULL: none) */
	const char *level;           /* the check's highest level: "none", "info", "warn", "stop" */
	const char *override_reason; /* why a stop was given anyway (required by the callers for a stop) */
	const char *recorded_by;     /* the user (station login, or --by) */
};
/* Record the n lines of one prescription in one transaction (all or none); ids[i] receives each row's id. */
int store_outage_add(struct store *s, const struct store_outage_new *v, size_t n, int64_t *ids);
/* End (cancel, stop) a running outage order: -LB_ENOTFOUND when there is none of that id still running. */
int store_outage_end(struct store *s, int64_t id, const char *by, const char *reason);
enum {
	STORE_OUT_ID,
	STORE_OUT_PATIENT,
	STORE_OUT_DRUG_CODE,
	STORE_OUT_DRUG_NAME,
	STORE_OUT_DOSE,
	STORE_OUT_UNIT,
	STORE_OUT_PER_DAY,
	STORE_OUT_DAYS,
	STORE_OUT_PRESCRIPTION,
	STORE_OUT_LEVEL,
	STORE_OUT_OVERRIDE,
	STORE_OUT_RECORDED, /* UTC, 2026-12-07T08:00:00Z */
	STORE_OUT_RECORDED_BY,
	STORE_OUT_ENDED,
	STORE_OUT_ENDED_BY,
	STORE_OUT_END_REASON,
	STORE_OUT_PERIOD, /* the dosing period in days: "1" daily, "7" weekly; NULL: recorded before lifeboat kept it */
	STORE_OUT_COLS
};
/* The dosing period of an order as words after its per-day count: "" for daily (1, 0, or NULL: not recorded),
 * "週1回" / "once a week" for 7, "14日に1回" / "every 14 days" otherwise (tmp holds the text, cap ≥ 32). */
const char *store_period_words(const char *period_cell, int ja, char *tmp, size_t cap);
/* The dosing period of row r of a store_outage_list table as rx_other.period_days takes it (0: not recorded). */
int store_outage_period(const struct store_table *t, size_t r);
/* The patient's outage orders running on today (YYYY-MM-DD: not ended, within their days), or all of them (all),
 * oldest first. An older store without the table: an empty table. */
int store_outage_list(struct store *s, const char *patient_id, const char *today, int all, struct store_table *out);

/* Wards with current inpatients: columns ward, count; floors in number order (3A, 3B … 12B, 17A), then named
 * units (ICU, 緩和ケア …) in text order. */
enum { STORE_WARD_NAME, STORE_WARD_COUNT, STORE_WARD_COLS };
int store_wards(struct store *s, struct store_table *out);

/* Current inpatients of a ward by room and bed (numbers in number order: room 1001 after 302), with the marks the
 * census shows; an empty table for a ward without patients. Every census row is listed, also one whose patient has
 * no patient record (STORE_CEN_RECORD "0"). */
enum {
	STORE_CEN_ID,
	STORE_CEN_ROOM,
	STORE_CEN_BED,
	STORE_CEN_SINCE,
	STORE_CEN_DEPT,
	STORE_CEN_ATTENDING,
	STORE_CEN_SAME_SURNAME, /* count of others in the ward with the surname */
	STORE_CEN_FAMILY_KANJI,
	STORE_CEN_GIVEN_KANJI,
	STORE_CEN_FAMILY_KANA,
	STORE_CEN_GIVEN_KANA,
	STORE_CEN_BIRTH,
	STORE_CEN_SEX,
	STORE_CEN_SAME_NAME,     /* count of others in the hospital with the full name */
	STORE_CEN_ALLERGIES,     /* count of active allergies, one per allergen (STORE_ALLERGY_FIRST_SQL) */
	STORE_CEN_RECORD,        /* "1" when the patient has a patient record, "0" when not (names etc. then NULL) */
	STORE_CEN_ALLERGY_NAMES, /* the allergens, "; "-separated, each once */
	STORE_CEN_COLS
};
int store_census_list(struct store *s, const char *ward, struct store_table *out);

/* Appointments of one day (YYYY-MM-DD), of one department or all (dept NULL), by time, with the patient's contacts;
 * a booking that two feeds carry (same source id and start) is listed once. Every status is listed: a cancelled
 * booking is shown as such, so that nobody calls the patient in by mistake. */
enum {
	STORE_APPT_START,
	STORE_APPT_DEPT,
	STORE_APPT_CLINICIAN,
	STORE_APPT_KIND,
	STORE_APPT_STATUS,
	STORE_APPT_PHONE, /* the booking's phone, else the patient's mobile, else home */
	STORE_APPT_NOTE,
	STORE_APPT_PATIENT,
	STORE_APPT_FAMILY_KANJI,
	STORE_APPT_GIVEN_KANJI,
	STORE_APPT_FAMILY_KANA,
	STORE_APPT_GIVEN_KANA,
	STORE_APPT_BIRTH,
	STORE_APPT_SEX,
	STORE_APPT_PHONE_HOME,
	STORE_APPT_PHONE_MOBILE,
	STORE_APPT_RECORD, /* "1" when the patient has a patient record, "0" when not */
	STORE_APPT_COLS
};
int store_appointments_day(struct store *s, const char *date, const char *dept, struct store_table *out);
/* Departments with appointments on that day: one column. */
int store_appointment_departments(struct store *s, const char *date, struct store_table *out);
/* The days (YYYY-MM-DD, one column, in order) from date on that have a booking: what the call lists must cover. */
int store_appointment_dates(struct store *s, const char *date, struct store_table *out);

#endif /* LB_STORE_H */
