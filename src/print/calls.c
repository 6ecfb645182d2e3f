/*
 * calls.c - the outpatient call list of one day: every booking by department and time, with the patient's name
 * (kanji and kana), birth date, the phone to call (the booking's, else mobile, else home) and boxes for the call's
 * result. On day one of the Osaka outage the hospital could not even print the next day's patient list.
 */
#include "print_int.h"

#include <stdlib.h>
#include <string.h>

/* The day's bookings come by time (store_appointments_day, as the station lists them); paper groups them by
 * department, each by time. */
static int by_department(const void *a, const void *b, void *table)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const char *di = store_cell(table, i, STORE_APPT_DEPT), *dj = store_cell(table, j, STORE_APPT_DEPT);
	int c = strcmp(di ? di : "", dj ? dj : "");
	return c ? c : i < j ? -1 : i > j; /* by time within a department: the table's own order */
}

static const char *cell(const struct store_table *t, size_t r, size_t c)
{
	const char *v = store_cell(t, r, c);
	return v && *v ? v : NULL;
}

int print_appointments(struct store *s, const char *date, const char *dept, const char *out_file,
                       struct print_stats *st)
{
	int y, m, d0;
	if (!date || strlen(date) != 10 || text_parse_date(date, &y, &m, &d0) < 0)
		return lb_error_tr(LB_EUSAGE, "'%s' is not a date (YYYY-MM-DD)",
		                   "'%s' は日付ではありません (YYYY-MM-DD)", date ? date : "");
	struct store_table c;
	int rc = store_appointments_day(s, date, dept, &c);
	if (rc < 0)
		return rc;
	struct store_meta meta;
	if ((rc = store_meta_get(s, &meta)) < 0) {
		store_table_release(&c);
		return rc;
	}
	char today[11];
	lb_today(today, meta.as_of);
	size_t *order = lb_calloc(c.nrows ? c.nrows : 1, sizeof(*order));
	for (size_t i = 0; i < c.nrows; i++)
		order[i] = i;
	qsort_r(order, c.nrows, sizeof(*order), by_department, &c);
	struct pdoc d;
	struct buf t = {0}, name = {0}, phone = {0}, when = {0}, birth = {0};
	buf_addf(&t, "外来予約 連絡リスト Call list — %s%s%s (%zu件)", date, dept ? "  " : "", dept ? dept : "",
	         c.nrows);
	struct buf shown = {0};
	store_as_of_text(&meta, &shown);
	pdoc_init(&d, out_file, t.data, buf_cstr(&shown));
	buf_release(&shown);
	pdoc_new_page(&d);
	static const double w[] = {40, 62, 112, 88, 66, 92, 67};
	static const char *const head[] = {"時刻", "ID", "氏名 / カナ", "生年月日", "種別 / 担当", "電話", "連絡結果"};
	const char *cur = NULL;
	for (size_t i = 0; i < c.nrows; i++) {
		size_t k = order[i];
		const char *dp = cell(&c, k, STORE_APPT_DEPT) ? cell(&c, k, STORE_APPT_DEPT) : "(科不明)";
		if (!cur || strcmp(cur, dp)) {
			cur = dp;
			buf_reset(&t);
			buf_addf(&t, "%s", dp);
			pdoc_heading(&d, t.data);
			double x = PDOC_LEFT;
			for (size_t j = 0; j < LB_ARRAY_LEN(w); j++) {
				pdoc_text(&d, x + 2, d.y, w[j] - 4, 8, PT_BOLD, head[j]);
				x += w[j];
			}
			d.y += 13;
		}
		const char *fk = cell(&c, k, STORE_APPT_FAMILY_KANJI), *gk = cell(&c, k, STORE_APPT_GIVEN_KANJI);
		const char *fa = cell(&c, k, STORE_APPT_FAMILY_KANA), *ga = cell(&c, k, STORE_APPT_GIVEN_KANA);
		buf_reset(&name);
		const char *rec = cell(&c, k, STORE_APPT_RECORD);
		if (rec && !strcmp(rec, "0"))
			buf_adds(&name, STORE_NO_RECORD);
		else
			buf_addf(&name, "%s %s\n%s %s", fk ? fk : "", gk ? gk : "", fa ? fa : "", ga ? ga : "");
		/* the phone to call: the booking's, else the mobile, else home (the store's choice); home besides */
		const char *ph = cell(&c, k, STORE_APPT_PHONE), *home = cell(&c, k, STORE_APPT_PHONE_HOME);
		buf_reset(&phone);
		buf_addf(&phone, "%s", ph ? ph : "(電話番号なし)");
		if (home && strcmp(home, ph ? ph : ""))
			buf_addf(&phone, "\n自宅 %s", home);
		const char *start = cell(&c, k, STORE_APPT_START), *status = cell(&c, k, STORE_APPT_STATUS);
		const char *kind = cell(&c, k, STORE_APPT_KIND), *clin = cell(&c, k, STORE_APPT_CLINICIAN);
		const char *note = cell(&c, k, STORE_APPT_NOTE);
		buf_reset(&when);
		buf_addf(&when, "%.5s", start && strlen(start) >= 16 ? start + 11 : "");
		int cancelled = status && !strcmp(status, "cancelled");
		buf_reset(&t);
		buf_addf(&t, "%s\n%s%s%s%s", kind ? kind : "", clin ? clin : "",
		         cancelled ? "\n【取消済 cancelled】" : "", note ? "\n" : "", note ? note : "");
		print_birth(&birth, cell(&c, k, STORE_APPT_BIRTH), today);
		const char *cells[] = {
		        when.data, cell(&c, k, STORE_APPT_PATIENT), name.data, birth.data, t.data, phone.data, NULL};
		double h = 0;
		for (size_t j = 0; j + 1 < LB_ARRAY_LEN(w); j++) {
			double ch = pdoc_text_height(&d, w[j] - 4, 8, 0, cells[j] ? cells[j] : "");
			if (ch > h)
				h = ch;
		}
		h += 6;
		if (h < 30)
			h = 30;
		pdoc_need(&d, h);
		double x = PDOC_LEFT, yy = d.y;
		for (size_t j = 0; j < LB_ARRAY_LEN(w); j++) {
			if (j + 1 < LB_ARRAY_LEN(w))
				pdoc_text(&d, x + 2, yy + 3, w[j] - 4, 8, j == 5 ? PT_BOLD : 0,
				          cells[j] ? cells[j] : "");
			else {
				static const char *const r[] = {"済", "不通", "再"};
				for (int b = 0; b < 3; b++) {
					pdoc_box(&d, x + 3 + b * 21, yy + 4, 8);
					pdoc_text(&d, x + 12 + b * 21, yy + 3, 12, 6.5, 0, r[b]);
				}
			}
			pdoc_rect(&d, x, yy, w[j], h, 0.5);
			x += w[j];
		}
		d.y = yy + h;
	}
	if (!c.nrows)
		pdoc_text(&d, PDOC_LEFT, d.y, 400, 10, 0, "この日の予約はありません / no bookings on this day");
	if (st)
		st->calls += (long)c.nrows;
	free(order);
	store_table_release(&c);
	buf_release(&t);
	buf_release(&name);
	buf_release(&phone);
	buf_release(&when);
	buf_release(&birth);
	return pdoc_finish(&d, st);
}
