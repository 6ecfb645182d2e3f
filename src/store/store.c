/*
 * store.c - open the clinical store, create its schema (docs/store.md), prepare the statements ingest uses.
 *
 * Every statement is prepared once with bound parameters; no SQL is ever built from data. The schema version is
 * kept in the meta table; a store of another version is refused rather than guessed at.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <pthread.h>
#include <sys/stat.h>

/* Orders that are not medicines (diet, exams, lab): added to schema version 1 in place (added_columns). */
#define ORDERS_TABLE                                                                                              \
	"CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, order_no TEXT,"      \
	" class TEXT, data_type TEXT, code TEXT, code_system TEXT, name TEXT, detail TEXT, frequency TEXT,"       \
	" start TEXT, end_date TEXT, status TEXT, orderer TEXT, department TEXT, ordered TEXT, file_id INTEGER);" \
	" CREATE INDEX IF NOT EXISTS orders_patient ON orders(patient_id);"                                       \
	" CREATE INDEX IF NOT EXISTS orders_file ON orders(file_id);\n"

static const char schema[] =
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
        "CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT,"
        " sources TEXT, files_seen INTEGER, files_loaded INTEGER, files_unchanged INTEGER, files_removed INTEGER,"
        " messages INTEGER, warnings INTEGER);\n"
        "CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL,"
        " data_type TEXT, patient_id TEXT, size INTEGER, mtime_ns INTEGER, hash TEXT, msg_time TEXT,"
        " run_id INTEGER, UNIQUE(kind, path));\n"
        "CREATE TABLE IF NOT EXISTS patients(id TEXT PRIMARY KEY, family_kanji TEXT, given_kanji TEXT,"
        " family_kana TEXT, given_kana TEXT, birth_date TEXT, sex TEXT, postal_code TEXT, address TEXT,"
        " phone_home TEXT, phone_mobile TEXT, blood_abo TEXT, blood_rh TEXT, updated TEXT,"
        " key_family TEXT, key_given TEXT, key_family_kana TEXT, key_given_kana TEXT, key_full TEXT,"
        " key_full_kana TEXT, same_name INTEGER NOT NULL DEFAULT 0, file_id INTEGER);\n"
        "CREATE INDEX IF NOT EXISTS patients_file ON patients(file_id);\n"
        "CREATE TABLE IF NOT EXISTS allergies(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, source_id TEXT,"
        " kind TEXT, code TEXT, code_system TEXT, name TEXT, reaction TEXT, severity TEXT, recorded TEXT,"
        " active INTEGER, file_id INTEGER);\n"
        "CREATE INDEX IF NOT EXISTS allergies_patient ON allergies(patient_id);\n"
        "CREATE INDEX IF NOT EXISTS allergies_file ON allergies(file_id);\n"
        "CREATE TABLE IF NOT EXISTS medications(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, order_no TEXT,"
        " kind TEXT, drug_code TEXT, code_system TEXT, drug_name TEXT, dose REAL, dose_unit TEXT, per_day REAL,"
        " frequency TEXT, route TEXT, start TEXT, days INTEGER, end_date TEXT, until TEXT, status TEXT,"
        " prescriber TEXT, department TEXT, ordered TEXT, file_id INTEGER);\n"
        "CREATE INDEX IF NOT EXISTS medications_patient ON medications(patient_id);\n"
        "CREATE INDEX IF NOT EXISTS medications_file ON medications(file_id);\n"
        "CREATE TABLE IF NOT EXISTS results(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, order_no TEXT,"
        " code TEXT, code_system TEXT, name TEXT, value TEXT, unit TEXT, reference TEXT, flag TEXT, time TEXT,"
        " status TEXT, file_id INTEGER);\n"
        "CREATE INDEX IF NOT EXISTS results_patient ON results(patient_id, time);\n"
        "CREATE INDEX IF NOT EXISTS results_file ON results(file_id);\n"
        "CREATE TABLE IF NOT EXISTS diagnoses(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, source_id TEXT,"
        " code TEXT, code_system TEXT, name TEXT, start TEXT, end_date TEXT, active INTEGER, main INTEGER,"
        " file_id INTEGER);\n"
        "CREATE INDEX IF NOT EXISTS diagnoses_patient ON diagnoses(patient_id);\n"
        "CREATE INDEX IF NOT EXISTS diagnoses_file ON diagnoses(file_id);\n"
        "CREATE TABLE IF NOT EXISTS adt_events(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, kind TEXT,"
        " time TEXT, ward TEXT, room TEXT, bed TEXT, department TEXT, attending TEXT, visit_id TEXT,"
        " file_id INTEGER);\n"
        "CREATE INDEX IF NOT EXISTS adt_patient ON adt_events(patient_id, time);\n"
        "CREATE INDEX IF NOT EXISTS adt_file ON adt_events(file_id);\n"
        "CREATE TABLE IF NOT EXISTS census(patient_id TEXT PRIMARY KEY, ward TEXT, room TEXT, bed TEXT,"
        " since TEXT, department TEXT, attending TEXT, same_surname_in_ward INTEGER NOT NULL DEFAULT 0);\n"
        "CREATE INDEX IF NOT EXISTS census_ward ON census(ward, room, bed);\n"
        "CREATE TABLE IF NOT EXISTS appointments(id INTEGER PRIMARY KEY, source_id TEXT, patient_id TEXT,"
        " start TEXT, department TEXT, clinician TEXT, kind TEXT, status TEXT, phone TEXT, note TEXT,"
        " file_id INTEGER);\n"
        "CREATE INDEX IF NOT EXISTS appointments_patient ON appointments(patient_id, start);\n"
        "CREATE INDEX IF NOT EXISTS appointments_start ON appointments(start, department);\n"
        "CREATE INDEX IF NOT EXISTS appointments_file ON appointments(file_id);\n"
        "CREATE TABLE IF NOT EXISTS drugs(code TEXT PRIMARY KEY, name TEXT, generic_name TEXT, kana TEXT,"
        " form TEXT, unit TEXT, max_daily_dose REAL, pregnancy TEXT, interaction_groups TEXT,"
        " allergy_classes TEXT, yj_code TEXT, hot_code TEXT, key_name TEXT, key_kana TEXT, key_generic TEXT,"
        " file_id INTEGER, age_min_months INTEGER, age_below_months INTEGER" DRUG_ADDED_COLUMNS ");\n"
        "CREATE INDEX IF NOT EXISTS drugs_key_name ON drugs(key_name);\n"
        "CREATE INDEX IF NOT EXISTS drugs_key_kana ON drugs(key_kana);\n"
        "CREATE INDEX IF NOT EXISTS drugs_key_generic ON drugs(key_generic);\n"
        "CREATE INDEX IF NOT EXISTS drugs_file ON drugs(file_id);\n"
        "CREATE INDEX IF NOT EXISTS drugs_yj ON drugs(yj_code);\n"
        "CREATE INDEX IF NOT EXISTS drugs_hot ON drugs(hot_code);\n" DRUGS_CONFUSABLE_INDEX ";\n" DRUGS_FTS_TABLE ";\n"
        "CREATE TABLE IF NOT EXISTS raw_messages(id INTEGER PRIMARY KEY, file_id INTEGER, data_type TEXT,"
        " bytes BLOB);\n"
        "CREATE INDEX IF NOT EXISTS raw_file ON raw_messages(file_id);\n"
        "CREATE TABLE IF NOT EXISTS warnings(id INTEGER PRIMARY KEY, run_id INTEGER, file_id INTEGER, path TEXT,"
        " kind TEXT, detail TEXT);\n"
        "CREATE INDEX IF NOT EXISTS warnings_file ON warnings(file_id);\n" ORDERS_TABLE;

