/*
 * snapshot.c - generations (docs §3): the payload (metadata, verdict, the flat tree of nodes), zstd-compressed,
 * encrypted with the meta key and signed by the admin or a registered writer. The snapshot id is the BLAKE2b-256
 * of the file. Decoding checks every length against the caps and every path against vault_path_ok.
 */
#include "vault_int.h"

#include <stdlib.h>
#include <string.h>

static const char snap_magic[8] = {'L', 'B', 'V', 'S', 'N', 'A', 'P', '1'};
#define SNAP_HDR (8 + 1 + 16 + VAULT_NONCE + 4)

int vault_path_ok(const char *p)
{
	if (!*p || *p == '/' || strlen(p) > VAULT_PATH_MAX)
		return 0;
	for (const char *s = p;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (!e)
			return 1;
		s = e + 1;
	}
}

int vnode_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vnode *)a)->path, ((const struct vnode *)b)->path);
}

static void strlist_free_all(struct lb_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((void *)l->v[i]);
	lb_strlist_free(l);
}

void vsnap_release(struct vsnap *s)
{
	free(s->host);
	strlist_free_all(&s->tags);
	strlist_free_all(&s->paths);
	free(s->reasons);
	free(s->summary);
	for (size_t i = 0; i < s->nnodes; i++) {
		free(s->nodes[i].path);
		free(s->nodes[i].link);
		free(s->nodes[i].chunks);
	}
	free(s->nodes);
	free(s->index);
	memset(s, 0, sizeof(*s));
}

void vsnap_encode_payload(const struct vsnap *s, struct buf *out)
{
	ser_u32(out, 2);
	ser_u64(out, (uint64_t)s->time_ms);
	ser_str(out, s->host);
	ser_u32(out, (uint32_t)s->tags.n);
	for (size_t i = 0; i < s->tags.n; i++)
		ser_str(out, s->tags.v[i]);
	ser_u32(out, (uint32_t)s->paths.n);
	for (size_t i = 0; i < s->paths.n; i++)
		ser_str(out, s->paths.v[i]);
	ser_bytes(out, s->parent, VID);
	ser_u64(out, s->files);
	ser_u64(out, s->bytes);
	ser_u8(out, s->status);
	uint64_t bits;
	memcpy(&bits, &s->score, 8);
	ser_u64(out, bits);
	ser_str(out, s->reasons);
	ser_str(out, s->summary);
	ser_u32(out, (uint32_t)s->nnodes);
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct vnode *n = &s->nodes[i];
		ser_str(out, n->path);
		ser_u8(out, n->kind);
		ser_u32(out, n->mode);
		ser_u32(out, n->uid);
		ser_u32(out, n->gid);
		ser_u64(out, (uint64_t)n->mtime_ns);
		ser_u64(out, (uint64_t)n->atime_ns);
		ser_u64(out, (uint64_t)n->ctime_ns);
		ser_u64(out, n->ino);
		ser_u64(out, n->size);
		ser_str(out, n->link);
		ser_u8(out, n->stype);
		ser_u16(out, n->entropy);
		ser_u32(out, n->nchunks);
		ser_bytes(out, n->chunks, (size_t)n->nchunks * VID);
	}
	ser_u32(out, s->nindex);
	ser_bytes(out, s->index, (size_t)s->nindex * VID);
}

static int read_list(struct ser_r *r, struct lb_strlist *l)
{
	uint32_t n = rd_u32(r);
	if (n > VAULT_MAX_TAGS)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		char *s = rd_str(r, VAULT_PATH_MAX);
		if (!s)
			return -1;
		lb_strlist_push(l, s);
	}
	return 0;
}

