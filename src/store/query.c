/*
 * query.c - read side of the store: data freshness (meta) and one patient's snapshot for the station, the printed
 * pack and `lifeboat patient`. Every string of a snapshot is owned by the snapshot (v->strs).
 */
#include "store_int.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

static const char *keep_str(struct store_patient_view *v, const char *t)
{
	if (v->nstrs == v->capstrs) {
		v->capstrs = v->capstrs ? v->capstrs * 2 : 64;
		v->strs = lb_reallocarray(v->strs, v->capstrs, sizeof(*v->strs));
	}
	return v->strs[v->nstrs++] = lb_strdup(t);
}

static const char *keep(struct store_patient_view *v, sqlite3_stmt *q, int i)
{
	const char *t = (const char *)sqlite3_column_text(q, i);
	return t ? keep_str(v, t) : NULL;
}

/* The statements of this file, prepared once per store handle and kept (store_cached_stmt): a station serves
 * every patient page with the same handful of statements. Each is reset after its last row, so that no read
 * transaction stays open between calls. */
static const char meta_sql[] = "SELECT value FROM meta WHERE key=?1";
static const char count_sql[] = "SELECT count(*) FROM patients";
static const char patient_sql[] =
        "SELECT id, family_kanji, given_kanji, family_kana, given_kana, birth_date, sex, postal_code, address,"
        " phone_home, phone_mobile, blood_abo, blood_rh, updated, same_name FROM patients WHERE id=?1";
static const char census_sql[] = "SELECT ward, room, bed, since, department, attending, same_surname_in_ward"
                                 " FROM census WHERE patient_id=?1";
static const char allergies_sql[] =
        "SELECT source_id, kind, code, code_system, name, reaction, severity, recorded, active FROM allergies a"
        " WHERE patient_id=?1 AND active AND " STORE_ALLERGY_FIRST_SQL("a", "b") " ORDER BY kind, id";
static const char nka_sql[] =
        "SELECT COALESCE(recorded, '') FROM allergies WHERE patient_id=?1 AND active AND kind='none' ORDER BY id DESC"
        " LIMIT 1";
static const char meds_sql[] =
        "SELECT order_no, kind, drug_code, code_system, drug_name, dose, dose_unit, per_day, frequency, route,"
        " start, days, end_date, status, prescriber, department, ordered FROM medications"
        " WHERE patient_id=?1 AND " STORE_ORDER_ACTIVE_SQL("?2") " ORDER BY kind DESC, start DESC, id";
#define STR_(x) #x
#define STR(x) STR_(x)
/* The day an order that is no longer active ended: its end (until), else its start or order date. */
#define ENDED_ON "COALESCE(substr(until, 1, 10), substr(start, 1, 10), substr(ordered, 1, 10))"
static const char history_sql[] =
        "SELECT order_no, kind, drug_code, code_system, drug_name, dose, dose_unit, per_day, frequency, route,"
        " start, days, " ENDED_ON ", CASE WHEN status = 'active' THEN 'ended' ELSE status END, prescriber,"
        " department, ordered FROM medications WHERE patient_id=?1 AND NOT " STORE_ORDER_ACTIVE_SQL(
                "?2") " AND " ENDED_ON
                      " >= date(?2, '-" STR(
                              STORE_HISTORY_DAYS) " days')"
                                                  " ORDER BY 13 DESC, kind DESC, start DESC, id LIMIT 200";
static const char orders_sql[] =
        "SELECT order_no, class, data_type, code, code_system, name, detail, frequency, start, end_date, status,"
        " orderer, department, ordered FROM orders o WHERE patient_id=?1 AND (CASE WHEN class = 'diet' THEN"
        " id IN (SELECT id FROM orders d WHERE d.patient_id = ?1 AND d.class = 'diet'"
        " ORDER BY COALESCE(d.start, d.ordered) DESC, d.id DESC LIMIT 3)"
        " ELSE COALESCE(substr(start, 1, 10), substr(ordered, 1, 10)) >= date(?2, '-" STR(
                STORE_HISTORY_DAYS) " days') END) ORDER BY class = 'diet' DESC, COALESCE(start, ordered) DESC, id "
                                    "LIMIT 200";
