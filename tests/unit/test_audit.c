/*
 * test_audit.c - the audit checks at their boundaries (issue 17): dormancy and patch age counted in days (the
 * limit itself passes, one day more fails); one credential on two operational systems is ACC-REUSE, on an
 * operational and a backup system the critical ACC-REUSE-OPS-BACKUP; a leaver's account, disabled, is no finding;
 * the network checks read path ends as segments or devices; an inventory written as YAML reads back the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "audit/audit.h"

#include <stdlib.h>
#include <string.h>

static struct audit_inventory load(const char *yaml)
{
	struct audit_inventory inv = {0};
	struct audit_errors e = {0};
	int rc = audit_inventory_read_buf(&inv, "t.yaml", yaml, strlen(yaml), &e);
	for (size_t i = 0; i < e.lines.n; i++)
		print_error("%s\n", e.lines.v[i]);
	assert_int_equal(rc, 0);
	audit_errors_free(&e);
	return inv;
}

/* The ids found, sorted and space-separated, into out. */
static void ids(const char *yaml, const char *today, char *out, size_t cap)
{
	struct audit_inventory inv = load(yaml);
	struct audit_check_opts o = {.today = today};
	struct audit_findings f = {0};
	assert_true(audit_check_run(&inv, &o, &f) >= 0);
	const char *v[64];
	size_t n = 0;
	for (size_t i = 0; i < f.n && n < 64; i++)
		v[n++] = f.v[i].check->id;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			const char *t = v[j];
			v[j] = v[j - 1], v[j - 1] = t;
		}
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", v[i]);
	audit_findings_free(&f);
	audit_inventory_free(&inv);
}

static void test_dormant_boundary(void **state)
{
	(void)state;
	char got[512];
	const char *y = "accounts:\n  - {user: a, system: s, last_login: 2024-01-01}\n";
	ids(y, "2024-03-31", got, sizeof(got)); /* 90 days: the limit itself */
	assert_string_equal(got, "");
	ids(y, "2024-04-01", got, sizeof(got)); /* 91 days */
	assert_string_equal(got, "ACC-DORMANT");
	ids("accounts:\n  - {user: a, system: s, last_login: 2024-01-01, enabled: false}\n", "2025-01-01", got,
	    sizeof(got));
	assert_string_equal(got, "");
}

static void test_patch_age_boundary(void **state)
{
	(void)state;
	char got[512];
	const char *y = "devices:\n  - {name: fw, type: vpn, patched: 2024-01-01}\n";
	ids(y, "2024-03-31", got, sizeof(got));
	assert_string_equal(got, "");
	ids(y, "2024-04-01", got, sizeof(got));
	assert_string_equal(got, "VPN-PATCH-AGE");
	ids("devices:\n  - {name: fw, type: network, remote_maintenance: true}\n", "2024-04-01", got, sizeof(got));
	assert_string_equal(got, "VPN-PATCH-UNKNOWN");
}

static void test_reuse_kinds(void **state)
{
	(void)state;
	char got[512];
	const char *sys = "systems:\n  - {name: ehr, kind: operational}\n  - {name: lab, kind: departmental}\n"
	                  "  - {name: bk, kind: backup}\n  - {name: av, kind: security}\n";
	char y[1024];
	snprintf(y, sizeof(y),
	         "%saccounts:\n  - {user: a, system: ehr, credential: fp1:x:1}\n"
	         "  - {user: b, system: lab, credential: fp1:x:1}\n",
	         sys);
	ids(y, "2024-01-01", got, sizeof(got));
	assert_string_equal(got, "ACC-REUSE");
	snprintf(y, sizeof(y),
	         "%saccounts:\n  - {user: a, system: ehr, credential: fp1:x:1}\n"
	         "  - {user: b, system: av, credential: fp1:x:1}\n",
	         sys);
	ids(y, "2024-01-01", got, sizeof(got));
	assert_string_equal(got, "ACC-REUSE-OPS-BACKUP");
	/* the same credential twice on one system is not reuse across systems */
	snprintf(y, sizeof(y),
	         "%saccounts:\n  - {user: a, system: bk, credential: fp1:x:1}\n"
	         "  - {user: b, system: bk, credential: fp1:x:1}\n",
	         sys);
	ids(y, "2024-01-01", got, sizeof(got));
	assert_string_equal(got, "");
}

static void test_leaver(void **state)
{
	(void)state;
	char got[512];
	ids("accounts:\n  - {user: a, system: s, status: left, enabled: true}\n", "2024-01-01", got, sizeof(got));
	assert_string_equal(got, "ACC-LEAVER-ACTIVE");
	ids("accounts:\n  - {user: a, system: s, status: left, enabled: false}\n", "2024-01-01", got, sizeof(got));
	assert_string_equal(got, "");
}

