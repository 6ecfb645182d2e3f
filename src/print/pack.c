/*
 * pack.c - a ward's pack: the census sheet, one summary per patient (identification banner, allergies first,
 * active medicines and injections, problems, recent results) and the order forms with each patient's header filled
 * in; print_pack loads the ward's patients once and writes every part (mar.c, labels.c draw the others).
 */
#include "print_int.h"

#include <stdlib.h>
#include <string.h>

/* A table row: cells of the given widths, wrapped; returns the row height. measure: draw nothing. Drawing lays
 * each cell out once (text first, then the borders at the row's height). */
static double row(struct pdoc *d, double y, const double *w, const char *const *cell, int n, double size, int flags,
                  int measure)
{
	double h = 0, x = PDOC_LEFT;
	for (int i = 0; i < n; i++) {
		const char *t = cell[i] ? cell[i] : "";
		double ch = measure ? pdoc_text_height(d, w[i] - 4, size, flags, t)
		                    : pdoc_text(d, x + 2, y + 2, w[i] - 4, size, flags, t);
		if (ch > h)
			h = ch;
		x += w[i];
	}
	h += 4;
	if (measure)
		return h;
	x = PDOC_LEFT;
	for (int i = 0; i < n; i++) {
		pdoc_rect(d, x, y, w[i], h, 0.5);
		x += w[i];
	}
	return h;
}

/* Draw a table row at d->y, with a page break (and the header row again) when needed. */
static void table_row(struct pdoc *d, const double *w, const char *const *head, const char *const *cell, int n,
                      double size)
{
	double h = row(d, 0, w, cell, n, size, 0, 1);
	if (pdoc_need(d, h) && head)
		d->y += row(d, d->y, w, head, n, size, PT_BOLD, 0);
	d->y += row(d, d->y, w, cell, n, size, 0, 0);
}

int print_census(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                 struct print_stats *st)
{
	struct pdoc d;
	struct buf t = {0};
	buf_addf(&t, "病棟患者一覧 Ward census — %s (%zu名)", ward, n);
	pdoc_init(&d, path, t.data, as_of);
	pdoc_new_page(&d);
	static const double w[] = {44, 62, 118, 92, 80, 68, 63};
	static const char *const head[] = {"室-床",       "ID",         "氏名 / カナ", "生年月日 / 性別",
	                                   "入院日 / 科", "アレルギー", "注意"};
	d.y += row(&d, d.y, w, head, 7, 8, PT_BOLD, 0);
	struct buf bed = {0}, name = {0}, kana = {0}, birth = {0}, adm = {0}, allergy = {0}, note = {0};
	for (size_t i = 0; i < n; i++) {
		const struct store_patient_view *p = &v[i];
		buf_reset(&bed);
		buf_addf(&bed, "%s-%s", p->census.room ? p->census.room : "", p->census.bed ? p->census.bed : "");
		print_full_name(&name, p);
		print_full_kana(&kana, &p->patient);
		buf_addf(&name, "\n%s", kana.data);
		print_birth(&birth, p->patient.birth_date, p->today);
		buf_addf(&birth, "\n%s", print_sex_ja(p->patient.sex));
		buf_reset(&adm);
		buf_addf(&adm, "%.10s\n%s\n%s", p->census.since ? p->census.since : "",
		         p->census.department ? p->census.department : "",
		         p->census.attending ? p->census.attending : "");
		print_allergy_line(&allergy, p);
		buf_reset(&note);
		if (p->same_full_name)
			buf_addf(&note, "同姓同名 ×%d\n", p->same_full_name + 1);
		if (p->census.same_surname_in_ward)
			buf_adds(&note, "病棟内同姓\n");
		const char *cell[] = {bed.data, p->patient.id, name.data, birth.data,
		                      adm.data, allergy.data,  note.data};
		table_row(&d, w, head, cell, 7, 8);
	}
	buf_release(&t);
	buf_release(&bed);
	buf_release(&name);
	buf_release(&kana);
	buf_release(&birth);
	buf_release(&adm);
	buf_release(&allergy);
	buf_release(&note);
	return pdoc_finish(&d, st);
}

