#!/usr/bin/env bash
# lifeboat incident (issue 15): a drill through the CLI only — declare, phases, notes by several teams, decisions,
# a report made, a correction — gives a timeline that verify accepts and deadlines counted from --known-at; the
# file edited directly with sqlite3 (an entry altered, removed, reordered, entries cut off the end) makes verify
# exit 1 naming the entry; bad input is one line on stderr, exit 2, and the file unchanged.
. "$LB_SRC/tests/integration/lib.bash"
set -e
export TZ=Asia/Tokyo
I="$T/hq/incident.db"
mkdir -p "$T/hq"
inc() { run "$LIFEBOAT" incident "$@"; }
entries() { sqlite3 "$I" 'SELECT count(*) FROM entries'; }

# nothing declared yet
inc status --incident "$I"
expect_rc 2 "status before any declaration"
expect_one_line_err "status before any declaration"
expect_err "no incident file" "status before any declaration names the missing file"
[ ! -e "$I" ] || fail "status created the incident file"
inc log --incident "$I" "something"
expect_rc 2 "log before any declaration"
inc status
expect_rc 2 "no --incident nor --db"
expect_one_line_err "no --incident nor --db"
# a declaration the library refuses before any timeline is read leaves no file behind (none was there)
inc declare --incident "$I" --title "$(printf 'ランサムウェア\001疑い')"
expect_rc 2 "a control character in the title"
expect_one_line_err "a control character in the title"
expect_err "control character" "the title's control character is said"
inc declare --incident "$I" --title "古い" --known-at "1999-12-31 23:00"
expect_rc 2 "known at before 2000"
expect_one_line_err "known at before 2000"
inc declare --incident "$I" --title "記録者" --as "$(printf '佐藤\033[2J')"
expect_rc 2 "a control character in --as"
expect_one_line_err "a control character in --as"
CHECKS=$((CHECKS + 1))
[ ! -e "$I" ] && [ ! -e "$I-wal" ] && [ ! -e "$I-journal" ] || fail "a refused declaration left a file: $(ls "$T/hq")"

# the drill: learned of at 03:10 local time, two days ago
known=$(date -d '-2 days' '+%Y-%m-%d 03:10')
shown=$(date -d '-2 days' '+%Y/%m/%d 03:10')
inc declare --incident "$I" --title "電子カルテ停止 ランサムウェア疑い" --drill --malicious --known-at "$known" --as "情報システム課 佐藤"
expect_rc 0 "declare"
expect_out "incident #1 declared" "declare says its number"
inc declare --incident "$I" --title "second"
expect_rc 2 "a second open incident"
expect_one_line_err "a second open incident"
expect_err "#1 .*still open" "a second open incident names the open one"
inc phase --incident "$I" --set initial --note "ネットワーク遮断を開始" --as "情報システム課 佐藤"
expect_rc 0 "phase initial"
inc phase --incident "$I" --set containment
expect_rc 2 "unknown phase"
expect_one_line_err "unknown phase"
expect_err "no phase 'containment'" "unknown phase named"
inc phase --incident "$I" --set 初動対応
expect_rc 2 "the phase it is already in"
expect_one_line_err "the phase it is already in"
inc log --incident "$I" --team recovery --kind action --as "SE 田中" "VPN 装置の LAN を抜線 03:04"
expect_rc 0 "log action"
inc log --incident "$I" --team records --kind action --as "診療録 鈴木" "紙カルテ様式を各病棟へ配布"
expect_rc 0 "log records"
inc log --incident "$I" --team recovery --kind evidence "感染端末 1 台のディスクイメージを保全"
expect_rc 0 "log evidence"
inc decide --incident "$I" --as "院長" "外来新規受付を停止"
expect_rc 0 "decide"
expect_out "decision recorded as entry #6" "decide says its number"
inc log --incident "$I" --team liaison --reported police --as "総務 山本" "県警サイバー犯罪対策課に電話で相談"
expect_rc 0 "a report made"
inc log --incident "$I" --corrects 3 "抜線は 03:40 (03:04 ではない)"
expect_rc 0 "a correction"
inc log --incident "$I" --kind rumour "x"
expect_rc 2 "unknown kind"
expect_one_line_err "unknown kind"
inc log --incident "$I" --team kitchen "x"
expect_rc 2 "unknown team"
expect_one_line_err "unknown team"
inc log --incident "$I" --corrects 99 "x"
expect_rc 2 "a correction of no entry"
expect_one_line_err "a correction of no entry"
inc declare --incident "$T/other.db" --title x --known-at "yesterday"
expect_rc 2 "bad time"
expect_one_line_err "bad time"
[ ! -e "$T/other.db" ] || fail "a refused declare created its file"
inc declare --incident "$T/other.db" --title x --known-at "$(date -d '+2 days' '+%Y-%m-%d %H:%M')"
expect_rc 2 "a time in the future"
expect_one_line_err "a time in the future"
[ ! -e "$T/other.db" ] || fail "a declare in the future created its file"
[ "$(entries)" = 8 ] || fail "refused commands wrote entries: $(entries)"

