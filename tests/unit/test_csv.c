/*
 * test_csv.c - the appointments and drug master CSV feeds (src/ehr/csv.c): RFC 4180 quoting, CRLF, BOM, CP932,
 * columns by header name, Japanese headers, date forms, status words, caps, and a warning per unusable row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ehr/ehr.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEEP 16

struct got {
	int appts, drugs, warnings[8];
	int64_t warn_line[KEEP];
	char warn_text[KEEP][256];
	int nwarn;
	struct {
		char id[32], patient[32], start[32], dept[64], clin[64], kind[32], status[32], phone[32], note[128];
	} a[KEEP];
	struct {
		char code[32], name[128], generic[128], kana[64], form[32], unit[16], preg[64], inter[64], allergy[64],
		        yj[32], contra[64], thera[64], strength[32], confusable[64], elderly[128];
		double max, per_kg;
		int age_min, age_below, period, narrow, high;
	} d[96];
};

static void cp(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "(null)");
}

static int on_appt(void *ctx, const struct ehr_source *src, const struct ehr_appointment *r)
{
	struct got *g = ctx;
	assert_string_equal(src->kind, "appointments");
	if (g->appts < KEEP) {
		cp(g->a[g->appts].id, 32, r->id);
		cp(g->a[g->appts].patient, 32, r->patient_id);
		cp(g->a[g->appts].start, 32, r->start);
		cp(g->a[g->appts].dept, 64, r->department);
		cp(g->a[g->appts].clin, 64, r->clinician);
		cp(g->a[g->appts].kind, 32, r->kind);
		cp(g->a[g->appts].status, 32, r->status);
		cp(g->a[g->appts].phone, 32, r->phone);
		cp(g->a[g->appts].note, 128, r->note);
	}
	g->appts++;
	return 0;
}

static int on_drug(void *ctx, const struct ehr_source *src, const struct ehr_drug *r)
{
	struct got *g = ctx;
	(void)src;
	if (g->drugs < 96) {
		cp(g->d[g->drugs].code, 32, r->code);
		cp(g->d[g->drugs].name, 128, r->name);
		cp(g->d[g->drugs].generic, 128, r->generic_name);
		cp(g->d[g->drugs].kana, 64, r->kana);
		cp(g->d[g->drugs].form, 32, r->form);
		cp(g->d[g->drugs].unit, 16, r->unit);
		cp(g->d[g->drugs].preg, 64, r->pregnancy);
		cp(g->d[g->drugs].inter, 64, r->interaction_groups);
		cp(g->d[g->drugs].allergy, 64, r->allergy_classes);
		cp(g->d[g->drugs].yj, 32, r->yj_code);
		g->d[g->drugs].max = r->max_daily_dose;
		g->d[g->drugs].age_min = r->age_min_months;
		g->d[g->drugs].age_below = r->age_below_months;
		cp(g->d[g->drugs].contra, 64, r->contraindicated_groups);
		cp(g->d[g->drugs].thera, 64, r->therapeutic_class);
		cp(g->d[g->drugs].strength, 32, r->strength);
		cp(g->d[g->drugs].confusable, 64, r->confusable);
		cp(g->d[g->drugs].elderly, 128, r->elderly);
		g->d[g->drugs].per_kg = r->max_per_kg_day;
		g->d[g->drugs].period = r->period_days;
		g->d[g->drugs].narrow = r->narrow_therapeutic;
		g->d[g->drugs].high = r->high_alert;
	}
	g->drugs++;
	return 0;
}

static void on_warn(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail)
{
	struct got *g = ctx;
	g->warnings[kind]++;
	if (g->nwarn < KEEP) {
		g->warn_line[g->nwarn] = src->line;
		cp(g->warn_text[g->nwarn], 256, detail);
	}
	g->nwarn++;
}

static struct ehr_sink sink_for(struct got *g)
{
	struct ehr_sink s = {.ctx = g, .appointment = on_appt, .drug = on_drug, .warning = on_warn};
	return s;
}

static char tmpdir[64];

static const char *write_tmp(const char *name, const void *data, size_t len)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(lb_write_file_atomic(path, data, len, 0600, 0), 0);
	return path;
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/lb-test-csv-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_rmtree(tmpdir);
	return 0;
}

/* Quotes, commas and line breaks inside fields, doubled quotes, CRLF, a BOM, columns in any order, extra ones. */
static void test_rfc4180_utf8(void **state)
{
	(void)state;
	const char csv[] =
	        "\xEF\xBB\xBF"
	        "note,status,start,patient_id,extra column,department,id,clinician,kind,phone\r\n"
	        "\"絶食, 水は可\",booked,2026-12-01 09:30,0001000123,x,内科,A1,青山 誠一,再診,090-1111-2222\r\n"
	        "\"1行目\r\n2行目 \"\"注意\"\"\",キャンセル,2026/12/2 9:05,0001000456,,外科,A2,,検査,\r\n"
	        "\r\n"
	        ",予約,2026-12-03T14:00:00+09:00,0001000789,,眼科,A3,,,\r\n";
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	int rc = ehr_appointments_read(write_tmp("a.csv", csv, sizeof(csv) - 1), &s);
	assert_int_equal(rc, 0);
	assert_int_equal(g.appts, 3);
	assert_int_equal(g.nwarn, 0);
	assert_string_equal(g.a[0].note, "絶食, 水は可");
	assert_string_equal(g.a[0].patient, "0001000123");
	assert_string_equal(g.a[0].start, "2026-12-01T09:30");
	assert_string_equal(g.a[0].dept, "内科");
	assert_string_equal(g.a[0].clin, "青山 誠一");
	assert_string_equal(g.a[0].status, "booked");
	assert_string_equal(g.a[0].phone, "090-1111-2222");
	assert_string_equal(g.a[1].note, "1行目\r\n2行目 \"注意\"");
	assert_string_equal(g.a[1].status, "cancelled");
	assert_string_equal(g.a[1].start, "2026-12-02T09:05");
	assert_string_equal(g.a[1].clin, "(null)"); /* empty is "not given" */
	assert_string_equal(g.a[2].start, "2026-12-03T14:00");
	assert_string_equal(g.a[2].status, "booked");
	assert_string_equal(g.a[2].note, "(null)");
}

