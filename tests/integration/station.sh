#!/usr/bin/env bash
# The downtime station over real HTTP on a synthetic hospital (200 patients) plus a hostile FHIR feed: no data
# without a session, escaping everywhere, kana-folded search, same-name badges, the audit trail of every view,
# lockout, CSRF, size caps, idle timeout, clean shutdown, and the user and station audit commands.
. "$LB_SRC/tests/integration/lib.bash"
set -e
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

. "$LB_SRC/tests/integration/station_lib.bash"

# ---- a synthetic hospital and a hostile feed ----------------------------------------------------------------------
run "$LIFEBOAT" synth --out "$T/h" --patients 200 --seed 7
expect_rc 0 "synth"
mkdir "$T/fhir"
cp "$T"/h/fhir/*.ndjson "$T/fhir/"
name() { # name ID FAMILY GIVEN FAMILY_KANA GIVEN_KANA BIRTH SEX
	printf '{"resourceType":"Patient","id":"%s","name":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"IDE"}],"use":"official","family":"%s","given":["%s"]},{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"SYL"}],"use":"official","family":"%s","given":["%s"]}],"telecom":[{"system":"phone","value":"090-0000-%s","use":"mobile"}],"gender":"%s","birthDate":"%s","address":[{"use":"home","text":"<b>bold</b> 静岡市","postalCode":"420-0000"}]}\n' \
		"$1" "$2" "$3" "$4" "$5" "${1: -4}" "$7" "$6"
}
admit() { # admit ID WARD ROOM BED
	printf '{"resourceType":"Encounter","id":"V%s","status":"in-progress","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"serviceType":{"text":"内科"},"subject":{"reference":"Patient/%s"},"period":{"start":"2026-11-20T10:00:00+09:00"},"location":[{"location":{"display":"%s"},"status":"active","physicalType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/location-physical-type","code":"wa"}]}},{"location":{"display":"%s"},"status":"active","physicalType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/location-physical-type","code":"ro"}]}},{"location":{"display":"%s"},"status":"active","physicalType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/location-physical-type","code":"bd"}]}}]}\n' \
		"$1" "$1" "$2" "$3" "$4"
}
XSS='<script>alert(1)</script>'
{
	name 9999000001 "$XSS" "$XSS" 'スクリプト' 'タロウ' 1970-01-01 male
	name 9999000002 同名 太郎 ドウメイ タロウ 1950-02-02 male
	name 9999000003 同名 太郎 ドウメイ タロウ 1960-03-03 male
	name 9999000004 鈴木 一郎 スズキ イチロウ 1940-04-04 male
	name 9999000005 鈴木 花子 スズキ ハナコ 1945-05-05 female
	admit 9999000001 9Z 901 1
	admit 9999000004 9Z 902 1
	admit 9999000005 9Z 902 2
	printf '{"resourceType":"AllergyIntolerance","id":"9999000001-AL1","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":{"text":"%s"},"patient":{"reference":"Patient/9999000001"},"recordedDate":"2020-01-01","reaction":[{"manifestation":[{"text":"%s"}],"severity":"severe"}]}\n' "$XSS" "$XSS"
	printf '{"resourceType":"Appointment","id":"A9999000001","status":"booked","serviceCategory":[{"text":"内科"}],"appointmentType":{"text":"再診"},"start":"2026-12-21T09:00:00+09:00","comment":"%s","participant":[{"actor":{"reference":"Patient/9999000001"},"status":"accepted"},{"actor":{"display":"医師 一"},"status":"accepted"}]}\n' "$XSS"
} >"$T/fhir/zz-hostile.ndjson"
DB="$T/clinical.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --fhir "$T/fhir" --appointments "$T/h/appointments.csv" --drugs "$T/h/drugs.csv"
CHECKS=$((CHECKS + 1))
[ "$RC" -le 1 ] || fail "ingest: exit $RC: $(head -c 300 "$T/err")"
run "$LIFEBOAT" patient --db "$DB" --id 9999000001 --json
expect_rc 0 "the hostile patient is in the store"

# ---- users ------------------------------------------------------------------------------------------------------
PW='correct horse battery'
run "$LIFEBOAT" user add --db "$DB" --name nurse1 --role nurse <<<"$PW"
expect_rc 0 "user add"
run "$LIFEBOAT" user add --db "$DB" --name nurse1 --role nurse <<<"$PW"
expect_rc 2 "user add twice"
expect_one_line_err "user add twice"
run "$LIFEBOAT" user add --db "$DB" --name x --role surgeon <<<"$PW"
expect_rc 2 "user add with an unknown role"
expect_one_line_err "unknown role"
run "$LIFEBOAT" user add --db "$DB" --name lockme --role clerk <<<"$PW"
expect_rc 0 "user add lockme"
run "$LIFEBOAT" user add --db "$DB" --name gone --role doctor <<<"$PW"
expect_rc 0 "user add gone"
run "$LIFEBOAT" user list --db "$DB" --json
expect_rc 0 "user list"
python3 -c 'import json,sys; u={x["name"]:x["role"] for x in json.load(open(sys.argv[1]))}; assert u=={"nurse1":"nurse","lockme":"clerk","gone":"doctor"}, u' "$T/out" ||
	fail "user list --json: $(cat "$T/out")"
CHECKS=$((CHECKS + 1))
! grep -q "$PW" "$DB.station" || fail "the password is stored in clear"
grep -q '\$argon2id\$' "$DB.station" || fail "the password hash is not Argon2id"

# A station killed mid-print left its private print folder (it may hold patients' PDFs): the next start removes
# this user's leftovers whose process is gone, and leaves a live process's folder, links and other names alone.
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR/lifeboat-print-999999999-aB3xYz" "$TMPDIR/lifeboat-print-$$-QwErTy" "$TMPDIR/keep"
echo '%PDF' >"$TMPDIR/lifeboat-print-999999999-aB3xYz/part.pdf"
echo '%PDF' >"$TMPDIR/keep/part.pdf"
ln -s "$TMPDIR/keep" "$TMPDIR/lifeboat-print-999999998-LiNkEd"
start_server
CHECKS=$((CHECKS + 1))
[ ! -e "$TMPDIR/lifeboat-print-999999999-aB3xYz" ] || fail "the dead station's print folder is still there"
CHECKS=$((CHECKS + 1))
[ -d "$TMPDIR/lifeboat-print-$$-QwErTy" ] && [ -L "$TMPDIR/lifeboat-print-999999998-LiNkEd" ] &&
	[ -f "$TMPDIR/keep/part.pdf" ] || fail "the sweep removed what is not a dead station's print folder"
rm -r "$TMPDIR/lifeboat-print-$$-QwErTy" "$TMPDIR/lifeboat-print-999999998-LiNkEd"

# ---- no session, no data ----------------------------------------------------------------------------------------
req health "$U/healthz"
expect_status 200 "/healthz without login"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["patients"]==205 and d["as_of"] and d["as_of_unknown"] is False and "generation" in d, d' "$T/health.b" ||
	fail "/healthz JSON: $(cat "$T/health.b")"
for path in /patient/9999000002 "/search?q=%E5%90%8C%E5%90%8D" "/census?ward=9Z" "/appointments?date=2026-12-21" \
	"/appointments?date=2026-12-21&format=csv" /patient/9999000001; do
	req anon "$U$path"
	CHECKS=$((CHECKS + 1))
	case "$STATUS" in 302 | 401 | 403) ;; *) fail "$path without a session: HTTP $STATUS" ;; esac
	expect_no_body anon '同名|ドウメイ|alert|スズキ|090-' "$path without a session shows no patient data"
done
expect_header anon '^location: /login' "redirect to the login page"

# ---- login: CSRF, wrong password, size cap ----------------------------------------------------------------------
req loginform -c "$T/jar0" "$U/login"
expect_status 200 "login page"
expect_header loginform 'set-cookie: lb_pre=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict' "pre-login CSRF cookie"
req nocsrf -b "$T/jar0" --data-urlencode username=nurse1 --data-urlencode "password=$PW" "$U/login"
expect_status 403 "login without the CSRF token is refused"
expect_no_body nocsrf 'lb_session' "no session without CSRF"
CHECKS=$((CHECKS + 1))
! grep -qi 'set-cookie: lb_session=[0-9a-f]' "$T/nocsrf.h" || fail "a session was set without CSRF"
login "$T/jarbad" nurse1 'wrong password!'
expect_status 401 "wrong password"
CHECKS=$((CHECKS + 1))
! grep -qi 'set-cookie: lb_session=[0-9a-f]' "$T/login.h" || fail "a session was set after a wrong password"
req afterbad -b "$T/jarbad" "$U/patient/9999000002"
CHECKS=$((CHECKS + 1))
case "$STATUS" in 302 | 401 | 403) ;; *) fail "patient page after a wrong password: HTTP $STATUS" ;; esac
expect_no_body afterbad '同名|ドウメイ' "no patient data after a wrong password"
head -c 20000 /dev/zero | tr '\0' a >"$T/big"
req big --data-binary @"$T/big" "$U/login"
expect_status 413 "a body over the cap is refused"

# next= brings the user back to a page of ours, never elsewhere (no open redirect).
for next in '//evil.example/x' 'https://evil.example/' '/\evil' '/search%0d%0aSet-Cookie:x=1'; do
	rm -f "$T/jarN"
	req loginform -c "$T/jarN" "$U/login"
	c=$(csrf_of loginform)
	req nextbad -b "$T/jarN" --data-urlencode "csrf=$c" --data-urlencode username=nurse1 --data-urlencode "password=$PW" \
		"$U/login?next=$next"
	expect_status 303 "login with next=$next"
	expect_header nextbad '^location: /search.$' "next=$next is not followed"
done
rm -f "$T/jarN"
req loginform -c "$T/jarN" "$U/login"
c=$(csrf_of loginform)
req nextok -b "$T/jarN" --data-urlencode "csrf=$c" --data-urlencode username=nurse1 --data-urlencode "password=$PW" \
	"$U/login?next=%2Fpatient%2F9999000002"
expect_header nextok '^location: /patient/9999000002.$' "next= returns to the patient page asked for"
req census_anon "$U/census?ward=9Z"
expect_header census_anon '^location: /login\?next=%2Fcensus%3Fward%3D9Z.$' "the login page is told the page and its query"
rm -f "$T/jarN"
req loginform -c "$T/jarN" "$U/login"
c=$(csrf_of loginform)
req nextq -b "$T/jarN" --data-urlencode "csrf=$c" --data-urlencode username=nurse1 --data-urlencode "password=$PW" \
	"$U/login?next=%2Fcensus%3Fward%3D9Z"
expect_header nextq '^location: /census\?ward=9Z.$' "after login, back to the ward asked for"

login "$T/jar" nurse1 "$PW"
expect_status 303 "login"
expect_header login 'set-cookie: lb_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict' "session cookie flags"
expect_header login '^location: /search' "login goes to search"

# ---- headers ----------------------------------------------------------------------------------------------------
req p2 -b "$T/jar" "$U/patient/9999000002"
expect_status 200 "patient page"
expect_header p2 "^content-security-policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'" "CSP"
expect_header p2 '^x-frame-options: DENY' "X-Frame-Options"
expect_header p2 '^x-content-type-options: nosniff' "nosniff"
expect_header p2 '^referrer-policy: no-referrer' "Referrer-Policy"
expect_header p2 '^cache-control: no-store' "no caching of patient pages"
expect_body p2 '同名 太郎' "patient name"
expect_body p2 '同姓同名' "same-name badge on the patient page"
expect_body p2 'class="same-name-list"><li><a href="/patient/9999000003">9999000003</a> 同名 太郎 .*1960-03-03' \
	"the patient page lists the other patient of the same name with the birth date"
expect_body p2 '1950-02-02 <span class="era">\(昭和25年2月2日\)</span>' "birth date with era"
expect_body p2 'アレルギー情報なし' "no allergies is said explicitly"
CHECKS=$((CHECKS + 1))
grep -q '<script>' "$T/p2.b" && fail "inline script on a page" || true
expect_body p2 '<script src="/static/station.js" defer></script>' "the script is a file of ours"
req css "$U/static/station.css"
expect_status 200 "stylesheet"
expect_header css '^content-type: text/css' "stylesheet type"
expect_body css '@page' "print CSS for A4"

# ---- escaping everywhere ----------------------------------------------------------------------------------------
ESC='&lt;script&gt;alert\(1\)&lt;/script&gt;'
req x_search -b "$T/jar" "$U/search?q=9999000001"
expect_body x_search "$ESC" "search escapes the name"
expect_no_body x_search '<script>alert' "search has no raw script"
req x_patient -b "$T/jar" "$U/patient/9999000001"
expect_status 200 "hostile patient page"
expect_body x_patient "$ESC" "patient page escapes the name"
expect_body x_patient '&lt;b&gt;bold&lt;/b&gt;' "patient page escapes the address"
expect_no_body x_patient '<script>alert|<b>bold' "patient page has no raw markup from data"
expect_body x_patient 'class="allergy"' "allergy section"
req x_census -b "$T/jar" "$U/census?ward=9Z"
expect_status 200 "census"
expect_body x_census "$ESC" "census escapes the name"
expect_no_body x_census '<script>alert' "census has no raw script"
expect_body x_census 'アレルギー有' "allergy mark in the census"
req x_appts -b "$T/jar" "$U/appointments?date=2026-12-21&dept=%E5%86%85%E7%A7%91"
expect_status 200 "appointments"
expect_body x_appts "$ESC" "appointments escape name and note"
expect_no_body x_appts '<script>alert' "appointments have no raw script"
req x_search2 -b "$T/jar" "$U/search?q=%3Cscript%3E%22%27"
expect_status 200 "search for markup"
expect_body x_search2 'value="&lt;script&gt;&quot;&#39;"' "the query is escaped in the form"
req x_bad -b "$T/jar" "$U/search?q=%FF%FE"
expect_no_body x_bad $'\xff' "invalid UTF-8 in the query is not echoed"

# ---- kana folding and same-name badges ---------------------------------------------------------------------------
req k1 -b "$T/jar" "$U/search?q=%EF%BD%BB%EF%BE%84%EF%BD%B3"           # ｻﾄｳ
req k2 -b "$T/jar" "$U/search?q=%E3%81%95%E3%81%A8%E3%81%86"            # さとう
req k3 -b "$T/jar" "$U/search?q=%E3%82%B5%E3%83%88%E3%82%A6"            # サトウ
CHECKS=$((CHECKS + 1))
[ -n "$(ids_of k1)" ] || fail "ｻﾄｳ finds nobody"
[ "$(ids_of k1)" = "$(ids_of k2)" ] && [ "$(ids_of k2)" = "$(ids_of k3)" ] ||
	fail "ｻﾄｳ, さとう and サトウ differ: [$(ids_of k1)] [$(ids_of k2)] [$(ids_of k3)]"
req same -b "$T/jar" "$U/search?q=%E5%90%8C%E5%90%8D%20%E5%A4%AA%E9%83%8E"   # 同名 太郎
CHECKS=$((CHECKS + 1))
[ "$(grep -o 'badge same-name' "$T/same.b" | wc -l)" -eq 2 ] || fail "both 同名 太郎 carry the same-name badge"
expect_body same '同姓同名 &times;2' "the badge says how many"
req uniq -b "$T/jar" "$U/search?q=9999000004"
expect_no_body uniq 'badge same-name' "no same-name badge on a unique name"
expect_body uniq 'badge same-surname' "same surname in the ward on search"
CHECKS=$((CHECKS + 1))
[ "$(grep -o 'badge same-surname' "$T/x_census.b" | wc -l)" -eq 2 ] || fail "census: both 鈴木 of ward 9Z carry 病棟内同姓"

# ---- CSV export -------------------------------------------------------------------------------------------------
req csv -b "$T/jar" "$U/appointments?date=2026-12-21&format=csv"
expect_status 200 "CSV export"
expect_header csv '^content-type: text/csv' "CSV type"
expect_header csv '^content-disposition: attachment; filename="appointments-2026-12-21.csv"' "CSV file name"
expect_body csv 'start,department,clinician,kind,status,patient_id,name,kana,birth_date,phone' "CSV header"
expect_body csv '"9999000001",.*"090-0000-0001"' "CSV has the phone number"
expect_body csv '"<script>alert\(1\)</script>' "CSV keeps the text as it is (not HTML)"
python3 -c '
import csv,sys
rows=list(csv.reader(open(sys.argv[1],encoding="utf-8-sig")))
assert len(rows)>2 and all(len(r)==13 for r in rows), rows[:3]
keys=[(r[0], r[5], r[1]) for r in rows[1:]]
assert len(keys)==len(set(keys)), "a booking is listed twice"
assert all(r[9] for r in rows[1:]), "a row without a phone"
' "$T/csv.b" || fail "CSV does not parse as 13 columns with phones"

# ---- print record, language, CSRF on logout ----------------------------------------------------------------------
C=$(sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)".*/\1/p' "$T/p2.b")
req pr -b "$T/jar" --data-urlencode "csrf=$C" --data-urlencode "page=/patient/9999000002" --data-urlencode "patient=9999000002" "$U/audit/print"
expect_status 204 "print is recorded"
req prbad -b "$T/jar" --data-urlencode "page=/x" "$U/audit/print"
expect_status 403 "print record without CSRF"
req en -b "$T/jar" "$U/search?lang=en"
expect_body en 'Patient search' "English pages"
expect_header en 'set-cookie: lb_lang=en' "language remembered"
req cross -b "$T/jar" -H 'Sec-Fetch-Site: cross-site' "$U/patient/9999000002"
expect_status 403 "cross-site requests are refused"
req lo_bad -b "$T/jar" -X POST "$U/logout"
expect_status 403 "logout without CSRF is refused"
req still -b "$T/jar" "$U/patient/9999000002"
expect_status 200 "the session survives a forged logout"

