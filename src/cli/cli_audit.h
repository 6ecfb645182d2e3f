/*
 * cli_audit.h - what the `lifeboat audit` subcommands share (cmd_audit.c holds the table of subcommands; each
 * cmd_audit_<name>.c one of them). Add a subcommand: its function here and one line in cmd_audit.c's table.
 */
#ifndef LB_CLI_AUDIT_H
#define LB_CLI_AUDIT_H

#include "cli.h"

/* `lifeboat audit vulns …` (cmd_audit_vulns.c) */
int cmd_audit_vulns(int argc, char **argv);

/* `audit checklist` (cmd_audit_checklist.c). Table entry:
 *   {"checklist", cmd_audit_checklist, "fill the MHLW cybersecurity checklist (CSV, XLSX, PDF)",
 *    "厚生労働省のサイバーセキュリティ対策チェックリストを作成 (CSV, XLSX, PDF)"}, */
int cmd_audit_checklist(int argc, char **argv);

/* `audit graph` (cmd_audit_graph.c): the network diagram with the findings marked. */
int cmd_audit_graph(int argc, char **argv);

#endif
