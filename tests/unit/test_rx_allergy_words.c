/*
 * test_rx_allergy_words.c - the allergy dictionary's products (data/rx/allergy-words.tsv, kind product) on a ward
 * whose drug master does not hold the brands the allergies name (ボルタレン, バファリン, セファメジン …): the brand
 * still names its ingredient (the same ingredient stops) and lends its class (warn; stop after a severe reaction);
 * words after a name (疑い, の疑い, 既往) do not stop the match; ^ピリン is found in ピリン疑い but アスピリン is no
 * ピリン系; two names joined by ・ are two names; kana runs with ァ, ぁ, ー and half-width ﾟ; an allergy coded by the
 * drug's own code, YJ code or HOT code; an allergy naming more concepts than fitted the old fixed list. Only the
 * allergy alerts are counted (kind allergy*), exactly.
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

/* No brand of the allergies below is in this master: only generics, and ロキソニン, バイアスピリン. */
static const char drugs_csv[] =
        "name,code,kana,generic_name,unit,max_daily_dose,allergy_class,yj_code,hot_code\n"
        "ロキソニン錠60mg,D-LOXO,ロキソニン,ロキソプロフェンナトリウム水和物,mg,180,NSAIDs,1149019F1560,1004150030101\n"
        "ジクロフェナクNa錠25mg「トーワ」,D-DICL,ジクロフェナクナトリウム,ジクロフェナクナトリウム,mg,100,NSAIDs,,\n"
        "バイアスピリン錠100mg,D-ASPI,バイアスピリン,アスピリン,mg,300,NSAIDs,,\n"
        "スルピリン注射液250mg「日医工」,D-SULP,スルピリン,スルピリン水和物,mg,1000,ピリン系,,\n"
        "セファゾリンNa注射用1g「NP」,D-CEZ,セファゾリンナトリウム,セファゾリンナトリウム,g,5,セフェム系,,\n"
        "アモキシシリンカプセル250mg「日医工」,D-AMOX,アモキシシリン,アモキシシリン水和物,mg,1500,ペニシリン系,,\n"
        "アセトアミノフェン錠200mg「JG」,D-ACET,アセトアミノフェン,アセトアミノフェン,mg,4000,,,\n"
        "マグミット錠330mg,D-MAGM,マグミット,酸化マグネシウム,mg,2000,,,\n"
        "ビクシリンカプセル250mg,D-ABPC,ビクシリン,アンピシリン水和物,mg,2000,PC,,\n"
        "フェジン静注40mg,D-FESI,フェジン,含糖酸化鉄,mg,120,鉄剤,,\n"
        "レボフロキサシン錠500mg「DSEP」,D-LVFX,レボフロキサシン,レボフロキサシン水和物,mg,500,キノロン系,,\n"
        "イオパミドール300注シリンジ「HK」,D-IOPA,イオパミドール,イオパミドール,mL,150,造影剤,,\n"
        "SG配合顆粒,D-SGGR,エスジー,イソプロピルアンチピリン;アセトアミノフェン;アリルイソプロピルアセチル尿素;"
        "無水カフェイン,g,4,ピリン系,,\n"
        "ナプロキセン錠100mg「TCK」,D-NAPR,ナプロキセン,ナプロキセン,mg,600,NSAIDs;消炎鎮痛剤,,\n"
        "バクタ配合錠,D-BACT,バクタ,スルファメトキサゾール;トリメトプリム,錠,12,サルファ剤,,\n"
        "エルネオパNF1号輸液,D-TPN,エルネオパ,ブドウ糖;L-ロイシン;L-イソロイシン;L-バリン;L-リシン酢酸塩;"
        "L-トレオニン;L-トリプトファン;L-メチオニン;L-フェニルアラニン;L-システイン;L-チロシン;L-アルギニン;"
        "L-ヒスチジン;L-アラニン;L-プロリン;L-セリン;グリシン,mL,2000,,,\n"
        "ミヤBM錠,D-MIYA,ミヤ,酪酸菌,錠,6,,,\n";

