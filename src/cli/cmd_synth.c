/*
 * cmd_synth.c - `lifeboat synth`: write a deterministic synthetic hospital for drills, tests and benchmarks.
 *
 *   synth --out DIR --patients N [--beds N] --seed S [--today YYYY-MM-DD] [--force] [--json]
 *
 * DIR gets ssmix2/ (SS-MIX2 standard storage), fhir/<Type>.ndjson, appointments.csv and drugs.csv. The same N, S and
 * date give byte-identical files. A summary (or --json) tells what was written.
 */
#include "cli.h"
#include "ehr/ehr.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void summary_json(struct buf *out, const struct ehr_synth_opts *o, const struct ehr_synth_stats *s, int64_t ms)
{
	struct json_w w = {.out = out};
	json_obj(&w);
	json_kv_str(&w, "out", o->out_dir);
	json_kv_int(&w, "seed", (int64_t)o->seed);
	json_kv_str(&w, "today", o->today ? o->today : "2026-11-24");
	json_kv_int(&w, "patients", s->patients);
	json_kv_int(&w, "inpatients", s->inpatients);
	json_kv_int(&w, "wards", s->wards);
	json_kv_int(&w, "beds", s->beds);
	json_kv_int(&w, "outpatients_booked", s->outpatients_booked);
	json_key(&w, "ssmix2");
	json_obj(&w);
	json_kv_int(&w, "files", s->ssmix2_files);
	json_kv_int(&w, "updated", s->ssmix2_updated);
	json_kv_int(&w, "deleted", s->ssmix2_deleted);
	json_kv_int(&w, "quirks", s->ssmix2_quirks);
	json_key(&w, "by_type");
	json_obj(&w);
	for (int i = 0; ehr_synth_type_names[i]; i++)
		json_kv_int(&w, ehr_synth_type_names[i], s->by_type[i]);
	json_end(&w);
	json_end(&w);
	json_kv_int(&w, "fhir_resources", s->fhir_resources);
	json_kv_int(&w, "appointments", s->appointments);
	json_kv_int(&w, "drugs", s->drugs);
	json_kv_int(&w, "same_full_name", s->same_full_name);
	json_kv_int(&w, "same_name_and_birth", s->same_name_birth);
	json_kv_int(&w, "bytes", (int64_t)s->bytes);
	json_kv_int(&w, "ms", ms);
	json_end(&w);
}

static void summary_text(struct buf *out, const struct ehr_synth_opts *o, const struct ehr_synth_stats *s, int64_t ms)
{
	struct buf size = {0}, dur = {0};
	lb_format_bytes(&size, s->bytes);
	lb_format_duration(&dur, ms);
	if (lb_lang() == LB_LANG_JA) {
		buf_addf(out, "%s に合成病院を作成しました (%s, %s)\n", o->out_dir, size.data, dur.data);
		buf_addf(out, "  患者 %ld 人 (入院 %ld 人 / %d 病棟 %d 床, 予約のある外来 %ld 人)\n", s->patients,
		         s->inpatients, s->wards, s->beds, s->outpatients_booked);
		buf_addf(out, "  同姓同名 %ld 人 (生年月日も同じ %ld 人)\n", s->same_full_name, s->same_name_birth);
		buf_addf(out, "  SS-MIX2 %ld ファイル (更新版 %ld, 削除 %ld, CP932 拡張文字 %ld):", s->ssmix2_files,
		         s->ssmix2_updated, s->ssmix2_deleted, s->ssmix2_quirks);
	} else {
		buf_addf(out, "wrote a synthetic hospital to %s (%s, %s)\n", o->out_dir, size.data, dur.data);
		buf_addf(out, "  %ld patients (%ld in %d wards of %d beds, %ld outpatients with bookings)\n",
		         s->patients, s->inpatients, s->wards, s->beds, s->outpatients_booked);
		buf_addf(out, "  %ld share their full name with another patient (%ld also their birth date)\n",
		         s->same_full_name, s->same_name_birth);
		buf_addf(out, "  SS-MIX2 %ld files (%ld older versions, %ld deleted, %ld with CP932 quirks):",
		         s->ssmix2_files, s->ssmix2_updated, s->ssmix2_deleted, s->ssmix2_quirks);
	}
	for (int i = 0; ehr_synth_type_names[i]; i++)
		buf_addf(out, " %s %ld", ehr_synth_type_names[i], s->by_type[i]);
	buf_addf(out, "\n  FHIR %ld %s, %ld %s, %ld %s", s->fhir_resources, L_("resources", "リソース"),
	         s->appointments, L_("appointments", "予約"), s->drugs, L_("drugs", "医薬品"));
	buf_release(&size);
	buf_release(&dur);
}

