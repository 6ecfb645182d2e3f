/*
 * rules_int.h - what the rule loader (rules_load.c, rules_value.c, rules_cond.c), the matcher (rules_match.c) and
 * the correlations (rules_corr.c) share. Not an interface: src/logs/rules.h is.
 */
#ifndef LB_LOGS_RULES_INT_H
#define LB_LOGS_RULES_INT_H

#include "core/core.h"
#include "logs/rules.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Glob pattern bytes standing for Sigma's unescaped wildcards (a literal \x01 or \x02 in a rule is refused). */
#define LR_STAR '\x01'
#define LR_QMARK '\x02'

enum lr_vkind { LR_V_GLOB, LR_V_NULL, LR_V_RE, LR_V_CIDR, LR_V_EXISTS, LR_V_NUM };
enum lr_numop { LR_LT, LR_LTE, LR_GT, LR_GTE };

struct lr_val {
	enum lr_vkind kind;
	char *pat; /* GLOB: lowercased unless cased, wildcards as LR_STAR/LR_QMARK */
	size_t len;
	int cased;
	pcre2_code *re;
	int fam, bits; /* CIDR: 4 or 6, prefix length */
	uint8_t net[16];
	int exists; /* EXISTS: true/false */
	int op;     /* NUM */
	double num;
	char *lit; /* the longest literal the value implies in any match (NULL when none), lowercased */
	size_t litlen;
};

/* field|mods: values (OR, or AND with |all). field NULL: a keyword (matches the event's msg). */
struct lr_item {
	char *field;
	size_t flen;
	int pseudo; /* a lifeboat.* field, computed from the event */
	struct lr_val *v;
	size_t nv;
	int all;
};

/* A selection: alternatives (a list of maps) OR'ed, each an AND of items. */
struct lr_alt {
	struct lr_item *items;
	size_t n;
};
struct lr_sel {
	char *name;
	struct lr_alt *alt;
	size_t nalt;
};

enum lr_ntype { LR_N_SEL, LR_N_AND, LR_N_OR, LR_N_NOT, LR_N_OF };
struct lr_node {
	enum lr_ntype type;
	int sel;               /* SEL */
	struct lr_node *a, *b; /* AND, OR (a, b), NOT (a) */
	int *sels;             /* OF: the selections the pattern named */
	size_t nsels, need;    /* need: 0 = all */
};

struct logs_rule {
	char *id, *name, *title_en, *title_ja, *level, *status, *author, *file;
	unsigned line;
	char *product, *service, *category;
	char **tags;
	size_t ntags;
	struct lr_sel *sels;
	size_t nsels;
	struct lr_node *cond;
	int silent;   /* referenced by a correlation that does not generate its rules' alerts */
	int *corr_of; /* the correlations that count this rule (indexes into rs->corrs) */
	size_t ncorr_of;
};

enum lr_ctype { LR_C_EVENT_COUNT, LR_C_VALUE_COUNT, LR_C_TEMPORAL, LR_C_TEMPORAL_ORDERED };
struct logs_corr {
	char *id, *name, *title_en, *title_ja, *level, *author, *file;
	unsigned line;
	char **tags;
	size_t ntags;
	enum lr_ctype type;
	char **refs; /* rule names or ids */
	size_t nrefs;
	int *ref_rule, *ref_corr; /* resolved at compile: index or -1, per ref */
	char *group[LOGS_GROUP_MAX];
	size_t ngroup;
	char *field; /* value_count */
	int64_t span_ms;
	int op; /* LR_GTE, LR_GT, or -1 for eq */
	uint64_t threshold;
	/* lt/lte: count <= upper, judged when the window (from the group's first event) is over: rules_corr.c */
	int has_upper;
	uint64_t upper;
	int generate;
	int silent; /* referenced by another correlation */
	int *corr_of;
	size_t ncorr_of;
};

/* rules_value.c: one value of `field|mods: value`. mods is the list after the field name. Returns 0, or -1 with
 * *feature set (an unsupported modifier) or *why set (a malformed value). */
int lr_val_compile(struct lr_val *out, const char *s, size_t n, int is_null, char **mods, size_t nmods, int keyword,
                   const char **feature, const char **why);
void lr_val_release(struct lr_val *v);
/* Does the event's value match? (case rules of Sigma; NULL val: the field is absent) */
int lr_val_match(const struct lr_val *v, const char *s, size_t n, int present);
/* base64offset and windash expand one value into several (OR'ed); returns the count written to out (<= 8). */
int lr_expand(const char *s, size_t n, char **mods, size_t nmods, char **out, size_t *outlen);

/* rules_cond.c: parse a condition over the selections. Returns the tree, or NULL with *feature or *why. */
struct lr_node *lr_cond_parse(const char *s, const struct lr_sel *sels, size_t nsels, const char **feature,
                              const char **why);
void lr_node_free(struct lr_node *n);

/* rules_match.c */
int lr_rule_eval(const struct logs_rule *r, const struct log_event *e, struct logs_alert *a);
int lr_logsource_ok(const struct logs_rule *r, const struct log_event *e);

/* rules_corr.c: feed a rule's (or a correlation's) hit to the correlations that count it. */
void lr_corr_feed(struct logs_ruleset *rs, int corr, int pos, const struct log_event *e, const struct logs_alert *hit,
                  logs_alert_fn cb, void *arg);
/* Judge the lt/lte windows over at now_ms (the stream's time or the clock), at most once a second. */
void lr_corr_sweep(struct logs_ruleset *rs, int64_t now_ms, logs_alert_fn cb, void *arg);
void lr_state_release(struct logs_state *st);
size_t lr_state_groups(const struct logs_state *st);

void lr_rule_free(struct logs_rule *r);
void lr_corr_free(struct logs_corr *c);
void lr_skip_add(struct logs_ruleset *rs, const char *file, unsigned line, const char *id, const char *feature,
                 const char *reason);

#endif
