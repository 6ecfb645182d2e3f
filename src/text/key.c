/*
 * key.c - search keys: fold the many ways one Japanese name can be typed into one string to compare.
 *
 * The folding rules are listed at text_search_key() in text.h. Tables are written as UTF-8 strings, one character
 * per code point of the range they cover, and decoded once into arrays: easier to check by eye than numbers.
 */
#include "text_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* U+30A1..U+30FA: the base kana (large, unvoiced) and its vowel. ヂ and ヅ sound as ジ and ズ (四つ仮名), so they
 * fold with them to シ and ス, not to チ and ツ. */
#define KATA_FIRST 0x30A1
#define KATA_LAST 0x30FA
static const char kata_base_src[] = "アアイイウウエエオオカカキキククケケココササシシススセセソソ"
                                    "タタチシツツステテトトナニヌネノハハハヒヒヒフフフヘヘヘホホホマミムメモ"
                                    "ヤヤユユヨヨラリルレロワワイエオンウカケワイエオ";
static const char kata_vowel_src[] = "aaiiuueeoo"
                                     "aaiiuueeoo"
                                     "aaiiuueeoo"
                                     "aaiiuuueeoo"
                                     "aiueo"
                                     "aaaiiiuuueeeooo"
                                     "aiueo"
                                     "aauuoo"
                                     "aiueo"
                                     "aaieo-uae"
                                     "aieo";
/* U+FF61..U+FF9F: half-width to full-width. */
static const char half_src[] = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテト"
                               "ナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";
/* Kana that take the voiced mark (゛) by adding one; the ハ row also takes ゜ by adding two. */
static const char voicable_src[] = "カキクケコサシスセソタチツテトハヒフヘホ";
/* 異体字: variant → usual form, in pairs. Names in hospital records use both; staff type the usual one. */
static const char variants_src[] = "髙高﨑崎嵜崎碕崎齋斎齊斎斉斎邊辺邉辺澤沢濱浜嶋島嶌島國国廣広櫻桜龍竜德徳惠恵"
                                   "眞真與与藏蔵瀧滝冨富槇槙舘館兒児壽寿實実條条淵渕曾曽萬万禮礼團団榮栄圓円"
                                   "學学聰聡亞亜驒騨增増黑黒靑青淸清\uFA19\u795E\uFA1B\u798F\uFA1A\u7965";

static uint32_t kata_base[KATA_LAST - KATA_FIRST + 1];
static char kata_vowel[KATA_LAST - KATA_FIRST + 1];
static uint32_t half_full[0xFF9F - 0xFF61 + 1];
static uint32_t voicable[32];
static size_t voicable_n;
struct variant {
	uint32_t from, to;
};
static struct variant variants[64];
static size_t variants_n;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static size_t decode_into(const char *s, uint32_t *out, size_t cap)
{
	size_t n = 0, len = strlen(s);
	for (size_t i = 0; i < len && n < cap;) {
		uint32_t cp;
		int l = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		i += l > 0 ? (size_t)l : 1;
		out[n++] = cp;
	}
	return n;
}

static int variant_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct variant *)a)->from, y = ((const struct variant *)b)->from;
	return x < y ? -1 : x > y;
}

static void build(void)
{
	decode_into(kata_base_src, kata_base, LB_ARRAY_LEN(kata_base));
	memcpy(kata_vowel, kata_vowel_src, sizeof(kata_vowel));
	decode_into(half_src, half_full, LB_ARRAY_LEN(half_full));
	voicable_n = decode_into(voicable_src, voicable, LB_ARRAY_LEN(voicable));
	uint32_t pairs[128];
	size_t n = decode_into(variants_src, pairs, LB_ARRAY_LEN(pairs));
	for (size_t i = 0; i + 1 < n && variants_n < LB_ARRAY_LEN(variants); i += 2) {
		variants[variants_n].from = pairs[i];
		variants[variants_n].to = pairs[i + 1];
		variants_n++;
	}
	qsort(variants, variants_n, sizeof(*variants), variant_cmp);
}

