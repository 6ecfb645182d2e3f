/*
 * cmd_audit.c - `lifeboat audit`: configuration and account management against the MHLW checklist (issue 17).
 * One line per subcommand; each lives in cmd_audit_<name>.c (declared in cli_audit.h).
 */
#include "cli_audit.h"

int cmd_audit(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        /* --- audit checklist (h17-list) --- */
	        {"checklist", cmd_audit_checklist, "fill the MHLW cybersecurity checklist (CSV, XLSX, PDF)",
	         "厚生労働省のサイバーセキュリティ対策チェックリストを作成 (CSV, XLSX, PDF)"},
	        {0},
	};
	return cli_dispatch(argc, argv, "audit", subs);
}
