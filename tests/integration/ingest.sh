#!/bin/bash
# ingest.sh - `lifeboat ingest`, `patient` and `search` on the golden SS-MIX2 trees (tests/data/ssmix2):
# what the station relies on comes out exactly as the source says; search folds kana, width and 異体字 and reads
# era dates; re-ingest is incremental (unchanged skipped, changes and deletions applied); hostile input gives
# warnings and exit 1, never a crash or a hang; a failed run leaves the store as it was.
set -euo pipefail
: "${LIFEBOAT:?}" "${LB_SRC:?}"
# "today" is the golden data's day: this test is about what ingest keeps, not about orders ending since
# (print_today.sh is); orders are judged active on today (lb_today, docs/print.md)
export LIFEBOAT_TODAY=2026-11-21
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
GOOD="$LB_SRC/tests/data/ssmix2/good"
BAD="$LB_SRC/tests/data/ssmix2/bad"
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
# jq-less JSON checks: python3 evaluates an expression over the parsed document `d`.
check() { # check FILE EXPR [message]
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" ||
		fail "${3:-$2} (in $(cat "$1"))"
}

echo "== ingest the golden tree"
"$LIFEBOAT" ingest --db "$T/c.db" --ssmix2 "$GOOD" --json >"$T/run1.json" || fail "ingest of the good tree exit $?"
check "$T/run1.json" 'd["files_seen"] == 24 and d["files_current"] == 20 and d["files_loaded"] == 20'
check "$T/run1.json" 'd["messages_by_type"]["ADT-00"] == 4 and d["messages_by_type"]["OMP-01"] == 3 and d["messages_by_type"].get("OMD") == 1 and d["raw_only"] == 0'
check "$T/run1.json" 'd["warnings"] == 0 and d["store_warnings"] == 0 and d["patients"] == 4'

echo "== patient --json is the source, exactly"
"$LIFEBOAT" patient --db "$T/c.db" --id 0000012345 --json >"$T/p.json"
check "$T/p.json" 'd["family_kanji"] == "佐藤" and d["given_kanji"] == "花子" and d["name_kanji"] == "佐藤 花子"'
check "$T/p.json" 'd["family_kana"] == "サトウ" and d["given_kana"] == "ハナコ" and d["name_kana"] == "サトウ ハナコ"'
check "$T/p.json" 'd["birth_date"] == "1948-04-05" and d["birth_date_era"] == "昭和23年4月5日" and d["sex"] == "F"'
check "$T/p.json" 'd["phone_home"] == "03-1234-5678" and d["phone_mobile"] == "090-1111-2222"'
check "$T/p.json" 'd["address"] == "東京都千代田区千代田１－１" and d["postal_code"] == "100-0001"' "newest ADT-00 version wins"
check "$T/p.json" 'sorted(a["name"] for a in d["allergies"]) == sorted(["ペニシリン系抗生物質", "ロキソプロフェン", "卵"])' \
	"AL1 and IAM allergies, the IAM deletion applied"
check "$T/p.json" '[a for a in d["allergies"] if a["name"] == "ペニシリン系抗生物質"][0]["reaction"] == "アナフィラキシー"'
check "$T/p.json" '[a for a in d["allergies"] if a["name"] == "ペニシリン系抗生物質"][0]["severity"] == "severe"'
check "$T/p.json" '[(m["drug_name"], m["dose"], m["dose_unit"], m["per_day"], m["days"], m["route"]) for m in d["medications"] if m["kind"] == "rx"] == [("ロキソニン錠６０ｍｇ", 1, "錠", 3, 7, "口"), ("ムコスタ錠１００ｍｇ", 1, "錠", 3, 7, "口")]' \
	"active prescriptions, not the finished one"
