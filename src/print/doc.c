/*
 * doc.c - the printed page: A4, a running header (title, the 「ダウンタイム用控え / downtime copy」 mark, the data's
 * as-of time, the patient of the page), text through pango (wrapped, Japanese fonts through fontconfig) and a
 * footer with page x of y.
 *
 * Pages are recorded (cairo recording surfaces) and replayed into the PDF at the end, because "of y" is known only
 * then. The PDF is built in memory and written with lb_write_file_atomic: a printer queue or a reader sees the old
 * file or the new one, never half a file.
 */
#include "print_int.h"

#include <cairo-pdf.h>
#include <stdlib.h>
#include <string.h>

void pdoc_init(struct pdoc *d, const char *path, const char *title, const char *as_of)
{
	memset(d, 0, sizeof(*d));
	d->path = lb_strdup(path);
	d->title = lb_strdup(title ? title : "");
	/* "2026-11-24T19:00:55" → "2026/11/24 19:00", local time (lb_format_stamp: the one display format) */
	struct buf t = {0};
	lb_format_stamp(&t, as_of);
	snprintf(d->as_of, sizeof(d->as_of), "%s", buf_cstr(&t));
	buf_release(&t);
	struct buf now = {0};
	lb_format_local(&now, lb_now_ms());
	snprintf(d->printed, sizeof(d->printed), "%s", buf_cstr(&now));
	buf_release(&now);
	d->font = pango_font_description_from_string(PDOC_FONT " 9");
}

void pdoc_set_title(struct pdoc *d, const char *title)
{
	free(d->title);
	d->title = lb_strdup(title);
}

void pdoc_patient(struct pdoc *d, const char *pid, const char *name)
{
	free(d->pid);
	free(d->pname);
	d->pid = pid ? lb_strdup(pid) : NULL;
	d->pname = name ? lb_strdup(name) : NULL;
}

