/*
 * pages_patient.c - one patient's downtime page, in the order a ward needs it: the identification banner
 * (kanji, kana, sex, age, birth date with era, ID, address) with same-name warnings, allergies first and in red
 * (or "no allergy information recorded" said in so many words), where the patient is now, active medicines and
 * injections, problems, recent results with their flags, bookings, contacts and the admission history.
 *
 * The view is recorded in the audit trail before anything about the patient is written; if it cannot be
 * recorded, nothing is shown.
 */
#include "station_int.h"

#include <string.h>

static const char *allergy_kind(struct station_req *r, enum ehr_allergy_kind k)
{
	return k == EHR_ALLERGY_DRUG   ? T_("drug", "薬剤")
	       : k == EHR_ALLERGY_FOOD ? T_("food", "食物")
	                               : T_("other", "その他");
}

static void num(struct buf *b, double v)
{
	char n[32];
	if (v != 0)
		buf_adds(b, station_num(n, v));
}

static int same(const char *a, const char *b)
{
	return a && b && *a && !strcmp(a, b);
}

/* The other patients with this full name, so that staff can tell them apart by birth date, ID and ward. */
static void same_name_list(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	const struct ehr_patient *pt = &v->patient;
	struct buf q = {0};
	int kanji = pt->family_kanji && *pt->family_kanji && pt->given_kanji && *pt->given_kanji;
	buf_addf(&q, "%s %s",
	         kanji             ? pt->family_kanji
	         : pt->family_kana ? pt->family_kana
	                           : "",
	         kanji            ? pt->given_kanji
	         : pt->given_kana ? pt->given_kana
	                          : "");
	struct store_hits hits = {0};
	if (store_search(r->store, q.data, 50, &hits) == 0) {
		int n = 0;
		for (size_t i = 0; i < hits.n; i++) {
			const struct store_hit *h = &hits.v[i];
			int full = (same(h->family_kanji, pt->family_kanji) && same(h->given_kanji, pt->given_kanji)) ||
			           (same(h->family_kana, pt->family_kana) && same(h->given_kana, pt->given_kana));
			if (!full || !strcmp(h->id, pt->id))
				continue;
			if (!n++)
				station_html(b, "<ul class=\"same-name-list\">");
			station_html(b, "<li><a href=\"/patient/%u\">%s</a> %s %s (%s %s) ", h->id, h->id,
			             h->family_kanji, h->given_kanji, h->family_kana, h->given_kana);
			station_birth(b, h->birth_date);
			if (h->ward)
				station_html(b, " %s %s-%s", h->ward, h->room, h->bed);
			station_html(b, "</li>");
		}
		if (n)
			station_html(b, "</ul>");
	}
	store_hits_release(&hits);
	buf_release(&q);
}

