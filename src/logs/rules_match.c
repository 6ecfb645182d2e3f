/*
 * rules_match.c - the compiled plan and the one pass per event.
 *
 * The plan: every rule whose condition cannot be true unless one of a set of literals occurs in the event (the
 * longest literal run of each value its detection needs) is "indexed": all those literals go, caseless, into one
 * Hyperscan database scanned once per event over the message and the field values (joined by newlines, so a
 * literal never spans two). A rule is evaluated only when one of its literals occurred; the others (a `not`
 * only, a regex, a cidr) every time. A literal is necessary because the matcher is sound: a value that matches
 * contains its literal, so the prefilter never hides a match.
 */
#include "logs/rules_int.h"

#include <hs/hs.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct logs_plan {
	hs_database_t *db;
	hs_scratch_t *scratch;
	char **lits;
	size_t nlits, caplits;
	int **lit_rules;
	size_t *nlit_rules;
	uint8_t *indexed;
	uint32_t *hit_gen;
	/* rules of the same logsource share one check per event: class per rule, a representative per class */
	int *ls_class, *ls_rep;
	size_t nls;
	int8_t *ls_ok;
	uint32_t gen;
	size_t nindexed;
	size_t nplanned; /* rules loaded after the compile are not in the plan and not matched */
	struct buf scan;
	uint64_t events, evaluated;
};

const char *logs_alert_title(const struct logs_alert *a)
{
	return (lb_lang() == LB_LANG_JA && a->title_ja) ? a->title_ja : a->title_en;
}

/* ---- evaluation ---------------------------------------------------------------------------------------------- */

static void note_field(struct logs_alert *a, const struct log_field *f)
{
	if (!a || !f)
		return;
	for (size_t i = 0; i < a->nfields; i++)
		if (a->fields[i] == f)
			return;
	if (a->nfields < LOGS_ALERT_FIELDS)
		a->fields[a->nfields++] = f;
}