/* A 医事 export: CP932, Japanese headers, date and time in two columns, era dates, full-width digits. */
static void test_cp932_japanese_headers(void **state)
{
	(void)state;
	const char *utf8 =
	        "予約番号,患者ID,患者氏名,予約日,予約時刻,診療科,担当医,予約種別,状態,電話番号,備考\r\n"
	        "R-1,0001000001,髙橋 一郎,R8.12.1,9時30分,整形外科,土屋 隆,再診,予約済,054-123-4567,8:30～受付\r\n"
	        "R-2,0001000002,渡邊 花子,２０２６年１２月２日,1400,皮膚科,日高 真理,初診,来院,,①番窓口\r\n";
	struct buf enc = {0};
	assert_int_equal(text_encode_cp932(&enc, utf8, strlen(utf8)), 0);
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	int rc = ehr_appointments_read(write_tmp("sjis.csv", enc.data, enc.len), &s);
	buf_release(&enc);
	assert_int_equal(rc, 0);
	assert_int_equal(g.nwarn, 0);
	assert_string_equal(g.a[0].id, "R-1");
	assert_string_equal(g.a[0].start, "2026-12-01T09:30");
	assert_string_equal(g.a[0].dept, "整形外科");
	assert_string_equal(g.a[0].note, "8:30～受付");
	assert_string_equal(g.a[0].status, "booked");
	assert_string_equal(g.a[1].start, "2026-12-02T14:00");
	assert_string_equal(g.a[1].status, "arrived");
	assert_string_equal(g.a[1].note, "①番窓口");
}

