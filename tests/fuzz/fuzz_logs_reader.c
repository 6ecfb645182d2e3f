/*
 * fuzz_logs_reader.c - libFuzzer target for the log reader (src/logs/reader.c): any bytes as a log file, read
 * detected and as journald export (whose entries are split by their binary lengths). Must return, warn, never
 * crash or hang. Seeds: corpus/logs_reader/.
 */
#include "logs/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *ctx, const char *file, uint64_t lineno, const char *what)
{
	(void)file;
	(void)lineno;
	(void)what;
	++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/lb-fuzz-logs-%d.log", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct log_event *e = malloc(sizeof(*e));
	static const enum log_format fmts[] = {LOG_FMT_AUTO, LOG_FMT_JOURNAL};
	for (size_t k = 0; e && k < 2; k++) {
		struct log_reader *r;
		if (log_reader_open(&r, path, fmts[k], 0) < 0)
			continue;
		size_t warned = 0;
		log_reader_on_warn(r, quiet, &warned);
		while (log_reader_next(r, e) > 0)
			;
		log_reader_close(r);
	}
	free(e);
	unlink(path);
	return 0;
}
