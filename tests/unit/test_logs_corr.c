/*
 * test_logs_corr.c - Sigma correlations (rules_corr.c) and the shipped rules (data/logs/rules, embedded): the
 * brute force of issue 18's acceptance (30 failures from one address in a minute: one alert naming it; a success
 * after it: a second; the same failures over a day: none), value_count, temporal, lt/lte and ranges (judged when the
 * window is over), the bound on groups, and each shipped rule on an event written for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "logs_fixture.h"

#define T0 1795996800000LL /* 2026-11-30 00:00 UTC, 09:00 in Tokyo (main sets TZ) */

static struct log_event *ssh_fail(int64_t ts, uint64_t line, const char *ip)
{
	char m[128], f[64];
	snprintf(m, sizeof m, "Failed password for root from %s port 50022 ssh2", ip);
	snprintf(f, sizeof f, "source_ip=%s", ip);
	return ev_new("linux", "sshd", ts, line, m, f, "user=root", "outcome=failure", NULL);
}

static struct log_event *ssh_ok(int64_t ts, uint64_t line, const char *ip)
{
	char m[128], f[64];
	snprintf(m, sizeof m, "Accepted password for root from %s port 50022 ssh2", ip);
	snprintf(f, sizeof f, "source_ip=%s", ip);
	return ev_new("linux", "sshd", ts, line, m, f, "user=root", "outcome=success", NULL);
}

static void shipped(struct logs_ruleset *rs)
{
	assert_true(logs_rules_load_embedded(rs) > 10);
	for (size_t i = 0; i < rs->nskipped; i++)
		fprintf(stderr, "skipped %s:%u %s\n", rs->skipped[i].file, rs->skipped[i].line, rs->skipped[i].reason);
	assert_int_equal(rs->nskipped, 0);
	assert_int_equal(logs_rules_compile(rs), 0);
}

static void test_bruteforce_one_alert_then_success(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	shipped(&rs);
	struct alerts al = {0};
	for (int i = 0; i < 30; i++)
		feed(&rs, ssh_fail(T0 + i * 2000, (uint64_t)i + 1, "203.0.113.5"), &al);
	assert_int_equal(al.n, 1); /* the failures themselves are silent: counted by the correlation */
	assert_int_equal(al.ncorr, 1);
	assert_string_equal(al.id[0], "ad7f168d-f806-4056-8d63-6f4fc76f4c22");
	assert_string_equal(al.group[0], "203.0.113.5");
	assert_int_equal(al.count[0], 20);
	assert_int_equal(al.first[0], 1);
	assert_int_equal(al.last[0], 20);
	/* another address's failures do not add to it */
	for (int i = 0; i < 5; i++)
		feed(&rs, ssh_fail(T0 + 61000 + i, 100 + (uint64_t)i, "198.51.100.7"), &al);
	assert_int_equal(al.n, 1);
	/* a success from the brute-forcing address: the second alert */
	assert_int_equal(feed(&rs, ssh_ok(T0 + 62000, 200, "203.0.113.5"), &al), 1);
	assert_string_equal(al.id[1], "64359a14-1377-4979-a01a-e92799e6d091");
	assert_string_equal(al.group[1], "203.0.113.5");
	assert_int_equal(al.first[1], 20);
	assert_int_equal(al.last[1], 200);
	/* a success from the other address: nothing */
	assert_int_equal(feed(&rs, ssh_ok(T0 + 63000, 201, "198.51.100.7"), &al), 0);
	logs_rules_release(&rs);
}

static void test_bruteforce_spread_over_a_day_none(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	shipped(&rs);
	struct alerts al = {0};
	for (int i = 0; i < 30; i++) /* every 48 minutes */
		feed(&rs, ssh_fail(T0 + (int64_t)i * 48 * 60000, (uint64_t)i + 1, "203.0.113.5"), &al);
	feed(&rs, ssh_ok(T0 + 30LL * 48 * 60000, 31, "203.0.113.5"), &al);
	assert_int_equal(al.n, 0);
	logs_rules_release(&rs);
}

