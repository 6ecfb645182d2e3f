/*
 * cmd_rx_search.c - `lifeboat rx search`: the drug master from three characters (kana of any width or script,
 * kanji, brand or generic, code); a brand with its generics and back, ハイリスク薬 and 名称類似 marked.
 */
#include "cli_rx.h"

#include <stdio.h>
#include <string.h>

void cli_rx_drug_json(struct json_w *w, const struct ehr_drug *d)
{
	json_kv_str(w, "code", d->code);
	json_kv_str(w, "name", d->name);
	json_kv_str(w, "generic_name", d->generic_name);
	json_kv_str(w, "kana", d->kana);
	json_kv_str(w, "form", d->form);
	json_kv_str(w, "unit", d->unit);
	json_key(w, "max_daily_dose");
	if (d->max_daily_dose > 0)
		json_double(w, d->max_daily_dose);
	else
		json_null_value(w);
	json_kv_str(w, "pregnancy", d->pregnancy);
	json_kv_str(w, "interaction_groups", d->interaction_groups);
	json_kv_str(w, "allergy_classes", d->allergy_classes);
	json_kv_str(w, "yj_code", d->yj_code);
	json_kv_str(w, "hot_code", d->hot_code);
	json_kv_bool(w, "high_alert", d->high_alert);
	json_kv_str(w, "confusable", d->confusable);
	/* age limits in months: the lowest allowed age, and the first age no longer allowed (null: no limit) */
	json_key(w, "min_age_months");
	if (d->age_min_months > 0)
		json_int(w, d->age_min_months);
	else
		json_null_value(w);
	json_key(w, "below_age_months");
	if (d->age_below_months > 0)
		json_int(w, d->age_below_months);
	else
		json_null_value(w);
}

/* "15歳以上" / "15 years and older", "12歳未満" / "under 12 years" (nothing when the drug has no age limit). */
static void age_limits_text(struct buf *b, const struct ehr_drug *d)
{
	int ja = lb_lang() == LB_LANG_JA;
	if (d->age_min_months) {
		buf_adds(b, "  ");
		rx_age_text(b, d->age_min_months, ja);
		buf_adds(b, ja ? "以上" : " and older");
	}
	if (d->age_below_months) {
		buf_adds(b, ja ? "  " : "  under ");
		rx_age_text(b, d->age_below_months, ja);
		if (ja)
			buf_adds(b, "未満");
	}
}

int cmd_rx_search(int argc, char **argv)
{
	const char *db = NULL;
	int json = 0, code;
	long limit = 50;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_INT, 'n', "limit", &limit, "N", "at most N drugs (default 50)", "最大件数 (既定 50)", 1, 1000},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "JSON: hits with their same-ingredient products",
	         "JSON 出力 (同成分の製品つき)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat rx search --db FILE [--limit N] [--json] TEXT",
	        "Find drugs of the master from three characters: kana in any width or script (ｱﾓｷ, あもき, アモキ),\n"
	        "kanji, brand or generic name, or a code (local, YJ, HOT). Each drug is shown with the other products "
	        "of\n"
	        "its ingredient: a brand with its generics, a generic with its brand. Exit 1 when nothing matches.",
	        "薬品マスタを 3 文字から検索します: カナ (半角・全角・ひらがな可: ｱﾓｷ, あもき, アモキ)、漢字、\n"
	        "商品名・一般名、コード (院内, YJ, HOT)。各薬品に同じ成分の製品 (先発品なら後発品、後発品なら先発品) "
	        "を\n"
	        "添えて表示します。該当なしは終了コード 1。",
	        "  lifeboat rx search --db store.db ﾛｷｿ\n"
	        "  lifeboat rx search --db store.db あもき\n"
	        "  lifeboat rx search --db store.db --json ワルファ"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db)
		return cli_usage(L_("rx search needs --db FILE", "rx search には --db FILE が必要です"));
	if (i >= argc)
		return cli_usage(L_("rx search needs TEXT (three characters or more)",
		                    "rx search には検索文字列 (3 文字以上) が必要です"));
	struct buf text = {0};
	for (int k = i; k < argc; k++)
		buf_addf(&text, "%s%s", k > i ? " " : "", argv[k]);
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0) {
		buf_release(&text);
		return cli_error(rc);
	}
	struct rx_hits h;
	rc = rx_search(s, text.data, (size_t)limit, &h);
	buf_release(&text);
	if (rc < 0) {
		store_close(s);
		return cli_error(rc);
	}
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_bool(&w, "truncated", h.truncated);
		json_key(&w, "drugs");
		json_arr(&w);
		for (size_t k = 0; k < h.n; k++) {
			json_obj(&w);
			cli_rx_drug_json(&w, &h.v[k].drug);
			json_kv_str(&w, "match", h.v[k].match);
			json_kv_bool(&w, "generic_product", h.v[k].generic_product);
			json_key(&w, "same_ingredient");
			json_arr(&w);
			for (size_t j = 0; j < h.v[k].nsame; j++) {
				json_obj(&w);
				json_kv_str(&w, "code", h.v[k].same[j].code);
				json_kv_str(&w, "name", h.v[k].same[j].name);
				json_kv_bool(&w, "generic_product", rx_is_generic_product(h.v[k].same[j].name));
				json_end(&w);
			}
			json_end(&w);
			json_end(&w);
		}
		json_end(&w);
		json_end(&w);
	} else {
		for (size_t k = 0; k < h.n; k++) {
			const struct ehr_drug *d = &h.v[k].drug;
			buf_addf(&out, "%s%s  %s  [%s]  %s", k ? "\n" : "", d->code, d->name,
			         h.v[k].generic_product ? L_("generic", "後発品") : L_("brand", "先発品"),
			         d->generic_name ? d->generic_name : "");
			if (d->high_alert)
				buf_addf(&out, "  [%s]", RX_HIGH_ALERT_WORD(lb_lang() == LB_LANG_JA));
			if (d->max_daily_dose > 0)
				buf_addf(&out, "  %s %g%s", L_("max/day", "1日最大"), d->max_daily_dose,
				         d->unit ? d->unit : "");
			age_limits_text(&out, d);
			for (size_t j = 0; j < h.n; j++) {
				char other[256];
				if (j != k && rx_confusable_entry(d, &h.v[j].drug, other, sizeof(other)))
					buf_addf(&out, "\n    !! %s %s", L_("look-alike name:", "名称類似:"), other);
			}
			if (d->confusable && *d->confusable)
				buf_addf(&out, "\n    !! %s %s", L_("look-alike names (master):", "名称類似 (マスタ):"),
				         d->confusable);
			for (size_t j = 0; j < h.v[k].nsame; j++)
				buf_addf(&out, "\n    %s %s  %s", L_("same ingredient:", "同成分:"),
				         h.v[k].same[j].code, h.v[k].same[j].name);
		}
		if (h.truncated)
			buf_addf(&out, "\n%s",
			         L_("… more drugs match: type more characters",
			            "… ほかにも該当あり: 文字を追加してください"));
	}
	int found = h.n > 0;
	rx_hits_release(&h);
	store_close(s);
	int prc = out.len ? cli_print(&out) : 0;
	buf_release(&out);
	if (prc)
		return prc;
	if (!found && !json)
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\n",
		        L_("no drug matches", "該当する薬品はありません"));
	return found ? LB_EXIT_OK : LB_EXIT_FINDING;
}
