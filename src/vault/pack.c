/*
 * pack.c - pack files (docs §3): a random pack key sealed to the admin's X25519 key, blobs encrypted with
 * XChaCha20-Poly1305 under it (AD = chunk id and type, so a blob cannot be passed off as another chunk), an
 * encrypted table, and a footer. A pack is built in memory, or (a backup into a local repository) streamed to a
 * temporary file as it grows; it is named by the BLAKE2b-256 of its bytes and linked or written once; its key is
 * wiped as soon as it is finished, so a writer cannot read its own packs back.
 */
#include "vault_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VPACK_FLUSH (1u << 20) /* a streamed pack is written in pieces of about this size */
#define VPACK_BLOCK 4096u      /* O_DIRECT: alignment of buffer, offsets and sizes */

static const char pack_magic[8] = {'L', 'B', 'V', 'P', 'A', 'C', 'K', '1'};
static const char end_magic[8] = {'L', 'B', 'V', 'P', 'E', 'N', 'D', '1'};
static const char tab_ad[8] = {'L', 'B', 'V', 'P', 'T', 'A', 'B', '1'};

void vault_chunk_id(const uint8_t id_key[32], const void *p, size_t n, uint8_t out[VID])
{
	crypto_generichash(out, VID, p, n, id_key, 32);
}

uint64_t vpack_w_size(const struct vpack_w *w)
{
	return (w->tmp ? w->size : 0) + w->b.len;
}

/* Leave O_DIRECT: for the file's last, partial block, or when the file system refuses a direct write. */
static void w_buffered(struct vpack_w *w)
{
	int fl = fcntl(w->fd, F_GETFL);
	if (fl >= 0)
		fcntl(w->fd, F_SETFL, fl & ~O_DIRECT);
	w->direct = 0;
}

static int w_write(struct vpack_w *w, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EINVAL && w->direct) {
			w_buffered(w);
			continue;
		}
		if (k < 0)
			return errno == ENOSPC
			               ? lb_error_tr(LB_ENOSPC, "disk full writing a pack",
			                             "パックの書き込み中にディスクの空きがなくなりました")
			               : lb_error_errno_tr(errno, "cannot write a pack", "パックを書き込めません");
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Streamed: hash and write what b holds: all of it (last), else (O_DIRECT) its whole blocks, the rest staying. */
static int w_flush(struct vpack_w *w, int last)
{
	size_t n = w->b.len, whole = w->direct ? n & ~(size_t)(VPACK_BLOCK - 1) : 0;
	if (!last && w->direct)
		n = whole;
	const uint8_t *p = (const uint8_t *)w->b.data;
	crypto_generichash_update(&w->h, p, n);
	int rc = 0;
	if (whole) {
		if (w->io_cap < whole) {
			free(w->io);
			w->io_cap = whole + VPACK_FLUSH;
			if (posix_memalign((void **)&w->io, VPACK_BLOCK, w->io_cap) != 0)
				lb_oom();
		}
		memcpy(w->io, p, whole);
		rc = w_write(w, w->io, whole);
	}
	if (rc == 0 && n > whole) {
		if (w->direct)
			w_buffered(w);
		rc = w_write(w, p + whole, n - whole);
	}
	if (rc < 0)
		return rc;
	w->size += n;
	memmove(w->b.data, w->b.data + n, w->b.len - n);
	buf_truncate(&w->b, w->b.len - n);
	return 0;
}

static void w_discard(struct vpack_w *w)
{
	if (!w->tmp)
		return;
	close(w->fd);
	unlink(w->tmp);
	free(w->tmp);
	w->tmp = NULL;
}

