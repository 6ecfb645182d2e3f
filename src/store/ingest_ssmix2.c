/*
 * ingest_ssmix2.c - the SS-MIX2 part of an ingest run: walk the storage, decide which files to read, read and
 * parse them on worker threads (load.c), write their rows in order on this thread, remove the rows of what is no
 * longer current, and remember the folder stamps for the next run.
 *
 * What a run reads, cheapest test first:
 *   1. folder stamps (table ssmix2_dirs, struct ssmix2_dir in ehr.h): a patient folder whose own stamp and every
 *      stamp of the folders under it are unchanged is not listed; its files and their rows stay as they are;
 *   2. in a folder that is listed, a file whose size and mtime match its files row is not read;
 *   3. a file that is read but hashes as before is not parsed again (its row takes the new size and mtime).
 * A full walk skips test 1: the first run, `--full`, and every run once the last full walk is full_every_h old.
 * SS-MIX2 writers add files (a new version is a new file name), which changes the folder's stamp; a file
 * rewritten in place under the same name does not, and waits for the next full walk (docs/store.md).
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FULL_EVERY_H_DEFAULT 24
#define SETTLE_S_DEFAULT 60

static const char dirs_schema[] =
        "CREATE TABLE IF NOT EXISTS ssmix2_dirs(path TEXT PRIMARY KEY, stamp INTEGER NOT NULL, below BLOB,"
        " warns BLOB, files INTEGER NOT NULL DEFAULT 0, current INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID";

static int tree_load(struct store *s, struct ssmix2_tree *t)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "SELECT path, stamp, below, warns, files, current FROM ssmix2_dirs", -1, &q,
	                       NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("reading the SS-MIX2 folder stamps", "SS-MIX2 フォルダ記録の読み取り"));
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(q, 0);
		if (!path)
			continue;
		const void *below = sqlite3_column_blob(q, 2);
		size_t nb = (size_t)sqlite3_column_bytes(q, 2);
		const void *warns = sqlite3_column_blob(q, 3);
		size_t nw = (size_t)sqlite3_column_bytes(q, 3);
		struct ssmix2_dir *d =
		        ssmix2_tree_add(t, path, (uint64_t)sqlite3_column_int64(q, 1), below, nb, warns, nw);
		d->files = (long)sqlite3_column_int64(q, 4);
		d->current = (long)sqlite3_column_int64(q, 5);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE
	               ? 0
	               : store_sqlerr(s, L_("reading the SS-MIX2 folder stamps", "SS-MIX2 フォルダ記録の読み取り"));
}

/* Write what the walk changed: every entry after a full walk, else the walked ones; drop the gone ones. */
static int tree_save(struct store *s, const struct ssmix2_tree *t, int full)
{
	int rc = full ? store_exec(s, "DELETE FROM ssmix2_dirs") : 0;
	sqlite3_stmt *put = NULL, *del = NULL;
	if (rc == 0 &&
	    (sqlite3_prepare_v2(s->db,
	                        "INSERT OR REPLACE INTO ssmix2_dirs(path, stamp, below, warns, files, current)"
	                        " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	                        -1, &put, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(s->db, "DELETE FROM ssmix2_dirs WHERE path=?1", -1, &del, NULL) != SQLITE_OK))
		rc = store_sqlerr(s, L_("writing the SS-MIX2 folder stamps", "SS-MIX2 フォルダ記録の書き込み"));
	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		const struct ssmix2_dir *d = &t->v[i];
		if (d->state == SSMIX2_DIR_GONE) {
			if (!full) {
				sqlite3_bind_text(del, 1, d->path, -1, SQLITE_STATIC);
				rc = store_exec_stmt(s, del);
			}
			continue;
		}
		if (d->state == SSMIX2_DIR_SAME && !full)
			continue;
		sqlite3_bind_text(put, 1, d->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(put, 2, (int64_t)d->stamp);
		if (d->below.len)
			sqlite3_bind_blob(put, 3, d->below.data, (int)d->below.len, SQLITE_STATIC);
		if (d->warns.len)
			sqlite3_bind_blob(put, 4, d->warns.data, (int)d->warns.len, SQLITE_STATIC);
		sqlite3_bind_int64(put, 5, d->files);
		sqlite3_bind_int64(put, 6, d->current);
		rc = store_exec_stmt(s, put);
	}
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	return rc;
}

static int64_t meta_int(struct store *s, const char *key)
{
	sqlite3_stmt *q;
	int64_t v = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key=?1", -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			v = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	return v;
}

static int meta_put_int(struct store *s, const char *key, int64_t v)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", -1, &q, NULL) !=
	    SQLITE_OK)
		return store_sqlerr(s, L_("writing the store's metadata", "ストアのメタデータの書き込み"));
	char text[32];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, text, -1, SQLITE_STATIC);
	int rc = store_exec_stmt(s, q);
	sqlite3_finalize(q);
	return rc;
}

