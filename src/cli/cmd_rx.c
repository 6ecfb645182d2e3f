/*
 * cmd_rx.c - `lifeboat rx`: the prescription safety checks the EHR did and paper lost.
 *
 *   rx search --db F TEXT [--json]          drug master search from three characters (kana any width or script,
 *                                           kanji, brand or generic, code); a brand with its generics and back
 *   rx check --db F --patient PID --drug CODE --dose X [--unit U] --per-day N [--days D] [--pregnant] [--json]
 *                                           the order against the patient's allergies, active medicines, pregnancy,
 *                                           the maximum daily dose, the age limits and look-alike names; exit 0
 *                                           none or INFO, 1 STOP, 3 WARN (2 bad input)
 *   rx check … --line CODE:DOSE:N …         the other lines of the prescription, each checked against the others
 *   rx check … --record --by NAME [--override REASON]   keep the checked lines as outage orders
 *   rx orders, rx end                       the outage orders (cmd_rx_orders.c)
 *   rx check … --bench N                    run the same check N times in process and report the latency
 */
#include "cli_rx.h"

#include <stdlib.h>
#include <string.h>

/* rx check's exit code for a WARN (要確認) and no STOP: not success, not the STOP of 1, not the bad input of 2. */
#define RX_EXIT_WARN 3

static void result_json(const struct rx_order *o, const struct rx_result *r, struct buf *out)
{
	struct json_w w = {.out = out};
	const struct ehr_patient *p = &r->patient.patient;
	json_obj(&w);
	json_kv_str(&w, "patient", p->id);
	json_kv_bool(&w, "no_record", r->patient.no_record);
	struct buf t = {0};
	buf_addf(&t, "%s %s", p->family_kanji ? p->family_kanji : "", p->given_kanji ? p->given_kanji : "");
	json_kv_str(&w, "name_kanji", t.data);
	buf_reset(&t);
	buf_addf(&t, "%s %s", p->family_kana ? p->family_kana : "", p->given_kana ? p->given_kana : "");
	json_kv_str(&w, "name_kana", t.data);
	buf_release(&t);
	json_kv_str(&w, "birth_date", p->birth_date);
	json_kv_int(&w, "same_full_name", r->patient.same_full_name);
	json_key(&w, "allergies");
	json_arr(&w);
	for (size_t i = 0; i < r->patient.n_allergies; i++) {
		const struct ehr_allergy *al = &r->patient.allergies[i];
		json_obj(&w);
		json_kv_str(&w, "name", al->name);
		json_kv_str(&w, "reaction", al->reaction);
		json_kv_str(&w, "severity", al->severity);
		json_end(&w);
	}
	json_end(&w);
	json_kv_str(&w, "as_of", r->as_of);
	json_kv_bool(&w, "as_of_unknown", r->as_of_unknown);
	json_key(&w, "age_months"); /* today (lb_today) */
	if (r->age_months >= 0)
		json_int(&w, r->age_months);
	else
		json_null_value(&w);
	json_key(&w, "drug");
	json_obj(&w);
	cli_rx_drug_json(&w, &r->drug);
	json_end(&w);
	json_key(&w, "order");
	json_obj(&w);
	json_key(&w, "dose");
	json_double(&w, o->dose);
	json_kv_str(&w, "unit", o->unit ? o->unit : r->drug.unit);
	json_key(&w, "per_day");
	json_double(&w, o->per_day);
	json_kv_int(&w, "days", o->days);
	json_key(&w, "daily");
	if (r->daily > 0)
		json_double(&w, r->daily);
	else
		json_null_value(&w);
	json_kv_str(&w, "daily_unit", r->unit);
	json_kv_int(&w, "period_days", o->period_days > 1 ? o->period_days : 1);
	json_kv_int(&w, "product_period_days", r->period_days);
	/* the same ingredient already given: active medicines, the other lines, the running outage orders */
	json_key(&w, "active_daily");
	json_double(&w, r->active_daily);
	json_key(&w, "lines_daily");
	json_double(&w, r->lines_daily);
	json_key(&w, "outage_daily");
	json_double(&w, r->outage_daily);
	json_key(&w, "total_daily");
	if (r->total_daily > 0)
		json_double(&w, r->total_daily);
	else
		json_null_value(&w);
	json_key(&w, "weight_kg");
	if (r->weight_kg > 0)
		json_double(&w, r->weight_kg);
	else
		json_null_value(&w);
	json_kv_bool(&w, "pregnant", r->pregnant);
	json_end(&w);
	json_kv_bool(&w, "stop", r->stop);
	int warn = 0;
	for (size_t i = 0; i < r->n; i++)
		warn |= r->v[i].level == RX_WARN;
	json_kv_bool(&w, "warn", warn);
	json_key(&w, "alerts");
	json_arr(&w);
	for (size_t i = 0; i < r->n; i++) {
		const struct rx_alert *a = &r->v[i];
		json_obj(&w);
		json_kv_str(&w, "level", rx_level_name(a->level));
		json_kv_str(&w, "kind", a->kind);
		json_kv_str(&w, "reason_en", a->reason_en);
		json_kv_str(&w, "reason_ja", a->reason_ja);
		json_key(&w, "basis");
		json_obj(&w);
		json_kv_str(&w, "type", a->basis.type);
		json_kv_str(&w, "id", a->basis.id);
		json_kv_str(&w, "text", a->basis.text);
		json_end(&w);
		json_end(&w);
	}
	json_end(&w);
	json_end(&w);
}

