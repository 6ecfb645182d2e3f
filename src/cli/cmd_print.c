/*
 * cmd_print.c - `lifeboat print`: paper for the downtime, written as PDF with Japanese fonts embedded.
 *
 *   print pack --db F --ward W --out DIR [--days N]   one ward: census, summaries, medication sheets, wristbands,
 *                                                     order forms with the patient's header filled in
 *   print forms --out DIR                             blank forms, each with a writing guide
 *   print appointments --db F --date D [--dept X] --out FILE   the call list of one day
 *   print all --db F --out DIR [--jobs N]             every ward, call lists, forms and an index; the previous set
 *                                                     is replaced atomically
 *   print numbers --incident F --ward W --kind K --out FILE   label sheets of downtime numbers (cmd_print_numbers.c)
 *
 * pack and all add each ward's downtime number sheets when the incident file (--incident, or incident.db next to
 * the store) holds blocks for it.
 */
#include "cli_print.h"

#include <string.h>

static int report(const struct print_stats *st, int json, const char *out)
{
	struct buf b = {0};
	if (json) {
		struct json_w w = {.out = &b};
		json_obj(&w);
		json_kv_str(&w, "out", out);
		json_kv_int(&w, "files", st->files);
		json_kv_int(&w, "pages", st->pages);
		json_kv_int(&w, "wards", st->wards);
		json_kv_int(&w, "patients", st->patients);
		json_kv_int(&w, "calls", st->calls);
		json_kv_int(&w, "numbers", st->numbers);
		json_kv_int(&w, "missing_glyphs", st->missing_glyphs);
		json_end(&w);
	} else {
		buf_addf(&b, "%s %s: %ld %s, %ld %s", L_("wrote", "出力"), out, st->files, L_("files", "ファイル"),
		         st->pages, L_("pages", "ページ"));
		if (st->wards)
			buf_addf(&b, ", %ld %s, %ld %s", st->wards, L_("wards", "病棟"), st->patients,
			         L_("patients", "名"));
		if (st->calls)
			buf_addf(&b, ", %ld %s", st->calls, L_("bookings", "件の予約"));
		if (st->missing_glyphs)
			buf_addf(&b, "; %ld %s", st->missing_glyphs,
			         L_("characters without a glyph (printed as boxes)", "文字は字形がなく□で印刷"));
	}
	int rc = cli_print(&b);
	buf_release(&b);
	return rc;
}

#define INCIDENT_OPT(target)                                                                                                                      \
	{                                                                                                                                         \
		LB_OPT_STRING, 0, "incident", (target), "FILE",                                                                                   \
		        "the incident file with the downtime numbers (default: incident.db next to --db, when there "                             \
		        "is one)",                                                                                                                \
		        "ダウンタイム番号のあるインシデントファイル (既定: --db の隣の incident.db があればそれ)" \
	}

static int print_pack_cmd(int argc, char **argv)
{
	const char *db = NULL, *ward = NULL, *out = NULL, *from = NULL, *incident = NULL;
	long days = 3;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_STRING, 'w', "ward", &ward, "W", "the ward (as in the census: 3A)", "病棟 (例: 3A)"},
	        {LB_OPT_STRING, 'o', "out", &out, "DIR", "folder to write the pack into", "出力フォルダ"},
	        {LB_OPT_INT, 0, "days", &days, "N", "days of administration boxes (default 3)",
	         "与薬記録の日数 (既定 3)", 1, 7},
	        {LB_OPT_STRING, 0, "from", &from, "DATE",
	         "first day of the medication sheets and call lists (YYYY-MM-DD; default today)",
	         "与薬記録・連絡リストの開始日 (YYYY-MM-DD、既定は今日)"},
	        INCIDENT_OPT(&incident),
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat print pack --db FILE --ward W --out DIR [--days N] [--from DATE] [--incident FILE] [--json]",
	        "Print a ward's downtime pack as PDF: 1_census (every patient of the ward with names, birth date,\n"
	        "allergies and same-name warnings), 2_summaries (identification banner, allergies first, medicines,\n"
	        "injections, problems, recent results), 3_medication_sheets (boxes to tick from today, or --from, "
	        "on),\n"
	        "4_wristbands (name, kana, ID, birth date and era, sex, blood group, Code 128 barcode of the ID),\n"
	        "5_order_forms (prescription, injection and lab order with the patient's header filled in) and\n"
	        "6_order_labels (one label per active order line with a barcode for the bedside check), and when the\n"
	        "incident file holds downtime numbers of the ward, 7_order_numbers and 8_patient_numbers (label "
	        "sheets\n"
	        "of its unused numbers: see 'lifeboat print numbers').",
	        "病棟のダウンタイム用一式を PDF で出力します: 1_census (病棟の全患者: 氏名・カナ・生年月日・\n"
	        "アレルギー・同姓同名の注意)、2_summaries (患者確認欄、アレルギー、処方、注射、病名、最近の検査)、\n"
	        "3_medication_sheets (今日 (または --from) からの実施チェック欄)、4_wristbands "
	        "(氏名・カナ・ID・生年月日 (和暦)・\n"
	        "性別・血液型・ID のバーコード)、5_order_forms (患者欄記入済みの処方箋・注射指示箋・検査依頼書)、\n"
	        "6_order_labels (有効な処方・注射 1 行ごとのラベル: ベッドサイド照合用バーコードつき)。インシデント\n"
	        "ファイルに病棟のダウンタイム番号があれば 7_order_numbers と 8_patient_numbers (未使用の番号のラベル\n"
	        "シート: 'lifeboat print numbers' を参照) も出力します。",
	        "  lifeboat print pack --db store.db --ward 3A --out /srv/downtime/3A\n"
	        "  lifeboat print pack --db store.db --ward 3A --out 3A --days 5 --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("print pack takes no operands ('%s')", "print pack に引数は不要です ('%s')"),
		                 argv[i]);
	if (!db || !ward || !out)
		return cli_usage(L_("print pack needs --db, --ward and --out",
		                    "print pack には --db, --ward, --out が必要です"));
	int y, m, d;
	if (from && lb_parse_day(from, &y, &m, &d) < 0)
		return cli_usage(
		        L_("--from '%s' is not a date (YYYY-MM-DD)", "--from '%s' は日付 (YYYY-MM-DD) ではありません"),
		        from);
	struct cpn_sheets ns;
	if ((code = cpn_pack_sheets(incident, db, ward, &ns)) != 0)
		return code;
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0) {
		cpn_sheets_release(&ns);
		return cli_error(rc);
	}
	struct print_opts o = {.mar_days = (int)days, .from = from, .numbers = ns.v, .n_numbers = ns.n};
	struct print_stats st = {0};
	rc = print_pack(s, ward, out, &o, &st);
	store_close(s);
	cpn_sheets_release(&ns);
	if (rc < 0)
		return cli_error(rc);
	return report(&st, json, out);
}