static int have_files(struct store *s)
{
	sqlite3_stmt *q;
	int yes = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT EXISTS(SELECT 1 FROM files WHERE kind='ssmix2')", -1, &q, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			yes = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	return yes;
}

static void count_type(struct store_ingest_stats *st, const char *type)
{
	for (int i = 0; i < st->ntypes; i++)
		if (!strcmp(st->by_type[i].type, type)) {
			st->by_type[i].n++;
			return;
		}
	if (st->ntypes < STORE_TYPES_MAX) {
		snprintf(st->by_type[st->ntypes].type, sizeof(st->by_type[0].type), "%s", type);
		st->by_type[st->ntypes++].n = 1;
	}
}

/* The rows a run knows of the files it may touch: all after a full walk, else those under listed or gone
 * patient folders. */
static int load_known(struct store *s, const struct ssmix2_tree *t, int full, struct store_fmap *map)
{
	int rc = 0;
	if (full) {
		rc = store_fmap_load(s, "ssmix2", NULL, map);
	} else {
		struct buf prefix = {0};
		for (size_t i = 0; rc == 0 && i < t->n; i++) {
			const struct ssmix2_dir *d = &t->v[i];
			if (d->state == SSMIX2_DIR_SAME)
				continue;
			/* a gone prefix folder's patient folders are gone too, each with its own entry */
			int slashes = 0;
			for (const char *p = d->path; *p; p++)
				slashes += *p == '/';
			if (slashes != 2)
				continue;
			buf_reset(&prefix);
			buf_adds(&prefix, d->path);
			buf_addch(&prefix, '/');
			rc = store_fmap_load(s, "ssmix2", prefix.data, map);
		}
		buf_release(&prefix);
	}
	store_fmap_index(map);
	return rc;
}

/* Does the store need to read f (current, and not known with the same size and mtime)? A damaged file found as it
 * was is read again only by a run that accepts an empty message (--accept-shrink: it may be one). */
static int need_read(const struct ssmix2_file *f, const struct store_fent *e, int accept_empty)
{
	return f->current && (!(e && e->size == f->size && e->mtime == f->mtime_ns) || (accept_empty && e->damaged));
}

/* Queue a batch's files that need reading (a damaged one read again is parsed again, whatever its hash). */
static void queue_batch(struct store_loader *l, const struct store_fmap *map, const struct ssmix2_file *files, size_t n,
                        int accept_empty)
{
	for (size_t i = 0; i < n; i++) {
		const struct store_fent *e = store_fmap_get(map, files[i].path);
		if (need_read(&files[i], e, accept_empty))
			store_loader_push(l, &files[i],
			                  e && e->hash[0] && !(accept_empty && e->damaged) ? e->hash : NULL);
	}
}

/* The newest older version of f's record in its batch (the batch holds the patient's whole folder), when it is
 * valid (flag 1) and the store holds its rows; NULL otherwise. */
