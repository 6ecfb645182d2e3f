#!/usr/bin/env bash
# A hospital's lean drug master (issue 14 acceptance: "a hospital master without them still loads and the checks
# say what they could not check"): with only code, name, generic name, form, unit and maximum — or only code and
# name — the check never answers 「警告なし」 for what it could not see. A patient with a drug allergy gets a WARN
# that class allergies and cross-reactivity were not checked; a master without maximum doses a WARN that the dose
# was not checked; no interaction groups or therapeutic classes an INFO beside active medicines.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
set -e

"$LIFEBOAT" synth --out "$T/h" --patients 3 --seed 3 >/dev/null
F="$T/fhir"
mkdir -p "$F"
{
	pat LM0001 岡田 修 オカダ オサム male 1955-05-05
	pat LM0002 小川 恵 オガワ メグミ female 1950-06-06
} >"$F/Patient.ndjson"
printf '{"resourceType":"AllergyIntolerance","id":"AL1","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":{"text":"ペニシリン系"},"patient":{"reference":"Patient/LM0001"},"recordedDate":"2024-01-01","reaction":[{"manifestation":[{"text":"アナフィラキシー"}],"severity":"severe"}]}\n' >"$F/AllergyIntolerance.ndjson"
med ORD-V1 LM0002 100007401 デパケンR錠200 200 mg 2 >"$F/MedicationRequest.ndjson"
# the lean master: six columns of synth's own master; and one of code and name only
python3 - "$T/h/drugs.csv" "$T/lean.csv" "$T/bare.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
for path, cols in ((sys.argv[2], ["code", "name", "generic_name", "form", "unit", "max_daily_dose"]), (sys.argv[3], ["code", "name"])):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow([r[c] for c in cols])
PY
run "$LIFEBOAT" ingest --db "$T/full.db" --fhir "$F" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest with synth's full master"
run "$LIFEBOAT" ingest --db "$T/lean.db" --fhir "$F" --drugs "$T/lean.csv"
expect_rc 0 "ingest with the lean master"
run "$LIFEBOAT" ingest --db "$T/bare.db" --fhir "$F" --drugs "$T/bare.csv"
expect_rc 0 "ingest with the code,name master"

# full master: penicillin anaphylaxis stops amoxicillin; nothing is said to be unchecked
run "$LIFEBOAT" rx check --db "$T/full.db" --patient LM0001 --drug 100000101 --dose 250mg --per-day 3
expect_rc 1 "full master: amoxicillin after penicillin anaphylaxis stops"
CHECKS=$((CHECKS + 1))
grep -q "the drug master has no" "$T/out" && fail "full master: something said unchecked: $(cat "$T/out")"

# lean master: the brand is no longer tied to ペニシリン系 — said, and not exit 0
run "$LIFEBOAT" rx check --db "$T/lean.db" --patient LM0001 --drug 100000101 --dose 250mg --per-day 3 --json
expect_rc 3 "lean master: the penicillin patient's check is a WARN, never 'no alerts'"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); a=[x for x in d["alerts"] if x["kind"]=="unchecked" and x["level"]=="warn"]; assert a and "allergy classes" in a[0]["reason_en"], d["alerts"]' "$T/out" ||
	fail "lean master: no WARN that class allergies were not checked: $(cat "$T/out")"
CHECKS=$((CHECKS + 1))
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$T/lean.db" --patient LM0001 --drug 100000101 --dose 250mg --per-day 3
expect_out '系統アレルギー・交差反応は未チェック' "the Japanese screen says so"
# beside an active medicine: interactions and duplicates not checked (info); the maximum is in the lean master
run "$LIFEBOAT" rx check --db "$T/lean.db" --patient LM0002 --drug 100000501 --dose 0.5g --per-day 3
expect_out 'no interaction groups' "lean master: 併用禁忌 not checked, said"
expect_out 'no therapeutic classes' "lean master: 同効薬重複 not checked, said"

# code,name only: no maximum anywhere — colchicine 15 mg a day is a WARN that the dose was not checked
run "$LIFEBOAT" rx check --db "$T/bare.db" --patient LM0002 --drug 100009001 --dose 7.5mg --per-day 2
expect_rc 3 "code,name master: an unchecked dose is a WARN"
expect_out 'no maximum daily doses' "the dose was not checked, said"
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$T/bare.db" --patient LM0002 --drug 100009001 --dose 7.5mg --per-day 2
expect_out '1日最大量がなく、用量は未チェック' "in Japanese too"

# the same lean files into a store that had the full master: refused, exit 2, one line, the store as it was
run "$LIFEBOAT" ingest --db "$T/full.db" --fhir "$F" --drugs "$T/bare.csv"
expect_rc 2 "a code,name master over the full one is refused"
expect_one_line_err "the refusal"
expect_err 'no max_daily_dose where the store had [0-9]+ products' "the lost column is named"
run "$LIFEBOAT" rx check --db "$T/full.db" --patient LM0002 --drug 100009001 --dose 7.5mg --per-day 2
expect_rc 1 "the store keeps its maximum doses: colchicine 15 mg a day still stops"
run "$LIFEBOAT" ingest --db "$T/full.db" --fhir "$F" --drugs "$T/lean.csv"
expect_rc 2 "a master without allergy classes over the full one is refused"
expect_err 'allergy_class' "the lost column is named"
run "$LIFEBOAT" ingest --db "$T/full.db" --fhir "$F" --drugs "$T/lean.csv" --accept-shrink
expect_rc 0 "--accept-shrink loads a deliberate replacement"
finish
