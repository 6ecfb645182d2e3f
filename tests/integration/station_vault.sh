#!/usr/bin/env bash
# station refresh --from-vault: the station is loaded from the latest clean vault generation, under a running
# server without a failed request; after a ransomware drill the suspect generation is never loaded, not even when
# named; the banner (healthz) shows the generation the data came from.
. "$LB_SRC/tests/integration/lib.bash"
set -e
. "$LB_SRC/tests/integration/station_lib.bash"
LOOP_PID=""
trap 'kill $LOOP_PID 2>/dev/null || true; if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; fi; wait 2>/dev/null; lb_cleanup' EXIT
export LIFEBOAT_PASSPHRASE="ward-lantern-copper-meadow"
EXPORT="$T/ehr-export"
REPO="$T/vault"
DB="$T/clinical.db"

run "$LIFEBOAT" synth --out "$EXPORT" --patients 60 --seed 11
expect_rc 0 "synth"
touch "$EXPORT/.lifeboat-drill"
run "$LIFEBOAT" vault init --repo "$REPO"
expect_rc 0 "vault init"
run "$LIFEBOAT" vault backup --repo "$REPO" --json "$EXPORT"
expect_rc 0 "first backup"
G1=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="clean", d; print(d["snapshot"][:8])' "$T/out")

# First load straight from the vault, before any server runs.
run "$LIFEBOAT" station refresh --db "$DB" --from-vault "$REPO" --json
expect_rc 0 "refresh from the vault"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="swapped" and d["patients"]==60 and d["generation"]==sys.argv[2], d' "$T/out" "$G1" ||
	fail "refresh --json: $(cat "$T/out")"
CHECKS=$((CHECKS + 1))
[ -z "$(ls -d "$DB".restore-* 2>/dev/null)" ] || fail "the restored folder beside the store was not removed"

start_server
gen_now() { curl -s "$U/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])'; }
CHECKS=$((CHECKS + 1))
[ "$(gen_now)" = "$G1" ] || fail "healthz shows generation '$(gen_now)', expected $G1"

# Ransomware hits the export; the nightly backup is suspect.
run "$LIFEBOAT" drill ransomware --dir "$EXPORT" --mode inplace --ext .locked --note --rate 0 --limit 150
expect_rc 0 "drill"
run "$LIFEBOAT" vault backup --repo "$REPO" --json "$EXPORT"
expect_rc 1 "backup of encrypted data is a finding"
G2=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="suspect", d; print(d["snapshot"][:8])' "$T/out")

# Named explicitly, the suspect generation is refused and the station keeps its data.
run "$LIFEBOAT" station refresh --db "$DB" --from-vault "$REPO" --snapshot "$G2"
expect_rc 1 "a suspect generation is refused"
expect_err 'suspect' "the refusal says why"
CHECKS=$((CHECKS + 1))
[ "$(gen_now)" = "$G1" ] || fail "after the refusal healthz shows '$(gen_now)'"

# The drill is undone and a new clean generation is taken; the refresh swaps it in under load.
run "$LIFEBOAT" drill ransomware --dir "$EXPORT" --undo
expect_rc 0 "drill undo"
printf 'x' >>"$EXPORT/appointments.csv"
run "$LIFEBOAT" vault backup --repo "$REPO" --json "$EXPORT"
expect_rc 0 "backup after recovery"
G3=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="clean", d; print(d["snapshot"][:8])' "$T/out")
(
	for _ in $(seq 1 120); do
		curl -s -o /dev/null -w '%{http_code}\n' "$U/healthz"
	done >"$T/codes"
) &
LOOP_PID=$!
run "$LIFEBOAT" station refresh --db "$DB" --from-vault "$REPO" --json
expect_rc 0 "refresh to the newest clean generation"
wait "$LOOP_PID"
LOOP_PID=""
CHECKS=$((CHECKS + 1))
[ "$(grep -c . "$T/codes")" -eq 120 ] && ! grep -qv '^200$' "$T/codes" ||
	fail "requests failed during the swap: $(sort "$T/codes" | uniq -c | tr '\n' ' ')"
ok=0
for _ in $(seq 1 50); do
	[ "$(gen_now)" = "$G3" ] && ok=1 && break
	sleep 0.1
done
CHECKS=$((CHECKS + 1))
[ "$ok" = 1 ] || fail "healthz never showed the new generation $G3 (shows '$(gen_now)')"

# Usage: exactly one source.
run "$LIFEBOAT" station refresh --db "$DB" --from-vault "$REPO" --from-dir "$EXPORT"
expect_rc 2 "two sources"
expect_one_line_err "two sources"
stop_server
finish
