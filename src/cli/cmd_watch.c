/*
 * cmd_watch.c - `lifeboat watch`: watch folders for ransomware behaviour and raise alerts.
 *
 *   watch [PATH…] [--logs FILE]… [--rules DIR]… [--alerts FILE] [--syslog] [--exec CMD] [--canaries]
 *               [--respond stop] [--pin-vault R] [--source auto|fanotify|inotify] [--marks folders|filesystem]
 *               [--for DURATION] [--health-interval DURATION] [--rate-limit N] [--json]
 *
 * With --logs, log files (- for stdin) are followed and the Sigma rules run on them (docs/log-rules.md).
 *
 * Alerts are JSON lines (docs/watch-alerts.md): on stdout, or in FILE with --alerts. Runs in the foreground until
 * SIGTERM/SIGINT (or --for); exit 1 when a high or critical alert was raised during a bounded run.
 */
#include "cli.h"
#include "logs/reader.h"
#include "watch/watch.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t watch_stop;

static void on_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

struct watch_cli {
	const char *alerts, *exec_cmd, *respond, *pin, *source, *run_for, *health, *marks, *format, *logs_state;
	int json, syslog, canaries, no_baseline, from_start, no_builtin;
	long max_files, rate_limit;
	const struct lb_strlist *logs, *rules;
};

static int watch_cmd_run(int argc, char **argv, int i, const struct watch_cli *c);

