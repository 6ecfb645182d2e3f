/*
 * core.h - lifeboat's shared plumbing: the whole interface of src/core/.
 *
 * core includes nothing else of ours. It owns: memory helpers and the one growable buffer type (struct buf),
 * error codes with a detail message, logging, the JSON writer, dates and times, atomic file writes, reading
 * secrets, option parsing for commands, message language (ja/en) and the progress bar.
 *
 * Conventions (see STYLE.md):
 *   - library functions return 0 (or a count) on success and a negative LB_E* code on failure, after setting a
 *     detail message with lb_error(); only src/cli/ prints it and exits;
 *   - a zeroed struct is a valid empty one;
 *   - running out of memory aborts the process with a message (as git's xmalloc and Redis' zmalloc do): every
 *     caller handling it by hand is where bugs hide. Input-driven sizes are capped before they are allocated.
 */
#ifndef LB_CORE_H
#define LB_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define LB_VERSION "0.1.0"

#if defined(__GNUC__)
#define LB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LB_NORETURN __attribute__((noreturn))
#define LB_UNUSED __attribute__((unused))
#else
#define LB_PRINTF(f, a)
#define LB_NORETURN
#define LB_UNUSED
#endif

#define LB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors (err.c) ------------------------------------------------------------------------------------------ */

/* Error codes, returned negated. The command-line maps them to exit codes: see lb_exit_code(). */
enum lb_err {
	LB_OK = 0,
	LB_EUSAGE,    /* the call's words are wrong: unknown flag, missing argument */
	LB_EINVAL,    /* outside input is malformed: a file, a message, a date */
	LB_ENOTFOUND, /* a named thing does not exist */
	LB_EEXIST,    /* it exists already and would be overwritten */
	LB_EIO,       /* the operating system refused a read or write */
	LB_ENOSPC,    /* disk full */
	LB_ECORRUPT,  /* stored data fails its checks */
	LB_EAUTH,     /* wrong passphrase or key */
	LB_EPERM,     /* the key's role or the file's permissions forbid it */
	LB_ELOCKED,   /* held by someone else or locked until a date */
	LB_ETOOBIG,   /* over a declared size cap */
	LB_EINTR,     /* interrupted by a signal; work may be resumed */
	LB_EINTERNAL, /* a bug of ours */
	LB_ENOMEM,    /* only for caps on input-driven allocations; plain OOM aborts */
	LB_ERR_COUNT
};

/* Set the detail message of the current thread and return -code. Messages are lowercase, no full stop, and quote
 * their subject: lb_error(LB_ENOTFOUND, "no snapshot '%s'", id). */
int lb_error(int code, const char *fmt, ...) LB_PRINTF(2, 3);
/* lb_error() of a message people read at the console, in the current language: en and ja take the same arguments
 * in the same order (only en is checked by the compiler): lb_error_tr(LB_ENOTFOUND, "no store '%s'",
 * "ストア '%s' がありません", path). */
int lb_error_tr(int code, const char *en, const char *ja, ...) LB_PRINTF(2, 4);
/* Like lb_error() with ": strerror(errno_value)" appended; maps ENOSPC, EACCES/EPERM, ENOENT to their codes. */
int lb_error_errno(int errno_value, const char *fmt, ...) LB_PRINTF(2, 3);
/* lb_error_errno() in the current language (as lb_error_tr); the strerror part is Japanese too under ja. */
int lb_error_errno_tr(int errno_value, const char *en, const char *ja, ...) LB_PRINTF(2, 4);
/* strerror(e) in the current language (Japanese for the errors a user meets: a missing file, no permission, a full
 * disk; the C library's English for the rare rest). */
