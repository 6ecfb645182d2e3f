/*
 * rules_value.c - one Sigma value with its modifiers: compiled once, matched against an event's field value.
 *
 * Sigma's case rule: plain values, wildcards and contains/startswith/endswith compare case-insensitively (ASCII
 * letters; other bytes as they are), `re` and `cased` case-sensitively. Wildcards * and ? (one byte) unless
 * escaped with a backslash (\* \? \\); any other backslash is itself.
 */
#include "logs/rules_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int has_mod(char **mods, size_t n, const char *m)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(mods[i], m) == 0)
			return 1;
	return 0;
}

/* ---- expansions: base64, base64offset, windash --------------------------------------------------------------- */

static char *b64(const unsigned char *s, size_t n, size_t *outn)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = lb_malloc(4 * (n / 3 + 1) + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		o[k++] = tab[(v >> 18) & 63];
		o[k++] = tab[(v >> 12) & 63];
		o[k++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		o[k++] = i + 2 < n ? tab[v & 63] : '=';
	}
	o[k] = 0;
	*outn = k;
	return o;
}

/* Sigma's base64offset: the value encoded at the three byte offsets it can have in a longer base64 text, with the
 * characters that depend on the neighbours cut off (pySigma SigmaBase64OffsetModifier). */
static size_t b64offset(const char *s, size_t n, char **out, size_t *outlen)
{
	static const int start[3] = {0, 2, 3}, endcut[3] = {0, 3, 2};
	for (int i = 0; i < 3; i++) {
		unsigned char *tmp = lb_malloc(n + 3);
		memset(tmp, ' ', (size_t)i);
		memcpy(tmp + i, s, n);
		size_t en;
		char *e = b64(tmp, n + (size_t)i, &en);
		free(tmp);
		size_t a = (size_t)start[i], cut = (size_t)endcut[(n + (size_t)i) % 3];
		size_t b = en > cut ? en - cut : 0;
		if (b < a)
			b = a;
		out[i] = lb_strndup(e + a, b - a);
		outlen[i] = b - a;
		free(e);
	}
	return 3;
}

/* windash: a dash or slash that starts an option (after a space or at the start, before a word character) in any
 * of the five forms Windows command lines accept; all such places take the same form, as pySigma does. */
static size_t windash(const char *s, size_t n, char **out, size_t *outlen)
{
	static const char *dash[5] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};
	for (int d = 0; d < 5; d++) {
		struct buf b = {0};
		for (size_t i = 0; i < n; i++) {
			int opt = (s[i] == '-' || s[i] == '/') && (i == 0 || s[i - 1] == ' ') && i + 1 < n &&
			          (isalnum((unsigned char)s[i + 1]) || s[i + 1] == '_');
			if (opt)
				buf_adds(&b, dash[d]);
			else
				buf_addch(&b, s[i]);
		}
		out[d] = buf_detach(&b, &outlen[d]);
	}
	return 5;
}

int lr_expand(const char *s, size_t n, char **mods, size_t nmods, char **out, size_t *outlen)
{
	char *w[5];
	size_t wl[5], nw;
	if (has_mod(mods, nmods, "windash")) {
		nw = windash(s, n, w, wl);
	} else {
		w[0] = lb_strndup(s, n);
		wl[0] = n;
		nw = 1;
	}
	size_t k = 0;
	for (size_t i = 0; i < nw; i++) {
		if (has_mod(mods, nmods, "base64offset")) {
			k += b64offset(w[i], wl[i], out + k, outlen + k);
			free(w[i]);
		} else if (has_mod(mods, nmods, "base64")) {
			out[k] = b64((const unsigned char *)w[i], wl[i], &outlen[k]);
			k++;
			free(w[i]);
		} else {
			out[k] = w[i];
			outlen[k++] = wl[i];
		}
	}
	return (int)k;
}

/* ---- compile ------------------------------------------------------------------------------------------------- */

