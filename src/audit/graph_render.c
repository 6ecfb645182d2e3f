/*
 * graph_render.c - DOT laid out and drawn in process by Graphviz's libgvc (graph.h): agmemread, gvLayout "dot",
 * gvRenderData into memory, so that the caller writes the file atomically (a half-drawn diagram never replaces a
 * good one). Graphviz reports through agerr to stderr; its messages are caught here instead and returned as the
 * error's detail, warnings (an edge meeting a cluster it starts in, say) dropped.
 */
#include "graph.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdlib.h>
#include <string.h>

static struct buf gv_msgs;

static int gv_error(char *msg)
{
	if (gv_msgs.len < 2048)
		buf_adds(&gv_msgs, msg);
	return 0;
}

int audit_graph_format_ok(const char *format)
{
	return format && (!strcmp(format, "svg") || !strcmp(format, "png"));
}

int audit_graph_render(struct buf *out, const char *dot, const char *format)
{
	if (!audit_graph_format_ok(format))
		return lb_error_tr(LB_EINVAL, "cannot draw the format '%s' (svg, png)",
		                   "形式 '%s' は描画できません (svg, png)", format ? format : "");
	buf_reset(&gv_msgs);
	agseterr(AGERR);
	agusererrf old = agseterrf(gv_error);
	GVC_t *gvc = gvContext();
	int rc = 0;
	Agraph_t *g = gvc ? agmemread(dot) : NULL;
	if (!gvc)
		rc = lb_error_tr(LB_EIO, "cannot start Graphviz", "Graphviz を開始できません");
	else if (!g)
		rc = lb_error_tr(LB_EINVAL, "Graphviz cannot read the diagram: %s", "Graphviz が構成図を読めません: %s",
		                 gv_msgs.len ? buf_cstr(&gv_msgs) : "-");
	else if (gvLayout(gvc, g, "dot") != 0)
		rc = lb_error_tr(LB_EIO, "Graphviz cannot lay out the diagram: %s",
		                 "Graphviz が構成図を配置できません: %s", gv_msgs.len ? buf_cstr(&gv_msgs) : "-");
	else {
		char *data = NULL;
		unsigned int len = 0;
		if (gvRenderData(gvc, g, format, &data, &len) != 0 || !data || !len)
			rc = lb_error_tr(LB_EIO, "Graphviz cannot draw the diagram as %s: %s",
			                 "Graphviz が構成図を %s で描画できません: %s", format,
			                 gv_msgs.len ? buf_cstr(&gv_msgs) : "-");
		else
			buf_add(out, data, len);
		if (data)
			gvFreeRenderData(data);
		gvFreeLayout(gvc, g);
	}
	if (g)
		agclose(g);
	if (gvc)
		gvFreeContext(gvc);
	agseterrf(old);
	buf_release(&gv_msgs);
	return rc;
}
