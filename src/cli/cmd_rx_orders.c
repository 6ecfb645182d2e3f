/*
 * cmd_rx_orders.c - the orders recorded during the outage (`rx check --record`, the station's 記録):
 *
 *   rx orders --db F --patient PID [--all] [--json]   the running ones (or all, with who ended them and why)
 *   rx end --db F --id N --by NAME --reason TEXT     end, stop or cancel one: later checks no longer count it
 */
#include "cli_rx.h"

#include <stdint.h>
#include <string.h>

/* The level a recorded order was checked at ("stop", "warn", "none"); under ja as the check says it (中止, 要確認,
 * 警告なし). */
static const char *level_shown(const char *level)
{
	if (!level)
		return "";
	if (lb_lang() != LB_LANG_JA)
		return level; /* English keeps the code */
	if (!strcmp(level, "stop"))
		return rx_level_word(RX_STOP, 1);
	if (!strcmp(level, "warn"))
		return rx_level_word(RX_WARN, 1);
	if (!strcmp(level, "none"))
		return "警告なし";
	return level;
}

int cmd_rx_orders(int argc, char **argv)
{
	const char *db = NULL, *patient = NULL;
	int json = 0, all = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_STRING, 'p', "patient", &patient, "PID", "patient ID", "患者 ID"},
	        {LB_OPT_FLAG, 0, "all", &all, NULL, "also the ended orders and those past their days",
	         "終了・日数経過したものも表示"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat rx orders --db FILE --patient PID [--all] [--json]",
	        "List the patient's orders recorded during the outage ('rx check --record', the station's 記録):\n"
	        "id, date, drug, dose (and its dosing period: once a week …), the check's level, who recorded it, and "
	        "for an\n"
	        "ended one who ended it and why.\n"
	        "Without --all only the running ones (not ended, within their days): those later checks count.",
	        "ダウンタイム中に記録した処方 ('rx check --record'、ステーションの「記録」) を表示します: "
	        "番号、日時、\n"
	        "薬品、用量 (投与間隔: 週1回 など)、確認時のレベル、記録者、終了したものは終了者と理由。\n"
	        "--all がなければ継続中 (未終了・日数内) のもの、つまり以後の確認で照合されるものだけ。",
	        "  lifeboat rx orders --db store.db --patient 0001000046\n"
	        "  lifeboat rx orders --db store.db --patient 0001000046 --all --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("rx orders takes no operands ('%s')", "rx orders に引数は不要です ('%s')"),
		                 argv[i]);
	if (!db || !patient)
		return cli_usage(
		        L_("rx orders needs --db and --patient", "rx orders には --db と --patient が必要です"));
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0)
		return cli_error(rc);
	char today[11];
	lb_today(today, NULL);
	struct store_table t;
	rc = store_outage_list(s, patient, today, all, &t);
	store_close(s);
	if (rc < 0)
		return cli_error(rc);
	static const char *const col[STORE_OUT_COLS] = {
	        "id",       "patient",      "drug_code",  "drug_name",       "dose",     "unit",        "per_day",
	        "days",     "prescription", "level",      "override_reason", "recorded", "recorded_by", "ended",
	        "ended_by", "end_reason",   "period_days"};
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_arr(&w);
		for (size_t r = 0; r < t.nrows; r++) {
			json_obj(&w);
			for (size_t c = 0; c < STORE_OUT_COLS; c++)
				json_kv_str(&w, col[c], store_cell(&t, r, c));
			json_end(&w);
		}
		json_end(&w);
	} else if (!t.nrows)
		buf_adds(&out, all ? L_("no outage orders", "ダウンタイム中の処方はありません")
		                   : L_("no running outage orders", "継続中のダウンタイム中の処方はありません"));
	for (size_t r = 0; !json && r < t.nrows; r++) {
		/* the days supplied: " 7" (ja 「 7日分」), nothing when not given */
		char days[48] = "", tmp[32];
		struct buf at = {0}; /* recorded at, in the one local format of paper and the station */
		lb_format_stamp(&at, store_cell(&t, r, STORE_OUT_RECORDED));
		const char *pw = store_period_words(store_cell(&t, r, STORE_OUT_PERIOD), lb_lang() == LB_LANG_JA, tmp,
		                                    sizeof(tmp));
		if (strcmp(store_cell(&t, r, STORE_OUT_DAYS), "0"))
			snprintf(days, sizeof(days), L_(" %s", " %s日分"), store_cell(&t, r, STORE_OUT_DAYS));
		buf_addf(&out,
		         L_("%s#%s  %s  %s %s  %s%s × %s/day%s%s%s  [%s]  %s %s",
		            "%s#%s  %s  %s %s  %s%s × 1日%s回%s%s%s  [%s]  %s %s"),
		         r ? "\n" : "", store_cell(&t, r, STORE_OUT_ID), at.data ? at.data : "",
		         store_cell(&t, r, STORE_OUT_DRUG_CODE),
		         store_cell(&t, r, STORE_OUT_DRUG_NAME) ? store_cell(&t, r, STORE_OUT_DRUG_NAME) : "",
		         store_cell(&t, r, STORE_OUT_DOSE),
		         store_cell(&t, r, STORE_OUT_UNIT) ? store_cell(&t, r, STORE_OUT_UNIT) : "",
		         store_cell(&t, r, STORE_OUT_PER_DAY), *pw ? " " : "", pw, days,
		         level_shown(store_cell(&t, r, STORE_OUT_LEVEL)), L_("by", "記録者"),
		         store_cell(&t, r, STORE_OUT_RECORDED_BY));
		if (store_cell(&t, r, STORE_OUT_OVERRIDE))
			buf_addf(&out, "  %s %s", L_("override:", "理由:"), store_cell(&t, r, STORE_OUT_OVERRIDE));
		if (store_cell(&t, r, STORE_OUT_ENDED)) {
			struct buf ended = {0};
			lb_format_stamp(&ended, store_cell(&t, r, STORE_OUT_ENDED));
			buf_addf(&out, "  %s %s %s (%s)", L_("ended", "終了"), ended.data ? ended.data : "",
			         store_cell(&t, r, STORE_OUT_ENDED_BY), store_cell(&t, r, STORE_OUT_END_REASON));
			buf_release(&ended);
		}
	}
	store_table_release(&t);
	int prc = cli_print(&out);
	buf_release(&out);
	return prc;
}

