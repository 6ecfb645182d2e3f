/*
 * cmd_audit.c - `lifeboat audit`: the inventory of the EHR's devices, paths, systems and accounts, and its checks
 * against the MHLW checklist (docs/inventory.md).
 *
 *   audit check --inventory F… [--json]        findings; exit 1 when there is one, 2 on a bad inventory
 *   audit validate --inventory F…              the schema check alone
 *   audit import --ad F --system S | --assets F [--out F]   CSV into inventory YAML
 *   audit fingerprint [--salt-file F] [--new-salt]          a password on stdin as a salted fingerprint
 *   audit collect --host [--out F]             this Linux machine as an inventory
 *   audit checklist --answers F [--inventory F…] --out DIR   the MHLW checklist as CSV, XLSX, PDF
 *   audit graph --inventory F… --out FILE      the network diagram, findings marked (cmd_audit_graph.c)
 *   audit vulns list|match|show|update         known-exploited VPN/gateway vulnerabilities (cmd_audit_vulns.c)
 */
#include "audit/audit.h"
#include "cli_audit.h"

#include <stdlib.h>
#include <string.h>

static int load(const struct lb_strlist *files, struct audit_inventory *inv)
{
	if (!files->n)
		return cli_usage(L_("give the inventory with --inventory FILE (repeatable)",
		                    "インベントリを --inventory FILE で指定してください (複数可)"));
	struct audit_errors e = {0};
	int bad = 0;
	for (size_t i = 0; i < files->n; i++)
		if (audit_inventory_read_file(inv, files->v[i], &e) < 0)
			bad = 1;
	if (!bad && audit_inventory_check_refs(inv, &e) < 0)
		bad = 1;
	for (size_t i = 0; i < e.lines.n; i++)
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\n", e.lines.v[i]);
	audit_errors_free(&e);
	return bad ? LB_EXIT_ERROR : LB_EXIT_OK;
}

static int write_out(const char *out, const struct buf *b)
{
	if (!out || !strcmp(out, "-"))
		return fwrite(buf_cstr(b), 1, b->len, stdout) == b->len && fflush(stdout) == 0
		               ? LB_EXIT_OK
		               : cli_error(lb_error_tr(LB_EIO, "cannot write output", "出力を書き込めません"));
	int rc = lb_write_file_atomic(out, b->data ? b->data : "", b->len, 0640, 0);
	return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
}

static void finding_json(struct json_w *w, const struct audit_finding *f)
{
	json_obj(w);
	json_kv_str(w, "id", f->check->id);
	json_kv_str(w, "severity", audit_severity_name(f->check->severity));
	json_kv_str(w, "title_en", f->check->title_en);
	json_kv_str(w, "title_ja", f->check->title_ja);
	json_kv_str(w, "subject", f->subject);
	json_kv_str(w, "evidence", f->evidence);
	json_kv_str(w, "fix_en", f->check->fix_en);
	json_kv_str(w, "fix_ja", f->check->fix_ja);
	json_kv_str(w, "checklist", f->check->checklist);
	json_kv_str(w, "where", f->where);
	json_end(w);
}

