/*
 * pages_incident_post.c - the headquarters forms (issue 15): POST /incident/declare (title, known_at, drill,
 * malicious; the shipped action cards come with it), /incident/phase (phase, note), /incident/decide (text),
 * /incident/log (kind, team, text, report: the report this entry says was made); /incident/done and /assign are
 * in pages_incident_cards.c, /incident/fact in pages_incident_facts.c.
 *
 * Each builds one incident_new as the matching `lifeboat incident` command does (the same type, kind, team and
 * text for the same input, so a drill through these forms and one through the CLI give the same timeline), with
 * the logged-in user as its writer, and appends it through the incident library. The CSRF token was checked by
 * station_route. Every attempt is one audit entry (action "incident", detail "log #12" or "refused: …").
 */
#include "station_int.h"

#include <string.h>

/* A field of the POST body: NULL when absent or empty, *bad when not acceptable text. Text from a textarea comes
 * with CR LF line ends: they become LF (the timeline takes no CR). */
static const char *post_field(struct station_req *r, const char *name, struct buf *out, int *bad)
{
	int rc = station_form_get(buf_cstr(&r->body), r->body.len, name, out);
	if (rc < 0) {
		*bad = 1;
		return NULL;
	}
	size_t j = 0;
	for (size_t i = 0; i < out->len; i++) {
		if (out->data[i] == '\r') {
			if (i + 1 < out->len && out->data[i + 1] == '\n')
				continue;
			out->data[j++] = '\n';
		} else {
			out->data[j++] = out->data[i];
		}
	}
	if (out->len) {
		out->len = j;
		out->data[j] = 0;
	}
	size_t lead = out->len ? strspn(out->data, " \t\n") : 0;
	return rc == 1 && lead < out->len ? out->data : NULL;
}

/* The answer to a refused POST: the message, a link back to the board; one audit entry saying why. */
static int refuse(struct station_req *r, struct station_resp *p, int status, const char *detail, const char *msg)
{
	if (station_audit_or_refuse(r, p, "incident", NULL, detail) < 0)
		return 0;
	p->status = status;
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Headquarters board", "対策本部ボード"), "/incident");
	station_html(b,
	             "<div class=\"hq\"><h1>%s</h1><p class=\"error\" role=\"alert\" id=\"incident-error\">%s</p>"
	             "<p><a href=\"/incident\">%s</a></p></div>",
	             T_("Not recorded", "記録していません"), msg, T_("Back to the board", "対策本部ボードに戻る"));
	station_page_end(r, b);
	return 0;
}

