/*
 * bench_parse.c - parsing only, no rules: events/s of the log readers over a file (log_reader_next, as
 * `lifeboat logs scan` reads), and, for JSON, jansson's json_loadb over the same lines (why the readers have their
 * own scanner). Prints one line per measure; peak RSS at the end. Usage: bench_parse FILE [jansson]
 */
#include "logs/reader.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	struct log_reader *r;
	struct log_event *e = malloc(sizeof(*e));
	if (!e || log_reader_open(&r, argv[1], LOG_FMT_AUTO, 0) < 0)
		return 2;
	double t0 = now();
	uint64_t n = 0, fields = 0;
	while (log_reader_next(r, e) > 0) {
		n++;
		fields += e->nfields;
	}
	double t = now() - t0;
	printf("%-10s %9llu events  %6.2f s  %10.0f events/s  %.1f fields/event  %llu warnings\n",
	       log_format_name(log_reader_format(r)), (unsigned long long)n, t, (double)n / t,
	       n ? (double)fields / (double)n : 0.0, (unsigned long long)log_reader_warnings(r));
	log_reader_close(r);
	if (argc > 2 && !strcmp(argv[2], "jansson")) {
		FILE *f = fopen(argv[1], "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		uint64_t m = 0;
		t0 = now();
		while (f && (len = getline(&line, &cap, f)) > 0) {
			json_error_t err;
			json_t *j = json_loadb(line, (size_t)len, 0, &err);
			m += j != NULL;
			json_decref(j);
		}
		t = now() - t0;
		printf("%-10s %9llu events  %6.2f s  %10.0f events/s  (json_loadb only: no flattening, no mapping)\n",
		       "jansson", (unsigned long long)m, t, (double)m / t);
		free(line);
		if (f)
			fclose(f);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS   %ld KiB\n", ru.ru_maxrss);
	free(e);
	return 0;
}
