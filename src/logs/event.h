/*
 * event.h - one log event, as the format readers give it and the rules read it (docs/log-rules.md).
 *
 * The readers (syslog, journald, Windows JSON, Suricata EVE, FortiGate, JSON lines) fill one struct log_event per
 * event without copying: a field's name and value point into the line as read, or, when the value had to be
 * decoded (a JSON escape, a quoted FortiGate value), into the event's arena. The rules (sigma) only read events:
 * they never keep a pointer into one after the call that matched it.
 *
 * Field names are Sigma's taxonomy for the event's log source (docs/log-rules.md maps each format), so one rule
 * reads sshd on syslog and on journald alike.
 */
#ifndef LB_LOGS_EVENT_H
#define LB_LOGS_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define LOG_FIELDS_MAX 96
#define LOG_ARENA 8192

/* One field: not NUL-terminated; name and value as lengths. */
struct log_field {
	const char *name, *val;
	uint32_t name_len, val_len;
};

/* The formats a reader knows. LOG_FMT_AUTO: detected from the first lines of each file. */
enum log_format {
	LOG_FMT_AUTO,
	LOG_FMT_SYSLOG,    /* RFC 3164 and RFC 5424, told apart per line */
	LOG_FMT_JOURNAL,   /* journalctl -o export (KEY=VALUE blocks) and -o json lines */
	LOG_FMT_WINDOWS,   /* Windows events as JSON: evtx_dump and Winlogbeat (Event.System.*, Event.EventData.*) */
	LOG_FMT_SURICATA,  /* Suricata EVE JSON */
	LOG_FMT_FORTIGATE, /* FortiGate key=value */
	LOG_FMT_JSON,      /* any JSON object per line: its keys, nested ones joined with '.' */
	LOG_FMT_COUNT
};

struct log_event {
	const char *line; /* the event as read (one line, or a journald block), no trailing newline */
	size_t line_len;
	const char *msg; /* what Sigma's `keywords` match: the message part, or the whole line when there is none */
	size_t msg_len;
	int64_t ts_ms; /* the event's own time (ms since the epoch, UTC); 0 when the line carries none */
	/* Sigma logsource of this event, NULL where unknown: product "linux" | "windows" | "fortios" | "suricata";
	 * service "sshd" | "sudo" | "su" | "auth" | "cron" | "security" | "system" | "vpn" | …; category NULL or a
	 * Sigma category ("process_creation", …). Static strings or pointers into the line/arena. */
	const char *product, *service, *category;
	enum log_format format;
	const char *file; /* where it was read ("-" for stdin) and its first line number there (1-based) */
	uint64_t lineno;
	size_t nfields;
	struct log_field f[LOG_FIELDS_MAX];
	size_t arena_used;
	char arena[LOG_ARENA]; /* decoded values */
};

/* The first field called name (exact, case-sensitive as Sigma's field names are), NULL when none. Also answers
 * the aliases docs/log-rules.md lists (client_ip, src_ip → source_ip; user_name → user). */
const struct log_field *log_event_get(const struct log_event *e, const char *name, size_t name_len);

#endif
