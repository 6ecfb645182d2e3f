#!/usr/bin/env bash
# ingest_empty.sh - an HL7 message that parses but carries no data never replaces the patient's earlier data
# (issue 13). A newer ADT-61 without IAM, PPR-01 without PRB, OMP-01 without RXE, ADT-00 whose PID holds only the
# ID, or an ADT-61 rewritten in place with no IAM: the store keeps the previous version, stderr has one loud warning
# naming the file, exit 1 (as a damaged file, tests/integration/ingest_badinput.sh). What is not refused: an explicit
# deletion (IAM action D), an empty message with no version before it, and --accept-shrink (a deliberate
# replacement). docs/feeds.md "Bad input never removes good data".
. "$LB_SRC/tests/integration/lib.bash"
set -e
export LIFEBOAT_TODAY=2026-11-21 # the golden data's day: its orders are active
cp -r "$LB_SRC/tests/data/ssmix2/good" "$T/tree"
P="$T/tree/000/001/0000012345"
DB="$T/c.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree"
expect_rc 0 "first ingest of the golden tree"

# state ID: "allergies|problems|medications|name" as patient --json gives them
state() {
	"$LIFEBOAT" patient --db "$DB" --id "$1" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%s|%s|%s|%s" % (",".join(sorted(a["name"] for a in d["allergies"])), ",".join(sorted(p["name"] for p in d["problems"])),
	",".join(sorted(m["drug_name"] for m in d["medications"])), d["name_kanji"]))'
}
BEFORE=$(state 0000012345)
echo "before: $BEFORE"
CHECKS=$((CHECKS + 1))
[[ "$BEFORE" == *卵*本態性高血圧症*ロキソニン*佐藤\ 花子 ]] || fail "golden patient as expected: $BEFORE"

MSH='MSH|^~\\&|HIS|SEND|GW|RCV|20261122090000||%s|E%s|P|2.5||||||~ISO IR87||ISO2022-1994|SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO\r'
PID='PID|0001||0000012345^^^^PI||佐藤^花子^^^^^L^I~サトウ^ハナコ^^^^^L^P||19480405|F\r'
put() { # put FILE BODY: one SS-MIX2 file, ISO-2022-JP
	printf '%b' "$2" | "$LIFEBOAT" text encode --to iso-2022-jp >"$1"
}
empty_case() { # empty_case "what" FILE: ingest, expect the file refused and the patient as before
	run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full
	echo "  $1: exit $RC: $(grep WARNING "$T/err" | head -n 1)"
	expect_rc 1 "$1: a finding"
	expect_err "WARNING: '.*$(basename "$2")' carries no data of its type and was not loaded" "$1: the warning names the file"
	CHECKS=$((CHECKS + 1))
	[ "$(grep -c 'WARNING' "$T/err")" = 1 ] || fail "$1: one warning line expected: $(cat "$T/err")"
	CHECKS=$((CHECKS + 1))
	local now
	now=$(state 0000012345)
	[ "$now" = "$BEFORE" ] || fail "$1: the patient changed from '$BEFORE' to '$now'"
	rm -f "$2"
}

echo "== a newer ADT-61 with no IAM row"
F61="$P/-/ADT-61/0000012345_-_ADT-61_999999999999999_20261122090000000_-_1"
put "$F61" "$(printf "$MSH" 'ADT^A60^ADT_A60' 1)EVN||202611220900\r$PID"
empty_case "ADT-61 without IAM" "$F61"

echo "== a newer PPR-01 with no PRB row"
FPPR="$P/-/PPR-01/0000012345_-_PPR-01_999999999999999_20261122090000000_01_1"
put "$FPPR" "$(printf "$MSH" 'PPR^ZD1^PPR_ZD1' 2)$PID"
empty_case "PPR-01 without PRB" "$FPPR"

echo "== a newer version of a prescription (OMP-01) with no RXE"
FOMP="$P/20261120/OMP-01/0000012345_20261120_OMP-01_000000011000185_20261122090000000_01_1"
put "$FOMP" "$(printf "$MSH" 'RDE^O11^RDE_O11' 3)${PID}PV1|0001|O|01^^^^^C\r"
empty_case "OMP-01 without RXE" "$FOMP"

echo "== a newer ADT-00 whose PID holds only the patient ID"
F00="$P/-/ADT-00/0000012345_-_ADT-00_999999999999999_20261122090000000_-_1"
put "$F00" "$(printf "$MSH" 'ADT^A08^ADT_A01' 4)EVN||202611220900\rPID|0001||0000012345^^^^PI\r"
empty_case "ADT-00 with an empty PID" "$F00"

echo "== the ADT-61 rewritten in place with no IAM row"
OLD61=$(ls "$P"/-/ADT-61/*)
cp "$OLD61" "$T/adt61.keep"
put "$OLD61" "$(printf "$MSH" 'ADT^A60^ADT_A60' 5)EVN||202611220900\r$PID"
touch -d '2026-11-22 09:00' "$OLD61"
empty_case "ADT-61 rewritten in place" "$OLD61"
cp "$T/adt61.keep" "$OLD61"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full
expect_rc 0 "the good ADT-61 back: the warning is gone"

echo "== not refused: an explicit deletion (IAM action D) of every allergy"
put "$F61" "$(printf "$MSH" 'ADT^A60^ADT_A60' 6)EVN||202611220900\r${PID}IAM|1|FA^食物アレルギー^HL70127|J0101^卵^99J-FAGY|MO^中等度^HL70128|蕁麻疹|D^削除^HL70323\rIAM|2|DA^薬剤アレルギー^HL70127|1149019F1^ロキソプロフェン^HOT9|MI^軽度^HL70128|胃部不快感|D^削除^HL70323\r"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full
expect_rc 0 "an explicit deletion loads"
CHECKS=$((CHECKS + 1))
now=$(state 0000012345)
[[ "$now" != *卵* && "$now" != *ロキソプロフェン* ]] || fail "IAM deletions applied: $now"
rm "$F61"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full
expect_rc 0 "back to the golden ADT-61"

echo "== not refused: an empty message with no version before it"
NEWP="$T/tree/000/002/0000020001/-/ADT-61"
mkdir -p "$NEWP"
put "$NEWP/0000020001_-_ADT-61_999999999999999_20261122090000000_-_1" \
	"$(printf "$MSH" 'ADT^A60^ADT_A60' 7)EVN||202611220900\rPID|0001||0000020001^^^^PI||新規^患者^^^^^L^I\r"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full
expect_rc 0 "a first empty message is nothing to lose"

echo "== --accept-shrink: a deliberate empty replacement loads, also one refused before"
put "$F61" "$(printf "$MSH" 'ADT^A60^ADT_A60' 8)EVN||202611220900\r$PID"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full
expect_rc 1 "without --accept-shrink the empty ADT-61 is refused"
expect_err "WARNING: '.*$(basename "$F61")' carries no data" "… and said"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full
expect_rc 1 "refused still"
CHECKS=$((CHECKS + 1))
! grep -q "$(basename "$F61")" "$T/err" || fail "the refused empty file is said again by the next run: $(cat "$T/err")"
CHECKS=$((CHECKS + 1))
now=$(state 0000012345)
[ "$now" = "$BEFORE" ] || fail "a skipped empty file changed the patient from '$BEFORE' to '$now'"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full --accept-shrink
expect_rc 0 "--accept-shrink loads the empty ADT-61"
CHECKS=$((CHECKS + 1))
now=$(state 0000012345)
[[ "$now" != *卵* ]] || fail "--accept-shrink: the empty ADT-61 replaced the older one: $now"
finish
