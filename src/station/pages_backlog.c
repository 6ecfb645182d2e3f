/*
 * pages_backlog.c - the records office's back-entry worklist (issue 16, docs/backentry.md "Station pages"):
 * GET /backentry/backlog (the entries still to enter into the EHR, scan and bill, filtered by ward, kind and the
 * step still missing, 100 a page) and POST /backentry/backlog/mark (the ticked entries marked entered, scanned or
 * billed, or the step waived with a reason, by the logged-in user: one be_steps_mark, one timeline entry); and the
 * burn-down of the headquarters board (outstanding entries at the end of each day, be_burndown) as inline SVG.
 *
 * The worklist is for the roles clerk and admin (the records office); hq may look at it. Paging is by the last
 * number shown (?after=), so a page reads the rows it shows and never counts the whole list. Every page shown and
 * every mark is one access-log entry (action "backentry").
 */
#include "incident/backentry.h"
#include "station_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BACKLOG_PAGE 100
#define MARK_MAX 500

static int may_mark(const struct station_req *r)
{
	return !strcmp(r->sess.role, "clerk") || !strcmp(r->sess.role, "admin");
}

static int may_look(const struct station_req *r)
{
	return may_mark(r) || !strcmp(r->sess.role, "hq");
}

static const char *const step_words[][2] = {{"entered", "入力"}, {"scanned", "スキャン"}, {"billed", "請求"}};
static const int steps[] = {BE_STEP_ENTERED, BE_STEP_SCANNED, BE_STEP_BILLED};

static const char *step_word(struct station_req *r, int step)
{
	for (int i = 0; i < 3; i++)
		if (steps[i] == step)
			return T_(step_words[i][0], step_words[i][1]);
	return "?";
}

/* The filters of the list, from the query (GET) or the form (POST). */
struct filters {
	struct buf ward, kind, missing, after;
	struct be_filter flt;
	int bad;
};

static void filters_read(struct station_req *r, struct filters *x, int post)
{
	memset(x, 0, sizeof(*x));
	struct buf *bufs[] = {&x->ward, &x->kind, &x->missing, &x->after};
	static const char *const names[] = {"ward", "kind", "missing", "after"};
	for (int i = 0; i < 4; i++) {
		if (post) {
			int rc = station_form_get(buf_cstr(&r->body), r->body.len, names[i], bufs[i]);
			if (rc < 0) {
				lb_error_clear();
				x->bad = 1;
			}
		} else {
			const char *v = station_arg_opt(r, names[i], &x->bad);
			if (v)
				buf_adds(bufs[i], v);
		}
	}
	/* a ward typed in lower case or full width is the ward */
	for (size_t i = 0; i < x->ward.len; i++)
		if (x->ward.data[i] >= 'a' && x->ward.data[i] <= 'z')
			x->ward.data[i] = (char)(x->ward.data[i] - 'a' + 'A');
	x->flt = (struct be_filter)BE_FILTER_ALL;
	if (x->ward.len) {
		if (!be_ward_ok(x->ward.data))
			x->bad = 1;
		x->flt.ward = x->ward.data;
	}
	if (x->kind.len && (x->flt.kind = be_kind_parse(x->kind.data)) < 0)
		x->bad = 1;
	if (x->missing.len && (x->flt.missing_step = be_step_parse(x->missing.data)) < 0)
		x->bad = 1;
	if (x->after.len && be_number_parse(x->after.data, NULL, NULL, NULL) < 0) {
		lb_error_clear();
		x->bad = 1;
	}
}

static void filters_release(struct filters *x)
{
	buf_release(&x->ward);
	buf_release(&x->kind);
	buf_release(&x->missing);
	buf_release(&x->after);
}

/* "/backentry/backlog?ward=…&kind=…&missing=…" (+ "&after=" when after) into b, raw (escape when writing HTML). */
static void list_url(struct buf *b, const struct filters *x, const char *after)
{
	buf_adds(b, "/backentry/backlog");
	char sep = '?';
	const struct buf *v[] = {&x->ward, &x->kind, &x->missing};
	static const char *const names[] = {"ward", "kind", "missing"};
	for (int i = 0; i < 3; i++)
		if (v[i]->len) {
			buf_addf(b, "%c%s=", sep, names[i]);
			station_url_value(b, v[i]->data);
			sep = '&';
		}
	if (after) {
		buf_addf(b, "%cafter=", sep);
		station_url_value(b, after);
	}
}

/* ---- GET /backentry/backlog ---------------------------------------------------------------------------------- */

