#!/usr/bin/env bash
# `lifeboat watch --logs`: log files followed inside watch, the Sigma rules run on them, alerts in watch's format.
#   1. an SSH brute force (30 failures from one address within a minute) appended to a followed auth.log raises
#      exactly one correlation alert naming the address, with the file and line; a success after it a second one;
#      a burst with the log rotated in its middle (mv + a new file) still counts every failure: one alert;
#   2. a JSON log rotated mid-burst (renamed, a few lines more into the old file, a new file) and later truncated
#      (copytruncate), with half-written lines: every line's alert comes exactly once (none lost, none repeated),
#      line numbers start over in the new file; a malformed line and a malformed rule are named with file and line
#      and stop nothing;
#   3. stdin (--logs -) works, and a flood of distinct alerts of one rule is held to the rate limit (30 a minute),
#      the rest counted in a rate_limit alert; identical alerts are de-duplicated;
#   4. a restart with --logs-state does not alert old lines again and does not miss lines written meanwhile, even
#      when the log was rotated meanwhile (the rest of FILE.1 first).
# Every wait is bounded (20 s at most); every watcher is killed by the trap.
. "$LB_SRC/tests/integration/lib.bash"
set -e
export LC_ALL=C

PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null || true; done; for p in $PIDS; do wait "$p" 2>/dev/null || true; done; lb_cleanup' EXIT

R="$T/rules"
mkdir -p "$R"
cat >"$R/test.yml" <<'EOF'
title: Test probe line
title_ja: テスト用の行
id: test-probe
level: low
logsource:
  category: test
detection:
  sel:
    msg|contains: 'probe'
  condition: sel
---
title: Test flood
title_ja: テスト用の大量発生
id: test-flood
level: medium
logsource:
  product: linux
detection:
  keywords:
    - 'FLOODTEST'
  condition: keywords
---
title: Test repeated line
id: test-dup
level: medium
logsource:
  product: linux
detection:
  keywords:
    - 'DUPTEST'
  condition: keywords
EOF
printf 'title: broken\ndetection: [unclosed\n' >"$R/broken.yml"

# wait_for FILE PY [SECS]: poll until the Python expression over `al` (the alerts in FILE, parsed) holds
wait_for() {
	python3 - "$1" "$2" "${3:-20}" <<'PY'
import json, sys, time
path, expr, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.time() + secs
while True:
    try:
        al = [json.loads(l) for l in open(path) if l.strip()]
    except (OSError, ValueError):
        al = []
    if eval(expr):
        sys.exit(0)
    if time.time() > end:
        sys.exit("timed out waiting for: %s (%d alerts)" % (expr, len(al)))
    time.sleep(0.1)
PY
}

# start_logwatch NAME ARGS…: lifeboat watch in the background, alerts in $T/NAME.jsonl; returns once it watches
start_logwatch() {
	local name=$1
	shift
	: >"$T/$name.jsonl"
	: >"$T/$name.err"
	"$LIFEBOAT" watch --alerts "$T/$name.jsonl" --json "$@" >"$T/$name.out" 2>"$T/$name.err" &
	WPID=$!
	PIDS="$PIDS $WPID"
	local deadline=$((SECONDS + 20))
	until grep -q "watch: watching" "$T/$name.err"; do
		if ! kill -0 "$WPID" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
			fail "watch --logs did not start: $(head -c 600 "$T/$name.err")"
			finish
		fi
		sleep 0.1
	done
}

stop_logwatch() {
	kill -TERM "$WPID" 2>/dev/null || true
	set +e
	wait "$WPID"
	set -e
}

sshline() { echo "$(date '+%b %e %H:%M:%S') ward-gw sshd[812]: $*"; }

# ---- 1. brute force, then a success -----------------------------------------------------------------------------
AUTH="$T/auth.log"
sshline "Server listening on 0.0.0.0 port 22." >"$AUTH"
for i in $(seq 1 25); do sshline "Failed password for root from 198.51.100.99 port $((40000 + i)) ssh2"; done >>"$AUTH"
start_logwatch bf --logs "$AUTH" --rules "$R"
CHECKS=$((CHECKS + 1))
grep -q "broken.yml:[0-9]" "$T/bf.err" || fail "the malformed rule is not named with file and line: $(cat "$T/bf.err")"
for i in $(seq 1 30); do
	sshline "Failed password for invalid user admin from 203.0.113.45 port $((50000 + i)) ssh2"
