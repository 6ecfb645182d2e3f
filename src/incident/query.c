/*
 * query.c - reading the timeline: an incident's state (phase, current decisions, reporting deadlines, newest
 * entries), the list of incidents, and walking one incident's entries. Everything is computed from the entries.
 */
#include "incident_int.h"

#include <stdlib.h>
#include <string.h>

#define DAY_MS INT64_C(86400000)

static int step_err(struct incident_file *f, int rc)
{
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : incident_sqlerr(f, "reading the incident file");
}

/* The declaration of incident id into e; -LB_ENOTFOUND when id is no incident. */
static int get_declaration(struct incident_file *f, int64_t id, struct incident_entry *e)
{
	sqlite3_stmt *st = incident_stmt(f, IS_GET);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int found = rc == SQLITE_ROW && sqlite3_column_text(st, 3) &&
	            !strcmp((const char *)sqlite3_column_text(st, 3), INCIDENT_T_DECLARE);
	if (found)
		incident_read_row(st, e);
	sqlite3_reset(st);
	if ((rc = step_err(f, rc)) < 0)
		return rc;
	if (!found)
		return lb_error_tr(LB_ENOTFOUND, "no incident #%lld in this file ('lifeboat incident list' shows them)",
		                   "インシデント #%lld はこのファイルにありません ('lifeboat incident list' で一覧)",
		                   (long long)id);
	return 0;
}

static int resolve(struct incident_file *f, int64_t *id)
{
	if (*id)
		return 0;
	int rc = incident_current(f, id);
	if (rc == 0 && !*id)
		rc = lb_error_tr(
		        LB_ENOTFOUND,
		        "no open incident (declare one with 'lifeboat incident declare'; past ones: --id N)",
		        "進行中のインシデントはありません ('lifeboat incident declare' で宣言、過去のものは --id N)");
	return rc;
}

static int phase_of(struct incident_file *f, int64_t id, int64_t declared_ms, int *phase, int64_t *since)
{
	sqlite3_stmt *st = incident_stmt(f, IS_PHASE);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*phase = INCIDENT_DETECTION;
	*since = declared_ms;
	if (rc == SQLITE_ROW) {
		int p = incident_phase_parse((const char *)sqlite3_column_text(st, 0));
		*phase = p < 0 ? INCIDENT_DETECTION : p;
		*since = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return step_err(f, rc);
}

static int seq_and_time(struct incident_file *f, enum incident_stmt k, int64_t id, const char *text, int64_t *seq,
                        int64_t *ms)
{
	sqlite3_stmt *st = incident_stmt(f, k);
	sqlite3_bind_int64(st, 1, id);
	if (text)
		incident_bind_text(st, 2, text);
	int rc = sqlite3_step(st);
	*seq = *ms = 0;
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		*ms = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return step_err(f, rc);
}

static int count_of(struct incident_file *f, int64_t id, int64_t *n)
{
	sqlite3_stmt *st = incident_stmt(f, IS_COUNT);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return step_err(f, rc);
}

/* Rows of st (bound already) appended to *v. */
static int collect(struct incident_file *f, sqlite3_stmt *st, struct incident_entry **v, size_t *n)
{
	int rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*v = lb_reallocarray(*v, cap, sizeof(**v));
		}
		memset(&(*v)[*n], 0, sizeof(**v));
		incident_read_row(st, &(*v)[(*n)++]);
	}
	sqlite3_reset(st);
	return step_err(f, rc);
}

static void deadlines(struct incident_state *s, int64_t now_ms)
{
	int64_t known = s->declared.known_at_ms;
	int malicious = (s->declared.flags & INCIDENT_F_MALICIOUS) != 0;
	for (int r = 0; r < INCIDENT_REPORTS; r++) {
		struct incident_deadline *d = &s->deadlines[r];
		d->report = r;
		d->applies = !(s->declared.flags & INCIDENT_F_DRILL);
		switch (r) {
		case INCIDENT_PPC_PRELIMINARY:
			d->due_ms = known + 3 * DAY_MS;
			d->latest_ms = known + 5 * DAY_MS;
			break;
		case INCIDENT_PPC_FINAL:
			d->due_ms = d->latest_ms = known + (malicious ? 60 : 30) * DAY_MS;
			break;
		default: /* MHLW, police: at once */
			d->due_ms = d->latest_ms = known;
		}
		int at_once = d->latest_ms == known;
		d->overdue = !d->done_seq && now_ms > d->latest_ms;
		d->late = d->done_seq && !at_once && d->done_ms > d->latest_ms;
	}
}