static int w_open(struct vpack_w *w)
{
	static atomic_uint seq;
	struct buf tmp = {0};
	vpath(w->stream, &tmp, "data/pack.tmp-%d-%u", (int)getpid(), atomic_fetch_add(&seq, 1));
	w->fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
	/* O_DIRECT where the file system has it (F_SETFL refuses it where not) */
	int fl = w->fd >= 0 ? fcntl(w->fd, F_GETFL) : -1;
	w->direct = fl >= 0 && fcntl(w->fd, F_SETFL, fl | O_DIRECT) == 0;
	if (w->fd < 0) {
		int rc = lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", tmp.data);
		buf_release(&tmp);
		return rc;
	}
	w->tmp = buf_detach(&tmp, NULL);
	w->size = 0;
	crypto_generichash_init(&w->h, NULL, 0, VID);
	return 0;
}

int vpack_w_start(struct vpack_w *w, const uint8_t box_pk[32])
{
	buf_reset(&w->b);
	w->n = 0;
	w_discard(w);
	if (w->stream) {
		int rc = w_open(w);
		if (rc < 0)
			return rc;
	}
	crypto_aead_xchacha20poly1305_ietf_keygen(w->key);
	uint8_t sealed[VAULT_HDR_SEAL];
	crypto_box_seal(sealed, w->key, 32, box_pk);
	ser_bytes(&w->b, pack_magic, 8);
	ser_u8(&w->b, 1);
	ser_bytes(&w->b, sealed, sizeof(sealed));
	return 0;
}

static void blob_ad(uint8_t ad[VID + 1], const uint8_t id[VID])
{
	memcpy(ad, id, VID);
	ad[VID] = 1; /* type: file data */
}

int vpack_w_add(struct vpack_w *w, const uint8_t id[VID], uint8_t flags, const void *data, size_t len, uint32_t raw_len)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->e = lb_reallocarray(w->e, w->cap, sizeof(*w->e));
	}
	struct vault_ientry *e = &w->e[w->n++];
	memcpy(e->id, id, VID);
	e->off = (uint32_t)vpack_w_size(w);
	e->len = (uint32_t)(VAULT_NONCE + len + VAULT_TAG);
	e->raw_len = raw_len;
	e->flags = flags;
	e->pack = 0;
	uint8_t nonce[VAULT_NONCE], ad[VID + 1];
	randombytes_buf(nonce, sizeof(nonce));
	blob_ad(ad, id);
	buf_grow(&w->b, e->len);
	uint8_t *at = (uint8_t *)w->b.data + w->b.len;
	memcpy(at, nonce, VAULT_NONCE);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(at + VAULT_NONCE, &clen, data, len, ad, sizeof(ad), NULL, nonce,
	                                           w->key);
	w->b.len += VAULT_NONCE + (size_t)clen;
	w->b.data[w->b.len] = '\0';
	return w->tmp && w->b.len >= VPACK_FLUSH ? w_flush(w, 0) : 0;
}

