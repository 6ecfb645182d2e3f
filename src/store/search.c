/*
 * search.c - patient search as staff type it at a downtime station.
 *
 * The query is split into words. A word that text_parse_date reads is a birth date (a digits-only word is tried
 * as a patient ID too); a word of ASCII letters, digits and '-' is a patient ID; any other word is a name, folded
 * with text_search_key. Matching runs in tiers, best first, each an indexed lookup with bound parameters:
 *
 *   one name word    full name exact (90) > surname exact (80) > full-name prefix (60) > given name exact (50)
 *   two name words   surname and given name exact (95) > surname exact and given-name prefix (75)
 *   ID word          exact (100) > prefix (70) > as a birth date (30)
 *   date only        birth date (30)
 *
 * kanji and kana keys are both tried at every tier. A birth date given with a name or ID restricts every tier;
 * extra ID words must prefix the hit's ID. Tiers stop as soon as the limit is reached, so the time of a search
 * does not grow with the number of patients who share a common surname.
 */
#include "store_int.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 8
#define PREFIX_END "\xf4\x8f\xbf\xbf" /* U+10FFFF: sorts after every UTF-8 continuation of a prefix */

#define HIT_COLS                                                                                                     \
	"SELECT p.id, p.family_kanji, p.given_kanji, p.family_kana, p.given_kana, p.birth_date, p.sex, p.same_name," \
	" c.ward, c.room, c.bed, c.same_surname_in_ward FROM patients p LEFT JOIN census c ON c.patient_id = p.id "  \
	"WHERE "
/* No ORDER BY: a tier stops after LIMIT rows in index order; the few hits are sorted in C (hit_cmp). */
#define HIT_TAIL " AND ?3 IS NULL LIMIT ?4"
/* With a birth date the equality is written out, so that the planner can start from the birth-date index. */
#define HIT_TAIL_DATED " AND p.birth_date = ?3 LIMIT ?4"
#define TIER(cond, score, match)                                                   \
	{                                                                          \
		HIT_COLS cond HIT_TAIL, HIT_COLS cond HIT_TAIL_DATED, score, match \
	}

struct tier {
	const char *sql, *sql_dated;
	int score;
	const char *match;
};

static const struct tier one_name[] = {
        TIER("(p.key_full = ?1 OR p.key_full_kana = ?1)", 90, "name"),
        TIER("(p.key_family = ?1 OR p.key_family_kana = ?1)", 80, "surname"),
        TIER("((p.key_full >= ?1 AND p.key_full < ?2) OR (p.key_full_kana >= ?1 AND p.key_full_kana < ?2))", 60,
             "name-prefix"),
        TIER("(p.key_given = ?1 OR p.key_given_kana = ?1)", 50, "given"),
};
static const struct tier two_names[] = {
        TIER("((p.key_family = ?1 AND p.key_given = ?5) OR (p.key_family_kana = ?1 AND p.key_given_kana = ?5))", 95,
             "name"),
        TIER("((p.key_family = ?1 AND p.key_given >= ?5 AND p.key_given < ?2)"
             " OR (p.key_family_kana = ?1 AND p.key_given_kana >= ?5 AND p.key_given_kana < ?2))",
             75, "name-prefix"),
};
static const struct tier by_id[] = {
        TIER("p.id = ?1", 100, "id"),
        TIER("p.id >= ?1 AND p.id < ?2", 70, "id-prefix"),
        TIER("p.birth_date = ?5", 30, "birth"),
};
static const struct tier by_date[] = {
        TIER("1", 30, "birth"),
};

static int is_id_word(const char *w)
{
	for (; *w; w++)
		if (!((*w >= '0' && *w <= '9') || (*w >= 'A' && *w <= 'Z') || (*w >= 'a' && *w <= 'z') || *w == '-'))
			return 0;
	return 1;
}

static int all_digits(const char *w)
{
	for (; *w; w++)
		if (*w < '0' || *w > '9')
			return 0;
	return 1;
}

/* Split on ASCII and ideographic spaces. */
static size_t split_words(const char *q, char **words, size_t max)
{
	size_t n = 0;
	const char *p = q;
	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || !strncmp(p, "\xe3\x80\x80", 3))
			p += *p == ' ' || *p == '\t' ? 1 : 3;
		if (!*p)
			break;
		const char *s = p;
		while (*p && *p != ' ' && *p != '\t' && strncmp(p, "\xe3\x80\x80", 3))
			p++;
		words[n++] = lb_strndup(s, (size_t)(p - s));
	}
	return n;
}

static char *dup_col(sqlite3_stmt *q, int i)
{
	const char *t = (const char *)sqlite3_column_text(q, i);
	return t ? lb_strdup(t) : NULL;
}

static int have_hit(const struct store_hits *h, const char *id)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->v[i].id, id))
			return 1;
	return 0;
}

struct plan {
	const struct tier *tiers;
	size_t ntiers;
	const char *p1, *p2, *p3, *p5; /* bound as ?1 ?2 ?3 ?5 */
	char **id_filters;             /* extra ID words */
	size_t nid_filters;
};