/* The patients W01..W20, men born 1970-01-01. */
#define MAN(id)                                      \
	"{\"resourceType\":\"Patient\",\"id\":\"" id \
	"\"," NAME("辞書", id, "ジショ", "イチ") ",\"gender\":\"male\",\"birthDate\":\"1970-01-01\"}\n"
static const char *const patient_lines[] = {
        MAN("W01"), MAN("W02"), MAN("W03"), MAN("W04"), MAN("W05"), MAN("W06"), MAN("W07"), MAN("W08"), MAN("W09"),
        MAN("W10"), MAN("W11"), MAN("W12"), MAN("W13"), MAN("W14"), MAN("W15"), MAN("W16"), MAN("W17"), MAN("W18"),
        MAN("W19"), MAN("W20"), MAN("W21"), MAN("W22"), MAN("W23"), MAN("W24"), MAN("W25"), MAN("W26"), MAN("W27"),
        MAN("W28"), MAN("W29"), MAN("W30"), MAN("W31"), MAN("W32"), MAN("W33"), MAN("W34"), MAN("W35"), NULL,
};

/* ALLERGY(id, patient, text, reaction, severity); CODED(id, patient, code, text) */
#define ALLERGY(id, pid, text, react, sev)                                                                          \
	"{\"resourceType\":\"AllergyIntolerance\",\"id\":\"" id "\",\"clinicalStatus\":{\"coding\":[{\"code\":"     \
	"\"active\"}]},\"category\":[\"medication\"],\"code\":{\"text\":\"" text "\"},\"patient\":{\"reference\":"  \
	"\"Patient/" pid "\"},\"recordedDate\":\"2024-06-01\",\"reaction\":[{\"manifestation\":[{\"text\":\"" react \
	"\"}],\"severity\":\"" sev "\"}]}\n"
#define CODED(id, pid, code, text)                                                                                     \
	"{\"resourceType\":\"AllergyIntolerance\",\"id\":\"" id "\",\"clinicalStatus\":{\"coding\":[{\"code\":"        \
	"\"active\"}]},\"category\":[\"medication\"],\"code\":{\"coding\":[{\"system\":\"urn:local\",\"code\":\"" code \
	"\"}],\"text\":\"" text "\"},\"patient\":{\"reference\":\"Patient/" pid "\"},\"recordedDate\":"                \
	"\"2024-06-01\",\"reaction\":[{\"manifestation\":[{\"text\":\"発疹\"}],\"severity\":\"mild\"}]}\n"

/* Many products of distinct ingredients, more concepts than the old list of 48 held, then ボルタレン. */
#define MANY                                                                                                                                                           \
	"サワシリン、オーグメンチン、ユナシン、ゾシン、ステルイズ、ベンジルペニシリン、ケフラール、ケフレックス、" \
	"ロセフィン、フロモックス、メイアクト、セフゾン、トミロン、バナン、セフメタゾン、マキシピーム、モダシン、" \
	"パンスポリン、チエナム、フィニバックス、オラペネム、カルベニン、クラビット、シプロキサン、ジェニナック、" \
	"アベロックス、グレースビット、オゼックス、クラリス、ジスロマック、エリスロシン、ミノマイシン、"                \
	"ビブラマイシン、バクタ、オムニパーク、イオパミロン、ビジパーク、オプチレイ、イオメロン、リピオドール、"    \
	"マグネビスト、プロハンス、ガドビスト、ボルタレン"

