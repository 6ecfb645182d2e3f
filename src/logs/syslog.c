/*
 * syslog.c - RFC 3164 ("Dec  7 10:00:00 host sshd[123]: …", also with an RFC 3339 stamp as rsyslog writes) and
 * RFC 5424 ("<34>1 2026-12-07T10:00:00Z host app pid msgid [sd] msg"), told apart per line; then the program's
 * own fields (progs.c).
 */
#include "logs/parse_int.h"

#include <time.h>

static const char *const facilities[24] = {"kern",   "user",   "mail",   "daemon", "auth",     "syslog",
                                           "lpr",    "news",   "uucp",   "cron",   "authpriv", "ftp",
                                           "ntp",    "audit",  "alert",  "clock",  "local0",   "local1",
                                           "local2", "local3", "local4", "local5", "local6",   "local7"};
static const char *const severities[8] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

/* The local zone's offset from UTC (s) near t: RFC 3164 stamps are local time. Computed once per hour of t, so
 * a file read across a DST change is right to the hour, and the cost is one localtime_r per hour of log. */
static int64_t local_offset(int64_t t)
{
	static _Thread_local int64_t hour = -1, off;
	if (t / 3600 != hour) {
		time_t tt = (time_t)t;
		struct tm lt;
		if (localtime_r(&tt, &lt))
			off = lt.tm_gmtoff;
		hour = t / 3600;
	}
	return off;
}

static int month_of(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int i = 0; i < 12; i++)
		if (p[0] == names[i * 3] && p[1] == names[i * 3 + 1] && p[2] == names[i * 3 + 2])
			return i + 1;
	return 0;
}

static int two(const char *p)
{
	return is_digit(p[0]) && is_digit(p[1]) ? (p[0] - '0') * 10 + (p[1] - '0') : -1;
}

/* "Dec  7 10:00:00" (15 bytes) → ms, the year inferred from ref_ms: the stamp's year is ref's unless that puts it
 * more than a month after ref (a December line read in January is last year's). */
static int bsd_time(const char *p, size_t n, int64_t ref_ms, int64_t *ms)
{
	if (n < 15 || p[3] != ' ' || p[6] != ' ' || p[9] != ':' || p[12] != ':')
		return -1;
	int mo = month_of(p);
	int d = p[4] == ' ' ? (is_digit(p[5]) ? p[5] - '0' : -1) : two(p + 4);
	int h = two(p + 7), mi = two(p + 10), s = two(p + 13);
	if (!mo || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return -1;
	int64_t ref = ref_ms / 1000;
	int64_t rdays = ref / 86400;
	/* civil year of ref */
	int64_t y = 1970 + rdays / 366;
	while (days_from_civil(y + 1, 1, 1) <= rdays)
		y++;
	int64_t t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
	if (t - ref > 31 * 86400)
		t = days_from_civil(y - 1, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
	t -= local_offset(t);
	*ms = t * 1000;
	return 0;
}

static size_t token(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] != ' ')
		i++;
	return i;
}

static void add_pri(struct log_event *e, int pri)
{
	const char *fac = facilities[(pri >> 3) < 24 ? pri >> 3 : 23], *sev = severities[pri & 7];
	EV_ADD_LIT(e, "facility", fac, strlen(fac));
	EV_ADD_LIT(e, "severity", sev, strlen(sev));
}

/* RFC 5424 structured data "[id k="v" …][…]" → fields "id.k"; returns the bytes it took, or 0 if malformed. */
static size_t structured_data(struct log_event *e, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] == '[') {
		size_t id0 = ++i;
		while (i < n && p[i] != ' ' && p[i] != ']')
			i++;
		size_t idlen = i - id0;
		while (i < n && p[i] == ' ') {
			size_t k0 = ++i;
			while (i < n && p[i] != '=' && p[i] != ' ' && p[i] != ']')
				i++;
			if (i + 1 >= n || p[i] != '=' || p[i + 1] != '"')
				return 0;
			size_t klen = i - k0;
			i += 2;
			size_t v0 = i;
			int esc = 0;
			while (i < n && p[i] != '"') {
				if (p[i] == '\\' && i + 1 < n)
					esc = 1, i++;
				i++;
			}
			if (i >= n)
				return 0;
			const char *val = p + v0;
			size_t vlen = i - v0;
			i++;
			if (esc) {
				char *d = ev_alloc(e, vlen);
				if (!d)
					continue;
				size_t o = 0;
				for (size_t j = 0; j < vlen; j++) {
					if (val[j] == '\\' && j + 1 < vlen &&
					    (val[j + 1] == '"' || val[j + 1] == '\\' || val[j + 1] == ']'))
						j++;
					d[o++] = val[j];
				}
				e->arena_used -= vlen - o;
				val = d;
				vlen = o;
			}
			char *name = ev_alloc(e, idlen + 1 + klen);
			if (!name)
				continue;
			memcpy(name, p + id0, idlen);
			name[idlen] = '.';
			memcpy(name + idlen + 1, p + k0, klen);
			ev_add(e, name, idlen + 1 + klen, val, vlen);
		}
		if (i >= n || p[i] != ']')
			return 0;
		i++;
	}
	return i;
}

