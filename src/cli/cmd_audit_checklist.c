/*
 * cmd_audit_checklist.c - `lifeboat audit checklist`: fill the MHLW cybersecurity checklist from a person's
 * answers and the inventory checks, write it as CSV, XLSX and PDF, and say what changed since the last run.
 *
 * With --inventory the checks of `audit check` run here and are joined to the edition's items through the table
 * data/audit/checklist/checks.yaml (audit_checklist_join in src/audit); without it every item answered from the
 * inventory stays 未回答 with the reason "inventory checks not run" (struct cl_inventory with checks_run 0).
 */
#include "audit/audit.h"
#include "audit/checklist.h"
#include "cli_audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_inventory_files(const struct lb_strlist *inv)
{
	for (size_t i = 0; i < inv->n; i++)
		if (!lb_exists(inv->v[i]))
			return cli_error(lb_error_tr(LB_ENOTFOUND, "no inventory file %s",
			                             "台帳ファイル %s がありません", inv->v[i]));
	return 0;
}

/* Read the inventory files (every schema error on stderr, as `audit check` does) and run the checks over them,
 * then join the findings to edition e. Returns 0, LB_EXIT_ERROR after printing, or a negative LB_E* code. */
static int run_checks(const struct lb_strlist *files, const struct cl_edition *e, const char *today,
                      struct cl_inventory *ci)
{
	struct audit_inventory inv = {0};
	struct audit_errors err = {0};
	int bad = 0;
	for (size_t i = 0; i < files->n; i++)
		bad |= audit_inventory_read_file(&inv, files->v[i], &err) < 0;
	if (!bad)
		bad = audit_inventory_check_refs(&inv, &err) < 0;
	for (size_t i = 0; i < err.lines.n; i++)
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\n", err.lines.v[i]);
	audit_errors_free(&err);
	if (bad) {
		audit_inventory_free(&inv);
		return LB_EXIT_ERROR;
	}
	struct audit_check_opts o = {.today = today};
	struct audit_findings f = {0};
	struct cl_map m = {0};
	int rc = audit_check_run(&inv, &o, &f);
	if (rc >= 0)
		rc = cl_map_load(&m);
	if (rc >= 0 && (rc = cl_map_check(&m, e)) == 0)
		audit_checklist_join(&inv, &f, &m, e->id, today, ci);
	cl_map_free(&m);
	audit_findings_free(&f);
	audit_inventory_free(&inv);
	return rc < 0 ? rc : 0;
}