static const char *const allergy_lines[] = {
        ALLERGY("AW-01", "W01", "ボルタレン", "発疹", "mild"),
        ALLERGY("AW-02", "W02", "バファリン", "蕁麻疹", "mild"),
        ALLERGY("AW-03", "W03", "ボルタレン", "アナフィラキシー", "severe"),
        ALLERGY("AW-04", "W04", "ボルタレン疑い", "発疹", "mild"),
        ALLERGY("AW-05", "W05", "ピリン疑い", "発疹", "mild"),
        ALLERGY("AW-06", "W06", "アスピリン", "発疹", "mild"),
        ALLERGY("AW-07", "W07", "ﾋﾟﾘﾝ疑い", "発疹", "mild"),
        ALLERGY("AW-08", "W08", "ロキソニン・ボルタレン", "発疹", "mild"),
        ALLERGY("AW-09", "W09", "セファメジンで発疹", "発疹", "mild"),
        ALLERGY("AW-10", "W10", "せふぁめじん", "発疹", "mild"),
        ALLERGY("AW-11", "W11", "かろなーる", "発疹", "mild"),
        ALLERGY("AW-12", "W12", "PC疑い", "発疹", "mild"),
        ALLERGY("AW-13", "W13", "ボルタレン既往", "発疹", "mild"),
        ALLERGY("AW-14", "W14", "セフェム系の疑い", "発疹", "mild"),
        CODED("AW-15", "W15", "D-LOXO", "鎮痛剤"),
        CODED("AW-16", "W16", "1149019F1560", "鎮痛剤"),
        CODED("AW-17", "W17", "1004150030101", "鎮痛剤"),
        ALLERGY("AW-18", "W18", MANY, "発疹", "mild"),
        ALLERGY("AW-19", "W19", "ロキソニンまたはピリン", "発疹", "mild"),
        ALLERGY("AW-20", "W20", "SG配合顆粒で発疹", "発疹", "mild"),
        ALLERGY("AW-21", "W21", "PCA", "嘔気", "mild"),
        ALLERGY("AW-22", "W22", "PC NSAIDs", "発疹", "mild"),
        ALLERGY("AW-23", "W23", "鉄剤で発疹", "発疹", "mild"),
        ALLERGY("AW-24", "W24", "ニューキノロンで発疹", "発疹", "mild"),
        ALLERGY("AW-25", "W25", "ヨード造影剤で蕁麻疹", "蕁麻疹", "mild"),
        ALLERGY("AW-26", "W26", "鎮痛剤(ピリン)", "発疹", "mild"),
        ALLERGY("AW-27", "W27", "PC,NSAIDs", "発疹", "mild"),
        ALLERGY("AW-28", "W28", "スルピリン、ピリン", "アナフィラキシー", "severe"),
        ALLERGY("AW-29", "W29", "アスピリン喘息", "喘息発作", "moderate"),
        ALLERGY("AW-30", "W30", "造影", "蕁麻疹", "mild"),
        ALLERGY("AW-31", "W31", "鎮痛剤のピリン", "発疹", "mild"),
        ALLERGY("AW-32", "W32", "レボフロキサシン水和物", "発疹", "mild"),
        ALLERGY("AW-33", "W33", "バクタで発疹", "発疹", "mild"),
        ALLERGY("AW-34", "W34", "サワシリン　", "発疹", "mild"),
        ALLERGY("AW-35", "W35", "ミヤで発疹", "発疹", "mild"),
        NULL,
};

static int setup(void **state)
{
	(void)state;
	struct buf patients = {0}, allergies = {0};
	for (size_t i = 0; patient_lines[i]; i++)
		buf_adds(&patients, patient_lines[i]);
	for (size_t i = 0; allergy_lines[i]; i++)
		buf_adds(&allergies, allergy_lines[i]);
	const char *const files[] = {"Patient.ndjson", buf_cstr(&patients), "AllergyIntolerance.ndjson",
	                             buf_cstr(&allergies), NULL};
	int rc = rxw_open("rxallergywords", drugs_csv, files, 0);
	buf_release(&patients);
	buf_release(&allergies);
	return rc;
}

/* The dictionary's version, and its products: each names an ingredient, and each class it lends is a class the
 * dictionary knows (spelled as one of its class words), so that a product never lends a class nothing meets. */
