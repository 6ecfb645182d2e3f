/*
 * test_station.c - the station's pure functions: the one HTML escaping function and the template formatter,
 * form-body and cookie parsing (percent escapes, caps, invalid UTF-8, control characters), CSV fields guarded
 * against formula injection, roles, the append-only audit table (triggers) on a real SQLite file, and what a
 * barcode scanner types (scan parsing, order label codes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "station/station_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_html_esc(void **state)
{
	(void)state;
	struct buf b = {0};
	station_html_esc(&b, "<script>alert('x')</script> & \"q\" 佐藤");
	assert_string_equal(buf_cstr(&b), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; 佐藤");
	buf_reset(&b);
	station_html_esc(&b, "a\xff<b");
	assert_string_equal(buf_cstr(&b), "a\xef\xbf\xbd&lt;b"); /* invalid UTF-8 becomes U+FFFD, still escaped */
	buf_reset(&b);
	station_html_esc(&b, NULL);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void test_html_template(void **state)
{
	(void)state;
	struct buf b = {0};
	station_html(&b, "<a href=\"/patient/%u\">%s</a> %d %l %R 100%%", "a b/<c>", "<i>", 42, 7L, "<b>ok</b>");
	assert_string_equal(buf_cstr(&b), "<a href=\"/patient/a%20b%2F%3Cc%3E\">&lt;i&gt;</a> 42 7 <b>ok</b> 100%");
	buf_reset(&b);
	station_html(&b, "%s|%u", NULL, NULL);
	assert_string_equal(buf_cstr(&b), "|");
	/* %T: a stored time in the local display format (local time without a zone stays as it is), escaped */
	buf_reset(&b);
	station_html(&b, "<td>%T</td><td>%T</td><td>%T</td><td>%T</td>", "2026-11-18T10:56:00", "2026-11-18", NULL,
	             "<b>");
	assert_string_equal(buf_cstr(&b), "<td>2026/11/18 10:56</td><td>2026/11/18</td><td></td><td>&lt;b&gt;</td>");
	buf_release(&b);
}

static void test_form_get(void **state)
{
	(void)state;
	struct buf v = {0};
	const char *f = "username=nurse1&password=correct+horse%20battery&q=%EF%BD%BB%EF%BE%84%EF%BD%B3&empty=&flag";
	assert_int_equal(station_form_get(f, strlen(f), "username", &v), 1);
	assert_string_equal(v.data, "nurse1");
	assert_int_equal(station_form_get(f, strlen(f), "password", &v), 1);
	assert_string_equal(v.data, "correct horse battery");
	assert_int_equal(station_form_get(f, strlen(f), "q", &v), 1);
	assert_string_equal(v.data, "ｻﾄｳ");
	assert_int_equal(station_form_get(f, strlen(f), "empty", &v), 1);
	assert_string_equal(buf_cstr(&v), "");
	assert_int_equal(station_form_get(f, strlen(f), "flag", &v), 1);
	assert_int_equal(station_form_get(f, strlen(f), "user", &v), 0);
	assert_int_equal(station_form_get(f, strlen(f), "missing", &v), 0);
	/* Only the first n bytes count. */
	assert_int_equal(station_form_get(f, 5, "username", &v), 0);
	/* Malformed input is refused, not guessed. */
	static const char *const bad[] = {"q=%", "q=%4", "q=%zz", "q=%00", "q=%FF%FE", "q=a%0Bb", "q=%7F"};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++)
		assert_int_equal(station_form_get(bad[i], strlen(bad[i]), "q", &v), -LB_EINVAL);
	/* Tabs and newlines are text. */
	assert_int_equal(station_form_get("q=a%09b%0Ac", 11, "q", &v), 1);
	assert_string_equal(v.data, "a\tb\nc");
	/* The cap. */
	struct buf big = {0};
	buf_adds(&big, "q=");
	for (int i = 0; i < STATION_FIELD_MAX + 10; i++)
		buf_addch(&big, 'x');
	assert_int_equal(station_form_get(big.data, big.len, "q", &v), -LB_ETOOBIG);
	buf_release(&big);
	buf_release(&v);
}

static void test_cookie_get(void **state)
{
	(void)state;
	char out[80];
	assert_int_equal(station_cookie_get("a=1; lb_session=abc_DEF-9; lb_lang=en", "lb_session", out, sizeof(out)),
	                 1);
	assert_string_equal(out, "abc_DEF-9");
	assert_int_equal(station_cookie_get("lb_lang=en;lb_pre=ff", "lb_pre", out, sizeof(out)), 1);
	assert_string_equal(out, "ff");
	assert_int_equal(station_cookie_get("xlb_session=1", "lb_session", out, sizeof(out)), 0);
	assert_int_equal(station_cookie_get("lb_session=a\"b", "lb_session", out, sizeof(out)), 0);
	assert_int_equal(station_cookie_get("lb_session=", "lb_session", out, sizeof(out)), 0);
	assert_int_equal(station_cookie_get("lb_session", "lb_session", out, sizeof(out)), 0);
	assert_int_equal(station_cookie_get(NULL, "lb_session", out, sizeof(out)), 0);
	char small[4];
	assert_int_equal(station_cookie_get("lb_session=abcdef", "lb_session", small, sizeof(small)), 0);
	assert_string_equal(small, "");
}

