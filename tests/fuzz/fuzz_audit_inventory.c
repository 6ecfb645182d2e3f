/*
 * fuzz_audit_inventory.c - libFuzzer target for what src/audit reads from outside: inventory YAML (hand-edited,
 * or written by another tool) and the CSV of an asset ledger or an Active Directory export. Any bytes: the loader
 * returns 0 or errors that each name the file ("fuzz.yaml:LINE: KEY: reason", one line each), never crashes, leaks
 * or hangs (aliases are refused, so the walk is linear). An inventory that loads must write back as YAML that
 * loads again, and survive the checks. Seeds: corpus/audit_inventory/ (the examples and broken variants).
 */
#include "audit/audit.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_name_file(const struct audit_errors *e)
{
	for (size_t i = 0; i < e->lines.n; i++)
		if (strncmp(e->lines.v[i], "fuzz.yaml:", 10) != 0 || strchr(e->lines.v[i], '\n'))
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_inventory inv = {0};
	struct audit_errors e = {0};
	if (audit_inventory_read_buf(&inv, "fuzz.yaml", (const char *)data, size, &e) == 0) {
		if (e.lines.n)
			__builtin_trap();
		struct buf y = {0};
		audit_inventory_write_yaml(&y, &inv);
		struct audit_inventory again = {0};
		struct audit_errors e2 = {0};
		if (audit_inventory_read_buf(&again, "fuzz.yaml", y.data, y.len, &e2) != 0)
			__builtin_trap(); /* what we write, we read */
		audit_errors_free(&e2);
		audit_inventory_free(&again);
		buf_release(&y);
		struct audit_errors e3 = {0};
		if (audit_inventory_check_refs(&inv, &e3) < 0)
			must_name_file(&e3);
		audit_errors_free(&e3);
		struct audit_check_opts o = {.today = "2024-01-01"};
		struct audit_findings f = {0};
		audit_check_run(&inv, &o, &f);
		audit_findings_free(&f);
	} else {
		if (!e.lines.n)
			__builtin_trap(); /* a refusal always says why */
		must_name_file(&e);
	}
	audit_errors_free(&e);
	audit_inventory_free(&inv);
	struct lb_strlist w = {0};
	struct audit_inventory csv = {0};
	audit_import_ad(&csv, "fuzz.csv", (const char *)data, size, "ad", &w);
	audit_import_assets(&csv, "fuzz.csv", (const char *)data, size, &w);
	/* what the import writes, the loader reads */
	struct buf cy = {0};
	audit_inventory_write_yaml(&cy, &csv);
	struct audit_inventory back = {0};
	struct audit_errors e4 = {0};
	if (audit_inventory_read_buf(&back, "fuzz.yaml", cy.data, cy.len, &e4) != 0)
		__builtin_trap();
	audit_errors_free(&e4);
	audit_inventory_free(&back);
	buf_release(&cy);
	for (size_t i = 0; i < w.n; i++)
		free((void *)w.v[i]);
	lb_strlist_free(&w);
	audit_inventory_free(&csv);
	return 0;
}