int vpack_w_finish(struct vpack_w *w, struct vault *v, struct vault_index *ix, uint8_t pack_id[VID])
{
	struct buf tab = {0};
	for (size_t i = 0; i < w->n; i++) {
		const struct vault_ientry *e = &w->e[i];
		ser_u8(&tab, 1);
		ser_u8(&tab, e->flags);
		ser_bytes(&tab, e->id, VID);
		ser_u32(&tab, e->off);
		ser_u32(&tab, e->len);
		ser_u32(&tab, e->raw_len);
	}
	uint8_t nonce[VAULT_NONCE];
	randombytes_buf(nonce, sizeof(nonce));
	uint64_t start = vpack_w_size(w);
	ser_bytes(&w->b, nonce, sizeof(nonce));
	buf_grow(&w->b, tab.len + VAULT_TAG);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt((uint8_t *)w->b.data + w->b.len, &clen, (const uint8_t *)tab.data,
	                                           tab.len, (const uint8_t *)tab_ad, 8, NULL, nonce, w->key);
	w->b.len += (size_t)clen;
	ser_u32(&w->b, (uint32_t)(vpack_w_size(w) - start));
	ser_bytes(&w->b, end_magic, 8);
	buf_release(&tab);
	sodium_memzero(w->key, sizeof(w->key));
	uint64_t size = vpack_w_size(w);
	struct buf rel = {0};
	int rc;
	if (w->tmp) {
		rc = w_flush(w, 1);
		crypto_generichash_final(&w->h, pack_id, VID);
		vault_pack_rel(&rel, pack_id);
		if (rc == 0)
			rc = vault_link_object(v, w->tmp, w->fd, rel.data);
		w_discard(w);
		if (rc == 0)
			lb_strlist_push(&w->written, buf_detach(&rel, NULL));
	} else {
		crypto_generichash(pack_id, VID, (const uint8_t *)w->b.data, w->b.len, NULL, 0);
		vault_pack_rel(&rel, pack_id);
		rc = vault_put(v, rel.data, w->b.data, w->b.len);
	}
	buf_release(&rel);
	if (rc < 0)
		return rc;
	uint32_t pn = vindex_pack(ix, pack_id, size);
	for (size_t i = 0; i < w->n; i++) {
		struct vault_ientry e = w->e[i];
		e.pack = pn;
		vindex_add(ix, &e);
	}
	w->n = 0;
	buf_reset(&w->b);
	return 0;
}

void vpack_w_release(struct vpack_w *w)
{
	w_discard(w);
	free(w->io);
	sodium_memzero(w->key, sizeof(w->key));
	buf_release(&w->b);
	free(w->e);
	for (size_t i = 0; i < w->written.n; i++)
		free((void *)w->written.v[i]);
	lb_strlist_free(&w->written);
	memset(w, 0, sizeof(*w));
}

int vpack_open_key(const struct vault_keys *k, const uint8_t *hdr, size_t n, uint8_t key[32])
{
	if (k->role != VAULT_ADMIN)
		return lb_error_tr(LB_EPERM, "a writer key cannot read packs", "ライター鍵ではパックを読めません");
	if (n < VAULT_PACK_HDR || memcmp(hdr, pack_magic, 8) != 0 || hdr[8] != 1)
		return lb_error_tr(LB_ECORRUPT, "not a vault pack", "ボルトのパックではありません");
	if (crypto_box_seal_open(key, hdr + 9, VAULT_HDR_SEAL, k->box_pk, k->box_sk) != 0)
		return lb_error_tr(LB_ECORRUPT, "pack key fails authentication",
		                   "パックの鍵の認証に失敗しました (改ざんまたは破損)");
	return 0;
}

/* The table's ciphertext at p[0..tlen) of a pack whose table starts at tstart. */
static int table_decode(const uint8_t *p, size_t tlen, size_t tstart, const uint8_t key[32],
                        struct vault_ientry **entries, size_t *count)
{
	size_t clen = tlen - VAULT_NONCE;
	uint8_t *tab = lb_malloc(clen);
	unsigned long long plen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(tab, &plen, NULL, p + VAULT_NONCE, clen, (const uint8_t *)tab_ad,
	                                               8, p, key) != 0) {
		free(tab);
		return lb_error_tr(LB_ECORRUPT, "pack table fails authentication",
		                   "パックの目次の認証に失敗しました (改ざんまたは破損)");
	}
	if (plen % VAULT_TABLE_ENTRY || plen / VAULT_TABLE_ENTRY > VAULT_TABLE_MAX) {
		free(tab);
		return lb_error_tr(LB_ECORRUPT, "pack table is malformed", "パックの目次の形式が不正です");
	}
	size_t cnt = (size_t)plen / VAULT_TABLE_ENTRY;
	struct vault_ientry *e = lb_calloc(cnt ? cnt : 1, sizeof(*e));
	struct ser_r t = {tab, (size_t)plen, 0, 0};
	for (size_t i = 0; i < cnt; i++) {
		uint8_t type = rd_u8(&t);
		e[i].flags = rd_u8(&t);
		rd_bytes(&t, e[i].id, VID);
		e[i].off = rd_u32(&t);
		e[i].len = rd_u32(&t);
		e[i].raw_len = rd_u32(&t);
		if (type != 1 || e[i].flags > 1 || e[i].off < VAULT_PACK_HDR || e[i].len < VAULT_NONCE + VAULT_TAG ||
		    e[i].len > VAULT_BLOB_MAX || (uint64_t)e[i].off + e[i].len > tstart ||
		    e[i].raw_len > VAULT_CHUNK_MAX) {
			free(tab);
			free(e);
			return lb_error_tr(LB_ECORRUPT, "pack table entry is malformed",
			                   "パックの目次の項目の形式が不正です");
		}
	}
	free(tab);
	*entries = e;
	*count = cnt;
	return 0;
}

