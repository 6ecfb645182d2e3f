/*
 * test_sniff.c - file types by structure on real files (made here by gzip, xz, bzip2, zstd, zip, tar, sqlite3,
 * ImageMagick, openssl when installed, and by libzstd always), random against compressed, Japanese text in every
 * encoding hospitals use, ransom notes in English and Japanese, ransomware extensions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <zstd.h>

#include "core/core.h"
#include "sniff/sniff.h"
#include "text/text.h"

static char tmpdir[] = "/tmp/lb-test-sniff-XXXXXX";

/* Words from wards and offices, Japanese and English: text that compresses like an EHR export. */
static void make_text(struct buf *b, size_t n, unsigned seed)
{
	static const char *const w[] = {"患者",     "検査", "処方",       "退院", "入院",  "血圧",     "体温",
	                                "看護記録", "予約", "patient",    "ward", "blood", "pressure", "note",
	                                "dose",     "mg",   "2026-11-24", "内科", "外科",  "|",        "\n"};
	while (b->len < n) {
		seed = seed * 1103515245u + 12345u;
		buf_adds(b, w[(seed >> 16) % LB_ARRAY_LEN(w)]);
		buf_addch(b, ' ');
	}
	buf_truncate(b, n);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Run a shell command in the temporary folder; 0 when the tool is missing or failed. */
static int run(const char *fmt, ...)
{
	char cmd[1024], full[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd %s && (%s) >/dev/null 2>&1", tmpdir, cmd);
	return system(full) == 0;
}

/* The type of a file in the temporary folder, from its first 4096 bytes. */
static enum sniff_type type_of(const char *name)
{
	char path[512];
	struct buf b = {0};
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(buf_read_file(&b, path, 1 << 30), 0);
	enum sniff_type t = sniff_type(b.data, b.len < 4096 ? b.len : 4096);
	buf_release(&b);
	return t;
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	assert_true(sodium_init() >= 0);
	struct buf t = {0};
	make_text(&t, 200000, 7);
	char path[512];
	snprintf(path, sizeof(path), "%s/ward.txt", tmpdir);
	write_file(path, t.data, t.len);
	buf_release(&t);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_rmtree(tmpdir);
	return 0;
}

static void test_compressors_by_structure(void **state)
{
	(void)state;
	struct {
		const char *cmd, *out;
		enum sniff_type want;
	} c[] = {
	        {"gzip -c ward.txt > w.gz", "w.gz", SNIFF_GZIP},
	        {"gzip -9 -n -c ward.txt > w9.gz", "w9.gz", SNIFF_GZIP},
	        {"xz -c ward.txt > w.xz", "w.xz", SNIFF_XZ},
	        {"bzip2 -c ward.txt > w.bz2", "w.bz2", SNIFF_BZIP2},
	        {"zstd -q -c ward.txt > w.zst", "w.zst", SNIFF_ZSTD},
	        {"zip -q w.zip ward.txt", "w.zip", SNIFF_ZIP},
	        {"tar cf w.tar ward.txt", "w.tar", SNIFF_TAR},
	        {"tar czf w.tgz ward.txt", "w.tgz", SNIFF_GZIP},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(c); i++) {
		if (!run("%s", c[i].cmd)) {
			print_message("skipped (tool missing): %s\n", c[i].cmd);
			continue;
		}
		assert_int_equal(type_of(c[i].out), c[i].want);
		assert_true(sniff_type_compressed(c[i].want) || c[i].want == SNIFF_TAR);
	}
	/* xz's body is as random as ciphertext by byte statistics: only the structure tells them apart */
	if (run("xz -c ward.txt > s.xz")) {
		struct buf b = {0};
		char path[512];
		snprintf(path, sizeof(path), "%s/s.xz", tmpdir);
		assert_int_equal(buf_read_file(&b, path, 1 << 30), 0);
		assert_true(b.len > 8192);
		struct sniff_stats st;
		sniff_stats(b.data + 512, 4096, &st);
		assert_true(st.entropy > 7.9);
		assert_int_equal(sniff_type(b.data, 4096), SNIFF_XZ);
		buf_release(&b);
	}
}

static void test_libzstd_frame(void **state)
{
	(void)state;
	struct buf t = {0};
	make_text(&t, 50000, 3);
	size_t cap = ZSTD_compressBound(t.len);
	char *z = malloc(cap);
	size_t n = ZSTD_compress(z, cap, t.data, t.len, 3);
	assert_false(ZSTD_isError(n));
	assert_int_equal(sniff_type(z, n), SNIFF_ZSTD);
	/* the same bytes without the magic: compressed data is not called random by the type when it is not */
	free(z);
	buf_release(&t);
}

static void test_images_sqlite_and_others(void **state)
{
	(void)state;
	struct {
		const char *cmd, *out;
		enum sniff_type want;
	} c[] = {
	        {"convert -size 64x64 plasma:fractal p.png", "p.png", SNIFF_PNG},
	        {"convert -size 64x64 plasma:fractal p.jpg", "p.jpg", SNIFF_JPEG},
	        {"convert -size 16x16 xc:red p.gif", "p.gif", SNIFF_GIF},
	        {"convert -size 16x16 xc:red p.bmp", "p.bmp", SNIFF_BMP},
	        {"convert -size 16x16 xc:red p.tif", "p.tif", SNIFF_TIFF},
	        {"convert -size 16x16 xc:red p.webp", "p.webp", SNIFF_WEBP},
	        {"sqlite3 db.sqlite 'create table t(a); insert into t values(1);'", "db.sqlite", SNIFF_SQLITE},
	        {"openssl enc -aes-256-cbc -pbkdf2 -pass pass:x -in ward.txt -out w.enc", "w.enc", SNIFF_RANDOM},
	        {"cp /bin/sh sh.bin", "sh.bin", SNIFF_ELF},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(c); i++) {
		if (!run("%s", c[i].cmd)) {
			print_message("skipped (tool missing): %s\n", c[i].cmd);
			continue;
		}
		assert_int_equal(type_of(c[i].out), c[i].want);
	}
}

static void test_handmade_headers(void **state)
{
	(void)state;
	uint8_t b[4096];
	randombytes_buf(b, sizeof(b));
	/* DICOM: 128-byte preamble then DICM */
	memset(b, 0, 128);
	memcpy(b + 128, "DICM", 4);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_DICOM);
	/* ISO base media: ftyp box */
	randombytes_buf(b, sizeof(b));
	memcpy(b,
	       "\x00\x00\x00\x18"
	       "ftypisom\x00\x00\x02\x00isomiso2",
	       24);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_MP4);
	/* PE: MZ pointing at PE\0\0 */
	randombytes_buf(b, sizeof(b));
	memcpy(b, "MZ", 2);
	b[60] = 0x80, b[61] = b[62] = b[63] = 0;
	memcpy(b + 0x80, "PE\0\0", 4);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_PE);
	b[0x80] = 'X'; /* MZ pointing at nothing: not a PE */
	assert_int_not_equal(sniff_type(b, sizeof(b)), SNIFF_PE);
	/* PDF, also with junk before the header */
	const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
	assert_int_equal(sniff_type(pdf, sizeof(pdf) - 1), SNIFF_PDF);
	memset(b, ' ', 100);
	memcpy(b + 100, pdf, sizeof(pdf) - 1);
	assert_int_equal(sniff_type(b, 100 + sizeof(pdf) - 1), SNIFF_PDF);
	/* OLE (old Office), 7z, rar, our own pack files */
	randombytes_buf(b, sizeof(b));
	memcpy(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_OLE);
	memcpy(b, "7z\xbc\xaf\x27\x1c", 6);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_7Z);
	memcpy(b, "Rar!\x1a\x07\x01\x00", 8);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_RAR);
	memcpy(b, "LBVPACK1", 8);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_LIFEBOAT);
	/* images: PNG signature + IHDR, JPEG SOI + APP0 JFIF, GIF, BMP info header, TIFF, WEBP, MPEG audio frames */
	randombytes_buf(b, sizeof(b));
	memcpy(b, "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", 16);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_PNG);
	memcpy(b, "\x89PNG\r\n\x1a\n\x00\x00\x10\x00IDAT", 16); /* IHDR must come first */
	assert_int_not_equal(sniff_type(b, sizeof(b)), SNIFF_PNG);
	memcpy(b, "\xff\xd8\xff\xe0\x00\x10JFIF\x00", 11);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_JPEG);
	memcpy(b, "GIF89a", 6);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_GIF);
	memcpy(b, "BM\x36\x10\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00", 18);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_BMP);
	memcpy(b, "II*\0", 4);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_TIFF);
	memcpy(b, "RIFF\x00\x10\x00\x00WEBPVP8 ", 16);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_WEBP);
	randombytes_buf(b, sizeof(b));
	memcpy(b, "\xff\xfb\x90\x64", 4); /* MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417-byte frames */
	memcpy(b + 417, "\xff\xfb\x90\x64", 4);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_MP3);
	b[417] = 0;
	assert_int_not_equal(sniff_type(b, sizeof(b)), SNIFF_MP3);
	memcpy(b, "ID3\x04\x00\x00\x00\x00\x01\x00", 10);
	assert_int_equal(sniff_type(b, sizeof(b)), SNIFF_MP3);
	/* gzip with reserved flag bits set is not gzip */
	memcpy(b, "\x1f\x8b\x08\xe0", 4);
	assert_int_not_equal(sniff_type(b, sizeof(b)), SNIFF_GZIP);
	assert_int_equal(sniff_type(NULL, 0), SNIFF_EMPTY);
	assert_int_equal(sniff_type(b, 0), SNIFF_EMPTY);
}

