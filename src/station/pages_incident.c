/*
 * pages_incident.c - the headquarters pages (issue 15): GET /incident, the board (title, drill mark, the five
 * MHLW phases, decisions in force, reporting deadlines with the overdue ones in red, the newest entries, and the
 * forms); GET /incident/timeline (every entry, paged, with the chain's verify state); POST /incident/declare,
 * /incident/phase, /incident/decide, /incident/log.
 *
 * Every change is an entry appended through the incident library (incident_append): the writer is the logged-in
 * user (author = the login name, os_user = "station ADDRESS"), never a name typed into the form. Declaring,
 * changing the phase and deciding (a log entry of kind decision too) are for the roles admin and hq; anyone
 * logged in logs facts, actions, contacts and evidence. Each POST is one audit entry (action "incident"); after
 * it, 303 to the board (a reload records nothing again). Bad input: 400 with one line saying why, nothing
 * recorded; a role that may not: 403; the incident's state forbids it (already declared, already in that phase,
 * nothing declared): 409.
 */
#include "station_int.h"

#include <stdlib.h>
#include <string.h>

#define BOARD_LATEST 20
#define TIMELINE_PAGE 100

/* ---- shared pieces ------------------------------------------------------------------------------------------- */

static void entry_what(struct station_req *r, struct buf *b, const struct incident_entry *e)
{
	if (!strcmp(e->type, INCIDENT_T_DECLARE))
		station_html(b, "%s", T_("declared", "宣言"));
	else if (!strcmp(e->type, INCIDENT_T_PHASE))
		station_html(b, "%s → %s", T_("phase", "フェーズ"),
		             station_phase_label(r, incident_phase_parse(e->kind)));
	else if (!strcmp(e->type, INCIDENT_T_CLOSE))
		station_html(b, "%s", T_("closed", "終了"));
	else if (!strcmp(e->type, INCIDENT_T_CARDS))
		station_html(b, "%s (%d)", T_("action cards loaded", "アクションカード読み込み"), e->flags);
	else if (!strcmp(e->type, INCIDENT_T_DONE))
		station_html(b, "%s <a href=\"/incident#card-%s\">%s</a>", T_("card done", "カード完了"), e->kind,
		             e->kind);
	else if (!strcmp(e->type, INCIDENT_T_ASSIGN))
		station_html(b, "%s <a href=\"/incident#card-%s\">%s</a> →", T_("card assigned", "カード割当"), e->kind,
		             e->kind);
	else
		station_html(b, "%s", station_kind_label(r, incident_kind_parse(e->kind)));
}

static void entry_who(struct station_req *r, struct buf *b, const struct incident_entry *e)
{
	if (e->author)
		station_html(b, "<span class=\"who\">%s</span>", e->author);
	else
		station_html(b, "<span class=\"who os\">%s (%s)</span>", e->os_user ? e->os_user : "?",
		             T_("OS account; no name given", "OS アカウント、記録者名なし"));
	if (e->os_user && e->author)
		station_html(b, " <span class=\"via\">(%s)</span>", e->os_user);
}

/* A link to entry seq on the timeline page that holds it. */
static void entry_link(struct buf *b, int64_t seq)
{
	station_html(b, "<a href=\"/incident/timeline?at=%l#e-%l\">#%l</a>", (long)seq, (long)seq, (long)seq);
}

