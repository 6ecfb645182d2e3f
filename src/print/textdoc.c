/*
 * textdoc.c - a plain document of headed sections (print_text_doc): what the incident's report drafts print as.
 * Every line of a body is its own block, so a long body breaks between lines onto the next page.
 */
#include "print_int.h"

#include <string.h>

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
		d.y += 6;
	}
	buf_release(&line);
	return pdoc_finish(&d, st);
}