static const char *corr_rules =
        "title: fail\nname: fail\nid: f\ndetection:\n  s:\n    outcome: failure\n  condition: s\n"
        "---\ntitle: many users\nid: vc\ncorrelation:\n  type: value_count\n  rules: fail\n"
        "  group-by: [source_ip]\n  timespan: 10m\n  condition:\n    gte: 3\n    field: user\n"
        "---\ntitle: a\nname: a\nid: a\ndetection:\n  s:\n    x: a\n  condition: s\n"
        "---\ntitle: b\nname: b\nid: b\ndetection:\n  s:\n    x: b\n  condition: s\n"
        "---\ntitle: both\nid: both\ncorrelation:\n  type: temporal\n  rules: [a, b]\n  group-by: [host]\n"
        "  timespan: 1m\n";

static void test_value_count_and_temporal(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	assert_int_equal(logs_rules_load_buf(&rs, "c.yml", corr_rules, strlen(corr_rules)), 5);
	logs_rules_compile(&rs);
	struct alerts al = {0};
	/* the same user again is one value */
	feed(&rs, ev_new(NULL, NULL, T0, 1, "m", "outcome=failure", "source_ip=1.1.1.1", "user=a", NULL), &al);
	feed(&rs, ev_new(NULL, NULL, T0 + 1, 2, "m", "outcome=failure", "source_ip=1.1.1.1", "user=a", NULL), &al);
	feed(&rs, ev_new(NULL, NULL, T0 + 2, 3, "m", "outcome=failure", "source_ip=1.1.1.1", "user=b", NULL), &al);
	assert_int_equal(al.n, 0);
	feed(&rs, ev_new(NULL, NULL, T0 + 3, 4, "m", "outcome=failure", "source_ip=1.1.1.1", "user=c", NULL), &al);
	assert_int_equal(al.n, 1);
	assert_string_equal(al.id[0], "vc");
	assert_int_equal(al.count[0], 3);
	/* temporal: a then b on one host within a minute, in any order; a on another host does not count */
	feed(&rs, ev_new(NULL, NULL, T0, 10, "m", "x=b", "host=h1", NULL), &al);
	feed(&rs, ev_new(NULL, NULL, T0 + 1000, 11, "m", "x=a", "host=h2", NULL), &al);
	assert_int_equal(al.n, 1);
	feed(&rs, ev_new(NULL, NULL, T0 + 2000, 12, "m", "x=a", "host=h1", NULL), &al);
	assert_int_equal(al.n, 2);
	assert_string_equal(al.id[1], "both");
	assert_string_equal(al.group[1], "h1");
	/* too far apart */
	feed(&rs, ev_new(NULL, NULL, T0 + 100000, 13, "m", "x=b", "host=h3", NULL), &al);
	feed(&rs, ev_new(NULL, NULL, T0 + 200000, 14, "m", "x=a", "host=h3", NULL), &al);
	assert_int_equal(al.n, 2);
	logs_rules_release(&rs);
}

static void test_groups_bounded(void **state)
{
	(void)state;
	struct logs_ruleset rs = {.groups_max = 100};
	shipped(&rs);
	struct alerts al = {0};
	char ip[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(ip, sizeof ip, "10.%d.%d.1", i / 250, i % 250);
		feed(&rs, ssh_fail(T0 + i, (uint64_t)i, ip), &al);
		struct logs_rules_stats st;
		logs_rules_stats(&rs, &st);
		assert_true(st.groups <= 100);
	}
	/* a burst still fires after the churn */
	for (int i = 0; i < 20; i++)
		feed(&rs, ssh_fail(T0 + 6000 + i, 9000 + (uint64_t)i, "203.0.113.9"), &al);
	assert_int_equal(al.n, 1);
	assert_string_equal(al.group[0], "203.0.113.9");
	logs_rules_release(&rs);
}

