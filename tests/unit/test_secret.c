/*
 * test_secret.c - reading passphrases (core/secret.c): from a passphrase file (first line, newline and CR chomped,
 * spaces kept), from LIFEBOAT_PASSPHRASE (removed from the environment afterwards), from standard input, and the
 * errors when there is no source or the secret is empty; hardening of the process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"

static char path[64];

static const char *file_with(const char *data, size_t n)
{
	snprintf(path, sizeof(path), "/tmp/lb-test-secret-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Run fn with standard input replaced by a pipe holding data (or /dev/null when data is NULL). */
static int with_stdin(const char *data, int (*fn)(struct buf *), struct buf *out)
{
	int saved = dup(0);
	assert_true(saved >= 0);
	if (data) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		assert_int_equal(write(fds[1], data, strlen(data)), (ssize_t)strlen(data));
		close(fds[1]);
		dup2(fds[0], 0);
		close(fds[0]);
	} else {
		int fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		close(fd);
	}
	int rc = fn(out);
	dup2(saved, 0);
	close(saved);
	return rc;
}

static int read_no_source(struct buf *out)
{
	return lb_secret_read(out, NULL, "passphrase: ", 1);
}

static void from_file_is(const char *data, size_t n, const char *want)
{
	struct buf b = {0};
	unsetenv("LIFEBOAT_PASSPHRASE");
	int rc = lb_secret_read(&b, file_with(data, n), NULL, 0);
	unlink(path);
	if (rc != 0)
		fail_msg("'%s': %s", data, lb_errmsg());
	assert_int_equal(b.len, strlen(want));
	assert_string_equal(b.data, want);
	buf_wipe(&b);
}
#define FROM_FILE_IS(lit, want) from_file_is(lit, sizeof(lit) - 1, want)

static void test_from_file(void **state)
{
	(void)state;
	FROM_FILE_IS("s3cret\n", "s3cret");
	FROM_FILE_IS("s3cret", "s3cret");
	FROM_FILE_IS("s3cret\r\n", "s3cret");
	FROM_FILE_IS("  two words  \n", "  two words  ");
	FROM_FILE_IS("first\nsecond\n", "first");
	FROM_FILE_IS("パスフレーズ\n", "パスフレーズ");
	FROM_FILE_IS("tab\there\n", "tab\there");
	FROM_FILE_IS("x\r\r\n", "x\r"); /* one CR only */
	/* Whatever is in the buffer before is replaced. */
	struct buf b = {0};
	buf_adds(&b, "old");
	assert_int_equal(lb_secret_read(&b, file_with("new\n", 4), NULL, 0), 0);
	unlink(path);
	assert_string_equal(b.data, "new");
	buf_wipe(&b);
}

static void test_from_file_errors(void **state)
{
	(void)state;
	struct buf b = {0};
	unsetenv("LIFEBOAT_PASSPHRASE");
	static const char *empty[] = {"", "\n", "\r\n", "\nsecond line\n"};
	for (size_t i = 0; i < LB_ARRAY_LEN(empty); i++) {
		assert_int_equal(lb_secret_read(&b, file_with(empty[i], strlen(empty[i])), NULL, 0), -LB_EINVAL);
		unlink(path);
		assert_non_null(strstr(lb_errmsg(), "empty"));
		assert_int_equal(b.len, 0);
	}
	assert_int_equal(lb_secret_read(&b, "/nonexistent/lb-passphrase", NULL, 0), -LB_ENOTFOUND);
	assert_non_null(strstr(lb_errmsg(), "/nonexistent/lb-passphrase"));
	/* Over the 4 KiB cap: refused, nothing kept. */
	char big[5000];
	memset(big, 'p', sizeof(big));
	assert_int_equal(lb_secret_read(&b, file_with(big, sizeof(big)), NULL, 0), -LB_ETOOBIG);
	unlink(path);
	assert_int_equal(b.len, 0);
	assert_null(b.data); /* wiped and released */
	/* A folder. */
	assert_true(lb_secret_read(&b, "/", NULL, 0) < 0);
	buf_wipe(&b);
}

