/*
 * synth_names.c - the synthetic hospital's people and places: the PRNG, Japanese names at realistic frequencies,
 * birth dates, addresses, phones, departments and doctors.
 *
 * Surnames: the most common ones with their approximate share of the population (per 10,000; 鈴木, 望月, 杉山 and
 * 渡辺 raised as in Shizuoka, where the hospital is), plus a long tail of two-kanji names composed from common
 * parts (松 + 田 = 松田 マツダ), so that same-surname patients are frequent and same-full-name patients occur at
 * a rate close to life. Some patients carry the old or variant form of their surname (髙橋, 齋藤, 渡邊, 山﨑), as
 * registration systems hold them; 髙 and 﨑 exist only in CP932, which is what real SS-MIX2 feeds carry anyway.
 * Given names are drawn in synth_given.c.
 */
#include "synth_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- PRNG ---------------------------------------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void synth_rng_seed(struct synth_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t synth_next(struct synth_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t synth_below(struct synth_rng *r, uint32_t n)
{
	return (uint32_t)(((synth_next(r) >> 32) * (uint64_t)n) >> 32);
}

int synth_range(struct synth_rng *r, int lo, int hi)
{
	return lo + (int)synth_below(r, (uint32_t)(hi - lo + 1));
}

int synth_chance(struct synth_rng *r, double p)
{
	return (double)(synth_next(r) >> 11) * (1.0 / 9007199254740992.0) < p;
}

