/*
 * cmd_incident_report.c - the `lifeboat incident` subcommands of the fact sheet and what leaves headquarters:
 * fact (set one fact, a timeline entry), facts (the sheet), report (a draft of the MHLW, police, PPC or common
 * ransomware form, text, JSON or PDF), export (the medium for investigators and the police), and the check of that
 * medium on another machine (verify --dir, called from cmd_incident_verify).
 */
#include "cli_incident.h"

#include <limits.h>
#include <string.h>

static int print_free(struct buf *out)
{
	int rc = cli_print(out);
	buf_release(out);
	return rc;
}

static int fact_key_error(const char *key)
{
	struct buf keys = {0};
	incident_fact_key_list(&keys);
	int rc = cli_usage(L_("no fact key '%s' (%s)", "事実シートの項目 '%s' はありません (%s)"), key, keys.data);
	buf_release(&keys);
	return rc;
}

int cmd_incident_fact(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *source = NULL, *team = NULL;
	int code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "source", &source, "S", "where the fact comes from (EDR console, vendor's call, …)",
	         "事実の出典 (EDR の画面、ベンダーからの電話など)"},
	        {LB_OPT_STRING, 0, "team", &team, "TEAM", "the team that found it", "確認した班"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident fact --incident FILE [--source S] [--team TEAM] [--as NAME] KEY VALUE…",
	        "Set one fact of the open incident's fact sheet (a timeline entry: who, when, from where). Setting a\n"
	        "key again corrects it; the value 'unknown' (不明) makes it unknown again. The keys are listed by\n"
	        "'lifeboat incident facts'; the report drafts are filled from them.",
	        "進行中のインシデントの事実シートに 1 項目を記入します (記録者・日時・出典つきの記録になります)。同じ\n"
	        "項目をもう一度記入すると訂正になり、値 'unknown' (不明) で不明に戻ります。項目の一覧は\n"
	        "'lifeboat incident facts' で表示され、報告書案はここから作られます。",
	        "  lifeboat incident fact --incident /hq/incident.db systems '電子カルテサーバ 3 台、端末 約200 台'\n"
	        "  lifeboat incident fact --incident /hq/incident.db --source 'EDR 管理画面' extension .lockbit\n"
	        "  lifeboat incident fact --incident /hq/incident.db persons 約85000\n"
	        "  lifeboat incident fact --incident /hq/incident.db vendor-notified-at '2026-12-07 03:30'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (argc - i < 2)
		return cli_usage(L_("fact needs KEY VALUE ('lifeboat incident facts' lists the keys)",
		                    "fact には KEY VALUE が必要です (項目は 'lifeboat incident facts' で一覧)"));
	const struct incident_fact_key *k = incident_fact_key_find(argv[i]);
	if (!k)
		return fact_key_error(argv[i]);
	if (team && incident_team_parse(team) < 0)
		return cli_usage(L_("no team '%s' (hq, recovery, liaison, patients, records, safety)",
		                    "班 '%s' はありません (hq, recovery, liaison, patients, records, safety)"),
		                 team);
	struct buf raw = {0}, value = {0};
	for (int j = i + 1; j < argc; j++)
		buf_addf(&raw, "%s%s", raw.len ? " " : "", argv[j]);
	if (incident_fact_value(k, raw.data, &value) < 0) {
		buf_release(&raw);
		buf_release(&value);
		return cli_usage("%s", lb_errmsg());
	}
	buf_release(&raw);
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0) {
		buf_release(&value);
		return code;
	}
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	struct incident_new n = {.type = INCIDENT_T_FACT,
	                         .kind = k->key,
	                         .text = value.data,
	                         .team = team ? incident_team_name(incident_team_parse(team)) : NULL,
	                         .author = c.as,
	                         .os_user = os,
	                         .source = source};
	int64_t seq;
	int rc = incident_append(f, &n, &seq);
	incident_file_close(f);
	buf_release(&value);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	buf_addf(&out, L_("fact '%s' recorded as entry #%lld", "事実シート「%s」を #%lld として記録しました"),
	         lb_tr(k->en, k->ja), (long long)seq);
	return print_free(&out);
}

