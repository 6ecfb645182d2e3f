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

/*
 * A tier selects only rowids: from a key index that is an index-only scan (the table is not touched), so rows of an
 * earlier tier that come again, and rows an ID word filters out, cost an index step, not a table seek. The few new
 * hits are then read by rowid (HIT_SQL).
 */
#define TIER_HEAD "SELECT p.rowid FROM patients p WHERE "
/* No ORDER BY: a tier stops after LIMIT rows in index order; the few hits are sorted in C (hit_cmp). */
#define HIT_TAIL " AND ?3 IS NULL LIMIT ?4"
/* With a birth date the equality is written out, so that the planner can start from the birth-date index. */
#define HIT_TAIL_DATED " AND p.birth_date = ?3 LIMIT ?4"
#define TIER(cond, score, match)                                                     \
	{                                                                            \
		TIER_HEAD cond HIT_TAIL, TIER_HEAD cond HIT_TAIL_DATED, score, match \
	}
/* The new hits of a tier in one statement: ?1 is a JSON array of rowids. */
static const char hit_sql[] =
        "SELECT p.id, p.family_kanji, p.given_kanji, p.family_kana, p.given_kana, p.birth_date, p.sex, p.same_name,"
        " c.ward, c.room, c.bed, c.same_surname_in_ward FROM patients p LEFT JOIN census c ON c.patient_id = p.id"
        " WHERE p.rowid IN (SELECT value FROM json_each(?1))";
static const char begin_sql[] = "BEGIN", commit_sql[] = "COMMIT";

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
        /* digits typed without the leading zeros the EHR pads its IDs with, or with more of them */
        TIER("p.id IN (SELECT value FROM json_each(?6))", 99, "id"),
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

/* The same digits with other numbers of leading zeros, up to ID_PAD_MAX digits, as a JSON array (out empty when
 * the ID is not all digits or all zeros): "1000200" → ["01000200", "001000200", …]. */
#define ID_PAD_MAX 20
void store_id_zero_variants(const char *id, struct buf *out)
{
	if (!all_digits(id))
		return;
	const char *d = id;
	while (*d == '0')
		d++;
	size_t n = strlen(d);
	if (!n || n > ID_PAD_MAX)
		return;
	buf_addch(out, '[');
	int first = 1;
	for (size_t len = n; len <= ID_PAD_MAX; len++) {
		if (len == strlen(id))
			continue; /* the exact ID is the tier before */
		buf_adds(out, first ? "\"" : ",\"");
		for (size_t z = n; z < len; z++)
			buf_addch(out, '0');
		buf_addf(out, "%s\"", d);
		first = 0;
	}
	buf_addch(out, ']');
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

/* Rowids a search has looked at (hits and rows an ID word ruled out); a search holds at most a few hundred. */
struct seen {
	int64_t *v;
	size_t n, cap;
};

static int seen_add(struct seen *s, int64_t rowid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == rowid)
			return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = lb_reallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = rowid;
	return 1;
}

struct plan {
	const struct tier *tiers;
	size_t ntiers;
	const char *p1, *p2, *p3, *p5, *p6; /* bound as ?1 ?2 ?3 ?5 ?6 */
	char **id_filters;                  /* extra ID words */
	size_t nid_filters;
};

/* Read the hits whose rowids are listed in ids (a JSON array) into out, but those an ID word rules out. */
static int add_hits(struct store *s, const struct plan *pl, const struct tier *t, const struct buf *ids,
                    struct store_hits *out)
{
	sqlite3_stmt *q = store_cached_stmt(s, hit_sql);
	if (!q)
		return store_sqlerr(s, L_("searching patients", "患者の検索"));
	sqlite3_bind_text(q, 1, ids->data, (int)ids->len, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(q, 0);
		int ok = id != NULL;
		for (size_t k = 0; ok && k < pl->nid_filters; k++)
			if (strncmp(id, pl->id_filters[k], strlen(pl->id_filters[k])))
				ok = 0;
		if (!ok)
			continue;
		if ((out->n & (out->n - 1)) == 0) /* grow at 0, 1, 2, 4, 8 …: the array doubles */
			out->v = lb_reallocarray(out->v, out->n ? out->n * 2 : 8, sizeof(*out->v));
		struct store_hit *h = &out->v[out->n++];
		memset(h, 0, sizeof(*h));
		/* The hit's strings live in one block that starts with its ID (store_hits_release frees h->id). */
		static const int cols[] = {0, 1, 2, 3, 4, 5, 8, 9, 10};
		char **dst[] = {&h->id,         &h->family_kanji, &h->given_kanji, &h->family_kana, &h->given_kana,
		                &h->birth_date, &h->ward,         &h->room,        &h->bed};
		size_t total = 0;
		for (size_t c = 0; c < LB_ARRAY_LEN(cols); c++)
			if (sqlite3_column_type(q, cols[c]) != SQLITE_NULL)
				total += (size_t)sqlite3_column_bytes(q, cols[c]) + 1;
		char *block = lb_malloc(total), *at = block;
		for (size_t c = 0; c < LB_ARRAY_LEN(cols); c++) {
			const char *v = (const char *)sqlite3_column_text(q, cols[c]);
			if (!v)
				continue;
			size_t n = (size_t)sqlite3_column_bytes(q, cols[c]);
			memcpy(at, v, n);
			at[n] = 0;
			*dst[c] = at;
			at += n + 1;
		}
		const char *sex = (const char *)sqlite3_column_text(q, 6);
		h->sex = sex && *sex ? sex[0] : 'U';
		h->same_full_name = sqlite3_column_int(q, 7);
		h->same_surname_in_ward = sqlite3_column_int(q, 11);
		h->score = t->score + (pl->p3 && t->score != 30 ? 30 : 0);
		h->match = t->match;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, L_("searching patients", "患者の検索"));
}

