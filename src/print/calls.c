/*
 * calls.c - the outpatient call list of one day: every booking by department and time, with the patient's name
 * (kanji and kana), birth date, the phone to call (the booking's, else mobile, else home) and boxes for the call's
 * result. On day one of the Osaka outage the hospital could not even print the next day's patient list.
 */
#include "print_int.h"

#include <string.h>

int print_appointments(struct store *s, const char *date, const char *dept, const char *out_file,
                       struct print_stats *st)
{
	int y, m, d0;
	if (!date || strlen(date) != 10 || text_parse_date(date, &y, &m, &d0) < 0)
		return lb_error(LB_EUSAGE, "'%s' is not a date (YYYY-MM-DD)", date ? date : "");
	struct store_calls c;
	int rc = store_calls_on(s, date, dept, &c);
	if (rc < 0)
		return rc;
	struct store_meta meta;
	if ((rc = store_meta_get(s, &meta)) < 0) {
		store_calls_release(&c);
		return rc;
	}
	struct pdoc d;
	struct buf t = {0}, name = {0}, phone = {0}, when = {0}, birth = {0};
	buf_addf(&t, "外来予約 連絡リスト Call list — %s%s%s (%zu件)", date, dept ? "  " : "", dept ? dept : "", c.n);
	pdoc_init(&d, out_file, t.data, meta.as_of);
	pdoc_new_page(&d);
	static const double w[] = {40, 62, 112, 88, 66, 92, 67};
	static const char *const head[] = {"時刻", "ID", "氏名 / カナ", "生年月日", "種別 / 担当", "電話", "連絡結果"};
	const char *cur = NULL;
	for (size_t i = 0; i < c.n; i++) {
		const struct store_call *k = &c.v[i];
		const char *dp = k->appt.department ? k->appt.department : "(科不明)";
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
		buf_reset(&name);
		buf_addf(&name, "%s %s\n%s %s", k->family_kanji ? k->family_kanji : "",
		         k->given_kanji ? k->given_kanji : "", k->family_kana ? k->family_kana : "",
		         k->given_kana ? k->given_kana : "");
		buf_reset(&phone);
		const char *ph = k->appt.phone ? k->appt.phone : k->phone_mobile ? k->phone_mobile : k->phone_home;
		buf_addf(&phone, "%s", ph ? ph : "(電話番号なし)");
		if (k->phone_home && ph != k->phone_home && strcmp(k->phone_home, ph ? ph : ""))
			buf_addf(&phone, "\n自宅 %s", k->phone_home);
		buf_reset(&when);
		buf_addf(&when, "%.5s", k->appt.start && strlen(k->appt.start) >= 16 ? k->appt.start + 11 : "");
		int cancelled = k->appt.status && !strcmp(k->appt.status, "cancelled");
		buf_reset(&t);
		buf_addf(&t, "%s\n%s%s%s%s", k->appt.kind ? k->appt.kind : "",
		         k->appt.clinician ? k->appt.clinician : "", cancelled ? "\n【取消済 cancelled】" : "",
		         k->appt.note && *k->appt.note ? "\n" : "", k->appt.note ? k->appt.note : "");
		print_birth(&birth, k->birth_date, meta.as_of);
		const char *cell[] = {when.data, k->appt.patient_id, name.data, birth.data, t.data, phone.data, NULL};
		double h = 0;
		for (size_t j = 0; j + 1 < LB_ARRAY_LEN(w); j++) {
			double ch = pdoc_text_height(&d, w[j] - 4, 8, 0, cell[j] ? cell[j] : "");
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
				pdoc_text(&d, x + 2, yy + 3, w[j] - 4, 8, j == 5 ? PT_BOLD : 0, cell[j] ? cell[j] : "");
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
	if (!c.n)
		pdoc_text(&d, PDOC_LEFT, d.y, 400, 10, 0, "この日の予約はありません / no bookings on this day");
	if (st)
		st->calls += (long)c.n;
	store_calls_release(&c);
	buf_release(&t);
	buf_release(&name);
	buf_release(&phone);
	buf_release(&when);
	buf_release(&birth);
	return pdoc_finish(&d, st);
}
