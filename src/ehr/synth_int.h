/*
 * synth_int.h - what the files of the synthetic hospital share (synth*.c only; not part of ehr.h).
 *
 * The generator is a pure function of (seed, patient count, today): every patient is drawn from its own PRNG
 * stream, seeded from the run's seed and the patient's index, so one patient's data never depends on the order
 * in which others were written, and the same seed gives byte-identical output.
 */
#ifndef LB_SYNTH_INT_H
#define LB_SYNTH_INT_H

#include "ehr.h"

/* ---- PRNG (synth_names.c): splitmix64 seeds xoshiro256** ----------------------------------------------------- */

struct synth_rng {
	uint64_t s[4];
};
void synth_rng_seed(struct synth_rng *r, uint64_t seed, uint64_t stream);
uint64_t synth_next(struct synth_rng *r);
/* Uniform in [0, n) (n > 0), without modulo bias worth mentioning (Lemire's multiply-shift). */
uint32_t synth_below(struct synth_rng *r, uint32_t n);
/* Uniform in [lo, hi]. */
int synth_range(struct synth_rng *r, int lo, int hi);
/* 1 with probability p. */
int synth_chance(struct synth_rng *r, double p);
/* Standard normal deviate (Box-Muller). */
double synth_normal(struct synth_rng *r);
/* Index drawn from weights w[0..n) (sum > 0). */
size_t synth_weighted(struct synth_rng *r, const uint32_t *w, size_t n);

/* ---- people, places (synth_names.c) -------------------------------------------------------------------------- */

#define SYNTH_NAME_MAX 48
struct synth_person {
	char family[SYNTH_NAME_MAX], given[SYNTH_NAME_MAX];
	char family_kana[SYNTH_NAME_MAX * 2], given_kana[SYNTH_NAME_MAX * 2];
	char sex;       /* 'M' / 'F' */
	int by, bm, bd; /* birth date */
	char postal[12];
	char address[160];
	char prefecture[24];
	char phone_home[20], phone_mobile[20];
	const char *blood_abo, *blood_rh;
	int quirk; /* the name carries a CP932-only character (髙, 﨑) */
};
/* Draw a patient's name, sex, birth date (age weighted like a hospital's patients), address, phones and blood
 * group. today is the days-since-epoch of the data's date. */
void synth_person_draw(struct synth_rng *r, int64_t today, struct synth_person *p);
/* synth_given.c: the given name (kanji and kana) for p's sex and year of birth. */
void synth_given_draw(struct synth_rng *r, struct synth_person *p);
/* A new address and home phone (for the older version of a demographics message). */
void synth_address_draw(struct synth_rng *r, struct synth_person *p);

struct synth_doctor {
	const char *id, *family, *given, *family_kana, *given_kana;
	int dept; /* index into synth_depts */
};
struct synth_dept {
	const char *code, *name;
};
extern const struct synth_dept synth_depts[];
extern const size_t synth_dept_count;
extern const struct synth_doctor synth_doctors[];
extern const size_t synth_doctor_count;
/* A doctor of department dept (index). */
const struct synth_doctor *synth_doctor_of(struct synth_rng *r, int dept);

/* ---- clinical tables (synth_data.c) -------------------------------------------------------------------------- */

struct synth_drug {
	const char *code, *name, *generic, *kana, *form, *unit;
	double max_daily;
	const char *pregnancy, *interaction, *allergy;
	/* how it is usually ordered */
	double dose; /* per administration, in unit */
	int per_day;
	const char *freq;       /* 1日3回毎食後 */
	const char *route;      /* 経口 / 静注 / 点滴静注 / 皮下注 */
	const char *route_code; /* HL7 0162: PO, IV, SC */
	int injection;
	const char *min_age, *max_age; /* age limits as the master writes them ("15", "6か月"), or NULL */
	/* the pharmacist's columns (drugs.csv; NULL / 0 when the package insert gives none) */
	const char *contra;   /* interaction groups that are 併用禁忌 */
	const char *thera;    /* 薬効分類 as a hospital master writes it (number and class word) */
	const char *strength; /* 含量・規格 of one unit (given for names with a bare number: クラリス錠200) */
	int period;           /* dosing period in days (7: weekly) */
	int narrow, high_alert; /* narrow therapeutic range; ハイリスク薬 */
	const char *confusable; /* names of look-alike products (PMDA 名称類似) */
	double per_kg;          /* paediatric maximum per kg per day, in unit */
	const char *elderly;    /* caution in the elderly */
};
extern const struct synth_drug synth_drugs[];
extern const size_t synth_drug_count;
const struct synth_drug *synth_drug_by_code(const char *code);

struct synth_lab {
	const char *code, *name, *unit;
	double lo_m, hi_m, lo_f, hi_f; /* reference range by sex */
	int decimals;
};
extern const struct synth_lab synth_labs[];
extern const size_t synth_lab_count;

struct synth_dx {
	const char *icd10, *medis, *name;
	int dept;         /* index into synth_depts */
	int chronic;      /* stays active */
	int min_age, sex; /* sex 0 any, 'M', 'F' */
	uint32_t weight;
	const char *drugs[3]; /* codes of the usual medicines, NULL-padded */
	int inpatient;        /* a usual reason for admission */
};
extern const struct synth_dx synth_dxs[];
extern const size_t synth_dx_count;

struct synth_allergen {
	enum ehr_allergy_kind kind;
	const char *code, *system, *name;
	const char *avoid; /* allergy class of drugs the patient must not get (matches synth_drug.allergy), or NULL */
	uint32_t weight;
};
extern const struct synth_allergen synth_allergens[];
extern const size_t synth_allergen_count;
extern const char *const synth_reactions[];
extern const size_t synth_reaction_count;

