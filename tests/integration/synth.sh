#!/usr/bin/env bash
# synth.sh - `lifeboat synth` end to end: the same seed gives byte-identical trees (hash of every path and byte),
# another seed another tree; SS-MIX2 paths and file names follow the standard storage layout; every SS-MIX2 file
# decodes as ISO-2022-JP with nothing unmapped; it never overwrites without --force; exit codes and --json.
set -euo pipefail
: "${LIFEBOAT:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

tree_hash() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); }

"$LIFEBOAT" synth --out "$work/a" --patients 300 --seed 42 --json > "$work/a.json"
"$LIFEBOAT" synth --out "$work/b" --patients 300 --seed 42 > "$work/b.txt"
"$LIFEBOAT" synth --out "$work/c" --patients 300 --seed 43 > /dev/null
ha=$(tree_hash "$work/a"); hb=$(tree_hash "$work/b"); hc=$(tree_hash "$work/c")
[ "$ha" = "$hb" ] || fail "same seed, different trees ($ha vs $hb)"
[ "$ha" != "$hc" ] || fail "different seeds, same tree"
grep -q '"patients":300' "$work/a.json" || fail "--json lacks patients: $(cat "$work/a.json")"
grep -q '"ADT-00":' "$work/a.json" || fail "--json lacks by_type"
grep -q '300 patients' "$work/b.txt" || fail "summary lacks the patient count: $(cat "$work/b.txt")"

# every output is there
for f in ssmix2 fhir/Patient.ndjson fhir/AllergyIntolerance.ndjson fhir/MedicationRequest.ndjson \
	fhir/Condition.ndjson fhir/Encounter.ndjson fhir/Observation.ndjson fhir/Appointment.ndjson \
	appointments.csv drugs.csv; do
	[ -e "$work/a/$f" ] || fail "missing $f"
done
[ "$(wc -l < "$work/a/fhir/Patient.ndjson")" -eq 300 ] || fail "Patient.ndjson is not 300 lines"
head -n 1 "$work/a/drugs.csv" > "$work/first" && grep -q 'code,name,generic_name,kana,form,unit,max_daily_dose,pregnancy,interaction_group,allergy_class' "$work/first" \
	|| fail "drugs.csv header: $(cat "$work/first")"

# SS-MIX2 layout: root/PID[0:3]/PID[3:6]/PID/<YYYYMMDD or ->/<type>/PID_date_type_order15_ts17_dept_flag
types='ADT-00|ADT-61|OMP-01|OMP-02|OML-11|PPR-01|ADT-22|ADT-42|ADT-52'
bad=$(cd "$work/a" && find ssmix2 -type f | grep -Ev "^ssmix2/([0-9]{3})([0-9]{3})?/[0-9]{3}/\1[0-9]{3}[0-9]{4}/(-|[0-9]{8})/($types)/\1[0-9]{7}_(-|[0-9]{8})_($types)_[0-9]{15}_[0-9]{17}_(-|[0-9]{2})_[01]$" || true)
[ -z "$bad" ] || fail "bad SS-MIX2 paths: $(echo "$bad" | head -3)"
# the folder names repeat in the file name: PID[3:6], PID, date and type
bad=$(cd "$work/a" && find ssmix2 -type f | awk -F/ '{ split($7, n, "_"); if (substr($4,4,3) != $3 || n[1] != $4 || n[2] != $5 || n[3] != $6) print }')
[ -z "$bad" ] || fail "folders and file names disagree: $(echo "$bad" | head -3)"
# deleted versions (flag 0) exist and each has an earlier valid version of the same order
dels=$(cd "$work/a" && find ssmix2 -type f -name '*_0')
[ -n "$dels" ] || fail "no deleted versions"
for d in $dels; do
	base=${d%_*_*_*}
	compgen -G "$work/a/${base}_*_1" > /dev/null || fail "no valid version before $d"
done

# every SS-MIX2 file decodes as ISO-2022-JP with nothing unmapped (text decode exits 1 on an unmapped byte)
(cd "$work/a" && find ssmix2 -type f -print0 | xargs -0 "$LIFEBOAT" text decode --from iso-2022-jp > /dev/null) \
	|| fail "an SS-MIX2 file does not decode cleanly"