static int parse_cidr(struct lr_val *v, const char *s, size_t n)
{
	char tmp[64];
	if (n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	char *slash = strchr(tmp, '/');
	long bits = -1;
	if (slash) {
		*slash = 0;
		char *end;
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end)
			return -1;
	}
	if (inet_pton(AF_INET, tmp, v->net) == 1)
		v->fam = 4;
	else if (inet_pton(AF_INET6, tmp, v->net) == 1)
		v->fam = 6;
	else
		return -1;
	int max = v->fam == 4 ? 32 : 128;
	if (bits < 0)
		bits = max;
	if (bits > max)
		return -1;
	v->bits = (int)bits;
	return 0;
}

/* The longest run of literal bytes of a glob: some of it occurs in every value the glob matches. */
static void longest_literal(struct lr_val *v)
{
	size_t best = 0, bestlen = 0, i = 0;
	while (i < v->len) {
		while (i < v->len && (v->pat[i] == LR_STAR || v->pat[i] == LR_QMARK))
			i++;
		size_t a = i;
		while (i < v->len && v->pat[i] != LR_STAR && v->pat[i] != LR_QMARK)
			i++;
		if (i - a > bestlen) {
			best = a;
			bestlen = i - a;
		}
	}
	if (bestlen >= 2) {
		v->lit = lb_strndup(v->pat + best, bestlen);
		for (size_t k = 0; k < bestlen; k++)
			v->lit[k] = (char)lower((unsigned char)v->lit[k]);
		v->litlen = bestlen;
	}
}

/*
 * A literal every match of a regex contains, for the prefilter: the longest run of plain characters at the top
 * level (outside groups and classes) of a regex without alternation, dropping a character a quantifier may repeat
 * zero times (? * {). Conservative: anything unusual gives no literal, and the rule is then evaluated always.
 */
static void re_literal(struct lr_val *v, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|')
			return;
		if (s[i] == '(' && i + 1 < n && s[i + 1] == '?') /* (?x) ignores spaces: no literal then */
			for (size_t k = i + 2; k < n && isalpha((unsigned char)s[k]); k++)
				if (s[k] == 'x')
					return;
	}
	struct buf run = {0}, best = {0};
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int lit = -1; /* the literal byte this position stands for, or -1 */
		size_t adv = 0;
		if (c == '\\' && i + 1 < n) {
			char d = s[i + 1];
			if (!isalnum((unsigned char)d) && d != ' ')
				lit = d; /* \. \( \\ … */
			adv = 1;
			if (isdigit((unsigned char)d) || strchr("xopPNgkucQ", d)) /* \x41 \p{L} \k<n>: not literal */
				while (i + adv + 1 < n &&
				       (isalnum((unsigned char)s[i + adv + 1]) || strchr("{}<>'", s[i + adv + 1])))
					adv++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			depth--;
		} else if (c == '[') { /* skip the class */
			size_t k = i + 1;
			if (k < n && s[k] == '^')
				k++;
			if (k < n && s[k] == ']')
				k++;
			while (k < n && s[k] != ']')
				k += s[k] == '\\' ? 2 : 1;
			adv = k - i;
		} else if (depth == 0 && (isalnum((unsigned char)c) || strchr(" _-:/=,;'\"<>@#%&~!", c))) {
			lit = c;
		}
		size_t next = i + adv + 1;
		int optional = next < n && (s[next] == '?' || s[next] == '*' || s[next] == '{');
		if (depth != 0 || lit < 0 || optional) {
			if (run.len > best.len) {
				buf_reset(&best);
				buf_add(&best, run.data, run.len);
			}
			buf_reset(&run);
		} else {
			buf_addch(&run, (char)lower(lit));
		}
		i += adv;
	}
	if (run.len > best.len) {
		buf_reset(&best);
		buf_add(&best, run.data, run.len);
	}
	if (best.len >= 3 && depth == 0) {
		v->lit = buf_detach(&best, &v->litlen);
	}
	buf_release(&run);
	buf_release(&best);
}