done >>"$AUTH"
CHECKS=$((CHECKS + 1))
wait_for "$T/bf.jsonl" "any(a.get('correlation',{}).get('type') == 'event_count' for a in al)" ||
	fail "no brute-force correlation alert"
sleep 1.5 # the other 10 failures are read by now: they must not raise a second alert
sshline "Accepted password for admin from 203.0.113.45 port 50999 ssh2" >>"$AUTH"
CHECKS=$((CHECKS + 1))
wait_for "$T/bf.jsonl" "any(a.get('correlation',{}).get('type') == 'temporal_ordered' for a in al)" ||
	fail "no alert for the success after the brute force"
# a second burst from another address, the log rotated in the middle of it (mv + a new file)
for i in $(seq 1 12); do sshline "Failed password for root from 192.0.2.77 port $((60000 + i)) ssh2"; done >>"$AUTH"
mv "$AUTH" "$AUTH.1"
sshline "Failed password for root from 192.0.2.77 port 60013 ssh2" >>"$AUTH.1" # the writer not reopened yet
for i in $(seq 14 30); do sshline "Failed password for root from 192.0.2.77 port $((60000 + i)) ssh2"; done >>"$AUTH"
CHECKS=$((CHECKS + 1))
wait_for "$T/bf.jsonl" "any(a.get('correlation',{}).get('group') == {'source_ip': '192.0.2.77'} for a in al)" ||
	fail "no brute-force alert across the rotation"
sleep 1.5
stop_logwatch
CHECKS=$((CHECKS + 1))
python3 - "$T/bf.jsonl" "$(realpath "$AUTH")" <<'PY' || fail "brute force alerts"
import json, sys
al = [json.loads(l) for l in open(sys.argv[1])]
corr = [a for a in al if "correlation" in a]
ec = [a for a in corr if a["correlation"]["type"] == "event_count" and "192.0.2.77" not in a["detail"]]
to = [a for a in corr if a["correlation"]["type"] == "temporal_ordered"]
assert len(ec) == 1, "event_count alerts: %d (the 25 old failures must not count: watch starts at the end)" % len(ec)
assert len(to) == 1, "temporal_ordered alerts: %d" % len(to)
a = ec[0]
assert a["correlation"]["group"] == {"source_ip": "203.0.113.45"}, a["correlation"]
assert a["severity"] == "high" and a["source"] == "logs", a
assert a["file"] == sys.argv[2] and a["path"] == sys.argv[2], a["file"]
# line 1 is the banner, 2-26 the old failures: the burst is lines 27-56, its 20th failure line 46
assert a["line"] == 46 and a["correlation"]["first_line"] == 27, (a["line"], a["correlation"])
assert a["title"] and a["title_ja"] and a["rule"] == "ad7f168d-f806-4056-8d63-6f4fc76f4c22", a
assert "203.0.113.45" in a["detail"], a["detail"]
b = to[0]
assert b["correlation"]["group"] == {"source_ip": "203.0.113.45"} and b["severity"] == "critical", b
assert b["line"] == 57, b["line"]
r = [a for a in corr if a["correlation"]["group"] == {"source_ip": "192.0.2.77"}]
assert len(r) == 1 and r[0]["correlation"]["count"] == 20, r
# 13 failures in the old file, then the new file's line 7 is the 20th
assert r[0]["line"] == 7 and r[0]["file"] == sys.argv[2], (r[0]["line"], r[0]["file"])
PY

