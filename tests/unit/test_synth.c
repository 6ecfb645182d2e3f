/*
 * test_synth.c - the synthetic hospital (src/ehr/synth*.c): SS-MIX2 folder and file names as the standard storage
 * spec gives them, every file clean ISO-2022-JP (CR-separated HL7 v2.5 with the right message type per data type)
 * except the deliberate CP932 quirks, updated and deleted versions, names as in life (same surnames, some same full
 * names), and the same patient told the same way in HL7 and FHIR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ehr/ehr.h"
#include "ehr/synth_int.h" /* synth_person_draw: the names at scale without writing 100,000 patients */

#define _XOPEN_SOURCE_EXTENDED 1
#include <ctype.h>
#include <dirent.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATIENTS 1000

static char tmpdir[64], out[128];
static struct ehr_synth_stats st;

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/lb-test-synth-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(out, sizeof(out), "%s/h", tmpdir);
	struct ehr_synth_opts o = {.out_dir = out, .patients = PATIENTS, .seed = 2024, .stats = &st};
	return ehr_synth(&o);
}

static int teardown(void **state)
{
	(void)state;
	lb_rmtree(tmpdir);
	return 0;
}

/* ---- the storage tree ---------------------------------------------------------------------------------------- */

struct walk {
	long files, deleted, quirks, bad_names, bad_bytes, bad_msgs;
	long by_type[16];
	char first_bad[512];
};
static struct walk W;
static size_t root_len;

static const struct {
	const char *type, *msg;
} expect_msg[] = {
        {"ADT-00", "ADT^A08"}, {"ADT-61", "ADT^A60"}, {"OMP-01", "RDE^O11"},
        {"OMP-02", "RDE^O11"}, {"OML-11", "OUL^R22"}, {"PPR-01", "PPR^ZD1"},
        {"ADT-22", "ADT^A01"}, {"ADT-42", "ADT^A02"}, {"ADT-52", "ADT^A03"},
};

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static void bad(long *counter, const char *path, const char *why)
{
	(*counter)++;
	if (!W.first_bad[0])
		snprintf(W.first_bad, sizeof(W.first_bad), "%s: %s", path, why);
}

