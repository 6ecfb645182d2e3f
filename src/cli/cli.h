/*
 * cli.h - the command-line: dispatch table, the cmd_<name>() of each command, and helpers they share.
 *
 * A command is one function that parses its options (lb_opt table), calls the library and prints; it returns the
 * process exit code (0 ok, 1 a finding, 2 an error, after printing a one-line reason with cli_error). Only
 * src/cli/ exits the process.
 */
#ifndef LB_CLI_H
#define LB_CLI_H

#include "core/core.h"

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary_en, *summary_ja;
};
/* The table of commands (commands.c), ending with a zeroed entry. */
extern const struct cli_cmd cli_commands[];
const struct cli_cmd *cli_find(const char *name);

/* Print "lifeboat: <detail>" for a negative library code and return its exit code. */
int cli_error(int rc);
/* Print "lifeboat: <message>" (formatted) and return 2: for usage errors found by the command itself. */
int cli_usage(const char *fmt, ...) LB_PRINTF(1, 2);
/*
 * Parse a command's options. Returns the index of the first operand, or -1 with *exit_code set: 0 after --help
 * (usage printed on stdout), 2 on a bad option (one line on stderr).
 */
int cli_parse(int argc, char **argv, const struct lb_opt *opts, const struct lb_cmd_help *help, int *exit_code);

/* A command with subcommands ("vault backup", "text decode"). */
struct cli_sub {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary_en, *summary_ja;
};
/* Run argv[1] of subs with argv shifted by one (so the subcommand sees its name as argv[0]). */
int cli_dispatch(int argc, char **argv, const char *parent, const struct cli_sub *subs);

/* The --json option of a command that prints results, as an lb_opt table entry writing to *target. */
#define CLI_OPT_JSON(target)                                                           \
	{                                                                              \
		LB_OPT_FLAG, 0, "json", (target), NULL, "print JSON", "JSON で出力" \
	}

/* Write b and a newline to stdout; returns 2 if stdout fails (disk full, closed pipe). */
int cli_print(const struct buf *b);
/* End a listing: on rc < 0 the error (out released); else close the JSON array w (NULL: none), print out. */
int cli_list_done(int rc, struct buf *out, struct json_w *w);

/* Who does a recorded act from the command line, for an audit trail: the name given (--by, self-declared) with the
 * account that ran the command, "pharm 山田 (OS: nurse1)", so a typed name is never the only trace. */
void cli_actor(const char *by, char *out, size_t cap);

int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_text(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_drill(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_patient(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_rx(int argc, char **argv);
/* `logs scan` and `logs rules` (cmd_logs_rules.c), in cmd_logs.c's subcommand table */
int cmd_logs_scan(int argc, char **argv);
int cmd_logs_rules(int argc, char **argv);
int cmd_print(int argc, char **argv);
int cmd_station(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_vault(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_logs(int argc, char **argv);

#endif
