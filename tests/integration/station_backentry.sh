#!/usr/bin/env bash
# The station's back-entry pages (issue 16) over HTTP: ten nurses on one ward register 1,000 paper orders at once
# through /backentry/register (some scanning the same number twice, and one label typed full-width) and leave
# exactly the distinct entries with a timeline that verifies; a second scan opens the entry and the scanner's Enter
# alone writes nothing; a wrong check digit, a number never allocated and an unknown patient are 400 with one line
# in the reader's language and nothing written; the records office filters the worklist (/backentry/backlog) by
# ward, kind and missing step, pages it 100 at a time, and marks ticked entries entered, scanned and billed or
# waives a step with a reason, which closes them (nurses may not: 403); every POST is in the access log; the
# headquarters board shows the burn-down as inline SVG and the printed report as a chart.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
export TZ=Asia/Tokyo

"$LIFEBOAT" synth --out "$T/h" --patients 5 --seed 3 >/dev/null
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2"
expect_rc 0 "ingest"
I="$T/incident.db" # the default: incident.db next to the store
PW='station backentry password'
adduser() { # adduser NAME ROLE
	run "$LIFEBOAT" user add --db "$DB" --name "$1" --role "$2" <<<"$PW"
	expect_rc 0 "user add $1"
}
for k in $(seq 1 10); do adduser "nurse$k" nurse; done
adduser rec1 clerk
adduser boss hq
run "$LIFEBOAT" incident numbers allocate --incident "$I" --ward 3A --kind order --count 1200
expect_rc 0 "allocate 3A orders"
run "$LIFEBOAT" incident numbers allocate --incident "$I" --ward 3A --kind patient --count 5
expect_rc 0 "allocate 3A patient numbers"
run "$LIFEBOAT" incident numbers allocate --incident "$I" --ward 4B --kind order --count 20
expect_rc 0 "allocate 4B orders"
PIDS=$(sqlite3 "$DB" 'SELECT id FROM patients ORDER BY id' | tr '\n' ' ')
[ -n "$PIDS" ] || { echo "no patients in the store" >&2; exit 1; }
entries() { sqlite3 "$I" 'SELECT count(*) FROM entries'; }
orders() { sqlite3 "$I" 'SELECT count(*) FROM be_orders'; }

start_server --threads 4

# ---- ten nurses, 1,000 registrations, repeats among them ---------------------------------------------------------
# The client is one python3 process: a keep-alive connection per nurse, a thread each, a 10 s timeout on every
# request (a thousand curl processes under the sanitizers took minutes).
t0=$(date +%s.%N)
python3 - "$U" "$PW" "$T/conc.json" $PIDS <<'PY' || fail "concurrent registration: $(tail -5 "$T/conc.err" 2>/dev/null)"
import http.client, json, re, sys, threading, urllib.parse

base, pw, out, pids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
host = urllib.parse.urlparse(base)
T = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
     "3674209581", "5869720134", "8945362017", "9438617205", "2581436790"]
def num(pre, ward, serial):  # Damm over the ward (a letter as two digits) and the serial, independently of lifeboat
    p = 0
    for d in "".join(str(ord(c) - 55) if c.isalpha() else c for c in ward) + "%06d" % serial:
        p = int(T[p][int(d)])
    return "%s-%s-%06d-%d" % (pre, ward, serial, p)
KINDS = ["prescription", "injection", "lab", "imaging", "nursing", "diet", "admission", "discharge", "transfer", "note"]
DISTINCT = 900
# 1,000 requests: serials 1..900 once, and 100 of them again (by another nurse, or the same one later)
work = [(s, i) for i, s in enumerate(list(range(1, DISTINCT + 1)) + list(range(1, DISTINCT + 1, 9)))]

class Nurse:
    def __init__(self, name):
        self.c = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        self.cookies = {}
        self.name = name
    def req(self, method, path, form=None):
        body = urllib.parse.urlencode(form) if form is not None else None
        h = {"Cookie": "; ".join("%s=%s" % kv for kv in self.cookies.items())}
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        self.c.request(method, path, body=body, headers=h)
        r = self.c.getresponse()
        data = r.read().decode()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, val = v.split(";")[0].partition("=")
                self.cookies[name] = val
        return r.status, data, r.getheader("Location")
    def login(self):
        st, page, _ = self.req("GET", "/login")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        st, _, _ = self.req("POST", "/login", {"csrf": csrf, "username": self.name, "password": pw})
        assert st == 303, (self.name, st)
        st, page, _ = self.req("GET", "/backentry/register")
        assert st == 200, st
        self.csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)

