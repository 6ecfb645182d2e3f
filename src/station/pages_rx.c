/*
 * pages_rx.c - the three-character drug search and the prescription check, on rx's library (rx_search, rx_check):
 * what the EHR's order screen did on every order and paper lost.
 *
 *   GET /drugs?q=[&patient=]                  the search page: brand or generic name, kana of any width or script,
 *                                             kanji, HOT / YJ / local code; each drug with the other products of
 *                                             its ingredient (a brand's generics, a generic's brands)
 *   GET /drugs.json?q=[&patient=][&limit=]    the same as JSON for the as-you-type list (station.js)
 *   GET /rx/check?patient=&drug=&dose=&unit=&per_day=&days=[&pregnant=1]
 *                                             the pharmacist types the paper prescription; each alert with its
 *                                             level, reason and the record it rests on, printable to staple to it
 *
 * The plain forms work without script: a drug typed as text rather than picked from the list is searched, and the
 * matches are offered as links that keep the rest of the order — even a single match is never taken on its own
 * (「アルマ」 must not become アルマール for a patient on アマリール): look-alikes (名称類似) are listed beside it and
 * marked, ハイリスク薬 carry a mark.
 * A search tied to a patient and every check are in the audit trail (drug-search, rx-check) before their result
 * is shown; a search without a patient shows the drug master only and is not recorded.
 */
#include "station_int.h"

#include <stdlib.h>
#include <string.h>

#define DRUG_PAGE_LIMIT 50
#define DRUG_JSON_LIMIT 20

static int patient_arg_ok(const char *id)
{
	return id && *id && strlen(id) <= 64;
}

/* ---- drug search ------------------------------------------------------------------------------------------- */

static void drug_codes(struct buf *b, const struct ehr_drug *d)
{
	station_html(b, "<span class=\"code\">%s</span>", d->code);
	if (d->yj_code)
		station_html(b, "<br><span class=\"code2\">YJ %s</span>", d->yj_code);
	if (d->hot_code)
		station_html(b, "<br><span class=\"code2\">HOT %s</span>", d->hot_code);
}

static const char *kind_badge(struct station_req *r, int generic)
{
	return generic ? T_("generic", "後発品") : T_("brand", "先発品");
}

/* A link to the check of drug code for patient (when there is one), else to the drug's own search. */
static void drug_link(struct buf *b, const char *patient, const char *code, const char *name)
{
	if (patient)
		station_html(b, "<a href=\"/rx/check?patient=%u&amp;drug=%u\">%s</a>", patient, code, name);
	else
		station_html(b, "<a href=\"/drugs?q=%u\">%s</a>", code, name);
}

void station_drug_marks(struct station_req *r, struct buf *b, const struct rx_hits *h, size_t i)
{
	const struct ehr_drug *d = &h->v[i].drug;
	if (d->high_alert)
		station_html(b, " <span class=\"badge high-alert\">%s</span>", RX_HIGH_ALERT_WORD(r->lang_ja));
	for (size_t j = 0; j < h->n; j++) {
		char other[256];
		if (j != i && rx_confusable_entry(d, &h->v[j].drug, other, sizeof(other)))
			station_html(b, " <span class=\"badge look-alike\">%s: %s</span>", T_("look-alike", "名称類似"),
			             other);
	}
}

static void hits_table(struct station_req *r, struct buf *b, const struct rx_hits *h, const char *patient)
{
	station_html(b,
	             "<table class=\"drugs\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	             "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
	             T_("Code", "コード"), T_("Drug", "薬品名"), T_("Generic name (ingredient)", "一般名 (成分)"),
	             T_("Form / unit", "剤形・単位"), T_("Max a day", "1日最大量"), T_("Pregnancy", "妊婦"),
	             T_("Same ingredient", "同成分の製品"));
	for (size_t i = 0; i < h->n; i++) {
		const struct rx_hit *x = &h->v[i];
		const struct ehr_drug *d = &x->drug;
		station_html(b, "<tr><td>");
		drug_codes(b, d);
		station_html(b, "</td><td class=\"drug\">");
		drug_link(b, patient, d->code, d->name);
		station_html(b, " <span class=\"badge %R\">%s</span>", x->generic_product ? "generic" : "brand",
		             kind_badge(r, x->generic_product));
		station_drug_marks(r, b, h, i);
		station_html(b, "<br><span class=\"kana\">%s</span></td>", d->kana);
		station_html(b, "<td>%s</td><td>%s / %s</td><td>", d->generic_name, d->form, d->unit);
		char n[32];
		if (d->max_daily_dose > 0)
			station_html(b, "%s %s", station_num(n, d->max_daily_dose), d->unit);
		station_html(b, "</td><td>%s</td><td><ul class=\"same\">", d->pregnancy);
		for (size_t j = 0; j < x->nsame; j++) {
			station_html(b, "<li>");
			drug_link(b, patient, x->same[j].code, x->same[j].name);
			station_html(b, " <span class=\"badge %R\">%s</span></li>",
			             rx_is_generic_product(x->same[j].name) ? "generic" : "brand",
			             kind_badge(r, rx_is_generic_product(x->same[j].name)));
		}
		station_html(b, "</ul></td></tr>\n");
	}
	station_html(b, "</tbody></table>");
	if (h->truncated)
		station_html(b, "<p class=\"note\">%s</p>",
		             T_("More drugs match: type more characters.",
		                "ほかにも該当があります。文字を追加してください。"));
}