void station_idband(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	const struct ehr_patient *pt = &v->patient;
	char sex[2] = {pt->sex, 0};
	int age = station_age(pt->birth_date);
	if (v->no_record) {
		station_html(b, "<section class=\"idband\"><div class=\"who\"><span class=\"name\">");
		station_no_record(b);
		station_html(b, "</span>");
	} else
		station_html(b,
		             "<section class=\"idband\"><div class=\"who\"><span class=\"name\">%s %s</span>"
		             " <span class=\"kana\">%s %s</span>",
		             pt->family_kanji, pt->given_kanji, pt->family_kana, pt->given_kana);
	station_badges(r, b, v->same_full_name, v->census.same_surname_in_ward);
	station_html(b, "</div><dl><dt>ID</dt><dd class=\"pid\">%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", pt->id,
	             T_("Sex", "性別"), station_sex(r, sex), T_("Age", "年齢"));
	if (age >= 0)
		station_html(b, "%d%s", age, T_(" y", "歳"));
	station_html(b, "</dd><dt>%s</dt><dd>", T_("Birth date", "生年月日"));
	station_birth(b, pt->birth_date);
	station_html(b, "</dd><dt>%s</dt><dd>%s %s%s</dd><dt>%s</dt><dd>", T_("Blood type", "血液型"), pt->blood_abo,
	             pt->blood_rh ? "Rh" : "", pt->blood_rh, T_("Now", "現在"));
	if (v->census.in_ward)
		station_html(b, "<b>%s %s-%s</b> (%s %T, %s)", v->census.ward, v->census.room, v->census.bed,
		             T_("since", "入院"), v->census.since, v->census.department);
	else
		station_html(b, "%s", T_("not admitted (outpatient)", "入院していません (外来)"));
	station_html(b, "</dd><dt>%s</dt><dd>〒%s %s</dd></dl>", T_("Address", "住所"), pt->postal_code, pt->address);
	if (v->same_full_name > 0) {
		station_html(
		        b, "<p class=\"warn-line\">%s</p>",
		        T_("Another patient of this hospital has the same full name: confirm the birth date and ID "
		           "with the patient and the wristband.",
		           "院内に同姓同名の患者がいます。生年月日と ID を本人・リストバンドで必ず確認してください。"));
		same_name_list(r, b, v);
	}
	if (v->census.same_surname_in_ward > 0)
		station_html(b, "<p class=\"warn-line\">%s</p>",
		             T_("Another inpatient of this ward has the same surname.",
		                "同じ病棟に同姓の入院患者がいます。"));
	station_html(b, "</section>\n");
}

void station_allergy_box(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	station_html(b, "<section class=\"allergy\" id=\"allergies\"><h2>%s</h2>", T_("Allergies", "アレルギー"));
	if (!v->n_allergies && v->no_known_allergies) {
		station_html(b, "<p class=\"no-allergy nka\">%s%s%s)</p></section>\n",
		             T_("No known allergies (NKA recorded", "アレルギーなし (NKA の記録あり"),
		             *v->no_known_allergies ? ", " : "", v->no_known_allergies);
		return;
	}
	if (!v->n_allergies) {
		station_html(b, "<p class=\"no-allergy\">%s</p></section>\n",
		             T_("No allergy information recorded (ask the patient).",
		                "アレルギー情報なし (登録なし: 本人に確認してください)"));
		return;
	}
	station_html(b, "<ul>");
	for (size_t i = 0; i < v->n_allergies; i++) {
		const struct ehr_allergy *a = &v->allergies[i];
		station_html(b, "<li><b>%s</b> <span class=\"kind\">[%s]</span>", a->name, allergy_kind(r, a->kind));
		if (a->reaction)
			station_html(b, " %s: %s", T_("reaction", "症状"), a->reaction);
		if (a->severity)
			station_html(b, " (%s)", ehr_severity_word(a->severity, r->lang_ja));
		if (a->recorded)
			station_html(b, " <span class=\"date\">%s %T</span>", T_("recorded", "登録"), a->recorded);
		station_html(b, "</li>");
	}
	station_html(b, "</ul></section>\n");
}

static void medications(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	station_html(b, "<section class=\"meds\"><h2>%s</h2>",
	             T_("Active medicines and injections", "処方・注射 (有効)"));
	if (!v->n_medications) {
		station_html(b, "<p class=\"none\">%s</p></section>\n", T_("None recorded.", "登録なし"));
		return;
	}
	station_html(b,
	             "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	             "<th>%s</th></tr></thead><tbody>",
	             T_("Type", "種別"), T_("Drug", "薬剤"), T_("Dose", "用量"), T_("Frequency", "用法"),
	             T_("Route", "経路"), T_("Start", "開始"), T_("Days", "日数"), T_("Ordered by", "処方医"));
	for (size_t i = 0; i < v->n_medications; i++) {
		const struct ehr_medication *m = &v->medications[i];
		struct buf dose = {0};
		num(&dose, m->dose);
		station_html(
		        b,
		        "<tr><td>%s</td><td class=\"drug\">%s</td><td>%s %s</td><td>%s</td><td>%s</td><td>%T</td><td>",
		        m->kind == EHR_ORDER_INJECTION ? T_("injection", "注射") : T_("oral/ext.", "処方"),
		        m->drug_name, buf_cstr(&dose), m->dose_unit, m->frequency, m->route, m->start);
		if (m->days > 0)
			station_html(b, "%d", m->days);
		station_html(b, "</td><td>%s %s</td></tr>", m->prescriber, m->department);
		buf_release(&dose);
	}
	station_html(b, "</tbody></table></section>\n");
}