/* lifeboat's own fields, from the event's time (docs/log-rules.md): hour 0-23 and weekday 0 (Sunday)-6, local. */
static int pseudo(const char *name, const struct log_event *e, char *out, size_t cap)
{
	if (!e->ts_ms)
		return 0;
	time_t t = (time_t)(e->ts_ms / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return 0;
	if (!strcmp(name, "hour"))
		snprintf(out, cap, "%d", tm.tm_hour);
	else if (!strcmp(name, "weekday"))
		snprintf(out, cap, "%d", tm.tm_wday);
	else
		return 0;
	return 1;
}

static int item_eval(const struct lr_item *it, const struct log_event *e, struct logs_alert *a)
{
	char tmp[16];
	const char *s;
	size_t n;
	const struct log_field *f = NULL;
	int present = 1;
	if (!it->field) {
		s = e->msg ? e->msg : e->line;
		n = e->msg ? e->msg_len : e->line_len;
		if (!s)
			s = "", n = 0;
	} else if (it->pseudo) {
		present = pseudo(it->field + 9, e, tmp, sizeof tmp);
		s = tmp;
		n = present ? strlen(tmp) : 0;
	} else {
		f = log_event_get(e, it->field, it->flen);
		present = f != NULL;
		s = f ? f->val : "";
		n = f ? f->val_len : 0;
	}
	int ok = it->all ? 1 : 0;
	for (size_t i = 0; i < it->nv; i++) {
		int m = lr_val_match(&it->v[i], s, n, present);
		if (it->all && !m) {
			ok = 0;
			break;
		}
		if (!it->all && m) {
			ok = 1;
			break;
		}
	}
	if (ok)
		note_field(a, f);
	return ok;
}

static int sel_eval(const struct lr_sel *s, const struct log_event *e, struct logs_alert *a)
{
	for (size_t k = 0; k < s->nalt; k++) {
		size_t i = 0;
		size_t before = a ? a->nfields : 0;
		while (i < s->alt[k].n && item_eval(&s->alt[k].items[i], e, a))
			i++;
		if (i == s->alt[k].n)
			return 1;
		if (a)
			a->nfields = before; /* a failed alternative names no field */
	}
	return 0;
}

static int node_eval(const struct logs_rule *r, const struct lr_node *n, const struct log_event *e,
                     struct logs_alert *a, int8_t *cache)
{
	switch (n->type) {
	case LR_N_SEL:
		if (cache[n->sel] < 0)
			cache[n->sel] = (int8_t)sel_eval(&r->sels[n->sel], e, a);
		return cache[n->sel];
	case LR_N_AND:
		return node_eval(r, n->a, e, a, cache) && node_eval(r, n->b, e, a, cache);
	case LR_N_OR:
		return node_eval(r, n->a, e, a, cache) || node_eval(r, n->b, e, a, cache);
	case LR_N_NOT: {
		/* fields under a `not` matched to exclude: they do not explain the alert */
		size_t before = a ? a->nfields : 0;
		int v = !node_eval(r, n->a, e, a, cache);
		if (a)
			a->nfields = before;
		return v;
	}
	case LR_N_OF: {
		size_t hits = 0, need = n->need ? n->need : n->nsels;
		for (size_t i = 0; i < n->nsels; i++) {
			int s = n->sels[i];
			if (cache[s] < 0)
				cache[s] = (int8_t)sel_eval(&r->sels[s], e, a);
			if (cache[s] && ++hits >= need)
				return 1;
		}
		return 0;
	}
	}
	return 0;
}

int lr_rule_eval(const struct logs_rule *r, const struct log_event *e, struct logs_alert *a)
{
	int8_t small[64], *cache = r->nsels <= 64 ? small : lb_malloc(r->nsels);
	memset(cache, -1, r->nsels);
	int v = node_eval(r, r->cond, e, a, cache);
	if (cache != small)
		free(cache);
	return v;
}

/* Sigma's linux `auth` service is every authentication log: sshd, sudo, su, login, PAM. */
static int service_ok(const char *rule, const char *ev)
{
	if (!rule || !ev || !strcmp(rule, ev))
		return 1;
	if (!strcmp(rule, "syslog")) { /* every program's lines in syslog or the journal */
		static const char *sys[] = {"syslog", "sshd", "sudo", "su", "cron", "auth"};
		for (size_t i = 0; i < LB_ARRAY_LEN(sys); i++)
			if (!strcmp(ev, sys[i]))
				return 1;
	}
	if (!strcmp(rule, "auth")) {
		static const char *auth[] = {"sshd", "sudo",           "su",   "login",
		                             "pam",  "systemd-logind", "auth", "authpriv"};
		for (size_t i = 0; i < LB_ARRAY_LEN(auth); i++)
			if (!strcmp(ev, auth[i]))
				return 1;
	}
	return 0;
}

/* A first cut: a logsource attribute the event does not know (NULL) does not exclude the rule. */
int lr_logsource_ok(const struct logs_rule *r, const struct log_event *e)
{
	if (r->product && e->product && strcmp(r->product, e->product) != 0)
		return 0;
	if (r->category && e->category && strcmp(r->category, e->category) != 0)
		return 0;
	return service_ok(r->service, e->service);
}

/* ---- the plan ------------------------------------------------------------------------------------------------ */

struct litset {
	int *v;
	size_t n;
	size_t minlen;
};

static void ls_free(struct litset *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int lit_id(struct logs_plan *p, const char *s, size_t n)
{
	for (size_t i = 0; i < p->nlits; i++) /* rule sets have hundreds of literals; loading is once */
		if (strlen(p->lits[i]) == n && memcmp(p->lits[i], s, n) == 0)
			return (int)i;
	if (p->nlits == p->caplits) {
		p->caplits = p->caplits ? 2 * p->caplits : 64;
		p->lits = lb_reallocarray(p->lits, p->caplits, sizeof *p->lits);
	}
	p->lits[p->nlits] = lb_strndup(s, n);
	return (int)p->nlits++;
}

static void ls_add(struct litset *s, int id, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return;
	s->v = lb_reallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = id;
	if (!s->minlen || len < s->minlen)
		s->minlen = len;
}

static void ls_union(struct litset *a, struct litset *b, struct logs_plan *p)
{
	for (size_t i = 0; i < b->n; i++)
		ls_add(a, b->v[i], strlen(p->lits[b->v[i]]));
	ls_free(b);
}

/* Keep the better of two sets in a (longer shortest literal, then fewer literals); -1 when neither exists. */
static int ls_best(struct litset *a, int ra, struct litset *b, int rb)
{
	if (ra < 0 && rb < 0)
		return -1;
	if (ra < 0 || (rb == 0 && (b->minlen > a->minlen || (b->minlen == a->minlen && b->n < a->n)))) {
		ls_free(a);
		*a = *b;
		b->v = NULL;
		return 0;
	}
	ls_free(b);
	return 0;
}

static int item_need(struct logs_plan *p, const struct lr_item *it, struct litset *out)
{
	memset(out, 0, sizeof *out);
	if (it->all) { /* every value must match: any one's literal is necessary */
		size_t best = 0;
		for (size_t i = 0; i < it->nv; i++)
			if (it->v[i].lit && it->v[i].litlen > best)
				best = it->v[i].litlen, out->n = i + 1;
		if (!best)
			return -1;
		size_t i = out->n - 1;
		out->n = 0;
		ls_add(out, lit_id(p, it->v[i].lit, it->v[i].litlen), it->v[i].litlen);
		return 0;
	}
	for (size_t i = 0; i < it->nv; i++) {
		if (!it->v[i].lit) {
			ls_free(out);
			return -1;
		}
		ls_add(out, lit_id(p, it->v[i].lit, it->v[i].litlen), it->v[i].litlen);
	}
	return 0;
}

static int sel_need(struct logs_plan *p, const struct lr_sel *s, struct litset *out)
{
	memset(out, 0, sizeof *out);
	for (size_t k = 0; k < s->nalt; k++) {
		struct litset best = {0};
		int rb = -1;
		for (size_t i = 0; i < s->alt[k].n; i++) {
			struct litset x;
			int rx = item_need(p, &s->alt[k].items[i], &x);
			rb = ls_best(&best, rb, &x, rx);
		}
		if (rb < 0) {
			ls_free(out);
			return -1;
		}
		ls_union(out, &best, p);
	}
	return 0;
}

static int node_need(struct logs_plan *p, const struct logs_rule *r, const struct lr_node *n, struct litset *out)
{
	memset(out, 0, sizeof *out);
	struct litset a, b;
	int ra, rb;
	switch (n->type) {
	case LR_N_SEL:
		return sel_need(p, &r->sels[n->sel], out);
	case LR_N_NOT:
		return -1;
	case LR_N_AND:
		ra = node_need(p, r, n->a, &a);
		rb = node_need(p, r, n->b, &b);
		if (ls_best(&a, ra, &b, rb) < 0)
			return -1;
		*out = a;
		return 0;
	case LR_N_OR:
		ra = node_need(p, r, n->a, &a);
		rb = node_need(p, r, n->b, &b);
		if (ra < 0 || rb < 0) {
			ls_free(&a), ls_free(&b);
			return -1;
		}
		ls_union(&a, &b, p);
		*out = a;
		return 0;
	case LR_N_OF: {
		int all = n->need == 0 || n->need >= n->nsels, r0 = -1;
		for (size_t i = 0; i < n->nsels; i++) {
			struct litset x;
			int rx = sel_need(p, &r->sels[n->sels[i]], &x);
			if (all) {
				r0 = ls_best(out, r0, &x, rx);
			} else if (rx < 0) {
				ls_free(out);
				return -1;
			} else {
				ls_union(out, &x, p);
				r0 = 0;
			}
		}
		return r0;
	}
	}
	return -1;
}

static int ref_find(struct logs_ruleset *rs, const char *ref, int *rule, int *corr)
{
	*rule = *corr = -1;
	for (size_t i = 0; i < rs->nrules; i++)
		if ((rs->rules[i]->name && !strcmp(rs->rules[i]->name, ref)) ||
		    (rs->rules[i]->id && !strcmp(rs->rules[i]->id, ref)))
			*rule = (int)i;
	for (size_t i = 0; i < rs->ncorrs; i++)
		if ((rs->corrs[i]->name && !strcmp(rs->corrs[i]->name, ref)) ||
		    (rs->corrs[i]->id && !strcmp(rs->corrs[i]->id, ref)))
			*corr = (int)i;
	return *rule >= 0 || *corr >= 0;
}

static void add_pair(int **v, size_t *n, int corr, int pos)
{
	*v = lb_reallocarray(*v, 2 * (*n + 1), sizeof **v);
	(*v)[2 * *n] = corr;
	(*v)[2 * *n + 1] = pos;
	++*n;
}

/* Resolve correlation references; a correlation naming what is not loaded is dropped, listed as skipped, until
 * none is left to drop (dropping one may orphan another that named it). */
static void resolve(struct logs_ruleset *rs)
{
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < rs->ncorrs && !changed; i++) {
			struct logs_corr *c = rs->corrs[i];
			for (size_t k = 0; k < c->nrefs && !changed; k++) {
				int r, q;
				if (!ref_find(rs, c->refs[k], &r, &q) || (r < 0 && q == (int)i))
					changed = 1;
			}
			if (changed) {
				lr_skip_add(rs, c->file, c->line, c->id ? c->id : c->title_en, NULL,
				            L_("correlation names a rule that is not loaded",
				               "相関が読み込まれていないルールを指しています"));
				lr_corr_free(c);
				memmove(rs->corrs + i, rs->corrs + i + 1, (rs->ncorrs - i - 1) * sizeof *rs->corrs);
				rs->ncorrs--;
			}
		}
	}
	for (size_t i = 0; i < rs->ncorrs; i++) {
		struct logs_corr *c = rs->corrs[i];
		c->ref_rule = lb_calloc(c->nrefs, sizeof *c->ref_rule);
		c->ref_corr = lb_calloc(c->nrefs, sizeof *c->ref_corr);
		for (size_t k = 0; k < c->nrefs; k++) {
			ref_find(rs, c->refs[k], &c->ref_rule[k], &c->ref_corr[k]);
			if (c->ref_corr[k] == (int)i)
				c->ref_corr[k] = -1; /* a name shared with a rule: the rule */
			if (c->ref_corr[k] >= 0) {
				struct logs_corr *inner = rs->corrs[c->ref_corr[k]];
				add_pair(&inner->corr_of, &inner->ncorr_of, (int)i, (int)k);
			} else if (c->ref_rule[k] >= 0) {
				struct logs_rule *r = rs->rules[c->ref_rule[k]];
				add_pair(&r->corr_of, &r->ncorr_of, (int)i, (int)k);
				if (!c->generate)
					r->silent = 1;
			}
		}
	}
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int logs_rules_compile(struct logs_ruleset *rs)
{
	if (rs->plan)
		return 0;
	resolve(rs);
	struct logs_plan *p = lb_calloc(1, sizeof *p);
	rs->plan = p;
	size_t nr = rs->nrules ? rs->nrules : 1;
	p->nplanned = rs->nrules;
	p->indexed = lb_calloc(nr, 1);
	p->hit_gen = lb_calloc(nr, sizeof *p->hit_gen);
	struct litset *sets = lb_calloc(nr, sizeof *sets);
	for (size_t i = 0; i < rs->nrules; i++)
		if (node_need(p, rs->rules[i], rs->rules[i]->cond, &sets[i]) == 0 && sets[i].n) {
			p->indexed[i] = 1;
			p->nindexed++;
		}
	p->ls_class = lb_calloc(nr, sizeof *p->ls_class);
	p->ls_rep = lb_calloc(nr, sizeof *p->ls_rep);
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct logs_rule *r = rs->rules[i];
		size_t c = 0;
		while (c < p->nls && !(same(rs->rules[p->ls_rep[c]]->product, r->product) &&
		                       same(rs->rules[p->ls_rep[c]]->service, r->service) &&
		                       same(rs->rules[p->ls_rep[c]]->category, r->category)))
			c++;
		if (c == p->nls)
			p->ls_rep[p->nls++] = (int)i;
		p->ls_class[i] = (int)c;
	}
	p->ls_ok = lb_calloc(p->nls + 1, 1);
	p->lit_rules = lb_calloc(p->nlits + 1, sizeof *p->lit_rules);
	p->nlit_rules = lb_calloc(p->nlits + 1, sizeof *p->nlit_rules);
	for (size_t i = 0; i < rs->nrules; i++) {
		for (size_t k = 0; k < sets[i].n; k++) {
			int l = sets[i].v[k];
			p->lit_rules[l] = lb_reallocarray(p->lit_rules[l], p->nlit_rules[l] + 1, sizeof(int));
			p->lit_rules[l][p->nlit_rules[l]++] = (int)i;
		}
		ls_free(&sets[i]);
	}
	free(sets);
	if (p->nlits) {
		unsigned *flags = lb_calloc(p->nlits, sizeof *flags), *ids = lb_calloc(p->nlits, sizeof *ids);
		size_t *lens = lb_calloc(p->nlits, sizeof *lens);
		for (size_t i = 0; i < p->nlits; i++) {
			flags[i] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
			ids[i] = (unsigned)i;
			lens[i] = strlen(p->lits[i]);
		}
		hs_compile_error_t *err = NULL;
		if (hs_compile_lit_multi((const char *const *)p->lits, flags, ids, lens, (unsigned)p->nlits,
		                         HS_MODE_BLOCK, NULL, &p->db, &err) != HS_SUCCESS ||
		    hs_alloc_scratch(p->db, &p->scratch) != HS_SUCCESS) {
			/* no prefilter then: every rule is evaluated, still correct */
			lb_warn(L_("no literal prefilter (Hyperscan: %s): every rule is evaluated for every event",
			           "リテラルの前段フィルタを使えません (Hyperscan: %s): "
			           "すべてのイベントで全ルールを評価します"),
			        err ? err->message : "-");
			if (err)
				hs_free_compile_error(err);
			if (p->db)
				hs_free_database(p->db);
			p->db = NULL;
			memset(p->indexed, 0, nr);
			p->nindexed = 0;
		}
		free(flags), free(ids), free(lens);
	}
	return 0;
}

