/*
 * checklist_yaml.c - the strict YAML reading shared by the edition and answers readers (checklist_int.h), and the
 * owned string list. The answers file is hand-edited by a hospital office: hostile-input rules apply.
 */
#include "checklist_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cl_strs_add(struct cl_strs *l, const char *s)
{
	l->v = lb_reallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = lb_strdup(s);
}

void cl_strs_addf(struct cl_strs *l, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	l->v = lb_reallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = buf_detach(&b, NULL);
}

int cl_strs_has(const struct cl_strs *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void cl_strs_free(struct cl_strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void cl_text_free(struct cl_text *t)
{
	free(t->ja);
	free(t->en);
	t->ja = t->en = NULL;
}

/* audit stands on core alone, so it checks UTF-8 itself (strict: no overlongs, surrogates or > U+10FFFF). */
int cl_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	while (p < e) {
		unsigned c = *p++;
		int more;
		unsigned min, cp;
		if (c < 0x80)
			continue;
		if ((c & 0xe0) == 0xc0)
			more = 1, min = 0x80, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			more = 2, min = 0x800, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			more = 3, min = 0x10000, cp = c & 0x07;
		else
			return 0;
		if (e - p < more)
			return 0;
		for (int i = 0; i < more; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		p += more;
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

int cl_yaml_err(const struct cl_yaml *y, int line, const char *en, const char *ja, ...)
{
	char reason[1024];
	va_list ap;
	va_start(ap, ja);
	vsnprintf(reason, sizeof(reason), lb_tr(en, ja), ap);
	va_end(ap);
	for (char *p = reason; *p; p++) /* one line, whatever libyaml's message held */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return lb_error(LB_EINVAL, "%s:%d: %s", y->name, line, reason);
}

int cl_yaml_line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

int cl_yaml_load(struct cl_yaml *y, const char *name, const char *data, size_t len)
{
	memset(y, 0, sizeof(*y));
	y->name = name;
	if (len > CL_FILE_MAX)
		return cl_yaml_err(y, 1, "the file is %zu bytes; at most %d", "ファイルが %zu バイトあります (上限 %d)",
		                   len, CL_FILE_MAX);
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return lb_error_tr(LB_ENOMEM, "libyaml cannot start", "libyaml を開始できません");
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&p, &y->doc)) {
		int rc = cl_yaml_err(y, (int)p.problem_mark.line + 1, "YAML syntax: %s", "YAML の構文エラー: %s",
		                     p.problem ? p.problem : "?");
		yaml_parser_delete(&p);
		return rc;
	}
	/* a second document would be ignored silently: refuse it */
	yaml_document_t second;
	int rc = 0;
	if (yaml_parser_load(&p, &second)) {
		const yaml_node_t *r = yaml_document_get_root_node(&second);
		if (r)
			rc = cl_yaml_err(y, cl_yaml_line(r), "the file holds one YAML document (--- starts a second)",
			                 "ファイルに書ける YAML 文書は 1 つです (--- で 2 つ目が始まっています)");
		yaml_document_delete(&second);
	} else {
		rc = cl_yaml_err(y, (int)p.problem_mark.line + 1, "YAML syntax: %s", "YAML の構文エラー: %s",
		                 p.problem ? p.problem : "?");
	}
	yaml_parser_delete(&p);
	if (rc < 0) {
		yaml_document_delete(&y->doc);
		return rc;
	}
	y->nnodes = (size_t)(y->doc.nodes.top - y->doc.nodes.start);
	y->seen = lb_calloc(y->nnodes ? y->nnodes : 1, 1);
	return 0;
}

void cl_yaml_free(struct cl_yaml *y)
{
	free(y->seen);
	yaml_document_delete(&y->doc);
	memset(y, 0, sizeof(*y));
}

int cl_yaml_node(struct cl_yaml *y, int i, int from_line, yaml_node_t **out)
{
	yaml_node_t *n = yaml_document_get_node(&y->doc, i);
	if (!n)
		return cl_yaml_err(y, from_line, "the YAML document is broken", "YAML 文書が壊れています");
	size_t k = (size_t)(n - y->doc.nodes.start);
	if (k < y->nnodes && y->seen[k]++)
		return cl_yaml_err(y, cl_yaml_line(n), "anchors and aliases (&, *) are not accepted",
		                   "アンカーと別名 (&, *) は使えません");
	*out = n;
	return 0;
}

int cl_yaml_key_once(struct cl_yaml *y, const yaml_node_t *m, const yaml_node_pair_t *at, const yaml_node_t *k)
{
	const yaml_node_pair_t *start = m->data.mapping.pairs.start;
	if (m->data.mapping.pairs.top - start > CL_MAP_KEYS_MAX)
		return cl_yaml_err(y, cl_yaml_line(m), "a mapping of more than %d keys",
		                   "キーが %d 個を超えるマッピングです", CL_MAP_KEYS_MAX);
	if (k->type != YAML_SCALAR_NODE)
		return cl_yaml_err(y, cl_yaml_line(k), "a key must be text", "キーは文字列にします");
	for (const yaml_node_pair_t *p = start; p < at; p++) {
		const yaml_node_t *o = yaml_document_get_node(&y->doc, p->key);
		if (o && o->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)o->data.scalar.value, (const char *)k->data.scalar.value))
			return cl_yaml_err(y, cl_yaml_line(k), "key '%s' twice (first at line %d)",
			                   "キー '%s' が 2 回あります (最初は %d 行目)",
			                   (const char *)k->data.scalar.value, cl_yaml_line(o));
	}
	return 0;
}