int cmd_incident_facts(int argc, char **argv)
{
	struct ci_common c = {0};
	long id = 0;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_INT, 0, "id", &id, "N", "a past incident (default: the open one)",
	         "過去のインシデント (既定: 進行中のもの)", 1, LONG_MAX},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident facts --incident FILE [--id N] [--json]",
	        "The fact sheet: every key with its newest value, who entered it and when, or 不明 (unknown). The\n"
	        "keys and what to write are listed even before anything is known.",
	        "事実シート: 各項目の最新の値と、記入者・日時、または 不明。何も分かっていなくても項目と書き方を\n"
	        "一覧します。",
	        "  lifeboat incident facts --incident /hq/incident.db\n"
	        "  lifeboat incident facts --incident /hq/incident.db --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("facts takes no arguments (to set one: 'lifeboat incident fact KEY VALUE')",
		                    "facts に引数はありません (記入は 'lifeboat incident fact KEY VALUE')"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_facts fs;
	int rc = incident_facts_load(f, id, &fs);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (json) {
		json_obj(&w);
		json_kv_int(&w, "known", (int64_t)fs.known);
		json_kv_int(&w, "unknown", (int64_t)(fs.n - fs.known));
		json_key(&w, "facts");
		json_arr(&w);
	} else {
		buf_addf(&out, L_("fact sheet: %zu of %zu known\n", "事実シート: %zu / %zu 項目が記入済み\n"), fs.known,
		         fs.n);
	}
	for (size_t k = 0; k < fs.n; k++) {
		const struct incident_fact *x = &fs.v[k];
		int known = x->entry.seq && !incident_fact_is_unknown(x->entry.text);
		if (json) {
			json_obj(&w);
			json_kv_str(&w, "key", x->key->key);
			json_kv_str(&w, "label", x->key->ja);
			json_kv_str(&w, "label_en", x->key->en);
			json_kv_str(&w, "value", known ? x->entry.text : NULL);
			json_key(&w, "entry");
			if (x->entry.seq)
				json_int(&w, x->entry.seq);
			else
				json_null_value(&w);
			ci_json_time(&w, "at", x->entry.at_ms);
			json_kv_str(&w, "author", x->entry.author);
			json_kv_str(&w, "source", x->entry.source);
			json_kv_int(&w, "times", x->times);
			json_end(&w);
			continue;
		}
		buf_addf(&out, "  %-19s %s: ", x->key->key, lb_tr(x->key->en, x->key->ja));
		if (!known) {
			buf_addf(&out, "%s  [%s]\n", L_("unknown (不明)", "不明"),
			         lb_tr(x->key->hint_en, x->key->hint_ja));
			continue;
		}
		for (const char *s = x->entry.text; *s; s++) {
			buf_addch(&out, *s);
			if (*s == '\n')
				buf_adds(&out, "      ");
		}
		buf_addf(&out, "  (#%lld ", (long long)x->entry.seq);
		lb_format_local(&out, x->entry.at_ms);
		buf_adds(&out, " ");
		ci_author(&out, &x->entry);
		if (x->entry.source)
			buf_addf(&out, L_("; source: %s", "、出典: %s"), x->entry.source);
		buf_adds(&out, ")\n");
	}
	if (json) {
		json_end(&w);
		json_end(&w);
	} else if (out.len) {
		buf_truncate(&out, out.len - 1);
	}
	incident_facts_release(&fs);
	return print_free(&out);
}

