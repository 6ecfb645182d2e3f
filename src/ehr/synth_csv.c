/*
 * synth_csv.c - the synthetic hospital's CSV feeds (docs/feeds.md): drugs.csv, the drug master, in UTF-8 with a
 * byte-order mark as Excel writes it; appointments.csv, the bookings of the next four weeks, in CP932 with CRLF
 * line ends as Japanese 医事 (billing and booking) systems export them.
 */
#include "synth_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append one CSV field (RFC 4180 quoting when needed). */
static void field(struct buf *b, const char *s, int last)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		buf_addch(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_addch(b, '"');
			buf_addch(b, *s);
		}
		buf_addch(b, '"');
	} else {
		buf_adds(b, s);
	}
	if (!last)
		buf_addch(b, ',');
}

int synth_drugs_write(const char *out_dir, struct ehr_synth_stats *st)
{
	struct buf b = {0}, p = {0};
	buf_adds(&b, "\xEF\xBB\xBF"
	             "code,name,generic_name,kana,form,unit,max_daily_dose,pregnancy,interaction_group,allergy_class,"
	             "min_age,max_age,contraindicated_group,therapeutic_class,strength,dosing_period,"
	             "narrow_therapeutic,high_alert,confusable,max_per_kg_day,elderly\n");
	for (size_t i = 0; i < synth_drug_count; i++) {
		const struct synth_drug *d = &synth_drugs[i];
		char max[32];
		snprintf(max, sizeof(max), "%g", d->max_daily);
		field(&b, d->code, 0);
		field(&b, d->name, 0);
		field(&b, d->generic, 0);
		field(&b, d->kana, 0);
		field(&b, d->form, 0);
		field(&b, d->unit, 0);
		field(&b, max, 0);
		field(&b, d->pregnancy, 0);
		field(&b, d->interaction, 0);
		field(&b, d->allergy, 0);
		field(&b, d->min_age, 0);
		field(&b, d->max_age, 0);
		char period[16] = "", per_kg[32] = "";
		if (d->period)
			snprintf(period, sizeof(period), "%d", d->period);
		if (d->per_kg > 0)
			snprintf(per_kg, sizeof(per_kg), "%g", d->per_kg);
		field(&b, d->contra, 0);
		field(&b, d->thera, 0);
		field(&b, d->strength, 0);
		field(&b, period, 0);
		field(&b, d->narrow ? "1" : "", 0);
		field(&b, d->high_alert ? "1" : "", 0);
		field(&b, d->confusable, 0);
		field(&b, per_kg, 0);
		field(&b, d->elderly, 1);
		buf_addch(&b, '\n');
	}
	lb_path_join(&p, out_dir, "drugs.csv");
	int rc = lb_write_file_atomic(p.data, b.data, b.len, 0644, 1);
	if (rc == 0 && st) {
		st->drugs = (long)synth_drug_count;
		st->bytes += b.len;
	}
	buf_release(&b);
	buf_release(&p);
	return rc;
}

struct synth_appts {
	FILE *f;
	char *path;
	struct buf row, enc;
	long count;
	uint64_t bytes;
};

struct synth_appts *synth_appts_open(const char *out_dir)
{
	struct synth_appts *a = lb_calloc(1, sizeof(*a));
	struct buf p = {0};
	lb_path_join(&p, out_dir, "appointments.csv");
	a->path = buf_detach(&p, NULL);
	a->f = fopen(a->path, "wbx");
	if (!a->f) {
		lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", a->path);
		free(a->path);
		free(a);
		return NULL;
	}
	static const char header[] = "id,patient_id,patient_name,start,department,clinician,kind,status,phone,note\r\n";
	fputs(header, a->f);
	a->bytes += sizeof(header) - 1;
	return a;
}

int synth_appts_patient(struct synth_appts *a, const struct synth_ctx *c, const struct synth_patient *pt)
{
	for (int i = 0; i < pt->nappt; i++) {
		const struct synth_appt *ap = &pt->appt[i];
		char name[200], start[32], doc[64];
		snprintf(name, sizeof(name), "%s %s", pt->p.family, pt->p.given);
		int y, m, d;
		lb_civil_from_days(ap->day, &y, &m, &d);
		snprintf(start, sizeof(start), "%04d-%02d-%02d %02d:%02d", y, m, d, ap->hh, ap->mm);
		snprintf(doc, sizeof(doc), "%s %s", ap->doc->family, ap->doc->given);
		buf_reset(&a->row);
		field(&a->row, ap->id, 0);
		field(&a->row, pt->id, 0);
		field(&a->row, name, 0);
		field(&a->row, start, 0);
		field(&a->row, synth_depts[ap->dept].name, 0);
		field(&a->row, doc, 0);
		field(&a->row, ap->kind, 0);
		field(&a->row, ap->status, 0);
		field(&a->row, pt->p.phone_mobile[0] ? pt->p.phone_mobile : pt->p.phone_home, 0);
		field(&a->row, ap->note, 1);
		buf_adds(&a->row, "\r\n");
		buf_reset(&a->enc);
		if (text_encode_cp932(&a->enc, a->row.data, a->row.len))
			return lb_error_tr(LB_EINTERNAL, "appointment of '%s' has characters outside CP932",
			                   "'%s' の予約に CP932 で表せない文字があります", pt->id);
		if (fwrite(a->enc.data, 1, a->enc.len, a->f) != a->enc.len)
			return lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", a->path);
		a->count++;
		a->bytes += a->enc.len;
		if (c->st)
			c->st->bytes += a->enc.len;
	}
	if (c->st)
		c->st->appointments = a->count;
	return 0;
}

int synth_appts_close(struct synth_appts *a)
{
	int rc = 0;
	if (fclose(a->f) != 0)
		rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", a->path);
	free(a->path);
	buf_release(&a->row);
	buf_release(&a->enc);
	free(a);
	return rc;
}
