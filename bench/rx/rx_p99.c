/*
 * rx_p99.c - in-process latency of the prescription checks and the drug search on a loaded store (issue 14: a check
 * with 20 active orders and 10 allergies against a 20,000-product master under 1 ms median; search p99 under 2 ms
 * on 20,000 products). The search queries are drawn from the master itself the ways staff type them: the first
 * three or four characters of a brand name, of a kana reading (half-width too), of a generic name, and a code.
 * Prints p50 / p99 / max. A figure, not a pass/fail test.
 *
 *   rx_p99 STORE.db PATIENT DRUG_CODE DOSE UNIT PER_DAY [RUNS]
 */
#include "rx/rx.h"
#include "text/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, int64_t *t, size_t n, double per)
{
	if (!n)
		return;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)t[i];
	qsort(t, n, sizeof(*t), cmp64);
	printf("  %-34s n=%-6zu p50=%7.3f p99=%7.3f max=%7.3f mean=%7.3f ms | %.1f per run\n", what, n, t[n / 2] / 1e6,
	       t[(n * 99) / 100] / 1e6, t[n - 1] / 1e6, sum / (double)n / 1e6, per);
	fflush(stdout);
}

/* The first `chars` UTF-8 characters of s into out. */
static void prefix(char *out, size_t cap, const char *s, int chars)
{
	size_t i = 0;
	for (int c = 0; s[i] && c < chars; c++) {
		size_t k = 1;
		while ((s[i + k] & 0xC0) == 0x80)
			k++;
		if (i + k >= cap)
			break;
		i += k;
	}
	memcpy(out, s, i);
	out[i] = 0;
}

int main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: rx_p99 STORE.db PATIENT DRUG_CODE DOSE UNIT PER_DAY [RUNS]\n");
		return 2;
	}
	long runs = argc > 7 ? atol(argv[7]) : 2000;
	struct store *s;
	if (store_open_readonly(&s, argv[1]) < 0) {
		fprintf(stderr, "rx_p99: %s\n", lb_errmsg());
		return 2;
	}
	/* the check, as the station runs it per request */
	struct rx_order o = {.patient_id = argv[2],
	                     .drug_code = argv[3],
	                     .dose = atof(argv[4]),
	                     .unit = argv[5],
	                     .per_day = atof(argv[6])};
	int64_t *t = calloc((size_t)runs, sizeof(*t));
	size_t alerts = 0, meds = 0, allergies = 0;
	for (long k = 0; k < runs; k++) {
		struct rx_result r;
		int64_t t0 = now_ns();
		int rc = rx_check(s, &o, &r);
		t[k] = now_ns() - t0;
		if (rc < 0) {
			fprintf(stderr, "rx_p99: %s\n", lb_errmsg());
			return 1;
		}
		alerts = r.n;
		meds = r.patient.n_medications;
		allergies = r.patient.n_allergies;
		rx_result_release(&r);
	}
	printf("rx check: patient %s with %zu active medicines and %zu allergies, drug %s: %zu alerts\n", argv[2], meds,
	       allergies, argv[3], alerts);
	report("rx check", t, (size_t)runs, (double)alerts);

	/* the search: queries drawn from the master */
	sqlite3 *db;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 2;
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db,
	                   "SELECT name, kana, generic_name, code FROM drugs ORDER BY (rowid * 7919) % 100003 LIMIT ?1",
	                   -1, &q, NULL);
	sqlite3_bind_int64(q, 1, runs / 4 + 1);
	enum { FORMS = 4 };
	static const char *const names[FORMS] = {"search: brand, 3 chars", "search: kana, 4 chars",
	                                         "search: generic, 3 chars", "search: code"};
	struct buf queries[FORMS] = {{0}};
	while (sqlite3_step(q) == SQLITE_ROW) {
		char p[64];
		const char *col[FORMS];
		for (int f = 0; f < FORMS; f++)
			col[f] = (const char *)sqlite3_column_text(q, f);
		for (int f = 0; f < FORMS; f++) {
			if (!col[f])
				continue;
			prefix(p, sizeof(p), col[f], f == 1 ? 4 : f == 3 ? 64 : 3);
			buf_addf(&queries[f], "%s%c", p, 0);
		}
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	int64_t *all = calloc((size_t)runs * 2, sizeof(*all));
	size_t nall = 0;
	for (int f = 0; f < FORMS; f++) {
		size_t n = 0;
		long hits = 0;
		int64_t *tf = calloc((size_t)runs, sizeof(*tf));
		for (const char *x = queries[f].data; x && x < queries[f].data + queries[f].len; x += strlen(x) + 1) {
			struct rx_hits h = {0};
			int64_t t0 = now_ns();
			int rc = rx_search(s, x, 20, &h);
			tf[n] = now_ns() - t0;
			if (rc == 0)
				hits += (long)h.n;
			rx_hits_release(&h);
			all[nall++] = tf[n++];
		}
		report(names[f], tf, n, n ? (double)hits / (double)n : 0);
		free(tf);
		buf_release(&queries[f]);
	}
	report("search: all forms", all, nall, 0);
	free(all);
	free(t);
	store_close(s);
	return 0;
}
