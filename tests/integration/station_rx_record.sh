#!/usr/bin/env bash
# The station's 記録 (issue 14): after a check, 「この処方を記録」 (POST /rx/record with the session's CSRF token)
# records every line of the prescription as outage orders, recorded by the logged-in user (a name put into the form
# is ignored); the server checks the prescription again as a whole, and a stop is recorded only with the
# prescriber's reason; a prescription is recorded once; a clerk cannot record; no session or no token, nothing
# recorded; later checks on the station and in the CLI count the recorded orders, also after a `station refresh`
# replaced the store; each step is in the audit trail.
# Also the check form's dosing period (週1回: rx check --period/--weekly) and 「妊娠していない」 (--not-pregnant).
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

"$LIFEBOAT" synth --out "$T/h" --patients 5 --seed 3 >/dev/null
F="$T/fhir"
mkdir -p "$F"
name() {
	printf '[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"IDE"}],"family":"%s","given":["%s"]},{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"SYL"}],"family":"%s","given":["%s"]}]' "$@"
}
Y30=$(($(date +%Y) - 30))
{
	echo "{\"resourceType\":\"Patient\",\"id\":\"RR0001\",\"name\":$(name 加藤 恵 カトウ メグミ),\"gender\":\"female\",\"birthDate\":\"1948-06-06\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"RR0002\",\"name\":$(name 林 誠 ハヤシ マコト),\"gender\":\"male\",\"birthDate\":\"1952-07-07\"}"
	echo "{\"resourceType\":\"Patient\",\"id\":\"RR0003\",\"name\":$(name 森 彩 モリ アヤ),\"gender\":\"female\",\"birthDate\":\"$Y30-03-03\"}"
} >"$F/Patient.ndjson"
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest"
PW='station rx record password'
run "$LIFEBOAT" user add --db "$DB" --name pharm1 --role pharmacist <<<"$PW"
expect_rc 0 "user add pharm1"
run "$LIFEBOAT" user add --db "$DB" --name clerk1 --role clerk <<<"$PW"
expect_rc 0 "user add clerk1"
start_server
login "$T/jar" pharm1 "$PW"
expect_status 303 "login"
J=(-b "$T/jar")
# field NAME FIELD: the value of the record form's hidden field
field() { sed -n "s/.*id=\"rx-record\".*name=\"$2\" value=\"\([^\"]*\)\".*/\1/p" "$T/$1.b" | head -1; }
orders() { # orders PATIENT: rx orders --all --json into $T/out
	run "$LIFEBOAT" rx orders --db "$DB" --patient "$1" --all --json
	expect_rc 0 "rx orders $1"
}

# ---- a clean line, recorded: by the logged-in user, whatever the form says --------------------------------------
req c1 "${J[@]}" "$U/rx/check?patient=RR0001&drug=100007401&dose=200&unit=mg&per_day=2"
expect_status 200 "check valproate"
expect_body c1 'data-verdict="ok"' "valproate alone is clean"
expect_body c1 '<form method="post" action="/rx/record"' "the result has a record form"
expect_body c1 'この処方を記録' "… with the button 「この処方を記録」"
# the store's data holds no time (Patient lines only): /healthz says so, and does not call the data fresh
req hz "$U/healthz"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["as_of_unknown"] is True and d["age_hours"] is None and d["stale"] is True, d' "$T/hz.b" ||
	fail "/healthz of a store whose data holds no time: $(cat "$T/hz.b")"
CHECKS=$((CHECKS + 1))
# … and the sheet's stamp says the as-of is the load time
expect_body c1 '<dt>データ時点</dt><dd>取込時刻 [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2} \(データ時点不明' "the stamp: 取込時刻 … (データ時点不明)"
req bc1 "${J[@]}" "$U/barcode?wristband=RR0001&label=LBO%2FRR0001%2FORD-X1%2F100007401"
expect_body bc1 'このラベルの有効なオーダがありません.*データ時点 取込時刻 [0-9/: ]+\(データ時点不明' "the barcode check's as-of: 取込時刻 … (データ時点不明)"
CSRF=$(csrf_of c1)
RXID=$(field c1 rx)
LINES=$(field c1 lines)
CHECKS=$((CHECKS + 1))
[[ "$RXID" =~ ^ST-[0-9a-f]{16}$ ]] && [ "$LINES" = "100007401:200mg:2" ] || fail "record form: rx '$RXID', lines '$LINES'"
expect_body c1 "name=\"rx\" value=\"$RXID\"" "the next line's form carries the prescription's id"
req nocsrf "${J[@]}" --data-urlencode "patient=RR0001" --data-urlencode "lines=$LINES" --data-urlencode "rx=$RXID" "$U/rx/record"
expect_status 403 "a record without the CSRF token"
req anon --data-urlencode "csrf=$CSRF" --data-urlencode "patient=RR0001" --data-urlencode "lines=$LINES" --data-urlencode "rx=$RXID" "$U/rx/record"
expect_status 403 "a record without a session"
orders RR0001
CHECKS=$((CHECKS + 1))
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out")" = 0 ] || fail "recorded without token or session: $(cat "$T/out")"
req rec1 "${J[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "patient=RR0001" --data-urlencode "lines=$LINES" \
	--data-urlencode "rx=$RXID" --data-urlencode "by=mallory" --data-urlencode "recorded_by=mallory" "$U/rx/record"
