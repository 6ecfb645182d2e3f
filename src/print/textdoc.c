/*
 * textdoc.c - a plain document of headed sections (print_text_doc): what the incident's report drafts print as.
 * Every line of a body is its own block, so a long body breaks between lines onto the next page.
 */
#include "print_int.h"

#include <stdio.h>
#include <string.h>

/* A bar chart 150 points high across the text width: axes, the highest value, a bar per value, the end labels. */
static void bars(struct pdoc *d, const struct print_bars *c)
{
	const double h = 150, x0 = PDOC_LEFT + 40, x1 = PDOC_RIGHT - 8;
	pdoc_need(d, h + 24);
	double top = d->y + 4, base = d->y + h;
	int64_t max = 1;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i] > max)
			max = c->v[i];
	char lab[32];
	snprintf(lab, sizeof(lab), "%lld", (long long)max);
	pdoc_text(d, PDOC_LEFT, top - 4, 36, 8, PT_RIGHT | PT_ONELINE, lab);
	pdoc_text(d, PDOC_LEFT, base - 8, 36, 8, PT_RIGHT | PT_ONELINE, "0");
	double bw = (x1 - x0) / (double)c->n;
	for (size_t i = 0; i < c->n; i++) {
		double bh = (base - top) * (double)(c->v[i] < 0 ? 0 : c->v[i]) / (double)max;
		pdoc_fill(d, x0 + bw * (double)i + bw * 0.1, base - bh, bw * 0.8, bh, 0.35);
	}
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	cairo_set_line_width(d->cr, 0.8);
	cairo_move_to(d->cr, x0, top);
	cairo_line_to(d->cr, x0, base);
	cairo_stroke(d->cr);
	pdoc_hline(d, x0, x1, base, 0.8);
	if (c->first)
		pdoc_text(d, x0, base + 3, (x1 - x0) / 2, 8, PT_ONELINE, c->first);
	if (c->last)
		pdoc_text(d, x0 + (x1 - x0) / 2, base + 3, (x1 - x0) / 2, 8, PT_ONELINE | PT_RIGHT, c->last);
	d->y = base + 18;
}

int print_text_doc(const char *path, const char *title, const char *mark, const char *as_of,
                   const struct print_section *s, size_t n, struct print_stats *st)
{
	struct pdoc d;
	pdoc_init(&d, path, title, as_of);
	d.mark = mark;
	pdoc_new_page(&d);
	const double w = PDOC_RIGHT - PDOC_LEFT - 8;
	struct buf line = {0};
	for (size_t i = 0; i < n; i++) {
		if (s[i].heading)
			pdoc_heading(&d, s[i].heading);
		const char *p = s[i].body ? s[i].body : "";
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			buf_reset(&line);
			buf_add(&line, p, len);
			double h = line.len ? pdoc_text_height(&d, w, 9.5, 0, line.data) : 6;
			pdoc_need(&d, h + 2);
			if (line.len)
				pdoc_text(&d, PDOC_LEFT + 4, d.y, w, 9.5, 0, line.data);
			d.y += h + 2;
			p += len + (nl ? 1 : 0);
		}
		if (s[i].bars && s[i].bars->n)
			bars(&d, s[i].bars);
		d.y += 6;
	}
	buf_release(&line);
	return pdoc_finish(&d, st);
}