/* ---- the model of one patient (synth.c) ---------------------------------------------------------------------- */

#define SYNTH_MAX_ALLERGY 3
#define SYNTH_MAX_DX 5
#define SYNTH_MAX_ORDERS 8
#define SYNTH_MAX_RP 3
#define SYNTH_MAX_LABS 6
#define SYNTH_MAX_STAYS 2
#define SYNTH_MAX_APPTS 2

struct synth_allergy {
	const struct synth_allergen *a;
	const char *reaction;
	const char *severity; /* severe / moderate / mild */
	int64_t recorded;     /* day */
};
struct synth_diag {
	const struct synth_dx *dx;
	int64_t start, end; /* days; end 0 = active */
	int main;
};
struct synth_rp {
	const struct synth_drug *drug;
	double dose;
	int per_day, days;
	int quirk; /* frequency text carries ① (a CP932 quirk) */
};
struct synth_order {
	char no[24]; /* 15 digits */
	int injection;
	int64_t day; /* order date */
	int hh, mm, ss, ms;
	int dept;
	const struct synth_doctor *doc;
	int nrp;
	struct synth_rp rp[SYNTH_MAX_RP];
	int cancelled; /* a later version with condition flag 0 deletes it */
	int inpatient;
};
struct synth_labset {
	char no[24];
	int64_t day;
	int hh, mm;
	int dept;
	const struct synth_doctor *doc;
	int inpatient;
	int n;
	struct {
		const struct synth_lab *lab;
		char value[16];
		const char *flag; /* "H", "L" or NULL */
		char range[24];
	} item[12];
};
struct synth_bed {
	int ward, room, bed; /* ward index; room number like 302; bed 1-4 */
};
struct synth_stay {
	char visit[24];
	int64_t admit, discharge; /* days; discharge 0 = still in */
	int admit_hh, admit_mm, dis_hh, dis_mm;
	int transferred; /* moved from first to bed */
	int64_t transfer;
	int tr_hh, tr_mm;
	struct synth_bed first, bed;
	int dept;
	const struct synth_doctor *doc;
};
struct synth_appt {
	char id[24];
	int64_t day;
	int hh, mm;
	int dept;
	const struct synth_doctor *doc;
	const char *kind, *status, *note;
};

struct synth_patient {
	long index;
	char id[24];
	struct synth_person p;
	struct synth_person old; /* older demographics, when has_old */
	int has_old;
	int64_t registered; /* day of first registration (time of the older ADT-00) */
	int64_t updated;    /* day of the current ADT-00 */
	int upd_hh, upd_mm, upd_ss, upd_ms;
	int nallergy;
	struct synth_allergy allergy[SYNTH_MAX_ALLERGY];
	int allergy_quirk; /* a reaction text with ～ */
	int ndx;
	struct synth_diag dx[SYNTH_MAX_DX];
	int norder;
	struct synth_order order[SYNTH_MAX_ORDERS];
	int nlab;
	struct synth_labset lab[SYNTH_MAX_LABS];
	int nstay;
	struct synth_stay stay[SYNTH_MAX_STAYS];
	int nappt;
	struct synth_appt appt[SYNTH_MAX_APPTS];
};

#define SYNTH_WARD_NAME_MAX 32 /* bytes, NUL included: 地域包括ケア is 18 */
#define SYNTH_WARD_SLOTS 64    /* beds of one ward at most: a bed slot is ward * 64 + bed index */
struct synth_ward {
	char name[SYNTH_WARD_NAME_MAX]; /* 3A, ICU, 回復期リハ */
	int dept;                       /* main department */
	int beds;                       /* beds in the ward, 4 to a room */
	int floor;
};

struct synth_ctx {
	const struct ehr_synth_opts *o;
	int64_t today; /* days since epoch */
	long n;
	int nwards;
	struct synth_ward *wards;
	int32_t *bed_of; /* patient index -> bed slot (ward * SYNTH_WARD_SLOTS + bed index) or -1 */
	struct ehr_synth_stats *st;
	char *root;                /* out_dir/ssmix2 */
	struct buf msg, enc, path; /* scratch */
	int64_t ctrl;              /* message control id counter */
};

/* synth_model.c: draw patient i (deterministic for the run's seed and i). */
void synth_patient_draw(struct synth_ctx *c, long i, struct synth_patient *pt);
/* synth_hl7.c: the SS-MIX2 files of one patient */
int synth_hl7_patient(struct synth_ctx *c, const struct synth_patient *pt);
/* synth_fhir.c */
struct synth_fhir;
struct synth_fhir *synth_fhir_open(const char *out_dir);
int synth_fhir_patient(struct synth_fhir *f, const struct synth_ctx *c, const struct synth_patient *pt);
int synth_fhir_close(struct synth_fhir *f, struct ehr_synth_stats *st);
/* synth_csv.c: drugs.csv (UTF-8) and appointments.csv (CP932, CRLF) */
int synth_drugs_write(const char *out_dir, struct ehr_synth_stats *st);
struct synth_appts;
struct synth_appts *synth_appts_open(const char *out_dir);
int synth_appts_patient(struct synth_appts *a, const struct synth_ctx *c, const struct synth_patient *pt);
int synth_appts_close(struct synth_appts *a);

/* Shared formatting helpers (synth.c). */
void synth_fmt_date(struct buf *b, int64_t day, int iso); /* 20261124 or 2026-11-24 */
void synth_ward_bed(const struct synth_ctx *c, const struct synth_bed *bd, char *ward, size_t wn, char *room, size_t rn,
                    char *bed, size_t bn);
/* Write bytes to a new file (O_EXCL), creating its folder. */
int synth_write_file(struct synth_ctx *c, const char *dir, const char *name, const void *data, size_t len);

#endif
