/*
 * test_logs_formats.c - each log format's reader on real-looking lines (src/logs): the fields and log source a rule
 * matches, and what a malformed line gives (no fields, never a crash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs/reader.h"

static struct log_event ev;

/* The value of field name, as a C string ("" + fail when absent). */
static const char *val(const char *name)
{
	static char out[1024];
	const struct log_field *f = log_event_get(&ev, name, strlen(name));
	if (!f) {
		print_error("no field %s\n", name);
		fail();
	}
	memcpy(out, f->val, f->val_len);
	out[f->val_len] = 0;
	return out;
}

static int has(const char *name)
{
	return log_event_get(&ev, name, strlen(name)) != NULL;
}

static int parse(enum log_format fmt, const char *line)
{
	return log_parse(fmt, line, strlen(line), 1796601600000LL /* 2026-12-07 */, &ev);
}

static void test_sshd_failed_invalid_user(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_SYSLOG, "Dec  7 10:15:01 web01 sshd[2211]: Failed password for invalid user "
	                                       "admin from 203.0.113.5 port 52144 ssh2"),
	                 0);
	assert_string_equal(ev.product, "linux");
	assert_string_equal(ev.service, "sshd");
	assert_string_equal(val("user"), "admin");
	assert_string_equal(val("source_ip"), "203.0.113.5");
	assert_string_equal(val("port"), "52144");
	assert_string_equal(val("host"), "web01");
	assert_string_equal(val("process"), "sshd");
	assert_string_equal(val("pid"), "2211");
	assert_string_equal(val("outcome"), "failure");
	/* the aliases rules may use */
	assert_string_equal(val("client_ip"), "203.0.113.5");
	assert_string_equal(val("src_ip"), "203.0.113.5");
	assert_string_equal(val("user_name"), "admin");
	/* keywords match the message, not the header */
	assert_int_equal(ev.msg_len, strlen("Failed password for invalid user admin from 203.0.113.5 port 52144 ssh2"));
	/* UTC with TZ=UTC: 2026-12-07T10:15:01Z */
	assert_int_equal(ev.ts_ms, 1796638501000LL);
}

static void test_sshd_accepted_and_closed(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_SYSLOG, "Dec  7 10:15:09 web01 sshd[2215]: Accepted publickey for alice from "
	                                       "2001:db8::5 port 40022 ssh2: RSA SHA256:abc"),
	                 0);
	assert_string_equal(val("user"), "alice");
	assert_string_equal(val("source_ip"), "2001:db8::5");
	assert_string_equal(val("method"), "publickey");
	assert_string_equal(val("outcome"), "success");
	assert_int_equal(parse(LOG_FMT_SYSLOG, "Dec  7 10:21:00 web01 sshd[2400]: Connection closed by authenticating "
	                                       "user root 203.0.113.5 port 52200 [preauth]"),
	                 0);
	assert_string_equal(val("user"), "root");
	assert_string_equal(val("source_ip"), "203.0.113.5");
	assert_string_equal(val("port"), "52200");
}

static void test_pam(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_SYSLOG,
	                       "Dec  7 10:16:22 web01 sshd[2230]: pam_unix(sshd:auth): authentication "
	                       "failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root"),
	                 0);
	assert_string_equal(ev.service, "sshd");
	assert_string_equal(val("source_ip"), "203.0.113.5");
	assert_string_equal(val("user"), "root");
	assert_string_equal(val("pam_service"), "sshd");
	assert_string_equal(val("outcome"), "failure");
	assert_false(has("ruser")); /* empty values are no fields */
}

static void test_sudo_su_accounts_cron(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_SYSLOG, "Dec  7 10:17:00 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; "
	                                       "USER=root ; COMMAND=/bin/sh -c 'a ; b'"),
	                 0);
	assert_string_equal(ev.service, "sudo");
	assert_string_equal(val("user"), "alice");
	assert_string_equal(val("target_user"), "root");
	assert_string_equal(val("command"), "/bin/sh -c 'a ; b'");
	assert_int_equal(parse(LOG_FMT_SYSLOG, "Dec  7 10:18:04 web01 su[2302]: FAILED SU (to root) bob on pts/1"), 0);
	assert_string_equal(ev.service, "su");
	assert_string_equal(val("user"), "bob");
	assert_string_equal(val("target_user"), "root");
	assert_string_equal(val("outcome"), "failure");
	assert_int_equal(parse(LOG_FMT_SYSLOG, "Dec  7 10:19:00 web01 useradd[2310]: new user: name=backdoor, UID=0, "
	                                       "GID=0, home=/root, shell=/bin/bash, from=/dev/pts/0"),
	                 0);
	assert_string_equal(ev.service, "auth");
	assert_string_equal(val("user"), "backdoor");
	assert_string_equal(val("uid"), "0");
	assert_int_equal(parse(LOG_FMT_SYSLOG, "Dec  7 10:19:02 web01 usermod[2312]: add 'backdoor' to group 'sudo'"),
	                 0);
	assert_string_equal(val("user"), "backdoor");
	assert_string_equal(val("group"), "sudo");
	assert_int_equal(parse(LOG_FMT_SYSLOG, "Dec  7 10:20:01 web01 CRON[2320]: (root) CMD (/usr/bin/backup --full)"),
	                 0);
	assert_string_equal(ev.service, "cron");
	assert_string_equal(val("user"), "root");
	assert_string_equal(val("command"), "/usr/bin/backup --full");
}

