/*
 * checklist_xlsx.c - the filled checklist as an Excel workbook (libxlsxwriter), so the office can keep working in
 * Excel: one worksheet per sheet (医療機関確認用, then one 事業者確認用 per vendor), the printed columns, a frozen
 * header, wrapped text, real dates, and a list はい/いいえ on the answer column.
 */
#include "checklist_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

enum { X_NUMBER, X_SCOPE, X_TEXT, X_ANSWER, X_DATE, X_TARGET, X_EVIDENCE, X_BY, X_ID, X_COUNT };
static const char *const heads[X_COUNT] = {"番号",   "対象", "項目",   "はい/いいえ", "確認日",
                                           "目標日", "根拠", "回答者", "項目ID"};
static const double widths[X_COUNT] = {7, 14, 60, 11, 12, 12, 60, 18, 16};
#define HEAD_ROW 3

/* Excel's sheet names: at most 31 characters, none of []:*?/\, unique in the book. */
static void sheet_title(const struct cl_sheet *s, size_t idx, struct buf *out)
{
	struct buf raw = {0};
	if (s->kind == CL_SHEET_HOSPITAL)
		buf_adds(&raw, "医療機関確認用");
	else
		buf_addf(&raw, "事業者確認用%zu %s", idx, s->vendor);
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)buf_cstr(&raw); *p && chars < 31;) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4;
		if (n == 1 && strchr("[]:*?/\\'", *p))
			buf_addch(out, '_');
		else
			buf_add(out, p, n);
		p += n;
		chars++;
	}
	buf_release(&raw);
}

static int write_date(lxw_worksheet *ws, int row, int col, const char *day, lxw_format *fmt, lxw_format *empty)
{
	int y, m, d;
	if (!day[0] || lb_parse_day(day, &y, &m, &d) < 0)
		return worksheet_write_blank(ws, row, col, empty);
	lxw_datetime dt = {.year = y, .month = m, .day = d};
	return worksheet_write_datetime(ws, row, col, &dt, fmt);
}

static void write_sheet(lxw_workbook *wb, const struct cl_filled *f, const struct cl_sheet *s, size_t idx,
                        lxw_format *const *fmt)
{
	struct buf title = {0}, head = {0};
	sheet_title(s, idx, &title);
	lxw_worksheet *ws = workbook_add_worksheet(wb, buf_cstr(&title));
	buf_release(&title);
	if (!ws)
		return;
	buf_addf(&head, "%s", f->e->title.ja);
	worksheet_write_string(ws, 0, 0, buf_cstr(&head), fmt[0]);
	buf_reset(&head);
	cl_sheet_name(s, &head);
	if (s->system)
		buf_addf(&head, " (%s)", s->system);
	if (f->hospital)
		buf_addf(&head, "  %s", f->hospital);
	buf_addf(&head, "  作成日 %s (lifeboat)", f->today);
	worksheet_write_string(ws, 1, 0, buf_cstr(&head), NULL);
	buf_release(&head);
	for (int c = 0; c < X_COUNT; c++) {
		worksheet_set_column(ws, c, c, widths[c], c == X_TEXT || c == X_EVIDENCE ? fmt[2] : NULL);
		worksheet_write_string(ws, HEAD_ROW, c, heads[c], fmt[1]);
	}
	worksheet_freeze_panes(ws, HEAD_ROW + 1, 0);
	for (size_t k = 0; k < s->n; k++) {
		const struct cl_row *r = &s->rows[k];
		int row = HEAD_ROW + 1 + (int)k;
		struct buf ev = {0};
		for (size_t i = 0; i < r->evidence.n; i++)
			buf_addf(&ev, "%s%s", i ? "\n" : "", r->evidence.v[i]);
		worksheet_write_string(ws, row, X_NUMBER, r->item->number, fmt[2]);
		worksheet_write_string(ws, row, X_SCOPE, r->item->scope.ja ? r->item->scope.ja : "", fmt[2]);
		worksheet_write_string(ws, row, X_TEXT, r->item->text.ja, fmt[2]);
		worksheet_write_string(ws, row, X_ANSWER, cl_answer_label(r->answer),
		                       r->answer == CL_NO ? fmt[4] : fmt[5]);
		write_date(ws, row, X_DATE, r->date, fmt[3], fmt[2]);
		write_date(ws, row, X_TARGET, r->target, fmt[3], fmt[2]);
		worksheet_write_string(ws, row, X_EVIDENCE, buf_cstr(&ev), fmt[2]);
		worksheet_write_string(ws, row, X_BY,
		                       r->by                           ? r->by
		                       : r->source == CL_SRC_INVENTORY ? "台帳 (audit check)"
		                                                       : "",
		                       fmt[2]);
		worksheet_write_string(ws, row, X_ID, r->item->id, fmt[2]);
		buf_release(&ev);
	}
	if (s->n) {
		static char yes[] = "はい", no[] = "いいえ";
		char *list[] = {yes, no, NULL};
		static char title_in[] = "回答", msg_in[] = "はい または いいえ を選んでください";
		lxw_data_validation dv = {0};
		dv.validate = LXW_VALIDATION_TYPE_LIST;
		dv.value_list = list;
		dv.input_title = title_in;
		dv.input_message = msg_in;
		worksheet_data_validation_range(ws, HEAD_ROW + 1, X_ANSWER, HEAD_ROW + (int)s->n, X_ANSWER, &dv);
		worksheet_autofilter(ws, HEAD_ROW, 0, HEAD_ROW + (int)s->n, X_COUNT - 1);
	}
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, HEAD_ROW, HEAD_ROW);
}

