/*
 * synth.c - the synthetic hospital (`lifeboat synth`): the hospital (wards, census) and the run that writes it.
 *
 * A hospital of N registered patients: wards 3A, 3B, 4A … of 32-48 beds (or exactly --beds beds, with the units
 * of a large hospital beyond the twentieth ward) at about 80% occupancy, the inpatients drawn at random from the
 * registered ones; everyone else is an outpatient. Each patient is drawn from its own
 * PRNG stream (seed, index) and written at once to SS-MIX2 standard storage (synth_hl7.c), FHIR NDJSON
 * (synth_fhir.c) and the appointments CSV (synth_csv.c), so memory stays small and the run streams: 100,000
 * patients need about 4 bytes each besides the files. Same seed, count and date: byte-identical output.
 */
#include "synth_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYNTH_MAX_PATIENTS 10000000L
#define SYNTH_MAX_BEDS 20000
#define SYNTH_DEFAULT_TODAY "2026-11-24"

const char *const ehr_synth_type_names[] = {"ADT-00", "ADT-61", "OMP-01", "OMP-02", "OML-11",
                                            "PPR-01", "ADT-22", "ADT-42", "ADT-52", NULL};

void synth_fmt_date(struct buf *b, int64_t day, int iso)
{
	int y, m, d;
	lb_civil_from_days(day, &y, &m, &d);
	buf_addf(b, iso ? "%04d-%02d-%02d" : "%04d%02d%02d", y, m, d);
}

void synth_ward_bed(const struct synth_ctx *c, const struct synth_bed *bd, char *ward, size_t wn, char *room, size_t rn,
                    char *bed, size_t bn)
{
	const struct synth_ward *w = &c->wards[bd->ward];
	snprintf(ward, wn, "%s", w->name);
	snprintf(room, rn, "%d", bd->room);
	snprintf(bed, bn, "%d", bd->bed);
}

int synth_write_file(struct synth_ctx *c, const char *dir, const char *name, const void *data, size_t len)
{
	buf_reset(&c->path);
	buf_addf(&c->path, "%s/%s", dir, name);
	int fd = open(c->path.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		int rc = lb_mkdirs(dir, 0755);
		if (rc < 0)
			return rc;
		fd = open(c->path.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", c->path.data);
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(fd);
			return lb_error_errno_tr(e, "cannot write '%s'", "'%s' に書き込めません", c->path.data);
		}
		p += w;
		left -= (size_t)w;
	}
	if (close(fd) != 0)
		return lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", c->path.data);
	if (c->st)
		c->st->bytes += len;
	return 0;
}

/* ---- the hospital -------------------------------------------------------------------------------------------- */

static const int ward_depts[] = {1, 2, 3, 7, 8, 6, 0, 9, 4, 11, 14, 5, 10, 15, 12, 13};

/* Beyond the twentieth ward, the units of a large Japanese hospital, with their usual sizes and departments
 * (indexes into synth_depts); then more floors of general wards. */
static const struct {
	const char *name;
	int beds, dept, floor;
} units[] = {
        {"ICU", 10, 0, 2},      {"HCU", 16, 7, 2},       {"CCU", 8, 1, 2},          {"SCU", 9, 6, 2},
        {"救命救急", 20, 7, 1}, {"緩和ケア", 22, 0, 13}, {"回復期リハ", 44, 8, 14}, {"地域包括ケア", 44, 0, 15},
        {"精神科", 40, 15, 16}, {"結核", 10, 2, 16},
};

#define SYNTH_GENERAL_WARDS 20 /* 3A … 12B before the units */

/* Ward w: its name, floor, department, and (general wards) its size drawn from r. */
static void ward_make(struct synth_ward *wd, int w, struct synth_rng *r)
{
	int unit = w - SYNTH_GENERAL_WARDS;
	if (unit >= 0 && unit < (int)LB_ARRAY_LEN(units)) {
		snprintf(wd->name, sizeof(wd->name), "%s", units[unit].name);
		wd->floor = units[unit].floor;
		wd->dept = units[unit].dept;
		wd->beds = units[unit].beds;
		return;
	}
	int g = unit < 0 ? w : w - (int)LB_ARRAY_LEN(units); /* the g-th general ward: 3A, 3B, 4A … */
	wd->floor = g < SYNTH_GENERAL_WARDS ? 3 + g / 2 : 17 + (g - SYNTH_GENERAL_WARDS) / 2;
	snprintf(wd->name, sizeof(wd->name), "%d%c", wd->floor, 'A' + g % 2);
	wd->dept = ward_depts[g % LB_ARRAY_LEN(ward_depts)];
	wd->beds = 4 * synth_range(r, 8, 12); /* 32-48 */
}

