/*
 * fuzz_audit_vulns.c - libFuzzer target for what src/audit reads from outside: a known-exploited vulnerability
 * list (vuln_db_load_buf, the file `audit vulns update` installs) and the firmware versions devices report
 * (vuln_version_parse in each vendor's format, as a version and as a train). Any bytes: a list must read or be
 * refused with one line "fuzz.yaml:LINE: reason", never crash, leak or hang (aliases are refused); a list that
 * reads must match its own bounds the way it says (a fixed version is not affected by its own range). A version
 * that parses must compare equal to itself and be in its own train of its first parts.
 * Seeds: corpus/audit_vulns/ (the shipped list, broken variants, versions of every format).
 */
#include "audit/vuln.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void versions(const char *s)
{
	for (int f = VULN_FMT_NONE + 1; f < VULN_FMT_COUNT; f++)
		for (int train = 0; train < 2; train++) {
			struct vuln_version v;
			if (vuln_version_parse((enum vuln_format)f, s, train, &v) != 0) {
				if (v.n != 0 || strchr(lb_errmsg(), '\n'))
					__builtin_trap();
				continue;
			}
			if (v.n < 1 || v.n > VULN_VERSION_PARTS || vuln_version_cmp(&v, &v) != 0)
				__builtin_trap();
			struct vuln_version t = v;
			t.n = 1;
			if (!vuln_version_in_train(&v, &t))
				__builtin_trap();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* versions: the input as one string (up to its first NUL) */
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (size <= 80)
		versions(s);
	free(s);

	struct vuln_db db;
	if (vuln_db_load_buf(&db, "fuzz.yaml", (const char *)data, size) == 0) {
		for (size_t i = 0; i < db.n; i++) {
			const struct vuln_entry *e = &db.v[i];
			if (!e->cve || !e->summary_en || !e->summary_ja || !e->nproducts || !e->nranges || !e->fmt)
				__builtin_trap();
			for (size_t j = 0; j < e->nranges; j++) {
				const struct vuln_range *r = &e->ranges[j];
				struct vuln_match m;
				const char *product = r->nproducts ? r->products[0] : e->products[0];
				if (r->fixed_s && vuln_match(&db, e->vendor, product, r->fixed_s, &m) == 0) {
					for (size_t k = 0; k < m.n; k++)
						if (m.hits[k].r == r)
							__builtin_trap(); /* the fix of a range is affected by that range */
					vuln_match_release(&m);
				}
			}
		}
		vuln_db_release(&db);
	} else if (strncmp(lb_errmsg(), "fuzz.yaml:", 10) != 0 || strchr(lb_errmsg(), '\n')) {
		__builtin_trap();
	}
	return 0;
}