int cl_write_xlsx(const struct cl_filled *f, const char *path)
{
	struct buf tmp = {0};
	buf_addf(&tmp, "%s.tmp-%ld", path, (long)getpid());
	lxw_workbook *wb = workbook_new(buf_cstr(&tmp));
	if (!wb) {
		int rc = lb_error_tr(LB_EIO, "cannot create %s", "%s を作成できません", path);
		buf_release(&tmp);
		return rc;
	}
	lxw_format *fmt[6];
	fmt[0] = workbook_add_format(wb); /* title */
	format_set_bold(fmt[0]);
	format_set_font_size(fmt[0], 14);
	fmt[1] = workbook_add_format(wb); /* header */
	format_set_bold(fmt[1]);
	format_set_bg_color(fmt[1], 0xDDDDDD);
	format_set_border(fmt[1], LXW_BORDER_THIN);
	format_set_text_wrap(fmt[1]);
	fmt[2] = workbook_add_format(wb); /* body: wrapped */
	format_set_text_wrap(fmt[2]);
	format_set_align(fmt[2], LXW_ALIGN_VERTICAL_TOP);
	format_set_border(fmt[2], LXW_BORDER_THIN);
	fmt[3] = workbook_add_format(wb); /* dates */
	format_set_num_format(fmt[3], "yyyy-mm-dd");
	format_set_align(fmt[3], LXW_ALIGN_VERTICAL_TOP);
	format_set_border(fmt[3], LXW_BORDER_THIN);
	fmt[4] = workbook_add_format(wb); /* いいえ */
	format_set_bold(fmt[4]);
	format_set_font_color(fmt[4], LXW_COLOR_RED);
	format_set_align(fmt[4], LXW_ALIGN_CENTER);
	format_set_align(fmt[4], LXW_ALIGN_VERTICAL_TOP);
	format_set_border(fmt[4], LXW_BORDER_THIN);
	fmt[5] = workbook_add_format(wb); /* はい, blank */
	format_set_align(fmt[5], LXW_ALIGN_CENTER);
	format_set_align(fmt[5], LXW_ALIGN_VERTICAL_TOP);
	format_set_border(fmt[5], LXW_BORDER_THIN);
	for (size_t i = 0; i < f->n; i++)
		write_sheet(wb, f, &f->sheets[i], i, fmt);
	lxw_error err = workbook_close(wb);
	int rc = 0;
	if (err != LXW_NO_ERROR) {
		unlink(buf_cstr(&tmp));
		rc = lb_error_tr(LB_EIO, "cannot write %s: %s", "%s を書き込めません: %s", path, lxw_strerror(err));
	} else if (rename(buf_cstr(&tmp), path) < 0) {
		rc = lb_error_errno_tr(errno, "cannot write %s", "%s を書き込めません", path);
		unlink(buf_cstr(&tmp));
	}
	buf_release(&tmp);
	return rc;
}
