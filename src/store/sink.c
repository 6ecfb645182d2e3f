/*
 * sink.c - the clinical store as a struct ehr_sink: every record a parser emits becomes one row, tagged with the
 * source file being loaded (store->file_id). Display text is stored as sent; search keys (text_search_key) are
 * stored beside it, never instead of it.
 */
#include "store_int.h"
#include "text/text.h"

#include <string.h>

/* Text or NULL, bound without a copy: every callback steps its statement before the record goes away. */
static void bind_str(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_key(sqlite3_stmt *st, int i, const char *v)
{
	if (!v || !*v) {
		sqlite3_bind_null(st, i);
		return;
	}
	struct buf k = {0};
	text_search_key(&k, v, strlen(v));
	sqlite3_bind_text(st, i, buf_cstr(&k), (int)k.len, SQLITE_TRANSIENT);
	buf_release(&k);
}

/* The key of family + given, folded separately and joined, so that a surname prefix is a key prefix. */
static void bind_full_key(sqlite3_stmt *st, int i, const char *fam, const char *giv)
{
	if ((!fam || !*fam) && (!giv || !*giv)) {
		sqlite3_bind_null(st, i);
		return;
	}
	struct buf k = {0};
	if (fam)
		text_search_key(&k, fam, strlen(fam));
	if (giv)
		text_search_key(&k, giv, strlen(giv));
	sqlite3_bind_text(st, i, buf_cstr(&k), (int)k.len, SQLITE_TRANSIENT);
	buf_release(&k);
}

static int done(struct store *s, sqlite3_stmt *st)
{
	int rc = store_exec_stmt(s, st);
	if (rc < 0) {
		s->failed = 1;
		return rc;
	}
	if (s->stats)
		s->stats->records++;
	return 0;
}

static int on_patient(void *ctx, const struct ehr_source *src, const struct ehr_patient *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_PATIENT];
	char sex[2] = {r->sex ? r->sex : 'U', 0};
	bind_str(st, 1, r->id);
	bind_str(st, 2, r->family_kanji);
	bind_str(st, 3, r->given_kanji);
	bind_str(st, 4, r->family_kana);
	bind_str(st, 5, r->given_kana);
	bind_str(st, 6, r->birth_date);
	bind_str(st, 7, sex);
	bind_str(st, 8, r->postal_code);
	bind_str(st, 9, r->address);
	bind_str(st, 10, r->phone_home);
	bind_str(st, 11, r->phone_mobile);
	bind_str(st, 12, r->blood_abo);
	bind_str(st, 13, r->blood_rh);
	bind_str(st, 14, r->updated);
	/* A patient known only by kana is found by kana under both keys. */
	const char *fam = r->family_kanji ? r->family_kanji : r->family_kana;
	const char *giv = r->family_kanji || r->given_kanji ? r->given_kanji : r->given_kana;
	bind_key(st, 15, fam);
	bind_key(st, 16, giv);
	bind_key(st, 17, r->family_kana);
	bind_key(st, 18, r->given_kana);
	bind_full_key(st, 19, fam, giv);
	bind_full_key(st, 20, r->family_kana, r->given_kana);
	sqlite3_bind_int64(st, 21, s->file_id);
	return done(s, st);
}

static const char *allergy_kind_name(enum ehr_allergy_kind k)
{
	return k == EHR_ALLERGY_DRUG ? "drug" : k == EHR_ALLERGY_FOOD ? "food" : "other";
}

static int on_allergy(void *ctx, const struct ehr_source *src, const struct ehr_allergy *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_ALLERGY];
	bind_str(st, 1, r->patient_id);
	bind_str(st, 2, r->id);
	bind_str(st, 3, ehr_allergy_says_none(r->code, r->name) ? "none" : allergy_kind_name(r->kind));
	bind_str(st, 4, r->code);
	bind_str(st, 5, r->code_system);
	bind_str(st, 6, r->name);
	bind_str(st, 7, r->reaction);
	bind_str(st, 8, r->severity);
	bind_str(st, 9, r->recorded);
	sqlite3_bind_int(st, 10, r->active);
	sqlite3_bind_int64(st, 11, s->file_id);
	return done(s, st);
}

