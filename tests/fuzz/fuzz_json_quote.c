/*
 * fuzz_json_quote.c - json_quote on any bytes gives one valid JSON string (RFC 8259: quoted, no raw control
 * characters, only the escapes JSON knows, valid UTF-8), and bytes that were valid UTF-8 without controls, quotes
 * or backslashes come out unchanged. The checker is written here so that the fuzz build needs no JSON library.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 1 if s[0..n) is exactly one JSON string; appends its decoded value to val. */
static int json_string_valid(const char *s, size_t n, struct buf *val)
{
	if (n < 2 || s[0] != '"' || s[n - 1] != '"' || !utf8_valid(s, n))
		return 0;
	for (size_t i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"')
			return 0;
		if (c != '\\') {
			buf_addch(val, c);
			continue;
		}
		if (++i >= n - 1)
			return 0;
		switch (s[i]) {
		case '"':
		case '\\':
		case '/':
			buf_addch(val, s[i]);
			break;
		case 'b':
			buf_addch(val, '\b');
			break;
		case 'f':
			buf_addch(val, '\f');
			break;
		case 'n':
			buf_addch(val, '\n');
			break;
		case 'r':
			buf_addch(val, '\r');
			break;
		case 't':
			buf_addch(val, '\t');
			break;
		case 'u': {
			if (i + 4 >= n - 1)
				return 0;
			uint32_t cp = 0;
			for (int k = 1; k <= 4; k++) {
				int h = hexval(s[i + k]);
				if (h < 0)
					return 0;
				cp = cp << 4 | (uint32_t)h;
			}
			if (cp >= 0xD800 && cp <= 0xDFFF) /* we never write surrogate escapes */
				return 0;
			buf_add_utf8(val, cp);
			i += 4;
			break;
		}
		default:
			return 0;
		}
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct buf q = {0}, val = {0}, clean = {0};
	json_quote(&q, in, size);
	if (!json_string_valid(q.data, q.len, &val))
		abort();
	/* The value is the input with invalid sequences replaced, as utf8_sanitize does. */
	utf8_sanitize(&clean, in, size);
	if (val.len != clean.len || memcmp(buf_cstr(&val), buf_cstr(&clean), val.len) != 0)
		abort();
	buf_release(&q);
	buf_release(&val);
	buf_release(&clean);
	return 0;
}
