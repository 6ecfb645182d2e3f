/*
 * graph.c - the inventory as Graphviz DOT (graph.h). Every name, description and piece of evidence comes from an
 * inventory someone else wrote, so none of it is ever a DOT identifier: nodes are d0, d1… (devices), a0… (a
 * segment's anchor inside its cluster cluster_s0…), edges p0… (paths) and x0… (a device's internet exposure);
 * names appear only inside quoted strings, escaped by audit_graph_escape. A path's end is, as for the checks
 * (check_net.c), a device, a segment (the edge then meets the cluster's border: compound=true with lhead/ltail) or
 * the internet. A segment of kind internet with no device in it is drawn as the one internet node.
 *
 * Findings are matched to what they are about without re-running a check: a path's findings carry the path's
 * place (FILE:LINE) and its subject "FROM → TO (SERVICE)", a device's carry its name as subject. Account and
 * policy findings (ACC-*, POL-*) have no place on a network diagram and are listed in a note.
 */
#include "graph.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RED "#cc0000"

/* ---- escaping ------------------------------------------------------------------------------------------------ */

/* The length of the valid UTF-8 sequence at s (1–4), or 0 when the bytes there are not one. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
	           : s[0] >= 0xe0 && s[0] <= 0xef ? 3
	           : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
	                                          : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0; /* overlong, surrogate */
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0; /* overlong, past U+10FFFF */
	return n;
}

void audit_graph_escape(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		if (*p == '"' || *p == '\\') {
			buf_addch(out, '\\');
			buf_addch(out, *p++);
		} else if (*p == '\n') {
			buf_adds(out, "\\n");
			p++;
		} else if (*p == '\r' && p[1] == '\n') {
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_add_utf8(out, 0xfffd);
			p++;
		} else {
			size_t n = utf8_len(p);
			if (!n) {
				buf_add_utf8(out, 0xfffd);
				p++;
			} else {
				buf_add(out, p, n);
				p += n;
			}
		}
	}
}

/* key="value", the value escaped. */
static void attr(struct buf *b, const char *key, const char *value)
{
	buf_addf(b, "%s=\"", key);
	audit_graph_escape(b, value);
	buf_adds(b, "\", ");
}

/* ---- what each finding is about ---------------------------------------------------------------------------- */

struct flist {
	size_t *v;
	size_t n, cap;
};

static void flist_add(struct flist *l, size_t i)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = lb_reallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = i;
}

struct gctx {
	const struct audit_inventory *inv;
	const struct audit_findings *f;
	const char **dev_names; /* sorted, for bsearch */
	size_t *dev_order;      /* dev_order[k]: the device of dev_names[k] */
	char **path_keys; /* "FILE:LINE\x1fFROM → TO (SERVICE)" of each path, as audit_add and check_net write them */
	size_t *path_order; /* paths sorted by key */
	size_t *dev_seg;    /* the segment of each device, or SIZE_MAX */
	size_t *seg_ndev;   /* the devices in each segment */
	struct flist *dev_f, *path_f, other;
	int internet; /* the internet node is drawn */
};

