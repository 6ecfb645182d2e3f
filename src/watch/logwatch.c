/*
 * logwatch.c - `lifeboat watch --logs`: log files followed as `tail -F` does and the Sigma rules run on every line,
 * inside watch's loop (docs/log-rules.md, "lifeboat watch"; the alert format: docs/watch-alerts.md).
 *
 * src/logs does the reading (rotation, truncation, partial lines: logs/reader.h) and the rules (logs/rules.h); this
 * file only turns their alerts into watch alerts, through the same de-duplication, rate limit and sinks as the
 * file alerts (limit.c, alert.c). Each file starts at its end (lines already there are old news), or at its start
 * with --from-start, or where the last run stopped with --logs-state. stdin is read without blocking the loop.
 */
#include "watch_int.h"
#include "logs/reader.h"
#include "logs/rules.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BUDGET 20000 /* lines per file per round, so that file events and other logs are not starved */
#define MESSAGE_MAX 1000  /* bytes of the log line carried in an alert */

struct wl_file {
	struct log_reader *r;
	char *path; /* as resolved at start: what the state file calls it */
	int is_stdin, ended, busy;
	int failing; /* the last read failed: warned once, until a read works again */
	int oneshot; /* the rest of a file rotated while watch was down: read to its end, then done */
	int rotated; /* the state names another file than the one at the path now */
	uint64_t saved_off, saved_line, saved_dev, saved_ino;
};

struct watch_logs {
	struct logs_ruleset rs;
	struct wl_file *f;
	size_t n;
	struct log_event *e;
	int stdin_fd;
	int stdin_flags; /* as found, restored at the end (-1: untouched) */
};

/* ---- alerts ------------------------------------------------------------------------------------------------- */

static int severity_of(const char *level)
{
	if (!level)
		return WATCH_MEDIUM;
	if (!strcmp(level, "critical"))
		return WATCH_CRITICAL;
	if (!strcmp(level, "high"))
		return WATCH_HIGH;
	if (!strcmp(level, "medium"))
		return WATCH_MEDIUM;
	return WATCH_LOW; /* low, informational */
}

static void time_json(struct json_w *jw, const char *key, int64_t ms)
{
	if (!ms) {
		json_kv_str(jw, key, NULL);
		return;
	}
	struct buf t = {0};
	lb_format_utc(&t, ms, 1);
	json_kv_str(jw, key, buf_cstr(&t));
	buf_release(&t);
}

/* What makes two alerts the same: the rule and the group values (a correlation) or the values that matched. */
static uint64_t dedup_key(const struct logs_alert *a)
{
	struct buf k = {0};
	buf_adds(&k, a->rule_id ? a->rule_id : "");
	buf_addch(&k, 0);
	if (a->is_correlation)
		for (size_t i = 0; i < a->ngroup; i++) {
			buf_adds(&k, a->group_values[i]);
			buf_addch(&k, 0);
		}
	else if (a->nfields)
		for (size_t i = 0; i < a->nfields; i++) {
			buf_add(&k, a->fields[i]->name, a->fields[i]->name_len);
			buf_addch(&k, '=');
			buf_add(&k, a->fields[i]->val, a->fields[i]->val_len);
			buf_addch(&k, 0);
		}
	else if (a->event) /* keywords only: the message itself */
		buf_add(&k, a->event->msg, a->event->msg_len);
	uint64_t h = watch_hash(k.data ? k.data : "", k.len);
	buf_release(&k);
	return h;
}

static void detail(struct buf *d, const struct logs_alert *a)
{
	const char *title = logs_alert_title(a);
	if (!a->is_correlation) {
		buf_addf(d, L_("%s (%s line %llu)", "%s (%s の %llu 行目)"), title, a->file,
		         (unsigned long long)a->lineno);
		return;
	}
	struct buf g = {0};
	for (size_t i = 0; i < a->ngroup; i++)
		buf_addf(&g, "%s%s=%s", i ? " " : "", a->group_names[i], a->group_values[i]);
	buf_addf(d, L_("%s: %s, %llu events in lines %llu to %llu of %s", "%s: %s、%llu 件 (%llu〜%llu 行目、%s)"),
	         title, g.len ? g.data : "-", (unsigned long long)a->count, (unsigned long long)a->first_lineno,
	         (unsigned long long)a->last_lineno, a->file);
	buf_release(&g);
}

