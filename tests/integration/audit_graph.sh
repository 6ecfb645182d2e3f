#!/usr/bin/env bash
# audit_graph.sh - `lifeboat audit graph` (docs/inventory.md, "Network diagram"): the Handa and Osaka examples drawn
# as DOT, SVG and PNG with the devices and paths `audit check` finds fault with marked (red, bold, class "finding",
# the finding ids in the label) — Handa's FortiGate and its SSL-VPN path into the EHR LAN, Osaka's always-on RDP
# path; the SVG parses as XML and holds the Japanese labels; the PNG is a PNG of a sane size; their fixed versions
# carry no mark; hostile names (quotes, backslashes, Graphviz escapes, newlines, Japanese) come out as text and
# inject nothing; a malformed inventory or an unknown format is refused with exit 2 and no file written.
set -e
. "$LB_SRC/tests/integration/lib.bash"
L="$LIFEBOAT"
EX="$LB_SRC/docs/examples"
PY=/usr/bin/python3

# ---- Handa: DOT ----
run "$L" audit graph --inventory "$EX/handa.yaml" --today 2021-10-01 --out "$T/handa.dot"
expect_rc 0 "handa DOT written"
expect_out "handa.dot \(dot\): 4 devices, 4 segments, 2 paths; 18 findings" "the summary line"
D="$T/handa.dot"
CHECKS=$((CHECKS + 1))
grep -q '^digraph lifeboat_audit {' "$D" || fail "not a DOT digraph"
for n in fgt-ehr ehr-db1 ehr-term-01 backup-nas; do
	CHECKS=$((CHECKS + 1))
	grep -qE "^ *d[0-9]+ \[id=\"d[0-9]+\", shape=[a-z0-9]+, label=\"$n(\\\\n|\")" "$D" || fail "handa: no node for $n"
done
CHECKS=$((CHECKS + 1))
grep -qE '^ *d[0-9]+ \[.*shape=octagon, label="fgt-ehr\\nFortinet FortiGate 6\.0\.4.*\[VPN-KEV, VPN-MGMT-EXPOSED, VPN-PATCH-AGE\].*CVE-2018-13379.*class="finding".*color="#cc0000"' \
	"$D" || fail "handa: the FortiGate is not marked with its findings"
CHECKS=$((CHECKS + 1))
grep -qE '^ *d[0-9]+ \[.*shape=cylinder, label="backup-nas".*fillcolor="white"' "$D" ||
	fail "handa: backup-nas (no finding) is marked or not a cylinder"
# the FortiGate's SSL-VPN segment into the EHR LAN: an edge between the two clusters, red, with its finding id
CHECKS=$((CHECKS + 1))
grep -qE '^ *a[0-9]+ -> a[0-9]+ \[id="p0", ltail=cluster_s[0-9]+, lhead=cluster_s[0-9]+, label="any, always on\\nNET-PATH-INTO-EHR".*class="finding", color="#cc0000"' \
	"$D" || fail "handa: the vpn-edge → ehr-lan path is not red with NET-PATH-INTO-EHR"
CHECKS=$((CHECKS + 1))
grep -qE 'id="p1".*label="smb, writable\\nNET-BACKUP-WRITABLE".*class="finding"' "$D" ||
	fail "handa: the writable backup path is not marked"
CHECKS=$((CHECKS + 1))
grep -qE '^ *internet -> d[0-9]+ \[id="x[0-9]+", style=dashed' "$D" || fail "handa: the internet node and exposure edge"
CHECKS=$((CHECKS + 1))
grep -qE 'other \[id="other".*ACC-REUSE-OPS-BACKUP  administrator\\l.*POL-PW-SHORT  ad\\l' "$D" ||
	fail "handa: account and policy findings not in the note"
CHECKS=$((CHECKS + 1))
grep -q 'subgraph cluster_legend' "$D" || fail "handa: no legend"

# ---- Handa: SVG ----
run "$L" audit graph --inventory "$EX/handa.yaml" --today 2021-10-01 --out "$T/handa.svg"
expect_rc 0 "handa SVG written"
$PY - "$T/handa.svg" >"$T/py.txt" 2>&1 <<'PYEOF' || fail "handa SVG: $(cat "$T/py.txt")"
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
for want in ("A町立病院 (Handa model)", "電子カルテ LAN", "fgt-ehr", "[VPN-KEV, VPN-MGMT-EXPOSED, VPN-PATCH-AGE]",
             "NET-PATH-INTO-EHR"):
    assert want in texts, (want, texts)
fonts = {t.get("font-family") for t in root.iter("{http://www.w3.org/2000/svg}text")}
assert fonts == {"Noto Sans CJK JP"}, fonts
groups = {g.get("id"): g for g in root.iter("{http://www.w3.org/2000/svg}g")}
p0 = groups["p0"]
assert "finding" in p0.get("class").split(), p0.get("class")
strokes = {e.get("stroke") for e in p0.iter() if e.get("stroke")}
assert "#cc0000" in strokes, strokes
fgt = [g for g in groups.values() if g.get("class", "").startswith("node") and
       any((t.text or "") == "fgt-ehr" for t in g.iter("{http://www.w3.org/2000/svg}text"))]