struct rows {
	struct station_req *r;
	struct buf *b;
	char last[BE_NUMBER_MAX];
	size_t n;
	int mark;
};

static int row(const struct be_order *o, void *arg)
{
	struct rows *w = arg;
	struct station_req *r = w->r;
	struct buf when = {0};
	lb_format_local(&when, o->clinical_ms);
	station_html(w->b, "<tr data-number=\"%s\">", o->number);
	if (w->mark)
		station_html(w->b, "<td><input type=\"checkbox\" name=\"n\" value=\"%s\" aria-label=\"%s\"></td>",
		             o->number, o->number);
	station_html(w->b, "<td class=\"number\">%s</td><td>%s</td><td data-kind=\"%s\">%s</td><td>%s", o->number,
	             o->ward, be_kind_name(o->kind), be_kind_label_in(o->kind, r->lang_ja), o->patient);
	if (o->linked_to)
		station_html(w->b, " → %s", o->linked_to);
	station_html(w->b, "</td><td>%s</td><td>%s</td><td>%s</td><td class=\"steps\">", when.data, o->author,
	             o->paper_at ? o->paper_at : "");
	for (int i = 0; i < 3; i++)
		station_html(w->b, "<span class=\"step %R\" data-step=\"%R\">%R%s</span> ",
		             o->done & steps[i] ? "done" : "todo", be_step_name(steps[i]),
		             o->done & steps[i] ? "✓" : "・", step_word(r, steps[i]));
	station_html(w->b, "</td></tr>");
	buf_release(&when);
	snprintf(w->last, sizeof(w->last), "%s", o->number);
	w->n++;
	return 0;
}

static void filter_form(struct station_req *r, struct buf *b, const struct filters *x)
{
	station_html(b,
	             "<form method=\"get\" action=\"/backentry/backlog\" id=\"filter-form\" class=\"no-print\">"
	             "<label>%s <input name=\"ward\" id=\"f-ward\" value=\"%s\" size=\"8\"></label> "
	             "<label>%s <select name=\"kind\" id=\"f-kind\"><option value=\"\">%s</option>",
	             T_("Ward", "病棟"), x->ward.data ? x->ward.data : "", T_("Kind", "種類"), T_("all", "すべて"));
	for (int k = 0; k < BE_KIND_COUNT; k++)
		station_html(b, "<option value=\"%s\"%R>%s</option>", be_kind_name(k),
		             x->flt.kind == k ? " selected" : "", be_kind_label_in(k, r->lang_ja));
	station_html(b,
	             "</select></label> <label>%s <select name=\"missing\" id=\"f-missing\"><option value=\"\">%s"
	             "</option>",
	             T_("Step still missing", "未完了の工程"), T_("any", "いずれか"));
	for (int i = 0; i < 3; i++)
		station_html(b, "<option value=\"%R\"%R>%s</option>", be_step_name(steps[i]),
		             x->flt.missing_step == steps[i] ? " selected" : "", step_word(r, steps[i]));
	station_html(b, "</select></label> <button type=\"submit\">%s</button></form>", T_("Show", "表示"));
}

static void mark_buttons(struct station_req *r, struct buf *b)
{
	station_html(b, "<div class=\"mark no-print\" id=\"mark-actions\"><span>%s</span> ",
	             T_("Mark the ticked entries:", "チェックした項目を記録:"));
	for (int i = 0; i < 3; i++)
		station_html(b, "<button type=\"submit\" name=\"mark\" value=\"%R\" id=\"mark-%R\">%s</button> ",
		             be_step_name(steps[i]), be_step_name(steps[i]), step_word(r, steps[i]));
	station_html(b, " · <label>%s <select name=\"waive_step\" id=\"waive-step\">", T_("waive", "省略する工程"));
	for (int i = 0; i < 3; i++)
		station_html(b, "<option value=\"%R\">%s</option>", be_step_name(steps[i]), step_word(r, steps[i]));
	station_html(b,
	             "</select></label> <label>%s <input name=\"reason\" id=\"waive-reason\"></label> "
	             "<button type=\"submit\" name=\"mark\" value=\"waive\" id=\"mark-waive\">%s</button></div>",
	             T_("reason", "理由"), T_("Waive", "省略を記録"));
}