static void test_unknown_reference_skipped(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	const char *y = "title: c\nid: c\ncorrelation:\n  type: event_count\n  rules: nowhere\n  group-by: [x]\n"
	                "  timespan: 1m\n  condition:\n    gte: 2\n"
	                "---\ntitle: lt\nid: lt\ncorrelation:\n  type: temporal\n  rules: [nowhere, x]\n"
	                "  timespan: 1m\n  condition:\n    lt: 2\n";
	assert_int_equal(logs_rules_load_buf(&rs, "c.yml", y, strlen(y)), 1);
	assert_string_equal(rs.skipped[0].feature, "temporal correlation with lt/lte");
	logs_rules_compile(&rs);
	assert_int_equal(rs.ncorrs, 0);
	assert_int_equal(rs.nskipped, 2);
	assert_string_equal(rs.skipped[1].reason, "correlation names a rule that is not loaded");
	logs_rules_release(&rs);
}

/* One shipped rule per event written for it. */
static void test_shipped_rules_fire(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	shipped(&rs);
	struct logs_rules_stats st;
	logs_rules_stats(&rs, &st);
	assert_true(st.indexed * 2 >= st.rules); /* most shipped rules are behind the prefilter */
	struct alerts al = {0};
	struct {
		struct log_event *e;
		const char *id;
	} cases[] = {
	        {ev_new("windows", "security", T0, 1, "m", "EventID=4624", "LogonType=10", "IpAddress=198.51.100.20",
	                NULL),
	         "67c0b10e-568c-446d-872d-12f3780d18a8"},
	        {ev_new("windows", "security", T0, 2, "m", "EventID=1102", NULL),
	         "a1201af0-29b9-4088-98b2-6923ff7edd65"},
	        {ev_new("windows", "security", T0, 3, "m", "EventID=4732", "TargetSid=S-1-5-32-544", NULL),
	         "1fd930c2-2135-43fc-94dc-0203afd6877d"},
	        {ev_new("linux", "auth", T0, 4, "new user: name=evil, UID=0, GID=0, home=/root, shell=/bin/bash", NULL),
	         "fe3cb5a9-e67c-4e14-9d6a-1e3a71012000"},
	        {ev_new("linux", "auth", T0, 5, "add 'bob' to group 'sudo'", NULL),
	         "3a90ee19-01da-4794-95b2-652430553eaa"},
	        {ev_new("linux", "syslog", T0, 6, "The audit daemon is exiting.", NULL),
	         "8e01e3bd-8ac1-48e9-bf42-1c5115a396d4"},
	        {ev_new("suricata", "alert", T0, 7,
	                "ET EXPLOIT FortiOS SSL VPN - Information Disclosure (CVE-2018-13379)",
	                "alert.signature=ET EXPLOIT FortiOS SSL VPN - Information Disclosure (CVE-2018-13379)", NULL),
	         "a4af9fd2-de2e-46fc-a0cc-25e05f9be8e1"},
	        {ev_new("fortios", "system", T0, 8, "Administrator admin logged in successfully", "subtype=system",
	                "action=login", "status=success", NULL),
	         "edc47a5b-b827-41d3-9736-0c6834d494e2"},
	        {ev_new("fortios", "ips", T0, 9, "m", "attack=Fortinet.FortiOS.sslvpnd.Heap.Buffer.Overflow", NULL),
	         "9f4bc7a5-cff2-4a4b-825c-068821397dd9"},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(cases); i++) {
		int before = al.n;
		feed(&rs, cases[i].e, &al);
		if (al.n != before + 1 || strcmp(al.id[before], cases[i].id) != 0)
			fail_msg("case %zu: %d alerts, first %s", i, al.n - before,
			         al.n > before ? al.id[before] : "-");
	}
	/* RDP from inside, and a 4624 of another logon type: nothing */
	assert_int_equal(feed(&rs,
	                      ev_new("windows", "security", T0, 20, "m", "EventID=4624", "LogonType=10",
	                             "IpAddress=192.168.1.20", NULL),
	                      &al),
	                 0);
	assert_int_equal(feed(&rs,
	                      ev_new("windows", "security", T0, 21, "m", "EventID=4624", "LogonType=3",
	                             "IpAddress=198.51.100.20", NULL),
	                      &al),
	                 0);
	/* a VPN user from a second address within the day */
	feed(&rs,
	     ev_new("fortios", "vpn", T0, 30, "m", "action=tunnel-up", "user=nurse1", "source_ip=198.51.100.1", NULL),
	     &al);
	int before = al.n;
	feed(&rs,
	     ev_new("fortios", "vpn", T0 + 3600000, 31, "m", "action=tunnel-up", "user=nurse1",
	            "source_ip=203.0.113.77", NULL),
	     &al);
	assert_int_equal(al.n, before + 1);
	assert_string_equal(al.id[before], "7158b68b-541c-4dc6-8693-a65145cd480b");
	assert_string_equal(al.group[before], "nurse1");
	logs_rules_release(&rs);
}