check "$T/p.json" '[m["frequency"] for m in d["medications"]][0] == "内服・経口・１日３回朝昼夕食後"'
check "$T/p.json" '[m["drug_name"] for m in d["medications"] if m["kind"] == "injection"] == ["セファゾリンナトリウム注射用１ｇ"]'
check "$T/p.json" '[(p["name"], p["active"], p["main"]) for p in d["problems"]][0] == ("本態性高血圧症", True, True)'
check "$T/p.json" 'any(p["name"] == "急性気管支炎" and not p["active"] for p in d["problems"])'
check "$T/p.json" '[(r["name"], r["value"], r["flag"]) for r in d["results"] if r["name"] == "ＣＲＰ"] == [("ＣＲＰ", "2.30", "H")]'
check "$T/p.json" 'd["census"]["ward"] == "5東" and d["census"]["room"] == "501" and d["census"]["bed"] == "2"'
check "$T/p.json" 'd["census"]["same_surname_in_ward"] and d["same_full_name_in_hospital"]'
"$LIFEBOAT" patient --db "$T/c.db" --id 0000012346 --json >"$T/p2.json"
check "$T/p2.json" 'd["family_kanji"] == "髙橋"' "display text keeps 髙"
check "$T/p2.json" 'd["census"]["ward"] == "5東" and d["census"]["bed"] == "3"' "a cancelled discharge keeps the patient in"
"$LIFEBOAT" patient --db "$T/c.db" --id 0000012348 --json >"$T/p4.json"
check "$T/p4.json" 'd["census"] is None and len(d["admissions"]) == 2' "discharged patient out of the census"
"$LIFEBOAT" patient --db "$T/c.db" --id 0000012347 --json >"$T/p3.json"
check "$T/p3.json" '[(m["drug_name"], m["days"]) for m in d["medications"]] == [("アムロジピン錠５ｍｇ", 14)]' \
	"updated order: newest version; deleted order (flag 0): gone"
check "$T/p3.json" 'd["census"]["ward"] == "5東" and d["census"]["room"] == "502"' "transfer applied"
set +e
"$LIFEBOAT" patient --db "$T/c.db" --id 0000000000 >/dev/null 2>"$T/err"
[ $? = 2 ] || fail "unknown patient should exit 2"
set -e
[ "$(wc -l <"$T/err")" = 1 ] || fail "one-line reason expected"

echo "== search"
ids() { "$LIFEBOAT" search --db "$T/c.db" --json "$@" | python3 -c 'import json,sys; print(" ".join(sorted(h["id"] for h in json.load(sys.stdin)["hits"])))'; }
for q in ｻﾄｳ さとう サトウ サトー 佐藤; do
	[ "$(ids "$q")" = "0000012345 0000012347 0000012348" ] || fail "search '$q' gave '$(ids "$q")'"
done
for q in 髙橋 高橋 タカハシ ﾀｶﾊｼ たかはし; do
	[ "$(ids "$q")" = "0000012346" ] || fail "search '$q' gave '$(ids "$q")'"
done
for q in "佐藤 S23.4.5" "佐藤 昭和23年4月5日" "さとう 1948-04-05" "ｻﾄｳ 19480405" "S23.4.5" "0000012345" "佐藤 花子 s230405"; do
	[ "$(ids $q)" = "0000012345" ] || fail "search '$q' gave '$(ids $q)'"
done
[ "$(ids 00000123)" = "0000012345 0000012346 0000012347 0000012348" ] || fail "ID prefix"
[ "$(ids 佐藤 花子)" = "0000012345 0000012348" ] || fail "surname + given name"
"$LIFEBOAT" search --db "$T/c.db" --json 0000012345 >"$T/s.json"
check "$T/s.json" 'd["hits"][0]["match"] == "id" and d["hits"][0]["same_full_name_in_hospital"] and d["hits"][0]["same_surname_in_ward"]'
"$LIFEBOAT" search --db "$T/c.db" --json 0000012348 >"$T/s.json"
check "$T/s.json" 'd["hits"][0]["same_full_name_in_hospital"] and not d["hits"][0]["same_surname_in_ward"]'
"$LIFEBOAT" search --db "$T/c.db" --json 0000012346 >"$T/s.json"
check "$T/s.json" 'not d["hits"][0]["same_full_name_in_hospital"] and not d["hits"][0]["same_surname_in_ward"]'
set +e
"$LIFEBOAT" search --db "$T/c.db" 山田 >/dev/null 2>&1
[ $? = 1 ] || fail "no hit should exit 1"
set -e

