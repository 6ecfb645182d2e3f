/*
 * ingest.c - one ingest run: sources in, store updated in a single transaction.
 *
 * For every source file the store remembers kind, path, size, mtime and a content hash (table files). A run:
 *   1. loads that table into a hash map;
 *   2. walks the sources; a file whose size and mtime (or, failing that, content hash) match is skipped; a new
 *      or changed file has its old rows removed and is parsed again under the same file id;
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

struct fent {
	char *path;
	int64_t id, size, mtime;
	char hash[17];
	int seen;
};
struct fmap {
	struct fent *v;
	size_t n;
	size_t *slot; /* index+1 into v, 0 empty */
	size_t nslot;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static struct fent *fmap_get(const struct fmap *m, const char *path)
{
	if (!m->nslot)
		return NULL;
	for (size_t i = str_hash(path) & (m->nslot - 1);; i = (i + 1) & (m->nslot - 1)) {
		if (!m->slot[i])
			return NULL;
		struct fent *e = &m->v[m->slot[i] - 1];
		if (!strcmp(e->path, path))
			return e;
	}
}

static int fmap_load(struct store *s, const char *kind, struct fmap *m)
{
	memset(m, 0, sizeof(*m));
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT id, path, size, mtime_ns, hash FROM files WHERE kind=?1", -1, &st,
	                       NULL) != SQLITE_OK)
		return store_sqlerr(s, "reading source files");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	size_t cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (m->n == cap) {
			cap = cap ? cap * 2 : 256;
			m->v = lb_reallocarray(m->v, cap, sizeof(*m->v));
		}
		struct fent *e = &m->v[m->n++];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		e->path = lb_strdup((const char *)sqlite3_column_text(st, 1));
		e->size = sqlite3_column_int64(st, 2);
		e->mtime = sqlite3_column_int64(st, 3);
		const char *h = (const char *)sqlite3_column_text(st, 4);
		if (h)
			snprintf(e->hash, sizeof(e->hash), "%s", h);
	}
	sqlite3_finalize(st);
	m->nslot = 16;
	while (m->nslot < m->n * 2)
		m->nslot *= 2;
	m->slot = lb_calloc(m->nslot, sizeof(*m->slot));
	for (size_t k = 0; k < m->n; k++) {
		size_t i = str_hash(m->v[k].path) & (m->nslot - 1);
		while (m->slot[i])
			i = (i + 1) & (m->nslot - 1);
		m->slot[i] = k + 1;
	}
	return 0;
}

static void fmap_free(struct fmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* Remove the rows of remembered files this run did not see. */
static int fmap_sweep(struct store *s, struct fmap *m, struct store_ingest_stats *st)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].seen)
			continue;
		int rc = store_forget_file(s, m->v[i].id, 1);
		if (rc < 0)
			return rc;
		st->files_removed++;
	}
	return 0;
}

