/*
 * audit.c - the station's access log: who saw which patient, on which page, when and from where.
 *
 * Entries are appended to the audit table of F.station; triggers created with the schema (auth.c) abort any
 * UPDATE or DELETE, so the trail can only grow, also when someone opens the file with the sqlite3 shell. A page
 * whose view cannot be recorded is not shown (server.c).
 */
#include "station_int.h"

#include <string.h>

int station_audit_locked(struct station_auth *a, const char *user, const char *action, const char *patient,
                         const char *page, const char *address, const char *detail)
{
	int64_t now = lb_now_ms();
	struct buf t = {0};
	lb_format_utc(&t, now, 1);
	int rc = 0;
	sqlite3_stmt *q = station_auth_stmt(a, &a->q_audit,
	                                    "INSERT INTO audit(time, ms, user, action, patient, page, address, detail)"
	                                    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!q) {
		rc = lb_error(LB_EIO, "audit trail: %s", sqlite3_errmsg(a->db));
	} else {
		sqlite3_bind_text(q, 1, t.data, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, now);
		sqlite3_bind_text(q, 3, user ? user : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, patient, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 6, page, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 7, address, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 8, detail, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = lb_error(LB_EIO, "audit trail: %s", sqlite3_errmsg(a->db));
		sqlite3_reset(q);
		sqlite3_clear_bindings(q); /* the bound strings are the caller's */
	}
	if (rc < 0)
		lb_warn("%s", lb_errmsg());
	buf_release(&t);
	return rc;
}

int station_audit(struct station_auth *a, const char *user, const char *action, const char *patient, const char *page,
                  const char *address, const char *detail)
{
	pthread_mutex_lock(&a->mu);
	int rc = station_audit_locked(a, user, action, patient, page, address, detail);
	pthread_mutex_unlock(&a->mu);
	return rc;
}

int station_audit_each(const char *db, const char *user, const char *patient,
                       int (*fn)(void *ctx, const struct station_audit_entry *e), void *ctx)
{
	struct station_auth a;
	int rc = station_auth_open(&a, db, 0);
	if (rc < 0)
		return rc;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a.db,
	                       "SELECT id, time, user, action, patient, page, address, detail FROM audit"
	                       " WHERE (?1 IS NULL OR user = ?1) AND (?2 IS NULL OR patient = ?2) ORDER BY id",
	                       -1, &q, NULL) != SQLITE_OK) {
		rc = lb_error(LB_EIO, "reading the audit trail: %s", sqlite3_errmsg(a.db));
	} else {
		sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, patient, -1, SQLITE_STATIC);
		int s;
		while ((s = sqlite3_step(q)) == SQLITE_ROW) {
			struct station_audit_entry e = {
			        .id = sqlite3_column_int64(q, 0),
			        .time = (const char *)sqlite3_column_text(q, 1),
			        .user = (const char *)sqlite3_column_text(q, 2),
			        .action = (const char *)sqlite3_column_text(q, 3),
			        .patient = (const char *)sqlite3_column_text(q, 4),
			        .page = (const char *)sqlite3_column_text(q, 5),
			        .address = (const char *)sqlite3_column_text(q, 6),
			        .detail = (const char *)sqlite3_column_text(q, 7),
			};
			if (fn(ctx, &e))
				break;
		}
		if (s != SQLITE_ROW && s != SQLITE_DONE)
			rc = lb_error(LB_EIO, "reading the audit trail: %s", sqlite3_errmsg(a.db));
		sqlite3_finalize(q);
	}
	station_auth_close(&a);
	return rc;
}
