/*
 * text.h - Japanese text for lifeboat: the whole interface of src/text/.
 *
 * text knows no clinical format. It owns: strict UTF-8, decoding of the encodings Japanese EHR exports use
 * (ISO-2022-JP as SS-MIX2 writes it, with the CP932 extensions real feeds carry anyway; Shift_JIS/CP932 CSV files),
 * search keys that fold the ways one Japanese name can be typed, and dates written with Japanese eras.
 *
 * Decoding is done once at the edge into UTF-8. Nothing is dropped silently: a byte sequence that cannot be mapped
 * becomes U+FFFD in the output and is listed in a struct text_report, and callers keep the raw input.
 */
#ifndef LB_TEXT_H
#define LB_TEXT_H

#include "core/core.h"

/* ---- UTF-8 (utf8.c) ------------------------------------------------------------------------------------------ */

#define TEXT_REPLACEMENT 0xFFFDu

/*
 * Decode one code point from s[0..n). Returns its length in bytes (1..4) and *cp; for an invalid sequence (bad
 * lead, truncated, overlong, surrogate, > U+10FFFF) returns -1 with *cp = U+FFFD; callers skip one byte.
 */
int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Encode cp into out (4 bytes room); returns the length (U+FFFD for invalid code points). */
int utf8_encode(uint32_t cp, unsigned char out[4]);
/* 1 if s[0..n) is valid UTF-8. */
int utf8_valid(const char *s, size_t n);
/* Number of code points, counting each invalid byte as one. */
size_t utf8_count(const char *s, size_t n);
/* Append s to out with every invalid sequence replaced by U+FFFD; returns how many were replaced. */
size_t utf8_sanitize(struct buf *out, const char *s, size_t n);

/* ---- legacy Japanese encodings (jis.c) ----------------------------------------------------------------------- */

/* One place where input could not be mapped. */
struct text_bad {
	size_t offset;          /* byte offset in the input */
	unsigned char bytes[4]; /* the raw bytes (len of them) */
	uint8_t len;
	uint8_t kind; /* enum text_bad_kind */
};
enum text_bad_kind {
	TEXT_BAD_UNMAPPED = 1, /* a well-formed code with no character (外字, unassigned JIS rows) */
	TEXT_BAD_ESCAPE,       /* an unknown or truncated escape sequence */
	TEXT_BAD_TRUNCATED,    /* a two-byte character cut off at the end or by a control byte */
	TEXT_BAD_8BIT,         /* a byte >= 0x80 where the encoding allows none and no CP932 reading fits */
};
#define TEXT_REPORT_KEEP 32
/* What a decode found besides text. A zeroed struct is empty; it needs no release. */
struct text_report {
	size_t bad_count;                      /* every unmapped place */
	struct text_bad bad[TEXT_REPORT_KEEP]; /* the first TEXT_REPORT_KEEP of them */
	size_t nonstandard; /* characters outside JIS X 0208 / ASCII decoded anyway (CP932 extensions,
	                                          half-width kana, raw Shift_JIS bytes, JIS X 0212) */
	size_t escapes;     /* escape sequences seen */
};

enum text_encoding {
	TEXT_ENC_UTF8,
	TEXT_ENC_ISO2022JP, /* with the extensions below */
	TEXT_ENC_CP932,     /* Shift_JIS as Windows writes it */
	TEXT_ENC_EUCJP,
};

/*
 * Decode ISO-2022-JP as SS-MIX2 storage carries it, appending UTF-8 to out.
 *   - ESC ( B ASCII, ESC ( J JIS-Roman (¥ and ‾ kept as ASCII \ and ~, as every Japanese system does), ESC $ @ and
 *     ESC $ B JIS X 0208, ESC & @ ESC $ B (JIS X 0208-1990), ESC ( I and SO/SI half-width katakana, ESC $ ( D JIS X
 *     0212;
 *   - two-byte codes are read the way Windows (CP50220/CP932) reads them, so NEC row 13 (①, ㈱, ㍻), NEC-selected
 *     IBM extensions (髙, 﨑) and the CP932 forms of ～ and － decode instead of failing;
 *   - 8-bit bytes that should not be there are read as CP932 when they form a character, and reported;
 *   - CR, LF and other controls pass through and reset nothing but a broken two-byte character.
 * Returns the number of unmapped places (also in report->bad_count); report may be NULL.
 */
