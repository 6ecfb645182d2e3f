/*
 * checklist_int.h - what the checklist files of src/audit/ share: a strict libyaml document reader (size capped,
 * aliases refused so the walk is linear, one-line "FILE:LINE: reason" errors) and small value helpers.
 */
#ifndef LB_AUDIT_CHECKLIST_INT_H
#define LB_AUDIT_CHECKLIST_INT_H

#include "checklist.h"

#include <yaml.h>

struct cl_yaml {
	const char *name; /* what errors call the file */
	yaml_document_t doc;
	unsigned char *seen; /* per node: reached once already */
	size_t nnodes;
};
int cl_yaml_load(struct cl_yaml *y, const char *name, const char *data, size_t len);
void cl_yaml_free(struct cl_yaml *y);
/* lb_error(LB_EINVAL, "NAME:LINE: reason") in the current language; returns -LB_EINVAL. */
int cl_yaml_err(const struct cl_yaml *y, int line, const char *en, const char *ja, ...) LB_PRINTF(3, 5);
int cl_yaml_line(const yaml_node_t *n);
/* The node of index i (an alias, i.e. a node reached twice, is refused). */
int cl_yaml_node(struct cl_yaml *y, int i, int from_line, yaml_node_t **out);
/* The root, which must be a mapping. */
int cl_yaml_root(struct cl_yaml *y, yaml_node_t **out);
/* A text scalar: valid UTF-8, no control characters (newline only when lines), at most CL_TEXT_MAX bytes. */
int cl_yaml_text(struct cl_yaml *y, const yaml_node_t *n, const char *what, int lines, char **out);
/* A YYYY-MM-DD date that exists. */
int cl_yaml_date(struct cl_yaml *y, const yaml_node_t *n, const char *what, char out[11]);
/* {ja: …, en: …} or a plain scalar (Japanese; English the same). */
int cl_yaml_pair(struct cl_yaml *y, const yaml_node_t *n, const char *what, struct cl_text *out);

/* A key written once in its mapping (a second `groups:` would otherwise be read twice or silently win); a
 * mapping of ours has a few keys, so more than CL_MAP_KEYS_MAX is refused and the scan stays short. */
#define CL_MAP_KEYS_MAX 64
int cl_yaml_key_once(struct cl_yaml *y, const yaml_node_t *m, const yaml_node_pair_t *at, const yaml_node_t *k);
/* Each key/value of mapping m: for (pair…) with k/v resolved, stopping at the first error. */
#define CL_MAP_EACH(y, m, k, v, rc)                                                      \
	for (yaml_node_pair_t *cl_p_ = (rc) == 0 ? (m)->data.mapping.pairs.start : NULL; \
	     (rc) == 0 && cl_p_ < (m)->data.mapping.pairs.top &&                         \
	     ((rc) = cl_yaml_node((y), cl_p_->key, cl_yaml_line(m), &(k))) == 0 &&       \
	     ((rc) = cl_yaml_node((y), cl_p_->value, cl_yaml_line(k), &(v))) == 0 &&     \
	     ((rc) = cl_yaml_key_once((y), (m), cl_p_, (k))) == 0;                       \
	     cl_p_++)

void cl_text_free(struct cl_text *t);
int cl_utf8_valid(const char *s, size_t n);

#endif
