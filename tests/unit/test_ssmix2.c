/*
 * test_ssmix2.c - SS-MIX2 standard storage (src/ehr/ssmix2.c, ssmix2_msg.c): file names and folders as the spec
 * gives them, hostile names refused with a reason, "newest valid version wins, flag 0 deletes", and golden
 * records per message type from the committed ISO-2022-JP files of tests/data/ssmix2/good.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ehr/ehr.h"
#include "ehr/ssmix2_walk_int.h"

#include <fcntl.h>
#include <pthread.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- a sink that writes every record as one line of text ----------------------------------------------------- */

struct cap {
	struct buf out;
	int warnings[8];
	int raw;
};

static const char *z(const char *s)
{
	return s ? s : "(null)";
}

static int c_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *p)
{
	(void)src;
	struct cap *c = ctx;
	buf_addf(&c->out, "patient %s|%s|%s|%s|%s|%s|%c|%s|%s|%s|%s|%s|%s\n", p->id, z(p->family_kanji),
	         z(p->given_kanji), z(p->family_kana), z(p->given_kana), z(p->birth_date), p->sex, z(p->postal_code),
	         z(p->address), z(p->phone_home), z(p->phone_mobile), z(p->blood_abo), z(p->blood_rh));
	return 0;
}

static int c_allergy(void *ctx, const struct ehr_source *src, const struct ehr_allergy *a)
{
	(void)src;
	struct cap *c = ctx;
	buf_addf(&c->out, "allergy %d|%s|%s|%s|%s|%s|%d\n", a->kind, z(a->name), z(a->code), z(a->reaction),
	         z(a->severity), z(a->recorded), a->active);
	return 0;
}

static int c_med(void *ctx, const struct ehr_source *src, const struct ehr_medication *m)
{
	(void)src;
	struct cap *c = ctx;
	buf_addf(&c->out, "med %d|%s|%s|%s|%g|%s|%g|%s|%s|%s|%d|%s|%s|%s\n", m->kind, z(m->order_no), z(m->drug_code),
	         z(m->drug_name), m->dose, z(m->dose_unit), m->per_day, z(m->frequency), z(m->route), z(m->start),
	         m->days, z(m->status), z(m->prescriber), z(m->department));
	return 0;
}

static int c_result(void *ctx, const struct ehr_source *src, const struct ehr_result *r)
{
	(void)src;
	struct cap *c = ctx;
	buf_addf(&c->out, "result %s|%s|%s|%s|%s|%s|%s|%s\n", z(r->order_no), z(r->name), z(r->value), z(r->unit),
	         z(r->reference), z(r->flag), z(r->time), z(r->status));
	return 0;
}

static int c_dx(void *ctx, const struct ehr_source *src, const struct ehr_diagnosis *d)
{
	(void)src;
	struct cap *c = ctx;
	buf_addf(&c->out, "dx %s|%s|%s|%s|%s|%d|%d\n", z(d->name), z(d->code), z(d->code_system), z(d->start),
	         z(d->end), d->active, d->main);
	return 0;
}

static int c_adt(void *ctx, const struct ehr_source *src, const struct ehr_adt *a)
{
	(void)src;
	struct cap *c = ctx;
	buf_addf(&c->out, "adt %d|%s|%s|%s|%s|%s\n", a->kind, z(a->time), z(a->ward), z(a->room), z(a->bed),
	         z(a->attending));
	return 0;
}

static int c_raw(void *ctx, const struct ehr_source *src, const char *b, size_t n)
{
	(void)src;
	(void)b;
	(void)n;
	((struct cap *)ctx)->raw++;
	return 0;
}

static void c_warn(void *ctx, const struct ehr_source *src, enum ehr_warn k, const char *d)
{
	(void)src;
	struct cap *c = ctx;
	c->warnings[k]++;
	buf_addf(&c->out, "warn %d %s\n", k, d);
}

static struct ehr_sink sink_of(struct cap *c)
{
	struct ehr_sink k = {.ctx = c,
	                     .patient = c_patient,
	                     .allergy = c_allergy,
	                     .medication = c_med,
	                     .result = c_result,
	                     .diagnosis = c_dx,
	                     .adt = c_adt,
	                     .raw = c_raw,
	                     .warning = c_warn};
	return k;
}

static const char *good_root(void)
{
	static struct buf b;
	if (!b.len) {
		const char *src = getenv("LB_SRC");
		buf_addf(&b, "%s/tests/data/ssmix2/good", src ? src : ".");
	}
	return b.data;
}

/* Read one stored file of the golden tree through the real path parser and message reader. */
static void read_golden(struct cap *c, const char *rel)
{
	struct ssmix2_name nm;
	assert_int_equal(ssmix2_parse_path(rel, &nm), 0);
	struct buf path = {0}, bytes = {0};
	lb_path_join(&path, good_root(), rel);
	assert_int_equal(buf_read_file(&bytes, path.data, 1 << 20), 0);
	struct ehr_source src = {.path = rel, .kind = "ssmix2", .data_type = nm.type};
	struct ehr_sink k = sink_of(c);
	struct ssmix2_msg_stats st;
	assert_int_equal(ssmix2_read_message(&nm, &src, bytes.data, bytes.len, &k, &st), 0);
	assert_int_equal(st.parsed, 1);
	buf_release(&path);
	buf_release(&bytes);
}