static void result_text(const struct rx_order *o, const struct rx_result *r, struct buf *out)
{
	const struct ehr_patient *p = &r->patient.patient;
	buf_addf(out, "%s  %s %s (%s %s)  %s", p->id,
	         r->patient.no_record ? STORE_NO_RECORD
	         : p->family_kanji    ? p->family_kanji
	                              : "",
	         p->given_kanji ? p->given_kanji : "", p->family_kana ? p->family_kana : "",
	         p->given_kana ? p->given_kana : "", p->birth_date ? p->birth_date : "");
	if (r->age_months >= 0) {
		buf_adds(out, " (");
		rx_age_text(out, r->age_months, lb_lang() == LB_LANG_JA);
		buf_addch(out, ')');
	}
	int ja = lb_lang() == LB_LANG_JA;
	if (r->patient.same_full_name > 0)
		buf_addf(out, "\n!! %s (%d): %s", L_("SAME FULL NAME", "同姓同名"), r->patient.same_full_name,
		         L_("another patient has this name: confirm the ID and birth date",
		            "同じ氏名の患者がいます: ID と生年月日を確認してください"));
	buf_addf(out, "\n%s: ", L_("allergies", "アレルギー"));
	if (!r->patient.n_allergies)
		buf_adds(out, L_("none recorded", "記録なし"));
	for (size_t i = 0; i < r->patient.n_allergies; i++) {
		const struct ehr_allergy *al = &r->patient.allergies[i];
		buf_addf(out, "%s%s", i ? ", " : "", al->name ? al->name : "?");
		if (al->reaction && *al->reaction)
			buf_addf(out, " (%s)", al->reaction);
	}
	buf_addf(out, "\n%s %s  %s", L_("drug:", "薬品:"), r->drug.code, r->drug.name);
	if (r->drug.high_alert)
		buf_addf(out, "  [%s]", RX_HIGH_ALERT_WORD(ja));
	buf_addf(out, "\n%s ", L_("dose:", "用量:"));
	rx_dose_text(o, r, out, ja);
	if (r->n == 0)
		buf_addf(out, "\n%s", L_("no alerts", "警告なし"));
	for (size_t i = 0; i < r->n; i++) {
		const struct rx_alert *a = &r->v[i];
		buf_addf(out, "\n%-4s  %s\n      %s %s%s%s%s", rx_level_word(a->level, ja),
		         L_(a->reason_en, a->reason_ja), L_("basis:", "根拠:"), rx_basis_word(a->basis.type, ja),
		         a->basis.id ? " " : "", a->basis.id ? a->basis.id : "", a->basis.text ? " — " : "");
		if (a->basis.text)
			buf_adds(out, L_(a->basis.text, a->basis.text_ja));
	}
	buf_addf(out, "\n%s ", L_("data as of", "データ時点"));
	store_as_of_show(out, r->as_of, r->as_of_unknown); /* 2026/11/24 20:29: as on paper and the station */
}

