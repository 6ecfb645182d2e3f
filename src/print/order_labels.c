/*
 * order_labels.c - order labels (処方・注射ラベル): one label per active order line, to stick on the prepared
 * injection bag or the dose package, so that the bedside barcode check (wristband, then label) still works on
 * paper. Only active lines get one (the view holds only those: STORE_ORDER_ACTIVE_SQL). Same sheet as the wristbands (14 labels of 92 × 32 mm on A4): patient name in kanji and kana, ID, the
 * drug, dose, frequency and route, the order number, and a Code 128 across the label's width.
 *
 * The barcode: "LBO/<patient ID>/<order number>/<drug code>" (print_order_code). Every field is [0-9A-Za-z.-]
 * only: a USB scanner types the code as keystrokes, and any other character comes out differently under a
 * Japanese keyboard layout or input method. An order whose fields do not fit gets its label without a barcode
 * (said on the label), never a barcode that scans as something else.
 */
#include "print_int.h"

#include <string.h>
#include <strings.h>

#define CODE_PREFIX "LBO/"

static int field_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > PRINT_ORDER_FIELD_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

int print_order_code(struct buf *out, const char *patient_id, const char *order_no, const char *drug_code)
{
	if (!field_ok(patient_id) || !field_ok(order_no) || !field_ok(drug_code))
		return lb_error_tr(LB_EINVAL, "an order label code takes [0-9A-Za-z.-] only, up to %d each",
		                   "オーダラベルのコードに使えるのは [0-9A-Za-z.-] だけで、各項目 %d 文字までです",
		                   PRINT_ORDER_FIELD_MAX);
	buf_addf(out, CODE_PREFIX "%s/%s/%s", patient_id, order_no, drug_code);
	return 0;
}

int print_order_code_parse(const char *code, struct print_order_code *out)
{
	memset(out, 0, sizeof(*out));
	/* the prefix in either case: a scanner typing with Caps Lock on sends lbo/ */
	if (!code || strncasecmp(code, CODE_PREFIX, strlen(CODE_PREFIX)))
		return 0;
	const char *p = code + strlen(CODE_PREFIX);
	char *dst[3] = {out->patient_id, out->order_no, out->drug_code};
	for (int f = 0; f < 3; f++) {
		size_t n = strcspn(p, "/");
		if (n == 0 || n > PRINT_ORDER_FIELD_MAX || (f < 2 && p[n] != '/') || (f == 2 && p[n]))
			return lb_error_tr(LB_EINVAL, "not an order label code: '%.80s'",
			                   "オーダラベルのコードではありません: '%.80s'", code);
		memcpy(dst[f], p, n);
		dst[f][n] = 0;
		if (!field_ok(dst[f]))
			return lb_error_tr(LB_EINVAL, "not an order label code: '%.80s'",
			                   "オーダラベルのコードではありません: '%.80s'", code);
		p += n + (f < 2);
	}
	return 1;
}

static int label(struct pdoc *d, double x, double y, const struct store_patient_view *v, const struct ehr_medication *m)
{
	const struct ehr_patient *p = &v->patient;
	struct buf t = {0}, kana = {0}, code = {0};
	pdoc_rect(d, x, y, LABEL_W, LABEL_H, 0.8);
	print_full_name(&t, v);
	print_full_kana(&kana, p);
	buf_addf(&t, "  %s  ID %s", kana.data, p->id);
	pdoc_text(d, x + 6, y + 4, LABEL_W - 12, 9, PT_BOLD | PT_ONELINE, t.data);
	buf_reset(&t);
	buf_addf(&t, "%s%s", m->kind == EHR_ORDER_INJECTION ? "[注] " : "",
	         m->drug_name   ? m->drug_name
	         : m->drug_code ? m->drug_code
	                        : "?");
	pdoc_text(d, x + 6, y + 17, LABEL_W - 12, 11, PT_BOLD | PT_ONELINE, t.data);
	buf_reset(&t);
	if (m->dose > 0)
		buf_addf(&t, "1回 %g%s  ", m->dose, m->dose_unit ? m->dose_unit : "");
	buf_addf(&t, "%s%s%s", m->frequency ? m->frequency : "", m->route ? "  " : "", m->route ? m->route : "");
	pdoc_text(d, x + 6, y + 33, LABEL_W - 12, 8, PT_ONELINE, t.data);
	buf_reset(&t);
	buf_addf(&t, "オーダ %s  薬品 %s  開始 %.10s", m->order_no ? m->order_no : "-",
	         m->drug_code ? m->drug_code : "-", m->start ? m->start : "-");
	pdoc_text(d, x + 6, y + 44, LABEL_W - 12, 7, PT_GRAY | PT_ONELINE, t.data);
	int rc = 0;
	if (print_order_code(&code, p->id, m->order_no, m->drug_code) == 0) {
		rc = print_code128(d->cr, x + 4, y + 55, LABEL_W - 8, 33, code.data);
	} else {
		lb_error_clear();
		pdoc_text(d, x + 6, y + 62, LABEL_W - 12, 8, PT_BOLD,
		          "バーコードなし (オーダ番号・薬品コードが読取不可の文字を含む) / no barcode");
	}
	buf_release(&t);
	buf_release(&kana);
	buf_release(&code);
	return rc;
}

int print_order_labels(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                       struct print_stats *st)
{
	struct label_sheet sh;
	label_sheet_init(&sh, path, "処方・注射ラベル Order labels", ward, as_of);
	int rc = 0;
	size_t labels = 0;
	if (n == 1) { /* one patient's labels: the page header names them too */
		struct buf name = {0};
		print_full_name(&name, &v[0]);
		pdoc_patient(&sh.d, v[0].patient.id, name.data);
		buf_release(&name);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		for (size_t k = 0; k < v[i].n_medications && rc == 0; k++) {
			if (print_med_repeated(&v[i], k)) /* one label per line, not one per export */
				continue;
			double x, y;
			label_sheet_next(&sh, &x, &y);
			rc = label(&sh.d, x, y, &v[i], &v[i].medications[k]);
			labels++;
		}
	}
	if (!labels) {
		pdoc_new_page(&sh.d);
		pdoc_text(&sh.d, PDOC_LEFT, sh.d.y, PDOC_RIGHT - PDOC_LEFT, 11, PT_BOLD,
		          "有効な処方・注射はありません / no active orders");
	}
	return label_sheet_finish(&sh, rc, st);
}
