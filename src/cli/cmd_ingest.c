/*
 * cmd_ingest.c - `lifeboat ingest`: load EHR exports (SS-MIX2 storage, FHIR NDJSON, appointments and drug master
 * CSV) into the clinical store, incrementally, in one transaction. Exit 1 when the store holds data-quality
 * warnings after loading everything that could be loaded.
 */
#include "cli.h"
#include "store/store.h"

#include <string.h>

#define WARN_SHOW 20

static const char *const warn_names[] = {"", "encoding", "parse", "mismatch", "unsupported", "limit"};

/* A warning's kind as a reader sees it (the code stays in JSON). */
static const char *warn_word(const char *kind)
{
	static const char *const ja[] = {"", "文字コード", "形式の誤り", "不一致", "未対応", "上限超過"};
	for (size_t k = 1; k < LB_ARRAY_LEN(warn_names); k++)
		if (!strcmp(kind, warn_names[k]))
			return L_(warn_names[k], ja[k]);
	return kind;
}

/* A warning's detail as a reader sees it: the store marks the kept-previous warnings with fixed English words
 * (STORE_KEPT_*, matched by the store and by this command); under ja they read in Japanese, the rest as written. */
static const char *detail_words(const char *detail, struct buf *tmp)
{
	static const struct {
		const char *mark, *ja;
	} marks[] = {
	        {STORE_KEPT_PREVIOUS, "読めません: 前回正常に読めた版の内容をストアに残しています"},
	        {STORE_KEPT_ALLERGIES,
	         "アレルギー (AL1) セグメントがありません: 前の版のアレルギーをストアに残しています"},
	};
	if (!detail || lb_lang() != LB_LANG_JA)
		return detail;
	for (size_t i = 0; i < LB_ARRAY_LEN(marks); i++) {
		size_t n = strlen(marks[i].mark);
		if (strncmp(detail, marks[i].mark, n))
			continue;
		buf_reset(tmp);
		buf_adds(tmp, marks[i].ja);
		const char *rest = detail + n, *empty = strstr(rest, STORE_EMPTY_MESSAGE);
		if (empty) {
			buf_add(tmp, rest, (size_t)(empty - rest));
			buf_adds(tmp, "そのデータ種別の内容がありません");
			rest = empty + strlen(STORE_EMPTY_MESSAGE);
		}
		buf_adds(tmp, rest);
		return tmp->data;
	}
	return detail;
}

static int print_warning(void *ctx, const char *path, const char *kind, const char *detail)
{
	struct json_w *w = ctx;
	if (w) {
		json_obj(w);
		json_kv_str(w, "path", path);
		json_kv_str(w, "kind", kind);
		json_kv_str(w, "detail", detail);
		json_end(w);
	} else {
		struct buf tmp = {0};
		const char *d = detail_words(detail, &tmp);
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s: %s: %s\n", path ? path : "-",
		        kind ? warn_word(kind) : "", d ? d : "");
		buf_release(&tmp);
	}
	return 0;
}

static void summary_json(struct store *s, const struct store_ingest_stats *st, struct buf *out)
{
	struct json_w w = {.out = out};
	struct store_meta m;
	store_meta_get(s, &m);
	json_obj(&w);
	json_kv_int(&w, "files_seen", st->files_seen);
	json_kv_int(&w, "files_current", st->files_current);
	json_kv_int(&w, "files_loaded", st->files_loaded);
	json_kv_int(&w, "files_unchanged", st->files_unchanged);
	json_kv_int(&w, "files_removed", st->files_removed);
	json_kv_int(&w, "files_skipped", st->files_skipped);
	json_kv_int(&w, "files_kept_previous", st->files_kept_previous);
	json_kv_int(&w, "allergies_kept", st->allergies_kept);
	json_kv_bool(&w, "full_walk", st->full_walk);
	json_kv_int(&w, "patient_folders_unchanged", st->dirs_unchanged);
	json_kv_int(&w, "messages", st->messages);
	json_key(&w, "messages_by_type");
	json_obj(&w);
	for (int i = 0; i < st->ntypes; i++)
		json_kv_int(&w, st->by_type[i].type, st->by_type[i].n);
	json_end(&w);
	json_kv_int(&w, "raw_only", st->raw_only);
	json_kv_int(&w, "records", st->records);
	json_kv_int(&w, "warnings", st->warnings);
	json_key(&w, "warnings_by_kind");
	json_obj(&w);
	for (size_t k = 1; k < LB_ARRAY_LEN(warn_names); k++)
		json_kv_int(&w, warn_names[k], st->warn_by_kind[k]);
	json_end(&w);
	json_kv_int(&w, "store_warnings", st->store_warnings);
	/* Every warning this run raised, with no cap (scripts act on them); the store's earlier warnings, of files
	 * this run did not read again, are counted in warnings_earlier and listed by --warnings. */
	json_key(&w, "warning_list");
	json_arr(&w);
	long run = store_warnings_of_run(s, st->run_id, 0, print_warning, &w);
	json_end(&w);
	json_kv_int(&w, "warnings_earlier", run >= 0 && st->store_warnings > run ? st->store_warnings - run : 0);
	json_kv_int(&w, "patients", st->patients);
	json_kv_str(&w, "as_of", m.as_of);
	json_kv_bool(&w, "as_of_unknown", m.as_of_unknown); /* as_of is the load time: the data holds none */
	json_kv_str(&w, "generation", m.generation[0] ? m.generation : NULL);
	json_kv_int(&w, "elapsed_ms", st->elapsed_ms);
	json_end(&w);
}

