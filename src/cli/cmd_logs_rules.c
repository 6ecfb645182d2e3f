/*
 * cmd_logs_rules.c - `lifeboat logs scan` and `lifeboat logs rules`: Sigma rules over log files (docs/log-rules.md).
 *
 *   logs scan [--rules DIR]… FILE… [--format F] [--json] [--no-builtin]   alerts over logs read once (forensics)
 *   logs rules [--check DIR]… [--json]                                     the rules loaded, and those skipped
 *
 * cmd_logs.c's subcommand table lists them beside `parse`. Exit codes: scan 1 when any alert was raised, rules
 * --check 1 when any rule was skipped (the contract of DESIGN: 1 is a finding), 2 for an error.
 */
#include "cli.h"

#include "logs/reader.h"
#include "logs/rules.h"

#include <stdlib.h>
#include <string.h>

static void skipped_warn(const struct logs_ruleset *rs, size_t from)
{
	for (size_t i = from; i < rs->nskipped; i++) {
		const struct logs_skip *s = &rs->skipped[i];
		fprintf(stderr,
		        L_("lifeboat: rule skipped: %s:%u %s: %s\n",
		           "lifeboat: ルールを読み込みません: %s:%u %s: %s\n"),
		        s->file, s->line, s->id, s->reason);
	}
}

/* Load the built-in rules (unless none) and every DIR; a path that cannot be read is an error. */
static int load_rules(struct logs_ruleset *rs, const struct lb_strlist *dirs, int builtin)
{
	if (builtin)
		logs_rules_load_embedded(rs);
	for (size_t i = 0; i < dirs->n; i++) {
		int rc = logs_rules_load_path(rs, dirs->v[i]);
		if (rc < 0)
			return rc;
	}
	return logs_rules_compile(rs);
}

static void time_json(struct json_w *w, const char *key, int64_t ms)
{
	if (!ms) {
		json_kv_str(w, key, NULL);
		return;
	}
	struct buf t = {0};
	lb_format_utc(&t, ms, 1);
	json_kv_str(w, key, buf_cstr(&t));
	buf_release(&t);
}

static void alert_json(struct buf *b, const struct logs_alert *a)
{
	struct json_w w = {.out = b};
	json_obj(&w);
	json_kv_str(&w, "rule_id", a->rule_id);
	json_kv_str(&w, "title", a->title_en);
	json_kv_str(&w, "title_ja", a->title_ja);
	json_kv_str(&w, "level", a->level);
	json_kv_str(&w, "author", a->author);
	json_key(&w, "tags");
	json_arr(&w);
	for (size_t i = 0; i < a->ntags; i++)
		json_str(&w, a->tags[i]);
	json_end(&w);
	json_kv_str(&w, "file", a->file);
	json_kv_int(&w, "line", (int64_t)a->lineno);
	time_json(&w, "time", a->ts_ms);
	json_key(&w, "fields");
	json_obj(&w);
	for (size_t i = 0; i < a->nfields; i++) {
		struct buf k = {0};
		buf_add(&k, a->fields[i]->name, a->fields[i]->name_len);
		json_key(&w, buf_cstr(&k));
		buf_release(&k);
		json_strn(&w, a->fields[i]->val, a->fields[i]->val_len);
	}
	json_end(&w);
	if (a->is_correlation) {
		json_key(&w, "correlation");
		json_obj(&w);
		json_kv_str(&w, "type", a->corr_type);
		json_key(&w, "group");
		json_obj(&w);
		for (size_t i = 0; i < a->ngroup; i++)
			json_kv_str(&w, a->group_names[i], a->group_values[i]);
		json_end(&w);
		json_kv_int(&w, "count", (int64_t)a->count);
		json_kv_int(&w, "first_line", (int64_t)a->first_lineno);
		json_kv_int(&w, "last_line", (int64_t)a->last_lineno);
		time_json(&w, "first_time", a->first_ts_ms);
		time_json(&w, "last_time", a->last_ts_ms);
		json_end(&w);
	}
	json_end(&w);
}

