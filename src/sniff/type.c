/*
 * type.c - the type of a file from its first bytes, by structure: magic numbers plus a light check of what must
 * follow them (a zip local header's sizes, gzip's reserved flag bits, a PNG's IHDR chunk, a PE header where MZ
 * points), then text in the encodings Japanese hospitals use, then "random" (what encryption leaves) against
 * "unknown" binary. A known format is never called random, however random its body.
 */
#include <string.h>

#include "sniff/sniff.h"
#include "sniff/sniff_int.h"
#include "text/text.h"

static const char *const type_names[SNIFF_TYPE_COUNT] = {
        [SNIFF_EMPTY] = "empty",       [SNIFF_UNKNOWN] = "unknown",
        [SNIFF_RANDOM] = "random",     [SNIFF_TEXT] = "text",
        [SNIFF_UTF16_TEXT] = "utf16",  [SNIFF_HL7] = "hl7",
        [SNIFF_XML] = "xml",           [SNIFF_JSON] = "json",
        [SNIFF_PDF] = "pdf",           [SNIFF_ZIP] = "zip",
        [SNIFF_OLE] = "ole",           [SNIFF_GZIP] = "gzip",
        [SNIFF_ZSTD] = "zstd",         [SNIFF_XZ] = "xz",
        [SNIFF_BZIP2] = "bzip2",       [SNIFF_7Z] = "7z",
        [SNIFF_RAR] = "rar",           [SNIFF_TAR] = "tar",
        [SNIFF_JPEG] = "jpeg",         [SNIFF_PNG] = "png",
        [SNIFF_GIF] = "gif",           [SNIFF_TIFF] = "tiff",
        [SNIFF_BMP] = "bmp",           [SNIFF_WEBP] = "webp",
        [SNIFF_DICOM] = "dicom",       [SNIFF_MP4] = "mp4",
        [SNIFF_MP3] = "mp3",           [SNIFF_SQLITE] = "sqlite",
        [SNIFF_ELF] = "elf",           [SNIFF_PE] = "pe",
        [SNIFF_LIFEBOAT] = "lifeboat",
};

const char *sniff_type_name(enum sniff_type t)
{
	if ((unsigned)t >= SNIFF_TYPE_COUNT)
		return "unknown";
	return type_names[t];
}

enum sniff_type sniff_type_from_name(const char *name)
{
	for (int i = 0; name && i < SNIFF_TYPE_COUNT; i++)
		if (!strcmp(name, type_names[i]))
			return (enum sniff_type)i;
	return SNIFF_UNKNOWN;
}

int sniff_type_compressed(enum sniff_type t)
{
	switch (t) {
	case SNIFF_ZIP:
	case SNIFF_GZIP:
	case SNIFF_ZSTD:
	case SNIFF_XZ:
	case SNIFF_BZIP2:
	case SNIFF_7Z:
	case SNIFF_RAR:
	case SNIFF_JPEG:
	case SNIFF_PNG:
	case SNIFF_GIF:
	case SNIFF_WEBP:
	case SNIFF_MP4:
	case SNIFF_MP3:
	case SNIFF_PDF:
	case SNIFF_LIFEBOAT:
		return 1;
	default:
		return 0;
	}
}

int sniff_type_document(enum sniff_type t)
{
	switch (t) {
	case SNIFF_TEXT:
	case SNIFF_UTF16_TEXT:
	case SNIFF_HL7:
	case SNIFF_XML:
	case SNIFF_JSON:
	case SNIFF_PDF:
	case SNIFF_ZIP:
	case SNIFF_OLE:
	case SNIFF_JPEG:
	case SNIFF_PNG:
	case SNIFF_GIF:
	case SNIFF_TIFF:
	case SNIFF_BMP:
	case SNIFF_WEBP:
	case SNIFF_DICOM:
	case SNIFF_SQLITE:
	case SNIFF_TAR:
	case SNIFF_MP4:
		return 1;
	default:
		return 0;
	}
}

static uint32_t rd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int has(const uint8_t *p, size_t n, size_t off, const void *magic, size_t len)
{
	return n >= off + len && memcmp(p + off, magic, len) == 0;
}

/* PK\3\4: version needed is small, the name length fits, general-purpose flag bits 7-10 unused. Also the empty
 * archive (PK\5\6) and spanned archives (PK\7\8). */
static int is_zip(const uint8_t *p, size_t n)
{
	if (has(p, n, 0, "PK\x05\x06", 4) || has(p, n, 0, "PK\x07\x08PK\x03\x04", 8))
		return 1;
	if (!has(p, n, 0, "PK\x03\x04", 4))
		return 0;
	if (n < 30)
		return 1;
	unsigned version = p[4] | p[5] << 8, method = p[8] | p[9] << 8, name_len = p[26] | p[27] << 8;
	return version <= 100 && (method <= 20 || method == 93 || method == 95 || method == 98 || method == 99) &&
	       name_len > 0 && name_len < 4096;
}

