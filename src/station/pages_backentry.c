/*
 * pages_backentry.c - GET|POST /backentry/register, the ward station's register of paper orders written during an
 * outage (issue 16, docs/backentry.md "Station pages").
 *
 * A nurse scans the number label of the paper (DT-…) into the scan form (a GET: the scanner's Enter only looks
 * it up). A number registered already opens that entry: a second scan never makes a second. A new number opens
 * the register form: the wristband (a real patient ID, or a downtime patient number DP-…), who wrote the paper,
 * the clinical time (now unless changed), the form's serial and where the paper is kept, and ten kind buttons.
 * The form's first button is 確認 (check), so the Enter after the wristband scan checks and shows the patient but
 * writes nothing; only a kind button registers. What a scanner typed through a Japanese input method is folded
 * (station_scan_parse) before anything compares it.
 *
 * Bad input (a check digit that does not match, a number never allocated, a patient the station's store does not
 * know) is 400 with one line in the reader's language and nothing written. Writes go through be_order_add with the
 * logged-in user as the registering person; CSRF was checked by station_route; every POST and every entry shown is
 * one access-log entry (action "backentry").
 */
#include "incident/backentry.h"
#include "station_int.h"

#include <string.h>
#include <time.h>

/* buf_addf of the reader's language (both formats literal, so the compiler checks both). */
#define TRF(b, en, ja, ...) (r->lang_ja ? buf_addf((b), ja, __VA_ARGS__) : buf_addf((b), en, __VA_ARGS__))

enum { F_NUMBER, F_PATIENT, F_KIND, F_AUTHOR, F_TIME, F_SERIAL, F_PAPER, F_CHECK, F_N };
static const char *const field_names[F_N] = {"number", "patient", "kind",     "author",
                                             "time",   "serial",  "paper_at", "check"};

struct reg {
	struct buf fb[F_N];
	const char *v[F_N]; /* the values (NULL: absent or empty) */
	char number[STATION_SCAN_MAX + 1], patient[STATION_SCAN_MAX + 1];
	int bad; /* a field is no acceptable text */
};

static void reg_release(struct reg *g)
{
	for (int i = 0; i < F_N; i++)
		buf_release(&g->fb[i]);
}

/* A scan folded to ASCII (full-width digits, ー for -) and trimmed; "" when it cannot be one. */
static void fold(const char *in, char out[STATION_SCAN_MAX + 1], int *bad)
{
	struct station_scan sc;
	out[0] = 0;
	if (!in)
		return;
	if (station_scan_parse(in, &sc) < 0) {
		lb_error_clear();
		*bad = 1;
		return;
	}
	snprintf(out, STATION_SCAN_MAX + 1, "%s", sc.text);
}

static void reg_read(struct station_req *r, struct reg *g, int post)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < F_N; i++) {
		if (post) {
			int rc = station_form_get(buf_cstr(&r->body), r->body.len, field_names[i], &g->fb[i]);
			if (rc < 0) {
				lb_error_clear();
				g->bad = 1;
			}
			g->v[i] = rc == 1 && g->fb[i].len ? g->fb[i].data : NULL;
		} else {
			g->v[i] = station_arg_opt(r, field_names[i], &g->bad);
		}
		/* one line each: a pasted line end is no part of a name or a place */
		if (g->v[i] && strpbrk(g->v[i], "\r\n"))
			g->bad = 1;
	}
	fold(g->v[F_NUMBER], g->number, &g->bad);
	fold(g->v[F_PATIENT], g->patient, &g->bad);
}

/* What is wrong with downtime number s of kind want (BE_NUM_*), in the reader's language into msg; 0 when
 * nothing, 1 when something, < 0 when the file cannot be read. */
