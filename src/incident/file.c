/*
 * file.c - open the incident file, create its schema (docs/incident.md), prepare the statements the rest uses.
 *
 * The file is its own SQLite database, never the clinical store: a file that holds other tables is refused before
 * anything is written to it. The schema version is PRAGMA user_version; a file of another version is refused
 * rather than guessed at. Every statement is prepared once with bound parameters; no SQL is built from data.
 * An older file is upgraded in place, one step per version (upgrades[]), in one transaction. Triggers refuse
 * UPDATE and DELETE on the timeline and the cards; the hash chain (chain.c) is what proves it was not edited by
 * other means.
 */
#include "incident_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char schema[] =
        "CREATE TABLE entries(seq INTEGER PRIMARY KEY, incident INTEGER NOT NULL, at_ms INTEGER NOT NULL,"
        " type TEXT NOT NULL, kind TEXT, team TEXT, author TEXT, os_user TEXT, text TEXT, report TEXT,"
        " ref INTEGER, known_at_ms INTEGER, flags INTEGER NOT NULL DEFAULT 0, prev BLOB NOT NULL,"
        " hash BLOB NOT NULL);\n"
        "CREATE INDEX entries_incident ON entries(incident, seq);\n"
        "CREATE INDEX entries_kind ON entries(incident, type, kind, seq);\n"
        "CREATE INDEX entries_type ON entries(type, incident);\n"
        "CREATE INDEX entries_ref ON entries(ref) WHERE ref IS NOT NULL;\n"
        "CREATE INDEX entries_report ON entries(incident, report) WHERE report IS NOT NULL;\n"
        "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
        " BEGIN SELECT RAISE(ABORT, 'the incident timeline is append-only'); END;\n"
        "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
        " BEGIN SELECT RAISE(ABORT, 'the incident timeline is append-only'); END;\n"
        "PRAGMA user_version = 1;\n";

/* Version 2 adds the action cards: each set loaded is the rows of one timeline entry (load = its seq: a
 * declaration or a "cards" entry, whose kind is the set's hash; card_sets says where it came from),
 * never changed afterwards; their state lives in the timeline. */
static const char schema_v2[] =
        "CREATE TABLE cards(load INTEGER NOT NULL, ord INTEGER NOT NULL, id TEXT NOT NULL, team TEXT NOT NULL,"
        " phase TEXT NOT NULL, due_min INTEGER NOT NULL, title_ja TEXT NOT NULL, title_en TEXT NOT NULL,"
        " owner_ja TEXT, owner_en TEXT, file TEXT, line INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(load, id));\n"
        "CREATE UNIQUE INDEX cards_order ON cards(load, ord);\n"
        "CREATE TABLE card_steps(load INTEGER NOT NULL, card TEXT NOT NULL, ord INTEGER NOT NULL,"
        " ja TEXT NOT NULL, en TEXT NOT NULL, PRIMARY KEY(load, card, ord));\n"
        "CREATE TRIGGER cards_no_update BEFORE UPDATE ON cards"
        " BEGIN SELECT RAISE(ABORT, 'the incident cards are append-only'); END;\n"
        "CREATE TRIGGER cards_no_delete BEFORE DELETE ON cards"
        " BEGIN SELECT RAISE(ABORT, 'the incident cards are append-only'); END;\n"
        "CREATE TRIGGER card_steps_no_update BEFORE UPDATE ON card_steps"
        " BEGIN SELECT RAISE(ABORT, 'the incident cards are append-only'); END;\n"
        "CREATE TRIGGER card_steps_no_delete BEFORE DELETE ON card_steps"
        " BEGIN SELECT RAISE(ABORT, 'the incident cards are append-only'); END;\n"
        "CREATE TABLE card_sets(load INTEGER PRIMARY KEY, source TEXT NOT NULL, cards INTEGER NOT NULL);\n"
        "CREATE TRIGGER card_sets_no_update BEFORE UPDATE ON card_sets"
        " BEGIN SELECT RAISE(ABORT, 'the incident cards are append-only'); END;\n"
        "CREATE TRIGGER card_sets_no_delete BEFORE DELETE ON card_sets"
        " BEGIN SELECT RAISE(ABORT, 'the incident cards are append-only'); END;\n"
        "CREATE INDEX entries_card ON entries(incident, kind, seq) WHERE type IN ('done', 'assign');\n"
        "PRAGMA user_version = 2;\n";