/* A missing required column is an error before any row; unusable rows are warnings with their line. */
static void test_missing_column_and_bad_rows(void **state)
{
	(void)state;
	const char no_patient[] = "id,start\nA1,2026-12-01 09:00\n";
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	int rc = ehr_appointments_read(write_tmp("np.csv", no_patient, sizeof(no_patient) - 1), &s);
	assert_int_equal(rc, -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "patient_id"));
	assert_int_equal(g.appts, 0);

	const char no_start[] = "patient_id,department\n1,内科\n";
	rc = ehr_appointments_read(write_tmp("ns.csv", no_start, sizeof(no_start) - 1), &s);
	assert_int_equal(rc, -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "start"));

	const char bad[] = "patient_id,start,status\n"
	                   "1,2026-12-01 09:00,booked\n"  /* line 2: fine */
	                   ",2026-12-01 09:00,booked\n"   /* line 3: no patient */
	                   "3,\"long\nnote\",booked\n"    /* line 4-5: not a date */
	                   "4,2026-13-45 09:00,booked\n"  /* line 6: no such date */
	                   "5,2026-12-01 25:00,booked\n"  /* line 7: no such time */
	                   "6,2026-12-01 10:00,保留\n"    /* line 8: unknown status, kept */
	                   "7,2026-12-01 11:00,\"open\n"; /* line 9: quote never closed */
	memset(&g, 0, sizeof(g));
	rc = ehr_appointments_read(write_tmp("bad.csv", bad, sizeof(bad) - 1), &s);
	assert_int_equal(rc, 0);
	assert_int_equal(g.appts, 2);
	assert_int_equal(g.nwarn, 6);
	assert_int_equal(g.warn_line[0], 3);
	assert_int_equal(g.warn_line[1], 4);
	assert_int_equal(g.warn_line[2], 6);
	assert_int_equal(g.warn_line[3], 7);
	assert_int_equal(g.warn_line[4], 8);
	assert_string_equal(g.a[1].status, "保留");
	assert_int_equal(g.warn_line[5], 9);
	assert_int_equal(g.warnings[EHR_WARN_PARSE], 6);
}

/* Caps: too many fields and too long a field skip the row with a limit warning; the next row is read. */
static void test_caps(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_adds(&b, "patient_id,start\n");
	for (int i = 0; i < 300; i++)
		buf_adds(&b, "1,");
	buf_adds(&b, "x\n");
	buf_adds(&b, "1,\"");
	for (int i = 0; i < 70000; i++)
		buf_addch(&b, 'a');
	buf_adds(&b, "\"\n2,2026-12-01 09:00\n");
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	int rc = ehr_appointments_read(write_tmp("caps.csv", b.data, b.len), &s);
	buf_release(&b);
	assert_int_equal(rc, 0);
	assert_int_equal(g.appts, 1);
	assert_int_equal(g.warnings[EHR_WARN_LIMIT], 2);
	assert_string_equal(g.a[0].patient, "2");
}

static void test_drug_master(void **state)
{
	(void)state;
	const char csv[] = "allergy_class,interaction_group,code,name,generic_name,kana,form,unit,max_daily_dose,"
	                   "pregnancy,yj_code\n"
	                   "ペニシリン系,,100000101,サワシリンカプセル250,アモキシシリン水和物,サワシリン,カプセル,mg,"
	                   "\"1,500\",,6131001M2023\n"
	                   "NSAIDs,出血リスク;NSAIDs,100001001,ロキソニン錠60mg,ロキソプロフェンナトリウム水和物,"
	                   "ロキソニン,錠,mg,１８０,禁忌(妊娠後期),\n"
	                   ",,100002001,ワーファリン錠1mg,ワルファリンカリウム,ワーファリン,錠,mg,abc,禁忌,\n"
	                   ",,,名前だけ,,,,,,,\n";
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	int rc = ehr_drugs_read(write_tmp("drugs.csv", csv, sizeof(csv) - 1), &s);
	assert_int_equal(rc, 0);
	assert_int_equal(g.drugs, 3);
	assert_string_equal(g.d[0].code, "100000101");
	assert_string_equal(g.d[0].generic, "アモキシシリン水和物");
	assert_string_equal(g.d[0].allergy, "ペニシリン系");
	assert_true(g.d[0].max == 1500);
	assert_string_equal(g.d[0].yj, "6131001M2023");
	assert_string_equal(g.d[0].preg, "(null)");
	assert_true(g.d[1].max == 180);
	assert_string_equal(g.d[1].inter, "出血リスク;NSAIDs");
	assert_string_equal(g.d[1].preg, "禁忌(妊娠後期)");
	assert_true(g.d[2].max == 0); /* "abc": warned, no maximum */
	assert_int_equal(g.warnings[EHR_WARN_PARSE], 2);
	assert_int_equal(g.warn_line[0], 4);
	assert_int_equal(g.warn_line[1], 5);

	const char no_name[] = "code,generic_name\n1,x\n";
	rc = ehr_drugs_read(write_tmp("nn.csv", no_name, sizeof(no_name) - 1), &s);
	assert_int_equal(rc, -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "'name'"));
	const char empty[] = "";
	rc = ehr_drugs_read(write_tmp("empty.csv", empty, 0), &s);
	assert_int_equal(rc, -LB_EINVAL);
	assert_int_equal(ehr_drugs_read("/nonexistent/drugs.csv", &s) < 0, 1);
}