static int print_forms_cmd(int argc, char **argv)
{
	const char *out = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 'o', "out", &out, "DIR", "folder to write the forms into", "出力フォルダ"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat print forms --out DIR [--json]",
	        "Print the blank downtime forms, each followed by a one-page writing guide with a correct example:\n"
	        "prescription, injection order, lab order, nursing instruction slip, admission/transfer record (one "
	        "PDF\n"
	        "each and all_forms.pdf). Needs no store: print them before anything breaks.",
	        "ダウンタイム用の白紙の用紙を、記入例つきの「記入のしかた」1ページとともに出力します: 処方箋、\n"
	        "注射指示箋、検査依頼書、看護指示票、入退院・転棟記録 (各 PDF と all_forms.pdf)。ストア不要。",
	        "  lifeboat print forms --out /srv/downtime/forms"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("print forms takes no operands ('%s')", "print forms に引数は不要です ('%s')"),
		                 argv[i]);
	if (!out)
		return cli_usage(L_("print forms needs --out DIR", "print forms には --out DIR が必要です"));
	struct print_stats st = {0};
	int rc = print_forms(out, &st);
	if (rc < 0)
		return cli_error(rc);
	return report(&st, json, out);
}

static int print_appointments_cmd(int argc, char **argv)
{
	const char *db = NULL, *date = NULL, *dept = NULL, *out = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_STRING, 'd', "date", &date, "D", "the day (YYYY-MM-DD)", "日付 (YYYY-MM-DD)"},
	        {LB_OPT_STRING, 0, "dept", &dept, "X", "one department only (as in the bookings: 循環器内科)",
	         "診療科を限定 (例: 循環器内科)"},
	        {LB_OPT_STRING, 'o', "out", &out, "FILE", "the PDF to write", "出力する PDF"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat print appointments --db FILE --date D [--dept X] --out FILE [--json]",
	        "Print the call list of one day's bookings: by department and time, with the patient's name (kanji "
	        "and\n"
	        "kana), birth date, the phone to call and boxes for the result of the call. Cancelled bookings are\n"
	        "marked as such.",
	        "1 日分の外来予約の連絡リストを出力します: 診療科・時刻順に、氏名 "
	        "(漢字・カナ)、生年月日、連絡先電話、\n"
	        "連絡結果のチェック欄。取消済の予約はその旨を表示します。",
	        "  lifeboat print appointments --db store.db --date 2026-11-25 --out calls-1125.pdf\n"
	        "  lifeboat print appointments --db store.db --date 2026-11-25 --dept 循環器内科 --out cardio.pdf"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(
		        L_("print appointments takes no operands ('%s')", "print appointments に引数は不要です ('%s')"),
		        argv[i]);
	if (!db || !date || !out)
		return cli_usage(L_("print appointments needs --db, --date and --out",
		                    "print appointments には --db, --date, --out が必要です"));
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0)
		return cli_error(rc);
	struct print_stats st = {0};
	rc = print_appointments(s, date, dept, out, &st);
	store_close(s);
	if (rc < 0)
		return cli_error(rc);
	return report(&st, json, out);
}

