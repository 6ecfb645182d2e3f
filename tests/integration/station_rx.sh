#!/usr/bin/env bash
# The station's safety checks and print buttons over real HTTP (issue 7, "in the station"): the three-character drug
# search (page and JSON, kana of any width or script, codes, brand ↔ generic, escaping), the prescription check
# page (each alert's level, reason and basis, the banner, the downtime-copy stamp), the barcode check (wristband,
# then an order label printed by the station and read back with zbarimg, or a drug code: right patient, active
# order, allergy), the PDFs (forms, a ward's pack parts, a patient's wristbands and order labels; inline, nothing
# left on disk), bad input (400 with a message, no crash), and the audit entry of every check and print.
# The patients and the drug master are written here, so each answer has one known cause.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
for tool in curl pdftoppm zbarimg pdftotext pdffonts; do
	command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

# ---- the hospital: four patients in ward 5B, a fifth outpatient; allergies, orders, a pregnancy ---------------------
F="$T/fhir"
FHIR_MED_DATE=2026-11-05
mkdir -p "$F"
XSS='<script>alert(1)</script>'
{
	pat RX0001 佐藤 花子 サトウ ハナコ female 1960-04-05
	pat RX0002 山田 美咲 ヤマダ ミサキ female 1994-08-01
	pat RX0003 鈴木 一郎 スズキ イチロウ male 1970-01-20
	pat RX0004 田中 実 タナカ ミノル male 1955-03-03
	pat RX0005 外来 太郎 ガイライ タロウ male 1980-05-05
	pat RX0006 井上 茂 イノウエ シゲル male 1950-01-01
	admit RX0001 501 1
	admit RX0002 501 2
	admit RX0003 502 1
	admit RX0004 502 2
	echo '{"resourceType":"AllergyIntolerance","id":"AL-1","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":{"text":"ペニシリン"},"patient":{"reference":"Patient/RX0001"},"recordedDate":"2024-06-01","reaction":[{"manifestation":[{"text":"発疹"}],"severity":"moderate"}]}'
	echo '{"resourceType":"AllergyIntolerance","id":"AL-2","clinicalStatus":{"coding":[{"code":"active"}]},"category":["food"],"code":{"text":"卵"},"patient":{"reference":"Patient/RX0003"},"recordedDate":"2020-01-01"}'
	echo '{"resourceType":"AllergyIntolerance","id":"AL-3","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":{"text":"ロキソプロフェン"},"patient":{"reference":"Patient/RX0004"},"recordedDate":"2019-02-01"}'
	med ORD-W1 RX0001 D-WARF ワーファリン錠1mg 2 mg 1 active
	med ORD-L1 RX0001 D-LOXO ロキソニン錠60mg 60 mg 3 active
	med ORD-OLD RX0001 D-CALO カロナール錠200 200 mg 3 completed
	med ORD-M1 RX0004 D-MAGM マグミット錠330mg 330 mg 3 active
	med ORD-AM1 RX0006 D-AMAR アマリール1mg錠 1 mg 1 active
	echo '{"resourceType":"Condition","id":"DX-1","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"O600","display":"切迫早産"}],"text":"切迫早産"},"subject":{"reference":"Patient/RX0002"},"onsetDateTime":"2026-10-01"}'
} >"$F/all.ndjson"
cat >"$T/drugs.csv" <<CSV
code,name,kana,generic_name,form,unit,max_daily_dose,allergy_class,interaction_group,pregnancy,yj_code,hot_code,high_alert,confusable
D-SAWA,サワシリンカプセル250,サワシリン,アモキシシリン水和物,カプセル,mg,1500,ペニシリン系,,,6131001M1027,1234567890101,,
D-AMOX,アモキシシリンカプセル250mg「サワイ」,アモキシシリン,アモキシシリン水和物,カプセル,mg,1500,ペニシリン系,,,6131001M1035,,,
D-WARF,ワーファリン錠1mg,ワーファリン,ワルファリンカリウム,錠,mg,10,,出血リスク;CYP2C9,禁忌,,,1,
D-LOXO,ロキソニン錠60mg,ロキソニン,ロキソプロフェンナトリウム水和物,錠,mg,180,NSAIDs,出血リスク;NSAIDs,禁忌(妊娠後期),,,,
D-ASPI,バイアスピリン錠100mg,バイアスピリン,アスピリン,錠,mg,300,NSAIDs,出血リスク;NSAIDs,禁忌(出産予定日12週以内),,,,
D-CALO,カロナール錠200,カロナール,アセトアミノフェン,錠,mg,4000,,,,,,,
D-BLOP,ブロプレス錠8,ブロプレス,カンデサルタンシレキセチル,錠,mg,12,,RAS阻害,禁忌,,,,
D-MAGM,マグミット錠330mg,マグミット,酸化マグネシウム,錠,mg,2000,,キレート,,,,,
D-XSS,"$XSS錠","スクリプト",スクリプト$XSS,錠,mg,,,,,,,,
D-AMAR,アマリール1mg錠,アマリール,グリメピリド,錠,mg,6,,,禁忌,,,1,アルマール
D-ALMA,アルマール錠10,アルマール,アロチノロール塩酸塩,錠,mg,30,,,,,,,
CSV
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/drugs.csv"
expect_rc 0 "ingest the test hospital"
PW='station rx test password'
run "$LIFEBOAT" user add --db "$DB" --name pharm1 --role pharmacist <<<"$PW"
expect_rc 0 "user add"
mkdir "$T/tmp"
export TMPDIR="$T/tmp" # the station's private print folders go here: it must be empty after every PDF
start_server
unset TMPDIR