/* One table row of entry e; corrected_by: the newest entry correcting it (0: none). */
static void entry_row(struct station_req *r, struct buf *b, const struct incident_entry *e, int64_t corrected_by)
{
	struct buf at = {0};
	lb_format_local(&at, e->at_ms);
	int team = incident_team_parse(e->team);
	station_html(b, "<tr id=\"e-%l\" data-type=\"%s\" data-kind=\"%s\"%R><td class=\"seq\">#%l</td><td>%s</td><td>",
	             (long)e->seq, e->type, e->kind ? e->kind : "", corrected_by ? " class=\"corrected\"" : "",
	             (long)e->seq, at.data);
	entry_what(r, b, e);
	if (e->report && incident_report_parse(e->report) >= 0)
		station_html(b, " <span class=\"reported\">%s: %s</span>", T_("report made", "報告"),
		             station_report_label(r, incident_report_parse(e->report)));
	station_html(b, "</td><td>%s</td><td class=\"text\">", team >= 0 ? station_team_label(r, team) : "");
	if (e->ref) {
		station_html(b, "<span class=\"corrects\">");
		entry_link(b, e->ref);
		station_html(b, " %s</span> ", T_("corrected:", "を訂正:"));
	}
	station_html(b, "%s", e->text);
	if (corrected_by) {
		station_html(b, " <span class=\"corrected-by\">[");
		entry_link(b, corrected_by);
		station_html(b, " %s]</span>", T_("corrects it", "で訂正済"));
	}
	station_html(b, "</td><td>");
	entry_who(r, b, e);
	station_html(b, "</td></tr>\n");
	buf_release(&at);
}

static void entries_head(struct station_req *r, struct buf *b, const char *id)
{
	station_html(b,
	             "<table class=\"timeline\" id=\"%s\"><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th>"
	             "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
	             id, T_("time", "日時"), T_("what", "種別"), T_("team", "班"), T_("entry", "内容"),
	             T_("written by", "記録者"));
}

static int cannot_read(struct station_req *r, struct station_resp *p)
{
	lb_warn(L_("station: incident file: %s", "station: インシデント記録ファイル: %s"), lb_errmsg());
	return station_page_error(r, p, 500,
	                          T_("The incident file cannot be read: use 'lifeboat incident status' on the "
	                             "headquarters PC.",
	                             "インシデント記録ファイルを読めません。対策本部の PC で 'lifeboat incident "
	                             "status' を使ってください。"));
}

static void csrf_input(struct station_req *r, struct buf *b)
{
	station_html(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->sess.csrf);
}

/* ---- the board ----------------------------------------------------------------------------------------------- */

static void phase_strip(struct station_req *r, struct buf *b, const struct incident_state *s)
{
	struct buf since = {0};
	lb_format_local(&since, s->phase_since_ms);
	station_html(b, "<ol class=\"phases\" id=\"phases\"><li class=\"past\">%s</li>", T_("normal times", "平時"));
	for (int ph = 0; ph < INCIDENT_PHASES; ph++)
		station_html(b, "<li%R data-phase=\"%R\">%s</li>",
		             ph == s->phase  ? " class=\"current\" aria-current=\"step\""
		             : ph < s->phase ? " class=\"past\""
		                             : "",
		             incident_phase_name(ph), station_phase_label(r, ph));
	station_html(b, "</ol><p class=\"phase-now\">%s <b id=\"phase\">%s</b> (%s %s)</p>",
	             T_("Phase:", "現在のフェーズ:"), station_phase_label(r, s->phase), T_("since", "開始"),
	             since.data);
	buf_release(&since);
}