static int number_problem(struct station_req *r, struct incident_file *f, const char *s, int want, struct buf *msg)
{
	int kind;
	if (be_number_parse(s, &kind, NULL, NULL) < 0) {
		lb_error_clear();
		/* the shape of a number with another last digit: it is the check digit that is wrong */
		char t[BE_NUMBER_MAX];
		int shape = 0;
		size_t n = strlen(s);
		for (int d = 0; n > 0 && n < sizeof(t) && d < 10 && !shape; d++) {
			memcpy(t, s, n + 1);
			t[n - 1] = (char)('0' + d);
			shape = be_number_parse(t, NULL, NULL, NULL) == 0;
			lb_error_clear();
		}
		if (shape)
			TRF(msg, "The check digit of %s does not match: a digit was misread. Scan the label again.",
			    "%s のチェックディジットが合いません (読み違い)。ラベルをもう一度読み取ってください。", s);
		else if (want == BE_NUM_ORDER)
			TRF(msg, "'%s' is not an order number label (like DT-3A-000123-9).",
			    "'%s' はオーダ番号ラベルではありません (DT-3A-000123-9 の形)。", s);
		else
			TRF(msg, "'%s' is not a downtime patient number (like DP-3A-000001-0).",
			    "'%s' はダウンタイム患者番号ではありません (DP-3A-000001-0 の形)。", s);
		return 1;
	}
	if (kind != want) {
		if (want == BE_NUM_ORDER)
			TRF(msg, "%s is a patient number: scan the order number label (DT-…).",
			    "%s は患者番号です。オーダ番号ラベル (DT-…) を読み取ってください。", s);
		else
			TRF(msg, "%s is an order number, not a wristband (DP-… or a patient ID).",
			    "%s はオーダ番号です。リストバンド (患者 ID か DP-…) ではありません。", s);
		return 1;
	}
	int rc = be_number_allocated(f, s);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		TRF(msg, "%s was never allocated: it is no label of this hospital's incident file.",
		    "%s は払い出されていない番号です (このインシデント記録ファイルのラベルではありません)。", s);
		return 1;
	}
	return 0;
}

/* The patient of the wristband: 0 known (*v filled for a real ID, v->patient.id NULL for DP-), 1 with msg, < 0. */
static int patient_problem(struct station_req *r, struct incident_file *f, const char *id, struct store_patient_view *v,
                           struct buf *msg)
{
	memset(v, 0, sizeof(*v));
	if (!*id) {
		buf_adds(msg, T_("Scan the wristband (the patient ID, or DP-… of a downtime patient).",
		                 "リストバンド (患者 ID、またはダウンタイム患者番号 DP-…) を読み取ってください。"));
		return 1;
	}
	if (!strncmp(id, "DP-", 3))
		return number_problem(r, f, id, BE_NUM_PATIENT, msg);
	int rc = store_patient_get(r->store, id, v);
	if (rc == -LB_ENOTFOUND) {
		lb_error_clear();
		store_patient_view_release(v); /* what the look-up kept before it found nothing */
		memset(v, 0, sizeof(*v));
		TRF(msg,
		    "No patient %s in the station's data: a patient with no EHR record takes a downtime patient "
		    "number (DP-…).",
		    "患者 %s は端末のデータにいません。電子カルテに記録のない患者にはダウンタイム患者番号 (DP-…) "
		    "を使います。",
		    id);
		return 1;
	}
	return rc < 0 ? rc : 0;
}

/* ---- what the page shows ------------------------------------------------------------------------------------- */

static void page_begin(struct station_req *r, struct buf *b)
{
	station_page_begin(r, b, T_("Paper order register", "紙オーダ登録"), "/backentry/register");
	station_html(b, "<div class=\"backentry\"><h1>%s</h1>", T_("Paper order register", "紙オーダ登録"));
}

static void page_end(struct station_req *r, struct buf *b)
{
	station_html(b, "<p class=\"no-print\"><a href=\"/backentry/backlog\" id=\"backlog-link\">%s</a></p></div>",
	             T_("Back-entry worklist (records office)", "遡及入力の作業一覧 (医事課・診療情報管理)"));
	station_page_end(r, b);
}

