/*
 * rules_load.c - Sigma 2.x rules from YAML (libyaml's document API): one rule or correlation per document.
 *
 * A document is read whole into a struct logs_rule (or logs_corr) and added only when all of it is understood;
 * an unsupported feature or a malformed part skips that document with file:line and the reason (rs->skipped).
 * A YAML syntax error ends its file there (libyaml cannot resume a stream), the documents before it stay loaded.
 * The Japanese title: `title_ja:` at the top, or `lifeboat: {title_ja: …}` (Sigma's custom attributes).
 */
#include "logs/rules_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define RULE_FILE_MAX (8u << 20)
#define DOC_VALUES_MAX 20000

struct ld {
	yaml_document_t *doc;
	const char *file;
	unsigned line; /* of the part being read, for the skip entry */
	const char *feature, *why;
	char featbuf[80]; /* the feature's name outlives the key it was cut from */
	size_t nvalues;
};

static yaml_node_t *get(struct ld *d, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d->doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d->doc, p->value);
	}
	return NULL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static char *dupscalar(yaml_node_t *n)
{
	const char *s = scalar(n);
	return s ? lb_strdup(s) : NULL;
}

static int is_null(yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL") || !strcmp(s, "~");
}

static int fail(struct ld *d, yaml_node_t *n, const char *why)
{
	if (n)
		d->line = (unsigned)n->start_mark.line + 1;
	d->why = why;
	return -1;
}

static int unsupported(struct ld *d, yaml_node_t *n, const char *feature)
{
	if (n)
		d->line = (unsigned)n->start_mark.line + 1;
	snprintf(d->featbuf, sizeof d->featbuf, "%s", feature);
	d->feature = d->featbuf;
	return -1;
}

/* A scalar or a list of scalars as a string array (tags, rules, group-by). */
static int strlist(struct ld *d, yaml_node_t *n, char ***out, size_t *nout, size_t max)
{
	if (!n)
		return 0;
	if (n->type == YAML_SCALAR_NODE) {
		*out = lb_calloc(1, sizeof **out);
		(*out)[(*nout)++] = lb_strdup(scalar(n));
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(d, n, L_("expected a list of words", "単語のリストが必要です"));
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt > max)
		return fail(d, n, L_("list too long", "リストが長すぎます"));
	*out = lb_calloc(cnt + 1, sizeof **out);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const char *s = scalar(yaml_document_get_node(d->doc, *it));
		if (!s)
			return fail(d, n, L_("expected a list of words", "単語のリストが必要です"));
		(*out)[(*nout)++] = lb_strdup(s);
	}
	return 0;
}

/* ---- detection ----------------------------------------------------------------------------------------------- */

static void item_release(struct lr_item *it)
{
	for (size_t i = 0; i < it->nv; i++)
		lr_val_release(&it->v[i]);
	free(it->v);
	free(it->field);
}

/* One value node (scalar or null) into the item, expanded by base64offset/windash. */
static int add_value(struct ld *d, struct lr_item *it, yaml_node_t *vn, char **mods, size_t nmods, int keyword)
{
	if (vn->type != YAML_SCALAR_NODE)
		return unsupported(d, vn, "nested map or list as a value");
	int nul = is_null(vn);
	const char *s = (const char *)vn->data.scalar.value;
	size_t n = vn->data.scalar.length;
	char *var[16];
	size_t varlen[16];
	int nvar = 1;
	var[0] = (char *)s;
	varlen[0] = n;
	int expanded = 0;
	for (size_t i = 0; i < nmods; i++)
		if (!strcmp(mods[i], "windash") || !strcmp(mods[i], "base64offset") || !strcmp(mods[i], "base64"))
			expanded = 1;
	if (expanded && !nul) {
		if (it->all)
			return unsupported(d, vn, "all with base64, base64offset or windash");
		nvar = lr_expand(s, n, mods, nmods, var, varlen);
	}
	int rc = 0;
	for (int k = 0; k < nvar; k++) {
		if (++d->nvalues > DOC_VALUES_MAX) {
			rc = fail(d, vn, L_("too many values in one rule", "1 つのルールの値が多すぎます"));
		} else if (rc == 0) {
			it->v = lb_reallocarray(it->v, it->nv + 1, sizeof *it->v);
			const char *feat = NULL, *why = NULL;
			if (lr_val_compile(&it->v[it->nv], var[k], varlen[k], nul, mods, nmods, keyword, &feat, &why) <
			    0) {
				rc = feat ? unsupported(d, vn, feat) : fail(d, vn, why);
			} else {
				it->nv++;
			}
		}
		if (expanded && !nul)
			free(var[k]);
	}
	return rc;
}