static void summary_text(const struct cl_filled *f, const struct cl_inventory *ci, const struct cl_changes *ch,
                         int have_prev, const char *out, struct buf *b)
{
	buf_addf(b, "%s (%s)", f->e->title.ja, f->e->id);
	if (f->hospital)
		buf_addf(b, "  %s", f->hospital);
	buf_addf(b,
	         L_("\n%zu sheets: %zu はい, %zu いいえ, %zu 未回答\n",
	            "\n%zu シート: はい %zu、いいえ %zu、未回答 %zu\n"),
	         f->n, f->yes, f->no, f->unanswered);
	for (size_t i = 0; i < f->n; i++) {
		struct buf name = {0};
		cl_sheet_name(&f->sheets[i], &name);
		for (size_t k = 0; k < f->sheets[i].n; k++) {
			const struct cl_row *r = &f->sheets[i].rows[k];
			if (r->answer != CL_NO)
				continue;
			buf_addf(b, "  %s %s %s %s", buf_cstr(&name), r->item->number,
			         r->item->scope.ja ? r->item->scope.ja : "", cl_answer_word(r->answer));
			if (r->target[0])
				buf_addf(b, L_(" target %s", " 目標日 %s"), r->target);
			else
				buf_adds(b, L_(" [no target date]", " [目標日なし]"));
			buf_addf(b, "  %s\n", r->item->text.ja);
		}
		buf_release(&name);
	}
	for (size_t i = 0; i < ci->off.n; i++)
		buf_addf(b, L_("not on the %s checklist: %s\n", "%s のチェックリストにない指摘: %s\n"), f->e->id,
		         ci->off.v[i]);
	if (f->no_target)
		buf_addf(b,
		         L_("%zu いいえ without a target date: give one per item in the answers file (target:)\n",
		            "目標日のない いいえ が %zu 件: 回答ファイルに項目ごとの目標日 (target:) "
		            "を書いてください\n"),
		         f->no_target);
	if (have_prev) {
		if (!ch->n)
			buf_adds(b, L_("no change since the previous run\n", "前回から変更なし\n"));
		for (size_t i = 0; i < ch->n; i++)
			buf_addf(b, L_("changed: %s %s (%s): %s → %s\n", "変更: %s %s (%s): %s → %s\n"), ch->v[i].sheet,
			         ch->v[i].number, ch->v[i].item, ch->v[i].before[0] ? ch->v[i].before : "-",
			         ch->v[i].after[0] ? ch->v[i].after : "-");
	}
	if (out)
		buf_addf(b, L_("written: %s/%s, %s, %s", "出力: %s/%s, %s, %s"), out, CL_CSV_NAME, CL_XLSX_NAME,
		         CL_PDF_NAME);
	if (b->len && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
}

static void summary_json(const struct cl_filled *f, const struct cl_inventory *ci, const struct cl_changes *ch,
                         int have_prev, const struct lb_strlist *inv, struct buf *b)
{
	struct json_w w = {.out = b};
	json_obj(&w);
	json_key(&w, "checklist");
	cl_json(f, &w);
	json_key(&w, "inventory");
	json_arr(&w);
	for (size_t i = 0; i < inv->n; i++)
		json_str(&w, inv->v[i]);
	json_end(&w);
	json_kv_bool(&w, "inventory_checks_run", ci->checks_run);
	json_key(&w, "not_on_checklist");
	json_arr(&w);
	for (size_t i = 0; i < ci->off.n; i++)
		json_str(&w, ci->off.v[i]);
	json_end(&w);
	json_key(&w, "changes");
	if (!have_prev) {
		json_null_value(&w);
	} else {
		json_arr(&w);
		for (size_t i = 0; i < ch->n; i++) {
			json_obj(&w);
			json_kv_str(&w, "sheet", ch->v[i].sheet);
			json_kv_str(&w, "item", ch->v[i].item);
			json_kv_str(&w, "number", ch->v[i].number);
			json_kv_str(&w, "before", ch->v[i].before);
			json_kv_str(&w, "after", ch->v[i].after);
			json_end(&w);
		}
		json_end(&w);
	}
	json_end(&w);
}

/* The three files are written under temporary names and renamed only when all three are done, so DIR never
 * holds a CSV of this run beside a PDF of the last one. */
static int write_all(const struct cl_filled *f, const char *dir)
{
	static const char *const names[3] = {CL_CSV_NAME, CL_XLSX_NAME, CL_PDF_NAME};
	int (*const writers[3])(const struct cl_filled *, const char *) = {cl_write_csv, cl_write_xlsx, cl_write_pdf};
	struct buf tmp[3] = {{0}}, final = {0};
	int rc = lb_mkdirs(dir, 0755), done = 0;
	for (int i = 0; i < 3; i++) {
		lb_path_join(&tmp[i], dir, names[i]);
		buf_adds(&tmp[i], ".new");
	}
	for (; rc == 0 && done < 3; done++)
		rc = writers[done](f, buf_cstr(&tmp[done]));
	for (int i = 0; i < 3; i++) {
		buf_reset(&final);
		lb_path_join(&final, dir, names[i]);
		if (rc == 0 && rename(buf_cstr(&tmp[i]), buf_cstr(&final)) < 0)
			rc = lb_error_errno_tr(errno, "cannot write %s", "%s を書き込めません", buf_cstr(&final));
		if (rc < 0)
			unlink(buf_cstr(&tmp[i]));
		buf_release(&tmp[i]);
	}
	buf_release(&final);
	if (rc == 0)
		rc = lb_fsync_dir(dir);
	return rc;
}

int cmd_audit_checklist(int argc, char **argv)
{
	const char *answers = NULL, *edition = NULL, *out = NULL, *previous = NULL, *today_s = NULL;
	struct lb_strlist inv = {0};
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "answers", &answers, "FILE", "the answers a person gives (YAML)",
	         "担当者の回答 (YAML)"},
	        {LB_OPT_LIST, 0, "inventory", &inv, "FILE", "inventory file (repeatable)", "台帳ファイル (複数可)"},
	        {LB_OPT_STRING, 0, "edition", &edition, "ID", "checklist edition (r6, r7; default: newest)",
	         "チェックリストの版 (r6, r7。既定: 最新)"},
	        {LB_OPT_STRING, 0, "out", &out, "DIR", "write checklist.csv, .xlsx and .pdf into DIR",
	         "DIR に checklist.csv, .xlsx, .pdf を書く"},
	        {LB_OPT_STRING, 0, "previous", &previous, "DIR", "the previous run's DIR: print what changed",
	         "前回の DIR: 変わった項目を表示"},
	        {LB_OPT_STRING, 0, "today", &today_s, "DATE",
	         "the date checked: ages are judged as of it (default: today)",
	         "確認日: 経過日数はこの日で判定 (既定: 今日)"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat audit checklist [--answers FILE] [--inventory FILE… [--today DATE]] [--edition r7] [--out "
	        "DIR] "
	        "[--previous DIR] [--json]",
	        "Fill the MHLW cybersecurity checklist (医療機関におけるサイバーセキュリティ対策チェックリスト) that\n"
	        "prefectural inspectors ask for: the hospital sheet (医療機関確認用) and one vendor sheet "
	        "(事業者確認用)\n"
	        "per vendor in the answers file, each item はい/いいえ with the date checked, the evidence, and a "
	        "target\n"
	        "date for each いいえ. Items a person answers (e.g. 1-① security officer appointed) come from "
	        "--answers;\n"
	        "items the inventory answers come from the checks of `audit check` run over --inventory: いいえ where "
	        "a\n"
	        "finding answers the item (its id and evidence in the 根拠 column), はい where the inventory holds "
	        "what\n"
	        "the item asks and nothing was found, 未回答 without that data (never はい for lack of data).\n"
	        "With --out, CSV (UTF-8 with BOM for Excel), XLSX (keep working in Excel) and PDF. With --previous,\n"
	        "what changed since that run. Exit 1 when an item is いいえ, 2 on a bad file (FILE:LINE: reason).",
	        "都道府県の立入検査で求められる「医療機関におけるサイバーセキュリティ対策チェックリスト」を作成します:"
	        "\n"
	        "医療機関確認用と、回答ファイルの事業者ごとの事業者確認用。各項目に はい/いいえ、確認日、根拠、いいえ "
	        "には\n"
	        "目標日を記入します。人が答える項目 (例: 1-① 安全管理責任者の設置) は --answers "
	        "から、台帳で答える項目は\n"
	        "--inventory に `audit check` の確認を実行して答えます: 指摘があれば いいえ (根拠欄に指摘 ID "
	        "と根拠)、\n"
	        "台帳に情報があり指摘がなければ はい、情報がなければ未回答 (情報がないのに はい にはしません)。\n"
	        "--out で CSV "
	        "(Excel 用 BOM 付き UTF-8)、XLSX (Excel で続けて作業できます)、PDF を出力。--previous "
	        "で前回からの変更を\n"
	        "表示。いいえ があれば終了コード 1、ファイルの誤りは 2 (ファイル:行: 理由)。",
	        "  lifeboat audit checklist --answers answers.yaml --out checklist-2025-06\n"
	        "  lifeboat audit checklist --answers answers.yaml --edition r6 --out r6 --previous checklist-2024-06\n"
	        "  lifeboat audit checklist --answers answers.yaml --json\n"
	        "  lifeboat audit checklist --inventory network.yaml --inventory accounts.yaml --answers answers.yaml "
	        "--out 2025"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0) {
		lb_strlist_free(&inv);
		return code;
	}
	if (i < argc) {
		lb_strlist_free(&inv);
		return cli_usage(L_("audit checklist takes no operand '%s'", "audit checklist に引数 '%s' は不要です"),
		                 argv[i]);
	}
	if ((code = check_inventory_files(&inv)) != 0) {
		lb_strlist_free(&inv);
		return code;
	}
	struct cl_answers a = {0};
	struct cl_edition e = {0};
	struct cl_filled f = {0};
	struct cl_changes ch = {0};
	struct cl_inventory ci = {0}; /* checks_run 0 without --inventory */
	int rc = 0, have_prev = 0;
	/* the edition: --edition, else the one the answers file names, else the newest */
	if (answers && !edition) {
		if ((rc = cl_answers_read(&a, answers, NULL)) < 0)
			goto done;
		edition = a.edition;
	}
	rc = cl_edition_load(&e, edition ? edition : cl_edition_latest());
	cl_answers_free(&a); /* read again below, with the edition's items to check against */
	edition = NULL;
	if (rc == 0 && answers)
		rc = cl_answers_read(&a, answers, &e);
	char today[11];
	if (today_s && strlen(today_s) != 10 && rc == 0)
		rc = lb_error_tr(LB_EINVAL, "--today '%s' is not YYYY-MM-DD",
		                 "--today '%s' が YYYY-MM-DD ではありません", today_s);
	if (today_s)
		snprintf(today, sizeof(today), "%s", today_s);
	else
		lb_today(today, NULL);
	if (rc == 0 && inv.n && (rc = run_checks(&inv, &e, today, &ci)) > 0) {
		code = rc; /* the schema errors are printed */
		goto done;
	}
	if (rc == 0)
		rc = cl_fill(&f, &e, answers ? &a : NULL, &ci, today);
	if (rc == 0 && previous) {
		rc = cl_diff_previous(&f, previous, &ch);
		have_prev = rc == 0;
	}
	if (rc == 0 && out)
		rc = write_all(&f, out);
	if (rc == 0) {
		struct buf b = {0};
		if (json)
			summary_json(&f, &ci, &ch, have_prev, &inv, &b);
		else
			summary_text(&f, &ci, &ch, have_prev, out, &b);
		code = cli_print(&b);
		buf_release(&b);
		if (code == 0 && f.no)
			code = LB_EXIT_FINDING;
	}
done:
	if (rc < 0)
		code = cli_error(rc);
	cl_inventory_free(&ci);
	cl_changes_free(&ch);
	cl_filled_free(&f);
	cl_answers_free(&a);
	cl_edition_free(&e);
	lb_strlist_free(&inv);
	return code;
}
