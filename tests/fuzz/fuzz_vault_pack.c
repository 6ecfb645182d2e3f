/*
 * fuzz_vault_pack.c - pack files: the footer/table parser on raw input, and, past the AEAD (which a fuzzer cannot
 * forge), the table and blob decoders on fuzzer-chosen plaintext that this target encrypts with a fixed key.
 * Input: u32 blob-area length, the blob area (blob plaintexts), then the table plaintext.
 */
#include "vault/vault_int.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		if (sodium_init() < 0)
			abort();
		init = 1;
	}
	static const uint8_t key[32] = {7}, id_key[32] = {9};
	struct vault_ientry *e = NULL;
	size_t n = 0;
	/* 1: the raw bytes as a pack */
	vpack_parse_table(data, size, key, &e, &n);
	free(e);
	if (size < 4)
		return 0;
	uint32_t area = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
	if (area > size - 4)
		area = (uint32_t)(size - 4);
	const uint8_t *blobs = data + 4, *tab = data + 4 + area;
	size_t tlen = size - 4 - area;
	/* 2: a well-formed pack around the fuzzer's table */
	struct buf p = {0};
	buf_add(&p, "LBVPACK1\x01", 9);
	uint8_t zero[VAULT_HDR_SEAL] = {0};
	buf_add(&p, zero, sizeof(zero));
	buf_add(&p, blobs, area);
	size_t tstart = p.len;
	uint8_t nonce[VAULT_NONCE] = {1};
	buf_add(&p, nonce, sizeof(nonce));
	buf_grow(&p, tlen + VAULT_TAG);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt((uint8_t *)p.data + p.len, &clen, tab, tlen,
	                                           (const uint8_t *)"LBVPTAB1", 8, NULL, nonce, key);
	p.len += (size_t)clen;
	ser_u32(&p, (uint32_t)(p.len - tstart));
	buf_add(&p, "LBVPEND1", 8);
	if (vpack_parse_table((const uint8_t *)p.data, p.len, key, &e, &n) == 0) {
		ZSTD_DCtx *dz = ZSTD_createDCtx();
		struct buf out = {0}, blob = {0};
		for (size_t i = 0; i < n && i < 64; i++) {
			/* the entry's bytes as plaintext, encrypted the way a writer would */
			size_t plen = e[i].len - VAULT_NONCE - VAULT_TAG;
			const uint8_t *pt = (const uint8_t *)p.data + e[i].off;
			uint8_t ad[VID + 1];
			memcpy(ad, e[i].id, VID);
			ad[VID] = 1;
			buf_reset(&blob);
			buf_grow(&blob, e[i].len);
			memcpy(blob.data, nonce, VAULT_NONCE);
			crypto_aead_xchacha20poly1305_ietf_encrypt((uint8_t *)blob.data + VAULT_NONCE, &clen, pt, plen,
			                                           ad, sizeof(ad), NULL, nonce, key);
			vblob_open(id_key, key, &e[i], (const uint8_t *)blob.data, dz, &out);
		}
		ZSTD_freeDCtx(dz);
		buf_release(&out);
		buf_release(&blob);
		free(e);
	}
	buf_release(&p);
	return 0;
}
