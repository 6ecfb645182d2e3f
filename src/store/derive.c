/*
 * derive.c - tables computed from the loaded rows at the end of a run (inside its transaction):
 *
 *   census        where each patient is now: ADT events replayed in time order per patient; a cancel
 *                 (A11/A12/A13) takes back the latest event of the kind it cancels; admit and transfer put the
 *                 patient in PV1-3's ward/room/bed, discharge takes them out;
 *   same names    patients.same_name counts the other patients with the same full name (kanji or kana key);
 *                 census.same_surname_in_ward the other inpatients of the ward with the same surname key;
 *   meta.as_of    how fresh the data is, in local time without a zone (the one rule for every source): the newest
 *                 SS-MIX2 message time; for feeds without message times (FHIR, CSV) the newest time the data holds
 *                 (a Patient's meta.lastUpdated, a MedicationRequest's authoredOn, an allergy's recordedDate, a
 *                 result's or ADT event's time), none later than now; when the data holds none, the run's time
 *                 with meta.as_of_unknown = 1 (printed 「取込時刻 … (データ時点不明)」).
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define EVENTS_PER_PATIENT_MAX 4096

struct ev {
	int kind; /* 'A' admit, 'T' transfer, 'D' discharge */
	char *time, *ward, *room, *bed, *dept, *att;
};

static char *col(sqlite3_stmt *q, int i)
{
	const char *t = (const char *)sqlite3_column_text(q, i);
	return t ? lb_strdup(t) : NULL;
}

static void ev_free(struct ev *e)
{
	free(e->time);
	free(e->ward);
	free(e->room);
	free(e->bed);
	free(e->dept);
	free(e->att);
}

static int flush_patient(struct store *s, sqlite3_stmt *ins, const char *pid, struct ev *v, size_t n)
{
	const struct ev *cur = NULL;
	for (size_t i = 0; i < n; i++)
		cur = v[i].kind == 'D' ? NULL : &v[i];
	if (!cur)
		return 0;
	store_bind_text(ins, 1, pid);
	store_bind_text(ins, 2, cur->ward);
	store_bind_text(ins, 3, cur->room);
	store_bind_text(ins, 4, cur->bed);
	store_bind_text(ins, 5, cur->time);
	store_bind_text(ins, 6, cur->dept);
	store_bind_text(ins, 7, cur->att);
	return store_exec_stmt(s, ins);
}

static int build_census(struct store *s)
{
	int rc = store_exec(s, "DELETE FROM census");
	if (rc < 0)
		return rc;
	sqlite3_stmt *q = NULL, *ins = NULL;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT patient_id, kind, time, ward, room, bed, department, attending FROM adt_events"
	                       " ORDER BY patient_id, time, kind LIKE 'cancel%', id",
	                       -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
	                       "INSERT INTO census(patient_id, ward, room, bed, since, department, attending)"
	                       " VALUES(?1,?2,?3,?4,?5,?6,?7)",
	                       -1, &ins, NULL) != SQLITE_OK) {
		rc = store_sqlerr(s, L_("building the census", "病棟一覧の作成"));
		goto out;
	}
	char *pid = NULL;
	struct ev *v = NULL;
	size_t n = 0, cap = 0;
	int step;
	while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(q, 0);
		const char *kind = (const char *)sqlite3_column_text(q, 1);
		if (!p || !kind)
			continue;
		if (!pid || strcmp(pid, p)) {
			if (pid)
				rc = flush_patient(s, ins, pid, v, n);
			for (size_t i = 0; i < n; i++)
				ev_free(&v[i]);
			n = 0;
			free(pid);
			pid = lb_strdup(p);
		}
		int k = !strcmp(kind, "admit")       ? 'A'
		        : !strcmp(kind, "transfer")  ? 'T'
		        : !strcmp(kind, "discharge") ? 'D'
		                                     : 0;
		if (!k) {
			/* A cancel takes back the latest event of its kind still standing. */
			int target = strstr(kind, "admit") ? 'A' : strstr(kind, "transfer") ? 'T' : 'D';
			for (size_t i = n; i-- > 0;)
				if (v[i].kind == target) {
					ev_free(&v[i]);
					memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof(*v));
					n--;
					break;
				}
			continue;
		}
		if (n == EVENTS_PER_PATIENT_MAX) {
			ev_free(&v[0]);
			memmove(&v[0], &v[1], (n - 1) * sizeof(*v));
			n--;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = lb_reallocarray(v, cap, sizeof(*v));
		}
		struct ev *e = &v[n++];
		e->kind = k;
		e->time = col(q, 2);
		e->ward = col(q, 3);
		e->room = col(q, 4);
		e->bed = col(q, 5);
		e->dept = col(q, 6);
		e->att = col(q, 7);
	}
	if (rc == 0 && pid)
		rc = flush_patient(s, ins, pid, v, n);
	for (size_t i = 0; i < n; i++)
		ev_free(&v[i]);
	free(v);
	free(pid);
out:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return rc;
}

static int set_as_of(struct store *s)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "SELECT max(msg_time) FROM files WHERE msg_time IS NOT NULL", -1, &q, NULL) !=
	    SQLITE_OK)
		return store_sqlerr(s, L_("reading message times", "メッセージ時刻の読み取り"));
	char as_of[32] = "";
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		if (t && strlen(t) >= 14)
			snprintf(as_of, sizeof(as_of), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", t, t + 4, t + 6, t + 8, t + 10,
			         t + 12);
	}
	sqlite3_finalize(q);
	int unknown = 0;
	char now[32];
	{
		time_t t = (time_t)(lb_now_ms() / 1000);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S", &tm);
	}
	if (!as_of[0]) {
		/* Only feeds without message times (a FHIR bulk export days old must not look fresh): the newest time
		 * the data itself holds, none after now (a typo in the future must not make it look newer). */
		static const char sql[] =
		        "SELECT max(t) FROM (SELECT max(updated) AS t FROM patients WHERE updated <= ?1"
		        " UNION ALL SELECT max(ordered) FROM medications WHERE ordered <= ?1"
		        " UNION ALL SELECT max(recorded) FROM allergies WHERE recorded <= ?1"
		        " UNION ALL SELECT max(time) FROM results WHERE time <= ?1"
		        " UNION ALL SELECT max(time) FROM adt_events WHERE time <= ?1)"
		        " WHERE length(t) >= 10";
		if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
			return store_sqlerr(s, L_("reading the data's times", "データの時刻の読み取り"));
		sqlite3_bind_text(q, 1, now, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
			const char *t = (const char *)sqlite3_column_text(q, 0);
			/* "2026-11-24" → "2026-11-24T00:00:00", "2026-11-24T20:29" → "…:00" */
			snprintf(as_of, sizeof(as_of), "%.10sT%.8s", t, strlen(t) > 11 ? t + 11 : "00:00:00");
			if (strlen(as_of) == 16)
				snprintf(as_of + 16, sizeof(as_of) - 16, ":00");
		}
		sqlite3_finalize(q);
	}
	if (!as_of[0]) {
		/* Nothing in the data tells its time: the run's time, marked unknown. */
		snprintf(as_of, sizeof(as_of), "%s", now);
		unknown = 1;
	}
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES('as_of_unknown', ?1)", -1, &q,
	                       NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("writing as-of time", "データ時点の書き込み"));
	sqlite3_bind_text(q, 1, unknown ? "1" : "0", -1, SQLITE_STATIC);
	int urc = store_exec_stmt(s, q);
	sqlite3_finalize(q);
	if (urc < 0)
		return urc;
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES('as_of', ?1)", -1, &q, NULL) !=
	    SQLITE_OK)
		return store_sqlerr(s, L_("writing as-of time", "データ時点の書き込み"));
	sqlite3_bind_text(q, 1, as_of, -1, SQLITE_TRANSIENT);
	int rc = store_exec_stmt(s, q);
	sqlite3_finalize(q);
	return rc;
}

int store_derive(struct store *s)
{
	int rc = build_census(s);
	if (rc == 0)
		rc = store_exec(s, "UPDATE census SET same_surname_in_ward = (SELECT count(*) FROM census c2"
		                   " JOIN patients p2 ON p2.id = c2.patient_id, patients p1"
		                   " WHERE p1.id = census.patient_id AND c2.ward IS census.ward"
		                   " AND c2.patient_id <> census.patient_id"
		                   " AND (p2.key_family = p1.key_family OR p2.key_family_kana = p1.key_family_kana))");
	/* Only rows whose count changed are written (most patients share no full name, and a re-run changes few). */
	if (rc == 0)
		rc = store_exec(s, "UPDATE patients SET same_name = c.n FROM (SELECT p1.id AS id, (SELECT count(*)"
		                   " FROM patients p2 WHERE p2.id <> p1.id AND (p2.key_full = p1.key_full"
		                   " OR p2.key_full_kana = p1.key_full_kana)) AS n FROM patients p1) AS c"
		                   " WHERE patients.id = c.id AND patients.same_name <> c.n");
	if (rc == 0)
		rc = set_as_of(s);
	/* Statistics for the query planner: with them a search for "佐藤 S23.4.5" starts from the birth-date index
	 * (a few rows) rather than from every 佐藤. A sample of each index is enough for that (analysis_limit). */
	if (rc == 0)
		rc = store_exec(s, "PRAGMA analysis_limit=2000; ANALYZE; PRAGMA analysis_limit=0");
	return rc;
}
