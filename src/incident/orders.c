/*
 * orders.c - the register of paper orders and records written during an outage, and the links of downtime
 * patients to their real IDs (docs/backentry.md).
 *
 * An order is one row of be_orders and one timeline entry whose text carries the order's content hash: verify
 * recomputes the hash from the row, so a row edited behind the chain's back is found. The number is the primary
 * key; a second add of the same content returns the first entry (a nurse scans a label twice), other content is
 * refused naming it. Concurrent registrations queue on the write lock (BEGIN IMMEDIATE) and each reads the number
 * again under it, so two stations never both insert.
 */
#include "be_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *ja;
} kinds[BE_KIND_COUNT] = {
        [BE_PRESCRIPTION] = {"prescription", "処方"},
        [BE_INJECTION] = {"injection", "注射"},
        [BE_LAB] = {"lab", "検査"},
        [BE_IMAGING] = {"imaging", "画像"},
        [BE_NURSING] = {"nursing", "看護指示"},
        [BE_DIET] = {"diet", "食事"},
        [BE_ADMISSION] = {"admission", "入院"},
        [BE_DISCHARGE] = {"discharge", "退院"},
        [BE_TRANSFER] = {"transfer", "転棟"},
        [BE_NOTE] = {"note", "記録"},
};

const char *be_kind_name(int k)
{
	return k >= 0 && k < BE_KIND_COUNT ? kinds[k].name : "?";
}

const char *be_kind_label(int k)
{
	return k >= 0 && k < BE_KIND_COUNT ? lb_tr(kinds[k].name, kinds[k].ja) : "?";
}

const char *be_kind_label_in(int k, int ja)
{
	return k >= 0 && k < BE_KIND_COUNT ? (ja ? kinds[k].ja : kinds[k].name) : "?";
}

int be_kind_parse(const char *s)
{
	for (int k = 0; s && k < BE_KIND_COUNT; k++)
		if (!strcmp(s, kinds[k].name) || !strcmp(s, kinds[k].ja))
			return k;
	return -1;
}

#define ORDER_TAG "lifeboat backentry order v1"

void be_order_hash(const struct be_order_new *n, const char *ward, uint8_t out[32])
{
	struct buf b = {0};
	buf_add(&b, ORDER_TAG, sizeof(ORDER_TAG));
	incident_put_str(&b, n->number);
	incident_put_str(&b, ward);
	incident_put_str(&b, n->patient);
	incident_put_str(&b, be_kind_name(n->kind));
	incident_put_u64(&b, (uint64_t)n->clinical_ms);
	incident_put_str(&b, n->author);
	incident_put_str(&b, n->form_serial);
	incident_put_str(&b, n->paper_at);
	incident_put_str(&b, n->note);
	crypto_generichash(out, 32, (const unsigned char *)b.data, b.len, NULL, 0);
	buf_release(&b);
}

void be_order_release(struct be_order *o)
{
	free(o->patient);
	free(o->author);
	free(o->form_serial);
	free(o->paper_at);
	free(o->note);
	free(o->registered_by);
	free(o->origin);
	free(o->linked_to);
	memset(o, 0, sizeof(*o));
}

/* The columns read_order reads, from be_orders o and be_backlog b. The row of be_orders is the content registered
 * first; when a conflict over the number was resolved, the kept side (BE_KEPT_COL) is shown instead (conflicts.c).
 * A downtime patient's link is the newest by its time (then by row), so that links merged from several media in
 * any order give the same answer. */
#define ORDER_COLS                                                                                          \
	"o.number, o.ward, o.patient, o.kind, o.clinical_ms, o.author, o.form_serial, o.paper_at, o.note,"  \
	" o.registered_ms, o.registered_by, o.origin, o.hash, o.seq, b.done, b.closed_ms,"                  \
	" (SELECT l.real_id FROM be_links l WHERE l.dp = b.patient ORDER BY l.at_ms DESC, l.id DESC LIMIT " \
	"1), " BE_KEPT_COL

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? lb_strdup((const char *)t) : NULL;
}

