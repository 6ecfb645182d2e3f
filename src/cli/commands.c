/*
 * commands.c - the table of lifeboat's commands, in the order `lifeboat --help` shows them.
 * One line per command; its cmd_<name>() lives in cmd_<name>.c.
 */
#include "cli.h"

#include <string.h>

const struct cli_cmd cli_commands[] = {
        {"text", cmd_text, "decode SS-MIX2 / CSV encodings, show search keys and era dates",
         "SS-MIX2・CSVの文字コード変換、検索キーと和暦日付の確認"},
        {"vault", cmd_vault, "ransomware-resilient backup generations", "ランサムウェアに強いバックアップ世代"},
        {"help", cmd_help, "show help for lifeboat or a command", "lifeboat またはコマンドのヘルプを表示"},
        {"version", cmd_version, "show the version and the libraries in use", "バージョンと使用ライブラリを表示"},
        {0},
};

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