static void scan_form(struct station_req *r, struct buf *b)
{
	station_html(b,
	             "<form method=\"get\" action=\"/backentry/register\" id=\"scan-form\" class=\"no-print\">"
	             "<label>%s <input name=\"number\" id=\"number\" autofocus autocomplete=\"off\""
	             " placeholder=\"DT-…\"></label> <button type=\"submit\">%s</button></form>",
	             T_("Scan the number label", "番号ラベルを読み取り"), T_("Open", "開く"));
}

static void steps_cell(struct station_req *r, struct buf *b, int done)
{
	static const int steps[] = {BE_STEP_ENTERED, BE_STEP_SCANNED, BE_STEP_BILLED};
	static const char *const words[][2] = {{"entered", "入力"}, {"scanned", "スキャン"}, {"billed", "請求"}};
	for (int i = 0; i < 3; i++)
		station_html(b, "<span class=\"step %R\" data-step=\"%R\">%R%s</span> ",
		             done & steps[i] ? "done" : "todo", be_step_name(steps[i]), done & steps[i] ? "✓" : "・",
		             T_(words[i][0], words[i][1]));
}

/* One registered entry, as a second scan opens it. */
static void entry_view(struct station_req *r, struct buf *b, const struct be_order *o, const char *id, const char *head)
{
	struct buf when = {0}, reg = {0};
	lb_format_local(&when, o->clinical_ms);
	lb_format_local(&reg, o->registered_ms);
	station_html(b, "<section class=\"entry\" id=\"%R\" data-number=\"%s\"><h2>%s</h2><table class=\"kv\">", id,
	             o->number, head);
	station_html(b, "<tr><th>%s</th><td id=\"entry-number\">%s</td></tr>", T_("Number", "番号"), o->number);
	station_html(b, "<tr><th>%s</th><td id=\"entry-patient\">%s", T_("Patient", "患者"), o->patient);
	if (o->linked_to)
		station_html(b, " → %s", o->linked_to);
	station_html(b, "</td></tr><tr><th>%s</th><td id=\"entry-kind\" data-kind=\"%s\">%s</td></tr>",
	             T_("Kind", "種類"), be_kind_name(o->kind), be_kind_label_in(o->kind, r->lang_ja));
	station_html(b, "<tr><th>%s</th><td>%s</td></tr><tr><th>%s</th><td>%s</td></tr>",
	             T_("Clinical time", "記載日時"), when.data, T_("Written by", "記載者"), o->author);
	station_html(b, "<tr><th>%s</th><td>%s</td></tr>", T_("Ward", "病棟"), o->ward);
	if (o->form_serial)
		station_html(b, "<tr><th>%s</th><td>%s</td></tr>", T_("Form serial", "用紙番号"), o->form_serial);
	if (o->paper_at)
		station_html(b, "<tr><th>%s</th><td>%s</td></tr>", T_("Paper kept at", "原本の保管場所"), o->paper_at);
	station_html(b, "<tr><th>%s</th><td>%s · %s (#%l)</td></tr><tr><th>%s</th><td>", T_("Registered", "登録"),
	             reg.data, o->registered_by ? o->registered_by : "?", (long)o->seq, T_("Back-entry", "遡及入力"));
	steps_cell(r, b, o->done);
	station_html(b, "</td></tr></table></section>");
	buf_release(&when);
	buf_release(&reg);
}

