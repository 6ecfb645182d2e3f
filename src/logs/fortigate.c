/*
 * fortigate.c - FortiGate (FortiOS) key=value logs: `date=2026-12-07 time=10:00:00 devname="FGT" … subtype="vpn"
 * action="ssl-login-fail" remip=203.0.113.5 user="admin"`, optionally behind a syslog <PRI>. Quoted values with a
 * backslash are decoded into the arena; the rest point into the line.
 */
#include "logs/parse_int.h"

#include <stdio.h>

#define LIT(s) s, sizeof(s) - 1

static int keq(const struct log_field *f, const char *lit, size_t n)
{
	return f->name_len == n && !memcmp(f->name, lit, n);
}

/* At most 19 digits (nanoseconds since the epoch fit), so no input overflows it. */
static int64_t digits(const char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n && i < 19 && is_digit(p[i]); i++)
		v = v * 10 + (uint64_t)(p[i] - '0');
	return (int64_t)(v > INT64_MAX ? INT64_MAX : v);
}

int parse_fortigate(struct log_event *e, const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	if (p < end && *p == '<') {
		const char *g = memchr(p, '>', (size_t)(end - p) < 5 ? (size_t)(end - p) : 5);
		if (g)
			p = g + 1;
	}
	/* a syslog header before the first key (relays add one): skip to "date=" or the first key=value */
	const char *d = FIND(p, (size_t)(end - p), "date=");
	if (d && (d == p || d[-1] == ' '))
		p = d;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		const char *k = p;
		while (p < end && *p != '=' && *p != ' ')
			p++;
		if (p >= end || *p != '=' || p == k)
			return -1;
		size_t kl = (size_t)(p - k);
		p++;
		const char *v = p;
		size_t vl;
		if (p < end && *p == '"') {
			v = ++p;
			int esc = 0;
			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end)
					esc = 1, p++;
				p++;
			}
			if (p >= end)
				return -1;
			vl = (size_t)(p - v);
			p++;
			if (esc) {
				char *o = ev_alloc(e, vl);
				if (o) {
					size_t j = 0;
					for (size_t i = 0; i < vl; i++) {
						if (v[i] == '\\' && i + 1 < vl)
							i++;
						o[j++] = v[i];
					}
					e->arena_used -= vl - j;
					v = o;
					vl = j;
				}
			}
		} else {
			while (p < end && *p != ' ')
				p++;
			vl = (size_t)(p - v);
		}
		ev_add(e, k, kl, v, vl);
	}
	if (!e->nfields)
		return -1;
	e->product = "fortios";
	const struct log_field *date = NULL, *tim = NULL, *et = NULL, *tz = NULL, *ip = NULL;
	size_t n = e->nfields;
	for (size_t i = 0; i < n; i++) {
		const struct log_field *f = &e->f[i];
		if (keq(f, LIT("date")))
			date = f;
		else if (keq(f, LIT("time")))
			tim = f;
		else if (keq(f, LIT("eventtime")))
			et = f;
		else if (keq(f, LIT("tz")))
			tz = f;
		else if (keq(f, LIT("subtype"))) {
			char *s = ev_alloc(e, f->val_len + 1);
			if (s) {
				memcpy(s, f->val, f->val_len);
				s[f->val_len] = 0;
				e->service = s;
			}
		} else if (keq(f, LIT("msg")) || keq(f, LIT("logdesc"))) {
			if (keq(f, LIT("msg")) || e->msg == e->line) {
				e->msg = f->val;
				e->msg_len = f->val_len;
			}
		} else if ((keq(f, LIT("remip")) || keq(f, LIT("srcip"))) && !ip)
			ip = f;
	}
	if (ip)
		EV_ADD_LIT(e, "source_ip", ip->val, ip->val_len);
	if (et && et->val_len >= 10) {
		/* seconds, ms, µs or ns since the epoch, by the number of digits */
		int64_t v = digits(et->val, et->val_len);
		size_t nd = et->val_len;
		e->ts_ms = nd >= 19 ? v / 1000000 : nd >= 16 ? v / 1000 : nd >= 13 ? v : v * 1000;
	} else if (date && tim && date->val_len == 10 && tim->val_len >= 8) {
		char buf[40];
		int off = 0;
		if (tz && tz->val_len == 5 && (tz->val[0] == '+' || tz->val[0] == '-'))
			off = snprintf(buf, sizeof buf, "%.10sT%.8s%c%.2s:%.2s", date->val, tim->val, tz->val[0],
			               tz->val + 1, tz->val + 3);
		else
			off = snprintf(buf, sizeof buf, "%.10sT%.8s", date->val, tim->val);
		int64_t ms;
		if (off > 0 && parse_iso_time(buf, (size_t)off, &ms))
			e->ts_ms = ms;
	}
	return 0;
}