int vsnap_decode_payload(struct vsnap *s, const uint8_t *p, size_t n)
{
	struct ser_r r = {p, n, 0, 0};
	uint32_t version = rd_u32(&r);
	if (version != 1 && version != 2)
		goto bad;
	s->time_ms = (int64_t)rd_u64(&r);
	if (!(s->host = rd_str(&r, 256)) || read_list(&r, &s->tags) < 0 || read_list(&r, &s->paths) < 0)
		goto bad;
	rd_bytes(&r, s->parent, VID);
	s->files = rd_u64(&r);
	s->bytes = rd_u64(&r);
	s->status = rd_u8(&r);
	uint64_t bits = rd_u64(&r);
	memcpy(&s->score, &bits, 8);
	if (s->status != VAULT_CLEAN && s->status != VAULT_SUSPECT)
		goto bad;
	if (!(s->reasons = rd_str(&r, 1u << 20)) || !(s->summary = rd_str(&r, 4096)))
		goto bad;
	uint32_t nn = rd_u32(&r);
	/* every node takes at least 67 bytes: a cap that holds before anything is allocated */
	if (r.err || nn > VAULT_SNAP_MAX_NODES || (uint64_t)nn * 67 > rd_left(&r))
		goto bad;
	s->nodes = lb_calloc(nn ? nn : 1, sizeof(*s->nodes));
	s->cap = nn;
	for (uint32_t i = 0; i < nn; i++) {
		struct vnode *x = &s->nodes[i];
		s->nnodes = i + 1;
		if (!(x->path = rd_str(&r, VAULT_PATH_MAX)) || !vault_path_ok(x->path))
			goto bad;
		x->kind = rd_u8(&r);
		x->mode = rd_u32(&r);
		x->uid = rd_u32(&r);
		x->gid = rd_u32(&r);
		x->mtime_ns = (int64_t)rd_u64(&r);
		x->atime_ns = (int64_t)rd_u64(&r);
		x->ctime_ns = (int64_t)rd_u64(&r);
		x->ino = rd_u64(&r);
		x->size = rd_u64(&r);
		if (!(x->link = rd_str(&r, VAULT_PATH_MAX)))
			goto bad;
		x->stype = rd_u8(&r);
		x->entropy = rd_u16(&r);
		x->nchunks = rd_u32(&r);
		if (r.err || x->kind < VNODE_FILE || x->kind > VNODE_LINK || x->nchunks > VAULT_MAX_FILE_CHUNKS ||
		    (x->kind != VNODE_FILE && x->nchunks) || (uint64_t)x->nchunks * VID > rd_left(&r))
			goto bad;
		if (x->nchunks) {
			x->chunks = lb_malloc((size_t)x->nchunks * VID);
			rd_bytes(&r, x->chunks, (size_t)x->nchunks * VID);
		}
		if (i && strcmp(s->nodes[i - 1].path, x->path) >= 0)
			goto bad; /* sorted and unique: restore and diff rely on it */
	}
	if (version >= 2) {
		uint32_t ni = rd_u32(&r);
		if (r.err || ni > VAULT_SNAP_MAX_INDEX || (uint64_t)ni * VID != rd_left(&r))
			goto bad;
		s->nindex = ni;
		if (ni) {
			s->index = lb_malloc((size_t)ni * VID);
			rd_bytes(&r, s->index, (size_t)ni * VID);
		}
	}
	if (r.err || rd_left(&r))
		goto bad;
	return 0;
bad:
	vsnap_release(s);
	return lb_error_tr(LB_ECORRUPT, "snapshot payload is malformed", "世代の記録の形式が不正です");
}

int vsnap_seal(struct vault *v, const struct vsnap *s, struct buf *file)
{
	struct buf pl = {0};
	vsnap_encode_payload(s, &pl);
	size_t bound = ZSTD_compressBound(pl.len);
	uint8_t *z = lb_malloc(bound);
	size_t zn = ZSTD_compress(z, bound, pl.data, pl.len, 3);
	buf_release(&pl);
	if (ZSTD_isError(zn)) {
		free(z);
		return lb_error_tr(LB_EINTERNAL, "zstd: %s", "zstd の圧縮に失敗しました: %s", ZSTD_getErrorName(zn));
	}
	uint8_t nonce[VAULT_NONCE];
	randombytes_buf(nonce, sizeof(nonce));
	ser_bytes(file, snap_magic, 8);
	ser_u8(file, v->k.role == VAULT_ADMIN ? 1 : 2);
	ser_bytes(file, v->k.writer_id, 16);
	ser_bytes(file, nonce, sizeof(nonce));
	ser_u32(file, (uint32_t)(zn + VAULT_TAG));
	size_t at = file->len;
	buf_grow(file, zn + VAULT_TAG + 64);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt((uint8_t *)file->data + at, &clen, z, zn,
	                                           (const uint8_t *)file->data, at, NULL, nonce, v->k.meta_key);
	free(z);
	file->len = at + (size_t)clen;
	uint8_t sig[64];
	crypto_sign_detached(sig, NULL, (const uint8_t *)file->data, file->len,
	                     v->k.role == VAULT_ADMIN ? v->k.sign_sk : v->k.w_sign_sk);
	ser_bytes(file, sig, 64);
	return 0;
}

