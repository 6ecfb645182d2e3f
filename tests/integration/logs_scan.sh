#!/usr/bin/env bash
# logs_scan.sh - `lifeboat logs scan` and `lifeboat logs rules` on real files (issue 18): a burst of 30 SSH failures
# from one address in a minute raises one brute-force alert naming it, the success after it a second; the same
# failures over a day raise none; SigmaHQ's rules check with the unsupported one named, exit 1; an unreadable rules
# folder is one error line and exit 2.
set -euo pipefail
: "${LIFEBOAT:?}" "${LB_SRC:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TZ=Asia/Tokyo

burst() { # $1: seconds between failures
	for i in $(seq 0 29); do
		s=$((i * $1))
		printf '%s web1 sshd[1234]: Failed password for root from 203.0.113.5 port %d ssh2\n' \
			"$(date -u -d "2026-12-07 10:00:00 UTC + $s seconds" '+%b %e %H:%M:%S')" $((40000 + i))
	done
	printf '%s web1 sshd[1234]: Accepted password for root from 203.0.113.5 port 41000 ssh2\n' \
		"$(date -u -d "2026-12-07 10:00:00 UTC + $((30 * $1)) seconds" '+%b %e %H:%M:%S')"
}
# TZ is Tokyo: the stamps above are 19:00 local, not an unusual hour
TZ=UTC burst 2 >"$T/burst.log"
rc=0
"$LIFEBOAT" logs scan --json "$T/burst.log" >"$T/out.jsonl" || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: scan of a burst exits $rc, not 1"; exit 1; }
python3 - "$T/out.jsonl" <<'PY'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
ids = [a["rule_id"] for a in alerts]
assert ids == ["ad7f168d-f806-4056-8d63-6f4fc76f4c22", "64359a14-1377-4979-a01a-e92799e6d091"], ids
for a in alerts:
    assert a["correlation"]["group"] == {"source_ip": "203.0.113.5"}, a
assert alerts[0]["line"] == 20 and alerts[0]["correlation"]["first_line"] == 1, alerts[0]
assert alerts[1]["line"] == 31, alerts[1]
PY
# the same 30 failures spread over a day (every 48 minutes): nothing
TZ=UTC burst 2880 >"$T/day.log"
rc=0
"$LIFEBOAT" logs scan "$T/day.log" >"$T/day.out" 2>/dev/null || rc=$?
# a login 24 hours later lands at 19:00 Tokyo again; only rules on single events might fire, none do here
[ "$rc" = 0 ] && [ ! -s "$T/day.out" ] || { echo "FAIL: spread failures gave alerts:"; cat "$T/day.out"; exit 1; }

# SigmaHQ's rules: the Sigma 1 aggregation is named, exit 1
rc=0
"$LIFEBOAT" logs rules --check "$LB_SRC/tests/data/sigma" >"$T/check.out" || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: rules --check exits $rc, not 1"; exit 1; }
grep -q 'lnx_auth_susp_failed_logons_single_source.yml:19 .*timeframe' "$T/check.out" ||
	{ echo "FAIL: the skipped rule is not named"; cat "$T/check.out"; exit 1; }
# the built-in rules all load
"$LIFEBOAT" logs rules >/dev/null || { echo "FAIL: a built-in rule is skipped"; exit 1; }
# a missing folder: one line, exit 2
rc=0
"$LIFEBOAT" logs scan --rules "$T/none" "$T/burst.log" >"$T/o" 2>"$T/e" || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$T/e")" = 1 ] && [ ! -s "$T/o" ] ||
	{ echo "FAIL: missing rules folder: rc $rc"; cat "$T/e"; exit 1; }
echo "ok"