# ---- no session, no data -------------------------------------------------------------------------------------------
req anon_json "$U/drugs.json?q=%EF%BD%B1%EF%BE%93%EF%BD%B7"
expect_status 401 "/drugs.json without a session"
expect_header anon_json '^content-type: application/json' "the JSON endpoint answers JSON without a session"
expect_no_body anon_json 'D-AMOX' "no drug data without a session"
for path in "/drugs?q=abc" "/rx/check?patient=RX0001" "/barcode?wristband=RX0001" "/print/forms.pdf" \
	"/print/patient.pdf?patient=RX0001&part=wristbands" "/print"; do
	req anon "$U$path"
	expect_status 302 "$path without a session goes to the login page"
	expect_no_body anon '佐藤|サトウ|%PDF' "$path without a session shows nothing"
done
login "$T/jar" pharm1 "$PW"
expect_status 303 "login"
J=(-b "$T/jar")

# ---- drug search: page ---------------------------------------------------------------------------------------------
codes_of() { grep -o 'class="code">D-[A-Z]*<' "$T/$1.b" | sort -u | tr '\n' ' '; }
req s1 "${J[@]}" "$U/drugs?q=%EF%BD%B1%EF%BE%93%EF%BD%B7" # ｱﾓｷ
req s2 "${J[@]}" "$U/drugs?q=%E3%81%82%E3%82%82%E3%81%8D" # あもき
req s3 "${J[@]}" "$U/drugs?q=%E3%82%A2%E3%83%A2%E3%82%AD" # アモキ
expect_status 200 "drug search page"
CHECKS=$((CHECKS + 1))
[ -n "$(codes_of s1)" ] && [ "$(codes_of s1)" = "$(codes_of s2)" ] && [ "$(codes_of s2)" = "$(codes_of s3)" ] ||
	fail "ｱﾓｷ, あもき and アモキ differ: [$(codes_of s1)] [$(codes_of s2)] [$(codes_of s3)]"
expect_body s1 'class="code">D-AMOX<' "ｱﾓｷ finds the amoxicillin generic"
req sawa "${J[@]}" "$U/drugs?q=%E3%82%B5%E3%83%AF%E3%82%B7" # サワシ: the brand lists its generic
expect_body sawa 'サワシリンカプセル250</a> <span class="badge brand">先発品</span>.*<ul class="same"><li><a href="/drugs\?q=D-AMOX">アモキシシリンカプセル250mg「サワイ」</a> <span class="badge generic">後発品</span>' \
	"a brand shows its generic"
req hot "${J[@]}" "$U/drugs?q=1234567890101"
expect_body hot 'class="code">D-SAWA<' "search by HOT code"
expect_body hot 'HOT 1234567890101' "the HOT code is shown"
req yj "${J[@]}" "$U/drugs?q=6131001M1035"
expect_body yj 'class="code">D-AMOX<' "search by YJ code"
expect_body yj 'アモキシシリンカプセル250mg「サワイ」</a> <span class="badge generic">後発品</span>.*<ul class="same"><li><a href="/drugs\?q=D-SAWA">サワシリンカプセル250' \
	"a generic shows its brand"
