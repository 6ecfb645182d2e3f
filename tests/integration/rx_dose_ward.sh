#!/usr/bin/env bash
# lifeboat rx: the dose checks on a ward written for the test (issue 14), through the CLI and its exit codes
# (0 none/INFO, 1 STOP, 3 WARN, 2 bad input). SS-MIX2 patients with their own small drug master:
#   0000077001 a boy of 5 weighed 18 kg three days ago (ADT-00 OBX 9N006 体重, OBX-14)
#   0000077002 a girl of 5 never weighed
#   0000077003 a boy of 6 weighed 20 kg 60 days ago (the OBX has no OBX-14: the time is EVN-2)
#   0000077004 a woman of 90
#   0000077005 a man of 50 (the lines of one prescription, and the outage's orders)
# and, against synth's own master (コルヒチン, リウマトレックス, ジゴシン), the man of 50 and the woman of 90.
. "$LB_SRC/tests/integration/lib.bash"
set -e

S="$T/ssmix2"
msg() { # msg PID TYPE DAY FILE_TIME BODY: one SS-MIX2 file (ISO-2022-JP, segments separated by CR)
	local dir="$S/${1:0:3}/${1:3:3}/$1/$3/$2"
	mkdir -p "$dir"
	printf '%b' "$5" | "$LIFEBOAT" text encode --to iso-2022-jp >"$dir/${1}_${3}_${2}_999999999999999_${4}_-_1"
}
MSH='MSH|^~\\&|HIS|SEND|GW|RCV|%s||ADT^A08^ADT_A01|A08%s|P|2.5||||||~ISO IR87||ISO2022-1994|SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO\r'
adt00() { # adt00 PID NAME KANA SEX BIRTH EVN-TIME OBX-ROWS…
	local id=$1 body
	body="$(printf "$MSH" "$6" "$id")EVN||$6\rPID|0001||$id^^^^PI||$2^^^^^L^I~$3^^^^^L^P||$5|$4\r"
	local stamp="${6}000000000"
	shift 6
	for r in "$@"; do body+="$r\r"; done
	msg "$id" ADT-00 - "${stamp:0:17}" "$body"
}
ago() { date -d "-$1" +%Y%m%d; }
NOW=$(date +%Y%m%d%H%M)
adt00 0000077001 '小林^大翔' 'コバヤシ^ヒロト' M "$(ago '5 years')" "$NOW" \
	"OBX|1|CWE|5H010000001999911^血液型-ABO式^JC10||A^A型^JSHR002||||||F" \
	"OBX|2|NM|9N001000000000001^身長^JC10||108.5|cm^cm^ISO+|||||F|||$(ago '3 days')0900" \
	"OBX|3|NM|9N006000000000001^体重^JC10||18.0|kg^kg^ISO+|||||F|||$(ago '3 days')0900"
adt00 0000077002 '小林^陽菜' 'コバヤシ^ヒナ' F "$(ago '5 years')" "$NOW"
adt00 0000077003 '加藤^蓮' 'カトウ^レン' M "$(ago '6 years')" "$(ago '60 days')1000" \
	"OBX|1|NM|9N006000000000001^体重^JC10||20|kg^kg^ISO+|||||F"
adt00 0000077004 '佐藤^ハル' 'サトウ^ハル' F "$(ago '90 years')" "$NOW"
adt00 0000077005 '中村^健' 'ナカムラ^ケン' M "$(ago '50 years')" "$NOW"

