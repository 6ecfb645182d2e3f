#!/bin/bash
# vault_writer.sh - a writer key (the production host's) adds generations without a passphrase but cannot read
# them back, forget, prune, lock, review or export; it cannot forge an admin record; a key of another repository
# is refused; the admin still can do all of it.
source "$LB_SRC/tests/integration/lib/vault.sh"
R=$T/repo S=$T/src K=$T/writer.key
mkdir -p "$S"
for i in 1 2 3; do echo "record $i" >"$S/r$i.txt"; done
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault key add --repo "$R" --role writer --out "$K"
[ "$(stat -c %a "$K")" = 600 ] || fail "writer key mode is $(stat -c %a "$K")"
expect_exit 2 lb vault key add --repo "$R" --role writer --out "$K"
grep -q "exists" "$T/err" || fail "key add over an existing file: $(cat "$T/err")"

# no passphrase anywhere in the writer's environment
w() { env -u LIFEBOAT_PASSPHRASE "$LIFEBOAT" "$@"; }
expect_exit 0 w vault backup --repo "$R" --key "$K" --json "$S"
ID=$(json_get "$T/out" "['snapshot']")
echo "record 4" >"$S/r4.txt"
expect_exit 0 w vault backup --repo "$R" --key "$K" --json "$S"
expect_exit 0 w vault snapshots --repo "$R" --key "$K" --json
[ "$(json_get "$T/out" "[0]['signer']")" != admin ] || fail "writer snapshot signed as admin"
expect_exit 0 w vault verify --repo "$R" --key "$K" --read-data

for cmd in "restore latest --target $T/x" "forget --keep-last 1" "prune" "lock latest --until 2099-01-01" \
	"review latest --mark clean" "export latest --to $T/exp" "key add --role writer --out $T/k2"; do
	# shellcheck disable=SC2086
	expect_exit 2 w vault $cmd --repo "$R" --key "$K"
	grep -q "writer key cannot" "$T/err" || fail "'vault $cmd' with a writer key: $(cat "$T/err")"
done
[ ! -e "$T/x" ] && [ ! -e "$T/exp" ] && [ ! -e "$T/k2" ] || fail "a refused command left files behind"
[ "$(ls "$R/snapshots" | wc -l)" = 2 ] || fail "generations changed under a writer key"

# the writer's packs are sealed to the admin: the key file holds no secret that opens them
python3 - "$K" "$R" <<'PY' || fail "writer key file layout"
import sys, os
k = open(sys.argv[1], "rb").read()
assert len(k) == 329 and k[:8] == b"LBVKEY01" and k[8] == 2
PY
# a record a writer could write by hand is refused: a forged meta file is not signed by the admin
cp "$K" "$R/meta/$(printf 'f%.0s' {1..64})"
expect_exit 1 lb vault verify --repo "$R"
grep -q "fail their signature" "$T/out" || fail "forged meta record not reported: $(cat "$T/out")"
chattr -i "$R/meta/"* 2>/dev/null || true
rm -f "$R/meta/$(printf 'f%.0s' {1..64})"

# the admin reads and manages everything
expect_exit 0 lb vault restore --repo "$R" "${ID:0:8}" --target "$T/r"
[ "$(cat "$T/r$S/r1.txt")" = "record 1" ] || fail "admin restore of a writer generation"
expect_exit 0 lb vault lock --repo "$R" "${ID:0:8}" --until 2099-01-01
expect_exit 0 lb vault forget --repo "$R" --keep-last 1 --json
python3 - "$T/out" "$ID" <<'PY' || fail "locked generation forgotten: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
k = {g["id"]: g for g in d["generations"]}
assert k[sys.argv[2]]["keep"] and "locked" in k[sys.argv[2]]["reason"], k
PY

# a key of another repository is refused
expect_exit 0 lb vault init --repo "$T/other"
expect_exit 0 lb vault key add --repo "$T/other" --role writer --out "$T/other.key"
expect_exit 2 w vault backup --repo "$R" --key "$T/other.key" "$S"
grep -q "another repository" "$T/err" || fail "foreign key: $(cat "$T/err")"
# revocation: the key stops working at once
expect_exit 0 lb vault key list --repo "$R"
WID=$(json_get "$T/out" "[0]['writer_id']")
expect_exit 0 lb vault key revoke --repo "$R" "$WID"
expect_exit 2 w vault backup --repo "$R" --key "$K" "$S"
grep -q "revoked" "$T/err" || fail "revoked key: $(cat "$T/err")"
expect_exit 0 lb vault key list --repo "$R"
[ "$(json_get "$T/out" "[0]['revoked']")" = True ] || fail "key list after revoke: $(cat "$T/out")"
echo "vault writer ok"