static void alert_text(struct buf *b, const struct logs_alert *a)
{
	buf_addf(b, "%s:%llu  %-8s  %s  [%s]", a->file, (unsigned long long)a->lineno, a->level, logs_alert_title(a),
	         a->rule_id);
	if (a->is_correlation) {
		buf_addf(b, "\n  ");
		for (size_t i = 0; i < a->ngroup; i++)
			buf_addf(b, "%s=%s ", a->group_names[i], a->group_values[i]);
		buf_addf(b, L_("count %llu, lines %llu-%llu", "件数 %llu、行 %llu〜%llu"), (unsigned long long)a->count,
		         (unsigned long long)a->first_lineno, (unsigned long long)a->last_lineno);
	}
	if (a->nfields) {
		buf_addf(b, "\n ");
		for (size_t i = 0; i < a->nfields; i++)
			buf_addf(b, " %.*s=%.*s", (int)a->fields[i]->name_len, a->fields[i]->name,
			         (int)(a->fields[i]->val_len > 200 ? 200 : a->fields[i]->val_len), a->fields[i]->val);
	}
}

struct scan_ctx {
	int json, failed;
	uint64_t alerts;
	struct buf out;
};

static void on_alert(const struct logs_alert *a, void *arg)
{
	struct scan_ctx *c = arg;
	c->alerts++;
	if (c->failed)
		return;
	buf_reset(&c->out);
	if (c->json)
		alert_json(&c->out, a);
	else
		alert_text(&c->out, a);
	if (cli_print(&c->out) != 0)
		c->failed = 1;
}

static int logs_scan_cmd(int argc, char **argv)
{
	const char *format = "auto";
	struct lb_strlist dirs = {0};
	int json = 0, nobuiltin = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_LIST, 'r', "rules", &dirs, "DIR", "a folder or file of Sigma rules (repeatable)",
	         "Sigma ルールのフォルダまたはファイル (複数指定可)"},
	        {LB_OPT_FLAG, 0, "no-builtin", &nobuiltin, NULL, "without the rules built into lifeboat",
	         "lifeboat 組み込みのルールを使わない"},
	        {LB_OPT_STRING, 'f', "format", &format, "F",
	         "auto (from the first line), syslog, journal, windows, suricata, fortigate or json",
	         "auto (先頭行から判定)、syslog、journal、windows、suricata、fortigate、json"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat logs scan [--rules DIR]… FILE… [--format F] [--json] [--no-builtin]",
	        "Read log files once (or - for stdin) and print what the Sigma rules find: the built-in rules (brute\n"
	        "force, a success after it, new administrators, logs cleared, RDP from outside, VPN exploits, …) and\n"
	        "those in each --rules folder. Each alert names the rule, its level, the file and line, the fields\n"
	        "that matched and, for a correlation, the group (the address, the user), the count and the lines.\n"
	        "Rules that use what lifeboat does not support are named on stderr and skipped. Exit 1 when any\n"
	        "alert was raised. For old logs after an incident; `lifeboat watch` follows live ones.",
	        "ログファイル (- は標準入力) を一度読み、Sigma ルールが見つけたものを表示します。組み込みのルール\n"
	        "(総当たり攻撃とその後の成功、管理者の追加、ログの消去、院外からの RDP、VPN の脆弱性攻撃など) と\n"
	        "--rules の各フォルダのルールを使います。アラートごとにルール、レベル、ファイルと行、一致した\n"
	        "フィールド、相関ならグループ (アドレスや利用者)・件数・行を示します。未対応の機能を使うルールは\n"
	        "標準エラーに名前を出して読み込みません。アラートがあれば終了コード 1。インシデント後に過去の\n"
	        "ログを調べるためのものです (稼働中のログは `lifeboat watch` が追いかけます)。",
	        "  lifeboat logs scan /var/log/auth.log /var/log/auth.log.1\n"
	        "  lifeboat logs scan --rules /etc/lifeboat/rules --json fortigate.log > alerts.jsonl\n"
	        "  zcat /var/log/auth.log.*.gz | lifeboat logs scan --format syslog -"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0) {
		lb_strlist_free(&dirs);
		return code;
	}
	if (i >= argc) {
		lb_strlist_free(&dirs);
		return cli_usage(L_("logs scan needs at least one FILE (- for stdin)",
		                    "logs scan には FILE (標準入力は -) が必要です"));
	}
	enum log_format fmt;
	struct logs_ruleset rs = {0};
	struct scan_ctx c = {.json = json};
	size_t n = (size_t)(argc - i);
	struct log_reader **rd = NULL;
	struct log_event *e = NULL;
	int rc = log_format_parse(format, &fmt);
	if (rc == 0)
		rc = load_rules(&rs, &dirs, !nobuiltin);
	if (rc < 0)
		goto done;
	skipped_warn(&rs, 0);
	rd = lb_calloc(n, sizeof *rd);
	e = lb_malloc(sizeof *e);
	/* every file opened before anything is printed: a wrong name is one error line, no half a listing */
	for (size_t k = 0; k < n; k++)
		if ((rc = log_reader_open(&rd[k], argv[i + (int)k], fmt, 0)) < 0)
			goto done;
	for (size_t k = 0; k < n && !c.failed; k++) {
		int got;
		while (!c.failed && (got = log_reader_next(rd[k], e)) > 0)
			logs_rules_match(&rs, e, on_alert, &c);
		if (got < 0) {
			rc = got;
			goto done;
		}
	}
	struct logs_rules_stats st;
	logs_rules_stats(&rs, &st);
	if (!json)
		fprintf(stderr,
		        L_("lifeboat: %llu events, %llu alerts; %zu rules (%zu of them behind the literal prefilter), "
		           "%zu "
		           "correlations, %zu skipped\n",
		           "lifeboat: イベント %llu 件、アラート %llu 件。ルール %zu 件 (うち前段フィルタ対象 %zu "
		           "件)、相関 "
		           "%zu 件、読み込まず %zu 件\n"),
		        (unsigned long long)st.events, (unsigned long long)c.alerts, st.rules, st.indexed,
		        st.correlations, st.skipped);
