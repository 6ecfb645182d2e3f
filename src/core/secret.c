/*
 * secret.c - passphrases in, never out: read from a file, the environment or the terminal (never argv), kept in
 * a buffer the caller wipes, and a process that cannot dump core or be attached to while it holds them.
 */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#define SECRET_MAX 4096

void lb_secret_harden_process(void)
{
	struct rlimit rl = {0, 0};
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Drop a trailing newline (and CR); the rest of the line is the secret, spaces included. */
static void chomp(struct buf *b)
{
	char *nl = memchr(b->data, '\n', b->len);
	if (nl)
		buf_truncate(b, (size_t)(nl - b->data));
	if (b->len && b->data[b->len - 1] == '\r')
		buf_truncate(b, b->len - 1);
}

static int read_tty_line(struct buf *out, int fd, const char *prompt)
{
	struct termios old, quiet;
	int is_tty = isatty(fd) && tcgetattr(fd, &old) == 0;
	if (prompt && is_tty)
		fprintf(stderr, "%s", prompt);
	if (is_tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	out->max = SECRET_MAX;
	int rc = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if ((rc = buf_addch(out, c)) < 0)
			break;
	}
	if (is_tty) {
		tcsetattr(fd, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	out->max = 0;
	if (rc == 0 && out->len && out->data[out->len - 1] == '\r')
		buf_truncate(out, out->len - 1);
	return rc;
}

int lb_secret_read_stdin(struct buf *out, const char *prompt)
{
	buf_reset(out);
	int rc = read_tty_line(out, 0, prompt);
	if (rc < 0) {
		buf_wipe(out);
		return rc;
	}
	if (out->len == 0)
		return lb_error_tr(LB_EINVAL, "empty secret on standard input", "標準入力の秘密が空です");
	return 0;
}

int lb_secret_read(struct buf *out, const char *passphrase_file, const char *prompt, int confirm)
{
	buf_reset(out);
	if (passphrase_file) {
		/* Symlinks are followed on purpose: /dev/stdin, <(pass show x) and mounted secrets are links. */
		int fd = open(passphrase_file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return lb_error_errno_tr(errno, "cannot open passphrase file '%s'",
			                         "パスフレーズファイル '%s' を開けません", passphrase_file);
		int rc = buf_read_fd(out, fd, SECRET_MAX);
		close(fd);
		if (rc < 0) {
			buf_wipe(out);
			return lb_error_wrap_tr(rc, "passphrase file '%s'", "パスフレーズファイル '%s'",
			                        passphrase_file);
		}
		chomp(out);
	} else if (getenv("LIFEBOAT_PASSPHRASE")) {
		const char *v = getenv("LIFEBOAT_PASSPHRASE");
		buf_adds(out, v);
		/* Out of the environment, so that child processes and /proc/PID/environ readers do not see it. */
		lb_wipe((void *)v, strlen(v));
		unsetenv("LIFEBOAT_PASSPHRASE");
	} else if (isatty(0)) {
		int rc = read_tty_line(out, 0, prompt ? prompt : L_("passphrase: ", "パスフレーズ: "));
		if (rc == 0 && confirm) {
			struct buf again = {0};
			rc = read_tty_line(&again, 0, L_("again: ", "もう一度: "));
			if (rc == 0 && (again.len != out->len || memcmp(again.data, out->data, out->len) != 0))
				rc = lb_error_tr(LB_EINVAL, "the passphrases differ",
				                 "2 回のパスフレーズが一致しません");
			buf_wipe(&again);
		}
		if (rc < 0) {
			buf_wipe(out);
			return rc;
		}
	} else {
		return lb_error_tr(LB_EUSAGE,
		                   "no passphrase: set LIFEBOAT_PASSPHRASE, use --passphrase-file or a terminal",
		                   "パスフレーズがありません: LIFEBOAT_PASSPHRASE を設定するか、--passphrase-file か"
		                   "端末から入力してください");
	}
	if (out->len == 0) {
		buf_wipe(out);
		return lb_error_tr(LB_EINVAL, "empty passphrase", "パスフレーズが空です");
	}
	return 0;
}
