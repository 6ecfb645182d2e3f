#!/bin/bash
# vault_odirect.sh - pack writes on a file system that refuses O_DIRECT (src/vault/pack.c falls back to buffered
# writes): a repository there backs up, verifies with --read-data and restores bit-identically. /dev/shm is used
# when it refuses O_DIRECT (tmpfs did before Linux 6.6); otherwise a ramfs (which never has O_DIRECT) mounted in a
# private mount namespace of this test. Skipped, saying so, only when neither is available.
source "$LB_SRC/tests/integration/lib/vault.sh"
# refuses DIR: 0 when DIR's file system refuses O_DIRECT, as pack.c asks for it (F_SETFL) or on the first write
refuses() {
	python3 - "$1" <<'PY'
import fcntl, mmap, os, sys
p = os.path.join(sys.argv[1], ".odirect-probe")
fd = os.open(p, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
try:
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_DIRECT)
    os.write(fd, memoryview(mmap.mmap(-1, 4096)))
    refused = False
except OSError:
    refused = True
os.close(fd)
os.unlink(p)
sys.exit(0 if refused else 1)
PY
}
roundtrip() { # roundtrip DIR: a repository in DIR, backup / verify --read-data / restore
	local R=$1/repo S=$T/src
	mkdir -p "$S/img" "$S/空フォルダ"
	for i in 1 2 3; do head -c $((3 << 20 | i * 4097)) /dev/urandom >"$S/img/scan$i.dcm"; done
	seq 1 200000 >"$S/records.txt" # compressible, not a multiple of 4 KiB
	printf 'x' >"$S/one-byte"
	ln -s records.txt "$S/link"
	expect_exit 0 lb vault init --repo "$R"
	expect_exit 0 lb vault backup --repo "$R" --json "$S"
	[ "$(json_get "$T/out" "['status']")" = clean ] || fail "backup status: $(cat "$T/out")"
	echo more >>"$S/records.txt"
	expect_exit 0 lb vault backup --repo "$R" "$S"
	expect_exit 0 lb vault verify --repo "$R" --read-data
	expect_exit 0 lb vault restore --repo "$R" latest --target "$T/r"
	same_tree "$S" "$T/r$S" noatime || fail "restore from a repository without O_DIRECT differs"
	[ -z "$(find "$R/data" -name '*.tmp-*')" ] || fail "temporary pack files left behind"
	chattr -R -i "$R" 2>/dev/null || true
	rm -rf "$R" "$T/r"
}
if [ "${1:-}" = --in-namespace ]; then # the private mount namespace: $2 is the ramfs mount point
	mount -t ramfs -o mode=0700 lifeboat-test "$2" || fail "cannot mount a ramfs"
	refuses "$2" || fail "ramfs accepts O_DIRECT here: the fallback is not tested"
	roundtrip "$2"
	umount "$2"
	echo "vault on ramfs (no O_DIRECT) ok"
	exit 0
fi
if [ -d /dev/shm ] && [ -w /dev/shm ] && refuses /dev/shm; then
	D=$(mktemp -d /dev/shm/lifeboat-odirect.XXXXXX)
	trap 'chattr -R -i "$D" 2>/dev/null || true; rm -rf "$D"; cleanup' EXIT
	roundtrip "$D"
	echo "vault on /dev/shm (no O_DIRECT) ok"
	exit 0
fi
# /dev/shm takes O_DIRECT (tmpfs since Linux 6.6): a ramfs in a mount namespace of our own (root, or a user
# namespace where the kernel allows one)
mkdir "$T/ramfs"
ns=()
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
	ns=(unshare -m --propagation private)
elif unshare -Urm true 2>/dev/null; then
	ns=(unshare -Urm)
fi
if [ ${#ns[@]} = 0 ]; then
	echo "SKIP: no file system without O_DIRECT here (/dev/shm takes it, and no mount namespace for a ramfs)"
	exit 0
fi
T_OUTER=$T
"${ns[@]}" env TMPDIR="$T_OUTER" bash "${BASH_SOURCE[0]}" --in-namespace "$T_OUTER/ramfs" || fail "the round trip on ramfs failed"