/* `field|mod|mod: value-or-list` */
static int read_item(struct ld *d, struct lr_item *it, const char *key, yaml_node_t *kn, yaml_node_t *vn)
{
	memset(it, 0, sizeof *it);
	char *k = lb_strdup(key), *mods[16];
	size_t nmods = 0;
	char *bar = strchr(k, '|');
	if (bar) {
		*bar = 0;
		for (char *m = bar + 1; m;) {
			char *next = strchr(m, '|');
			if (next)
				*next++ = 0;
			if (nmods == LB_ARRAY_LEN(mods)) {
				free(k);
				return fail(d, kn, L_("too many modifiers", "修飾子が多すぎます"));
			}
			mods[nmods++] = m;
			m = next;
		}
	}
	int keyword = !*k;
	it->field = keyword ? NULL : lb_strdup(k);
	it->flen = strlen(k);
	it->pseudo = !keyword && !strncmp(k, "lifeboat.", 9);
	for (size_t i = 0; i < nmods; i++)
		if (!strcmp(mods[i], "all"))
			it->all = 1;
	int rc = 0;
	if (vn->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *p = vn->data.sequence.items.start; rc == 0 && p < vn->data.sequence.items.top;
		     p++)
			rc = add_value(d, it, yaml_document_get_node(d->doc, *p), mods, nmods, keyword);
		if (rc == 0 && it->nv == 0)
			rc = fail(d, vn, L_("an empty list of values", "値のリストが空です"));
	} else {
		rc = add_value(d, it, vn, mods, nmods, keyword);
	}
	free(k);
	return rc;
}

static int read_map_alt(struct ld *d, struct lr_alt *alt, yaml_node_t *m)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(d->doc, p->key),
		            *vn = yaml_document_get_node(d->doc, p->value);
		if (!scalar(kn) || !vn)
			return fail(d, m,
			            L_("a selection's keys must be field names",
			               "選択のキーはフィールド名でなければなりません"));
		alt->items = lb_reallocarray(alt->items, alt->n + 1, sizeof *alt->items);
		if (read_item(d, &alt->items[alt->n], scalar(kn), kn, vn) < 0) {
			item_release(&alt->items[alt->n]);
			return -1;
		}
		alt->n++;
	}
	if (alt->n == 0)
		return fail(d, m, L_("an empty selection", "選択が空です"));
	return 0;
}

static void sel_release(struct lr_sel *s)
{
	for (size_t a = 0; a < s->nalt; a++) {
		for (size_t i = 0; i < s->alt[a].n; i++)
			item_release(&s->alt[a].items[i]);
		free(s->alt[a].items);
	}
	free(s->alt);
	free(s->name);
}

