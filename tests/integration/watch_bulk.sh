#!/usr/bin/env bash
# A watched tree of 100,000 small files in 520 folders: the baseline scan completes, inotify watches every folder,
# and events are still seen afterwards (a drill in one corner is caught), through both sources. 10,000 files have
# their own inode; the other 90,000 names are hard links to them, because creating 100,000 inodes takes minutes on
# a loaded 2-core VM while watch's work (a path, an open, a read per name; a watch per folder) is the same.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/watch_lib.bash"
set -e

B="$T/big"
python3 -c '
import os, sys
root = sys.argv[1]
words = b"ward order dose result report schedule nurse patient "
for d in range(500):
    p = os.path.join(root, "d%03d" % (d // 25), "s%03d" % d)
    os.makedirs(p)
    for i in range(200):
        name = os.path.join(p, "n%03d.txt" % i)
        if i < 20:
            with open(name, "wb") as f:
                f.write(words * (1 + i % 5) + b"%d" % d)
        else:
            os.link(os.path.join(p, "n%03d.txt" % (i % 20)), name)
' "$B"
make_share "$B/corner" 60 5
n=$(find "$B" -type f | wc -l)
CHECKS=$((CHECKS + 1))
[ "$n" -ge 100000 ] || fail "the tree has $n files"

echo "tree made at ${SECONDS}s"
for src in fanotify fanotify-fs inotify; do
	start_watch "$src" "$B"
	"$LIFEBOAT" drill ransomware --dir "$B/corner" --rate 200 --limit 40 >/dev/null
	wait_alert "a['rule'] == 'encryption' and a['severity'] in ('high','critical') and a['path'].startswith('$B/corner')" 60 \
		"$src: events seen in a 100,000-file tree"
	echo "$src alert at ${SECONDS}s"
	stop_watch
	echo "$src stopped at ${SECONDS}s"
	python3 - "$WOUT" "$src" <<'PY' || fail "$src: summary: $(cat "$WOUT")"
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["baseline_files"] >= 100000, s
assert s["files_tracked"] >= 100000, s
if sys.argv[2] != "fanotify-fs":
    assert s["dirs_watched"] >= 520, s # a watch or a mark on every folder
print(sys.argv[2], "baseline", s["baseline_files"], "files in", s["baseline_ms"], "ms")
PY
	"$LIFEBOAT" drill ransomware --dir "$B/corner" --undo >/dev/null
done

finish