static int on_lit(unsigned id, unsigned long long from, unsigned long long to, unsigned fl, void *ctx)
{
	(void)from, (void)to, (void)fl;
	struct logs_plan *p = ctx;
	for (size_t i = 0; i < p->nlit_rules[id]; i++)
		p->hit_gen[p->lit_rules[id][i]] = p->gen;
	return 0;
}

void logs_rules_match(struct logs_ruleset *rs, const struct log_event *e, logs_alert_fn cb, void *arg)
{
	if (!rs->plan)
		logs_rules_compile(rs);
	struct logs_plan *p = rs->plan;
	p->events++;
	if (e->ts_ms)
		lr_corr_sweep(rs, e->ts_ms, cb, arg); /* windows (lt/lte) the stream's time has closed */
	if (++p->gen == 0) {
		memset(p->hit_gen, 0, (p->nplanned ? p->nplanned : 1) * sizeof *p->hit_gen);
		p->gen = 1;
	}
	if (p->db) {
		buf_reset(&p->scan);
		if (e->msg)
			buf_add(&p->scan, e->msg, e->msg_len);
		else if (e->line)
			buf_add(&p->scan, e->line, e->line_len);
		for (size_t i = 0; i < e->nfields && i < LOG_FIELDS_MAX; i++) {
			buf_addch(&p->scan, '\n');
			buf_add(&p->scan, e->f[i].val, e->f[i].val_len);
		}
		hs_scan(p->db, p->scan.data ? p->scan.data : "", (unsigned)p->scan.len, 0, p->scratch, on_lit, p);
	}
	memset(p->ls_ok, 0, p->nls); /* unknown for this event */
	for (size_t i = 0; i < p->nplanned; i++) {
		if (p->indexed[i] && p->hit_gen[i] != p->gen)
			continue;
		const struct logs_rule *r = rs->rules[i];
		int8_t *ok = &p->ls_ok[p->ls_class[i]];
		if (*ok == 0)
			*ok = lr_logsource_ok(r, e) ? 1 : -1;
		if (*ok < 0)
			continue;
		p->evaluated++;
		struct logs_alert a = {0};
		if (!lr_rule_eval(r, e, &a))
			continue;
		a.rule_id = r->id ? r->id : r->title_en;
		a.title_en = r->title_en;
		a.title_ja = r->title_ja;
		a.level = r->level;
		a.author = r->author;
		a.tags = (const char *const *)r->tags;
		a.ntags = r->ntags;
		a.file = e->file;
		a.lineno = e->lineno;
		a.ts_ms = e->ts_ms;
		a.event = e;
		if (!r->silent && cb)
			cb(&a, arg);
		for (size_t k = 0; k < r->ncorr_of; k++)
			lr_corr_feed(rs, r->corr_of[2 * k], r->corr_of[2 * k + 1], e, &a, cb, arg);
	}
}

