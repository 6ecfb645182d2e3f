#!/usr/bin/env bash
# audit.sh - `lifeboat audit` (docs/inventory.md): the Handa and Osaka example inventories fail exactly the checks
# their incident reports call for, their fixed versions pass; a malformed inventory is refused with FILE:LINE: KEY
# for every error and exit 2; CSV import (AD export, CP932 asset ledger) gives inventory that passes the schema;
# `collect --host` on this machine gives inventory that passes the schema and `check`; no password fed through
# `fingerprint` ever appears in any output.
set -e
. "$LB_SRC/tests/integration/lib.bash"
L="$LIFEBOAT"
EX="$LB_SRC/docs/examples"
ALL="$T/all-outputs"
: >"$ALL"
keep() { cat "$T/out" "$T/err" >>"$ALL"; }

ids() { # the sorted set of finding ids of a --json check run on stdout
	python3 -c 'import json,sys; print(" ".join(sorted({f["id"] for f in json.load(open(sys.argv[1]))["findings"]})))' "$T/out"
}

expect_ids() { # expect_ids FILE TODAY "ID ID…"
	run "$L" audit check --inventory "$1" --today "$2" --json
	keep
	expect_rc 1 "$(basename "$1") has findings"
	CHECKS=$((CHECKS + 1))
	local got
	got=$(ids)
	[ "$got" = "$3" ] || fail "$(basename "$1"): findings [$got], expected [$3]"
}

# ---- the examples ----
# Handa: the SSL-VPN took an ID and password alone (POL-MFA-REMOTE-OFF). Osaka: no account lockout and no antivirus
# on the EHR servers, as the committee's report says (POL-NO-LOCKOUT, EP-AV-OFF).
expect_ids "$EX/handa.yaml" 2021-10-01 "ACC-REMOTE-NO-MFA ACC-REUSE-OPS-BACKUP ACC-SHARED EP-AV-OFF EP-UPDATES-OFF NET-BACKUP-WRITABLE NET-PATH-INTO-EHR POL-MFA-REMOTE-OFF POL-NO-LOCKOUT POL-PW-SHORT VPN-KEV VPN-MGMT-EXPOSED VPN-PATCH-AGE"
expect_ids "$EX/osaka.yaml" 2022-10-01 "ACC-REMOTE-NO-MFA ACC-REUSE ACC-USER-ADMIN EP-AV-OFF EP-NEEDLESS-SERVICE NET-PATH-INTO-EHR NET-RDP-ALWAYS-ON POL-NO-LOCKOUT VPN-KEV VPN-MGMT-EXPOSED VPN-PATCH-AGE"
# Handa's FortiGate: the SSL-VPN path traversal whose stolen credentials were on sale, named with its fix
run "$L" audit check --inventory "$EX/handa.yaml" --today 2021-10-01 --json
expect_out 'VPN-KEV.*CVE-2018-13379|CVE-2018-13379.*VPN-KEV' "handa: VPN-KEV names CVE-2018-13379"
run "$L" audit check --inventory "$EX/handa.yaml" --today 2021-10-01 --json
python3 - "$T/out" <<'PY' || fail "a Handa finding lacks its evidence, fix or checklist item"
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    assert f["evidence"] and f["fix_en"] and f["fix_ja"] and f["checklist"] and ":" in f["where"], f
reuse = [f for f in d["findings"] if f["id"] == "ACC-REUSE-OPS-BACKUP"][0]
assert reuse["severity"] == "critical" and "administrator@backup" in reuse["evidence"], reuse
PY
CHECKS=$((CHECKS + 1))
run "$L" audit check --inventory "$EX/handa.yaml" --today 2021-10-01
expect_out "ACC-REUSE-OPS-BACKUP" "text output names the id"
expect_out "checklist: R7:password-reuse" "text output names the checklist item"
expect_out "handa.yaml:[0-9]+" "text output says where"
for f in handa-fixed:2021-12-01 osaka-fixed:2023-03-01; do
	run "$L" audit check --inventory "$EX/${f%%:*}.yaml" --today "${f#*:}"
	keep
	expect_rc 0 "${f%%:*} passes"
