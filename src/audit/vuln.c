/*
 * vuln.c - the known-exploited vulnerability list in use (vuln.h): the embedded one, an installed newer one, the
 * install itself (validated, never older unless forced, atomic), and matching a device's vendor, product and
 * version against it.
 */
#include "vuln.h"

#include <stdlib.h>
#include <string.h>

/* generated from data/audit/vulns.yaml by src/audit/embed.cmake */
extern const unsigned char audit_data_vulns[];
extern const size_t audit_data_vulns_len;

const char *vuln_embedded_data(size_t *len)
{
	*len = audit_data_vulns_len;
	return (const char *)audit_data_vulns;
}

int vuln_db_load_embedded(struct vuln_db *db)
{
	int rc = vuln_db_load_buf(db, "vulns.yaml (embedded)", (const char *)audit_data_vulns, audit_data_vulns_len);
	if (rc == 0) {
		free(db->origin);
		db->origin = lb_strdup("embedded");
	}
	return rc;
}

int vuln_db_load_file(struct vuln_db *db, const char *path)
{
	memset(db, 0, sizeof(*db));
	struct buf b = {0};
	int rc = buf_read_file(&b, path, VULN_FILE_MAX);
	if (rc == -LB_ETOOBIG)
		rc = lb_error_tr(LB_EINVAL, "%s:1: the file is larger than %d bytes",
		                 "%s:1: ファイルが %d バイトを超えています", path, VULN_FILE_MAX);
	else if (rc < 0)
		rc = lb_error_wrap_tr(rc, "reading '%s'", "'%s' の読み込み", path);
	else
		rc = vuln_db_load_buf(db, path, b.data ? b.data : "", b.len);
	buf_release(&b);
	return rc;
}

const char *vuln_data_dir(void)
{
	const char *d = getenv("LIFEBOAT_AUDIT_DATA");
	return d && *d ? d : "/var/lib/lifeboat/audit";
}

void vuln_installed_path(struct buf *b, const char *data_dir)
{
	lb_path_join(b, data_dir ? data_dir : vuln_data_dir(), "vulns.yaml");
}

int vuln_db_load_default(struct vuln_db *db, const char *data_dir)
{
	struct vuln_db emb;
	int rc = vuln_db_load_embedded(&emb);
	if (rc < 0)
		return lb_error_wrap_tr(rc, "the embedded list is broken", "組み込みのリストが壊れています");
	struct buf path = {0};
	vuln_installed_path(&path, data_dir);
	if (!lb_exists(path.data)) {
		buf_release(&path);
		*db = emb;
		return 0;
	}
	struct vuln_db inst;
	rc = vuln_db_load_file(&inst, path.data);
	buf_release(&path);
	if (rc < 0) {
		vuln_db_release(&emb);
		return rc;
	}
	/* an install older than this binary's own list (lifeboat was upgraded since) gives way to it */
	if (strcmp(inst.as_of, emb.as_of) < 0) {
		vuln_db_release(&inst);
		*db = emb;
	} else {
		vuln_db_release(&emb);
		*db = inst;
	}
	return 0;
}