static void bind_pos(sqlite3_stmt *st, int i, double v)
{
	if (v > 0)
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int on_medication(void *ctx, const struct ehr_source *src, const struct ehr_medication *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_MEDICATION];
	bind_str(st, 1, r->patient_id);
	bind_str(st, 2, r->order_no);
	bind_str(st, 3, r->kind == EHR_ORDER_INJECTION ? "injection" : "rx");
	bind_str(st, 4, r->drug_code);
	bind_str(st, 5, r->code_system);
	bind_str(st, 6, r->drug_name);
	bind_pos(st, 7, r->dose);
	bind_str(st, 8, r->dose_unit);
	bind_pos(st, 9, r->per_day);
	bind_str(st, 10, r->frequency);
	bind_str(st, 11, r->route);
	bind_str(st, 12, r->start);
	if (r->days > 0)
		sqlite3_bind_int(st, 13, r->days);
	else
		sqlite3_bind_null(st, 13);
	bind_str(st, 14, r->end);
	bind_str(st, 15, r->status ? r->status : "active");
	bind_str(st, 16, r->prescriber);
	bind_str(st, 17, r->department);
	bind_str(st, 18, r->ordered);
	sqlite3_bind_int64(st, 19, s->file_id);
	return done(s, st);
}

static int on_result(void *ctx, const struct ehr_source *src, const struct ehr_result *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_RESULT];
	bind_str(st, 1, r->patient_id);
	bind_str(st, 2, r->order_no);
	bind_str(st, 3, r->code);
	bind_str(st, 4, r->code_system);
	bind_str(st, 5, r->name);
	bind_str(st, 6, r->value);
	bind_str(st, 7, r->unit);
	bind_str(st, 8, r->reference);
	bind_str(st, 9, r->flag);
	bind_str(st, 10, r->time);
	bind_str(st, 11, r->status);
	sqlite3_bind_int64(st, 12, s->file_id);
	return done(s, st);
}

static int on_diagnosis(void *ctx, const struct ehr_source *src, const struct ehr_diagnosis *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_DIAGNOSIS];
	bind_str(st, 1, r->patient_id);
	bind_str(st, 2, r->id);
	bind_str(st, 3, r->code);
	bind_str(st, 4, r->code_system);
	bind_str(st, 5, r->name);
	bind_str(st, 6, r->start);
	bind_str(st, 7, r->end);
	sqlite3_bind_int(st, 8, r->active);
	sqlite3_bind_int(st, 9, r->main);
	sqlite3_bind_int64(st, 10, s->file_id);
	return done(s, st);
}

static const char *adt_kind_name(enum ehr_adt_kind k)
{
	switch (k) {
	case EHR_ADT_ADMIT:
		return "admit";
	case EHR_ADT_TRANSFER:
		return "transfer";
	case EHR_ADT_DISCHARGE:
		return "discharge";
	case EHR_ADT_CANCEL_ADMIT:
		return "cancel-admit";
	case EHR_ADT_CANCEL_TRANSFER:
		return "cancel-transfer";
	default:
		return "cancel-discharge";
	}
}

static int on_adt(void *ctx, const struct ehr_source *src, const struct ehr_adt *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_ADT];
	bind_str(st, 1, r->patient_id);
	bind_str(st, 2, adt_kind_name(r->kind));
	bind_str(st, 3, r->time);
	bind_str(st, 4, r->ward);
	bind_str(st, 5, r->room);
	bind_str(st, 6, r->bed);
	bind_str(st, 7, r->department);
	bind_str(st, 8, r->attending);
	bind_str(st, 9, r->visit_id);
	sqlite3_bind_int64(st, 10, s->file_id);
	return done(s, st);
}

static int on_appointment(void *ctx, const struct ehr_source *src, const struct ehr_appointment *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_APPOINTMENT];
	bind_str(st, 1, r->id);
	bind_str(st, 2, r->patient_id);
	bind_str(st, 3, r->start);
	bind_str(st, 4, r->department);
	bind_str(st, 5, r->clinician);
	bind_str(st, 6, r->kind);
	bind_str(st, 7, r->status);
	bind_str(st, 8, r->phone);
	bind_str(st, 9, r->note);
	sqlite3_bind_int64(st, 10, s->file_id);
	return done(s, st);
}