/* Version 4 adds back-entry (docs/backentry.md, backentry.h). Every table is append-only but be_backlog, which
 * triggers derive from be_orders and be_steps (the worklist, indexed on what is still open). seq is the timeline
 * entry each row belongs to; one entry may make many rows (a block of numbers, a merge, a bulk mark). */
#define BE_RO(t)                                                                       \
	"CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t                           \
	" BEGIN SELECT RAISE(ABORT, 'the back-entry register is append-only'); END;\n" \
	"CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t                           \
	" BEGIN SELECT RAISE(ABORT, 'the back-entry register is append-only'); END;\n"
static const char schema_v4[] =
        "CREATE TABLE be_blocks(id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK(kind IN ('order', 'patient')),"
        " ward TEXT NOT NULL, first INTEGER NOT NULL, count INTEGER NOT NULL CHECK(count > 0), who TEXT,"
        " at_ms INTEGER NOT NULL, seq INTEGER NOT NULL);\n"
        "CREATE UNIQUE INDEX be_blocks_range ON be_blocks(kind, ward, first);\n" BE_RO(
                "be_blocks") "CREATE TABLE be_orders(number TEXT PRIMARY KEY, ward TEXT NOT NULL, patient TEXT NOT "
                             "NULL,"
                             " kind TEXT NOT NULL, clinical_ms INTEGER NOT NULL, author TEXT NOT NULL, form_serial "
                             "TEXT, paper_at TEXT,"
                             " note TEXT, registered_ms INTEGER NOT NULL, registered_by TEXT, origin TEXT, hash BLOB "
                             "NOT NULL,"
                             " seq INTEGER NOT NULL);\n"
                             "CREATE INDEX be_orders_patient ON be_orders(patient);\n"
                             "CREATE INDEX be_orders_seq ON be_orders(seq);\n" BE_RO(
                                     "be_orders") "CREATE TABLE be_steps(id INTEGER PRIMARY KEY, number TEXT NOT NULL,"
                                                  " step TEXT NOT NULL CHECK(step IN ('entered', 'scanned', "
                                                  "'billed')), waived TEXT, who TEXT,"
                                                  " at_ms INTEGER NOT NULL, seq INTEGER NOT NULL);\n"
                                                  "CREATE INDEX be_steps_number ON be_steps(number);\n" BE_RO(
                                                          "be_steps") "CREATE TABLE be_links(id INTEGER PRIMARY KEY, "
                                                                      "dp TEXT NOT NULL, real_id TEXT, who TEXT,"
                                                                      " at_ms INTEGER NOT NULL, seq INTEGER NOT "
                                                                      "NULL);\n" /* real_id NULL: unlinked; the newest row wins */
                                                                      "CREATE INDEX be_links_dp ON be_links(dp, id);\n"
                                                                      "CREATE INDEX be_links_real ON be_links(real_id) "
                                                                      "WHERE real_id IS NOT NULL;\n" BE_RO(
                                                                              "be_links") "CREATE TABLE "
                                                                                          "be_conflicts(id INTEGER "
                                                                                          "PRIMARY KEY, number TEXT "
                                                                                          "NOT NULL, ours TEXT NOT "
                                                                                          "NULL,"
                                                                                          " theirs TEXT NOT NULL, "
                                                                                          "origin TEXT, at_ms INTEGER "
                                                                                          "NOT NULL, seq INTEGER NOT "
                                                                                          "NULL);\n"
                                                                                          "CREATE INDEX "
                                                                                          "be_conflicts_number ON "
                                                                                          "be_conflicts(number);"
                                                                                          "\n" BE_RO(
                                                                                                  "be_conflicts") "CREA"
                                                                                                                  "TE "
                                                                                                                  "TABL"
                                                                                                                  "E "
                                                                                                                  "be_"
                                                                                                                  "reso"
                                                                                                                  "luti"
                                                                                                                  "ons("
                                                                                                                  "id "
                                                                                                                  "INTE"
                                                                                                                  "GER "
                                                                                                                  "PRIM"
                                                                                                                  "ARY "
                                                                                                                  "KEY,"
                                                                                                                  " con"
                                                                                                                  "flic"
                                                                                                                  "t "
                                                                                                                  "INTE"
                                                                                                                  "GER "
                                                                                                                  "NOT "
                                                                                                                  "NULL"
                                                                                                                  ", "
                                                                                                                  "choi"
                                                                                                                  "ce "
                                                                                                                  "TEXT"
                                                                                                                  " NOT"
                                                                                                                  " NUL"
                                                                                                                  "L,"
                                                                                                                  " who"
                                                                                                                  " TEX"
                                                                                                                  "T, "
                                                                                                                  "at_"
                                                                                                                  "ms "
                                                                                                                  "INTE"
                                                                                                                  "GER "
                                                                                                                  "NOT "
                                                                                                                  "NULL"
                                                                                                                  ", "
                                                                                                                  "seq "
                                                                                                                  "INTE"
                                                                                                                  "GER "
                                                                                                                  "NOT "
                                                                                                                  "NULL"
                                                                                                                  ");"
                                                                                                                  "\n" BE_RO(
                                                                                                                          "be_resolutions") "CREATE TABLE be_imports(id INTEGER PRIMARY KEY, medium_hash TEXT NOT NULL, ward TEXT, entries INTEGER"
                                                                                                                                            " NOT NULL, added INTEGER NOT NULL, same INTEGER NOT NULL, conflicts INTEGER NOT NULL, who TEXT,"
                                                                                                                                            " at_ms INTEGER NOT NULL, seq INTEGER NOT NULL);\n"
                                                                                                                                            "CREATE INDEX be_imports_hash ON be_imports(medium_hash);\n" BE_RO(
                                                                                                                                                    "be_imports") "CREATE TABLE be_backlog(number TEXT PRIMARY KEY, ward TEXT NOT NULL, kind TEXT NOT NULL,"
                                                                                                                                                                  " patient TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, registered_ms INTEGER NOT NULL,"
                                                                                                                                                                  " closed_ms INTEGER);\n"
                                                                                                                                                                  "CREATE INDEX be_backlog_open ON be_backlog(number) WHERE done <> 7;\n"
                                                                                                                                                                  "CREATE INDEX be_backlog_ward ON be_backlog(ward, kind, number) WHERE done <> 7;\n"
                                                                                                                                                                  "CREATE INDEX be_backlog_closed ON be_backlog(closed_ms) WHERE closed_ms IS NOT NULL;\n"
                                                                                                                                                                  "CREATE TRIGGER be_orders_backlog AFTER INSERT ON be_orders BEGIN"
                                                                                                                                                                  " INSERT INTO be_backlog(number, ward, kind, patient, registered_ms)"
                                                                                                                                                                  " VALUES(NEW.number, NEW.ward, NEW.kind, NEW.patient, NEW.registered_ms); END;\n"
                                                                                                                                                                  "CREATE TRIGGER be_steps_backlog AFTER INSERT ON be_steps BEGIN"
                                                                                                                                                                  " UPDATE be_backlog SET done = done | (CASE NEW.step WHEN 'entered' THEN 1 WHEN 'scanned' THEN 2"
                                                                                                                                                                  " ELSE 4 END) WHERE number = NEW.number;"
                                                                                                                                                                  " UPDATE be_backlog SET closed_ms = NEW.at_ms WHERE number = NEW.number AND done = 7"
                                                                                                                                                                  " AND closed_ms IS NULL; END;\n"
                                                                                                                                                                  "PRAGMA user_version = 4;\n";

