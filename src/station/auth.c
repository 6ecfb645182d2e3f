/*
 * auth.c - users, passwords, sessions and login lockout of the station, in the F.station SQLite file.
 *
 * Passwords are stored as libsodium Argon2id strings (crypto_pwhash_str, interactive limits). A login for an
 * unknown user still runs one verification against a dummy hash, so the time does not say whether the name
 * exists. Session tokens are 32 random bytes; the database keeps only their BLAKE2b hash, so a copy of the file
 * does not let anyone in. A session ends on logout, after the idle timeout, or when its user is deleted. The
 * login itself and its lockout are in login.c.
 */
#include "station_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char *const roles[] = {"doctor", "nurse", "pharmacist", "clerk", "admin", "hq"};

int station_role_valid(const char *role)
{
	for (size_t i = 0; role && i < LB_ARRAY_LEN(roles); i++)
		if (!strcmp(role, roles[i]))
			return 1;
	return 0;
}

void station_auth_path(struct buf *b, const char *db)
{
	buf_reset(b);
	buf_addf(b, "%s.station", db);
}

int station_sqlerr(sqlite3 *db, const char *what)
{
	int prim = sqlite3_extended_errcode(db) & 0xff;
	int code = prim == SQLITE_BUSY || prim == SQLITE_LOCKED      ? LB_ELOCKED
	           : prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB ? LB_ECORRUPT
	           : prim == SQLITE_CONSTRAINT                       ? LB_EPERM
	           : prim == SQLITE_FULL                             ? LB_ENOSPC
	                                                             : LB_EIO;
	return lb_error(code, "%s: %s", what, sqlite3_errmsg(db));
}

int station_auth_schema(sqlite3 *db)
{
	static const char schema[] =
	        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;\n"
	        "CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL,"
	        " created TEXT NOT NULL);\n"
	        "CREATE TABLE IF NOT EXISTS sessions(token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, role TEXT NOT "
	        "NULL,"
	        " csrf TEXT NOT NULL, created INTEGER NOT NULL, last_seen INTEGER NOT NULL, address TEXT);\n"
	        "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user);\n"
	        "CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL,"
	        " ms INTEGER NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, patient TEXT, page TEXT,"
	        " address TEXT, detail TEXT, chain TEXT);\n"
	        "CREATE INDEX IF NOT EXISTS audit_user ON audit(user, action, ms);\n"
	        "CREATE INDEX IF NOT EXISTS audit_address ON audit(address, action, ms);\n"
	        "CREATE INDEX IF NOT EXISTS audit_patient ON audit(patient);\n"
	        "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
	        " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;\n"
	        "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
	        " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;\n";
	char *err = NULL;
	if (sqlite3_exec(db, schema, NULL, NULL, &err) != SQLITE_OK) {
		int rc = lb_error_tr(LB_ECORRUPT, "station file: %s", "端末ファイル: %s", err ? err : "schema");
		sqlite3_free(err);
		return rc;
	}
	/* Files made before the hash chain: add the column (earlier entries stay unchained; verify says so). Files
	 * made before teams (issue 15): add users.team, NULL for the users already there. */
	static const char *const upgrades[][2] = {
	        {"SELECT chain FROM audit LIMIT 0", "ALTER TABLE audit ADD COLUMN chain TEXT"},
	        {"SELECT team FROM users LIMIT 0", "ALTER TABLE users ADD COLUMN team TEXT"}};
	for (size_t i = 0; i < LB_ARRAY_LEN(upgrades); i++) {
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(db, upgrades[i][0], -1, &q, NULL) == SQLITE_OK) {
			sqlite3_finalize(q);
		} else if (sqlite3_exec(db, upgrades[i][1], NULL, NULL, &err) != SQLITE_OK) {
			int rc = lb_error_tr(LB_ECORRUPT, "station file: %s", "端末ファイル: %s",
			                     err ? err : upgrades[i][1]);
			sqlite3_free(err);
			return rc;
		}
	}
	return 0;
}

