/*
 * time.c - clocks, calendar arithmetic, parsing and formatting of dates, times, durations and sizes.
 *
 * Calendar arithmetic is Howard Hinnant's days-from-civil algorithm (proleptic Gregorian), so it needs no time zone
 * tables and works for any year a birth date or lock can have.
 */
#include "core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t lb_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t lb_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t lb_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void lb_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = dd;
}

int lb_date_valid(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

int lb_age_months(int by, int bm, int bd, int y, int m, int d)
{
	if (!lb_date_valid(by, bm, bd) || !lb_date_valid(y, m, d))
		return -1;
	if (lb_days_from_civil(y, m, d) < lb_days_from_civil(by, bm, bd))
		return -1;
	/* The month is completed on day bd; a month without day bd completes it on the 1st of the next month, which
	 * is what comparing the day numbers gives as well (28 February < 29: not yet; 1 March: a month later). */
	int months = (y - by) * 12 + (m - bm);
	if (d < bd)
		months--;
	return months;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void lb_format_utc(struct buf *b, int64_t ms, int with_ms)
{
	int64_t secs = floor_div(ms, 1000);
	int64_t days = floor_div(secs, 86400);
	int64_t rem = secs - days * 86400;
	int y, m, d;
	lb_civil_from_days(days, &y, &m, &d);
	buf_addf(b, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (with_ms)
		buf_addf(b, ".%03d", (int)(ms - secs * 1000));
	buf_addch(b, 'Z');
}

void lb_format_local(struct buf *b, int64_t ms)
{
	time_t t = (time_t)floor_div(ms, 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	char tmp[64];
	strftime(tmp, sizeof(tmp), "%Y/%m/%d %H:%M", &tm);
	buf_adds(b, tmp);
}

int lb_parse_day(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	return lb_date_valid(*y, *m, *d) ? 0 : -1;
}

/* The local date of ms as "YYYY-MM-DD". */
static void local_day(char out[11], int64_t ms)
{
	time_t t = (time_t)floor_div(ms, 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	char day[32];
	snprintf(day, sizeof(day), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	snprintf(out, 11, "%.10s", day);
}

/* The local date of a stored time stamp (a zone converted; a local time or a date as it is), or "" when none. */
static void stamp_day(char out[11], const char *stamp)
{
	int y, m, d;
	out[0] = 0;
	if (!stamp || strlen(stamp) < 10)
		return;
	int64_t ms;
	if (strlen(stamp) > 10 && strlen(stamp) < 40 && lb_parse_time(stamp, &ms) == 0) {
		local_day(out, ms);
		return;
	}
	char day[11];
	snprintf(day, sizeof(day), "%.10s", stamp);
	if (lb_parse_day(day, &y, &m, &d) == 0)
		memcpy(out, day, 11);
}

void lb_today(char out[11], const char *not_before)
{
	int y, m, d;
	const char *env = getenv("LIFEBOAT_TODAY");
	if (env && lb_parse_day(env, &y, &m, &d) == 0)
		snprintf(out, 11, "%s", env);
	else
		local_day(out, lb_now_ms());
	char nb[11];
	stamp_day(nb, not_before);
	if (nb[0] && strcmp(nb, out) > 0)
		memcpy(out, nb, 11);
}

void lb_format_stamp(struct buf *b, const char *stamp)
{
	if (!stamp)
		return;
	size_t n = strlen(stamp);
	int y, m, d;
	char day[11];
	snprintf(day, sizeof(day), "%.10s", stamp);
	if (n == 10 && lb_parse_day(day, &y, &m, &d) == 0) {
		buf_addf(b, "%04d/%02d/%02d", y, m, d);
		return;
	}
	int64_t ms;
	if (n > 10 && n < 40 && lb_parse_day(day, &y, &m, &d) == 0 && lb_parse_time(stamp, &ms) == 0) {
		lb_format_local(b, ms);
		return;
	}
	buf_adds(b, stamp);
}

/* Read exactly n digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int64_t local_offset_ms(int64_t utc_guess_ms)
{
	time_t t = (time_t)(utc_guess_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	return (int64_t)tm.tm_gmtoff * 1000;
}

int lb_parse_time(const char *s, int64_t *out)
{
	const char *p = s;
	int y, m, d, hh = 0, mi = 0, ss = 0, msec = 0, have_zone = 0;
	int64_t offset = 0;
	if (digits(&p, 4, &y))
		goto bad;
	if (*p == '-') {
		p++;
		if (digits(&p, 2, &m) || *p++ != '-' || digits(&p, 2, &d))
			goto bad;
	} else if (digits(&p, 2, &m) || digits(&p, 2, &d)) {
		goto bad;
	}
	if (!lb_date_valid(y, m, d))
		goto bad;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &hh) || *p++ != ':' || digits(&p, 2, &mi))
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &ss))
				goto bad;
			if (*p == '.') {
				p++;
				int scale = 100;
				while (isdigit((unsigned char)*p)) {
					msec += (*p - '0') * scale;
					scale /= 10;
					p++;
				}
			}
		}
		if (hh > 23 || mi > 59 || ss > 60)
			goto bad;
	}
	if (*p == 'Z') {
		have_zone = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (digits(&p, 2, &oh))
			goto bad;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			goto bad;
		have_zone = 1;
		offset = sign * ((int64_t)oh * 3600 + om * 60) * 1000;
	}
	if (*p)
		goto bad;
	int64_t ms = ((lb_days_from_civil(y, m, d) * 86400) + hh * 3600 + mi * 60 + ss) * 1000 + msec;
	if (have_zone) {
		ms -= offset;
	} else {
		/* Local time: correct by the zone's offset at that moment (twice, for a DST edge). */
		int64_t off = local_offset_ms(ms);
		off = local_offset_ms(ms - off);
		ms -= off;
	}
	*out = ms;
	return 0;
bad:
	return lb_error_tr(LB_EINVAL, "not a date or time '%s' (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])",
	                   "'%s' は日付・日時ではありません (YYYY-MM-DD または YYYY-MM-DDTHH:MM[:SS][Z])", s);
}

int lb_parse_duration(const char *s, int64_t *out)
{
	const char *p = s;
	int64_t v = 0;
	if (!isdigit((unsigned char)*p))
		goto bad;
	while (isdigit((unsigned char)*p)) {
		if (v > 1000000000)
			goto bad;
		v = v * 10 + (*p++ - '0');
	}
	int64_t unit;
	switch (*p) {
	case 's':
		unit = 1000;
		break;
	case 'm':
		unit = 60 * 1000;
		break;
	case 'h':
		unit = 3600 * 1000;
		break;
	case 'd':
		unit = 86400 * 1000LL;
		break;
	case 'w':
		unit = 7 * 86400 * 1000LL;
		break;
	case 'M':
		unit = 30 * 86400 * 1000LL;
		break;
	case 'y':
		unit = 365 * 86400 * 1000LL;
		break;
	default:
		goto bad;
	}
	if (p[1] || v > INT64_MAX / unit)
		goto bad;
	*out = v * unit;
	return 0;
bad:
	return lb_error_tr(LB_EINVAL, "not a duration '%s' (use a number and s, m, h, d, w, M or y: 30d)",
	                   "'%s' は期間ではありません (数と s, m, h, d, w, M, y の単位: 30d)", s);
}

void lb_format_bytes(struct buf *b, uint64_t n)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)n;
	size_t u = 0;
	while (v >= 1024 && u + 1 < LB_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0) {
		buf_addf(b, "%llu B", (unsigned long long)n);
		return;
	}
	/* Choose by the value as it will be rounded, so that 1048575 is "1.00 MiB", not "1024 KiB", and 10239 is
	 * "10.0 KiB", not "10.00 KiB". */
	if (v >= 1023.5 && u + 1 < LB_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	if (v < 9.995)
		buf_addf(b, "%.2f %s", v, units[u]);
	else if (v < 99.95)
		buf_addf(b, "%.1f %s", v, units[u]);
	else
		buf_addf(b, "%.0f %s", v, units[u]);
}

void lb_format_duration(struct buf *b, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	if (ms < 1000) {
		buf_addf(b, "%lld ms", (long long)ms);
		return;
	}
	int64_t s = ms / 1000;
	if (s < 60) /* tenths cut, not rounded: 59999 ms is "59.9 s", never "60.0 s" */
		buf_addf(b, "%lld.%lld s", (long long)s, (long long)(ms % 1000 / 100));
	else if (s < 3600)
		buf_addf(b, "%lld min %lld s", (long long)(s / 60), (long long)(s % 60));
	else if (s < 86400)
		buf_addf(b, "%lld h %lld min", (long long)(s / 3600), (long long)(s / 60 % 60));
	else
		buf_addf(b, "%lld d %lld h", (long long)(s / 86400), (long long)(s / 3600 % 24));
}
