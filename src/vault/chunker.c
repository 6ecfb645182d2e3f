/*
 * chunker.c - content-defined chunking: FastCDC with normalised chunking (level 2) over a gear table that is
 * the ChaCha20 keystream of the repository's secret gear seed, so cut points depend on a key (docs §4).
 *
 * The fingerprint is fp = (fp << 1) + gear[byte]; its top k bits depend on the last 64 bytes, so the masks take
 * high bits. Below min nothing is hashed (cut-point skipping); between min and the normal size a harder mask
 * (avg_bits + 2 bits) is used, after it an easier one (avg_bits - 2), which narrows the size distribution.
 */
#include "vault_int.h"

#include <string.h>

static uint64_t top_bits(unsigned k)
{
	return k == 0 ? 0 : ~(uint64_t)0 << (64 - k);
}

void vchunker_init(struct vchunker *c, const uint8_t seed[32], uint32_t min, uint32_t avg_bits, uint32_t max)
{
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = {0};
	uint8_t raw[256 * 8];
	crypto_stream_chacha20(raw, sizeof(raw), nonce, seed);
	for (int i = 0; i < 256; i++) {
		uint64_t g = 0;
		for (int j = 0; j < 8; j++)
			g |= (uint64_t)raw[8 * i + j] << (8 * j);
		c->gear[i] = g;
	}
	sodium_memzero(raw, sizeof(raw));
	c->min = min;
	c->max = max;
	c->norm = 1u << avg_bits;
	c->mask_s = top_bits(avg_bits + 2);
	c->mask_l = top_bits(avg_bits - 2);
}

size_t vchunker_cut(const struct vchunker *c, const uint8_t *p, size_t n)
{
	if (n <= c->min)
		return n;
	if (n > c->max)
		n = c->max;
	size_t norm = c->norm < n ? c->norm : n;
	const uint64_t *gear = c->gear;
	uint64_t fp = 0, ms = c->mask_s, ml = c->mask_l;
	size_t i = c->min;
	for (; i + 1 < norm; i += 2) {
		fp = (fp << 1) + gear[p[i]];
		if (!(fp & ms))
			return i + 1;
		fp = (fp << 1) + gear[p[i + 1]];
		if (!(fp & ms))
			return i + 2;
	}
	for (; i < norm; i++) {
		fp = (fp << 1) + gear[p[i]];
		if (!(fp & ms))
			return i + 1;
	}
	for (; i + 1 < n; i += 2) {
		fp = (fp << 1) + gear[p[i]];
		if (!(fp & ml))
			return i + 1;
		fp = (fp << 1) + gear[p[i + 1]];
		if (!(fp & ml))
			return i + 2;
	}
	for (; i < n; i++) {
		fp = (fp << 1) + gear[p[i]];
		if (!(fp & ml))
			return i + 1;
	}
	return n;
}
