/*
 * test_logs_sigmahq.c - real SigmaHQ rules (tests/data/sigma, DRL 1.1) for sshd, sudo and Linux authentication
 * load from their folder and fire on sample events written for them, with the expected count per rule; the one
 * using a Sigma 1 aggregation is reported by name and skipped. Issue 18's acceptance.
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

#define T0 1795996800000LL

static int count_of(const struct alerts *al, const char *id)
{
	int n = 0;
	for (int i = 0; i < al->n; i++)
		n += !strcmp(al->id[i], id);
	return n;
}

struct authors {
	int n, with_author;
};

static void count_authors(const struct logs_alert *a, void *arg)
{
	struct authors *x = arg;
	x->n++;
	x->with_author += a->author != NULL;
}

static struct log_event *ssh_fail(int64_t ts, uint64_t line, const char *ip, const char *user)
{
	char m[160], f1[64], f2[64];
	snprintf(m, sizeof m, "Failed password for %s from %s port 40022 ssh2", user, ip);
	snprintf(f1, sizeof f1, "source_ip=%s", ip);
	snprintf(f2, sizeof f2, "user=%s", user);
	return ev_new("linux", "sshd", ts, line, m, f1, f2, "host=web1", "deviceProcessName=sshd", "outcome=failure",
	              NULL);
}

static void test_sigmahq_linux_rules(void **state)
{
	(void)state;
	const char *src = getenv("LB_SRC");
	assert_non_null(src);
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/data/sigma", src);
	struct logs_ruleset rs = {0};
	assert_int_equal(logs_rules_load_path(&rs, dir), 7);
	assert_int_equal(rs.nskipped, 1);
	assert_string_equal(rs.skipped[0].id, "fc947f8e-ea81-4b14-9a7b-13f888f94e18");
	assert_string_equal(rs.skipped[0].feature, "timeframe (Sigma 1 aggregation; use a correlation)");
	assert_non_null(strstr(rs.skipped[0].file, "lnx_auth_susp_failed_logons_single_source.yml"));
	assert_int_equal(rs.skipped[0].line, 19);
	assert_int_equal(logs_rules_compile(&rs), 0);

	struct alerts al = {0};
	uint64_t line = 1;
	/* 60 failures from a public address within five minutes; 5 from a private one */
	for (int i = 0; i < 60; i++)
		feed(&rs, ssh_fail(T0 + i * 5000, line++, "198.51.100.23", i % 2 ? "root" : "oracle"), &al);
	for (int i = 0; i < 5; i++)
		feed(&rs, ssh_fail(T0 + i * 5000, line++, "10.0.0.5", "root"), &al);
	feed(&rs, ev_new("linux", "sshd", T0, line++, "error: Corrupted MAC on input. [preauth]", NULL), &al);
	feed(&rs,
	     ev_new("linux", "sshd", T0, line++,
	            "error: buffer_get_ret: trying to get more bytes 1907 than in buffer 308 [preauth]", NULL),
	     &al);
	feed(&rs,
	     ev_new("linux", "sudo", T0, line++, "bob : TTY=pts/0 ; PWD=/ ; USER=#-1 ; COMMAND=/bin/id", "USER=#-1",
	            "command=/bin/id", NULL),
	     &al);
	feed(&rs,
	     ev_new("linux", "sudo", T0, line++, "bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id", "USER=root",
	            NULL),
	     &al);
	feed(&rs, ev_new("linux", "auth", T0, line++, "new user: name=john, UID=0, GID=0, home=/home/john", NULL), &al);
	feed(&rs, ev_new("linux", "auth", T0, line++, "new user: name=amy, UID=1001, GID=1001, home=/home/amy", NULL),
	     &al);

	assert_int_equal(count_of(&al, "8d9c5b6a-9b42-4d71-9b3f-sshbruteforce01"), 65); /* each failure */
	assert_int_equal(count_of(&al, "f698fb2a-f888-4b4f-b309-fcc56d7096b5"), 0);     /* silent: correlated */
	assert_int_equal(count_of(&al, "f55634e2-baa3-489b-bbce-0c9818cf62ee"), 1);     /* 50 of the 60 */
	assert_int_equal(count_of(&al, "e76b413a-83d0-4b94-8e4c-85db4a5b8bdc"), 1);
	assert_int_equal(count_of(&al, "4c9d903d-4939-4094-ade0-3cb748f4d7da"), 1);
	assert_int_equal(count_of(&al, "7fcc54cb-f27d-4684-84b7-436af096f858"), 1);
	assert_int_equal(count_of(&al, "0ac15ec3-d24f-4246-aa2a-3077bb1cf90e"), 1);
	assert_int_equal(al.n, 70);
	for (int i = 0; i < al.n; i++)
		if (!strcmp(al.id[i], "f55634e2-baa3-489b-bbce-0c9818cf62ee")) {
			assert_string_equal(al.group[i], "198.51.100.23");
			assert_int_equal(al.count[i], 50);
		}
	/* every alert carries its rule's author (the licence asks for it) */
	struct authors au = {0};
	struct log_event *e = ev_new("linux", "sshd", T0, line, "Corrupted MAC on input", NULL);
	logs_rules_match(&rs, e, count_authors, &au);
	free(e);
	assert_int_equal(au.n, 1);
	assert_int_equal(au.with_author, 1);
	logs_rules_release(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sigmahq_linux_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