static void read_order(sqlite3_stmt *st, struct be_order *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->number, sizeof(o->number), "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(o->ward, sizeof(o->ward), "%s", (const char *)sqlite3_column_text(st, 1));
	o->patient = dup_col(st, 2);
	o->kind = be_kind_parse((const char *)sqlite3_column_text(st, 3));
	o->clinical_ms = sqlite3_column_int64(st, 4);
	o->author = dup_col(st, 5);
	o->form_serial = dup_col(st, 6);
	o->paper_at = dup_col(st, 7);
	o->note = dup_col(st, 8);
	o->registered_ms = sqlite3_column_int64(st, 9);
	o->registered_by = dup_col(st, 10);
	o->origin = dup_col(st, 11);
	if (sqlite3_column_bytes(st, 12) == 32)
		memcpy(o->hash, sqlite3_column_blob(st, 12), 32);
	o->seq = sqlite3_column_int64(st, 13);
	o->done = sqlite3_column_int(st, 14);
	o->closed_ms = sqlite3_column_int64(st, 15);
	o->linked_to = dup_col(st, 16);
	if (sqlite3_column_type(st, 17) != SQLITE_NULL)
		be_order_keep(o, (const char *)sqlite3_column_text(st, 17));
}

int be_order_get(struct incident_file *f, const char *number, struct be_order *o)
{
	memset(o, 0, sizeof(*o));
	sqlite3_stmt *st;
	int rc = be_prepare(f,
	                    "SELECT " ORDER_COLS " FROM be_orders o JOIN be_backlog b ON b.number = o.number"
	                    " WHERE o.number = ?1",
	                    &st);
	if (rc < 0)
		return rc;
	incident_bind_text(st, 1, number);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		read_order(st, o);
	sqlite3_finalize(st);
	if (step == SQLITE_ROW)
		return 0;
	if (step != SQLITE_DONE)
		return incident_sqlerr(f, "reading the incident file");
	return lb_error_tr(LB_ENOTFOUND, "no order %s is registered", "%s は登録されていません", number ? number : "");
}

int be_field_ok(const char *s, int required, const char *en, const char *ja)
{
	if (!s || !*s)
		return required ? lb_error_tr(LB_EINVAL, "%s is missing", "%s がありません", lb_tr(en, ja)) : 0;
	size_t n = strlen(s);
	if (n > INCIDENT_NAME_MAX * 4)
		return lb_error_tr(LB_EINVAL, "%s is too long", "%s が長すぎます", lb_tr(en, ja));
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return lb_error_tr(LB_EINVAL, "%s holds a control character", "%s に制御文字があります",
			                   lb_tr(en, ja));
	return 0;
}

/* The patient of an order: an allocated DP- number, or a real ID the store knows (when a check is given). */
static int patient_ok(struct incident_file *f, const char *p, be_patient_known_fn known, void *arg)
{
	int rc = be_field_ok(p, 1, "the patient", "患者");
	if (rc < 0)
		return rc;
	if (!strncmp(p, "DP-", 3)) {
		int kind;
		if ((rc = be_number_parse(p, &kind, NULL, NULL)) < 0)
			return rc;
		if ((rc = be_number_allocated(f, p)) < 0)
			return rc;
		return rc ? 0
		          : lb_error_tr(LB_EINVAL, "downtime patient number %s was never allocated in this file",
		                        "ダウンタイム患者番号 %s はこのファイルで払い出されていません", p);
	}
	if (!known)
		return 0;
	if ((rc = known(p, arg)) < 0)
		return rc;
	return rc ? 0
	          : lb_error_tr(LB_EINVAL, "no patient '%s' in the store (a new patient takes a DP- number)",
	                        "患者 '%s' はストアにいません (新しい患者にはダウンタイム患者番号 DP- を使います)", p);
}

