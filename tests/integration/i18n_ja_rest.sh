#!/usr/bin/env bash
# Japanese for every message of watch, the drill, the station, print, the EHR readers and ingest (issue 13): under
# LIFEBOAT_LANG=ja a ransomware drill and its result, the alerts' sentences for people (detail, response; rule and
# severity stay codes), watch's own lines and bad options, a station that cannot start (a bad port, no store, half
# a TLS pair, a missing certificate), a refresh from a folder with no export, print with no store or a bad date,
# the warnings of a damaged SS-MIX2 file on ingest's stderr, and the station's header naming the role as a Japanese
# reader calls it (薬剤師) — none carries the English words they used to. The bookings list shows HH:MM, never the
# seconds of the feed. English stays English under en.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/watch_lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
trap 'if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; fi; cleanup_bg' EXIT

# The English words the messages of these modules were written with (whole words; $T is taken out of the text
# first, and option names and the drill's marker file, so that a path or an option never matches). Codes that stay (rule, severity, option names) are not read.
CODES='\b(cannot|skipping|skipped|keeps|marker|drill|undo|undone|restored|encrypted|files|lost|structure|random|renamed|deleted|created|ransom|canary|overflowed|watched|watching|stopped|pinned|alerts|bad|port|host|address|wants|together|holds|neither|nor|store|patient|missing|folder|date|not|damaged|read|version|records|parts|separated|expected|message|segment|good|last|stays|role|pharmacist|No such file)\b'
no_codes() { # no_codes FILE "what"
	CHECKS=$((CHECKS + 1))
	sed -E "s|$T|T|g; s/--[a-z][a-z-]*//g; s/\.lifeboat-drill[a-z-]*//g" "$1" >"$1.rel"
	if grep -qE -- "$CODES" "$1.rel"; then
		fail "$2 carries English words: $(grep -oE -- "$CODES" "$1.rel" | sort | uniq -c | tr '\n' ' ') in: $(grep -E -- "$CODES" "$1.rel" | head -3)"
	fi
}
ja_err() { # ja_err "what" ARGS…: exit 2, one line, Japanese
	local what=$1
	shift
	run env LIFEBOAT_LANG=ja "$LIFEBOAT" "$@"
	expect_rc 2 "$what"
	expect_one_line_err "$what"
	no_codes "$T/err" "$what"
}

run "$LIFEBOAT" synth --out "$T/h" --patients 8 --seed 3
expect_rc 0 "synth"
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --appointments "$T/h/appointments.csv" --drugs "$T/h/drugs.csv"
CHECKS=$((CHECKS + 1))
[ "$RC" -le 1 ] || fail "ingest: exit $RC: $(head -c 300 "$T/err")"

# ---- the drill and watch -------------------------------------------------------------------------------------------
S="$T/kyoyu"
make_share "$S" 60
mkdir -p "$T/plain"
ja_err "a drill outside a marked folder" drill ransomware --dir "$T/plain"
expect_err "目印のファイル \.lifeboat-drill がありません" "the missing marker in Japanese"
ja_err "undo with no drill" drill ransomware --dir "$S" --undo
expect_err "元に戻す訓練はありません" "no drill to undo, in Japanese"
ja_err "a bad --source" watch --source sideways "$S"
ja_err "a bad --for" watch --for soon "$S"
ja_err "watch without a folder" watch --for 1s
run env LIFEBOAT_LANG=en "$LIFEBOAT" drill ransomware --dir "$T/plain"
expect_err "holds no \.lifeboat-drill marker file: the drill only touches folders marked for it" "English stays under en"

# watch in Japanese (its own start-up line too), the drill in Japanese, the alert's sentences in Japanese
: >"$ALERTS"
LIFEBOAT_LANG=ja "$LIFEBOAT" watch --source inotify --alerts "$ALERTS" "$S" >"$T/wout" 2>"$T/werr" &
WPID=$!
BG_PIDS="$BG_PIDS $WPID"
for _ in $(seq 1 600); do
	grep -q "監視: 監視中" "$T/werr" && break
	kill -0 "$WPID" 2>/dev/null || break
	sleep 0.1
done
CHECKS=$((CHECKS + 1))
grep -q "監視: 監視中 (1 フォルダ、inotify" "$T/werr" || fail "watch says it is watching, in Japanese: $(head -c 400 "$T/werr")"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" drill ransomware --dir "$S" --rate 0 --mode copy-delete --note
expect_rc 0 "the drill"
expect_out "^訓練: [0-9]+ ファイルを暗号化しました \(copy-delete、" "the drill's result in Japanese"
no_codes "$T/out" "the drill's result"
ja_err "a second drill before the undo" drill ransomware --dir "$S"
expect_err "前回の訓練がまだ元に戻されていません" "a drill not undone, in Japanese"
wait_alert "a['severity'] in ('high','critical') and a['rule'] in ('encryption','ransom_extension','ransom_note')" 60 \
	"the drill is caught"
sleep 1
kill -TERM "$WPID" 2>/dev/null || true
wait "$WPID" 2>/dev/null || true
python3 - "$ALERTS" >"$T/human.txt" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        a = json.loads(line)
        for k in ("detail", "response", "vault_pin"):
            if a.get(k):
                print(a[k])
PY
CHECKS=$((CHECKS + 1))
grep -qE '10 秒間に [0-9]+ 個のファイルが' "$T/human.txt" || fail "the alerts' detail in Japanese: $(head -c 600 "$T/human.txt")"
no_codes "$T/human.txt" "the alerts' sentences for people"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; [json.loads(l)["rule"].encode("ascii") for l in open(sys.argv[1]) if l.strip()]' "$ALERTS" ||
	fail "the alerts' rule stays a code"