static struct gctx *sort_ctx;
static int by_dev_name(const void *a, const void *b)
{
	return strcmp(sort_ctx->inv->devices[*(const size_t *)a].name, sort_ctx->inv->devices[*(const size_t *)b].name);
}
static int by_path_key(const void *a, const void *b)
{
	return strcmp(sort_ctx->path_keys[*(const size_t *)a], sort_ctx->path_keys[*(const size_t *)b]);
}
static int cmp_cstr(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static size_t find_device(const struct gctx *g, const char *name)
{
	if (!name || !g->inv->ndevices)
		return SIZE_MAX;
	const char **hit = bsearch(name, g->dev_names, g->inv->ndevices, sizeof(*g->dev_names), cmp_cstr);
	return hit ? g->dev_order[hit - g->dev_names] : SIZE_MAX;
}

static size_t find_segment(const struct gctx *g, const char *name)
{
	for (size_t i = 0; name && i < g->inv->nsegments; i++)
		if (!strcmp(g->inv->segments[i].name, name))
			return i;
	return SIZE_MAX;
}

static char *path_key(const char *file, int line, const char *subject)
{
	struct buf b = {0};
	buf_addf(&b, "%s:%d\x1f%s", file ? file : "-", line, subject);
	return buf_detach(&b, NULL);
}

static int is_internet_seg(const struct gctx *g, size_t s)
{
	const struct audit_segment *seg = &g->inv->segments[s];
	return !g->seg_ndev[s] && ((seg->kind && !strcmp(seg->kind, "internet")) || !strcasecmp(seg->name, "internet"));
}

static void index_findings(struct gctx *g)
{
	const struct audit_inventory *inv = g->inv;
	sort_ctx = g;
	g->dev_order = lb_calloc(inv->ndevices + 1, sizeof(*g->dev_order));
	g->dev_names = lb_calloc(inv->ndevices + 1, sizeof(*g->dev_names));
	for (size_t i = 0; i < inv->ndevices; i++)
		g->dev_order[i] = i;
	if (inv->ndevices)
		qsort(g->dev_order, inv->ndevices, sizeof(*g->dev_order), by_dev_name);
	for (size_t i = 0; i < inv->ndevices; i++)
		g->dev_names[i] = inv->devices[g->dev_order[i]].name;
	g->path_keys = lb_calloc(inv->npaths + 1, sizeof(*g->path_keys));
	g->path_order = lb_calloc(inv->npaths + 1, sizeof(*g->path_order));
	for (size_t i = 0; i < inv->npaths; i++) {
		const struct audit_path *p = &inv->paths[i];
		char subj[512]; /* as check_net.c writes it, cut where it cuts it */
		snprintf(subj, sizeof(subj), "%s → %s (%s)", p->from, p->to, p->service);
		g->path_keys[i] = path_key(p->file, p->line, subj);
		g->path_order[i] = i;
	}
	if (inv->npaths)
		qsort(g->path_order, inv->npaths, sizeof(*g->path_order), by_path_key);
	g->dev_f = lb_calloc(inv->ndevices + 1, sizeof(*g->dev_f));
	g->path_f = lb_calloc(inv->npaths + 1, sizeof(*g->path_f));
	for (size_t i = 0; g->f && i < g->f->n; i++) {
		const struct audit_finding *x = &g->f->v[i];
		const char *id = x->check ? x->check->id : "";
		if (!strncmp(id, "ACC-", 4) || !strncmp(id, "POL-", 4)) {
			flist_add(&g->other, i);
			continue;
		}
		/* the path(s) with this place and subject: find the first in key order, then walk the equal ones */
		size_t hit = 0;
		char *key = NULL;
		const char *colon = x->where ? strrchr(x->where, ':') : NULL;
		if (colon && inv->npaths) {
			struct buf k = {0};
			buf_addf(&k, "%s\x1f%s", x->where, x->subject);
			key = buf_detach(&k, NULL);
			size_t lo = 0, hi = inv->npaths;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (strcmp(g->path_keys[g->path_order[mid]], key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < inv->npaths && !strcmp(g->path_keys[g->path_order[lo]], key); lo++, hit++)
				flist_add(&g->path_f[g->path_order[lo]], i);
		}
		free(key);
		if (hit)
			continue;
		size_t d = find_device(g, x->subject);
		if (d != SIZE_MAX)
			flist_add(&g->dev_f[d], i);
		else
			flist_add(&g->other, i);
	}
	g->dev_seg = lb_calloc(inv->ndevices + 1, sizeof(*g->dev_seg));
	g->seg_ndev = lb_calloc(inv->nsegments + 1, sizeof(*g->seg_ndev));
	for (size_t i = 0; i < inv->ndevices; i++) {
		g->dev_seg[i] = find_segment(g, inv->devices[i].segment);
		if (g->dev_seg[i] != SIZE_MAX)
			g->seg_ndev[g->dev_seg[i]]++;
	}
}

static void gctx_release(struct gctx *g)
{
	for (size_t i = 0; i < g->inv->npaths; i++)
		free(g->path_keys[i]), free(g->path_f[i].v);
	for (size_t i = 0; i < g->inv->ndevices; i++)
		free(g->dev_f[i].v);
	free(g->path_keys), free(g->path_order), free(g->path_f), free(g->dev_f), free(g->other.v);
	free(g->dev_order), free(g->dev_names), free(g->dev_seg), free(g->seg_ndev);
}

/* The distinct finding ids of l, in the findings' order (most severe first), joined by sep. */
static void ids_of(struct buf *b, const struct gctx *g, const struct flist *l, const char *sep)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *id = g->f->v[l->v[i]].check->id;
		size_t k = 0;
		while (k < i && strcmp(g->f->v[l->v[k]].check->id, id))
			k++;
		if (k == i)
			buf_addf(b, "%s%s", b->len ? sep : "", id);
	}
}

