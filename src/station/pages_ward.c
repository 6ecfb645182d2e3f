/*
 * pages_ward.c - the ward census (beds, names, allergy marks, same-surname warnings) and the outpatient call
 * list of one day and department, with phone numbers, as a page or as CSV for the team that phones patients
 * whose visits cannot happen. Each view and each export is in the audit trail before it is served.
 */
#include "station_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long cell_long(const char *s)
{
	return s ? strtol(s, NULL, 10) : 0;
}

/* The RECORD column of a census or booking row: "0" when the patient has no patient record. */
static int has_record(const char *cell)
{
	return !cell || strcmp(cell, "0");
}

int station_page_census(struct station_req *r, struct station_resp *p)
{
	const char *ward = station_arg(r, "ward");
	struct buf *b = &p->body;
	struct store_table t = {0};
	if (!ward || !*ward) {
		if (store_wards(r->store, &t) < 0)
			return station_page_error(r, p, 500,
			                          T_("The census cannot be read.", "病棟一覧を読み込めません。"));
		station_page_begin(r, b, T_("Ward census", "病棟一覧"), "/census");
		station_html(b, "<h1>%s</h1><ul class=\"wards\">", T_("Wards", "病棟"));
		for (size_t i = 0; i < t.nrows; i++)
			station_html(b, "<li><a href=\"/census?ward=%u\">%s</a> (%s %s)</li>",
			             store_cell(&t, i, STORE_WARD_NAME), store_cell(&t, i, STORE_WARD_NAME),
			             store_cell(&t, i, STORE_WARD_COUNT), T_("patients", "名"));
		if (!t.nrows)
			station_html(b, "<li>%s</li>", T_("No inpatients in the data.", "入院患者はいません。"));
		station_html(b, "</ul>");
		station_page_end(r, b);
		store_table_release(&t);
		return 0;
	}
	if (station_audit(&r->st->auth, r->sess.user, "census", NULL, "/census", r->address, ward) < 0)
		return station_page_error(r, p, 500,
		                          T_("The access log cannot be written: nothing is shown.",
		                             "アクセス記録を書けないため表示できません。"));
	if (store_census_list(r->store, ward, &t) < 0)
		return station_page_error(r, p, 500, T_("The census cannot be read.", "病棟一覧を読み込めません。"));
	struct buf self = {0}, title = {0};
	buf_adds(&self, "/census?ward=");
	station_url_value(&self, ward);
	buf_addf(&title, "%s %s", T_("Ward", "病棟"), ward);
	r->print_label = title.data;
	station_page_begin(r, b, title.data, self.data);
	station_html(b, "<h1>%s %s <span class=\"count\">(%l %s)</span></h1>", T_("Ward census", "病棟患者一覧"), ward,
	             (long)t.nrows, T_("patients", "名"));
	station_html(
	        b,
	        "<nav class=\"actions no-print\">%s: <a class=\"pdf\" href=\"/print/ward.pdf?ward=%u&amp;part=census\">"
	        "%s</a> <a class=\"pdf\" href=\"/print/ward.pdf?ward=%u&amp;part=summaries\">%s</a> <a class=\"pdf\" "
	        "href=\"/print/ward.pdf?ward=%u&amp;part=medication\">%s</a> <a class=\"pdf\" "
	        "href=\"/print/ward.pdf?ward=%u&amp;part=wristbands\">%s</a> <a class=\"pdf\" "
	        "href=\"/print/ward.pdf?ward=%u&amp;part=forms\">%s</a> <a class=\"pdf\" "
	        "href=\"/print/ward.pdf?ward=%u&amp;part=labels\">%s</a></nav>\n",
	        T_("Ward pack (PDF)", "病棟一式 (PDF)"), ward, T_("Census", "病棟患者一覧"), ward,
	        T_("Summaries", "患者サマリー"), ward, T_("Medication sheets", "与薬・注射記録"), ward,
	        T_("Wristband labels", "リストバンド"), ward, T_("Order forms", "指示・依頼用紙"), ward,
	        T_("Order labels", "処方・注射ラベル"));
	station_html(b,
	             "<table class=\"census\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>ID</th><th>%s</th>"
	             "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
	             T_("Room", "病室"), T_("Bed", "床"), T_("Name", "氏名"), T_("Kana", "カナ"), T_("Sex", "性別"),
	             T_("Age", "年齢"), T_("Allergy", "アレルギー"), T_("Department", "診療科"),
	             T_("Warnings", "注意"));
	for (size_t i = 0; i < t.nrows; i++) {
		const char *id = store_cell(&t, i, STORE_CEN_ID);
		long nall = cell_long(store_cell(&t, i, STORE_CEN_ALLERGIES));
		long same_s = cell_long(store_cell(&t, i, STORE_CEN_SAME_SURNAME));
		long same_n = cell_long(store_cell(&t, i, STORE_CEN_SAME_NAME));
		int age = station_age(store_cell(&t, i, STORE_CEN_BIRTH));
		station_html(b, "<tr class=\"%R\"><td>%s</td><td>%s</td><td class=\"name\"><a href=\"/patient/%u\">",
		             same_s || same_n ? "warn" : "", store_cell(&t, i, STORE_CEN_ROOM),
		             store_cell(&t, i, STORE_CEN_BED), id);
		if (has_record(store_cell(&t, i, STORE_CEN_RECORD)))
			station_html(b, "%s %s", store_cell(&t, i, STORE_CEN_FAMILY_KANJI),
			             store_cell(&t, i, STORE_CEN_GIVEN_KANJI));
		else
			station_no_record(b);
		station_html(b, "</a></td><td>%s</td><td class=\"kana\">%s %s</td><td>%s</td><td>", id,
		             store_cell(&t, i, STORE_CEN_FAMILY_KANA), store_cell(&t, i, STORE_CEN_GIVEN_KANA),
		             station_sex(r, store_cell(&t, i, STORE_CEN_SEX)));
		if (age >= 0)
			station_html(b, "%d", age);
		station_html(b, "</td><td>");
		if (nall) /* the allergens named, as the printed census does (STORE_ALLERGY_FIRST_SQL: each once) */
			station_html(
			        b,
			        "<span class=\"badge allergy-mark\">%s %l</span> <span class=\"allergens\">%s</span>",
			        T_("ALLERGY", "アレルギー有"), nall, store_cell(&t, i, STORE_CEN_ALLERGY_NAMES));
		station_html(b, "</td><td>%s</td><td>", store_cell(&t, i, STORE_CEN_DEPT));
		station_badges(r, b, same_n, same_s);
		station_html(b, "</td></tr>\n");
	}
	station_html(b, "</tbody></table>");
	station_page_end(r, b);
	r->print_label = NULL;
	buf_release(&self);
	buf_release(&title);
	store_table_release(&t);
	return 0;
}