/* ---- names and paths ----------------------------------------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	struct ssmix2_name n;
	assert_int_equal(ssmix2_parse_name("9999013_-_ADT-00_999999999999999_20111220224447339_-_1", &n), 0);
	assert_string_equal(n.patient, "9999013");
	assert_string_equal(n.date, "-");
	assert_string_equal(n.type, "ADT-00");
	assert_string_equal(n.order_no, "999999999999999");
	assert_string_equal(n.time, "20111220224447339");
	assert_string_equal(n.dept, "-");
	assert_int_equal(n.flag, 1);
	assert_int_equal(ssmix2_parse_name("0000012345_20261120_OMD_000000033000001_20261118110000000_01_0", &n), 0);
	assert_string_equal(n.type, "OMD");
	assert_string_equal(n.date, "20261120");
	assert_string_equal(n.dept, "01");
	assert_int_equal(n.flag, 0);
	static const char *bad[] = {
	        "",
	        "README",
	        "a_b_c_d_e_f",
	        "1_-_ADT-00_1_20111220224447339_-_1_x",
	        "1_-_ADT-00_1_20111220224447339_-_2",
	        "1_-_ADT-00_1_20111220224447339_-_",
	        "1_-_ADT-00_1_2011122022444733_-_1",
	        "1_-_ADT-00_1_20111320224447339_-_1",
	        "1_-_ADT-00_1_20111220254447339_-_1",
	        "1_20110230_ADT-00_1_20111220224447339_-_1",
	        "1_--_ADT-00_1_20111220224447339_-_1",
	        "_-_ADT-00_1_20111220224447339_-_1",
	        "../../etc_-_ADT-00_1_20111220224447339_-_1",
	        "1_-_ADT 00_1_20111220224447339_-_1",
	        "1_-_ADT-00_1_20111220224447339_\x01_1",
	        "患者_-_ADT-00_1_20111220224447339_-_1",
	        "1_-_ADT-00-XXXXXXXXXXXXXXX_1_20111220224447339_-_1",
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		assert_true(ssmix2_parse_name(bad[i], &n) < 0);
		assert_true(strlen(lb_errmsg()) > 0);
	}
	char longname[700];
	memset(longname, '1', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	assert_true(ssmix2_parse_name(longname, &n) < 0);
}

static void test_paths(void **state)
{
	(void)state;
	struct ssmix2_name n;
	assert_int_equal(ssmix2_parse_path("999/901/9999013/-/ADT-00/9999013_-_ADT-00_9_20111220224447339_-_1", &n), 0);
	assert_int_equal(
	        ssmix2_parse_path("999/901/9999013/20111220/OML-11/9999013_20111220_OML-11_9_20111220224447339_01_1",
	                          &n),
	        0);
	static const char *bad[] = {
	        "9999013_-_ADT-00_9_20111220224447339_-_1",
	        "999/901/9999013/-/ADT-00/extra/9999013_-_ADT-00_9_20111220224447339_-_1",
	        "998/901/9999013/-/ADT-00/9999013_-_ADT-00_9_20111220224447339_-_1",
	        "999/902/9999013/-/ADT-00/9999013_-_ADT-00_9_20111220224447339_-_1",
	        "999/901/9999014/-/ADT-00/9999013_-_ADT-00_9_20111220224447339_-_1",
	        "999/901/9999013/20111220/ADT-00/9999013_-_ADT-00_9_20111220224447339_-_1",
	        "999/901/9999013/-/ADT-31/9999013_-_ADT-00_9_20111220224447339_-_1",
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++)
		assert_true(ssmix2_parse_path(bad[i], &n) < 0);
}

/* ---- the walker: versions and deletions ---------------------------------------------------------------------- */

static void touch(const char *root, const char *rel)
{
	struct buf p = {0};
	lb_path_join(&p, root, rel);
	char *slash = strrchr(p.data, '/');
	*slash = 0;
	assert_int_equal(lb_mkdirs(p.data, 0755), 0);
	*slash = '/';
	assert_int_equal(lb_write_file_atomic(p.data, "MSH|^~\\&|X\r", 11, 0644, 0), 0);
	buf_release(&p);
}

static void test_scan_versions(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	const char *d = "000/001/0000012345";
	char rel[512];
	/* ADT-00: two versions with different order numbers; the newest wins whatever its order number */
	snprintf(rel, sizeof(rel), "%s/-/ADT-00/0000012345_-_ADT-00_1_20240101000000000_-_1", d);
	touch(root, rel);
	snprintf(rel, sizeof(rel), "%s/-/ADT-00/0000012345_-_ADT-00_2_20250101000000000_-_1", d);
	touch(root, rel);
	/* an order updated, another deleted, a third deleted and written again later */
	snprintf(rel, sizeof(rel), "%s/20261120/OMP-01/0000012345_20261120_OMP-01_A_20261120100000000_01_1", d);
	touch(root, rel);
	snprintf(rel, sizeof(rel), "%s/20261120/OMP-01/0000012345_20261120_OMP-01_A_20261120110000000_01_1", d);
	touch(root, rel);
	snprintf(rel, sizeof(rel), "%s/20261120/OMP-01/0000012345_20261120_OMP-01_B_20261120100000000_01_1", d);
	touch(root, rel);
	snprintf(rel, sizeof(rel), "%s/20261120/OMP-01/0000012345_20261120_OMP-01_B_20261120110000000_01_0", d);
	touch(root, rel);
	snprintf(rel, sizeof(rel), "%s/20261120/OMP-01/0000012345_20261120_OMP-01_C_20261120100000000_01_0", d);
	touch(root, rel);
	snprintf(rel, sizeof(rel), "%s/20261120/OMP-01/0000012345_20261120_OMP-01_C_20261120120000000_01_1", d);
	touch(root, rel);
	/* strays: a hostile name, a file where a folder belongs, a symlink */
	snprintf(rel, sizeof(rel), "%s/20261120/OMP-01/..0000012345_x", d);
	touch(root, rel);
	touch(root, "000/stray");
	struct buf lnk = {0};
	lb_path_join(&lnk, root, "000/001/link");
	assert_int_equal(symlink("/etc", lnk.data), 0);
	buf_release(&lnk);

	struct cap c = {0};
	struct ehr_sink k = sink_of(&c);
	struct ssmix2_scan s = {0};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 8);
	assert_int_equal(s.skipped, 3);
	assert_int_equal(c.warnings[EHR_WARN_PARSE], 3);
	int current = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (!s.files[i].current)
			continue;
		current++;
		const struct ssmix2_name *n = &s.files[i].name;
		if (!strcmp(n->type, "ADT-00"))
			assert_string_equal(n->order_no, "2");
		else if (!strcmp(n->order_no, "A"))
			assert_string_equal(n->time, "20261120110000000");
		else if (!strcmp(n->order_no, "C"))
			assert_string_equal(n->time, "20261120120000000");
		else
			fail_msg("order %s should be deleted", n->order_no);
	}
	assert_int_equal(current, 3);
	ssmix2_scan_release(&s);
	buf_release(&c.out);
	assert_int_equal(lb_rmtree(root), 0);
	/* a missing root is an error, not a crash */
	assert_true(ssmix2_scan("/nonexistent/ssmix2", &k, &s) < 0);
}

