/*
 * conflicts.c - the same downtime number with two contents, found by a merge (be_merge.c), and a person's decision
 * which one stands (docs/backentry.md "Export and import").
 *
 * The decision is how the register shows it, never an edit: be_orders, be_conflicts and be_resolutions are
 * append-only (schema 4's triggers refuse UPDATE and DELETE). A conflict keeps both sides whole as JSON: A, the row
 * of be_orders (the content registered first in this file), and B, the medium's. A resolution is a new row naming
 * the side kept; the newest resolution of a number wins, so a decision is changed by another one. What the register
 * reads (orders.c, ORDER_COLS) carries the kept side (BE_KEPT_COL) and shows it in place of the row's content
 * (be_order_keep); the worklist's filters read be_backlog, the one table derived (not append-only), whose ward,
 * kind and patient the resolution sets to the kept side's in the same transaction. The reason is the resolution's
 * timeline entry's text, under the chain.
 */
#include "be_int.h"

#include <stdlib.h>
#include <string.h>

static void swap_str(char **a, char **b)
{
	char *t = *a;
	*a = *b;
	*b = t;
}

void be_order_keep(struct be_order *o, const char *kept)
{
	json_t *j = kept ? json_loads(kept, 0, NULL) : NULL;
	struct be_order k;
	const char *why;
	if (j && be_order_of_json(j, &k, &why) == 0 && !strcmp(k.number, o->number)) {
		memcpy(o->ward, k.ward, sizeof(o->ward));
		swap_str(&o->patient, &k.patient);
		swap_str(&o->author, &k.author);
		swap_str(&o->form_serial, &k.form_serial);
		swap_str(&o->paper_at, &k.paper_at);
		swap_str(&o->note, &k.note);
		swap_str(&o->registered_by, &k.registered_by);
		swap_str(&o->origin, &k.origin);
		o->kind = k.kind;
		o->clinical_ms = k.clinical_ms;
		o->registered_ms = k.registered_ms;
		memcpy(o->hash, k.hash, 32);
		be_order_release(&k);
	}
	json_decref(j);
}

static void side_of(const char *text, struct be_order *o)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	const char *why;
	if (!j || be_order_of_json(j, o, &why) < 0)
		memset(o, 0, sizeof(*o));
	json_decref(j);
}

int be_conflicts_list(struct incident_file *f, int open_only, struct be_conflict **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = be_prepare(f,
	                    "SELECT c.id, c.number, c.ours, c.theirs, c.origin, c.at_ms, c.seq, r.choice, r.who,"
	                    " r.at_ms, e.text FROM be_conflicts c LEFT JOIN be_resolutions r ON r.id = (SELECT max(id)"
	                    " FROM be_resolutions WHERE conflict = c.id) LEFT JOIN entries e ON e.seq = r.seq"
	                    " WHERE ?1 = 0 OR r.id IS NULL ORDER BY c.id",
	                    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, open_only);
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap)
			*out = lb_realloc(*out, (cap = cap ? 2 * cap : 8) * sizeof(**out));
		struct be_conflict *c = &(*out)[(*n)++];
		memset(c, 0, sizeof(*c));
#define T(i) ((const char *)sqlite3_column_text(st, i))
		c->id = sqlite3_column_int64(st, 0);
		snprintf(c->number, sizeof(c->number), "%s", T(1));
		side_of(T(2), &c->a);
		side_of(T(3), &c->b);
		c->origin = T(4) ? lb_strdup(T(4)) : NULL;
		c->at_ms = sqlite3_column_int64(st, 5);
		c->seq = sqlite3_column_int64(st, 6);
		if (T(7)) {
			c->choice = T(7)[0];
			c->resolved_by = T(8) ? lb_strdup(T(8)) : NULL;
			c->resolved_ms = sqlite3_column_int64(st, 9);
			const char *why = T(10) ? strstr(T(10), ": ") : NULL;
			c->reason = why ? lb_strdup(why + 2) : NULL;
		}
#undef T
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		be_conflicts_release(*out, *n);
		*out = NULL;
		*n = 0;
		return incident_sqlerr(f, "reading the incident file");
	}
	return 0;
}