const char *lb_strerrno(int e);
/* The detail message set last on this thread ("" when none). Valid until the next lb_error on this thread. */
const char *lb_errmsg(void);
/* Prepend context to the current detail message: "reading 'x': <old message>". Returns rc unchanged. */
int lb_error_wrap(int rc, const char *fmt, ...) LB_PRINTF(2, 3);
int lb_error_wrap_tr(int rc, const char *en, const char *ja, ...) LB_PRINTF(2, 4);
/* A short name of the code ("input error", "disk full", …) in the current language. */
const char *lb_strerror(int code);
/* Clear the detail message. */
void lb_error_clear(void);

/* Process exit codes of the command-line contract (DESIGN: 0 ok, 1 a finding, 2 usage/input/other error). */
enum { LB_EXIT_OK = 0, LB_EXIT_FINDING = 1, LB_EXIT_ERROR = 2 };
int lb_exit_code(int rc);

/* ---- memory (mem.c) ------------------------------------------------------------------------------------------ */

void *lb_malloc(size_t n);
void *lb_calloc(size_t count, size_t size);
void *lb_realloc(void *p, size_t n);
void *lb_reallocarray(void *p, size_t count, size_t size);
char *lb_strdup(const char *s);
char *lb_strndup(const char *s, size_t n);
/* Print "lifeboat: out of memory" and abort. */
LB_NORETURN void lb_oom(void);
/* Overwrite memory with zeros in a way the compiler cannot remove (for keys and passphrases). */
void lb_wipe(void *p, size_t n);

/* ---- buffer and string builder (buf.c) ----------------------------------------------------------------------- */

/*
 * struct buf: a growable byte buffer that is also a string builder.
 *
 * Invariants: a zeroed struct is a valid empty buffer; after any append, data is non-NULL and data[len] == '\0'
 * (so data is always a C string when it holds no NUL byte); len < cap; memory leaves only through buf_detach(),
 * or is freed by buf_release(). If max is non-zero, appends that would make len exceed max fail with -LB_ETOOBIG
 * and leave the buffer unchanged (the cap for buffers filled from outside input). A buffer that holds secrets is
 * released with buf_wipe().
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

/* The contents as a C string; "" for an empty buffer that never allocated. */
const char *buf_cstr(const struct buf *b);
/* Make room for n more bytes (plus the NUL). */
int buf_grow(struct buf *b, size_t n);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...) LB_PRINTF(2, 3);
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Append a Unicode code point as UTF-8 (invalid code points become U+FFFD). */
int buf_add_utf8(struct buf *b, uint32_t cp);
/* Shorten to n bytes (n <= len). */
void buf_truncate(struct buf *b, size_t n);
void buf_reset(struct buf *b);
/* Free the memory; the buffer is empty and reusable afterwards. */
void buf_release(struct buf *b);
/* Zero the whole allocation, then release. */
void buf_wipe(struct buf *b);
/* Hand the memory to the caller (who frees it with free()); the buffer is left empty. Never returns NULL. */
char *buf_detach(struct buf *b, size_t *len);
/* Read a whole stream / file into b, failing with -LB_ETOOBIG past max_bytes. */
int buf_read_fd(struct buf *b, int fd, size_t max_bytes);
int buf_read_file(struct buf *b, const char *path, size_t max_bytes);

/* ---- characters (str.c) ------------------------------------------------------------------------------------ */

/* The value of a hexadecimal digit (either case), or -1 for any other character. */
int lb_hexval(int c);
/* The columns UTF-8 text takes on a terminal: 2 for the wide characters of East Asian text (kana, kanji,
 * full-width forms: the wide ranges of wcwidth), 1 for the rest (half-width kana too), 0 for combining marks. */
size_t lb_text_cols(const char *s);
/* Append s padded with spaces to cols terminal columns (left-aligned; s longer than cols is appended whole):
 * for tables whose cells may be Japanese, where printf's %-10s counts bytes. */
int buf_add_cols(struct buf *b, const char *s, size_t cols);

/* ---- logging (log.c) ----------------------------------------------------------------------------------------- */

enum lb_log_level { LB_LOG_ERROR, LB_LOG_WARN, LB_LOG_INFO, LB_LOG_DEBUG };