done
# dormancy follows the date: the fixed Handa inventory a year later has dormant accounts
run "$L" audit check --inventory "$EX/handa-fixed.yaml" --today 2022-12-01 --json
expect_rc 1 "a year later the accounts are dormant"
expect_out '"ACC-DORMANT"' "dormant accounts named"

# ---- malformed inventory: every error, with file, line and key; exit 2 ----
cat >"$T/bad.yaml" <<'Y'
version: 1
devices:
  - name: fw1
    type: router
    patched: 2021-13-01
    internt_facing: true
accounts:
  - user: a
    admin: maybe
Y
run "$L" audit check --inventory "$T/bad.yaml"
keep
expect_rc 2 "malformed inventory"
expect_err "bad.yaml:4: devices.type: 'router' is not one of" "bad enum named with line and key"
expect_err "bad.yaml:5: devices.patched: .* not a date" "bad date named"
expect_err "bad.yaml:6: devices.internt_facing: unknown key" "typo in a key named"
expect_err "bad.yaml:9: accounts.admin: 'maybe' is not true or false" "bad bool named"
expect_err "bad.yaml:8: accounts.system: missing" "missing required key named"
CHECKS=$((CHECKS + 1))
[ ! -s "$T/out" ] || fail "nothing is printed on stdout for a refused inventory"
# a misspelt reference would drop a path out of the checks: refused too, across the files joined
printf 'segments: [{name: ehr, kind: ehr}]\ndevices: [{name: d1, type: server, segment: ehr-lam}]\n' >"$T/r1.yaml"
printf 'paths: [{from: internt, to: d1, service: rdp}, {from: internet, to: d1, service: rdp}]\n' >"$T/r2.yaml"
run "$L" audit check --inventory "$T/r1.yaml" --inventory "$T/r2.yaml"
keep
expect_rc 2 "dangling references"
expect_err "r1.yaml:2: devices.segment: no segment named 'ehr-lam'" "misspelt segment named"
expect_err "r2.yaml:1: paths.from: 'internt' is neither" "misspelt path end named"
printf 'devices: [\n' >"$T/syntax.yaml"
run "$L" audit validate --inventory "$T/syntax.yaml"
expect_rc 2 "YAML syntax error"
expect_err "syntax.yaml:[0-9]+: -: YAML syntax" "syntax error with file and line"
printf 'a: &x [1]\nb: *x\n' >"$T/alias.yaml"
run "$L" audit validate --inventory "$T/alias.yaml"
expect_rc 2 "aliases refused"
run "$L" audit validate --inventory "$EX/handa.yaml"
expect_rc 0 "validate accepts a valid inventory"

# ---- fingerprints: the same password gives the same fingerprint; no password in any output ----
run "$L" audit fingerprint --salt-file "$T/salt" --new-salt
expect_rc 0 "salt created"
CHECKS=$((CHECKS + 1))
[ "$(stat -c %a "$T/salt")" = 600 ] || fail "salt file is mode 600"
run "$L" audit fingerprint --salt-file "$T/salt" --new-salt
expect_rc 2 "an existing salt is never overwritten"
PW1='Tr0ub4dor&3-handa'
PW2='hosp1234'
printf '%s\n' "$PW1" | "$L" audit fingerprint --salt-file "$T/salt" >"$T/fp1a"
printf '%s\n' "$PW1" | "$L" audit fingerprint --salt-file "$T/salt" >"$T/fp1b"
printf '%s\n' "$PW2" | "$L" audit fingerprint --salt-file "$T/salt" >"$T/fp2" 2>>"$ALL"
cat "$T/fp1a" "$T/fp2" >>"$ALL"
CHECKS=$((CHECKS + 1))
cmp -s "$T/fp1a" "$T/fp1b" || fail "one password, one fingerprint"
CHECKS=$((CHECKS + 1))
cmp -s "$T/fp1a" "$T/fp2" && fail "two passwords, two fingerprints"
run "$L" audit fingerprint --salt-file "$T/salt" "$PW1"
keep
expect_rc 2 "a password as an argument is refused"
# the fingerprints in an inventory: reuse between the EHR and the backup server shows
cat >"$T/fp.yaml" <<Y
systems:
  - {name: ehr, kind: operational}
  - {name: bk, kind: backup}
