/*
 * rules.h - Sigma rules over log events: load, compile once, match each event in one pass (docs/log-rules.md).
 *
 *   struct logs_ruleset rs = {0};
 *   logs_rules_load_path(&rs, "rules/");     // files or folders of .yml/.yaml, multi-document
 *   logs_rules_load_embedded(&rs);           // the shipped rules (data/logs/rules, in the binary)
 *   logs_rules_compile(&rs);                 // the plan: prefilter literals, regexes JIT-compiled
 *   logs_rules_match(&rs, &event, on_alert, arg);   // per event; alerts by callback
 *   logs_rules_release(&rs);
 *
 * A rule that uses a feature outside the supported subset, or that is malformed, is not loaded at all (never half
 * applied): it is listed in rs.skipped with its file, line, id and the feature or reason, and the other rules of
 * the file still load. Loading fails (negative LB_E*) only when a path cannot be read.
 */
#ifndef LB_LOGS_RULES_H
#define LB_LOGS_RULES_H

#include "logs/event.h"

#include <stddef.h>
#include <stdint.h>

#define LOGS_ALERT_FIELDS 16
#define LOGS_GROUP_MAX 4

/* A rule not loaded: unsupported (feature names what, e.g. "modifier 'expand'") or malformed (reason). */
struct logs_skip {
	char *file;
	unsigned line;
	char *id;      /* the rule's id, or its title, or "" when the document had neither */
	char *feature; /* NULL when malformed */
	char *reason;  /* the one-line explanation, in the language of the load (feature or YAML error) */
};

struct logs_rule;  /* rules_int.h */
struct logs_corr;  /* rules_int.h */
struct logs_plan;  /* rules_int.h */
struct logs_state; /* rules_int.h: the correlation windows */

struct logs_ruleset {
	struct logs_rule **rules;
	size_t nrules, caprules;
	struct logs_corr **corrs;
	size_t ncorrs, capcorrs;
	struct logs_skip *skipped;
	size_t nskipped, capskipped;
	size_t groups_max;      /* correlation groups kept at once (0: 65536); the oldest are expired first */
	struct logs_plan *plan; /* NULL until compiled */
	struct logs_state *state;
};

/* One alert. Pointers are valid during the callback only (the watch module copies what it keeps). */
struct logs_alert {
	const char *rule_id, *title_en, *title_ja, *level; /* level: informational|low|medium|high|critical */
	const char *author; /* the rule's author field: DRL 1.1 (SigmaHQ's licence) asks alerts to carry it */
	const char *const *tags;
	size_t ntags;
	const char *file; /* of the event that raised it (the last one for a correlation) */
	uint64_t lineno;
	int64_t ts_ms;
	const struct log_event *event; /* the event that raised it */
	/* the event's fields the rule's detection named and that matched (for a correlation: the last event's) */
	size_t nfields;
	const struct log_field *fields[LOGS_ALERT_FIELDS];
	/* correlations only (is_correlation != 0) */
	int is_correlation;
	const char *corr_type; /* "event_count" | "value_count" | "temporal" | "temporal_ordered" */
	size_t ngroup;
	const char *group_names[LOGS_GROUP_MAX], *group_values[LOGS_GROUP_MAX];
	uint64_t count; /* events (event_count), distinct values (value_count) or rules seen (temporal) */
	uint64_t first_lineno, last_lineno;
	int64_t first_ts_ms, last_ts_ms;
};

/* The title in the current language (Japanese when the rule has one and the language is Japanese). */
const char *logs_alert_title(const struct logs_alert *a);

typedef void (*logs_alert_fn)(const struct logs_alert *a, void *arg);

/* Load one buffer (name is what messages call it). Returns rules loaded (>= 0). */
int logs_rules_load_buf(struct logs_ruleset *rs, const char *name, const char *data, size_t len);
/* A .yml/.yaml file, or a folder read recursively in name order. Returns rules loaded or a negative LB_E*. */
int logs_rules_load_path(struct logs_ruleset *rs, const char *path);
/* The rules shipped in data/logs/rules. */
int logs_rules_load_embedded(struct logs_ruleset *rs);

/* Build the plan (after the last load, before the first match). Rules whose correlation names a rule that is not
 * loaded are skipped here, in rs.skipped. */
int logs_rules_compile(struct logs_ruleset *rs);

/* Match one event against every rule; alerts through cb. Events come in time order per source. */
void logs_rules_match(struct logs_ruleset *rs, const struct log_event *e, logs_alert_fn cb, void *arg);

/* Correlations with an upper bound (condition lt/lte) fire when their window is over, which the next events tell
 * (their times) or the clock: a follower calls this once a second with the time now, once it has read what there
 * is. */
void logs_rules_tick(struct logs_ruleset *rs, int64_t now_ms, logs_alert_fn cb, void *arg);

struct logs_rules_stats {
	size_t rules, correlations, skipped;
	size_t indexed;  /* rules the literal prefilter guards (evaluated only when one of their literals occurs) */
	size_t literals; /* distinct literals in the multi-pattern matcher */
	uint64_t events, evaluated; /* events matched and rule evaluations done (after the prefilter) */
	size_t groups;              /* correlation groups alive */
};
void logs_rules_stats(const struct logs_ruleset *rs, struct logs_rules_stats *st);

/* The loaded rules and correlations, for listings: i < logs_rules_count(rs) (rules first, then correlations). */
struct logs_rule_info {
	const char *id, *title_en, *title_ja, *level, *file;
	const char *kind; /* "rule" or the correlation's type */
	unsigned line;
	int indexed; /* behind the literal prefilter (after compile) */
};
size_t logs_rules_count(const struct logs_ruleset *rs);
void logs_rules_info(const struct logs_ruleset *rs, size_t i, struct logs_rule_info *out);

void logs_rules_release(struct logs_ruleset *rs);

#endif
