/*
 * cards_yaml.c - reading a hospital's action cards from YAML (libyaml), and the shipped defaults.
 *
 * One file per team (docs/incident.md):
 *
 *   team: recovery
 *   cards:
 *     - id: recovery-isolate
 *       phase: initial
 *       due: 1h
 *       owner: {ja: システム復旧班長, en: head of the recovery team}
 *       title: {ja: ネットワークを遮断する, en: Isolate the network}
 *       steps:
 *         - {ja: バックアップ経路を切る, en: Cut the paths to the backups}
 *
 * The reader is strict, because a hospital edits these files by hand and a typo must not silently drop a card:
 * an unknown key, a value of the wrong shape, a bad team, phase or due offset, a missing id or title, a duplicate
 * id, an anchor or alias (&, *), each refuses the whole set with one line "FILE:LINE: reason". Texts must be UTF-8
 * without control characters (newlines allowed in steps). Sizes are capped (INCIDENT_CARD_*), so hostile input
 * cannot make the reader allocate without bound.
 */
#include "incident_int.h"
#include "text/text.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* The shipped cards (data/incident/cards/, one YAML file per team), embedded by src/incident/CMakeLists.txt. */
struct incident_embedded {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct incident_embedded incident_data_cards[];
extern const size_t incident_data_cards_n;

/* What one file's walk needs: its name for messages, the document, which nodes were seen (aliases). */
struct yctx {
	const char *name;
	yaml_document_t doc;
	unsigned char *seen;
	size_t nnodes;
};

static int yerr(const struct yctx *c, int line, const char *en, const char *ja, ...) LB_PRINTF(3, 5);
static int yerr(const struct yctx *c, int line, const char *en, const char *ja, ...)
{
	char reason[1024];
	va_list ap;
	va_start(ap, ja);
	vsnprintf(reason, sizeof(reason), lb_tr(en, ja), ap);
	va_end(ap);
	return lb_error(LB_EINVAL, "%s:%d: %s", c->name, line, reason);
}

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

/* The node of index i, refusing one reached twice (an alias). */
static int node_at(struct yctx *c, int i, int from_line, yaml_node_t **out)
{
	yaml_node_t *n = yaml_document_get_node(&c->doc, i);
	if (!n)
		return yerr(c, from_line, "the YAML document is broken", "YAML 文書が壊れています");
	size_t k = (size_t)(n - c->doc.nodes.start);
	if (k < c->nnodes && c->seen[k]++)
		return yerr(c, line_of(n), "anchors and aliases (&, *) are not accepted in card files",
		            "カードのファイルではアンカーと別名 (&, *) は使えません");
	*out = n;
	return 0;
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A text value: a scalar of valid UTF-8 within max bytes, no control characters but tab (and newline when lines). */
static int text_value(struct yctx *c, const yaml_node_t *n, const char *what, size_t max, int lines, char **out)
{
	const char *s = scalar(n);
	if (!s)
		return yerr(c, line_of(n), "%s must be text", "%s は文字列にします", what);
	size_t len = n->data.scalar.length;
	if (strlen(s) != len || !utf8_valid(s, len))
		return yerr(c, line_of(n), "%s is not valid UTF-8 text", "%s が正しい UTF-8 の文字列ではありません",
		            what);
	if (len > max)
		return yerr(c, line_of(n), "%s is %zu bytes long; at most %zu", "%s が %zu バイトあります (上限 %zu)",
		            what, len, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t' && !(lines && ch == '\n')) || ch == 0x7f)
			return yerr(c, line_of(n), "%s holds a control character", "%s に制御文字があります", what);
	}
	size_t b = len;
	while (b > 0 && (s[b - 1] == '\n' || s[b - 1] == ' ' || s[b - 1] == '\t')) /* block scalars end in \n */
		b--;
	if (b == 0)
		return yerr(c, line_of(n), "%s is empty", "%s が空です", what);
	free(*out);
	*out = lb_strndup(s, b);
	return 0;
}

/*
 * A pair of texts: either one scalar (Japanese only: en is the same) or a mapping {ja, en}. what names it in
 * messages ("the title of card 'x'").
 */
static int ja_en(struct yctx *c, const yaml_node_t *n, const char *what, size_t max, int lines, char **ja, char **en)
{
	if (n->type == YAML_SCALAR_NODE) {
		int rc = text_value(c, n, what, max, lines, ja);
		if (rc == 0) {
			free(*en);
			*en = lb_strdup(*ja);
		}
		return rc;
	}
	if (n->type != YAML_MAPPING_NODE)
		return yerr(c, line_of(n), "%s must be text or {ja: …, en: …}", "%s は文字列か {ja: …, en: …} にします",
		            what);
	int have_ja = 0, have_en = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k, *v;
		int rc = node_at(c, p->key, line_of(n), &k);
		if (rc == 0)
			rc = node_at(c, p->value, line_of(k), &v);
		if (rc < 0)
			return rc;
		const char *key = scalar(k);
		int is_ja = key && !strcmp(key, "ja"), is_en = key && !strcmp(key, "en");
		if (!is_ja && !is_en)
			return yerr(c, line_of(k), "unknown key '%s' in %s (ja, en)",
			            "%s に不明なキー '%s' があります (ja, en)", key ? key : "?", what);
		if ((is_ja && have_ja++) || (is_en && have_en++))
			return yerr(c, line_of(k), "'%s' is given twice in %s", "%s に '%s' が 2 回あります", key,
			            what);
		if ((rc = text_value(c, v, what, max, lines, is_ja ? ja : en)) < 0)
			return rc;
	}
	if (!have_ja)
		return yerr(c, line_of(n), "%s has no ja (Japanese)", "%s に ja (日本語) がありません", what);
	if (!have_en) {
		free(*en);
		*en = lb_strdup(*ja);
	}
	return 0;
}

/* "30m", "2h", "3d", "1h30m" into minutes (at most INCIDENT_CARD_DUE_MAX); -1 when not such an offset. */
static int64_t parse_due(const char *s)
{
	int64_t total = 0;
	int parts = 0;
	while (*s) {
		int64_t v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 7) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		int64_t unit = *s == 'm' ? 1 : *s == 'h' ? 60 : *s == 'd' ? 24 * 60 : 0;
		if (!digits || !unit)
			return -1;
		s++;
		total += v * unit;
		parts++;
		if (total > INCIDENT_CARD_DUE_MAX)
			return -1;
	}
	return parts ? total : -1;
}

