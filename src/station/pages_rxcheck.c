/*
 * pages_rxcheck.c - GET /rx/check: a paper prescription line checked against the patient's downtime snapshot and
 * the drug master (rx_check), as the pharmacist types it: drug (picked through the drug search, or typed: a code,
 * or three characters or more of a name), dose with or without its unit, times a day, days, pregnant.
 *
 * The page shows the patient's identification banner and allergies, then the result: a verdict (STOP / WARN /
 * no alert), the order with its daily total against the maximum, and each alert with its level, reason and the
 * record it rests on. Printed (print button or the browser's), it is a sheet to staple to the paper prescription:
 * banner, order, alerts, the data's as-of time, the 「ダウンタイム用控え / downtime copy」 mark, who checked and
 * when, and lines for the prescriber's answer.
 *
 * Every request that shows the patient is one audit entry (rx-check), written before the page with what happened:
 * the form, a choice of drugs, the input refused, or the result with its level and alert kinds.
 *
 * The 記録 form it shows posts to /rx/record (pages_rxrecord.c).
 */
#include "rxcheck_int.h"

#include <stdlib.h>
#include <string.h>

/* "ST-" and 16 hex digits: what the page makes (a typed or forged one is refused). */
int rxc_id_ok(const char *s)
{
	if (!s || strncmp(s, "ST-", 3) || strlen(s) != 19)
		return 0;
	for (const char *c = s + 3; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return 0;
	return 1;
}

/* The roles that may record a prescription as outage orders (the others check only). */
int rxc_may_record(const char *role)
{
	return !strcmp(role, "doctor") || !strcmp(role, "pharmacist") || !strcmp(role, "nurse");
}

static void form_read(struct station_req *r, struct rx_form *f)
{
	memset(f, 0, sizeof(*f));
	f->patient = station_arg_opt(r, "patient", &f->bad);
	f->drug = station_arg_opt(r, "drug", &f->bad);
	f->dose = station_arg_opt(r, "dose", &f->bad);
	f->unit = station_arg_opt(r, "unit", &f->bad);
	f->per_day = station_arg_opt(r, "per_day", &f->bad);
	f->days = station_arg_opt(r, "days", &f->bad);
	f->lines = station_arg_opt(r, "lines", &f->bad);
	f->period = station_arg_opt(r, "period", &f->bad);
	f->rx = station_arg_opt(r, "rx", &f->bad);
	f->recorded = station_arg_opt(r, "recorded", &f->bad);
	if ((f->rx && !rxc_id_ok(f->rx)) || (f->recorded && !rxc_id_ok(f->recorded)))
		f->bad = 1;
	const char *pg = station_arg_opt(r, "pregnant", &f->bad);
	f->pregnant = pg && strcmp(pg, "0");
	const char *np = station_arg_opt(r, "not_pregnant", &f->bad);
	f->not_pregnant = np && strcmp(np, "0");
	const char *wk = station_arg_opt(r, "weekly", &f->bad);
	f->weekly = wk && strcmp(wk, "0");
}

/* The check's URL with drug replaced by code (the links of a choice between drugs keep the rest of the order). */
static void form_url(struct buf *b, const struct rx_form *f, const char *code)
{
	const char *names[] = {"patient", "drug", "dose", "unit", "per_day", "days", "period", "lines", "rx"};
	const char *vals[] = {f->patient, code, f->dose, f->unit, f->per_day, f->days, f->period, f->lines, f->rx};
	buf_adds(b, "/rx/check");
	for (size_t i = 0, n = 0; i < LB_ARRAY_LEN(names); i++) {
		if (!vals[i])
			continue;
		buf_addf(b, "%c%s=", n++ ? '&' : '?', names[i]);
		station_url_value(b, vals[i]);
	}
	if (f->pregnant)
		buf_adds(b, "&pregnant=1");
	if (f->not_pregnant)
		buf_adds(b, "&not_pregnant=1");
	if (f->weekly)
		buf_adds(b, "&weekly=1");
}

/* The order as typed, checked the way `rx check` checks its flags. Returns 0, or -1 with *msg set (to why's text
 * when the library said why: a refused unit is named as the CLI names it, in the request's language). */
static int order_read(struct station_req *r, const struct rx_form *f, struct rx_order *o, const char **msg,
                      struct buf *why)
{
	if (!f->dose || !f->per_day) {
		*msg = T_("Enter the dose and the times a day.", "1回量と1日の回数を入力してください。");
		return -1;
	}
	const char *dose_unit = NULL;
	if (rx_parse_amount(f->dose, &o->dose, &dose_unit) < 0) {
		if (rx_amount_unit_message(why, f->dose, r->lang_ja))
			*msg = buf_cstr(why); /* 「'60kg': kg は用量の単位ではありません …」 */
		else
			*msg = T_("The dose is a number (250, 0.5, 250mg).",
			          "1回量は数値で入力してください (250, 0.5, 250mg)。");
		return -1;
	}
	if (f->unit && rx_unit_message(why, f->unit, f->unit, r->lang_ja)) {
		*msg = buf_cstr(why);
		return -1;
	}
	o->unit = f->unit;
	if (dose_unit && *dose_unit) {
		char a[32], c[32];
		if (f->unit && strcmp(rx_unit_norm(f->unit, a, sizeof(a)), rx_unit_norm(dose_unit, c, sizeof(c)))) {
			*msg = T_("The dose's unit and the unit field disagree.",
			          "1回量の単位と単位欄が一致しません。");
			return -1;
		}
		o->unit = dose_unit;
	}
	const char *times = NULL; /* "3", "3回", "3回/日" */
	if (rx_parse_amount(f->per_day, &o->per_day, &times) < 0 || o->per_day > 48 ||
	    (times && *times && strcmp(times, "回") && strcmp(times, "回/日"))) {
		*msg = T_("Times a day is a number (3, or 3回).", "1日の回数は数値で入力してください (3 または 3回)。");
		return -1;
	}
	o->days = 0;
	if (f->days) {
		char *end;
		long d = strtol(f->days, &end, 10);
		if (*end || d < 0 || d > 3650) {
			*msg = T_("Days is a whole number from 0 to 3650.", "日数は 0〜3650 の整数です。");
			return -1;
		}
		o->days = (int)d;
	}
	long period = 0;
	if (f->period) {
		char *end;
		period = strtol(f->period, &end, 10);
		if (*end || period < 1 || period > 365) {
			*msg = T_("The dosing period is a whole number of days from 1 to 365 (7: once a week).",
			          "投与間隔は 1〜365 の日数です (7: 週1回)。");
			return -1;
		}
	}
	if (f->weekly && period && period != 7) {
		*msg = T_("'Once a week' and the dosing period disagree.", "「週1回」と投与間隔が一致しません。");
		return -1;
	}
	o->period_days = f->weekly ? 7 : (int)period;
	if (f->pregnant && f->not_pregnant) {
		*msg = T_("'Pregnant' and 'not pregnant' exclude each other.",
		          "「妊娠中」と「妊娠していない」は同時に指定できません。");
		return -1;
	}
	o->pregnant = f->pregnant;
	o->not_pregnant = f->not_pregnant;
	return 0;
}

static void check_form(struct station_req *r, struct buf *b, const struct rx_form *f, const char *drug_value,
                       const char *drug_name)
{
	station_html(b,
	             "<form method=\"get\" action=\"/rx/check\" class=\"rxform no-print\">"
	             "<input type=\"hidden\" name=\"patient\" value=\"%s\">"
	             "<input type=\"hidden\" name=\"lines\" value=\"%s\">",
	             f->patient, f->lines ? f->lines : "");
	if (f->rx)
		station_html(b, "<input type=\"hidden\" name=\"rx\" value=\"%s\">", f->rx);
	station_html(b,
	             "<div class=\"row\"><label class=\"drugfield\">%s <input name=\"drug\" value=\"%s\" required "
	             "autocomplete=\"off\" placeholder=\"%s\" data-drug-search=\"rx-suggest\" data-patient=\"%s\" "
	             "data-pick=\"1\"%R></label>",
	             T_("Drug", "薬品"), drug_value ? drug_value : "",
	             T_("code, or 3 characters of a name", "コード、または名前を3文字以上"), f->patient,
	             drug_value ? "" : " autofocus");
	if (drug_name)
		station_html(b, " <span class=\"picked\" id=\"rx-picked\">%s</span>", drug_name);
	else
		station_html(b, " <span class=\"picked\" id=\"rx-picked\"></span>");
	station_html(b,
	             "</div><ul id=\"rx-suggest\" class=\"suggest\" aria-live=\"polite\"></ul>"
	             "<div class=\"row\"><label>%s <input name=\"dose\" value=\"%s\" size=\"8\" inputmode=\"decimal\""
	             "%R></label> <label>%s <input name=\"unit\" value=\"%s\" size=\"6\" list=\"rx-units\"></label>"
	             " <label>%s <input name=\"per_day\" value=\"%s\" size=\"4\" inputmode=\"numeric\"></label>"
	             " <label>%s <input name=\"days\" value=\"%s\" size=\"4\" inputmode=\"numeric\"></label>"
	             "</div>",
	             T_("Dose (once)", "1回量"), f->dose, drug_value ? " autofocus" : "", T_("Unit", "単位"), f->unit,
	             T_("Times a day", "1日回数"), f->per_day, T_("Days", "日数"), f->days);
	/* the dosing period (rx check --period / --weekly): a list of the usual ones; another typed into the URL
	 * is kept as an option of its own */
	int period = f->weekly ? 7 : f->period ? atoi(f->period) : 1;
	static const int usual[] = {1, 2, 7, 14, 28};
	station_html(b, "<div class=\"row\"><label>%s <select name=\"period\" id=\"rx-period\">",
	             T_("Given", "投与間隔"));
	int listed = 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(usual); i++) {
		const int d = usual[i];
		char word[64];
		if (d == 1)
			snprintf(word, sizeof(word), "%s", T_("every day", "毎日"));
		else if (d == 7)
			snprintf(word, sizeof(word), "%s", T_("once a week", "週1回"));
		else if (r->lang_ja)
			snprintf(word, sizeof(word), "%d日に1回", d);
		else
			snprintf(word, sizeof(word), "every %d days", d);
		listed |= d == period;
		station_html(b, "<option value=\"%d\"%R>%s</option>", d, d == period ? " selected" : "", word);
	}
	if (!listed && period > 1 && period <= 365)
		station_html(b, "<option value=\"%d\" selected>%d %s</option>", period, period, T_("days", "日"));
	station_html(b,
	             "</select></label>"
	             " <label class=\"check\"><input type=\"checkbox\" name=\"pregnant\" value=\"1\"%R> %s</label>"
	             " <label class=\"check\"><input type=\"checkbox\" name=\"not_pregnant\" value=\"1\"%R> %s</label>"
	             " <button type=\"submit\">%s</button></div>"
	             "<datalist id=\"rx-units\"><option value=\"mg\"><option value=\"g\"><option value=\"μg\">"
	             "<option value=\"mL\"><option value=\"錠\"><option value=\"カプセル\"><option value=\"包\">"
	             "<option value=\"単位\"></datalist></form>\n",
	             f->pregnant ? " checked" : "", T_("pregnant", "妊娠中"), f->not_pregnant ? " checked" : "",
	             T_("not pregnant (asked)", "妊娠していない (確認済み)"), T_("Check", "チェック"));
}

