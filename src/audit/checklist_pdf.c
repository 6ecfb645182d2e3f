/*
 * checklist_pdf.c - the filled checklist as PDF for the inspector's file: A4 landscape, one section per sheet,
 * the printed columns, Japanese through pango with the fonts embedded by cairo. Drawn here rather than through
 * src/print: print stands on the clinical store, and audit must stay on core (DESIGN.md).
 */
#include "checklist_int.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PW 841.89 /* A4 landscape, points */
#define PH 595.28
#define MARGIN 30.0
#define FONT "IPAexGothic, Noto Sans CJK JP"
#define PAD 3.0

enum { P_NUMBER, P_TEXT, P_ANSWER, P_DATE, P_TARGET, P_EVIDENCE, P_COUNT };
static const char *const heads[P_COUNT] = {"番号", "項目", "はい/いいえ", "確認日", "目標日", "根拠"};
static const double widths[P_COUNT] = {40, 290, 58, 62, 62, 269.89}; /* sum: PW - 2 * MARGIN */

struct pdf {
	cairo_t *cr;
	PangoLayout *layout;
	double y;
	int page;
	const struct cl_filled *f;
	const char *sheet;
};

static double text_at(struct pdf *p, double x, double y, double w, double size, int bold, const char *s)
{
	PangoFontDescription *fd = pango_font_description_from_string(FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(p->layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->layout, (int)((w - 2 * PAD) * PANGO_SCALE));
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->layout, s ? s : "", -1);
	int lw, lh;
	pango_layout_get_size(p->layout, &lw, &lh);
	if (y >= 0) {
		cairo_move_to(p->cr, x + PAD, y + PAD);
		pango_cairo_show_layout(p->cr, p->layout);
	}
	return (double)lh / PANGO_SCALE + 2 * PAD;
}

static void page_head(struct pdf *p)
{
	char foot[64];
	text_at(p, MARGIN, MARGIN - 14, PW - 2 * MARGIN, 11, 1, p->f->e->title.ja);
	struct buf b = {0};
	buf_addf(&b, "%s%s%s  作成日 %s", p->sheet, p->f->hospital ? "  " : "", p->f->hospital ? p->f->hospital : "",
	         p->f->today);
	text_at(p, MARGIN, MARGIN + 2, PW - 2 * MARGIN, 9, 0, buf_cstr(&b));
	buf_release(&b);
	snprintf(foot, sizeof(foot), "%d", p->page);
	text_at(p, PW / 2 - 20, PH - MARGIN + 4, 40, 8, 0, foot);
	p->y = MARGIN + 22;
	double x = MARGIN, h = 0;
	for (int c = 0; c < P_COUNT; c++) {
		double th = text_at(p, 0, -1, widths[c], 9, 1, heads[c]);
		h = th > h ? th : h;
	}
	cairo_set_source_rgb(p->cr, 0.87, 0.87, 0.87);
	cairo_rectangle(p->cr, MARGIN, p->y, PW - 2 * MARGIN, h);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (int c = 0; c < P_COUNT; c++) {
		text_at(p, x, p->y, widths[c], 9, 1, heads[c]);
		cairo_rectangle(p->cr, x, p->y, widths[c], h);
		x += widths[c];
	}
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
	p->y += h;
}

static void new_page(struct pdf *p)
{
	if (p->page)
		cairo_show_page(p->cr);
	p->page++;
	page_head(p);
}