static const char raw_sql[] = "SELECT r.data_type, count(*) FROM raw_messages r JOIN files f ON f.id = r.file_id"
                              " WHERE f.patient_id = ?1 GROUP BY r.data_type ORDER BY r.data_type";
static const char dx_sql[] = "SELECT source_id, code, code_system, name, start, end_date, active, main FROM diagnoses"
                             " WHERE patient_id=?1 ORDER BY active DESC, main DESC, start DESC, id";
static const char results_sql[] =
        "SELECT order_no, code, code_system, name, value, unit, reference, flag, time, status FROM results"
        " WHERE patient_id=?1 ORDER BY time DESC, id LIMIT 200";
static const char adt_sql[] = "SELECT kind, time, ward, room, bed, department, attending, visit_id FROM adt_events"
                              " WHERE patient_id=?1 ORDER BY time DESC, id DESC LIMIT 50";
static const char appts_sql[] =
        "SELECT source_id, start, department, clinician, kind, status, phone, note FROM appointments"
        " WHERE patient_id=?1 AND start >= ?2 ORDER BY start, id LIMIT 100";

static int meta_value(struct store *s, const char *key, char *out, size_t n)
{
	sqlite3_stmt *q = store_cached_stmt(s, meta_sql);
	out[0] = 0;
	if (!q)
		return store_sqlerr(s, L_("reading the store", "ストアの読み取り"));
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	return 0;
}

int store_meta_get(struct store *s, struct store_meta *m)
{
	memset(m, 0, sizeof(*m));
	int rc = meta_value(s, "as_of", m->as_of, sizeof(m->as_of));
	char unknown[4] = "";
	if (rc == 0)
		rc = meta_value(s, "as_of_unknown", unknown, sizeof(unknown));
	m->as_of_unknown = !strcmp(unknown, "1");
	if (rc == 0)
		rc = meta_value(s, "source_generation", m->generation, sizeof(m->generation));
	if (rc == 0)
		rc = meta_value(s, "last_run", m->last_run, sizeof(m->last_run));
	sqlite3_stmt *q;
	if (rc == 0 && (q = store_cached_stmt(s, count_sql))) {
		if (sqlite3_step(q) == SQLITE_ROW)
			m->patients = (long)sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	}
	return rc;
}

/* Run sql with ?1 = id (and ?2 = as-of date) and hand each row to fill(), growing *arr of elem_size. */
static int rows(struct store *s, struct store_patient_view *v, const char *sql, const char *id, const char *date,
                void **arr, size_t *n, size_t elem_size,
                void (*fill)(struct store_patient_view *, sqlite3_stmt *, void *))
{
	sqlite3_stmt *q = store_cached_stmt(s, sql);
	if (!q)
		return store_sqlerr(s, L_("reading a patient", "患者の読み取り"));
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(q) >= 2)
		sqlite3_bind_text(q, 2, date, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*arr = lb_reallocarray(*arr, cap, elem_size);
		}
		void *e = (char *)*arr + *n * elem_size;
		memset(e, 0, elem_size);
		fill(v, q, e);
		(*n)++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, L_("reading a patient", "患者の読み取り"));
}

static void fill_allergy(struct store_patient_view *v, sqlite3_stmt *q, void *p)
{
	struct ehr_allergy *a = p;
	a->patient_id = v->patient.id;
	a->id = keep(v, q, 0);
	const char *k = (const char *)sqlite3_column_text(q, 1);
	a->kind = k && !strcmp(k, "drug")   ? EHR_ALLERGY_DRUG
	          : k && !strcmp(k, "food") ? EHR_ALLERGY_FOOD
	                                    : EHR_ALLERGY_OTHER;
	a->code = keep(v, q, 2);
	a->code_system = keep(v, q, 3);
	a->name = keep(v, q, 4);
	a->reaction = keep(v, q, 5);
	a->severity = keep(v, q, 6);
	a->recorded = keep(v, q, 7);
	a->active = sqlite3_column_int(q, 8);
}