void logs_rules_stats(const struct logs_ruleset *rs, struct logs_rules_stats *st)
{
	memset(st, 0, sizeof *st);
	st->rules = rs->nrules;
	st->correlations = rs->ncorrs;
	st->skipped = rs->nskipped;
	if (rs->plan) {
		st->indexed = rs->plan->nindexed;
		st->literals = rs->plan->nlits;
		st->events = rs->plan->events;
		st->evaluated = rs->plan->evaluated;
	}
	st->groups = lr_state_groups(rs->state);
}

size_t logs_rules_count(const struct logs_ruleset *rs)
{
	return rs->nrules + rs->ncorrs;
}

void logs_rules_info(const struct logs_ruleset *rs, size_t i, struct logs_rule_info *out)
{
	static const char *types[] = {"event_count", "value_count", "temporal", "temporal_ordered"};
	memset(out, 0, sizeof *out);
	if (i < rs->nrules) {
		const struct logs_rule *r = rs->rules[i];
		*out = (struct logs_rule_info){r->id ? r->id : r->title_en,
		                               r->title_en,
		                               r->title_ja,
		                               r->level,
		                               r->file,
		                               "rule",
		                               r->line,
		                               rs->plan && i < rs->plan->nplanned ? rs->plan->indexed[i] : 0};
	} else if (i - rs->nrules < rs->ncorrs) {
		const struct logs_corr *c = rs->corrs[i - rs->nrules];
		*out = (struct logs_rule_info){c->id ? c->id : c->title_en,
		                               c->title_en,
		                               c->title_ja,
		                               c->level,
		                               c->file,
		                               types[c->type],
		                               c->line,
		                               0};
	}
}

void logs_rules_release(struct logs_ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++)
		lr_rule_free(rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->ncorrs; i++)
		lr_corr_free(rs->corrs[i]);
	free(rs->corrs);
	for (size_t i = 0; i < rs->nskipped; i++) {
		free(rs->skipped[i].file), free(rs->skipped[i].id), free(rs->skipped[i].feature);
		free(rs->skipped[i].reason);
	}
	free(rs->skipped);
	struct logs_plan *p = rs->plan;
	if (p) {
		if (p->scratch)
			hs_free_scratch(p->scratch);
		if (p->db)
			hs_free_database(p->db);
		for (size_t i = 0; i < p->nlits; i++) {
			free(p->lits[i]);
			free(p->lit_rules[i]);
		}
		free(p->lits), free(p->lit_rules), free(p->nlit_rules), free(p->indexed), free(p->hit_gen);
		free(p->ls_class), free(p->ls_rep), free(p->ls_ok);
		buf_release(&p->scan);
		free(p);
	}
	lr_state_release(rs->state);
	memset(rs, 0, sizeof *rs);
}