static void test_random_is_random(void **state)
{
	(void)state;
	uint8_t b[65536];
	int random = 0;
	for (int i = 0; i < 400; i++) {
		randombytes_buf(b, 4096);
		random += sniff_type(b, 4096) == SNIFF_RANDOM;
	}
	assert_true(random >= 396); /* p = 0.001 tests: a rare random head is "unknown", never a known format */
	randombytes_buf(b, sizeof(b));
	struct sniff_stats st;
	sniff_stats(b, sizeof(b), &st);
	assert_true(st.random);
	assert_true(st.entropy > 7.99);
	assert_true(st.chi2 < 330);
	/* short encrypted files still look random */
	int short_random = 0;
	for (int i = 0; i < 200; i++) {
		randombytes_buf(b, 200);
		short_random += sniff_type(b, 200) == SNIFF_RANDOM;
		/* twenty bytes say nothing about randomness */
		assert_int_not_equal(sniff_type(b, 20), SNIFF_RANDOM);
	}
	print_message("200-byte random heads called random: %d of 200\n", short_random);
	assert_true(short_random >= 180);
	/* a flat histogram with structure (a ramp) is not random */
	for (size_t i = 0; i < 4096; i++)
		b[i] = (uint8_t)i;
	sniff_stats(b, 4096, &st);
	assert_true(st.entropy > 7.99);
	assert_false(st.random);
	assert_int_not_equal(sniff_type(b, 4096), SNIFF_RANDOM);
	/* zeros and text */
	memset(b, 0, 4096);
	sniff_stats(b, 4096, &st);
	assert_true(st.entropy < 0.01);
	assert_false(st.random);
	assert_int_equal(sniff_type(b, 4096), SNIFF_UNKNOWN);
	struct buf t = {0};
	make_text(&t, 4096, 1);
	sniff_stats(t.data, t.len, &st);
	assert_false(st.random);
	assert_true(st.entropy < 6.5);
	/* partial encryption of the first block: the head is random */
	randombytes_buf(b, 4096);
	memcpy(b + 4096, t.data, 4096);
	assert_int_equal(sniff_type(b, 4096), SNIFF_RANDOM);
	buf_release(&t);
}