/* ssmix2/<pid[0:3]>/<pid[3:6]>/<pid>/<date|->/<type>/<pid>_<date>_<type>_<order15>_<ts17>_<dept>_<flag> */
static int visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag != FTW_F)
		return 0;
	const char *rel = path + root_len + 1;
	char parts[8][128];
	int np = 0;
	for (const char *p = rel; *p && np < 8;) {
		const char *sl = strchr(p, '/');
		size_t l = sl ? (size_t)(sl - p) : strlen(p);
		snprintf(parts[np++], 128, "%.*s", (int)l, p);
		p += l + (sl ? 1 : 0);
	}
	W.files++;
	if (np != 6) {
		bad(&W.bad_names, path, "depth");
		return 0;
	}
	const char *pid = parts[2], *date = parts[3], *type = parts[4];
	char f[7][64];
	int nf = 0;
	for (const char *p = parts[5]; *p && nf < 7;) {
		const char *us = strchr(p, '_');
		size_t l = us ? (size_t)(us - p) : strlen(p);
		snprintf(f[nf++], 64, "%.*s", (int)l, p);
		p += l + (us ? 1 : 0);
	}
	int ok = nf == 7 && all_digits(pid, 10) && !strncmp(parts[0], pid, 3) && !strncmp(parts[1], pid + 3, 3) &&
	         strlen(parts[0]) == 3 && strlen(parts[1]) == 3 && !strcmp(f[0], pid) && !strcmp(f[1], date) &&
	         !strcmp(f[2], type) && all_digits(f[3], 15) && all_digits(f[4], 17) &&
	         (!strcmp(f[5], "-") || all_digits(f[5], 2)) && (!strcmp(f[6], "0") || !strcmp(f[6], "1")) &&
	         (!strcmp(date, "-") || all_digits(date, 8));
	int dash = !strcmp(type, "ADT-00") || !strcmp(type, "ADT-61") || !strcmp(type, "PPR-01");
	if (!ok || dash != !strcmp(date, "-")) {
		bad(&W.bad_names, path, "name");
		return 0;
	}
	if (!strcmp(f[6], "0"))
		W.deleted++;
	struct buf raw = {0}, text = {0};
	assert_int_equal(buf_read_file(&raw, path, 1 << 20), 0);
	for (size_t i = 0; i < raw.len; i++)
		if ((unsigned char)raw.data[i] >= 0x80 || raw.data[i] == '\n')
			bad(&W.bad_bytes, path, "8-bit byte or LF in an ISO-2022-JP file");
	struct text_report rep = {0};
	text_decode_iso2022jp(&text, raw.data, raw.len, &rep);
	if (rep.bad_count)
		bad(&W.bad_bytes, path, "unmapped");
	if (rep.nonstandard)
		W.quirks++;
	/* MSH first, the message type of the data type, CR between segments, each a three-letter id */
	const char *t = text.data;
	const char *want = NULL;
	for (size_t i = 0; i < LB_ARRAY_LEN(expect_msg); i++)
		if (!strcmp(expect_msg[i].type, type)) {
			want = expect_msg[i].msg;
			W.by_type[i]++;
		}
	char needle[64];
	snprintf(needle, sizeof(needle), "||%s^", want ? want : "?");
	if (strncmp(t, "MSH|^~\\&|", 9) || !strstr(t, needle) || !strstr(t, "|~ISO IR87||ISO 2022-1994|") ||
	    t[text.len - 1] != '\r')
		bad(&W.bad_msgs, path, "MSH");
	for (const char *seg = t; *seg; seg = strchr(seg, '\r') + 1) {
		if (!isupper((unsigned char)seg[0]) || !isalnum((unsigned char)seg[1]) ||
		    !isalnum((unsigned char)seg[2]) || seg[3] != '|')
			bad(&W.bad_msgs, path, "segment");
		if (!strstr(seg, "\r"))
			break;
	}
	char pid_field[160];
	snprintf(pid_field, sizeof(pid_field), "\rPID|0001||%s^^^^PI||", pid);
	if (!strstr(t, pid_field))
		bad(&W.bad_msgs, path, "PID-3 does not name the patient of the path");
	buf_release(&raw);
	buf_release(&text);
	return 0;
}

static void test_storage_tree(void **state)
{
	(void)state;
	char root[160];
	snprintf(root, sizeof(root), "%s/ssmix2", out);
	root_len = strlen(root);
	memset(&W, 0, sizeof(W));
	assert_int_equal(nftw(root, visit, 16, FTW_PHYS), 0);
	if (W.first_bad[0])
		print_message("first problem: %s\n", W.first_bad);
	assert_int_equal(W.bad_names, 0);
	assert_int_equal(W.bad_bytes, 0);
	assert_int_equal(W.bad_msgs, 0);
	assert_int_equal(W.files, st.ssmix2_files);
	assert_int_equal(W.deleted, st.ssmix2_deleted);
	assert_int_equal(W.quirks, st.ssmix2_quirks);
	assert_true(st.ssmix2_deleted > 0 && st.ssmix2_updated > 0 && st.ssmix2_quirks > 0);
	for (size_t i = 0; i < LB_ARRAY_LEN(expect_msg); i++) {
		assert_int_equal(W.by_type[i], st.by_type[i]);
		assert_true(W.by_type[i] > 0);
	}
	/* one current ADT-00 per patient, plus older versions */
	assert_int_equal(st.by_type[0], PATIENTS + st.ssmix2_updated);
	/* wards of 30-50 beds at about 80%; inpatients come with an admission each */
	assert_true(st.beds >= 30 * st.wards && st.beds <= 50 * st.wards);
	assert_true(st.inpatients >= st.beds * 6 / 10 && st.inpatients <= st.beds);
	assert_true(st.by_type[6] >= st.inpatients);
}

/* ---- names --------------------------------------------------------------------------------------------------- */