static void init(void)
{
	pthread_once(&once, build);
}

static int is_voicable(uint32_t cp)
{
	for (size_t i = 0; i < voicable_n; i++)
		if (voicable[i] == cp)
			return 1;
	return 0;
}

uint32_t kana_half_to_full(uint32_t cp, uint32_t next, int *used_next)
{
	*used_next = 0;
	if (cp < 0xFF61 || cp > 0xFF9F)
		return cp;
	init();
	uint32_t full = half_full[cp - 0xFF61];
	if (next == 0xFF9E) { /* ﾞ */
		if (is_voicable(full)) {
			*used_next = 1;
			return full + 1;
		}
		if (full == 0x30A6 || full == 0x30EF || full == 0x30F2) { /* ウ ワ ヲ → ヴ ヷ ヺ */
			*used_next = 1;
			return full == 0x30A6 ? 0x30F4 : full == 0x30EF ? 0x30F7 : 0x30FA;
		}
	} else if (next == 0xFF9F && full >= 0x30CF && full <= 0x30DB && is_voicable(full)) { /* ﾟ on the ハ row */
		*used_next = 1;
		return full + 2;
	}
	return full;
}

static uint32_t variant_of(uint32_t cp)
{
	struct variant key = {cp, 0};
	struct variant *v = bsearch(&key, variants, variants_n, sizeof(*variants), variant_cmp);
	return v ? v->to : cp;
}

static int is_long_mark(uint32_t cp)
{
	return cp == 0x30FC || cp == 0x2010 || cp == 0x2012 || cp == 0x2013 || cp == 0x2014 || cp == 0x2015 ||
	       cp == 0x2212 || cp == 0x2500 || cp == 0x301C || cp == 0x3030 || cp == '-' || cp == '~';
}

static int is_dropped(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0x30FB || cp == 0x00B7 || cp == ',' || cp == '.' ||
	       cp == 0x3001 || cp == 0x3002 || cp == 0xFF0C || cp == 0xFF0E || cp == '\'' || cp == 0x309B ||
	       cp == 0x309C || cp == 0x3099 || cp == 0x309A || cp == 0x309D || cp == 0x309E || cp == 0x30FD ||
	       cp == 0x30FE || cp == '\r' || cp == '\n';
}

/* First pass per character: width, case, script, variants. Returns 0 for a character that folds away. */
static uint32_t fold_char(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
		cp -= 0xFEE0;
	if (cp >= 'A' && cp <= 'Z')
		cp += 32;
	if (cp >= 0x3041 && cp <= 0x3096) /* hiragana → katakana */
		cp += 0x60;
	if (cp >= 0x2460 && cp <= 0x2473) /* ①..⑳ handled by the caller as digits */
		return cp;
	if (cp >= 0x4E00)
		cp = variant_of(cp);
	return cp;
}

static void add_vowel(struct buf *out, char v)
{
	static const char *k[] = {"ア", "イ", "ウ", "エ", "オ"};
	const char *vs = "aiueo";
	const char *p = strchr(vs, v);
	if (p && v)
		buf_adds(out, k[p - vs]);
}

