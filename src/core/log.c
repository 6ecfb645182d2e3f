/*
 * log.c - diagnostics on stderr ("lifeboat: warning: …"), and optionally every message with a time stamp in a
 * log file for daemons. Data goes to stdout, never here. Callers never pass secrets.
 */
#include "core.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int level = -1;
static FILE *log_file;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static int level_from_env(void)
{
	const char *v = getenv("LIFEBOAT_LOG");
	if (!v)
		return LB_LOG_WARN;
	if (!strcmp(v, "debug"))
		return LB_LOG_DEBUG;
	if (!strcmp(v, "info"))
		return LB_LOG_INFO;
	if (!strcmp(v, "error"))
		return LB_LOG_ERROR;
	return LB_LOG_WARN;
}

void lb_log_set_level(enum lb_log_level l)
{
	level = (int)l;
}

enum lb_log_level lb_log_get_level(void)
{
	if (level < 0)
		level = level_from_env();
	return (enum lb_log_level)level;
}

void lb_log_set_file(FILE *f)
{
	pthread_mutex_lock(&log_lock);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
}

static const char *level_name(enum lb_log_level l)
{
	switch (l) {
	case LB_LOG_ERROR:
		return L_("error", "エラー");
	case LB_LOG_WARN:
		return L_("warning", "警告");
	case LB_LOG_INFO:
		return L_("info", "情報");
	default:
		return L_("debug", "デバッグ");
	}
}

void lb_log(enum lb_log_level l, const char *fmt, ...)
{
	if ((int)l > (int)lb_log_get_level() && !log_file)
		return;
	struct buf msg = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	if ((int)l <= (int)lb_log_get_level())
		fprintf(stderr,
		        /* i18n-ok: the program name and the level (already in the user's language) around the message */
		        "lifeboat: %s: %s\n", level_name(l), buf_cstr(&msg));
	if (log_file) {
		struct buf ts = {0};
		lb_format_utc(&ts, lb_now_ms(), 1);
		fprintf(log_file, "%s %s %s\n", buf_cstr(&ts), level_name(l), buf_cstr(&msg));
		fflush(log_file);
		buf_release(&ts);
	}
	pthread_mutex_unlock(&log_lock);
	buf_release(&msg);
}
