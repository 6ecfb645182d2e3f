#!/usr/bin/env bash
# `lifeboat logs parse`: each sample format detected and its fields shown (text and --json); a malformed line is an
# event without fields plus a warning naming file:line, and the rest is still read; bad input is one error line,
# exit 2, nothing on stdout.
. "$LB_SRC/tests/integration/lib.bash"
set -e
D="$LB_SRC/tests/data/logs"
export TZ=UTC

run "$LIFEBOAT" logs parse --json "$D/auth.log"
expect_rc 0 "auth.log"
expect_out '"line":1,"format":"syslog","product":"linux","service":"sshd".*"user":"admin","source_ip":"203.0.113.5","port":"52144"' "sshd failed password"
expect_out '"service":"sudo".*"user":"alice".*"target_user":"root","command":"/usr/bin/systemctl restart nginx; echo done"' "sudo COMMAND"
expect_out '"process":"useradd".*"user":"backdoor","uid":"0"' "useradd UID 0"
expect_out '"line":16,.*"fields":\{\}' "malformed line kept, without fields"
expect_err "auth.log:16: not a syslog line" "warning names file:line"
expect_out '"line":17,' "reading goes on after the malformed line"

run "$LIFEBOAT" logs parse --json "$D/windows_evtx.jsonl" "$D/winlogbeat.jsonl" "$D/eve.json" "$D/fortigate.log" "$D/journal.export"
expect_rc 0 "the other formats"
expect_out '"format":"windows","product":"windows","service":"security".*"EventID":"4625".*"TargetUserName":"administrator".*"IpAddress":"203.0.113.5"' "evtx_dump 4625"
expect_out '"service":"sysmon","category":"process_creation"' "sysmon category"
expect_out 'winlogbeat.jsonl.*"EventID":"4624".*"TargetUserName":"nurse01"' "winlogbeat"
expect_out '"format":"suricata".*"alert.signature_id":"2035877"' "suricata alert"
expect_out '"format":"fortigate","product":"fortios","service":"vpn".*"action":"ssl-login-fail".*"remip":"203.0.113.5"' "fortigate vpn"
expect_out '"format":"journal".*"service":"sudo".*"user":"carol"' "journald export with a binary MESSAGE"
expect_err 'windows_evtx.jsonl:4: not a windows line' "truncated JSON warned"

run "$LIFEBOAT" logs parse "$D/auth.log"
expect_out '^  source_ip = 203.0.113.5$' "text form"

run "$LIFEBOAT" logs parse --format fortigate - <"$D/fortigate.log"
expect_out '^-:1  fortigate  fortios/vpn' "stdin, format named"

run "$LIFEBOAT" logs parse --format evtx "$D/auth.log"
expect_rc 2 "unknown format"
expect_one_line_err "unknown format"

run "$LIFEBOAT" logs parse "$D/auth.log" "$T/missing.log"
expect_rc 2 "missing file"
expect_one_line_err "missing file"
CHECKS=$((CHECKS + 1))
[ -s "$T/out" ] && fail "missing file: half a listing printed"

run "$LIFEBOAT" logs parse
expect_rc 2 "no FILE"
finish