static int cmd_check(int argc, char **argv)
{
	struct lb_strlist files = {0};
	int json = 0;
	long dormant = 0, patch = 0;
	const char *today_s = NULL;
	const struct lb_opt opts[] = {
	        {LB_OPT_LIST, 'i', "inventory", &files, "FILE", "inventory YAML (repeatable: files are joined)",
	         "インベントリ YAML (複数指定で結合)"},
	        {LB_OPT_INT, 0, "dormant-days", &dormant, "N", "an account unused for more than N days is dormant (90)",
	         "N 日を超えて使われていないアカウントを休眠とみなす (90)", 1, 36500},
	        {LB_OPT_INT, 0, "patch-days", &patch, "N", "a VPN device not patched for N days is flagged (90)",
	         "N 日以上更新されていない VPN 機器を指摘 (90)", 1, 36500},
	        {LB_OPT_STRING, 0, "today", &today_s, "DATE", "judge ages as of this date (default: today)",
	         "この日付を基準に経過日数を判定 (既定: 今日)"},
	        CLI_OPT_JSON(&json),
	        {0}};
	const struct lb_cmd_help help = {
	        "lifeboat audit check --inventory FILE… [--json]",
	        "Check the inventory against the MHLW checklist's account, endpoint, network and VPN items. Each "
	        "finding has a stable id, severity, evidence (what was read, and where), the fix and the checklist "
	        "item "
	        "it answers. Exit 0: no finding; 1: findings; 2: the inventory is malformed (every error listed).",
	        "インベントリを厚労省チェックリストのアカウント・端末・ネットワーク・VPN "
	        "の項目で点検します。指摘ごとに固定の ID、"
	        "重大度、根拠 (読んだ値と場所)、対処、対応するチェックリスト項目を示します。終了コード 0: 指摘なし、1: "
	        "指摘あり、"
	        "2: インベントリの誤り (全件表示)。",
	        "  lifeboat audit check --inventory docs/examples/handa.yaml\n"
	        "  lifeboat audit check -i network.yaml -i accounts.yaml --json | jq -r '.findings[].id'"};
	int code;
	int k = cli_parse(argc, argv, opts, &help, &code);
	if (k < 0) {
		lb_strlist_free(&files);
		return code;
	}
	if (k < argc) {
		lb_strlist_free(&files);
		return cli_usage(L_("unexpected argument '%s' (inventories go after --inventory)",
		                    "余分な引数 '%s' (インベントリは --inventory の後に)"),
		                 argv[k]);
	}
	struct audit_inventory inv = {0};
	code = load(&files, &inv);
	lb_strlist_free(&files);
	if (code) {
		audit_inventory_free(&inv);
		return code;
	}
	char today[11];
	if (today_s)
		snprintf(today, sizeof(today), "%s", today_s);
	else
		lb_today(today, NULL);
	struct audit_check_opts o = {.today = today, .dormant_days = dormant, .patch_max_days = patch};
	struct audit_findings f = {0};
	int rc = audit_check_run(&inv, &o, &f);
	if (rc < 0) {
		audit_inventory_free(&inv);
		return cli_error(rc);
	}
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "checked", today);
		json_kv_int(&w, "count", (int64_t)f.n);
		json_key(&w, "findings");
		json_arr(&w);
		for (size_t i = 0; i < f.n; i++)
			finding_json(&w, &f.v[i]);
		json_end(&w);
		json_end(&w);
		json_finish(&w);
	} else {
		for (size_t i = 0; i < f.n; i++) {
			const struct audit_finding *x = &f.v[i];
			buf_addf(&out, "%-8s %s  %s\n", audit_severity_name(x->check->severity), x->check->id,
			         lb_tr(x->check->title_en, x->check->title_ja));
			buf_addf(&out, L_("  subject:   %s\n", "  対象:      %s\n"), x->subject);
			buf_addf(&out, L_("  evidence:  %s (%s)\n", "  根拠:      %s (%s)\n"), x->evidence, x->where);
			buf_addf(&out, L_("  fix:       %s\n", "  対処:      %s\n"),
			         lb_tr(x->check->fix_en, x->check->fix_ja));
			buf_addf(&out, L_("  checklist: %s\n", "  チェック項目: %s\n"), x->check->checklist);
		}
		buf_addf(&out,
		         L_("%zu findings in %zu devices, %zu paths, %zu accounts, %zu policies",
		            "指摘 %zu 件 (機器 %zu、経路 %zu、アカウント %zu、ポリシー %zu)"),
		         f.n, inv.ndevices, inv.npaths, inv.naccounts, inv.npolicies);
	}
	code = cli_print(&out);
	buf_release(&out);
	size_t n = f.n;
	audit_findings_free(&f);
	audit_inventory_free(&inv);
	return code ? code : n ? LB_EXIT_FINDING : LB_EXIT_OK;
}