# a demographics message reads as the spec writes it
f=$(cd "$work/a" && find ssmix2 -path '*/ADT-00/*' -type f -print -quit)
"$LIFEBOAT" text decode "$work/a/$f" | tr '\r' '\n' > "$work/msg.txt"
grep -q '^MSH|^~\\&|.*|ADT^A08^ADT_A01|.*|~ISO IR87||ISO 2022-1994|' "$work/msg.txt" || fail "MSH: $(head -1 "$work/msg.txt")"
grep -Eq '^PID\|0001\|\|[0-9]{10}\^\^\^\^PI\|\|[^^]+\^[^^]+\^\^\^\^\^L\^I~[^^|]+\^[^^|]+\^\^\^\^\^L\^P\|\|[0-9]{8}\|[MF]\|' "$work/msg.txt" \
	|| fail "PID: $(grep ^PID "$work/msg.txt")"
# the appointments CSV is CP932 with CRLF, as 医事 systems export it
"$LIFEBOAT" text decode --from cp932 "$work/a/appointments.csv" > /dev/null || fail "appointments.csv is not clean CP932"
head -n 1 "$work/a/appointments.csv" > "$work/first" && grep -q $'\r$' "$work/first" || fail "appointments.csv lines do not end with CRLF"

# never overwrites; --force replaces and gives the same tree again
set +e
"$LIFEBOAT" synth --out "$work/a" --patients 300 --seed 42 > /dev/null 2> "$work/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "synth over an existing tree exited $rc"
grep -q 'exists' "$work/err" || fail "no reason given: $(cat "$work/err")"
"$LIFEBOAT" synth --out "$work/a" --patients 300 --seed 42 --force > /dev/null
[ "$(tree_hash "$work/a")" = "$ha" ] || fail "--force gave another tree"

# usage errors: exit 2, one line
for args in "--patients 10" "--out $work/x --patients 0" "--out $work/x --seed abc" "--out $work/x --today 2026-13-01" \
	"--out $work/x --beds 0" "--out $work/x --beds 20001"; do
	set +e
	# shellcheck disable=SC2086
	"$LIFEBOAT" synth $args > /dev/null 2> "$work/err"
	rc=$?
	set -e
	[ $rc -eq 2 ] || fail "synth $args exited $rc"
	[ "$(wc -l < "$work/err")" -eq 1 ] || fail "synth $args: not one line: $(cat "$work/err")"
done
"$LIFEBOAT" synth --help > "$work/help" && grep -q -- '--patients' "$work/help" || fail "help"
grep -q -- '--beds N' "$work/help" || fail "help lacks --beds"

# --beds: exactly that many beds, the first twenty wards 3A … 12B, then the units of a large hospital (ICU …
# 地域包括ケア) with their Japanese names; the inpatients spread over all of them even with few patients.
"$LIFEBOAT" synth --out "$work/big" --patients 600 --beds 1000 --seed 5 --json > "$work/big.json"
python3 - "$work/big.json" <<'PY' || fail "--beds 1000: $(cat "$work/big.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["beds"] == 1000 and d["wards"] > 20, d
assert 100 <= d["inpatients"] <= 150, d  # a quarter of 600 at most, most of it used
PY
"$LIFEBOAT" ingest --db "$work/big.db" --ssmix2 "$work/big/ssmix2" > /dev/null
python3 - "$work/big.db" <<'PY' || fail "--beds 1000 wards in the census"
import sqlite3, sys
wards = [w for (w,) in sqlite3.connect(sys.argv[1]).execute("SELECT DISTINCT ward FROM census")]
general = [w for w in wards if w[0].isdigit()]
named = [w for w in wards if not w[0].isdigit()]
assert len(general) >= 15 and {"3A", "12B"} <= set(general), wards
assert len(named) >= 5 and set(named) <= {"ICU", "HCU", "CCU", "SCU", "救命救急", "緩和ケア", "回復期リハ", "地域包括ケア", "精神科", "結核"}, named
PY
echo "ok: synth deterministic ($ha), layout and encodings as specified"