req short "${J[@]}" "$U/drugs?q=%E3%83%AD%E3%82%AD" # ロキ
expect_status 400 "two characters are too few"
expect_body short 'class="error" role="alert">3文字以上入力してください' "two characters: the message says three"
req xssq "${J[@]}" "$U/drugs?q=%E3%82%B9%E3%82%AF%E3%83%AA" # スクリ
expect_status 200 "search for the hostile drug"
expect_body xssq '&lt;script&gt;alert\(1\)&lt;/script&gt;錠' "the drug name is escaped"
expect_no_body xssq '<script>alert' "no raw markup from the drug master"
req badq "${J[@]}" "$U/drugs?q=%FF%FEabc"
expect_no_body badq $'\xff' "invalid UTF-8 is not echoed"
req tied "${J[@]}" "$U/drugs?q=%EF%BD%B1%EF%BE%93%EF%BD%B7&patient=RX0001"
expect_body tied 'href="/rx/check\?patient=RX0001&amp;drug=D-AMOX"' "a search for a patient links each drug to the check"

# ---- drug search: JSON ---------------------------------------------------------------------------------------------
req j1 "${J[@]}" "$U/drugs.json?q=%EF%BD%BB%EF%BE%9C%EF%BD%BC" # ｻﾜｼ
expect_status 200 "drugs.json"
expect_header j1 '^content-type: application/json' "JSON type"
python3 - "$T/j1.b" <<'PY' || fail "drugs.json: $(head -c 400 "$T/j1.b")"
import json, sys
d = json.load(open(sys.argv[1]))
b = [x for x in d["drugs"] if x["code"] == "D-SAWA"][0]
assert not b["generic_product"] and b["max_daily_dose"] == 1500 and b["hot_code"] == "1234567890101"
assert [s["code"] for s in b["same_ingredient"]] == ["D-AMOX"] and b["same_ingredient"][0]["generic_product"]
PY
CHECKS=$((CHECKS + 1))
req jx "${J[@]}" "$U/drugs.json?q=%E3%82%B9%E3%82%AF%E3%83%AA"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["drugs"][0]["name"]=="<script>alert(1)</script>錠", d' "$T/jx.b" ||
	fail "the hostile name is exact JSON: $(head -c 300 "$T/jx.b")"
CHECKS=$((CHECKS + 1))
for bad in "q=%E3%83%AD%E3%82%AD" "q=abc&limit=0" "q=abc&limit=x" "q=%FF%FE%FD" "limit=5"; do
	req jbad "${J[@]}" "$U/drugs.json?$bad"
	expect_status 400 "drugs.json?$bad"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"], d' "$T/jbad.b" ||
		fail "drugs.json?$bad: no JSON error: $(head -c 300 "$T/jbad.b")"
	CHECKS=$((CHECKS + 1))
done
req jp "${J[@]}" "$U/drugs.json?q=%E3%83%AF%E3%83%BC%E3%83%95%E3%82%A1&patient=RX0001" # ワーファ, tied to a patient
expect_status 200 "drugs.json for a patient"

