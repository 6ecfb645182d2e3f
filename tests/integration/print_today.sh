#!/usr/bin/env bash
# Paper printed weeks into an outage (issue 13): the data is as of 2026-11-24 (synth's SS-MIX2), "today" is set
# with LIFEBOAT_TODAY. The medication sheets and call lists start today (or --from), never at the as-of day, and
# the as-of stays on every page; every booking from today on has its call list; an order is judged active on today:
# one that ended is not on the sheet, one ending within the sheet's days shows its end (「11/27まで」) and no boxes
# after it, and the station's barcode check answers CHECK 「終了予定日を過ぎています」 for the label of an ended
# order; the age is counted to today on the wristband as in `rx check`; the wristband carries the allergy and
# same-surname marks; times are shown as 2026/11/24 20:29 on paper and on the station.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e

"$LIFEBOAT" synth --out "$T/h" --patients 300 --seed 3 >/dev/null
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --appointments "$T/h/appointments.csv" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest the synthetic hospital (SS-MIX2, as of 2026-11-24)"
ASOF=$(sqlite3 "$DB" "SELECT value FROM meta WHERE key='as_of'")
CHECKS=$((CHECKS + 1))
[ "${ASOF:0:10}" = 2026-11-24 ] || fail "the synthetic data is as of $ASOF, not 2026-11-24"
# the as-of as every page shows it: 2026-11-24T20:29:58 → 2026/11/24 20:29
ASOF_SHOWN="${ASOF:0:4}/${ASOF:5:2}/${ASOF:8:2} ${ASOF:11:5}"

squash() { tr -d ' \n\f' <"$1"; }
pages_have() { # pages_have FILE.txt TEXT "what": every page of the text carries TEXT
	CHECKS=$((CHECKS + 1))
	python3 - "$1" "$2" <<'PY' || fail "$3"
import sys
pages = [p for p in open(sys.argv[1]).read().split("\f") if p.strip()]
bad = [i for i, p in enumerate(pages, 1) if sys.argv[2] not in p]
if not pages or bad:
    print(f"{sys.argv[1]}: {len(pages)} pages, pages without '{sys.argv[2]}': {bad[:10]}", file=sys.stderr)
    sys.exit(1)
PY
}

# ---- print all on 2026-12-06: sheets and call lists from today, every booking from today on --------------------
export LIFEBOAT_TODAY=2026-12-06
run "$LIFEBOAT" print all --db "$DB" --out "$T/paper"
expect_rc 0 "print all on 12/06"
CHECKS=$((CHECKS + 1))
want=$( (for d in 06 07 08 09 10 11 12; do echo "2026-12-$d"; done
	sqlite3 "$DB" "SELECT DISTINCT substr(start,1,10) FROM appointments WHERE start >= '2026-12-06'") | sort -u)
have=$(ls "$T/paper/calls" | sed 's/\.pdf$//' | sort)
[ "$want" = "$have" ] || fail "the call lists are for $(echo $have), not $(echo $want)"
LATE=$(sqlite3 "$DB" "SELECT max(substr(start,1,10)) FROM appointments")
CHECKS=$((CHECKS + 1))
[ "$LATE" \> 2026-12-12 ] && [ -s "$T/paper/calls/$LATE.pdf" ] ||
	fail "the latest booking's day ($LATE) has no call list"
for id in $(sqlite3 "$DB" "SELECT DISTINCT patient_id FROM appointments WHERE substr(start,1,10)='$LATE'"); do
	pdftotext "$T/paper/calls/$LATE.pdf" "$T/late.txt" || true
	CHECKS=$((CHECKS + 1))
	grep -q "$id" "$T/late.txt" || fail "the booking of $id on $LATE is left off its call list"
done
pdftotext "$T/paper/calls/2026-12-06.pdf" "$T/calls.txt" || true
pages_have "$T/calls.txt" "$ASOF_SHOWN" "a call list page lacks the data's as-of time $ASOF_SHOWN"
WARD=$(sqlite3 "$DB" "SELECT ward FROM census WHERE patient_id='0001000004'")
pdftotext "$T/paper/wards/$WARD/3_medication_sheets.pdf" "$T/mar.txt" || true
CHECKS=$((CHECKS + 1))
grep -q '12/6 (日)' "$T/mar.txt" && grep -q '12/8 (火)' "$T/mar.txt" && ! grep -q '11/2[4-6] (' "$T/mar.txt" ||
	fail "the medication sheets are not dated 12/6-12/8: $(grep -m3 -E '[0-9]+/[0-9]+ \(' "$T/mar.txt" | tr '\n' ' ')"