static void deadlines_table(struct station_req *r, struct buf *b, const struct incident_state *s)
{
	station_html(b, "<h2>%s</h2>", T_("Reporting deadlines", "報告期限"));
	if (s->declared.flags & INCIDENT_F_DRILL)
		station_html(
		        b, "<p class=\"drill-note\">%s</p>",
		        T_("Drill: shown to rehearse them, nothing is to be reported.", "訓練: 実際には報告しない"));
	station_html(b,
	             "<table class=\"deadlines\" id=\"deadlines\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr>"
	             "</thead><tbody>",
	             T_("report", "報告先"), T_("due", "期限"), T_("state", "状況"));
	for (int k = 0; k < INCIDENT_REPORTS; k++) {
		const struct incident_deadline *d = &s->deadlines[k];
		struct buf due = {0}, done = {0};
		lb_format_local(&due, d->latest_ms);
		station_html(b, "<tr data-report=\"%R\"%R><td>%s</td><td>", incident_report_name(k),
		             d->overdue ? " class=\"overdue\"" : "", station_report_label(r, k));
		if (d->latest_ms == s->declared.known_at_ms)
			station_html(b, "%s (%s %s)", T_("at once", "直ちに"), T_("known at", "認知"), due.data);
		else if (d->due_ms != d->latest_ms) {
			struct buf first = {0};
			lb_format_local(&first, d->due_ms);
			station_html(b, "%s - %s", first.data, due.data);
			buf_release(&first);
		} else
			station_html(b, "%s", due.data);
		station_html(b, "</td><td>");
		if (d->done_seq) {
			lb_format_local(&done, d->done_ms);
			station_html(b, "%s ", T_("made", "報告済"));
			entry_link(b, d->done_seq);
			station_html(b, " %s", done.data);
			if (d->late)
				station_html(b, " <span class=\"late\">[%s]</span>",
				             T_("after the deadline", "期限後に報告"));
		} else if (d->overdue) {
			station_html(b, "<b class=\"overdue-mark\">[%s]</b>", T_("OVERDUE", "期限超過"));
		} else {
			station_html(b, "%s", T_("not yet", "未報告"));
		}
		station_html(b, "</td></tr>");
		buf_release(&due);
		buf_release(&done);
	}
	station_html(b, "</tbody></table>");
}

static void decisions_list(struct station_req *r, struct buf *b, const struct incident_state *s)
{
	station_html(b, "<h2>%s</h2>", T_("Decisions in force", "有効な決定"));
	if (!s->ndecisions) {
		station_html(b, "<p class=\"none\" id=\"no-decisions\">%s</p>", T_("None yet.", "まだありません。"));
		return;
	}
	station_html(b, "<ul class=\"board-decisions\" id=\"board-decisions\">");
	for (size_t i = 0; i < s->ndecisions; i++) {
		const struct incident_entry *e = &s->decisions[i];
		struct buf at = {0};
		lb_format_local(&at, e->at_ms);
		station_html(b, "<li>");
		entry_link(b, e->seq);
		station_html(b, " <span class=\"when\">%s</span> <b>%s</b> — ", at.data, e->text);
		entry_who(r, b, e);
		station_html(b, "</li>");
		buf_release(&at);
	}
	station_html(b, "</ul>");
}

/* The <option>s of the teams, sel selected ("" for none). */
static void team_options(struct station_req *r, struct buf *b, const char *sel)
{
	station_html(b, "<option value=\"\"%R>—</option>", sel && *sel ? "" : " selected");
	for (int t = 0; t < INCIDENT_TEAMS; t++)
		station_html(b, "<option value=\"%R\"%R>%s</option>", incident_team_name(t),
		             sel && !strcmp(sel, incident_team_name(t)) ? " selected" : "", station_team_label(r, t));
}

