/*
 * test_rx_rules.c - the rules of src/rx/rules.c, each alert counted exactly (kind and level, nothing more, nothing
 * less), on a store made here from FHIR resources and a drug master: allergy by class, ingredient, product name
 * and code, and by cross-reactivity; duplicate by code, ingredient and class, and interaction alongside a class
 * duplicate; pregnancy by recorded diagnosis (ICD-10 O, Z33-Z35, Z32.1, name) or the order, never for a man;
 * the daily maximum exactly at, just over, just under and at ten times, in other units and in tablets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rx/rx_int.h"
#include "rx_ward.h"

static const char drugs_csv[] =
        /* (the last row gives the master a therapeutic class, so that a check here is not told 同効薬重複 went unchecked:
         * rx_lean_master tests that notice) */
        "name,code,kana,generic_name,unit,max_daily_dose,allergy_class,interaction_group,pregnancy,therapeutic_class\n"
        "サワシリンカプセル250,D-SAWA,サワシリン,アモキシシリン水和物,mg,1500,ペニシリン系,,\n"
        "アモキシシリンカプセル250mg「サワイ」,D-AMOX,アモキシシリン,アモキシシリン水和物,mg,1500,ペニシリン系,,\n"
        "ワーファリン錠1mg,D-WARF,ワーファリン,ワルファリンカリウム,mg,10,,出血リスク;CYP2C9,禁忌\n"
        "ロキソニン錠60mg,D-LOXO,ロキソニン,ロキソプロフェンナトリウム水和物,mg,180,NSAIDs,出血リスク;NSAIDs,"
        "禁忌(妊娠後期)\n"
        "ロキソプロフェンNa錠60mg「サワイ」,D-LOXG,ロキソプロフェン,ロキソプロフェンナトリウム水和物,mg,180,NSAIDs,"
        "出血リスク;NSAIDs,禁忌(妊娠後期)\n"
        "バイアスピリン錠100mg,D-ASPI,バイアスピリン,アスピリン,mg,300,NSAIDs,出血リスク;NSAIDs,"
        "禁忌(出産予定日12週以内)\n"
        "カロナール錠200,D-CALO,カロナール,アセトアミノフェン,mg,4000,,,\n"
        "マグミット錠330mg,D-MAGM,マグミット,酸化マグネシウム,mg,2000,,キレート,\n"
        "クラビット錠500mg,D-LEVO,クラビット,レボフロキサシン水和物,mg,500,キノロン系,キレート;QT延長,禁忌\n"
        "アレグラ錠60mg,D-FEXO,アレグラ,フェキソフェナジン塩酸塩,mg,120,,,有益性投与\n"
        "セフゾンカプセル100mg,D-CEFZ,セフゾン,セフジニル,mg,300,セフェム系,,\n"
        "ビタミン剤X錠,D-VITX,ビタミンエックス,ビタミンエックス,mg,10,,,,3179 混合ビタミン剤\n";

static const char patients[] =
        PATIENT("P01", "female", "佐藤", "花子", "サトウ", "ハナコ") /* ペニシリン; warfarin and loxonin */
        PATIENT("P02", "female", "山田", "美咲", "ヤマダ", "ミサキ") /* 切迫早産 O600 */
        PATIENT("P03", "male", "鈴木", "一郎", "スズキ", "イチロウ") /* nothing */
        PATIENT("P04", "male", "田中", "実", "タナカ", "ミノル")     /* ロキソプロフェン; coded D-CALO */
        PATIENT("P05", "male", "高橋", "健", "タカハシ", "ケン")     /* a pregnancy code on a man */
        PATIENT("P06", "female", "伊藤", "愛", "イトウ", "アイ")     /* Z34 */
        PATIENT("P07", "female", "渡辺", "舞", "ワタナベ", "マイ")   /* Z32.1 */
        PATIENT("P08", "female", "中村", "楓", "ナカムラ", "カエデ") /* 妊娠糖尿病 by name; an old O-code */
        PATIENT("P09", "female", "小林", "凛", "コバヤシ", "リン");  /* サワシリン (a product name) */

#define ALLERGY(id, pid, code)                                                                                    \
	"{\"resourceType\":\"AllergyIntolerance\",\"id\":\"" id "\",\"clinicalStatus\":{\"coding\":[{\"code\":"   \
	"\"active\"}]},\"category\":[\"medication\"],\"code\":" code ",\"patient\":{\"reference\":\"Patient/" pid \
	"\"},\"recordedDate\":\"2024-06-01\"}\n"
