/*
 * pages_barcode.c - GET /barcode: the bedside barcode check the EHR did before each dose, back on the downtime
 * station. A USB scanner types the code and Enter, so the page is two plain forms: scan the wristband (the
 * patient ID in Code 128, as print's wristband labels and medication sheets carry it), then the drug or order
 * label; each Enter submits. No script is needed.
 *
 * What the second scan may be (scan.c): an order label of print (LBO/<patient>/<order>/<drug>, see
 * docs/station.md), or a drug code of the master (HOT, YJ or local, typed or scanned from a pharmacy label).
 * The answer, big: OK, CHECK or STOP, and why:
 *   right patient?  an order label of another patient, or a wristband other than the one the check was opened
 *                   for (?patient=), is STOP; an unknown wristband is STOP;
 *   active order?   judged on today (store_patient_view.today), never the data's as-of day: an order label whose
 *                   line is active in the data but past its planned end date is CHECK 「終了予定日を過ぎています」
 *                   (it may have been extended on paper); one not active in the data is STOP (stopped or
 *                   cancelled); a drug code
 *                   without an active order of that drug is CHECK (orders written on paper since the data's
 *                   as-of time are not in it: the nurse checks the paper order), with the active order of the same
 *                   ingredient named when there is one;
 *   contraindicated? rx_check's allergy, allergy-class, pregnancy (and any rule rx adds) alerts at their level;
 *                   the dose rules only when the order gives the dose. Duplicates and interactions belong to the
 *                   prescription check (the order exists), not to the bedside.
 * Every scan that shows a patient is in the audit trail (barcode) with the result, before the page.
 */
#include "station_int.h"

#include <string.h>

#define REASONS_MAX 24

enum verdict { V_OK, V_CHECK, V_STOP };

struct reason {
	enum verdict level;
	const char *kind; /* wrong-patient, no-order, unknown-drug, allergy … (static or rx's) */
	char text[512];
	char basis[512];
};

struct outcome {
	struct reason v[REASONS_MAX];
	int n;
	enum verdict level;
	const struct ehr_medication *order; /* the active order the label or drug code stands for, or NULL */
	char drug_name[256], drug_code[STATION_SCAN_MAX + 1];
};

static void add(struct outcome *o, enum verdict level, const char *kind, const char *text, const char *basis)
{
	if (level > o->level)
		o->level = level;
	if (o->n >= REASONS_MAX)
		return;
	struct reason *x = &o->v[o->n++];
	x->level = level;
	x->kind = kind;
	snprintf(x->text, sizeof(x->text), "%s", text ? text : "");
	snprintf(x->basis, sizeof(x->basis), "%s", basis ? basis : "");
}

/* What the nurse reads for a reason's kind: the bedside kinds here, the prescription check's from rx. */
static const char *kind_word(struct station_req *r, const char *kind)
{
	if (!strcmp(kind, "wrong-patient"))
		return T_("wrong patient", "患者違い");
	if (!strcmp(kind, "no-order"))
		return T_("no active order", "有効なオーダなし");
	if (!strcmp(kind, "order-ended"))
		return T_("past its end date", "終了予定日超過");
	if (!strcmp(kind, "unknown-drug"))
		return T_("unknown drug", "マスタにない薬品");
	if (!strcmp(kind, "unknown-patient"))
		return T_("unknown patient", "該当患者なし");
	return rx_kind_word(kind, r->lang_ja);
}

/* Worst first (stable): what stops the dose leads the list. */
static void sort_reasons(struct outcome *o)
{
	for (int i = 1; i < o->n; i++) {
		struct reason x = o->v[i];
		int j = i;
		while (j > 0 && o->v[j - 1].level < x.level) {
			o->v[j] = o->v[j - 1];
			j--;
		}
		o->v[j] = x;
	}
}