static int order_check(struct incident_file *f, const struct be_order_new *n, be_patient_known_fn known, void *arg,
                       char ward[BE_WARD_MAX + 1])
{
	int kind;
	int rc = be_number_parse(n->number, &kind, ward, NULL);
	if (rc < 0)
		return rc;
	if (kind != BE_NUM_ORDER)
		return lb_error_tr(LB_EINVAL, "%s is a patient number, not an order number (DT-…)",
		                   "%s は患者番号で、オーダ番号 (DT-…) ではありません", n->number);
	if ((rc = be_number_allocated(f, n->number)) <= 0)
		return rc < 0 ? rc
		              : lb_error_tr(LB_EINVAL, "order number %s was never allocated in this file",
		                            "オーダ番号 %s はこのファイルで払い出されていません", n->number);
	if (n->ward && strcmp(n->ward, ward) != 0) {
		if (!be_ward_ok(n->ward))
			return lb_error_tr(LB_EINVAL, "'%s' is not a ward code (1 to 8 of A-Z, 0-9)",
			                   "'%s' は病棟コードではありません (A-Z と 0-9 の 1〜8 文字)", n->ward);
		snprintf(ward, BE_WARD_MAX + 1, "%s", n->ward); /* a patient moved: the ward where it was written */
	}
	if (n->kind < 0 || n->kind >= BE_KIND_COUNT)
		return lb_error_tr(LB_EINVAL, "unknown kind of order", "オーダの種類が不明です");
	if ((rc = be_field_ok(n->author, 1, "the author", "記載者")) < 0 ||
	    (rc = be_field_ok(n->form_serial, 0, "the form serial", "用紙番号")) < 0 ||
	    (rc = be_field_ok(n->paper_at, 0, "where the paper is kept", "原本の保管場所")) < 0 ||
	    (rc = be_field_ok(n->note, 0, "the note", "備考")) < 0 ||
	    (rc = be_field_ok(n->origin, 0, "the origin", "出所")) < 0)
		return rc;
	if (n->clinical_ms < 0 || n->clinical_ms > lb_now_ms() + 24 * 3600 * 1000)
		return lb_error_tr(LB_EINVAL, "the clinical time is in the future", "記載日時が未来になっています");
	return patient_ok(f, n->patient, known, arg);
}

int be_order_add(struct incident_file *f, const struct be_order_new *in, be_patient_known_fn known, void *arg,
                 int64_t *seq, int *existed)
{
	struct be_order_new n = *in;
	if (!n.clinical_ms)
		n.clinical_ms = lb_now_ms();
	if (existed)
		*existed = 0;
	char ward[BE_WARD_MAX + 1];
	int rc = order_check(f, &n, known, arg, ward);
	if (rc < 0)
		return rc;
	uint8_t h[32];
	be_order_hash(&n, ward, h);
	if ((rc = be_begin(f)) < 0)
		return rc;
	struct be_order old;
	rc = be_order_get(f, n.number, &old);
	if (rc == 0) { /* registered already: the same paper scanned again, or another paper under its number */
		int same = !memcmp(old.hash, h, 32);
		int64_t s = old.seq;
		be_order_release(&old);
		be_end(f, -1);
		if (!same)
			return lb_error_tr(LB_EEXIST, "%s is registered already (entry #%lld) with other content",
			                   "%s は別の内容ですでに登録されています (#%lld)", n.number, (long long)s);
		if (seq)
			*seq = s;
		if (existed)
			*existed = 1;
		return 0;
	}
	if (rc != -LB_ENOTFOUND)
		return be_end(f, rc);
	lb_error_clear();
	char hex[65], text[160];
	incident_hex(h, 32, hex);
	snprintf(text, sizeof(text), "%s %s %s", n.number, be_kind_name(n.kind), hex);
	int64_t s = 0;
	rc = be_append(f, "order", text, n.who, n.os_user, &s);
	sqlite3_stmt *st = NULL;
	if (rc == 0 &&
	    (rc = be_prepare(f,
	                     "INSERT INTO be_orders(number, ward, patient, kind, clinical_ms, author, form_serial,"
	                     " paper_at, note, registered_ms, registered_by, origin, hash, seq)"
	                     " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, at_ms, author, ?10, ?11, seq FROM entries"
	                     " WHERE seq = ?12",
	                     &st)) == 0) {
		incident_bind_text(st, 1, n.number);
		incident_bind_text(st, 2, ward);
		incident_bind_text(st, 3, n.patient);
		incident_bind_text(st, 4, be_kind_name(n.kind));
		sqlite3_bind_int64(st, 5, n.clinical_ms);
		incident_bind_text(st, 6, n.author);
		incident_bind_text(st, 7, n.form_serial);
		incident_bind_text(st, 8, n.paper_at);
		incident_bind_text(st, 9, n.note);
		incident_bind_text(st, 10, n.origin);
		sqlite3_bind_blob(st, 11, h, 32, SQLITE_STATIC);
		sqlite3_bind_int64(st, 12, s);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = incident_sqlerr(f, "writing the incident file");
		sqlite3_finalize(st);
	}
	if ((rc = be_end(f, rc)) < 0)
		return rc;
	if (seq)
		*seq = s;
	return 0;
}