int cmd_incident_report(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *kind = NULL, *pdf = NULL;
	long id = 0;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_STRING, 0, "kind", &kind, "KIND",
	         "mhlw, police, ppc-preliminary, ppc-final or ransomware-common",
	         "mhlw 厚労省, police 警察, ppc-preliminary 個情委速報, ppc-final 個情委確報, ransomware-common "
	         "共通様式"},
	        {LB_OPT_STRING, 0, "pdf", &pdf, "FILE", "also write the draft as a PDF", "報告書案を PDF にも書き出す"},
	        {LB_OPT_INT, 0, "id", &id, "N", "a past incident (default: the open one)",
	         "過去のインシデント (既定: 進行中のもの)", 1, LONG_MAX},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident report --incident FILE --kind KIND [--pdf FILE] [--id N] [--json]",
	        "A draft of a report, in Japanese (the forms are Japanese; --lang en adds English to each label), "
	        "from\n"
	        "the fact sheet and the timeline: the time the hospital learned of it, the report's deadline, each "
	        "field\n"
	        "of the form with the fact entered or 不明 (the count of 不明 fields at the top), the course of the\n"
	        "response, the decisions and the evidence with their times. KIND: mhlw, police (at once),\n"
	        "ppc-preliminary (3-5 days), ppc-final (30 days, 60 when malicious), ransomware-common (the\n"
	        "government's common form). --json gives every field, null when unknown.",
	        "事実シートと記録から報告書案を作ります (様式が日本語のため日本語。--lang en "
	        "では各項目に英語を併記)。\n"
	        "認知日時、その報告の期限、様式の各項目 (記入済みの事実または 不明。不明の数は冒頭に)、対応の経過・\n"
	        "決定・証拠を日時つきで載せます。KIND: mhlw 厚労省・police 警察 (直ちに)、ppc-preliminary 個情委速報\n"
	        "(3〜5 日)、ppc-final 確報 (30 日、不正目的は 60 日)、ransomware-common ランサムウェア事案共通様式。\n"
	        "--json では全項目を出力し、不明は null です。",
	        "  lifeboat incident report --incident /hq/incident.db --kind ppc-preliminary\n"
	        "  lifeboat incident report --incident /hq/incident.db --kind police --pdf /hq/police.pdf"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("report takes no arguments (the kind goes in --kind)",
		                    "report に引数はありません (種類は --kind で指定)"));
	if (!kind)
		return cli_usage(
		        L_("report needs --kind mhlw|police|ppc-preliminary|ppc-final|ransomware-common",
		           "report には --kind mhlw|police|ppc-preliminary|ppc-final|ransomware-common が必要です"));
	int d = incident_draft_parse(kind);
	if (d < 0)
		return cli_usage(L_("no report kind '%s' (mhlw, police, ppc-preliminary, ppc-final, ransomware-common)",
		                    "報告の種類 '%s' はありません (mhlw, police, ppc-preliminary, ppc-final, "
		                    "ransomware-common)"),
		                 kind);
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_report_draft r;
	int rc = incident_report_build(f, id, d, lb_now_ms(), &r);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	if (pdf && (rc = incident_report_pdf(&r, pdf)) < 0) {
		incident_report_release(&r);
		return cli_error(rc);
	}
	struct buf out = {0};
	if (json)
		incident_report_json(&r, &out);
	else
		incident_report_text(&r, &out);
	incident_report_release(&r);
	if (!json && out.len)
		buf_truncate(&out, out.len - 1);
	return print_free(&out);
}