# ---- audit trail --------------------------------------------------------------------------------------------------
run "$LIFEBOAT" station audit --db "$DB" --json
expect_rc 0 "station audit"
python3 - "$T/out" <<'EOF' || fail "audit trail: $(head -c 600 "$T/out")"
import json, sys
a = json.load(open(sys.argv[1]))
def has(**kw):
    return any(all(e.get(k) == v for k, v in kw.items()) for e in a)
assert has(user="nurse1", action="login", address="127.0.0.1")
assert has(user="nurse1", action="login-failed")
assert has(action="denied", detail="csrf")
assert has(user="nurse1", action="view", patient="9999000002", page="/patient/9999000002")
assert has(user="nurse1", action="view", patient="9999000001")
assert has(user="nurse1", action="search", detail="9999000001")
assert has(user="nurse1", action="search", detail="ｻﾄｳ")
assert has(user="nurse1", action="census", detail="9Z")
assert has(user="nurse1", action="appointments")
assert has(user="nurse1", action="export", detail="2026-12-21 *")
assert has(user="nurse1", action="print", patient="9999000002")
assert all(e["time"].endswith("Z") for e in a)
EOF
run "$LIFEBOAT" station audit --db "$DB" --patient 9999000002
expect_rc 0 "station audit --patient"
expect_out 'view +9999000002' "audit by patient"
CHECKS=$((CHECKS + 1))
! grep -v 9999000002 "$T/out" | grep -q . || fail "audit --patient shows other patients"
CHECKS=$((CHECKS + 1))
if sqlite3 "$DB.station" "DELETE FROM audit" 2>/dev/null; then fail "audit rows can be deleted"; fi
if sqlite3 "$DB.station" "UPDATE audit SET user='x'" 2>/dev/null; then fail "audit rows can be changed"; fi

