/*
 * rules_corr.c - Sigma correlations at run time: sliding windows per group (the group-by values).
 *
 * Each group keeps only what its condition needs: event_count the times of its last `threshold` events,
 * value_count its last `threshold` distinct values, temporal the last time each referenced rule fired. A window
 * that reaches its condition raises one alert and starts again empty, so a burst of 30 failures against a
 * threshold of 20 raises one alert, not eleven. Groups are bounded (rs->groups_max): when full, the groups whose
 * window has passed go first, then the least recently seen quarter.
 * Events without a time (ts_ms 0) all fall into one window.
 */
#include "logs/rules_int.h"

#include <stdlib.h>
#include <string.h>

#define GROUPS_DEFAULT 65536
#define ENTRY_CAP_MAX 4096
#define CHAIN_MAX 8

struct entry {
	int64_t ts;
	uint64_t line;
	char *val; /* value_count */
};

struct group {
	struct group *next;
	uint64_t hash;
	int corr;
	char *key; /* the group values, each NUL-terminated, back to back */
	size_t keylen;
	int64_t last_ts;
	struct entry *e; /* ring: n entries from head */
	size_t head, n, cap;
	int64_t *seen_ts; /* temporal: per reference, 0 when unseen (ts + 1 stored) */
	uint64_t *seen_line;
	/* lt/lte (has_upper): one window from the group's first event, judged when it is over */
	uint64_t wn, wfirst_line, wlast_line;
	int64_t wstart, wlast_ts;
	int over;    /* value_count: more distinct values than upper */
	char *wfile; /* of the window's last event */
	const char *wfile_src;
};

struct logs_state {
	struct group **b;
	size_t nb, n;
	int64_t swept_ms; /* the stream time of the last look for windows over */
	int upper;        /* any correlation with lt/lte (1), none (-1), not looked yet (0) */
};

static uint64_t fnv(int corr, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)corr;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static void group_free(struct group *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->e[(g->head + i) % g->cap].val);
	free(g->e), free(g->key), free(g->seen_ts), free(g->seen_line), free(g->wfile);
	free(g);
}

size_t lr_state_groups(const struct logs_state *st)
{
	return st ? st->n : 0;
}

void lr_state_release(struct logs_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nb; i++)
		for (struct group *g = st->b[i], *nx; g; g = nx) {
			nx = g->next;
			group_free(g);
		}
	free(st->b);
	free(st);
}

/* Drop groups whose window has passed at `now`; when that frees too little, the least recently seen quarter. */
static void expire(struct logs_ruleset *rs, int64_t now)
{
	struct logs_state *st = rs->state;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (int pass = 0; pass < 2; pass++) {
		int64_t cut = pass == 0 || lo > hi ? 0 : lo + (hi - lo) / 4;
		for (size_t i = 0; i < st->nb; i++)
			for (struct group **pp = &st->b[i]; *pp;) {
				struct group *g = *pp;
				int old =
				        pass == 0 ? g->last_ts < now - rs->corrs[g->corr]->span_ms : g->last_ts <= cut;
				if (old) {
					*pp = g->next;
					group_free(g);
					st->n--;
					continue;
				}
				if (g->last_ts < lo)
					lo = g->last_ts;
				if (g->last_ts > hi)
					hi = g->last_ts;
				pp = &g->next;
			}
		size_t max = rs->groups_max ? rs->groups_max : GROUPS_DEFAULT;
		if (st->n < max - max / 8 || st->n == 0)
			return;
	}
}