/* One line a finding: "ID (severity): title — evidence"; past TIP_MAX lines, how many more (audit check has them
 * all: a tooltip is not the place for 5,000 dormant accounts). */
#define TIP_MAX 40
static void findings_text(struct buf *b, const struct gctx *g, const struct flist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (i == TIP_MAX) {
			buf_addf(b, L_("\n… and %zu more (audit check)", "\n… ほか %zu 件 (audit check)"), l->n - i);
			break;
		}
		const struct audit_finding *x = &g->f->v[l->v[i]];
		buf_addf(b, "\n%s (%s): %s — %s", x->check->id, audit_severity_name(x->check->severity),
		         lb_tr(x->check->title_en, x->check->title_ja), x->evidence);
	}
}

/* ---- drawing ------------------------------------------------------------------------------------------------- */

struct dtype {
	const char *type, *shape, *style, *en, *ja;
};
static const struct dtype DTYPES[] = {
        {"server", "box3d", "filled", "server", "サーバ"},
        {"terminal", "box", "rounded,filled", "terminal", "端末"},
        {"network", "hexagon", "filled", "network device", "ネットワーク機器"},
        {"vpn", "octagon", "filled", "VPN / gateway", "VPN 装置"},
        {"storage", "cylinder", "filled", "storage", "ストレージ"},
        {"medical", "component", "filled", "medical device", "医療機器"},
        {NULL, "ellipse", "filled", "other", "その他"},
};

static const struct dtype *dtype_of(const char *type)
{
	const struct dtype *t = DTYPES;
	while (t->type && !(type && !strcmp(type, t->type)))
		t++;
	return t;
}

static const char *seg_fill(const char *kind)
{
	static const char *const k[][2] = {{"ehr", "#fff8dc"},       {"medical", "#f0fff0"},  {"backup", "#e6f2ff"},
	                                   {"vpn", "#f2f2f2"},       {"dmz", "#f2f2f2"},      {"contractor", "#fff0e6"},
	                                   {"guest", "#f2f2f2"},     {"internet", "#f2f2f2"}, {"office", "#f8f8ff"},
	                                   {"production", "#fff8dc"}};
	for (size_t i = 0; kind && i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(kind, k[i][0]))
			return k[i][1];
	return "#fafafa";
}

static void add_line(struct buf *b, const char *label, const char *v)
{
	if (v && *v)
		buf_addf(b, "\n%s: %s", label, v);
}

static void device_node(struct buf *o, const struct gctx *g, size_t i, const char *indent)
{
	const struct audit_device *d = &g->inv->devices[i];
	const struct dtype *t = dtype_of(d->type);
	const struct flist *l = &g->dev_f[i];
	struct buf label = {0}, tip = {0}, ids = {0};
	buf_adds(&label, d->name);
	struct buf what = {0};
	const char *parts[] = {d->vendor, d->product, d->version ? d->version : d->os};
	for (size_t k = 0; k < 3; k++)
		if (parts[k] && *parts[k])
			buf_addf(&what, "%s%s", what.len ? " " : "", parts[k]);
	if (what.len)
		buf_addf(&label, "\n%s", buf_cstr(&what));
	if (d->vendor_name && *d->vendor_name)
		buf_addf(&label, L_("\nmaintained by %s", "\n保守: %s"), d->vendor_name);
	ids_of(&ids, g, l, ", ");
	if (ids.len)
		buf_addf(&label, "\n[%s]", buf_cstr(&ids));
	buf_addf(&tip, "%s (%s)", d->name, lb_tr(t->en, t->ja));
	add_line(&tip, L_("segment", "セグメント"), d->segment);
	add_line(&tip, L_("model", "機種"), buf_cstr(&what));
	add_line(&tip, "OS", d->version ? d->os : NULL);
	add_line(&tip, L_("role", "役割"), d->role);
	add_line(&tip, L_("maintained by", "保守事業者"), d->vendor_name);
	add_line(&tip, L_("patched", "更新日"), d->patched);
	if (d->internet_facing == AUDIT_YES)
		buf_adds(&tip, L_("\ninternet-facing", "\nインターネットに公開"));
	if (d->remote_maintenance == AUDIT_YES)
		buf_adds(&tip, L_("\nremote maintenance", "\nリモート保守"));
	findings_text(&tip, g, l);
	buf_addf(o, "%sd%zu [id=\"d%zu\", shape=%s, ", indent, i, i, t->shape);
	attr(o, "label", buf_cstr(&label));
	attr(o, "tooltip", buf_cstr(&tip));
	if (l->n)
		buf_addf(o,
		         "class=\"finding\", style=\"%s,bold\", color=\"" RED "\", penwidth=3, fillcolor=\"#ffe5e5\", "
		         "fontcolor=\"#990000\"];\n",
		         t->style);
	else
		buf_addf(o, "style=\"%s\", fillcolor=\"%s\"];\n", t->style,
		         d->type && !strcmp(d->type, "medical") ? "#eaffea" : "white");
	buf_release(&label), buf_release(&tip), buf_release(&ids), buf_release(&what);
}