done:
	if (rd)
		for (size_t k = 0; k < n; k++)
			if (rd[k])
				log_reader_close(rd[k]);
	free(rd);
	free(e);
	buf_release(&c.out);
	logs_rules_release(&rs);
	lb_strlist_free(&dirs);
	if (rc < 0)
		return cli_error(rc);
	if (c.failed)
		return LB_EXIT_ERROR;
	return c.alerts ? LB_EXIT_FINDING : LB_EXIT_OK;
}

static int logs_rules_cmd(int argc, char **argv)
{
	struct lb_strlist dirs = {0};
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_LIST, 'c', "check", &dirs, "DIR", "check the rules of this folder or file (repeatable)",
	         "このフォルダまたはファイルのルールを検査する (複数指定可)"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat logs rules [--check DIR]… [--json]",
	        "List the Sigma rules: without --check the ones built into lifeboat, with --check those of each\n"
	        "folder (read recursively: *.yml, *.yaml). Every rule that would be skipped is listed with its file,\n"
	        "line, id and the unsupported feature or the reason it is malformed; exit 1 when any is. Run it after\n"
	        "adding SigmaHQ rules to a folder. The supported subset: docs/log-rules.md.",
	        "Sigma ルールを一覧します。--check なしでは lifeboat 組み込みのルール、--check では各フォルダの\n"
	        "ルール (*.yml、*.yaml をサブフォルダまで) です。読み込めないルールはファイル・行・ID と未対応の\n"
	        "機能または形式の誤りの理由を示し、1 件でもあれば終了コード 1 です。SigmaHQ のルールをフォルダに\n"
	        "加えたら実行してください。対応範囲: docs/log-rules.md。",
	        "  lifeboat logs rules\n"
	        "  lifeboat logs rules --check /etc/lifeboat/rules\n"
	        "  lifeboat logs rules --check sigma/rules/linux --json | jq '.skipped[].feature' | sort | uniq -c"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0) {
		lb_strlist_free(&dirs);
		return code;
	}
	if (i < argc) {
		lb_strlist_free(&dirs);
		return cli_usage(L_("logs rules takes no FILE: use --check DIR",
		                    "logs rules に FILE は不要です: --check DIR を使います"));
	}
	struct logs_ruleset rs = {0};
	int rc = load_rules(&rs, &dirs, dirs.n == 0);
	struct buf out = {0};
	if (rc == 0) {
		struct logs_rules_stats st;
		logs_rules_stats(&rs, &st);
		size_t nall = logs_rules_count(&rs);
		if (json) {
			struct json_w w = {.out = &out};
			json_obj(&w);
			json_key(&w, "rules");
			json_arr(&w);
			for (size_t k = 0; k < nall; k++) {
				struct logs_rule_info r;
				logs_rules_info(&rs, k, &r);
				json_obj(&w);
				json_kv_str(&w, "id", r.id);
				json_kv_str(&w, "kind", r.kind);
				json_kv_str(&w, "level", r.level);
				json_kv_str(&w, "title", r.title_en);
				json_kv_str(&w, "title_ja", r.title_ja);
				json_kv_str(&w, "file", r.file);
				json_kv_int(&w, "line", r.line);
				json_kv_bool(&w, "indexed", r.indexed);
				json_end(&w);
			}
			json_end(&w);
			json_kv_int(&w, "loaded", (int64_t)st.rules);
			json_kv_int(&w, "correlations", (int64_t)st.correlations);
			json_kv_int(&w, "indexed", (int64_t)st.indexed);
			json_key(&w, "skipped");
			json_arr(&w);
			for (size_t k = 0; k < rs.nskipped; k++) {
				const struct logs_skip *s = &rs.skipped[k];
				json_obj(&w);
				json_kv_str(&w, "file", s->file);
				json_kv_int(&w, "line", s->line);
				json_kv_str(&w, "id", s->id);
				json_kv_str(&w, "feature", s->feature);
				json_kv_str(&w, "reason", s->reason);
				json_end(&w);
			}
			json_end(&w);
			json_end(&w);
		} else {
			for (size_t k = 0; k < nall; k++) {
				struct logs_rule_info r;
				logs_rules_info(&rs, k, &r);
				const char *title = (lb_lang() == LB_LANG_JA && r.title_ja) ? r.title_ja : r.title_en;
				buf_addf(&out, "%-16s  %-13s  %s  [%s]  %s:%u\n", r.kind, r.level, title, r.id, r.file,
				         r.line);
			}
			for (size_t k = 0; k < rs.nskipped; k++) {
				const struct logs_skip *s = &rs.skipped[k];
				buf_addf(&out, L_("skipped  %s:%u  %s  %s\n", "読み込まず  %s:%u  %s  %s\n"), s->file,
				         s->line, s->id, s->reason);
			}
			buf_addf(&out,
			         L_("%zu rules (%zu of them behind the literal prefilter), %zu correlations, %zu "
			            "skipped",
			            "ルール %zu 件 (うち前段フィルタ対象 %zu 件)、相関 %zu 件、読み込まず %zu 件"),
			         st.rules, st.indexed, st.correlations, st.skipped);
		}
		rc = cli_print(&out);
		if (rc == 0 && rs.nskipped)
			rc = LB_EXIT_FINDING;
	} else {
		rc = cli_error(rc);
	}
	buf_release(&out);
	logs_rules_release(&rs);
	lb_strlist_free(&dirs);
	return rc;
}

int cmd_logs_scan(int argc, char **argv)
{
	return logs_scan_cmd(argc, argv);
}

int cmd_logs_rules(int argc, char **argv)
{
	return logs_rules_cmd(argc, argv);
}
