/*
 * verify.c - walk the timeline and recompute its hash chain (incident verify).
 *
 * Each row is checked three ways, in this order, and the first failure names the row:
 *   1. its own hash: BLAKE2b over its stored prev and its content must equal its stored hash, else it was ALTERED
 *      (content, prev or hash changed);
 *   2. its number: seq runs 1, 2, 3, …; a gap means the entry expected there was REMOVED;
 *   3. its place: its prev must be the hash of the row before it. When another row of the file has that hash, the
 *      row was REORDERED (it follows that one in truth); when none has, the entry before it was removed or replaced
 *      (the rows were renumbered, or an entry was rewritten with a recomputed hash), reported as REMOVED here.
 * A chain rewritten as a whole from some entry on (every hash recomputed) still verifies; against that, the head
 * hash noted on paper or elsewhere (`verify --head`) must still be found in the chain. The back-entry register
 * (schema 4) is checked after the chain: each order's content hash, recomputed from its row, must be the one its
 * timeline entry carries, else that entry is reported ALTERED.
 */
#include "backentry.h"
#include "incident_int.h"

#include <ctype.h>
#include <string.h>

/* The seq of the row whose hash is h (0 when none). Only called once, at a break. */
static int64_t seq_of_hash(struct incident_file *f, const uint8_t h[INCIDENT_HASH_LEN])
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(f->db, "SELECT seq FROM entries WHERE hash = ?1 ORDER BY seq LIMIT 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return 0;
	sqlite3_bind_blob(st, 1, h, INCIDENT_HASH_LEN, SQLITE_STATIC);
	int64_t seq = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return seq;
}

/* Lowercase copy of a head given by a person, or -LB_EINVAL when it is not 8 to 64 hex digits. */
static int parse_head(const char *s, char out[2 * INCIDENT_HASH_LEN + 1])
{
	size_t n = strlen(s);
	if (n < 8 || n > 2 * INCIDENT_HASH_LEN)
		return lb_error_tr(LB_EINVAL, "--head takes 8 to 64 hex digits of a hash, not '%s'",
		                   "--head にはハッシュの 16 進数 8〜64 桁を指定します ('%s' は不可)", s);
	for (size_t i = 0; i < n; i++) {
		if (lb_hexval((unsigned char)s[i]) < 0)
			return lb_error_tr(LB_EINVAL, "--head takes 8 to 64 hex digits of a hash, not '%s'",
			                   "--head にはハッシュの 16 進数 8〜64 桁を指定します ('%s' は不可)", s);
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[n] = '\0';
	return 0;
}

int incident_verify(struct incident_file *f, const char *head_hex, struct incident_verify_result *r)
{
	memset(r, 0, sizeof(*r));
	char head[2 * INCIDENT_HASH_LEN + 1] = "";
	int rc;
	if (head_hex && (rc = parse_head(head_hex, head)) < 0)
		return rc;
	size_t head_len = strlen(head);
	int head_found = 0;
	uint8_t chain[INCIDENT_HASH_LEN] = {0}, self[INCIDENT_HASH_LEN];
	struct buf scratch = {0};
	sqlite3_stmt *st = incident_stmt(f, IS_ALL);
	int64_t expected = 1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct incident_entry e;
		incident_peek_row(st, &e);
		incident_hash_with(&scratch, e.prev, &e, self);
		if (memcmp(self, e.hash, INCIDENT_HASH_LEN) != 0) {
			r->status = INCIDENT_ALTERED;
			r->at = e.seq;
			break;
		}
		if (e.seq != expected) {
			r->status = INCIDENT_REMOVED;
			r->at = expected;
			break;
		}
		if (memcmp(e.prev, chain, INCIDENT_HASH_LEN) != 0) {
			uint8_t prev[INCIDENT_HASH_LEN];
			memcpy(prev, e.prev, sizeof(prev));
			r->at = e.seq;
			sqlite3_reset(st); /* one statement at a time on this connection's read */
			r->other = seq_of_hash(f, prev);
			r->status = r->other ? INCIDENT_REORDERED : INCIDENT_REMOVED;
			break;
		}
		if (head_len && !head_found) {
			char hex[2 * INCIDENT_HASH_LEN + 1];
			incident_hex(e.hash, INCIDENT_HASH_LEN, hex);
			head_found = !strncmp(hex, head, head_len);
		}
		memcpy(chain, e.hash, INCIDENT_HASH_LEN);
		r->entries++;
		expected++;
	}
	int step = rc;
	sqlite3_reset(st);
	buf_release(&scratch);
	memcpy(r->head, chain, INCIDENT_HASH_LEN);
	if (r->status == INCIDENT_INTACT && step != SQLITE_DONE)
		return incident_sqlerr(f, "reading the timeline");
	if (r->status == INCIDENT_INTACT) { /* the back-entry rows against the entries that made them */
		int64_t bad = be_verify_rows(f);
		if (bad) {
			r->status = INCIDENT_ALTERED;
			r->at = bad > 0 ? bad : 0;
		}
	}
	if (r->status == INCIDENT_INTACT && head_len && !head_found)
		r->status = INCIDENT_HEAD_GONE;
	return 0;
}
