/*
 * json.c - a streaming JSON writer (see struct json_w in core.h). Output is always valid JSON text: strings are
 * escaped, invalid UTF-8 is replaced by U+FFFD, NaN and infinities become null.
 */
#include "core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* w->err bits: misuse (a bug of ours), and output that did not fit under the buffer's max. */
#define JSON_MISUSE 1
#define JSON_TOOBIG 2

static void fail(struct json_w *w)
{
	w->err |= JSON_MISUSE;
}

/* Every append goes through here, so that a buffer cap is never silently ignored. */
static void emit(struct json_w *w, const char *s, size_t n)
{
	if (buf_add(w->out, s, n) < 0)
		w->err |= JSON_TOOBIG;
}

static void quote(struct json_w *w, const char *s, size_t n);

static void emits(struct json_w *w, const char *s)
{
	emit(w, s, strlen(s));
}

static void indent(struct json_w *w)
{
	if (!w->pretty)
		return;
	emit(w, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		emit(w, "  ", 2);
}

/* Called before every value: commas in arrays, nothing after a key, misuse checks. */
static void before_value(struct json_w *w)
{
	if (w->depth == 0) {
		if (w->count[0]) /* several top-level values: JSON Lines, one per line */
			emit(w, "\n", 1);
		w->count[0] = 1;
		return;
	}
	if (w->kind[w->depth - 1] == 'o') {
		if (!w->want_value)
			fail(w);
		w->want_value = 0;
		return;
	}
	if (w->count[w->depth])
		emit(w, ",", 1);
	indent(w);
	w->count[w->depth] = 1;
}

static void open_container(struct json_w *w, char kind)
{
	before_value(w);
	if (w->depth >= LB_JSON_MAX_DEPTH) {
		fail(w);
		return;
	}
	emit(w, kind == 'o' ? "{" : "[", 1);
	w->kind[w->depth] = (uint8_t)kind;
	w->depth++;
	w->count[w->depth] = 0;
}

void json_obj(struct json_w *w)
{
	open_container(w, 'o');
}

void json_arr(struct json_w *w)
{
	open_container(w, 'a');
}

void json_end(struct json_w *w)
{
	if (w->depth == 0 || w->want_value) {
		fail(w);
		return;
	}
	int had = w->count[w->depth];
	char kind = (char)w->kind[w->depth - 1];
	w->depth--;
	if (had)
		indent(w);
	emit(w, kind == 'o' ? "}" : "]", 1);
}

void json_key(struct json_w *w, const char *key)
{
	if (w->depth == 0 || w->kind[w->depth - 1] != 'o' || w->want_value) {
		fail(w);
		return;
	}
	if (w->count[w->depth])
		emit(w, ",", 1);
	indent(w);
	w->count[w->depth] = 1;
	quote(w, key, strlen(key));
	emit(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->want_value = 1;
}

/* Length of a valid UTF-8 sequence at s (n bytes left), or 0 if invalid. Kept here: core knows no text/. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Quote into b, which has no cap: the whole string is then appended to the caller's buffer at once. */
static void quote_into(struct buf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	buf_grow(b, n + 2);
	buf_addch(b, '"');
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = s[i];
		const char *esc = NULL;
		char u[7];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (c >= 0x80) {
			size_t len = utf8_len(s + i, n - i);
			if (len) {
				i += len;
				run += len;
				continue;
			}
		}
		buf_add(b, s + i - run, run);
		run = 0;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			if (c < 0x20) {
				u[0] = '\\';
				u[1] = 'u';
				u[2] = '0';
				u[3] = '0';
				u[4] = hex[c >> 4];
				u[5] = hex[c & 15];
				u[6] = '\0';
				esc = u;
			} else {
				esc = "\xEF\xBF\xBD"; /* U+FFFD for an invalid byte */
			}
		}
		buf_adds(b, esc);
		i++;
	}
	buf_add(b, s + i - run, run);
	buf_addch(b, '"');
}

/* Appends the whole quoted string or, when it does not fit under b's max, nothing; returns 0 or -LB_ETOOBIG. */
static int quote_checked(struct buf *b, const char *s, size_t n)
{
	if (!b->max) {
		quote_into(b, s, n);
		return 0;
	}
	struct buf tmp = {0};
	quote_into(&tmp, s, n);
	int rc = buf_add(b, tmp.data, tmp.len);
	buf_release(&tmp);
	return rc;
}

void json_quote(struct buf *b, const char *s, size_t n)
{
	quote_checked(b, s, n);
}

static void quote(struct json_w *w, const char *s, size_t n)
{
	if (quote_checked(w->out, s, n) < 0)
		w->err |= JSON_TOOBIG;
}

void json_str(struct json_w *w, const char *s)
{
	if (!s) {
		json_null_value(w);
		return;
	}
	json_strn(w, s, strlen(s));
}

void json_strn(struct json_w *w, const char *s, size_t n)
{
	before_value(w);
	quote(w, s, n);
}

void json_int(struct json_w *w, int64_t v)
{
	char tmp[24];
	before_value(w);
	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	emits(w, tmp);
}

void json_uint(struct json_w *w, uint64_t v)
{
	char tmp[24];
	before_value(w);
	snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	emits(w, tmp);
}

void json_double(struct json_w *w, double v)
{
	before_value(w);
	if (!isfinite(v)) {
		emits(w, "null");
		return;
	}
	/* %.17g round-trips; trim to the shortest that does. A whole number is written whole (180, not 1.8e+02: a
	 * dose a person reads), up to where %g would write it that way anyway. */
	char tmp[40];
	if (v == trunc(v) && fabs(v) < 1e15) {
		snprintf(tmp, sizeof(tmp), "%.0f", v);
		emits(w, tmp);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	emits(w, tmp);
}

void json_bool(struct json_w *w, int v)
{
	before_value(w);
	emits(w, v ? "true" : "false");
}

void json_null_value(struct json_w *w)
{
	before_value(w);
	emits(w, "null");
}

void json_kv_str(struct json_w *w, const char *key, const char *s)
{
	json_key(w, key);
	json_str(w, s);
}

void json_kv_int(struct json_w *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_kv_bool(struct json_w *w, const char *key, int v)
{
	json_key(w, key);
	json_bool(w, v);
}

int json_finish(struct json_w *w)
{
	if ((w->err & JSON_MISUSE) || w->depth != 0 || w->want_value)
		return lb_error_tr(LB_EINTERNAL, "json writer misused", "JSON 出力の使い方の誤り (内部エラー)");
	if (w->err & JSON_TOOBIG)
		return lb_error_tr(LB_ETOOBIG, "json output larger than %zu bytes",
		                   "JSON 出力が %zu バイトを超えました", w->out->max);
	return 0;
}
