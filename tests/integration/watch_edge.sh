#!/usr/bin/env bash
# What must not break watch, and what it must say: a kernel queue overflow is an alert (never dropped silently),
# a watched folder deleted under it is an alert and watching goes on, ransom notes are named, hostile file names
# give valid JSON, the exec hook and --pin-vault run, and usage errors exit 2 with one line.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/watch_lib.bash"
set -e

# Usage and input errors.
run "$LIFEBOAT" watch
expect_rc 2 "watch without a folder"
expect_one_line_err "watch without a folder"
run "$LIFEBOAT" watch "$T/nope"
expect_rc 2 "watch a missing folder"
expect_one_line_err "watch a missing folder"
expect_err "nope" "the missing folder is named"
run "$LIFEBOAT" watch "$T" --source carrier-pigeon
expect_rc 2 "bad --source"
expect_one_line_err "bad --source"
run "$LIFEBOAT" watch "$T" --marks everything
expect_rc 2 "bad --marks"
expect_one_line_err "bad --marks"
run "$LIFEBOAT" watch "$T" --respond kill
expect_rc 2 "bad --respond"
run "$LIFEBOAT" watch "$T" --for soon
expect_rc 2 "bad --for"
run "$LIFEBOAT" watch --help
expect_rc 0 "watch --help"
expect_out "examples:" "watch --help has examples"
run "$LIFEBOAT" drill ransomware --help
expect_rc 0 "drill ransomware --help"
expect_out "\-\-undo" "drill help names --undo"

# A bounded run with nothing happening exits 0 with a summary, and logs its health.
mkdir -p "$T/quiet"
run "$LIFEBOAT" watch "$T/quiet" --for 3s --health-interval 1s --json
expect_rc 0 "quiet bounded run"
expect_out '"summary"' "summary printed"
expect_err 'health: up [0-9]+s, [0-9]+ events' "health line"

# After setting up its marks, watch holds only CAP_DAC_READ_SEARCH, CAP_KILL and CAP_SYS_PTRACE; SIGTERM stops it.
start_watch fanotify "$T/quiet"
CHECKS=$((CHECKS + 1))
cap=$(awk '/^CapEff/ {print $2}' "/proc/$WPID/status")
[ "$cap" = "0000000000080024" ] || fail "watch's effective capabilities are $cap, expected 0000000000080024"
stop_watch
CHECKS=$((CHECKS + 1))
[ "$WRC" -eq 0 ] || fail "SIGTERM: exit $WRC"

# Queue overflow, through both sources: watch is stopped (SIGSTOP) while more events than the kernel queue holds
# (fs.*.max_queued_events) happen, then resumed. No global setting is touched. fanotify merges the create, write
# and delete of one name into one event, so there are more names than the queue holds.
mkdir -p "$T/flood"
for src in inotify fanotify fanotify-fs; do
	q=$(cat /proc/sys/fs/${src%-fs}/max_queued_events 2>/dev/null || echo 16384)
	start_watch "$src" "$T/flood"
	kill -STOP "$WPID"
	python3 -c '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    p = os.path.join(d, "f%d" % i)
    open(p, "w").close()
    os.unlink(p)
' "$T/flood/" "$((q + 4000))"
	kill -CONT "$WPID"
	wait_alert "a['rule'] == 'queue_overflow' and a['severity'] == 'high'" 60 "$src overflow alert"
	stop_watch
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; assert s["overflows"] > 0, s' "$WOUT" ||
		fail "$src: summary has no overflow count: $(cat "$WOUT")"
done

# The inotify watch limit: in a user namespace of its own (unshare -Ur), whose fs.inotify limit is set to 10
# watches without touching anyone else's, watch on a tree of 30 folders says clearly that folders went unwatched.
if unshare -Ur true 2>/dev/null; then
	for i in $(seq 1 30); do mkdir -p "$T/many/d$i"; done
	run unshare -Ur sh -c 'echo 10 >/proc/sys/user/max_inotify_watches && exec "$0" watch --source inotify "$1" --for 2s --alerts "$2" --json' \
		"$LIFEBOAT" "$T/many" "$T/limit.jsonl"
	expect_rc 1 "watch limit reached is a high alert"
	CHECKS=$((CHECKS + 1))
	grep -q '"rule":"watch_limit","severity":"high"' "$T/limit.jsonl" ||
		fail "no watch_limit alert: $(cat "$T/limit.jsonl" "$T/err" | head -c 800)"
	CHECKS=$((CHECKS + 1))
	grep -q 'max_user_watches' "$T/limit.jsonl" || fail "the watch_limit alert does not name the setting"