static void result_html(struct station_req *r, struct buf *b, const struct rx_order *o, const struct rx_result *x)
{
	int warn = 0;
	for (size_t i = 0; i < x->n; i++)
		warn |= x->v[i].level == RX_WARN;
	const char *cls = x->stop ? "stop" : warn ? "warn" : "ok";
	station_html(b,
	             "<section class=\"verdict %R\" id=\"rx-verdict\" data-verdict=\"%R\"><div class=\"big\">%s</div>"
	             "<div>%s</div></section>\n",
	             cls, cls,
	             x->stop ? T_("STOP", "中止")
	             : warn  ? T_("CHECK", "要確認")
	                     : T_("NO ALERT", "警告なし"),
	             x->stop ? T_("Do not dispense without asking the prescriber.",
	                          "処方医に確認するまで調剤しないでください。")
	             : warn ? T_("Check each warning before dispensing.", "警告を確認してから調剤してください。")
	                    : T_("No alert for this order in the downtime data.",
	                         "ダウンタイム用データではこの処方に警告はありません。"));
	const struct ehr_drug *d = &x->drug;
	char n1[32], n2[32], n3[32];
	station_html(
	        b,
	        "<section class=\"rxorder\"><h2>%s</h2><p class=\"drugline\"><b>%s</b> <span class=\"code\">%s</span>",
	        T_("Order checked", "チェックした処方"), d->name, d->code);
	station_html(b, " <span class=\"badge %R\">%s</span> %s</p>",
	             rx_is_generic_product(d->name) ? "generic" : "brand",
	             rx_is_generic_product(d->name) ? T_("generic", "後発品") : T_("brand", "先発品"), d->generic_name);
	if (d->high_alert)
		station_html(b, " <span class=\"badge high-alert\">%s</span>", RX_HIGH_ALERT_WORD(r->lang_ja));
	const char *u = o->unit ? o->unit : d->unit;
	if (r->lang_ja)
		station_html(b, "<p>1回 %s%s × 1日 %s回", station_num(n1, o->dose), u, station_num(n2, o->per_day));
	else
		station_html(b, "<p>%s %s per dose, %s times a day", station_num(n1, o->dose), u,
		             station_num(n2, o->per_day));
	if (o->period_days == 7)
		station_html(b, " <span class=\"period\" id=\"rx-order-period\">%s</span>", T_("once a week", "週1回"));
	else if (o->period_days > 1)
		station_html(b,
		             r->lang_ja ? " <span class=\"period\" id=\"rx-order-period\">%d日に1回</span>"
		                        : " <span class=\"period\" id=\"rx-order-period\">every %d days</span>",
		             o->period_days);
	if (o->days > 0)
		station_html(b, r->lang_ja ? " × %d日分" : ", %d days", o->days);
	/* the totals are per the product's dosing period (rx_result.daily): a day, or a week for a weekly product */
	const int wk = x->period_days == 7;
	if (x->daily > 0)
		station_html(b, " &rarr; %s %s %s", wk ? T_("weekly", "1週量") : T_("daily", "1日量"),
		             station_num(n3, x->daily), x->unit);
	if (d->max_daily_dose > 0)
		station_html(b, " (%s %s %s)", wk ? T_("max a week", "1週最大") : T_("max", "1日最大"),
		             station_num(n1, d->max_daily_dose), x->unit);
	if (x->pregnant)
		station_html(b, " <span class=\"badge preg\">%s</span>", T_("pregnant", "妊娠中"));
	else if (o->not_pregnant)
		station_html(b, " <span class=\"badge\" id=\"rx-not-pregnant\">%s</span>",
		             T_("not pregnant (asked)", "妊娠していない (確認済み)"));
	station_html(b, "</p></section>\n");
	if (!x->n) {
		station_html(b, "<p class=\"none\">%s</p>", T_("No alerts.", "警告なし"));
		return;
	}
	station_html(b,
	             "<table class=\"alerts\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
	             "<tbody>\n",
	             T_("Level", "レベル"), T_("Check", "項目"), T_("Reason", "理由"), T_("Rests on", "根拠"));
	for (size_t i = 0; i < x->n; i++) {
		const struct rx_alert *a = &x->v[i];
		station_html(b,
		             "<tr class=\"lv-%R\"><td class=\"level\">%s</td><td class=\"kind\" "
		             "data-kind=\"%R\">%s</td><td>%s</td>"
		             "<td class=\"basis\">%s",
		             rx_level_name(a->level), rx_level_word(a->level, r->lang_ja), a->kind,
		             rx_kind_word(a->kind, r->lang_ja), T_(a->reason_en, a->reason_ja),
		             rx_basis_word(a->basis.type, r->lang_ja));
		if (a->basis.id)
			station_html(b, " %s", a->basis.id);
		if (a->basis.text)
			station_html(b, ": %s", T_(a->basis.text, a->basis.text_ja));
		station_html(b, "</td></tr>\n");
	}
	station_html(b, "</tbody></table>\n");
}

