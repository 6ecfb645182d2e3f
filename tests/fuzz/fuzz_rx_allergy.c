/*
 * fuzz_rx_allergy.c - libFuzzer target for what src/rx reads from outside as free text: an allergy record as a
 * ward typed it (「アスピリン(アスピリン喘息)」, 「ＮＳＡＩＤｓ、ＡＭＰＣ」, 「PCでじんましん」) checked against a drug
 * of a small drug master (rx_rule_allergy: the dictionary's words, the master's names found in runs of kana, the
 * cross-reactivity table), a drug master row's name, strength and units read for a strength per tablet
 * (rx_count_strength), and a master's ';'-separated lists split into search keys (rx_keys_of, every folding).
 * Any bytes: must return, never crash, read past the input or hang. Seeds: corpus/rx_allergy/.
 *
 * The input is up to five fields split at '\n': the allergy's name, its reaction, its severity, a drug name (also
 * the key list), and a strength/unit; the first byte also picks the ordered drug.
 */
#include "rx/rx_int.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char drugs_csv[] =
        "name,code,kana,generic_name,unit,max_daily_dose,allergy_class\n"
        "サワシリンカプセル250,D-SAWA,サワシリン,アモキシシリン水和物,mg,1500,ペニシリン系\n"
        "ロキソニン錠60mg,D-LOXO,ロキソニン,ロキソプロフェンナトリウム水和物,mg,180,NSAIDs\n"
        "バイアスピリン錠100mg,D-ASPI,バイアスピリン,アスピリン,mg,300,NSAIDs\n"
        "フロモックス錠100mg,D-FLOM,フロモックス,セフカペンピボキシル塩酸塩水和物,mg,450,セフェム系\n"
        "メロペン点滴用バイアル0.5g,D-MERO,メロペン,メロペネム水和物,g,6,カルバペネム系\n"
        "クラビット錠500mg,D-LEVO,クラビット,レボフロキサシン水和物,mg,500,キノロン系\n"
        "オムニパーク300注シリンジ,D-OMNI,オムニパーク,イオヘキソール,mL,150,ヨード造影剤\n"
        "配合錠,D-COMB,ハイゴウ,アセトアミノフェン；トラマドール塩酸塩、カフェイン,mg,400,NSAIDs;オピオイド系\n";
static const char *const codes[] = {"D-SAWA", "D-LOXO", "D-ASPI", "D-FLOM", "D-MERO", "D-LEVO", "D-OMNI", "D-COMB"};

static struct store *st;
static char dir[64];

static void cleanup(void)
{
	store_close(st);
	lb_rmtree(dir);
}

static int ward(void)
{
	if (st)
		return 0;
	snprintf(dir, sizeof(dir), "/tmp/lb-fuzz-rxallergy-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char db[96], csv[96];
	snprintf(db, sizeof(db), "%s/s.db", dir);
	snprintf(csv, sizeof(csv), "%s/drugs.csv", dir);
	struct store_ingest_opts o = {.drugs_csv = csv};
	struct store_ingest_stats s;
	if (lb_write_file_atomic(csv, drugs_csv, strlen(drugs_csv), 0644, 0) < 0 || store_open(&st, db, 1) < 0 ||
	    store_ingest(st, &o, &s) < 0)
		abort();
	atexit(cleanup);
	return 0;
}

static void keys(const char *list)
{
	for (int fold = RX_FOLD_PLAIN; fold <= RX_FOLD_INGREDIENT; fold++) {
		struct rx_keys k;
		rx_keys_of(&k, list, (enum rx_key_fold)fold);
		if (k.n < 0 || k.n > RX_KEYS_MAX)
			abort();
		for (int i = 0; i < k.n; i++)
			if (!k.v[i] || !*k.v[i] || !k.shown[i] || strlen(k.shown[i]) > strlen(list))
				abort();
		rx_keys_free(&k);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192 || ward() < 0)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	char *f[5] = {s, NULL, NULL, NULL, NULL};
	for (int i = 1; i < 5; i++) {
		char *nl = f[i - 1] ? strchr(f[i - 1], '\n') : NULL;
		if (!nl)
			break;
		*nl = 0;
		f[i] = nl + 1;
	}

	/* the allergy text against a drug of the master */
	struct store_drugs md = {0};
	const char *code = codes[(size ? data[0] : 0) % LB_ARRAY_LEN(codes)];
	if (store_drug_get(st, code, &md) < 0 || !md.n)
		abort();
	struct ehr_allergy a = {.patient_id = "F1",
	                        .id = "AL-F",
	                        .kind = EHR_ALLERGY_DRUG,
	                        .code = f[3],
	                        .name = f[0],
	                        .reaction = f[1],
	                        .severity = f[2],
	                        .recorded = "2024-06-01",
	                        .active = 1};
	struct rx_result r;
	memset(&r, 0, sizeof(r));
	r.drug = md.v[0].drug;
	r.patient.patient.id = "F1";
	r.patient.allergies = &a;
	r.patient.n_allergies = 1;
	if (rx_rule_allergy(st, &r) < 0)
		abort();
	for (size_t i = 0; i < r.n; i++)
		if (!r.v[i].reason_en || !r.v[i].reason_ja || !r.v[i].kind)
			abort();
	memset(&r.patient, 0, sizeof(r.patient)); /* not owned here */
	memset(&r.drug, 0, sizeof(r.drug));
	rx_result_release(&r);
	store_drugs_release(&md);

	/* a master row's strength: its name, its strength column and the units of the order and the master */
	const char *units[] = {"錠", "カプセル", "個", "包", "本", "枚"};
	const char *munits[] = {"mg", "g", "μg", "mL", "単位"};
	struct ehr_drug d = {.name = f[0], .strength = f[4], .form = f[1], .unit = f[2]};
	char how[96];
	for (size_t i = 0; i < LB_ARRAY_LEN(units); i++)
		for (size_t j = 0; j < LB_ARRAY_LEN(munits); j++) {
			double v = rx_count_strength(&d, units[i], munits[j], how, sizeof(how));
			if (v < 0 || v != v)
				abort();
		}
	if (f[3] && f[4] && rx_count_strength(&d, f[3], f[4], how, 1) < 0)
		abort();
	d.name = f[3];
	d.form = NULL;
	if (rx_count_strength(&d, "錠", "mg", NULL, 0) < 0)
		abort();

	/* the master's lists as search keys */
	keys(f[0]);
	if (f[3])
		keys(f[3]);
	lb_error_clear();
	free(s);
	return 0;
}