/* What a nurse works from besides the medicines: the diet (food allergies, 禁食) first, exams and lab orders. */
static void orders(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	if (!v->n_orders)
		return;
	station_html(b, "<section class=\"orders\"><h2>%s</h2><ul>",
	             T_("Orders: diet, exams, lab", "オーダ (食事・検査)"));
	for (size_t i = 0; i < v->n_orders; i++) {
		const struct ehr_order *x = &v->orders[i];
		const char *cls = x->cls == EHR_ORDER_DIET  ? T_("diet", "食事")
		                  : x->cls == EHR_ORDER_LAB ? T_("lab", "検体検査")
		                                            : T_("exam", "検査");
		const char *st = x->status && !strcmp(x->status, "completed")   ? T_(" (done)", " (実施済)")
		                 : x->status && !strcmp(x->status, "cancelled") ? T_(" (cancelled)", " (中止)")
		                                                                : "";
		station_html(b,
		             "<li class=\"order-%R\"><span class=\"kind\">[%s]</span> <b>%s</b>%s %s %s "
		             "<span class=\"date\">%T</span></li>",
		             x->cls == EHR_ORDER_DIET  ? "diet"
		             : x->cls == EHR_ORDER_LAB ? "lab"
		                                       : "exam",
		             cls, x->name, st, x->detail, x->frequency, x->start ? x->start : x->ordered);
	}
	station_html(b, "</ul></section>\n");
}

/* The medicines that ended lately: a downtime view must not read 「処方なし」 for a patient whose course just ended. */
static void history(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	station_html(b, "<section class=\"history\"><h2>%s %d %s</h2>", T_("Medicines ended in the last", "薬歴 (直近"),
	             STORE_HISTORY_DAYS, T_("days", "日以内に終了)"));
	if (!v->n_history) {
		station_html(b, "<p class=\"none\">%s</p></section>\n", T_("None.", "なし"));
		return;
	}
	station_html(b, "<ul>");
	for (size_t i = 0; i < v->n_history; i++) {
		const struct ehr_medication *m = &v->history[i];
		const char *st = !m->status                        ? ""
		                 : !strcmp(m->status, "completed") ? T_("completed", "完了")
		                 : !strcmp(m->status, "cancelled") ? T_("cancelled", "中止")
		                                                   : T_("ended", "終了");
		struct buf dose = {0};
		num(&dose, m->dose);
		station_html(b,
		             "<li><span class=\"ended\">[%s]</span> %s <b>%s</b> %s %s %s <span "
		             "class=\"date\">%T〜%T</span></li>",
		             st, m->kind == EHR_ORDER_INJECTION ? T_("injection", "注射") : T_("oral/ext.", "処方"),
		             m->drug_name, buf_cstr(&dose), m->dose_unit, m->frequency, m->start, m->end);
		buf_release(&dose);
	}
	station_html(b, "</ul></section>\n");
}

/* Nobody may believe the record complete when it is not: the message types kept raw only. */
static void raw_only(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	if (!v->n_raw_types)
		return;
	station_html(
	        b, "<section class=\"raw-only warn\"><p>%s:",
	        T_("Not in this record (kept raw only, not read)", "この記録に含まれない情報 (原文のみ保存・未読込)"));
	for (size_t i = 0; i < v->n_raw_types; i++)
		station_html(b, " %s ×%d", v->raw_types[i].data_type, v->raw_types[i].n);
	station_html(b, "</p></section>\n");
}

