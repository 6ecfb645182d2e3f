#!/usr/bin/env bash
# lifeboat audit vulns (issue 17): the list compiled into the binary answers with nothing else on disk; match
# exits 1 for an affected firmware (with the fix of its own train, the KEV date and ransomware use), 0 for a fixed
# one, 2 for a version its vendor would not write (never "safe"); update installs a newer data file atomically,
# refuses a malformed one with FILE:LINE (nothing changed) and an older one unless --force; show says which list
# is in use. Japanese messages when LIFEBOAT_LANG=ja.
. "$LB_SRC/tests/integration/lib.bash"
set -e
export LIFEBOAT_AUDIT_DATA="$T/data"
v() { run "$LIFEBOAT" audit vulns "$@"; }

# the embedded list, with no data folder at all
v show
expect_rc 0 "show with nothing installed"
expect_out "embedded" "show names the embedded list"
[ ! -e "$T/data" ] || fail "show created the data folder"
v list --vendor fortinet
expect_rc 0 "list fortinet"
expect_out "CVE-2018-13379" "the Handa CVE is listed"
v list --vendor fortinet
if grep -q "CVE-2024-3400" "$T/out"; then fail "list --vendor fortinet shows PAN-OS"; fi
v list --json
expect_rc 0 "list --json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["vulns"]) >= 14; assert d["as_of"]' "$T/out" ||
	fail "list --json is not the list"

# Handa's FortiGate: 6.0.4, and its first fixed release
v match --vendor fortinet --product fortios --version 6.0.4
expect_rc 1 "FortiOS 6.0.4 is affected"
expect_out "CVE-2018-13379" "6.0.4 names CVE-2018-13379"
expect_out "KEV 2021-11-03" "with its KEV date"
expect_out "ransomware" "and ransomware use"
v match --vendor Fortinet --product FortiGate --version 'v7.0.12,build0523' --json
expect_rc 1 "FortiOS v7.0.12,build0523 is affected"
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["status"]=="affected"
h={x["cve"]:x for x in d["hits"]}
assert h["CVE-2024-21762"]["fix_in_train"]=="7.0.14", h
assert h["CVE-2024-21762"]["ransomware"] is True
' "$T/out" || fail "match --json: $(cat "$T/out")"
v match --vendor fortinet --product fortios --version 7.2.7
expect_rc 0 "FortiOS 7.2.7 has no listed CVE"
v match --vendor fortinet --product fortios --version 7.0.13
expect_rc 1 "7.0.13 is not fixed by 7.2.7"
v match --vendor ivanti --product connect-secure --version 22.7R2.5
expect_rc 0 "Ivanti 22.7R2.5"
v match --vendor citrix --product netscaler-gateway --version 13.1-49.14
expect_rc 1 "NetScaler 13.1-49.14 (Citrix Bleed)"
expect_out "CVE-2023-4966" "Citrix Bleed named"
v match --vendor paloaltonetworks --product pan-os --version 10.2.8-h3
expect_rc 0 "PAN-OS 10.2.8-h3 is its train's hotfix"
v match --vendor sonicwall --product sma100 --version 10.2.1.9-57sv
expect_rc 0 "SMA 10.2.1.9-57sv"

# not understood is not safe
for bad in 7.2 latest "7.2.7; rm -rf /"; do
	v match --vendor fortinet --product fortios --version "$bad"
	expect_rc 2 "FortiOS version '$bad'"
	expect_one_line_err "FortiOS version '$bad'"
	expect_err "not known to be safe" "'$bad' is said not to be known safe"
done
v match --vendor fortinet --product fortios --version 7.2 --json
expect_rc 2 "--json, version not understood"
expect_out '"status":"version_not_understood"' "the JSON says so"
v match --vendor fortinet --product fortiproxy --version 7.2.1
expect_rc 2 "a product the list does not cover"
expect_err "does not cover" "the uncovered product is said"
v match --vendor fortinet --product fortios
expect_rc 2 "match without --version"
expect_one_line_err "match without --version"

# update: a malformed file changes nothing
cp "$LB_SRC/data/audit/vulns.yaml" "$T/good.yaml"
sed 's/fixed: 7.2.7}/fixed: 7.2}/' "$T/good.yaml" >"$T/bad.yaml"
v update "$T/bad.yaml"
expect_rc 2 "update with a malformed file"
expect_one_line_err "update with a malformed file"
expect_err "bad.yaml:[0-9]+: .*not a FortiOS version" "the error names file, line and reason"
[ ! -e "$T/data/vulns.yaml" ] || fail "a malformed update installed a file"
# an older list is refused, unless --force
sed 's/^as_of: .*/as_of: 2020-01-01/' "$T/good.yaml" >"$T/old.yaml"
v update "$T/old.yaml"
expect_rc 2 "update with an older list"
expect_err "older than the list in use" "the refusal says why"
[ ! -e "$T/data/vulns.yaml" ] || fail "a refused update installed a file"
# a newer one, with a CVE changed, is installed and used
sed -e 's/^as_of: .*/as_of: 2099-01-01/' -e 's/^version: .*/version: 2/' \
	-e 's/{train: "7.2", introduced: 7.2.0, fixed: 7.2.7}/{train: "7.2", introduced: 7.2.0, fixed: 7.2.8}/' \
	"$T/good.yaml" >"$T/new.yaml"
v update "$T/new.yaml"
expect_rc 0 "update with a newer list"
expect_out "as of 2099-01-01" "update says what it installed"
cmp -s "$T/new.yaml" "$T/data/vulns.yaml" || fail "the installed file is not the new one"
ls "$T/data" | grep -q tmp && fail "a temporary file was left in the data folder"
v show --json
expect_out '"as_of":"2099-01-01"' "show names the installed list"
v match --vendor fortinet --product fortios --version 7.2.7
expect_rc 1 "the installed list is the one matched against"
v update "$T/old.yaml"
expect_rc 2 "older than the installed list"
v update --force "$T/old.yaml"
expect_rc 0 "update --force"
v show
expect_out "embedded" "an install older than the binary's list gives way to it"
# --vulns reads one file without installing it
v match --vulns "$T/new.yaml" --vendor fortinet --product fortios --version 7.2.7
expect_rc 1 "--vulns FILE"

# Japanese
LIFEBOAT_LANG=ja run "$LIFEBOAT" audit vulns match --vendor fortinet --product fortios --version 6.0.4
expect_out "該当" "Japanese output"
expect_out "SSL-VPN のパストラバーサル" "the Japanese summary"
LIFEBOAT_LANG=ja run "$LIFEBOAT" audit vulns match --vendor fortinet --product fortios --version 7.2
expect_err "安全とは言えません" "Japanese refusal"
finish
