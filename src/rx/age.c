/*
 * age.c - the age-limit check of rx_check: the drug master's min_age / max_age (docs/feeds.md) against the
 * patient's age today (the day the order is checked), counted from the birth date the way Japanese law counts it
 * (lb_age_months: the birthday itself counts, a 29 February birth turns a year older on 1 March in common years).
 *
 * Younger than the lower limit is a stop: the package insert says not to give it (15歳未満には投与しないこと), and a
 * paper order for a child is exactly where the EHR's alert is missed. Older than an upper limit (max_age: a dry
 * syrup or a granule for children) is a warning: a form meant for children given to an adult is not a
 * contraindication, only a form and a dose to check. A drug with a limit for a patient whose birth
 * date is unknown is a warning: the limit cannot be checked, and the pharmacist has to ask.
 */
#include "rx_int.h"

#include <string.h>

void rx_age_text(struct buf *b, int months, int ja)
{
	int y = months / 12, m = months % 12;
	if (ja) {
		if (y)
			buf_addf(b, "%d歳", y);
		if (m || !y)
			buf_addf(b, "%dか月", m);
		return;
	}
	if (y)
		buf_addf(b, "%d year%s", y, y == 1 ? "" : "s");
	if (m || !y)
		buf_addf(b, "%s%d month%s", y ? " " : "", m, m == 1 ? "" : "s");
}

/*
 * The day the age is counted on: today's local date (lb_today), the day the order is checked and given, the same
 * day every printed and shown age is counted to. During an outage the data grows weeks old, and a child who has
 * since passed an age limit (a dry syrup under 12) must be counted at today's age, not the snapshot's. A PC clock
 * set before the data's as-of date (a standalone PC with a flat battery) is not believed: the as-of date is used
 * then (lb_today's rule).
 */
static void check_date(const struct rx_result *r, int *y, int *m, int *d)
{
	char day[11];
	if (r->patient.today[0])
		snprintf(day, sizeof(day), "%s", r->patient.today);
	else
		lb_today(day, r->as_of);
	if (lb_parse_day(day, y, m, d) < 0)
		*y = 1970, *m = 1, *d = 1;
}

/* "15歳以上" / "15 years and older", "12歳未満" / "under 12 years", or both. */
static void limit_text(struct buf *b, const struct ehr_drug *d, int ja)
{
	if (d->age_min_months) {
		rx_age_text(b, d->age_min_months, ja);
		buf_adds(b, ja ? "以上" : " and older");
	}
	if (d->age_min_months && d->age_below_months)
		buf_adds(b, ja ? "、" : ", ");
	if (d->age_below_months) {
		if (!ja)
			buf_adds(b, "under ");
		rx_age_text(b, d->age_below_months, ja);
		if (ja)
			buf_adds(b, "未満");
	}
}

void rx_rule_age(struct rx_result *r)
{
	const struct ehr_drug *d = &r->drug;
	const struct ehr_patient *p = &r->patient.patient;
	int by, bm, bd, y, m, dd;
	check_date(r, &y, &m, &dd);
	r->age_months = -1;
	if (p->birth_date && text_parse_date(p->birth_date, &by, &bm, &bd) == 0)
		r->age_months = lb_age_months(by, bm, bd, y, m, dd);
	if (!d->age_min_months && !d->age_below_months)
		return;
	struct buf en = {0}, ja = {0}, basis = {0}, basis_ja = {0}, lim_en = {0}, lim_ja = {0}, age_en = {0},
	           age_ja = {0};
	limit_text(&lim_en, d, 0);
	limit_text(&lim_ja, d, 1);
	if (r->age_months < 0) {
		buf_addf(&en, "age: %s is for patients %s, and the patient's age is not known (birth date %s)", d->name,
		         lim_en.data, p->birth_date && *p->birth_date ? p->birth_date : "not recorded");
		buf_addf(&ja, "年齢: %s の対象は %s ですが、患者の年齢が分かりません (生年月日 %s)", d->name,
		         lim_ja.data, p->birth_date && *p->birth_date ? p->birth_date : "未登録");
		buf_addf(&basis, "birth date %s; age limit %s (%s)", p->birth_date ? p->birth_date : "-", lim_en.data,
		         d->code);
		buf_addf(&basis_ja, "生年月日 %s; 年齢制限 %s (%s)", p->birth_date ? p->birth_date : "-", lim_ja.data,
		         d->code);
		rx_alert_add(r, RX_WARN, "age", "patient", p->id, basis.data, basis_ja.data, en.data, ja.data);
	} else if (r->age_months < d->age_min_months || (d->age_below_months && r->age_months >= d->age_below_months)) {
		rx_age_text(&age_en, r->age_months, 0);
		rx_age_text(&age_ja, r->age_months, 1);
		buf_addf(&en, "age: %s is for patients %s; the patient is %s (born %04d-%02d-%02d, on %04d-%02d-%02d)",
		         d->name, lim_en.data, age_en.data, by, bm, bd, y, m, dd);
		buf_addf(&ja, "年齢: %s の対象は %s です。患者は %s (生年月日 %04d-%02d-%02d、%04d-%02d-%02d 時点)",
		         d->name, lim_ja.data, age_ja.data, by, bm, bd, y, m, dd);
		buf_addf(&basis, "birth date %04d-%02d-%02d, age %s on %04d-%02d-%02d; age limit %s (%s)", by, bm, bd,
		         age_en.data, y, m, dd, lim_en.data, d->code);
		buf_addf(&basis_ja, "生年月日 %04d-%02d-%02d、%04d-%02d-%02d 時点で %s; 年齢制限 %s (%s)", by, bm, bd,
		         y, m, dd, age_ja.data, lim_ja.data, d->code);
		/* Under the lower limit is a contraindication (quinolones under 15: 投与しないこと): stop. Over an
		 * upper limit is a formulation meant for children (a dry syrup) given to an older patient: not
		 * contraindicated, but the form and the dose are to be checked: warn. */
		int below = r->age_months < d->age_min_months;
		if (!below) {
			buf_adds(&en, "; a form meant for younger patients, not a contraindication: check the form and "
			              "the dose");
			buf_adds(&ja, "。小児用の製剤で禁忌ではありません: 剤形と用量を確認してください");
		}
		rx_alert_add(r, below ? RX_STOP : RX_WARN, "age", "drug-master", d->code, basis.data, basis_ja.data,
		             en.data, ja.data);
	}
	buf_release(&en);
	buf_release(&ja);
	buf_release(&basis);
	buf_release(&basis_ja);
	buf_release(&lim_en);
	buf_release(&lim_ja);
	buf_release(&age_en);
	buf_release(&age_ja);
}