/* A tree of exactly two files, two versions of one record, written in either order: they are sorted (a batch of
 * two and the whole scan of two), the newer is current, the older not. */
static void test_scan_two_files(void **state)
{
	(void)state;
	static const char *const v[] = {"0000012345_-_ADT-00_1_20240101000000000_-_1",
	                                "0000012345_-_ADT-00_2_20250101000000000_-_1"};
	for (int order = 0; order < 2; order++) {
		char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
		assert_non_null(mkdtemp(root));
		for (int i = 0; i < 2; i++) {
			char rel[512];
			snprintf(rel, sizeof(rel), "000/001/0000012345/-/ADT-00/%s", v[order ? 1 - i : i]);
			touch(root, rel);
		}
		struct cap c = {0};
		struct ehr_sink k = sink_of(&c);
		struct ssmix2_scan s = {0};
		assert_int_equal(ssmix2_scan(root, &k, &s), 0);
		assert_int_equal(s.n, 2);
		assert_string_equal(s.files[0].name.time, "20240101000000000");
		assert_string_equal(s.files[1].name.time, "20250101000000000");
		assert_false(s.files[0].current);
		assert_true(s.files[1].current);
		ssmix2_scan_release(&s);
		buf_release(&c.out);
		assert_int_equal(lb_rmtree(root), 0);
	}
}

/* "Which version is current", record by record: a deletion stamped with the same time as a valid version wins
 * (whichever order the names sort or are listed in); ADT-00 and ADT-61 are one record per patient, whatever their
 * order numbers; other types are one record per date and order number, so the same order number on two dates, two
 * types or two patients is two records, each with its own current version. */
static void test_scan_current_rules(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	static const char *const files[] = {
	        /* D: valid and deleted at the same time: deleted (in both name orders: the flag is the last field) */
	        "000/001/0000012345/20261120/OMP-01/0000012345_20261120_OMP-01_D_20261120100000000_01_1",
	        "000/001/0000012345/20261120/OMP-01/0000012345_20261120_OMP-01_D_20261120100000000_01_0",
	        /* E: the same order number on two dates: two records */
	        "000/001/0000012345/20261120/OMP-01/0000012345_20261120_OMP-01_E_20261120100000000_01_1",
	        "000/001/0000012345/20261121/OMP-01/0000012345_20261121_OMP-01_E_20261121100000000_01_1",
	        /* E again under another type: a third record */
	        "000/001/0000012345/20261120/OMP-11/0000012345_20261120_OMP-11_E_20261120100000000_01_1",
	        /* ADT-61: one record per patient, the newest of two order numbers wins */
	        "000/001/0000012345/-/ADT-61/0000012345_-_ADT-61_1_20250101000000000_-_1",
	        "000/001/0000012345/-/ADT-61/0000012345_-_ADT-61_2_20240101000000000_-_1",
	        /* another patient with an order D of the same date: its own record */
	        "000/001/0000012346/20261120/OMP-01/0000012346_20261120_OMP-01_D_20261120100000000_01_1",
	        /* F: a newer valid version after a deletion: current again */
	        "000/001/0000012346/20261120/OMP-01/0000012346_20261120_OMP-01_F_20261120090000000_01_0",
	        "000/001/0000012346/20261120/OMP-01/0000012346_20261120_OMP-01_F_20261120090000001_01_1",
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(files); i++)
		touch(root, files[i]);
	struct cap c = {0};
	struct ehr_sink k = sink_of(&c);
	struct ssmix2_scan s = {0};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, LB_ARRAY_LEN(files));
	assert_int_equal(s.skipped, 0);
	static const char *const want[] = {
	        "000/001/0000012345/20261120/OMP-01/0000012345_20261120_OMP-01_E_20261120100000000_01_1",
	        "000/001/0000012345/20261121/OMP-01/0000012345_20261121_OMP-01_E_20261121100000000_01_1",
	        "000/001/0000012345/20261120/OMP-11/0000012345_20261120_OMP-11_E_20261120100000000_01_1",
	        "000/001/0000012345/-/ADT-61/0000012345_-_ADT-61_1_20250101000000000_-_1",
	        "000/001/0000012346/20261120/OMP-01/0000012346_20261120_OMP-01_D_20261120100000000_01_1",
	        "000/001/0000012346/20261120/OMP-01/0000012346_20261120_OMP-01_F_20261120090000001_01_1",
	};
	size_t current = 0;
	for (size_t i = 0; i < s.n; i++) {
		int wanted = 0;
		for (size_t j = 0; j < LB_ARRAY_LEN(want); j++)
			wanted |= !strcmp(s.files[i].path, want[j]);
		if (wanted != s.files[i].current)
			fail_msg("%s should %sbe current", s.files[i].path, wanted ? "" : "not ");
		current += s.files[i].current;
		/* sorted by patient, type, date, order number, time, then valid before deleted */
		if (i)
			assert_true(strcmp(s.files[i - 1].name.patient, s.files[i].name.patient) <= 0);
	}
	assert_int_equal(current, LB_ARRAY_LEN(want));
	ssmix2_scan_release(&s);
	buf_release(&c.out);
	assert_int_equal(lb_rmtree(root), 0);
}