pages_have "$T/mar.txt" "$ASOF_SHOWN" "a medication sheet page lacks the data's as-of time $ASOF_SHOWN"

# Orders that ended before today are not on the sheet (patient 0001000004: cefazolin and furosemide until 11/25
# and 11/27); his sheet still lists the orders that run.
python3 - "$T/mar.txt" >"$T/p4.txt" <<'PY' || true
import sys
for p in open(sys.argv[1]).read().split("\f"):
    if "ID 0001000004" in p:
        print(p)
PY
ENDED=$(sqlite3 "$DB" "SELECT count(*) FROM medications WHERE patient_id='0001000004' AND status='active' AND until < '2026-12-06'")
CHECKS=$((CHECKS + 1))
[ "$ENDED" -ge 2 ] || fail "patient 0001000004 has no ended course in the synthetic data ($ENDED)"
CHECKS=$((CHECKS + 1))
! grep -qE 'セファゾリン|11/2[5-7]まで' "$T/p4.txt" && grep -q 'ブロプレス' "$T/p4.txt" ||
	fail "an order that ended before today is on the 12/06 sheet: $(grep -E 'セファゾリン|まで' "$T/p4.txt" | head -5)"

# ---- an order ending within the sheet's days: its end, no boxes after it -----------------------------------------
LIFEBOAT_TODAY=2026-11-26 run "$LIFEBOAT" print pack --db "$DB" --ward "$WARD" --out "$T/pack1126"
expect_rc 0 "print pack on 11/26"
pdftotext "$T/pack1126/3_medication_sheets.pdf" "$T/mar1126.txt" || true
python3 - "$T/mar1126.txt" >"$T/q4.txt" <<'PY' || true
import sys
for p in open(sys.argv[1]).read().split("\f"):
    if "ID 0001000004" in p:
        print(p)
PY
CHECKS=$((CHECKS + 1))
grep -q '11/27まで' "$T/q4.txt" && grep -q 'until 11/27' "$T/q4.txt" && grep -q '12/30まで' "$T/q4.txt" ||
	fail "the sheet does not name the orders' planned ends: $(grep -E 'まで|〜' "$T/q4.txt" | head -5)"
# days 11/26, 11/27, 11/28: each order line until 11/27 has its 11/28 crossed out, once per line (the same order
# from two exports is printed once); an order running on has boxes every day
N_END=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT DISTINCT kind, order_no, drug_code FROM medications WHERE
	patient_id='0001000004' AND status='active' AND until >= '2026-11-26' AND until < '2026-11-28')")
CHECKS=$((CHECKS + 1))
[ "$N_END" -ge 1 ] && [ "$(grep -c '終了 ended' "$T/q4.txt")" -eq "$N_END" ] ||
	fail "patient 0001000004's sheet has $(grep -c '終了 ended' "$T/q4.txt") days without boxes, expected $N_END (one per order ending before 11/28)"
# and on the boxes: 11/26-11/28 for the two open once-daily orders (3 each), 11/26-11/27 for each order ending 11/27
BOXES=$(grep -c 'サイン____' "$T/q4.txt")
WANT=$(sqlite3 "$DB" "SELECT sum(CASE WHEN per_day >= 1 THEN CAST(per_day + 0.5 AS INTEGER) ELSE 1 END *
	(julianday(min(until, '2026-11-28')) - julianday('2026-11-26') + 1)) FROM (SELECT DISTINCT kind, order_no, drug_code,
	per_day, until FROM medications WHERE patient_id='0001000004' AND status='active' AND until >= '2026-11-26')")
CHECKS=$((CHECKS + 1))
[ "$BOXES" = "${WANT%.0}" ] || fail "patient 0001000004's sheet has $BOXES administration boxes, expected ${WANT%.0} (none after an order's end)"

# --from sets the first day (print tomorrow's sheets tonight)
LIFEBOAT_TODAY=2026-12-06 run "$LIFEBOAT" print pack --db "$DB" --ward "$WARD" --out "$T/packfrom" --from 2026-12-07
expect_rc 0 "print pack --from"
pdftotext "$T/packfrom/3_medication_sheets.pdf" "$T/marfrom.txt" || true
CHECKS=$((CHECKS + 1))
grep -q '12/7 (月)' "$T/marfrom.txt" && grep -q '12/9 (水)' "$T/marfrom.txt" && ! grep -q '12/6 (' "$T/marfrom.txt" ||
	fail "--from 2026-12-07 does not start the sheets on 12/7"
run "$LIFEBOAT" print pack --db "$DB" --ward "$WARD" --out "$T/packbad" --from 12/07
expect_rc 2 "--from that is no date"
expect_one_line_err "--from that is no date"