static void fill_med(struct store_patient_view *v, sqlite3_stmt *q, void *p)
{
	struct ehr_medication *m = p;
	m->patient_id = v->patient.id;
	m->order_no = keep(v, q, 0);
	const char *k = (const char *)sqlite3_column_text(q, 1);
	m->kind = k && !strcmp(k, "injection") ? EHR_ORDER_INJECTION : EHR_ORDER_RX;
	m->drug_code = keep(v, q, 2);
	m->code_system = keep(v, q, 3);
	m->drug_name = keep(v, q, 4);
	m->dose = sqlite3_column_double(q, 5);
	m->dose_unit = keep(v, q, 6);
	m->per_day = sqlite3_column_double(q, 7);
	m->frequency = keep(v, q, 8);
	m->route = keep(v, q, 9);
	m->start = keep(v, q, 10);
	m->days = sqlite3_column_int(q, 11);
	m->end = keep(v, q, 12);
	m->status = keep(v, q, 13);
	m->prescriber = keep(v, q, 14);
	m->department = keep(v, q, 15);
	m->ordered = keep(v, q, 16);
}

static void fill_order(struct store_patient_view *v, sqlite3_stmt *q, void *p)
{
	struct ehr_order *o = p;
	o->patient_id = v->patient.id;
	o->order_no = keep(v, q, 0);
	const char *k = (const char *)sqlite3_column_text(q, 1);
	o->cls = k && !strcmp(k, "diet") ? EHR_ORDER_DIET : k && !strcmp(k, "lab") ? EHR_ORDER_LAB : EHR_ORDER_EXAM;
	o->data_type = keep(v, q, 2);
	o->code = keep(v, q, 3);
	o->code_system = keep(v, q, 4);
	o->name = keep(v, q, 5);
	o->detail = keep(v, q, 6);
	o->frequency = keep(v, q, 7);
	o->start = keep(v, q, 8);
	o->end = keep(v, q, 9);
	o->status = keep(v, q, 10);
	o->orderer = keep(v, q, 11);
	o->department = keep(v, q, 12);
	o->ordered = keep(v, q, 13);
}

static void fill_raw(struct store_patient_view *v, sqlite3_stmt *q, void *p)
{
	struct store_raw_type *t = p;
	t->data_type = keep(v, q, 0);
	t->n = sqlite3_column_int(q, 1);
}

static void fill_dx(struct store_patient_view *v, sqlite3_stmt *q, void *p)
{
	struct ehr_diagnosis *d = p;
	d->patient_id = v->patient.id;
	d->id = keep(v, q, 0);
	d->code = keep(v, q, 1);
	d->code_system = keep(v, q, 2);
	d->name = keep(v, q, 3);
	d->start = keep(v, q, 4);
	d->end = keep(v, q, 5);
	d->active = sqlite3_column_int(q, 6);
	d->main = sqlite3_column_int(q, 7);
}

static void fill_result(struct store_patient_view *v, sqlite3_stmt *q, void *p)
{
	struct ehr_result *r = p;
	r->patient_id = v->patient.id;
	r->order_no = keep(v, q, 0);
	r->code = keep(v, q, 1);
	r->code_system = keep(v, q, 2);
	r->name = keep(v, q, 3);
	r->value = keep(v, q, 4);
	r->unit = keep(v, q, 5);
	r->reference = keep(v, q, 6);
	r->flag = keep(v, q, 7);
	r->time = keep(v, q, 8);
	r->status = keep(v, q, 9);
}

static void fill_adt(struct store_patient_view *v, sqlite3_stmt *q, void *p)
{
	struct ehr_adt *a = p;
	static const char *const names[] = {"admit",        "transfer",        "discharge",
	                                    "cancel-admit", "cancel-transfer", "cancel-discharge"};
	a->patient_id = v->patient.id;
	const char *k = (const char *)sqlite3_column_text(q, 0);
	a->kind = EHR_ADT_CANCEL_DISCHARGE;
	for (size_t i = 0; k && i < LB_ARRAY_LEN(names); i++)
		if (!strcmp(k, names[i]))
			a->kind = (enum ehr_adt_kind)(i + 1);
	a->time = keep(v, q, 1);
	a->ward = keep(v, q, 2);
	a->room = keep(v, q, 3);
	a->bed = keep(v, q, 4);
	a->department = keep(v, q, 5);
	a->attending = keep(v, q, 6);
	a->visit_id = keep(v, q, 7);
}

