/*
 * fuzz_cp932.c - the CP932 and EUC-JP decoders and the encoding guess on any bytes. The first byte picks the
 * decoder (even: CP932, odd: EUC-JP); the rest is the input. Output is valid UTF-8, the report agrees with the
 * return value, and CP932 text that decoded cleanly encodes back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int euc = data[0] & 1;
	const char *in = (const char *)data + 1;
	size_t n = size - 1;
	struct buf out = {0}, enc = {0};
	struct text_report r = {0};
	size_t bad = euc ? text_decode_eucjp(&out, in, n, &r) : text_decode_cp932(&out, in, n, &r);
	if (bad != r.bad_count || !utf8_valid(buf_cstr(&out), out.len))
		abort();
	for (size_t i = 0; i < r.bad_count && i < TEXT_REPORT_KEEP; i++) {
		const struct text_bad *b = &r.bad[i];
		if (b->len < 1 || b->len > 3 || b->offset + b->len > n || memcmp(b->bytes, in + b->offset, b->len) != 0)
			abort();
	}
	enum text_encoding g = text_guess_encoding(in, n);
	if (g != TEXT_ENC_UTF8 && g != TEXT_ENC_ISO2022JP && g != TEXT_ENC_CP932 && g != TEXT_ENC_EUCJP)
		abort();
	if (!euc && bad == 0) {
		/* Clean CP932 goes back to UTF-8 and out again: no failures. (Not always the same bytes: CP932 has
		 * duplicate codes, e.g. 髙 at 0xEEE0 and 0xFBFC, and the encoder writes the first.) */
		if (text_encode_cp932(&enc, buf_cstr(&out), out.len) != 0)
			abort();
		struct buf again = {0};
		if (text_decode_cp932(&again, buf_cstr(&enc), enc.len, NULL) != 0 || again.len != out.len ||
		    memcmp(buf_cstr(&again), buf_cstr(&out), out.len) != 0)
			abort();
		buf_release(&again);
	}
	buf_release(&out);
	buf_release(&enc);
	return 0;
}
