#!/usr/bin/env python3
"""bench/audit/gen.py OUT.yaml [DEVICES] [ACCOUNTS] - a large hospital's inventory for bench/audit/run: 60 segments,
DEVICES devices (default 5,000: servers, terminals, network and VPN boxes, storage, medical), one path per 2.5
devices, 250 systems, ACCOUNTS accounts (default 50,000) with a realistic share of the faults `audit check` looks
for (reused credentials, shared and leaver accounts, admin users, dormant ones, remote without MFA), a policy per
system. Seeded: the same arguments give the same file."""
import random
import sys

out = sys.argv[1]
ndev = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
nacc = int(sys.argv[3]) if len(sys.argv) > 3 else 50000
r = random.Random(17)
w = []
w.append("version: 1\nhospital:\n  name: \"ベンチ総合病院 (bench)\"\n  checked: 2025-06-01\n  password_min_length: 10\n")
segs = [("internet", "internet"), ("vpn-edge", "vpn"), ("dmz", "dmz"), ("backup-lan", "backup"),
        ("mgmt", "management")]
segs += [(f"ehr-{i:02d}", "ehr") for i in range(20)]
segs += [(f"office-{i:02d}", "office") for i in range(20)]
segs += [(f"medical-{i:02d}", "medical") for i in range(10)]
segs += [(f"contractor-{i}", "contractor") for i in range(5)]
w.append("segments:\n")
for name, kind in segs:
    w.append(f"  - {{name: {name}, kind: {kind}, description: \"{name} 区画\"}}\n")
inner = [s for s, k in segs if k in ("ehr", "office", "medical")]
FORTI = ["6.0.4", "6.4.5", "7.0.12", "7.2.7", "7.4.3"]
w.append("devices:\n")
devs = []
for i in range(ndev):
    x = r.random()
    name = f"dev-{i:05d}"
    if i < 20:
        t, seg = "vpn", ("vpn-edge" if i < 12 else f"contractor-{i % 5}")
        w.append(f"  - {{name: {name}, type: vpn, vendor: Fortinet, product: FortiGate, version: \"{r.choice(FORTI)}\", "
                 f"segment: {seg}, internet_facing: true, remote_maintenance: true, vendor_name: \"保守業者 {i}\", "
                 f"patched: 2025-0{r.randint(1, 5)}-1{r.randint(0, 9)}, management_exposed: {str(r.random() < 0.2).lower()}}}\n")
    elif x < 0.06:
        t, seg = "server", r.choice(inner + ["dmz"])
        svc = "rdp" if r.random() < 0.2 else "https"
        w.append(f"  - {{name: {name}, type: server, os: \"Windows Server 2019\", segment: {seg}, "
                 f"antivirus: {'off' if r.random() < 0.03 else 'on'}, updates: {'off' if r.random() < 0.05 else 'auto'}, "
                 f"services: [{{name: {svc}, port: {3389 if svc == 'rdp' else 443}}}]}}\n")
    elif x < 0.82:
        t, seg = "terminal", r.choice(inner)
        w.append(f"  - {{name: {name}, type: terminal, os: \"Windows 10\", segment: {seg}, "
                 f"antivirus: {'off' if r.random() < 0.02 else 'on'}, updates: {'off' if r.random() < 0.03 else 'auto'}}}\n")
    elif x < 0.90:
        t, seg = "network", r.choice(inner + ["mgmt"])
        w.append(f"  - {{name: {name}, type: network, vendor: Cisco, product: Catalyst, segment: {seg}}}\n")
    elif x < 0.92:
        t, seg = "storage", "backup-lan"
        w.append(f"  - {{name: {name}, type: storage, role: backup, segment: {seg}}}\n")
    else:
        t, seg = "medical", r.choice([s for s in inner if s.startswith("medical")])
        w.append(f"  - {{name: {name}, type: medical, vendor: \"医療機器メーカー\", product: CT, segment: {seg}}}\n")
    devs.append((name, t, seg))
w.append("paths:\n")
storage = [d for d in devs if d[1] == "storage"]
for i in range(ndev * 2 // 5):
    x = r.random()
    if x < 0.01:
        w.append(f"  - {{from: contractor-{r.randint(0, 4)}, to: {r.choice(inner)}, service: rdp, always_on: true}}\n")
    elif x < 0.05 and storage:
        w.append(f"  - {{from: {r.choice(inner)}, to: {r.choice(storage)[0]}, service: smb, writable: {str(r.random() < 0.3).lower()}}}\n")
    else:
        a, b = r.choice(devs), r.choice(devs)
        w.append(f"  - {{from: {a[0]}, to: {b[0]}, service: {r.choice(['https', 'hl7', 'dicom', 'smb', 'sql'])}, "
                 f"purpose: \"業務 {i}\"}}\n")
w.append("systems:\n")
nsys = 250
systems = []
for i in range(nsys):
    kind = "backup" if i % 25 == 0 else "security" if i % 25 == 1 else "departmental" if i % 3 == 0 else "operational"
    name = f"sys-{i:03d}"
    members = ", ".join(d[0] for d in r.sample(devs, min(20, len(devs))))
    w.append(f"  - {{name: {name}, kind: {kind}, vendor: \"事業者 {i % 40}\", devices: [{members}]}}\n")
    systems.append(name)
w.append("accounts:\n")
for i in range(nacc):
    user = f"u{i:05d}"
    sysname = r.choice(systems)
    if r.random() < 0.05:  # one password on several systems: the same user's fingerprint again below
        cred = f"fp1:0bench00:{r.randint(0, 499):032x}"
    else:
        cred = f"fp1:0bench00:{(10**9 + i):032x}"
    extra = []
    if r.random() < 0.01:
        extra.append("shared: true")
    if r.random() < 0.02:
        extra.append("status: left")
    if r.random() < 0.03:
        extra.append("role: user, admin: true")
    if r.random() < 0.01:
        extra.append("remote: true, mfa: false")
    login = f"202{r.randint(3, 5)}-0{r.randint(1, 5)}-{r.randint(10, 28)}"
    e = (", " + ", ".join(extra)) if extra else ""
    w.append(f"  - {{user: {user}, system: {sysname}, credential: \"{cred}\", last_login: {login}{e}}}\n")
w.append("policies:\n")
for i, s in enumerate(systems):
    w.append(f"  - {{system: {s}, password_min_length: {r.choice([6, 8, 10, 12])}, lockout_threshold: {r.choice([0, 5, 10])}}}\n")
with open(out, "w", encoding="utf-8") as f:
    f.write("".join(w))
