# watch_lib.bash - helpers for the watch and drill integration tests (sourced after lib.bash).
#   make_share DIR N         office-like files (tests/integration/watch_share.py) plus the drill marker
#   start_watch SRC ARGS…    lifeboat watch in the background (WPID), alerts in $ALERTS, stderr in $T/werr.N;
#                            returns once it says it is watching. SRC: fanotify (a mark on each folder),
#                            fanotify-fs (one filesystem mark: --marks filesystem) or inotify
#   stop_watch               SIGTERM, wait, exit code in WRC
#   wait_alert PY [SECS]     poll $ALERTS until a line satisfies the Python expression over `a` (the alert dict)
#   count_alerts PY          how many alert lines satisfy it
# Every background process is killed on exit, whatever happens.
BG_PIDS=""
cleanup_bg() {
	for p in $BG_PIDS; do
		kill -CONT "$p" 2>/dev/null || true
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in $BG_PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup_bg EXIT
ALERTS="$T/alerts.jsonl"
NWATCH=0

make_share() {
	mkdir -p "$1"
	python3 "$LB_SRC/tests/integration/watch_share.py" "$1" "$2" "${3:-1}"
	touch "$1/.lifeboat-drill"
}

start_watch() {
	local src=$1
	shift
	NWATCH=$((NWATCH + 1))
	WERR="$T/werr.$NWATCH"
	: >"$ALERTS"
	: >"$WERR"
	local marks=()
	if [ "$src" = fanotify-fs ]; then
		src=fanotify
		marks=(--marks filesystem)
	fi
	"$LIFEBOAT" watch --source "$src" "${marks[@]}" --alerts "$ALERTS" --json "$@" >"$T/wout.$NWATCH" 2>"$WERR" &
	WPID=$!
	BG_PIDS="$BG_PIDS $WPID"
	local deadline=$((SECONDS + 120))
	while ! grep -q "watch: watching" "$WERR"; do
		if ! kill -0 "$WPID" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
			fail "watch did not start: $(head -c 600 "$WERR")"
			return 1
		fi
		sleep 0.1
	done
}

stop_watch() {
	kill -TERM "$WPID" 2>/dev/null || true
	set +e
	wait "$WPID"
	WRC=$?
	set -e
	WOUT="$T/wout.$NWATCH"
}

alert_check() { # alert_check PY: exit 0 when some alert line satisfies PY
	python3 - "$ALERTS" "$1" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.strip():
        continue
    a = json.loads(line)
    if eval(sys.argv[2]):
        n += 1
print(n)
sys.exit(0 if n else 1)
PY
}

count_alerts() {
	alert_check "$1" 2>/dev/null || true
}

wait_alert() { # wait_alert PY [SECS] "what"
	local deadline=$((SECONDS + ${2:-60}))
	CHECKS=$((CHECKS + 1))
	while ! alert_check "$1" >/dev/null 2>&1; do
		if [ $SECONDS -gt $deadline ]; then
			fail "${3:-alert}: no alert with $1 in $(wc -l <"$ALERTS") alerts: $(head -c 1500 "$ALERTS")"
			return 0
		fi
		sleep 0.2
	done
}

tree_sum() { # content digest of every file under a folder except drill bookkeeping
	(cd "$1" && find . -type f ! -name .lifeboat-drill-state -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}