int station_page_backlog(struct station_req *r, struct station_resp *p)
{
	if (!may_look(r)) {
		if (station_audit_or_refuse(r, p, "denied", NULL, "backlog: role") == 0)
			station_page_error(
			        r, p, 403,
			        T_("The back-entry worklist is for the records office (roles clerk and admin).",
			           "遡及入力の作業一覧は医事課・診療情報管理 (ロール clerk・admin) 用です。"));
		return 0;
	}
	struct filters x;
	filters_read(r, &x, 0);
	struct incident_file *f = NULL;
	struct buf *b = &p->body;
	if (x.bad) {
		station_page_error(r, p, 400,
		                   T_("A filter is not understood (a ward code, a kind, a step, a number).",
		                      "絞り込みの条件が読めません (病棟コード・種類・工程・番号)。"));
		goto done;
	}
	int rc = station_incident_get(r->st, 0, &f);
	if (rc < 0) {
		lb_warn(L_("station: incident file: %s", "station: インシデント記録ファイル: %s"), lb_errmsg());
		station_page_error(r, p, 500,
		                   T_("The incident file cannot be read.", "インシデント記録ファイルを読めません。"));
		goto done;
	}
	struct buf detail = {0};
	buf_addf(&detail, "backlog ward=%s kind=%s missing=%s after=%s", x.ward.len ? x.ward.data : "*",
	         x.kind.len ? x.kind.data : "*", x.missing.len ? x.missing.data : "*", x.after.len ? x.after.data : "");
	rc = station_audit_or_refuse(r, p, "backentry", NULL, detail.data);
	buf_release(&detail);
	if (rc < 0)
		goto done;
	p->status = 200;
	station_page_begin(r, b, T_("Back-entry worklist", "遡及入力の作業一覧"), "/backentry/backlog");
	station_html(b, "<div class=\"backlog\"><h1>%s</h1>", T_("Back-entry worklist", "遡及入力の作業一覧"));
	const char *marked = station_arg(r, "marked");
	if (marked && *marked && strlen(marked) < 8 && strspn(marked, "0123456789") == strlen(marked))
		station_html(b, "<p class=\"ok\" id=\"marked\">%s %s</p>",
		             T_("Recorded, entries:", "記録しました (件数):"), marked);
	filter_form(r, b, &x);
	struct rows w = {.r = r, .b = b, .mark = may_mark(r)};
	int more = 0;
	if (w.mark)
		station_html(b,
		             "<form method=\"post\" action=\"/backentry/backlog/mark\" id=\"mark-form\">"
		             "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"ward\""
		             " value=\"%s\"><input type=\"hidden\" name=\"kind\" value=\"%s\"><input type=\"hidden\""
		             " name=\"missing\" value=\"%s\">",
		             r->sess.csrf, x.ward.data ? x.ward.data : "", x.kind.data ? x.kind.data : "",
		             x.missing.data ? x.missing.data : "");
	station_html(b,
	             "<table class=\"list\" id=\"backlog\"><thead><tr>%R<th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	             "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	             w.mark ? "<th></th>" : "", T_("Number", "番号"), T_("Ward", "病棟"), T_("Kind", "種類"),
	             T_("Patient", "患者"), T_("Clinical time", "記載日時"), T_("Written by", "記載者"),
	             T_("Paper kept at", "原本の保管場所"), T_("Steps", "工程"));
	rc = f ? be_backlog_page(f, &x.flt, x.after.data, BACKLOG_PAGE, row, &w, &more) : 0;
	station_html(b, "</tbody></table>");
	if (rc < 0) {
		lb_warn(L_("station: incident file: %s", "station: インシデント記録ファイル: %s"), lb_errmsg());
		station_html(b, "<p class=\"error\" role=\"alert\">%s</p>",
		             T_("The incident file cannot be read.", "インシデント記録ファイルを読めません。"));
	}
	if (!w.n)
		station_html(b, "<p class=\"none\" id=\"backlog-empty\">%s</p>",
		             T_("Nothing outstanding here.", "未完了の項目はありません。"));
	if (w.mark && w.n)
		mark_buttons(r, b);
	if (w.mark)
		station_html(b, "</form>");
	station_html(b, "<nav class=\"pager\" id=\"pager\"><span id=\"shown\">%s %l</span> ",
	             T_("entries on this page:", "このページの件数:"), (long)w.n);
	struct buf u = {0};
	if (x.after.len) {
		list_url(&u, &x, NULL);
		station_html(b, "<a href=\"%s\" id=\"first-page\">%s</a> ", u.data, T_("first page", "最初のページ"));
	}
	if (more) {
		buf_reset(&u);
		list_url(&u, &x, w.last);
		station_html(b, "<a href=\"%s\" id=\"next-page\">%s</a>", u.data, T_("next 100", "次の 100 件"));
	}
	buf_release(&u);
	station_html(b, "</nav></div>");
	station_page_end(r, b);
done:
	station_incident_put(r->st, f);
	filters_release(&x);
	return 0;
}