double synth_normal(struct synth_rng *r)
{
	double u1 = ((double)(synth_next(r) >> 11) + 1.0) * (1.0 / 9007199254740993.0);
	double u2 = (double)(synth_next(r) >> 11) * (1.0 / 9007199254740992.0);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

size_t synth_weighted(struct synth_rng *r, const uint32_t *w, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i];
	uint64_t x = (synth_next(r) >> 11) % total;
	for (size_t i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ---- names --------------------------------------------------------------------------------------------------- */

struct name_row {
	const char *kanji, *kana;
	uint32_t weight;
};

/* Per 10,000 people (rounded; regional skew of Shizuoka). */
static const struct name_row surnames[] = {
        {"鈴木", "スズキ", 300},  {"佐藤", "サトウ", 120},   {"渡辺", "ワタナベ", 120},  {"望月", "モチヅキ", 50},
        {"杉山", "スギヤマ", 50}, {"高橋", "タカハシ", 100}, {"田中", "タナカ", 95},     {"伊藤", "イトウ", 85},
        {"山本", "ヤマモト", 85}, {"中村", "ナカムラ", 80},  {"小林", "コバヤシ", 75},   {"加藤", "カトウ", 70},
        {"吉田", "ヨシダ", 65},   {"山田", "ヤマダ", 65},    {"佐々木", "ササキ", 45},   {"山口", "ヤマグチ", 50},
        {"松本", "マツモト", 50}, {"井上", "イノウエ", 48},  {"木村", "キムラ", 46},     {"林", "ハヤシ", 43},
        {"斎藤", "サイトウ", 43}, {"清水", "シミズ", 60},    {"山崎", "ヤマザキ", 38},   {"森", "モリ", 38},
        {"池田", "イケダ", 35},   {"橋本", "ハシモト", 35},  {"阿部", "アベ", 33},       {"石川", "イシカワ", 34},
        {"山下", "ヤマシタ", 33}, {"中島", "ナカジマ", 32},  {"石井", "イシイ", 31},     {"小川", "オガワ", 31},
        {"前田", "マエダ", 30},   {"岡田", "オカダ", 30},    {"長谷川", "ハセガワ", 30}, {"藤田", "フジタ", 30},
        {"後藤", "ゴトウ", 29},   {"近藤", "コンドウ", 29},  {"村上", "ムラカミ", 27},   {"遠藤", "エンドウ", 26},
        {"青木", "アオキ", 26},   {"坂本", "サカモト", 26},  {"斉藤", "サイトウ", 25},   {"福田", "フクダ", 25},
        {"太田", "オオタ", 25},   {"西村", "ニシムラ", 24},  {"藤井", "フジイ", 24},     {"金子", "カネコ", 23},
        {"岡本", "オカモト", 23}, {"藤原", "フジワラ", 23},  {"中野", "ナカノ", 22},     {"三浦", "ミウラ", 22},
        {"原田", "ハラダ", 22},   {"中川", "ナカガワ", 22},  {"松田", "マツダ", 22},     {"竹内", "タケウチ", 22},
        {"小野", "オノ", 21},     {"田村", "タムラ", 21},    {"中山", "ナカヤマ", 20},   {"和田", "ワダ", 20},
        {"石田", "イシダ", 20},   {"森田", "モリタ", 20},    {"上田", "ウエダ", 20},     {"原", "ハラ", 20},
        {"内田", "ウチダ", 20},   {"柴田", "シバタ", 19},    {"酒井", "サカイ", 19},     {"宮崎", "ミヤザキ", 19},
        {"横山", "ヨコヤマ", 19}, {"高木", "タカギ", 18},    {"安藤", "アンドウ", 18},   {"宮本", "ミヤモト", 18},
        {"大野", "オオノ", 18},   {"小島", "コジマ", 18},    {"工藤", "クドウ", 17},     {"谷口", "タニグチ", 17},
        {"今井", "イマイ", 17},   {"高田", "タカダ", 17},    {"丸山", "マルヤマ", 17},   {"増田", "マスダ", 16},
        {"村田", "ムラタ", 16},   {"大塚", "オオツカ", 16},  {"小山", "コヤマ", 16},     {"平野", "ヒラノ", 16},
        {"藤本", "フジモト", 15}, {"河野", "コウノ", 15},    {"上野", "ウエノ", 15},     {"野口", "ノグチ", 15},
        {"武田", "タケダ", 15},   {"松井", "マツイ", 15},    {"千葉", "チバ", 15},       {"岩崎", "イワサキ", 15},
        {"菅原", "スガワラ", 15}, {"木下", "キノシタ", 15},  {"久保", "クボ", 14},       {"佐野", "サノ", 20},
        {"野村", "ノムラ", 14},   {"松尾", "マツオ", 14},    {"市川", "イチカワ", 14},   {"菊地", "キクチ", 14},
        {"杉本", "スギモト", 14}, {"大石", "オオイシ", 25},  {"海野", "ウンノ", 12},     {"芹沢", "セリザワ", 10},
        {"長谷部", "ハセベ", 5},  {"東海林", "ショウジ", 3}, {"小鳥遊", "タカナシ", 1},  {"五十嵐", "イガラシ", 10},
};

/* Tail: prefix + suffix; the suffix's reading voices (rendaku) for some prefixes. */
static const struct {
	const char *kanji, *kana;
} tail_pre[] = {
        {"大", "オオ"},   {"小", "コ"},     {"上", "カミ"},   {"下", "シモ"}, {"中", "ナカ"}, {"西", "ニシ"},
        {"東", "ヒガシ"}, {"北", "キタ"},   {"南", "ミナミ"}, {"松", "マツ"}, {"竹", "タケ"}, {"梅", "ウメ"},
        {"杉", "スギ"},   {"柳", "ヤナギ"}, {"石", "イシ"},   {"岩", "イワ"}, {"金", "カネ"}, {"川", "カワ"},
        {"山", "ヤマ"},   {"森", "モリ"},   {"高", "タカ"},   {"長", "ナガ"}, {"永", "ナガ"}, {"吉", "ヨシ"},
        {"福", "フク"},   {"宮", "ミヤ"},   {"岡", "オカ"},   {"浅", "アサ"}, {"深", "フカ"}, {"平", "ヒラ"},
        {"今", "イマ"},   {"古", "フル"},   {"新", "ニイ"},   {"白", "シラ"}, {"黒", "クロ"}, {"青", "アオ"},
        {"赤", "アカ"},   {"若", "ワカ"},   {"荒", "アラ"},   {"細", "ホソ"}, {"前", "マエ"}, {"桜", "サクラ"},
};
static const struct {
	const char *kanji, *kana, *voiced;
} tail_suf[] = {
        {"田", "タ", "ダ"},     {"川", "カワ", "ガワ"}, {"山", "ヤマ", "ヤマ"}, {"島", "シマ", "ジマ"},
        {"野", "ノ", "ノ"},     {"原", "ハラ", "ハラ"}, {"本", "モト", "モト"}, {"井", "イ", "イ"},
        {"村", "ムラ", "ムラ"}, {"沢", "サワ", "ザワ"}, {"谷", "タニ", "ダニ"}, {"口", "クチ", "グチ"},
        {"崎", "サキ", "ザキ"}, {"木", "キ", "ギ"},     {"橋", "ハシ", "バシ"}, {"池", "イケ", "イケ"},
        {"岡", "オカ", "オカ"}, {"尾", "オ", "オ"},     {"部", "ベ", "ベ"},     {"内", "ウチ", "ウチ"},
        {"浦", "ウラ", "ウラ"}, {"瀬", "セ", "ゼ"},     {"江", "エ", "エ"},     {"森", "モリ", "モリ"},
        {"辺", "ベ", "ベ"},     {"沼", "ヌマ", "ヌマ"}, {"坂", "サカ", "ザカ"}, {"林", "ハヤシ", "バヤシ"},
        {"倉", "クラ", "グラ"}, {"塚", "ツカ", "ヅカ"}, {"宮", "ミヤ", "ミヤ"}, {"城", "シロ", "ジロ"},
};

/* Old or variant forms: with probability per mille, the surname is registered in this form. quirk: CP932 only. */
static const struct {
	const char *from, *to;
	int per_mille, quirk;
} variants[] = {
        {"高橋", "髙橋", 40, 1}, {"高田", "髙田", 30, 1}, {"高木", "髙木", 30, 1},  {"斎藤", "齋藤", 120, 0},
        {"斎藤", "齊藤", 50, 0}, {"渡辺", "渡邊", 80, 0}, {"渡辺", "渡邉", 100, 0}, {"山崎", "山﨑", 60, 1},
        {"宮崎", "宮﨑", 50, 1}, {"岩崎", "岩﨑", 40, 1}, {"島田", "嶋田", 100, 0}, {"沢田", "澤田", 100, 0},
};

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src);
}

