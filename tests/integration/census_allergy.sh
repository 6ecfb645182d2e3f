#!/usr/bin/env bash
# One allergy is one allergy on every census (issue 13): the same allergen sent three times — an ADT-00 AL1 row, an
# ADT-61 IAM row (SS-MIX2) and a FHIR AllergyIntolerance — counts once and is named, on the station's census page,
# the printed census (1_census.pdf), the patient page and `patient --json`; a second allergen of the same patient
# makes it two. The rule is STORE_ALLERGY_FIRST_SQL (src/store/store.h), the only one.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
for tool in curl pdftotext python3; do
	command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

# ---- SS-MIX2: patient 0000055555 (one allergen from AL1 and IAM), 0000055556 (two allergens) in ward 7西 ----------
S="$T/ssmix2"
msg() { # msg PID TYPE DAY FILE_TIME BODY: one SS-MIX2 file (ISO-2022-JP, segments separated by CR)
	local dir="$S/${1:0:3}/${1:3:3}/$1/$3/$2"
	mkdir -p "$dir"
	printf '%b' "$5" | "$LIFEBOAT" text encode --to iso-2022-jp >"$dir/${1}_${3}_${2}_999999999999999_${4}_-_1"
}
MSH='MSH|^~\\&|HIS|SEND|GW|RCV|20261120090000||%s|%s|P|2.5||||||~ISO IR87||ISO2022-1994|SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO\r'
pid() { printf 'PID|0001||%s^^^^PI||%s^^^^^L^I~%s^^^^^L^P||19500101|%s\r' "$1" "$2" "$3" "$4"; }
adt00() { # adt00 PID NAME KANA SEX AL1-ROWS…
	local id=$1 body
	body="$(printf "$MSH" 'ADT^A08^ADT_A01' "A08$id")EVN||202611200900\r$(pid "$id" "$2" "$3" "$4")"
	shift 4
	for r in "$@"; do body+="$r\r"; done
	msg "$id" ADT-00 - 20261120090000000 "$body"
}
adt61() { # adt61 PID NAME KANA SEX IAM-ROWS…
	local id=$1 body
	body="$(printf "$MSH" 'ADT^A60^ADT_A60' "A60$id")EVN||202611200900\r$(pid "$id" "$2" "$3" "$4")"
	shift 4
	for r in "$@"; do body+="$r\r"; done
	msg "$id" ADT-61 - 20261120090000000 "$body"
}
admit() { # admit PID NAME KANA SEX ROOM BED
	msg "$1" ADT-22 20261119 20261119140000000 \
		"$(printf "$MSH" 'ADT^A01^ADT_A01' "A01$1")EVN||202611191400|||||202611191400\r$(pid "$1" "$2" "$3" "$4")PV1|0001|I|7西^$5^$6||||110^医師^一郎^^^^^^^L^^^^^I|||01||||||||V$1\r"
}
PEN='1100^ペニシリン系抗生物質^99XYZ'
adt00 0000055555 '南^一郎' 'ミナミ^イチロウ' M "AL1|1|DA^薬剤アレルギー^HL70127|$PEN|SV^重症^HL70128|アナフィラキシー|20091201"
adt61 0000055555 '南^一郎' 'ミナミ^イチロウ' M "IAM|1|DA^薬剤アレルギー^HL70127|$PEN|SV^重症^HL70128|アナフィラキシー|A^追加^HL70323|||||20091201"
admit 0000055555 '南^一郎' 'ミナミ^イチロウ' M 701 1
adt00 0000055556 '北^花子' 'キタ^ハナコ' F "AL1|1|DA^薬剤アレルギー^HL70127|$PEN|SV^重症^HL70128|発疹|20091201"
adt61 0000055556 '北^花子' 'キタ^ハナコ' F "IAM|1|FA^食物アレルギー^HL70127|J0101^卵^99J-FAGY|MO^中等度^HL70128|蕁麻疹|A^追加^HL70323|||||19600101"
admit 0000055556 '北^花子' 'キタ^ハナコ' F 701 2

# ---- FHIR: the same allergen of 0000055555 once more ------------------------------------------------------------------
F="$T/fhir"
mkdir -p "$F"
echo '{"resourceType":"AllergyIntolerance","id":"AL-55555","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":{"coding":[{"system":"urn:local","code":"1100","display":"ペニシリン系抗生物質"}],"text":"ペニシリン系抗生物質"},"patient":{"reference":"Patient/0000055555"},"recordedDate":"2009-12-01","reaction":[{"manifestation":[{"text":"アナフィラキシー"}],"severity":"severe"}]}' >"$F/AllergyIntolerance.ndjson"

DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$S" --fhir "$F"
expect_rc 0 "ingest SS-MIX2 and FHIR of the same patients"
# the three rows are in the store (one per source): the de-duplication is the readers' one rule
CHECKS=$((CHECKS + 1))
n=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM allergies WHERE patient_id=\"0000055555\"").fetchone()[0])' "$DB")
[ "$n" = 3 ] || fail "expected the three source rows of 0000055555 in the store, found $n"

# ---- CLI / JSON -------------------------------------------------------------------------------------------------------
json_check() { # json_check FILE EXPR "what"
	CHECKS=$((CHECKS + 1))
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" ||
		fail "$3: $2 (in $(head -c 600 "$1"))"
}
run "$LIFEBOAT" patient --db "$DB" --id 0000055555 --json
expect_rc 0 "patient --json"
cp "$T/out" "$T/p1.json"
json_check "$T/p1.json" '[a["name"] for a in d["allergies"]] == ["ペニシリン系抗生物質"]' "patient --json: one allergy from three sources"
run "$LIFEBOAT" patient --db "$DB" --id 0000055556 --json
cp "$T/out" "$T/p2.json"
json_check "$T/p2.json" 'sorted(a["name"] for a in d["allergies"]) == ["ペニシリン系抗生物質", "卵"]' "patient --json: two allergens"
run "$LIFEBOAT" patient --db "$DB" --id 0000055555
expect_rc 0 "patient (text)"
expect_out 'allergies \(1\)' "patient text: one allergy"

# ---- the printed census -----------------------------------------------------------------------------------------------
run "$LIFEBOAT" print pack --db "$DB" --ward 7西 --out "$T/pack"
expect_rc 0 "print pack"
pdftotext "$T/pack/1_census.pdf" - | tr -d ' \n' >"$T/census.txt" # cells wrap: read the text run together
CHECKS=$((CHECKS + 1))
n=$(grep -o 'ペニシリン系抗生物質' "$T/census.txt" | wc -l)
[ "$n" = 2 ] || fail "printed census: the penicillin allergy once per patient (2 in all), found $n: $(cat "$T/census.txt")"
CHECKS=$((CHECKS + 1))
grep -q '卵' "$T/census.txt" || fail "printed census names the second allergen: $(cat "$T/census.txt")"

# ---- the station's census page ----------------------------------------------------------------------------------------
PW='census allergy test password'
run "$LIFEBOAT" user add --db "$DB" --name nurse1 --role nurse <<<"$PW"
expect_rc 0 "user add"
start_server
login "$T/jar" nurse1 "$PW"
expect_status 303 "login"
req census -b "$T/jar" "$U/census?ward=7%E8%A5%BF"
expect_status 200 "census page"
# one row per patient: the allergy cell of each
python3 - "$T/census.b" "$T/cells.txt" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.rows = []; self.row = None; self.cell = None
    def handle_starttag(self, tag, attrs):
        if tag == "tr": self.row = []
        elif tag == "td" and self.row is not None: self.cell = []
    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None: self.row.append(" ".join("".join(self.cell).split())); self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row: self.rows.append(self.row)
            self.row = None
    def handle_data(self, d):
        if self.cell is not None: self.cell.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for r in p.rows:
        if len(r) > 7: f.write(r[3] + "\t" + r[7] + "\n")
PY
CHECKS=$((CHECKS + 1))
grep -qE $'^0000055555\t(ALLERGY|アレルギー有) 1 ペニシリン系抗生物質$' "$T/cells.txt" ||
	fail "station census: one allergy, named, for 0000055555: $(cat "$T/cells.txt")"
CHECKS=$((CHECKS + 1))
grep -qE $'^0000055556\t(ALLERGY|アレルギー有) 2 (ペニシリン系抗生物質; 卵|卵; ペニシリン系抗生物質)$' "$T/cells.txt" ||
	fail "station census: two allergies, named, for 0000055556: $(cat "$T/cells.txt")"
req patient -b "$T/jar" "$U/patient/0000055555"
expect_status 200 "patient page"
CHECKS=$((CHECKS + 1))
n=$(grep -o 'ペニシリン系抗生物質' "$T/patient.b" | wc -l)
[ "$n" -ge 1 ] || fail "patient page names the allergen"
stop_server
finish
