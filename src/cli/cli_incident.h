/*
 * cli_incident.h - what the files of `lifeboat incident` share: where the incident file is, who writes, and how an
 * entry is printed (text and JSON).
 */
#ifndef LB_CLI_INCIDENT_H
#define LB_CLI_INCIDENT_H

#include "cli.h"
#include "incident/incident.h"

/* The options every incident subcommand takes. */
struct ci_common {
	const char *file;  /* --incident F */
	const char *store; /* --db STORE: the file is incident.db next to it */
	const char *as;    /* --as NAME */
};
#define CI_COMMON_OPTS(c)                                                                                          \
	{LB_OPT_STRING,                                                                                            \
	 0,                                                                                                        \
	 "incident",                                                                                               \
	 &(c).file,                                                                                                \
	 "FILE",                                                                                                   \
	 "the incident file (default: incident.db next to --db)",                                                  \
	 "インシデント記録ファイル (既定: --db の隣の incident.db)"},                                              \
	{                                                                                                          \
		LB_OPT_STRING, 0, "db", &(c).store, "STORE", "the clinical store, to find incident.db next to it", \
		        "臨床データストア (その隣の incident.db を使う)"                            \
	}
#define CI_AS_OPT(c)                                                                             \
	{                                                                                        \
		LB_OPT_STRING, 0, "as", &(c).as, "NAME",                                         \
		        "who writes this entry (else the OS account, marked as such)",           \
		        "記録者名 (省略時は OS アカウント名をそのまま記録)" \
	}

/* Open the incident file the options name (create: for declare). Returns an exit code (0 with *f set). */
int ci_open(const struct ci_common *c, int create, struct incident_file **f);
/* The account that runs the command ("nurse1", or "uid 1001"). */
void ci_os_user(char *out, size_t cap);
/* Who wrote e, for people: "山田 (OS: it1)", or "it1 (OS account; no --as)". */
void ci_author(struct buf *b, const struct incident_entry *e);
/* What e is, for people: "宣言", "フェーズ → 初動対応", "決定", "終了". */
void ci_what(struct buf *b, const struct incident_entry *e);
/* One line for e: "#12 2026/12/07 04:00 決定 [対策本部] text — who". corrected_by: a later entry corrects it. */
void ci_line(struct buf *b, const struct incident_entry *e, int64_t corrected_by);
/* e as a JSON object. */
void ci_json_entry(struct json_w *w, const struct incident_entry *e, int64_t corrected_by);
/* A time as JSON: the UTC instant "2026-12-06T18:10:00Z" (null for 0). */
void ci_json_time(struct json_w *w, const char *key, int64_t ms);

/* The card set of dir (NULL: the shipped defaults), validated. Returns an exit code (0 with *s filled). */
int ci_read_cards(const char *dir, struct incident_cardset *s);
/* Make s the open incident's cards, written by the command's --as. Returns an exit code; f stays open. */
int ci_load_cards(struct incident_file *f, const struct incident_cardset *s, const char *dir, const struct ci_common *c,
                  int64_t *seq);

int cmd_incident_status(int argc, char **argv);
int cmd_incident_cards(int argc, char **argv);
int cmd_incident_done(int argc, char **argv);
int cmd_incident_assign(int argc, char **argv);
int cmd_incident_contacts(int argc, char **argv);
int cmd_incident_list(int argc, char **argv);
int cmd_incident_timeline(int argc, char **argv);
int cmd_incident_verify(int argc, char **argv);
int cmd_incident_fact(int argc, char **argv);
int cmd_incident_facts(int argc, char **argv);
int cmd_incident_report(int argc, char **argv);
int cmd_incident_export(int argc, char **argv);
/* back-entry (cmd_incident_backentry.c, cmd_incident_orders.c) */
int ci_numbers(int argc, char **argv);
int ci_order(int argc, char **argv);
int ci_patient(int argc, char **argv);
int ci_backlog(int argc, char **argv);
/* the ward's medium: export, import, conflicts, resolve (cmd_incident_medium.c) */
int ci_orders(int argc, char **argv);
/* verify --dir DIR: check an exported medium alone (cmd_incident_report.c). Returns the exit code. */
int ci_verify_dir(const char *dir, const char *head, int json);

#endif
