/*
 * synth_model.c - one patient of the synthetic hospital, drawn from its own PRNG stream: demographics, allergies,
 * diagnoses by age and sex, the prescriptions they call for (never a drug of a class the patient is allergic to),
 * stays with wards, beds and transfers, injections, laboratory sets with H/L flags, and bookings.
 */
#include "synth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct synth_bed bed_of_slot(int32_t slot, const struct synth_ctx *c)
{
	struct synth_bed b;
	b.ward = slot / SYNTH_WARD_SLOTS;
	int s = slot % SYNTH_WARD_SLOTS;
	b.room = c->wards[b.ward].floor * 100 + s / 4 + 1;
	b.bed = s % 4 + 1;
	return b;
}

/* A bed of ward w (for past stays and the bed before a transfer). */
static struct synth_bed any_bed(const struct synth_ctx *c, struct synth_rng *r, int w)
{
	return bed_of_slot(w * SYNTH_WARD_SLOTS + (int32_t)synth_below(r, (uint32_t)c->wards[w].beds), c);
}

/* ---- one patient --------------------------------------------------------------------------------------------- */

/* Age in completed months on day (lb_age_months; -1 before the birth). */
static int months_at(const struct synth_person *p, int64_t day)
{
	int y, m, d;
	lb_civil_from_days(day, &y, &m, &d);
	return lb_age_months(p->by, p->bm, p->bd, y, m, d);
}

static int age_at(const struct synth_person *p, int64_t day)
{
	int months = months_at(p, day);
	return months < 0 ? -1 : months / 12;
}

/* Is the drug's age limit kept at month age a? */
static int age_allows(const struct synth_drug *d, int a)
{
	int lo = 0, below = 0;
	if (d->min_age && ehr_age_limit_parse(d->min_age, 0, &lo) < 0)
		lo = 0;
	if (d->max_age && ehr_age_limit_parse(d->max_age, 1, &below) < 0)
		below = 0;
	return a >= lo && (!below || a < below);
}

/* A drug the patient must not get: a class they are allergic to, or outside its age limits on the days from, to. */
static int avoided_on(const struct synth_patient *pt, const struct synth_drug *d, int64_t from, int64_t to)
{
	if ((d->min_age || d->max_age) &&
	    (!age_allows(d, months_at(&pt->p, from)) || !age_allows(d, months_at(&pt->p, to))))
		return 1;
	if (!d->allergy)
		return 0;
	for (int i = 0; i < pt->nallergy; i++)
		if (pt->allergy[i].a->avoid && strstr(d->allergy, pt->allergy[i].a->avoid))
			return 1;
	return 0;
}

/* The first of a diagnosis' usual drugs the patient may take from day from to day to (random start), or NULL. */
static const struct synth_drug *drug_for(struct synth_rng *r, const struct synth_patient *pt, const struct synth_dx *dx,
                                         int64_t from, int64_t to)
{
	int n = 0;
	while (n < 3 && dx->drugs[n])
		n++;
	if (!n)
		return NULL;
	int k = (int)synth_below(r, (uint32_t)n);
	for (int j = 0; j < n; j++) {
		const struct synth_drug *d = synth_drug_by_code(dx->drugs[(k + j) % n]);
		if (d && !avoided_on(pt, d, from, to))
			return d;
	}
	return NULL;
}

static void order_no(char *out, size_t n, struct synth_rng *r, int64_t day, long idx, int k)
{
	int y, m, d;
	lb_civil_from_days(day, &y, &m, &d);
	/* 15 digits: yymmdd, 7 digits of patient index, 2 of sequence (unique per patient) */
	(void)r;
	snprintf(out, n, "%02d%02d%02d%07ld%02d", y % 100, m, d, idx % 10000000, k % 100);
}

static void add_rp(struct synth_order *o, struct synth_rng *r, const struct synth_drug *d, int days)
{
	if (!d || o->nrp >= SYNTH_MAX_RP)
		return;
	for (int i = 0; i < o->nrp; i++)
		if (o->rp[i].drug == d)
			return;
	struct synth_rp *rp = &o->rp[o->nrp++];
	rp->drug = d;
	rp->dose = d->dose;
	if (!d->injection && synth_chance(r, 0.1) && d->dose * 2 * d->per_day <= d->max_daily)
		rp->dose = d->dose * 2;
	rp->per_day = d->per_day;
	rp->days = days;
	rp->quirk = synth_chance(r, 0.01);
}

