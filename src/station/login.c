/*
 * login.c - the station's login: the password check and the lockout, in the F.station SQLite file (auth.c holds
 * the users and sessions).
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
		rc = station_sqlerr(a.db, L_("reading the lock status", "ロック状態の読み取り"));
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
