/*
 * sniff_stopgap.c - a minimal stand-in for the sniff functions watch calls, compiled only while src/sniff/ has no
 * implementation on this branch (see CMakeLists.txt). The real module (shared with the vault) replaces it; this
 * file then compiles to nothing and is to be deleted. Magic numbers of common formats, entropy and chi-square.
 */
#ifndef WATCH_HAVE_SNIFF
#include "sniff/sniff.h"

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

static int has(const unsigned char *p, size_t n, size_t off, const char *magic, size_t len)
{
	return n >= off + len && !memcmp(p + off, magic, len);
}

void sniff_stats(const void *p, size_t n, struct sniff_stats *st)
{
	uint32_t h[256] = {0};
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h[s[i]]++;
	double e = 0, chi = 0, exp = (double)n / 256.0;
	for (int i = 0; i < 256; i++) {
		if (h[i]) {
			double q = (double)h[i] / (double)n;
			e -= q * log2(q);
		}
		if (n)
			chi += ((double)h[i] - exp) * ((double)h[i] - exp) / exp;
	}
	st->entropy = e;
	st->chi2 = chi;
	st->n = n;
	/* chi-square with 255 degrees of freedom: 99.9% of random blocks lie below ~330 */
	st->random = n >= 512 && e >= 7.0 && chi < 330;
}

static int texty(const unsigned char *p, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' && p[i] != 0x1b && p[i] != '\f')
			bad++;
	return bad * 100 <= n;
}