static void problems(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	station_html(b, "<section class=\"problems\"><h2>%s</h2>", T_("Problems", "病名"));
	if (!v->n_diagnoses) {
		station_html(b, "<p class=\"none\">%s</p></section>\n", T_("None recorded.", "登録なし"));
		return;
	}
	station_html(b, "<ul>");
	for (size_t i = 0; i < v->n_diagnoses; i++) {
		const struct ehr_diagnosis *d = &v->diagnoses[i];
		station_html(b, "<li class=\"%R\">%s%s <span class=\"date\">%T", d->active ? "active" : "ended",
		             d->main ? T_("[main] ", "【主】") : "", d->name, d->start);
		if (!d->active)
			station_html(b, " - %T (%s)", d->end, T_("ended", "終了"));
		station_html(b, "</span></li>");
	}
	station_html(b, "</ul></section>\n");
}

static void results(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	station_html(b, "<section class=\"results\"><h2>%s</h2>", T_("Recent results", "最近の検査結果"));
	if (!v->n_results) {
		station_html(b, "<p class=\"none\">%s</p></section>\n", T_("None recorded.", "登録なし"));
		return;
	}
	station_html(b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	             T_("Time", "日時"), T_("Test", "検査"), T_("Value", "値"), T_("Reference", "基準値"),
	             T_("Flag", "判定"));
	for (size_t i = 0; i < v->n_results; i++) {
		const struct ehr_result *x = &v->results[i];
		int abn = x->flag && *x->flag && strcmp(x->flag, "N");
		station_html(b,
		             "<tr class=\"%R\"><td>%T</td><td>%s</td><td>%s %s</td><td>%s</td><td "
		             "class=\"flag\">%s</td></tr>",
		             abn ? "abnormal" : "", x->time, x->name, x->value, x->unit, x->reference, x->flag);
	}
	station_html(b, "</tbody></table></section>\n");
}

static void bookings_contacts(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	station_html(b, "<section class=\"bookings\"><h2>%s</h2>", T_("Bookings", "予約"));
	if (!v->n_appointments)
		station_html(b, "<p class=\"none\">%s</p>", T_("None.", "なし"));
	else
		station_html(b, "<ul>");
	for (size_t i = 0; i < v->n_appointments; i++) {
		const struct ehr_appointment *a = &v->appointments[i];
		station_html(b, "<li>%T %s %s %s <span class=\"status\">%s</span></li>", a->start, a->department,
		             a->clinician, a->kind, ehr_booking_word(a->status, r->lang_ja));
	}
	if (v->n_appointments)
		station_html(b, "</ul>");
	const struct ehr_patient *pt = &v->patient;
	station_html(
	        b,
	        "</section>\n<section class=\"contacts\"><h2>%s</h2><dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
	        "<dt>%s</dt><dd>〒%s %s</dd></dl></section>\n",
	        T_("Contacts", "連絡先"), T_("Home phone", "自宅電話"), pt->phone_home ? pt->phone_home : "-",
	        T_("Mobile", "携帯電話"), pt->phone_mobile ? pt->phone_mobile : "-", T_("Address", "住所"),
	        pt->postal_code, pt->address);
	if (v->n_admissions) {
		static const char *const kinds[][2] = {{"?", "?"},
		                                       {"admitted", "入院"},
		                                       {"transferred", "転棟"},
		                                       {"discharged", "退院"},
		                                       {"admission cancelled", "入院取消"},
		                                       {"transfer cancelled", "転棟取消"},
		                                       {"discharge cancelled", "退院取消"}};
		station_html(b, "<section class=\"adt\"><h2>%s</h2><ul>", T_("Admissions", "入退院歴"));
		for (size_t i = 0; i < v->n_admissions; i++) {
			const struct ehr_adt *a = &v->admissions[i];
			int k = a->kind >= 1 && a->kind <= 6 ? (int)a->kind : 0;
			station_html(b, "<li>%T %s %s %s-%s %s</li>", a->time, T_(kinds[k][0], kinds[k][1]), a->ward,
			             a->room, a->bed, a->department);
		}
		station_html(b, "</ul></section>\n");
	}
}

