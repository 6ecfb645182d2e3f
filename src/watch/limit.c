/*
 * limit.c - how often an alert goes out, for file alerts and log alerts alike (docs/watch-alerts.md, "Repeats and
 * floods").
 *
 * De-duplication: an alert with the same key (file alerts: the process, the watched folder and the rule; log
 * alerts: the rule and the values that matched or the correlation's group) is not repeated at the same or a lower
 * severity for WATCH_DEDUP_S seconds; a higher severity goes out at once. Rate limit: at most opts->rate_limit
 * alerts of one rule per minute (30 by default). Beyond that the alerts of that rule are counted, not sent; a
 * `rate_limit` alert says so at the first one suppressed, and another gives the count when the minute is over (or
 * watch stops), so that nothing disappears without a trace. Other rules are not held back by one noisy rule.
 */
#include "watch_int.h"

#include <stdlib.h>
#include <string.h>

#define RATE_WINDOW_S 60
#define RATE_DEFAULT 30

struct watch_rate {
	char *rule;
	int64_t start_s;
	uint64_t sent, suppressed;
	int sev_max; /* of the suppressed ones */
};

int watch_dedup(int *last_sev1, int64_t *last_s, int sev, int64_t now_s)
{
	if (*last_sev1 && *last_sev1 - 1 >= sev && now_s - *last_s < WATCH_DEDUP_S)
		return 0;
	*last_sev1 = sev + 1;
	*last_s = now_s;
	return 1;
}

int watch_dedup_key(struct watch *w, uint64_t key, int sev)
{
	if (!key)
		key = 1;
	struct watch_slot *s = watch_map_get(&w->dedup, key);
	if (!s) {
		if (!w->dedup.max)
			w->dedup.max = 65536;
		s = watch_map_put(&w->dedup, key);
		if (!s) { /* full: everything in it is forgotten (the worst is one repeated alert per key) */
			watch_map_clear(&w->dedup);
			s = watch_map_put(&w->dedup, key);
		}
	}
	int sev1 = (int)s->a;
	int64_t at = (int64_t)s->b;
	int ok = watch_dedup(&sev1, &at, sev, w->now_s);
	s->a = (uint64_t)sev1;
	s->b = (uint64_t)at;
	return ok;
}

static long rate_max(const struct watch *w)
{
	return w->o->rate_limit ? w->o->rate_limit : RATE_DEFAULT;
}

static void rate_alert(struct watch *w, struct watch_rate *r, int final)
{
	struct buf ts = {0}, j = {0}, d = {0};
	lb_format_utc(&ts, lb_now_ms(), 1);
	if (final)
		buf_addf(&d,
		         L_("%llu alerts of rule %s were not sent in the last %llds (more than %ld a minute); see "
		            "the log lines and the files themselves",
		            "%llu 件のアラート (ルール %s) を直近 %lld 秒間送りませんでした (1 分間に %ld "
		            "件を超えたため)。ログや対象ファイルを直接確認してください"),
		         (unsigned long long)r->suppressed, r->rule, (long long)(w->now_s - r->start_s), rate_max(w));
	else
		buf_addf(
		        &d,
		        L_("more than %ld alerts of rule %s in a minute: further ones are counted, not sent, until the "
		           "minute is over",
		           "1 分間に %ld 件を超えるアラート (ルール %s): この 1 分が終わるまで残りは数えるだけで"
		           "送りません"),
		        rate_max(w), r->rule);
	struct json_w jw = {.out = &j};
	json_obj(&jw);
	json_kv_str(&jw, "time", ts.data);
	json_kv_str(&jw, "rule", "rate_limit");
	json_kv_str(&jw, "severity", watch_severity_name(r->sev_max));
	json_kv_str(&jw, "path", "");
	json_kv_str(&jw, "limited_rule", r->rule);
	json_kv_int(&jw, "suppressed", (int64_t)r->suppressed);
	json_kv_int(&jw, "window_s", RATE_WINDOW_S);
	json_kv_int(&jw, "limit", rate_max(w));
	json_kv_str(&jw, "detail", d.data);
	json_kv_str(&jw, "source", w->sum->source ? w->sum->source : "logs");
	json_end(&jw);
	watch_alert_emit(w, "rate_limit", r->sev_max, &j, 1);
	buf_release(&ts);
	buf_release(&j);
	buf_release(&d);
}

int watch_rate_admit(struct watch *w, const char *rule, int sev)
{
	if (rate_max(w) < 0)
		return 1;
	struct watch_rate *r = NULL;
	for (size_t i = 0; i < w->nrates && !r; i++)
		if (!strcmp(w->rates[i].rule, rule))
			r = &w->rates[i];
	if (!r) {
		if (w->nrates == w->caprates) {
			w->caprates = w->caprates ? 2 * w->caprates : 16;
			w->rates = lb_reallocarray(w->rates, w->caprates, sizeof *w->rates);
		}
		r = &w->rates[w->nrates++];
		*r = (struct watch_rate){.rule = lb_strdup(rule), .start_s = w->now_s};
	}
	if (w->now_s - r->start_s >= RATE_WINDOW_S) {
		if (r->suppressed)
			rate_alert(w, r, 1);
		r->start_s = w->now_s;
		r->sent = r->suppressed = 0;
		r->sev_max = 0;
	}
	if (r->sent < (uint64_t)rate_max(w)) {
		r->sent++;
		return 1;
	}
	if (sev > r->sev_max)
		r->sev_max = sev;
	r->suppressed++;
	w->sum->suppressed++;
	if (r->suppressed == 1)
		rate_alert(w, r, 0);
	return 0;
}

void watch_rate_tick(struct watch *w, int final)
{
	for (size_t i = 0; i < w->nrates; i++) {
		struct watch_rate *r = &w->rates[i];
		if (r->suppressed && (final || w->now_s - r->start_s >= RATE_WINDOW_S)) {
			rate_alert(w, r, 1);
			r->start_s = w->now_s;
			r->sent = r->suppressed = 0;
			r->sev_max = 0;
		}
	}
}

void watch_rate_free(struct watch *w)
{
	for (size_t i = 0; i < w->nrates; i++)
		free(w->rates[i].rule);
	free(w->rates);
	w->rates = NULL;
	w->nrates = w->caprates = 0;
	watch_map_free(&w->dedup);
}