else
	echo "skip: no user namespaces here"
fi

# A watched folder vanishes: an alert, and the other folder is still watched (and so is the first once back).
for src in fanotify fanotify-fs inotify; do
	rm -rf "$T/a" "$T/b"
	make_share "$T/a" 30 2
	make_share "$T/b" 60 3
	start_watch "$src" "$T/a" "$T/b"
	rm -rf "$T/a"
	wait_alert "a['rule'] == 'watched_path_gone' and a['path'] == '$T/a'" 30 "$src vanished folder"
	"$LIFEBOAT" drill ransomware --dir "$T/b" --rate 200 --limit 30 >/dev/null
	wait_alert "a['rule'] == 'encryption' and a['severity'] in ('high','critical') and a['path'].startswith('$T/b')" 30 \
		"$src still watching after a folder vanished"
	"$LIFEBOAT" drill ransomware --dir "$T/b" --undo >/dev/null
	make_share "$T/a" 30 2
	sleep 1.5 # the next tick sees it back (inotify re-adds its watches)
	"$LIFEBOAT" drill ransomware --dir "$T/a" --rate 200 --limit 30 >/dev/null
	wait_alert "a['rule'] == 'encryption' and a['severity'] in ('high','critical') and a['path'].startswith('$T/a')" 30 \
		"$src watches a folder that came back"
	CHECKS=$((CHECKS + 1))
	kill -0 "$WPID" || fail "$src: watch died"
	stop_watch
done

# Ransom notes, hostile names (newlines, invalid UTF-8, long names), the exec hook and --pin-vault.
H="$T/hostile"
make_share "$H" 40 4
python3 -c '
import os, sys
d = sys.argv[1].encode()
for n in [b"new\nline.docx", b"bad\xff\xfeutf8.txt", b"x" * 250 + b".pdf", b"quote\"back\\slash.csv", b"tab\there.txt"]:
    with open(os.path.join(d, n), "wb") as f:
        f.write(b"PK\x03\x04" + os.urandom(0) + b"plain words " * 400)
' "$H"
before=$(tree_sum "$H")
start_watch fanotify "$H" --exec "cat >>'$T/hook.jsonl'" --pin-vault "$T/repo"
"$LIFEBOAT" drill ransomware --dir "$H" --rate 100 --note --ext .lockbit >/dev/null &
DP=$!
BG_PIDS="$BG_PIDS $DP"
wait_alert "a['rule'] == 'ransom_note' and a['severity'] in ('high','critical') and a['pid'] == $DP" 30 "ransom note"
wait_alert "a['severity'] == 'critical' and 'vault lock --repo $T/repo latest-clean' in a.get('vault_pin','')" 30 "pin vault"
wait "$DP" || fail "drill on hostile names failed"
sleep 1
stop_watch
CHECKS=$((CHECKS + 1))
grep -q "pinn" "$WERR" || fail "the vault pin outcome is not logged: $(tail -5 "$WERR")"
CHECKS=$((CHECKS + 1))
python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert lines and all("rule" in a for a in lines), lines
' "$T/hook.jsonl" || fail "the exec hook did not get the alerts as JSON: $(head -c 500 "$T/hook.jsonl" 2>/dev/null)"
run "$LIFEBOAT" drill ransomware --dir "$H" --undo
expect_rc 0 "undo with hostile names"
CHECKS=$((CHECKS + 1))
[ "$(tree_sum "$H")" = "$before" ] || fail "hostile names not restored bit for bit"
CHECKS=$((CHECKS + 1))
[ -z "$(find "$H" -name 'README_TO_DECRYPT*')" ] || fail "undo left ransom notes"

# syslog, where there is one: alerts go out without trouble.
if [ -S /dev/log ]; then
	start_watch fanotify "$H" --syslog --canaries
	echo x >>"$H/!0000-lifeboat-canary.pdf"
	wait_alert "a['rule'] == 'canary'" 30 "alert with --syslog"
	stop_watch
fi

finish
