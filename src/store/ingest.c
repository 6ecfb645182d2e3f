/*
 * ingest.c - one ingest run: sources in, store updated in a single transaction.
 *
 * For every source file the store remembers kind, path, size, mtime and a content hash (table files). A run:
 *   1. loads that table into a hash map (files.c);
 *   2. walks the sources; a file whose size and mtime (or, failing that, content hash) match is skipped; a new
 *      or changed file has its old rows removed and is parsed again under the same file id (SS-MIX2 storage:
 *      ingest_ssmix2.c, which also skips patient folders whose folder stamps are unchanged);
 *   3. removes the rows of every remembered file the run did not see as current (gone from disk, superseded by a
 *      newer SS-MIX2 version, or deleted by a flag-0 version);
 *   4. derives the census, the same-name counts and the as-of metadata (derive.c);
 * all inside BEGIN IMMEDIATE … COMMIT, so that readers see the old store or the new one.
 */
#include "store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void warn_file(const struct ehr_sink *sink, const char *path, const char *kind, enum ehr_warn w,
                      const char *detail)
{
	struct ehr_source src = {.path = path, .kind = kind};
	sink->warning(sink->ctx, &src, w, detail);
}

/* A feed's name in the messages: the kind as the options name it (drugs, fhir), in Japanese under ja. */
static const char *feed_word(const char *kind)
{
	static const struct {
		const char *kind, *ja;
	} w[] = {{"ssmix2", "SS-MIX2"}, {"fhir", "FHIR"}, {"appointments", "予約"}, {"drugs", "医薬品マスタ"}};
	for (size_t i = 0; i < LB_ARRAY_LEN(w); i++)
		if (!strcmp(kind, w[i].kind))
			return L_(kind, w[i].ja);
	return kind;
}

/* FNV-1a 64 of a whole file, read in pieces (NDJSON exports run to gigabytes). */
static int hash_file(const char *path, char out[17])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", path);
	uint64_t h = 0xcbf29ce484222325ull;
	static char chunk[1 << 16];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return lb_error_errno_tr(e, "cannot read '%s'", "'%s' を読めません", path);
		}
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)chunk[i]) * 0x100000001b3ull;
	}
	close(fd);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	return 0;
}

/* -LB_EINVAL when a feed (kind, or one file of it: path) going from before to after records is a drop over the
 * limit, else 0. */
static int shrink_refused(const struct store_ingest_opts *o, const char *kind, const char *path, long before,
                          long after)
{
	int limit = o->max_shrink_pct > 0 ? o->max_shrink_pct : 50;
	if (o->accept_shrink || limit >= 100 || before <= 0 || after >= before ||
	    (before - after) * 100 <= (long)limit * before)
		return 0;
	char what[512];
	if (path)
		snprintf(what, sizeof(what), "%s ('%s')", feed_word(kind), path);
	else
		snprintf(what, sizeof(what), "%s", feed_word(kind));
	return lb_error(LB_EINVAL,
	                L_("the %s feed would take the store from %ld to %ld records (-%ld%%, more than --max-shrink "
	                   "%d%%): refused; --accept-shrink loads it anyway",
	                   "%sの取込でストアのレコードが %ld 件から %ld 件に減ります (-%ld%%、--max-shrink %d%% "
	                   "超): 取込を中止しました。意図した置き換えなら --accept-shrink を付けてください"),
	                what, before, after, (before - after) * 100 / before, limit);
}