struct people {
	int n;
	char name[PATIENTS][96];
	char family[PATIENTS][48];
	char id[PATIENTS][16];
	char kana[PATIENTS][96];
};
static struct people P;

static int on_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	(void)ctx;
	(void)src;
	if (P.n >= PATIENTS)
		return -LB_EINTERNAL;
	snprintf(P.name[P.n], 96, "%s %s %c", r->family_kanji, r->given_kanji, r->sex);
	snprintf(P.family[P.n], 48, "%s", r->family_kanji);
	snprintf(P.id[P.n], 16, "%s", r->id);
	snprintf(P.kana[P.n], 96, "%s^%s^^^^^L^I~%s^%s^^^^^L^P", r->family_kanji, r->given_kanji, r->family_kana,
	         r->given_kana);
	P.n++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_names_as_in_life(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof(path), "%s/fhir/Patient.ndjson", out);
	struct ehr_sink s = {.patient = on_patient};
	memset(&P, 0, sizeof(P));
	assert_int_equal(ehr_fhir_read_file(path, &s), 0);
	assert_int_equal(P.n, PATIENTS);
	static char names[PATIENTS][96], fams[PATIENTS][48];
	memcpy(names, P.name, sizeof(names));
	memcpy(fams, P.family, sizeof(fams));
	qsort(names, PATIENTS, 96, cmp);
	qsort(fams, PATIENTS, 48, cmp);
	int same_name = 0, top = 0, run = 1, common = 0;
	for (int i = 1; i <= PATIENTS; i++) {
		if (i < PATIENTS && !strcmp(names[i], names[i - 1]))
			same_name += (i >= 2 && !strcmp(names[i - 1], names[i - 2])) ? 1 : 2;
	}
	for (int i = 1; i <= PATIENTS; i++) {
		if (i < PATIENTS && !strcmp(fams[i], fams[i - 1])) {
			run++;
			continue;
		}
		if (run > top)
			top = run;
		common += run >= 5;
		run = 1;
	}
	print_message("same full name: %d of %d; commonest surname: %d; surnames with 5+: %d\n", same_name, PATIENTS,
	              top, common);
	assert_int_equal(same_name, st.same_full_name);
	/* at 1,000 patients a same full name (and sex) is rare: under 1% (the rates at scale: test_same_name_rates) */
	assert_true(same_name <= 10);
	/* the commonest surname (鈴木 in Shizuoka) is a few per cent; a dozen or more surnames are shared by 5+ */
	assert_true(top >= 20 && top <= 60);
	assert_true(common >= 12);
}

/* Same names at scale, as the station meets them: drawn the way synth draws its patients (synth_person_draw on
 * each patient's own stream), 10,000 and 100,000 people. Same kanji full name and sex: some 1-3% at 10,000 and
 * 8-16% at 100,000 — pairs the station must warn about, not a large share of the hospital; the same kana reading
 * is commoner (ヒロシ is 博, 浩 or 弘), but not the rule either. */
struct drawn {
	char kanji[100], kana[200];
};

static int by_kanji(const void *a, const void *b)
{
	return strcmp(((const struct drawn *)a)->kanji, ((const struct drawn *)b)->kanji);
}

static int by_kana(const void *a, const void *b)
{
	return strcmp(((const struct drawn *)a)->kana, ((const struct drawn *)b)->kana);
}

/* People who share the key with someone else, in per mille. */
static long shared_per_mille(struct drawn *v, long n, int (*cmpf)(const void *, const void *), int kana)
{
	qsort(v, (size_t)n, sizeof(*v), cmpf);
	long shared = 0;
	for (long i = 0; i < n;) {
		long j = i + 1;
		while (j < n && !strcmp(kana ? v[j].kana : v[j].kanji, kana ? v[i].kana : v[i].kanji))
			j++;
		if (j - i >= 2)
			shared += j - i;
		i = j;
	}
	return shared * 1000 / n;
}

