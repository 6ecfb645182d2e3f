/*
 * patient.c - what every page about one patient shows the same way: names (kanji and kana, as the source sent
 * them), birth date with its era and age, sex, blood group, allergies in one line, and the identification banner
 * with the same-name warnings that paper otherwise loses.
 */
#include "print_int.h"

#include <stdlib.h>
#include <string.h>

void print_full_name(struct buf *b, const struct store_patient_view *v)
{
	const struct ehr_patient *p = &v->patient;
	buf_reset(b);
	if (v->no_record) {
		buf_adds(b, STORE_NO_RECORD);
		return;
	}
	buf_addf(b, "%s%s%s", p->family_kanji ? p->family_kanji : "", p->family_kanji && p->given_kanji ? " " : "",
	         p->given_kanji ? p->given_kanji : "");
	if (!b->len)
		buf_adds(b, "(氏名なし)");
}

void print_full_kana(struct buf *b, const struct ehr_patient *p)
{
	buf_reset(b);
	buf_addf(b, "%s%s%s", p->family_kana ? p->family_kana : "", p->family_kana && p->given_kana ? " " : "",
	         p->given_kana ? p->given_kana : "");
}

void print_birth(struct buf *b, const char *birth, const char *today)
{
	buf_reset(b);
	int y, m, d;
	if (!birth || text_parse_date(birth, &y, &m, &d) < 0) {
		buf_adds(b, birth && *birth ? birth : "生年月日不明");
		return;
	}
	buf_addf(b, "%04d-%02d-%02d (", y, m, d);
	text_format_era(b, y, m, d);
	buf_addch(b, ')');
	/* the one age rule: completed years on today (lb_today), as rx_check and the station count it */
	int ty, tm, td;
	if (!today || lb_parse_day(today, &ty, &tm, &td) < 0)
		return;
	int months = lb_age_months(y, m, d, ty, tm, td);
	if (months >= 0 && months < 150 * 12)
		buf_addf(b, " %d歳", months / 12);
}

void print_short_day(struct buf *b, const char *day)
{
	int y, m, d;
	char t[11];
	snprintf(t, sizeof(t), "%.10s", day ? day : "");
	if (lb_parse_day(t, &y, &m, &d) == 0)
		buf_addf(b, "%d/%d", m, d);
	else
		buf_adds(b, day ? day : "");
}

int print_start_day(const struct print_opts *o, const char *as_of, char day[11])
{
	int y, m, d;
	if (o && o->from) {
		if (lb_parse_day(o->from, &y, &m, &d) < 0)
			return lb_error_tr(LB_EUSAGE, "'%s' is not a date (YYYY-MM-DD)",
			                   "'%s' は日付ではありません (YYYY-MM-DD)", o->from);
		snprintf(day, 11, "%s", o->from);
		return 0;
	}
	lb_today(day, as_of);
	return 0;
}

const char *print_sex_ja(char sex)
{
	return sex == 'M' ? "男 M" : sex == 'F' ? "女 F" : sex == 'O' ? "その他" : "不明";
}

void print_allergy_line(struct buf *b, const struct store_patient_view *v)
{
	buf_reset(b);
	for (size_t i = 0; i < v->n_allergies; i++) {
		const struct ehr_allergy *a = &v->allergies[i];
		const char *name = a->name ? a->name : a->code ? a->code : "?";
		/* the same allergy often comes from two exports: list it once */
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++) {
			const char *o = v->allergies[j].name ? v->allergies[j].name : v->allergies[j].code;
			seen = o && !strcmp(o, name);
		}
		if (seen)
			continue;
		buf_addf(b, "%s%s", b->len ? "; " : "", name);
		if (a->reaction)
			buf_addf(b, "(%s)", a->reaction);
	}
	if (!b->len)
		buf_adds(b, "なし (記録なし) / none recorded");
}

void print_banner(struct pdoc *d, const struct store_patient_view *v)
{
	const struct ehr_patient *p = &v->patient;
	struct buf name = {0}, kana = {0}, t = {0};
	print_full_name(&name, v);
	print_full_kana(&kana, p);
	double x = PDOC_LEFT, w = PDOC_RIGHT - PDOC_LEFT, y0 = d->y;
	pdoc_need(d, 90);
	y0 = d->y;
	pdoc_text(d, x + 6, y0 + 4, 300, 8.5, 0, kana.data);
	pdoc_text(d, x + 6, y0 + 15, 300, 20, PT_BOLD | PT_ONELINE, name.data);
	buf_addf(&t, "ID %s", p->id);
	pdoc_text(d, x + 310, y0 + 6, w - 316, 14, PT_BOLD, t.data);
	buf_reset(&t);
	struct buf birth = {0};
	print_birth(&birth, p->birth_date, v->today);
	buf_addf(&t, "生年月日 %s   性別 %s   血液型 %s%s", birth.data, print_sex_ja(p->sex),
	         p->blood_abo ? p->blood_abo : "不明", p->blood_rh ? (strcmp(p->blood_rh, "-") ? " Rh+" : " Rh-") : "");
	double h = pdoc_text(d, x + 6, y0 + 44, w - 12, 9, 0, t.data);
	buf_reset(&t);
	if (v->census.in_ward)
		buf_addf(&t, "病棟 %s  %s号室 %s床   入院 %.10s   %s   主治医 %s", v->census.ward,
		         v->census.room ? v->census.room : "-", v->census.bed ? v->census.bed : "-",
		         v->census.since ? v->census.since : "-", v->census.department ? v->census.department : "",
		         v->census.attending ? v->census.attending : "");
	else
		buf_adds(&t, "外来 (入院中ではありません)");
	h += pdoc_text(d, x + 6, y0 + 46 + h, w - 12, 9, 0, t.data);
	double yb = y0 + 48 + h;
	if (v->same_full_name || v->census.same_surname_in_ward) {
		buf_reset(&t);
		if (v->same_full_name)
			buf_addf(&t, "【同姓同名あり SAME NAME ×%d — 生年月日で確認】 ", v->same_full_name + 1);
		if (v->census.same_surname_in_ward)
			buf_adds(&t, "【病棟内に同姓の患者 SAME SURNAME IN WARD】");
		double hh = pdoc_text_height(d, w - 12, 10, PT_BOLD, t.data) + 4;
		pdoc_fill(d, x + 2, yb, w - 4, hh, 0.0);
		pdoc_text(d, x + 6, yb + 2, w - 12, 10, PT_BOLD | PT_WHITE, t.data);
		yb += hh + 2;
	}
	pdoc_rect(d, x, y0, w, yb - y0 + 2, 1.6);
	d->y = yb + 8;
	buf_release(&name);
	buf_release(&kana);
	buf_release(&t);
	buf_release(&birth);
}

int print_med_repeated(const struct store_patient_view *v, size_t i)
{
	const struct ehr_medication *m = &v->medications[i];
	for (size_t j = 0; j < i; j++) {
		const struct ehr_medication *o = &v->medications[j];
		if (o->kind == m->kind && o->order_no && m->order_no && !strcmp(o->order_no, m->order_no) &&
		    o->drug_code && m->drug_code && !strcmp(o->drug_code, m->drug_code))
			return 1;
	}
	return 0;
}