expect_status 303 "記録"
expect_header rec1 "^location: /rx/check\\?patient=RR0001&recorded=$RXID" "the record answers with the check page"
orders RR0001
python3 - "$T/out" "$RXID" <<'PY' || fail "recorded order: $(cat "$T/out")"
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == 1, a
o = a[0]
assert o["recorded_by"] == "pharm1" and o["prescription"] == sys.argv[2] and o["drug_code"] == "100007401", o
assert o["level"] == "none" and o["override_reason"] is None and o["dose"] == "200" and o["per_day"] == "2", o
PY
CHECKS=$((CHECKS + 1))
req after "${J[@]}" "$U/rx/check?patient=RR0001&recorded=$RXID"
expect_status 200 "the page after 記録"
expect_body after 'id="rx-recorded"' "it lists what was recorded"
expect_body after 'ダウンタイム中の処方として記録しました' "… in Japanese"
expect_body after '記録者 pharm1' "… and by whom"
req again "${J[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "patient=RR0001" --data-urlencode "lines=$LINES" \
	--data-urlencode "rx=$RXID" "$U/rx/record"
expect_status 409 "the same prescription again (a second click, the back button)"
expect_body again 'この処方は記録済みです' "… says it is recorded already"
orders RR0001
CHECKS=$((CHECKS + 1))
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out")" = 1 ] || fail "recorded twice: $(cat "$T/out")"

# ---- later checks count it: the station's and the CLI's ----------------------------------------------------------
req m1 "${J[@]}" "$U/rx/check?patient=RR0001&drug=100000501&dose=0.5g&per_day=3"
expect_body m1 'data-verdict="stop"' "meropenem after the recorded valproate stops on the station"
expect_body m1 'id="rx-outage"' "… against the outage order"
expect_body m1 '\(#[0-9]+, 記録者 pharm1\)' "… naming who recorded it (the page is Japanese: 記録者)"
run "$LIFEBOAT" rx check --db "$DB" --patient RR0001 --drug 100000501 --dose 0.5g --per-day 3
expect_rc 1 "the CLI's check stops on the station-recorded order"
expect_out 'pharm1' "… and names it"

# ---- a prescription with a stop: checked as a whole, recorded only with the prescriber's reason --------------------
req s1 "${J[@]}" "$U/rx/check?patient=RR0002&drug=100007401&dose=200&unit=mg&per_day=2"
RX2=$(field s1 rx)
req s2 "${J[@]}" "$U/rx/check?patient=RR0002&drug=100000501&dose=0.5g&per_day=3&days=5&lines=$(field s1 lines)&rx=$RX2"
expect_body s2 'data-verdict="stop"' "line 2 stops (併用禁忌 with line 1)"
expect_body s2 'name="override" size="40" maxlength="400" required' "the reason is required for a stop"
L2=$(field s2 lines)
CHECKS=$((CHECKS + 1))
[ "$L2" = "100007401:200mg:2;100000501:0.5g:3:5:1" ] && [ "$(field s2 rx)" = "$RX2" ] || fail "line 2's record form: '$L2' '$(field s2 rx)'"
req nooverride "${J[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "patient=RR0002" --data-urlencode "lines=$L2" \
	--data-urlencode "rx=$RX2" "$U/rx/record"
expect_status 400 "a stop without a reason"
expect_body nooverride '記録していません: 中止レベルの警告がある行があります' "… is refused, and says why"
expect_body nooverride 'name="override"[^>]*required' "… and offers the form with the reason"
orders RR0002
CHECKS=$((CHECKS + 1))
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out")" = 0 ] || fail "a stop was recorded without a reason: $(cat "$T/out")"
req withreason "${J[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "patient=RR0002" --data-urlencode "lines=$L2" \
	--data-urlencode "rx=$RX2" --data-urlencode "override=処方医 佐藤: 代替なし、血中濃度を監視" "$U/rx/record"
