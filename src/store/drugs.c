/*
 * drugs.c - read side of the drug master: one drug by any of its codes, the three-character search (brand name,
 * kana reading, generic name, codes) and the products of one ingredient, for `lifeboat rx` and the station.
 *
 * The search keys (key_name, key_kana, key_generic) were written at ingest with text_search_key, so a query folded
 * the same way meets them whatever width or script it was typed in. The master is small (a hospital's is a few
 * thousand rows), so a scan with instr() is fast and needs no LIKE escaping of what users type.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define DRUG_COLS                                                                                                     \
	"code, name, generic_name, kana, form, unit, max_daily_dose, pregnancy, interaction_groups, allergy_classes," \
	" yj_code, hot_code, age_min_months, age_below_months, contraindicated_groups, therapeutic_class, strength,"  \
	" period_days, narrow_therapeutic, high_alert, confusable, max_per_kg_day, elderly"
#define DRUG_NCOLS 23

static const char *keep(struct store_drugs *d, sqlite3_stmt *q, int i)
{
	const char *t = (const char *)sqlite3_column_text(q, i);
	if (!t)
		return NULL;
	if (d->nstrs == d->capstrs) {
		d->capstrs = d->capstrs ? d->capstrs * 2 : 64;
		d->strs = lb_reallocarray(d->strs, d->capstrs, sizeof(*d->strs));
	}
	return d->strs[d->nstrs++] = lb_strdup(t);
}

static struct store_drug_item *push(struct store_drugs *d, sqlite3_stmt *q)
{
	if ((d->n & (d->n - 1)) == 0) /* grow at powers of two */
		d->v = lb_reallocarray(d->v, d->n ? d->n * 2 : 1, sizeof(*d->v));
	struct store_drug_item *it = &d->v[d->n++];
	memset(it, 0, sizeof(*it));
	struct ehr_drug *g = &it->drug;
	g->code = keep(d, q, 0);
	g->name = keep(d, q, 1);
	g->generic_name = keep(d, q, 2);
	g->kana = keep(d, q, 3);
	g->form = keep(d, q, 4);
	g->unit = keep(d, q, 5);
	g->max_daily_dose = sqlite3_column_type(q, 6) == SQLITE_NULL ? 0 : sqlite3_column_double(q, 6);
	g->pregnancy = keep(d, q, 7);
	g->interaction_groups = keep(d, q, 8);
	g->allergy_classes = keep(d, q, 9);
	g->yj_code = keep(d, q, 10);
	g->hot_code = keep(d, q, 11);
	g->age_min_months = sqlite3_column_int(q, 12);
	g->age_below_months = sqlite3_column_int(q, 13);
	g->contraindicated_groups = keep(d, q, 14);
	g->therapeutic_class = keep(d, q, 15);
	g->strength = keep(d, q, 16);
	g->period_days = sqlite3_column_int(q, 17);
	g->narrow_therapeutic = sqlite3_column_int(q, 18);
	g->high_alert = sqlite3_column_int(q, 19);
	g->confusable = keep(d, q, 20);
	g->max_per_kg_day = sqlite3_column_type(q, 21) == SQLITE_NULL ? 0 : sqlite3_column_double(q, 21);
	g->elderly = keep(d, q, 22);
	return it;
}

/* The statements are prepared once per handle (store_cached_stmt: rx_check looks up a drug per active medicine,
 * the search one sibling list per hit) and reset after use, so that no read lock outlives the call. */
static const char sql_get[] = "SELECT " DRUG_COLS " FROM drugs WHERE code=?1 UNION ALL"
                              " SELECT * FROM (SELECT " DRUG_COLS " FROM drugs WHERE code<>?1 AND (yj_code=?1 OR"
                              " hot_code=?1) ORDER BY code) LIMIT 1";

int store_drug_get(struct store *s, const char *code, struct store_drugs *out)
{
	sqlite3_stmt *q = store_cached_stmt(s, sql_get);
	if (!q)
		return store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	int found = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		push(out, q);
		found = 1;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return found ? 0
	             : lb_error_tr(LB_ENOTFOUND, "no drug '%s' in the drug master",
	                           "医薬品マスタに薬品 '%s' がありません", code);
}

/* Each EXISTS stops at the first product with a value: a full master answers at once, a lean one scans. */
static const char sql_has[] =
        "SELECT EXISTS(SELECT 1 FROM drugs WHERE max_daily_dose > 0),"
        " EXISTS(SELECT 1 FROM drugs WHERE allergy_classes IS NOT NULL AND allergy_classes <> ''),"
        " EXISTS(SELECT 1 FROM drugs WHERE (interaction_groups IS NOT NULL AND interaction_groups <> '') OR"
        " (contraindicated_groups IS NOT NULL AND contraindicated_groups <> '')),"
        " EXISTS(SELECT 1 FROM drugs WHERE (therapeutic_class IS NOT NULL AND therapeutic_class <> '') OR"
        " (yj_code IS NOT NULL AND yj_code <> ''))";

