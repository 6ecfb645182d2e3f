/*
 * fuzz_drill_state.c - `drill ransomware --undo` reads DIR/.lifeboat-drill-state, which anyone able to write the
 * drill folder can shape. On any bytes, undo returns (an error or a count) without crashing and never touches a
 * file outside the drill folder: a sentinel file beside the folder keeps its content.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watch/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64];

static void cleanup(void)
{
	lb_rmtree(base);
}

static void put(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	if (n && write(fd, p, n) != (ssize_t)n)
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!base[0]) {
		snprintf(base, sizeof base, "/tmp/lb-fuzz-drill.XXXXXX");
		if (!mkdtemp(base))
			abort();
		atexit(cleanup);
		lb_log_set_level(LB_LOG_ERROR);
	}
	char dir[128], path[256], sentinel[256];
	snprintf(dir, sizeof dir, "%s/d", base);
	snprintf(sentinel, sizeof sentinel, "%s/sentinel", base);
	lb_rmtree(dir);
	lb_mkdirs(dir, 0700);
	put(sentinel, "sentinel", 8);
	snprintf(path, sizeof path, "%s/%s", dir, DRILL_MARKER);
	put(path, "", 0);
	snprintf(path, sizeof path, "%s/a.txt", dir);
	put(path, "hello", 5);
	snprintf(path, sizeof path, "%s/%s", dir, DRILL_STATE);
	put(path, data, size);
	struct drill_result r;
	drill_undo(dir, &r);
	lb_error_clear();
	struct buf b = {0};
	if (buf_read_file(&b, sentinel, 64) < 0 || b.len != 8 || memcmp(b.data, "sentinel", 8))
		abort();
	buf_release(&b);
	return 0;
}