/* Let the clock move on, so that a folder changed now gets another mtime than one stamped a moment ago. */
static void tick(void)
{
	struct timespec ts = {0, 30 * 1000000};
	nanosleep(&ts, NULL);
}

static const struct ssmix2_dir *dir_at(const struct ssmix2_tree *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].path, path))
			return &t->v[i];
	return NULL;
}

/* Folder stamps: a second walk lists only the patient folders in which something was added or removed. */
static void test_scan_stamps(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	touch(root, "000/001/0000012345/-/ADT-00/0000012345_-_ADT-00_1_20240101000000000_-_1");
	touch(root, "000/001/0000012345/20261120/OMP-01/0000012345_20261120_OMP-01_A_20261120100000000_01_1");
	touch(root, "000/001/0000012346/-/ADT-00/0000012346_-_ADT-00_1_20240101000000000_-_1");
	touch(root, "000/001/0000012346/-/ADT-00/junk"); /* a stray: warned about on every walk */
	struct cap c = {0};
	struct ehr_sink k = sink_of(&c);
	struct ssmix2_tree tree = {0};
	struct ssmix2_scan s = {.tree = &tree, .settle_s = 0};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.skipped, 1);
	assert_int_equal(tree.n, 5); /* "", 000, 000/001 and two patient folders */
	for (size_t i = 0; i < tree.n; i++)
		assert_int_equal(tree.v[i].state, SSMIX2_DIR_WALKED);
	assert_int_equal(dir_at(&tree, "000/001/0000012345")->files, 2);
	assert_int_equal(dir_at(&tree, "000/001/0000012345")->current, 2);
	ssmix2_scan_release(&s);
	tick();

	/* nothing changed: no patient folder listed, the stray warned about again */
	s = (struct ssmix2_scan){.tree = &tree};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.same_dirs, 2);
	assert_int_equal(s.same_files, 3);
	assert_int_equal(s.same_current, 3);
	assert_int_equal(s.skipped, 1);
	assert_int_equal(c.warnings[EHR_WARN_PARSE], 2);
	assert_int_equal(dir_at(&tree, "000/001/0000012346")->state, SSMIX2_DIR_SAME);
	ssmix2_scan_release(&s);

	/* a new version of an order: its folder changed, that patient is listed again (all of it), not the other */
	touch(root, "000/001/0000012345/20261120/OMP-01/0000012345_20261120_OMP-01_A_20261121100000000_01_1");
	s = (struct ssmix2_scan){.tree = &tree};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.same_dirs, 1);
	assert_int_equal(dir_at(&tree, "000/001/0000012345")->state, SSMIX2_DIR_WALKED);
	assert_int_equal(dir_at(&tree, "000/001/0000012345")->current, 2);
	assert_int_equal(dir_at(&tree, "000/001/0000012346")->state, SSMIX2_DIR_SAME);
	ssmix2_scan_release(&s);
	tick();

	/* a new patient and a removed one: the PID[3:6] folder changed, the new one is walked, the old one gone */
	touch(root, "000/001/0000012347/-/ADT-00/0000012347_-_ADT-00_1_20240101000000000_-_1");
	struct buf p = {0};
	lb_path_join(&p, root, "000/001/0000012346");
	assert_int_equal(lb_rmtree(p.data), 0);
	buf_release(&p);
	s = (struct ssmix2_scan){.tree = &tree};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.skipped, 0);
	assert_int_equal(dir_at(&tree, "000/001/0000012347")->state, SSMIX2_DIR_WALKED);
	assert_int_equal(dir_at(&tree, "000/001/0000012346")->state, SSMIX2_DIR_GONE);
	assert_int_equal(dir_at(&tree, "000/001/0000012345")->state, SSMIX2_DIR_SAME);
	ssmix2_scan_release(&s);

	/* full: every folder listed whatever its stamp */
	s = (struct ssmix2_scan){.tree = &tree, .full = 1};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.same_dirs, 0);
	ssmix2_scan_release(&s);

	/* a folder changed a moment ago is not trusted: with the default settle time, listed again */
	ssmix2_tree_release(&tree);
	s = (struct ssmix2_scan){.tree = &tree, .settle_s = 60};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	ssmix2_scan_release(&s);
	s = (struct ssmix2_scan){.tree = &tree, .settle_s = 60};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.same_dirs, 0);
	assert_int_equal(s.n, 4);
	ssmix2_scan_release(&s);
	ssmix2_tree_release(&tree);
	buf_release(&c.out);
	assert_int_equal(lb_rmtree(root), 0);
}