void incident_card_release(struct incident_card *k)
{
	free(k->id);
	free(k->title_ja);
	free(k->title_en);
	free(k->owner_ja);
	free(k->owner_en);
	for (size_t i = 0; i < k->nsteps; i++) {
		free(k->steps[i].ja);
		free(k->steps[i].en);
	}
	free(k->steps);
	free(k->file);
	memset(k, 0, sizeof(*k));
}

void incident_cardset_release(struct incident_cardset *s)
{
	for (size_t i = 0; i < s->n; i++)
		incident_card_release(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > INCIDENT_CARD_ID_MAX || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int read_steps(struct yctx *c, const yaml_node_t *n, struct incident_card *k, const char *what)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return yerr(c, line_of(n), "the steps of %s must be a list", "%s の steps はリストにします", what);
	size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (count > INCIDENT_CARD_STEPS_MAX)
		return yerr(c, line_of(n), "%s has %zu steps; at most %d", "%s の手順が %zu 個あります (上限 %d)", what,
		            count, INCIDENT_CARD_STEPS_MAX);
	k->steps = lb_calloc(count ? count : 1, sizeof(*k->steps));
	char step_what[160];
	snprintf(step_what, sizeof(step_what), lb_tr("a step of %s", "%s の手順"), what);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *s;
		int rc = node_at(c, *it, line_of(n), &s);
		if (rc < 0)
			return rc;
		struct incident_card_step *st = &k->steps[k->nsteps++];
		if ((rc = ja_en(c, s, step_what, INCIDENT_TEXT_MAX, 1, &st->ja, &st->en)) < 0)
			return rc;
	}
	return 0;
}

