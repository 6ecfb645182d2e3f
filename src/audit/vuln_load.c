/*
 * vuln_load.c - reading a known-exploited vulnerability list (data/audit/vulns.yaml; format in docs/inventory.md)
 * strictly, with libyaml's document API. Hostile input: the size is capped before parsing, aliases are refused
 * (so the walk is linear), every string is valid UTF-8 without control characters and within a cap, every version
 * must parse in its product's format, and every error is one line "NAME:LINE: reason".
 */
#include "vuln.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define TEXT_MAX 1024
#define LIST_MAX 256
#define ENTRIES_MAX 4096

struct ld {
	const char *name;
	yaml_document_t doc;
	unsigned char *seen;
	size_t nnodes;
};

static int err(const struct ld *c, int line, const char *en, const char *ja, ...) LB_PRINTF(3, 5);
static int err(const struct ld *c, int line, const char *en, const char *ja, ...)
{
	char reason[512];
	va_list ap;
	va_start(ap, ja);
	vsnprintf(reason, sizeof(reason), lb_tr(en, ja), ap);
	va_end(ap);
	for (char *p = reason; *p; p++) /* what the file said, quoted, stays on the one line */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return lb_error(LB_EINVAL, "%s:%d: %s", c->name, line, reason);
}

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static int node(struct ld *c, int i, int from, yaml_node_t **out)
{
	yaml_node_t *n = yaml_document_get_node(&c->doc, i);
	if (!n)
		return err(c, from, "the YAML document is broken", "YAML 文書が壊れています");
	size_t k = (size_t)(n - c->doc.nodes.start);
	if (k < c->nnodes && c->seen[k]++)
		return err(c, line_of(n), "anchors and aliases (&, *) are not accepted in a vulnerability list",
		           "脆弱性リストではアンカーと別名 (&, *) は使えません");
	*out = n;
	return 0;
}

static int utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char ch = s[i];
		size_t len = ch < 0x80 ? 1 : (ch >> 5) == 6 ? 2 : (ch >> 4) == 14 ? 3 : (ch >> 3) == 30 ? 4 : 0;
		if (!len || i + len > n || (len == 2 && ch < 0xc2))
			return 0;
		for (size_t j = 1; j < len; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		if (len == 3 && ((ch == 0xe0 && s[i + 1] < 0xa0) || (ch == 0xed && s[i + 1] >= 0xa0)))
			return 0;
		if (len == 4 && ((ch == 0xf0 && s[i + 1] < 0x90) || ch > 0xf4 || (ch == 0xf4 && s[i + 1] >= 0x90)))
			return 0;
		i += len;
	}
	return 1;
}

/* A text value: a non-empty scalar of valid UTF-8 within TEXT_MAX bytes, no control characters. */
static int text(struct ld *c, const yaml_node_t *n, const char *what, char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return err(c, line_of(n), "'%s' must be text", "'%s' は文字列にします", what);
	const unsigned char *s = n->data.scalar.value;
	size_t len = n->data.scalar.length;
	if (strlen((const char *)s) != len || !utf8_ok(s, len))
		return err(c, line_of(n), "'%s' is not valid UTF-8 text", "'%s' が正しい UTF-8 の文字列ではありません",
		           what);
	if (len == 0 || len > TEXT_MAX)
		return err(c, line_of(n), "'%s' must be 1 to %d bytes long", "'%s' は 1〜%d バイトにします", what,
		           TEXT_MAX);
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return err(c, line_of(n), "'%s' holds a control character", "'%s' に制御文字があります", what);
	free(*out);
	*out = lb_strndup((const char *)s, len);
	return 0;
}

static int boolean(struct ld *c, const yaml_node_t *n, const char *what, int *out)
{
	const char *s = n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
	if (!strcmp(s, "true") || !strcmp(s, "yes"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "no"))
		*out = 0;
	else
		return err(c, line_of(n), "'%s' must be true or false", "'%s' は true か false にします", what);
	return 0;
}

static int date(struct ld *c, const yaml_node_t *n, const char *what, char out[11])
{
	char *s = NULL;
	int y, m, d, rc = text(c, n, what, &s);
	if (rc == 0 && (strlen(s) != 10 || lb_parse_day(s, &y, &m, &d) < 0 || y < 1990 || y > 2200))
		rc = err(c, line_of(n), "'%s' must be a date YYYY-MM-DD", "'%s' は YYYY-MM-DD の日付にします", what);
	if (rc == 0)
		memcpy(out, s, 11);
	free(s);
	return rc;
}