static const char allergies[] = ALLERGY("AL-1", "P01", "{\"text\":\"ペニシリン\"}")
        ALLERGY("AL-3", "P04", "{\"text\":\"ロキソプロフェン\"}") ALLERGY(
                "AL-4", "P04", "{\"coding\":[{\"system\":\"urn:local\",\"code\":\"D-CALO\"}],\"text\":\"院内登録\"}")
                ALLERGY("AL-9", "P09", "{\"text\":\"サワシリン\"}");

static const char meds[] =
        MED("ORD-W1", "P01", "D-WARF", "ワーファリン錠1mg") MED("ORD-L1", "P01", "D-LOXO", "ロキソニン錠60mg");

#define COND(id, pid, code, name, status)                                                                       \
	"{\"resourceType\":\"Condition\",\"id\":\"" id "\",\"clinicalStatus\":{\"coding\":[{\"code\":\"" status \
	"\"}]},\"code\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/icd-10\",\"code\":\"" code           \
	"\",\"display\":\"" name "\"}],\"text\":\"" name "\"},\"subject\":{\"reference\":\"Patient/" pid "\"}," \
	"\"onsetDateTime\":\"2026-10-01\"}\n"
static const char conds[] = COND("DX-2", "P02", "O600", "切迫早産", "active")
        COND("DX-5", "P05", "O600", "既往", "active") COND("DX-6", "P06", "Z34", "正常妊娠の管理", "active")
                COND("DX-7", "P07", "Z32.1", "妊娠確認", "active") COND("DX-8", "P08", "E11", "妊娠糖尿病", "active")
                        COND("DX-8b", "P08", "O800", "分娩", "resolved");

static int setup(void **state)
{
	(void)state;
	static const char *const files[] = {"Patient.ndjson",
	                                    patients,
	                                    "AllergyIntolerance.ndjson",
	                                    allergies,
	                                    "MedicationRequest.ndjson",
	                                    meds,
	                                    "Condition.ndjson",
	                                    conds,
	                                    NULL};
	return rxw_open("rxrules", drugs_csv, files, 1);
}

/* Check an order; want is the sorted, space-separated list of "level:kind" of every alert ("" for none). */
static void check(const char *pid, const char *drug, double dose, const char *unit, double per_day, int pregnant,
                  const char *want)
{
	struct rx_order o = {.patient_id = pid,
	                     .drug_code = drug,
	                     .dose = dose,
	                     .unit = unit,
	                     .per_day = per_day,
	                     .days = 7,
	                     .pregnant = pregnant};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	int stop = 0;
	for (size_t i = 0; i < r.n; i++) {
		stop |= r.v[i].level == RX_STOP;
		assert_non_null(r.v[i].reason_en);
		assert_non_null(r.v[i].reason_ja);
		assert_non_null(r.v[i].basis.text);
	}
	struct buf got = {0};
	rxw_alert_list(&r, 0, &got);
	if (strcmp(buf_cstr(&got), want)) {
		for (size_t i = 0; i < r.n; i++)
			print_message("  %s:%s: %s [%s %s]\n", rx_level_name(r.v[i].level), r.v[i].kind,
			              r.v[i].reason_en, r.v[i].basis.type, r.v[i].basis.id ? r.v[i].basis.id : "");
		fail_msg("%s %s %g%s x%g: got '%s', want '%s'", pid, drug, dose, unit ? unit : "", per_day,
		         buf_cstr(&got), want);
	}
	assert_int_equal(r.stop, stop);
	buf_release(&got);
	rx_result_release(&r);
}

static void test_allergy(void **state)
{
	(void)state;
	/* ペニシリン (free text) meets the class ペニシリン系 of the generic and of the brand */
	check("P01", "D-AMOX", 250, "mg", 3, 0, "stop:allergy");
	check("P01", "D-SAWA", 250, "mg", 3, 0, "stop:allergy");
	/* ロキソプロフェン names the ingredient of the generic; its class lends NSAIDs to aspirin */
	check("P04", "D-LOXG", 60, "mg", 3, 0, "stop:allergy");
	check("P04", "D-ASPI", 100, "mg", 1, 0, "warn:allergy-class");
	/* a coded allergy: the drug's own code */
	check("P04", "D-CALO", 400, "mg", 3, 0, "stop:allergy");
	/* none of his allergies names magnesium oxide: nothing */
	check("P04", "D-MAGM", 330, "mg", 3, 0, "");
	/* a product name: the product and every product of its ingredient stop, a cross-reactive class warns */
	check("P09", "D-SAWA", 250, "mg", 3, 0, "stop:allergy");
	check("P09", "D-AMOX", 250, "mg", 3, 0, "stop:allergy"); /* same ingredient: the same drug (issue 14) */
	check("P09", "D-CEFZ", 100, "mg", 3, 0, "warn:allergy-cross");
	check("P03", "D-AMOX", 250, "mg", 3, 0, "");
}

