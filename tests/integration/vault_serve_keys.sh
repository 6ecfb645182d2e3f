#!/bin/bash
# vault_serve_keys.sh - the vault server hands the admin key file to nobody who cannot prove the passphrase:
# unsigned and writer-signed requests for keys/admin (and keys/admin.auth) are refused and carry no byte of
# it; only its head (salt and Argon2id limits: nothing to guess a passphrase against) is public. The admin still
# opens the repository through the server with the passphrase alone; a wrong passphrase is told as such; a
# repository made before keys/admin.auth existed gets it from the admin's next open on the vault host.
source "$LB_SRC/tests/integration/lib/vault.sh"
R=$T/repo S=$T/src K=$T/w.key
mkdir -p "$S"
head -c 100000 /dev/urandom >"$S/f"
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault key add --repo "$R" --role writer --out "$K"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$LIFEBOAT" vault serve --repo "$R" --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true; wait $SPID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 50); do grep -q serving "$T/serve.out" && break; sleep 0.1; done
grep -q serving "$T/serve.out" || fail "server did not start: $(cat "$T/serve.out")"
U=http://127.0.0.1:$PORT/

python3 - "$PORT" "$R" "$K" "$T" <<'PY' || fail "the server handed out a key file"
import hashlib, http.client, os, subprocess, sys, time
port, repo, keyfile, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
admin = open(os.path.join(repo, "keys/admin"), "rb").read()
auth = open(os.path.join(repo, "keys/admin.auth"), "rb").read() if os.path.exists(os.path.join(repo, "keys/admin.auth")) else b"\0" * 40
k = open(keyfile, "rb").read()
wid = k[25:41].hex()
def req(m, path, signed=False, signer=None, seed=None):
    h = {}
    if signed:  # signed with the writer's own key, as a compromised production host could, or with a guess
        signer, seed = signer or wid, seed or k[233:265]
        open(os.path.join(tmp, "w.der"), "wb").write(bytes.fromhex("302e020100300506032b657004220420") + seed)
        t = str(int(time.time() * 1000))
        msg = ("LBV1\n%s\n%s\n%s\n%s" % (m, path, t, hashlib.blake2b(b"", digest_size=32).hexdigest())).encode()
        open(os.path.join(tmp, "msg"), "wb").write(msg)
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", os.path.join(tmp, "w.der"),
                              "-keyform", "DER", "-in", os.path.join(tmp, "msg")],
                             capture_output=True, check=True).stdout
        h = {"X-Vault-Signer": signer, "X-Vault-Time": t, "X-Vault-Sig": sig.hex()}
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(m, path, headers=h)
    r = c.getresponse()
    return r.status, r.read()
def leaks(body):  # any 16 bytes of the sealed part of the key file, or of the fetch key's public half
    return any(admin[i:i + 16] in body for i in range(57, len(admin) - 16)) or auth[8:24] in body
for signed, want in ((False, 401), (True, 403)):
    for path in ("/obj/keys/admin", "/obj/keys/admin?off=0&len=329", "/obj/keys/admin?off=57&len=272",
                 "/obj/keys/admin.auth", "/obj/keys/admin.auth?off=0&len=40"):
        st, body = req("GET", path, signed)
        assert st == want, (path, "signed" if signed else "unsigned", st)
        assert not leaks(body), (path, "leaked key bytes")
# a passphrase "proof" signed with a key not derived from the passphrase is refused too
st, body = req("GET", "/obj/keys/admin", True, "passphrase", os.urandom(32))
assert st == 401 and not leaks(body), ("forged passphrase proof", st)
# the head alone is public: magic, role, repo id, Argon2id limits, salt
st, body = req("GET", "/obj/keys/admin?off=0&len=57")
assert st == 200 and body == admin[:57], ("head", st, len(body))
PY
[ -f "$R/keys/admin.auth" ] || fail "vault init wrote no keys/admin.auth"

# the admin opens the repository through the server with the passphrase alone; a writer backup works as before
expect_exit 0 env -u LIFEBOAT_PASSPHRASE "$LIFEBOAT" vault backup --repo "$U" --key "$K" "$S"
expect_exit 0 lb vault snapshots --repo "$U" --json
[ "$(json_get "$T/out" "[0]['files']")" = 1 ] || fail "admin snapshots through the server: $(cat "$T/out")"
expect_exit 2 env LIFEBOAT_PASSPHRASE=wrong-passphrase "$LIFEBOAT" vault snapshots --repo "$U"
grep -q "wrong passphrase" "$T/err" || fail "wrong passphrase through the server: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] || fail "not one line: $(cat "$T/err")"
grep -q "keys/admin from 127.0.0.1 with a wrong passphrase" "$T/serve.out" || fail "the guess is not logged"

# a repository from before keys/admin.auth: the server refuses the passphrase and says what to do; the admin's
# next open on the vault host adds the file, and the passphrase works through the server again
chmod u+w "$R/keys"
rm -f "$R/keys/admin.auth"
expect_exit 2 lb vault snapshots --repo "$U"
grep -q "keys/admin.auth" "$T/err" || fail "no hint for an old repository: $(cat "$T/err")"
expect_exit 0 lb vault snapshots --repo "$R"
[ -f "$R/keys/admin.auth" ] || fail "a local admin open did not add keys/admin.auth"
expect_exit 0 lb vault snapshots --repo "$U"

# an export carries keys/admin.auth, so that the copy can be served
expect_exit 0 lb vault export --repo "$R" latest --to "$T/exp"
cmp "$R/keys/admin.auth" "$T/exp/keys/admin.auth" || fail "export left out keys/admin.auth"
expect_exit 0 lb vault verify --repo "$T/exp"
echo "vault serve keys ok"
