/*
 * cmd_incident_backentry.c - `lifeboat incident numbers|order|patient|backlog`: back-entry after an outage
 * (docs/backentry.md). Downtime numbers are allocated in normal times, paper orders registered under them, downtime
 * patients linked to real IDs, and the worklist of entering, scanning and billing worked down. Every check runs
 * before the file is written: bad input exits 2 with one line and leaves the file as it was.
 */
#include "cli_incident.h"
#include "incident/backentry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int say(const char *fmt, ...) LB_PRINTF(1, 2);
static int say(const char *fmt, ...)
{
	struct buf out = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&out, fmt, ap);
	va_end(ap);
	int rc = cli_print(&out);
	buf_release(&out);
	return rc;
}

/* The file the options name; the store (--db) is only looked into for patient IDs. */
static int open_file(const struct ci_common *c, int create, struct incident_file **f)
{
	return ci_open(c, create, f);
}

/* ---- numbers ---------------------------------------------------------------------------------------------- */

static int numbers_allocate(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *ward = NULL, *kind = NULL;
	long count = 0;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "ward", &ward, "W", "the ward code (1 to 8 of A-Z, 0-9)",
	         "病棟コード (A-Z, 0-9 の 1〜8 文字)"},
	        {LB_OPT_STRING, 0, "kind", &kind, "K", "order (paper forms) or patient (wristbands)",
	         "order (オーダ用紙) か patient (リストバンド)"},
	        {LB_OPT_INT, 0, "count", &count, "N", "how many numbers", "番号の個数", 1, BE_SERIAL_MAX},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident numbers allocate --incident FILE --ward W --kind order|patient --count N [--json]",
	        "Reserve a block of downtime numbers for a ward, in normal times, before any outage: order numbers\n"
	        "(DT-3A-000123-9) for paper order forms, patient numbers (DP-3A-000001-0) for wristbands of patients\n"
	        "admitted with no EHR record. A number is never reused and never shared with another ward; the last "
	        "digit\n"
	        "is a check digit that catches a misread digit or two swapped digits. Print them with 'lifeboat print\n"
	        "numbers'. Works with no incident open (recorded in the timeline as incident 0).",
	        "病棟のダウンタイム番号を、障害の前の平常時にまとめて払い出します。オーダ番号 (DT-3A-000123-9) は\n"
	        "紙のオーダ用紙に、患者番号 (DP-3A-000001-0) "
	        "は電子カルテに記録のない入院患者のリストバンドに使います。\n"
	        "番号は再利用されず、他の病棟と重なりません。最後の数字はチェックディジットで、1 "
	        "桁の読み違いや隣り合う\n"
	        "2 桁の入れ替わりを検出します。'lifeboat print numbers' で印刷します。インシデントがなくても使えます。",
	        "  lifeboat incident numbers allocate --incident /hq/incident.db --ward 3A --kind order --count 500 "
	        "\\\n"
	        "          --as '医事課 田中'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("allocate takes no arguments", "allocate に引数はありません"));
	int k = be_numkind_parse(kind);
	if (k < 0)
		return cli_usage(
		        L_("allocate needs --kind order|patient", "allocate には --kind order|patient が必要です"));
	if (!be_ward_ok(ward))
		return cli_usage(L_("allocate needs --ward W (1 to 8 of A-Z, 0-9), not '%s'",
		                    "allocate には --ward W (A-Z, 0-9 の 1〜8 文字) が必要です ('%s' は不可)"),
		                 ward ? ward : "");
	if (count < 1)
		return cli_usage(L_("allocate needs --count N", "allocate には --count N が必要です"));
	struct incident_file *f;
	if ((code = open_file(&c, 1, &f)) != 0)
		return code;
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	uint32_t first = 0;
	int64_t seq = 0;
	int rc = be_numbers_allocate(f, k, ward, (uint32_t)count, c.as, os, &first, &seq);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	char a[BE_NUMBER_MAX], b[BE_NUMBER_MAX];
	be_number_format(a, k, ward, first);
	be_number_format(b, k, ward, first + (uint32_t)count - 1);
	if (json) {
		struct buf out = {0};
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "ward", ward);
		json_kv_str(&w, "kind", be_numkind_name(k));
		json_kv_int(&w, "first_serial", first);
		json_kv_int(&w, "count", count);
		json_kv_str(&w, "first", a);
		json_kv_str(&w, "last", b);
		json_kv_int(&w, "entry", seq);
		json_end(&w);
		json_finish(&w);
		code = cli_print(&out);
		buf_release(&out);
		return code;
	}
	return say(L_("%ld numbers allocated: %s - %s (entry #%lld)", "%ld 個の番号を払い出しました: %s 〜 %s (#%lld)"),
	           count, a, b, (long long)seq);
}