static void draw_surname(struct synth_rng *r, struct synth_person *p)
{
	static uint32_t total;
	if (!total)
		for (size_t i = 0; i < LB_ARRAY_LEN(surnames); i++)
			total += surnames[i].weight;
	uint32_t x = synth_below(r, 10000);
	if (x < total) {
		size_t i = 0;
		for (; i + 1 < LB_ARRAY_LEN(surnames) && x >= surnames[i].weight; i++)
			x -= surnames[i].weight;
		copy(p->family, sizeof(p->family), surnames[i].kanji);
		copy(p->family_kana, sizeof(p->family_kana), surnames[i].kana);
	} else {
		/* The tail is skewed too: low prefix and suffix indices are commoner. */
		size_t a = synth_chance(r, 0.5) ? synth_below(r, LB_ARRAY_LEN(tail_pre))
		                                : synth_below(r, synth_below(r, LB_ARRAY_LEN(tail_pre)) + 1);
		size_t b = synth_chance(r, 0.5) ? synth_below(r, LB_ARRAY_LEN(tail_suf))
		                                : synth_below(r, synth_below(r, LB_ARRAY_LEN(tail_suf)) + 1);
		if (!strcmp(tail_pre[a].kanji, tail_suf[b].kanji))
			b = (b + 1) % LB_ARRAY_LEN(tail_suf); /* 川川 and 森森 are no one's name */
		int voiced = ((a * 7 + b * 3) % 5) < 2;       /* fixed per name … */
		if (synth_chance(r, 0.03))                    /* … with a few families reading it the other way */
			voiced = !voiced;
		snprintf(p->family, sizeof(p->family), "%s%s", tail_pre[a].kanji, tail_suf[b].kanji);
		snprintf(p->family_kana, sizeof(p->family_kana), "%s%s", tail_pre[a].kana,
		         voiced ? tail_suf[b].voiced : tail_suf[b].kana);
	}
	for (size_t i = 0; i < LB_ARRAY_LEN(variants); i++) {
		if (strcmp(p->family, variants[i].from))
			continue;
		if (synth_below(r, 1000) < (uint32_t)variants[i].per_mille) {
			copy(p->family, sizeof(p->family), variants[i].to);
			p->quirk = variants[i].quirk;
			break;
		}
	}
}

/* ---- places -------------------------------------------------------------------------------------------------- */