static void draw_allergies(struct synth_rng *r, struct synth_patient *pt, int64_t today)
{
	if (!synth_chance(r, 0.15))
		return;
	uint32_t w[64];
	for (size_t i = 0; i < synth_allergen_count; i++)
		w[i] = synth_allergens[i].weight;
	int want = synth_chance(r, 0.8) ? 1 : synth_chance(r, 0.85) ? 2 : 3;
	for (int k = 0; k < want; k++) {
		const struct synth_allergen *a = &synth_allergens[synth_weighted(r, w, synth_allergen_count)];
		int dup = 0;
		for (int j = 0; j < pt->nallergy; j++)
			dup |= pt->allergy[j].a == a;
		if (dup)
			continue;
		struct synth_allergy *al = &pt->allergy[pt->nallergy++];
		al->a = a;
		al->reaction = synth_reactions[synth_below(r, (uint32_t)synth_reaction_count)];
		static const char *const sev[] = {"severe", "moderate", "mild"};
		static const uint32_t sevw[] = {20, 45, 35};
		al->severity = !strcmp(al->reaction, "アナフィラキシー") ? "severe" : sev[synth_weighted(r, sevw, 3)];
		al->recorded = today - synth_range(r, 30, 3650);
		if (al->recorded < pt->registered)
			al->recorded = pt->registered;
	}
	pt->allergy_quirk = synth_chance(r, 0.02);
}

static void draw_diagnoses(struct synth_rng *r, struct synth_patient *pt, int64_t today, const struct synth_dx *adm)
{
	int age = age_at(&pt->p, today);
	int want = age < 20 ? synth_range(r, 0, 1) : age < 50 ? synth_range(r, 0, 2) : synth_range(r, 1, 4);
	if (adm) {
		pt->dx[pt->ndx].dx = adm;
		pt->dx[pt->ndx].start = today - synth_range(r, 1, 40);
		pt->dx[pt->ndx].main = 1;
		pt->ndx++;
	}
	uint32_t w[64];
	for (size_t i = 0; i < synth_dx_count; i++) {
		const struct synth_dx *d = &synth_dxs[i];
		w[i] = age >= d->min_age && (!d->sex || d->sex == pt->p.sex) &&
		                       !(d->sex == 'F' && d->icd10[0] == 'O' && age > 42)
		               ? d->weight
		               : 0;
		if (!strcmp(d->icd10, "J00") && age < 15)
			w[i] += 200;
	}
	for (int k = 0; k < 8 && pt->ndx < want + (adm != NULL) && pt->ndx < SYNTH_MAX_DX; k++) {
		uint64_t sum = 0;
		for (size_t i = 0; i < synth_dx_count; i++)
			sum += w[i];
		if (!sum)
			break;
		size_t i = synth_weighted(r, w, synth_dx_count);
		w[i] = 0;
		const struct synth_dx *d = &synth_dxs[i];
		if (d == adm)
			continue;
		struct synth_diag *g = &pt->dx[pt->ndx++];
		g->dx = d;
		int64_t birth = lb_days_from_civil(pt->p.by, pt->p.bm, pt->p.bd);
		if (d->chronic) {
			g->start = today - synth_range(r, 30, 3650);
		} else {
			g->start = today - synth_range(r, 3, 720);
			int64_t end = g->start + synth_range(r, 7, 45);
			g->end = end < today ? end : 0;
		}
		if (g->start <= birth)
			g->start = birth + 1;
		if (!adm && pt->ndx == 1)
			g->main = 1;
	}
}

