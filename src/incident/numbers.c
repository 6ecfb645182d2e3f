/*
 * numbers.c - downtime numbers: DT-<ward>-<serial>-<check> for paper orders, DP-… for patients admitted during an
 * outage (docs/backentry.md). A block is allocated in normal times as one timeline entry; serials of a (kind,
 * ward) are never reused, because the next block starts after the highest one ever allocated, read under the
 * write lock.
 *
 * The check digit is Damm's algorithm over the ward and the serial's six digits, a ward letter read as its two
 * digits (A = 10 … Z = 35). Damm catches every single substitution and every adjacent transposition of digits:
 * the whole serial, a ward of digits, and letters of the same ten (A-J, K-T, U-Z). No single decimal digit can
 * catch every substitution among 36 symbols (pigeonhole); a ward mistyped into another is still refused unless
 * that ward's number was allocated too (docs/backentry.md).
 */
#include "be_int.h"

#include <stdlib.h>
#include <string.h>

const char *be_numkind_name(int kind)
{
	return kind == BE_NUM_ORDER ? "order" : kind == BE_NUM_PATIENT ? "patient" : "?";
}

int be_numkind_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "order"))
		return BE_NUM_ORDER;
	if (!strcmp(s, "patient"))
		return BE_NUM_PATIENT;
	return -1;
}

int be_ward_ok(const char *w)
{
	size_t n = w ? strlen(w) : 0;
	if (n < 1 || n > BE_WARD_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= '0' && w[i] <= '9')))
			return 0;
	return 1;
}