# The hash chain: intact, then broken by whoever drops the triggers and edits a copy.
run "$LIFEBOAT" station audit --db "$DB" --verify --json
expect_rc 0 "audit --verify"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["intact"] and d["entries"]>10 and len(d["head"])==64, d' "$T/out" ||
	fail "audit --verify --json: $(cat "$T/out")"
sqlite3 "$DB.station" ".backup '$T/copy.db.station'"
sqlite3 "$T/copy.db.station" "DROP TRIGGER audit_no_update; UPDATE audit SET patient='0000000000' WHERE action='view' AND patient='9999000002'"
run "$LIFEBOAT" station audit --db "$T/copy.db" --verify
expect_rc 1 "audit --verify finds an edited entry"
expect_out 'BROKEN at entry [0-9]+' "audit --verify names the entry"
sqlite3 "$DB.station" ".backup '$T/copy2.db.station'"
sqlite3 "$T/copy2.db.station" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = (SELECT min(id) FROM audit WHERE action='search')"
run "$LIFEBOAT" station audit --db "$T/copy2.db" --verify
expect_rc 1 "audit --verify finds a removed entry"
sqlite3 "$DB.station" ".backup '$T/copy3.db.station'"
sqlite3 "$T/copy3.db.station" "INSERT INTO audit(time, ms, user, action, page, chain) VALUES('2026-01-01T00:00:00.000Z', 0, 'ghost', 'view', '/x', 'forged')"
run "$LIFEBOAT" station audit --db "$T/copy3.db" --verify
expect_rc 1 "audit --verify finds a forged entry"

