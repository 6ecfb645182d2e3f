/*
 * search.c - the three-character drug search: what the EHR's order screen did when a doctor typed "ロキソ" and
 * got both the brand and its generics. Names are folded with text_search_key (ｱﾓｷ, あもき and アモキ meet); codes
 * (local, YJ, HOT) are matched as typed. Each hit carries the other products of its ingredient.
 */
#include "rx.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

int rx_is_generic_product(const char *name)
{
	return name && strstr(name, "「") && strstr(name, "」");
}

/* The text with ASCII/ideographic spaces trimmed at both ends, as a new string. */
static char *trimmed(const char *t)
{
	while (*t == ' ' || !strncmp(t, "\u3000", 3))
		t += *t == ' ' ? 1 : 3;
	size_t n = strlen(t);
	for (;;) {
		if (n && t[n - 1] == ' ')
			n--;
		else if (n >= 3 && !memcmp(t + n - 3, "\u3000", 3))
			n -= 3;
		else
			break;
	}
	return lb_strndup(t, n);
}

int rx_search(struct store *s, const char *text, size_t limit, struct rx_hits *out)
{
	memset(out, 0, sizeof(*out));
	if (!limit)
		limit = 50;
	char *t = trimmed(text ? text : "");
	size_t chars = utf8_count(t, strlen(t));
	if (chars < RX_SEARCH_MIN_CHARS) {
		free(t);
		return lb_error_tr(LB_EUSAGE, "type at least %d characters to search drugs ('%s')",
		                   "薬品の検索には %d 文字以上を入力してください ('%s')", RX_SEARCH_MIN_CHARS,
		                   text ? text : "");
	}
	struct buf key = {0};
	text_search_key(&key, t, strlen(t));
	/* Codes are digits and letters; a code-like query also searches names. A query with any other character (kana,
	 * kanji) cannot be a code: it is not compared with the codes at all (that comparison was most of a search's
	 * time on a master of thousands). */
	int codelike = 1;
	for (const char *c = t; *c && codelike; c++)
		codelike = (*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		           *c == '-' || *c == '.' || *c == '_';
	int rc = store_drug_search(s, codelike ? t : NULL, buf_cstr(&key), limit, &out->found);
	free(t);
	buf_release(&key);
	if (rc < 0)
		return rc;
	out->truncated = out->found.truncated;
	/* 名称類似: the look-alike products a hit's master column names are shown with it (a fragment that matches
	 * アルマール also shows アマリール), marked by the caller with rx_confusable_entry. */
	size_t nfound = out->found.n;
	for (size_t i = 0; i < nfound && rc == 0; i++) {
		const char *list = out->found.v[i].drug.confusable;
		while (list && *list && rc == 0) {
			const char *e = strchr(list, ';');
			char *raw = lb_strndup(list, e ? (size_t)(e - list) : strlen(list));
			char *entry = trimmed(raw);
			free(raw);
			int digits = *entry != 0;
			for (const char *c = entry; *c && digits; c++)
				digits = *c >= '0' && *c <= '9';
			struct buf k = {0};
			text_search_key(&k, entry, strlen(entry));
			size_t before = out->found.n;
			if (*entry)
				rc = store_drug_search(s, digits ? entry : NULL, buf_cstr(&k), 5, &out->found);
			/* keep the products the entry names, once */
			size_t w = before;
			for (size_t j = before; j < out->found.n; j++) {
				int dup = 0;
				for (size_t m = 0; m < w && !dup; m++)
					dup = !strcmp(out->found.v[m].drug.code, out->found.v[j].drug.code);
				char other[8];
				if (!dup && rx_confusable_entry(&out->found.v[i].drug, &out->found.v[j].drug, other,
				                                sizeof(other))) {
					out->found.v[w] = out->found.v[j];
					out->found.v[w++].match = "confusable";
				}
			}
			out->found.n = w;
			buf_release(&k);
			free(entry);
			list = e ? e + 1 : NULL;
		}
	}
	/* … and the other direction: products whose column names a hit (アマリール's row lists アルマール). */
	for (size_t i = 0; i < nfound && rc == 0; i++) {
		const struct ehr_drug *d = &out->found.v[i].drug;
		size_t before = out->found.n;
		rc = store_drug_named_confusable(s, d->code, d->kana && *d->kana ? d->kana : d->name, &out->found);
		size_t w = before;
		for (size_t j = before; j < out->found.n && rc == 0; j++) {
			int dup = 0;
			for (size_t m = 0; m < w && !dup; m++)
				dup = !strcmp(out->found.v[m].drug.code, out->found.v[j].drug.code);
			char other[8];
			if (!dup &&
			    rx_confusable_entry(&out->found.v[i].drug, &out->found.v[j].drug, other, sizeof(other))) {
				out->found.v[w] = out->found.v[j];
				out->found.v[w++].match = "confusable";
			}
		}
		out->found.n = w;
	}
	out->found.truncated = out->truncated;
	if (rc < 0) {
		store_drugs_release(&out->found);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	out->n = out->found.n;
	out->v = lb_calloc(out->n ? out->n : 1, sizeof(*out->v));
	/* Siblings are gathered into one list; remember each hit's slice. */
	size_t *first = lb_calloc(out->n ? out->n : 1, sizeof(*first));
	for (size_t i = 0; i < out->n && rc == 0; i++) {
		first[i] = out->siblings.n;
		rc = store_drug_siblings(s, out->found.v[i].drug.code, &out->siblings);
	}
	for (size_t i = 0; i < out->n; i++) {
		struct rx_hit *h = &out->v[i];
		h->drug = out->found.v[i].drug;
		h->match = out->found.v[i].match;
		h->generic_product = rx_is_generic_product(h->drug.name);
		size_t end = i + 1 < out->n ? first[i + 1] : out->siblings.n;
		h->nsame = rc == 0 ? end - first[i] : 0;
	}
	/* The sibling list is final now: point into it (it no longer moves). */
	if (rc == 0) {
		struct ehr_drug *flat = lb_calloc(out->siblings.n ? out->siblings.n : 1, sizeof(*flat));
		for (size_t j = 0; j < out->siblings.n; j++)
			flat[j] = out->siblings.v[j].drug;
		for (size_t i = 0; i < out->n; i++)
			out->v[i].same = flat + first[i];
		/* flat is owned through v[0].same when there is a hit; keep it for release */
		if (out->n)
			out->v[0].same = flat;
		else
			free(flat);
	}
	free(first);
	if (rc < 0)
		rx_hits_release(out);
	return rc;
}

void rx_hits_release(struct rx_hits *h)
{
	if (h->v && h->n)
		free(h->v[0].same);
	free(h->v);
	store_drugs_release(&h->found);
	store_drugs_release(&h->siblings);
	memset(h, 0, sizeof(*h));
}
