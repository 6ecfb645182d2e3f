#!/usr/bin/env bash
# Allergy checks on the synthetic hospital (issue 14): every patient whose allergy is written
# 「アスピリン(アスピリン喘息)」 gets a STOP for ロキソニン (NSAIDs inserts: 禁忌 アスピリン喘息), and a patient allergic to
# penicillins gets a cross-reactivity alert for a cephalosporin (フロモックス), a stop after anaphylaxis.
. "$LB_SRC/tests/integration/lib.bash"
set -e

"$LIFEBOAT" synth --out "$T/h" --patients 3000 --seed 7 >/dev/null
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$T/h/fhir" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest the synthetic hospital"

sqlite3 "$DB" "SELECT DISTINCT patient_id FROM allergies WHERE active AND name='アスピリン(アスピリン喘息)'" >"$T/aia"
N=$(wc -l <"$T/aia")
[ "$N" -ge 5 ] || fail "only $N aspirin-asthma patients in synth --patients 3000 --seed 7"
LOXONIN=$(sqlite3 "$DB" "SELECT code FROM drugs WHERE name='ロキソニン錠60mg'")
[ -n "$LOXONIN" ] || fail "no ロキソニン錠60mg in synth's master"
stops=0
while read -r pid; do
	run "$LIFEBOAT" rx check --db "$DB" --patient "$pid" --drug "$LOXONIN" --dose 60 --unit mg --per-day 3 --json
	python3 - "$T/out" <<'PY' || fail "$pid: no allergy STOP for ロキソニン: $(head -c 800 "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
ok = [a for a in d["alerts"] if a["level"] == "stop" and a["kind"].startswith("allergy")
      and "アスピリン喘息" in a["basis"]["text"]]
sys.exit(0 if ok and d["stop"] else 1)
PY
	stops=$((stops + 1))
done <"$T/aia"
echo "aspirin asthma: $stops of $N patients stopped for ロキソニン"

# Penicillin allergy → a cephalosporin: a cross-reactivity alert (warn; stop after a severe reaction).
FLOMOX=$(sqlite3 "$DB" "SELECT code FROM drugs WHERE name='フロモックス錠100mg'")
sqlite3 -separator ' ' "$DB" "SELECT patient_id, coalesce(severity,'') FROM allergies WHERE active AND name='ペニシリン系抗生物質'
 AND patient_id NOT IN (SELECT patient_id FROM allergies WHERE active AND name LIKE 'セフェム%') LIMIT 40" >"$T/pc"
[ -s "$T/pc" ] || fail "no penicillin-allergic patient in the synthetic hospital"
seen_warn=0 seen_stop=0
while read -r pid sev; do
	run "$LIFEBOAT" rx check --db "$DB" --patient "$pid" --drug "$FLOMOX" --dose 100 --unit mg --per-day 3 --json
	# severity severe, or a severe reaction (アナフィラキシー, 呼吸困難) whatever the severity: stop, said in the reason
	python3 - "$T/out" "$sev" >"$T/level" <<'PY' || fail "$pid ($sev): no allergy-cross alert for フロモックス: $(head -c 800 "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
ok = [a for a in d["alerts"] if a["kind"] == "allergy-cross" and "ペニシリン系" in a["reason_ja"]
      and "交差反応表" in a["reason_ja"]
      and (a["level"] == "warn" or (a["level"] == "stop" and "の既往" in a["reason_ja"]))]
if not ok or (sys.argv[2] == "severe" and ok[0]["level"] != "stop"):
    sys.exit(1)
print(ok[0]["level"])
PY
	[ "$(cat "$T/level")" = warn ] && seen_warn=1 || seen_stop=1
done <"$T/pc"
[ "$seen_warn" = 1 ] && [ "$seen_stop" = 1 ] || fail "the penicillin patients had not both levels (warn $seen_warn, stop $seen_stop)"
finish
