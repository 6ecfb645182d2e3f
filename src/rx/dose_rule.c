/*
 * dose_rule.c - the dose checks of rx_check (docs/rx.md, "Dose"):
 *
 *   maximum    dose × per day (× the strength of a 錠/カプセル: the master's strength column, the strength in the
 *              name, or a bare number ending the name read in the master's unit — only for a per-unit form, 錠,
 *              カプセル or 坐剤, ordered in its own unit: never per 包, 本, 枚) plus the same ingredient already
 *              active, in the other lines of the prescription and in the outage's running orders, against
 *              max_daily_dose: over the maximum → WARN; 2× or more → STOP; over the maximum of a
 *              narrow-therapeutic drug (the master's flag: warfarin, colchicine, digoxin …) → STOP. A dose that
 *              cannot be converted says 「最大量は未チェック」 (WARN).
 *   period     a product with a dosing period (period_days 7: フォサマック, リウマトレックス) ordered without that
 *              period (rx check --weekly / --period 7) → STOP; its max_daily_dose is the maximum per period.
 *   children   under RX_CHILD_YEARS: the latest body weight (store_patient_weight) against max_per_kg_day, with the
 *              levels of the maximum; without a weight, over max_per_kg_day × the upper reference weight of the
 *              age (child_weight.c) → STOP, saying the weight assumed; else 「小児: 体重あたり用量は未チェック」
 *              (WARN when the master has a per-kg maximum, INFO otherwise).
 *   elderly    from RX_ELDERLY_YEARS: the master's caution (高齢者: 減量 …) as an INFO.
 */
#include "rx_int.h"

#include <stdlib.h>
#include <string.h>

#define EPS 1e-9

static int is_count_unit(const char *u)
{
	static const char *const count[] = {"錠", "カプセル", "本", "包", "枚"};
	for (size_t i = 0; i < LB_ARRAY_LEN(count); i++)
		if (!strcmp(u, count[i]))
			return 1;
	return 0;
}

static int is_measure(const char *u)
{
	return rx_unit_factor(u, "mg") > 0 || rx_unit_factor(u, "mL") > 0;
}

static int has_any(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strstr(s, words[i]))
			return 1;
	return 0;
}

/* The count unit a bare number in the name of d is a strength per: 錠 for tablets (錠, OD錠, チュアブル錠 …),
 * カプセル for capsules, 個 for suppositories (坐剤, 坐薬, サポ); NULL for every other form — 散・細粒・顆粒・DS (包),
 * 注・シロップ (本, mL), 貼付剤 (枚), 軟膏 (g) — where the number may be a percentage, a volume or a size. The
 * master's form column decides when it names a form, else the name. */
static const char *per_unit_form(const struct ehr_drug *d)
{
	static const char *const other[] = {"散",     "細粒", "顆粒",       "ドライシロップ", "DS",     "シロップ",
	                                    "液",     "注",   "キット",     "テープ",         "パップ", "貼付",
	                                    "パッチ", "軟膏", "クリーム",   "ゲル",           "ゼリー", "吸入",
	                                    "点眼",   "点鼻", "エアゾール", "ローション",     "包"};
	static const char *const supp[] = {"坐剤", "坐薬", "座薬", "座剤", "サポ"};
	const char *look[2] = {d->form, d->name};
	for (size_t i = 0; i < 2; i++) {
		const char *f = look[i];
		if (!f || !*f)
			continue;
		if (has_any(f, other, LB_ARRAY_LEN(other)))
			return NULL;
		if (has_any(f, supp, LB_ARRAY_LEN(supp)))
			return "個";
		if (strstr(f, "カプセル"))
			return "カプセル";
		if (strstr(f, "錠"))
			return "錠";
		/* a form that says neither (内服, 内用): the name decides */
	}
	return NULL;
}