/* Messages at or below the level are written (default LB_LOG_WARN; LIFEBOAT_LOG=debug|info|warn|error). */
void lb_log_set_level(enum lb_log_level level);
enum lb_log_level lb_log_get_level(void);
/* Also append every message, with an ISO 8601 time stamp, to this stream (NULL to stop). */
void lb_log_set_file(FILE *f);
void lb_log(enum lb_log_level level, const char *fmt, ...) LB_PRINTF(2, 3);
#define lb_warn(...) lb_log(LB_LOG_WARN, __VA_ARGS__)
#define lb_info(...) lb_log(LB_LOG_INFO, __VA_ARGS__)
#define lb_debug(...) lb_log(LB_LOG_DEBUG, __VA_ARGS__)

/* ---- JSON writer (json.c) ------------------------------------------------------------------------------------ */

/*
 * A streaming JSON writer into a struct buf. It places commas and colons itself, escapes strings (invalid UTF-8
 * becomes U+FFFD, so the output is always valid JSON), and nests up to LB_JSON_MAX_DEPTH. Misuse (a value where a
 * key is due, unbalanced ends) is a bug of ours: it sets err and the output is not to be used.
 *
 *   struct json_w w = {.out = &b};
 *   json_obj(&w); json_key(&w, "snapshot"); json_str(&w, id); json_end(&w);
 */
#define LB_JSON_MAX_DEPTH 32
struct json_w {
	struct buf *out;
	int pretty;                           /* indent with two spaces */
	int depth;                            /* open containers */
	uint8_t kind[LB_JSON_MAX_DEPTH];      /* 'o' object, 'a' array */
	uint8_t count[LB_JSON_MAX_DEPTH + 1]; /* values written at each depth 0..MAX (only zero matters) */
	uint8_t want_value;                   /* a key was written, its value is due */
	int err;
};
void json_obj(struct json_w *w);
void json_arr(struct json_w *w);
void json_end(struct json_w *w);
void json_key(struct json_w *w, const char *key);
void json_str(struct json_w *w, const char *s);
void json_strn(struct json_w *w, const char *s, size_t n);
void json_int(struct json_w *w, int64_t v);
void json_uint(struct json_w *w, uint64_t v);
void json_double(struct json_w *w, double v);
void json_bool(struct json_w *w, int v);
void json_null_value(struct json_w *w);
/* Shorthands: key then value. json_kv_str with s == NULL writes null. */
void json_kv_str(struct json_w *w, const char *key, const char *s);
void json_kv_int(struct json_w *w, const char *key, int64_t v);
void json_kv_bool(struct json_w *w, const char *key, int v);
/* Append s as a quoted JSON string to b (no writer state). */
void json_quote(struct buf *b, const char *s, size_t n);
/* 0 when the writer closed every container without misuse; -LB_EINTERNAL on misuse, -LB_ETOOBIG when the
 * output buffer's max cut it short (the output is then not to be used). */
int json_finish(struct json_w *w);

/* ---- time (time.c) ------------------------------------------------------------------------------------------- */

/* Wall clock in milliseconds since the epoch, and a monotonic clock in nanoseconds. */
int64_t lb_now_ms(void);
int64_t lb_mono_ns(void);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t lb_days_from_civil(int y, int m, int d);
void lb_civil_from_days(int64_t days, int *y, int *m, int *d);
/* 1 when y-m-d is a real calendar date. */
int lb_date_valid(int y, int m, int d);
/*
 * Age in completed months on the date y-m-d of someone born by-bm-bd (years: the result / 12), counted as Japanese
 * law counts it (年齢計算ニ関スル法律, 民法 143): a month or a year is completed on the day of the month that bears
 * the birth day's number, or on the 1st of the next month when the month has no such day, so that someone born on
 * 29 February turns a year older on 1 March in common years, and someone born on 31 January a month older on
 * 1 March. -1 when either date is not a real date or y-m-d is before the birth.
 */