inc status --incident "$I"
expect_rc 0 "status"
expect_out "incident #1: 電子カルテ停止 ランサムウェア疑い \[DRILL\]" "status title"
expect_out "phase initial response" "status phase"
expect_out "learned of it: $shown" "status shows --known-at in local time"
expect_out "#6 .*外来新規受付を停止 — 院長 \(OS: " "status current decision with its writer"
expect_out "not yet made \[OVERDUE\]" "MHLW at once, not made: overdue"
expect_out "made .* \(#7\)" "police report made by entry #7"
expect_out "\[corrected by #8\]" "the corrected entry is marked"
expect_out "— .* \(OS account; no --as\)" "no --as: the OS account, marked as such"
inc status --incident "$I" --json
expect_rc 0 "status --json"
jq -e '.phase == "initial" and .drill and .malicious and (.decisions | length) == 1 and .entries == 8' "$T/out" >/dev/null ||
	fail "status --json: $(head -c 600 "$T/out")"
known_s=$(date -d "$known" +%s)
known_utc=$(date -u -d "@$known_s" '+%Y-%m-%dT%H:%M:%SZ')
jq -e --arg k "$known_utc" '.known_at == $k' "$T/out" >/dev/null || fail "status --json known_at is $known_utc"
jq -e '[.deadlines[] | {(.report): .}] | add | .mhlw.overdue and (.police.overdue | not) and .police.made
	and (.["ppc-preliminary"].overdue | not) and (.["ppc-final"].overdue | not)' "$T/out" >/dev/null ||
	fail "status --json deadlines: $(jq -c .deadlines "$T/out")"
ppc_final=$(date -u -d "@$((known_s + 60 * 86400))" '+%Y-%m-%dT%H:%M:%SZ')
jq -e --arg d "$ppc_final" '.deadlines[3].due == $d' "$T/out" >/dev/null || fail "PPC final due 60 days after (malicious)"

LIFEBOAT_LANG=ja run "$LIFEBOAT" incident status --incident "$I"
expect_rc 0 "status in Japanese"
expect_out "インシデント #1「電子カルテ停止 ランサムウェア疑い」 \[訓練\]" "Japanese title"
expect_out "フェーズ 初動対応" "Japanese phase"
expect_out "未報告 \[期限超過\]" "Japanese overdue"
LIFEBOAT_LANG=ja run "$LIFEBOAT" incident phase --incident "$I" --set nowhere
expect_rc 2 "Japanese error"
expect_err "フェーズ 'nowhere' はありません" "Japanese error text"

inc timeline --incident "$I"
expect_rc 0 "timeline"
[ "$(wc -l <"$T/out")" = 8 ] || fail "timeline has 8 lines: $(cat "$T/out")"
expect_out "^#8 .*抜線は 03:40 .*\(corrects #3\)" "timeline correction"
inc list --incident "$I"
expect_rc 0 "list"
expect_out "^#1 .*\[DRILL\] +initial response +open +8 entries" "list"

inc verify --incident "$I"
expect_rc 0 "verify intact"
expect_out "timeline intact: 8 entries" "verify intact count"
head=$(sed -n 's/.*head \([0-9a-f]\{16\}\).*/\1/p' "$T/out")
[ -n "$head" ] || fail "verify prints the head"

# UPDATE and DELETE are refused by the file itself
run sqlite3 "$I" "UPDATE entries SET text = 'x' WHERE seq = 4"
[ "$RC" -ne 0 ] || fail "an UPDATE of the timeline was accepted"
run sqlite3 "$I" "DELETE FROM entries WHERE seq = 4"
[ "$RC" -ne 0 ] || fail "a DELETE from the timeline was accepted"

