/*
 * test_logs_rules.c - the Sigma subset of src/logs (rules_load.c, rules_value.c, rules_cond.c, rules_match.c):
 * every modifier, wildcards and their escapes, Sigma's case rule, cidr edges, null and exists, keywords,
 * conditions, logsource, the prefilter never hiding a match, and rules with unsupported features or malformed
 * parts skipped by name with file:line while the others load.
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
#include "logs/rules_int.h"
#include "logs_fixture.h"

/* A rule with this detection body (indented two spaces already) over any log source. */
static void rule(struct logs_ruleset *rs, const char *detection)
{
	struct buf b = {0};
	buf_addf(&b, "title: t\nid: r1\ndetection:\n%s", detection);
	int n = logs_rules_load_buf(rs, "t.yml", b.data, b.len);
	if (n != 1)
		for (size_t i = 0; i < rs->nskipped; i++)
			fprintf(stderr, "skipped: %s:%u %s\n", rs->skipped[i].file, rs->skipped[i].line,
			        rs->skipped[i].reason);
	assert_int_equal(n, 1);
	buf_release(&b);
	assert_int_equal(logs_rules_compile(rs), 0);
}

/* Does a rule with this detection fire on one event with these fields (msg "m")? */
static int fires_msg(const char *detection, const char *msg, const char *f1, const char *f2)
{
	struct logs_ruleset rs = {0};
	rule(&rs, detection);
	struct alerts al = {0};
	int n = feed(&rs, ev_new(NULL, NULL, 0, 1, msg, f1, f2, NULL), &al);
	logs_rules_release(&rs);
	return n;
}

static int fires(const char *detection, const char *f1, const char *f2)
{
	return fires_msg(detection, "m", f1, f2);
}

#define SEL(x) "  sel:\n    " x "\n  condition: sel\n"

static void test_exact_and_case(void **state)
{
	(void)state;
	assert_true(fires(SEL("user: root"), "user=root", NULL));
	assert_true(fires(SEL("user: ROOT"), "user=root", NULL)); /* Sigma: case-insensitive */
	assert_false(fires(SEL("user: root"), "user=rootkit", NULL));
	assert_false(fires(SEL("user: root"), "other=root", NULL));
	assert_true(fires(SEL("user|cased: Root"), "user=Root", NULL));
	assert_false(fires(SEL("user|cased: Root"), "user=root", NULL));
	assert_true(fires(SEL("EventID: 4624"), "EventID=4624", NULL));
	/* aliases of event.h: client_ip and src_ip read source_ip */
	assert_true(fires(SEL("client_ip: 10.0.0.1"), "source_ip=10.0.0.1", NULL));
}

static void test_contains_startswith_endswith(void **state)
{
	(void)state;
	assert_true(fires(SEL("cmd|contains: passwd"), "cmd=cat /etc/PASSWD", NULL));
	assert_false(fires(SEL("cmd|contains: passwd"), "cmd=cat /etc/shadow", NULL));
	assert_true(fires(SEL("cmd|startswith: /usr/bin"), "cmd=/usr/bin/id", NULL));
	assert_false(fires(SEL("cmd|startswith: /usr/bin"), "cmd=x /usr/bin/id", NULL));
	assert_true(fires(SEL("cmd|endswith: .sh"), "cmd=/tmp/a.SH", NULL));
	assert_false(fires(SEL("cmd|endswith: .sh"), "cmd=/tmp/a.sh.txt", NULL));
}

static void test_lists_and_all(void **state)
{
	(void)state;
	const char *any = SEL("cmd|contains:\n      - wget\n      - curl");
	assert_true(fires(any, "cmd=curl x", NULL));
	assert_true(fires(any, "cmd=wget x", NULL));
	assert_false(fires(any, "cmd=nc x", NULL));
	const char *all = SEL("cmd|contains|all:\n      - wget\n      - chmod");
	assert_true(fires(all, "cmd=wget x; chmod +x x", NULL));
	assert_false(fires(all, "cmd=wget x", NULL));
	/* a map is an AND of its fields; a list of maps an OR */
	const char *map = "  sel:\n    user: root\n    host: db\n  condition: sel\n";
	assert_true(fires(map, "user=root", "host=db"));
	assert_false(fires(map, "user=root", "host=web"));
	const char *list = "  sel:\n    - user: root\n    - host: db\n  condition: sel\n";
	assert_true(fires(list, "user=bob", "host=db"));
	assert_false(fires(list, "user=bob", "host=web"));
}

