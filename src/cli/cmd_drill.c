/*
 * cmd_drill.c - `lifeboat drill`: rehearsals. `drill ransomware` encrypts the files of a folder marked for drills
 * (a file named .lifeboat-drill in it), reversibly, to rehearse watch, the vault and the incident team without real
 * malware; `--undo` restores every file bit for bit.
 */
#include "cli.h"
#include "watch/watch.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t drill_stop;

static void on_signal(int sig)
{
	(void)sig;
	drill_stop = 1;
}

static int drill_ransomware_cmd(int argc, char **argv)
{
	const char *dir = NULL, *mode = "inplace", *ext = NULL, *rate = "40";
	int note = 0, undo = 0, json = 0, code;
	long limit = 0;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 'd', "dir", &dir, "DIR", "the drill folder (it must hold a .lifeboat-drill file)",
	         "訓練フォルダ (.lifeboat-drill ファイルが必要)"},
	        {LB_OPT_STRING, 0, "rate", &rate, "N",
	         "files per second (40, the median ransomware; 420 is LockBit; 0 as fast as possible)",
	         "1 秒あたりのファイル数 (40 は中央値、420 は LockBit、0 は最速)"},
	        {LB_OPT_STRING, 'm', "mode", &mode, "MODE",
	         "inplace, copy-delete, partial (first 4 KiB and every 16th block) or skip-header (all but the first 4 "
	         "KiB)",
	         "inplace, copy-delete, partial (先頭 4 KiB と 16 ブロックごと), skip-header (先頭 4 KiB 以外)"},
	        {LB_OPT_STRING, 0, "ext", &ext, ".EXT", "append .EXT to each name (copy-delete: .locked unless given)",
	         "各ファイル名に .EXT を付ける (copy-delete の既定は .locked)"},
	        {LB_OPT_FLAG, 0, "note", &note, NULL, "leave a ransom-note-like file in each folder",
	         "各フォルダに脅迫文風のファイルを置く"},
	        {LB_OPT_INT, 0, "limit", &limit, "N", "stop after N files", "N ファイルで止める", 1, 1000000000},
	        {LB_OPT_FLAG, 0, "undo", &undo, NULL, "restore every file of the last drill in DIR",
	         "DIR の前回の訓練を元に戻す"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print a JSON summary", "JSON で集計を出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat drill ransomware --dir DIR [--rate N] [--mode inplace|copy-delete|partial|skip-header] "
	        "[--ext .EXT] "
	        "[--note]\n"
	        "       lifeboat drill ransomware --dir DIR --undo",
	        "Encrypt the files of DIR like ransomware, reversibly, to rehearse detection and recovery. Only a "
	        "folder\n"
	        "holding a file named .lifeboat-drill is touched (exit 2 otherwise). The key and the names are kept "
	        "in\n"
	        "DIR/.lifeboat-drill-state; --undo restores every file bit for bit and removes the notes.",
	        "DIR のファイルをランサムウェアのように (元に戻せる形で) 暗号化し、検知と復旧を訓練します。\n"
	        ".lifeboat-drill という名前のファイルがあるフォルダだけが対象です (なければ終了コード 2)。鍵と名前は\n"
	        "DIR/.lifeboat-drill-state に残り、--undo ですべてのファイルを元通りにし、脅迫文を消します。",
	        "  touch /srv/drill/.lifeboat-drill\n"
	        "  lifeboat drill ransomware --dir /srv/drill --rate 420 --mode partial --ext .lockbit --note\n"
	        "  lifeboat drill ransomware --dir /srv/drill --undo"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "余分な引数 '%s'"), argv[i]);
	if (!dir)
		return cli_usage(L_("drill ransomware needs --dir DIR", "drill ransomware には --dir DIR が必要です"));
	struct drill_opts o = {.dir = dir, .ext = ext, .note = note, .limit = (size_t)limit, .stop = &drill_stop};
	if (!drill_mode_parse(mode, &o.mode))
		return cli_usage(
		        L_("--mode takes inplace, copy-delete, partial or skip-header, not '%s'",
		           "--mode には inplace, copy-delete, partial, skip-header を指定します ('%s' ではなく)"),
		        mode);
	char *end;
	o.rate = strtod(rate, &end);
	if (*end || !(o.rate >= 0 && o.rate <= 1e6)) /* NaN fails both */
		return cli_usage(L_("--rate takes files per second, not '%s'",
		                    "--rate には毎秒のファイル数を指定します ('%s' ではなく)"),
		                 rate);
	if (ext && (ext[0] != '.' || strchr(ext, '/') || strlen(ext) > 32))
		return cli_usage(L_("--ext takes an extension such as .locked, not '%s'",
		                    "--ext には .locked のような拡張子を指定します ('%s' ではなく)"),
		                 ext);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	struct drill_result r;
	int rc = undo ? drill_undo(dir, &r) : drill_ransomware(&o, &r);
	if (rc < 0)
		return rc == -LB_EPERM ? (cli_error(rc), LB_EXIT_ERROR) : cli_error(rc);
	struct buf b = {0};
	if (json) {
		struct json_w w = {.out = &b};
		json_obj(&w);
		json_kv_str(&w, "action", undo ? "undo" : "encrypt");
		json_kv_str(&w, "dir", dir);
		if (!undo)
			json_kv_str(&w, "mode", drill_mode_name(o.mode));
		json_kv_int(&w, "pid", getpid());
		json_kv_int(&w, "files", (int64_t)r.files);
		json_kv_int(&w, "bytes", (int64_t)r.bytes);
		json_kv_int(&w, "notes", (int64_t)r.notes);
		json_kv_int(&w, "ms", r.ms);
		json_end(&w);
	} else if (undo) {
		buf_addf(&b,
		         L_("restored %llu files, removed %llu notes in %s",
		            "%llu ファイルを復元し、脅迫文 %llu 件を削除しました (%s)"),
		         (unsigned long long)r.files, (unsigned long long)r.notes, dir);
	} else {
		buf_addf(&b,
		         L_("drill: encrypted %llu files (%s) in %s in %lld ms (pid %d); undo with --undo",
		            "訓練: %llu ファイルを暗号化しました (%s、%s、%lld ms、pid %d)。--undo で戻せます"),
		         (unsigned long long)r.files, drill_mode_name(o.mode), dir, (long long)r.ms, (int)getpid());
	}
	rc = cli_print(&b);
	buf_release(&b);
	return rc;
}

int cmd_drill(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"ransomware", drill_ransomware_cmd, "encrypt a drill folder like ransomware, reversibly (--undo)",
	         "訓練フォルダをランサムウェアのように暗号化 (--undo で復元)"},
	        {0},
	};
	return cli_dispatch(argc, argv, "drill", subs);
}