static void draw_orders(struct synth_rng *r, struct synth_patient *pt, int64_t today, long idx)
{
	static const int spans[] = {28, 56, 84, 90};
	/* chronic medicines: back-to-back visits ending with an active order */
	struct synth_order chronic = {0};
	int dept = -1;
	for (int i = 0; i < pt->ndx; i++) {
		const struct synth_dx *dx = pt->dx[i].dx;
		if (!dx->chronic || pt->dx[i].end)
			continue;
		if (dept < 0)
			dept = dx->dept;
		add_rp(&chronic, r, drug_for(r, pt, dx, today - 240, today + 90), 0); /* the visits below */
	}
	if (chronic.nrp) {
		int64_t day = today - synth_range(r, 1, 60);
		int visits = synth_range(r, 1, 3);
		for (int v = 0; v < visits && pt->norder < SYNTH_MAX_ORDERS - 3; v++) {
			int days = spans[synth_below(r, 4)];
			if (v == 0 && day + days <= today)
				days = 90;
			struct synth_order *o = &pt->order[pt->norder++];
			*o = chronic;
			o->day = day;
			o->dept = dept;
			for (int k = 0; k < o->nrp; k++)
				o->rp[k].days = days;
			if (day < pt->registered)
				pt->registered = day - 1;
			day -= spans[synth_below(r, 4)];
		}
	}
	/* acute diagnoses: a short course at their start */
	for (int i = 0; i < pt->ndx && pt->norder < SYNTH_MAX_ORDERS - 2; i++) {
		const struct synth_dx *dx = pt->dx[i].dx;
		if (dx->chronic)
			continue;
		const struct synth_drug *d = drug_for(r, pt, dx, pt->dx[i].start, pt->dx[i].start + 7);
		if (!d || d->injection)
			continue;
		struct synth_order *o = &pt->order[pt->norder++];
		memset(o, 0, sizeof(*o));
		o->day = pt->dx[i].start;
		o->dept = dx->dept;
		add_rp(o, r, d, synth_range(r, 5, 7));
	}
	for (int i = 0; i < pt->norder; i++) {
		struct synth_order *o = &pt->order[i];
		o->hh = synth_range(r, 9, 16);
		o->mm = synth_range(r, 0, 59);
		o->ss = synth_range(r, 0, 59);
		o->ms = synth_range(r, 0, 999);
		o->doc = synth_doctor_of(r, o->dept);
		o->cancelled = synth_chance(r, 0.04);
		order_no(o->no, sizeof(o->no), r, o->day, idx, i);
	}
}

static void draw_stay(struct synth_ctx *c, struct synth_rng *r, struct synth_patient *pt, int64_t today, int32_t slot,
                      int current)
{
	struct synth_stay *s = &pt->stay[pt->nstay++];
	if (current) {
		s->bed = bed_of_slot(slot, c);
		s->admit = today - synth_range(r, 0, 30);
	} else {
		s->bed = any_bed(c, r, (int)synth_below(r, (uint32_t)c->nwards));
		s->admit = today - synth_range(r, 60, 1500);
		s->discharge = s->admit + synth_range(r, 3, 30);
		s->dis_hh = synth_range(r, 10, 15);
		s->dis_mm = synth_range(r, 0, 59);
	}
	s->admit_hh = synth_range(r, 9, 18);
	s->admit_mm = synth_range(r, 0, 59);
	s->first = s->bed;
	int64_t end = s->discharge ? s->discharge : today;
	if (end - s->admit >= 2 && synth_chance(r, 0.15)) {
		s->transferred = 1;
		s->first = any_bed(c, r, (s->bed.ward + 1) % c->nwards);
		s->transfer = s->admit + synth_range(r, 1, (int)(end - s->admit) - 1);
		s->tr_hh = synth_range(r, 9, 17);
		s->tr_mm = synth_range(r, 0, 59);
	}
	s->dept = c->wards[s->bed.ward].dept;
	s->doc = synth_doctor_of(r, s->dept);
	int y, m, d;
	lb_civil_from_days(s->admit, &y, &m, &d);
	snprintf(s->visit, sizeof(s->visit), "V%02d%02d%02d%06ld", y % 100, m, d, pt->index % 1000000);
	if (s->admit < pt->registered)
		pt->registered = s->admit - 1;
}

static void draw_injections(struct synth_rng *r, struct synth_patient *pt, const struct synth_stay *s, int64_t today,
                            long idx)
{
	static const char *const basics[] = {"100008001", "100008101", "100000202", "100002201", "100003202"};
	int n = synth_range(r, 1, 3);
	int64_t end = s->discharge ? s->discharge : today;
	for (int k = 0; k < n && pt->norder < SYNTH_MAX_ORDERS; k++) {
		struct synth_order *o = &pt->order[pt->norder++];
		memset(o, 0, sizeof(*o));
		o->injection = 1;
		o->inpatient = 1;
		o->day = s->admit + synth_range(r, 0, (int)(end - s->admit));
		o->dept = s->dept;
		o->doc = s->doc;
		int days = synth_range(r, 1, 5);
		int m = synth_range(r, 1, 2);
		for (int j = 0; j < m; j++) {
			const struct synth_drug *d = synth_drug_by_code(basics[synth_below(r, LB_ARRAY_LEN(basics))]);
			if (d && !avoided_on(pt, d, o->day, o->day + days))
				add_rp(o, r, d, days);
		}
		if (!o->nrp) {
			pt->norder--;
			continue;
		}
		o->hh = synth_range(r, 8, 20);
		o->mm = synth_range(r, 0, 59);
		o->ss = synth_range(r, 0, 59);
		o->ms = synth_range(r, 0, 999);
		o->cancelled = synth_chance(r, 0.03);
		order_no(o->no, sizeof(o->no), r, o->day, idx, 40 + pt->norder);
	}
}

