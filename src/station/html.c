/*
 * html.c - every byte of HTML the station writes goes through here: the one escaping function, a template
 * formatter whose %s always escapes, the page frame with its data-freshness banner, and the small formatting
 * helpers (sex, age, birth date with era, CSV fields) pages share.
 */
#include "station_int.h"
#include "text/text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void station_html_esc(struct buf *b, const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (!utf8_valid(s, n)) {
		struct buf clean = {0};
		utf8_sanitize(&clean, s, n);
		station_html_esc(b, clean.data);
		buf_release(&clean);
		return;
	}
	const char *run = s;
	for (const char *p = s;; p++) {
		const char *ent = NULL;
		switch (*p) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		case 0:
			break;
		default:
			continue;
		}
		buf_add(b, run, (size_t)(p - run));
		if (!*p)
			break;
		buf_adds(b, ent);
		run = p + 1;
	}
}

static void url_esc(struct buf *b, const char *s)
{
	struct buf u = {0};
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.' || *p == '~')
			buf_addch(&u, *p);
		else
			buf_addf(&u, "%%%02X", *p);
	}
	station_html_esc(b, buf_cstr(&u));
	buf_release(&u);
}

void station_html(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		buf_add(b, run, (size_t)(p - run));
		p++;
		switch (*p) {
		case 's':
			station_html_esc(b, va_arg(ap, const char *));
			break;
		case 'u':
			url_esc(b, va_arg(ap, const char *));
			break;
		case 'T': {
			struct buf t = {0};
			lb_format_stamp(&t, va_arg(ap, const char *));
			station_html_esc(b, buf_cstr(&t));
			buf_release(&t);
			break;
		}
		case 'd':
			buf_addf(b, "%d", va_arg(ap, int));
			break;
		case 'l':
			buf_addf(b, "%ld", va_arg(ap, long));
			break;
		case 'R':
			buf_adds(b, va_arg(ap, const char *));
			break;
		case '%':
			buf_addch(b, '%');
			break;
		default:
			buf_addch(b, '?');
			break; /* a bug of ours in a template; never data */
		}
		if (!*p)
			break;
		run = p + 1;
	}
	buf_adds(b, run);
	va_end(ap);
}

const char *station_num(char out[32], double v)
{
	if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15)
		snprintf(out, 32, "%.0f", v);
	else
		snprintf(out, 32, "%g", v);
	return out;
}

const char *station_sex(const struct station_req *r, const char *sex)
{
	if (!sex)
		return "?";
	return *sex == 'M' ? T_("M", "男") : *sex == 'F' ? T_("F", "女") : *sex == 'O' ? T_("other", "その他") : "?";
}

const char *station_role_label(const struct station_req *r, const char *role)
{
	static const char *const roles[][2] = {{"doctor", "医師"}, {"nurse", "看護師"}, {"pharmacist", "薬剤師"},
	                                       {"clerk", "事務"},  {"admin", "管理者"}, {"hq", "対策本部"}};
	for (size_t i = 0; role && i < LB_ARRAY_LEN(roles); i++)
		if (!strcmp(role, roles[i][0]))
			return T_(roles[i][0], roles[i][1]);
	return role ? role : "?";
}

/* Age in whole years today, counted as rx counts it (lb_age_months); -1 when unknown. */
int station_age(const char *birth)
{
	int y, m, d, ty, tm, td;
	char today[11];
	if (!birth || text_parse_date(birth, &y, &m, &d) < 0)
		return -1;
	lb_today(today, NULL); /* the day print and rx count ages to */
	if (lb_parse_day(today, &ty, &tm, &td) < 0)
		return -1;
	int months = lb_age_months(y, m, d, ty, tm, td);
	return months < 0 ? -1 : months / 12;
}

void station_birth(struct buf *b, const char *birth)
{
	int y, m, d;
	if (!birth || !*birth) {
		buf_adds(b, "-");
		return;
	}
	station_html_esc(b, birth);
	if (text_parse_date(birth, &y, &m, &d) == 0) {
		struct buf era = {0};
		text_format_era(&era, y, m, d);
		station_html(b, " <span class=\"era\">(%s)</span>", era.data);
		buf_release(&era);
	}
}

