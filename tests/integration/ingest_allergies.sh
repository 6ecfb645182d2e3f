#!/usr/bin/env bash
# ingest_allergies.sh - a newer SS-MIX2 ADT-00 that names the patient but has no AL1 segment does not take the
# earlier version's allergies away (issue 13: for a downtime record a hidden allergy is worse than a stale one). The
# allergies stay, a loud warning names the file, exit 1, allergies_kept in --json; the same for the file rewritten in
# place. A version that says "no known allergies" with an AL1 row, or --accept-shrink, replaces the list as sent.
. "$LB_SRC/tests/integration/lib.bash"
set -e
export LIFEBOAT_TODAY=2026-11-21

cp -r "$LB_SRC/tests/data/ssmix2/good" "$T/tree"
DB="$T/c.db"
P="$T/tree/000/001/0000012345/-/ADT-00"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree"
expect_rc 0 "the golden tree"

allergies() { # the patient's allergy names, sorted, one line
	"$LIFEBOAT" patient --db "$DB" --id 0000012345 --json |
		python3 -c 'import json,sys; print(",".join(sorted(a["name"] for a in json.load(sys.stdin)["allergies"])))'
}
BEFORE=$(allergies)
echo "allergies before: $BEFORE"
CHECKS=$((CHECKS + 1))
case "$BEFORE" in *ペニシリン系抗生物質*) ;; *) fail "the AL1 allergy of the golden ADT-00 is missing: $BEFORE" ;; esac

# adt00 TIME [SEGMENT]: a newer demographics version of 0000012345 (names, no AL1 unless SEGMENT is one)
adt00() {
	printf 'MSH|^~\\&|HIS|SEND|GW|RCV|%s||ADT^A08^ADT_A01|9|P|2.5||||||~ISO IR87||ISO2022-1994\rPID|0001||0000012345^^^^PI||佐藤^花子^^^^^L^I~サトウ^ハナコ^^^^^L^P||19480405|F\r%b' \
		"${1:0:14}" "${2:-}" | "$LIFEBOAT" text encode --to iso-2022-jp
}

echo "== a newer ADT-00 without AL1 keeps the earlier allergies"
NEW="0000012345_-_ADT-00_999999999999999_20261123090000000_-_1"
adt00 20261123090000000 >"$P/$NEW"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --json
echo "  exit $RC: $(head -n 1 "$T/err")"
expect_rc 1 "a newer ADT-00 without AL1 is a finding"
expect_err "WARNING: '.*$NEW' names the patient but carries no AL1" "a loud warning names the file"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["allergies_kept"] == 1 and d["files_loaded"] == 1 else 1)' \
	"$T/out" || fail "ingest --json: allergies_kept 1: $(cat "$T/out")"
CHECKS=$((CHECKS + 1))
CHECKS=$((CHECKS + 1))
[ "$(allergies)" = "$BEFORE" ] || fail "the allergies changed: '$BEFORE' -> '$(allergies)'"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree"
expect_rc 1 "the warning stays while the version stands"
CHECKS=$((CHECKS + 1))
! grep -q "$NEW" "$T/err" || fail "an unchanged tree repeats the warning: $(cat "$T/err")"
CHECKS=$((CHECKS + 1))
[ "$(allergies)" = "$BEFORE" ] || fail "a second run changed the allergies: '$(allergies)'"

echo "== the same file rewritten in place (names, no AL1) keeps them too"
adt00 20261123090000000 'OBX|1|CWE|5H010000009199911^血液型-ABO式^JC10||A^A型^JSHR002||||||F\r' >"$P/$NEW"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --full
expect_rc 1 "a rewritten ADT-00 without AL1"
expect_err "WARNING: '.*$NEW' names the patient but carries no AL1" "the rewritten file is named"
CHECKS=$((CHECKS + 1))
[ "$(allergies)" = "$BEFORE" ] || fail "the rewrite changed the allergies: '$(allergies)'"

echo "== an AL1 row saying \"no known allergies\" replaces the list as sent"
NKA="0000012345_-_ADT-00_999999999999999_20261124090000000_-_1"
adt00 20261124090000000 'AL1|1||NKA^No Known Allergies^HL70127\r' >"$P/$NKA"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/tree" --json
expect_rc 0 "an explicit no-known-allergies version (the earlier warning goes with its version)"
CHECKS=$((CHECKS + 1))
AFTER=$(allergies)
# the NKA row is the sender's statement that there are none: never an allergy to count, mark or check against
# (the patient's IAM allergies of ADT-61 stay: another message says otherwise, and a hidden allergy is worse)
case "$AFTER" in *ペニシリン系抗生物質*) fail "the explicit version kept the old AL1: $AFTER" ;; *"No Known"*) fail "the NKA row counted as an allergy: $AFTER" ;; esac
CHECKS=$((CHECKS + 1))
"$LIFEBOAT" patient --db "$DB" --id 0000012345 --json |
	python3 -c 'import json,sys; assert json.load(sys.stdin)["no_known_allergies"] is True' ||
	fail "patient --json does not say no_known_allergies"

echo "== --accept-shrink loads a version without AL1 as sent"
cp -r "$LB_SRC/tests/data/ssmix2/good" "$T/t2"
"$LIFEBOAT" ingest --db "$T/a.db" --ssmix2 "$T/t2" >/dev/null
adt00 20261123090000000 >"$T/t2/000/001/0000012345/-/ADT-00/$NEW"
run "$LIFEBOAT" ingest --db "$T/a.db" --ssmix2 "$T/t2" --accept-shrink
expect_rc 0 "--accept-shrink: a deliberate replacement"
CHECKS=$((CHECKS + 1))
"$LIFEBOAT" patient --db "$T/a.db" --id 0000012345 --json | grep -q "ペニシリン系抗生物質" &&
	fail "--accept-shrink kept the old AL1"
finish
