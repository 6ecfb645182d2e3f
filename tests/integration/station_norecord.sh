#!/usr/bin/env bash
# An inpatient without a patient record (the ADT messages arrived, the demographics did not): the bed is occupied
# and every census view says so. The station's ward page, the patient page, the printed census and `patient` show
# the patient ID with "患者情報なし / no patient record" where the name would be, never a row that is missing or a
# blank name that reads like an empty bed.
. "$LB_SRC/tests/integration/lib.bash"
set -e
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
. "$LB_SRC/tests/integration/station_lib.bash"

PID=0000012347 # admitted, transferred, with prescriptions, in the golden tree
cp -r "$LB_SRC/tests/data/ssmix2/good" "$T/ss"
rm -r "$T/ss/000/001/$PID/-/ADT-00" # its demographics never came
DB="$T/clinical.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/ss"
CHECKS=$((CHECKS + 1))
[ "$RC" -le 1 ] || fail "ingest: exit $RC: $(cat "$T/err")"
WARD=$(sqlite3 "$DB" "SELECT ward FROM census WHERE patient_id='$PID'")
CHECKS=$((CHECKS + 1))
[ -n "$WARD" ] || fail "the golden tree no longer admits $PID"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM patients WHERE id='$PID'")" = 0 ] || fail "$PID still has a patient record"

# ---- the command line -------------------------------------------------------------------------------------------
run "$LIFEBOAT" patient --db "$DB" --id "$PID" --json
expect_rc 0 "patient: an inpatient without a record is found"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["no_record"] is True and d["id"]==sys.argv[2] and d["name_kanji"] is None, d' "$T/out" "$PID" ||
	fail "patient --json: $(head -c 400 "$T/out")"
run "$LIFEBOAT" patient --db "$DB" --id "$PID"
expect_out "$PID +患者情報なし / no patient record" "patient: the marker where the name would be"

# ---- the printed census -----------------------------------------------------------------------------------------
run "$LIFEBOAT" print pack --db "$DB" --ward "$WARD" --out "$T/pack"
expect_rc 0 "print pack of a ward with an inpatient without a record"
pdftotext -layout "$T/pack/1_census.pdf" "$T/census.txt"
CHECKS=$((CHECKS + 1))
grep -q "$PID" "$T/census.txt" && grep -q '患者情報なし' "$T/census.txt" ||
	fail "printed census lacks $PID or the no-record mark: $(head -c 600 "$T/census.txt")"
for part in 2_summaries 4_wristbands; do
	pdftotext "$T/pack/$part.pdf" "$T/$part.txt"
	CHECKS=$((CHECKS + 1))
	grep -q '患者情報なし' "$T/$part.txt" || fail "$part.pdf lacks the no-record mark"
done

# ---- the station --------------------------------------------------------------------------------------------------
PW='no record test password'
run "$LIFEBOAT" user add --db "$DB" --name nurse --role nurse <<<"$PW"
expect_rc 0 "user add"
start_server
login "$T/jar" nurse "$PW"
expect_status 303 "login"
req census -b "$T/jar" --get --data-urlencode "ward=$WARD" "$U/census"
expect_status 200 "census page"
expect_body census "href=\"/patient/$PID\"><span class=\"badge no-record\">患者情報なし / no patient record</span>" \
	"census page: the bed with the ID and the no-record mark"
req patient -b "$T/jar" "$U/patient/$PID"
expect_status 200 "patient page of an inpatient without a record"
expect_body patient 'class="name"><span class="badge no-record">患者情報なし' "patient page: the no-record mark"
stop_server
finish