static void draw_lab(struct synth_rng *r, struct synth_patient *pt, int64_t day, int dept, int inpatient, long idx)
{
	if (pt->nlab >= SYNTH_MAX_LABS)
		return;
	struct synth_labset *ls = &pt->lab[pt->nlab];
	memset(ls, 0, sizeof(*ls));
	ls->day = day;
	ls->hh = synth_range(r, 8, 11);
	ls->mm = synth_range(r, 0, 59);
	ls->dept = dept;
	ls->doc = synth_doctor_of(r, dept);
	ls->inpatient = inpatient;
	order_no(ls->no, sizeof(ls->no), r, day, idx, 70 + pt->nlab);
	pt->nlab++;
	int diabetic = 0, warfarin = 0;
	for (int i = 0; i < pt->ndx; i++)
		diabetic |= !strcmp(pt->dx[i].dx->icd10, "E119");
	for (int i = 0; i < pt->norder; i++)
		for (int j = 0; j < pt->order[i].nrp; j++)
			warfarin |= strstr(pt->order[i].rp[j].drug->generic, "ワルファリン") != NULL;
	for (size_t i = 0; i < synth_lab_count && ls->n < 12; i++) {
		const struct synth_lab *lab = &synth_labs[i];
		int special = !strcmp(lab->code, "3D046000001906202") || !strcmp(lab->code, "3D010000002227101");
		if (special && !diabetic)
			continue;
		if (!strcmp(lab->code, "2B030000002327101") && !warfarin)
			continue;
		if (!special && i >= 4 && synth_chance(r, 0.25))
			continue;
		double lo = pt->p.sex == 'M' ? lab->lo_m : lab->lo_f, hi = pt->p.sex == 'M' ? lab->hi_m : lab->hi_f;
		double mid = (lo + hi) / 2, sd = (hi - lo) / 4;
		if (synth_chance(r, 0.12))
			mid += (synth_chance(r, 0.7) ? 1 : -1) * (hi - lo) * 0.8;
		if (diabetic && special)
			mid = hi * 1.2;
		if (warfarin && !strcmp(lab->code, "2B030000002327101"))
			mid = 2.4;
		double v = mid + synth_normal(r) * sd;
		if (v < 0)
			v = lo == 0 ? 0.01 : lo / 2;
		char vs[16], los[12], his[12];
		snprintf(vs, sizeof(vs), "%.*f", lab->decimals, v);
		snprintf(los, sizeof(los), "%.*f", lab->decimals, lo);
		snprintf(his, sizeof(his), "%.*f", lab->decimals, hi);
		double shown = strtod(vs, NULL);
		snprintf(ls->item[ls->n].value, sizeof(ls->item[0].value), "%s", vs);
		snprintf(ls->item[ls->n].range, sizeof(ls->item[0].range), "%s-%s", los, his);
		ls->item[ls->n].flag = shown > strtod(his, NULL) ? "H" : shown < strtod(los, NULL) ? "L" : NULL;
		ls->item[ls->n].lab = lab;
		ls->n++;
	}
}

static void draw_appointments(struct synth_rng *r, struct synth_patient *pt, int64_t today, int chronic)
{
	if (!synth_chance(r, chronic ? 0.4 : 0.08))
		return;
	int n = synth_chance(r, 0.15) ? 2 : 1;
	for (int k = 0; k < n; k++) {
		struct synth_appt *a = &pt->appt[pt->nappt];
		int64_t day = today + synth_range(r, 0, 27);
		int wd = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday: 0 = Sunday */
		if (wd == 0)
			day += 1;
		else if (wd == 6)
			day += 2;
		a->day = day;
		a->hh = synth_range(r, 8, 15);
		a->mm = (int)synth_below(r, 4) * 15;
		if (a->hh == 8 && a->mm < 30)
			a->mm = 30;
		a->dept = pt->ndx ? pt->dx[0].dx->dept : 0;
		a->doc = synth_doctor_of(r, a->dept);
		static const char *const kinds[] = {"再診", "検査", "初診", "処置", "予防接種"};
		static const uint32_t kw[] = {70, 15, 6, 6, 3};
		a->kind = kinds[synth_weighted(r, kw, 5)];
		a->status = synth_chance(r, 0.08) ? "cancelled" : "booked";
		if (day == today && synth_chance(r, 0.5) && strcmp(a->status, "cancelled"))
			a->status = "arrived";
		static const char *const notes[] = {NULL,         NULL,           NULL,
		                                    "検査前絶食", "紹介状持参",   "8:30～受付",
		                                    "車椅子",     "お薬手帳持参", "前回検査結果説明"};
		a->note = notes[synth_below(r, LB_ARRAY_LEN(notes))];
		snprintf(a->id, sizeof(a->id), "A%09ld%d", pt->index, k);
		pt->nappt++;
	}
}

