#!/usr/bin/env python3
"""watch_share.py DIR N [SEED] - make a share of N office-like files for watch tests and bench/watch.

Real formats, the mix of a hospital department's file server: Word/Excel (zip, deflated XML), PDF, text,
CSV, HL7, JPEG-like and PNG images, in nested folders. Deterministic for a seed.
"""
import io, os, random, struct, sys, zipfile, zlib

WORDS = ("patient ward nurse order dose schedule report meeting rota pharmacy lab result discharge admission "
         "allergy insulin budget invoice supplier audit backup policy incident training minutes").split()


def text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def office(rng, kind):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        part = "word/document.xml" if kind == "docx" else "xl/worksheets/sheet1.xml"
        z.writestr(part, "<?xml version=\"1.0\"?><doc>%s</doc>" % "".join(
            "<p>%s</p>" % text(rng, 30) for _ in range(rng.randint(20, 200))))
    return b.getvalue()


def pdf(rng):
    body = text(rng, rng.randint(100, 800))
    return ("%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n2 0 obj << /Length %d >> stream\nBT (%s) Tj ET\n"
            "endstream endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n" % (len(body), body)).encode()


def png(rng):
    w, h = 64, 64
    raw = b"".join(b"\0" + bytes(rng.randrange(0, 64) for _ in range(w * 3)) for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def jpeg(rng):
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + \
        rng.randbytes(rng.randint(4000, 30000)) + b"\xff\xd9"


def make(rng, i):
    kind = rng.choice(["docx", "docx", "xlsx", "pdf", "pdf", "txt", "csv", "hl7", "jpg", "png"])
    if kind in ("docx", "xlsx"):
        data = office(rng, kind)
    elif kind == "pdf":
        data = pdf(rng)
    elif kind == "txt":
        data = (text(rng, rng.randint(200, 2000)) + "\n").encode()
    elif kind == "csv":
        data = "".join("%d,%s,%s,%d\n" % (j, rng.choice(WORDS), rng.choice(WORDS), rng.randint(0, 999))
                       for j in range(rng.randint(50, 500))).encode()
    elif kind == "hl7":
        data = ("MSH|^~\\&|EHR|HOSP|||20261124||ADT^A08|%d|P|2.5\rPID|||%07d||YAMADA^TARO\r" % (i, i)).encode() * 4
    elif kind == "jpg":
        data = jpeg(rng)
    else:
        data = png(rng)
    return "%s-%04d.%s" % (rng.choice(WORDS), i, kind), data


def main():
    root, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    depts = ["総務", "medical-records", "nursing", "pharmacy", "radiology", "lab"]
    for i in range(n):
        d = os.path.join(root, depts[i % len(depts)], "%04d" % (i // 50 % 20))
        os.makedirs(d, exist_ok=True)
        name, data = make(rng, i)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


main()