static void test_network(void **state)
{
	(void)state;
	char got[512];
	const char *segs = "segments:\n  - {name: inet, kind: internet}\n  - {name: ehr, kind: ehr}\n"
	                   "  - {name: ofc, kind: office}\n  - {name: bk, kind: backup}\n"
	                   "devices:\n  - {name: nas, type: storage, segment: bk}\n"
	                   "  - {name: vault, type: storage, role: lifeboat-vault, segment: bk}\n"
	                   "  - {name: jump, type: server, segment: ofc}\n";
	char y[2048];
	snprintf(y, sizeof(y), "%spaths:\n  - {from: internet, to: jump, service: rdp, always_on: true}\n", segs);
	ids(y, "2024-01-01", got, sizeof(got));
	assert_string_equal(got, "NET-RDP-ALWAYS-ON");
	snprintf(y, sizeof(y), "%spaths:\n  - {from: inet, to: ehr, service: https}\n", segs);
	ids(y, "2024-01-01", got, sizeof(got));
	assert_string_equal(got, "NET-PATH-INTO-EHR");
	snprintf(
	        y, sizeof(y),
	        "%spaths:\n  - {from: ehr, to: nas, service: smb, writable: true}\n"
	        "  - {from: ofc, to: vault, service: ssh, auth: admin}\n  - {from: ofc, to: vault, service: ssh, auth: "
	        "user}\n  - {from: bk, to: nas, service: smb, writable: true}\n",
	        segs);
	ids(y, "2024-01-01", got, sizeof(got));
	assert_string_equal(got, "NET-BACKUP-WRITABLE NET-VAULT-ADMIN-KEY");
}

static void test_yaml_round_trip(void **state)
{
	(void)state;
	struct audit_inventory inv = load("hospital: {name: \"x \\\"y\\\"\", password_min_length: 10}\n"
	                                  "devices:\n  - name: \"a: b # c\"\n    type: server\n"
	                                  "    services: [rdp, {name: ssh, port: 22, needed: true}]\n"
	                                  "    ssh: {permit_root_login: \"no\"}\n"
	                                  "accounts:\n  - {user: u, system: s, groups: [sudo, adm], uid: 0}\n"
	                                  "policies:\n  - {lockout_threshold: 0}\n");
	struct buf y = {0};
	audit_inventory_write_yaml(&y, &inv);
	struct audit_inventory again = load(buf_cstr(&y));
	assert_string_equal(again.hospital, "x \"y\"");
	assert_int_equal(again.min_length, 10);
	assert_string_equal(again.devices[0].name, "a: b # c");
	assert_int_equal(again.devices[0].nservices, 2);
	assert_int_equal(again.devices[0].services[1].port, 22);
	assert_int_equal(again.devices[0].services[1].needed, AUDIT_YES);
	assert_string_equal(again.devices[0].ssh_permit_root_login, "no");
	assert_int_equal(again.accounts[0].groups.n, 2);
	assert_int_equal(again.accounts[0].uid, 0);
	assert_int_equal(again.policies[0].lockout_threshold, 0);
	assert_int_equal(again.policies[0].password_min_length, -1);
	buf_release(&y);
	audit_inventory_free(&again);
	audit_inventory_free(&inv);
}

static void test_every_error(void **state)
{
	(void)state;
	const char *y = "devices:\n  - {name: a, type: x}\n  - {nme: b, type: server}\n"
	                "accounts:\n  - {user: u, system: s, last_login: 2024-02-30}\n";
	struct audit_inventory inv = {0};
	struct audit_errors e = {0};
	assert_int_equal(audit_inventory_read_buf(&inv, "t.yaml", y, strlen(y), &e), -LB_EINVAL);
	assert_int_equal(e.lines.n, 4); /* bad type, unknown key nme, missing name, impossible date */
	assert_non_null(strstr(e.lines.v[0], "t.yaml:2: devices.type:"));
	assert_non_null(strstr(e.lines.v[1], "t.yaml:3: devices.nme: unknown key"));
	assert_non_null(strstr(e.lines.v[2], "t.yaml:3: devices.name: missing"));
	assert_non_null(strstr(e.lines.v[3], "t.yaml:5: accounts.last_login:"));
	audit_errors_free(&e);
	audit_inventory_free(&inv);
}

int main(void)
{
	setenv("LIFEBOAT_LANG", "en", 1);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dormant_boundary), cmocka_unit_test(test_patch_age_boundary),
	        cmocka_unit_test(test_reuse_kinds),      cmocka_unit_test(test_leaver),
	        cmocka_unit_test(test_network),          cmocka_unit_test(test_yaml_round_trip),
	        cmocka_unit_test(test_every_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
