/*
 * cli_vault.h - helpers shared by cmd_vault.c and cmd_vault_admin.c (the `lifeboat vault` subcommands).
 */
#ifndef LB_CLI_VAULT_H
#define LB_CLI_VAULT_H

#include "cli.h"
#include "vault/vault.h"

/* The options every vault subcommand takes. */
struct cv_common {
	const char *repo, *key, *pass_file;
	int json;
};
#define CV_COMMON_OPTS(c)                                                                       \
	{LB_OPT_STRING,                                                                         \
	 'r',                                                                                   \
	 "repo",                                                                                \
	 &(c).repo,                                                                             \
	 "R",                                                                                   \
	 "repository folder (or vault server URL)",                                             \
	 "リポジトリのフォルダ (またはボルトサーバの URL)"},                                    \
	        {LB_OPT_STRING,                                                                 \
	         'k',                                                                           \
	         "key",                                                                         \
	         &(c).key,                                                                      \
	         "F",                                                                           \
	         "key file (writer key, or an admin key file)",                                 \
	         "鍵ファイル (ライター鍵、または管理者鍵ファイル)"},                            \
	        {LB_OPT_STRING,                                                                 \
	         0,                                                                             \
	         "passphrase-file",                                                             \
	         &(c).pass_file,                                                                \
	         "F",                                                                           \
	         "read the admin passphrase from F (else LIFEBOAT_PASSPHRASE or the terminal)", \
	         "管理者パスフレーズを F から読む (なければ LIFEBOAT_PASSPHRASE か端末)"},      \
	{                                                                                       \
		LB_OPT_FLAG, 0, "json", &(c).json, NULL, "print JSON", "JSON で出力"         \
	}

/*
 * How a subcommand that works on a repository starts; cv_begin does it all: parse the options (--help and a bad
 * option end there), check the operands and the required options, run check, then open the repository (the
 * passphrase is asked only once everything given is known to be usable).
 */
struct cv_cmd {
	int min_args, max_args;     /* operands after the options; max_args -1: any number */
	const char *usage;          /* shown for wrong operands or a missing required option (NULL: help's) */
	const char *const *need[4]; /* string options that must be given (pointers to their targets) */
	/* more checks of what was given, before the passphrase is asked: 0, or an exit code (cli_usage) */
	int (*check)(char **args, int nargs, void *ctx);
	void *ctx;
	int open_damaged; /* a damaged config or key file is not an error: v NULL, open_rc -LB_ECORRUPT (verify) */
	/* set by cv_begin */
	struct vault *v; /* open when cv_begin returns 1 (close it with vault_close) */
	char **args;     /* the operands */
	int nargs;
	int code;    /* the exit code to return when cv_begin returns 0 */
	int open_rc; /* with open_damaged: the library's code of a failed open */
};
/* 1: go on with k->v open (or, with open_damaged, NULL and k->open_rc); 0: return k->code. */
int cv_begin(struct cv_cmd *k, const struct lb_opt *opts, const struct lb_cmd_help *help, const struct cv_common *c,
             int argc, char **argv);
/* Open the repository of c, reading the passphrase when the key needs one. Returns 0 or an exit code. */
int cv_open(const struct cv_common *c, struct vault **v);
/* The same without printing: the library's code (for verify, where a damaged config is a finding). */
int cv_open_rc(const struct cv_common *c, struct vault **v);
/* Write a JSON text that came from the repository (scorer reasons) as a value; invalid text becomes a string. */
void cv_json_raw(struct json_w *w, const char *text);
/* "2026-11-24 17:15" local time. */
void cv_time(struct buf *b, int64_t ms);

int cv_verify(int argc, char **argv);
int cv_diff(int argc, char **argv);
int cv_forget(int argc, char **argv);
int cv_prune(int argc, char **argv);
int cv_lock(int argc, char **argv);
int cv_review(int argc, char **argv);
int cv_export(int argc, char **argv);

#endif
