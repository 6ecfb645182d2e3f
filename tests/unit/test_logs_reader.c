/*
 * test_logs_reader.c - reading and following log files (src/logs/reader.c): malformed lines warned with file:line
 * and read on, a partial last line held while following and given at the end of a read-once scan, truncation,
 * rotation and resuming: no line lost, none repeated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logs/reader.h"

static char dir[64], path[128];
static struct log_event ev;

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lb-logs-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/auth.log", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static void put(const char *p, const char *s, const char *mode)
{
	FILE *f = fopen(p, mode);
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

/* The next event's line as a string, "" when none (rc 0). */
static const char *next(struct log_reader *r)
{
	static char out[256];
	int rc = log_reader_next(r, &ev);
	assert_true(rc >= 0);
	if (!rc)
		return "";
	snprintf(out, sizeof out, "%.*s", (int)ev.line_len, ev.line);
	return out;
}

struct warns {
	int n;
	char last[256];
};

static void on_warn(void *ctx, const char *file, uint64_t lineno, const char *what)
{
	struct warns *w = ctx;
	w->n++;
	snprintf(w->last, sizeof w->last, "%s:%llu: %s", file, (unsigned long long)lineno, what);
}

static void test_malformed_and_partial_once(void **state)
{
	(void)state;
	put(path,
	    "Dec  7 10:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 1\nnot syslog\n\n"
	    "Dec  7 10:00:02 h sshd[1]: Invalid user b from 192.0.2.1 port 2",
	    "w");
	struct log_reader *r;
	assert_int_equal(log_reader_open(&r, path, LOG_FMT_AUTO, 0), 0);
	struct warns w = {0};
	log_reader_on_warn(r, on_warn, &w);
	assert_string_equal(next(r), "Dec  7 10:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 1");
	assert_string_equal(next(r), "not syslog");
	assert_int_equal(ev.nfields, 0);
	assert_int_equal(ev.lineno, 2);
	assert_int_equal(w.n, 1);
	char want[200];
	snprintf(want, sizeof want, "%s:2: ", path);
	assert_memory_equal(w.last, want, strlen(want));
	/* the blank line is skipped; the last line has no newline and is still read, with its line number */
	assert_string_equal(next(r), "Dec  7 10:00:02 h sshd[1]: Invalid user b from 192.0.2.1 port 2");
	assert_int_equal(ev.lineno, 4);
	assert_int_equal(ev.nfields > 3, 1);
	assert_string_equal(next(r), "");
	assert_int_equal(log_reader_warnings(r), 1);
	log_reader_close(r);
}

static void test_follow_partial_line_held(void **state)
{
	(void)state;
	put(path, "one\ntw", "w");
	struct log_reader *r;
	assert_int_equal(log_reader_open(&r, path, LOG_FMT_JSON, 1), 0);
	log_reader_on_warn(r, on_warn, &(struct warns){0});
	assert_string_equal(next(r), "one");
	assert_string_equal(next(r), ""); /* "tw" waits for its newline */
	assert_string_equal(next(r), "");
	put(path, "o\nthree\n", "a");
	assert_string_equal(next(r), "two");
	assert_string_equal(next(r), "three");
	assert_string_equal(next(r), "");
	log_reader_close(r);
}

static void test_follow_truncate(void **state)
{
	(void)state;
	put(path, "aaaa 1\naaaa 2\n", "w");
	struct log_reader *r;
	assert_int_equal(log_reader_open(&r, path, LOG_FMT_JSON, 1), 0);
	log_reader_on_warn(r, on_warn, &(struct warns){0});
	assert_string_equal(next(r), "aaaa 1");
	assert_string_equal(next(r), "aaaa 2");
	assert_string_equal(next(r), "");
	/* copytruncate, then the writer goes on: shorter than before */
	put(path, "b 3\n", "w");
	assert_string_equal(next(r), "b 3");
	assert_string_equal(next(r), "");
	/* truncated and refilled past the old size before the follower looked: the bytes before its offset changed */
	put(path, "cccccccccccccccccccccc 4\nd 5\n", "w");
	assert_string_equal(next(r), "cccccccccccccccccccccc 4");
	assert_string_equal(next(r), "d 5");
	assert_string_equal(next(r), "");
	log_reader_close(r);
}