enum sniff_type sniff_type(const void *head, size_t n)
{
	const unsigned char *p = head;
	if (!n)
		return SNIFF_EMPTY;
	if (has(p, n, 0, "%PDF-", 5))
		return SNIFF_PDF;
	if (has(p, n, 0, "PK\3\4", 4) || has(p, n, 0, "PK\5\6", 4))
		return SNIFF_ZIP;
	if (has(p, n, 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return SNIFF_OLE;
	if (has(p, n, 0, "\x1f\x8b", 2))
		return SNIFF_GZIP;
	if (has(p, n, 0, "\x28\xb5\x2f\xfd", 4))
		return SNIFF_ZSTD;
	if (has(p, n, 0,
	        "\xfd"
	        "7zXZ",
	        5))
		return SNIFF_XZ;
	if (has(p, n, 0, "BZh", 3))
		return SNIFF_BZIP2;
	if (has(p, n, 0, "7z\xbc\xaf\x27\x1c", 6))
		return SNIFF_7Z;
	if (has(p, n, 0, "Rar!", 4))
		return SNIFF_RAR;
	if (has(p, n, 257, "ustar", 5))
		return SNIFF_TAR;
	if (has(p, n, 0, "\xff\xd8\xff", 3))
		return SNIFF_JPEG;
	if (has(p, n, 0, "\x89PNG", 4))
		return SNIFF_PNG;
	if (has(p, n, 0, "GIF8", 4))
		return SNIFF_GIF;
	if (has(p, n, 0, "II*\0", 4) || has(p, n, 0, "MM\0*", 4))
		return SNIFF_TIFF;
	if (has(p, n, 0, "RIFF", 4) && has(p, n, 8, "WEBP", 4))
		return SNIFF_WEBP;
	if (has(p, n, 128, "DICM", 4))
		return SNIFF_DICOM;
	if (has(p, n, 4, "ftyp", 4))
		return SNIFF_MP4;
	if (has(p, n, 0, "ID3", 3))
		return SNIFF_MP3;
	if (has(p, n, 0, "SQLite format 3", 16))
		return SNIFF_SQLITE;
	if (has(p, n, 0,
	        "\x7f"
	        "ELF",
	        4))
		return SNIFF_ELF;
	if (has(p, n, 0, "MSH|", 4))
		return SNIFF_HL7;
	if (has(p, n, 0, "<?xml", 5))
		return SNIFF_XML;
	if (texty(p, n))
		return SNIFF_TEXT;
	struct sniff_stats st;
	sniff_stats(p, n, &st);
	return st.random ? SNIFF_RANDOM : SNIFF_UNKNOWN;
}

static const char *const type_names[SNIFF_TYPE_COUNT] = {
        "empty", "unknown", "random", "text",  "utf16-text", "hl7",    "xml", "json", "pdf",     "zip", "ole",
        "gzip",  "zstd",    "xz",     "bzip2", "7z",         "rar",    "tar", "jpeg", "png",     "gif", "tiff",
        "bmp",   "webp",    "dicom",  "mp4",   "mp3",        "sqlite", "elf", "pe",   "lifeboat"};

const char *sniff_type_name(enum sniff_type t)
{
	return (unsigned)t < SNIFF_TYPE_COUNT ? type_names[t] : "unknown";
}

int sniff_ransom_note_name(const char *name)
{
	static const char *const words[] = {"decrypt", "recover", "restore", "ransom", "readme",
	                                    "read_me", "how_to",  "how-to",  "復号",   "復元"};
	char low[256];
	size_t i = 0;
	for (; name[i] && i < sizeof low - 1; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = 0;
	int hits = 0;
	for (size_t k = 0; k < sizeof words / sizeof *words; k++)
		if (strstr(low, words[k]))
			hits++;
	return hits >= 1 && (strstr(low, ".txt") || strstr(low, ".html") || strstr(low, ".hta") || hits >= 2);
}

int sniff_ransom_note_text(const void *p, size_t n)
{
	if (n > 65536)
		n = 65536;
	char low[65537];
	const char *s = p;
	for (size_t i = 0; i < n; i++)
		low[i] = s[i] ? (char)tolower((unsigned char)s[i]) : ' ';
	low[n] = 0;
	int dec = strstr(low, "decrypt") || strstr(low, "復号") != NULL;
	int pay = strstr(low, "bitcoin") || strstr(low, ".onion") || strstr(low, " tor ") || strstr(low, "btc") ||
	          strstr(low, "monero") || strstr(low, "contact us");
	int yours = strstr(low, "your files") || strstr(low, "encrypted") || strstr(low, "暗号化");
	return dec + pay + yours >= 2;
}

int sniff_ext_common(const char *ext)
{
	static const char *const common[] = {
	        "txt",  "csv", "doc",  "docx", "xls",    "xlsx", "ppt", "pptx", "pdf", "odt",  "ods",  "rtf", "jpg",
	        "jpeg", "png", "gif",  "tif",  "tiff",   "bmp",  "dcm", "hl7",  "xml", "json", "html", "htm", "zip",
	        "gz",   "tgz", "zst",  "xz",   "bz2",    "7z",   "tar", "log",  "md",  "c",    "h",    "o",   "so",
	        "a",    "sh",  "py",   "db",   "sqlite", "bak",  "tmp", "mp4",  "mp3", "wav",  "eml",  "msg", "ini",
	        "conf", "cfg", "yaml", "yml",  "gpg",    "pgp",  "asc", "enc",  "sig", "key",  "pem",  "crt"};
	for (size_t i = 0; i < sizeof common / sizeof *common; i++)
		if (!strcasecmp(ext, common[i]))
			return 1;
	return 0;
}

int sniff_ransom_extension(const char *name)
{
	static const char *const exts[] = {"locked",   "lockbit", "encrypted", "crypt",   "crypted",
	                                   "enc1",     "ryk",     "conti",     "cerber",  "locky",
	                                   "wannacry", "wncry",   "akira",     "blackcat"};
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		return 0;
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
		if (!strcasecmp(dot + 1, exts[i]))
			return 1;
	/* report.docx.a8f3k2: a random lowercase+digit tail after a familiar extension */
	size_t len = strlen(dot + 1), digits = 0;
	if (len < 5 || len > 10)
		return 0;
	for (const char *c = dot + 1; *c; c++) {
		if (isdigit((unsigned char)*c))
			digits++;
		else if (!islower((unsigned char)*c))
			return 0;
	}
	if (!digits)
		return 0;
	const char *prev = dot - 1;
	while (prev > name && *prev != '.')
		prev--;
	if (*prev != '.')
		return 0;
	char inner[17];
	size_t il = (size_t)(dot - prev - 1);
	if (il == 0 || il > 16)
		return 0;
	memcpy(inner, prev + 1, il);
	inner[il] = 0;
	return sniff_ext_common(inner);
}
#else
typedef int watch_sniff_stopgap_unused;
#endif