/* ---- POST /backentry/backlog/mark ---------------------------------------------------------------------------- */

static int mark_refuse(struct station_req *r, struct station_resp *p, int status, const char *detail, const char *msg)
{
	if (station_audit_or_refuse(r, p, "backentry", NULL, detail) < 0)
		return 0;
	p->status = status;
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Back-entry worklist", "遡及入力の作業一覧"), "/backentry/backlog");
	station_html(b,
	             "<div class=\"backlog\"><h1>%s</h1><p class=\"error\" role=\"alert\" id=\"mark-error\">%s</p>"
	             "<p><a href=\"/backentry/backlog\">%s</a></p></div>",
	             T_("Not recorded", "記録していません"), msg, T_("Back to the worklist", "作業一覧に戻る"));
	station_page_end(r, b);
	return 0;
}

int station_backlog_mark(struct station_req *r, struct station_resp *p)
{
	if (!may_mark(r))
		return mark_refuse(r, p, 403, "refused mark: role",
		                   T_("Only the records office (roles clerk and admin) marks back-entry steps. Nothing "
		                      "was recorded.",
		                      "遡及入力の工程を記録できるのは医事課・診療情報管理 (ロール clerk・admin) "
		                      "のみです。記録していません。"));
	struct filters x;
	filters_read(r, &x, 1);
	struct buf mark = {0}, wstep = {0}, reason = {0}, one = {0}, detail = {0}, osu = {0};
	char **nums = NULL;
	size_t n = 0;
	struct incident_file *f = NULL;
	int bad = x.bad;
	if (station_form_get(buf_cstr(&r->body), r->body.len, "mark", &mark) < 0 ||
	    station_form_get(buf_cstr(&r->body), r->body.len, "waive_step", &wstep) < 0 ||
	    station_form_get(buf_cstr(&r->body), r->body.len, "reason", &reason) < 0)
		bad = 1;
	/* every n=… of the body: the ticked numbers */
	const char *s = buf_cstr(&r->body);
	for (size_t i = 0; !bad && i < r->body.len;) {
		size_t j = i;
		while (j < r->body.len && s[j] != '&')
			j++;
		int rc = station_form_get(s + i, j - i, "n", &one);
		if (rc < 0 || (rc == 1 && be_number_parse(one.data, NULL, NULL, NULL) < 0))
			bad = 1;
		else if (rc == 1 && n < MARK_MAX) {
			nums = lb_realloc(nums, (n + 1) * sizeof(*nums));
			nums[n++] = lb_strdup(one.data);
		} else if (rc == 1)
			bad = 2;
		i = j + 1;
	}
	lb_error_clear();
	int waive = mark.len && !strcmp(mark.data, "waive");
	int step = be_step_parse(waive ? buf_cstr(&wstep) : buf_cstr(&mark));
	size_t rlead = reason.len ? strspn(reason.data, " \t") : 0;
	const char *msg = NULL;
	if (bad == 2)
		msg = T_("At most 500 entries at once.", "一度に記録できるのは 500 件までです。");
	else if (bad)
		msg = T_("The form holds something that is not accepted (a number, a filter or the text).",
		         "フォームに受け付けられない値があります (番号・絞り込み・文字)。");
	else if (!n)
		msg = T_("Tick at least one entry.", "記録する項目にチェックを入れてください。");
	else if (step < 0)
		msg = T_("Choose entered, scanned, billed or waive.",
		         "入力・スキャン・請求・省略のいずれかを選んでください。");
	else if (waive && rlead >= reason.len)
		msg = T_("A waiver needs a reason.", "省略には理由が必要です。");
	else if (waive && strpbrk(reason.data, "\r\n"))
		msg = T_("The reason is one line.", "理由は 1 行で書いてください。");
	if (msg) {
		mark_refuse(r, p, 400, "refused mark: the form", msg);
		goto done;
	}
	int rc = station_incident_get(r->st, 0, &f);
	if (rc <= 0) {
		mark_refuse(r, p, rc == 0 ? 409 : 500, "refused mark: no incident file",
		            T_("The incident file cannot be opened: nothing was recorded.",
		               "インシデント記録ファイルを開けないため記録していません。"));
		goto done;
	}
	buf_addf(&osu, "station %s", r->address);
	int64_t seq = 0;
	rc = be_steps_mark(f, (const char *const *)nums, n, step, waive ? reason.data + rlead : NULL, r->sess.user,
	                   osu.data, &seq);
	if (rc < 0) {
		int status = rc == -LB_EINVAL ? 400 : 500;
		buf_addf(&detail, "refused mark: %s", lb_errmsg());
		struct buf m = {0};
		buf_addf(&m, "%s: %s", T_("Not recorded", "記録していません"), lb_errmsg());
		mark_refuse(r, p, status, detail.data, m.data);
		buf_release(&m);
		goto done;
	}
	buf_addf(&detail, "mark %s%s %zu #%lld", waive ? "waived " : "", be_step_name(step), n, (long long)seq);
	if (station_audit_or_refuse(r, p, "backentry", NULL, detail.data) < 0)
		goto done;
	struct buf to = {0};
	list_url(&to, &x, NULL);
	buf_addf(&to, "%cmarked=%zu", strchr(to.data, '?') ? '&' : '?', n);
	p->status = 303;
	snprintf(p->location, sizeof(p->location), "%s", to.data);
	p->type = "text/plain; charset=utf-8";
	buf_adds(&p->body, "recorded\n");
	buf_release(&to);
done:
	for (size_t i = 0; i < n; i++)
		free(nums[i]);
	free(nums);
	station_incident_put(r->st, f);
	filters_release(&x);
	buf_release(&mark);
	buf_release(&wstep);
	buf_release(&reason);
	buf_release(&one);
	buf_release(&detail);
	buf_release(&osu);
	return 0;
}

