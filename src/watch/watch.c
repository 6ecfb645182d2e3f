/*
 * watch.c - a watch from start to stop: resolve the folders, open the alert sinks, plant canaries, start the event
 * source (fanotify, or inotify when fanotify is refused), learn what each file is (baseline scan), give up the
 * capabilities no longer needed, then loop: events as they come, once a second the clock work (overflow alerts,
 * vanished folders, idle processes, finished child processes), and a health line every few minutes.
 */
#include "watch_int.h"

#include <errno.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const char *watch_source_name(int src)
{
	return src == WATCH_SRC_FANOTIFY ? "fanotify" : src == WATCH_SRC_INOTIFY ? "inotify" : "auto";
}

int watch_has_cap(int cap)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return !!(data[cap / 32].effective & (1u << (cap % 32)));
}

/*
 * Keep only what watching needs from here on: reading any file and resolving directory handles
 * (CAP_DAC_READ_SEARCH), naming other users' processes (CAP_SYS_PTRACE for /proc/PID/exe and fd) and stopping
 * them (CAP_KILL). CAP_SYS_ADMIN, needed for the fanotify marks, goes. Plain capset(2): no library needed for this.
 */
static void drop_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return;
	uint64_t have = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	if (!have)
		return;
	uint64_t keep = have & ((1ull << CAP_DAC_READ_SEARCH) | (1ull << CAP_SYS_PTRACE) | (1ull << CAP_KILL));
	for (int i = 0; i < 2; i++) {
		data[i].effective = data[i].permitted = (uint32_t)(keep >> (32 * i));
		data[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		lb_warn(L_("watch: cannot drop capabilities: %s", "監視: 権限 (capabilities) を手放せません: %s"),
		        lb_strerrno(errno));
	else
		lb_info(L_("watch: capabilities dropped to dac_read_search, sys_ptrace, kill",
		           "監視: 権限 (capabilities) を dac_read_search, sys_ptrace, kill だけにしました"));
}

static int roots_init(struct watch *w)
{
	if (!w->o->npaths && !w->o->nlogs)
		return lb_error_tr(LB_EUSAGE, "nothing to watch", "監視するフォルダがありません");
	if (!w->o->npaths)
		return 0;
	w->roots = lb_calloc(w->o->npaths, sizeof *w->roots);
	for (size_t i = 0; i < w->o->npaths; i++) {
		struct stat st;
		char *rp = realpath(w->o->paths[i], NULL);
		if (!rp || stat(rp, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(rp);
			return lb_error_tr(LB_ENOTFOUND, "'%s' is not a folder", "'%s' はフォルダではありません",
			                   w->o->paths[i]);
		}
		w->roots[w->nroots++] = (struct watch_root){.path = rp, .len = strlen(rp)};
	}
	return 0;
}

static void health(struct watch *w, int64_t start_ns, uint64_t *last_events, int64_t *last_ns)
{
	int64_t now = lb_mono_ns();
	double secs = (double)(now - *last_ns) / 1e9;
	uint64_t a = w->sum->alerts[0] + w->sum->alerts[1] + w->sum->alerts[2] + w->sum->alerts[3];
	lb_info(L_("watch: health: up %llds, %llu events (%.0f/s lately), %zu files tracked, %llu queue overflows, "
	           "%llu alerts (%llu high, %llu critical)",
	           "監視: 稼働状況: 稼働 %lld 秒、イベント %llu 件 (直近 %.0f 件/秒)、記憶中のファイル %zu "
	           "個、キューあふれ "
	           "%llu 回、アラート %llu 件 (high %llu、critical %llu)"),
	        (long long)((now - start_ns) / 1000000000), (unsigned long long)w->sum->events,
	        secs > 0 ? (double)(w->sum->events - *last_events) / secs : 0.0, w->files.n,
	        (unsigned long long)w->sum->overflows, (unsigned long long)a, (unsigned long long)w->sum->alerts[2],
	        (unsigned long long)w->sum->alerts[3]);
	if (w->logs)
		lb_info(L_("watch: health: logs: %llu lines, %llu malformed, %llu alerts, %llu alerts held back by the "
		           "rate "
		           "limit",
		           "監視: 稼働状況: ログ: %llu 行、形式の誤り %llu 行、アラート %llu "
		           "件、レート制限で送らなかった"
		           "アラート %llu 件"),
		        (unsigned long long)w->sum->log_lines, (unsigned long long)w->sum->log_warnings,
		        (unsigned long long)w->sum->log_alerts, (unsigned long long)w->sum->suppressed);
	*last_events = w->sum->events;
	*last_ns = now;
}

static int start_source(struct watch *w)
{
	int rc = -LB_EPERM;
	if (w->o->source != WATCH_SRC_INOTIFY) {
		rc = watch_fan_open(w, &w->src);
		if (rc == -LB_EPERM && w->o->source == WATCH_SRC_AUTO) {
			lb_warn(L_("watch: %s; using inotify (no process attribution from the kernel)",
			           "監視: %s。inotify を使います (カーネルから書き込んだプロセスは分かりません)"),
			        lb_errmsg());
			lb_error_clear();
		} else if (rc < 0) {
			return rc;
		}
	}
	if (rc < 0)
		rc = watch_ino_open(w, &w->src);
	if (rc == 0) {
		w->sum->source = w->src->name;
		if (!w->sum->marks)
			w->sum->marks = "folders";
	}
	return rc;
}

static void loop(struct watch *w)
{
	const struct watch_opts *o = w->o;
	int64_t start = lb_mono_ns(), last_tick = 0, last_health = start, health_ns;
	uint64_t last_events = 0;
	int logs_busy = 0;
	health_ns = (o->health_ms > 0 ? o->health_ms : 300000) * 1000000;
	for (;;) {
		if (o->stop && *o->stop)
			break;
		int64_t now = lb_mono_ns();
		if (o->run_ms > 0 && now - start >= o->run_ms * 1000000)
			break;
		struct pollfd pf[2];
		int np = 0, lfd = watch_logs_fd(w);
		if (w->src)
			pf[np++] = (struct pollfd){.fd = w->src->fd, .events = POLLIN};
		if (lfd >= 0)
			pf[np++] = (struct pollfd){.fd = lfd, .events = POLLIN};
		/* logs are followed by looking every 100 ms (logs/reader.h), at once while a file has more to give */
		int r = poll(pf, (nfds_t)np, w->logs ? (logs_busy ? 0 : 100) : 200);
		if (r > 0 && w->src && (pf[0].revents & POLLIN)) {
			int n = w->src->read(w->src);
			if (n < 0) {
				lb_warn(L_("watch: %s", "監視: %s"), lb_errmsg());
				break;
			}
			/* Let events gather for a millisecond: one wakeup per batch rather than per event on a busy
			 * filesystem, for under half a file of delay at 420 files/s. */
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
		}
		if (w->logs)
			logs_busy = watch_logs_read(w);
		now = lb_mono_ns();
		if (now - last_tick >= 1000000000) {
			last_tick = now;
			watch_tick(w);
			if (w->src)
				w->src->tick(w->src);
			if (w->logs)
				watch_logs_tick(w);
			watch_rate_tick(w, 0);
			if (w->alerts_dirty)
				watch_alert_sync(w);
			watch_reap_children();
		}
		if (now - last_health >= health_ns)
			health(w, start, &last_events, &last_health);
	}
	/* Events already queued are still read, so that nothing done before the stop is missed. */
	if (w->src)
		w->src->read(w->src);
	for (int k = 0; w->logs && k < 50 && watch_logs_read(w); k++)
		;
	watch_tick(w);
	watch_rate_tick(w, 1);
	w->sum->run_ms = (lb_mono_ns() - start) / 1000000;
}

static void watching_line(struct watch *w)
{
	/* two lines rather than one L_ pair: the English says "folder" or "folders" */
	if (lb_lang() == LB_LANG_JA)
		/* i18n-ok: the Japanese of the line below */
		lb_info("監視: 監視中 (%zu フォルダ、%s、マーク: %s、内部のフォルダ %llu 個): "
		        "%llu ファイルを %lld ms で記憶%s",
		        w->nroots, w->sum->source, w->sum->marks, (unsigned long long)w->sum->dirs_watched,
		        (unsigned long long)w->sum->baseline_files, (long long)w->sum->baseline_ms,
		        w->o->canaries ? "、おとりファイル配置済み" : "");
	else
		/* i18n-ok: the English of the line above */
		lb_info("watch: watching %zu folder%s with %s (marks: %s; %llu folders inside): "
		        "%llu files learnt in %lld ms%s",
		        w->nroots, w->nroots == 1 ? "" : "s", w->sum->source, w->sum->marks,
		        (unsigned long long)w->sum->dirs_watched, (unsigned long long)w->sum->baseline_files,
		        (long long)w->sum->baseline_ms, w->o->canaries ? ", canaries planted" : "");
}

int watch_run(const struct watch_opts *o, struct watch_summary *sum)
{
	memset(sum, 0, sizeof *sum);
	struct watch w = {.o = o, .sum = sum, .alerts_fd = -1, .syslog_fd = -1};
	w.self = getpid();
	w.parent = getppid();
	w.files.max = o->max_files ? o->max_files : 2000000;
	w.exts.max = 65536;
	w.now_s = lb_mono_ns() / 1000000000;
	w.overflow_alert_s = w.now_s - 10;
	int rc = roots_init(&w);
	if (rc == 0)
		rc = watch_alert_open(&w);
	if (rc == 0 && o->alerts_path)
		w.alerts_real = realpath(o->alerts_path, NULL);
	if (rc == 0 && o->canaries) {
		rc = watch_canaries_plant(&w);
		if (rc >= 0) {
			lb_info(L_("watch: %d canary files in place", "監視: おとりファイル %d 個を配置しました"), rc);
			rc = 0;
		}
	}
	if (rc == 0)
		rc = watch_logs_open(&w);
	if (rc == 0 && o->npaths)
		rc = start_source(&w);
	else if (rc == 0)
		sum->source = sum->marks = "logs";
	if (rc == 0) {
		int64_t t0 = lb_mono_ns();
		for (size_t i = 0; i < w.nroots && !o->no_baseline; i++)
			sum->baseline_files += (uint64_t)watch_baseline(&w, w.roots[i].path, 0);
		sum->baseline_ms = (lb_mono_ns() - t0) / 1000000;
		drop_caps();
		if (o->npaths)
			watching_line(&w);
		if (w.logs)
			lb_info(L_("watch: watching %llu log files with %llu rules (%llu skipped)%s",
			           "監視: ログ %llu 個を監視中 (ルール %llu 個、読み込まなかったもの %llu 個)%s"),
			        (unsigned long long)sum->log_files, (unsigned long long)sum->log_rules,
			        (unsigned long long)sum->log_rules_skipped,
			        o->logs_from_start ? L_(", from their start", "、先頭から")
			                           : L_(", from their end", "、末尾から"));
		loop(&w);
		sum->files_tracked = w.files.n;
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			sum->cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			             (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	}
	if (w.src)
		w.src->close(w.src);
	watch_logs_close(&w);
	watch_reap_children();
	watch_alert_close(&w);
	watch_actor_free_all(&w);
	watch_map_free(&w.files);
	watch_map_free(&w.exts);
	watch_map_free(&w.canary);
	for (size_t i = 0; i < w.nroots; i++)
		free(w.roots[i].path);
	free(w.roots);
	free(w.alerts_real);
	watch_rate_free(&w);
	return rc;
}