/* The search box with its as-you-type list; the list is filled by station.js from /drugs.json. */
static void search_box(struct station_req *r, struct buf *b, const char *q, const char *patient)
{
	station_html(b, "<form method=\"get\" action=\"/drugs\" class=\"drugsearch no-print\" role=\"search\">");
	if (patient)
		station_html(b, "<input type=\"hidden\" name=\"patient\" value=\"%s\">", patient);
	station_html(b,
	             "<input name=\"q\" value=\"%s\" placeholder=\"%s\" autofocus autocomplete=\"off\" "
	             "data-drug-search=\"drug-suggest\" data-patient=\"%s\"> <button type=\"submit\">%s</button>"
	             "</form><ul id=\"drug-suggest\" class=\"suggest no-print\" aria-live=\"polite\"></ul>"
	             "<p class=\"note\">%s</p>",
	             q ? q : "",
	             T_("3 characters or more: ﾛｷｿ, ろきそ, ロキソ, generic name, YJ/HOT code",
	                "3文字以上: ﾛｷｿ・ろきそ・ロキソ・一般名・YJ/HOT コード"),
	             patient ? patient : "", T_("Search", "検索"),
	             T_("Kana in any width or script, kanji, brand or generic name, or a code. A brand lists its "
	                "generics, a generic its brands.",
	                "カナ (半角・全角・ひらがな)、漢字、商品名・一般名、コードで検索できます。先発品には後発品を、"
	                "後発品には先発品を併せて表示します。"));
}

int station_page_drugs(struct station_req *r, struct station_resp *p)
{
	const char *q = station_arg(r, "q");
	const char *patient = station_arg(r, "patient");
	if (patient && !*patient)
		patient = NULL;
	if (patient && !patient_arg_ok(patient))
		return station_page_error(r, p, 400, T_("Not a patient ID.", "患者 ID ではありません。"));
	struct rx_hits h = {0};
	int status = 200, searched = 0;
	const char *msg = NULL;
	if (q && *q) {
		int rc = rx_search(r->store, q, DRUG_PAGE_LIMIT, &h);
		if (rc == -LB_EUSAGE) {
			status = 400;
			msg = T_("Type at least 3 characters.", "3文字以上入力してください。");
		} else if (rc < 0) {
			return station_page_error(r, p, 500, T_("The search failed.", "検索できませんでした。"));
		} else {
			searched = 1;
		}
		if (patient && station_audit_or_refuse(r, p, "drug-search", patient, q) < 0) {
			rx_hits_release(&h);
			return 0;
		}
	}
	struct buf self = {0};
	buf_adds(&self, "/drugs?q=");
	station_url_value(&self, q ? q : "");
	if (patient) {
		buf_adds(&self, "&patient=");
		station_url_value(&self, patient);
	}
	p->status = status;
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Drug search", "薬品検索"), self.data);
	buf_release(&self);
	station_html(b, "<h1>%s</h1>", T_("Drug search", "薬品検索"));
	if (patient)
		station_html(b, "<p class=\"for-patient\">%s <a href=\"/rx/check?patient=%u\">%s</a></p>",
		             T_("For the prescription check of patient", "処方チェックの対象患者:"), patient, patient);
	search_box(r, b, q, patient);
	if (msg)
		station_html(b, "<p class=\"error\" role=\"alert\">%s</p>", msg);
	if (searched && !h.n)
		station_html(b, "<p class=\"none\">%s</p>", T_("No drug matches.", "該当する薬品はありません。"));
	else if (searched)
		hits_table(r, b, &h, patient);
	station_page_end(r, b);
	rx_hits_release(&h);
	return 0;
}