static void test_unusual_hours(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	shipped(&rs);
	struct alerts al = {0};
	/* T0 is 2026-11-30 00:00 UTC = 09:00 in Tokyo: a day-time login */
	feed(&rs, ssh_ok(T0, 1, "10.0.0.5"), &al);
	assert_int_equal(al.n, 0);
	feed(&rs, ssh_ok(T0 + 17LL * 3600000, 2, "10.0.0.5"), &al); /* 02:00 in Tokyo */
	assert_int_equal(al.n, 1);
	assert_string_equal(al.id[0], "cf730df2-69f0-4583-b1c4-cd576d27dea2");
	logs_rules_release(&rs);
}

/* Sigma 2 correlation conditions lt/lte (and a range with gte): judged when the window of the group is over, by
 * the stream's time (later events) or the clock (logs_rules_tick). */
static const char *few_logins =
        "title: login\nname: login\nid: login\nlevel: low\nlogsource:\n  product: linux\n"
        "detection:\n  sel:\n    outcome: success\n  condition: sel\n"
        "---\ntitle: few logins\nid: few\nlevel: medium\ncorrelation:\n  type: event_count\n  rules: login\n"
        "  group-by: [user]\n  timespan: 1h\n  condition:\n    lt: 3\n"
        "---\ntitle: some logins\nid: some\nlevel: medium\ncorrelation:\n  type: event_count\n  rules: login\n"
        "  group-by: [user]\n  timespan: 1h\n  condition:\n    gte: 2\n    lte: 3\n"
        "---\ntitle: few hosts\nid: hosts\nlevel: medium\ncorrelation:\n  type: value_count\n  rules: login\n"
        "  group-by: [user]\n  timespan: 1h\n  condition:\n    field: host\n    lte: 1\n";

static struct log_event *login(int64_t ts, uint64_t line, const char *user, const char *host)
{
	char u[64], h[64];
	snprintf(u, sizeof u, "user=%s", user);
	snprintf(h, sizeof h, "host=%s", host);
	return ev_new("linux", "auth", ts, line, "login ok", u, h, "outcome=success", NULL);
}

static int count_id(const struct alerts *al, const char *id, const char *group)
{
	int n = 0;
	for (int i = 0; i < al->n; i++)
		n += !strcmp(al->id[i], id) && (!group || !strcmp(al->group[i], group));
	return n;
}

