/*
 * test_watch_detect.c - the rules of src/watch/detect.c at their thresholds, driven with events as the sources
 * hand them over (watch_handle) on real files, with the clock set by the test (w->now_s) so that no timing is
 * asserted: canaries written, deleted, renamed away and renamed onto; delete, rename and create storms one below
 * and at their thresholds; new and ransomware extensions; encryption's severities (1, 2, 3 and 10 files in 10 s,
 * 3 in 60 s); spread over several processes (5 and 15); which new random files are suspicious; header-preserving
 * encryption; ransom notes; repeats held back for 30 s; our own events and events outside the watched folder;
 * the one-second ring when time jumps by its length and its counters at their cap; queue overflows reported at
 * most once per 10 s and watched folders that vanish and come back (watch_tick on a clock the test sets); quiet
 * processes forgotten after 120 s and beyond 4096; the baseline scan to depth 64, stopped by a signal, draining
 * the kernel queue every 512 files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watch/watch_int.h"

static char tmpdir[64];

struct env {
	struct watch w;
	struct watch_opts o;
	struct watch_summary sum;
	struct watch_root root;
	struct buf alerts; /* "rule/severity " for each alert, in order */
	struct buf paths;  /* the "path" of each alert, one a line */
	struct buf last;   /* the last alert's JSON */
};

static void on_alert(const char *json, void *ctx)
{
	struct env *e = ctx;
	const char *r = strstr(json, "\"rule\":\""), *s = strstr(json, "\"severity\":\"");
	assert_non_null(r);
	assert_non_null(s);
	r += 8;
	s += 12;
	buf_add(&e->alerts, r, strcspn(r, "\""));
	buf_addch(&e->alerts, '/');
	buf_add(&e->alerts, s, strcspn(s, "\""));
	buf_addch(&e->alerts, ' ');
	const char *p = strstr(json, "\"path\":\"");
	assert_non_null(p);
	p += 8;
	buf_add(&e->paths, p, strcspn(p, "\""));
	buf_addch(&e->paths, '\n');
	buf_reset(&e->last);
	buf_add(&e->last, json, strlen(json));
}

static struct env *env_new(void)
{
	struct env *e = lb_calloc(1, sizeof(*e));
	e->o.on_alert = on_alert;
	e->o.ctx = e;
	e->sum.source = "test";
	e->root.path = tmpdir;
	e->root.len = strlen(tmpdir);
	e->w.o = &e->o;
	e->w.sum = &e->sum;
	e->w.roots = &e->root;
	e->w.nroots = 1;
	e->w.alerts_fd = e->w.syslog_fd = -1;
	e->w.self = 1; /* never a pid of the events below */
	e->w.now_s = 1000;
	return e;
}

static void env_free(struct env *e)
{
	watch_actor_free_all(&e->w);
	watch_map_free(&e->w.files);
	watch_map_free(&e->w.exts);
	watch_map_free(&e->w.canary);
	watch_rate_free(&e->w); /* the de-duplication and rate-limit state (limit.c) */
	buf_release(&e->alerts);
	buf_release(&e->paths);
	buf_release(&e->last);
	free(e);
}

/* The alerts so far, and forget them. */
static void expect(struct env *e, const char *want)
{
	const char *got = buf_cstr(&e->alerts);
	if (strcmp(got, want))
		fail_msg("alerts: got '%s', want '%s'", got, want);
	buf_reset(&e->alerts);
}

static void ev(struct env *e, int kind, pid_t pid, const char *path, const char *path2, int is_dir)
{
	struct watch_event x = {.kind = kind, .is_dir = is_dir, .pid = pid, .path = path, .path2 = path2};
	watch_handle(&e->w, &x);
}