static void board_forms(struct station_req *r, struct buf *b, const struct incident_state *s)
{
	int hq = station_may_command(r);
	station_html(b, "<section class=\"hq-forms\"><h2>%s</h2>", T_("Write to the timeline", "記録する"));
	station_html(b, "<form method=\"post\" action=\"/incident/log\" id=\"log-form\">");
	csrf_input(r, b);
	station_html(b, "<label>%s <select name=\"kind\">", T_("kind", "種別"));
	for (int k = 0; k < INCIDENT_KINDS; k++)
		if (k != INCIDENT_DECISION || hq)
			station_html(b, "<option value=\"%R\">%s</option>", incident_kind_name(k),
			             station_kind_label(r, k));
	station_html(b, "</select></label> <label>%s <select name=\"team\">", T_("team", "班"));
	team_options(r, b, r->sess.team);
	station_html(b, "</select></label> <label>%s <select name=\"report\"><option value=\"\" selected>—</option>",
	             T_("report made", "報告済とする"));
	for (int k = 0; k < INCIDENT_REPORTS; k++)
		station_html(b, "<option value=\"%R\">%s</option>", incident_report_name(k),
		             station_report_label(r, k));
	station_html(b,
	             "</select></label><br><textarea name=\"text\" rows=\"3\" cols=\"60\" maxlength=\"%d\" required "
	             "placeholder=\"%s\"></textarea><br><button type=\"submit\">%s</button></form>",
	             STATION_FIELD_MAX,
	             T_("what was seen, done, called, kept", "見たこと・したこと・連絡・保全したもの"),
	             T_("Record", "記録"));
	if (!hq) {
		station_html(b, "<p class=\"note\" id=\"hq-only\">%s</p></section>",
		             T_("Decisions and phase changes are recorded by headquarters (roles hq and admin).",
		                "決定とフェーズの変更は対策本部 (ロール hq・admin) が記録します。"));
		return;
	}
	station_html(b, "<form method=\"post\" action=\"/incident/decide\" id=\"decide-form\">");
	csrf_input(r, b);
	station_html(b,
	             "<label>%s<br><textarea name=\"text\" rows=\"2\" cols=\"60\" maxlength=\"%d\" required></textarea>"
	             "</label><br><button type=\"submit\">%s</button></form>",
	             T_("Decision (shown on every station)", "決定 (全端末に表示)"), STATION_FIELD_MAX,
	             T_("Record the decision", "決定を記録"));
	station_html(b, "<form method=\"post\" action=\"/incident/phase\" id=\"phase-form\">");
	csrf_input(r, b);
	station_html(b, "<label>%s <select name=\"phase\">", T_("Move to phase", "フェーズを変更"));
	for (int ph = 0; ph < INCIDENT_PHASES; ph++)
		if (ph != s->phase)
			station_html(b, "<option value=\"%R\">%s</option>", incident_phase_name(ph),
			             station_phase_label(r, ph));
	station_html(b,
	             "</select></label> <label>%s <input name=\"note\" maxlength=\"%d\"></label> "
	             "<button type=\"submit\">%s</button></form></section>",
	             T_("why", "理由"), STATION_FIELD_MAX, T_("Change the phase", "フェーズを変更"));
}

static void declare_form(struct station_req *r, struct buf *b)
{
	if (!station_may_command(r)) {
		station_html(b, "<p class=\"note\" id=\"hq-only\">%s</p>",
		             T_("An incident is declared by headquarters (roles hq and admin).",
		                "インシデントの宣言は対策本部 (ロール hq・admin) が行います。"));
		return;
	}
	station_html(
	        b,
	        "<form method=\"post\" action=\"/incident/declare\" id=\"declare-form\" class=\"hq-forms\"><h2>%s</h2>",
	        T_("Declare an incident", "インシデントを宣言"));
	csrf_input(r, b);
	station_html(
	        b,
	        "<label>%s <input name=\"title\" size=\"50\" maxlength=\"%d\" required></label><br>"
	        "<label>%s <input type=\"datetime-local\" name=\"known_at\"></label> <span class=\"note\">%s</span><br>"
	        "<label><input type=\"checkbox\" name=\"drill\" value=\"1\"> %s</label> "
	        "<label><input type=\"checkbox\" name=\"malicious\" value=\"1\"> %s</label><br>"
	        "<button type=\"submit\">%s</button></form>",
	        T_("What happened", "件名"), STATION_FIELD_MAX, T_("Learned of at", "認知日時"),
	        T_("every legal deadline counts from it (empty: now)", "法定期限の起点 (空欄は現在)"),
	        T_("drill (nothing is reported)", "訓練 (報告しない)"),
	        T_("wrongful purpose (unauthorised access, ransomware)", "不正の目的 (不正アクセス・ランサムウェア)"),
	        T_("Declare", "宣言"));
}