int lr_val_compile(struct lr_val *v, const char *s, size_t n, int is_null, char **mods, size_t nmods, int keyword,
                   const char **feature, const char **why)
{
	static const char *known[] = {"contains", "startswith", "endswith", "all",    "re",           "i",
	                              "m",        "s",          "cidr",     "base64", "base64offset", "exists",
	                              "lt",       "lte",        "gt",       "gte",    "windash",      "cased"};
	memset(v, 0, sizeof *v);
	for (size_t i = 0; i < nmods; i++) {
		size_t k = 0;
		while (k < LB_ARRAY_LEN(known) && strcmp(mods[i], known[k]) != 0)
			k++;
		if (k == LB_ARRAY_LEN(known)) {
			*feature = mods[i];
			return -1;
		}
	}
	int re = has_mod(mods, nmods, "re");
	if ((has_mod(mods, nmods, "i") || has_mod(mods, nmods, "m") || has_mod(mods, nmods, "s")) && !re) {
		*why = L_("the regex flags i, m, s need the modifier re",
		          "正規表現のフラグ i、m、s には修飾子 re が必要です");
		return -1;
	}
	if (has_mod(mods, nmods, "base64offset") && !has_mod(mods, nmods, "contains")) {
		*feature = "base64offset without contains";
		return -1;
	}
	if (is_null) {
		if (nmods && !(nmods == 1 && has_mod(mods, nmods, "all"))) {
			*why = L_("a null value takes no modifier", "null の値には修飾子を付けられません");
			return -1;
		}
		v->kind = LR_V_NULL;
		return 0;
	}
	if (has_mod(mods, nmods, "exists")) {
		v->kind = LR_V_EXISTS;
		if (n == 4 && strncmp(s, "true", 4) == 0)
			v->exists = 1;
		else if (!(n == 5 && strncmp(s, "false", 5) == 0)) {
			*why = L_("exists takes true or false", "exists には true か false を指定します");
			return -1;
		}
		return 0;
	}
	static const char *nums[] = {"lt", "lte", "gt", "gte"};
	for (int k = 0; k < 4; k++)
		if (has_mod(mods, nmods, nums[k])) {
			char tmp[64], *end;
			if (n == 0 || n >= sizeof tmp) {
				*why = L_("lt, lte, gt and gte take a number", "lt、lte、gt、gte には数を指定します");
				return -1;
			}
			memcpy(tmp, s, n);
			tmp[n] = 0;
			v->num = strtod(tmp, &end);
			if (*end) {
				*why = L_("lt, lte, gt and gte take a number", "lt、lte、gt、gte には数を指定します");
				return -1;
			}
			v->kind = LR_V_NUM;
			v->op = k;
			return 0;
		}
	if (has_mod(mods, nmods, "cidr")) {
		v->kind = LR_V_CIDR;
		if (parse_cidr(v, s, n) < 0) {
			*why = L_("not an address range (10.0.0.0/8, fd00::/8)",
			          "アドレス範囲ではありません (10.0.0.0/8、fd00::/8)");
			return -1;
		}
		return 0;
	}
	if (re) {
		uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
		if (has_mod(mods, nmods, "i"))
			opt |= PCRE2_CASELESS;
		if (has_mod(mods, nmods, "m"))
			opt |= PCRE2_MULTILINE;
		if (has_mod(mods, nmods, "s"))
			opt |= PCRE2_DOTALL;
		int err;
		PCRE2_SIZE off;
		v->re = pcre2_compile((PCRE2_SPTR)s, n, opt, &err, &off, NULL);
		if (!v->re) {
			*why = L_("the regular expression does not compile", "正規表現をコンパイルできません");
			return -1;
		}
		pcre2_jit_compile(v->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter when JIT is missing */
		v->kind = LR_V_RE;
		re_literal(v, s, n);
		return 0;
	}
	/* a glob; base64 text is case-sensitive by nature */
	v->kind = LR_V_GLOB;
	v->cased =
	        has_mod(mods, nmods, "cased") || has_mod(mods, nmods, "base64") || has_mod(mods, nmods, "base64offset");
	int pre = keyword || has_mod(mods, nmods, "contains") || has_mod(mods, nmods, "endswith");
	int post = keyword || has_mod(mods, nmods, "contains") || has_mod(mods, nmods, "startswith");
	struct buf b = {0};
	buf_grow(&b, n + 2);
	if (pre)
		buf_addch(&b, LR_STAR);
	int raw = has_mod(mods, nmods, "base64") || has_mod(mods, nmods, "base64offset"); /* no wildcards in base64 */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == LR_STAR || c == LR_QMARK || c == 0) {
			buf_release(&b);
			*why = L_("a control byte \x00-\x02 in a value", "値に制御文字 \x00-\x02 があります");
			return -1;
		}
		if (!raw && c == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
			c = s[++i];
		} else if (!raw && c == '*') {
			c = LR_STAR;
		} else if (!raw && c == '?') {
			c = LR_QMARK;
		}
		buf_addch(&b, v->cased ? c : (char)lower((unsigned char)c));
	}
	if (post)
		buf_addch(&b, LR_STAR);
	v->pat = buf_detach(&b, &v->len);
	longest_literal(v);
	return 0;
}