accounts:
  - {user: admin, system: ehr, credential: "$(cat "$T/fp1a")"}
  - {user: admin, system: bk, credential: "$(cat "$T/fp1b")"}
  - {user: other, system: bk, credential: "$(cat "$T/fp2")"}
Y
run "$L" audit check --inventory "$T/fp.yaml" --today 2024-01-01 --json
keep
expect_rc 1 "reuse through fingerprints found"
CHECKS=$((CHECKS + 1))
[ "$(ids)" = "ACC-REUSE-OPS-BACKUP" ] || fail "fingerprint reuse: [$(ids)]"

# ---- CSV import ----
printf '\xef\xbb\xbf#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n"sAMAccountName","Enabled","LastLogonDate","memberOf","PasswordNeverExpires","Title"\r\n"administrator","True","2021/09/30 9:00:00","CN=Domain Admins,CN=Users,DC=h,DC=local","True","x"\r\n"nurse01","True","10/31/2020 9:00:00 AM","CN=Nurses,CN=Users,DC=h,DC=local","False","y"\r\n"left01","False","","","False","z"\r\n' >"$T/ad.csv"
run "$L" audit import --ad "$T/ad.csv" --system ad --out "$T/ad.yaml"
keep
expect_rc 0 "AD export imported"
expect_err "columns not imported: Title" "unused columns are named"
run "$L" audit check --inventory "$T/ad.yaml" --today 2021-10-10 --json
expect_rc 1 "imported accounts are checked"
CHECKS=$((CHECKS + 1))
python3 - "$T/ad.yaml" <<'PY' || fail "AD import content"
import re, sys
t = open(sys.argv[1]).read()
assert 'user: "administrator"' in t and "admin: true" in t and 'last_login: "2021-09-30"' in t, t
assert 'last_login: "2020-10-31"' in t and 'status: "disabled"' in t, t
PY
expect_out '"ACC-DORMANT"' "nurse01's old login is dormant"
printf '機器名,種別,メーカー,製品,バージョン,セグメント,リモート保守,更新日\r\nfgt-1,VPN装置,Fortinet,FortiGate,6.0.4,dmz,有,2018/06/15\r\n' | iconv -f UTF-8 -t CP932 >"$T/assets.csv"
run "$L" audit import --assets "$T/assets.csv"
expect_rc 0 "CP932 asset ledger imported"
cp "$T/out" "$T/assets.yaml"
expect_out 'name: "fgt-1"' "device name read from CP932"
expect_out 'type: "vpn"' "Japanese type word mapped"
expect_out 'patched: "2018-06-15"' "date normalised"
run "$L" audit validate --inventory "$T/assets.yaml"
expect_rc 0 "imported assets pass the schema"
printf 'name,type\n\xff\xfe\xfd,server\n' >"$T/junk.csv"
run "$L" audit import --assets "$T/junk.csv"
expect_rc 2 "neither UTF-8 nor CP932 is refused"
expect_one_line_err "bad encoding"
run "$L" audit import --ad "$T/ad.csv"
expect_rc 2 "--ad without --system"

# ---- this host ----
run "$L" audit collect --host --out "$T/host.yaml"
keep
expect_rc 0 "collect --host"
run "$L" audit validate --inventory "$T/host.yaml"
expect_rc 0 "collected inventory passes the schema"
cat "$T/host.yaml" >>"$ALL"
CHECKS=$((CHECKS + 1))
grep -q '^    kernel: "Linux ' "$T/host.yaml" || fail "kernel read"
CHECKS=$((CHECKS + 1))
grep -q 'user: "root"' "$T/host.yaml" && grep -q 'uid: 0' "$T/host.yaml" || fail "root account read"
if [ -r /var/lib/dpkg/status ]; then
	CHECKS=$((CHECKS + 1))
	grep -q '{name: "dpkg", version: "' "$T/host.yaml" || fail "dpkg packages read"
