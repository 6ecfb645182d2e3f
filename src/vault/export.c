/*
 * export.c - a self-contained copy of one generation for offline media (docs §5): config, the passphrase-sealed
 * admin key, the meta records, the snapshot, only the packs it needs, one index of its chunks, and a MANIFEST of
 * BLAKE2b-256 hashes written last. verify, snapshots and restore work on the folder alone.
 */
#include "vault_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int copy_obj(struct vault *src, struct vault *dst, const char *rel, size_t max, struct buf *manifest,
                    uint64_t *bytes)
{
	struct buf f = {0};
	int rc = vault_get(src, rel, &f, max);
	if (rc == 0)
		rc = vault_put(dst, rel, f.data, f.len);
	if (rc == 0) {
		uint8_t h[VID];
		char hex[65];
		crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
		vault_hex(hex, h, VID);
		buf_addf(manifest, "%s %zu %s\n", hex, f.len, rel);
		*bytes += f.len;
	}
	buf_release(&f);
	return rc;
}

int vault_export(struct vault *v, const char *snapshot, const char *dir, struct vault_export_result *r)
{
	memset(r, 0, sizeof(*r));
	int rc = vault_need_admin(v, L_("export generations", "世代の書き出し"));
	if (rc == 0)
		rc = vault_resolve(v, snapshot, r->id);
	if (rc < 0)
		return rc;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		int empty = 1;
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = 0;
		closedir(d);
		if (!empty)
			return lb_error_tr(LB_EEXIST, "export target '%s' must be a new or empty folder",
			                   "書き出し先 '%s' は新規または空のフォルダにしてください", dir);
	}
	if ((rc = lb_mkdirs(dir, 0700)) < 0)
		return rc;
	struct vault dst = {.root = (char *)dir, .lock_fd = -1};
	struct vsnap s;
	if ((rc = vsnap_load(v, r->id, &s)) < 0)
		return rc;
	if ((rc = vault_load_index_for(v, &s, 1)) < 0) { /* the generation's own index files first (§6) */
		vsnap_release(&s);
		return rc;
	}
	struct buf manifest = {0}, rel = {0};
	uint64_t bytes = 0;
	rc = copy_obj(v, &dst, "keys/admin", 4096, &manifest, &bytes);
	uint64_t asize;
	if (rc == 0 && vault_size(v, "keys/admin.auth", &asize) == 0) /* so that the copy can be served (§7) */
		rc = copy_obj(v, &dst, "keys/admin.auth", 4096, &manifest, &bytes);
	if (rc == 0)
		lb_error_clear();
	struct lb_strlist meta = {0};
	if (rc == 0)
		rc = vault_list(v, "meta", &meta);
	for (size_t i = 0; i < meta.n; i++) {
		buf_reset(&rel);
		buf_addf(&rel, "meta/%s", meta.v[i]);
		if (rc == 0)
			rc = copy_obj(v, &dst, rel.data, VAULT_META_MAX, &manifest, &bytes);
		free((void *)meta.v[i]);
	}
	lb_strlist_free(&meta);
	/* the packs the generation needs, and an index of just its chunks: every candidate location that its pack's
	 * table confirms (a planted entry is left behind), the trusted ones first */
	struct vault_index ix = {0};
	uint8_t *need = lb_calloc(v->ix.npack + 1, 1), *bad = lb_calloc(v->ix.n + 1, 1);
	for (size_t n = 0; n < s.nnodes; n++)
		for (uint32_t c = 0; c < s.nodes[n].nchunks; c++)
			for (const struct vault_ientry *e = vindex_find(&v->ix, s.nodes[n].chunks[c]); e;
			     e = vindex_next(&v->ix, e))
				need[e->pack] = 1;
	vindex_check_tables(v, &v->ix, need, bad, NULL);
	memset(need, 0, v->ix.npack + 1);
	for (size_t n = 0; rc == 0 && n < s.nnodes; n++)
		for (uint32_t c = 0; rc == 0 && c < s.nodes[n].nchunks; c++) {
			int found = 0;
			for (const struct vault_ientry *e = vindex_find(&v->ix, s.nodes[n].chunks[c]); e;
			     e = vindex_next(&v->ix, e)) {
				if (bad[e - v->ix.e])
					continue;
				struct vault_ientry x = *e;
				x.pack = vindex_pack(&ix, v->ix.pack[e->pack], v->ix.pack_size[e->pack]);
				x.src = VINDEX_NOSRC;
				vindex_add_alt(&ix, &x);
				need[e->pack] = 1;
				found = 1;
			}
			if (!found)
				rc = lb_error_tr(LB_ECORRUPT, "a chunk of '%s' is missing from the repository",
				                 "'%s' のチャンクがリポジトリにありません", s.nodes[n].path);
		}
	free(bad);
	for (size_t p = 0; rc == 0 && p < v->ix.npack; p++) {
		if (!need[p])
			continue;
		buf_reset(&rel);
		vault_pack_rel(&rel, v->ix.pack[p]);
		rc = copy_obj(v, &dst, rel.data, VAULT_PACK_MAX, &manifest, &bytes);
		r->packs++;
	}
	free(need);
	if (rc == 0) {
		struct buf f = {0};
		vindex_encode(&ix, v->k.meta_key, &f);
		uint8_t h[VID];
		char hex[65];
		crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
		vault_hex(hex, h, VID);
		buf_reset(&rel);
		buf_addf(&rel, "index/%s", hex);
		rc = vault_put(&dst, rel.data, f.data, f.len);
		if (rc == 0)
			buf_addf(&manifest, "%s %zu %s\n", hex, f.len, rel.data);
		bytes += f.len;
		buf_release(&f);
	}
	vindex_release(&ix);
	if (rc == 0) {
		buf_reset(&rel);
		buf_addf(&rel, "snapshots/%s", r->id);
		rc = copy_obj(v, &dst, rel.data, VAULT_SNAP_FILE_MAX, &manifest, &bytes);
	}
	if (rc == 0) /* config and MANIFEST last: a folder without them is an unfinished export */
		rc = copy_obj(v, &dst, "config", 4096, &manifest, &bytes);
	if (rc == 0)
		rc = vault_put(&dst, "MANIFEST", manifest.data, manifest.len);
	r->bytes = bytes;
	vsnap_release(&s);
	buf_release(&manifest);
	buf_release(&rel);
	return rc;
}
