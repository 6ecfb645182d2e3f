/*
 * alert.c - where findings go, and who caused them. One alert is one JSON line (format: docs/watch-alerts.md)
 * sent to every sink the user chose: the alerts file (appended; high and critical ones fsync'd at once, the others
 * within a second, so that they never delay the next event), syslog as RFC 5424 on /dev/log, an exec hook
 * (sh -c CMD with the JSON on stdin), and the on_alert callback. High and critical alerts may stop the offending
 * process (SIGSTOP, never pid 1, ourselves or our parent) and a critical one may pin the last clean vault
 * generation (`lifeboat vault lock … latest-clean`), once per run.
 *
 * Processes are named from /proc: comm, exe, uid. inotify cannot tell who wrote; for high and critical alerts
 * the process is then looked for in /proc as the one holding files open (or its working folder) in the alerted
 * folder, or else elsewhere in the same watched folder.
 */
#include "watch_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t pin_pid;

const char *watch_severity_name(int sev)
{
	static const char *const n[] = {"low", "medium", "high", "critical"};
	return sev >= 0 && sev <= 3 ? n[sev] : "low";
}

static int read_small(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, out, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	out[r] = 0;
	return (int)r;
}

void watch_proc_info(pid_t pid, struct watch_actor *a)
{
	char p[64], st[2048];
	a->uid = (uid_t)-1;
	snprintf(p, sizeof p, "/proc/%d/comm", (int)pid);
	if (read_small(p, a->comm, sizeof a->comm) > 0)
		a->comm[strcspn(a->comm, "\n")] = 0;
	snprintf(p, sizeof p, "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(p, a->exe, sizeof a->exe - 1);
	a->exe[n > 0 ? n : 0] = 0;
	snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
	if (read_small(p, st, sizeof st) > 0) {
		char *u = strstr(st, "\nUid:");
		if (u)
			a->uid = (uid_t)strtoul(u + 5, NULL, 10);
	}
}

static int under(const char *path, const char *dir, size_t len)
{
	return !strncmp(path, dir, len) && (path[len] == '/' || !path[len] || (len == 1 && dir[0] == '/'));
}

pid_t watch_proc_find(const char *dir, const char *root, pid_t self)
{
	DIR *d = opendir("/proc");
	if (!d || !dir || !*dir)
		return d ? (closedir(d), 0) : 0;
	size_t len = strlen(dir), rlen = root ? strlen(root) : 0;
	pid_t best = 0;
	int best_score = 0;
	struct dirent *e;
	char p[320], link[4096];
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 1 || pid == self)
			continue;
		int score = 0;
		snprintf(p, sizeof p, "/proc/%ld/cwd", pid);
		ssize_t n = readlink(p, link, sizeof link - 1);
		if (n > 0 && (link[n] = 0, under(link, dir, len)))
			score += 2;
		snprintf(p, sizeof p, "/proc/%ld/fd", pid);
		DIR *fds = opendir(p);
		struct dirent *f;
		while (fds && (f = readdir(fds))) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "/proc/%ld/fd/%s", pid, f->d_name);
			n = readlink(p, link, sizeof link - 1);
			if (n <= 0)
				continue;
			link[n] = 0;
			if (under(link, dir, len))
				score += 4; /* a file open in the alerted folder */
			else if (rlen && under(link, root, rlen))
				score += 1; /* elsewhere in the same watched folder */
		}
		if (fds)
			closedir(fds);
		if (score > best_score) {
			best_score = score;
			best = (pid_t)pid;
		}
	}
	closedir(d);
	return best;
}

