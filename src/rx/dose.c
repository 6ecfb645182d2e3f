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

#include <pthread.h>
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

/* What follows a number, cp (rest: after it): a fraction — a slash (/, ／, ⁄) before a digit, or a vulgar fraction
 * (½, ¼, ⅓ …), never read as the number before it or as a unit. */
static int fraction_at(uint32_t cp, const char *rest)
{
	if (cp == 0xBC || cp == 0xBD || cp == 0xBE || (cp >= 0x2150 && cp <= 0x215E) || cp == 0x2189)
		return 1;
	if (cp != '/' && cp != 0xFF0F && cp != 0x2044)
		return 0;
	char a = ascii_of(next_cp(&rest));
	return a >= '0' && a <= '9';
}

/* An exponent after a number: e or E (any width), an optional sign, a digit (1e3, 5E-1). */
static int exponent_at(uint32_t cp, const char *rest)
{
	if (cp != 'e' && cp != 'E' && cp != 0xFF45 && cp != 0xFF25)
		return 0;
	uint32_t c = next_cp(&rest);
	if (c == '+' || c == '-' || c == 0xFF0B || c == 0xFF0D || c == 0x2212)
		c = next_cp(&rest);
	char a = ascii_of(c);
	return a >= '0' && a <= '9';
}

/* rx_parse_amount; *refused (when not NULL) gets the unit's start when the unit is the reason for the refusal. */
static int parse_amount(const char *s, double *v, const char **unit_out, const char **refused)
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
	if (fraction_at(cp, p))
		return lb_error_tr(LB_EINVAL,
		                   "'%s': a fraction is not accepted; write the amount as a decimal (1/2 → 0.5)",
		                   "'%s': 分数は使えません。小数で書いてください (1/2 → 0.5)", s);
	if (k && exponent_at(cp, p))
		return lb_error_tr(LB_EINVAL,
		                   "'%s': an exponent is not accepted; write the amount in full (1e3 → 1000)",
		                   "'%s': 指数表記は使えません。数字で書いてください (1e3 → 1000)", s);
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
		int rc = rx_unit_check(s, before); /* γ, kg, mg/kg …: refused, the unit named */
		if (rc < 0) {
			*v = 0;
			if (refused)
				*refused = before;
			return rc;
		}
		*unit_out = before;
	}
	return 0;
}

int rx_parse_amount(const char *s, double *v, const char **unit_out)
{
	return parse_amount(s, v, unit_out, NULL);
}

int rx_amount_unit_message(struct buf *out, const char *s, int ja)
{
	double v;
	const char *unit = NULL, *refused = NULL;
	if (!s || parse_amount(s, &v, &unit, &refused) == 0 || !refused)
		return 0;
	return rx_unit_message(out, s, refused, ja);
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

/* Units that are not a dose's: a body weight, a length, a temperature, a ratio, a time, other measures; and what
 * after a slash makes a dose unit a rate (mg/kg, mL/h, mg/日). Compared as search keys (width and case folded). */
static const char *const not_dose[] = {
        "kg",
        "キログラム",
        "キロ",
        "lb",
        "ポンド",
        "m",
        "cm",
        "mm",
        "km",
        "μm",
        "メートル",
        "センチ",
        "センチメートル",
        "ミリメートル",
        "inch",
        "インチ",
        "℃",
        "°c",
        "°",
        "度",
        "℉",
        "°f",
        "%",
        "パーセント",
        "‰",
        "w/v%",
        "w/w%",
        "h",
        "hr",
        "時間",
        "min",
        "分",
        "秒",
        "sec",
        "日",
        "週",
        "か月",
        "ヶ月",
        "歳",
        "才",
        "mmhg",
        "bpm",
        "m2",
        "m²",
        "㎡",
};
static const char *const per_rate[] = {"kg",   "m2",  "m²", "㎡", "h",   "hr", "hour", "時",
                                       "時間", "min", "分", "日", "day", "d",  "週"};

static struct {
	char *not_dose[LB_ARRAY_LEN(not_dose)];
	char *per_rate[LB_ARRAY_LEN(per_rate)];
} keys;
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static char *key_of(const char *s, size_t n)
{
	struct buf k = {0};
	text_search_key(&k, s, n);
	char *r = lb_strdup(buf_cstr(&k));
	buf_release(&k);
	return r;
}

static void build_keys(void)
{
	for (size_t i = 0; i < LB_ARRAY_LEN(not_dose); i++)
		keys.not_dose[i] = key_of(not_dose[i], strlen(not_dose[i]));
	for (size_t i = 0; i < LB_ARRAY_LEN(per_rate); i++)
		keys.per_rate[i] = key_of(per_rate[i], strlen(per_rate[i]));
}

static int in_keys(char *const *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], key))
			return 1;
	return 0;
}