/* One line of a paper prescription. */
struct rx_line {
	const char *code;
	double dose;
	const char *unit;
	double per_day;
	char text[128];    /* the basis other lines show: "line 2: 100007401 200mg × 2/day" */
	char text_ja[128]; /* the same in Japanese: 「2行目: 100007401 200mg × 1日2回」 */
	char name[96];     /* the master's name, once checked */
};

/* The basis a line shows on the others, in both languages. */
static void line_text(struct rx_line *l, int n, const char *code, const char *dose, double per_day)
{
	snprintf(l->text, sizeof(l->text), "line %d: %s %s × %g/day", n, code, dose, per_day);
	snprintf(l->text_ja, sizeof(l->text_ja), "%d行目: %s %s × 1日%g回", n, code, dose, per_day);
}

/* "CODE:DOSE:N" (100007401:200mg:2) into l; the strings point into arg's copy kept in keep. */
static int parse_line(char *arg, struct rx_line *l, int n)
{
	char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return -1;
	*c1 = *c2 = 0;
	const char *times = NULL;
	l->code = arg;
	if (!*arg || rx_parse_amount(c1 + 1, &l->dose, &l->unit) < 0 ||
	    rx_parse_amount(c2 + 1, &l->per_day, &times) < 0 || l->per_day > 48 ||
	    (times && strcmp(times, "回") && strcmp(times, "回/日")))
		return -1;
	line_text(l, n, arg, c1 + 1, l->per_day);
	return 0;
}

static int rx_check_run(int argc, char **argv, struct lb_strlist *linelist, char ***copies);

static int rx_check_cmd(int argc, char **argv)
{
	struct lb_strlist lines = {0};
	char **copies = NULL;
	int rc = rx_check_run(argc, argv, &lines, &copies);
	for (size_t k = 0; copies && k < lines.n; k++)
		free(copies[k]);
	free(copies);
	lb_strlist_free(&lines);
	return rc;
}

/* The audit line of one recorded order, as the basis of the alerts it raises (ja: in Japanese). */
static void outage_text(const struct store_table *t, size_t r, struct buf *b, int ja)
{
	buf_addf(b, ja ? "%.10s %s %s%s × 1日%s回 (#%s, 記録者 %s)" : "%.10s %s %s%s × %s/day (#%s, %s)",
	         store_cell(t, r, STORE_OUT_RECORDED),
	         store_cell(t, r, STORE_OUT_DRUG_NAME) ? store_cell(t, r, STORE_OUT_DRUG_NAME)
	                                               : store_cell(t, r, STORE_OUT_DRUG_CODE),
	         store_cell(t, r, STORE_OUT_DOSE),
	         store_cell(t, r, STORE_OUT_UNIT) ? store_cell(t, r, STORE_OUT_UNIT) : "",
	         store_cell(t, r, STORE_OUT_PER_DAY), store_cell(t, r, STORE_OUT_ID),
	         store_cell(t, r, STORE_OUT_RECORDED_BY));
	char tmp[32]; /* a weekly order says so: "… (#3, pharm 山田) once a week" */
	const char *pw =
	        store_period_words(store_cell(t, r, STORE_OUT_PERIOD), lb_lang() == LB_LANG_JA, tmp, sizeof(tmp));
	if (*pw)
		buf_addf(b, " %s", pw);
}