echo "== incremental re-ingest"
cp -r "$GOOD" "$T/tree"
"$LIFEBOAT" ingest --db "$T/i.db" --ssmix2 "$T/tree" --json >/dev/null
"$LIFEBOAT" ingest --db "$T/i.db" --ssmix2 "$T/tree" --json >"$T/run2.json"
check "$T/run2.json" 'd["files_loaded"] == 0 and d["files_unchanged"] == 20 and d["files_removed"] == 0 and d["messages"] == 0'
touch "$T/tree"/000/001/0000012345/-/ADT-00/*20261101100000000_-_1
"$LIFEBOAT" ingest --db "$T/i.db" --ssmix2 "$T/tree" --json >"$T/run3.json"
check "$T/run3.json" 'd["files_loaded"] == 0 and d["files_unchanged"] == 20' "touched but same content: skipped"
# a newer demographics version, a deletion of the Loxonin order, a removed results file
D="$T/tree/000/001/0000012345"
printf 'MSH|^~\\&|HIS|SEND|GW|RCV|20261123090000||ADT^A08^ADT_A01|9|P|2.5||||||~ISO IR87||ISO2022-1994\rPID|0001||0000012345^^^^PI||佐藤^花子^^^^^L^I~サトウ^ハナコ^^^^^L^P||19480405|F|||^^^^100-0001^JPN^H^東京都千代田区千代田１－１||^PRN^PH^^^^^^^^^03-9999-0000\r' |
	"$LIFEBOAT" text encode --to iso-2022-jp >"$D/-/ADT-00/0000012345_-_ADT-00_999999999999999_20261123090000000_-_1"
cp "$D"/20261120/OMP-01/*_1 "$D/20261120/OMP-01/0000012345_20261120_OMP-01_000000011000185_20261123100000000_01_0"
rm "$D"/20261121/OML-11/*
set +e
"$LIFEBOAT" ingest --db "$T/i.db" --ssmix2 "$T/tree" --json >"$T/run4.json" 2>"$T/run4.err"
rc4=$?
set -e
[ "$rc4" = 1 ] || fail "a newer ADT-00 without AL1 is a finding (exit $rc4, expected 1)"
check "$T/run4.json" 'd["files_loaded"] == 1 and d["files_removed"] == 3' "1 new version; 3 rows' files gone"
check "$T/run4.json" 'd["allergies_kept"] == 1' "the AL1 allergy of the older ADT-00 version kept"
grep -q "WARNING: '.*0000012345_-_ADT-00_999999999999999_20261123090000000_-_1' names the patient but carries no AL1" \
	"$T/run4.err" || fail "a loud warning names the ADT-00 without AL1: $(cat "$T/run4.err")"
"$LIFEBOAT" patient --db "$T/i.db" --id 0000012345 --json >"$T/p.json"
check "$T/p.json" 'd["phone_home"] == "03-9999-0000" and d["phone_mobile"] is None'
check "$T/p.json" '[m["drug_name"] for m in d["medications"]] == ["セファゾリンナトリウム注射用１ｇ"]' "deleted order gone"
check "$T/p.json" 'd["results"] == []' "removed file's results gone"
# The newer ADT-00 has names but no AL1 segment. Before issue 13 the older version's AL1 allergy (ペニシリン系抗生物質,
# anaphylaxis) went with it; for a downtime record a hidden allergy is worse than a stale one, and HL7/SS-MIX2 says
# "no known allergies" with an AL1 row and removes one with IAM action D, never by leaving AL1 out: it stays, warned.
check "$T/p.json" 'sorted(a["name"] for a in d["allergies"]) == sorted(["ペニシリン系抗生物質", "ロキソプロフェン", "卵"])' \
	"AL1 of the old ADT-00 version kept (the new one has no AL1), IAM kept"

echo "== change detection: folders whose entries changed are listed, --full finds files rewritten in place"
cp -r "$GOOD" "$T/ct"
# Time passes: folders changed a minute ago or more are trusted (a writer may still be filling a fresh folder).
settle() { find "$T/ct" -type d -newermt '-2 minutes' -exec touch -d '2 hours ago' {} +; }
settle
"$LIFEBOAT" ingest --db "$T/ct.db" --ssmix2 "$T/ct" --json >"$T/ct1.json"
check "$T/ct1.json" 'd["full_walk"] and d["files_loaded"] == 20 and d["patient_folders_unchanged"] == 0'
"$LIFEBOAT" ingest --db "$T/ct.db" --ssmix2 "$T/ct" --json >"$T/ct2.json"
check "$T/ct2.json" 'not d["full_walk"] and d["patient_folders_unchanged"] == 4 and d["files_loaded"] == 0' \
	"unchanged tree: no patient folder listed"
check "$T/ct2.json" 'd["files_seen"] == 24 and d["files_unchanged"] == 20 and d["patients"] == 4'
# a new message of an existing patient (a newer demographics version)
P7="$T/ct/000/001/0000012347"
printf 'MSH|^~\\&|HIS|SEND|GW|RCV|20261201090000||ADT^A08^ADT_A01|10|P|2.5||||||~ISO IR87||ISO2022-1994\rPID|0001||0000012347^^^^PI||佐藤^太郎^^^^^L^I~サトウ^タロウ^^^^^L^P||19600707|M|||||^PRN^PH^^^^^^^^^048-999-0000\r' |
	"$LIFEBOAT" text encode --to iso-2022-jp >"$P7/-/ADT-00/0000012347_-_ADT-00_999999999999999_20261201090000000_-_1"
settle
"$LIFEBOAT" ingest --db "$T/ct.db" --ssmix2 "$T/ct" --json >"$T/ct3.json"
check "$T/ct3.json" 'd["files_loaded"] == 1 and d["files_removed"] == 1 and d["patient_folders_unchanged"] == 3'
"$LIFEBOAT" patient --db "$T/ct.db" --id 0000012347 --json >"$T/p7.json"
check "$T/p7.json" 'd["phone_home"] == "048-999-0000"' "new version picked up without --full"
# a new patient
mkdir -p "$T/ct/000/001/0000012349/-/ADT-00"
sed 's/0000012347/0000012349/g' "$P7/-/ADT-00/0000012347_-_ADT-00_999999999999999_20261201090000000_-_1" \
	>"$T/ct/000/001/0000012349/-/ADT-00/0000012349_-_ADT-00_999999999999999_20261201090000000_-_1"
settle
"$LIFEBOAT" ingest --db "$T/ct.db" --ssmix2 "$T/ct" --json >"$T/ct4.json"
check "$T/ct4.json" 'd["files_loaded"] == 1 and d["patients"] == 5 and d["patient_folders_unchanged"] == 4' \
	"new patient picked up without --full"
# a file rewritten in place under its old name: the folder does not change; --full reads it
F8=$(ls "$T/ct/000/001/0000012348/-/ADT-00/"*)
sed 's/011-222-3333/011-777-8888/' "$F8" >"$T/f8" && cat "$T/f8" >"$F8"
"$LIFEBOAT" ingest --db "$T/ct.db" --ssmix2 "$T/ct" --json >"$T/ct5.json"
check "$T/ct5.json" 'd["files_loaded"] == 0 and d["patient_folders_unchanged"] == 5' "rewritten in place: not seen"
"$LIFEBOAT" ingest --db "$T/ct.db" --ssmix2 "$T/ct" --full --json >"$T/ct6.json"
check "$T/ct6.json" 'd["full_walk"] and d["files_loaded"] == 1 and d["files_current"] == 21 and d["files_unchanged"] == 20'
"$LIFEBOAT" patient --db "$T/ct.db" --id 0000012348 --json >"$T/p8.json"
check "$T/p8.json" 'd["phone_home"] == "011-777-8888"' "--full picks up the rewritten file"

echo "== hostile input: warnings, exit 1, nothing lost"
set +e
"$LIFEBOAT" ingest --db "$T/b.db" --ssmix2 "$BAD" --json >"$T/bad.json" 2>"$T/bad.err"
rc=$?
set -e
[ $rc = 1 ] || fail "hostile tree: exit $rc, 1 expected"
check "$T/bad.json" 'd["warnings_by_kind"]["encoding"] == 1 and d["warnings_by_kind"]["mismatch"] == 1'
check "$T/bad.json" 'd["files_skipped"] == 9 and d["warnings_by_kind"]["parse"] >= 13 and d["patients"] == 3'
# generated at run time: a huge segment, endless repetitions, a file over the cap, a symlink, a FIFO
H="$T/hostile/000/009/0000099100/-/ADT-00"
mkdir -p "$H"
python3 - "$H" <<'EOF'
import sys
d = sys.argv[1]
msh = "MSH|^~\\&|A||||||ADT^A08|1|P|2.5\r"
def put(name, body):
    open(d + "/" + name, "wb").write(body.encode())
put("0000099100_-_ADT-00_1_20261101100000000_-_1", msh + "PID|1||0000099100||" + "x" * (3 << 20) + "\r")
put("0000099100_-_ADT-00_2_20261101100000001_-_1", msh + "PID|1||0000099100||" + "~a^b" * 500000 + "\r")
put("0000099100_-_ADT-00_3_20261101100000002_-_1", msh + ("OBX|1|NM|x||1" + "|" * 400 + "\r") * 5000)
put("0000099100_-_ADT-00_4_20261101100000003_-_1", msh + "Z" * (5 << 20))
EOF
ln -s /etc/passwd "$H/0000099100_-_ADT-00_5_20261101100000004_-_1"
mkfifo "$H/0000099100_-_ADT-00_6_20261101100000005_-_1"
set +e
timeout 120 "$LIFEBOAT" ingest --db "$T/h.db" --ssmix2 "$T/hostile" --json >"$T/h.json" 2>/dev/null
rc=$?
set -e
[ $rc = 1 ] || fail "generated hostile tree: exit $rc, 1 expected"
check "$T/h.json" 'd["warnings_by_kind"]["limit"] >= 1 and d["files_skipped"] == 2'

echo "== a failed run changes nothing"
"$LIFEBOAT" ingest --db "$T/f.db" --ssmix2 "$GOOD" >/dev/null
set +e
"$LIFEBOAT" ingest --db "$T/f.db" --ssmix2 "$T/tree" --fhir "$T/no-such-folder" >/dev/null 2>"$T/f.err"
rc=$?
set -e
[ $rc = 2 ] || fail "missing FHIR folder: exit $rc, 2 expected"
grep -q "store is as before" "$T/f.err" || fail "reason should say the store is unchanged"
"$LIFEBOAT" patient --db "$T/f.db" --id 0000012345 --json >"$T/p.json"
check "$T/p.json" 'd["phone_home"] == "03-1234-5678" and len(d["results"]) == 3' "rolled back to the first run"

echo "== readers do not wait for a run in progress"
# Hold the write lock as an ingest does (BEGIN IMMEDIATE) and search meanwhile: WAL readers go on.
(
	echo "BEGIN IMMEDIATE; DELETE FROM patients;"
	sleep 4
	echo "ROLLBACK;"
) | sqlite3 "$T/f.db" &
locker=$!
sleep 1
timeout 3 "$LIFEBOAT" search --db "$T/f.db" --json 0000012345 >"$T/s.json" || fail "search blocked by a write in progress"
check "$T/s.json" 'len(d["hits"]) == 1' "readers see the store as before the run"
wait $locker

echo "== usage errors"
set +e
"$LIFEBOAT" ingest --ssmix2 "$GOOD" >/dev/null 2>&1
[ $? = 2 ] || fail "missing --db"
"$LIFEBOAT" ingest --db "$T/x.db" >/dev/null 2>&1
[ $? = 2 ] || fail "no source"
"$LIFEBOAT" search --db "$T/none.db" x >/dev/null 2>&1
[ $? = 2 ] || fail "missing store"
set -e
echo "ok"
