/*
 * fuzz_utf8.c - the strict UTF-8 functions agree with each other on any bytes: utf8_valid is true exactly when
 * utf8_sanitize replaces nothing and text_decode(UTF-8) reports nothing; sanitized text is valid and counts as many
 * code points as the input (each invalid byte is one); decoding then encoding gives the same bytes back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct buf clean = {0}, dec = {0}, enc = {0};
	size_t replaced = utf8_sanitize(&clean, in, size);
	int valid = utf8_valid(in, size);
	if (valid != (replaced == 0) || !utf8_valid(buf_cstr(&clean), clean.len))
		abort();
	if (utf8_count(in, size) != utf8_count(buf_cstr(&clean), clean.len))
		abort();
	if (valid && (clean.len != size || memcmp(buf_cstr(&clean), in, size) != 0))
		abort();
	struct text_report r = {0};
	if (text_decode(TEXT_ENC_UTF8, &dec, in, size, &r) != replaced || r.bad_count != replaced ||
	    dec.len != clean.len || memcmp(buf_cstr(&dec), buf_cstr(&clean), dec.len) != 0)
		abort();
	/* Walk with utf8_decode and re-encode: the sanitized text comes back byte for byte. */
	for (size_t i = 0; i < size;) {
		uint32_t cp;
		int len = utf8_decode(data + i, size - i, &cp);
		unsigned char out[4];
		int n = utf8_encode(cp, out);
		if (len > 0 && (len != n || memcmp(out, data + i, (size_t)n) != 0))
			abort();
		if (len < 0 && cp != TEXT_REPLACEMENT)
			abort();
		buf_add(&enc, out, (size_t)n);
		i += len > 0 ? (size_t)len : 1;
	}
	if (enc.len != clean.len || memcmp(buf_cstr(&enc), buf_cstr(&clean), enc.len) != 0)
		abort();
	buf_release(&clean);
	buf_release(&dec);
	buf_release(&enc);
	return 0;
}