static void test_rfc3164_year(void **state)
{
	(void)state;
	/* read on 2026-01-05: a "Dec 31" line is from 2025, a "Jan  4" one from 2026 */
	const char *l = "Dec 31 23:59:59 h cron[1]: x";
	assert_int_equal(log_parse(LOG_FMT_SYSLOG, l, strlen(l), 1767571200000LL, &ev), 0);
	assert_int_equal(ev.ts_ms, 1767225599000LL);
	l = "Jan  4 00:00:00 h cron[1]: x";
	assert_int_equal(log_parse(LOG_FMT_SYSLOG, l, strlen(l), 1767571200000LL, &ev), 0);
	assert_int_equal(ev.ts_ms, 1767484800000LL);
}

static void test_rfc5424(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_SYSLOG, "<86>1 2026-12-07T10:17:00+09:00 web02 sudo - AUTH [origin "
	                                       "ip=\"192.0.2.7\"][meta note=\"a \\\"q\\\" \\] v\"] \xEF\xBB\xBF"
	                                       "alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id"),
	                 0);
	assert_string_equal(val("facility"), "authpriv");
	assert_string_equal(val("host"), "web02");
	assert_string_equal(val("msgid"), "AUTH");
	assert_string_equal(val("origin.ip"), "192.0.2.7");
	assert_string_equal(val("meta.note"), "a \"q\" ] v");
	assert_string_equal(val("user"), "alice");
	assert_false(has("pid"));
	assert_int_equal(ev.ts_ms, 1796606220000LL);
	assert_int_equal(parse(LOG_FMT_SYSLOG, "<13>1 2026-12-07T10:17:00Z host app - - [broken"), -1);
	assert_int_equal(ev.nfields, 0);
}

static void test_journal_export_binary(void **state)
{
	(void)state;
	static const char rec[] =
	        "__REALTIME_TIMESTAMP=1796624101000000\n_HOSTNAME=db01\nSYSLOG_IDENTIFIER=sshd\n"
	        "_PID=812\nMESSAGE\n\x30\0\0\0\0\0\0\0Invalid user x from 203.0.113.7 port 1\nnext line\n\n";
	assert_int_equal(log_parse(LOG_FMT_JOURNAL, rec, sizeof(rec) - 1, 0, &ev), 0);
	assert_string_equal(ev.service, "sshd");
	assert_string_equal(val("host"), "db01");
	assert_string_equal(val("pid"), "812");
	assert_string_equal(val("user"), "x");
	assert_string_equal(val("source_ip"), "203.0.113.7");
	assert_int_equal(ev.ts_ms, 1796624101000LL);
	assert_int_equal(ev.msg_len, 0x30);
	/* a length past the end is malformed, not a read past the buffer */
	static const char bad[] = "A=1\nMESSAGE\n\xff\0\0\0\0\0\0\0short\n\n";
	assert_int_equal(log_parse(LOG_FMT_JOURNAL, bad, sizeof(bad) - 1, 0, &ev), -1);
}

static void test_journal_json(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_AUTO, "{\"__REALTIME_TIMESTAMP\":\"1796624103000000\",\"_HOSTNAME\":\"db01\","
	                                     "\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"815\",\"MESSAGE\":\"Accepted "
	                                     "password for dave from 198.51.100.4 port 51000 ssh2\"}"),
	                 0);
	assert_int_equal(ev.format, LOG_FMT_JOURNAL);
	assert_string_equal(val("user"), "dave");
	assert_string_equal(val("process"), "sshd");
}

static void test_windows_evtx_and_winlogbeat(void **state)
{
	(void)state;
	assert_int_equal(
	        parse(LOG_FMT_AUTO,
	              "{\"Event\":{\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"Microsoft-Windows-Security-"
	              "Auditing\"}},\"EventID\":{\"#attributes\":{\"Qualifiers\":\"\"},\"#text\":4625},\"TimeCreated\":"
	              "{\"#attributes\":{\"SystemTime\":\"2026-12-07T01:20:11.512345Z\"}},\"Channel\":\"Security\","
	              "\"Computer\":\"DC01\"},\"EventData\":{\"TargetUserName\":\"adm\\u00e9\",\"LogonType\":10,"
	              "\"IpAddress\":\"203.0.113.5\"}}}"),
	        0);
	assert_int_equal(ev.format, LOG_FMT_WINDOWS);
	assert_string_equal(ev.product, "windows");
	assert_string_equal(ev.service, "security");
	assert_string_equal(val("EventID"), "4625");
	assert_string_equal(val("Channel"), "Security");
	assert_string_equal(val("Computer"), "DC01");
	assert_string_equal(val("Provider_Name"), "Microsoft-Windows-Security-Auditing");
	assert_string_equal(val("TargetUserName"), "adm\xc3\xa9");
	assert_string_equal(val("LogonType"), "10");
	assert_string_equal(val("IpAddress"), "203.0.113.5");
	assert_int_equal(ev.ts_ms, 1796606411512LL);
	assert_int_equal(parse(LOG_FMT_WINDOWS, "{\"@timestamp\":\"2026-12-07T01:30:00Z\",\"winlog\":{\"channel\":"
	                                        "\"Microsoft-Windows-Sysmon/Operational\",\"computer_name\":\"WS1\","
	                                        "\"event_id\":1,\"event_data\":{\"Image\":\"C:\\\\x\\\\cmd.exe\"}}}"),
	                 0);
	assert_string_equal(ev.service, "sysmon");
	assert_string_equal(ev.category, "process_creation");
	assert_string_equal(val("Image"), "C:\\x\\cmd.exe");
	assert_string_equal(val("Computer"), "WS1");
}

