/*
 * incident_yaml.h - what the YAML readers of src/incident/ share (cards_yaml.c, contacts.c): loading one document
 * strictly, errors as "FILE:LINE: reason", and the values they accept. Internal to src/incident/.
 */
#ifndef LB_INCIDENT_YAML_H
#define LB_INCIDENT_YAML_H

#include "incident_int.h"

#include <yaml.h>

/* What one file's walk needs: its name for messages, the document, which nodes were seen (aliases). */
struct incident_yaml {
	const char *name; /* the file, as messages name it */
	const char *what; /* what it is, in the current language ("card file") */
	yaml_document_t doc;
	unsigned char *seen;
	size_t nnodes;
};

/*
 * Parse one file's bytes (at most INCIDENT_CARD_FILE_MAX) into y: exactly one YAML document (a second one after
 * --- is refused), valid UTF-8. what names the kind of file in messages. On failure y needs no free.
 */
int incident_yaml_load(struct incident_yaml *y, const char *name, const char *data, size_t len, const char *what);
void incident_yaml_free(struct incident_yaml *y);
/* Set the error "NAME:LINE: reason" (-LB_EINVAL, returned); en and ja take the same arguments. */
int incident_yaml_err(const struct incident_yaml *c, int line, const char *en, const char *ja, ...) LB_PRINTF(3, 5);
/* The 1-based line a node starts on. */
int incident_yaml_line(const yaml_node_t *n);
/* The node of index i into *out, refusing a node reached twice (an alias: aliases are not accepted). */
int incident_yaml_node(struct incident_yaml *c, int i, int from_line, yaml_node_t **out);
/* The value of a scalar node, NULL for any other. */
const char *incident_yaml_scalar(const yaml_node_t *n);
/* A text value into *out (replacing it): a scalar of valid UTF-8 within max bytes, without control characters but
 * tab (and newline when lines), not blank; trailing blanks and newlines dropped. what names it in messages. */
int incident_yaml_text(struct incident_yaml *c, const yaml_node_t *n, const char *what, size_t max, int lines,
                       char **out);
/* A pair of texts: one scalar (Japanese only: en is a copy) or a mapping {ja, en} with ja required. */
int incident_yaml_ja_en(struct incident_yaml *c, const yaml_node_t *n, const char *what, size_t max, int lines,
                        char **ja, char **en);

#endif