int vpack_parse_table(const uint8_t *p, size_t n, const uint8_t key[32], struct vault_ientry **entries, size_t *count)
{
	*entries = NULL;
	*count = 0;
	if (n < VAULT_PACK_HDR + 12 || n > VAULT_PACK_MAX || memcmp(p, pack_magic, 8) != 0 ||
	    memcmp(p + n - 8, end_magic, 8) != 0)
		return lb_error_tr(LB_ECORRUPT, "not a vault pack", "ボルトのパックではありません");
	struct ser_r r = {p, n - 8, n - 12, 0};
	uint32_t tlen = rd_u32(&r);
	if (tlen < VAULT_NONCE + VAULT_TAG || tlen > n - 12 - VAULT_PACK_HDR)
		return lb_error_tr(LB_ECORRUPT, "pack table length is wrong", "パックの目次の長さが合いません");
	size_t tstart = n - 12 - tlen;
	return table_decode(p + tstart, tlen, tstart, key, entries, count);
}

int vpack_read_table(struct vault *v, const uint8_t pack_id[VID], struct vault_ientry **entries, size_t *count)
{
	*entries = NULL;
	*count = 0;
	struct buf rel = {0}, b = {0};
	vault_pack_rel(&rel, pack_id);
	uint64_t size = 0;
	uint8_t key[32];
	int rc = vault_size(v, rel.data, &size);
	if (rc < 0) {
		rc = VPACK_MISSING;
		goto out;
	}
	if (size < VAULT_PACK_HDR + 12 || size > VAULT_PACK_MAX ||
	    vault_get_range(v, rel.data, 0, VAULT_PACK_HDR, &b) < 0 ||
	    vpack_open_key(&v->k, (const uint8_t *)b.data, b.len, key) < 0) {
		rc = VPACK_FOREIGN; /* no key of this repository opens it: nothing in it can be read */
		goto out;
	}
	rc = VPACK_DAMAGED;
	uint32_t tlen = 0;
	if (vault_get_range(v, rel.data, size - 12, 12, &b) == 0 && !memcmp(b.data + 4, end_magic, 8)) {
		struct ser_r r = {(const uint8_t *)b.data, 4, 0, 0};
		tlen = rd_u32(&r);
	}
	if (tlen >= VAULT_NONCE + VAULT_TAG && tlen <= size - 12 - VAULT_PACK_HDR &&
	    vault_get_range(v, rel.data, size - 12 - tlen, tlen, &b) == 0 &&
	    table_decode((const uint8_t *)b.data, tlen, (size_t)(size - 12 - tlen), key, entries, count) == 0)
		rc = 0;
	sodium_memzero(key, sizeof(key));
out:
	lb_error_clear();
	buf_release(&rel);
	buf_release(&b);
	return rc;
}

static int by_off(const void *a, const void *b)
{
	uint32_t x = ((const struct vault_ientry *)a)->off, y = ((const struct vault_ientry *)b)->off;
	return x < y ? -1 : x > y;
}

