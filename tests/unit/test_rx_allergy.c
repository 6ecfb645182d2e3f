/*
 * test_rx_allergy.c - the allergy check (src/rx/allergy.c) on a ward written for it, with its own drug master:
 * allergies as wards write them (free text with more than a drug name, brands, classes, abbreviations, widths),
 * the same ingredient by another product, the severity that raises a level and is said in the reason, the
 * cross-reactivity table, the unclassified drug allergy and the food allergy that stays silent. Only the allergy
 * alerts are counted (kind allergy*), exactly.
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

#include "rx_ward.h"

static const char drugs_csv[] =
        "name,code,kana,generic_name,unit,max_daily_dose,allergy_class\n"
        "サワシリンカプセル250,D-SAWA,サワシリン,アモキシシリン水和物,mg,1500,ペニシリン系\n"
        "アモキシシリンカプセル250mg「サワイ」,D-AMOX,アモキシシリン,アモキシシリン水和物,mg,1500,ペニシリン系\n"
        "ロキソニン錠60mg,D-LOXO,ロキソニン,ロキソプロフェンナトリウム水和物,mg,180,NSAIDs\n"
        "ロキソプロフェンNa錠60mg「サワイ」,D-LOXG,ロキソプロフェン,ロキソプロフェンナトリウム水和物,mg,180,NSAIDs\n"
        "ボルタレン錠25mg,D-VOLT,ボルタレン,ジクロフェナクナトリウム,mg,100,NSAIDs\n"
        "セレコックス錠100mg,D-CELE,セレコックス,セレコキシブ,mg,400,NSAIDs\n"
        "バイアスピリン錠100mg,D-ASPI,バイアスピリン,アスピリン,mg,300,NSAIDs\n"
        "フロモックス錠100mg,D-FLOM,フロモックス,セフカペンピボキシル塩酸塩水和物,mg,450,セフェム系\n"
        "メロペン点滴用バイアル0.5g,D-MERO,メロペン,メロペネム水和物,g,6,カルバペネム系\n"
        "クラリス錠200,D-CLAR,クラリス,クラリスロマイシン,mg,400,マクロライド系\n"
        "クラビット錠500mg,D-LEVO,クラビット,レボフロキサシン水和物,mg,500,キノロン系\n"
        "カロナール錠200,D-CALO,カロナール,アセトアミノフェン,mg,4000,\n"
        "マグミット錠330mg,D-MAGM,マグミット,酸化マグネシウム,mg,2000,\n"
        "オムニパーク300注シリンジ,D-OMNI,オムニパーク,イオヘキソール,mL,150,ヨード造影剤\n";

#define MAN(id, f, g)                                                \
	"{\"resourceType\":\"Patient\",\"id\":\"" id                 \
	"\"," NAME(f, g, "テスト", "タロウ") ",\"gender\":\"male\"," \
	                                     "\"birthDate\":\"1970-01-01\"}\n"
static const char patients[] = MAN("A01", "喘息", "一") MAN("A02", "蕁麻", "二") MAN("A03", "略語", "三")
        MAN("A04", "重篤", "四") MAN("A05", "商品", "五") MAN("A06", "軽症", "六") MAN("A07", "重症", "七")
                MAN("A08", "境界", "八") MAN("A09", "半角", "九") MAN("A10", "食物", "十") MAN("A11", "造影", "十一")
                        MAN("A12", "全角", "十二") MAN("A13", "危険", "十三") MAN("A14", "喘息", "十四")
                                MAN("A15", "二語", "十五") MAN("A16", "半角", "十六") MAN("A17", "三字", "十七")
                                        MAN("A18", "三字", "十八") MAN("A19", "二字", "十九")
                                                MAN("A20", "血圧", "二十");

/* ALLERGY(id, patient, category, text, reaction, severity, criticality) */
#define ALLERGY(id, pid, cat, text, react, sev, crit)                                                             \
	"{\"resourceType\":\"AllergyIntolerance\",\"id\":\"" id "\",\"clinicalStatus\":{\"coding\":[{\"code\":"   \
	"\"active\"}]},\"category\":[\"" cat "\"],\"criticality\":\"" crit "\",\"code\":{\"text\":\"" text "\"}," \
	"\"patient\":{\"reference\":\"Patient/" pid "\"},\"recordedDate\":\"2024-06-01\",\"reaction\":[{"         \
	"\"manifestation\":[{\"text\":\"" react "\"}],\"severity\":\"" sev "\"}]}\n"