static const char *at(const char *fmt, int i)
{
	static char p[8][256];
	static int k;
	char name[128];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(name, sizeof(name), fmt, i);
#pragma GCC diagnostic pop
	k = (k + 1) % 8;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static void put(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

static unsigned char rnd[16384], txt[16384];

static void fill(void)
{
	uint64_t s = 11;
	for (size_t i = 0; i < sizeof rnd; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		rnd[i] = (unsigned char)(s >> 56);
		txt[i] = (unsigned char)("ward order dose result 患者 "[i % 30]);
	}
}

/* n text files doc%02d.txt, learnt as a baseline */
static void text_files(struct env *e, int n)
{
	for (int i = 0; i < n; i++)
		put(at("doc%02d.txt", i), txt, 8192);
	watch_baseline(&e->w, tmpdir, 0);
}

/* File i of the baseline rewritten random, and the close-after-write event. */
static void encrypt(struct env *e, pid_t pid, int i)
{
	put(at("doc%02d.txt", i), rnd, 8192);
	ev(e, WEV_WRITE, pid, at("doc%02d.txt", i), NULL, 0);
}

static void clean_dir(void)
{
	lb_rmtree(tmpdir);
	assert_int_equal(lb_mkdirs(tmpdir, 0755), 0);
}

static void test_canary(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	const char *c1 = at("!0000-lifeboat-canary.pdf", 0);
	put(c1, txt, 100);
	watch_map_put(&e->w.canary, watch_hash_str(c1));
	ev(e, WEV_WRITE, 0, at("plain.txt", 0), NULL, 0);
	ev(e, WEV_RENAME, 0, at("a.txt", 0), at("b.txt", 0), 0);
	expect(e, "");
	ev(e, WEV_WRITE, 0, c1, NULL, 0);
	expect(e, "canary/critical ");
	/* renamed away, and a file renamed onto a canary's name: both are the canary touched (a new actor each time,
	 * so that no repeat is held back) */
	ev(e, WEV_RENAME, 100, c1, at("x.pdf", 0), 0);
	ev(e, WEV_RENAME, 101, at("x.pdf", 0), c1, 0);
	ev(e, WEV_DELETE, 102, c1, NULL, 0);
	ev(e, WEV_CREATE, 103, c1, NULL, 0);
	expect(e, "canary/critical canary/critical canary/critical canary/critical ");
	/* our own events and events outside the watched folder are not looked at */
	e->w.self = 104;
	ev(e, WEV_DELETE, 104, c1, NULL, 0);
	ev(e, WEV_DELETE, 105, "/elsewhere/file", NULL, 0);
	ev(e, WEV_RENAME, 106, "/elsewhere/file", "/elsewhere/other", 0);
	expect(e, "");
	/* a rename from outside onto the canary is inside */
	ev(e, WEV_RENAME, 107, "/elsewhere/file", c1, 0);
	expect(e, "canary/critical ");
	assert_int_equal(e->sum.alerts[WATCH_CRITICAL], 6);
	env_free(e);
}

static void test_storms(void **state)
{
	(void)state;
	struct env *e = env_new();
	for (int i = 0; i < 199; i++)
		ev(e, WEV_DELETE, 200, at("d%03d.txt", i), NULL, 0);
	expect(e, "");
	ev(e, WEV_DELETE, 200, at("d%03d.txt", 199), NULL, 0);
	expect(e, "delete_storm/medium ");
	for (int i = 0; i < 199; i++)
		ev(e, WEV_RENAME, 201, at("r%03d", i), at("s%03d", i), 1);
	expect(e, "");
	ev(e, WEV_RENAME, 201, at("r%03d", 199), at("s%03d", 199), 1);
	expect(e, "rename_storm/medium ");
	for (int i = 0; i < 1999; i++)
		ev(e, WEV_CREATE, 202, at("c%04d", i), NULL, 1);
	expect(e, "");
	ev(e, WEV_CREATE, 202, at("c%04d", 1999), NULL, 1);
	expect(e, "create_storm/low ");
	/* counted in a 10 s window: 100 deletes, 10 s later 100 more is no storm; the same alert is held back for
	 * 30 s (29 s later: nothing new), then raised again */
	for (int i = 0; i < 100; i++)
		ev(e, WEV_DELETE, 203, at("d%03d.txt", i), NULL, 0);
	e->w.now_s += 10;
	for (int i = 0; i < 100; i++)
		ev(e, WEV_DELETE, 203, at("d%03d.txt", i), NULL, 0);
	expect(e, "");
	e->w.now_s += 9;
	for (int i = 0; i < 99; i++)
		ev(e, WEV_DELETE, 203, at("d%03d.txt", i), NULL, 0);
	expect(e, "");
	ev(e, WEV_DELETE, 203, at("d%03d.txt", 99), NULL, 0); /* 100 + 100 within 10 s */
	expect(e, "delete_storm/medium ");
	e->w.now_s += 29;
	for (int i = 0; i < 200; i++)
		ev(e, WEV_DELETE, 203, at("d%03d.txt", i), NULL, 0);
	expect(e, "");
	e->w.now_s += 1;
	ev(e, WEV_DELETE, 203, at("d%03d.txt", 0), NULL, 0);
	expect(e, "delete_storm/medium ");
	env_free(e);
}

static void test_extensions(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	put(at("known.qzk", 0), txt, 100); /* an unknown extension seen in the tree */
	watch_baseline(&e->w, tmpdir, 0);
	/* renamed to an extension never seen: 9 nothing, 10 an alert; to one seen, to a common one, or keeping
	 * the extension: nothing */
	for (int i = 0; i < 9; i++)
		ev(e, WEV_RENAME, 300, at("n%02d.txt", i), at("n%02d.txt.qzx", i), 0);
	for (int i = 0; i < 20; i++) {
		ev(e, WEV_RENAME, 300, at("m%02d.txt", i), at("m%02d.txt.qzk", i), 0);
		ev(e, WEV_RENAME, 300, at("m%02d.txt", i), at("m%02d.pdf", i), 0);
		ev(e, WEV_RENAME, 300, at("m%02d.txt", i), at("o%02d.TXT", i), 0);
	}
	expect(e, "");
	ev(e, WEV_RENAME, 300, at("n%02d.txt", 9), at("n%02d.txt.qzx", 9), 0);
	expect(e, "new_extension/medium ");
	/* ransomware extensions: one and two low, the third high */
	ev(e, WEV_RENAME, 301, at("a%d.txt", 0), at("a%d.txt.locked", 0), 0);
	ev(e, WEV_CREATE, 301, at("a%d.txt.locked", 1), NULL, 0);
	ev(e, WEV_CREATE, 301, at("dir%d.locked", 9), NULL, 1); /* a folder is no file */
	expect(e, "ransom_extension/low ");
	ev(e, WEV_RENAME, 301, at("a%d.txt", 2), at("a%d.txt.locked", 2), 0);
	expect(e, "ransom_extension/high ");
	env_free(e);
}

static void test_encryption_severity(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	text_files(e, 12);
	/* 1 file low, 2 medium, 3 high, 10 critical; the ones between held back */
	for (int i = 0; i < 10; i++)
		encrypt(e, 400, i);
	expect(e, "encryption/low encryption/medium encryption/high encryption/critical ");
	env_free(e);

	/* 3 in 60 s (one each 20 s, a window of 10 s never holding two): low, then medium */
	clean_dir();
	e = env_new();
	text_files(e, 3);
	encrypt(e, 401, 0);
	expect(e, "encryption/low ");
	e->w.now_s += 15; /* 2 in 60 s, 1 in 10 s: still low (held back) */
	encrypt(e, 401, 1);
	expect(e, "");
	e->w.now_s += 16;
	encrypt(e, 401, 2);
	expect(e, "encryption/medium ");
	env_free(e);
}

static void test_several_processes(void **state)
{
	(void)state;
	/* one file each by 15 processes: the per-process alerts are low; together high at 5, critical at 15 */
	clean_dir();
	struct env *e = env_new();
	text_files(e, 15);
	for (int i = 0; i < 4; i++)
		encrypt(e, 500 + i, i);
	expect(e, "encryption/low encryption/low encryption/low encryption/low ");
	encrypt(e, 504, 4);
	expect(e, "encryption/low encryption/high ");
	for (int i = 5; i < 14; i++)
		encrypt(e, 500 + i, i);
	buf_reset(&e->alerts);
	encrypt(e, 514, 14);
	expect(e, "encryption/low encryption/critical ");
	env_free(e);

	/* one process alone (its own alerts say it): nothing from the sum */
	clean_dir();
	e = env_new();
	text_files(e, 6);
	for (int i = 0; i < 6; i++)
		encrypt(e, 520, i);
	expect(e, "encryption/low encryption/medium encryption/high ");
	env_free(e);

	/* inotify cannot tell processes apart: no sum of processes */
	clean_dir();
	e = env_new();
	text_files(e, 6);
	for (int i = 0; i < 6; i++)
		encrypt(e, 0, i);
	expect(e, "encryption/low encryption/medium encryption/high ");
	assert_int_equal(e->w.nactors, 1); /* one actor for the folder, no sum beside it */
	env_free(e);
}

static void test_new_random_files(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	put(at("seen.qzk", 0), txt, 100);
	watch_baseline(&e->w, tmpdir, 0);
	/* random by design (gpg, key), an unknown extension already seen, an empty file: not suspicious */
	static const char *const fine[] = {"backup.gpg", "id.key", "more.qzk"};
	for (size_t i = 0; i < LB_ARRAY_LEN(fine); i++) {
		put(at(fine[i], 0), rnd, 8192);
		ev(e, WEV_WRITE, 600, at(fine[i], 0), NULL, 0);
	}
	put(at("empty.docx", 0), "", 0);
	ev(e, WEV_WRITE, 600, at("empty.docx", 0), NULL, 0);
	ev(e, WEV_WRITE, 600, at("missing.docx", 0), NULL, 0); /* gone already */
	expect(e, "");
	/* a common extension, no extension, an extension never seen, a ransomware extension: suspicious */
	static const char *const odd[] = {"report.docx", "noext", "data.qzy", "x.gpg.locked"};
	for (size_t i = 0; i < LB_ARRAY_LEN(odd); i++) {
		struct env *f = env_new();
		put(at("seen.qzk", 0), txt, 100);
		watch_baseline(&f->w, tmpdir, 0);
		put(at(odd[i], 0), rnd, 8192);
		ev(f, WEV_WRITE, 601, at(odd[i], 0), NULL, 0);
		expect(f, "encryption/low ");
		env_free(f);
	}
	/* an empty file written random later is new content too */
	struct env *g = env_new();
	put(at("later.docx", 0), "", 0);
	watch_baseline(&g->w, tmpdir, 0);
	put(at("later.docx", 0), rnd, 8192);
	ev(g, WEV_WRITE, 602, at("later.docx", 0), NULL, 0);
	expect(g, "encryption/low ");
	/* a file that was random already and is random again: nothing */
	put(at("blob.qzk", 0), rnd, 8192);
	ev(g, WEV_WRITE, 603, at("blob.qzk", 0), NULL, 0);
	put(at("blob.qzk", 0), rnd + 100, 8192);
	ev(g, WEV_WRITE, 603, at("blob.qzk", 0), NULL, 0);
	expect(g, "");
	env_free(g);
	env_free(e);
}

static void test_header_preserving(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	put(at("chart.txt", 0), txt, sizeof txt);
	put(at("small.txt", 0), txt, 3000);
	watch_baseline(&e->w, tmpdir, 0);
	/* the head kept as text, the end random: the same type, a tail that had structure now random */
	unsigned char b[sizeof txt];
	memcpy(b, txt, 4096);
	memcpy(b + 4096, rnd, sizeof b - 4096);
	put(at("chart.txt", 0), b, sizeof b);
	ev(e, WEV_WRITE, 700, at("chart.txt", 0), NULL, 0);
	expect(e, "encryption/low ");
	/* rewritten as text again, then text again: nothing */
	put(at("chart.txt", 0), txt, sizeof txt);
	ev(e, WEV_WRITE, 701, at("chart.txt", 0), NULL, 0);
	put(at("small.txt", 0), txt + 5, 3000);
	ev(e, WEV_WRITE, 701, at("small.txt", 0), NULL, 0);
	expect(e, "");
	env_free(e);
}

static void test_ransom_note(void **state)
{
	(void)state;
	static const char note[] =
	        "All your files have been encrypted! To decrypt your files and recover them you must "
	        "pay a ransom in bitcoin. Contact us by email to get the decryption key.\n";
	clean_dir();
	struct env *e = env_new();
	text_files(e, 1);
	put(at("HOW_TO_DECRYPT.txt", 0), note, sizeof note - 1);
	ev(e, WEV_WRITE, 800, at("HOW_TO_DECRYPT.txt", 0), NULL, 0);
	expect(e, "ransom_note/high ");
	/* a note's name with other text: nothing; a note after an encryption: critical */
	put(at("README_restore.txt", 0), "Build with make.\n", 17);
	ev(e, WEV_WRITE, 801, at("README_restore.txt", 0), NULL, 0);
	expect(e, "");
	encrypt(e, 802, 0);
	put(at("HOW_TO_DECRYPT.txt", 1), note, sizeof note - 1);
	ev(e, WEV_WRITE, 802, at("HOW_TO_DECRYPT.txt", 0), NULL, 0);
	expect(e, "encryption/low ransom_note/critical ");
	env_free(e);
}

/* Encryption's severity file by file (not only which severities were seen): 1 low, 2 medium, 3 high, 9 still
 * high (held back), 10 critical; 3 files with 2 ransomware extensions high, with the third critical; 2 files with 3
 * extensions not critical for encryption. */
static void test_encryption_steps(void **state)
{
	(void)state;
	static const char *const want[] = {
	        "encryption/low ",     "encryption/medium ", "encryption/high ", "", "", "", "", "", "",
	        "encryption/critical "};
	clean_dir();
	struct env *e = env_new();
	text_files(e, 12);
	for (int i = 0; i < 10; i++) {
		encrypt(e, 410, i);
		expect(e, want[i]);
	}
	env_free(e);

	clean_dir();
	e = env_new();
	text_files(e, 6);
	for (int i = 0; i < 3; i++)
		encrypt(e, 411, i);
	expect(e, "encryption/low encryption/medium encryption/high ");
	ev(e, WEV_RENAME, 411, at("doc%02d.txt", 3), at("doc%02d.txt.locked", 3), 0);
	ev(e, WEV_RENAME, 411, at("doc%02d.txt", 4), at("doc%02d.txt.locked", 4), 0);
	expect(e, "ransom_extension/low ");
	ev(e, WEV_RENAME, 411, at("doc%02d.txt", 5), at("doc%02d.txt.locked", 5), 0);
	expect(e, "encryption/critical ransom_extension/critical ");
	env_free(e);

	clean_dir();
	e = env_new();
	text_files(e, 6);
	for (int i = 0; i < 2; i++)
		encrypt(e, 412, i);
	expect(e, "encryption/low encryption/medium ");
	for (int i = 2; i < 5; i++)
		ev(e, WEV_RENAME, 412, at("doc%02d.txt", i), at("doc%02d.txt.locked", i), 0);
	expect(e, "ransom_extension/low ransom_extension/critical ");
	env_free(e);
}

/* The folder an encryption alert names: the deepest folder holding the actor's files, by whole names. */
static void test_alert_folder(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b, *want; /* relative to tmpdir; want "" = tmpdir itself */
	} v[] = {
	        {"w/x.txt", NULL, "/w"},          {"w/x.txt", "w/y.txt", "/w"},       {"w1/x.txt", "w10/y.txt", ""},
	        {"w10/x.txt", "w1/y.txt", ""},    {"w/s/x.txt", "w/y.txt", "/w"},     {"w/x.txt", "w/s/y.txt", "/w"},
	        {"w/s/x.txt", "w/t/y.txt", "/w"}, {"w/s/x.txt", "w/s/y.txt", "/w/s"}, {"ab/x.txt", "a/y.txt", ""},
	};
	for (size_t k = 0; k < LB_ARRAY_LEN(v); k++) {
		clean_dir();
		const char *rel[2] = {v[k].a, v[k].b};
		char path[2][300];
		for (int i = 0; i < 2 && rel[i]; i++) {
			snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, rel[i]);
			char dir[300];
			snprintf(dir, sizeof(dir), "%s", path[i]);
			*strrchr(dir, '/') = 0;
			assert_int_equal(lb_mkdirs(dir, 0755), 0);
			put(path[i], txt, 8192);
		}
		struct env *e = env_new();
		watch_baseline(&e->w, tmpdir, 0);
		for (int i = 0; i < 2 && rel[i]; i++) {
			put(path[i], rnd, 8192);
			ev(e, WEV_WRITE, 420, path[i], NULL, 0);
		}
		char want[400];
		snprintf(want, sizeof(want), "%s%s\n", tmpdir, v[k].want);
		const char *got = buf_cstr(&e->paths), *last = got + strlen(got);
		/* the last alert's folder */
		if (last > got)
			for (last--; last > got && last[-1] != '\n'; last--)
				;
		if (strcmp(last, want))
			fail_msg("%s + %s: folder '%s', want '%s'", v[k].a, v[k].b ? v[k].b : "-", last, want);
		env_free(e);
	}
}