# edits made directly (triggers dropped first), each on a copy
untrigger="DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;"
tampered() { # tampered NAME SQL: a copy of the file edited with SQL
	cp "$I" "$T/$1.db"
	sqlite3 "$T/$1.db" "$untrigger $2"
	run "$LIFEBOAT" incident verify --incident "$T/$1.db"
}
tampered altered "UPDATE entries SET text = '外来新規受付を継続' WHERE seq = 6"
expect_rc 1 "verify altered"
expect_out "entry #6 was altered" "verify names the altered entry"
tampered author "UPDATE entries SET author = '副院長' WHERE seq = 6"
expect_rc 1 "verify altered writer"
expect_out "entry #6 was altered" "verify names the entry whose writer changed"
tampered removed "DELETE FROM entries WHERE seq = 5"
expect_rc 1 "verify removed"
expect_out "entry #5 was removed" "verify names the removed entry"
tampered reordered "UPDATE entries SET seq = -1 WHERE seq = 4; UPDATE entries SET seq = 4 WHERE seq = 5; UPDATE entries SET seq = 5 WHERE seq = -1"
expect_rc 1 "verify reordered"
expect_out "entry #4 was reordered \(it was written after #5\)" "verify names the reordered entry"
tampered cut "DELETE FROM entries WHERE seq >= 7"
expect_rc 0 "entries cut off the end hold together alone"
run "$LIFEBOAT" incident verify --incident "$T/cut.db" --head "$head"
expect_rc 1 "verify --head after a cut"
expect_out "no entry has the head $head" "verify --head names the lost head"
run "$LIFEBOAT" incident verify --incident "$T/cut.db" --head "$head" --json
jq -e '.ok == false and .status == "head-gone" and .entries_checked == 6' "$T/out" >/dev/null || fail "verify --json head-gone: $(cat "$T/out")"
run "$LIFEBOAT" incident verify --incident "$I" --head "$head"
expect_rc 0 "verify --head on the intact file"
run "$LIFEBOAT" incident verify --incident "$I" --head nothex
expect_rc 2 "verify --head with no hash"
expect_one_line_err "verify --head with no hash"

# close; a new incident may follow; --db finds incident.db next to the store
inc close --incident "$I" --note "訓練終了"
expect_rc 0 "close"
inc log --incident "$I" "after the close"
expect_rc 2 "log after the close"
expect_err "no open incident" "log after the close says why"
inc status --incident "$I" --id 1
expect_rc 0 "status of a closed incident"
expect_out "state: closed" "closed state"
mkdir -p "$T/srv"
inc declare --db "$T/srv/clinical.db" --title "本番" --known-at "$(date '+%Y-%m-%d %H:%M')"
expect_rc 0 "declare with --db"
[ -f "$T/srv/incident.db" ] || fail "--db puts incident.db next to the store"
[ ! -e "$T/srv/clinical.db" ] || fail "--db created the store"
inc status --db "$T/srv/clinical.db" --json
jq -e '[.deadlines[] | select(.report == "ppc-final")][0].due as $d | .known_at as $k | ($d | fromdate) - ($k | fromdate) == 30 * 86400' \
	"$T/out" >/dev/null || fail "PPC final 30 days when not malicious: $(jq -c .deadlines "$T/out")"

# twenty writers at once (as twenty stations would): nothing lost, nothing doubled, one chain
S="$T/srv/incident.db"
for w in $(seq 1 20); do
	(for k in 1 2 3; do "$LIFEBOAT" incident log --incident "$S" --as "writer $w" "w$w-$k" >/dev/null 2>>"$T/conc.err" || echo "w$w-$k failed" >>"$T/conc.err"; done) &
done
wait
[ ! -s "$T/conc.err" ] || fail "concurrent writers failed: $(head -c 400 "$T/conc.err")"
[ "$(sqlite3 "$S" "SELECT count(DISTINCT text) FROM entries WHERE type = 'note'")" = 60 ] || fail "concurrent writers: not 60 distinct notes"
[ "$(sqlite3 "$S" "SELECT count(*) FROM entries")" = 61 ] || fail "concurrent writers: not 61 entries"
run "$LIFEBOAT" incident verify --incident "$S"
expect_rc 0 "the chain verifies after concurrent writers"
expect_out "61 entries" "verify counts every concurrent entry"

# the clinical store is never written as an incident file
sqlite3 "$T/clinical.db" "CREATE TABLE patients(id TEXT); INSERT INTO patients VALUES('1')"
before=$(sha256sum <"$T/clinical.db")
inc declare --incident "$T/clinical.db" --title x
expect_rc 2 "an incident file that is the clinical store"
expect_one_line_err "an incident file that is the clinical store"
[ "$(sha256sum <"$T/clinical.db")" = "$before" ] || fail "the clinical store was changed"

inc --help
expect_rc 0 "incident --help"
expect_out "verify" "incident --help lists verify"
inc log --help
expect_rc 0 "log --help"
expect_out "--corrects" "log --help teaches corrections"
finish
