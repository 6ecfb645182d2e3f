/*
 * synth_hl7.c - the synthetic hospital's SS-MIX2 standard storage: one patient's HL7 v2.5 files.
 *
 * Layout and names as the SS-MIX2 guideline gives them:
 *   ssmix2/<PID[0:3]>/<PID[3:6]>/<PID>/<YYYYMMDD or ->/<type>/<PID>_<date>_<type>_<order 15>_<YYYYMMDDHHMMSSFFF>_<dept>_<flag>
 * Messages as the JAMIS/JAHIS rules and the NHO sample storage write them: MSH-18 "~ISO IR87", MSH-20
 * "ISO 2022-1994", segments ended by CR, the whole file in ISO-2022-JP; PID-5 repeats the name as kanji (^L^I)
 * and kana (^L^P). Written types: ADT-00 (ADT^A08 with AL1 and blood group OBX), ADT-61 (ADT^A60 with IAM),
 * PPR-01 (PPR^ZD1, every diagnosis in one file), OMP-01 and OMP-02 (RDE^O11: ORC, RXE, TQ1, RXR per Rp),
 * OML-11 (OUL^R22: SPM, OBR, ORC, OBX), ADT-22/42/52 (ADT^A01/A02/A03 with PV1-3 ward^room^bed).
 * Some demographics have an older version (an earlier time stamp), some orders a later version with condition
 * flag 0 (deleted). Text is escaped (\F\ \S\ \R\ \E\ \T\) where it holds a delimiter (units such as 10^3/uL).
 */
#include "synth_int.h"

#include <stdio.h>
#include <string.h>

#define NO_ORDER "999999999999999"

/* ---- segments ------------------------------------------------------------------------------------------------ */

struct seg {
	struct buf *b;
	int field;
};

static void seg_begin(struct seg *s, struct buf *b, const char *name)
{
	s->b = b;
	s->field = 0;
	buf_adds(b, name);
}

static void seg_to(struct seg *s, int n)
{
	while (s->field < n) {
		buf_addch(s->b, '|');
		s->field++;
	}
}

/* Field n as raw HL7 (components already delimited). */
static void seg_raw(struct seg *s, int n, const char *fmt, ...) LB_PRINTF(3, 4);
static void seg_raw(struct seg *s, int n, const char *fmt, ...)
{
	seg_to(s, n);
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(s->b, fmt, ap);
	va_end(ap);
}

static void seg_end(struct seg *s)
{
	buf_addch(s->b, '\r');
}

/* Append text with HL7 escapes. */
static void esc(struct buf *b, const char *t)
{
	for (; t && *t; t++) {
		switch (*t) {
		case '|':
			buf_adds(b, "\\F\\");
			break;
		case '^':
			buf_adds(b, "\\S\\");
			break;
		case '~':
			buf_adds(b, "\\R\\");
			break;
		case '\\':
			buf_adds(b, "\\E\\");
			break;
		case '&':
			buf_adds(b, "\\T\\");
			break;
		default:
			buf_addch(b, *t);
		}
	}
}

/* A temporary escaped copy (valid until the next call with the same slot). */
static const char *E(int slot, const char *t)
{
	static struct buf tmp[4];
	buf_reset(&tmp[slot]);
	esc(&tmp[slot], t);
	return buf_cstr(&tmp[slot]);
}

/* Time stamps into the caller's buffer of n bytes: callers pass sizeof of their own array, never a size of ours
 * (a helper that assumed 16 bytes once wrote into a 9-byte array, which release builds abort on). */
static void ts14(char *out, size_t n, int64_t day, int hh, int mm, int ss)
{
	int y, m, d;
	lb_civil_from_days(day, &y, &m, &d);
	snprintf(out, n, "%04d%02d%02d%02d%02d%02d", y, m, d, hh % 24, mm % 60, ss % 60);
}

static void ymd(char *out, size_t n, int64_t day)
{
	int y, m, d;
	lb_civil_from_days(day, &y, &m, &d);
	snprintf(out, n, "%04d%02d%02d", y, m, d);
}