static void test_wildcards_and_escapes(void **state)
{
	(void)state;
	assert_true(fires(SEL("path: '/tmp/*.sh'"), "path=/tmp/x/y.sh", NULL));
	assert_true(fires(SEL("path: 'a?c'"), "path=abc", NULL));
	assert_false(fires(SEL("path: 'a?c'"), "path=ac", NULL));
	assert_true(fires(SEL("path: '*'"), "path=", NULL));
	/* escaped: a literal star and question mark, and a literal backslash before a wildcard */
	assert_true(fires(SEL("v: 'a\\*b'"), "v=a*b", NULL));
	assert_false(fires(SEL("v: 'a\\*b'"), "v=axb", NULL));
	assert_true(fires(SEL("v: 'why\\?'"), "v=why?", NULL));
	assert_false(fires(SEL("v: 'why\\?'"), "v=whyx", NULL));
	assert_true(fires(SEL("v: 'C:\\\\*'"), "v=C:\\Windows", NULL));
	assert_true(fires(SEL("v: 'C:\\Windows'"), "v=C:\\windows", NULL)); /* a lone backslash is itself */
	assert_true(fires(SEL("v|contains: '*'"), "v=anything", NULL));
}

static void test_re(void **state)
{
	(void)state;
	assert_true(fires(SEL("v|re: '^ab+c$'"), "v=abbbc", NULL));
	assert_false(fires(SEL("v|re: '^ab+c$'"), "v=ABBC", NULL)); /* re is case-sensitive */
	assert_true(fires(SEL("v|re|i: '^ab+c$'"), "v=ABBC", NULL));
	assert_true(fires(SEL("v|re: 'user=\\w+ uid=0'"), "v=x user=evil uid=0 y", NULL));
}

static void test_cidr_edges(void **state)
{
	(void)state;
	const char *r = SEL("ip|cidr: 172.16.0.0/12");
	assert_true(fires(r, "ip=172.16.0.0", NULL));
	assert_true(fires(r, "ip=172.31.255.255", NULL));
	assert_false(fires(r, "ip=172.32.0.0", NULL));
	assert_false(fires(r, "ip=172.15.255.255", NULL));
	assert_false(fires(r, "ip=not-an-ip", NULL));
	assert_true(fires(r, "ip=::ffff:172.20.1.1", NULL)); /* IPv4-mapped */
	assert_true(fires(SEL("ip|cidr: 0.0.0.0/0"), "ip=8.8.8.8", NULL));
	assert_true(fires(SEL("ip|cidr: 10.1.2.3"), "ip=10.1.2.3", NULL)); /* no prefix: one address */
	assert_false(fires(SEL("ip|cidr: 10.1.2.3"), "ip=10.1.2.4", NULL));
	const char *v6 = SEL("ip|cidr: 'fe80::/10'");
	assert_true(fires(v6, "ip=fe80::1", NULL));
	assert_true(fires(v6, "ip=febf:ffff::1", NULL));
	assert_false(fires(v6, "ip=fec0::1", NULL));
	assert_false(fires(v6, "ip=10.0.0.1", NULL));
	assert_true(fires(SEL("ip|cidr: '2001:db8::/127'"), "ip=2001:db8::1", NULL));
	assert_false(fires(SEL("ip|cidr: '2001:db8::/127'"), "ip=2001:db8::2", NULL));
}

static void test_base64offset_windash(void **state)
{
	(void)state;
	/* "whoami" at each of the three offsets inside longer base64 text */
	const char *r = SEL("cmd|base64offset|contains: whoami");
	assert_true(fires(r, "cmd=powershell -enc d2hvYW1p", NULL));     /* "whoami" */
	assert_true(fires(r, "cmd=powershell -enc IHdob2FtaQ==", NULL)); /* " whoami" */
	assert_true(fires(r, "cmd=powershell -enc ICB3aG9hbWk=", NULL)); /* "  whoami" */
	assert_false(fires(r, "cmd=powershell -enc aGVsbG8=", NULL));
	assert_true(fires(SEL("cmd|base64|contains: whoami"), "cmd=x d2hvYW1p y", NULL));
	const char *w = SEL("cmd|windash|contains: ' -enc '");
	assert_true(fires(w, "cmd=powershell -enc abc", NULL));
	assert_true(fires(w, "cmd=powershell /enc abc", NULL));
	assert_true(fires(w,
	                  "cmd=powershell \xe2\x80\x93"
	                  "enc abc",
	                  NULL));
	assert_false(fires(w, "cmd=powershell enc abc", NULL));
}

