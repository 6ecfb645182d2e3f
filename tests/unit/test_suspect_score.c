/*
 * test_suspect_score.c - the verdict of src/vault/suspect_score.c at its boundaries: a score exactly at the
 * threshold is suspect, one step below is clean, one above suspect (default and given thresholds); each sign's
 * weight and cap counted exactly (encrypted 2, structure lost and entropy jump 1, ransomware extension 0.5 up to
 * 6, its name alone 0.25 up to 3, notes 4 + 2 each up to 20, note names 1 up to 5, a rename storm 5 from ten files
 * renamed to one unknown extension); copy+delete pairing; the counts and the summary a person reads.
 * Files are reported with the types the backup engine would have sniffed, so each score has one known cause.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "sniff/sniff.h"
#include "vault/suspect.h"

static const char note_en[] = "All your files have been encrypted! To decrypt your files and recover them you must "
                              "pay a ransom in bitcoin. Contact us by email to get the decryption key.\n";

/* A text file changed into random bytes in place (the same size plus a 16-byte tag). */
static void enc_inplace(struct suspect *s, const char *folder, int i)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/doc%03d.txt", folder, i);
	struct suspect_file f = {.path = p,
	                         .change = SUSPECT_MODIFIED,
	                         .old_size = 1000,
	                         .new_size = 1016,
	                         .old_type = SNIFF_TEXT,
	                         .new_type = SNIFF_RANDOM,
	                         .old_entropy = 4.5,
	                         .chunk_overlap = 0};
	suspect_add(s, &f);
}

static void add(struct suspect *s, const char *path, enum suspect_change ch, enum sniff_type ot, enum sniff_type nt)
{
	struct suspect_file f = {.path = path,
	                         .change = ch,
	                         .old_size = ch == SUSPECT_NEW ? 0 : 1000,
	                         .new_size = ch == SUSPECT_DELETED ? 0 : 1000,
	                         .old_type = ch == SUSPECT_NEW ? SNIFF_EMPTY : ot,
	                         .new_type = nt,
	                         .old_entropy = ch == SUSPECT_NEW ? -1 : 4.5,
	                         .chunk_overlap = ch == SUSPECT_MODIFIED ? 0 : -1};
	suspect_add(s, &f);
}

static void note(struct suspect *s, const char *path, int text)
{
	struct suspect_file f = {.path = path,
	                         .change = SUSPECT_NEW,
	                         .new_size = sizeof(note_en) - 1,
	                         .old_type = SNIFF_EMPTY,
	                         .new_type = SNIFF_TEXT,
	                         .old_entropy = -1,
	                         .chunk_overlap = -1,
	                         .head = text ? note_en : "meeting at ten\n",
	                         .head_len = text ? sizeof(note_en) - 1 : 15};
	suspect_add(s, &f);
}

/* Finish and check the score exactly and the verdict. */
static void verdict(struct suspect *s, double score, int suspect, struct suspect_result *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(suspect_finish(s, r), 0);
	print_message("score %.2f (want %.2f) threshold %.1f: %s\n", r->score, score, r->threshold,
	              buf_cstr(&r->summary));
	assert_true(r->score > score - 1e-9 && r->score < score + 1e-9);
	assert_int_equal(r->suspect, suspect);
	assert_string_equal(buf_cstr(&r->reasons), suspect ? buf_cstr(&r->reasons) : "[]");
	if (suspect)
		assert_true(r->reasons.len > 2);
}

static void done(struct suspect *s, struct suspect_result *r)
{
	suspect_result_release(r);
	suspect_release(s);
}

/* Five encrypted files score 10 = the default threshold: suspect; four (8) are clean; six (12) suspect. */
static void test_threshold_boundary_default(void **state)
{
	(void)state;
	for (int n = 4; n <= 6; n++) {
		struct suspect s;
		struct suspect_result r;
		suspect_init(&s, 0);
		for (int i = 0; i < n; i++)
			enc_inplace(&s, "share/ward1", i);
		verdict(&s, 2.0 * n, n >= 5, &r);
		assert_true(r.threshold == 10);
		assert_int_equal(r.examined, (size_t)n);
		assert_int_equal(r.flagged, (size_t)n);
		if (n < 5) {
			assert_non_null(strstr(buf_cstr(&r.summary), "clean: 4 files changed; 4 look encrypted"));
			assert_non_null(strstr(buf_cstr(&r.summary), "below the threshold 10"));
			assert_non_null(strstr(buf_cstr(&r.summary), "(e.g. 'share/ward1/doc000.txt')"));
		} else {
			char want[96];
			snprintf(want, sizeof(want),
			         "%d files in 'share/ward1' look encrypted (e.g. 'share/ward1/doc000.txt')", n);
			assert_string_equal(buf_cstr(&r.summary), want);
			assert_non_null(strstr(buf_cstr(&r.reasons), "\"rule\":\"encrypted_in_place\""));
		}
		done(&s, &r);
	}
}