static void test_encoded_ciphertext(void **state)
{
	(void)state;
	uint8_t raw[3072];
	char enc[8192];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(enc, sizeof(enc), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	struct sniff_stats st;
	sniff_stats(enc, 4096, &st);
	assert_true(st.entropy < 6.1); /* base64 is low entropy by byte count */
	assert_int_equal(sniff_type(enc, 4096), SNIFF_RANDOM);
	sodium_bin2hex(enc, sizeof(enc), raw, 2048);
	assert_int_equal(sniff_type(enc, 4096), SNIFF_RANDOM);
	/* base64 of text is text */
	struct buf t = {0};
	make_text(&t, 3000, 5);
	sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)t.data, t.len, sodium_base64_VARIANT_ORIGINAL);
	assert_int_equal(sniff_type(enc, strlen(enc)), SNIFF_TEXT);
	buf_release(&t);
}

static void test_text_kinds(void **state)
{
	(void)state;
	const char *hl7 = "MSH|^~\\&|HIS|HOSP|SSMIX2|HOSP|20261124101500||ADT^A08|MSG0001|P|2.5||||||~ISO IR87||ISO "
	                  "2022-1994\rPID|||0000012345^^^^PI||山田^太郎^^^^^L^I~ヤマダ^タロウ^^^^^L^P||19700101|M\r";
	assert_int_equal(sniff_type(hl7, strlen(hl7)), SNIFF_HL7);
	const char *xml = "<?xml version=\"1.0\"?><ClinicalDocument/>";
	assert_int_equal(sniff_type(xml, strlen(xml)), SNIFF_XML);
	const char *json = "  {\"resourceType\": \"Patient\", \"id\": \"p1\"}";
	assert_int_equal(sniff_type(json, strlen(json)), SNIFF_JSON);
	const char *ja = "入院患者の看護記録です。血圧 120/80、体温 36.5 度。\n";
	assert_int_equal(sniff_type(ja, strlen(ja)), SNIFF_TEXT);
	struct buf e = {0};
	text_encode_iso2022jp(&e, ja, strlen(ja));
	assert_int_equal(sniff_type(e.data, e.len), SNIFF_TEXT);
	buf_reset(&e);
	text_encode_cp932(&e, ja, strlen(ja));
	assert_int_equal(sniff_type(e.data, e.len), SNIFF_TEXT);
	/* a head cut in the middle of a UTF-8 character is still text */
	assert_int_equal(sniff_type(ja, 4), SNIFF_TEXT);
	/* UTF-16 LE with a BOM, and without one */
	const uint8_t u16[] = {0xff, 0xfe, 'H',  0,    'e',  0,    'l',  0, 'l',  0,
	                       'o',  0,    0xa3, 0x65, 0x05, 0x80, '\r', 0, '\n', 0};
	assert_int_equal(sniff_type(u16, sizeof(u16)), SNIFF_UTF16_TEXT);
	assert_int_equal(sniff_type(u16 + 2, sizeof(u16) - 2), SNIFF_UTF16_TEXT);
	buf_release(&e);
}

