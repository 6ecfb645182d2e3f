/*
 * cmd_incident_medium.c - `lifeboat incident orders export|import|conflicts|resolve`: a ward's register carried
 * on a USB stick to the records office and merged there (docs/backentry.md "Export and import"). A medium that is
 * damaged or altered is refused with one line, exit 2, and nothing is written.
 */
#include "cli_incident.h"
#include "incident/backentry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmd_orders_export(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *to = NULL, *ward = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_STRING, 0, "to", &to, "DIR", "a new (or empty) folder for the medium",
	         "書き出し先 (新しいか空のフォルダ)"},
	        {LB_OPT_STRING, 0, "ward", &ward, "W", "only this ward's orders (default: all)",
	         "この病棟の登録だけ (既定: すべて)"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident orders export --incident FILE --to DIR [--ward W] [--json]",
	        "Write the ward's register of paper orders into DIR, to carry to the records office: the orders, "
	        "their\n"
	        "steps, the links of downtime patients and the blocks of numbers, as JSON lines, with manifest.json\n"
	        "(wards, range of numbers, counts, when, the file it came from) and SHA256SUMS. DIR must be new or\n"
	        "empty; it appears whole or not at all. Merge it with 'lifeboat incident orders import DIR'.",
	        "病棟の紙オーダの登録を DIR に書き出し、医事課へ運べるようにします: 登録・工程・ダウンタイム患者の\n"
	        "紐付け・番号の払い出しを JSON Lines で、manifest.json (病棟・番号の範囲・件数・日時・元のファイル)\n"
	        "と SHA256SUMS をつけて。DIR は新しいか空のフォルダで、完全な形でだけ現れます。医事課では\n"
	        "'lifeboat incident orders import DIR' で取り込みます。",
	        "  lifeboat incident orders export --incident /ward3a/incident.db --ward 3A --to /media/usb/3A-1207"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("export takes no arguments (the folder goes in --to)",
		                    "export に引数はありません (書き出し先は --to で指定)"));
	if (!to || !*to)
		return cli_usage(L_("export needs --to DIR", "export には --to DIR が必要です"));
	if (ward && !be_ward_ok(ward))
		return cli_usage(L_("'%s' is not a ward code (1 to 8 of A-Z, 0-9)",
		                    "'%s' は病棟コードではありません (A-Z と 0-9 の 1〜8 文字)"),
		                 ward);
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct be_export_result r;
	int rc = be_orders_export(f, ward, to, lb_now_ms(), &r);
	incident_file_close(f);
	if (rc < 0)
		return rc == -LB_EEXIST ? cli_usage("%s", lb_errmsg()) : cli_error(rc);
	char sums[65];
	incident_hex(r.sums_sha256, 32, sums);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "dir", to);
		json_kv_str(&w, "ward", ward);
		json_kv_int(&w, "orders", r.orders);
		json_kv_int(&w, "steps", r.steps);
		json_kv_int(&w, "links", r.links);
		json_kv_int(&w, "blocks", r.blocks);
		json_kv_str(&w, "manifest_sha256", sums);
		json_end(&w);
		json_finish(&w);
	} else {
		buf_addf(&out,
		         L_("%lld orders, %lld steps, %lld links, %lld blocks written to %s\n"
		            "SHA256SUMS: %s (write it on the hand-over slip)",
		            "登録 %lld 件・工程 %lld 件・紐付け %lld 件・番号ブロック %lld 件を %s に書き出しました\n"
		            "SHA256SUMS: %s (引き渡し票に控えてください)"),
		         (long long)r.orders, (long long)r.steps, (long long)r.links, (long long)r.blocks, to, sums);
	}
	code = cli_print(&out);
	buf_release(&out);
	return code;
}