int station_incident_post(struct station_req *r, struct station_resp *p, const char *what)
{
	enum { F_TEXT, F_TITLE, F_KNOWN, F_DRILL, F_MAL, F_PHASE, F_NOTE, F_KIND, F_TEAM, F_REPORT, F_N };
	struct buf fb[F_N] = {{0}};
	struct buf detail = {0}, osu = {0};
	int bad = 0;
	const char *text = post_field(r, "text", &fb[F_TEXT], &bad);
	const char *title = post_field(r, "title", &fb[F_TITLE], &bad);
	const char *known = post_field(r, "known_at", &fb[F_KNOWN], &bad);
	const char *drill = post_field(r, "drill", &fb[F_DRILL], &bad);
	const char *malicious = post_field(r, "malicious", &fb[F_MAL], &bad);
	const char *phase = post_field(r, "phase", &fb[F_PHASE], &bad);
	const char *note = post_field(r, "note", &fb[F_NOTE], &bad);
	const char *kind = post_field(r, "kind", &fb[F_KIND], &bad);
	const char *team = post_field(r, "team", &fb[F_TEAM], &bad);
	const char *report = post_field(r, "report", &fb[F_REPORT], &bad);
	int declare = !strcmp(what, "declare"), set_phase = !strcmp(what, "phase"), decide = !strcmp(what, "decide");
	int log = !strcmp(what, "log");
	struct incident_file *f = NULL;
	struct incident_new n = {0};
	struct incident_cardset set = {0};
	if (!strcmp(what, "done") || !strcmp(what, "assign")) {
		station_incident_card_post(r, p, !strcmp(what, "assign"), refuse);
		goto done;
	}
	if (!strcmp(what, "fact")) {
		station_incident_fact_post(r, p, refuse);
		goto done;
	}
	if (!declare && !set_phase && !decide && !log) {
		station_page_error(r, p, 404, T_("No such page.", "そのページはありません。"));
		goto done;
	}
	/* as `incident log`: the kind given, else contact for a report made, else fact */
	int k = log && kind     ? incident_kind_parse(kind)
	        : log && report ? INCIDENT_CONTACT
	        : log           ? INCIDENT_FACT
	                        : INCIDENT_DECISION;
	/* who may: declaring, the phase and decisions are headquarters' */
	if ((declare || set_phase || decide || k == INCIDENT_DECISION) && !station_may_command(r)) {
		buf_addf(&detail, "refused: role %s may not %s", r->sess.role, log ? "log a decision" : what);
		refuse(r, p, 403, detail.data,
		       declare ? T_("Only headquarters (roles hq and admin) declares an incident. Nothing was "
		                    "recorded.",
		                    "インシデントの宣言は対策本部 (ロール hq・admin) のみです。記録していません。")
		       : set_phase
		               ? T_("Only headquarters (roles hq and admin) changes the phase. Nothing was recorded.",
		                    "フェーズの変更は対策本部 (ロール hq・admin) のみです。記録していません。")
		               : T_("Only headquarters (roles hq and admin) records decisions. Nothing was recorded.",
		                    "決定の記録は対策本部 (ロール hq・admin) のみです。記録していません。"));
		goto done;
	}
	/* what: each field checked, one line saying what is wrong */
	const char *msg = NULL;
	int ph = phase ? incident_phase_parse(phase) : -1;
	int tm = team ? incident_team_parse(team) : -1;
	int rp = report ? incident_report_parse(report) : -1;
	if (bad)
		msg = T_("A field holds text that is not accepted (control characters, invalid UTF-8 or over 2,048 "
		         "bytes).",
		         "受け付けられない文字 (制御文字・不正な UTF-8・2,048 バイト超) を含む項目があります。");
	else if (declare && !title)
		msg = T_("Give the incident a title.", "件名を入力してください。");
	else if (set_phase && ph < 0)
		msg = T_("Choose a phase: detection, initial, recovery or after.",
		         "フェーズ (検知・初動対応・復旧処理・事後対応) を選んでください。");
	else if ((decide || log) && !text)
		msg = T_("Write what is to be recorded.", "記録する内容を入力してください。");
	else if (log && k < 0)
		msg = T_("No such kind (fact, action, decision, contact, evidence).",
		         "その種別はありません (事実・対応・決定・連絡・証拠)。");
	else if (log && team && tm < 0)
		msg = T_("No such team.", "その班はありません。");
	else if (log && report && rp < 0)
		msg = T_("No such report (mhlw, police, ppc-preliminary, ppc-final).",
		         "その報告先はありません (厚生労働省・警察・個人情報保護委員会の速報・確報)。");
	if (declare && !msg) {
		n.type = INCIDENT_T_DECLARE;
		n.text = title;
		n.flags = (drill ? INCIDENT_F_DRILL : 0) | (malicious ? INCIDENT_F_MALICIOUS : 0);
		if (known && lb_parse_time(known, &n.known_at_ms) < 0)
			msg = T_("The time learned of is no time (2026-12-07 03:10).",
			         "認知日時が日時として読めません (2026-12-07 03:10)。");
		else if (n.known_at_ms > lb_now_ms() + 5 * 60 * 1000)
			msg = T_("The time learned of is in the future.", "認知日時が未来になっています。");
	}
	if (msg) {
		buf_addf(&detail, "refused %s: the form", what);
		refuse(r, p, 400, detail.data, msg);
		goto done;
	}
	if (set_phase) {
		n.type = INCIDENT_T_PHASE;
		n.kind = incident_phase_name(ph);
		n.text = note ? note : incident_phase_name(ph); /* as `incident phase` without --note */
	} else if (decide || log) {
		n.type = INCIDENT_T_NOTE;
		n.kind = incident_kind_name(k);
		n.team = decide ? incident_team_name(INCIDENT_HQ) : tm >= 0 ? incident_team_name(tm) : NULL;
		n.text = text;
		n.report = log && rp >= 0 ? incident_report_name(rp) : NULL;
	}
	/* the writer: the session's user, through this station from the client's address */
	buf_addf(&osu, "station %s", r->address);
	n.author = r->sess.user;
	n.os_user = osu.data;
	int rc = station_incident_get(r->st, declare, &f);
	int64_t seq = 0;
	if (rc == 0) {
		buf_addf(&detail, "refused %s: no incident", what);
		refuse(r, p, 409, detail.data,
		       T_("No incident is declared: nothing was recorded.",
		          "宣言されたインシデントがないため記録していません。"));
		goto done;
	}
	/* a declaration takes the shipped action cards, as `incident declare` without --cards does
	 * ('lifeboat incident cards --load DIR' loads a hospital's afterwards) */
	if (rc > 0 && declare && (rc = incident_cards_defaults(&set)) == 0)
		rc = incident_declare(f, &n, &set, "defaults", &seq);
	else if (rc > 0)
		rc = incident_append(f, &n, &seq);
	if (rc < 0) {
		/* the state forbids it (a second declaration, the phase it is in, nothing open) or the file fails */
		int status = rc == -LB_EEXIST || rc == -LB_ENOTFOUND || rc == -LB_EINVAL ? 409 : 500;
		const char *why = lb_errmsg();
		buf_addf(&detail, "refused %s: %s", what, why);
		if (status == 500)
			lb_warn(L_("station: incident file: %s", "station: インシデント記録ファイル: %s"), why);
		struct buf m = {0};
		buf_addf(&m, "%s: %s", T_("Not recorded", "記録していません"), why);
		refuse(r, p, status, detail.data, m.data);
		buf_release(&m);
		goto done;
	}
	buf_addf(&detail, "%s #%lld", what, (long long)seq);
	if (station_audit_or_refuse(r, p, "incident", NULL, detail.data) < 0)
		goto done;
	p->status = 303;
	snprintf(p->location, sizeof(p->location), "/incident?recorded=%lld", (long long)seq);
	p->type = "text/plain; charset=utf-8";
	buf_adds(&p->body, "recorded\n");
done:
	incident_cardset_release(&set);
	station_incident_put(r->st, f);
	for (size_t i = 0; i < F_N; i++)
		buf_release(&fb[i]);
	buf_release(&detail);
	buf_release(&osu);
	return 0;
}
