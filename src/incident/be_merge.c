/*
 * be_merge.c - `incident orders import`: a ward's medium (be_medium.c) merged into the records office's file
 * (docs/backentry.md "Export and import").
 *
 * Everything is checked before anything is written: SHA256SUMS against every file (medium_io.c, shared with the
 * incident medium), the manifest, every line, every order's content hash, the counts and ranges. Then one
 * transaction holds one "merge" timeline entry and every row: orders new to the file; for a number already here
 * with other content a conflict (be_conflicts: A, the content here, and B, the medium's, both kept; conflicts.c
 * resolves them); steps, links and blocks as sets (a row already here is not added again). So a medium imported
 * twice, or two media that overlap, leave each entry once. The entry's text carries a BLAKE2b hash over the orders
 * and the conflicts it added; be_verify_merges recomputes both from the rows. A kill before COMMIT leaves the file
 * as it was (SQLite's WAL).
 */
#include "be_int.h"
#include "medium_int.h"

#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MEDIUM_FILE_MAX ((size_t)1 << 30)

static const char *status_text(enum incident_medium_status st)
{
	switch (st) {
	case INCIDENT_MEDIUM_BAD_MANIFEST:
		return lb_tr("SHA256SUMS is missing or malformed, or does not list every file of a back-entry medium",
		             "SHA256SUMS がないか形式が正しくないか、遡及入力の媒体のファイルを全部は挙げていません");
	case INCIDENT_MEDIUM_MISSING:
		return lb_tr("a file is missing", "ファイルがありません");
	case INCIDENT_MEDIUM_MISMATCH:
		return lb_tr("a file was changed (its SHA-256 is not the one in SHA256SUMS)",
		             "ファイルが変更されています (SHA-256 が SHA256SUMS と違います)");
	case INCIDENT_MEDIUM_UNLISTED:
		return lb_tr("a file is not listed in SHA256SUMS", "SHA256SUMS にないファイルがあります");
	default:
		return lb_tr("it does not verify", "検証できません");
	}
}

int be_medium_load(const char *dir, struct be_medium *m)
{
	uint8_t *sums = m->sums_sha256;
	struct stat sb;
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return lb_error_tr(LB_EINVAL, "no folder '%s'", "フォルダ '%s' がありません", dir);
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium cannot start", "libsodium を初期化できません");
	struct incident_manifest man;
	struct incident_medium_result r = {0};
	medium_check_sums(dir, 0, &man, &r, sums);
	for (int i = 0; r.status == INCIDENT_MEDIUM_OK && i < BE_MF_COUNT; i++)
		if (!medium_listed(&man, be_medium_file_name(i)))
			medium_fail(&r, INCIDENT_MEDIUM_BAD_MANIFEST, INCIDENT_MEDIUM_MANIFEST, 0, 0);
	incident_manifest_release(&man);
	if (r.status != INCIDENT_MEDIUM_OK)
		return lb_error_tr(LB_EINVAL, "the medium '%s' is refused: %s (%s); nothing was imported",
		                   "媒体 '%s' は取り込めません: %s (%s)。何も取り込んでいません", dir,
		                   status_text(r.status), r.what);
	int rc = 0;
	for (int i = 0; rc == 0 && i < BE_MF_COUNT; i++) {
		struct buf data = {0};
		if (medium_read_file(dir, be_medium_file_name(i), &data, MEDIUM_FILE_MAX) < 0)
			rc = lb_error_tr(LB_EINVAL, "the medium '%s' is refused: cannot read %s",
			                 "媒体 '%s' は取り込めません: %s を読めません", dir, be_medium_file_name(i));
		else
			rc = be_medium_parse(m, i, data.data ? data.data : "", data.len);
		buf_release(&data);
	}
	if (rc == 0)
		rc = be_medium_check(m);
	return rc;
}

enum { NEW, SAME, CONFLICT };

struct merge {
	struct incident_file *f;
	struct be_medium *m;
	int *cls;      /* per order of m: NEW, SAME, CONFLICT */
	char **theirs; /* per CONFLICT order: its JSON */
	char **ours;
	uint8_t orders_h[32], conflicts_h[32];
};

