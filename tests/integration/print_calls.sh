#!/usr/bin/env bash
# print_calls.sh - the call list of one day (issue 13, planted bugs): each booking's time, the patient's name or
# 「患者情報なし」 for an ID the store does not know, 【取消済】 only on the cancelled booking, the three result boxes
# (済 不通 再) on every row, rows 30 pt high at least, 「この日の予約はありません」 only on a day without bookings, and a --date that is not
# YYYY-MM-DD refused with exit 2.
. "$LB_SRC/tests/integration/lib.bash"
set -e

"$LIFEBOAT" synth --out "$T/h" --patients 5 --seed 3 >/dev/null
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2"
expect_rc 0 "ingest the synthetic SS-MIX2 tree"
read -r PID FAMILY < <(sqlite3 -separator ' ' "$DB" "SELECT id, family_kanji FROM patients ORDER BY id LIMIT 1")
cat >"$T/appts.csv" <<CSV
id,patient_id,start,department,kind,status,phone
A1,$PID,2026-12-07 09:30,内科,検査,booked,06-1111-2222
A2,$PID,2026-12-07 10:45,内科,処置,cancelled,06-1111-2222
A3,9999999999,2026-12-07 11:15,外科,検査,,06-3333-4444
CSV
run "$LIFEBOAT" ingest --db "$DB" --appointments "$T/appts.csv"
expect_rc 0 "ingest the bookings"
export LIFEBOAT_TODAY=2026-12-06

run "$LIFEBOAT" print appointments --db "$DB" --date 2026-12-07 --out "$T/c.pdf"
expect_rc 0 "print the call list of 12/07"
pdftotext -raw "$T/c.pdf" "$T/c.txt"
count() { tr -d ' \n\f' <"$T/c.txt" | grep -o "$1" | wc -l; }
check_count() { # check_count TEXT N "what"
	CHECKS=$((CHECKS + 1))
	[ "$(count "$1")" -eq "$2" ] || fail "$3: '$1' $(count "$1") times, not $2: $(head -c 600 "$T/c.txt")"
}
# each booking's time (at least once: the page's print time may be the same minute)
for t in 09:30 10:45 11:15; do
	CHECKS=$((CHECKS + 1))
	[ "$(count "$t")" -ge 1 ] || fail "the booking at $t is listed without its time: $(head -c 600 "$T/c.txt")"
done
check_count "$FAMILY" 2 "the known patient's name is on both of his bookings"
check_count "患者情報なし" 1 "only the booking of the unknown ID says there is no patient record"
check_count "9999999999" 1 "the unknown ID is listed"
check_count "取消済" 1 "only the cancelled booking is marked cancelled"
check_count "不通" 3 "every row has the result boxes"
check_count "再" 3 "every row has its third box (再)"
check_count "この日の予約はありません" 0 "a day with bookings does not say it has none"
# a row is 30 pt high at least (room to write the call's result by hand): the one-line rows of 内科 are 30 pt apart
CHECKS=$((CHECKS + 1))
pdftotext -bbox "$T/c.pdf" - | python3 -c '
import re, sys
y = {w: float(m) for m, w in re.findall(r"yMin=\"([0-9.]+)\"[^>]*>(09:30|10:45)<", sys.stdin.read())}
sys.exit(0 if len(y) == 2 and abs(y["10:45"] - y["09:30"] - 30) < 0.01 else 1)' ||
	fail "the rows of 09:30 and 10:45 are not 30 pt apart"

run "$LIFEBOAT" print appointments --db "$DB" --date 2026-12-08 --out "$T/e.pdf"
expect_rc 0 "print the call list of a day without bookings"
pdftotext -raw "$T/e.pdf" "$T/c.txt"
check_count "この日の予約はありません" 1 "a day without bookings says so"

for bad in 20261207 2026-13-45 2026-12-7 2026-12-077; do
	run "$LIFEBOAT" print appointments --db "$DB" --date "$bad" --out "$T/b.pdf"
	expect_rc 2 "--date $bad is refused"
	expect_one_line_err "--date $bad"
done
finish
