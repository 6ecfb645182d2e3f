#!/bin/bash
# vault_serve.sh - the vault server: a writer backs up through it without a passphrase; the server itself
# refuses unsigned requests, writer reads of packs, deletes and meta writes from writers, and objects whose
# name is not their hash; the admin restores, verifies and forgets through it.
source "$LB_SRC/tests/integration/lib/vault.sh"
R=$T/repo S=$T/src K=$T/w.key
mkdir -p "$S/d"
for i in 1 2 3 4; do head -c $((i * 50000)) /dev/urandom >"$S/d/f$i"; done
echo "紹介状" >"$S/紹介状.txt"
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault key add --repo "$R" --role writer --out "$K"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$LIFEBOAT" vault serve --repo "$R" --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true; wait $SPID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 50); do grep -q serving "$T/serve.out" && break; sleep 0.1; done
grep -q serving "$T/serve.out" || fail "server did not start: $(cat "$T/serve.out")"
U=http://127.0.0.1:$PORT/
w() { env -u LIFEBOAT_PASSPHRASE "$LIFEBOAT" "$@"; }

expect_exit 0 w vault backup --repo "$U" --key "$K" --json "$S"
ID=$(json_get "$T/out" "['snapshot']")
[ -f "$R/snapshots/$ID" ] || fail "the generation did not reach the repository"
echo more >"$S/d/f5"
expect_exit 0 w vault backup --repo "$U" --key "$K" "$S"
expect_exit 0 w vault snapshots --repo "$U" --key "$K" --json
expect_exit 0 w vault verify --repo "$U" --key "$K"
expect_exit 2 w vault verify --repo "$U" --key "$K" --read-data
grep -q "writer key cannot read packs" "$T/err" || fail "writer verify --read-data: $(cat "$T/err")"
for cmd in "restore latest --target $T/x" "forget --keep-last 1" "prune" "lock latest --until 2099-01-01" \
	"review latest --mark clean"; do
	# shellcheck disable=SC2086
	expect_exit 2 w vault $cmd --repo "$U" --key "$K"
done

# the server's own refusals, whatever the client
python3 - "$PORT" "$R" <<'PY' || fail "server accepted a forbidden request"
import hashlib, http.client, os, sys
port, repo = int(sys.argv[1]), sys.argv[2]
def req(m, path, body=b"", headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(m, path, body=body, headers=headers or {})
    r = c.getresponse()
    return r.status, r.read()
pack = next(os.path.join(dp, f)[len(repo) + 1:] for dp, _, fs in os.walk(os.path.join(repo, "data")) for f in fs)
snap = os.listdir(os.path.join(repo, "snapshots"))[0]
assert req("GET", "/obj/config")[0] == 200
assert req("GET", "/obj/" + pack)[0] == 401, "unsigned pack read"
assert req("GET", "/list/snapshots")[0] == 401, "unsigned list"
assert req("DELETE", "/obj/snapshots/" + snap)[0] == 401, "unsigned delete"
body = b"garbage"
name = hashlib.blake2b(body, digest_size=32).hexdigest()
assert req("PUT", "/obj/snapshots/" + name, body)[0] == 401, "unsigned put"
bad = {"X-Vault-Signer": "admin", "X-Vault-Time": "1", "X-Vault-Sig": "00" * 64}
assert req("DELETE", "/obj/snapshots/" + snap, headers=bad)[0] == 401, "forged admin signature"
assert req("GET", "/obj/../config")[0] in (400, 404)
PY
# requests signed with the writer's own key (a compromised production host speaking HTTP directly, signed
# here with openssl): the server itself refuses pack reads, deletes, meta records and misnamed objects
python3 - "$PORT" "$R" "$K" "$T" <<'PY' || fail "server let a writer-signed request through"
import hashlib, http.client, os, subprocess, sys, time
port, repo, keyfile, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
k = open(keyfile, "rb").read()
wid, seed = k[25:41].hex(), k[233:265]
open(os.path.join(tmp, "w.der"), "wb").write(bytes.fromhex("302e020100300506032b657004220420") + seed)
def req(m, path, body=b""):
    t = str(int(time.time() * 1000))
    msg = ("LBV1\n%s\n%s\n%s\n%s" % (m, path, t, hashlib.blake2b(body, digest_size=32).hexdigest())).encode()
    open(os.path.join(tmp, "msg"), "wb").write(msg)
    sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", os.path.join(tmp, "w.der"),
                          "-keyform", "DER", "-in", os.path.join(tmp, "msg")], capture_output=True, check=True).stdout
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = {"X-Vault-Signer": wid, "X-Vault-Time": t, "X-Vault-Sig": sig.hex()}
    if body:  # the body's hash goes in the head, so the server checks the signature before reading the body
        h["X-Vault-Body"] = hashlib.blake2b(body, digest_size=32).hexdigest()
    c.request(m, path, body=body, headers=h)
    r = c.getresponse()
    return r.status, r.read()
pack = next(os.path.join(dp, f)[len(repo) + 1:] for dp, _, fs in os.walk(os.path.join(repo, "data")) for f in fs)
snap = sorted(os.listdir(os.path.join(repo, "snapshots")))[0]
assert req("GET", "/list/snapshots")[0] == 200, "the writer's own signature is not accepted"
assert req("GET", "/obj/snapshots/" + snap)[0] == 200
assert req("GET", "/obj/" + pack)[0] == 403, "writer read a pack"
assert req("GET", "/obj/" + pack + "?off=0&len=89")[0] == 403, "writer read a pack range"
assert req("DELETE", "/obj/snapshots/" + snap)[0] == 403, "writer deleted a generation"
assert req("DELETE", "/obj/" + pack)[0] == 403, "writer deleted a pack"
body = b"LBVMETA1 forged lock removal"
assert req("PUT", "/obj/meta/" + hashlib.blake2b(body, digest_size=32).hexdigest(), body)[0] == 403, "writer wrote meta"
assert req("PUT", "/obj/snapshots/" + snap, b"replacement")[0] == 400, "writer overwrote a generation"
assert req("PUT", "/obj/config", b"x")[0] == 403, "writer replaced the config"
PY
[ "$(ls "$R/snapshots" | wc -l)" = 2 ] || fail "generations changed"

# the admin works through the server too
expect_exit 0 lb vault restore --repo "$U" "${ID:0:8}" --target "$T/r"
cmp "$S/d/f4" "$T/r$S/d/f4" || fail "restore through the server differs"
[ ! -e "$T/r$S/d/f5" ] || fail "restored the wrong generation"
expect_exit 0 lb vault verify --repo "$U" --read-data
expect_exit 0 lb vault lock --repo "$U" "${ID:0:8}" --until 2099-01-01
expect_exit 0 lb vault forget --repo "$U" --keep-last 1 --json
[ "$(ls "$R/snapshots" | wc -l)" = 2 ] || fail "forget through the server removed a locked generation"
echo "vault serve ok"