static int read_sel(struct ld *d, struct lr_sel *s, yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE) {
		s->alt = lb_calloc(1, sizeof *s->alt);
		s->nalt = 1;
		return read_map_alt(d, &s->alt[0], n);
	}
	if (n->type == YAML_SCALAR_NODE ||
	    (n->type == YAML_SEQUENCE_NODE && n->data.sequence.items.start < n->data.sequence.items.top &&
	     yaml_document_get_node(d->doc, *n->data.sequence.items.start)->type == YAML_SCALAR_NODE)) {
		/* keywords: a list of words, any of which in the message */
		s->alt = lb_calloc(1, sizeof *s->alt);
		s->nalt = 1;
		s->alt[0].items = lb_calloc(1, sizeof *s->alt[0].items);
		s->alt[0].n = 1;
		struct lr_item *it = &s->alt[0].items[0];
		if (n->type == YAML_SCALAR_NODE)
			return add_value(d, it, n, NULL, 0, 1);
		for (yaml_node_item_t *p = n->data.sequence.items.start; p < n->data.sequence.items.top; p++)
			if (add_value(d, it, yaml_document_get_node(d->doc, *p), NULL, 0, 1) < 0)
				return -1;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.start == n->data.sequence.items.top)
		return fail(d, n,
		            L_("a selection must be a map, a list of maps or a list of keywords",
		               "選択はマップ、マップのリスト、キーワードのリストのいずれかです"));
	for (yaml_node_item_t *p = n->data.sequence.items.start; p < n->data.sequence.items.top; p++) {
		yaml_node_t *m = yaml_document_get_node(d->doc, *p);
		if (m->type != YAML_MAPPING_NODE)
			return fail(d, m,
			            L_("a list mixes maps and keywords", "リストにマップとキーワードが混在しています"));
		s->alt = lb_reallocarray(s->alt, s->nalt + 1, sizeof *s->alt);
		memset(&s->alt[s->nalt], 0, sizeof *s->alt);
		s->nalt++;
		if (read_map_alt(d, &s->alt[s->nalt - 1], m) < 0)
			return -1;
	}
	return 0;
}

static int read_detection(struct ld *d, struct logs_rule *r, yaml_node_t *det)
{
	if (!det || det->type != YAML_MAPPING_NODE)
		return fail(d, det, L_("no detection map", "detection のマップがありません"));
	yaml_node_t *cond = NULL;
	for (yaml_node_pair_t *p = det->data.mapping.pairs.start; p < det->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(d->doc, p->key),
		            *vn = yaml_document_get_node(d->doc, p->value);
		const char *k = scalar(kn);
		if (!k || !vn)
			return fail(d, kn,
			            L_("a detection key must be a word", "detection のキーは単語でなければなりません"));
		if (!strcmp(k, "condition")) {
			cond = vn;
			continue;
		}
		if (!strcmp(k, "timeframe"))
			return unsupported(d, kn, "timeframe (Sigma 1 aggregation; use a correlation)");
		r->sels = lb_reallocarray(r->sels, r->nsels + 1, sizeof *r->sels);
		struct lr_sel *s = &r->sels[r->nsels++];
		memset(s, 0, sizeof *s);
		s->name = lb_strdup(k);
		if (read_sel(d, s, vn) < 0)
			return -1;
	}
	if (!cond)
		return fail(d, det, L_("detection has no condition", "detection に condition がありません"));
	/* a list of conditions: any of them */
	struct buf c = {0};
	if (cond->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *p = cond->data.sequence.items.start; p < cond->data.sequence.items.top; p++) {
			const char *s = scalar(yaml_document_get_node(d->doc, *p));
			if (!s) {
				buf_release(&c);
				return fail(d, cond,
				            L_("a condition must be text", "condition は文字列でなければなりません"));
			}
			buf_addf(&c, "%s(%s)", c.len ? " or " : "", s);
		}
	} else if (scalar(cond)) {
		buf_adds(&c, scalar(cond));
	} else {
		return fail(d, cond, L_("a condition must be text", "condition は文字列でなければなりません"));
	}
	const char *feat = NULL, *why = NULL;
	r->cond = lr_cond_parse(buf_cstr(&c), r->sels, r->nsels, &feat, &why);
	buf_release(&c);
	if (!r->cond)
		return feat ? unsupported(d, cond, feat) : fail(d, cond, why);
	return 0;
}