static void med_cells(const struct ehr_medication *m, struct buf *dose, struct buf *when)
{
	buf_reset(dose);
	buf_reset(when);
	if (m->dose > 0)
		buf_addf(dose, "1回 %g%s", m->dose, m->dose_unit ? m->dose_unit : "");
	if (m->per_day > 0)
		buf_addf(dose, "%s1日%g回", dose->len ? "\n" : "", m->per_day);
	/* start and planned end: "2026-11-20〜 11/25まで (until 11/25)" */
	char until[11];
	store_med_until(m, until);
	buf_addf(when, "%.10s〜", m->start ? m->start : "");
	if (until[0]) {
		buf_adds(when, " ");
		print_short_day(when, until);
		buf_adds(when, "まで (until ");
		print_short_day(when, until);
		buf_adds(when, ")");
	}
	if (m->days > 0)
		buf_addf(when, "\n%d日分", m->days);
}

static void summary_meds(struct pdoc *d, const struct store_patient_view *v, enum ehr_order_kind kind)
{
	static const double w[] = {190, 80, 120, 55, 82};
	static const char *const head[] = {"薬品名", "用量", "用法", "経路", "期間"};
	pdoc_heading(d, kind == EHR_ORDER_RX ? "処方中の薬 Active medicines" : "注射・点滴 Injections");
	int any = 0;
	struct buf dose = {0}, when = {0};
	for (size_t i = 0; i < v->n_medications; i++) {
		const struct ehr_medication *m = &v->medications[i];
		if (m->kind != kind || print_med_repeated(v, i))
			continue;
		if (!any)
			d->y += row(d, d->y, w, head, 5, 8, PT_BOLD, 0);
		any = 1;
		med_cells(m, &dose, &when);
		const char *cell[] = {m->drug_name, dose.data, m->frequency, m->route, when.data};
		table_row(d, w, head, cell, 5, 8);
	}
	if (!any) {
		pdoc_text(d, PDOC_LEFT + 4, d->y, 400, 9, 0, "なし (記録なし) / none recorded");
		d->y += 14;
	}
	d->y += 6;
	buf_release(&dose);
	buf_release(&when);
}

/* The medicines that ended lately, marked and dated: 「処方なし」 must not be read for a course that just ended. */
static void summary_history(struct pdoc *d, const struct store_patient_view *v, struct buf *t)
{
	char head[96];
	snprintf(head, sizeof(head), "薬歴 (直近%d日以内に終了) Ended in the last %d days", STORE_HISTORY_DAYS,
	         STORE_HISTORY_DAYS);
	pdoc_heading(d, head);
	if (!v->n_history) {
		pdoc_text(d, PDOC_LEFT + 4, d->y, 400, 9, 0, "なし / none");
		d->y += 14;
	}
	for (size_t i = 0; i < v->n_history; i++) {
		const struct ehr_medication *m = &v->history[i];
		const char *st = m->status && !strcmp(m->status, "completed")   ? "完了"
		                 : m->status && !strcmp(m->status, "cancelled") ? "中止"
		                                                                : "終了";
		buf_reset(t);
		buf_addf(t, "[%s] %s  %s  %g%s  %s  %.10s〜%s", st, m->kind == EHR_ORDER_INJECTION ? "注射" : "処方",
		         m->drug_name   ? m->drug_name
		         : m->drug_code ? m->drug_code
		                        : "?",
		         m->dose, m->dose_unit ? m->dose_unit : "", m->frequency ? m->frequency : "",
		         m->start ? m->start : "", m->end ? m->end : "");
		double h = pdoc_text_height(d, PDOC_RIGHT - PDOC_LEFT - 8, 9, PT_GRAY, t->data);
		pdoc_need(d, h + 2);
		pdoc_text(d, PDOC_LEFT + 4, d->y, PDOC_RIGHT - PDOC_LEFT - 8, 9, PT_GRAY, t->data);
		d->y += h + 2;
	}
	d->y += 6;
}

/* Diet first (food allergies and 禁食 matter on paper), then exam and lab orders. */
static void summary_orders(struct pdoc *d, const struct store_patient_view *v, struct buf *t)
{
	if (!v->n_orders)
		return;
	pdoc_heading(d, "オーダ (食事・検査) Orders: diet, exams, lab");
	for (size_t i = 0; i < v->n_orders; i++) {
		const struct ehr_order *x = &v->orders[i];
		buf_reset(t);
		buf_addf(t, "[%s] %s%s  %s  %s  %s",
		         x->cls == EHR_ORDER_DIET  ? "食事"
		         : x->cls == EHR_ORDER_LAB ? "検体検査"
		                                   : "検査",
		         x->name ? x->name : "?",
		         x->status && !strcmp(x->status, "completed")   ? " (実施済)"
		         : x->status && !strcmp(x->status, "cancelled") ? " (中止)"
		                                                        : "",
		         x->detail ? x->detail : "", x->frequency ? x->frequency : "",
		         x->start     ? x->start
		         : x->ordered ? x->ordered
		                      : "");
		int flags = x->cls == EHR_ORDER_DIET ? PT_BOLD : 0;
		double h = pdoc_text_height(d, PDOC_RIGHT - PDOC_LEFT - 8, 9, flags, t->data);
		pdoc_need(d, h + 2);
		pdoc_text(d, PDOC_LEFT + 4, d->y, PDOC_RIGHT - PDOC_LEFT - 8, 9, flags, t->data);
		d->y += h + 2;
	}
	d->y += 6;
}

