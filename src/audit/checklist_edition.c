/*
 * checklist_edition.c - a checklist edition (data/audit/checklist/rN.yaml, compiled in): groups and items, each
 * with its printed number and wording, who answers it and from which inventory evidence. The files are ours, but
 * a hospital may load a corrected one, so they are read as strictly as any input.
 */
#include "checklist_int.h"

#include <stdlib.h>
#include <string.h>

struct cl_embedded {
	const char *id;
	const unsigned char *data;
	size_t len;
};
extern const struct cl_embedded cl_data_editions[];

const char *const *cl_editions(void)
{
	static const char *ids[16];
	size_t n = 0;
	for (const struct cl_embedded *e = cl_data_editions; e->id && n + 1 < 16; e++)
		ids[n++] = e->id;
	ids[n] = NULL;
	return ids;
}

const char *cl_edition_latest(void)
{
	const char *last = NULL;
	for (const struct cl_embedded *e = cl_data_editions; e->id; e++)
		last = e->id;
	return last;
}

int cl_edition_load(struct cl_edition *e, const char *id)
{
	for (const struct cl_embedded *d = cl_data_editions; d->id; d++) {
		if (strcmp(d->id, id))
			continue;
		char name[64];
		snprintf(name, sizeof(name), "checklist/%s.yaml", d->id);
		return cl_edition_parse(e, name, (const char *)d->data, d->len);
	}
	struct buf known = {0};
	for (const struct cl_embedded *d = cl_data_editions; d->id; d++)
		buf_addf(&known, "%s%s", known.len ? ", " : "", d->id);
	int rc = lb_error_tr(LB_ENOTFOUND, "no checklist edition '%s' (known: %s)",
	                     "チェックリストの版 '%s' はありません (あるもの: %s)", id, buf_cstr(&known));
	buf_release(&known);
	return rc;
}

const struct cl_item *cl_edition_item(const struct cl_edition *e, const char *id)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->items[i].id, id))
			return &e->items[i];
	return NULL;
}

void cl_edition_free(struct cl_edition *e)
{
	free(e->id);
	cl_text_free(&e->title);
	cl_text_free(&e->fy);
	free(e->published);
	free(e->source);
	for (size_t i = 0; i < e->ngroups; i++) {
		free(e->groups[i].id);
		free(e->groups[i].number);
		cl_text_free(&e->groups[i].name);
	}
	free(e->groups);
	for (size_t i = 0; i < e->n; i++) {
		struct cl_item *it = &e->items[i];
		free(it->id);
		free(it->number);
		cl_text_free(&it->scope);
		cl_text_free(&it->text);
		cl_text_free(&it->target);
		for (size_t k = 0; k < it->nevidence; k++)
			free(it->evidence[k]);
		free(it->evidence);
		free(it->wording);
		free(it->note);
	}
	free(e->items);
	memset(e, 0, sizeof(*e));
}

static const char *key_of(const yaml_node_t *k)
{
	return k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
}

static int parse_fy(struct cl_yaml *y, struct cl_edition *e, yaml_node_t *n)
{
	if (n->type != YAML_MAPPING_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "fiscal_year must be {ja, en, start, end}",
		                   "fiscal_year は {ja, en, start, end} にします");
	int rc = 0;
	yaml_node_t *k, *v;
	CL_MAP_EACH(y, n, k, v, rc)
	{
		const char *key = key_of(k);
		if (!strcmp(key, "ja"))
			rc = cl_yaml_text(y, v, "fiscal_year.ja", 0, &e->fy.ja);
		else if (!strcmp(key, "en"))
			rc = cl_yaml_text(y, v, "fiscal_year.en", 0, &e->fy.en);
		else if (!strcmp(key, "start"))
			rc = cl_yaml_date(y, v, "fiscal_year.start", e->fy_start);
		else if (!strcmp(key, "end"))
			rc = cl_yaml_date(y, v, "fiscal_year.end", e->fy_end);
		else
			rc = cl_yaml_err(y, cl_yaml_line(k), "fiscal_year: unknown key '%s'",
			                 "fiscal_year: 不明なキー '%s'", key);
	}
	return rc;
}

