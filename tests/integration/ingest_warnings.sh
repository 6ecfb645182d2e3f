#!/usr/bin/env bash
# ingest_warnings.sh - what a run says about warnings (issue 13): `ingest --json` lists every warning of its run,
# with no cap (150 broken SS-MIX2 files: 150 named), and counts the store's earlier ones in warnings_earlier; a
# later run, SS-MIX2 or FHIR, says only its own warnings and points to `--warnings` for the rest (a damaged FHIR
# or SS-MIX2 file that loaded before is said by the run that found it, not again by every later run — SS-MIX2:
# also `--full` — while it stays as it is; mended or removed, it is read again and its warning goes).
. "$LB_SRC/tests/integration/lib.bash"
set -e
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed" >&2; exit 1; }

json_check() { # json_check FILE PYTHON-EXPR "what": the expression over d (the JSON in FILE) holds
	CHECKS=$((CHECKS + 1))
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" ||
		fail "$3: $2 does not hold: $(head -c 600 "$1")"
}

"$LIFEBOAT" synth --out "$T/h" --patients 30 --seed 5 >/dev/null

echo "== 150 broken SS-MIX2 files: every one in warning_list"
# 150 new results files (OML-11, each its own order number, so each is a current version) that hold junk, named
# as the synthetic hospital names them, beside the patient's first results file
OML=$(find "$T/h/ssmix2" -path '*/OML-11/*' -type f | sort | head -n 1)
for i in $(seq 1 150); do
	n=$(basename "$OML" | awk -F_ -v i="$i" '{ $4 = sprintf("%s9%05d", substr($4, 1, 9), i); print }' OFS=_)
	printf 'this is not an HL7 message\n' >"$(dirname "$OML")/$n"
	echo "$n"
done >"$T/broken"
CHECKS=$((CHECKS + 1))
[ "$(sort -u "$T/broken" | wc -l)" = 150 ] || fail "150 distinct broken files expected"
DB="$T/c.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --drugs "$T/h/drugs.csv" --json
echo "  exit $RC, $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["warnings"], "warnings,", len(d["warning_list"]), "listed")' "$T/out")"
expect_rc 1 "broken files are a finding"
cp "$T/out" "$T/run1.json"
json_check "$T/run1.json" 'd["warnings"] >= 150 and len(d["warning_list"]) == d["warnings"]' \
	"every warning of the run is listed (none cut off at 100)"
python3 -c '
import json, os, sys
d = json.load(open(sys.argv[1]))
named = {os.path.basename(w["path"]) for w in d["warning_list"]}
broken = {os.path.basename(l.strip()) for l in open(sys.argv[2])}
missing = broken - named
sys.exit("%d broken files not in warning_list, e.g. %s" % (len(missing), sorted(missing)[:3]) if missing else 0)
' "$T/run1.json" "$T/broken" || fail "warning_list names every broken file"
CHECKS=$((CHECKS + 1))
json_check "$T/run1.json" 'd["warnings_earlier"] == 0 and d["store_warnings"] == d["warnings"]' \
	"a first run has no earlier warnings"

echo "== a later run lists only its own warnings, and counts the earlier ones"
printf '\n' >>"$T/h/drugs.csv" # changed, same rows: read again
run "$LIFEBOAT" ingest --db "$DB" --drugs "$T/h/drugs.csv" --json
expect_rc 1 "the store still holds the broken files' warnings"
json_check "$T/out" 'd["warning_list"] == [] and d["warnings"] == 0' "no warning of the SS-MIX2 files repeated"
json_check "$T/out" 'd["warnings_earlier"] == d["store_warnings"] and d["store_warnings"] >= 150' \
	"the earlier warnings are counted"
run "$LIFEBOAT" ingest --db "$DB" --drugs "$T/h/drugs.csv"
CHECKS=$((CHECKS + 1))
! grep -q "ssmix2" "$T/err" || fail "old SS-MIX2 warnings repeated on stderr: $(head -c 400 "$T/err")"

