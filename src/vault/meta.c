/*
 * meta.c - admin-signed meta records: writer registrations and revocations, locks, reviews (docs §3). A writer
 * cannot make one (it has no admin signing key), so it cannot lock, unlock or re-mark a generation.
 */
#include "vault_int.h"

#include <string.h>

static const char meta_magic[8] = {'L', 'B', 'V', 'M', 'E', 'T', 'A', '1'};

int vmeta_encode(const struct vmeta_rec *m, const uint8_t sign_sk[64], struct buf *out)
{
	ser_bytes(out, meta_magic, 8);
	ser_u8(out, (uint8_t)m->kind);
	ser_u64(out, (uint64_t)m->time_ms);
	switch (m->kind) {
	case VMETA_WRITER:
		ser_bytes(out, m->writer_id, 16);
		ser_bytes(out, m->w_sign_pk, 32);
		break;
	case VMETA_REVOKE:
		ser_bytes(out, m->writer_id, 16);
		break;
	case VMETA_LOCK:
		ser_bytes(out, m->snap, VID);
		ser_u64(out, (uint64_t)m->until_ms);
		break;
	case VMETA_REVIEW:
		ser_bytes(out, m->snap, VID);
		ser_u8(out, (uint8_t)m->mark);
		break;
	case VMETA_INDEX:
		ser_bytes(out, m->snap, VID);
		break;
	default:
		return lb_error_tr(LB_EINTERNAL, "bad meta kind", "メタ記録の種類の誤り (内部エラー)");
	}
	uint8_t sig[64];
	crypto_sign_detached(sig, NULL, (const uint8_t *)out->data, out->len, sign_sk);
	ser_bytes(out, sig, 64);
	return 0;
}

int vmeta_parse(struct vmeta_rec *m, const uint8_t *p, size_t n, const uint8_t sign_pk[32])
{
	memset(m, 0, sizeof(*m));
	if (n < 8 + 1 + 8 + 64 || n > VAULT_META_MAX || memcmp(p, meta_magic, 8) != 0)
		return lb_error_tr(LB_ECORRUPT, "not a vault meta record", "ボルトのメタ記録ではありません");
	if (crypto_sign_verify_detached(p + n - 64, p, n - 64, sign_pk) != 0)
		return lb_error_tr(LB_ECORRUPT, "vault meta record fails its signature",
		                   "ボルトのメタ記録の署名が合いません");
	struct ser_r r = {p, n - 64, 8, 0};
	m->kind = rd_u8(&r);
	m->time_ms = (int64_t)rd_u64(&r);
	switch (m->kind) {
	case VMETA_WRITER:
		rd_bytes(&r, m->writer_id, 16);
		rd_bytes(&r, m->w_sign_pk, 32);
		break;
	case VMETA_REVOKE:
		rd_bytes(&r, m->writer_id, 16);
		break;
	case VMETA_LOCK:
		rd_bytes(&r, m->snap, VID);
		m->until_ms = (int64_t)rd_u64(&r);
		break;
	case VMETA_REVIEW:
		rd_bytes(&r, m->snap, VID);
		m->mark = rd_u8(&r);
		if (m->mark != VAULT_CLEAN && m->mark != VAULT_SUSPECT)
			r.err = 1;
		break;
	case VMETA_INDEX:
		rd_bytes(&r, m->snap, VID);
		break;
	default:
		r.err = 1;
	}
	if (r.err || rd_left(&r) != 0)
		return lb_error_tr(LB_ECORRUPT, "vault meta record is malformed", "ボルトのメタ記録の形式が不正です");
	return 0;
}