static int numbers_list(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *ward = NULL, *kind = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_STRING, 0, "ward", &ward, "W", "only this ward", "この病棟だけ"},
	        {LB_OPT_STRING, 0, "kind", &kind, "K", "only order or patient numbers", "order か patient だけ"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident numbers list --incident FILE [--ward W] [--kind order|patient] [--json]",
	        "The blocks of downtime numbers allocated in the file, oldest first: ward, kind, first and last "
	        "number,\n"
	        "who allocated them and when.",
	        "ファイルで払い出したダウンタイム番号のブロックを古い順に表示します (病棟・種類・最初と最後の番号・\n"
	        "払い出した人と日時)。",
	        "  lifeboat incident numbers list --incident /hq/incident.db --ward 3A"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	int k = kind ? be_numkind_parse(kind) : -1;
	if (i < argc || (kind && k < 0))
		return cli_usage(L_("list takes [--ward W] [--kind order|patient]",
		                    "list には [--ward W] [--kind order|patient] を指定します"));
	struct incident_file *f;
	if ((code = open_file(&c, 0, &f)) != 0)
		return code;
	struct be_block *b;
	size_t n;
	int rc = be_blocks_list(f, ward, k, &b, &n);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (json)
		json_arr(&w);
	for (size_t j = 0; j < n; j++) {
		char a[BE_NUMBER_MAX], z[BE_NUMBER_MAX];
		be_number_format(a, b[j].kind, b[j].ward, b[j].first);
		be_number_format(z, b[j].kind, b[j].ward, b[j].first + b[j].count - 1);
		if (json) {
			json_obj(&w);
			json_kv_str(&w, "ward", b[j].ward);
			json_kv_str(&w, "kind", be_numkind_name(b[j].kind));
			json_kv_str(&w, "first", a);
			json_kv_str(&w, "last", z);
			json_kv_int(&w, "count", b[j].count);
			json_kv_str(&w, "by", b[j].who);
			ci_json_time(&w, "at", b[j].at_ms);
			json_kv_int(&w, "entry", b[j].seq);
			json_end(&w);
		} else {
			if (j)
				buf_adds(&out, "\n");
			buf_addf(&out, "%-8s %-7s %s - %s (%u) ", b[j].ward, be_numkind_name(b[j].kind), a, z,
			         b[j].count);
			lb_format_local(&out, b[j].at_ms);
			buf_addf(&out, " %s", b[j].who ? b[j].who : "-");
		}
	}
	be_blocks_release(b, n);
	return cli_list_done(0, &out, json ? &w : NULL);
}

static int numbers_check(int argc, char **argv)
{
	struct ci_common c = {0};
	int code;
	const struct lb_opt opts[] = {CI_COMMON_OPTS(c), {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat incident numbers check NUMBER [--incident FILE]",
	        "Check a downtime number: its form and check digit, and (with --incident or --db) that it was "
	        "allocated\n"
	        "in the file. Exit 0 when good, 2 when not.",
	        "ダウンタイム番号の形とチェックディジット、(--incident か --db があれば) ファイルで払い出されたことを\n"
	        "確かめます。正しければ終了コード 0、違えば 2。",
	        "  lifeboat incident numbers check DT-3A-000123-9 --incident /hq/incident.db"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (argc - i != 1)
		return cli_usage(L_("check takes one NUMBER", "check には番号を 1 つ指定します"));
	int kind;
	char ward[BE_WARD_MAX + 1];
	uint32_t serial;
	int rc = be_number_parse(argv[i], &kind, ward, &serial);
	if (rc < 0)
		return cli_error(rc);
	if (c.file || c.store) {
		struct incident_file *f;
		if ((code = open_file(&c, 0, &f)) != 0)
			return code;
		rc = be_number_allocated(f, argv[i]);
		incident_file_close(f);
		if (rc < 0)
			return cli_error(rc);
		if (rc == 0)
			return cli_usage(L_("%s is well-formed but was never allocated in this file",
			                    "%s は形は正しいですが、このファイルで払い出されていません"),
			                 argv[i]);
	}
	return say(L_("%s: %s number of ward %s, serial %u", "%s: %s番号 (病棟 %s)、連番 %u"), argv[i],
	           kind == BE_NUM_ORDER ? L_("order", "オーダ") : L_("patient", "患者"), ward, (unsigned)serial);
}

int ci_numbers(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"allocate", numbers_allocate, "reserve a block of downtime numbers for a ward",
	         "病棟のダウンタイム番号をまとめて払い出す"},
	        {"list", numbers_list, "the blocks allocated", "払い出したブロックの一覧"},
	        {"check", numbers_check, "check a number's check digit and allocation",
	         "番号のチェックディジットと払い出しを確認"},
	        {0},
	};
	return cli_dispatch(argc, argv, "incident numbers", subs);
}