int cl_yaml_root(struct cl_yaml *y, yaml_node_t **out)
{
	yaml_node_t *r = yaml_document_get_root_node(&y->doc);
	if (!r || r->type != YAML_MAPPING_NODE)
		return cl_yaml_err(y, r ? cl_yaml_line(r) : 1, "the file must be a mapping of keys",
		                   "ファイルはキーと値の組 (マッピング) にします");
	int rc = cl_yaml_node(y, 1, 1, out);
	return rc;
}

int cl_yaml_text(struct cl_yaml *y, const yaml_node_t *n, const char *what, int lines, char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "%s must be text", "%s は文字列にします", what);
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	if (strlen(s) != len || !cl_utf8_valid(s, len))
		return cl_yaml_err(y, cl_yaml_line(n), "%s is not valid UTF-8 text",
		                   "%s が正しい UTF-8 の文字列ではありません", what);
	if (len > CL_TEXT_MAX)
		return cl_yaml_err(y, cl_yaml_line(n), "%s is %zu bytes long; at most %d",
		                   "%s が %zu バイトあります (上限 %d)", what, len, CL_TEXT_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t' && !(lines && ch == '\n')) || ch == 0x7f)
			return cl_yaml_err(y, cl_yaml_line(n), "%s holds a control character",
			                   "%s に制御文字があります", what);
	}
	free(*out);
	*out = lb_strndup(s, len);
	return 0;
}

int cl_yaml_date(struct cl_yaml *y, const yaml_node_t *n, const char *what, char out[11])
{
	char *s = NULL;
	int rc = cl_yaml_text(y, n, what, 0, &s);
	if (rc < 0)
		return rc;
	int yy, mm, dd;
	if (strlen(s) != 10 || lb_parse_day(s, &yy, &mm, &dd) < 0 || !lb_date_valid(yy, mm, dd)) {
		rc = cl_yaml_err(y, cl_yaml_line(n), "%s '%s' is not a date YYYY-MM-DD",
		                 "%s '%s' が日付 (YYYY-MM-DD) ではありません", what, s);
	} else {
		memcpy(out, s, 11);
	}
	free(s);
	return rc;
}

int cl_yaml_pair(struct cl_yaml *y, const yaml_node_t *n, const char *what, struct cl_text *out)
{
	int rc = 0;
	if (n->type == YAML_SCALAR_NODE) {
		if ((rc = cl_yaml_text(y, n, what, 0, &out->ja)) == 0)
			out->en = lb_strdup(out->ja);
		return rc;
	}
	if (n->type != YAML_MAPPING_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "%s must be text or {ja: …, en: …}",
		                   "%s は文字列か {ja: …, en: …} にします", what);
	yaml_node_t *k, *v;
	CL_MAP_EACH(y, n, k, v, rc)
	{
		const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		if (!strcmp(key, "ja"))
			rc = cl_yaml_text(y, v, what, 0, &out->ja);
		else if (!strcmp(key, "en"))
			rc = cl_yaml_text(y, v, what, 0, &out->en);
		else
			rc = cl_yaml_err(y, cl_yaml_line(k), "%s: unknown key '%s' (ja, en)",
			                 "%s: 不明なキー '%s' (ja, en のいずれか)", what, key);
	}
	if (rc == 0 && (!out->ja || !out->en))
		rc = cl_yaml_err(y, cl_yaml_line(n), "%s needs both ja and en", "%s には ja と en の両方が必要です",
		                 what);
	return rc;
}
