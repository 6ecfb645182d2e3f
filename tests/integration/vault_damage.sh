#!/bin/bash
# vault_damage.sh - an exported medium verifies and restores on its own (the source repository gone); a byte
# flipped in a pack, an index, a snapshot or the config is found by 'verify --read-data' (exit 1), with the
# files that can no longer be restored named.
source "$LB_SRC/tests/integration/lib/vault.sh"
R=$T/repo S=$T/src M=$T/medium
mkdir -p "$S/a" "$S/b"
for i in $(seq 1 20); do head -c $((i * 7000)) /dev/urandom >"$S/a/f$i.bin"; done
python3 -c 'print("\n".join("OBX|%d|NM|GLU||%d|mg/dL" % (i, i % 300) for i in range(200000)))' >"$S/b/results.hl7"
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault backup --repo "$R" --json "$S"
ID=$(json_get "$T/out" "['snapshot']")
echo extra >"$S/a/new.txt"
expect_exit 0 lb vault backup --repo "$R" "$S"

# export the first generation, then make the source repository unreachable
expect_exit 0 lb vault export --repo "$R" "${ID:0:8}" --to "$M" --json
[ -f "$M/MANIFEST" ] || fail "no MANIFEST on the medium"
mv "$R" "$T/away"
expect_exit 0 lb vault verify --repo "$M" --read-data
expect_exit 0 lb vault snapshots --repo "$M" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [x["id"] for x in d] == [sys.argv[2]]' "$T/out" "$ID" || fail "medium lists $(cat "$T/out")"
expect_exit 0 lb vault restore --repo "$M" latest --target "$T/r"
[ -f "$T/r$S/a/f20.bin" ] && [ ! -e "$T/r$S/a/new.txt" ] || fail "medium restored the wrong generation"
cmp "$S/b/results.hl7" "$T/r$S/b/results.hl7" || fail "medium restore differs"
mv "$T/away" "$R"

expect_exit 0 lb vault lock --repo "$R" "${ID:0:8}" --until 2099-01-01
# flip one byte in a copy of the repository and expect verify --read-data to find it
flip() { # flip FILE OFFSET-FRACTION
	python3 - "$1" "$2" <<'PY'
import sys
p, frac = sys.argv[1], float(sys.argv[2])
b = bytearray(open(p, "rb").read())
i = min(len(b) - 1, int(len(b) * frac))
b[i] ^= 0x01
open(p, "wb").write(b)
PY
}
try_damage() { # try_damage WHAT FILE-GLOB FRACTION [REPO]
	local what=$1 glob=$2 frac=$3 src=${4:-$R}
	chattr -R -i "$T/copy" 2>/dev/null || true
	rm -rf "$T/copy"
	cp -a "$src" "$T/copy"
	chattr -R -i "$T/copy" 2>/dev/null || true
	chmod -R u+w "$T/copy"
	local f
	f=$(ls $T/copy/$glob | head -1)
	[ -f "$f" ] || fail "no file for $what"
	flip "$f" "$frac"
	expect_exit 1 lb vault verify --repo "$T/copy" --read-data
	grep -q "problem" "$T/out" "$T/err" || fail "$what damage not reported: $(cat "$T/out" "$T/err")"
}
for frac in 0.0 0.3 0.5 0.9 0.999; do
	try_damage "pack@$frac" "data/*/*" "$frac"
done
grep -q "damaged: .*:" "$T/out" || fail "damaged files not named: $(cat "$T/out")"
try_damage index "index/*" 0.5
try_damage snapshot "snapshots/*" 0.6
try_damage config "config" 0.4
try_damage lock-record "meta/*" 0.5
try_damage medium-pack "data/*/*" 0.5 "$M"
try_damage medium-key "keys/admin" 0.5 "$M"
try_damage medium-manifest "MANIFEST" 0.3 "$M"
echo "vault damage ok"