results, lock, errors = {"303": 0, "existing": 0}, threading.Lock(), []
def run(k, nurse):
    try:
        nurse.login()
        for serial, i in work[k::10]:
            n = num("DT", "3A", serial)
            if serial == 7:  # a label typed through the Japanese input method: full-width digits, ー for -
                n = n.translate(str.maketrans("0123456789ADT-", "０１２３４５６７８９ＡＤＴー"))
            patient = pids[serial % len(pids)] if serial % 50 else num("DP", "3A", 1 + serial % 5)
            form = {"csrf": nurse.csrf, "number": n, "patient": patient, "kind": KINDS[serial % 10],
                    "author": "医師 %d" % (serial % 7), "time": "2026-12-0%dT%02d:%02d" % (1 + serial % 5, serial % 24, serial % 60),
                    "paper_at": "3A 詰所 棚%d" % (serial % 3)}
            st, page, loc = nurse.req("POST", "/backentry/register", form)
            with lock:
                if st == 303:
                    results["303"] += 1
                elif st in (200, 409) and 'id="existing"' in page:
                    results["existing"] += 1
                else:
                    errors.append((n, st, page[:300]))
    except Exception as e:
        with lock:
            errors.append(("exception", repr(e)))

nurses = [Nurse("nurse%d" % (k + 1)) for k in range(10)]
ts = [threading.Thread(target=run, args=(k, nurses[k])) for k in range(10)]
for t in ts: t.start()
for t in ts: t.join(timeout=110)
assert not any(t.is_alive() for t in ts), "a nurse's thread is stuck"
json.dump({"results": results, "errors": errors[:5], "nerrors": len(errors)}, open(out, "w"))
assert not errors, errors[:3]
assert results["303"] + results["existing"] == len(work), results
PY
t1=$(date +%s.%N)
echo "1,000 registrations by 10 nurses: $(python3 -c "print(round($t1 - $t0, 1))") s" >&2
CHECKS=$((CHECKS + 1))
[ "$(orders)" = 900 ] || fail "900 distinct numbers registered, found $(orders)"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$I" "SELECT count(*) FROM entries WHERE type = 'backentry' AND kind = 'order'")" = 900 ] ||
	fail "one timeline entry per distinct order"
run "$LIFEBOAT" incident verify --incident "$I"
expect_rc 0 "incident verify after the concurrent registrations"
N7=$(sqlite3 "$I" "SELECT number FROM be_orders WHERE number LIKE 'DT-3A-000007-%'")
CHECKS=$((CHECKS + 1))
[ -n "$N7" ] || fail "the full-width label was folded to its number"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$I" "SELECT count(DISTINCT registered_by) FROM be_orders")" = 10 ] || fail "registered by the ten nurses"

