/*
 * child_weight.c - the upper reference body weight of a child by age in whole years (data/rx/child-weight-upper.tsv,
 * compiled into the binary, read once): a child with no recorded weight whose daily dose is over max_per_kg_day ×
 * this weight is over the maximum even if that heavy (dose_rule.c, docs/rx.md "Children").
 */
#include "rx_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char rx_data_child_weight_upper[];
extern const size_t rx_data_child_weight_upper_len;

static double upper[RX_CHILD_YEARS];
static char version[32] = "?";
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* One data line "AGE<TAB>KG<TAB>basis": a whole age under RX_CHILD_YEARS and a weight over 0 kg, else ignored. */
static void add_line(const char *line)
{
	char *end;
	long age = strtol(line, &end, 10);
	if (end == line || *end != '\t' || age < 0 || age >= RX_CHILD_YEARS)
		return;
	const char *kg_at = end + 1;
	double kg = strtod(kg_at, &end);
	if (end == kg_at || (*end && *end != '\t') || !(kg > 0) || kg > 500)
		return;
	upper[age] = kg;
}

static void build(void)
{
	char *text = lb_strndup((const char *)rx_data_child_weight_upper, rx_data_child_weight_upper_len);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (!strncmp(line, "version\t", 8))
			snprintf(version, sizeof(version), "%.*s", (int)strcspn(line + 8, "\r\t"), line + 8);
		else if (line[0] != '#')
			add_line(line);
	}
	free(text);
}

double rx_child_upper_kg(int age_years, const char **table_version)
{
	pthread_once(&once, build);
	if (table_version)
		*table_version = version;
	return age_years >= 0 && age_years < RX_CHILD_YEARS ? upper[age_years] : 0;
}