/*
 * The search indexes of patients (names and birth date). Rows arrive in patient-ID order, so every other index
 * grows at its end; these take keys in random order, and a first load into an empty store builds them once at the
 * end instead (store_search_indexes), which is several times cheaper than growing them row by row.
 */
static const char *const search_index[][2] = {
        {"patients_family", "patients(key_family)"},
        {"patients_given", "patients(key_given)"},
        {"patients_family_kana", "patients(key_family_kana)"},
        {"patients_given_kana", "patients(key_given_kana)"},
        {"patients_family_given", "patients(key_family, key_given)"},
        {"patients_family_given_kana", "patients(key_family_kana, key_given_kana)"},
        {"patients_full", "patients(key_full)"},
        {"patients_full_kana", "patients(key_full_kana)"},
        {"patients_birth", "patients(birth_date)"},
};

int store_search_indexes(struct store *s, int create)
{
	for (size_t i = 0; i < LB_ARRAY_LEN(search_index); i++) {
		char sql[160];
		if (create)
			snprintf(sql, sizeof(sql), "CREATE INDEX IF NOT EXISTS %s ON %s", search_index[i][0],
			         search_index[i][1]);
		else
			snprintf(sql, sizeof(sql), "DROP INDEX IF EXISTS %s", search_index[i][0]);
		int rc = store_exec(s, sql);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static const char *const stmt_sql[ST_COUNT] = {
        [ST_FILE_INSERT] =
                "INSERT INTO files(kind, path, data_type, patient_id, size, mtime_ns, hash, msg_time, run_id)"
                " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        [ST_FILE_UPDATE] = "UPDATE files SET size=?2, mtime_ns=?3, hash=?4, msg_time=?5, run_id=?6 WHERE id=?1",
        [ST_FILE_TOUCH] = "UPDATE files SET size=?2, mtime_ns=?3 WHERE id=?1",
        [ST_PATIENT] = "INSERT OR REPLACE INTO patients(id, family_kanji, given_kanji, family_kana, given_kana,"
                       " birth_date, sex, postal_code, address, phone_home, phone_mobile, blood_abo, blood_rh,"
                       " updated, key_family, key_given, key_family_kana, key_given_kana, key_full, key_full_kana,"
                       " file_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)",
        [ST_ALLERGY] = "INSERT INTO allergies(patient_id, source_id, kind, code, code_system, name, reaction,"
                       " severity, recorded, active, file_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
        [ST_MEDICATION] = "INSERT INTO medications(patient_id, order_no, kind, drug_code, code_system, drug_name,"
                          " dose, dose_unit, per_day, frequency, route, start, days, end_date, until, status,"
                          " prescriber, department, ordered, file_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,"
                          "?12,?13,?14,COALESCE(?14, CASE WHEN ?13 > 0 THEN date(substr(?12,1,10), '+' || (?13 - 1)"
                          " || ' days') END),?15,?16,?17,?18,?19)",
        [ST_RESULT] = "INSERT INTO results(patient_id, order_no, code, code_system, name, value, unit, reference,"
                      " flag, time, status, file_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
        [ST_DIAGNOSIS] = "INSERT INTO diagnoses(patient_id, source_id, code, code_system, name, start, end_date,"
                         " active, main, file_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        [ST_ADT] = "INSERT INTO adt_events(patient_id, kind, time, ward, room, bed, department, attending,"
                   " visit_id, file_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        [ST_APPOINTMENT] = "INSERT INTO appointments(source_id, patient_id, start, department, clinician, kind,"
                           " status, phone, note, file_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        [ST_DRUG] = "INSERT OR REPLACE INTO drugs(code, name, generic_name, kana, form, unit, max_daily_dose,"
                    " pregnancy, interaction_groups, allergy_classes, yj_code, hot_code, key_name, key_kana,"
                    " key_generic, file_id, age_min_months, age_below_months, contraindicated_groups,"
                    " therapeutic_class, strength, period_days, narrow_therapeutic, high_alert, confusable,"
                    " max_per_kg_day, elderly)"
                    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,"
                    "?25,?26,?27)",
        [ST_ORDER] = "INSERT INTO orders(patient_id, order_no, class, data_type, code, code_system, name, detail,"
                     " frequency, start, end_date, status, orderer, department, ordered, file_id)"
                     " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
        [ST_RAW] = "INSERT INTO raw_messages(file_id, data_type, bytes) VALUES(?1, ?2, ?3)",
        [ST_WARNING] = "INSERT INTO warnings(run_id, file_id, path, kind, detail) VALUES(?1, ?2, ?3, ?4, ?5)",
        [ST_DEL_PATIENTS] = "DELETE FROM patients WHERE file_id=?1",
        [ST_DEL_ALLERGIES] = "DELETE FROM allergies WHERE file_id=?1",
        [ST_DEL_MEDICATIONS] = "DELETE FROM medications WHERE file_id=?1",
        [ST_DEL_RESULTS] = "DELETE FROM results WHERE file_id=?1",
        [ST_DEL_DIAGNOSES] = "DELETE FROM diagnoses WHERE file_id=?1",
        [ST_DEL_ADT] = "DELETE FROM adt_events WHERE file_id=?1",
        [ST_DEL_APPOINTMENTS] = "DELETE FROM appointments WHERE file_id=?1",
        [ST_DEL_DRUGS] = "DELETE FROM drugs WHERE file_id=?1",
        [ST_DEL_RAW] = "DELETE FROM raw_messages WHERE file_id=?1",
        [ST_DEL_WARNINGS] = "DELETE FROM warnings WHERE file_id=?1",
        [ST_DEL_ORDERS] = "DELETE FROM orders WHERE file_id=?1",
        [ST_DEL_FILE] = "DELETE FROM files WHERE id=?1",
};

static const char *sqlite_words(sqlite3 *db, int prim);

int store_sqlerr(struct store *s, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);
	int prim = code & 0xff;
	int lb = prim == SQLITE_FULL                                                          ? LB_ENOSPC
	         : prim == SQLITE_BUSY || prim == SQLITE_LOCKED                               ? LB_ELOCKED
	         : prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB                            ? LB_ECORRUPT
	         : prim == SQLITE_IOERR || prim == SQLITE_CANTOPEN || prim == SQLITE_READONLY ? LB_EIO
	                                                                                      : LB_EINTERNAL;
	return lb_error(lb, "%s: %s", what, sqlite_words(s->db, prim));
}

/* SQLite's message, in the user's language for the failures a user can act on (SQLite speaks English only). */
static const char *sqlite_words(sqlite3 *db, int prim)
{
	switch (prim) {
	case SQLITE_NOTADB:
		return L_("file is not a database", "データベースファイルではありません");
	case SQLITE_CORRUPT:
		return L_("database disk image is malformed", "データベースが壊れています");
	case SQLITE_FULL:
		return L_("database or disk is full", "ディスクがいっぱいです");
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return L_("database is locked", "データベースが他の処理に使われています (ロック中)");
	case SQLITE_READONLY:
		return L_("attempt to write a readonly database", "データベースに書き込めません (読み取り専用)");
	case SQLITE_CANTOPEN:
		return L_("unable to open database file", "データベースファイルを開けません");
	case SQLITE_PERM:
		return L_("access permission denied", "アクセス権がありません");
	default:
		return sqlite3_errmsg(db);
	}
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int store_exec_stmt(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sqlerr(s, L_("writing the store", "ストアの書き込み"));
	return 0;
}

int store_exec(struct store *s, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		int rc = store_sqlerr(s, L_("store", "ストア"));
		sqlite3_free(err);
		return rc;
	}
	return 0;
}

int store_forget_file(struct store *s, int64_t file_id, int drop_file)
{
	for (int k = ST_DEL_PATIENTS; k <= ST_DEL_FILE; k++) {
		if (k == ST_DEL_FILE && !drop_file)
			continue;
		sqlite3_bind_int64(s->st[k], 1, file_id);
		int rc = store_exec_stmt(s, s->st[k]);
		if (rc < 0)
			return rc;
		if (k != ST_DEL_RAW && k != ST_DEL_WARNINGS && k != ST_DEL_FILE)
			s->rows_removed += sqlite3_changes(s->db);
		if (k == ST_DEL_DRUGS && sqlite3_changes(s->db) > 0)
			s->drugs_touched = 1;
	}
	return 0;
}

void store_hash(const char *bytes, size_t n, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)bytes[i];
		h *= 0x100000001b3ull;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

sqlite3_stmt *store_cached_stmt(struct store *s, const char *sql)
{
	for (size_t i = 0; i < s->ncached; i++)
		if (s->cached_sql[i] == sql) {
			sqlite3_reset(s->cached[i]);
			sqlite3_clear_bindings(s->cached[i]);
			return s->cached[i];
		}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	if (s->ncached == s->capcached) {
		/* a statement in use is never finalized to make room: the table grows (bounded by the SQL constants) */
		s->capcached = s->capcached ? s->capcached * 2 : 32;
		s->cached_sql = lb_reallocarray(s->cached_sql, s->capcached, sizeof(*s->cached_sql));
		s->cached = lb_reallocarray(s->cached, s->capcached, sizeof(*s->cached));
	}
	s->cached_sql[s->ncached] = sql;
	s->cached[s->ncached++] = st;
	return st;
}

/*
 * The schema version of an open file: 1 and *version filled when it is a store, 0 when the file is new (no meta
 * table or no version row). Only reads, so that opening a store while an ingest holds the write lock (a station
 * searching during a re-run) does not wait for the lock.
 */
static int read_version(struct store *s, char *version, size_t n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='schema_version'", -1, &st, NULL) != SQLITE_OK)
		return 0;
	int found = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(version, n, "%s", v ? v : "");
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/*
 * Columns added to schema version 1 after it was first written. A store made before them gets them on its next
 * read-write open (ALTER TABLE … ADD COLUMN: old rows read NULL, which is what a feed without the column meant),
 * so an ingest upgrades a store in place and no data has to be loaded again.
 */
static const struct {
	const char *table, *column, *sql;
} added_columns[] = {
        {"drugs", "age_min_months", "ALTER TABLE drugs ADD COLUMN age_min_months INTEGER"},
        {"drugs", "age_below_months", "ALTER TABLE drugs ADD COLUMN age_below_months INTEGER"},
        /* the pharmacist's columns (reader_version 4 reads the master again to fill them) */
        {"drugs", "contraindicated_groups", "ALTER TABLE drugs ADD COLUMN contraindicated_groups TEXT"},
        {"drugs", "therapeutic_class", "ALTER TABLE drugs ADD COLUMN therapeutic_class TEXT"},
        {"drugs", "strength", "ALTER TABLE drugs ADD COLUMN strength TEXT"},
        {"drugs", "period_days", "ALTER TABLE drugs ADD COLUMN period_days INTEGER"},
        {"drugs", "narrow_therapeutic", "ALTER TABLE drugs ADD COLUMN narrow_therapeutic INTEGER"},
        {"drugs", "high_alert", "ALTER TABLE drugs ADD COLUMN high_alert INTEGER"},
        {"drugs", "confusable", "ALTER TABLE drugs ADD COLUMN confusable TEXT"},
        {"drugs", "max_per_kg_day", "ALTER TABLE drugs ADD COLUMN max_per_kg_day REAL"},
        {"drugs", "elderly", "ALTER TABLE drugs ADD COLUMN elderly TEXT"},
        /* a whole table: its rows come from source files read again (reader_version 3) */
        {"orders", "id", ORDERS_TABLE},
        /* the drug search's indexes (filled by the ingest that reads the master again: reader_version 4) */
        {"drugs_fts", "key_name", DRUGS_FTS_TABLE},
        {"drugs", "drugs_yj", "CREATE INDEX IF NOT EXISTS drugs_yj ON drugs(yj_code)"},
        {"drugs", "drugs_hot", "CREATE INDEX IF NOT EXISTS drugs_hot ON drugs(hot_code)"},
        {"drugs", "drugs_confusable", DRUGS_CONFUSABLE_INDEX},
};

/* Whether table ?1 has column ?2, or the store an index named ?2. */
#define INDEX_OR_COLUMN_SQL                                                     \
	"SELECT (SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2) +" \
	" (SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?2)"

/* 1 when the store lacks a column of added_columns (0 when it has them all, negative on error). */
int store_lacks_columns(struct store *s)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, INDEX_OR_COLUMN_SQL, -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("reading the schema", "スキーマの読み取り"));
	int lacks = 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(added_columns) && !lacks; i++) {
		sqlite3_bind_text(q, 1, added_columns[i].table, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, added_columns[i].column, -1, SQLITE_STATIC);
		lacks = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 0;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return lacks;
}

static int add_columns(struct store *s)
{
	int rc = store_lacks_columns(s);
	if (rc <= 0)
		return rc;
	if ((rc = store_exec(s, "BEGIN IMMEDIATE")) < 0)
		return rc;
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(s->db, INDEX_OR_COLUMN_SQL, -1, &q, NULL) != SQLITE_OK)
		rc = store_sqlerr(s, L_("reading the schema", "スキーマの読み取り"));
	for (size_t i = 0; i < LB_ARRAY_LEN(added_columns) && rc == 0; i++) {
		/* checked again under the write lock: another process may have added it meanwhile */
		sqlite3_bind_text(q, 1, added_columns[i].table, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, added_columns[i].column, -1, SQLITE_STATIC);
		int have = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) > 0;
		sqlite3_reset(q);
		if (!have)
			rc = store_exec(s, added_columns[i].sql);
		if (!have && rc == 0 && !strcmp(added_columns[i].table, "drugs_fts"))
			rc = store_exec(s, "INSERT INTO drugs_fts(drugs_fts) VALUES('rebuild')");
	}
	sqlite3_finalize(q);
	if (rc == 0)
		return store_exec(s, "COMMIT");
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * Before the first connection: no bulk page-cache allocation per cache. SQLite gives every page cache — each
 * connection's and each ephemeral table's (a UNION, an IN list, a sort) — an initial block of twenty pages (about
 * 85 KB) from malloc; a check that runs a dozen such queries then grows and shrinks the top of the heap each time,
 * and the kernel's page faults and TLB flushes cost more than the queries (bench/rx: 2.8 ms per check instead of
 * 0.3 ms on a 20,000-product master). Without the block, pages come one by one from malloc's free lists.
 */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)NULL, 0, 0); /* SQLITE_MISUSE once initialised: harmless */
}

