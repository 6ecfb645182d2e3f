/*
 * audit.c - the station's access log: who saw which patient, on which page, when and from where.
 *
 * Entries are appended to the audit table of F.station; triggers created with the schema (auth.c) abort any
 * UPDATE or DELETE, so the trail can only grow, also when someone opens the file with the sqlite3 shell. A page
 * whose view cannot be recorded is not shown (server.c).
 *
 * Tamper evidence beyond the triggers (which whoever owns the file can drop): each entry carries chain =
 * BLAKE2b-256(previous entry's chain, its own fields), computed inside the INSERT by the SQL function
 * lb_audit_chain that only lifeboat registers. station_audit_verify recomputes the chain: an entry changed or
 * removed in the middle breaks it from there on. The head (last chain value) can be written down or printed to
 * make a cut-off tail detectable too.
 */
#include "station_int.h"

#include <sodium.h>
#include <string.h>

#define AUDIT_CHAIN_FIELDS 9 /* previous chain, time, ms, user, action, patient, page, address, detail */

/* Hash the fields, each as NULL marker or (length, bytes), so that no two different rows hash alike. */
static void chain_of(const unsigned char *const *v, const int *len, char out[65])
{
	crypto_generichash_state h;
	unsigned char d[32];
	crypto_generichash_init(&h, (const unsigned char *)"lifeboat-audit-1", 16, sizeof(d));
	for (int i = 0; i < AUDIT_CHAIN_FIELDS; i++) {
		unsigned char hdr[9] = {0};
		if (v[i]) {
			uint64_t n = (uint64_t)len[i];
			hdr[0] = 1;
			for (int k = 0; k < 8; k++)
				hdr[1 + k] = (unsigned char)(n >> (8 * k));
		}
		crypto_generichash_update(&h, hdr, v[i] ? 9 : 1);
		if (v[i])
			crypto_generichash_update(&h, v[i], (unsigned long long)len[i]);
	}
	crypto_generichash_final(&h, d, sizeof(d));
	sodium_bin2hex(out, 65, d, sizeof(d));
}

static void sql_chain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *v[AUDIT_CHAIN_FIELDS];
	int len[AUDIT_CHAIN_FIELDS];
	if (argc != AUDIT_CHAIN_FIELDS) {
		sqlite3_result_error(ctx, "lb_audit_chain takes 9 arguments", -1);
		return;
	}
	for (int i = 0; i < argc; i++) {
		v[i] = sqlite3_value_type(argv[i]) == SQLITE_NULL ? NULL : sqlite3_value_text(argv[i]);
		len[i] = v[i] ? sqlite3_value_bytes(argv[i]) : 0;
	}
	char out[65];
	chain_of(v, len, out);
	sqlite3_result_text(ctx, out, 64, SQLITE_TRANSIENT);
}

int station_audit_register(sqlite3 *db)
{
	if (sqlite3_create_function_v2(db, "lb_audit_chain", AUDIT_CHAIN_FIELDS, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                               NULL, sql_chain, NULL, NULL, NULL) != SQLITE_OK)
		return lb_error_tr(LB_EINTERNAL, "cannot register the audit chain: %s",
		                   "アクセス記録のハッシュ連鎖を登録できません: %s", sqlite3_errmsg(db));
	return 0;
}

int station_audit_verify(const char *db, int64_t *entries, char head[65], int64_t *bad_id)
{
	*entries = 0;
	*bad_id = 0;
	head[0] = 0;
	struct station_auth a;
	int rc = station_auth_open(&a, db, 0);
	if (rc < 0)
		return rc;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(a.db,
	                       "SELECT id, time, ms, user, action, patient, page, address, detail, chain FROM audit"
	                       " ORDER BY id",
	                       -1, &q, NULL) != SQLITE_OK) {
		rc = lb_error_tr(LB_EIO, "reading the audit trail: %s", "アクセス記録の読み込み: %s",
		                 sqlite3_errmsg(a.db));
		goto done;
	}
	char prev[65] = "";
	int s;
	while ((s = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *v[AUDIT_CHAIN_FIELDS];
		int len[AUDIT_CHAIN_FIELDS];
		v[0] = prev[0] ? (const unsigned char *)prev : NULL;
		len[0] = prev[0] ? 64 : 0;
		for (int i = 1; i < AUDIT_CHAIN_FIELDS; i++) {
			v[i] = sqlite3_column_type(q, i) == SQLITE_NULL ? NULL : sqlite3_column_text(q, i);
			len[i] = v[i] ? sqlite3_column_bytes(q, i) : 0;
		}
		char want[65];
		chain_of(v, len, want);
		const char *have = (const char *)sqlite3_column_text(q, 9);
		(*entries)++;
		if (!have && !prev[0])
			continue; /* written before the chain existed (older lifeboat): nothing to check */
		if (!have || strcmp(have, want)) {
			*bad_id = sqlite3_column_int64(q, 0);
			rc = 1;
			break;
		}
		memcpy(prev, have, 65);
	}
	if (rc == 0 && s != SQLITE_DONE)
		rc = lb_error_tr(LB_EIO, "reading the audit trail: %s", "アクセス記録の読み込み: %s",
		                 sqlite3_errmsg(a.db));
	sqlite3_finalize(q);
	memcpy(head, prev, 65);
done:
	station_auth_close(&a);
	return rc;
}

int station_audit_locked(struct station_auth *a, const char *user, const char *action, const char *patient,
                         const char *page, const char *address, const char *detail)
{
	int64_t now = lb_now_ms();
	struct buf t = {0};
	lb_format_utc(&t, now, 1);
	int rc = 0;
	sqlite3_stmt *q = station_auth_stmt(a, &a->q_audit,
	                                    "INSERT INTO audit(time, ms, user, action, patient, page, address, detail,"
	                                    " chain) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	                                    " lb_audit_chain((SELECT chain FROM audit ORDER BY id DESC LIMIT 1),"
	                                    " ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))");
	if (!q) {
		rc = lb_error_tr(LB_EIO, "audit trail: %s", "アクセス記録: %s", sqlite3_errmsg(a->db));
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
			rc = lb_error_tr(LB_EIO, "audit trail: %s", "アクセス記録: %s", sqlite3_errmsg(a->db));
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
		rc = lb_error_tr(LB_EIO, "reading the audit trail: %s", "アクセス記録の読み込み: %s",
		                 sqlite3_errmsg(a.db));
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
			rc = lb_error_tr(LB_EIO, "reading the audit trail: %s", "アクセス記録の読み込み: %s",
			                 sqlite3_errmsg(a.db));
		sqlite3_finalize(q);
	}
	station_auth_close(&a);
	return rc;
}
