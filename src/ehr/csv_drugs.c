/*
 * csv_drugs.c - the drug master feed (drugs.csv, docs/feeds.md): one product a row, the pharmacist's columns
 * (maximum daily dose, strength, dosing period, 併用禁忌 groups, 薬効分類, ハイリスク, 名称類似, mg/kg, 高齢者) read
 * with csv.c's reader; an unreadable value is a warning naming its line and is read as absent, never guessed.
 */
#include "csv_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- drug master --------------------------------------------------------------------------------------------- */

enum {
	D_CODE,
	D_NAME,
	D_GENERIC,
	D_KANA,
	D_FORM,
	D_UNIT,
	D_MAX,
	D_PREG,
	D_INTER,
	D_ALLERGY,
	D_YJ,
	D_HOT,
	D_MIN_AGE,
	D_MAX_AGE,
	D_CONTRA,
	D_THERA,
	D_STRENGTH,
	D_PERIOD,
	D_NARROW,
	D_HIGH,
	D_CONFUSE,
	D_PER_KG,
	D_ELDERLY,
	D_COUNT
};

/* A number as masters write it: "180", "1,500", "１８０", "2.5". Returns 0 and *v, or -1. */
static int parse_amount(const char *s, double *v)
{
	char tmp[64];
	size_t k = 0;
	while (*s && k + 1 < sizeof(tmp)) {
		const unsigned char *u = (const unsigned char *)s;
		if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
			tmp[k++] = (char)('0' + u[2] - 0x90);
			s += 3;
		} else if (u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x8E) {
			tmp[k++] = '.';
			s += 3;
		} else if (*s == ',') {
			s++;
		} else {
			tmp[k++] = *s++;
		}
	}
	tmp[k] = 0;
	char *end;
	*v = strtod(tmp, &end);
	return k && !*end && *v >= 0 && *v < 1e9 ? 0 : -1;
}

/* Match one of words at *p (ASCII compared without case); advance past it. */
static int word_at(const char **p, const char *const *words)
{
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);
		if (!strncasecmp(*p, words[i], n)) {
			*p += n;
			return 1;
		}
	}
	return 0;
}

#define AGE_MAX_MONTHS (150 * 12)

int ehr_age_limit_parse(const char *s, int upper, int *months)
{
	static const char *const years[] = {"歳", "才", "years", "year", "yrs", "yr", "y", NULL};
	static const char *const mons[] = {"か月",   "ヶ月",  "ヵ月", "カ月", "ケ月", "箇月",
	                                   "months", "month", "mo",   "m",    NULL};
	static const char *const under[] = {"未満", NULL}, *const incl[] = {"以上", "以下", NULL};
	const char *p = s;
	int total = 0, last = 0, parts = 0, exclusive = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (parts && word_at(&p, under)) {
			exclusive = 1;
			continue;
		}
		if (parts && word_at(&p, incl))
			continue;
		int n = 0, digits = 0;
		for (;;) {
			const unsigned char *u = (const unsigned char *)p;
			if (*p >= '0' && *p <= '9')
				n = n * 10 + (*p++ - '0');
			else if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99)
				n = n * 10 + (u[2] - 0x90), p += 3;
			else
				break;
			if (++digits > 4)
				return -1;
		}
		if (!digits)
			return -1;
		while (*p == ' ')
			p++;
		int unit = word_at(&p, years) ? 12 : word_at(&p, mons) ? 1 : 0;
		if (!unit) {
			if (parts)
				return -1; /* "1歳6": the unit of the 6 is anyone's guess */
			unit = 12;
		}
		if (parts && unit >= last)
			return -1; /* years, then months */
		total += n * unit;
		last = unit;
		parts++;
		if (total > AGE_MAX_MONTHS)
			return -1;
	}
	if (!parts || (exclusive && !upper))
		return -1;
	if (upper && !exclusive)
		total += last;
	if (upper && total == 0)
		return -1; /* under 0 months: nobody */
	*months = total;
	return 0;
}

/* A yes/no column as masters write it: 1, yes, y, true, ○, ●, はい, 該当, 有 → 1; 0, no, n, false, ×, いいえ,
 * 無, - → 0; anything else -1. */
static int flag_parse(const char *s)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "○", "●", "◯", "はい", "該当", "有", "あり", "１"};
	static const char *const no[] = {"0", "no", "n", "false", "×", "いいえ", "無", "なし", "-", "０"};
	for (size_t i = 0; i < LB_ARRAY_LEN(yes); i++)
		if (!strcasecmp(s, yes[i]))
			return 1;
	for (size_t i = 0; i < LB_ARRAY_LEN(no); i++)
		if (!strcasecmp(s, no[i]))
			return 0;
	return -1;
}

