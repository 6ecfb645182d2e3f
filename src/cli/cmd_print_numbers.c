/*
 * cmd_print_numbers.c - `lifeboat print numbers` and the downtime number sheets of `print pack` and `print all`
 * (docs/print.md). The numbers are allocated in the incident file (`incident numbers allocate`) and read here
 * through src/incident/backentry.h only; src/print draws what it is handed and never opens the incident file (it
 * sits below incident).
 *
 * "Used" is what the file can tell: an order number registered in the paper-order register, a patient number that
 * a registered order names as its patient. A patient number handed out on a wristband but not yet on any
 * registered order looks unused; the sheets say which block they come from, and docs/print.md says to use the
 * labels of one print only.
 */
#include "cli_incident.h"
#include "cli_print.h"
#include "incident/backentry.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the sheets ----------------------------------------------------------------------------------------------- */

void cpn_sheets_release(struct cpn_sheets *s)
{
	for (size_t i = 0; i < s->n; i++) {
		char **v = (char **)s->v[i].numbers;
		for (size_t j = 0; j < s->v[i].n; j++)
			free(v[j]);
		free(v);
		free((char *)s->v[i].ward);
		free((char *)s->v[i].as_of);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The sheet of (ward, kind) in s, made empty when there is none yet. */
static struct print_number_sheet *sheet_of(struct cpn_sheets *s, const char *ward, int kind)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].kind == kind && !strcmp(s->v[i].ward, ward))
			return &s->v[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->v = lb_realloc(s->v, s->cap * sizeof(*s->v));
	}
	struct print_number_sheet *sh = &s->v[s->n++];
	memset(sh, 0, sizeof(*sh));
	sh->ward = lb_strdup(ward);
	sh->kind = kind;
	return sh;
}

/* Numbers used in the file, sorted (bsearch). */
struct used {
	char **v;
	size_t n, cap;
};

static void used_add(struct used *u, const char *number)
{
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 256;
		u->v = lb_realloc(u->v, u->cap * sizeof(*u->v));
	}
	u->v[u->n++] = lb_strdup(number);
}

static int each_order(const struct be_order *o, void *arg)
{
	used_add(arg, o->number);
	if (o->patient && !strncmp(o->patient, "DP-", 3))
		used_add(arg, o->patient);
	return 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int used_load(struct incident_file *f, struct used *u)
{
	const struct be_filter all = BE_FILTER_ALL;
	int rc = be_order_list(f, &all, each_order, u);
	if (rc < 0)
		return rc;
	if (u->n)
		qsort(u->v, u->n, sizeof(*u->v), by_str);
	return 0;
}

static int used_has(const struct used *u, const char *number)
{
	return u && u->n && bsearch(&number, u->v, u->n, sizeof(*u->v), by_str);
}

static void used_release(struct used *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i]);
	free(u->v);
}

/* Append the numbers of b to sh, but those in used (when not NULL); sh's as_of becomes b's time. */
static void add_block(struct print_number_sheet *sh, const struct be_block *b, const struct used *used)
{
	char **v = (char **)sh->numbers;
	size_t cap = sh->n;
	for (uint32_t k = 0; k < b->count; k++) {
		char num[BE_NUMBER_MAX];
		be_number_format(num, b->kind, b->ward, b->first + k);
		if (used_has(used, num))
			continue;
		if (sh->n == cap) {
			cap = cap < 64 ? 64 : 2 * cap;
			v = lb_realloc(v, cap * sizeof(*v));
		}
		v[sh->n++] = lb_strdup(num);
	}
	sh->numbers = (const char *const *)v;
	/* the header's 「データ時点」: when the newest block on the sheet was allocated */
	struct buf t = {0};
	lb_format_local(&t, b->at_ms);
	free((char *)sh->as_of);
	sh->as_of = buf_detach(&t, NULL);
}

/* Open the file incident names, else incident.db next to db when it exists (*f NULL: none). An exit code. */
static int open_optional(const char *incident, const char *db, struct incident_file **f)
{
	*f = NULL;
	struct buf path = {0};
	if (incident)
		buf_adds(&path, incident);
	else if (db)
		incident_default_path(&path, db);
	if (!path.len || (!incident && access(path.data, F_OK) != 0)) {
		buf_release(&path);
		return LB_EXIT_OK;
	}
	int rc = incident_open(f, path.data, 0);
	buf_release(&path);
	return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
}

