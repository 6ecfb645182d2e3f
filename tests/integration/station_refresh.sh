#!/usr/bin/env bash
# station refresh: a new store swapped in under a running station without a failed request; the banner shows
# the new generation; users, sessions and the access log survive; a tree without patients is refused. Also the
# loud warning on stale data.
. "$LB_SRC/tests/integration/lib.bash"
set -e
. "$LB_SRC/tests/integration/station_lib.bash"
LOOP_PID=""
trap 'kill $LOOP_PID 2>/dev/null || true; if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; fi; wait 2>/dev/null; lb_cleanup' EXIT

DB="$T/clinical.db"
# The golden SS-MIX2 tree: a few patients, data from days ago (stale).
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$LB_SRC/tests/data/ssmix2/good"
CHECKS=$((CHECKS + 1))
[ "$RC" -le 1 ] || fail "ingest: exit $RC: $(cat "$T/err")"
PW='refresh test password'
run "$LIFEBOAT" user add --db "$DB" --name doc --role doctor <<<"$PW"
expect_rc 0 "user add"

start_server
login "$T/jar" doc "$PW"
expect_status 303 "login"

curl -s -b "$T/jar" "$U/search" >"$T/before"
CHECKS=$((CHECKS + 1))
grep -q 'class="stale">警告: このデータは [0-9]* 時間前' "$T/before" || fail "stale data has no loud warning: $(grep -o '<header.*</header>' "$T/before" | head -c 600)"
grep -q '参照専用' "$T/before" || fail "the banner says read-only"
curl -s "$U/healthz" >"$T/h0"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["patients"]==4 and d["stale"] is True and d["age_hours"]>=24, d' "$T/h0" ||
	fail "healthz before: $(cat "$T/h0")"

run "$LIFEBOAT" synth --out "$T/restored" --patients 200 --seed 5
expect_rc 0 "synth"

# Requests keep coming while the store is swapped: a bounded loop of searches and health checks.
(
	for i in $(seq 1 150); do
		curl -s -o /dev/null -w '%{http_code}\n' -b "$T/jar" "$U/search?q=%E3%82%B5%E3%83%88%E3%82%A6"
		curl -s -o /dev/null -w '%{http_code}\n' "$U/healthz"
	done >"$T/codes"
) &
LOOP_PID=$!
sleep 0.3
run "$LIFEBOAT" station refresh --db "$DB" --from-dir "$T/restored" --generation gen-2026-11-24 --json
expect_rc 0 "station refresh"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="swapped" and d["patients"]==200, d' "$T/out" ||
	fail "refresh --json: $(cat "$T/out")"
wait "$LOOP_PID"
LOOP_PID=""
CHECKS=$((CHECKS + 1))
[ "$(grep -c . "$T/codes")" -eq 300 ] && ! grep -qv '^200$' "$T/codes" ||
	fail "requests failed during the swap: $(sort "$T/codes" | uniq -c | tr '\n' ' ')"

ok=0
for _ in $(seq 1 50); do
	curl -s "$U/healthz" >"$T/h1"
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["generation"]=="gen-2026-11-24" and d["patients"]==200 else 1)' "$T/h1"; then
		ok=1
		break
	fi
	sleep 0.1
done
CHECKS=$((CHECKS + 1))
[ "$ok" = 1 ] || fail "the station did not move to the new store: $(cat "$T/h1")"
curl -s -b "$T/jar" -w '%{http_code}' -o "$T/after" "$U/search" >"$T/code"
CHECKS=$((CHECKS + 1))
[ "$(cat "$T/code")" = 200 ] || fail "the session did not survive the refresh"
grep -q '世代 <b>gen-2026-11-24</b>' "$T/after" || fail "the banner does not show the new generation"

# Nothing to load: refused, the store stays.
mkdir "$T/empty" "$T/empty/fhir"
run "$LIFEBOAT" station refresh --db "$DB" --from-dir "$T/empty"
expect_rc 2 "refresh from a tree without patients"
expect_one_line_err "refresh from a tree without patients"
curl -s "$U/healthz" >"$T/h2"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["generation"]=="gen-2026-11-24" and d["patients"]==200, d' "$T/h2" ||
	fail "a refused refresh changed the store: $(cat "$T/h2")"
CHECKS=$((CHECKS + 1))
! ls "$T" | grep -q 'refresh-' || fail "a refused refresh left files: $(ls "$T")"
run "$LIFEBOAT" station refresh --db "$DB" --from-vault "$T/vault"
expect_rc 2 "--from-vault is not there yet"
expect_one_line_err "--from-vault"

run "$LIFEBOAT" station audit --db "$DB" --user doc
expect_out 'login' "the access log survives the refresh"
expect_out 'search' "searches before and after are logged"
stop_server
finish