# ---- one age: the wristband's, the summary's and rx check's, counted to today ----------------------------------
# a patient whose birthday falls between the as-of day and today is a year older today
read -r PID BIRTH < <(sqlite3 -separator ' ' "$DB" "SELECT p.id, p.birth_date FROM patients p JOIN census c ON c.patient_id = p.id
	WHERE substr(p.birth_date,6,5) BETWEEN '11-25' AND '12-06' ORDER BY p.id LIMIT 1")
CHECKS=$((CHECKS + 1))
[ -n "$PID" ] || fail "no inpatient with a birthday between 11/25 and 12/06"
AGE=$(( 2026 - ${BIRTH:0:4} ))
PWARD=$(sqlite3 "$DB" "SELECT ward FROM census WHERE patient_id='$PID'")
[ "$PWARD" = "$WARD" ] && PK="$T/paper/wards/$WARD" || PK="$T/paper/wards/$PWARD"
pdftotext "$PK/4_wristbands.pdf" "$T/wb.txt" || true
pdftotext "$PK/2_summaries.pdf" "$T/sum.txt" || true
DRUG=$(sqlite3 "$DB" "SELECT code FROM drugs LIMIT 1")
run "$LIFEBOAT" rx check --db "$DB" --patient "$PID" --drug "$DRUG" --dose 1 --per-day 1 --json
CHECKS=$((CHECKS + 1))
RXAGE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["age_months"] // 12)' "$T/out") ||
	fail "rx check --json has no age_months: $(head -c 300 "$T/out")"
CHECKS=$((CHECKS + 1))
[ "$RXAGE" = "$AGE" ] || fail "rx check counts $PID (born $BIRTH) $RXAGE years on 2026-12-06, not $AGE"
CHECKS=$((CHECKS + 1))
grep -A3 "ID $PID" "$T/wb.txt" | grep -q "${BIRTH}.*) ${AGE}歳" ||
	fail "the wristband of $PID (born $BIRTH) does not say ${AGE}歳 as rx check does: $(grep -A3 "ID $PID" "$T/wb.txt" | head -4 | tr '\n' ' ')"
CHECKS=$((CHECKS + 1))
squash "$T/sum.txt" | grep -q "${BIRTH}([^)]*)${AGE}歳" || fail "the summary of $PID does not say ${AGE}歳"

# ---- the wristband's marks: allergy (with the allergens) and same surname ------------------------------------------
read -r APID AWARD < <(sqlite3 -separator ' ' "$DB" "SELECT c.patient_id, c.ward FROM census c WHERE c.same_surname_in_ward > 0
	AND EXISTS (SELECT 1 FROM allergies a WHERE a.patient_id = c.patient_id AND a.active) ORDER BY 1 LIMIT 1")
ALLERGEN=$(sqlite3 "$DB" "SELECT name FROM allergies WHERE patient_id='$APID' AND active ORDER BY id LIMIT 1")
pdftotext "$T/paper/wards/$AWARD/4_wristbands.pdf" "$T/wb2.txt" || true
python3 - "$T/wb2.txt" "$APID" "$ALLERGEN" <<'PY' || fail "the wristband of $APID lacks its allergy ($ALLERGEN) or same-surname mark"
import re, sys
text, pid, allergen = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
pages = [p for p in text.split("\f") if f"ID {pid}" in p]
sq = re.sub(r"\s+", "", "".join(pages))
sys.exit(0 if pages and f"アレルギー{allergen}" in sq and "病棟内同姓" in sq else 1)
PY
CHECKS=$((CHECKS + 1))
NOAL=$(sqlite3 "$DB" "SELECT count(*) FROM census c WHERE c.ward='$AWARD' AND NOT EXISTS (SELECT 1 FROM allergies a
	WHERE a.patient_id = c.patient_id AND a.active)")
WITHAL=$(sqlite3 "$DB" "SELECT count(*) FROM census c WHERE c.ward='$AWARD' AND EXISTS (SELECT 1 FROM allergies a
	WHERE a.patient_id = c.patient_id AND a.active)")
[ "$(grep -c '^アレルギー' "$T/wb2.txt")" -eq $((WITHAL * 2)) ] ||
	fail "ward $AWARD: $(grep -c '^アレルギー' "$T/wb2.txt") allergy marks on the wristbands, expected $((WITHAL * 2)) (two labels for each of $WITHAL patients; $NOAL without)"

# ---- a FHIR-only store's as-of comes from the data (local time, no zone), or says it is unknown ------------------
run "$LIFEBOAT" ingest --db "$T/fhir.db" --fhir "$T/h/fhir" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest the FHIR export only"
FASOF=$(sqlite3 "$T/fhir.db" "SELECT value FROM meta WHERE key='as_of'")
NEWEST=$(sqlite3 "$T/fhir.db" "SELECT max(t) FROM (SELECT max(updated) AS t FROM patients UNION ALL
	SELECT max(ordered) FROM medications UNION ALL SELECT max(recorded) FROM allergies UNION ALL SELECT max(time) FROM results)")
CHECKS=$((CHECKS + 1))
[ -n "$NEWEST" ] && [ "$FASOF" = "$NEWEST" ] && [ "${FASOF:0:10}" = 2026-11-24 ] ||
	fail "the FHIR-only store is as of '$FASOF', not the newest time of its data '$NEWEST' (2026-11-24)"
run "$LIFEBOAT" ingest --db "$T/empty.db" --drugs "$T/h/drugs.csv"
run "$LIFEBOAT" print appointments --db "$T/empty.db" --date 2026-12-06 --out "$T/empty.pdf"
expect_rc 0 "a call list from a store whose data holds no time"
pdftotext "$T/empty.pdf" "$T/empty.txt" || true
pages_have "$T/empty.txt" "取込時刻" "a store without a data time does not say its as-of is the load time"
pages_have "$T/empty.txt" "データ時点不明" "a store without a data time does not say the data's time is unknown"

# ---- the station: the barcode check of an ended order's label, the sheet from today, the time format ------------
PW='print today test password'
run "$LIFEBOAT" user add --db "$DB" --name nurse1 --role nurse <<<"$PW"
expect_rc 0 "user add"
mkdir "$T/tmp"
export TMPDIR="$T/tmp"
start_server
unset TMPDIR
login "$T/jar" nurse1 "$PW"
expect_status 303 "login"
J=(-b "$T/jar")
bverdict() { sed -n 's/.*id="bc-verdict" data-verdict="\([a-z]*\)".*/\1/p' "$T/$1.b" | head -1; }
read -r ONO DCODE < <(sqlite3 -separator ' ' "$DB" "SELECT order_no, drug_code FROM medications WHERE patient_id='0001000004'
	AND status='active' AND until >= '2026-11-24' AND until < '2026-12-06' ORDER BY until, id LIMIT 1") # active at the as-of day
req ended "${J[@]}" "$U/barcode?wristband=0001000004&label=LBO/0001000004/$ONO/$DCODE"
expect_status 200 "the label of an ended order"
CHECKS=$((CHECKS + 1))
[ "$(bverdict ended)" = warn ] || fail "the label of order $ONO (ended) is '$(bverdict ended)', not CHECK"
expect_body ended '終了予定日を過ぎています' "the check says the order is past its planned end"
expect_no_body ended '有効なオーダ</b>|<div class="order">有効なオーダ' "the ended order is not called active"
read -r ONO2 DCODE2 < <(sqlite3 -separator ' ' "$DB" "SELECT order_no, drug_code FROM medications WHERE patient_id='0001000004'
	AND status='active' AND until >= '2026-12-06' ORDER BY id LIMIT 1")
req running "${J[@]}" "$U/barcode?wristband=0001000004&label=LBO/0001000004/$ONO2/$DCODE2"
CHECKS=$((CHECKS + 1))
[ "$(bverdict running)" = ok ] || fail "the label of a running order ($ONO2) is '$(bverdict running)', not OK"
expect_body running 'データ時点 <b>[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}</b>' "the station shows the as-of time as on paper"
req smar "${J[@]}" "$U/print/patient.pdf?patient=0001000004&part=medication"
expect_status 200 "the station's medication sheet"
cp "$T/smar.b" "$T/smar.pdf" || true
pdftotext "$T/smar.pdf" "$T/smar.txt" || true
CHECKS=$((CHECKS + 1))
grep -q '12/6 (日)' "$T/smar.txt" && ! grep -q '11/24 (' "$T/smar.txt" && grep -q "$ASOF_SHOWN" "$T/smar.txt" ||
	fail "the station's medication sheet does not start today with the as-of stated"
req sfrom "${J[@]}" "$U/print/patient.pdf?patient=0001000004&part=medication&from=2026-12-10"
cp "$T/sfrom.b" "$T/sfrom.pdf" || true
pdftotext "$T/sfrom.pdf" "$T/sfrom.txt" || true
CHECKS=$((CHECKS + 1))
grep -q '12/10 (木)' "$T/sfrom.txt" || fail "from=2026-12-10 does not start the station's sheet on 12/10"
req sbad "${J[@]}" "$U/print/patient.pdf?patient=0001000004&part=medication&from=tomorrow"
expect_status 400 "from that is no date"
stop_server
finish