static void summary_text(const struct store_ingest_stats *st, struct buf *out)
{
	buf_addf(out, "%s: %ld %s, %ld %s, %ld %s, %ld %s\n", L_("files", "ファイル"), st->files_seen,
	         L_("seen", "検出"), st->files_loaded, L_("loaded", "読込"), st->files_unchanged,
	         L_("unchanged", "変更なし"), st->files_removed, L_("removed", "削除"));
	if (st->dirs_unchanged)
		buf_addf(out, "%s: %ld\n",
		         L_("patient folders unchanged (not listed)", "変更のない患者フォルダ (未走査)"),
		         st->dirs_unchanged);
	buf_addf(out, "%s: %ld", L_("messages", "メッセージ"), st->messages);
	for (int i = 0; i < st->ntypes; i++)
		buf_addf(out, "%s%s %ld", i ? ", " : " (", st->by_type[i].type, st->by_type[i].n);
	buf_addf(out, "%s; %s: %ld\n", st->ntypes ? ")" : "", L_("kept raw only", "原文のみ保存"), st->raw_only);
	buf_addf(out, "%s: %ld; %s: %ld (%s: %ld)\n", L_("records written", "書込レコード"), st->records,
	         L_("warnings this run", "今回の警告"), st->warnings, L_("in the store", "ストア全体"),
	         st->store_warnings);
	buf_addf(out, "%s: %ld; %.1f s", L_("patients", "患者数"), st->patients, st->elapsed_ms / 1000.0);
}

/* The warnings of this run on stderr; a damaged file whose last good version was kept is said loudly (with --json
 * too, where only those are printed). */
struct run_warnings {
	long shown;
	int kept_only;
};

static int print_run_warning(void *ctx, const char *path, const char *kind, const char *detail)
{
	struct run_warnings *rw = ctx;
	rw->shown++;
	if (detail && !strncmp(detail, STORE_KEPT_PREVIOUS, strlen(STORE_KEPT_PREVIOUS)) &&
	    strstr(detail, STORE_EMPTY_MESSAGE))
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s: '%s' %s\n", L_("WARNING", "警告"),
		        path ? path : "-",
		        L_("carries no data of its type and was not loaded: the store keeps its previous version "
		           "(an empty message is not taken as \"nothing left\"); if it is meant, load it with "
		           "--accept-shrink",
		           "にはそのデータ種別の内容がないため読み込みませんでした。前の版の内容をストアに残しています "
		           "(空のメッセージを「すべて削除」とはみなしません)。意図したものなら --accept-shrink "
		           "で読み込んでください"));
	else if (detail && !strncmp(detail, STORE_KEPT_ALLERGIES, strlen(STORE_KEPT_ALLERGIES)))
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s: '%s' %s\n", L_("WARNING", "警告"),
		        path ? path : "-",
		        L_("names the patient but carries no AL1 allergy segment: the allergies of the earlier "
		           "version stay in the store (a missing AL1 is not taken as \"no allergies\"); check them "
		           "with the EHR, which says \"no known allergies\" with an AL1 row",
		           "には患者情報がありますがアレルギー (AL1) がありません。"
		           "前の版のアレルギーをストアに残しています (AL1 がないことを「アレルギーなし」とは"
		           "みなしません)。電子カルテで確認してください (「アレルギーなし」は AL1 行で送られます)"));
	else if (detail && !strncmp(detail, STORE_KEPT_PREVIOUS, strlen(STORE_KEPT_PREVIOUS)))
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s: '%s' %s\n", L_("WARNING", "警告"),
		        path ? path : "-",
		        L_("is damaged and was not loaded: the store keeps the records of its last good version "
		           "(its patients stay as they were); replace the file from the EHR or a backup",
		           "は壊れているため読み込みませんでした。前回正常に読めた版の内容をストアに残しています "
		           "(患者情報は前のまま)。電子カルテまたはバックアップからファイルを戻してください"));
	return rw->kept_only ? 0 : print_warning(NULL, path, kind, detail);
}