static int code_of(const char *c, const struct ehr_drug *d)
{
	return c && *c &&
	       ((d->code && !strcmp(c, d->code)) || (d->yj_code && !strcmp(c, d->yj_code)) ||
	        (d->hot_code && !strcmp(c, d->hot_code)));
}

static void med_text(char *out, size_t cap, const struct ehr_medication *m)
{
	char n[32];
	snprintf(out, cap, "%s %s%s %s %s (order %s)",
	         m->drug_name   ? m->drug_name
	         : m->drug_code ? m->drug_code
	                        : "?",
	         m->dose > 0 ? station_num(n, m->dose) : "", m->dose > 0 && m->dose_unit ? m->dose_unit : "",
	         m->frequency ? m->frequency : "", m->route ? m->route : "", m->order_no ? m->order_no : "-");
}

/* The active order of drug d (by its codes, or by the master entry the order's code names); else, in *same, one
 * of the same ingredient. */
static int find_order(struct store *s, const struct store_patient_view *v, const struct ehr_drug *d,
                      const struct ehr_medication **found, const struct ehr_medication **same)
{
	*found = *same = NULL;
	for (size_t i = 0; i < v->n_medications && !*found; i++)
		if (code_of(v->medications[i].drug_code, d))
			*found = &v->medications[i];
	for (size_t i = 0; i < v->n_medications && !*found; i++) {
		const struct ehr_medication *m = &v->medications[i];
		struct store_drugs md = {0};
		int rc = m->drug_code ? store_drug_get(s, m->drug_code, &md) : -LB_ENOTFOUND;
		if (rc == 0 && !strcmp(md.v[0].drug.code, d->code))
			*found = m;
		else if (rc == 0 && !*same && d->generic_name && md.v[0].drug.generic_name &&
		         !strcmp(d->generic_name, md.v[0].drug.generic_name))
			*same = m;
		store_drugs_release(&md);
		if (rc < 0 && rc != -LB_ENOTFOUND)
			return rc;
	}
	return 0;
}

/* rx's alerts that matter at the bedside, for the drug about to be given. */
static int contraindications(struct station_req *r, const char *patient, const char *code,
                             const struct ehr_medication *m, struct outcome *out)
{
	struct rx_order o = {.patient_id = patient, .drug_code = code, .dose = 1, .per_day = 1};
	int dose_known = m && m->dose > 0 && m->per_day > 0;
	if (dose_known) {
		o.dose = m->dose;
		o.per_day = m->per_day;
		o.unit = m->dose_unit;
	}
	if (m)
		o.order_no = m->order_no; /* the order given is not its own duplicate or a second dose of itself */
	struct rx_result x;
	int rc = rx_check(r->store, &o, &x);
	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		const struct rx_alert *a = &x.v[i];
		const char *k = a->kind;
		if (!strcmp(k, "duplicate") || !strcmp(k, "duplicate-class") || !strcmp(k, "interaction"))
			continue;
		if (!dose_known && (!strcmp(k, "max-dose") || !strcmp(k, "unit")))
			continue;
		char basis[512];
		snprintf(basis, sizeof(basis), "%s%s%s%s%s", rx_basis_word(a->basis.type, r->lang_ja),
		         a->basis.id ? " " : "", a->basis.id ? a->basis.id : "", a->basis.text ? ": " : "",
		         a->basis.text ? T_(a->basis.text, a->basis.text_ja) : "");
		add(out,
		    a->level == RX_STOP   ? V_STOP
		    : a->level == RX_WARN ? V_CHECK
		                          : V_OK,
		    k, T_(a->reason_en, a->reason_ja), basis);
	}
	rx_result_release(&x);
	return rc == -LB_ENOTFOUND ? 0 : rc;
}