static struct group *group_get(struct logs_ruleset *rs, int corr, const char *key, size_t keylen, int64_t now)
{
	if (!rs->state) {
		rs->state = lb_calloc(1, sizeof *rs->state);
		rs->state->nb = 1024;
		rs->state->b = lb_calloc(rs->state->nb, sizeof *rs->state->b);
	}
	struct logs_state *st = rs->state;
	uint64_t h = fnv(corr, key, keylen);
	for (struct group *g = st->b[h % st->nb]; g; g = g->next)
		if (g->hash == h && g->corr == corr && g->keylen == keylen && !memcmp(g->key, key, keylen))
			return g;
	size_t max = rs->groups_max ? rs->groups_max : GROUPS_DEFAULT;
	if (st->n >= max)
		expire(rs, now);
	if (st->n >= 2 * st->nb) { /* grow the table */
		size_t nb = st->nb * 4;
		struct group **b = lb_calloc(nb, sizeof *b);
		for (size_t i = 0; i < st->nb; i++)
			for (struct group *g = st->b[i], *nx; g; g = nx) {
				nx = g->next;
				g->next = b[g->hash % nb];
				b[g->hash % nb] = g;
			}
		free(st->b);
		st->b = b;
		st->nb = nb;
	}
	const struct logs_corr *c = rs->corrs[corr];
	struct group *g = lb_calloc(1, sizeof *g);
	g->hash = h;
	g->corr = corr;
	g->key = lb_malloc(keylen + 1);
	memcpy(g->key, key, keylen);
	g->key[keylen] = 0;
	g->keylen = keylen;
	uint64_t want = c->has_upper ? (c->type == LR_C_VALUE_COUNT ? c->upper + 1 : 1) : c->threshold;
	g->cap = want < ENTRY_CAP_MAX ? (size_t)want : ENTRY_CAP_MAX;
	if (g->cap == 0)
		g->cap = 1;
	if (c->type >= LR_C_TEMPORAL) {
		g->seen_ts = lb_calloc(c->nrefs, sizeof *g->seen_ts);
		g->seen_line = lb_calloc(c->nrefs, sizeof *g->seen_line);
	} else {
		g->e = lb_calloc(g->cap, sizeof *g->e);
	}
	g->next = st->b[h % st->nb];
	st->b[h % st->nb] = g;
	st->n++;
	return g;
}

static struct entry *at(struct group *g, size_t i)
{
	return &g->e[(g->head + i) % g->cap];
}

static void drop_front(struct group *g)
{
	free(at(g, 0)->val);
	at(g, 0)->val = NULL;
	g->head = (g->head + 1) % g->cap;
	g->n--;
}

static void push(struct group *g, int64_t ts, uint64_t line, char *val)
{
	if (g->n == g->cap)
		drop_front(g);
	struct entry *x = at(g, g->n);
	x->ts = ts;
	x->line = line;
	x->val = val;
	g->n++;
}

/* The group values of a hit: from the inner correlation's groups, else from the event's fields. */
static const char *group_value(const struct log_event *e, const struct logs_alert *hit, const char *name, size_t *len)
{
	if (hit && hit->is_correlation)
		for (size_t i = 0; i < hit->ngroup; i++)
			if (!strcmp(hit->group_names[i], name)) {
				*len = strlen(hit->group_values[i]);
				return hit->group_values[i];
			}
	const struct log_field *f = log_event_get(e, name, strlen(name));
	if (!f)
		return NULL;
	*len = f->val_len;
	return f->val;
}

static const char *type_name(enum lr_ctype t)
{
	static const char *n[] = {"event_count", "value_count", "temporal", "temporal_ordered"};
	return n[t];
}

/* ---- lt/lte: windows judged when they are over ---------------------------------------------------------------
 * The window starts at the group's first event and lasts the timespan; when it is over (an event of the group
 * after it, or the clock: logs_rules_tick, or the stream's time: the next events of any group) its count is
 * judged against [threshold, upper]. So "fewer than 3 logins in an hour" for a user who logged in once fires an
 * hour after that login. A window still open when the input ends is not judged. */

