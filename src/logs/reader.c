/*
 * reader.c - reading a log file (or stdin) into events, once or following it as `tail -F` does (reader.h).
 *
 * The buffer holds the bytes read and not yet given as events, buf[start, len); off is the file offset of
 * buf[len]. An event is handed out pointing into the buffer, which moves only at the next call.
 */
#include "core/core.h"
#include "logs/parse_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX (1u << 20) /* a longer line is cut (and warned about): no log writes one */
#define READ_CHUNK (64u << 10)
#define TAIL 32

size_t log_journal_record_len(const char *p, size_t n, int at_eof);

struct log_reader {
	char *path;
	int fd, is_stdin, follow, eof, detected;
	int again; /* a non-blocking input (stdin) had nothing for now: not its end */
	enum log_format fmt;
	char *buf;
	size_t cap, start, len;
	size_t cut; /* when has_cut: buf[cut] is the end of an old file (rotated, truncated); no record spans it */
	int has_cut;
	uint64_t off, lineno, warnings;
	dev_t dev;
	ino_t ino;
	int64_t ref_ms;
	char tail[TAIL]; /* the last bytes before off: a file rewritten under us no longer has them there */
	size_t tail_len;
	log_warn_fn warn;
	void *wctx;
};

static void default_warn(void *ctx, const char *file, uint64_t lineno, const char *what)
{
	(void)ctx;
	lb_warn("%s:%llu: %s", file, (unsigned long long)lineno, what);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int log_reader_open(struct log_reader **out, const char *path, enum log_format fmt, int follow)
{
	*out = NULL;
	struct log_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return lb_error_tr(LB_ENOMEM, "out of memory", "メモリが不足しています");
	r->is_stdin = !strcmp(path, "-");
	r->fd = r->is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		int e = errno;
		free(r);
		return lb_error_errno_tr(e, "cannot open log '%s'", "ログ '%s' を開けません", path);
	}
	r->path = strdup(path);
	r->cap = READ_CHUNK * 2;
	r->buf = malloc(r->cap);
	if (!r->path || !r->buf) {
		log_reader_close(r);
		return lb_error_tr(LB_ENOMEM, "out of memory", "メモリが不足しています");
	}
	r->follow = follow && !r->is_stdin;
	r->fmt = fmt;
	r->detected = fmt != LOG_FMT_AUTO;
	r->warn = default_warn;
	r->ref_ms = now_ms();
	struct stat st;
	if (!r->is_stdin && fstat(r->fd, &st) == 0) {
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		/* a file read once: its lines are no later than its last change, which fixes the year of 3164 stamps */
		if (!follow)
			r->ref_ms = (int64_t)st.st_mtim.tv_sec * 1000;
	}
	*out = r;
	return 0;
}

void log_reader_on_warn(struct log_reader *r, log_warn_fn fn, void *ctx)
{
	r->warn = fn ? fn : default_warn;
	r->wctx = ctx;
}

enum log_format log_reader_format(const struct log_reader *r)
{
	return r->fmt;
}

uint64_t log_reader_warnings(const struct log_reader *r)
{
	return r->warnings;
}

void log_reader_pos(const struct log_reader *r, uint64_t *offset, uint64_t *lineno)
{
	*offset = r->off - (r->len - r->start);
	*lineno = r->lineno;
}

static void reset_at(struct log_reader *r, uint64_t off, uint64_t lineno)
{
	r->start = r->len = 0;
	r->off = off;
	r->lineno = lineno;
	r->tail_len = 0;
	r->eof = 0;
	if (off >= TAIL || off) {
		size_t k = off < TAIL ? (size_t)off : TAIL;
		ssize_t got = pread(r->fd, r->tail, k, (off_t)(off - k));
		r->tail_len = got == (ssize_t)k ? k : 0;
	}
}

int log_reader_seek(struct log_reader *r, uint64_t offset, uint64_t lineno)
{
	if (r->is_stdin)
		return lb_error_tr(LB_EINVAL, "stdin cannot be resumed at a position",
		                   "標準入力は位置を指定して再開できません");
	struct stat st;
	if (fstat(r->fd, &st) == 0 && (uint64_t)st.st_size < offset)
		offset = lineno = 0;
	if (lseek(r->fd, (off_t)offset, SEEK_SET) < 0)
		return lb_error_errno_tr(errno, "cannot seek in '%s'", "'%s' をシークできません", r->path);
	reset_at(r, offset, lineno);
	return 0;
}