/* Which root a path is in: whole folder names (tmpdir2 is not in tmpdir), the root itself, '/' holds everything. */
static void test_path_root(void **state)
{
	(void)state;
	struct env *e = env_new();
	char p[300];
	snprintf(p, sizeof(p), "%s/a.txt", tmpdir);
	assert_int_equal(watch_path_root(&e->w, p), 0);
	assert_int_equal(watch_path_root(&e->w, tmpdir), 0);
	snprintf(p, sizeof(p), "%s2/a.txt", tmpdir);
	assert_int_equal(watch_path_root(&e->w, p), -1);
	assert_int_equal(watch_path_root(&e->w, "/elsewhere"), -1);
	struct watch_root roots[2] = {e->root, {.path = "/", .len = 1}};
	e->w.roots = roots;
	e->w.nroots = 2;
	assert_int_equal(watch_path_root(&e->w, "/elsewhere"), 1);
	snprintf(p, sizeof(p), "%s/a.txt", tmpdir);
	assert_int_equal(watch_path_root(&e->w, p), 0);
	struct watch_root one[1] = {{.path = "/x", .len = 2}};
	e->w.roots = one;
	e->w.nroots = 1;
	assert_int_equal(watch_path_root(&e->w, "/x/y"), 0);
	assert_int_equal(watch_path_root(&e->w, "/y"), -1);
	e->w.roots = &e->root;
	env_free(e);
}

