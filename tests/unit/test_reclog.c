/*
 * test_reclog.c - the record log (src/ehr/reclog.c): every record kind, with its strings, NULLs, numbers, raw bytes
 * (NULs included) and warnings, comes out of a replay exactly as it went in, in order; a callback error stops the
 * replay; a reset log is empty and reusable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ehr/ehr.h"

#include <string.h>

static const char *z(const char *s)
{
	return s ? s : "(null)";
}

static void src_line(struct buf *o, const struct ehr_source *s)
{
	if (!s)
		buf_adds(o, "[nosrc] ");
	else
		buf_addf(o, "[%s|%s|%s|%lld] ", z(s->path), z(s->kind), z(s->data_type), (long long)s->line);
}

static int t_patient(void *ctx, const struct ehr_source *s, const struct ehr_patient *p)
{
	src_line(ctx, s);
	buf_addf(ctx, "patient %s|%s|%s|%s|%s|%s|%c|%s|%s|%s|%s|%s|%s|%s\n", z(p->id), z(p->family_kanji),
	         z(p->given_kanji), z(p->family_kana), z(p->given_kana), z(p->birth_date), p->sex, z(p->postal_code),
	         z(p->address), z(p->phone_home), z(p->phone_mobile), z(p->blood_abo), z(p->blood_rh), z(p->updated));
	return 0;
}

static int t_allergy(void *ctx, const struct ehr_source *s, const struct ehr_allergy *a)
{
	src_line(ctx, s);
	buf_addf(ctx, "allergy %s|%s|%d|%s|%s|%s|%s|%s|%s|%d\n", z(a->patient_id), z(a->id), a->kind, z(a->code),
	         z(a->code_system), z(a->name), z(a->reaction), z(a->severity), z(a->recorded), a->active);
	return 0;
}

static int t_med(void *ctx, const struct ehr_source *s, const struct ehr_medication *m)
{
	src_line(ctx, s);
	buf_addf(ctx, "med %s|%s|%d|%s|%s|%s|%.17g|%s|%.17g|%s|%s|%s|%d|%s|%s|%s|%s|%s\n", z(m->patient_id),
	         z(m->order_no), m->kind, z(m->drug_code), z(m->code_system), z(m->drug_name), m->dose, z(m->dose_unit),
	         m->per_day, z(m->frequency), z(m->route), z(m->start), m->days, z(m->end), z(m->status),
	         z(m->prescriber), z(m->department), z(m->ordered));
	return 0;
}

static int t_result(void *ctx, const struct ehr_source *s, const struct ehr_result *r)
{
	src_line(ctx, s);
	buf_addf(ctx, "result %s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n", z(r->patient_id), z(r->order_no), z(r->code),
	         z(r->code_system), z(r->name), z(r->value), z(r->unit), z(r->reference), z(r->flag), z(r->time),
	         z(r->status));
	return 0;
}

static int t_dx(void *ctx, const struct ehr_source *s, const struct ehr_diagnosis *d)
{
	src_line(ctx, s);
	buf_addf(ctx, "dx %s|%s|%s|%s|%s|%s|%s|%d|%d\n", z(d->patient_id), z(d->id), z(d->code), z(d->code_system),
	         z(d->name), z(d->start), z(d->end), d->active, d->main);
	return 0;
}

static int t_adt(void *ctx, const struct ehr_source *s, const struct ehr_adt *a)
{
	src_line(ctx, s);
	buf_addf(ctx, "adt %s|%d|%s|%s|%s|%s|%s|%s|%s\n", z(a->patient_id), a->kind, z(a->time), z(a->ward), z(a->room),
	         z(a->bed), z(a->department), z(a->attending), z(a->visit_id));
	return 0;
}

static int t_appt(void *ctx, const struct ehr_source *s, const struct ehr_appointment *a)
{
	src_line(ctx, s);
	buf_addf(ctx, "appt %s|%s|%s|%s|%s|%s|%s|%s|%s\n", z(a->id), z(a->patient_id), z(a->start), z(a->department),
	         z(a->clinician), z(a->kind), z(a->status), z(a->phone), z(a->note));
	return 0;
}

static int t_drug(void *ctx, const struct ehr_source *s, const struct ehr_drug *d)
{
	src_line(ctx, s);
	buf_addf(ctx, "drug %s|%s|%s|%s|%s|%s|%.17g|%s|%s|%s|%s|%s\n", z(d->code), z(d->name), z(d->generic_name),
	         z(d->kana), z(d->form), z(d->unit), d->max_daily_dose, z(d->pregnancy), z(d->interaction_groups),
	         z(d->allergy_classes), z(d->yj_code), z(d->hot_code));
	return 0;
}

static int t_raw(void *ctx, const struct ehr_source *s, const char *bytes, size_t len)
{
	src_line(ctx, s);
	buf_addf(ctx, "raw %zu:", len);
	buf_add(ctx, bytes, len);
	buf_addch(ctx, '\n');
	return 0;
}

static void t_warn(void *ctx, const struct ehr_source *s, enum ehr_warn k, const char *d)
{
	src_line(ctx, s);
	buf_addf(ctx, "warn %d %s\n", k, z(d));
}

static struct ehr_sink text_sink(struct buf *out)
{
	struct ehr_sink k = {.ctx = out,
	                     .patient = t_patient,
	                     .allergy = t_allergy,
	                     .medication = t_med,
	                     .result = t_result,
	                     .diagnosis = t_dx,
	                     .adt = t_adt,
	                     .appointment = t_appt,
	                     .drug = t_drug,
	                     .raw = t_raw,
	                     .warning = t_warn};
	return k;
}

/* The same records, once to any sink. */
static void emit(const struct ehr_sink *k)
{
	struct ehr_source src = {.path = "000/001/0000012345/-/ADT-00/f", .kind = "ssmix2", .data_type = "ADT-00"};
	struct ehr_source csv = {.path = "appointments.csv", .kind = "appointments", .line = 42};
	struct ehr_patient p = {.id = "0000012345",
	                        .family_kanji = "髙橋",
	                        .given_kanji = "花子",
	                        .family_kana = "ﾀｶﾊｼ",
	                        .given_kana = "",
	                        .birth_date = "1948-04-05",
	                        .sex = 'F',
	                        .address = "東京都千代田区千代田１－１",
	                        .phone_home = "03-1234-5678"};
	k->patient(k->ctx, &src, &p);
	struct ehr_allergy a = {.patient_id = "0000012345",
	                        .kind = EHR_ALLERGY_DRUG,
	                        .name = "ペニシリン系",
	                        .severity = "severe",
	                        .active = 1};
	k->allergy(k->ctx, &src, &a);
	struct ehr_medication m = {.patient_id = "0000012345",
	                           .order_no = "000000011000185",
	                           .kind = EHR_ORDER_INJECTION,
	                           .drug_name = "セファゾリンナトリウム注射用１ｇ",
	                           .dose = 0.1 + 0.2,
	                           .per_day = 3,
	                           .days = 7,
	                           .frequency = "１日３回",
	                           .status = "active"};
	k->medication(k->ctx, &src, &m);
	struct ehr_result r = {.patient_id = "0000012345", .name = "ＣＲＰ", .value = "2.30", .flag = "H"};
	k->result(k->ctx, NULL, &r);
	struct ehr_diagnosis d = {.patient_id = "0000012345", .name = "本態性高血圧症", .active = 1, .main = 1};
	k->diagnosis(k->ctx, &src, &d);
	struct ehr_adt e = {.patient_id = "0000012345", .kind = EHR_ADT_CANCEL_TRANSFER, .ward = "5東", .bed = "2"};
	k->adt(k->ctx, &src, &e);
	struct ehr_appointment ap = {.id = "A1", .patient_id = "0000012345", .start = "2026-12-01T09:30", .note = ""};
	k->appointment(k->ctx, &csv, &ap);
	struct ehr_drug dr = {.code = "620000001", .name = "ロキソニン錠60mg", .max_daily_dose = 180};
	k->drug(k->ctx, &csv, &dr);
	static const char bytes[] = "MSH|^~\\&|\0\x1b$B%5%H%&\x1b(B\r";
	k->raw(k->ctx, &src, bytes, sizeof(bytes) - 1);
	k->raw(k->ctx, &src, "", 0);
	k->warning(k->ctx, &src, EHR_WARN_MISMATCH, "PID-3 '0000099999' differs");
	k->warning(k->ctx, NULL, EHR_WARN_LIMIT, NULL);
}