int watch_alert_open(struct watch *w)
{
	w->alerts_fd = -1;
	w->syslog_fd = -1;
	if (w->o->alerts_path) {
		w->alerts_fd = open(w->o->alerts_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (w->alerts_fd < 0)
			return lb_error_errno_tr(errno, "cannot open alerts file '%s'",
			                         "アラートファイル '%s' を開けません", w->o->alerts_path);
	}
	if (w->o->syslog) {
		w->syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
		if (w->syslog_fd < 0 || connect(w->syslog_fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
			lb_warn(L_("watch: cannot reach syslog at /dev/log: %s (alerts still go to the other sinks)",
			           "監視: /dev/log の syslog に接続できません: %s "
			           "(アラートはほかの出力先には送ります)"),
			        lb_strerrno(errno));
			if (w->syslog_fd >= 0)
				close(w->syslog_fd);
			w->syslog_fd = -1;
		}
	}
	return 0;
}

void watch_alert_close(struct watch *w)
{
	if (w->alerts_dirty)
		watch_alert_sync(w);
	if (w->alerts_fd >= 0)
		close(w->alerts_fd);
	if (w->syslog_fd >= 0)
		close(w->syslog_fd);
	w->alerts_fd = w->syslog_fd = -1;
}

void watch_alert_sync(struct watch *w)
{
	if (w->alerts_fd >= 0 && fsync(w->alerts_fd) < 0)
		lb_warn(L_("watch: cannot sync the alerts file: %s",
		           "監視: アラートファイルをディスクに書き出せません: %s"),
		        lb_strerrno(errno));
	w->alerts_dirty = 0;
}

void watch_reap_children(void)
{
	int status;
	pid_t p;
	while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
		if (p != pin_pid)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			lb_warn(L_("watch: pinned the latest clean vault generation (vault lock exited 0)",
			           "監視: vault の最新のクリーンな世代をロックしました (vault lock は終了コード 0)"));
		else
			lb_warn(L_("watch: pinning the latest clean vault generation failed (vault lock exit status "
			           "%d)",
			           "監視: vault の最新のクリーンな世代をロックできませんでした (vault lock "
			           "の終了コード %d)"),
			        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		pin_pid = 0;
	}
}

static pid_t spawn(char *const argv[], const char *stdin_data, size_t n)
{
	int pfd[2] = {-1, -1};
	if (stdin_data && pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		if (stdin_data)
			dup2(pfd[0], 0);
		else
			close(0);
		execv(argv[0], argv);
		_exit(127);
	}
	if (stdin_data) {
		close(pfd[0]);
		if (pid > 0) {
			fcntl(pfd[1], F_SETFL, O_NONBLOCK);
			ssize_t wr = write(pfd[1], stdin_data, n);
			(void)wr;
		}
		close(pfd[1]);
	}
	return pid;
}

static void pin_vault(struct watch *w, struct buf *outcome)
{
	if (w->pinned) {
		buf_adds(outcome, L_("vault pin already requested", "vault のロックは依頼済みです"));
		return;
	}
	w->pinned = 1;
	struct buf until = {0};
	int64_t days = (lb_now_ms() + 30LL * 86400000) / 86400000;
	int y, m, d;
	lb_civil_from_days(days, &y, &m, &d);
	buf_addf(&until, "%04d-%02d-%02d", y, m, d);
	char *argv[] = {"/proc/self/exe", "vault",   "lock",     "--repo", (char *)w->o->pin_vault,
	                "latest-clean",   "--until", until.data, NULL};
	pin_pid = spawn(argv, NULL, 0);
	if (pin_pid > 0)
		buf_addf(outcome,
		         L_("vault lock --repo %s latest-clean --until %s started (pid %d)",
		            "vault lock --repo %s latest-clean --until %s を開始しました (pid %d)"),
		         w->o->pin_vault, until.data, (int)pin_pid);
	else
		buf_addf(outcome, L_("cannot start vault lock: %s", "vault lock を開始できません: %s"),
		         lb_strerrno(errno));
	lb_warn(L_("watch: %s", "監視: %s"), buf_cstr(outcome));
	buf_release(&until);
}

static unsigned sum10(const struct watch *w, const struct watch_actor *a, int c)
{
	unsigned s = 0;
	for (int64_t t = w->now_s - 9; t <= w->now_s && t <= a->last_s; t++)
		if (t > a->last_s - WATCH_WIN)
			s += a->bucket[((t % WATCH_WIN) + WATCH_WIN) % WATCH_WIN][c];
	return s;
}

static void syslog_send(struct watch *w, int sev, const struct buf *json)
{
	static const int level[] = {5, 4, 3, 2}; /* notice, warning, err, crit */
	char host[256] = "-";
	gethostname(host, sizeof host - 1);
	struct buf m = {0}, ts = {0};
	lb_format_utc(&ts, lb_now_ms(), 1);
	buf_addf(&m, "<%d>1 %s %s lifeboat %d watch - %s", 3 * 8 + level[sev & 3], ts.data, host, (int)w->self,
	         json->data);
	if (send(w->syslog_fd, m.data, m.len, MSG_DONTWAIT) < 0)
		lb_warn(L_("watch: syslog: %s", "監視: syslog: %s"), lb_strerrno(errno));
	buf_release(&m);
	buf_release(&ts);
}

int watch_alert_emit(struct watch *w, const char *rule, int sev, struct buf *j, int force)
{
	if (!force && !watch_rate_admit(w, rule, sev))
		return 0;
	if (w->alerts_fd >= 0) {
		/* High and critical alerts are on disk before anything else happens; low and medium ones are synced by
		 * the next of those or within a second (watch_alert_sync), so that they never slow the next event. */
		buf_addch(j, '\n');
		if (write(w->alerts_fd, j->data, j->len) != (ssize_t)j->len)
			lb_warn(L_("watch: cannot write the alerts file: %s",
			           "監視: アラートファイルに書き込めません: %s"),
			        lb_strerrno(errno));
		else if (sev >= WATCH_HIGH)
			watch_alert_sync(w);
		else
			w->alerts_dirty = 1;
		buf_truncate(j, j->len - 1);
	}
	if (w->syslog_fd >= 0)
		syslog_send(w, sev, j);
	if (w->o->exec_cmd) {
		char *argv[] = {"/bin/sh", "-c", (char *)w->o->exec_cmd, NULL};
		buf_addch(j, '\n');
		if (spawn(argv, j->data, j->len) < 0)
			lb_warn(L_("watch: cannot run the exec hook: %s",
			           "監視: --exec のコマンドを実行できません: %s"),
			        lb_strerrno(errno));
		buf_truncate(j, j->len - 1);
	}
	if (w->o->on_alert)
		w->o->on_alert(j->data, w->o->ctx);
	w->sum->alerts[sev & 3]++;
	return 1;
}

void watch_alert(struct watch *w, const struct watch_alert *al)
{
	struct buf ts = {0};
	lb_format_utc(&ts, lb_now_ms(), 1); /* the time of detection, before any slower work below */
	struct watch_actor found = {0}, *a = al->actor;
	pid_t pid = a ? a->pid : al->pid;
	if (pid < 0)
		pid = 0; /* several processes: look in /proc below */
	if (!pid && al->severity >= WATCH_HIGH && al->path && *al->path) {
		int r = watch_path_root(w, al->path);
		pid_t p = watch_proc_find(al->path, r >= 0 ? w->roots[r].path : NULL, w->self);
		if (p > 0) {
			watch_proc_info(p, &found);
			found.pid = p;
			pid = p;
		}
	}
	const struct watch_actor *who = found.pid ? &found : a;
	struct buf response = {0}, pin = {0};
	if (w->o->respond_stop && al->severity >= WATCH_HIGH && pid > 1) {
		if (pid == w->self || pid == w->parent)
			buf_addf(&response,
			         L_("not stopped: pid %d is lifeboat itself or its parent",
			            "停止しません: pid %d は lifeboat 自身かその親です"),
			         (int)pid);
		else if (a && a->stopped)
			buf_addf(&response, L_("pid %d already stopped", "pid %d は停止済みです"), (int)pid);
		else if (kill(pid, SIGSTOP) == 0) {
			buf_addf(&response,
			         L_("stopped pid %d with SIGSTOP (resume: kill -CONT %d)",
			            "pid %d を SIGSTOP で停止しました (再開: kill -CONT %d)"),
			         (int)pid, (int)pid);
			if (a)
				a->stopped = 1;
		} else
			buf_addf(&response, L_("could not stop pid %d: %s", "pid %d を停止できません: %s"), (int)pid,
			         lb_strerrno(errno));
	}
	if (w->o->pin_vault && al->severity == WATCH_CRITICAL)
		pin_vault(w, &pin);

	struct buf j = {0};
	struct json_w jw = {.out = &j};
	json_obj(&jw);
	json_kv_str(&jw, "time", ts.data);
	json_kv_str(&jw, "rule", al->rule);
	json_kv_str(&jw, "severity", watch_severity_name(al->severity));
	json_kv_str(&jw, "path", al->path ? al->path : "");
	json_key(&jw, "paths");
	json_arr(&jw);
	if (a)
		for (int i = 0; i < WATCH_ACTOR_PATHS; i++) {
			const char *p = a->paths[(a->paths_at + i) % WATCH_ACTOR_PATHS];
			if (p)
				json_str(&jw, p);
		}
	json_end(&jw);
	json_kv_int(&jw, "pid", pid);
	json_key(&jw, "process");
	json_obj(&jw);
	json_kv_str(&jw, "comm", who && who->comm[0] ? who->comm : NULL);
	json_kv_str(&jw, "exe", who && who->exe[0] ? who->exe : NULL);
	json_end(&jw);
	struct passwd pw, *pwr = NULL;
	char pwbuf[1024];
	if (who && who->uid != (uid_t)-1 && pid)
		getpwuid_r(who->uid, &pw, pwbuf, sizeof pwbuf, &pwr);
	json_kv_str(&jw, "user", pwr ? pwr->pw_name : NULL);
	if (who && pid && who->uid != (uid_t)-1)
		json_kv_int(&jw, "uid", who->uid);
	json_kv_int(&jw, "files", (int64_t)al->files);
	if (a) {
		static const char *const names[WC_COUNT] = {"encrypted", "ransom_extension", "new_extension",
		                                            "notes",     "deleted",          "renamed",
		                                            "created",   "written"};
		json_key(&jw, "counts");
		json_obj(&jw);
		json_kv_int(&jw, "window_s", 10);
		for (int c = 0; c < WC_COUNT; c++)
			json_kv_int(&jw, names[c], sum10(w, a, c));
		json_end(&jw);
	}
	json_kv_str(&jw, "detail", al->detail ? al->detail : "");
	json_kv_str(&jw, "source", w->sum->source);
	if (response.len)
		json_kv_str(&jw, "response", response.data);
	if (pin.len)
		json_kv_str(&jw, "vault_pin", pin.data);
	json_end(&jw);

	watch_alert_emit(w, al->rule, al->severity, &j, response.len || pin.len);
	buf_release(&j);
	buf_release(&ts);
	buf_release(&response);
	buf_release(&pin);
}