static void on_log_alert(const struct logs_alert *a, void *arg)
{
	struct watch *w = arg;
	int sev = severity_of(a->level);
	if (!watch_dedup_key(w, dedup_key(a), sev))
		return;
	struct buf ts = {0}, j = {0}, d = {0};
	lb_format_utc(&ts, lb_now_ms(), 1);
	detail(&d, a);
	struct json_w jw = {.out = &j};
	json_obj(&jw);
	json_kv_str(&jw, "time", ts.data);
	json_kv_str(&jw, "rule", a->rule_id);
	json_kv_str(&jw, "severity", watch_severity_name(sev));
	json_kv_str(&jw, "path", a->file);
	json_kv_str(&jw, "title", logs_alert_title(a));
	json_kv_str(&jw, "title_en", a->title_en);
	json_kv_str(&jw, "title_ja", a->title_ja);
	json_kv_str(&jw, "level", a->level);
	json_kv_str(&jw, "file", a->file);
	json_kv_int(&jw, "line", (int64_t)a->lineno);
	time_json(&jw, "event_time", a->ts_ms);
	json_key(&jw, "fields");
	json_obj(&jw);
	for (size_t i = 0; i < a->nfields; i++) {
		struct buf k = {0};
		buf_add(&k, a->fields[i]->name, a->fields[i]->name_len);
		json_key(&jw, buf_cstr(&k));
		buf_release(&k);
		json_strn(&jw, a->fields[i]->val, a->fields[i]->val_len);
	}
	json_end(&jw);
	if (a->is_correlation) {
		json_key(&jw, "correlation");
		json_obj(&jw);
		json_kv_str(&jw, "type", a->corr_type);
		json_key(&jw, "group");
		json_obj(&jw);
		for (size_t i = 0; i < a->ngroup; i++)
			json_kv_str(&jw, a->group_names[i], a->group_values[i]);
		json_end(&jw);
		json_kv_int(&jw, "count", (int64_t)a->count);
		json_kv_int(&jw, "first_line", (int64_t)a->first_lineno);
		json_kv_int(&jw, "last_line", (int64_t)a->last_lineno);
		time_json(&jw, "first_time", a->first_ts_ms);
		time_json(&jw, "last_time", a->last_ts_ms);
		json_end(&jw);
	}
	if (a->event) {
		size_t n = a->event->line_len < MESSAGE_MAX ? a->event->line_len : MESSAGE_MAX;
		json_key(&jw, "message");
		json_strn(&jw, a->event->line, n);
	}
	json_kv_str(&jw, "author", a->author);
	json_key(&jw, "tags");
	json_arr(&jw);
	for (size_t i = 0; i < a->ntags; i++)
		json_str(&jw, a->tags[i]);
	json_end(&jw);
	json_kv_str(&jw, "detail", d.data);
	json_kv_str(&jw, "source", "logs");
	json_end(&jw);
	if (watch_alert_emit(w, a->rule_id ? a->rule_id : "log", sev, &j, 0))
		w->sum->log_alerts++;
	buf_release(&ts);
	buf_release(&j);
	buf_release(&d);
}

/* ---- positions ---------------------------------------------------------------------------------------------- */

/* The state file: one line per log, "DEV INO OFFSET LINE PATH". Unknown or damaged lines are ignored. */
static void state_load(struct watch_logs *L, const char *path)
{
	struct buf b = {0};
	if (buf_read_file(&b, path, 16u << 20) < 0) {
		lb_error_clear();
		buf_release(&b);
		return;
	}
	char *data = (char *)buf_cstr(&b);
	for (char *line = data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		unsigned long long dev, ino, off, ln;
		int at = 0;
		if (sscanf(line, "%llu %llu %llu %llu %n", &dev, &ino, &off, &ln, &at) != 4 || !at)
			continue;
		for (size_t i = 0; i < L->n; i++)
			if (!L->f[i].is_stdin && !strcmp(L->f[i].path, line + at)) {
				L->f[i].saved_dev = dev, L->f[i].saved_ino = ino;
				L->f[i].saved_off = off, L->f[i].saved_line = ln;
				L->f[i].busy = 2; /* a position was found */
			}
	}
	buf_release(&b);
}

static void state_save(struct watch *w)
{
	struct watch_logs *L = w->logs;
	if (!w->o->logs_state)
		return;
	struct buf b = {0};
	int changed = 0;
	for (size_t i = 0; i < L->n; i++) {
		struct wl_file *f = &L->f[i];
		if (f->is_stdin || f->oneshot)
			continue;
		uint64_t off, ln, dev, ino;
		log_reader_pos(f->r, &off, &ln);
		log_reader_file_id(f->r, &dev, &ino);
		if (off > (1ULL << 62)) /* mid-rotation, old lines still buffered: keep the last good position */
			off = f->saved_off, ln = f->saved_line, dev = f->saved_dev, ino = f->saved_ino;
		changed |= off != f->saved_off || ln != f->saved_line || dev != f->saved_dev || ino != f->saved_ino;
		f->saved_off = off, f->saved_line = ln, f->saved_dev = dev, f->saved_ino = ino;
		buf_addf(&b, "%llu %llu %llu %llu %s\n", (unsigned long long)dev, (unsigned long long)ino,
		         (unsigned long long)off, (unsigned long long)ln, f->path);
	}
	if (changed && lb_write_file_atomic(w->o->logs_state, b.data ? b.data : "", b.len, 0600, 0) < 0) {
		lb_warn(L_("watch: cannot save log positions: %s", "監視: ログの読み取り位置を保存できません: %s"),
		        lb_errmsg());
		lb_error_clear();
	}
	buf_release(&b);
}