int incident_state(struct incident_file *f, int64_t id, size_t nlatest, int64_t now_ms, struct incident_state *s)
{
	memset(s, 0, sizeof(*s));
	int rc = resolve(f, &id);
	if (rc == 0)
		rc = get_declaration(f, id, &s->declared);
	if (rc == 0)
		rc = phase_of(f, id, s->declared.at_ms, &s->phase, &s->phase_since_ms);
	if (rc == 0)
		rc = seq_and_time(f, IS_CLOSE_OF, id, NULL, &s->closed_seq, &s->closed_ms);
	if (rc == 0)
		rc = count_of(f, id, &s->entries);
	for (int r = 0; r < INCIDENT_REPORTS && rc == 0; r++)
		rc = seq_and_time(f, IS_REPORTED, id, incident_report_name(r), &s->deadlines[r].done_seq,
		                  &s->deadlines[r].done_ms);
	if (rc == 0) {
		sqlite3_stmt *st = incident_stmt(f, IS_DECISIONS);
		sqlite3_bind_int64(st, 1, id);
		rc = collect(f, st, &s->decisions, &s->ndecisions);
	}
	if (rc == 0 && nlatest) {
		sqlite3_stmt *st = incident_stmt(f, IS_LATEST);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)nlatest);
		rc = collect(f, st, &s->latest, &s->nlatest);
		for (size_t i = 0; rc == 0 && i < s->nlatest / 2; i++) {
			struct incident_entry t = s->latest[i];
			s->latest[i] = s->latest[s->nlatest - 1 - i];
			s->latest[s->nlatest - 1 - i] = t;
		}
	}
	if (rc == 0) {
		sqlite3_stmt *st = incident_stmt(f, IS_LAST);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			s->head_seq = sqlite3_column_int64(st, 0);
			const void *h = sqlite3_column_blob(st, 1);
			if (h && sqlite3_column_bytes(st, 1) == INCIDENT_HASH_LEN)
				memcpy(s->head, h, INCIDENT_HASH_LEN);
		}
		sqlite3_reset(st);
		rc = step_err(f, step);
	}
	if (rc < 0) {
		incident_state_release(s);
		return rc;
	}
	deadlines(s, now_ms);
	return 0;
}

void incident_state_release(struct incident_state *s)
{
	incident_entry_release(&s->declared);
	for (size_t i = 0; i < s->ndecisions; i++)
		incident_entry_release(&s->decisions[i]);
	for (size_t i = 0; i < s->nlatest; i++)
		incident_entry_release(&s->latest[i]);
	free(s->decisions);
	free(s->latest);
	memset(s, 0, sizeof(*s));
}

int incident_list(struct incident_file *f, struct incident_list *out)
{
	memset(out, 0, sizeof(*out));
	struct incident_entry *v = NULL;
	size_t n = 0;
	int rc = collect(f, incident_stmt(f, IS_DECLARES), &v, &n);
	if (n)
		out->v = lb_calloc(n, sizeof(*out->v));
	for (size_t i = 0; i < n; i++) {
		struct incident_summary *s = &out->v[out->n++];
		s->declared = v[i];
		int64_t since, closed_seq;
		if (rc == 0)
			rc = phase_of(f, s->declared.seq, s->declared.at_ms, &s->phase, &since);
		if (rc == 0)
			rc = seq_and_time(f, IS_CLOSE_OF, s->declared.seq, NULL, &closed_seq, &s->closed_ms);
		if (rc == 0)
			rc = count_of(f, s->declared.seq, &s->entries);
	}
	free(v);
	if (rc < 0)
		incident_list_release(out);
	return rc;
}

void incident_list_release(struct incident_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		incident_entry_release(&l->v[i].declared);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int incident_each(struct incident_file *f, int64_t id, int (*fn)(const struct incident_entry *e, void *arg), void *arg)
{
	int rc = resolve(f, &id);
	if (rc < 0)
		return rc;
	struct incident_entry probe = {0};
	if ((rc = get_declaration(f, id, &probe)) < 0)
		return rc;
	incident_entry_release(&probe);
	sqlite3_stmt *st = incident_stmt(f, IS_EACH);
	sqlite3_bind_int64(st, 1, id);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct incident_entry e = {0};
		incident_read_row(st, &e);
		stop = fn(&e, arg);
		incident_entry_release(&e);
	}
	if (stop) {
		sqlite3_reset(st);
		return stop;
	}
	sqlite3_reset(st);
	return step_err(f, step);
}

int incident_get(struct incident_file *f, int64_t seq, struct incident_entry *e)
{
	memset(e, 0, sizeof(*e));
	sqlite3_stmt *st = incident_stmt(f, IS_GET);
	sqlite3_bind_int64(st, 1, seq);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		incident_read_row(st, e);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return lb_error_tr(LB_ENOTFOUND, "no entry #%lld", "#%lld の記録はありません", (long long)seq);
	return step_err(f, rc);
}

int incident_corrected_by(struct incident_file *f, int64_t seq, int64_t *by)
{
	sqlite3_stmt *st = incident_stmt(f, IS_CORRECTED_BY);
	sqlite3_bind_int64(st, 1, seq);
	int rc = sqlite3_step(st);
	*by = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if ((rc = step_err(f, rc)) < 0)
		return rc;
	return *by != 0;
}

int incident_each_all(struct incident_file *f, int (*fn)(const struct incident_entry *e, void *arg), void *arg)
{
	sqlite3_stmt *st = incident_stmt(f, IS_ALL);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct incident_entry e = {0};
		incident_read_row(st, &e);
		stop = fn(&e, arg);
		incident_entry_release(&e);
	}
	sqlite3_reset(st);
	return stop ? stop : step_err(f, step);
}
