/*
 * index.c - where each chunk lives: an in-memory open-addressing table over 48-byte entries (chunk id → pack
 * number, offset, lengths), the pack table, and the encrypted index files (docs §3). Chunk ids are keyed hashes,
 * so their first bytes are already uniform and serve as the hash.
 */
#include "vault_int.h"

#include <stdlib.h>
#include <string.h>

static const char idx_magic[8] = {'L', 'B', 'V', 'I', 'D', 'X', '0', '1'};

static uint64_t h64(const uint8_t *id)
{
	uint64_t h;
	memcpy(&h, id, 8);
	return h;
}

static void rehash_entries(struct vault_index *ix, size_t nslot)
{
	free(ix->slot);
	ix->slot = lb_calloc(nslot, sizeof(*ix->slot));
	ix->nslot = nslot;
	for (size_t i = 0; i < ix->n; i++) {
		size_t s = h64(ix->e[i].id) & (nslot - 1);
		while (ix->slot[s]) {
			if (!memcmp(ix->e[ix->slot[s] - 1].id, ix->e[i].id, VID))
				break;
			s = (s + 1) & (nslot - 1);
		}
		if (!ix->slot[s])
			ix->slot[s] = (uint32_t)(i + 1);
	}
}

const struct vault_ientry *vindex_find(const struct vault_index *ix, const uint8_t id[VID])
{
	if (!ix->nslot)
		return NULL;
	size_t s = h64(id) & (ix->nslot - 1);
	while (ix->slot[s]) {
		const struct vault_ientry *e = &ix->e[ix->slot[s] - 1];
		if (!memcmp(e->id, id, VID))
			return e;
		s = (s + 1) & (ix->nslot - 1);
	}
	return NULL;
}

const struct vault_ientry *vindex_next(const struct vault_index *ix, const struct vault_ientry *e)
{
	return e->next ? &ix->e[e->next - 1] : NULL;
}

static void push_entry(struct vault_index *ix, const struct vault_ientry *e)
{
	if (ix->n == ix->cap) {
		ix->cap = ix->cap ? ix->cap * 2 : 1024;
		ix->e = lb_reallocarray(ix->e, ix->cap, sizeof(*ix->e));
	}
	ix->e[ix->n] = *e;
	ix->e[ix->n].next = 0;
	ix->n++;
}

void vindex_add_alt(struct vault_index *ix, const struct vault_ientry *e)
{
	struct vault_ientry *h = (struct vault_ientry *)vindex_find(ix, e->id);
	if (!h) {
		uint32_t src = e->src;
		vindex_add(ix, e);
		ix->e[ix->n - 1].src = src;
		return;
	}
	/* the chain is at most VINDEX_MAX_ALT long: adding stays O(1), whatever a hostile index holds */
	unsigned k = 0;
	for (;; h = &ix->e[h->next - 1]) {
		if (h->pack == e->pack && h->off == e->off && h->len == e->len && h->raw_len == e->raw_len &&
		    h->flags == e->flags)
			return;
		if (++k >= VINDEX_MAX_ALT)
			return;
		if (!h->next)
			break;
	}
	size_t at = (size_t)(h - ix->e);
	push_entry(ix, e);
	ix->e[at].next = (uint32_t)ix->n;
}

void vindex_add(struct vault_index *ix, const struct vault_ientry *e)
{
	if (vindex_find(ix, e->id))
		return;
	push_entry(ix, e);
	ix->e[ix->n - 1].src = VINDEX_NOSRC;
	if ((ix->n + 1) * 2 > ix->nslot) {
		rehash_entries(ix, ix->nslot ? ix->nslot * 2 : 4096);
		return;
	}
	size_t s = h64(e->id) & (ix->nslot - 1);
	while (ix->slot[s])
		s = (s + 1) & (ix->nslot - 1);
	ix->slot[s] = (uint32_t)ix->n;
}