static void msh(struct synth_ctx *c, struct buf *b, const char *pid, const char *ts, const char *type)
{
	struct seg s;
	seg_begin(&s, b, "MSH|^~\\&");
	s.field = 2;
	seg_raw(&s, 3, "LIFEBOAT");
	seg_raw(&s, 4, "SYNTH");
	seg_raw(&s, 5, "GW");
	seg_raw(&s, 6, "RCV");
	seg_raw(&s, 7, "%s", ts);
	seg_raw(&s, 9, "%s", type);
	seg_raw(&s, 10, "%s%06lld", pid, (long long)(++c->ctrl % 1000000));
	seg_raw(&s, 11, "P");
	seg_raw(&s, 12, "2.5");
	seg_raw(&s, 18, "~ISO IR87");
	seg_raw(&s, 20, "ISO 2022-1994");
	seg_raw(&s, 21, "SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO");
	seg_end(&s);
}

static void evn(struct buf *b, const char *ts)
{
	buf_addf(b, "EVN||%.12s\r", ts);
}

static void pid_seg(struct buf *b, const struct synth_patient *pt, const struct synth_person *p, const char *updated)
{
	struct seg s;
	seg_begin(&s, b, "PID");
	seg_raw(&s, 1, "0001");
	seg_raw(&s, 3, "%s^^^^PI", pt->id);
	seg_raw(&s, 5, "%s^%s^^^^^L^I~%s^%s^^^^^L^P", E(0, p->family), E(1, p->given), E(2, p->family_kana),
	        E(3, p->given_kana));
	seg_raw(&s, 7, "%04d%02d%02d", p->by, p->bm, p->bd);
	seg_raw(&s, 8, "%c", p->sex);
	seg_raw(&s, 11, "^^^^%s^JPN^H^%s", p->postal, E(0, p->address));
	seg_to(&s, 13);
	int rep = 0;
	if (p->phone_home[0]) {
		buf_addf(b, "^PRN^PH^^^^^^^^^%s", p->phone_home);
		rep = 1;
	}
	if (p->phone_mobile[0])
		buf_addf(b, "%s^PRN^CP^^^^^^^^^%s", rep ? "~" : "", p->phone_mobile);
	if (updated)
		seg_raw(&s, 33, "%s", updated);
	seg_end(&s);
}

static void doctor(struct buf *b, const struct synth_doctor *d)
{
	buf_addf(b, "%s^%s^%s^^^^^^^L^^^^^I", d->id, d->family, d->given);
}

static void pv1(struct synth_ctx *c, struct buf *b, const struct synth_patient *pt, int dept,
                const struct synth_doctor *doc, int inpatient)
{
	struct seg s;
	seg_begin(&s, b, "PV1");
	seg_raw(&s, 1, "0001");
	int32_t slot = c->bed_of[pt->index];
	if (inpatient && slot >= 0 && pt->nstay) {
		char w[SYNTH_WARD_NAME_MAX], r[16], bd[16];
		synth_ward_bed(c, &pt->stay[0].bed, w, sizeof(w), r, sizeof(r), bd, sizeof(bd));
		seg_raw(&s, 2, "I");
		seg_raw(&s, 3, "%s^%s^%s^^^N", w, r, bd);
	} else {
		seg_raw(&s, 2, inpatient ? "I" : "O");
		if (dept >= 0)
			seg_raw(&s, 3, "%s^^^^^C", synth_depts[dept].code);
	}
	if (doc) {
		seg_to(&s, 7);
		doctor(b, doc);
	}
	if (dept >= 0)
		seg_raw(&s, 10, "%s", synth_depts[dept].code);
	seg_end(&s);
}

/* ---- files --------------------------------------------------------------------------------------------------- */

static int type_index(const char *type)
{
	for (int i = 0; ehr_synth_type_names[i]; i++)
		if (!strcmp(ehr_synth_type_names[i], type))
			return i;
	return -1;
}