/* An extension is known whatever its case (A and Z folded like the letters between), by its first 16
 * characters: ten renames to a known one say nothing, to an unknown one new_extension. */
static void test_extension_case_and_length(void **state)
{
	(void)state;
	static const struct {
		const char *seen, *to;
		int alert;
	} v[] = {
	        {"Aqz", "aqz", 0},
	        {"Zqz", "zqz", 0},
	        {"aqz", "AQZ", 0},
	        {"Mqz", "mqy", 1},
	        {"qzqzqzqzqzqzqzqa", "qzqzqzqzqzqzqzqb", 1},   /* 16: the last one counts */
	        {"qzqzqzqzqzqzqzqzA", "qzqzqzqzqzqzqzqzB", 0}, /* 17: the 17th does not */
	        {"qzqzqzqzqzqzqzqzAB", "qzqzqzqzqzqzqzqzCD", 0},
	};
	for (size_t k = 0; k < LB_ARRAY_LEN(v); k++) {
		clean_dir();
		char name[64];
		snprintf(name, sizeof(name), "known.%s", v[k].seen);
		put(at(name, 0), txt, 100);
		struct env *e = env_new();
		watch_baseline(&e->w, tmpdir, 0);
		for (int i = 0; i < 10; i++) {
			char to[64];
			snprintf(to, sizeof(to), "n%02d.%s", i, v[k].to);
			ev(e, WEV_RENAME, 900, at("n%02d.txt", i), at(to, 0), 0);
		}
		if (strcmp(buf_cstr(&e->alerts), v[k].alert ? "new_extension/medium " : ""))
			fail_msg("seen .%s, renamed to .%s: alerts '%s'", v[k].seen, v[k].to, buf_cstr(&e->alerts));
		env_free(e);
	}
}

/* The one-second ring holds 64 s: when time jumps by exactly its length (or much more), the bucket of the new
 * second is the one of 64 s ago and starts empty, so old counts never come back. */
