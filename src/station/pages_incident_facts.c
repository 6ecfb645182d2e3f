/*
 * pages_incident_facts.c - the fact sheet on the headquarters board (issue 15): every key of the sheet with its
 * newest value or 不明, and POST /incident/fact (key, value, source, team), which records one fact entry as
 * `lifeboat incident fact` does (the same type, kind, text and source for the same input), written by the
 * logged-in user. Anyone logged in may record a fact (the team that saw it); the value is checked by the
 * incident library's rule for its key.
 */
#include "station_int.h"

#include <string.h>

/* A stored value as people read it: a time in the one local format, a leak answer in words. */
static void fact_value(struct station_req *r, struct buf *b, const struct incident_fact_key *k, const char *v)
{
	if (k->type == INCIDENT_FV_TIME) {
		struct buf t = {0};
		lb_format_stamp(&t, v);
		station_html(b, "%s", t.data);
		buf_release(&t);
	} else if (k->type == INCIDENT_FV_LEAK) {
		station_html(b, "%s",
		             !strcmp(v, "yes")        ? T_("yes", "あり")
		             : !strcmp(v, "possible") ? T_("possible", "おそれあり")
		             : !strcmp(v, "no")       ? T_("no", "なし")
		                                      : v);
	} else {
		station_html(b, "%s", v);
	}
}

void station_incident_facts_section(struct station_req *r, struct buf *b, struct incident_file *f)
{
	struct incident_facts fs = {0};
	station_html(b, "<h2>%s</h2>", T_("Fact sheet", "事実シート"));
	if (incident_facts_load(f, 0, &fs) < 0) {
		lb_warn(L_("station: incident file: %s", "station: インシデント記録ファイル: %s"), lb_errmsg());
		station_html(b, "<p class=\"error\" role=\"alert\" id=\"facts-error\">%s %s</p>",
		             T_("The fact sheet cannot be shown:", "事実シートを表示できません:"), lb_errmsg());
		return;
	}
	station_html(b,
	             "<p id=\"facts-count\">%s %l / %l · %s</p><table class=\"facts\" id=\"facts\"><thead><tr>"
	             "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	             T_("Known:", "判明:"), (long)fs.known, (long)fs.n,
	             T_("the report drafts are filled from it ('lifeboat incident report')",
	                "報告書案はここから作られます ('lifeboat incident report')"),
	             T_("Item", "項目"), T_("Value", "内容"), T_("Source", "出典"), T_("Entry", "記録"));
	for (size_t i = 0; i < fs.n; i++) {
		const struct incident_fact *x = &fs.v[i];
		int known = x->entry.seq && !incident_fact_is_unknown(x->entry.text);
		station_html(b, "<tr id=\"fact-%s\" class=\"%R\"><th>%s</th><td>", x->key->key,
		             known ? "known" : "unknown", r->lang_ja ? x->key->ja : x->key->en);
		if (known)
			fact_value(r, b, x->key, x->entry.text);
		else
			station_html(b, "<span class=\"unknown\">%s</span>", T_("unknown (不明)", "不明"));
		station_html(b, "</td><td>%s</td><td>", x->entry.seq && x->entry.source ? x->entry.source : "");
		if (x->entry.seq)
			station_html(b, "<a href=\"/incident/timeline?at=%l#e-%l\">#%l</a>", (long)x->entry.seq,
			             (long)x->entry.seq, (long)x->entry.seq);
		station_html(b, "</td></tr>");
	}
	station_html(b, "</tbody></table>");
	/* the form: a key, its value (as the CLI takes it), where it comes from */
	station_html(b,
	             "<form method=\"post\" action=\"/incident/fact\" id=\"fact-form\"><input type=\"hidden\" "
	             "name=\"csrf\" value=\"%s\"><label>%s <select name=\"key\">",
	             r->sess.csrf, T_("Item", "項目"));
	for (size_t i = 0; i < fs.n; i++)
		station_html(b, "<option value=\"%s\">%s</option>", fs.v[i].key->key,
		             r->lang_ja ? fs.v[i].key->ja : fs.v[i].key->en);
	station_html(
	        b,
	        "</select></label> <label>%s <input name=\"value\" maxlength=\"2000\" required></label> "
	        "<label>%s <input name=\"source\" maxlength=\"200\"></label> <button type=\"submit\">%s</button>"
	        "<p class=\"hint\">%s</p></form>",
	        T_("Value", "内容"), T_("Source", "出典"), T_("Record the fact", "事実を記録"),
	        T_("A time as 2026-12-07 03:10; a leak as yes, possible, no; 'unknown' makes an item unknown again.",
	           "日時は 2026-12-07 03:10、漏えいは あり・おそれあり・なし (yes/possible/no)。'不明' "
	           "で不明に戻ります。"));
	incident_facts_release(&fs);
}