int store_drug_master_has(struct store *s, unsigned *have)
{
	*have = 0;
	sqlite3_stmt *q = store_cached_stmt(s, sql_has);
	if (!q)
		return store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		static const unsigned bit[] = {STORE_MASTER_MAX_DOSE, STORE_MASTER_CLASSES, STORE_MASTER_INTERACTION,
		                               STORE_MASTER_THERAPEUTIC};
		for (int i = 0; i < 4; i++)
			if (sqlite3_column_int(q, i))
				*have |= bit[i];
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
}

/* The rank of a hit (?1 the code as typed or NULL, ?2 the folded key): an exact code, a code prefix, a prefix of
 * the name, kana or generic name, then a substring of them. */
#define DRUG_SCORE                                                                              \
	" CASE WHEN ?1 <> '' AND (code=?1 OR yj_code=?1 OR hot_code=?1) THEN 100"               \
	"  WHEN ?1 <> '' AND (instr(code,?1)=1 OR instr(yj_code,?1)=1 OR instr(hot_code,?1)=1)" \
	"   THEN 90"                                                                            \
	"  WHEN ?2 = '' THEN 0"                                                                 \
	"  WHEN instr(key_name,?2)=1 THEN 80"                                                   \
	"  WHEN instr(key_kana,?2)=1 THEN 75"                                                   \
	"  WHEN instr(key_generic,?2)=1 THEN 70"                                                \
	"  WHEN instr(key_name,?2) > 0 THEN 60"                                                 \
	"  WHEN instr(key_kana,?2) > 0 THEN 55"                                                 \
	"  WHEN instr(key_generic,?2) > 0 THEN 50 ELSE 0 END AS score"

/* 1 when the store has the trigram index (every store an ingest of this lifeboat has opened). */
static int have_fts(struct store *s)
{
	if (s->drugs_fts < 0) {
		sqlite3_stmt *q;
		s->drugs_fts = 0;
		if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE name = 'drugs_fts'", -1, &q, NULL) ==
		    SQLITE_OK) {
			s->drugs_fts = sqlite3_step(q) == SQLITE_ROW;
			sqlite3_finalize(q);
		}
	}
	return s->drugs_fts;
}

static size_t utf8_chars(const char *t)
{
	size_t n = 0;
	for (; *t; t++)
		n += ((unsigned char)*t & 0xC0) != 0x80;
	return n;
}