/* What can be done for this patient: the checks that paper lost, and the patient's paper (PDF). */
static void actions(struct station_req *r, struct buf *b, const struct store_patient_view *v)
{
	const char *id = v->patient.id;
	station_html(b,
	             "<nav class=\"actions no-print\"><a class=\"button\" href=\"/rx/check?patient=%u\">%s</a> "
	             "<a class=\"button\" href=\"/barcode?patient=%u\">%s</a> <span class=\"pdfs\">%s:",
	             id, T_("Prescription check", "処方チェック"), id, T_("Barcode check", "バーコード照合"),
	             T_("Print (PDF)", "印刷 (PDF)"));
	static const char *const parts[][3] = {{"wristbands", "Wristband labels", "リストバンド"},
	                                       {"labels", "Order labels", "処方・注射ラベル"},
	                                       {"summary", "Summary", "サマリー"},
	                                       {"medication", "Medication sheet", "与薬・注射記録"},
	                                       {"forms", "Order forms", "指示・依頼用紙"}};
	for (size_t i = 0; i < LB_ARRAY_LEN(parts); i++)
		station_html(b, " <a class=\"pdf\" href=\"/print/patient.pdf?patient=%u&amp;part=%R\">%s</a>", id,
		             parts[i][0], T_(parts[i][1], parts[i][2]));
	station_html(b, "</span></nav>\n");
}

int station_page_patient(struct station_req *r, struct station_resp *p, const char *id)
{
	if (strlen(id) > 64 || !station_text_ok(id, strlen(id)))
		return station_page_error(r, p, 400, T_("Not a patient ID.", "患者 ID ではありません。"));
	struct store_patient_view v;
	int rc = store_patient_get(r->store, id, &v);
	if (station_audit(&r->st->auth, r->sess.user, "view", id, r->path, r->address,
	                  rc == -LB_ENOTFOUND ? "not found" : NULL) < 0) {
		store_patient_view_release(&v);
		return station_page_error(r, p, 500,
		                          T_("The access log cannot be written: nothing is shown.",
		                             "アクセス記録を書けないため表示できません。"));
	}
	if (rc == -LB_ENOTFOUND) {
		store_patient_view_release(&v);
		return station_page_error(r, p, 404, T_("No such patient.", "該当する患者はいません。"));
	}
	if (rc < 0) {
		store_patient_view_release(&v);
		return station_page_error(r, p, 500, T_("The patient cannot be read.", "患者情報を読み込めません。"));
	}
	struct buf title = {0}, self = {0};
	if (v.no_record)
		buf_addf(&title, "%s %s", v.patient.id, STORE_NO_RECORD);
	else
		buf_addf(&title, "%s %s %s", v.patient.id, v.patient.family_kanji ? v.patient.family_kanji : "",
		         v.patient.given_kanji ? v.patient.given_kanji : "");
	r->print_label = title.data;
	buf_adds(&self, "/patient/");
	for (const unsigned char *c = (const unsigned char *)id; *c; c++)
		buf_addf(&self,
		         (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ? "%c"
		                                                                                          : "%%%02X",
		         *c);
	struct buf *b = &p->body;
	station_page_begin(r, b, title.data, self.data);
	station_html(b, "<div class=\"patient\" data-patient=\"%s\">", v.patient.id);
	station_idband(r, b, &v);
	actions(r, b, &v);
	station_allergy_box(r, b, &v);
	raw_only(r, b, &v);
	medications(r, b, &v);
	history(r, b, &v);
	orders(r, b, &v);
	problems(r, b, &v);
	results(r, b, &v);
	bookings_contacts(r, b, &v);
	station_html(b, "</div>");
	station_page_end(r, b);
	r->print_label = NULL;
	buf_release(&title);
	buf_release(&self);
	store_patient_view_release(&v);
	return 0;
}
