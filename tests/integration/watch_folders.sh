#!/usr/bin/env bash
# fanotify's folders, with a mark on each folder and with one filesystem mark (filtered by the table of folder
# handles): a folder renamed inside the share is watched under its new name, one moved in from elsewhere is
# watched, one moved out is not any more, a new folder filled at once is seen, the share itself moved away is not
# watched there and is again once back, and activity elsewhere on the same filesystem is never an event of the
# share. With folder marks the kernel does not even hand it to watch.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/watch_lib.bash"
set -e

S="$T/share"
O="$T/elsewhere"

# elsewhere FOLDER N: N new folders of 30 files each
elsewhere() {
	python3 -c '
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for d in range(n):
    p = os.path.join(root, "%02d" % (d % 10), "p%04d" % d)
    os.makedirs(p)
    for i in range(30):
        with open(os.path.join(p, "m%02d.hl7" % i), "wb") as f:
            f.write(b"MSH|^~\\&|LAB|WARD|x\r" * 8)
' "$1" "$2"
}

# drill_in DIR: a short drill in DIR (marked for drills), in the background; its pid in DP
drill_in() {
	touch "$1/.lifeboat-drill"
	"$LIFEBOAT" drill ransomware --dir "$1" --rate 200 --limit 30 >/dev/null &
	DP=$!
	BG_PIDS="$BG_PIDS $DP"
}

caught() { # caught DIR "what": a high/critical alert for the running drill, in DIR
	wait_alert "a['severity'] in ('high','critical') and a['pid'] == $DP and a['path'].startswith('$1/')" 30 "$2"
	wait "$DP" || fail "$2: the drill failed"
}

for src in fanotify fanotify-fs; do
	rm -rf "$S" "$O"
	make_share "$S" 160 6
	rm -f "$S/.lifeboat-drill"
	mkdir -p "$O"
	start_watch "$src" "$S"

	elsewhere "$O/busy" 100 # 3,100 creates and 3,000 closed writes beside the share, on the same filesystem

	mv "$S/lab" "$S/lab-renamed"
	drill_in "$S/lab-renamed"
	caught "$S/lab-renamed" "$src: a folder renamed inside"

	make_share "$O/incoming" 40 7
	mv "$O/incoming" "$S/moved-in"
	drill_in "$S/moved-in"
	caught "$S/moved-in" "$src: a folder moved in"

	# made and filled at once (a copy of a whole tree): what lands before the folder is marked is seen too
	cp -r "$S/nursing" "$S/fresh"
	drill_in "$S/fresh"
	caught "$S/fresh" "$src: a new folder filled at once"

	mv "$S/pharmacy" "$O/moved-out"
	drill_in "$O/moved-out"
	wait "$DP" || fail "$src: the drill moved out failed"

	# the watched folder itself moved away (what happens there is not the share's any more) and back
	mv "$S" "$T/share-away"
	drill_in "$T/share-away/radiology"
	AWAY=$DP
	wait "$DP" || fail "$src: the drill in the share moved away failed"
	"$LIFEBOAT" drill ransomware --dir "$T/share-away/radiology" --undo >/dev/null
	mv "$T/share-away" "$S"
	drill_in "$S/radiology"
	caught "$S/radiology" "$src: the share moved back"
	sleep 1.5
	stop_watch
	CHECKS=$((CHECKS + 1))
	n=$(count_alerts "a['pid'] == $AWAY")
	[ "$n" -eq 0 ] || fail "$src: $n alerts for a drill in the share while it was moved away: $(head -c 1000 "$ALERTS")"
	CHECKS=$((CHECKS + 1))
	n=$(count_alerts "a['path'].startswith('$O')")
	[ "$n" -eq 0 ] || fail "$src: $n alerts about a folder moved out of the share: $(grep "$O" "$ALERTS" | head -c 1000)"
	CHECKS=$((CHECKS + 1))
	python3 - "$WOUT" "$src" <<'PY' || fail "$src: summary $(cat "$WOUT")"
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
elsewhere = s["events_seen"] - s["events"]
print(sys.argv[2], "marks", s["marks"], "events in the share", s["events"], "read from elsewhere", elsewhere)
if sys.argv[2] == "fanotify":
    assert s["marks"] == "folders", s
    assert elsewhere < 1000, s  # the 3,100 or more events beside the share never reached watch
else:
    assert s["marks"] == "filesystem", s
    # read, and dropped after one lookup each (fanotify merges a file's create and closed write when both are
    # still queued: 3,100 to 6,100 events)
    assert elsewhere >= 3100, s
PY
	for d in "$S/lab-renamed" "$S/moved-in" "$S/fresh" "$S/radiology" "$O/moved-out"; do
		"$LIFEBOAT" drill ransomware --dir "$d" --undo >/dev/null || fail "$src: undo in $d"
	done
done

finish