int station_incident_fact_post(struct station_req *r, struct station_resp *p,
                               int (*refuse)(struct station_req *, struct station_resp *, int, const char *,
                                             const char *))
{
	struct buf key = {0}, raw = {0}, source = {0}, team = {0}, value = {0}, detail = {0}, osu = {0};
	struct incident_file *f = NULL;
	const char *body = buf_cstr(&r->body);
	int bad = station_form_get(body, r->body.len, "key", &key) < 0 ||
	          station_form_get(body, r->body.len, "value", &raw) < 0 ||
	          station_form_get(body, r->body.len, "source", &source) < 0 ||
	          station_form_get(body, r->body.len, "team", &team) < 0;
	const struct incident_fact_key *k = bad || !key.len ? NULL : incident_fact_key_find(key.data);
	int tm = team.len ? incident_team_parse(team.data) : -1;
	if (bad || !k || !raw.len || (team.len && tm < 0) || source.len > INCIDENT_NAME_MAX) {
		buf_addf(&detail, "refused fact: the form");
		refuse(r, p, 400, detail.data,
		       bad ? T_("A field holds text that is not accepted (control characters or invalid UTF-8).",
		                "受け付けられない文字 (制御文字・不正な UTF-8) を含む項目があります。")
		       : !k ? T_("Choose an item of the fact sheet.", "事実シートの項目を選んでください。")
		            : T_("Write the value (or 'unknown').", "内容を入力してください (不明なら「不明」)。"));
		goto done;
	}
	if (incident_fact_value(k, raw.data, &value) < 0) {
		buf_addf(&detail, "refused fact %s: the value", k->key);
		refuse(r, p, 400, detail.data, lb_errmsg());
		goto done;
	}
	int rc = station_incident_get(r->st, 0, &f);
	if (rc == 0) {
		refuse(r, p, 409, "refused fact: no incident",
		       T_("No incident is declared: nothing was recorded.",
		          "宣言されたインシデントがないため記録していません。"));
		goto done;
	}
	buf_addf(&osu, "station %s", r->address);
	struct incident_new n = {.type = INCIDENT_T_FACT,
	                         .kind = k->key,
	                         .text = value.data,
	                         .team = tm >= 0 ? incident_team_name(tm) : NULL,
	                         .author = r->sess.user,
	                         .os_user = osu.data,
	                         .source = source.len ? source.data : NULL};
	int64_t seq = 0;
	if (rc > 0)
		rc = incident_append(f, &n, &seq);
	if (rc < 0) {
		int status = rc == -LB_EEXIST || rc == -LB_ENOTFOUND || rc == -LB_EINVAL ? 409 : 500;
		buf_addf(&detail, "refused fact %s: %s", k->key, lb_errmsg());
		struct buf m = {0};
		buf_addf(&m, "%s: %s", T_("Not recorded", "記録していません"), lb_errmsg());
		refuse(r, p, status, detail.data, m.data);
		buf_release(&m);
		goto done;
	}
	buf_addf(&detail, "fact #%lld %s", (long long)seq, k->key);
	if (station_audit_or_refuse(r, p, "incident", NULL, detail.data) < 0)
		goto done;
	p->status = 303;
	snprintf(p->location, sizeof(p->location), "/incident?recorded=%lld#fact-%s", (long long)seq, k->key);
	p->type = "text/plain; charset=utf-8";
	buf_adds(&p->body, "recorded\n");
done:
	station_incident_put(r->st, f);
	buf_release(&key);
	buf_release(&raw);
	buf_release(&source);
	buf_release(&team);
	buf_release(&value);
	buf_release(&detail);
	buf_release(&osu);
	return 0;
}
