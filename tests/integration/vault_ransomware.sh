#!/bin/bash
# vault_ransomware.sh - a generation taken after a simulated ransomware run over part of a tree is 'suspect'
# with reasons; latest-clean restores the one before; 'forget --keep-last 1 --prune' keeps that clean one; only
# an admin review releases the suspect one. Compressing a folder (gzip, zstd) is not suspect.
source "$LB_SRC/tests/integration/lib/vault.sh"
R=$T/repo S=$T/share
python3 - "$S" <<'PY'
import os, random, sys
random.seed(3)
root = sys.argv[1]
words = "患者 検査 処方 退院 入院 血圧 体温 看護 記録 予約 alpha beta gamma delta ward bed note".split()
for ward in ("ward1", "ward2", "ward3", "admin"):
    for i in range(40):
        d = os.path.join(root, ward, "sub%d" % (i % 4))
        os.makedirs(d, exist_ok=True)
        ext = random.choice(["txt", "csv", "hl7", "md"])
        n = random.randint(2000, 120000)
        text = " ".join(random.choice(words) for _ in range(n // 6))
        with open(os.path.join(d, "doc%03d.%s" % (i, ext)), "w") as f:
            f.write(text)
PY
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault backup --repo "$R" --json "$S"
CLEAN=$(json_get "$T/out" "['snapshot']")
[ "$(json_get "$T/out" "['status']")" = clean ] || fail "the first generation is not clean"
cp -a "$S" "$T/original"

# the attack: encrypt ward2 and ward3 (XOR with a SHAKE-256 keystream), rename half to .locked, drop notes
python3 - "$S" <<'PY'
import hashlib, os, sys
root = sys.argv[1]
for ward in ("ward2", "ward3"):
    for dp, dns, fns in os.walk(os.path.join(root, ward)):
        for k, n in enumerate(sorted(fns)):
            p = os.path.join(dp, n)
            data = open(p, "rb").read()
            ks = hashlib.shake_256(b"attacker-key" + p.encode()).digest(len(data))
            open(p, "wb").write(bytes(a ^ b for a, b in zip(data, ks)))
            if k % 2 == 0:
                os.rename(p, p + ".locked")
        with open(os.path.join(dp, "README_TO_DECRYPT.txt"), "w") as f:
            f.write("YOUR FILES HAVE BEEN ENCRYPTED! To decrypt your files send 1 bitcoin to our wallet "
                    "and contact us at http://decryptor4you.onion within 72 hours.\n")
PY
expect_exit 1 lb vault backup --repo "$R" --json "$S"
BAD=$(json_get "$T/out" "['snapshot']")
[ "$(json_get "$T/out" "['status']")" = suspect ] || fail "attacked generation not suspect: $(cat "$T/out")"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["reasons"]; assert isinstance(r, list) and r, r' "$T/out" ||
	fail "no reasons: $(cat "$T/out")"

expect_exit 0 lb vault snapshots --repo "$R" --json
python3 - "$T/out" "$CLEAN" "$BAD" <<'PY' || fail "snapshots after the attack: $(cat "$T/out")"
import json, sys
s = {x["id"]: x for x in json.load(open(sys.argv[1]))}
clean, bad = s[sys.argv[2]], s[sys.argv[3]]
assert clean["status"] == "clean" and clean["pinned"], clean
assert bad["status"] == "suspect" and not bad["pinned"] and bad["score"] > 0, bad
PY
expect_exit 0 lb vault restore --repo "$R" latest-clean --target "$T/r"
same_tree "$T/original" "$T/r$S" noatime || fail "latest-clean did not restore the generation before the attack"

# retention keeps the clean one (pinned) and the suspect one (awaiting review)
expect_exit 0 lb vault forget --repo "$R" --keep-last 1 --prune --json
expect_exit 0 lb vault snapshots --repo "$R" --json
python3 -c 'import json,sys; ids={x["id"] for x in json.load(open(sys.argv[1]))}; assert sys.argv[2] in ids and sys.argv[3] in ids, ids' \
	"$T/out" "$CLEAN" "$BAD" || fail "forget lost a generation: $(cat "$T/out")"
expect_exit 0 lb vault verify --repo "$R" --read-data

# only an admin review releases the suspect generation
expect_exit 0 lb vault review --repo "$R" "${BAD:0:8}" --mark clean
expect_exit 0 lb vault forget --repo "$R" --keep-last 1 --prune --json
expect_exit 0 lb vault snapshots --repo "$R" --json
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert [x["id"] for x in s]==[sys.argv[2]] and s[0]["reviewed"], s' \
	"$T/out" "$BAD" || fail "after review: $(cat "$T/out")"

# legitimate mass changes: compressing folders is not ransomware
for tool in gzip zstd; do
	rm -rf "$T/c" "$T/cr"
	cp -a "$T/original" "$T/c"
	expect_exit 0 lb vault init --repo "$T/cr"
	expect_exit 0 lb vault backup --repo "$T/cr" "$T/c"
	find "$T/c/ward2" "$T/c/ward3" -type f -exec "$tool" -q {} +
	[ -n "$(find "$T/c" -name '*.gz' -o -name '*.zst' | head -1)" ] || fail "$tool made nothing"
	[ "$tool" = zstd ] && find "$T/c/ward2" "$T/c/ward3" -type f ! -name '*.zst' -delete
	expect_exit 0 lb vault backup --repo "$T/cr" --json "$T/c"
	[ "$(json_get "$T/out" "['status']")" = clean ] || fail "compressing with $tool was called suspect: $(cat "$T/out")"
	chattr -R -i "$T/cr" 2>/dev/null || true
done
echo "vault ransomware ok"