/* One card mapping n into k (the file's team, -1 when it named none). */
static int read_card(struct yctx *c, const yaml_node_t *n, int file_team, struct incident_card *k)
{
	if (n->type != YAML_MAPPING_NODE)
		return yerr(c, line_of(n), "a card must be a mapping (id: …, title: …)",
		            "カードは id: や title: を持つマッピングにします");
	k->line = line_of(n);
	k->team = file_team;
	k->phase = -1;
	k->due_min = -1;
	/* the id first, so that every later message can name the card */
	const yaml_node_t *fields[7] = {0};
	static const char *const keys[7] = {"id", "team", "phase", "due", "owner", "title", "steps"};
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn, *v;
		int rc = node_at(c, p->key, k->line, &kn);
		if (rc == 0)
			rc = node_at(c, p->value, line_of(kn), &v);
		if (rc < 0)
			return rc;
		const char *key = scalar(kn);
		int f = -1;
		for (int i = 0; key && i < 7; i++)
			if (!strcmp(key, keys[i]))
				f = i;
		if (f < 0)
			return yerr(c, line_of(kn),
			            "unknown key '%s' in a card (id, team, phase, due, owner, title, steps)",
			            "カードに不明なキー '%s' があります (id, team, phase, due, owner, title, steps)",
			            key ? key : "?");
		if (fields[f])
			return yerr(c, line_of(kn), "'%s' is given twice in a card", "カードに '%s' が 2 回あります",
			            key);
		fields[f] = v;
	}
	if (!fields[0])
		return yerr(c, k->line, "the card has no id", "カードに id がありません");
	int rc = text_value(c, fields[0], "id", INCIDENT_CARD_ID_MAX, 0, &k->id);
	if (rc < 0)
		return rc;
	if (!valid_id(k->id))
		return yerr(c, line_of(fields[0]), "card id '%s' may hold only a-z, 0-9 and - (at most %d)",
		            "カード id '%s' に使えるのは a-z, 0-9, - だけです (%d 文字まで)", k->id,
		            INCIDENT_CARD_ID_MAX);
	char what[INCIDENT_CARD_ID_MAX + 64];
	snprintf(what, sizeof(what), lb_tr("card '%s'", "カード '%s'"), k->id);
	if (fields[1]) {
		const char *t = scalar(fields[1]);
		k->team = incident_team_parse(t);
		if (k->team < 0)
			return yerr(
			        c, line_of(fields[1]),
			        "card '%s': no team '%s' (hq, recovery, liaison, patients, records, safety)",
			        "カード '%s': 班 '%s' はありません (hq, recovery, liaison, patients, records, safety)",
			        k->id, t ? t : "?");
	}
	if (k->team < 0)
		return yerr(c, k->line, "card '%s' has no team (team: at the top of the file or in the card)",
		            "カード '%s' に班がありません (ファイル先頭かカードに team: を書きます)", k->id);
	if (!fields[2])
		return yerr(c, k->line, "card '%s' has no phase (normal, detection, initial, recovery, after)",
		            "カード '%s' にフェーズがありません (normal, detection, initial, recovery, after)", k->id);
	const char *ph = scalar(fields[2]);
	if ((k->phase = incident_card_phase_parse(ph)) < 0)
		return yerr(c, line_of(fields[2]),
		            "card '%s': no phase '%s' (normal, detection, initial, recovery, after)",
		            "カード '%s': フェーズ '%s' はありません (normal, detection, initial, recovery, after)",
		            k->id, ph ? ph : "?");
	if (fields[3]) {
		const char *d = scalar(fields[3]);
		if (!d || (k->due_min = parse_due(d)) < 0)
			return yerr(
			        c, line_of(fields[3]),
			        "card '%s': due '%s' is not an offset from the declaration like 30m, 2h, 3d, 1h30m (at "
			        "most 365d)",
			        "カード '%s': due '%s' は宣言からの時間 (30m, 2h, 3d, 1h30m のように、365d まで) では"
			        "ありません",
			        k->id, d ? d : "?");
	}
	char part[sizeof(what) + 32];
	if (fields[4]) {
		snprintf(part, sizeof(part), lb_tr("the owner of %s", "%s の担当"), what);
		if ((rc = ja_en(c, fields[4], part, INCIDENT_NAME_MAX, 0, &k->owner_ja, &k->owner_en)) < 0)
			return rc;
	}
	if (!fields[5])
		return yerr(c, k->line, "card '%s' has no title", "カード '%s' に title がありません", k->id);
	snprintf(part, sizeof(part), lb_tr("the title of %s", "%s の title"), what);
	if ((rc = ja_en(c, fields[5], part, INCIDENT_NAME_MAX * 2, 0, &k->title_ja, &k->title_en)) < 0)
		return rc;
	if (fields[6] && (rc = read_steps(c, fields[6], k, what)) < 0)
		return rc;
	k->file = lb_strdup(c->name);
	return 0;
}