static void test_active_medicines(void **state)
{
	(void)state;
	/* aspirin beside warfarin (bleeding) and loxonin (class NSAIDs, and bleeding): the class duplicate does not
	 * hide the interaction with the same order */
	check("P01", "D-ASPI", 100, "mg", 1, 0, "warn:duplicate-class warn:interaction warn:interaction");
	/* the generic of an active brand: a duplicate (which says it all for that order), and warfarin's interaction */
	/* the active 1 mg a day is added to the order's 180 (issue 14): 181 mg, over the maximum */
	check("P01", "D-LOXG", 60, "mg", 3, 0, "warn:duplicate warn:interaction warn:max-dose");
	/* the same drug again */
	check("P01", "D-LOXO", 60, "mg", 3, 0, "warn:duplicate warn:interaction warn:max-dose");
	/* warfarin again: a duplicate of warfarin, bleeding with loxonin; and pregnancy does not apply (no flag) */
	check("P01", "D-WARF", 2, "mg", 1, 0, "warn:duplicate warn:interaction");
	/* a chelating drug shares nothing with her orders; nothing for a patient without orders */
	check("P01", "D-MAGM", 330, "mg", 3, 0, "");
	check("P03", "D-ASPI", 100, "mg", 1, 0, "");
}

static void test_pregnancy(void **state)
{
	(void)state;
	/* 切迫早産 (O600): 禁忌 stops, 禁忌(条件) warns, other text informs */
	check("P02", "D-WARF", 2, "mg", 1, 0, "stop:pregnancy");
	check("P02", "D-LOXO", 60, "mg", 3, 0, "warn:pregnancy");
	check("P02", "D-FEXO", 60, "mg", 2, 0, "info:pregnancy");
	check("P02", "D-CALO", 400, "mg", 3, 0, "");
	/* Z34, Z32.1, a name with 妊娠 */
	check("P06", "D-WARF", 2, "mg", 1, 0, "stop:pregnancy");
	check("P07", "D-WARF", 2, "mg", 1, 0, "stop:pregnancy");
	check("P08", "D-WARF", 2, "mg", 1, 0, "stop:pregnancy");
	/* a man with a pregnancy code is not pregnant; unless the order says so, nobody else is */
	check("P05", "D-WARF", 2, "mg", 1, 0, "");
	check("P03", "D-WARF", 2, "mg", 1, 0, "");
	{ /* the prescriber's "pregnant" for a patient recorded as male is refused, not checked */
		struct rx_order o = {.patient_id = "P03",
		                     .drug_code = "D-WARF",
		                     .dose = 2,
		                     .unit = "mg",
		                     .per_day = 1,
		                     .pregnant = 1};
		struct rx_result r = {0};
		assert_int_equal(rx_check(st, &o, &r), -LB_EUSAGE);
		assert_non_null(strstr(lb_errmsg(), "male"));
		rx_result_release(&r);
	}
	check("P09", "D-LEVO", 500, "mg", 1, 1, "stop:pregnancy"); /* a woman: the flag is taken */
}

static void test_dose(void **state)
{
	(void)state;
	/* loxoprofen, at most 180 mg a day: exactly at it nothing, 1 mg over a warning, under twice a warning,
	 * twice and more a stop (issue 14: it was ten times) */
	check("P03", "D-LOXO", 60, "mg", 3, 0, "");
	check("P03", "D-LOXO", 181, "mg", 1, 0, "warn:max-dose");
	check("P03", "D-LOXO", 179, "mg", 1, 0, "");
	check("P03", "D-LOXO", 359, "mg", 1, 0, "warn:max-dose");
	check("P03", "D-LOXO", 360, "mg", 1, 0, "stop:max-dose");
	check("P03", "D-LOXO", 1799, "mg", 1, 0, "stop:max-dose");
	check("P03", "D-LOXO", 1800, "mg", 1, 0, "stop:max-dose");
	check("P03", "D-LOXO", 1801, "mg", 1, 0, "stop:max-dose");
	/* in grams (0.18 g is the maximum), in tablets of the strength its name states (60 mg) */
	check("P03", "D-LOXO", 0.06, "g", 3, 0, "");
	check("P03", "D-LOXO", 0.061, "g", 3, 0, "warn:max-dose");
	check("P03", "D-LOXO", 1, "錠", 3, 0, "");
	check("P03", "D-LOXO", 2, "錠", 2, 0, "warn:max-dose");
	check("P03", "D-LOXO", 10, "錠", 3, 0, "stop:max-dose");
	check("P03", "D-LOXO", 3, "錠", 2, 0, "stop:max-dose"); /* 360 mg: 2× */
	/* the master's unit when none is written; a unit that cannot be compared says the maximum is not checked */
	check("P03", "D-LOXO", 200, NULL, 1, 0, "warn:max-dose");
	check("P03", "D-LOXO", 5, "mL", 3, 0, "warn:dose-unchecked");
	check("P03", "D-LOXO", 1, "個", 3, 0, "warn:dose-unchecked");
}

