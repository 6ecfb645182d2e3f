/*
 * test_station_login.c - the station's login lockout on a real station file (issue 13): the 5th wrong password
 * from an address locks the user there (the 4th does not, a success clears the count), another address still logs
 * in; 20 failures of any names lock an address (19 do not); failures of one account from many addresses slow new
 * addresses down (the back-off), never the user's own; `user unlock` clears what it names and says how much.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "station/station_int.h"

#include <stdlib.h>
#include <string.h>

#define PW "long enough password"

static char dir[64], db[128];
static struct station_auth a;
static const struct station_opts o = {.max_failures = 5, .lockout_ms = 15 * 60 * 1000};

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lb-test-login-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof(db), "%s/c.db", dir);
	if (station_user_add(db, "nurse1", "nurse", PW) < 0 || station_user_add(db, "nurse2", "nurse", PW) < 0 ||
	    station_user_add(db, "nurse3", "nurse", PW) < 0)
		return -1;
	return station_auth_open(&a, db, 0);
}

static int teardown(void **state)
{
	(void)state;
	station_auth_close(&a);
	lb_rmtree(dir);
	return 0;
}

static int login(const char *user, const char *pw, const char *addr, int *wait_s)
{
	char role[16];
	int w = 0;
	int v = station_login(&a, &o, user, pw, addr, role, &w);
	if (wait_s)
		*wait_s = w;
	if (v == STATION_LOGIN_OK)
		assert_string_equal(role, "nurse");
	else
		assert_string_equal(role, "");
	return v;
}

/* The detail of the last audit entry ("" for none). */
static const char *last_detail(void)
{
	static char d[200];
	sqlite3_stmt *q;
	d[0] = 0;
	assert_int_equal(sqlite3_prepare_v2(a.db, "SELECT COALESCE(detail, '') FROM audit ORDER BY id DESC LIMIT 1", -1,
	                                    &q, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(d, sizeof(d), "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return d;
}

static void fail_from(const char *user, const char *addr)
{
	assert_int_equal(station_audit(&a, user, "login-failed", NULL, "/login", addr, NULL), 0);
}

static void test_pair_lock(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(login("nurse1", "wrong password", "127.0.0.2", NULL), STATION_LOGIN_BAD);
	assert_string_equal(last_detail(), "");                                     /* the 4th failure does not lock */
	assert_int_equal(login("nurse1", PW, "127.0.0.2", NULL), STATION_LOGIN_OK); /* after 4: still in */
	for (int i = 0; i < 4; i++)                                                 /* the success cleared them */
		assert_int_equal(login("nurse1", "wrong password", "127.0.0.2", NULL), STATION_LOGIN_BAD);
	assert_int_equal(login("nurse1", "wrong password", "127.0.0.2", NULL), STATION_LOGIN_BAD);
	assert_string_equal(last_detail(), "now locked for this address"); /* the 5th */
	assert_int_equal(login("nurse1", PW, "127.0.0.2", NULL), STATION_LOGIN_LOCKED);
	assert_string_equal(last_detail(), "locked for this address: 5 failures in the window");
	assert_int_equal(login("nurse1", PW, "127.0.0.1", NULL), STATION_LOGIN_OK);  /* another address */
	assert_int_equal(login("nurse2", PW, "127.0.0.2", NULL), STATION_LOGIN_OK);  /* another user there */
	assert_int_equal(login("nobody", PW, "127.0.0.3", NULL), STATION_LOGIN_BAD); /* an unknown name */

	long cleared = 0;
	struct buf from = {0};
	assert_int_equal(station_user_unlock(db, NULL, NULL, "admin", &cleared, &from), -LB_EUSAGE);
	assert_int_equal(station_user_unlock(db, "", "", "admin", &cleared, &from), -LB_EUSAGE);
	assert_int_equal(station_user_unlock(db, "nobody", NULL, "admin", &cleared, &from), -LB_ENOTFOUND);
	assert_int_equal(station_user_unlock(db, "nurse1", NULL, "admin", &cleared, &from), 0);
	assert_int_equal(cleared, 9);
	assert_string_equal(buf_cstr(&from), "127.0.0.2");
	assert_string_equal(last_detail(), "by admin on the command line");
	assert_int_equal(login("nurse1", PW, "127.0.0.2", NULL), STATION_LOGIN_OK);
	buf_reset(&from);
	assert_int_equal(station_user_unlock(db, "", "127.0.0.3", NULL, &cleared, &from), 0); /* the address alone */
	assert_int_equal(cleared, 1);
	assert_string_equal(last_detail(), "by ? on the command line");
	buf_release(&from);
}

static void test_address_lock(void **state)
{
	(void)state;
	char name[32];
	for (int i = 1; i <= 19; i++) {
		snprintf(name, sizeof(name), "guess%d", i);
		fail_from(name, "127.0.0.4");
	}
	assert_int_equal(login("nurse2", PW, "127.0.0.4", NULL), STATION_LOGIN_OK); /* 19 of any names */
	fail_from("guess20", "127.0.0.4");
	assert_int_equal(login("nurse2", PW, "127.0.0.4", NULL), STATION_LOGIN_LOCKED_ADDRESS); /* 20 */
	long cleared = 0;
	struct buf from = {0};
	assert_int_equal(station_user_unlock(db, NULL, "127.0.0.4", "admin", &cleared, &from), 0);
	assert_int_equal(cleared, 20);
	assert_int_equal(login("nurse2", PW, "127.0.0.4", NULL), STATION_LOGIN_OK);
	buf_release(&from);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(station_backoff_ms(19, 5), 0);
	assert_int_equal(station_backoff_ms(20, 5), 1000);
	assert_int_equal(station_backoff_ms(21, 5), 2000);
	assert_int_equal(station_backoff_ms(25, 5), 32000);
	assert_int_equal(station_backoff_ms(26, 5), 60000); /* 64 s, capped at 60 */
	assert_int_equal(station_backoff_ms(1000, 5), 60000);
	assert_int_equal(station_backoff_ms(3, 1), 0);
	assert_int_equal(station_backoff_ms(4, 1), 1000);
	/* what is left of it, to the millisecond: 20 failures (4 x 5), the last at t = 100000, wait 1 s */
	const int64_t t = 100000;
	assert_int_equal(station_backoff_left_ms(20, t, 5, t), 1000);
	assert_int_equal(station_backoff_left_ms(20, t, 5, t + 998), 2);
	assert_int_equal(station_backoff_left_ms(20, t, 5, t + 999), 1); /* the last millisecond still waits */
	assert_int_equal(station_backoff_left_ms(20, t, 5, t + 1000), 0);
	assert_int_equal(station_backoff_left_ms(20, t, 5, t + 1001), 0);
	assert_int_equal(station_backoff_left_ms(26, t, 5, t + 59999), 1);
	assert_int_equal(station_backoff_left_ms(26, t, 5, t + 60000), 0);
	/* 19 failures: none, even with the last one stamped ahead of the clock (another station's clock) */
	assert_int_equal(station_backoff_left_ms(19, t + 5000, 5, t), 0);
	assert_int_equal(station_backoff_left_ms(20, t + 5000, 5, t), 6000);
	assert_int_equal(station_backoff_left_ms(4, t, 1, t + 500), 500);
	assert_int_equal(station_backoff_left_ms(3, t, 1, t + 500), 0);

	assert_int_equal(login("nurse3", PW, "10.0.0.1", NULL), STATION_LOGIN_OK); /* her own address */
	char addr[32];
	for (int i = 1; i <= 18; i++) {
		snprintf(addr, sizeof(addr), "10.1.0.%d", i);
		fail_from("nurse3", addr);
	}
	assert_int_equal(login("nurse3", "wrong password", "10.2.0.1", NULL), STATION_LOGIN_BAD); /* the 19th */
	assert_string_equal(last_detail(), "");
	assert_int_equal(login("nurse3", "wrong password", "10.2.0.2", NULL), STATION_LOGIN_BAD); /* the 20th */
	assert_string_equal(last_detail(), "the account's back-off applies to new addresses");
	for (int i = 1; i <= 6; i++) { /* 26 failures: 60 s after the last one */
		snprintf(addr, sizeof(addr), "10.3.0.%d", i);
		fail_from("nurse3", addr);
	}
	int wait = 0;
	assert_int_equal(login("nurse3", PW, "10.2.0.9", &wait), STATION_LOGIN_WAIT);
	assert_true(wait > 30 && wait <= 60);
	assert_non_null(strstr(last_detail(), "26 failures from 26 addresses"));
	assert_int_equal(login("nurse3", PW, "10.0.0.1", &wait), STATION_LOGIN_OK); /* not slowed at home */
	assert_int_equal(wait, 0);
	long cleared = 0;
	struct buf from = {0};
	assert_int_equal(station_user_unlock(db, "nurse3", NULL, "admin", &cleared, &from), 0);
	assert_int_equal(login("nurse3", PW, "10.2.0.9", &wait), STATION_LOGIN_OK);
	buf_release(&from);
}

/* n failures of user, each from its own address (PREFIX.1 …), stamped ago_ms before now. */
static void failed_before(const char *user, const char *prefix, int n, int64_t ago_ms)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(a.db,
	                                    "INSERT INTO audit(time, ms, user, action, page, address)"
	                                    " VALUES('-', ?1, ?2, 'login-failed', '/login', ?3)",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	int64_t ms = lb_now_ms() - ago_ms;
	for (int i = 1; i <= n; i++) {
		char addr[32];
		snprintf(addr, sizeof(addr), "%s.%d", prefix, i);
		sqlite3_bind_int64(q, 1, ms);
		sqlite3_bind_text(q, 2, user, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, addr, -1, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
}

/* The back-off at its edges: exactly 20 failures (4 x 5) from other addresses slow a new address down for 1 s,
 * 19 do not; once the wait after the last failure has passed (1 s for 20, 60 s for 26) a new address logs in with
 * the right password although the failures are still in the window. */
static void test_backoff_edges(void **state)
{
	(void)state;
	int wait = 0;
	failed_before("nurse1", "10.4.0", 19, 0);
	assert_int_equal(login("nurse1", PW, "10.9.0.1", &wait), STATION_LOGIN_OK); /* 19: none */
	assert_int_equal(wait, 0);
	failed_before("nurse2", "10.5.0", 20, 0);
	assert_int_equal(login("nurse2", PW, "10.9.0.2", &wait), STATION_LOGIN_WAIT); /* 20: 1 s */
	assert_int_equal(wait, 1);
	assert_non_null(strstr(last_detail(), "back-off 1 s: 20 failures from 20 addresses"));
	failed_before("nurse3", "10.6.0", 20, 1500); /* 20, the last 1.5 s ago: the 1 s has passed */
	assert_int_equal(login("nurse3", PW, "10.9.0.3", &wait), STATION_LOGIN_OK);
	assert_int_equal(wait, 0);
	failed_before("nurse3", "10.7.0", 6, 61 * 1000); /* 26, the last 1.5 s ago: 60 s after it, so wait */
	assert_int_equal(login("nurse3", PW, "10.9.0.4", &wait), STATION_LOGIN_WAIT);
	assert_true(wait >= 58 && wait <= 59);
}

/* An unknown name costs a password check against a dummy hash, and is refused whatever the password: also the
 * dummy's own, which is worth a warning (nobody should type it); an ordinary wrong guess is not warned about. */
static void test_unknown_user(void **state)
{
	(void)state;
	FILE *lf = tmpfile();
	assert_non_null(lf);
	lb_log_set_file(lf);
	assert_int_equal(login("nobody", "a guess", "10.8.0.1", NULL), STATION_LOGIN_BAD);
	fflush(lf);
	assert_int_equal((int)ftell(lf), 0);
	assert_int_equal(login("nobody", "lifeboat-no-such-user", "10.8.0.1", NULL), STATION_LOGIN_BAD);
	lb_log_set_file(NULL);
	char line[300] = "";
	rewind(lf);
	assert_non_null(fgets(line, sizeof(line), lf));
	assert_non_null(strstr(line, "station: a password matched the dummy hash"));
	fclose(lf);
}

/* Fault injection: an authorizer that refuses the deny_at-th statement reading the audit trail (counted from when
 * it is armed), and notes how many had been read when the users table was first read. */
static int deny_at, audit_reads, reads_before_users, new_stmt;

static int refuse_read(void *u, int action, const char *t, const char *c, const char *d, const char *trigger)
{
	(void)u, (void)c, (void)d, (void)trigger;
	if (action == SQLITE_SELECT)
		new_stmt = 1;
	if (action == SQLITE_READ && t && !strcmp(t, "users") && reads_before_users < 0)
		reads_before_users = audit_reads;
	if (action == SQLITE_READ && t && !strcmp(t, "audit") && new_stmt) {
		new_stmt = 0;
		if (++audit_reads == deny_at)
			return SQLITE_DENY;
	}
	return SQLITE_OK;
}

static void arm(int at)
{
	deny_at = at;
	audit_reads = 0;
	reads_before_users = -1;
	new_stmt = 0;
}

/* The lockout fails closed: when any one of the reads of the audit trail that decide a login fails, the login is
 * an error (the station answers 500), never let through or judged on counts of 0 — here for a user locked at an
 * address, who must not get in with her right password because a read of her failures failed. */
static void test_reads_fail_closed(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		fail_from("nurse1", "127.0.0.9");
	sqlite3_set_authorizer(a.db, refuse_read, NULL);
	arm(0);
	assert_int_equal(login("nurse1", PW, "127.0.0.9", NULL), STATION_LOGIN_LOCKED);
	int n = reads_before_users;
	print_message("%d reads of the audit trail decide a login\n", n);
	assert_true(n >= 5);
	for (int k = 1; k <= n; k++) {
		arm(k);
		int v = login("nurse1", PW, "127.0.0.9", NULL);
		if (v >= 0)
			fail_msg("the read %d of %d failing: verdict %d, not an error", k, n, v);
		assert_true(audit_reads >= k); /* the read was refused */
	}
	sqlite3_set_authorizer(a.db, NULL, NULL);
	assert_int_equal(login("nurse1", PW, "127.0.0.9", NULL), STATION_LOGIN_LOCKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_pair_lock, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_address_lock, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_backoff_edges, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unknown_user, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reads_fail_closed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