void station_csv_field(struct buf *b, const char *s)
{
	if (!s)
		s = "";
	int guard = *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
	/* A phone number like "-" or "+81…" stays readable with the guard quote. */
	buf_addch(b, '"');
	if (guard)
		buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(b, '"');
		buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

long station_data_age_hours(const char *as_of)
{
	int64_t ms;
	char t[32];
	snprintf(t, sizeof(t), "%.19s", as_of ? as_of : "");
	if (!t[0] || lb_parse_time(t, &ms) < 0)
		return -1;
	int64_t d = lb_now_ms() - ms;
	return d < 0 ? 0 : (long)(d / 3600000);
}

void station_page_begin(struct station_req *r, struct buf *b, const char *title, const char *self)
{
	const struct store_meta *m = &r->meta;
	struct buf as_of = {0}; /* "2026/11/24 19:00", the display format of paper too (lb_format_stamp) */
	store_as_of_text(m, &as_of);
	station_html(b,
	             "<!DOCTYPE html>\n<html lang=\"%R\"><head><meta charset=\"utf-8\">"
	             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	             "<title>%s - lifeboat</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" "
	             "href=\"/static/station.css\">"
	             "<script src=\"/static/station.js\" defer></script>",
	             r->lang_ja ? "ja" : "en", title);
	if (r->sess.valid)
		station_html(b, "<meta name=\"csrf\" content=\"%s\">", r->sess.csrf);
	station_html(b, "</head>\n<body>\n");
	station_html(b,
	             "<header class=\"banner\"><div class=\"ro\">%s</div><div class=\"asof\">%s <b>%s</b> &middot; "
	             "%s <b>%s</b> &middot; %s <b>%l</b></div>",
	             T_("READ-ONLY downtime copy", "参照専用 (ダウンタイム用の複製)"), T_("data as of", "データ時点"),
	             as_of.len ? as_of.data : "?", T_("generation", "世代"),
	             m->generation[0] ? m->generation : T_("(not from the vault)", "(バックアップ世代なし)"),
	             T_("patients", "患者数"), m->patients);
	long h = station_data_age_hours(m->as_of);
	if (h < 0 || m->as_of_unknown || (int64_t)h * 3600000 >= r->st->o.stale_ms) {
		if (h < 0 || m->as_of_unknown)
			station_html(
			        b, "<div class=\"stale\">%s</div>",
			        T_("WARNING: the age of this data is unknown", "警告: このデータの時点が不明です"));
		else
			station_html(b, "<div class=\"stale\">%s %l %s (%l %s) %s</div>",
			             T_("WARNING: this data is", "警告: このデータは"), h, T_("hours old", "時間前"),
			             h / 24, T_("days", "日"),
			             T_("- check anything that may have changed since",
			                "のものです。以後の変更を必ず確認してください"));
	}
	station_html(b, "<nav>");
	if (r->sess.valid)
		station_html(
		        b,
		        "<a href=\"/search\">%s</a> <a href=\"/census\">%s</a> <a href=\"/appointments\">%s</a> "
		        "<a href=\"/drugs\">%s</a> <a href=\"/barcode\">%s</a> <a href=\"/print\">%s</a> "
		        "<a href=\"/incident\">%s</a> <a href=\"/backentry/register\">%s</a> "
		        "<button type=\"button\" id=\"print-btn\">%s</button> "
		        "<span class=\"user\">%s (%s)</span> "
		        "<form method=\"post\" action=\"/logout\" class=\"inline\"><input type=\"hidden\" name=\"csrf\""
		        " value=\"%s\"><button type=\"submit\">%s</button></form> ",
		        T_("Search", "患者検索"), T_("Ward census", "病棟一覧"), T_("Outpatient calls", "外来予約"),
		        T_("Drugs", "薬品検索"), T_("Barcode check", "バーコード照合"), T_("Paper (PDF)", "帳票 (PDF)"),
		        T_("Headquarters", "対策本部"), T_("Paper orders", "紙オーダ登録"), T_("Print", "印刷"),
		        r->sess.user, station_role_label(r, r->sess.role), r->sess.csrf, T_("Log out", "ログアウト"));
	const char *q = strchr(self, '?');
	station_html(b, "<a class=\"lang\" href=\"%s%Rlang=%R\">%R</a></nav>", self, q ? "&amp;" : "?",
	             r->lang_ja ? "en" : "ja", r->lang_ja ? "English" : "日本語");
	station_incident_banner(r, b);
	station_html(b, "</header>\n");
	struct buf now = {0};
	lb_format_local(&now, lb_now_ms());
	/* The frame table's head repeats on every printed page (Chromium repeats thead across page breaks): the
	 * patient ID and name, the print time and the data's as-of time on each sheet. On screen it is hidden. */
	station_html(
	        b,
	        "<table class=\"frame\"><thead><tr><td><div class=\"print-head\" id=\"print-head\"><b>%s</b> &middot; "
	        "%s"
	        " <span id=\"print-time\">%s</span> &middot; %s %s</div></td></tr></thead><tbody><tr><td>\n<main>\n",
	        r->print_label ? r->print_label : title, T_("printed", "印刷"), now.data,
	        T_("data as of", "データ時点"), as_of.len ? as_of.data : "?");
	buf_release(&now);
	buf_release(&as_of);
}

void station_page_end(struct station_req *r, struct buf *b)
{
	station_html(b, "</main>\n</td></tr></tbody></table>\n<footer>%s</footer>\n</body></html>\n",
	             T_("lifeboat downtime station - every view is recorded in the access log",
	                "lifeboat ダウンタイム端末 - 閲覧はすべて記録されます"));
}

int station_page_error(struct station_req *r, struct station_resp *p, int status, const char *msg)
{
	p->status = status;
	p->type = "text/html; charset=utf-8";
	station_page_begin(r, &p->body, T_("Error", "エラー"), r->path);
	station_html(&p->body, "<h1>%s</h1><p class=\"error\">%s</p>", T_("Error", "エラー"), msg);
	station_page_end(r, &p->body);
	return 0;
}