static struct store_fent *last_good_version(const struct store_fmap *map, const struct ssmix2_file *files, size_t n,
                                            const struct ssmix2_file *f)
{
	const struct ssmix2_file *best = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct ssmix2_name *a = &files[i].name, *b = &f->name;
		if (&files[i] == f || strcmp(a->patient, b->patient) || strcmp(a->date, b->date) ||
		    strcmp(a->type, b->type) || strcmp(a->order_no, b->order_no) || strcmp(a->time, b->time) >= 0)
			continue;
		if (!best || strcmp(a->time, best->name.time) > 0)
			best = &files[i];
	}
	if (!best || best->name.flag != 1)
		return NULL;
	struct store_fent *e = store_fmap_get(map, best->path);
	return e && e->hash[0] ? e : NULL;
}

/*
 * A file that cannot be read now (unreadable, or a message of a handled type that is not one) must not take the
 * records of the last good version with it: a patient whose demographics file is damaged stays in the store as he
 * was, with a warning that names the damaged file. keep is the files row whose rows stay (the same path rewritten,
 * or an older version); it is not swept. A damaged file that was read (stand_in) is then remembered as it is, so
 * that a later run that finds it unchanged skips it and its warning stays the one of the run that raised it (a run
 * says only its own warnings, as for FHIR); a file that could not be read at all is tried again by the next run.
 */
static int keep_previous(struct store *s, const struct ehr_sink *sink, struct store_fent *keep,
                         const struct ssmix2_file *f, const char *why)
{
	keep->seen = 1;
	keep->kept = 2;
	int rc = store_warnings_forget_kept(s, keep->id);
	if (rc < 0)
		return rc;
	struct buf msg = {0};
	buf_addf(&msg, "%s%s%s (%s)", STORE_KEPT_PREVIOUS, strcmp(keep->path, f->path) ? ": " : "",
	         strcmp(keep->path, f->path) ? keep->path : "", why);
	struct ehr_source src = {.path = f->path, .kind = "ssmix2", .data_type = f->name.type};
	int64_t was = s->file_id;
	s->file_id = keep->id;
	sink->warning(sink->ctx, &src, EHR_WARN_PARSE, msg.data);
	s->file_id = was;
	buf_release(&msg);
	if (s->stats)
		s->stats->files_kept_previous++;
	return s->failed ? -LB_EIO : 0;
}

/* Remember damaged file f as read (it): its own files row (the same path rewritten, e) takes its size, time and
 * hash, its records staying those of the last good version; a new version without a row gets one without records
 * (nor a message time: the data is not as of a message nobody could read). */
static int stand_in(struct store *s, struct store_fent *e, const struct ssmix2_file *f,
                    const struct store_load_item *it)
{
	if (e)
		return store_file_stands_for(s, e->id, it->size, it->mtime_ns, it->hash);
	struct store_file_row row = {.kind = "ssmix2",
	                             .path = f->path,
	                             .data_type = f->name.type,
	                             .patient = f->name.patient,
	                             .size = it->size,
	                             .mtime = it->mtime_ns,
	                             .hash = it->hash};
	return store_file_begin(s, &row, NULL);
}

/* A damaged file found as it was (unchanged, or only touched): the last good version it stands on stays (not
 * swept), with the warning an earlier run raised. */
static void still_damaged(struct store_fmap *map, const struct ssmix2_file *files, size_t n,
                          const struct ssmix2_file *f, struct store_fent *e)
{
	if (!e || !e->damaged)
		return;
	struct store_fent *keep = e->kept ? e : last_good_version(map, files, n, f);
	if (keep && keep->kept) {
		keep->seen = 1;
		keep->kept = 2;
	}
}

/*
 * Does a message that was read carry data? A handled message that gives no record at all — an ADT-00 whose PID has
 * neither name nor birth date and no AL1, an ADT-61 without IAM, a PPR-01 without PRB, an OMP without RXE — is not
 * taken as the patient's new state: SS-MIX2 sends a deletion as rows (IAM/PRB action D, flag 0 in the file name),
 * never as an empty message, so an empty one is a fault of the export (docs/feeds.md). Counted on the record log.
 */