login "$T/nurse" nurse1 "$PW"
expect_status 303 "nurse1 logs in"
login "$T/rec" rec1 "$PW"
expect_status 303 "rec1 logs in"
login "$T/hq" boss "$PW"
expect_status 303 "boss logs in"
NU=(-b "$T/nurse")
req form "${NU[@]}" "$U/backentry/register"
expect_status 200 "the scan form"
expect_body form 'id="scan-form"' "the scan form is there"
NC=$(csrf_of form)
pyn() { python3 -c "
T = ['0317598642', '7092154863', '4206871359', '1750983426', '6123045978', '3674209581', '5869720134', '8945362017', '9438617205', '2581436790']
pre, ward, serial = '$1', '$2', $3
p = 0
for d in ''.join(str(ord(c) - 55) if c.isalpha() else c for c in ward) + '%06d' % serial: p = int(T[p][int(d)])
print('%s-%s-%06d-%d' % (pre, ward, serial, p))"; }
P1=$(echo $PIDS | cut -d' ' -f1)

# ---- a second scan opens the entry; the Enter of the scan writes nothing -----------------------------------------
N1=$(pyn DT 3A 1)
req again "${NU[@]}" -G --data-urlencode "number=$N1" "$U/backentry/register"
expect_status 200 "scanning a registered number"
expect_body again "id=\"existing\" data-number=\"$N1\"" "a second scan opens the entry"
expect_no_body again 'id="register-form"' "… and offers no second registration"
NEW=$(pyn DT 3A 1001)
req new "${NU[@]}" -G --data-urlencode "number=$NEW" "$U/backentry/register"
expect_status 200 "scanning a new number"
expect_body new "id=\"register-form\" data-number=\"$NEW\"" "a new number opens the register form"
expect_body new 'name="kind" value="prescription" class="kind">処方' "the kind buttons (処方 …)"
CHECKS=$((CHECKS + 1))
python3 - "$T/new.b" <<'PY' || fail "the first submit button of the register form is 確認 (the scanner's Enter)"
import re, sys
page = open(sys.argv[1]).read()
form = page[page.index('id="register-form"'):]
first = re.search(r'<button type="submit"[^>]*>', form).group(0)
assert 'name="check"' in first, first
PY
before=$(entries)
req enter "${NU[@]}" --data-urlencode "csrf=$NC" --data-urlencode "number=$NEW" --data-urlencode "patient=$P1" \
	--data-urlencode "check=1" "$U/backentry/register"
expect_status 200 "the wristband's Enter (確認)"
expect_body enter 'class="idband' "the check shows the patient"
req enter2 "${NU[@]}" --data-urlencode "csrf=$NC" --data-urlencode "number=$NEW" --data-urlencode "patient=$P1" \
	"$U/backentry/register"
expect_status 200 "a POST without a kind"
CHECKS=$((CHECKS + 1))
[ "$(entries)" = "$before" ] || fail "a check or a POST without a kind wrote something"
req reg "${NU[@]}" --data-urlencode "csrf=$NC" --data-urlencode "number=$NEW" --data-urlencode "patient=$P1" \
	--data-urlencode "kind=lab" --data-urlencode "author=看護師 佐藤" --data-urlencode "serial=F-0001" "$U/backentry/register"
expect_status 303 "registering the new number"
expect_header reg "^Location: /backentry/register\?number=$NEW&registered=[0-9]+" "303 to the entry"
req regv "${NU[@]}" "$U$(sed -n 's/^Location: \([^\r]*\).*/\1/p' "$T/reg.h")"
expect_body regv 'id="registered"' "the entry page says it is registered"
expect_body regv 'data-kind="lab">検査' "… as 検査"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$I" "SELECT kind || ' ' || patient || ' ' || registered_by || ' ' || form_serial FROM be_orders WHERE number = '$NEW'")" = "lab $P1 nurse1 F-0001" ] ||
	fail "the entry as registered, by the logged-in user"
req nocsrf "${NU[@]}" --data-urlencode "number=$(pyn DT 3A 1002)" --data-urlencode "patient=$P1" \
	--data-urlencode "kind=lab" --data-urlencode "author=x" "$U/backentry/register"
expect_status 403 "a POST without the CSRF token"

# ---- bad input: 400, one line in the reader's language, nothing written ------------------------------------------
bad() { # bad NAME NUMBER PATIENT PATTERN "what" [URL-SUFFIX]
	local before
	before=$(entries)
	req "$1" "${NU[@]}" --data-urlencode "csrf=$NC" --data-urlencode "number=$2" --data-urlencode "patient=$3" \
		--data-urlencode "kind=note" --data-urlencode "author=看護師 佐藤" "$U/backentry/register${6:-}"
	expect_status 400 "$5"
	expect_body "$1" "id=\"register-error\">$4" "$5: the message"
	CHECKS=$((CHECKS + 1))
	[ "$(grep -o 'id="register-error"' "$T/$1.b" | wc -l)" = 1 ] || fail "$5: one message"
	CHECKS=$((CHECKS + 1))
	[ "$(entries)" = "$before" ] || fail "$5: something was written"
}
GOOD=$(pyn DT 3A 1003)
WRONG="${GOOD%?}$(((${GOOD: -1} + 1) % 10))"
bad b1 "$WRONG" "$P1" "$WRONG のチェックディジットが合いません" "a wrong check digit"
bad b1e "$WRONG" "$P1" "The check digit of $WRONG does not match" "a wrong check digit, in English" "?lang=en"
bad b2 "$(pyn DT 3A 1500)" "$P1" "$(pyn DT 3A 1500) は払い出されていない番号です" "a number never allocated"
bad b2e "$(pyn DT 5C 1)" "$P1" "$(pyn DT 5C 1) was never allocated" "a ward never allocated, in English" "?lang=en"
bad b3 "$GOOD" "NOSUCH-PATIENT" "患者 NOSUCH-PATIENT は端末のデータにいません" "an unknown patient"
bad b3e "$GOOD" "NOSUCH-PATIENT" "No patient NOSUCH-PATIENT in the station" "an unknown patient, in English" "?lang=en"
bad b4 "$GOOD" "$(pyn DP 3A 99)" "$(pyn DP 3A 99) は払い出されていない番号です" "a downtime patient number never allocated"
bad b5 "hello" "$P1" "&#39;hello&#39; はオーダ番号ラベルではありません" "no number at all"
bad b6 "<script>" "$P1" "&#39;&lt;script&gt;&#39; はオーダ番号ラベルではありません" "markup in the number, escaped"
bad b7 $'DT\x01' "$P1" "受け付けられない文字" "a control character"
req b8 "${NU[@]}" -G --data-urlencode "number=$WRONG" "$U/backentry/register"
expect_status 400 "scanning a wrong check digit"

