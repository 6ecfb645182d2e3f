#!/usr/bin/env bash
# lifeboat incident cards (issue 15): the shipped action cards are copied into the incident at declare; they are
# listed by team and phase in English and Japanese (text and JSON); two teams complete cards and one is assigned,
# each a timeline entry that verify accepts; done twice and an unknown card are refused (exit 2, one line); a
# hospital's card folder with a mistake is refused with FILE:LINE and the incident keeps its cards and timeline
# (counted before and after); a good folder replaces them; the contact chart prints, checks and renders a PDF whose
# text pdftotext reads back.
. "$LB_SRC/tests/integration/lib.bash"
set -e
export TZ=Asia/Tokyo
I="$T/hq/incident.db"
mkdir -p "$T/hq"
inc() { run "$LIFEBOAT" incident "$@"; }
counts() { sqlite3 "$I" 'SELECT (SELECT count(*) FROM entries) || "/" || (SELECT count(*) FROM cards) || "/" || (SELECT count(*) FROM card_steps)'; }

inc declare --incident "$I" --title "訓練 ランサムウェア" --drill --as "情報システム課 佐藤"
expect_rc 0 "declare"
expect_out "declared with [0-9]+ action cards" "declare says how many cards it copied"
[ "$(sqlite3 "$I" 'PRAGMA user_version')" = 4 ] || fail "a new file is not schema version 4"

# listing by team and phase, English
inc cards --incident "$I" --team recovery --phase initial --steps
expect_rc 0 "cards --team recovery --phase initial"
expect_out "^system recovery team" "the team's heading"
expect_out "recovery-isolate +\[initial response\] due [0-9/]+ [0-9:]+ +open" "isolate card, its due and state"
expect_out "Isolate the network in MHLW's order" "English title"
expect_out "1\. First cut the network paths to the backups" "MHLW's order: the backups first"
expect_out "2\. Then cut the outside connections" "then outside connections"
expect_out "3\. .*segment boundaries" "then segment boundaries"
grep -q "liaison-" "$T/out" && fail "--team recovery listed another team's card"
grep -q "recovery-restore" "$T/out" && fail "--phase initial listed a recovery-phase card"
inc cards --incident "$I" --phase normal
expect_rc 0 "cards --phase normal"
expect_out "hq-prepare-drill" "preparation cards of normal times"
# Japanese
LIFEBOAT_LANG=ja inc cards --incident "$I" --team 広報・渉外班
expect_rc 0 "cards --team in Japanese"
expect_out "^広報・渉外班" "Japanese heading"
expect_out "liaison-mhlw +\[初動対応\] 期限 .*未着手" "Japanese phase, due and state"
expect_out "厚生労働省に第一報を入れる — 担当: 広報・渉外班長" "Japanese title and owner"
inc cards --incident "$I" --team kitchen
expect_rc 2 "unknown team"
expect_one_line_err "unknown team"

# two teams complete cards, one is assigned
inc done --incident "$I" recovery-isolate --note "バックアップ系 LAN 抜線 03:40" --as "SE 田中"
expect_rc 0 "done by recovery"
expect_out "card recovery-isolate done \(entry #2\)" "done says its entry"
inc done --incident "$I" liaison-mhlw --as "総務 鈴木"
expect_rc 0 "done by liaison"
inc assign --incident "$I" patients-call-lists --to "医事課 山本" --as 院長
expect_rc 0 "assign"
expect_out "assigned to 医事課 山本 \(entry #4\)" "assign says its entry"
inc done --incident "$I" recovery-isolate --as "SE 田中"
expect_rc 2 "done twice"
expect_one_line_err "done twice"
expect_err "card 'recovery-isolate' is already done \(by SE 田中 at .*#2\)" "done twice says by whom"
inc done --incident "$I" recovery-nosuch
expect_rc 2 "unknown card"
expect_one_line_err "unknown card"
expect_err "no card 'recovery-nosuch'" "the unknown card named"
inc assign --incident "$I" liaison-police
expect_rc 2 "assign without --to"
expect_one_line_err "assign without --to"

