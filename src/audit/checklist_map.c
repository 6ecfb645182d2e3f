/*
 * checklist_map.c - the join table of `audit checklist --inventory` (data/audit/checklist/checks.yaml, compiled
 * in): which checklist item of each edition a finding of `audit check` answers, per scope (サーバ, 端末PC,
 * ネットワーク機器), and which scope each device type falls under. Read as strictly as the editions.
 */
#include "checklist_int.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char cl_data_map[];
extern const size_t cl_data_map_len;

static const char *key_of(const yaml_node_t *k)
{
	return k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
}

static void add_row(struct cl_map *m, const char *check, const char *edition, const char *scope, char *item, int line)
{
	m->v = lb_reallocarray(m->v, m->n + 1, sizeof(*m->v));
	struct cl_map_row *r = &m->v[m->n++];
	r->check = lb_strdup(check);
	r->edition = lb_strdup(edition);
	r->scope = scope ? lb_strdup(scope) : NULL;
	r->item = item;
	r->line = line;
}

static int parse_scopes(struct cl_yaml *y, struct cl_map *m, yaml_node_t *n)
{
	if (n->type != YAML_MAPPING_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "scopes must map a device type to a scope (server: server)",
		                   "scopes は機器の種類から対象への対応 (server: server) にします");
	int rc = 0;
	yaml_node_t *k, *v;
	CL_MAP_EACH(y, n, k, v, rc)
	{
		const char *s = key_of(v);
		if (strcmp(s, "server") && strcmp(s, "pc") && strcmp(s, "network")) {
			rc = cl_yaml_err(y, cl_yaml_line(v), "scope '%s' is not server, pc or network",
			                 "対象 '%s' は server, pc, network のいずれでもありません", s);
			break;
		}
		cl_strs_add(&m->types, key_of(k));
		cl_strs_add(&m->scopes, s);
	}
	return rc;
}

/* ITEM, [ITEM, …] or {SCOPE: ITEM, …} under one edition of one check. */
static int parse_target(struct cl_yaml *y, struct cl_map *m, const char *check, const char *ed, yaml_node_t *n)
{
	int rc = 0;
	char *item = NULL;
	if (n->type == YAML_SCALAR_NODE) {
		if ((rc = cl_yaml_text(y, n, "item", 0, &item)) == 0)
			add_row(m, check, ed, NULL, item, cl_yaml_line(n));
		return rc;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *p = n->data.sequence.items.start; rc == 0 && p < n->data.sequence.items.top;
		     p++) {
			yaml_node_t *s;
			item = NULL; /* cl_yaml_text frees what *out held: the last one is the row's now */
			if ((rc = cl_yaml_node(y, *p, cl_yaml_line(n), &s)) == 0 &&
			    (rc = cl_yaml_text(y, s, "item", 0, &item)) == 0)
				add_row(m, check, ed, NULL, item, cl_yaml_line(s));
		}
		return rc;
	}
	yaml_node_t *k, *v;
	CL_MAP_EACH(y, n, k, v, rc)
	{
		const char *s = key_of(k);
		if (strcmp(s, "server") && strcmp(s, "pc") && strcmp(s, "network"))
			rc = cl_yaml_err(y, cl_yaml_line(k), "%s.%s: scope '%s' is not server, pc or network",
			                 "%s.%s: 対象 '%s' は server, pc, network のいずれでもありません", check, ed,
			                 s);
		else if ((item = NULL, rc = cl_yaml_text(y, v, "item", 0, &item)) == 0)
			add_row(m, check, ed, s, item, cl_yaml_line(v));
	}
	return rc;
}

static int parse_editions(struct cl_yaml *y, struct cl_map *m, const char *check, yaml_node_t *v)
{
	int rc = 0;
	yaml_node_t *ek, *ev;
	CL_MAP_EACH(y, v, ek, ev, rc)
	rc = parse_target(y, m, check, key_of(ek), ev);
	return rc;
}