static void test_suricata(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_AUTO, "{\"timestamp\":\"2026-12-07T10:31:02.118302+0900\",\"event_type\":"
	                                     "\"alert\",\"src_ip\":\"203.0.113.5\",\"dest_ip\":\"192.0.2.10\","
	                                     "\"alert\":{\"signature_id\":2035877,\"signature\":\"ET EXPLOIT x\"}}"),
	                 0);
	assert_int_equal(ev.format, LOG_FMT_SURICATA);
	assert_string_equal(ev.product, "suricata");
	assert_string_equal(ev.service, "alert");
	assert_string_equal(val("src_ip"), "203.0.113.5");
	assert_string_equal(val("source_ip"), "203.0.113.5");
	assert_string_equal(val("alert.signature_id"), "2035877");
	assert_string_equal(val("alert.signature"), "ET EXPLOIT x");
	assert_int_equal(ev.ts_ms, 1796607062118LL);
}

static void test_fortigate(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_AUTO,
	                       "<189>date=2026-12-07 time=10:40:01 devname=\"FGT\" logid=\"0101039426\" "
	                       "type=\"event\" subtype=\"vpn\" action=\"ssl-login-fail\" remip=203.0.113.5 "
	                       "user=\"ad\\\"min\" tz=\"+0900\" msg=\"SSL user failed to logged in\""),
	                 0);
	assert_int_equal(ev.format, LOG_FMT_FORTIGATE);
	assert_string_equal(ev.product, "fortios");
	assert_string_equal(ev.service, "vpn");
	assert_string_equal(val("action"), "ssl-login-fail");
	assert_string_equal(val("remip"), "203.0.113.5");
	assert_string_equal(val("source_ip"), "203.0.113.5");
	assert_string_equal(val("user"), "ad\"min");
	assert_int_equal(ev.ts_ms, 1796607601000LL);
	assert_int_equal(parse(LOG_FMT_FORTIGATE, "date=2026-12-07 user=\"unterminated"), -1);
	assert_int_equal(ev.nfields, 0);
}

static void test_json_lines(void **state)
{
	(void)state;
	assert_int_equal(parse(LOG_FMT_AUTO, "{\"user\":{\"name\":\"alice\"},\"tags\":[\"a\",\"b\"],\"x\":null,"
	                                     "\"ok\":false}"),
	                 0);
	assert_int_equal(ev.format, LOG_FMT_JSON);
	assert_string_equal(val("user.name"), "alice");
	assert_string_equal(val("tags"), "a");
	assert_string_equal(val("ok"), "false");
	assert_false(has("x"));
	assert_int_equal(parse(LOG_FMT_JSON, "{\"a\":1} trailing"), -1);
	assert_int_equal(parse(LOG_FMT_JSON, "{\"a\":\"\\ud83d\\ude00\"}"), 0);
	assert_string_equal(val("a"), "\xf0\x9f\x98\x80");
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(log_format_detect("__CURSOR=s=1\nA=b\n", 17), LOG_FMT_JOURNAL);
	assert_int_equal(log_format_detect("Dec  7 10:15:01 h a: b\n", 23), LOG_FMT_SYSLOG);
	enum log_format f;
	assert_int_equal(log_format_parse("fortigate", &f), 0);
	assert_int_equal(f, LOG_FMT_FORTIGATE);
	assert_true(log_format_parse("evtx", &f) < 0);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sshd_failed_invalid_user),
	        cmocka_unit_test(test_sshd_accepted_and_closed),
	        cmocka_unit_test(test_pam),
	        cmocka_unit_test(test_sudo_su_accounts_cron),
	        cmocka_unit_test(test_rfc3164_year),
	        cmocka_unit_test(test_rfc5424),
	        cmocka_unit_test(test_journal_export_binary),
	        cmocka_unit_test(test_journal_json),
	        cmocka_unit_test(test_windows_evtx_and_winlogbeat),
	        cmocka_unit_test(test_suricata),
	        cmocka_unit_test(test_fortigate),
	        cmocka_unit_test(test_json_lines),
	        cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
