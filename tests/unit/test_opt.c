/*
 * test_opt.c - table-driven option parsing and help pages (core/opt.c): every option type, every way of writing an
 * option, the one-line messages for mistakes, -h/--help, "--", operands mixed with options, parsing twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

struct targets {
	int verbose, json;
	const char *output;
	long count, any;
	uint64_t size;
	struct lb_strlist include;
};

static struct targets t;

static const struct lb_opt opts[] = {
        {LB_OPT_FLAG, 'v', "verbose", &t.verbose, NULL, "say more", "詳しく表示"},
        {LB_OPT_STRING, 'o', "output", &t.output, "FILE", "write to FILE", "FILE に書く"},
        {LB_OPT_INT, 'n', "count", &t.count, "N", "how many", "件数", 1, 10},
        {LB_OPT_INT, 0, "any", &t.any, "N", "any number", "任意の数"},
        {LB_OPT_SIZE, 's', "size", &t.size, "SIZE", "size cap", "上限"},
        {LB_OPT_LIST, 'i', "include", &t.include, "PAT", "include PAT (repeatable)", "PAT を含める"},
        {LB_OPT_FLAG, 0, "json", &t.json, NULL, "JSON output", "JSON で出力"},
        {LB_OPT_END},
};

/* Parse a NULL-terminated word list (argv[0] first) into t; returns lb_opt_parse's result and the argv used. */
static int parse(char ***argv_out, int *help, ...)
{
	static char *argv[32];
	va_list ap;
	va_start(ap, help);
	int argc = 0;
	for (const char *w; (w = va_arg(ap, const char *)) && argc < 31;)
		argv[argc++] = (char *)w;
	argv[argc] = NULL;
	va_end(ap);
	lb_strlist_free(&t.include);
	memset(&t, 0, sizeof(t));
	*argv_out = argv;
	return lb_opt_parse(argc, argv, opts, help);
}

static void test_all_types(void **state)
{
	(void)state;
	char **argv;
	int help = -1;
	int rc = parse(&argv, &help, "cmd", "-v", "--output=out.txt", "-n", "5", "--size", "16M", "-i", "a",
	               "--include=b", "--include", "c", "--any=-42", "--json", NULL);
	assert_int_equal(rc, 14);
	assert_int_equal(help, 0);
	assert_int_equal(t.verbose, 1);
	assert_int_equal(t.json, 1);
	assert_string_equal(t.output, "out.txt");
	assert_int_equal(t.count, 5);
	assert_int_equal(t.any, -42);
	assert_int_equal(t.size, 16ULL << 20);
	assert_int_equal(t.include.n, 3);
	assert_string_equal(t.include.v[0], "a");
	assert_string_equal(t.include.v[1], "b");
	assert_string_equal(t.include.v[2], "c");
}

static void test_spellings(void **state)
{
	(void)state;
	char **argv;
	int help;
	/* Attached short values, bundles, a bundle ending in an option with a value. */
	assert_int_equal(parse(&argv, &help, "cmd", "-ofile", "-vn3", NULL), 3);
	assert_string_equal(t.output, "file");
	assert_int_equal(t.verbose, 1);
	assert_int_equal(t.count, 3);
	assert_int_equal(parse(&argv, &help, "cmd", "-vo", "x", NULL), 3);
	assert_string_equal(t.output, "x");
	/* Unambiguous prefixes of long names (getopt_long). */
	assert_int_equal(parse(&argv, &help, "cmd", "--verb", "--out", "y", NULL), 4);
	assert_int_equal(t.verbose, 1);
	assert_string_equal(t.output, "y");
	/* A value that looks like an option is still the value. */
	assert_int_equal(parse(&argv, &help, "cmd", "--output", "-v", NULL), 3);
	assert_string_equal(t.output, "-v");
	assert_int_equal(t.verbose, 0);
	/* Empty string values. */
	assert_int_equal(parse(&argv, &help, "cmd", "--output=", NULL), 2);
	assert_string_equal(t.output, "");
	/* The last of repeated single options wins. */
	assert_int_equal(parse(&argv, &help, "cmd", "-o", "1", "-o", "2", NULL), 5);
	assert_string_equal(t.output, "2");
}

static void test_operands(void **state)
{
	(void)state;
	char **argv;
	int help;
	/* Operands before, between and after options: options are taken, operands left in order. */
	int rc = parse(&argv, &help, "cmd", "file1", "-v", "file2", "--output", "o", "file3", NULL);
	assert_int_equal(rc, 4);
	assert_string_equal(argv[4], "file1");
	assert_string_equal(argv[5], "file2");
	assert_string_equal(argv[6], "file3");
	assert_int_equal(t.verbose, 1);
	assert_string_equal(t.output, "o");
	/* "--" ends the options: what follows is operands, even "-v". */
	rc = parse(&argv, &help, "cmd", "-v", "--", "-n", "x", NULL);
	assert_int_equal(rc, 3);
	assert_string_equal(argv[3], "-n");
	assert_int_equal(t.count, 0);
	/* A lone "-" is an operand (standard input). */
	rc = parse(&argv, &help, "cmd", "-", "-v", NULL);
	assert_int_equal(rc, 2);
	assert_string_equal(argv[2], "-");
	/* No arguments at all; no options table at all. */
	assert_int_equal(parse(&argv, &help, "cmd", NULL), 1);
	char *words[] = {"cmd", "a", NULL};
	assert_int_equal(lb_opt_parse(2, words, NULL, &help), 1);
	char *flag[] = {"cmd", "-v", NULL};
	assert_int_equal(lb_opt_parse(2, flag, NULL, &help), -LB_EUSAGE);
}