static int count_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	(void)src;
	*(long *)ctx += (r->family_kanji && *r->family_kanji) || (r->given_kanji && *r->given_kanji) ||
	                (r->family_kana && *r->family_kana) || (r->given_kana && *r->given_kana) ||
	                (r->birth_date && *r->birth_date);
	return 0;
}
#define COUNT_ONE(fn, type)                                                          \
	static int fn(void *ctx, const struct ehr_source *src, const struct type *r) \
	{                                                                            \
		(void)src;                                                           \
		(void)r;                                                             \
		++*(long *)ctx;                                                      \
		return 0;                                                            \
	}
COUNT_ONE(count_allergy, ehr_allergy)
COUNT_ONE(count_medication, ehr_medication)
COUNT_ONE(count_result, ehr_result)
COUNT_ONE(count_diagnosis, ehr_diagnosis)
COUNT_ONE(count_adt, ehr_adt)
COUNT_ONE(count_appointment, ehr_appointment)
COUNT_ONE(count_order, ehr_order)
#undef COUNT_ONE
static int count_raw(void *ctx, const struct ehr_source *src, const char *bytes, size_t len)
{
	(void)ctx, (void)src, (void)bytes, (void)len;
	return 0;
}
static void count_warning(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail)
{
	(void)ctx, (void)src, (void)kind, (void)detail;
}

static int carries_data(const struct store_load_item *it)
{
	long n = 0;
	struct ehr_sink c = {.ctx = &n,
	                     .patient = count_patient,
	                     .allergy = count_allergy,
	                     .medication = count_medication,
	                     .result = count_result,
	                     .diagnosis = count_diagnosis,
	                     .adt = count_adt,
	                     .appointment = count_appointment,
	                     .raw = count_raw,
	                     .warning = count_warning,
	                     .order = count_order};
	return ehr_reclog_replay(&it->log, &c) < 0 || n > 0;
}

/*
 * An ADT-00 version that names the patient but has no AL1 segment (no allergy record) does not take the allergies
 * of the version before it away: for a downtime record a hidden allergy is worse than a stale one, and SS-MIX2
 * says "no known allergies" or "removed" with rows (an AL1 row as sent, IAM action D), never by leaving AL1 out.
 */
struct adt_counts {
	long patients, allergies;
};
static int count_adt_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	return count_patient(&((struct adt_counts *)ctx)->patients, src, r);
}
static int count_adt_allergy(void *ctx, const struct ehr_source *src, const struct ehr_allergy *r)
{
	(void)src, (void)r;
	((struct adt_counts *)ctx)->allergies++;
	return 0;
}
static int names_without_allergies(const struct ssmix2_file *f, const struct store_load_item *it)
{
	if (strcmp(f->name.type, "ADT-00"))
		return 0;
	struct adt_counts n = {0};
	struct ehr_sink c = {.ctx = &n, .patient = count_adt_patient, .allergy = count_adt_allergy};
	return ehr_reclog_replay(&it->log, &c) == 0 && n.patients > 0 && n.allergies == 0;
}

/* The allergy rows of files row from set aside (under -from) before the new version's rows are written, so that
 * loading the same path again does not remove them; then given to the new version's row to. */
static int allergies_set_aside(struct store *s, int64_t from)
{
	sqlite3_stmt *q = store_cached_stmt(s, "UPDATE allergies SET file_id = -?1 WHERE file_id = ?1");
	if (!q)
		return store_sqlerr(s, L_("keeping allergies", "アレルギーの保持"));
	sqlite3_bind_int64(q, 1, from);
	return store_exec_stmt(s, q);
}
static long allergies_take(struct store *s, int64_t from, int64_t to)
{
	sqlite3_stmt *q = store_cached_stmt(s, "UPDATE allergies SET file_id = ?2 WHERE file_id = -?1");
	if (!q)
		return store_sqlerr(s, L_("keeping allergies", "アレルギーの保持"));
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	int rc = store_exec_stmt(s, q);
	return rc < 0 ? rc : (long)sqlite3_changes(s->db);
}