static void window_close(struct logs_ruleset *rs, int corr, struct group *g, logs_alert_fn cb, void *arg)
{
	const struct logs_corr *c = rs->corrs[corr];
	uint64_t count = c->type == LR_C_VALUE_COUNT ? (uint64_t)g->n : g->wn;
	int fire = g->wn && !g->over && count >= c->threshold && count <= c->upper;
	if (fire && cb) {
		struct logs_alert a = {0};
		a.rule_id = c->id ? c->id : c->title_en;
		a.title_en = c->title_en;
		a.title_ja = c->title_ja;
		a.level = c->level;
		a.author = c->author;
		a.tags = (const char *const *)c->tags;
		a.ntags = c->ntags;
		a.file = g->wfile ? g->wfile : "";
		a.lineno = g->wlast_line;
		a.ts_ms = g->wlast_ts;
		a.is_correlation = 1;
		a.corr_type = type_name(c->type);
		a.ngroup = c->ngroup;
		const char *kv = g->key;
		for (size_t i = 0; i < c->ngroup; i++) {
			a.group_names[i] = c->group[i];
			a.group_values[i] = kv;
			kv += strlen(kv) + 1;
		}
		a.count = count;
		a.first_lineno = g->wfirst_line;
		a.last_lineno = g->wlast_line;
		a.first_ts_ms = g->wstart;
		a.last_ts_ms = g->wlast_ts;
		cb(&a, arg); /* not fed to other correlations: there is no event to give them */
	}
	while (g->n)
		drop_front(g);
	g->wn = 0;
	g->over = 0;
}

static void window_add(struct logs_ruleset *rs, int corr, struct group *g, const struct log_event *e, logs_alert_fn cb,
                       void *arg)
{
	const struct logs_corr *c = rs->corrs[corr];
	int64_t ts = e->ts_ms;
	if (g->wn && ts >= g->wstart + c->span_ms)
		window_close(rs, corr, g, cb, arg);
	if (c->type == LR_C_VALUE_COUNT) {
		const struct log_field *f = log_event_get(e, c->field, strlen(c->field));
		if (!f)
			return;
		int seen = 0;
		for (size_t i = 0; i < g->n && !seen; i++)
			seen = strlen(at(g, i)->val) == f->val_len && !memcmp(at(g, i)->val, f->val, f->val_len);
		if (!seen && g->n == g->cap)
			g->over = 1; /* more distinct values than the condition allows: the window cannot fire */
		else if (!seen)
			push(g, ts, e->lineno, lb_strndup(f->val, f->val_len));
	}
	if (!g->wn) {
		g->wstart = ts;
		g->wfirst_line = e->lineno;
	}
	g->wn++;
	g->wlast_line = e->lineno;
	g->wlast_ts = ts;
	if (e->file != g->wfile_src || !g->wfile) {
		free(g->wfile);
		g->wfile = lb_strdup(e->file ? e->file : "");
		g->wfile_src = e->file;
	}
}

void lr_corr_sweep(struct logs_ruleset *rs, int64_t now_ms, logs_alert_fn cb, void *arg)
{
	struct logs_state *st = rs->state;
	if (!st || now_ms < st->swept_ms + 1000)
		return;
	st->swept_ms = now_ms;
	if (!st->upper) {
		st->upper = -1;
		for (size_t i = 0; i < rs->ncorrs; i++)
			if (rs->corrs[i]->has_upper)
				st->upper = 1;
	}
	if (st->upper < 0)
		return; /* nothing to judge by the clock: no walk over the groups */
	for (size_t i = 0; i < st->nb; i++)
		for (struct group *g = st->b[i]; g; g = g->next) {
			const struct logs_corr *c = rs->corrs[g->corr];
			if (c->has_upper && g->wn && now_ms >= g->wstart + c->span_ms)
				window_close(rs, g->corr, g, cb, arg);
		}
}

void logs_rules_tick(struct logs_ruleset *rs, int64_t now_ms, logs_alert_fn cb, void *arg)
{
	lr_corr_sweep(rs, now_ms, cb, arg);
}

