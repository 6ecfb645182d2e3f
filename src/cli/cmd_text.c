/*
 * cmd_text.c - `lifeboat text`: look at Japanese text the way lifeboat reads it.
 *
 *   text decode [--from ENC] [--json] [FILE…]   ISO-2022-JP (SS-MIX2), CP932 or EUC-JP to UTF-8, with every byte
 *                                              that could not be mapped reported (exit 1 when there is one)
 *   text encode --to ENC [FILE]                 UTF-8 to ISO-2022-JP or CP932 (test files, feeds for other systems)
 *   text key [--json] TEXT…                     the search key a name folds to (why does ｻﾄｳ find サトウ?)
 *   text date [--json] TEXT…                    a date as staff type it (S23.4.5, 昭和23年4月5日) in ISO form
 */
#include "cli.h"
#include "text/text.h"

#include <string.h>
#include <unistd.h>

#define TEXT_FILE_MAX (256u << 20)

static const char *bad_kind_name(int kind)
{
	switch (kind) {
	case TEXT_BAD_UNMAPPED:
		return "unmapped";
	case TEXT_BAD_ESCAPE:
		return "bad-escape";
	case TEXT_BAD_TRUNCATED:
		return "truncated";
	default:
		return "8bit";
	}
}

static void hex_bytes(struct buf *b, const struct text_bad *bad)
{
	for (int i = 0; i < bad->len; i++)
		buf_addf(b, "%s%02x", i ? " " : "", bad->bytes[i]);
}

static int decode_one(const char *path, const char *from, int json, int *found)
{
	struct buf in = {0}, out = {0};
	int rc = path ? buf_read_file(&in, path, TEXT_FILE_MAX) : buf_read_fd(&in, 0, TEXT_FILE_MAX);
	const char *name = path ? path : "-";
	if (rc < 0)
		goto done;
	enum text_encoding enc;
	if (from) {
		if ((rc = text_encoding_parse(from, &enc)) < 0)
			goto done;
	} else {
		enc = text_guess_encoding(in.data ? in.data : "", in.len);
	}
	struct text_report rep = {0};
	text_decode(enc, &out, buf_cstr(&in), in.len, &rep);
	if (rep.bad_count)
		*found = 1;
	if (json) {
		struct buf j = {0};
		struct json_w w = {.out = &j};
		json_obj(&w);
		json_kv_str(&w, "file", name);
		json_kv_str(&w, "encoding", text_encoding_name(enc));
		json_kv_int(&w, "bytes", (int64_t)in.len);
		json_kv_int(&w, "unmapped", (int64_t)rep.bad_count);
		json_kv_int(&w, "nonstandard", (int64_t)rep.nonstandard);
		json_key(&w, "bad");
		json_arr(&w);
		for (size_t i = 0; i < rep.bad_count && i < TEXT_REPORT_KEEP; i++) {
			struct buf hx = {0};
			hex_bytes(&hx, &rep.bad[i]);
			json_obj(&w);
			json_kv_int(&w, "offset", (int64_t)rep.bad[i].offset);
			json_kv_str(&w, "bytes", buf_cstr(&hx));
			json_kv_str(&w, "kind", bad_kind_name(rep.bad[i].kind));
			json_end(&w);
			buf_release(&hx);
		}
		json_end(&w);
		json_key(&w, "text");
		json_strn(&w, buf_cstr(&out), out.len);
		json_end(&w);
		rc = cli_print(&j) ? -LB_EIO : 0;
		buf_release(&j);
	} else {
		if (fwrite(buf_cstr(&out), 1, out.len, stdout) != out.len)
			rc = lb_error_tr(LB_EIO, "cannot write output", "出力を書き込めません");
		for (size_t i = 0; i < rep.bad_count && i < TEXT_REPORT_KEEP; i++) {
			struct buf hx = {0};
			hex_bytes(&hx, &rep.bad[i]);
			fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s: %s %zu: %s (%s)\n", name,
			        L_("byte", "バイト位置"), rep.bad[i].offset, buf_cstr(&hx),
			        bad_kind_name(rep.bad[i].kind));
			buf_release(&hx);
		}
		if (rep.bad_count)
			fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s: %s\n", name,
			        L_("some bytes could not be mapped (shown as U+FFFD; the file is unchanged)",
			           "変換できない箇所があります (U+FFFD に置換、原本は変更していません)"));
		if (rep.bad_count > TEXT_REPORT_KEEP)
			fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s: %zu %s\n", name,
			        rep.bad_count - TEXT_REPORT_KEEP, L_("more not listed", "件は省略"));
	}