void log_reader_close(struct log_reader *r)
{
	if (!r)
		return;
	if (r->fd > 0 || (r->fd == 0 && !r->is_stdin))
		close(r->fd);
	free(r->buf);
	free(r->path);
	free(r);
}

static void note_tail(struct log_reader *r, const char *p, size_t k)
{
	if (k >= TAIL) {
		memcpy(r->tail, p + k - TAIL, TAIL);
		r->tail_len = TAIL;
		return;
	}
	size_t keep = r->tail_len + k > TAIL ? TAIL - k : r->tail_len;
	memmove(r->tail, r->tail + r->tail_len - keep, keep);
	memcpy(r->tail + keep, p, k);
	r->tail_len = keep + k;
}

/* Read more bytes into the buffer: > 0 bytes read, 0 at the end, < 0 on error. */
static ssize_t fill(struct log_reader *r)
{
	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->cut -= r->has_cut ? r->start : 0;
		r->start = 0;
	}
	if (r->cap - r->len < READ_CHUNK) {
		size_t nc = r->cap * 2;
		char *nb = realloc(r->buf, nc);
		if (!nb)
			return lb_error_tr(LB_ENOMEM, "out of memory", "メモリが不足しています");
		r->buf = nb;
		r->cap = nc;
	}
	ssize_t k;
	do
		k = read(r->fd, r->buf + r->len, r->cap - r->len);
	while (k < 0 && errno == EINTR);
	r->again = k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	if (r->again)
		return 0;
	if (k < 0)
		return lb_error_errno_tr(errno, "cannot read log '%s'", "ログ '%s' を読めません", r->path);
	note_tail(r, r->buf + r->len, (size_t)k);
	r->len += (size_t)k;
	r->off += (uint64_t)k;
	return k;
}

/* Following, at the end of the file: was it truncated or rewritten (start over at 0), or renamed away with a
 * new file at the path (read the old one to its end, then switch)? Returns 1 when there is something new to read
 * (*flush: give a held partial line first), 0 when not. */
static int check_file(struct log_reader *r, int *flush)
{
	struct stat st, ps;
	*flush = 0;
	if (fstat(r->fd, &st) == 0) {
		int cut = (uint64_t)st.st_size < r->off;
		if (!cut && r->tail_len && r->off >= r->tail_len) {
			char now[TAIL];
			ssize_t got = pread(r->fd, now, r->tail_len, (off_t)(r->off - r->tail_len));
			cut = got != (ssize_t)r->tail_len || memcmp(now, r->tail, r->tail_len);
		}
		if (cut) {
			*flush = 1;
			lseek(r->fd, 0, SEEK_SET);
			r->off = 0;
			r->tail_len = 0;
			return 1;
		}
	}
	if (stat(r->path, &ps) < 0 || (ps.st_dev == r->dev && ps.st_ino == r->ino))
		return (uint64_t)st.st_size > r->off;
	/* renamed away: whatever the writer put in the old file before the rename is read first */
	ssize_t k;
	while ((k = fill(r)) > 0)
		;
	int fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return r->len > r->start;
	close(r->fd);
	r->fd = fd;
	r->dev = ps.st_dev;
	r->ino = ps.st_ino;
	r->off = 0;
	r->tail_len = 0;
	*flush = 1;
	return 1;
}

static void detect(struct log_reader *r)
{
	if (!r->detected) {
		r->fmt = log_format_detect(r->buf + r->start, r->len - r->start);
		r->detected = 1;
	}
}

/* The next record in the buffer: its length (with its terminator) in *take and the event's length in *rlen;
 * 0 when none is complete. final: no more bytes will come for it. */
static int record(struct log_reader *r, int final, size_t *take, size_t *rlen)
{
	const char *p = r->buf + r->start;
	size_t n = r->len - r->start;
	if (r->has_cut && r->cut <= r->start)
		r->has_cut = 0;
	if (r->has_cut) { /* the old file's rest: its last line is whole, nothing more will come to it */
		n = r->cut - r->start;
		final = 1;
	}
	if (!n)
		return 0;
	if (r->fmt == LOG_FMT_JOURNAL && p[0] != '{' && p[0] != '\n') {
		size_t k = log_journal_record_len(p, n, final);
		if (!k && n > LOG_LINE_MAX * 4)
			k = n;
		if (!k)
			return 0;
		*take = *rlen = k;
		return 1;
	}
	const char *nl = memchr(p, '\n', n);
	if (nl) {
		*take = (size_t)(nl - p) + 1;
		*rlen = (size_t)(nl - p);
	} else if (final || n >= LOG_LINE_MAX) {
		*take = *rlen = n;
	} else {
		return 0;
	}
	if (*rlen && p[*rlen - 1] == '\r')
		(*rlen)--;
	return 1;
}

