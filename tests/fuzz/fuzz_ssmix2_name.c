/*
 * fuzz_ssmix2_name.c - libFuzzer target for SS-MIX2 file names and storage paths (ssmix2_parse_name,
 * ssmix2_parse_path): any bytes as a name and as a relative path. A name that parses must satisfy what the walker
 * relies on: no '/', no "..", a 17-digit time, flag 0 or 1. Seeds: corpus/ssmix2_name/.
 */
#include "ehr/ehr.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct ssmix2_name *n)
{
	if (strchr(n->patient, '/') || strchr(n->order_no, '/') || strchr(n->type, '/') || strchr(n->dept, '/') ||
	    strstr(n->patient, "..") || strlen(n->time) != 17 || (n->flag != 0 && n->flag != 1) || !n->patient[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	struct ssmix2_name n;
	if (ssmix2_parse_name(s, &n) == 0)
		check(&n);
	if (ssmix2_parse_path(s, &n) == 0)
		check(&n);
	free(s);
	return 0;
}