/* A sequence of texts (at most LIST_MAX). */
static int texts(struct ld *c, const yaml_node_t *n, const char *what, char ***out, size_t *nout)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return err(c, line_of(n), "'%s' must be a list", "'%s' はリストにします", what);
	size_t k = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (k == 0 || k > LIST_MAX)
		return err(c, line_of(n), "'%s' must hold 1 to %d items", "'%s' には 1〜%d 個を書きます", what,
		           LIST_MAX);
	*out = lb_calloc(k, sizeof(char *));
	*nout = k;
	for (size_t i = 0; i < k; i++) {
		yaml_node_t *v;
		int rc = node(c, n->data.sequence.items.start[i], line_of(n), &v);
		if (rc == 0)
			rc = text(c, v, what, &(*out)[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Walk a mapping: each key must be one of keys (NULL-terminated), none twice; fn handles each pair. */
typedef int (*pair_fn)(struct ld *c, void *ctx, const char *key, yaml_node_t *v);
static int mapping(struct ld *c, const yaml_node_t *n, const char *what, const char *const *keys, void *ctx, pair_fn fn)
{
	if (n->type != YAML_MAPPING_NODE)
		return err(c, line_of(n), "%s must be a mapping (key: value)", "%s は key: value の形にします", what);
	unsigned seen = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k, *v;
		int rc = node(c, p->key, line_of(n), &k);
		if (rc == 0)
			rc = node(c, p->value, line_of(k), &v);
		if (rc < 0)
			return rc;
		const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], key))
			i++;
		if (!keys[i])
			return err(c, line_of(k), "unknown key '%.64s' in %s", "%2$s に不明なキー '%1$.64s' があります",
			           key, what);
		if (seen & (1u << i))
			return err(c, line_of(k), "'%s' is given twice in %s", "%2$s に '%1$s' が 2 回あります", key,
			           what);
		seen |= 1u << i;
		if ((rc = fn(c, ctx, key, v)) < 0)
			return rc;
	}
	return 0;
}

/* ---- one range ---------------------------------------------------------------------------------------------- */

struct range_ctx {
	struct vuln_entry *e;
	struct vuln_range *r;
};

static int version_of(struct ld *c, const struct vuln_entry *e, yaml_node_t *v, const char *what, int train, char **s,
                      struct vuln_version *out)
{
	int rc = text(c, v, what, s);
	if (rc == 0 && vuln_version_parse(e->fmt, *s, train, out) < 0)
		rc = err(c, line_of(v), "%s of %s: %s", "%2$s の %1$s: %3$s", what, e->cve, lb_errmsg());
	return rc;
}

static int range_pair(struct ld *c, void *ctx, const char *key, yaml_node_t *v)
{
	struct range_ctx *x = ctx;
	struct vuln_range *r = x->r;
	if (!strcmp(key, "train"))
		return version_of(c, x->e, v, "train", 1, &r->train_s, &r->train);
	if (!strcmp(key, "introduced"))
		return version_of(c, x->e, v, "introduced", 0, &r->introduced_s, &r->introduced);
	if (!strcmp(key, "fixed"))
		return version_of(c, x->e, v, "fixed", 0, &r->fixed_s, &r->fixed);
	if (!strcmp(key, "last_affected"))
		return version_of(c, x->e, v, "last_affected", 0, &r->last_affected_s, &r->last_affected);
	if (!strcmp(key, "note"))
		return text(c, v, "note", &r->note);
	if (!strcmp(key, "unverified"))
		return boolean(c, v, "unverified", &r->unverified);
	/* products: a subset of the entry's */
	int rc = texts(c, v, "products", &r->products, &r->nproducts);
	for (size_t i = 0; rc == 0 && i < r->nproducts; i++) {
		size_t j = 0;
		while (j < x->e->nproducts && strcmp(x->e->products[j], r->products[i]))
			j++;
		if (j == x->e->nproducts)
			rc = err(c, line_of(v), "product '%s' of a range is not one of %s's products",
			         "範囲の製品 '%s' は %s の製品にありません", r->products[i], x->e->cve);
	}
	return rc;
}

static int range_prefix_ok(const struct vuln_range *r, const struct vuln_version *v)
{
	return vuln_version_in_train(v, &r->train);
}

