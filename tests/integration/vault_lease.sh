#!/bin/bash
# vault_lease.sh - repository locks through the vault server (docs §7): a backup through `vault serve` holds a
# lease that is a real flock on REPO/lock, so a prune on the vault host is refused while it runs (and the backup
# then verifies); a lock held on the vault host makes a remote backup fail "repository is locked" with nothing
# written; writers cannot take exclusive leases; unknown, released and expired leases are refused; a signed
# request sent a second time (a replay) is refused.
source "$LB_SRC/tests/integration/lib/vault.sh"
command -v flock >/dev/null || fail "flock (util-linux) is needed"
R=$T/repo S=$T/src K=$T/w.key
mkdir -p "$S/small" "$S/big"
echo "紹介状" >"$S/small/紹介状.txt"
for i in $(seq 12); do head -c $((4 << 20)) /dev/urandom >"$S/big/img$i.dcm"; done
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault key add --repo "$R" --role writer --out "$K"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; cleanup' EXIT
serve() { # serve LOG [options…]: start a server on a free port, set PORT
	local log=$1
	shift
	PORT=$(free_port)
	"$LIFEBOAT" vault serve --repo "$R" --listen "127.0.0.1:$PORT" "$@" >>"$log" 2>&1 </dev/null & # appends: the test empties it
	PIDS+=($!)
	for _ in $(seq 100); do grep -q serving "$log" && break; sleep 0.1; done
	grep -q serving "$log" || fail "server did not start: $(cat "$log")"
}
serve "$T/serve.log"
U=http://127.0.0.1:$PORT/
w() { env -u LIFEBOAT_PASSPHRASE "$LIFEBOAT" "$@"; }
nsnap() { find "$R/snapshots" -type f 2>/dev/null | wc -l; }
hold() { # hold MODE: a flock on REPO/lock from another process (as a command on the vault host would), until unhold
	rm -f "$T/held"
	(
		exec 9>>"$R/lock" </dev/null >/dev/null
		flock "$1" 9
		touch "$T/held"
		exec sleep 300 # the same process: killing it releases the lock
	) &
	HOLDER=$!
	PIDS+=($HOLDER)
	for _ in $(seq 100); do [ -e "$T/held" ] && break; sleep 0.05; done
	[ -e "$T/held" ] || fail "flock did not take the lock"
}
unhold() {
	kill "$HOLDER"
	wait "$HOLDER" 2>/dev/null || true
}

expect_exit 0 w vault backup --repo "$U" --key "$K" "$S/small"
grep -qE "lease [0-9a-f]{8} shared \([0-9a-f]{32}\) taken" "$T/serve.log" || fail "no lease taken: $(cat "$T/serve.log")"
grep -qE "lease [0-9a-f]{8} shared \([0-9a-f]{32}\) released" "$T/serve.log" || fail "lease not released"

# 1. the vault host holds the lock exclusively (a prune there): a remote backup fails as a local one does
hold -x
set +e
lb vault backup --repo "$R" "$S/small" >/dev/null 2>"$T/err"
LOCKED=$?
set -e
grep -q "repository is locked" "$T/err" || fail "local backup under a held lock: $(cat "$T/err")"
[ "$LOCKED" != 0 ] || fail "a local backup ran under an exclusive lock"
before=$(nsnap)
expect_exit "$LOCKED" w vault backup --repo "$U" --key "$K" "$S"
grep -q "repository is locked" "$T/err" || fail "remote backup under a held lock: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] || fail "more than one line for a locked repository: $(cat "$T/err")"
[ "$(nsnap)" = "$before" ] || fail "a generation was written under a held lock"
unhold
# and a shared holder (a local backup) keeps a remote admin prune and forget out
hold -s
expect_exit "$LOCKED" lb vault prune --repo "$U"
grep -q "repository is locked" "$T/err" || fail "remote prune beside a local backup: $(cat "$T/err")"
expect_exit "$LOCKED" lb vault forget --repo "$U" --keep-last 1
grep -q "repository is locked" "$T/err" || fail "remote forget beside a local backup: $(cat "$T/err")"
expect_exit 0 w vault backup --repo "$U" --key "$K" "$S/small" # shared beside shared
unhold

