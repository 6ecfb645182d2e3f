/*
 * keys.c - the repository config and key files (docs/vault-format.md §3): encode, parse, open.
 *
 * The admin key file seals the master secrets with a key derived from the passphrase by Argon2id; a trailing
 * unkeyed BLAKE2b checksum tells a damaged file from a wrong passphrase. A writer key file is plain (protected
 * by its mode) and holds no secret that opens packs or signs meta records.
 */
#include "vault_int.h"

#include <string.h>

static const char cfg_magic[8] = {'L', 'B', 'V', 'C', 'F', 'G', '0', '1'};
static const char key_magic[8] = {'L', 'B', 'V', 'K', 'E', 'Y', '0', '1'};
static const char auth_magic[8] = {'L', 'B', 'V', 'A', 'U', 'T', 'H', '1'};

int vconfig_encode(const struct vault_config *c, const uint8_t sign_sk[64], struct buf *out)
{
	ser_bytes(out, cfg_magic, 8);
	ser_u32(out, VAULT_FORMAT);
	ser_bytes(out, c->repo_id, 16);
	ser_u32(out, c->chunk_min);
	ser_u32(out, c->chunk_avg_bits);
	ser_u32(out, c->chunk_max);
	ser_u32(out, c->zstd_level);
	ser_bytes(out, c->box_pk, 32);
	ser_bytes(out, c->sign_pk, 32);
	uint8_t sig[64];
	crypto_sign_detached(sig, NULL, (const uint8_t *)out->data, out->len, sign_sk);
	ser_bytes(out, sig, 64);
	return 0;
}

int vconfig_parse(struct vault_config *c, const uint8_t *p, size_t n)
{
	struct ser_r r = {p, n, 0, 0};
	if (n != VAULT_CONFIG_SIZE || memcmp(p, cfg_magic, 8) != 0)
		return lb_error_tr(LB_ECORRUPT, "not a lifeboat vault config",
		                   "lifeboat のボルトの設定ファイル (config) ではありません");
	r.off = 8;
	if (rd_u32(&r) != VAULT_FORMAT)
		return lb_error_tr(LB_ECORRUPT, "unsupported vault format", "対応していないボルトの形式です");
	rd_bytes(&r, c->repo_id, 16);
	c->chunk_min = rd_u32(&r);
	c->chunk_avg_bits = rd_u32(&r);
	c->chunk_max = rd_u32(&r);
	c->zstd_level = rd_u32(&r);
	rd_bytes(&r, c->box_pk, 32);
	rd_bytes(&r, c->sign_pk, 32);
	const uint8_t *sig = rd_ptr(&r, 64);
	if (r.err || !sig || crypto_sign_verify_detached(sig, p, n - 64, c->sign_pk) != 0)
		return lb_error_tr(LB_ECORRUPT, "vault config fails its signature",
		                   "ボルトの設定ファイル (config) の署名が合いません");
	if (c->chunk_min < 4096 || c->chunk_max > VAULT_CHUNK_MAX || c->chunk_min >= c->chunk_max ||
	    c->chunk_avg_bits < 12 || c->chunk_avg_bits > 23 || (1u << c->chunk_avg_bits) <= c->chunk_min ||
	    (1u << c->chunk_avg_bits) >= c->chunk_max || c->zstd_level > 19)
		return lb_error_tr(LB_ECORRUPT, "vault config has impossible chunk parameters",
		                   "ボルトの設定ファイル (config) のチャンク設定があり得ない値です");
	return 0;
}

int vkey_parse_role(const uint8_t *p, size_t n, int *role)
{
	if (n < 9 || memcmp(p, key_magic, 8) != 0)
		return lb_error_tr(LB_EINVAL, "not a lifeboat vault key file",
		                   "lifeboat のボルトの鍵ファイルではありません");
	if (p[8] == VAULT_ADMIN && n == VAULT_ADMIN_KEY_SIZE)
		*role = VAULT_ADMIN;
	else if (p[8] == VAULT_WRITER && n == VAULT_WRITER_KEY_SIZE)
		*role = VAULT_WRITER;
	else
		return lb_error_tr(LB_ECORRUPT, "vault key file is damaged (size or role)",
		                   "ボルトの鍵ファイルが壊れています (大きさまたは役割)");
	uint8_t h[32];
	crypto_generichash(h, 32, p, n - 32, NULL, 0);
	if (sodium_memcmp(h, p + n - 32, 32) != 0)
		return lb_error_tr(LB_ECORRUPT, "vault key file is damaged (checksum)",
		                   "ボルトの鍵ファイルが壊れています (チェックサム)");
	return 0;
}

