/*
 * cmd_patient.c - `lifeboat patient`: one patient's downtime snapshot: identification (kanji and kana names,
 * birth date, sex, same-name warnings), contacts, allergies, active medicines, problems, recent results,
 * admissions with ward/bed, bookings. Text is shown exactly as the source sent it.
 */
#include "cli.h"
#include "store/store.h"
#include "text/text.h"

#include <string.h>

static const char *allergy_kind(enum ehr_allergy_kind k)
{
	return k == EHR_ALLERGY_DRUG ? "drug" : k == EHR_ALLERGY_FOOD ? "food" : "other";
}

/* The event's code (--json) */
static const char *adt_kind(enum ehr_adt_kind k)
{
	static const char *const n[] = {
	        "", "admit", "transfer", "discharge", "cancel-admit", "cancel-transfer", "cancel-discharge"};
	return (size_t)k < LB_ARRAY_LEN(n) ? n[k] : "";
}

/* … and as a word (the text view) */
static const char *adt_word(enum ehr_adt_kind k)
{
	static const char *const en[] = {
	        "", "admit", "transfer", "discharge", "admit cancelled", "transfer cancelled", "discharge cancelled"};
	static const char *const ja[] = {"", "入院", "転棟", "退院", "入院取消", "転棟取消", "退院取消"};
	return (size_t)k < LB_ARRAY_LEN(en) ? L_(en[k], ja[k]) : "";
}

static void name_join(struct buf *b, const char *a, const char *c)
{
	buf_reset(b);
	if (a)
		buf_adds(b, a);
	if (a && c)
		buf_addch(b, ' ');
	if (c)
		buf_adds(b, c);
}

static void kv_num(struct json_w *w, const char *k, double v)
{
	json_key(w, k);
	if (v > 0)
		json_double(w, v);
	else
		json_null_value(w);
}

static void med_json(struct json_w *w, const struct ehr_medication *x, int history)
{
	json_obj(w);
	json_kv_str(w, "kind", x->kind == EHR_ORDER_INJECTION ? "injection" : "rx");
	json_kv_str(w, "order_no", x->order_no);
	json_kv_str(w, "drug_code", x->drug_code);
	json_kv_str(w, "code_system", x->code_system);
	json_kv_str(w, "drug_name", x->drug_name);
	kv_num(w, "dose", x->dose);
	json_kv_str(w, "dose_unit", x->dose_unit);
	kv_num(w, "per_day", x->per_day);
	json_kv_str(w, "frequency", x->frequency);
	json_kv_str(w, "route", x->route);
	json_kv_str(w, "start", x->start);
	json_kv_int(w, "days", x->days);
	json_kv_str(w, "end", x->end);
	json_kv_str(w, "status", x->status);
	if (history)
		json_kv_bool(w, "ended", 1);
	json_kv_str(w, "prescriber", x->prescriber);
	json_kv_str(w, "department", x->department);
	json_kv_str(w, "ordered", x->ordered);
	json_end(w);
}

static const char *order_class(enum ehr_order_class k)
{
	return k == EHR_ORDER_DIET ? "diet" : k == EHR_ORDER_LAB ? "lab" : "exam";
}