static int keep_allergies(struct store *s, const struct ehr_sink *sink, const struct store_fent *prev,
                          const struct ssmix2_file *f)
{
	long n = allergies_take(s, prev->id, s->file_id);
	if (n <= 0)
		return n < 0 ? (int)n : 0;
	struct buf msg = {0};
	buf_adds(&msg, STORE_KEPT_ALLERGIES " ");
	buf_addf(&msg,
	         L_("(%ld from '%s'; an AL1 row says \"no known allergies\", IAM action D removes one)",
	            "(%ld 件、'%s' から。「アレルギーなし」は AL1 行で、1 件の削除は IAM の動作コード D で送られます)"),
	         n, prev->path);
	struct ehr_source src = {.path = f->path, .kind = "ssmix2", .data_type = f->name.type};
	sink->warning(sink->ctx, &src, EHR_WARN_PARSE, msg.data);
	buf_release(&msg);
	if (s->stats)
		s->stats->allergies_kept += n;
	return s->failed ? -LB_EIO : 0;
}

/* Write one batch in order: skip what is unchanged, load what the workers read. An empty message of a handled type
 * does not replace the version before it unless accept_empty (--accept-shrink). */
static int write_batch(struct store *s, struct store_loader *l, struct store_fmap *map, const struct ssmix2_file *files,
                       size_t n, const struct ehr_sink *sink, struct store_ingest_stats *st, struct lb_progress *pg,
                       int accept_empty)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct ssmix2_file *f = &files[i];
		if (pg)
			lb_progress_add(pg, 1);
		if (!f->current)
			continue;
		st->files_current++;
		struct store_fent *e = store_fmap_get(map, f->path);
		if (e)
			e->seen = 1;
		if (!need_read(f, e, accept_empty)) {
			st->files_unchanged++;
			still_damaged(map, files, n, f, e);
			continue;
		}
		struct store_load_item *it = store_loader_next(l);
		if (!it || it->file != f)
			return lb_error_tr(LB_EINTERNAL, "file loader out of step at '%s'",
			                   "ファイルの読み込み順が '%s' でずれました", f->path);
		if (e && it->rc == 0 && it->same_hash) {
			st->files_unchanged++;
			rc = store_file_touch(s, e, it->size, it->mtime_ns);
			still_damaged(map, files, n, f, e);
			continue;
		}
		if (it->rc < 0 || it->ms.broken) {
			struct store_fent *keep = e ? e : last_good_version(map, files, n, f);
			if (keep) {
				char why[320];
				snprintf(why, sizeof(why), "%s",
				         it->rc < 0 ? it->err
				                    : L_("not a readable message of its data type",
				                         "そのデータ種別のメッセージとして読めません"));
				rc = keep_previous(s, sink, keep, f, why);
				if (rc == 0 && it->rc == 0)
					rc = stand_in(s, e, f, it);
				st->messages += it->rc == 0;
				continue;
			}
		}
		if (it->rc == 0 && it->ms.handled && !accept_empty && !carries_data(it)) {
			struct store_fent *keep = e ? e : last_good_version(map, files, n, f);
			if (keep) {
				rc = keep_previous(s, sink, keep, f, STORE_EMPTY_MESSAGE);
				if (rc == 0)
					rc = stand_in(s, e, f, it);
				st->messages++;
				continue;
			}
		}
		/* the allergies of the version before an ADT-00 without AL1 (the same path rewritten, or an older one) */
		struct store_fent *prev = NULL;
		if (it->rc == 0 && !accept_empty && names_without_allergies(f, it))
			prev = e ? e : last_good_version(map, files, n, f);
		if (prev && (rc = allergies_set_aside(s, prev->id)) < 0)
			break;
		struct store_file_row row = {.kind = "ssmix2",
		                             .path = f->path,
		                             .data_type = f->name.type,
		                             .patient = f->name.patient,
		                             .size = it->size,
		                             .mtime = it->mtime_ns,
		                             .hash = it->rc == 0 ? it->hash : NULL,
		                             .msg_time = f->name.time};
		if ((rc = store_file_begin(s, &row, e)) < 0)
			break;
		st->files_loaded++;
		if (it->rc < 0) {
			struct ehr_source src = {.path = f->path, .kind = "ssmix2"};
			sink->warning(sink->ctx, &src, it->rc == -LB_ETOOBIG ? EHR_WARN_LIMIT : EHR_WARN_PARSE,
			              it->err);
			continue;
		}
		rc = ehr_reclog_replay(&it->log, sink);
		if (rc == 0 && prev)
			rc = keep_allergies(s, sink, prev, f);
		st->messages++;
		count_type(st, f->name.type);
		if (it->ms.parsed && !it->ms.handled)
			st->raw_only++;
		if (s->failed && rc == 0)
			rc = -LB_EIO;
	}
	/* The batch holds the patient's whole folder: a kept version no file stands on any more (the damaged or empty
	 * file was removed or mended) loses its warning. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct store_fent *e = store_fmap_get(map, files[i].path);
		if (e && e->kept == 1) {
			e->kept = 0;
			rc = store_warnings_forget_kept(s, e->id);
		}
	}
	return rc;
}

/* Mark the files rows whose records stand for a file that could not be loaded, and the rows of the damaged files
 * themselves (the warning's path), as earlier runs said. */
