#!/usr/bin/env python3
"""number_labels_check.py PDF WANT COPIES - read a label sheet of downtime numbers back as a ward would.

WANT holds the numbers, one a line, in the order they were handed to the printer. The sheet passes when:
  - every font is embedded (pdffonts), so the sheet prints the same on any PC;
  - the numbers printed (pdftotext -bbox), read page by page, row by row, left to right, are WANT with each
    number COPIES times in a row, none missing, none extra;
  - the label area under each printed number, cut from the page rendered at 300 dpi (pdftoppm), holds exactly one
    barcode (zbarimg), Code 128, and it decodes to that number;
  - the whole pages hold no other barcode (a code is reported once per page, however many labels carry it).
`number_labels_check.py --list PDF` prints the numbers on the labels, one a line, in that reading order (a patient
number's two labels once). Used by tests/unit/test_print_numbers.c and tests/integration/print_numbers.sh. Exit 0 when it passes, 1 with
what is wrong on stderr otherwise.
"""
import glob
import html
import os
import re
import subprocess
import sys
import tempfile

DPI = 300
NUMBER = re.compile(r"^D[TP]-[0-9A-Z-]+$")


def fail(msg):
    print(f"number_labels_check: {msg}", file=sys.stderr)
    sys.exit(1)


def run(*args):
    p = subprocess.run(args, capture_output=True, text=True)
    return p.returncode, p.stdout


def read_pgm(path):
    data = open(path, "rb").read()
    # P5 <w> <h> <max>\n<bytes>: pdftoppm writes no comments
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m:
        fail(f"{path}: not a PGM")
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def write_crop(path, page, x0, y0, x1, y1):
    w, h, px = page
    x0, y0 = max(0, int(x0)), max(0, int(y0))
    x1, y1 = min(w, int(x1)), min(h, int(y1))
    rows = [px[y * w + x0:y * w + x1] for y in range(y0, y1)]
    with open(path, "wb") as f:
        f.write(b"P5 %d %d 255\n" % (x1 - x0, y1 - y0))
        f.write(b"".join(rows))


def decode(files):
    """{file: [(type, data)]} of every barcode zbarimg finds in each file."""
    out = {f: [] for f in files}
    if not files:
        return out
    _, xml = run("zbarimg", "--xml", "-q", *files)
    src = None
    for line in xml.splitlines():
        m = re.search(r"<source href='([^']*)'", line)
        if m:
            src = m.group(1)
        for t, d in re.findall(r"<symbol type='([^']*)'[^>]*><data><!\[CDATA\[(.*?)\]\]></data>", line):
            out.setdefault(src, []).append((t, d))
    return out


def printed_numbers(pdf):
    """(page, yMin, xMin, xMax, number) of each number printed, page by page, row by row, left to right."""
    _, bbox = run("pdftotext", "-bbox", pdf, "-")
    pages = bbox.split("<page ")[1:]
    printed = []
    for p, page in enumerate(pages):
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            text = html.unescape(m.group(5))
            if NUMBER.match(text):
                printed.append((p, float(m.group(2)), float(m.group(1)), float(m.group(3)), text))
    printed.sort(key=lambda w: (w[0], round(w[1]), w[2]))
    return printed, len(pages)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--list":
        out = []
        for w in printed_numbers(sys.argv[2])[0]:
            if not out or out[-1] != w[4]:
                out.append(w[4])
        print("\n".join(out))
        return
    if len(sys.argv) != 4:
        fail("usage: number_labels_check.py PDF WANT COPIES | --list PDF")
    pdf, want_file, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    want = [l.strip() for l in open(want_file) if l.strip()]
    want = [n for n in want for _ in range(copies)]

    rc, fonts = run("pdffonts", pdf)
    rows = fonts.splitlines()[2:]
    if rc != 0 or not rows:
        fail(f"pdffonts {pdf} failed or lists no font")
    for r in rows:
        if r.split()[-5] != "yes":
            fail(f"a font is not embedded: {r}")

    printed, npages = printed_numbers(pdf)
    got = [w[4] for w in printed]
    if got != want:
        diff = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        fail(f"printed numbers differ from the wanted ones at label {diff + 1} of {len(want)} "
             f"(printed {len(got)}: {got[diff:diff + 3]}, wanted {want[diff:diff + 3]})")

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", pdf, f"{tmp}/p"], check=True)
        imgs = sorted(glob.glob(f"{tmp}/p-*.pgm"), key=lambda f: int(re.search(r"-(\d+)\.pgm$", f).group(1)))
        if len(imgs) != npages:
            fail(f"{len(imgs)} pages rendered, {npages} in the text")
        s = DPI / 72.0
        crops = []
        for i, (p, y, x0, x1, text) in enumerate(printed):
            page = read_pgm(imgs[p])
            cx = (x0 + x1) / 2
            # the label under the number: its width (the number is centred), down to above the handwriting lines
            name = f"{tmp}/c{i}.pgm"
            write_crop(name, page, (cx - 128) * s, (y - 2) * s, (cx + 128) * s, (y + 52) * s)
            crops.append(name)
        found = decode(crops)
        for name, (p, y, x0, x1, text) in zip(crops, printed):
            codes = found.get(name, [])
            if codes != [("CODE-128", text)]:
                fail(f"page {p + 1}: the label of {text} decodes to {codes or 'nothing'}")
        # zbar reports a code once per image however often it is there (the band and chart labels of a patient)
        whole = decode(imgs)
        for p, img in enumerate(imgs):
            codes = {d for t, d in whole.get(img, [])}
            on_page = {w[4] for w in printed if w[0] == p}
            if codes != on_page:
                fail(f"page {p + 1} holds barcodes of {sorted(codes - on_page)[:3]} that no label prints")
    print(f"number_labels_check: {len(printed)} labels on {npages} pages read back")


main()
