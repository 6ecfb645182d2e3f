/*
 * jis.c - ISO-2022-JP, Shift_JIS/CP932 and EUC-JP to UTF-8 (and back, for the synthetic hospital).
 *
 * SS-MIX2 files are ISO-2022-JP with JIS X 0208 only, but the systems that write them are Windows programs, so real
 * files carry what Microsoft's CP50220 writes: NEC row 13 (①, ㈱, ㍻), NEC-selected IBM extensions in rows 89-92
 * (髙, 﨑) and CP932's readings of 0x2141 and 0x215D (～ U+FF5E, － U+FF0D). glibc has no CP50220, so each JIS
 * pair is turned into its Shift_JIS bytes and read through glibc's CP932 table. The table is built once, the first
 * time it is needed, with one iconv call per code (11,340 of them, about a millisecond), and decoding is then a
 * table look-up per character.
 *
 * Nothing is dropped silently: what cannot be mapped becomes U+FFFD and is recorded in the caller's report.
 */
#include "text_int.h"

#include <iconv.h>
#include <pthread.h>
#include <string.h>

#define SJIS_LEADS 60   /* 0x81-0x9F, 0xE0-0xFC */
#define SJIS_TRAILS 189 /* 0x40-0xFC */

static uint16_t sjis_table[SJIS_LEADS * SJIS_TRAILS]; /* Unicode (BMP) of each CP932 pair, 0 = none */
static uint16_t jis0212_table[94 * 94];
static uint16_t *ucs_to_sjis; /* 65536 entries: the first CP932 pair of each BMP character, 0 = none */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static int lead_index(unsigned char b)
{
	if (b >= 0x81 && b <= 0x9F)
		return b - 0x81;
	if (b >= 0xE0 && b <= 0xFC)
		return b - 0xE0 + 31;
	return -1;
}

static int trail_index(unsigned char b)
{
	return b >= 0x40 && b <= 0xFC && b != 0x7F ? b - 0x40 : -1;
}

static uint32_t iconv_one(iconv_t cd, const unsigned char *in, size_t n)
{
	char src[4], dst[8];
	memcpy(src, in, n);
	char *ip = src, *op = dst;
	size_t il = n, ol = sizeof(dst);
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0 || sizeof(dst) - ol != 4)
		return 0;
	uint32_t cp = (uint32_t)(unsigned char)dst[0] | (uint32_t)(unsigned char)dst[1] << 8 |
	              (uint32_t)(unsigned char)dst[2] << 16 | (uint32_t)(unsigned char)dst[3] << 24;
	return cp > 0xFFFF ? 0 : cp;
}

static void build_tables(void)
{
	iconv_t cd = iconv_open("UTF-32LE", "CP932");
	if (cd != (iconv_t)-1) {
		for (int li = 0; li < SJIS_LEADS; li++) {
			unsigned char lead = (unsigned char)(li < 31 ? 0x81 + li : 0xE0 + li - 31);
			for (int ti = 0; ti < SJIS_TRAILS; ti++) {
				unsigned char pair[2] = {lead, (unsigned char)(0x40 + ti)};
				if (pair[1] == 0x7F)
					continue;
				uint32_t cp = iconv_one(cd, pair, 2);
				/* User-defined (外字) codes map to the Private Use Area: no meaning outside that hospital. */
				if (cp >= 0xE000 && cp <= 0xF8FF)
					cp = 0;
				sjis_table[li * SJIS_TRAILS + ti] = (uint16_t)cp;
			}
		}
		iconv_close(cd);
	}
	cd = iconv_open("UTF-32LE", "EUC-JP");
	if (cd != (iconv_t)-1) {
		for (int r = 0; r < 94; r++)
			for (int c = 0; c < 94; c++) {
				unsigned char seq[3] = {0x8F, (unsigned char)(0xA1 + r), (unsigned char)(0xA1 + c)};
				uint32_t cp = iconv_one(cd, seq, 3);
				jis0212_table[r * 94 + c] = (uint16_t)(cp >= 0xE000 && cp <= 0xF8FF ? 0 : cp);
			}
		iconv_close(cd);
	}
	ucs_to_sjis = lb_calloc(65536, sizeof(uint16_t));
	for (int li = 0; li < SJIS_LEADS; li++) {
		unsigned char lead = (unsigned char)(li < 31 ? 0x81 + li : 0xE0 + li - 31);
		for (int ti = 0; ti < SJIS_TRAILS; ti++) {
			uint16_t cp = sjis_table[li * SJIS_TRAILS + ti];
			if (cp && !ucs_to_sjis[cp])
				ucs_to_sjis[cp] = (uint16_t)(lead << 8 | (0x40 + ti));
		}
	}
	/* The JIS-standard readings of seven codes that CP932 reads otherwise (〜 for ～ at 0x2141, − for －, …):
	 * what iconv's ISO-2022-JP and macOS produce. glibc's CP932 encodes them one way; so do we. */
	static const uint16_t one_way[][2] = {{0x301C, 0x8160}, {0x2212, 0x817C}, {0x2016, 0x8161}, {0x2014, 0x815C},
	                                      {0x00A2, 0x8191}, {0x00A3, 0x8192}, {0x00AC, 0x81CA}};
	for (size_t i = 0; i < LB_ARRAY_LEN(one_way); i++)
		if (!ucs_to_sjis[one_way[i][0]])
			ucs_to_sjis[one_way[i][0]] = one_way[i][1];
}