/* A file the run will load: its row in files created or updated, its old rows removed. Sets s->file_id. */
static int begin_file(struct store *s, const char *kind, const char *path, const char *data_type, const char *patient,
                      int64_t size, int64_t mtime, const char *hash, const char *msg_time, struct fent *e)
{
	int rc;
	if (e) {
		if ((rc = store_forget_file(s, e->id, 0)) < 0)
			return rc;
		sqlite3_stmt *u = s->st[ST_FILE_UPDATE];
		sqlite3_bind_int64(u, 1, e->id);
		sqlite3_bind_int64(u, 2, size);
		sqlite3_bind_int64(u, 3, mtime);
		store_bind_text(u, 4, hash);
		store_bind_text(u, 5, msg_time);
		sqlite3_bind_int64(u, 6, s->run_id);
		if ((rc = store_exec_stmt(s, u)) < 0)
			return rc;
		s->file_id = e->id;
		return 0;
	}
	sqlite3_stmt *ins = s->st[ST_FILE_INSERT];
	store_bind_text(ins, 1, kind);
	store_bind_text(ins, 2, path);
	store_bind_text(ins, 3, data_type);
	store_bind_text(ins, 4, patient);
	sqlite3_bind_int64(ins, 5, size);
	sqlite3_bind_int64(ins, 6, mtime);
	store_bind_text(ins, 7, hash);
	store_bind_text(ins, 8, msg_time);
	sqlite3_bind_int64(ins, 9, s->run_id);
	if ((rc = store_exec_stmt(s, ins)) < 0)
		return rc;
	s->file_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int touch_file(struct store *s, struct fent *e, int64_t size, int64_t mtime)
{
	sqlite3_stmt *t = s->st[ST_FILE_TOUCH];
	sqlite3_bind_int64(t, 1, e->id);
	sqlite3_bind_int64(t, 2, size);
	sqlite3_bind_int64(t, 3, mtime);
	return store_exec_stmt(s, t);
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

static void warn_file(struct store *s, const struct ehr_sink *sink, const char *path, const char *kind, enum ehr_warn w,
                      const char *detail)
{
	struct ehr_source src = {.path = path, .kind = kind};
	(void)s;
	sink->warning(sink->ctx, &src, w, detail);
}

struct want_ctx {
	const struct ssmix2_scan *scan;
	const struct fmap *map;
};

/* Will the loop read files[i]? (current, and not known with the same size and mtime) */
static int want_file(void *ctx, size_t i)
{
	const struct want_ctx *w = ctx;
	const struct ssmix2_file *f = &w->scan->files[i];
	if (!f->current)
		return 0;
	const struct fent *e = fmap_get(w->map, f->path);
	return !(e && e->size == f->size && e->mtime == f->mtime_ns);
}

static int ingest_ssmix2(struct store *s, const char *root, const struct ehr_sink *sink, struct store_ingest_stats *st,
                         struct lb_progress *pg)
{
	struct ssmix2_scan scan = {0};
	struct fmap map;
	struct lb_progress scan_pg = {.label = "scan"};
	if (pg)
		scan.progress = &scan_pg; /* the walk of a large storage takes minutes: show it */
	s->file_id = 0;
	int rc = ssmix2_scan(root, sink, &scan);
	if (rc < 0)
		return rc;
	if ((rc = fmap_load(s, "ssmix2", &map)) < 0) {
		ssmix2_scan_release(&scan);
		return rc;
	}
	st->files_seen += (long)scan.n;
	st->files_skipped += scan.skipped;
	if (pg)
		pg->total += scan.n;
	struct buf path = {0}, bytes = {0};
	struct want_ctx wc = {&scan, &map};
	struct store_prefetch *pf = store_prefetch_start(root, &scan, want_file, &wc);
	for (size_t i = 0; i < scan.n && rc == 0; i++) {
		const struct ssmix2_file *f = &scan.files[i];
		store_prefetch_at(pf, i);
		if (pg)
			lb_progress_add(pg, 1);
		if (!f->current)
			continue;
		st->files_current++;
		struct fent *e = fmap_get(&map, f->path);
		if (e && e->size == f->size && e->mtime == f->mtime_ns) {
			e->seen = 1;
			st->files_unchanged++;
			continue;
		}
		buf_reset(&path);
		lb_path_join(&path, root, f->path);
		buf_reset(&bytes);
		int rr = buf_read_file(&bytes, path.data, HL7_MAX_MESSAGE);
		char hash[17] = "";
		if (rr == 0)
			store_hash(buf_cstr(&bytes), bytes.len, hash);
		if (e && rr == 0 && !strcmp(hash, e->hash)) {
			e->seen = 1;
			st->files_unchanged++;
			rc = touch_file(s, e, f->size, f->mtime_ns);
			continue;
		}
		if (e)
			e->seen = 1;
		if ((rc = begin_file(s, "ssmix2", f->path, f->name.type, f->name.patient, f->size, f->mtime_ns,
		                     rr == 0 ? hash : NULL, f->name.time, e)) < 0)
			break;
		st->files_loaded++;
		if (rr < 0) {
			warn_file(s, sink, f->path, "ssmix2", rr == -LB_ETOOBIG ? EHR_WARN_LIMIT : EHR_WARN_PARSE,
			          lb_errmsg());
			continue;
		}
		struct ehr_source src = {.path = f->path, .kind = "ssmix2", .data_type = f->name.type};
		struct ssmix2_msg_stats ms;
		rc = ssmix2_read_message(&f->name, &src, bytes.data, bytes.len, sink, &ms);
		st->messages++;
		count_type(st, f->name.type);
		if (ms.parsed && !ms.handled)
			st->raw_only++;
		if (s->failed && rc == 0)
			rc = -LB_EIO;
	}
	store_prefetch_stop(pf);
	if (rc == 0)
		rc = fmap_sweep(s, &map, st);
	buf_release(&path);
	buf_release(&bytes);
	fmap_free(&map);
	ssmix2_scan_release(&scan);
	s->file_id = 0;
	return rc;
}

/* FNV-1a 64 of a whole file, read in pieces (NDJSON exports run to gigabytes). */
static int hash_file(const char *path, char out[17])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lb_error_errno(errno, "cannot open '%s'", path);
	uint64_t h = 0xcbf29ce484222325ull;
	static char chunk[1 << 16];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return lb_error_errno(e, "cannot read '%s'", path);
		}
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)chunk[i]) * 0x100000001b3ull;
	}
	close(fd);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	return 0;
}