/* The walk as a stream: batches in path order, whole patients each, short IDs last. */
static void test_walk_batches(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	touch(root, "000/002/0000022222/-/ADT-00/0000022222_-_ADT-00_1_20240101000000000_-_1");
	touch(root, "000/001/0000011111/-/ADT-00/0000011111_-_ADT-00_1_20240101000000000_-_1");
	touch(root, "000/001/0000011111/-/ADT-00/0000011111_-_ADT-00_1_20250101000000000_-_1");
	touch(root, "123/45/12345/-/ADT-00/12345_-_ADT-00_1_20240101000000000_-_1");
	struct ssmix2_scan opts = {0};
	struct ssmix2_walker *w;
	assert_int_equal(ssmix2_walk_start(root, &opts, &w), 0);
	struct ssmix2_file *f;
	size_t n;
	const char *first[4] = {0};
	size_t sizes[4] = {0}, nb = 0;
	while (ssmix2_walk_next(w, &f, &n)) {
		assert_true(nb < 4);
		sizes[nb] = n;
		first[nb] = n ? lb_strdup(f[0].path) : NULL;
		if (n == 2) {
			assert_false(f[0].current); /* the older demographics */
			assert_true(f[1].current);
		}
		nb++;
	}
	struct ssmix2_scan out = {0};
	ssmix2_walk_end(w, NULL, &out);
	assert_int_equal(nb, 4); /* 000/001, 000/002, 123/45, then the late batch */
	assert_int_equal(sizes[0], 2);
	assert_string_equal(first[0], "000/001/0000011111/-/ADT-00/0000011111_-_ADT-00_1_20240101000000000_-_1");
	assert_int_equal(sizes[1], 1);
	assert_int_equal(sizes[2], 0);
	assert_int_equal(sizes[3], 1);
	assert_string_equal(first[3], "123/45/12345/-/ADT-00/12345_-_ADT-00_1_20240101000000000_-_1");
	for (size_t i = 0; i < nb; i++)
		free((char *)first[i]);
	assert_int_equal(lb_rmtree(root), 0);
}

/* A storage of 12 PID[3:6] folders (more jobs than walker threads) holding 50 patients: the tree of the first
 * walk is exactly 64 entries, the capacity it grew to; a second walk over it finds every folder unchanged. Sizes
 * are read unless asked not to, and the progress shows every file found. */
static void test_scan_many_folders(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	for (int p = 0; p < 50; p++) {
		char rel[512];
		int b = 1 + p % 12;
		snprintf(rel, sizeof rel, "000/%03d/000%03d%04d/-/ADT-00/000%03d%04d_-_ADT-00_1_20240101000000000_-_1",
		         b, b, p, b, p);
		touch(root, rel);
	}
	struct cap c = {0};
	struct ehr_sink k = sink_of(&c);
	struct ssmix2_tree tree = {0};
	struct lb_progress pr = {.label = "test"};
	struct ssmix2_scan s = {.tree = &tree, .progress = &pr};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 50);
	assert_int_equal(s.skipped, 0);
	assert_int_equal(pr.done, 50);
	assert_int_equal(tree.n, 64); /* "", 000, 12 folders, 50 patients */
	for (size_t i = 0; i < s.n; i++) {
		assert_true(s.files[i].current);
		assert_int_equal(s.files[i].size, 11);
		assert_true(s.files[i].mtime_ns > 0);
		if (i)
			assert_true(strcmp(s.files[i - 1].path, s.files[i].path) < 0);
	}
	for (size_t i = 0; i < tree.n; i++)
		if (strlen(tree.v[i].path) > 7)
			assert_int_equal(tree.v[i].current, 1);
	ssmix2_scan_release(&s);
	tick();
	pr = (struct lb_progress){.label = "test"};
	s = (struct ssmix2_scan){.tree = &tree, .progress = &pr, .no_file_stat = 1, .full = 1};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 50);
	assert_int_equal(pr.done, 50);
	assert_int_equal(tree.n, 64);
	for (size_t i = 0; i < s.n; i++)
		assert_int_equal(s.files[i].size, -1);
	ssmix2_scan_release(&s);
	s = (struct ssmix2_scan){.tree = &tree};
	assert_int_equal(ssmix2_scan(root, &k, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.same_dirs, 50);
	assert_int_equal(s.same_current, 50);
	ssmix2_scan_release(&s);
	ssmix2_tree_release(&tree);
	buf_release(&c.out);
	assert_int_equal(lb_rmtree(root), 0);
}

/* A patient whose ID is too short for prefix folders of its own comes in the last batch, yet sorts among the
 * others (00000 before 0000012345) and counts as current in its folder; a stray is warned about even with no
 * sink to tell. */