int lb_age_months(int by, int bm, int bd, int y, int m, int d);
/* Format a UTC time as "2026-11-24T08:15:17Z" (ms == 0 … ) or with milliseconds when with_ms. */
void lb_format_utc(struct buf *b, int64_t ms, int with_ms);
/* Format in local time as "2026/11/24 17:15": the one format people read, on every screen and printed page. */
void lb_format_local(struct buf *b, int64_t ms);
/*
 * A stored time stamp in that display format, in local time: "2026-11-24T19:00:55" (local), "…Z" or "…+09:00"
 * become "2026/11/24 19:00" (a time with a zone is converted to local time), a date alone "2026/11/24"; text that
 * is no time is copied as it is.
 */
void lb_format_stamp(struct buf *b, const char *stamp);
/*
 * Today's local date, "YYYY-MM-DD": the day orders are judged active on, ages are counted to and paper starts
 * from. LIFEBOAT_TODAY=YYYY-MM-DD sets it (tests, a rehearsal on old data). A clock before not_before (the data's
 * as-of time: a standalone PC with a flat battery) is not believed: not_before's local date is used then.
 * not_before may be NULL.
 */
void lb_today(char out[11], const char *not_before);
/* y-m-d of a "YYYY-MM-DD" (what lb_today gives); -1 when it is not one. */
int lb_parse_day(const char *day, int *y, int *m, int *d);
/*
 * Parse a date or time: "2026-11-24", "20261124", "2026-11-24T08:15:17Z", "2026-11-24 08:15", with an optional
 * offset (+09:00). Dates without a zone are local midnight. Returns 0 and *ms, or -LB_EINVAL.
 */
int lb_parse_time(const char *s, int64_t *ms);
/* Parse a duration: "90s", "15m", "12h", "30d", "8w", "6M" (months of 30 days), "1y" (365 days). */
int lb_parse_duration(const char *s, int64_t *ms);
/* Human-readable sizes and durations: "1.5 GiB", "2 h 3 min". */
void lb_format_bytes(struct buf *b, uint64_t n);
void lb_format_duration(struct buf *b, int64_t ms);

/* ---- files (fs.c) -------------------------------------------------------------------------------------------- */

/*
 * Write a file so that readers see the old contents or the new, never a mix: write "path.tmp-<pid>-<n>", fsync,
 * rename over path, fsync the directory. mode as for open(2). Fails with -LB_EEXIST when exclusive and path exists.
 */
int lb_write_file_atomic(const char *path, const void *data, size_t len, int mode, int exclusive);
/* mkdir -p with mode for each created folder. */
int lb_mkdirs(const char *path, int mode);
/* fsync a directory so that a rename or create in it is durable. */
int lb_fsync_dir(const char *path);
/* 1 if path exists (without following a final symlink), 0 if not. */
int lb_exists(const char *path);
/* Join two path parts with exactly one '/'. */
void lb_path_join(struct buf *b, const char *a, const char *c);
/* Remove a folder tree (no symlinks followed). Missing is not an error. */
int lb_rmtree(const char *path);

/* ---- secrets (secret.c) -------------------------------------------------------------------------------------- */

/* Forbid core dumps and ptrace attachment by others (called once at start by the command-line). */
void lb_secret_harden_process(void);
/*
 * Read a passphrase: from the file named by passphrase_file if non-NULL (first line), else from the environment
 * variable LIFEBOAT_PASSPHRASE (which is then removed from the environment), else from the terminal without
 * echo (prompt on stderr) when stdin is a TTY. Never from argv. The result is in out (wipe it with buf_wipe).
 * confirm asks twice on a terminal. Fails with -LB_EUSAGE when there is no source, -LB_EINVAL when empty.
 */
int lb_secret_read(struct buf *out, const char *passphrase_file, const char *prompt, int confirm);
/* Read one line from stdin (for "password on stdin" commands), without echo on a TTY. */
int lb_secret_read_stdin(struct buf *out, const char *prompt);