# ---- prescription check ----------------------------------------------------------------------------------------------
verdict() { sed -n 's/.*id="rx-verdict" data-verdict="\([a-z]*\)".*/\1/p' "$T/$1.b" | head -1; }
rxq() { # rxq NAME QUERY: one check
	req "$1" "${J[@]}" "$U/rx/check?$2"
}
rxq c1 "patient=RX0001&drug=D-AMOX&dose=250&unit=mg&per_day=3&days=7"
expect_status 200 "check: amoxicillin for a penicillin allergy"
CHECKS=$((CHECKS + 1))
[ "$(verdict c1)" = stop ] || fail "amoxicillin for a penicillin allergy is not STOP: $(verdict c1)"
expect_body c1 '<tr class="lv-stop"><td class="level">中止</td><td class="kind" data-kind="allergy">アレルギー</td><td>アレルギー: ペニシリン' "the allergy alert with its reason"
expect_body c1 'class="basis">アレルギー歴 AL-1: ペニシリン \(発疹, 中等度, 2024-06-01\)' "the alert names the record it rests on"
expect_body c1 '<span class="name">佐藤 花子</span> <span class="kana">サトウ ハナコ</span>' "the identification banner"
expect_body c1 '<dd class="pid">RX0001</dd>' "the patient ID on the banner"
expect_body c1 'class="allergy"' "the allergy box"
expect_body c1 'ダウンタイム用控え / downtime copy' "the downtime-copy mark on the printable result"
expect_body c1 '<dt>データ時点</dt><dd>[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}<' "the data's as-of time on the printable result, in the display format"
expect_body c1 '<dt>チェック者</dt><dd>pharm1 \(薬剤師\)</dd>' "who checked (the role as a Japanese reader calls it, issue 13)"
expect_body c1 '1回 250mg × 1日 3回 × 7日分 &rarr; 1日量 750 mg \(1日最大 1500 mg\)' "the order with its daily total"
expect_body c1 'class="print-head"' "the printed header names the patient"
expect_body c1 'data-patient="RX0001"' "print records name the patient"
rxq c2 "patient=RX0001&drug=D-ASPI&dose=100mg&per_day=1"
CHECKS=$((CHECKS + 1))
[ "$(verdict c2)" = warn ] || fail "aspirin with warfarin is not a warning: $(verdict c2)"
expect_body c2 'data-kind="interaction">相互作用</td>.*ORD-W1' "the interaction names the warfarin order"
rxq c3 "patient=RX0003&drug=D-CALO&dose=400&unit=mg&per_day=3%E5%9B%9E&days=5"
CHECKS=$((CHECKS + 1))
[ "$(verdict c3)" = ok ] || fail "a safe order is not silent: $(verdict c3)"
expect_body c3 '警告なし' "a safe order says no alert"
rxq c4 "patient=RX0001&drug=D-LOXO&dose=60&unit=mg&per_day=3&pregnant=1"
expect_body c4 'data-kind="pregnancy">妊婦</td>' "the pregnant checkbox is taken into account"
rxq c5 "patient=RX0002&drug=D-BLOP&dose=8&unit=mg&per_day=1"
CHECKS=$((CHECKS + 1))
[ "$(verdict c5)" = stop ] || fail "candesartan for a recorded pregnancy is not STOP"
rxq c6 "patient=RX0003&drug=D-WARF&dose=20&unit=mg&per_day=5"
expect_body c6 '<tr class="lv-stop"><td class="level">中止</td><td class="kind" data-kind="max-dose">1日最大量超過</td>' "ten times the maximum is a stop"
rxq c7 "patient=RX0003&drug=%EF%BE%8F%EF%BD%B8%EF%BE%9E%EF%BE%90&dose=330&per_day=3" # ﾏｸﾞﾐ: one drug matches
expect_status 200 "a drug typed as text with one match"
expect_body c7 '<h2>薬品を確認してください: 「ﾏｸﾞﾐ」</h2>' "one match of a name fragment is offered for confirmation"
expect_body c7 'href="/rx/check\?patient=RX0003&amp;drug=D-MAGM&amp;dose=330&amp;per_day=3">マグミット錠330mg</a>' "…as a link that keeps the order"
expect_no_body c7 'id="rx-verdict"' "…and not checked before it is confirmed"
# 名称類似: 「アルマ」 for the patient on アマリール is not taken as アルマール: both are offered, each marked as the
# other's look-alike (the master names the pair on アマリール's row only); the check of アルマール warns.
rxq la "patient=RX0006&drug=%E3%82%A2%E3%83%AB%E3%83%9E&dose=10&unit=mg&per_day=1" # アルマ
expect_no_body la 'id="rx-verdict"' "a fragment matching アルマール alone is not checked on its own"
expect_body la 'drug=D-AMAR' "its look-alike アマリール is offered with it"
expect_body la '<span class="badge look-alike">名称類似: アマリール1mg錠</span>' "アルマール is marked as アマリール's look-alike"
expect_body la '<span class="badge high-alert">ハイリスク薬</span>' "アマリール carries the ハイリスク薬 mark"
rxq la2 "patient=RX0006&drug=D-ALMA&dose=10&unit=mg&per_day=1"
CHECKS=$((CHECKS + 1))
[ "$(verdict la2)" = warn ] || fail "アルマール for a patient on アマリール is not 要確認: $(verdict la2)"
expect_body la2 '<td class="level">要確認</td><td class="kind" data-kind="look-alike">名称類似</td>' "the look-alike alert, level 要確認"
rxq ha "patient=RX0003&drug=D-WARF&dose=2&unit=mg&per_day=1"
expect_body ha '<span class="badge high-alert">ハイリスク薬</span>' "the check of warfarin carries the ハイリスク薬 mark"
rxq pm "patient=RX0003&drug=D-WARF&dose=2&unit=mg&per_day=1&pregnant=1"
expect_status 400 "pregnant for a man is refused"
expect_body pm '患者は男性として登録されています' "…with a message"
req dj "${J[@]}" "$U/drugs.json?q=%E3%82%A2%E3%83%AB%E3%83%9E" # アルマ
expect_body dj '"look_alike": ?\["アマリール1mg錠"\]' "drugs.json names the look-alike"
expect_body dj '"high_alert": ?true' "drugs.json marks ハイリスク薬"
rxq c8 "patient=RX0003&drug=%E3%82%A2%E3%83%A2%E3%82%AD&dose=250&per_day=3" # アモキ: two drugs match
expect_status 200 "a drug typed as text with two matches"
expect_body c8 '<ul class="choose"><li><a href="/rx/check\?patient=RX0003&amp;drug=D-' "a choice of drugs that keeps the order"
expect_body c8 'dose=250&amp;per_day=3' "the choice keeps the dose"
expect_no_body c8 'id="rx-verdict"' "no verdict before the drug is chosen"
rxq c9 "patient=RX0001&drug=D-XSS&dose=1&per_day=1"
expect_body c9 '&lt;script&gt;alert\(1\)&lt;/script&gt;錠' "the check escapes the drug name"
expect_no_body c9 '<script>alert' "no raw markup on the check page"
rxq form "patient=RX0001&drug=D-CALO"
expect_status 200 "a drug picked from the search opens the form"
expect_body form 'name="drug" value="D-CALO"' "the picked drug is in the form"
expect_no_body form 'class="error"' "no error before the dose is typed"
# Bad input: 400 (404 for an unknown patient) with a message, never a crash.
bad_rx() { # bad_rx QUERY STATUS PATTERN "what"
	rxq bad "$1"
	expect_status "$2" "$4"
	expect_body bad "class=\"error\" role=\"alert\">$3" "$4: the message"
}
bad_rx "patient=RX0001&drug=D-CALO&dose=abc&per_day=3" 400 '1回量は数値' "a dose that is not a number"
bad_rx "patient=RX0001&drug=D-CALO&dose=200&per_day=0" 400 '1日の回数は数値' "zero times a day"
bad_rx "patient=RX0001&drug=D-CALO&dose=200&per_day=3&days=-1" 400 '日数は' "negative days"
bad_rx "patient=RX0001&drug=D-CALO&dose=200mg&unit=%E9%8C%A0&per_day=3" 400 '1回量の単位と単位欄が一致しません' "units that disagree"
bad_rx "patient=RX0001&drug=D-CALO&dose=200" 400 '1回量と1日の回数を入力' "a dose without times a day"
# a unit that is no dose's is named, as rx check names it (the rx library's words), in the page's language
bad_rx "patient=RX0001&drug=D-CALO&dose=60kg&per_day=3" 400 '&#39;60kg&#39;: kg は用量の単位ではありません' "a body weight typed as the dose"
bad_rx "patient=RX0001&drug=D-CALO&dose=60&unit=kg&per_day=3" 400 'kg は用量の単位ではありません' "a body weight in the unit field"
bad_rx "patient=RX0001&drug=D-CALO&dose=5&unit=mg%2Fkg&per_day=3" 400 'mg/kg は体重・体表面積・時間あたりの量です' "a dose per kg in the unit field"
bad_rx "patient=RX0001&drug=D-CALO&dose=3%CE%B3&per_day=1" 400 '&#39;3γ&#39;: γ は病棟では μg/kg/分 の意味' "γ typed with the dose"
bad_rx "patient=RX0001&drug=D-CALO&dose=60kg&per_day=3&lang=en" 400 '&#39;60kg&#39;: kg is not a unit of a dose' "the same in English"
bad_rx "patient=RX0001&drug=NOPE1&dose=1&per_day=1" 400 '該当する薬品はありません' "an unknown drug code"
bad_rx "patient=RX0001&drug=zz&dose=1&per_day=1" 400 '薬品コードが見つかりません' "two characters of a drug"
bad_rx "patient=NOBODY&drug=D-CALO&dose=1&per_day=1" 404 '該当する患者はいません' "an unknown patient"
bad_rx "patient=%FF%FE&drug=D-CALO" 400 '入力欄に不正な文字' "a patient ID that is not text"
bad_rx "patient=RX0001&drug=D-CALO&dose=1&per_day=%01" 400 '入力欄に不正な文字' "a control character"
req nopat "${J[@]}" "$U/rx/check"
expect_status 200 "the check without a patient asks for one"
expect_body nopat 'name="patient" autofocus' "a field for the patient ID"

