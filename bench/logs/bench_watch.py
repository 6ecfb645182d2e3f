#!/usr/bin/env python3
"""bench_watch.py LIFEBOAT LOG RULES_DIR WORK [FORMAT] - lines/s of `lifeboat watch --logs` through the follower,
the rules and the alert sink: LOG is copied to WORK with a sentinel line at its end that a sentinel rule (in
RULES_DIR) matches; watch follows the copy with --from-start, and the time from its "watching" line to the
sentinel's alert in the alerts file is the time the whole file took. Figures, not pass/fail."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

lifeboat, log, rules, work = sys.argv[1:5]
fmt = sys.argv[5] if len(sys.argv) > 5 else "auto"
live = os.path.join(work, "watch-live.log")
alerts = os.path.join(work, "watch-alerts.jsonl")
err = os.path.join(work, "watch.err")
shutil.copyfile(log, live)
n = sum(1 for _ in open(live, "rb"))
with open(live, "a") as f:
    if log.endswith(".jsonl"):
        f.write('{"Event":{"System":{"EventID":1,"Channel":"Security"},"EventData":{"CommandLine":"LIFEBOAT-BENCH-END"}}}\n')
    else:
        f.write("Dec  7 23:59:59 bench app[1]: LIFEBOAT-BENCH-END\n")
open(alerts, "w").close()
t_start = time.time()
p = subprocess.Popen([lifeboat, "watch", "--logs", live, "--from-start", "--rules", rules, "--format", fmt,
                      "--alerts", alerts, "--json"], stdout=subprocess.PIPE, stderr=open(err, "w"))
deadline = time.time() + 600
while "watch: watching" not in open(err).read():
    if p.poll() is not None or time.time() > deadline:
        sys.exit("watch did not start: " + open(err).read()[:500])
    time.sleep(0.005)
t0 = time.time()
done = False
while not done:
    with open(alerts) as f:
        done = "LIFEBOAT-BENCH-END" in f.read()[-4096:]
    if not done:
        if time.time() > deadline:
            sys.exit("watch did not reach the end")
        time.sleep(0.01)
t1 = time.time()
p.send_signal(signal.SIGTERM)
out, _ = p.communicate(timeout=30)
s = json.loads(out.decode().strip().splitlines()[-1])["summary"]
lg = s["logs"]
dt = t1 - t0
# wall time on a shared machine includes other work: lines per CPU second (start-up included) is the steadier figure
print("watch --logs %-8s %9d lines  %6.2f s  %10.0f lines/s  (%.0f per CPU second)  %d rules, %d alerts sent, %d held "
      "back by the rate limit, start-up (rules compiled) %.2f s, CPU %.2f s" % (
          os.path.basename(log).split(".")[0], lg["lines"], dt, lg["lines"] / dt, lg["lines"] / max(s["cpu_s"], 0.01),
          lg["rules"], lg["alerts"], s["suppressed"], t0 - t_start, s["cpu_s"]))