static int on_drug(void *ctx, const struct ehr_source *src, const struct ehr_drug *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_DRUG];
	bind_str(st, 1, r->code);
	bind_str(st, 2, r->name);
	bind_str(st, 3, r->generic_name);
	bind_str(st, 4, r->kana);
	bind_str(st, 5, r->form);
	bind_str(st, 6, r->unit);
	bind_pos(st, 7, r->max_daily_dose);
	bind_str(st, 8, r->pregnancy);
	bind_str(st, 9, r->interaction_groups);
	bind_str(st, 10, r->allergy_classes);
	bind_str(st, 11, r->yj_code);
	bind_str(st, 12, r->hot_code);
	bind_key(st, 13, r->name);
	bind_key(st, 14, r->kana);
	bind_key(st, 15, r->generic_name);
	sqlite3_bind_int64(st, 16, s->file_id);
	bind_pos(st, 17, r->age_min_months);
	bind_pos(st, 18, r->age_below_months);
	bind_str(st, 19, r->contraindicated_groups);
	bind_str(st, 20, r->therapeutic_class);
	bind_str(st, 21, r->strength);
	bind_pos(st, 22, r->period_days);
	bind_pos(st, 23, r->narrow_therapeutic);
	bind_pos(st, 24, r->high_alert);
	bind_str(st, 25, r->confusable);
	bind_pos(st, 26, r->max_per_kg_day);
	bind_str(st, 27, r->elderly);
	s->drugs_touched = 1;
	return done(s, st);
}

static int on_order(void *ctx, const struct ehr_source *src, const struct ehr_order *r)
{
	(void)src;
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_ORDER];
	bind_str(st, 1, r->patient_id);
	bind_str(st, 2, r->order_no);
	bind_str(st, 3, r->cls == EHR_ORDER_DIET ? "diet" : r->cls == EHR_ORDER_LAB ? "lab" : "exam");
	bind_str(st, 4, r->data_type);
	bind_str(st, 5, r->code);
	bind_str(st, 6, r->code_system);
	bind_str(st, 7, r->name);
	bind_str(st, 8, r->detail);
	bind_str(st, 9, r->frequency);
	bind_str(st, 10, r->start);
	bind_str(st, 11, r->end);
	bind_str(st, 12, r->status ? r->status : "active");
	bind_str(st, 13, r->orderer);
	bind_str(st, 14, r->department);
	bind_str(st, 15, r->ordered);
	sqlite3_bind_int64(st, 16, s->file_id);
	return done(s, st);
}

static int on_raw(void *ctx, const struct ehr_source *src, const char *bytes, size_t len)
{
	struct store *s = ctx;
	sqlite3_stmt *st = s->st[ST_RAW];
	sqlite3_bind_int64(st, 1, s->file_id);
	bind_str(st, 2, src ? src->data_type : NULL);
	sqlite3_bind_blob(st, 3, len ? bytes : "", (int)len, SQLITE_STATIC);
	int rc = store_exec_stmt(s, st);
	if (rc < 0)
		s->failed = 1;
	return rc;
}

static const char *warn_kind_name(enum ehr_warn k)
{
	switch (k) {
	case EHR_WARN_ENCODING:
		return "encoding";
	case EHR_WARN_PARSE:
		return "parse";
	case EHR_WARN_MISMATCH:
		return "mismatch";
	case EHR_WARN_UNSUPPORTED:
		return "unsupported";
	default:
		return "limit";
	}
}

static void on_warning(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail)
{
	struct store *s = ctx;
	if (s->stats) {
		s->stats->warnings++;
		if ((int)kind >= 0 && (size_t)kind < LB_ARRAY_LEN(s->stats->warn_by_kind))
			s->stats->warn_by_kind[kind]++;
	}
	sqlite3_stmt *st = s->st[ST_WARNING];
	sqlite3_bind_int64(st, 1, s->run_id);
	if (s->file_id > 0)
		sqlite3_bind_int64(st, 2, s->file_id);
	else
		sqlite3_bind_null(st, 2);
	bind_str(st, 3, src ? src->path : NULL);
	bind_str(st, 4, warn_kind_name(kind));
	bind_str(st, 5, detail);
	if (store_exec_stmt(s, st) < 0)
		s->failed = 1;
	lb_debug("%s: %s: %s", src && src->path ? src->path : "-", warn_kind_name(kind), detail);
}

void store_sink_init(struct store *s, struct ehr_sink *k)
{
	memset(k, 0, sizeof(*k));
	k->ctx = s;
	k->patient = on_patient;
	k->allergy = on_allergy;
	k->medication = on_medication;
	k->result = on_result;
	k->diagnosis = on_diagnosis;
	k->adt = on_adt;
	k->appointment = on_appointment;
	k->drug = on_drug;
	k->raw = on_raw;
	k->warning = on_warning;
	k->order = on_order;
}