static const char allergies[] = ALLERGY(
        "AL-01", "A01", "medication", "アスピリン(アスピリン喘息)", "喘息発作", "moderate",
        "low") ALLERGY("AL-02", "A02", "medication", "ロキソニンで蕁麻疹", "蕁麻疹", "mild",
                       "low") ALLERGY("AL-03", "A03", "medication", "PCでじんましん", "蕁麻疹", "mild",
                                      "low") ALLERGY("AL-04", "A04", "medication", "ペニ系", "アナフィラキシー",
                                                     "severe", "high")
        ALLERGY("AL-05", "A05", "medication", "サワシリン", "アナフィラキシー", "severe", "high") ALLERGY(
                "AL-06", "A06", "medication", "ロキソプロフェン", "発疹", "mild",
                "low") ALLERGY("AL-07", "A07", "medication", "ロキソプロフェン", "呼吸困難", "moderate",
                               "low") ALLERGY("AL-08", "A08", "medication", "PCA", "嘔気", "mild", "low")
                ALLERGY("AL-09", "A09", "medication", "ｾﾌｪﾑ系", "発疹", "moderate",
                        "low") ALLERGY("AL-10", "A10", "food", "卵", "蕁麻疹", "moderate",
                                       "low") ALLERGY("AL-10b", "A10", "medication", "漢方薬で発疹", "発疹", "mild",
                                                      "low") ALLERGY("AL-11", "A11", "medication", "造影剤", "蕁麻疹",
                                                                     "moderate", "low")
                        ALLERGY("AL-12", "A12", "medication", "ＮＳＡＩＤｓ、ＡＭＰＣ、ニューキノロン", "発疹", "mild",
                                "low") "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"AL-13\",\"clinicalStatus\":{"
                                       "\"coding\":[{\"code\":"
                                       "\"active\"}]},\"category\":[\"medication\"],\"criticality\":\"high\",\"code\":{"
                                       "\"text\":\"セフェム\"},"
                                       "\"patient\":{\"reference\":\"Patient/"
                                       "A13\"},\"recordedDate\":\"2024-06-01\"}\n" ALLERGY(
                                               "AL-14", "A14", "medication", "アスピリン喘息", "喘息発作", "severe",
                                               "high") ALLERGY("AL-15", "A15", "medication", "PC・ペニ系",
                                                               "発疹", "mild", "low")
                                               ALLERGY("AL-16", "A16", "medication", "ｻﾜｼﾘﾝ", "発疹", "mild",
                                                       "low") ALLERGY("AL-17", "A17", "medication", "メロペで発疹",
                                                                      "発疹", "mild", "low")
                                                       ALLERGY("AL-18", "A18", "medication", "クラビ", "発疹", "mild",
                                                               "low") ALLERGY("AL-19", "A19", "medication", "クラ",
                                                                              "発疹", "mild", "low")
                                                               ALLERGY("AL-20", "A20", "medication",
                                                                       "セフェム(血圧低下)", "発疹", "mild", "low");

static int setup(void **state)
{
	(void)state;
	static const char *const files[] = {"Patient.ndjson", patients, "AllergyIntolerance.ndjson", allergies, NULL};
	return rxw_open("rxallergy", drugs_csv, files, 0);
}

static void test_tables(void **state)
{
	(void)state;
	assert_string_equal(rx_allergy_words_version(), "2026.12.2");
	assert_string_equal(rx_cross_reactivity_version(), "2026.12.2");
	assert_true(rx_allergy_words_count() >= 60);
	assert_true(rx_cross_reactivity_count() >= 6);
}

/* Aspirin asthma written with more than a drug name: every NSAID stops (禁忌), aspirin itself stops. */
static void test_aspirin_asthma(void **state)
{
	(void)state;
	rxw_check_allergy("A01", "D-LOXO", "stop:allergy-cross", "禁忌", NULL);
	rxw_check_allergy("A01", "D-VOLT", "stop:allergy-cross", NULL, NULL);
	rxw_check_allergy("A01", "D-CELE", "stop:allergy-cross", NULL, NULL);
	rxw_check_allergy("A01", "D-ASPI", "stop:allergy", NULL, NULL);
	rxw_check_allergy("A01", "D-CALO", "warn:allergy-cross", NULL, NULL);
	rxw_check_allergy("A01", "D-MAGM", "", NULL, NULL);
}

/* Issue 14: acetaminophen in aspirin asthma, as the current inserts say it (the 2023-10-12 revision took it out of
 * 2. 禁忌 into 9.1, with at most 300 mg a dose): warn, stop after a severe reaction; the reason says the 300 mg and
 * that it is no longer a 禁忌. NSAIDs stay stop either way. */
static void test_acetaminophen_aspirin_asthma(void **state)
{
	(void)state;
	rxw_check_allergy("A01", "D-CALO", "warn:allergy-cross", "1回300mg以下とする", NULL);
	rxw_check_allergy("A01", "D-CALO", "warn:allergy-cross", "2. 禁忌から削除", NULL);
	rxw_check_allergy("A01", "D-CALO", "warn:allergy-cross", "9.1", NULL);
	rxw_check_allergy("A14", "D-CALO", "stop:allergy-cross", "1回300mg以下", NULL);
	rxw_check_allergy("A14", "D-LOXO", "stop:allergy-class", NULL, NULL);
}