static void test_lt_lte_conditions(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	assert_int_equal(logs_rules_load_buf(&rs, "few.yml", few_logins, strlen(few_logins)), 4);
	assert_int_equal(rs.nskipped, 0);
	assert_int_equal(logs_rules_compile(&rs), 0);
	struct alerts al = {0};
	/* alice: 1 login (few, hosts), bob: 2 on two hosts (few, some), carol: 5 on one host (hosts only) */
	feed(&rs, login(T0, 1, "alice", "a"), &al);
	feed(&rs, login(T0 + 1000, 2, "bob", "a"), &al);
	feed(&rs, login(T0 + 2000, 3, "bob", "b"), &al);
	for (int i = 0; i < 5; i++)
		feed(&rs, login(T0 + 3000 + i * 1000, 4 + (uint64_t)i, "carol", "c"), &al);
	int plain = al.n;              /* the rule `login` itself */
	assert_int_equal(al.ncorr, 0); /* nothing judged before the hour is over */
	logs_rules_tick(&rs, T0 + 3599000, collect, &al);
	assert_int_equal(al.ncorr, 0);
	logs_rules_tick(&rs, T0 + 3600000 + 9000, collect, &al);
	assert_int_equal(count_id(&al, "few", "alice"), 1);
	assert_int_equal(count_id(&al, "few", "bob"), 1);
	assert_int_equal(count_id(&al, "few", "carol"), 0);
	assert_int_equal(count_id(&al, "some", "bob"), 1);
	assert_int_equal(count_id(&al, "some", "alice"), 0);
	assert_int_equal(count_id(&al, "some", "carol"), 0);
	assert_int_equal(count_id(&al, "hosts", "alice"), 1);
	assert_int_equal(count_id(&al, "hosts", "carol"), 1);
	assert_int_equal(count_id(&al, "hosts", "bob"), 0);
	assert_int_equal(al.ncorr, 5);
	for (int i = plain; i < al.n; i++)
		if (!strcmp(al.id[i], "few") && !strcmp(al.group[i], "bob")) {
			assert_int_equal(al.count[i], 2);
			assert_int_equal(al.first[i], 2);
			assert_int_equal(al.last[i], 3);
		}
	/* a window is judged once */
	logs_rules_tick(&rs, T0 + 7200000 + 9000, collect, &al);
	assert_int_equal(al.ncorr, 5);
	/* the stream's own time closes a window too: a later event of another user */
	feed(&rs, login(T0 + 8000000, 20, "dave", "d"), &al);
	feed(&rs, login(T0 + 8000000 + 3600000 + 2000, 21, "erin", "e"), &al);
	assert_int_equal(count_id(&al, "few", "dave"), 1);
	assert_int_equal(count_id(&al, "few", "erin"), 0);
	logs_rules_release(&rs);

	/* malformed conditions: named, the rule not loaded */
	const char *bad[] = {"lt: 0", "gte: 5\n    lte: 2", "lt: 3\n    lte: 4", "eq: 2\n    lt: 4"};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		struct logs_ruleset b = {0};
		char y[512];
		snprintf(y, sizeof y,
		         "title: c\nid: c\ncorrelation:\n  type: event_count\n  rules: x\n  timespan: 1m\n"
		         "  condition:\n    %s\n",
		         bad[k]);
		assert_int_equal(logs_rules_load_buf(&b, "bad.yml", y, strlen(y)), 0);
		assert_int_equal(b.nskipped, 1);
		assert_null(b.skipped[0].feature);
		logs_rules_release(&b);
	}
}

int main(void)
{
	setenv("TZ", "Asia/Tokyo", 1); /* lifeboat.hour is local time */
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bruteforce_one_alert_then_success),
	        cmocka_unit_test(test_bruteforce_spread_over_a_day_none),
	        cmocka_unit_test(test_value_count_and_temporal),
	        cmocka_unit_test(test_groups_bounded),
	        cmocka_unit_test(test_unknown_reference_skipped),
	        cmocka_unit_test(test_lt_lte_conditions),
	        cmocka_unit_test(test_shipped_rules_fire),
	        cmocka_unit_test(test_unusual_hours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