static void test_csv_field(void **state)
{
	(void)state;
	struct buf b = {0};
	station_csv_field(&b, "佐藤 \"花子\"");
	buf_addch(&b, ',');
	station_csv_field(&b, "=HYPERLINK(\"x\")");
	buf_addch(&b, ',');
	station_csv_field(&b, NULL);
	assert_string_equal(buf_cstr(&b), "\"佐藤 \"\"花子\"\"\",\"'=HYPERLINK(\"\"x\"\")\",\"\"");
	buf_release(&b);
}

static void test_roles(void **state)
{
	(void)state;
	assert_true(station_role_valid("nurse"));
	assert_true(station_role_valid("admin"));
	assert_false(station_role_valid("root"));
	assert_false(station_role_valid(NULL));
	struct buf p = {0};
	station_auth_path(&p, "/srv/clinical.db");
	assert_string_equal(p.data, "/srv/clinical.db.station");
	buf_release(&p);
}

static void test_audit_append_only(void **state)
{
	(void)state;
	char dir[] = "/tmp/lifeboat-station-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct buf db = {0};
	buf_addf(&db, "%s/c.db", dir);
	struct station_auth a;
	assert_int_equal(station_auth_open(&a, db.data, 1), 0);
	assert_int_equal(station_audit(&a, "nurse1", "view", "0001", "/patient/0001", "127.0.0.1", NULL), 0);
	assert_int_not_equal(sqlite3_exec(a.db, "UPDATE audit SET user='x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(a.db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	station_auth_close(&a);
	assert_int_equal(station_user_add(db.data, "nurse1", "nurse", "long enough"), 0);
	assert_int_equal(station_user_add(db.data, "nurse1", "nurse", "long enough"), -LB_EEXIST);
	assert_int_equal(station_user_add(db.data, "nurse2", "nurse", "short"), -LB_EINVAL);
	assert_int_equal(station_user_add(db.data, "a b", "nurse", "long enough"), -LB_EUSAGE);
	assert_int_equal(station_user_del(db.data, "nobody"), -LB_ENOTFOUND);
	assert_int_equal(station_user_del(db.data, "nurse1"), 0);
	struct buf cmd = {0};
	buf_addf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd.data), 0);
	buf_release(&cmd);
	buf_release(&db);
}

/* A station file from before the hash chain: the column is added, old entries are left unchained, new ones are
 * chained and verify holds; an edit after that breaks it. */