int cmd_incident_export(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *to = NULL;
	long id = 0;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_STRING, 0, "to", &to, "DIR", "a new (or empty) folder for the medium",
	         "書き出し先 (新しいか空のフォルダ)"},
	        {LB_OPT_INT, 0, "id", &id, "N", "a past incident (default: the open one)",
	         "過去のインシデント (既定: 進行中のもの)", 1, LONG_MAX},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident export --incident FILE --to DIR [--id N] [--json]",
	        "Write the medium for the forensic investigators and the police into DIR: the timeline (JSON lines "
	        "and\n"
	        "text), the evidence list, the fact sheet, every report draft (text and PDF), the chain's head\n"
	        "(head.txt) and SHA256SUMS over all of them. DIR must be new or empty; it appears whole or not at "
	        "all.\n"
	        "Write the printed manifest hash and head on the hand-over form. On any machine: cd DIR &&\n"
	        "sha256sum -c SHA256SUMS; with lifeboat: 'lifeboat incident verify --dir DIR'.",
	        "フォレンジック調査・警察向けの提出用媒体を DIR に書き出します: 記録 (JSON Lines "
	        "とテキスト)、証拠一覧、\n"
	        "事実シート、全種類の報告書案 (テキストと PDF)、記録の末尾 (head.txt)、それらすべての SHA256SUMS。\n"
	        "DIR は新しいか空のフォルダで、完全な形でだけ現れます。表示される manifest のハッシュと末尾を引き渡し\n"
	        "書に控えてください。どの PC でも cd DIR && sha256sum -c SHA256SUMS、lifeboat があれば\n"
	        "'lifeboat incident verify --dir DIR' で確認できます。",
	        "  lifeboat incident export --incident /hq/incident.db --to /media/usb/incident-2026-12-07"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("export takes no arguments (the folder goes in --to)",
		                    "export に引数はありません (書き出し先は --to で指定)"));
	if (!to || !*to)
		return cli_usage(L_("export needs --to DIR", "export には --to DIR が必要です"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_export_result r;
	int rc = incident_export(f, id, to, lb_now_ms(), &r);
	incident_file_close(f);
	if (rc < 0)
		return rc == -LB_EEXIST ? cli_usage("%s", lb_errmsg()) : cli_error(rc);
	char head[2 * INCIDENT_HASH_LEN + 1], sums[65];
	incident_hex(r.head, INCIDENT_HASH_LEN, head);
	incident_hex(r.manifest_sha256, 32, sums);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "dir", to);
		json_kv_int(&w, "files", (int64_t)r.files);
		json_kv_int(&w, "entries", r.entries);
		json_kv_int(&w, "head_seq", r.head_seq);
		json_kv_str(&w, "head", head);
		json_kv_str(&w, "manifest_sha256", sums);
		json_end(&w);
	} else {
		buf_addf(&out,
		         L_("medium written to '%s': %zu files, %lld entries\n"
		            "  head of the timeline: #%lld %s\n"
		            "  SHA-256 of SHA256SUMS: %s\n"
		            "write both on the hand-over form; check with: cd '%s' && sha256sum -c SHA256SUMS",
		            "媒体を '%s' に書き出しました: %zu ファイル、記録 %lld 件\n"
		            "  記録の末尾: #%lld %s\n"
		            "  SHA256SUMS の SHA-256: %s\n"
		            "両方を引き渡し書に控えてください。確認: cd '%s' && sha256sum -c SHA256SUMS"),
		         to, r.files, (long long)r.entries, (long long)r.head_seq, head, sums, to);
	}
	return print_free(&out);
}