/* The cards of the document's root into out (which already holds the cards of earlier files). */
static int read_root(struct yctx *c, struct incident_cardset *out)
{
	yaml_node_t *root = yaml_document_get_root_node(&c->doc);
	if (!root)
		return yerr(c, 1, "the file is empty (a card file holds team: and cards:)",
		            "ファイルが空です (カードのファイルには team: と cards: を書きます)");
	c->seen[root - c->doc.nodes.start] = 1;
	if (root->type != YAML_MAPPING_NODE)
		return yerr(c, line_of(root), "the file must be a mapping with team: and cards:",
		            "ファイルは team: と cards: を持つマッピングにします");
	int team = -1;
	yaml_node_t *cards = NULL;
	int have_team = 0;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k, *v;
		int rc = node_at(c, p->key, line_of(root), &k);
		if (rc == 0)
			rc = node_at(c, p->value, line_of(k), &v);
		if (rc < 0)
			return rc;
		const char *key = scalar(k);
		if (key && !strcmp(key, "team")) {
			if (have_team++)
				return yerr(c, line_of(k), "'team' is given twice", "'team' が 2 回あります");
			const char *t = scalar(v);
			if ((team = incident_team_parse(t)) < 0)
				return yerr(c, line_of(v),
				            "no team '%s' (hq, recovery, liaison, patients, records, safety)",
				            "班 '%s' はありません (hq, recovery, liaison, patients, records, safety)",
				            t ? t : "?");
		} else if (key && !strcmp(key, "cards")) {
			if (cards)
				return yerr(c, line_of(k), "'cards' is given twice", "'cards' が 2 回あります");
			cards = v;
		} else {
			return yerr(c, line_of(k), "unknown key '%s' (team, cards)",
			            "不明なキー '%s' です (team, cards)", key ? key : "?");
		}
	}
	if (!cards)
		return yerr(c, line_of(root), "the file has no cards: list", "ファイルに cards: のリストがありません");
	if (cards->type != YAML_SEQUENCE_NODE)
		return yerr(c, line_of(cards), "cards: must be a list of cards (- id: …)",
		            "cards: はカードのリスト (- id: …) にします");
	for (yaml_node_item_t *it = cards->data.sequence.items.start; it < cards->data.sequence.items.top; it++) {
		yaml_node_t *n;
		int rc = node_at(c, *it, line_of(cards), &n);
		if (rc < 0)
			return rc;
		if (out->n >= INCIDENT_CARDS_MAX)
			return yerr(c, line_of(n), "more than %d cards", "カードが %d 枚を超えています",
			            INCIDENT_CARDS_MAX);
		struct incident_card k = {0};
		if ((rc = read_card(c, n, team, &k)) < 0) {
			incident_card_release(&k);
			return rc;
		}
		for (size_t i = 0; i < out->n; i++)
			if (!strcmp(out->v[i].id, k.id)) {
				rc = yerr(c, k.line, "card id '%s' is used twice (first at %s:%d)",
				          "カード id '%s' が重複しています (最初は %s:%d)", k.id, out->v[i].file,
				          out->v[i].line);
				incident_card_release(&k);
				return rc;
			}
		if (out->n % 16 == 0)
			out->v = lb_realloc(out->v, (out->n + 16) * sizeof(*out->v));
		out->v[out->n++] = k;
	}
	return 0;
}

/* Add the cards of one file's bytes to out; on failure out is left as it was given. */
static int read_one(struct incident_cardset *out, const char *name, const char *data, size_t len)
{
	struct yctx c = {.name = name};
	if (len > INCIDENT_CARD_FILE_MAX)
		return yerr(&c, 1, "the file is %zu bytes; at most %d", "ファイルが %zu バイトあります (上限 %d)", len,
		            INCIDENT_CARD_FILE_MAX);
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return lb_error(LB_ENOMEM, "libyaml cannot start");
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&p, &c.doc)) {
		int rc = yerr(&c, (int)p.problem_mark.line + 1, "YAML syntax: %s%s%s", "YAML の構文エラー: %s%s%s",
		              p.problem ? p.problem : "?", p.context ? ", " : "", p.context ? p.context : "");
		yaml_parser_delete(&p);
		return rc;
	}
	/* a second document in the same file would be ignored silently: refuse it */
	yaml_document_t second;
	int rc = 0;
	if (yaml_parser_load(&p, &second)) {
		if (yaml_document_get_root_node(&second))
			rc = yerr(&c, (int)yaml_document_get_root_node(&second)->start_mark.line + 1,
			          "a card file holds one YAML document (--- starts a second one)",
			          "カードのファイルに書ける YAML 文書は 1 つです (--- で 2 つ目が始まっています)");
		yaml_document_delete(&second);
	} else {
		rc = yerr(&c, (int)p.problem_mark.line + 1, "YAML syntax: %s", "YAML の構文エラー: %s",
		          p.problem ? p.problem : "?");
	}
	yaml_parser_delete(&p);
	if (rc == 0) {
		c.nnodes = (size_t)(c.doc.nodes.top - c.doc.nodes.start);
		c.seen = lb_calloc(c.nnodes ? c.nnodes : 1, 1);
		size_t before = out->n;
		rc = read_root(&c, out);
		if (rc < 0)
			while (out->n > before)
				incident_card_release(&out->v[--out->n]);
		free(c.seen);
	}
	yaml_document_delete(&c.doc);
	return rc;
}