static void fill_appt(struct store_patient_view *v, sqlite3_stmt *q, void *p)
{
	struct ehr_appointment *a = p;
	a->patient_id = v->patient.id;
	a->id = keep(v, q, 0);
	a->start = keep(v, q, 1);
	a->department = keep(v, q, 2);
	a->clinician = keep(v, q, 3);
	a->kind = keep(v, q, 4);
	a->status = keep(v, q, 5);
	a->phone = keep(v, q, 6);
	a->note = keep(v, q, 7);
}

/* Equal as strings on their first n bytes (dates and times written with or without seconds); NULL == NULL. */
static int eqn(const char *a, const char *b, size_t n)
{
	if (!a || !b)
		return a == b;
	return !strncmp(a, b, n);
}

/*
 * The same fact fed twice (SS-MIX2 and FHIR exports of one hospital) is shown once: records equal on what the
 * station shows (name, code, date to the minute) are dropped after the first. Arrays are small (one patient).
 */
#define DEDUPE(arr, n, same)                                           \
	do {                                                           \
		size_t keep_ = 0;                                      \
		for (size_t i_ = 0; i_ < (n); i_++) {                  \
			int dup_ = 0;                                  \
			for (size_t j_ = 0; j_ < keep_ && !dup_; j_++) \
				dup_ = same(&(arr)[j_], &(arr)[i_]);   \
			if (!dup_)                                     \
				(arr)[keep_++] = (arr)[i_];            \
		}                                                      \
		(n) = keep_;                                           \
	} while (0)

/* Same drug started the same day; when both starts carry a time (three injections of one day), the same time. */
static int same_med(const struct ehr_medication *a, const struct ehr_medication *b)
{
	int timed = a->start && b->start && strlen(a->start) > 10 && strlen(b->start) > 10;
	return a->kind == b->kind && eqn(a->drug_code, b->drug_code, 64) && eqn(a->drug_name, b->drug_name, 256) &&
	       eqn(a->start, b->start, timed ? 16 : 10);
}

static int same_dx(const struct ehr_diagnosis *a, const struct ehr_diagnosis *b)
{
	return eqn(a->name, b->name, 256) && eqn(a->start, b->start, 10) && a->active == b->active;
}

static int same_result(const struct ehr_result *a, const struct ehr_result *b)
{
	return eqn(a->name, b->name, 256) && eqn(a->time, b->time, 16) && eqn(a->unit, b->unit, 64);
}

static int same_adt(const struct ehr_adt *a, const struct ehr_adt *b)
{
	return a->kind == b->kind && eqn(a->time, b->time, 16) && eqn(a->ward, b->ward, 64);
}

static int same_appt(const struct ehr_appointment *a, const struct ehr_appointment *b)
{
	return eqn(a->start, b->start, 16) && eqn(a->department, b->department, 64);
}

static void fill_patient(struct store_patient_view *v, sqlite3_stmt *q)
{
	struct ehr_patient *p = &v->patient;
	p->id = keep(v, q, 0);
	p->family_kanji = keep(v, q, 1);
	p->given_kanji = keep(v, q, 2);
	p->family_kana = keep(v, q, 3);
	p->given_kana = keep(v, q, 4);
	p->birth_date = keep(v, q, 5);
	const char *sex = (const char *)sqlite3_column_text(q, 6);
	p->sex = sex && *sex ? sex[0] : 'U';
	p->postal_code = keep(v, q, 7);
	p->address = keep(v, q, 8);
	p->phone_home = keep(v, q, 9);
	p->phone_mobile = keep(v, q, 10);
	p->blood_abo = keep(v, q, 11);
	p->blood_rh = keep(v, q, 12);
	p->updated = keep(v, q, 13);
	v->same_full_name = sqlite3_column_int(q, 14);
}

/* 1 when id lies in a bed of the census although the store has no patient record for it, 0 when not. */
static int inpatient_without_record(struct store *s, const char *id)
{
	sqlite3_stmt *q = store_cached_stmt(s, census_sql);
	if (!q)
		return store_sqlerr(s, L_("reading the census", "病棟一覧の読み取り"));
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	int found = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	return found;
}

/* The patient ID as stored for an ID as typed: folded as the search and the barcode check fold it (full-width
 * digits of an IME left on, spaces around), and, when no patient has it, the one patient whose ID is the same digits
 * with other leading zeros (「1000200」 → 0001000200; none when two would be). Into out (the folded ID when
 * nothing else matches). */
