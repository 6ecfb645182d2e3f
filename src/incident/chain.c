/*
 * chain.c - the timeline's hash chain and appending to it.
 *
 * Each entry's hash is BLAKE2b-256 (libsodium crypto_generichash, no key) over the previous entry's hash (32 zero
 * bytes for the first entry of the file) followed by the entry's canonical content: a tag, then every field but
 * seq, prev and hash in a fixed order, integers as 8 bytes big-endian, strings as a 4-byte big-endian length and
 * their bytes, an empty field (NULL) as the length 0xffffffff (docs/incident.md). The encoding is unambiguous, so
 * two different entries never share content, and it does not depend on SQLite: the chain can be checked from an
 * export on another machine.
 *
 * An append is one IMMEDIATE transaction: read the newest entry, check the new one against the timeline, hash,
 * insert with seq = newest + 1, commit. Concurrent writers (several stations, the CLI) queue on SQLite's write
 * lock, so the chain never forks.
 */
#include "backentry.h"
#include "incident_int.h"
#include "text/text.h"

#include <sodium.h>
#include <string.h>

#define CANON_TAG "lifeboat incident entry v1"

static void put_u64(struct buf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (56 - 8 * i));
	buf_add(b, x, 8);
}

static void put_str(struct buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : 0xffffffffu;
	unsigned char x[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8),
	                      (unsigned char)n};
	buf_add(b, x, 4);
	if (s)
		buf_add(b, s, n);
}

void incident_canonical(struct buf *out, const struct incident_entry *e)
{
	buf_add(out, CANON_TAG, sizeof(CANON_TAG)); /* with its NUL */
	put_u64(out, (uint64_t)e->incident);
	put_u64(out, (uint64_t)e->at_ms);
	put_str(out, e->type);
	put_str(out, e->kind);
	put_str(out, e->team);
	put_str(out, e->author);
	put_str(out, e->os_user);
	put_str(out, e->text);
	put_str(out, e->report);
	put_u64(out, (uint64_t)e->ref);
	put_u64(out, (uint64_t)e->known_at_ms);
	put_u64(out, (uint64_t)(int64_t)e->flags);
	/* schema 2: a fact's source, only when set, so that every entry without one hashes as in version 1 */
	if (e->source)
		put_str(out, e->source);
}

void incident_hash_with(struct buf *scratch, const uint8_t prev[INCIDENT_HASH_LEN], const struct incident_entry *e,
                        uint8_t out[INCIDENT_HASH_LEN])
{
	buf_reset(scratch);
	buf_add(scratch, prev, INCIDENT_HASH_LEN);
	incident_canonical(scratch, e);
	crypto_generichash(out, INCIDENT_HASH_LEN, (const unsigned char *)scratch->data, scratch->len, NULL, 0);
}

void incident_entry_hash(const uint8_t prev[INCIDENT_HASH_LEN], const struct incident_entry *e,
                         uint8_t out[INCIDENT_HASH_LEN])
{
	struct buf c = {0};
	incident_hash_with(&c, prev, e, out);
	buf_release(&c);
}

void incident_put_u64(struct buf *b, uint64_t v)
{
	put_u64(b, v);
}

void incident_put_str(struct buf *b, const char *s)
{
	put_str(b, s);
}

void incident_hex(const uint8_t *h, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[2 * n] = '\0';
}

/* 0 when s is valid UTF-8 of at most max bytes without control characters (tab, and newline when lines, pass). */
static int check_text(const char *s, size_t max, int lines, const char *what_en, const char *what_ja)
{
	size_t n = strlen(s);
	if (n > max)
		return lb_error_tr(LB_EINVAL, "%s is %zu bytes long; at most %zu",
		                   "%s が %zu バイトあります (上限 %zu)", lb_tr(what_en, what_ja), n, max);
	if (!utf8_valid(s, n))
		return lb_error_tr(LB_EINVAL, "%s is not valid UTF-8", "%s が UTF-8 として正しくありません",
		                   lb_tr(what_en, what_ja));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && !(lines && c == '\n')) || c == 0x7f)
			return lb_error_tr(LB_EINVAL, "%s holds a control character (byte %zu)",
			                   "%s に制御文字があります (%zu バイト目)", lb_tr(what_en, what_ja), i + 1);
	}
	return 0;
}

