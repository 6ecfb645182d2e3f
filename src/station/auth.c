/*
 * auth.c - users, passwords, sessions and login lockout of the station, in the F.station SQLite file.
 *
 * Passwords are stored as libsodium Argon2id strings (crypto_pwhash_str, interactive limits). A login for an
 * unknown user still runs one verification against a dummy hash, so the time does not say whether the name
 * exists. Session tokens are 32 random bytes; the database keeps only their BLAKE2b hash, so a copy of the file
 * does not let anyone in. A session ends on logout, after the idle timeout, or when its user is deleted.
 *
 * Lockout: failed logins are audit entries (action login-failed), counted in the lockout window (o.lockout_ms):
 *  - a user with max_failures failures from one address (since the user's last success from there) is locked for
 *    that address only: the same user logs in from any other address (login-locked);
 *  - an address with 4 x max_failures failures of any users is locked for everyone at it (login-locked);
 *  - a user with 4 x max_failures failures from anywhere is slowed down, not locked: from an address the user has
 *    not logged in from within STATION_KNOWN_MS, a login is refused (password unchecked) until 1, 2, 4 … 60 s
 *    after the last failure (login-delayed); addresses the user logged in from are not slowed.
 * An unlock entry (station_user_unlock) clears what it names. A locked or delayed attempt is refused even with the
 * right password and is not itself counted as a failure.
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
		rc = sqlerr(a.db, "adding a user");
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
		rc = sqlerr(a.db, "setting a user's team");
	} else {
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, team ? incident_team_name(incident_team_parse(team)) : NULL, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = sqlerr(a.db, "setting a user's team");
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
		rc = sqlerr(a.db, "listing users");
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

/* The first column of the first row of sql with ?1 = t1, ?2 = t2 (text or NULL) and ?3 = i3, or -1 on error. */
static int64_t q_int(sqlite3 *db, const char *sql, const char *t1, const char *t2, int64_t i3)
{
	sqlite3_stmt *q;
	int64_t n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, t1, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, t2, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, i3);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	return n;
}

static int64_t max3(int64_t a, int64_t b, int64_t c)
{
	int64_t m = a > b ? a : b;
	return m > c ? m : c;
}

/* What the audit trail says about logins of user from address now (call under a->mu). Each count starts after
 * the entries that clear it: a success of the user from the address (the pair), an unlock that names the user
 * and this address or none, or the address alone (the pair and the address), or the user with no address (the
 * account's back-off). Unknown names are counted like known ones, so a lock tells nothing about who exists. */
struct login_state {
	int64_t pair_fail;    /* failures of user from address in the window */
	int64_t addr_fail;    /* failures of any user from address in the window */
	int64_t user_fail;    /* failures of user from any address in the window (the back-off) */
	int64_t user_addrs;   /* … from how many addresses */
	int64_t user_last_ms; /* the last of them */
	int known;            /* user logged in from address within STATION_KNOWN_MS */
	int64_t pair_after;   /* the pair's failures counted are those after this audit id */
};