/* Another line of the prescription with the same ingredient: its dose is summed when it has one; a line of
 * dose 0 or 0 times a day cannot be added and says the total is not checked. want: the sorted alert list. */
static void line_check(double dose, double per_day, const char *unit, const char *want)
{
	struct rx_other x = {.drug_code = "D-LOXG",
	                     .dose = dose,
	                     .unit = unit,
	                     .per_day = per_day,
	                     .basis_type = "prescription",
	                     .id = "2",
	                     .text = "line 2"};
	struct rx_order o = {.patient_id = "P03",
	                     .drug_code = "D-LOXO",
	                     .dose = 60,
	                     .unit = "mg",
	                     .per_day = 2,
	                     .others = &x,
	                     .n_others = 1};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	struct buf got = {0};
	rxw_alert_list(&r, 0, &got);
	if (strcmp(buf_cstr(&got), want))
		fail_msg("line %g %s x%g: got '%s', want '%s'", dose, unit ? unit : "", per_day, buf_cstr(&got), want);
	buf_release(&got);
	rx_result_release(&r);
}

static void test_dose_lines(void **state)
{
	(void)state;
	line_check(60, 1, "mg", "warn:duplicate");                     /* 180: at the maximum */
	line_check(61, 1, "mg", "warn:duplicate warn:max-dose");       /* 181 */
	line_check(1, 1, "錠", "warn:duplicate");                      /* a tablet of 60 mg */
	line_check(0, 1, "mg", "warn:dose-unchecked warn:duplicate");  /* no dose: not added, said */
	line_check(60, 0, "mg", "warn:dose-unchecked warn:duplicate"); /* no times a day */
	line_check(5, 1, "mL", "warn:dose-unchecked warn:duplicate");  /* not convertible */
}

/* The pregnancy rule alone (rx_rule_pregnancy): its result as "level:kind" ("" for none) for a patient of sex and
 * age_months with one diagnosis (code, system, name, active; code NULL: none) and a drug whose pregnancy column
 * is preg. */
static void preg(char sex, int age_months, const char *code, const char *sys, const char *name, int active,
                 const char *preg_text, int stated, int not_pregnant, char *out, size_t cap)
{
	struct ehr_diagnosis dx = {
	        .patient_id = "PX", .code = code, .code_system = sys, .name = name, .active = active};
	struct rx_result r;
	memset(&r, 0, sizeof(r));
	r.patient.patient.id = "PX";
	r.patient.patient.sex = sex;
	r.patient.diagnoses = &dx;
	r.patient.n_diagnoses = code || name ? 1 : 0;
	r.age_months = age_months;
	r.drug.code = "DX";
	r.drug.name = "テスト薬";
	r.drug.pregnancy = preg_text;
	struct rx_order o = {.patient_id = "PX", .drug_code = "DX", .pregnant = stated, .not_pregnant = not_pregnant};
	rx_rule_pregnancy(&r, &o);
	out[0] = 0;
	for (size_t i = 0; i < r.n; i++) {
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s%s:%s", n ? " " : "", rx_level_name(r.v[i].level), r.v[i].kind);
	}
	memset(&r.patient, 0, sizeof(r.patient)); /* not owned here */
	memset(&r.drug, 0, sizeof(r.drug));
	rx_result_release(&r);
}