static void patient_json(const struct store_patient_view *v, struct buf *out)
{
	struct json_w w = {.out = out};
	const struct ehr_patient *p = &v->patient;
	struct buf t = {0};
	char sex[2] = {p->sex, 0};
	json_obj(&w);
	json_kv_str(&w, "id", p->id);
	json_kv_bool(&w, "no_record", v->no_record);
	name_join(&t, p->family_kanji, p->given_kanji);
	json_kv_str(&w, "name_kanji", t.len ? t.data : NULL);
	name_join(&t, p->family_kana, p->given_kana);
	json_kv_str(&w, "name_kana", t.len ? t.data : NULL);
	json_kv_str(&w, "family_kanji", p->family_kanji);
	json_kv_str(&w, "given_kanji", p->given_kanji);
	json_kv_str(&w, "family_kana", p->family_kana);
	json_kv_str(&w, "given_kana", p->given_kana);
	json_kv_str(&w, "birth_date", p->birth_date);
	int y, m, d;
	buf_reset(&t);
	if (p->birth_date && text_parse_date(p->birth_date, &y, &m, &d) == 0)
		text_format_era(&t, y, m, d);
	json_kv_str(&w, "birth_date_era", t.len ? t.data : NULL);
	json_kv_str(&w, "sex", sex);
	json_kv_str(&w, "postal_code", p->postal_code);
	json_kv_str(&w, "address", p->address);
	json_kv_str(&w, "phone_home", p->phone_home);
	json_kv_str(&w, "phone_mobile", p->phone_mobile);
	json_kv_str(&w, "blood_abo", p->blood_abo);
	json_kv_str(&w, "blood_rh", p->blood_rh);
	json_kv_str(&w, "updated", p->updated);
	json_kv_bool(&w, "same_full_name_in_hospital", v->same_full_name > 0);
	json_kv_int(&w, "same_full_name_count", v->same_full_name);
	json_kv_str(&w, "as_of", v->as_of);
	json_kv_bool(&w, "as_of_unknown", v->as_of_unknown); /* as_of is the load time: the data holds none */
	json_key(&w, "census");
	if (v->census.in_ward) {
		const struct store_census *c = &v->census;
		json_obj(&w);
		json_kv_str(&w, "ward", c->ward);
		json_kv_str(&w, "room", c->room);
		json_kv_str(&w, "bed", c->bed);
		json_kv_str(&w, "since", c->since);
		json_kv_str(&w, "department", c->department);
		json_kv_str(&w, "attending", c->attending);
		json_kv_bool(&w, "same_surname_in_ward", c->same_surname_in_ward > 0);
		json_end(&w);
	} else {
		json_null_value(&w);
	}
	/* an active record saying there are none (NKA): not an allergy, but not "unknown" either */
	json_kv_bool(&w, "no_known_allergies", v->no_known_allergies != NULL);
	json_key(&w, "allergies");
	json_arr(&w);
	for (size_t i = 0; i < v->n_allergies; i++) {
		const struct ehr_allergy *a = &v->allergies[i];
		json_obj(&w);
		json_kv_str(&w, "kind", allergy_kind(a->kind));
		json_kv_str(&w, "name", a->name);
		json_kv_str(&w, "code", a->code);
		json_kv_str(&w, "code_system", a->code_system);
		json_kv_str(&w, "reaction", a->reaction);
		json_kv_str(&w, "severity", a->severity);
		json_kv_str(&w, "recorded", a->recorded);
		json_end(&w);
	}
	json_end(&w);
	json_key(&w, "medications");
	json_arr(&w);
	for (size_t i = 0; i < v->n_medications; i++)
		med_json(&w, &v->medications[i], 0);
	json_end(&w);
	json_key(&w, "medication_history");
	json_arr(&w);
	for (size_t i = 0; i < v->n_history; i++)
		med_json(&w, &v->history[i], 1);
	json_end(&w);
	json_kv_int(&w, "medication_history_days", STORE_HISTORY_DAYS);
	json_key(&w, "orders");
	json_arr(&w);
	for (size_t i = 0; i < v->n_orders; i++) {
		const struct ehr_order *x = &v->orders[i];
		json_obj(&w);
		json_kv_str(&w, "class", order_class(x->cls));
		json_kv_str(&w, "data_type", x->data_type);
		json_kv_str(&w, "order_no", x->order_no);
		json_kv_str(&w, "code", x->code);
		json_kv_str(&w, "code_system", x->code_system);
		json_kv_str(&w, "name", x->name);
		json_kv_str(&w, "detail", x->detail);
		json_kv_str(&w, "frequency", x->frequency);
		json_kv_str(&w, "start", x->start);
		json_kv_str(&w, "end", x->end);
		json_kv_str(&w, "status", x->status);
		json_kv_str(&w, "orderer", x->orderer);
		json_kv_str(&w, "department", x->department);
		json_kv_str(&w, "ordered", x->ordered);
		json_end(&w);
	}
	json_end(&w);
	json_key(&w, "raw_only");
	json_arr(&w);
	for (size_t i = 0; i < v->n_raw_types; i++) {
		json_obj(&w);
		json_kv_str(&w, "data_type", v->raw_types[i].data_type);
		json_kv_int(&w, "messages", v->raw_types[i].n);
		json_end(&w);
	}
	json_end(&w);
	json_key(&w, "problems");
	json_arr(&w);
	for (size_t i = 0; i < v->n_diagnoses; i++) {
		const struct ehr_diagnosis *x = &v->diagnoses[i];
		json_obj(&w);
		json_kv_str(&w, "name", x->name);
		json_kv_str(&w, "code", x->code);
		json_kv_str(&w, "code_system", x->code_system);
		json_kv_str(&w, "start", x->start);
		json_kv_str(&w, "end", x->end);
		json_kv_bool(&w, "active", x->active);
		json_kv_bool(&w, "main", x->main);
		json_end(&w);
	}
	json_end(&w);
	json_key(&w, "results");
	json_arr(&w);
	for (size_t i = 0; i < v->n_results; i++) {
		const struct ehr_result *x = &v->results[i];
		json_obj(&w);
		json_kv_str(&w, "time", x->time);
		json_kv_str(&w, "name", x->name);
		json_kv_str(&w, "code", x->code);
		json_kv_str(&w, "value", x->value);
		json_kv_str(&w, "unit", x->unit);
		json_kv_str(&w, "reference", x->reference);
		json_kv_str(&w, "flag", x->flag);
		json_kv_str(&w, "status", x->status);
		json_kv_str(&w, "order_no", x->order_no);
		json_end(&w);
	}
	json_end(&w);
	json_key(&w, "admissions");
	json_arr(&w);
	for (size_t i = 0; i < v->n_admissions; i++) {
		const struct ehr_adt *x = &v->admissions[i];
		json_obj(&w);
		json_kv_str(&w, "event", adt_kind(x->kind));
		json_kv_str(&w, "time", x->time);
		json_kv_str(&w, "ward", x->ward);
		json_kv_str(&w, "room", x->room);
		json_kv_str(&w, "bed", x->bed);
		json_kv_str(&w, "department", x->department);
		json_kv_str(&w, "attending", x->attending);
		json_end(&w);
	}
	json_end(&w);
	json_key(&w, "appointments");
	json_arr(&w);
	for (size_t i = 0; i < v->n_appointments; i++) {
		const struct ehr_appointment *x = &v->appointments[i];
		json_obj(&w);
		json_kv_str(&w, "start", x->start);
		json_kv_str(&w, "department", x->department);
		json_kv_str(&w, "clinician", x->clinician);
		json_kv_str(&w, "kind", x->kind);
		json_kv_str(&w, "status", x->status);
		json_kv_str(&w, "phone", x->phone);
		json_kv_str(&w, "note", x->note);
		json_end(&w);
	}
	json_end(&w);
	json_end(&w);
	buf_release(&t);
}

