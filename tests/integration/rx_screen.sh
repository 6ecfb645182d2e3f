#!/usr/bin/env bash
# lifeboat rx: names and the screen (issue 14). A ward written for the test: two patients named 山本 優子 (同姓同名;
# one allergic to ペニシリン), 木村 彩 a woman of 30 with no pregnancy status, 松本 翔 a man, 井上 茂 on アマリール.
# The master marks the look-alike pair アマリール ↔ アルマール (only アマリール's row names the other: the check
# finds the pair from either side) and ワーファリン as ハイリスク薬.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
set -e

F="$T/fhir"
mkdir -p "$F"
{
	echo "{\"resourceType\":\"Patient\",\"id\":\"SC0001\",\"name\":$(name 山本 優子 ヤマモト ユウコ),\"gender\":\"female\",\"birthDate\":\"1948-02-02\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"SC0002\",\"name\":$(name 山本 優子 ヤマモト ユウコ),\"gender\":\"female\",\"birthDate\":\"1951-07-07\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"SC0030\",\"name\":$(name 木村 彩 キムラ アヤ),\"gender\":\"female\",\"birthDate\":\"$(date -u -d '-30 years' +%F)\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"SC0031\",\"name\":$(name 松本 翔 マツモト ショウ),\"gender\":\"male\",\"birthDate\":\"$(date -u -d '-30 years' +%F)\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"SC0040\",\"name\":$(name 井上 茂 イノウエ シゲル),\"gender\":\"male\",\"birthDate\":\"1950-01-01\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"SC0060\",\"name\":$(name 林 和子 ハヤシ カズコ),\"gender\":\"female\",\"birthDate\":\"1960-01-01\"}"
} >"$F/Patient.ndjson"
echo '{"resourceType":"AllergyIntolerance","id":"AL-S1","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":{"text":"ペニシリン"},"patient":{"reference":"Patient/SC0001"},"recordedDate":"2024-06-01","reaction":[{"manifestation":[{"text":"発疹"}],"severity":"moderate"}]}' >"$F/AllergyIntolerance.ndjson"
echo '{"resourceType":"MedicationRequest","id":"ORD-AM1","status":"active","intent":"order","medicationCodeableConcept":{"coding":[{"system":"urn:local","code":"D-AMAR","display":"アマリール1mg錠"}],"text":"アマリール1mg錠"},"subject":{"reference":"Patient/SC0040"},"authoredOn":"2026-01-05T10:00:00+09:00","dosageInstruction":[{"text":"1日1回","timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":1,"unit":"mg"}}]}],"dispenseRequest":{"validityPeriod":{"start":"2026-01-05"}}}' >"$F/MedicationRequest.ndjson"
cat >"$T/drugs.csv" <<'CSV'
name,code,kana,generic_name,form,unit,max_daily_dose,allergy_class,interaction_group,pregnancy,ハイリスク薬,名称類似
アマリール1mg錠,D-AMAR,アマリール,グリメピリド,錠,mg,6,,,禁忌,1,アルマール
アルマール錠10,D-ALMA,アルマール,アロチノロール塩酸塩,錠,mg,30,,,,,
ワーファリン錠1mg,D-WARF,ワーファリン,ワルファリンカリウム,錠,mg,10,,,禁忌,1,
カロナール錠200,D-CALO,カロナール,アセトアミノフェン,錠,mg,4000,,,,,
サワシリンカプセル250,D-SAWA,サワシリン,アモキシシリン水和物,カプセル,mg,1500,ペニシリン系,,,,
CSV
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/drugs.csv"
expect_rc 0 "ingest the screen test data"
check() { run "$LIFEBOAT" rx check --db "$DB" "$@"; }
kinds() { # kinds LEVEL KIND "what": the JSON of the last check has an alert of that level and kind
	CHECKS=$((CHECKS + 1))
	python3 - "$T/out" "$1" "$2" <<'PY' || fail "$3: no $1 $2 alert in $(head -c 600 "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if [a for a in d["alerts"] if a["level"] == sys.argv[2] and a["kind"] == sys.argv[3]
               and a["reason_ja"] and a["reason_en"]] else 1)
PY
}

# Exit codes: 0 none, 1 STOP, 3 WARN.
check --patient SC0060 --drug D-CALO --dose 200 --unit mg --per-day 3
expect_rc 0 "a safe order exits 0"
check --patient SC0001 --drug D-SAWA --dose 250 --unit mg --per-day 3
expect_rc 1 "an allergy stop exits 1"
check --patient SC0060 --drug D-CALO --dose 2000 --unit mg --per-day 3
expect_rc 3 "a dose over the maximum (WARN) exits 3"
run "$LIFEBOAT" rx check --help
expect_out '3 a WARN' "--help documents exit 3"