/* Characters outside JIS X 0208 that CP932 systems write anyway (～ is not one: it is JIS 0x2141 read the CP932
 * way, so its bytes are standard). */
static int has_quirk(const char *s)
{
	return strstr(s, "髙") || strstr(s, "﨑") || strstr(s, "①");
}

/* Encode c->msg and write it as one SS-MIX2 file. date_day < 0 means the "-" folder. */
static int emit(struct synth_ctx *c, const struct synth_patient *pt, int64_t date_day, const char *type,
                const char *order, const char *ts17, const char *dept, int flag)
{
	char date[16] = "-";
	if (date_day >= 0)
		ymd(date, sizeof(date), date_day);
	buf_reset(&c->enc);
	size_t bad = text_encode_iso2022jp(&c->enc, c->msg.data, c->msg.len);
	if (bad)
		return lb_error_tr(LB_EINTERNAL, "synthetic message for '%s' has %zu characters outside ISO-2022-JP",
		                   "'%s' の合成メッセージに ISO-2022-JP で表せない文字が %zu 個あります", pt->id, bad);
	char dir[512], name[128];
	snprintf(dir, sizeof(dir), "%s/%.3s/%.3s/%s/%s/%s", c->root, pt->id, pt->id + 3, pt->id, date, type);
	snprintf(name, sizeof(name), "%s_%s_%s_%s_%s_%s_%d", pt->id, date, type, order, ts17, dept ? dept : "-", flag);
	int rc = synth_write_file(c, dir, name, c->enc.data, c->enc.len);
	if (rc < 0)
		return rc;
	c->st->ssmix2_files++;
	if (!flag)
		c->st->ssmix2_deleted++;
	if (has_quirk(c->msg.data))
		c->st->ssmix2_quirks++;
	int ti = type_index(type);
	if (ti >= 0)
		c->st->by_type[ti]++;
	return 0;
}

static const char *allergy_type(enum ehr_allergy_kind k)
{
	return k == EHR_ALLERGY_DRUG   ? "DA^薬剤アレルギー^HL70127"
	       : k == EHR_ALLERGY_FOOD ? "FA^食物アレルギー^HL70127"
	                               : "MA^その他アレルギー^HL70127";
}

static const char *severity_code(const char *sev)
{
	return !strcmp(sev, "severe")     ? "SV^重度^HL70128"
	       : !strcmp(sev, "moderate") ? "MO^中等度^HL70128"
	                                  : "MI^軽度^HL70128";
}

static const char *reaction_text(const struct synth_patient *pt, int i, char *tmp, size_t n)
{
	if (pt->allergy_quirk && i == 0) {
		snprintf(tmp, n, "%s～掻痒感", pt->allergy[i].reaction);
		return tmp;
	}
	return pt->allergy[i].reaction;
}

static int write_adt00(struct synth_ctx *c, const struct synth_patient *pt, const struct synth_person *p, int64_t day,
                       int hh, int mm, int ss, int ms)
{
	char ts[24], ts17[40];
	ts14(ts, sizeof(ts), day, hh, mm, ss);
	snprintf(ts17, sizeof(ts17), "%s%03d", ts, ms);
	struct buf *b = &c->msg;
	buf_reset(b);
	msh(c, b, pt->id, ts, "ADT^A08^ADT_A01");
	evn(b, ts);
	pid_seg(b, pt, p, ts);
	int in = c->bed_of[pt->index] >= 0 && pt->nstay && !pt->stay[0].discharge && pt->stay[0].admit <= day;
	pv1(c, b, pt, -1, NULL, in);
	buf_addf(b, "OBX|1|CWE|5H010000001999911^血液型-ABO式^JC10||%s^%s型^JSHR002||||||F\r", p->blood_abo,
	         p->blood_abo);
	buf_addf(b, "OBX|2|CWE|5H020000001999911^血液型-Rh式^JC10||%s^Rh(D)%s^JSHR002||||||F\r", p->blood_rh,
	         p->blood_rh[0] == '+' ? "陽性" : "陰性");
	for (int i = 0; i < pt->nallergy; i++) {
		const struct synth_allergy *a = &pt->allergy[i];
		char d[16], tmp[96];
		ymd(d, sizeof(d), a->recorded);
		buf_addf(b, "AL1|%d|%s|%s^%s^%s|%s|%s|%s\r", i + 1, allergy_type(a->a->kind), a->a->code,
		         E(0, a->a->name), a->a->system, severity_code(a->severity),
		         E(1, reaction_text(pt, i, tmp, sizeof(tmp))), d);
	}
	return emit(c, pt, -1, "ADT-00", NO_ORDER, ts17, "-", 1);
}

