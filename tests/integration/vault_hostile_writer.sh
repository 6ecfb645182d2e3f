#!/bin/bash
# vault_hostile_writer.sh - nothing a writer uploads later changes what an earlier generation restores to (docs §6).
# A hostile writer (tests/tools/vault_hostile.c, holding only the writer key) plants, one after the other: a junk
# index, an index that puts every chunk at another blob's place under a name ground to sort first, one with
# duplicate entries of wrong lengths, one with the pack numbers rotated, a genuine index replayed under a new name,
# a garbage pack named by a ground index, a well-formed pack of wrong contents, and an old index replayed after a
# prune (also planted while the prune runs). After each, every earlier generation restores bit-identical, and
# plain 'vault verify' (no --read-data) exits 1 naming the planted object (the forged pack: --read-data names it).
source "$LB_SRC/tests/integration/lib/vault.sh"
H=${LB_BUILD:?}/tests/vault_hostile
[ -x "$H" ] || fail "the hostile writer helper $H is not built"
R=$T/repo S=$T/src K=$T/writer.key
mkdir -p "$S/a" "$S/b"
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault key add --repo "$R" --role writer --out "$K"
w() { env -u LIFEBOAT_PASSPHRASE "$LIFEBOAT" "$@"; }
hostile() { env -u LIFEBOAT_PASSPHRASE "$H" "$R" "$K" "$@"; }

# generation 0 (forgotten later, so that prune deletes and repacks), then 1-3, each kept as a copy to compare with
head -c 3000000 /dev/urandom >"$S/b/gone.bin"
expect_exit 0 w vault backup --repo "$R" --key "$K" "$S"
IX0=$(ls "$R/index")
rm "$S/b/gone.bin"
for i in $(seq 1 12); do head -c $((i * 5000)) /dev/urandom >"$S/a/f$i.bin"; done
head -c 6500000 /dev/urandom >"$S/b/big.bin" # several chunks: restored in parts by several threads
python3 -c 'print("\n".join("OBX|%d|NM|GLU||%d|mg/dL" % (i, i % 300) for i in range(50000)))' >"$S/b/results.hl7"
IDS=()
for g in 1 2 3; do
	[ "$g" = 1 ] || { head -c 70000 /dev/urandom >"$S/a/new$g.bin"; echo "change $g" >>"$S/b/results.hl7"; }
	expect_exit 0 w vault backup --repo "$R" --key "$K" --json "$S"
	IDS+=("$(json_get "$T/out" "['snapshot']")")
	cp -a "$S" "$T/gen$g"
done
expect_exit 0 lb vault forget --repo "$R" --keep-last 3
[ "$(ls "$R/snapshots" | wc -l)" = 3 ] || fail "forget left $(ls "$R/snapshots" | wc -l) generations"

rmx() { chattr -R -i "$@" 2>/dev/null || true; rm -rf "$@"; }
restore_all() { # every generation restores bit-identical to the copy taken when it was made
	local g
	for g in 1 2 3; do
		rm -rf "$T/r"
		expect_exit 0 lb vault restore --repo "$R" "${IDS[$((g - 1))]:0:12}" --target "$T/r" --no-sync
		diff -r "$T/gen$g" "$T/r$S" >/dev/null || fail "$1: generation $g does not restore as it was"
		cmp "$T/gen$g/b/big.bin" "$T/r$S/b/big.bin" || fail "$1: generation $g's big file differs"
	done
	rmx "$T/x" "$T/r"
	expect_exit 0 lb vault export --repo "$R" "${IDS[0]:0:12}" --to "$T/x"
	expect_exit 0 lb vault restore --repo "$T/x" latest --target "$T/r" --no-sync
	diff -r "$T/gen1" "$T/r$S" >/dev/null || fail "$1: the export of generation 1 does not restore as it was"
	rmx "$T/x" "$T/r"
}
names_planted() { # verify (plain or with $2) exits 1 and names every object in $1
	expect_exit 1 lb vault verify --repo "$R" ${2:-}
	local p
	for p in $1; do
		grep -q "$(basename "$p")" "$T/out" || fail "verify ${2:-} does not name the planted $p: $(cat "$T/out")"
	done
}
unplant() {
	local p
	for p in $1; do
		chattr -i "$R/$p" 2>/dev/null || true
		rm -f "$R/$p"
	done
	expect_exit 0 lb vault verify --repo "$R"
}

