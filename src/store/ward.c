/*
 * ward.c - the ward and booking lists that the downtime station's pages and the printed packs share: a read-only
 * open, the wards with inpatients, a ward's census in room and bed order with allergy and same-name marks, and one
 * day's outpatient bookings with phone numbers (the call list).
 *
 * Every query is a prepared statement with bound parameters. Results come back as a struct store_table of
 * strings (both callers only display or print them), owned by the table.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static int open_existing(struct store **out, const char *path, int flags)
{
	*out = NULL;
	if (!lb_exists(path))
		return lb_error_tr(LB_ENOTFOUND, "no store '%s' (run 'lifeboat ingest --db %s' first)",
		                   "ストア '%s' がありません (先に 'lifeboat ingest --db %s' を実行してください)", path,
		                   path);
	store_sqlite_setup();
	struct store *s = lb_calloc(1, sizeof(*s));
	s->path = lb_strdup(path);
	s->drugs_fts = -1;
	int rc;
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = store_open_error(s);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='schema_version'", -1, &q, NULL) != SQLITE_OK) {
		rc = lb_error_wrap_tr(store_sqlerr(s, L_("reading the store", "ストアの読み取り")),
		                      "'%s' is not a lifeboat store", "'%s' は lifeboat のストアではありません", path);
		goto fail;
	}
	const char *v = sqlite3_step(q) == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
	rc = v && !strcmp(v, STORE_SCHEMA_VERSION)
	             ? 0
	             : lb_error_tr(LB_ECORRUPT, "store '%s' has schema version '%s', this lifeboat reads '%s'",
	                           "ストア '%s' のスキーマ版は '%s' です。この lifeboat が読めるのは '%s' です", path,
	                           v ? v : "", STORE_SCHEMA_VERSION);
	sqlite3_finalize(q);
	if (rc == 0 && (rc = store_lacks_columns(s)) > 0)
		rc = lb_error_tr(LB_ECORRUPT,
		                 "store '%s' was made by an older lifeboat: run 'lifeboat ingest --db %s' once to"
		                 " upgrade it",
		                 "ストア '%s' は古い lifeboat で作られています。'lifeboat ingest --db %s' "
		                 "を一度実行して更新してください",
		                 path, path);
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return rc;
}

int store_open_readonly(struct store **out, const char *path)
{
	return open_existing(out, path, SQLITE_OPEN_READONLY);
}

int store_open_outage_writer(struct store **out, const char *path)
{
	return open_existing(out, path, SQLITE_OPEN_READWRITE);
}

int store_read_begin(struct store *s)
{
	return store_exec(s, "BEGIN");
}

int store_read_idle(struct store *s)
{
	return sqlite3_get_autocommit(s->db);
}

void store_read_end(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

void store_table_release(struct store_table *t)
{
	for (size_t i = 0; t->cells && i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* Run sql with text parameters p[0..np) (NULL binds NULL) and keep ncols columns of every row. */
static int table_query(struct store *s, const char *sql, const char *const *p, int np, size_t ncols,
                       struct store_table *out)
{
	memset(out, 0, sizeof(*out));
	out->ncols = ncols;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("reading the store", "ストアの読み取り"));
	for (int i = 0; i < np; i++)
		store_bind_text(q, i + 1, p[i]);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (out->nrows == cap) {
			cap = cap ? cap * 2 : 16;
			out->cells = lb_reallocarray(out->cells, cap * ncols, sizeof(*out->cells));
		}
		for (size_t c = 0; c < ncols; c++) {
			const char *t = (const char *)sqlite3_column_text(q, (int)c);
			out->cells[out->nrows * ncols + c] = t ? lb_strdup(t) : NULL;
		}
		out->nrows++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_table_release(out);
		return store_sqlerr(s, L_("reading the store", "ストアの読み取り"));
	}
	return 0;
}

int store_wards(struct store *s, struct store_table *out)
{
	/* 3A … 12B, 17A by floor number (CAST reads the leading digits), then ICU, 緩和ケア … by name */
	return table_query(s,
	                   "SELECT ward, count(*) FROM census WHERE ward IS NOT NULL AND ward <> '' GROUP BY ward"
	                   " ORDER BY CAST(ward AS INTEGER) = 0, CAST(ward AS INTEGER), ward",
	                   NULL, 0, STORE_WARD_COLS, out);
}