static int write_adt61(struct synth_ctx *c, const struct synth_patient *pt)
{
	if (!pt->nallergy)
		return 0;
	int64_t day = pt->allergy[0].recorded;
	for (int i = 1; i < pt->nallergy; i++)
		if (pt->allergy[i].recorded > day)
			day = pt->allergy[i].recorded;
	char ts[24], ts17[40];
	ts14(ts, sizeof(ts), day, 10, (int)(pt->index % 60), (int)(pt->index / 60 % 60));
	snprintf(ts17, sizeof(ts17), "%s000", ts);
	struct buf *b = &c->msg;
	buf_reset(b);
	msh(c, b, pt->id, ts, "ADT^A60^ADT_A60");
	evn(b, ts);
	pid_seg(b, pt, &pt->p, NULL);
	for (int i = 0; i < pt->nallergy; i++) {
		const struct synth_allergy *a = &pt->allergy[i];
		char d[16], tmp[96];
		ymd(d, sizeof(d), a->recorded);
		buf_addf(b, "IAM|%d|%s|%s^%s^%s|%s|%s|A^追加^HL70323|%s-AL%d||||%s||%s1000\r", i + 1,
		         allergy_type(a->a->kind), a->a->code, E(0, a->a->name), a->a->system,
		         severity_code(a->severity), E(1, reaction_text(pt, i, tmp, sizeof(tmp))), pt->id, i + 1, d, d);
	}
	return emit(c, pt, -1, "ADT-61", NO_ORDER, ts17, "-", 1);
}

static int write_ppr01(struct synth_ctx *c, const struct synth_patient *pt)
{
	if (!pt->ndx)
		return 0;
	int64_t day = 0;
	for (int i = 0; i < pt->ndx; i++) {
		int64_t d = pt->dx[i].end ? pt->dx[i].end : pt->dx[i].start;
		if (d > day)
			day = d;
	}
	char ts[24], ts17[40];
	ts14(ts, sizeof(ts), day, 17, (int)(pt->index % 60), 30);
	snprintf(ts17, sizeof(ts17), "%s000", ts);
	struct buf *b = &c->msg;
	buf_reset(b);
	msh(c, b, pt->id, ts, "PPR^ZD1^PPR_ZD1");
	pid_seg(b, pt, &pt->p, NULL);
	for (int i = 0; i < pt->ndx; i++) {
		const struct synth_diag *g = &pt->dx[i];
		char st[16], en[16] = "";
		ymd(st, sizeof(st), g->start);
		if (g->end)
			ymd(en, sizeof(en), g->end);
		struct seg s;
		seg_begin(&s, b, "PRB");
		seg_raw(&s, 1, "AD");
		seg_raw(&s, 2, "%s", ts);
		seg_raw(&s, 3, "%s^%s^MDCDX2", g->dx->medis, g->dx->name);
		seg_raw(&s, 4, "%s-DX%d", pt->id, i + 1);
		seg_raw(&s, 7, "%s", st);
		if (g->end)
			seg_raw(&s, 9, "%s", en);
		seg_raw(&s, 10, "%s^^I10", g->dx->icd10);
		if (g->end)
			seg_raw(&s, 14, "R^回復^HL70241");
		seg_raw(&s, 16, "%s", st);
		seg_raw(&s, 18, g->main ? "1^主診断^JHSD0007" : "3^副診断^JHSD0007");
		seg_end(&s);
	}
	return emit(c, pt, -1, "PPR-01", NO_ORDER, ts17, "-", 1);
}