/* 1F 8B, method 8 (deflate), reserved flag bits zero, XFL 0, 2 or 4. */
static int is_gzip(const uint8_t *p, size_t n)
{
	if (!has(p, n, 0, "\x1f\x8b\x08", 3))
		return 0;
	return n < 10 || ((p[3] & 0xe0) == 0 && (p[8] == 0 || p[8] == 2 || p[8] == 4));
}

/* zstd frame (reserved bit 3 of the frame header descriptor zero) or a skippable frame 0x184D2A5?. */
static int is_zstd(const uint8_t *p, size_t n)
{
	if (has(p, n, 0, "\x28\xb5\x2f\xfd", 4))
		return n < 5 || (p[4] & 0x08) == 0;
	return n >= 8 && (rd_le32(p) & 0xfffffff0u) == 0x184d2a50u;
}

static int is_png(const uint8_t *p, size_t n)
{
	if (!has(p, n, 0, "\x89PNG\r\n\x1a\n", 8))
		return 0;
	return n < 16 || (rd_be32(p + 8) == 13 && !memcmp(p + 12, "IHDR", 4));
}

/* SOI then a marker: APPn, DQT, SOF, DHT, COM. */
static int is_jpeg(const uint8_t *p, size_t n)
{
	if (!has(p, n, 0, "\xff\xd8\xff", 3))
		return 0;
	return n < 4 || (p[3] >= 0xe0 && p[3] <= 0xef) || p[3] == 0xdb || p[3] == 0xfe || p[3] == 0xc0 ||
	       p[3] == 0xc4 || p[3] == 0xee;
}

static int is_bmp(const uint8_t *p, size_t n)
{
	if (!has(p, n, 0, "BM", 2) || n < 18)
		return 0;
	uint32_t hdr = rd_le32(p + 14);
	return rd_le32(p + 6) == 0 &&
	       (hdr == 12 || hdr == 40 || hdr == 52 || hdr == 56 || hdr == 64 || hdr == 108 || hdr == 124);
}