static void test_ring_wraps(void **state)
{
	(void)state;
	static const int jump[] = {64, 65, 63, 1000};
	for (size_t k = 0; k < LB_ARRAY_LEN(jump); k++) {
		struct env *e = env_new();
		for (int i = 0; i < 150; i++)
			ev(e, WEV_DELETE, 210, at("d%03d.txt", i), NULL, 0);
		e->w.now_s += jump[k];
		for (int i = 0; i < 199; i++)
			ev(e, WEV_DELETE, 210, at("d%03d.txt", i), NULL, 0);
		if (strcmp(buf_cstr(&e->alerts), ""))
			fail_msg("150 deletes, %d s later 199: alerts '%s'", jump[k], buf_cstr(&e->alerts));
		ev(e, WEV_DELETE, 210, at("d%03d.txt", 199), NULL, 0);
		expect(e, "delete_storm/medium ");
		env_free(e);
	}
}

/* A counter of one second stops at 65535 (it does not wrap to 0): the counts of the next alert say so. */
static void test_counter_cap(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	char c1[256];
	snprintf(c1, sizeof c1, "%s", at("!0000-lifeboat-canary.pdf", 0));
	put(c1, txt, 100);
	watch_map_put(&e->w.canary, watch_hash_str(c1));
	for (int i = 0; i < 65536; i++)
		ev(e, WEV_CREATE, 0, at("c%d", i % 10), NULL, 1);
	expect(e, "create_storm/low ");
	ev(e, WEV_WRITE, 0, c1, NULL, 0);
	expect(e, "canary/critical ");
	if (!strstr(buf_cstr(&e->last), "\"created\":65535"))
		fail_msg("65536 creates in one second: %s", buf_cstr(&e->last));
	env_free(e);
}

static int64_t clock_now;

static int64_t test_clock(void)
{
	return clock_now;
}

/* An env whose watch_tick reads the test's clock (as watch.c starts it: an overflow reported at once). */
static struct env *env_clock(int64_t now)
{
	struct env *e = env_new();
	clock_now = now;
	e->w.clock_s = test_clock;
	e->w.now_s = now;
	e->w.overflow_alert_s = now - 10;
	return e;
}

/* Queue overflows: the first reported at once, the next ones at most once per 10 s with how many there were;
 * nothing when none came since the last report. */
static void test_overflow(void **state)
{
	(void)state;
	struct env *e = env_clock(1000);
	ev(e, WEV_OVERFLOW, 0, NULL, NULL, 0);
	expect(e, "queue_overflow/high ");
	char want[80];
	snprintf(want, sizeof want, "%s\n", tmpdir); /* the first watched folder */
	assert_string_equal(buf_cstr(&e->paths), want);
	assert_non_null(strstr(buf_cstr(&e->last), "overflowed 1 times"));
	assert_non_null(strstr(buf_cstr(&e->last), "\"files\":1,"));
	clock_now = 1009; /* 9 s later: held back, counted */
	ev(e, WEV_OVERFLOW, 0, NULL, NULL, 0);
	ev(e, WEV_OVERFLOW, 0, NULL, NULL, 0);
	watch_tick(&e->w);
	expect(e, "");
	clock_now = 1010; /* 10 s: the two held back */
	watch_tick(&e->w);
	expect(e, "queue_overflow/high ");
	assert_non_null(strstr(buf_cstr(&e->last), "overflowed 2 times"));
	assert_non_null(strstr(buf_cstr(&e->last), "(3 overflows since start)"));
	assert_non_null(strstr(buf_cstr(&e->last), "\"files\":2,"));
	clock_now = 1100; /* none since: nothing */
	watch_tick(&e->w);
	expect(e, "");
	clock_now = 1111;
	ev(e, WEV_OVERFLOW, 0, NULL, NULL, 0);
	expect(e, "queue_overflow/high ");
	assert_int_equal(e->sum.overflows, 4);
	assert_int_equal(e->sum.events_seen, 4);
	assert_int_equal(e->sum.events, 0);
	env_free(e);
}

/* A watched folder deleted, moved away or replaced by a file: one alert, none while it stays away, watching on
 * when it is back, and a new alert when it goes again. */
static void test_root_gone(void **state)
{
	(void)state;
	clean_dir();
	char share[128], away[128];
	snprintf(share, sizeof share, "%s/share", tmpdir);
	snprintf(away, sizeof away, "%s/share.old", tmpdir);
	assert_int_equal(lb_mkdirs(share, 0755), 0);
	struct env *e = env_clock(1000);
	e->root.path = share;
	e->root.len = strlen(share);
	watch_tick(&e->w);
	expect(e, "");
	assert_int_equal(rename(share, away), 0);
	watch_tick(&e->w);
	expect(e, "watched_path_gone/medium ");
	assert_non_null(strstr(buf_cstr(&e->paths), "/share\n"));
	watch_tick(&e->w);
	watch_tick(&e->w);
	expect(e, "");
	assert_int_equal(rename(away, share), 0);
	watch_tick(&e->w);
	watch_tick(&e->w);
	expect(e, "");
	assert_int_equal(e->root.gone, 0);
	assert_int_equal(rmdir(share), 0);
	put(share, txt, 10); /* a file where the folder was */
	watch_tick(&e->w);
	expect(e, "watched_path_gone/medium ");
	watch_tick(&e->w);
	expect(e, "");
	env_free(e);
}

/* A process quiet for 120 s is still known (its hold-back of alerts kept), at 121 s forgotten. */
static void test_actors_forgotten(void **state)
{
	(void)state;
	struct env *e = env_clock(1000);
	ev(e, WEV_CREATE, 0, at("c%d", 0), NULL, 1);
	ev(e, WEV_CREATE, 220, at("c%d", 1), NULL, 1);
	assert_int_equal(e->w.nactors, 3); /* pid 0, pid 220 and the sum of named processes */
	clock_now = 1100;
	watch_tick(&e->w);
	ev(e, WEV_CREATE, 220, at("c%d", 1), NULL, 1);
	clock_now = 1120;
	watch_tick(&e->w);
	assert_int_equal(e->w.nactors, 3);
	clock_now = 1121;
	watch_tick(&e->w);
	assert_int_equal(e->w.nactors, 2);
	assert_int_equal(e->w.actors[0]->pid == 0 || e->w.actors[1]->pid == 0, 0);
	clock_now = 1221;
	watch_tick(&e->w);
	assert_int_equal(e->w.nactors, 0);
	env_free(e);
}

