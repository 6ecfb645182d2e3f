#!/bin/bash
# vault_crash.sh - kill backup and prune with SIGKILL at random points, again and again: the repository always
# verifies (also --read-data) and no generation that had finished is lost.
source "$LB_SRC/tests/integration/lib/vault.sh"
R=$T/repo S=$T/src
ROUNDS=${VAULT_CRASH_ROUNDS:-6}
mkdir -p "$S"
change() { # new content in a third of the files, so each backup has real work to do
	for i in $(seq "$1" 3 30); do head -c $((300000 + RANDOM * 20)) /dev/urandom >"$S/f$i.bin"; done
	python3 -c 'import random,sys; sys.stdout.write("".join("PID|%d|%d\n" % (i, random.random()*1e9) for i in range(60000)))' >"$S/text$1.txt"
}
change 1; change 2; change 3
expect_exit 0 lb vault init --repo "$R"
expect_exit 0 lb vault backup --repo "$R" "$S"
finished() { lb vault snapshots --repo "$R" --json | python3 -c 'import json,sys; print(" ".join(sorted(x["id"] for x in json.load(sys.stdin))))'; }
check() { # check WHAT: verify passes and every finished generation is still there
	expect_exit 0 lb vault verify --repo "$R" --read-data
	local now
	now=$(finished)
	for id in $KNOWN; do
		case " $now " in *" $id "*) ;; *) fail "$1: generation $id lost" ;; esac
	done
}
KNOWN=$(finished)
for round in $(seq 1 "$ROUNDS"); do
	change $((round % 3 + 1))
	# a random point: from right at the start to well into the backup
	delay=$(python3 -c "import random; print(random.choice([0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8]) * random.random() + 0.005)")
	LIFEBOAT_PASSPHRASE=$PASS "$LIFEBOAT" vault backup --repo "$R" "$S" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	check "backup killed after ${delay}s"
	KNOWN=$(finished)
	# and one that finishes, so that there is something to forget later
	expect_exit 0 lb vault backup --repo "$R" "$S"
	KNOWN=$(finished)
done
# prune: forget all but two, then kill prune at random points
expect_exit 0 lb vault forget --repo "$R" --keep-last 2
KNOWN=$(finished)
for round in $(seq 1 "$ROUNDS"); do
	delay=$(python3 -c "import random; print(random.random() * 0.4 + 0.002)")
	LIFEBOAT_PASSPHRASE=$PASS "$LIFEBOAT" vault prune --repo "$R" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	check "prune killed after ${delay}s"
done
expect_exit 0 lb vault prune --repo "$R"
check "prune finished"
[ -z "$(find "$R" -name '*.tmp-*')" ] || fail "prune left temporary files"
expect_exit 0 lb vault restore --repo "$R" latest --target "$T/r"
same_tree "$S" "$T/r$S" noatime || fail "latest generation differs after the kills"
echo "vault crash ok"
