/*
 * parse.c - the request input the station reads itself: application/x-www-form-urlencoded bodies (and query
 * strings in the same syntax) and the Cookie header. Both are outside input: every length is capped, decoded
 * values must be valid UTF-8 without control characters, and nothing here allocates more than the cap.
 * (fuzz target: tests/fuzz/fuzz_station_input.c)
 */
#include "station_int.h"
#include "text/text.h"

#include <string.h>

/* Decode one percent-encoded part s[0..n) into out; -LB_EINVAL on a bad escape, -LB_ETOOBIG past the cap. */
static int pct_decode(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 2 < n ? lb_hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? lb_hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return lb_error_tr(LB_EINVAL, "bad percent escape in form data",
				                   "フォームのデータに不正な % エスケープがあります");
			c = hi * 16 + lo;
			i += 2;
		}
		if (out->len >= STATION_FIELD_MAX)
			return lb_error_tr(LB_ETOOBIG, "form field over %u bytes",
			                   "フォームの項目が %u バイトを超えています", STATION_FIELD_MAX);
		buf_addch(out, c);
	}
	return 0;
}

int station_text_ok(const char *s, size_t n)
{
	if (!utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return 0;
	}
	return 1;
}

int station_form_get(const char *s, size_t n, const char *name, struct buf *out)
{
	size_t nl = strlen(name);
	size_t i = 0;
	buf_reset(out);
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '&' && s[j] != ';')
			j++;
		/* the pair is s[i..j) */
		const char *eq = memchr(s + i, '=', j - i);
		size_t klen = eq ? (size_t)(eq - (s + i)) : j - i;
		if (klen == nl && !memcmp(s + i, name, nl)) {
			if (eq) {
				int rc = pct_decode(eq + 1, (size_t)(s + j - (eq + 1)), out);
				if (rc < 0) {
					buf_reset(out);
					return rc;
				}
			}
			if (!station_text_ok(buf_cstr(out), out->len)) {
				buf_reset(out);
				return lb_error_tr(LB_EINVAL, "form field '%s' is not text",
				                   "フォームの項目 '%s' が文字列ではありません", name);
			}
			if (!out->data)
				buf_adds(out, "");
			return 1;
		}
		i = j + 1;
	}
	return 0;
}

int station_cookie_get(const char *header, const char *name, char *out, size_t outsz)
{
	if (outsz)
		out[0] = 0;
	if (!header || !outsz)
		return 0;
	size_t nl = strlen(name);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *k = p;
		while (*p && *p != '=' && *p != ';')
			p++;
		size_t klen = (size_t)(p - k);
		while (klen && (k[klen - 1] == ' ' || k[klen - 1] == '\t'))
			klen--;
		if (*p != '=') {
			continue;
		}
		p++;
		const char *v = p;
		while (*p && *p != ';')
			p++;
		size_t vlen = (size_t)(p - v);
		while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (klen == nl && !memcmp(k, name, nl)) {
			if (vlen == 0 || vlen >= outsz || vlen > 256)
				return 0;
			for (size_t i = 0; i < vlen; i++) {
				char c = v[i];
				if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				      c == '_' || c == '-'))
					return 0;
			}
			memcpy(out, v, vlen);
			out[vlen] = 0;
			return 1;
		}
	}
	return 0;
}