/* The part of the printed sheet that makes it a record: mark, as-of, who checked and when, answer lines. */
static void stamp(struct station_req *r, struct buf *b, const char *as_of, int as_of_unknown)
{
	struct buf now = {0}, asof = {0};
	lb_format_local(&now, lb_now_ms());
	store_as_of_show(&asof, as_of, as_of_unknown); /* 「取込時刻 … (データ時点不明)」 when the data holds no time */
	station_html(b,
	             "<section class=\"stamp\"><div class=\"mark\">ダウンタイム用控え / downtime copy</div>"
	             "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s (%s)</dd></dl>"
	             "<p class=\"lines\">%s ____________________ &nbsp; %s ____________________</p></section>\n",
	             T_("Data as of", "データ時点"), asof.data ? asof.data : "?", T_("Checked at", "チェック日時"),
	             now.data, T_("Checked by", "チェック者"), r->sess.user, station_role_label(r, r->sess.role),
	             T_("Prescriber's answer", "処方医の回答"), T_("Pharmacist", "薬剤師"));
	buf_release(&now);
	buf_release(&asof);
}

static void detail_of(struct buf *t, const struct rx_order *o, const struct rx_result *x)
{
	char n1[32], n2[32];
	buf_addf(t, "drug %s %s; %s%s x %s/day", x->drug.code, x->drug.name ? x->drug.name : "",
	         station_num(n1, o->dose),
	         o->unit        ? o->unit
	         : x->drug.unit ? x->drug.unit
	                        : "",
	         station_num(n2, o->per_day));
	if (o->days > 0)
		buf_addf(t, " x %d days", o->days);
	if (o->period_days > 1)
		buf_addf(t, " every %d days", o->period_days);
	if (x->pregnant)
		buf_adds(t, "; pregnant");
	else if (o->not_pregnant)
		buf_adds(t, "; not pregnant");
	int warn = 0;
	for (size_t i = 0; i < x->n; i++)
		warn |= x->v[i].level == RX_WARN;
	buf_addf(t, "; result %s", x->stop ? "stop" : warn ? "warn" : x->n ? "info" : "ok");
	for (size_t i = 0; i < x->n; i++)
		buf_addf(t, "%s%s", i ? ", " : ": ", x->v[i].kind);
}