static void test_help(void **state)
{
	(void)state;
	char **argv;
	int help = 0;
	assert_true(parse(&argv, &help, "cmd", "-h", NULL) >= 0);
	assert_int_equal(help, 1);
	help = 0;
	assert_true(parse(&argv, &help, "cmd", "x", "--help", "-v", NULL) >= 0);
	assert_int_equal(help, 1);
	assert_int_equal(t.verbose, 1);
	assert_true(parse(&argv, &help, "cmd", "-v", NULL) >= 0);
	assert_int_equal(help, 0); /* reset on every call */
}

/* The call fails with -LB_EUSAGE and a message that contains want. */
static void usage_error(const char *want, ...)
{
	static char *argv[16];
	va_list ap;
	va_start(ap, want);
	int argc = 0;
	argv[argc++] = "cmd";
	for (const char *w; (w = va_arg(ap, const char *)) && argc < 15;)
		argv[argc++] = (char *)w;
	argv[argc] = NULL;
	va_end(ap);
	lb_strlist_free(&t.include);
	memset(&t, 0, sizeof(t));
	int help;
	int rc = lb_opt_parse(argc, argv, opts, &help);
	if (rc != -LB_EUSAGE)
		fail_msg("'%s ...' gave %d, want a usage error", argv[1], rc);
	if (!strstr(lb_errmsg(), want))
		fail_msg("message '%s' lacks '%s'", lb_errmsg(), want);
	assert_null(strchr(lb_errmsg(), '\n')); /* one line */
}

static void test_mistakes(void **state)
{
	(void)state;
	usage_error("unknown option '--nope'", "--nope", NULL);
	usage_error("unknown option '--nope=1'", "--nope=1", NULL);
	usage_error("unknown option '-z'", "-z", NULL);
	usage_error("unknown option '-z'", "-vz", NULL);
	usage_error("unknown option '-z'", "file", "-z", NULL);
	usage_error("option '--output' needs a value", "--output", NULL);
	usage_error("option '-o' needs a value", "-o", NULL);
	usage_error("option '--json=1' takes no value", "--json=1", NULL);
	usage_error("option '--verbose=yes' takes no value", "--verbose=yes", NULL);
	usage_error("option '--help=x' takes no value", "--help=x", NULL);
	/* Integers. */
	usage_error("'--count' takes a whole number, not 'abc'", "--count", "abc", NULL);
	usage_error("not '5x'", "-n", "5x", NULL);
	usage_error("not ''", "--count=", NULL);
	usage_error("not '2.5'", "--count=2.5", NULL);
	usage_error("from 1 to 10, not '11'", "--count=11", NULL);
	usage_error("from 1 to 10, not '0'", "-n0", NULL);
	usage_error("from 1 to 10, not '-1'", "-n", "-1", NULL);
	usage_error("not '99999999999999999999'", "--any=99999999999999999999", NULL);
	/* Errors stop parsing at the first mistake and leave later options alone. */
	usage_error("unknown option '--nope'", "--nope", "-v", NULL);
	assert_int_equal(t.verbose, 0);
}

static void size_is(const char *s, uint64_t want)
{
	char **argv;
	int help;
	if (parse(&argv, &help, "cmd", "--size", s, NULL) != 3)
		fail_msg("size '%s' refused: %s", s, lb_errmsg());
	assert_int_equal(t.size, want);
}

static void test_sizes(void **state)
{
	(void)state;
	size_is("0", 0);
	size_is("512", 512);
	size_is("4k", 4096);
	size_is("4K", 4096);
	size_is("4KiB", 4096);
	size_is("4kb", 4096);
	size_is("16M", 16ULL << 20);
	size_is("16MiB", 16ULL << 20);
	size_is("2G", 2ULL << 30);
	size_is("1T", 1ULL << 40);
	size_is("16777215T", 16777215ULL << 40);
	size_is("18446744073709551615", UINT64_MAX);
	static const char *bad[] = {"",
	                            "k",
	                            "M",
	                            "-1",
	                            " -1",
	                            "\t-5k",
	                            "4x",
	                            "4kk",
	                            "4 k",
	                            "1.5G",
	                            "4KiBB",
	                            "16777216T",
	                            "18446744073709551616",
	                            "0x10"};
	for (size_t i = 0; i < LB_ARRAY_LEN(bad); i++) {
		char **argv;
		int help;
		if (parse(&argv, &help, "cmd", "--size", bad[i], NULL) != -LB_EUSAGE)
			fail_msg("size '%s' accepted as %llu", bad[i], (unsigned long long)t.size);
		assert_non_null(strstr(lb_errmsg(), "takes a size"));
	}
}

