/*
 * auth.c - users, passwords, sessions and login lockout of the station, in the F.station SQLite file.
 *
 * Passwords are stored as libsodium Argon2id strings (crypto_pwhash_str, interactive limits). A login for an
 * unknown user still runs one verification against a dummy hash, so the time does not say whether the name
 * exists. Session tokens are 32 random bytes; the database keeps only their BLAKE2b hash, so a copy of the file
 * does not let anyone in. A session ends on logout, after the idle timeout, or when its user is deleted.
 *
 * Lockout: failed logins are audit entries (action login-failed). A user with max_failures failures since their
 * last successful login within the lockout window, or an address with 4 x max_failures failures in the window, is
 * refused even with the right password until the window has passed (action login-locked).
 */
#include "station_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char *const roles[] = {"doctor", "nurse", "pharmacist", "clerk", "admin"};

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

static int sqlerr(sqlite3 *db, const char *what)
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
		int rc = lb_error(LB_ECORRUPT, "station file: %s", err ? err : "schema");
		sqlite3_free(err);
		return rc;
	}
	/* Files made before the hash chain: add the column (earlier entries stay unchained; verify says so). */
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "SELECT chain FROM audit LIMIT 0", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_finalize(q);
	} else if (sqlite3_exec(db, "ALTER TABLE audit ADD COLUMN chain TEXT", NULL, NULL, &err) != SQLITE_OK) {
		int rc = lb_error(LB_ECORRUPT, "station file: %s", err ? err : "audit chain");
		sqlite3_free(err);
		return rc;
	}
	return 0;
}

int station_auth_open(struct station_auth *a, const char *db, int create)
{
	memset(a, 0, sizeof(*a));
	if (sodium_init() < 0)
		return lb_error(LB_EINTERNAL, "libsodium cannot start");
	struct buf path = {0};
	station_auth_path(&path, db);
	int rc = 0;
	if (!create && !lb_exists(path.data)) {
		rc = lb_error(LB_ENOTFOUND, "no station file '%s' (add a user first: lifeboat user add --db %s)",
		              path.data, db);
		goto done;
	}
	if (sqlite3_open_v2(path.data, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		rc = sqlerr(a->db, "cannot open the station file");
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
	if (!name || !*name || strlen(name) > 63)
		return lb_error(LB_EUSAGE, "a user name is 1 to 63 bytes");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return lb_error(LB_EUSAGE, "user name '%s' has spaces or control characters", name);
	if (!station_role_valid(role))
		return lb_error(LB_EUSAGE, "no role '%s' (roles: %s)", role ? role : "", STATION_ROLES);
	size_t pl = strlen(password);
	if (pl < 8 || pl > 1024)
		return lb_error(LB_EINVAL, "a password is 8 to 1024 bytes");
	char hash[crypto_pwhash_STRBYTES];
	if (sodium_init() < 0 || crypto_pwhash_str(hash, password, pl, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                                           crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return lb_error(LB_EINTERNAL, "cannot hash the password (out of memory?)");
	struct station_auth a;
	int rc = station_auth_open(&a, db, 1);
	if (rc < 0)
		return rc;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a.db, "INSERT INTO users(name, role, hash, created) VALUES(?1, ?2, ?3, ?4)", -1, &q,
	                       NULL) != SQLITE_OK) {
		rc = sqlerr(a.db, "adding a user");
	} else {
		struct buf now = {0};
		lb_format_utc(&now, lb_now_ms(), 0);
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, role, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, now.data, -1, SQLITE_STATIC);
		int s = sqlite3_step(q);
		if (s == SQLITE_CONSTRAINT)
			rc = lb_error(LB_EEXIST, "user '%s' exists already", name);
		else if (s != SQLITE_DONE)
			rc = sqlerr(a.db, "adding a user");
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
			rc = sqlerr(a.db, "deleting a user");
			break;
		}
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = sqlerr(a.db, "deleting a user");
		else if (i == 0 && sqlite3_changes(a.db) == 0)
			rc = lb_error(LB_ENOTFOUND, "no user '%s'", name);
		sqlite3_finalize(q);
	}
	station_auth_close(&a);
	return rc;
}

int station_user_list(const char *db, int (*fn)(void *ctx, const char *name, const char *role, const char *created),
                      void *ctx)
{
	struct station_auth a;
	int rc = station_auth_open(&a, db, 0);
	if (rc < 0)
		return rc;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a.db, "SELECT name, role, created FROM users ORDER BY name", -1, &q, NULL) !=
	    SQLITE_OK) {
		rc = sqlerr(a.db, "listing users");
	} else {
		while (sqlite3_step(q) == SQLITE_ROW)
			if (fn(ctx, (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
			       (const char *)sqlite3_column_text(q, 2)))
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
	                                    "SELECT s.user, s.role, s.csrf, s.last_seen FROM sessions s"
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
		rc = sqlerr(a->db, "creating a session");
	} else {
		sqlite3_bind_text(q, 1, th, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, user, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, role, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, csrf, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 5, now);
		sqlite3_bind_text(q, 6, address, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = sqlerr(a->db, "creating a session");
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

/* ---- login --------------------------------------------------------------------------------------------------- */

static int64_t count_q(sqlite3 *db, const char *sql, const char *p1, int64_t p2)
{
	sqlite3_stmt *q;
	int64_t n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, p1, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, p2);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	return n;
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	if (crypto_pwhash_str(dummy_hash, "lifeboat-no-such-user", 21, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		dummy_hash[0] = 0;
}

int station_login(struct station_auth *a, const struct station_opts *o, const char *user, const char *password,
                  const char *address, char role[16])
{
	char hash[crypto_pwhash_STRBYTES] = "";
	role[0] = 0;
	int64_t since = lb_now_ms() - o->lockout_ms;
	pthread_mutex_lock(&a->mu);
	int64_t user_fail =
	        count_q(a->db,
	                "SELECT count(*) FROM audit WHERE user=?1 AND action='login-failed' AND ms >= ?2 AND"
	                " id > COALESCE((SELECT max(id) FROM audit WHERE user=?1 AND action='login'), 0)",
	                user, since);
	int64_t addr_fail =
	        count_q(a->db, "SELECT count(*) FROM audit WHERE address=?1 AND action='login-failed' AND ms >= ?2",
	                address, since);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a->db, "SELECT hash, role FROM users WHERE name=?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			snprintf(hash, sizeof(hash), "%s", (const char *)sqlite3_column_text(q, 0));
			snprintf(role, 16, "%s", (const char *)sqlite3_column_text(q, 1));
		}
		sqlite3_finalize(q);
	}
	pthread_mutex_unlock(&a->mu);
	if (user_fail < 0 || addr_fail < 0)
		return lb_error(LB_EIO, "cannot read the station file");
	if (user_fail >= o->max_failures || addr_fail >= 4 * (int64_t)o->max_failures) {
		station_audit(a, user, "login-locked", NULL, "/login", address, NULL);
		role[0] = 0;
		return STATION_LOGIN_LOCKED;
	}
	/* Unknown users cost one verification too. */
	int ok;
	if (hash[0]) {
		ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	} else {
		pthread_once(&dummy_once, make_dummy);
		if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			lb_warn("station: a password matched the dummy hash");
		ok = 0;
	}
	sodium_memzero(hash, sizeof(hash));
	int rc = station_audit(a, user, ok ? "login" : "login-failed", NULL, "/login", address, NULL);
	if (rc < 0)
		return rc;
	if (!ok)
		role[0] = 0;
	return ok ? STATION_LOGIN_OK : STATION_LOGIN_BAD;
}
