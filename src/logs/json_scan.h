/*
 * json_scan.h - a JSON object scanner that flattens without copying: each scalar is handed to a callback with its
 * key path (nested keys joined with '.', array elements under their array's key) and its value pointing into the
 * line, or into the event's arena when it had escapes to decode.
 *
 * Why not jansson: jansson builds a tree of allocated nodes and copies every string; the readers need none of
 * that, and bench/logs measures this scanner at several times jansson's json_loadb on the same Windows events.
 */
#ifndef LB_LOGS_JSON_SCAN_H
#define LB_LOGS_JSON_SCAN_H

#include "logs/parse_int.h"

#define JSON_PATH_MAX 512
#define JSON_DEPTH_MAX 24

enum json_kind { JSV_STRING, JSV_NUMBER, JSV_BOOL, JSV_NULL };

struct json_leaf {
	const char *path; /* scratch: valid during the callback only */
	size_t path_len;
	const char *key; /* the last key, in the line (or arena when escaped) */
	size_t key_len;
	const char *val;
	size_t val_len;
	enum json_kind kind;
};

typedef void (*json_leaf_fn)(void *ctx, struct log_event *e, const struct json_leaf *leaf);

/* Scan the object in [p, p+n) (trailing spaces allowed). Returns 0, -1 when it is not one well-formed object. */
int json_scan(struct log_event *e, const char *p, size_t n, json_leaf_fn fn, void *ctx);

#endif