static void master_pack(const struct vault_keys *k, uint8_t m[256])
{
	memcpy(m, k->id_key, 32);
	memcpy(m + 32, k->gear_seed, 32);
	memcpy(m + 64, k->meta_key, 32);
	memcpy(m + 96, k->box_pk, 32);
	memcpy(m + 128, k->box_sk, 32);
	memcpy(m + 160, k->sign_pk, 32);
	memcpy(m + 192, k->sign_sk, 64);
}

static int derive(uint8_t key[32], const struct buf *pass, const uint8_t salt[16], uint64_t ops, uint64_t mem)
{
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > 64 || mem < crypto_pwhash_MEMLIMIT_MIN ||
	    mem > ((uint64_t)4 << 30))
		return lb_error_tr(LB_ECORRUPT, "vault key file has impossible Argon2id parameters",
		                   "ボルトの鍵ファイルの Argon2id 設定があり得ない値です");
	if (crypto_pwhash(key, 32, pass->data, pass->len, salt, ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return lb_error_tr(LB_ENOMEM, "not enough memory for Argon2id", "Argon2id に必要なメモリが足りません");
	return 0;
}

/* The key that opens the sealed master secrets, from the passphrase and the file's own salt and limits (the
 * first VKEY_ADMIN_HEAD bytes are enough: no ciphertext is needed, so the head alone allows no guessing). */
int vkey_admin_derive(const uint8_t *p, size_t n, const struct buf *pass, uint8_t key[32])
{
	if (n < VKEY_ADMIN_HEAD || memcmp(p, key_magic, 8) != 0 || p[8] != VAULT_ADMIN)
		return lb_error_tr(LB_ECORRUPT, "not the head of an admin key file",
		                   "管理者鍵ファイルの先頭部分ではありません");
	struct ser_r r = {p, n, 25, 0};
	uint64_t ops = rd_u64(&r), mem = rd_u64(&r);
	const uint8_t *salt = rd_ptr(&r, 16);
	if (r.err)
		return lb_error_tr(LB_ECORRUPT, "vault key file is damaged", "ボルトの鍵ファイルが壊れています");
	return derive(key, pass, salt, ops, mem);
}

/* The Ed25519 pair that proves knowledge of the passphrase to a vault server (docs §7): its seed is keyed
 * BLAKE2b of a fixed label under the derived key, so it says nothing about the key that opens the file. */
void vkey_fetch_pair(const uint8_t key[32], uint8_t pk[32], uint8_t sk[64])
{
	static const char label[] = "LBV1 fetch keys/admin";
	uint8_t seed[32];
	crypto_generichash(seed, 32, (const uint8_t *)label, sizeof(label) - 1, key, 32);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
}

void vkey_auth_encode(const uint8_t pk[32], struct buf *out)
{
	ser_bytes(out, auth_magic, 8);
	ser_bytes(out, pk, 32);
}

int vkey_auth_parse(const uint8_t *p, size_t n, uint8_t pk[32])
{
	if (n != VAULT_AUTH_SIZE || memcmp(p, auth_magic, 8) != 0)
		return lb_error_tr(LB_ECORRUPT, "keys/admin.auth is damaged", "keys/admin.auth が壊れています");
	memcpy(pk, p + 8, 32);
	return 0;
}

int vkey_admin_encode(const struct vault_keys *k, const struct buf *pass, struct buf *out, uint8_t fetch_pk[32])
{
	uint8_t salt[16], nonce[VAULT_NONCE], key[32], m[256], sk[64];
	uint64_t ops = crypto_pwhash_OPSLIMIT_INTERACTIVE, mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	int rc = derive(key, pass, salt, ops, mem);
	if (rc < 0)
		return rc;
	vkey_fetch_pair(key, fetch_pk, sk);
	sodium_memzero(sk, sizeof(sk));
	ser_bytes(out, key_magic, 8);
	ser_u8(out, VAULT_ADMIN);
	ser_bytes(out, k->repo_id, 16);
	ser_u64(out, ops);
	ser_u64(out, mem);
	ser_bytes(out, salt, 16);
	ser_bytes(out, nonce, sizeof(nonce));
	master_pack(k, m);
	uint8_t ct[256 + VAULT_TAG];
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, m, 256, (const uint8_t *)out->data, out->len, NULL, nonce,
	                                           key);
	ser_bytes(out, ct, sizeof(ct));
	uint8_t h[32];
	crypto_generichash(h, 32, (const uint8_t *)out->data, out->len, NULL, 0);
	ser_bytes(out, h, 32);
	sodium_memzero(m, sizeof(m));
	sodium_memzero(key, sizeof(key));
	return 0;
}