static const char *unit_code(const char *u)
{
	static const struct {
		const char *u, *code;
	} t[] = {{"mg", "MG"}, {"g", "G"}, {"mL", "ML"}, {"錠", "TAB"}, {"単位", "U"}, {"μg", "UG"}};
	for (size_t i = 0; i < LB_ARRAY_LEN(t); i++)
		if (!strcmp(t[i].u, u))
			return t[i].code;
	return "ZZ";
}

static const char *form_code(const char *f)
{
	return !strcmp(f, "錠") ? "TAB" : !strcmp(f, "カプセル") ? "CAP" : !strcmp(f, "注") ? "INJ" : "PWD";
}

static const char *freq_code(int per_day)
{
	static const char *const codes[] = {"1050110020000000", "1011000400000000", "1012040400000000",
	                                    "1013044400000000", "1014044400000000"};
	return codes[per_day >= 0 && per_day <= 4 ? per_day : 0];
}

static int write_order(struct synth_ctx *c, const struct synth_patient *pt, const struct synth_order *o, int deleted)
{
	const char *type = o->injection ? "OMP-02" : "OMP-01";
	char ts[24], ts17[40];
	int64_t day = o->day + (deleted ? 1 : 0);
	ts14(ts, sizeof(ts), day, o->hh, o->mm, o->ss);
	snprintf(ts17, sizeof(ts17), "%s%03d", ts, o->ms);
	struct buf *b = &c->msg;
	buf_reset(b);
	msh(c, b, pt->id, ts, "RDE^O11^RDE_O11");
	pid_seg(b, pt, &pt->p, NULL);
	pv1(c, b, pt, o->dept, o->doc, o->inpatient);
	char start[16];
	ymd(start, sizeof(start), o->day);
	for (int k = 0; k < o->nrp; k++) {
		const struct synth_rp *rp = &o->rp[k];
		const struct synth_drug *d = rp->drug;
		struct seg s;
		seg_begin(&s, b, "ORC");
		seg_raw(&s, 1, deleted ? "CA" : "NW");
		seg_raw(&s, 2, "%s", o->no);
		seg_raw(&s, 4, "%d", k + 1);
		seg_raw(&s, 9, "%s", ts);
		seg_to(&s, 12);
		doctor(b, o->doc);
		seg_raw(&s, 17, "%s^%s^99Z01", synth_depts[o->dept].code, synth_depts[o->dept].name);
		seg_raw(&s, 21, "静岡県立ライフボート病院");
		seg_raw(&s, 29, o->inpatient ? "I^入院患者オーダ^HL70482" : "O^外来患者オーダ^HL70482");
		seg_end(&s);
		const char *uc = unit_code(d->unit);
		seg_begin(&s, b, "RXE");
		seg_raw(&s, 2, "%s^%s^HOT9", d->code, E(0, d->name));
		seg_raw(&s, 3, "%g", rp->dose);
		seg_raw(&s, 5, "%s^%s^MR9P", uc, d->unit);
		seg_raw(&s, 6, "%s^%s^MR9P", form_code(d->form), d->form);
		seg_raw(&s, 10, "%g", rp->dose * rp->per_day * (rp->days ? rp->days : 1));
		seg_raw(&s, 11, "%s^%s^MR9P", uc, d->unit);
		seg_raw(&s, 15, "%s%02d", o->no, k + 1);
		seg_raw(&s, 19, "%g^%s&%s&MR9P", rp->dose * rp->per_day, uc, d->unit);
		seg_raw(&s, 21,
		        o->injection   ? "IHI^院内注射^MR9P"
		        : o->inpatient ? "IHP^入院処方^MR9P"
		                       : "OHP^外来処方^MR9P");
		seg_end(&s);
		seg_begin(&s, b, "TQ1");
		seg_raw(&s, 1, "1");
		seg_raw(&s, 3, "%s&%s%s&JAMISDP01", freq_code(rp->per_day), rp->quirk ? "①" : "", E(0, d->freq));
		seg_raw(&s, 6, "%d^d", rp->days);
		seg_raw(&s, 7, "%s", start);
		if (rp->days) {
			char end[16];
			ymd(end, sizeof(end), o->day + rp->days - 1);
			seg_raw(&s, 8, "%s", end);
		}
		seg_end(&s);
		buf_addf(b, "RXR|%s^%s^HL70162\r", d->route_code, d->route);
	}
	return emit(c, pt, o->day, type, o->no, ts17, synth_depts[o->dept].code, deleted ? 0 : 1);
}