/* ---- the logs ----------------------------------------------------------------------------------------------- */

static int open_file(struct watch *w, struct wl_file *f, const char *given, int *stdin_flags)
{
	f->is_stdin = !strcmp(given, "-");
	char *rp = f->is_stdin ? NULL : realpath(given, NULL);
	f->path = rp ? rp : lb_strdup(given);
	struct stat st;
	if (!f->is_stdin && stat(f->path, &st) == 0 && S_ISDIR(st.st_mode))
		return lb_error_tr(LB_EINVAL, "'%s' is a folder, not a log file (watch folders as PATH)",
		                   "'%s' はフォルダでログファイルではありません (フォルダは PATH で監視します)", given);
	int rc = log_reader_open(&f->r, f->is_stdin ? "-" : f->path, w->o->log_format, 1);
	if (rc < 0)
		return rc;
	if (f->is_stdin) {
		int fl = fcntl(0, F_GETFL);
		*stdin_flags = fl;
		if (fl >= 0)
			fcntl(0, F_SETFL, fl | O_NONBLOCK);
		return 0;
	}
	uint64_t dev, ino;
	log_reader_file_id(f->r, &dev, &ino);
	int had = f->busy == 2;
	f->busy = 0;
	if (had && dev == f->saved_dev && ino == f->saved_ino)
		rc = log_reader_seek(f->r, f->saved_off, f->saved_line); /* where the last run stopped */
	else if (had)
		f->rotated = 1; /* a new file since the last run (rotated meanwhile): all of it is unread */
	else if (!w->o->logs_from_start)
		rc = log_reader_seek_end(f->r);
	if (rc == 0 && !f->rotated) {
		log_reader_pos(f->r, &f->saved_off, &f->saved_line);
		f->saved_dev = dev, f->saved_ino = ino;
	}
	return rc;
}

/* A file rotated while watch was down: when PATH.1 is the file the state names, its rest (after the saved
 * position) is read first, once. Returns 1 when f was filled. */
static int open_rotated(struct watch *w, const struct wl_file *cur, struct wl_file *f)
{
	struct buf p = {0};
	struct stat st;
	buf_addf(&p, "%s.1", cur->path);
	int ok = stat(p.data, &st) == 0 && (uint64_t)st.st_dev == cur->saved_dev &&
	         (uint64_t)st.st_ino == cur->saved_ino && log_reader_open(&f->r, p.data, w->o->log_format, 0) == 0;
	if (ok && log_reader_seek(f->r, cur->saved_off, cur->saved_line) < 0) {
		log_reader_close(f->r);
		f->r = NULL;
		ok = 0;
	}
	if (ok) {
		f->path = lb_strdup(p.data);
		f->oneshot = 1;
		lb_info(L_("watch: %s was rotated while watch was stopped: the rest of %s is read first",
		           "監視: 停止中に %s がローテートされました: 先に %s の残りを読みます"),
		        cur->path, p.data);
	}
	lb_error_clear();
	buf_release(&p);
	return ok;
}

