/*
 * parse_int.h - what the format readers of src/logs share inside the module: adding fields to an event, the
 * arena, small scanners, and each format's line parser (dispatched by log_parse in parse.c).
 */
#ifndef LB_LOGS_PARSE_INT_H
#define LB_LOGS_PARSE_INT_H

#include "logs/reader.h"

#include <string.h>

/* Add a field whose name and value outlive the event (point into the line, a literal, or the arena). Returns 0,
 * or -1 when the event is full (the field is dropped: LOG_FIELDS_MAX is far above any real format). */
static inline int ev_add(struct log_event *e, const char *name, size_t nlen, const char *val, size_t vlen)
{
	if (e->nfields >= LOG_FIELDS_MAX)
		return -1;
	struct log_field *f = &e->f[e->nfields++];
	f->name = name;
	f->name_len = (uint32_t)nlen;
	f->val = val;
	f->val_len = (uint32_t)vlen;
	return 0;
}
#define EV_ADD_LIT(e, lit, v, vl) ev_add((e), lit, sizeof(lit) - 1, (v), (vl))

/* n bytes of the event's arena, NULL when it is full. */
static inline char *ev_alloc(struct log_event *e, size_t n)
{
	if (n > LOG_ARENA - e->arena_used)
		return NULL;
	char *p = e->arena + e->arena_used;
	e->arena_used += n;
	return p;
}
/* A copy of s in the arena (for names and values that only lived in a scratch buffer). */
const char *ev_copy(struct log_event *e, const char *s, size_t n);

/* Start an event over line (msg = the whole line, no fields, no logsource). */
void ev_reset(struct log_event *e, const char *line, size_t len, enum log_format fmt);

static inline int is_digit(int c)
{
	return c >= '0' && c <= '9';
}
/* Does [p, p+n) start with the literal? */
#define STARTS(p, n, lit) ((n) >= sizeof(lit) - 1 && !memcmp((p), lit, sizeof(lit) - 1))
/* Find lit in [p, p+n); NULL when absent. */
const char *mem_find(const char *p, size_t n, const char *lit, size_t litlen);
#define FIND(p, n, lit) mem_find((p), (n), lit, sizeof(lit) - 1)

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* Parse an RFC 3339 / ISO 8601 time "2026-12-07T10:00:00[.fff][Z|+09:00]" (also with ' ' for 'T'); ms since the
 * epoch in *ms. A time without an offset is taken as UTC. Returns the bytes read, 0 when it is not one. */
size_t parse_iso_time(const char *p, size_t n, int64_t *ms);

/* The parsers, one per format: fill e from [line, line+len). Return 0, or -1 when the line is malformed for the
 * format (e keeps msg = the whole line and no fields). */
int parse_syslog(struct log_event *e, const char *line, size_t len, int64_t ref_ms);
int parse_journal_export(struct log_event *e, const char *rec, size_t len);
int parse_json_event(struct log_event *e, const char *line, size_t len, enum log_format fmt);
int parse_fortigate(struct log_event *e, const char *line, size_t len);

/* journald's fields (from export or -o json) to host, process, pid, msg, time and the program's fields. */
void journal_finish(struct log_event *e);

/* The program-specific fields of a syslog / journald message (sshd, PAM, sudo, su, useradd, cron), and the
 * event's logsource from the program name. */
void extract_program(struct log_event *e, const char *prog, size_t plen, const char *msg, size_t mlen);

#endif