# ---- barcode check -------------------------------------------------------------------------------------------------
bverdict() { sed -n 's/.*id="bc-verdict" data-verdict="\([a-z]*\)".*/\1/p' "$T/$1.b" | head -1; }
bc() { # bc NAME QUERY
	req "$1" "${J[@]}" "$U/barcode?$2"
}
expect_verdict() { # expect_verdict NAME VERDICT "what"
	CHECKS=$((CHECKS + 1))
	[ "$(bverdict "$1")" = "$2" ] || fail "$3: verdict '$(bverdict "$1")', expected $2: $(grep -o '<ul class="reasons">.*</ul>' "$T/$1.b" | head -c 400)"
}
bc b0 ""
expect_status 200 "barcode page"
expect_body b0 'name="wristband" autofocus' "the page waits for the wristband"
bc b1 "wristband=RX0001"
expect_status 200 "wristband scanned"
expect_body b1 '<span class="name">佐藤 花子</span>' "the wristband shows whose it is"
expect_body b1 'name="label" autofocus' "…then waits for the label"
expect_body b1 'type="hidden" name="wristband" value="RX0001"' "…keeping the wristband"
expect_no_body b1 'id="bc-verdict"' "no verdict before the label"
# A patient's order labels from the station, read back from the PDF as a scanner would read them.
req lab "${J[@]}" "$U/print/patient.pdf?patient=RX0001&part=labels"
expect_status 200 "the patient's order labels"
cp "$T/lab.b" "$T/labels.pdf"
pdftoppm -r 300 -gray "$T/labels.pdf" "$T/lab"
zbarimg -q "$T"/lab-*.pgm 2>/dev/null | sed -n 's/^CODE-128://p' | sort >"$T/lab.codes" || true
CHECKS=$((CHECKS + 1))
[ "$(tr '\n' ' ' <"$T/lab.codes")" = "LBO/RX0001/ORD-L1/D-LOXO LBO/RX0001/ORD-W1/D-WARF " ] ||
	fail "the order labels of RX0001 decode to its two active lines: $(cat "$T/lab.codes")"
