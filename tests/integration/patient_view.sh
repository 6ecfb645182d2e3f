#!/usr/bin/env bash
# What `patient` and `rx check` say of the data's time and of the patient (issue 13): a store whose data holds no
# time of its own (a FHIR export without meta.lastUpdated, authoredOn, recordedDate …) says its as-of is the load
# time, 「取込時刻 … (データ時点不明)」, as the station and paper do, and --json says "as_of_unknown": true; every
# time is shown in the one local format (2026/11/24 20:29, never 2026-11-24T20:29:00) and the sex as a word
# (男/女, male/female); --json keeps the machine formats (ISO times, M/F). The station's patient page shows its
# times in that format too.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e

json_check() { # json_check FILE EXPR "what"
	CHECKS=$((CHECKS + 1))
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" ||
		fail "$3: $2 (in $(head -c 600 "$1"))"
}
"$LIFEBOAT" synth --out "$T/h" --patients 20 --seed 3 >/dev/null

# ---- a FHIR-only store whose data holds no time ----------------------------------------------------------------
F="$T/fhir"
mkdir -p "$F"
{
	pat AU0001 青木 誠 アオキ マコト male 1960-01-01
	pat AU0002 石田 恵 イシダ メグミ female 1962-02-02
} >"$F/Patient.ndjson"
DB="$T/fhir.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/h/drugs.csv" --json
expect_rc 0 "ingest a FHIR export without times"
cp "$T/out" "$T/ingest.json"
json_check "$T/ingest.json" 'd["as_of_unknown"] is True' "ingest --json: as_of_unknown"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$DB" "SELECT value FROM meta WHERE key='as_of_unknown'")" = 1 ] ||
	fail "the store does not mark its as-of unknown (the test's premise)"
LOADED='取込時刻 [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2} \(データ時点不明'
run "$LIFEBOAT" patient --db "$DB" --id AU0001
expect_rc 0 "patient of a store without a data time"
expect_out "^data as of: $LOADED" "patient: the as-of is said to be the load time, the data's time unknown"
run "$LIFEBOAT" --lang ja patient --db "$DB" --id AU0001
expect_out "^データ時点: $LOADED" "patient (ja): 取込時刻 … (データ時点不明)"
expect_out "性別: 男" "patient (ja): the sex as a word"
run "$LIFEBOAT" patient --db "$DB" --id AU0002 --json
expect_rc 0 "patient --json"
cp "$T/out" "$T/p.json"
json_check "$T/p.json" 'd["as_of_unknown"] is True and d["as_of"][10] == "T"' "patient --json: as_of_unknown, as_of in ISO"
json_check "$T/p.json" 'd["sex"] == "F"' "patient --json keeps the sex code"
run "$LIFEBOAT" rx check --db "$DB" --patient AU0001 --drug 100000101 --dose 250mg --per-day 3
expect_out "^data as of $LOADED" "rx check: the as-of is said to be the load time, the data's time unknown"
run "$LIFEBOAT" --lang ja rx check --db "$DB" --patient AU0001 --drug 100000101 --dose 250mg --per-day 3
expect_out "^データ時点 $LOADED" "rx check (ja): 取込時刻 … (データ時点不明)"
run "$LIFEBOAT" rx check --db "$DB" --patient AU0001 --drug 100000101 --dose 250mg --per-day 3 --json
cp "$T/out" "$T/rx.json"
json_check "$T/rx.json" 'd["as_of_unknown"] is True' "rx check --json: as_of_unknown"

# ---- an SS-MIX2 store: its data's own time, every time in the local format ---------------------------------------
S="$T/ss.db"
run "$LIFEBOAT" ingest --db "$S" --ssmix2 "$T/h/ssmix2" --drugs "$T/h/drugs.csv" --json
expect_rc 0 "ingest SS-MIX2"
cp "$T/out" "$T/ingest2.json"
json_check "$T/ingest2.json" 'd["as_of_unknown"] is False' "ingest --json: a known as-of"
# an inpatient with active medicines, results and admissions: every kind of time on one page
PID=$(sqlite3 "$S" "SELECT c.patient_id FROM census c WHERE EXISTS (SELECT 1 FROM medications m
	WHERE m.patient_id = c.patient_id AND m.status = 'active') AND EXISTS (SELECT 1 FROM results r
	WHERE r.patient_id = c.patient_id) ORDER BY c.patient_id LIMIT 1")
SEX=$(sqlite3 "$S" "SELECT sex FROM patients WHERE id = '$PID'")
CHECKS=$((CHECKS + 1))
[ -n "$PID" ] && [ -n "$SEX" ] || fail "synth gave no inpatient with medicines and results (the test's premise)"
run "$LIFEBOAT" patient --db "$S" --id "$PID"
expect_rc 0 "patient $PID"
CHECKS=$((CHECKS + 1))
! grep -nE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]' "$T/out" || fail "patient shows ISO times, not the local format"
expect_out "^data as of: [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}$" "patient: the as-of in the local format"
expect_out "since [0-9]{4}/[0-9]{2}/[0-9]{2}" "patient: the admission day in the local format"
expect_out "^  [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}  " "patient: result and admission times in the local format"
[ "$SEX" = M ] && WORD=male JA=男 || WORD=female JA=女
expect_out "sex: $WORD\$" "patient: the sex as a word"
run "$LIFEBOAT" --lang ja patient --db "$S" --id "$PID"
expect_out "性別: $JA\$" "patient (ja): the sex as a word"
expect_out "^  [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}  (入院|転棟)  " "patient (ja): the admission as a word, not a code"
run "$LIFEBOAT" patient --db "$S" --id "$PID" --json
cp "$T/out" "$T/s.json"
json_check "$T/s.json" 'd["as_of_unknown"] is False and d["as_of"][10] == "T"' "patient --json: a known as-of in ISO"
json_check "$T/s.json" "d['sex'] == '$SEX'" "patient --json keeps the sex code"
json_check "$T/s.json" 'all(r["time"] is None or r["time"][4] == "-" for r in d["results"])' "patient --json keeps ISO result times"
run "$LIFEBOAT" rx check --db "$S" --patient "$PID" --drug 100000101 --dose 250mg --per-day 3 --json
cp "$T/out" "$T/srx.json"
json_check "$T/srx.json" 'd["as_of_unknown"] is False' "rx check --json: a known as-of"

# ---- the station's patient page: the same local format ------------------------------------------------------------
DB="$S"
PW='patient view password'
run "$LIFEBOAT" user add --db "$DB" --name nurse1 --role nurse <<<"$PW"
expect_rc 0 "user add"
start_server
login "$T/jar" nurse1 "$PW"
req pp -b "$T/jar" "$U/patient/$PID"
expect_status 200 "patient page"
CHECKS=$((CHECKS + 1))
! grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}[^<]*' "$T/pp.b" | head -3 | grep . ||
	fail "the patient page shows ISO times, not the local format"
expect_body pp '入院 [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}' "the admission in the local format"
expect_body pp '<tr class="[a-z]*"><td>[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}</td>' "result times in the local format"
stop_server
finish
