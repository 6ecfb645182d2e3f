/*
 * test_progress.c - the progress line (core/progress.c): nothing at all when stderr is not a terminal or
 * LIFEBOAT_PROGRESS=0, and on a terminal (a pseudo-terminal here) one line redrawn at most ten times a second,
 * finished with a newline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

/* Run fn with stderr sent to a temporary file; returns what was written (caller frees). */
static char *stderr_of(void (*fn)(void))
{
	char path[] = "/tmp/lb-test-progress-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	struct buf b = {0};
	assert_int_equal(buf_read_file(&b, path, 1 << 20), 0);
	close(fd);
	unlink(path);
	return buf_detach(&b, NULL);
}

static void run_bar(void)
{
	struct lb_progress p = {.label = "backup", .total = 1000, .bytes = 1};
	for (int i = 0; i <= 1000; i += 10)
		lb_progress_update(&p, (uint64_t)i);
	lb_progress_add(&p, 5);
	lb_progress_done(&p);
	assert_int_equal(p.done, 1005);
	assert_int_equal(p.enabled, 0);
	assert_int_equal(p.drawn, 0);
}

static void test_not_a_tty(void **state)
{
	(void)state;
	unsetenv("LIFEBOAT_PROGRESS");
	char *out = stderr_of(run_bar);
	assert_string_equal(out, "");
	free(out);
	/* A struct that was never updated: done draws nothing. */
	struct lb_progress p = {.label = "x"};
	lb_progress_done(&p);
}

/* A pseudo-terminal as stderr: lets the drawing code run. */
static int master = -1, saved_err = -1;

static void pty_open(void)
{
	master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	fflush(stderr);
	saved_err = dup(2);
	dup2(slave, 2);
	close(slave);
}

/* Restore stderr and return what the terminal received. */
static char *pty_close(void)
{
	fflush(stderr);
	dup2(saved_err, 2);
	close(saved_err);
	struct buf b = {0};
	char chunk[4096];
	struct pollfd pfd = {.fd = master, .events = POLLIN};
	while (poll(&pfd, 1, 100) > 0) {
		ssize_t r = read(master, chunk, sizeof(chunk));
		if (r <= 0)
			break;
		buf_add(&b, chunk, (size_t)r);
	}
	close(master);
	return buf_detach(&b, NULL);
}

static void test_tty(void **state)
{
	(void)state;
	/* A build machine without pseudo-terminals (no /dev/ptmx in the container) cannot run this test. */
	int probe = posix_openpt(O_RDWR | O_NOCTTY);
	if (probe < 0)
		skip();
	close(probe);
	unsetenv("LIFEBOAT_PROGRESS");
	pty_open();
	struct lb_progress p = {.label = "backup", .total = 2048, .bytes = 1};
	lb_progress_update(&p, 1024); /* first update draws */
	lb_progress_update(&p, 1100); /* within a tenth of a second: not drawn */
	lb_progress_update(&p, 1200);
	assert_int_equal(p.enabled, 1);
	assert_int_equal(p.drawn, 1);
	lb_progress_done(&p);
	char *out = pty_close();
	assert_non_null(strstr(out, "\rbackup  50% [##########          ] 1.00 KiB / 2.00 KiB"));
	/* Drawn twice: the first update and done; the final state is shown. */
	size_t draws = 0;
	for (const char *s = out; (s = strstr(s, "\rbackup")); s++)
		draws++;
	assert_int_equal(draws, 2);
	assert_non_null(strstr(out, " 58% [###########         ] 1.17 KiB / 2.00 KiB"));
	assert_non_null(strchr(out, '\n'));
	free(out);

	/* Unknown total and counts instead of sizes; done past total is shown as total. */
	pty_open();
	struct lb_progress q = {.label = "files"};
	lb_progress_update(&q, 42);
	lb_progress_done(&q);
	struct lb_progress r = {.label = "over", .total = 10};
	lb_progress_update(&r, 15);
	lb_progress_done(&r);
	out = pty_close();
	assert_non_null(strstr(out, "\rfiles 42"));
	assert_non_null(strstr(out, "\rover 100% [####################] 10 / 10"));
	free(out);

	/* LIFEBOAT_PROGRESS=0 turns it off on a terminal too. */
	setenv("LIFEBOAT_PROGRESS", "0", 1);
	pty_open();
	struct lb_progress s = {.label = "quiet", .total = 10};
	lb_progress_update(&s, 5);
	lb_progress_done(&s);
	out = pty_close();
	assert_string_equal(out, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_not_a_tty),
	        cmocka_unit_test(test_tty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