cat >"$T/drugs.csv" <<'CSV'
name,code,kana,generic_name,form,unit,max_daily_dose,strength,max_per_kg_day,elderly,allergy_class
カロナール錠200,W-CALO,カロナール,アセトアミノフェン,錠,mg,4000,200mg,60,,
ロキソニン錠60mg,W-LOXO,ロキソニン,ロキソプロフェンナトリウム水和物,錠,mg,180,60mg,,高齢者: 少量から開始,NSAIDs
ロキソプロフェンNa錠60mg「サワイ」,W-LOXG,ロキソプロフェン,ロキソプロフェンナトリウム水和物,錠,mg,180,60mg,,,NSAIDs
ジゴキシン錠0.125mg「AFP」,W-DIGO,ジゴキシン,ジゴキシン,錠,mg,0.5,0.125mg,,高齢者: 血中濃度が上がりやすく減量,
サワシリンカプセル250,W-SAWA,サワシリン,アモキシシリン水和物,カプセル,mg,1500,,,,ペニシリン系
CSV
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$S" --drugs "$T/drugs.csv"
expect_rc 0 "ingest the ward"
CHECKS=$((CHECKS + 1))
n=$(sqlite3 "$DB" "SELECT count(*) FROM results WHERE patient_id='0000077001' AND name='体重' AND value='18.0'")
[ "$n" = 1 ] || fail "the ADT-00 OBX body weight is a result of the store (found $n)"
check() { run "$LIFEBOAT" rx check --db "$DB" "$@"; }
jcheck() { run "$LIFEBOAT" rx check --db "$DB" "$@" --json; }
alert() { # alert LEVEL KIND "what" [PATTERN]: the JSON of the last check has that alert (reason_ja matching PATTERN)
	CHECKS=$((CHECKS + 1))
	python3 - "$T/out" "$1" "$2" "${4:-}" <<'PY' || fail "$3: no $1 $2 alert${4:+ with /$4/} in $(head -c 900 "$T/out")"
import json, re, sys
d = json.load(open(sys.argv[1]))
ok = [a for a in d["alerts"] if a["level"] == sys.argv[2] and a["kind"] == sys.argv[3]
      and a["reason_ja"] and a["reason_en"] and re.search(sys.argv[4], a["reason_ja"])]
sys.exit(0 if ok else 1)
PY
}
no_alert() { # no_alert KIND "what"
	CHECKS=$((CHECKS + 1))
	python3 - "$T/out" "$1" <<'PY' || fail "$2: an alert $1 in $(head -c 900 "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(1 if [a for a in d["alerts"] if a["kind"] == sys.argv[2]] else 0)
PY
}

# ---- the weighed child: カロナール per kg (60 mg/kg a day) at 18 kg from the ADT-00 OBX --------------------------
jcheck --patient 0000077001 --drug W-CALO --dose 1000 --unit mg --per-day 4
expect_rc 1 "カロナール 4 g a day for a boy of 5 at 18 kg (222 mg/kg): stop"
alert stop child-dose "222 mg/kg" '体重 18 kg'
jcheck --patient 0000077001 --drug W-CALO --dose 400 --unit mg --per-day 3
expect_rc 3 "1200 mg a day at 18 kg (66.7 mg/kg, over 60): warn"
alert warn child-dose "66.7 mg/kg" '66\.7 mg/kg'
jcheck --patient 0000077001 --drug W-CALO --dose 200 --unit mg --per-day 3
expect_rc 0 "600 mg a day at 18 kg (33 mg/kg): no alert"
no_alert weight-age "a weight of three days ago is not old"
jcheck --patient 0000077001 --drug W-CALO --dose 1 --unit 錠 --per-day 3
expect_rc 0 "1 tablet of 200 mg three times a day at 18 kg"

# ---- the child never weighed: said, a warning ------------------------------------------------------------------
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$DB" --patient 0000077002 --drug W-CALO --dose 200 --unit mg --per-day 3
expect_rc 3 "a child without a weight: exit 3"
expect_out '小児: 体重あたり用量は未チェック' "without a weight: 小児: 体重あたり用量は未チェック"
# over 60 mg/kg even at the upper reference weight of a 5-year-old (29 kg: 1740 mg a day): a stop that says so
jcheck --patient 0000077002 --drug W-CALO --dose 1000 --unit mg --per-day 4
expect_rc 1 "カロナール 4 g a day for a girl of 5 never weighed: stop"
alert stop child-dose "the upper weight assumed" '体重不明: 5歳の上限体重 29 kg でも 1日最大量を超えます'
jcheck --patient 0000077002 --drug W-CALO --dose 580 --unit mg --per-day 3
expect_rc 3 "1740 mg a day, the bound itself: still only unchecked"
alert warn child-dose "at the bound" '体重あたり用量は未チェック'

# ---- the child weighed 60 days ago: the weight is used and said to be old ----------------------------------------
jcheck --patient 0000077003 --drug W-CALO --dose 200 --unit mg --per-day 3
expect_rc 3 "a weight of 60 days ago for a child: exit 3"
alert warn weight-age "the weight is from 60 days ago" "$(date -d '-60 days' +%F) の測定 \(60日前\)"
jcheck --patient 0000077003 --drug W-CALO --dose 1000 --unit mg --per-day 3
expect_rc 1 "3 g a day at the old 20 kg (150 mg/kg): still checked, a stop"
alert stop child-dose "150 mg/kg at the old weight" '150\.0 mg/kg'

