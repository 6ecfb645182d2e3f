/*
 * test_suspect.c - scoring generations: ransomware runs over part of a tree (in place, copy+delete with a new
 * extension, first block only, base64 ciphertext, notes in English and Japanese) are suspect with reasons naming the
 * folder; legitimate mass changes (gzip/zstd of a folder, tar then delete, a daily dump, converted images, a moved
 * folder, bulk deletes, one user encrypting one file, a first backup full of random blobs) are not.
 * File contents are real: text and HL7 made here, zstd frames from libzstd, ciphertext from libsodium.
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
#include "vault/suspect.h"

#define NFILES 40 /* per folder */
static const char *const folders[] = {"share/ward1", "share/ward2", "share/ward3/2026", "share/admin"};
static const char *const exts[] = {"txt", "hl7", "csv", "docx", "pdf", "xml"};

/* The content a file of the clean tree has: by extension, realistic heads. */
static void clean_content(struct buf *b, const char *ext, unsigned seed)
{
	static const char *const w[] = {"患者", "検査", "処方", "退院", "血圧", "体温",       "看護記録", "patient",
	                                "ward", "dose", "mg",   "内科", "外科", "2026-11-24", "\n"};
	buf_reset(b);
	if (!strcmp(ext, "hl7"))
		buf_adds(b,
		         "MSH|^~\\&|HIS|HOSP|SSMIX2|HOSP|20261124101500||OMP^O09|M1|P|2.5\rPID|||12345||山田^太郎\r");
	else if (!strcmp(ext, "pdf"))
		buf_adds(b, "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
	else if (!strcmp(ext, "xml"))
		buf_adds(b, "<?xml version=\"1.0\"?>\n<record>");
	else if (!strcmp(ext, "docx")) {
		buf_add(b, "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00\x21\x00", 14);
		buf_add(b, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x13\x00\x00\x00[Content_Types].xml", 35);
	}
	size_t n = 3000 + (seed * 7919u) % 20000;
	while (b->len < n) {
		seed = seed * 1103515245u + 12345u;
		buf_adds(b, w[(seed >> 16) % LB_ARRAY_LEN(w)]);
		buf_addch(b, ' ');
	}
}

static void encrypt(struct buf *out, const struct buf *in, size_t footer)
{
	buf_reset(out);
	buf_grow(out, in->len + footer);
	randombytes_buf(out->data, in->len + footer);
	out->len = in->len + footer;
	out->data[out->len] = 0;
}

/* Report one file the way the backup engine does. */
static void report(struct suspect *s, enum suspect_change ch, const char *path, const struct buf *old,
                   const struct buf *now, double overlap)
{
	struct suspect_file f = {
	        .path = path, .change = ch, .old_type = SNIFF_EMPTY, .old_entropy = -1, .chunk_overlap = overlap};
	if (old) {
		struct sniff_stats os;
		f.old_size = old->len;
		f.old_type = sniff_type(old->data, old->len < 4096 ? old->len : 4096);
		sniff_stats(old->data, old->len < 65536 ? old->len : 65536, &os);
		f.old_entropy = os.entropy;
	}
	if (now) {
		f.new_size = now->len;
		f.head = now->data;
		f.head_len = now->len < 4096 ? now->len : 4096;
		f.new_type = sniff_type(now->data, f.head_len);
		sniff_stats(now->data, now->len < 65536 ? now->len : 65536, &f.new_stats);
	}
	suspect_add(s, &f);
}

static const char *path_of(int folder, int i, const char *suffix)
{
	static char p[256];
	snprintf(p, sizeof(p), "%s/doc%03d.%s%s", folders[folder], i, exts[i % LB_ARRAY_LEN(exts)], suffix);
	return p;
}

/* Every file of the tree not named in skip is reported unchanged. */
static void report_unchanged_rest(struct suspect *s, int skip_folder)
{
	struct buf b = {0};
	for (int d = 0; d < (int)LB_ARRAY_LEN(folders); d++) {
		if (d == skip_folder)
			continue;
		for (int i = 0; i < NFILES; i++) {
			clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)(d * 100 + i));
			report(s, SUSPECT_UNCHANGED, path_of(d, i, ""), &b, &b, 1);
		}
	}
	buf_release(&b);
}

