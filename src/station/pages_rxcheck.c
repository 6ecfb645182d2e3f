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
 * POST /rx/record (「この処方を記録」, doctors, pharmacists and nurses): the lines of the prescription checked so far
 * are checked again as a whole and recorded as outage orders (store_outage_add) by the session's user, a stop only
 * with the prescriber's reason, each prescription (its "rx" id) once; one audit entry (rx-record) per attempt.
 */
#include "station_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct rx_form {
	const char *patient, *drug, *dose, *unit, *per_day, *days;
	const char *period;   /* the dosing period in days (1 daily, 7 weekly: `rx check --period`) */
	const char *lines;    /* the lines of the prescription checked before this one:
	                       "CODE:DOSE:N[:DAYS:PERIOD];CODE:DOSE:N…" */
	const char *rx;       /* the prescription's id (rx_id_ok), kept from line to line; its lines are recorded with
	                       it, and a prescription already recorded is not recorded twice */
	const char *recorded; /* after a 記録: the id of the prescription just recorded (the note) */
	int pregnant, not_pregnant, weekly;
	int bad; /* an argument was present but not text (invalid UTF-8, control characters, too long) */
};

/* "ST-" and 16 hex digits: what the page makes (a typed or forged one is refused). */
static int rx_id_ok(const char *s)
{
	if (!s || strncmp(s, "ST-", 3) || strlen(s) != 19)
		return 0;
	for (const char *c = s + 3; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return 0;
	return 1;
}

/* The roles that may record a prescription as outage orders (the others check only). */
static int may_record(const char *role)
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
	if ((f->rx && !rx_id_ok(f->rx)) || (f->recorded && !rx_id_ok(f->recorded)))
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

/* The order as typed, checked the way `rx check` checks its flags. Returns 0, or -1 with *msg set. */
static int order_read(struct station_req *r, const struct rx_form *f, struct rx_order *o, const char **msg)
{
	if (!f->dose || !f->per_day) {
		*msg = T_("Enter the dose and the times a day.", "1回量と1日の回数を入力してください。");
		return -1;
	}
	const char *dose_unit = NULL;
	if (rx_parse_amount(f->dose, &o->dose, &dose_unit) < 0) {
		*msg = T_("The dose is a number (250, 0.5, 250mg).",
		          "1回量は数値で入力してください (250, 0.5, 250mg)。");
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
static void stamp(struct station_req *r, struct buf *b, const char *as_of)
{
	struct buf now = {0}, asof = {0};
	lb_format_local(&now, lb_now_ms());
	lb_format_stamp(&asof, as_of);
	station_html(b,
	             "<section class=\"stamp\"><div class=\"mark\">ダウンタイム用控え / downtime copy</div>"
	             "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s (%s)</dd></dl>"
	             "<p class=\"lines\">%s ____________________ &nbsp; %s ____________________</p></section>\n",
	             T_("Data as of", "データ時点"), asof.data ? asof.data : "?", T_("Checked at", "チェック日時"),
	             now.data, T_("Checked by", "チェック者"), r->sess.user, r->sess.role,
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

#define RX_LINES_MAX 20
/* The earlier lines of the prescription and the patient's running outage orders, as what the order is checked
 * against. The lines are "CODE:DOSE:N" joined by ';' (what the page itself carries in its hidden field); one that
 * does not read is refused (-1). texts/codes are owned by the caller's buffers. */
struct rx_against {
	struct rx_other v[RX_LINES_MAX + 64];
	size_t n, nlines;
	char *copy;
	char text[RX_LINES_MAX][96];
	int days[RX_LINES_MAX], period[RX_LINES_MAX]; /* of each line (0: not given) */
	struct store_table outage;
	struct buf otext[64];
};

/* A whole number lo..hi of field s (NULL: 0), or -1. */
static int line_int(const char *s, int lo, int hi)
{
	if (!s)
		return 0;
	char *end;
	long v = strtol(s, &end, 10);
	return !*s || *end || v < lo || v > hi ? -1 : (int)v;
}

static int against_read(struct station_req *r, const struct rx_form *f, struct rx_against *a)
{
	memset(a, 0, sizeof(*a));
	if (f->lines) {
		a->copy = lb_strdup(f->lines);
		char *save = NULL;
		for (char *t = strtok_r(a->copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
			/* CODE:DOSE:N, then optionally :DAYS:PERIOD */
			char *c1 = strchr(t, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			char *c3 = c2 ? strchr(c2 + 1, ':') : NULL, *c4 = c3 ? strchr(c3 + 1, ':') : NULL;
			if (!c2 || a->nlines >= RX_LINES_MAX || (c3 && !c4) || (c4 && strchr(c4 + 1, ':')))
				return -1;
			*c1 = *c2 = 0;
			if (c3)
				*c3 = *c4 = 0;
			int days = line_int(c3 ? c3 + 1 : NULL, 0, 3650), period = line_int(c4 ? c4 + 1 : NULL, 1, 365);
			if (days < 0 || period < 0)
				return -1;
			a->days[a->nlines] = days;
			a->period[a->nlines] = period;
			struct rx_other *x = &a->v[a->n];
			const char *times = NULL;
			if (!*t || rx_parse_amount(c1 + 1, &x->dose, &x->unit) < 0 ||
			    rx_parse_amount(c2 + 1, &x->per_day, &times) < 0 || !(x->dose > 0) || !(x->per_day > 0) ||
			    x->per_day > 48 || (times && *times && strcmp(times, "回") && strcmp(times, "回/日")))
				return -1;
			x->drug_code = t;
			x->basis_type = "prescription";
			snprintf(a->text[a->nlines], sizeof(a->text[0]), "line %zu: %s %s × %s/day", a->nlines + 1, t,
			         c1 + 1, c2 + 1);
			x->text = a->text[a->nlines];
			a->nlines++;
			a->n++;
		}
	}
	char today[11];
	lb_today(today, NULL);
	if (store_outage_list(r->store, f->patient, today, 0, &a->outage) < 0)
		return -2;
	for (size_t k = 0; k < a->outage.nrows && k < LB_ARRAY_LEN(a->otext); k++) {
		const struct store_table *t = &a->outage;
		struct buf *b = &a->otext[k];
		buf_addf(b, "%.10s %s %s%s × %s/day (#%s, %s)", store_cell(t, k, STORE_OUT_RECORDED),
		         store_cell(t, k, STORE_OUT_DRUG_NAME) ? store_cell(t, k, STORE_OUT_DRUG_NAME)
		                                               : store_cell(t, k, STORE_OUT_DRUG_CODE),
		         store_cell(t, k, STORE_OUT_DOSE),
		         store_cell(t, k, STORE_OUT_UNIT) ? store_cell(t, k, STORE_OUT_UNIT) : "",
		         store_cell(t, k, STORE_OUT_PER_DAY), store_cell(t, k, STORE_OUT_ID),
		         store_cell(t, k, STORE_OUT_RECORDED_BY));
		a->v[a->n++] = (struct rx_other){.drug_code = store_cell(t, k, STORE_OUT_DRUG_CODE),
		                                 .dose = atof(store_cell(t, k, STORE_OUT_DOSE)),
		                                 .unit = store_cell(t, k, STORE_OUT_UNIT),
		                                 .per_day = atof(store_cell(t, k, STORE_OUT_PER_DAY)),
		                                 .basis_type = "outage-order",
		                                 .id = store_cell(t, k, STORE_OUT_ID),
		                                 .text = b->data};
	}
	return 0;
}

static void against_release(struct rx_against *a)
{
	free(a->copy);
	store_table_release(&a->outage);
	for (size_t k = 0; k < LB_ARRAY_LEN(a->otext); k++)
		buf_release(&a->otext[k]);
}

/* The 記録 form under a checked line: every line of the prescription so far (lines), recorded as outage orders by
 * the logged-in user; the override reason is required by the server for a stop (and by the browser when this line
 * stopped). A role that may not record gets a note instead. */
static void record_form(struct station_req *r, struct buf *b, const char *patient, const char *lines, const char *rxid,
                        int pregnant, int not_pregnant, int stop)
{
	if (!may_record(r->sess.role)) {
		station_html(b, "<p class=\"note no-print\" id=\"rx-record-none\">%s</p>",
		             T_("Only doctors, pharmacists and nurses can record a prescription as an outage order.",
		                "ダウンタイム中の処方として記録できるのは医師・薬剤師・看護師のみです。"));
		return;
	}
	station_html(b,
	             "<form method=\"post\" action=\"/rx/record\" class=\"rxrecord no-print\" id=\"rx-record\">"
	             "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"patient\" "
	             "value=\"%s\"><input type=\"hidden\" name=\"lines\" value=\"%s\"><input type=\"hidden\" "
	             "name=\"rx\" value=\"%s\">%R%R",
	             r->sess.csrf, patient, lines, rxid,
	             pregnant ? "<input type=\"hidden\" name=\"pregnant\" value=\"1\">" : "",
	             not_pregnant ? "<input type=\"hidden\" name=\"not_pregnant\" value=\"1\">" : "");
	station_html(b,
	             "<label class=\"override\">%s <input name=\"override\" size=\"40\" maxlength=\"400\"%R></label> ",
	             stop ? T_("Prescriber's reason for giving it despite the stop (required)",
	                       "中止の警告があっても投与する処方医の理由 (必須)")
	                  : T_("Prescriber's reason, if a line has a stop", "中止の警告がある場合の処方医の理由"),
	             stop ? " required" : "");
	station_html(
	        b,
	        "<button type=\"submit\" name=\"record\" value=\"1\">%s</button><p class=\"note\">%s %s</p></form>\n",
	        T_("Record this prescription", "この処方を記録"),
	        T_("Every line of this prescription is checked again and recorded as an outage order (later checks "
	           "count it), recorded by",
	           "この処方箋の全行をもう一度チェックし、ダウンタイム中の処方として記録します (以後のチェックで照合"
	           "されます)。記録者:"),
	        r->sess.user);
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
	struct buf detail = {0}, lines_next = {0};
	char rxid[20] = "";
	struct rx_against *against = lb_calloc(1, sizeof(*against));
	int arc = against_read(r, &f, against);
	if (arc == -2) {
		against_release(against);
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
			against_release(against);
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
		} else if (order_read(r, &f, &o, &msg) < 0) {
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
				against_release(against);
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
			station_html(b, "<li>%s</li>", against->text[k] + strcspn(against->text[k], ":") + 2);
		station_html(b, "</ol></section>\n");
	}
	if (against->outage.nrows)
		station_html(b, "<p class=\"note\" id=\"rx-outage\">%s: %zu</p>",
		             T_("Orders recorded during the outage, checked against", "照合したダウンタイム中の処方"),
		             against->outage.nrows);
	if (have_result) {
		result_html(r, b, &o, &res);
		stamp(r, b, res.as_of);
		station_html(b, "<p class=\"no-print\"><button type=\"button\" class=\"print-page\">%s</button></p>",
		             T_("Print to staple to the prescription", "印刷して処方箋に添付"));
		record_form(r, b, f.patient, lines_next.data, rxid, f.pregnant, f.not_pregnant, res.stop);
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
	against_release(against);
	free(against);
	rx_result_release(&res);
	rx_hits_release(&hits);
	store_patient_view_release(&v);
	return 0;
}

/* ---- POST /rx/record: the checked prescription kept as outage orders ----------------------------------------- */

/* A page that says why nothing was recorded: the patient's banner, the message, each line with its level, and the
 * form again (with the reason required when a line stops). */
static int record_refused(struct station_req *r, struct station_resp *p, int status, const char *msg,
                          const struct store_patient_view *v, const struct rx_form *f, const struct rx_against *a,
                          const enum rx_level *level, int stop)
{
	p->status = status;
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Record the prescription", "処方の記録"), "/rx/check");
	station_html(b, "<div class=\"rxcheck\"><h1>%s</h1>", T_("Record the prescription", "処方の記録"));
	if (v)
		station_idband(r, b, v);
	station_html(b, "<p class=\"error\" role=\"alert\" id=\"rx-record-error\">%s</p>", msg);
	if (a && level && a->nlines) {
		station_html(b, "<ol class=\"rxlines\">");
		for (size_t k = 0; k < a->nlines; k++)
			station_html(b, "<li class=\"lv-%R\">%s: %s</li>", level[k] ? rx_level_name(level[k]) : "none",
			             level[k] ? rx_level_word(level[k], r->lang_ja) : T_("no alert", "警告なし"),
			             a->text[k] + strcspn(a->text[k], ":") + 2);
		station_html(b, "</ol>");
	}
	if (v && a && a->nlines && f->rx && status != 409)
		record_form(r, b, f->patient, f->lines, f->rx, f->pregnant, f->not_pregnant, stop);
	if (f->patient) {
		struct buf u = {0};
		buf_adds(&u, "/rx/check?patient=");
		station_url_value(&u, f->patient);
		station_html(b, "<p><a href=\"%s\">%s</a></p>", u.data,
		             T_("Back to the prescription check", "処方チェックに戻る"));
		buf_release(&u);
	}
	station_html(b, "</div>");
	station_page_end(r, b);
	return 0;
}

/* A field of the POST body: NULL when absent or empty, *bad when not acceptable text. */
static const char *post_field(struct station_req *r, const char *name, struct buf *out, int *bad)
{
	int rc = station_form_get(buf_cstr(&r->body), r->body.len, name, out);
	if (rc < 0)
		*bad = 1;
	return rc == 1 && out->len ? out->data : NULL;
}

int station_rx_record(struct station_req *r, struct station_resp *p)
{
	enum { F_PATIENT, F_LINES, F_RX, F_PREG, F_NOPREG, F_OVERRIDE, F_N };
	struct buf fb[F_N] = {{0}};
	struct rx_form f = {0};
	f.patient = post_field(r, "patient", &fb[F_PATIENT], &f.bad);
	f.lines = post_field(r, "lines", &fb[F_LINES], &f.bad);
	f.rx = post_field(r, "rx", &fb[F_RX], &f.bad);
	const char *pg = post_field(r, "pregnant", &fb[F_PREG], &f.bad);
	const char *np = post_field(r, "not_pregnant", &fb[F_NOPREG], &f.bad);
	const char *override = post_field(r, "override", &fb[F_OVERRIDE], &f.bad);
	f.pregnant = pg && strcmp(pg, "0");
	f.not_pregnant = np && strcmp(np, "0");
	struct store_patient_view v;
	memset(&v, 0, sizeof(v));
	int have_v = 0;
	struct rx_against *a = lb_calloc(1, sizeof(*a));
	enum rx_level level[RX_LINES_MAX] = {0};
	struct buf detail = {0}, to = {0};
	struct store *w = NULL;
	int stop = 0;
	char names[RX_LINES_MAX][128], codes[RX_LINES_MAX][64]; /* the master's name and code of each line */

	/* who: the logged-in user, with a role that records (never a name typed into the form) */
	if (!may_record(r->sess.role)) {
		buf_addf(&detail, "refused: role %s may not record", r->sess.role);
		if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) == 0)
			record_refused(
			        r, p, 403,
			        T_("Your role cannot record prescriptions: only doctors, pharmacists and nurses can. "
			           "Nothing was recorded.",
			           "このロールでは処方を記録できません (医師・薬剤師・看護師のみ)。記録していません。"),
			        NULL, &f, NULL, NULL, 0);
		goto done;
	}
	if (f.bad || !f.patient || strlen(f.patient) > 64 || !f.lines || !rx_id_ok(f.rx) ||
	    (override && strlen(override) > 400)) {
		buf_adds(&detail, "refused: the form is incomplete");
		if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) == 0)
			record_refused(
			        r, p, 400,
			        T_("The form is incomplete: check the prescription again, then record it. Nothing was "
			           "recorded.",
			           "フォームが不完全です。処方をチェックし直してから記録してください。記録していません"
			           "。"),
			        NULL, &f, NULL, NULL, 0);
		goto done;
	}
	int rc = store_patient_get(r->store, f.patient, &v);
	have_v = 1;
	if (rc < 0) {
		buf_adds(&detail, rc == -LB_ENOTFOUND ? "refused: patient not found" : "refused: patient unreadable");
		if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) == 0)
			record_refused(r, p, rc == -LB_ENOTFOUND ? 404 : 500,
			               rc == -LB_ENOTFOUND ? T_("No such patient. Nothing was recorded.",
			                                        "該当する患者はいません。記録していません。")
			                                   : T_("The patient cannot be read. Nothing was recorded.",
			                                        "患者情報を読み込めません。記録していません。"),
			               NULL, &f, NULL, NULL, 0);
		goto done;
	}
	int arc = against_read(r, &f, a);
	const char *msg = NULL;
	int status = 400;
	if (arc == -2) {
		msg = T_("The outage orders cannot be read. Nothing was recorded.",
		         "ダウンタイム中の処方を読み込めません。記録していません。");
		status = 500;
	} else if (arc < 0 || !a->nlines) {
		msg = T_("The lines of the prescription cannot be read: check it again. Nothing was recorded.",
		         "処方箋の行を読み取れません。チェックし直してください。記録していません。");
	} else if (f.pregnant && f.not_pregnant) {
		msg = T_("'Pregnant' and 'not pregnant' exclude each other. Nothing was recorded.",
		         "「妊娠中」と「妊娠していない」は同時に指定できません。記録していません。");
	} else if (f.pregnant && v.patient.sex == 'M') {
		msg = T_("The patient is recorded as male: 'pregnant' does not apply. Nothing was recorded.",
		         "患者は男性として登録されています。妊娠中は指定できません。記録していません。");
	}
	if (msg) {
		buf_addf(&detail, "refused: %s", arc == -2 ? "outage orders unreadable" : "lines or flags");
		if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) == 0)
			record_refused(r, p, status, msg, &v, &f, NULL, NULL, 0);
		goto done;
	}
	/* a prescription is recorded once (a second click, the back button) */
	struct store_table all;
	if (store_outage_list(r->store, f.patient, NULL, 1, &all) < 0) {
		station_page_error(r, p, 500,
		                   T_("The outage orders cannot be read.", "ダウンタイム中の処方を読み込めません。"));
		goto done;
	}
	struct buf dup = {0};
	for (size_t k = 0; k < all.nrows; k++)
		if (store_cell(&all, k, STORE_OUT_PRESCRIPTION) &&
		    !strcmp(store_cell(&all, k, STORE_OUT_PRESCRIPTION), f.rx))
			buf_addf(&dup, "%s#%s", dup.len ? ", " : "", store_cell(&all, k, STORE_OUT_ID));
	store_table_release(&all);
	if (dup.len) {
		buf_addf(&detail, "refused: %s already recorded (%s)", f.rx, dup.data);
		buf_release(&dup);
		if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) == 0)
			record_refused(r, p, 409,
			               T_("This prescription is already recorded; nothing was recorded again.",
			                  "この処方は記録済みです。二重には記録していません。"),
			               &v, &f, a, NULL, 0);
		goto done;
	}
	/* Check the prescription as a whole: each line against every other line and the running outage orders
	 * (the page checked each line against the earlier ones only). */
	struct rx_other *others = lb_calloc(a->n, sizeof(*others));
	for (size_t k = 0; k < a->nlines && rc == 0; k++) {
		size_t no = 0;
		for (size_t j = 0; j < a->n; j++)
			if (j != k)
				others[no++] = a->v[j];
		struct rx_order o = {.patient_id = f.patient,
		                     .drug_code = a->v[k].drug_code,
		                     .dose = a->v[k].dose,
		                     .unit = a->v[k].unit,
		                     .per_day = a->v[k].per_day,
		                     .days = a->days[k],
		                     .period_days = a->period[k],
		                     .pregnant = f.pregnant,
		                     .not_pregnant = f.not_pregnant,
		                     .others = others,
		                     .n_others = no};
		struct rx_result res = {0};
		rc = rx_check(r->store, &o, &res);
		if (rc == 0) {
			for (size_t i = 0; i < res.n; i++)
				if (res.v[i].level > level[k])
					level[k] = res.v[i].level;
			stop |= res.stop;
			snprintf(names[k], sizeof(names[k]), "%s", res.drug.name ? res.drug.name : "");
			snprintf(codes[k], sizeof(codes[k]), "%s", res.drug.code ? res.drug.code : a->v[k].drug_code);
		}
		rx_result_release(&res);
	}
	free(others);
	if (rc < 0) {
		buf_addf(&detail, "refused: a line does not check (%s)", lb_errmsg());
		if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) == 0)
			record_refused(
			        r, p, rc == -LB_ENOTFOUND || rc == -LB_EUSAGE ? 400 : 500,
			        T_("A line of the prescription cannot be checked (unknown drug or dose): check it "
			           "again. Nothing was recorded.",
			           "処方箋の行をチェックできません (薬品または用量が不明)。チェックし直してください。"
			           "記録していません。"),
			        &v, &f, a, NULL, 0);
		goto done;
	}
	if (stop && !override) {
		buf_addf(&detail, "refused: %s has a stop and no override reason", f.rx);
		if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) == 0)
			record_refused(
			        r, p, 400,
			        T_("NOT RECORDED: a line has a stop-level alert. Record it only with the prescriber's "
			           "reason for giving it anyway.",
			           "記録していません: "
			           "中止レベルの警告がある行があります。記録するには処方医の理由を入力"
			           "してください。"),
			        &v, &f, a, level, 1);
		goto done;
	}
	/* the write: a handle of its own, one short transaction; the pages keep their read-only handles */
	struct store_outage_new nv[RX_LINES_MAX];
	int64_t ids[RX_LINES_MAX] = {0};
	for (size_t k = 0; k < a->nlines; k++) {
		nv[k] = (struct store_outage_new){.patient_id = f.patient,
		                                  .drug_code = codes[k],
		                                  .drug_name = names[k][0] ? names[k] : NULL,
		                                  .dose = a->v[k].dose,
		                                  .unit = a->v[k].unit,
		                                  .per_day = a->v[k].per_day,
		                                  .days = a->days[k],
		                                  .prescription = f.rx,
		                                  .level = level[k] == RX_STOP   ? "stop"
		                                           : level[k] == RX_WARN ? "warn"
		                                           : level[k] == RX_INFO ? "info"
		                                                                 : "none",
		                                  .override_reason = level[k] == RX_STOP ? override : NULL,
		                                  .recorded_by = r->sess.user};
	}
	struct stat before, after;
	int have_before = stat(r->st->o.db, &before) == 0;
	rc = store_open_outage_writer(&w, r->st->o.db);
	if (rc == 0)
		rc = store_outage_add(w, nv, a->nlines, ids);
	store_close(w);
	w = NULL;
	/* A refresh renamed a new store over the file meanwhile: it carried over what was recorded before its lock
	 * (refresh.c), but not rows a writer that had opened the old file committed after it. Make sure they are in
	 * the store the station reads now. */
	for (int tries = 0; rc == 0 && have_before && tries < 3 && stat(r->st->o.db, &after) == 0 &&
	                    (after.st_ino != before.st_ino || after.st_dev != before.st_dev);
	     tries++) {
		before = after;
		struct store_table t;
		int found = 0;
		if ((rc = store_open_outage_writer(&w, r->st->o.db)) == 0 &&
		    (rc = store_outage_list(w, f.patient, NULL, 1, &t)) == 0) {
			for (size_t k = 0; k < t.nrows; k++)
				found |= store_cell(&t, k, STORE_OUT_PRESCRIPTION) &&
				         !strcmp(store_cell(&t, k, STORE_OUT_PRESCRIPTION), f.rx);
			store_table_release(&t);
			if (!found)
				rc = store_outage_add(w, nv, a->nlines, ids);
		}
		store_close(w);
		w = NULL;
	}
	if (rc < 0) {
		lb_warn("station: recording outage orders for %s: %s", f.patient, lb_errmsg());
		buf_addf(&detail, "failed: %s", lb_errmsg());
		if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) == 0)
			record_refused(
			        r, p, 500,
			        T_("The store cannot be written (busy, read-only or full): nothing was recorded. Try "
			           "again, or record with 'lifeboat rx check --record'.",
			           "ストアに書き込めません (使用中・読み取り専用・容量不足)。記録していません。もう一度"
			           "試すか 'lifeboat rx check --record' で記録してください。"),
			        &v, &f, a, level, stop);
		goto done;
	}
	buf_addf(&detail, "recorded %s:", f.rx);
	for (size_t k = 0; k < a->nlines; k++) {
		char n1[32], n2[32];
		buf_addf(&detail, "%s #%lld %s %s%s x %s/day", k ? ";" : "", (long long)ids[k], codes[k],
		         station_num(n1, a->v[k].dose), a->v[k].unit ? a->v[k].unit : "",
		         station_num(n2, a->v[k].per_day));
		if (a->days[k] > 0)
			buf_addf(&detail, " x %d days", a->days[k]);
		if (a->period[k] > 1)
			buf_addf(&detail, " every %d days", a->period[k]);
		buf_addf(&detail, " (%s)", nv[k].level);
	}
	if (stop)
		buf_addf(&detail, "; override: %s", override);
	if (f.pregnant)
		buf_adds(&detail, "; pregnant");
	else if (f.not_pregnant)
		buf_adds(&detail, "; not pregnant");
	if (station_audit_or_refuse(r, p, "rx-record", f.patient, detail.data) < 0)
		goto done;
	/* after the POST, a GET (a reload does not record again) that lists what was recorded */
	buf_adds(&to, "/rx/check?patient=");
	station_url_value(&to, f.patient);
	buf_addf(&to, "&recorded=%s", f.rx);
	p->status = 303;
	snprintf(p->location, sizeof(p->location), "%s", to.data);
	p->type = "text/plain; charset=utf-8";
	buf_adds(&p->body, "recorded\n");
done:
	for (size_t i = 0; i < F_N; i++)
		buf_release(&fb[i]);
	buf_release(&detail);
	buf_release(&to);
	against_release(a);
	free(a);
	if (have_v)
		store_patient_view_release(&v);
	return 0;
}