assert len(fgt) == 1 and "finding" in fgt[0].get("class").split(), [g.get("class") for g in fgt]
tips = [a.get("{http://www.w3.org/1999/xlink}title") or "" for a in root.iter("{http://www.w3.org/2000/svg}a")]
assert any("CVE-2018-13379" in t for t in tips), "no tooltip names the CVE"
PYEOF
CHECKS=$((CHECKS + 1))

# ---- Handa: PNG ----
run "$L" audit graph --inventory "$EX/handa.yaml" --today 2021-10-01 --out "$T/handa.png"
expect_rc 0 "handa PNG written"
$PY - "$T/handa.png" >"$T/py.txt" 2>&1 <<'PYEOF' || fail "handa PNG: $(cat "$T/py.txt")"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", b[:8]
assert b[12:16] == b"IHDR"
w, h = struct.unpack(">II", b[16:24])
assert 400 <= w <= 20000 and 300 <= h <= 20000, (w, h)
assert len(b) > 20000, len(b)
PYEOF
CHECKS=$((CHECKS + 1))

# ---- Osaka: the always-on RDP path from the contractor into the EHR segment ----
run "$L" audit graph -i "$EX/osaka.yaml" --today 2022-10-01 --out "$T/osaka.gv"
expect_rc 0 "osaka DOT (.gv) written"
CHECKS=$((CHECKS + 1))
grep -qE '^ *d[0-9]+ -> d[0-9]+ \[id="p0", label="rdp, always on\\nNET-PATH-INTO-EHR\\nNET-RDP-ALWAYS-ON".*class="finding", color="#cc0000"' \
	"$T/osaka.gv" || fail "osaka: the RDP path is not red with its findings"
CHECKS=$((CHECKS + 1))
grep -qE 'label="catering-fgt\\nFortinet FortiGate 6\.4\.5.*class="finding"' "$T/osaka.gv" ||
	fail "osaka: the contractor's FortiGate is not marked"
CHECKS=$((CHECKS + 1))
grep -qE 'label="ehr-term-01", .*fillcolor="white"' "$T/osaka.gv" || fail "osaka: ehr-term-01 (no finding) is marked"
CHECKS=$((CHECKS + 1))
grep -qE 'label="ehr-app1\\n\[EP-AV-OFF\]".*class="finding"' "$T/osaka.gv" || fail "osaka: ehr-app1 (no antivirus) is not marked"
run "$L" audit graph -i "$EX/osaka.yaml" --today 2022-10-01 --out "$T/osaka.svg"
expect_rc 0 "osaka SVG written"
$PY -c 'import sys, xml.etree.ElementTree as ET
t = [x.text for x in ET.parse(sys.argv[1]).getroot().iter("{http://www.w3.org/2000/svg}text")]
assert "給食事業者のデータセンター" in t and "B総合医療センター (Osaka model)" in t, t' "$T/osaka.svg" ||
	fail "osaka SVG lacks its Japanese labels"
CHECKS=$((CHECKS + 1))

# ---- the fixed versions: drawn, nothing marked ----
for f in handa-fixed:2021-12-01 osaka-fixed:2023-03-01; do
	run "$L" audit graph -i "$EX/${f%%:*}.yaml" --today "${f#*:}" --out "$T/${f%%:*}.dot"
	expect_rc 0 "${f%%:*} drawn"
	expect_out "; 0 findings" "${f%%:*}: no finding"
	CHECKS=$((CHECKS + 1))
	! grep -qE 'class="finding"|id="other"' "$T/${f%%:*}.dot" || fail "${f%%:*}: a risk mark on the fixed inventory"
	CHECKS=$((CHECKS + 1))
	[ "$(grep -c -- '-> ' "$T/${f%%:*}.dot")" -gt 3 ] || fail "${f%%:*}: its paths are not drawn"
	run "$L" audit graph -i "$EX/${f%%:*}.yaml" --today "${f#*:}" --out "$T/${f%%:*}.svg"
	expect_rc 0 "${f%%:*} SVG drawn"
	CHECKS=$((CHECKS + 1))
	! grep -q 'class="[^"]*finding' "$T/${f%%:*}.svg" || fail "${f%%:*}: a risk mark in the SVG"
done

# ---- hostile names: escaped, drawn as text, nothing injected ----
# (newlines and control characters the loader refuses; the escape handles them too: tests/unit/test_audit_graph.c)
cat >"$T/hostile.yaml" <<'YAML'
version: 1
hospital: {name: "試験\"病院\\ \\N \\G"}
segments:
  - {name: "seg\"]; evil [label=\"x", kind: ehr, description: "line \\l 電子カルテ"}
  - {name: "out\\", kind: contractor}
devices:
  - {name: "q\"uote\\back\\Nslash", type: server, segment: "seg\"]; evil [label=\"x"}
  - {name: "端末\"}; x -> y; {\"", type: terminal, segment: "seg\"]; evil [label=\"x", antivirus: "off"}
  - {name: "<b>& x</b>", type: medical, segment: "out\\"}