static void summary_one(struct pdoc *d, const struct store_patient_view *v)
{
	struct buf name = {0}, t = {0};
	print_full_name(&name, v);
	pdoc_patient(d, v->patient.id, name.data);
	pdoc_new_page(d);
	print_banner(d, v);
	/* Allergies first, framed: the check paper loses first. */
	pdoc_heading(d, "アレルギー・禁忌 Allergies");
	if (!v->n_allergies && v->no_known_allergies) {
		pdoc_text(d, PDOC_LEFT + 4, d->y, 400, 10, PT_BOLD,
		          "アレルギーなし (NKA の記録あり) / no known allergies");
		d->y += 16;
	} else if (!v->n_allergies) {
		pdoc_text(d, PDOC_LEFT + 4, d->y, 400, 10, PT_BOLD, "なし (記録なし) / none recorded");
		d->y += 16;
	}
	for (size_t i = 0; i < v->n_allergies; i++) {
		const struct ehr_allergy *a = &v->allergies[i];
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = a->name && v->allergies[j].name && !strcmp(a->name, v->allergies[j].name);
		if (seen)
			continue;
		buf_reset(&t);
		buf_addf(&t, "● %s  [%s]  %s%s%s  %s",
		         a->name   ? a->name
		         : a->code ? a->code
		                   : "?",
		         a->kind == EHR_ALLERGY_DRUG   ? "薬剤"
		         : a->kind == EHR_ALLERGY_FOOD ? "食物"
		                                       : "その他",
		         a->reaction ? a->reaction : "", a->severity ? " / " : "",
		         a->severity ? ehr_severity_word(a->severity, 1) : "", a->recorded ? a->recorded : "");
		double h = pdoc_text_height(d, PDOC_RIGHT - PDOC_LEFT - 8, 10.5, PT_BOLD, t.data);
		pdoc_need(d, h + 2);
		pdoc_text(d, PDOC_LEFT + 4, d->y, PDOC_RIGHT - PDOC_LEFT - 8, 10.5, PT_BOLD, t.data);
		d->y += h + 2;
	}
	d->y += 6;
	if (v->n_raw_types) {
		/* nobody may take the record for complete when it is not */
		buf_reset(&t);
		buf_adds(&t, "この記録に含まれない情報 (原文のみ保存・未読込) / not in this record (kept raw only):");
		for (size_t i = 0; i < v->n_raw_types; i++)
			buf_addf(&t, " %s ×%d", v->raw_types[i].data_type, v->raw_types[i].n);
		double h = pdoc_text_height(d, PDOC_RIGHT - PDOC_LEFT - 8, 9, PT_BOLD, t.data);
		pdoc_need(d, h + 4);
		pdoc_text(d, PDOC_LEFT + 4, d->y, PDOC_RIGHT - PDOC_LEFT - 8, 9, PT_BOLD, t.data);
		d->y += h + 6;
	}
	summary_meds(d, v, EHR_ORDER_RX);
	summary_meds(d, v, EHR_ORDER_INJECTION);
	summary_history(d, v, &t);
	summary_orders(d, v, &t);
	pdoc_heading(d, "病名 Problems");
	int any = 0;
	for (size_t i = 0; i < v->n_diagnoses; i++) {
		const struct ehr_diagnosis *x = &v->diagnoses[i];
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = x->name && v->diagnoses[j].name && !strcmp(x->name, v->diagnoses[j].name) &&
			       v->diagnoses[j].active == x->active;
		if (seen)
			continue;
		buf_reset(&t);
		buf_addf(&t, "%s%s  %s  %s%s", x->main ? "★" : "・", x->name ? x->name : "?", x->code ? x->code : "",
		         x->start ? x->start : "", x->active ? "" : "  (終了 ended)");
		pdoc_need(d, 13);
		pdoc_text(d, PDOC_LEFT + 4, d->y, PDOC_RIGHT - PDOC_LEFT - 8, 9, x->active ? 0 : PT_GRAY, t.data);
		d->y += 13;
		any = 1;
	}
	if (!any) {
		pdoc_text(d, PDOC_LEFT + 4, d->y, 400, 9, 0, "なし (記録なし) / none recorded");
		d->y += 14;
	}
	d->y += 6;
	pdoc_heading(d, "最近の検査結果 Recent results");
	static const double w[] = {110, 150, 90, 60, 117};
	static const char *const head[] = {"日時", "項目", "結果", "判定", "基準範囲"};
	size_t shown = 0;
	for (size_t i = 0; i < v->n_results && shown < 24; i++) {
		const struct ehr_result *r = &v->results[i];
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = r->name && v->results[j].name && !strcmp(r->name, v->results[j].name) && r->time &&
			       v->results[j].time && !strncmp(r->time, v->results[j].time, 16);
		if (seen)
			continue;
		if (!shown)
			d->y += row(d, d->y, w, head, 5, 8, PT_BOLD, 0);
		buf_reset(&t);
		buf_addf(&t, "%s %s", r->value ? r->value : "", r->unit ? r->unit : "");
		char when[20];
		snprintf(when, sizeof(when), "%.16s", r->time ? r->time : "");
		if (strlen(when) > 10)
			when[10] = ' ';
		const char *cell[] = {when, r->name, t.data, r->flag && strcmp(r->flag, "N") ? r->flag : "",
		                      r->reference};
		table_row(d, w, head, cell, 5, 8);
		shown++;
	}
	if (!shown) {
		pdoc_text(d, PDOC_LEFT + 4, d->y, 400, 9, 0, "なし (記録なし) / none recorded");
		d->y += 14;
	}
	buf_release(&name);
	buf_release(&t);
}