int cmd_synth(int argc, char **argv)
{
	const char *out = NULL, *seed_s = "1", *today = NULL;
	long patients = 1000, beds = 0;
	int json = 0, force = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 'o', "out", &out, "DIR",
	         "folder to write (ssmix2/, fhir/, appointments.csv, drugs.csv)",
	         "出力先フォルダ (ssmix2/, fhir/, appointments.csv, drugs.csv)"},
	        {LB_OPT_INT, 'n', "patients", &patients, "N", "registered patients (default 1000)",
	         "登録患者数 (既定 1000)", 1, 10000000},
	        {LB_OPT_INT, 0, "beds", &beds, "N",
	         "a hospital of exactly N beds (default: one ward of 32-48 beds per 800 patients, up to 20 wards)",
	         "病床数 N の病院 (既定: 患者 800 人ごとに 32-48 床の病棟ひとつ、最大 20 病棟)", 1, 20000},
	        {LB_OPT_STRING, 's', "seed", &seed_s, "S", "seed: the same seed gives the same files (default 1)",
	         "シード: 同じシードなら同じファイル (既定 1)"},
	        {LB_OPT_STRING, 0, "today", &today, "DATE", "the date the data is as of (default 2026-11-24)",
	         "データの基準日 (既定 2026-11-24)"},
	        {LB_OPT_FLAG, 0, "force", &force, NULL, "replace what an earlier synth wrote in DIR",
	         "DIR にある以前の出力を置き換える"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print the summary as JSON", "概要を JSON で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat synth --out DIR [--patients N] [--beds N] [--seed S] [--today YYYY-MM-DD] [--force] [--json]",
	        "Write a synthetic hospital: patients with Japanese kanji and kana names at real-life frequencies (so\n"
	        "same-surname and same-name patients occur), wards and a census, allergies, prescriptions, "
	        "injections,\n"
	        "results, diagnoses, admissions and bookings, as SS-MIX2 standard storage (ISO-2022-JP), FHIR NDJSON\n"
	        "(JP Core), an appointments CSV (CP932) and a drug master CSV (UTF-8). The same N, S and date give\n"
	        "byte-identical files. Made-up data only: no real person is described.\n"
	        "--beds N gives a hospital of exactly N beds: wards 3A … 12B, then ICU, HCU, CCU, SCU, 救命救急,\n"
	        "緩和ケア, 回復期リハ, 地域包括ケア, 精神科, 結核, then 17A, 17B …; about 80% of beds are occupied,\n"
	        "and at most a quarter of the patients are in hospital, so give about four patients per bed\n"
	        "(a 1,000-bed hospital: --patients 20000 --beds 1000).",
	        "合成病院を作成します: 実際の頻度に近い漢字・カナ氏名の患者 (同姓・同姓同名も生じます)、病棟と入院\n"
	        "患者、アレルギー、処方、注射、検査結果、病名、入退院、予約を、SS-MIX2 標準化ストレージ "
	        "(ISO-2022-JP)、\n"
	        "FHIR NDJSON (JP Core)、予約 CSV (CP932)、医薬品マスタ CSV (UTF-8) として書き出します。同じ N・S・\n"
	        "基準日なら同一のファイルになります。架空のデータで、実在の人物は含みません。\n"
	        "--beds N でちょうど N 床の病院になります: 3A … 12B の後に ICU, HCU, CCU, SCU, 救命救急, 緩和ケア,\n"
	        "回復期リハ, 地域包括ケア, 精神科, 結核、さらに 17A, 17B … 。病床の約 8 割が埋まり、入院は患者の\n"
	        "最大 4 分の 1 までなので、1 床あたり約 4 人の患者を指定してください (1,000 床: --patients 20000\n"
	        "--beds 1000)。",
	        "  lifeboat synth --out /tmp/hospital --patients 1000 --seed 42\n"
	        "  lifeboat synth --out build/bench/h100k --patients 100000 --seed 1 --json\n"
	        "  lifeboat synth --out /tmp/h1000 --patients 20000 --beds 1000 --seed 11"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("synth takes no operands: '%s'", "synth に引数は不要です: '%s'"), argv[i]);
	if (!out)
		return cli_usage(L_("synth needs --out DIR", "synth には --out DIR が必要です"));
	char *end;
	uint64_t seed = strtoull(seed_s, &end, 0);
	if (!*seed_s || *end)
		return cli_usage(L_("bad seed '%s' (want a number)", "シードが不正です: '%s' (数値)"), seed_s);
	if (force) {
		static const char *const outputs[] = {"ssmix2", "fhir", "appointments.csv", "drugs.csv"};
		for (size_t k = 0; k < LB_ARRAY_LEN(outputs); k++) {
			struct buf p = {0};
			lb_path_join(&p, out, outputs[k]);
			int rc = lb_exists(p.data) ? (k < 2 ? lb_rmtree(p.data) : (remove(p.data) ? -LB_EIO : 0)) : 0;
			buf_release(&p);
			if (rc < 0)
				return cli_error(rc);
		}
	}
	struct lb_progress prog = {.label = "synth"};
	struct ehr_synth_stats st = {0};
	struct ehr_synth_opts o = {.out_dir = out,
	                           .patients = patients,
	                           .beds = (int)beds,
	                           .seed = seed,
	                           .today = today,
	                           .progress = &prog,
	                           .stats = &st};
	int64_t t0 = lb_mono_ns();
	int rc = ehr_synth(&o);
	lb_progress_done(&prog);
	if (rc < 0)
		return cli_error(rc);
	int64_t ms = (lb_mono_ns() - t0) / 1000000;
	struct buf b = {0};
	if (json)
		summary_json(&b, &o, &st, ms);
	else
		summary_text(&b, &o, &st, ms);
	rc = cli_print(&b);
	buf_release(&b);
	return rc;
}