/* One whole-file feed (NDJSON or CSV): skipped when unchanged, else its rows replaced. */
static int ingest_feed(struct store *s, const struct store_ingest_opts *o, const char *kind, const char *path,
                       struct store_fmap *map, const struct ehr_sink *sink, struct store_ingest_stats *st,
                       int (*reader)(const char *, const struct ehr_sink *))
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return lb_error_errno_tr(errno, "cannot read %s feed '%s'", "%sのフィード '%s' を読めません",
		                         feed_word(kind), path);
	int64_t mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	st->files_seen++;
	st->files_current++;
	struct store_fent *e = store_fmap_get(map, path);
	if (e && e->size == sb.st_size && e->mtime == mtime) {
		e->seen = 1;
		st->files_unchanged++;
		return 0;
	}
	char hash[17];
	int rc = hash_file(path, hash);
	if (rc < 0)
		return lb_error_wrap_tr(rc, "%s feed", "%sのフィード", feed_word(kind));
	if (e) {
		e->seen = 1;
		if (!strcmp(hash, e->hash)) {
			st->files_unchanged++;
			return store_file_touch(s, e, sb.st_size, mtime);
		}
	}
	struct store_file_row row = {
	        .kind = kind, .path = path, .data_type = kind, .size = sb.st_size, .mtime = mtime, .hash = hash};
	/* A FHIR file loaded before that now gives no record but only warnings (overwritten with junk, cut off) keeps
	 * the records of its last good version: the savepoint takes back what reading it did. */
	int keepable = e && !strcmp(kind, "fhir");
	long records0 = st->records, warnings0 = st->warnings, removed0 = s->rows_removed;
	if (keepable && (rc = store_exec(s, "SAVEPOINT feed_file")) < 0)
		return rc;
	if ((rc = store_file_begin(s, &row, e)) < 0)
		return rc;
	st->files_loaded++;
	rc = reader(path, sink);
	if (rc > 0)
		rc = 0; /* a count of records is success */
	if (s->failed && rc == 0)
		rc = -LB_EIO;
	if (rc < 0 && !s->failed)
		/* A whole-file problem (a required column missing, a file that cannot be read to its end): the feed is
		 * refused, the run rolled back. */
		rc = lb_error_tr(-rc, "%s (the %s feed is refused)", "%s (%sの取込を中止しました)", lb_errmsg(),
		                 feed_word(kind));
	if (keepable && rc == 0 && st->records == records0 && st->warnings > warnings0) {
		long problems = st->warnings - warnings0;
		if ((rc = store_exec(s, "ROLLBACK TO feed_file")) == 0)
			rc = store_warnings_forget_kept(s, e->id);
		st->records = records0;
		st->warnings = warnings0;
		s->rows_removed = removed0;
		st->files_loaded--;
		st->files_unchanged++;
		if (rc == 0) {
			struct buf msg = {0};
			buf_adds(&msg, STORE_KEPT_PREVIOUS " ");
			buf_addf(&msg, L_("(no record read, %ld problems)", "(読めたレコードなし、問題 %ld 件)"),
			         problems);
			s->file_id = e->id;
			warn_file(sink, path, kind, EHR_WARN_PARSE, msg.data);
			buf_release(&msg);
			st->files_kept_previous++;
			if (s->failed)
				rc = -LB_EIO;
		}
		/* The kept row remembers the damaged file that stands in its place (its size, time and hash): a later
		 * run that finds it unchanged skips it, and its warning stays one of the run that raised it (a run
		 * says only its own warnings); a mended or replaced file differs, and is read. */
		if (rc == 0)
			rc = store_file_stands_for(s, e->id, sb.st_size, mtime, hash);
	} else if (rc == 0 && e) {
		/* the file against its own last version (a FHIR file cut short): what its rows were, what they are */
		rc = shrink_refused(o, kind, path, s->rows_removed - removed0, st->records - records0);
	}
	if (keepable && rc == 0)
		rc = store_exec(s, "RELEASE feed_file");
	s->file_id = 0;
	return rc;
}

int store_warnings_forget_kept(struct store *s, int64_t file_id)
{
	sqlite3_stmt *q =
	        store_cached_stmt(s, "DELETE FROM warnings WHERE file_id = ?1 AND substr(detail, 1, ?3) = ?2");
	if (!q)
		return store_sqlerr(s, L_("removing a warning", "警告の削除"));
	sqlite3_bind_int64(q, 1, file_id);
	sqlite3_bind_text(q, 2, STORE_KEPT_PREVIOUS, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, (int)strlen(STORE_KEPT_PREVIOUS));
	return store_exec_stmt(s, q);
}