int log_reader_next(struct log_reader *r, struct log_event *e)
{
	int final = 0;
	for (;;) {
		size_t take, rlen;
		int have = r->detected || memchr(r->buf + r->start, '\n', r->len - r->start) || final;
		if (have)
			detect(r);
		if (have && record(r, final, &take, &rlen)) {
			const char *p = r->buf + r->start;
			uint64_t first = r->lineno + 1;
			for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + take - q))) != NULL; q++)
				r->lineno++;
			if (take && p[take - 1] != '\n')
				r->lineno++; /* a partial last line counts as a line */
			r->start += take;
			final = 0;
			if (r->has_cut && r->start >= r->cut) {
				r->has_cut = 0;
				r->lineno = 0; /* what follows is the new file's (or the truncated one's) first line */
			}
			size_t blank = 0;
			while (blank < rlen && (p[blank] == ' ' || p[blank] == '\t' || p[blank] == '\n'))
				blank++;
			if (blank == rlen)
				continue;
			if (rlen == LOG_LINE_MAX && take == rlen) {
				r->warnings++;
				r->warn(r->wctx, r->path, first,
				        L_("line longer than 1 MiB: cut", "1 MiB を超える行: 切り詰めました"));
			}
			int rc = log_parse(r->fmt, p, rlen, r->ref_ms, e);
			e->file = r->path;
			e->lineno = first;
			if (rc < 0) {
				r->warnings++;
				char what[96];
				snprintf(what, sizeof what,
				         L_("not a %s line: read without fields", "%s の行ではありません: "
				                                                  "フィールドなしで読みました"),
				         log_format_name(r->fmt));
				r->warn(r->wctx, r->path, first, what);
			}
			return 1;
		}
		if (final)
			return 0;
		if (r->follow && r->eof) {
			int flush;
			r->eof = 0;
			if (check_file(r, &flush)) {
				if (flush && r->len > r->start) {
					r->cut = r->len;
					r->has_cut = 1;
				} else if (flush) {
					r->lineno = 0; /* a new file, or the same one started over */
				}
				continue;
			}
			r->eof = 1;
			return 0;
		}
		ssize_t k = fill(r);
		if (k < 0)
			return (int)k;
		if (k == 0 && r->again)
			return 0; /* a non-blocking stdin with nothing for now: a partial line waits for its end */
		if (k == 0) {
			r->eof = 1;
			if (!r->follow)
				final = 1;
			else
				continue;
		}
	}
}

int log_reader_ended(const struct log_reader *r)
{
	return r->eof && !r->follow && !r->again;
}

void log_reader_file_id(const struct log_reader *r, uint64_t *dev, uint64_t *ino)
{
	*dev = (uint64_t)r->dev;
	*ino = (uint64_t)r->ino;
}

int log_reader_seek_end(struct log_reader *r)
{
	if (r->is_stdin)
		return 0;
	uint64_t off = 0, lines = 0, last = 0;
	char *chunk = malloc(READ_CHUNK);
	if (!chunk)
		return lb_error_tr(LB_ENOMEM, "out of memory", "メモリが不足しています");
	for (;;) {
		ssize_t k = pread(r->fd, chunk, READ_CHUNK, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			free(chunk);
			return lb_error_errno_tr(e, "cannot read log '%s'", "ログ '%s' を読めません", r->path);
		}
		if (k == 0)
			break;
		for (const char *q = chunk; (q = memchr(q, '\n', (size_t)(chunk + k - q))) != NULL; q++) {
			lines++;
			last = off + (uint64_t)(q - chunk) + 1;
		}
		off += (uint64_t)k;
	}
	free(chunk);
	return log_reader_seek(r, last, lines);
}

void log_reader_wait(struct log_reader *r, int ms)
{
	(void)r;
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}
