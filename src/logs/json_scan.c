/*
 * json_scan.c - the flattening JSON scanner of json_scan.h (RFC 8259; strings decoded to UTF-8, \u surrogate pairs
 * joined, lone surrogates as U+FFFD).
 */
#include "logs/json_scan.h"

struct scan {
	const char *p, *end;
	struct log_event *e;
	json_leaf_fn fn;
	void *ctx;
	char path[JSON_PATH_MAX];
	size_t path_len;
	int depth;
};

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = p[i] >= '0' && p[i] <= '9'                 ? p[i] - '0'
		        : (p[i] | 32) >= 'a' && (p[i] | 32) <= 'f' ? (p[i] | 32) - 'a' + 10
		                                                   : -1;
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | cp >> 12);
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | cp >> 18);
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* A string at s->p (the opening quote): the value in the line, or decoded into the arena when escaped (NULL with
 * len 0 when the arena is full: the value is dropped, the scan goes on). */
static int string(struct scan *s, const char **val, size_t *len)
{
	const char *p = ++s->p, *q = p;
	int esc = 0;
	while (q < s->end && *q != '"') {
		if ((unsigned char)*q < 0x20)
			return -1;
		if (*q == '\\') {
			esc = 1;
			q++;
		}
		q++;
	}
	if (q >= s->end)
		return -1;
	s->p = q + 1;
	if (!esc) {
		*val = p;
		*len = (size_t)(q - p);
		return 0;
	}
	/* decoded is never longer than the escaped form (\uXXXX: 6 bytes → ≤ 3; a pair: 12 → 4) */
	size_t cap = (size_t)(q - p);
	char *d = ev_alloc(s->e, cap);
	size_t o = 0;
	for (const char *r = p; r < q; r++) {
		if (*r != '\\') {
			if (d)
				d[o] = *r;
			o++;
			continue;
		}
		r++;
		char c = *r, out;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			out = c;
			break;
		case 'b':
			out = '\b';
			break;
		case 'f':
			out = '\f';
			break;
		case 'n':
			out = '\n';
			break;
		case 'r':
			out = '\r';
			break;
		case 't':
			out = '\t';
			break;
		case 'u': {
			unsigned cp;
			if (q - r < 5 || hex4(r + 1, &cp) < 0)
				return -1;
			r += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && q - r >= 7 && r[1] == '\\' && r[2] == 'u') {
				unsigned lo;
				if (hex4(r + 3, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					r += 6;
				}
			}
			if (cp >= 0xD800 && cp < 0xE000)
				cp = 0xFFFD;
			char tmp[4];
			size_t k = put_utf8(tmp, cp);
			if (d)
				memcpy(d + o, tmp, k);
			o += k;
			continue;
		}
		default:
			return -1;
		}
		if (d)
			d[o] = out;
		o++;
	}
	if (d)
		s->e->arena_used -= cap - o;
	*val = d;
	*len = d ? o : 0;
	return 0;
}

static int value(struct scan *s, const char *key, size_t klen);

static void leaf(struct scan *s, const char *key, size_t klen, const char *v, size_t vl, enum json_kind k)
{
	struct json_leaf l = {s->path, s->path_len, key, klen, v, vl, k};
	s->fn(s->ctx, s->e, &l);
}

static int object(struct scan *s)
{
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	size_t base = s->path_len;
	for (;;) {
		ws(s);
		if (s->p >= s->end || *s->p != '"')
			return -1;
		const char *k;
		size_t kl;
		if (string(s, &k, &kl) < 0)
			return -1;
		ws(s);
		if (s->p >= s->end || *s->p != ':')
			return -1;
		s->p++;
		size_t need = base + (base ? 1 : 0) + kl;
		if (need < JSON_PATH_MAX && k) {
			if (base)
				s->path[base] = '.';
			memcpy(s->path + base + (base ? 1 : 0), k, kl);
			s->path_len = need;
		} else {
			s->path_len = base;
		}
		if (value(s, k, kl) < 0)
			return -1;
		s->path_len = base;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			return 0;
		}
		return -1;
	}
}

static int array(struct scan *s, const char *key, size_t klen)
{
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (value(s, key, klen) < 0)
			return -1;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		return -1;
	}
}

static int literal(struct scan *s, const char *lit, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n))
		return -1;
	s->p += n;
	return 0;
}

static int value(struct scan *s, const char *key, size_t klen)
{
	ws(s);
	if (s->p >= s->end)
		return -1;
	const char *v = s->p;
	int rc = 0;
	switch (*s->p) {
	case '{':
	case '[':
		if (++s->depth > JSON_DEPTH_MAX)
			return -1;
		rc = *s->p == '{' ? object(s) : array(s, key, klen);
		s->depth--;
		return rc;
	case '"': {
		const char *sv;
		size_t sl;
		if (string(s, &sv, &sl) < 0)
			return -1;
		if (sv)
			leaf(s, key, klen, sv, sl, JSV_STRING);
		return 0;
	}
	case 't':
		rc = literal(s, "true", 4);
		if (!rc)
			leaf(s, key, klen, v, 4, JSV_BOOL);
		return rc;
	case 'f':
		rc = literal(s, "false", 5);
		if (!rc)
			leaf(s, key, klen, v, 5, JSV_BOOL);
		return rc;
	case 'n':
		return literal(s, "null", 4); /* no field: Sigma's `field: null` means the field is absent */
	default: {
		const char *q = s->p;
		if (q < s->end && *q == '-')
			q++;
		const char *d0 = q;
		while (q < s->end && (is_digit(*q) || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' || *q == '-'))
			q++;
		if (q == d0 || !is_digit(*d0))
			return -1;
		s->p = q;
		leaf(s, key, klen, v, (size_t)(q - v), JSV_NUMBER);
		return 0;
	}
	}
}

int json_scan(struct log_event *e, const char *p, size_t n, json_leaf_fn fn, void *ctx)
{
	struct scan s = {.p = p, .end = p + n, .e = e, .fn = fn, .ctx = ctx};
	ws(&s);
	if (s.p >= s.end || *s.p != '{')
		return -1;
	s.depth = 1;
	if (object(&s) < 0)
		return -1;
	ws(&s);
	return s.p == s.end ? 0 : -1;
}