static char *json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return s;
}

/* The row of be_orders as registered (not the kept side of a resolution): what A of a conflict is. */
static int raw_order(sqlite3_stmt *st, struct be_order *o)
{
	memset(o, 0, sizeof(*o));
#define T(i) ((const char *)sqlite3_column_text(st, i))
#define D(i) (T(i) ? lb_strdup(T(i)) : NULL)
	snprintf(o->number, sizeof(o->number), "%s", T(0));
	snprintf(o->ward, sizeof(o->ward), "%s", T(1));
	o->patient = D(2);
	o->kind = be_kind_parse(T(3));
	o->clinical_ms = sqlite3_column_int64(st, 4);
	o->author = D(5);
	o->form_serial = D(6);
	o->paper_at = D(7);
	o->note = D(8);
	o->registered_ms = sqlite3_column_int64(st, 9);
	o->registered_by = D(10);
	o->origin = D(11);
	if (sqlite3_column_bytes(st, 12) != 32)
		return -1;
	memcpy(o->hash, sqlite3_column_blob(st, 12), 32);
	return 0;
#undef D
#undef T
}

/* 1 when a conflict over number already holds the content whose hash is h. */
static int conflict_known(sqlite3_stmt *st, const char *number, const uint8_t h[32])
{
	char hex[65];
	incident_hex(h, 32, hex);
	sqlite3_reset(st);
	incident_bind_text(st, 1, number);
	int known = 0;
	while (!known && sqlite3_step(st) == SQLITE_ROW) {
		json_t *j = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
		json_t *v = json_object_get(j, "hash");
		known = json_is_string(v) && !strcmp(json_string_value(v), hex);
		json_decref(j);
	}
	return known;
}

/* Each order of the medium: new here, the same as here, or other content under a number here. */
static int classify(struct merge *g, struct be_import_result *r)
{
	sqlite3_stmt *q = NULL, *qc = NULL;
	int rc = be_prepare(g->f,
	                    "SELECT number, ward, patient, kind, clinical_ms, author, form_serial, paper_at, note,"
	                    " registered_ms, registered_by, origin, hash FROM be_orders WHERE number = ?1",
	                    &q);
	if (rc == 0)
		rc = be_prepare(g->f, "SELECT theirs FROM be_conflicts WHERE number = ?1", &qc);
	crypto_generichash_state ho, hc;
	crypto_generichash_init(&ho, NULL, 0, 32);
	crypto_generichash_init(&hc, NULL, 0, 32);
	for (size_t i = 0; rc == 0 && i < g->m->n_orders; i++) {
		const struct be_order *o = &g->m->orders[i];
		sqlite3_reset(q);
		incident_bind_text(q, 1, o->number);
		int step = sqlite3_step(q);
		if (step == SQLITE_DONE) {
			g->cls[i] = NEW;
			r->added++;
			crypto_generichash_update(&ho, (const unsigned char *)o->number, strlen(o->number) + 1);
			crypto_generichash_update(&ho, o->hash, 32);
			continue;
		}
		if (step != SQLITE_ROW) {
			rc = incident_sqlerr(g->f, "reading the incident file");
			break;
		}
		struct be_order a;
		if (raw_order(q, &a) < 0) {
			be_order_release(&a);
			rc = lb_error_tr(LB_EINTERNAL, "the row of %s is damaged", "%s の行が壊れています", o->number);
			break;
		}
		if (!memcmp(a.hash, o->hash, 32) || conflict_known(qc, o->number, o->hash)) {
			g->cls[i] = SAME;
			r->same++;
		} else {
			g->cls[i] = CONFLICT;
			r->conflicts++;
			g->ours[i] = json_text(be_order_to_json(&a));
			g->theirs[i] = json_text(be_order_to_json(o));
			crypto_generichash_update(&hc, (const unsigned char *)o->number, strlen(o->number) + 1);
			crypto_generichash_update(&hc, (const unsigned char *)g->theirs[i], strlen(g->theirs[i]) + 1);
		}
		be_order_release(&a);
	}
	crypto_generichash_final(&ho, g->orders_h, 32);
	crypto_generichash_final(&hc, g->conflicts_h, 32);
	sqlite3_finalize(q);
	sqlite3_finalize(qc);
	return rc;
}

