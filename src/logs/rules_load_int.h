/*
 * rules_load_int.h - what the two halves of the rule loader share: rules_load.c (documents, detections, files) and
 * rules_corr_load.c (Sigma correlation rules). Private to src/logs.
 */
#ifndef LB_LOGS_RULES_LOAD_INT_H
#define LB_LOGS_RULES_LOAD_INT_H

#include "logs/rules_int.h"

#include <stddef.h>
#include <yaml.h>

struct ld {
	yaml_document_t *doc;
	const char *file;
	unsigned line; /* of the part being read, for the skip entry */
	const char *feature, *why;
	char featbuf[80]; /* the feature's name outlives the key it was cut from */
	size_t nvalues;
};

/* The value of key in mapping map (NULL when absent or map is not a mapping). */
yaml_node_t *ld_get(struct ld *d, yaml_node_t *map, const char *key);
/* A scalar's text (NULL when n is not a scalar), and a copy of it. */
const char *ld_scalar(yaml_node_t *n);
char *ld_dupscalar(yaml_node_t *n);
int ld_is_null(yaml_node_t *n);
/* Skip the document: malformed (why) at n's line, or using an unsupported feature. Return -1. */
int ld_fail(struct ld *d, yaml_node_t *n, const char *why);
int ld_unsupported(struct ld *d, yaml_node_t *n, const char *feature);
/* A scalar or a sequence of scalars into a new array (at most max). */
int ld_strlist(struct ld *d, yaml_node_t *n, char ***out, size_t *nout, size_t max);
/* title and title_ja (or lifeboat: {title_ja}) of a rule or correlation. */
int ld_read_titles(struct ld *d, yaml_node_t *root, char **en, char **ja);
/* A correlation document (its `correlation:` mapping cn) into rs; -1 when skipped (d says why). */
int lr_corr_read(struct ld *d, struct logs_ruleset *rs, yaml_node_t *root, yaml_node_t *cn);

#endif