static void test_parse_twice(void **state)
{
	(void)state;
	char **argv;
	int help;
	/* A failed parse, then a good one: getopt's state starts afresh each time. */
	assert_int_equal(parse(&argv, &help, "cmd", "-v", "--nope", "x", NULL), -LB_EUSAGE);
	assert_int_equal(parse(&argv, &help, "cmd", "a", "-n", "2", "b", NULL), 3);
	assert_int_equal(t.count, 2);
	assert_string_equal(argv[3], "a");
	assert_string_equal(argv[4], "b");
	/* Parse a stopped bundle, then again. */
	assert_int_equal(parse(&argv, &help, "cmd", "-vz", NULL), -LB_EUSAGE);
	assert_int_equal(parse(&argv, &help, "cmd", "-v", "f", NULL), 2);
	assert_int_equal(t.verbose, 1);
	/* Parsing the same (permuted) argv twice gives the same result. */
	char *words[] = {"cmd", "f1", "-o", "x", "f2", NULL};
	int help2;
	memset(&t, 0, sizeof(t));
	int rc1 = lb_opt_parse(5, words, opts, &help2);
	memset(&t, 0, sizeof(t));
	int rc2 = lb_opt_parse(5, words, opts, &help2);
	assert_int_equal(rc1, 3);
	assert_int_equal(rc2, 3);
	assert_string_equal(t.output, "x");
	assert_string_equal(words[3], "f1");
	assert_string_equal(words[4], "f2");
}

static void test_strlist(void **state)
{
	(void)state;
	struct lb_strlist l = {0};
	for (int i = 0; i < 100; i++)
		lb_strlist_push(&l, i % 2 ? "odd" : "even");
	assert_int_equal(l.n, 100);
	assert_string_equal(l.v[99], "odd");
	lb_strlist_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	lb_strlist_free(&l);
}

static char *usage_text(enum lb_lang lang)
{
	static const struct lb_cmd_help h = {
	        .usage = "lifeboat demo [-v] [--output FILE] FILE…",
	        .about_en = "Show how options look.",
	        .about_ja = "オプションの見え方を示します。",
	        .examples = "  lifeboat demo -v a.hl7\n  lifeboat demo --size 16M b.hl7",
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	lb_set_lang(lang);
	lb_opt_usage(f, &h, opts);
	lb_set_lang(LB_LANG_EN);
	fclose(f);
	return text;
}

static void test_usage(void **state)
{
	(void)state;
	char *en = usage_text(LB_LANG_EN);
	static const char *want[] = {"usage: lifeboat demo [-v] [--output FILE] FILE…\n",
	                             "\nShow how options look.\n",
	                             "\noptions:\n",
	                             "  -v, --verbose                say more\n",
	                             "  -o, --output FILE            write to FILE\n",
	                             "  -n, --count N                how many\n",
	                             "      --any N                  any number\n",
	                             "      --json                   JSON output\n",
	                             "  -h, --help                   show this help\n",
	                             "\nexamples:\n  lifeboat demo -v a.hl7\n  lifeboat demo --size 16M b.hl7\n"};
	for (size_t i = 0; i < LB_ARRAY_LEN(want); i++)
		if (!strstr(en, want[i]))
			fail_msg("help lacks '%s':\n%s", want[i], en);
	free(en);
	char *ja = usage_text(LB_LANG_JA);
	assert_non_null(strstr(ja, "使い方: lifeboat demo"));
	assert_non_null(strstr(ja, "オプションの見え方を示します。"));
	assert_non_null(strstr(ja, "オプション:\n"));
	assert_non_null(strstr(ja, "FILE に書く"));
	assert_non_null(strstr(ja, "このヘルプを表示"));
	assert_non_null(strstr(ja, "例:\n"));
	free(ja);
	/* A command with no options, about or examples. */
	static const struct lb_cmd_help bare = {.usage = "lifeboat bare"};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	lb_opt_usage(f, &bare, NULL);
	fclose(f);
	assert_string_equal(text, "usage: lifeboat bare\n\noptions:\n  -h, --help                   show this help\n");
	free(text);
}

static int teardown(void **state)
{
	(void)state;
	lb_strlist_free(&t.include);
	return 0;
}

int main(void)
{
	lb_set_lang(LB_LANG_EN);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_all_types),   cmocka_unit_test(test_spellings), cmocka_unit_test(test_operands),
	        cmocka_unit_test(test_help),        cmocka_unit_test(test_mistakes),  cmocka_unit_test(test_sizes),
	        cmocka_unit_test(test_parse_twice), cmocka_unit_test(test_strlist),   cmocka_unit_test(test_usage),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