static void past_incidents(struct station_req *r, struct buf *b, struct incident_file *f)
{
	struct incident_list l = {0};
	if (!f || incident_list(f, &l) < 0 || !l.n) {
		incident_list_release(&l);
		return;
	}
	station_html(b, "<h2>%s</h2><ul class=\"past-incidents\">", T_("Closed incidents", "終了したインシデント"));
	for (size_t i = 0; i < l.n; i++) {
		struct buf at = {0};
		lb_format_local(&at, l.v[i].declared.at_ms);
		station_html(b, "<li><a href=\"/incident/timeline?id=%l\">#%l %s</a> %s%R</li>",
		             (long)l.v[i].declared.seq, (long)l.v[i].declared.seq, l.v[i].declared.text, at.data,
		             l.v[i].declared.flags & INCIDENT_F_DRILL ? T_(" (drill)", " (訓練)") : "");
		buf_release(&at);
	}
	station_html(b, "</ul>");
	incident_list_release(&l);
}

int station_page_incident(struct station_req *r, struct station_resp *p)
{
	struct incident_file *f = NULL;
	struct incident_state s = {0};
	int rc = station_incident_get(r->st, 0, &f), open = 0;
	if (rc > 0) {
		rc = incident_state(f, 0, BOARD_LATEST, lb_now_ms(), &s);
		open = rc == 0;
		if (rc == -LB_ENOTFOUND)
			rc = 0;
	}
	if (rc < 0) {
		station_incident_put(r->st, f);
		return cannot_read(r, p);
	}
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Headquarters board", "対策本部ボード"), "/incident");
	station_html(b, "<div class=\"hq\"><h1>%s</h1>", T_("Headquarters board", "対策本部ボード"));
	const char *rec = station_arg(r, "recorded");
	if (rec && *rec && strlen(rec) < 20 && strspn(rec, "0123456789") == strlen(rec))
		station_html(b, "<p class=\"ok\" id=\"recorded\">%s #%s</p>", T_("Recorded:", "記録しました:"), rec);
	if (!open) {
		station_html(b, "<p class=\"none\" id=\"no-incident\">%s</p>",
		             T_("No incident is declared.", "宣言されたインシデントはありません。"));
		declare_form(r, b);
		past_incidents(r, b, f);
	} else {
		struct buf at = {0}, known = {0};
		lb_format_local(&at, s.declared.at_ms);
		lb_format_local(&known, s.declared.known_at_ms);
		station_html(b, "<section class=\"incident-head\" id=\"incident\"><h2>#%l %s%R</h2>",
		             (long)s.declared.seq, s.declared.text,
		             s.declared.flags & INCIDENT_F_DRILL
		                     ? T_(" <span class=\"drill\" id=\"drill\">DRILL</span>",
		                          " <span class=\"drill\" id=\"drill\">訓練</span>")
		                     : "");
		station_html(b, "<p>%s %s — ", T_("declared", "宣言"), at.data);
		entry_who(r, b, &s.declared);
		station_html(b, " · %s <b>%s</b>%R</p>", T_("learned of at", "認知日時"), known.data,
		             s.declared.flags & INCIDENT_F_MALICIOUS ? T_(" · wrongful purpose", " · 不正の目的") : "");
		buf_release(&at);
		buf_release(&known);
		phase_strip(r, b, &s);
		station_html(b, "</section>");
		decisions_list(r, b, &s);
		deadlines_table(r, b, &s);
		station_html(b, "<h2>%s</h2>", T_("Latest entries", "最新の記録"));
		entries_head(r, b, "latest");
		for (size_t i = s.nlatest; i-- > 0;) {
			int64_t by = 0;
			if (incident_corrected_by(f, s.latest[i].seq, &by) < 0)
				by = 0;
			entry_row(r, b, &s.latest[i], by);
		}
		station_html(
		        b, "</tbody></table><p><a href=\"/incident/timeline\" id=\"timeline-link\">%s (%l %s)</a></p>",
		        T_("The whole timeline", "全記録"), (long)s.entries, T_("entries", "件"));
		board_forms(r, b, &s);
		station_incident_cards_section(r, b, f);
		station_incident_facts_section(r, b, f);
	}
	station_backentry_burndown(r, b, f); /* after the outage too: headquarters sees when back-entry ends */
	station_html(b, "</div>");
	station_page_end(r, b);
	incident_state_release(&s);
	station_incident_put(r->st, f);
	return 0;
}