/* Age limits as masters write them: years bare or with 歳 / y, months with か月 / ヶ月 / m, both, full-width
 * digits, 以上 / 以下 / 未満 as package inserts write them; a maximum is inclusive in its unit unless 未満. */
static void age_is(const char *s, int upper, int want)
{
	int m = -7;
	if (ehr_age_limit_parse(s, upper, &m) != 0 || m != want)
		fail_msg("'%s' (%s): got %d, want %d", s, upper ? "max" : "min", m, want);
}

static void not_age(const char *s, int upper)
{
	int m = -7;
	if (ehr_age_limit_parse(s, upper, &m) == 0)
		fail_msg("'%s' read as %d months", s, m);
}

static void test_age_limits(void **state)
{
	(void)state;
	age_is("15", 0, 180);
	age_is("15歳", 0, 180);
	age_is("15歳以上", 0, 180);
	age_is("１５才", 0, 180);
	age_is("15 y", 0, 180);
	age_is("15Years", 0, 180);
	age_is("6か月", 0, 6);
	age_is("6ヶ月", 0, 6);
	age_is("6ヵ月", 0, 6);
	age_is("6カ月", 0, 6);
	age_is("6m", 0, 6);
	age_is("6 months", 0, 6);
	age_is("1歳6か月", 0, 18);
	age_is("1y6m", 0, 18);
	age_is("0", 0, 0);
	/* maximum: inclusive in the unit written, or 未満 */
	age_is("11", 1, 144);
	age_is("11歳", 1, 144);
	age_is("11歳以下", 1, 144);
	age_is("12歳未満", 1, 144);
	age_is("6か月", 1, 7);
	age_is("6か月未満", 1, 6);
	age_is("7歳6か月未満", 1, 90);
	age_is("0", 1, 12);
	age_is("150", 0, 1800);
	not_age("", 0);
	not_age("abc", 0);
	not_age("15.5", 0);
	not_age("-3", 0);
	not_age("1歳6", 0);     /* the unit of the 6? */
	not_age("6か月1歳", 0); /* months before years */
	not_age("15歳未満", 0); /* 未満 makes no lower limit */
	not_age("0か月未満", 1);
	not_age("151", 0);
	not_age("12345", 0);
	not_age("15歳 小児", 0);

	/* in the master: English or Japanese headers; a bad value is a warning and no limit; a maximum under the
	 * minimum drops both; a master without the columns reads as before (no limits) */
	const char csv[] = "code,name,min_age,max_age\n"
	                   "A,クラビット錠500mg,15,\n"
	                   "B,アレグラドライシロップ5%,6か月,11\n"
	                   "C,カロナール錠200,,\n"
	                   "D,変な薬,十五歳,\n"
	                   "E,逆の薬,20,10\n";
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	assert_int_equal(ehr_drugs_read(write_tmp("ages.csv", csv, sizeof(csv) - 1), &s), 0);
	assert_int_equal(g.drugs, 5);
	assert_int_equal(g.d[0].age_min, 180);
	assert_int_equal(g.d[0].age_below, 0);
	assert_int_equal(g.d[1].age_min, 6);
	assert_int_equal(g.d[1].age_below, 144);
	assert_int_equal(g.d[2].age_min + g.d[2].age_below, 0);
	assert_int_equal(g.d[3].age_min + g.d[3].age_below, 0);
	assert_int_equal(g.d[4].age_min + g.d[4].age_below, 0);
	assert_int_equal(g.warnings[EHR_WARN_PARSE], 2);
	assert_non_null(strstr(g.warn_text[0], "min_age '十五歳'"));
	const char ja[] = "薬品コード,薬品名,年齢下限,年齢上限\nA,x,３歳,６歳未満\n";
	memset(&g, 0, sizeof(g));
	assert_int_equal(ehr_drugs_read(write_tmp("ages-ja.csv", ja, sizeof(ja) - 1), &s), 0);
	assert_int_equal(g.d[0].age_min, 36);
	assert_int_equal(g.d[0].age_below, 72);
	const char old[] = "code,name,max_daily_dose\nA,x,10\n";
	memset(&g, 0, sizeof(g));
	assert_int_equal(ehr_drugs_read(write_tmp("old.csv", old, sizeof(old) - 1), &s), 0);
	assert_int_equal(g.drugs, 1);
	assert_int_equal(g.d[0].age_min + g.d[0].age_below, 0);
	assert_int_equal(g.nwarn, 0);
}