/* The register form for a new number; v is the wristband's patient when checked (NULL: not yet). */
static void register_form(struct station_req *r, struct buf *b, const struct reg *g, const struct store_patient_view *v)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M", &tm);
	station_html(b, "<form method=\"post\" action=\"/backentry/register\" id=\"register-form\" data-number=\"%s\">",
	             g->number);
	station_html(b,
	             "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"number\""
	             " value=\"%s\"><p class=\"number\">%s <b id=\"new-number\">%s</b> (%s)</p>",
	             r->sess.csrf, g->number, T_("Number", "番号"), g->number, T_("not registered yet", "未登録"));
	station_html(b,
	             "<p><label>%s <input name=\"patient\" id=\"patient\" value=\"%s\" autocomplete=\"off\"%R></label>"
	             " <button type=\"submit\" name=\"check\" value=\"1\" id=\"check-btn\">%s</button></p>",
	             T_("Wristband", "リストバンド"), g->patient, v ? "" : " autofocus", T_("Check", "確認"));
	if (v && v->patient.id)
		station_idband(r, b, v);
	else if (v)
		station_html(b, "<p class=\"dp\" id=\"patient-dp\">%s %s</p>",
		             T_("Downtime patient", "ダウンタイム患者"), g->patient);
	station_html(b, "<p><label>%s <input name=\"author\" id=\"author\" value=\"%s\"%R></label></p>",
	             T_("Written by", "記載者"), g->v[F_AUTHOR] ? g->v[F_AUTHOR] : "", v ? " autofocus" : "");
	station_html(b,
	             "<p><label>%s <input type=\"datetime-local\" name=\"time\" id=\"time\" value=\"%s\"></label></p>"
	             "<p><label>%s <input name=\"serial\" id=\"serial\" value=\"%s\"></label> "
	             "<label>%s <input name=\"paper_at\" id=\"paper_at\" value=\"%s\"></label></p>",
	             T_("Clinical time", "記載日時"), g->v[F_TIME] ? g->v[F_TIME] : now,
	             T_("Form serial (optional)", "用紙番号 (任意)"), g->v[F_SERIAL] ? g->v[F_SERIAL] : "",
	             T_("Paper kept at (optional)", "原本の保管場所 (任意)"), g->v[F_PAPER] ? g->v[F_PAPER] : "");
	station_html(b, "<p>%s</p><div class=\"kinds\" id=\"kinds\">", T_("Register as:", "種類を選んで登録:"));
	for (int k = 0; k < BE_KIND_COUNT; k++)
		station_html(b, "<button type=\"submit\" name=\"kind\" value=\"%s\" class=\"kind\">%s</button> ",
		             be_kind_name(k), be_kind_label_in(k, r->lang_ja));
	station_html(b, "</div></form>");
}

/* The answer with msg (400, 409 …): the message, the form again when the number is good, else the scan form. */
static void answer(struct station_req *r, struct station_resp *p, int status, const char *msg, const struct reg *g,
                   int number_ok, const struct store_patient_view *v)
{
	p->status = status;
	struct buf *b = &p->body;
	page_begin(r, b);
	if (msg)
		station_html(b, "<p class=\"error\" role=\"alert\" id=\"register-error\">%s</p>", msg);
	if (number_ok)
		register_form(r, b, g, v);
	else
		scan_form(r, b);
	page_end(r, b);
}

static int cannot_read(struct station_req *r, struct station_resp *p)
{
	lb_warn(L_("station: incident file: %s", "station: インシデント記録ファイル: %s"), lb_errmsg());
	return station_page_error(r, p, 500,
	                          T_("The incident file cannot be read: nothing was registered.",
	                             "インシデント記録ファイルを読めないため登録していません。"));
}

static int no_file(struct station_req *r, struct station_resp *p, int status)
{
	p->status = status;
	page_begin(r, &p->body);
	station_html(&p->body, "<p class=\"error\" role=\"alert\" id=\"register-error\">%s</p>",
	             T_("No downtime numbers are allocated at this station: the records office allocates them "
	                "('lifeboat incident numbers allocate').",
	                "この端末ではダウンタイム番号が払い出されていません。医事課が払い出します "
	                "('lifeboat incident numbers allocate')。"));
	page_end(r, &p->body);
	return 0;
}