static int entry_pack_cmp(const void *a, const void *b, void *ctx)
{
	const struct vault_index *ix = ctx;
	uint32_t x = ix->e[*(const size_t *)a].pack, y = ix->e[*(const size_t *)b].pack;
	return x < y ? -1 : x > y;
}

void vindex_check_tables(struct vault *v, const struct vault_index *ix, const uint8_t *need, uint8_t *bad,
                         uint8_t *state)
{
	size_t *order = lb_calloc(ix->n + 1, sizeof(*order));
	for (size_t i = 0; i < ix->n; i++)
		order[i] = i;
	if (ix->n > 1)
		qsort_r(order, ix->n, sizeof(*order), entry_pack_cmp, (void *)ix);
	for (size_t k = 0; k < ix->n;) {
		uint32_t p = ix->e[order[k]].pack;
		size_t end = k;
		while (end < ix->n && ix->e[order[end]].pack == p)
			end++;
		if (need && !need[p]) {
			k = end;
			continue;
		}
		struct vault_ientry *t = NULL;
		size_t nt = 0;
		int st = vpack_read_table(v, ix->pack[p], &t, &nt);
		if (state)
			state[p] = (uint8_t)st;
		if (nt > 1)
			qsort(t, nt, sizeof(*t), by_off);
		for (; k < end; k++) {
			const struct vault_ientry *e = &ix->e[order[k]];
			struct vault_ientry key = {.off = e->off};
			const struct vault_ientry *m = nt ? bsearch(&key, t, nt, sizeof(*t), by_off) : NULL;
			if (st == VPACK_DAMAGED)
				continue; /* the table cannot tell: damage, reported as such, not a planted entry */
			if (!m || memcmp(m->id, e->id, VID) || m->len != e->len || m->raw_len != e->raw_len ||
			    m->flags != e->flags)
				bad[order[k]] = 1;
		}
		free(t);
	}
	free(order);
}

int vblob_open(const uint8_t id_key[32], const uint8_t key[32], const struct vault_ientry *e, const uint8_t *blob,
               ZSTD_DCtx *dz, struct buf *out)
{
	buf_reset(out);
	if (e->len < VAULT_NONCE + VAULT_TAG || e->len > VAULT_BLOB_MAX || e->raw_len > VAULT_CHUNK_MAX)
		return lb_error_tr(LB_ECORRUPT, "blob length is wrong", "チャンクの長さが合いません");
	uint8_t ad[VID + 1];
	blob_ad(ad, e->id);
	size_t clen = e->len - VAULT_NONCE;
	/* one buffer, no allocation per chunk: compressed plaintext after raw_len bytes, decompressed to the front */
	size_t at = (e->flags & 1) ? e->raw_len : 0;
	buf_grow(out, at + clen);
	uint8_t *pt = (uint8_t *)out->data + at;
	unsigned long long plen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &plen, NULL, blob + VAULT_NONCE, clen, ad, sizeof(ad), blob,
	                                               key) != 0)
		return lb_error_tr(LB_ECORRUPT, "blob fails authentication",
		                   "チャンクの認証に失敗しました (改ざんまたは破損)");
	if (e->flags & 1) {
		size_t d = ZSTD_decompressDCtx(dz, out->data, e->raw_len, pt, (size_t)plen);
		if (ZSTD_isError(d) || d != e->raw_len)
			return lb_error_tr(LB_ECORRUPT, "blob does not decompress", "チャンクを展開できません");
	} else if (plen != e->raw_len) {
		return lb_error_tr(LB_ECORRUPT, "blob length differs from the index", "チャンクの長さが索引と違います");
	}
	out->len = e->raw_len;
	out->data[out->len] = '\0';
	uint8_t id[VID];
	vault_chunk_id(id_key, out->data, out->len, id);
	if (sodium_memcmp(id, e->id, VID) != 0)
		return lb_error_tr(LB_ECORRUPT, "chunk content does not match its id",
		                   "チャンクの内容が ID と一致しません");
	return 0;
}
