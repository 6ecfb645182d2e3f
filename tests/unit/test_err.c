/*
 * test_err.c - error codes and detail messages (core/err.c), log levels (core/log.c) and the message language
 * (core/i18n.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"

static void test_error_sets_message(void **state)
{
	(void)state;
	lb_error_clear();
	assert_string_equal(lb_errmsg(), "");
	assert_int_equal(lb_error(LB_ENOTFOUND, "no snapshot '%s'", "abc"), -LB_ENOTFOUND);
	assert_string_equal(lb_errmsg(), "no snapshot 'abc'");
	assert_int_equal(lb_error(LB_EINVAL, "plain"), -LB_EINVAL);
	assert_string_equal(lb_errmsg(), "plain");
	/* Codes out of range are our bug: reported as internal errors. */
	assert_int_equal(lb_error(0, "zero"), -LB_EINTERNAL);
	assert_int_equal(lb_error(LB_ERR_COUNT, "past"), -LB_EINTERNAL);
	assert_int_equal(lb_error(-LB_EIO, "negative"), -LB_EINTERNAL);
	lb_error_clear();
	assert_string_equal(lb_errmsg(), "");
}

static void test_error_errno(void **state)
{
	(void)state;
	static const struct {
		int e, code;
	} map[] = {
	        {ENOSPC, LB_ENOSPC}, {EDQUOT, LB_ENOSPC},    {EACCES, LB_EPERM},         {EPERM, LB_EPERM},
	        {EROFS, LB_EPERM},   {ENOENT, LB_ENOTFOUND}, {ENOTDIR, LB_ENOTFOUND},    {EEXIST, LB_EEXIST},
	        {EINTR, LB_EINTR},   {EFBIG, LB_ETOOBIG},    {ENAMETOOLONG, LB_ETOOBIG}, {ENOMEM, LB_ENOMEM},
	        {EIO, LB_EIO},       {EBADF, LB_EIO},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(map); i++) {
		assert_int_equal(lb_error_errno(map[i].e, "cannot open '%s'", "f"), -map[i].code);
		char want[256];
		snprintf(want, sizeof(want), "cannot open 'f': %s", strerror(map[i].e));
		assert_string_equal(lb_errmsg(), want);
	}
}

/* Under ja the system's reason is Japanese too for the errors a ward meets (the C library only speaks English), and
 * lb_error_errno_tr takes the format of the language; an errno without a Japanese form keeps strerror's text. */
static void test_error_errno_tr(void **state)
{
	(void)state;
	enum lb_lang was = lb_lang();
	lb_set_lang(LB_LANG_JA);
	assert_int_equal(lb_error_errno_tr(ENOENT, "cannot open '%s'", "'%s' を開けません", "f"), -LB_ENOTFOUND);
	assert_string_equal(lb_errmsg(), "'f' を開けません: ファイルまたはフォルダがありません");
	lb_error_errno_tr(ENOTDIR, "cannot create folder '%s'", "フォルダ '%s' を作成できません", "a/b");
	assert_string_equal(lb_errmsg(), "フォルダ 'a/b' を作成できません: フォルダではありません");
	assert_int_equal(lb_error_errno(EACCES, "cannot open '%s'", "f"), -LB_EPERM);
	assert_string_equal(lb_errmsg(), "cannot open 'f': 権限がありません");
	assert_int_equal(lb_error_errno(ENOSPC, "x"), -LB_ENOSPC);
	assert_string_equal(lb_errmsg(), "x: ディスクの空きがありません");
	char want[256];
	snprintf(want, sizeof(want), "x: %s", strerror(EBADF));
	lb_error_errno(EBADF, "x");
	assert_string_equal(lb_errmsg(), want);
	lb_set_lang(LB_LANG_EN);
	lb_error_errno_tr(ENOENT, "cannot open '%s'", "'%s' を開けません", "f");
	snprintf(want, sizeof(want), "cannot open 'f': %s", strerror(ENOENT));
	assert_string_equal(lb_errmsg(), want);
	lb_set_lang(was);
}

static void test_error_wrap(void **state)
{
	(void)state;
	int rc = lb_error(LB_EINVAL, "bad line 3");
	assert_int_equal(lb_error_wrap(rc, "reading '%s'", "x.hl7"), rc);
	assert_string_equal(lb_errmsg(), "reading 'x.hl7': bad line 3");
	lb_error_wrap(rc, "import");
	assert_string_equal(lb_errmsg(), "import: reading 'x.hl7': bad line 3");
	/* Wrapping nothing gives the context alone. */
	lb_error_clear();
	assert_int_equal(lb_error_wrap(-LB_EIO, "context"), -LB_EIO);
	assert_string_equal(lb_errmsg(), "context");
	/* 0 passes through (callers wrap unconditionally). */
	assert_int_equal(lb_error_wrap(0, "x"), 0);
}