paths:
  - {from: "<b>& x</b>", to: "q\"uote\\back\\Nslash", service: "rdp\"\\", always_on: true, purpose: "a \"quoted\" \\ purpose"}
YAML
run "$L" audit graph -i "$T/hostile.yaml" --today 2024-01-01 --out "$T/hostile.dot"
expect_rc 0 "hostile DOT written"
run "$L" audit graph -i "$T/hostile.yaml" --today 2024-01-01 --out "$T/hostile.svg"
expect_rc 0 "hostile names: Graphviz parses the DOT and draws it"
$PY - "$T/hostile.svg" >"$T/py.txt" 2>&1 <<'PYEOF' || fail "hostile SVG: $(cat "$T/py.txt")"
import sys, xml.etree.ElementTree as ET
S = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
texts = [t.text or "" for t in root.iter(S + "text")]
for want in ('試験"病院\\ \\N \\G', 'seg"]; evil [label="x (ehr)', "line \\l 電子カルテ", "out\\ (contractor)",
             'q"uote\\back\\Nslash', '端末"}; x -> y; {"', "<b>& x</b>", 'rdp"\\, always on', "[EP-AV-OFF]"):
    assert want in texts, (want, texts)
nodes = [g for g in root.iter(S + "g") if g.get("class", "").split()[:1] == ["node"]]
real = [g.get("id") for g in nodes if not (g.get("id") or "").startswith(("legend", "a"))]
assert sorted(real) == ["d0", "d1", "d2"], real  # nothing injected: the three devices
edges = [g.get("id") for g in root.iter(S + "g") if g.get("class", "").split()[:1] == ["edge"]]
assert "p0" in edges and not any(e and e.startswith("x") for e in edges), edges
assert not any(t in ("x", "y", "evil") for t in texts), texts
PYEOF
CHECKS=$((CHECKS + 1))
CHECKS=$((CHECKS + 1))
grep -q 'label="q\\"uote\\\\back\\\\Nslash"' "$T/hostile.dot" || fail "hostile DOT: the name is not escaped as DOT wants"

# ---- refused: malformed inventory, unknown format; nothing written, an existing diagram left as it was ----
cat >"$T/bad.yaml" <<'YAML'
version: 1
devices:
  - {name: a, type: toaster}
paths:
  - {from: a, to: nowhere, service: smb}
YAML
run "$L" audit graph -i "$T/bad.yaml" --out "$T/bad.svg"
expect_rc 2 "a malformed inventory is refused"
expect_err 'bad.yaml:[0-9]+' "the error names the file and line"
CHECKS=$((CHECKS + 1))
[ ! -e "$T/bad.svg" ] || fail "a file was written for a malformed inventory"
cp "$T/handa.svg" "$T/keep.svg"
run "$L" audit graph -i "$T/bad.yaml" --out "$T/keep.svg"
expect_rc 2 "refused over an existing diagram"
CHECKS=$((CHECKS + 1))
cmp -s "$T/handa.svg" "$T/keep.svg" || fail "the existing diagram was changed by a refused run"
printf 'version: 1\ndevices: [\n' >"$T/broken.yaml"
run "$L" audit graph -i "$T/broken.yaml" --out "$T/broken.dot"
expect_rc 2 "broken YAML is refused"
CHECKS=$((CHECKS + 1))
[ ! -e "$T/broken.dot" ] || fail "a file was written for broken YAML"
run "$L" audit graph -i "$EX/handa.yaml" --out "$T/handa.bmp"
expect_rc 2 "an unknown extension without --format"
expect_one_line_err "unknown extension"
CHECKS=$((CHECKS + 1))
[ ! -e "$T/handa.bmp" ] || fail "a file was written for an unknown format"
run "$L" audit graph -i "$EX/handa.yaml" --out "$T/x.svg" --format gif
expect_rc 2 "--format gif"
run "$L" audit graph -i "$EX/handa.yaml"
expect_rc 2 "--out is required"
expect_one_line_err "--out missing"
# --format beats the extension; - is stdout
run "$L" audit graph -i "$EX/handa.yaml" --today 2021-10-01 --out "$T/handa.txt" --format svg
expect_rc 0 "--format svg with a .txt name"
CHECKS=$((CHECKS + 1))
head -c 200 "$T/handa.txt" | grep -q '<svg\|<?xml' || fail "--format svg did not write SVG"
run "$L" audit graph -i "$EX/handa.yaml" --today 2021-10-01 --out -
expect_rc 0 "--out - writes DOT on stdout"
expect_out '^digraph lifeboat_audit' "DOT on stdout"
run "$L" audit graph --help
expect_rc 0 "--help"
expect_out "police" "the help says what the diagram is for"
LIFEBOAT_LANG=ja run "$L" audit graph -i "$EX/handa.yaml" --today 2021-10-01 --out "$T/ja.dot"
expect_out "機器 4、セグメント 4、経路 2" "the summary in Japanese"
CHECKS=$((CHECKS + 1))
grep -q '凡例' "$T/ja.dot" || fail "the legend in Japanese"
finish
