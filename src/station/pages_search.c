/*
 * pages_search.c - the login page and patient search.
 *
 * Search results show what staff confirm a patient by (kanji and kana name, sex, age, birth date with its era
 * form, ward and bed) and say loudly when another patient of the hospital has the same full name (同姓同名) or
 * another inpatient of the same ward the same surname (病棟内同姓). Every search is in the audit trail before its
 * results are shown.
 */
#include "station_int.h"

#include <string.h>

int station_page_login(struct station_req *r, struct station_resp *p, const char *message, int status)
{
	char pre[80];
	if (!station_cookie_get(r->cookies, "lb_pre", pre, sizeof(pre)) || strlen(pre) != 64) {
		station_random_hex(pre, 32);
		station_add_cookie(p, "lb_pre=%s; Path=/; HttpOnly; SameSite=Strict%s", pre,
		                   r->st->tls ? "; Secure" : "");
	}
	p->status = status;
	p->type = "text/html; charset=utf-8";
	struct buf *b = &p->body;
	int saved = r->sess.valid;
	r->sess.valid = 0;
	station_page_begin(r, b, T_("Log in", "ログイン"), "/login");
	r->sess.valid = saved;
	station_html(b, "<h1>%s</h1>", T_("Downtime station: log in", "ダウンタイム参照端末 ログイン"));
	if (message)
		station_html(b, "<p class=\"error\" role=\"alert\">%s</p>", message);
	const char *next = station_arg(r, "next");
	station_html(b, "<form method=\"post\" action=\"/login%R%u\" class=\"login\">", next ? "?next=" : "",
	             next ? next : "");
	station_html(b,
	             "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	             "<label>%s <input name=\"username\" autocomplete=\"username\" required autofocus></label>"
	             "<label>%s <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
	             "</label><button type=\"submit\">%s</button></form>",
	             pre, T_("User name", "ユーザー名"), T_("Password", "パスワード"), T_("Log in", "ログイン"));
	station_html(b, "<p class=\"note\">%s</p>",
	             T_("Use is recorded. After repeated failures the account is locked for a while.",
	                "利用は記録されます。失敗が続くとしばらくロックされます。"));
	station_page_end(r, b);
	return 0;
}

void station_badges(struct station_req *r, struct buf *b, long same_name, long same_surname)
{
	if (same_name > 0)
		station_html(b, " <span class=\"badge same-name\">%s &times;%l</span>", T_("SAME NAME", "同姓同名"),
		             same_name + 1);
	if (same_surname > 0)
		station_html(b, " <span class=\"badge same-surname\">%s</span>",
		             T_("SAME SURNAME IN WARD", "病棟内同姓"));
}

void station_no_record(struct buf *b)
{
	station_html(b, "<span class=\"badge no-record\">%s</span>", STORE_NO_RECORD);
}

int station_page_search(struct station_req *r, struct station_resp *p)
{
	const char *q = station_arg(r, "q");
	struct buf *b = &p->body;
	struct buf self = {0};
	buf_adds(&self, "/search");
	if (q && *q) {
		buf_adds(&self, "?q=");
		for (const unsigned char *c = (const unsigned char *)q; *c; c++)
			buf_addf(&self, (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ? "%c" : "%%%02X", *c);
	}
	struct store_hits hits = {0};
	int searched = 0;
	if (q && *q) {
		if (station_audit(&r->st->auth, r->sess.user, "search", NULL, "/search", r->address, q) < 0) {
			buf_release(&self);
			return station_page_error(r, p, 500,
			                          T_("The access log cannot be written: nothing is shown.",
			                             "アクセス記録を書けないため表示できません。"));
		}
		int rc = store_search(r->store, q, 50, &hits);
		if (rc < 0) {
			buf_release(&self);
			return station_page_error(r, p, 500, T_("The search failed.", "検索できませんでした。"));
		}
		searched = 1;
	}
	station_page_begin(r, b, T_("Patient search", "患者検索"), self.data);
	buf_release(&self);
	station_html(b,
	             "<h1>%s</h1><form method=\"get\" action=\"/search\" class=\"search\" role=\"search\">"
	             "<input name=\"q\" value=\"%s\" placeholder=\"%s\" autofocus> <button type=\"submit\">%s</button>"
	             "</form><p class=\"note\">%s</p>",
	             T_("Patient search", "患者検索"), q ? q : "",
	             T_("ID, name in kanji or kana, birth date (S23.4.5)", "ID・氏名 (漢字/カナ)・生年月日 (S23.4.5)"),
	             T_("Search", "検索"),
	             T_("Confirm every patient by full name and birth date, and the wristband.",
	                "患者確認は必ずフルネームと生年月日、リストバンドで行ってください。"));
	if (searched) {
		if (!hits.n) {
			station_html(b, "<p class=\"none\">%s</p>",
			             T_("No patient matches.", "該当する患者はいません。"));
		} else {
			station_html(b,
			             "<table "
			             "class=\"hits\"><thead><tr><th>ID</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
			             "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
			             T_("Name", "氏名"), T_("Kana", "カナ"), T_("Sex", "性別"), T_("Age", "年齢"),
			             T_("Birth date", "生年月日"), T_("Ward / bed", "病棟・病床"),
			             T_("Warnings", "注意"));
			for (size_t i = 0; i < hits.n; i++) {
				const struct store_hit *h = &hits.v[i];
				char sex[2] = {h->sex, 0};
				int age = station_age(h->birth_date);
				station_html(
				        b,
				        "<tr class=\"%R\"><td><a href=\"/patient/%u\">%s</a></td><td class=\"name\">"
				        "<a href=\"/patient/%u\">%s %s</a></td><td class=\"kana\">%s "
				        "%s</td><td>%s</td>",
				        h->same_full_name || h->same_surname_in_ward ? "warn" : "", h->id, h->id, h->id,
				        h->family_kanji, h->given_kanji, h->family_kana, h->given_kana,
				        station_sex(r, sex));
				if (age >= 0)
					station_html(b, "<td>%d%s</td><td>", age, T_("", "歳"));
				else
					station_html(b, "<td>-</td><td>");
				station_birth(b, h->birth_date);
				if (h->ward)
					station_html(b, "</td><td>%s %s-%s</td><td>", h->ward, h->room, h->bed);
				else
					station_html(b, "</td><td>%s</td><td>", T_("outpatient", "外来"));
				station_badges(r, b, h->same_full_name, h->same_surname_in_ward);
				station_html(b, "</td></tr>\n");
			}
			station_html(b, "</tbody></table>");
			if (hits.truncated)
				station_html(b, "<p class=\"note\">%s</p>",
				             T_("More patients match: add a birth date to narrow the search.",
				                "ほかにも該当があります。生年月日を加えて絞り込んでください。"));
		}
	}
	station_page_end(r, b);
	store_hits_release(&hits);
	return 0;
}