static int step_done(struct incident_file *f, sqlite3_stmt *st, int64_t *added)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return incident_sqlerr(f, "writing the incident file");
	if (added)
		*added += sqlite3_changes(f->db);
	return 0;
}

static int insert_blocks(struct merge *g, int64_t seq, int64_t *added)
{
	sqlite3_stmt *st;
	int rc =
	        be_prepare(g->f,
	                   "INSERT INTO be_blocks(kind, ward, first, count, who, at_ms, seq) SELECT ?1, ?2, ?3, ?4, ?5,"
	                   " ?6, ?7 WHERE NOT EXISTS(SELECT 1 FROM be_blocks WHERE kind = ?1 AND ward = ?2 AND"
	                   " first = ?3)",
	                   &st);
	for (size_t i = 0; rc == 0 && i < g->m->n_blocks; i++) {
		const struct be_block *b = &g->m->blocks[i];
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, be_numkind_name(b->kind), -1, SQLITE_STATIC);
		incident_bind_text(st, 2, b->ward);
		sqlite3_bind_int64(st, 3, b->first);
		sqlite3_bind_int64(st, 4, b->count);
		incident_bind_text(st, 5, b->who);
		sqlite3_bind_int64(st, 6, b->at_ms);
		sqlite3_bind_int64(st, 7, seq);
		rc = step_done(g->f, st, added);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Every new order's number, and its downtime patient's, allocated (in the file or by the medium's blocks). */
static int check_allocated(struct merge *g)
{
	sqlite3_stmt *st;
	int rc = be_prepare(
	        g->f,
	        "SELECT 1 FROM be_blocks WHERE kind = ?1 AND ward = ?2 AND first <= ?3 AND first + count > ?3"
	        " LIMIT 1",
	        &st);
	for (size_t i = 0; rc == 0 && i < g->m->n_orders + g->m->n_links; i++) {
		int is_order = i < g->m->n_orders;
		const struct be_order *o = is_order ? &g->m->orders[i] : NULL;
		if (is_order && g->cls[i] != NEW)
			continue;
		const char *nums[2] = {o ? o->number : g->m->links[i - g->m->n_orders].dp,
		                       o && !strncmp(o->patient, "DP-", 3) ? o->patient : NULL};
		for (int k = 0; rc == 0 && k < 2 && nums[k]; k++) {
			int kind;
			char ward[BE_WARD_MAX + 1];
			uint32_t serial;
			if (be_number_parse(nums[k], &kind, ward, &serial) < 0)
				return -LB_EINVAL;
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, be_numkind_name(kind), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, ward, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 3, serial);
			int step = sqlite3_step(st);
			if (step == SQLITE_DONE)
				rc = lb_error_tr(LB_EINVAL,
				                 "the medium is refused: %s was never allocated (not in its blocks "
				                 "nor in this file); nothing was imported",
				                 "媒体は取り込めません: %s は払い出されていません "
				                 "(媒体にもこのファイルにもありません)。"
				                 "何も取り込んでいません",
				                 nums[k]);
			else if (step != SQLITE_ROW)
				rc = incident_sqlerr(g->f, "reading the incident file");
		}
	}
	sqlite3_finalize(st);
	return rc;
}

static int insert_orders(struct merge *g, int64_t seq, int64_t at_ms)
{
	sqlite3_stmt *st, *sc = NULL;
	int rc = be_prepare(g->f,
	                    "INSERT INTO be_orders(number, ward, patient, kind, clinical_ms, author, form_serial,"
	                    " paper_at, note, registered_ms, registered_by, origin, hash, seq)"
	                    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	                    &st);
	if (rc == 0)
		rc = be_prepare(g->f,
		                "INSERT INTO be_conflicts(number, ours, theirs, origin, at_ms, seq)"
		                " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
		                &sc);
	for (size_t i = 0; rc == 0 && i < g->m->n_orders; i++) {
		const struct be_order *o = &g->m->orders[i];
		const char *from = o->origin;
		if (g->cls[i] == NEW) {
			sqlite3_reset(st);
			incident_bind_text(st, 1, o->number);
			incident_bind_text(st, 2, o->ward);
			incident_bind_text(st, 3, o->patient);
			sqlite3_bind_text(st, 4, be_kind_name(o->kind), -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 5, o->clinical_ms);
			incident_bind_text(st, 6, o->author);
			incident_bind_text(st, 7, o->form_serial);
			incident_bind_text(st, 8, o->paper_at);
			incident_bind_text(st, 9, o->note);
			sqlite3_bind_int64(st, 10, o->registered_ms);
			incident_bind_text(st, 11, o->registered_by);
			incident_bind_text(st, 12, from);
			sqlite3_bind_blob(st, 13, o->hash, 32, SQLITE_STATIC);
			sqlite3_bind_int64(st, 14, seq);
			rc = step_done(g->f, st, NULL);
		} else if (g->cls[i] == CONFLICT) {
			sqlite3_reset(sc);
			incident_bind_text(sc, 1, o->number);
			incident_bind_text(sc, 2, g->ours[i]);
			incident_bind_text(sc, 3, g->theirs[i]);
			incident_bind_text(sc, 4, from);
			sqlite3_bind_int64(sc, 5, at_ms);
			sqlite3_bind_int64(sc, 6, seq);
			rc = step_done(g->f, sc, NULL);
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(sc);
	return rc;
}

static int step_cmp(const void *a, const void *b)
{
	const struct be_mstep *x = a, *y = b;
	return x->at_ms < y->at_ms ? -1 : x->at_ms > y->at_ms ? 1 : strcmp(x->number, y->number);
}

static int insert_steps_links(struct merge *g, int64_t seq, struct be_import_result *r)
{
	/* steps oldest first, so that an entry closes at the time of its last step whatever the order of media */
	if (g->m->n_steps)
		qsort(g->m->steps, g->m->n_steps, sizeof(*g->m->steps), step_cmp);
	sqlite3_stmt *st, *sl = NULL;
	int rc = be_prepare(g->f,
	                    "INSERT INTO be_steps(number, step, waived, who, at_ms, seq) SELECT ?1, ?2, ?3, ?4, ?5, ?6"
	                    " WHERE NOT EXISTS(SELECT 1 FROM be_steps WHERE number = ?1 AND step = ?2)",
	                    &st);
	if (rc == 0)
		rc = be_prepare(g->f,
		                "INSERT INTO be_links(dp, real_id, who, at_ms, seq) SELECT ?1, ?2, ?3, ?4, ?5"
		                " WHERE NOT EXISTS(SELECT 1 FROM be_links WHERE dp = ?1 AND real_id IS ?2 AND who IS ?3"
		                " AND at_ms = ?4)",
		                &sl);
	for (size_t i = 0; rc == 0 && i < g->m->n_steps; i++) {
		const struct be_mstep *s = &g->m->steps[i];
		sqlite3_reset(st);
		incident_bind_text(st, 1, s->number);
		sqlite3_bind_text(st, 2, be_step_name(s->step), -1, SQLITE_STATIC);
		incident_bind_text(st, 3, s->waived);
		incident_bind_text(st, 4, s->who);
		sqlite3_bind_int64(st, 5, s->at_ms);
		sqlite3_bind_int64(st, 6, seq);
		rc = step_done(g->f, st, &r->steps);
	}
	for (size_t i = 0; rc == 0 && i < g->m->n_links; i++) {
		const struct be_mlink *l = &g->m->links[i];
		sqlite3_reset(sl);
		incident_bind_text(sl, 1, l->dp);
		incident_bind_text(sl, 2, l->real_id);
		incident_bind_text(sl, 3, l->who);
		sqlite3_bind_int64(sl, 4, l->at_ms);
		sqlite3_bind_int64(sl, 5, seq);
		rc = step_done(g->f, sl, &r->links);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(sl);
	return rc;
}

static int merge_in(struct merge *g, const uint8_t sums[32], const char *who, const char *os_user,
                    struct be_import_result *r)
{
	char sums_hex[65], oh[65], ch[65];
	incident_hex(sums, 32, sums_hex);
	int rc = be_begin(g->f);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st;
	if ((rc = be_prepare(g->f, "SELECT 1 FROM be_imports WHERE medium_hash = ?1 LIMIT 1", &st)) == 0) {
		incident_bind_text(st, 1, sums_hex);
		r->seen = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	if (rc == 0)
		rc = classify(g, r);
	incident_hex(g->orders_h, 32, oh);
	incident_hex(g->conflicts_h, 32, ch);
	char text[INCIDENT_TEXT_MAX];
	snprintf(text, sizeof(text),
	         "merge %s: new %lld, duplicate %lld, conflict %lld; medium %.16s; orders %s;"
	         " conflicts %s",
	         *g->m->wards ? g->m->wards : "-", (long long)r->added, (long long)r->same, (long long)r->conflicts,
	         sums_hex, oh, ch);
	int64_t seq = 0, at_ms = 0;
	if (rc == 0)
		rc = be_append(g->f, "merge", text, who, os_user, &seq);
	if (rc == 0 && (rc = be_prepare(g->f, "SELECT at_ms FROM entries WHERE seq = ?1", &st)) == 0) {
		sqlite3_bind_int64(st, 1, seq);
		at_ms = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : lb_now_ms();
		sqlite3_finalize(st);
	}
	if (rc == 0)
		rc = insert_blocks(g, seq, &r->blocks);
	if (rc == 0)
		rc = check_allocated(g);
	if (rc == 0)
		rc = insert_orders(g, seq, at_ms);
	if (rc == 0)
		rc = insert_steps_links(g, seq, r);
	if (rc == 0 &&
	    (rc = be_prepare(g->f,
	                     "INSERT INTO be_imports(medium_hash, ward, entries, added, same, conflicts, who,"
	                     " at_ms, seq) SELECT ?1, ?2, ?3, ?4, ?5, ?6, author, at_ms, seq FROM entries"
	                     " WHERE seq = ?7",
	                     &st)) == 0) {
		incident_bind_text(st, 1, sums_hex);
		incident_bind_text(st, 2, g->m->wards);
		sqlite3_bind_int64(st, 3, r->orders);
		sqlite3_bind_int64(st, 4, r->added);
		sqlite3_bind_int64(st, 5, r->same);
		sqlite3_bind_int64(st, 6, r->conflicts);
		sqlite3_bind_int64(st, 7, seq);
		rc = step_done(g->f, st, NULL);
		sqlite3_finalize(st);
	}
#ifndef NDEBUG
	/* debug builds, for the test of an interrupted import: every page of the merge written to the WAL, then
	 * SIGKILL before the commit frame (integration/backentry_medium) */
	const char *kill_at = getenv("LIFEBOAT_TEST_KILL");
	if (rc == 0 && kill_at && !strcmp(kill_at, "merge-commit")) {
		sqlite3_db_cacheflush(g->f->db);
		raise(SIGKILL);
	}
#endif
	if ((rc = be_end(g->f, rc)) == 0)
		r->seq = seq;
	return rc;
}

static int merge_one(struct incident_file *f, struct be_medium *m, const char *who, const char *os_user,
                     struct be_import_result *r)
{
	memset(r, 0, sizeof(*r));
	/* where each order came from: the ward file's own origin if it had one, else its ward and file id */
	for (size_t i = 0; i < m->n_orders; i++)
		if (!m->orders[i].origin) {
			struct buf o = {0};
			buf_addf(&o, *m->source ? "%s@%.16s" : "%s", m->orders[i].ward, m->source);
			m->orders[i].origin = buf_detach(&o, NULL);
		}
	struct merge g = {.f = f, .m = m};
	r->orders = (int64_t)m->n_orders;
	snprintf(r->wards, sizeof(r->wards), "%s", m->wards);
	g.cls = lb_calloc(m->n_orders + 1, sizeof(*g.cls));
	g.ours = lb_calloc(m->n_orders + 1, sizeof(*g.ours));
	g.theirs = lb_calloc(m->n_orders + 1, sizeof(*g.theirs));
	int rc = merge_in(&g, m->sums_sha256, who, os_user, r);
	for (size_t i = 0; i < m->n_orders; i++) {
		free(g.ours[i]);
		free(g.theirs[i]);
	}
	free(g.cls);
	free(g.ours);
	free(g.theirs);
	return rc;
}

int be_media_merge(struct incident_file *f, struct be_medium *m, size_t n, const char *who, const char *os_user,
                   struct be_import_result *r)
{
	/* a merge of many entries touches index pages all over: with room for them all in the cache, each page is
	 * written to the WAL once at COMMIT instead of again at every spill, and the statement journals (every INSERT
	 * has triggers) stay in memory: 80 times fewer writes. Set outside the
	 * transaction (temp_store cannot change inside one), back to the defaults afterwards. */
	sqlite3_exec(f->db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	int rc = be_begin(f);
	for (size_t k = 0; rc == 0 && k < n; k++)
		rc = merge_one(f, &m[k], who, os_user, &r[k]);
	rc = be_end(f, rc);
	sqlite3_exec(f->db, "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
	return rc;
}

int be_medium_merge(struct incident_file *f, struct be_medium *m, const char *who, const char *os_user,
                    struct be_import_result *r)
{
	return be_media_merge(f, m, 1, who, os_user, r);
}

int be_orders_import(struct incident_file *f, const char *dir, const char *who, const char *os_user,
                     struct be_import_result *r)
{
	memset(r, 0, sizeof(*r));
	struct be_medium m = {0};
	int rc = be_medium_load(dir, &m);
	if (rc == 0)
		rc = be_medium_merge(f, &m, who, os_user, r);
	be_medium_release(&m);
	return rc;
}

/* One merge entry: the hash over the rows it added, as its text says ("; orders HEX; conflicts HEX"). */
static int merge_ok(struct incident_file *f, int64_t seq, const char *text)
{
	const char *po = text ? strstr(text, "; orders ") : NULL, *pc = text ? strstr(text, "; conflicts ") : NULL;
	if (!po || !pc || strlen(po) < 9 + 64 || strlen(pc) < 12 + 64)
		return 0;
	static const char *const sql[2] = {"SELECT number, hash FROM be_orders WHERE seq = ?1 ORDER BY number",
	                                   "SELECT number, theirs FROM be_conflicts WHERE seq = ?1 ORDER BY number"};
	const char *want[2] = {po + 9, pc + 12};
	int ok = 1;
	for (int k = 0; ok && k < 2; k++) {
		sqlite3_stmt *st;
		if (be_prepare(f, sql[k], &st) < 0)
			return 0;
		sqlite3_bind_int64(st, 1, seq);
		crypto_generichash_state hs;
		crypto_generichash_init(&hs, NULL, 0, 32);
		while (sqlite3_step(st) == SQLITE_ROW) {
			crypto_generichash_update(&hs, sqlite3_column_text(st, 0),
			                          (size_t)sqlite3_column_bytes(st, 0) + 1);
			if (k == 0)
				crypto_generichash_update(&hs, sqlite3_column_blob(st, 1),
				                          (size_t)sqlite3_column_bytes(st, 1));
			else
				crypto_generichash_update(&hs, sqlite3_column_text(st, 1),
				                          (size_t)sqlite3_column_bytes(st, 1) + 1);
		}
		sqlite3_finalize(st);
		uint8_t h[32];
		char hex[65];
		crypto_generichash_final(&hs, h, 32);
		incident_hex(h, 32, hex);
		ok = !strncmp(want[k], hex, 64);
	}
	return ok;
}

int64_t be_verify_merges(struct incident_file *f)
{
	sqlite3_stmt *st;
	if (be_prepare(f,
	               "SELECT seq, text FROM entries WHERE type = '" INCIDENT_T_BACKENTRY "' AND kind = 'merge'"
	               " ORDER BY seq",
	               &st) < 0)
		return -1;
	int64_t bad = 0;
	while (!bad && sqlite3_step(st) == SQLITE_ROW)
		if (!merge_ok(f, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1)))
			bad = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return bad;
}
