#!/usr/bin/env bash
# The allergy dictionary's products at the command line (data/rx/allergy-words.tsv, kind product; unit tests in
# tests/unit/test_rx_allergy_words.c): a brand the drug master does not hold still means its ingredient and lends
# its class. `lifeboat rx check` exits 3 on a WARN and 1 on a STOP and says why in Japanese:
#   「ボルタレン」 + ロキソニン   → 要確認, the same NSAIDs (a class lent by the brand, not the same ingredient)
#   「バファリン」 + バイアスピリン → 中止, the same ingredient アスピリン
#   「ピリン疑い」 + スルピリン     → 中止 (ピリン系, 疑い does not stop the match); + バイアスピリン → nothing:
#                                 アスピリン is no ピリン系 drug
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
set -e

F="$T/fhir"
mkdir -p "$F"
# allergy ID TEXT PATIENT REACTION SEVERITY: an active medication AllergyIntolerance written as free text
allergy() {
	printf '{"resourceType":"AllergyIntolerance","id":"%s","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":{"text":"%s"},"patient":{"reference":"Patient/%s"},"recordedDate":"2024-06-01","reaction":[{"manifestation":[{"text":"%s"}],"severity":"%s"}]}\n' "$@"
}
{
	pat PW0001 辞書 一 ジショ イチ male 1970-01-01
	pat PW0002 辞書 二 ジショ ニ male 1970-01-01
	pat PW0003 辞書 三 ジショ サン male 1970-01-01
} >"$F/Patient.ndjson"
{
	allergy AW-1 ボルタレン PW0001 発疹 mild
	allergy AW-2 バファリン PW0002 蕁麻疹 mild
	allergy AW-3 ピリン疑い PW0003 発疹 mild
} >"$F/AllergyIntolerance.ndjson"
# no ボルタレン and no バファリン in this master: only what is ordered
cat >"$T/drugs.csv" <<'EOF'
name,code,kana,generic_name,unit,max_daily_dose,allergy_class
ロキソニン錠60mg,D-LOXO,ロキソニン,ロキソプロフェンナトリウム水和物,mg,180,NSAIDs
バイアスピリン錠100mg,D-ASPI,バイアスピリン,アスピリン,mg,300,NSAIDs
スルピリン注射液250mg「日医工」,D-SULP,スルピリン,スルピリン水和物,mg,1000,ピリン系
EOF
DB="$T/s.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/drugs.csv"
expect_rc 0 "ingest the ward"

check() { # check PATIENT DRUG DOSE: rx check in Japanese, once a day
	LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$DB" --patient "$1" --drug "$2" --dose "$3" --per-day 1
}
check PW0001 D-LOXO 60mg
expect_rc 3 "ボルタレン allergy, ロキソニン ordered: a WARN"
expect_out '^要確認 +アレルギー\(同系統\): ボルタレン \(ボルタレン\) のアレルギー歴があり、ロキソニン錠60mg と同じ NSAIDs です' \
	"the class the brand lends, said in Japanese"
expect_out '根拠: アレルギー歴 AW-1 — ボルタレン' "the allergy record is the basis"
CHECKS=$((CHECKS + 1))
grep -q '^中止' "$T/out" && fail "ボルタレン + ロキソニン is no STOP: $(cat "$T/out")"

check PW0002 D-ASPI 100mg
expect_rc 1 "バファリン allergy, バイアスピリン ordered: a STOP"
expect_out '^中止 +アレルギー: バファリン \(アスピリン\) のアレルギー歴があり、バイアスピリン錠100mg は同じ成分 アスピリン を含みます' \
	"the brand's ingredient named, in Japanese"

check PW0003 D-SULP 250mg
expect_rc 1 "ピリン疑い, スルピリン ordered: a STOP"
expect_out '^中止 +アレルギー: ピリン疑い のアレルギー歴があり、スルピリン注射液250mg「日医工」 は ピリン系 に該当します' \
	"ピリン found in ピリン疑い, in Japanese"

check PW0003 D-ASPI 100mg
expect_rc 0 "ピリン疑い, バイアスピリン ordered: no alert (アスピリン is no ピリン系)"
expect_out '^警告なし' "said in Japanese"

# the same STOP as JSON for scripts: the level, the kind and the record it rests on
run "$LIFEBOAT" rx check --db "$DB" --patient PW0002 --drug D-ASPI --dose 100mg --per-day 1 --json
expect_rc 1 "the JSON check exits 1 too"
python3 - "$T/out" <<'PY' || fail "バファリン: no allergy STOP naming AW-2 in the JSON: $(head -c 800 "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
a = [x for x in d["alerts"] if x["kind"] == "allergy" and x["level"] == "stop"]
sys.exit(0 if d["stop"] and a and "アスピリン" in a[0]["reason_ja"] and "AW-2" in json.dumps(a[0]["basis"], ensure_ascii=False) else 1)
PY
CHECKS=$((CHECKS + 1))
finish