static int mark_kept(struct store *s, struct store_fmap *map)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT DISTINCT f.path, w.path FROM warnings w JOIN files f ON f.id = w.file_id"
	                       " WHERE f.kind = 'ssmix2' AND substr(w.detail, 1, ?2) = ?1",
	                       -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("reading warnings", "警告の読み取り"));
	sqlite3_bind_text(q, 1, STORE_KEPT_PREVIOUS, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, (int)strlen(STORE_KEPT_PREVIOUS));
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(q, 0);
		const char *damaged = (const char *)sqlite3_column_text(q, 1);
		struct store_fent *e = path ? store_fmap_get(map, path) : NULL;
		if (e)
			e->kept = 1;
		if ((e = damaged ? store_fmap_get(map, damaged) : NULL) != NULL)
			e->damaged = 1;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, L_("reading warnings", "警告の読み取り"));
}

struct batch_ref {
	struct ssmix2_file *files;
	size_t n;
};

/*
 * Take the walk's batches as they come and write them in order. The files of every batch already walked are
 * queued for the readers before the writer starts on the next batch, so that reading runs ahead across batch
 * boundaries while the walk goes on listing later folders.
 */
static int load_batches(struct store *s, const char *root, struct ssmix2_walker *walk, struct store_fmap *map,
                        const struct ehr_sink *sink, struct store_ingest_stats *st, struct lb_progress *pg,
                        int accept_empty)
{
	struct store_loader *l = store_loader_start(root);
	struct timespec c0, c1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	struct batch_ref *b = NULL;
	size_t nb = 0, cap = 0, cur = 0;
	long nfiles = 0;
	int walked = 0, rc = 0;
	while (rc == 0) {
		/* the next batch to write (waiting for it), and every further one that is ready */
		while (!walked && (nb <= cur || ssmix2_walk_ready(walk))) {
			struct ssmix2_file *files;
			size_t n;
			if (!ssmix2_walk_next(walk, &files, &n)) {
				walked = 1;
				break;
			}
			if (nb == cap) {
				cap = cap ? cap * 2 : 64;
				b = lb_reallocarray(b, cap, sizeof(*b));
			}
			b[nb++] = (struct batch_ref){files, n};
			nfiles += (long)n;
			if (pg)
				pg->total += n;
			queue_batch(l, map, files, n, accept_empty);
		}
		if (cur >= nb)
			break;
		rc = write_batch(s, l, map, b[cur].files, b[cur].n, sink, st, pg, accept_empty);
		cur++;
	}
	int64_t worker_ns = 0;
	store_loader_stop(l, &worker_ns);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	lb_debug("ssmix2: %ld files in %zu batches: writer %.0f ms CPU, readers %.0f ms CPU", nfiles, nb,
	         ((c1.tv_sec - c0.tv_sec) * 1e9 + (c1.tv_nsec - c0.tv_nsec)) / 1e6, worker_ns / 1e6);
	st->files_seen += nfiles;
	free(b);
	return rc;
}