static int has_actor(struct env *e, pid_t pid)
{
	for (size_t i = 0; i < e->w.nactors; i++)
		if (e->w.actors[i]->pid == pid)
			return 1;
	return 0;
}

/* At most 4096 processes are followed: a new one beyond makes room by forgetting the quietest (of two equally
 * quiet, the one seen first). */
static void test_actors_cap(void **state)
{
	(void)state;
	struct env *e = env_new();
	/* 4095 processes and their sum: 4096 */
	for (pid_t p = 0; p < 4095; p++)
		ev(e, WEV_CREATE, 10000 + p, at("c%d", 0), NULL, 1);
	assert_int_equal(e->w.nactors, 4096);
	/* a second later every one busy again but 10100 and 10200 */
	e->w.now_s++;
	for (pid_t p = 0; p < 4095; p++)
		if (p != 100 && p != 200)
			ev(e, WEV_CREATE, 10000 + p, at("c%d", 0), NULL, 1);
	ev(e, WEV_CREATE, 20000, at("c%d", 0), NULL, 1);
	assert_int_equal(e->w.nactors, 4096);
	assert_false(has_actor(e, 10100));
	assert_true(has_actor(e, 10200));
	assert_true(has_actor(e, 20000));
	ev(e, WEV_CREATE, 20001, at("c%d", 0), NULL, 1);
	assert_int_equal(e->w.nactors, 4096);
	assert_false(has_actor(e, 10200));
	assert_true(has_actor(e, 10000));
	assert_true(has_actor(e, 14094));
	assert_true(has_actor(e, WATCH_PID_ALL));
	env_free(e);
}

/* The baseline learns files down to folders 64 deep below the watched folder, not deeper: a file there written
 * random later is a file that lost its structure. */
static void test_baseline_depth(void **state)
{
	(void)state;
	clean_dir();
	char dir[512], f64[600], f65[600];
	size_t n = (size_t)snprintf(dir, sizeof dir, "%s", tmpdir);
	for (int d = 1; d <= 65; d++) {
		n += (size_t)snprintf(dir + n, sizeof dir - n, "/d");
		if (d == 64)
			snprintf(f64, sizeof f64, "%s/f.txt", dir);
	}
	snprintf(f65, sizeof f65, "%s/f.txt", dir);
	assert_int_equal(lb_mkdirs(dir, 0755), 0);
	put(f64, txt, 8192);
	put(f65, txt, 8192);
	struct env *e = env_new();
	assert_int_equal(watch_baseline(&e->w, tmpdir, 0), 1);
	assert_non_null(watch_map_get(&e->w.files, watch_hash_str(f64)));
	assert_null(watch_map_get(&e->w.files, watch_hash_str(f65)));
	env_free(e);
	/* from a folder given at depth 64 its own files only */
	e = env_new();
	*strrchr(f64, '/') = 0;
	assert_int_equal(watch_baseline(&e->w, f64, 64), 1);
	assert_int_equal(watch_baseline(&e->w, f64, 65), 0);
	assert_int_equal(watch_baseline(&e->w, "/nonexistent-lifeboat-dir", 0), 0);
	env_free(e);
}

static int reads;

static int count_read(struct watch_src *s)
{
	(void)s;
	reads++;
	return 0;
}

/* The baseline keeps the kernel queue drained: one read of the source every 512 files; a stop signal ends it. */
static void test_baseline_drain_and_stop(void **state)
{
	(void)state;
	clean_dir();
	for (int i = 0; i < 1023; i++)
		put(at("f%04d.txt", i), txt, 10);
	struct env *e = env_new();
	struct watch_src src = {.name = "test", .fd = -1, .w = &e->w, .read = count_read};
	e->w.src = &src;
	reads = 0;
	assert_int_equal(watch_baseline(&e->w, tmpdir, 0), 1023);
	assert_int_equal(reads, 1);
	put(at("f%04d.txt", 1023), txt, 10);
	reads = 0;
	assert_int_equal(watch_baseline(&e->w, tmpdir, 0), 1024);
	assert_int_equal(reads, 2);
	volatile sig_atomic_t stop = 1;
	e->o.stop = &stop;
	assert_int_equal(watch_baseline(&e->w, tmpdir, 0), 0);
	stop = 0;
	assert_int_equal(watch_baseline(&e->w, tmpdir, 0), 1024);
	env_free(e);
}

/* The sum over processes at its edges: a process that made its own high alert (3 files) is not told again by
 * the sum; one with 2 files in a sum of 5 is. pid 1 is a process like any other: named, and in the sum. */
static void test_several_processes_edges(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	text_files(e, 6);
	for (int i = 0; i < 3; i++)
		encrypt(e, 530, i);
	expect(e, "encryption/low encryption/medium encryption/high ");
	encrypt(e, 531, 3);
	expect(e, "encryption/low ");
	encrypt(e, 531, 4); /* 5 in all, 531 has 2 */
	expect(e, "encryption/medium encryption/high ");
	env_free(e);

	clean_dir();
	e = env_new();
	text_files(e, 6);
	for (int i = 0; i < 2; i++)
		encrypt(e, 540, i);
	expect(e, "encryption/low encryption/medium ");
	encrypt(e, 541, 2);
	encrypt(e, 541, 3);
	expect(e, "encryption/low encryption/medium ");
	encrypt(e, 541, 4); /* 5 in all, but 541 alone has 3: its own alert says it */
	expect(e, "encryption/high ");
	env_free(e);

	clean_dir();
	e = env_new();
	e->w.self = 0; /* no pid of ours below */
	text_files(e, 5);
	for (int i = 0; i < 4; i++)
		encrypt(e, 550 + i, i);
	buf_reset(&e->alerts);
	encrypt(e, 1, 4);
	expect(e, "encryption/low encryption/high ");
	char comm[64] = "";
	FILE *f = fopen("/proc/1/comm", "r");
	if (f) {
		if (fgets(comm, sizeof comm, f))
			comm[strcspn(comm, "\n")] = 0;
		fclose(f);
	}
	e->w.now_s += 40; /* past the hold-back: pid 1's own alert again, naming it */
	put(at("doc%02d.txt", 0), txt, 8192);
	ev(e, WEV_WRITE, 1, at("doc%02d.txt", 0), NULL, 0);
	encrypt(e, 1, 0);
	expect(e, "encryption/low ");
	if (*comm) {
		char want[128];
		snprintf(want, sizeof want, "\"comm\":\"%s\"", comm);
		if (!strstr(buf_cstr(&e->last), want))
			fail_msg("pid 1 not named %s: %s", comm, buf_cstr(&e->last));
	}
	env_free(e);
}