static void test_products_table(void **state)
{
	(void)state;
	assert_string_equal(rx_allergy_words_version(), "2026.12.2");
	const struct rx_allergy_tables *tab = rx_allergy_tables();
	size_t products = 0;
	for (size_t i = 0; i < tab->nw; i++) {
		const struct rx_word *w = &tab->w[i];
		if (w->kind != RX_W_PRODUCT) {
			assert_string_equal(w->cls, "");
			continue;
		}
		products++;
		assert_true(w->target[0] != 0);
		struct rx_keys k;
		rx_keys_of(&k, w->cls, RX_FOLD_CLASS);
		for (int c = 0; c < k.n; c++) {
			int known = 0;
			for (size_t j = 0; j < tab->nw && !known; j++)
				known = tab->w[j].kind == RX_W_CLASS && !strcmp(tab->w[j].target_key, k.v[c]);
			if (!known)
				fail_msg("product %s lends %s, a class the dictionary does not know", w->word,
				         k.shown[c]);
		}
		rx_keys_free(&k);
	}
	assert_true(products >= 100);
}

/* A brand the master does not hold: the same ingredient stops (バファリン → アスピリン, ボルタレン → ジクロフェナク),
 * another product of its class warns (stop after anaphylaxis); no 「未分類」 info. */
static void test_brand_outside_master(void **state)
{
	(void)state;
	rxw_check_allergy("W01", "D-LOXO", "warn:allergy-class", "NSAIDs", "既往");
	rxw_check_allergy("W01", "D-DICL", "stop:allergy", "同じ成分", NULL);
	rxw_check_allergy("W01", "D-MAGM", "", NULL, NULL);
	rxw_check_allergy("W02", "D-ASPI", "stop:allergy", "同じ成分 アスピリン", NULL);
	rxw_check_allergy("W02", "D-LOXO", "warn:allergy-class", NULL, NULL);
	rxw_check_allergy("W03", "D-LOXO", "stop:allergy-class", "アナフィラキシーの既往", NULL);
	rxw_check_allergy("W03", "D-DICL", "stop:allergy", "同じ成分", NULL);
	rxw_check_allergy("W20", "D-SULP", "warn:allergy-class", "ピリン系", NULL);
	rxw_check_allergy("W20", "D-ACET", "stop:allergy", "同じ成分", NULL);
}

/* Words after a name do not stop the match: 疑い, の疑い, 既往, また(は). */
static void test_words_after(void **state)
{
	(void)state;
	rxw_check_allergy("W04", "D-LOXO", "warn:allergy-class", NULL, NULL);
	rxw_check_allergy("W04", "D-DICL", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W13", "D-DICL", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W12", "D-AMOX", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W14", "D-CEZ", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W14", "D-AMOX", "warn:allergy-cross", NULL, NULL);
}

/* ピリン疑い is ピリン系 (in half-width too, after another name and また), アスピリン is not. */
static void test_pyrine(void **state)
{
	(void)state;
	rxw_check_allergy("W05", "D-SULP", "stop:allergy", "ピリン系", NULL);
	rxw_check_allergy("W05", "D-ASPI", "", NULL, NULL);
	rxw_check_allergy("W07", "D-SULP", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W19", "D-SULP", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W06", "D-SULP", "", NULL, NULL);
	rxw_check_allergy("W06", "D-ASPI", "stop:allergy", NULL, NULL);
}

