/*
 * mar.c - medication administration sheets (服薬・注射 実施記録): for each patient, every active medicine and
 * injection with a box per administration for each of the next days, to tick, time and sign. VistA's BCMA backup
 * prints the same thing for three days by default; so does this (print_opts.mar_days).
 *
 * The days start today (or print_opts.from), never at the data's as-of day: a sheet printed two weeks into an
 * outage has boxes for the days to come. Each line names the order's start and planned end (「11/20〜 11/25まで」);
 * a day after the end (or before the start) has no boxes, only 「終了 ended」 (「開始前 not started」), so nobody
 * ticks a dose of a course that is over. An order that ended before today is not on the sheet at all (the store
 * judges active on today: STORE_ORDER_ACTIVE_SQL, store_med_until).
 */
#include "print_int.h"

#include <stdlib.h>
#include <string.h>

#define MAR_SLOTS_MAX 6

/* Names of the administration times of a frequency: 1日3回毎食後 → 朝 昼 夕. Returns the count. */
static int slots(const struct ehr_medication *m, const char *names[MAR_SLOTS_MAX])
{
	const char *f = m->frequency ? m->frequency : "";
	int n = m->per_day >= 1 ? (int)(m->per_day + 0.5) : 1;
	if (n > MAR_SLOTS_MAX)
		n = MAR_SLOTS_MAX;
	static const char *const num[] = {"1", "2", "3", "4", "5", "6"};
	for (int i = 0; i < n; i++)
		names[i] = num[i];
	if (n == 1)
		names[0] = strstr(f, "就寝") ? "寝" : strstr(f, "夕") ? "夕" : strstr(f, "昼") ? "昼" : "朝";
	else if (n == 2 && !strstr(f, "時間"))
		names[0] = "朝", names[1] = strstr(f, "昼") ? "昼" : "夕";
	else if (n == 3)
		names[0] = "朝", names[1] = "昼", names[2] = "夕";
	else if (n == 4 && strstr(f, "就寝"))
		names[0] = "朝", names[1] = "昼", names[2] = "夕", names[3] = "寝";
	return n;
}

static const char *weekday_ja(int64_t days)
{
	static const char *const w[] = {"木", "金", "土", "日", "月", "火", "水"}; /* 1970-01-01 was a Thursday */
	return w[((days % 7) + 7) % 7];
}

/* Days since the epoch of a YYYY-MM-DD (its first 10 characters), or fallback when it is none. */
static int64_t day_of(const char *s, int64_t fallback)
{
	char t[11];
	int y, m, d;
	snprintf(t, sizeof(t), "%.10s", s ? s : "");
	return lb_parse_day(t, &y, &m, &d) == 0 ? lb_days_from_civil(y, m, d) : fallback;
}

