/*
 * keys.c - the ';'-separated lists of a drug master row (generic names, classes, interaction groups) as lists of
 * search keys, each with its spelling as written, folded as the comparison needs (rx_int.h).
 */
#include "rx_int.h"

#include <stdlib.h>
#include <string.h>

void rx_keys_of(struct rx_keys *k, const char *list, enum rx_key_fold fold)
{
	k->n = 0;
	if (!list)
		return;
	const char *p = list;
	while (*p && k->n < RX_KEYS_MAX) {
		size_t n = strcspn(p, ";,");
		const char *sep = NULL;
		for (const char *q = p; q < p + n; q++)
			if (!strncmp(q, "；", 3) || !strncmp(q, "、", 3)) {
				sep = q;
				break;
			}
		size_t len = sep ? (size_t)(sep - p) : n;
		char *part = lb_strndup(p, len);
		char *key = rx_key(part);
		if (fold == RX_FOLD_KEI) {
			rx_strip_kei(key);
		} else if (fold == RX_FOLD_CLASS) {
			rx_strip_kei(key);
			char *c = rx_canon_class(key);
			free(key);
			key = c;
		} else if (fold == RX_FOLD_INGREDIENT) {
			rx_strip_salt(key);
		}
		if (*key) {
			k->shown[k->n] = part;
			k->v[k->n++] = key;
		} else {
			free(key);
			free(part);
		}
		p += sep ? len + 3 : n + (p[n] ? 1 : 0);
	}
}

void rx_keys_free(struct rx_keys *k)
{
	for (int i = 0; i < k->n; i++) {
		free(k->v[i]);
		free(k->shown[i]);
	}
	k->n = 0;
}
