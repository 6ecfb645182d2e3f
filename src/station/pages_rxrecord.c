/*
 * pages_rxrecord.c - POST /rx/record (「この処方を記録」, doctors, pharmacists and nurses): the lines of the
 * prescription checked so far are checked again as a whole and recorded as outage orders (store_outage_add) by the
 * session's user, a stop only with the prescriber's reason, each prescription (its "rx" id) once; one audit entry
 * (rx-record) per attempt. The store is opened writable for this request only. Also what the check page shares with
 * it: the earlier lines and running outage orders a line is checked against (rxc_against_read), and the 記録 form.
 */
#include "rxcheck_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A whole number lo..hi of field s (NULL: 0), or -1. */
static int line_int(const char *s, int lo, int hi)
{
	if (!s)
		return 0;
	char *end;
	long v = strtol(s, &end, 10);
	return !*s || *end || v < lo || v > hi ? -1 : (int)v;
}

const char *rxc_line_shown(struct station_req *r, const struct rx_against *a, size_t k)
{
	const char *t = T_(a->text[k], a->text_ja[k]);
	return t + strcspn(t, ":") + 2;
}

int rxc_against_read(struct station_req *r, const struct rx_form *f, struct rx_against *a)
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
			x->period_days = period > 1 ? period : 1; /* as the line was ordered: 0 (not given) is daily */
			x->basis_type = "prescription";
			snprintf(a->text[a->nlines], sizeof(a->text[0]), "line %zu: %s %s × %s/day", a->nlines + 1, t,
			         c1 + 1, c2 + 1);
			snprintf(a->text_ja[a->nlines], sizeof(a->text_ja[0]), "%zu行目: %s %s × 1日%s回",
			         a->nlines + 1, t, c1 + 1, c2 + 1);
			x->text = a->text[a->nlines];
			x->text_ja = a->text_ja[a->nlines];
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
		struct buf *b = &a->otext[k], *bj = &a->otext_ja[k];
		const char *name = store_cell(t, k, STORE_OUT_DRUG_NAME) ? store_cell(t, k, STORE_OUT_DRUG_NAME)
		                                                         : store_cell(t, k, STORE_OUT_DRUG_CODE);
		const char *unit = store_cell(t, k, STORE_OUT_UNIT) ? store_cell(t, k, STORE_OUT_UNIT) : "";
		buf_addf(b, "%.10s %s %s%s × %s/day (#%s, %s)", store_cell(t, k, STORE_OUT_RECORDED), name,
		         store_cell(t, k, STORE_OUT_DOSE), unit, store_cell(t, k, STORE_OUT_PER_DAY),
		         store_cell(t, k, STORE_OUT_ID), store_cell(t, k, STORE_OUT_RECORDED_BY));
		buf_addf(bj, "%.10s %s %s%s × 1日%s回 (#%s, 記録者 %s)", store_cell(t, k, STORE_OUT_RECORDED), name,
		         store_cell(t, k, STORE_OUT_DOSE), unit, store_cell(t, k, STORE_OUT_PER_DAY),
		         store_cell(t, k, STORE_OUT_ID), store_cell(t, k, STORE_OUT_RECORDED_BY));
		char tmp[32]; /* a weekly order says so */
		const char *pw = store_period_words(store_cell(t, k, STORE_OUT_PERIOD), 0, tmp, sizeof(tmp));
		if (*pw)
			buf_addf(b, " %s", pw);
		pw = store_period_words(store_cell(t, k, STORE_OUT_PERIOD), 1, tmp, sizeof(tmp));
		if (*pw)
			buf_addf(bj, " %s", pw);
		a->v[a->n++] = (struct rx_other){.drug_code = store_cell(t, k, STORE_OUT_DRUG_CODE),
		                                 .dose = atof(store_cell(t, k, STORE_OUT_DOSE)),
		                                 .unit = store_cell(t, k, STORE_OUT_UNIT),
		                                 .per_day = atof(store_cell(t, k, STORE_OUT_PER_DAY)),
		                                 .period_days = store_outage_period(t, k),
		                                 .basis_type = "outage-order",
		                                 .id = store_cell(t, k, STORE_OUT_ID),
		                                 .text = b->data,
		                                 .text_ja = bj->data};
	}
	return 0;
}

void rxc_against_release(struct rx_against *a)
{
	free(a->copy);
	store_table_release(&a->outage);
	for (size_t k = 0; k < LB_ARRAY_LEN(a->otext); k++) {
		buf_release(&a->otext[k]);
		buf_release(&a->otext_ja[k]);
	}
}

/* The 記録 form under a checked line: every line of the prescription so far (lines), recorded as outage orders by
 * the logged-in user; the override reason is required by the server for a stop (and by the browser when this line
 * stopped). A role that may not record gets a note instead. */
void rxc_record_form(struct station_req *r, struct buf *b, const char *patient, const char *lines, const char *rxid,
                     int pregnant, int not_pregnant, int stop)
{
	if (!rxc_may_record(r->sess.role)) {
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
			             rxc_line_shown(r, a, k));
		station_html(b, "</ol>");
	}
	if (v && a && a->nlines && f->rx && status != 409)
		rxc_record_form(r, b, f->patient, f->lines, f->rx, f->pregnant, f->not_pregnant, stop);
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
	if (!rxc_may_record(r->sess.role)) {
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
	if (f.bad || !f.patient || strlen(f.patient) > 64 || !f.lines || !rxc_id_ok(f.rx) ||
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
	int arc = rxc_against_read(r, &f, a);
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
		                                  .period_days = a->period[k],
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
		lb_warn(L_("station: recording outage orders for %s: %s",
		           "端末: %s のダウンタイム中の処方を記録できません: %s"),
		        f.patient, lb_errmsg());
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
	rxc_against_release(a);
	free(a);
	if (have_v)
		store_patient_view_release(&v);
	return 0;
}
