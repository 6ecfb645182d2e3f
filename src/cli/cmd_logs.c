/*
 * cmd_logs.c - `lifeboat logs`: logs read as the log rules read them (docs/log-rules.md).
 *
 *   logs parse FILE… [--format F] [--json] [--follow]   each event's log source and fields: what a rule can match
 *
 * The subcommand table is at the end; `logs scan` and `logs rules` (the Sigma rules) sit beside `parse`.
 */
#include "cli.h"
#include "logs/reader.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t logs_stop;

static void on_signal(int sig)
{
	(void)sig;
	logs_stop = 1;
}

static void iso_ms(int64_t ms, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static int seen_before(const struct log_event *e, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (e->f[j].name_len == e->f[i].name_len && !memcmp(e->f[j].name, e->f[i].name, e->f[i].name_len))
			return 1;
	return 0;
}

static void event_json(struct buf *b, const struct log_event *e)
{
	struct json_w w = {.out = b};
	char ts[40];
	json_obj(&w);
	json_kv_str(&w, "file", e->file);
	json_kv_int(&w, "line", (int64_t)e->lineno);
	json_kv_str(&w, "format", log_format_name(e->format));
	json_kv_str(&w, "product", e->product);
	json_kv_str(&w, "service", e->service);
	json_kv_str(&w, "category", e->category);
	if (e->ts_ms) {
		iso_ms(e->ts_ms, ts, sizeof ts);
		json_kv_str(&w, "time", ts);
	} else {
		json_kv_str(&w, "time", NULL);
	}
	json_key(&w, "message");
	json_strn(&w, e->msg, e->msg_len);
	json_key(&w, "fields");
	json_obj(&w);
	for (size_t i = 0; i < e->nfields; i++) {
		if (seen_before(e, i)) /* an array's later values: the first is what log_event_get answers */
			continue;
		struct buf k = {0};
		buf_add(&k, e->f[i].name, e->f[i].name_len);
		json_key(&w, buf_cstr(&k));
		buf_release(&k);
		json_strn(&w, e->f[i].val, e->f[i].val_len);
	}
	json_end(&w);
	json_end(&w);
}

static void event_text(struct buf *b, const struct log_event *e)
{
	char ts[40] = "-";
	if (e->ts_ms)
		iso_ms(e->ts_ms, ts, sizeof ts);
	buf_addf(b, "%s:%llu  %s  %s/%s%s%s  %s\n", e->file, (unsigned long long)e->lineno, log_format_name(e->format),
	         e->product ? e->product : "-", e->service ? e->service : "-", e->category ? "/" : "",
	         e->category ? e->category : "", ts);
	if (!e->nfields)
		buf_adds(b, L_("  (no fields)\n", "  (フィールドなし)\n"));
	for (size_t i = 0; i < e->nfields; i++) {
		buf_addf(b, "  %.*s = ", (int)e->f[i].name_len, e->f[i].name);
		for (size_t k = 0; k < e->f[i].val_len; k++) {
			unsigned char c = (unsigned char)e->f[i].val[k];
			if (c < 0x20 || c == 0x7f)
				buf_addf(b, "\\x%02x", c);
			else
				buf_addch(b, c);
		}
		buf_addch(b, '\n');
	}
	buf_addf(b, "  %s %.*s", L_("message:", "メッセージ:"), (int)(e->msg_len > 400 ? 400 : e->msg_len), e->msg);
}

static int logs_parse_cmd(int argc, char **argv)
{
	const char *format = "auto";
	int json = 0, follow = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 'f', "format", &format, "F",
	         "auto (from the first line), syslog, journal, windows, suricata, fortigate or json",
	         "auto (先頭行から判定)、syslog、journal、windows、suricata、fortigate、json"},
	        {LB_OPT_FLAG, 0, "follow", &follow, NULL,
	         "keep reading as the files grow, rotate or are truncated (tail -F), until Ctrl-C",
	         "ファイルの追記・ローテーション・切り詰めに追従して読み続ける (tail -F)。Ctrl-C で終了"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat logs parse FILE… [--format F] [--json] [--follow]",
	        "Read log files (or - for stdin) the way the log rules read them and print each event: its log\n"
	        "source (product/service/category, what a rule's logsource matches), its time and its fields (what\n"
	        "a rule's selections match), one JSON line per event with --json. A line that is not of the format\n"
	        "is shown without fields and warned about with its file and line; reading goes on.\n"
	        "Formats and fields: docs/log-rules.md.",
	        "ログファイル (- は標準入力) をログルールと同じように読み、イベントごとにログソース\n"
	        "(product/service/category: ルールの logsource が照合するもの)、時刻、フィールド (ルールの\n"
	        "selection が照合するもの) を表示します。--json では 1 イベント 1 行の JSON です。形式に合わない\n"
	        "行はフィールドなしで表示し、ファイル名と行番号つきで警告して読み続けます。\n"
	        "形式とフィールド: docs/log-rules.md。",
	        "  lifeboat logs parse /var/log/auth.log\n"
	        "  journalctl -o export -u ssh | lifeboat logs parse --format journal -\n"
	        "  lifeboat logs parse --json fortigate.log | jq 'select(.fields.action == \"ssl-login-fail\")'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i >= argc)
		return cli_usage(L_("logs parse needs at least one FILE (- for stdin)",
		                    "logs parse には FILE (標準入力は -) が必要です"));
	enum log_format fmt;
	int rc = log_format_parse(format, &fmt), printed = 0;
	if (rc < 0)
		return cli_error(rc);
	size_t n = (size_t)(argc - i);
	struct log_reader **rd = calloc(n, sizeof(*rd));
	struct log_event *e = malloc(sizeof(*e));
	if (!rd || !e) {
		rc = lb_error_tr(LB_ENOMEM, "out of memory", "メモリが不足しています");
		goto done;
	}
	/* every file opened before anything is printed: a wrong name is one error line, no half a listing */
	for (size_t k = 0; k < n; k++)
		if ((rc = log_reader_open(&rd[k], argv[i + (int)k], fmt, follow)) < 0)
			goto done;
	if (follow) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	struct buf out = {0};
	uint64_t warnings = 0;
	for (;;) {
		int any = 0;
		for (size_t k = 0; k < n && !logs_stop; k++) {
			int got;
			while ((got = log_reader_next(rd[k], e)) > 0) {
				buf_reset(&out);
				if (json)
					event_json(&out, e);
				else
					event_text(&out, e);
				if ((printed = cli_print(&out)) != 0) { /* stdout gone: cli_print said so */
					buf_release(&out);
					goto done;
				}
				any = 1;
				if (logs_stop)
					break;
			}
			if (got < 0) {
				rc = got;
				buf_release(&out);
				goto done;
			}
		}
		if (!follow || logs_stop)
			break;
		if (!any)
			log_reader_wait(rd[0], 100);
	}
	buf_release(&out);
	for (size_t k = 0; k < n; k++)
		warnings += log_reader_warnings(rd[k]);
	if (warnings)
		fprintf(stderr,
		        L_("lifeboat: %llu line(s) not of their format, shown without fields\n",
		           "lifeboat: 形式に合わない行が %llu 行 (フィールドなしで表示)\n"),
		        (unsigned long long)warnings);
done:
	if (rd)
		for (size_t k = 0; k < n; k++)
			log_reader_close(rd[k]);
	free(rd);
	free(e);
	return rc < 0 ? cli_error(rc) : printed;
}

int cmd_logs(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"parse", logs_parse_cmd, "show each event's log source and fields, as the rules see them",
	         "各イベントのログソースとフィールドを表示 (ルールが見るとおりに)"},
	        {"scan", cmd_logs_scan, "alerts of the Sigma rules over log files read once",
	         "ログファイルを一度読み、Sigma ルールのアラートを表示"},
	        {"rules", cmd_logs_rules, "list the Sigma rules; --check a folder of them",
	         "Sigma ルールの一覧。--check でフォルダを検査"},
	        {0},
	};
	return cli_dispatch(argc, argv, "logs", subs);
}
