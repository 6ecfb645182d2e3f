#!/usr/bin/env python3
# pdf_runs.py - the text runs of a PDF as cairo writes it, one a line: FACE<TAB>TEXT, where FACE is the font face
# the run is shown in (cairo names its font resources f-FACE-SUBSET: one FACE per font and weight, so a bold run
# and a regular one have different faces, with IPAex's made-up bold as with Noto CJK's own Bold) and TEXT the
# run's characters, decoded through the font's ToUnicode map. Enough to tell which words are bold: find the face
# of a word known to be bold (a column head) and compare. Only zlib and the standard library.
#
#   python3 pdf_runs.py FILE.pdf
import re
import sys
import zlib

TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>]+|[-+.0-9]+|[A-Za-z'\"*]+")


def literal(tok):
    s, out, i = tok[1:-1], bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == 0x5C and i + 1 < len(s):  # a backslash escape
            i += 1
            e = s[i]
            if 0x30 <= e <= 0x37:
                j = i
                while j < len(s) and j < i + 3 and 0x30 <= s[j] <= 0x37:
                    j += 1
                out.append(int(s[i:j], 8) & 0xFF)
                i = j
                continue
            out.append({0x6E: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12}.get(e, e))
        else:
            out.append(c)
        i += 1
    return bytes(out)


def hexstr(tok):
    h = re.sub(rb"\s", b"", tok[1:-1])
    return bytes.fromhex((h + b"0" * (len(h) % 2)).decode())


def objects(data):
    """number -> (dictionary text, decompressed stream or None)"""
    out = {}
    for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S):
        body, stream = m.group(2), None
        s = re.search(rb"stream\r?\n", body)
        if s:
            raw = body[s.end():body.rfind(b"endstream")]
            try:
                stream = zlib.decompress(raw) if b"FlateDecode" in body[:s.start()] else raw
            except zlib.error:
                stream = raw
            body = body[:s.start()]
        out[int(m.group(1))] = (body, stream)
    return out


def cmap_of(stream):
    """(code length in bytes, {code: text}) from a ToUnicode CMap"""
    width, table = 1, {}
    r = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", stream)
    if r:
        width = len(r.group(1)) // 2
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for a, b in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(a, 16)] = bytes.fromhex(b.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for a, b, c in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = bytes.fromhex(c.decode()).decode("utf-16-be", "replace")
            for k in range(int(a, 16), int(b, 16) + 1):
                table[k] = base[:-1] + chr(ord(base[-1]) + k - int(a, 16))
    return width, table


def fonts(objs):
    """resource name (f-0-1) -> (code length, table) or None when the font has no ToUnicode map"""
    out = {}
    for body, _ in objs.values():
        for d in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, num in re.findall(rb"/([^\s/<>\[\]]+)\s+(\d+)\s+0\s+R", d):
                fb = objs.get(int(num), (b"", None))[0]
                tu = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", fb)
                cm = objs.get(int(tu.group(1)), (b"", None))[1] if tu else None
                out[name.decode()] = cmap_of(cm) if cm else None
    return out


def decode(raw, font):
    if not font:
        return raw.decode("latin1")
    width, table = font
    return "".join(table.get(int.from_bytes(raw[i:i + width], "big"), "")
                   for i in range(0, len(raw) - width + 1, width))


def runs(data):
    objs = objects(data)
    fmap = fonts(objs)
    for _, stream in objs.values():
        if not stream or b"Tf" not in stream or b"BT" not in stream:
            continue
        font, stack, arr = None, [], None
        for tok in TOKEN.findall(stream):
            if tok == b"[":
                arr = []
            elif tok == b"]":
                stack.append(arr if arr is not None else [])
                arr = None
            elif arr is not None:
                arr.append(tok)
            elif tok == b"Tf":
                font = stack[-2].decode()[1:] if len(stack) >= 2 and isinstance(stack[-2], bytes) else None
                stack = []
            elif tok in (b"Tj", b"TJ", b"'", b'"'):
                parts = stack[-1] if stack and isinstance(stack[-1], list) else stack[-1:]
                text = ""
                for p in parts:
                    if isinstance(p, bytes) and p[:1] == b"(":
                        text += decode(literal(p), fmap.get(font))
                    elif isinstance(p, bytes) and p[:1] == b"<":
                        text += decode(hexstr(p), fmap.get(font))
                if text:
                    m = re.match(r"f-(\d+)-\d+$", font or "")
                    yield (m.group(1) if m else font), text
                stack = []
            elif re.fullmatch(rb"[A-Za-z*]+", tok):
                stack = []
            else:
                stack.append(tok)


if __name__ == "__main__":
    for face, text in runs(open(sys.argv[1], "rb").read()):
        print(f"{face}\t{text}")