int print_summaries(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                    struct print_stats *st)
{
	struct pdoc d;
	struct buf t = {0};
	buf_addf(&t, "患者サマリー Patient summary — %s", ward);
	pdoc_init(&d, path, t.data, as_of);
	buf_release(&t);
	for (size_t i = 0; i < n; i++)
		summary_one(&d, &v[i]);
	return pdoc_finish(&d, st);
}

int print_order_forms(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                      struct print_stats *st)
{
	struct pdoc d;
	struct buf t = {0}, name = {0};
	buf_addf(&t, "指示・依頼用紙 Order forms — %s", ward);
	pdoc_init(&d, path, t.data, as_of);
	static const enum print_form forms[] = {PF_PRESCRIPTION, PF_INJECTION, PF_LAB};
	for (size_t i = 0; i < n; i++) {
		print_full_name(&name, &v[i]);
		pdoc_patient(&d, v[i].patient.id, name.data);
		for (size_t f = 0; f < LB_ARRAY_LEN(forms); f++) {
			pdoc_set_title(&d, print_form_title(forms[f]));
			pdoc_new_page(&d);
			print_form_page(&d, forms[f], &v[i]);
		}
	}
	buf_release(&t);
	buf_release(&name);
	return pdoc_finish(&d, st);
}

static const char *const part_files[PRINT_PARTS] = {"1_census.pdf",     "2_summaries.pdf",   "3_medication_sheets.pdf",
                                                    "4_wristbands.pdf", "5_order_forms.pdf", "6_order_labels.pdf"};

const char *print_part_file(enum print_part part)
{
	return (unsigned)part < PRINT_PARTS ? part_files[part] : "?";
}

/* The patients the parts are drawn from: a ward's census (title = the ward) or one patient (title = the ward they
 * lie in, or 外来 outpatient). */
struct pack_src {
	struct store_patient_view *v;
	size_t n;
	struct store_meta m;
	char title[128];
};

