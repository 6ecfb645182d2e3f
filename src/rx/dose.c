/*
 * dose.c - amounts and units as written on a paper prescription: "250", "１２０", "1,500mg", "0.5g", "2錠";
 * unit spellings folded to one form (ｍｇ, MG, ㎎ → mg; mcg, µg → μg), conversion between units of one kind, and
 * the strength of a tablet read from its product name (ロキソニン錠60mg → 60 mg per tablet).
 *
 * Everything here parses text from outside (what a pharmacist types): bounded, no allocation, fuzzed
 * (tests/fuzz/fuzz_rx_dose.c).
 */
#include "rx.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

#define AMOUNT_MAX 1e7

/* Next code point of s (advancing *s); 0 at the end. Invalid bytes read as U+FFFD. */
static uint32_t next_cp(const char **s)
{
	const unsigned char *u = (const unsigned char *)*s;
	if (!*u)
		return 0;
	uint32_t cp;
	int n = utf8_decode(u, strnlen(*s, 4), &cp);
	*s += n > 0 ? n : 1;
	return cp;
}

/* ASCII value of a digit, '.' or ',' in any width, else 0. */
static char ascii_of(uint32_t cp)
{
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return (char)('0' + cp - 0xFF10);
	if (cp == 0xFF0E)
		return '.';
	if (cp == 0xFF0C || cp == 0x3001)
		return ',';
	if (cp < 0x80 && ((cp >= '0' && cp <= '9') || cp == '.' || cp == ','))
		return (char)cp;
	return 0;
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0x3000;
}

int rx_parse_amount(const char *s, double *v, const char **unit_out)
{
	char tmp[32];
	size_t k = 0;
	int dots = 0;
	const char *p = s, *before;
	*v = 0;
	if (unit_out)
		*unit_out = NULL;
	uint32_t cp;
	do {
		before = p;
		cp = next_cp(&p);
	} while (cp && is_space(cp));
	int group = -1; /* digits since the last thousands separator (-1: none seen yet) */
	size_t int_digits = 0;
	for (; cp; before = p, cp = next_cp(&p)) {
		char a = ascii_of(cp);
		if (!a)
			break;
		if (a == ',') {
			/* A thousands separator follows one to three digits (or a previous group of exactly three) and is
			 * followed by exactly three digits: 「1,500」. 「0,5」 (a European decimal) or 「1，5」 is refused,
			 * never read as 5 or 15. */
			if (dots || !int_digits || (group < 0 ? int_digits > 3 : group != 3))
				return lb_error_tr(
				        LB_EINVAL,
				        "'%s': a comma is only a thousands separator (1,500); write 0.5 with a point",
				        "'%s': カンマは桁区切り (1,500) にだけ使えます。0.5 は小数点で書いてください",
				        s);
			group = 0;
			continue;
		}
		if (a != '.' && !dots) {
			int_digits++;
			if (group >= 0)
				group++;
		}
		if (a == '.' && group >= 0 && group != 3)
			return lb_error_tr(
			        LB_EINVAL,
			        "'%s': a comma is only a thousands separator (1,500); write 0.5 with a point",
			        "'%s': カンマは桁区切り (1,500) にだけ使えます。0.5 は小数点で書いてください", s);
		if (a == '.')
			group = group >= 0 ? -2 : group;
		if (a == '.' && ++dots > 1)
			return lb_error_tr(LB_EINVAL, "'%s' is not an amount", "'%s' は数量ではありません", s);
		if (k + 1 >= sizeof(tmp))
			return lb_error_tr(LB_EINVAL, "amount '%.40s' is too long", "数量 '%.40s' が長すぎます", s);
		tmp[k++] = a;
	}
	tmp[k] = 0;
	if (group >= 0 && group != 3)
		return lb_error_tr(LB_EINVAL,
		                   "'%s': a comma is only a thousands separator (1,500); write 0.5 with a point",
		                   "'%s': カンマは桁区切り (1,500) にだけ使えます。0.5 は小数点で書いてください", s);
	if (!k || !strcmp(tmp, "."))
		return lb_error_tr(LB_EINVAL, "'%s' is not an amount", "'%s' は数量ではありません", s);
	*v = strtod(tmp, NULL);
	if (!(*v > 0) || *v >= AMOUNT_MAX)
		return lb_error_tr(LB_EINVAL, "amount '%s' is out of range", "数量 '%s' が範囲外です", s);
	/* The rest is the unit (spaces allowed before it). */
	while (cp && is_space(cp)) {
		before = p;
		cp = next_cp(&p);
	}
	if (cp) {
		if (!unit_out)
			return lb_error_tr(LB_EINVAL, "'%s' is not an amount", "'%s' は数量ではありません", s);
		if (rx_unit_refused(before))
			return lb_error_tr(
			        LB_EINVAL, "'%s': γ means μg/kg/min on a ward, not μg; write the dose in μg or mg",
			        "'%s': γ は病棟では μg/kg/分 の意味で μg ではありません。μg か mg で書いてください", s);
		*unit_out = before;
	}
	return 0;
}

