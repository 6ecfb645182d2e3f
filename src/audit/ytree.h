/*
 * ytree.h - a compact YAML tree for the inventory loader (load.c). Internal to src/audit/.
 *
 * libyaml's document API (yaml_parser_load) keeps a 96-byte node and a growable item stack per node: for a
 * 5,000-device, 50,000-account inventory that is 600,000 nodes, 60 MB touched and six times the time the parse
 * itself takes (bench/audit). This tree is built from libyaml's events instead: one array of small nodes, each
 * container's children a linked list through the array, each scalar's text taken over from its event (not
 * copied). Aliases are kept as nodes of their own (YT_ALIAS) so that the loader refuses them where they stand.
 */
#ifndef LB_AUDIT_YTREE_H
#define LB_AUDIT_YTREE_H

#include <stddef.h>
#include <stdint.h>

enum ytree_type { YT_SCALAR = 1, YT_SEQUENCE, YT_MAPPING, YT_ALIAS };

#define YT_NONE 0u /* no node: node 0 is never used */

struct ytree_node {
	uint8_t type;         /* enum ytree_type */
	int line;             /* 1-based line of the node's start */
	char *value;          /* YT_SCALAR: the text, NUL-terminated (owned by the tree) */
	size_t len;           /* YT_SCALAR: its length in bytes (a NUL inside shows as strlen(value) != len) */
	uint32_t first, last; /* containers: first and last child; a mapping's children alternate key, value */
	uint32_t next;        /* the next sibling */
	uint32_t count;       /* containers: the number of children */
};

struct ytree {
	struct ytree_node *v; /* v[1..n-1]; v[0] unused */
	size_t n, cap;
	uint32_t root;       /* the first document's root, YT_NONE for an empty file */
	int second_doc_line; /* a second document's line, 0 when there is none */
	/* a syntax error: the problem and its context as libyaml words them, and the line */
	char problem[256];
	int problem_line;
};

/* Parse data (UTF-8) into t. Returns 0, or -1 on a YAML syntax error (t->problem, t->problem_line; t holds what
 * was read before it and must still be released). */
int ytree_load(struct ytree *t, const char *data, size_t len);
void ytree_release(struct ytree *t);

#endif
