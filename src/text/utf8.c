/*
 * utf8.c - strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF.
 */
#include "text.h"

int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	*cp = TEXT_REPLACEMENT;
	if (n == 0)
		return -1;
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int len;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if (n < (size_t)len)
		return -1;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	*cp = v;
	return len;
}

int utf8_encode(uint32_t cp, unsigned char out[4])
{
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		cp = TEXT_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		int len = utf8_decode(p + i, n - i, &cp);
		if (len < 0)
			return 0;
		i += (size_t)len;
	}
	return 1;
}

size_t utf8_count(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, count = 0;
	while (i < n) {
		uint32_t cp;
		int len = utf8_decode(p + i, n - i, &cp);
		i += len > 0 ? (size_t)len : 1;
		count++;
	}
	return count;
}

size_t utf8_sanitize(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, replaced = 0;
	while (i < n) {
		uint32_t cp;
		int len = p[i] < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);
		if (len > 0) {
			i += (size_t)len;
			run += (size_t)len;
			continue;
		}
		buf_add(out, p + i - run, run);
		run = 0;
		buf_add_utf8(out, TEXT_REPLACEMENT);
		replaced++;
		i++;
	}
	buf_add(out, p + i - run, run);
	return replaced;
}

int text_fold_ascii_char(uint32_t cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return (int)cp;
	if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
		return (int)(cp - 0xFF01 + 0x21);
	switch (cp) {
	case 0x3000: /* ideographic space */
	case '\t':
		return ' ';
	case 0x30FB: /* ・ katakana middle dot: the / key under a Japanese input method */
	case 0xFF65: /* ･ half-width */
		return '/';
	case 0x30FC: /* ー long vowel mark: the - key */
	case 0xFF70: /* ｰ */
	case 0x2010: /* hyphen */
	case 0x2212: /* minus sign */
		return '-';
	case 0x3002: /* 。 the . key */
	case 0xFF61:
		return '.';
	default:
		return 0;
	}
}

int text_fold_ascii(struct buf *out, const char *utf8, size_t n)
{
	const unsigned char *s = (const unsigned char *)utf8;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (k <= 0)
			return -1;
		int c = text_fold_ascii_char(cp);
		if (!c)
			return -1;
		buf_addch(out, (char)c);
		i += (size_t)k;
	}
	return 0;
}
