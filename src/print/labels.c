/*
 * labels.c - wristband labels (リストバンド): kanji and kana name, patient ID, birth date with its era, sex, blood
 * group, ward and bed, and a Code 128 barcode of the ID that the bedside scanner (or zbarimg) reads back, and along
 * the bottom, white on black, the two marks the census and summary carry: 「アレルギー」 with the allergens (each
 * once) and 「同姓同名 ×n」 (or 「病棟内同姓」). Fourteen
 * labels of 92 × 32 mm to an A4 sheet, two per patient: one for the band, one spare for the chart. The label sheet
 * (pages of 2 × 7 labels) is shared with the order labels (order_labels.c).
 */
#include "print_int.h"

#include <string.h>

void label_sheet_init(struct label_sheet *s, const char *path, const char *title, const char *ward, const char *as_of)
{
	struct buf t = {0};
	buf_addf(&t, "%s — %s", title, ward);
	pdoc_init(&s->d, path, t.data, as_of);
	buf_release(&t);
	s->slot = LABEL_COLS * LABEL_ROWS;
}

void label_sheet_next(struct label_sheet *s, double *x, double *y)
{
	if (s->slot == LABEL_COLS * LABEL_ROWS) {
		pdoc_new_page(&s->d);
		s->slot = 0;
	}
	*x = PDOC_LEFT + (double)(s->slot % LABEL_COLS) * (LABEL_W + LABEL_GAP_X);
	*y = PDOC_TOP + (double)(s->slot / LABEL_COLS) * (LABEL_H + LABEL_GAP_Y);
	s->slot++;
}

int label_sheet_finish(struct label_sheet *s, int rc, struct print_stats *st)
{
	if (rc < 0) {
		pdoc_discard(&s->d);
		return rc;
	}
	return pdoc_finish(&s->d, st);
}

static int label(struct pdoc *d, double x, double y, const struct store_patient_view *v)
{
	const struct ehr_patient *p = &v->patient;
	struct buf t = {0};
	pdoc_rect(d, x, y, LABEL_W, LABEL_H, 0.8);
	print_full_kana(&t, p);
	pdoc_text(d, x + 6, y + 4, 150, 8, PT_ONELINE, t.data);
	print_full_name(&t, v);
	pdoc_text(d, x + 6, y + 14, 150, 15, PT_BOLD | PT_ONELINE, t.data);
	buf_reset(&t);
	buf_addf(&t, "ID %s", p->id);
	pdoc_text(d, x + 6, y + 35, 150, 11, PT_BOLD | PT_ONELINE, t.data);
	buf_reset(&t);
	struct buf birth = {0};
	print_birth(&birth, p->birth_date, v->today);
	buf_addf(&t, "%s\n%s  血液型 %s%s", birth.data, print_sex_ja(p->sex), p->blood_abo ? p->blood_abo : "不明",
	         p->blood_rh ? (strcmp(p->blood_rh, "-") ? " Rh+" : " Rh-") : "");
	if (v->census.in_ward)
		buf_addf(&t, "  %s %s-%s", v->census.ward, v->census.room ? v->census.room : "",
		         v->census.bed ? v->census.bed : "");
	pdoc_text(d, x + 6, y + 52, LABEL_W - 12, 7.5, 0, t.data);
	/* the marks: white on black along the bottom, large enough to read at the bedside */
	double my = y + LABEL_H - 17, mx = x + 4, right = x + LABEL_W - 4;
	struct buf mark = {0};
	if (v->same_full_name || v->census.same_surname_in_ward) {
		if (v->same_full_name)
			buf_addf(&mark, "同姓同名 ×%d", v->same_full_name + 1);
		else
			buf_adds(&mark, "病棟内同姓");
		double w = 62;
		pdoc_fill(d, right - w, my, w, 14, 0.0);
		pdoc_text(d, right - w + 2, my + 2, w - 4, 8, PT_BOLD | PT_WHITE | PT_ONELINE | PT_CENTER, mark.data);
		right -= w + 3;
	}
	if (v->n_allergies) {
		/* the allergens only (the reactions are on the summary), each once */
		buf_reset(&mark);
		buf_adds(&mark, "アレルギー ");
		for (size_t i = 0, n = 0; i < v->n_allergies; i++) {
			const struct ehr_allergy *a = &v->allergies[i];
			const char *name = a->name ? a->name : a->code ? a->code : "?";
			int seen = 0;
			for (size_t j = 0; j < i && !seen; j++) {
				const char *o = v->allergies[j].name ? v->allergies[j].name : v->allergies[j].code;
				seen = o && !strcmp(o, name);
			}
			if (!seen)
				buf_addf(&mark, "%s%s", n++ ? "・" : "", name);
		}
		pdoc_fill(d, mx, my, right - mx, 14, 0.0);
		pdoc_text(d, mx + 3, my + 2, right - mx - 6, 8, PT_BOLD | PT_WHITE | PT_ONELINE, mark.data);
	}
	buf_release(&mark);
	int rc = print_code128(d->cr, x + 156, y + 6, LABEL_W - 162, 40, p->id);
	buf_release(&t);
	buf_release(&birth);
	return rc;
}

int print_wristbands(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                     struct print_stats *st)
{
	struct label_sheet sh;
	label_sheet_init(&sh, path, "リストバンド Wristband labels", ward, as_of);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		for (int copy = 0; copy < 2 && rc == 0; copy++) {
			double x, y;
			label_sheet_next(&sh, &x, &y);
			rc = label(&sh.d, x, y, &v[i]);
		}
	}
	return label_sheet_finish(&sh, rc, st);
}
