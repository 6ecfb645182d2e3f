/*
 * search_p99.c - in-process patient search latency on a loaded clinical store (issue 4: p99 under 1 ms at 100,000
 * patients). Draws patients from the store itself and asks for them the ways staff do: kana surname, kanji
 * surname, full name, surname + era birth date, ID, ID prefix, birth date alone. Prints p50 / p99 / max per form
 * and overall. A figure, not a pass/fail test.
 *
 *   bench/search/run STORE.db [QUERIES]
 */
#include "store/store.h"
#include "text/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *form, int64_t *t, int64_t *c, size_t n, long hits)
{
	if (!n)
		return;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)c[i];
	qsort(t, n, sizeof(*t), cmp64);
	qsort(c, n, sizeof(*c), cmp64);
	printf("%-20s n=%-6zu wall p50=%6.3f p99=%6.3f max=%7.3f ms | CPU p50=%6.3f p99=%6.3f mean=%6.3f ms | "
	       "hits=%.1f\n",
	       form, n, t[n / 2] / 1e6, t[(n * 99) / 100] / 1e6, t[n - 1] / 1e6, c[n / 2] / 1e6,
	       c[(n * 99) / 100] / 1e6, sum / (double)n / 1e6, (double)hits / (double)n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: search_p99 STORE.db [QUERIES]\n");
		return 2;
	}
	long per_form = argc > 2 ? atol(argv[2]) : 2000;
	sqlite3 *db;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 2;
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db,
	                   "SELECT id, family_kanji, given_kanji, family_kana, birth_date FROM patients"
	                   " WHERE family_kanji IS NOT NULL AND birth_date IS NOT NULL"
	                   " ORDER BY (rowid * 7919) % 100003, rowid LIMIT ?1",
	                   -1, &q, NULL);
	sqlite3_bind_int64(q, 1, per_form);
	enum { FORMS = 7 };
	static const char *const names[FORMS] = {"kana surname", "kanji surname", "full name", "surname + era date",
	                                         "ID",           "ID prefix (6)", "birth date"};
	struct buf queries[FORMS] = {{0}};
	size_t nq = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(q, 0), *fk = (const char *)sqlite3_column_text(q, 1);
		const char *gk = (const char *)sqlite3_column_text(q, 2),
		           *kana = (const char *)sqlite3_column_text(q, 3);
		const char *bd = (const char *)sqlite3_column_text(q, 4);
		int y, m, d;
		struct buf era = {0};
		if (text_parse_date(bd, &y, &m, &d) == 0)
			text_format_era(&era, y, m, d);
		buf_addf(&queries[0], "%s%c", kana ? kana : fk, 0);
		buf_addf(&queries[1], "%s%c", fk, 0);
		buf_addf(&queries[2], "%s %s%c", fk, gk ? gk : "", 0);
		buf_addf(&queries[3], "%s %s%c", fk, buf_cstr(&era), 0);
		buf_addf(&queries[4], "%s%c", id, 0);
		buf_addf(&queries[5], "%.6s%c", id, 0);
		buf_addf(&queries[6], "%s%c", bd, 0);
		buf_release(&era);
		nq++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	struct store *s;
	if (store_open(&s, argv[1], 0) < 0) {
		fprintf(stderr, "%s\n", lb_errmsg());
		return 2;
	}
	int64_t *all = calloc(nq * FORMS + 1, sizeof(*all)), *allc = calloc(nq * FORMS + 1, sizeof(*allc));
	printf("per search: wall-clock time (includes waiting for a CPU on a loaded machine) and the thread's CPU "
	       "time\n");
	size_t nall = 0;
	long all_hits = 0;
	for (int f = 0; f < FORMS; f++) {
		int64_t *t = calloc(nq + 1, sizeof(*t)), *tc = calloc(nq + 1, sizeof(*tc));
		long hits = 0;
		const char *p = queries[f].data;
		for (size_t i = 0; i < nq; i++, p += strlen(p) + 1) {
			struct store_hits h;
			int64_t t0 = lb_mono_ns(), c0 = cpu_ns();
			store_search(s, p, 50, &h);
			t[i] = lb_mono_ns() - t0;
			tc[i] = cpu_ns() - c0;
			hits += (long)h.n;
			store_hits_release(&h);
		}
		report(names[f], t, tc, nq, hits);
		memcpy(all + nall, t, nq * sizeof(*t));
		memcpy(allc + nall, tc, nq * sizeof(*tc));
		nall += nq;
		all_hits += hits;
		free(t);
		free(tc);
		buf_release(&queries[f]);
	}
	report("all", all, allc, nall, all_hits);
	free(all);
	free(allc);
	store_close(s);
	return 0;
}
