# lib/vault.sh - helpers sourced by the vault integration tests (tests/integration/vault_*.sh).
set -euo pipefail
: "${LIFEBOAT:?LIFEBOAT must name the lifeboat binary}"
export LIFEBOAT_LANG=en LIFEBOAT_PROGRESS=0
T=$(mktemp -d)
cleanup() {
	# packs are made immutable where the kernel allows it: clear that before removing the scratch folder
	chattr -R -i "$T" 2>/dev/null || true
	chmod -R u+w "$T" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
PASS=kelp-orbit-tundra-violin-42 # strong enough for vault init (zxcvbn, docs §2)
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
lb() { LIFEBOAT_PASSPHRASE=$PASS "$LIFEBOAT" "$@"; }
# expect_exit CODE cmd… : run, require the exit code
expect_exit() {
	local want=$1
	shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	set -e
	[ "$got" = "$want" ] || fail "'$*' exited $got, wanted $want; stderr: $(cat "$T/err"); stdout: $(head -c 2000 "$T/out")"
}
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d"+sys.argv[2]))' "$@"; }
# same_tree A B [noatime]: contents, modes, mtimes (ns), atimes (ns; reading a file later changes its atime,
# so only the first comparison of a tree checks them), symlink targets and folder sets are identical
same_tree() {
	python3 - "$1" "$2" "${3:-}" <<'PY'
import os, stat, sys
a, b = sys.argv[1], sys.argv[2]
check_atime = sys.argv[3] != "noatime"
def walk(root):
    out = {}
    for dp, dns, fns in os.walk(root):
        for n in dns + fns:
            p = os.path.join(dp, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("l", os.readlink(p), st.st_mtime_ns)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("d", stat.S_IMODE(st.st_mode), st.st_mtime_ns)
            else:
                with open(p, "rb") as f:
                    data = f.read()
                out[rel] = ("f", stat.S_IMODE(st.st_mode), st.st_mtime_ns, st.st_atime_ns if check_atime else 0, data)
    return out
x, y = walk(a), walk(b)
if x.keys() != y.keys():
    print("different names:", sorted(set(x) ^ set(y))[:10]); sys.exit(1)
for k in x:
    if x[k] != y[k]:
        print("differs:", k, x[k][:4], y[k][:4]); sys.exit(1)
PY
}
