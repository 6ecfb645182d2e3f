/*
 * sniff.h - what a file's content says about itself: the whole interface of src/sniff/.
 *
 * sniff stands on core and knows no clinical data and no repository. It owns: file type by structure (magic
 * numbers and format checks, not extensions), byte statistics (Shannon entropy, chi-square against uniform),
 * telling "random" (encrypted) from "compressed" (structured formats that are high-entropy by nature), ransom-note
 * names and texts, and extensions that ransomware appends. Used by vault (suspect generations) and watch (live
 * detection), so both judge a file the same way.
 *
 * Everything here works on bytes already in memory, allocates nothing (but sniff_ransom_note_text, which decodes
 * Shift_JIS/EUC-JP/ISO-2022-JP text to UTF-8 in a temporary buffer), and is safe on hostile input.
 */
#ifndef LB_SNIFF_H
#define LB_SNIFF_H

#include "core/core.h"

enum sniff_type {
	SNIFF_EMPTY = 0,
	SNIFF_UNKNOWN, /* binary with no known structure, not random */
	SNIFF_RANDOM,  /* no known structure and statistically random: what encryption leaves */
	SNIFF_TEXT,    /* UTF-8 / ASCII / ISO-2022-JP / Shift_JIS text */
	SNIFF_UTF16_TEXT,
	SNIFF_HL7, /* "MSH|" … */
	SNIFF_XML,
	SNIFF_JSON,
	SNIFF_PDF,
	SNIFF_ZIP, /* also docx, xlsx, pptx, odt, jar */
	SNIFF_OLE, /* old Office documents */
	SNIFF_GZIP,
	SNIFF_ZSTD,
	SNIFF_XZ,
	SNIFF_BZIP2,
	SNIFF_7Z,
	SNIFF_RAR,
	SNIFF_TAR,
	SNIFF_JPEG,
	SNIFF_PNG,
	SNIFF_GIF,
	SNIFF_TIFF,
	SNIFF_BMP,
	SNIFF_WEBP,
	SNIFF_DICOM,
	SNIFF_MP4, /* ISO base media: mp4, mov, heic */
	SNIFF_MP3,
	SNIFF_SQLITE,
	SNIFF_ELF,
	SNIFF_PE,
	SNIFF_LIFEBOAT, /* our own repository objects */
	SNIFF_TYPE_COUNT
};

/* Statistics of a block of bytes. */
struct sniff_stats {
	double entropy; /* Shannon entropy, bits per byte, 0..8 */
	double chi2;    /* chi-square of the byte histogram against uniform (255 degrees of freedom) */
	size_t n;       /* bytes looked at */
	int random;     /* entropy and chi-square both say "indistinguishable from random" (needs n >= 512) */
};

/*
 * The type of a file from its first bytes (pass at least 512 when the file has them; 4096 is better).
 * Never says SNIFF_RANDOM for a known format: a zip is a zip however random its body is.
 */
enum sniff_type sniff_type(const void *head, size_t n);
/* Short stable name ("pdf", "zip", "random") for reports and JSON; and back (SNIFF_UNKNOWN if unknown). */
const char *sniff_type_name(enum sniff_type t);
enum sniff_type sniff_type_from_name(const char *name);
/* 1 for formats that are high-entropy by nature (compressed archives, images, media, encrypted containers of
 * known structure). A change into one of these is not by itself a sign of ransomware. */
int sniff_type_compressed(enum sniff_type t);
/* 1 for documents people edit (text, office, pdf, images): the files ransomware goes for. */
int sniff_type_document(enum sniff_type t);

void sniff_stats(const void *p, size_t n, struct sniff_stats *st);

/* 1 when a file name looks like a ransom note: README_TO_DECRYPT.txt, HOW_TO_RECOVER_FILES.html, !!!READ_ME!!!,
 * 復号方法.txt … */
int sniff_ransom_note_name(const char *name);
/* 1 when a text reads like a ransom note (decrypt + bitcoin/tor/.onion/contact + "your files", English or
 * Japanese). Looks at most at the first 64 KiB. */
int sniff_ransom_note_text(const void *p, size_t n);
/* 1 when the file name ends in an extension ransomware appends (.lockbit, .encrypted, .locked, .crypt, random
 * 5-10 letter lowercase+digit tails after a known extension such as report.docx.a8f3k2). */
int sniff_ransom_extension(const char *name);
/* 1 when ext (without the dot, any case) is a familiar one (docx, pdf, jpg, hl7, csv, txt, dcm …). */
int sniff_ext_common(const char *ext);

#endif /* LB_SNIFF_H */
