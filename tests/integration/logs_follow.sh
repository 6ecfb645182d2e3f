#!/usr/bin/env bash
# `lifeboat logs parse --follow` while a writer process logs a burst of 3000 lines: mid-burst the log is rotated
# (renamed, the writer writes a few more lines to the old file, then reopens the path) and later truncated in place
# (copytruncate), and lines are written in two halves with a pause between. Every line must come out exactly once,
# in order: none lost, none repeated, no half line joined to another.
. "$LB_SRC/tests/integration/lib.bash"
set -e

L="$T/app.log"
: >"$L"
"$LIFEBOAT" logs parse --follow --json --format json "$L" >"$T/follow.out" 2>"$T/follow.err" &
READER=$!
trap 'kill $READER 2>/dev/null || true; lb_cleanup' EXIT

cat >"$T/writer.py" <<'PY'
import os, sys, time
path, out = sys.argv[1], sys.argv[2]
def caught_up(n, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        with open(out) as f:
            if sum(1 for _ in f) >= n:
                return
        time.sleep(0.02)
    sys.exit("reader did not catch up to %d lines" % n)
fd = os.open(path, os.O_WRONLY | os.O_APPEND)
for i in range(1, 3001):
    line = ('{"n":%d,"msg":"sshd Failed password for root from 203.0.113.%d"}\n' % (i, i % 250)).encode()
    if i % 97 == 0:  # a half-written line: the reader must hold it until the rest comes
        os.write(fd, line[:20]); time.sleep(0.15); os.write(fd, line[20:])
    else:
        os.write(fd, line)
    if i == 1000:  # rotation: rename, a few more lines into the old file, then the new file
        os.rename(path, path + ".1")
    if i == 1010:
        os.close(fd)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    if i == 2000:  # copytruncate: copy, truncate in place (what was not read yet is in the copy only, as with logrotate)
        caught_up(2000)
        os.truncate(path, 0)
    if i % 250 == 0:
        time.sleep(0.05)
os.close(fd)
PY
python3 "$T/writer.py" "$L" "$T/follow.out"

for _ in $(seq 1 300); do
	[ "$(wc -l <"$T/follow.out")" -ge 3000 ] && break
	sleep 0.1
done
sleep 0.3
kill "$READER"
wait "$READER" || true

CHECKS=$((CHECKS + 1))
python3 - "$T/follow.out" <<'PY' || fail "follow: lines lost, repeated or joined"
import json, sys
ns = [int(json.loads(l)["fields"]["n"]) for l in open(sys.argv[1])]
if ns != list(range(1, 3001)):
    missing = sorted(set(range(1, 3001)) - set(ns))
    dup = len(ns) - len(set(ns))
    sys.exit("got %d lines, %d missing (first %s), %d repeated" % (len(ns), len(missing), missing[:5], dup))
PY
CHECKS=$((CHECKS + 1))
grep -q warning "$T/follow.err" && fail "follow: warnings: $(head -3 "$T/follow.err")"
# line numbers start over in the new file after the rotation
CHECKS=$((CHECKS + 1))
python3 - "$T/follow.out" <<'PY' || fail "follow: line numbers"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev[999]["line"] == 1000 and ev[1009]["line"] == 1010, (ev[999]["line"], ev[1009]["line"])
assert ev[1010]["line"] == 1, ev[1010]["line"]
assert ev[2000]["line"] == 1, ev[2000]["line"]
PY
finish