while read -r code; do
	bc b2 "wristband=RX0001&label=$code"
	expect_verdict b2 ok "scanned order label $code for its own patient"
	expect_body b2 '<div class="order">有効なオーダ: ' "the active order is shown"
done <"$T/lab.codes"
bc b3 "wristband=RX0003&label=LBO/RX0001/ORD-L1/D-LOXO"
expect_verdict b3 stop "RX0001's label at RX0003's bed"
expect_body b3 'data-kind="wrong-patient"><b>患者違い</b> 患者違い' "wrong patient is said"
bc b4 "wristband=RX0001&label=LBO/RX0001/ORD-OLD/D-CALO"
expect_verdict b4 stop "the label of a completed order"
expect_body b4 'data-kind="no-order"><b>有効なオーダなし</b>' "no active order is said"
bc b5 "wristband=RX0001&label=D-AMOX"
expect_verdict b5 stop "amoxicillin at the bed of a penicillin-allergic patient"
expect_body b5 '<li class="lv-stop" data-kind="allergy"><b>アレルギー</b> アレルギー: ペニシリン' "the allergy is the first reason"
bc b6 "wristband=RX0003&label=D-CALO"
expect_verdict b6 warn "a drug without an active order (a paper order may exist)"
expect_body b6 'data-kind="no-order"><b>有効なオーダなし</b> データに有効なオーダがありません' "no active order in the data is said"
bc b7 "wristband=RX0001&label=D-LOXO"
expect_verdict b7 ok "a drug code of an active order"
bc b8 "wristband=RX0004&label=D-LOXO"
expect_verdict b8 stop "loxoprofen for a loxoprofen allergy"
# A scanner typing through a Japanese input method: full-width letters and digits, ・ for /, ー for -.
bc b9 "wristband=%EF%BC%B2%EF%BC%B8%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%91&label=%EF%BC%AC%EF%BC%A2%EF%BC%AF%E3%83%BB%EF%BC%B2%EF%BC%B8%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%91%E3%83%BB%EF%BC%AF%EF%BC%B2%EF%BC%A4%E3%83%BC%EF%BC%AC%EF%BC%91%E3%83%BB%EF%BC%A4%E3%83%BC%EF%BC%AC%EF%BC%AF%EF%BC%B8%EF%BC%AF"
expect_verdict b9 ok "full-width scan through an input method"
bc b10 "patient=RX0002&wristband=RX0001"
expect_verdict b10 stop "a wristband other than the patient the check was opened for"
bc b11 "wristband=NOSUCH1"
expect_verdict b11 stop "an unknown wristband"
expect_body b11 'data-kind="unknown-patient"><b>該当患者なし</b>' "an unknown wristband is said"
bc b12 "wristband=RX0001&label=NOPE-DRUG"
expect_verdict b12 stop "an unknown drug code"
bad_bc() { # bad_bc QUERY PATTERN "what"
	bc bad "$1"
	expect_status 400 "$3"
	expect_body bad "class=\"error\" role=\"alert\">$2" "$3: the message"
	expect_no_body bad 'id="bc-verdict"' "$3: no verdict"
}
bad_bc "wristband=LBO/RX0001/ORD-L1/D-LOXO" '薬品・オーダラベルです。先に患者のリストバンド' "an order label scanned as the wristband"
bad_bc "wristband=RX0001&label=RX0001" 'リストバンドをもう一度' "the wristband scanned twice"
bad_bc "wristband=RX0001&label=0104987123456789" '薬品の GS1 コードは照合できません' "a GS1 package code"
bad_bc "wristband=RX0001&label=a%20b%2Fc" '薬品・オーダラベルのバーコードではありません' "a label that is no barcode"
bad_bc "wristband=RX%01" 'バーコードではありません' "a control character"
bad_bc "wristband=$(head -c 200 /dev/zero | tr '\0' 1)" 'リストバンドのバーコードではありません' "a scan too long"
bad_bc "wristband=%E4%BD%90%E8%97%A4" 'リストバンドのバーコードではありません' "kanji as a wristband"