/*
 * The steps from one version to the next: upgrades[v] takes a version-v file to v + 1. A new file gets schema
 * (version 1) and then every step, an older file the steps it lacks, in place; all of it under the write lock
 * with the version read again, so two programs opening an old file at once upgrade it once. No step rewrites an
 * entry: the hash chain is untouched (source, added by version 3, is hashed only when set).
 */
static const char *const upgrades[] = {
        [1] = schema_v2,
        [2] = "ALTER TABLE entries ADD COLUMN source TEXT;\n"
              "PRAGMA user_version = 3;\n",
        [3] = schema_v4,
};

static const char *const stmt_sql[IS_COUNT_ALL] = {
        [IS_LAST] = "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
        [IS_INSERT] = "INSERT INTO entries(" INCIDENT_COLS ")"
                      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        [IS_OPEN] = "SELECT d.seq FROM entries d WHERE d.type = 'declare' AND NOT EXISTS(SELECT 1 FROM entries c"
                    " WHERE c.incident = d.seq AND c.type = 'close') ORDER BY d.seq",
        [IS_GET] = "SELECT " INCIDENT_COLS " FROM entries WHERE seq = ?1",
        [IS_PHASE] = "SELECT kind, at_ms FROM entries WHERE incident = ?1 AND type = 'phase' ORDER BY seq DESC"
                     " LIMIT 1",
        [IS_COUNT] = "SELECT count(*) FROM entries WHERE incident = ?1",
        [IS_DECISIONS] = "SELECT " INCIDENT_COLS " FROM entries e WHERE incident = ?1 AND type = 'note'"
                         " AND kind = 'decision' AND NOT EXISTS(SELECT 1 FROM entries c WHERE c.ref = e.seq)"
                         " ORDER BY seq",
        [IS_LATEST] = "SELECT " INCIDENT_COLS " FROM entries WHERE incident = ?1 ORDER BY seq DESC LIMIT ?2",
        [IS_CLOSE_OF] = "SELECT seq, at_ms FROM entries WHERE incident = ?1 AND type = 'close' ORDER BY seq"
                        " LIMIT 1",
        [IS_REPORTED] = "SELECT seq, at_ms FROM entries e WHERE incident = ?1 AND report = ?2 AND NOT EXISTS("
                        "SELECT 1 FROM entries c WHERE c.ref = e.seq) ORDER BY seq LIMIT 1",
        [IS_CORRECTED_BY] = "SELECT max(seq) FROM entries WHERE ref = ?1",
        [IS_DECLARES] = "SELECT " INCIDENT_COLS " FROM entries WHERE type = 'declare' ORDER BY seq",
        [IS_EACH] = "SELECT " INCIDENT_COLS " FROM entries WHERE incident = ?1 ORDER BY seq",
        [IS_ALL] = "SELECT " INCIDENT_COLS " FROM entries ORDER BY seq",
};

