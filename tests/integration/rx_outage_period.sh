#!/usr/bin/env bash
# The dosing period of the orders recorded during the outage (issue 14): `rx check --record` keeps each line's
# period (outage_orders.period_days: 1 daily, 7 weekly), `rx orders` shows it (週1回 / once a week; --json
# period_days), and later checks count a running order per its own period: a weekly product recorded daily (a stop
# given anyway) counts seven doses a week against the weekly maximum, one recorded weekly counts once. A store whose
# outage_orders an older lifeboat wrote, without the column, opens, gains it, and keeps its rows.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
set -e

json_check() { # json_check FILE EXPR "what"
	CHECKS=$((CHECKS + 1))
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" ||
		fail "$3: $2 (in $(head -c 600 "$1"))"
}
"$LIFEBOAT" synth --out "$T/h" --patients 5 --seed 3 >/dev/null
FOSA=100007701 # フォサマック錠35mg: dosing_period 7, max 35 mg a week
grep -q "^$FOSA,フォサマック錠35mg,.*,mg,35,.*,35mg,7," "$T/h/drugs.csv" || fail "synth's master changed: $(grep "^$FOSA," "$T/h/drugs.csv")"
F="$T/fhir"
mkdir -p "$F"
{
	pat OP0001 青木 誠 アオキ マコト female 1950-01-01
	pat OP0002 石田 恵 イシダ メグミ female 1952-02-02
	pat OP0003 上野 実 ウエノ ミノル female 1954-03-03
} >"$F/Patient.ndjson"
DB="$T/s.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest"

# ---- a weekly line recorded weekly: kept, shown, counted once a week ---------------------------------------------
run "$LIFEBOAT" rx check --db "$DB" --patient OP0001 --drug $FOSA --dose 35mg --per-day 1 --weekly --record --by 'pharm 山田'
expect_rc 0 "フォサマック 35 mg once a week, recorded"
expect_out 'recorded as outage orders #1' "… as outage order #1"
run "$LIFEBOAT" rx orders --db "$DB" --patient OP0001 --json
expect_rc 0 "rx orders --json"
cp "$T/out" "$T/o1.json"
json_check "$T/o1.json" 'len(d) == 1 and d[0]["period_days"] == "7"' "the weekly line keeps its period"
run "$LIFEBOAT" rx orders --db "$DB" --patient OP0001
expect_out '35mg × 1/day once a week  \[none\]' "rx orders says once a week"
run "$LIFEBOAT" --lang ja rx orders --db "$DB" --patient OP0001
expect_out '35mg × 1日1回 週1回' "rx orders (ja) says 週1回"
run "$LIFEBOAT" rx check --db "$DB" --patient OP0001 --drug $FOSA --dose 35mg --per-day 1 --weekly --json
expect_rc 1 "another 35 mg a week on top of the recorded one: 70 mg a week, 2× the maximum"
cp "$T/out" "$T/c1.json"
json_check "$T/c1.json" 'd["order"]["outage_daily"] == 35 and d["order"]["total_daily"] == 70' "the recorded weekly order counts once a week"
run "$LIFEBOAT" rx check --db "$DB" --patient OP0001 --drug $FOSA --dose 35mg --per-day 1 --weekly
expect_out '\(#1, pharm 山田 \(OS: [^)]*\)\) once a week' "the basis names the recorded order's period"

# ---- a weekly product recorded daily (a stop given anyway): seven doses a week ----------------------------------
run "$LIFEBOAT" rx check --db "$DB" --patient OP0002 --drug $FOSA --dose 5mg --per-day 1 --record --by 'dr 佐藤' \
	--override '処方医の指示'
expect_rc 1 "フォサマック daily stops on its period"
expect_out 'recorded as outage orders #2' "… and is recorded with the prescriber's reason"
run "$LIFEBOAT" rx orders --db "$DB" --patient OP0002 --json
cp "$T/out" "$T/o2.json"
json_check "$T/o2.json" 'len(d) == 1 and d[0]["period_days"] == "1"' "the daily line keeps its period (1)"
run "$LIFEBOAT" rx orders --db "$DB" --patient OP0002
CHECKS=$((CHECKS + 1))
! grep -q 'once a week' "$T/out" || fail "a daily order listed as weekly: $(cat "$T/out")"
run "$LIFEBOAT" rx check --db "$DB" --patient OP0002 --drug $FOSA --dose 5mg --per-day 1 --weekly --json
expect_rc 3 "5 mg a week on top of 5 mg every day: 40 mg a week, over the maximum of 35"
cp "$T/out" "$T/c2.json"
json_check "$T/c2.json" 'd["order"]["outage_daily"] == 35 and d["order"]["total_daily"] == 40' "the daily order of a weekly product counts seven doses a week"
json_check "$T/c2.json" 'any(a["kind"] == "max-dose" and a["level"] == "warn" for a in d["alerts"])' "… a max-dose warning"

# ---- a store written by an older lifeboat: outage_orders without period_days -----------------------------------
OLD="$T/old.db"
run "$LIFEBOAT" ingest --db "$OLD" --fhir "$F" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest the older store"
sqlite3 "$OLD" "CREATE TABLE outage_orders(id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL,
	drug_code TEXT NOT NULL, drug_name TEXT, dose REAL NOT NULL, unit TEXT, per_day REAL NOT NULL,
	days INTEGER NOT NULL DEFAULT 0, prescription TEXT, level TEXT, override_reason TEXT,
	recorded TEXT NOT NULL, recorded_by TEXT NOT NULL, ended TEXT, ended_by TEXT, end_reason TEXT);
	CREATE INDEX outage_orders_patient ON outage_orders(patient_id, recorded);
	INSERT INTO outage_orders(patient_id, drug_code, drug_name, dose, unit, per_day, recorded, recorded_by)
	VALUES('OP0003', '$FOSA', 'フォサマック錠35mg', 35, 'mg', 1, '2026-12-01T08:00:00Z', 'pharm 山田');"
run "$LIFEBOAT" rx orders --db "$OLD" --patient OP0003 --json
expect_rc 0 "rx orders on the older store"
cp "$T/out" "$T/o3.json"
json_check "$T/o3.json" 'len(d) == 1 and d[0]["period_days"] is None and d[0]["dose"] == "35"' "the old row is kept, its period not recorded"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$OLD" "SELECT count(*) FROM pragma_table_info('outage_orders') WHERE name='period_days'")" = 1 ] ||
	fail "the older store did not gain outage_orders.period_days"
# a row without a period counts by its product's own period (once a week), as before
run "$LIFEBOAT" rx check --db "$OLD" --patient OP0003 --drug $FOSA --dose 35mg --per-day 1 --weekly --json
expect_rc 1 "the old weekly row and another 35 mg a week: 2× the maximum"
cp "$T/out" "$T/c3.json"
json_check "$T/c3.json" 'd["order"]["outage_daily"] == 35' "a row without a period counts once per its product's period"
run "$LIFEBOAT" rx check --db "$OLD" --patient OP0003 --drug $FOSA --dose 35mg --per-day 1 --weekly --record --by 'pharm 山田' --override '確認済'
run "$LIFEBOAT" rx orders --db "$OLD" --patient OP0003 --json
cp "$T/out" "$T/o4.json"
json_check "$T/o4.json" '[x["period_days"] for x in d] == [None, "7"]' "the upgraded store records the period of new lines"
finish
