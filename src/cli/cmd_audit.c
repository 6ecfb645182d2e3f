/*
 * cmd_audit.c - `lifeboat audit`: configuration, accounts and known-exploited vulnerabilities checked against the
 * MHLW checklist (issue 17, docs/inventory.md). This file is only the table of subcommands; each lives in
 * cmd_audit_<name>.c and is declared in cli_audit.h.
 */
#include "cli_audit.h"

int cmd_audit(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"vulns", cmd_audit_vulns, "known-exploited VPN/gateway vulnerabilities: list, match a version, update",
	         "既知の悪用された VPN・ゲートウェイ脆弱性: 一覧、バージョン照合、更新"},
	        {0},
	};
	return cli_dispatch(argc, argv, "audit", subs);
}