static void test_exists_null_numbers(void **state)
{
	(void)state;
	assert_true(fires(SEL("pid|exists: true"), "pid=1", NULL));
	assert_false(fires(SEL("pid|exists: true"), "x=1", NULL));
	assert_true(fires(SEL("pid|exists: false"), "x=1", NULL));
	assert_true(fires(SEL("pid: null"), "x=1", NULL));
	assert_true(fires(SEL("pid: null"), "pid=", NULL));
	assert_false(fires(SEL("pid: null"), "pid=7", NULL));
	assert_false(fires(SEL("pid: ''"), "x=1", NULL)); /* '' is the empty value, not null */
	assert_true(fires(SEL("n|lt: 10"), "n=9", NULL));
	assert_false(fires(SEL("n|lt: 10"), "n=10", NULL));
	assert_true(fires(SEL("n|lte: 10"), "n=10", NULL));
	assert_true(fires(SEL("n|gt: 1.5"), "n=2", NULL));
	assert_false(fires(SEL("n|gte: 3"), "n=2", NULL));
	assert_false(fires(SEL("n|gte: 3"), "n=abc", NULL));
}

static void test_keywords(void **state)
{
	(void)state;
	const char *k = "  keywords:\n    - 'Failed password'\n    - 'Invalid user'\n  condition: keywords\n";
	assert_true(fires_msg(k, "Failed PASSWORD for root from 1.2.3.4", NULL, NULL));
	assert_true(fires_msg(k, "Invalid user x", NULL, NULL));
	assert_false(fires_msg(k, "Accepted password", NULL, NULL));
}

static void test_conditions(void **state)
{
	(void)state;
	const char *d = "  sel_a:\n    a: 1\n  sel_b:\n    b: 1\n  filter:\n    f: 1\n";
	struct {
		const char *cond, *f1, *f2;
		int want;
	} cases[] = {
	        {"sel_a and sel_b", "a=1", "b=1", 1},
	        {"sel_a and sel_b", "a=1", "b=2", 0},
	        {"sel_a or sel_b", "a=2", "b=1", 1},
	        {"sel_a and not filter", "a=1", "f=1", 0},
	        {"sel_a and not filter", "a=1", "f=2", 1},
	        {"not (sel_a or sel_b)", "a=2", "b=2", 1},
	        {"not sel_a or sel_b", "a=1", "b=2", 0},
	        {"sel_a or sel_b and filter", "a=1", NULL, 1}, /* and binds tighter */
	        {"(sel_a or sel_b) and filter", "a=1", NULL, 0},
	        {"1 of sel_*", "b=1", NULL, 1},
	        {"all of sel_*", "b=1", NULL, 0},
	        {"all of sel_*", "a=1", "b=1", 1},
	        {"1 of them", "f=1", NULL, 1},
	        {"all of them", "a=1", "b=1", 0},
	        {"1 of sel_* and not filter", "a=1", "f=1", 0},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(cases); i++) {
		struct buf b = {0};
		buf_addf(&b, "%s  condition: %s\n", d, cases[i].cond);
		int got = fires(b.data, cases[i].f1, cases[i].f2);
		if (got != cases[i].want)
			fail_msg("condition '%s' with %s %s: %d", cases[i].cond, cases[i].f1,
			         cases[i].f2 ? cases[i].f2 : "", got);
		buf_release(&b);
	}
	/* a list of conditions: any */
	assert_true(fires("  a:\n    a: 1\n  b:\n    b: 1\n  condition:\n    - a\n    - b\n", "b=1", NULL));
}

static void test_matched_fields_and_logsource(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	const char *y = "title: t\nid: r1\nlogsource:\n  product: linux\n  service: auth\ndetection:\n  sel:\n"
	                "    user: root\n    port: 22\n  filter:\n    host: x\n  condition: sel and not filter\n";
	assert_int_equal(logs_rules_load_buf(&rs, "t.yml", y, strlen(y)), 1);
	struct alerts al = {0};
	assert_int_equal(feed(&rs, ev_new("linux", "sshd", 0, 7, "m", "user=root", "port=22", NULL), &al), 1);
	assert_string_equal(al.fields[0], "user=root,port=22,");
	/* product known and different: not this rule's source */
	assert_int_equal(feed(&rs, ev_new("windows", "security", 0, 8, "m", "user=root", "port=22", NULL), &al), 0);
	/* service auth covers sshd, sudo, su; not cron */
	assert_int_equal(feed(&rs, ev_new("linux", "cron", 0, 9, "m", "user=root", "port=22", NULL), &al), 0);
	/* a source the reader does not know does not exclude */
	assert_int_equal(feed(&rs, ev_new(NULL, NULL, 0, 10, "m", "user=root", "port=22", NULL), &al), 1);
	logs_rules_release(&rs);
}