/* A given threshold: score 8 with threshold 8 is suspect, with 8.5 clean, with 7.5 suspect. */
static void test_threshold_boundary_given(void **state)
{
	(void)state;
	const double th[] = {7.5, 8, 8.5};
	for (size_t k = 0; k < LB_ARRAY_LEN(th); k++) {
		struct suspect s;
		struct suspect_result r;
		suspect_init(&s, th[k]);
		for (int i = 0; i < 4; i++)
			enc_inplace(&s, "share/ward2", i);
		verdict(&s, 8, th[k] <= 8, &r);
		assert_true(r.threshold == th[k]);
		if (th[k] > 8) /* the threshold as given, not rounded to the score */
			assert_non_null(strstr(buf_cstr(&r.summary), "below the threshold 8.5"));
		done(&s, &r);
	}
	/* one file alone: clean, and the summary says so in the singular */
	struct suspect s;
	struct suspect_result r;
	suspect_init(&s, 0);
	enc_inplace(&s, "share/ward2", 0);
	verdict(&s, 2, 0, &r);
	assert_string_equal(buf_cstr(&r.summary),
	                    "clean: 1 files changed; 1 looks encrypted, below the threshold 10 (e.g. "
	                    "'share/ward2/doc000.txt')");
	done(&s, &r);
	/* nothing at all */
	suspect_init(&s, 0);
	verdict(&s, 0, 0, &r);
	assert_string_equal(buf_cstr(&r.summary), "clean: 0 files changed");
	done(&s, &r);
}

/* Each sign's weight, and the caps. */
static void test_weights_and_caps(void **state)
{
	(void)state;
	struct suspect s;
	struct suspect_result r;
	char p[128];
	/* structure lost (a document now unknown binary) counts 1 */
	suspect_init(&s, 0);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "share/a/doc%d.pdf", i);
		add(&s, p, SUSPECT_MODIFIED, SNIFF_PDF, SNIFF_UNKNOWN);
	}
	verdict(&s, 3, 0, &r);
	assert_int_equal(r.flagged, 3);
	done(&s, &r);
	/* new random files with a ransomware extension and no original: 0.5 each, at most 6 */
	const int nrext[] = {11, 12, 13, 40};
	for (size_t k = 0; k < LB_ARRAY_LEN(nrext); k++) {
		suspect_init(&s, 0);
		for (int i = 0; i < nrext[k]; i++) {
			snprintf(p, sizeof(p), "share/b/blob%02d.locked", i);
			add(&s, p, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_RANDOM);
		}
		verdict(&s, nrext[k] * 0.5 < 6 ? nrext[k] * 0.5 : 6, 0, &r);
		assert_int_equal(r.flagged, (size_t)nrext[k]);
		done(&s, &r);
	}
	/* the extension alone on files that are not random: 0.25 each, at most 3 */
	const int nname[] = {11, 12, 13};
	for (size_t k = 0; k < LB_ARRAY_LEN(nname); k++) {
		suspect_init(&s, 0);
		for (int i = 0; i < nname[k]; i++) {
			snprintf(p, sizeof(p), "share/c/file%02d.locked", i);
			add(&s, p, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_TEXT);
		}
		verdict(&s, nname[k] * 0.25 < 3 ? nname[k] * 0.25 : 3, 0, &r);
		assert_int_equal(r.flagged, 0);
		done(&s, &r);
	}
	/* names alone reach a low threshold: the summary then names the extensions */
	suspect_init(&s, 2.5);
	for (int i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "share/c/file%02d.locked", i);
		add(&s, p, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_TEXT);
	}
	verdict(&s, 3, 1, &r);
	assert_string_equal(buf_cstr(&r.summary), "suspect: 20 files with ransomware extensions");
	done(&s, &r);
	/* ransom notes: the first 4, each more 2, at most 20 */
	const int nnotes[] = {1, 2, 3, 8, 9, 10};
	for (size_t k = 0; k < LB_ARRAY_LEN(nnotes); k++) {
		suspect_init(&s, 0);
		for (int i = 0; i < nnotes[k]; i++) {
			snprintf(p, sizeof(p), "share/d%d/note.txt", i);
			note(&s, p, 1);
		}
		double want = 4.0 + 2.0 * (nnotes[k] - 1);
		verdict(&s, want < 20 ? want : 20, want >= 10, &r);
		assert_int_equal(r.flagged, (size_t)nnotes[k]);
		done(&s, &r);
	}
	/* files only named like notes: 1 each, at most 5 */
	const int nnames[] = {4, 5, 6};
	for (size_t k = 0; k < LB_ARRAY_LEN(nnames); k++) {
		suspect_init(&s, 0);
		for (int i = 0; i < nnames[k]; i++) {
			snprintf(p, sizeof(p), "share/e%d/HOW_TO_DECRYPT.txt", i);
			note(&s, p, 0);
		}
		verdict(&s, nnames[k] < 5 ? nnames[k] : 5, 0, &r);
		assert_int_equal(r.flagged, (size_t)nnames[k]);
		done(&s, &r);
	}
}

