/*
 * logs_fixture.h - events built by hand for the rule tests (the readers are tested on their own), and an alert
 * collector. ev_new(product, service, ts_ms, lineno, msg, "name=value", …, NULL): values copied into the event's
 * arena, as a reader would decode them.
 */
#ifndef LB_TEST_LOGS_FIXTURE_H
#define LB_TEST_LOGS_FIXTURE_H

#include "logs/rules.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static LB_UNUSED char *ev_copy(struct log_event *e, const char *s, size_t n)
{
	assert_true(e->arena_used + n + 1 <= LOG_ARENA);
	char *d = e->arena + e->arena_used;
	memcpy(d, s, n);
	d[n] = 0;
	e->arena_used += n + 1;
	return d;
}

static LB_UNUSED struct log_event *ev_new(const char *product, const char *service, int64_t ts, uint64_t lineno,
                                          const char *msg, ...)
{
	struct log_event *e = calloc(1, sizeof *e);
	assert_non_null(e);
	e->product = product;
	e->service = service;
	e->ts_ms = ts;
	e->file = "test.log";
	e->lineno = lineno;
	if (msg) {
		e->msg = ev_copy(e, msg, strlen(msg));
		e->msg_len = strlen(msg);
		e->line = e->msg;
		e->line_len = e->msg_len;
	}
	va_list ap;
	va_start(ap, msg);
	for (const char *kv; (kv = va_arg(ap, const char *));) {
		const char *eq = strchr(kv, '=');
		assert_non_null(eq);
		struct log_field *f = &e->f[e->nfields++];
		f->name = ev_copy(e, kv, (size_t)(eq - kv));
		f->name_len = (uint32_t)(eq - kv);
		f->val = ev_copy(e, eq + 1, strlen(eq + 1));
		f->val_len = (uint32_t)strlen(eq + 1);
	}
	va_end(ap);
	return e;
}

#define ALERTS_MAX 256
struct alerts {
	int n, ncorr;
	char id[ALERTS_MAX][80];
	char group[ALERTS_MAX][80];   /* first group value of a correlation */
	char fields[ALERTS_MAX][160]; /* "name=value," of the matched fields */
	uint64_t count[ALERTS_MAX], first[ALERTS_MAX], last[ALERTS_MAX];
};

static LB_UNUSED void collect(const struct logs_alert *a, void *arg)
{
	struct alerts *al = arg;
	if (al->n >= ALERTS_MAX)
		return;
	snprintf(al->id[al->n], sizeof al->id[0], "%s", a->rule_id);
	if (a->is_correlation) {
		al->ncorr++;
		snprintf(al->group[al->n], sizeof al->group[0], "%s", a->ngroup ? a->group_values[0] : "");
		al->count[al->n] = a->count;
		al->first[al->n] = a->first_lineno;
		al->last[al->n] = a->last_lineno;
	}
	char *o = al->fields[al->n];
	o[0] = 0;
	for (size_t i = 0; i < a->nfields; i++) {
		size_t k = strlen(o);
		snprintf(o + k, sizeof al->fields[0] - k, "%.*s=%.*s,", (int)a->fields[i]->name_len, a->fields[i]->name,
		         (int)a->fields[i]->val_len, a->fields[i]->val);
	}
	al->n++;
}

/* Match one event, free it, and return the alerts it raised. */
static LB_UNUSED int feed(struct logs_ruleset *rs, struct log_event *e, struct alerts *al)
{
	int before = al->n;
	logs_rules_match(rs, e, collect, al);
	free(e);
	return al->n - before;
}

#endif
