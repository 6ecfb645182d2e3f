/*
 * test_rx_interact.c - interactions and duplicates beyond the active medicines' allergy classes (issue 14): a
 * shared interaction group that either drug lists as 併用禁忌 stops, other shared groups warn (and say when the
 * master gives no severity); the same whole therapeutic class (薬効分類) is a duplicate, 「2329 胃粘膜保護剤」 is not
 * 「2329 PPI・P-CAB」, and the YJ code's first four digits are used only when neither drug has a class; the other
 * lines of one prescription and the orders recorded during the outage are checked like active medicines.
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
        "name,code,kana,generic_name,unit,max_daily_dose,allergy_class,interaction_group,contraindicated_group,"
        "therapeutic_class,yj_code,pregnancy\n"
        "メロペン点滴用バイアル0.5g,D-MERO,メロペン,メロペネム水和物,g,6,カルバペネム系,バルプロ酸-カルバペネム,"
        "バルプロ酸-カルバペネム,6139 カルバペネム系,6139400D1020,\n"
        "デパケンR錠200,D-DEPA,デパケン,バルプロ酸ナトリウム,mg,1200,,バルプロ酸-カルバペネム,,1139 抗てんかん剤,"
        "1139004G1020,禁忌\n"
        "タケキャブ錠20mg,D-TAKE,タケキャブ,ボノプラザンフマル酸塩,mg,40,,,,2329 PPI・P-CAB,2329030F1020,\n"
        "ネキシウムカプセル20mg,D-NEXI,ネキシウム,エソメプラゾールマグネシウム水和物,mg,40,,,,2329 PPI・P-CAB,"
        "2329029M1020,\n"
        "ムコスタ錠100mg,D-MUCO,ムコスタ,レバミピド,mg,300,,,,2329 胃粘膜保護剤,2329021F1021,\n"
        "リピトール錠10mg,D-LIPI,リピトール,アトルバスタチンカルシウム水和物,mg,40,,CYP3A4,,2189 スタチン,"
        "2189015F1021,禁忌\n"
        "クレストール錠2.5mg,D-CRES,クレストール,ロスバスタチンカルシウム,mg,20,,,,2189 スタチン,2189017F1020,禁忌\n"
        "クラリス錠200,D-CLAR,クラリス,クラリスロマイシン,mg,800,マクロライド系,CYP3A4,,6149 マクロライド系,"
        "6149003F2037,\n"
        "降圧薬A錠,D-YJA,コウアツエー,成分エー,mg,10,,,,,2149001F1020,\n"
        "降圧薬B錠,D-YJB,コウアツビー,成分ビー,mg,10,,,,,2149002F1020,\n"
        "降圧薬C錠,D-YJC,コウアツシー,成分シー,mg,10,,,,2149 血圧降下剤,2149003F1020,\n"
        "降圧薬D錠,D-YJD,コウアツディー,成分ディー,mg,10,,,,,2149101F1020,\n"
        "降圧薬4錠,D-YJ4,コウアツヨン,成分ヨン,mg,10,,,,,2149,\n"
        "降圧薬3錠,D-YJ3,コウアツサン,成分サン,mg,10,,,,,214,\n"
        "院内製剤X,D-YJX,インナイエックス,成分エックス,mg,10,,,,,A149001F1020,\n"
        "院内製剤Y,D-YJY,インナイワイ,成分ワイ,mg,10,,,,,A149002F1020,\n"
        "薬剤9A,D-YJ9A,ヤクザイキュウエー,成分キュウエー,mg,10,,,,,9020001F1020,\n"
        "院内製剤Z,D-NOGEN,インナイゼット,,mg,10,,,,,,\n"
        "薬剤9B,D-YJ9B,ヤクザイキュウビー,成分キュウビー,mg,10,,,,,9020002F1020,\n";

static const char patients[] = PATIENT("Q01", "male", "佐藤", "一郎", "サトウ", "イチロウ") /* タケキャブ, デパケン */
        PATIENT("Q02", "female", "鈴木", "花子", "スズキ", "ハナコ")                        /* nothing active */
        PATIENT("Q03", "male", "高橋", "三郎", "タカハシ", "サブロウ") /* two drugs the master does not know */
        PATIENT("Q04", "female", "田中", "四葉", "タナカ", "ヨツバ");  /* a drug with no generic name */

static const char meds[] = MED("ORD-T1", "Q01", "D-TAKE", "タケキャブ錠20mg")
        MED("ORD-D1", "Q01", "D-DEPA", "デパケンR錠200") MED("ORD-U1", "Q03", "X-NONE1", "タケキャブ錠20mg")
                MED("ORD-U2", "Q03", "X-NONE2", "持参薬不明") MED("ORD-N1", "Q04", "D-NOGEN", "院内製剤Z");

static int setup(void **state)
{
	(void)state;
	static const char *const files[] = {"Patient.ndjson", patients, "MedicationRequest.ndjson", meds, NULL};
	return rxw_open("rxint", drugs_csv, files, 1);
}