/*
 * The wards. Without --beds: one ward per 800 registered patients, 2 to 20 (3A … 12B, 32-48 beds each). With
 * --beds N: wards until they hold exactly N beds — 3A … 12B, then ICU, HCU, CCU, SCU, 救命救急, 緩和ケア,
 * 回復期リハ, 地域包括ケア, 精神科, 結核, then 17A, 17B … — the last one taking what is left (a remainder too
 * small for a ward of its own goes to the one before).
 */
static void wards_build(struct synth_ctx *c, struct synth_rng *r)
{
	if (!c->o->beds) {
		long nw = c->n / 800;
		c->nwards = (int)(nw < 2 ? 2 : nw > SYNTH_GENERAL_WARDS ? SYNTH_GENERAL_WARDS : nw);
		c->wards = lb_calloc((size_t)c->nwards, sizeof(*c->wards));
		for (int w = 0; w < c->nwards; w++)
			ward_make(&c->wards[w], w, r);
		return;
	}
	int left = c->o->beds, cap = 0;
	c->nwards = 0;
	while (left > 0) {
		if (c->nwards == cap) {
			cap = cap ? cap * 2 : 32;
			c->wards = lb_reallocarray(c->wards, (size_t)cap, sizeof(*c->wards));
		}
		struct synth_ward *wd = &c->wards[c->nwards];
		memset(wd, 0, sizeof(*wd));
		ward_make(wd, c->nwards, r);
		if (wd->beds > left || (left - wd->beds < 8 && left <= SYNTH_WARD_SLOTS))
			wd->beds = left;
		left -= wd->beds;
		c->nwards++;
	}
}

static void census_build(struct synth_ctx *c, struct synth_rng *r)
{
	c->bed_of = lb_malloc((size_t)c->n * sizeof(*c->bed_of));
	for (long i = 0; i < c->n; i++)
		c->bed_of[i] = -1;
	long in = 0, limit = c->n / 4, beds = 0;
	for (int w = 0; w < c->nwards; w++)
		beds += c->wards[w].beds;
	/* about 80% occupied; with few patients for many beds (at most a quarter of them in hospital), fewer, spread
	 * over every ward rather than filling the first ones */
	double occupied = beds * 0.8 > (double)limit ? (double)limit / (double)beds : 0.8;
	for (int w = 0; w < c->nwards; w++) {
		for (int s = 0; s < c->wards[w].beds; s++) {
			if (c->st)
				c->st->beds++;
			if (in >= limit || !synth_chance(r, occupied))
				continue;
			long p;
			do
				p = (long)(synth_next(r) % (uint64_t)c->n);
			while (c->bed_of[p] >= 0);
			c->bed_of[p] = w * SYNTH_WARD_SLOTS + s;
			in++;
		}
	}
	if (c->st) {
		c->st->inpatients = in;
		c->st->wards = c->nwards;
	}
}

/* ---- same-name census ---------------------------------------------------------------------------------------- */

struct name_count {
	uint64_t *keys;
	uint32_t *counts;
	size_t cap;
};

static uint64_t fnv(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ull;
	return h;
}

static void name_count_add(struct name_count *t, uint64_t key)
{
	key |= 1;
	size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull) & (t->cap - 1);
	while (t->keys[i] && t->keys[i] != key)
		i = (i + 1) & (t->cap - 1);
	t->keys[i] = key;
	t->counts[i]++;
}

static long name_count_shared(const struct name_count *t)
{
	long n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->counts[i] >= 2)
			n += t->counts[i];
	return n;
}

/* ---- the run ------------------------------------------------------------------------------------------------- */

static int check_free(const char *out, const char *name)
{
	struct buf p = {0};
	lb_path_join(&p, out, name);
	int exists = lb_exists(p.data);
	int rc = exists ? lb_error_tr(LB_EEXIST, "'%s' exists already (use a new folder or --force)",
	                              "'%s' は既にあります (新しいフォルダにするか --force を付けてください)", p.data)
	                : 0;
	buf_release(&p);
	return rc;
}