static int range_check(struct ld *c, const struct vuln_entry *e, const struct vuln_range *r)
{
	if (!r->train_s)
		return err(c, r->line, "a range of %s has no 'train'", "%s の範囲に 'train' がありません", e->cve);
	const struct {
		const char *s, *what;
		const struct vuln_version *v;
	} bounds[] = {{r->introduced_s, "introduced", &r->introduced},
	              {r->fixed_s, "fixed", &r->fixed},
	              {r->last_affected_s, "last_affected", &r->last_affected}};
	for (size_t i = 0; i < LB_ARRAY_LEN(bounds); i++)
		if (bounds[i].s && !range_prefix_ok(r, bounds[i].v))
			return err(c, r->line, "%s %s of %s is not in train %s",
			           "%3$s の %1$s %2$s は系列 %4$s にありません", bounds[i].what, bounds[i].s, e->cve,
			           r->train_s);
	if (r->introduced_s && r->fixed_s && vuln_version_cmp(&r->introduced, &r->fixed) >= 0)
		return err(c, r->line, "%s: introduced %s is not before fixed %s",
		           "%s: introduced %s が fixed %s より前ではありません", e->cve, r->introduced_s, r->fixed_s);
	if (r->introduced_s && r->last_affected_s && vuln_version_cmp(&r->introduced, &r->last_affected) > 0)
		return err(c, r->line, "%s: introduced %s is after last_affected %s",
		           "%s: introduced %s が last_affected %s より後です", e->cve, r->introduced_s,
		           r->last_affected_s);
	if (r->last_affected_s && r->fixed_s && vuln_version_cmp(&r->last_affected, &r->fixed) >= 0)
		return err(c, r->line, "%s: last_affected %s is not before fixed %s",
		           "%s: last_affected %s が fixed %s より前ではありません", e->cve, r->last_affected_s,
		           r->fixed_s);
	return 0;
}

/* Two ranges of one CVE with the same train and overlapping products would contradict each other. */
static int ranges_distinct(struct ld *c, const struct vuln_entry *e)
{
	for (size_t i = 0; i < e->nranges; i++)
		for (size_t j = 0; j < i; j++) {
			const struct vuln_range *a = &e->ranges[i], *b = &e->ranges[j];
			if (a->train.n != b->train.n || !vuln_version_in_train(&a->train, &b->train))
				continue;
			int overlap = !a->nproducts || !b->nproducts;
			for (size_t p = 0; !overlap && p < a->nproducts; p++)
				for (size_t q = 0; q < b->nproducts; q++)
					overlap |= !strcmp(a->products[p], b->products[q]);
			if (overlap)
				return err(c, a->line, "%s: train %s is given twice (line %d)",
				           "%s: 系列 %s が 2 回あります (%d 行目)", e->cve, a->train_s, b->line);
		}
	return 0;
}

/* ---- one entry ---------------------------------------------------------------------------------------------- */

static int summary_pair(struct ld *c, void *ctx, const char *key, yaml_node_t *v)
{
	struct vuln_entry *e = ctx;
	return text(c, v, key, !strcmp(key, "en") ? &e->summary_en : &e->summary_ja);
}