# ---- print buttons: PDFs -------------------------------------------------------------------------------------------
pdf() { # pdf NAME PATH: a PDF answer, inline, nothing left in the station's TMPDIR
	req "$1" "${J[@]}" "$U$2"
	expect_status 200 "$2"
	expect_header "$1" '^content-type: application/pdf' "$2 is a PDF"
	expect_header "$1" '^content-disposition: inline; filename="[A-Za-z0-9_-]+\.pdf"' "$2 is inline with a file name"
	expect_header "$1" '^cache-control: no-store' "$2 is not cached"
	CHECKS=$((CHECKS + 1))
	[ "$(head -c 5 "$T/$1.b")" = "%PDF-" ] || fail "$2: not a PDF"
	CHECKS=$((CHECKS + 1))
	[ -z "$(ls -A "$T/tmp")" ] || fail "$2 left files behind: $(ls -A "$T/tmp")"
	cp "$T/$1.b" "$T/$1.pdf"
	pdftotext "$T/$1.pdf" "$T/$1.txt"
}
pdf forms /print/forms.pdf
expect_header forms 'filename="forms.pdf"' "forms file name"
CHECKS=$((CHECKS + 1))
grep -q '処方箋' "$T/forms.txt" && grep -q 'downtime copy' "$T/forms.txt" || fail "the forms PDF holds the prescription form and the mark"
pdffonts "$T/forms.pdf" | awk 'NR > 2 && $(NF-4) != "yes" { exit 1 }' || fail "a font of the forms is not embedded"
CHECKS=$((CHECKS + 1))
pdf census "/print/ward.pdf?ward=5B&part=census"
CHECKS=$((CHECKS + 1))
for id in RX0001 RX0002 RX0003 RX0004; do grep -q "$id" "$T/census.txt" || fail "the ward census PDF lacks $id"; done
! grep -q RX0005 "$T/census.txt" || fail "the ward census PDF lists an outpatient"
expect_header census "filename\\*=UTF-8''ward-5B-census.pdf" "the ward in the file name"
pdf wb "/print/patient.pdf?patient=RX0001&part=wristbands"
pdftoppm -r 300 -gray "$T/wb.pdf" "$T/wb"
CHECKS=$((CHECKS + 1))
[ "$(zbarimg -q "$T"/wb-*.pgm 2>/dev/null | sed -n 's/^CODE-128://p' | sort -u)" = RX0001 ] ||
	fail "the patient's wristband labels decode to RX0001"
grep -q '佐藤 花子' "$T/wb.txt" && grep -q 'サトウ ハナコ' "$T/wb.txt" || fail "the wristband names the patient in kanji and kana"
CHECKS=$((CHECKS + 1))
pdf wlab "/print/ward.pdf?ward=5B&part=labels"
pdftoppm -r 300 -gray "$T/wlab.pdf" "$T/wl"
CHECKS=$((CHECKS + 1))
[ "$(zbarimg -q "$T"/wl-*.pgm 2>/dev/null | sed -n 's/^CODE-128://p' | sort | tr '\n' ' ')" = \
	"LBO/RX0001/ORD-L1/D-LOXO LBO/RX0001/ORD-W1/D-WARF LBO/RX0004/ORD-M1/D-MAGM " ] ||
	fail "the ward's order labels are its active lines"
for part in summary medication forms; do
	pdf "p_$part" "/print/patient.pdf?patient=RX0002&part=$part"
	CHECKS=$((CHECKS + 1))
	grep -q 'RX0002' "$T/p_$part.txt" && grep -q 'downtime copy' "$T/p_$part.txt" || fail "$part of RX0002 names the patient and carries the mark"