# ---- lockout ----------------------------------------------------------------------------------------------------
for i in 1 2 3 4 5; do
	login "$T/jarL" lockme "bad password $i"
done
login "$T/jarL" lockme "$PW"
expect_status 429 "locked out after 5 failures, even with the right password"
CHECKS=$((CHECKS + 1))
! grep -qi 'set-cookie: lb_session=[0-9a-f]' "$T/login.h" || fail "a locked account got a session"
run "$LIFEBOAT" station audit --db "$DB" --user lockme
expect_out 'login-locked' "lockout is audited"

# ---- user del ends sessions; logout ------------------------------------------------------------------------------
login "$T/jarG" gone "$PW"
expect_status 303 "login gone"
run "$LIFEBOAT" user del --db "$DB" --name gone
expect_rc 0 "user del"
req gone -b "$T/jarG" "$U/patient/9999000002"
expect_status 302 "a deleted user's session ends"
run "$LIFEBOAT" user del --db "$DB" --name gone
expect_rc 2 "user del of nobody"
req lo -b "$T/jar" --data-urlencode "csrf=$C" "$U/logout"
expect_status 303 "logout"
req after -b "$T/jar" "$U/patient/9999000002"
expect_status 302 "no data after logout"
expect_no_body after '同名' "no data after logout"