int station_auth_open(struct station_auth *a, const char *db, int create)
{
	memset(a, 0, sizeof(*a));
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium cannot start", "libsodium を初期化できません");
	struct buf path = {0};
	station_auth_path(&path, db);
	int rc = 0;
	if (!create && !lb_exists(path.data)) {
		rc = lb_error_tr(
		        LB_ENOTFOUND, "no station file '%s' (add a user first: lifeboat user add --db %s)",
		        "端末ファイル '%s' がありません (先に利用者を追加してください: lifeboat user add --db %s)",
		        path.data, db);
		goto done;
	}
	if (sqlite3_open_v2(path.data, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		rc = station_sqlerr(a->db, L_("cannot open the station file", "端末ファイルを開けません"));
		goto done;
	}
	sqlite3_busy_timeout(a->db, 5000);
	rc = station_auth_schema(a->db);
	if (rc == 0)
		rc = station_audit_register(a->db);
	pthread_mutex_init(&a->mu, NULL);
done:
	if (rc < 0 && a->db) {
		sqlite3_close(a->db);
		a->db = NULL;
	}
	buf_release(&path);
	return rc;
}

sqlite3_stmt *station_auth_stmt(struct station_auth *a, sqlite3_stmt **q, const char *sql)
{
	if (!*q && sqlite3_prepare_v3(a->db, sql, -1, SQLITE_PREPARE_PERSISTENT, q, NULL) != SQLITE_OK) {
		sqlite3_finalize(*q);
		*q = NULL;
		return NULL;
	}
	sqlite3_reset(*q);
	sqlite3_clear_bindings(*q);
	return *q;
}

void station_auth_close(struct station_auth *a)
{
	if (!a->db)
		return;
	sqlite3_finalize(a->q_find);
	sqlite3_finalize(a->q_touch);
	sqlite3_finalize(a->q_audit);
	sqlite3_close(a->db);
	pthread_mutex_destroy(&a->mu);
	a->db = NULL;
}

void station_random_hex(char *out, size_t n)
{
	unsigned char raw[64];
	if (n > sizeof(raw))
		n = sizeof(raw);
	randombytes_buf(raw, n);
	sodium_bin2hex(out, 2 * n + 1, raw, n);
	sodium_memzero(raw, sizeof(raw));
}

int station_token_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb || la == 0)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* ---- users --------------------------------------------------------------------------------------------------- */

int station_user_add(const char *db, const char *name, const char *role, const char *password)
{
	return station_user_add_team(db, name, role, NULL, password);
}

int station_user_add_team(const char *db, const char *name, const char *role, const char *team, const char *password)
{
	if (!name || !*name || strlen(name) > 63)
		return lb_error_tr(LB_EUSAGE, "a user name is 1 to 63 bytes", "利用者名は 1〜63 バイトです");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return lb_error_tr(LB_EUSAGE, "user name '%s' has spaces or control characters",
			                   "利用者名 '%s' に空白または制御文字があります", name);
	if (!station_role_valid(role))
		return lb_error_tr(LB_EUSAGE, "no role '%s' (roles: %s)", "ロール '%s' はありません (%s)",
		                   role ? role : "", STATION_ROLES);
	if (team && incident_team_parse(team) < 0)
		return lb_error_tr(LB_EUSAGE, "no team '%s' (teams: %s)", "班 '%s' はありません (%s)", team,
		                   STATION_TEAMS);
	size_t pl = strlen(password);
	if (pl < 8 || pl > 1024)
		return lb_error_tr(LB_EINVAL, "a password is 8 to 1024 bytes", "パスワードは 8〜1024 バイトです");
	char hash[crypto_pwhash_STRBYTES];
	if (sodium_init() < 0 || crypto_pwhash_str(hash, password, pl, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                                           crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return lb_error_tr(LB_EINTERNAL, "cannot hash the password (out of memory?)",
		                   "パスワードのハッシュを計算できません (メモリ不足?)");
	struct station_auth a;
	int rc = station_auth_open(&a, db, 1);
	if (rc < 0)
		return rc;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a.db, "INSERT INTO users(name, role, hash, created, team) VALUES(?1, ?2, ?3, ?4, ?5)",
	                       -1, &q, NULL) != SQLITE_OK) {
		rc = station_sqlerr(a.db, L_("adding a user", "利用者の追加"));
	} else {
		struct buf now = {0};
		lb_format_utc(&now, lb_now_ms(), 0);
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, role, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, now.data, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, team ? incident_team_name(incident_team_parse(team)) : NULL, -1, SQLITE_STATIC);
		int s = sqlite3_step(q);
		if (s == SQLITE_CONSTRAINT)
			rc = lb_error_tr(LB_EEXIST, "user '%s' exists already", "利用者 '%s' は既にいます", name);
		else if (s != SQLITE_DONE)
			rc = station_sqlerr(a.db, L_("adding a user", "利用者の追加"));
		sqlite3_finalize(q);
		buf_release(&now);
	}
	sodium_memzero(hash, sizeof(hash));
	station_auth_close(&a);
	return rc;
}