static void test_follow_rotate(void **state)
{
	(void)state;
	put(path, "old 1\n", "w");
	struct log_reader *r;
	assert_int_equal(log_reader_open(&r, path, LOG_FMT_JSON, 1), 0);
	log_reader_on_warn(r, on_warn, &(struct warns){0});
	assert_string_equal(next(r), "old 1");
	assert_string_equal(next(r), "");
	/* the writer still has the old file open: it writes after the rename, then reopens */
	int fd = open(path, O_WRONLY | O_APPEND);
	char rotated[160];
	snprintf(rotated, sizeof rotated, "%s.1", path);
	assert_int_equal(rename(path, rotated), 0);
	assert_int_equal(write(fd, "old 2\nold 3 half", 16), 16);
	close(fd);
	put(path, "new 1\n", "w");
	assert_string_equal(next(r), "old 2");
	assert_string_equal(next(r), "old 3 half"); /* the old file will not grow any more: its last line is given */
	assert_string_equal(next(r), "new 1");
	assert_int_equal(ev.lineno, 1);
	assert_string_equal(next(r), "");
	put(path, "new 2\n", "a");
	assert_string_equal(next(r), "new 2");
	log_reader_close(r);
	unlink(rotated);
}

static void test_resume(void **state)
{
	(void)state;
	put(path, "l1\nl2\nl3\n", "w");
	struct log_reader *r;
	assert_int_equal(log_reader_open(&r, path, LOG_FMT_JSON, 1), 0);
	log_reader_on_warn(r, on_warn, &(struct warns){0});
	assert_string_equal(next(r), "l1");
	assert_string_equal(next(r), "l2");
	uint64_t off, line;
	log_reader_pos(r, &off, &line);
	log_reader_close(r);
	assert_int_equal(off, 6);
	assert_int_equal(line, 2);
	put(path, "l4\n", "a");
	assert_int_equal(log_reader_open(&r, path, LOG_FMT_JSON, 1), 0);
	log_reader_on_warn(r, on_warn, &(struct warns){0});
	assert_int_equal(log_reader_seek(r, off, line), 0);
	assert_string_equal(next(r), "l3");
	assert_int_equal(ev.lineno, 3);
	assert_string_equal(next(r), "l4");
	assert_string_equal(next(r), "");
	log_reader_close(r);
}

static void test_journal_record_split(void **state)
{
	(void)state;
	put(path, "__CURSOR=1\nSYSLOG_IDENTIFIER=sshd\nMESSAGE=Invalid user z from 192.0.2.9 port 3\n", "w");
	struct log_reader *r;
	assert_int_equal(log_reader_open(&r, path, LOG_FMT_AUTO, 1), 0);
	assert_string_equal(next(r), ""); /* the entry is not complete before its blank line */
	put(path, "\n__CURSOR=2\nMESSAGE=x\n\n", "a");
	assert_int_equal(log_reader_next(r, &ev), 1);
	assert_int_equal(ev.format, LOG_FMT_JOURNAL);
	const struct log_field *u = log_event_get(&ev, "user", 4);
	assert_non_null(u);
	assert_memory_equal(u->val, "z", 1);
	assert_int_equal(log_reader_next(r, &ev), 1);
	assert_int_equal(ev.lineno, 5);
	assert_string_equal(next(r), "");
	log_reader_close(r);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct log_reader *r;
	assert_true(log_reader_open(&r, "/nonexistent/auth.log", LOG_FMT_AUTO, 0) < 0);
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_malformed_and_partial_once, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_follow_partial_line_held, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_follow_truncate, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_follow_rotate, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_journal_record_split, setup, teardown),
	        cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
