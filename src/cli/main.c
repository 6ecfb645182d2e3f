/*
 * main.c - lifeboat's entry: global options, then the command named by the first word.
 *
 *   lifeboat [--lang ja|en] <command> [options] [arguments]
 */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void overview(FILE *f)
{
	fprintf(f, "%s\n\n",
	        L_("lifeboat - keeps a hospital's care going through a ransomware outage of its EHR",
	           "lifeboat - ランサムウェアで電子カルテが止まっても診療を続け、復旧させるための道具"));
	fprintf(f, "%s lifeboat [--lang ja|en] <%s> [%s] [%s]\n\n", L_("usage:", "使い方:"), L_("command", "コマンド"),
	        L_("options", "オプション"), L_("arguments", "引数"));
	fprintf(f, "%s\n", L_("commands:", "コマンド:"));
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, L_(c->summary_en, c->summary_ja));
	fprintf(f, "\n%s\n",
	        L_("'lifeboat help <command>' or 'lifeboat <command> --help' shows the options and examples.\n"
	           "exit codes: 0 done, 1 a finding (failed check, suspect data), 2 usage or input error.\n"
	           "messages in Japanese with LANG=ja_JP.UTF-8 or LIFEBOAT_LANG=ja.",
	           "オプションと例は 'lifeboat help <コマンド>' または 'lifeboat <コマンド> --help' で表示します。\n"
	           "終了コード: 0 正常、1 検出あり (検証失敗・疑わしいデータ)、2 使い方または入力の誤り。\n"
	           "英語表示は LIFEBOAT_LANG=en。"));
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		overview(stdout);
		return LB_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		printf("%s lifeboat help [%s [%s]]\n\n%s\n\n%s\n  lifeboat help vault\n  lifeboat help text decode\n",
		       L_("usage:", "使い方:"), L_("COMMAND", "コマンド"), L_("SUBCOMMAND", "サブコマンド"),
		       L_("Show the list of commands, or the help of one command with its options and examples.",
		          "コマンドの一覧、または 1 つのコマンドのオプションと例を表示します。"),
		       L_("examples:", "例:"));
		return LB_EXIT_OK;
	}
	const struct cli_cmd *c = cli_find(argv[1]);
	if (!c)
		return cli_usage(L_("no command '%s' (see 'lifeboat --help')",
		                    "コマンド '%s' はありません ('lifeboat --help' を参照)"),
		                 argv[1]);
	/* "help vault backup" → "vault backup --help" */
	char *args[4] = {argv[1], argc > 2 ? argv[2] : "--help", argc > 2 ? "--help" : NULL, NULL};
	return c->fn(argc > 2 ? 3 : 2, args);
}

int main(int argc, char **argv)
{
	lb_secret_harden_process();
	signal(SIGPIPE, SIG_IGN);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			overview(stdout);
			return LB_EXIT_OK;
		} else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			char *v[] = {"version", NULL};
			return cmd_version(1, v);
		} else if (!strcmp(a, "--lang") || !strncmp(a, "--lang=", 7)) {
			/* --lang ja, --lang=ja; anything but ja or en is refused (never a silent English) */
			const char *v = a[6] == '=' ? a + 7 : i + 1 < argc ? argv[++i] : NULL;
			if (!v)
				return cli_usage(L_("option '--lang' needs a value (ja or en)",
				                    "オプション '--lang' には値 (ja または en) が必要です"));
			if (!strcmp(v, "ja"))
				lb_set_lang(LB_LANG_JA);
			else if (!strcmp(v, "en"))
				lb_set_lang(LB_LANG_EN);
			else
				return cli_usage(
				        L_("option '--lang' takes ja or en, not '%s'",
				           "オプション '--lang' には ja か en を指定してください ('%s' は不可)"),
				        v);
		} else {
			return cli_usage(L_("unknown option '%s' (see 'lifeboat --help')",
			                    "不明なオプション '%s' ('lifeboat --help' を参照)"),
			                 a);
		}
	}
	if (i >= argc) {
		overview(stderr);
		return LB_EXIT_ERROR;
	}
	const struct cli_cmd *c = cli_find(argv[i]);
	if (!c)
		return cli_usage(L_("no command '%s' (see 'lifeboat --help')",
		                    "コマンド '%s' はありません ('lifeboat --help' を参照)"),
		                 argv[i]);
	int rc = c->fn(argc - i, argv + i);
	if (fflush(stdout) != 0)
		return cli_usage(L_("cannot write output", "出力を書き込めません"));
	return rc;
}