# ---- the worklist -------------------------------------------------------------------------------------------------
RC=(-b "$T/rec")
req wl0 "${NU[@]}" "$U/backentry/backlog"
expect_status 403 "a nurse opens the worklist"
req wl1 "${RC[@]}" "$U/backentry/backlog?ward=3A"
expect_status 200 "the worklist"
CHECKS=$((CHECKS + 1))
[ "$(grep -o '<tr data-number=' "$T/wl1.b" | wc -l)" = 100 ] || fail "a page of 100"
expect_body wl1 'id="next-page"' "a link to the next page"
next=$(grep -o 'id="next-page"' -B0 "$T/wl1.b" >/dev/null; sed -n 's/.*<a href="\([^"]*\)" id="next-page".*/\1/p' "$T/wl1.b" | sed 's/&amp;/\&/g')
last1=$(grep -o '<tr data-number="[^"]*"' "$T/wl1.b" | tail -1 | cut -d'"' -f2)
req wl2 "${RC[@]}" "$U$next"
expect_status 200 "the next page"
first2=$(grep -o '<tr data-number="[^"]*"' "$T/wl2.b" | head -1 | cut -d'"' -f2)
CHECKS=$((CHECKS + 1))
[[ "$first2" > "$last1" ]] || fail "the next page goes on after $last1 (got $first2)"
req wl3 "${RC[@]}" "$U/backentry/backlog?ward=3A&kind=lab&missing=billed"
expect_status 200 "the worklist filtered by kind and step"
CHECKS=$((CHECKS + 1))
labs=$(grep -o '<tr data-number="[^"]*"' "$T/wl3.b" | cut -d'"' -f2)
[ "$(echo "$labs" | wc -l)" = 91 ] || fail "91 lab entries on 3A (90 of the nurses and one), got $(echo "$labs" | wc -l)"
CHECKS=$((CHECKS + 1))
[ "$(grep -o 'data-kind="[a-z]*"' "$T/wl3.b" | sort -u)" = 'data-kind="lab"' ] || fail "only lab entries"
req wl4 "${RC[@]}" "$U/backentry/backlog?ward=4B"
expect_body wl4 'id="backlog-empty"' "nothing outstanding on 4B"
req wl5 "${RC[@]}" "$U/backentry/backlog?kind=nosuch"
expect_status 400 "an unknown kind"
RCC=$(csrf_of wl3)
mark() { # mark NAME STEP [ARGS…]: the 91 lab entries
	local name=$1 step=$2
	shift 2
	local args=()
	for n in $labs; do args+=(--data-urlencode "n=$n"); done
	req "$name" "${RC[@]}" --data-urlencode "csrf=$RCC" --data-urlencode "ward=3A" --data-urlencode "kind=lab" \
		"${args[@]}" --data-urlencode "mark=$step" "$@" "$U/backentry/backlog/mark"
}
before=$(entries)
req mn "${NU[@]}" --data-urlencode "csrf=$NC" --data-urlencode "n=$N1" --data-urlencode "mark=entered" "$U/backentry/backlog/mark"
expect_status 403 "a nurse marks a step"
mark m0 waive --data-urlencode "waive_step=billed"
expect_status 400 "a waiver without a reason"
expect_body m0 'id="mark-error">省略には理由が必要です' "a waiver needs a reason"
req m1 "${RC[@]}" --data-urlencode "csrf=$RCC" --data-urlencode "n=$N1" --data-urlencode "n=$WRONG" --data-urlencode "mark=entered" "$U/backentry/backlog/mark"
expect_status 400 "a bad number among the ticked"
CHECKS=$((CHECKS + 1))
[ "$(entries)" = "$before" ] || fail "refused marks wrote something"
mark m2 entered
expect_status 303 "mark entered"
expect_header m2 "^Location: /backentry/backlog\?ward=3A&kind=lab&marked=91" "back to the filtered list"
mark m3 scanned
expect_status 303 "mark scanned"
req wl6 "${RC[@]}" "$U/backentry/backlog?ward=3A&kind=lab"
CHECKS=$((CHECKS + 1))
[ "$(grep -o 'class="step done" data-step="scanned"' "$T/wl6.b" | wc -l)" = 91 ] || fail "the list shows scanned done"
mark m4 waive --data-urlencode "waive_step=billed" --data-urlencode "reason=自費・請求対象外"
expect_status 303 "waive billed with a reason"
req wl7 "${RC[@]}" "$U/backentry/backlog?ward=3A&kind=lab"
expect_body wl7 'id="backlog-empty"' "the marked entries closed and left the list"
CHECKS=$((CHECKS + 1))
[ "$(entries)" = $((before + 3)) ] || fail "three marks, three timeline entries"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$I" "SELECT count(*) FROM be_steps WHERE who = 'rec1' AND step = 'billed' AND waived = '自費・請求対象外'")" = 91 ] ||
	fail "the waiver is recorded with the logged-in user and the reason"