static void tables(void)
{
	pthread_once(&tables_once, build_tables);
}

static uint32_t sjis_lookup(unsigned char lead, unsigned char trail)
{
	int li = lead_index(lead), ti = trail_index(trail);
	if (li < 0 || ti < 0)
		return 0;
	return sjis_table[li * SJIS_TRAILS + ti];
}

/* JIS X 0208 row/cell (0x21-0x7E each) to Shift_JIS bytes. */
static void jis_to_sjis(unsigned char j1, unsigned char j2, unsigned char *s1, unsigned char *s2)
{
	int row = j1 - 0x20, cell = j2 - 0x20;
	*s1 = (unsigned char)((row + 1) / 2 + (row <= 62 ? 0x80 : 0xC0));
	if (row & 1)
		*s2 = (unsigned char)(cell + (cell <= 63 ? 0x3F : 0x40));
	else
		*s2 = (unsigned char)(cell + 0x9E);
}

static int sjis_to_jis(uint16_t sjis, unsigned char *j1, unsigned char *j2)
{
	unsigned char s1 = (unsigned char)(sjis >> 8), s2 = (unsigned char)sjis;
	int row;
	if (s1 >= 0x81 && s1 <= 0x9F)
		row = (s1 - 0x80) * 2 - 1;
	else if (s1 >= 0xE0 && s1 <= 0xEF)
		row = (s1 - 0xC0) * 2 - 1;
	else
		return -1; /* rows above 94 (IBM extensions at 0xFA-0xFC, 外字) have no 7-bit code */
	int cell;
	if (s2 >= 0x9F) {
		row++;
		cell = s2 - 0x9E;
	} else {
		cell = s2 - (s2 >= 0x80 ? 0x40 : 0x3F);
	}
	if (row < 1 || row > 94 || cell < 1 || cell > 94)
		return -1;
	*j1 = (unsigned char)(row + 0x20);
	*j2 = (unsigned char)(cell + 0x20);
	return 0;
}

static void add_bad(struct text_report *r, size_t offset, const char *bytes, size_t len, int kind)
{
	if (!r)
		return;
	if (r->bad_count < TEXT_REPORT_KEEP) {
		struct text_bad *b = &r->bad[r->bad_count];
		b->offset = offset;
		b->len = (uint8_t)(len > 4 ? 4 : len);
		memcpy(b->bytes, bytes, b->len);
		b->kind = (uint8_t)kind;
	}
	r->bad_count++;
}

enum jis_mode { M_ASCII, M_ROMAN, M_X0208, M_KANA, M_X0212 };

