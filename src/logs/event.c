/*
 * event.c - the event's field lookup and arena, the dispatch from a format to its parser, format detection, and
 * the time helpers the parsers share.
 */
#include "core/core.h"
#include "logs/parse_int.h"

#include <string.h>

static int name_eq(const struct log_field *f, const char *name, size_t n)
{
	return f->name_len == n && !memcmp(f->name, name, n);
}

static const struct log_field *find(const struct log_event *e, const char *name, size_t n)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (name_eq(&e->f[i], name, n))
			return &e->f[i];
	return NULL;
}

const struct log_field *log_event_get(const struct log_event *e, const char *name, size_t name_len)
{
	const struct log_field *f = find(e, name, name_len);
	if (f)
		return f;
	/* The aliases rules may use (docs/log-rules.md): asked only when the exact name is absent, so Suricata's own
	 * src_ip is answered first. */
	if ((name_len == 9 && !memcmp(name, "client_ip", 9)) || (name_len == 6 && !memcmp(name, "src_ip", 6)))
		return find(e, "source_ip", 9);
	if (name_len == 9 && !memcmp(name, "user_name", 9))
		return find(e, "user", 4);
	return NULL;
}

const char *ev_copy(struct log_event *e, const char *s, size_t n)
{
	char *p = ev_alloc(e, n ? n : 1);
	if (p && n)
		memcpy(p, s, n);
	return p;
}

void ev_reset(struct log_event *e, const char *line, size_t len, enum log_format fmt)
{
	e->line = line;
	e->line_len = len;
	e->msg = line;
	e->msg_len = len;
	e->ts_ms = 0;
	e->product = e->service = e->category = NULL;
	e->format = fmt;
	e->nfields = 0;
	e->arena_used = 0;
}

const char *mem_find(const char *p, size_t n, const char *lit, size_t litlen)
{
	if (litlen == 0)
		return p;
	while (n >= litlen) {
		const char *q = memchr(p, lit[0], n - litlen + 1);
		if (!q)
			return NULL;
		if (!memcmp(q, lit, litlen))
			return q;
		n -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return NULL;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int num(const char *p, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

size_t parse_iso_time(const char *p, size_t n, int64_t *ms)
{
	if (n < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' ') || p[13] != ':' || p[16] != ':')
		return 0;
	int y = num(p, 4), mo = num(p + 5, 2), d = num(p + 8, 2), h = num(p + 11, 2), mi = num(p + 14, 2),
	    s = num(p + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return 0;
	size_t i = 19;
	int frac = 0, digits = 0;
	if (i < n && (p[i] == '.' || p[i] == ',')) {
		i++;
		while (i < n && is_digit(p[i])) {
			if (digits < 3)
				frac = frac * 10 + (p[i] - '0'), digits++;
			i++;
		}
		while (digits < 3)
			frac *= 10, digits++;
	}
	int64_t off = 0;
	if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
		i++;
	} else if (i + 5 <= n && (p[i] == '+' || p[i] == '-')) { /* +09:00, or +0900 as Suricata writes it */
		int colon = i + 6 <= n && p[i + 3] == ':';
		int oh = num(p + i + 1, 2), om = num(p + i + 3 + colon, 2);
		if (oh >= 0 && om >= 0) {
			off = (p[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
			i += 5 + (size_t)colon;
		}
	}
	int64_t secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s - off;
	*ms = secs * 1000 + frac;
	return i;
}

const char *log_format_name(enum log_format f)
{
	static const char *const names[LOG_FMT_COUNT] = {"auto",     "syslog",    "journal", "windows",
	                                                 "suricata", "fortigate", "json"};
	return (unsigned)f < LOG_FMT_COUNT ? names[f] : "?";
}

int log_format_parse(const char *s, enum log_format *out)
{
	for (int f = 0; f < LOG_FMT_COUNT; f++)
		if (!strcmp(s, log_format_name((enum log_format)f))) {
			*out = (enum log_format)f;
			return 0;
		}
	return lb_error_tr(LB_EINVAL,
	                   "unknown log format '%s' (auto, syslog, journal, windows, suricata, fortigate, json)",
	                   "不明なログ形式 '%s' です (auto, syslog, journal, windows, suricata, fortigate, json)", s);
}

enum log_format log_format_detect(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	const char *p = buf + i;
	size_t n = len - i;
	const char *nl = memchr(p, '\n', n);
	size_t ln = nl ? (size_t)(nl - p) : n;
	if (ln && p[0] == '{') {
		if (FIND(p, ln, "\"__REALTIME_TIMESTAMP\"") || FIND(p, ln, "\"__CURSOR\""))
			return LOG_FMT_JOURNAL;
		if (FIND(p, ln, "\"winlog\"") || (FIND(p, ln, "\"Event\"") && FIND(p, ln, "\"System\"")))
			return LOG_FMT_WINDOWS;
		if (FIND(p, ln, "\"event_type\""))
			return LOG_FMT_SURICATA;
		return LOG_FMT_JSON;
	}
	if (STARTS(p, ln, "__CURSOR=") || STARTS(p, ln, "__REALTIME_TIMESTAMP="))
		return LOG_FMT_JOURNAL;
	if ((FIND(p, ln, "date=") && FIND(p, ln, "time=")) &&
	    (FIND(p, ln, "logid=") || FIND(p, ln, "devname=") || FIND(p, ln, "subtype=")))
		return LOG_FMT_FORTIGATE;
	return LOG_FMT_SYSLOG;
}

int log_parse(enum log_format fmt, const char *line, size_t len, int64_t ref_ms, struct log_event *e)
{
	if (fmt == LOG_FMT_AUTO)
		fmt = log_format_detect(line, len);
	ev_reset(e, line, len, fmt);
	int rc;
	switch (fmt) {
	case LOG_FMT_JOURNAL:
		rc = len && line[0] == '{' ? parse_json_event(e, line, len, fmt) : parse_journal_export(e, line, len);
		break;
	case LOG_FMT_WINDOWS:
	case LOG_FMT_SURICATA:
	case LOG_FMT_JSON:
		rc = parse_json_event(e, line, len, fmt);
		break;
	case LOG_FMT_FORTIGATE:
		rc = parse_fortigate(e, line, len);
		break;
	default:
		rc = parse_syslog(e, line, len, ref_ms);
		break;
	}
	if (rc < 0)
		ev_reset(e, line, len, fmt);
	return rc;
}
