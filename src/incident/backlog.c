/*
 * backlog.c - the back-entry worklist: each registered order waits until it is entered into the EHR, its paper
 * scanned and its care billed, each done or waived with a reason (docs/backentry.md). A mark of many numbers is
 * one timeline entry whose text carries a hash over the numbers it marked; the rows are be_steps, and the trigger
 * of schema 4 keeps be_backlog (the done mask, the time it closed) in step with them.
 */
#include "be_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const char *be_step_name(int step)
{
	return step == BE_STEP_ENTERED   ? "entered"
	       : step == BE_STEP_SCANNED ? "scanned"
	       : step == BE_STEP_BILLED  ? "billed"
	                                 : "?";
}

int be_step_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "entered"))
		return BE_STEP_ENTERED;
	if (!strcmp(s, "scanned"))
		return BE_STEP_SCANNED;
	if (!strcmp(s, "billed"))
		return BE_STEP_BILLED;
	return -1;
}

int be_steps_mark(struct incident_file *f, const char *const *numbers, size_t n, int step, const char *waive,
                  const char *who, const char *os_user, int64_t *seq)
{
	if (be_step_parse(be_step_name(step)) != step)
		return lb_error_tr(LB_EINVAL, "the step is entered, scanned or billed",
		                   "工程は entered, scanned, billed のいずれかです");
	if (n == 0)
		return lb_error_tr(LB_EINVAL, "no number to mark", "記録する番号がありません");
	if (waive && (!*waive || strlen(waive) > INCIDENT_TEXT_MAX))
		return lb_error_tr(LB_EINVAL, "a waiver needs a reason", "省略には理由が必要です");
	int rc = be_begin(f);
	if (rc < 0)
		return rc;
	/* every number first: a bad one among many writes nothing */
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, 32);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct be_order o;
		if ((rc = be_number_parse(numbers[i], NULL, NULL, NULL)) == 0 &&
		    (rc = be_order_get(f, numbers[i], &o)) == 0)
			be_order_release(&o);
		crypto_generichash_update(&hs, (const unsigned char *)numbers[i], strlen(numbers[i]) + 1);
	}
	if (rc == -LB_ENOTFOUND)
		rc = -LB_EINVAL; /* the message stays: an unregistered number is bad input */
	uint8_t h[32];
	crypto_generichash_final(&hs, h, 32);
	char hex[65], text[INCIDENT_TEXT_MAX + 128];
	incident_hex(h, 32, hex);
	if (waive)
		snprintf(text, sizeof(text), "%s waived %zu %s: %s", be_step_name(step), n, hex, waive);
	else
		snprintf(text, sizeof(text), "%s %zu %s", be_step_name(step), n, hex);
	int64_t s = 0;
	if (rc == 0)
		rc = be_append(f, "step", text, who, os_user, &s);
	sqlite3_stmt *st = NULL;
	if (rc == 0 && (rc = be_prepare(f,
	                                "INSERT INTO be_steps(number, step, waived, who, at_ms, seq)"
	                                " SELECT ?1, ?2, ?3, author, at_ms, seq FROM entries WHERE seq = ?4"
	                                " AND NOT EXISTS(SELECT 1 FROM be_steps WHERE number = ?1 AND step = ?2)",
	                                &st)) == 0)
		for (size_t i = 0; rc == 0 && i < n; i++) {
			sqlite3_reset(st);
			incident_bind_text(st, 1, numbers[i]);
			sqlite3_bind_text(st, 2, be_step_name(step), -1, SQLITE_STATIC);
			incident_bind_text(st, 3, waive);
			sqlite3_bind_int64(st, 4, s);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = incident_sqlerr(f, "writing the incident file");
		}
	sqlite3_finalize(st);
	if ((rc = be_end(f, rc)) == 0 && seq)
		*seq = s;
	return rc;
}

int be_backlog_list(struct incident_file *f, const struct be_filter *flt, int (*each)(const struct be_order *, void *),
                    void *arg)
{
	return be_list_in(f, flt, 1, each, arg);
}

#define DAY_MS INT64_C(86400000)

/* The values of column 0 of sql, one int64 a row, into *out (n of them). */
static int column_values(struct incident_file *f, const char *sql, int64_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = be_prepare(f, sql, &st);
	if (rc < 0)
		return rc;
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap)
			*out = lb_realloc(*out, (cap = cap ? 2 * cap : 1024) * sizeof(**out));
		(*out)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return incident_sqlerr(f, "reading the incident file");
	}
	return 0;
}