/* Check drug for pid beside the other order `other` (NULL: none) of basis type `type`; want is the sorted list of
 * "level:kind:basis" of every alert; the reasons of every alert together must contain `text` (NULL: anything). */
static void check(const char *pid, const char *drug, const char *other, const char *type, const char *want,
                  const char *text)
{
	struct rx_other x = {.drug_code = other,
	                     .dose = 1,
	                     .per_day = 1,
	                     .basis_type = type,
	                     .id = "L2",
	                     .text = "2026-12-01 other"};
	struct rx_order o = {.patient_id = pid,
	                     .drug_code = drug,
	                     .dose = 1,
	                     .per_day = 1,
	                     .others = other ? &x : NULL,
	                     .n_others = other ? 1 : 0};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	struct buf reasons = {0}, got = {0};
	for (size_t i = 0; i < r.n; i++)
		buf_addf(&reasons, "%s | %s | ", r.v[i].reason_en, r.v[i].reason_ja);
	rxw_alert_list(&r, 1, &got);
	if (strcmp(buf_cstr(&got), want) || (text && !strstr(buf_cstr(&reasons), text)))
		fail_msg("%s %s + %s: got '%s' (%s), want '%s' with '%s'", pid, drug, other ? other : "-",
		         buf_cstr(&got), buf_cstr(&reasons), want, text ? text : "");
	buf_release(&got);
	buf_release(&reasons);
	rx_result_release(&r);
}

static void test_interaction_severity(void **state)
{
	(void)state;
	/* メロペン lists the group as 併用禁忌: a stop beside the active デパケン, and the other way round */
	check("Q01", "D-MERO", NULL, NULL, "stop:interaction:medication", "併用禁忌");
	check("Q02", "D-DEPA", "D-MERO", "prescription", "stop:interaction:prescription", "併用禁忌");
	/* a shared group neither drug lists as 併用禁忌, in a master without severities: warn and say so */
	check("Q02", "D-LIPI", "D-CLAR", "prescription", "warn:interaction:prescription", "no severity");
	check("Q02", "D-LIPI", "D-CLAR", "prescription", "warn:interaction:prescription", "添付文書で確認");
}

static void test_therapeutic_class(void **state)
{
	(void)state;
	/* two PPI/P-CAB: a duplicate naming both; rebamipide beside a PPI is not (same 4 YJ digits, other class) */
	check("Q01", "D-NEXI", NULL, NULL, "warn:duplicate-class:medication", "タケキャブ");
	check("Q01", "D-NEXI", NULL, NULL, "warn:duplicate-class:medication", "ネキシウム");
	check("Q01", "D-MUCO", NULL, NULL, "", NULL);
	/* two statins */
	check("Q02", "D-LIPI", "D-CRES", "outage-order", "warn:duplicate-class:outage-order", "2189 スタチン");
	/* no class in the master for either drug: the YJ code's first four digits, said to be coarse */
	check("Q02", "D-YJA", "D-YJB", "prescription", "warn:duplicate-class:prescription", "2149");
	check("Q02", "D-YJA", "D-YJB", "prescription", "warn:duplicate-class:prescription", "粗い");
	/* one of them has a class: the YJ fallback is not used */
	check("Q02", "D-YJA", "D-YJC", "prescription", "", NULL);
	/* exactly the first four digits: a fifth that differs is the same class; a code of just four digits is
	 * one; three digits, or letters where the digits are, are none */
	check("Q02", "D-YJA", "D-YJD", "prescription", "warn:duplicate-class:prescription", "2149");
	check("Q02", "D-YJA", "D-YJ4", "prescription", "warn:duplicate-class:prescription", "2149");
	check("Q02", "D-YJ4", "D-YJ3", "prescription", "", NULL);
	check("Q02", "D-YJX", "D-YJY", "prescription", "", NULL);
	/* the digits 0 and 9 are digits */
	check("Q02", "D-YJ9A", "D-YJ9B", "prescription", "warn:duplicate-class:prescription", "9020");
}

static void test_other_orders(void **state)
{
	(void)state;
	/* the same drug ordered during the outage, and on another line of the prescription */
	check("Q02", "D-TAKE", "D-TAKE", "outage-order", "warn:duplicate:outage-order", "ダウンタイム中");
	check("Q02", "D-TAKE", "D-NEXI", "prescription", "warn:duplicate-class:prescription", "同じ処方箋");
	/* nothing else to compare with: nothing */
	check("Q02", "D-TAKE", NULL, NULL, "", NULL);
	/* an active order of a code the master does not know: the same name is still a duplicate, another is not */
	check("Q03", "D-TAKE", NULL, NULL, "warn:duplicate:medication", "タケキャブ錠20mg");
	check("Q03", "D-NEXI", NULL, NULL, "", NULL);
	/* the same code is a duplicate even when the master names no ingredient */
	check("Q04", "D-NOGEN", NULL, NULL, "warn:duplicate:medication", "院内製剤Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_interaction_severity),
	        cmocka_unit_test(test_therapeutic_class),
	        cmocka_unit_test(test_other_orders),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