static const struct city {
	const char *pref, *city, *postal, *area; /* postal prefix "420", area code */
	int local_digits;                        /* digits of the exchange part */
	uint32_t weight;
	const char *towns[6];
} cities[] = {
        {"静岡県", "静岡市葵区", "420", "054", 3, 30, {"駒形通", "西草深町", "安東", "城東町", "瀬名", "千代田"}},
        {"静岡県", "静岡市駿河区", "422", "054", 3, 30, {"登呂", "小鹿", "曲金", "中田", "八幡", "池田"}},
        {"静岡県", "静岡市清水区", "424", "054", 3, 15, {"江尻町", "入江", "草薙", "袖師町", "駒越", "三保"}},
        {"静岡県", "焼津市", "425", "054", 3, 8, {"本町", "小川", "大覚寺", "五ケ堀之内", "石津", "八楠"}},
        {"静岡県", "藤枝市", "426", "054", 3, 8, {"青木", "田沼", "瀬戸新屋", "前島", "岡出山", "水守"}},
        {"静岡県", "島田市", "427", "0547", 2, 4, {"本通", "稲荷", "中河町", "阿知ケ谷", "岸町", "旭"}},
        {"静岡県", "富士市", "416", "0545", 2, 3, {"吉原", "今泉", "松岡", "蓼原", "伝法", "永田町"}},
        {"静岡県", "浜松市中央区", "430", "053", 3, 3, {"鍛冶町", "伝馬町", "中央", "高林", "佐鳴台", "富塚町"}},
        {"東京都", "世田谷区", "154", "03", 4, 2, {"太子堂", "三軒茶屋", "池尻", "下馬", "野沢", "弦巻"}},
        {"神奈川県", "横浜市港北区", "222", "045", 3, 1, {"大倉山", "菊名", "篠原町", "日吉", "綱島西", "高田町"}},
        {"愛知県", "名古屋市中区", "460", "052", 3, 1, {"栄", "大須", "丸の内", "錦", "新栄", "金山"}},
        {"山梨県", "甲府市", "400", "055", 3, 1, {"丸の内", "中央", "北口", "朝日", "相生", "宝"}},
};

static void draw_phone(struct synth_rng *r, const struct city *c, char *out, size_t n)
{
	int local = c->local_digits == 4   ? synth_range(r, 3000, 6999)
	            : c->local_digits == 3 ? synth_range(r, 200, 999)
	                                   : synth_range(r, 20, 99);
	snprintf(out, n, "%s-%d-%04d", c->area, local, synth_range(r, 0, 9999));
}

void synth_address_draw(struct synth_rng *r, struct synth_person *p)
{
	uint32_t w[LB_ARRAY_LEN(cities)];
	for (size_t i = 0; i < LB_ARRAY_LEN(cities); i++)
		w[i] = cities[i].weight;
	const struct city *c = &cities[synth_weighted(r, w, LB_ARRAY_LEN(cities))];
	const char *town = c->towns[synth_below(r, 6)];
	int chome = synth_range(r, 1, 5), ban = synth_range(r, 1, 30), go = synth_range(r, 1, 25);
	copy(p->prefecture, sizeof(p->prefecture), c->pref);
	snprintf(p->postal, sizeof(p->postal), "%s-%04d", c->postal, synth_range(r, 1, 9999));
	if (synth_chance(r, 0.15))
		snprintf(p->address, sizeof(p->address), "%s%s%s%d丁目%d-%d ハイツ%s%d号室", c->pref, c->city, town,
		         chome, ban, go, town, synth_range(r, 101, 305));
	else
		snprintf(p->address, sizeof(p->address), "%s%s%s%d丁目%d-%d", c->pref, c->city, town, chome, ban, go);
	p->phone_home[0] = 0;
	int age = 2026 - p->by;
	if (synth_chance(r, age >= 60 ? 0.9 : age >= 30 ? 0.45 : 0.6))
		draw_phone(r, c, p->phone_home, sizeof(p->phone_home));
}

void synth_person_draw(struct synth_rng *r, int64_t today, struct synth_person *p)
{
	static const uint32_t age_w[] = {6, 4, 5, 7, 9, 12, 16, 22, 15, 4}; /* per decade of age 0-9 … 90-99 */
	memset(p, 0, sizeof(*p));
	p->sex = synth_chance(r, 0.52) ? 'F' : 'M';
	int decade = (int)synth_weighted(r, age_w, LB_ARRAY_LEN(age_w));
	int64_t age_days = (int64_t)decade * 3652 + synth_below(r, 3652);
	lb_civil_from_days(today - age_days - 1, &p->by, &p->bm, &p->bd);
	draw_surname(r, p);
	synth_given_draw(r, p);
	synth_address_draw(r, p);
	int age = decade * 10;
	if (age >= 15 && synth_chance(r, age >= 80 ? 0.35 : age >= 60 ? 0.75 : 0.97)) {
		static const char *const pre[] = {"090", "080", "070"};
		static const uint32_t prew[] = {60, 30, 10};
		snprintf(p->phone_mobile, sizeof(p->phone_mobile), "%s-%04d-%04d", pre[synth_weighted(r, prew, 3)],
		         synth_range(r, 1000, 9999), synth_range(r, 0, 9999));
	}
	if (!p->phone_home[0] && !p->phone_mobile[0])
		snprintf(p->phone_mobile, sizeof(p->phone_mobile), "090-%04d-%04d", synth_range(r, 1000, 9999),
		         synth_range(r, 0, 9999));
	static const char *const abo[] = {"A", "O", "B", "AB"};
	static const uint32_t abow[] = {40, 30, 20, 10};
	p->blood_abo = abo[synth_weighted(r, abow, 4)];
	p->blood_rh = synth_chance(r, 0.005) ? "-" : "+";
}