/* The translated forms behave as lb_error and lb_error_wrap with the format of the current language (they share
 * the format-then-set code since issue 13; a guard of the refactoring, not of a bug). */
static void test_error_tr(void **state)
{
	(void)state;
	enum lb_lang was = lb_lang();
	lb_set_lang(LB_LANG_JA);
	assert_int_equal(lb_error_tr(LB_ENOTFOUND, "no store '%s'", "ストア '%s' がありません", "c.db"), -LB_ENOTFOUND);
	assert_string_equal(lb_errmsg(), "ストア 'c.db' がありません");
	lb_set_lang(LB_LANG_EN);
	assert_int_equal(lb_error_tr(999, "no store '%s'", "ストア '%s' がありません", "c.db"), -LB_EINTERNAL);
	assert_string_equal(lb_errmsg(), "no store 'c.db'");
	/* the previous message as an argument, and wrapped */
	lb_error(LB_EINVAL, "inner");
	lb_error_tr(LB_EINVAL, "outer (%s)", "外 (%s)", lb_errmsg());
	assert_string_equal(lb_errmsg(), "outer (inner)");
	assert_int_equal(lb_error_wrap_tr(-LB_EIO, "reading '%s'", "'%s' の読込", "x"), -LB_EIO);
	assert_string_equal(lb_errmsg(), "reading 'x': outer (inner)");
	lb_set_lang(LB_LANG_JA);
	lb_error_wrap_tr(-LB_EIO, "import (%s)", "取込 (%s)", lb_errmsg());
	assert_string_equal(lb_errmsg(), "取込 (reading 'x': outer (inner)): reading 'x': outer (inner)");
	lb_error_clear();
	assert_int_equal(lb_error_wrap_tr(0, "context", "状況"), 0);
	assert_string_equal(lb_errmsg(), "状況");
	lb_set_lang(was);
}

static void test_long_messages(void **state)
{
	(void)state;
	char big[3000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lb_error(LB_EINVAL, "%s", big);
	size_t n = strlen(lb_errmsg());
	assert_true(n > 500 && n < 2000); /* truncated, terminated */
	lb_error_errno(ENOENT, "%s", big);
	n = strlen(lb_errmsg());
	assert_true(n > 500 && n < 2000);
	lb_error(LB_EINVAL, "%s", big);
	lb_error_wrap(-LB_EINVAL, "%s", big);
	n = strlen(lb_errmsg());
	assert_true(n > 500 && n < 2000);
	/* Wrapping many times stays bounded. */
	lb_error(LB_EINVAL, "root");
	for (int i = 0; i < 200; i++)
		lb_error_wrap(-LB_EINVAL, "level %d", i);
	n = strlen(lb_errmsg());
	assert_true(n < 2000);
	assert_memory_equal(lb_errmsg(), "level 199: level 198: ", 22);
	/* The message may quote the previous one (callers pass lb_errmsg() as an argument). */
	lb_error(LB_EINVAL, "inner");
	lb_error_wrap(-LB_EINVAL, "outer (%s)", lb_errmsg());
	assert_string_equal(lb_errmsg(), "outer (inner): inner");
	lb_error(LB_EINVAL, "inner");
	lb_error(LB_ECORRUPT, "record 7: %s", lb_errmsg());
	assert_string_equal(lb_errmsg(), "record 7: inner");
	lb_error(LB_EINVAL, "inner");
	lb_error_errno(EIO, "record 8: %s", lb_errmsg());
	assert_memory_equal(lb_errmsg(), "record 8: inner: ", 17);
}

static void test_strerror_languages(void **state)
{
	(void)state;
	lb_set_lang(LB_LANG_EN);
	assert_string_equal(lb_strerror(LB_EINVAL), "input error");
	assert_string_equal(lb_strerror(-LB_EINVAL), "input error");
	assert_string_equal(lb_strerror(LB_ENOSPC), "disk full");
	assert_string_equal(lb_strerror(LB_OK), "ok");
	assert_string_equal(lb_strerror(9999), "internal error");
	/* Every code has a distinct name in each language. */
	for (int lang = LB_LANG_EN; lang <= LB_LANG_JA; lang++) {
		lb_set_lang((enum lb_lang)lang);
		for (int a = 1; a < LB_ERR_COUNT; a++) {
			assert_true(*lb_strerror(a));
			for (int b = a + 1; b < LB_ERR_COUNT; b++)
				if (a != LB_EINTERNAL && b != LB_EINTERNAL)
					assert_string_not_equal(lb_strerror(a), lb_strerror(b));
		}
	}
	lb_set_lang(LB_LANG_JA);
	assert_string_equal(lb_strerror(LB_EINVAL), "入力の誤り");
	assert_string_equal(lb_strerror(-LB_ENOSPC), "ディスクの空きがありません");
	lb_set_lang(LB_LANG_EN);
}

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(lb_exit_code(0), LB_EXIT_OK);
	for (int c = 1; c < LB_ERR_COUNT; c++)
		assert_int_equal(lb_exit_code(-c), LB_EXIT_ERROR);
	assert_int_equal(LB_EXIT_FINDING, 1);
	assert_int_equal(LB_EXIT_ERROR, 2);
}

