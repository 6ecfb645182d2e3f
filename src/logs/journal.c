/*
 * journal.c - journald's export format (`journalctl -o export`): one entry is KEY=VALUE lines up to a blank line;
 * a value that is binary or holds a newline is "KEY\n", a 64-bit little-endian length, the bytes and "\n".
 * journal_finish() maps journald's fields for both export and -o json.
 */
#include "logs/parse_int.h"

#define LIT(s) s, sizeof(s) - 1

size_t log_journal_record_len(const char *p, size_t n, int at_eof);

/* The length of the entry at p including its blank line, 0 when it is not complete in n bytes. At EOF an entry
 * without the blank line ends at the end. */
size_t log_journal_record_len(const char *p, size_t n, int at_eof)
{
	size_t i = 0;
	while (i < n) {
		if (p[i] == '\n')
			return i + 1; /* the blank line */
		const char *nl = memchr(p + i, '\n', n - i);
		if (!nl)
			return at_eof ? n : 0;
		size_t ll = (size_t)(nl - (p + i));
		if (memchr(p + i, '=', ll)) {
			i += ll + 1;
			continue;
		}
		/* binary field: name, newline, le64 length, data, newline */
		size_t at = i + ll + 1;
		if (n - at < 8)
			return at_eof ? n : 0;
		uint64_t vl = 0;
		for (int k = 7; k >= 0; k--)
			vl = vl << 8 | (unsigned char)p[at + (size_t)k];
		if (vl > n - at - 8 || n - at - 8 - vl < 1)
			return at_eof ? n : (vl > (1u << 24) ? n : 0);
		i = at + 8 + (size_t)vl + 1;
	}
	return at_eof ? n : 0;
}

int parse_journal_export(struct log_event *e, const char *rec, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (rec[i] == '\n')
			break;
		const char *nl = memchr(rec + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (rec + i)) : len - i;
		const char *eq = memchr(rec + i, '=', ll);
		if (eq) {
			size_t kl = (size_t)(eq - (rec + i));
			if (!kl)
				return -1;
			ev_add(e, rec + i, kl, eq + 1, ll - kl - 1);
			i += ll + 1;
			continue;
		}
		size_t at = i + ll + 1;
		if (!nl || len - at < 8 || !ll)
			return -1;
		uint64_t vl = 0;
		for (int k = 7; k >= 0; k--)
			vl = vl << 8 | (unsigned char)rec[at + (size_t)k];
		if (vl > len - at - 8)
			return -1;
		ev_add(e, rec + i, ll, rec + at + 8, (size_t)vl);
		i = at + 8 + (size_t)vl + 1;
	}
	if (!e->nfields)
		return -1;
	/* the event's line is the entry without its blank line */
	e->line_len = len;
	while (e->line_len && e->line[e->line_len - 1] == '\n')
		e->line_len--;
	e->msg_len = e->line_len;
	journal_finish(e);
	return 0;
}

static const struct log_field *get(struct log_event *e, const char *name, size_t n)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->f[i].name_len == n && !memcmp(e->f[i].name, name, n))
			return &e->f[i];
	return NULL;
}

void journal_finish(struct log_event *e)
{
	const struct log_field *m = get(e, LIT("MESSAGE")), *ts = get(e, LIT("__REALTIME_TIMESTAMP")),
	                       *h = get(e, LIT("_HOSTNAME")), *id = get(e, LIT("SYSLOG_IDENTIFIER")),
	                       *pid = get(e, LIT("_PID"));
	if (!id)
		id = get(e, LIT("_COMM"));
	if (!pid)
		pid = get(e, LIT("SYSLOG_PID"));
	if (ts) {
		uint64_t us = 0; /* 19 digits at most: no overflow whatever the input */
		for (size_t i = 0; i < ts->val_len && i < 19 && is_digit(ts->val[i]); i++)
			us = us * 10 + (uint64_t)(ts->val[i] - '0');
		e->ts_ms = (int64_t)(us / 1000);
	}
	/* copy the pointers first: adding fields may not move them (a fixed array), but keep it plain */
	const char *mv = m ? m->val : NULL, *hv = h ? h->val : NULL, *iv = id ? id->val : NULL,
	           *pv = pid ? pid->val : NULL;
	size_t ml = m ? m->val_len : 0, hl = h ? h->val_len : 0, il = id ? id->val_len : 0, pl = pid ? pid->val_len : 0;
	if (hv)
		EV_ADD_LIT(e, "host", hv, hl);
	if (iv)
		EV_ADD_LIT(e, "process", iv, il);
	if (pv)
		EV_ADD_LIT(e, "pid", pv, pl);
	if (mv) {
		e->msg = mv;
		e->msg_len = ml;
	}
	extract_program(e, iv, il, mv ? mv : "", ml);
}