/* The second scan against the patient of the wristband. */
static int check_label(struct station_req *r, const struct store_patient_view *v, const struct station_scan *sc,
                       struct outcome *out)
{
	char t[512], b[512];
	const char *pid = v->patient.id;
	const char *code = sc->text;
	char as_of_text[96]; /* the display format (store_as_of_show: 「取込時刻 … (データ時点不明)」 too) */
	struct buf ab = {0};
	store_as_of_show(&ab, v->as_of, v->as_of_unknown);
	snprintf(as_of_text, sizeof(as_of_text), "%s", buf_cstr(&ab));
	buf_release(&ab);
	if (sc->kind == STATION_SCAN_ORDER_LABEL) {
		const struct print_order_code *oc = &sc->order;
		code = oc->drug_code;
		if (strcmp(oc->patient_id, pid)) {
			snprintf(t, sizeof(t), "%s %s",
			         T_("WRONG PATIENT: this label is for patient", "患者違い: このラベルは別の患者"),
			         oc->patient_id);
			snprintf(b, sizeof(b), "%s %s / %s %s", T_("label", "ラベル"), oc->patient_id,
			         T_("wristband", "リストバンド"), pid);
			add(out, V_STOP, "wrong-patient", t, b);
			return 0;
		}
		for (size_t i = 0; i < v->n_medications && !out->order; i++) {
			const struct ehr_medication *m = &v->medications[i];
			if (m->order_no && m->drug_code && !strcmp(m->order_no, oc->order_no) &&
			    !strcmp(m->drug_code, oc->drug_code))
				out->order = m;
		}
		char until[11] = "";
		int line =
		        out->order ? 1 : store_order_line(r->store, pid, oc->order_no, oc->drug_code, v->today, until);
		if (line < 0)
			return line;
		if (line == 2) {
			struct buf u = {0};
			lb_format_stamp(&u, until);
			snprintf(t, sizeof(t), "%s %s (%s %s)",
			         T_("The order is past its planned end date:", "終了予定日を過ぎています:"), u.data,
			         T_("check whether it was extended on paper before giving; today",
			            "紙で継続の指示が出ているか投与前に確認してください。本日"),
			         v->today);
			buf_release(&u);
			snprintf(b, sizeof(b), "%s %s %s %s %s %s", T_("order", "オーダ"), oc->order_no,
			         T_("drug", "薬品"), oc->drug_code, T_("until", "終了予定"), until);
			add(out, V_CHECK, "order-ended", t, b);
		} else if (!out->order) {
			snprintf(t, sizeof(t), "%s (%s %s)",
			         T_("No active order for this label in the data: the order ended or was cancelled",
			            "このラベルの有効なオーダがありません (終了または取消)"),
			         T_("data as of", "データ時点"), as_of_text);
			snprintf(b, sizeof(b), "%s %s %s %s", T_("order", "オーダ"), oc->order_no, T_("drug", "薬品"),
			         oc->drug_code);
			add(out, V_STOP, "no-order", t, b);
		}
	}
	struct store_drugs d = {0};
	int rc = store_drug_get(r->store, code, &d);
	if (rc == -LB_ENOTFOUND) {
		if (out->order) {
			snprintf(out->drug_name, sizeof(out->drug_name), "%s",
			         out->order->drug_name ? out->order->drug_name : "");
			add(out, V_CHECK, "unknown-drug",
			    T_("The drug is not in the drug master: allergies cannot be checked against it.",
			       "薬品マスタにない薬品です。アレルギーを照合できません。"),
			    code);
		} else {
			add(out, V_STOP, "unknown-drug",
			    T_("Unknown drug code: not in the drug master. Check the drug by hand.",
			       "不明な薬品コードです (薬品マスタにありません)。薬品を目視で確認してください。"),
			    code);
		}
		snprintf(out->drug_code, sizeof(out->drug_code), "%s", code);
		return 0;
	}
	if (rc < 0)
		return rc;
	const struct ehr_drug *drug = &d.v[0].drug;
	snprintf(out->drug_name, sizeof(out->drug_name), "%s", drug->name ? drug->name : "");
	snprintf(out->drug_code, sizeof(out->drug_code), "%s", drug->code);
	if (sc->kind == STATION_SCAN_CODE) {
		const struct ehr_medication *same = NULL;
		rc = find_order(r->store, v, drug, &out->order, &same);
		if (rc == 0 && !out->order) {
			snprintf(t, sizeof(t), "%s (%s %s)",
			         T_("No active order for this drug in the data: an order written on paper since is not "
			            "in "
			            "it. Check the paper order before giving",
			            "データに有効なオーダがありません。以後に紙で出た指示は含まれません。投与前に紙の指"
			            "示を確認"
			            "してください"),
			         T_("data as of", "データ時点"), as_of_text);
			b[0] = 0;
			if (same) {
				med_text(b, sizeof(b), same);
				size_t n = strlen(t);
				snprintf(t + n, sizeof(t) - n, "%s",
				         T_(". An order of the same ingredient is active.",
				            "。同じ成分の有効なオーダがあります。"));
			}
			add(out, V_CHECK, "no-order", t, b);
		}
	}
	if (rc == 0)
		rc = contraindications(r, pid, drug->code, out->order, out);
	store_drugs_release(&d);
	return rc;
}