static const char resolve_sql[] = "SELECT id FROM patients WHERE id IN (SELECT value FROM json_each(?1)) LIMIT 2";
static void resolve_id(struct store *s, const char *typed, struct buf *out)
{
	buf_reset(out);
	if (text_fold_ascii(out, typed, strlen(typed)) < 0) {
		buf_reset(out);
		buf_adds(out, typed);
		return;
	}
	size_t b = 0;
	while (b < out->len && out->data[b] == ' ')
		b++;
	while (out->len > b && out->data[out->len - 1] == ' ')
		out->data[--out->len] = 0;
	if (b) {
		memmove(out->data, out->data + b, out->len - b + 1);
		out->len -= b;
	}
	sqlite3_stmt *q = store_cached_stmt(s, patient_sql);
	if (!q)
		return;
	sqlite3_bind_text(q, 1, buf_cstr(out), -1, SQLITE_TRANSIENT);
	int exact = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	if (exact)
		return;
	struct buf zeros = {0};
	store_id_zero_variants(buf_cstr(out), &zeros);
	if (zeros.len && (q = store_cached_stmt(s, resolve_sql))) {
		sqlite3_bind_text(q, 1, buf_cstr(&zeros), -1, SQLITE_STATIC);
		char *one = NULL;
		int n = 0;
		while (sqlite3_step(q) == SQLITE_ROW && n < 2) {
			n++;
			if (n == 1)
				one = lb_strdup((const char *)sqlite3_column_text(q, 0));
		}
		sqlite3_reset(q);
		if (n == 1) {
			buf_reset(out);
			buf_adds(out, one);
		}
		free(one);
	}
	buf_release(&zeros);
}