/* A bare number ending the name (クラリス錠200, サワシリンカプセル250, also before a maker's 「…」). */
static int bare_number(const char *name, double *v)
{
	if (!name)
		return 0;
	size_t n = strnlen(name, 512);
	const char *br = strstr(name, "「");
	if (br && n >= 3 && !strcmp(name + n - 3, "」"))
		n = (size_t)(br - name);
	while (n && name[n - 1] == ' ')
		n--;
	size_t e = n;
	while (n && ((name[n - 1] >= '0' && name[n - 1] <= '9') || name[n - 1] == '.'))
		n--;
	if (n == e || name[n] == '.' || !n)
		return 0;
	char num[32];
	if (e - n >= sizeof(num))
		return 0;
	memcpy(num, name + n, e - n);
	num[e - n] = 0;
	return rx_parse_amount(num, v, NULL) == 0;
}

double rx_count_strength(const struct ehr_drug *d, const char *count_unit, const char *master_unit, char *how,
                         size_t cap)
{
	double v = 0, f = 0;
	char su[32] = "";
	const char *u = NULL;
	if (d->strength && *d->strength && rx_parse_amount(d->strength, &v, &u) == 0) {
		rx_unit_norm(u ? u : master_unit, su, sizeof(su));
		/* "200mg/錠": the unit before a slash */
		char *slash = strchr(su, '/');
		if (slash)
			*slash = 0;
		f = rx_unit_factor(su, master_unit);
	}
	if (!(f > 0) && rx_strength_from_name(d->name, &v, su, sizeof(su)))
		f = rx_unit_factor(su, master_unit);
	const char *pu = per_unit_form(d);
	if (!(f > 0) && is_measure(master_unit) && pu && !strcmp(pu, count_unit) && bare_number(d->name, &v)) {
		snprintf(su, sizeof(su), "%s", master_unit);
		f = 1;
	}
	if (!(f > 0))
		return 0;
	if (how)
		snprintf(how, cap, "1%s = %g %s", count_unit, v, su);
	return v * f;
}

/* The factor from the order's unit to the master's (0: not comparable); how: the strength used, if any. */
static double order_factor(const struct ehr_drug *d, const char *unit, const char *master_unit, double *strength,
                           char *how, size_t cap)
{
	char ou[32];
	rx_unit_norm(unit && *unit ? unit : d->unit, ou, sizeof(ou));
	how[0] = 0;
	*strength = 0;
	double f = rx_unit_factor(ou, master_unit);
	const char *pu = per_unit_form(d);
	/* 個 counts suppositories only (a tablet's 個 is not a unit of its own) */
	if (f == 0 && (is_count_unit(ou) || (pu && !strcmp(pu, "個") && !strcmp(ou, "個")))) {
		f = rx_count_strength(d, ou, master_unit, how, cap);
		*strength = f;
	}
	return f;
}

static int period_of(int days)
{
	return days > 1 ? days : 1;
}

/* "a day" / 「1日」, "a week" / 「1週」, "every 28 days" / 「28日あたり」 */
static const char *per_word(int period, int ja, char *tmp, size_t cap)
{
	if (period <= 1)
		return ja ? "1日" : "a day";
	if (period == 7)
		return ja ? "1週" : "a week";
	snprintf(tmp, cap, ja ? "%d日あたり" : "per %d days", period);
	return tmp;
}

/* The level for a ratio to the maximum: none (0) at or below it, WARN over it, STOP from 2× or over it for a
 * narrow-therapeutic drug. */
static enum rx_level level_of(double ratio, int narrow)
{
	if (!(ratio > 1 + EPS))
		return 0;
	if (narrow || ratio >= 2 - EPS)
		return RX_STOP;
	return RX_WARN;
}