long store_warnings_of_run(struct store *s, int64_t run_id, size_t limit,
                           int (*fn)(void *ctx, const char *path, const char *kind, const char *detail), void *ctx)
{
	sqlite3_stmt *q = store_cached_stmt(s, "SELECT count(*) FROM warnings WHERE run_id = ?1");
	long total = 0;
	if (!q)
		return store_sqlerr(s, L_("reading warnings", "警告の読み取り"));
	sqlite3_bind_int64(q, 1, run_id);
	if (sqlite3_step(q) == SQLITE_ROW)
		total = (long)sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (!fn)
		return total;
	q = store_cached_stmt(s, "SELECT path, kind, detail FROM warnings WHERE run_id = ?1 ORDER BY id LIMIT ?2");
	if (!q)
		return store_sqlerr(s, L_("reading warnings", "警告の読み取り"));
	sqlite3_bind_int64(q, 1, run_id);
	sqlite3_bind_int64(q, 2, limit ? (int64_t)limit : -1);
	while (sqlite3_step(q) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
		       (const char *)sqlite3_column_text(q, 2)))
			break;
	sqlite3_reset(q);
	return total;
}

/* The record rows the store holds from the files of kind (the tables every feed writes). */
static long kind_rows(struct store *s, const char *kind)
{
	static const char *const sql[] = {
	        "SELECT count(*) FROM patients WHERE file_id IN (SELECT id FROM files WHERE kind = ?1)",
	        "SELECT count(*) FROM allergies WHERE file_id IN (SELECT id FROM files WHERE kind = ?1)",
	        "SELECT count(*) FROM medications WHERE file_id IN (SELECT id FROM files WHERE kind = ?1)",
	        "SELECT count(*) FROM results WHERE file_id IN (SELECT id FROM files WHERE kind = ?1)",
	        "SELECT count(*) FROM diagnoses WHERE file_id IN (SELECT id FROM files WHERE kind = ?1)",
	        "SELECT count(*) FROM adt_events WHERE file_id IN (SELECT id FROM files WHERE kind = ?1)",
	        "SELECT count(*) FROM appointments WHERE file_id IN (SELECT id FROM files WHERE kind = ?1)",
	        "SELECT count(*) FROM drugs WHERE file_id IN (SELECT id FROM files WHERE kind = ?1)",
	};
	long n = 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(sql); i++) {
		sqlite3_stmt *q = store_cached_stmt(s, sql[i]);
		if (!q)
			continue;
		sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			n += (long)sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	}
	return n;
}

/*
 * Is the change one feed made plausible? A feed that takes away more than the limit of the records the store held
 * from it (a drug master cut to its header, an empty SS-MIX2 tree, a FHIR folder without its files) is refused:
 * the run is rolled back and the store keeps the previous data. added and removed are the record rows the feed
 * wrote and removed; the store's count is taken only when the feed shrank (before: the count taken before the
 * feed, or -1 for the large feeds, where it is worked out).
 */
static int check_shrink(struct store *s, const struct store_ingest_opts *o, const char *kind, long before, long added,
                        long removed)
{
	if (before < 0 && removed <= added)
		return 0;
	long after = kind_rows(s, kind);
	/* rows replaced by a row of the same key (a patient's ID, a drug's code) are not counted as removed: the
	 * count taken before the feed is exact, the sum a floor */
	return shrink_refused(o, kind, NULL, before >= 0 ? before : after + removed - added, after);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ingest_fhir(struct store *s, const struct store_ingest_opts *o, const char *dir, const struct ehr_sink *sink,
                       struct store_ingest_stats *st)
{
	DIR *d = opendir(dir);
	if (!d)
		return lb_error_errno_tr(errno, "cannot open FHIR folder '%s'", "FHIR フォルダ '%s' を開けません", dir);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 7 || strcmp(e->d_name + l - 7, ".ndjson"))
			continue;
		names = lb_reallocarray(names, n + 1, sizeof(*names));
		names[n++] = lb_strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	struct store_fmap map = {0};
	int rc = store_fmap_load(s, "fhir", NULL, &map);
	store_fmap_index(&map);
	struct buf path = {0};
	for (size_t i = 0; i < n && rc == 0; i++) {
		buf_reset(&path);
		lb_path_join(&path, dir, names[i]);
		rc = ingest_feed(s, o, "fhir", path.data, &map, sink, st, ehr_fhir_read_file);
	}
	if (rc == 0)
		rc = store_fmap_sweep(s, &map, st);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	store_fmap_free(&map);
	return rc;
}

