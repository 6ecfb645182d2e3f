/*
 * fuzz_logs_rules.c - libFuzzer target for what src/logs reads from rule folders a hospital fills with
 * community rules: Sigma YAML (logs_rules_load_buf, then the plan and one match) and, for inputs starting with
 * '!', a condition alone (lr_cond_parse over four selections). Any bytes: rules load or are listed as skipped
 * with a file:line and a one-line reason, never crash, leak or hang; a condition parses or is refused.
 * Seeds: corpus/logs_rules/ (the shipped rules, SigmaHQ-style rules, broken variants, conditions).
 */
#include "logs/rules_int.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drop(const struct logs_alert *a, void *arg)
{
	(void)arg;
	if (!a->rule_id || !a->title_en)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == '!') {
		char *s = malloc(size);
		if (!s)
			return 0;
		memcpy(s, data + 1, size - 1);
		s[size - 1] = 0;
		struct lr_sel sels[4] = {{.name = "sel_a"}, {.name = "sel_b"}, {.name = "filter"}, {.name = "_x"}};
		const char *feature = NULL, *why = NULL;
		struct lr_node *n = lr_cond_parse(s, sels, 4, &feature, &why);
		if (!n && !feature && !why)
			__builtin_trap(); /* a refusal always says why */
		lr_node_free(n);
		free(s);
		return 0;
	}
	struct logs_ruleset rs = {.groups_max = 64};
	logs_rules_load_buf(&rs, "fuzz.yml", (const char *)data, size);
	for (size_t i = 0; i < rs.nskipped; i++)
		if (strcmp(rs.skipped[i].file, "fuzz.yml") != 0 || !rs.skipped[i].reason ||
		    strchr(rs.skipped[i].reason, '\n') || rs.skipped[i].line == 0)
			__builtin_trap();
	logs_rules_compile(&rs);
	static struct log_event e;
	memset(&e, 0, sizeof e);
	static const char msg[] = "Failed password for root from 203.0.113.5 port 22 ssh2";
	e.msg = e.line = msg;
	e.msg_len = e.line_len = sizeof msg - 1;
	e.ts_ms = 1795996800000LL;
	e.file = "fuzz.log";
	e.lineno = 1;
	static const char *kv[][2] = {{"user", "root"},
	                              {"source_ip", "203.0.113.5"},
	                              {"EventID", "4624"},
	                              {"outcome", "failure"},
	                              {"CommandLine", "powershell -enc d2hvYW1p"}};
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		e.f[i].name = kv[i][0];
		e.f[i].name_len = (uint32_t)strlen(kv[i][0]);
		e.f[i].val = kv[i][1];
		e.f[i].val_len = (uint32_t)strlen(kv[i][1]);
	}
	e.nfields = sizeof kv / sizeof kv[0];
	for (int k = 0; k < 3; k++) { /* enough for a small correlation to fire */
		logs_rules_match(&rs, &e, drop, NULL);
		e.ts_ms += 1000;
	}
	logs_rules_release(&rs);
	return 0;
}
