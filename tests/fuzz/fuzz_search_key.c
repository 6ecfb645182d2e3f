/*
 * fuzz_search_key.c - search keys and kana folding on any bytes: the key is valid UTF-8 and folding is
 * idempotent (the key of a key is the key itself), so stored keys and typed queries always meet;
 * text_kana_fullwidth gives valid UTF-8 and is idempotent too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && memcmp(buf_cstr(a), buf_cstr(b), a->len) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct buf key = {0}, key2 = {0}, full = {0}, full2 = {0};
	text_search_key(&key, in, size);
	if (!key.data || !utf8_valid(key.data, key.len))
		abort();
	text_search_key(&key2, key.data, key.len);
	if (!same(&key, &key2))
		abort();
	text_kana_fullwidth(&full, in, size);
	if (!full.data || !utf8_valid(full.data, full.len))
		abort();
	text_kana_fullwidth(&full2, full.data, full.len);
	if (!same(&full, &full2))
		abort();
	/* Folding widths first changes nothing in the key (for valid UTF-8: the key drops invalid bytes, while
	 * text_kana_fullwidth keeps them as U+FFFD). */
	if (utf8_valid(in, size)) {
		buf_reset(&key2);
		text_search_key(&key2, full.data, full.len);
		if (!same(&key, &key2))
			abort();
	}
	(void)text_is_kana(in, size);
	buf_release(&key);
	buf_release(&key2);
	buf_release(&full);
	buf_release(&full2);
	return 0;
}
