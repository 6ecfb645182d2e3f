/*
 * refresh.c - replace the station's clinical store with one freshly ingested from a restored export tree, in one
 * atomic step, while the station keeps serving.
 *
 * The new store is built beside the old one ("F.refresh-<pid>"), checked (it must open read-only and hold
 * patients), switched to a rollback journal so that no -wal/-shm file of the old store can ever be taken for its
 * own, made durable, and renamed over F with rename(2). Readers see the old store or the new one, never a mix;
 * a running station notices the new inode within a second and moves to it between requests (server.c). Users,
 * sessions and the audit trail (F.station) are untouched. A failed run leaves F as it was. The outage orders of F
 * (the ward's own record, in no export) are carried over into the new store under F's write lock (carry_outage).
 *
 * The vault part (refresh from the latest clean vault generation, --from-vault) is not here yet: the vault is
 * not merged into this branch. A caller restores the generation to a folder and passes its id as generation.
 */
#include "station_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DIR/name if it exists, else NULL; the string lives in b. */
static const char *part(struct buf *b, const char *dir, const char *name)
{
	buf_reset(b);
	lb_path_join(b, dir, name);
	return lb_exists(b->data) ? b->data : NULL;
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", path);
	int rc = fsync(fd) ? lb_error_errno_tr(errno, "cannot sync '%s'", "'%s' をディスクに書き出せません", path) : 0;
	close(fd);
	return rc;
}

static void remove_tmp(const char *tmp)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	struct buf p = {0};
	for (size_t i = 0; i < LB_ARRAY_LEN(sfx); i++) {
		buf_reset(&p);
		buf_addf(&p, "%s%s", tmp, sfx[i]);
		unlink(p.data);
	}
	buf_release(&p);
}

/*
 * The ward's own record is not in any export: the outage orders (the station's 記録, `rx check --record`, table
 * outage_orders) of the old store are copied into the new one, table and indexes as the old store has them. *old
 * is left holding the old store's write lock (BEGIN IMMEDIATE) so that nothing can be recorded there between the
 * copy and the rename; the caller rolls it back after the rename. A station writer that opened the old file and
 * waited for the lock finds the file replaced afterwards and records again in the new one (pages_rxcheck.c).
 */