int cmd_rx_end(int argc, char **argv)
{
	const char *db = NULL, *by = NULL, *reason = NULL;
	long id = 0;
	int code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_INT, 0, "id", &id, "N", "the outage order (# of 'rx orders')", "処方番号 ('rx orders' の #)", 1,
	         INT64_MAX / 2},
	        {LB_OPT_STRING, 0, "by", &by, "NAME", "who ends it (audit trail)", "実施者 (監査記録)"},
	        {LB_OPT_STRING, 0, "reason", &reason, "TEXT", "why (終了, 中止, 誤記録 …)",
	         "理由 (終了・中止・誤記録 …)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat rx end --db FILE --id N --by NAME --reason TEXT",
	        "End (stop, cancel, or mark as recorded in error) an order recorded during the outage: it is no "
	        "longer\n"
	        "checked against. The row is kept with who ended it, when and why ('rx orders --all').",
	        "ダウンタイム中に記録した処方を終了 (中止・取消・誤記録) します: 以後の照合の対象外になります。\n"
	        "記録は残り、終了者・日時・理由が付きます ('rx orders --all')。",
	        "  lifeboat rx end --db store.db --id 3 --by 'pharm 山田' --reason 中止"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("rx end takes no operands ('%s')", "rx end に引数は不要です ('%s')"), argv[i]);
	if (!db || !id || !by || !reason)
		return cli_usage(L_("rx end needs --db, --id, --by and --reason",
		                    "rx end には --db, --id, --by, --reason が必要です"));
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0)
		return cli_error(rc);
	char actor[256];
	cli_actor(by, actor, sizeof(actor));
	rc = store_outage_end(s, id, actor, reason);
	store_close(s);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	buf_addf(&out, "%s #%ld (%s %s)", L_("ended outage order", "ダウンタイム中の処方を終了:"), id,
	         L_("by", "実施者"), actor);
	int prc = cli_print(&out);
	buf_release(&out);
	return prc;
}