echo "== FHIR: a damaged file is said by the run that found it, not by every later run"
FDB="$T/f.db"
cp -r "$T/h/fhir" "$T/fhir"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir"
expect_rc 0 "first FHIR ingest"
head -c 3000 /dev/urandom >"$T/fhir/Patient.ndjson"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir" --json
expect_rc 1 "a damaged FHIR file is a finding"
expect_err "WARNING: '.*Patient.ndjson' is damaged" "the run that finds it says it loudly"
json_check "$T/out" 'd["files_kept_previous"] == 1 and any(w["path"].endswith("Patient.ndjson") for w in d["warning_list"])' \
	"the run that finds it lists it"
# another file of the folder changes; the damaged one is as it was
printf '{"resourceType":"Condition"}\n' >>"$T/fhir/Condition.ndjson"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir" --json
echo "  later run: exit $RC; stderr: $(head -n 2 "$T/err" | tr '\n' ' ')"
expect_rc 1 "the store still holds the damaged file's warning"
CHECKS=$((CHECKS + 1))
! grep -q "Patient.ndjson" "$T/err" || fail "the damaged FHIR file's warning repeated on stderr: $(cat "$T/err")"
json_check "$T/out" 'all(w["path"].endswith("Condition.ndjson") for w in d["warning_list"]) and len(d["warning_list"]) == 1' \
	"only the changed file's warning is listed"
json_check "$T/out" 'd["files_kept_previous"] == 0 and d["warnings_earlier"] == 1' "the kept file's warning is counted as earlier"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir"
expect_rc 1 "an unchanged folder: still a finding"
CHECKS=$((CHECKS + 1))
! grep -q "Patient.ndjson" "$T/err" || fail "an unchanged damaged FHIR file is said again: $(cat "$T/err")"
CHECKS=$((CHECKS + 1))
! grep -q "Condition.ndjson" "$T/err" || fail "an unchanged FHIR file's line warning is said again: $(cat "$T/err")"
expect_err "earlier warnings.*ingest --db .* --warnings" "points to the rest"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$FDB" "SELECT count(*) FROM patients")" = 30 ] || fail "the damaged file's patients are gone"
run "$LIFEBOAT" ingest --db "$FDB" --warnings
expect_err "Patient.ndjson" "--warnings still names the damaged file"
# mended (the last good version back): read again, the warning gone
cp "$T/h/fhir/Patient.ndjson" "$T/fhir/Patient.ndjson"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir" --json
json_check "$T/out" 'd["files_loaded"] == 1 and d["files_kept_previous"] == 0' "the mended file is read"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$FDB" "SELECT count(*) FROM warnings WHERE path LIKE '%Patient.ndjson'")" = 0 ] ||
	fail "the mended file's warning stays"

