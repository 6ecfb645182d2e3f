/*
 * prune.c - reclaim the space of forgotten generations and interrupted backups, crash-safely (docs §5): packs
 * with no used blob are deleted, packs with more than 20 % unused bytes are repacked (admin: blobs decrypted and
 * re-encrypted into new packs), unreferenced packs are deleted. Order: new packs, one new index of every live
 * blob, delete the old index files, delete the old packs. Killed anywhere, the repository still verifies.
 */
#include "vault_int.h"

#include <stdlib.h>
#include <string.h>

#define REPACK_UNUSED_PCT 20

static void strlist_free_all(struct lb_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((void *)l->v[i]);
	lb_strlist_free(l);
}

/* Decrypt a blob to its stored (possibly compressed) form, for repacking. */
static int blob_stored(const uint8_t key[32], const struct vault_ientry *e, const uint8_t *blob, struct buf *out)
{
	uint8_t ad[VID + 1];
	memcpy(ad, e->id, VID);
	ad[VID] = 1;
	buf_reset(out);
	buf_grow(out, e->len);
	unsigned long long n;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((uint8_t *)out->data, &n, NULL, blob + VAULT_NONCE,
	                                               e->len - VAULT_NONCE, ad, sizeof(ad), blob, key) != 0)
		return lb_error_tr(LB_ECORRUPT, "blob fails authentication while repacking",
		                   "詰め直し中にチャンクの認証に失敗しました (改ざんまたは破損)");
	out->len = (size_t)n;
	return 0;
}

