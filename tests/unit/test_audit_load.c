/*
 * test_audit_load.c - the inventory loader over its event-built YAML tree (src/audit/ytree.c, issue 17): nested
 * lists and mappings read back in order with their lines, flow and block styles alike; an alias refused at the
 * line where it stands; a second document refused at its first line; an empty file, a syntax error and a NUL
 * inside a quoted value each one error with file and line, and every error of a file reported, not only the first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "audit/audit.h"

#include <stdlib.h>
#include <string.h>

static int load(const char *yaml, size_t len, struct audit_inventory *inv, struct audit_errors *e)
{
	memset(inv, 0, sizeof(*inv));
	memset(e, 0, sizeof(*e));
	return audit_inventory_read_buf(inv, "t.yaml", yaml, len, e);
}

/* The one error of yaml, which must start with want. */
static void one_error(const char *yaml, size_t len, const char *want)
{
	struct audit_inventory inv;
	struct audit_errors e;
	assert_int_equal(load(yaml, len, &inv, &e), -LB_EINVAL);
	if (e.lines.n != 1 || strncmp(e.lines.v[0], want, strlen(want)))
		fail_msg("want one error '%s…', got %zu: %s", want, e.lines.n, e.lines.n ? e.lines.v[0] : "-");
	audit_errors_free(&e);
	audit_inventory_free(&inv);
}

static void test_tree_reads_back(void **state)
{
	(void)state;
	const char *y = "version: 1\n"
	                "hospital: {name: \"試験病院\", checked: 2025-06-01}\n"
	                "segments:\n"
	                "  - {name: lan, kind: ehr}\n"
	                "devices:\n"
	                "  - name: srv1\n"
	                "    type: server\n"
	                "    segment: lan\n"
	                "    services:\n"
	                "      - rdp\n"
	                "      - {name: https, port: 443}\n"
	                "    ssh: {permit_root_login: \"yes\"}\n"
	                "  - {name: term1, type: terminal, segment: lan}\n"
	                "systems:\n"
	                "  - name: ehr\n"
	                "    kind: operational\n"
	                "    devices: [srv1, term1]\n";
	struct audit_inventory inv;
	struct audit_errors e;
	int rc = load(y, strlen(y), &inv, &e);
	for (size_t i = 0; i < e.lines.n; i++)
		print_error("%s\n", e.lines.v[i]);
	assert_int_equal(rc, 0);
	assert_string_equal(inv.hospital, "試験病院");
	assert_string_equal(inv.checked, "2025-06-01");
	assert_int_equal(inv.ndevices, 2);
	const struct audit_device *d = &inv.devices[0];
	assert_string_equal(d->name, "srv1");
	assert_int_equal(d->line, 6);
	assert_int_equal(d->nservices, 2);
	assert_string_equal(d->services[0].name, "rdp");
	assert_int_equal(d->services[0].line, 10);
	assert_string_equal(d->services[1].name, "https");
	assert_int_equal(d->services[1].port, 443);
	assert_string_equal(d->ssh_permit_root_login, "yes");
	assert_string_equal(inv.devices[1].name, "term1");
	assert_int_equal(inv.devices[1].line, 13);
	assert_int_equal(inv.nsystems, 1);
	assert_int_equal(inv.systems[0].devices.n, 2);
	assert_string_equal(inv.systems[0].devices.v[1], "term1");
	assert_int_equal(inv.segments[0].line, 4);
	audit_errors_free(&e);
	audit_inventory_free(&inv);
}

static void test_refused(void **state)
{
	(void)state;
	const char *alias = "version: 1\nsegments:\n  - &s {name: a, kind: ehr}\n  - *s\n";
	one_error(alias, strlen(alias), "t.yaml:4: segments: anchors and aliases");
	const char *two = "version: 1\n---\nversion: 1\n";
	one_error(two, strlen(two), "t.yaml:3: -: an inventory file holds one YAML document");
	one_error("", 0, "t.yaml:1: -: the file is empty");
	const char *syntax = "version: 1\ndevices: [\n";
	one_error(syntax, strlen(syntax), "t.yaml:3: -: YAML syntax: ");
	const char nul[] = "devices:\n  - {name: \"a\\0b\", type: server}\n";
	one_error(nul, sizeof(nul) - 1, "t.yaml:2: devices.name: the value is too long or holds a NUL byte");
	const char *list = "- a\n- b\n";
	one_error(list, strlen(list), "t.yaml:1: -: an inventory is a mapping of sections");

	/* every error of the file, each at its own line */
	const char *many =
	        "devices:\n  - {name: a, type: toaster}\n  - {type: server}\n  - {name: c, type: vpn, x: 1}\n";
	struct audit_inventory inv;
	struct audit_errors e;
	assert_int_equal(load(many, strlen(many), &inv, &e), -LB_EINVAL);
	assert_int_equal(e.lines.n, 3);
	assert_non_null(strstr(e.lines.v[0], "t.yaml:2: devices.type: 'toaster'"));
	assert_non_null(strstr(e.lines.v[1], "t.yaml:3: devices.name: missing"));
	assert_non_null(strstr(e.lines.v[2], "t.yaml:4: devices.x: unknown key"));
	audit_errors_free(&e);
	audit_inventory_free(&inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_tree_reads_back), cmocka_unit_test(test_refused)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