size_t text_decode_iso2022jp(struct buf *out, const char *in, size_t n, struct text_report *report);
/* Decode Shift_JIS / CP932 (hospital CSV exports), same reporting. */
size_t text_decode_cp932(struct buf *out, const char *in, size_t n, struct text_report *report);
/* Decode EUC-JP (JIS X 0208 and 0212, half-width kana via SS2). */
size_t text_decode_eucjp(struct buf *out, const char *in, size_t n, struct text_report *report);
/* Decode in the given encoding; TEXT_ENC_UTF8 validates and replaces invalid bytes. */
size_t text_decode(enum text_encoding enc, struct buf *out, const char *in, size_t n, struct text_report *report);
/*
 * Guess the encoding of a byte string: ESC sequences and no 8-bit bytes → ISO-2022-JP; valid UTF-8 with 8-bit
 * bytes → UTF-8; otherwise whichever of CP932 and EUC-JP decodes with fewer failures (CP932 on a tie).
 */
enum text_encoding text_guess_encoding(const char *in, size_t n);
/* Parse an encoding name (iso-2022-jp, jis, sjis, shift_jis, cp932, windows-31j, euc-jp, utf-8; any case). */
int text_encoding_parse(const char *name, enum text_encoding *enc);
const char *text_encoding_name(enum text_encoding enc);
/* Encode UTF-8 to ISO-2022-JP (JIS X 0208 through CP932's table, so ①, 髙, ～ round-trip; half-width katakana is
 * written as full-width, as the SS-MIX2 rules ask). Characters with no code become "〓" (0x222E) and are counted
 * in the return value. Used by the synthetic hospital and by tests. */
size_t text_encode_iso2022jp(struct buf *out, const char *utf8, size_t n);
/* Encode UTF-8 to CP932; unmappable characters become '?' and are counted. */
size_t text_encode_cp932(struct buf *out, const char *utf8, size_t n);

/* ---- search keys (key.c) ------------------------------------------------------------------------------------- */

/*
 * Fold a name or free text into a search key, so that the ways staff type a Japanese name meet:
 *   - width: full-width ASCII → ASCII, half-width katakana → full-width (with ﾞ and ﾟ composed);
 *   - script: hiragana → katakana; small kana → large (ァ→ア, ッ→ツ, ャ→ヤ);
 *   - voiced marks removed (ガ→カ, パ→ハ, ヴ→ウ), ヴァ/ヴィ… → バ/ビ… first;
 *   - long vowels: ー and its look-alikes (－ ‐ ― ～ 〜 ~) become the vowel of the kana before them, and a
 *     trailing ウ after an o-row kana becomes オ, イ after an e-row kana becomes エ (サトー = サトウ = サトオ);
 *   - ヲ → オ, ヂ → ジ → シ, ヅ → ズ → ス (by voiced-mark folding);
 *   - common kanji variants (異体字) → the usual form (髙→高, 﨑→崎, 齋→斎, 邊→辺, 澤→沢, 濱→浜 …);
 *   - ASCII letters lowercased; spaces of every width, middle dots and commas removed.
 * Display text is never passed through this; the key is only compared.
 */
void text_search_key(struct buf *out, const char *utf8, size_t n);
/* 1 if the string holds only kana (either script, any width), long marks and spaces: a reading, not kanji. */
int text_is_kana(const char *utf8, size_t n);
/*
 * Fold what a keyboard under a Japanese input method types for a code back to ASCII: full-width ASCII (０００１,
 * ＬＢＯ／), the ideographic space, 「・」 for / (the / key), 「ー」 and other dashes for -, 「。」 for . — the one
 * rule the barcode check and the patient search share. text_fold_ascii_char gives 0 for a code point with no ASCII
 * reading; text_fold_ascii writes the folded string to out and returns 0, or -1 (out unspecified) when some
 * character has none (a name, not a code) or the text is not UTF-8.
 */
int text_fold_ascii_char(uint32_t cp);
int text_fold_ascii(struct buf *out, const char *utf8, size_t n);
/* Fold half-width katakana to full-width (composing marks) and nothing else: for storing kana readings. */
void text_kana_fullwidth(struct buf *out, const char *utf8, size_t n);

/* ---- dates in Japanese (date.c) ------------------------------------------------------------------------------ */

/*
 * Parse a birth date or any calendar date as staff type it:
 *   1948-04-05, 1948/4/5, 19480405, 1948.4.5, 1948年4月5日,
 *   S23.4.5, S23/04/05, s230405 (era initial M T S H R), 昭和23年4月5日, 昭23.4.5, 昭和元年12月25日,
 *   full-width digits anywhere.
 * Era years are checked against the era's span (R1 starts 2019-05-01, H1 1989-01-08, S1 1926-12-25, T1 1912-07-30,
 * M1 1868-01-25 as used for birth dates). Returns 0 with y/m/d, or -LB_EINVAL.
 */
int text_parse_date(const char *s, int *y, int *m, int *d);
/* Write a date in the current era: "昭和23年4月5日" (ja) — for banners that show both. */
void text_format_era(struct buf *out, int y, int m, int d);

#endif /* LB_TEXT_H */