fi
run "$L" audit check --inventory "$T/host.yaml" --json
keep
CHECKS=$((CHECKS + 1))
[ "$RC" -eq 0 ] || [ "$RC" -eq 1 ] || fail "check on the collected inventory: exit $RC: $(head -c 300 "$T/err")"

# ---- the collector on a known root: what it reads from each file ----
R="$T/root"
mkdir -p "$R/etc/pam.d" "$R/etc/ssh" "$R/etc/sudoers.d" "$R/proc/net" "$R/var/lib/dpkg"
printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n' >"$R/etc/passwd"
printf 'root:x:0:\nsudo:x:27:alice\nalice:x:1000:\nbob:x:1001:\nops:x:1002:bob\n' >"$R/etc/group"
printf 'root:*:19000::::::\nalice:$y$j9T$x:19000::::::\nbob:!$y$x:19000::::::\n' >"$R/etc/shadow"
printf 'Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n' >"$R/etc/sudoers"
printf '%%ops ALL=(ALL) NOPASSWD: ALL\n' >"$R/etc/sudoers.d/ops"
printf 'PASS_MAX_DAYS 99999\nPASS_MIN_LEN 5\n' >"$R/etc/login.defs"
printf 'password requisite pam_pwquality.so retry=3 minlen=12\npassword [success=1] pam_unix.so obscure\n' >"$R/etc/pam.d/common-password"
printf 'auth required pam_faillock.so preauth deny=5\nauth [success=1] pam_unix.so\n' >"$R/etc/pam.d/common-auth"
printf '# comment\nPermitRootLogin yes\nPasswordAuthentication yes\nPermitRootLogin no\n' >"$R/etc/ssh/sshd_config"
printf '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000:0017 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0\n   1: 0100007F:1F90 00000000:0000 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 100 0 0 10 0\n' >"$R/proc/net/tcp"
printf 'Package: telnetd\nStatus: install ok installed\nVersion: 0.17-44\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n' >"$R/var/lib/dpkg/status"
run "$L" audit collect --host --root "$R" --out "$T/fake.yaml"
expect_rc 0 "collect on a known root"
run "$L" audit validate --inventory "$T/fake.yaml"
expect_rc 0 "fake-root inventory passes the schema"
python3 - "$T/fake.yaml" <<'PY' || fail "collector content"
import sys
t = open(sys.argv[1]).read()
def acct(u):
    i = t.index('user: "%s"' % u); j = t.find("  - user:", i + 1)
    return t[i:j if j > 0 else len(t)]
assert "password_min_length: 12" in t and "lockout_threshold: 5" in t, "PAM policy"
assert "password_max_days: 99999" in t, "login.defs"
assert 'permit_root_login: "yes"' in t and 'password_authentication: "yes"' in t, "sshd first value wins"
assert '{name: "telnetd", version: "0.17-44"}' in t and '"gone"' not in t, "dpkg installed only"
assert 'name: "telnet"' in t and "port: 23" in t and "port: 8080" not in t, "listening sockets only"
assert "admin: true" in acct("alice") and "sudo" in acct("alice"), "sudo group member is admin"
assert "admin: true" in acct("bob") and "enabled: false" in acct("bob"), "%ops in sudoers.d; locked password"
assert 'role: "system"' in acct("daemon") and "admin: false" in acct("daemon"), "system account"
assert "enabled: false" in acct("root") and "uid: 0" in acct("root"), "root"
assert "/var/log/lastlog: not readable" in t, "what was not read is said"
assert "/var/log/wtmp: not readable" in t, "a missing wtmp is said"
PY
CHECKS=$((CHECKS + 1))
run "$L" audit check --inventory "$T/fake.yaml" --json
CHECKS=$((CHECKS + 1))
[ "$(ids)" = "EP-NEEDLESS-SERVICE EP-SSH-ROOT-LOGIN" ] || fail "fake root findings: [$(ids)]"

