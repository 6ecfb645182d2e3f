/*
 * reader.h - reading log files into events (docs/log-rules.md, "Formats and fields").
 *
 *   struct log_reader *r;
 *   if (log_reader_open(&r, path, LOG_FMT_AUTO, 0) < 0) …            path or "-" for stdin
 *   struct log_event *e = malloc(sizeof *e);
 *   while ((rc = log_reader_next(r, e)) > 0) use(e);                 rc 0: end of the file (follow: nothing new yet)
 *   log_reader_close(r);
 *
 * A malformed line is still an event (nfields 0, msg the whole line) and a counted warning naming file:line; the
 * read goes on. An event points into the reader's buffer: it is valid until the next log_reader_next().
 *
 * Following (follow = 1) is `tail -F`: log_reader_next() returns 0 when nothing new has come; the caller waits
 * (log_reader_wait) and calls again. The follower reopens the path when it is renamed away and a new file appears
 * (the old file read to its end first), starts over when the file is truncated (copytruncate), holds a partial
 * last line until its newline comes, and can resume from a saved position (log_reader_pos / log_reader_seek):
 * no line lost, none repeated.
 */
#ifndef LB_LOGS_READER_H
#define LB_LOGS_READER_H

#include "logs/event.h"

#include <stdint.h>

/* "syslog", "journal", "windows", "suricata", "fortigate", "json" ("auto" for LOG_FMT_AUTO). */
const char *log_format_name(enum log_format f);
/* The format named s (the names above); -LB_EINVAL with a message otherwise. */
int log_format_parse(const char *s, enum log_format *out);
/* The format of a file from its first bytes (what AUTO resolves to); LOG_FMT_SYSLOG when nothing else fits. */
enum log_format log_format_detect(const char *buf, size_t len);

/* Parse one event (a line; for journald export a KEY=VALUE block) of format fmt into e. ref_ms is "now" for the
 * year of RFC 3164 time stamps, which have none (the year that puts the stamp at most a month ahead of ref_ms).
 * Returns 0, or -1 when the line is malformed (e then has no fields and msg the whole line). */
int log_parse(enum log_format fmt, const char *line, size_t len, int64_t ref_ms, struct log_event *e);

struct log_reader;

/* A warning about the input (malformed line, over-long line), with where it was: file and line. */
typedef void (*log_warn_fn)(void *ctx, const char *file, uint64_t lineno, const char *what);

int log_reader_open(struct log_reader **out, const char *path, enum log_format fmt, int follow);
/* Where warnings go (default: lb_warn "file:line: what"). */
void log_reader_on_warn(struct log_reader *r, log_warn_fn fn, void *ctx);
/* The next event: 1 and e filled; 0 at the end for now (read-once: the end of the file, a partial last line
 * given as a line first); < 0 on a read error (message set). */
int log_reader_next(struct log_reader *r, struct log_event *e);
/* Follow mode: wait up to ms for the file to grow, be rotated or truncated (polls every 100 ms: two stat calls
 * per file, measured cheap in docs/log-rules.md). */
void log_reader_wait(struct log_reader *r, int ms);
/* The format in use (AUTO resolved after the first bytes). */
enum log_format log_reader_format(const struct log_reader *r);
uint64_t log_reader_warnings(const struct log_reader *r);
/* The resume position: the byte offset just past the last event given, and its line number. */
void log_reader_pos(const struct log_reader *r, uint64_t *offset, uint64_t *lineno);
/* Continue from a position log_reader_pos gave (the same file; a shorter file than offset reads from 0). */
int log_reader_seek(struct log_reader *r, uint64_t offset, uint64_t lineno);
/* Start following at the end: past the last complete line (a partial last line is read when it is finished),
 * line numbers counted so that alerts still name the right line. stdin: nothing to skip. */
int log_reader_seek_end(struct log_reader *r);
/* The file the position refers to (the one being read: after a rotation, the old file until its end is read). */
void log_reader_file_id(const struct log_reader *r, uint64_t *dev, uint64_t *ino);
/* 1 when a read-once input (stdin) has ended: nothing more will come. A non-blocking stdin (O_NONBLOCK set by the
 * caller) with nothing for now is not ended: log_reader_next returns 0 and holds a partial line. */
int log_reader_ended(const struct log_reader *r);
void log_reader_close(struct log_reader *r);

#endif
