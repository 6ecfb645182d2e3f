/*
 * incident_bench.c - the incident timeline's speed (issue 15): N entries appended one by one, each in its own
 * transaction as `lifeboat incident log` and the station write them (synchronous=FULL: each one on disk before
 * the call returns), then `incident verify` over all of them. Targets on this machine: append >= 5,000 entries/s,
 * verify >= 200,000 entries/s. Prints figures; not a pass/fail test.
 *
 *   bench/incident/run [N] [DIR]
 */
#include "incident/incident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* CPU time of the process: the machine is shared, so wall-clock rates vary with the load; CPU rates less. */
static int64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *const teams[] = {"hq", "recovery", "liaison", "patients", "records", "safety"};
static const char *const kinds[] = {"fact", "action", "contact", "evidence"};

/* Append notes from..to-1, one call (one transaction) each. */
static int append_n(struct incident_file *f, long from, long to)
{
	char text[160];
	for (long i = from; i < to; i++) {
		snprintf(text, sizeof(text), "病棟 %ld: 紙運用の記録 %ld 件目、配布した様式を確認 (院内 PHS 内線 %ld)",
		         i % 40, i, 4000 + i % 900);
		struct incident_new e = {.type = INCIDENT_T_NOTE,
		                         .kind = kinds[i % 4],
		                         .team = teams[i % 6],
		                         .author = "看護師 山田",
		                         .os_user = "bench",
		                         .text = text};
		if (incident_append(f, &e, NULL) < 0) {
			fprintf(stderr, "incident_bench: entry %ld: %s\n", i, lb_errmsg());
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char path[4096];
	snprintf(path, sizeof(path), "%s/incident-bench-%ld.db", dir, (long)getpid());
	struct incident_file *f;
	if (incident_open(&f, path, 1) < 0) {
		fprintf(stderr, "incident_bench: %s\n", lb_errmsg());
		return 2;
	}
	struct incident_new d = {
	        .type = INCIDENT_T_DECLARE, .text = "bench", .os_user = "bench", .flags = INCIDENT_F_DRILL};
	if (incident_append(f, &d, NULL) < 0) {
		fprintf(stderr, "incident_bench: %s\n", lb_errmsg());
		return 2;
	}
	/* durable appends first (each waits for its fsync: a few thousand are enough for the rate), then the rest
	 * as a bulk load */
	long durable_n = n < 2000 ? n : 2000;
	int64_t t0 = lb_mono_ns();
	if (append_n(f, 0, durable_n) < 0)
		return 2;
	int64_t td = lb_mono_ns();
	incident_set_durable(f, 0);
	int64_t tb = lb_mono_ns(), cb = cpu_ns();
	if (append_n(f, durable_n, n) < 0)
		return 2;
	int64_t t1 = lb_mono_ns(), c1 = cpu_ns();
	struct incident_verify_result r;
	if (incident_verify(f, NULL, &r) < 0 || r.status != INCIDENT_INTACT) {
		fprintf(stderr, "incident_bench: verify failed (%s)\n", lb_errmsg());
		return 1;
	}
	int64_t t2 = lb_mono_ns(), c2 = cpu_ns();
	struct incident_state s;
	int64_t t3 = lb_mono_ns(), c3 = cpu_ns();
	if (incident_state(f, 0, 10, lb_now_ms(), &s) < 0) {
		fprintf(stderr, "incident_bench: status: %s\n", lb_errmsg());
		return 2;
	}
	int64_t t4 = lb_mono_ns(), c4 = cpu_ns();
	incident_state_release(&s);
	incident_file_close(f);
	double du = (double)(td - t0) / 1e9, bu = (double)(t1 - tb) / 1e9, ve = (double)(t2 - t1) / 1e9;
	printf("append  durable (synchronous=FULL, the default): %ld entries in %.2f s: %.0f entries/s (%.2f ms "
	       "each)\n",
	       durable_n, du, (double)durable_n / du, du * 1e3 / (double)durable_n);
	if (n > durable_n)
		printf("append  bulk (synchronous=NORMAL): %ld entries in %.2f s: %.0f entries/s (%.1f us each);"
		       " CPU %.0f entries/s\n",
		       n - durable_n, bu, (double)(n - durable_n) / bu, bu * 1e6 / (double)(n - durable_n),
		       (double)(n - durable_n) / ((double)(c1 - cb) / 1e9));
	printf("verify  %lld entries in %.3f s: %.0f entries/s; CPU %.0f entries/s\n", (long long)r.entries, ve,
	       (double)r.entries / ve, (double)r.entries / ((double)(c2 - c1) / 1e9));
	printf("status  on %lld entries: %.2f ms (CPU %.2f ms)\n", (long long)r.entries, (double)(t4 - t3) / 1e6,
	       (double)(c4 - c3) / 1e6);
	double load[1] = {0};
	if (getloadavg(load, 1) == 1)
		printf("load    %.1f (1-minute load average of this shared machine during the run)\n", load[0]);
	printf("file    %s\n", path);
	return 0;
}