/* One whole-file feed (NDJSON or CSV): skipped when unchanged, else its rows replaced. */
static int ingest_feed(struct store *s, const char *kind, const char *path, struct fmap *map,
                       const struct ehr_sink *sink, struct store_ingest_stats *st,
                       int (*reader)(const char *, const struct ehr_sink *))
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return lb_error_errno(errno, "cannot read %s feed '%s'", kind, path);
	int64_t mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	st->files_seen++;
	st->files_current++;
	struct fent *e = fmap_get(map, path);
	if (e && e->size == sb.st_size && e->mtime == mtime) {
		e->seen = 1;
		st->files_unchanged++;
		return 0;
	}
	char hash[17];
	int rc = hash_file(path, hash);
	if (rc < 0)
		return lb_error_wrap(rc, "%s feed", kind);
	if (e) {
		e->seen = 1;
		if (!strcmp(hash, e->hash)) {
			st->files_unchanged++;
			return touch_file(s, e, sb.st_size, mtime);
		}
	}
	if ((rc = begin_file(s, kind, path, kind, NULL, sb.st_size, mtime, hash, NULL, e)) < 0)
		return rc;
	st->files_loaded++;
	rc = reader(path, sink);
	if (rc > 0)
		rc = 0; /* a count of records is success */
	if (s->failed && rc == 0)
		rc = -LB_EIO;
	if (rc < 0 && !s->failed) {
		/* A feed that cannot be read to its end is a data-quality finding; what it gave is kept. */
		struct buf msg = {0};
		buf_addf(&msg, "%s feed read in part: %s", kind, lb_errmsg());
		warn_file(s, sink, path, kind, EHR_WARN_PARSE, msg.data);
		buf_release(&msg);
		rc = 0;
	}
	s->file_id = 0;
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ingest_fhir(struct store *s, const char *dir, const struct ehr_sink *sink, struct store_ingest_stats *st)
{
	DIR *d = opendir(dir);
	if (!d)
		return lb_error_errno(errno, "cannot open FHIR folder '%s'", dir);
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
	struct fmap map;
	int rc = fmap_load(s, "fhir", &map);
	struct buf path = {0};
	for (size_t i = 0; i < n && rc == 0; i++) {
		buf_reset(&path);
		lb_path_join(&path, dir, names[i]);
		rc = ingest_feed(s, "fhir", path.data, &map, sink, st, ehr_fhir_read_file);
	}
	if (rc == 0)
		rc = fmap_sweep(s, &map, st);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	fmap_free(&map);
	return rc;
}

static int ingest_csv(struct store *s, const char *kind, const char *path, const struct ehr_sink *sink,
                      struct store_ingest_stats *st, int (*reader)(const char *, const struct ehr_sink *))
{
	struct fmap map;
	int rc = fmap_load(s, kind, &map);
	if (rc == 0)
		rc = ingest_feed(s, kind, path, &map, sink, st, reader);
	/* A feed replaces the previous feed of its kind, whatever its path. */
	if (rc == 0)
		rc = fmap_sweep(s, &map, st);
	fmap_free(&map);
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
		rc = store_sqlerr(s, "starting a run");
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
		return store_sqlerr(s, "finishing a run");
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
		if (rc == 0 && o->generation) {
			sqlite3_bind_text(q, 1, "source_generation", -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, o->generation, -1, SQLITE_TRANSIENT);
			rc = store_exec_stmt(s, q);
		}
		sqlite3_finalize(q);
	}
	buf_release(&now);
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
	int rc = store_exec(s, "BEGIN IMMEDIATE");
	if (rc == -LB_ELOCKED)
		return lb_error(LB_ELOCKED,
		                "store '%s' is being written by another ingest; run again when it has ended", s->path);
	if (rc < 0)
		return rc;
	rc = start_run(s, o);
	/* Warnings not tied to a file (stray names in the storage) are found again by every walk. */
	if (rc == 0)
		rc = store_exec(s, "DELETE FROM warnings WHERE file_id IS NULL");
	if (rc == 0 && o->ssmix2_dir)
		rc = ingest_ssmix2(s, o->ssmix2_dir, &sink, st, o->progress);
	if (rc == 0 && o->fhir_dir)
		rc = ingest_fhir(s, o->fhir_dir, &sink, st);
	if (rc == 0 && o->appointments_csv)
		rc = ingest_csv(s, "appointments", o->appointments_csv, &sink, st, ehr_appointments_read);
	if (rc == 0 && o->drugs_csv)
		rc = ingest_csv(s, "drugs", o->drugs_csv, &sink, st, ehr_drugs_read);
	if (rc == 0 &&
	    (st->files_loaded || st->files_removed || !count_rows(s, "SELECT count(*) FROM meta WHERE key='as_of'")))
		rc = store_derive(s);
	if (rc == 0)
		rc = finish_run(s, o, st);
	if (rc == 0)
		rc = store_exec(s, "COMMIT");
	if (rc < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", lb_errmsg());
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		rc = lb_error(-rc, "%s (nothing was loaded: the store is as before the run)", msg);
	}
	s->stats = NULL;
	st->store_warnings = count_rows(s, "SELECT count(*) FROM warnings");
	st->patients = count_rows(s, "SELECT count(*) FROM patients");
	if (o->progress)
		lb_progress_done(o->progress);
	st->elapsed_ms = (lb_mono_ns() - t0) / 1000000;
	return rc;
}
