/*
 * stats.c - byte statistics and the tests built on them: Shannon entropy and chi-square against uniform, "is this
 * random" sized to the sample, "is this text" in the encodings Japanese hospitals use (UTF-8, ISO-2022-JP,
 * Shift_JIS/CP932, EUC-JP, UTF-16), and base64/hex text hiding random bytes (ciphertext written as text is low
 * entropy by byte count, so it is decoded and tested again).
 */
#include <math.h>
#include <string.h>

#include "sniff/sniff.h"
#include "sniff/sniff_int.h"
#include "text/text.h"

/* chi-square with 255 degrees of freedom: mean 255, sd 22.6; p = 0.001 critical value 330.5 */
#define SNIFF_CHI2_CRIT 330.5
/* below this many bytes nothing is called random by sniff_stats */
#define SNIFF_RANDOM_MIN 512

static void histogram(const uint8_t *p, size_t n, uint32_t h[256])
{
	/* four partial tables so that runs of one byte value do not serialise on one counter */
	uint32_t t[4][256];
	memset(t, 0, sizeof(t));
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		t[0][p[i]]++;
		t[1][p[i + 1]]++;
		t[2][p[i + 2]]++;
		t[3][p[i + 3]]++;
	}
	for (; i < n; i++)
		t[0][p[i]]++;
	for (int b = 0; b < 256; b++)
		h[b] = t[0][b] + t[1][b] + t[2][b] + t[3][b];
}

static void stats_from_hist(const uint32_t h[256], size_t n, struct sniff_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->n = n;
	if (n == 0)
		return;
	double e = (double)n / 256.0, ent = 0, chi = 0;
	for (int b = 0; b < 256; b++) {
		double d = h[b] - e;
		chi += d * d / e;
		if (h[b]) {
			double q = (double)h[b] / (double)n;
			ent -= q * log2(q);
		}
	}
	st->entropy = ent;
	st->chi2 = chi;
	st->random = n >= SNIFF_RANDOM_MIN && chi < SNIFF_CHI2_CRIT && ent > 7.0;
}

/* chi-square of the differences between neighbouring bytes: a counter or a repeated ramp has a flat histogram
 * but anything but flat differences; random bytes have both flat. */
static double delta_chi2(const uint8_t *p, size_t n)
{
	uint32_t t[256] = {0};
	if (n > 16384)
		n = 16384; /* structure shows in the first 16 KiB as well as in all of it */
	if (n < 2)
		return 0;
	for (size_t i = 1; i < n; i++)
		t[(uint8_t)(p[i] - p[i - 1])]++;
	double e = (double)(n - 1) / 256.0, chi = 0;
	for (int b = 0; b < 256; b++)
		chi += ((double)t[b] - e) * ((double)t[b] - e) / e;
	return chi;
}

void sniff_stats(const void *p, size_t n, struct sniff_stats *st)
{
	uint32_t h[256];
	if (!p)
		n = 0;
	histogram(p, n, h);
	stats_from_hist(h, n, st);
	if (st->random && delta_chi2(p, n) >= SNIFF_CHI2_CRIT)
		st->random = 0;
}

int sniff_head_random(const uint8_t *p, size_t n)
{
	uint32_t h[256];
	struct sniff_stats st;
	if (n < 64)
		return 0;
	histogram(p, n, h);
	stats_from_hist(h, n, &st);
	if (n >= SNIFF_RANDOM_MIN)
		return st.random && delta_chi2(p, n) < SNIFF_CHI2_CRIT;
	/* short files: enough distinct byte values and a histogram near uniform */
	int distinct = 0;
	for (int b = 0; b < 256; b++)
		distinct += h[b] != 0;
	double want = 256.0 * (1.0 - exp(-(double)n / 256.0));
	return distinct >= 0.85 * want && st.chi2 < 345.0;
}

/* A UTF-8 sequence cut by the end of the head is not an error. */
static int utf8_ok(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(p + i, n - i, &cp);
		if (k < 0) {
			size_t need = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
			if (p[i] >= 0xc2 && p[i] <= 0xf4 && n - i < need)
				return 1;
			return 0;
		}
		i += (size_t)k;
	}
	return 1;
}

/* Shift_JIS/CP932: lead 81-9F E0-FC with trail 40-7E 80-FC; A1-DF half-width katakana. Returns bad bytes. */
static size_t cp932_bad(const uint8_t *p, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c < 0x80 || (c >= 0xa1 && c <= 0xdf))
			continue;
		if ((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)) {
			if (i + 1 == n)
				break;
			uint8_t t = p[i + 1];
			if ((t >= 0x40 && t <= 0x7e) || (t >= 0x80 && t <= 0xfc)) {
				i++;
				continue;
			}
		}
		bad++;
	}
	return bad;
}

/* EUC-JP: pairs A1-FE, 8E + half-width kana, 8F + a JIS X 0212 pair. Returns bad bytes. */
static size_t eucjp_bad(const uint8_t *p, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c < 0x80)
			continue;
		size_t need = c == 0x8f ? 2 : 1;
		if (c != 0x8e && c != 0x8f && (c < 0xa1 || c == 0xff)) {
			bad++;
			continue;
		}
		if (i + need >= n)
			break;
		int ok = 1;
		for (size_t k = 1; k <= need; k++)
			ok &= p[i + k] >= 0xa1 && p[i + k] <= 0xfe;
		if (ok)
			i += need;
		else
			bad++;
	}
	return bad;
}