static int write_lab(struct synth_ctx *c, const struct synth_patient *pt, const struct synth_labset *ls)
{
	char ts[24], ts17[40], coll[24], day[16];
	ts14(coll, sizeof(coll), ls->day, ls->hh, ls->mm, 0);
	ts14(ts, sizeof(ts), ls->day, ls->hh + 2, ls->mm, 30);
	snprintf(ts17, sizeof(ts17), "%s000", ts);
	ymd(day, sizeof(day), ls->day);
	struct buf *b = &c->msg;
	buf_reset(b);
	msh(c, b, pt->id, ts, "OUL^R22^OUL_R22");
	pid_seg(b, pt, &pt->p, NULL);
	pv1(c, b, pt, ls->dept, NULL, ls->inpatient);
	buf_addf(b, "SPM|1|%s||023^血清^JC10|||||||||||||%.12s\r", ls->no, coll);
	struct seg s;
	seg_begin(&s, b, "OBR");
	seg_raw(&s, 1, "1");
	seg_raw(&s, 2, "%s", ls->no);
	seg_raw(&s, 3, "%s", ls->no);
	seg_raw(&s, 4, "E001^生化学・血液学検査^99O03");
	seg_raw(&s, 7, "%.12s", coll);
	seg_to(&s, 16);
	doctor(b, ls->doc);
	seg_raw(&s, 22, "%s", ts);
	seg_end(&s);
	seg_begin(&s, b, "ORC");
	seg_raw(&s, 1, "SC");
	seg_raw(&s, 2, "%s", ls->no);
	seg_raw(&s, 3, "%s", ls->no);
	seg_raw(&s, 5, "CM");
	seg_raw(&s, 9, "%s", ts);
	seg_to(&s, 12);
	doctor(b, ls->doc);
	seg_raw(&s, 17, "%s^%s^99Z01", synth_depts[ls->dept].code, synth_depts[ls->dept].name);
	seg_raw(&s, 29, ls->inpatient ? "I^入院患者オーダ^HL70482" : "O^外来患者オーダ^HL70482");
	seg_end(&s);
	for (int i = 0; i < ls->n; i++) {
		const struct synth_lab *lab = ls->item[i].lab;
		seg_begin(&s, b, "OBX");
		seg_raw(&s, 1, "%d", i + 1);
		seg_raw(&s, 2, "NM");
		seg_raw(&s, 3, "%s^%s^JC10", lab->code, E(0, lab->name));
		seg_raw(&s, 5, "%s", ls->item[i].value);
		if (lab->unit[0])
			seg_raw(&s, 6, "%s^%s^99Z02", E(1, lab->unit), E(2, lab->unit));
		seg_raw(&s, 7, "%s", ls->item[i].range);
		if (ls->item[i].flag)
			seg_raw(&s, 8, "%s", ls->item[i].flag);
		seg_raw(&s, 11, "F");
		seg_raw(&s, 14, "%.12s", coll);
		seg_end(&s);
	}
	return emit(c, pt, ls->day, "OML-11", ls->no, ts17, synth_depts[ls->dept].code, 1);
}