static int ingest_csv(struct store *s, const struct store_ingest_opts *o, const char *kind, const char *path,
                      const struct ehr_sink *sink, struct store_ingest_stats *st,
                      int (*reader)(const char *, const struct ehr_sink *))
{
	struct store_fmap map = {0};
	int rc = store_fmap_load(s, kind, NULL, &map);
	store_fmap_index(&map);
	if (rc == 0)
		rc = ingest_feed(s, o, kind, path, &map, sink, st, reader);
	/* A feed replaces the previous feed of its kind, whatever its path. */
	if (rc == 0)
		rc = store_fmap_sweep(s, &map, st);
	store_fmap_free(&map);
	return rc;
}

static int start_run(struct store *s, const struct store_ingest_opts *o)
{
	struct buf now = {0}, src = {0};
	lb_format_utc(&now, lb_now_ms(), 0);
	buf_addf(&src, "%s%s%s%s%s%s%s%s", o->ssmix2_dir ? "ssmix2=" : "", o->ssmix2_dir ? o->ssmix2_dir : "",
	         o->fhir_dir ? " fhir=" : "", o->fhir_dir ? o->fhir_dir : "",
	         o->appointments_csv ? " appointments=" : "", o->appointments_csv ? o->appointments_csv : "",
	         o->drugs_csv ? " drugs=" : "", o->drugs_csv ? o->drugs_csv : "");
	sqlite3_stmt *st;
	int rc = 0;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO runs(started, sources) VALUES(?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		rc = store_sqlerr(s, L_("starting a run", "取込の開始"));
	else {
		sqlite3_bind_text(st, 1, now.data, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, buf_cstr(&src), -1, SQLITE_TRANSIENT);
		rc = store_exec_stmt(s, st);
		sqlite3_finalize(st);
		s->run_id = sqlite3_last_insert_rowid(s->db);
	}
	buf_release(&now);
	buf_release(&src);
	return rc;
}

static int finish_run(struct store *s, const struct store_ingest_opts *o, struct store_ingest_stats *st)
{
	struct buf now = {0};
	lb_format_utc(&now, lb_now_ms(), 0);
	sqlite3_stmt *q;
	int rc = 0;
	if (sqlite3_prepare_v2(s->db,
	                       "UPDATE runs SET finished=?2, files_seen=?3, files_loaded=?4, files_unchanged=?5,"
	                       " files_removed=?6, messages=?7, warnings=?8 WHERE id=?1",
	                       -1, &q, NULL) != SQLITE_OK)
		return store_sqlerr(s, L_("finishing a run", "取込の完了"));
	sqlite3_bind_int64(q, 1, s->run_id);
	sqlite3_bind_text(q, 2, now.data, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, st->files_seen);
	sqlite3_bind_int64(q, 4, st->files_loaded);
	sqlite3_bind_int64(q, 5, st->files_unchanged);
	sqlite3_bind_int64(q, 6, st->files_removed);
	sqlite3_bind_int64(q, 7, st->messages);
	sqlite3_bind_int64(q, 8, st->warnings);
	rc = store_exec_stmt(s, q);
	sqlite3_finalize(q);
	if (rc == 0 && sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", -1, &q,
	                                  NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, "last_run", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, now.data, -1, SQLITE_TRANSIENT);
		rc = store_exec_stmt(s, q);
		sqlite3_bind_text(q, 1, "reader_version", -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, STORE_READER_VERSION, -1, SQLITE_STATIC);
		if (rc == 0)
			rc = store_exec_stmt(s, q);
		if (rc == 0 && o->generation) {
			sqlite3_bind_text(q, 1, "source_generation", -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, o->generation, -1, SQLITE_TRANSIENT);
			rc = store_exec_stmt(s, q);
		}
		sqlite3_finalize(q);
	}
	buf_release(&now);
	/* the drug search's trigram index follows the master (a 20,000-product master takes about 0.2 s) */
	if (rc == 0 && s->drugs_touched)
		rc = store_exec(s, "INSERT INTO drugs_fts(drugs_fts) VALUES('rebuild')");
	return rc;
}