# The level words in Japanese: 中止 / 要確認, not STOP / WARN (--lang ja and LIFEBOAT_LANG=ja).
run "$LIFEBOAT" --lang ja rx check --db "$DB" --patient SC0001 --drug D-SAWA --dose 250 --unit mg --per-day 3
expect_rc 1 "ja stop"
expect_out '^中止' "--lang ja prints 中止"
CHECKS=$((CHECKS + 1))
grep -q '^STOP' "$T/out" && fail "--lang ja still prints STOP"
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$DB" --patient SC0060 --drug D-CALO --dose 2000 --unit mg --per-day 3
expect_rc 3 "ja warn"
expect_out '^要確認' "LIFEBOAT_LANG=ja prints 要確認"

# The header: same-name patients and the allergies.
check --patient SC0001 --drug D-CALO --dose 200 --unit mg --per-day 3
expect_out 'SAME FULL NAME' "the header says another patient has the same name"
expect_out 'allergies: ペニシリン' "the header lists the allergies"
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$DB" --patient SC0002 --drug D-CALO --dose 200 --unit mg --per-day 3
expect_out '同姓同名' "同姓同名 in Japanese, on the other patient of the pair"
expect_out 'アレルギー: 記録なし' "no allergy recorded is said"
check --patient SC0001 --drug D-CALO --dose 200 --unit mg --per-day 3 --json
expect_out '"same_full_name": ?1' "JSON same_full_name"
expect_out '"allergies": ?\[\{' "JSON allergies"

# High-alert drugs carry a mark in search and on the check.
run "$LIFEBOAT" rx search --db "$DB" ワーファ
expect_out 'high-alert' "search marks ハイリスク薬"
check --patient SC0060 --drug D-WARF --dose 2 --unit mg --per-day 1
expect_out 'D-WARF.*\[high-alert\]' "the check marks ハイリスク薬"
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx search --db "$DB" ワーファ
expect_out 'ハイリスク薬' "ja search mark"

# Look-alike names: a fragment of アルマール shows アマリール with it, both marked; the check of アルマール for the
# patient on アマリール warns (the master's column is on アマリール's row only: both directions count).
run "$LIFEBOAT" rx search --db "$DB" アルマ
expect_out 'D-ALMA' "the fragment finds アルマール"
expect_out 'D-AMAR' "its look-alike アマリール is shown with it"
expect_out 'look-alike name: アマリール' "アルマール is marked as a look-alike of アマリール"
check --patient SC0040 --drug D-ALMA --dose 10 --unit mg --per-day 1 --json
expect_rc 3 "アルマール for a patient on アマリール exits 3"
kinds warn look-alike "アルマール for a patient on アマリール"
check --patient SC0060 --drug D-ALMA --dose 10 --unit mg --per-day 1 --json
expect_rc 0 "アルマール for a patient on nothing"

# Pregnancy: a 禁忌 drug for a woman of 30 with no pregnancy status: 妊娠の可能性を確認 (WARN); --not-pregnant
# (asked) silences it; a man gets nothing; --pregnant for a man is refused.
check --patient SC0030 --drug D-WARF --dose 2 --unit mg --per-day 1 --json
expect_rc 3 "warfarin for a woman of 30 exits 3"
kinds warn pregnancy-possible "warfarin for a woman of 30 without pregnancy status"
expect_out '妊娠の可能性を確認' "the Japanese reason says 妊娠の可能性を確認"
check --patient SC0030 --drug D-WARF --dose 2 --unit mg --per-day 1 --not-pregnant
expect_rc 0 "--not-pregnant: no pregnancy warning"
check --patient SC0060 --drug D-WARF --dose 2 --unit mg --per-day 1
expect_rc 0 "a woman of 66: no pregnancy warning"
check --patient SC0031 --drug D-WARF --dose 2 --unit mg --per-day 1
expect_rc 0 "a man: no pregnancy warning"
check --patient SC0031 --drug D-WARF --dose 2 --unit mg --per-day 1 --pregnant
expect_rc 2 "--pregnant for a man is refused"
expect_one_line_err "--pregnant for a man"
check --patient SC0030 --drug D-WARF --dose 2 --unit mg --per-day 1 --pregnant
expect_rc 1 "--pregnant for a woman: warfarin stops"
finish
