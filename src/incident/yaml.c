/*
 * yaml.c - loading one YAML document strictly (libyaml's document API) for the card and contact readers, and the
 * value helpers they share. Hostile input: the size is capped before parsing, aliases are refused (a node reached
 * twice), so walking the document is linear in its size; every error is one line "FILE:LINE: reason".
 */
#include "incident_yaml.h"
#include "text/text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int incident_yaml_load(struct incident_yaml *y, const char *name, const char *data, size_t len, const char *what)
{
	memset(y, 0, sizeof(*y));
	y->name = name;
	y->what = what;
	if (len > INCIDENT_CARD_FILE_MAX)
		return incident_yaml_err(y, 1, "the file is %zu bytes; at most %d",
		                         "ファイルが %zu バイトあります (上限 %d)", len, INCIDENT_CARD_FILE_MAX);
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return lb_error_tr(LB_ENOMEM, "libyaml cannot start", "libyaml を開始できません");
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&p, &y->doc)) {
		int rc = incident_yaml_err(y, (int)p.problem_mark.line + 1, "YAML syntax: %s%s%s",
		                           "YAML の構文エラー: %s%s%s", p.problem ? p.problem : "?",
		                           p.context ? ", " : "", p.context ? p.context : "");
		yaml_parser_delete(&p);
		return rc;
	}
	/* a second document in the same file would be ignored silently: refuse it */
	yaml_document_t second;
	int rc = 0;
	if (yaml_parser_load(&p, &second)) {
		const yaml_node_t *r = yaml_document_get_root_node(&second);
		if (r)
			rc = incident_yaml_err(y, (int)r->start_mark.line + 1,
			                       "a %s holds one YAML document (--- starts a second one)",
			                       "%s に書ける YAML 文書は 1 つです (--- で 2 つ目が始まっています)",
			                       what);
		yaml_document_delete(&second);
	} else {
		rc = incident_yaml_err(y, (int)p.problem_mark.line + 1, "YAML syntax: %s", "YAML の構文エラー: %s",
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

void incident_yaml_free(struct incident_yaml *y)
{
	free(y->seen);
	yaml_document_delete(&y->doc);
	memset(y, 0, sizeof(*y));
}

int incident_yaml_err(const struct incident_yaml *c, int line, const char *en, const char *ja, ...)
{
	char reason[1024];
	va_list ap;
	va_start(ap, ja);
	vsnprintf(reason, sizeof(reason), lb_tr(en, ja), ap);
	va_end(ap);
	return lb_error(LB_EINVAL, "%s:%d: %s", c->name, line, reason);
}

int incident_yaml_line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

/* The node of index i, refusing one reached twice (an alias). */
int incident_yaml_node(struct incident_yaml *c, int i, int from_line, yaml_node_t **out)
{
	yaml_node_t *n = yaml_document_get_node(&c->doc, i);
	if (!n)
		return incident_yaml_err(c, from_line, "the YAML document is broken", "YAML 文書が壊れています");
	size_t k = (size_t)(n - c->doc.nodes.start);
	if (k < c->nnodes && c->seen[k]++)
		return incident_yaml_err(c, incident_yaml_line(n),
		                         "anchors and aliases (&, *) are not accepted in a %s",
		                         "%s ではアンカーと別名 (&, *) は使えません", c->what);
	*out = n;
	return 0;
}

const char *incident_yaml_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A text value: a scalar of valid UTF-8 within max bytes, no control characters but tab (and newline when lines). */
int incident_yaml_text(struct incident_yaml *c, const yaml_node_t *n, const char *what, size_t max, int lines,
                       char **out)
{
	const char *s = incident_yaml_scalar(n);
	if (!s)
		return incident_yaml_err(c, incident_yaml_line(n), "%s must be text", "%s は文字列にします", what);
	size_t len = n->data.scalar.length;
	if (strlen(s) != len || !utf8_valid(s, len))
		return incident_yaml_err(c, incident_yaml_line(n), "%s is not valid UTF-8 text",
		                         "%s が正しい UTF-8 の文字列ではありません", what);
	if (len > max)
		return incident_yaml_err(c, incident_yaml_line(n), "%s is %zu bytes long; at most %zu",
		                         "%s が %zu バイトあります (上限 %zu)", what, len, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t' && !(lines && ch == '\n')) || ch == 0x7f)
			return incident_yaml_err(c, incident_yaml_line(n), "%s holds a control character",
			                         "%s に制御文字があります", what);
	}
	size_t b = len;
	while (b > 0 && (s[b - 1] == '\n' || s[b - 1] == ' ' || s[b - 1] == '\t')) /* block scalars end in \n */
		b--;
	if (b == 0)
		return incident_yaml_err(c, incident_yaml_line(n), "%s is empty", "%s が空です", what);
	free(*out);
	*out = lb_strndup(s, b);
	return 0;
}

/*
 * A pair of texts: either one scalar (Japanese only: en is the same) or a mapping {ja, en}. what names it in
 * messages ("the title of card 'x'").
 */
int incident_yaml_ja_en(struct incident_yaml *c, const yaml_node_t *n, const char *what, size_t max, int lines,
                        char **ja, char **en)
{
	if (n->type == YAML_SCALAR_NODE) {
		int rc = incident_yaml_text(c, n, what, max, lines, ja);
		if (rc == 0) {
			free(*en);
			*en = lb_strdup(*ja);
		}
		return rc;
	}
	if (n->type != YAML_MAPPING_NODE)
		return incident_yaml_err(c, incident_yaml_line(n), "%s must be text or {ja: …, en: …}",
		                         "%s は文字列か {ja: …, en: …} にします", what);
	int have_ja = 0, have_en = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k, *v;
		int rc = incident_yaml_node(c, p->key, incident_yaml_line(n), &k);
		if (rc == 0)
			rc = incident_yaml_node(c, p->value, incident_yaml_line(k), &v);
		if (rc < 0)
			return rc;
		const char *key = incident_yaml_scalar(k);
		int is_ja = key && !strcmp(key, "ja"), is_en = key && !strcmp(key, "en");
		if (!is_ja && !is_en)
			return incident_yaml_err(c, incident_yaml_line(k), "unknown key '%s' in %s (ja, en)",
			                         "%s に不明なキー '%s' があります (ja, en)", key ? key : "?", what);
		if ((is_ja && have_ja++) || (is_en && have_en++))
			return incident_yaml_err(c, incident_yaml_line(k), "'%s' is given twice in %s",
			                         "%s に '%s' が 2 回あります", key, what);
		if ((rc = incident_yaml_text(c, v, what, max, lines, is_ja ? ja : en)) < 0)
			return rc;
	}
	if (!have_ja)
		return incident_yaml_err(c, incident_yaml_line(n), "%s has no ja (Japanese)",
		                         "%s に ja (日本語) がありません", what);
	if (!have_en) {
		free(*en);
		*en = lb_strdup(*ja);
	}
	return 0;
}
