#!/usr/bin/env bash
# rx check, interactions and duplicates (issue 14) on synth's own drug master and a ward written here: 伊藤修 takes
# デパケン (valproate) and タケキャブ (P-CAB); 加藤恵 takes nothing. A carbapenem beside valproate is 併用禁忌 (the
# master's contraindicated_group): a stop, also between two lines of one prescription; two PPIs/P-CAB and two statins
# are 同効薬重複, rebamipide beside a PPI is not; orders recorded during the outage are checked by later checks,
# a stop is recorded only with --override, an ended order no longer counts, and the audit trail stays.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
set -e

"$LIFEBOAT" synth --out "$T/h" --patients 5 --seed 3 >/dev/null
F="$T/fhir"
mkdir -p "$F"
{
	echo "{\"resourceType\":\"Patient\",\"id\":\"IA0001\",\"name\":$(name 伊藤 修 イトウ オサム),\"gender\":\"male\",\"birthDate\":\"1950-02-02\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"IA0002\",\"name\":$(name 加藤 恵 カトウ メグミ),\"gender\":\"female\",\"birthDate\":\"1948-06-06\"}"
} >"$F/Patient.ndjson"
{
	med ORD-V1 IA0001 100007401 デパケンR錠200 200 mg 2
	med ORD-P1 IA0001 100006001 タケキャブ錠20mg 20 mg 1
} >"$F/MedicationRequest.ndjson"
DB="$T/s.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest the ward with synth's master"

# 併用禁忌 against an active medicine: a stop, in both languages
run "$LIFEBOAT" rx check --db "$DB" --patient IA0001 --drug 100000501 --dose 0.5g --per-day 3
expect_rc 1 "meropenem beside active valproate stops"
expect_out '^STOP +contraindicated combination \(併用禁忌, バルプロ酸-カルバペネム\)' "the stop names 併用禁忌"
LIFEBOAT_LANG=ja run "$LIFEBOAT" --lang ja rx check --db "$DB" --patient IA0001 --drug 100000501 --dose 0.5g --per-day 3
expect_out '併用禁忌 \(バルプロ酸-カルバペネム\)' "併用禁忌 in Japanese"

# 同効薬重複 by the whole therapeutic class
run "$LIFEBOAT" rx check --db "$DB" --patient IA0001 --drug 100006101 --dose 20 --per-day 1
expect_rc 3 "esomeprazole beside vonoprazan: a warning"
expect_out 'therapeutic duplicate: ネキシウムカプセル20mg and タケキャブ錠20mg .*2329 PPI・P-CAB' "two PPI/P-CAB"
run "$LIFEBOAT" rx check --db "$DB" --patient IA0001 --drug 100009601 --dose 15 --per-day 1
expect_out 'therapeutic duplicate: タケプロンOD錠15 and タケキャブ錠20mg' "lansoprazole beside vonoprazan"
run "$LIFEBOAT" rx check --db "$DB" --patient IA0001 --drug 100006201 --dose 100 --per-day 3
expect_out '^no alerts' "rebamipide (2329 胃粘膜保護剤) beside a P-CAB is no duplicate"

# one prescription of several lines: each line against the others
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100000501 --dose 0.5g --per-day 3 --line 100007401:200mg:2
expect_rc 1 "meropenem and valproate on one prescription stop"
[ "$(grep -cE '^STOP +contraindicated combination' "$T/out")" -eq 2 ] || fail "both lines carry the stop: $(cat "$T/out")"
expect_out 'basis: another line of this prescription' "the basis is the other line"
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100005001 --dose 10 --per-day 1 --line 100005101:2.5mg:1 --json
expect_rc 3 "two statins on one prescription: a warning"
python3 - "$T/out" <<'PY' || fail "JSON of a two-line prescription"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["lines"]) == 2 and d["stop"] is False, d
for l in d["lines"]:
    k = [(a["level"], a["kind"], a["basis"]["type"]) for a in l["alerts"]]
    assert ("warn", "duplicate-class", "prescription") in k, k
PY
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100005001 --dose 10 --per-day 1 --line 100005101-2.5mg
expect_rc 2 "a malformed --line"
expect_one_line_err "a malformed --line"

# outage orders: a stop is not recorded without --override; a clean order is, and counts in later checks
run "$LIFEBOAT" rx orders --db "$DB" --patient IA0002
expect_out '^no running outage orders' "none yet"
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100007401 --dose 200mg --per-day 2 --record
expect_rc 2 "--record needs --by"
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100007401 --dose 200mg --per-day 2 --days 14 --record --by 'pharm 山田'
expect_rc 0 "valproate for 加藤恵 is clean"
expect_out 'recorded as outage orders #1 \(by pharm 山田\)' "recorded with the user"
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100000501 --dose 0.5g --per-day 3 --record --by 'dr 佐藤'
expect_rc 1 "meropenem now stops against the outage's valproate"
expect_out 'basis: order of the outage 1 — 20[0-9-]+ デパケンR錠200 200 ?mg × 2/day \(#1, pharm 山田\)' "the basis is the outage order"
expect_out 'NOT RECORDED' "a stop is not recorded"
run "$LIFEBOAT" rx orders --db "$DB" --patient IA0002
expect_out '^#1 .*100007401 デパケンR錠200 .*by pharm 山田' "the outage order is listed"
[ "$(wc -l <"$T/out")" -le 1 ] || fail "only one running order: $(cat "$T/out")"
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100000501 --dose 0.5g --per-day 3 --record --by 'dr 佐藤' --override '痙攣時は別剤に変更済み'
expect_rc 1 "still a stop, but recorded with the reason"
expect_out 'recorded as outage orders #2' "an override records"
# a re-ingest of the EHR's files keeps the ward's record
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/h/drugs.csv"
expect_rc 0 "re-ingest"
run "$LIFEBOAT" rx orders --db "$DB" --patient IA0002 --json
python3 - "$T/out" <<'PY' || fail "outage orders after a re-ingest, as JSON: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert [o["id"] for o in d] == ["1", "2"], d
assert d[1]["level"] == "stop" and d[1]["override_reason"] == "痙攣時は別剤に変更済み" and d[1]["recorded_by"] == "dr 佐藤", d[1]
PY
# ending: no longer checked against, kept in the audit trail
run "$LIFEBOAT" rx end --db "$DB" --id 1 --by 'pharm 山田' --reason '中止'
expect_rc 0 "end outage order 1"
run "$LIFEBOAT" rx end --db "$DB" --id 1 --by 'pharm 山田' --reason '中止'
expect_rc 2 "an ended order cannot be ended again"
run "$LIFEBOAT" rx end --db "$DB" --id 1 --by 'pharm 山田'
expect_rc 2 "ending needs a reason"
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100007401 --dose 200mg --per-day 2
expect_rc 1 "the override-recorded meropenem still counts"
expect_out 'basis: order of the outage 2 — .*メロペン' "against outage order 2"
run "$LIFEBOAT" rx end --db "$DB" --id 2 --by 'dr 佐藤' --reason '誤記録'
run "$LIFEBOAT" rx check --db "$DB" --patient IA0002 --drug 100000501 --dose 0.5g --per-day 3
expect_rc 0 "ended orders are not checked against"
expect_out '^no alerts' "nothing left"
run "$LIFEBOAT" rx orders --db "$DB" --patient IA0002 --all
expect_out '^#1 .*ended .* pharm 山田 \(中止\)' "the audit trail keeps who ended it and why"
finish