/* Finish, check the verdict, and check the reasons are JSON of the contract naming folder (when given). */
static void verdict(struct suspect *s, int want_suspect, const char *folder, const char *rule)
{
	struct suspect_result r = {0};
	assert_int_equal(suspect_finish(s, &r), 0);
	print_message("score %.1f: %s\n", r.score, buf_cstr(&r.summary));
	assert_int_equal(r.suspect, want_suspect);
	assert_true(r.summary.len > 0);
	/* the reasons are checked as JSON by Python: {rule, folder, files, examples[], detail} each */
	char tmp[] = "/tmp/lb-test-suspect-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r.reasons.data, r.reasons.len), (ssize_t)r.reasons.len);
	close(fd);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	         "python3 -c 'import json,sys\n"
	         "r=json.load(open(sys.argv[1]))\n"
	         "assert isinstance(r,list) and (len(r)>0)==(sys.argv[2]==\"1\")\n"
	         "for o in r: assert isinstance(o[\"rule\"],str) and isinstance(o[\"folder\"],str) and "
	         "isinstance(o[\"files\"],int) and isinstance(o[\"examples\"],list) and isinstance(o[\"detail\"],str)\n"
	         "assert sys.argv[3]==\"-\" or any(o[\"folder\"]==sys.argv[3] for o in r)\n"
	         "assert sys.argv[4]==\"-\" or any(o[\"rule\"]==sys.argv[4] for o in r)' %s %d '%s' '%s'",
	         tmp, want_suspect, folder ? folder : "-", rule ? rule : "-");
	int rc = system(cmd);
	unlink(tmp);
	if (rc != 0)
		print_message("reasons: %s\n", buf_cstr(&r.reasons));
	assert_int_equal(rc, 0);
	if (want_suspect && folder)
		assert_non_null(strstr(buf_cstr(&r.summary), folder));
	suspect_result_release(&r);
	suspect_release(s);
}

static int setup(void **state)
{
	(void)state;
	return sodium_init() >= 0 ? 0 : -1;
}

static void test_first_backup_with_random_blobs_is_clean(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, r = {0};
	suspect_init(&s, 0);
	for (int d = 0; d < (int)LB_ARRAY_LEN(folders); d++)
		for (int i = 0; i < NFILES; i++) {
			clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)(d * 100 + i));
			report(&s, SUSPECT_NEW, path_of(d, i, ""), NULL, &b, -1);
		}
	/* images and random blobs (disk images, keys, encrypted exports of another system) */
	for (int i = 0; i < 50; i++) {
		char p[64];
		encrypt(&r, &b, 0);
		snprintf(p, sizeof(p), "share/blobs/blob%02d.bin", i);
		report(&s, SUSPECT_NEW, p, NULL, &r, -1);
		/* an application that keeps its own files encrypted as *.enc */
		snprintf(p, sizeof(p), "share/app/secret%02d.enc", i);
		report(&s, SUSPECT_NEW, p, NULL, &r, -1);
	}
	verdict(&s, 0, NULL, NULL);
	buf_release(&b);
	buf_release(&r);
}

static void test_in_place_encryption_is_suspect(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, e = {0};
	suspect_init(&s, 0);
	report_unchanged_rest(&s, 2);
	for (int i = 0; i < NFILES; i++) {
		clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)(200 + i));
		encrypt(&e, &b, 16); /* AES-GCM tag style footer */
		report(&s, SUSPECT_MODIFIED, path_of(2, i, ""), &b, &e, 0);
	}
	verdict(&s, 1, "share/ward3/2026", "encrypted_in_place");
	buf_release(&b);
	buf_release(&e);
}

