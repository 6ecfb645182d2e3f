/*
 * number_labels.c - label sheets of downtime numbers (issue 16), printed in normal times so that they are on the
 * ward before an outage: order-number labels (DT-…) to stick on a paper order form, and patient-number labels
 * (DP-…) for the wristband of a patient admitted with no EHR record and, beside it, a spare for the paper chart.
 * The numbers are allocated elsewhere (src/incident, backentry.h) and handed in: print does not know how they
 * are made, only that a label shows exactly what its barcode holds.
 *
 * Same sheet as the wristbands and order labels (labels.c: 14 labels of 92 × 32 mm on A4, 2 × 7, row by row), so
 * a ward needs one label stock. Each label: the number in large monospaced type (DejaVu Sans Mono: 0 and O, 1 and I
 * look different, for the eye and for OCR), a Code 128 of the same characters (barcode.c), the ward, what the label
 * is for in Japanese and English, and ruled lines for what is written by hand. The code is [0-9A-Z-] only: a USB
 * scanner types it as keystrokes, and those come out the same under a Japanese keyboard layout and with the input
 * method on or off (no lower case, so Caps Lock changes nothing either).
 */
#include "print_int.h"

#include <string.h>

static const char *const kind_prefix[] = {"DT-", "DP-"};

int print_number_code_ok(const char *number, int kind)
{
	if (kind != PRINT_NUMBER_ORDER && kind != PRINT_NUMBER_PATIENT)
		return 0;
	size_t n = number ? strlen(number) : 0;
	if (n <= 3 || n > PRINT_NUMBER_CODE_MAX || strncmp(number, kind_prefix[kind], 3))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = number[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-'))
			return 0;
	}
	return 1;
}

/* A ruled line to write on, with its caption before it (Japanese above, English below, small). */
static void write_line(struct pdoc *d, double x, double y, double w, double cap_w, const char *ja, const char *en)
{
	pdoc_text(d, x, y, cap_w, 7, PT_BOLD | PT_ONELINE, ja);
	pdoc_text(d, x, y + 8, cap_w, 5.5, PT_GRAY | PT_ONELINE, en);
	pdoc_hline(d, x + cap_w, x + w, y + 14, 0.5);
}

/* For a paper order form: what the order is for is written on the form; the label joins form and number. */
static int order_label(struct pdoc *d, double x, double y, const char *ward, const char *number)
{
	struct buf t = {0};
	pdoc_rect(d, x, y, LABEL_W, LABEL_H, 0.8);
	pdoc_text(d, x + 6, y + 4, LABEL_W - 12, 8, PT_BOLD | PT_ONELINE, "紙オーダー用 / paper order");
	buf_addf(&t, "病棟 ward %s", ward);
	pdoc_text(d, x + 6, y + 4, LABEL_W - 12, 8, PT_BOLD | PT_ONELINE | PT_RIGHT, t.data);
	pdoc_text(d, x + 6, y + 15, LABEL_W - 12, 17, PT_BOLD | PT_MONO | PT_ONELINE | PT_CENTER, number);
	int rc = print_code128(d->cr, x + 4, y + 37, LABEL_W - 8, 26, number);
	write_line(d, x + 6, y + 68, LABEL_W - 12, 48, "患者氏名", "patient name");
	buf_release(&t);
	return rc;
}

/* For a wristband (copy 0) or the paper chart (copy 1): who the patient is, as far as the ward can tell. */
static int patient_label(struct pdoc *d, double x, double y, const char *ward, const char *number, int copy)
{
	struct buf t = {0};
	pdoc_rect(d, x, y, LABEL_W, LABEL_H, 0.8);
	pdoc_text(d, x + 6, y + 3, LABEL_W - 12, 8, PT_BOLD | PT_ONELINE, "ダウンタイム患者番号 / downtime patient");
	buf_addf(&t, "%s  %s", ward, copy == 0 ? "リストバンド用 band" : "カルテ用 chart");
	pdoc_text(d, x + 6, y + 3, LABEL_W - 12, 7, PT_ONELINE | PT_RIGHT, t.data);
	pdoc_text(d, x + 6, y + 13, LABEL_W - 12, 15, PT_BOLD | PT_MONO | PT_ONELINE | PT_CENTER, number);
	int rc = print_code128(d->cr, x + 4, y + 32, LABEL_W - 8, 22, number);
	write_line(d, x + 6, y + 56, LABEL_W - 12, 40, "氏名", "name");
	/* sex as a choice to circle, birth date with its fields: quicker to write, harder to misread */
	pdoc_text(d, x + 6, y + 75, 36, 7, PT_BOLD | PT_ONELINE, "性別");
	pdoc_text(d, x + 6, y + 83, 36, 5.5, PT_GRAY | PT_ONELINE, "sex");
	pdoc_text(d, x + 30, y + 76, 64, 7.5, PT_ONELINE, "男 M ・ 女 F");
	write_line(d, x + 96, y + 74, LABEL_W - 102, 44, "生年月日", "birth date");
	pdoc_text(d, x + 140, y + 78, LABEL_W - 146, 6.5, PT_GRAY | PT_ONELINE, "        年 Y        月 M        日 D");
	buf_release(&t);
	return rc;
}