/* Two names joined by ・ are two names; kana runs hold ァ, ぁ and ー (in hiragana too). */
static void test_kana_runs(void **state)
{
	(void)state;
	rxw_check_allergy("W08", "D-DICL", "stop:allergy", "同じ成分", NULL);
	rxw_check_allergy("W08", "D-LOXO", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W09", "D-CEZ", "stop:allergy", "同じ成分", NULL);
	rxw_check_allergy("W10", "D-CEZ", "stop:allergy", "同じ成分", NULL);
	rxw_check_allergy("W11", "D-ACET", "stop:allergy", "同じ成分 アセトアミノフェン", NULL);
}

/* An allergy coded by the drug's code, YJ code or HOT code names the drug itself (no text needed). */
static void test_coded(void **state)
{
	(void)state;
	rxw_check_allergy("W15", "D-LOXO", "stop:allergy", "D-LOXO に該当します", NULL);
	rxw_check_allergy("W16", "D-LOXO", "stop:allergy", "1149019F1560 に該当します", NULL);
	rxw_check_allergy("W17", "D-LOXO", "stop:allergy", "1004150030101 に該当します", NULL);
	rxw_check_allergy("W16", "D-DICL", "warn:allergy-class", NULL, NULL);
}

/* A long list of drugs loses none: the last one named still stops its ingredient. */
static void test_long_list(void **state)
{
	(void)state;
	rxw_check_allergy("W18", "D-DICL", "stop:allergy", "ボルタレン: ジクロフェナク", NULL);
	rxw_check_allergy("W18", "D-MAGM", "", NULL, NULL);
}

/* A master's class meets the text as the dictionary's words do: ASCII as a whole word (PC, not in PCA), three kana
 * or fewer where no kana comes before (ピリン in 鎮痛剤(ピリン)), two characters and more otherwise (鉄剤); the
 * reason then names the drug's own class (に該当します), not the dictionary's word. */
static void test_master_class(void **state)
{
	(void)state;
	rxw_check_allergy("W12", "D-ABPC", "stop:allergy", "PC に該当します", NULL);
	rxw_check_allergy("W21", "D-ABPC", "info:allergy-unknown", NULL, NULL);
	rxw_check_allergy("W23", "D-FESI", "stop:allergy", "鉄剤 に該当します", NULL);
	rxw_check_allergy("W24", "D-LVFX", "stop:allergy", "キノロン系 に該当します", NULL);
	rxw_check_allergy("W25", "D-IOPA", "stop:allergy", "造影剤 に該当します", NULL);
	rxw_check_allergy("W26", "D-SULP", "stop:allergy", "ピリン系 に該当します", NULL);
	rxw_check_allergy("W05", "D-SULP", "stop:allergy", "ピリン系 に該当します", NULL);
}

/* Words of ASCII letters parted by a space or a comma, which the search key drops, are still two whole words. */
static void test_ascii_parts(void **state)
{
	(void)state;
	rxw_check_allergy("W22", "D-AMOX", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W22", "D-LOXO", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W27", "D-AMOX", "stop:allergy", NULL, NULL);
	rxw_check_allergy("W27", "D-LOXO", "stop:allergy", NULL, NULL);
}

/* The script of a code point in a run of kana, at every edge of its ranges. */
static void test_kana_script(void **state)
{
	(void)state;
	static const struct {
		uint32_t cp;
		enum rx_script want;
	} v[] = {
	        {0x3040, RX_S_OTHER},    {0x3041, RX_S_HIRAGANA}, {0x309F, RX_S_HIRAGANA}, {0x30A0, RX_S_OTHER},
	        {0x30A1, RX_S_KATAKANA}, {0x30FA, RX_S_KATAKANA}, {0x30FB, RX_S_OTHER},    {0x30FC, RX_S_KATAKANA},
	        {0x30FD, RX_S_OTHER},    {0xFF65, RX_S_OTHER},    {0xFF66, RX_S_KATAKANA}, {0xFF9F, RX_S_KATAKANA},
	        {0xFFA0, RX_S_OTHER},    {0x4E00, RX_S_OTHER},    {'A', RX_S_OTHER},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (rx_kana_script(v[i].cp) != v[i].want)
			fail_msg("U+%04X: got %d, want %d", (unsigned)v[i].cp, rx_kana_script(v[i].cp), v[i].want);
}

/* Two ingredient keys are the same ingredient when equal, or when one begins the other and is four characters or
 * more, in either order. */
static void test_same_ingredient(void **state)
{
	(void)state;
	assert_true(rx_same_ingredient("アスヒリン", "アスヒリン"));
	assert_true(rx_same_ingredient("アスヒリン", "アスヒリンタイアルミネート"));
	assert_true(rx_same_ingredient("アスヒリンタイアルミネート", "アスヒリン"));
	assert_true(rx_same_ingredient("ヘハリン", "ヘハリン類似物質"));
	assert_true(rx_same_ingredient("ヘハリン類似物質", "ヘハリン"));
	assert_false(rx_same_ingredient("ヨウ素", "ヨウ素レシチン"));
	assert_false(rx_same_ingredient("ヨウ素レシチン", "ヨウ素"));
	assert_false(rx_same_ingredient("ヘハリン", "タルテヘハリン"));
	assert_false(rx_same_ingredient("アスヒリン", "ロキソフロフエン"));
}

/* A class first lent (スルピリン: ピリン系) and then named (ピリン) is named: after a severe reaction the alert is
 * the allergy itself, not 同系統. */
static void test_lent_then_named(void **state)
{
	(void)state;
	rxw_check_allergy("W28", "D-SGGR", "stop:allergy", "アナフィラキシーの既往", NULL);
	rxw_check_allergy("W28", "D-SULP", "stop:allergy", NULL, NULL);
}

/* One alert per allergy, the first finding of the highest level: a drug of two classes that both meet (NSAIDs and
 * 消炎鎮痛剤) is named by the first, in a lent class and a cross-reactive one alike. */
static void test_first_of_its_level(void **state)
{
	(void)state;
	rxw_check_allergy("W01", "D-NAPR", "warn:allergy-class", "と同じ NSAIDs です", "消炎鎮痛剤");
	rxw_check_allergy("W29", "D-NAPR", "stop:allergy-cross", "は NSAIDs です (", "消炎鎮痛剤 です");
}

/* A drug of more ingredients than a key list holds (RX_KEYS_MAX): each loop over them stops at the last. */
static void test_many_ingredients(void **state)
{
	(void)state;
	rxw_check_allergy("W29", "D-TPN", "", NULL, NULL);
	rxw_check_allergy("W01", "D-TPN", "", NULL, NULL);
}

/* The text names the drug itself: a class of two characters holding the text (造影 in 造影剤), the generic name
 * (レボフロキサシン水和物, not only its kana), a kana reading of three characters (バクタ); ピリン after kana (の) is
 * not the master's class found in the text, but the dictionary's ^ピリン (named: は ピリン系 です). */
static void test_names_itself(void **state)
{
	(void)state;
	rxw_check_allergy("W30", "D-IOPA", "stop:allergy", "造影剤 に該当します", NULL);
	rxw_check_allergy("W32", "D-LVFX", "stop:allergy", "レボフロキサシン水和物 に該当します", NULL);
	rxw_check_allergy("W33", "D-BACT", "stop:allergy", "バクタ に該当します", NULL);
	rxw_check_allergy("W31", "D-SULP", "stop:allergy", "は ピリン系 です", "に該当します");
	rxw_check_allergy("W35", "D-MIYA", "info:allergy-unknown", NULL,
	                  NULL); /* a reading of two kana names nothing */
}

/* The reason says what in the text named the ingredient only when it is not the whole text (a trailing space
 * folds away), and the basis holds the reaction. */
static void test_reason_and_basis(void **state)
{
	(void)state;
	rxw_check_allergy("W34", "D-AMOX", "stop:allergy", "同じ成分", "サワシリン: ");
	rxw_check_allergy("W09", "D-CEZ", "stop:allergy", "(セファメジン: セファゾリンナトリウム)", NULL);
	struct rx_order o = {.patient_id = "W01", .drug_code = "D-LOXO", .dose = 1, .per_day = 1};
	struct rx_result r = {0};
	assert_int_equal(rx_check(st, &o, &r), 0);
	int seen = 0;
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.v[i].basis.type, "allergy")) {
			assert_non_null(strstr(r.v[i].basis.text, "ボルタレン (発疹, "));
			seen = 1;
		}
	assert_true(seen);
	rx_result_release(&r);
}