int vault_prune(struct vault *v, struct vault_prune_result *r)
{
	memset(r, 0, sizeof(*r));
	int rc = vault_need_admin(v, L_("prune", "prune (領域の回収)"));
	if (rc == 0)
		rc = vault_flock(v, 1);
	if (rc < 0)
		return rc;
	struct lb_strlist old_index = {0}, ids = {0}, disk = {0};
	struct vault_index used = {0}, live = {0};
	uint64_t *pack_total = NULL, *pack_used = NULL;
	uint8_t *action = NULL; /* 0 keep, 1 delete, 2 repack, 3 missing */
	uint8_t *bad = NULL, *state = NULL;
	struct buf data = {0}, path = {0}, stored = {0};
	struct vpack_w pw = {0};
	if ((rc = vault_load_index_for(v, NULL, 1)) < 0) /* the admin's own index files first */
		goto out;
	vault_list(v, "index", &old_index);
	if ((rc = vsnap_list_ids(v, &ids)) < 0)
		goto out;
	for (size_t i = 0; i < ids.n && rc == 0; i++) {
		struct vsnap s;
		if ((rc = vsnap_load(v, ids.v[i], &s)) < 0)
			break;
		for (size_t n = 0; n < s.nnodes; n++)
			for (uint32_t c = 0; c < s.nodes[n].nchunks; c++) {
				struct vault_ientry e = {0};
				memcpy(e.id, s.nodes[n].chunks[c], VID);
				vindex_add(&used, &e);
			}
		vsnap_release(&s);
	}
	if (rc < 0)
		goto out;
	size_t np = v->ix.npack;
	pack_total = lb_calloc(np + 1, sizeof(uint64_t));
	pack_used = lb_calloc(np + 1, sizeof(uint64_t));
	action = lb_calloc(np + 1, 1);
	/* only entries that their pack's table confirms count: the new index is signed as the admin's (trusted by
	 * every generation), so nothing a writer planted goes into it; a pack no key of ours opens is deleted */
	bad = lb_calloc(v->ix.n + 1, 1);
	state = lb_calloc(np + 1, 1);
	vindex_check_tables(v, &v->ix, NULL, bad, state);
	for (size_t i = 0; i < v->ix.n; i++) {
		const struct vault_ientry *e = &v->ix.e[i];
		if (bad[i])
			continue;
		pack_total[e->pack] += e->len;
		if (vindex_find(&used, e->id))
			pack_used[e->pack] += e->len;
	}
	for (size_t p = 0; p < np; p++) {
		if (state[p] == VPACK_MISSING)
			action[p] = 3; /* gone already: nothing to delete */
		else if (!pack_used[p])
			action[p] = 1;
		else if ((pack_total[p] - pack_used[p]) * 100 > pack_total[p] * REPACK_UNUSED_PCT)
			action[p] = 2;
		if (state[p] == VPACK_FOREIGN) {
			char hex[65];
			vault_hex(hex, v->ix.pack[p], VID);
			lb_warn(/* i18n-ok: the message is the L_ argument; data/… is the object's path */
			        "%s: data/%.2s/%s",
			        L_("removing a pack no key of this repository opens",
			           "このボルトの鍵で開けないパックを削除します"),
			        hex, hex);
		}
	}
	/* live entries of kept packs go to the new index as they are (every confirmed location of a chunk) */
	for (size_t i = 0; i < v->ix.n; i++) {
		struct vault_ientry e = v->ix.e[i];
		if (bad[i] || action[e.pack] != 0 || !vindex_find(&used, e.id))
			continue;
		e.pack = vindex_pack(&live, v->ix.pack[e.pack], v->ix.pack_size[e.pack]);
		e.src = VINDEX_NOSRC;
		vindex_add_alt(&live, &e);
		r->blobs_kept++;
	}
	/* repack: used blobs of sparse packs into new packs */
	for (size_t p = 0; p < np && rc == 0; p++) {
		if (action[p] != 2)
			continue;
		buf_reset(&path);
		vault_pack_rel(&path, v->ix.pack[p]);
		uint8_t key[32];
		if ((rc = vault_get(v, path.data, &data, VAULT_PACK_MAX)) < 0 ||
		    (rc = vpack_open_key(&v->k, (const uint8_t *)data.data, data.len, key)) < 0)
			break;
		for (size_t i = 0; i < v->ix.n && rc == 0; i++) {
			const struct vault_ientry *e = &v->ix.e[i];
			if (e->pack != p || bad[i] || !vindex_find(&used, e->id))
				continue;
			if ((uint64_t)e->off + e->len > data.len) {
				rc = lb_error_tr(LB_ECORRUPT, "pack is shorter than its index says",
				                 "パックが索引の示す長さより短くなっています");
				break;
			}
			if ((rc = blob_stored(key, e, (const uint8_t *)data.data + e->off, &stored)) < 0)
				break;
			if (pw.n && vpack_w_size(&pw) + stored.len + 256 > VAULT_PACK_TARGET) {
				uint8_t pid[VID];
				if ((rc = vpack_w_finish(&pw, v, &live, pid)) < 0)
					break;
			}
			if (!pw.n && (rc = vpack_w_start(&pw, v->k.box_pk)) < 0)
				break;
			if ((rc = vpack_w_add(&pw, e->id, e->flags, stored.data, stored.len, e->raw_len)) < 0)
				break;
			r->blobs_kept++;
		}
		sodium_memzero(key, sizeof(key));
		r->packs_repacked++;
	}
	if (rc == 0 && pw.n) {
		uint8_t pid[VID];
		rc = vpack_w_finish(&pw, v, &live, pid);
	}
	if (rc < 0)
		goto out;
	/* one index of everything live, durable before anything is deleted */
	{
		struct buf f = {0}, rel = {0};
		vindex_encode(&live, v->k.meta_key, &f);
		uint8_t h[VID];
		char hex[65];
		crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
		vault_hex(hex, h, VID);
		buf_addf(&rel, "index/%s", hex);
		rc = vault_put(v, rel.data, f.data, f.len);
		/* signed as the admin's: restore trusts it before any index file a writer could have written (§6) */
		struct vmeta_rec m = {.kind = VMETA_INDEX, .time_ms = lb_now_ms()};
		memcpy(m.snap, h, VID);
		if (rc == 0)
			rc = vault_add_meta(v, &m);
		for (size_t i = 0; rc == 0 && i < old_index.n; i++) {
			if (!strcmp(old_index.v[i], hex))
				continue;
			for (size_t k = 0; k < v->bad_index.n; k++)
				if (!strcmp(v->bad_index.v[k], old_index.v[i]))
					lb_warn(/* i18n-ok: the message is the L_ argument; index/… is the object's path */
					        "%s: index/%s",
					        L_("removing an index file that does not decode",
					           "復号できない索引ファイルを削除します"),
					        old_index.v[i]);
			buf_reset(&path);
			buf_addf(&path, "index/%s", old_index.v[i]);
			rc = vault_remove(v, path.data);
		}
		buf_release(&f);
		buf_release(&rel);
	}
	if (rc == 0) {
		struct buf d = {0};
		vpath(v, &d, "index");
		rc = lb_fsync_dir(d.data);
		buf_release(&d);
	}
	for (size_t p = 0; p < np && rc == 0; p++) {
		if (action[p] == 0) {
			r->packs_kept++;
			continue;
		}
		if (action[p] == 3)
			continue;
		buf_reset(&path);
		vault_pack_rel(&path, v->ix.pack[p]);
		rc = vault_remove(v, path.data);
		r->bytes_freed += v->ix.pack_size[p];
		if (action[p] == 1)
			r->packs_deleted++;
	}
	/* packs no index names: left by interrupted backups (no backup runs beside us: exclusive lock) */
	if (rc == 0)
		rc = vault_list(v, "data", &disk);
	for (size_t i = 0; rc == 0 && i < disk.n; i++) {
		uint8_t id[VID];
		if (vault_unhex(id, VID, disk.v[i]) < 0 || vindex_find_pack(&v->ix, id) >= 0 ||
		    vindex_find_pack(&live, id) >= 0)
			continue;
		buf_reset(&path);
		vault_pack_rel(&path, id);
		rc = vault_remove(v, path.data);
		r->unreferenced_deleted++;
	}
	if (rc == 0)
		r->unreferenced_deleted += vault_remove_tmp(v);
	if (rc == 0) {
		/* the repository's view is now the new index */
		vault_index_release(v);
		v->ix = live;
		v->ix_loaded = 1;
		memset(&live, 0, sizeof(live));
	}
out:
	strlist_free_all(&old_index);
	strlist_free_all(&ids);
	strlist_free_all(&disk);
	vindex_release(&used);
	vindex_release(&live);
	free(pack_total);
	free(pack_used);
	free(action);
	free(bad);
	free(state);
	buf_release(&data);
	buf_release(&path);
	buf_wipe(&stored);
	vpack_w_release(&pw);
	vault_funlock(v);
	return rc;
}