# ---- the woman of 90: the master's caution for the elderly, an INFO (exit 0) ------------------------------------
jcheck --patient 0000077004 --drug W-DIGO --dose 0.125 --unit mg --per-day 1
expect_rc 0 "digoxin for a woman of 90: INFO only, exit 0"
alert info elderly "高齢者 減量 for a woman of 90" '減量'
jcheck --patient 0000077005 --drug W-DIGO --dose 0.125 --unit mg --per-day 1
expect_rc 0 "digoxin for a man of 50"
no_alert elderly "no elderly caution at 50"

# ---- a bare number in the name: per capsule, never per 包 --------------------------------------------------------
jcheck --patient 0000077005 --drug W-SAWA --dose 5 --unit カプセル --per-day 3
expect_rc 1 "サワシリンカプセル250 5 capsules 3 times a day (3750 mg of 1500): stop"
alert stop max-dose "the bare 250 read per capsule" '3750 mg'
jcheck --patient 0000077005 --drug W-SAWA --dose 5 --unit 包 --per-day 3
expect_rc 3 "サワシリンカプセル250 in 包: the number is not read"
alert warn dose-unchecked "in 包: 最大量は未チェック" '最大量は未チェック.*1包あたりとは読みません'

# ---- the lines of one prescription add up: 180 + 180 mg of loxoprofen --------------------------------------------
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$DB" --patient 0000077005 --drug W-LOXO --dose 60 --unit mg \
	--per-day 3 --line W-LOXG:60mg:3
expect_rc 1 "two lines of loxoprofen, 360 mg a day: stop"
expect_out '計 360 mg: この処方 180 mg \+ 同じ処方の他の行 180 mg' "the total and its parts (line 1)"
expect_out '同じ処方の他の行: ロキソプロフェンNa錠60mg「サワイ」 180 mg' "the other line is named"
check --patient 0000077005 --drug W-LOXO --dose 60 --unit mg --per-day 1 --line W-LOXG:60mg:1
expect_rc 3 "two lines of 60 mg once a day: a duplicate, under the maximum (warn)"
expect_out 'total 120 mg: this order 60 mg \+ other lines of this prescription 60 mg' "English parts"

# ---- the outage's orders add up: ロキソニン recorded, then the generic -------------------------------------------
check --patient 0000077005 --drug W-LOXO --dose 60 --unit mg --per-day 2 --record --by "薬剤師 山田"
expect_rc 0 "ロキソニン 120 mg a day recorded as an outage order"
expect_out 'recorded as outage orders' "recorded"
check --patient 0000077005 --drug W-LOXG --dose 60 --unit mg --per-day 1 --json
expect_rc 3 "the generic 60 mg on top of the outage's 120 mg: 180 mg, the maximum itself (a duplicate only)"
no_alert max-dose "180 mg in all is the maximum"
jcheck --patient 0000077005 --drug W-LOXG --dose 60 --unit mg --per-day 3
expect_rc 3 "180 mg on top of the outage's 120 mg: 300 mg (1.7×), a warning"
alert warn max-dose "the outage order is named" 'ダウンタイム中の処方: ロキソニン錠60mg 120 mg \(#[0-9]+\)'
alert warn max-dose "the total and its parts" '計 300 mg: この処方 180 mg \+ ダウンタイム中の処方 120 mg'
jcheck --patient 0000077005 --drug W-LOXG --dose 60 --unit mg --per-day 4
expect_rc 1 "240 mg on top of the outage's 120 mg: 360 mg (2×), a stop"
alert stop max-dose "2× with the outage order" '計 360 mg'
python3 -c 'import json,sys; o=json.load(open(sys.argv[1]))["order"]; assert (o["daily"], o["outage_daily"], o["lines_daily"], o["total_daily"]) == (240, 120, 0, 360), o' "$T/out" ||
	fail "--json gives the parts of the total: $(cat "$T/out")"
CHECKS=$((CHECKS + 1))

# ---- bad input: exit 2, one line --------------------------------------------------------------------------------
check --patient 0000077005 --drug W-LOXO --dose 0,5 --unit mg --per-day 3
expect_rc 2 "「0,5」 is refused"
expect_one_line_err "「0,5」"
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$DB" --patient 0000077005 --drug W-LOXO --dose 0,5 --unit mg --per-day 3
expect_rc 2 "「0,5」 is refused in Japanese too"
expect_err 'カンマは桁区切り.*小数点で書いてください' "the refusal is in Japanese"
# a fraction or an exponent is refused for what it is, not read as a number and a unit "/2" or "e3"
for d in 1/2 1/2錠 ½錠; do
	check --patient 0000077005 --drug W-LOXO --dose "$d" --per-day 3
	expect_rc 2 "「$d」 is refused"
	expect_one_line_err "「$d」"
	expect_err 'a fraction is not accepted.*0\.5' "「$d」: says a fraction is not accepted"
