/*
 * str.c - small character helpers that several parsers of outside input need (HL7 escapes, URL and form
 * decoding, hex-encoded data), written once.
 */
#include "core.h"

int lb_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code point at s (UTF-8), its length in *n; a malformed byte counts as one column of its own. */
static uint32_t next_cp(const unsigned char *s, size_t *n)
{
	uint32_t c = s[0];
	size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (len == 0) {
		*n = 1;
		return 0xFFFD;
	}
	if (len == 1) {
		*n = 1;
		return c;
	}
	c &= 0x7F >> len;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*n = 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*n = len;
	return c;
}

size_t lb_text_cols(const char *s)
{
	size_t cols = 0, n;
	for (const unsigned char *p = (const unsigned char *)s; *p; p += n) {
		uint32_t c = next_cp(p, &n);
		if ((c >= 0x300 && c <= 0x36F) || c == 0x3099 || c == 0x309A || (c >= 0xFE00 && c <= 0xFE0F))
			continue; /* combining marks and variation selectors */
		if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
		    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
		    (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD))
			cols += 2;
		else
			cols += 1;
	}
	return cols;
}

int buf_add_cols(struct buf *b, const char *s, size_t cols)
{
	int rc = buf_adds(b, s);
	for (size_t w = lb_text_cols(s); rc == 0 && w < cols; w++)
		rc = buf_addch(b, ' ');
	return rc;
}