void rx_dose_text(const struct rx_order *o, const struct rx_result *r, struct buf *b, int ja)
{
	char ou[32], t1[32];
	rx_unit_norm(o->unit && *o->unit ? o->unit : r->drug.unit, ou, sizeof(ou));
	int op = period_of(o->period_days);
	if (ja) {
		buf_addf(b, "1回 %g %s × 1日%g回", o->dose, ou, o->per_day);
		if (op > 1)
			buf_addf(b, " (%d日ごと)", op);
	} else {
		buf_addf(b, "%g %s × %g a day", o->dose, ou, o->per_day);
		if (op > 1)
			buf_addf(b, " (every %d days)", op);
	}
	const char *per = per_word(r->period_days, ja, t1, sizeof(t1));
	if (!(r->daily > 0)) {
		buf_adds(b, ja ? " (最大量は未チェック)" : " (maximum dose not checked)");
		return;
	}
	if (r->strength > 0)
		buf_addf(b, ja ? " (1%s = %g %s)" : " (1 %s = %g %s)", ou, r->strength, r->unit);
	if (ja)
		buf_addf(b, " = %s %g %s", per, r->daily, r->unit);
	else
		buf_addf(b, " = %g %s %s", r->daily, r->unit, per);
	if (r->active_daily > 0 || r->lines_daily > 0 || r->outage_daily > 0) {
		/* the total and its parts: 「計 360 mg: この処方 180 mg + 服用中 180 mg」 */
		buf_addf(b, ja ? "、計 %g %s: この処方 %g %s" : "; total %g %s: this order %g %s", r->total_daily,
		         r->unit, r->daily, r->unit);
		if (r->active_daily > 0)
			buf_addf(b, ja ? " + 服用中 %g %s" : " + active %g %s", r->active_daily, r->unit);
		if (r->lines_daily > 0)
			buf_addf(b, ja ? " + 同じ処方の他の行 %g %s" : " + other lines of this prescription %g %s",
			         r->lines_daily, r->unit);
		if (r->outage_daily > 0)
			buf_addf(b, ja ? " + ダウンタイム中の処方 %g %s" : " + outage orders %g %s", r->outage_daily,
			         r->unit);
	}
	if (r->drug.max_daily_dose > 0)
		buf_addf(b, ja ? " (最大 %g %s)" : " (max %g %s)", r->drug.max_daily_dose, r->unit);
	if (r->weight_kg > 0) { /* (the total is over 0 here: a dose not converted returned above) */
		if (ja)
			buf_addf(b, "、体重 %g kg で %.1f %s/kg", r->weight_kg, r->total_daily / r->weight_kg, r->unit);
		else
			buf_addf(b, ", %.1f %s/kg at %g kg", r->total_daily / r->weight_kg, r->unit, r->weight_kg);
	}
}

static void add_master(struct rx_result *r, enum rx_level level, const char *kind, const struct buf *en,
                       const struct buf *ja)
{
	const struct ehr_drug *d = &r->drug;
	struct buf basis = {0}, basis_ja = {0};
	char p1[32], p2[32];
	if (d->max_daily_dose > 0) {
		buf_addf(&basis, "drug master: maximum %g %s %s", d->max_daily_dose, r->unit,
		         per_word(r->period_days, 0, p1, sizeof(p1)));
		buf_addf(&basis_ja, "医薬品マスタ: %s最大量 %g %s", per_word(r->period_days, 1, p2, sizeof(p2)),
		         d->max_daily_dose, r->unit);
	} else {
		buf_adds(&basis, "drug master: no maximum dose");
		buf_adds(&basis_ja, "医薬品マスタ: 最大量の記載なし");
	}
	if (d->max_per_kg_day > 0) {
		buf_addf(&basis, "; children %g %s/kg a day", d->max_per_kg_day, r->unit);
		buf_addf(&basis_ja, "; 小児 1日 %g %s/kg", d->max_per_kg_day, r->unit);
	}
	if (d->narrow_therapeutic) {
		buf_adds(&basis, "; narrow therapeutic range");
		buf_adds(&basis_ja, "; 治療域が狭い薬");
	}
	if (d->period_days > 1) {
		buf_addf(&basis, "; given every %d days", d->period_days);
		buf_addf(&basis_ja, "; %d日に1回投与", d->period_days);
	}
	buf_addf(&basis, " (%s)", d->code);
	buf_addf(&basis_ja, " (%s)", d->code);
	rx_alert_add(r, level, kind, "drug-master", d->code, basis.data, basis_ja.data, en->data, ja->data);
	buf_release(&basis);
	buf_release(&basis_ja);
}

#define NO_DAYS (-1000000L)
/* Days from a stamp's date (YYYY-MM-DD…) to today; NO_DAYS when either is not a date. */
static long days_between(const char *stamp, const char *today)
{
	char day[11];
	int y, m, d, ty, tm, td;
	if (!stamp)
		return NO_DAYS;
	snprintf(day, sizeof(day), "%.10s", stamp); /* a day shorter than 10 characters is refused by lb_parse_day */
	if (lb_parse_day(day, &y, &m, &d) < 0 || lb_parse_day(today, &ty, &tm, &td) < 0)
		return NO_DAYS;
	return (long)(lb_days_from_civil(ty, tm, td) - lb_days_from_civil(y, m, d));
}