/* Shared by the register and the backlog: orders (of the backlog only when open) matching flt. */
int be_list_in(struct incident_file *f, const struct be_filter *flt, int open_only,
               int (*each)(const struct be_order *, void *), void *arg)
{
	sqlite3_stmt *st;
	/* the partial index be_backlog_open serves the backlog: only open rows are read */
#define LIST_WHERE                                                                                            \
	" AND (?2 IS NULL OR b.ward = ?2) AND (?3 IS NULL OR b.kind = ?3) AND (?4 = 0 OR (b.done & ?4) = 0)"  \
	" AND (?5 IS NULL OR b.patient = ?5 OR ?5 = (SELECT l.real_id FROM be_links l WHERE l.dp = b.patient" \
	" ORDER BY l.at_ms DESC, l.id DESC LIMIT 1)) ORDER BY b.number"
	/* the backlog's literal "done <> 7" lets SQLite read only the open rows (the partial index be_backlog_open) */
	int rc = be_prepare(f,
	                    open_only ? "SELECT " ORDER_COLS " FROM be_backlog b JOIN be_orders o ON o.number ="
	                                " b.number WHERE b.done <> 7 AND ?1 = 1" LIST_WHERE
	                              : "SELECT " ORDER_COLS " FROM be_backlog b JOIN be_orders o ON o.number ="
	                                " b.number WHERE ?1 = 0" LIST_WHERE,
	                    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, open_only);
	incident_bind_text(st, 2, flt ? flt->ward : NULL);
	incident_bind_text(st, 3, flt && flt->kind >= 0 ? be_kind_name(flt->kind) : NULL);
	sqlite3_bind_int(st, 4, flt ? flt->missing_step : 0);
	incident_bind_text(st, 5, flt ? flt->patient : NULL);
	int step;
	rc = 0;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct be_order o;
		read_order(st, &o);
		rc = each(&o, arg);
		be_order_release(&o);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = incident_sqlerr(f, "reading the incident file");
	sqlite3_finalize(st);
	return rc;
}

int be_order_list(struct incident_file *f, const struct be_filter *flt, int (*each)(const struct be_order *, void *),
                  void *arg)
{
	return be_list_in(f, flt, 0, each, arg);
}

static int link_write(struct incident_file *f, const char *dp, const char *real_id, const char *who,
                      const char *os_user, int64_t *seq)
{
	int rc = be_begin(f);
	if (rc < 0)
		return rc;
	char text[INCIDENT_NAME_MAX * 4 + 64];
	snprintf(text, sizeof(text), real_id ? "%s -> %s" : "%s", dp, real_id);
	int64_t s = 0;
	rc = be_append(f, real_id ? "link" : "unlink", text, who, os_user, &s);
	sqlite3_stmt *st = NULL;
	if (rc == 0 && (rc = be_prepare(f,
	                                "INSERT INTO be_links(dp, real_id, who, at_ms, seq)"
	                                " SELECT ?1, ?2, author, at_ms, seq FROM entries WHERE seq = ?3",
	                                &st)) == 0) {
		incident_bind_text(st, 1, dp);
		incident_bind_text(st, 2, real_id);
		sqlite3_bind_int64(st, 3, s);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = incident_sqlerr(f, "writing the incident file");
		sqlite3_finalize(st);
	}
	if ((rc = be_end(f, rc)) == 0 && seq)
		*seq = s;
	return rc;
}