static const char *s_(const char *s)
{
	return s ? s : "";
}

/* The sex as a word, as paper and the station say it (the JSON keeps the code). */
static const char *sex_word(char sex)
{
	return sex == 'M'   ? L_("male", "男")
	       : sex == 'F' ? L_("female", "女")
	       : sex == 'O' ? L_("other", "その他")
	                    : L_("unknown", "不明");
}

/* A few buffers used in turn, so that one line may show several times (stamp). */
struct stamps {
	struct buf b[4];
	unsigned next;
};

/* A stored time in the one local format people read (lb_format_stamp: "2026/11/18 10:56", a date "2026/11/18"),
 * valid until three more calls; "" for none. */
static const char *stamp(struct stamps *r, const char *t)
{
	struct buf *b = &r->b[r->next++ % LB_ARRAY_LEN(r->b)];
	buf_reset(b);
	if (t && *t)
		lb_format_stamp(b, t);
	return buf_cstr(b);
}

static void patient_text(const struct store_patient_view *v, struct buf *o)
{
	const struct ehr_patient *p = &v->patient;
	struct buf era = {0};
	struct stamps ts = {0};
	int y, m, d;
	if (p->birth_date && text_parse_date(p->birth_date, &y, &m, &d) == 0)
		text_format_era(&era, y, m, d);
	if (v->no_record)
		buf_addf(o, "%s  %s\n", p->id, STORE_NO_RECORD);
	else
		buf_addf(o, "%s  %s %s  (%s %s)\n", p->id, s_(p->family_kanji), s_(p->given_kanji), s_(p->family_kana),
		         s_(p->given_kana));
	buf_addf(o, "%s: %s %s  %s: %s\n", L_("born", "生年月日"), s_(p->birth_date), buf_cstr(&era), L_("sex", "性別"),
	         sex_word(p->sex));
	if (v->same_full_name)
		buf_addf(o, "!! %s (%d)\n",
		         L_("SAME FULL NAME as other patients in the hospital", "院内に同姓同名の患者がいます"),
		         v->same_full_name);
	if (v->census.in_ward) {
		buf_addf(o, "%s: %s %s-%s  (%s %s)\n", L_("ward", "病棟"), s_(v->census.ward), s_(v->census.room),
		         s_(v->census.bed), L_("since", "入院"), stamp(&ts, v->census.since));
		if (v->census.same_surname_in_ward)
			buf_addf(o, "!! %s\n", L_("SAME SURNAME in this ward", "同じ病棟に同姓の患者がいます"));
	}
	buf_addf(o, "%s: %s %s  %s: %s %s\n", L_("address", "住所"), s_(p->postal_code), s_(p->address),
	         L_("phone", "電話"), s_(p->phone_home), s_(p->phone_mobile));
	buf_addf(o, "%s (%zu):%s\n", L_("allergies", "アレルギー"), v->n_allergies,
	         !v->n_allergies && v->no_known_allergies ? L_(" none known (NKA recorded)", " なし (NKA の記録あり)")
	                                                  : "");
	for (size_t i = 0; i < v->n_allergies; i++)
		buf_addf(o, "  %s  %s  %s\n", s_(v->allergies[i].name), s_(v->allergies[i].reaction),
		         s_(ehr_severity_word(v->allergies[i].severity, lb_lang() == LB_LANG_JA)));
	buf_addf(o, "%s (%zu):\n", L_("active medicines", "現在の薬剤"), v->n_medications);
	for (size_t i = 0; i < v->n_medications; i++) {
		const struct ehr_medication *x = &v->medications[i];
		buf_addf(o, "  %s  %g%s  %s  %s  %s〜 %d%s\n", s_(x->drug_name), x->dose, s_(x->dose_unit),
		         s_(x->frequency), s_(x->route), stamp(&ts, x->start), x->days, L_("d", "日"));
	}
	buf_addf(o, "%s (%zu, %s %d %s):\n", L_("medication history", "薬歴 (終了)"), v->n_history,
	         L_("ended in the last", "直近"), STORE_HISTORY_DAYS, L_("days", "日以内に終了"));
	for (size_t i = 0; i < v->n_history; i++) {
		const struct ehr_medication *x = &v->history[i];
		const char *st = !x->status                        ? ""
		                 : !strcmp(x->status, "completed") ? L_("completed", "完了")
		                 : !strcmp(x->status, "cancelled") ? L_("cancelled", "中止")
		                                                   : L_("ended", "終了");
		buf_addf(o, "  [%s] %s  %s  %g%s  %s  %s〜%s\n", st,
		         x->kind == EHR_ORDER_INJECTION ? L_("injection", "注射") : L_("rx", "処方"), s_(x->drug_name),
		         x->dose, s_(x->dose_unit), s_(x->frequency), stamp(&ts, x->start), stamp(&ts, x->end));
	}
	buf_addf(o, "%s (%zu):\n", L_("orders (diet, exams, lab)", "オーダ (食事・検査)"), v->n_orders);
	for (size_t i = 0; i < v->n_orders; i++) {
		const struct ehr_order *x = &v->orders[i];
		const char *cls = x->cls == EHR_ORDER_DIET  ? L_("diet", "食事")
		                  : x->cls == EHR_ORDER_LAB ? L_("lab", "検体検査")
		                                            : L_("exam", "検査");
		const char *st = x->status && !strcmp(x->status, "completed")   ? L_(" (done)", " (実施済)")
		                 : x->status && !strcmp(x->status, "cancelled") ? L_(" (cancelled)", " (中止)")
		                                                                : "";
		buf_addf(o, "  [%s] %s%s  %s  %s  %s\n", cls, s_(x->name), st, s_(x->detail), s_(x->frequency),
		         stamp(&ts, x->start ? x->start : x->ordered));
	}
	if (v->n_raw_types) {
		buf_addf(o, "!! %s:",
		         L_("NOT IN THIS RECORD (kept raw only, not read)",
		            "この記録に含まれない情報 (原文のみ保存・未読込)"));
		for (size_t i = 0; i < v->n_raw_types; i++)
			buf_addf(o, " %s ×%d", v->raw_types[i].data_type, v->raw_types[i].n);
		buf_addch(o, '\n');
	}
	buf_addf(o, "%s (%zu):\n", L_("problems", "病名"), v->n_diagnoses);
	for (size_t i = 0; i < v->n_diagnoses; i++)
		buf_addf(o, "  %s%s  %s\n", s_(v->diagnoses[i].name),
		         v->diagnoses[i].active ? "" : L_(" (ended)", " (転帰)"), stamp(&ts, v->diagnoses[i].start));
	buf_addf(o, "%s (%zu):\n", L_("recent results", "最近の検査結果"), v->n_results);
	for (size_t i = 0; i < v->n_results; i++)
		buf_addf(o, "  %s  %s %s %s  %s\n", stamp(&ts, v->results[i].time), s_(v->results[i].name),
		         s_(v->results[i].value), s_(v->results[i].unit), s_(v->results[i].flag));
	buf_addf(o, "%s (%zu):\n", L_("admissions", "入退院"), v->n_admissions);
	for (size_t i = 0; i < v->n_admissions; i++)
		buf_addf(o, "  %s  %s  %s %s-%s\n", stamp(&ts, v->admissions[i].time), adt_word(v->admissions[i].kind),
		         s_(v->admissions[i].ward), s_(v->admissions[i].room), s_(v->admissions[i].bed));
	buf_addf(o, "%s (%zu):\n", L_("bookings", "予約"), v->n_appointments);
	for (size_t i = 0; i < v->n_appointments; i++)
		buf_addf(o, "  %s  %s  %s\n", stamp(&ts, v->appointments[i].start), s_(v->appointments[i].department),
		         s_(v->appointments[i].kind));
	buf_addf(o, "%s: ", L_("data as of", "データ時点"));
	store_as_of_show(o, v->as_of, v->as_of_unknown); /* as the station's banner and paper say it */
	buf_release(&era);
	for (size_t i = 0; i < LB_ARRAY_LEN(ts.b); i++)
		buf_release(&ts.b[i]);
}