int cpn_pack_sheets(const char *incident, const char *db, const char *ward, struct cpn_sheets *s)
{
	memset(s, 0, sizeof(*s));
	struct incident_file *f;
	int code = open_optional(incident, db, &f);
	if (code != LB_EXIT_OK || !f)
		return code;
	struct be_block *b = NULL;
	size_t n = 0;
	struct used u = {0};
	int rc = be_blocks_list(f, ward, -1, &b, &n);
	if (rc == 0 && n)
		rc = used_load(f, &u);
	incident_file_close(f);
	for (size_t i = 0; rc == 0 && i < n; i++)
		add_block(sheet_of(s, b[i].ward, b[i].kind), &b[i], &u);
	/* a ward and kind whose numbers are all used gets no sheet */
	size_t keep = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].n) {
			s->v[keep++] = s->v[i];
			continue;
		}
		free((char *)s->v[i].numbers);
		free((char *)s->v[i].ward);
		free((char *)s->v[i].as_of);
	}
	s->n = keep;
	used_release(&u);
	be_blocks_release(b, n);
	if (rc < 0) {
		cpn_sheets_release(s);
		return cli_error(rc);
	}
	return LB_EXIT_OK;
}

/* ---- print numbers -------------------------------------------------------------------------------------------- */

static int report(const struct print_number_sheet *sh, const struct print_stats *st, const char *out, int json)
{
	struct buf b = {0};
	if (json) {
		struct json_w w = {.out = &b};
		json_obj(&w);
		json_kv_str(&w, "out", out);
		json_kv_str(&w, "ward", sh->ward);
		json_kv_str(&w, "kind", be_numkind_name(sh->kind));
		json_kv_int(&w, "numbers", st->numbers);
		json_kv_str(&w, "first", sh->numbers[0]);
		json_kv_str(&w, "last", sh->numbers[sh->n - 1]);
		json_kv_int(&w, "files", st->files);
		json_kv_int(&w, "pages", st->pages);
		json_kv_int(&w, "missing_glyphs", st->missing_glyphs);
		json_end(&w);
	} else {
		buf_addf(&b,
		         L_("wrote %s: %ld numbers (%s - %s) on %ld pages",
		            "出力 %s: %ld 個の番号 (%s 〜 %s)、%ld ページ"),
		         out, st->numbers, sh->numbers[0], sh->numbers[sh->n - 1], st->pages);
	}
	int rc = cli_print(&b);
	buf_release(&b);
	return rc;
}