static const struct {
	const char *canon;
	const char *spell[10];
} units[] = {
        {"mg", {"mg", "㎎", "ミリグラム"}},
        {"g", {"g", "グラム"}},
        {"μg", {"μg", "µg", "ug", "mcg", "㎍", "マイクログラム"}}, /* not γ: rx_unit_refused */
        {"mL", {"ml", "㎖", "cc", "ミリリットル"}},
        {"L", {"l", "ℓ", "リットル"}},
        {"錠", {"錠", "t", "tab", "tabs"}},
        {"カプセル", {"カプセル", "cap", "caps", "c", "cp"}},
        {"単位", {"単位", "u", "iu", "unit", "units"}},
        {"包", {"包", "pk"}},
        {"本", {"本", "a", "amp", "ｱﾝﾌﾟﾙ", "アンプル"}},
        {"枚", {"枚"}},
        {"滴", {"滴", "gtt"}},
        {"mEq", {"meq"}},
        {"mmol", {"mmol"}},
};

int rx_unit_refused(const char *unit)
{
	if (!unit)
		return 0;
	while (*unit == ' ' || !strncmp(unit, "\u3000", 3))
		unit += *unit == ' ' ? 1 : 3;
	return !strncmp(unit, "γ", strlen("γ")) || !strncmp(unit, "Γ", strlen("Γ"));
}

const char *rx_unit_norm(const char *unit, char *out, size_t cap)
{
	if (!cap)
		return out;
	out[0] = 0;
	if (!unit)
		return out;
	/* Fold width and case of ASCII with the search key (ｍｇ → mg, ＭＧ → mg); kana and kanji come back as they
	 * are except for script (hiragana → katakana), which no unit spelling depends on. */
	struct buf k = {0};
	text_search_key(&k, unit, strnlen(unit, 64));
	const char *key = buf_cstr(&k);
	for (size_t i = 0; i < LB_ARRAY_LEN(units); i++) {
		for (size_t j = 0; j < LB_ARRAY_LEN(units[i].spell) && units[i].spell[j]; j++) {
			struct buf sk = {0};
			text_search_key(&sk, units[i].spell[j], strlen(units[i].spell[j]));
			int same = !strcmp(buf_cstr(&sk), key) || !strcmp(units[i].spell[j], unit);
			buf_release(&sk);
			if (same) {
				snprintf(out, cap, "%s", units[i].canon);
				buf_release(&k);
				return out;
			}
		}
	}
	buf_release(&k);
	/* Unknown: copy trimmed of ASCII spaces, cut at a character boundary. */
	while (*unit == ' ')
		unit++;
	size_t n = strnlen(unit, cap - 1);
	while (n && (unit[n - 1] == ' ' || ((unsigned char)unit[n] & 0xC0) == 0x80))
		n--;
	memcpy(out, unit, n);
	out[n] = 0;
	return out;
}

/* Mass in mg, volume in mL: the scale of a canonical unit within its kind, 0 if none. */
static double scale(const char *u, int *kind)
{
	static const struct {
		const char *u;
		int kind;
		double f;
	} t[] = {{"mg", 1, 1}, {"g", 1, 1000}, {"μg", 1, 0.001}, {"mL", 2, 1}, {"L", 2, 1000}};
	for (size_t i = 0; i < LB_ARRAY_LEN(t); i++)
		if (!strcmp(u, t[i].u)) {
			*kind = t[i].kind;
			return t[i].f;
		}
	*kind = 0;
	return 0;
}

double rx_unit_factor(const char *from, const char *to)
{
	if (!from || !to || !*from || !*to)
		return 0;
	if (!strcmp(from, to))
		return 1;
	int k1, k2;
	double a = scale(from, &k1), b = scale(to, &k2);
	return k1 && k1 == k2 ? a / b : 0;
}

int rx_strength_from_name(const char *name, double *amount, char *unit, size_t cap)
{
	if (!name)
		return 0;
	int found = 0;
	const char *p = name;
	size_t len = strnlen(name, 512);
	const char *end = name + len;
	while (p < end) {
		uint32_t cp;
		const char *start = p;
		int n = utf8_decode((const unsigned char *)p, (size_t)(end - p), &cp);
		p += n > 0 ? n : 1;
		if (!ascii_of(cp) || ascii_of(cp) == ',' || ascii_of(cp) == '.')
			continue;
		/* a number starts here: read it with what follows */
		double v;
		const char *u;
		char num[32];
		size_t k = 0;
		const char *q = start;
		while (q < end && k + 1 < sizeof(num)) {
			const char *r = q;
			uint32_t c = next_cp(&r);
			char a = ascii_of(c);
			if (!a || a == ',')
				break;
			num[k++] = a;
			q = r;
		}
		num[k] = 0;
		p = q;
		if (rx_parse_amount(num, &v, NULL) < 0)
			continue;
		/* the unit: ASCII letters or μ/µ right after the number */
		char ub[16];
		size_t m = 0;
		u = q;
		while (u < end && m + 4 < sizeof(ub)) {
			const char *r = u;
			uint32_t c = next_cp(&r);
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == 0x3BC || c == 0xB5))
				break;
			memcpy(ub + m, u, (size_t)(r - u));
			m += (size_t)(r - u);
			u = r;
		}
		ub[m] = 0;
		char canon[16];
		rx_unit_norm(ub, canon, sizeof(canon));
		int kind;
		if (m && scale(canon, &kind) > 0) {
			*amount = v;
			snprintf(unit, cap, "%s", canon);
			found = 1; /* keep the last one: "…注5千単位/5mL" reads 5 mL, "錠60mg" 60 mg */
		}
	}
	return found;
}