static int run_tiers(struct store *s, const struct plan *pl, size_t limit, struct store_hits *out)
{
	struct seen seen = {0};
	struct buf ids = {0};
	int rc = 0;
	for (size_t t = 0; t < pl->ntiers && out->n <= limit && rc == 0; t++) {
		const char *sql = pl->p3 ? pl->tiers[t].sql_dated : pl->tiers[t].sql;
		if ((!pl->p5 && strstr(sql, "?5")) || (!pl->p6 && strstr(sql, "?6")))
			continue;
		sqlite3_stmt *q = store_cached_stmt(s, sql);
		if (!q) {
			rc = store_sqlerr(s, L_("searching patients", "患者の検索"));
			break;
		}
		store_bind_text(q, 1, pl->p1);
		store_bind_text(q, 2, pl->p2);
		store_bind_text(q, 3, pl->p3);
		sqlite3_bind_int64(q, 4, (int64_t)(limit + 1 + seen.n)); /* rows of earlier tiers come again */
		store_bind_text(q, 5, pl->p5);
		if (strstr(sql, "?6"))
			store_bind_text(q, 6, pl->p6);
		/* the new rowids, as many as can still be hits (all of them when an ID word may rule some out) */
		size_t want = limit + 1 - out->n, nnew = 0;
		buf_reset(&ids);
		buf_addch(&ids, '[');
		int step;
		while ((pl->nid_filters || nnew < want) && (step = sqlite3_step(q)) == SQLITE_ROW) {
			int64_t rowid = sqlite3_column_int64(q, 0);
			if (seen_add(&seen, rowid))
				buf_addf(&ids, "%s%lld", nnew++ ? "," : "", (long long)rowid);
		}
		sqlite3_reset(q);
		buf_addch(&ids, ']');
		if (nnew)
			rc = add_hits(s, pl, &pl->tiers[t], &ids, out);
	}
	free(seen.v);
	buf_release(&ids);
	if (out->n > limit) {
		out->truncated = 1;
		/* drop the hit that sorts last (hit_cmp: lowest score, then highest ID) */
		size_t worst = out->n - 1;
		for (size_t i = 0; i < out->n; i++)
			if (out->v[i].score == out->v[out->n - 1].score && strcmp(out->v[i].id, out->v[worst].id) > 0)
				worst = i;
		free(out->v[worst].id);
		out->v[worst] = out->v[--out->n];
	}
	return rc;
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
		return lb_error_tr(LB_EUSAGE, "empty search", "検索語が空です");
	char date[11] = "", id_date[11] = "";
	const char *id = NULL;
	char *ids[MAX_WORDS];
	size_t nids = 0;
	struct buf k1 = {0}, k2 = {0};
	int names = 0;
	for (size_t i = 0; i < nw; i++) {
		/* An ID typed with the input method on (０００１０００２００) is the same ID. */
		struct buf folded = {0};
		if (text_fold_ascii(&folded, words[i], strlen(words[i])) == 0 && folded.len &&
		    is_id_word(buf_cstr(&folded))) {
			free(words[i]);
			words[i] = lb_strdup(buf_cstr(&folded));
		}
		buf_release(&folded);
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
	struct buf end = {0}, zeros = {0};
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
		store_id_zero_variants(id, &zeros);
		pl.p6 = zeros.len ? zeros.data : NULL;
		buf_adds(&end, id);
	} else if (date[0]) {
		pl.tiers = by_date;
		pl.ntiers = LB_ARRAY_LEN(by_date);
	}
	buf_adds(&end, PREFIX_END);
	pl.p2 = end.data;
	pl.id_filters = ids;
	pl.nid_filters = nids;
	/* One read transaction for all tiers (one snapshot, one lock), unless the caller holds one already. */
	sqlite3_stmt *tx = pl.tiers && sqlite3_get_autocommit(s->db) ? store_cached_stmt(s, begin_sql) : NULL;
	int own = tx && sqlite3_step(tx) == SQLITE_DONE;
	if (tx)
		sqlite3_reset(tx);
	int rc = pl.tiers ? run_tiers(s, &pl, limit, out) : 0;
	if (own && (tx = store_cached_stmt(s, commit_sql))) {
		sqlite3_step(tx);
		sqlite3_reset(tx);
	}
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), hit_cmp);
	buf_release(&end);
	buf_release(&zeros);
	buf_release(&k1);
	buf_release(&k2);
	for (size_t i = 0; i < nw; i++)
		free(words[i]);
	return rc;
}

void store_hits_release(struct store_hits *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].id); /* the block of all the hit's strings */
	free(h->v);
	memset(h, 0, sizeof(*h));
}