static const char *verdict_class(enum verdict v)
{
	return v == V_STOP ? "stop" : v == V_CHECK ? "warn" : "ok";
}

static void scan_form(struct station_req *r, struct buf *b, const char *expected, const char *wristband)
{
	station_html(b, "<form method=\"get\" action=\"/barcode\" class=\"scan no-print\">");
	if (expected)
		station_html(b, "<input type=\"hidden\" name=\"patient\" value=\"%s\">", expected);
	if (wristband)
		station_html(b,
		             "<input type=\"hidden\" name=\"wristband\" value=\"%s\"><label>%s <input name=\"label\" "
		             "autofocus autocomplete=\"off\" placeholder=\"%s\"></label>",
		             wristband, T_("Drug or order label", "薬品・オーダラベル"),
		             T_("scan, or type a drug code and Enter", "読み取るか、薬品コードを入力して Enter"));
	else
		station_html(b,
		             "<label>%s <input name=\"wristband\" autofocus autocomplete=\"off\" placeholder=\"%s\">"
		             "</label>",
		             T_("Wristband", "リストバンド"),
		             T_("scan the patient's wristband", "患者のリストバンドを読み取る"));
	station_html(b, " <button type=\"submit\">%s</button></form>", T_("Check", "照合"));
	station_html(
	        b, "<p class=\"note no-print\">%s <a href=\"/barcode%R%u\">%s</a></p>",
	        T_("Turn the input method off (半角英数) on this PC: scanners type as a keyboard.",
	           "この端末では日本語入力をオフ (半角英数) にしてください。スキャナはキーボードとして入力します。"),
	        expected ? "?patient=" : "", expected ? expected : "", T_("Next patient", "次の患者"));
}

/* A page without patient data: the first scan, or a scan refused before any patient was looked up. */
static int first_page(struct station_req *r, struct station_resp *p, int status, const char *expected, const char *msg)
{
	p->status = status;
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Barcode check", "バーコード照合"), "/barcode");
	station_html(b, "<h1>%s</h1>", T_("Barcode check", "バーコード照合"));
	if (expected)
		station_html(b, "<p>%s <b class=\"pid\">%s</b></p>", T_("Opened for patient", "対象患者 ID"), expected);
	if (msg)
		station_html(b, "<p class=\"error\" role=\"alert\">%s</p>", msg);
	station_html(b, "<p class=\"step\">%s</p>",
	             T_("1. Scan the wristband. 2. Scan the drug or order label.",
	                "1. リストバンドを読み取る 2. 薬品・オーダラベルを読み取る"));
	scan_form(r, b, expected, NULL);
	station_page_end(r, b);
	return 0;
}