int cmd_print_numbers(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *ward = NULL, *kind = NULL, *out = NULL;
	long block = 0;
	int all = 0, unused = 0, json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_STRING, 'w', "ward", &ward, "W", "the ward the numbers were allocated to (3A)",
	         "番号を払い出した病棟 (例: 3A)"},
	        {LB_OPT_STRING, 0, "kind", &kind, "K", "order (paper order forms) or patient (wristbands)",
	         "order (紙オーダー用) か patient (リストバンド用)"},
	        {LB_OPT_STRING, 'o', "out", &out, "FILE", "the PDF to write", "出力する PDF"},
	        {LB_OPT_INT, 0, "block", &block, "N",
	         "the Nth block of the ward and kind, oldest first, as 'incident numbers list' shows them (default: "
	         "the "
	         "latest)",
	         "病棟・種類の N 番目のブロック ('incident numbers list' の順、古い順。既定は最新)", 1, BE_SERIAL_MAX},
	        {LB_OPT_FLAG, 0, "all", &all, NULL, "every block of the ward and kind", "病棟・種類のすべてのブロック"},
	        {LB_OPT_FLAG, 0, "unused", &unused, NULL, "leave out numbers already used in the register",
	         "登録済みの番号を除く"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat print numbers --incident FILE --ward W --kind order|patient --out FILE [--block N | --all]\n"
	        "       [--unused] [--json]",
	        "Print downtime numbers allocated with 'lifeboat incident numbers allocate' as label sheets (A4, 2 x "
	        "7\n"
	        "labels of 92 x 32 mm, the wristbands' stock), before an outage. Order numbers (DT-3A-000123-7): one "
	        "label\n"
	        "each, to stick on a paper order form, with a line for the patient's name. Patient numbers (DP-…): "
	        "two\n"
	        "labels each, for the wristband and the chart of a patient with no EHR record, with lines for name, "
	        "sex\n"
	        "and birth date. Each label has the number in large type and as a Code 128 barcode that a USB scanner\n"
	        "types the same under a Japanese keyboard layout. Prints the latest block unless --block or --all.",
	        "'lifeboat incident numbers allocate' "
	        "で払い出したダウンタイム番号を、停止の前にラベルシートへ印刷します\n"
	        "(A4、92 × 32 mm の 2 列 × 7 段、リストバンドと同じ用紙)。オーダー番号 (DT-3A-000123-7) は 1 番号 1 "
	        "面で\n"
	        "紙オーダー用紙に貼り、患者氏名を書きます。患者番号 (DP-…) は 1 番号 2 面 (リストバンド用・カルテ用) "
	        "で、\n"
	        "電子カルテに記録のない患者に使い、氏名・性別・生年月日を手書きします。各ラベルに大きな番号と Code "
	        "128\n"
	        "のバーコード (日本語キーボード配列でも USB スキャナが同じ文字を入力する) を印刷します。--block か "
	        "--all\n"
	        "がなければ最新のブロックを印刷します。",
	        "  lifeboat print numbers --incident /ward/3A/incident.db --ward 3A --kind order --out 3A_orders.pdf\n"
	        "  lifeboat print numbers --db store.db --ward 3A --kind patient --all --unused --out 3A_patients.pdf"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("print numbers takes no operands ('%s')", "print numbers に引数は不要です ('%s')"),
		                 argv[i]);
	int k = kind ? be_numkind_parse(kind) : -1;
	if (!ward || !out || k < 0)
		return cli_usage(L_("print numbers needs --ward, --kind order|patient and --out",
		                    "print numbers には --ward, --kind order|patient, --out が必要です"));
	if (block && all)
		return cli_usage(L_("--block and --all exclude each other", "--block と --all は同時に指定できません"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct be_block *b = NULL;
	size_t n = 0;
	struct used u = {0};
	int rc = be_blocks_list(f, ward, k, &b, &n);
	if (rc == 0 && unused)
		rc = used_load(f, &u);
	incident_file_close(f);
	if (rc < 0) {
		used_release(&u);
		return cli_error(rc);
	}
	if (!n) {
		used_release(&u);
		return cli_usage(
		        L_("ward %s has no %s numbers in this file (lifeboat incident numbers allocate)",
		           "このファイルでは病棟 %s に %s 番号が払い出されていません (lifeboat incident numbers "
		           "allocate)"),
		        ward, be_numkind_name(k));
	}
	if (block > (long)n) {
		used_release(&u);
		be_blocks_release(b, n);
		return cli_usage(L_("ward %s has %zu blocks of %s numbers, not %ld",
		                    "病棟 %s の払い出しは %zu ブロック (%s 番号) で、%ld 番目はありません"),
		                 ward, n, be_numkind_name(k), block);
	}
	struct cpn_sheets s = {0};
	struct print_number_sheet *sh = sheet_of(&s, ward, k);
	size_t from = all ? 0 : block ? (size_t)block - 1 : n - 1, to = all ? n : from + 1;
	for (size_t j = from; j < to; j++)
		add_block(sh, &b[j], unused ? &u : NULL);
	used_release(&u);
	be_blocks_release(b, n);
	struct print_stats st = {0};
	rc = sh->n ? print_number_labels(out, sh, &st)
	           : lb_error_tr(LB_ENOTFOUND, "every number of the block is used already",
	                         "ブロックの番号はすべて使用済みです");
	code = rc < 0 ? cli_error(rc) : report(sh, &st, out, json);
	cpn_sheets_release(&s);
	return code;
}
