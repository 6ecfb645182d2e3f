#!/bin/bash
# vault_roundtrip.sh - a generation restores bit for bit: contents, modes, times (ns), symlinks, empty folders,
# Japanese names, big and empty files; incremental backups dedup; sub-path restore; diff; clear errors.
source "$LB_SRC/tests/integration/lib/vault.sh"
R=$T/repo S=$T/src
mkdir -p "$S/カルテ/病棟3" "$S/empty/nested-empty" "$S/data"
printf 'MSH|^~\\&|EHR\r' >"$S/data/a.hl7"
echo "患者 山田太郎" >"$S/カルテ/病棟3/記録 2026.txt"
: >"$S/data/zero"
head -c 3000000 /dev/urandom >"$S/data/big.bin"
# 40 MB: several packs per worker, and a file restored in parts by every thread
head -c 40000000 /dev/urandom >"$S/data/scan.dcm"
python3 -c 'import sys; sys.stdout.write("".join("line %d of text\n" % i for i in range(400000)))' >"$S/data/text.txt"
ln -s ../data/a.hl7 "$S/カルテ/link"
ln -s /nonexistent/target "$S/dangling"
chmod 600 "$S/data/a.hl7"
chmod 750 "$S/カルテ"
chmod 4755 "$S/data/zero"
touch -h -d '2001-02-03 04:05:06.123456789' "$S/カルテ/link"
touch -d '1999-12-31 23:59:59.987654321' "$S/data/big.bin"
touch -d '2010-01-01 00:00:00.5' "$S/empty/nested-empty"

expect_exit 0 lb vault init --repo "$R"
expect_exit 2 lb vault init --repo "$R"
grep -q "not empty" "$T/err" || fail "init over a repository: $(cat "$T/err")"
expect_exit 0 lb vault backup --repo "$R" --tag first --json "$S"
ID1=$(json_get "$T/out" "['snapshot']")
[ "$(json_get "$T/out" "['status']")" = clean ] || fail "first backup not clean: $(cat "$T/out")"
[ "$(json_get "$T/out" "['files']")" = 6 ] || fail "file count: $(cat "$T/out")"
# packs are streamed to temporary files and linked to their names: a finished backup leaves none behind
[ -z "$(find "$R" -name '*.tmp-*')" ] || fail "backup left temporary files: $(find "$R" -name '*.tmp-*')"

expect_exit 0 lb vault restore --repo "$R" latest --target "$T/r1"
same_tree "$S" "$T/r1$S" || fail "restore differs from the source"

# incremental: one file changed, nothing else read again, dedup of the rest
echo "追記" >>"$S/カルテ/病棟3/記録 2026.txt"
expect_exit 0 lb vault backup --repo "$R" --json "$S"
ID2=$(json_get "$T/out" "['snapshot']")
[ "$(json_get "$T/out" "['files_changed']")" = 1 ] || fail "incremental read more than the changed file: $(cat "$T/out")"
[ "$(json_get "$T/out" "['chunks_new']")" = 1 ] || fail "incremental stored more than one chunk: $(cat "$T/out")"
expect_exit 0 lb vault restore --repo "$R" "${ID2:0:8}" --target "$T/r2"
same_tree "$S" "$T/r2$S" noatime || fail "second restore differs"
expect_exit 0 lb vault restore --repo "$R" "${ID1:0:10}" --target "$T/r1b"
same_tree "$T/r1$S" "$T/r1b$S" noatime || fail "first generation changed after the second backup"

# sub-path restore
expect_exit 0 lb vault restore --repo "$R" latest --target "$T/r3" --path "${S#/}/カルテ/病棟3"
[ -f "$T/r3$S/カルテ/病棟3/記録 2026.txt" ] || fail "sub-path restore missed the file"
[ ! -e "$T/r3$S/data" ] || fail "sub-path restore wrote more than the sub-path"

# snapshots --json carries the contract's fields; diff names the change
expect_exit 0 lb vault snapshots --repo "$R" --json
python3 - "$T/out" "$ID1" "$ID2" <<'PY' || fail "snapshots --json: $(cat "$T/out")"
import json, sys
s = json.load(open(sys.argv[1]))
assert [x["id"] for x in s] == sys.argv[2:], s
for x in s:
    for k in ("id", "time", "tags", "paths", "files", "bytes", "status", "score", "pinned", "locked_until"):
        assert k in x, k
assert s[0]["tags"] == ["first"] and s[1]["pinned"] and not s[0]["pinned"]
PY
expect_exit 0 lb vault diff --repo "$R" "${ID1:0:8}" latest
grep -q "^M .*記録 2026.txt" "$T/out" || fail "diff: $(cat "$T/out")"
[ "$(wc -l <"$T/out")" = 1 ] || fail "diff lists more than the change: $(cat "$T/out")"

# errors: one line, exit 2
LIFEBOAT_PASSPHRASE=wrong-passphrase expect_exit 2 "$LIFEBOAT" vault snapshots --repo "$R"
grep -q "wrong passphrase" "$T/err" || fail "wrong passphrase message: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] || fail "error is more than one line"
expect_exit 2 lb vault restore --repo "$R" latest --target "$T/r1"
grep -q "new or empty" "$T/err" || fail "restore into a full folder: $(cat "$T/err")"
expect_exit 2 lb vault restore --repo "$R" ffffffff --target "$T/r9"
expect_exit 2 lb vault snapshots --repo "$T/nothing"
expect_exit 2 lb vault backup --repo "$R"
# a prune running elsewhere holds the repository: backup says so instead of waiting or corrupting
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[2], "w").close(); time.sleep(60)' "$R/lock" "$T/locked" &
LOCKER=$!
for _ in $(seq 100); do [ -e "$T/locked" ] && break; sleep 0.1; done
expect_exit 2 lb vault backup --repo "$R" "$S"
grep -q "repository is locked" "$T/err" || fail "locked repository: $(cat "$T/err")"
kill "$LOCKER" 2>/dev/null || true
wait "$LOCKER" 2>/dev/null || true
expect_exit 0 lb vault verify --repo "$R" --read-data || { cat "$T/out"; exit 1; }
echo "vault round trip ok"