/* The table's helpers at their edges: ASCII letters and digits; a trailing 系 off only after something; ASCII
 * words (PC) told from words of other scripts (セフェム, ST合剤). */
static void test_table_helpers(void **state)
{
	(void)state;
	static const char alnum[] = "09azAZ", other[] = "/:@[`{ -";
	for (const char *c = alnum; *c; c++)
		assert_true(rx_is_alnum((unsigned char)*c));
	for (const char *c = other; *c; c++)
		assert_false(rx_is_alnum((unsigned char)*c));
	assert_false(rx_is_alnum(0xE3));
	static const struct {
		const char *in, *out;
	} kei[] = {{"系", "系"}, {"a系", "a"}, {"ヒリン系", "ヒリン"}, {"系統", "系統"}, {"ab", "ab"}};
	for (size_t i = 0; i < sizeof(kei) / sizeof(kei[0]); i++) {
		char k[32];
		snprintf(k, sizeof(k), "%s", kei[i].in);
		rx_strip_kei(k);
		assert_string_equal(k, kei[i].out);
	}
	const struct rx_allergy_tables *tab = rx_allergy_tables();
	int seen = 0;
	for (size_t i = 0; i < tab->nw; i++) {
		const struct rx_word *w = &tab->w[i];
		if (!strcmp(w->word, "PC") || !strcmp(w->word, "NSAIDs"))
			assert_true(w->ascii), seen++;
		if (!strcmp(w->word, "セフェム") || !strcmp(w->word, "ST合剤"))
			assert_false(w->ascii), seen++;
		if (!strcmp(w->word, "VCM")) /* an ingredient's target without its salt: バンコマイシン塩酸塩 */
			assert_string_equal(w->target_key, "ハンコマイシン"), seen++;
		if (!strcmp(w->word, "ペニ系")) /* a class's target without 系 */
			assert_string_equal(w->target_key, "ヘニシリン"), seen++;
	}
	assert_int_equal(seen, 7);
}