# 2. a remote backup holds its lease: a prune on the vault host is refused, the backup completes and verifies.
# The backup is stopped (SIGSTOP) once the server reports its lease: it cannot release it while stopped, and the
# lease lives 120 s without refreshes, so the prune below meets it whatever the machine's speed.
before=$(nsnap)
: >"$T/serve.log"
w vault backup --repo "$U" --key "$K" --json "$S" >"$T/bk.out" 2>"$T/bk.err" &
BK=$!
PIDS+=($BK)
for _ in $(seq 600); do grep -qE "lease [0-9a-f]{8} shared .* taken" "$T/serve.log" && break; sleep 0.02; done
kill -STOP "$BK"
LID=$(grep -oE "lease [0-9a-f]{8} shared .* taken" "$T/serve.log" | head -1 | cut -d' ' -f2)
[ -n "$LID" ] || fail "the server never reported the backup's lease: $(cat "$T/serve.log")"
grep -q "lease $LID .* released" "$T/serve.log" && fail "the backup ended before the test could stop it: make the tree bigger"
expect_exit "$LOCKED" lb vault prune --repo "$R"
grep -q "repository is locked" "$T/err" || fail "local prune beside a remote backup: $(cat "$T/err")"
expect_exit "$LOCKED" lb vault forget --repo "$R" --keep-last 1 --prune
kill -CONT "$BK"
wait "$BK" || fail "the remote backup failed after the refused prune: $(cat "$T/bk.err")"
grep -q "lease $LID .* released" "$T/serve.log" || fail "the backup did not release its lease"
[ "$(nsnap)" = $((before + 1)) ] || fail "the remote backup left no generation"
expect_exit 0 lb vault prune --repo "$R"
expect_exit 0 lb vault verify --repo "$R" --read-data
expect_exit 0 lb vault restore --repo "$R" latest --target "$T/r"
same_tree "$S" "$T/r$S" noatime || fail "restore after the lease differs"

# 3. the server's own rules, with requests signed here by the writer key (a client speaking HTTP directly)
P1=$PORT
serve "$T/serve2.log" --lease-ttl 1
PORT2=$PORT PORT=$P1
python3 - "$PORT" "$PORT2" "$R" "$K" "$T" <<'PY' || fail "the server let a bad lease or a replay through"
import fcntl, hashlib, http.client, os, secrets, subprocess, sys, time
port, port2, repo, keyfile, tmp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
k = open(keyfile, "rb").read()
wid, seed = k[25:41].hex(), k[233:265]
open(os.path.join(tmp, "w.der"), "wb").write(bytes.fromhex("302e020100300506032b657004220420") + seed)
def sign(m, path, body=b"", lease=None, nonce=None):
    t = str(int(time.time() * 1000))
    msg = "LBV1\n%s\n%s\n%s\n%s" % (m, path, t, hashlib.blake2b(body, digest_size=32).hexdigest())
    h = {"X-Vault-Signer": wid, "X-Vault-Time": t}
    if body:  # the body's hash goes in the head, so the server checks the signature before reading the body
        h["X-Vault-Body"] = hashlib.blake2b(body, digest_size=32).hexdigest()
    if lease:
        msg += "\nlease " + lease
        h["X-Vault-Lease"] = lease
    if nonce:
        msg += "\nnonce " + nonce
        h["X-Vault-Nonce"] = nonce
    open(os.path.join(tmp, "msg"), "wb").write(msg.encode())
    sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", os.path.join(tmp, "w.der"),
                          "-keyform", "DER", "-in", os.path.join(tmp, "msg")], capture_output=True, check=True).stdout
    h["X-Vault-Sig"] = sig.hex()
    return h
def send(m, path, headers, body=b"", p=port):
    c = http.client.HTTPConnection("127.0.0.1", p, timeout=10)
    c.request(m, path, body=body, headers=headers)
    r = c.getresponse()
    return r.status, r.read().decode()
def req(m, path, body=b"", lease=None, p=port):
    return send(m, path, sign(m, path, body, lease, secrets.token_hex(16)), body, p)