/* Deleted X + new random X.ext is encrypted_copy (2), the ransomware extension of the same file not counted
 * again; ten or more renamed to one unknown extension add a storm (5); nine do not. */
static void test_pairs_and_storm(void **state)
{
	(void)state;
	struct suspect s;
	struct suspect_result r;
	char p[128], q[128];
	/* four copies with .locked: 8 (the 0.5 of each .locked taken back), clean; five: 10, suspect */
	for (int n = 4; n <= 5; n++) {
		suspect_init(&s, 0);
		for (int i = 0; i < n; i++) {
			snprintf(p, sizeof(p), "share/f/doc%d.txt", i);
			snprintf(q, sizeof(q), "share/f/doc%d.txt.locked", i);
			add(&s, q, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_RANDOM);
			add(&s, p, SUSPECT_DELETED, SNIFF_TEXT, SNIFF_EMPTY);
		}
		verdict(&s, 2.0 * n, n >= 5, &r);
		assert_int_equal(r.flagged, (size_t)n);
		if (n >= 5) {
			assert_non_null(strstr(buf_cstr(&r.reasons), "\"rule\":\"encrypted_copy\""));
			assert_non_null(strstr(buf_cstr(&r.reasons), "5 deleted"));
		}
		done(&s, &r);
	}
	/* a document turned into unknown bytes under a new extension is encrypted too */
	suspect_init(&s, 0);
	add(&s, "share/f/a.docx.qq", SUSPECT_NEW, SNIFF_EMPTY, SNIFF_UNKNOWN);
	add(&s, "share/f/a.docx", SUSPECT_DELETED, SNIFF_ZIP, SNIFF_EMPTY);
	verdict(&s, 2, 0, &r);
	done(&s, &r);
	/* compressed copies are no sign */
	suspect_init(&s, 0);
	for (int i = 0; i < 12; i++) {
		snprintf(p, sizeof(p), "share/g/doc%d.txt", i);
		snprintf(q, sizeof(q), "share/g/doc%d.txt.zst", i);
		add(&s, q, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_ZSTD);
		add(&s, p, SUSPECT_DELETED, SNIFF_TEXT, SNIFF_EMPTY);
	}
	verdict(&s, 0, 0, &r);
	done(&s, &r);
	/* renamed to one unknown extension, content still text: 9 files nothing, 10 a storm (5), 11 the same */
	for (int n = 9; n <= 11; n++) {
		suspect_init(&s, 4);
		for (int i = 0; i < n; i++) {
			snprintf(p, sizeof(p), "share/h/n%02d.txt", i);
			snprintf(q, sizeof(q), "share/h/n%02d.txt.qwx", i);
			add(&s, p, SUSPECT_DELETED, SNIFF_TEXT, SNIFF_EMPTY);
			add(&s, q, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_TEXT);
		}
		verdict(&s, n >= 10 ? 5 : 0, n >= 10, &r);
		if (n >= 10) {
			char want[96];
			snprintf(want, sizeof(want), "%d files renamed to an unknown extension", n);
			assert_string_equal(buf_cstr(&r.summary), want);
			assert_non_null(strstr(buf_cstr(&r.reasons), "\"rule\":\"rename_storm\""));
		}
		done(&s, &r);
	}
}