/* The pharmacist's columns: English or Japanese headers, yes/no as masters write it (1, ○, はい), periods as words
 * or days, a paediatric maximum per kg; a value that cannot be read is a warning and reads as absent; a master
 * without them loads as before (all absent). */
static void test_drug_master_pharmacist_columns(void **state)
{
	(void)state;
	const char csv[] = "薬品コード,薬品名,併用禁忌,薬効分類番号,含量・規格単位,投与間隔,治療域狭小,ハイリスク薬,"
	                   "名称類似,小児1日最大量,高齢者\n"
	                   "A,メロペン,バルプロ酸-カルバペネム,6139,0.5g,,,,,,\n"
	                   "B,リウマトレックスカプセル2mg,,3999,2mg,週1回,○,はい,,,\n"
	                   "C,カロナール細粒20%,,1141,,1日,0,いいえ,,６０,\n"
	                   "D,アマリール1mg錠,,3961,1mg,7,,1,アルマール;アマール,,高齢者: 少量から\n"
	                   "E,変な薬,,,,月に一度くらい,たぶん,,,abc,\n"
	                   "F,四週の薬,,,,4週,,,,,\n";
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	assert_int_equal(ehr_drugs_read(write_tmp("pharm.csv", csv, sizeof(csv) - 1), &s), 0);
	assert_int_equal(g.drugs, 6);
	assert_string_equal(g.d[0].contra, "バルプロ酸-カルバペネム");
	assert_string_equal(g.d[0].thera, "6139");
	assert_string_equal(g.d[0].strength, "0.5g");
	assert_int_equal(g.d[0].period + g.d[0].narrow + g.d[0].high, 0);
	assert_int_equal(g.d[1].period, 7);
	assert_int_equal(g.d[1].narrow, 1);
	assert_int_equal(g.d[1].high, 1);
	assert_int_equal(g.d[2].period, 1);
	assert_int_equal(g.d[2].narrow + g.d[2].high, 0);
	assert_true(g.d[2].per_kg == 60);
	assert_int_equal(g.d[3].period, 7);
	assert_int_equal(g.d[3].high, 1);
	assert_string_equal(g.d[3].confusable, "アルマール;アマール");
	assert_string_equal(g.d[3].elderly, "高齢者: 少量から");
	/* E: three unreadable values, three warnings, all read as absent */
	assert_int_equal(g.d[4].period + g.d[4].narrow, 0);
	assert_true(g.d[4].per_kg == 0);
	assert_int_equal(g.warnings[EHR_WARN_PARSE], 3);
	assert_non_null(strstr(g.warn_text[0], "dosing_period '月に一度くらい'"));
	assert_non_null(strstr(g.warn_text[1], "narrow_therapeutic 'たぶん'"));
	assert_non_null(strstr(g.warn_text[2], "max_per_kg_day 'abc'"));
	assert_int_equal(g.d[5].period, 28);
}