int station_user_del(const char *db, const char *name)
{
	struct station_auth a;
	int rc = station_auth_open(&a, db, 0);
	if (rc < 0)
		return rc;
	static const char *const sql[] = {"DELETE FROM users WHERE name=?1", "DELETE FROM sessions WHERE user=?1"};
	for (int i = 0; i < 2 && rc == 0; i++) {
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(a.db, sql[i], -1, &q, NULL) != SQLITE_OK) {
			rc = station_sqlerr(a.db, L_("deleting a user", "利用者の削除"));
			break;
		}
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = station_sqlerr(a.db, L_("deleting a user", "利用者の削除"));
		else if (i == 0 && sqlite3_changes(a.db) == 0)
			rc = lb_error_tr(LB_ENOTFOUND, "no user '%s'", "利用者 '%s' はいません", name);
		sqlite3_finalize(q);
	}
	station_auth_close(&a);
	return rc;
}

int station_user_set_team(const char *db, const char *name, const char *team)
{
	if (team && incident_team_parse(team) < 0)
		return lb_error_tr(LB_EUSAGE, "no team '%s' (teams: %s)", "班 '%s' はありません (%s)", team,
		                   STATION_TEAMS);
	struct station_auth a;
	int rc = station_auth_open(&a, db, 0);
	if (rc < 0)
		return rc;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a.db, "UPDATE users SET team=?2 WHERE name=?1", -1, &q, NULL) != SQLITE_OK) {
		rc = station_sqlerr(a.db, L_("setting a user's team", "利用者の班の設定"));
	} else {
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, team ? incident_team_name(incident_team_parse(team)) : NULL, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = station_sqlerr(a.db, L_("setting a user's team", "利用者の班の設定"));
		else if (sqlite3_changes(a.db) == 0)
			rc = lb_error_tr(LB_ENOTFOUND, "no user '%s'", "利用者 '%s' はいません", name);
		sqlite3_finalize(q);
	}
	station_auth_close(&a);
	return rc;
}

int station_user_list(const char *db,
                      int (*fn)(void *ctx, const char *name, const char *role, const char *team, const char *created),
                      void *ctx)
{
	struct station_auth a;
	int rc = station_auth_open(&a, db, 0);
	if (rc < 0)
		return rc;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a.db, "SELECT name, role, team, created FROM users ORDER BY name", -1, &q, NULL) !=
	    SQLITE_OK) {
		rc = station_sqlerr(a.db, L_("listing users", "利用者の一覧"));
	} else {
		while (sqlite3_step(q) == SQLITE_ROW)
			if (fn(ctx, (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
			       (const char *)sqlite3_column_text(q, 2), (const char *)sqlite3_column_text(q, 3)))
				break;
		sqlite3_finalize(q);
	}
	station_auth_close(&a);
	return rc;
}