/* The orders of prescription rxid of the patient, as the page after a 記録 lists them. */
static void recorded_note(struct station_req *r, struct buf *b, const char *patient, const char *rxid)
{
	struct store_table t;
	if (store_outage_list(r->store, patient, NULL, 1, &t) < 0)
		return;
	int any = 0;
	for (size_t k = 0; k < t.nrows; k++) {
		const char *pid = store_cell(&t, k, STORE_OUT_PRESCRIPTION);
		if (!pid || strcmp(pid, rxid))
			continue;
		if (!any++)
			station_html(b,
			             "<section class=\"recorded\" id=\"rx-recorded\" role=\"status\"><h2>%s</h2><ul>",
			             T_("Recorded as outage orders", "ダウンタイム中の処方として記録しました"));
		station_html(b, "<li>#%s %s %s%s × %s/%s", store_cell(&t, k, STORE_OUT_ID),
		             store_cell(&t, k, STORE_OUT_DRUG_NAME) ? store_cell(&t, k, STORE_OUT_DRUG_NAME)
		                                                    : store_cell(&t, k, STORE_OUT_DRUG_CODE),
		             store_cell(&t, k, STORE_OUT_DOSE),
		             store_cell(&t, k, STORE_OUT_UNIT) ? store_cell(&t, k, STORE_OUT_UNIT) : "",
		             store_cell(&t, k, STORE_OUT_PER_DAY), T_("day", "日"));
		char tmp[32];
		const char *pw = store_period_words(store_cell(&t, k, STORE_OUT_PERIOD), r->lang_ja, tmp, sizeof(tmp));
		if (*pw)
			station_html(b, " <span class=\"period\">%s</span>", pw);
		if (store_cell(&t, k, STORE_OUT_OVERRIDE))
			station_html(b, " — %s %s", T_("override:", "理由:"), store_cell(&t, k, STORE_OUT_OVERRIDE));
		station_html(b, " (%s %s)</li>", T_("by", "記録者"), store_cell(&t, k, STORE_OUT_RECORDED_BY));
	}
	if (any)
		station_html(b,
		             "</ul><p class=\"note\">%s <code>lifeboat rx orders --patient %s</code></p></section>\n",
		             T_("Later checks count them; end one with", "以後のチェックで照合されます。一覧・終了は"),
		             patient);
	store_table_release(&t);
}