/* Recognise the escape sequence at in[i] (in[i] == ESC); returns its length and sets *mode, or 0 if unknown. */
static size_t parse_escape(const char *in, size_t n, size_t i, enum jis_mode *mode, int *nonstandard)
{
	static const struct {
		const char *seq;
		enum jis_mode mode;
		int nonstandard;
	} escapes[] = {
	        {"\x1b(B", M_ASCII, 0},  {"\x1b(J", M_ROMAN, 0},  {"\x1b(H", M_ROMAN, 1},  {"\x1b$@", M_X0208, 0},
	        {"\x1b$B", M_X0208, 0},  {"\x1b$(B", M_X0208, 1}, {"\x1b$(@", M_X0208, 1}, {"\x1b(I", M_KANA, 1},
	        {"\x1b$(D", M_X0212, 1}, {"\x1b$(Q", M_X0208, 1}, {"\x1b$(O", M_X0208, 1},
	};
	if (n - i >= 3 && in[i + 1] == '&' && in[i + 2] == '@')
		return 3; /* JIS X 0208-1990 announcer: ESC $ B follows */
	for (size_t k = 0; k < LB_ARRAY_LEN(escapes); k++) {
		size_t len = strlen(escapes[k].seq);
		if (n - i >= len && memcmp(in + i, escapes[k].seq, len) == 0) {
			*mode = escapes[k].mode;
			*nonstandard = escapes[k].nonstandard;
			return len;
		}
	}
	return 0;
}

size_t text_decode_iso2022jp(struct buf *out, const char *in, size_t n, struct text_report *report)
{
	const unsigned char *u = (const unsigned char *)in;
	enum jis_mode mode = M_ASCII;
	int shifted = 0; /* SO ... SI: half-width katakana */
	size_t bad_before = report ? report->bad_count : 0, bad = 0;
	tables();
	buf_grow(out, n + n / 2);
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		/* Fast paths for the bulk of a message: a run of ASCII, or of JIS X 0208 pairs that map without remark.
		 * Anything else (escapes, shifts, 8-bit bytes, unmapped or extension codes) takes the general path. */
		if (!shifted && (mode == M_ASCII || mode == M_ROMAN) && c < 0x80 && c != 0x1b && c != 0x0e &&
		    c != 0x0f) {
			size_t j = i + 1;
			while (j < n && u[j] < 0x80 && u[j] != 0x1b && u[j] != 0x0e && u[j] != 0x0f)
				j++;
			buf_add(out, in + i, j - i);
			i = j;
			continue;
		}
		if (!shifted && mode == M_X0208 && c >= 0x21 && c <= 0x7e) {
			char chunk[192];
			size_t k = 0;
			while (i + 1 < n && u[i] >= 0x21 && u[i] <= 0x7e && u[i + 1] >= 0x21 && u[i + 1] <= 0x7e &&
			       !((u[i] >= 0x29 && u[i] <= 0x2f) || u[i] >= 0x75)) {
				unsigned char s1, s2;
				jis_to_sjis(u[i], u[i + 1], &s1, &s2);
				uint32_t cp = sjis_lookup(s1, s2);
				if (!cp || (cp >= 0xD800 && cp <= 0xDFFF))
					break;
				if (k + 3 > sizeof(chunk)) {
					buf_add(out, chunk, k);
					k = 0;
				}
				if (cp < 0x80) {
					chunk[k++] = (char)cp;
				} else if (cp < 0x800) {
					chunk[k++] = (char)(0xC0 | (cp >> 6));
					chunk[k++] = (char)(0x80 | (cp & 0x3F));
				} else {
					chunk[k++] = (char)(0xE0 | (cp >> 12));
					chunk[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					chunk[k++] = (char)(0x80 | (cp & 0x3F));
				}
				i += 2;
			}
			if (k) {
				buf_add(out, chunk, k);
				continue;
			}
		}
		if (c == 0x1b) {
			int nonstd = 0;
			enum jis_mode m = mode;
			size_t len = parse_escape(in, n, i, &m, &nonstd);
			if (report)
				report->escapes++;
			if (len == 0) {
				/* ISO 2022 shape: ESC, intermediates 0x20-0x2F, one final byte 0x30-0x7E. Skip it all. */
				size_t j = i + 1;
				while (j < n && u[j] >= 0x20 && u[j] <= 0x2f)
					j++;
				if (j < n && u[j] >= 0x30 && u[j] <= 0x7e)
					j++;
				add_bad(report, i, in + i, j - i, TEXT_BAD_ESCAPE);
				bad++;
				buf_add_utf8(out, TEXT_REPLACEMENT);
				i = j;
				continue;
			}
			if (nonstd && report)
				report->nonstandard++;
			mode = m;
			i += len;
			continue;
		}
		if (c == 0x0e || c == 0x0f) {
			shifted = c == 0x0e;
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			buf_addch(out, c);
			i++;
			continue;
		}
		if (c >= 0x80) {
			/* 8-bit bytes do not belong in ISO-2022-JP; real feeds carry raw Shift_JIS or 8-bit kana anyway. */
			uint32_t cp = 0;
			size_t len = 1;
			if (c >= 0xA1 && c <= 0xDF) {
				cp = 0xFF61 + (c - 0xA1);
			} else if (i + 1 < n && (cp = sjis_lookup(c, u[i + 1])) != 0) {
				len = 2;
			}
			if (cp) {
				if (report)
					report->nonstandard++;
				buf_add_utf8(out, cp);
			} else {
				add_bad(report, i, in + i, 1, TEXT_BAD_8BIT);
				bad++;
				buf_add_utf8(out, TEXT_REPLACEMENT);
			}
			i += len;
			continue;
		}
		if (c == 0x20) {
			buf_addch(out, ' ');
			i++;
			continue;
		}
		if (shifted || mode == M_KANA) {
			if (c <= 0x5f)
				buf_add_utf8(out, 0xFF61 + (c - 0x21));
			else {
				add_bad(report, i, in + i, 1, TEXT_BAD_UNMAPPED);
				bad++;
				buf_add_utf8(out, TEXT_REPLACEMENT);
			}
			if (report)
				report->nonstandard++;
			i++;
			continue;
		}
		if (mode == M_ASCII || mode == M_ROMAN) {
			buf_addch(out, c);
			i++;
			continue;
		}
		/* Two-byte modes. */
		if (i + 1 >= n || u[i + 1] < 0x21 || u[i + 1] > 0x7e) {
			add_bad(report, i, in + i, 1, TEXT_BAD_TRUNCATED);
			bad++;
			buf_add_utf8(out, TEXT_REPLACEMENT);
			i++;
			continue;
		}
		uint32_t cp = 0;
		if (mode == M_X0212) {
			cp = jis0212_table[(c - 0x21) * 94 + (u[i + 1] - 0x21)];
			if (cp && report)
				report->nonstandard++;
		} else {
			unsigned char s1, s2;
			jis_to_sjis(c, u[i + 1], &s1, &s2);
			cp = sjis_lookup(s1, s2);
			/* Rows 9-15 and 85-94 are outside JIS X 0208: NEC and IBM extensions. */
			if (cp && report && ((c >= 0x29 && c <= 0x2f) || c >= 0x75))
				report->nonstandard++;
		}
		if (cp) {
			buf_add_utf8(out, cp);
		} else {
			add_bad(report, i, in + i, 2, TEXT_BAD_UNMAPPED);
			bad++;
			buf_add_utf8(out, TEXT_REPLACEMENT);
		}
		i += 2;
	}
	(void)bad_before;
	return bad;
}