/* What an alert names: a ransom note and a canary their own file, encryption the folder of the files. */
static void test_alert_paths(void **state)
{
	(void)state;
	static const char note[] = "All your files have been encrypted! To decrypt your files and recover them you "
	                           "must pay a ransom in bitcoin. Contact us by email to get the decryption key.\n";
	clean_dir();
	assert_int_equal(lb_mkdirs(at("w%d", 1), 0755), 0);
	struct env *e = env_new();
	char c1[256], n1[256], want[600];
	snprintf(c1, sizeof c1, "%s", at("w1/!0000-lifeboat-canary.pdf", 0));
	snprintf(n1, sizeof n1, "%s", at("w1/HOW_TO_DECRYPT.txt", 0));
	put(c1, txt, 100);
	watch_map_put(&e->w.canary, watch_hash_str(c1));
	put(at("w1/a.txt", 0), txt, 8192);
	watch_baseline(&e->w, tmpdir, 0);
	put(at("w1/a.txt", 0), rnd, 8192);
	ev(e, WEV_WRITE, 560, at("w1/a.txt", 0), NULL, 0);
	put(n1, note, sizeof note - 1);
	ev(e, WEV_WRITE, 560, n1, NULL, 0);
	ev(e, WEV_DELETE, 560, c1, NULL, 0);
	expect(e, "encryption/low ransom_note/critical canary/critical ");
	snprintf(want, sizeof want, "%s/w1\n%s\n%s\n", tmpdir, n1, c1);
	assert_string_equal(buf_cstr(&e->paths), want);
	env_free(e);
}

/* A new random file with a ransomware extension is suspicious even when files with that extension are in the
 * tree already (an earlier attack's leftovers); a folder created with one is no file. */
static void test_ransom_extension_seen(void **state)
{
	(void)state;
	clean_dir();
	put(at("old.docx.locked", 0), txt, 100);
	struct env *e = env_new();
	watch_baseline(&e->w, tmpdir, 0);
	put(at("new.docx.locked", 0), rnd, 8192);
	ev(e, WEV_WRITE, 570, at("new.docx.locked", 0), NULL, 0);
	expect(e, "encryption/low ");
	for (int i = 0; i < 3; i++)
		ev(e, WEV_CREATE, 571, at("folder%d.locked", i), NULL, 1);
	expect(e, "");
	for (int i = 0; i < 3; i++)
		ev(e, WEV_CREATE, 572, at("file%d.locked", i), NULL, 0);
	expect(e, "ransom_extension/low ransom_extension/high ");
	env_free(e);
}

/* Extensions are learnt from files written with structure, not from empty ones: a new random file is then
 * unsuspicious under the first, suspicious under the second. */
static void test_extension_learnt_on_write(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	put(at("a.qzq", 0), txt, 8192);
	ev(e, WEV_WRITE, 580, at("a.qzq", 0), NULL, 0);
	put(at("c.qzr", 0), "", 0);
	ev(e, WEV_WRITE, 580, at("c.qzr", 0), NULL, 0);
	put(at("noext", 0), txt, 8192);
	ev(e, WEV_WRITE, 580, at("noext", 0), NULL, 0);
	expect(e, "");
	put(at("b.qzq", 0), rnd, 8192);
	ev(e, WEV_WRITE, 581, at("b.qzq", 0), NULL, 0);
	expect(e, "");
	put(at("d.qzr", 0), rnd, 8192);
	ev(e, WEV_WRITE, 582, at("d.qzr", 0), NULL, 0);
	expect(e, "encryption/low ");
	env_free(e);
}

/* A deleted file is forgotten: a new file under its name is judged as new (a random .dat is fine), not as the
 * text it was. */
static void test_deleted_forgotten(void **state)
{
	(void)state;
	clean_dir();
	put(at("export.dat", 0), txt, 8192);
	put(at("kept.dat", 0), txt, 8192);
	struct env *e = env_new();
	watch_baseline(&e->w, tmpdir, 0);
	unlink(at("export.dat", 0));
	ev(e, WEV_DELETE, 590, at("export.dat", 0), NULL, 0);
	ev(e, WEV_DELETE, 590, tmpdir, NULL, 1); /* a folder's delete forgets no file */
	put(at("export.dat", 0), rnd, 8192);
	ev(e, WEV_WRITE, 590, at("export.dat", 0), NULL, 0);
	expect(e, "");
	put(at("kept.dat", 0), rnd, 8192);
	ev(e, WEV_WRITE, 591, at("kept.dat", 0), NULL, 0);
	expect(e, "encryption/low ");
	env_free(e);
}

/* Files moved out of the watched folder are renames in it (a canary moved away, a storm of them); events on our
 * own alerts file are not looked at, those beside it are. */