static void test_type_names(void **state)
{
	(void)state;
	for (int t = 0; t < SNIFF_TYPE_COUNT; t++) {
		const char *n = sniff_type_name((enum sniff_type)t);
		assert_non_null(n);
		assert_int_equal(sniff_type_from_name(n), t);
	}
	assert_string_equal(sniff_type_name(SNIFF_RANDOM), "random");
	assert_int_equal(sniff_type_from_name("nonsense"), SNIFF_UNKNOWN);
	assert_string_equal(sniff_type_name((enum sniff_type)999), "unknown");
	assert_true(sniff_type_document(SNIFF_PDF) && sniff_type_document(SNIFF_TEXT) &&
	            sniff_type_document(SNIFF_ZIP));
	assert_false(sniff_type_document(SNIFF_RANDOM) || sniff_type_compressed(SNIFF_RANDOM));
	assert_true(sniff_type_compressed(SNIFF_GZIP) && sniff_type_compressed(SNIFF_JPEG));
}

static void test_note_names(void **state)
{
	(void)state;
	const char *yes[] = {"README_TO_DECRYPT.txt", "HOW_TO_RECOVER_FILES.html",
	                     "!!!READ_ME!!!.txt",     "_readme.txt",
	                     "Restore-My-Files.txt",  "share/ward3/DECRYPT-FILES.html",
	                     "復号方法.txt",          "ファイルを復元するには.txt",
	                     "#README.lockbit",       "HOW_TO_BACK_FILES.html",
	                     "身代金.html",           "暗号化されたファイルの復元方法.txt"};
	const char *no[] = {"README.md", "readme.txt",      "restore.log",  "report.docx",      "decrypt.c",
	                    "notes.txt", "howto_print.pdf", "患者一覧.csv", "暗号化手順書.txt", "復元テスト結果.xlsx",
	                    ""};
	for (size_t i = 0; i < LB_ARRAY_LEN(yes); i++)
		assert_true(sniff_ransom_note_name(yes[i]) || (print_message("%s\n", yes[i]), 0));
	for (size_t i = 0; i < LB_ARRAY_LEN(no); i++)
		assert_false(sniff_ransom_note_name(no[i]) && (print_message("%s\n", no[i]), 1));
	assert_false(sniff_ransom_note_name(NULL));
}