static int parse_5424(struct log_event *e, const char *p, size_t n, int pri)
{
	/* TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG, '-' for nil */
	const char *tok[5];
	size_t tl[5], i = 0;
	for (int k = 0; k < 5; k++) {
		tok[k] = p + i;
		tl[k] = token(p + i, n - i);
		i += tl[k];
		if (i >= n || p[i] != ' ')
			return -1;
		i++;
	}
	add_pri(e, pri);
	int64_t ms;
	if (tl[0] > 1 && parse_iso_time(tok[0], tl[0], &ms) == tl[0])
		e->ts_ms = ms;
	else if (!(tl[0] == 1 && tok[0][0] == '-'))
		return -1;
#define NIL(k) (tl[k] == 1 && tok[k][0] == '-')
	if (!NIL(1))
		EV_ADD_LIT(e, "host", tok[1], tl[1]);
	if (!NIL(2))
		EV_ADD_LIT(e, "process", tok[2], tl[2]);
	if (!NIL(3))
		EV_ADD_LIT(e, "pid", tok[3], tl[3]);
	if (!NIL(4))
		EV_ADD_LIT(e, "msgid", tok[4], tl[4]);
	if (i < n && p[i] == '-') {
		i++;
	} else if (i < n && p[i] == '[') {
		size_t sd = structured_data(e, p + i, n - i);
		if (!sd)
			return -1;
		i += sd;
	}
	if (i < n && p[i] == ' ')
		i++;
	if (n - i >= 3 && !memcmp(p + i, "\xEF\xBB\xBF", 3))
		i += 3;
	e->msg = p + i;
	e->msg_len = n - i;
	extract_program(e, NIL(2) ? NULL : tok[2], NIL(2) ? 0 : tl[2], e->msg, e->msg_len);
#undef NIL
	return 0;
}

int parse_syslog(struct log_event *e, const char *line, size_t len, int64_t ref_ms)
{
	const char *p = line;
	size_t n = len, i = 0;
	int pri = -1;
	if (n > 2 && p[0] == '<') {
		int v = 0;
		i = 1;
		while (i < n && i < 5 && is_digit(p[i]))
			v = v * 10 + (p[i++] - '0');
		if (i < n && p[i] == '>' && i > 1 && v < 192) {
			pri = v;
			i++;
		} else {
			i = 0;
		}
	}
	if (pri >= 0 && n - i > 2 && p[i] == '1' && p[i + 1] == ' ')
		return parse_5424(e, p + i + 2, n - i - 2, pri);
	p += i;
	n -= i;
	int64_t ms;
	size_t tl;
	if (bsd_time(p, n, ref_ms, &ms) == 0)
		tl = 15;
	else if (!(tl = parse_iso_time(p, n, &ms)))
		return -1;
	if (tl >= n || p[tl] != ' ')
		return -1;
	e->ts_ms = ms;
	if (pri >= 0)
		add_pri(e, pri);
	p += tl + 1;
	n -= tl + 1;
	size_t hl = token(p, n);
	if (!hl || hl >= n)
		return -1;
	EV_ADD_LIT(e, "host", p, hl);
	p += hl + 1;
	n -= hl + 1;
	/* TAG: prog[pid]: or prog: ; a message without one keeps no process */
	size_t t = 0;
	while (t < n && p[t] != '[' && p[t] != ':' && p[t] != ' ')
		t++;
	const char *prog = p;
	size_t plen = t;
	const char *msg = p;
	size_t mlen = n;
	if (t < n && p[t] == '[') {
		size_t q = t + 1;
		while (q < n && p[q] != ']')
			q++;
		if (q + 1 < n && p[q + 1] == ':') {
			EV_ADD_LIT(e, "process", prog, plen);
			EV_ADD_LIT(e, "pid", p + t + 1, q - t - 1);
			msg = p + q + 2;
			mlen = n - q - 2;
		} else {
			plen = 0;
		}
	} else if (t < n && p[t] == ':' && t) {
		EV_ADD_LIT(e, "process", prog, plen);
		msg = p + t + 1;
		mlen = n - t - 1;
	} else {
		plen = 0;
	}
	if (mlen && msg[0] == ' ')
		msg++, mlen--;
	e->msg = msg;
	e->msg_len = mlen;
	extract_program(e, plen ? prog : NULL, plen, msg, mlen);
	return 0;
}