int incident_sqlerr(struct incident_file *f, const char *what)
{
	int prim = sqlite3_extended_errcode(f->db) & 0xff;
	int lb = prim == SQLITE_FULL                                                          ? LB_ENOSPC
	         : prim == SQLITE_BUSY || prim == SQLITE_LOCKED                               ? LB_ELOCKED
	         : prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB                            ? LB_ECORRUPT
	         : prim == SQLITE_IOERR || prim == SQLITE_CANTOPEN || prim == SQLITE_READONLY ? LB_EIO
	         : prim == SQLITE_CONSTRAINT                                                  ? LB_EPERM
	                                                                                      : LB_EINTERNAL;
	return lb_error(lb, "%s: %s", what, sqlite3_errmsg(f->db));
}

sqlite3_stmt *incident_stmt(struct incident_file *f, enum incident_stmt k)
{
	sqlite3_reset(f->st[k]);
	sqlite3_clear_bindings(f->st[k]);
	return f->st[k];
}

void incident_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? lb_strdup((const char *)t) : NULL;
}

static void col_hash(sqlite3_stmt *st, int i, uint8_t out[INCIDENT_HASH_LEN])
{
	memset(out, 0, INCIDENT_HASH_LEN);
	const void *p = sqlite3_column_blob(st, i);
	int n = sqlite3_column_bytes(st, i);
	if (p)
		memcpy(out, p, n < INCIDENT_HASH_LEN ? (size_t)n : INCIDENT_HASH_LEN);
}