static void mar_one(struct pdoc *d, const struct store_patient_view *v, int ndays, int64_t day0)
{
	struct buf name = {0}, t = {0};
	print_full_name(&name, v);
	pdoc_patient(d, v->patient.id, name.data);
	pdoc_new_page(d);
	/* the ID as a barcode too, for the bedside scanner (wristband ↔ sheet) */
	print_code128(d->cr, PDOC_RIGHT - 160, 44, 160, 22, v->patient.id);
	/* identification and allergies above the grid: the two things checked at the bedside */
	struct buf kana = {0}, birth = {0}, allergy = {0};
	print_full_kana(&kana, &v->patient);
	print_birth(&birth, v->patient.birth_date, v->today);
	print_allergy_line(&allergy, v);
	buf_addf(&t, "%s (%s)  ID %s  %s  %s", name.data, kana.data, v->patient.id, birth.data,
	         print_sex_ja(v->patient.sex));
	if (v->census.in_ward)
		buf_addf(&t, "  %s %s-%s", v->census.ward, v->census.room ? v->census.room : "",
		         v->census.bed ? v->census.bed : "");
	d->y += pdoc_text(d, PDOC_LEFT, d->y, PDOC_RIGHT - PDOC_LEFT, 11, PT_BOLD, t.data) + 2;
	buf_reset(&t);
	buf_addf(&t, "アレルギー Allergies: %s", allergy.data);
	double h = pdoc_text_height(d, PDOC_RIGHT - PDOC_LEFT - 8, 10, PT_BOLD, t.data) + 4;
	pdoc_rect(d, PDOC_LEFT, d->y, PDOC_RIGHT - PDOC_LEFT, h, 1.4);
	pdoc_text(d, PDOC_LEFT + 4, d->y + 2, PDOC_RIGHT - PDOC_LEFT - 8, 10, PT_BOLD, t.data);
	d->y += h + 8;

	double wdrug = 165, wday = (PDOC_RIGHT - PDOC_LEFT - wdrug) / ndays;
	/* header row: dates */
	double y = d->y;
	pdoc_fill(d, PDOC_LEFT, y, PDOC_RIGHT - PDOC_LEFT, 16, 0.88);
	pdoc_text(d, PDOC_LEFT + 3, y + 3, wdrug - 6, 8.5, PT_BOLD, "薬品・用量・用法 / 実施日");
	for (int k = 0; k < ndays; k++) {
		int yy, mm, dd;
		lb_civil_from_days(day0 + k, &yy, &mm, &dd);
		buf_reset(&t);
		buf_addf(&t, "%d/%d (%s)", mm, dd, weekday_ja(day0 + k));
		pdoc_text(d, PDOC_LEFT + wdrug + k * wday, y + 3, wday, 8.5, PT_BOLD | PT_CENTER, t.data);
	}
	pdoc_rect(d, PDOC_LEFT, y, PDOC_RIGHT - PDOC_LEFT, 16, 0.6);
	d->y = y + 16;
	int any = 0;
	for (size_t i = 0; i < v->n_medications; i++) {
		const struct ehr_medication *m = &v->medications[i];
		/* The same line from two exports is printed once; an order number holds several drugs (Rp), so the
		 * drug code is part of the line's identity. */
		int dup = 0;
		for (size_t j = 0; j < i && !dup; j++)
			dup = m->order_no && v->medications[j].order_no &&
			      !strcmp(m->order_no, v->medications[j].order_no) && m->kind == v->medications[j].kind &&
			      m->drug_code && v->medications[j].drug_code &&
			      !strcmp(m->drug_code, v->medications[j].drug_code);
		char until[11];
		store_med_until(m, until);
		int64_t last = day_of(until, INT64_MAX), first = day_of(m->start, INT64_MIN);
		if (dup || (v->today[0] && last < day_of(v->today, INT64_MIN)))
			continue; /* ended before today: the store's view holds none such, and the sheet shows none */
		any = 1;
		const char *names[MAR_SLOTS_MAX];
		int ns = slots(m, names);
		buf_reset(&t);
		buf_addf(&t, "%s%s\n", m->kind == EHR_ORDER_INJECTION ? "[注] " : "",
		         m->drug_name ? m->drug_name : "?");
		if (m->dose > 0)
			buf_addf(&t, "1回 %g%s ", m->dose, m->dose_unit ? m->dose_unit : "");
		buf_addf(&t, "%s%s%s", m->frequency ? m->frequency : "", m->route ? " " : "", m->route ? m->route : "");
		/* its start and planned end: 「11/20〜 11/25まで (until 11/25)」, or open */
		buf_adds(&t, "\n");
		if (m->start && *m->start) {
			print_short_day(&t, m->start);
			buf_adds(&t, "〜 ");
		}
		if (until[0]) {
			print_short_day(&t, until);
			buf_adds(&t, "まで (until ");
			print_short_day(&t, until);
			buf_adds(&t, ")");
		} else {
			buf_adds(&t, "終了日なし (no end date)");
		}
		double th = pdoc_text_height(d, wdrug - 6, 8, 0, t.data) + 6;
		double rh = ns * 15.0 + 4;
		if (th > rh)
			rh = th;
		if (pdoc_need(d, rh))
			d->y += 4;
		y = d->y;
		pdoc_text(d, PDOC_LEFT + 3, y + 3, wdrug - 6, 8, 0, t.data);
		pdoc_rect(d, PDOC_LEFT, y, wdrug, rh, 0.6);
		for (int k = 0; k < ndays; k++) {
			double x = PDOC_LEFT + wdrug + k * wday;
			pdoc_rect(d, x, y, wday, rh, 0.6);
			if (day0 + k > last || day0 + k < first) {
				/* no boxes on a day the order does not run */
				pdoc_fill(d, x + 0.6, y + 0.6, wday - 1.2, rh - 1.2, 0.9);
				pdoc_text(d, x, y + rh / 2 - 5, wday, 8, PT_CENTER | PT_GRAY,
				          day0 + k > last ? "終了 ended" : "開始前 not started");
				continue;
			}
			for (int s = 0; s < ns; s++) {
				double sy = y + 3 + s * 15.0;
				pdoc_box(d, x + 4, sy, 10);
				pdoc_text(d, x + 16, sy, 14, 8, PT_BOLD, names[s]);
				pdoc_text(d, x + 30, sy + 1, wday - 32, 6.5, PT_GRAY, "時刻____ サイン____");
			}
		}
		d->y = y + rh;
	}
	if (!any) {
		pdoc_text(d, PDOC_LEFT + 4, d->y + 4, 400, 9, 0, "処方・注射の記録なし / no active orders");
		d->y += 18;
	}
	/* blank rows for orders written on paper during the downtime */
	for (int r = 0; r < 3; r++) {
		if (pdoc_need(d, 34))
			d->y += 4;
		y = d->y;
		pdoc_text(d, PDOC_LEFT + 3, y + 3, wdrug - 6, 7, PT_GRAY, "(ダウンタイム中の追加指示)");
		pdoc_rect(d, PDOC_LEFT, y, wdrug, 34, 0.6);
		for (int k = 0; k < ndays; k++)
			pdoc_rect(d, PDOC_LEFT + wdrug + k * wday, y, wday, 34, 0.6);
		d->y = y + 34;
	}
	buf_release(&name);
	buf_release(&t);
	buf_release(&kana);
	buf_release(&birth);
	buf_release(&allergy);
}

int print_mar(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of, int days,
              const char *from, struct print_stats *st)
{
	if (days < 1)
		days = 1;
	if (days > 7)
		days = 7;
	int64_t day0 = day_of(from, 0);
	struct pdoc d;
	struct buf t = {0};
	buf_addf(&t, "与薬・注射 実施記録 Medication administration — %s", ward);
	pdoc_init(&d, path, t.data, as_of);
	buf_release(&t);
	for (size_t i = 0; i < n; i++)
		mar_one(&d, &v[i], days, day0);
	return pdoc_finish(&d, st);
}