int vsnap_open(struct vault *v, const uint8_t *p, size_t n, struct vsnap *s)
{
	memset(s, 0, sizeof(*s));
	if (n < SNAP_HDR + VAULT_TAG + 64 || memcmp(p, snap_magic, 8) != 0)
		return lb_error_tr(LB_ECORRUPT, "not a vault snapshot", "ボルトの世代の記録ではありません");
	struct ser_r r = {p, n, 8, 0};
	s->signer = rd_u8(&r);
	rd_bytes(&r, s->signer_id, 16);
	const uint8_t *nonce = rd_ptr(&r, VAULT_NONCE);
	uint32_t clen = rd_u32(&r);
	if (r.err || clen < VAULT_TAG || (uint64_t)SNAP_HDR + clen + 64 != n)
		return lb_error_tr(LB_ECORRUPT, "snapshot length is wrong", "世代の記録の長さが合いません");
	uint8_t pk[32];
	if (s->signer == 1)
		memcpy(pk, v->cfg.sign_pk, 32);
	else if (s->signer != 2 || vault_writer_known(v, s->signer_id, pk, 0) < 0)
		return lb_error_tr(LB_ECORRUPT, "snapshot is signed by an unknown key",
		                   "世代の記録が知らない鍵で署名されています");
	if (crypto_sign_verify_detached(p + n - 64, p, n - 64, pk) != 0)
		return lb_error_tr(LB_ECORRUPT, "snapshot fails its signature", "世代の記録の署名が合いません");
	uint8_t *z = lb_malloc(clen);
	unsigned long long zn;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(z, &zn, NULL, p + SNAP_HDR, clen, p, SNAP_HDR, nonce,
	                                               v->k.meta_key) != 0) {
		free(z);
		return lb_error_tr(LB_ECORRUPT, "snapshot fails authentication",
		                   "世代の記録の認証に失敗しました (改ざんまたは破損)");
	}
	unsigned long long raw = ZSTD_getFrameContentSize(z, (size_t)zn);
	if (raw == ZSTD_CONTENTSIZE_ERROR || raw == ZSTD_CONTENTSIZE_UNKNOWN || raw > VAULT_SNAP_PAYLOAD_MAX) {
		free(z);
		return lb_error_tr(LB_ECORRUPT, "snapshot payload size is wrong",
		                   "世代の記録の中身の大きさが合いません");
	}
	uint8_t *pl = lb_malloc(raw ? (size_t)raw : 1);
	size_t got = ZSTD_decompress(pl, (size_t)raw, z, (size_t)zn);
	free(z);
	int rc;
	if (ZSTD_isError(got) || got != raw)
		rc = lb_error_tr(LB_ECORRUPT, "snapshot does not decompress", "世代の記録を展開できません");
	else
		rc = vsnap_decode_payload(s, pl, got);
	free(pl);
	int signer = s->signer;
	uint8_t sid[16];
	memcpy(sid, s->signer_id, 16);
	if (rc == 0) {
		s->signer = signer;
		memcpy(s->signer_id, sid, 16);
		crypto_generichash(s->id, VID, p, n, NULL, 0);
	}
	return rc;
}

int vsnap_load(struct vault *v, const char *idhex, struct vsnap *s)
{
	struct buf rel = {0}, f = {0};
	buf_addf(&rel, "snapshots/%s", idhex);
	int rc = vault_get(v, rel.data, &f, VAULT_SNAP_FILE_MAX);
	if (rc == 0) {
		rc = vsnap_open(v, (const uint8_t *)f.data, f.len, s);
		if (rc == 0) {
			char hex[65];
			vault_hex(hex, s->id, VID);
			if (strcmp(hex, idhex) != 0) {
				vsnap_release(s);
				rc = lb_error_tr(LB_ECORRUPT, "snapshot '%.8s' does not match its name",
				                 "世代 '%.8s' の内容が名前と一致しません", idhex);
			}
		} else {
			lb_error_wrap_tr(rc, "snapshot '%.8s'", "世代 '%.8s'", idhex);
		}
	}
	buf_release(&rel);
	buf_release(&f);
	return rc;
}

int vsnap_list_ids(struct vault *v, struct lb_strlist *ids)
{
	return vault_list(v, "snapshots", ids);
}