size_t text_decode_cp932(struct buf *out, const char *in, size_t n, struct text_report *report)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t bad = 0;
	tables();
	buf_grow(out, n + n / 2);
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c < 0x80) {
			buf_addch(out, c);
			i++;
		} else if (c >= 0xA1 && c <= 0xDF) {
			buf_add_utf8(out, 0xFF61 + (c - 0xA1));
			i++;
		} else if (lead_index(c) >= 0 && i + 1 < n && trail_index(u[i + 1]) >= 0) {
			uint32_t cp = sjis_lookup(c, u[i + 1]);
			if (cp) {
				buf_add_utf8(out, cp);
			} else {
				add_bad(report, i, in + i, 2, TEXT_BAD_UNMAPPED);
				bad++;
				buf_add_utf8(out, TEXT_REPLACEMENT);
			}
			i += 2;
		} else {
			add_bad(report, i, in + i, 1, lead_index(c) >= 0 ? TEXT_BAD_TRUNCATED : TEXT_BAD_8BIT);
			bad++;
			buf_add_utf8(out, TEXT_REPLACEMENT);
			i++;
		}
	}
	return bad;
}

size_t text_decode_eucjp(struct buf *out, const char *in, size_t n, struct text_report *report)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t bad = 0;
	tables();
	buf_grow(out, n + n / 2);
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		uint32_t cp = 0;
		size_t len = 1;
		if (c < 0x80) {
			buf_addch(out, c);
			i++;
			continue;
		}
		if (c == 0x8E && i + 1 < n && u[i + 1] >= 0xA1 && u[i + 1] <= 0xDF) {
			cp = 0xFF61 + (u[i + 1] - 0xA1);
			len = 2;
		} else if (c == 0x8F && i + 2 < n && u[i + 1] >= 0xA1 && u[i + 1] <= 0xFE && u[i + 2] >= 0xA1 &&
		           u[i + 2] <= 0xFE) {
			cp = jis0212_table[(u[i + 1] - 0xA1) * 94 + (u[i + 2] - 0xA1)];
			len = 3;
		} else if (c >= 0xA1 && c <= 0xFE && i + 1 < n && u[i + 1] >= 0xA1 && u[i + 1] <= 0xFE) {
			unsigned char s1, s2;
			jis_to_sjis((unsigned char)(c - 0x80), (unsigned char)(u[i + 1] - 0x80), &s1, &s2);
			cp = sjis_lookup(s1, s2);
			len = 2;
		}
		if (cp) {
			buf_add_utf8(out, cp);
		} else {
			add_bad(report, i, in + i, len, len == 1 ? TEXT_BAD_8BIT : TEXT_BAD_UNMAPPED);
			bad++;
			buf_add_utf8(out, TEXT_REPLACEMENT);
		}
		i += len;
	}
	return bad;
}