static void test_scan_short_id(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	touch(root, "000/001/0000012345/-/ADT-00/0000012345_-_ADT-00_1_20240101000000000_-_1");
	touch(root, "000/00/00000/-/ADT-00/00000_-_ADT-00_1_20240101000000000_-_1");
	struct ssmix2_tree tree = {0};
	struct ssmix2_scan s = {.tree = &tree};
	assert_int_equal(ssmix2_scan(root, NULL, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.files[0].name.patient, "00000");
	assert_string_equal(s.files[1].name.patient, "0000012345");
	assert_int_equal(dir_at(&tree, "000/00/00000")->current, 1);
	assert_int_equal(dir_at(&tree, "000/001/0000012345")->current, 1);
	ssmix2_scan_release(&s);
	touch(root, "000/stray");
	s = (struct ssmix2_scan){0};
	assert_int_equal(ssmix2_scan(root, NULL, &s), 0);
	assert_int_equal(s.skipped, 1);
	assert_int_equal(s.n, 2);
	ssmix2_scan_release(&s);
	ssmix2_tree_release(&tree);
	assert_int_equal(lb_rmtree(root), 0);
}

/* The walk as a stream: the first batch is handed out without waiting for the whole walk; once every folder's
 * batch is taken, the last one is ready at once. */
static void test_walk_stream(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	touch(root, "000/001/0000011111/-/ADT-00/0000011111_-_ADT-00_1_20240101000000000_-_1");
	touch(root, "000/002/0000022222/-/ADT-00/0000022222_-_ADT-00_1_20240101000000000_-_1");
	touch(root, "123/45/12345/-/ADT-00/12345_-_ADT-00_1_20240101000000000_-_1");
	struct ssmix2_scan opts = {0};
	struct ssmix2_walker *w;
	assert_int_equal(ssmix2_walk_start(root, &opts, &w), 0);
	assert_int_equal(w->njobs, 3);
	struct ssmix2_file *f;
	size_t n, total = 0;
	assert_true(ssmix2_walk_next(w, &f, &n));
	assert_int_equal(n, 1);
	assert_false(w->waited); /* the other folders not waited for */
	total += n;
	for (int i = 0; i < 2; i++) {
		assert_true(ssmix2_walk_next(w, &f, &n));
		total += n;
	}
	assert_true(ssmix2_walk_ready(w));
	assert_true(ssmix2_walk_next(w, &f, &n)); /* the short IDs */
	assert_int_equal(n, 1);
	total += n;
	assert_true(ssmix2_walk_ready(w));
	assert_false(ssmix2_walk_next(w, &f, &n));
	assert_int_equal(total, 3);
	struct ssmix2_scan out = {0};
	ssmix2_walk_end(w, NULL, &out);
	assert_int_equal(lb_rmtree(root), 0);
}

/* Started with no standard input (descriptor 0 free), the storage's folder may open as descriptor 0: a folder
 * like any other. */
static void test_scan_fd0(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	touch(root, "000/001/0000012345/-/ADT-00/0000012345_-_ADT-00_1_20240101000000000_-_1");
	int saved = dup(0);
	assert_true(saved > 0);
	close(0);
	struct ssmix2_scan s = {0};
	int rc = ssmix2_scan(root, NULL, &s);
	size_t n = s.n;
	ssmix2_scan_release(&s);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 1);
	assert_int_equal(lb_rmtree(root), 0);
}

/* No walker thread can be started (threads' stacks cannot be had): the walk is done in the calling thread,
 * with the same result. */
static void test_scan_no_threads(void **state)
{
	(void)state;
	char root[] = "/tmp/lb-test-ssmix2-XXXXXX";
	assert_non_null(mkdtemp(root));
	for (int b = 1; b <= 3; b++) {
		char rel[512];
		snprintf(rel, sizeof rel, "000/%03d/000%03d0001/-/ADT-00/000%03d0001_-_ADT-00_1_20240101000000000_-_1",
		         b, b, b);
		touch(root, rel);
	}
	pthread_attr_t old, huge;
	assert_int_equal(pthread_getattr_default_np(&old), 0);
	assert_int_equal(pthread_attr_init(&huge), 0);
	assert_int_equal(pthread_attr_setstacksize(&huge, (size_t)1 << 50), 0);
	assert_int_equal(pthread_setattr_default_np(&huge), 0);
	struct ssmix2_scan opts = {0};
	struct ssmix2_walker *w;
	int rc = ssmix2_walk_start(root, &opts, &w);
	int nth = rc == 0 ? w->nth : -1;
	assert_int_equal(pthread_setattr_default_np(&old), 0);
	pthread_attr_destroy(&huge);
	pthread_attr_destroy(&old);
	assert_int_equal(rc, 0);
	assert_int_equal(nth, 0);
	struct ssmix2_file *f;
	size_t n, total = 0;
	while (ssmix2_walk_next(w, &f, &n))
		total += n;
	assert_int_equal(total, 3);
	struct ssmix2_scan out = {0};
	ssmix2_walk_end(w, NULL, &out);
	assert_int_equal(lb_rmtree(root), 0);
}

/* ---- golden messages per type -------------------------------------------------------------------------------- */

static void test_adt00(void **state)
{
	(void)state;
	struct cap c = {0};
	read_golden(&c, "000/001/0000012345/-/ADT-00/0000012345_-_ADT-00_999999999999999_20261101100000000_-_1");
	assert_string_equal(c.out.data, "patient 0000012345|佐藤|花子|サトウ|ハナコ|1948-04-05|F|100-0001|"
	                                "東京都千代田区千代田１－１|03-1234-5678|090-1111-2222|A|+\n"
	                                "allergy 1|ペニシリン系抗生物質|1100|アナフィラキシー|severe|2009-12-01|1\n");
	buf_release(&c.out);
	/* 髙 arrives with its CP932 code and is kept as 髙, not folded */
	struct cap d = {0};
	read_golden(&d, "000/001/0000012346/-/ADT-00/0000012346_-_ADT-00_999999999999999_20261102100000000_-_1");
	assert_non_null(strstr(d.out.data, "patient 0000012346|髙橋|一郎|タカハシ|イチロウ|1955-01-10|M|"));
	assert_int_equal(d.warnings[EHR_WARN_ENCODING], 0);
	buf_release(&d.out);
}

static void test_adt61(void **state)
{
	(void)state;
	struct cap c = {0};
	read_golden(&c, "000/001/0000012345/-/ADT-61/0000012345_-_ADT-61_999999999999999_20261110120000000_-_1");
	assert_string_equal(c.out.data, "allergy 2|卵|J0101|蕁麻疹|moderate|1960-01-01|1\n"
	                                "allergy 1|ロキソプロフェン|1149019F1|胃部不快感|mild|小学校低学年の頃|1\n"
	                                "allergy 3|ハウスダスト|5A1102700023023|くしゃみ|mild|(null)|0\n");
	buf_release(&c.out);
}