/* ISO base media: a box whose type is "ftyp" with a sane size and a printable brand. */
static int is_mp4(const uint8_t *p, size_t n)
{
	if (!has(p, n, 4, "ftyp", 4))
		return 0;
	uint32_t size = rd_be32(p);
	if (size < 8 || size > 4096 || n < 12)
		return 0;
	for (int i = 8; i < 12; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

/* An ID3 tag, or two MPEG audio frames in a row (bitrate and rate indexes valid, the second where the first says). */
static int is_mp3(const uint8_t *p, size_t n)
{
	if (has(p, n, 0, "ID3", 3))
		return n < 10 || (p[3] >= 2 && p[3] <= 4 && p[4] != 0xff && (p[5] & 0x0f) == 0 &&
		                  ((p[6] | p[7] | p[8] | p[9]) & 0x80) == 0);
	if (n < 4 || p[0] != 0xff || (p[1] & 0xe0) != 0xe0)
		return 0;
	static const int kbps[16] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0};
	static const int rate[4] = {44100, 48000, 32000, 0};
	int version = (p[1] >> 3) & 3, layer = (p[1] >> 1) & 3, bi = p[2] >> 4, ri = (p[2] >> 2) & 3;
	if (version != 3 || layer != 1 || !kbps[bi] || !rate[ri])
		return 0; /* MPEG-1 layer III only: the others are too easy to hit by chance */
	size_t len = (size_t)(144000 * kbps[bi] / rate[ri]) + ((p[2] >> 1) & 1);
	return n >= len + 2 && p[len] == 0xff && (p[len + 1] & 0xe0) == 0xe0;
}

/* MZ whose e_lfanew points at "PE\0\0" (when the head reaches that far). */
static int is_pe(const uint8_t *p, size_t n)
{
	if (!has(p, n, 0, "MZ", 2) || n < 64)
		return 0;
	uint32_t off = rd_le32(p + 60);
	if (off < 64 || off > 1u << 16)
		return 0;
	return off + 4 > n || !memcmp(p + off, "PE\0\0", 4);
}

/* Our own repository objects: "LBV" and five upper-case letters or digits ("LBVPACK1", "LBVIDX01"). */
static int is_lifeboat(const uint8_t *p, size_t n)
{
	if (!has(p, n, 0, "LBV", 3) || n < 8)
		return 0;
	for (int i = 3; i < 8; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return 1;
}

static int is_tar(const uint8_t *p, size_t n)
{
	if (!has(p, n, 257, "ustar", 5))
		return 0;
	return p[262] == 0 || p[262] == ' ';
}

/* Binary formats, checked before any look at text. */
static enum sniff_type binary_type(const uint8_t *p, size_t n)
{
	if (is_lifeboat(p, n))
		return SNIFF_LIFEBOAT;
	if (is_zip(p, n))
		return SNIFF_ZIP;
	if (has(p, n, 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return SNIFF_OLE;
	if (is_gzip(p, n))
		return SNIFF_GZIP;
	if (is_zstd(p, n))
		return SNIFF_ZSTD;
	if (has(p, n, 0,
	        "\xfd"
	        "7zXZ\0",
	        6))
		return SNIFF_XZ;
	if (has(p, n, 0, "BZh", 3) && n >= 10 && p[3] >= '1' && p[3] <= '9' &&
	    (!memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) || !memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6)))
		return SNIFF_BZIP2;
	if (has(p, n, 0, "7z\xbc\xaf\x27\x1c", 6))
		return SNIFF_7Z;
	if (has(p, n, 0, "Rar!\x1a\x07\x00", 7) || has(p, n, 0, "Rar!\x1a\x07\x01\x00", 8))
		return SNIFF_RAR;
	if (is_png(p, n))
		return SNIFF_PNG;
	if (is_jpeg(p, n))
		return SNIFF_JPEG;
	if (has(p, n, 0, "GIF87a", 6) || has(p, n, 0, "GIF89a", 6))
		return SNIFF_GIF;
	if (has(p, n, 0, "II*\0", 4) || has(p, n, 0, "MM\0*", 4))
		return SNIFF_TIFF;
	if (has(p, n, 0, "RIFF", 4) && has(p, n, 8, "WEBP", 4))
		return SNIFF_WEBP;
	if (is_bmp(p, n))
		return SNIFF_BMP;
	if (has(p, n, 128, "DICM", 4))
		return SNIFF_DICOM;
	if (is_mp4(p, n))
		return SNIFF_MP4;
	if (has(p, n, 0, "SQLite format 3\0", 16))
		return SNIFF_SQLITE;
	if (has(p, n, 0,
	        "\x7f"
	        "ELF",
	        4) &&
	    n >= 6 && p[4] >= 1 && p[4] <= 2 && p[5] >= 1 && p[5] <= 2)
		return SNIFF_ELF;
	if (is_pe(p, n))
		return SNIFF_PE;
	if (is_tar(p, n))
		return SNIFF_TAR;
	if (is_mp3(p, n))
		return SNIFF_MP3;
	return SNIFF_UNKNOWN;
}

/* PDF allows junk before the header: look in the first KiB. */
static int is_pdf(const uint8_t *p, size_t n)
{
	size_t lim = n < 1024 ? n : 1024;
	for (size_t i = 0; i + 5 <= lim; i++)
		if (p[i] == '%' && !memcmp(p + i, "%PDF-", 5))
			return 1;
	return 0;
}

/* What a text file's first non-blank bytes say about it. */
static enum sniff_type text_kind(const uint8_t *p, size_t n)
{
	size_t i = 0;
	if (has(p, n, 0, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n' || p[i] == 0x0b))
		i++;
	if (has(p, n, i, "MSH|", 4) || has(p, n, i, "FHS|", 4) || has(p, n, i, "BHS|", 4))
		return SNIFF_HL7;
	if (i < n && p[i] == '<' && i + 1 < n &&
	    (p[i + 1] == '?' || p[i + 1] == '!' || (p[i + 1] >= 'A' && p[i + 1] <= 'Z') ||
	     (p[i + 1] >= 'a' && p[i + 1] <= 'z')))
		return has(p, n, i, "<!DOCTYPE html", 14) || has(p, n, i, "<html", 5) ? SNIFF_TEXT : SNIFF_XML;
	if (i < n && (p[i] == '{' || p[i] == '[')) {
		size_t j = i + 1;
		while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'))
			j++;
		if (j >= n || p[j] == '"' || p[j] == '{' || p[j] == '[' || p[j] == '}' || p[j] == ']' ||
		    (p[j] >= '0' && p[j] <= '9') || p[j] == '-' || p[j] == 't' || p[j] == 'f' || p[j] == 'n')
			return SNIFF_JSON;
	}
	return SNIFF_TEXT;
}

enum sniff_type sniff_type(const void *head, size_t n)
{
	const uint8_t *p = head;
	if (!p || n == 0)
		return SNIFF_EMPTY;
	enum sniff_type t = binary_type(p, n);
	if (t != SNIFF_UNKNOWN)
		return t;
	if (is_pdf(p, n))
		return SNIFF_PDF;
	if (sniff_utf16_text(p, n))
		return SNIFF_UTF16_TEXT;
	if (sniff_is_text(p, n)) {
		/* base64 or hex that decodes to random bytes is ciphertext written as text */
		if (sniff_encoded_random(p, n))
			return SNIFF_RANDOM;
		return text_kind(p, n);
	}
	return sniff_head_random(p, n) ? SNIFF_RANDOM : SNIFF_UNKNOWN;
}
