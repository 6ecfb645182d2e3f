#!/usr/bin/env python3
"""gen_corpus.py - a reproducible mixed corpus like a hospital's backup source (bench/vault).

usage: gen_corpus.py DIR SIZE_MB SEED      write the corpus into DIR (about SIZE_MB MiB)
       gen_corpus.py --modify DIR PERCENT SEED   change PERCENT % of the files the way a working day does

Half text that compresses like EHR exports (SS-MIX2-like HL7 in ISO-2022-JP, CSV, logs, SQL dumps), half
incompressible (JPEG-like images, DICOM-like studies, random blobs). Everything comes from seeded generators, so
the same SIZE_MB and SEED give the same bytes.
"""
import os
import random
import sys

WORDS_JA = ("患者 検査 処方 退院 入院 血圧 体温 看護記録 予約 内科 外科 小児科 整形外科 眼科 皮膚科 "
            "アムロジピン ロキソプロフェン 錠 mg 1日3回 毎食後 経過良好 発熱 咳嗽 疼痛 なし あり").split()
WORDS_EN = ("patient ward bed order result glucose sodium potassium creatinine hemoglobin platelet "
            "normal high low pending final amended nurse doctor pharmacy admission discharge transfer").split()


def text_words(rng, n, words):
    out, size = [], 0
    while size < n:
        w = rng.choices(words, k=64)
        line = " ".join(w)
        out.append(line)
        size += len(line.encode()) + 1
    return "\n".join(out)


def hl7(rng, pid, i):
    ts = "2026%02d%02d%02d%02d00" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59))
    segs = ["MSH|^~\\&|HIS|HOSP|SSMIX2|HOSP|%s||OML^O33|MSG%08d|P|2.5||||||~ISO IR87||ISO 2022-1994" % (ts, i),
            "PID|||%s^^^^PI||山田^太郎^^^^^L^I~ヤマダ^タロウ^^^^^L^P||19%02d0101|M" % (pid, rng.randint(30, 99))]
    for k in range(rng.randint(5, 120)):
        segs.append("OBX|%d|NM|%05d^%s^JC10||%.1f|mg/dL|%s|N|||F|||%s" % (
            k + 1, rng.randint(0, 99999), rng.choice(WORDS_JA + WORDS_EN), rng.uniform(0, 300),
            rng.choice(["0.5-1.1", "3.5-5.0", "135-145"]), ts))
        if rng.random() < 0.3:
            segs.append("NTE|%d||%s" % (k + 1, text_words(rng, rng.randint(20, 200), WORDS_JA)))
    return ("\r".join(segs) + "\r").encode("iso2022_jp", "replace")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def generate(root, size_mb, seed):
    rng = random.Random(seed)
    budget = size_mb << 20
    shares = {"hl7": 0.20, "csv": 0.10, "log": 0.08, "dump": 0.12, "jpeg": 0.25, "dicom": 0.15, "blob": 0.10}
    for kind, share in shares.items():
        left = int(budget * share)
        i = 0
        while left > 0:
            if kind == "hl7":
                pid = "%010d" % rng.randint(0, 10**10 - 1)
                typ = rng.choice(["OML-11", "OMP-01", "ADT-00", "PPR-01"])
                p = os.path.join(root, "ssmix2", pid[0:3], pid[3:6], pid, "2026%04d" % rng.randint(101, 1228), typ,
                                 "%s_2026_%s_%08d_1" % (pid, typ, i))
                data = hl7(rng, pid, i)
            elif kind == "csv":
                p = os.path.join(root, "exports", "csv", "labs_%04d.csv" % i)
                rows = ["patient_id,date,item,value,unit,flag"]
                for _ in range(rng.randint(2000, 40000)):
                    rows.append("%010d,2026-%02d-%02d,%s,%.2f,mg/dL,%s" % (
                        rng.randint(0, 10**10 - 1), rng.randint(1, 12), rng.randint(1, 28), rng.choice(WORDS_EN),
                        rng.uniform(0, 300), rng.choice("NHL")))
                data = "\n".join(rows).encode()
            elif kind == "log":
                p = os.path.join(root, "logs", "app-%04d.log" % i)
                lines = ["2026-11-%02dT%02d:%02d:%02d host his[%d]: %s" % (
                    rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                    rng.randint(100, 9999), text_words(rng, 60, WORDS_EN)) for _ in range(rng.randint(2000, 20000))]
                data = "\n".join(lines).encode()
            elif kind == "dump":
                p = os.path.join(root, "dumps", "ehr_db_%02d.sql" % i)
                n = min(left, rng.randint(16, 64) << 20)
                parts, size = [], 0
                while size < n:
                    s = "INSERT INTO orders VALUES (%d,'%010d','%s','%s');\n" % (
                        rng.randint(0, 10**9), rng.randint(0, 10**10 - 1), rng.choice(WORDS_JA),
                        text_words(rng, rng.randint(40, 400), WORDS_JA + WORDS_EN))
                    parts.append(s)
                    size += len(s.encode())
                data = "".join(parts).encode()
            elif kind == "jpeg":
                p = os.path.join(root, "images", "%03d" % (i // 50), "photo_%05d.jpg" % i)
                data = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + rng.randbytes(min(left, rng.randint(200 << 10, 3 << 20)))
            elif kind == "dicom":
                p = os.path.join(root, "pacs", "study%03d" % (i // 20), "IM%05d.dcm" % i)
                data = bytes(128) + b"DICM" + rng.randbytes(min(left, rng.randint(512 << 10, 6 << 20)))
            else:
                p = os.path.join(root, "blobs", "blob_%04d.bin" % i)
                data = rng.randbytes(max(1, min(left, rng.randint(1 << 20, 10 << 20))))
            left -= write(p, data)
            i += 1


def modify(root, percent, seed):
    rng = random.Random(seed * 7919 + 1)
    files = []
    for dp, dns, fns in os.walk(root):
        dns.sort()
        for fn in sorted(fns):
            files.append(os.path.join(dp, fn))
    pick = rng.sample(files, max(1, len(files) * percent // 100))
    changed = 0
    for p in pick:
        with open(p, "rb") as f:
            data = f.read()
        mid = len(data) // 2
        if p.endswith((".jpg", ".dcm", ".bin")):
            data = data[:mid] + rng.randbytes(min(65536, len(data) - mid)) + data[mid + 65536:]
        else:
            data = data[:mid] + text_words(rng, 2048, WORDS_EN).encode()[:2048] + data[mid:]
        with open(p, "wb") as f:
            f.write(data)
        changed += len(data)
    print("%d %d" % (len(pick), changed))


if __name__ == "__main__":
    if sys.argv[1] == "--modify":
        modify(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        generate(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
