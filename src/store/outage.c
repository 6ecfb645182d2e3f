/*
 * outage.c - the orders checked and recorded during the outage (table outage_orders): the ward's own record, never
 * touched by ingest (which only replaces rows of the EHR's files), so that a later check sees what was already
 * given on paper. Rows are never deleted: an order is ended (with who, when and why), which keeps the audit trail.
 *
 * The table is made on first write, so a store of an older lifeboat reads as "no outage orders". Its period_days
 * column (the dosing period each line was ordered with) came later: a read-write open or a write adds it to an
 * older table (store_outage_upgrade; its old rows read NULL, "not recorded"), and a read-only reader of a table
 * without it reads NULL for it too.
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char outage_schema[] =
        "CREATE TABLE IF NOT EXISTS outage_orders(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL,"
        " drug_code TEXT NOT NULL, drug_name TEXT, dose REAL NOT NULL, unit TEXT, per_day REAL NOT NULL,"
        " days INTEGER NOT NULL DEFAULT 0, prescription TEXT, level TEXT, override_reason TEXT,"
        " recorded TEXT NOT NULL, recorded_by TEXT NOT NULL, ended TEXT, ended_by TEXT, end_reason TEXT,"
        " period_days INTEGER);\n"
        "CREATE INDEX IF NOT EXISTS outage_orders_patient ON outage_orders(patient_id, recorded);\n";

static int has_table(struct store *s)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='outage_orders'", -1, &q,
	                       NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("reading the store", "ストアの読み取り"));
	int found = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return found;
}

/* 1 when the outage_orders table has the column period_days (0 when not, or there is no table; negative on error). */
static int has_period(struct store *s)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT count(*) FROM pragma_table_info('outage_orders') WHERE name='period_days'", -1,
	                       &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("reading the store", "ストアの読み取り"));
	int found = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) > 0;
	sqlite3_finalize(q);
	return found;
}

/* Add period_days to a table made by an older lifeboat (inside the caller's write transaction). */
static int add_period(struct store *s)
{
	int rc = has_table(s);
	if (rc <= 0)
		return rc;
	if ((rc = has_period(s)) != 0)
		return rc < 0 ? rc : 0;
	return store_exec(s, "ALTER TABLE outage_orders ADD COLUMN period_days INTEGER");
}