/* A dosing period in days: 1日 / 毎日 / daily / 1 → 1; 週1回 / 1週 / weekly / 7 → 7; 2週 → 14; 4週 / 月1回 → 28;
 * a plain number of days. -1 when unreadable. */
static int period_parse(const char *s)
{
	static const struct {
		const char *text;
		int days;
	} words[] = {
	        {"daily", 1},   {"day", 1},   {"毎日", 1}, {"1日", 1},     {"1日1回", 1}, {"weekly", 7},
	        {"week", 7},    {"週1回", 7}, {"毎週", 7}, {"1週", 7},     {"週", 7},     {"2週", 14},
	        {"2週1回", 14}, {"隔週", 14}, {"4週", 28}, {"4週1回", 28}, {"月1回", 28}, {"monthly", 28},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(words); i++)
		if (!strcasecmp(s, words[i].text))
			return words[i].days;
	double v;
	if (parse_amount(s, &v) == 0 && v >= 1 && v <= 366 && v == (int)v)
		return (int)v;
	return -1;
}

int ehr_drugs_read(const char *path, const struct ehr_sink *sink)
{
	struct column cols[D_COUNT] = {
	        [D_CODE] = {"code|drug_code|薬品コード|コード", 1},
	        [D_NAME] = {"name|drug_name|薬品名|商品名|販売名", 1},
	        [D_GENERIC] = {"generic_name|generic|一般名|成分名"},
	        [D_KANA] = {"kana|薬品名カナ|カナ|ヨミ"},
	        [D_FORM] = {"form|剤形"},
	        [D_UNIT] = {"unit|単位"},
	        [D_MAX] = {"max_daily_dose|max_daily|1日最大量|一日最大量|極量"},
	        [D_PREG] = {"pregnancy|妊婦|妊娠"},
	        [D_INTER] = {"interaction_group|interaction_groups|相互作用グループ|相互作用"},
	        [D_ALLERGY] = {"allergy_class|allergy_classes|アレルギー分類|アレルギー"},
	        [D_YJ] = {"yj_code|yjコード|yj"},
	        [D_HOT] = {"hot_code|hotコード|hot9|hot"},
	        [D_MIN_AGE] = {"min_age|年齢下限|下限年齢|最低年齢"},
	        [D_MAX_AGE] = {"max_age|年齢上限|上限年齢|最高年齢"},
	        [D_CONTRA] = {"contraindicated_group|contraindicated_groups|併用禁忌グループ|併用禁忌"},
	        [D_THERA] = {"therapeutic_class|薬効分類番号|薬効分類|薬効"},
	        [D_STRENGTH] = {"strength|含量・規格単位|含量規格|規格単位|含量|規格"},
	        [D_PERIOD] = {"dosing_period|投与間隔|投与周期|服用間隔"},
	        [D_NARROW] = {"narrow_therapeutic|nti|治療域狭小|有効域狭小|安全域狭小"},
	        [D_HIGH] = {"high_alert|high_risk|ハイリスク薬|ハイリスク"},
	        [D_CONFUSE] = {"confusable|confusable_names|名称類似|類似名称|名称類似薬"},
	        [D_PER_KG] = {"max_per_kg_day|max_daily_per_kg|体重あたり1日最大量|小児1日最大量|小児最大量"},
	        [D_ELDERLY] = {"elderly|高齢者注意|高齢者"},
	};
	struct ehr_source src = {.path = path, .kind = "drugs"};
	struct buf text = {0};
	struct csv c;
	int rc = csv_feed_open(path, &text, &c, cols, D_COUNT, sink, &src);
	while (rc == 0 && csv_next(&c)) {
		if (!csv_record_ok(&c, sink, &src))
			continue;
		struct ehr_drug d = {0};
		d.code = csv_nonempty(csv_col(&c, &cols[D_CODE]));
		d.name = csv_nonempty(csv_col(&c, &cols[D_NAME]));
		if (!d.code || !d.name) {
			csv_warn_tr(sink, &src, EHR_WARN_PARSE, "drug without %s: row skipped",
			            "%sのない薬品: 行を読み飛ばしました",
			            d.code ? L_("name", "薬品名") : L_("code", "薬品コード"));
			continue;
		}
		d.generic_name = csv_nonempty(csv_col(&c, &cols[D_GENERIC]));
		d.kana = csv_nonempty(csv_col(&c, &cols[D_KANA]));
		d.form = csv_nonempty(csv_col(&c, &cols[D_FORM]));
		d.unit = csv_nonempty(csv_col(&c, &cols[D_UNIT]));
		const char *max = csv_nonempty(csv_col(&c, &cols[D_MAX]));
		if (max && parse_amount(max, &d.max_daily_dose) < 0) {
			csv_warn_tr(sink, &src, EHR_WARN_PARSE,
			            "max_daily_dose '%s' of '%s' is not a number: no maximum kept",
			            "1日最大量 '%s' ('%s') は数ではありません: 最大量なしとして読みました", max,
			            d.code);
			d.max_daily_dose = 0;
		}
		d.pregnancy = csv_nonempty(csv_col(&c, &cols[D_PREG]));
		d.interaction_groups = csv_nonempty(csv_col(&c, &cols[D_INTER]));
		d.allergy_classes = csv_nonempty(csv_col(&c, &cols[D_ALLERGY]));
		d.yj_code = csv_nonempty(csv_col(&c, &cols[D_YJ]));
		d.hot_code = csv_nonempty(csv_col(&c, &cols[D_HOT]));
		for (int k = D_MIN_AGE; k <= D_MAX_AGE; k++) {
			const char *age = csv_nonempty(csv_col(&c, &cols[k]));
			int *months = k == D_MIN_AGE ? &d.age_min_months : &d.age_below_months;
			if (age && ehr_age_limit_parse(age, k == D_MAX_AGE, months) < 0) {
				csv_warn_tr(sink, &src, EHR_WARN_PARSE,
				            "%s '%s' of '%s' is not an age (15, 15歳, 6か月, 1歳6か月): no limit kept",
				            "%s '%s' ('%s') は年齢ではありません (15, 15歳, 6か月, 1歳6か月): "
				            "制限なしとして"
				            "読みました",
				            k == D_MIN_AGE ? L_("min_age", "年齢下限") : L_("max_age", "年齢上限"), age,
				            d.code);
				*months = 0;
			}
		}
		d.contraindicated_groups = csv_nonempty(csv_col(&c, &cols[D_CONTRA]));
		d.therapeutic_class = csv_nonempty(csv_col(&c, &cols[D_THERA]));
		d.strength = csv_nonempty(csv_col(&c, &cols[D_STRENGTH]));
		d.confusable = csv_nonempty(csv_col(&c, &cols[D_CONFUSE]));
		d.elderly = csv_nonempty(csv_col(&c, &cols[D_ELDERLY]));
		const char *period = csv_nonempty(csv_col(&c, &cols[D_PERIOD]));
		if (period && (d.period_days = period_parse(period)) < 0) {
			csv_warn_tr(
			        sink, &src, EHR_WARN_PARSE,
			        "dosing_period '%s' of '%s' is not a period (1日, 週1回, 4週, 7): read as daily",
			        "投与間隔 '%s' ('%s') は間隔ではありません (1日, 週1回, 4週, 7): 毎日として読みました",
			        period, d.code);
			d.period_days = 0;
		}
		for (int k = D_NARROW; k <= D_HIGH; k++) {
			const char *f = csv_nonempty(csv_col(&c, &cols[k]));
			int v = f ? flag_parse(f) : 0;
			if (v < 0) {
				csv_warn_tr(sink, &src, EHR_WARN_PARSE,
				            "%s '%s' of '%s' is not yes or no (1, 0, ○, はい): read as no",
				            "%s '%s' ('%s') は はい・いいえ ではありません (1, 0, ○, はい): "
				            "いいえとして読みました",
				            k == D_NARROW ? L_("narrow_therapeutic", "治療域狭小")
				                          : L_("high_alert", "ハイリスク薬"),
				            f, d.code);
				v = 0;
			}
			*(k == D_NARROW ? &d.narrow_therapeutic : &d.high_alert) = v;
		}
		const char *per_kg = csv_nonempty(csv_col(&c, &cols[D_PER_KG]));
		if (per_kg && parse_amount(per_kg, &d.max_per_kg_day) < 0) {
			csv_warn_tr(sink, &src, EHR_WARN_PARSE,
			            "max_per_kg_day '%s' of '%s' is not a number: no maximum kept",
			            "体重あたり1日最大量 '%s' ('%s') は数ではありません: 最大量なしとして読みました",
			            per_kg, d.code);
			d.max_per_kg_day = 0;
		}
		if (d.age_below_months && d.age_below_months <= d.age_min_months) {
			csv_warn_tr(sink, &src, EHR_WARN_PARSE,
			            "max_age of '%s' is below its min_age: no age limit kept",
			            "'%s' の年齢上限が年齢下限より下です: 年齢制限なしとして読みました", d.code);
			d.age_min_months = d.age_below_months = 0;
		}
		if (sink->drug && (rc = sink->drug(sink->ctx, &src, &d)) < 0)
			break;
		rc = 0;
	}
	buf_release(&text);
	buf_release(&c.store);
	return rc;
}