static void test_copy_delete_with_extension_is_suspect(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, e = {0};
	suspect_init(&s, 0);
	report_unchanged_rest(&s, 1);
	/* the encryptor writes X.locked then unlinks X; the engine reports new files first, deleted ones at the end */
	for (int i = 0; i < NFILES; i++) {
		clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)(100 + i));
		encrypt(&e, &b, 512);
		report(&s, SUSPECT_NEW, path_of(1, i, ".locked"), NULL, &e, -1);
	}
	for (int i = 0; i < NFILES; i++) {
		clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)(100 + i));
		report(&s, SUSPECT_DELETED, path_of(1, i, ""), &b, NULL, -1);
	}
	verdict(&s, 1, "share/ward2", "encrypted_copy");
	buf_release(&b);
	buf_release(&e);
}

static void test_first_block_only_is_suspect(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, e = {0};
	suspect_init(&s, 0);
	report_unchanged_rest(&s, 0);
	for (int i = 0; i < 12; i++) {
		clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)i);
		buf_reset(&e);
		buf_add(&e, b.data, b.len);
		randombytes_buf(e.data, 4096); /* intermittent: only the first 4 KiB */
		report(&s, SUSPECT_MODIFIED, path_of(0, i, ""), &b, &e, 0.7);
	}
	verdict(&s, 1, "share/ward1", "encrypted_in_place");
	buf_release(&b);
	buf_release(&e);
}

static void test_intermittent_after_intact_head_is_suspect(void **state)
{
	(void)state;
	/* the first 4 KiB left alone (the type still reads as text), then every other 8 KiB encrypted */
	struct suspect s;
	struct buf b = {0}, e = {0};
	suspect_init(&s, 0);
	for (int i = 0; i < 12; i++) {
		buf_reset(&b);
		while (b.len < 65536) {
			struct buf part = {0};
			clean_content(&part, "txt", (unsigned)(i * 31 + b.len));
			buf_add(&b, part.data, part.len);
			buf_release(&part);
		}
		buf_truncate(&b, 65536);
		buf_reset(&e);
		buf_add(&e, b.data, b.len);
		for (size_t off = 4096; off < e.len; off += 16384)
			randombytes_buf(e.data + off, off + 8192 <= e.len ? 8192 : e.len - off);
		char p[64];
		snprintf(p, sizeof(p), "share/ward4/chart%02d.txt", i);
		report(&s, SUSPECT_MODIFIED, p, &b, &e, 0.5);
	}
	verdict(&s, 1, "share/ward4", "entropy_jump");
	buf_release(&b);
	buf_release(&e);
}

