#!/usr/bin/env bash
# station_attack.sh - one LAN client cannot take the station down (issue 13): while one address (127.0.0.3) holds
# 1,100 connections open and trickles a header line on each every 3 s (reconnecting whenever it is dropped), a
# second address (127.0.0.2) gets /healthz and the login page answered, and a user logs in from 127.0.0.1. Then the
# limits one by one: a connection over the per-address cap is closed at once, a head trickled one line every 2 s
# and a body trickled one byte every 2 s are cut by the server, and the station's log is not flooded. Every client
# is boxed in a time limit, so a hang fails the test instead of holding the CI job.
. "$LB_SRC/tests/integration/lib.bash"
set -e
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
. "$LB_SRC/tests/integration/station_lib.bash"

run "$LIFEBOAT" synth --out "$T/h" --patients 20 --seed 5
expect_rc 0 "synth"
DB="$T/clinical.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --appointments "$T/h/appointments.csv"
CHECKS=$((CHECKS + 1))
[ "$RC" -le 1 ] || fail "ingest: exit $RC: $(head -c 300 "$T/err")"
PW='correct horse battery'
run "$LIFEBOAT" user add --db "$DB" --name nurse1 --role nurse <<<"$PW"
expect_rc 0 "user add"
start_server
PORT=${U##*:}
APID=""
trap 'if [ -n "$APID" ]; then kill "$APID" 2>/dev/null; wait "$APID" 2>/dev/null; fi; if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; fi; lb_cleanup' EXIT

# ---- the attack: 1,100 slow connections from one address --------------------------------------------------------
python3 - "$PORT" "$T/attack.ready" <<'PY' >"$T/attack.log" 2>&1 &
import resource, selectors, socket, sys, time
port, ready = int(sys.argv[1]), sys.argv[2]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
N = 1100
sel = selectors.DefaultSelector()
slots = [None] * N          # socket or None
retry = [0.0] * N           # when a dropped slot connects again
nxt = [0.0] * N             # when the slot sends its next header line
attempts = drops = 0
def drop(i):
    global drops
    s = slots[i]
    try:
        sel.unregister(s)
    except Exception:
        pass
    s.close()
    slots[i] = None
    retry[i] = time.time() + 2
    drops += 1
start = last = time.time()
said = False
while True:
    now = time.time()
    for i in range(N):
        if slots[i] is None and now >= retry[i]:
            s = socket.socket()
            s.bind(("127.0.0.3", 0))
            s.settimeout(0.5)
            attempts += 1
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: station\r\n")
            except OSError:
                s.close()
                retry[i] = time.time() + 2
                continue
            s.setblocking(False)
            slots[i] = s
            nxt[i] = now + 3
            sel.register(s, selectors.EVENT_READ, i)
        elif slots[i] is not None and now >= nxt[i]:
            try:
                slots[i].send(b"X-Slow: 1\r\n")
                nxt[i] = now + 3
            except OSError:
                drop(i)
    for key, _ in sel.select(0.2):
        i = key.data
        try:
            if slots[i].recv(4096) == b"":
                drop(i)
        except BlockingIOError:
            pass
        except OSError:
            drop(i)
    if not said and attempts >= N and time.time() - start > 3:
        open(ready, "w").write("%d open\n" % sum(s is not None for s in slots))
        said = True
    if now - last >= 5:
        last = now
        print("%.0f s: %d connections open, %d attempts, %d dropped by the server" %
              (now - start, sum(s is not None for s in slots), attempts, drops), flush=True)
PY
APID=$!
for _ in $(seq 1 300); do [ -e "$T/attack.ready" ] && break; sleep 0.1; done
[ -e "$T/attack.ready" ] || fail "the attack did not start: $(cat "$T/attack.log")"

# during the attack: another address is answered, and a user logs in
for n in 1 2 3 4 5; do
	req "health$n" --interface 127.0.0.2 "$U/healthz" || true
	expect_status 200 "/healthz from 127.0.0.2 during the attack (try $n; $(tail -1 "$T/attack.log"))"
	sleep 1
done
req login2 --interface 127.0.0.2 "$U/login" || true
expect_status 200 "the login page from 127.0.0.2 during the attack"
login "$T/jar" nurse1 "$PW" || true
expect_status 303 "a user logs in from 127.0.0.1 during the attack"
kill -0 "$APID" 2>/dev/null || fail "the attack stopped before the checks ended: $(cat "$T/attack.log")"
echo "attack: $(cat "$T/attack.ready"); $(tail -1 "$T/attack.log")"
kill "$APID" 2>/dev/null || true
wait "$APID" 2>/dev/null || true
APID=""

# ---- the limits one by one ---------------------------------------------------------------------------------------
python3 - "$PORT" <<'PY' >"$T/limits.log" 2>&1 || fail "a limit does not hold: $(cat "$T/limits.log")"
import select, socket, sys, threading, time
port = int(sys.argv[1])
# 1. 80 silent connections from one address: those over the cap of 64 are closed at once (the others would wait
#    for their head, 10 s)
held = []
for i in range(80):
    s = socket.socket()
    s.bind(("127.0.0.4", 0))
    s.connect(("127.0.0.1", port))
    held.append(s)
closed = set()
end = time.time() + 5
while time.time() < end and len(closed) < 16:
    r, _, _ = select.select([s for s in held if s not in closed], [], [], 0.5)
    for s in r:
        try:
            if s.recv(100) == b"":
                closed.add(s)
        except OSError:
            closed.add(s)
print("per-address cap: %d of 80 connections closed at once" % len(closed))
assert len(closed) >= 16, "only %d of 80 connections from one address were closed (cap 64)" % len(closed)
for s in held:
    s.close()
# 2. a head trickled one line every 2 s, and 3. a body (Content-Length 4000) trickled one byte every 2 s: the
#    server cuts both (deadlines 10 s and 10 + 20 s) long before the minute this waits
result = {}
def trickle(name, src, head, piece):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(head)
    s.settimeout(2)
    t0 = time.time()
    while time.time() - t0 < 60:
        try:
            s.sendall(piece)
            d = s.recv(100)
            if d == b"" or d.startswith(b"HTTP/"):
                result[name] = (time.time() - t0, d[:12])
                return
        except socket.timeout:
            continue
        except OSError:
            result[name] = (time.time() - t0, b"")
            return
    result[name] = None
ts = [threading.Thread(target=trickle, args=("head", "127.0.0.5", b"GET /healthz HTTP/1.1\r\nHost: station\r\n",
                                             b"X-Slow: 1\r\n")),
      threading.Thread(target=trickle, args=("body", "127.0.0.6",
                                             b"POST /login HTTP/1.1\r\nHost: station\r\nContent-Length: 4000\r\n"
                                             b"Content-Type: application/x-www-form-urlencoded\r\n\r\n", b"a"))]
for t in ts:
    t.start()
for t in ts:
    t.join()
for k in ("head", "body"):
    r = result.get(k)
    assert r is not None, "a connection trickling its %s was kept open for a minute" % k
    assert not r[1].startswith(b"HTTP/"), "the trickled %s was answered %r instead of cut" % (k, r[1])
    print("trickled %s: cut after %.1f s" % (k, r[0]))
PY
cat "$T/limits.log"

# after all that: still answering, the log not flooded, a clean stop
req after "$U/healthz"
expect_status 200 "/healthz after the attack"
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$T/srv.err")" -lt 200 ] || fail "the station's log was flooded: $(wc -l <"$T/srv.err") lines: $(head -5 "$T/srv.err")"
stop_server
finish