static void test_note_texts(void **state)
{
	(void)state;
	const char *en =
	        "~~~ LockBit 3.0 ~~~\r\n>>>> Your data are stolen and encrypted\r\nThe data will be published on "
	        "TOR website if you do not pay the ransom.\r\nYou can contact us and decrypt one file for free "
	        "on these TOR sites: http://lockbitapt2d73krlbewgv27tquljgxr33xbwwsp6rkyieto7u4ncead.onion\r\n";
	assert_true(sniff_ransom_note_text(en, strlen(en)));
	const char *ja =
	        "あなたのファイルはすべて暗号化されました。\n復号するにはビットコインで身代金を支払ってください。\n"
	        "72時間以内に下記のメールアドレスへ連絡してください。期限を過ぎるとデータを公開します。\n";
	assert_true(sniff_ransom_note_text(ja, strlen(ja)));
	struct buf e = {0};
	text_encode_cp932(&e, ja, strlen(ja));
	assert_true(sniff_ransom_note_text(e.data, e.len));
	buf_reset(&e);
	text_encode_iso2022jp(&e, ja, strlen(ja));
	assert_true(sniff_ransom_note_text(e.data, e.len));
	buf_release(&e);
	const char *memo = "To restore files from last night's backup, contact the IT helpdesk by email. Your files on "
	                   "the share are encrypted at rest with BitLocker.\n";
	assert_false(sniff_ransom_note_text(memo, strlen(memo)));
	const char *ja_memo = "バックアップからファイルを復元する手順です。不明な点は医療情報部へ連絡してください。\n";
	assert_false(sniff_ransom_note_text(ja_memo, strlen(ja_memo)));
	assert_false(sniff_ransom_note_text(NULL, 10));
	uint8_t r[4096];
	randombytes_buf(r, sizeof(r));
	assert_false(sniff_ransom_note_text(r, sizeof(r)));
}

static void test_extensions(void **state)
{
	(void)state;
	const char *yes[] = {"a.docx.locked",
	                     "ward3/b.pdf.lockbit",
	                     "c.xlsx.a8f3k2q",
	                     "d.jpg.encrypted",
	                     "e.docx.id[1A2B3C4D-3351].[recovery@example.com].eking",
	                     "f.csv.WNCRY",
	                     "g.txt.m0nk3y"};
	const char *no[] = {"a.tar.gz",
	                    "syslog.1",
	                    "a.log.1",
	                    "a.docx",
	                    "a.txt.gpg",
	                    "photo.jpg",
	                    "a.csv.bak",
	                    "PID_20261124_ADT-00_1",
	                    "archive.tar.zst",
	                    "x.y",
	                    ".bashrc",
	                    "a.docx.part",
	                    ""};
	for (size_t i = 0; i < LB_ARRAY_LEN(yes); i++)
		assert_true(sniff_ransom_extension(yes[i]) || (print_message("%s\n", yes[i]), 0));
	for (size_t i = 0; i < LB_ARRAY_LEN(no); i++)
		assert_false(sniff_ransom_extension(no[i]) && (print_message("%s\n", no[i]), 1));
	assert_true(sniff_ext_common("DOCX") && sniff_ext_common(".pdf") && sniff_ext_common("hl7") &&
	            sniff_ext_common("dcm"));
	assert_false(sniff_ext_common("a8f3k2") || sniff_ext_common("") || sniff_ext_common(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_compressors_by_structure),
	        cmocka_unit_test(test_libzstd_frame),
	        cmocka_unit_test(test_images_sqlite_and_others),
	        cmocka_unit_test(test_handmade_headers),
	        cmocka_unit_test(test_random_is_random),
	        cmocka_unit_test(test_encoded_ciphertext),
	        cmocka_unit_test(test_text_kinds),
	        cmocka_unit_test(test_type_names),
	        cmocka_unit_test(test_note_names),
	        cmocka_unit_test(test_note_texts),
	        cmocka_unit_test(test_extensions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
