/*
 * cmd_search.c - `lifeboat search`: find patients the way staff ask for them (name in kanji or any kana, ID,
 * birth date in any era form), ranked, each hit flagged when another patient shares the full name in the
 * hospital or the surname in the ward. Exit 1 when nothing matches.
 */
#include "cli.h"
#include "store/store.h"
#include "text/text.h"

#include <string.h>

static const char *sex_name(char sex)
{
	return sex == 'M' ? L_("M", "男") : sex == 'F' ? L_("F", "女") : sex == 'O' ? L_("O", "他") : "?";
}

int cmd_search(int argc, char **argv)
{
	const char *db = NULL;
	long limit = 50;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store", "臨床データストア"},
	        {LB_OPT_INT, 'n', "limit", &limit, "N", "at most N hits (default 50)", "最大件数 (既定 50)", 1, 10000},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print hits as JSON", "結果を JSON で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat search --db FILE [--limit N] [--json] QUERY…",
	        "Search patients. Words are IDs (exact, then prefix), names in kanji or kana (ｻﾄｳ, さとう, サトー all "
	        "find\n"
	        "サトウ; 髙橋 finds 高橋), or birth dates (1948-04-05, 19480405, S23.4.5, 昭和23年4月5日); all must "
	        "match.\n"
	        "Hits marked SAME NAME share the full name with another patient of the hospital; SAME SURNAME IN WARD "
	        "share\n"
	        "the surname with another inpatient of the same ward: confirm name and birth date with the patient.\n"
	        "Exit 1 when nothing matches.",
	        "患者を検索します。ID (完全一致、前方一致)、漢字またはカナの氏名 (ｻﾄｳ・さとう・サトー で サトウ、髙橋 "
	        "で\n"
	        "高橋 も見つかります)、生年月日 (1948-04-05, 19480405, S23.4.5, 昭和23年4月5日) "
	        "を空白で区切って指定し、\n"
	        "すべてに一致する患者を表示します。「同姓同名」は院内に同じ氏名の患者、「病棟内同姓」は同じ病棟に同じ姓"
	        "の\n"
	        "入院患者がいることを示します。氏名と生年月日を患者本人に確認してください。該当なしは終了コード 1。",
	        "  lifeboat search --db clinical.db ｻﾄｳ\n"
	        "  lifeboat search --db clinical.db 佐藤 S23.4.5\n"
	        "  lifeboat search --db clinical.db --json 000012"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db)
		return cli_usage(L_("search needs --db FILE", "search には --db FILE が必要です"));
	if (i >= argc)
		return cli_usage(L_("search needs QUERY", "search には検索語が必要です"));
	struct buf query = {0};
	for (; i < argc; i++)
		buf_addf(&query, "%s%s", query.len ? " " : "", argv[i]);
	struct store *s;
	int rc = store_open(&s, db, 0);
	if (rc < 0) {
		buf_release(&query);
		return cli_error(rc);
	}
	struct store_hits hits;
	rc = store_search(s, query.data, (size_t)limit, &hits);
	store_close(s);
	if (rc < 0) {
		buf_release(&query);
		return cli_error(rc);
	}
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "query", query.data);
		json_kv_bool(&w, "truncated", hits.truncated);
		json_key(&w, "hits");
		json_arr(&w);
		for (size_t k = 0; k < hits.n; k++) {
			const struct store_hit *h = &hits.v[k];
			char sex[2] = {h->sex, 0};
			json_obj(&w);
			json_kv_str(&w, "id", h->id);
			json_kv_str(&w, "family_kanji", h->family_kanji);
			json_kv_str(&w, "given_kanji", h->given_kanji);
			json_kv_str(&w, "family_kana", h->family_kana);
			json_kv_str(&w, "given_kana", h->given_kana);
			json_kv_str(&w, "birth_date", h->birth_date);
			json_kv_str(&w, "sex", sex);
			json_kv_str(&w, "ward", h->ward);
			json_kv_str(&w, "room", h->room);
			json_kv_str(&w, "bed", h->bed);
			json_kv_int(&w, "score", h->score);
			json_kv_str(&w, "match", h->match);
			json_kv_bool(&w, "same_full_name_in_hospital", h->same_full_name > 0);
			json_kv_int(&w, "same_full_name_count", h->same_full_name);
			json_kv_bool(&w, "same_surname_in_ward", h->same_surname_in_ward > 0);
			json_end(&w);
		}
		json_end(&w);
		json_end(&w);
	} else {
		for (size_t k = 0; k < hits.n; k++) {
			const struct store_hit *h = &hits.v[k];
			struct buf era = {0};
			int y, m, d;
			if (h->birth_date && text_parse_date(h->birth_date, &y, &m, &d) == 0)
				text_format_era(&era, y, m, d);
			buf_addf(&out, "%s%s  %s %s  (%s %s)  %s %s  %s", k ? "\n" : "", h->id,
			         h->family_kanji ? h->family_kanji : "", h->given_kanji ? h->given_kanji : "",
			         h->family_kana ? h->family_kana : "", h->given_kana ? h->given_kana : "",
			         h->birth_date ? h->birth_date : "-", buf_cstr(&era), sex_name(h->sex));
			if (h->ward)
				buf_addf(&out, "  %s %s-%s-%s", L_("ward", "病棟"), h->ward, h->room ? h->room : "",
				         h->bed ? h->bed : "");
			if (h->same_full_name)
				buf_addf(&out, "  [%s ×%d]", L_("SAME NAME", "同姓同名"), h->same_full_name + 1);
			if (h->same_surname_in_ward)
				buf_addf(&out, "  [%s]", L_("SAME SURNAME IN WARD", "病棟内同姓"));
			buf_release(&era);
		}
		if (hits.truncated)
			buf_addf(&out, "\n%s",
			         L_("… more hits: narrow the search (add a birth date)",
			            "… ほかにも該当あり: 生年月日などで絞り込んでください"));
	}
	int found = hits.n > 0;
	store_hits_release(&hits);
	buf_release(&query);
	int prc = out.len ? cli_print(&out) : 0;
	buf_release(&out);
	if (prc)
		return prc;
	if (!found && !json)
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\n",
		        L_("no patient matches", "該当する患者はいません"));
	return found ? LB_EXIT_OK : LB_EXIT_FINDING;
}