int watch_logs_open(struct watch *w)
{
	const struct watch_opts *o = w->o;
	if (!o->nlogs)
		return 0;
	struct watch_logs *L = lb_calloc(1, sizeof *L);
	w->logs = L;
	L->stdin_fd = L->stdin_flags = -1;
	if (!o->no_builtin_rules)
		logs_rules_load_embedded(&L->rs);
	for (size_t i = 0; i < o->nrules; i++) {
		int rc = logs_rules_load_path(&L->rs, o->rules[i]);
		if (rc < 0)
			return rc;
	}
	int rc = logs_rules_compile(&L->rs);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < L->rs.nskipped; i++) {
		const struct logs_skip *s = &L->rs.skipped[i];
		lb_warn(L_("watch: rule skipped: %s:%u %s: %s", "監視: ルールを読み込みません: %s:%u %s: %s"), s->file,
		        s->line, s->id, s->reason);
	}
	struct logs_rules_stats st;
	logs_rules_stats(&L->rs, &st);
	w->sum->log_rules = st.rules + st.correlations;
	w->sum->log_rules_skipped = st.skipped;
	L->f = lb_calloc(o->nlogs, sizeof *L->f);
	L->n = o->nlogs;
	size_t nstdin = 0;
	for (size_t i = 0; i < o->nlogs; i++) {
		L->f[i].is_stdin = !strcmp(o->logs[i], "-");
		if (!L->f[i].is_stdin) {
			char *rp = realpath(o->logs[i], NULL);
			L->f[i].path = rp ? rp : lb_strdup(o->logs[i]);
		}
		nstdin += (size_t)L->f[i].is_stdin;
	}
	if (nstdin > 1)
		return lb_error_tr(LB_EUSAGE, "--logs - (stdin) can be given once",
		                   "--logs - (標準入力) は 1 回だけです");
	if (o->logs_state)
		state_load(L, o->logs_state);
	for (size_t i = 0; i < o->nlogs; i++) {
		free(L->f[i].path);
		L->f[i].path = NULL;
		if ((rc = open_file(w, &L->f[i], o->logs[i], &L->stdin_flags)) < 0)
			return rc;
		if (L->f[i].is_stdin)
			L->stdin_fd = 0;
	}
	/* the rest of a file rotated while watch was down goes just before the file now at its path */
	struct wl_file *nf = lb_calloc(2 * L->n, sizeof *nf);
	size_t k = 0;
	for (size_t i = 0; i < L->n; i++) {
		if (L->f[i].rotated && open_rotated(w, &L->f[i], &nf[k]))
			k++;
		nf[k++] = L->f[i];
	}
	free(L->f);
	L->f = nf;
	L->n = k;
	L->e = lb_malloc(sizeof *L->e);
	w->sum->log_files = o->nlogs;
	return 0;
}

int watch_logs_read(struct watch *w)
{
	struct watch_logs *L = w->logs;
	int more = 0;
	for (size_t i = 0; i < L->n; i++) {
		struct wl_file *f = &L->f[i];
		if (f->ended || (i > 0 && L->f[i - 1].oneshot && !L->f[i - 1].ended))
			continue; /* a file's lines after the rest of its rotated predecessor, in order */
		int k = 0, rc = 0;
		while (k < READ_BUDGET && (rc = log_reader_next(f->r, L->e)) > 0) {
			k++;
			logs_rules_match(&L->rs, L->e, on_log_alert, w);
		}
		w->sum->log_lines += (uint64_t)k;
		if (rc < 0 && !f->failing)
			lb_warn(L_("watch: %s (trying again every 100 ms)", "監視: %s (100 ms ごとに再試行します)"),
			        lb_errmsg());
		if (rc < 0)
			lb_error_clear();
		f->failing = rc < 0;
		f->busy = k == READ_BUDGET;
		more |= f->busy;
		if (f->oneshot && rc == 0 && !f->busy)
			f->ended = 1; /* read to its end: the file at the path goes on */
		if (f->is_stdin && rc == 0 && log_reader_ended(f->r)) {
			f->ended = 1;
			L->stdin_fd = -1;
			lb_info(L_("watch: stdin ended", "監視: 標準入力が終わりました"));
		}
	}
	return more;
}

void watch_logs_tick(struct watch *w)
{
	struct watch_logs *L = w->logs;
	int idle = 1;
	for (size_t i = 0; i < L->n; i++)
		idle &= !L->f[i].busy;
	/* correlation windows that the clock closed (lt/lte conditions): only once caught up, so that lines still
	 * unread cannot belong to a window judged already */
	if (idle)
		logs_rules_tick(&L->rs, lb_now_ms(), on_log_alert, w);
	if (idle)
		state_save(w);
	uint64_t warn = 0;
	for (size_t i = 0; i < L->n; i++)
		warn += log_reader_warnings(L->f[i].r);
	w->sum->log_warnings = warn;
}

int watch_logs_fd(const struct watch *w)
{
	return w->logs ? w->logs->stdin_fd : -1;
}

void watch_logs_close(struct watch *w)
{
	struct watch_logs *L = w->logs;
	if (!L)
		return;
	if (L->f && L->e) {
		watch_logs_tick(w);
		state_save(w);
	}
	for (size_t i = 0; i < L->n; i++) {
		log_reader_close(L->f[i].r);
		free(L->f[i].path);
	}
	if (L->stdin_flags >= 0) /* stdin may be shared with a shell: leave it blocking as it was */
		fcntl(0, F_SETFL, L->stdin_flags);
	free(L->f);
	free(L->e);
	logs_rules_release(&L->rs);
	free(L);
	w->logs = NULL;
}
