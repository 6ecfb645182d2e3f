/*
 * opt.c - table-driven option parsing for commands, on top of getopt_long, and the help pages made from the
 * same table (so the help never disagrees with what is parsed).
 */
#include "core.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void lb_strlist_push(struct lb_strlist *l, const char *s)
{
	l->v = lb_reallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
}

void lb_strlist_free(struct lb_strlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int parse_long(const struct lb_opt *o, const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return lb_error_tr(LB_EUSAGE, "option '--%s' takes a whole number, not '%s'",
		                   "オプション '--%s' には整数を指定してください ('%s' は不可)", o->name, s);
	if ((o->min || o->max) && (v < o->min || v > o->max))
		return lb_error_tr(LB_EUSAGE, "option '--%s' takes a number from %ld to %ld, not '%s'",
		                   "オプション '--%s' には %ld〜%ld の数を指定してください ('%s' は不可)", o->name,
		                   o->min, o->max, s);
	*(long *)o->target = v;
	return 0;
}

static int parse_size(const struct lb_opt *o, const char *s)
{
	char *end;
	errno = 0;
	/* Digits first: strtoull would skip spaces and accept a sign, so " -1" would wrap to 18446744073709551615. */
	if (!isdigit((unsigned char)*s))
		goto bad;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		goto bad;
	unsigned shift = 0;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		goto bad;
	}
	if (*end) {
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
	}
	if (*end || (shift && v > (ULLONG_MAX >> shift)))
		goto bad;
	*(uint64_t *)o->target = (uint64_t)v << shift;
	return 0;
bad:
	return lb_error_tr(LB_EUSAGE, "option '--%s' takes a size such as 512k, 16M or 2G, not '%s'",
	                   "オプション '--%s' には 512k, 16M, 2G のようなサイズを指定してください ('%s' は不可)",
	                   o->name, s);
}

static int apply(const struct lb_opt *o, const char *arg)
{
	switch (o->type) {
	case LB_OPT_FLAG:
		*(int *)o->target = 1;
		return 0;
	case LB_OPT_STRING:
		*(const char **)o->target = arg;
		return 0;
	case LB_OPT_INT:
		return parse_long(o, arg);
	case LB_OPT_SIZE:
		return parse_size(o, arg);
	case LB_OPT_LIST:
		lb_strlist_push(o->target, arg);
		return 0;
	default:
		return lb_error_tr(LB_EINTERNAL, "bad option table", "オプション表の誤り (内部エラー)");
	}
}

int lb_opt_parse(int argc, char **argv, const struct lb_opt *opts, int *want_help)
{
	size_t n = 0;
	while (opts && opts[n].type != LB_OPT_END)
		n++;
	struct option *lo = lb_calloc(n + 2, sizeof(*lo));
	struct buf shorts = {0};
	buf_adds(&shorts, "+:h"); /* ':' = report missing arguments; '+' is dropped below to allow permutation */
	for (size_t i = 0; i < n; i++) {
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].type == LB_OPT_FLAG ? no_argument : required_argument;
		lo[i].val = 256 + (int)i;
		if (opts[i].short_name) {
			buf_addch(&shorts, opts[i].short_name);
			if (opts[i].type != LB_OPT_FLAG)
				buf_addch(&shorts, ':');
		}
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	*want_help = 0;
	int rc = 0, c;
	optind = 0; /* GNU: start afresh, so that commands may parse more than once */
	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, shorts.data + 1, lo, NULL)) != -1) {
		if (c == 'h') {
			*want_help = 1;
		} else if (c == '?') {
			/* optopt is the option's val: 256 + index for table options, 'h' for --help (-h itself takes no
			 * value, so 'h' here can only be "--help=x"). */
			if (optopt >= 256 || optopt == 'h')
				rc = lb_error_tr(LB_EUSAGE, "option '%s' takes no value",
				                 "オプション '%s' には値を付けられません", argv[optind - 1]);
			else if (optopt)
				rc = lb_error_tr(LB_EUSAGE, "unknown option '-%c'", "不明なオプション '-%c'", optopt);
			else
				rc = lb_error_tr(LB_EUSAGE, "unknown option '%s'", "不明なオプション '%s'",
				                 argv[optind - 1]);
		} else if (c == ':') {
			rc = lb_error_tr(LB_EUSAGE, "option '%s' needs a value", "オプション '%s' には値が必要です",
			                 argv[optind - 1]);
		} else if (c >= 256) {
			rc = apply(&opts[c - 256], optarg);
		} else {
			for (size_t i = 0; i < n; i++)
				if (opts[i].short_name == c) {
					rc = apply(&opts[i], optarg);
					break;
				}
		}
	}
	free(lo);
	buf_release(&shorts);
	return rc < 0 ? rc : optind;
}

void lb_opt_usage(FILE *f, const struct lb_cmd_help *h, const struct lb_opt *opts)
{
	fprintf(f, "%s %s\n", L_("usage:", "使い方:"), h->usage);
	const char *about = L_(h->about_en, h->about_ja);
	if (about && *about)
		fprintf(f, "\n%s\n", about);
	fprintf(f, "\n%s\n", L_("options:", "オプション:"));
	for (size_t i = 0; opts && opts[i].type != LB_OPT_END; i++) {
		const struct lb_opt *o = &opts[i];
		char left[64];
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
			         o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-28s %s\n", left, L_(o->help_en, o->help_ja));
	}
	fprintf(f, "  %-28s %s\n", "-h, --help", L_("show this help", "このヘルプを表示"));
	if (h->examples && *h->examples)
		fprintf(f, "\n%s\n%s\n", L_("examples:", "例:"), h->examples);
}