static void test_base64_ciphertext_is_suspect(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, e = {0};
	suspect_init(&s, 0);
	for (int i = 0; i < 10; i++) {
		clean_content(&b, "txt", (unsigned)i);
		unsigned char raw[6000];
		randombytes_buf(raw, sizeof(raw));
		buf_reset(&e);
		buf_grow(&e, sodium_base64_ENCODED_LEN(sizeof(raw), sodium_base64_VARIANT_ORIGINAL));
		sodium_bin2base64(e.data, e.cap, raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
		e.len = strlen(e.data);
		char p[64];
		snprintf(p, sizeof(p), "share/ward1/note%02d.txt", i);
		report(&s, SUSPECT_MODIFIED, p, &b, &e, 0);
	}
	verdict(&s, 1, "share/ward1", "encrypted_in_place");
	buf_release(&b);
	buf_release(&e);
}

static void test_notes_and_a_few_files_are_suspect(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, e = {0}, note = {0};
	const char *ja = "あなたのファイルはすべて暗号化されました。復号するにはビットコインで身代金を支払い、"
	                 "下記へ連絡してください。\n";
	suspect_init(&s, 0);
	for (int d = 0; d < 3; d++) {
		char p[128];
		buf_reset(&note);
		text_encode_cp932(&note, ja, strlen(ja)); /* notes for Japanese victims come in Shift_JIS too */
		snprintf(p, sizeof(p), "%s/お読みください.txt", folders[d]);
		report(&s, SUSPECT_NEW, p, NULL, &note, -1);
	}
	for (int i = 0; i < 2; i++) {
		clean_content(&b, "docx", (unsigned)i);
		encrypt(&e, &b, 0);
		report(&s, SUSPECT_MODIFIED, path_of(0, i, ""), &b, &e, 0);
	}
	verdict(&s, 1, "share/ward1", "ransom_note");
	buf_release(&b);
	buf_release(&e);
	buf_release(&note);
}

static void compress_zstd(struct buf *out, const struct buf *in)
{
	buf_reset(out);
	size_t cap = ZSTD_compressBound(in->len);
	buf_grow(out, cap);
	size_t n = ZSTD_compress(out->data, cap, in->data, in->len, 3);
	assert_false(ZSTD_isError(n));
	out->len = n;
}

static void test_compressing_a_folder_is_clean(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, z = {0};
	suspect_init(&s, 0);
	report_unchanged_rest(&s, 1);
	for (int i = 0; i < NFILES; i++) { /* zstd --rm: X deleted, X.zst new */
		clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)(100 + i));
		report(&s, SUSPECT_DELETED, path_of(1, i, ""), &b, NULL, -1);
		compress_zstd(&z, &b);
		report(&s, SUSPECT_NEW, path_of(1, i, ".zst"), NULL, &z, -1);
	}
	verdict(&s, 0, NULL, NULL);

	/* compressing in place under the same name (a log rotated to gzip by an app) */
	suspect_init(&s, 0);
	for (int i = 0; i < NFILES; i++) {
		clean_content(&b, "txt", (unsigned)i);
		compress_zstd(&z, &b);
		report(&s, SUSPECT_MODIFIED, path_of(0, i, ""), &b, &z, 0);
	}
	verdict(&s, 0, NULL, NULL);

	/* tar --zstd of a folder, then the originals deleted */
	suspect_init(&s, 0);
	for (int i = 0; i < NFILES; i++) {
		clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)(300 + i));
		report(&s, SUSPECT_DELETED, path_of(3, i, ""), &b, NULL, -1);
	}
	compress_zstd(&z, &b);
	report(&s, SUSPECT_NEW, "share/admin.tar.zst", NULL, &z, -1);
	verdict(&s, 0, NULL, NULL);
	buf_release(&b);
	buf_release(&z);
}

static void test_other_legitimate_changes_are_clean(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, c = {0}, e = {0};
	/* a database dump rewritten every night: text again, little overlap */
	suspect_init(&s, 0);
	for (int i = 0; i < 30; i++) {
		char p[64];
		snprintf(p, sizeof(p), "dumps/table%02d.sql", i);
		clean_content(&b, "txt", (unsigned)i);
		clean_content(&c, "txt", (unsigned)(i + 1000));
		report(&s, SUSPECT_MODIFIED, p, &b, &c, 0.05);
	}
	verdict(&s, 0, NULL, NULL);

	/* images converted: PNG to JPEG in place, and scan.png deleted for scan.jpg */
	suspect_init(&s, 0);
	for (int i = 0; i < 30; i++) {
		char p[64], q[64];
		buf_reset(&b);
		buf_add(&b, "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", 16);
		encrypt(&e, &b, 5000);
		memcpy(e.data, b.data, 16);
		buf_reset(&c);
		buf_add(&c, "\xff\xd8\xff\xe0\x00\x10JFIF\x00", 11);
		encrypt(&b, &c, 6000);
		memcpy(b.data, c.data, 11);
		snprintf(p, sizeof(p), "photos/img%02d.png", i);
		report(&s, SUSPECT_MODIFIED, p, &e, &b, 0);
		snprintf(p, sizeof(p), "scans/scan%02d.png", i);
		snprintf(q, sizeof(q), "scans/scan%02d.jpg", i);
		report(&s, SUSPECT_DELETED, p, &e, NULL, -1);
		report(&s, SUSPECT_NEW, q, NULL, &b, -1);
	}
	verdict(&s, 0, NULL, NULL);

	/* a folder renamed: every file deleted under the old name and new under the other */
	suspect_init(&s, 0);
	for (int i = 0; i < NFILES; i++) {
		char p[128];
		clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)i);
		report(&s, SUSPECT_DELETED, path_of(0, i, ""), &b, NULL, -1);
		snprintf(p, sizeof(p), "share/ward1-old/doc%03d.%s", i, exts[i % LB_ARRAY_LEN(exts)]);
		report(&s, SUSPECT_NEW, p, NULL, &b, -1);
	}
	verdict(&s, 0, NULL, NULL);

	/* bulk deletes */
	suspect_init(&s, 0);
	for (int d = 0; d < (int)LB_ARRAY_LEN(folders); d++)
		for (int i = 0; i < NFILES; i++) {
			clean_content(&b, exts[i % LB_ARRAY_LEN(exts)], (unsigned)i);
			report(&s, SUSPECT_DELETED, path_of(d, i, ""), &b, NULL, -1);
		}
	verdict(&s, 0, NULL, NULL);

	/* one user encrypting one file (gpg, original removed) and one in place */
	suspect_init(&s, 0);
	report_unchanged_rest(&s, -1);
	clean_content(&b, "docx", 1);
	encrypt(&e, &b, 80);
	report(&s, SUSPECT_NEW, "share/admin/salary.xlsx.gpg", NULL, &e, -1);
	report(&s, SUSPECT_DELETED, "share/admin/salary.xlsx", &b, NULL, -1);
	verdict(&s, 0, NULL, NULL);
	buf_release(&b);
	buf_release(&c);
	buf_release(&e);
}