int store_ingest_ssmix2(struct store *s, const struct store_ingest_opts *o, const struct ehr_sink *sink,
                        struct store_ingest_stats *st)
{
	int rc = store_exec(s, dirs_schema); /* stores made before the table existed get it here */
	if (rc < 0)
		return rc;
	int every = o->full_every_h ? o->full_every_h : FULL_EVERY_H_DEFAULT;
	int64_t now = lb_now_ms();
	int full = o->full || (every > 0 && now - meta_int(s, "ssmix2_full_walk_ms") >= (int64_t)every * 3600000);
	struct ssmix2_tree tree = {0};
	if (!full && (rc = tree_load(s, &tree)) < 0)
		return rc;
	if (!tree.n)
		full = 1;
	struct store_fmap map = {0};
	/* A full walk may sweep any file: all are known up front, and loading starts with the first batch. */
	if (full && (rc = load_known(s, &tree, 1, &map)) < 0) {
		store_fmap_free(&map);
		return rc;
	}
	struct ssmix2_scan scan = {.tree = &tree,
	                           .full = full,
	                           .no_file_stat = !have_files(s),
	                           .settle_s = o->settle_s ? (o->settle_s > 0 ? o->settle_s : 0) : SETTLE_S_DEFAULT};
	s->file_id = 0;
	int64_t t0 = lb_mono_ns();
	struct ssmix2_walker *walk;
	rc = ssmix2_walk_start(o->ssmix2_dir, &scan, &walk);
	if (rc < 0) {
		store_fmap_free(&map);
		ssmix2_tree_release(&tree);
		return rc;
	}
	if (!full) {
		/* An incremental walk is stats, over quickly; then it is known which patient folders to look at. */
		ssmix2_walk_wait(walk);
		rc = load_known(s, &tree, 0, &map);
	}
	int64_t t1 = lb_mono_ns();
	if (rc == 0)
		rc = mark_kept(s, &map);
	if (rc == 0)
		rc = load_batches(s, o->ssmix2_dir, walk, &map, sink, st, o->progress, o->accept_shrink);
	int64_t t2 = lb_mono_ns();
	s->file_id = 0;
	ssmix2_walk_end(walk, sink, &scan);
	st->full_walk = full;
	st->dirs_unchanged = scan.same_dirs;
	st->files_seen += scan.same_files;
	st->files_current += scan.same_current;
	st->files_unchanged += scan.same_current;
	st->files_skipped += scan.skipped;
	if (rc == 0)
		rc = store_fmap_sweep(s, &map, st);
	if (rc == 0)
		rc = tree_save(s, &tree, full);
	if (rc == 0 && full)
		rc = meta_put_int(s, "ssmix2_full_walk_ms", now);
	lb_debug("ssmix2: %s walk, %ld patient folders unchanged; walk and known files %.0f ms, walk and load %.0f ms,"
	         " sweep and folder stamps %.0f ms",
	         full ? "full" : "incremental", scan.same_dirs, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
	         (lb_mono_ns() - t2) / 1e6);
	store_fmap_free(&map);
	ssmix2_tree_release(&tree);
	return rc;
}