static int check_fields(const struct incident_new *n)
{
	int rc = 0;
	if (!n->text || !*n->text)
		return lb_error_tr(LB_EINVAL, "the entry has no text", "記録の本文が空です");
	if (n->text[strspn(n->text, " \t\n")] == '\0')
		return lb_error_tr(LB_EINVAL, "the entry's text is only blanks", "記録の本文が空白だけです");
	rc = check_text(n->text, INCIDENT_TEXT_MAX, 1, "the text", "本文");
	if (rc == 0 && n->author)
		rc = *n->author ? check_text(n->author, INCIDENT_NAME_MAX, 0, "the writer's name", "記録者名")
		                : lb_error_tr(LB_EINVAL, "the writer's name is empty", "記録者名が空です");
	if (rc == 0 && n->os_user)
		rc = check_text(n->os_user, INCIDENT_NAME_MAX, 0, "the account name", "アカウント名");
	if (rc == 0 && n->source)
		rc = *n->source ? check_text(n->source, INCIDENT_NAME_MAX, 0, "the source", "出典")
		                : lb_error_tr(LB_EINVAL, "the source is empty", "出典が空です");
	if (rc == 0 && n->source && strcmp(n->type, INCIDENT_T_FACT) != 0)
		rc = lb_error_tr(LB_EINVAL, "only a fact has a source", "出典を付けられるのは事実シートの項目だけです");
	if (rc == 0 && n->team && incident_team_parse(n->team) < 0)
		rc = lb_error_tr(LB_EINVAL, "no team '%s' (hq, recovery, liaison, patients, records, safety)",
		                 "班 '%s' はありません (hq, recovery, liaison, patients, records, safety)", n->team);
	return rc;
}

int incident_new_check(const struct incident_new *n, int64_t now_ms)
{
	int rc = check_fields(n);
	if (rc < 0 || !n->type || strcmp(n->type, INCIDENT_T_DECLARE))
		return rc;
	if (n->known_at_ms > now_ms + 5 * 60 * 1000)
		return lb_error_tr(LB_EINVAL, "the time the hospital learned of it is in the future",
		                   "認知日時が未来になっています");
	if (n->known_at_ms && n->known_at_ms < INT64_C(946684800000))
		return lb_error_tr(LB_EINVAL, "the time the hospital learned of it is before 2000",
		                   "認知日時が 2000 年より前です");
	return 0;
}

/* The open incident (0 when none); -LB_EEXIST when the file holds two (a bug, or an edited file). */
static int open_incident(struct incident_file *f, int64_t *id)
{
	sqlite3_stmt *st = incident_stmt(f, IS_OPEN);
	*id = 0;
	int rc, n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (n++ == 0)
			*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return incident_sqlerr(f, "reading the incident file");
	return 0;
}

int incident_current(struct incident_file *f, int64_t *id)
{
	return open_incident(f, id);
}

/* The current phase of incident id (detection when it never changed). */
static int current_phase(struct incident_file *f, int64_t id, int *phase)
{
	sqlite3_stmt *st = incident_stmt(f, IS_PHASE);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*phase = INCIDENT_DETECTION;
	if (rc == SQLITE_ROW) {
		int p = incident_phase_parse((const char *)sqlite3_column_text(st, 0));
		*phase = p < 0 ? INCIDENT_DETECTION : p;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : incident_sqlerr(f, "reading the incident file");
}

/* The title of the open incident, for messages (into out). */
static void title_of(struct incident_file *f, int64_t id, char *out, size_t cap)
{
	sqlite3_stmt *st = incident_stmt(f, IS_GET);
	sqlite3_bind_int64(st, 1, id);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 8))
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 8));
	sqlite3_reset(st);
}