static void test_moved_out_and_alerts_file(void **state)
{
	(void)state;
	clean_dir();
	struct env *e = env_new();
	char c1[256];
	snprintf(c1, sizeof c1, "%s", at("!0000-lifeboat-canary.pdf", 0));
	watch_map_put(&e->w.canary, watch_hash_str(c1));
	ev(e, WEV_RENAME, 600, c1, "/elsewhere/x.pdf", 0);
	expect(e, "canary/critical ");
	for (int i = 0; i < 199; i++)
		ev(e, WEV_RENAME, 601, at("r%03d.txt", i), "/elsewhere/r.txt", 0);
	expect(e, "");
	ev(e, WEV_RENAME, 601, at("r%03d.txt", 199), "/elsewhere/r.txt", 0);
	expect(e, "rename_storm/medium ");
	env_free(e);

	e = env_new();
	char alerts[256];
	snprintf(alerts, sizeof alerts, "%s", at("alerts.jsonl", 0));
	e->w.alerts_real = alerts;
	for (int i = 0; i < 300; i++)
		ev(e, WEV_DELETE, 602, alerts, NULL, 0);
	expect(e, "");
	assert_int_equal(e->sum.events, 0);
	for (int i = 0; i < 200; i++)
		ev(e, WEV_DELETE, 602, at("d%03d.txt", i), NULL, 0);
	expect(e, "delete_storm/medium ");
	assert_int_equal(e->sum.events, 200);
	e->w.alerts_real = NULL;
	env_free(e);
}

/* A folder entry's type when the file system does not give it (DT_UNKNOWN): from lstat; given, as given. */
static void test_entry_type(void **state)
{
	(void)state;
	clean_dir();
	put(at("f.txt", 0), txt, 10);
	assert_int_equal(lb_mkdirs(at("sub", 0), 0755), 0);
	assert_int_equal(symlink("/etc", at("ln", 0)), 0);
	assert_int_equal(watch_entry_type(at("f.txt", 0), DT_UNKNOWN), DT_REG);
	assert_int_equal(watch_entry_type(at("sub", 0), DT_UNKNOWN), DT_DIR);
	assert_int_equal(watch_entry_type(at("ln", 0), DT_UNKNOWN), DT_LNK);
	assert_int_equal(watch_entry_type(at("gone", 0), DT_UNKNOWN), DT_UNKNOWN);
	assert_int_equal(watch_entry_type(at("gone", 0), DT_REG), DT_REG); /* given: no lstat */
	assert_int_equal(watch_entry_type(at("f.txt", 0), DT_DIR), DT_DIR);
}

/* limit.c, shared by file and log alerts: at most 30 alerts of one rule a minute (the rest counted, a rate_limit
 * alert at the first held back and one with the count when the minute is over), other rules unaffected; the same
 * key within 30 s at the same or a lower severity is not repeated, a higher one is. */
static int count_of(const struct env *e, const char *what)
{
	int n = 0;
	for (const char *p = buf_cstr(&e->alerts); (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void test_rate_limit_and_dedup(void **state)
{
	(void)state;
	struct env *e = env_new();
	for (int i = 0; i < 100; i++) {
		struct watch_alert al = {
		        .rule = "delete_storm", .severity = WATCH_MEDIUM, .path = tmpdir, .detail = "x"};
		watch_alert(&e->w, &al);
	}
	struct watch_alert other = {.rule = "canary", .severity = WATCH_CRITICAL, .path = tmpdir, .detail = "x"};
	watch_alert(&e->w, &other);
	assert_int_equal(count_of(e, "delete_storm/medium "), 30);
	assert_int_equal(count_of(e, "rate_limit/medium "), 1);
	assert_int_equal(count_of(e, "canary/critical "), 1);
	assert_int_equal(e->sum.suppressed, 70);
	assert_non_null(strstr(buf_cstr(&e->last), "\"rule\":\"canary\""));
	e->w.now_s += 61;
	watch_rate_tick(&e->w, 0);
	assert_int_equal(count_of(e, "rate_limit/medium "), 2);
	assert_non_null(strstr(buf_cstr(&e->last), "\"suppressed\":70"));
	assert_non_null(strstr(buf_cstr(&e->last), "\"limited_rule\":\"delete_storm\""));
	struct watch_alert again = {.rule = "delete_storm", .severity = WATCH_MEDIUM, .path = tmpdir, .detail = "x"};
	watch_alert(&e->w, &again);
	assert_int_equal(count_of(e, "delete_storm/medium "), 31); /* a new minute */

	/* de-duplication by key */
	assert_int_equal(watch_dedup_key(&e->w, 42, WATCH_MEDIUM), 1);
	assert_int_equal(watch_dedup_key(&e->w, 42, WATCH_MEDIUM), 0);
	assert_int_equal(watch_dedup_key(&e->w, 42, WATCH_LOW), 0);
	assert_int_equal(watch_dedup_key(&e->w, 42, WATCH_HIGH), 1);
	assert_int_equal(watch_dedup_key(&e->w, 43, WATCH_LOW), 1);
	e->w.now_s += WATCH_DEDUP_S;
	assert_int_equal(watch_dedup_key(&e->w, 42, WATCH_HIGH), 1);
	env_free(e);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/lb-test-detect.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	fill();
	lb_log_set_level(LB_LOG_ERROR);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_canary),
	        cmocka_unit_test(test_storms),
	        cmocka_unit_test(test_extensions),
	        cmocka_unit_test(test_encryption_severity),
	        cmocka_unit_test(test_several_processes),
	        cmocka_unit_test(test_new_random_files),
	        cmocka_unit_test(test_header_preserving),
	        cmocka_unit_test(test_ransom_note),
	        cmocka_unit_test(test_encryption_steps),
	        cmocka_unit_test(test_alert_folder),
	        cmocka_unit_test(test_path_root),
	        cmocka_unit_test(test_extension_case_and_length),
	        cmocka_unit_test(test_ring_wraps),
	        cmocka_unit_test(test_counter_cap),
	        cmocka_unit_test(test_overflow),
	        cmocka_unit_test(test_root_gone),
	        cmocka_unit_test(test_actors_forgotten),
	        cmocka_unit_test(test_actors_cap),
	        cmocka_unit_test(test_baseline_depth),
	        cmocka_unit_test(test_baseline_drain_and_stop),
	        cmocka_unit_test(test_several_processes_edges),
	        cmocka_unit_test(test_alert_paths),
	        cmocka_unit_test(test_ransom_extension_seen),
	        cmocka_unit_test(test_extension_learnt_on_write),
	        cmocka_unit_test(test_deleted_forgotten),
	        cmocka_unit_test(test_moved_out_and_alerts_file),
	        cmocka_unit_test(test_entry_type),
	        cmocka_unit_test(test_rate_limit_and_dedup),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	lb_rmtree(tmpdir);
	return rc;
}