static void today(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(out, 16, "%04d-%02d-%02d", (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
	         (unsigned)tm.tm_mday % 100u);
}

static void appointments_csv(struct station_req *r, struct station_resp *p, const struct store_table *t,
                             const char *date)
{
	static const char *const head[] = {"start",      "department",   "clinician", "kind",       "status",
	                                   "patient_id", "name",         "kana",      "birth_date", "phone",
	                                   "phone_home", "phone_mobile", "note"};
	static const int cols[] = {STORE_APPT_START,
	                           STORE_APPT_DEPT,
	                           STORE_APPT_CLINICIAN,
	                           STORE_APPT_KIND,
	                           STORE_APPT_STATUS,
	                           STORE_APPT_PATIENT,
	                           -1,
	                           -2,
	                           STORE_APPT_BIRTH,
	                           STORE_APPT_PHONE,
	                           STORE_APPT_PHONE_HOME,
	                           STORE_APPT_PHONE_MOBILE,
	                           STORE_APPT_NOTE};
	struct buf *b = &p->body;
	buf_adds(b, "\xef\xbb\xbf"); /* BOM: spreadsheet programs in Japan then read UTF-8 */
	for (size_t c = 0; c < LB_ARRAY_LEN(head); c++)
		buf_addf(b, "%s%s", c ? "," : "", head[c]);
	buf_adds(b, "\r\n");
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t c = 0; c < LB_ARRAY_LEN(cols); c++) {
			if (c)
				buf_addch(b, ',');
			struct buf v = {0};
			if (cols[c] == -1 || cols[c] == -2) {
				int fk = cols[c] == -1 ? STORE_APPT_FAMILY_KANJI : STORE_APPT_FAMILY_KANA;
				const char *f = store_cell(t, i, (size_t)fk), *g = store_cell(t, i, (size_t)fk + 1);
				if (cols[c] == -1 && !has_record(store_cell(t, i, STORE_APPT_RECORD)))
					buf_adds(&v, STORE_NO_RECORD);
				else
					buf_addf(&v, "%s%s%s", f ? f : "", f && g ? " " : "", g ? g : "");
			} else {
				const char *s = store_cell(t, i, (size_t)cols[c]);
				buf_adds(&v, s ? s : "");
			}
			station_csv_field(b, buf_cstr(&v));
			buf_release(&v);
		}
		buf_adds(b, "\r\n");
	}
	p->type = "text/csv; charset=utf-8";
	snprintf(p->disp_buf, sizeof(p->disp_buf), "attachment; filename=\"appointments-%s.csv\"", date);
	p->disposition = p->disp_buf;
	(void)r;
}