static void test_from_env(void **state)
{
	(void)state;
	struct buf b = {0};
	setenv("LIFEBOAT_PASSPHRASE", "env secret ", 1);
	assert_int_equal(lb_secret_read(&b, NULL, NULL, 0), 0);
	assert_string_equal(b.data, "env secret "); /* kept as it is: no chomping of the environment */
	assert_null(getenv("LIFEBOAT_PASSPHRASE"));
	buf_wipe(&b);
	/* Read once only: the second time there is no source (standard input is not a terminal here). */
	assert_int_equal(with_stdin(NULL, read_no_source, &b), -LB_EUSAGE);
	/* An empty variable is an empty passphrase, and is removed too. */
	setenv("LIFEBOAT_PASSPHRASE", "", 1);
	assert_int_equal(lb_secret_read(&b, NULL, NULL, 0), -LB_EINVAL);
	assert_null(getenv("LIFEBOAT_PASSPHRASE"));
	assert_int_equal(b.len, 0);
	/* The file wins over the environment. */
	setenv("LIFEBOAT_PASSPHRASE", "from env", 1);
	assert_int_equal(lb_secret_read(&b, file_with("from file\n", 10), NULL, 0), 0);
	unlink(path);
	assert_string_equal(b.data, "from file");
	unsetenv("LIFEBOAT_PASSPHRASE");
	buf_wipe(&b);
}

static void test_no_source(void **state)
{
	(void)state;
	struct buf b = {0};
	unsetenv("LIFEBOAT_PASSPHRASE");
	/* No file, no variable, standard input not a terminal: a usage error, and nothing read from stdin. */
	assert_int_equal(with_stdin("piped\n", read_no_source, &b), -LB_EUSAGE);
	assert_non_null(strstr(lb_errmsg(), "LIFEBOAT_PASSPHRASE"));
	assert_int_equal(with_stdin(NULL, read_no_source, &b), -LB_EUSAGE);
	assert_int_equal(b.len, 0);
	buf_wipe(&b);
}

static int read_stdin(struct buf *out)
{
	return lb_secret_read_stdin(out, "token: ");
}

static void test_read_stdin(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_int_equal(with_stdin("tok en\nrest\n", read_stdin, &b), 0);
	assert_string_equal(b.data, "tok en");
	assert_int_equal(with_stdin("crlf\r\n", read_stdin, &b), 0);
	assert_string_equal(b.data, "crlf");
	assert_int_equal(with_stdin("no newline", read_stdin, &b), 0);
	assert_string_equal(b.data, "no newline");
	assert_int_equal(b.max, 0); /* the cap used while reading is lifted */
	assert_int_equal(with_stdin("\n", read_stdin, &b), -LB_EINVAL);
	assert_int_equal(with_stdin("", read_stdin, &b), -LB_EINVAL);
	assert_int_equal(with_stdin(NULL, read_stdin, &b), -LB_EINVAL);
	/* A line over the cap. */
	char *big = lb_malloc(6000);
	memset(big, 'q', 5999);
	big[5999] = '\0';
	assert_int_equal(with_stdin(big, read_stdin, &b), -LB_ETOOBIG);
	assert_null(b.data);
	assert_int_equal(b.max, 0);
	free(big);
	buf_wipe(&b);
}

/* Read from master until want has been seen (or the other side closes); 1 if seen. */
static int wait_for(int master, const char *want)
{
	char seen[512];
	size_t n = 0;
	while (n < sizeof(seen) - 1) {
		ssize_t r = read(master, seen + n, 1);
		if (r <= 0)
			return 0;
		n++;
		seen[n] = '\0';
		if (strstr(seen, want))
			return 1;
	}
	return 0;
}

/* lb_secret_read on a terminal: a child plays the person at the keyboard, answering each prompt it sees. Returns
 * lb_secret_read's result; *echoed is set when a typed secret came back from the terminal (echo was on). */