int vindex_find_pack(const struct vault_index *ix, const uint8_t id[VID])
{
	if (!ix->npslot)
		return -1;
	size_t s = h64(id) & (ix->npslot - 1);
	while (ix->pslot[s]) {
		if (!memcmp(ix->pack[ix->pslot[s] - 1], id, VID))
			return (int)ix->pslot[s] - 1;
		s = (s + 1) & (ix->npslot - 1);
	}
	return -1;
}

uint32_t vindex_pack(struct vault_index *ix, const uint8_t id[VID], uint64_t size)
{
	int found = vindex_find_pack(ix, id);
	if (found >= 0)
		return (uint32_t)found;
	if (ix->npack == ix->pack_cap) {
		ix->pack_cap = ix->pack_cap ? ix->pack_cap * 2 : 64;
		ix->pack = lb_reallocarray(ix->pack, ix->pack_cap, sizeof(*ix->pack));
		ix->pack_size = lb_reallocarray(ix->pack_size, ix->pack_cap, sizeof(*ix->pack_size));
	}
	memcpy(ix->pack[ix->npack], id, VID);
	ix->pack_size[ix->npack] = size;
	ix->npack++;
	if (ix->npack * 2 > ix->npslot) {
		free(ix->pslot);
		ix->npslot = ix->npslot ? ix->npslot * 2 : 256;
		ix->pslot = lb_calloc(ix->npslot, sizeof(*ix->pslot));
		for (size_t i = 0; i < ix->npack; i++) {
			size_t s = h64(ix->pack[i]) & (ix->npslot - 1);
			while (ix->pslot[s])
				s = (s + 1) & (ix->npslot - 1);
			ix->pslot[s] = (uint32_t)(i + 1);
		}
	} else {
		size_t s = h64(id) & (ix->npslot - 1);
		while (ix->pslot[s])
			s = (s + 1) & (ix->npslot - 1);
		ix->pslot[s] = (uint32_t)ix->npack;
	}
	return (uint32_t)(ix->npack - 1);
}

void vindex_release(struct vault_index *ix)
{
	free(ix->e);
	free(ix->slot);
	free(ix->pack);
	free(ix->pack_size);
	free(ix->pslot);
	free(ix->file);
	memset(ix, 0, sizeof(*ix));
}

int vindex_encode(const struct vault_index *ix, const uint8_t meta_key[32], struct buf *out)
{
	struct buf pl = {0};
	ser_u32(&pl, (uint32_t)ix->npack);
	for (size_t i = 0; i < ix->npack; i++) {
		ser_bytes(&pl, ix->pack[i], VID);
		ser_u64(&pl, ix->pack_size[i]);
	}
	ser_u32(&pl, (uint32_t)ix->n);
	for (size_t i = 0; i < ix->n; i++) {
		const struct vault_ientry *e = &ix->e[i];
		ser_bytes(&pl, e->id, VID);
		ser_u32(&pl, e->pack);
		ser_u32(&pl, e->off);
		ser_u32(&pl, e->len);
		ser_u32(&pl, e->raw_len);
		ser_u8(&pl, e->flags);
	}
	uint8_t nonce[VAULT_NONCE];
	randombytes_buf(nonce, sizeof(nonce));
	ser_bytes(out, idx_magic, 8);
	ser_bytes(out, nonce, sizeof(nonce));
	size_t at = out->len;
	buf_grow(out, pl.len + VAULT_TAG);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt((uint8_t *)out->data + at, &clen, (const uint8_t *)pl.data, pl.len,
	                                           (const uint8_t *)idx_magic, 8, NULL, nonce, meta_key);
	out->len = at + (size_t)clen;
	out->data[out->len] = '\0';
	buf_release(&pl);
	return 0;
}