/* ---- the burn-down on the headquarters board ----------------------------------------------------------------- */

void station_backentry_burndown(struct station_req *r, struct buf *b, struct incident_file *f)
{
	struct be_day *d = NULL;
	size_t n = 0;
	if (!f || be_burndown(f, lb_now_ms(), &d, &n) < 0) {
		lb_error_clear();
		return;
	}
	if (!n) {
		free(d);
		return;
	}
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (d[i].outstanding > max)
			max = d[i].outstanding;
	/* a bar a day, the outstanding entries at its end; the axis from 0 to the highest */
	const int W = 640, H = 220, L = 56, R = 12, T = 16, B = 36;
	double bw = (double)(W - L - R) / (double)n;
	char first[16], last[16];
	time_t t0 = (time_t)(d[0].day_ms / 1000), t1 = (time_t)(d[n - 1].day_ms / 1000);
	struct tm tm;
	strftime(first, sizeof(first), "%Y/%m/%d", gmtime_r(&t0, &tm));
	strftime(last, sizeof(last), "%Y/%m/%d", gmtime_r(&t1, &tm));
	station_html(b, "<section class=\"burndown\" id=\"burndown\"><h2>%s</h2>",
	             T_("Back-entry: entries outstanding at the end of each day",
	                "遡及入力: 日ごとの未完了件数 (バーンダウン)"));
	station_html(
	        b,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"burndown-chart\" viewBox=\"0 0 %d %d\" width=\"%d\""
	        " height=\"%d\" role=\"img\" aria-label=\"%s\"><title>%s</title>",
	        W, H, W, H, T_("Outstanding back-entry per day", "遡及入力の未完了件数の推移"),
	        T_("Outstanding back-entry per day", "遡及入力の未完了件数の推移"));
	station_html(b,
	             "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
	             "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
	             L, T, L, H - B, L, H - B, W - R, H - B);
	buf_addf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%lld</text>", L - 4, T + 4,
	         (long long)max);
	buf_addf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>", L - 4, H - B + 4);
	for (size_t i = 0; i < n; i++) {
		double h = (double)(H - B - T) * (double)d[i].outstanding / (double)max;
		buf_addf(b,
		         "<rect class=\"day\" data-outstanding=\"%lld\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		         "height=\"%.1f\" fill=\"#1565c0\"/>",
		         (long long)d[i].outstanding, L + bw * (double)i + bw * 0.1, (double)(H - B) - h, bw * 0.8, h);
	}
	station_html(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", L, H - B + 16, first);
	station_html(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text></svg>", W - R,
	             H - B + 16, last);
	station_html(b, "<p id=\"burndown-now\">%s <b>%l</b> (%s)</p></section>",
	             T_("Outstanding now:", "現在の未完了:"), (long)d[n - 1].outstanding, last);
	free(d);
}