/* The DOT node an end of a path stands for, and the cluster its edge meets (or none). */
struct gend {
	char node[32];
	char cluster[32];
};

static struct gend end_of(const struct gctx *g, const char *name)
{
	struct gend e = {{0}, {0}};
	size_t d = strcasecmp(name, "internet") ? find_device(g, name) : SIZE_MAX;
	size_t s = d == SIZE_MAX && strcasecmp(name, "internet") ? find_segment(g, name) : SIZE_MAX;
	if (d != SIZE_MAX)
		snprintf(e.node, sizeof(e.node), "d%zu", d);
	else if (s != SIZE_MAX && !is_internet_seg(g, s)) {
		snprintf(e.node, sizeof(e.node), "a%zu", s);
		snprintf(e.cluster, sizeof(e.cluster), "cluster_s%zu", s);
	} else
		snprintf(e.node, sizeof(e.node), "internet");
	return e;
}

static void path_edge(struct buf *o, const struct gctx *g, size_t i)
{
	const struct audit_path *p = &g->inv->paths[i];
	const struct flist *l = &g->path_f[i];
	struct gend from = end_of(g, p->from), to = end_of(g, p->to);
	struct buf label = {0}, tip = {0}, ids = {0};
	buf_adds(&label, p->service);
	if (p->always_on == AUDIT_YES)
		buf_adds(&label, L_(", always on", "、常時接続"));
	if (p->writable == AUDIT_YES)
		buf_adds(&label, L_(", writable", "、書込可"));
	ids_of(&ids, g, l, "\n");
	if (ids.len)
		buf_addf(&label, "\n%s", buf_cstr(&ids));
	buf_addf(&tip, "%s → %s (%s)", p->from, p->to, p->service);
	add_line(&tip, L_("purpose", "目的"), p->purpose);
	add_line(&tip, L_("authentication", "認証"), p->auth);
	findings_text(&tip, g, l);
	buf_addf(o, "  %s -> %s [id=\"p%zu\", ", from.node, to.node, i);
	if (*from.cluster)
		buf_addf(o, "ltail=%s, ", from.cluster);
	if (*to.cluster)
		buf_addf(o, "lhead=%s, ", to.cluster);
	attr(o, "label", buf_cstr(&label));
	attr(o, "tooltip", buf_cstr(&tip));
	attr(o, "labeltooltip", buf_cstr(&tip));
	if (l->n)
		buf_adds(o, "class=\"finding\", color=\"" RED "\", fontcolor=\"" RED "\", penwidth=3, style=bold];\n");
	else
		buf_adds(o, "color=\"#333333\"];\n");
	buf_release(&label), buf_release(&tip), buf_release(&ids);
}