size_t text_decode(enum text_encoding enc, struct buf *out, const char *in, size_t n, struct text_report *report)
{
	switch (enc) {
	case TEXT_ENC_ISO2022JP:
		return text_decode_iso2022jp(out, in, n, report);
	case TEXT_ENC_CP932:
		return text_decode_cp932(out, in, n, report);
	case TEXT_ENC_EUCJP:
		return text_decode_eucjp(out, in, n, report);
	default: {
		size_t start = out->len;
		size_t bad = utf8_sanitize(out, in, n);
		if (bad && report) {
			/* Record where: walk the input again. */
			size_t i = 0;
			while (i < n) {
				uint32_t cp;
				int len = utf8_decode((const unsigned char *)in + i, n - i, &cp);
				if (len < 0) {
					add_bad(report, i, in + i, 1, TEXT_BAD_8BIT);
					i++;
				} else {
					i += (size_t)len;
				}
			}
		}
		(void)start;
		return bad;
	}
	}
}

static size_t count_halfwidth_kana(const struct buf *b)
{
	size_t count = 0;
	/* U+FF61..U+FF9F is EF BD A1..EF BE 9F in UTF-8. */
	for (size_t i = 0; i + 2 < b->len; i++)
		if ((unsigned char)b->data[i] == 0xEF &&
		    (((unsigned char)b->data[i + 1] == 0xBD && (unsigned char)b->data[i + 2] >= 0xA1) ||
		     ((unsigned char)b->data[i + 1] == 0xBE && (unsigned char)b->data[i + 2] <= 0x9F)))
			count++;
	return count;
}

enum text_encoding text_guess_encoding(const char *in, size_t n)
{
	int has_esc = 0, has_8bit = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == 0x1b && i + 1 < n && (in[i + 1] == '$' || in[i + 1] == '('))
			has_esc = 1;
		else if (c >= 0x80)
			has_8bit = 1;
	}
	/* ISO-2022-JP is the only one of these that uses escape sequences; its decoder reads stray 8-bit bytes too. */
	if (has_esc)
		return TEXT_ENC_ISO2022JP;
	if (!has_8bit || utf8_valid(in, n))
		return TEXT_ENC_UTF8;
	/* Both readings usually succeed: EUC-JP bytes in 0xA1-0xDF are also CP932 half-width katakana. Real text has
	 * few of those, so a reading's cost is its failures first, then its half-width katakana. */
	struct buf tmp = {0};
	size_t bad_sjis = text_decode_cp932(&tmp, in, n, NULL);
	size_t half_sjis = count_halfwidth_kana(&tmp);
	buf_reset(&tmp);
	size_t bad_euc = text_decode_eucjp(&tmp, in, n, NULL);
	size_t half_euc = count_halfwidth_kana(&tmp);
	buf_release(&tmp);
	if (bad_euc != bad_sjis)
		return bad_euc < bad_sjis ? TEXT_ENC_EUCJP : TEXT_ENC_CP932;
	return half_euc < half_sjis ? TEXT_ENC_EUCJP : TEXT_ENC_CP932;
}