/* ---- language (i18n.c) --------------------------------------------------------------------------------------- */

/* Japanese first: LIFEBOAT_LANG, then LC_ALL, LC_MESSAGES, LANG; "ja*" gives Japanese, anything else English. */
enum lb_lang { LB_LANG_EN, LB_LANG_JA };
enum lb_lang lb_lang(void);
void lb_set_lang(enum lb_lang lang);
/* Pick the message of the current language: lb_tr("no such command", "そのコマンドはありません"). */
#if defined(__GNUC__)
__attribute__((format_arg(1)))
#endif
const char *
lb_tr(const char *en, const char *ja);
#define L_(en, ja) lb_tr(en, ja)

/* ---- progress bar (progress.c) ------------------------------------------------------------------------------- */

/*
 * A progress line on stderr, drawn only when stderr is a TTY (and LIFEBOAT_PROGRESS is not "0"), at most ten
 * times a second: "backup  42% [#####     ] 1.2 GiB / 2.9 GiB  85 MiB/s  ETA 0:21". total 0 means unknown.
 * A zeroed struct with a label is ready to use.
 */
struct lb_progress {
	const char *label;
	uint64_t total;
	uint64_t done;
	int bytes;   /* show done/total as sizes rather than counts */
	int enabled; /* decided at the first update */
	int decided;
	int64_t start_ns;
	int64_t last_ns;
	int drawn;
};
void lb_progress_update(struct lb_progress *p, uint64_t done);
void lb_progress_add(struct lb_progress *p, uint64_t delta);
/* Draw the final state and end the line (only if anything was drawn). */
void lb_progress_done(struct lb_progress *p);

/* ---- command options (opt.c) --------------------------------------------------------------------------------- */

/*
 * A command declares its options as a table; lb_opt_parse fills the targets and leaves the remaining arguments.
 * Parsing uses getopt_long, so --name=value, --name value, -x value, bundling and "--" work as everywhere.
 * Unknown flags and bad values fail with -LB_EUSAGE and a one-line message ("unknown option '--x'").
 */
enum lb_opt_type {
	LB_OPT_END = 0,
	LB_OPT_FLAG,   /* int *: set to 1 */
	LB_OPT_STRING, /* const char **: the argument (points into argv) */
	LB_OPT_INT,    /* long *: a decimal integer within [min, max] */
	LB_OPT_SIZE,   /* uint64_t *: 123, 4k, 16M, 2G (binary units) */
	LB_OPT_LIST,   /* struct lb_strlist *: repeatable, each occurrence appended */
};
struct lb_strlist {
	const char **v;
	size_t n;
};
void lb_strlist_push(struct lb_strlist *l, const char *s);
void lb_strlist_free(struct lb_strlist *l);

struct lb_opt {
	enum lb_opt_type type;
	char short_name;  /* 0 for none */
	const char *name; /* long name without dashes */
	void *target;
	const char *arg; /* placeholder in help ("DIR"), NULL for flags */
	const char *help_en;
	const char *help_ja;
	long min, max; /* LB_OPT_INT range (both 0: any) */
};

struct lb_cmd_help {
	const char *usage; /* "lifeboat text decode [--from ENC] [--json] FILE…" */
	const char *about_en, *about_ja;
	const char *examples; /* lines of examples, shown as they are */
};
/*
 * Parse argv[1..argc-1] (argv[0] is the command's name). On success returns the index of the first remaining
 * argument. *want_help is set when -h/--help was given (the caller prints lb_opt_usage and exits 0).
 */
int lb_opt_parse(int argc, char **argv, const struct lb_opt *opts, int *want_help);
/* Write the help page of a command to f: usage, about, options table, examples. */
void lb_opt_usage(FILE *f, const struct lb_cmd_help *h, const struct lb_opt *opts);

#endif /* LB_CORE_H */