void lr_rule_free(struct logs_rule *r)
{
	if (!r)
		return;
	free(r->id), free(r->name), free(r->title_en), free(r->title_ja), free(r->level), free(r->status);
	free(r->author);
	free(r->file), free(r->product), free(r->service), free(r->category);
	for (size_t i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	for (size_t i = 0; i < r->nsels; i++)
		sel_release(&r->sels[i]);
	free(r->sels);
	lr_node_free(r->cond);
	free(r->corr_of);
	free(r);
}

void lr_corr_free(struct logs_corr *c)
{
	if (!c)
		return;
	free(c->id), free(c->name), free(c->title_en), free(c->title_ja), free(c->level), free(c->file);
	free(c->author);
	for (size_t i = 0; i < c->ntags; i++)
		free(c->tags[i]);
	free(c->tags);
	for (size_t i = 0; i < c->nrefs; i++)
		free(c->refs[i]);
	free(c->refs), free(c->ref_rule), free(c->ref_corr), free(c->field), free(c->corr_of);
	for (size_t i = 0; i < c->ngroup; i++)
		free(c->group[i]);
	free(c);
}

void lr_skip_add(struct logs_ruleset *rs, const char *file, unsigned line, const char *id, const char *feature,
                 const char *reason)
{
	if (rs->nskipped == rs->capskipped) {
		rs->capskipped = rs->capskipped ? 2 * rs->capskipped : 16;
		rs->skipped = lb_reallocarray(rs->skipped, rs->capskipped, sizeof *rs->skipped);
	}
	struct logs_skip *s = &rs->skipped[rs->nskipped++];
	s->file = lb_strdup(file);
	s->line = line;
	s->id = lb_strdup(id ? id : "");
	s->feature = feature ? lb_strdup(feature) : NULL;
	struct buf b = {0};
	if (feature)
		buf_addf(&b, L_("unsupported Sigma feature: %s", "未対応の Sigma 機能: %s"), feature);
	else
		buf_adds(&b, reason ? reason : L_("malformed", "形式が正しくありません"));
	s->reason = buf_detach(&b, NULL);
}

/* ---- the common head of rules and correlations ---------------------------------------------------------------- */

static int read_titles(struct ld *d, yaml_node_t *root, char **en, char **ja)
{
	*en = dupscalar(get(d, root, "title"));
	*ja = dupscalar(get(d, root, "title_ja"));
	if (!*ja)
		*ja = dupscalar(get(d, get(d, root, "lifeboat"), "title_ja"));
	if (!*en)
		return fail(d, root, L_("no title", "title がありません"));
	return 0;
}

/* ---- correlations (Sigma correlation rules 2.0) ------------------------------------------------------------------ */

static int parse_span(const char *s, int64_t *ms)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || end == s || v <= 0 || end[0] == 0 || end[1] != 0)
		return -1;
	static const struct {
		char u;
		int64_t ms;
	} units[] = {{'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}, {'w', 7 * 86400000LL}};
	for (size_t i = 0; i < LB_ARRAY_LEN(units); i++)
		if (*end == units[i].u && v < (1LL << 40)) {
			*ms = v * units[i].ms;
			return 0;
		}
	return -1;
}

static int corr_body(struct ld *d, struct logs_corr *c, yaml_node_t *root, yaml_node_t *cn)
{
	if (cn->type != YAML_MAPPING_NODE)
		return fail(d, cn, L_("correlation must be a map", "correlation はマップでなければなりません"));
	if (read_titles(d, root, &c->title_en, &c->title_ja) < 0)
		return -1;
	if (strlist(d, get(d, root, "tags"), &c->tags, &c->ntags, 256) < 0)
		return -1;
	const char *t = scalar(get(d, cn, "type"));
	if (!t)
		return fail(d, cn, L_("correlation has no type", "相関に type がありません"));
	if (!strcmp(t, "event_count"))
		c->type = LR_C_EVENT_COUNT;
	else if (!strcmp(t, "value_count"))
		c->type = LR_C_VALUE_COUNT;
	else if (!strcmp(t, "temporal"))
		c->type = LR_C_TEMPORAL;
	else if (!strcmp(t, "temporal_ordered"))
		c->type = LR_C_TEMPORAL_ORDERED;
	else
		return unsupported(d, get(d, cn, "type"), "correlation type");
	if (get(d, cn, "aliases"))
		return unsupported(d, get(d, cn, "aliases"), "correlation aliases");
	if (strlist(d, get(d, cn, "rules"), &c->refs, &c->nrefs, 64) < 0)
		return -1;
	if (c->nrefs == 0)
		return fail(d, cn, L_("correlation names no rules", "相関が rules を指定していません"));
	char **g = NULL;
	size_t ng = 0;
	int rc = strlist(d, get(d, cn, "group-by"), &g, &ng, 64);
	for (size_t i = 0; i < ng; i++) {
		if (i < LOGS_GROUP_MAX)
			c->group[c->ngroup++] = g[i];
		else
			free(g[i]);
	}
	free(g);
	if (rc < 0)
		return -1;
	if (ng > LOGS_GROUP_MAX)
		return unsupported(d, get(d, cn, "group-by"), "more than 4 group-by fields");
	if (parse_span(scalar(get(d, cn, "timespan")), &c->span_ms) < 0)
		return fail(d, cn,
		            L_("timespan must be a number and s, m, h, d or w (5m)",
		               "timespan は数と s、m、h、d、w のいずれかです (5m)"));
	const char *gen = scalar(get(d, cn, "generate"));
	if (!gen)
		gen = scalar(get(d, root, "generate"));
	c->generate = gen && !strcmp(gen, "true");
	yaml_node_t *cond = get(d, cn, "condition");
	c->op = LR_GTE;
	c->threshold = c->type >= LR_C_TEMPORAL ? c->nrefs : 1;
	if (cond) {
		if (cond->type != YAML_MAPPING_NODE)
			return fail(d, cond,
			            L_("correlation condition must be a map (gte: 20)",
			               "相関の condition はマップです (gte: 20)"));
		int seen_lo = 0, seen_hi = 0;
		for (yaml_node_pair_t *p = cond->data.mapping.pairs.start; p < cond->data.mapping.pairs.top; p++) {
			const char *k = scalar(yaml_document_get_node(d->doc, p->key));
			const char *v = scalar(yaml_document_get_node(d->doc, p->value));
			if (!k || !v)
				return fail(d, cond,
				            L_("correlation condition must be a map (gte: 20)",
				               "相関の condition はマップです (gte: 20)"));
			if (!strcmp(k, "field")) {
				free(c->field);
				c->field = lb_strdup(v);
				continue;
			}
			char *end;
			unsigned long long x = strtoull(v, &end, 10);
			if (end == v || *end || x > (1ULL << 32))
				return fail(d, cond,
				            L_("correlation condition needs a whole number",
				               "相関の condition には整数が必要です"));
			/* a lower bound (gte, gt), an upper bound (lt, lte), both (a range), or eq */
			int upper = !strcmp(k, "lt") || !strcmp(k, "lte");
			if (strcmp(k, "gte") && strcmp(k, "gt") && strcmp(k, "eq") && !upper)
				return fail(d, cond,
				            L_("correlation condition: gte, gt, lte, lt or eq",
				               "相関の condition は gte、gt、lte、lt、eq のいずれかです"));
			if ((upper ? seen_hi : seen_lo) || (c->op < 0 && seen_lo) ||
			    (!strcmp(k, "eq") && seen_lo + seen_hi))
				return fail(
				        d, cond,
				        L_("correlation condition: one lower bound (gte, gt), one upper bound (lte, "
				           "lt), or "
				           "eq alone",
				           "相関の condition は下限 (gte, gt) と上限 (lte, lt) を 1 つずつ、または eq "
				           "だけです"));
			if (upper) {
				seen_hi = 1;
				if (!strcmp(k, "lt") && x == 0)
					return fail(d, cond,
					            L_("correlation condition lt: 0 can never hold",
					               "相関の condition lt: 0 は成り立ちません"));
				c->upper = !strcmp(k, "lt") ? x - 1 : x;
				c->has_upper = 1;
				continue;
			}
			seen_lo = 1;
			if (!strcmp(k, "gte"))
				c->op = LR_GTE;
			else if (!strcmp(k, "gt"))
				c->op = LR_GT;
			else
				c->op = -1;
			c->threshold = x;
		}
		if (c->has_upper && c->type >= LR_C_TEMPORAL)
			return unsupported(d, cond, "temporal correlation with lt/lte");
		if (c->has_upper && c->type == LR_C_VALUE_COUNT && c->upper >= 4096)
			return unsupported(d, cond, "value_count lt/lte above 4096");
		if (c->has_upper && !seen_lo)
			c->threshold = 1, c->op = LR_GTE; /* a group exists once it has one event */
		if (c->has_upper && c->threshold + (c->op == LR_GT) > c->upper)
			return fail(d, cond,
			            L_("correlation condition: the range is empty", "相関の condition の範囲が空です"));
	} else if (c->type < LR_C_TEMPORAL) {
		return fail(d, cn, L_("correlation has no condition", "相関に condition がありません"));
	}
	if (c->type == LR_C_VALUE_COUNT && !c->field) {
		c->field = dupscalar(get(d, cn, "field"));
		if (!c->field)
			return fail(
			        d, cn,
			        L_("value_count needs condition.field", "value_count には condition.field が必要です"));
	}
	if (c->op == LR_GT)
		c->threshold++, c->op = LR_GTE;
	if (c->threshold == 0)
		c->threshold = 1;
	return 0;
}

static int lr_corr_read(struct ld *d, struct logs_ruleset *rs, yaml_node_t *root, yaml_node_t *cn)
{
	struct logs_corr *c = lb_calloc(1, sizeof *c);
	c->file = lb_strdup(d->file);
	c->line = d->line;
	c->id = dupscalar(get(d, root, "id"));
	c->name = dupscalar(get(d, root, "name"));
	c->level = dupscalar(get(d, root, "level"));
	c->author = dupscalar(get(d, root, "author"));
	if (!c->level)
		c->level = lb_strdup("high");
	if (corr_body(d, c, root, cn) < 0) {
		lr_corr_free(c);
		return -1;
	}
	if (rs->ncorrs == rs->capcorrs) {
		rs->capcorrs = rs->capcorrs ? 2 * rs->capcorrs : 16;
		rs->corrs = lb_reallocarray(rs->corrs, rs->capcorrs, sizeof *rs->corrs);
	}
	rs->corrs[rs->ncorrs++] = c;
	return 0;
}

static void read_doc(struct ld *d, struct logs_ruleset *rs, yaml_node_t *root, int *loaded)
{
	d->line = (unsigned)root->start_mark.line + 1;
	d->feature = d->why = NULL;
	d->nvalues = 0;
	const char *id = scalar(get(d, root, "id"));
	if (!id)
		id = scalar(get(d, root, "title"));
	if (root->type != YAML_MAPPING_NODE) {
		lr_skip_add(rs, d->file, d->line, id, NULL,
		            L_("a rule must be a YAML map", "ルールは YAML のマップでなければなりません"));
		return;
	}
	if (get(d, root, "action")) {
		lr_skip_add(rs, d->file, d->line, id, "rule collection action (Sigma 1)", NULL);
		return;
	}
	yaml_node_t *cn = get(d, root, "correlation");
	if (cn) {
		if (lr_corr_read(d, rs, root, cn) < 0)
			lr_skip_add(rs, d->file, d->line, id, d->feature, d->why);
		else
			++*loaded;
		return;
	}
	struct logs_rule *r = lb_calloc(1, sizeof *r);
	r->file = lb_strdup(d->file);
	r->line = d->line;
	r->id = dupscalar(get(d, root, "id"));
	r->name = dupscalar(get(d, root, "name"));
	r->level = dupscalar(get(d, root, "level"));
	r->status = dupscalar(get(d, root, "status"));
	r->author = dupscalar(get(d, root, "author"));
	yaml_node_t *ls = get(d, root, "logsource");
	r->product = dupscalar(get(d, ls, "product"));
	r->service = dupscalar(get(d, ls, "service"));
	r->category = dupscalar(get(d, ls, "category"));
	int rc = read_titles(d, root, &r->title_en, &r->title_ja);
	if (rc == 0)
		rc = strlist(d, get(d, root, "tags"), &r->tags, &r->ntags, 256);
	if (rc == 0)
		rc = read_detection(d, r, get(d, root, "detection"));
	if (rc < 0) {
		lr_skip_add(rs, d->file, d->line, id, d->feature, d->why);
		lr_rule_free(r);
		return;
	}
	if (!r->level)
		r->level = lb_strdup("medium");
	if (rs->nrules == rs->caprules) {
		rs->caprules = rs->caprules ? 2 * rs->caprules : 64;
		rs->rules = lb_reallocarray(rs->rules, rs->caprules, sizeof *rs->rules);
	}
	rs->rules[rs->nrules++] = r;
	++*loaded;
}

int logs_rules_load_buf(struct logs_ruleset *rs, const char *name, const char *data, size_t len)
{
	yaml_parser_t p;
	int loaded = 0;
	if (!yaml_parser_initialize(&p))
		lb_oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	for (;;) {
		yaml_document_t doc;
		if (!yaml_parser_load(&p, &doc)) {
			struct buf b = {0};
			buf_addf(&b, L_("YAML syntax: %s", "YAML の構文: %s"), p.problem ? p.problem : "?");
			lr_skip_add(rs, name, (unsigned)p.problem_mark.line + 1, NULL, NULL, buf_cstr(&b));
			buf_release(&b);
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		struct ld d = {.doc = &doc, .file = name};
		read_doc(&d, rs, root, &loaded);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&p);
	return loaded;
}

static int has_ext(const char *n)
{
	size_t l = strlen(n);
	return (l > 4 && !strcmp(n + l - 4, ".yml")) || (l > 5 && !strcmp(n + l - 5, ".yaml"));
}

int logs_rules_load_path(struct logs_ruleset *rs, const char *path)
{
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		struct buf b = {0};
		int rc = buf_read_file(&b, path, RULE_FILE_MAX);
		if (rc < 0) {
			buf_release(&b);
			return lb_error_wrap_tr(rc, "rules '%s'", "ルール '%s'", path);
		}
		rc = logs_rules_load_buf(rs, path, buf_cstr(&b), b.len);
		buf_release(&b);
		return rc;
	}
	int total = 0, err = 0;
	for (int i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		if (e[0] != '.' && !err) {
			struct buf p = {0};
			buf_addf(&p, "%s/%s", path, e);
			struct dirent **sub;
			int isdir = scandir(p.data, &sub, NULL, NULL);
			if (isdir >= 0) {
				for (int k = 0; k < isdir; k++)
					free(sub[k]);
				free(sub);
			}
			if (isdir >= 0 || has_ext(e)) {
				int rc = logs_rules_load_path(rs, p.data);
				if (rc < 0)
					err = rc;
				else
					total += rc;
			}
			buf_release(&p);
		}
		free(ents[i]);
	}
	free(ents);
	return err ? err : total;
}

struct logs_embedded {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct logs_embedded logs_data_rules[];
extern const size_t logs_data_rules_n;

int logs_rules_load_embedded(struct logs_ruleset *rs)
{
	int total = 0;
	for (size_t i = 0; i < logs_data_rules_n; i++)
		total += logs_rules_load_buf(rs, logs_data_rules[i].name, (const char *)logs_data_rules[i].data,
		                             logs_data_rules[i].len);
	return total;
}
