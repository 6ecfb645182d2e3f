/*
 * rules_load.c - Sigma 2.x rules from YAML (libyaml's document API): one rule or correlation per document.
 *
 * A document is read whole into a struct logs_rule (or logs_corr) and added only when all of it is understood;
 * an unsupported feature or a malformed part skips that document with file:line and the reason (rs->skipped).
 * A YAML syntax error ends its file there (libyaml cannot resume a stream), the documents before it stay loaded.
 * The Japanese title: `title_ja:` at the top, or `lifeboat: {title_ja: …}` (Sigma's custom attributes).
 */
#include "logs/rules_load_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define RULE_FILE_MAX (8u << 20)
#define DOC_VALUES_MAX 20000

yaml_node_t *ld_get(struct ld *d, yaml_node_t *map, const char *key)
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

const char *ld_scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

char *ld_dupscalar(yaml_node_t *n)
{
	const char *s = ld_scalar(n);
	return s ? lb_strdup(s) : NULL;
}

int ld_is_null(yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL") || !strcmp(s, "~");
}

int ld_fail(struct ld *d, yaml_node_t *n, const char *why)
{
	if (n)
		d->line = (unsigned)n->start_mark.line + 1;
	d->why = why;
	return -1;
}

int ld_unsupported(struct ld *d, yaml_node_t *n, const char *feature)
{
	if (n)
		d->line = (unsigned)n->start_mark.line + 1;
	snprintf(d->featbuf, sizeof d->featbuf, "%s", feature);
	d->feature = d->featbuf;
	return -1;
}