static void test_lang(void **state)
{
	(void)state;
	lb_set_lang(LB_LANG_JA);
	assert_int_equal(lb_lang(), LB_LANG_JA);
	assert_string_equal(lb_tr("yes", "はい"), "はい");
	assert_string_equal(lb_tr("only english", NULL), "only english");
	lb_set_lang(LB_LANG_EN);
	assert_int_equal(lb_lang(), LB_LANG_EN);
	assert_string_equal(L_("yes", "はい"), "yes");
}

/* The language from the environment, decided once: each case runs in a new process (this program with
 * --print-lang, see main) so that the cache starts empty. */
static int lang_in_child(const char *lifeboat_lang, const char *lc_all, const char *lang)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsetenv("LIFEBOAT_LANG");
		unsetenv("LC_ALL");
		unsetenv("LC_MESSAGES");
		unsetenv("LANG");
		if (lifeboat_lang)
			setenv("LIFEBOAT_LANG", lifeboat_lang, 1);
		if (lc_all)
			setenv("LC_ALL", lc_all, 1);
		if (lang)
			setenv("LANG", lang, 1);
		/* A fresh process image: the language cache of this one is already filled. */
		execl("/proc/self/exe", "test_err", "--print-lang", (char *)NULL);
		_exit(30);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) == 10 || WEXITSTATUS(status) == 20);
	return WEXITSTATUS(status) == 10 ? LB_LANG_JA : LB_LANG_EN;
}

static void test_lang_from_env(void **state)
{
	(void)state;
	assert_int_equal(lang_in_child(NULL, NULL, NULL), LB_LANG_EN);
	assert_int_equal(lang_in_child(NULL, NULL, "ja_JP.UTF-8"), LB_LANG_JA);
	assert_int_equal(lang_in_child(NULL, NULL, "en_US.UTF-8"), LB_LANG_EN);
	assert_int_equal(lang_in_child(NULL, NULL, "C"), LB_LANG_EN);
	assert_int_equal(lang_in_child(NULL, "ja_JP.UTF-8", "en_US.UTF-8"), LB_LANG_JA);
	assert_int_equal(lang_in_child(NULL, "C", "ja_JP.UTF-8"), LB_LANG_EN);
	assert_int_equal(lang_in_child("en", NULL, "ja_JP.UTF-8"), LB_LANG_EN);
	assert_int_equal(lang_in_child("ja", "C", NULL), LB_LANG_JA);
	/* Empty variables are skipped. */
	assert_int_equal(lang_in_child("", "", "ja_JP.UTF-8"), LB_LANG_JA);
}

static void test_log(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	assert_non_null(f);
	enum lb_log_level old = lb_log_get_level();
	lb_log_set_level(LB_LOG_ERROR);
	assert_int_equal(lb_log_get_level(), LB_LOG_ERROR);
	lb_set_lang(LB_LANG_EN);
	lb_log_set_file(f);
	lb_debug("debug %d", 1); /* below the level on stderr, but the file gets every message */
	lb_log_set_file(NULL);
	lb_debug("not in the file");
	rewind(f);
	char line[256] = "";
	assert_non_null(fgets(line, sizeof(line), f));
	/* "2026-11-24T08:15:17.123Z debug debug 1" */
	assert_int_equal(line[4], '-');
	assert_int_equal(line[10], 'T');
	assert_non_null(strstr(line, "Z debug debug 1\n"));
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	lb_log_set_level(old);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--print-lang") == 0)
		return lb_lang() == LB_LANG_JA ? 10 : 20;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_error_sets_message),
	        cmocka_unit_test(test_error_errno),
	        cmocka_unit_test(test_error_errno_tr),
	        cmocka_unit_test(test_error_wrap),
	        cmocka_unit_test(test_error_tr),
	        cmocka_unit_test(test_long_messages),
	        cmocka_unit_test(test_strerror_languages),
	        cmocka_unit_test(test_exit_codes),
	        cmocka_unit_test(test_lang),
	        cmocka_unit_test(test_lang_from_env),
	        cmocka_unit_test(test_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