void be_conflicts_release(struct be_conflict *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		be_order_release(&c[i].a);
		be_order_release(&c[i].b);
		free(c[i].origin);
		free(c[i].resolved_by);
		free(c[i].reason);
	}
	free(c);
}

int be_conflict_resolve(struct incident_file *f, const char *number, char keep, const char *reason, const char *who,
                        const char *os_user, int64_t *conflict, int64_t *seq)
{
	int rc = be_number_parse(number, NULL, NULL, NULL);
	if (rc < 0)
		return rc;
	if (keep != 'A' && keep != 'B')
		return lb_error_tr(LB_EINVAL, "--keep is A (the content registered here) or B (the medium's)",
		                   "--keep は A (ここで登録した内容) か B (媒体の内容) です");
	if (!reason || !*reason || strlen(reason) > INCIDENT_TEXT_MAX / 2)
		return lb_error_tr(LB_EINVAL, "a resolution needs a reason", "解決には理由が必要です");
	if ((rc = be_begin(f)) < 0)
		return rc;
	/* the oldest open conflict of the number, else its newest (a decision made again) */
	sqlite3_stmt *st;
	int64_t id = 0;
	char *kept = NULL;
	if ((rc = be_prepare(
	             f,
	             "SELECT c.id, CASE ?2 WHEN 'B' THEN c.theirs ELSE c.ours END, EXISTS(SELECT 1 FROM"
	             " be_resolutions r WHERE r.conflict = c.id) AS done FROM be_conflicts c WHERE c.number = ?1"
	             " ORDER BY done, CASE WHEN done THEN -c.id ELSE c.id END LIMIT 1",
	             &st)) == 0) {
		incident_bind_text(st, 1, number);
		char k[2] = {keep, 0};
		sqlite3_bind_text(st, 2, k, 1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			id = sqlite3_column_int64(st, 0);
			kept = lb_strdup((const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
	}
	if (rc == 0 && !id)
		rc = lb_error_tr(LB_EINVAL, "%s has no conflict to resolve", "%s に解決すべき競合はありません", number);
	struct be_order k = {0};
	json_t *j = kept ? json_loads(kept, 0, NULL) : NULL;
	const char *why;
	if (rc == 0 && (!j || be_order_of_json(j, &k, &why) < 0))
		rc = lb_error_tr(LB_EINTERNAL, "the conflict of %s is damaged", "%s の競合の記録が壊れています",
		                 number);
	json_decref(j);
	char text[INCIDENT_TEXT_MAX + 128];
	snprintf(text, sizeof(text), "resolve %s conflict %lld keep %c: %s", number, (long long)id, keep, reason);
	int64_t s = 0;
	if (rc == 0)
		rc = be_append(f, "resolve", text, who, os_user, &s);
	if (rc == 0 && (rc = be_prepare(f,
	                                "INSERT INTO be_resolutions(conflict, choice, who, at_ms, seq)"
	                                " SELECT ?1, ?2, author, at_ms, seq FROM entries WHERE seq = ?3",
	                                &st)) == 0) {
		char c[2] = {keep, 0};
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, c, 1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, s);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = incident_sqlerr(f, "writing the incident file");
		sqlite3_finalize(st);
	}
	/* the derived worklist row follows the kept side, so that its filters (ward, kind, patient) match it */
	if (rc == 0 && (rc = be_prepare(f, "UPDATE be_backlog SET ward = ?2, kind = ?3, patient = ?4 WHERE number = ?1",
	                                &st)) == 0) {
		incident_bind_text(st, 1, number);
		incident_bind_text(st, 2, k.ward);
		sqlite3_bind_text(st, 3, be_kind_name(k.kind), -1, SQLITE_STATIC);
		incident_bind_text(st, 4, k.patient);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = incident_sqlerr(f, "writing the incident file");
		sqlite3_finalize(st);
	}
	be_order_release(&k);
	free(kept);
	if ((rc = be_end(f, rc)) < 0)
		return rc;
	if (conflict)
		*conflict = id;
	if (seq)
		*seq = s;
	return 0;
}
