#!/usr/bin/env bash
# A record that says "no known allergies" is not an allergy (issue 13): FHIR AllergyIntolerance coded SNOMED CT
# 716186003 / 409137002, or with the text 「なし」, is kept as the statement it is — never counted on the census,
# marked on a wristband or checked against as an 「未分類の薬剤アレルギー」 — and the patient view says
# 「なし (NKA の記録あり)」 rather than 「記録なし」 (asked and answered is not the same as never asked).
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
set -e

F="$T/fhir"
mkdir -p "$F"
{
	pat NK0001 青木 誠 アオキ マコト male 1960-01-01
	pat NK0002 石田 恵 イシダ メグミ female 1962-02-02
	pat NK0003 上野 実 ウエノ ミノル male 1964-03-03
	pat NK0004 江口 綾 エグチ アヤ female 1966-04-04
	admit NK0001 601 1
	admit NK0002 601 2
	admit NK0003 602 1
	admit NK0004 602 2
} >"$F/Patient.ndjson"
grep '"Encounter"' "$F/Patient.ndjson" >"$F/Encounter.ndjson"
grep '"Patient"' "$F/Patient.ndjson" >"$F/p" && mv "$F/p" "$F/Patient.ndjson"
al() { # al ID PATIENT CODE-JSON
	printf '{"resourceType":"AllergyIntolerance","id":"%s","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":%s,"patient":{"reference":"Patient/%s"},"recordedDate":"2026-11-01"}\n' "$1" "$3" "$2"
}
{
	al A1 NK0001 '{"coding":[{"system":"http://snomed.info/sct","code":"716186003","display":"No known allergy"}],"text":"No known allergy"}'
	al A2 NK0002 '{"coding":[{"system":"http://snomed.info/sct","code":"409137002"}],"text":"薬剤アレルギーなし (確認済み)"}'
	al A3 NK0003 '{"text":"なし"}'
	al A4 NK0004 '{"text":"ペニシリン"}'
} >"$F/AllergyIntolerance.ndjson"
"$LIFEBOAT" synth --out "$T/h" --patients 3 --seed 3 >/dev/null
DB="$T/s.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest"

for id in NK0001 NK0002 NK0003; do
	run "$LIFEBOAT" patient --db "$DB" --id $id --json
	expect_rc 0 "patient $id"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["allergies"] == [] and d["no_known_allergies"] is True, d' "$T/out" ||
		fail "$id: the NKA record is an allergy, or not said: $(cat "$T/out")"
	CHECKS=$((CHECKS + 1))
	run "$LIFEBOAT" --lang ja patient --db "$DB" --id $id
	expect_out 'アレルギー \(0\): なし \(NKA の記録あり\)' "$id: the text view says NKA was recorded"
	# a check finds no allergy to name: no 「未分類の薬剤アレルギー」 for a statement that there is none
	run "$LIFEBOAT" rx check --db "$DB" --patient $id --drug 100000101 --dose 250mg --per-day 3 --json
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not [a for a in d["alerts"] if a["kind"].startswith("allergy")], d["alerts"]' "$T/out" ||
		fail "$id: an allergy alert for a no-known-allergies record: $(cat "$T/out")"
	CHECKS=$((CHECKS + 1))
done
# (NK0002's text is not one of the words: the SNOMED code alone decides)
run "$LIFEBOAT" rx check --db "$DB" --patient NK0004 --drug 100000101 --dose 250mg --per-day 3
expect_rc 1 "the real penicillin allergy still stops amoxicillin"
# the printed census counts and names the real allergy only
run "$LIFEBOAT" print pack --db "$DB" --ward 5B --out "$T/pack"
expect_rc 0 "print pack"
pdftotext "$T/pack/1_census.pdf" - | tr -d ' \n' >"$T/census.txt"
n=$(grep -o 'ペニシリン' "$T/census.txt" | wc -l)
[ "$n" = 1 ] || fail "printed census: NK0004's allergy once, found $n"
grep -qi 'known\|なし(確認' "$T/census.txt" && fail "printed census names a no-known-allergies record: $(cat "$T/census.txt")"
CHECKS=$((CHECKS + 2))
run "$LIFEBOAT" patient --db "$DB" --id NK0004 --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [a["name"] for a in d["allergies"]] == ["ペニシリン"] and d["no_known_allergies"] is False, d' "$T/out" ||
	fail "NK0004's real allergy: $(cat "$T/out")"
CHECKS=$((CHECKS + 1))
finish