static int cmd_validate(int argc, char **argv)
{
	struct lb_strlist files = {0};
	const struct lb_opt opts[] = {{LB_OPT_LIST, 'i', "inventory", &files, "FILE", "inventory YAML (repeatable)",
	                               "インベントリ YAML (複数可)"},
	                              {0}};
	const struct lb_cmd_help help = {
	        "lifeboat audit validate --inventory FILE…",
	        "Check an inventory against its schema only: every error as FILE:LINE: KEY: "
	        "reason. Exit 0 when it is valid, 2 when not.",
	        "インベントリのスキーマだけを確認します。誤りは FILE:LINE: KEY: 理由 の形で全件表示します。"
	        "正しければ終了コード 0、誤りがあれば 2。",
	        "  lifeboat audit validate -i hospital.yaml"};
	int code;
	int k = cli_parse(argc, argv, opts, &help, &code);
	if (k < 0) {
		lb_strlist_free(&files);
		return code;
	}
	struct audit_inventory inv = {0};
	code = load(&files, &inv);
	lb_strlist_free(&files);
	audit_inventory_free(&inv);
	return code;
}

static int cmd_import(int argc, char **argv)
{
	const char *ad = NULL, *assets = NULL, *system = NULL, *out = NULL;
	const struct lb_opt opts[] = {{LB_OPT_STRING, 0, "ad", &ad, "FILE",
	                               "Active Directory user export (Get-ADUser | Export-Csv, csvde)",
	                               "Active Directory の利用者エクスポート (Get-ADUser | Export-Csv、csvde)"},
	                              {LB_OPT_STRING, 0, "system", &system, "NAME",
	                               "the system the AD accounts belong to", "AD アカウントが属するシステム名"},
	                              {LB_OPT_STRING, 0, "assets", &assets, "FILE",
	                               "asset ledger CSV (one device a row)", "機器台帳の CSV (1 行 1 台)"},
	                              {LB_OPT_STRING, 'o', "out", &out, "FILE", "write the YAML here (default: stdout)",
	                               "YAML の出力先 (既定: 標準出力)"},
	                              {0}};
	const struct lb_cmd_help help = {
	        "lifeboat audit import (--ad FILE --system NAME | --assets FILE) [--out FILE]",
	        "Turn a CSV into inventory YAML: UTF-8 (with or without BOM) or CP932 as Excel in Japan saves it. "
	        "Columns "
	        "are found by header; those not understood are named on stderr. Add credential fingerprints, systems "
	        "and paths by hand afterwards (docs/inventory.md).",
	        "CSV をインベントリ YAML に変換します。UTF-8 (BOM の有無を問わず) と、日本語版 Excel が保存する CP932 "
	        "に対応。"
	        "列は見出しで判別し、解釈できない列は標準エラーに表示します。認証情報の指紋・システム・経路は後から手で"
	        "追加します "
	        "(docs/inventory.md)。",
	        "  lifeboat audit import --ad users.csv --system ehr-ad --out accounts.yaml\n"
	        "  lifeboat audit import --assets 機器台帳.csv > devices.yaml"};
	int code;
	if (cli_parse(argc, argv, opts, &help, &code) < 0)
		return code;
	if (!!ad == !!assets)
		return cli_usage(L_("give one of --ad FILE or --assets FILE",
		                    "--ad FILE か --assets FILE のどちらか一方を指定してください"));
	if (ad && !system)
		return cli_usage(L_("--ad needs --system NAME (which system these accounts log in to)",
		                    "--ad には --system NAME (アカウントのログイン先システム) が必要です"));
	const char *path = ad ? ad : assets;
	struct buf in = {0};
	int rc = buf_read_file(&in, path, AUDIT_FILE_MAX + 1);
	struct audit_inventory inv = {0};
	inv.min_length = inv.dormant_days = inv.patch_max_days = -1;
	struct lb_strlist warn = {0};
	if (rc == 0)
		rc = ad ? audit_import_ad(&inv, path, in.data ? in.data : "", in.len, system, &warn)
		        : audit_import_assets(&inv, path, in.data ? in.data : "", in.len, &warn);
	buf_release(&in);
	for (size_t i = 0; i < warn.n; i++) {
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\n", warn.v[i]);
		free((void *)warn.v[i]);
	}
	lb_strlist_free(&warn);
	if (rc < 0) {
		audit_inventory_free(&inv);
		return cli_error(rc);
	}
	struct buf y = {0};
	audit_inventory_write_yaml(&y, &inv);
	audit_inventory_free(&inv);
	code = write_out(out, &y);
	buf_release(&y);
	return code;
}