/* Pairing looks for the deleted original by its exact name: a new random file whose original was not deleted
 * pairs with none of 20 other deletions (0.5 for its ransomware extension, no copy); the 0.5 of an unpaired
 * .locked file is not taken back for a copy under another extension in the same folder (2 + 0.5). */
static void test_pairing_exact(void **state)
{
	(void)state;
	struct suspect s;
	struct suspect_result r;
	char p[128];
	suspect_init(&s, 0);
	for (int i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "share/k/old%02d.txt", i);
		add(&s, p, SUSPECT_DELETED, SNIFF_TEXT, SNIFF_EMPTY);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "share/k/new%d.txt.locked", i);
		add(&s, p, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_RANDOM);
	}
	verdict(&s, 1.5, 0, &r);
	assert_null(strstr(buf_cstr(&r.summary), "renamed"));
	done(&s, &r);

	suspect_init(&s, 0);
	add(&s, "share/m/alone.txt.locked", SUSPECT_NEW, SNIFF_EMPTY, SNIFF_RANDOM);
	add(&s, "share/m/a.txt.qqx", SUSPECT_NEW, SNIFF_EMPTY, SNIFF_RANDOM);
	add(&s, "share/m/a.txt", SUSPECT_DELETED, SNIFF_TEXT, SNIFF_EMPTY);
	verdict(&s, 2.5, 0, &r);
	done(&s, &r);
}

/* The summary and reasons of a suspect generation: the deepest folder holding every encrypted folder, notes
 * counted after the files, more than ten folders folded into one "… more folders" entry. */
static void test_summary_and_reasons(void **state)
{
	(void)state;
	struct suspect s;
	struct suspect_result r;
	suspect_init(&s, 0);
	for (int d = 0; d < 12; d++) {
		char f[64];
		snprintf(f, sizeof(f), "share/wards/w%02d", d);
		enc_inplace(&s, f, 0);
	}
	note(&s, "share/wards/w00/README_DECRYPT.txt", 1);
	verdict(&s, 28, 1, &r);
	assert_int_equal(r.flagged, 13);
	assert_string_equal(buf_cstr(&r.summary), "12 files in 'share/wards' look encrypted (e.g. "
	                                          "'share/wards/w00/doc000.txt'); 1 ransom notes (e.g. "
	                                          "'share/wards/w00/README_DECRYPT.txt')");
	assert_non_null(strstr(buf_cstr(&r.reasons), "\"folder\":\"…\",\"files\":2"));
	assert_non_null(strstr(buf_cstr(&r.reasons), "2 more folders"));
	assert_null(strstr(buf_cstr(&r.reasons), "share/wards/w11\""));
	assert_non_null(strstr(buf_cstr(&r.reasons), "\"folder\":\"share/wards/w09\"")); /* the tenth listed */
	assert_null(strstr(buf_cstr(&r.reasons), "\"folder\":\"share/wards/w10\""));     /* the eleventh not */
	done(&s, &r);
	/* ten folders are listed all, with no "more" entry; eleven list ten and "1 more folders" */
	for (int nf = 10; nf <= 11; nf++) {
		suspect_init(&s, 0);
		for (int d = 0; d < nf; d++) {
			char f[64];
			snprintf(f, sizeof(f), "share/wards/w%02d", d);
			enc_inplace(&s, f, 0);
		}
		verdict(&s, 2.0 * nf, 1, &r);
		if (nf == 10)
			assert_null(strstr(buf_cstr(&r.reasons), "more folders"));
		else
			assert_non_null(strstr(buf_cstr(&r.reasons), "\"folder\":\"…\",\"files\":1,\"examples\":[],"
			                                             "\"detail\":\"1 more folders\""));
		done(&s, &r);
	}
}

/* A file changed in place that grew by `grow` bytes. */
static void enc_grown(struct suspect *s, const char *folder, int i, int grow)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/doc%03d.txt", folder, i);
	struct suspect_file f = {.path = p,
	                         .change = SUSPECT_MODIFIED,
	                         .old_size = 1000,
	                         .new_size = (uint64_t)(1000 + grow),
	                         .old_type = SNIFF_TEXT,
	                         .new_type = SNIFF_RANDOM,
	                         .old_entropy = 4.5,
	                         .chunk_overlap = 0};
	suspect_add(s, &f);
}

/* "N of them grew by exactly D bytes": only when at least two files changed and one growth is more than half of
 * them (3 of 5 yes, 3 of 6 no; 1 file no, 2 files yes), and only on the first folder of the rule. */