static void test_omp01_omp02(void **state)
{
	(void)state;
	struct cap c = {0};
	read_golden(&c, "000/001/0000012345/20261120/OMP-01/"
	                "0000012345_20261120_OMP-01_000000011000185_20261120103045000_01_1");
	assert_string_equal(
	        c.out.data,
	        "med 1|000000011000185|1149019F1|ロキソニン錠６０ｍｇ|1|錠|3|内服・経口・１日３回朝昼夕食後|口|"
	        "2026-11-20T00:00|7|active|医師 一郎|内科\n"
	        "med 1|000000011000185|2329021F1|ムコスタ錠１００ｍｇ|1|錠|3|内服・経口・１日３回朝昼夕食後|口|"
	        "2026-11-20T00:00|7|active|医師 一郎|内科\n");
	buf_release(&c.out);
	struct cap d = {0};
	read_golden(&d, "000/001/0000012345/20261121/OMP-02/"
	                "0000012345_20261121_OMP-02_000000022000001_20261121080000000_01_1");
	assert_string_equal(d.out.data, "med 2|000000022000001|6132400D1|セファゾリンナトリウム注射用１ｇ|1|瓶|2|"
	                                "注射・１日２回|静脈内|2026-11-21T08:00|3|active|医師 一郎|内科\n");
	buf_release(&d.out);
}

static void test_oml11(void **state)
{
	(void)state;
	struct cap c = {0};
	read_golden(&c, "000/001/0000012345/20261121/OML-11/"
	                "0000012345_20261121_OML-11_000000011000354_20261121110000000_01_1");
	assert_string_equal(c.out.data,
	                    "result 000000011000354|白血球数|9.8|10*3/uL|3.3-8.6|H|2026-11-21T09:00|final\n"
	                    "result 000000011000354|ＣＲＰ|2.30|mg/dL|0.00-0.14|H|2026-11-21T09:00|final\n"
	                    "result 000000011000354|尿蛋白定性|（－）|(null)|（－）|N|2026-11-21T09:00|final\n");
	buf_release(&c.out);
}

static void test_ppr01(void **state)
{
	(void)state;
	struct cap c = {0};
	read_golden(&c, "000/001/0000012345/-/PPR-01/0000012345_-_PPR-01_999999999999999_20261115090000000_01_1");
	assert_string_equal(c.out.data, "dx 本態性高血圧症|20057640|MDCDX2|2015-04-01|(null)|1|1\n"
	                                "dx ２型糖尿病|20069720|MDCDX2|2018-06-01|(null)|1|0\n"
	                                "dx 急性気管支炎|J209|ICD10|2025-12-01|2025-12-20|0|0\n");
	buf_release(&c.out);
}

static void test_adt_events(void **state)
{
	(void)state;
	struct cap c = {0};
	read_golden(
	        &c,
	        "000/001/0000012347/20261115/ADT-42/0000012347_20261115_ADT-42_999999999999999_20261115100000000_01_1");
	read_golden(
	        &c,
	        "000/001/0000012346/20261120/ADT-52/0000012346_20261120_ADT-52_999999999999998_20261120150000000_01_1");
	assert_string_equal(c.out.data, "adt 2|2026-11-15T10:00|5東|502|1|医師 一郎\n"
	                                "adt 6|2026-11-20T10:00|5東|503|3|医師 一郎\n");
	buf_release(&c.out);
}

static void test_raw_and_warnings(void **state)
{
	(void)state;
	struct cap c = {0};
	/* a diet order (OMD) is read now (issue 13: food allergies and 禁食 matter on paper), not kept raw only */
	read_golden(&c,
	            "000/001/0000012347/20261118/OMD/0000012347_20261118_OMD_000000033000001_20261118110000000_01_1");
	assert_int_equal(c.raw, 0);
	/* a PID-3 naming another patient is a mismatch; the path's patient is used */
	struct ssmix2_name nm;
	assert_int_equal(ssmix2_parse_name("0000099999_-_ADT-00_1_20261101100000000_-_1", &nm), 0);
	const char *utf8 = "MSH|^~\\&|A||||||ADT^A08\rPID|1||0000012345^^^^PI||佐藤^花子^^^^^L^I\r";
	struct buf msg = {0};
	assert_int_equal(text_encode_iso2022jp(&msg, utf8, strlen(utf8)), 0);
	struct ehr_source src = {.path = "x", .kind = "ssmix2", .data_type = "ADT-00"};
	struct ehr_sink k = sink_of(&c);
	assert_int_equal(ssmix2_read_message(&nm, &src, msg.data, msg.len, &k, NULL), 0);
	buf_release(&msg);
	assert_int_equal(c.warnings[EHR_WARN_MISMATCH], 1);
	assert_non_null(strstr(c.out.data, "patient 0000099999|佐藤|花子"));
	/* broken ISO-2022-JP: a warning, the raw bytes kept, the rest read */
	const char *broken = "MSH|^~\\&|A||||||ADT^A08\rPID|1||0000099999||\x1b$B\x3a\x34\x1b(Z^x\r";
	int raw_before = c.raw;
	assert_int_equal(ssmix2_read_message(&nm, &src, broken, strlen(broken), &k, NULL), 0);
	assert_int_equal(c.warnings[EHR_WARN_ENCODING], 1);
	assert_int_equal(c.raw, raw_before + 1);
	buf_release(&c.out);
}

