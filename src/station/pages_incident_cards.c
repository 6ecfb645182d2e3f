/*
 * pages_incident_cards.c - the action cards on the headquarters board (issue 15): the open incident's cards by
 * team with their state as the timeline says (open, assigned to someone, done by whom and when; the overdue in
 * red), and POST /incident/done (card, note) and /incident/assign (card, to).
 *
 * A card is completed by a member of its team (users.team, `lifeboat user add --team`, `user team`); it is
 * assigned by headquarters (roles hq and admin) or a member of its team. Others get 403 and nothing is recorded.
 * Both are timeline entries made by the incident library (incident_card_done, incident_card_assign) with the
 * logged-in user as the writer; each POST is one audit entry (action "incident").
 */
#include "station_int.h"

#include <string.h>

static const char *card_phase_label(const struct station_req *r, int phase)
{
	return phase == INCIDENT_NORMAL ? T_("normal times", "平時") : station_phase_label(r, phase);
}

static int same_team(const struct station_req *r, int team)
{
	return r->sess.team[0] && !strcmp(r->sess.team, incident_team_name(team));
}

static void card_row(struct station_req *r, struct buf *b, const struct incident_card_state *s)
{
	const struct incident_card *k = &s->card;
	static const char *const status[] = {"open", "assigned", "done"};
	station_html(b, "<tr id=\"card-%s\" data-status=\"%R\"%R><td>%s</td><td><b>%s</b>", k->id, status[s->status],
	             s->overdue ? " class=\"overdue\"" : "", card_phase_label(r, k->phase),
	             T_(k->title_en, k->title_ja));
	if (k->owner_ja)
		station_html(b, " <span class=\"owner\">(%s)</span>", T_(k->owner_en, k->owner_ja));
	station_html(b, " <span class=\"card-id\">%s</span>", k->id);
	if (k->nsteps) {
		station_html(b, "<details><summary>%s</summary><ol>", T_("steps", "手順"));
		for (size_t i = 0; i < k->nsteps; i++)
			station_html(b, "<li>%s</li>", T_(k->steps[i].en, k->steps[i].ja));
		station_html(b, "</ol></details>");
	}
	station_html(b, "</td><td>");
	if (s->due_ms) {
		struct buf due = {0};
		lb_format_local(&due, s->due_ms);
		station_html(b, "%s", due.data);
		if (s->overdue)
			station_html(b, " <b class=\"overdue-mark\">[%s]</b>", T_("OVERDUE", "期限超過"));
		buf_release(&due);
	}
	station_html(b, "</td><td class=\"card-state\">");
	struct buf at = {0};
	if (s->status == INCIDENT_CARD_DONE) {
		lb_format_local(&at, s->done_ms);
		station_html(b, "<b>%s</b> %s %s", T_("done", "完了"), s->done_by ? s->done_by : "?", at.data);
		if (s->done_note)
			station_html(b, "<br><span class=\"note\">%s</span>", s->done_note);
	} else if (s->status == INCIDENT_CARD_ASSIGNED) {
		lb_format_local(&at, s->assigned_ms);
		station_html(b, "%s <b>%s</b> (%s)", T_("assigned to", "担当"), s->assignee ? s->assignee : "?",
		             at.data);
	} else {
		station_html(b, "%s", T_("open", "未着手"));
	}
	buf_release(&at);
	station_html(b, "</td><td>");
	if (s->status != INCIDENT_CARD_DONE && same_team(r, k->team))
		station_html(
		        b,
		        "<form method=\"post\" action=\"/incident/done\" class=\"card-done\"><input type=\"hidden\" "
		        "name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"card\" value=\"%s\"><input "
		        "name=\"note\" size=\"16\" maxlength=\"%d\" placeholder=\"%s\"> <button type=\"submit\">%s"
		        "</button></form>",
		        r->sess.csrf, k->id, STATION_FIELD_MAX, T_("what was done", "実施内容"), T_("Done", "完了"));
	if (s->status != INCIDENT_CARD_DONE && (station_may_command(r) || same_team(r, k->team)))
		station_html(
		        b,
		        "<form method=\"post\" action=\"/incident/assign\" class=\"card-assign\"><input "
		        "type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"card\" value=\"%s\">"
		        "<input name=\"to\" size=\"12\" maxlength=\"%d\" required placeholder=\"%s\"> <button "
		        "type=\"submit\">%s</button></form>",
		        r->sess.csrf, k->id, INCIDENT_NAME_MAX, T_("who", "担当者"), T_("Assign", "割当"));
	station_html(b, "</td></tr>\n");
}

void station_incident_cards_section(struct station_req *r, struct buf *b, struct incident_file *f)
{
	struct incident_cards c = {0};
	station_html(b, "<h2>%s</h2>", T_("Action cards", "アクションカード"));
	int rc = incident_cards(f, 0, -1, -1, lb_now_ms(), &c);
	if (rc < 0) {
		lb_warn(L_("station: incident file: %s", "station: インシデント記録ファイル: %s"), lb_errmsg());
		station_html(b, "<p class=\"error\" role=\"alert\" id=\"cards-error\">%s %s</p>",
		             T_("The action cards cannot be shown:", "アクションカードを表示できません:"), lb_errmsg());
		return;
	}
	if (!c.n) {
		station_html(
		        b, "<p class=\"none\" id=\"no-cards\">%s</p>",
		        T_("This incident has no action cards ('lifeboat incident cards --load DIR' loads them).",
		           "このインシデントにはアクションカードがありません ('lifeboat incident cards --load DIR' で"
		           "読み込みます)。"));
		incident_cards_release(&c);
		return;
	}
	station_html(b, "<section class=\"cards\" id=\"cards\">");
	for (int t = 0; t < INCIDENT_TEAMS; t++) {
		size_t n = 0, done = 0;
		for (size_t i = 0; i < c.n; i++)
			if (c.v[i].card.team == t) {
				n++;
				done += c.v[i].status == INCIDENT_CARD_DONE;
			}
		if (!n)
			continue;
		station_html(b,
		             "<h3 id=\"team-%R\">%s <span class=\"count\">%l / %l %s</span>%R</h3><table "
		             "class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr>"
		             "</thead><tbody>\n",
		             incident_team_name(t), station_team_label(r, t), (long)done, (long)n, T_("done", "完了"),
		             same_team(r, t) ? T_(" <span class=\"mine\">your team</span>",
		                                  " <span class=\"mine\">自分の班</span>")
		                             : "",
		             T_("phase", "フェーズ"), T_("card", "カード"), T_("due", "期限"), T_("state", "状況"));
		for (size_t i = 0; i < c.n; i++)
			if (c.v[i].card.team == t)
				card_row(r, b, &c.v[i]);
		station_html(b, "</tbody></table>");
	}
	station_html(b, "</section>");
	incident_cards_release(&c);
}

