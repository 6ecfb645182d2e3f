# lib.bash - helpers sourced by the integration tests (the .bash suffix keeps CTest from running it as a test).
# Each test: `. "$LB_SRC/tests/integration/lib.bash"`, then use T (a fresh temporary folder), run, expect_*.
set -u
: "${LIFEBOAT:?LIFEBOAT must point at the binary (CTest sets it)}"
: "${LB_SRC:?LB_SRC must point at the source tree (CTest sets it)}"
export LIFEBOAT_LANG="${LIFEBOAT_LANG:-en}"
T=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-test.XXXXXX")
# As root the vault makes finished files immutable: lift that inside the test's own folder before removing it.
lb_cleanup() { chattr -R -i "$T" 2>/dev/null || true; rm -rf "$T"; }
trap lb_cleanup EXIT
FAILS=0
CHECKS=0

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

# run CMD…: runs it, keeping stdout in $T/out, stderr in $T/err and the exit code in $RC.
run() {
	set +e
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	set -e
}

expect_rc() { # expect_rc N "what"
	CHECKS=$((CHECKS + 1))
	[ "$RC" -eq "$1" ] || fail "$2: exit $RC, expected $1; stderr: $(head -c 400 "$T/err")"
}

expect_out() { # expect_out PATTERN "what"  (grep -E on stdout)
	CHECKS=$((CHECKS + 1))
	grep -qE -- "$1" "$T/out" || fail "$2: stdout lacks /$1/: $(head -c 400 "$T/out")"
}

expect_err() { # expect_err PATTERN "what"
	CHECKS=$((CHECKS + 1))
	grep -qE -- "$1" "$T/err" || fail "$2: stderr lacks /$1/: $(head -c 400 "$T/err")"
}

expect_one_line_err() { # usage errors: exactly one line on stderr, starting "lifeboat: "
	CHECKS=$((CHECKS + 1))
	local n
	n=$(wc -l <"$T/err")
	[ "$n" -eq 1 ] && grep -q '^lifeboat: ' "$T/err" || fail "$1: expected one 'lifeboat: …' line on stderr, got $n: $(cat "$T/err")"
}

finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS of $CHECKS checks failed" >&2
		exit 1
	fi
	echo "$CHECKS checks passed"
	exit 0
}