static int parse_groups(struct cl_yaml *y, struct cl_edition *e, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "groups must be a list", "groups はリストにします");
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	e->groups = lb_calloc(cnt ? cnt : 1, sizeof(*e->groups));
	int rc = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; rc == 0 && it < n->data.sequence.items.top; it++) {
		yaml_node_t *g, *k, *v;
		if ((rc = cl_yaml_node(y, *it, cl_yaml_line(n), &g)) < 0)
			break;
		if (g->type != YAML_MAPPING_NODE)
			return cl_yaml_err(y, cl_yaml_line(g), "a group must be {id, number, ja, en}",
			                   "グループは {id, number, ja, en} にします");
		struct cl_group *gr = &e->groups[e->ngroups++];
		CL_MAP_EACH(y, g, k, v, rc)
		{
			const char *key = key_of(k);
			if (!strcmp(key, "id"))
				rc = cl_yaml_text(y, v, "group id", 0, &gr->id);
			else if (!strcmp(key, "number"))
				rc = cl_yaml_text(y, v, "group number", 0, &gr->number);
			else if (!strcmp(key, "ja"))
				rc = cl_yaml_text(y, v, "group ja", 0, &gr->name.ja);
			else if (!strcmp(key, "en"))
				rc = cl_yaml_text(y, v, "group en", 0, &gr->name.en);
			else
				rc = cl_yaml_err(y, cl_yaml_line(k), "group: unknown key '%s'",
				                 "グループ: 不明なキー '%s'", key);
		}
		if (rc == 0 && (!gr->id || !gr->number || !gr->name.ja || !gr->name.en))
			rc = cl_yaml_err(y, cl_yaml_line(g), "a group needs id, number, ja and en",
			                 "グループには id, number, ja, en が必要です");
	}
	return rc;
}

static int parse_sheets(struct cl_yaml *y, yaml_node_t *n, unsigned *out)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "sheets must be a list (hospital, vendor)",
		                   "sheets はリスト (hospital, vendor) にします");
	int rc = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; rc == 0 && it < n->data.sequence.items.top; it++) {
		yaml_node_t *s;
		if ((rc = cl_yaml_node(y, *it, cl_yaml_line(n), &s)) < 0)
			break;
		const char *v = key_of(s);
		if (!strcmp(v, "hospital"))
			*out |= CL_SHEET_HOSPITAL;
		else if (!strcmp(v, "vendor"))
			*out |= CL_SHEET_VENDOR;
		else
			rc = cl_yaml_err(y, cl_yaml_line(s), "unknown sheet '%s' (hospital, vendor)",
			                 "不明なシート '%s' (hospital, vendor)", v);
	}
	return rc;
}

static int parse_evidence(struct cl_yaml *y, yaml_node_t *n, struct cl_item *it)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "evidence must be a list of kinds (devices/patch)",
		                   "evidence は証跡の種類のリスト (devices/patch) にします");
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	it->evidence = lb_calloc(cnt ? cnt : 1, sizeof(char *));
	int rc = 0;
	for (yaml_node_item_t *p = n->data.sequence.items.start; rc == 0 && p < n->data.sequence.items.top; p++) {
		yaml_node_t *s;
		if ((rc = cl_yaml_node(y, *p, cl_yaml_line(n), &s)) < 0)
			break;
		rc = cl_yaml_text(y, s, "evidence kind", 0, &it->evidence[it->nevidence]);
		if (rc == 0)
			it->nevidence++;
	}
	return rc;
}

