/*
 * cmd_version.c - `lifeboat version`: the version and the versions of the libraries it runs on, for bug reports
 * and for the inventory an inspector asks about.
 */
#include "cli.h"

#include <sodium.h>
#include <sqlite3.h>
#include <zstd.h>

int cmd_version(int argc, char **argv)
{
	int json = 0, code;
	const struct lb_opt o[] = {
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print JSON", "JSON で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {"lifeboat version [--json]",
	                                        "Show the version of lifeboat and of the libraries it uses.",
	                                        "lifeboat と使用ライブラリのバージョンを表示します。",
	                                        "  lifeboat --version\n  lifeboat version --json"};
	if (cli_parse(argc, argv, o, &help, &code) < 0)
		return code;
	struct buf b = {0};
	if (json) {
		struct json_w w = {.out = &b};
		json_obj(&w);
		json_kv_str(&w, "lifeboat", LB_VERSION);
		json_kv_str(&w, "sqlite", sqlite3_libversion());
		json_kv_str(&w, "libsodium", sodium_version_string());
		json_kv_str(&w, "zstd", ZSTD_versionString());
		json_end(&w);
	} else {
		buf_addf(&b, "lifeboat %s\nsqlite %s, libsodium %s, zstd %s", LB_VERSION, sqlite3_libversion(),
		         sodium_version_string(), ZSTD_versionString());
	}
	int rc = cli_print(&b);
	buf_release(&b);
	return rc;
}