int store_census_list(struct store *s, const char *ward, struct store_table *out)
{
	const char *p[] = {ward};
	return table_query(
	        s,
	        "SELECT c.patient_id, c.room, c.bed, c.since, c.department, c.attending,"
	        " c.same_surname_in_ward, p.family_kanji, p.given_kanji, p.family_kana, p.given_kana,"
	        " p.birth_date, p.sex, p.same_name,"
	        " (SELECT count(*) FROM allergies a WHERE a.patient_id = c.patient_id AND a.active "
	        "AND " STORE_ALLERGY_FIRST_SQL(
	                "a",
	                "b") "),"
	                     " p.id IS NOT NULL,"
	                     /* in the order they were loaded, as the patient snapshot lists them */
	                     " (SELECT group_concat(n, '; ') FROM (SELECT COALESCE(a.name, a.code) AS n FROM allergies "
	                     "a"
	                     " WHERE a.patient_id = c.patient_id AND a.active AND " STORE_ALLERGY_FIRST_SQL(
	                             "a",
	                             "b") " ORDER BY a.id))"
	                                  /* LEFT JOIN: a bed whose patient has no record (the ADT message came, the demographics
	                    * did not) is still an occupied bed */
	                                  " FROM census c LEFT JOIN patients p ON p.id = c.patient_id WHERE c.ward = ?1"
	                                  /* rooms and beds are numbers as text: in number order where they are, then as text */
	                                  " ORDER BY CAST(c.room AS INTEGER), c.room, CAST(c.bed AS INTEGER), c.bed, "
	                                  "c.patient_id",
	        p, 1, STORE_CEN_COLS, out);
}

/* The day after date (YYYY-MM-DD), for a half-open range on the indexed start column. */
static int next_day(const char *date, char out[16])
{
	int y, m, d;
	if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || !lb_date_valid(y, m, d))
		return lb_error_tr(LB_EINVAL, "not a date '%s' (YYYY-MM-DD)", "'%s' は日付ではありません (YYYY-MM-DD)",
		                   date);
	lb_civil_from_days(lb_days_from_civil(y, m, d) + 1, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return 0;
}

int store_appointments_day(struct store *s, const char *date, const char *dept, struct store_table *out)
{
	char end[16];
	int rc = next_day(date, end);
	if (rc < 0)
		return rc;
	const char *p[] = {date, end, dept};
	return table_query(
	        s,
	        "SELECT a.start, a.department, a.clinician, a.kind, a.status,"
	        " COALESCE(NULLIF(a.phone, ''), NULLIF(p.phone_mobile, ''), p.phone_home), a.note,"
	        " a.patient_id, p.family_kanji, p.given_kanji, p.family_kana, p.given_kana, p.birth_date,"
	        " p.sex, p.phone_home, p.phone_mobile, p.id IS NOT NULL"
	        " FROM appointments a LEFT JOIN patients p ON p.id = a.patient_id"
	        " WHERE a.start >= ?1 AND a.start < ?2 AND (?3 IS NULL OR a.department = ?3)"
	        /* one booking given by two feeds (FHIR Appointment and the CSV) is one call: the last loaded */
	        " AND (a.source_id IS NULL OR a.id = (SELECT max(b.id) FROM appointments b"
	        " WHERE b.start = a.start AND b.source_id = a.source_id))"
	        " ORDER BY a.start, a.department, a.id",
	        p, 3, STORE_APPT_COLS, out);
}

int store_appointment_departments(struct store *s, const char *date, struct store_table *out)
{
	char end[16];
	int rc = next_day(date, end);
	if (rc < 0)
		return rc;
	const char *p[] = {date, end};
	return table_query(s,
	                   "SELECT DISTINCT department FROM appointments WHERE start >= ?1 AND start < ?2"
	                   " AND department IS NOT NULL ORDER BY department",
	                   p, 2, 1, out);
}

int store_appointment_dates(struct store *s, const char *date, struct store_table *out)
{
	const char *p[] = {date};
	return table_query(s,
	                   "SELECT DISTINCT substr(start, 1, 10) FROM appointments WHERE start >= ?1"
	                   " AND length(start) >= 10 ORDER BY 1",
	                   p, 1, 1, out);
}

const char *store_path(const struct store *s)
{
	return s->path;
}