static void test_rename_storm_without_random_content(void **state)
{
	(void)state;
	/* Infection-Monkey style: bytes flipped, not random, files renamed to one unknown extension */
	struct suspect s;
	struct buf b = {0}, e = {0};
	suspect_init(&s, 0);
	for (int i = 0; i < 20; i++) {
		clean_content(&b, "txt", (unsigned)i);
		buf_reset(&e);
		buf_add(&e, b.data, b.len);
		for (size_t k = 0; k < e.len; k++)
			e.data[k] = (char)~e.data[k];
		char p[64], q[64];
		snprintf(p, sizeof(p), "share/ward2/n%02d.txt", i);
		snprintf(q, sizeof(q), "share/ward2/n%02d.txt.qwxz", i);
		report(&s, SUSPECT_DELETED, p, &b, NULL, -1);
		report(&s, SUSPECT_NEW, q, NULL, &e, -1);
	}
	verdict(&s, 1, "share/ward2", "rename_storm");
	buf_release(&b);
	buf_release(&e);
}

static void test_threshold_and_empty(void **state)
{
	(void)state;
	struct suspect s;
	struct buf b = {0}, e = {0};
	suspect_init(&s, 1000);
	for (int i = 0; i < 20; i++) {
		clean_content(&b, "txt", (unsigned)i);
		encrypt(&e, &b, 0);
		report(&s, SUSPECT_MODIFIED, path_of(0, i, ""), &b, &e, 0);
	}
	verdict(&s, 0, NULL, NULL);
	suspect_init(&s, 0);
	verdict(&s, 0, NULL, NULL);
	buf_release(&b);
	buf_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_first_backup_with_random_blobs_is_clean),
	        cmocka_unit_test(test_in_place_encryption_is_suspect),
	        cmocka_unit_test(test_copy_delete_with_extension_is_suspect),
	        cmocka_unit_test(test_first_block_only_is_suspect),
	        cmocka_unit_test(test_intermittent_after_intact_head_is_suspect),
	        cmocka_unit_test(test_base64_ciphertext_is_suspect),
	        cmocka_unit_test(test_notes_and_a_few_files_are_suspect),
	        cmocka_unit_test(test_compressing_a_folder_is_clean),
	        cmocka_unit_test(test_other_legitimate_changes_are_clean),
	        cmocka_unit_test(test_rename_storm_without_random_content),
	        cmocka_unit_test(test_threshold_and_empty),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
