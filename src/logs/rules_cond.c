/*
 * rules_cond.c - Sigma's condition: `sel1 and not (filter_a or filter_b)`, `1 of sel_*`, `all of them`.
 *
 * Grammar (precedence not > and > or, as Sigma's):
 *   expr := and ('or' and)* ; and := unary ('and' unary)* ; unary := 'not' unary | prim
 *   prim := '(' expr ')' | ('1'|N|'all') 'of' (pattern|'them') | name
 * A pattern's * matches any run of characters; `them` names every selection whose name does not start with '_'.
 * Sigma 1's aggregations (`| count() by x`) are refused by name: Sigma 2 correlations replace them.
 */
#include "logs/rules_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define COND_DEPTH 64

struct cp {
	const char *s;
	size_t i, n;
	const struct lr_sel *sels;
	size_t nsels;
	const char *feature, *why;
	int depth;
	char tok[128];
	size_t toklen;
};

static int word_char(int c)
{
	return isalnum(c) || c == '_' || c == '*' || c == '-' || c == '.';
}

/* The next token into p->tok ("" at the end); returns its length, -1 on an error. */
static int peek(struct cp *p, size_t *after)
{
	size_t i = p->i;
	while (i < p->n && isspace((unsigned char)p->s[i]))
		i++;
	p->toklen = 0;
	p->tok[0] = 0;
	if (i >= p->n) {
		*after = i;
		return 0;
	}
	char c = p->s[i];
	if (c == '(' || c == ')') {
		p->tok[0] = c;
		p->tok[1] = 0;
		p->toklen = 1;
		*after = i + 1;
		return 1;
	}
	if (c == '|') {
		p->feature = "aggregation in condition (|)";
		return -1;
	}
	size_t a = i;
	while (i < p->n && word_char((unsigned char)p->s[i]))
		i++;
	if (i == a || i - a >= sizeof p->tok) {
		p->why = L_("unexpected character in condition", "condition に使えない文字があります");
		return -1;
	}
	memcpy(p->tok, p->s + a, i - a);
	p->tok[i - a] = 0;
	p->toklen = i - a;
	*after = i;
	return (int)p->toklen;
}

static int accept(struct cp *p, const char *w)
{
	size_t after;
	if (peek(p, &after) <= 0 || strcmp(p->tok, w) != 0)
		return 0;
	p->i = after;
	return 1;
}