echo "== SS-MIX2: a damaged file is said by the run that finds it, not by every later --full run"
"$LIFEBOAT" synth --out "$T/h2" --patients 10 --seed 6 >/dev/null
SDB="$T/s.db"
run "$LIFEBOAT" ingest --db "$SDB" --ssmix2 "$T/h2/ssmix2"
expect_rc 0 "first SS-MIX2 ingest"
sname() { sqlite3 "$SDB" "SELECT family_kanji || ' ' || given_kanji FROM patients WHERE id = '$1'"; }
# one ADT-00 rewritten in place with junk, and a junk newer version of another patient's ADT-00
ADT=$(find "$T/h2/ssmix2" -path '*/-/ADT-00/*' -type f | sort | head -n 1)
PID=$(basename "$ADT" | cut -d_ -f1)
NAME=$(sname "$PID")
cp -p "$ADT" "$T/adt.orig"
head -c 3000 /dev/urandom >"$ADT"
ADT2=$(find "$T/h2/ssmix2" -path '*/-/ADT-00/*' -type f | sort | grep -v "/$PID/" | head -n 1)
PID2=$(basename "$ADT2" | cut -d_ -f1)
NAME2=$(sname "$PID2")
NEWER=$(basename "$ADT2" | sed -E 's/_[0-9]{17}_/_20261123235959000_/')
head -c 3000 /dev/urandom >"$(dirname "$ADT2")/$NEWER"
CHECKS=$((CHECKS + 1))
[ -n "$NAME" ] && [ -n "$NAME2" ] && [ "$PID" != "$PID2" ] || fail "two named patients expected ($PID '$NAME', $PID2 '$NAME2')"
run "$LIFEBOAT" ingest --db "$SDB" --ssmix2 "$T/h2/ssmix2" --full --json
expect_rc 1 "damaged SS-MIX2 files are a finding"
expect_err "WARNING: '.*$(basename "$ADT")' is damaged" "the run that finds the rewritten file says it"
expect_err "WARNING: '.*$NEWER' is damaged" "the run that finds the newer version says it"
json_check "$T/out" 'd["files_kept_previous"] == 2' "both kept their last good version"
for run_no in 2 3; do
	# run 2 as JSON, run 3 as text
	run "$LIFEBOAT" ingest --db "$SDB" --ssmix2 "$T/h2/ssmix2" --full $([ $run_no = 2 ] && echo --json)
	echo "  --full run $run_no: exit $RC; stderr: $(head -n 2 "$T/err" | tr '\n' ' ')"
	expect_rc 1 "run $run_no: the store still holds the damaged files' warnings"
	CHECKS=$((CHECKS + 1))
	! grep -q "$(basename "$ADT")\|$NEWER" "$T/err" || fail "run $run_no: a damaged SS-MIX2 file's warning is said again: $(cat "$T/err")"
	if [ $run_no = 2 ]; then
		json_check "$T/out" 'd["warning_list"] == [] and d["files_kept_previous"] == 0 and d["files_loaded"] == 0' \
			"run $run_no: nothing read again, nothing listed"
		json_check "$T/out" 'd["warnings_earlier"] == d["store_warnings"] and d["store_warnings"] >= 2' \
			"run $run_no: the damaged files' warnings are counted as earlier"
	else
		expect_err "earlier warnings.*ingest --db .* --warnings" "run $run_no: points to the rest"
	fi
	CHECKS=$((CHECKS + 1))
	[ "$(sname "$PID")" = "$NAME" ] && [ "$(sname "$PID2")" = "$NAME2" ] ||
		fail "run $run_no: a skipped damaged file lost its last good version ($PID '$(sname "$PID")', $PID2 '$(sname "$PID2")')"
done
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$SDB" "SELECT count(*) FROM warnings WHERE path LIKE '%$(basename "$ADT")' OR path LIKE '%$NEWER'")" = 2 ] ||
	fail "one warning per damaged file expected in the store: $(sqlite3 "$SDB" "SELECT path, detail FROM warnings")"
run "$LIFEBOAT" ingest --db "$SDB" --warnings
expect_err "$(basename "$ADT")" "--warnings still names the rewritten file"
expect_err "$NEWER" "--warnings still names the newer version"
# mended and removed: read again, the warnings gone, the records as they were
cp -p "$T/adt.orig" "$ADT"
touch "$ADT"
rm "$(dirname "$ADT2")/$NEWER"
run "$LIFEBOAT" ingest --db "$SDB" --ssmix2 "$T/h2/ssmix2" --full --json
expect_rc 0 "mended and removed: no warning left"
json_check "$T/out" 'd["files_loaded"] == 1 and d["store_warnings"] == 0' "the mended file is read"
CHECKS=$((CHECKS + 1))
[ "$(sname "$PID")" = "$NAME" ] && [ "$(sname "$PID2")" = "$NAME2" ] || fail "the patients after the mend"
finish
