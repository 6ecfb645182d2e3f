#!/usr/bin/env bash
# print_calls.sh - the call list of one day (issue 13, planted bugs): each booking's time, the patient's name or
# 「患者情報なし」 for an ID the store does not know, 【取消済】 only on the cancelled booking, the three result boxes
# (済 不通 再) on every row, rows 30 pt high at least, the phone column bold and no other cell of a row, a FHIR
# booking without a full time (a date alone, a time cut short) listed without a time rather than a part of one,
# 「この日の予約はありません」 only on a day without bookings, and a --date that is not YYYY-MM-DD refused with exit 2.
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

# the phone to call is bold (the column a caller reads first), and only it: not the time, the ID or the birth date.
# pdf_runs.py gives each text run with its font face; the bold face is that of the column heads (時刻 …).
python3 "$LB_SRC/tests/integration/lib/pdf_runs.py" "$T/c.pdf" >"$T/runs.txt"
BIRTH=$(sqlite3 "$DB" "SELECT birth_date FROM patients WHERE id='$PID'")
CHECKS=$((CHECKS + 1))
python3 - "$T/runs.txt" "$PID" "$BIRTH" <<'PY' || fail "the phone column is not the one bold column of the rows: $(head -c 800 "$T/runs.txt")"
import sys
runs = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1]) if "\t" in l]
pid, birth = sys.argv[2], sys.argv[3]
bold = next(f for f, t in runs if "時刻" in t)
def faces(word):
    return [f for f, t in runs if word in t]
bad = []
for phone in ("06-1111-2222", "06-3333-4444"):
    if not faces(phone) or any(f != bold for f in faces(phone)):
        bad.append(f"phone {phone}: faces {faces(phone)}, bold is {bold}")
for word in ("09:30", "11:15", pid, "9999999999", birth):
    if not faces(word) or any(f == bold for f in faces(word)):
        bad.append(f"{word}: faces {faces(word)}, bold is {bold}")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
PY

# Bookings from a FHIR feed whose start holds no full time: a date alone, a time cut short (T14:2). Each is
# listed with its patient, and with no time rather than a made-up or partial one; a full time beside them is shown.
mkdir -p "$T/fhir"
for b in "F1 2026-12-07 8888888801" "F2 2026-12-07T14:2 8888888802" "F3 2026-12-07T16:05:00+09:00 8888888803"; do
	set -- $b
	printf '{"resourceType":"Appointment","id":"%s","status":"booked","start":"%s","serviceCategory":[{"text":"眼科"}],"participant":[{"actor":{"reference":"Patient/%s"}}]}\n' "$1" "$2" "$3"
done >"$T/fhir/appt.ndjson"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$T/fhir"
expect_rc 0 "ingest the FHIR bookings"
run "$LIFEBOAT" print appointments --db "$DB" --date 2026-12-07 --dept 眼科 --out "$T/f.pdf"
expect_rc 0 "print the call list of 眼科 on 12/07"
python3 "$LB_SRC/tests/integration/lib/pdf_runs.py" "$T/f.pdf" >"$T/runs.txt"
for id in 8888888801 8888888802 8888888803; do
	CHECKS=$((CHECKS + 1))
	[ "$(cut -f2 "$T/runs.txt" | grep -cx "$id")" -eq 1 ] || fail "the booking of $id is not listed once: $(cut -f2 "$T/runs.txt" | tr '\n' '|')"
done
CHECKS=$((CHECKS + 1))
cut -f2 "$T/runs.txt" | grep -qx '16:05' || fail "the booking at 16:05 is listed without its time"
CHECKS=$((CHECKS + 1))
! cut -f2 "$T/runs.txt" | grep -qxE '[0-9]{1,2}:[0-9]?|00:00' ||
	fail "a booking without a full time is shown with a part of one: $(cut -f2 "$T/runs.txt" | grep -xE '[0-9]{1,2}:[0-9]?|00:00')"

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