inc cards --incident "$I" --json
expect_rc 0 "cards --json"
python3 - "$T/out" <<'PY' || fail "cards --json does not carry the states"
import json, sys
d = json.load(open(sys.argv[1]))
c = {k["id"]: k for k in d["cards"]}
assert d["incident"] == 1 and d["loaded_by"] == 1 and d["source"] == "defaults"
assert c["recovery-isolate"]["status"] == "done" and c["recovery-isolate"]["done_by"] == "SE 田中"
assert c["recovery-isolate"]["note"] == "バックアップ系 LAN 抜線 03:40" and c["recovery-isolate"]["done_entry"] == 2
assert c["liaison-mhlw"]["status"] == "done" and c["liaison-mhlw"]["note"] is None
assert c["patients-call-lists"]["status"] == "assigned" and c["patients-call-lists"]["assigned_to"] == "医事課 山本"
assert c["hq-declare"]["status"] == "open" and c["hq-declare"]["due_minutes"] == 30
assert c["recovery-isolate"]["title"]["en"] == "Isolate the network in MHLW's order"
assert len({k["team"] for k in d["cards"]}) == 6
PY
inc timeline --incident "$I"
expect_out "^#2 .*card recovery-isolate done \[system recovery team\] バックアップ系 LAN 抜線 03:40 — SE 田中" "timeline shows the done entry"
expect_out "^#4 .*card patients-call-lists assigned to \[in-hospital patient response team\] 医事課 山本" "timeline shows the assignment"
inc verify --incident "$I"
expect_rc 0 "verify after the cards"
expect_out "timeline intact: 4 entries" "verify counts the card entries"

# a hospital's folder with a mistake: refused with FILE:LINE, and nothing recorded changes
before=$(counts)
bad="$T/cards-bad"
cp -r "$LB_SRC/data/incident/cards" "$bad"
sed -i '0,/    due: 1h/s//    due: 1hour/' "$bad/recovery.yaml"
line=$(grep -n "due: 1hour" "$bad/recovery.yaml" | cut -d: -f1)
inc cards --incident "$I" --load "$bad"
expect_rc 2 "a malformed card folder"
expect_one_line_err "a malformed card folder"
expect_err "$bad/recovery.yaml:$line: card '[a-z-]+': due '1hour' is not an offset" "file, line and reason"
[ "$(counts)" = "$before" ] || fail "a refused card folder changed the incident: $before → $(counts)"
inc cards --check "$bad"
expect_rc 2 "--check on the malformed folder"
expect_err "recovery.yaml:$line:" "--check names the line"
cp "$LB_SRC/data/incident/cards/recovery.yaml" "$bad/"
printf 'team: safety\ncards:\n  - id: hq-declare\n    phase: initial\n    title: 重複\n' >"$bad/zz-extra.yaml"
inc cards --check "$bad"
expect_rc 2 "a duplicate id"
expect_err "zz-extra.yaml:3: card id 'hq-declare' is used twice \(first at .*hq.yaml:[0-9]+\)" "the duplicate names both places"
printf 'team: safety\ncards:\n  - id: safety-x\n    phase: initial\n    titel: x\n' >"$bad/zz-extra.yaml"
LIFEBOAT_LANG=ja inc cards --incident "$I" --load "$bad"
expect_rc 2 "unknown key, in Japanese"
expect_one_line_err "unknown key, in Japanese"
expect_err "zz-extra.yaml:5: カードに不明なキー 'titel' があります" "Japanese reason with file and line"
[ "$(counts)" = "$before" ] || fail "a refused card folder changed the incident"
inc declare --incident "$T/hq/other.db" --title x --cards "$bad"
expect_rc 2 "declare with a malformed folder"
[ ! -e "$T/hq/other.db" ] || fail "declare with bad cards created the incident file"