static int carry_outage(const char *db, const char *tmp, sqlite3 **old)
{
	*old = NULL;
	if (!lb_exists(db))
		return 0;
	if (sqlite3_open_v2(db, old, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return lb_error_tr(LB_EIO, "cannot open '%s' to carry its outage orders over: %s",
		                   "ダウンタイム中の処方を引き継ぐために '%s' を開けません: %s", db,
		                   *old ? sqlite3_errmsg(*old) : "out of memory");
	sqlite3_busy_timeout(*old, 10000);
	if (sqlite3_exec(*old, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return lb_error_tr(LB_ELOCKED, "cannot lock '%s' to carry its outage orders over: %s",
		                   "ダウンタイム中の処方を引き継ぐために '%s' をロックできません: %s", db,
		                   sqlite3_errmsg(*old));
	sqlite3_stmt *q;
	int n = 0;
	if (sqlite3_prepare_v2(*old, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='outage_orders'",
	                       -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	if (!n)
		return 0;
	sqlite3 *t = NULL;
	int rc = 0;
	if (sqlite3_open_v2(tmp, &t, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t, "ATTACH DATABASE ?1 AS old", -1, &q, NULL) != SQLITE_OK) {
		rc = lb_error_tr(LB_EIO, "cannot carry the outage orders over: %s",
		                 "ダウンタイム中の処方を引き継げません: %s", t ? sqlite3_errmsg(t) : "out of memory");
		sqlite3_close(t);
		return rc;
	}
	sqlite3_bind_text(q, 1, db, -1, SQLITE_STATIC);
	int ok = sqlite3_step(q) == SQLITE_DONE;
	sqlite3_finalize(q);
	ok = ok && sqlite3_exec(t, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	/* the old store's own CREATE statements (table first), then every row */
	if (ok &&
	    sqlite3_prepare_v2(t,
	                       "SELECT sql FROM old.sqlite_master WHERE tbl_name='outage_orders' AND sql IS NOT NULL"
	                       " ORDER BY type='index'",
	                       -1, &q, NULL) == SQLITE_OK) {
		while (ok && sqlite3_step(q) == SQLITE_ROW)
			ok = sqlite3_exec(t, (const char *)sqlite3_column_text(q, 0), NULL, NULL, NULL) == SQLITE_OK;
		sqlite3_finalize(q);
	} else {
		ok = 0;
	}
	ok = ok && sqlite3_exec(t, "INSERT INTO main.outage_orders SELECT * FROM old.outage_orders", NULL, NULL,
	                        NULL) == SQLITE_OK;
	ok = ok && sqlite3_exec(t, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	if (!ok)
		rc = lb_error_tr(LB_EIO, "cannot carry the outage orders over into the new store: %s",
		                 "ダウンタイム中の処方を新しいストアに引き継げません: %s", sqlite3_errmsg(t));
	sqlite3_exec(t, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(t, "DETACH DATABASE old", NULL, NULL, NULL);
	sqlite3_close(t);
	return rc;
}

int station_refresh(const char *db, const char *dir, const char *generation, struct store_ingest_stats *st)
{
	sqlite3 *old = NULL;
	struct buf b1 = {0}, b2 = {0}, b3 = {0}, b4 = {0}, tmp = {0};
	struct store_ingest_opts o = {
	        .ssmix2_dir = part(&b1, dir, "ssmix2"),
	        .fhir_dir = part(&b2, dir, "fhir"),
	        .appointments_csv = part(&b3, dir, "appointments.csv"),
	        .drugs_csv = part(&b4, dir, "drugs.csv"),
	        .generation = generation,
	};
	int rc = 0;
	if (!o.ssmix2_dir && !o.fhir_dir) {
		rc = lb_error_tr(LB_ENOTFOUND, "'%s' holds neither ssmix2/ nor fhir/",
		                 "'%s' には ssmix2/ も fhir/ もありません", dir);
		goto done;
	}
	buf_addf(&tmp, "%s.refresh-%ld", db, (long)getpid());
	remove_tmp(tmp.data);
	struct store *s;
	if ((rc = store_open(&s, tmp.data, 1)) < 0)
		goto done;
	rc = store_ingest(s, &o, st);
	store_close(s);
	if (rc < 0)
		goto fail;
	/* Check what readers will see, and leave WAL mode: the file is read-only from now on. */
	sqlite3 *q = NULL;
	if (sqlite3_open_v2(tmp.data, &q, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(q, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = lb_error_tr(LB_EIO, "cannot finish the new store: %s", "新しいストアを仕上げられません: %s",
		                 q ? sqlite3_errmsg(q) : "out of memory");
		sqlite3_close(q);
		goto fail;
	}
	sqlite3_close(q);
	if ((rc = store_open_readonly(&s, tmp.data)) < 0)
		goto fail;
	struct store_meta m;
	rc = store_meta_get(s, &m);
	store_close(s);
	if (rc == 0 && m.patients <= 0)
		rc = lb_error_tr(LB_EINVAL, "the new store from '%s' holds no patient: the old store is kept",
		                 "'%s' から作った新しいストアに患者がいません: 元のストアをそのまま使います", dir);
	if (rc < 0)
		goto fail;
	if ((rc = carry_outage(db, tmp.data, &old)) < 0)
		goto fail;
	if ((rc = fsync_path(tmp.data)) < 0)
		goto fail;
	if (rename(tmp.data, db) != 0) {
		rc = lb_error_errno_tr(errno, "cannot rename the new store over '%s'",
		                       "新しいストアで '%s' を置き換えられません", db);
		goto fail;
	}
	char *d = lb_strdup(db);
	rc = lb_fsync_dir(dirname(d));
	free(d);
	goto done;
fail:
	remove_tmp(tmp.data);
done:
	if (old) {
		sqlite3_exec(old, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(old);
	}
	buf_release(&b1);
	buf_release(&b2);
	buf_release(&b3);
	buf_release(&b4);
	buf_release(&tmp);
	return rc;
}
