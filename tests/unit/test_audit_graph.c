/*
 * test_audit_graph.c - the DOT escaping of src/audit/graph.c (issue 17): what the inventory loader lets through and
 * what it does not (newlines, carriage returns, control characters, bytes that are not UTF-8: the escape must not
 * rely on the loader) becomes text inside one quoted string, never the end of it nor one of Graphviz's escapes;
 * Graphviz itself parses the result and draws the text back as it was written (SVG, in process).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "audit/graph.h"

#include <stdlib.h>
#include <string.h>

static char *esc(const char *s)
{
	struct buf b = {0};
	audit_graph_escape(&b, s);
	return buf_detach(&b, NULL);
}

static void test_escape(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
	        {"plain", "plain"},
	        {"q\"uote", "q\\\"uote"},
	        {"back\\slash", "back\\\\slash"},
	        {"\\N \\G \\l \\E", "\\\\N \\\\G \\\\l \\\\E"},
	        {"ends with \\", "ends with \\\\"},
	        {"two\nlines", "two\\nlines"},
	        {"crlf\r\nline", "crlf\\nline"},
	        {"tab\there", "tab\xef\xbf\xbdhere"},
	        {"bell\a del\x7f", "bell\xef\xbf\xbd del\xef\xbf\xbd"},
	        {"電子カルテ LAN", "電子カルテ LAN"},
	        {"bad \xff utf8 \xe3\x81", "bad \xef\xbf\xbd utf8 \xef\xbf\xbd\xef\xbf\xbd"},
	        {"overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd"},
	        {"surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	        {"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = esc(cases[i].in);
		if (strcmp(got, cases[i].out))
			fail_msg("escape of case %zu: got '%s', want '%s'", i, got, cases[i].out);
		free(got);
	}
}

/* Graphviz reads a label holding each hostile string and draws exactly its text (the newline as a second line). */
static void test_graphviz_reads_it_back(void **state)
{
	(void)state;
	const char *names[] = {"q\"uote\\back\\Nslash", "端末\"}; x -> y; {\"", "a\"]; evil [label=\"x", "out\\"};
	struct buf dot = {0};
	buf_adds(&dot, "digraph t {\n");
	for (size_t i = 0; i < 4; i++) {
		buf_addf(&dot, "  n%zu [fontname=\"" AUDIT_GRAPH_FONT "\", label=\"", i);
		audit_graph_escape(&dot, names[i]);
		buf_adds(&dot, "\"];\n");
	}
	buf_adds(&dot, "  n9 [label=\"");
	audit_graph_escape(&dot, "line1\nline2");
	buf_adds(&dot, "\"];\n}\n");
	struct buf svg = {0};
	assert_int_equal(audit_graph_render(&svg, buf_cstr(&dot), "svg"), 0);
	const char *s = buf_cstr(&svg);
	/* Graphviz writes text XML-escaped: " as &quot;, - as &#45; */
	assert_non_null(strstr(s, ">q&quot;uote\\back\\Nslash</text>"));
	assert_non_null(strstr(s, ">端末&quot;}; x &#45;&gt; y; {&quot;</text>"));
	assert_non_null(strstr(s, ">a&quot;]; evil [label=&quot;x</text>"));
	assert_non_null(strstr(s, ">out\\</text>"));
	assert_non_null(strstr(s, ">line1</text>"));
	assert_non_null(strstr(s, ">line2</text>"));
	assert_null(strstr(s, "<title>x</title>")); /* no node x or y was made */
	assert_null(strstr(s, "<title>evil</title>"));
	buf_release(&svg);

	/* DOT that does not parse is an error with Graphviz's reason, and nothing drawn */
	assert_int_equal(audit_graph_render(&svg, "digraph { a -> [ }", "svg"), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "syntax error"));
	assert_int_equal(svg.len, 0);
	assert_int_equal(audit_graph_render(&svg, buf_cstr(&dot), "gif"), -LB_EINVAL);
	buf_release(&dot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_escape),
	                                   cmocka_unit_test(test_graphviz_reads_it_back)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