void store_sqlite_setup(void)
{
	pthread_once(&sqlite_once, sqlite_setup);
}

int store_journal(struct store *s, const char *mode)
{
	sqlite3_stmt *q;
	char sql[48];
	snprintf(sql, sizeof(sql), "PRAGMA journal_mode=%s", mode);
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("setting the journal mode", "ジャーナルモードの設定"));
	int rc = sqlite3_step(q);
	const char *now = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
	int same = now && !strcasecmp(now, mode);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return store_sqlerr(s, L_("setting the journal mode", "ジャーナルモードの設定"));
	return same ? 0
	            : lb_error_tr(LB_ELOCKED, "journal mode stays '%s' (other connections are open)",
	                          "ジャーナルモードは '%s' のままです (ほかの接続が開いています)", now ? now : "?");
}

/* Create the schema of a new store (WAL journal, tables, indexes, version) in one transaction. */
static int create_schema(struct store *s)
{
	int rc = store_exec(s, "PRAGMA journal_mode=WAL");
	if (rc == 0)
		rc = store_exec(s, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	char version[16];
	if (read_version(s, version, sizeof(version)))
		return store_exec(s, "COMMIT"); /* another process created it meanwhile */
	rc = store_exec(s, schema);
	if (rc == 0)
		rc = store_search_indexes(s, 1);
	if (rc == 0)
		rc = store_exec(s, "INSERT INTO meta(key, value) VALUES('schema_version', '" STORE_SCHEMA_VERSION "')");
	if (rc == 0)
		return store_exec(s, "COMMIT");
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int store_open_error(struct store *s)
{
	struct buf dir = {0};
	const char *slash = strrchr(s->path, '/');
	buf_add(&dir, s->path, slash ? (size_t)(slash - s->path) : 0);
	if (slash && slash == s->path)
		buf_addch(&dir, '/');
	struct stat sb;
	int rc;
	if (dir.len && stat(dir.data, &sb) != 0)
		rc = lb_error_errno_tr(errno, "cannot open store '%s': folder '%s'",
		                       "ストア '%s' を開けません: フォルダ '%s'", s->path, dir.data);
	else if (dir.len && !S_ISDIR(sb.st_mode))
		rc = lb_error_tr(LB_EIO, "cannot open store '%s': '%s' is not a folder",
		                 "ストア '%s' を開けません: '%s' はフォルダではありません", s->path, dir.data);
	else
		rc = lb_error_wrap_tr(store_sqlerr(s, L_("SQLite", "SQLite")), "cannot open store '%s'",
		                      "ストア '%s' を開けません", s->path);
	buf_release(&dir);
	return rc;
}

int store_open(struct store **out, const char *path, int create)
{
	*out = NULL;
	if (!create && !lb_exists(path))
		return lb_error_tr(LB_ENOTFOUND, "no store '%s' (run 'lifeboat ingest --db %s' first)",
		                   "ストア '%s' がありません (先に 'lifeboat ingest --db %s' を実行してください)", path,
		                   path);
	store_sqlite_setup();
	struct store *s = lb_calloc(1, sizeof(*s));
	s->path = lb_strdup(path);
	s->drugs_fts = -1;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
	int rc;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = store_open_error(s);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if ((rc = store_exec(s, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"
	                        " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;")) < 0)
		goto fail;
	char version[64];
	if (!read_version(s, version, sizeof(version))) {
		if (!create) {
			rc = lb_error_tr(LB_ECORRUPT, "'%s' is not a lifeboat store",
			                 "'%s' は lifeboat のストアではありません", path);
			goto fail;
		}
		if ((rc = create_schema(s)) < 0) {
			rc = lb_error_wrap_tr(rc, "'%s' is not a lifeboat store",
			                      "'%s' は lifeboat のストアではありません", path);
			goto fail;
		}
	} else if (strcmp(version, STORE_SCHEMA_VERSION)) {
		rc = lb_error_tr(LB_ECORRUPT, "store '%s' has schema version '%s', this lifeboat reads '%s'",
		                 "ストア '%s' のスキーマ版は '%s' です。この lifeboat が読めるのは '%s' です", path,
		                 version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if ((rc = add_columns(s)) < 0 || (rc = store_outage_upgrade(s)) < 0) {
		rc = lb_error_wrap_tr(rc, "cannot upgrade store '%s'", "ストア '%s' を更新できません", path);
		goto fail;
	}
	/* A first load writes with a rollback journal (ingest.c); one that was killed left the store in that mode. */
	store_journal(s, "WAL");
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) !=
		    SQLITE_OK) {
			rc = store_sqlerr(s, L_("preparing the store's statements", "ストアの SQL 文の準備"));
			goto fail;
		}
	}
	*out = s;
	return 0;
fail:
	store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	for (size_t i = 0; i < s->ncached; i++)
		sqlite3_finalize(s->cached[i]);
	free(s->cached);
	free(s->cached_sql);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}