# a good folder replaces the cards; the state of the ids that stay is kept
good="$T/cards-good"
inc cards --export-defaults "$good"
expect_rc 0 "--export-defaults"
diff -r "$LB_SRC/data/incident/cards" "$good" >/dev/null || fail "--export-defaults did not write the shipped cards"
inc cards --export-defaults "$good"
expect_rc 2 "--export-defaults never overwrites"
expect_one_line_err "--export-defaults never overwrites"
sed -i 's/Isolate the network in MHLW.s order/Isolate the network (our order)/' "$good/recovery.yaml"
inc cards --check "$good"
expect_rc 0 "--check on a good folder"
expect_out "cards, all valid" "--check says it is valid"
inc cards --incident "$I" --load "$good" --as "情報システム課 佐藤"
expect_rc 0 "--load a good folder"
expect_out "cards loaded from .* \(entry #5\)" "the load is a timeline entry"
inc cards --incident "$I" --team recovery
expect_out "Isolate the network \(our order\)" "the hospital's text"
expect_out "recovery-isolate .*done by SE 田中" "the done state survives the reload"
inc verify --incident "$I"
expect_rc 0 "verify after the reload"

# the cards tables edited behind the library's back: verify says so
cp "$I" "$T/tampered.db"
sqlite3 "$T/tampered.db" "DROP TRIGGER cards_no_update; UPDATE cards SET title_en = 'x' WHERE id = 'hq-declare' AND load = 5"
inc verify --incident "$T/tampered.db"
expect_rc 1 "verify with edited cards"
expect_out "cards loaded by entry #5 were changed" "verify names the load entry"

# the contact chart
inc contacts
expect_rc 0 "contacts (template)"
expect_out "MHLW" "template lists MHLW"
expect_out "医政局 特定医薬品開発支援・医療情報担当参事官室" "the MHLW office"
expect_out "contacts have no phone number" "the template's gaps counted"
C="$T/hq/contacts.yaml"
inc contacts --export-template "$C"
expect_rc 0 "contacts --export-template"
cmp -s "$C" "$LB_SRC/data/incident/contacts.yaml" || fail "--export-template did not write the template"
sed -i '0,/    phone: 未設定/s//    phone: 03-1234-5678/' "$C"
sed -i 's/^hospital: 未設定/hospital: 市立テスト病院/; s/org: 電子カルテ事業者 (未設定)/org: テスト電子カルテ株式会社/' "$C"
inc contacts --check "$C"
expect_rc 0 "contacts --check"
expect_out "9 contacts, valid; 8 still without" "--check counts the gaps"
inc contacts --file "$C" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["hospital"]=="市立テスト病院"; assert d["contacts"][0]["phone"]=="03-1234-5678" and not d["contacts"][0]["unset"]; assert {c["kind"] for c in d["contacts"]} >= {"ehr-vendor","network-vendor","mhlw","police","prefecture","health-centre","ppc","regional-hospital","media"}' "$T/out" || fail "contacts --json"
inc contacts --file "$C" --pdf "$T/contacts.pdf"
expect_rc 0 "contacts --pdf"
# in reading order, a cell's lines joined (the table wraps long names inside their cells)
pdftotext "$T/contacts.pdf" - | tr -d '\n' >"$T/contacts.txt"
for w in "連絡網 Contact chart — 市立テスト病院" "03-1234-5678" "特定医薬品開発支援" "個人情報保護委員会" "ダウンタイム用控え" "テスト電子カルテ株式会社" "網掛けの 8 件は電話番号か組織名が未設定"; do
	grep -q -- "$w" "$T/contacts.txt" || fail "contacts PDF lacks '$w'"
done
printf 'contacts:\n  - kind: mhlw\n    org: 厚労省\n  - kind: police\n    phone: 110\n' >"$T/bad-contacts.yaml"
inc contacts --check "$T/bad-contacts.yaml"
expect_rc 2 "a contact without org"
expect_one_line_err "a contact without org"
expect_err "bad-contacts.yaml:4: the contact has no org" "contacts error names file and line"
inc contacts --file "$T/bad-contacts.yaml" --pdf "$T/bad.pdf"
expect_rc 2 "no PDF from a bad chart"
[ ! -e "$T/bad.pdf" ] || fail "a bad chart wrote a PDF"
finish
