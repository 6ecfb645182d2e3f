/*
 * util.c - what every command does the same way: errors, option parsing, subcommands, output.
 */
#include "cli.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

int cli_error(int rc)
{
	if (rc >= 0)
		return LB_EXIT_OK;
	const char *msg = lb_errmsg();
	if (!msg || !*msg) {
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\n", lb_strerror(rc));
	} else if (lb_lang() == LB_LANG_JA && !has_non_ascii(msg)) {
		/* A detail not yet written in Japanese: its kind in Japanese first, the detail (paths, names) after. */
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s: %s\n", lb_strerror(rc), msg);
	} else {
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\n", msg);
	}
	return lb_exit_code(rc);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("lifeboat: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return LB_EXIT_ERROR;
}

int cli_parse(int argc, char **argv, const struct lb_opt *opts, const struct lb_cmd_help *help, int *exit_code)
{
	int want_help = 0;
	int rc = lb_opt_parse(argc, argv, opts, &want_help);
	if (rc < 0) {
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s (%s)\n", lb_errmsg(),
		        L_("see --help", "--help を参照"));
		*exit_code = LB_EXIT_ERROR;
		return -1;
	}
	if (want_help) {
		lb_opt_usage(stdout, help, opts);
		*exit_code = LB_EXIT_OK;
		return -1;
	}
	return rc;
}

int cli_dispatch(int argc, char **argv, const char *parent, const struct cli_sub *subs)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	if (!name || !strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		FILE *f = name ? stdout : stderr;
		fprintf(f, "%s lifeboat %s <%s> …\n\n", L_("usage:", "使い方:"), parent,
		        L_("subcommand", "サブコマンド"));
		for (const struct cli_sub *s = subs; s->name; s++)
			fprintf(f, "  %-12s %s\n", s->name, L_(s->summary_en, s->summary_ja));
		fprintf(f, "\n%s\n",
		        L_("'lifeboat <command> <subcommand> --help' shows the options and examples of each.",
		           "各サブコマンドのオプションと例は 'lifeboat <コマンド> <サブコマンド> --help' "
		           "で表示します。"));
		return name ? LB_EXIT_OK : LB_EXIT_ERROR;
	}
	for (const struct cli_sub *s = subs; s->name; s++)
		if (!strcmp(s->name, name))
			return s->fn(argc - 1, argv + 1);
	return cli_usage(L_("'%s' is not a subcommand of '%s' (see 'lifeboat %s --help')",
	                    "'%s' は '%s' のサブコマンドではありません ('lifeboat %s --help' を参照)"),
	                 name, parent, parent);
}

int cli_print(const struct buf *b)
{
	if (fwrite(buf_cstr(b), 1, b->len, stdout) != b->len || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
		return cli_error(lb_error_errno_tr(errno, "cannot write output", "出力を書き込めません"));
	return LB_EXIT_OK;
}

void cli_actor(const char *by, char *out, size_t cap)
{
	const struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		snprintf(out, cap, "%s (OS: %s)", by, pw->pw_name);
	else
		snprintf(out, cap, "%s (OS: uid %lu)", by, (unsigned long)getuid());
}

int cli_list_done(int rc, struct buf *out, struct json_w *w)
{
	if (rc < 0) {
		buf_release(out);
		return cli_error(rc);
	}
	if (w)
		json_end(w);
	int prc = out->len ? cli_print(out) : 0;
	buf_release(out);
	return prc;
}