/* ---- sessions ------------------------------------------------------------------------------------------------ */

int station_session_find(struct station_auth *a, const char *token, int64_t idle_ms, struct station_session *out)
{
	memset(out, 0, sizeof(*out));
	if (!token || strlen(token) != 64)
		return 0;
	char th[65];
	token_hash(token, th);
	int64_t now = lb_now_ms();
	int found = 0;
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *q = station_auth_stmt(a, &a->q_find,
	                                    "SELECT s.user, s.role, s.csrf, s.last_seen, u.team FROM sessions s"
	                                    " JOIN users u ON u.name = s.user WHERE s.token_hash=?1");
	int row = 0;
	if (q) {
		sqlite3_bind_text(q, 1, th, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			row = 1;
			int64_t last = sqlite3_column_int64(q, 3);
			if (now - last <= idle_ms) {
				snprintf(out->user, sizeof(out->user), "%s", (const char *)sqlite3_column_text(q, 0));
				snprintf(out->role, sizeof(out->role), "%s", (const char *)sqlite3_column_text(q, 1));
				snprintf(out->csrf, sizeof(out->csrf), "%s", (const char *)sqlite3_column_text(q, 2));
				const unsigned char *team = sqlite3_column_text(q, 4);
				snprintf(out->team, sizeof(out->team), "%s", team ? (const char *)team : "");
				out->valid = found = 1;
			}
		}
		sqlite3_reset(q);
	}
	/* Touch at most every few seconds (one write instead of one per request); remove when expired. */
	if (found && (q = station_auth_stmt(a, &a->q_touch,
	                                    "UPDATE sessions SET last_seen=?2 WHERE token_hash=?1 AND"
	                                    " last_seen < ?2 - 5000"))) {
		sqlite3_bind_text(q, 1, th, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, now);
		sqlite3_step(q);
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
	} else if (row && !found &&
	           sqlite3_prepare_v2(a->db, "DELETE FROM sessions WHERE token_hash=?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, th, -1, SQLITE_STATIC);
		sqlite3_step(q);
		sqlite3_finalize(q);
	}
	if (a->q_find)
		sqlite3_clear_bindings(a->q_find);
	pthread_mutex_unlock(&a->mu);
	return found;
}

int station_session_create(struct station_auth *a, const char *user, const char *role, const char *address,
                           int64_t idle_ms, char token[65], char csrf[65])
{
	station_random_hex(token, 32);
	station_random_hex(csrf, 32);
	char th[65];
	token_hash(token, th);
	int64_t now = lb_now_ms();
	int rc = 0;
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a->db,
	                       "INSERT INTO sessions(token_hash, user, role, csrf, created, last_seen, address)"
	                       " VALUES(?1, ?2, ?3, ?4, ?5, ?5, ?6)",
	                       -1, &q, NULL) != SQLITE_OK) {
		rc = station_sqlerr(a->db, L_("creating a session", "セッションの作成"));
	} else {
		sqlite3_bind_text(q, 1, th, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, user, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, role, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, csrf, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 5, now);
		sqlite3_bind_text(q, 6, address, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = station_sqlerr(a->db, L_("creating a session", "セッションの作成"));
		sqlite3_finalize(q);
	}
	/* Sessions nobody came back to are only found again here: drop them at each login. */
	if (rc == 0 &&
	    sqlite3_prepare_v2(a->db, "DELETE FROM sessions WHERE last_seen < ?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, now - idle_ms);
		sqlite3_step(q);
		sqlite3_finalize(q);
	}
	pthread_mutex_unlock(&a->mu);
	return rc;
}

void station_session_delete(struct station_auth *a, const char *token)
{
	char th[65];
	token_hash(token, th);
	pthread_mutex_lock(&a->mu);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a->db, "DELETE FROM sessions WHERE token_hash=?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, th, -1, SQLITE_STATIC);
		sqlite3_step(q);
		sqlite3_finalize(q);
	}
	pthread_mutex_unlock(&a->mu);
}