static void row(struct pdf *p, const struct cl_row *r)
{
	struct buf item = {0}, ev = {0};
	buf_adds(&item, r->item->text.ja);
	if (r->item->scope.ja)
		buf_addf(&item, " 【%s】", r->item->scope.ja);
	if (r->item->target.ja)
		buf_addf(&item, " (%s)", r->item->target.ja);
	for (size_t i = 0; i < r->evidence.n; i++)
		buf_addf(&ev, "%s%s", i ? "\n" : "", r->evidence.v[i]);
	if (r->by && r->source == CL_SRC_PERSON && !r->evidence.n)
		buf_adds(&ev, r->by);
	const char *cells[P_COUNT] = {r->item->number, buf_cstr(&item), cl_answer_label(r->answer),
	                              r->date,         r->target,       buf_cstr(&ev)};
	double h = 0;
	for (int c = 0; c < P_COUNT; c++) {
		double th = text_at(p, 0, -1, widths[c], 8.5, 0, cells[c]);
		h = th > h ? th : h;
	}
	if (p->y + h > PH - MARGIN - 10)
		new_page(p);
	double x = MARGIN;
	for (int c = 0; c < P_COUNT; c++) {
		if (c == P_ANSWER && r->answer == CL_NO)
			cairo_set_source_rgb(p->cr, 0.75, 0, 0);
		text_at(p, x, p->y, widths[c], 8.5, c == P_ANSWER, cells[c]);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		cairo_rectangle(p->cr, x, p->y, widths[c], h);
		x += widths[c];
	}
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
	p->y += h;
	buf_release(&item);
	buf_release(&ev);
}

/* The group heading the printed checklist has above its items: "2 医療情報システムの管理・運用". */
static void group_row(struct pdf *p, const struct cl_group *g)
{
	char text[512];
	snprintf(text, sizeof(text), "%s %s", g->number, g->name.ja);
	double h = text_at(p, 0, -1, PW - 2 * MARGIN, 9, 1, text);
	if (p->y + h * 2 > PH - MARGIN - 10) /* never a heading alone at the foot of a page */
		new_page(p);
	cairo_set_source_rgb(p->cr, 0.94, 0.94, 0.94);
	cairo_rectangle(p->cr, MARGIN, p->y, PW - 2 * MARGIN, h);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	text_at(p, MARGIN, p->y, PW - 2 * MARGIN, 9, 1, text);
	cairo_rectangle(p->cr, MARGIN, p->y, PW - 2 * MARGIN, h);
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
	p->y += h;
}

int cl_write_pdf(const struct cl_filled *f, const char *path)
{
	struct buf tmp = {0};
	buf_addf(&tmp, "%s.tmp-%ld", path, (long)getpid());
	cairo_surface_t *surf = cairo_pdf_surface_create(buf_cstr(&tmp), PW, PH);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surf);
		int rc = lb_error_tr(LB_EIO, "cannot create %s", "%s を作成できません", path);
		buf_release(&tmp);
		return rc;
	}
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, f->e->title.ja);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "lifeboat audit checklist");
	struct pdf p = {.cr = cairo_create(surf), .f = f};
	p.layout = pango_cairo_create_layout(p.cr);
	for (size_t i = 0; i < f->n; i++) {
		struct buf name = {0};
		cl_sheet_name(&f->sheets[i], &name);
		if (f->sheets[i].system)
			buf_addf(&name, " (%s)", f->sheets[i].system);
		p.sheet = buf_cstr(&name);
		new_page(&p);
		const struct cl_group *g = NULL;
		for (size_t k = 0; k < f->sheets[i].n; k++) {
			if (f->sheets[i].rows[k].item->group != g)
				group_row(&p, g = f->sheets[i].rows[k].item->group);
			row(&p, &f->sheets[i].rows[k]);
		}
		p.sheet = NULL;
		buf_release(&name);
	}
	cairo_show_page(p.cr);
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	cairo_surface_finish(surf);
	cairo_status_t st = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	int rc = 0;
	if (st != CAIRO_STATUS_SUCCESS) {
		unlink(buf_cstr(&tmp));
		rc = lb_error_tr(LB_EIO, "cannot write %s: %s", "%s を書き込めません: %s", path,
		                 cairo_status_to_string(st));
	} else if (rename(buf_cstr(&tmp), path) < 0) {
		rc = lb_error_errno_tr(errno, "cannot write %s", "%s を書き込めません", path);
		unlink(buf_cstr(&tmp));
	}
	buf_release(&tmp);
	return rc;
}