static void verdict_html(struct station_req *r, struct buf *b, const struct outcome *o)
{
	station_html(b,
	             "<section class=\"verdict %R\" id=\"bc-verdict\" data-verdict=\"%R\"><div class=\"big\">%s</div>",
	             verdict_class(o->level), verdict_class(o->level),
	             o->level == V_STOP    ? T_("STOP", "中止")
	             : o->level == V_CHECK ? T_("CHECK", "要確認")
	                                   : T_("OK", "OK"));
	if (o->drug_name[0] || o->drug_code[0])
		station_html(b, "<div class=\"drug\">%s <span class=\"code\">%s</span></div>", o->drug_name,
		             o->drug_code);
	if (o->order) {
		char t[512];
		med_text(t, sizeof(t), o->order);
		station_html(b, "<div class=\"order\">%s: %s</div>", T_("Active order", "有効なオーダ"), t);
	}
	station_html(b, "</section>");
	if (o->n) {
		station_html(b, "<ul class=\"reasons\">");
		for (int i = 0; i < o->n; i++) {
			station_html(b, "<li class=\"lv-%R\" data-kind=\"%R\"><b>%s</b> %s",
			             verdict_class(o->v[i].level), o->v[i].kind, kind_word(r, o->v[i].kind),
			             o->v[i].text);
			if (o->v[i].basis[0])
				station_html(b, " <span class=\"basis\">(%s %s)</span>", T_("rests on", "根拠:"),
				             o->v[i].basis);
			station_html(b, "</li>");
		}
		station_html(b, "</ul>");
	} else if (o->level == V_OK) {
		station_html(b, "<p class=\"okline\">%s</p>",
		             T_("Right patient, active order, no allergy or contraindication in the data.",
		                "患者一致・有効なオーダあり・アレルギー/禁忌の該当なし (データ上)。"));
	}
}

