/*
 * graph.h - `lifeboat audit graph`: the inventory as a network diagram (docs/inventory.md, "Network diagram"). The
 * system diagram police and inspectors ask for first: segments as clusters, devices as nodes shaped by type, the
 * internet as a node, paths as edges labelled with their service; the devices and paths that `audit check`'s
 * findings are about drawn red and bold with the finding ids in their label and tooltip, and a legend. DOT is
 * written here (every label escaped: names come from outside input); SVG and PNG are laid out and drawn in process
 * by Graphviz (libgvc, the "dot" layout).
 */
#ifndef LB_AUDIT_GRAPH_H
#define LB_AUDIT_GRAPH_H

#include "audit.h"

/* The font of every label: one with Japanese glyphs (fonts-noto-cjk, installed by scripts/install-deps). */
#define AUDIT_GRAPH_FONT "Noto Sans CJK JP"

/*
 * Append s to out as the inside of a DOT quoted string (the quotes not included): `"` and `\` escaped, a newline
 * as the label line break `\n`, other control characters and bytes that are not UTF-8 as U+FFFD, so that nothing
 * in s can end the string or be read as one of Graphviz's escapes (\N, \G, \l…).
 */
void audit_graph_escape(struct buf *out, const char *s);

/*
 * Write inv as a Graphviz DOT digraph, marking what the findings f (from audit_check_run over the same inv) are
 * about: a finding whose subject is a device marks that device, one whose subject and place are a path's marks
 * that path; the rest (accounts, policies) are listed in a note. today is the date printed in the title.
 * Returns how many findings are marked on a device or path.
 */
size_t audit_graph_dot(struct buf *out, const struct audit_inventory *inv, const struct audit_findings *f,
                       const char *today);

/* The output formats audit_graph_render draws: "svg" and "png". */
int audit_graph_format_ok(const char *format);

/*
 * Lay out DOT text (NUL-terminated) with Graphviz's dot layout and draw it as format ("svg", "png") into out.
 * Returns 0, or a negative error with Graphviz's own message when the text does not parse or cannot be drawn.
 */
int audit_graph_render(struct buf *out, const char *dot, const char *format);

#endif