/* Show registered entry o (a scan of its number, or the page after registering it). */
static int show_entry(struct station_req *r, struct station_resp *p, const struct be_order *o, int just, int again)
{
	char detail[96];
	snprintf(detail, sizeof(detail), "%s %s #%lld", just ? "registered" : "open", o->number, (long long)o->seq);
	if (station_audit_or_refuse(r, p, "backentry", o->patient, detail) < 0)
		return 0;
	p->status = 200;
	struct buf *b = &p->body;
	page_begin(r, b);
	if (just)
		station_html(b, "<p class=\"ok\" id=\"registered\">%s %s</p>", T_("Registered:", "登録しました:"),
		             o->number);
	else if (again)
		station_html(b, "<p class=\"note\" id=\"already\">%s</p>",
		             T_("This number is registered already: nothing new was written.",
		                "この番号は登録済みです。新たには登録していません。"));
	entry_view(r, b, o, just ? "entry" : "existing",
	           just ? T_("Registered entry", "登録した内容") : T_("Registered entry", "登録済みの内容"));
	scan_form(r, b);
	page_end(r, b);
	return 0;
}

int station_page_backentry_register(struct station_req *r, struct station_resp *p)
{
	int post = !strcmp(r->method, "POST");
	struct reg g;
	reg_read(r, &g, post);
	struct incident_file *f = NULL;
	struct buf msg = {0}, osu = {0};
	struct store_patient_view v;
	memset(&v, 0, sizeof(v));
	int have_v = 0;
	int rc = station_incident_get(r->st, 0, &f);
	if (rc < 0) {
		cannot_read(r, p);
		goto done;
	}
	if (rc == 0) {
		no_file(r, p, post ? 409 : 200);
		goto done;
	}
	if (g.bad) {
		if (station_audit_or_refuse(r, p, "backentry", NULL, "refused: not text") == 0)
			answer(r, p, 400,
			       T_("A field holds text that is not accepted (control characters, line ends or invalid "
			          "characters).",
			          "受け付けられない文字 (制御文字・改行・不正な文字) を含む項目があります。"),
			       &g, 0, NULL);
		goto done;
	}
	if (!post && !g.number[0]) { /* the empty scan form */
		p->status = 200;
		page_begin(r, &p->body);
		scan_form(r, &p->body);
		page_end(r, &p->body);
		goto done;
	}
	if (!g.number[0])
		buf_adds(&msg, T_("Scan the number label (DT-…).", "番号ラベル (DT-…) を読み取ってください。"));
	else if ((rc = number_problem(r, f, g.number, BE_NUM_ORDER, &msg)) < 0) {
		cannot_read(r, p);
		goto done;
	}
	if (msg.len) {
		char detail[200];
		snprintf(detail, sizeof(detail), "refused %s: number", g.number);
		if (station_audit_or_refuse(r, p, "backentry", NULL, detail) == 0)
			answer(r, p, 400, msg.data, &g, 0, NULL);
		goto done;
	}
	/* a number registered already opens its entry, whatever else came with it */
	struct be_order o;
	rc = be_order_get(f, g.number, &o);
	if (rc == 0) {
		const char *reg = station_arg(r, "registered");
		show_entry(r, p, &o, !post && reg && *reg, post);
		be_order_release(&o);
		goto done;
	}
	if (rc != -LB_ENOTFOUND) {
		cannot_read(r, p);
		goto done;
	}
	lb_error_clear();
	if (!post) { /* a new number: the register form */
		p->status = 200;
		page_begin(r, &p->body);
		register_form(r, &p->body, &g, NULL);
		page_end(r, &p->body);
		goto done;
	}
	if ((rc = patient_problem(r, f, g.patient, &v, &msg)) < 0) {
		cannot_read(r, p);
		goto done;
	}
	have_v = v.patient.id != NULL;
	int kind = g.v[F_KIND] ? be_kind_parse(g.v[F_KIND]) : -1;
	int64_t clinical = 0;
	if (!msg.len && g.v[F_KIND] && !g.v[F_CHECK]) {
		if (kind < 0)
			buf_adds(&msg, T_("No such kind of order.", "その種類はありません。"));
		else if (!g.v[F_AUTHOR])
			buf_adds(&msg, T_("Write who wrote the paper.", "記載者を入力してください。"));
		else if (g.v[F_TIME] && lb_parse_time(g.v[F_TIME], &clinical) < 0) {
			lb_error_clear();
			buf_adds(&msg, T_("The clinical time is no time (2026-12-07 10:30).",
			                  "記載日時が日時として読めません (2026-12-07 10:30)。"));
		} else if (clinical > lb_now_ms() + 5 * 60 * 1000)
			buf_adds(&msg, T_("The clinical time is in the future.", "記載日時が未来になっています。"));
	}
	if (msg.len) {
		char detail[200];
		snprintf(detail, sizeof(detail), "refused %s: the form", g.number);
		if (station_audit_or_refuse(r, p, "backentry", NULL, detail) == 0)
			answer(r, p, 400, msg.data, &g, 1, have_v ? &v : NULL);
		goto done;
	}
	if (!g.v[F_KIND] || g.v[F_CHECK]) { /* 確認 (or the scanner's Enter): the patient shown, nothing written */
		p->status = 200;
		page_begin(r, &p->body);
		register_form(r, &p->body, &g, &v);
		page_end(r, &p->body);
		goto done;
	}
	buf_addf(&osu, "station %s", r->address);
	struct be_order_new n = {
	        .number = g.number,
	        .patient = have_v ? v.patient.id : g.patient, /* the store's form of the ID (zeros it pads) */
	        .kind = kind,
	        .clinical_ms = clinical,
	        .author = g.v[F_AUTHOR],
	        .form_serial = g.v[F_SERIAL],
	        .paper_at = g.v[F_PAPER],
	        .who = r->sess.user,
	        .os_user = osu.data,
	};
	int64_t seq = 0;
	int existed = 0;
	rc = be_order_add(f, &n, store_patient_known_cb, r->store, &seq, &existed);
	if (rc == -LB_EEXIST || rc == -LB_EINVAL) {
		/* another station registered it a moment ago (EEXIST), or a field the library refuses */
		char detail[400];
		snprintf(detail, sizeof(detail), "refused %s: %s", g.number, lb_errmsg());
		if (station_audit_or_refuse(r, p, "backentry", NULL, detail) < 0)
			goto done;
		if (rc == -LB_EEXIST && be_order_get(f, g.number, &o) == 0) {
			show_entry(r, p, &o, 0, 1);
			p->status = 409;
			be_order_release(&o);
		} else {
			buf_addf(&msg, "%s: %s", T_("Not registered", "登録していません"), lb_errmsg());
			answer(r, p, rc == -LB_EEXIST ? 409 : 400, msg.data, &g, rc == -LB_EINVAL, have_v ? &v : NULL);
		}
		goto done;
	}
	if (rc < 0) {
		cannot_read(r, p);
		goto done;
	}
	char detail[200];
	snprintf(detail, sizeof(detail), "%s %s #%lld%s", existed ? "open" : "order", g.number, (long long)seq,
	         existed ? " (registered already)" : "");
	if (station_audit_or_refuse(r, p, "backentry", g.patient, detail) < 0)
		goto done;
	/* 303 to the entry: a reload registers nothing again */
	struct buf to = {0};
	buf_adds(&to, "/backentry/register?number=");
	station_url_value(&to, g.number);
	buf_addf(&to, "&registered=%lld", (long long)seq);
	p->status = 303;
	snprintf(p->location, sizeof(p->location), "%s", to.data);
	p->type = "text/plain; charset=utf-8";
	buf_adds(&p->body, existed ? "registered already\n" : "registered\n");
	buf_release(&to);
done:
	if (have_v)
		store_patient_view_release(&v);
	station_incident_put(r->st, f);
	reg_release(&g);
	buf_release(&msg);
	buf_release(&osu);
	return 0;
}