# ---- 2. rotation, truncation, half lines --------------------------------------------------------------------------
APP="$T/app.log"
: >"$APP"
start_logwatch rot --logs "$APP" --rules "$R" --no-builtin --rate-limit -1 --format json
cat >"$T/writer.py" <<'PY'
import json, os, sys, time
path, alerts = sys.argv[1], sys.argv[2]
def caught_up(n, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        with open(alerts) as f:
            if sum(1 for l in f if '"test-probe"' in l) >= n:
                return
        time.sleep(0.05)
    sys.exit("watch did not catch up to %d lines" % n)
fd = os.open(path, os.O_WRONLY | os.O_APPEND)
for i in range(1, 1001):
    line = ('{"n":%d,"msg":"probe %d from 203.0.113.%d"}\n' % (i, i, i % 250)).encode()
    if i % 97 == 0:  # half a line, then the rest: it must be read as one line
        os.write(fd, line[:15]); time.sleep(0.15); os.write(fd, line[15:])
    else:
        os.write(fd, line)
    if i == 150:
        os.write(fd, b"this line is not JSON\n")
    if i == 300:  # rotation: rename, a few more lines into the old file, then a new file at the path
        os.rename(path, path + ".1")
    if i == 310:
        os.close(fd)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    if i == 700:  # copytruncate
        caught_up(700)
        os.truncate(path, 0)
    if i % 100 == 0:
        time.sleep(0.05)
os.close(fd)
PY
CHECKS=$((CHECKS + 1))
python3 "$T/writer.py" "$APP" "$T/rot.jsonl" || fail "writer"
CHECKS=$((CHECKS + 1))
wait_for "$T/rot.jsonl" "sum(a['rule'] == 'test-probe' for a in al) >= 1000" || fail "not every line alerted"
sleep 0.5
stop_logwatch
CHECKS=$((CHECKS + 1))
python3 - "$T/rot.jsonl" "$(realpath "$APP")" <<'PY' || fail "rotation: lines lost, repeated or misnumbered"
import json, re, sys
al = [json.loads(l) for l in open(sys.argv[1])]
pr = [a for a in al if a["rule"] == "test-probe"]
ns = [int(re.search(r"probe (\d+)", a["fields"]["msg"]).group(1)) for a in pr]
missing = sorted(set(range(1, 1001)) - set(ns))
assert ns == list(range(1, 1001)), "%d alerts, missing %s, %d repeated" % (len(ns), missing[:5], len(ns) - len(set(ns)))
by = {n: a for n, a in zip(ns, pr)}
assert by[1]["line"] == 1 and by[150]["line"] == 150 and by[151]["line"] == 152, [by[k]["line"] for k in (1, 150, 151)]
assert by[311]["line"] == 1 and by[700]["line"] == 390 and by[701]["line"] == 1, [by[k]["line"] for k in (311, 700, 701)]
assert all(a["file"] == sys.argv[2] for a in pr)
PY
CHECKS=$((CHECKS + 1))
grep -q "app.log:151: not a json line" "$T/rot.err" || fail "the malformed line is not named: $(head -5 "$T/rot.err")"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; s=json.loads(open(sys.argv[1]).read())["summary"]; assert s["logs"]["lines"] == 1001, s' \
	"$T/rot.out" || fail "summary line count: $(cat "$T/rot.out")"

# ---- 3. stdin, rate limit, de-duplication ------------------------------------------------------------------------
CHECKS=$((CHECKS + 1))
{
	sleep 0.5
	for i in $(seq 1 200); do echo "Dec  7 10:00:01 host app[1]: FLOODTEST user=u$i"; done
	for i in $(seq 1 5); do echo "Dec  7 10:00:02 host app[1]: DUPTEST again and again"; done
	sleep 1
} | timeout 20 "$LIFEBOAT" watch --logs - --rules "$R" --no-builtin --format syslog --for 3s --json \
	--alerts "$T/flood.jsonl" >"$T/flood.out" 2>"$T/flood.err" || [ $? -eq 1 ] ||
	fail "stdin watch: $(head -3 "$T/flood.err")"
CHECKS=$((CHECKS + 1))
python3 - "$T/flood.jsonl" "$T/flood.out" <<'PY' || fail "rate limit / de-duplication"
import json, sys
al = [json.loads(l) for l in open(sys.argv[1])]
fl = [a for a in al if a["rule"] == "test-flood"]
rl = [a for a in al if a["rule"] == "rate_limit"]
pr = [a for a in al if a["rule"] == "test-dup"]
assert len(fl) == 30, "flood alerts sent: %d (limit 30 a minute)" % len(fl)
assert all(a["file"] == "-" for a in fl) and fl[0]["line"] == 1, fl[0]
assert rl and rl[-1]["limited_rule"] == "test-flood" and rl[-1]["suppressed"] == 170, rl
assert len(pr) == 1, "identical alerts not de-duplicated: %d" % len(pr)
s = json.loads(open(sys.argv[2]).read())["summary"]
assert s["suppressed"] == 170 and s["logs"]["lines"] == 205, s
PY

# ---- 4. restart with --logs-state ---------------------------------------------------------------------------------
S="$T/logs.state"
: >"$APP"
start_logwatch st1 --logs "$APP" --rules "$R" --no-builtin --rate-limit -1 --format json --logs-state "$S"
for i in 1 2 3; do echo "{\"msg\":\"probe state $i\"}" >>"$APP"; done
CHECKS=$((CHECKS + 1))
wait_for "$T/st1.jsonl" "sum(a['rule'] == 'test-probe' for a in al) >= 3" || fail "state run 1"
sleep 1.5 # the position is saved once a second
stop_logwatch
for i in 4 5; do echo "{\"msg\":\"probe state $i\"}" >>"$APP"; done # written while watch was down
start_logwatch st2 --logs "$APP" --rules "$R" --no-builtin --rate-limit -1 --format json --logs-state "$S"
echo '{"msg":"probe state 6"}' >>"$APP"
CHECKS=$((CHECKS + 1))
wait_for "$T/st2.jsonl" "sum(a['rule'] == 'test-probe' for a in al) >= 3" 10 || fail "state run 2: lines missed"
sleep 0.5
stop_logwatch
CHECKS=$((CHECKS + 1))
python3 - "$T/st2.jsonl" <<'PY' || fail "restart with --logs-state"
import json, sys
al = [json.loads(l) for l in open(sys.argv[1]) if '"test-probe"' in l]
got = [a["fields"]["msg"] for a in al]
assert got == ["probe state 4", "probe state 5", "probe state 6"], got
assert [a["line"] for a in al] == [4, 5, 6], [a["line"] for a in al]
PY
# rotated while watch was down: the rest of the old file (now app.log.1) first, then the new file
for i in 7 8; do echo "{\"msg\":\"probe state $i\"}" >>"$APP"; done
mv "$APP" "$APP.1"
echo '{"msg":"probe state 9"}' >"$APP"
start_logwatch st3 --logs "$APP" --rules "$R" --no-builtin --rate-limit -1 --format json --logs-state "$S"
CHECKS=$((CHECKS + 1))
wait_for "$T/st3.jsonl" "sum(a['rule'] == 'test-probe' for a in al) >= 3" 10 || fail "state run 3: lines missed"
sleep 0.5
stop_logwatch
CHECKS=$((CHECKS + 1))
python3 - "$T/st3.jsonl" "$(realpath "$APP")" <<'PY' || fail "restart after a rotation with --logs-state"
import json, sys
al = [json.loads(l) for l in open(sys.argv[1]) if '"test-probe"' in l]
got = [(a["fields"]["msg"], a["file"], a["line"]) for a in al]
app = sys.argv[2]
assert got == [("probe state 7", app + ".1", 7), ("probe state 8", app + ".1", 8), ("probe state 9", app, 1)], got
PY

# ---- usage -------------------------------------------------------------------------------------------------------
run "$LIFEBOAT" watch --logs "$T/nonexistent.log"
expect_rc 2 "a log that does not exist"
expect_one_line_err "a log that does not exist"
run "$LIFEBOAT" watch --logs "$T"
expect_rc 2 "a folder as a log"
expect_one_line_err "a folder as a log"
run "$LIFEBOAT" watch --logs "$APP" --format nosuch
expect_rc 2 "an unknown --format"
expect_one_line_err "an unknown --format"
finish