# ---- clean shutdown, idle timeout ---------------------------------------------------------------------------------
stop_server
start_server --idle 1s
login "$T/jarI" nurse1 "$PW"
expect_status 303 "login (idle test)"
sleep 2
req idle -b "$T/jarI" "$U/patient/9999000002"
expect_status 302 "the session ends after the idle timeout"
stop_server

# ---- lockout per address: many names tried from one address lock the address --------------------------------------
# (a fresh station file: the failures above are in the audit trail of the first one)
cp "$DB" "$T/lock.db"
run "$LIFEBOAT" user add --db "$T/lock.db" --name nurse1 --role nurse <<<"$PW"
expect_rc 0 "user add (lockout store)"
DB_MAIN=$DB
DB="$T/lock.db"
start_server --max-failures 1
for who in a1 a2 a3 a4; do
	login "$T/jarA" "$who" "guess $who"
	expect_status 401 "address lockout: failure $who"
done
login "$T/jarA" nurse1 "$PW"
expect_status 429 "an address with 4 x max-failures failures is locked, whoever logs in"
req m -X DELETE "$U/healthz"
expect_status 405 "only GET, HEAD and POST"
req nf -b "$T/jar" "$U/nothing-here"
expect_status 404 "unknown page"
stop_server
DB=$DB_MAIN

# ---- TLS: HTTPS, Secure cookies, HSTS ----------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 \
	>/dev/null 2>&1 || fail "openssl cannot make a test certificate"
start_server --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
CHECKS=$((CHECKS + 1))
case "$U" in https://*) ;; *) fail "--tls-cert does not serve HTTPS: $U" ;; esac
req tls -k "$U/healthz"
expect_status 200 "healthz over TLS"
expect_header tls '^strict-transport-security: max-age=' "HSTS under TLS"
login "$T/jarT" nurse1 "$PW"
expect_status 303 "login over TLS"
expect_header login 'set-cookie: lb_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict; Secure' "Secure session cookie"
CHECKS=$((CHECKS + 1))
curl -s --max-time 5 -o /dev/null "${U/https/http}/healthz" && fail "plain HTTP answered on the TLS port" || true
stop_server

run "$LIFEBOAT" station --db "$T/none.db" --listen 127.0.0.1:0
expect_rc 2 "station on a missing store"
expect_one_line_err "station on a missing store"
run "$LIFEBOAT" station --db "$DB"
expect_rc 2 "station without --listen"
finish