/* A child's weight older than RX_WEIGHT_STALE_DAYS (or of an unknown day) is used and said to be possibly out of
 * date: WARN when a per-kg maximum was judged on it (used), else INFO. */
static void weight_age(struct rx_result *r, const struct rx_dose_ctx *c, int used)
{
	const char *today = c->today && *c->today ? c->today : r->patient.today;
	long days = days_between(c->weight_time, today);
	if (days != NO_DAYS && days <= RX_WEIGHT_STALE_DAYS)
		return; /* recent (a day after today is a clock's matter, not the weight's age) */
	struct buf en = {0}, ja = {0}, basis = {0}, basis_ja = {0};
	char when[11];
	snprintf(when, sizeof(when), "%.10s", c->weight_time && *c->weight_time ? c->weight_time : "?");
	if (days != NO_DAYS) {
		buf_addf(&en,
		         "body weight: %g kg is from %s (%ld days ago) and may be out of date for a child; weigh again "
		         "(%s)",
		         c->weight_kg, when, days,
		         used ? "the dose per kg was checked with it" : "shown for reference");
		buf_addf(&ja, "体重: %g kg は %s の測定 (%ld日前) で、小児では古い可能性があります。再測定を (%s)",
		         c->weight_kg, when, days, used ? "体重あたり用量はこの値で判定" : "参考値");
	} else {
		buf_addf(
		        &en,
		        "body weight: %g kg has no date of measurement and may be out of date for a child; weigh again "
		        "(%s)",
		        c->weight_kg, used ? "the dose per kg was checked with it" : "shown for reference");
		buf_addf(&ja, "体重: %g kg は測定日が不明で、小児では古い可能性があります。再測定を (%s)", c->weight_kg,
		         used ? "体重あたり用量はこの値で判定" : "参考値");
	}
	buf_addf(&basis, "body weight %g kg, measured %s; older than %d days", c->weight_kg, when,
	         RX_WEIGHT_STALE_DAYS);
	buf_addf(&basis_ja, "体重 %g kg (%s 測定); %d日より前", c->weight_kg, when, RX_WEIGHT_STALE_DAYS);
	rx_alert_add(r, used ? RX_WARN : RX_INFO, "weight-age", "patient", NULL, basis.data, basis_ja.data, en.data,
	             ja.data);
	buf_release(&en);
	buf_release(&ja);
	buf_release(&basis);
	buf_release(&basis_ja);
}

/* A child with no recorded weight: a daily total over max_per_kg_day × the upper reference weight of its age
 * (rx_child_upper_kg) is over the maximum even for a child that heavy → STOP, and 1 is returned; else 0 (the
 * caller says the dose per kg went unchecked). */
static int child_unweighed_over(struct rx_result *r, const struct buf *dose_en, const struct buf *dose_ja)
{
	const struct ehr_drug *d = &r->drug;
	int years = r->age_months / 12;
	const char *ver;
	double kg = rx_child_upper_kg(years, &ver), bound = d->max_per_kg_day * kg;
	/* No per-kg maximum (or no weight for the age): nothing to bound. The caller comes here for a weighed child
	 * only without a per-kg maximum or with a dose that cannot be converted, whose total is 0: under any bound. */
	if (!(bound > 0))
		return 0;
	double ratio = r->total_daily / bound;
	if (!(ratio > 1 + EPS))
		return 0;
	struct buf en = {0}, ja = {0};
	buf_addf(&en,
	         "children's dose: no body weight recorded; even at %g kg, the upper reference weight at %d years, "
	         "%g %s a day is over the maximum of %g %s/kg × %g kg = %g %s (×%.1f); weigh the child (upper "
	         "weights: child-weight-upper.tsv %s): %s",
	         kg, years, r->total_daily, r->unit, d->max_per_kg_day, r->unit, kg, bound, r->unit, ratio, ver,
	         dose_en->data);
	buf_addf(&ja,
	         "体重不明: %d歳の上限体重 %g kg でも 1日最大量を超えます。1日 %g %s は 1日最大 %g %s/kg × %g kg = %g "
	         "%s の %.1f倍。体重を確認してください (上限体重表 child-weight-upper.tsv %s): %s",
	         years, kg, r->total_daily, r->unit, d->max_per_kg_day, r->unit, kg, bound, r->unit, ratio, ver,
	         dose_ja->data);
	add_master(r, RX_STOP, "child-dose", &en, &ja);
	buf_release(&en);
	buf_release(&ja);
	return 1;
}