static void test_same_name_rates(void **state)
{
	(void)state;
	static struct drawn v[100000];
	int64_t today = lb_days_from_civil(2026, 11, 24);
	static const struct {
		long n, kanji_lo, kanji_hi, kana_hi;
	} want[] = {{10000, 10, 30, 100}, {100000, 80, 160, 350}};
	for (size_t k = 0; k < LB_ARRAY_LEN(want); k++) {
		long n = want[k].n;
		for (long i = 0; i < n; i++) {
			struct synth_rng r;
			synth_rng_seed(&r, 2024, (uint64_t)i + 1);
			(void)synth_below(&r, 7); /* the ID's draw, as synth_patient_draw */
			struct synth_person p;
			synth_person_draw(&r, today, &p);
			snprintf(v[i].kanji, sizeof(v[i].kanji), "%s %s %c", p.family, p.given, p.sex);
			snprintf(v[i].kana, sizeof(v[i].kana), "%s %s %c", p.family_kana, p.given_kana, p.sex);
		}
		long kanji = shared_per_mille(v, n, by_kanji, 0), kana = shared_per_mille(v, n, by_kana, 1);
		print_message("%ld people: same kanji name %ld‰, same kana %ld‰\n", n, kanji, kana);
		assert_true(kanji >= want[k].kanji_lo && kanji <= want[k].kanji_hi);
		assert_true(kana >= kanji && kana <= want[k].kana_hi);
	}
}

/* The same patient is told the same way in the SS-MIX2 tree (PID-5 kanji ^L^I, kana ^L^P) and in FHIR. */
static void test_hl7_matches_fhir(void **state)
{
	(void)state;
	assert_true(P.n == PATIENTS);
	for (int k = 0; k < 20; k++) {
		const char *id = P.id[k * 37 % PATIENTS];
		const char *want = P.kana[k * 37 % PATIENTS];
		char dir[256];
		snprintf(dir, sizeof(dir), "%s/ssmix2/%.3s/%.3s/%s/-/ADT-00", out, id, id + 3, id);
		/* the newest version is the one with the greatest time stamp (fifth part of the name) */
		DIR *d = opendir(dir);
		assert_non_null(d);
		struct dirent *e;
		char name[256] = "", best_ts[32] = "";
		while ((e = readdir(d))) {
			const char *p = e->d_name;
			for (int part = 0; part < 4 && p; part++)
				p = strchr(p, '_') ? strchr(p, '_') + 1 : NULL;
			if (!p || strlen(p) < 17)
				continue;
			if (strncmp(p, best_ts, 17) > 0) {
				snprintf(best_ts, sizeof(best_ts), "%.17s", p);
				snprintf(name, sizeof(name), "%s", e->d_name);
			}
		}
		closedir(d);
		assert_true(name[0]);
		struct buf newest = {0};
		buf_addf(&newest, "%s/%s", dir, name);
		struct buf raw = {0}, text = {0};
		assert_int_equal(buf_read_file(&raw, newest.data, 1 << 20), 0);
		text_decode_iso2022jp(&text, raw.data, raw.len, NULL);
		if (!strstr(text.data, want))
			print_message("%s lacks %s\n", newest.data, want);
		assert_non_null(strstr(text.data, want));
		buf_release(&raw);
		buf_release(&text);
		buf_release(&newest);
	}
}

static void test_bad_options(void **state)
{
	(void)state;
	struct ehr_synth_opts o = {.out_dir = out, .patients = 10, .seed = 1};
	assert_int_equal(ehr_synth(&o), -LB_EEXIST); /* never overwrites */
	char other[160];
	snprintf(other, sizeof(other), "%s/other", tmpdir);
	o.out_dir = other;
	o.patients = 0;
	assert_int_equal(ehr_synth(&o), -LB_EUSAGE);
	o.patients = 5;
	o.today = "2026-02-30";
	assert_int_equal(ehr_synth(&o), -LB_EUSAGE);
	o.today = "2027-01-15";
	assert_int_equal(ehr_synth(&o), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_storage_tree),    cmocka_unit_test(test_names_as_in_life),
	        cmocka_unit_test(test_same_name_rates), cmocka_unit_test(test_hl7_matches_fhir),
	        cmocka_unit_test(test_bad_options),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