static int print_all_cmd(int argc, char **argv)
{
	const char *db = NULL, *out = NULL, *from = NULL, *incident = NULL;
	long jobs = 2, days = 3;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_STRING, 'o', "out", &out, "DIR", "the folder of the set (replaced as a whole)",
	         "出力フォルダ (一式を置き換え)"},
	        {LB_OPT_INT, 'j', "jobs", &jobs, "N", "wards rendered in parallel (default 2)", "並列数 (既定 2)", 1,
	         64},
	        {LB_OPT_INT, 0, "days", &days, "N", "days of administration boxes (default 3)",
	         "与薬記録の日数 (既定 3)", 1, 7},
	        {LB_OPT_STRING, 0, "from", &from, "DATE",
	         "first day of the medication sheets and call lists (YYYY-MM-DD; default today)",
	         "与薬記録・連絡リストの開始日 (YYYY-MM-DD、既定は今日)"},
	        INCIDENT_OPT(&incident),
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat print all --db FILE --out DIR [--jobs N] [--days N] [--from DATE] [--incident FILE] [--json]",
	        "Print everything for the downtime into DIR: 0_index.pdf, wards/<ward>/ (each ward's pack), "
	        "calls/<date>.pdf\n"
	        "(today, or --from, and the six days after it, and every later day with a booking) and forms/. The "
	        "set\n"
	        "is built beside DIR and swapped in with one "
	        "rename, so DIR always holds a whole set. Run it hourly (cron or a systemd timer) on the station PC.\n"
	        "When the incident file (--incident, or incident.db next to the store) holds downtime numbers, each\n"
	        "ward's pack has the label sheets of its unused ones, and the index says what they are.",
	        "ダウンタイム用の一式を DIR に出力します: 0_index.pdf、wards/<病棟>/ "
	        "(病棟ごとの一式)、calls/<日付>.pdf\n"
	        "(今日 (または --from) から 7 日分と、それ以後に予約のある日の連絡リスト)、forms/。一式は DIR "
	        "の隣に作ってから 1 回の rename で\n"
	        "入れ替えるので、DIR には常に完全な一式があります。端末で 1 時間ごとに実行してください。\n"
	        "インシデントファイル (--incident、またはストアの隣の incident.db) "
	        "にダウンタイム番号があれば、各病棟の\n"
	        "一式に未使用の番号のラベルシートを加え、索引にその内容を載せます。",
	        "  lifeboat print all --db store.db --out /srv/downtime/paper\n"
	        "  # crontab: 5 * * * * lifeboat print all --db /srv/downtime/store.db --out /srv/downtime/paper"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("print all takes no operands ('%s')", "print all に引数は不要です ('%s')"),
		                 argv[i]);
	if (!db || !out)
		return cli_usage(L_("print all needs --db and --out", "print all には --db と --out が必要です"));
	int y, m, d;
	if (from && lb_parse_day(from, &y, &m, &d) < 0)
		return cli_usage(
		        L_("--from '%s' is not a date (YYYY-MM-DD)", "--from '%s' は日付 (YYYY-MM-DD) ではありません"),
		        from);
	struct cpn_sheets ns;
	if ((code = cpn_pack_sheets(incident, db, NULL, &ns)) != 0)
		return code;
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0) {
		cpn_sheets_release(&ns);
		return cli_error(rc);
	}
	struct lb_progress pr = {.label = "print"};
	struct print_opts o = {.mar_days = (int)days,
	                       .jobs = (int)jobs,
	                       .progress = &pr,
	                       .from = from,
	                       .numbers = ns.v,
	                       .n_numbers = ns.n};
	struct print_stats st = {0};
	rc = print_all(s, out, &o, &st);
	store_close(s);
	cpn_sheets_release(&ns);
	if (rc < 0)
		return cli_error(rc);
	return report(&st, json, out);
}

int cmd_print(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"pack", print_pack_cmd, "a ward's pack: census, summaries, medication sheets, wristbands, order forms",
	         "病棟の一式: 患者一覧・サマリー・与薬記録・リストバンド・指示用紙"},
	        {"forms", print_forms_cmd, "blank forms with writing guides", "白紙の用紙と記入のしかた"},
	        {"appointments", print_appointments_cmd, "the call list of one day's bookings",
	         "1 日分の外来予約の連絡リスト"},
	        {"all", print_all_cmd, "everything, replacing the previous set atomically",
	         "一式すべて (前回分を一括で置換)"},
	        {"numbers", cmd_print_numbers, "label sheets of downtime order and patient numbers",
	         "ダウンタイムのオーダー番号・患者番号のラベルシート"},
	        {0},
	};
	return cli_dispatch(argc, argv, "print", subs);
}