/* A selection-name pattern: * is any run (iterative, linear-ish: a name may be long, a pattern many stars). */
static int wild(const char *p, const char *s)
{
	const char *star = NULL, *mark = NULL;
	while (*s) {
		if (*p == '*') {
			star = ++p;
			mark = s;
		} else if (*p == *s) {
			p++, s++;
		} else if (star) {
			p = star;
			s = ++mark;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == 0;
}

static struct lr_node *node(enum lr_ntype t)
{
	struct lr_node *n = lb_calloc(1, sizeof *n);
	n->type = t;
	return n;
}

static struct lr_node *expr(struct cp *p);

static struct lr_node *prim(struct cp *p)
{
	size_t after;
	int r = peek(p, &after);
	if (r < 0)
		return NULL;
	if (r == 0) {
		p->why = L_("condition ends too early", "condition が途中で終わっています");
		return NULL;
	}
	if (strcmp(p->tok, "(") == 0) {
		p->i = after;
		struct lr_node *e = expr(p);
		if (!e)
			return NULL;
		if (!accept(p, ")")) {
			lr_node_free(e);
			if (!p->feature && !p->why)
				p->why = L_("missing ')' in condition", "condition に ')' がありません");
			return NULL;
		}
		return e;
	}
	if (strcmp(p->tok, ")") == 0 || strcmp(p->tok, "and") == 0 || strcmp(p->tok, "or") == 0 ||
	    strcmp(p->tok, "of") == 0) {
		p->why = L_("unexpected word in condition", "condition に予期しない語があります");
		return NULL;
	}
	char first[128];
	memcpy(first, p->tok, p->toklen + 1);
	p->i = after;
	size_t a2;
	if (peek(p, &a2) > 0 && strcmp(p->tok, "of") == 0) {
		p->i = a2;
		size_t need = 0;
		if (strcmp(first, "all") != 0) {
			char *end;
			long k = strtol(first, &end, 10);
			if (*end || k < 1) {
				p->why = L_("'of' after something that is not 'all' or a number",
				            "'of' の前が 'all' でも数でもありません");
				return NULL;
			}
			need = (size_t)k;
		}
		if (peek(p, &a2) <= 0 || strcmp(p->tok, "(") == 0 || strcmp(p->tok, ")") == 0) {
			p->why = L_("'of' needs a selection pattern or 'them'",
			            "'of' の後に選択の名前のパターンか 'them' が必要です");
			return NULL;
		}
		p->i = a2;
		struct lr_node *n = node(LR_N_OF);
		n->need = need;
		n->sels = lb_calloc(p->nsels + 1, sizeof *n->sels);
		int them = strcmp(p->tok, "them") == 0;
		for (size_t k = 0; k < p->nsels; k++)
			if (them ? p->sels[k].name[0] != '_' : wild(p->tok, p->sels[k].name))
				n->sels[n->nsels++] = (int)k;
		if (n->nsels == 0) {
			lr_node_free(n);
			p->why = L_("'of' pattern names no selection", "'of' のパターンに合う選択がありません");
			return NULL;
		}
		return n;
	}
	for (size_t k = 0; k < p->nsels; k++)
		if (strcmp(p->sels[k].name, first) == 0) {
			struct lr_node *n = node(LR_N_SEL);
			n->sel = (int)k;
			return n;
		}
	p->why = L_("condition names a selection the detection does not define",
	            "condition が detection にない選択を指しています");
	return NULL;
}

static struct lr_node *unary(struct cp *p)
{
	if (++p->depth > COND_DEPTH) {
		p->why = L_("condition nested too deep", "condition の入れ子が深すぎます");
		return NULL;
	}
	struct lr_node *r;
	if (accept(p, "not")) {
		struct lr_node *a = unary(p);
		if (!a)
			return NULL;
		r = node(LR_N_NOT);
		r->a = a;
	} else {
		r = prim(p);
	}
	p->depth--;
	return r;
}

static struct lr_node *binary(struct cp *p, const char *op, enum lr_ntype t, struct lr_node *(*sub)(struct cp *))
{
	struct lr_node *l = sub(p);
	while (l && accept(p, op)) {
		struct lr_node *r = sub(p);
		if (!r) {
			lr_node_free(l);
			return NULL;
		}
		struct lr_node *n = node(t);
		n->a = l;
		n->b = r;
		l = n;
	}
	return l;
}

static struct lr_node *andx(struct cp *p)
{
	return binary(p, "and", LR_N_AND, unary);
}

static struct lr_node *expr(struct cp *p)
{
	if (++p->depth > COND_DEPTH) {
		p->why = L_("condition nested too deep", "condition の入れ子が深すぎます");
		return NULL;
	}
	struct lr_node *r = binary(p, "or", LR_N_OR, andx);
	p->depth--;
	return r;
}

struct lr_node *lr_cond_parse(const char *s, const struct lr_sel *sels, size_t nsels, const char **feature,
                              const char **why)
{
	struct cp p = {.s = s, .n = strlen(s), .sels = sels, .nsels = nsels};
	struct lr_node *n = expr(&p);
	size_t after;
	if (n && peek(&p, &after) != 0) {
		lr_node_free(n);
		n = NULL;
		if (!p.feature && !p.why)
			p.why = L_("unexpected words after the condition", "condition の後に余分な語があります");
	}
	if (!n) {
		*feature = p.feature;
		*why = p.why ? p.why : (p.feature ? NULL : L_("bad condition", "condition が正しくありません"));
	}
	return n;
}

void lr_node_free(struct lr_node *n)
{
	if (!n)
		return;
	lr_node_free(n->a);
	lr_node_free(n->b);
	free(n->sels);
	free(n);
}