/* Check n against the timeline and fill the entry's own fields (incident). */
static int check_against(struct incident_file *f, const struct incident_new *n, struct incident_entry *e,
                         int64_t next_seq)
{
	int64_t open;
	int rc = open_incident(f, &open);
	if (rc < 0)
		return rc;
	if (!strcmp(n->type, INCIDENT_T_BACKENTRY)) {
		/* back-entry happens before, during and after an incident: numbers are allocated in normal times */
		e->incident = open;
		return 0;
	}
	if (!strcmp(n->type, INCIDENT_T_DECLARE)) {
		if (open) {
			char title[256];
			title_of(f, open, title, sizeof(title));
			return lb_error_tr(
			        LB_EEXIST,
			        "incident #%lld '%s' is still open: close it first ('lifeboat incident close')",
			        "インシデント #%lld「%s」がまだ終了していません (先に 'lifeboat incident close')",
			        (long long)open, title);
		}
		if (n->kind && !incident_card_hash_ok(n->kind)) /* only incident_declare sets it: a card set's hash */
			return lb_error(LB_EINTERNAL,
			                /* i18n-ok: a caller bug */ "a declaration's kind is the hash of its card set");
		e->incident = next_seq;
		return 0;
	}
	if (!open)
		return lb_error_tr(LB_ENOTFOUND, "no open incident (declare one with 'lifeboat incident declare')",
		                   "進行中のインシデントはありません ('lifeboat incident declare' で宣言します)");
	e->incident = open;
	if (!strcmp(n->type, INCIDENT_T_PHASE)) {
		int want = incident_phase_parse(n->kind), now_phase;
		if (want < 0)
			return lb_error_tr(LB_EINVAL, "no phase '%s' (detection, initial, recovery, after)",
			                   "フェーズ '%s' はありません (detection, initial, recovery, after)",
			                   n->kind ? n->kind : "");
		if ((rc = current_phase(f, open, &now_phase)) < 0)
			return rc;
		if (want == now_phase)
			return lb_error_tr(LB_EINVAL, "the incident is already in phase '%s'",
			                   "すでにフェーズ「%s」です", incident_phase_label(want));
		return 0;
	}
	if (!strcmp(n->type, INCIDENT_T_NOTE)) {
		if (incident_kind_parse(n->kind) < 0)
			return lb_error_tr(LB_EINVAL, "no kind '%s' (fact, action, decision, contact, evidence)",
			                   "種別 '%s' はありません (fact, action, decision, contact, evidence)",
			                   n->kind ? n->kind : "");
		if (n->report && incident_report_parse(n->report) < 0)
			return lb_error_tr(LB_EINVAL, "no report '%s' (mhlw, police, ppc-preliminary, ppc-final)",
			                   "報告先 '%s' はありません (mhlw, police, ppc-preliminary, ppc-final)",
			                   n->report);
		if (n->ref) {
			sqlite3_stmt *st = incident_stmt(f, IS_GET);
			sqlite3_bind_int64(st, 1, n->ref);
			int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 1) == open &&
			         sqlite3_column_text(st, 3) &&
			         !strcmp((const char *)sqlite3_column_text(st, 3), "note");
			sqlite3_reset(st);
			if (!ok)
				return lb_error_tr(LB_EINVAL, "entry #%lld is not a note of the open incident",
				                   "#%lld は進行中のインシデントの記録ではありません",
				                   (long long)n->ref);
		}
		return 0;
	}
	if (!strcmp(n->type, INCIDENT_T_CLOSE))
		return 0;
	if (!strcmp(n->type, INCIDENT_T_CARDS) || !strcmp(n->type, INCIDENT_T_ASSIGN) ||
	    !strcmp(n->type, INCIDENT_T_DONE))
		return incident_card_check_entry(f, open, n);
	if (!strcmp(n->type, INCIDENT_T_FACT)) {
		const struct incident_fact_key *k = incident_fact_key_find(n->kind);
		if (!k || strcmp(k->key, n->kind) != 0) {
			struct buf keys = {0};
			incident_fact_key_list(&keys);
			rc = lb_error_tr(LB_EINVAL, "no fact key '%s' (%s)", "事実シートの項目 '%s' はありません (%s)",
			                 n->kind ? n->kind : "", keys.data);
			buf_release(&keys);
			return rc;
		}
		struct buf v = {0};
		rc = incident_fact_value(k, n->text, &v);
		if (rc == 0 && strcmp(v.data, n->text) != 0)
			rc = lb_error_tr(LB_EINVAL, "the value of fact '%s' is not in its stored form ('%s')",
			                 "事実シートの項目 '%s' の値が保存形式ではありません ('%s')", k->key, v.data);
		buf_release(&v);
		return rc;
	}
	return lb_error_tr(LB_EINTERNAL, "unknown entry type '%s'", "記録の型 '%s' は不明です", n->type);
}