static void test_audit_chain_migration(void **state)
{
	(void)state;
	char dir[] = "/tmp/lifeboat-station-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct buf db = {0}, st = {0};
	buf_addf(&db, "%s/c.db", dir);
	buf_addf(&st, "%s/c.db.station", dir);
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(st.data, &raw), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(
	                raw,
	                "CREATE TABLE audit(id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL,"
	                " ms INTEGER NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, patient TEXT,"
	                " page TEXT, address TEXT, detail TEXT);"
	                "INSERT INTO audit(time, ms, user, action) VALUES('2026-01-01T00:00:00Z', 1, 'old', 'view');",
	                NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(raw);
	struct station_auth a;
	assert_int_equal(station_auth_open(&a, db.data, 0), 0);
	assert_int_equal(station_audit(&a, "nurse1", "view", "0001", "/patient/0001", "127.0.0.1", NULL), 0);
	assert_int_equal(station_audit(&a, "nurse1", "search", NULL, "/search", "127.0.0.1", "佐藤"), 0);
	int64_t n, bad;
	char head[65];
	assert_int_equal(station_audit_verify(db.data, &n, head, &bad), 0);
	assert_int_equal(n, 3);
	assert_int_equal(strlen(head), 64);
	assert_int_equal(sqlite3_exec(a.db, "DROP TRIGGER audit_no_update; UPDATE audit SET detail='x' WHERE id=3",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	station_auth_close(&a);
	assert_int_equal(station_audit_verify(db.data, &n, head, &bad), 1);
	assert_int_equal(bad, 3);
	struct buf cmd = {0};
	buf_addf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd.data), 0);
	buf_release(&cmd);
	buf_release(&db);
	buf_release(&st);
}

/* What a scanner types: plain codes, order labels (also through a Japanese input method: full-width, ・ and ー;
 * with Caps Lock: lbo/), GS1 package codes, and what is no scan at all. */
static void test_scan_parse(void **state)
{
	(void)state;
	struct station_scan sc;
	assert_int_equal(station_scan_parse(" 0001000137\r\n", &sc), 0);
	assert_int_equal(sc.kind, STATION_SCAN_CODE);
	assert_string_equal(sc.text, "0001000137");
	assert_int_equal(station_scan_parse("０００１０００１３７", &sc), 0);
	assert_string_equal(sc.text, "0001000137");
	assert_int_equal(station_scan_parse("LBO/0001000137/261124000001944/100003202", &sc), 0);
	assert_int_equal(sc.kind, STATION_SCAN_ORDER_LABEL);
	assert_string_equal(sc.order.patient_id, "0001000137");
	assert_string_equal(sc.order.order_no, "261124000001944");
	assert_string_equal(sc.order.drug_code, "100003202");
	assert_int_equal(station_scan_parse("ＬＢＯ・ＲＸ０００１・ＯＲＤーＬ１・ＤーＬＯＸＯ", &sc), 0);
	assert_int_equal(sc.kind, STATION_SCAN_ORDER_LABEL);
	assert_string_equal(sc.order.patient_id, "RX0001");
	assert_string_equal(sc.order.order_no, "ORD-L1");
	assert_string_equal(sc.order.drug_code, "D-LOXO");
	assert_int_equal(station_scan_parse("lbo/RX0001/ORD-L1/D-LOXO", &sc), 0);
	assert_int_equal(sc.kind, STATION_SCAN_ORDER_LABEL);
	assert_int_equal(station_scan_parse("0104987123456789", &sc), 0);
	assert_int_equal(sc.kind, STATION_SCAN_GS1);
	assert_int_equal(station_scan_parse("]C1010498712345678917270101", &sc), 0);
	assert_int_equal(sc.kind, STATION_SCAN_GS1);
	assert_int_equal(station_scan_parse("]C0LBO/RX0001/ORD-L1/D-LOXO", &sc), 0); /* AIM prefix of Code 128 */
	assert_int_equal(sc.kind, STATION_SCAN_ORDER_LABEL);
	assert_int_equal(station_scan_parse("]C00001000137", &sc), 0);
	assert_string_equal(sc.text, "0001000137");
	assert_int_equal(station_scan_parse("]d2\t*", &sc), 0); /* found by the fuzzer: spaces after the prefix */
	assert_string_equal(sc.text, "*");
	assert_int_equal(station_scan_parse("(01)04987123456789", &sc), 0);
	assert_int_equal(sc.kind, STATION_SCAN_GS1);
	assert_int_equal(station_scan_parse("  ", &sc), 0);
	assert_int_equal(sc.kind, STATION_SCAN_EMPTY);
	/* damaged order labels, other text, over the cap */
	assert_int_equal(station_scan_parse("LBO/RX0001/ORD-L1", &sc), -LB_EINVAL);
	assert_int_equal(station_scan_parse("LBO/RX0001//D-LOXO", &sc), -LB_EINVAL);
	assert_int_equal(station_scan_parse("LBO/RX0001/ORD L1/D-LOXO", &sc), -LB_EINVAL);
	assert_int_equal(station_scan_parse("LBO/a/b/c/d", &sc), -LB_EINVAL);
	assert_int_equal(station_scan_parse("佐藤", &sc), -LB_EINVAL);
	assert_int_equal(station_scan_parse("a b", &sc), -LB_EINVAL);
	assert_int_equal(station_scan_parse("x/y", &sc), -LB_EINVAL);
	assert_int_equal(station_scan_parse("\xff\xfe", &sc), -LB_EINVAL);
	char big[STATION_SCAN_MAX + 2];
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(station_scan_parse(big, &sc), -LB_EINVAL);
	big[STATION_SCAN_MAX] = 0;
	assert_int_equal(station_scan_parse(big, &sc), 0);
}

/* The order label's code is written only from fields a scanner types the same everywhere, and reads back. */
static void test_order_code(void **state)
{
	(void)state;
	struct buf b = {0};
	struct print_order_code oc;
	assert_int_equal(print_order_code(&b, "0001000137", "261124000001944", "100003202"), 0);
	assert_string_equal(b.data, "LBO/0001000137/261124000001944/100003202");
	assert_int_equal(print_order_code_parse(b.data, &oc), 1);
	assert_string_equal(oc.order_no, "261124000001944");
	buf_reset(&b);
	assert_int_equal(print_order_code(&b, "RX0001", "ORD_1", "D1"), -LB_EINVAL); /* '_' is '=' on a JIS layout */
	assert_int_equal(print_order_code(&b, "RX0001", "", "D1"), -LB_EINVAL);
	assert_int_equal(print_order_code(&b, "RX0001", "注1", "D1"), -LB_EINVAL);
	assert_int_equal(print_order_code(&b, "RX0001", NULL, "D1"), -LB_EINVAL);
	assert_int_equal(b.len, 0);
	assert_int_equal(print_order_code_parse("0001000137", &oc), 0);
	assert_int_equal(print_order_code_parse("LBO/", &oc), -LB_EINVAL);
	buf_release(&b);
}

static void mkdir_with_file(const char *dir, const char *name)
{
	struct buf d = {0}, f = {0};
	lb_path_join(&d, dir, name);
	assert_int_equal(mkdir(d.data, 0700), 0);
	lb_path_join(&f, d.data, "part.pdf");
	assert_int_equal(lb_write_file_atomic(f.data, "%PDF patient data", 17, 0600, 1), 0);
	buf_release(&d);
	buf_release(&f);
}

static int exists_in(const char *dir, const char *name)
{
	struct buf p = {0};
	lb_path_join(&p, dir, name);
	struct stat st;
	int r = lstat(p.data, &st) == 0;
	buf_release(&p);
	return r;
}

/* A station killed mid-print leaves lifeboat-print-<pid>-XXXXXX behind: the next start removes this user's
 * leftovers whose process is gone or that are old, and nothing else (links are not followed, other names and
 * other users' folders are left alone, a live process's folder is in use). */
static void test_print_sweep(void **state)
{
	(void)state;
	char dir[] = "/tmp/lb-test-sweep-XXXXXX";
	assert_non_null(mkdtemp(dir));
	pid_t dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	char gone[64], live[64], linked[64];
	snprintf(gone, sizeof(gone), "lifeboat-print-%ld-aB3xYz", (long)dead);
	snprintf(live, sizeof(live), "lifeboat-print-%ld-QwErTy", (long)getppid()); /* alive: in use */
	snprintf(linked, sizeof(linked), "lifeboat-print-%ld-LiNkEd", (long)dead);
	mkdir_with_file(dir, gone);
	mkdir_with_file(dir, live);
	mkdir_with_file(dir, "lifeboat-print-fresh1"); /* an older station's name without a pid: kept while young */
	mkdir_with_file(dir, "lifeboat-print-old123");
	mkdir_with_file(dir, "other-folder");
	mkdir_with_file(dir, "target");
	struct buf p = {0}, t = {0};
	lb_path_join(&p, dir, linked);
	lb_path_join(&t, dir, "target");
	assert_int_equal(symlink(t.data, p.data), 0); /* a link named like ours: never followed */
	buf_reset(&p);
	lb_path_join(&p, dir, "lifeboat-print-old123");
	struct timespec two_hours_ago[2] = {{time(NULL) - 7200, 0}, {time(NULL) - 7200, 0}};
	assert_int_equal(utimensat(AT_FDCWD, p.data, two_hours_ago, 0), 0);
	int other_user = geteuid() == 0;
	if (other_user) { /* as root: a dead pid's folder of another user is not ours to remove */
		mkdir_with_file(dir, "lifeboat-print-999999999-other");
		buf_reset(&p);
		lb_path_join(&p, dir, "lifeboat-print-999999999-other");
		assert_int_equal(chown(p.data, 65534, 65534), 0);
	}

	long removed = -1;
	assert_int_equal(station_print_sweep(dir, STATION_PRINT_STALE_MS, &removed), 0);
	assert_int_equal(removed, 2);
	assert_false(exists_in(dir, gone));
	assert_false(exists_in(dir, "lifeboat-print-old123"));
	assert_true(exists_in(dir, live));
	assert_true(exists_in(dir, "lifeboat-print-fresh1"));
	assert_true(exists_in(dir, "other-folder"));
	assert_true(exists_in(dir, linked));
	assert_true(exists_in(dir, "target/part.pdf"));
	if (other_user)
		assert_true(exists_in(dir, "lifeboat-print-999999999-other"));
	/* a missing folder is nothing to sweep */
	buf_reset(&p);
	lb_path_join(&p, dir, "missing");
	assert_int_equal(station_print_sweep(p.data, STATION_PRINT_STALE_MS, &removed), 0);
	assert_int_equal(removed, 0);
	buf_release(&p);
	buf_release(&t);
	lb_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_html_esc),          cmocka_unit_test(test_html_template),
	        cmocka_unit_test(test_form_get),          cmocka_unit_test(test_cookie_get),
	        cmocka_unit_test(test_csv_field),         cmocka_unit_test(test_roles),
	        cmocka_unit_test(test_audit_append_only), cmocka_unit_test(test_audit_chain_migration),
	        cmocka_unit_test(test_print_sweep),       cmocka_unit_test(test_scan_parse),
	        cmocka_unit_test(test_order_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