int station_page_appointments(struct station_req *r, struct station_resp *p)
{
	char day[16];
	const char *date = station_arg(r, "date");
	const char *dept = station_arg(r, "dept");
	const char *format = station_arg(r, "format");
	int csv = format && !strcmp(format, "csv");
	if (dept && !*dept)
		dept = NULL;
	if (!date || !*date) {
		today(day);
		date = day;
	}
	int y, m, d;
	if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || !lb_date_valid(y, m, d))
		return station_page_error(r, p, 400,
		                          T_("The date is YYYY-MM-DD.", "日付は YYYY-MM-DD で指定してください。"));
	struct buf detail = {0};
	buf_addf(&detail, "%s %s", date, dept ? dept : "*");
	int rc = station_audit(&r->st->auth, r->sess.user, csv ? "export" : "appointments", NULL, "/appointments",
	                       r->address, detail.data);
	buf_release(&detail);
	if (rc < 0)
		return station_page_error(r, p, 500,
		                          T_("The access log cannot be written: nothing is shown.",
		                             "アクセス記録を書けないため表示できません。"));
	struct store_table t = {0}, depts = {0};
	if (store_appointments_day(r->store, date, dept, &t) < 0 ||
	    store_appointment_departments(r->store, date, &depts) < 0) {
		store_table_release(&t);
		return station_page_error(r, p, 500, T_("The appointments cannot be read.", "予約を読み込めません。"));
	}
	if (csv) {
		appointments_csv(r, p, &t, date);
		store_table_release(&t);
		store_table_release(&depts);
		return 0;
	}
	struct buf self = {0}, title = {0};
	buf_addf(&self, "/appointments?date=%s", date);
	if (dept) {
		buf_adds(&self, "&dept=");
		station_url_value(&self, dept);
	}
	buf_addf(&title, "%s %s %s", T_("Outpatient calls", "外来予約 連絡リスト"), date, dept ? dept : "");
	r->print_label = title.data;
	struct buf *b = &p->body;
	station_page_begin(r, b, title.data, self.data);
	station_html(b,
	             "<h1>%s</h1><form method=\"get\" action=\"/appointments\" class=\"filter\"><label>%s <input "
	             "type=\"date\" name=\"date\" value=\"%s\"></label> <label>%s <select name=\"dept\"><option "
	             "value=\"\">%s</option>",
	             title.data, T_("Date", "日付"), date, T_("Department", "診療科"), T_("all", "すべて"));
	for (size_t i = 0; i < depts.nrows; i++) {
		const char *dn = store_cell(&depts, i, 0);
		station_html(b, "<option value=\"%s\"%R>%s</option>", dn,
		             dept && dn && !strcmp(dn, dept) ? " selected" : "", dn);
	}
	station_html(b,
	             "</select></label> <button type=\"submit\">%s</button> <a class=\"csv\" "
	             "href=\"%s&amp;format=csv\">%s</a></form>",
	             T_("Show", "表示"), self.data, T_("Download CSV for the call team", "連絡用 CSV をダウンロード"));
	station_html(
	        b,
	        "<table class=\"appts\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>ID</th><th>%s</th><th>%s</th>"
	        "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
	        T_("Time", "時刻"), T_("Department", "診療科"), T_("Clinician", "担当医"), T_("Name", "氏名"),
	        T_("Birth date", "生年月日"), T_("Phone", "電話"), T_("Kind", "区分"), T_("Note", "備考"));
	for (size_t i = 0; i < t.nrows; i++) {
		const char *start = store_cell(&t, i, STORE_APPT_START);
		const char *id = store_cell(&t, i, STORE_APPT_PATIENT);
		/* the booking's time as the paper list has it: HH:MM, never the seconds of the feed (09:00:00) */
		char hm[6] = "";
		if (start && strlen(start) >= 16)
			snprintf(hm, sizeof(hm), "%.5s", start + 11);
		station_html(b,
		             "<tr class=\"%R\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"name\"><a "
		             "href=\"/patient/%u\">",
		             store_cell(&t, i, STORE_APPT_STATUS) &&
		                             !strcmp(store_cell(&t, i, STORE_APPT_STATUS), "cancelled")
		                     ? "cancelled"
		                     : "",
		             hm[0] ? hm : start, store_cell(&t, i, STORE_APPT_DEPT),
		             store_cell(&t, i, STORE_APPT_CLINICIAN), id, id);
		if (has_record(store_cell(&t, i, STORE_APPT_RECORD)))
			station_html(
			        b, "%s %s</a> <span class=\"kana\">%s %s</span>",
			        store_cell(&t, i, STORE_APPT_FAMILY_KANJI), store_cell(&t, i, STORE_APPT_GIVEN_KANJI),
			        store_cell(&t, i, STORE_APPT_FAMILY_KANA), store_cell(&t, i, STORE_APPT_GIVEN_KANA));
		else {
			station_no_record(b);
			station_html(b, "</a>");
		}
		station_html(b, "</td><td>");
		station_birth(b, store_cell(&t, i, STORE_APPT_BIRTH));
		station_html(b, "</td><td class=\"phone\">%s</td><td>%s</td><td>%s</td></tr>\n",
		             store_cell(&t, i, STORE_APPT_PHONE), store_cell(&t, i, STORE_APPT_KIND),
		             store_cell(&t, i, STORE_APPT_NOTE));
	}
	if (!t.nrows)
		station_html(b, "<tr><td colspan=\"9\">%s</td></tr>", T_("No appointments.", "予約はありません。"));
	station_html(b, "</tbody></table>");
	station_page_end(r, b);
	r->print_label = NULL;
	buf_release(&self);
	buf_release(&title);
	store_table_release(&t);
	store_table_release(&depts);
	return 0;
}