static int parse_item(struct cl_yaml *y, struct cl_edition *e, yaml_node_t *n, struct cl_item *it)
{
	if (n->type != YAML_MAPPING_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "an item must be a mapping", "項目はマッピングにします");
	int rc = 0, have_answer = 0;
	it->number_verified = 1;
	yaml_node_t *k, *v;
	CL_MAP_EACH(y, n, k, v, rc)
	{
		const char *key = key_of(k);
		if (!strcmp(key, "id"))
			rc = cl_yaml_text(y, v, "id", 0, &it->id);
		else if (!strcmp(key, "number"))
			rc = cl_yaml_text(y, v, "number", 0, &it->number);
		else if (!strcmp(key, "number_verified"))
			it->number_verified = strcmp(key_of(v), "false") != 0;
		else if (!strcmp(key, "group")) {
			const char *g = key_of(v);
			for (size_t i = 0; i < e->ngroups; i++)
				if (!strcmp(e->groups[i].id, g))
					it->group = &e->groups[i];
			if (!it->group)
				rc = cl_yaml_err(y, cl_yaml_line(v), "unknown group '%s'", "不明なグループ '%s'", g);
		} else if (!strcmp(key, "sheets"))
			rc = parse_sheets(y, v, &it->sheets);
		else if (!strcmp(key, "scope"))
			rc = cl_yaml_pair(y, v, "scope", &it->scope);
		else if (!strcmp(key, "text"))
			rc = cl_yaml_pair(y, v, "text", &it->text);
		else if (!strcmp(key, "target"))
			rc = cl_yaml_pair(y, v, "target", &it->target);
		else if (!strcmp(key, "answer")) {
			have_answer = 1;
			if (!strcmp(key_of(v), "person"))
				it->source = CL_SRC_PERSON;
			else if (!strcmp(key_of(v), "inventory"))
				it->source = CL_SRC_INVENTORY;
			else
				rc = cl_yaml_err(y, cl_yaml_line(v), "answer must be person or inventory",
				                 "answer は person か inventory にします");
		} else if (!strcmp(key, "evidence"))
			rc = parse_evidence(y, v, it);
		else if (!strcmp(key, "wording"))
			rc = cl_yaml_text(y, v, "wording", 0, &it->wording);
		else if (!strcmp(key, "note"))
			rc = cl_yaml_text(y, v, "note", 0, &it->note);
		else
			rc = cl_yaml_err(y, cl_yaml_line(k), "item: unknown key '%s'", "項目: 不明なキー '%s'", key);
	}
	if (rc == 0 && (!it->id || !it->number || !it->group || !it->text.ja || !it->sheets || !have_answer))
		rc = cl_yaml_err(y, cl_yaml_line(n), "an item needs id, number, group, sheets, text and answer",
		                 "項目には id, number, group, sheets, text, answer が必要です");
	if (rc == 0 && it->source == CL_SRC_INVENTORY && !it->nevidence)
		rc = cl_yaml_err(y, cl_yaml_line(n), "item %s is answered from the inventory but names no evidence",
		                 "項目 %s は台帳から回答するのに evidence がありません", it->id);
	for (size_t i = 0; rc == 0 && it->id && &e->items[i] != it; i++)
		if (!strcmp(e->items[i].id, it->id))
			rc = cl_yaml_err(y, cl_yaml_line(n), "item id '%s' twice", "項目 ID '%s' が重複しています",
			                 it->id);
	return rc;
}

static int parse_items(struct cl_yaml *y, struct cl_edition *e, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "items must be a list", "items はリストにします");
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt > CL_ITEMS_MAX)
		return cl_yaml_err(y, cl_yaml_line(n), "%zu items; at most %d", "項目が %zu 個あります (上限 %d)", cnt,
		                   CL_ITEMS_MAX);
	e->items = lb_calloc(cnt ? cnt : 1, sizeof(*e->items));
	int rc = 0;
	for (yaml_node_item_t *p = n->data.sequence.items.start; rc == 0 && p < n->data.sequence.items.top; p++) {
		yaml_node_t *m;
		if ((rc = cl_yaml_node(y, *p, cl_yaml_line(n), &m)) < 0)
			break;
		rc = parse_item(y, e, m, &e->items[e->n++]);
	}
	return rc;
}

int cl_edition_parse(struct cl_edition *e, const char *name, const char *data, size_t len)
{
	memset(e, 0, sizeof(*e));
	struct cl_yaml y;
	int rc = cl_yaml_load(&y, name, data, len);
	if (rc < 0)
		return rc;
	yaml_node_t *root = NULL, *k, *v, *items = NULL;
	rc = cl_yaml_root(&y, &root);
	/* groups before items, wherever they are written */
	CL_MAP_EACH(&y, root, k, v, rc)
	{
		const char *key = key_of(k);
		if (!strcmp(key, "edition"))
			rc = cl_yaml_text(&y, v, "edition", 0, &e->id);
		else if (!strcmp(key, "title"))
			rc = cl_yaml_pair(&y, v, "title", &e->title);
		else if (!strcmp(key, "fiscal_year"))
			rc = parse_fy(&y, e, v);
		else if (!strcmp(key, "published"))
			rc = cl_yaml_text(&y, v, "published", 0, &e->published);
		else if (!strcmp(key, "source"))
			rc = cl_yaml_text(&y, v, "source", 0, &e->source);
		else if (!strcmp(key, "groups"))
			rc = parse_groups(&y, e, v);
		else if (!strcmp(key, "items"))
			items = v;
		else
			rc = cl_yaml_err(&y, cl_yaml_line(k), "unknown key '%s'", "不明なキー '%s'", key);
	}
	if (rc == 0 && items)
		rc = parse_items(&y, e, items);
	if (rc == 0 && (!e->id || !e->title.ja || !e->fy.ja || !e->fy_start[0] || !e->fy_end[0] || !e->n))
		rc = cl_yaml_err(&y, 1, "an edition needs edition, title, fiscal_year {ja, en, start, end} and items",
		                 "版には edition, title, fiscal_year {ja, en, start, end}, items が必要です");
	cl_yaml_free(&y);
	if (rc < 0)
		cl_edition_free(e);
	return rc;
}