/* `ingest --db FILE --warnings`: every warning the store holds. */
static int list_warnings(const char *db)
{
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0)
		return cli_error(rc);
	long n = store_warnings_each(s, 0, print_warning, NULL);
	store_close(s);
	printf("%ld %s\n", n, L_("warnings in the store", "件の警告がストアにあります"));
	return n > 0 ? LB_EXIT_FINDING : LB_EXIT_OK;
}

int cmd_ingest(int argc, char **argv)
{
	const char *db = NULL, *ssmix2 = NULL, *fhir = NULL, *appts = NULL, *drugs = NULL, *gen = NULL;
	int json = 0, full = 0, code, accept_shrink = 0, warnings = 0;
	long full_every = 24, max_shrink = 50;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store (created if missing)",
	         "臨床データストア (なければ作成)"},
	        {LB_OPT_STRING, 0, "ssmix2", &ssmix2, "DIR", "SS-MIX2 standard storage root",
	         "SS-MIX2 標準化ストレージのルート"},
	        {LB_OPT_STRING, 0, "fhir", &fhir, "DIR", "folder of FHIR R4 *.ndjson files",
	         "FHIR R4 *.ndjson のフォルダ"},
	        {LB_OPT_STRING, 0, "appointments", &appts, "CSV", "appointments feed (docs/feeds.md)",
	         "予約 CSV (docs/feeds.md)"},
	        {LB_OPT_STRING, 0, "drugs", &drugs, "CSV", "drug master feed (docs/feeds.md)",
	         "医薬品マスタ CSV (docs/feeds.md)"},
	        {LB_OPT_STRING, 0, "generation", &gen, "ID",
	         "vault generation the sources came from (shown on stations)", "データの取得元世代 (端末に表示)"},
	        {LB_OPT_FLAG, 0, "full", &full, NULL,
	         "SS-MIX2: list every folder and check every file, not only folders that changed",
	         "SS-MIX2: 変更のあったフォルダだけでなく全フォルダ・全ファイルを確認"},
	        {LB_OPT_INT, 0, "full-every", &full_every, "HOURS",
	         "SS-MIX2: a run is --full when the last full one is this old (default 24, 0: never by itself)",
	         "SS-MIX2: 前回の全確認からこの時間が経てば全確認 (既定 24、0 で自動では行わない)", 0, 100000},
	        {LB_OPT_INT, 0, "max-shrink", &max_shrink, "PERCENT",
	         "refuse a feed that would remove more than this share of the records the store holds from it "
	         "(default 50, 100: no limit)",
	         "ストアにあるそのフィードのレコードをこの割合より多く減らす取込は拒否 (既定 50、100 で制限なし)", 1,
	         100},
	        {LB_OPT_FLAG, 0, "accept-shrink", &accept_shrink, NULL,
	         "a deliberate replacement: load a feed even if it removes most of the records",
	         "意図した置き換え: レコードが大きく減る取込も行う"},
	        {LB_OPT_FLAG, 0, "warnings", &warnings, NULL,
	         "list every warning the store holds (of earlier runs too) and exit",
	         "ストアにある警告 (以前の取込の分も) をすべて表示して終了"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print the summary as JSON", "結果を JSON で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat ingest --db FILE [--ssmix2 DIR] [--fhir DIR] [--appointments CSV] [--drugs CSV] [--full]\n"
	        "                [--full-every HOURS] [--max-shrink PERCENT] [--accept-shrink] [--json]\n"
	        "lifeboat ingest --db FILE --warnings",
	        "Load EHR exports into the clinical store in one transaction: readers see the store before or after,\n"
	        "never half-loaded. A second run skips unchanged files and applies changes and deletions (SS-MIX2: "
	        "the\n"
	        "newest version of each record wins, flag 0 deletes). Data-quality problems (undecodable bytes, "
	        "broken\n"
	        "messages, a PID-3 naming another patient, stray file names) are warnings: everything that can be "
	        "loaded\n"
	        "is, and the exit code is then 1.\n"
	        "SS-MIX2 writers add a file for every new version, which changes its folder: a re-run lists only the\n"
	        "patient folders whose folders changed. A file rewritten in place under the same name is found by the\n"
	        "next full run: --full, or by itself once the last full run is --full-every hours old "
	        "(docs/store.md).\n"
	        "Bad input never removes good data: a damaged SS-MIX2 or FHIR file that loaded before keeps the "
	        "records\n"
	        "of its last good version (a loud warning names it). A feed that is not plausible (a required column\n"
	        "missing, or removing more than --max-shrink percent of the records the store holds from it: an empty\n"
	        "tree, a drug master cut to its header) is refused with exit 2 and the store stays as it was;\n"
	        "--accept-shrink loads a deliberate replacement. Only this run's warnings are printed; --warnings "
	        "lists\n"
	        "all of them (docs/feeds.md).",
	        "電子カルテの出力を 1 トランザクションで臨床データストアに取り込みます (途中の状態は見えません)。\n"
	        "2 回目以降は変更のないファイルを飛ばし、変更と削除を反映します (SS-MIX2 は最新版が有効、フラグ 0 "
	        "は削除)。\n"
	        "文字化け、壊れたメッセージ、保存先と異なる患者ID、不正なファイル名は警告とし、読めるものはすべて\n"
	        "読み込んだうえで終了コード 1 を返します。\n"
	        "SS-MIX2 "
	        "は版ごとに新しいファイルを追加するためフォルダが変わります。再実行では変わったフォルダの患者だけを\n"
	        "読みます。同じ名前のまま書き換えられたファイルは次の全確認 (--full、または前回から --full-every "
	        "時間後) で\n"
	        "反映されます (docs/store.md)。\n"
	        "不正な入力で正しいデータは消えません: 以前読めた SS-MIX2 / FHIR ファイルが壊れていれば前回正常な版の\n"
	        "内容を残し、そのファイル名を警告します。妥当でないフィード (必須列がない、ストアにあるそのフィードの\n"
	        "レコードを --max-shrink の割合より多く減らす: 空のツリー、ヘッダだけの医薬品マスタなど) は終了コード "
	        "2 で\n"
	        "拒否し、ストアは元のままです。意図した置き換えは --accept-shrink。表示する警告は今回の取込の分だけ\n"
	        "で、すべては --warnings で表示します (docs/feeds.md)。",
	        "  lifeboat ingest --db clinical.db --ssmix2 /mnt/restore/ssmix2\n"
	        "  lifeboat ingest --db clinical.db --ssmix2 h/ssmix2 --fhir h/fhir --appointments h/appointments.csv "
	        "\\\n"
	        "      --drugs h/drugs.csv --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("ingest takes no operands ('%s')", "ingest に引数は不要です ('%s')"), argv[i]);
	if (!db)
		return cli_usage(L_("ingest needs --db FILE", "ingest には --db FILE が必要です"));
	if (warnings)
		return list_warnings(db);
	if (!ssmix2 && !fhir && !appts && !drugs)
		return cli_usage(L_("ingest needs at least one of --ssmix2, --fhir, --appointments, --drugs",
		                    "ingest には --ssmix2, --fhir, --appointments, --drugs のいずれかが必要です"));
	struct store *s;
	int rc = store_open(&s, db, 1);
	if (rc < 0)
		return cli_error(rc);
	struct lb_progress pg = {.label = "ingest"};
	struct store_ingest_opts o = {.ssmix2_dir = ssmix2,
	                              .fhir_dir = fhir,
	                              .appointments_csv = appts,
	                              .drugs_csv = drugs,
	                              .generation = gen,
	                              .progress = &pg,
	                              .full = full,
	                              .full_every_h = full_every ? (int)full_every : -1,
	                              .max_shrink_pct = (int)max_shrink,
	                              .accept_shrink = accept_shrink};
	struct store_ingest_stats st;
	rc = store_ingest(s, &o, &st);
	if (rc < 0) {
		store_close(s);
		return cli_error(rc);
	}
	struct buf out = {0};
	if (json) {
		summary_json(s, &st, &out);
		if (st.files_kept_previous || st.allergies_kept) {
			struct run_warnings rw = {.kept_only = 1};
			store_warnings_of_run(s, st.run_id, 0, print_run_warning, &rw);
		}
	} else {
		summary_text(&st, &out);
		/* This run's warnings only; the rest (of files this run did not read again) are counted and pointed to. */
		struct run_warnings rw = {0};
		long run = store_warnings_of_run(s, st.run_id, WARN_SHOW, print_run_warning, &rw);
		if (run > rw.shown)
			fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %ld %s\n", run - rw.shown,
			        L_("more warnings of this run", "件の今回の警告があります"));
		if (st.store_warnings > run)
			fprintf(stderr, /* i18n-ok: the program name */
			        "lifeboat: %ld %s: lifeboat ingest --db %s --warnings (%s)\n", st.store_warnings - run,
			        L_("earlier warnings of files not read again this run", "件は以前の取込の警告です"), db,
			        L_("table warnings", "warnings 表"));
	}
	store_close(s);
	int prc = cli_print(&out);
	buf_release(&out);
	if (prc)
		return prc;
	return st.store_warnings ? LB_EXIT_FINDING : LB_EXIT_OK;
}