int store_outage_upgrade(struct store *s)
{
	int rc = has_table(s);
	if (rc <= 0)
		return rc; /* no table yet: nothing to do (and no write lock taken) */
	if ((rc = has_period(s)) != 0)
		return rc < 0 ? rc : 0; /* it has the column */
	if ((rc = store_exec(s, "BEGIN IMMEDIATE")) < 0)
		return rc;
	rc = add_period(s); /* checked again under the write lock */
	if (rc == 0)
		return store_exec(s, "COMMIT");
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void utc_now(char out[32])
{
	int64_t ms = lb_now_ms();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int add_one(struct store *s, const struct store_outage_new *o, int64_t *id)
{
	if (!o->patient_id || !*o->patient_id || !o->drug_code || !*o->drug_code || !o->recorded_by ||
	    !*o->recorded_by || !(o->dose > 0) || !(o->per_day > 0))
		return lb_error_tr(LB_EUSAGE, "an outage order needs a patient, a drug, a dose and who records it",
		                   "ダウンタイム中の処方の記録には患者・薬品・用量・記録者が必要です");
	if (o->period_days < 0 || o->period_days > 365)
		return lb_error_tr(LB_EUSAGE, "the dosing period of an outage order is 1 to 365 days, not %d",
		                   "ダウンタイム中の処方の投与間隔は 1〜365 日です (%d ではありません)",
		                   o->period_days);
	int rc;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO outage_orders(patient_id, drug_code, drug_name, dose, unit, per_day, days,"
	                       " prescription, level, override_reason, recorded, recorded_by, period_days)"
	                       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
	                       -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("recording the outage order", "ダウンタイム中の処方の記録"));
	char now[32];
	utc_now(now);
	store_bind_text(q, 1, o->patient_id);
	store_bind_text(q, 2, o->drug_code);
	store_bind_text(q, 3, o->drug_name);
	sqlite3_bind_double(q, 4, o->dose);
	store_bind_text(q, 5, o->unit);
	sqlite3_bind_double(q, 6, o->per_day);
	sqlite3_bind_int(q, 7, o->days);
	store_bind_text(q, 8, o->prescription);
	store_bind_text(q, 9, o->level);
	store_bind_text(q, 10, o->override_reason);
	store_bind_text(q, 11, now);
	store_bind_text(q, 12, o->recorded_by);
	sqlite3_bind_int(q, 13, o->period_days > 1 ? o->period_days : 1); /* 0: not given, which is daily */
	rc = sqlite3_step(q) == SQLITE_DONE
	             ? 0
	             : store_sqlerr(s, L_("recording the outage order", "ダウンタイム中の処方の記録"));
	sqlite3_finalize(q);
	if (rc == 0) /* id is never NULL: store_outage_add passes &ids[i] */
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_outage_add(struct store *s, const struct store_outage_new *v, size_t n, int64_t *ids)
{
	int rc = store_exec(s, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = store_exec(s, outage_schema);
	if (rc == 0)
		rc = add_period(s);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = add_one(s, &v[i], &ids[i]);
	if (rc == 0)
		return store_exec(s, "COMMIT");
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int store_outage_end(struct store *s, int64_t id, const char *by, const char *reason)
{
	if (!by || !*by || !reason || !*reason)
		return lb_error_tr(LB_EUSAGE, "ending an outage order needs who ends it and why",
		                   "ダウンタイム中の処方の終了には実施者と理由が必要です");
	int rc = has_table(s);
	if (rc < 0)
		return rc;
	if (!rc)
		return lb_error_tr(LB_ENOTFOUND, "no outage order %lld", "ダウンタイム中の処方 %lld はありません",
		                   (long long)id);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(
	            s->db,
	            "UPDATE outage_orders SET ended=?2, ended_by=?3, end_reason=?4 WHERE id=?1 AND ended IS NULL", -1,
	            &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("ending the outage order", "ダウンタイム中の処方の終了"));
	char now[32];
	utc_now(now);
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, now);
	store_bind_text(q, 3, by);
	store_bind_text(q, 4, reason);
	rc = sqlite3_step(q) == SQLITE_DONE
	             ? 0
	             : store_sqlerr(s, L_("ending the outage order", "ダウンタイム中の処方の終了"));
	sqlite3_finalize(q);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		rc = lb_error_tr(LB_ENOTFOUND, "no outage order %lld that is still running",
		                 "終了していないダウンタイム中の処方 %lld はありません", (long long)id);
	return rc;
}

int store_outage_list(struct store *s, const char *patient_id, const char *today, int all, struct store_table *out)
{
	memset(out, 0, sizeof(*out));
	out->ncols = STORE_OUT_COLS;
	int rc = has_table(s);
	if (rc <= 0)
		return rc;
	/* a table of an older lifeboat read through a read-only handle may lack period_days: NULL, not recorded */
	int period = has_period(s);
	if (period < 0)
		return period;
		/* running: not ended, and without days or within them (recorded on day 1 of days) */
#define OUTAGE_LIST_SQL(period)                                                                 \
	"SELECT id, patient_id, drug_code, drug_name, dose, unit, per_day, days, prescription," \
	" level, override_reason, recorded, recorded_by, ended, ended_by, end_reason, " period  \
	" FROM outage_orders WHERE patient_id=?1 AND (?3 OR (ended IS NULL AND (days = 0 OR"    \
	" date(substr(recorded, 1, 10), '+' || (days - 1) || ' days') >= ?2)))"                 \
	" ORDER BY recorded, id"
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, period ? OUTAGE_LIST_SQL("period_days") : OUTAGE_LIST_SQL("NULL"), -1, &q,
	                       NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("reading the outage orders", "ダウンタイム中の処方の読み取り"));
#undef OUTAGE_LIST_SQL
	store_bind_text(q, 1, patient_id);
	store_bind_text(q, 2, today);
	sqlite3_bind_int(q, 3, all ? 1 : 0);
	size_t cap = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (out->nrows == cap) {
			cap = cap ? cap * 2 : 8;
			out->cells = lb_reallocarray(out->cells, cap * out->ncols, sizeof(*out->cells));
		}
		for (size_t c = 0; c < out->ncols; c++) {
			char num[32];
			const char *t = (const char *)sqlite3_column_text(q, (int)c);
			if (t && (c == STORE_OUT_DOSE || c == STORE_OUT_PER_DAY)) {
				snprintf(num, sizeof(num), "%g", sqlite3_column_double(q, (int)c)); /* 200, not 200.0 */
				t = num;
			}
			out->cells[out->nrows * out->ncols + c] = t ? lb_strdup(t) : NULL;
		}
		out->nrows++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_table_release(out);
		return store_sqlerr(s, L_("reading the outage orders", "ダウンタイム中の処方の読み取り"));
	}
	return 0;
}

const char *store_period_words(const char *period_cell, int ja, char *tmp, size_t cap)
{
	int d = period_cell ? atoi(period_cell) : 0;
	if (d <= 1)
		return "";
	if (d == 7)
		return ja ? "週1回" : "once a week";
	snprintf(tmp, cap, ja ? "%d日に1回" : "every %d days", d);
	return tmp;
}

int store_outage_period(const struct store_table *t, size_t r)
{
	const char *c = store_cell(t, r, STORE_OUT_PERIOD);
	return c ? atoi(c) : 0;
}
