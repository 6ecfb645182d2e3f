/*
 * table.c - a generic table document (print_table): a heading row repeated on every page, rows as tall as their
 * longest cell, marked rows shaded. It is how a module above print (incident's contact chart) gets paper in the
 * house style without a PDF layer of its own.
 */
#include "print_int.h"

#include <string.h>

#define TABLE_SIZE 8.5
#define TABLE_HEAD_SIZE 8.0
#define TABLE_MAX_COLS 16

static void head_row(struct pdoc *d, const struct print_table *t, const double *w)
{
	double h = 0;
	for (size_t j = 0; j < t->ncols; j++) {
		double ch = pdoc_text_height(d, w[j] - 6, TABLE_HEAD_SIZE, PT_BOLD, t->head[j] ? t->head[j] : "");
		if (ch > h)
			h = ch;
	}
	h += 6;
	pdoc_need(d, h + 24);
	double x = PDOC_LEFT;
	pdoc_fill(d, PDOC_LEFT, d->y, PDOC_RIGHT - PDOC_LEFT, h, 0.85);
	for (size_t j = 0; j < t->ncols; j++) {
		pdoc_text(d, x + 3, d->y + 3, w[j] - 6, TABLE_HEAD_SIZE, PT_BOLD, t->head[j] ? t->head[j] : "");
		pdoc_rect(d, x, d->y, w[j], h, 0.6);
		x += w[j];
	}
	d->y += h;
}

int print_table(const char *path, const struct print_table *t, struct print_stats *st)
{
	if (t->ncols == 0 || t->ncols > TABLE_MAX_COLS || !t->head || !t->widths || (t->nrows && !t->cells))
		return lb_error(LB_EINTERNAL, /* i18n-ok: a caller bug */ "print_table: %zu columns", t->ncols);
	double w[TABLE_MAX_COLS], W = PDOC_RIGHT - PDOC_LEFT;
	for (size_t j = 0; j < t->ncols; j++)
		w[j] = t->widths[j] * W;
	struct pdoc d;
	pdoc_init(&d, path, t->title, t->as_of);
	pdoc_new_page(&d);
	if (t->intro) {
		d.y += pdoc_text(&d, PDOC_LEFT, d.y, W, 9, 0, t->intro) + 8;
	}
	head_row(&d, t, w);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *const *row = t->cells + r * t->ncols;
		double h = 0;
		for (size_t j = 0; j < t->ncols; j++) {
			double ch =
			        pdoc_text_height(&d, w[j] - 6, TABLE_SIZE, j == 0 ? PT_BOLD : 0, row[j] ? row[j] : "");
			if (ch > h)
				h = ch;
		}
		h += 8;
		if (pdoc_need(&d, h))
			head_row(&d, t, w);
		if (t->mark && t->mark[r])
			pdoc_fill(&d, PDOC_LEFT, d.y, W, h, 0.93);
		double x = PDOC_LEFT;
		for (size_t j = 0; j < t->ncols; j++) {
			pdoc_text(&d, x + 3, d.y + 4, w[j] - 6, TABLE_SIZE, j == 0 ? PT_BOLD : 0, row[j] ? row[j] : "");
			pdoc_rect(&d, x, d.y, w[j], h, 0.5);
			x += w[j];
		}
		d.y += h;
	}
	if (t->footnote) {
		d.y += 8;
		double h = pdoc_text_height(&d, W, 8, 0, t->footnote);
		pdoc_need(&d, h);
		pdoc_text(&d, PDOC_LEFT, d.y, W, 8, 0, t->footnote);
	}
	return pdoc_finish(&d, st);
}