int ehr_synth(const struct ehr_synth_opts *o)
{
	if (!o->out_dir || !*o->out_dir)
		return lb_error_tr(LB_EUSAGE, "synth needs an output folder", "synth には出力先のフォルダが必要です");
	if (o->patients < 1 || o->patients > SYNTH_MAX_PATIENTS)
		return lb_error_tr(LB_EUSAGE, "patients must be between 1 and %ld", "患者数は 1〜%ld です",
		                   SYNTH_MAX_PATIENTS);
	if (o->beds < 0 || o->beds > SYNTH_MAX_BEDS)
		return lb_error_tr(LB_EUSAGE, "beds must be between 1 and %d", "病床数は 1〜%d です", SYNTH_MAX_BEDS);
	const char *today = o->today ? o->today : SYNTH_DEFAULT_TODAY;
	int64_t ms;
	if (strlen(today) != 10 || lb_parse_time(today, &ms) < 0)
		return lb_error_tr(LB_EUSAGE, "bad date '%s' (want YYYY-MM-DD)", "日付 '%s' が不正です (YYYY-MM-DD)",
		                   today);
	int y = atoi(today), m = atoi(today + 5), d = atoi(today + 8);
	if (!lb_date_valid(y, m, d))
		return lb_error_tr(LB_EUSAGE, "bad date '%s' (want YYYY-MM-DD)", "日付 '%s' が不正です (YYYY-MM-DD)",
		                   today);
	static const char *const outputs[] = {"ssmix2", "fhir", "appointments.csv", "drugs.csv"};
	for (size_t i = 0; i < LB_ARRAY_LEN(outputs); i++) {
		int rc = check_free(o->out_dir, outputs[i]);
		if (rc < 0)
			return rc;
	}
	int rc = lb_mkdirs(o->out_dir, 0755);
	if (rc < 0)
		return rc;

	struct ehr_synth_stats local = {0};
	struct synth_ctx c = {0};
	c.o = o;
	c.n = o->patients;
	c.today = lb_days_from_civil(y, m, d);
	c.st = o->stats ? o->stats : &local;
	memset(c.st, 0, sizeof(*c.st));
	c.st->patients = c.n;
	struct buf root = {0};
	lb_path_join(&root, o->out_dir, "ssmix2");
	c.root = buf_detach(&root, NULL);
	rc = lb_mkdirs(c.root, 0755);

	struct synth_rng hr;
	synth_rng_seed(&hr, o->seed, 0);
	wards_build(&c, &hr);
	census_build(&c, &hr);

	struct name_count names = {0}, names_dob = {0};
	names.cap = names_dob.cap = 1;
	while (names.cap < (size_t)c.n * 2)
		names.cap <<= 1;
	names_dob.cap = names.cap;
	names.keys = lb_calloc(names.cap, sizeof(uint64_t));
	names.counts = lb_calloc(names.cap, sizeof(uint32_t));
	names_dob.keys = lb_calloc(names.cap, sizeof(uint64_t));
	names_dob.counts = lb_calloc(names.cap, sizeof(uint32_t));

	struct synth_fhir *fh = NULL;
	struct synth_appts *ap = NULL;
	if (rc == 0)
		rc = synth_drugs_write(o->out_dir, c.st);
	if (rc == 0 && !(fh = synth_fhir_open(o->out_dir)))
		rc = -LB_EIO;
	if (rc == 0 && !(ap = synth_appts_open(o->out_dir)))
		rc = -LB_EIO;
	if (o->progress)
		o->progress->total = (uint64_t)c.n;
	struct synth_patient *pt = lb_malloc(sizeof(*pt));
	for (long i = 0; rc == 0 && i < c.n; i++) {
		synth_patient_draw(&c, i, pt);
		rc = synth_hl7_patient(&c, pt);
		if (rc == 0)
			rc = synth_fhir_patient(fh, &c, pt);
		if (rc == 0)
			rc = synth_appts_patient(ap, &c, pt);
		uint64_t h = fnv(pt->p.family, 0xCBF29CE484222325ull);
		h = fnv(" ", h);
		h = fnv(pt->p.given, h);
		h = h * 31 + (uint64_t)pt->p.sex;
		name_count_add(&names, h);
		name_count_add(&names_dob, h * 1000003 + (uint64_t)(pt->p.by * 400 + pt->p.bm * 32 + pt->p.bd));
		if (pt->nappt && c.bed_of[i] < 0)
			c.st->outpatients_booked++;
		if (o->progress)
			lb_progress_update(o->progress, (uint64_t)i + 1);
	}
	free(pt);
	if (fh) {
		int r2 = synth_fhir_close(fh, c.st);
		if (rc == 0)
			rc = r2;
	}
	if (ap) {
		int r2 = synth_appts_close(ap);
		if (rc == 0)
			rc = r2;
	}
	c.st->same_full_name = name_count_shared(&names);
	c.st->same_name_birth = name_count_shared(&names_dob);
	free(names.keys);
	free(names.counts);
	free(names_dob.keys);
	free(names_dob.counts);
	free(c.wards);
	free(c.bed_of);
	free(c.root);
	buf_release(&c.msg);
	buf_release(&c.enc);
	buf_release(&c.path);
	return rc;
}