void rx_dose_eval(struct rx_result *r, const struct rx_order *o, const struct rx_dose_ctx *c)
{
	const struct ehr_drug *d = &r->drug;
	if (!r->unit[0])
		rx_unit_norm(d->unit, r->unit, sizeof(r->unit));
	char how[96], ou[32], p1[32], p2[32];
	rx_unit_norm(o->unit && *o->unit ? o->unit : d->unit, ou, sizeof(ou));
	double f = order_factor(d, o->unit, r->unit, &r->strength, how, sizeof(how));
	int pp = period_of(d->period_days), op = period_of(o->period_days);
	r->period_days = pp;
	/* per product period: a weekly product ordered daily counts seven dosing days a week */
	double days_per_period = pp > op ? (double)pp / op : 1;
	r->daily = o->dose * o->per_day * f * days_per_period; /* 0 when not converted (f 0) */
	r->active_daily = r->daily > 0 ? c->active : 0;
	r->lines_daily = r->daily > 0 ? c->lines : 0;
	r->outage_daily = r->daily > 0 ? c->outage : 0;
	r->total_daily = r->daily + r->active_daily + r->lines_daily + r->outage_daily; /* each 0 when daily is */
	r->weight_kg = c->weight_kg;
	snprintf(r->weight_time, sizeof(r->weight_time), "%s", c->weight_time ? c->weight_time : "");
	const char *per_en = per_word(pp, 0, p1, sizeof(p1)), *per_ja = per_word(pp, 1, p2, sizeof(p2));
	struct buf en = {0}, ja = {0}, dose_en = {0}, dose_ja = {0};
	rx_dose_text(o, r, &dose_en, 0);
	rx_dose_text(o, r, &dose_ja, 1);

	/* dosing period */
	if (op < pp) { /* (both at least 1: a product of every day never gets here) */
		buf_addf(&en, "dosing period: %s is given once every %d days, and this order is every %s: %s", d->name,
		         pp, op == 1 ? "day" : "few days", dose_en.data);
		buf_addf(&ja, "投与間隔: %s は %d日に1回の薬ですが、%sの処方です: %s", d->name, pp,
		         op == 1 ? "毎日" : "より短い間隔", dose_ja.data);
		add_master(r, RX_STOP, "period", &en, &ja);
	}

	/* the maximum, with the same ingredient already active, in the other lines and in the outage's orders */
	if (d->max_daily_dose > 0 && r->daily > 0) {
		double ratio = r->total_daily / d->max_daily_dose;
		enum rx_level lv = level_of(ratio, d->narrow_therapeutic);
		if (lv) {
			buf_reset(&en);
			buf_reset(&ja);
			if (r->total_daily > r->daily) {
				struct buf pe = {0}, pj = {0};
				if (r->active_daily > 0) {
					buf_addf(&pe, "active: %s", c->active_text.data ? c->active_text.data : "");
					buf_addf(&pj, "服用中: %s",
					         c->active_text_ja.data ? c->active_text_ja.data : "");
				}
				if (r->lines_daily > 0) {
					buf_addf(&pe, "%sother lines of this prescription: %s", pe.len ? "; " : "",
					         c->lines_text.data ? c->lines_text.data : "");
					buf_addf(&pj, "%s同じ処方の他の行: %s", pj.len ? "; " : "",
					         c->lines_text.data ? c->lines_text.data : "");
				}
				if (r->outage_daily > 0) {
					buf_addf(&pe, "%soutage orders: %s", pe.len ? "; " : "",
					         c->outage_text.data ? c->outage_text.data : "");
					buf_addf(&pj, "%sダウンタイム中の処方: %s", pj.len ? "; " : "",
					         c->outage_text.data ? c->outage_text.data : "");
				}
				buf_addf(&en,
				         "max dose: with the same ingredient elsewhere (%s) the total is %g %s %s, "
				         "over the maximum of %g %s (×%.1f): %s",
				         pe.data, r->total_daily, r->unit, per_en, d->max_daily_dose, r->unit, ratio,
				         dose_en.data);
				buf_addf(&ja,
				         "極量超過: 同成分 (%s) と合わせて%s 計 %g %s は最大量 %g %s を超えています "
				         "(%.1f倍): %s",
				         pj.data, per_ja, r->total_daily, r->unit, d->max_daily_dose, r->unit, ratio,
				         dose_ja.data);
				buf_release(&pe);
				buf_release(&pj);
			} else {
				buf_addf(&en, "max dose: %g %s %s is over the maximum of %g %s (×%.1f): %s",
				         r->total_daily, r->unit, per_en, d->max_daily_dose, r->unit, ratio,
				         dose_en.data);
				buf_addf(&ja, "極量超過: %s %g %s は最大量 %g %s を超えています (%.1f倍): %s", per_ja,
				         r->total_daily, r->unit, d->max_daily_dose, r->unit, ratio, dose_ja.data);
			}
			if (d->narrow_therapeutic && ratio < 2 - EPS) {
				buf_adds(&en, "; a narrow-therapeutic drug stops over its maximum");
				buf_adds(&ja, "。治療域の狭い薬のため最大量超過で中止");
			}
			add_master(r, lv, "max-dose", &en, &ja);
		}
	} else if (d->max_daily_dose > 0) {
		buf_reset(&en);
		buf_reset(&ja);
		buf_addf(&en,
		         "maximum dose not checked: a dose in %s cannot be converted to %s (no strength in the master "
		         "or the name); maximum %g %s %s",
		         ou, r->unit, d->max_daily_dose, r->unit, per_en);
		buf_addf(&ja,
		         "最大量は未チェック: %s の用量を %s に換算できません (マスタにも薬品名にも含量なし)。最大量 "
		         "%s %g %s",
		         ou, r->unit, per_ja, d->max_daily_dose, r->unit);
		double bare;
		if (is_count_unit(ou) && bare_number(d->name, &bare)) {
			/* サワシリンカプセル250 ordered in 包, ムコダインDS50 in 包: the number is not read as a strength */
			buf_addf(&en,
			         "; the number %g in the name is read as a strength only per tablet, capsule or "
			         "suppository of that form, not per %s",
			         bare, ou);
			buf_addf(&ja,
			         "。薬品名の数字 %g "
			         "は錠・カプセル・坐剤の1個あたりの含量としてのみ読み、1%sあたりとは読みません",
			         bare, ou);
		}
		add_master(r, RX_WARN, "dose-unchecked", &en, &ja);
	}
	if (c->unknown_text.len && r->daily > 0) {
		buf_reset(&en);
		buf_reset(&ja);
		buf_addf(
		        &en,
		        "dose sum: the same ingredient is ordered elsewhere without a dose that can be added (%s); the "
		        "total is not checked",
		        c->unknown_text.data);
		buf_addf(&ja, "用量合算: 同成分 (%s) の用量が分からず合算していません。合計量は未チェック",
		         c->unknown_text.data);
		add_master(r, RX_WARN, "dose-unchecked", &en, &ja);
	}

	/* children: per kg of body weight */
	int child = r->age_months >= 0 && r->age_months < RX_CHILD_YEARS * 12;
	if (child) {
		buf_reset(&en);
		buf_reset(&ja);
		if (c->weight_kg > 0 && d->max_per_kg_day > 0 && r->daily > 0) {
			double per_kg = r->total_daily / c->weight_kg, ratio = per_kg / d->max_per_kg_day;
			enum rx_level lv = level_of(ratio, d->narrow_therapeutic);
			if (lv) {
				buf_addf(
				        &en,
				        "children's dose: %g %s a day at %g kg (weighed %.10s) is %.1f %s/kg, over the "
				        "maximum of %g %s/kg a day (×%.1f): %s",
				        r->total_daily, r->unit, c->weight_kg, c->weight_time ? c->weight_time : "-",
				        per_kg, r->unit, d->max_per_kg_day, r->unit, ratio, dose_en.data);
				buf_addf(&ja,
				         "小児用量超過: 1日 %g %s は体重 %g kg (%.10s 測定) で %.1f %s/kg、1日最大 %g "
				         "%s/kg "
				         "を超えています (%.1f倍): %s",
				         r->total_daily, r->unit, c->weight_kg, c->weight_time ? c->weight_time : "-",
				         per_kg, r->unit, d->max_per_kg_day, r->unit, ratio, dose_ja.data);
				add_master(r, lv, "child-dose", &en, &ja);
			}
		} else if (!child_unweighed_over(r, &dose_en, &dose_ja)) {
			/* why: a weighed child here has no per-kg maximum or a dose that cannot be converted */
			int weighed = c->weight_kg > 0, converted = r->daily > 0;
			int no_max = weighed && !(d->max_per_kg_day > 0);
			const char *why_en = no_max       ? "the master gives no maximum per kg for this drug"
			                     : !converted ? "the dose cannot be converted"
			                                  : "no body weight is recorded";
			const char *why_ja = no_max       ? "マスタに体重あたり最大量なし"
			                     : !converted ? "用量を換算できません"
			                                  : "体重の記録なし";
			buf_addf(&en, "children: dose per kg of body weight not checked (%s)", why_en);
			buf_addf(&ja, "小児: 体重あたり用量は未チェック (%s)", why_ja);
			if (weighed && converted) {
				buf_addf(&en, "; %.1f %s/kg a day at %g kg", r->total_daily / c->weight_kg, r->unit,
				         c->weight_kg);
				buf_addf(&ja, "。体重 %g kg で 1日 %.1f %s/kg", c->weight_kg,
				         r->total_daily / c->weight_kg, r->unit);
			} else if (!weighed) {
				buf_adds(&en, "; weigh the child");
				buf_adds(&ja, "。体重を確認してください");
			}
			add_master(r, d->max_per_kg_day > 0 ? RX_WARN : RX_INFO, "child-dose", &en, &ja);
		}
	}

	/* children: how old the weight is */
	if (child && c->weight_kg > 0)
		weight_age(r, c, d->max_per_kg_day > 0 && r->daily > 0);

	/* the elderly */
	if (d->elderly && *d->elderly && r->age_months >= RX_ELDERLY_YEARS * 12) {
		buf_reset(&en);
		buf_reset(&ja);
		buf_adds(&en, "elderly: ");
		rx_age_text(&en, r->age_months, 0);
		buf_addf(&en, "; the master says for the elderly: %s", d->elderly);
		buf_adds(&ja, "高齢者: ");
		rx_age_text(&ja, r->age_months, 1);
		buf_addf(&ja, "。マスタの高齢者への注意: %s", d->elderly);
		add_master(r, RX_INFO, "elderly", &en, &ja);
	}
	buf_release(&en);
	buf_release(&ja);
	buf_release(&dose_en);
	buf_release(&dose_ja);
}