/* A brand inside a sentence, and the same ingredient by another product: stop; the class by a named drug: warn. */
static void test_text_and_ingredient(void **state)
{
	(void)state;
	rxw_check_allergy("A02", "D-LOXO", "stop:allergy", NULL, NULL);
	rxw_check_allergy("A02", "D-LOXG", "stop:allergy", "同じ成分", NULL);
	rxw_check_allergy("A02", "D-VOLT", "warn:allergy-class", NULL, "既往");
	rxw_check_allergy("A02", "D-CALO", "", NULL, NULL);
	rxw_check_allergy("A05", "D-AMOX", "stop:allergy", "アナフィラキシーの既往", NULL);
	rxw_check_allergy("A05", "D-SAWA", "stop:allergy", NULL, NULL);
}

/* Ward abbreviations and class words, in any width; PC never inside another word. */
static void test_dictionary(void **state)
{
	(void)state;
	rxw_check_allergy("A03", "D-AMOX", "stop:allergy", NULL, NULL);
	rxw_check_allergy("A03", "D-FLOM", "warn:allergy-cross", "交差反応", NULL);
	rxw_check_allergy("A03", "D-MERO", "warn:allergy-cross", NULL, NULL);
	rxw_check_allergy("A03", "D-CLAR", "", NULL, NULL);
	rxw_check_allergy("A04", "D-SAWA", "stop:allergy", "アナフィラキシーの既往", NULL);
	rxw_check_allergy("A08", "D-AMOX", "info:allergy-unknown", "未分類の薬剤アレルギー", NULL);
	rxw_check_allergy("A09", "D-FLOM", "stop:allergy", NULL, NULL);
	rxw_check_allergy("A09", "D-AMOX", "warn:allergy-cross", NULL, NULL);
	rxw_check_allergy("A11", "D-OMNI", "stop:allergy", NULL, NULL);
	rxw_check_allergy("A12", "D-CELE", "stop:allergy", NULL, NULL);
	rxw_check_allergy("A12", "D-SAWA", "stop:allergy", NULL, NULL);
	rxw_check_allergy("A12", "D-LEVO", "stop:allergy", NULL, NULL);
	rxw_check_allergy("A12", "D-MAGM", "", NULL, NULL);
}

/* Severity: a severe reaction raises a lent class and a cross-reactive class to stop, and says so. */
static void test_severity(void **state)
{
	(void)state;
	rxw_check_allergy("A06", "D-VOLT", "warn:allergy-class", NULL, "既往");
	rxw_check_allergy("A07", "D-VOLT", "stop:allergy-class", "呼吸困難の既往", NULL);
	rxw_check_allergy("A04", "D-FLOM", "stop:allergy-cross", "アナフィラキシーの既往", NULL);
	rxw_check_allergy("A04", "D-MERO", "stop:allergy-cross", NULL, NULL);
	rxw_check_allergy("A13", "D-AMOX", "stop:allergy-cross", "重篤な反応の既往", NULL);
}

/* A food allergy is no drug allergy: no info; a drug allergy that names nothing known: an info. */
static void test_unclassified(void **state)
{
	(void)state;
	rxw_check_allergy("A10", "D-MAGM", "info:allergy-unknown", "漢方薬で発疹", NULL);
}

/* Two words of one class: the reason names the first as written (PC), not the later one; a brand in half-width
 * katakana is found in the master (ｻﾜｼﾘﾝ → アモキシシリン). */
static void test_first_word_and_halfwidth(void **state)
{
	(void)state;
	rxw_check_allergy("A15", "D-AMOX", "stop:allergy", "(PC: ペニシリン系)", "ペニ系: ");
	rxw_check_allergy("A16", "D-AMOX", "stop:allergy", "同じ成分", NULL);
}

/* Three characters are enough to name a product, two are not: 「メロペで発疹」 names メロペン (a run of three kana
 * found in the master), 「クラビ」 is the product クラビット itself, 「クラ」 is too short to name anything; a
 * brand's reading inside the text names the product itself. */
static void test_three_characters(void **state)
{
	(void)state;
	rxw_check_allergy("A17", "D-MERO", "stop:allergy", "同じ成分", NULL);
	rxw_check_allergy("A18", "D-LEVO", "stop:allergy", "に該当します", NULL);
	rxw_check_allergy("A19", "D-CLAR", "info:allergy-unknown", NULL, NULL);
	rxw_check_allergy("A19", "D-LEVO", "info:allergy-unknown", NULL, NULL);
	rxw_check_allergy("A02", "D-LOXO", "stop:allergy", "ロキソニン に該当します", NULL);
}

/* A severe reaction written in the allergy's own text (「血圧低下」, whose UTF-8 holds the byte 0x80) is read as
 * severe, said in the reason. */
static void test_severe_in_text(void **state)
{
	(void)state;
	rxw_check_allergy("A20", "D-FLOM", "stop:allergy", "の既往: 投与前に必ず処方医へ確認", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_tables),
	        cmocka_unit_test(test_aspirin_asthma),
	        cmocka_unit_test(test_acetaminophen_aspirin_asthma),
	        cmocka_unit_test(test_text_and_ingredient),
	        cmocka_unit_test(test_dictionary),
	        cmocka_unit_test(test_severity),
	        cmocka_unit_test(test_unclassified),
	        cmocka_unit_test(test_first_word_and_halfwidth),
	        cmocka_unit_test(test_three_characters),
	        cmocka_unit_test(test_severe_in_text),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