static int login_state(sqlite3 *db, const char *user, const char *address, int64_t now, int64_t window_ms,
                       struct login_state *ls)
{
	int64_t since = now - window_ms;
	int64_t ok = q_int(db, "SELECT COALESCE(max(id), 0) FROM audit WHERE user=?1 AND action='login' AND address=?2",
	                   user, address, 0);
	int64_t un_pair = q_int(db,
	                        "SELECT COALESCE(max(id), 0) FROM audit WHERE user=?1 AND action='unlock' AND"
	                        " (address IS NULL OR address=?2)",
	                        user, address, 0);
	int64_t un_addr =
	        q_int(db, "SELECT COALESCE(max(id), 0) FROM audit WHERE address=?2 AND action='unlock' AND user=''",
	              user, address, 0);
	int64_t un_addr_any = q_int(db, "SELECT COALESCE(max(id), 0) FROM audit WHERE address=?2 AND action='unlock'",
	                            user, address, 0);
	int64_t un_user = q_int(db,
	                        "SELECT COALESCE(max(id), 0) FROM audit WHERE user=?1 AND action='unlock' AND"
	                        " address IS NULL",
	                        user, NULL, 0);
	if (ok < 0 || un_pair < 0 || un_addr < 0 || un_addr_any < 0 || un_user < 0)
		return lb_error_tr(LB_EIO, "cannot read the station file: %s", "端末ファイルを読めません: %s",
		                   sqlite3_errmsg(db));
	sqlite3_stmt *q;
	int rc = 0;
	/* the pair: after its last success and the unlocks that cover it */
	if (sqlite3_prepare_v2(db,
	                       "SELECT count(*) FROM audit WHERE user=?1 AND action='login-failed' AND address=?2"
	                       " AND ms >= ?3 AND id > ?4",
	                       -1, &q, NULL) != SQLITE_OK)
		return lb_error_tr(LB_EIO, "cannot read the station file: %s", "端末ファイルを読めません: %s",
		                   sqlite3_errmsg(db));
	sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, since);
	ls->pair_after = max3(ok, un_pair, un_addr);
	sqlite3_bind_int64(q, 4, ls->pair_after);
	ls->pair_fail = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : (rc = -1);
	sqlite3_finalize(q);
	/* the address, whoever tried: after an unlock of the address */
	if (sqlite3_prepare_v2(db,
	                       "SELECT count(*) FROM audit WHERE address=?1 AND action='login-failed' AND ms >= ?2"
	                       " AND id > ?3",
	                       -1, &q, NULL) != SQLITE_OK)
		return lb_error_tr(LB_EIO, "cannot read the station file: %s", "端末ファイルを読めません: %s",
		                   sqlite3_errmsg(db));
	sqlite3_bind_text(q, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since);
	sqlite3_bind_int64(q, 3, un_addr_any);
	ls->addr_fail = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : (rc = -1);
	sqlite3_finalize(q);
	/* the account from everywhere: successes do not clear it (an attacker keeps going), an unlock does */
	if (sqlite3_prepare_v2(db,
	                       "SELECT count(*), count(DISTINCT address), COALESCE(max(ms), 0) FROM audit WHERE"
	                       " user=?1 AND action='login-failed' AND ms >= ?2 AND id > ?3",
	                       -1, &q, NULL) != SQLITE_OK)
		return lb_error_tr(LB_EIO, "cannot read the station file: %s", "端末ファイルを読めません: %s",
		                   sqlite3_errmsg(db));
	sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since);
	sqlite3_bind_int64(q, 3, un_user);
	if (sqlite3_step(q) == SQLITE_ROW) {
		ls->user_fail = sqlite3_column_int64(q, 0);
		ls->user_addrs = sqlite3_column_int64(q, 1);
		ls->user_last_ms = sqlite3_column_int64(q, 2);
	} else {
		rc = -1;
	}
	sqlite3_finalize(q);
	int64_t known = q_int(db,
	                      "SELECT EXISTS(SELECT 1 FROM audit WHERE user=?1 AND action='login' AND address=?2"
	                      " AND ms >= ?3)",
	                      user, address, now - STATION_KNOWN_MS);
	ls->known = known > 0;
	if (rc < 0 || known < 0)
		return lb_error_tr(LB_EIO, "cannot read the station file: %s", "端末ファイルを読めません: %s",
		                   sqlite3_errmsg(db));
	return 0;
}

int64_t station_backoff_ms(int64_t failures, int max_failures)
{
	int64_t from = (int64_t)STATION_BACKOFF_FACTOR * max_failures;
	if (failures < from)
		return 0;
	int64_t steps = failures - from;
	int64_t ms = 1000LL << (steps > 6 ? 6 : steps);
	return ms > STATION_BACKOFF_MAX_MS ? STATION_BACKOFF_MAX_MS : ms;
}

