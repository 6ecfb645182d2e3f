/*
 * watch.h - lifeboat watch and the ransomware drill: the whole interface of src/watch/.
 *
 * watch stands on core and sniff and knows no clinical data. It owns: file-event sources (fanotify with a mark
 * on each watched folder or one on the filesystem, folders known by file handle; inotify as the fallback), a bounded memory of what each file
 * was (type, entropy, size), detection rules aggregated per process over sliding windows, canary files, and
 * alert sinks (JSON lines, syslog, an exec hook, SIGSTOP response, pinning the last clean vault generation).
 * The drill (drill_*) encrypts files reversibly inside a folder marked for drills, to rehearse all of this.
 *
 * The alert format is documented in docs/watch-alerts.md.
 */
#ifndef LB_WATCH_H
#define LB_WATCH_H

#include "core/core.h"

#include <signal.h>
#include <sys/types.h>

enum watch_source { WATCH_SRC_AUTO = 0, WATCH_SRC_FANOTIFY, WATCH_SRC_INOTIFY };
/* fanotify marks: one per watched folder (events elsewhere never reach watch), or one per filesystem (nothing
 * made in a new folder can precede its mark, but every event of the filesystem is read). */
enum watch_marks { WATCH_MARKS_FOLDERS = 0, WATCH_MARKS_FILESYSTEM };
enum watch_severity { WATCH_LOW = 0, WATCH_MEDIUM, WATCH_HIGH, WATCH_CRITICAL };

const char *watch_severity_name(int sev);
const char *watch_source_name(int src);

/* What watch_run() is asked to do. A zeroed struct plus paths is a valid request (alerts go to on_alert only). */
struct watch_opts {
	const char *const *paths; /* folders to watch (must exist) */
	size_t npaths;
	int source;                  /* enum watch_source */
	int marks;                   /* enum watch_marks (fanotify) */
	const char *alerts_path;     /* JSON lines appended and fsync'd, or NULL */
	int syslog;                  /* RFC 5424 to /dev/log */
	const char *exec_cmd;        /* run with sh -c, alert JSON on stdin, or NULL */
	int respond_stop;            /* SIGSTOP the offending process on high/critical alerts */
	const char *pin_vault;       /* repository to pin latest-clean in on a critical alert, or NULL */
	int canaries;                /* plant canary files in each watched folder and its first-level folders */
	int no_baseline;             /* skip the content scan at start (files are learnt as they change) */
	size_t max_files;            /* cap on remembered files (0: 2,000,000) */
	int64_t run_ms;              /* stop after this long (0: until *stop) */
	int64_t health_ms;           /* health line interval (0: 5 minutes) */
	volatile sig_atomic_t *stop; /* set by a signal handler to stop cleanly */
	/* Logs (docs/log-rules.md, "lifeboat watch"): files followed as tail -F does ("-": stdin), and the Sigma
	 * rules run on each line. paths may then be empty (logs only). */
	const char *const *logs;
	size_t nlogs;
	const char *const *rules; /* folders or files of Sigma rules, added to the built-in ones */
	size_t nrules;
	int no_builtin_rules;
	int log_format;         /* enum log_format of logs/event.h (0: detected per file) */
	int logs_from_start;    /* read what the files hold already (default: start at their end, as tail -F) */
	const char *logs_state; /* keep each file's position here: a restart goes on where the last run stopped */
	long rate_limit;        /* alerts of one rule per minute (0: 30; negative: no limit) */
	/* Called with each alert as one JSON line (no newline), on the watching thread. */
	void (*on_alert)(const char *json, void *ctx);
	void *ctx;
};

/* Counters of a finished run. */
struct watch_summary {
	const char *source;   /* "fanotify" or "inotify" */
	const char *marks;    /* fanotify: "folders" or "filesystem"; inotify: "folders" */
	uint64_t events;      /* events handled inside the watched paths */
	uint64_t events_seen; /* every event read (with a filesystem mark: the whole filesystem's) */
	uint64_t overflows;
	uint64_t files_tracked;
	uint64_t baseline_files;
	uint64_t dirs_watched; /* folders watched: inotify watches, fanotify folders known by handle */
	uint64_t alerts[4];    /* by severity */
	int64_t baseline_ms;
	int64_t run_ms;
	double cpu_s;        /* user + system CPU of the process */
	uint64_t suppressed; /* alerts held back by the rate limit */
	/* logs */
	uint64_t log_files, log_lines, log_warnings, log_alerts;
	uint64_t log_rules, log_rules_skipped;
};

/*
 * Watch until opts->run_ms has passed or *opts->stop is set. Returns 0 (look at summary->alerts for findings)
 * or a negative LB_E* code when it cannot start (no such folder, fanotify asked for and refused, …).
 */
int watch_run(const struct watch_opts *opts, struct watch_summary *summary);

/* ---- drill ------------------------------------------------------------------------------------------------ */

#define DRILL_MARKER ".lifeboat-drill"
#define DRILL_STATE ".lifeboat-drill-state"

/* skip-header: everything but the first 4 KiB, in place (header-preserving encryption, which defeats checks that
 * only look at a file's first bytes) */
enum drill_mode { DRILL_INPLACE = 0, DRILL_COPY_DELETE, DRILL_PARTIAL, DRILL_SKIP_HEADER, DRILL_MODE_COUNT };

struct drill_opts {
	const char *dir;
	int mode;        /* enum drill_mode */
	double rate;     /* files per second (0: as fast as possible) */
	const char *ext; /* appended to each name (".locked"); NULL: none for inplace/partial, ".locked" for
	                           copy-delete, which needs a new name */
	int note;        /* leave a ransom-note-like file in each folder */
	size_t limit;    /* stop after this many files (0: all) */
	volatile sig_atomic_t *stop;
};

struct drill_result {
	uint64_t files;
	uint64_t bytes;
	uint64_t notes;
	int64_t ms;
};

/* 1 when s names a drill mode ("inplace", "copy-delete", "partial", "skip-header"), with *mode set. */
int drill_mode_parse(const char *s, int *mode);
const char *drill_mode_name(int mode);
/*
 * Encrypt every regular file under o->dir (sorted, depth first, like an encryptor), reversibly: XChaCha20 with a
 * key kept in DIR/.lifeboat-drill-state, which also lists every file (with the time it was done). Refuses with
 * -LB_EPERM unless DIR/.lifeboat-drill exists, and with -LB_EEXIST while an earlier drill is not undone.
 */
int drill_ransomware(const struct drill_opts *o, struct drill_result *r);
/* Undo a drill: every file back bit-identical under its old name, notes and the state file removed. */
int drill_undo(const char *dir, struct drill_result *r);

#endif /* LB_WATCH_H */
