/*
 * ytree.c - the compact YAML tree of ytree.h, built from libyaml's events in one pass: a stack of the containers
 * still open, each new node appended to the top one's list of children (or made the root). A second document is
 * not read: its first node's line is kept for the loader's error.
 */
#include "ytree.h"

#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static uint32_t add_node(struct ytree *t, int type, int line)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->v = lb_reallocarray(t->v, t->cap, sizeof(*t->v));
	}
	if (!t->n)
		memset(&t->v[t->n++], 0, sizeof(*t->v)); /* node 0: none */
	struct ytree_node *x = &t->v[t->n];
	memset(x, 0, sizeof(*x));
	x->type = (uint8_t)type;
	x->line = line;
	return (uint32_t)t->n++;
}

static void attach(struct ytree *t, uint32_t parent, uint32_t child)
{
	struct ytree_node *p = &t->v[parent];
	if (p->last)
		t->v[p->last].next = child;
	else
		p->first = child;
	p->last = child;
	p->count++;
}

int ytree_load(struct ytree *t, const char *data, size_t len)
{
	memset(t, 0, sizeof(*t));
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		snprintf(t->problem, sizeof(t->problem), "libyaml cannot start");
		t->problem_line = 1;
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	uint32_t *stack = NULL;
	size_t depth = 0, scap = 0;
	int docs = 0, rc = 0, done = 0;
	while (!done) {
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e)) {
			snprintf(t->problem, sizeof(t->problem), "%s%s%s", p.problem ? p.problem : "?",
			         p.context && docs < 2 ? ", " : "", p.context && docs < 2 ? p.context : "");
			t->problem_line = (int)p.problem_mark.line + 1;
			rc = docs < 2 ? -1 : 0;
			break;
		}
		int line = (int)e.start_mark.line + 1, type = 0;
		switch (e.type) {
		case YAML_DOCUMENT_START_EVENT:
			docs++;
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_SCALAR_EVENT:
			type = YT_SCALAR;
			break;
		case YAML_SEQUENCE_START_EVENT:
			type = YT_SEQUENCE;
			break;
		case YAML_MAPPING_START_EVENT:
			type = YT_MAPPING;
			break;
		case YAML_ALIAS_EVENT:
			type = YT_ALIAS;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth)
				depth--;
			break;
		default:
			break;
		}
		if (type && docs >= 2) {
			t->second_doc_line = line; /* the second document is not read */
			done = 1;
		} else if (type) {
			uint32_t k = add_node(t, type, line);
			if (type == YT_SCALAR) {
				t->v[k].value = (char *)e.data.scalar.value; /* taken over from the event */
				t->v[k].len = e.data.scalar.length;
				e.data.scalar.value = NULL;
			}
			if (depth)
				attach(t, stack[depth - 1], k);
			else if (!t->root)
				t->root = k;
			if (type == YT_SEQUENCE || type == YT_MAPPING) {
				if (depth == scap) {
					scap = scap ? scap * 2 : 64;
					stack = lb_reallocarray(stack, scap, sizeof(*stack));
				}
				stack[depth++] = k;
			}
		}
		yaml_event_delete(&e);
	}
	free(stack);
	yaml_parser_delete(&p);
	return rc;
}

void ytree_release(struct ytree *t)
{
	for (size_t i = 1; i < t->n; i++)
		if (t->v[i].type == YT_SCALAR)
			free(t->v[i].value); /* libyaml allocates with malloc */
	free(t->v);
	memset(t, 0, sizeof(*t));
}