void lr_corr_feed(struct logs_ruleset *rs, int corr, int pos, const struct log_event *e, const struct logs_alert *hit,
                  logs_alert_fn cb, void *arg)
{
	const struct logs_corr *c = rs->corrs[corr];
	struct buf key = {0};
	for (size_t i = 0; i < c->ngroup; i++) {
		size_t n;
		const char *v = group_value(e, hit, c->group[i], &n);
		if (!v || memchr(v, 0, n)) { /* an event without the group field is not counted */
			buf_release(&key);
			return;
		}
		buf_add(&key, v, n);
		buf_addch(&key, 0);
	}
	int64_t ts = e->ts_ms;
	struct group *g = group_get(rs, corr, key.data ? key.data : "", key.len, ts);
	buf_release(&key);
	g->last_ts = ts;
	if (c->has_upper) {
		window_add(rs, corr, g, e, cb, arg);
		return;
	}
	uint64_t count = 0, first_line = e->lineno;
	int64_t first_ts = ts;
	int fire = 0;
	if (c->type == LR_C_EVENT_COUNT || c->type == LR_C_VALUE_COUNT) {
		while (g->n && at(g, 0)->ts < ts - c->span_ms)
			drop_front(g);
		char *val = NULL;
		if (c->type == LR_C_VALUE_COUNT) {
			const struct log_field *f = log_event_get(e, c->field, strlen(c->field));
			if (!f)
				return;
			for (size_t i = 0; i < g->n; i++) /* a value seen again moves to the back */
				if (strlen(at(g, i)->val) == f->val_len && !memcmp(at(g, i)->val, f->val, f->val_len)) {
					char *old = at(g, i)->val;
					for (size_t k = i; k + 1 < g->n; k++)
						*at(g, k) = *at(g, k + 1);
					g->n--;
					free(old);
					break;
				}
			val = lb_strndup(f->val, f->val_len);
		}
		push(g, ts, e->lineno, val);
		count = g->n;
		fire = c->op < 0 ? count == c->threshold : count >= c->threshold;
		if (fire) {
			first_line = at(g, 0)->line;
			first_ts = at(g, 0)->ts;
		}
	} else {
		for (size_t k = 0; k < c->nrefs; k++)
			if (g->seen_ts[k] && g->seen_ts[k] - 1 < ts - c->span_ms)
				g->seen_ts[k] = 0;
		if (c->type == LR_C_TEMPORAL_ORDERED && pos > 0 && !g->seen_ts[pos - 1])
			return; /* out of order: does not count */
		g->seen_ts[pos] = ts + 1;
		g->seen_line[pos] = e->lineno;
		fire = 1;
		for (size_t k = 0; k < c->nrefs; k++) {
			if (!g->seen_ts[k]) {
				fire = 0;
				continue;
			}
			count++;
			if (g->seen_ts[k] - 1 < first_ts)
				first_ts = g->seen_ts[k] - 1, first_line = g->seen_line[k];
		}
	}
	if (!fire)
		return;
	struct logs_alert a = {0};
	a.rule_id = c->id ? c->id : c->title_en;
	a.title_en = c->title_en;
	a.title_ja = c->title_ja;
	a.level = c->level;
	a.author = c->author;
	a.tags = (const char *const *)c->tags;
	a.ntags = c->ntags;
	a.file = e->file;
	a.lineno = e->lineno;
	a.ts_ms = ts;
	a.event = e;
	a.nfields = hit ? hit->nfields : 0;
	if (hit)
		memcpy(a.fields, hit->fields, sizeof a.fields);
	a.is_correlation = 1;
	a.corr_type = type_name(c->type);
	a.ngroup = c->ngroup;
	/* a copy: feeding an outer correlation may expire this group */
	char *keycopy = lb_malloc(g->keylen + 1);
	memcpy(keycopy, g->key, g->keylen + 1);
	const char *kv = keycopy;
	for (size_t i = 0; i < c->ngroup; i++) {
		a.group_names[i] = c->group[i];
		a.group_values[i] = kv;
		kv += strlen(kv) + 1;
	}
	a.count = count;
	a.first_lineno = first_line;
	a.last_lineno = e->lineno;
	a.first_ts_ms = first_ts;
	a.last_ts_ms = ts;
	/* start the window again: one alert per burst */
	while (g->n)
		drop_front(g);
	if (g->seen_ts)
		memset(g->seen_ts, 0, c->nrefs * sizeof *g->seen_ts);
	/* a correlation is an alert of its own even when another correlation counts it (docs/log-rules.md) */
	if (cb)
		cb(&a, arg);
	/* correlations of correlations; a cycle (A counts B counts A) stops at the depth bound */
	static _Thread_local int depth;
	if (depth < CHAIN_MAX) {
		depth++;
		for (size_t k = 0; k < c->ncorr_of; k++)
			lr_corr_feed(rs, c->corr_of[2 * k], c->corr_of[2 * k + 1], e, &a, cb, arg);
		depth--;
	}
	free(keycopy);
}