static int cmd_orders_import(int argc, char **argv)
{
	struct ci_common c = {0};
	int json = 0, code;
	const struct lb_opt opts[] = {CI_COMMON_OPTS(c), CI_AS_OPT(c), CLI_OPT_JSON(&json), {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat incident orders import DIR… --incident FILE [--as NAME] [--json]",
	        "Merge a ward's medium (from 'lifeboat incident orders export') into this file, on the records "
	        "office's\n"
	        "PC. Every file is checked against SHA256SUMS, the manifest and every order's content hash first: a\n"
	        "damaged or altered medium is refused and nothing is written. Then all of it goes in at once, as one\n"
	        "'merge' entry of the timeline. Importing a medium again, or media that overlap, adds each entry "
	        "once;\n"
	        "a number with other content than here becomes a conflict, both kept, for a person to resolve\n"
	        "('lifeboat incident orders conflicts', '… resolve'). Several DIRs: all are checked before any is "
	        "merged,\n"
	        "then each is merged as its own entry.",
	        "病棟の媒体 ('lifeboat incident orders export' で作成) を医事課の PC でこのファイルに取り込みます。\n"
	        "先に全ファイルを SHA256SUMS・マニフェスト・各登録の内容ハッシュで確認し、壊れたり改ざんされた\n"
	        "媒体は拒否して何も書きません。そのうえで全体を 1 度に、記録の 'merge' 1 件として取り込みます。\n"
	        "同じ媒体をもう一度、または重なる媒体を取り込んでも登録は 1 件ずつです。ここと内容の違う番号は\n"
	        "競合として両方を残し、人が解決します ('lifeboat incident orders conflicts'、'… resolve')。DIR を複数\n"
	        "指定すると、全部を確認してから 1 つずつ別の記録として取り込みます。",
	        "  lifeboat incident orders import /media/usb/3A-1207 --incident /records/incident.db --as '医事課 "
	        "田中'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i >= argc)
		return cli_usage(L_("import takes the medium's folder DIR (or several)",
		                    "import には媒体のフォルダ DIR を指定します (複数可)"));
	/* every medium checked before any is merged: one bad stick among several writes nothing */
	size_t nm = (size_t)(argc - i);
	struct be_medium *m = lb_calloc(nm, sizeof(*m));
	int rc = 0;
	for (size_t k = 0; rc == 0 && k < nm; k++)
		rc = be_medium_load(argv[i + (int)k], &m[k]);
	struct incident_file *f = NULL;
	if (rc == 0 && (code = ci_open(&c, 1, &f)) != 0) {
		for (size_t k = 0; k < nm; k++)
			be_medium_release(&m[k]);
		free(m);
		return code;
	}
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (json && nm > 1)
		json_arr(&w);
	/* all media in one transaction: one that fails leaves none of them merged */
	struct be_import_result *res = lb_calloc(nm, sizeof(*res));
	if (rc == 0)
		rc = be_media_merge(f, m, nm, c.as, os, res);
	for (size_t k = 0; rc == 0 && k < nm; k++) {
		struct be_import_result r = res[k];
		const char *dir = argv[i + (int)k];
		if (json) {
			json_obj(&w);
			json_kv_str(&w, "dir", dir);
			json_kv_str(&w, "wards", r.wards);
			json_kv_int(&w, "orders", r.orders);
			json_kv_int(&w, "new", r.added);
			json_kv_int(&w, "duplicate", r.same);
			json_kv_int(&w, "conflict", r.conflicts);
			json_kv_int(&w, "steps", r.steps);
			json_kv_int(&w, "links", r.links);
			json_kv_int(&w, "blocks", r.blocks);
			json_kv_bool(&w, "seen_before", r.seen);
			json_kv_int(&w, "entry", r.seq);
			json_end(&w);
			continue;
		}
		if (k)
			buf_adds(&out, "\n");
		buf_addf(&out,
		         L_("merged %s (entry #%lld): %lld orders: %lld new, %lld duplicate, %lld conflict; "
		            "%lld steps, %lld links, %lld blocks added",
		            "%s を取り込みました (#%lld): 登録 %lld 件 (新規 %lld・重複 %lld・競合 %lld)、"
		            "工程 %lld 件・紐付け %lld 件・番号ブロック %lld 件を追加"),
		         *r.wards ? r.wards : "-", (long long)r.seq, (long long)r.orders, (long long)r.added,
		         (long long)r.same, (long long)r.conflicts, (long long)r.steps, (long long)r.links,
		         (long long)r.blocks);
		if (r.seen)
			buf_adds(&out, L_("\n(this medium was imported before: nothing new came from it)",
			                  "\n(この媒体は取り込み済みです: 新しい登録はありません)"));
		if (r.conflicts)
			buf_adds(&out, L_("\nconflicts to resolve: lifeboat incident orders conflicts",
			                  "\n解決が必要な競合があります: lifeboat incident orders conflicts"));
	}
	free(res);
	if (f)
		incident_file_close(f);
	for (size_t k = 0; k < nm; k++)
		be_medium_release(&m[k]);
	free(m);
	if (rc < 0) {
		buf_release(&out);
		return cli_error(rc);
	}
	if (json)
		json_finish(&w);
	code = cli_print(&out);
	buf_release(&out);
	return code;
}

static void side_json(struct json_w *w, const char *key, const struct be_order *o)
{
	json_key(w, key);
	json_obj(w);
	json_kv_str(w, "ward", o->ward);
	json_kv_str(w, "patient", o->patient);
	json_kv_str(w, "kind", be_kind_name(o->kind));
	ci_json_time(w, "clinical_time", o->clinical_ms);
	json_kv_str(w, "author", o->author);
	json_kv_str(w, "form_serial", o->form_serial);
	json_kv_str(w, "paper_at", o->paper_at);
	json_kv_str(w, "note", o->note);
	json_kv_str(w, "origin", o->origin);
	char hex[65];
	incident_hex(o->hash, 32, hex);
	json_kv_str(w, "hash", hex);
	json_end(w);
}

static void side_line(struct buf *b, char tag, const struct be_order *o)
{
	buf_addf(b, "\n  %c: %-6s %-8s %s  ", tag, o->ward, be_kind_label(o->kind), o->patient ? o->patient : "-");
	lb_format_local(b, o->clinical_ms);
	buf_addf(b, "  %s", o->author ? o->author : "-");
	if (o->note)
		buf_addf(b, "  (%s)", o->note);
	if (o->origin)
		buf_addf(b, "  [%s]", o->origin);
}

static int cmd_orders_conflicts(int argc, char **argv)
{
	struct ci_common c = {0};
	int json = 0, all = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_FLAG, 0, "all", &all, NULL, "also the resolved ones", "解決済みも表示"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident orders conflicts --incident FILE [--all] [--json]",
	        "The numbers a merge found with two contents: A, registered here first, and B, from a medium. Both "
	        "are\n"
	        "kept; compare them with the paper original and keep one ('lifeboat incident orders resolve').",
	        "取り込みで 2 つの内容が見つかった番号の一覧です。A はここで先に登録した内容、B は媒体の内容です。\n"
	        "両方残してあるので、紙の原本と照合してどちらかを残します ('lifeboat incident orders resolve')。",
	        "  lifeboat incident orders conflicts --incident /records/incident.db"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "余分な引数 '%s'"), argv[i]);
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct be_conflict *v;
	size_t n;
	int rc = be_conflicts_list(f, !all, &v, &n);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (json)
		json_arr(&w);
	for (size_t k = 0; k < n; k++) {
		const struct be_conflict *x = &v[k];
		char choice[2] = {x->choice, 0};
		if (json) {
			json_obj(&w);
			json_kv_int(&w, "id", x->id);
			json_kv_str(&w, "number", x->number);
			json_kv_int(&w, "entry", x->seq);
			ci_json_time(&w, "found_at", x->at_ms);
			side_json(&w, "a", &x->a);
			side_json(&w, "b", &x->b);
			json_kv_str(&w, "kept", x->choice ? choice : NULL);
			json_kv_str(&w, "resolved_by", x->resolved_by);
			ci_json_time(&w, "resolved_at", x->resolved_ms);
			json_kv_str(&w, "reason", x->reason);
			json_end(&w);
			continue;
		}
		if (k)
			buf_adds(&out, "\n");
		buf_addf(&out, L_("%s  conflict %lld (merge #%lld)", "%s  競合 %lld (取り込み #%lld)"), x->number,
		         (long long)x->id, (long long)x->seq);
		if (x->choice)
			buf_addf(&out, L_(": kept %c by %s: %s", ": %c を採用 (%s): %s"), x->choice,
			         x->resolved_by ? x->resolved_by : "-", x->reason ? x->reason : "-");
		side_line(&out, 'A', &x->a);
		side_line(&out, 'B', &x->b);
	}
	be_conflicts_release(v, n);
	if (!json && n == 0)
		buf_adds(&out, all ? L_("no conflict", "競合はありません")
		                   : L_("no open conflict", "未解決の競合はありません"));
	return cli_list_done(0, &out, json ? &w : NULL);
}