expect_status 303 "a stop with the prescriber's reason is recorded"
orders RR0002
python3 - "$T/out" "$RX2" <<'PY' || fail "stop recorded: $(cat "$T/out")"
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == 2, a
assert all(o["prescription"] == sys.argv[2] and o["recorded_by"] == "pharm1" for o in a), a
m = [o for o in a if o["drug_code"] == "100000501"][0]
v = [o for o in a if o["drug_code"] == "100007401"][0]
assert m["level"] == "stop" and m["override_reason"] == "処方医 佐藤: 代替なし、血中濃度を監視" and m["days"] == "5", m
# line 1 was clean when it was checked alone; as a whole it stops too (rechecked by the server)
assert v["level"] == "stop" and v["override_reason"], v
PY
CHECKS=$((CHECKS + 1))

# ---- broken or forged forms ----------------------------------------------------------------------------------------
for bad in "lines=%3Cscript%3E&rx=$RX2" "lines=100007401:200mg:2&rx=ST-nothex" "lines=100007401:200mg:2" \
	"lines=NOSUCHDRUG:1mg:1&rx=ST-0000000000000001"; do
	req bad "${J[@]}" --data "csrf=$CSRF&patient=RR0002&$bad" "$U/rx/record"
	expect_status 400 "record with $bad"
	expect_body bad '記録していません' "… says nothing was recorded"
	expect_no_body bad '<script>' "… echoes nothing raw"
done
req nopat "${J[@]}" --data "csrf=$CSRF&patient=NOPE&lines=100007401:200mg:2&rx=ST-0000000000000002" "$U/rx/record"
expect_status 404 "record for an unknown patient"

# ---- a clerk checks but cannot record ---------------------------------------------------------------------------------
login "$T/jarC" clerk1 "$PW"
expect_status 303 "clerk login"
req cc -b "$T/jarC" "$U/rx/check?patient=RR0003&drug=100007401&dose=200&unit=mg&per_day=2"
expect_status 200 "a clerk's check"
expect_body cc 'id="rx-record-none"' "a clerk gets a note, not the record button"
expect_no_body cc 'action="/rx/record"' "… no record form"
CC=$(csrf_of cc)
req ccrec -b "$T/jarC" --data-urlencode "csrf=$CC" --data-urlencode "patient=RR0003" --data-urlencode "lines=100007401:200mg:2" \
	--data-urlencode "rx=ST-00000000000000c1" "$U/rx/record"
expect_status 403 "a clerk's record is refused"
expect_body ccrec 'このロールでは処方を記録できません' "… with the reason"

# ---- the dosing period (週1回) and 妊娠していない --------------------------------------------------------------------
req w1 "${J[@]}" "$U/rx/check?patient=RR0003&drug=100007701&dose=35&unit=mg&per_day=1"
expect_body w1 'data-verdict="stop"' "フォサマック ordered daily stops"
expect_body w1 'data-kind="period"' "… on its dosing period"
expect_body w1 '<select name="period" id="rx-period"><option value="1" selected>毎日' "the form offers the period, daily by default"
req w7 "${J[@]}" "$U/rx/check?patient=RR0003&drug=100007701&dose=35&unit=mg&per_day=1&period=7"
expect_no_body w7 'data-kind="period"' "フォサマック once a week: no period stop"
expect_body w7 'id="rx-order-period">週1回<' "the order says 週1回"
expect_body w7 '1週量 35 mg' "… and its weekly total"
expect_body w7 'name="lines" value="100007701:35mg:1:0:7"' "the next line carries the period"
req ww "${J[@]}" "$U/rx/check?patient=RR0003&drug=100007701&dose=35&unit=mg&per_day=1&weekly=1"
expect_no_body ww 'data-kind="period"' "weekly=1 is period 7"
req wbad "${J[@]}" "$U/rx/check?patient=RR0003&drug=100007701&dose=35&unit=mg&per_day=1&period=0"
expect_status 400 "period 0"
expect_body wbad '投与間隔は 1〜365 の日数です' "… says what a period is"
req p1 "${J[@]}" "$U/rx/check?patient=RR0003&drug=100003001&dose=8&unit=mg&per_day=1"
expect_body p1 'data-kind="pregnancy-possible"' "ブロプレス for a woman of 30: 妊娠の可能性を確認"
expect_body p1 'name="not_pregnant" value="1"' "the form has 妊娠していない"
req p2 "${J[@]}" "$U/rx/check?patient=RR0003&drug=100003001&dose=8&unit=mg&per_day=1&not_pregnant=1"
expect_no_body p2 'data-kind="pregnancy-possible"' "not_pregnant=1: no pregnancy warning"
expect_body p2 'id="rx-not-pregnant"' "the result says the patient was asked"
expect_body p2 'name="not_pregnant" value="1" checked' "the next line keeps 妊娠していない"
req p3 "${J[@]}" "$U/rx/check?patient=RR0003&drug=100003001&dose=8&unit=mg&per_day=1&not_pregnant=1&pregnant=1"
expect_status 400 "pregnant and not pregnant together"
# record the weekly line: the period is kept with the line, the check recorded as clean
RX3=$(field w7 rx)
req rec3 "${J[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "patient=RR0003" --data-urlencode "lines=$(field w7 lines)" \
	--data-urlencode "rx=$RX3" "$U/rx/record"
