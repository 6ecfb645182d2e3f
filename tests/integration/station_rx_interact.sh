#!/usr/bin/env bash
# The station's check page checks a prescription of several lines as a whole (issue 14): after a line is checked,
# the next line's form carries it (hidden field "lines"), and the next line is checked against it — メロペン after
# デパケン on one prescription is a 併用禁忌 stop resting on the earlier line; an order recorded during the outage
# (`rx check --record`) is checked against too; a "lines" field that does not read is refused with 400.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 0; }

"$LIFEBOAT" synth --out "$T/h" --patients 5 --seed 3 >/dev/null
F="$T/fhir"
mkdir -p "$F"
{
	echo "{\"resourceType\":\"Patient\",\"id\":\"IA0002\",\"name\":$(name 加藤 恵 カトウ メグミ),\"gender\":\"female\",\"birthDate\":\"1948-06-06\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"IA0003\",\"name\":$(name 林 誠 ハヤシ マコト),\"gender\":\"male\",\"birthDate\":\"1952-07-07\"}"
} >"$F/Patient.ndjson"
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest"
# 林誠: a statin recorded during the outage
run "$LIFEBOAT" rx check --db "$DB" --patient IA0003 --drug 100005001 --dose 10mg --per-day 1 --record --by 'pharm 山田'
expect_rc 0 "record atorvastatin for 林誠"
PW='station rx interact password'
run "$LIFEBOAT" user add --db "$DB" --name pharm1 --role pharmacist <<<"$PW"
expect_rc 0 "user add"
start_server
login "$T/jar" pharm1 "$PW"
expect_status 303 "login"
J=(-b "$T/jar")

# line 1: valproate, clean; the next line's form carries it
req l1 "${J[@]}" "$U/rx/check?patient=IA0002&drug=100007401&dose=200&unit=mg&per_day=2"
expect_status 200 "line 1"
expect_body l1 'data-verdict="ok"' "valproate alone is clean"
expect_body l1 'name="lines" value="100007401:200mg:2"' "the next line's form carries line 1"
# line 2: meropenem against line 1
req l2 "${J[@]}" "$U/rx/check?patient=IA0002&drug=100000501&dose=0.5g&per_day=3&lines=100007401:200mg:2"
expect_status 200 "line 2"
expect_body l2 'data-verdict="stop"' "meropenem after valproate on one prescription stops"
expect_body l2 '併用禁忌' "the stop says 併用禁忌"
expect_body l2 'id="rx-lines"' "the earlier lines are listed"
expect_body l2 'name="lines" value="100007401:200mg:2;100000501:0.5g:3"' "the next form carries both lines"
# a statin for 林誠, who has one recorded during the outage
req o1 "${J[@]}" "$U/rx/check?patient=IA0003&drug=100005101&dose=2.5&unit=mg&per_day=1"
expect_status 200 "rosuvastatin for 林誠"
expect_body o1 'data-verdict="warn"' "a second statin warns"
expect_body o1 'data-kind="duplicate-class"' "同効薬重複"
expect_body o1 'id="rx-outage"' "the page says outage orders were checked against"
expect_body o1 'pharm 山田' "the basis names who recorded the outage order"
# hostile or broken lines
req bad "${J[@]}" "$U/rx/check?patient=IA0002&drug=100000501&dose=0.5g&per_day=3&lines=%3Cscript%3E"
expect_status 400 "a lines field that does not read"
expect_no_body bad '<script>' "nothing echoed raw"
stop_server
finish
