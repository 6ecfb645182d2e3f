/*
 * lists.c - the lists paper needs: wards with their census in bed order, and a day's bookings with the patients'
 * names and phones (the outpatient call list). Read-only; every string is owned by the list returned.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static int names_query(struct store *s, const char *sql, const char *arg, struct store_names *out)
{
	sqlite3_stmt *q;
	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading the census");
	if (arg)
		sqlite3_bind_text(q, 1, arg, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		if (!t)
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->v = lb_reallocarray(out->v, cap, sizeof(*out->v));
		}
		out->v[out->n++] = lb_strdup(t);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_names_release(out);
		return store_sqlerr(s, "reading the census");
	}
	return 0;
}

int store_ward_names(struct store *s, struct store_names *out)
{
	return names_query(s, "SELECT DISTINCT ward FROM census WHERE ward IS NOT NULL AND ward <> '' ORDER BY ward",
	                   NULL, out);
}

int store_ward_patients(struct store *s, const char *ward, struct store_names *out)
{
	/* Rooms and beds are numbers as text: order numerically where they are, then as text. */
	return names_query(s,
	                   "SELECT patient_id FROM census WHERE ward=?1 ORDER BY CAST(room AS INTEGER), room,"
	                   " CAST(bed AS INTEGER), bed, patient_id",
	                   ward, out);
}

void store_names_release(struct store_names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	memset(n, 0, sizeof(*n));
}

static const char *keep(struct store_calls *c, sqlite3_stmt *q, int i)
{
	const char *t = (const char *)sqlite3_column_text(q, i);
	if (!t)
		return NULL;
	if (c->nstrs == c->capstrs) {
		c->capstrs = c->capstrs ? c->capstrs * 2 : 256;
		c->strs = lb_reallocarray(c->strs, c->capstrs, sizeof(*c->strs));
	}
	return c->strs[c->nstrs++] = lb_strdup(t);
}

int store_calls_on(struct store *s, const char *date, const char *dept, struct store_calls *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT a.source_id, a.patient_id, a.start, a.department, a.clinician, a.kind, a.status,"
	                       " a.phone, a.note, p.family_kanji, p.given_kanji, p.family_kana, p.given_kana,"
	                       " p.birth_date, p.phone_home, p.phone_mobile FROM appointments a LEFT JOIN patients p"
	                       " ON p.id = a.patient_id WHERE substr(a.start,1,10) = ?1 AND (?2 IS NULL OR"
	                       " a.department = ?2) ORDER BY a.department, a.start, a.patient_id, a.id",
	                       -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading appointments");
	sqlite3_bind_text(q, 1, date, -1, SQLITE_STATIC);
	if (dept)
		sqlite3_bind_text(q, 2, dept, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 2);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			out->v = lb_reallocarray(out->v, cap, sizeof(*out->v));
		}
		struct store_call *c = &out->v[out->n++];
		memset(c, 0, sizeof(*c));
		c->appt.id = keep(out, q, 0);
		c->appt.patient_id = keep(out, q, 1);
		c->appt.start = keep(out, q, 2);
		c->appt.department = keep(out, q, 3);
		c->appt.clinician = keep(out, q, 4);
		c->appt.kind = keep(out, q, 5);
		c->appt.status = keep(out, q, 6);
		c->appt.phone = keep(out, q, 7);
		c->appt.note = keep(out, q, 8);
		c->family_kanji = keep(out, q, 9);
		c->given_kanji = keep(out, q, 10);
		c->family_kana = keep(out, q, 11);
		c->given_kana = keep(out, q, 12);
		c->birth_date = keep(out, q, 13);
		c->phone_home = keep(out, q, 14);
		c->phone_mobile = keep(out, q, 15);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_calls_release(out);
		return store_sqlerr(s, "reading appointments");
	}
	return 0;
}

void store_calls_release(struct store_calls *c)
{
	for (size_t i = 0; i < c->nstrs; i++)
		free(c->strs[i]);
	free(c->strs);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

const char *store_path(const struct store *s)
{
	return s->path;
}