/* No patient yet: the one field to start from (the wristband scanned, or the ID typed). */
static int patient_form(struct station_req *r, struct station_resp *p, int status, const char *msg)
{
	p->status = status;
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Prescription check", "処方チェック"), "/rx/check");
	station_html(b, "<h1>%s</h1>", T_("Prescription check", "処方チェック"));
	if (msg)
		station_html(b, "<p class=\"error\" role=\"alert\">%s</p>", msg);
	station_html(b,
	             "<form method=\"get\" action=\"/rx/check\" class=\"rxform\"><label>%s <input name=\"patient\" "
	             "autofocus autocomplete=\"off\"></label> <button type=\"submit\">%s</button></form>"
	             "<p class=\"note\">%s</p>",
	             T_("Patient ID", "患者 ID"), T_("Open", "開く"),
	             T_("Scan the wristband or type the ID; or open the check from the patient's page.",
	                "リストバンドを読み取るか ID を入力してください。患者画面からも開けます。"));
	station_page_end(r, b);
	return 0;
}

int station_page_rx_check(struct station_req *r, struct station_resp *p)
{
	struct rx_form f;
	form_read(r, &f);
	if (f.bad)
		return patient_form(
		        r, p, 400, T_("A field is not text or is too long.", "入力欄に不正な文字があるか長すぎます。"));
	if (!f.patient)
		return patient_form(r, p, 200, NULL);
	if (strlen(f.patient) > 64)
		return patient_form(r, p, 400, T_("Not a patient ID.", "患者 ID ではありません。"));

	struct store_patient_view v;
	int rc = store_patient_get(r->store, f.patient, &v);
	if (rc == -LB_ENOTFOUND) {
		store_patient_view_release(&v);
		if (station_audit_or_refuse(r, p, "rx-check", f.patient, "patient not found") < 0)
			return 0;
		return patient_form(r, p, 404, T_("No such patient.", "該当する患者はいません。"));
	}
	if (rc < 0) {
		store_patient_view_release(&v);
		return station_page_error(r, p, 500, T_("The patient cannot be read.", "患者情報を読み込めません。"));
	}

	/* What to show: the form, a choice between drugs, the input refused, or a result. */
	const char *msg = NULL;
	char code[128] = "", drug_name[256] = "";
	struct rx_hits hits = {0};
	struct rx_result res = {0};
	struct rx_order o = {.patient_id = f.patient};
	int status = 200, have_result = 0, choose = 0;
	struct buf detail = {0}, lines_next = {0}, why = {0};
	char rxid[20] = "";
	struct rx_against *against = lb_calloc(1, sizeof(*against));
	int arc = rxc_against_read(r, &f, against);
	if (arc == -2) {
		rxc_against_release(against);
		free(against);
		store_patient_view_release(&v);
		return station_page_error(
		        r, p, 500, T_("The outage orders cannot be read.", "ダウンタイム中の処方を読み込めません。"));
	}
	if (!f.drug) {
		buf_adds(&detail, f.recorded ? "form after recording" : "form");
	} else {
		struct store_drugs one = {0};
		rc = store_drug_get(r->store, f.drug, &one);
		if (rc == 0) {
			snprintf(code, sizeof(code), "%s", one.v[0].drug.code);
			snprintf(drug_name, sizeof(drug_name), "%s", one.v[0].drug.name ? one.v[0].drug.name : "");
		}
		store_drugs_release(&one);
		if (rc == -LB_ENOTFOUND) {
			rc = rx_search(r->store, f.drug, 20, &hits);
			if (rc == -LB_EUSAGE)
				msg = T_("Unknown drug code: type a code of the master, or 3 characters or more of a "
				         "name.",
				         "薬品コードが見つかりません。マスタのコードか、名前を3文字以上入力してください"
				         "。");
			else if (rc == 0 && hits.n == 0)
				msg = T_("No drug matches.", "該当する薬品はありません。");
			else if (rc == 0)
				choose =
				        1; /* a name fragment is never taken on its own, even with one match (名称類似):
				               the pharmacist confirms the pick, look-alikes shown beside it */
			rc = rc == -LB_EUSAGE ? 0 : rc;
		}
		if (rc < 0) {
			rx_hits_release(&hits);
			store_patient_view_release(&v);
			rxc_against_release(against);
			free(against);
			return station_page_error(
			        r, p, 500, T_("The drug master cannot be read.", "薬品マスタを読み込めません。"));
		}
		if (choose) {
			buf_addf(&detail, "choose a drug for '%s' (%zu)", f.drug, hits.n);
		} else if (!msg && !f.dose && !f.per_day) { /* a drug picked from the search: the rest to fill in */
			buf_addf(&detail, "form: drug %s", code);
		} else if (msg) {
			status = 400;
			buf_addf(&detail, "refused: drug '%s'", f.drug);
		} else if (order_read(r, &f, &o, &msg, &why) < 0) {
			status = 400;
			buf_addf(&detail, "refused: %s", msg);
		} else if (arc < 0) {
			status = 400;
			msg = T_("The earlier lines of the prescription cannot be read: start the prescription again.",
			         "この処方箋の前の行を読み取れません。処方箋の最初から入力し直してください。");
			buf_addf(&detail, "refused: lines");
		} else if (o.pregnant && v.patient.sex == 'M') {
			msg = T_("The patient is recorded as male: 'pregnant' does not apply.",
			         "患者は男性として登録されています。妊娠中は指定できません。");
			status = 400;
			buf_addf(&detail, "refused: pregnant for a male patient");
		} else {
			o.drug_code = code;
			o.others = against->v;
			o.n_others = against->n;
			rc = rx_check(r->store, &o, &res);
			if (rc < 0) {
				rx_result_release(&res);
				rx_hits_release(&hits);
				store_patient_view_release(&v);
				buf_release(&detail);
				rxc_against_release(against);
				free(against);
				return station_page_error(
				        r, p, rc == -LB_EUSAGE ? 400 : 500,
				        rc == -LB_EUSAGE ? T_("The dose and times a day must be positive.",
				                              "1回量と回数は正の数です。")
				                         : T_("The check failed.", "チェックできませんでした。"));
			}
			have_result = 1;
			/* the prescription's id: made at its first checked line, then carried from line to line */
			if (f.rx) {
				snprintf(rxid, sizeof(rxid), "%s", f.rx);
			} else {
				memcpy(rxid, "ST-", 3);
				station_random_hex(rxid + 3, 8);
			}
			detail_of(&detail, &o, &res);
			if (against->nlines)
				buf_addf(&detail, "; with %zu earlier line(s)", against->nlines);
			if (against->outage.nrows)
				buf_addf(&detail, "; %zu outage order(s)", against->outage.nrows);
			/* the next line carries this one (the dose with its unit: "200mg") */
			double dv;
			const char *du = NULL;
			rx_parse_amount(f.dose, &dv, &du);
			buf_addf(&lines_next, "%s%s%s:%s%s:%s", f.lines ? f.lines : "", f.lines ? ";" : "", code,
			         f.dose, (!du || !*du) && f.unit ? f.unit : "", f.per_day);
			if (o.days > 0 || o.period_days > 1)
				buf_addf(&lines_next, ":%d:%d", o.days, o.period_days > 1 ? o.period_days : 1);
		}
	}
	if (station_audit_or_refuse(r, p, "rx-check", f.patient, detail.data) < 0)
		goto done;

	struct buf title = {0}, self = {0};
	buf_addf(&title, "%s %s %s %s", T_("Prescription check", "処方チェック"), v.patient.id,
	         v.no_record              ? STORE_NO_RECORD
	         : v.patient.family_kanji ? v.patient.family_kanji
	                                  : "",
	         v.patient.given_kanji ? v.patient.given_kanji : "");
	form_url(&self, &f, code[0] ? code : f.drug);
	r->print_label = title.data;
	p->status = status;
	struct buf *b = &p->body;
	station_page_begin(r, b, title.data, self.data);
	station_html(b, "<div class=\"rxcheck\" data-patient=\"%s\"><h1 class=\"no-print\">%s</h1>", v.patient.id,
	             T_("Prescription check", "処方チェック"));
	station_idband(r, b, &v);
	station_allergy_box(r, b, &v);
	if (msg)
		station_html(b, "<p class=\"error\" role=\"alert\">%s</p>", msg);
	if (f.recorded && !f.drug)
		recorded_note(r, b, f.patient, f.recorded);
	if (against->nlines) {
		station_html(b, "<section class=\"rxlines\" id=\"rx-lines\"><h2>%s</h2><ol>",
		             T_("Earlier lines of this prescription", "この処方箋の前の行"));
		for (size_t k = 0; k < against->nlines; k++)
			station_html(b, "<li>%s</li>", rxc_line_shown(r, against, k));
		station_html(b, "</ol></section>\n");
	}
	if (against->outage.nrows)
		station_html(b, "<p class=\"note\" id=\"rx-outage\">%s: %zu</p>",
		             T_("Orders recorded during the outage, checked against", "照合したダウンタイム中の処方"),
		             against->outage.nrows);
	if (have_result) {
		result_html(r, b, &o, &res);
		stamp(r, b, res.as_of, res.as_of_unknown);
		station_html(b, "<p class=\"no-print\"><button type=\"button\" class=\"print-page\">%s</button></p>",
		             T_("Print to staple to the prescription", "印刷して処方箋に添付"));
		rxc_record_form(r, b, f.patient, lines_next.data, rxid, f.pregnant, f.not_pregnant, res.stop);
	}
	if (choose) {
		station_html(b, "<h2>%s 「%s」</h2><p class=\"note\">%s</p><ul class=\"choose\">",
		             hits.n == 1 ? T_("Confirm the drug for", "薬品を確認してください:")
		                         : T_("Several drugs match", "複数の薬品が該当:"),
		             f.drug,
		             T_("A name typed in part is never taken on its own: pick the drug written on the "
		                "prescription.",
		                "名前の一部の入力では薬品を自動で選びません。処方箋に書かれた薬品を選んでください。"));
		for (size_t i = 0; i < hits.n; i++) {
			struct buf u = {0};
			form_url(&u, &f, hits.v[i].drug.code);
			station_html(b, "<li><a href=\"%s\">%s</a> <span class=\"code\">%s</span> %s", u.data,
			             hits.v[i].drug.name, hits.v[i].drug.code, hits.v[i].drug.generic_name);
			station_drug_marks(r, b, &hits, i);
			station_html(b, "</li>");
			buf_release(&u);
		}
		station_html(b, "</ul>");
	}
	station_html(b, "<h2 class=\"no-print\">%s</h2>",
	             have_result ? T_("Next line of the prescription", "次の処方行")
	                         : T_("Order as written", "処方内容"));
	if (have_result) { /* a new line: the order fields empty, the patient and pregnancy kept */
		struct rx_form next = {.patient = f.patient,
		                       .pregnant = f.pregnant,
		                       .not_pregnant = f.not_pregnant,
		                       .lines = lines_next.data,
		                       .rx = rxid};
		check_form(r, b, &next, NULL, NULL);
	} else {
		check_form(r, b, &f, code[0] ? code : f.drug, code[0] ? drug_name : NULL);
	}
	station_html(b, "</div>");
	station_page_end(r, b);
	r->print_label = NULL;
	buf_release(&title);
	buf_release(&self);
done:
	buf_release(&detail);
	buf_release(&lines_next);
	buf_release(&why);
	rxc_against_release(against);
	free(against);
	rx_result_release(&res);
	rx_hits_release(&hits);
	store_patient_view_release(&v);
	return 0;
}