/* ---- the timeline -------------------------------------------------------------------------------------------- */

struct tl_walk {
	int64_t at;    /* find the index of this entry (0: none) */
	int64_t index; /* entries seen */
	int64_t found; /* index of at, or -1 */
	int64_t from, to;
	struct incident_entry *v;
	size_t n;
};

static int tl_find(const struct incident_entry *e, void *arg)
{
	struct tl_walk *w = arg;
	if (e->seq == w->at) {
		w->found = w->index;
		return 1;
	}
	w->index++;
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? lb_strdup(s) : NULL;
}

static int tl_collect(const struct incident_entry *e, void *arg)
{
	struct tl_walk *w = arg;
	int64_t i = w->index++;
	if (i < w->from)
		return 0;
	if (i >= w->to)
		return 1;
	struct incident_entry *c = &w->v[w->n++];
	*c = *e;
	c->type = dup_or_null(e->type);
	c->kind = dup_or_null(e->kind);
	c->team = dup_or_null(e->team);
	c->author = dup_or_null(e->author);
	c->os_user = dup_or_null(e->os_user);
	c->text = dup_or_null(e->text);
	c->report = dup_or_null(e->report);
	return 0;
}

static void verify_line(struct station_req *r, struct buf *b, struct incident_file *f)
{
	struct incident_verify_result v;
	if (incident_verify(f, NULL, &v) < 0) {
		station_html(b, "<p class=\"chain error\" id=\"chain\" data-status=\"error\">%s</p>",
		             T_("The chain cannot be checked: the file cannot be read.",
		                "記録ファイルを読めないため検証できません。"));
		return;
	}
	char head[17];
	incident_hex(v.head, 8, head);
	if (v.status == INCIDENT_INTACT) {
		station_html(b, "<p class=\"chain ok\" id=\"chain\" data-status=\"intact\">%s %l %s %s</p>",
		             T_("The timeline is intact:", "記録は無傷です:"), (long)v.entries,
		             T_("entries, head", "件、末尾"), head);
		return;
	}
	const char *what = v.status == INCIDENT_ALTERED   ? T_("was altered", "が改ざんされています")
	                   : v.status == INCIDENT_REMOVED ? T_("was removed", "が削除されています")
	                   : v.status == INCIDENT_REORDERED ? T_("was reordered", "の順序が入れ替えられています")
	                                                    : T_("is missing at the head", "の末尾が失われています");
	station_html(b,
	             "<p class=\"chain broken\" id=\"chain\" data-status=\"broken\" role=\"alert\">%s #%l %s. %s</p>",
	             T_("THE TIMELINE IS BROKEN: entry", "記録が壊れています:"), (long)v.at, what,
	             T_("Tell headquarters and run 'lifeboat incident verify'.",
	                "対策本部に伝え、'lifeboat incident verify' を実行してください。"));
}

static void pager(struct station_req *r, struct buf *b, int64_t id, int64_t page, int64_t pages)
{
	if (pages <= 1)
		return;
	station_html(b, "<nav class=\"pager\" id=\"pager\">");
	const char *const labels[][2] = {{"first", "最初"}, {"previous", "前"}, {"next", "次"}, {"last", "最新"}};
	int64_t to[4] = {1, page - 1, page + 1, pages};
	for (int k = 0; k < 4; k++) {
		if (to[k] < 1 || to[k] > pages || to[k] == page)
			continue;
		if (id)
			station_html(b, "<a href=\"/incident/timeline?id=%l&amp;page=%l\">%s</a> ", (long)id,
			             (long)to[k], T_(labels[k][0], labels[k][1]));
		else
			station_html(b, "<a href=\"/incident/timeline?page=%l\">%s</a> ", (long)to[k],
			             T_(labels[k][0], labels[k][1]));
	}
	station_html(b, "<span>%s %l / %l</span></nav>", T_("page", "ページ"), (long)page, (long)pages);
}