static void configure(PangoLayout *l, PangoFontDescription *font, double w, double size, int flags, const char *text)
{
	pango_font_description_set_family(font, flags & PT_MONO ? PDOC_MONO_FONT : PDOC_FONT);
	pango_font_description_set_weight(font, flags & PT_BOLD ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
	pango_layout_set_font_description(l, font);
	pango_layout_set_width(l, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_ellipsize(l, flags & PT_ONELINE ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
	pango_layout_set_alignment(l, flags & PT_CENTER  ? PANGO_ALIGN_CENTER
	                              : flags & PT_RIGHT ? PANGO_ALIGN_RIGHT
	                                                 : PANGO_ALIGN_LEFT);
	/* Text from the store is UTF-8 already checked at ingest; pango replaces anything invalid itself. */
	pango_layout_set_text(l, text ? text : "", -1);
}

static void setup_text(struct pdoc *d, double w, double size, int flags, const char *text)
{
	configure(d->layout, d->font, w, size, flags, text);
}

/*
 * The layout of a text: shaping and line breaking are most of the cost of a page, and a pack repeats the same
 * short texts hundreds of times (朝 昼 夕, 時刻____ サイン____, column heads, the running header), so short texts
 * are laid out once per document and kept; others use the document's one layout. All layouts share the
 * document's pango context, set once from the first page (every page is the same A4 recording surface).
 */
#define PDOC_CACHE_TEXT 120 /* bytes of text kept at most */
#define PDOC_CACHE_MAX 4096 /* layouts kept per document */
static PangoLayout *layout_of(struct pdoc *d, double w, double size, int flags, const char *text)
{
	if (!text)
		text = "";
	if (strlen(text) > PDOC_CACHE_TEXT) {
		setup_text(d, w, size, flags, text);
		return d->layout;
	}
	char key[PDOC_CACHE_TEXT + 64];
	snprintf(key, sizeof(key), "%d|%.2f|%.2f|%s", flags & ~(PT_GRAY | PT_WHITE), size, w, text);
	if (!d->layouts)
		d->layouts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
	PangoLayout *l = g_hash_table_lookup(d->layouts, key);
	if (l)
		return l;
	if (g_hash_table_size(d->layouts) >= PDOC_CACHE_MAX) {
		setup_text(d, w, size, flags, text);
		return d->layout;
	}
	l = pango_layout_new(pango_layout_get_context(d->layout));
	configure(l, d->font, w, size, flags, text);
	g_hash_table_insert(d->layouts, g_strdup(key), l);
	return l;
}

double pdoc_text_height(struct pdoc *d, double w, double size, int flags, const char *text)
{
	if (!d->cr)
		pdoc_new_page(d);
	int pw, ph;
	pango_layout_get_size(layout_of(d, w, size, flags, text), &pw, &ph);
	return (double)ph / PANGO_SCALE;
}

double pdoc_text(struct pdoc *d, double x, double y, double w, double size, int flags, const char *text)
{
	if (!d->cr)
		pdoc_new_page(d);
	PangoLayout *l = layout_of(d, w, size, flags, text);
	int pw, ph;
	pango_layout_get_size(l, &pw, &ph);
	d->missing_glyphs += pango_layout_get_unknown_glyphs_count(l);
	double g = flags & PT_WHITE ? 1 : flags & PT_GRAY ? 0.35 : 0;
	cairo_set_source_rgb(d->cr, g, g, g);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
	return (double)ph / PANGO_SCALE;
}

void pdoc_rect(struct pdoc *d, double x, double y, double w, double h, double line)
{
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	cairo_set_line_width(d->cr, line);
	cairo_rectangle(d->cr, x, y, w, h);
	cairo_stroke(d->cr);
}

void pdoc_fill(struct pdoc *d, double x, double y, double w, double h, double gray)
{
	cairo_set_source_rgb(d->cr, gray, gray, gray);
	cairo_rectangle(d->cr, x, y, w, h);
	cairo_fill(d->cr);
}

void pdoc_hline(struct pdoc *d, double x1, double x2, double y, double line)
{
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	cairo_set_line_width(d->cr, line);
	cairo_move_to(d->cr, x1, y);
	cairo_line_to(d->cr, x2, y);
	cairo_stroke(d->cr);
}

void pdoc_box(struct pdoc *d, double x, double y, double s)
{
	pdoc_rect(d, x, y, s, s, 0.8);
}

void pdoc_heading(struct pdoc *d, const char *text)
{
	double h = pdoc_text_height(d, PDOC_RIGHT - PDOC_LEFT - 8, 10, PT_BOLD, text) + 4;
	pdoc_need(d, h + 30);
	pdoc_fill(d, PDOC_LEFT, d->y, PDOC_RIGHT - PDOC_LEFT, h, 0.85);
	pdoc_text(d, PDOC_LEFT + 4, d->y + 2, PDOC_RIGHT - PDOC_LEFT - 8, 10, PT_BOLD, text);
	d->y += h + 4;
}

/* The mark every page carries: a framed, bold 「ダウンタイム用控え / downtime copy」. */
static void downtime_mark(cairo_t *cr, struct pdoc *d, double x_right, double y)
{
	const char *mark = d->mark ? d->mark : "ダウンタイム用控え / downtime copy";
	double w = 178, h = 18;
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_rectangle(cr, x_right - w, y, w, h);
	cairo_fill(cr);
	PangoLayout *l = layout_of(d, w, 9.5, PT_BOLD | PT_CENTER, mark);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_move_to(cr, x_right - w, y + 3);
	pango_cairo_show_layout(cr, l);
}

void pdoc_new_page(struct pdoc *d)
{
	if (d->cr) {
		cairo_destroy(d->cr);
		d->cr = NULL;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->pages = lb_reallocarray(d->pages, d->cap, sizeof(*d->pages));
	}
	cairo_rectangle_t ext = {0, 0, PDOC_W, PDOC_H};
	struct pdoc_page *pg = &d->pages[d->n++];
	pg->rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	pg->pid = d->pid ? lb_strdup(d->pid) : NULL;
	pg->pname = d->pname ? lb_strdup(d->pname) : NULL;
	d->cr = cairo_create(pg->rec);
	if (!d->layout)
		d->layout = pango_cairo_create_layout(d->cr); /* its context serves every page: all are alike */
	/* running header */
	cairo_t *cr = d->cr;
	downtime_mark(cr, d, PDOC_RIGHT, 20);
	pdoc_text(d, PDOC_LEFT, 20, PDOC_RIGHT - PDOC_LEFT - 190, 13, PT_BOLD | PT_ONELINE, d->title);
	struct buf t = {0};
	if (d->as_of[0])
		buf_addf(&t, "データ時点 as of: %s    印刷 printed: %s", d->as_of, d->printed);
	else
		buf_addf(&t, "データ時点 as of: 白紙用紙 (患者データなし) blank form    印刷 printed: %s", d->printed);
	pdoc_text(d, PDOC_LEFT, 41, PDOC_RIGHT - PDOC_LEFT, 8, PT_GRAY, t.data);
	if (d->pid) {
		buf_reset(&t);
		buf_addf(&t, "ID %s  %s", d->pid, d->pname ? d->pname : "");
		pdoc_text(d, PDOC_LEFT, 53, PDOC_RIGHT - PDOC_LEFT, 10, PT_BOLD | PT_ONELINE, t.data);
	}
	buf_release(&t);
	pdoc_hline(d, PDOC_LEFT, PDOC_RIGHT, 70, 1.2);
	d->y = PDOC_TOP;
}

int pdoc_need(struct pdoc *d, double h)
{
	if (!d->recording_body && (!d->cr || d->y + h > PDOC_BOTTOM)) {
		pdoc_new_page(d);
		return 1;
	}
	return 0;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_add(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void release(struct pdoc *d)
{
	if (d->cr)
		cairo_destroy(d->cr);
	for (size_t i = 0; i < d->n; i++) {
		cairo_surface_destroy(d->pages[i].rec);
		free(d->pages[i].pid);
		free(d->pages[i].pname);
	}
	free(d->pages);
	for (size_t i = 0; i < LB_ARRAY_LEN(d->form_body); i++)
		if (d->form_body[i])
			cairo_surface_destroy(d->form_body[i]);
	if (d->layouts)
		g_hash_table_destroy(d->layouts);
	if (d->layout)
		g_object_unref(d->layout);
	if (d->font)
		pango_font_description_free(d->font);
	free(d->path);
	free(d->title);
	free(d->pid);
	free(d->pname);
	memset(d, 0, sizeof(*d));
}

void pdoc_discard(struct pdoc *d)
{
	release(d);
}

int pdoc_finish(struct pdoc *d, struct print_stats *st)
{
	if (!d->n)
		pdoc_new_page(d);
	if (d->cr) {
		cairo_destroy(d->cr);
		d->cr = NULL;
	}
	struct buf pdf = {0};
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(to_buf, &pdf, PDOC_W, PDOC_H);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "lifeboat " LB_VERSION);
	cairo_t *cr = cairo_create(surf);
	/* the footers are laid out in the pages' context too (not updated for the PDF): text measures as on the page */
	struct buf t = {0};
	for (size_t i = 0; i < d->n; i++) {
		cairo_set_source_surface(cr, d->pages[i].rec, 0, 0);
		cairo_paint(cr);
		/* footer: patient, page x of y, the mark again */
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_line_width(cr, 0.6);
		cairo_move_to(cr, PDOC_LEFT, PDOC_H - 38);
		cairo_line_to(cr, PDOC_RIGHT, PDOC_H - 38);
		cairo_stroke(cr);
		buf_reset(&t);
		if (d->pages[i].pid)
			buf_addf(&t, "ID %s  %s    ", d->pages[i].pid, d->pages[i].pname ? d->pages[i].pname : "");
		buf_addf(&t, "データ時点 %s", d->as_of[0] ? d->as_of : "白紙用紙 blank form");
		cairo_move_to(cr, PDOC_LEFT, PDOC_H - 34);
		pango_cairo_show_layout(cr, layout_of(d, 340, 8, PT_ONELINE, t.data));
		buf_reset(&t);
		buf_addf(&t, "%zu / %zu ページ (page %zu of %zu)", i + 1, d->n, i + 1, d->n);
		setup_text(d, 180, 9, PT_BOLD | PT_RIGHT, t.data);
		cairo_move_to(cr, PDOC_RIGHT - 180, PDOC_H - 34);
		pango_cairo_show_layout(cr, d->layout);
		cairo_move_to(cr, PDOC_LEFT, PDOC_H - 21);
		pango_cairo_show_layout(cr, layout_of(d, PDOC_RIGHT - PDOC_LEFT, 7.5, PT_BOLD | PT_CENTER,
		                                      d->mark ? d->mark : "ダウンタイム用控え / downtime copy"));
		cairo_show_page(cr);
	}
	buf_release(&t);
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	cairo_status_t cs = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	int rc = 0;
	if (cs != CAIRO_STATUS_SUCCESS)
		rc = lb_error_tr(LB_EIO, "cannot render '%s': %s", "'%s' を描画できません: %s", d->path,
		                 cairo_status_to_string(cs));
	else
		rc = lb_write_file_atomic(d->path, pdf.data, pdf.len, 0644, 0);
	if (d->missing_glyphs)
		lb_warn(L_("'%s': %ld character(s) have no glyph in the installed fonts (printed as boxes)",
		           "'%s': %ld 文字がインストール済みのフォントにありません (四角で印刷しました)"),
		        d->path, d->missing_glyphs);
	if (rc == 0 && st) {
		st->missing_glyphs += d->missing_glyphs;
		st->files++;
		st->pages += (long)d->n;
	}
	buf_release(&pdf);
	release(d);
	return rc;
}