int64_t station_backoff_left_ms(int64_t failures, int64_t last_ms, int max_failures, int64_t now_ms)
{
	int64_t left = last_ms + station_backoff_ms(failures, max_failures) - now_ms;
	return failures >= (int64_t)STATION_BACKOFF_FACTOR * max_failures && left > 0 ? left : 0;
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
                  const char *address, char role[16], int *wait_s)
{
	char hash[crypto_pwhash_STRBYTES] = "";
	role[0] = 0;
	*wait_s = 0;
	int64_t now = lb_now_ms();
	struct login_state ls = {0};
	pthread_mutex_lock(&a->mu);
	int rc = login_state(a->db, user, address, now, o->lockout_ms, &ls);
	sqlite3_stmt *q;
	if (rc == 0 &&
	    sqlite3_prepare_v2(a->db, "SELECT hash, role FROM users WHERE name=?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW) {
			snprintf(hash, sizeof(hash), "%s", (const char *)sqlite3_column_text(q, 0));
			snprintf(role, 16, "%s", (const char *)sqlite3_column_text(q, 1));
		}
		sqlite3_finalize(q);
	}
	pthread_mutex_unlock(&a->mu);
	if (rc < 0)
		return rc;
	char detail[160];
	int verdict = -1;
	if (ls.pair_fail >= o->max_failures) {
		snprintf(detail, sizeof(detail), "locked for this address: %lld failures in the window",
		         (long long)ls.pair_fail);
		verdict = STATION_LOGIN_LOCKED;
	} else if (ls.addr_fail >= (int64_t)STATION_BACKOFF_FACTOR * o->max_failures) {
		snprintf(detail, sizeof(detail), "address locked: %lld failures of any user in the window",
		         (long long)ls.addr_fail);
		verdict = STATION_LOGIN_LOCKED_ADDRESS;
	} else if (!ls.known) {
		/* the account's back-off: refused (password not even checked) until the last failure is old enough */
		int64_t wait = station_backoff_left_ms(ls.user_fail, ls.user_last_ms, o->max_failures, now);
		if (wait) {
			*wait_s = (int)((wait + 999) / 1000);
			snprintf(detail, sizeof(detail),
			         "back-off %d s: %lld failures from %lld addresses in the window", *wait_s,
			         (long long)ls.user_fail, (long long)ls.user_addrs);
			verdict = STATION_LOGIN_WAIT;
		}
	}
	if (verdict >= 0) {
		station_audit(a, user, verdict == STATION_LOGIN_WAIT ? "login-delayed" : "login-locked", NULL, "/login",
		              address, detail);
		role[0] = 0;
		sodium_memzero(hash, sizeof(hash));
		return verdict;
	}
	/* Unknown users cost one verification too. */
	int ok;
	if (hash[0]) {
		ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	} else {
		pthread_once(&dummy_once, make_dummy);
		if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			lb_warn(L_("station: a password matched the dummy hash",
			           "端末: パスワードがダミーのハッシュに一致しました"));
		ok = 0;
	}
	sodium_memzero(hash, sizeof(hash));
	const char *note = NULL;
	if (!ok && ls.pair_fail + 1 == o->max_failures)
		note = "now locked for this address";
	else if (!ok && ls.user_fail + 1 >= (int64_t)STATION_BACKOFF_FACTOR * o->max_failures)
		note = "the account's back-off applies to new addresses";
	rc = station_audit(a, user, ok ? "login" : "login-failed", NULL, "/login", address, note);
	if (rc < 0)
		return rc;
	if (!ok)
		role[0] = 0;
	return ok ? STATION_LOGIN_OK : STATION_LOGIN_BAD;
}

/* ---- lock status (user list) --------------------------------------------------------------------------------- */