int print_number_labels(const char *path, const struct print_number_sheet *s, struct print_stats *st)
{
	if (s->kind != PRINT_NUMBER_ORDER && s->kind != PRINT_NUMBER_PATIENT)
		return lb_error_tr(LB_EINVAL, "unknown kind of downtime number %d",
		                   "ダウンタイム番号の種類が不明です: %d", s->kind);
	if (!s->ward || !*s->ward)
		return lb_error_tr(LB_EINVAL, "a label sheet of downtime numbers needs a ward",
		                   "ダウンタイム番号ラベルには病棟が必要です");
	if (!s->n)
		return lb_error_tr(LB_ENOTFOUND, "no downtime numbers to print for ward %s",
		                   "病棟 %s に印刷するダウンタイム番号がありません", s->ward);
	/* every number first: a sheet is printed whole or not at all */
	for (size_t i = 0; i < s->n; i++) {
		if (print_number_code_ok(s->numbers[i], s->kind))
			continue;
		const char *bad = s->numbers[i] ? s->numbers[i] : "";
		if (s->kind == PRINT_NUMBER_ORDER)
			return lb_error_tr(LB_EINVAL, "'%.40s' is not a downtime order number (DT-…, [0-9A-Z-] only)",
			                   "'%.40s' はダウンタイムオーダー番号ではありません (DT-…、[0-9A-Z-] のみ)",
			                   bad);
		return lb_error_tr(LB_EINVAL, "'%.40s' is not a downtime patient number (DP-…, [0-9A-Z-] only)",
		                   "'%.40s' はダウンタイム患者番号ではありません (DP-…、[0-9A-Z-] のみ)", bad);
	}
	int copies = s->copies > 0 ? s->copies : s->kind == PRINT_NUMBER_PATIENT ? 2 : 1;
	struct buf now = {0};
	if (!s->as_of)
		lb_format_local(&now, lb_now_ms());
	struct label_sheet sh;
	label_sheet_init(&sh, path,
	                 s->kind == PRINT_NUMBER_ORDER ? "紙オーダー番号 Paper order numbers"
	                                               : "ダウンタイム患者番号 Downtime patients",
	                 s->ward, s->as_of ? s->as_of : now.data);
	buf_release(&now);
	int rc = 0;
	for (size_t i = 0; i < s->n && rc == 0; i++) {
		for (int c = 0; c < copies && rc == 0; c++) {
			double x, y;
			label_sheet_next(&sh, &x, &y);
			rc = s->kind == PRINT_NUMBER_ORDER ? order_label(&sh.d, x, y, s->ward, s->numbers[i])
			                                   : patient_label(&sh.d, x, y, s->ward, s->numbers[i], c % 2);
		}
	}
	if (rc == 0 && st)
		st->numbers += (long)s->n;
	return label_sheet_finish(&sh, rc, st);
}

const char *print_number_file(int kind)
{
	return kind == PRINT_NUMBER_ORDER     ? "7_order_numbers.pdf"
	       : kind == PRINT_NUMBER_PATIENT ? "8_patient_numbers.pdf"
	                                      : "?";
}

const struct print_number_sheet *print_number_sheet_of(const struct print_opts *o, const char *ward, int kind)
{
	for (size_t i = 0; o && ward && i < o->n_numbers; i++)
		if (o->numbers[i].kind == kind && o->numbers[i].ward && !strcmp(o->numbers[i].ward, ward))
			return &o->numbers[i];
	return NULL;
}

int print_pack_numbers(const char *out_dir, const char *ward, const struct print_opts *o, struct print_stats *st)
{
	int rc = 0;
	struct buf path = {0};
	for (int k = PRINT_NUMBER_ORDER; k <= PRINT_NUMBER_PATIENT && rc == 0; k++) {
		const struct print_number_sheet *sh = print_number_sheet_of(o, ward, k);
		if (!sh)
			continue;
		buf_reset(&path);
		lb_path_join(&path, out_dir, print_number_file(k));
		rc = print_number_labels(path.data, sh, st);
	}
	buf_release(&path);
	return rc;
}

void print_number_about(struct buf *b, const struct print_number_sheet *s)
{
	if (s->kind == PRINT_NUMBER_ORDER)
		buf_adds(b, "紙オーダー用番号ラベル paper order number labels ");
	else
		buf_adds(b, "ダウンタイム患者番号 (リストバンド・カルテ用) downtime patient numbers (band, chart) ");
	if (s->n)
		buf_addf(b, "%s … %s  %zu 個 %zu numbers", s->numbers[0], s->numbers[s->n - 1], s->n, s->n);
}