static int cmd_fingerprint(int argc, char **argv)
{
	const char *salt_file = NULL;
	int new_salt = 0;
	const struct lb_opt opts[] = {{LB_OPT_STRING, 0, "salt-file", &salt_file, "FILE",
	                               "the hospital's salt (default: $LIFEBOAT_AUDIT_SALT_FILE)",
	                               "病院のソルト (既定: $LIFEBOAT_AUDIT_SALT_FILE)"},
	                              {LB_OPT_FLAG, 0, "new-salt", &new_salt, NULL,
	                               "create the salt file (once per hospital) and stop",
	                               "ソルトファイルを作成して終了 (病院ごとに 1 回)"},
	                              {0}};
	const struct lb_cmd_help help = {
	        "lifeboat audit fingerprint [--salt-file FILE] [--new-salt]  < password",
	        "Read a password on stdin (no echo on a terminal; never from the command line) and print its salted "
	        "fingerprint for the inventory's credential key. One salt per hospital, so the same password on two "
	        "systems gives the same fingerprint and its reuse shows; keep the salt file away from the inventory.",
	        "標準入力からパスワードを読み (端末ではエコーなし、コマンドラインからは読みません)、インベントリの "
	        "credential "
	        "に書く指紋を表示します。ソルトは病院で 1 "
	        "つなので、同じパスワードは別のシステムでも同じ指紋になり、使い回しが"
	        "分かります。ソルトファイルはインベントリとは別に保管してください。",
	        "  lifeboat audit fingerprint --salt-file /secure/audit.salt --new-salt\n"
	        "  lifeboat audit fingerprint --salt-file /secure/audit.salt"};
	int code;
	int k = cli_parse(argc, argv, opts, &help, &code);
	if (k < 0)
		return code;
	if (k < argc)
		return cli_usage(L_("a password is never given as an argument: type it, or pipe it on stdin",
		                    "パスワードは引数では受け付けません。入力するか標準入力から渡してください"));
	if (!salt_file)
		salt_file = getenv("LIFEBOAT_AUDIT_SALT_FILE");
	if (!salt_file)
		return cli_usage(L_("give --salt-file FILE (create it once with --new-salt)",
		                    "--salt-file FILE を指定してください (最初に --new-salt で作成)"));
	if (new_salt) {
		int rc = audit_salt_create(salt_file);
		return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
	}
	uint8_t salt[AUDIT_SALT_BYTES];
	int rc = audit_salt_read(salt_file, salt);
	if (rc < 0)
		return cli_error(rc);
	struct buf pw = {0}, fp = {0};
	rc = lb_secret_read_stdin(&pw, L_("password: ", "パスワード: "));
	if (rc == 0)
		rc = audit_fingerprint(&fp, salt, buf_cstr(&pw), pw.len);
	buf_wipe(&pw);
	lb_wipe(salt, sizeof(salt));
	if (rc < 0)
		return cli_error(rc);
	code = cli_print(&fp);
	buf_release(&fp);
	return code;
}

