#!/usr/bin/env bash
# station_lockout.sh - nobody on the LAN can lock staff out (issue 13): wrong passwords for nurse1 from 127.0.0.2
# lock nurse1 at 127.0.0.2 only (nurse1 still logs in from 127.0.0.1), `lifeboat user unlock` clears the lock, an
# account failed on from many addresses is slowed down (Retry-After) but not for the addresses its user logs in
# from, and every step is in the audit trail; Japanese and English messages. `user list` shows each account's locks
# (where, until when, how many failures); an address the user logs in from (a shared ward PC) is spared the
# back-off only: five wrong passwords typed there still lock the account there.
. "$LB_SRC/tests/integration/lib.bash"
set -e
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
. "$LB_SRC/tests/integration/station_lib.bash"

run "$LIFEBOAT" synth --out "$T/h" --patients 10 --seed 11
expect_rc 0 "synth"
DB="$T/clinical.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2"
CHECKS=$((CHECKS + 1))
[ "$RC" -le 1 ] || fail "ingest: exit $RC: $(head -c 300 "$T/err")"
PW='correct horse battery'
for u in nurse1 nurse2; do
	run "$LIFEBOAT" user add --db "$DB" --name "$u" --role nurse <<<"$PW"
	expect_rc 0 "user add $u"
done

# login_from ADDRESS JAR USER PASSWORD: the real form, from a loopback address of our choice (Linux routes
# 127.0.0.0/8 to lo); status in $STATUS, page in $T/login.b, headers in $T/login.h.
login_from() {
	rm -f "$2"
	req loginform --interface "$1" -c "$2" -b "$2" "$U/login" || true
	local c
	c=$(csrf_of loginform)
	req login --interface "$1" -c "$2" -b "$2" --data-urlencode "csrf=$c" --data-urlencode "username=$3" \
		--data-urlencode "password=$4" "$U/login" || true
}

start_server
# ---- five wrong passwords from 127.0.0.2 lock nurse1 there, and only there --------------------------------------
for i in 1 2 3 4 5; do
	login_from 127.0.0.2 "$T/jarB" nurse1 "wrong password $i"
	expect_status 401 "wrong password $i from 127.0.0.2"
done
login_from 127.0.0.2 "$T/jarB" nurse1 "$PW"
expect_status 429 "nurse1 is locked at 127.0.0.2 after 5 failures there, even with the right password"
expect_body login 'このコンピューターからのパスワード誤りが多すぎる' "the lock says why, in Japanese"
expect_body login '最大 15 分間' "… and for how long"
CHECKS=$((CHECKS + 1))
! grep -qi 'set-cookie: lb_session=[0-9a-f]' "$T/login.h" || fail "a locked login got a session"
login_from 127.0.0.1 "$T/jarA" nurse1 "$PW"
expect_status 303 "nurse1 logs in from 127.0.0.1 while 127.0.0.2 is locked out"
login_from 127.0.0.2 "$T/jarC" nurse2 "$PW"
expect_status 303 "another user logs in from 127.0.0.2"
login_from 127.0.0.2 "$T/jarE" nurse1 "$PW"
expect_status 429 "still locked at 127.0.0.2"
rm -f "$T/jarE"
req loginform --interface 127.0.0.2 -c "$T/jarE" -b "$T/jarE" "$U/login?lang=en" || true
C=$(csrf_of loginform)
req login --interface 127.0.0.2 -c "$T/jarE" -b "$T/jarE" --data-urlencode "csrf=$C" --data-urlencode "username=nurse1" \
	--data-urlencode "password=$PW" "$U/login" || true
expect_status 429 "still locked at 127.0.0.2 (English page)"
expect_body login 'Too many wrong passwords for this account from this computer' "the lock says why, in English"