static void test_growth_detail(void **state)
{
	(void)state;
	struct suspect s;
	struct suspect_result r;
	for (int n = 1; n <= 2; n++) { /* threshold 2: one file is suspect already */
		suspect_init(&s, 2);
		for (int i = 0; i < n; i++)
			enc_grown(&s, "share/a", i, 16);
		verdict(&s, 2.0 * n, 1, &r);
		if (n == 1)
			assert_null(strstr(buf_cstr(&r.reasons), "grew by exactly"));
		else
			assert_non_null(strstr(buf_cstr(&r.reasons), "; 2 of them grew by exactly 16 bytes"));
		done(&s, &r);
	}
	for (int other = 2; other <= 3; other++) { /* 3 of 5 a majority, 3 of 6 not */
		suspect_init(&s, 0);
		for (int i = 0; i < 3; i++)
			enc_grown(&s, "share/a", i, 16);
		for (int i = 0; i < other; i++)
			enc_grown(&s, "share/a", 10 + i, 32);
		verdict(&s, 2.0 * (3 + other), 1, &r);
		if (other == 2)
			assert_non_null(strstr(buf_cstr(&r.reasons), "; 3 of them grew by exactly 16 bytes"));
		else
			assert_null(strstr(buf_cstr(&r.reasons), "grew by exactly"));
		done(&s, &r);
	}
	/* the table of growths full (eight sizes) and one more size beyond it: 9 of 17 files share a growth, a
	 * majority; with two beyond it, 9 of 18 are not */
	for (int beyond = 1; beyond <= 2; beyond++) {
		suspect_init(&s, 0);
		for (int i = 0; i < 9; i++)
			enc_grown(&s, "share/d", i, 16);
		for (int i = 0; i < 7 + beyond; i++)
			enc_grown(&s, "share/d", 10 + i, 17 + i);
		verdict(&s, 2.0 * (16 + beyond), 1, &r);
		if (beyond == 1)
			assert_non_null(strstr(buf_cstr(&r.reasons), "; 9 of them grew by exactly 16 bytes"));
		else
			assert_null(strstr(buf_cstr(&r.reasons), "grew by exactly"));
		done(&s, &r);
	}
	/* two folders: the detail once, on the folder with most files (listed first), not on the other */
	suspect_init(&s, 0);
	for (int i = 0; i < 2; i++)
		enc_grown(&s, "share/b", i, 16);
	for (int i = 0; i < 4; i++)
		enc_grown(&s, "share/c", i, 16);
	verdict(&s, 12, 1, &r);
	const char *j = buf_cstr(&r.reasons), *c = strstr(j, "\"folder\":\"share/c\""),
	           *b = strstr(j, "\"folder\":\"share/b\"");
	assert_non_null(c);
	assert_non_null(b);
	assert_true(c < b);
	const char *g = strstr(j, "; 6 of them grew by exactly 16 bytes");
	assert_non_null(g);
	assert_true(g > c && g < b);
	assert_null(strstr(g + strlen("; 6 of them grew by exactly"), "grew by exactly"));
	done(&s, &r);
}

/* The folder named in the summary: the deepest folder holding every flagged one, by whole names (ward1 and ward10
 * share 'share', not 'share/ward1'), a folder and its subfolder in either order the folder. */
static void test_flagged_root(void **state)
{
	(void)state;
	static const struct {
		const char *first, *second, *root;
	} v[] = {
	        {"share/ward1", "share/ward10", "share"},          {"share/ward10", "share/ward1", "share"},
	        {"share/ward1/x", "share/ward1", "share/ward1"},   {"share/ward1", "share/ward1/x", "share/ward1"},
	        {"share/ward1/x", "share/ward1/y", "share/ward1"}, {"share/ward1/x", "share/ward2", "share"},
	};
	for (size_t k = 0; k < LB_ARRAY_LEN(v); k++) {
		struct suspect s;
		struct suspect_result r;
		suspect_init(&s, 0);
		for (int i = 0; i < 3; i++)
			enc_inplace(&s, v[k].first, i);
		for (int i = 0; i < 3; i++)
			enc_inplace(&s, v[k].second, i);
		verdict(&s, 12, 1, &r);
		char want[128];
		snprintf(want, sizeof(want), "6 files in '%s' look encrypted", v[k].root);
		if (!strstr(buf_cstr(&r.summary), want))
			fail_msg("%s + %s: summary '%s', want '%s'", v[k].first, v[k].second, buf_cstr(&r.summary),
			         want);
		done(&s, &r);
	}
}