/* Damm's quasigroup of order 10 (totally anti-symmetric, zero diagonal). */
static const unsigned char damm[10][10] = {
        {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3}, {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
        {1, 7, 5, 0, 9, 8, 3, 4, 2, 6}, {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
        {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7}, {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
        {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

int be_check_digit(const char *ward, uint32_t serial)
{
	int p = 0;
	for (const char *c = ward; *c; c++) {
		if (*c >= 'A' && *c <= 'Z') { /* a letter as its two digits, A = 10 … Z = 35 */
			int v = *c - 'A' + 10;
			p = damm[p][v / 10];
			p = damm[p][v % 10];
		} else {
			p = damm[p][(*c - '0') % 10];
		}
	}
	char d[8];
	snprintf(d, sizeof(d), "%06u", (unsigned)(serial % 1000000u));
	for (int i = 0; i < 6; i++)
		p = damm[p][d[i] - '0'];
	return p;
}

void be_number_format(char out[BE_NUMBER_MAX], int kind, const char *ward, uint32_t serial)
{
	snprintf(out, BE_NUMBER_MAX, "%s-%s-%06u-%d", kind == BE_NUM_PATIENT ? "DP" : "DT", ward, (unsigned)serial,
	         be_check_digit(ward, serial));
}

int be_number_parse(const char *s, int *kind, char ward[BE_WARD_MAX + 1], uint32_t *serial)
{
	size_t n = s ? strlen(s) : 0;
	const char *w = s + 3, *dash = n > 3 ? strchr(w, '-') : NULL;
	size_t wl = dash ? (size_t)(dash - w) : 0;
	int ok = n >= 3 + 1 + 1 + 6 + 2 && n < BE_NUMBER_MAX && s[0] == 'D' && (s[1] == 'T' || s[1] == 'P') &&
	         s[2] == '-' && wl >= 1 && wl <= BE_WARD_MAX && n == 3 + wl + 1 + 6 + 2 && dash[7] == '-' &&
	         dash[8] >= '0' && dash[8] <= '9';
	char wb[BE_WARD_MAX + 1] = "";
	uint32_t v = 0;
	if (ok) {
		memcpy(wb, w, wl);
		wb[wl] = '\0';
		ok = be_ward_ok(wb);
		for (int i = 1; ok && i <= 6; i++) {
			ok = dash[i] >= '0' && dash[i] <= '9';
			v = v * 10 + (uint32_t)(dash[i] - '0');
		}
	}
	if (!ok)
		return lb_error_tr(LB_EINVAL, "'%s' is not a downtime number (like DT-3A-000123-9 or DP-3A-000001-0)",
		                   "'%s' はダウンタイム番号ではありません (DT-3A-000123-9 や DP-3A-000001-0 の形)",
		                   s ? s : "");
	if (be_check_digit(wb, v) != dash[8] - '0')
		return lb_error_tr(LB_EINVAL, "the check digit of '%s' does not match: a digit was misread or mistyped",
		                   "'%s' のチェックディジットが合いません (読み違いか打ち間違い)", s);
	if (kind)
		*kind = s[1] == 'P' ? BE_NUM_PATIENT : BE_NUM_ORDER;
	if (ward)
		memcpy(ward, wb, wl + 1);
	if (serial)
		*serial = v;
	return 0;
}

int be_prepare(struct incident_file *f, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(f->db, sql, -1, st, NULL) != SQLITE_OK)
		return incident_sqlerr(f, "reading the incident file");
	return 0;
}

int be_begin(struct incident_file *f)
{
	/* inside another be_begin (several media merged as one): the inner one joins the outer transaction; its
	 * failure, passed up, rolls the whole back (no savepoint: its journal would copy every page again) */
	if (f->be_depth > 0) {
		f->be_depth++;
		return 0;
	}
	if (sqlite3_exec(f->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return incident_sqlerr(f, "locking the incident file");
	f->be_depth = 1;
	return 0;
}

int be_end(struct incident_file *f, int rc)
{
	if (f->be_depth > 1) {
		f->be_depth--;
		return rc;
	}
	f->be_depth = 0;
	if (rc == 0 && sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = incident_sqlerr(f, "writing the incident file");
	if (rc < 0)
		sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int be_append(struct incident_file *f, const char *kind, const char *text, const char *who, const char *os_user,
              int64_t *seq)
{
	struct incident_new n = {
	        .type = INCIDENT_T_BACKENTRY, .kind = kind, .text = text, .author = who, .os_user = os_user};
	return incident_append_in(f, &n, seq);
}

int be_numbers_allocate(struct incident_file *f, int kind, const char *ward, uint32_t count, const char *who,
                        const char *os_user, uint32_t *first, int64_t *seq)
{
	if (kind != BE_NUM_ORDER && kind != BE_NUM_PATIENT)
		return lb_error_tr(LB_EINVAL, "the kind of number is order or patient",
		                   "番号の種類は order か patient です");
	if (!be_ward_ok(ward))
		return lb_error_tr(LB_EINVAL, "'%s' is not a ward code (1 to 8 of A-Z, 0-9)",
		                   "'%s' は病棟コードではありません (A-Z と 0-9 の 1〜8 文字)", ward ? ward : "");
	if (count < 1 || count > BE_SERIAL_MAX)
		return lb_error_tr(LB_EINVAL, "the count is 1 to %u", "個数は 1〜%u です", BE_SERIAL_MAX);
	int rc = be_begin(f);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = NULL;
	uint32_t next = 1;
	if ((rc = be_prepare(f, "SELECT max(first + count) FROM be_blocks WHERE kind = ?1 AND ward = ?2", &st)) == 0) {
		sqlite3_bind_text(st, 1, be_numkind_name(kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ward, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			next = (uint32_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (rc == 0 && (uint64_t)next + count - 1 > BE_SERIAL_MAX)
		rc = lb_error_tr(LB_EINVAL, "ward %s has only %u %s numbers left",
		                 "病棟 %s の残りは %u 個です (%s 番号)", ward,
		                 next > BE_SERIAL_MAX ? 0u : BE_SERIAL_MAX - next + 1, be_numkind_name(kind));
	char a[BE_NUMBER_MAX], b[BE_NUMBER_MAX], text[128];
	be_number_format(a, kind, ward, next);
	be_number_format(b, kind, ward, next + count - 1);
	snprintf(text, sizeof(text), "%s %s %u..%u (%s - %s)", be_numkind_name(kind), ward, (unsigned)next,
	         (unsigned)(next + count - 1), a, b);
	int64_t s = 0;
	if (rc == 0)
		rc = be_append(f, "numbers", text, who, os_user, &s);
	if (rc == 0 && (rc = be_prepare(f,
	                                "INSERT INTO be_blocks(kind, ward, first, count, who, at_ms, seq)"
	                                " SELECT ?1, ?2, ?3, ?4, author, at_ms, seq FROM entries WHERE seq = ?5",
	                                &st)) == 0) {
		sqlite3_bind_text(st, 1, be_numkind_name(kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ward, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, next);
		sqlite3_bind_int64(st, 4, count);
		sqlite3_bind_int64(st, 5, s);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = incident_sqlerr(f, "writing the incident file");
		sqlite3_finalize(st);
	}
	if ((rc = be_end(f, rc)) < 0)
		return rc;
	if (first)
		*first = next;
	if (seq)
		*seq = s;
	return 0;
}

int be_number_allocated(struct incident_file *f, const char *number)
{
	int kind;
	char ward[BE_WARD_MAX + 1];
	uint32_t serial;
	if (be_number_parse(number, &kind, ward, &serial) < 0)
		return 0;
	sqlite3_stmt *st;
	int rc = be_prepare(f,
	                    "SELECT 1 FROM be_blocks WHERE kind = ?1 AND ward = ?2 AND first <= ?3"
	                    " AND first + count > ?3 LIMIT 1",
	                    &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, be_numkind_name(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ward, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, serial);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : incident_sqlerr(f, "reading the incident file");
}

int be_blocks_list(struct incident_file *f, const char *ward, int kind, struct be_block **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int rc = be_prepare(f,
	                    "SELECT kind, ward, first, count, who, at_ms, seq FROM be_blocks"
	                    " WHERE (?1 IS NULL OR ward = ?1) AND (?2 IS NULL OR kind = ?2) ORDER BY id",
	                    &st);
	if (rc < 0)
		return rc;
	incident_bind_text(st, 1, ward);
	incident_bind_text(st, 2, kind < 0 ? NULL : be_numkind_name(kind));
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap)
			*out = lb_realloc(*out, (cap = cap ? 2 * cap : 8) * sizeof(**out));
		struct be_block *b = &(*out)[(*n)++];
		memset(b, 0, sizeof(*b));
		b->kind = be_numkind_parse((const char *)sqlite3_column_text(st, 0));
		snprintf(b->ward, sizeof(b->ward), "%s", (const char *)sqlite3_column_text(st, 1));
		b->first = (uint32_t)sqlite3_column_int64(st, 2);
		b->count = (uint32_t)sqlite3_column_int64(st, 3);
		const unsigned char *w = sqlite3_column_text(st, 4);
		b->who = w ? lb_strdup((const char *)w) : NULL;
		b->at_ms = sqlite3_column_int64(st, 5);
		b->seq = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		be_blocks_release(*out, *n);
		*out = NULL;
		*n = 0;
		return incident_sqlerr(f, "reading the incident file");
	}
	return 0;
}

void be_blocks_release(struct be_block *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].who);
	free(b);
}