/* The ingredient part of a generic name: salts and hydrates off (again and again), an ASCII salt only after a
 * name of another script, 「塩酸」 off the front; two characters always kept. */
static void test_strip_salt(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} v[] = {
	        {"ロキソプロフェンナトリウム水和物", "ロキソプロフェン"},
	        {"ロキソプロフェンNa", "ロキソプロフェン"},
	        {"ヨウナトリウム", "ヨウ"},
	        {"ヨナトリウム", "ヨナトリウム"},
	        {"abna", "abna"},
	        {"塩酸ミノサイクリン", "ミノサイクリン"},
	        {"塩酸ヨウ", "ヨウ"},
	        {"塩酸ヨ", "塩酸ヨ"},
	        {"ナトリウム", "ナトリウム"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *k = rx_key(v[i].in), *want = rx_key(v[i].out);
		rx_strip_salt(k);
		if (strcmp(k, want))
			fail_msg("%s: got %s, want %s", v[i].in, k, want);
		free(k);
		free(want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_products_table),     cmocka_unit_test(test_brand_outside_master),
	        cmocka_unit_test(test_words_after),        cmocka_unit_test(test_pyrine),
	        cmocka_unit_test(test_kana_runs),          cmocka_unit_test(test_coded),
	        cmocka_unit_test(test_long_list),          cmocka_unit_test(test_master_class),
	        cmocka_unit_test(test_ascii_parts),        cmocka_unit_test(test_kana_script),
	        cmocka_unit_test(test_same_ingredient),    cmocka_unit_test(test_lent_then_named),
	        cmocka_unit_test(test_first_of_its_level), cmocka_unit_test(test_many_ingredients),
	        cmocka_unit_test(test_names_itself),       cmocka_unit_test(test_reason_and_basis),
	        cmocka_unit_test(test_table_helpers),      cmocka_unit_test(test_strip_salt),
	};
	return cmocka_run_group_tests(tests, setup, rxw_teardown);
}