st, msg = req("POST", "/lease/exclusive")
assert st == 403 and "exclusive" in msg, ("writer took an exclusive lease", st, msg)
st, msg = req("POST", "/lease/shared")
assert st == 200, ("writer cannot take a shared lease", st, msg)
lid, ttl = msg.split()
assert len(lid) == 32 and int(ttl) == 120000, msg
assert req("GET", "/list/snapshots", lease=lid)[0] == 200, "a request under a live lease refused"
bogus = secrets.token_hex(16)
assert req("PUT", "/lease/" + bogus)[0] == 410, "refresh of an unknown lease"
assert req("DELETE", "/lease/" + bogus)[0] == 410, "release of an unknown lease"
st, msg = req("GET", "/list/snapshots", lease=bogus)
assert st == 410 and "lease" in msg, ("a request under an unknown lease", st, msg)
body = b"not under any lease"
st, _ = req("PUT", "/obj/snapshots/" + hashlib.blake2b(body, digest_size=32).hexdigest(), body, lease=bogus)
assert st == 410, ("a write under an unknown lease", st)
assert req("PUT", "/lease/" + lid)[0] == 200, "refresh of a live lease"
# the lease holds a real flock: an exclusive lock on the vault host is refused while it lives
fd = os.open(os.path.join(repo, "lock"), os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    raise AssertionError("the lease holds no flock on REPO/lock")
except BlockingIOError:
    pass
assert req("DELETE", "/lease/" + lid)[0] == 200, "release"
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released: the lock is free again
fcntl.flock(fd, fcntl.LOCK_UN)
assert req("PUT", "/lease/" + lid)[0] == 410, "refresh of a released lease"
assert req("GET", "/list/snapshots", lease=lid)[0] == 410, "a request under a released lease"

# expiry (the second server drops leases not refreshed within 1 s): wait until the flock is free, then the
# lease and everything under it is refused
st, msg = req("POST", "/lease/shared", p=port2)
assert st == 200, (st, msg)
lid2 = msg.split()[0]
for _ in range(600):
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        break
    except BlockingIOError:
        time.sleep(0.05)
else:
    raise AssertionError("an abandoned lease never expired")
fcntl.flock(fd, fcntl.LOCK_UN)
st, msg = req("GET", "/list/snapshots", lease=lid2, p=port2)
assert st == 410 and "expired" in msg, ("a request under an expired lease", st, msg)
assert req("PUT", "/lease/" + lid2, p=port2)[0] == 410, "refresh of an expired lease"

# replay: the same signed request (same headers, same body) a second time, with and without a nonce
for nonce in (None, secrets.token_hex(16)):
    h = sign("GET", "/list/snapshots", nonce=nonce)
    assert send("GET", "/list/snapshots", h)[0] == 200, "a fresh signed request refused"
    st, msg = send("GET", "/list/snapshots", h)
    assert st == 401 and "replay" in msg, ("a replayed request accepted", st, msg)
body = b"replayed object"
path = "/obj/snapshots/" + hashlib.blake2b(body, digest_size=32).hexdigest()
# generations, indexes and packs are written only under a lease: without one the server refuses (428)
st, msg = req("PUT", path, body)
assert st == 428 and "lease" in msg, ("a write without a lease accepted", st, msg)
assert not os.path.exists(os.path.join(repo, path[5:])), "a write without a lease left an object"
st, msg = req("POST", "/lease/shared")
assert st == 200, ("writer cannot take a shared lease", st, msg)
lid3 = msg.split()[0]
h = sign("PUT", path, body, lease=lid3, nonce=secrets.token_hex(16))
assert send("PUT", path, h, body)[0] == 200
assert send("PUT", path, h, body)[0] == 401, "a replayed write accepted"
assert req("DELETE", "/lease/" + lid3)[0] == 200
os.remove(os.path.join(repo, path[5:]))
PY
# a client that stops refreshing loses its lease: its next request fails, nothing is written under it
grep -qE "lease [0-9a-f]{8} shared .* expired" "$T/serve2.log" || fail "the server did not log the expiry"
# the short-lived server: an ordinary backup keeps its lease by refreshing it (several times a second here)
U2=http://127.0.0.1:$PORT2/
expect_exit 0 w vault backup --repo "$U2" --key "$K" "$S/small"
expect_exit 0 lb vault verify --repo "$R" --read-data
echo "vault lease ok"