/* A whole number 1..max of query argument name (absent: 0), or -1. */
static int64_t arg_num(struct station_req *r, const char *name, int64_t max)
{
	int bad = 0;
	const char *v = station_arg_opt(r, name, &bad);
	if (bad)
		return -1;
	if (!v)
		return 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	return *end || n < 1 || n > max ? -1 : (int64_t)n;
}

int station_page_incident_timeline(struct station_req *r, struct station_resp *p)
{
	int64_t id = arg_num(r, "id", INT64_MAX / 2), page = arg_num(r, "page", INT64_MAX / 2),
	        at = arg_num(r, "at", INT64_MAX / 2);
	if (id < 0 || page < 0 || at < 0)
		return station_page_error(
		        r, p, 400,
		        T_("id, page and at are whole numbers from 1.", "id・page・at は 1 以上の整数です。"));
	struct incident_file *f = NULL;
	int have = station_incident_get(r->st, 0, &f);
	if (have < 0)
		return cannot_read(r, p);
	struct incident_state s = {0};
	if (have > 0 && at && !id) {
		/* a link to an entry (a correction, a card's done entry): the incident it belongs to, open or closed */
		struct incident_entry e = {0};
		if (incident_get(f, at, &e) == 0)
			id = e.incident;
		incident_entry_release(&e);
	}
	int rc = have > 0 ? incident_state(f, id, 0, lb_now_ms(), &s) : -LB_ENOTFOUND;
	if (rc == -LB_ENOTFOUND) {
		station_incident_put(r->st, f);
		return station_page_error(
		        r, p, 404,
		        id ? T_("There is no such incident in the file.", "そのインシデントはありません。")
		           : T_("No incident is declared.", "宣言されたインシデントはありません。"));
	}
	if (rc < 0) {
		station_incident_put(r->st, f);
		return cannot_read(r, p);
	}
	struct tl_walk w = {.at = at, .found = -1};
	int64_t pages = (s.entries + TIMELINE_PAGE - 1) / TIMELINE_PAGE;
	if (at) {
		rc = incident_each(f, s.declared.seq, tl_find, &w);
		if (rc >= 0 && w.found >= 0)
			page = w.found / TIMELINE_PAGE + 1;
	}
	if (!page || page > pages)
		page = pages ? pages : 1;
	w.index = 0;
	w.from = (page - 1) * TIMELINE_PAGE;
	w.to = w.from + TIMELINE_PAGE;
	w.v = lb_calloc(TIMELINE_PAGE, sizeof(*w.v));
	if (rc >= 0)
		rc = incident_each(f, s.declared.seq, tl_collect, &w);
	if (rc < 0) {
		for (size_t i = 0; i < w.n; i++)
			incident_entry_release(&w.v[i]);
		free(w.v);
		incident_state_release(&s);
		station_incident_put(r->st, f);
		return cannot_read(r, p);
	}
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Incident timeline", "インシデントの記録"), "/incident/timeline");
	station_html(b, "<div class=\"hq\"><h1>%s</h1><p><a href=\"/incident\">%s</a></p>",
	             T_("Incident timeline", "インシデントの記録"), T_("headquarters board", "対策本部ボード"));
	station_html(b, "<h2>#%l %s%R</h2>", (long)s.declared.seq, s.declared.text,
	             s.declared.flags & INCIDENT_F_DRILL
	                     ? T_(" <span class=\"drill\">DRILL</span>", " <span class=\"drill\">訓練</span>")
	                     : "");
	verify_line(r, b, f);
	pager(r, b, id, page, pages);
	entries_head(r, b, "timeline");
	for (size_t i = 0; i < w.n; i++) {
		int64_t by = 0;
		if (incident_corrected_by(f, w.v[i].seq, &by) < 0)
			by = 0;
		entry_row(r, b, &w.v[i], by);
		incident_entry_release(&w.v[i]);
	}
	station_html(b, "</tbody></table>");
	pager(r, b, id, page, pages);
	station_html(b, "</div>");
	station_page_end(r, b);
	free(w.v);
	incident_state_release(&s);
	station_incident_put(r->st, f);
	return 0;
}