int text_encoding_parse(const char *name, enum text_encoding *enc)
{
	static const struct {
		const char *name;
		enum text_encoding enc;
	} names[] = {
	        {"iso-2022-jp", TEXT_ENC_ISO2022JP},
	        {"iso2022jp", TEXT_ENC_ISO2022JP},
	        {"jis", TEXT_ENC_ISO2022JP},
	        {"cp932", TEXT_ENC_CP932},
	        {"sjis", TEXT_ENC_CP932},
	        {"shift_jis", TEXT_ENC_CP932},
	        {"shift-jis", TEXT_ENC_CP932},
	        {"windows-31j", TEXT_ENC_CP932},
	        {"ms932", TEXT_ENC_CP932},
	        {"euc-jp", TEXT_ENC_EUCJP},
	        {"eucjp", TEXT_ENC_EUCJP},
	        {"utf-8", TEXT_ENC_UTF8},
	        {"utf8", TEXT_ENC_UTF8},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(names); i++)
		if (strcasecmp(name, names[i].name) == 0) {
			*enc = names[i].enc;
			return 0;
		}
	return lb_error_tr(LB_EUSAGE, "unknown encoding '%s' (use iso-2022-jp, cp932, euc-jp or utf-8)",
	                   "文字コード '%s' には対応していません (iso-2022-jp、cp932、euc-jp、utf-8 のいずれか)", name);
}

const char *text_encoding_name(enum text_encoding enc)
{
	switch (enc) {
	case TEXT_ENC_ISO2022JP:
		return "iso-2022-jp";
	case TEXT_ENC_CP932:
		return "cp932";
	case TEXT_ENC_EUCJP:
		return "euc-jp";
	default:
		return "utf-8";
	}
}

size_t text_encode_iso2022jp(struct buf *out, const char *utf8, size_t n)
{
	const unsigned char *u = (const unsigned char *)utf8;
	int two_byte = 0;
	size_t bad = 0;
	tables();
	for (size_t i = 0; i < n;) {
		uint32_t cp, next = 0;
		int len = utf8_decode(u + i, n - i, &cp);
		if (len < 0)
			len = 1;
		if (i + (size_t)len < n) {
			int l2 = utf8_decode(u + i + len, n - i - (size_t)len, &next);
			if (l2 < 0)
				next = 0;
		}
		int used = 0;
		cp = kana_half_to_full(cp, next, &used);
		i += (size_t)len;
		if (used) {
			uint32_t dummy;
			int l2 = utf8_decode(u + i, n - i, &dummy);
			i += l2 > 0 ? (size_t)l2 : 1;
		}
		/* ESC, SO and SI would switch the reader's mode: no code, like characters without one. */
		if (cp < 0x80 && cp != 0x1b && cp != 0x0e && cp != 0x0f) {
			if (two_byte) {
				buf_add(out, "\x1b(B", 3);
				two_byte = 0;
			}
			buf_addch(out, (int)cp);
			continue;
		}
		unsigned char j1 = 0x22, j2 = 0x2e; /* 〓 */
		uint16_t sj = cp <= 0xFFFF ? ucs_to_sjis[cp] : 0;
		if (!sj || sjis_to_jis(sj, &j1, &j2) != 0) {
			j1 = 0x22;
			j2 = 0x2e;
			bad++;
		}
		if (!two_byte) {
			buf_add(out, "\x1b$B", 3);
			two_byte = 1;
		}
		buf_addch(out, j1);
		buf_addch(out, j2);
	}
	if (two_byte)
		buf_add(out, "\x1b(B", 3);
	return bad;
}

size_t text_encode_cp932(struct buf *out, const char *utf8, size_t n)
{
	const unsigned char *u = (const unsigned char *)utf8;
	size_t bad = 0;
	tables();
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int len = utf8_decode(u + i, n - i, &cp);
		i += len > 0 ? (size_t)len : 1;
		if (cp < 0x80) {
			buf_addch(out, (int)cp);
		} else if (cp >= 0xFF61 && cp <= 0xFF9F) {
			buf_addch(out, (int)(0xA1 + (cp - 0xFF61)));
		} else {
			uint16_t sj = cp <= 0xFFFF ? ucs_to_sjis[cp] : 0;
			if (sj) {
				buf_addch(out, sj >> 8);
				buf_addch(out, sj & 0xFF);
			} else {
				buf_addch(out, '?');
				bad++;
			}
		}
	}
	return bad;
}