static long count_rows(struct store *s, const char *sql)
{
	sqlite3_stmt *q;
	long n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* The drug master's safety columns: a new master that empties one the store had filled (a `code,name` export of
 * every row) would blind a prescription check while the row count looks fine. */
static const struct {
	const char *column, *ja, *sql;
} safety_cols[] = {
        {"max_daily_dose", "1日最大量", "SELECT count(*) FROM drugs WHERE max_daily_dose > 0"},
        {"allergy_class", "アレルギー分類",
         "SELECT count(*) FROM drugs WHERE allergy_classes IS NOT NULL AND allergy_classes <> ''"},
        {"interaction_group", "相互作用グループ",
         "SELECT count(*) FROM drugs WHERE (interaction_groups IS NOT NULL AND "
         "interaction_groups <> '') OR (contraindicated_groups IS NOT NULL AND "
         "contraindicated_groups <> '')"},
};

/* A column emptied while at least half the products stay (a master that mostly went is the row guard's, and its
 * --max-shrink, to judge). */
static int safety_column_lost(struct store *s, const struct store_ingest_opts *o, long rows_before, const long *before)
{
	if (o->accept_shrink || kind_rows(s, "drugs") * 2 < rows_before)
		return 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(safety_cols); i++)
		if (before[i] > 0 && count_rows(s, safety_cols[i].sql) == 0)
			return lb_error(
			        LB_EINVAL,
			        L_("the drugs feed has no %s where the store had %ld products with one: refused (the "
			           "prescription check would lose it); --accept-shrink loads it anyway",
			           "医薬品マスタの取込で %s の列が空になります (ストアでは %ld 品目にあり): "
			           "処方チェックが"
			           "できなくなるため取込を中止しました。意図した置き換えなら --accept-shrink を付けて"
			           "ください"),
			        L_(safety_cols[i].column, safety_cols[i].ja), before[i]);
	return 0;
}

