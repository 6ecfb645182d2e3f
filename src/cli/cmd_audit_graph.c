/*
 * cmd_audit_graph.c - `lifeboat audit graph`: the inventory as a network diagram (DOT, SVG, PNG) with the findings
 * of `audit check` marked on it (src/audit/graph.h, docs/inventory.md).
 */
#include "audit/audit.h"
#include "audit/graph.h"
#include "cli_audit.h"

#include <string.h>
#include <strings.h>

static int load_inventory(const struct lb_strlist *files, struct audit_inventory *inv)
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

/* The format an output file's name asks for: .dot/.gv, .svg, .png; NULL when it says none of them. */
static const char *format_of(const char *out)
{
	const char *dot = strrchr(out, '.');
	if (!dot || strchr(dot, '/'))
		return NULL;
	if (!strcasecmp(dot, ".dot") || !strcasecmp(dot, ".gv"))
		return "dot";
	if (!strcasecmp(dot, ".svg"))
		return "svg";
	if (!strcasecmp(dot, ".png"))
		return "png";
	return NULL;
}

int cmd_audit_graph(int argc, char **argv)
{
	struct lb_strlist files = {0};
	const char *out = NULL, *format = NULL, *today_s = NULL;
	long dormant = 0, patch = 0;
	const struct lb_opt opts[] = {
	        {LB_OPT_LIST, 'i', "inventory", &files, "FILE", "inventory YAML (repeatable: files are joined)",
	         "インベントリ YAML (複数指定で結合)"},
	        {LB_OPT_STRING, 'o', "out", &out, "FILE", "write the diagram here (- for stdout)",
	         "構成図の出力先 (- で標準出力)"},
	        {LB_OPT_STRING, 'f', "format", &format, "FMT", "dot, svg or png (default: from the --out extension)",
	         "dot、svg、png (既定: --out の拡張子から)"},
	        {LB_OPT_STRING, 0, "today", &today_s, "DATE", "judge ages as of this date, as audit check does",
	         "audit check と同じく、この日付を基準に経過日数を判定"},
	        {LB_OPT_INT, 0, "dormant-days", &dormant, "N", "as audit check --dormant-days (90)",
	         "audit check --dormant-days と同じ (90)", 1, 36500},
	        {LB_OPT_INT, 0, "patch-days", &patch, "N", "as audit check --patch-days (90)",
	         "audit check --patch-days と同じ (90)", 1, 36500},
	        {0}};
	const struct lb_cmd_help help = {
	        "lifeboat audit graph --inventory FILE… --out FILE [--format dot|svg|png]",
	        "Draw the inventory as the network and system diagram police and inspectors ask for first: each "
	        "segment a box (cluster), each device a node shaped by its type (server, terminal, network, vpn, "
	        "storage, medical), the internet a node, each path an arrow labelled with its service. The devices and "
	        "paths that `audit check` finds fault with are red and bold, their finding ids in the label and the "
	        "evidence in the tooltip (hover in a browser); account and policy findings are listed in a note; a "
	        "legend explains the shapes. DOT is the Graphviz text (edit it, or render it elsewhere); SVG and PNG "
	        "are drawn here by Graphviz with a Japanese font. The file is replaced only when the whole diagram is "
	        "drawn. Exit 0 when written (findings or not: use audit check to gate), 2 on a bad inventory (every "
	        "error listed, nothing written).",
	        "インベントリを、警察や立入検査でまず求められるネットワーク・システム構成図として描きます: "
	        "セグメントを枠 (クラスタ)、機器を種類 (server、terminal、network、vpn、storage、medical) "
	        "ごとの形のノード、インターネットを 1 つのノード、経路をサービス名付きの矢印で表します。"
	        "`audit check` が指摘する機器と経路は赤の太線で、ラベルに指摘 ID、ツールチップ (ブラウザで"
	        "マウスを重ねる) に根拠を示します。アカウントとポリシーの指摘は注記に列挙し、凡例で形を説明します。"
	        "DOT は Graphviz のテキスト (編集や他での描画用)、SVG と PNG はここで Graphviz が日本語フォントで"
	        "描画します。ファイルは構成図全体を描けたときだけ置き換えます。書けたら終了コード 0 (指摘の有無は問わず"
	        "。合否は audit check で)、インベントリの誤りは 2 (全件表示、何も書きません)。",
	        "  lifeboat audit graph --inventory docs/examples/handa.yaml --out handa.svg\n"
	        "  lifeboat audit graph -i network.yaml -i accounts.yaml --out 構成図.png\n"
	        "  lifeboat audit graph -i network.yaml --out - --format dot | less"};
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
	if (!out) {
		lb_strlist_free(&files);
		return cli_usage(L_("give the diagram's file with --out FILE (.dot, .svg or .png)",
		                    "構成図の出力先を --out FILE で指定してください (.dot、.svg、.png)"));
	}
	int to_stdout = !strcmp(out, "-");
	if (!format)
		format = to_stdout ? "dot" : format_of(out);
	if (!format || (strcmp(format, "dot") && !audit_graph_format_ok(format))) {
		lb_strlist_free(&files);
		return cli_usage(L_("cannot tell the format of '%s': give --format dot, svg or png",
		                    "'%s' の形式が分かりません: --format dot、svg、png を指定してください"),
		                 format ? format : out);
	}
	struct audit_inventory inv = {0};
	code = load_inventory(&files, &inv);
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
	struct buf dot = {0}, drawn = {0};
	size_t marked = 0;
	if (rc >= 0) {
		marked = audit_graph_dot(&dot, &inv, &f, today);
		rc = 0;
		if (strcmp(format, "dot"))
			rc = audit_graph_render(&drawn, buf_cstr(&dot), format);
	}
	const struct buf *b = strcmp(format, "dot") ? &drawn : &dot;
	if (rc == 0 && to_stdout)
		rc = fwrite(b->data ? b->data : "", 1, b->len, stdout) == b->len && fflush(stdout) == 0
		             ? 0
		             : lb_error_tr(LB_EIO, "cannot write output", "出力を書き込めません");
	else if (rc == 0)
		rc = lb_write_file_atomic(out, b->data ? b->data : "", b->len, 0640, 0);
	if (rc == 0 && !to_stdout) {
		struct buf msg = {0};
		buf_addf(
		        &msg,
		        L_("%s (%s): %zu devices, %zu segments, %zu paths; %zu findings of audit check, %zu on devices "
		           "and paths, the rest in a note",
		           "%s (%s): 機器 %zu、セグメント %zu、経路 %zu。audit check の指摘 %zu 件 (機器・経路に %zu "
		           "件、"
		           "残りは注記)"),
		        out, format, inv.ndevices, inv.nsegments, inv.npaths, f.n, marked);
		code = cli_print(&msg);
		buf_release(&msg);
	}
	buf_release(&dot);
	buf_release(&drawn);
	audit_findings_free(&f);
	audit_inventory_free(&inv);
	return rc < 0 ? cli_error(rc) : code;
}