/* What has no place on the diagram (accounts, policies): a note listing them. */
static void other_note(struct buf *o, const struct gctx *g)
{
	if (!g->other.n)
		return;
	struct buf head = {0}, tip = {0};
	buf_addf(&head, L_("%zu findings on accounts and policies", "アカウント・ポリシーの指摘 %zu 件"), g->other.n);
	buf_adds(o, "  other [id=\"other\", shape=note, class=\"finding\", style=\"filled,bold\", color=\"" RED
	            "\", fillcolor=\"#fff5f5\", label=\"");
	audit_graph_escape(o, buf_cstr(&head));
	buf_adds(o, "\\l");
	size_t shown = g->other.n < 12 ? g->other.n : 12;
	for (size_t i = 0; i < shown; i++) {
		const struct audit_finding *x = &g->f->v[g->other.v[i]];
		struct buf line = {0};
		buf_addf(&line, "%s  %s", x->check->id, x->subject);
		audit_graph_escape(o, buf_cstr(&line));
		buf_adds(o, "\\l");
		buf_release(&line);
	}
	if (g->other.n > shown) {
		struct buf more = {0};
		buf_addf(&more, L_("… and %zu more (audit check)", "… ほか %zu 件 (audit check)"), g->other.n - shown);
		audit_graph_escape(o, buf_cstr(&more));
		buf_adds(o, "\\l");
		buf_release(&more);
	}
	buf_adds(o, "\", ");
	buf_adds(&tip, buf_cstr(&head));
	findings_text(&tip, g, &g->other);
	attr(o, "tooltip", buf_cstr(&tip));
	buf_adds(o, "];\n");
	buf_release(&head), buf_release(&tip);
}

static void legend(struct buf *o)
{
	buf_adds(o,
	         "  subgraph cluster_legend {\n    id=\"legend\"; style=\"rounded\"; color=\"#999999\"; fontsize=12; ");
	attr(o, "label", L_("Legend", "凡例"));
	buf_truncate(o, o->len - 2); /* attr's ", " */
	buf_adds(o, ";\n    node [fontsize=9, width=0.3, height=0.3];\n");
	for (const struct dtype *t = DTYPES; t->type; t++) {
		buf_addf(o, "    legend_%s [id=\"legend_%s\", shape=%s, style=\"%s\", fillcolor=white, ", t->type,
		         t->type, t->shape, t->style);
		attr(o, "label", lb_tr(t->en, t->ja));
		buf_adds(o, "];\n");
	}
	buf_adds(o, "    legend_internet [id=\"legend_internet\", shape=ellipse, style=\"filled,dashed\", "
	            "fillcolor=\"#e8f0ff\", ");
	attr(o, "label", L_("internet", "インターネット"));
	buf_adds(o, "];\n    legend_finding [id=\"legend_finding\", shape=box, style=\"filled,bold\", color=\"" RED
	            "\", penwidth=3, fillcolor=\"#ffe5e5\", fontcolor=\"#990000\", ");
	attr(o, "label", L_("finding of audit check\n[finding ids]", "audit check の指摘あり\n[指摘 ID]"));
	buf_adds(o, "];\n    legend_server -> legend_terminal -> legend_network -> legend_vpn -> legend_storage -> "
	            "legend_medical -> legend_internet -> legend_finding [style=invis];\n");
	for (char c = 'a'; c <= 'f'; c++)
		buf_addf(o, "    legend_%c [id=\"legend_%c\", shape=point, width=0.08, label=\"\"];\n", c, c);
	buf_adds(o, "    legend_a -> legend_b [color=\"#333333\", ");
	attr(o, "label", L_("path (service)", "経路 (サービス)"));
	buf_adds(o, "];\n    legend_c -> legend_d [color=\"" RED "\", fontcolor=\"" RED "\", penwidth=3, style=bold, ");
	attr(o, "label", L_("path with a finding", "指摘のある経路"));
	buf_adds(o, "];\n    legend_e -> legend_f [style=dashed, color=\"#888888\", ");
	attr(o, "label", L_("internet-facing", "インターネットに公開"));
	buf_adds(o, "];\n  }\n");
}