# a second UID 0 (toor), and last logins from wtmp (glibc struct utmp records, 384 bytes on x86-64 and arm64):
# alice's latest login, a dead-process record and another user's ignored, a trailing half record said under unread
printf 'toor:x:0:0::/root:/bin/bash\n' >>"$R/etc/passwd"
mkdir -p "$R/var/log"
python3 - "$R/var/log/wtmp" <<'PY'
import struct, sys
def rec(kind, user, t):
    return struct.pack("<hhi32s4s32s256shhiii4i20s", kind, 0, 100, b"pts/0", b"ts/0", user.encode(), b"10.0.0.5",
                       0, 0, 0, t, 0, 0, 0, 0, 0, b"")
with open(sys.argv[1], "wb") as f:
    f.write(rec(7, "alice", 1700000000))   # USER_PROCESS, 2023-11-14
    f.write(rec(7, "alice", 1717200000))   # 2024-06-01: the latest
    f.write(rec(8, "alice", 1720000000))   # DEAD_PROCESS: a logout, not a login
    f.write(rec(7, "toor", 1600000000))    # 2020-09-13
    f.write(rec(7, "alice", 1730000000)[:100])  # cut while written
PY
run "$L" audit collect --host --root "$R" --out "$T/fake2.yaml"
expect_rc 0 "collect with wtmp"
python3 - "$T/fake2.yaml" <<'PY' || fail "wtmp content"
import sys
t = open(sys.argv[1]).read()
def acct(u):
    i = t.index('user: "%s"' % u); j = t.find("  - user:", i + 1)
    return t[i:j if j > 0 else len(t)]
assert 'last_login: "2024-06-01"' in acct("alice"), acct("alice")
assert 'last_login: "2020-09-13"' in acct("toor") and "uid: 0" in acct("toor"), acct("toor")
assert "last_login" not in acct("bob"), acct("bob")
assert "/var/log/wtmp: the last 100 bytes are not a whole record (384 bytes each)" in t, "short wtmp said"
PY
CHECKS=$((CHECKS + 1))
run "$L" audit check --inventory "$T/fake2.yaml" --today 2024-06-15 --json
expect_rc 1 "toor found"
CHECKS=$((CHECKS + 1))
[ "$(ids)" = "ACC-DORMANT ACC-UID0 EP-NEEDLESS-SERVICE EP-SSH-ROOT-LOGIN" ] || fail "UID 0 and dormant toor: [$(ids)]"
expect_out '"ACC-UID0".*"subject": ?"toor@' "toor named"
python3 -c 'import json,sys; f=[x for x in json.load(open(sys.argv[1]))["findings"] if x["id"]=="ACC-UID0"]; assert len(f)==1 and "uid: 0" in f[0]["evidence"] and "fake2.yaml:" in f[0]["where"] and f[0]["checklist"] and f[0]["fix_ja"], f' "$T/out" || fail "ACC-UID0 evidence"

# a policy that lets remote access go without a second factor; a remote-maintenance host open to the internet
cat >"$T/mfa.yaml" <<'YAML'
devices:
  - {name: pacs-gw, type: server, internet_facing: true, remote_maintenance: true, patched: 2024-06-01, services: [{name: rdp, port: 3389, needed: true}]}
policies:
  - {system: vpn, mfa_remote: false}
YAML
run "$L" audit check --inventory "$T/mfa.yaml" --today 2024-06-15 --json
expect_rc 1 "policy mfa and exposure"
CHECKS=$((CHECKS + 1))
[ "$(ids)" = "NET-REMOTE-EXPOSED POL-MFA-REMOTE-OFF" ] || fail "policy and exposure findings: [$(ids)]"
expect_out 'mfa_remote: false' "policy evidence"
expect_out 'internet_facing: true, remote_maintenance: true, service: rdp' "exposure evidence"

# ---- no password in any output ----
for pw in "$PW1" "$PW2"; do
	CHECKS=$((CHECKS + 1))
	if grep -qF -- "$pw" "$ALL"; then fail "a password appears in an output"; fi
done

finish