done
check --patient 0000077005 --drug W-LOXO --dose 1e3 --unit mg --per-day 3
expect_rc 2 "「1e3」 is refused"
expect_one_line_err "「1e3」"
expect_err 'an exponent is not accepted' "「1e3」: says an exponent is not accepted"
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$DB" --patient 0000077005 --drug W-LOXO --dose 1/2 --per-day 3
expect_rc 2 "「1/2」 refused in Japanese"
expect_err '分数は使えません。小数で書いてください' "the fraction refusal is in Japanese"
# a unit that is no dose's is refused naming it, typed in the dose or as --unit; nothing is recorded
for u in kg cm ℃ % mg/kg; do
	check --patient 0000077005 --drug W-LOXO --dose 60 --unit "$u" --per-day 3 --record --by "薬剤師 山田"
	expect_rc 2 "--unit $u is refused"
	expect_one_line_err "--unit $u"
	expect_err "$u is (not a unit of a dose|a dose per)" "--unit $u: the unit is named"
done
check --patient 0000077005 --drug W-LOXO --dose 60kg --per-day 3
expect_rc 2 "「60kg」 is refused"
expect_err "'60kg': kg is not a unit of a dose" "「60kg」: the unit is named"
LIFEBOAT_LANG=ja run "$LIFEBOAT" rx check --db "$DB" --patient 0000077005 --drug W-LOXO --dose 60 --unit cm --per-day 3
expect_rc 2 "--unit cm refused in Japanese"
expect_err 'cm は用量の単位ではありません' "the unit refusal is in Japanese"
CHECKS=$((CHECKS + 1))
n=$(sqlite3 "$DB" "SELECT count(*) FROM outage_orders WHERE unit IN ('kg','cm','℃','%','mg/kg')" 2>/dev/null || echo x)
[ "$n" = 0 ] || fail "a refused order was recorded ($n)"

# ---- synth's own master: コルヒチン 15 mg a day, リウマトレックス daily, ジゴシン over its maximum -----------------
"$LIFEBOAT" synth --out "$T/h" --patients 5 --seed 3 >/dev/null
DB2="$T/synth-master.db"
run "$LIFEBOAT" ingest --db "$DB2" --ssmix2 "$S" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest the ward with synth's master"
code() { sqlite3 "$DB2" "SELECT code FROM drugs WHERE name LIKE '$1%' ORDER BY code LIMIT 1"; }
COL=$(code 'コルヒチン') MTX=$(code 'リウマトレックス') DIG=$(code 'ジゴシン')
[ -n "$COL" ] && [ -n "$MTX" ] && [ -n "$DIG" ] || fail "synth's master lacks コルヒチン/リウマトレックス/ジゴシン"
check2() { run "$LIFEBOAT" rx check --db "$DB2" "$@" --json; }
check2 --patient 0000077005 --drug "$COL" --dose 5 --unit mg --per-day 3
expect_rc 1 "colchicine 15 mg a day (8× of 1.8): stop"
alert stop max-dose "colchicine 15 mg" '15 mg'
check2 --patient 0000077005 --drug "$COL" --dose 0.5 --unit mg --per-day 2
expect_rc 0 "colchicine 1 mg a day"
check2 --patient 0000077005 --drug "$MTX" --dose 2 --unit mg --per-day 1
expect_rc 1 "methotrexate ordered daily: stop"
alert stop period "methotrexate every day" '投与間隔'
check2 --patient 0000077005 --drug "$MTX" --dose 1 --unit カプセル --per-day 3 --weekly
expect_rc 0 "methotrexate 6 mg a week, ordered weekly"
check2 --patient 0000077005 --drug "$DIG" --dose 0.25 --unit mg --per-day 3
expect_rc 1 "digoxin 0.75 mg a day (narrow range, over 0.5): stop"
alert stop max-dose "digoxin over its maximum" '治療域の狭い薬'
check2 --patient 0000077004 --drug "$DIG" --dose 1 --unit 錠 --per-day 1
expect_rc 0 "digoxin 1 tablet for the woman of 90: the elderly INFO only"
alert info elderly "ジゴシン for a woman of 90" '減量'
finish