# ---- user list shows the locks ------------------------------------------------------------------------------------
run "$LIFEBOAT" user list --db "$DB"
expect_rc 0 "user list"
expect_out '^nurse1 .* LOCKED at 127\.0\.0\.2 until [0-9/]+ [0-9:]+ \(5 failures\)' "user list: nurse1 is locked at 127.0.0.2, until when"
expect_out '^nurse2 .* not locked$' "user list: nurse2 is not locked"
LIFEBOAT_LANG=ja run "$LIFEBOAT" user list --db "$DB"
expect_out '127\.0\.0\.2 でロック中 .* まで \(失敗 5 回\)' "user list in Japanese"
run "$LIFEBOAT" user list --db "$DB" --json
python3 - "$T/out" <<'PY' || fail "user list --json: $(cat "$T/out")"
import json, sys, datetime
u = {x["name"]: x for x in json.load(open(sys.argv[1]))}
n1 = u["nurse1"]
assert n1["locked"] and n1["failures"] == 5 and n1["failure_addresses"] == 1 and n1["backoff_until"] is None, n1
assert [l["address"] for l in n1["locked_at"]] == ["127.0.0.2"] and n1["locked_at"][0]["failures"] == 5, n1
until = datetime.datetime.strptime(n1["locked_at"][0]["until"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
left = (until - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
assert 0 < left <= 15 * 60, left
assert not u["nurse2"]["locked"] and u["nurse2"]["locked_at"] == [], u["nurse2"]
PY
CHECKS=$((CHECKS + 1))

# ---- user unlock ---------------------------------------------------------------------------------------------------
run "$LIFEBOAT" user unlock --db "$DB" --name nobody
expect_rc 2 "unlock of a user that does not exist"
expect_one_line_err "unlock of a user that does not exist"
run "$LIFEBOAT" user unlock --db "$DB"
expect_rc 2 "unlock without a name or an address"
run "$LIFEBOAT" user unlock --db "$DB" --name nurse1
expect_rc 0 "user unlock nurse1"
expect_err 'unlocked nurse1: 5 failed logins' "unlock says what it cleared"
expect_err '127\.0\.0\.2' "… and from where"
login_from 127.0.0.2 "$T/jarB" nurse1 "$PW"
expect_status 303 "nurse1 logs in from 127.0.0.2 after the unlock"
run "$LIFEBOAT" user list --db "$DB"
expect_out '^nurse1 .* not locked' "user list: not locked after the unlock"
LIFEBOAT_LANG=ja run "$LIFEBOAT" user unlock --db "$DB" --address 127.0.0.2
expect_rc 0 "user unlock --address"
expect_err 'ロックを解除しました' "unlock speaks Japanese"

# ---- an address that tries many names is locked for all of them (20 = 4 x 5) ------------------------------------
for i in $(seq 1 20); do
	login_from 127.0.0.4 "$T/jarD" "guess$i" "wrong"
done
login_from 127.0.0.4 "$T/jarD" nurse2 "$PW"
expect_status 429 "an address with 20 failures of any names is locked"
expect_body login 'ここからのログインは最大' "the address lock says so"
run "$LIFEBOAT" user unlock --db "$DB" --address 127.0.0.4
expect_rc 0 "unlock the address"
login_from 127.0.0.4 "$T/jarD" nurse2 "$PW"
expect_status 303 "the address is open again after its unlock"
stop_server

# ---- the account's back-off: failures from many addresses slow new addresses down, not the user's own -------------
# 30 recent failures of nurse1 from 30 addresses (written into the trail as the station writes them; making them
# through HTTP would take the back-off's own minutes): a new address waits 60 s, 127.0.0.1 (where nurse1 logged in
# above) is not slowed
NOW=$(python3 -c 'import time; print(int(time.time() * 1000))')
for i in $(seq 1 30); do
	echo "INSERT INTO audit(time, ms, user, action, page, address) VALUES('t', $NOW, 'nurse1', 'login-failed', '/login', '10.9.0.$i');"
done | sqlite3 "$DB.station"
start_server
login_from 127.0.0.9 "$T/jarF" nurse1 "$PW"
expect_status 429 "a new address is slowed down after 30 failures of nurse1 from 30 addresses"
expect_header login '^retry-after: [0-9]+' "the back-off sends Retry-After"
expect_body login '秒待ってからもう一度' "the back-off says to wait"
login_from 127.0.0.1 "$T/jarA" nurse1 "$PW"
expect_status 303 "nurse1 logs in from her own address during the back-off"
run "$LIFEBOAT" user unlock --db "$DB" --name nurse1
expect_rc 0 "unlock clears the back-off"
login_from 127.0.0.9 "$T/jarF" nurse1 "$PW"
expect_status 303 "the new address logs in after the unlock"
stop_server

# ---- a known address (a shared ward PC) still gets the per-account lock -----------------------------------------
# 127.0.0.1 is nurse1's own address (she logged in from it above): it is spared the account's back-off only. Five
# wrong passwords for nurse1 typed there (someone else at the shared PC) lock nurse1 there like anywhere else.
start_server
for i in 1 2 3 4 5; do
	login_from 127.0.0.1 "$T/jarA" nurse1 "guess at the ward PC $i"
	expect_status 401 "wrong password $i at nurse1's own PC"
done
login_from 127.0.0.1 "$T/jarA" nurse1 "$PW"
expect_status 429 "nurse1 is locked at her own PC after 5 failures there (a known address is no exemption)"
login_from 127.0.0.1 "$T/jarG" nurse2 "$PW"
expect_status 303 "another user still logs in at that PC"
run "$LIFEBOAT" user list --db "$DB"
expect_out '^nurse1 .* LOCKED at 127\.0\.0\.1 until' "user list names the known address's lock"
run "$LIFEBOAT" user unlock --db "$DB" --name nurse1 --address 127.0.0.1
expect_rc 0 "unlock nurse1 at 127.0.0.1"
login_from 127.0.0.1 "$T/jarA" nurse1 "$PW"
expect_status 303 "nurse1 logs in at her PC after the unlock"
stop_server

# ---- the trail ---------------------------------------------------------------------------------------------------
run "$LIFEBOAT" station audit --db "$DB" --json
expect_rc 0 "station audit"
python3 - "$T/out" <<'EOF' || fail "audit trail: $(head -c 800 "$T/out")"
import json, sys
a = json.load(open(sys.argv[1]))
def has(**kw):
    return any(all(e.get(k) == v for k, v in kw.items()) for e in a)
assert has(user="nurse1", action="login-locked", address="127.0.0.2", detail="locked for this address: 5 failures in the window")
assert has(user="nurse1", action="login-failed", address="127.0.0.2", detail="now locked for this address")
assert has(user="nurse1", action="unlock", address=None), "unlock of nurse1"
assert any(e["action"] == "unlock" and e["user"] == "" and e["address"] == "127.0.0.2" for e in a), "unlock of an address"
assert any(e["action"] == "unlock" and (e["detail"] or "").startswith("by ") for e in a), "who unlocked"
assert any(e["action"] == "login-locked" and e["address"] == "127.0.0.4" and (e["detail"] or "").startswith("address locked") for e in a)
assert any(e["action"] == "login-delayed" and e["address"] == "127.0.0.9" and "30 failures from 30 addresses" in (e["detail"] or "") for e in a)
EOF
finish