done
pdf outwb "/print/patient.pdf?patient=RX0005&part=wristbands"
for bad in "patient.pdf?patient=RX0001&part=census 400" "patient.pdf?patient=RX0001&part=x 400" "patient.pdf?part=labels 400" \
	"ward.pdf?ward=5B 400" "ward.pdf?ward=NOWARD&part=census 404" "patient.pdf?patient=NOBODY&part=labels 404" \
	"ward.pdf?ward=%FF&part=census 400" "other.pdf 404"; do
	req pbad "${J[@]}" "$U/print/${bad% *}"
	expect_status "${bad##* }" "/print/${bad% *}"
	expect_header pbad '^content-type: text/html' "/print/${bad% *} answers a page, not a PDF"
done
CHECKS=$((CHECKS + 1))
[ -z "$(ls -A "$T/tmp")" ] || fail "refused prints left files behind"
req plist "${J[@]}" "$U/print"
expect_body plist 'href="/print/ward.pdf\?ward=5B&amp;part=labels"' "the print page lists the ward's parts"
expect_body plist 'href="/print/forms.pdf"' "the print page offers the blank forms"
req ppage "${J[@]}" "$U/patient/RX0001"
expect_body ppage 'href="/print/patient.pdf\?patient=RX0001&amp;part=wristbands"' "the patient page has the wristband button"
expect_body ppage 'href="/rx/check\?patient=RX0001"' "the patient page opens the prescription check"
expect_body ppage 'href="/barcode\?patient=RX0001"' "the patient page opens the barcode check"

# ---- audit trail ---------------------------------------------------------------------------------------------------
stop_server
run "$LIFEBOAT" station audit --db "$DB" --json
expect_rc 0 "station audit"
python3 - "$T/out" <<'EOF' || fail "audit trail: $(head -c 1500 "$T/out")"
import json, sys
a = json.load(open(sys.argv[1]))
def has(**kw):
    return [e for e in a if all((e.get(k) == v) if not callable(v) else v(e.get(k)) for k, v in kw.items())]
u = "pharm1"
assert has(user=u, action="drug-search", patient="RX0001", detail="ｱﾓｷ"), "drug search tied to a patient (page)"
assert has(user=u, action="drug-search", patient="RX0001", detail="ワーファ", page="/drugs.json"), "drug search tied to a patient (JSON)"
assert not has(action="drug-search", patient=None), "a search without a patient is not recorded"
assert has(user=u, action="rx-check", patient="RX0001", detail=lambda d: d.startswith("drug D-AMOX") and "250mg x 3/day x 7 days" in d and d.endswith("result stop: allergy")), "the allergy check with its result"
assert has(user=u, action="rx-check", patient="RX0003", detail=lambda d: d.endswith("result ok")), "the safe check"
assert has(user=u, action="rx-check", patient="RX0001", detail=lambda d: "; pregnant;" in d), "pregnant in the record"
assert has(user=u, action="rx-check", patient="RX0003", detail="refused: pregnant for a male patient"), "pregnant for a man refused and recorded"
assert has(user=u, action="rx-check", patient="RX0001", detail=lambda d: d.startswith("refused:")), "refused input is recorded"
assert has(user=u, action="rx-check", patient="NOBODY", detail="patient not found")
assert has(user=u, action="barcode", patient="RX0003", detail=lambda d: "label LBO/RX0001/ORD-L1/D-LOXO" in d and d.endswith("result stop: wrong-patient")), "wrong patient"
assert has(user=u, action="barcode", patient="RX0001", detail=lambda d: "label D-AMOX" in d and "allergy" in d and "result stop" in d), "the allergy at the bedside"
assert has(user=u, action="barcode", patient="RX0001", detail=lambda d: d.endswith("result ok")), "an OK check"
assert has(user=u, action="barcode", patient="RX0001", detail="wristband RX0001"), "the wristband step"
assert has(user=u, action="barcode", patient="RX0001", detail=lambda d: "label refused (GS1 package code)" in d), "a refused label"
assert has(user=u, action="print", patient="RX0001", detail="labels", page="/print/patient.pdf")
assert has(user=u, action="print", patient="RX0001", detail="wristbands")
assert has(user=u, action="print", patient=None, detail="ward 5B: census")
assert has(user=u, action="print", patient=None, detail="blank forms")
assert not has(action="print", patient="NOBODY"), "a print that failed is not recorded as printed"
EOF
CHECKS=$((CHECKS + 1))
run "$LIFEBOAT" station audit --db "$DB" --verify
expect_rc 0 "the audit chain holds"
finish