expect_exit 0 lb vault verify --repo "$R"
restore_all "before any attack"

# through the vault server first, as the issue reproduced it: the writer's uploads under its lease are accepted
# (write-once, named by their hash), and still change nothing for the earlier generations
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$LIFEBOAT" vault serve --repo "$R" --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null || true; wait $SPID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 50); do grep -q serving "$T/serve.out" && break; sleep 0.1; done
grep -q serving "$T/serve.out" || fail "server did not start: $(cat "$T/serve.out")"
for attack in junk shift; do
	P=$(env -u LIFEBOAT_PASSPHRASE "$H" "http://127.0.0.1:$PORT/" "$K" "$attack") ||
		fail "the hostile writer could not plant '$attack' through the server"
	[ -e "$R/$P" ] || fail "'$attack' through the server: $P not in the repository"
	restore_all "$attack through the server"
	names_planted "$P"
	unplant "$P"
done
kill $SPID
wait $SPID 2>/dev/null || true

for attack in junk shift dup swap replay garbage-pack; do
	P=$(hostile "$attack") || fail "the hostile writer could not plant '$attack'"
	[ -n "$P" ] || fail "nothing planted for '$attack'"
	restore_all "$attack"
	# backups go on: a planted index never blocks them
	mkdir -p "$T/other"
	echo "$attack" >"$T/other/$attack.txt"
	expect_exit 0 w vault backup --repo "$R" --key "$K" "$T/other"
	if [ "$attack" = replay ]; then
		# a faithful copy of genuine entries under a new name misleads nobody: verify need not object
		unplant "$P"
		continue
	fi
	names_planted "$P"
	unplant "$P"
done

# a well-formed pack of wrong contents: its table is right, only the chunks' id check tells
P=$(hostile forged-pack)
restore_all forged-pack
names_planted "$(echo "$P" | grep data/)" --read-data
unplant "$P"

# an old index kept by the writer and put back after a prune deleted it, and an index planted while prune runs:
# the generations trust the admin-signed index prune wrote, and verify names what disagrees with the packs
OLD=$IX0
cp "$R/index/$OLD" "$T/old-index"
hostile junk >"$T/junk-name"
lb vault prune --repo "$R" >"$T/prune-out" 2>"$T/prune-err" &
PRUNE=$!
RACE=$(HOSTILE_NOLOCK=1 hostile shift 2>/dev/null || true) # a writer on the vault host's disk ignores the lock
wait "$PRUNE" || fail "prune failed with a planted junk index: $(cat "$T/prune-err")"
[ ! -e "$R/$(cat "$T/junk-name")" ] || fail "prune left the junk index $(cat "$T/junk-name")"
grep -q "$(basename "$(cat "$T/junk-name")")" "$T/prune-err" || fail "prune does not name the junk index it removed: $(cat "$T/prune-err")"
restore_all "planted during prune"
[ -z "$RACE" ] || { [ ! -e "$R/$RACE" ] || names_planted "$RACE"; unplant "$RACE"; }
[ ! -e "$R/index/$OLD" ] || fail "prune kept the old index $OLD"
install -m 0444 "$T/old-index" "$R/index/$OLD"
restore_all "old index replayed after prune"
names_planted "index/$OLD"
unplant "index/$OLD"
P=$(hostile shift)
restore_all "shift after prune"
names_planted "$P"
unplant "$P"
echo "ok"