int vuln_db_install(const char *src, const char *data_dir, int force, struct vuln_db *installed)
{
	/* read once: the bytes checked are the bytes installed, whatever happens to src meanwhile */
	struct buf data = {0};
	struct vuln_db neu, cur;
	int rc = buf_read_file(&data, src, VULN_FILE_MAX);
	if (rc == -LB_ETOOBIG)
		rc = lb_error_tr(LB_EINVAL, "%s:1: the file is larger than %d bytes",
		                 "%s:1: ファイルが %d バイトを超えています", src, VULN_FILE_MAX);
	else if (rc < 0)
		rc = lb_error_wrap_tr(rc, "reading '%s'", "'%s' の読み込み", src);
	else
		rc = vuln_db_load_buf(&neu, src, data.data ? data.data : "", data.len);
	if (rc < 0) {
		buf_release(&data);
		return rc;
	}
	if (!data_dir)
		data_dir = vuln_data_dir();
	memset(&cur, 0, sizeof(cur));
	if (!force && vuln_db_load_default(&cur, data_dir) < 0 && (rc = vuln_db_load_embedded(&cur)) < 0) {
		/* a broken install is what an update repairs: the embedded list is compared with then */
		buf_release(&data);
		vuln_db_release(&neu);
		return rc;
	}
	if (!force && strcmp(neu.as_of, cur.as_of) < 0) {
		rc = lb_error_tr(LB_EEXIST,
		                 "'%s' is as of %s, older than the list in use (%s, as of %s); --force installs it",
		                 "'%s' は %s 時点で、使用中のリスト (%s、%s 時点) より古いです。--force で入れ替えます",
		                 src, neu.as_of, cur.origin, cur.as_of);
		buf_release(&data);
		vuln_db_release(&neu);
		vuln_db_release(&cur);
		return rc;
	}
	vuln_db_release(&cur);
	struct buf path = {0};
	vuln_installed_path(&path, data_dir);
	if ((rc = lb_mkdirs(data_dir, 0755)) == 0)
		rc = lb_write_file_atomic(path.data, data.data ? data.data : "", data.len, 0644, 0);
	buf_release(&data);
	if (rc == 0 && installed) {
		free(neu.origin);
		neu.origin = buf_detach(&path, NULL);
		*installed = neu;
	} else
		vuln_db_release(&neu);
	buf_release(&path);
	return rc;
}

/* ---- matching ----------------------------------------------------------------------------------------------- */

static int range_for_product(const struct vuln_range *r, const char *product)
{
	if (!r->nproducts)
		return 1;
	for (size_t i = 0; i < r->nproducts; i++)
		if (!strcmp(r->products[i], product))
			return 1;
	return 0;
}

static int entry_has_product(const struct vuln_entry *e, const char *product)
{
	for (size_t i = 0; i < e->nproducts; i++)
		if (!strcmp(e->products[i], product))
			return 1;
	return 0;
}

static int range_affects(const struct vuln_range *r, const struct vuln_version *v)
{
	if (r->introduced_s && vuln_version_cmp(v, &r->introduced) < 0)
		return 0;
	if (r->fixed_s)
		return vuln_version_cmp(v, &r->fixed) < 0;
	if (r->last_affected_s)
		return vuln_version_cmp(v, &r->last_affected) <= 0;
	return 1;
}

int vuln_match(const struct vuln_db *db, const char *vendor, const char *product, const char *version,
               struct vuln_match *m)
{
	memset(m, 0, sizeof(*m));
	const char *pid = NULL;
	m->fmt = vuln_product_format(vendor, product, NULL, &pid);
	if (m->fmt == VULN_FMT_NONE) {
		m->status = VULN_UNKNOWN;
		return 0;
	}
	struct vuln_version v;
	if (vuln_version_parse(m->fmt, version, 0, &v) < 0) {
		m->status = VULN_UNPARSED;
		return 0;
	}
	size_t cap = 0;
	for (size_t i = 0; i < db->n; i++) {
		const struct vuln_entry *e = &db->v[i];
		if (e->fmt != m->fmt || !entry_has_product(e, pid))
			continue;
		/* the longest train that holds the version decides (10.2.8 before 10.2) */
		const struct vuln_range *best = NULL;
		for (size_t j = 0; j < e->nranges; j++) {
			const struct vuln_range *r = &e->ranges[j];
			if (range_for_product(r, pid) && vuln_version_in_train(&v, &r->train) &&
			    (!best || r->train.n > best->train.n))
				best = r;
		}
		if (!best || !range_affects(best, &v))
			continue;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 4;
			m->hits = lb_reallocarray(m->hits, cap, sizeof(*m->hits));
		}
		m->hits[m->n++] = (struct vuln_hit){e, best};
	}
	return 0;
}

void vuln_match_release(struct vuln_match *m)
{
	free(m->hits);
	memset(m, 0, sizeof(*m));
}