/* Checked whole before anything is merged: a file that does not decode leaves ix as it was. */
static int decode_payload(struct vault_index *ix, const uint8_t *p, size_t n, uint32_t src)
{
	struct ser_r r = {p, n, 0, 0};
	uint32_t np = rd_u32(&r);
	if (np > VAULT_INDEX_MAX_PACKS || (uint64_t)np * (VID + 8) > rd_left(&r))
		return lb_error_tr(LB_ECORRUPT, "vault index is malformed (packs)",
		                   "ボルトの索引の形式が不正です (パック)");
	size_t packs_at = r.off;
	for (uint32_t i = 0; i < np; i++) {
		rd_ptr(&r, VID);
		if (rd_u64(&r) > VAULT_PACK_MAX || r.err)
			return lb_error_tr(LB_ECORRUPT, "vault index is malformed (pack size)",
			                   "ボルトの索引の形式が不正です (パックの大きさ)");
	}
	uint32_t ne = rd_u32(&r);
	if (ne > VAULT_INDEX_MAX_ENTRIES || (uint64_t)ne * (VID + 17) != rd_left(&r))
		return lb_error_tr(LB_ECORRUPT, "vault index is malformed (entries)",
		                   "ボルトの索引の形式が不正です (項目数)");
	size_t entries_at = r.off;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t *map = NULL;
		if (pass) {
			struct ser_r pr = {p, n, packs_at, 0};
			map = lb_calloc(np ? np : 1, sizeof(*map));
			for (uint32_t i = 0; i < np; i++) {
				const uint8_t *id = rd_ptr(&pr, VID);
				map[i] = vindex_pack(ix, id, rd_u64(&pr));
			}
		}
		r.off = entries_at;
		for (uint32_t i = 0; i < ne; i++) {
			struct vault_ientry e;
			rd_bytes(&r, e.id, VID);
			e.pack = rd_u32(&r);
			e.off = rd_u32(&r);
			e.len = rd_u32(&r);
			e.raw_len = rd_u32(&r);
			e.flags = rd_u8(&r);
			if (r.err || e.pack >= np || e.len > VAULT_BLOB_MAX || e.len < VAULT_NONCE + VAULT_TAG ||
			    e.raw_len > VAULT_CHUNK_MAX || (uint64_t)e.off + e.len > VAULT_PACK_MAX || e.flags > 1)
				return lb_error_tr(LB_ECORRUPT, "vault index is malformed (entry)",
				                   "ボルトの索引の形式が不正です (項目)");
			if (!pass)
				continue;
			e.pack = map[e.pack];
			e.src = src;
			e.next = 0;
			vindex_add_alt(ix, &e);
		}
		free(map);
	}
	return 0;
}

int vindex_decode_payload(struct vault_index *ix, const uint8_t *p, size_t n)
{
	return decode_payload(ix, p, n, VINDEX_NOSRC);
}

int vindex_decode(struct vault_index *ix, const uint8_t *p, size_t n, const uint8_t meta_key[32])
{
	if (n < 8 + VAULT_NONCE + VAULT_TAG || memcmp(p, idx_magic, 8) != 0)
		return lb_error_tr(LB_ECORRUPT, "not a vault index file", "ボルトの索引ファイルではありません");
	size_t clen = n - 8 - VAULT_NONCE;
	uint8_t *pl = lb_malloc(clen);
	unsigned long long plen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pl, &plen, NULL, p + 8 + VAULT_NONCE, clen,
	                                               (const uint8_t *)idx_magic, 8, p + 8, meta_key) != 0) {
		free(pl);
		return lb_error_tr(LB_ECORRUPT, "vault index fails authentication",
		                   "ボルトの索引の認証に失敗しました (改ざんまたは破損)");
	}
	/* the file's name (BLAKE2b-256 of its bytes) is how snapshots and verify refer to it */
	ix->file = lb_reallocarray(ix->file, ix->nfile + 1, sizeof(*ix->file));
	crypto_generichash(ix->file[ix->nfile], VID, p, n, NULL, 0);
	int rc = decode_payload(ix, pl, (size_t)plen, (uint32_t)ix->nfile);
	if (rc == 0)
		ix->nfile++;
	free(pl);
	return rc;
}