static const struct synth_dx *admission_dx(struct synth_rng *r, const struct synth_patient *pt, int dept, int64_t today)
{
	const struct synth_dx *any[64], *own[64];
	size_t na = 0, no = 0;
	int age = age_at(&pt->p, today);
	for (size_t i = 0; i < synth_dx_count; i++) {
		const struct synth_dx *d = &synth_dxs[i];
		if (!d->inpatient || age < d->min_age || (d->sex && d->sex != pt->p.sex) ||
		    (d->icd10[0] == 'O' && age > 42))
			continue;
		any[na++] = d;
		if (d->dept == dept)
			own[no++] = d;
	}
	if (no)
		return own[synth_below(r, (uint32_t)no)];
	return na ? any[synth_below(r, (uint32_t)na)] : &synth_dxs[5];
}

void synth_patient_draw(struct synth_ctx *c, long i, struct synth_patient *pt)
{
	struct synth_rng r;
	synth_rng_seed(&r, c->o->seed, (uint64_t)i + 1);
	memset(pt, 0, sizeof(*pt));
	pt->index = i;
	snprintf(pt->id, sizeof(pt->id), "%010ld", 1000000L + i * 7 + (long)synth_below(&r, 7));
	synth_person_draw(&r, c->today, &pt->p);
	int64_t birth = lb_days_from_civil(pt->p.by, pt->p.bm, pt->p.bd);
	pt->registered = c->today - synth_range(&r, 30, 7300);
	if (pt->registered <= birth)
		pt->registered = birth + 1;
	draw_allergies(&r, pt, c->today);
	int32_t slot = c->bed_of[i];
	const struct synth_dx *adm = NULL;
	if (slot >= 0)
		adm = admission_dx(&r, pt, c->wards[slot / SYNTH_WARD_SLOTS].dept, c->today);
	draw_diagnoses(&r, pt, c->today, adm);
	draw_orders(&r, pt, c->today, i);
	if (slot >= 0)
		draw_stay(c, &r, pt, c->today, slot, 1);
	if (synth_chance(&r, 0.04))
		draw_stay(c, &r, pt, c->today, 0, 0);
	for (int s = 0; s < pt->nstay; s++) {
		struct synth_stay *st = &pt->stay[s];
		draw_injections(&r, pt, st, c->today, i);
		int64_t end = st->discharge ? st->discharge : c->today;
		int nl = synth_range(&r, 1, 3);
		for (int k = 0; k < nl; k++)
			draw_lab(&r, pt, st->admit + synth_range(&r, 0, (int)(end - st->admit)), st->dept, 1, i);
	}
	int chronic = 0;
	for (int k = 0; k < pt->norder; k++)
		if (!pt->order[k].injection && pt->nlab < SYNTH_MAX_LABS - 1 && synth_chance(&r, 0.5))
			draw_lab(&r, pt, pt->order[k].day, pt->order[k].dept, 0, i);
	for (int k = 0; k < pt->ndx; k++)
		chronic |= pt->dx[k].dx->chronic && !pt->dx[k].end;
	if (slot < 0)
		draw_appointments(&r, pt, c->today, chronic);
	/* demographics: the current version, and for some an older one (moved, or married and renamed) */
	pt->updated = c->today - synth_range(&r, 0, 400);
	if (pt->updated < pt->registered)
		pt->updated = pt->registered;
	pt->upd_hh = synth_range(&r, 8, 19);
	pt->upd_mm = synth_range(&r, 0, 59);
	pt->upd_ss = synth_range(&r, 0, 59);
	pt->upd_ms = synth_range(&r, 0, 999);
	if (pt->updated > pt->registered && synth_chance(&r, 0.12)) {
		pt->has_old = 1;
		pt->old = pt->p;
		synth_address_draw(&r, &pt->old);
		if (pt->p.sex == 'F' && synth_chance(&r, 0.3)) {
			struct synth_person tmp;
			synth_person_draw(&r, c->today, &tmp);
			memcpy(pt->old.family, tmp.family, sizeof(tmp.family));
			memcpy(pt->old.family_kana, tmp.family_kana, sizeof(tmp.family_kana));
		}
	}
}