no_codes "$T/werr" "watch's stderr"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" drill ransomware --dir "$S" --undo
expect_rc 0 "undo the drill"
expect_out "ファイルを復元し、脅迫文 [0-9]+ 件を削除しました" "the undo's result in Japanese"

# ---- the station cannot start --------------------------------------------------------------------------------------
ja_err "a bad port" station --db "$DB" --listen 127.0.0.1:99999
expect_err "'127\.0\.0\.1:99999' のポート番号が不正です" "a bad port in Japanese"
ja_err "--listen without a port" station --db "$DB" --listen localhost
expect_err "--listen には HOST:PORT を指定してください" "--listen without a port, in Japanese"
ja_err "a bad IPv4 address" station --db "$DB" --listen 300.1.1.1:8080
expect_err "IPv4 アドレスが不正です" "a bad address in Japanese"
ja_err "no store" station --db "$T/none.db" --listen 127.0.0.1:0
expect_err "ストア '.*none\.db' がありません" "no store, in Japanese"
ja_err "half a TLS pair" station --db "$DB" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem"
expect_err "--tls-cert と --tls-key は一緒に指定してください" "half a TLS pair, in Japanese"
ja_err "a missing certificate" station --db "$DB" --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
run env LIFEBOAT_LANG=en "$LIFEBOAT" station --db "$DB" --listen 127.0.0.1:99999
expect_err "bad port in '127\.0\.0\.1:99999'" "English stays under en"
mkdir -p "$T/noexport"
ja_err "a refresh from a folder with no export" station refresh --db "$DB" --from-dir "$T/noexport"
expect_err "には ssmix2/ も fhir/ もありません" "a refresh with a bad source, in Japanese"

# ---- print ---------------------------------------------------------------------------------------------------------
ja_err "print with no store" print pack --db "$T/none.db" --ward 5B --out "$T/pack"
ja_err "print calls of a bad date" print appointments --db "$DB" --date 2026-13-45 --out "$T/calls.pdf"
expect_err "'2026-13-45' は日付ではありません" "a bad date in Japanese"

# ---- a file that is not a store: SQLite's own words (English only) are said in Japanese ----------------------------
echo "this is no database, only text long enough to be read as a header............................." >"$T/not-a-store.db"
ja_err "search in a file that is not a database" search --db "$T/not-a-store.db" 山田
expect_err "データベースファイルではありません" "SQLite's 'file is not a database' in Japanese"

# ---- a damaged SS-MIX2 file and a misnamed one: the warnings of ingest in Japanese -------------------------------
cp "$DB" "$T/dmg.db"
adt=$(find "$T/h/ssmix2" -type f -path '*ADT-00*' | sort | head -1)
head -c 3000 /dev/urandom >"$adt"
omp=$(find "$T/h/ssmix2" -type f -path '*/OMP-01/*' | sort | head -1)
mv "$omp" "$(dirname "$omp")/misnamed.txt"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" ingest --db "$T/dmg.db" --ssmix2 "$T/h/ssmix2"
expect_rc 1 "ingest of a damaged file"
expect_err "形式の誤り: 読めません: 前回正常に読めた版の内容をストアに残しています \(そのデータ種別のメッセージとして読めません\)" \
	"the damaged file's warning in Japanese"
expect_err "misnamed\.txt: 形式の誤り: SS-MIX2 のファイルではありません: '_' で区切られた部分が [0-9]+ 個です \(7 個のはず\)" \
	"the misnamed file's warning in Japanese"
no_codes "$T/err" "ingest's warnings"

# ---- the station: the role in the header, the bookings' times ------------------------------------------------------
PW='station rest test password'
run "$LIFEBOAT" user add --db "$DB" --name pharm1 --role pharmacist <<<"$PW"
expect_rc 0 "user add"
start_server
login "$T/jar" pharm1 "$PW"
req hdr_ja -b "$T/jar" -c "$T/jar" "$U/search?lang=ja"
expect_status 200 "a page in Japanese"
expect_body hdr_ja '<span class="user">pharm1 \(薬剤師\)</span>' "the role as a Japanese reader calls it"
day=$(iconv -f CP932 -t UTF-8 "$T/h/appointments.csv" | sed -n '2p' | cut -d, -f4 | cut -c1-10)
# The feeds of today store minutes; a store whose bookings carry seconds (an older store, a feed of another
# system) is listed in minutes all the same.
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed" >&2; exit 1; }
sqlite3 "$DB" "UPDATE appointments SET start = start || ':00' WHERE length(start) = 16"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM appointments WHERE start LIKE '$day%' AND length(start) = 19")" -gt 0 ] ||
	fail "bookings with seconds on $day"
req appts -b "$T/jar" -c "$T/jar" "$U/appointments?date=$day"
expect_status 200 "the bookings of $day"
expect_body appts '<tr class="[a-z]*"><td>[0-9]{2}:[0-9]{2}</td>' "a booking's time is HH:MM"
expect_no_body appts '<td>[0-9]{2}:[0-9]{2}:[0-9]{2}</td>' "no seconds on the bookings list"
req hdr_en -b "$T/jar" -c "$T/jar" "$U/search?lang=en"
expect_body hdr_en '<span class="user">pharm1 \(pharmacist\)</span>' "the role's English word under en"
stop_server
finish