static void json_error(struct station_resp *p, int status, const char *msg)
{
	p->status = status;
	p->type = "application/json";
	buf_reset(&p->body);
	struct json_w w = {.out = &p->body};
	json_obj(&w);
	json_kv_str(&w, "error", msg);
	json_end(&w);
	buf_addch(&p->body, '\n');
}

int station_drugs_json(struct station_req *r, struct station_resp *p)
{
	const char *q = station_arg(r, "q");
	const char *patient = station_arg(r, "patient");
	const char *lim = station_arg(r, "limit");
	if (patient && !*patient)
		patient = NULL;
	long limit = DRUG_JSON_LIMIT;
	if (lim && *lim) {
		char *end;
		limit = strtol(lim, &end, 10);
		if (*end || limit < 1 || limit > DRUG_PAGE_LIMIT) {
			json_error(p, 400, T_("limit is 1 to 50", "limit は 1〜50 です"));
			return 0;
		}
	}
	if (!q) {
		json_error(p, 400, T_("q is missing or not text", "q がないか、文字列ではありません"));
		return 0;
	}
	if (patient && !patient_arg_ok(patient)) {
		json_error(p, 400, T_("not a patient ID", "患者 ID ではありません"));
		return 0;
	}
	struct rx_hits h;
	int rc = rx_search(r->store, q, (size_t)limit, &h);
	if (rc == -LB_EUSAGE) {
		json_error(p, 400, T_("type at least 3 characters", "3文字以上入力してください"));
		return 0;
	}
	if (rc < 0) {
		json_error(p, 500, T_("the search failed", "検索できませんでした"));
		return 0;
	}
	if (patient && station_audit(&r->st->auth, r->sess.user, "drug-search", patient, r->path, r->address, q) < 0) {
		rx_hits_release(&h);
		json_error(p, 500, T_("the access log cannot be written", "アクセス記録を書けません"));
		return 0;
	}
	p->status = 200;
	p->type = "application/json";
	struct json_w w = {.out = &p->body};
	json_obj(&w);
	json_kv_str(&w, "query", q);
	json_kv_bool(&w, "truncated", h.truncated);
	json_key(&w, "drugs");
	json_arr(&w);
	for (size_t i = 0; i < h.n; i++) {
		const struct ehr_drug *d = &h.v[i].drug;
		json_obj(&w);
		json_kv_str(&w, "code", d->code);
		json_kv_str(&w, "name", d->name);
		json_kv_str(&w, "generic_name", d->generic_name);
		json_kv_str(&w, "kana", d->kana);
		json_kv_str(&w, "form", d->form);
		json_kv_str(&w, "unit", d->unit);
		json_key(&w, "max_daily_dose");
		if (d->max_daily_dose > 0)
			json_double(&w, d->max_daily_dose);
		else
			json_null_value(&w);
		json_kv_str(&w, "yj_code", d->yj_code);
		json_kv_str(&w, "hot_code", d->hot_code);
		json_kv_str(&w, "match", h.v[i].match);
		json_kv_bool(&w, "high_alert", d->high_alert);
		json_key(&w, "look_alike");
		json_arr(&w);
		for (size_t j = 0; j < h.n; j++) {
			char other[256];
			if (j != i && rx_confusable_entry(d, &h.v[j].drug, other, sizeof(other)))
				json_str(&w, other);
		}
		json_end(&w);
		json_kv_bool(&w, "generic_product", h.v[i].generic_product);
		json_key(&w, "same_ingredient");
		json_arr(&w);
		for (size_t j = 0; j < h.v[i].nsame; j++) {
			json_obj(&w);
			json_kv_str(&w, "code", h.v[i].same[j].code);
			json_kv_str(&w, "name", h.v[i].same[j].name);
			json_kv_bool(&w, "generic_product", rx_is_generic_product(h.v[i].same[j].name));
			json_end(&w);
		}
		json_end(&w);
		json_end(&w);
	}
	json_end(&w);
	json_end(&w);
	buf_addch(&p->body, '\n');
	rx_hits_release(&h);
	return 0;
}
