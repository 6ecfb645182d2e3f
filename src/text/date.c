/*
 * date.c - calendar dates as Japanese staff type them, Western or by era (和暦).
 */
#include "text.h"

#include <ctype.h>
#include <string.h>

struct era {
	char letter;
	const char *name, *abbr;
	int y, m, d; /* first day */
};
/* Newest first. Meiji's start is the Gregorian date of its proclamation year's new-year, as birth registers use. */
static const struct era eras[] = {
        {'R', "令和", "令", 2019, 5, 1},  {'H', "平成", "平", 1989, 1, 8},  {'S', "昭和", "昭", 1926, 12, 25},
        {'T', "大正", "大", 1912, 7, 30}, {'M', "明治", "明", 1868, 1, 25},
};

/* Copy s into out as ASCII where it can: full-width digits and punctuation to ASCII, 年月日 kept. */
static void normalise(struct buf *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int len = utf8_decode(u + i, n - i, &cp);
		if (len < 0) {
			buf_addch(out, '?');
			i++;
			continue;
		}
		i += (size_t)len;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		if (cp == 0x3000)
			cp = ' ';
		if (cp == ' ')
			continue;
		buf_add_utf8(out, cp);
	}
}

static int read_num(const char **p, int maxdigits, int *v)
{
	int n = 0, x = 0;
	while (isdigit((unsigned char)**p) && n < maxdigits) {
		x = x * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0)
		return -1;
	*v = x;
	return n;
}

/* A separator between parts: - / . or one of 年 月. */
static int skip_sep(const char **p)
{
	if (**p == '-' || **p == '/' || **p == '.') {
		(*p)++;
		return 0;
	}
	if (!strncmp(*p, "年", 3) || !strncmp(*p, "月", 3)) {
		*p += 3;
		return 0;
	}
	return -1;
}

static int era_valid(const struct era *e, int y, int m, int d)
{
	int64_t day = lb_days_from_civil(y, m, d);
	if (day < lb_days_from_civil(e->y, e->m, e->d))
		return 0;
	if (e != eras) {
		const struct era *newer = e - 1;
		if (day >= lb_days_from_civil(newer->y, newer->m, newer->d))
			return 0;
	}
	return 1;
}

static int parse(const char *s, int *yy, int *mm, int *dd)
{
	const char *p = s;
	const struct era *era = NULL;
	int y = 0, m = 0, d = 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(eras) && !era; i++) {
		size_t nl = strlen(eras[i].name), al = strlen(eras[i].abbr);
		if (toupper((unsigned char)*p) == eras[i].letter && !isalpha((unsigned char)p[1])) {
			era = &eras[i];
			p++;
		} else if (!strncmp(p, eras[i].name, nl)) {
			era = &eras[i];
			p += nl;
		} else if (!strncmp(p, eras[i].abbr, al)) {
			era = &eras[i];
			p += al;
		}
	}
	if (era) {
		if (!strncmp(p, "元", 3)) {
			y = 1;
			p += 3;
			if (skip_sep(&p))
				return -1;
		} else {
			const char *start = p;
			int nd = read_num(&p, 8, &y);
			if (nd < 0)
				return -1;
			if (nd == 6 && *p == '\0') { /* S230405 */
				p = start;
				read_num(&p, 2, &y);
				read_num(&p, 2, &m);
				read_num(&p, 2, &d);
				goto era_done;
			}
			if (nd > 2 || skip_sep(&p))
				return -1;
		}
		if (read_num(&p, 2, &m) < 0 || skip_sep(&p) || read_num(&p, 2, &d) < 0)
			return -1;
		if (!strncmp(p, "日", 3))
			p += 3;
	era_done:
		if (*p || y < 1)
			return -1;
		y += era->y - 1;
		if (!lb_date_valid(y, m, d) || !era_valid(era, y, m, d))
			return -1;
	} else {
		int nd = read_num(&p, 8, &y);
		if (nd == 8 && *p == '\0') {
			d = y % 100;
			m = y / 100 % 100;
			y /= 10000;
		} else {
			if (nd != 4 || skip_sep(&p) || read_num(&p, 2, &m) < 0 || skip_sep(&p) ||
			    read_num(&p, 2, &d) < 0)
				return -1;
			if (!strncmp(p, "日", 3))
				p += 3;
			if (*p)
				return -1;
		}
		if (!lb_date_valid(y, m, d))
			return -1;
	}
	*yy = y;
	*mm = m;
	*dd = d;
	return 0;
}

int text_parse_date(const char *s, int *y, int *m, int *d)
{
	struct buf norm = {0};
	normalise(&norm, s);
	int rc = parse(buf_cstr(&norm), y, m, d);
	buf_release(&norm);
	if (rc < 0)
		return lb_error_tr(
		        LB_EINVAL, "not a date '%s' (use 1948-04-05, 19480405 or an era date: S23.4.5, 昭和23年4月5日)",
		        "'%s' は日付ではありません (1948-04-05、19480405 または和暦 S23.4.5、昭和23年4月5日 の形で)",
		        s);
	return 0;
}

void text_format_era(struct buf *out, int y, int m, int d)
{
	for (size_t i = 0; i < LB_ARRAY_LEN(eras); i++) {
		if (era_valid(&eras[i], y, m, d)) {
			int ey = y - eras[i].y + 1;
			if (ey == 1)
				buf_addf(out, "%s元年%d月%d日", eras[i].name, m, d);
			else
				buf_addf(out, "%s%d年%d月%d日", eras[i].name, ey, m, d);
			return;
		}
	}
	buf_addf(out, "%d年%d月%d日", y, m, d);
}