/* 「妊娠の可能性を確認」 for a woman of 12 to 55 (from the 12th birthday, until the 56th), exactly at each end. */
static void test_pregnancy_ages(void **state)
{
	(void)state;
	char got[128];
	const char *icd = "http://hl7.org/fhir/sid/icd-10";
	preg('F', 12 * 12, NULL, NULL, NULL, 0, "禁忌", 0, 0, got, sizeof(got));
	assert_string_equal(got, "warn:pregnancy-possible");
	preg('F', 12 * 12 - 1, NULL, NULL, NULL, 0, "禁忌", 0, 0, got, sizeof(got));
	assert_string_equal(got, "");
	preg('F', 56 * 12 - 1, NULL, NULL, NULL, 0, "禁忌", 0, 0, got, sizeof(got));
	assert_string_equal(got, "warn:pregnancy-possible");
	preg('F', 56 * 12, NULL, NULL, NULL, 0, "禁忌", 0, 0, got, sizeof(got));
	assert_string_equal(got, "");
	/* asked and not pregnant, a man, a drug that is not 禁忌: nothing */
	preg('F', 30 * 12, NULL, NULL, NULL, 0, "禁忌", 0, 1, got, sizeof(got));
	assert_string_equal(got, "");
	preg('M', 30 * 12, NULL, NULL, NULL, 0, "禁忌", 0, 0, got, sizeof(got));
	assert_string_equal(got, "");
	preg('F', 30 * 12, NULL, NULL, NULL, 0, "有益性投与", 0, 0, got, sizeof(got));
	assert_string_equal(got, "");
	/* stated pregnant: 禁忌 stops, 禁忌(条件) warns (both bracket widths), other text informs, none is silent */
	preg('F', 30 * 12, NULL, NULL, NULL, 0, "禁忌", 1, 0, got, sizeof(got));
	assert_string_equal(got, "stop:pregnancy");
	preg('F', 30 * 12, NULL, NULL, NULL, 0, "禁忌(妊娠後期)", 1, 0, got, sizeof(got));
	assert_string_equal(got, "warn:pregnancy");
	preg('F', 30 * 12, NULL, NULL, NULL, 0, "禁忌（妊娠後期）", 1, 0, got, sizeof(got));
	assert_string_equal(got, "warn:pregnancy");
	preg('F', 30 * 12, NULL, NULL, NULL, 0, "有益性投与", 1, 0, got, sizeof(got));
	assert_string_equal(got, "info:pregnancy");
	preg('F', 30 * 12, NULL, NULL, NULL, 0, "", 1, 0, got, sizeof(got));
	assert_string_equal(got, "");
	/* the recorded codes: O0–O9 (not O followed by a letter), Z33, Z34, Z35, Z32.1 / Z321, not Z32.0 or Z36 */
	static const struct {
		const char *code;
		int pregnant;
	} codes[] = {{"O000", 1}, {"O9A", 1}, {"O600", 1}, {"OA0", 0},   {"O/0", 0},   {"O:0", 0}, {"Z33", 1},
	             {"Z34", 1},  {"Z35", 1}, {"Z321", 1}, {"Z32.1", 1}, {"Z32.0", 0}, {"Z36", 0}, {"Z320", 0}};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		preg('F', 30 * 12, codes[i].code, icd, "病名", 1, "禁忌", 0, 0, got, sizeof(got));
		if (strcmp(got, codes[i].pregnant ? "stop:pregnancy" : "warn:pregnancy-possible"))
			fail_msg("%s: got '%s'", codes[i].code, got);
	}
	/* an ended diagnosis, another code system, a man's code: not a pregnancy */
	preg('F', 30 * 12, "O600", icd, "病名", 0, "禁忌", 0, 0, got, sizeof(got));
	assert_string_equal(got, "warn:pregnancy-possible");
	preg('F', 30 * 12, "O600", "urn:local", "病名", 1, "禁忌", 0, 0, got, sizeof(got));
	assert_string_equal(got, "warn:pregnancy-possible");
	preg('M', 30 * 12, "O600", icd, "病名", 1, "禁忌", 0, 0, got, sizeof(got));
	assert_string_equal(got, "");
	/* by name, whatever the code */
	static const char *const names[] = {"妊娠糖尿病", "妊婦健診", "切迫早産"};
	for (size_t i = 0; i < 3; i++) {
		preg('F', 30 * 12, "E11", "urn:local", names[i], 1, "禁忌", 0, 0, got, sizeof(got));
		assert_string_equal(got, "stop:pregnancy");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_allergy),   cmocka_unit_test(test_active_medicines),
	        cmocka_unit_test(test_pregnancy), cmocka_unit_test(test_pregnancy_ages),
	        cmocka_unit_test(test_dose),      cmocka_unit_test(test_dose_lines),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
