/*
 * cli_audit.h - the subcommands of `lifeboat audit` that live in their own files. cmd_audit.c holds the table;
 * each subcommand adds one line there.
 */
#ifndef LB_CLI_AUDIT_H
#define LB_CLI_AUDIT_H

#include "cli.h"

/* `audit checklist` (cmd_audit_checklist.c). Table entry:
 *   {"checklist", cmd_audit_checklist, "fill the MHLW cybersecurity checklist (CSV, XLSX, PDF)",
 *    "厚生労働省のサイバーセキュリティ対策チェックリストを作成 (CSV, XLSX, PDF)"}, */
int cmd_audit_checklist(int argc, char **argv);

#endif
