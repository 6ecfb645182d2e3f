/*
 * files.c - the source files an ingest run knows (table files) as a hash map by path, and the rows a run writes
 * for them: a file to be loaded (begin), a file found unchanged after reading (touch), files no longer current
 * (sweep).
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

struct store_fent *store_fmap_get(const struct store_fmap *m, const char *path)
{
	if (!m->nslot)
		return NULL;
	for (size_t i = str_hash(path) & (m->nslot - 1);; i = (i + 1) & (m->nslot - 1)) {
		if (!m->slot[i])
			return NULL;
		struct store_fent *e = &m->v[m->slot[i] - 1];
		if (!strcmp(e->path, path))
			return e;
	}
}

int store_fmap_load(struct store *s, const char *kind, const char *prefix, struct store_fmap *m)
{
	static const char all_sql[] = "SELECT id, path, size, mtime_ns, hash FROM files WHERE kind=?1";
	static const char prefix_sql[] =
	        "SELECT id, path, size, mtime_ns, hash FROM files WHERE kind=?1 AND path >= ?2 AND path < ?3";
	sqlite3_stmt *st = store_cached_stmt(s, prefix ? prefix_sql : all_sql);
	if (!st)
		return store_sqlerr(s, L_("reading source files", "取込元ファイルの読み取り"));
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	char *end = NULL;
	if (prefix) {
		/* every path that starts with prefix: [prefix, prefix with its last byte raised) */
		size_t n = strlen(prefix);
		end = lb_strdup(prefix);
		if (n)
			end[n - 1]++;
		sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, end, -1, SQLITE_STATIC);
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 256;
			m->v = lb_reallocarray(m->v, m->cap, sizeof(*m->v));
		}
		struct store_fent *e = &m->v[m->n++];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		e->path = lb_strdup((const char *)sqlite3_column_text(st, 1));
		e->size = sqlite3_column_int64(st, 2);
		e->mtime = sqlite3_column_int64(st, 3);
		const char *h = (const char *)sqlite3_column_text(st, 4);
		if (h)
			snprintf(e->hash, sizeof(e->hash), "%s", h);
	}
	sqlite3_reset(st);
	free(end);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, L_("reading source files", "取込元ファイルの読み取り"));
}

void store_fmap_index(struct store_fmap *m)
{
	free(m->slot);
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
}

void store_fmap_free(struct store_fmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

int store_fmap_sweep(struct store *s, struct store_fmap *m, struct store_ingest_stats *st)
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

int store_file_begin(struct store *s, const struct store_file_row *r, struct store_fent *e)
{
	int rc;
	if (e) {
		if ((rc = store_forget_file(s, e->id, 0)) < 0)
			return rc;
		sqlite3_stmt *u = s->st[ST_FILE_UPDATE];
		sqlite3_bind_int64(u, 1, e->id);
		sqlite3_bind_int64(u, 2, r->size);
		sqlite3_bind_int64(u, 3, r->mtime);
		store_bind_text(u, 4, r->hash);
		store_bind_text(u, 5, r->msg_time);
		sqlite3_bind_int64(u, 6, s->run_id);
		if ((rc = store_exec_stmt(s, u)) < 0)
			return rc;
		s->file_id = e->id;
		return 0;
	}
	sqlite3_stmt *ins = s->st[ST_FILE_INSERT];
	store_bind_text(ins, 1, r->kind);
	store_bind_text(ins, 2, r->path);
	store_bind_text(ins, 3, r->data_type);
	store_bind_text(ins, 4, r->patient);
	sqlite3_bind_int64(ins, 5, r->size);
	sqlite3_bind_int64(ins, 6, r->mtime);
	store_bind_text(ins, 7, r->hash);
	store_bind_text(ins, 8, r->msg_time);
	sqlite3_bind_int64(ins, 9, s->run_id);
	if ((rc = store_exec_stmt(s, ins)) < 0)
		return rc;
	s->file_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_file_touch(struct store *s, struct store_fent *e, int64_t size, int64_t mtime)
{
	sqlite3_stmt *t = s->st[ST_FILE_TOUCH];
	sqlite3_bind_int64(t, 1, e->id);
	sqlite3_bind_int64(t, 2, size);
	sqlite3_bind_int64(t, 3, mtime);
	return store_exec_stmt(s, t);
}

int store_file_stands_for(struct store *s, int64_t id, int64_t size, int64_t mtime, const char *hash)
{
	sqlite3_stmt *u = store_cached_stmt(s, "UPDATE files SET size = ?2, mtime_ns = ?3, hash = ?4 WHERE id = ?1");
	if (!u)
		return store_sqlerr(s, L_("recording a damaged file", "破損ファイルの記録"));
	sqlite3_bind_int64(u, 1, id);
	sqlite3_bind_int64(u, 2, size);
	sqlite3_bind_int64(u, 3, mtime);
	store_bind_text(u, 4, hash);
	return store_exec_stmt(s, u);
}