/* The ingredient key of a drug: its generic name folded (a combination keeps all its parts: only the same set of
 * ingredients is summed, its maximum being per product). */
static char *ingredient_key(const struct ehr_drug *d)
{
	return d->generic_name && *d->generic_name ? rx_key(d->generic_name) : NULL;
}

void rx_dose_ctx_release(struct rx_dose_ctx *c)
{
	buf_release(&c->active_text);
	buf_release(&c->active_text_ja);
	buf_release(&c->lines_text);
	buf_release(&c->outage_text);
	buf_release(&c->unknown_text);
}

/* Add another line or outage order x of drug dm to the sum when it has the ingredient ing (unit: the master's), as
 * its amount per period (the checked product's dosing period, in days): a daily order of a weekly product counts
 * seven dosing days a week, as the checked order itself does; a weekly order counts in full on its dosing day. */
static int add_other(struct rx_dose_ctx *c, const struct ehr_drug *dm, const struct rx_other *x, const char *ing,
                     const char *unit, int period)
{
	char *mi = ingredient_key(dm);
	int same = mi && !strcmp(mi, ing);
	free(mi);
	if (!same)
		return 0;
	int outage = x->basis_type && !strcmp(x->basis_type, "outage-order");
	char how[96], id[48] = "";
	double st;
	if (outage && x->id)
		snprintf(id, sizeof(id), " (#%s)", x->id);
	double f = order_factor(dm, x->unit, unit, &st, how, sizeof(how));
	if (f > 0 && x->dose > 0 && x->per_day > 0) {
		int xp = period_of(x->period_days > 0 ? x->period_days : dm->period_days);
		double amt = x->dose * x->per_day * f * (period > xp ? (double)period / xp : 1);
		struct buf *b = outage ? &c->outage_text : &c->lines_text;
		*(outage ? &c->outage : &c->lines) += amt;
		buf_addf(b, "%s%s %g %s%s", b->len ? ", " : "", dm->name ? dm->name : x->drug_code, amt, unit, id);
	} else {
		buf_addf(&c->unknown_text, "%s%s%s", c->unknown_text.len ? ", " : "",
		         dm->name ? dm->name : x->drug_code, id);
	}
	return 0;
}