void lr_val_release(struct lr_val *v)
{
	free(v->pat);
	free(v->lit);
	if (v->re)
		pcre2_code_free(v->re);
	memset(v, 0, sizeof *v);
}

/* ---- match --------------------------------------------------------------------------------------------------- */

static int glob(const char *p, size_t pn, const char *s, size_t sn, int cased)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
	while (si < sn) {
		if (pi < pn && p[pi] == LR_STAR) {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		int c = (unsigned char)s[si];
		if (pi < pn && (p[pi] == LR_QMARK || (unsigned char)p[pi] == (cased ? c : lower(c)))) {
			pi++;
			si++;
			continue;
		}
		if (star_p != (size_t)-1) {
			pi = star_p;
			si = ++star_s;
			continue;
		}
		return 0;
	}
	while (pi < pn && p[pi] == LR_STAR)
		pi++;
	return pi == pn;
}

static int cidr_match(const struct lr_val *v, const char *s, size_t n)
{
	char tmp[64];
	uint8_t a[16];
	int fam;
	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	if (inet_pton(AF_INET, tmp, a) == 1) {
		fam = 4;
	} else if (inet_pton(AF_INET6, tmp, a) == 1) {
		fam = 6;
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (v->fam == 4 && memcmp(a, mapped, 12) == 0) { /* ::ffff:10.1.2.3 is 10.1.2.3 */
			memmove(a, a + 12, 4);
			fam = 4;
		}
	} else {
		return 0;
	}
	if (fam != v->fam)
		return 0;
	int full = v->bits / 8, rest = v->bits % 8;
	if (memcmp(a, v->net, (size_t)full) != 0)
		return 0;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((a[full] & mask) != (v->net[full] & mask))
			return 0;
	}
	return 1;
}

static _Thread_local pcre2_match_data *md;

int lr_val_match(const struct lr_val *v, const char *s, size_t n, int present)
{
	switch (v->kind) {
	case LR_V_NULL:
		return !present || n == 0;
	case LR_V_EXISTS:
		return present == v->exists;
	default:
		break;
	}
	if (!present)
		return 0;
	switch (v->kind) {
	case LR_V_GLOB:
		return glob(v->pat, v->len, s, n, v->cased);
	case LR_V_CIDR:
		return cidr_match(v, s, n);
	case LR_V_RE:
		if (!md)
			md = pcre2_match_data_create(1, NULL);
		return pcre2_match(v->re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
	case LR_V_NUM: {
		char tmp[64], *end;
		if (n == 0 || n >= sizeof tmp)
			return 0;
		memcpy(tmp, s, n);
		tmp[n] = 0;
		double x = strtod(tmp, &end);
		if (*end || end == tmp)
			return 0;
		switch (v->op) {
		case LR_LT:
			return x < v->num;
		case LR_LTE:
			return x <= v->num;
		case LR_GT:
			return x > v->num;
		default:
			return x >= v->num;
		}
	}
	default:
		return 0;
	}
}