int station_page_barcode(struct station_req *r, struct station_resp *p)
{
	int bad = 0;
	const char *expected = station_arg_opt(r, "patient", &bad);
	const char *wb = station_arg_opt(r, "wristband", &bad);
	const char *lb = station_arg_opt(r, "label", &bad);
	if (expected && strlen(expected) > 64)
		bad = 1;
	if (bad)
		return first_page(r, p, 400, NULL,
		                  T_("Not a barcode: a field holds control characters or is too long.",
		                     "バーコードではありません (制御文字を含むか長すぎます)。"));
	struct station_scan w;
	if (!wb)
		return first_page(r, p, 200, expected, NULL);
	if (station_scan_parse(wb, &w) < 0 || w.kind == STATION_SCAN_EMPTY)
		return first_page(
		        r, p, 400, expected,
		        T_("Not a wristband barcode: scan the patient's wristband.",
		           "リストバンドのバーコードではありません。患者のリストバンドを読み取ってください。"));
	if (w.kind != STATION_SCAN_CODE)
		return first_page(r, p, 400, expected,
		                  T_("That is a drug or order label: scan the patient's wristband first.",
		                     "薬品・オーダラベルです。先に患者のリストバンドを読み取ってください。"));

	struct outcome out = {.level = V_OK};
	struct store_patient_view v;
	int rc = store_patient_get(r->store, w.text, &v);
	struct buf detail = {0};
	buf_addf(&detail, "wristband %s", w.text);
	int found = rc == 0;
	if (rc == -LB_ENOTFOUND) {
		add(&out, V_STOP, "unknown-patient",
		    T_("No patient with this ID in the data: check the patient by name and birth date.",
		       "この ID の患者はデータにありません。氏名と生年月日で確認してください。"),
		    w.text);
		rc = 0;
	} else if (rc == 0 && expected && strcmp(expected, w.text)) {
		char t[256];
		snprintf(t, sizeof(t), "%s %s",
		         T_("WRONG PATIENT: the check was opened for patient", "患者違い: この照合の対象は別の患者"),
		         expected);
		add(&out, V_STOP, "wrong-patient", t, w.text);
	}
	struct station_scan l = {0};
	int label_bad = 0, label_checked = 0;
	const char *msg = NULL, *refused = NULL;
	if (rc == 0 && found && lb && out.level != V_STOP) {
		label_checked = 1;
		if (station_scan_parse(lb, &l) < 0) {
			label_bad = 1;
			refused = "not a barcode";
			msg = T_("Not a drug or order label barcode.",
			         "薬品・オーダラベルのバーコードではありません。");
		} else if (l.kind == STATION_SCAN_CODE && !strcmp(l.text, w.text)) {
			label_bad = 1;
			refused = "the wristband again";
			msg = T_("That is the wristband again: scan the drug or order label.",
			         "リストバンドをもう一度読み取りました。薬品・オーダラベルを読み取ってください。");
		} else if (l.kind == STATION_SCAN_GS1) {
			label_bad = 1;
			refused = "GS1 package code";
			msg = T_("A drug package's GS1 code cannot be matched (the drug master has no GTIN): scan the "
			         "order "
			         "label or type the drug code (HOT, YJ).",
			         "薬品の GS1 コードは照合できません (薬品マスタに GTIN "
			         "がありません)。オーダラベルを読み取るか、"
			         "薬品コード (HOT・YJ) を入力してください。");
		} else if (l.kind != STATION_SCAN_EMPTY) {
			rc = check_label(r, &v, &l, &out);
		}
	}
	if (rc < 0) {
		store_patient_view_release(&v);
		buf_release(&detail);
		return station_page_error(r, p, 500, T_("The check failed.", "照合できませんでした。"));
	}
	sort_reasons(&out);
	int answered = !found || out.n || (lb && !label_bad && l.kind != STATION_SCAN_EMPTY);
	if (lb && label_bad)
		buf_addf(&detail, "; label refused (%s)", refused);
	else if (lb && label_checked)
		buf_addf(&detail, "; label %s", l.text);
	else if (lb)
		buf_adds(&detail, "; label not checked");
	if (expected && strcmp(expected, w.text))
		buf_addf(&detail, "; opened for %s", expected);
	if (answered) {
		buf_addf(&detail, "; result %s", out.level == V_STOP ? "stop" : out.level == V_CHECK ? "check" : "ok");
		for (int i = 0; i < out.n; i++)
			buf_addf(&detail, "%s%s", i ? ", " : ": ", out.v[i].kind);
	}
	if (station_audit_or_refuse(r, p, "barcode", w.text, detail.data) < 0) {
		store_patient_view_release(&v);
		buf_release(&detail);
		return 0;
	}
	buf_release(&detail);

	struct buf title = {0}, self = {0};
	buf_addf(&title, "%s %s", T_("Barcode check", "バーコード照合"), w.text);
	buf_adds(&self, "/barcode?wristband=");
	station_url_value(&self, w.text);
	r->print_label = title.data;
	p->status = label_bad ? 400 : 200;
	struct buf *b = &p->body;
	station_page_begin(r, b, title.data, self.data);
	station_html(b, "<div class=\"barcode\" data-patient=\"%s\"><h1 class=\"no-print\">%s</h1>", w.text,
	             T_("Barcode check", "バーコード照合"));
	if (answered)
		verdict_html(r, b, &out);
	if (found) {
		station_idband(r, b, &v);
		station_allergy_box(r, b, &v);
	}
	if (msg)
		station_html(b, "<p class=\"error\" role=\"alert\">%s</p>", msg);
	if (found && !(expected && strcmp(expected, w.text)))
		scan_form(r, b, expected, w.text);
	else
		scan_form(r, b, expected, NULL);
	station_html(b, "</div>");
	station_page_end(r, b);
	r->print_label = NULL;
	buf_release(&title);
	buf_release(&self);
	store_patient_view_release(&v);
	return 0;
}