done:
	buf_release(&in);
	buf_release(&out);
	return rc;
}

static int text_decode_cmd(int argc, char **argv)
{
	const char *from = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 'f', "from", &from, "ENC",
	         "source encoding: iso-2022-jp, cp932, euc-jp, utf-8 (default: guess)",
	         "元の文字コード: iso-2022-jp, cp932, euc-jp, utf-8 (既定: 推定)"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "one JSON object per file, with the text and every unmapped byte",
	         "ファイルごとに JSON (本文と変換できなかったバイト)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat text decode [--from ENC] [--json] [FILE…]",
	        "Decode files to UTF-8 on stdout (standard input without FILE). SS-MIX2 files are ISO-2022-JP; CP932\n"
	        "extensions that real feeds carry (①, ㈱, 髙, ～) are decoded and counted as nonstandard. Bytes that "
	        "cannot\n"
	        "be mapped are shown as U+FFFD and listed on stderr with their offsets; the exit code is then 1.",
	        "ファイルを UTF-8 に変換して標準出力へ (FILE なしは標準入力)。SS-MIX2 は ISO-2022-JP "
	        "です。実際の出力に\n"
	        "含まれる CP932 拡張 (①, ㈱, 髙, ～) も変換し、標準外として数えます。変換できないバイトは U+FFFD と\n"
	        "して表示し、位置を標準エラーに列挙して終了コード 1 を返します。",
	        "  lifeboat text decode ssmix2/000/000/0000001/-/ADT-00/0000001_-_ADT-00_*\n"
	        "  lifeboat text decode --from cp932 --json patients.csv"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	int found = 0;
	if (i >= argc) {
		int rc = decode_one(NULL, from, json, &found);
		if (rc < 0)
			return cli_error(rc);
	}
	for (; i < argc; i++) {
		int rc = decode_one(argv[i], from, json, &found);
		if (rc < 0)
			return cli_error(rc);
	}
	return found ? LB_EXIT_FINDING : LB_EXIT_OK;
}

static int text_encode_cmd(int argc, char **argv)
{
	const char *to = NULL;
	int code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 't', "to", &to, "ENC", "target encoding: iso-2022-jp or cp932",
	         "変換先: iso-2022-jp または cp932"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat text encode --to ENC [FILE]",
	        "Encode UTF-8 (FILE or standard input) to ISO-2022-JP as SS-MIX2 writes it, or to CP932. Half-width\n"
	        "katakana becomes full-width in ISO-2022-JP. Characters with no code become 〓 (ISO-2022-JP) or ? "
	        "(CP932)\n"
	        "and the exit code is 1.",
	        "UTF-8 を SS-MIX2 と同じ ISO-2022-JP、または CP932 に変換します。ISO-2022-JP "
	        "では半角カナを全角にします。\n"
	        "変換できない文字は 〓 (ISO-2022-JP) または ? (CP932) になり、終了コード 1 を返します。",
	        "  echo '佐藤 花子^サトウ ハナコ' | lifeboat text encode --to iso-2022-jp > name.hl7"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!to)
		return cli_usage(L_("text encode needs --to ENC", "text encode には --to ENC が必要です"));
	enum text_encoding enc;
	int rc = text_encoding_parse(to, &enc);
	if (rc < 0)
		return cli_error(rc);
	if (enc != TEXT_ENC_ISO2022JP && enc != TEXT_ENC_CP932)
		return cli_usage(L_("text encode writes iso-2022-jp or cp932",
		                    "text encode の変換先は iso-2022-jp か cp932 です"));
	if (argc - i > 1)
		return cli_usage(L_("text encode takes one FILE", "text encode のファイルは 1 つです"));
	struct buf in = {0}, out = {0};
	rc = i < argc ? buf_read_file(&in, argv[i], TEXT_FILE_MAX) : buf_read_fd(&in, 0, TEXT_FILE_MAX);
	if (rc < 0) {
		buf_release(&in);
		return cli_error(rc);
	}
	size_t bad = enc == TEXT_ENC_ISO2022JP ? text_encode_iso2022jp(&out, buf_cstr(&in), in.len)
	                                       : text_encode_cp932(&out, buf_cstr(&in), in.len);
	if (fwrite(buf_cstr(&out), 1, out.len, stdout) != out.len)
		rc = lb_error_tr(LB_EIO, "cannot write output", "出力を書き込めません");
	buf_release(&in);
	buf_release(&out);
	if (rc < 0)
		return cli_error(rc);
	if (bad) {
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %zu %s\n", bad,
		        L_("characters have no code in the target encoding", "文字は変換先に存在しません"));
		return LB_EXIT_FINDING;
	}
	return LB_EXIT_OK;
}