int cmd_patient(int argc, char **argv)
{
	const char *db = NULL, *id = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_STRING, 0, "id", &id, "PID",
	         "the patient ID (full-width, or without the leading zeros, is read too)",
	         "患者ID (全角や先頭の0の省略も可)"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print the snapshot as JSON", "JSON で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat patient --db FILE --id PID [--json]",
	        "Show one patient as the downtime station does: names (kanji, kana), birth date, sex, same-name "
	        "warnings,\n"
	        "ward and bed, contacts, allergies, active medicines, the medication history of the last 180 days\n"
	        "(ended, with dates), diet, exam and lab orders, the message types kept raw only (not in the record),\n"
	        "problems, recent results, admissions and bookings.\n"
	        "Exit 2 when the store has no such patient.",
	        "患者 1 名の情報を表示します: 氏名 "
	        "(漢字・カナ)、生年月日、性別、同姓同名の警告、病棟・ベッド、連絡先、\n"
	        "アレルギー、現在の薬剤、直近 180 日に終了した薬歴 (日付つき)、食事・検査オーダ、原文のみ保存の種別、\n"
	        "病名、最近の検査結果、入退院、予約。該当患者がなければ終了コード 2。",
	        "  lifeboat patient --db clinical.db --id 0000123456\n"
	        "  lifeboat patient --db clinical.db --id 0000123456 --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("patient takes no operands ('%s')", "patient に引数は不要です ('%s')"), argv[i]);
	if (!db || !id)
		return cli_usage(
		        L_("patient needs --db FILE and --id PID", "patient には --db FILE と --id PID が必要です"));
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0)
		return cli_error(rc);
	struct store_patient_view v;
	rc = store_patient_get(s, id, &v);
	store_close(s);
	if (rc < 0) {
		store_patient_view_release(&v);
		return cli_error(rc);
	}
	struct buf out = {0};
	if (json)
		patient_json(&v, &out);
	else
		patient_text(&v, &out);
	store_patient_view_release(&v);
	rc = cli_print(&out);
	buf_release(&out);
	return rc;
}