static int cmd_collect(int argc, char **argv)
{
	int host = 0;
	const char *out = NULL, *root = NULL;
	const struct lb_opt opts[] = {
	        {LB_OPT_FLAG, 0, "host", &host, NULL, "read this Linux machine", "この Linux マシンを読む"},
	        {LB_OPT_STRING, 'o', "out", &out, "FILE", "write the YAML here (default: stdout)",
	         "YAML の出力先 (既定: 標準出力)"},
	        {LB_OPT_STRING, 0, "root", &root, "DIR", "read the files under DIR instead of / (a mounted disk image)",
	         "/ の代わりに DIR 以下のファイルを読む (マウントしたディスクイメージ)"},
	        {0}};
	const struct lb_cmd_help help = {
	        "lifeboat audit collect --host [--out FILE]",
	        "Read this machine into inventory YAML: OS and kernel, dpkg packages, listening sockets and their "
	        "programs, local accounts and groups, sudoers, last logins (lastlog, wtmp), password and lockout "
	        "policy "
	        "(login.defs, "
	        "PAM), SSH settings. What cannot be read (run as root for all of it) is listed under unread.",
	        "このマシンをインベントリ YAML に読み取ります: OS とカーネル、dpkg "
	        "のパッケージ、待ち受けソケットとそのプログラム、"
	        "ローカルのアカウントとグループ、sudoers、最終ログイン (lastlog、wtmp)、パスワードとロックアウトの設定 "
	        "(login.defs、PAM)、SSH の設定。"
	        "読めなかったもの (すべて読むには root で実行) は unread に列挙します。",
	        "  sudo lifeboat audit collect --host --out $(hostname).yaml\n"
	        "  lifeboat audit check -i $(hostname).yaml -i network.yaml"};
	int code;
	if (cli_parse(argc, argv, opts, &help, &code) < 0)
		return code;
	if (!host)
		return cli_usage(L_("give --host (the only source collect reads so far)",
		                    "--host を指定してください (現在 collect が読めるのはこのマシンのみ)"));
	struct audit_inventory inv = {0};
	int rc = audit_collect_host(&inv, root);
	if (rc < 0) {
		audit_inventory_free(&inv);
		return cli_error(rc);
	}
	struct buf y = {0};
	audit_inventory_write_yaml(&y, &inv);
	audit_inventory_free(&inv);
	code = write_out(out, &y);
	buf_release(&y);
	return code;
}

int cmd_audit(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"check", cmd_check, "check an inventory against the MHLW checklist items",
	         "インベントリを厚労省チェックリストの項目で点検"},
	        {"validate", cmd_validate, "check an inventory's schema only", "インベントリのスキーマのみ確認"},
	        {"import", cmd_import, "CSV (Active Directory export, asset ledger) into inventory YAML",
	         "CSV (Active Directory のエクスポート、機器台帳) をインベントリ YAML に変換"},
	        {"fingerprint", cmd_fingerprint, "a password on stdin as a salted fingerprint",
	         "標準入力のパスワードをソルト付き指紋に変換"},
	        {"collect", cmd_collect, "this Linux machine as an inventory",
	         "この Linux マシンをインベントリに読み取る"},
	        {"checklist", cmd_audit_checklist, "fill the MHLW cybersecurity checklist (CSV, XLSX, PDF)",
	         "厚生労働省のサイバーセキュリティ対策チェックリストを作成 (CSV, XLSX, PDF)"},
	        {"graph", cmd_audit_graph, "the network diagram (DOT, SVG, PNG) with the findings marked",
	         "ネットワーク構成図 (DOT, SVG, PNG) を指摘付きで描画"},
	        {"vulns", cmd_audit_vulns, "known-exploited VPN/gateway vulnerabilities: list, match a version, update",
	         "既知の悪用された VPN・ゲートウェイ脆弱性: 一覧、バージョン照合、更新"},
	        {0}};
	return cli_dispatch(argc, argv, "audit", subs);
}