int ci_verify_dir(const char *dir, const char *head, int json)
{
	struct incident_medium_result r;
	int rc = incident_medium_verify(dir, head, &r);
	if (rc < 0)
		return rc == -LB_EINVAL ? cli_usage("%s", lb_errmsg()) : cli_error(rc);
	static const char *const names[] = {"intact",    "bad-manifest", "missing",  "mismatch", "unlisted",
	                                    "bad-entry", "chain",        "bad-head", "head-gone"};
	char hex[2 * INCIDENT_HASH_LEN + 1];
	incident_hex(r.head, INCIDENT_HASH_LEN, hex);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_bool(&w, "ok", r.status == INCIDENT_MEDIUM_OK);
		json_kv_str(&w, "status", names[r.status]);
		json_kv_str(&w, "file", r.status == INCIDENT_MEDIUM_OK ? NULL : r.what);
		json_key(&w, "line");
		if (r.line)
			json_int(&w, r.line);
		else
			json_null_value(&w);
		json_key(&w, "entry");
		if (r.seq)
			json_int(&w, r.seq);
		else
			json_null_value(&w);
		json_kv_int(&w, "files_checked", (int64_t)r.files);
		json_kv_int(&w, "entries_checked", r.entries);
		json_kv_str(&w, "head", hex);
		json_end(&w);
	} else {
		switch (r.status) {
		case INCIDENT_MEDIUM_OK:
			buf_addf(&out,
			         L_("medium intact: %zu files match SHA256SUMS, %lld entries chained up to head %.16s",
			            "媒体は無傷です: %zu ファイルが SHA256SUMS と一致、記録 %lld 件が末尾 %.16s "
			            "まで連なっています"),
			         r.files, (long long)r.entries, hex);
			break;
		case INCIDENT_MEDIUM_BAD_MANIFEST:
			if (r.line)
				buf_addf(&out,
				         L_("medium broken: %s line %lld is malformed",
				            "媒体が壊れています: %s の %lld 行目が不正です"),
				         r.what, (long long)r.line);
			else
				buf_addf(&out,
				         L_("medium broken: %s is missing or incomplete",
				            "媒体が壊れています: %s がないか不完全です"),
				         r.what);
			break;
		case INCIDENT_MEDIUM_MISSING:
			buf_addf(&out, L_("medium broken: %s is missing", "媒体が壊れています: %s がありません"),
			         r.what);
			break;
		case INCIDENT_MEDIUM_MISMATCH:
			buf_addf(&out,
			         L_("medium broken: %s does not match its SHA-256 in SHA256SUMS",
			            "媒体が壊れています: %s が SHA256SUMS の SHA-256 と一致しません"),
			         r.what);
			break;
		case INCIDENT_MEDIUM_UNLISTED:
			buf_addf(&out,
			         L_("medium broken: %s is not listed in SHA256SUMS (added after the export)",
			            "媒体が壊れています: %s は SHA256SUMS にありません (書き出し後に追加)"),
			         r.what);
			break;
		case INCIDENT_MEDIUM_BAD_ENTRY:
			buf_addf(&out,
			         L_("medium broken: %s line %lld (entry #%lld) does not match its hash",
			            "媒体が壊れています: %s の %lld 行目 (#%lld) がハッシュと一致しません"),
			         r.what, (long long)r.line, (long long)r.seq);
			break;
		case INCIDENT_MEDIUM_CHAIN:
			buf_addf(&out,
			         L_("medium broken: %s line %lld (entry #%lld) does not follow the entry before it (an "
			            "entry "
			            "removed or reordered)",
			            "媒体が壊れています: %s の %lld 行目 (#%lld) が直前の記録に連なりません "
			            "(記録の削除か"
			            "並べ替え)"),
			         r.what, (long long)r.line, (long long)r.seq);
			break;
		case INCIDENT_MEDIUM_BAD_HEAD:
			buf_addf(&out,
			         L_("medium broken: %s does not name the timeline's last entry (%lld entries, head "
			            "%.16s)",
			            "媒体が壊れています: %s が記録の最後 (%lld 件、末尾 %.16s) と一致しません"),
			         r.what, (long long)r.entries, hex);
			break;
		case INCIDENT_MEDIUM_HEAD_GONE:
			buf_addf(&out,
			         L_("medium broken: no entry of %s has the head %s noted earlier (entries cut off, or "
			            "the chain "
			            "rewritten)",
			            "媒体が壊れています: %s に、以前控えた末尾 %s の記録がありません "
			            "(記録の削除か連鎖の書き換え)"),
			         r.what, head);
			break;
		}
	}
	int code = print_free(&out);
	return code ? code : r.status == INCIDENT_MEDIUM_OK ? LB_EXIT_OK : LB_EXIT_FINDING;
}