static int parse_checks(struct cl_yaml *y, struct cl_map *m, yaml_node_t *n)
{
	if (n->type != YAML_MAPPING_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "checks must map a check id to its items",
		                   "checks は確認 ID から項目への対応にします");
	int rc = 0;
	yaml_node_t *k, *v;
	CL_MAP_EACH(y, n, k, v, rc)
	{
		const char *check = key_of(k);
		if (v->type != YAML_MAPPING_NODE) {
			rc = cl_yaml_err(y, cl_yaml_line(v), "%s must map an edition to its items ({r7: r7-2-9})",
			                 "%s は版から項目への対応 ({r7: r7-2-9}) にします", check);
			break;
		}
		cl_strs_add(&m->checks, check);
		rc = parse_editions(y, m, check, v);
	}
	return rc;
}

int cl_map_parse(struct cl_map *m, const char *name, const char *data, size_t len)
{
	memset(m, 0, sizeof(*m));
	struct cl_yaml y;
	int rc = cl_yaml_load(&y, name, data, len);
	if (rc < 0)
		return rc;
	m->name = lb_strdup(name);
	yaml_node_t *root = NULL, *k, *v;
	rc = cl_yaml_root(&y, &root);
	CL_MAP_EACH(&y, root, k, v, rc)
	{
		const char *key = key_of(k);
		if (!strcmp(key, "scopes"))
			rc = parse_scopes(&y, m, v);
		else if (!strcmp(key, "checks"))
			rc = parse_checks(&y, m, v);
		else
			rc = cl_yaml_err(&y, cl_yaml_line(k), "unknown key '%s'", "不明なキー '%s'", key);
	}
	if (rc == 0 && !m->checks.n)
		rc = cl_yaml_err(&y, 1, "the map names no check", "対応表に確認がありません");
	cl_yaml_free(&y);
	if (rc < 0)
		cl_map_free(m);
	return rc;
}

int cl_map_load(struct cl_map *m)
{
	return cl_map_parse(m, "checklist/checks.yaml", (const char *)cl_data_map, cl_data_map_len);
}

int cl_map_check(const struct cl_map *m, const struct cl_edition *e)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].edition, e->id) && !cl_edition_item(e, m->v[i].item))
			return lb_error_tr(LB_EINVAL, "%s:%d: %s: no item '%s' in edition %s",
			                   "%s:%d: %s: 項目 '%s' は版 %s にありません", m->name, m->v[i].line,
			                   m->v[i].check, m->v[i].item, e->id);
	return 0;
}

const char *cl_map_scope(const struct cl_map *m, const char *device_type)
{
	for (size_t i = 0; device_type && i < m->types.n; i++)
		if (!strcmp(m->types.v[i], device_type))
			return m->scopes.v[i];
	return NULL;
}

void cl_map_items(const struct cl_map *m, const char *check, const char *edition, const struct cl_strs *scopes,
                  struct cl_strs *out)
{
	size_t before = out->n;
	for (int pass = 0; pass < 2 && out->n == before; pass++)
		for (size_t i = 0; i < m->n; i++) {
			const struct cl_map_row *r = &m->v[i];
			if (strcmp(r->check, check) || strcmp(r->edition, edition))
				continue;
			/* pass 0: the rows of the finding's scopes (and unscoped rows); pass 1, when none: every row */
			if (pass == 0 && r->scope && scopes && scopes->n && !cl_strs_has(scopes, r->scope))
				continue;
			if (!cl_strs_has(out, r->item))
				cl_strs_add(out, r->item);
		}
}

void cl_map_free(struct cl_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].check);
		free(m->v[i].edition);
		free(m->v[i].scope);
		free(m->v[i].item);
	}
	free(m->v);
	free(m->name);
	cl_strs_free(&m->types);
	cl_strs_free(&m->scopes);
	cl_strs_free(&m->checks);
	memset(m, 0, sizeof(*m));
}