static char *peek_text(sqlite3_stmt *st, int i)
{
	return (char *)sqlite3_column_text(st, i);
}

static void read_row(sqlite3_stmt *st, struct incident_entry *e, char *(*text)(sqlite3_stmt *, int))
{
	e->seq = sqlite3_column_int64(st, 0);
	e->incident = sqlite3_column_int64(st, 1);
	e->at_ms = sqlite3_column_int64(st, 2);
	e->type = text(st, 3);
	e->kind = text(st, 4);
	e->team = text(st, 5);
	e->author = text(st, 6);
	e->os_user = text(st, 7);
	e->text = text(st, 8);
	e->report = text(st, 9);
	e->ref = sqlite3_column_int64(st, 10);
	e->known_at_ms = sqlite3_column_int64(st, 11);
	e->flags = sqlite3_column_int(st, 12);
	col_hash(st, 13, e->prev);
	col_hash(st, 14, e->hash);
	e->source = text(st, 15);
}

void incident_read_row(sqlite3_stmt *st, struct incident_entry *e)
{
	read_row(st, e, col_text);
}

void incident_peek_row(sqlite3_stmt *st, struct incident_entry *e)
{
	read_row(st, e, peek_text);
}

void incident_entry_release(struct incident_entry *e)
{
	free(e->type);
	free(e->kind);
	free(e->team);
	free(e->author);
	free(e->os_user);
	free(e->text);
	free(e->report);
	free(e->source);
	memset(e, 0, sizeof(*e));
}

/* One integer from a statement without parameters (a PRAGMA, a count). */
static int query_int(struct incident_file *f, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK)
		return incident_sqlerr(f, "reading the incident file");
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : incident_sqlerr(f, "reading the incident file");
}