int station_user_lock_status(const char *db, const char *name, int max_failures, int64_t lockout_ms,
                             struct station_lock_status *out)
{
	memset(out, 0, sizeof(*out));
	if (max_failures <= 0)
		max_failures = 5;
	if (lockout_ms <= 0)
		lockout_ms = 15 * 60 * 1000;
	struct station_auth a;
	int rc = station_auth_open(&a, db, 0);
	if (rc < 0)
		return rc;
	int64_t now = lb_now_ms(), since = now - lockout_ms;
	/* every address the user failed from in the window: its pair lock, as station_login would judge it now */
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a.db,
	                       "SELECT DISTINCT address FROM audit WHERE user=?1 AND action='login-failed' AND ms >= ?2"
	                       " AND address IS NOT NULL ORDER BY address",
	                       -1, &q, NULL) != SQLITE_OK) {
		rc = sqlerr(a.db, "reading the lock status");
		goto done;
	}
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, since);
	struct login_state ls = {0};
	while (rc == 0 && sqlite3_step(q) == SQLITE_ROW) {
		const char *addr = (const char *)sqlite3_column_text(q, 0);
		if ((rc = login_state(a.db, name, addr, now, lockout_ms, &ls)) < 0)
			break;
		if (ls.pair_fail < max_failures || out->nlocked >= LB_ARRAY_LEN(out->locked))
			continue;
		/* locked until fewer than max_failures of the counted failures are left in the window */
		sqlite3_stmt *t;
		int64_t first = now;
		if (sqlite3_prepare_v2(a.db,
		                       "SELECT ms FROM audit WHERE user=?1 AND action='login-failed' AND address=?2 AND"
		                       " ms >= ?3 AND id > ?4 ORDER BY ms LIMIT 1 OFFSET ?5",
		                       -1, &t, NULL) == SQLITE_OK) {
			sqlite3_bind_text(t, 1, name, -1, SQLITE_STATIC);
			sqlite3_bind_text(t, 2, addr, -1, SQLITE_STATIC);
			sqlite3_bind_int64(t, 3, since);
			sqlite3_bind_int64(t, 4, ls.pair_after);
			sqlite3_bind_int64(t, 5, ls.pair_fail - max_failures);
			if (sqlite3_step(t) == SQLITE_ROW)
				first = sqlite3_column_int64(t, 0);
			sqlite3_finalize(t);
		}
		struct station_lock *l = &out->locked[out->nlocked++];
		snprintf(l->address, sizeof(l->address), "%s", addr);
		l->failures = ls.pair_fail;
		l->until_ms = first + lockout_ms;
	}
	sqlite3_finalize(q);
	if (rc < 0)
		goto done;
	/* the account from everywhere (the address does not matter for these counts) */
	if ((rc = login_state(a.db, name, "", now, lockout_ms, &ls)) < 0)
		goto done;
	out->failures = ls.user_fail;
	out->addresses = ls.user_addrs;
	int64_t left = station_backoff_left_ms(ls.user_fail, ls.user_last_ms, max_failures, now);
	if (left)
		out->backoff_until_ms = now + left;
done:
	station_auth_close(&a);
	return rc;
}

/* ---- unlock -------------------------------------------------------------------------------------------------- */

int station_user_unlock(const char *db, const char *name, const char *address, const char *by, long *cleared,
                        struct buf *from)
{
	*cleared = 0;
	if ((!name || !*name) && (!address || !*address))
		return lb_error_tr(LB_EUSAGE, "unlock a user name, an address, or both",
		                   "ロックを解除する利用者名かアドレス (または両方) を指定してください");
	struct station_auth a;
	int rc = station_auth_open(&a, db, 0);
	if (rc < 0)
		return rc;
	if (name && *name && q_int(a.db, "SELECT count(*) FROM users WHERE name=?1", name, NULL, 0) <= 0) {
		rc = lb_error_tr(LB_ENOTFOUND, "no user '%s' (lifeboat user list shows them)",
		                 "利用者 '%s' はいません (lifeboat user list で一覧)", name);
		goto done;
	}
	/* what is cleared: the recent failures this unlock covers */
	sqlite3_stmt *q;
	int64_t since = lb_now_ms() - 15 * 60 * 1000;
	if (sqlite3_prepare_v2(a.db,
	                       "SELECT count(*), COALESCE(group_concat(DISTINCT address), '') FROM audit WHERE"
	                       " action='login-failed' AND ms >= ?3 AND (?1 IS NULL OR user=?1) AND"
	                       " (?2 IS NULL OR address=?2) AND id > (SELECT COALESCE(max(id), 0) FROM audit WHERE"
	                       " action='unlock' AND (?1 IS NULL OR user=?1) AND (?2 IS NULL OR address=?2))",
	                       -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, name && *name ? name : NULL, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, address && *address ? address : NULL, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, since);
		if (sqlite3_step(q) == SQLITE_ROW) {
			*cleared = (long)sqlite3_column_int64(q, 0);
			buf_adds(from, (const char *)sqlite3_column_text(q, 1));
		}
		sqlite3_finalize(q);
	}
	char detail[200];
	snprintf(detail, sizeof(detail), "by %s on the command line", by && *by ? by : "?");
	rc = station_audit(&a, name && *name ? name : "", "unlock", NULL, NULL, address && *address ? address : NULL,
	                   detail);
done:
	station_auth_close(&a);
	return rc;
}