/* The drug master synth writes reads back whole, with brand/generic pairs and the allergy classes rx needs. */
static void test_synth_drug_master_reads_back(void **state)
{
	(void)state;
	char out[128];
	snprintf(out, sizeof(out), "%s/h", tmpdir);
	struct ehr_synth_stats st = {0};
	struct ehr_synth_opts o = {.out_dir = out, .patients = 30, .seed = 7, .stats = &st};
	assert_int_equal(ehr_synth(&o), 0);
	char path[160];
	snprintf(path, sizeof(path), "%s/drugs.csv", out);
	struct got g = {0};
	struct ehr_sink s = sink_for(&g);
	assert_int_equal(ehr_drugs_read(path, &s), 0);
	assert_int_equal(g.drugs, st.drugs);
	assert_int_equal(g.nwarn, 0);
	int amox = 0, loxo = 0, warf = 0, preg = 0;
	for (int i = 0; i < g.drugs && i < 96; i++) {
		if (!strcmp(g.d[i].generic, "アモキシシリン水和物")) {
			amox++;
			assert_string_equal(g.d[i].allergy, "ペニシリン系");
		}
		loxo += !strcmp(g.d[i].generic, "ロキソプロフェンナトリウム水和物");
		if (strstr(g.d[i].generic, "ワルファリン")) {
			warf++;
			assert_non_null(strstr(g.d[i].inter, "出血リスク"));
		}
		preg += !strcmp(g.d[i].preg, "禁忌");
		assert_true(g.d[i].max > 0);
	}
	assert_int_equal(amox, 2);
	assert_int_equal(loxo, 2);
	assert_int_equal(warf, 2);
	assert_true(preg >= 5);
	/* a few drugs carry age limits: levofloxacin not under 15, the dry syrup from 6 months to 11 years */
	int aged = 0;
	for (int i = 0; i < g.drugs && i < 96; i++) {
		aged += g.d[i].age_min > 0 || g.d[i].age_below > 0;
		if (!strcmp(g.d[i].code, "100000401"))
			assert_int_equal(g.d[i].age_min, 180);
		if (!strcmp(g.d[i].code, "100007002")) {
			assert_int_equal(g.d[i].age_min, 6);
			assert_int_equal(g.d[i].age_below, 144);
		}
	}
	assert_true(aged >= 4);
	/* the pharmacist's columns: narrow range (warfarin, colchicine, digoxin, methotrexate, insulin), weekly
	 * products, the 併用禁忌 pair, a look-alike pair, a paediatric maximum, strengths of bare-number names */
	int narrow = 0, weekly = 0, contra = 0, confusable = 0, per_kg = 0, thera = 0;
	for (int i = 0; i < g.drugs && i < 96; i++) {
		narrow += g.d[i].narrow;
		weekly += g.d[i].period == 7;
		contra += !strcmp(g.d[i].contra, "バルプロ酸-カルバペネム");
		confusable += strcmp(g.d[i].confusable, "(null)") != 0;
		per_kg += g.d[i].per_kg > 0;
		thera += strcmp(g.d[i].thera, "(null)") != 0;
		if (!strcmp(g.d[i].name, "クラリス錠200") || !strcmp(g.d[i].name, "サワシリンカプセル250"))
			assert_non_null(strstr(g.d[i].strength, "mg"));
	}
	assert_true(narrow >= 6);
	assert_true(weekly >= 2);
	assert_int_equal(contra, 2);
	assert_true(confusable >= 4);
	assert_true(per_kg >= 1);
	assert_int_equal(thera, g.drugs);
	/* the appointments CSV (CP932, CRLF) reads back too, one row per booking */
	snprintf(path, sizeof(path), "%s/appointments.csv", out);
	memset(&g, 0, sizeof(g));
	assert_int_equal(ehr_appointments_read(path, &s), 0);
	assert_int_equal(g.appts, st.appointments);
	assert_int_equal(g.nwarn, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rfc4180_utf8),
	        cmocka_unit_test(test_cp932_japanese_headers),
	        cmocka_unit_test(test_missing_column_and_bad_rows),
	        cmocka_unit_test(test_caps),
	        cmocka_unit_test(test_drug_master),
	        cmocka_unit_test(test_drug_master_pharmacist_columns),
	        cmocka_unit_test(test_age_limits),
	        cmocka_unit_test(test_synth_drug_master_reads_back),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