static int cmd_orders_resolve(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *keep = NULL, *reason = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "keep", &keep, "A|B",
	         "the content that stands: A (registered here) or B (the medium's)",
	         "採用する内容: A (ここで登録) か B (媒体)"},
	        {LB_OPT_STRING, 0, "reason", &reason, "R", "why (e.g. checked against the paper original)",
	         "理由 (例: 紙の原本と照合)"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident orders resolve NUMBER --incident FILE --keep A|B --reason R [--as NAME] [--json]",
	        "Decide a conflict: the register, the worklist and 'order show' then show the content kept. Nothing "
	        "is\n"
	        "overwritten: both contents stay in the file, and the decision is a new entry of the timeline, so it "
	        "can\n"
	        "be made again later (the newest stands). With several open conflicts on a number, the oldest is "
	        "decided.",
	        "競合を解決します。以後、登録一覧・作業一覧・'order show' "
	        "は採用した内容を表示します。上書きはしません:\n"
	        "両方の内容がファイルに残り、決定は記録の新しい 1 件なので、後から決め直せます (最新の決定が有効)。\n"
	        "1 つの番号に未解決の競合が複数あるときは、古いものから解決します。",
	        "  lifeboat incident orders resolve DT-3A-000123-9 --keep B --reason '紙の原本と照合' "
	        "--incident /records/incident.db --as '医事課 田中'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (argc - i != 1)
		return cli_usage(L_("resolve takes one NUMBER", "resolve には番号を 1 つ指定します"));
	if (!keep || (strcmp(keep, "A") && strcmp(keep, "B")))
		return cli_usage(
		        L_("resolve needs --keep A or --keep B", "resolve には --keep A か --keep B が必要です"));
	if (!reason || !*reason)
		return cli_usage(L_("resolve needs --reason R", "resolve には --reason R が必要です"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	int64_t id = 0, seq = 0;
	int rc = be_conflict_resolve(f, argv[i], keep[0], reason, c.as, os, &id, &seq);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "number", argv[i]);
		json_kv_int(&w, "conflict", id);
		json_kv_str(&w, "kept", keep);
		json_kv_int(&w, "entry", seq);
		json_end(&w);
		json_finish(&w);
	} else {
		buf_addf(&out,
		         L_("%s: conflict %lld resolved, %s kept (entry #%lld)",
		            "%s: 競合 %lld を解決し、%s を採用しました (#%lld)"),
		         argv[i], (long long)id, keep, (long long)seq);
	}
	code = cli_print(&out);
	buf_release(&out);
	return code;
}

int ci_orders(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"export", cmd_orders_export, "write the ward's register to a medium for the records office",
	         "病棟の登録を医事課向けの媒体に書き出し"},
	        {"import", cmd_orders_import, "merge a ward's medium (checked first; idempotent)",
	         "病棟の媒体を取り込む (先に検証、重複なし)"},
	        {"conflicts", cmd_orders_conflicts, "numbers merged with two contents, for a person to resolve",
	         "2 つの内容で取り込まれた番号 (人が解決)"},
	        {"resolve", cmd_orders_resolve, "keep one content of a conflict, with a reason",
	         "競合のどちらかの内容を理由とともに採用"},
	        {0},
	};
	return cli_dispatch(argc, argv, "incident orders", subs);
}