/* A scalar or a list of scalars as a string array (tags, rules, group-by). */
int ld_strlist(struct ld *d, yaml_node_t *n, char ***out, size_t *nout, size_t max)
{
	if (!n)
		return 0;
	if (n->type == YAML_SCALAR_NODE) {
		*out = lb_calloc(1, sizeof **out);
		(*out)[(*nout)++] = lb_strdup(ld_scalar(n));
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return ld_fail(d, n, L_("expected a list of words", "単語のリストが必要です"));
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt > max)
		return ld_fail(d, n, L_("list too long", "リストが長すぎます"));
	*out = lb_calloc(cnt + 1, sizeof **out);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const char *s = ld_scalar(yaml_document_get_node(d->doc, *it));
		if (!s)
			return ld_fail(d, n, L_("expected a list of words", "単語のリストが必要です"));
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
		return ld_unsupported(d, vn, "nested map or list as a value");
	int nul = ld_is_null(vn);
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
			return ld_unsupported(d, vn, "all with base64, base64offset or windash");
		nvar = lr_expand(s, n, mods, nmods, var, varlen);
	}
	int rc = 0;
	for (int k = 0; k < nvar; k++) {
		if (++d->nvalues > DOC_VALUES_MAX) {
			rc = ld_fail(d, vn, L_("too many values in one rule", "1 つのルールの値が多すぎます"));
		} else if (rc == 0) {
			it->v = lb_reallocarray(it->v, it->nv + 1, sizeof *it->v);
			const char *feat = NULL, *why = NULL;
			if (lr_val_compile(&it->v[it->nv], var[k], varlen[k], nul, mods, nmods, keyword, &feat, &why) <
			    0) {
				rc = feat ? ld_unsupported(d, vn, feat) : ld_fail(d, vn, why);
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
				return ld_fail(d, kn, L_("too many modifiers", "修飾子が多すぎます"));
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
			rc = ld_fail(d, vn, L_("an empty list of values", "値のリストが空です"));
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
		if (!ld_scalar(kn) || !vn)
			return ld_fail(d, m,
			               L_("a selection's keys must be field names",
			                  "選択のキーはフィールド名でなければなりません"));
		alt->items = lb_reallocarray(alt->items, alt->n + 1, sizeof *alt->items);
		if (read_item(d, &alt->items[alt->n], ld_scalar(kn), kn, vn) < 0) {
			item_release(&alt->items[alt->n]);
			return -1;
		}
		alt->n++;
	}
	if (alt->n == 0)
		return ld_fail(d, m, L_("an empty selection", "選択が空です"));
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
		return ld_fail(d, n,
		               L_("a selection must be a map, a list of maps or a list of keywords",
		                  "選択はマップ、マップのリスト、キーワードのリストのいずれかです"));
	for (yaml_node_item_t *p = n->data.sequence.items.start; p < n->data.sequence.items.top; p++) {
		yaml_node_t *m = yaml_document_get_node(d->doc, *p);
		if (m->type != YAML_MAPPING_NODE)
			return ld_fail(
			        d, m,
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
		return ld_fail(d, det, L_("no detection map", "detection のマップがありません"));
	yaml_node_t *cond = NULL;
	for (yaml_node_pair_t *p = det->data.mapping.pairs.start; p < det->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(d->doc, p->key),
		            *vn = yaml_document_get_node(d->doc, p->value);
		const char *k = ld_scalar(kn);
		if (!k || !vn)
			return ld_fail(
			        d, kn,
			        L_("a detection key must be a word", "detection のキーは単語でなければなりません"));
		if (!strcmp(k, "condition")) {
			cond = vn;
			continue;
		}
		if (!strcmp(k, "timeframe"))
			return ld_unsupported(d, kn, "timeframe (Sigma 1 aggregation; use a correlation)");
		r->sels = lb_reallocarray(r->sels, r->nsels + 1, sizeof *r->sels);
		struct lr_sel *s = &r->sels[r->nsels++];
		memset(s, 0, sizeof *s);
		s->name = lb_strdup(k);
		if (read_sel(d, s, vn) < 0)
			return -1;
	}
	if (!cond)
		return ld_fail(d, det, L_("detection has no condition", "detection に condition がありません"));
	/* a list of conditions: any of them */
	struct buf c = {0};
	if (cond->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *p = cond->data.sequence.items.start; p < cond->data.sequence.items.top; p++) {
			const char *s = ld_scalar(yaml_document_get_node(d->doc, *p));
			if (!s) {
				buf_release(&c);
				return ld_fail(
				        d, cond,
				        L_("a condition must be text", "condition は文字列でなければなりません"));
			}
			buf_addf(&c, "%s(%s)", c.len ? " or " : "", s);
		}
	} else if (ld_scalar(cond)) {
		buf_adds(&c, ld_scalar(cond));
	} else {
		return ld_fail(d, cond, L_("a condition must be text", "condition は文字列でなければなりません"));
	}
	const char *feat = NULL, *why = NULL;
	r->cond = lr_cond_parse(buf_cstr(&c), r->sels, r->nsels, &feat, &why);
	buf_release(&c);
	if (!r->cond)
		return feat ? ld_unsupported(d, cond, feat) : ld_fail(d, cond, why);
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

int ld_read_titles(struct ld *d, yaml_node_t *root, char **en, char **ja)
{
	*en = ld_dupscalar(ld_get(d, root, "title"));
	*ja = ld_dupscalar(ld_get(d, root, "title_ja"));
	if (!*ja)
		*ja = ld_dupscalar(ld_get(d, ld_get(d, root, "lifeboat"), "title_ja"));
	if (!*en)
		return ld_fail(d, root, L_("no title", "title がありません"));
	return 0;
}

static void read_doc(struct ld *d, struct logs_ruleset *rs, yaml_node_t *root, int *loaded)
{
	d->line = (unsigned)root->start_mark.line + 1;
	d->feature = d->why = NULL;
	d->nvalues = 0;
	const char *id = ld_scalar(ld_get(d, root, "id"));
	if (!id)
		id = ld_scalar(ld_get(d, root, "title"));
	if (root->type != YAML_MAPPING_NODE) {
		lr_skip_add(rs, d->file, d->line, id, NULL,
		            L_("a rule must be a YAML map", "ルールは YAML のマップでなければなりません"));
		return;
	}
	if (ld_get(d, root, "action")) {
		lr_skip_add(rs, d->file, d->line, id, "rule collection action (Sigma 1)", NULL);
		return;
	}
	yaml_node_t *cn = ld_get(d, root, "correlation");
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
	r->id = ld_dupscalar(ld_get(d, root, "id"));
	r->name = ld_dupscalar(ld_get(d, root, "name"));
	r->level = ld_dupscalar(ld_get(d, root, "level"));
	r->status = ld_dupscalar(ld_get(d, root, "status"));
	r->author = ld_dupscalar(ld_get(d, root, "author"));
	yaml_node_t *ls = ld_get(d, root, "logsource");
	r->product = ld_dupscalar(ld_get(d, ls, "product"));
	r->service = ld_dupscalar(ld_get(d, ls, "service"));
	r->category = ld_dupscalar(ld_get(d, ls, "category"));
	int rc = ld_read_titles(d, root, &r->title_en, &r->title_ja);
	if (rc == 0)
		rc = ld_strlist(d, ld_get(d, root, "tags"), &r->tags, &r->ntags, 256);
	if (rc == 0)
		rc = read_detection(d, r, ld_get(d, root, "detection"));
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