static void loc(const struct synth_ctx *c, const struct synth_bed *bd, struct buf *b)
{
	char w[SYNTH_WARD_NAME_MAX], r[16], x[16];
	synth_ward_bed(c, bd, w, sizeof(w), r, sizeof(r), x, sizeof(x));
	buf_addf(b, "%s^%s^%s^^^N", w, r, x);
}

static int write_adt_event(struct synth_ctx *c, const struct synth_patient *pt, const struct synth_stay *st, int kind)
{
	static const char *const types[] = {"ADT-22", "ADT-42", "ADT-52"};
	static const char *const msgs[] = {"ADT^A01^ADT_A01", "ADT^A02^ADT_A02", "ADT^A03^ADT_A03"};
	int64_t day = kind == 0 ? st->admit : kind == 1 ? st->transfer : st->discharge;
	int hh = kind == 0 ? st->admit_hh : kind == 1 ? st->tr_hh : st->dis_hh;
	int mm = kind == 0 ? st->admit_mm : kind == 1 ? st->tr_mm : st->dis_mm;
	char ts[24], ts17[40], adm[24];
	ts14(ts, sizeof(ts), day, hh, mm, 0);
	ts14(adm, sizeof(adm), st->admit, st->admit_hh, st->admit_mm, 0);
	snprintf(ts17, sizeof(ts17), "%s%03d", ts, (int)(pt->index % 1000));
	struct buf *b = &c->msg;
	buf_reset(b);
	msh(c, b, pt->id, ts, msgs[kind]);
	evn(b, ts);
	pid_seg(b, pt, &pt->p, NULL);
	struct seg s;
	seg_begin(&s, b, "PV1");
	seg_raw(&s, 1, "0001");
	seg_raw(&s, 2, "I");
	seg_to(&s, 3);
	loc(c, kind == 0 && st->transferred ? &st->first : &st->bed, b);
	if (kind == 1) {
		seg_to(&s, 6);
		loc(c, &st->first, b);
	}
	seg_to(&s, 7);
	doctor(b, st->doc);
	seg_raw(&s, 10, "%s", synth_depts[st->dept].code);
	seg_to(&s, 17);
	doctor(b, st->doc);
	seg_raw(&s, 19, "%s", st->visit);
	seg_raw(&s, 44, "%.12s", adm);
	if (kind == 2)
		seg_raw(&s, 45, "%.12s", ts);
	seg_end(&s);
	return emit(c, pt, day, types[kind], NO_ORDER, ts17, synth_depts[st->dept].code, 1);
}

int synth_hl7_patient(struct synth_ctx *c, const struct synth_patient *pt)
{
	int rc = 0;
	if (pt->has_old)
		rc = write_adt00(c, pt, &pt->old, pt->registered, 9, 0, 0, 0);
	if (rc == 0 && pt->has_old)
		c->st->ssmix2_updated++;
	if (rc == 0)
		rc = write_adt00(c, pt, &pt->p, pt->updated, pt->upd_hh, pt->upd_mm, pt->upd_ss, pt->upd_ms);
	if (rc == 0)
		rc = write_adt61(c, pt);
	if (rc == 0)
		rc = write_ppr01(c, pt);
	for (int i = 0; rc == 0 && i < pt->norder; i++) {
		rc = write_order(c, pt, &pt->order[i], 0);
		if (rc == 0 && pt->order[i].cancelled)
			rc = write_order(c, pt, &pt->order[i], 1);
	}
	for (int i = 0; rc == 0 && i < pt->nlab; i++)
		rc = write_lab(c, pt, &pt->lab[i]);
	for (int i = 0; rc == 0 && i < pt->nstay; i++) {
		const struct synth_stay *st = &pt->stay[i];
		rc = write_adt_event(c, pt, st, 0);
		if (rc == 0 && st->transferred)
			rc = write_adt_event(c, pt, st, 1);
		if (rc == 0 && st->discharge)
			rc = write_adt_event(c, pt, st, 2);
	}
	return rc;
}