static int exec(struct incident_file *f, const char *sql)
{
	if (sqlite3_exec(f->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return incident_sqlerr(f, "writing the incident file");
	return 0;
}

/* The schema version of the open file, after making sure it is an incident file (or an empty one: *version 0). */
static int check_kind(struct incident_file *f, const char *path, int64_t *version)
{
	int64_t tables = 0;
	int rc = query_int(f, "PRAGMA user_version", version);
	if (rc == 0)
		rc = query_int(f, "SELECT count(*) FROM sqlite_master", &tables);
	if (rc < 0)
		return lb_error_tr(LB_EINVAL, "'%s' is not an incident file",
		                   "'%s' はインシデント記録ファイルではありません", path);
	if (*version == 0 && tables > 0)
		return lb_error_tr(
		        LB_EINVAL, "'%s' is another database (the clinical store?), not an incident file",
		        "'%s' は別のデータベース (臨床データストア?) で、インシデント記録ファイルではありません", path);
	if (*version > INCIDENT_SCHEMA_VERSION)
		return lb_error_tr(
		        LB_ECORRUPT, "incident file '%s' has schema version %lld; this lifeboat reads %d",
		        "インシデント記録ファイル '%s' のスキーマ版は %lld で、この lifeboat は %d 版を読みます", path,
		        (long long)*version, INCIDENT_SCHEMA_VERSION);
	return 0;
}

/* Create the schema of a new file, or bring an older one to INCIDENT_SCHEMA_VERSION (upgrades[]), in one
 * transaction. */
static int bring_up(struct incident_file *f, const char *path)
{
	int rc = exec(f, "PRAGMA journal_mode=WAL");
	if (rc == 0)
		rc = exec(f, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	int64_t version;
	rc = check_kind(f, path, &version); /* again under the write lock: another process may have made it */
	if (rc == 0 && version == 0 && (rc = exec(f, schema)) == 0)
		version = 1;
	while (rc == 0 && version < INCIDENT_SCHEMA_VERSION) {
		if ((size_t)version >= LB_ARRAY_LEN(upgrades) || !upgrades[version]) {
			rc = lb_error_tr(LB_EINTERNAL, "no upgrade of an incident file from version %lld",
			                 "版 %lld のインシデント記録ファイルを更新する手順がありません",
			                 (long long)version);
			break;
		}
		if ((rc = exec(f, upgrades[version])) == 0)
			version++;
	}
	if (rc == 0)
		return exec(f, "COMMIT");
	sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int incident_open(struct incident_file **out, const char *path, int create)
{
	*out = NULL;
	if (!create && !lb_exists(path))
		return lb_error_tr(
		        LB_ENOTFOUND, "no incident file '%s' (an incident starts with 'lifeboat incident declare')",
		        "インシデント記録ファイル '%s' がありません ('lifeboat incident declare' で宣言します)", path);
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium cannot start", "libsodium を初期化できません");
	struct incident_file *f = lb_calloc(1, sizeof(*f));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = 0;
	if (sqlite3_open_v2(path, &f->db, flags, NULL) != SQLITE_OK) {
		rc = lb_error_tr(LB_EIO, "cannot open incident file '%s': %s",
		                 "インシデント記録ファイル '%s' を開けません: %s", path,
		                 f->db ? sqlite3_errmsg(f->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(f->db, 10000);
	sqlite3_extended_result_codes(f->db, 1);
	int64_t version = 0;
	if ((rc = check_kind(f, path, &version)) < 0)
		goto fail;
	if (version == 0 && !create) {
		rc = lb_error_tr(LB_ENOTFOUND, "no incident declared in '%s'",
		                 "'%s' に宣言されたインシデントはありません", path);
		goto fail;
	}
	/* a new file gets every version's schema; an older file the steps it lacks, in place */
	if (version < INCIDENT_SCHEMA_VERSION && (rc = bring_up(f, path)) < 0)
		goto fail;
	/* each commit reaches the disk before the command says it is recorded */
	if ((rc = incident_set_durable(f, 1)) < 0)
		goto fail;
	for (int k = 0; k < IS_COUNT_ALL; k++)
		if (sqlite3_prepare_v3(f->db, stmt_sql[k], -1, SQLITE_PREPARE_PERSISTENT, &f->st[k], NULL) !=
		    SQLITE_OK) {
			rc = incident_sqlerr(f, "preparing the incident file's statements");
			goto fail;
		}
	*out = f;
	return 0;
fail:
	incident_file_close(f);
	return rc;
}

int incident_set_durable(struct incident_file *f, int durable)
{
	return exec(f, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

void incident_file_close(struct incident_file *f)
{
	if (!f)
		return;
	for (int k = 0; k < IS_COUNT_ALL; k++)
		sqlite3_finalize(f->st[k]);
	sqlite3_close(f->db);
	free(f);
}

void incident_default_path(struct buf *out, const char *store_path)
{
	buf_reset(out);
	const char *slash = strrchr(store_path, '/');
	if (!slash) {
		buf_adds(out, "incident.db");
		return;
	}
	buf_add(out, store_path, (size_t)(slash - store_path) + 1);
	buf_adds(out, "incident.db");
}