expect_status 303 "record the weekly line"
orders RR0003
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert len(a)==1 and a[0]["drug_code"]=="100007701" and a[0]["level"]!="stop" and a[0]["period_days"]=="7", a' "$T/out" ||
	fail "weekly line recorded, with its period: $(cat "$T/out")"
CHECKS=$((CHECKS + 1))
req rn3 "${J[@]}" "$U/rx/check?patient=RR0003&recorded=$RX3"
expect_body rn3 'id="rx-recorded"' "the page after the record lists the weekly line"
expect_body rn3 '<span class="period">週1回</span>' "… with its period"
# a later check counts the recorded weekly order once a week, and names its period
req w8 "${J[@]}" "$U/rx/check?patient=RR0003&drug=100007701&dose=35&unit=mg&per_day=1&period=7"
expect_body w8 'data-verdict="stop"' "another 35 mg a week on top of the recorded one: 2× the maximum"
expect_body w8 '1週 計 70 mg は最大量 35 mg を超えています' "… 70 mg a week"
expect_body w8 'pharm1) 週1回' "… the recorded order's basis says 週1回"
stop_server

# ---- a refresh replaces the store whole: the outage orders (the ward's own record, in no export) are carried over -
mkdir -p "$T/tree/fhir"
cp "$F/Patient.ndjson" "$T/tree/fhir/"
cp "$T/h/drugs.csv" "$T/tree/drugs.csv"
run "$LIFEBOAT" station refresh --db "$DB" --from-dir "$T/tree" --generation gen-2
expect_rc 0 "station refresh"
for p in RR0001:1 RR0002:2 RR0003:1; do
	orders "${p%%:*}"
	CHECKS=$((CHECKS + 1))
	[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out")" = "${p##*:}" ] ||
		fail "outage orders of ${p%%:*} after the refresh: $(cat "$T/out")"
done
orders RR0003
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); assert [x["period_days"] for x in a] == ["7"], a' "$T/out" ||
	fail "the weekly line's period after the refresh: $(cat "$T/out")"
CHECKS=$((CHECKS + 1))
run "$LIFEBOAT" rx check --db "$DB" --patient RR0001 --drug 100000501 --dose 0.5g --per-day 3
expect_rc 1 "after the refresh, the recorded valproate still stops meropenem"

# ---- the trail -----------------------------------------------------------------------------------------------------
run "$LIFEBOAT" station audit --db "$DB" --json
expect_rc 0 "station audit"
python3 - "$T/out" "$RXID" "$RX2" <<'EOF2' || fail "audit trail: $(grep -o '"action":"rx-record"[^}]*' "$T/out" | head -20)"
import json, sys
a = json.load(open(sys.argv[1]))
rec = [e for e in a if e["action"] == "rx-record"]
def has(user, patient, text):
    return any(e["user"] == user and e["patient"] == patient and text in (e["detail"] or "") for e in rec)
assert has("pharm1", "RR0001", "recorded %s: #" % sys.argv[2])
assert has("pharm1", "RR0001", "already recorded")
assert has("pharm1", "RR0002", "has a stop and no override reason")
assert has("pharm1", "RR0002", "override: 処方医 佐藤")
assert has("clerk1", "RR0003", "refused: role clerk")
assert has("pharm1", "RR0003", "every 7 days")
assert any(e["action"] == "rx-check" and "not pregnant" in (e["detail"] or "") for e in a)
EOF2
CHECKS=$((CHECKS + 1))
finish
