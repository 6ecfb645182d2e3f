#!/usr/bin/env bash
# An ordinary working day on a watched share raises no high or critical alert, through fanotify and inotify:
# gzip replacing many originals, a tar --zstd archive, sqlite3 writes, compiling a small C project, renaming a
# folder, a bulk rm, cp -r of a folder, in-place edits of text files, and one user encrypting one file (gpg).
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/watch_lib.bash"
set -e

S="$T/share"
mkdir -m 700 "$T/gnupg"
make_share "$S" 300

working_day() {
	local d="$S/work-$1"
	mkdir -p "$d"
	cp -r "$S/nursing" "$d/nursing-copy"                         # copying a folder
	gzip -r "$d/nursing-copy"                                     # gzip replaces the originals
	tar --zstd -cf "$d/pharmacy.tar.zst" -C "$S" pharmacy         # an archive
	sqlite3 "$d/ward.db" "create table t(id integer primary key, v text);" # database writes
	for i in $(seq 1 40); do
		sqlite3 "$d/ward.db" "insert into t(v) values (hex(randomblob(200)));"
	done
	mkdir -p "$d/proj"                                           # compiling a small C project
	for i in 1 2 3 4 5; do
		printf 'int f%d(int x) { return x * %d; }\n' "$i" "$i" >"$d/proj/f$i.c"
	done
	printf 'int f1(int);\nint main(void) { return f1(0); }\n' >"$d/proj/main.c"
	(cd "$d/proj" && for c in *.c; do cc -c "$c" -o "${c%.c}.o"; done && cc -o app ./*.o && ar rcs libf.a f*.o)
	mv "$d/nursing-copy" "$d/nursing-renamed"                    # renaming a folder
	for f in "$S"/lab/0000/*.txt "$S"/lab/0000/*.csv; do          # in-place edits of text files
		[ -f "$f" ] && sed -i 's/ward/WARD/' "$f"
	done
	cp -r "$S/radiology" "$d/radiology-old"
	rm -r "$d/radiology-old"                                     # bulk delete
	echo "handover notes" >"$d/secret.txt"                       # one user encrypting one file
	GNUPGHOME="$T/gnupg" gpg --quiet --batch --yes --pinentry-mode loopback --passphrase drill --symmetric -o "$d/secret.txt.gpg" "$d/secret.txt"
	rm -f "$d/secret.txt"
}

for src in fanotify fanotify-fs inotify; do
	start_watch "$src" "$S"
	working_day "$src"
	sleep 2 # let the last events be read
	stop_watch
	CHECKS=$((CHECKS + 1))
	n=$(count_alerts "a['severity'] in ('high','critical')")
	[ "$n" -eq 0 ] || fail "$src: $n high/critical alerts on a benign day: $(grep -E '"severity":"(high|critical)"' "$ALERTS" | head -c 2000)"
	CHECKS=$((CHECKS + 1))
	[ "$WRC" -eq 0 ] || fail "$src: watch exit $WRC after a benign day"
	echo "$src: alerts below high: $(python3 -c 'import json,sys,collections; print(dict(collections.Counter((a["rule"], a["severity"]) for a in map(json.loads, open(sys.argv[1])))))' "$ALERTS")"
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; assert s["events"] > 500, s' "$WOUT" ||
		fail "$src: the working day was not seen: $(cat "$WOUT")"
done

finish