static int run_tiers(struct store *s, const struct plan *pl, size_t limit, struct store_hits *out)
{
	for (size_t t = 0; t < pl->ntiers && out->n <= limit; t++) {
		const char *sql = pl->p3 ? pl->tiers[t].sql_dated : pl->tiers[t].sql;
		if (!pl->p5 && strstr(sql, "?5"))
			continue;
		sqlite3_stmt *q = store_cached_stmt(s, sql);
		if (!q)
			return store_sqlerr(s, "searching patients");
		store_bind_text(q, 1, pl->p1);
		store_bind_text(q, 2, pl->p2);
		store_bind_text(q, 3, pl->p3);
		sqlite3_bind_int64(q, 4, (int64_t)(limit + 1 + out->n)); /* rows of earlier tiers come again */
		store_bind_text(q, 5, pl->p5);
		while (out->n <= limit && sqlite3_step(q) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(q, 0);
			if (!id || have_hit(out, id))
				continue;
			int ok = 1;
			for (size_t k = 0; k < pl->nid_filters; k++)
				if (strncmp(id, pl->id_filters[k], strlen(pl->id_filters[k])))
					ok = 0;
			if (!ok)
				continue;
			out->v = lb_reallocarray(out->v, out->n + 1, sizeof(*out->v));
			struct store_hit *h = &out->v[out->n++];
			memset(h, 0, sizeof(*h));
			h->id = lb_strdup(id);
			h->family_kanji = dup_col(q, 1);
			h->given_kanji = dup_col(q, 2);
			h->family_kana = dup_col(q, 3);
			h->given_kana = dup_col(q, 4);
			h->birth_date = dup_col(q, 5);
			const char *sex = (const char *)sqlite3_column_text(q, 6);
			h->sex = sex && *sex ? sex[0] : 'U';
			h->same_full_name = sqlite3_column_int(q, 7);
			h->ward = dup_col(q, 8);
			h->room = dup_col(q, 9);
			h->bed = dup_col(q, 10);
			h->same_surname_in_ward = sqlite3_column_int(q, 11);
			h->score = pl->tiers[t].score + (pl->p3 && pl->tiers[t].score != 30 ? 30 : 0);
			h->match = pl->tiers[t].match;
		}
		sqlite3_reset(q);
	}
	if (out->n > limit) {
		out->truncated = 1;
		struct store_hit *h = &out->v[--out->n];
		free(h->id);
		free(h->family_kanji);
		free(h->given_kanji);
		free(h->family_kana);
		free(h->given_kana);
		free(h->birth_date);
		free(h->ward);
		free(h->room);
		free(h->bed);
	}
	return 0;
}

/* Best score first; then by ID, so that the order is stable. */
static int hit_cmp(const void *pa, const void *pb)
{
	const struct store_hit *a = pa, *b = pb;
	if (a->score != b->score)
		return b->score - a->score;
	return strcmp(a->id, b->id);
}

int store_search(struct store *s, const char *query, size_t limit, struct store_hits *out)
{
	memset(out, 0, sizeof(*out));
	if (!limit)
		limit = 50;
	char *words[MAX_WORDS];
	size_t nw = split_words(query, words, MAX_WORDS);
	if (!nw)
		return lb_error(LB_EUSAGE, "empty search");
	char date[11] = "", id_date[11] = "";
	const char *id = NULL;
	char *ids[MAX_WORDS];
	size_t nids = 0;
	struct buf k1 = {0}, k2 = {0};
	int names = 0;
	for (size_t i = 0; i < nw; i++) {
		int y, m, d;
		int is_date = text_parse_date(words[i], &y, &m, &d) == 0;
		if (is_id_word(words[i]) && (!is_date || all_digits(words[i]))) {
			if (!id) {
				id = words[i];
				if (is_date)
					snprintf(id_date, sizeof(id_date), "%04d-%02d-%02d", y, m, d);
			} else {
				ids[nids++] = words[i];
			}
		} else if (is_date) {
			snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
		} else {
			text_search_key(names ? &k2 : &k1, words[i], strlen(words[i]));
			names++;
		}
	}
	struct plan pl = {0};
	struct buf end = {0};
	pl.p3 = date[0] ? date : NULL;
	if (names && k1.len) {
		if (names == 1) {
			pl.tiers = one_name;
			pl.ntiers = LB_ARRAY_LEN(one_name);
			buf_add(&end, k1.data, k1.len);
		} else {
			pl.tiers = two_names;
			pl.ntiers = LB_ARRAY_LEN(two_names);
			pl.p5 = buf_cstr(&k2);
			buf_add(&end, buf_cstr(&k2), k2.len);
		}
		pl.p1 = k1.data;
		/* With a name, digits that read as a date are the birth date ("ｻﾄｳ 19480405"). */
		if (id && id_date[0] && !date[0]) {
			memcpy(date, id_date, sizeof(date));
			pl.p3 = date;
		} else if (id) {
			ids[nids++] = (char *)id;
		}
	} else if (id) {
		pl.tiers = by_id;
		pl.ntiers = LB_ARRAY_LEN(by_id);
		pl.p1 = id;
		pl.p5 = id_date[0] && !date[0] ? id_date : NULL;
		buf_adds(&end, id);
	} else if (date[0]) {
		pl.tiers = by_date;
		pl.ntiers = LB_ARRAY_LEN(by_date);
	}
	buf_adds(&end, PREFIX_END);
	pl.p2 = end.data;
	pl.id_filters = ids;
	pl.nid_filters = nids;
	int rc = pl.tiers ? run_tiers(s, &pl, limit, out) : 0;
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), hit_cmp);
	buf_release(&end);
	buf_release(&k1);
	buf_release(&k2);
	for (size_t i = 0; i < nw; i++)
		free(words[i]);
	return rc;
}

void store_hits_release(struct store_hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct store_hit *x = &h->v[i];
		free(x->id);
		free(x->family_kanji);
		free(x->given_kanji);
		free(x->family_kana);
		free(x->given_kana);
		free(x->birth_date);
		free(x->ward);
		free(x->room);
		free(x->bed);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}
