/*
 * rules_corr_load.c - Sigma correlation rules 2.0 from YAML (event_count, value_count; timespan, group-by, the
 * condition's bounds): the half of the rule loader for `correlation:` documents (rules_load.c reads the rest).
 */
#include "logs/rules_load_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		return ld_fail(d, cn, L_("correlation must be a map", "correlation はマップでなければなりません"));
	if (ld_read_titles(d, root, &c->title_en, &c->title_ja) < 0)
		return -1;
	if (ld_strlist(d, ld_get(d, root, "tags"), &c->tags, &c->ntags, 256) < 0)
		return -1;
	const char *t = ld_scalar(ld_get(d, cn, "type"));
	if (!t)
		return ld_fail(d, cn, L_("correlation has no type", "相関に type がありません"));
	if (!strcmp(t, "event_count"))
		c->type = LR_C_EVENT_COUNT;
	else if (!strcmp(t, "value_count"))
		c->type = LR_C_VALUE_COUNT;
	else if (!strcmp(t, "temporal"))
		c->type = LR_C_TEMPORAL;
	else if (!strcmp(t, "temporal_ordered"))
		c->type = LR_C_TEMPORAL_ORDERED;
	else
		return ld_unsupported(d, ld_get(d, cn, "type"), "correlation type");
	if (ld_get(d, cn, "aliases"))
		return ld_unsupported(d, ld_get(d, cn, "aliases"), "correlation aliases");
	if (ld_strlist(d, ld_get(d, cn, "rules"), &c->refs, &c->nrefs, 64) < 0)
		return -1;
	if (c->nrefs == 0)
		return ld_fail(d, cn, L_("correlation names no rules", "相関が rules を指定していません"));
	char **g = NULL;
	size_t ng = 0;
	int rc = ld_strlist(d, ld_get(d, cn, "group-by"), &g, &ng, 64);
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
		return ld_unsupported(d, ld_get(d, cn, "group-by"), "more than 4 group-by fields");
	if (parse_span(ld_scalar(ld_get(d, cn, "timespan")), &c->span_ms) < 0)
		return ld_fail(d, cn,
		               L_("timespan must be a number and s, m, h, d or w (5m)",
		                  "timespan は数と s、m、h、d、w のいずれかです (5m)"));
	const char *gen = ld_scalar(ld_get(d, cn, "generate"));
	if (!gen)
		gen = ld_scalar(ld_get(d, root, "generate"));
	c->generate = gen && !strcmp(gen, "true");
	yaml_node_t *cond = ld_get(d, cn, "condition");
	c->op = LR_GTE;
	c->threshold = c->type >= LR_C_TEMPORAL ? c->nrefs : 1;
	if (cond) {
		if (cond->type != YAML_MAPPING_NODE)
			return ld_fail(d, cond,
			               L_("correlation condition must be a map (gte: 20)",
			                  "相関の condition はマップです (gte: 20)"));
		int seen_lo = 0, seen_hi = 0;
		for (yaml_node_pair_t *p = cond->data.mapping.pairs.start; p < cond->data.mapping.pairs.top; p++) {
			const char *k = ld_scalar(yaml_document_get_node(d->doc, p->key));
			const char *v = ld_scalar(yaml_document_get_node(d->doc, p->value));
			if (!k || !v)
				return ld_fail(d, cond,
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
				return ld_fail(d, cond,
				               L_("correlation condition needs a whole number",
				                  "相関の condition には整数が必要です"));
			/* a lower bound (gte, gt), an upper bound (lt, lte), both (a range), or eq */
			int upper = !strcmp(k, "lt") || !strcmp(k, "lte");
			if (strcmp(k, "gte") && strcmp(k, "gt") && strcmp(k, "eq") && !upper)
				return ld_fail(d, cond,
				               L_("correlation condition: gte, gt, lte, lt or eq",
				                  "相関の condition は gte、gt、lte、lt、eq のいずれかです"));
			if ((upper ? seen_hi : seen_lo) || (c->op < 0 && seen_lo) ||
			    (!strcmp(k, "eq") && seen_lo + seen_hi))
				return ld_fail(
				        d, cond,
				        L_("correlation condition: one lower bound (gte, gt), one upper bound (lte, "
				           "lt), or "
				           "eq alone",
				           "相関の condition は下限 (gte, gt) と上限 (lte, lt) を 1 つずつ、または eq "
				           "だけです"));
			if (upper) {
				seen_hi = 1;
				if (!strcmp(k, "lt") && x == 0)
					return ld_fail(d, cond,
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
			return ld_unsupported(d, cond, "temporal correlation with lt/lte");
		if (c->has_upper && c->type == LR_C_VALUE_COUNT && c->upper >= 4096)
			return ld_unsupported(d, cond, "value_count lt/lte above 4096");
		if (c->has_upper && !seen_lo)
			c->threshold = 1, c->op = LR_GTE; /* a group exists once it has one event */
		if (c->has_upper && c->threshold + (c->op == LR_GT) > c->upper)
			return ld_fail(
			        d, cond,
			        L_("correlation condition: the range is empty", "相関の condition の範囲が空です"));
	} else if (c->type < LR_C_TEMPORAL) {
		return ld_fail(d, cn, L_("correlation has no condition", "相関に condition がありません"));
	}
	if (c->type == LR_C_VALUE_COUNT && !c->field) {
		c->field = ld_dupscalar(ld_get(d, cn, "field"));
		if (!c->field)
			return ld_fail(
			        d, cn,
			        L_("value_count needs condition.field", "value_count には condition.field が必要です"));
	}
	if (c->op == LR_GT)
		c->threshold++, c->op = LR_GTE;
	if (c->threshold == 0)
		c->threshold = 1;
	return 0;
}

int lr_corr_read(struct ld *d, struct logs_ruleset *rs, yaml_node_t *root, yaml_node_t *cn)
{
	struct logs_corr *c = lb_calloc(1, sizeof *c);
	c->file = lb_strdup(d->file);
	c->line = d->line;
	c->id = ld_dupscalar(ld_get(d, root, "id"));
	c->name = ld_dupscalar(ld_get(d, root, "name"));
	c->level = ld_dupscalar(ld_get(d, root, "level"));
	c->author = ld_dupscalar(ld_get(d, root, "author"));
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
