#!/usr/bin/env python3
"""gen_rules.py DIR N - N SigmaHQ-style rules for the rule benchmark (bench/logs): Windows process and logon
rules with contains/endswith lists, EventID selections, filters under `not`, some regexes and cidr ranges, in the
proportions of SigmaHQ's windows/builtin and process_creation folders (roughly: 80 % literal lists, 10 % regex,
10 % cidr/numeric). Deterministic (seeded)."""
import os
import random
import sys
import uuid

out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(18)
words = ["mimikatz", "sekurlsa", "procdump", "lsass", "rundll32", "regsvr32", "certutil", "bitsadmin", "vssadmin",
         "wbadmin", "bcdedit", "psexec", "wmic", "schtasks", "mshta", "cscript", "wscript", "netsh", "reg.exe",
         "-encodedcommand", "downloadstring", "invoke-expression", "frombase64string", "shadowcopy", "delete",
         "anydesk", "teamviewer", "ngrok", "plink", "rclone", "mega", "7z.exe", "winrar", "adfind", "bloodhound",
         "sharphound", "rubeus", "kerberoast", "dcsync", "ntds.dit", "comsvcs", "minidump", "cobalt", "beacon"]
os.makedirs(out, exist_ok=True)
for i in range(n):
    kind = rnd.random()
    sel = []
    if kind < 0.8:
        field = rnd.choice(["CommandLine", "Image", "ParentImage", "TargetFilename"])
        mod = rnd.choice(["contains", "endswith", "contains|all"])
        vals = ["%s%d" % (rnd.choice(words), rnd.randrange(1000)) for _ in range(rnd.randrange(1, 5))]
        sel.append("    %s|%s:\n%s" % (field, mod, "".join("      - '%s'\n" % v for v in vals)))
    elif kind < 0.9:
        sel.append("    CommandLine|re: '(?i)%s[0-9]+\\s+-[a-z]{2,}'\n" % rnd.choice(words))
    else:
        sel.append("    IpAddress|cidr: '%d.%d.0.0/16'\n    LogonType: %d\n" % (rnd.randrange(1, 223),
                   rnd.randrange(256), rnd.choice([3, 10])))
    filt = "  filter:\n    User|contains: 'svc_%d'\n" % i if rnd.random() < 0.3 else ""
    cond = "selection and not filter" if filt else "selection"
    with open(os.path.join(out, "bench_%04d.yml" % i), "w") as f:
        f.write("title: bench rule %d\nid: %s\nlevel: medium\nlogsource:\n  product: windows\n"
                "detection:\n  selection:\n%s%s  condition: %s\n" % (i, uuid.UUID(int=rnd.getrandbits(128)),
                                                                  "".join(sel), filt, cond))