static void src_release(struct pack_src *p)
{
	for (size_t i = 0; i < p->n; i++)
		store_patient_view_release(&p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int src_load(struct store *s, const char *ward, const char *patient_id, struct pack_src *p)
{
	memset(p, 0, sizeof(*p));
	int rc = 0;
	if (patient_id) {
		p->v = lb_calloc(1, sizeof(*p->v));
		rc = store_patient_get(s, patient_id, &p->v[0]);
		p->n = 1;
		if (rc == 0)
			snprintf(p->title, sizeof(p->title), "%s",
			         p->v[0].census.in_ward && p->v[0].census.ward ? p->v[0].census.ward
			                                                       : "外来 outpatient");
	} else {
		struct store_table census;
		if ((rc = store_census_list(s, ward, &census)) < 0)
			return rc;
		if (!census.nrows) {
			store_table_release(&census);
			return lb_error_tr(LB_ENOTFOUND, "no patient is admitted to ward '%s'",
			                   "病棟 '%s' に入院中の患者はいません", ward);
		}
		p->v = lb_calloc(census.nrows, sizeof(*p->v));
		for (; p->n < census.nrows && rc == 0; p->n++)
			rc = store_patient_get(s, store_cell(&census, p->n, STORE_CEN_ID), &p->v[p->n]);
		store_table_release(&census);
		snprintf(p->title, sizeof(p->title), "%s", ward);
	}
	if (rc == 0)
		rc = store_meta_get(s, &p->m);
	if (rc < 0)
		src_release(p);
	return rc;
}

static int write_part_as(const struct pack_src *p, enum print_part part, const char *path, const struct print_opts *o,
                         const char *as_of, struct print_stats *st);

static int write_part(const struct pack_src *p, enum print_part part, const char *path, const struct print_opts *o,
                      struct print_stats *st)
{
	struct buf shown = {0}; /* the as-of as printed: 2026/11/24 20:29, or 取込時刻 … (データ時点不明) */
	store_as_of_text(&p->m, &shown);
	int rc = write_part_as(p, part, path, o, buf_cstr(&shown), st);
	buf_release(&shown);
	return rc;
}

static int write_part_as(const struct pack_src *p, enum print_part part, const char *path, const struct print_opts *o,
                         const char *as_of, struct print_stats *st)
{
	switch (part) {
	case PRINT_CENSUS:
		return print_census(path, p->title, p->v, p->n, as_of, st);
	case PRINT_SUMMARIES:
		return print_summaries(path, p->title, p->v, p->n, as_of, st);
	case PRINT_MEDICATION_SHEETS: {
		char from[11];
		int rc = print_start_day(o, p->m.as_of, from);
		return rc < 0 ? rc
		              : print_mar(path, p->title, p->v, p->n, as_of, o && o->mar_days > 0 ? o->mar_days : 3,
		                          from, st);
	}
	case PRINT_WRISTBANDS:
		return print_wristbands(path, p->title, p->v, p->n, as_of, st);
	case PRINT_ORDER_FORMS:
		return print_order_forms(path, p->title, p->v, p->n, as_of, st);
	case PRINT_ORDER_LABELS:
		return print_order_labels(path, p->title, p->v, p->n, as_of, st);
	default:
		return lb_error_tr(LB_EINVAL, "no such part of a pack (%d)", "印刷一式にその部分はありません (%d)",
		                   (int)part);
	}
}

int print_part(struct store *s, const char *ward, const char *patient_id, enum print_part part, const char *out_file,
               const struct print_opts *o, struct print_stats *st)
{
	if ((unsigned)part >= PRINT_PARTS)
		return lb_error_tr(LB_EINVAL, "no such part of a pack (%d)", "印刷一式にその部分はありません (%d)",
		                   (int)part);
	if (part == PRINT_CENSUS && patient_id)
		return lb_error_tr(LB_EINVAL, "the census is a ward's, not a patient's",
		                   "病棟一覧は病棟ごとに印刷します (患者ごとではありません)");
	if (!patient_id && (!ward || !*ward))
		return lb_error_tr(LB_EINVAL, "a ward or a patient is needed", "病棟か患者の指定が必要です");
	struct pack_src p;
	int rc = src_load(s, ward, patient_id, &p);
	if (rc < 0)
		return rc;
	rc = write_part(&p, part, out_file, o, st);
	src_release(&p);
	return rc;
}

int print_pack(struct store *s, const char *ward, const char *out_dir, const struct print_opts *o,
               struct print_stats *st)
{
	struct print_stats local = {0};
	if (!st)
		st = &local;
	struct pack_src p;
	int rc = src_load(s, ward, NULL, &p);
	if (rc < 0)
		return rc;
	rc = lb_mkdirs(out_dir, 0755);
	struct buf path = {0};
	for (int f = 0; f < PRINT_PARTS && rc == 0; f++) {
		buf_reset(&path);
		lb_path_join(&path, out_dir, part_files[f]);
		rc = write_part(&p, (enum print_part)f, path.data, o, st);
		if (o && o->progress)
			lb_progress_add(o->progress, 1);
	}
	if (rc == 0)
		rc = print_pack_numbers(out_dir, ward, o, st);
	if (rc == 0) {
		st->patients += (long)p.n;
		st->wards++;
	}
	buf_release(&path);
	src_release(&p);
	return rc;
}