static int rx_check_run(int argc, char **argv, struct lb_strlist *linelist, char ***copies)
{
	const char *db = NULL, *patient = NULL, *drug = NULL, *dose = NULL, *unit = NULL, *per_day = NULL;
	const char *by = NULL, *override = NULL;
	long days = 0, bench = 0, period = 0;
	int json = 0, pregnant = 0, not_pregnant = 0, record = 0, weekly = 0, code;
	struct lb_strlist *lines_p = linelist;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_STRING, 'p', "patient", &patient, "PID", "patient ID", "患者 ID"},
	        {LB_OPT_STRING, 0, "drug", &drug, "CODE", "drug code (local, YJ or HOT) of the master",
	         "薬品コード (院内・YJ・HOT)"},
	        {LB_OPT_STRING, 0, "dose", &dose, "X", "dose per administration (250, 0.5, 250mg)",
	         "1 回量 (250, 0.5, 250mg)"},
	        {LB_OPT_STRING, 0, "unit", &unit, "U", "unit of the dose (mg, g, μg, mL, 錠 …; default: the master's)",
	         "用量の単位 (mg, g, μg, mL, 錠 …; 既定: マスタの単位)"},
	        {LB_OPT_STRING, 0, "per-day", &per_day, "N", "administrations a day (3 or 3回)",
	         "1 日の回数 (3 または 3回)"},
	        {LB_OPT_INT, 0, "days", &days, "D", "days supplied", "日数", 0, 3650},
	        {LB_OPT_FLAG, 0, "weekly", &weekly, NULL, "given once a week (--per-day times on that day)",
	         "週1回投与 (投与日に --per-day 回)"},
	        {LB_OPT_INT, 0, "period", &period, "D", "given one day every D days (7: weekly; default 1, daily)",
	         "D 日に1回投与 (7: 週1回; 既定 1: 毎日)", 1, 365},
	        {LB_OPT_FLAG, 0, "pregnant", &pregnant, NULL, "the patient is pregnant (refused for a male patient)",
	         "妊娠中 (男性患者には指定できません)"},
	        {LB_OPT_FLAG, 0, "not-pregnant", &not_pregnant, NULL,
	         "the patient was asked and is not pregnant (no 'pregnancy possible' warning)",
	         "妊娠していないことを確認済み (「妊娠の可能性を確認」を出さない)"},
	        {LB_OPT_LIST, 0, "line", lines_p, "CODE:DOSE:N",
	         "another line of the same prescription (drug code, dose with unit, times a day); repeatable",
	         "同じ処方箋の他の薬 (薬品コード:用量と単位:1日回数)。複数指定可"},
	        {LB_OPT_FLAG, 0, "record", &record, NULL,
	         "record the checked lines as outage orders (later checks count them); needs --by",
	         "確認した処方をダウンタイム中の処方として記録 (以後の確認で照合)。--by が必要"},
	        {LB_OPT_STRING, 0, "by", &by, "NAME", "who records (audit trail)", "記録者 (監査記録)"},
	        {LB_OPT_STRING, 0, "override", &override, "REASON",
	         "record despite a stop-level alert, with the prescriber's reason",
	         "中止レベルの警告があっても記録 (処方医の理由)"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "JSON: order, alerts with level, reasons (ja, en) and basis",
	         "JSON 出力 (警告レベル・理由 (日英)・根拠)"},
	        {LB_OPT_INT, 0, "bench", &bench, "N", "run the check N times and print its latency",
	         "N 回実行して所要時間を表示", 1, 1000000},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat rx check --db FILE --patient PID --drug CODE --dose X [--unit U] --per-day N [--days D]\n"
	        "                  [--line CODE:DOSE:N]… [--record --by NAME [--override REASON]] [--pregnant | "
	        "--not-pregnant] "
	        "[--json]\n"
	        "                  [--bench N]",
	        "Check a paper prescription against the patient's downtime snapshot and the drug master: recorded\n"
	        "allergies (coded, or free text such as ペニシリン) against the drug and its class, a duplicate "
	        "ingredient\n"
	        "or class among active medicines, interactions (a shared interaction group), pregnancy (--pregnant or "
	        "a\n"
	        "recorded pregnancy), the maximum daily dose (dose × per day), and the drug's age limits (the\n"
	        "patient's age today, from the birth date), the possibility of pregnancy (a 禁忌 drug for a woman of\n"
	        "12-55 with no recorded pregnancy status), and look-alike names (名称類似) among active medicines.\n"
	        "The header shows same-name patients (同姓同名), the allergies and a high-alert (ハイリスク薬) mark.\n"
	        "Each alert has a level (STOP, WARN, INFO; --lang ja: 中止, 要確認, 情報), the reason and the record\n"
	        "it rests on. A safe order prints 'no alerts'.\n"
	        "A shared interaction group is a stop when the master marks it 併用禁忌, else a warning; the same\n"
	        "therapeutic class (薬効分類) is a duplicate. --line adds the other lines of the same paper "
	        "prescription:\n"
	        "every line is checked against the others. Orders recorded with --record during the outage (see\n"
	        "'lifeboat rx orders') are checked like active medicines; a line with a stop is recorded only with\n"
	        "--override and the prescriber's reason.\n"
	        "Exit codes: 0 no alert or INFO only, 1 a STOP, 3 a WARN (and no STOP), 2 unknown patient or drug,\n"
	        "or bad input (--pregnant for a male patient).",
	        "紙の処方を患者のダウンタイム用データと薬品マスタで確認します: アレルギー歴 (コード、または\n"
	        "ペニシリン などの記載) と薬剤・系統、処方中の薬との成分・同効薬の重複、相互作用 (同じ相互作用\n"
	        "グループ)、妊婦 (--pregnant または記録された妊娠)、1日最大量 (1回量 × 回数)、年齢制限 (生年月日\n"
	        "から今日の年齢)、妊娠の可能性 (12〜55歳の女性で妊娠の記録がないときの禁忌薬)、処方中の薬との\n"
	        "名称類似。見出しに同姓同名・アレルギー・ハイリスク薬の表示。警告ごとにレベル (中止 / 要確認 /\n"
	        "情報)、理由、根拠の記録を示します。問題がなければ「警告なし」。\n"
	        "共通の相互作用グループはマスタが併用禁忌とすれば stop、それ以外は warn。同じ薬効分類は同効薬重複。\n"
	        "--line で同じ処方箋の他の薬を加えると、各行を互いに照合します。--record で記録したダウンタイム中の\n"
	        "処方 ('lifeboat rx orders') も処方中の薬と同様に照合します。stop のある処方は --override (処方医の\n"
	        "理由) がなければ記録しません。\n"
	        "終了コード: 0 警告なしまたは情報のみ、1 中止あり、3 要確認あり (中止なし)、2 患者・薬品が不明\n"
	        "または入力誤り (男性患者への --pregnant を含む)。",
	        "  lifeboat rx check --db store.db --patient 0001000046 --drug 100000101 --dose 250 --unit mg "
	        "--per-day 3 --days 7\n"
	        "  lifeboat rx check --db store.db --patient 0001000046 --drug 100001001 --dose 1 --unit 錠 --per-day "
	        "3 --json\n"
	        "  lifeboat rx check --db store.db --patient 0001000046 --drug 100002001 --dose 2 --per-day 1 "
	        "--pregnant\n"
	        "  lifeboat rx check --db store.db --patient 0001000046 --drug 100000501 --dose 0.5g --per-day 3 "
	        "--line 100007401:200mg:2 --record --by 'pharm 山田'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("rx check takes no operands ('%s')", "rx check に引数は不要です ('%s')"), argv[i]);
	if (!db || !patient || !drug || !dose || !per_day)
		return cli_usage(L_("rx check needs --db, --patient, --drug, --dose and --per-day",
		                    "rx check には --db, --patient, --drug, --dose, --per-day が必要です"));
	if (weekly && period && period != 7)
		return cli_usage(L_("--weekly and --period %ld disagree", "--weekly と --period %ld が一致しません"),
		                 period);
	struct rx_order o = {.patient_id = patient,
	                     .drug_code = drug,
	                     .unit = unit,
	                     .days = (int)days,
	                     .pregnant = pregnant,
	                     .period_days = weekly ? 7 : (int)period,
	                     .not_pregnant = not_pregnant};
	if (pregnant && not_pregnant)
		return cli_usage(L_("--pregnant and --not-pregnant exclude each other",
		                    "--pregnant と --not-pregnant は同時に指定できません"));
	if (unit && rx_unit_refused(unit))
		return cli_usage(L_("--unit '%s': γ means μg/kg/min on a ward, not μg; write the dose in μg or mg",
		                    "--unit '%s': γ は病棟では μg/kg/分 の意味です。μg か mg で指定してください"),
		                 unit);
	const char *dose_unit = NULL;
	if (rx_parse_amount(dose, &o.dose, &dose_unit) < 0)
		return cli_usage(L_("--dose: %s (nothing was checked)", "--dose: %s (確認していません)"), lb_errmsg());
	char unit_buf[64];
	if (dose_unit) {
		if (unit &&
		    strcmp(rx_unit_norm(unit, unit_buf, sizeof(unit_buf)), rx_unit_norm(dose_unit, unit_buf + 32, 32)))
			return cli_usage(
			        L_("--dose '%s' and --unit '%s' disagree", "--dose '%s' と --unit '%s' が一致しません"),
			        dose, unit);
		o.unit = dose_unit;
	}
	const char *times = NULL; /* "3", "3回", "3回/日" */
	if (rx_parse_amount(per_day, &o.per_day, &times) < 0 || o.per_day > 48 ||
	    (times && strcmp(times, "回") && strcmp(times, "回/日")))
		return cli_usage(L_("--per-day '%s' is not a number of times a day",
		                    "--per-day '%s' は 1 日の回数ではありません"),
		                 per_day);
	if (record && (!by || !*by))
		return cli_usage(L_("--record needs --by NAME (who records, for the audit trail)",
		                    "--record には --by (記録者) が必要です"));
	if ((by || override) && !record)
		return cli_usage(
		        L_("--by and --override go with --record", "--by と --override は --record と使います"));
	if (record && bench > 0)
		return cli_usage(L_("--record and --bench do not go together", "--record と --bench は併用できません"));
	/* line 1 is --drug; --line adds the others */
	size_t nl = 1 + linelist->n;
	struct rx_line *ln = lb_calloc(nl, sizeof(*ln));
	ln[0] = (struct rx_line){.code = drug, .dose = o.dose, .unit = o.unit, .per_day = o.per_day};
	char dose1[96]; /* the dose as written, with --unit when it was given apart: 「2錠」 */
	snprintf(dose1, sizeof(dose1), "%s%s", dose, !dose_unit && unit ? unit : "");
	line_text(&ln[0], 1, drug, dose1, o.per_day);
	*copies = lb_calloc(linelist->n ? linelist->n : 1, sizeof(**copies));
	for (size_t k = 0; k < linelist->n; k++) {
		(*copies)[k] = lb_strdup(linelist->v[k]);
		if (parse_line((*copies)[k], &ln[k + 1], (int)k + 2) < 0) {
			free(ln);
			return cli_usage(
			        L_("--line '%s' is not CODE:DOSE:TIMES-A-DAY (100007401:200mg:2)",
			           "--line '%s' は 薬品コード:用量:1日回数 (100007401:200mg:2) ではありません"),
			        linelist->v[k]);
		}
	}
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0) {
		free(ln);
		return cli_error(rc);
	}
	/* the outage's running orders of the patient, and the other lines: what each line is checked against */
	char today[11];
	lb_today(today, NULL);
	struct store_table out_t;
	if ((rc = store_outage_list(s, patient, today, 0, &out_t)) < 0) {
		free(ln);
		store_close(s);
		return cli_error(rc);
	}
	struct rx_other *others = lb_calloc(nl + out_t.nrows, sizeof(*others));
	/* otext[2k] in English, otext[2k + 1] in Japanese */
	char **otext = lb_calloc(out_t.nrows ? 2 * out_t.nrows : 1, sizeof(*otext));
	for (size_t k = 0; k < 2 * out_t.nrows; k++) {
		struct buf b = {0};
		outage_text(&out_t, k / 2, &b, (int)(k % 2));
		buf_grow(&b, 1);
		otext[k] = buf_detach(&b, NULL);
	}
	struct rx_result r;
	struct buf out = {0};
	int stop = 0, any_warn = 0;
	for (size_t k = 0; k < nl && rc == 0; k++) {
		size_t no = 0;
		for (size_t j = 0; j < nl; j++)
			if (j != k)
				others[no++] = (struct rx_other){.drug_code = ln[j].code,
				                                 .dose = ln[j].dose,
				                                 .unit = ln[j].unit,
				                                 .per_day = ln[j].per_day,
				                                 .period_days = o.period_days > 1 ? o.period_days : 1,
				                                 .basis_type = "prescription",
				                                 .text = ln[j].text,
				                                 .text_ja = ln[j].text_ja};
		for (size_t j = 0; j < out_t.nrows; j++)
			others[no++] = (struct rx_other){.drug_code = store_cell(&out_t, j, STORE_OUT_DRUG_CODE),
			                                 .dose = atof(store_cell(&out_t, j, STORE_OUT_DOSE)),
			                                 .unit = store_cell(&out_t, j, STORE_OUT_UNIT),
			                                 .per_day = atof(store_cell(&out_t, j, STORE_OUT_PER_DAY)),
			                                 .period_days = store_outage_period(&out_t, j),
			                                 .basis_type = "outage-order",
			                                 .id = store_cell(&out_t, j, STORE_OUT_ID),
			                                 .text = otext[2 * j],
			                                 .text_ja = otext[2 * j + 1]};
		o.drug_code = ln[k].code;
		o.dose = ln[k].dose;
		o.unit = ln[k].unit;
		o.per_day = ln[k].per_day;
		o.others = others;
		o.n_others = no;
		if (k == 0 && bench > 0) {
			int64_t *ns = lb_calloc((size_t)bench, sizeof(*ns));
			for (long n = 0; n < bench && rc == 0; n++) {
				int64_t t0 = lb_mono_ns();
				rc = rx_check(s, &o, &r);
				ns[n] = lb_mono_ns() - t0;
				rx_result_release(&r);
			}
			if (rc == 0) {
				/* sort for percentiles */
				for (long a = 1; a < bench; a++) {
					int64_t v = ns[a];
					long b = a;
					while (b > 0 && ns[b - 1] > v) {
						ns[b] = ns[b - 1];
						b--;
					}
					ns[b] = v;
				}
				int64_t sum = 0;
				for (long n = 0; n < bench; n++)
					sum += ns[n];
				buf_addf(&out,
				         "rx check: %ld runs, mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms",
				         bench, (double)sum / (double)bench / 1e6, (double)ns[bench / 2] / 1e6,
				         (double)ns[(bench * 99) / 100 < bench ? (bench * 99) / 100 : bench - 1] / 1e6,
				         (double)ns[bench - 1] / 1e6);
			}
			free(ns);
			break;
		}
		rc = rx_check(s, &o, &r);
		if (rc < 0) {
			rx_result_release(&r);
			break;
		}
		if (nl > 1)
			buf_adds(&out, json ? (k ? "," : "{\"lines\":[") : (k ? "\n\n" : ""));
		if (json)
			result_json(&o, &r, &out);
		else
			result_text(&o, &r, &out);
		stop |= r.stop;
		for (size_t a = 0; a < r.n; a++)
			any_warn |= r.v[a].level == RX_WARN;
		snprintf(ln[k].name, sizeof(ln[k].name), "%s", r.drug.name ? r.drug.name : ln[k].code);
		rx_result_release(&r);
	}
	if (rc == 0 && nl > 1 && json)
		buf_addf(&out, "],\"stop\":%s}", stop ? "true" : "false");
	if (rc == 0 && record && bench == 0) {
		if (stop && (!override || !*override)) {
			buf_addf(&out, "\n%s",
			         L_("NOT RECORDED: a stop-level alert; record only with --override and the "
			            "prescriber's reason",
			            "記録していません: 中止レベルの警告があります。記録するには --override "
			            "で処方医の理由を指定"));
		} else {
			char pid[32], actor[256];
			snprintf(pid, sizeof(pid), "RX-%lld", (long long)lb_now_ms());
			cli_actor(by, actor, sizeof(actor));
			struct store_outage_new *nv = lb_calloc(nl, sizeof(*nv));
			int64_t *idv = lb_calloc(nl, sizeof(*idv));
			for (size_t k = 0; k < nl; k++)
				nv[k] = (struct store_outage_new){.patient_id = patient,
				                                  .drug_code = ln[k].code,
				                                  .drug_name = ln[k].name,
				                                  .dose = ln[k].dose,
				                                  .unit = ln[k].unit,
				                                  .per_day = ln[k].per_day,
				                                  .days = (int)days,
				                                  .period_days = o.period_days,
				                                  .prescription = pid,
				                                  .level = stop       ? "stop"
				                                           : any_warn ? "warn"
				                                                      : "none",
				                                  .override_reason = stop ? override : NULL,
				                                  .recorded_by = actor};
			rc = store_outage_add(s, nv, nl, idv);
			struct buf ids = {0};
			for (size_t k = 0; rc == 0 && k < nl; k++)
				buf_addf(&ids, "%s#%lld", k ? ", " : "", (long long)idv[k]);
			free(nv);
			free(idv);
			if (rc == 0 && !json)
				buf_addf(&out, "\n%s %s (%s %s)",
				         L_("recorded as outage orders", "ダウンタイム中の処方として記録:"), ids.data,
				         L_("by", "記録者"), actor);
			buf_release(&ids);
		}
	}
	for (size_t k = 0; k < 2 * out_t.nrows; k++)
		free(otext[k]);
	free(otext);
	free(others);
	free(ln);
	store_table_release(&out_t);
	int warn = any_warn;
	store_close(s);
	if (rc < 0) {
		buf_release(&out);
		return cli_error(rc);
	}
	int prc = out.len ? cli_print(&out) : 0;
	buf_release(&out);
	if (prc)
		return prc;
	return stop ? LB_EXIT_FINDING : warn ? RX_EXIT_WARN : LB_EXIT_OK;
}

int cmd_rx(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"search", cmd_rx_search, "find drugs from three characters (kana, kanji, brand, generic, code)",
	         "薬品を 3 文字から検索 (カナ・漢字・商品名・一般名・コード)"},
	        {"check", rx_check_cmd,
	         "check a paper prescription (allergy, duplicate, interaction, pregnancy, max dose)",
	         "紙処方の確認 (アレルギー・重複・相互作用・妊婦・極量)"},
	        {"orders", cmd_rx_orders, "list a patient's orders recorded during the outage",
	         "ダウンタイム中に記録した処方の一覧"},
	        {"end", cmd_rx_end, "end or cancel an order recorded during the outage",
	         "ダウンタイム中に記録した処方の終了・取消"},
	        {0},
	};
	return cli_dispatch(argc, argv, "rx", subs);
}