size_t audit_graph_dot(struct buf *out, const struct audit_inventory *inv, const struct audit_findings *f,
                       const char *today)
{
	struct gctx g = {.inv = inv, .f = f};
	index_findings(&g);
	size_t marked = 0;
	for (size_t i = 0; i < inv->ndevices; i++)
		marked += g.dev_f[i].n;
	for (size_t i = 0; i < inv->npaths; i++)
		marked += g.path_f[i].n;
	struct buf title = {0};
	buf_addf(&title, "%s\n", inv->hospital && *inv->hospital ? inv->hospital : inv->file ? inv->file : "");
	buf_addf(&title,
	         L_("network diagram — inventory of %s, drawn %s; %zu findings (audit check)",
	            "ネットワーク構成図 — %s 時点の構成、%s 作成、指摘 %zu 件 (audit check)"),
	         inv->checked ? inv->checked : "-", today ? today : "-", f ? f->n : 0);
	buf_adds(out, "// lifeboat audit graph: the inventory's devices, segments and paths (docs/inventory.md)\n");
	buf_adds(out, "digraph lifeboat_audit {\n  graph [charset=\"UTF-8\", rankdir=LR, compound=true, newrank=true, "
	              "nodesep=0.35, ranksep=0.9, labelloc=t, fontsize=16, fontname=\"" AUDIT_GRAPH_FONT "\", ");
	attr(out, "label", buf_cstr(&title));
	attr(out, "tooltip", buf_cstr(&title));
	buf_adds(out, "];\n  node [fontname=\"" AUDIT_GRAPH_FONT "\", fontsize=11, style=filled, fillcolor=white];\n"
	              "  edge [fontname=\"" AUDIT_GRAPH_FONT "\", fontsize=10];\n");
	buf_release(&title);

	/* the internet node: named by a path, stood for by an empty internet segment, or behind an exposed device */
	for (size_t i = 0; i < inv->npaths && !g.internet; i++)
		g.internet = !strcmp(end_of(&g, inv->paths[i].from).node, "internet") ||
		             !strcmp(end_of(&g, inv->paths[i].to).node, "internet");
	for (size_t i = 0; i < inv->nsegments && !g.internet; i++)
		g.internet = is_internet_seg(&g, i);
	for (size_t i = 0; i < inv->ndevices && !g.internet; i++)
		g.internet = inv->devices[i].internet_facing == AUDIT_YES;
	if (g.internet) {
		buf_adds(
		        out,
		        "  internet [id=\"internet\", shape=ellipse, style=\"filled,dashed\", fillcolor=\"#e8f0ff\", ");
		attr(out, "label", L_("Internet", "インターネット"));
		buf_adds(out, "];\n");
	}
	for (size_t s = 0; s < inv->nsegments; s++) {
		const struct audit_segment *seg = &inv->segments[s];
		if (is_internet_seg(&g, s))
			continue;
		struct buf label = {0};
		buf_addf(&label, "%s (%s)", seg->name, seg->kind ? seg->kind : "-");
		if (seg->description && *seg->description)
			buf_addf(&label, "\n%s", seg->description);
		buf_addf(out,
		         "  subgraph cluster_s%zu {\n    id=\"s%zu\"; style=\"rounded,filled\"; color=\"#777777\"; "
		         "fillcolor=\"%s\"; fontsize=12; ",
		         s, s, seg_fill(seg->kind));
		attr(out, "label", buf_cstr(&label));
		buf_truncate(out, out->len - 2); /* attr's ", " */
		buf_addf(out, ";\n    a%zu [shape=point, style=invis, width=0.01, height=0.01, label=\"\"];\n", s);
		for (size_t i = 0; i < inv->ndevices; i++)
			if (g.dev_seg[i] == s)
				device_node(out, &g, i, "    ");
		/* the anchor before its devices, so that the diagram reads left to right along the paths */
		for (size_t i = 0; i < inv->ndevices; i++)
			if (g.dev_seg[i] == s)
				buf_addf(out, "    a%zu -> d%zu [style=invis];\n", s, i);
		buf_adds(out, "  }\n");
		buf_release(&label);
	}
	for (size_t i = 0; i < inv->ndevices; i++)
		if (g.dev_seg[i] == SIZE_MAX)
			device_node(out, &g, i, "  ");
	for (size_t i = 0; i < inv->npaths; i++)
		path_edge(out, &g, i);
	for (size_t i = 0; i < inv->ndevices; i++)
		if (inv->devices[i].internet_facing == AUDIT_YES) {
			buf_addf(out, "  internet -> d%zu [id=\"x%zu\", style=dashed, color=\"#888888\", ", i, i);
			attr(out, "tooltip", L_("internet-facing", "インターネットに公開"));
			buf_adds(out, "];\n");
		}
	other_note(out, &g);
	legend(out);
	buf_addf(out, "  // %zu devices, %zu segments, %zu paths; %zu findings, %zu of them marked on the diagram\n}\n",
	         inv->ndevices, inv->nsegments, inv->npaths, f ? f->n : 0, marked);
	gctx_release(&g);
	return marked;
}
