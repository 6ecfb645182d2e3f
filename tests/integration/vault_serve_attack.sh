#!/bin/bash
# vault_serve_attack.sh - a LAN client without any key cannot hold the vault server up: while 20 unauthenticated
# connections declare a 60 MB upload and trickle it (from 127.0.0.2) and 20 more trickle their request heads
# (from 127.0.0.3), a writer's backup through the server completes; a client whose connections are dropped
# tries again; and a client of a server that accepts but never answers stops with a clear error after its time
# limit instead of hanging. Every client run is boxed in
# `timeout`, so a hang fails the test rather than the CI job.
source "$LB_SRC/tests/integration/lib/vault.sh"
R=$T/repo S=$T/src K=$T/w.key
mkdir -p "$S"
for i in 1 2 3; do head -c $((i * 300000)) /dev/urandom >"$S/f$i"; done
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault key add --repo "$R" --role writer --out "$K"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
"$LIFEBOAT" vault serve --repo "$R" --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SPID=$!
APID= HPID=
stop_all() {
	for p in $APID $HPID $SPID; do kill "$p" 2>/dev/null || true; done
	for p in $APID $HPID $SPID; do wait "$p" 2>/dev/null || true; done
}
trap 'stop_all; cleanup' EXIT
for _ in $(seq 50); do grep -q serving "$T/serve.out" && break; sleep 0.1; done
grep -q serving "$T/serve.out" || fail "server did not start: $(cat "$T/serve.out")"
U=http://127.0.0.1:$PORT/
w() { env -u LIFEBOAT_PASSPHRASE timeout 120 "$LIFEBOAT" "$@"; }

# the attackers: each thread reconnects whenever the server drops it, for as long as the script runs
python3 - "$PORT" "$T/attack.ready" <<'PY' >"$T/attack.log" 2>&1 &
import socket, sys, threading, time
port, ready = int(sys.argv[1]), sys.argv[2]
started = [0]
lock = threading.Lock()
def attacker(src, head, trickle):
    first = True
    while True:
        try:
            s = socket.socket()
            s.bind((src, 0))
            s.connect(("127.0.0.1", port))
            s.sendall(head)
            if first:
                with lock:
                    started[0] += 1
                first = False
            while True:
                s.sendall(trickle)
                time.sleep(1)
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
body = b"PUT /obj/data/00/" + b"0" * 64 + b" HTTP/1.1\r\nHost: vault\r\nContent-Length: 62914560\r\n\r\n"
slow = b"GET /obj/config HTTP/1.1\r\nHost: vault\r\n"
for i in range(20):
    threading.Thread(target=attacker, args=("127.0.0.2", body, b"x"), daemon=True).start()
    threading.Thread(target=attacker, args=("127.0.0.3", slow, b"X-Slow: 1\r\n"), daemon=True).start()
while started[0] < 40:
    time.sleep(0.05)
open(ready, "w").write("attacking\n")
while True:
    time.sleep(1)
PY
APID=$!
for _ in $(seq 200); do [ -e "$T/attack.ready" ] && break; sleep 0.1; done
[ -e "$T/attack.ready" ] || fail "the attack did not start: $(cat "$T/attack.log")"

# during the attack: a writer backs up, and the generation is in the repository
expect_exit 0 w vault backup --repo "$U" --key "$K" --json "$S"
ID=$(json_get "$T/out" "['snapshot']")
[ -f "$R/snapshots/$ID" ] || fail "the generation did not reach the repository"
kill -0 "$APID" 2>/dev/null || fail "the attack stopped before the backup ended: $(cat "$T/attack.log")"
expect_exit 0 w vault snapshots --repo "$U" --key "$K" --json
kill "$APID" 2>/dev/null || true
wait "$APID" 2>/dev/null || true
APID=
expect_exit 0 lb vault restore --repo "$R" "${ID:0:8}" --target "$T/r"
cmp "$S/f3" "$T/r$S/f3" || fail "the generation taken during the attack does not restore"

# the two limits on their own: a 17th connection from one address is closed at once while 16 are open, and a
# connection that trickles its head is closed by the server (here within a minute; the deadline is 10 s)
python3 - "$PORT" <<'PY' || fail "a connection limit does not hold"
import select, socket, sys, time
port = int(sys.argv[1])
held = []
for i in range(17):
    s = socket.socket()
    s.bind(("127.0.0.4", 0))
    s.connect(("127.0.0.1", port))
    held.append(s)
# whichever one the server took last is closed at once (the others wait for their head, up to 10 s)
r, _, _ = select.select(held, [], [], 5)
def gone(s):
    try:
        return s.recv(100) == b""
    except ConnectionResetError:
        return True
assert any(gone(s) for s in r), "17 connections from one address were all kept open"
for s in held:
    s.close()
s = socket.socket()
s.bind(("127.0.0.5", 0))
s.connect(("127.0.0.1", port))
s.sendall(b"GET /obj/config HTTP/1.1\r\nHost: vault\r\n")
s.settimeout(1)
closed = False
for _ in range(60):
    try:
        s.sendall(b"X-Slow: 1\r\n")
        if s.recv(100) == b"":
            closed = True
            break
    except socket.timeout:
        continue
    except OSError:
        closed = True
        break
assert closed, "a connection trickling its head was kept open for a minute"
PY

# a server that drops connections now and then (here: the first three through a proxy): requests that are safe
# to repeat are tried again with back-off, so the writer's commands still work
PPORT=$(free_port)
python3 - "$PPORT" "$PORT" "$T/proxy.ready" <<'PY' &
import socket, sys, threading
lport, port, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", lport))
ls.listen(64)
open(ready, "w").write("listening\n")
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        try:
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass
n = 0
while True:
    c, _ = ls.accept()
    n += 1
    if n <= 3:  # dropped before a byte of the answer
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")  # a reset
        c.close()
        continue
    u = socket.create_connection(("127.0.0.1", port))
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    threading.Thread(target=pump, args=(u, c), daemon=True).start()
PY
HPID=$!
for _ in $(seq 50); do [ -e "$T/proxy.ready" ] && break; sleep 0.1; done
expect_exit 0 w vault snapshots --repo "http://127.0.0.1:$PPORT/" --key "$K" --json
[ "$(json_get "$T/out" "[0]['id']")" = "$ID" ] || fail "snapshots through a dropping proxy: $(cat "$T/out")"
kill "$HPID" 2>/dev/null || true
wait "$HPID" 2>/dev/null || true
HPID=

# a server that accepts connections and never answers: the client gives up with a clear error
HPORT=$(free_port)
python3 - "$HPORT" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)  # the kernel completes the connections; nobody reads them
while True:
    time.sleep(1)
PY
HPID=$!
for _ in $(seq 50); do python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$HPORT" 2>/dev/null && break; sleep 0.1; done
set +e
LIFEBOAT_VAULT_TIMEOUT=2 w vault snapshots --repo "http://127.0.0.1:$HPORT/" --key "$K" >"$T/out" 2>"$T/err"
got=$?
set -e
[ "$got" = 2 ] || fail "a client of a hung server exited $got (124: it hung), wanted 2; stderr: $(cat "$T/err")"
grep -q "did not answer within 2 s" "$T/err" || fail "no clear error for a hung server: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] || fail "the error is not one line: $(cat "$T/err")"
echo "vault serve under attack ok"