static void test_roundtrip(void **state)
{
	(void)state;
	struct buf direct = {0}, replayed = {0};
	struct ehr_sink d = text_sink(&direct), r = text_sink(&replayed);
	emit(&d);
	struct ehr_reclog log = {0};
	struct ehr_sink rec;
	ehr_reclog_sink(&log, &rec);
	emit(&rec);
	assert_int_equal(log.n, 12);
	assert_int_equal(ehr_reclog_replay(&log, &r), 0);
	assert_int_equal(replayed.len, direct.len);
	assert_memory_equal(replayed.data, direct.data, direct.len);
	/* reset and reuse: empty, then the same again */
	ehr_reclog_reset(&log);
	buf_reset(&replayed);
	assert_int_equal(ehr_reclog_replay(&log, &r), 0);
	assert_int_equal(replayed.len, 0);
	emit(&rec);
	assert_int_equal(ehr_reclog_replay(&log, &r), 0);
	assert_memory_equal(replayed.data, direct.data, direct.len);
	ehr_reclog_release(&log);
	buf_release(&direct);
	buf_release(&replayed);
}

static int stop_at_med(void *ctx, const struct ehr_source *s, const struct ehr_medication *m)
{
	(void)ctx;
	(void)s;
	(void)m;
	return -LB_EIO;
}

static void test_callback_error_stops(void **state)
{
	(void)state;
	struct ehr_reclog log = {0};
	struct ehr_sink rec;
	ehr_reclog_sink(&log, &rec);
	emit(&rec);
	struct buf out = {0};
	struct ehr_sink k = text_sink(&out);
	k.medication = stop_at_med;
	k.drug = NULL; /* a NULL callback skips its records */
	assert_int_equal(ehr_reclog_replay(&log, &k), -LB_EIO);
	assert_non_null(strstr(out.data, "allergy "));
	assert_null(strstr(out.data, "result "));
	ehr_reclog_release(&log);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_roundtrip),
	        cmocka_unit_test(test_callback_error_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