static int read_on_tty(struct buf *out, const char *first, const char *second, int *echoed)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(slave);
		close(pipefd[0]);
		int echo = 0;
		if (wait_for(master, "passphrase: ")) {
			usleep(200000); /* let the reader turn echo off (it flushes what was typed ahead) */
			if (write(master, first, strlen(first)) < 0)
				_exit(2);
			if (second && wait_for(master, "again: ")) {
				usleep(200000);
				if (write(master, second, strlen(second)) < 0)
					_exit(2);
			}
		}
		/* Whatever comes back before the reader is done: an echo would carry the secret. */
		char rest[256];
		struct pollfd pfd = {.fd = master, .events = POLLIN};
		while (poll(&pfd, 1, 300) > 0) {
			ssize_t r = read(master, rest, sizeof(rest) - 1);
			if (r <= 0)
				break;
			rest[r] = '\0';
			if (strstr(rest, "hunter"))
				echo = 1;
		}
		if (write(pipefd[1], &echo, sizeof(echo)) < 0)
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	int saved0 = dup(0), saved2 = dup(2);
	dup2(slave, 0);
	dup2(slave, 2);
	close(slave);
	alarm(20); /* a hang is a failure, not a stuck test suite */
	int rc = lb_secret_read(out, NULL, NULL, second != NULL);
	alarm(0);
	fflush(stderr);
	dup2(saved0, 0);
	dup2(saved2, 2);
	close(saved0);
	close(saved2);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	*echoed = -1;
	assert_int_equal(read(pipefd[0], echoed, sizeof(*echoed)), (ssize_t)sizeof(*echoed));
	close(pipefd[0]);
	close(master);
	return rc;
}

static void test_from_terminal(void **state)
{
	(void)state;
	/* A build machine without pseudo-terminals (no /dev/ptmx in the container) cannot run this test. */
	int probe = posix_openpt(O_RDWR | O_NOCTTY);
	if (probe < 0)
		skip();
	close(probe);
	unsetenv("LIFEBOAT_PASSPHRASE");
	struct buf b = {0};
	int echoed;
	assert_int_equal(read_on_tty(&b, "hunter 2\n", NULL, &echoed), 0);
	assert_string_equal(b.data, "hunter 2");
	assert_int_equal(echoed, 0);
	/* Asked twice, the same both times. */
	assert_int_equal(read_on_tty(&b, "hunter 3\n", "hunter 3\n", &echoed), 0);
	assert_string_equal(b.data, "hunter 3");
	assert_int_equal(echoed, 0);
	/* Asked twice, different: refused, nothing kept. */
	assert_int_equal(read_on_tty(&b, "hunter 4\n", "hunter 5\n", &echoed), -LB_EINVAL);
	assert_non_null(strstr(lb_errmsg(), "differ"));
	assert_null(b.data);
	/* An empty line on the terminal. */
	assert_int_equal(read_on_tty(&b, "\n", NULL, &echoed), -LB_EINVAL);
	buf_wipe(&b);
}

static void test_harden(void **state)
{
	(void)state;
	/* In a child: a process that is not dumpable cannot be inspected by the leak checker either. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		lb_secret_harden_process();
		struct rlimit rl;
		int ok = getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0 &&
		         prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
		_exit(ok ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* --passphrase-file follows links: /dev/stdin, <(pass show x) and mounted secrets are symlinks. */
static void test_from_symlinked_file(void **state)
{
	(void)state;
	char link[80];
	struct buf b = {0};
	unsetenv("LIFEBOAT_PASSPHRASE");
	file_with("through a link\n", 15);
	snprintf(link, sizeof(link), "%s.link", path);
	assert_int_equal(symlink(path, link), 0);
	int rc = lb_secret_read(&b, link, NULL, 0);
	unlink(link);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_string_equal(buf_cstr(&b), "through a link");
	buf_wipe(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_from_file),  cmocka_unit_test(test_from_file_errors),
	        cmocka_unit_test(test_from_env),   cmocka_unit_test(test_no_source),
	        cmocka_unit_test(test_read_stdin), cmocka_unit_test(test_from_terminal),
	        cmocka_unit_test(test_harden),     cmocka_unit_test(test_from_symlinked_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