int store_patient_known(struct store *s, const char *typed_id)
{
	struct buf idb = {0};
	resolve_id(s, typed_id, &idb);
	sqlite3_stmt *q = store_cached_stmt(s, patient_sql);
	if (!q) {
		buf_release(&idb);
		return store_sqlerr(s, L_("reading a patient", "患者の読み取り"));
	}
	sqlite3_bind_text(q, 1, buf_cstr(&idb), -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	if (!found)
		found = inpatient_without_record(s, buf_cstr(&idb));
	buf_release(&idb);
	return found;
}

int store_patient_known_cb(const char *id, void *store)
{
	return store_patient_known(store, id);
}

int store_patient_get(struct store *s, const char *typed_id, struct store_patient_view *v)
{
	memset(v, 0, sizeof(*v));
	struct buf idb = {0};
	resolve_id(s, typed_id, &idb);
	const char *id = keep_str(v, buf_cstr(&idb));
	buf_release(&idb);
	sqlite3_stmt *q = store_cached_stmt(s, patient_sql);
	if (!q)
		return store_sqlerr(s, L_("reading a patient", "患者の読み取り"));
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	struct ehr_patient *p = &v->patient;
	int has_record = sqlite3_step(q) == SQLITE_ROW;
	if (has_record)
		fill_patient(v, q);
	sqlite3_reset(q);
	if (!has_record) {
		int found = inpatient_without_record(s, id);
		if (found <= 0)
			return found < 0 ? found
			                 : lb_error_tr(LB_ENOTFOUND, "no patient '%s' in the store",
			                               "患者 '%s' はストアにありません", id);
		v->no_record = 1;
		p->id = keep_str(v, id);
		p->sex = 'U';
	}

	/* Only the as-of time and its mark: store_meta_get would also count every patient. */
	int rc = meta_value(s, "as_of", v->as_of, sizeof(v->as_of));
	char unknown[4] = "";
	if (rc == 0)
		rc = meta_value(s, "as_of_unknown", unknown, sizeof(unknown));
	if (rc < 0)
		return rc;
	v->as_of_unknown = !strcmp(unknown, "1");
	char date[11];
	snprintf(date, sizeof(date), "%.10s", v->as_of[0] ? v->as_of : "0000-00-00");
	lb_today(v->today, v->as_of);

	if (!(q = store_cached_stmt(s, census_sql)))
		return store_sqlerr(s, L_("reading the census", "病棟一覧の読み取り"));
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		struct store_census *c = &v->census;
		c->in_ward = 1;
		c->ward = keep(v, q, 0);
		c->room = keep(v, q, 1);
		c->bed = keep(v, q, 2);
		c->since = keep(v, q, 3);
		c->department = keep(v, q, 4);
		c->attending = keep(v, q, 5);
		c->same_surname_in_ward = sqlite3_column_int(q, 6);
	}
	sqlite3_reset(q);

	rc = rows(s, v, allergies_sql, id, NULL, (void **)&v->allergies, &v->n_allergies, sizeof(*v->allergies),
	          fill_allergy);
	if (rc == 0) {
		if (!(q = store_cached_stmt(s, nka_sql)))
			return store_sqlerr(s, L_("reading the allergies", "アレルギーの読み取り"));
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			v->no_known_allergies = keep(v, q, 0);
		sqlite3_reset(q);
	}
	if (rc == 0)
		rc = rows(s, v, meds_sql, id, v->today, (void **)&v->medications, &v->n_medications,
		          sizeof(*v->medications), fill_med);
	if (rc == 0)
		rc = rows(s, v, dx_sql, id, NULL, (void **)&v->diagnoses, &v->n_diagnoses, sizeof(*v->diagnoses),
		          fill_dx);
	if (rc == 0)
		rc = rows(s, v, results_sql, id, NULL, (void **)&v->results, &v->n_results, sizeof(*v->results),
		          fill_result);
	if (rc == 0)
		rc = rows(s, v, adt_sql, id, NULL, (void **)&v->admissions, &v->n_admissions, sizeof(*v->admissions),
		          fill_adt);
	if (rc == 0)
		rc = rows(s, v, appts_sql, id, date, (void **)&v->appointments, &v->n_appointments,
		          sizeof(*v->appointments), fill_appt);
	if (rc == 0)
		rc = rows(s, v, history_sql, id, date, (void **)&v->history, &v->n_history, sizeof(*v->history),
		          fill_med);
	if (rc == 0)
		rc = rows(s, v, orders_sql, id, date, (void **)&v->orders, &v->n_orders, sizeof(*v->orders),
		          fill_order);
	if (rc == 0) {
		rc = rows(s, v, raw_sql, id, NULL, (void **)&v->raw_types, &v->n_raw_types, sizeof(*v->raw_types),
		          fill_raw);
		/* kept raw because of an encoding problem, but read: not "raw only" */
		size_t k = 0;
		for (size_t i = 0; i < v->n_raw_types; i++)
			if (!ssmix2_type_read(v->raw_types[i].data_type))
				v->raw_types[k++] = v->raw_types[i];
		v->n_raw_types = k;
	}
	if (rc == 0) {
		/* allergies: allergies_sql's STORE_ALLERGY_FIRST_SQL is the one rule (the census counts by it too) */
		DEDUPE(v->history, v->n_history, same_med);
		DEDUPE(v->medications, v->n_medications, same_med);
		DEDUPE(v->diagnoses, v->n_diagnoses, same_dx);
		DEDUPE(v->results, v->n_results, same_result);
		if (v->n_results > STORE_RECENT_RESULTS)
			v->n_results = STORE_RECENT_RESULTS;
		DEDUPE(v->admissions, v->n_admissions, same_adt);
		DEDUPE(v->appointments, v->n_appointments, same_appt);
	}
	return rc;
}

void store_patient_view_release(struct store_patient_view *v)
{
	for (size_t i = 0; i < v->nstrs; i++)
		free(v->strs[i]);
	free(v->strs);
	free(v->allergies);
	free(v->medications);
	free(v->diagnoses);
	free(v->results);
	free(v->admissions);
	free(v->appointments);
	free(v->history);
	free(v->orders);
	free(v->raw_types);
	memset(v, 0, sizeof(*v));
}

long store_warnings_each(struct store *s, size_t limit,
                         int (*fn)(void *ctx, const char *path, const char *kind, const char *detail), void *ctx)
{
	sqlite3_stmt *q;
	long total = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM warnings", -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			total = (long)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	if (!fn)
		return total;
	if (sqlite3_prepare_v2(s->db, "SELECT path, kind, detail FROM warnings ORDER BY id LIMIT ?1", -1, &q, NULL) !=
	    SQLITE_OK)
		return store_sqlerr(s, L_("reading warnings", "警告の読み取り"));
	sqlite3_bind_int64(q, 1, limit ? (int64_t)limit : -1);
	while (sqlite3_step(q) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
		       (const char *)sqlite3_column_text(q, 2)))
			break;
	sqlite3_finalize(q);
	return total;
}