int rx_rule_dose(struct store *s, struct rx_result *r, const struct rx_order *o)
{
	struct rx_dose_ctx c = {0};
	char wtime[32] = "";
	int rc = 0;
	char *ing = ingredient_key(&r->drug);
	for (size_t i = 0; ing && s && i < r->patient.n_medications; i++) {
		const struct ehr_medication *m = &r->patient.medications[i];
		if (!m->drug_code || (o->order_no && m->order_no && !strcmp(o->order_no, m->order_no)))
			continue;
		struct store_drugs md = {0};
		rc = store_drug_get(s, m->drug_code, &md);
		if (rc == -LB_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		const struct ehr_drug *dm = &md.v[0].drug;
		char *mi = ingredient_key(dm);
		if (mi && !strcmp(mi, ing)) {
			char how[96];
			double st;
			double f = order_factor(dm, m->dose_unit, r->unit, &st, how, sizeof(how));
			const char *name = m->drug_name ? m->drug_name : dm->name;
			if (f > 0 && m->dose > 0 && m->per_day > 0) {
				double amt = m->dose * m->per_day * f;
				c.active += amt;
				buf_addf(&c.active_text, "%s%s %g %s%s%s%s", c.active_text.len ? ", " : "", name, amt,
				         r->unit, m->order_no ? " (" : "", m->order_no ? m->order_no : "",
				         m->order_no ? ")" : "");
				buf_addf(&c.active_text_ja, "%s%s %g %s%s%s%s", c.active_text_ja.len ? "、" : "", name,
				         amt, r->unit, m->order_no ? " (" : "", m->order_no ? m->order_no : "",
				         m->order_no ? ")" : "");
			} else {
				buf_addf(&c.unknown_text, "%s%s%s%s%s", c.unknown_text.len ? ", " : "", name,
				         m->order_no ? " (" : "", m->order_no ? m->order_no : "",
				         m->order_no ? ")" : "");
			}
		}
		free(mi);
		store_drugs_release(&md);
	}
	/* the other lines of this prescription and the outage's running orders */
	for (size_t i = 0; ing && s && rc == 0 && i < o->n_others; i++) {
		const struct rx_other *x = &o->others[i];
		if (!x->drug_code)
			continue;
		struct store_drugs md = {0};
		rc = store_drug_get(s, x->drug_code, &md);
		if (rc == -LB_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		rc = add_other(&c, &md.v[0].drug, x, ing, r->unit, period_of(r->drug.period_days));
		store_drugs_release(&md);
	}
	free(ing);
	if (rc == 0 && s && r->age_months >= 0 && r->age_months < RX_CHILD_YEARS * 12 && r->patient.patient.id) {
		int w = store_patient_weight(s, r->patient.patient.id, r->patient.today[0] ? r->patient.today : NULL,
		                             &c.weight_kg, wtime, sizeof(wtime));
		if (w < 0)
			rc = w;
		c.weight_time = wtime;
	}
	if (rc == 0)
		rx_dose_eval(r, o, &c);
	rx_dose_ctx_release(&c);
	return rc;
}