run "$LIFEBOAT" incident backlog --incident "$I" --kind lab --json
expect_rc 0 "incident backlog --kind lab"
CHECKS=$((CHECKS + 1))
python3 -c "import json,sys; v=json.load(open(sys.argv[1])); assert v == [] or v.get('entries', v) == [], v" "$T/out" ||
	fail "the CLI's backlog has no lab entry left: $(head -c 300 "$T/out")"
run "$LIFEBOAT" incident verify --incident "$I"
expect_rc 0 "incident verify after the marks"

# ---- the access log --------------------------------------------------------------------------------------------------
run "$LIFEBOAT" station audit --db "$DB" --json
python3 - "$T/out" <<'PY' || fail "the access log of the back-entry pages"
import json, sys
rows = [e for e in json.load(open(sys.argv[1])) if e["action"] == "backentry"]
details = [e["detail"] for e in rows]
assert sum(d.startswith("order ") for d in details) == 901, sum(d.startswith("order ") for d in details)
assert any(d.startswith("refused") and "number" in d for d in details), details[-20:]
assert any(d.startswith("mark waived billed 91") for d in details), details[-5:]
assert any(e["user"] == "rec1" and e["detail"].startswith("backlog ward=3A") for e in rows)
PY
CHECKS=$((CHECKS + 1))

# ---- the board's burn-down and the printed report --------------------------------------------------------------------
HQ=(-b "$T/hq")
# a history of days: 300 open entries registered three days ago (be_backlog is the derived worklist, not the chain)
sqlite3 "$I" "UPDATE be_backlog SET registered_ms = registered_ms - 3 * 86400000 WHERE number IN
	(SELECT number FROM be_backlog WHERE done = 0 ORDER BY number LIMIT 300)"
req board "${HQ[@]}" "$U/incident"
expect_status 200 "the board"
expect_body board '<svg xmlns="http://www.w3.org/2000/svg" id="burndown-chart"' "the burn-down as inline SVG"
CHECKS=$((CHECKS + 1))
bars=$(grep -o '<rect class="day" data-outstanding="[0-9]*"' "$T/board.b" | cut -d'"' -f4 | tr '\n' ' ')
[ "$bars" = "300 300 300 810 " ] || fail "a bar a day: 300 open for three days, then 901 registered less 91 closed today: $bars"
expect_body board 'id="burndown-now">現在の未完了: <b>810</b>' "the outstanding count now"
req wlh "${HQ[@]}" "$U/backentry/backlog"
expect_status 200 "hq looks at the worklist"
expect_no_body wlh 'id="mark-form"' "… but gets no mark form"
stop_server
run "$LIFEBOAT" incident declare --incident "$I" --title "電子カルテ停止" --drill
expect_rc 0 "declare"
run "$LIFEBOAT" incident report --incident "$I" --kind mhlw --pdf "$T/report.pdf"
expect_rc 0 "the report with its PDF"
if command -v pdftotext >/dev/null; then
	pdftotext "$T/report.pdf" "$T/report.txt"
	CHECKS=$((CHECKS + 1))
	grep -q "遡及入力の未完了件数" "$T/report.txt" || fail "the report PDF has the burn-down"
	grep -qE "現在の未完了件数( \(outstanding now\))?: 810" "$T/report.txt" || fail "the report PDF says how many are outstanding: $(grep -A2 遡及 "$T/report.txt")"
fi
finish