int incident_append_in(struct incident_file *f, const struct incident_new *n, int64_t *seq)
{
	int rc = incident_new_check(n, lb_now_ms());
	if (rc < 0)
		return rc;
	int64_t now = lb_now_ms();
	struct incident_entry e = {
	        .at_ms = n->at_ms ? n->at_ms : now,
	        .type = (char *)n->type,
	        .kind = (char *)n->kind,
	        .team = (char *)n->team,
	        .author = (char *)n->author,
	        .os_user = (char *)n->os_user,
	        .text = (char *)n->text,
	        .report = (char *)n->report,
	        .ref = n->ref,
	        .known_at_ms = n->known_at_ms,
	        .flags = n->flags,
	        .source = (char *)n->source,
	};
	if (!strcmp(n->type, INCIDENT_T_DECLARE) && !e.known_at_ms)
		e.known_at_ms = e.at_ms;
	sqlite3_stmt *st = incident_stmt(f, IS_LAST);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		e.seq = sqlite3_column_int64(st, 0) + 1;
		const void *h = sqlite3_column_blob(st, 1);
		if (h && sqlite3_column_bytes(st, 1) == INCIDENT_HASH_LEN)
			memcpy(e.prev, h, INCIDENT_HASH_LEN);
	} else if (step == SQLITE_DONE) {
		e.seq = 1;
	} else {
		rc = incident_sqlerr(f, "reading the incident file");
	}
	sqlite3_reset(st);
	if (rc == 0)
		rc = check_against(f, n, &e, e.seq);
	if (rc == 0) {
		incident_entry_hash(e.prev, &e, e.hash);
		st = incident_stmt(f, IS_INSERT);
		sqlite3_bind_int64(st, 1, e.seq);
		sqlite3_bind_int64(st, 2, e.incident);
		sqlite3_bind_int64(st, 3, e.at_ms);
		incident_bind_text(st, 4, e.type);
		incident_bind_text(st, 5, e.kind);
		incident_bind_text(st, 6, e.team);
		incident_bind_text(st, 7, e.author);
		incident_bind_text(st, 8, e.os_user);
		incident_bind_text(st, 9, e.text);
		incident_bind_text(st, 10, e.report);
		if (e.ref)
			sqlite3_bind_int64(st, 11, e.ref);
		if (e.known_at_ms)
			sqlite3_bind_int64(st, 12, e.known_at_ms);
		sqlite3_bind_int(st, 13, e.flags);
		sqlite3_bind_blob(st, 14, e.prev, INCIDENT_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(st, 15, e.hash, INCIDENT_HASH_LEN, SQLITE_STATIC);
		incident_bind_text(st, 16, e.source);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = incident_sqlerr(f, "writing the incident file");
		sqlite3_reset(st);
	}
	if (rc == 0 && seq)
		*seq = e.seq;
	return rc;
}

int incident_append(struct incident_file *f, const struct incident_new *n, int64_t *seq)
{
	int rc = check_fields(n);
	if (rc < 0)
		return rc;
	if (sqlite3_exec(f->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return incident_sqlerr(f, "locking the incident file");
	int64_t got = 0;
	rc = incident_append_in(f, n, &got);
	if (rc == 0 && sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = incident_sqlerr(f, "writing the incident file");
	if (rc < 0) {
		sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (seq)
		*seq = got;
	return 0;
}