int vkey_admin_unseal(struct vault_keys *k, const uint8_t *p, size_t n, const uint8_t key[32])
{
	int role;
	int rc = vkey_parse_role(p, n, &role);
	if (rc < 0)
		return rc;
	if (role != VAULT_ADMIN)
		return lb_error_tr(LB_EINVAL, "not an admin key file", "管理者鍵ファイルではありません");
	struct ser_r r = {p, n, 9, 0};
	rd_bytes(&r, k->repo_id, 16);
	(void)rd_u64(&r);
	(void)rd_u64(&r);
	(void)rd_ptr(&r, 16);
	const uint8_t *nonce = rd_ptr(&r, VAULT_NONCE);
	size_t adlen = r.off;
	const uint8_t *ct = rd_ptr(&r, 256 + VAULT_TAG);
	if (r.err)
		return lb_error_tr(LB_ECORRUPT, "vault key file is damaged", "ボルトの鍵ファイルが壊れています");
	uint8_t m[256];
	unsigned long long mlen;
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, ct, 256 + VAULT_TAG, p, adlen, nonce, key);
	if (rc != 0)
		return lb_error_tr(LB_EAUTH, "wrong passphrase", "パスフレーズが違います");
	memcpy(k->id_key, m, 32);
	memcpy(k->gear_seed, m + 32, 32);
	memcpy(k->meta_key, m + 64, 32);
	memcpy(k->box_pk, m + 96, 32);
	memcpy(k->box_sk, m + 128, 32);
	memcpy(k->sign_pk, m + 160, 32);
	memcpy(k->sign_sk, m + 192, 64);
	sodium_memzero(m, sizeof(m));
	k->role = VAULT_ADMIN;
	return 0;
}

int vkey_admin_open(struct vault_keys *k, const uint8_t *p, size_t n, const struct buf *pass)
{
	int role;
	int rc = vkey_parse_role(p, n, &role);
	if (rc < 0)
		return rc;
	if (role != VAULT_ADMIN)
		return lb_error_tr(LB_EINVAL, "not an admin key file", "管理者鍵ファイルではありません");
	uint8_t key[32];
	if ((rc = vkey_admin_derive(p, n, pass, key)) < 0)
		return rc;
	rc = vkey_admin_unseal(k, p, n, key);
	sodium_memzero(key, sizeof(key));
	return rc;
}

void vkey_writer_encode(const struct vault_keys *k, struct buf *out)
{
	ser_bytes(out, key_magic, 8);
	ser_u8(out, VAULT_WRITER);
	ser_bytes(out, k->repo_id, 16);
	ser_bytes(out, k->writer_id, 16);
	ser_bytes(out, k->id_key, 32);
	ser_bytes(out, k->gear_seed, 32);
	ser_bytes(out, k->meta_key, 32);
	ser_bytes(out, k->box_pk, 32);
	ser_bytes(out, k->sign_pk, 32);
	ser_bytes(out, k->w_sign_pk, 32);
	ser_bytes(out, k->w_sign_sk, 64);
	uint8_t h[32];
	crypto_generichash(h, 32, (const uint8_t *)out->data, out->len, NULL, 0);
	ser_bytes(out, h, 32);
}

int vkey_writer_parse(struct vault_keys *k, const uint8_t *p, size_t n)
{
	int role;
	int rc = vkey_parse_role(p, n, &role);
	if (rc < 0)
		return rc;
	if (role != VAULT_WRITER)
		return lb_error_tr(LB_EINVAL, "not a writer key file", "ライター鍵ファイルではありません");
	struct ser_r r = {p, n, 9, 0};
	memset(k, 0, sizeof(*k));
	rd_bytes(&r, k->repo_id, 16);
	rd_bytes(&r, k->writer_id, 16);
	rd_bytes(&r, k->id_key, 32);
	rd_bytes(&r, k->gear_seed, 32);
	rd_bytes(&r, k->meta_key, 32);
	rd_bytes(&r, k->box_pk, 32);
	rd_bytes(&r, k->sign_pk, 32);
	rd_bytes(&r, k->w_sign_pk, 32);
	rd_bytes(&r, k->w_sign_sk, 64);
	if (r.err)
		return lb_error_tr(LB_ECORRUPT, "vault key file is damaged", "ボルトの鍵ファイルが壊れています");
	/* The signing pair must belong together: a key file spliced from two is refused. */
	uint8_t pk[32];
	crypto_sign_ed25519_sk_to_pk(pk, k->w_sign_sk);
	if (sodium_memcmp(pk, k->w_sign_pk, 32) != 0)
		return lb_error_tr(LB_ECORRUPT, "vault key file is damaged (signing pair)",
		                   "ボルトの鍵ファイルが壊れています (署名鍵)");
	k->role = VAULT_WRITER;
	return 0;
}