/* 1: a unit of no dose (kg, cm, ℃, %, h …); 2: a dose unit per body weight, body surface or time (mg/kg, mL/h,
 * mg/日); 0: a dose's unit, or one not known (the check says it cannot compare it). */
static int not_dose_kind(const char *unit)
{
	while (*unit == ' ' || !strncmp(unit, "\u3000", 3))
		unit += *unit == ' ' ? 1 : 3;
	size_t n = strnlen(unit, 64);
	while (n && unit[n - 1] == ' ')
		n--;
	while (n >= 3 && !strncmp(unit + n - 3, "\u3000", 3))
		n -= 3;
	if (!n)
		return 0;
	pthread_once(&keys_once, build_keys);
	char *key = key_of(unit, n);
	int kind = in_keys(keys.not_dose, LB_ARRAY_LEN(keys.not_dose), key);
	char *slash = strrchr(key, '/');
	if (!kind && slash && slash > key && in_keys(keys.per_rate, LB_ARRAY_LEN(keys.per_rate), slash + 1)) {
		/* only a dose unit per something: 「回/日」 (times a day) is not a rate of a dose */
		*slash = 0;
		char canon[32];
		rx_unit_norm(key, canon, sizeof(canon));
		for (size_t i = 0; i < LB_ARRAY_LEN(units) && !kind; i++)
			kind = !strcmp(canon, units[i].canon) ? 2 : 0;
	}
	free(key);
	return kind;
}

int rx_unit_message(struct buf *out, const char *text, const char *unit, int ja)
{
	int kind = !unit ? 0 : rx_unit_refused(unit) ? 3 : not_dose_kind(unit);
	if (!kind)
		return 0;
	/* what was typed goes in front when it is more than the unit: 「'60kg': kg は…」 */
	if (text && text != unit)
		buf_addf(out, "'%s': ", text);
	if (kind == 1)
		buf_addf(out,
		         ja ? "%s は用量の単位ではありません (体重・長さ・温度・割合・時間)。mg, g, μg, mL, 錠 "
		              "などで書いてく"
		              "ださい"
		            : "%s is not a unit of a dose (a weight, length, temperature, percentage or time); write "
		              "the "
		              "dose in mg, g, μg, mL, 錠 …",
		         unit);
	else if (kind == 2)
		buf_addf(out,
		         ja ? "%s は体重・体表面積・時間あたりの量です。1回量を mg, g, μg, mL, 錠 "
		              "などで書き、回数は別に指"
		              "定してください"
		            : "%s is a dose per body weight, body surface or time; write the single dose in mg, g, μg, "
		              "mL, "
		              "錠 … and the times a day apart",
		         unit);
	else
		buf_adds(out, ja ? "γ は病棟では μg/kg/分 の意味で μg ではありません。μg か mg で書いてください"
		                 : "γ means μg/kg/min on a ward, not μg; write the dose in μg or mg");
	return 1;
}

int rx_unit_check(const char *text, const char *unit)
{
	struct buf m = {0};
	int rc = rx_unit_message(&m, text, unit, lb_lang() == LB_LANG_JA) ? lb_error(LB_EINVAL, "%s", buf_cstr(&m)) : 0;
	buf_release(&m);
	return rc;
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