/* byte classes for sniff_is_text: 0 text, 1 NUL, 2 control, 3 8-bit. Tab, LF, VT (MLLP start), FF, CR, ESC and
 * SO/SI (ISO-2022-JP), FS (MLLP end) count as text. */
static const uint8_t byte_class[256] = {
        1, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

int sniff_is_text(const uint8_t *p, size_t n)
{
	size_t cnt[4] = {0};
	for (size_t i = 0; i < n;) { /* by blocks, so that binary data stops at its first NUL block */
		size_t end = n - i > 256 ? i + 256 : n;
		for (; i < end; i++)
			cnt[byte_class[p[i]]]++;
		if (cnt[1])
			return 0;
	}
	size_t ctrl = cnt[2], high = cnt[3];
	if (ctrl * 64 > n)
		return 0;
	if (high == 0 || utf8_ok(p, n))
		return 1;
	/* real feeds carry a few bytes no table maps: allow one in a hundred 8-bit bytes */
	return cp932_bad(p, n) * 100 <= high || eucjp_bad(p, n) * 100 <= high;
}

static int unit_textual(unsigned u)
{
	return (u >= 0x20 && u < 0x7f) || u == '\t' || u == '\n' || u == '\r' || (u >= 0xa0 && u < 0x2000) ||
	       (u >= 0x2000 && u < 0x2070) || (u >= 0x3000 && u < 0xa000) || (u >= 0xac00 && u < 0xd7a4) ||
	       (u >= 0xff00 && u < 0xfff0) || u == 0xfeff || (u >= 0xd800 && u < 0xe000);
}

int sniff_utf16_text(const uint8_t *p, size_t n)
{
	int be;
	size_t start = 0;
	if (n >= 4 && p[0] == 0xff && p[1] == 0xfe && !(p[2] == 0 && p[3] == 0))
		be = 0, start = 2;
	else if (n >= 4 && p[0] == 0xfe && p[1] == 0xff)
		be = 1, start = 2;
	else if (n >= 16 && p[1] == 0 && p[0] != 0)
		be = 0;
	else if (n >= 16 && p[0] == 0 && p[1] != 0)
		be = 1;
	else
		return 0;
	size_t units = 0, good = 0;
	int want_low = 0;
	for (size_t i = start; i + 1 < n; i += 2) {
		unsigned u = be ? (unsigned)(p[i] << 8 | p[i + 1]) : (unsigned)(p[i + 1] << 8 | p[i]);
		units++;
		if (u == 0)
			return 0;
		if (want_low && (u < 0xdc00 || u >= 0xe000))
			return 0;
		if (!want_low && u >= 0xdc00 && u < 0xe000)
			return 0;
		want_low = u >= 0xd800 && u < 0xdc00;
		good += unit_textual(u);
	}
	return units >= 2 && good * 100 >= units * 95;
}

static int b64_val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int sniff_encoded_random(const uint8_t *p, size_t n)
{
	uint8_t out[3072];
	size_t digits = 0, hex = 1;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '\n' || c == '\r')
			continue;
		if (c == '=' && i + 3 >= n)
			continue; /* padding at the end */
		if (b64_val(c) < 0)
			return 0;
		hex &= lb_hexval(c) >= 0;
		digits++;
	}
	if (digits < 512 + 171)
		return 0;
	size_t m = 0;
	if (hex) {
		int hi = -1;
		for (size_t i = 0; i < n && m < sizeof(out); i++) {
			int v = lb_hexval(p[i]);
			if (v < 0)
				continue;
			if (hi < 0)
				hi = v;
			else
				out[m++] = (uint8_t)(hi << 4 | v), hi = -1;
		}
	} else {
		uint32_t acc = 0;
		int bits = 0;
		for (size_t i = 0; i < n && m < sizeof(out); i++) {
			int v = b64_val(p[i]);
			if (v < 0)
				continue;
			acc = acc << 6 | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				out[m++] = (uint8_t)(acc >> bits);
			}
		}
	}
	struct sniff_stats st;
	sniff_stats(out, m, &st);
	return st.random;
}

static int match_rest(const uint8_t *p, const char *needle, size_t k)
{
	for (size_t j = 1; j < k; j++) {
		uint8_t a = p[j], b = (uint8_t)needle[j];
		if (a >= 'A' && a <= 'Z')
			a += 32;
		if (b >= 'A' && b <= 'Z')
			b += 32;
		if (a != b)
			return 0;
	}
	return 1;
}

long sniff_find_ci(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (k == 0 || k > n)
		return k == 0 ? 0 : -1;
	uint8_t first = (uint8_t)needle[0];
	uint8_t lo = first >= 'A' && first <= 'Z' ? first + 32 : first;
	uint8_t up = first >= 'a' && first <= 'z' ? first - 32 : first;
	long best = -1;
	/* memchr for the first byte in each case: the scan runs at memory speed */
	for (int c = 0; c < (lo == up ? 1 : 2); c++) {
		const uint8_t *q = p, *end = p + n - k + 1;
		while (q < end && (q = memchr(q, c ? up : lo, (size_t)(end - q))) != NULL) {
			if (match_rest(q, needle, k)) {
				if (best < 0 || q - p < best)
					best = q - p;
				break;
			}
			q++;
		}
	}
	return best;
}