int incident_cards_read_buf(struct incident_cardset *out, const char *name, const char *data, size_t len)
{
	return read_one(out, name, data, len);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_yaml(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' &&
	       ((n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml")));
}

int incident_cards_read_dir(struct incident_cardset *out, const char *dir)
{
	memset(out, 0, sizeof(*out));
	DIR *d = opendir(dir);
	if (!d)
		return lb_error_errno_tr(errno, "cannot read the card folder '%s'",
		                         "カードのフォルダ '%s' を読めません", dir);
	char **names = NULL;
	size_t n = 0;
	const struct dirent *de;
	while ((de = readdir(d)) && n < 256)
		if (is_yaml(de->d_name)) {
			names = lb_realloc(names, (n + 1) * sizeof(*names));
			names[n++] = lb_strdup(de->d_name);
		}
	closedir(d);
	int rc = 0;
	if (n == 0)
		rc = lb_error_tr(LB_EINVAL, "%s: no card files (*.yaml) in the folder",
		                 "%s: フォルダにカードのファイル (*.yaml) がありません", dir);
	if (names)
		qsort(names, n, sizeof(*names), by_name);
	struct buf path = {0}, data = {0};
	for (size_t i = 0; i < n && rc == 0; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]);
		buf_reset(&data);
		rc = buf_read_file(&data, path.data, INCIDENT_CARD_FILE_MAX);
		if (rc == 0)
			rc = read_one(out, path.data, data.data, data.len);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	buf_release(&data);
	if (rc == 0 && out->n == 0)
		rc = lb_error_tr(LB_EINVAL, "%s: the card files hold no cards",
		                 "%s: カードのファイルにカードがありません", dir);
	if (rc < 0)
		incident_cardset_release(out);
	return rc;
}

int incident_cards_defaults(struct incident_cardset *out)
{
	memset(out, 0, sizeof(*out));
	int rc = 0;
	for (size_t i = 0; i < incident_data_cards_n && rc == 0; i++)
		rc = read_one(out, incident_data_cards[i].name, (const char *)incident_data_cards[i].data,
		              incident_data_cards[i].len);
	if (rc < 0)
		incident_cardset_release(out);
	return rc;
}

void incident_cardset_hash(const struct incident_cardset *s, uint8_t out[INCIDENT_HASH_LEN])
{
	static const char tag[] = "lifeboat incident cards v1";
	struct buf b = {0};
	buf_add(&b, tag, sizeof(tag));
	incident_put_u64(&b, s->n);
	for (size_t i = 0; i < s->n; i++) {
		const struct incident_card *k = &s->v[i];
		incident_put_str(&b, k->id);
		incident_put_str(&b, incident_team_name(k->team));
		incident_put_str(&b, incident_card_phase_name(k->phase));
		incident_put_u64(&b, (uint64_t)k->due_min);
		incident_put_str(&b, k->title_ja);
		incident_put_str(&b, k->title_en);
		incident_put_str(&b, k->owner_ja);
		incident_put_str(&b, k->owner_en);
		incident_put_u64(&b, k->nsteps);
		for (size_t j = 0; j < k->nsteps; j++) {
			incident_put_str(&b, k->steps[j].ja);
			incident_put_str(&b, k->steps[j].en);
		}
	}
	crypto_generichash(out, INCIDENT_HASH_LEN, (const unsigned char *)b.data, b.len, NULL, 0);
	buf_release(&b);
}