static int dp_ok(struct incident_file *f, const char *dp)
{
	int kind, rc = be_number_parse(dp, &kind, NULL, NULL);
	if (rc < 0)
		return rc;
	if (kind != BE_NUM_PATIENT)
		return lb_error_tr(LB_EINVAL, "%s is an order number, not a downtime patient number (DP-…)",
		                   "%s はオーダ番号で、ダウンタイム患者番号 (DP-…) ではありません", dp);
	if ((rc = be_number_allocated(f, dp)) < 0)
		return rc;
	return rc ? 0
	          : lb_error_tr(LB_EINVAL, "downtime patient number %s was never allocated in this file",
	                        "ダウンタイム患者番号 %s はこのファイルで払い出されていません", dp);
}

int be_patient_link(struct incident_file *f, const char *dp, const char *real_id, be_patient_known_fn known, void *arg,
                    const char *who, const char *os_user, int64_t *seq)
{
	int rc = dp_ok(f, dp);
	if (rc == 0)
		rc = be_field_ok(real_id, 1, "the patient ID", "患者 ID");
	if (rc == 0 && !strncmp(real_id, "DP-", 3))
		rc = lb_error_tr(LB_EINVAL, "a downtime patient is linked to a real ID, not to %s",
		                 "ダウンタイム患者は実際の患者 ID に紐付けます (%s は不可)", real_id);
	if (rc == 0 && known)
		rc = patient_ok(f, real_id, known, arg);
	return rc < 0 ? rc : link_write(f, dp, real_id, who, os_user, seq);
}

int be_patient_unlink(struct incident_file *f, const char *dp, const char *who, const char *os_user, int64_t *seq)
{
	int rc = dp_ok(f, dp);
	return rc < 0 ? rc : link_write(f, dp, NULL, who, os_user, seq);
}

int be_backlog_page(struct incident_file *f, const struct be_filter *flt, const char *after, size_t limit,
                    int (*each)(const struct be_order *, void *), void *arg, int *more)
{
	*more = 0;
	/* only the clauses of the filters given, so that SQLite picks be_backlog_ward (ward, kind, number) for a
	 * ward and be_backlog_open (number) otherwise, and stops after limit + 1 rows in number order */
	struct buf sql = {0};
	buf_adds(&sql, "SELECT " ORDER_COLS " FROM be_backlog b JOIN be_orders o ON o.number = b.number"
	               " WHERE b.done <> 7 AND b.number > ?1");
	if (flt && flt->ward)
		buf_adds(&sql, " AND b.ward = ?2");
	if (flt && flt->kind >= 0)
		buf_adds(&sql, " AND b.kind = ?3");
	if (flt && flt->missing_step)
		buf_adds(&sql, " AND (b.done & ?4) = 0");
	buf_adds(&sql, " ORDER BY b.number LIMIT ?5");
	sqlite3_stmt *st;
	int rc = be_prepare(f, sql.data, &st);
	buf_release(&sql);
	if (rc < 0)
		return rc;
	incident_bind_text(st, 1, after ? after : "");
	if (flt && flt->ward)
		incident_bind_text(st, 2, flt->ward);
	if (flt && flt->kind >= 0)
		incident_bind_text(st, 3, be_kind_name(flt->kind));
	if (flt && flt->missing_step)
		sqlite3_bind_int(st, 4, flt->missing_step);
	sqlite3_bind_int64(st, 5, (int64_t)limit + 1);
	size_t seen = 0;
	int step;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (seen++ == limit) {
			*more = 1;
			break;
		}
		struct be_order o;
		read_order(st, &o);
		rc = each(&o, arg);
		be_order_release(&o);
	}
	if (rc == 0 && !*more && step != SQLITE_DONE)
		rc = incident_sqlerr(f, "reading the incident file");
	sqlite3_finalize(st);
	return rc;
}