int store_ingest(struct store *s, const struct store_ingest_opts *o, struct store_ingest_stats *st)
{
	struct store_ingest_stats local;
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	int64_t t0 = lb_mono_ns();
	struct ehr_sink sink;
	store_sink_init(s, &sink);
	s->stats = st;
	s->failed = 0;
	/*
	 * A first load (the store knows no source file yet: it holds nothing but its schema) is written with a rollback
	 * journal instead of the WAL: the journal keeps the few pages of the empty store, so an interrupted load still
	 * rolls back whole, and every page is written once (through the WAL it is written there, then copied into the
	 * file). Readers of a store that is still empty wait for the load to end. The store is in WAL mode again after
	 * the run (or at its next open, if the run was killed); every other run uses WAL.
	 */
	int rollback_journal = !count_rows(s, "SELECT EXISTS(SELECT 1 FROM files)") && store_journal(s, "DELETE") == 0;
	int rc = store_exec(s, "BEGIN IMMEDIATE");
	if (rc < 0) {
		if (rollback_journal)
			store_journal(s, "WAL");
		if (rc == -LB_ELOCKED)
			return lb_error_tr(
			        LB_ELOCKED,
			        "store '%s' is being written by another ingest; run again when it has ended",
			        "ストア '%s' は別の取込が書き込み中です。終わってからもう一度実行してください",
			        s->path);
		return rc;
	}
	/* A run writes the whole store at worst, in one transaction: a larger page cache keeps the pages it changes
	 * again and again (indexes) from being spilled to the WAL and read back (set back after the run). */
	store_exec(s, "PRAGMA cache_size=-262144");
	rc = start_run(s, o);
	st->run_id = s->run_id;
	/* A first load (no source file known yet: every table is empty) builds the search indexes after the rows. */
	int first = rc == 0 && !count_rows(s, "SELECT EXISTS(SELECT 1 FROM files)");
	if (first)
		rc = store_search_indexes(s, 0);
	/* A store read by older readers: forget what every source file was (size, time, hash) and the SS-MIX2 folder
	 * stamps (the next walk of the tree is then a full one), so that every file is read again by this run or the
	 * next one that walks its source; the rows the new readers give replace the old ones (finish_run sets
	 * reader_version). */
	if (rc == 0 && !first &&
	    !count_rows(s, "SELECT count(*) FROM meta WHERE key = 'reader_version' AND value = '" STORE_READER_VERSION
	                   "'")) {
		rc = store_exec(s, "UPDATE files SET size = -1, mtime_ns = -1, hash = ''");
		if (rc == 0 && count_rows(s, "SELECT count(*) FROM sqlite_master WHERE name = 'ssmix2_dirs'"))
			rc = store_exec(s, "DELETE FROM ssmix2_dirs");
	}
	/* Warnings not tied to a file (stray names in the storage) are found again by every walk. */
	if (rc == 0)
		rc = store_exec(s, "DELETE FROM warnings WHERE file_id IS NULL");
	long added = st->records, removed = s->rows_removed;
	if (rc == 0 && o->ssmix2_dir) {
		rc = store_ingest_ssmix2(s, o, &sink, st);
		if (rc == 0)
			rc = check_shrink(s, o, "ssmix2", -1, st->records - added, s->rows_removed - removed);
	}
	added = st->records, removed = s->rows_removed;
	if (rc == 0 && o->fhir_dir) {
		rc = ingest_fhir(s, o, o->fhir_dir, &sink, st);
		if (rc == 0)
			rc = check_shrink(s, o, "fhir", -1, st->records - added, s->rows_removed - removed);
	}
	added = st->records, removed = s->rows_removed;
	if (rc == 0 && o->appointments_csv) {
		long before = kind_rows(s, "appointments");
		rc = ingest_csv(s, o, "appointments", o->appointments_csv, &sink, st, ehr_appointments_read);
		if (rc == 0)
			rc = check_shrink(s, o, "appointments", before, st->records - added, s->rows_removed - removed);
	}
	added = st->records, removed = s->rows_removed;
	if (rc == 0 && o->drugs_csv) {
		long before = kind_rows(s, "drugs"), safety[LB_ARRAY_LEN(safety_cols)];
		for (size_t i = 0; i < LB_ARRAY_LEN(safety_cols); i++)
			safety[i] = count_rows(s, safety_cols[i].sql);
		rc = ingest_csv(s, o, "drugs", o->drugs_csv, &sink, st, ehr_drugs_read);
		if (rc == 0)
			rc = check_shrink(s, o, "drugs", before, st->records - added, s->rows_removed - removed);
		if (rc == 0)
			rc = safety_column_lost(s, o, before, safety);
	}
	if (rc == 0 && first)
		rc = store_search_indexes(s, 1);
	int64_t t1 = lb_mono_ns();
	if (rc == 0 &&
	    (st->files_loaded || st->files_removed || !count_rows(s, "SELECT count(*) FROM meta WHERE key='as_of'")))
		rc = store_derive(s);
	int64_t t2 = lb_mono_ns();
	if (rc == 0)
		rc = finish_run(s, o, st);
	if (rc == 0)
		rc = store_exec(s, "COMMIT");
	lb_debug("ingest: sources %.0f ms, derive %.0f ms, commit %.0f ms", (t1 - t0) / 1e6, (t2 - t1) / 1e6,
	         (lb_mono_ns() - t2) / 1e6);
	if (rc < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", lb_errmsg());
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		rc = lb_error_tr(-rc, "%s (nothing was loaded: the store is as before the run)",
		                 "%s (何も取り込んでいません: ストアは実行前のままです)", msg);
	}
	s->stats = NULL;
	store_exec(s, "PRAGMA cache_size=-65536");
	if (rollback_journal && store_journal(s, "WAL") < 0)
		lb_warn(L_("store '%s' stays in rollback-journal mode until its next open: %s",
		           "ストア '%s' は次に開くまでロールバックジャーナルのままです: %s"),
		        s->path, lb_errmsg());
	st->store_warnings = count_rows(s, "SELECT count(*) FROM warnings");
	st->patients = count_rows(s, "SELECT count(*) FROM patients");
	if (o->progress)
		lb_progress_done(o->progress);
	st->elapsed_ms = (lb_mono_ns() - t0) / 1000000;
	return rc;
}
