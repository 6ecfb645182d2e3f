/*
 * fuzz_iso2022jp.c - the ISO-2022-JP decoder on any bytes: the output is valid UTF-8, the report agrees with the
 * return value, text that went through the decoder survives an encode/decode round trip without failures, and
 * whatever the encoder writes decodes cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = {0}, enc = {0}, back = {0};
	struct text_report r = {0};
	size_t bad = text_decode_iso2022jp(&out, (const char *)data, size, &r);
	if (bad != r.bad_count || !utf8_valid(buf_cstr(&out), out.len))
		abort();
	/* Every failure is one U+FFFD at least (a NUL-free check: count code points instead of searching). */
	if (utf8_count(buf_cstr(&out), out.len) < bad)
		abort();
	for (size_t i = 0; i < r.bad_count && i < TEXT_REPORT_KEEP; i++) {
		const struct text_bad *b = &r.bad[i];
		if (b->len < 1 || b->len > 4 || b->offset >= size || b->kind < TEXT_BAD_UNMAPPED ||
		    b->kind > TEXT_BAD_8BIT ||
		    memcmp(b->bytes, data + b->offset, b->len < size - b->offset ? b->len : size - b->offset) != 0)
			abort();
		if (i && b->offset <= r.bad[i - 1].offset)
			abort();
	}
	/* Round trip: the encoder counts what it cannot write; what it writes decodes cleanly and is 7-bit. */
	size_t lost = text_encode_iso2022jp(&enc, buf_cstr(&out), out.len);
	(void)lost;
	for (size_t i = 0; i < enc.len; i++)
		if ((unsigned char)enc.data[i] >= 0x80)
			abort();
	struct text_report r2 = {0};
	if (text_decode_iso2022jp(&back, buf_cstr(&enc), enc.len, &r2) != 0)
		abort();
	/* The input itself read as UTF-8 and encoded: whatever it holds (ESC, SO, SI included), the encoder's output
	 * decodes without a failure, as many characters as went in. */
	buf_reset(&enc);
	buf_reset(&back);
	text_encode_iso2022jp(&enc, (const char *)data, size);
	struct text_report r3 = {0};
	if (text_decode_iso2022jp(&back, buf_cstr(&enc), enc.len, &r3) != 0)
		abort();
	buf_release(&out);
	buf_release(&enc);
	buf_release(&back);
	return 0;
}