static int text_key_cmd(int argc, char **argv)
{
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print JSON lines {text, key}", "JSON 行 {text, key} で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat text key [--json] TEXT…",
	        "Show the search key of each TEXT: what patient search compares. Width, hiragana/katakana, small "
	        "kana,\n"
	        "voiced marks, long vowels and common kanji variants (髙→高) fold away, so ｻﾄｳ, さとう, サトー meet.",
	        "各 TEXT の検索キー (患者検索が比較するもの) を表示します。全角/半角、ひらがな/カタカナ、小書き、\n"
	        "濁点、長音、よくある異体字 (髙→高) を同一視するので、ｻﾄｳ・さとう・サトー は一致します。",
	        "  lifeboat text key ｻﾄｳ さとう サトー 髙橋"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i >= argc)
		return cli_usage(L_("text key needs TEXT", "text key には TEXT が必要です"));
	struct buf out = {0};
	for (; i < argc; i++) {
		struct buf key = {0};
		text_search_key(&key, argv[i], strlen(argv[i]));
		if (json) {
			struct json_w w = {.out = &out};
			json_obj(&w);
			json_kv_str(&w, "text", argv[i]);
			json_kv_str(&w, "key", buf_cstr(&key));
			json_end(&w);
			buf_addch(&out, '\n');
		} else {
			buf_addf(&out, "%s\t%s\n", argv[i], buf_cstr(&key));
		}
		buf_release(&key);
	}
	buf_truncate(&out, out.len - 1);
	int rc = cli_print(&out);
	buf_release(&out);
	return rc;
}

static int text_date_cmd(int argc, char **argv)
{
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print JSON lines {text, date, era}",
	         "JSON 行 {text, date, era} で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat text date [--json] TEXT…",
	        "Read each TEXT as a date the way patient search does: 1948-04-05, 19480405, 1948/4/5, S23.4.5, "
	        "s230405,\n"
	        "昭和23年4月5日, 昭和元年12月25日. Prints the ISO date and the era form; exit 2 if one is not a date.",
	        "各 TEXT を患者検索と同じ規則で日付として読みます: 1948-04-05, 19480405, 1948/4/5, S23.4.5, s230405,\n"
	        "昭和23年4月5日, 昭和元年12月25日。ISO 形式と和暦を表示し、日付でないものがあれば終了コード 2 です。",
	        "  lifeboat text date S23.4.5 昭和23年4月5日 19480405"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i >= argc)
		return cli_usage(L_("text date needs TEXT", "text date には TEXT が必要です"));
	struct buf out = {0};
	for (; i < argc; i++) {
		int y, m, d;
		int rc = text_parse_date(argv[i], &y, &m, &d);
		if (rc < 0) {
			buf_release(&out);
			return cli_error(rc);
		}
		struct buf era = {0}, iso = {0};
		text_format_era(&era, y, m, d);
		buf_addf(&iso, "%04d-%02d-%02d", y, m, d);
		if (json) {
			struct json_w w = {.out = &out};
			json_obj(&w);
			json_kv_str(&w, "text", argv[i]);
			json_kv_str(&w, "date", buf_cstr(&iso));
			json_kv_str(&w, "era", buf_cstr(&era));
			json_end(&w);
			buf_addch(&out, '\n');
		} else {
			buf_addf(&out, "%s\t%s\t%s\n", argv[i], buf_cstr(&iso), buf_cstr(&era));
		}
		buf_release(&era);
		buf_release(&iso);
	}
	buf_truncate(&out, out.len - 1);
	int rc = cli_print(&out);
	buf_release(&out);
	return rc;
}

int cmd_text(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"decode", text_decode_cmd, "decode ISO-2022-JP / CP932 / EUC-JP to UTF-8, reporting unmapped bytes",
	         "ISO-2022-JP / CP932 / EUC-JP を UTF-8 に変換 (変換不能バイトを報告)"},
	        {"encode", text_encode_cmd, "encode UTF-8 to ISO-2022-JP or CP932",
	         "UTF-8 を ISO-2022-JP または CP932 に変換"},
	        {"key", text_key_cmd, "show the search key a name folds to", "名前の検索キーを表示"},
	        {"date", text_date_cmd, "read a date as typed (era forms too)", "入力された日付を読む (和暦も)"},
	        {0},
	};
	return cli_dispatch(argc, argv, "text", subs);
}
