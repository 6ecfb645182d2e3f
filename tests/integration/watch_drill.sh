#!/usr/bin/env bash
# Each drill mode (skip-header too: header-preserving encryption) is caught by watch, through fanotify (folder
# marks and a filesystem mark) and inotify: a high or critical alert naming the drill's pid, its program and the drill folder, while the drill
# runs at LockBit's pace; --undo then restores the share bit for bit. Canaries make the first touched file a critical alert. --respond stop stops the encryptor.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/watch_lib.bash"
set -e

S="$T/share"
make_share "$S" 240
before=$(tree_sum "$S")

# The drill touches nothing outside a marked folder.
mkdir -p "$T/unmarked"
echo "keep me" >"$T/unmarked/a.txt"
run "$LIFEBOAT" drill ransomware --dir "$T/unmarked"
expect_rc 2 "drill without a marker"
expect_one_line_err "drill without a marker"
expect_err "lifeboat-drill" "the refusal names the marker"
[ "$(cat "$T/unmarked/a.txt")" = "keep me" ] || fail "an unmarked folder was changed"
run "$LIFEBOAT" drill ransomware --dir "$S" --mode sideways
expect_rc 2 "bad drill mode"
expect_one_line_err "bad drill mode"
for r in nan -1 inf 40x; do
	run "$LIFEBOAT" drill ransomware --dir "$S" --rate "$r"
	expect_rc 2 "bad drill rate $r"
done

for src in fanotify fanotify-fs inotify; do
	for mode in inplace copy-delete partial skip-header; do
		start_watch "$src" "$S"
		"$LIFEBOAT" drill ransomware --dir "$S" --rate 420 --mode "$mode" --limit 120 --json >"$T/drill.out" &
		DP=$!
		BG_PIDS="$BG_PIDS $DP"
		wait_alert "a['severity'] in ('high','critical') and a['pid'] == $DP and a['process']['comm'] == 'lifeboat' \
and a['path'].startswith('$S') and a['rule'] in ('encryption','ransom_extension')" 60 "$src $mode detected"
		wait "$DP" || fail "$src $mode: the drill failed"
		stop_watch
		CHECKS=$((CHECKS + 1))
		[ "$WRC" -eq 1 ] || fail "$src $mode: watch should exit 1 after high alerts, got $WRC: $(tail -3 "$WERR")"
		grep -q "\"source\":\"${src%-fs}\"" "$WOUT" || fail "$src $mode: summary does not say $src: $(cat "$WOUT")"
		run "$LIFEBOAT" drill ransomware --dir "$S" --undo --json
		expect_rc 0 "$src $mode undo"
		CHECKS=$((CHECKS + 1))
		[ "$(tree_sum "$S")" = "$before" ] || fail "$src $mode: undo did not restore the share bit for bit"
	done
done

# An encryptor split over several processes, each below the per-process thresholds (2 files each), is still a
# high alert for the folder (fanotify, which names every process).
start_watch fanotify "$S"
dps=""
for d in lab nursing pharmacy radiology; do
	touch "$S/$d/.lifeboat-drill"
	"$LIFEBOAT" drill ransomware --dir "$S/$d" --rate 0 --limit 2 >/dev/null &
	dps="$dps $!"
	BG_PIDS="$BG_PIDS $!"
done
wait $dps || fail "split drills failed"
wait_alert "a['rule'] == 'encryption' and a['severity'] == 'high' and 'several processes' in a['detail'] and a['path'].startswith('$S')" 30 \
	"encryption split over processes"
stop_watch
for d in lab nursing pharmacy radiology; do
	"$LIFEBOAT" drill ransomware --dir "$S/$d" --undo >/dev/null || fail "undo $d"
	rm -f "$S/$d/.lifeboat-drill"
done
CHECKS=$((CHECKS + 1))
[ "$(tree_sum "$S")" = "$before" ] || fail "split drills not undone bit for bit"

# A second drill before undo is refused; undo without a drill is an input error.
run "$LIFEBOAT" drill ransomware --dir "$S" --undo
expect_rc 2 "undo with nothing to undo"

# Canaries: the encryptor's first file is a canary, so the first alert is critical, at the first file.
for src in fanotify fanotify-fs inotify; do
	start_watch "$src" "$S" --canaries
	CHECKS=$((CHECKS + 1))
	[ -f "$S/!0000-lifeboat-canary.pdf" ] || fail "no canary planted"
	"$LIFEBOAT" drill ransomware --dir "$S" --rate 40 --mode inplace --limit 20 >/dev/null &
	DP=$!
	BG_PIDS="$BG_PIDS $DP"
	wait_alert "a['rule'] == 'canary' and a['severity'] == 'critical' and a['pid'] in ($DP, 0)" 30 "$src canary"
	wait_alert "a['rule'] == 'canary' and a['pid'] == $DP" 30 "$src canary names the drill"
	first=$(head -1 "$ALERTS")
	CHECKS=$((CHECKS + 1))
	echo "$first" | grep -q '"rule":"canary"' || fail "$src: the first alert is not the canary one: $first"
	wait "$DP" || true
	stop_watch
	"$LIFEBOAT" drill ransomware --dir "$S" --undo >/dev/null || fail "$src canary undo"
done
# Any write to a canary, by anything, is critical.
start_watch fanotify "$S" --canaries
echo "edit" >>"$S/nursing/~~~~-lifeboat-canary.pdf"
wait_alert "a['rule'] == 'canary' and a['severity'] == 'critical' and a['path'].endswith('nursing/~~~~-lifeboat-canary.pdf')" 30 "canary write"
stop_watch
find "$S" -name '*lifeboat-canary*' -delete

# --respond stop: the encryptor is stopped (SIGSTOP) and the alert says so.
start_watch fanotify "$S" --respond stop
"$LIFEBOAT" drill ransomware --dir "$S" --rate 40 --mode inplace >/dev/null &
DP=$!
BG_PIDS="$BG_PIDS $DP"
wait_alert "a['pid'] == $DP and 'stopped pid $DP' in a.get('response','')" 30 "respond stop"
CHECKS=$((CHECKS + 1))
state=$(awk '{print $3}' "/proc/$DP/stat" 2>/dev/null || echo gone)
[ "$state" = "T" ] || fail "the drill is not stopped (state $state)"
lost=$(grep -c '^file ' "$S/.lifeboat-drill-state" || true)
CHECKS=$((CHECKS + 1))
[ "$lost" -le 20 ] || fail "respond stop: $lost files encrypted before the stop (at most 20 expected)"
kill -TERM "$DP"
kill -CONT "$DP"
wait "$DP" || true
stop_watch
run "$LIFEBOAT" drill ransomware --dir "$S" --undo
expect_rc 0 "undo after a stopped drill"
CHECKS=$((CHECKS + 1))
[ "$(tree_sum "$S")" = "$before" ] || fail "undo after a stopped drill did not restore the share"

finish