static void print_alert(const char *json, void *ctx)
{
	(void)ctx;
	fputs(json, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

int cmd_watch(int argc, char **argv)
{
	const char *alerts = NULL, *exec_cmd = NULL, *respond = NULL, *pin = NULL, *source = "auto";
	const char *run_for = NULL, *health = NULL, *marks = "folders";
	int json = 0, syslog = 0, canaries = 0, no_baseline = 0, code;
	long max_files = 0, rate_limit = 0;
	struct lb_strlist logs = {0}, rules = {0};
	const char *format = "auto", *logs_state = NULL;
	int from_start = 0, no_builtin = 0;
	const struct lb_opt opts[] = {
	        {LB_OPT_LIST, 'l', "logs", &logs, "FILE",
	         "follow the log FILE as tail -F does (- for stdin) and run the Sigma rules on it (repeatable)",
	         "ログ FILE を tail -F のように追いかけ Sigma ルールを適用 (- は標準入力、複数指定可)"},
	        {LB_OPT_LIST, 'r', "rules", &rules, "DIR",
	         "a folder or file of Sigma rules, besides the built-in ones (repeatable)",
	         "組み込みに加える Sigma ルールのフォルダまたはファイル (複数指定可)"},
	        {LB_OPT_FLAG, 0, "no-builtin", &no_builtin, NULL, "without the rules built into lifeboat",
	         "lifeboat 組み込みのルールを使わない"},
	        {LB_OPT_STRING, 'f', "format", &format, "F",
	         "log format: auto (per file), syslog, journal, windows, suricata, fortigate or json",
	         "ログの形式: auto (ファイルごとに判定)、syslog、journal、windows、suricata、fortigate、json"},
	        {LB_OPT_FLAG, 0, "from-start", &from_start, NULL,
	         "read what the logs hold already (default: only lines written from now on)",
	         "ログに既にある行も読む (既定: これから書かれる行だけ)"},
	        {LB_OPT_STRING, 0, "logs-state", &logs_state, "FILE",
	         "remember how far each log was read in FILE: a restart goes on from there, no line lost or repeated",
	         "各ログをどこまで読んだかを FILE に記録 (再起動してもそこから続け、行を失わず繰り返さない)"},
	        {LB_OPT_INT, 0, "rate-limit", &rate_limit, "N",
	         "at most N alerts of one rule a minute, the rest counted (30; -1: no limit)",
	         "1 つのルールのアラートは 1 分間に N 件まで、残りは件数だけ (既定 30、-1 で無制限)", -1, 1000000},
	        {LB_OPT_STRING, 'a', "alerts", &alerts, "FILE",
	         "append alerts to FILE as JSON lines (high and critical fsync'd at once)",
	         "アラートを FILE に JSON 行で追記 (high 以上は即 fsync)"},
	        {LB_OPT_FLAG, 0, "syslog", &syslog, NULL, "also send alerts to syslog (RFC 5424, /dev/log)",
	         "アラートを syslog にも送る (RFC 5424, /dev/log)"},
	        {LB_OPT_STRING, 0, "exec", &exec_cmd, "CMD",
	         "run CMD (sh -c) for each alert, the alert JSON on its stdin",
	         "アラートごとに CMD を実行 (標準入力にアラート JSON)"},
	        {LB_OPT_FLAG, 0, "canaries", &canaries, NULL,
	         "plant canary files in each folder and its first-level folders; any touch is critical",
	         "各フォルダと直下のフォルダにおとりファイルを置く (触れたら重大アラート)"},
	        {LB_OPT_STRING, 0, "respond", &respond, "stop",
	         "stop (SIGSTOP) the offending process on high and critical alerts",
	         "high/critical のアラートで原因プロセスを停止 (SIGSTOP)"},
	        {LB_OPT_STRING, 0, "pin-vault", &pin, "REPO",
	         "on a critical alert, lock the latest clean generation of REPO",
	         "critical のアラートで REPO の最新クリーン世代をロック"},
	        {LB_OPT_STRING, 0, "source", &source, "SRC", "auto (fanotify, else inotify), fanotify or inotify",
	         "auto (fanotify、不可なら inotify)、fanotify、inotify"},
	        {LB_OPT_STRING, 0, "marks", &marks, "KIND",
	         "fanotify: folders (a mark per folder; activity elsewhere costs nothing) or filesystem (one mark; "
	         "every event of the filesystem is read)",
	         "fanotify: folders (フォルダごとにマーク。ほかの場所の操作は負荷にならない) か filesystem "
	         "(1 つのマークでファイルシステムの全イベントを読む)"},
	        {LB_OPT_STRING, 0, "for", &run_for, "DURATION", "stop after DURATION (90s, 15m, 1h)",
	         "DURATION 後に終了 (90s, 15m, 1h)"},
	        {LB_OPT_STRING, 0, "health-interval", &health, "DURATION", "health line on stderr every DURATION (5m)",
	         "DURATION ごとに稼働状況を標準エラーへ (既定 5m)"},
	        {LB_OPT_INT, 0, "max-files", &max_files, "N", "remember at most N files (2000000)",
	         "記憶するファイル数の上限 (2000000)", 1, 1000000000},
	        {LB_OPT_FLAG, 0, "no-baseline", &no_baseline, NULL, "skip reading every file at start",
	         "開始時の全ファイル読み取りを省く"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "at the end, print a JSON summary line {\"summary\": …}",
	         "終了時に JSON の集計行 {\"summary\": …} を出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat watch [PATH…] [--logs FILE]… [--rules DIR]… [--from-start] [--logs-state FILE]\n"
	        "                      [--alerts FILE] [--syslog] [--exec CMD] [--canaries] [--respond stop]\n"
	        "                      [--pin-vault REPO] [--source auto|fanotify|inotify] [--marks "
	        "folders|filesystem]\n"
	        "                      [--for DURATION] [--json]",
	        "Watch folders for ransomware behaviour: files whose structure turns random, extensions ransomware\n"
	        "appends, ransom notes, rename/delete storms, touched canaries; per process over 10 s and 60 s "
	        "windows.\n"
	        "Alerts (low, medium, high, critical) are JSON lines on stdout or in --alerts FILE; see "
	        "docs/watch-alerts.md.\n"
	        "Uses fanotify as root (the writer's pid and program), inotify otherwise. Runs until SIGTERM/SIGINT "
	        "or\n"
	        "--for; exit code 1 when a high or critical alert was raised.\n"
	        "--logs FILE follows a log as tail -F does and raises the Sigma rules' alerts (built-in and --rules\n"
	        "DIR) in the same format, to the same sinks (docs/log-rules.md).",
	        "フォルダをランサムウェアの挙動について監視します: 構造が壊れて乱数状になるファイル、ランサムウェアが\n"
	        "付ける拡張子、脅迫文、名前変更・削除の嵐、おとりファイルへの接触を、プロセスごとに 10 秒・60 "
	        "秒の窓で\n"
	        "集計します。アラート (low, medium, high, critical) は標準出力か --alerts FILE に JSON 行で出ます\n"
	        "(docs/watch-alerts.md)。root では fanotify (書き込んだプロセスが分かる)、それ以外は inotify "
	        "を使います。\n"
	        "SIGTERM/SIGINT か --for で終了し、high 以上のアラートがあれば終了コード 1 です。\n"
	        "--logs FILE はログを tail -F のように追いかけ、Sigma ルール (組み込みと --rules DIR) の\n"
	        "アラートを同じ形式・同じ出力先に出します (docs/log-rules.md)。",
	        "  lifeboat watch /srv/share --alerts /var/log/lifeboat/alerts.jsonl --canaries --respond stop\n"
	        "  lifeboat watch /srv/ssmix2 /srv/backup-staging --syslog --pin-vault /srv/vault\n"
	        "  lifeboat watch ~/drill --for 60s --source inotify --json\n"
	        "  lifeboat watch --logs /var/log/auth.log --logs /var/log/fortigate.log --rules /etc/lifeboat/rules "
	        "\\\n"
	        "      --logs-state /var/lib/lifeboat/logs.state --syslog"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0) {
		lb_strlist_free(&logs);
		lb_strlist_free(&rules);
		return code;
	}
	code = watch_cmd_run(argc, argv, i,
	                     &(struct watch_cli){.alerts = alerts,
	                                         .exec_cmd = exec_cmd,
	                                         .respond = respond,
	                                         .pin = pin,
	                                         .source = source,
	                                         .run_for = run_for,
	                                         .health = health,
	                                         .marks = marks,
	                                         .format = format,
	                                         .logs_state = logs_state,
	                                         .json = json,
	                                         .syslog = syslog,
	                                         .canaries = canaries,
	                                         .no_baseline = no_baseline,
	                                         .from_start = from_start,
	                                         .no_builtin = no_builtin,
	                                         .max_files = max_files,
	                                         .rate_limit = rate_limit,
	                                         .logs = &logs,
	                                         .rules = &rules});
	lb_strlist_free(&logs);
	lb_strlist_free(&rules);
	return code;
}

static int watch_cmd_run(int argc, char **argv, int i, const struct watch_cli *c)
{
	const char *alerts = c->alerts, *exec_cmd = c->exec_cmd, *respond = c->respond, *pin = c->pin;
	const char *source = c->source, *run_for = c->run_for, *health = c->health, *marks = c->marks;
	int json = c->json, syslog = c->syslog, canaries = c->canaries, no_baseline = c->no_baseline;
	long max_files = c->max_files;
	if (i >= argc && !c->logs->n)
		return cli_usage(L_("watch needs at least one PATH or --logs FILE",
		                    "watch には監視するフォルダ PATH か --logs FILE が必要です"));
	if (c->rules->n && !c->logs->n)
		return cli_usage(L_("--rules needs --logs FILE", "--rules には --logs FILE が必要です"));
	int fmt;
	{
		enum log_format f;
		int prc = log_format_parse(c->format, &f);
		if (prc < 0)
			return cli_error(prc);
		fmt = (int)f;
	}
	struct watch_opts o = {.paths = (const char *const *)argv + i,
	                       .npaths = (size_t)(argc - i),
	                       .alerts_path = alerts,
	                       .syslog = syslog,
	                       .exec_cmd = exec_cmd,
	                       .pin_vault = pin,
	                       .canaries = canaries,
	                       .no_baseline = no_baseline,
	                       .max_files = (size_t)max_files,
	                       .stop = &watch_stop,
	                       .logs = c->logs->v,
	                       .nlogs = c->logs->n,
	                       .rules = c->rules->v,
	                       .nrules = c->rules->n,
	                       .no_builtin_rules = c->no_builtin,
	                       .log_format = fmt,
	                       .logs_from_start = c->from_start,
	                       .logs_state = c->logs_state,
	                       .rate_limit = c->rate_limit};
	if (respond && strcmp(respond, "stop"))
		return cli_usage(
		        L_("--respond takes 'stop', not '%s'", "--respond には 'stop' を指定します ('%s' ではなく)"),
		        respond);
	o.respond_stop = respond != NULL;
	if (!strcmp(source, "auto"))
		o.source = WATCH_SRC_AUTO;
	else if (!strcmp(source, "fanotify"))
		o.source = WATCH_SRC_FANOTIFY;
	else if (!strcmp(source, "inotify"))
		o.source = WATCH_SRC_INOTIFY;
	else
		return cli_usage(L_("--source takes auto, fanotify or inotify, not '%s'",
		                    "--source には auto, fanotify, inotify を指定します ('%s' ではなく)"),
		                 source);
	if (!strcmp(marks, "folders"))
		o.marks = WATCH_MARKS_FOLDERS;
	else if (!strcmp(marks, "filesystem"))
		o.marks = WATCH_MARKS_FILESYSTEM;
	else
		return cli_usage(L_("--marks takes folders or filesystem, not '%s'",
		                    "--marks には folders か filesystem を指定します ('%s' ではなく)"),
		                 marks);
	if (run_for && (lb_parse_duration(run_for, &o.run_ms) < 0 || o.run_ms <= 0))
		return cli_usage(L_("--for takes a duration such as 90s or 15m, not '%s'",
		                    "--for には 90s や 15m のような期間を指定します ('%s' ではなく)"),
		                 run_for);
	if (health && (lb_parse_duration(health, &o.health_ms) < 0 || o.health_ms <= 0))
		return cli_usage(L_("--health-interval takes a duration such as 5m, not '%s'",
		                    "--health-interval には 5m のような期間を指定します ('%s' ではなく)"),
		                 health);
	if (!alerts)
		o.on_alert = print_alert;
	if (!getenv("LIFEBOAT_LOG") && lb_log_get_level() < LB_LOG_INFO)
		lb_log_set_level(LB_LOG_INFO);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	struct watch_summary s;
	int rc = watch_run(&o, &s);
	if (rc < 0)
		return cli_error(rc);
	if (json) {
		struct buf b = {0};
		struct json_w w = {.out = &b};
		json_obj(&w);
		json_key(&w, "summary");
		json_obj(&w);
		json_kv_str(&w, "source", s.source);
		json_kv_str(&w, "marks", s.marks);
		json_kv_int(&w, "events", (int64_t)s.events);
		json_kv_int(&w, "events_seen", (int64_t)s.events_seen);
		json_kv_int(&w, "overflows", (int64_t)s.overflows);
		json_kv_int(&w, "files_tracked", (int64_t)s.files_tracked);
		json_kv_int(&w, "baseline_files", (int64_t)s.baseline_files);
		json_kv_int(&w, "baseline_ms", s.baseline_ms);
		json_kv_int(&w, "dirs_watched", (int64_t)s.dirs_watched);
		json_kv_int(&w, "run_ms", s.run_ms);
		json_kv_int(&w, "suppressed", (int64_t)s.suppressed);
		if (o.nlogs) {
			json_key(&w, "logs");
			json_obj(&w);
			json_kv_int(&w, "files", (int64_t)s.log_files);
			json_kv_int(&w, "lines", (int64_t)s.log_lines);
			json_kv_int(&w, "warnings", (int64_t)s.log_warnings);
			json_kv_int(&w, "rules", (int64_t)s.log_rules);
			json_kv_int(&w, "rules_skipped", (int64_t)s.log_rules_skipped);
			json_kv_int(&w, "alerts", (int64_t)s.log_alerts);
			json_end(&w);
		}
		json_key(&w, "cpu_s");
		json_double(&w, s.cpu_s);
		json_key(&w, "alerts");
		json_obj(&w);
		for (int k = 0; k < 4; k++)
			json_kv_int(&w, watch_severity_name(k), (int64_t)s.alerts[k]);
		json_end(&w);
		json_end(&w);
		json_end(&w);
		int prc = cli_print(&b);
		buf_release(&b);
		if (prc)
			return prc;
	}
	return s.alerts[WATCH_HIGH] + s.alerts[WATCH_CRITICAL] ? LB_EXIT_FINDING : LB_EXIT_OK;
}
