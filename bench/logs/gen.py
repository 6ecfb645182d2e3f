#!/usr/bin/env python3
"""gen.py - the bench's logs: N syslog lines (auth.log-like mix: sshd brute force and logins, PAM, sudo, su, cron,
useradd, systemd, kernel, postfix) and M Windows events as evtx_dump JSON lines (4624/4625/4634/4672/4688/1102,
Sysmon 1/3/11). Deterministic (seeded). Usage: gen.py SYSLOG_OUT N WINDOWS_OUT M"""
import json, random, sys

rnd = random.Random(18)
hosts = ["web01", "db01", "ehr-app1", "pacs02", "file01"]
users = ["alice", "bob", "carol", "dave", "nurse01", "dr.sato", "root", "admin", "oracle", "postgres"]
mon = ["Dec"]


def ip():
    return "203.0.113.%d" % rnd.randrange(1, 255) if rnd.random() < 0.6 else "192.0.2.%d" % rnd.randrange(1, 255)


def stamp(i):
    s = i // 12
    return "Dec %2d %02d:%02d:%02d" % (1 + (s // 86400) % 28, (s // 3600) % 24, (s // 60) % 60, s % 60)


def syslog_line(i):
    h = rnd.choice(hosts)
    pid = rnd.randrange(300, 60000)
    r = rnd.random()
    u = rnd.choice(users)
    if r < 0.30:
        inv = "invalid user " if rnd.random() < 0.5 else ""
        m = "sshd[%d]: Failed password for %s%s from %s port %d ssh2" % (pid, inv, u, ip(), rnd.randrange(1024, 65535))
    elif r < 0.36:
        m = "sshd[%d]: Accepted publickey for %s from %s port %d ssh2: RSA SHA256:Zq3vK0m1sQe7Yh3bX2o9n0aTqP0wq" % (
            pid, u, ip(), rnd.randrange(1024, 65535))
    elif r < 0.46:
        m = ("sshd[%d]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s"
             "  user=%s" % (pid, ip(), u))
    elif r < 0.52:
        m = "sshd[%d]: Connection closed by authenticating user %s %s port %d [preauth]" % (pid, u, ip(), rnd.randrange(1024, 65535))
    elif r < 0.57:
        m = "sshd[%d]: pam_unix(sshd:session): session opened for user %s(uid=1000) by (uid=0)" % (pid, u)
    elif r < 0.62:
        m = "sudo:    %s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx" % (u, rnd.randrange(9), u)
    elif r < 0.63:
        m = "su[%d]: (to root) %s on pts/%d" % (pid, u, rnd.randrange(9))
    elif r < 0.73:
        m = "CRON[%d]: (root) CMD (/usr/local/bin/backup.sh --incremental)" % pid
    elif r < 0.78:
        m = "CRON[%d]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)" % pid
    elif r < 0.7801:
        m = "useradd[%d]: new user: name=svc%d, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/0" % (pid, i)
    elif r < 0.88:
        m = "systemd[1]: Started session-%d.scope - Session %d of User %s." % (i, i, u)
    elif r < 0.94:
        m = "kernel: [%d.%06d] IN=eth0 OUT= MAC=52:54:00:12:34:56 SRC=%s DST=192.0.2.10 LEN=60 PROTO=TCP SPT=%d DPT=22 SYN" % (
            i // 100, i % 1000000, ip(), rnd.randrange(1024, 65535))
    else:
        m = "postfix/smtpd[%d]: connect from unknown[%s]" % (pid, ip())
    return "%s %s %s" % (stamp(i), h, m)


def win_event(i):
    r = rnd.random()
    comp = "%s.hospital.local" % rnd.choice(["DC01", "FS01", "WS%03d" % rnd.randrange(200)])
    sysd = {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing",
                                          "Guid": "54849625-5478-4994-A5BA-3E3B0328C30D"}},
            "Version": 0, "Level": 0, "Task": 12544, "Opcode": 0, "Keywords": "0x8020000000000000",
            "TimeCreated": {"#attributes": {"SystemTime": "2026-12-07T%02d:%02d:%02d.%06dZ" % (
                (i // 3600) % 24, (i // 60) % 60, i % 60, i % 1000000)}},
            "EventRecordID": 100000 + i, "Correlation": None,
            "Execution": {"#attributes": {"ProcessID": 628, "ThreadID": rnd.randrange(100, 9000)}},
            "Channel": "Security", "Computer": comp, "Security": None}
    u = rnd.choice(users)
    if r < 0.35:
        eid, data = 4624, {"SubjectUserSid": "S-1-5-18", "SubjectUserName": "DC01$", "SubjectDomainName": "HOSPITAL",
                           "SubjectLogonId": "0x3e7", "TargetUserSid": "S-1-5-21-1-2-3-1104", "TargetUserName": u,
                           "TargetDomainName": "HOSPITAL", "TargetLogonId": "0x%x" % rnd.randrange(1 << 32),
                           "LogonType": rnd.choice([2, 3, 3, 3, 10]), "LogonProcessName": "NtLmSsp",
                           "AuthenticationPackageName": "NTLM", "WorkstationName": "WS%03d" % rnd.randrange(200),
                           "LogonGuid": "{00000000-0000-0000-0000-000000000000}", "TransmittedServices": "-",
                           "LmPackageName": "NTLM V2", "KeyLength": 128, "ProcessId": "0x0", "ProcessName": "-",
                           "IpAddress": ip(), "IpPort": str(rnd.randrange(1024, 65535)),
                           "ImpersonationLevel": "%%1833"}
    elif r < 0.55:
        eid, data = 4625, {"SubjectUserSid": "S-1-0-0", "TargetUserName": u, "TargetDomainName": "HOSPITAL",
                           "Status": "0xc000006d", "FailureReason": "%%2313", "SubStatus": "0xc000006a",
                           "LogonType": rnd.choice([3, 10]), "LogonProcessName": "NtLmSsp ",
                           "AuthenticationPackageName": "NTLM", "WorkstationName": "-", "IpAddress": ip(),
                           "IpPort": str(rnd.randrange(1024, 65535))}
    elif r < 0.70:
        eid, data = 4634, {"TargetUserSid": "S-1-5-21-1-2-3-1104", "TargetUserName": u,
                           "TargetDomainName": "HOSPITAL", "TargetLogonId": "0x%x" % rnd.randrange(1 << 32),
                           "LogonType": 3}
    elif r < 0.80:
        eid, data = 4672, {"SubjectUserSid": "S-1-5-21-1-2-3-500", "SubjectUserName": u,
                           "SubjectDomainName": "HOSPITAL", "SubjectLogonId": "0x%x" % rnd.randrange(1 << 32),
                           "PrivilegeList": "SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege"}
    elif r < 0.9995:
        sysd["Channel"] = "Microsoft-Windows-Sysmon/Operational"
        sysd["Provider"] = {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}}
        eid = rnd.choice([1, 3, 11])
        data = {"RuleName": "-", "UtcTime": "2026-12-07 01:00:00.000", "ProcessGuid": "{%08x-0000-0000-0000-000000000000}" % i,
                "ProcessId": rnd.randrange(100, 9000), "Image": rnd.choice(["C:\\Windows\\System32\\cmd.exe",
                 "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Program Files\\EHR\\client.exe"]),
                "CommandLine": "cmd.exe /c \"whoami /all\"" if eid == 1 else "-", "User": "HOSPITAL\\%s" % u,
                "ParentImage": "C:\\Windows\\explorer.exe", "Hashes": "SHA256=%064x" % rnd.randrange(1 << 64)}
    else:
        eid, data = 1102, {}
    sysd["EventID"] = eid
    ev = {"Event": {"#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
                    "System": sysd, "EventData": data}}
    return json.dumps(ev, separators=(",", ":"))


def main():
    with open(sys.argv[1], "w") as f:
        for i in range(int(sys.argv[2])):
            f.write(syslog_line(i) + "\n")
    with open(sys.argv[3], "w") as f:
        for i in range(int(sys.argv[4])):
            f.write(win_event(i) + "\n")


main()