/* ---- POST /incident/done, /incident/assign ------------------------------------------------------------------- */

int station_incident_card_post(struct station_req *r, struct station_resp *p, int assign,
                               int (*refuse)(struct station_req *, struct station_resp *, int, const char *,
                                             const char *))
{
	struct buf card = {0}, note = {0}, to = {0}, detail = {0}, osu = {0};
	struct incident_cards c = {0};
	struct incident_file *f = NULL;
	const char *what = assign ? "assign" : "done";
	int bad = station_form_get(buf_cstr(&r->body), r->body.len, "card", &card) < 0 ||
	          station_form_get(buf_cstr(&r->body), r->body.len, "note", &note) < 0 ||
	          station_form_get(buf_cstr(&r->body), r->body.len, "to", &to) < 0;
	if (bad || !card.len || card.len > INCIDENT_CARD_ID_MAX || (assign && !to.len) || to.len > INCIDENT_NAME_MAX) {
		buf_addf(&detail, "refused %s: the form", what);
		refuse(r, p, 400, detail.data,
		       assign ? T_("Name the card and the person it is given to.", "カードと担当者を指定してください。")
		              : T_("Name the card that was done.", "完了したカードを指定してください。"));
		goto done;
	}
	int rc = station_incident_get(r->st, 0, &f);
	rc = rc > 0 ? incident_cards(f, 0, -1, -1, lb_now_ms(), &c) : rc == 0 ? -LB_ENOTFOUND : rc;
	if (rc == -LB_ENOTFOUND) {
		buf_addf(&detail, "refused %s: no incident", what);
		refuse(r, p, 409, detail.data,
		       T_("No incident is declared: nothing was recorded.",
		          "宣言されたインシデントがないため記録していません。"));
		goto done;
	}
	if (rc < 0) {
		buf_addf(&detail, "failed %s: %s", what, lb_errmsg());
		refuse(r, p, 500, detail.data,
		       T_("The incident file cannot be read.", "インシデント記録ファイルを読めません。"));
		goto done;
	}
	const struct incident_card_state *s = NULL;
	for (size_t i = 0; i < c.n && !s; i++)
		if (!strcmp(c.v[i].card.id, card.data))
			s = &c.v[i];
	if (!s) {
		buf_addf(&detail, "refused %s: no card %s", what, card.data);
		refuse(r, p, 400, detail.data,
		       T_("No such card in this incident.", "そのカードはこのインシデントにありません。"));
		goto done;
	}
	/* who may: a card is done by its team; assigned by its team or headquarters */
	if (!same_team(r, s->card.team) && (!assign || !station_may_command(r))) {
		buf_addf(&detail, "refused: %s (team %s) may not %s %s", r->sess.user,
		         r->sess.team[0] ? r->sess.team : "none", what, card.data);
		struct buf m = {0};
		buf_addf(&m, "%s: %s%s",
		         T_("Only its team may do this to the card", "このカードを操作できるのは次の班です"),
		         station_team_label(r, s->card.team),
		         assign ? T_(" (or headquarters)", " (または対策本部)") : "");
		refuse(r, p, 403, detail.data, m.data);
		buf_release(&m);
		goto done;
	}
	buf_addf(&osu, "station %s", r->address);
	struct incident_new who = {.author = r->sess.user, .os_user = osu.data};
	int64_t seq = 0;
	rc = assign ? incident_card_assign(f, card.data, to.data, &who, &seq)
	            : incident_card_done(f, card.data, note.len ? note.data : NULL, &who, &seq);
	if (rc < 0) {
		int status = rc == -LB_EEXIST ? 409 : rc == -LB_ENOTFOUND || rc == -LB_EINVAL ? 400 : 500;
		buf_addf(&detail, "refused %s %s: %s", what, card.data, lb_errmsg());
		struct buf m = {0};
		buf_addf(&m, "%s: %s", T_("Not recorded", "記録していません"), lb_errmsg());
		refuse(r, p, status, detail.data, m.data);
		buf_release(&m);
		goto done;
	}
	buf_addf(&detail, "%s #%lld %s", what, (long long)seq, card.data);
	if (station_audit_or_refuse(r, p, "incident", NULL, detail.data) < 0)
		goto done;
	p->status = 303;
	snprintf(p->location, sizeof(p->location), "/incident?recorded=%lld#card-%s", (long long)seq, card.data);
	p->type = "text/plain; charset=utf-8";
	buf_adds(&p->body, "recorded\n");
done:
	incident_cards_release(&c);
	station_incident_put(r->st, f);
	buf_release(&card);
	buf_release(&note);
	buf_release(&to);
	buf_release(&detail);
	buf_release(&osu);
	return 0;
}