static void test_repetitions_do_not_crowd_out(void **state)
{
	(void)state;
	struct buf m = {0};
	buf_adds(&m, "MSH|^~\\&|A||||||ADT^A08\rPID|1||0000099999||");
	for (int i = 0; i < 150; i++)
		buf_addf(&m, "%s名%d^^^^^^L^I", i ? "~" : "", i);
	buf_adds(&m, "||19480405|F|||");
	for (int i = 0; i < 150; i++)
		buf_addf(&m, "%s^^^^^^^", i ? "~" : "");
	buf_adds(&m, "\r");
	for (int i = 0; i < 60; i++)
		buf_adds(&m, "OBX|1|NM|x^身長||1\r");
	buf_adds(&m, "OBX|1|CWE|y^血液型-ABO式||O^O型\r");
	struct buf enc = {0};
	text_encode_iso2022jp(&enc, m.data, m.len);
	struct ssmix2_name nm;
	assert_int_equal(ssmix2_parse_name("0000099999_-_ADT-00_1_20261101100000000_-_1", &nm), 0);
	struct ehr_source src = {.path = "x", .kind = "ssmix2", .data_type = "ADT-00"};
	struct cap c = {0};
	struct ehr_sink k = sink_of(&c);
	assert_int_equal(ssmix2_read_message(&nm, &src, enc.data, enc.len, &k, NULL), 0);
	assert_non_null(strstr(c.out.data, "patient 0000099999|名0|(null)|(null)|(null)|1948-04-05|F|"));
	assert_non_null(strstr(c.out.data, "|O|(null)\n"));
	assert_int_equal(c.warnings[EHR_WARN_LIMIT], 1);
	buf_release(&m);
	buf_release(&enc);
	buf_release(&c.out);
}

/* Issue 14: the body weight and height OBX of ADT-00 are results (time OBX-14, else EVN-2); the blood group OBX is
 * not; an ADT-00 whose PID names nobody gives no weight (an empty version that must not replace the last one). */
static void read_msg(struct cap *c, const char *name, const char *text)
{
	struct ssmix2_name nm;
	assert_int_equal(ssmix2_parse_name(name, &nm), 0);
	struct ehr_source src = {.path = name, .kind = "ssmix2", .data_type = nm.type};
	struct ehr_sink k = sink_of(c);
	struct ssmix2_msg_stats st;
	assert_int_equal(ssmix2_read_message(&nm, &src, text, strlen(text), &k, &st), 0);
}

static void test_adt00_body_weight(void **state)
{
	(void)state;
	static const char msh[] = "MSH|^~\\&|HIS|SEND|GW|RCV|20261120090000||ADT^A08^ADT_A01|M1|P|2.5\r";
	struct buf m = {0};
	buf_addf(&m,
	         "%sEVN||202611200900\rPID|0001||0000012345^^^^PI||YAMADA^TARO^^^^^L^I||20210101|M\r"
	         "OBX|1|CWE|5H010000001999911^ABO^JC10||A^A^JSHR002||||||F\r"
	         "OBX|2|NM|9N001000000000001^HT^JC10||108.5|cm^cm^ISO+|||||F|||202611180930\r"
	         "OBX|3|NM|9N006000000000001^BW^JC10||18.0|kg^kg^ISO+|||||F\r"
	         "OBX|4|NM|29463-7^Body weight^LN||||||||F\r",
	         msh);
	struct cap c = {0};
	read_msg(&c, "0000012345_-_ADT-00_1_20261120090000000_-_1", m.data);
	assert_non_null(strstr(c.out.data, "result (null)|HT|108.5|cm|(null)|(null)|2026-11-18T09:30|final\n"));
	assert_non_null(strstr(c.out.data, "result (null)|BW|18.0|kg|(null)|(null)|2026-11-20T09:00|final\n"));
	assert_null(strstr(c.out.data, "result (null)|ABO"));
	assert_null(strstr(c.out.data, "Body weight|(null)")); /* no value: a warning, no result */
	assert_true(c.warnings[EHR_WARN_PARSE] >= 1);
	buf_release(&c.out);
	/* a PID without name or birth date: no weight */
	buf_reset(&m);
	buf_addf(&m, "%sEVN||202611200900\rPID|0001||0000012345^^^^PI\rOBX|1|NM|9N006000000000001^BW^JC10||18.0|kg\r",
	         msh);
	struct cap e = {0};
	read_msg(&e, "0000012345_-_ADT-00_1_20261120090000000_-_1", m.data);
	assert_true(!e.out.data || !strstr(e.out.data, "result"));
	buf_release(&e.out);
	buf_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_names),
	        cmocka_unit_test(test_paths),
	        cmocka_unit_test(test_scan_versions),
	        cmocka_unit_test(test_scan_two_files),
	        cmocka_unit_test(test_scan_current_rules),
	        cmocka_unit_test(test_scan_stamps),
	        cmocka_unit_test(test_walk_batches),
	        cmocka_unit_test(test_scan_many_folders),
	        cmocka_unit_test(test_scan_short_id),
	        cmocka_unit_test(test_walk_stream),
	        cmocka_unit_test(test_scan_fd0),
	        cmocka_unit_test(test_scan_no_threads),
	        cmocka_unit_test(test_adt00),
	        cmocka_unit_test(test_adt61),
	        cmocka_unit_test(test_omp01_omp02),
	        cmocka_unit_test(test_oml11),
	        cmocka_unit_test(test_ppr01),
	        cmocka_unit_test(test_adt_events),
	        cmocka_unit_test(test_raw_and_warnings),
	        cmocka_unit_test(test_repetitions_do_not_crowd_out),
	        cmocka_unit_test(test_adt00_body_weight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