static int cve_ok(const char *s)
{
	if (strncmp(s, "CVE-", 4) || strlen(s) < 13 || strlen(s) > 20)
		return 0;
	for (int i = 4; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (s[8] != '-')
		return 0;
	for (const char *p = s + 9; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

static int entry_pair(struct ld *c, void *ctx, const char *key, yaml_node_t *v)
{
	struct vuln_entry *e = ctx;
	if (!strcmp(key, "cve")) {
		int rc = text(c, v, "cve", &e->cve);
		if (rc == 0 && !cve_ok(e->cve))
			rc = err(c, line_of(v), "'%.32s' is not a CVE id (CVE-2024-3400)",
			         "'%.32s' は CVE 番号ではありません (CVE-2024-3400)", e->cve);
		return rc;
	}
	if (!strcmp(key, "vendor"))
		return text(c, v, "vendor", &e->vendor);
	if (!strcmp(key, "name"))
		return text(c, v, "name", &e->name);
	if (!strcmp(key, "kev_date_added")) {
		char d[11];
		int rc = date(c, v, "kev_date_added", d);
		if (rc == 0)
			e->kev_date = lb_strdup(d);
		return rc;
	}
	if (!strcmp(key, "ransomware"))
		return boolean(c, v, "ransomware", &e->ransomware);
	if (!strcmp(key, "unverified"))
		return boolean(c, v, "unverified", &e->unverified);
	if (!strcmp(key, "sources"))
		return texts(c, v, "sources", &e->sources, &e->nsources);
	if (!strcmp(key, "summary")) {
		static const char *const keys[] = {"en", "ja", NULL};
		return mapping(c, v, "summary", keys, e, summary_pair);
	}
	if (!strcmp(key, "products")) {
		int rc = texts(c, v, "products", &e->products, &e->nproducts);
		for (size_t i = 0; rc == 0 && i < e->nproducts; i++) {
			const char *vid = NULL, *pid = NULL;
			enum vuln_format f = vuln_product_format(e->vendor, e->products[i], &vid, &pid);
			if (f == VULN_FMT_NONE || strcmp(pid, e->products[i]) || strcmp(vid, e->vendor)) {
				struct buf known = {0};
				vuln_products_names(&known);
				rc = err(c, line_of(v), "unknown product '%s/%s' (known: %s)",
				         "不明な製品 '%s/%s' です (既知: %s)", e->vendor ? e->vendor : "?",
				         e->products[i], known.data);
				buf_release(&known);
			} else if (e->fmt && f != e->fmt)
				rc = err(c, line_of(v), "the products of %s use different version formats",
				         "%s の製品のバージョン形式が異なります", e->cve ? e->cve : "?");
			e->fmt = f;
		}
		return rc;
	}
	/* affected: read after vendor and products (checked by the caller's key order) */
	if (!e->fmt || !e->cve)
		return err(c, line_of(v), "'affected' must come after 'cve', 'vendor' and 'products'",
		           "'affected' は 'cve'、'vendor'、'products' の後に書きます");
	if (v->type != YAML_SEQUENCE_NODE)
		return err(c, line_of(v), "'affected' must be a list", "'affected' はリストにします");
	size_t k = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (k == 0 || k > LIST_MAX)
		return err(c, line_of(v), "'affected' must hold 1 to %d ranges",
		           "'affected' には 1〜%d 個の範囲を書きます", LIST_MAX);
	e->ranges = lb_calloc(k, sizeof(*e->ranges));
	static const char *const keys[] = {"train", "introduced", "fixed",    "last_affected",
	                                   "note",  "unverified", "products", NULL};
	for (size_t i = 0; i < k; i++) {
		yaml_node_t *rn;
		int rc = node(c, v->data.sequence.items.start[i], line_of(v), &rn);
		if (rc < 0)
			return rc;
		struct vuln_range *r = &e->ranges[e->nranges++];
		r->line = line_of(rn);
		struct range_ctx x = {e, r};
		if ((rc = mapping(c, rn, "a range", keys, &x, range_pair)) < 0 || (rc = range_check(c, e, r)) < 0)
			return rc;
	}
	return ranges_distinct(c, e);
}

static int entry_check(struct ld *c, const struct vuln_entry *e)
{
	static const char *const need[] = {"cve",     "vendor",  "products", "name",
	                                   "summary", "sources", "affected", "kev_date_added"};
	const void *have[] = {e->cve,        e->vendor,  e->products, e->name,
	                      e->summary_en, e->sources, e->ranges,   e->kev_date};
	for (size_t i = 0; i < LB_ARRAY_LEN(need); i++)
		if (!have[i])
			return err(c, e->line, "the entry %s has no '%s'", "項目 %s に '%s' がありません",
			           e->cve ? e->cve : "?", need[i]);
	if (!e->summary_ja)
		return err(c, e->line, "the summary of %s has no ja (Japanese)",
		           "%s の summary に ja (日本語) がありません", e->cve);
	return 0;
}

/* ---- the document ------------------------------------------------------------------------------------------- */

struct top_ctx {
	struct vuln_db *db;
	int schema, have_asof, have_vulns, have_version;
};

static int top_pair(struct ld *c, void *ctx, const char *key, yaml_node_t *v)
{
	struct top_ctx *t = ctx;
	struct vuln_db *db = t->db;
	if (!strcmp(key, "as_of")) {
		t->have_asof = 1;
		return date(c, v, "as_of", db->as_of);
	}
	if (!strcmp(key, "schema") || !strcmp(key, "version")) {
		const char *s = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
		char *end;
		long x = strtol(s, &end, 10);
		if (!*s || *end || x < 1 || x > 1000000)
			return err(c, line_of(v), "'%s' must be a whole number", "'%s' は整数にします", key);
		if (!strcmp(key, "version")) {
			t->have_version = 1;
			db->version = x;
		} else if ((t->schema = (int)x) != VULN_SCHEMA)
			return err(c, line_of(v), "schema %ld is not one this lifeboat reads (%d): update lifeboat",
			           "schema %ld はこの lifeboat では読めません (%d)。lifeboat を更新してください", x,
			           VULN_SCHEMA);
		return 0;
	}
	t->have_vulns = 1;
	if (v->type != YAML_SEQUENCE_NODE)
		return err(c, line_of(v), "'vulns' must be a list", "'vulns' はリストにします");
	size_t k = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (k > ENTRIES_MAX)
		return err(c, line_of(v), "%zu entries; at most %d", "項目が %zu 件あります (上限 %d)", k, ENTRIES_MAX);
	db->v = lb_calloc(k ? k : 1, sizeof(*db->v));
	static const char *const keys[] = {"cve",     "vendor",  "products", "name",       "kev_date_added",
	                                   "summary", "sources", "affected", "ransomware", "unverified",
	                                   NULL};
	for (size_t i = 0; i < k; i++) {
		yaml_node_t *en;
		int rc = node(c, v->data.sequence.items.start[i], line_of(v), &en);
		if (rc < 0)
			return rc;
		struct vuln_entry *e = &db->v[db->n++];
		e->line = line_of(en);
		if ((rc = mapping(c, en, "an entry", keys, e, entry_pair)) < 0 || (rc = entry_check(c, e)) < 0)
			return rc;
		for (size_t j = 0; j + 1 < db->n; j++)
			if (!strcmp(db->v[j].cve, e->cve))
				return err(c, e->line, "%s is listed twice (line %d)", "%s が 2 回あります (%d 行目)",
				           e->cve, db->v[j].line);
	}
	return 0;
}

static int load_doc(struct ld *c, const char *data, size_t len)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return lb_error_tr(LB_ENOMEM, "libyaml cannot start", "libyaml を開始できません");
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	int rc = 0;
	if (!yaml_parser_load(&p, &c->doc)) {
		rc = err(c, (int)p.problem_mark.line + 1, "YAML syntax: %s", "YAML の構文エラー: %s",
		         p.problem ? p.problem : "?");
		yaml_parser_delete(&p);
		return rc;
	}
	yaml_document_t second;
	if (yaml_parser_load(&p, &second)) {
		const yaml_node_t *r = yaml_document_get_root_node(&second);
		if (r)
			rc = err(c, line_of(r),
			         "a vulnerability list holds one YAML document (--- starts a second one)",
			         "脆弱性リストに書ける YAML 文書は 1 つです (--- で 2 つ目が始まっています)");
		yaml_document_delete(&second);
	} else
		rc = err(c, (int)p.problem_mark.line + 1, "YAML syntax: %s", "YAML の構文エラー: %s",
		         p.problem ? p.problem : "?");
	yaml_parser_delete(&p);
	if (rc < 0) {
		yaml_document_delete(&c->doc);
		return rc;
	}
	c->nnodes = (size_t)(c->doc.nodes.top - c->doc.nodes.start);
	c->seen = lb_calloc(c->nnodes ? c->nnodes : 1, 1);
	return 0;
}

int vuln_db_load_buf(struct vuln_db *db, const char *name, const char *data, size_t len)
{
	memset(db, 0, sizeof(*db));
	struct ld c = {.name = name};
	if (len > VULN_FILE_MAX)
		return err(&c, 1, "the file is %zu bytes; at most %d", "ファイルが %zu バイトあります (上限 %d)", len,
		           VULN_FILE_MAX);
	int rc = load_doc(&c, data, len);
	if (rc < 0)
		return rc;
	const yaml_node_t *root = yaml_document_get_root_node(&c.doc);
	struct top_ctx t = {.db = db};
	static const char *const keys[] = {"schema", "version", "as_of", "vulns", NULL};
	if (!root)
		rc = err(&c, 1, "the file is empty", "ファイルが空です");
	else
		rc = mapping(&c, root, "the list", keys, &t, top_pair);
	if (rc == 0 && (!t.schema || !t.have_version || !t.have_asof || !t.have_vulns))
		rc = err(&c, 1, "a vulnerability list needs schema, version, as_of and vulns",
		         "脆弱性リストには schema, version, as_of, vulns が必要です");
	free(c.seen);
	yaml_document_delete(&c.doc);
	if (rc < 0) {
		vuln_db_release(db);
		return rc;
	}
	db->origin = lb_strdup(name);
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void vuln_db_release(struct vuln_db *db)
{
	for (size_t i = 0; i < db->n; i++) {
		struct vuln_entry *e = &db->v[i];
		free(e->cve), free(e->vendor), free(e->name), free(e->summary_en), free(e->summary_ja),
		        free(e->kev_date);
		strv_free(e->products, e->nproducts);
		strv_free(e->sources, e->nsources);
		for (size_t j = 0; j < e->nranges; j++) {
			struct vuln_range *r = &e->ranges[j];
			free(r->train_s), free(r->introduced_s), free(r->fixed_s), free(r->last_affected_s),
			        free(r->note);
			strv_free(r->products, r->nproducts);
		}
		free(e->ranges);
	}
	free(db->v);
	free(db->origin);
	memset(db, 0, sizeof(*db));
}
