/*
 * labels.c - wristband labels (リストバンド): kanji and kana name, patient ID, birth date with its era, sex, blood
 * group, ward and bed, and a Code 128 barcode of the ID that the bedside scanner (or zbarimg) reads back. Fourteen
 * labels of 92 × 32 mm to an A4 sheet, two per patient: one for the band, one spare for the chart.
 */
#include "print_int.h"

#include <string.h>

#define LABEL_W 262.0
#define LABEL_H 92.0
#define LABEL_COLS 2
#define LABEL_ROWS 7
#define LABEL_GAP_X 3.0
#define LABEL_GAP_Y 10.0

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
	print_birth(&birth, p->birth_date, v->as_of);
	buf_addf(&t, "%s\n%s  血液型 %s%s", birth.data, print_sex_ja(p->sex), p->blood_abo ? p->blood_abo : "不明",
	         p->blood_rh ? (strcmp(p->blood_rh, "-") ? " Rh+" : " Rh-") : "");
	if (v->census.in_ward)
		buf_addf(&t, "  %s %s-%s", v->census.ward, v->census.room ? v->census.room : "",
		         v->census.bed ? v->census.bed : "");
	pdoc_text(d, x + 6, y + 52, LABEL_W - 12, 7.5, 0, t.data);
	int rc = print_code128(d->cr, x + 156, y + 6, LABEL_W - 162, 40, p->id);
	buf_release(&t);
	buf_release(&birth);
	return rc;
}

int print_wristbands(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                     struct print_stats *st)
{
	struct pdoc d;
	struct buf t = {0};
	buf_addf(&t, "リストバンド Wristband labels — %s", ward);
	pdoc_init(&d, path, t.data, as_of);
	buf_release(&t);
	int rc = 0;
	size_t slot = LABEL_COLS * LABEL_ROWS;
	for (size_t i = 0; i < n && rc == 0; i++) {
		for (int copy = 0; copy < 2 && rc == 0; copy++) {
			if (slot == LABEL_COLS * LABEL_ROWS) {
				pdoc_new_page(&d);
				slot = 0;
			}
			double x = PDOC_LEFT + (double)(slot % LABEL_COLS) * (LABEL_W + LABEL_GAP_X);
			double y = PDOC_TOP + (double)(slot / LABEL_COLS) * (LABEL_H + LABEL_GAP_Y);
			rc = label(&d, x, y, &v[i]);
			slot++;
		}
	}
	if (rc < 0) {
		pdoc_discard(&d);
		return rc;
	}
	return pdoc_finish(&d, st);
}