void text_search_key(struct buf *out, const char *utf8, size_t n)
{
	const unsigned char *u = (const unsigned char *)utf8;
	char prev_vowel = 0; /* vowel of the last kana written, 0 after anything else */
	init();
	for (size_t i = 0; i < n;) {
		uint32_t cp, next = 0;
		int len = utf8_decode(u + i, n - i, &cp);
		if (len < 0) {
			i++;
			continue;
		}
		i += (size_t)len;
		if (i < n && utf8_decode(u + i, n - i, &next) < 0)
			next = 0;
		int used = 0;
		cp = kana_half_to_full(cp, next, &used);
		if (used) {
			uint32_t d;
			int l2 = utf8_decode(u + i, n - i, &d);
			i += l2 > 0 ? (size_t)l2 : 1;
			if (i < n && utf8_decode(u + i, n - i, &next) < 0)
				next = 0;
		}
		cp = fold_char(cp);
		if (is_dropped(cp)) {
			continue;
		}
		if (cp >= 0x2460 && cp <= 0x2473) { /* circled numbers */
			buf_addf(out, "%u", (unsigned)(cp - 0x2460 + 1));
			prev_vowel = 0;
			continue;
		}
		if (is_long_mark(cp)) {
			/* After a kana: the vowel it lengthens. Elsewhere (phone numbers, IDs): dropped. */
			if (prev_vowel && prev_vowel != '-')
				add_vowel(out, prev_vowel);
			continue;
		}
		if (cp >= KATA_FIRST && cp <= KATA_LAST) {
			/* ヴァ ヴィ ヴェ ヴォ → バ ビ ベ ボ, which fold to ハ ヒ ヘ ホ (the small kana in either width). */
			int unused;
			uint32_t nf = fold_char(kana_half_to_full(next, 0, &unused));
			if (cp == 0x30F4 && (nf == 0x30A1 || nf == 0x30A3 || nf == 0x30A7 || nf == 0x30A9)) {
				static const char *v[] = {"ハ", "ヒ", "", "ヘ", "ホ"};
				buf_adds(out, v[(nf - 0x30A1) / 2]);
				prev_vowel = kata_vowel[nf - KATA_FIRST];
				uint32_t d;
				int l2 = utf8_decode(u + i, n - i, &d);
				i += l2 > 0 ? (size_t)l2 : 1;
				continue;
			}
			if (cp == 0x30F4) /* ヴ alone is ブ: folds to フ */
				cp = 0x30D6;
			uint32_t base = kata_base[cp - KATA_FIRST];
			char vowel = kata_vowel[cp - KATA_FIRST];
			if (base == 0x30A6 && prev_vowel == 'o') { /* トウ → トオ */
				base = 0x30AA;
				vowel = 'o';
			} else if (base == 0x30A4 && prev_vowel == 'e') { /* ケイ → ケエ */
				base = 0x30A8;
				vowel = 'e';
			}
			buf_add_utf8(out, base);
			prev_vowel = vowel;
			continue;
		}
		buf_add_utf8(out, cp);
		prev_vowel = 0;
	}
	if (!out->data)
		buf_grow(out, 0);
}

int text_is_kana(const char *utf8, size_t n)
{
	const unsigned char *u = (const unsigned char *)utf8;
	int any = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int len = utf8_decode(u + i, n - i, &cp);
		if (len < 0)
			return 0;
		i += (size_t)len;
		if ((cp >= 0x3041 && cp <= 0x309F) || (cp >= 0x30A0 && cp <= 0x30FF) || (cp >= 0xFF66 && cp <= 0xFF9F))
			any = 1;
		else if (!(cp == ' ' || cp == 0x3000 || cp == 0xFF70 || cp == 0xFF65))
			return 0;
	}
	return any;
}

void text_kana_fullwidth(struct buf *out, const char *utf8, size_t n)
{
	const unsigned char *u = (const unsigned char *)utf8;
	for (size_t i = 0; i < n;) {
		uint32_t cp, next = 0;
		int len = utf8_decode(u + i, n - i, &cp);
		if (len < 0) {
			buf_add_utf8(out, TEXT_REPLACEMENT);
			i++;
			continue;
		}
		i += (size_t)len;
		if (i < n && utf8_decode(u + i, n - i, &next) < 0)
			next = 0;
		int used = 0;
		cp = kana_half_to_full(cp, next, &used);
		if (used) {
			uint32_t d;
			int l2 = utf8_decode(u + i, n - i, &d);
			i += l2 > 0 ? (size_t)l2 : 1;
		}
		buf_add_utf8(out, cp);
	}
	if (!out->data)
		buf_grow(out, 0);
}