/* ---- departments and doctors --------------------------------------------------------------------------------- */

const struct synth_dept synth_depts[] = {
        {"01", "内科"},
        {"02", "循環器内科"},
        {"03", "呼吸器内科"},
        {"04", "消化器内科"},
        {"05", "糖尿病・内分泌内科"},
        {"06", "腎臓内科"},
        {"07", "脳神経内科"},
        {"10", "外科"},
        {"11", "整形外科"},
        {"12", "脳神経外科"},
        {"20", "小児科"},
        {"21", "産婦人科"},
        {"30", "眼科"},
        {"32", "皮膚科"},
        {"33", "泌尿器科"},
        {"40", "精神科"},
};
const size_t synth_dept_count = LB_ARRAY_LEN(synth_depts);

const struct synth_doctor synth_doctors[] = {
        {"D0101", "青山", "誠一", "アオヤマ", "セイイチ", 0}, {"D0102", "井口", "美香", "イグチ", "ミカ", 0},
        {"D0201", "宇佐美", "健", "ウサミ", "ケン", 1},       {"D0202", "江口", "直子", "エグチ", "ナオコ", 1},
        {"D0301", "大橋", "浩二", "オオハシ", "コウジ", 2},   {"D0302", "片山", "理恵", "カタヤマ", "リエ", 2},
        {"D0401", "北川", "雅之", "キタガワ", "マサユキ", 3}, {"D0402", "栗田", "由紀", "クリタ", "ユキ", 3},
        {"D0501", "小松", "聡子", "コマツ", "サトコ", 4},     {"D0502", "桜井", "一樹", "サクライ", "カズキ", 4},
        {"D0601", "篠原", "亮", "シノハラ", "リョウ", 5},     {"D0602", "須藤", "明子", "スドウ", "アキコ", 5},
        {"D0701", "関口", "大介", "セキグチ", "ダイスケ", 6}, {"D0702", "園田", "恵", "ソノダ", "メグミ", 6},
        {"D1001", "高野", "修平", "タカノ", "シュウヘイ", 7}, {"D1002", "千田", "紀子", "チダ", "ノリコ", 7},
        {"D1101", "土屋", "隆", "ツチヤ", "タカシ", 8},       {"D1102", "寺田", "奈々", "テラダ", "ナナ", 8},
        {"D1201", "富田", "康弘", "トミタ", "ヤスヒロ", 9},   {"D1202", "中西", "彩", "ナカニシ", "アヤ", 9},
        {"D2001", "西田", "陽介", "ニシダ", "ヨウスケ", 10},  {"D2002", "沼田", "春香", "ヌマタ", "ハルカ", 10},
        {"D2101", "根本", "由美", "ネモト", "ユミ", 11},      {"D2102", "野田", "圭", "ノダ", "ケイ", 11},
        {"D3001", "浜口", "俊", "ハマグチ", "シュン", 12},    {"D3201", "日高", "真理", "ヒダカ", "マリ", 13},
        {"D3301", "古川", "剛史", "フルカワ", "タケシ", 14},  {"D4001", "星野", "千尋", "ホシノ", "チヒロ", 15},
};
const size_t synth_doctor_count = LB_ARRAY_LEN(synth_doctors);

const struct synth_doctor *synth_doctor_of(struct synth_rng *r, int dept)
{
	const struct synth_doctor *d[4];
	size_t n = 0;
	for (size_t i = 0; i < synth_doctor_count && n < 4; i++)
		if (synth_doctors[i].dept == dept)
			d[n++] = &synth_doctors[i];
	return n ? d[synth_below(r, (uint32_t)n)] : &synth_doctors[0];
}