static void test_prefilter_indexes_and_never_hides(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	const char *y = "title: a\nid: a\ndetection:\n  sel:\n    cmd|contains: mimikatz\n  condition: sel\n"
	                "---\ntitle: b\nid: b\ndetection:\n  k:\n    - 'Failed password'\n  condition: k\n"
	                "---\ntitle: c\nid: c\ndetection:\n  sel:\n    ip|cidr: 10.0.0.0/8\n  condition: sel\n"
	                "---\ntitle: d\nid: d\ndetection:\n  sel:\n    user: root\n  f:\n    host: x\n"
	                "  condition: not f and sel\n";
	assert_int_equal(logs_rules_load_buf(&rs, "t.yml", y, strlen(y)), 4);
	logs_rules_compile(&rs);
	struct logs_rules_stats st;
	logs_rules_stats(&rs, &st);
	assert_int_equal(st.rules, 4);
	assert_int_equal(st.indexed, 3); /* all but the cidr rule */
	struct alerts al = {0};
	assert_int_equal(feed(&rs, ev_new(NULL, NULL, 0, 1, "hello", "cmd=run MimiKatz.exe", NULL), &al), 1);
	assert_int_equal(feed(&rs, ev_new(NULL, NULL, 0, 2, "Failed password for x", NULL), &al), 1);
	assert_int_equal(feed(&rs, ev_new(NULL, NULL, 0, 3, "m", "ip=10.9.9.9", "user=ROOT", NULL), &al), 2);
	assert_int_equal(feed(&rs, ev_new(NULL, NULL, 0, 4, "nothing here", "user=bob", NULL), &al), 0);
	logs_rules_stats(&rs, &st);
	assert_int_equal(st.events, 4);
	/* the fourth event evaluated only the cidr rule */
	assert_true(st.evaluated < 4 * 4);
	logs_rules_release(&rs);
}

/* A regex's top-level literal guards its rule; alternation, optional characters and escapes give none, and the
 * prefilter never hides a match. */
static void test_prefilter_regex_literals(void **state)
{
	(void)state;
	struct {
		const char *re, *value;
		int indexed, match;
	} cases[] = {
	        {"'mimikatz[0-9]+ -[a-z]+'", "x MIMIKATZ12 -ab", 1, 0},
	        {"'(?i)mimikatz[0-9]+ -[a-z]+'", "x MIMIKATZ12 -ab", 1, 1},
	        {"'abc|defgh'", "defgh", 0, 1},
	        {"'\\x41BCD'", "ABCD", 0, 1},
	        {"'abcd?'", "abc", 1, 1},
	        {"'(?x) a b c d'", "abcd", 0, 1},
	        {"'foo\\.exe$'", "c:\\foo.exe", 1, 1},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(cases); i++) {
		struct logs_ruleset rs = {0};
		struct buf b = {0};
		buf_addf(&b, "  sel:\n    v|re: %s\n  condition: sel\n", cases[i].re);
		rule(&rs, b.data);
		struct logs_rules_stats st;
		logs_rules_stats(&rs, &st);
		if ((int)st.indexed != cases[i].indexed)
			fail_msg("regex %s: indexed %zu", cases[i].re, st.indexed);
		struct alerts al = {0};
		char f[128];
		snprintf(f, sizeof f, "v=%s", cases[i].value);
		if (feed(&rs, ev_new(NULL, NULL, 0, 1, "m", f, NULL), &al) != cases[i].match)
			fail_msg("regex %s on '%s': not %d", cases[i].re, cases[i].value, cases[i].match);
		buf_release(&b);
		logs_rules_release(&rs);
	}
}

static const struct logs_skip *skip_of(const struct logs_ruleset *rs, const char *id)
{
	for (size_t i = 0; i < rs->nskipped; i++)
		if (!strcmp(rs->skipped[i].id, id))
			return &rs->skipped[i];
	return NULL;
}