void store_as_of_show(struct buf *b, const char *as_of, int unknown)
{
	if (unknown)
		buf_adds(b, "取込時刻 ");
	lb_format_stamp(b, as_of);
	if (unknown)
		buf_adds(b, " (データ時点不明 as-of unknown)");
}

void store_as_of_text(const struct store_meta *m, struct buf *b)
{
	store_as_of_show(b, m->as_of, m->as_of_unknown);
}

void store_med_until(const struct ehr_medication *m, char until[11])
{
	int y, mo, d;
	until[0] = 0;
	char day[11];
	if (m->end && *m->end) {
		snprintf(until, 11, "%.10s", m->end);
		return;
	}
	snprintf(day, sizeof(day), "%.10s", m->start ? m->start : "");
	if (m->days > 0 && lb_parse_day(day, &y, &mo, &d) == 0) {
		lb_civil_from_days(lb_days_from_civil(y, mo, d) + m->days - 1, &y, &mo, &d);
		snprintf(until, 11, "%04d-%02d-%02d", y, mo, d);
	}
}

int store_order_line(struct store *s, const char *pid, const char *order_no, const char *drug_code, const char *today,
                     char until[11])
{
	static const char sql[] =
	        "SELECT " STORE_ORDER_ACTIVE_SQL("?4") ", status = 'active', until FROM medications"
	                                               " WHERE patient_id=?1 AND order_no=?2 AND drug_code=?3"
	                                               " ORDER BY 1 DESC, 2 DESC, id DESC LIMIT 1";
	sqlite3_stmt *q = store_cached_stmt(s, sql);
	until[0] = 0;
	if (!q)
		return store_sqlerr(s, L_("reading an order", "オーダの読み取り"));
	sqlite3_bind_text(q, 1, pid, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, order_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, drug_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, today, -1, SQLITE_STATIC);
	int rc = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		const char *u = (const char *)sqlite3_column_text(q, 2);
		snprintf(until, 11, "%.10s", u ? u : "");
		rc = sqlite3_column_int(q, 0) ? 1 : sqlite3_column_int(q, 1) ? 2 : 0;
	}
	sqlite3_reset(q);
	return rc;
}

static const char weight_sql[] =
        "SELECT value, unit, time FROM results WHERE patient_id=?1 AND (code IN ('29463-7','3141-9') OR code LIKE"
        " '9N006%' OR name IN ('体重','Body weight','body weight','Weight','BW')) AND (status IS NULL OR status NOT IN"
        " ('cancelled','entered-in-error')) AND (?2 IS NULL OR time IS NULL OR substr(time,1,10) <= ?2)"
        " ORDER BY time DESC, id DESC LIMIT 20";

int store_patient_weight(struct store *s, const char *id, const char *day, double *kg, char *time, size_t cap)
{
	sqlite3_stmt *q = store_cached_stmt(s, weight_sql);
	*kg = 0;
	if (cap)
		time[0] = 0;
	if (!q)
		return store_sqlerr(s, L_("reading body weight", "体重の読み取り"));
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (day)
		sqlite3_bind_text(q, 2, day, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 2);
	int found = 0;
	while (!found && sqlite3_step(q) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(q, 0), *u = (const char *)sqlite3_column_text(q, 1);
		const char *t = (const char *)sqlite3_column_text(q, 2);
		char *end = NULL;
		double x = v ? strtod(v, &end) : 0;
		if (!v || end == v || *end || !(x > 0))
			continue; /* "測定不能", "" … */
		if (u && (!strcmp(u, "g") || !strcmp(u, "[g]")))
			x /= 1000;
		else if (u && *u && strcmp(u, "kg") && strcmp(u, "[kg]") && strcmp(u, "Kg") && strcmp(u, "KG") &&
		         strcmp(u, "ｋｇ") && strcmp(u, "キログラム"))
			continue; /* a unit that is not a weight ([lb_av] …): not guessed */
		if (!(x > 0.2 && x < 400))
			continue;
		*kg = x;
		if (cap)
			snprintf(time, cap, "%s", t ? t : "");
		found = 1;
	}
	sqlite3_reset(q);
	return found;
}