int be_burndown(struct incident_file *f, int64_t now_ms, struct be_day **days, size_t *n)
{
	*days = NULL;
	*n = 0;
	/* Two passes over the table, the days counted here: registered and closed per UTC day, then running sums
	 * (outstanding at the end of a day = registered before its end - closed before its end). A GROUP BY of the
	 * day would sort every row, and a count per day would read the table once a day. */
	int64_t *reg = NULL, *cl = NULL;
	size_t nreg = 0, ncl = 0;
	int rc = column_values(f, "SELECT registered_ms FROM be_backlog", &reg, &nreg);
	int64_t first = INT64_MAX;
	for (size_t i = 0; i < nreg; i++)
		if (reg[i] < first)
			first = reg[i];
	if (rc == 0 && nreg && first <= now_ms)
		rc = column_values(f, "SELECT closed_ms FROM be_backlog WHERE closed_ms IS NOT NULL", &cl, &ncl);
	if (rc == 0 && nreg && first <= now_ms) {
		int64_t d0 = first - first % DAY_MS;
		size_t count = (size_t)((now_ms - d0) / DAY_MS) + 1;
		int64_t *per = lb_calloc(count, sizeof(*per));
		for (size_t i = 0; i < nreg; i++) /* a row after the last day counts on none */
			if ((uint64_t)((reg[i] - d0) / DAY_MS) < count)
				per[(reg[i] - d0) / DAY_MS]++;
		for (size_t i = 0; i < ncl; i++) { /* one closed before the first day, from the first day */
			int64_t k = cl[i] < d0 ? 0 : (cl[i] - d0) / DAY_MS;
			if ((uint64_t)k < count)
				per[k]--;
		}
		*days = lb_calloc(count, sizeof(**days));
		int64_t out = 0;
		for (size_t i = 0; i < count; i++) {
			out += per[i];
			(*days)[i].day_ms = d0 + (int64_t)i * DAY_MS;
			(*days)[i].outstanding = out;
		}
		free(per);
		*n = count;
	}
	free(reg);
	free(cl);
	return rc;
}

int64_t be_verify_rows(struct incident_file *f)
{
	sqlite3_stmt *st;
	/* every order against its entry: the content hash recomputed from the row, and the hash its entry carries */
	if (be_prepare(f,
	               "SELECT o.number, o.ward, o.patient, o.kind, o.clinical_ms, o.author, o.form_serial,"
	               " o.paper_at, o.note, o.hash, o.seq, e.text, e.type, e.kind FROM be_orders o"
	               " LEFT JOIN entries e ON e.seq = o.seq ORDER BY o.seq",
	               &st) < 0)
		return -1;
	int64_t bad = 0;
	while (!bad && sqlite3_step(st) == SQLITE_ROW) {
		struct be_order_new n = {
		        .number = (const char *)sqlite3_column_text(st, 0),
		        .patient = (const char *)sqlite3_column_text(st, 2),
		        .kind = be_kind_parse((const char *)sqlite3_column_text(st, 3)),
		        .clinical_ms = sqlite3_column_int64(st, 4),
		        .author = (const char *)sqlite3_column_text(st, 5),
		        .form_serial = (const char *)sqlite3_column_text(st, 6),
		        .paper_at = (const char *)sqlite3_column_text(st, 7),
		        .note = (const char *)sqlite3_column_text(st, 8),
		};
		uint8_t h[32];
		be_order_hash(&n, (const char *)sqlite3_column_text(st, 1), h);
		char hex[65];
		incident_hex(h, 32, hex);
		const char *text = (const char *)sqlite3_column_text(st, 11);
		const char *type = (const char *)sqlite3_column_text(st, 12);
		const char *kind = (const char *)sqlite3_column_text(st, 13);
		/* an order registered here has its own entry; one merged from a ward's medium shares the merge's
		 * entry, whose hash over the rows it added be_verify_merges checks */
		int ok = sqlite3_column_bytes(st, 9) == 32 && !memcmp(sqlite3_column_blob(st, 9), h, 32) && text &&
		         type && kind && !strcmp(type, INCIDENT_T_BACKENTRY) &&
		         ((!strcmp(kind, "order") && strstr(text, hex) && !strncmp(text, n.number, strlen(n.number))) ||
		          !strcmp(kind, "merge"));
		if (!ok)
			bad = sqlite3_column_int64(st, 10) ? sqlite3_column_int64(st, 10) : -1;
	}
	sqlite3_finalize(st);
	return bad ? bad : be_verify_merges(f);
}