static void test_unsupported_skipped_by_name(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	const char *y = "title: ok1\nid: ok1\ndetection:\n  sel:\n    a: 1\n  condition: sel\n"
	                "---\ntitle: exp\nid: exp\ndetection:\n  sel:\n    a|expand: '%x%'\n    b: 1\n"
	                "  condition: sel\n"
	                "---\ntitle: agg\nid: agg\ndetection:\n  sel:\n    a: 1\n  condition: sel | count() by b > 3\n"
	                "---\ntitle: ref\nid: ref\ndetection:\n  sel:\n    a|fieldref: b\n  condition: sel\n"
	                "---\ntitle: ok2\nid: ok2\ndetection:\n  sel:\n    b: 1\n  condition: sel\n";
	assert_int_equal(logs_rules_load_buf(&rs, "u.yml", y, strlen(y)), 2);
	assert_int_equal(rs.nskipped, 3);
	const struct logs_skip *s = skip_of(&rs, "exp");
	assert_non_null(s);
	assert_string_equal(s->feature, "expand");
	assert_string_equal(s->file, "u.yml");
	assert_int_equal(s->line, 12); /* the value's line */
	assert_string_equal(skip_of(&rs, "agg")->feature, "aggregation in condition (|)");
	assert_string_equal(skip_of(&rs, "ref")->feature, "fieldref");
	/* never half applied: the rule with an unsupported modifier on one field does not match on the other */
	struct alerts al = {0};
	assert_int_equal(feed(&rs, ev_new(NULL, NULL, 0, 1, "m", "b=1", NULL), &al), 1);
	assert_string_equal(al.id[0], "ok2");
	logs_rules_release(&rs);
}

static void test_malformed_gives_line_others_load(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	const char *y = "title: good\nid: good\ndetection:\n  sel:\n    a: 1\n  condition: sel\n"
	                "---\ntitle: nocond\nid: nocond\ndetection:\n  sel:\n    a: 1\n"
	                "---\ntitle: badref\nid: badref\ndetection:\n  sel:\n    a: 1\n  condition: sel and other\n"
	                "---\ntitle: badre\nid: badre\ndetection:\n  sel:\n    a|re: '(unclosed'\n  condition: sel\n"
	                "---\ntitle: good2\nid: good2\ndetection:\n  sel:\n    a: 2\n  condition: sel\n";
	assert_int_equal(logs_rules_load_buf(&rs, "m.yml", y, strlen(y)), 2);
	assert_int_equal(rs.nskipped, 3);
	assert_null(skip_of(&rs, "nocond")->feature);
	assert_string_equal(skip_of(&rs, "nocond")->reason, "detection has no condition");
	assert_int_equal(skip_of(&rs, "badref")->line, 19);
	assert_int_equal(skip_of(&rs, "badre")->line, 25);
	/* a YAML syntax error: the file's documents before it load; the error names its line */
	const char *z = "title: first\nid: first\ndetection:\n  s:\n    a: 1\n  condition: s\n---\ntitle: [oops\n";
	assert_int_equal(logs_rules_load_buf(&rs, "z.yml", z, strlen(z)), 1);
	const struct logs_skip *last = &rs.skipped[rs.nskipped - 1];
	assert_string_equal(last->file, "z.yml");
	assert_true(last->line >= 8);
	assert_non_null(strstr(last->reason, "YAML"));
	logs_rules_release(&rs);
}

static void test_japanese_title(void **state)
{
	(void)state;
	struct logs_ruleset rs = {0};
	const char *y = "title: Brute force\ntitle_ja: 総当たり\nid: a\ndetection:\n  s:\n    a: 1\n  condition: s\n"
	                "---\ntitle: Other\nlifeboat:\n  title_ja: その他\nid: b\ndetection:\n  s:\n    a: 1\n"
	                "  condition: s\n";
	assert_int_equal(logs_rules_load_buf(&rs, "j.yml", y, strlen(y)), 2);
	assert_string_equal(rs.rules[0]->title_ja, "総当たり");
	assert_string_equal(rs.rules[1]->title_ja, "その他");
	struct logs_alert a = {.title_en = "Brute force", .title_ja = "総当たり"};
	lb_set_lang(LB_LANG_JA);
	assert_string_equal(logs_alert_title(&a), "総当たり");
	lb_set_lang(LB_LANG_EN);
	assert_string_equal(logs_alert_title(&a), "Brute force");
	logs_rules_release(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_exact_and_case),
	        cmocka_unit_test(test_contains_startswith_endswith),
	        cmocka_unit_test(test_lists_and_all),
	        cmocka_unit_test(test_wildcards_and_escapes),
	        cmocka_unit_test(test_re),
	        cmocka_unit_test(test_cidr_edges),
	        cmocka_unit_test(test_base64offset_windash),
	        cmocka_unit_test(test_exists_null_numbers),
	        cmocka_unit_test(test_keywords),
	        cmocka_unit_test(test_conditions),
	        cmocka_unit_test(test_matched_fields_and_logsource),
	        cmocka_unit_test(test_prefilter_indexes_and_never_hides),
	        cmocka_unit_test(test_prefilter_regex_literals),
	        cmocka_unit_test(test_unsupported_skipped_by_name),
	        cmocka_unit_test(test_malformed_gives_line_others_load),
	        cmocka_unit_test(test_japanese_title),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