/* A clean generation with notes: "1 looks like a ransom note", "2 look like a ransom note". */
static void test_clean_notes(void **state)
{
	(void)state;
	for (int n = 1; n <= 2; n++) {
		struct suspect s;
		struct suspect_result r;
		suspect_init(&s, 0);
		for (int i = 0; i < n; i++) {
			char p[64];
			snprintf(p, sizeof(p), "share/d%d/README_DECRYPT.txt", i);
			note(&s, p, 1);
		}
		verdict(&s, 4.0 + 2.0 * (n - 1), 0, &r);
		assert_non_null(
		        strstr(buf_cstr(&r.summary), n == 1 ? "; 1 looks like a ransom note, below the threshold 10"
		                                            : "; 2 look like a ransom note, below the threshold 10"));
		done(&s, &r);
	}
}

/* The path hash of src/vault/suspect.c (FNV-1a, 64 bits, folded), to pick a name the pairing search looks up
 * past the last deleted file. */
static uint64_t path_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)p[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

/* A generation that fills the scorer's lists exactly (1024 new files, 1024 deleted ones, 64 folders: each list's
 * first allocation, so that a look one past the end is caught by the sanitizers; the last new file's name is
 * searched for past every deleted one): none of the new .locked files has a deleted original, so nothing pairs,
 * the extension signs stop at their cap of 6, and the generation is clean. */
static void test_lists_full(void **state)
{
	(void)state;
	struct suspect s;
	struct suspect_result r;
	char p[128];
	uint64_t top = 0;
	suspect_init(&s, 0);
	for (int d = 0; d < 64; d++)
		for (int i = 0; i < 16; i++) {
			snprintf(p, sizeof(p), "share/f%02d/old%02d.txt", d, i);
			add(&s, p, SUSPECT_DELETED, SNIFF_TEXT, SNIFF_EMPTY);
			uint64_t h = path_hash(p, strlen(p));
			top = h > top ? h : top;
		}
	for (int d = 0; d < 64; d++)
		for (int i = 0; i < 16; i++) {
			snprintf(p, sizeof(p), "share/f%02d/new%02d.txt.locked", d, i);
			for (int k = 0; d == 63 && i == 15 && k < 1000000; k++) { /* the last: a stem hashed past all */
				snprintf(p, sizeof(p), "share/f63/last%d.txt.locked", k);
				if (path_hash(p, strlen(p) - strlen(".locked")) > top)
					break;
			}
			add(&s, p, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_RANDOM);
		}
	verdict(&s, 6, 0, &r);
	assert_int_equal(r.examined, 2048);
	assert_int_equal(r.flagged, 1024);
	assert_null(strstr(buf_cstr(&r.summary), "renamed"));
	done(&s, &r);
}

/* A suspect generation whose only signs are new random files with a ransomware extension (a low threshold): the
 * summary counts them as encrypted and names one; suspect_finish without a scorer or a result is refused. */
static void test_ransom_ext_summary(void **state)
{
	(void)state;
	struct suspect s;
	struct suspect_result r;
	char p[128];
	suspect_init(&s, 2);
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "share/b/blob%02d.locked", i);
		add(&s, p, SUSPECT_NEW, SNIFF_EMPTY, SNIFF_RANDOM);
	}
	verdict(&s, 2, 1, &r);
	assert_string_equal(buf_cstr(&r.summary), "4 files in 'share/b' look encrypted (e.g. 'share/b/blob00.locked')");
	assert_int_equal(suspect_finish(NULL, &r), -LB_EINTERNAL);
	assert_int_equal(suspect_finish(&s, NULL), -LB_EINTERNAL);
	done(&s, &r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_threshold_boundary_default),
	        cmocka_unit_test(test_threshold_boundary_given),
	        cmocka_unit_test(test_weights_and_caps),
	        cmocka_unit_test(test_pairs_and_storm),
	        cmocka_unit_test(test_summary_and_reasons),
	        cmocka_unit_test(test_growth_detail),
	        cmocka_unit_test(test_flagged_root),
	        cmocka_unit_test(test_clean_notes),
	        cmocka_unit_test(test_pairing_exact),
	        cmocka_unit_test(test_lists_full),
	        cmocka_unit_test(test_ransom_ext_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