int store_drug_search(struct store *s, const char *code_text, const char *key, size_t limit, struct store_drugs *out)
{
	/* Two plans. With a key of three characters or more, the candidates are the trigram index's hits for the key
	 * and the code prefixes (ranges of the code, YJ and HOT indexes), and only they are ranked: a search of a
	 * 20,000-product master stays well under a millisecond. A shorter key (two kanji: 「ワー」 is refused by rx,
	 * but the store answers it) or a store without the index scans with instr(), which is a few milliseconds at
	 * 20,000 products. A code range is [code, code + U+10FFFF): the prefixes instr(code, ?1) = 1 meets. */
	static const char sql_fts[] =
	        "SELECT * FROM (SELECT " DRUG_COLS "," DRUG_SCORE " FROM drugs WHERE rowid IN ("
	        " SELECT rowid FROM drugs WHERE code >= ?1 AND code < ?1 || char(1114111)"
	        " UNION SELECT rowid FROM drugs WHERE yj_code >= ?1 AND yj_code < ?1 || char(1114111)"
	        " UNION SELECT rowid FROM drugs WHERE hot_code >= ?1 AND hot_code < ?1 || char(1114111)"
	        " UNION SELECT rowid FROM drugs_fts WHERE drugs_fts MATCH ?4))"
	        " WHERE score > 0 ORDER BY score DESC, kana, name, code LIMIT ?3";
	static const char sql_scan[] = "SELECT * FROM (SELECT " DRUG_COLS "," DRUG_SCORE
	                               " FROM drugs WHERE (?1 <> '' AND (instr(code,?1)=1 OR instr(yj_code,?1)=1"
	                               "   OR instr(hot_code,?1)=1))"
	                               "  OR (?2 <> '' AND (instr(key_name,?2) > 0 OR instr(key_kana,?2) > 0"
	                               "   OR instr(key_generic,?2) > 0)))"
	                               " WHERE score > 0 ORDER BY score DESC, kana, name, code LIMIT ?3";
	static const struct {
		int score;
		const char *match;
	} names[] = {{100, "code"},          {90, "code-prefix"}, {80, "name-prefix"}, {75, "kana-prefix"},
	             {70, "generic-prefix"}, {60, "name"},        {55, "kana"},        {50, "generic"}};
	int fts = key && utf8_chars(key) >= 3 && have_fts(s);
	sqlite3_stmt *q = store_cached_stmt(s, fts ? sql_fts : sql_scan);
	if (!q)
		return store_sqlerr(s, L_("searching the drug master", "医薬品マスタの検索"));
	struct buf phrase = {0};
	if (fts) {
		/* the key as one FTS5 phrase: in double quotes, a quote doubled */
		buf_addch(&phrase, '"');
		for (const char *k = key; *k; k++) {
			if (*k == '"')
				buf_addch(&phrase, '"');
			buf_addch(&phrase, *k);
		}
		buf_addch(&phrase, '"');
		if (code_text && *code_text)
			sqlite3_bind_text(q, 1, code_text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(q, 1);
		sqlite3_bind_text(q, 4, buf_cstr(&phrase), -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(q, 1, code_text ? code_text : "", -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(q, 2, key ? key : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (int64_t)limit + 1);
	size_t got = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (got++ == limit) {
			out->truncated = 1;
			break;
		}
		struct store_drug_item *it = push(out, q);
		it->score = sqlite3_column_int(q, DRUG_NCOLS);
		for (size_t i = 0; i < LB_ARRAY_LEN(names); i++)
			if (names[i].score == it->score)
				it->match = names[i].match;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	buf_release(&phrase);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, L_("searching the drug master", "医薬品マスタの検索"));
	return 0;
}

static const char sql_siblings[] = "SELECT " DRUG_COLS " FROM drugs WHERE code<>?1 AND key_generic <> '' AND"
                                   " key_generic = (SELECT key_generic FROM drugs WHERE code=?1)"
                                   " ORDER BY kana, name, code LIMIT 100";

int store_drug_siblings(struct store *s, const char *code, struct store_drugs *out)
{
	sqlite3_stmt *q = store_cached_stmt(s, sql_siblings);
	if (!q)
		return store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		push(out, q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
}

/* Two statements, each a range on one indexed key: a key that begins text (the kana ロキソニン in ロキソニンテ…),
 * and a key that text begins (サワシリン → サワシリンカフセル250). ?2 is the first three characters of text, so a
 * key shorter than that never matches; ?3 is text followed by U+10FFFF (the end of every key text begins). */
static const char sql_named_in[] =
        "SELECT " DRUG_COLS " FROM drugs WHERE code IN ("
        " SELECT code FROM drugs WHERE key_kana >= ?2 AND key_kana <= ?1 AND instr(?1, key_kana) = 1"
        " UNION SELECT code FROM drugs WHERE key_generic >= ?2 AND key_generic <= ?1 AND instr(?1, key_generic) = 1"
        " UNION SELECT code FROM drugs WHERE key_kana >= ?1 AND key_kana < ?3"
        " UNION SELECT code FROM drugs WHERE key_generic >= ?1 AND key_generic < ?3"
        " UNION SELECT code FROM drugs WHERE key_name >= ?1 AND key_name < ?3)"
        " ORDER BY code LIMIT ?4";

int store_drug_named_in(struct store *s, const char *key, size_t limit, struct store_drugs *out)
{
	/* the first three code points of key */
	size_t lo = 0;
	for (int n = 0; key[lo] && n < 3; n++)
		do
			lo++;
		while (((unsigned char)key[lo] & 0xC0) == 0x80);
	size_t kl = strlen(key);
	char *hi = lb_malloc(kl + 5);
	memcpy(hi, key, kl);
	memcpy(hi + kl, "\xF4\x8F\xBF\xBF", 5);
	sqlite3_stmt *q = store_cached_stmt(s, sql_named_in);
	if (!q) {
		free(hi);
		return store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
	}
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, key, (int)lo, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, hi, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, (int64_t)(limit ? limit : 20));
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		push(out, q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	free(hi);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
}

/* Candidates only: the caller tells whether the entry names the drug (rx_confusable_entry). */
static const char sql_confusable[] = "SELECT " DRUG_COLS " FROM drugs WHERE code<>?1 AND confusable IS NOT NULL AND"
                                     " confusable <> '' AND (instr(confusable,?1) > 0 OR (?2 <> '' AND"
                                     " instr(confusable,?2) > 0)) ORDER BY kana, name, code LIMIT 20";

int store_drug_named_confusable(struct store *s, const char *code, const char *name, struct store_drugs *out)
{
	sqlite3_stmt *q = store_cached_stmt(s, sql_confusable);
	if (!q)
		return store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, name ? name : "", -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		push(out, q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, L_("reading the drug master", "医薬品マスタの読み取り"));
}

void store_drugs_release(struct store_drugs *d)
{
	for (size_t i = 0; i < d->nstrs; i++)
		free(d->strs[i]);
	free(d->strs);
	free(d->v);
	memset(d, 0, sizeof(*d));
}
