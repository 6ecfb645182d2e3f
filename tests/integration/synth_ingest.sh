#!/usr/bin/env bash
# synth_ingest.sh - the synthetic hospital through the whole clinical path: synth 200 patients, ingest all four
# feeds (SS-MIX2, FHIR, appointments CSV, drug master CSV) with no warning, then `patient --json` of known
# patients shows their kanji and kana names, birth date, sex, phones, allergies and prescriptions exactly as synth
# wrote them (checked against the FHIR files synth wrote, parsed independently with python3), and `search` finds
# them by kana in any script and width and by birth date.
set -euo pipefail
: "${LIFEBOAT:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

h="$work/h"
"$LIFEBOAT" synth --out "$h" --patients 200 --seed 11 > /dev/null
"$LIFEBOAT" ingest --db "$work/c.db" --ssmix2 "$h/ssmix2" --fhir "$h/fhir" --appointments "$h/appointments.csv" \
	--drugs "$h/drugs.csv" --json > "$work/ingest.json" || fail "ingest exited $?: $(head -c 600 "$work/ingest.json")"

python3 - "$h" "$work" "$LIFEBOAT" <<'PY'
import json, subprocess, sys, unicodedata
h, work, lb = sys.argv[1], sys.argv[2], sys.argv[3]
def fail(msg):
    print("FAIL: " + msg, file=sys.stderr); sys.exit(1)
ing = json.load(open(work + "/ingest.json"))
if ing["warnings"] != 0: fail("ingest warned: %r" % ing["warning_list"][:3])
if ing["patients"] != 200: fail("ingest has %d patients" % ing["patients"])

def ndjson(t):
    return [json.loads(l) for l in open("%s/fhir/%s.ndjson" % (h, t), encoding="utf-8")]
pats = {p["id"]: p for p in ndjson("Patient")}
allergies, meds = {}, {}
for a in ndjson("AllergyIntolerance"):
    allergies.setdefault(a["patient"]["reference"].split("/")[1], set()).add(a["code"]["text"])
for m in ndjson("MedicationRequest"):
    if m["status"] == "active":
        d = m["dosageInstruction"][0]
        meds.setdefault(m["subject"]["reference"].split("/")[1], set()).add(
            (m["medicationCodeableConcept"]["coding"][0]["code"], m["medicationCodeableConcept"]["text"],
             float(d["doseAndRate"][0]["doseQuantity"]["value"]), d["doseAndRate"][0]["doseQuantity"]["unit"],
             float(d["timing"]["repeat"]["frequency"]), d["text"]))

def names(p):
    out = {}
    for n in p["name"]:
        rep = n["extension"][0]["valueCode"]
        out[rep] = (n["family"], n["given"][0])
    return out

# patients with an allergy and an active prescription, and some without
with_both = [pid for pid in pats if pid in allergies and pid in meds]
if len(with_both) < 3: fail("synth gave too few patients with allergies and medicines: %d" % len(with_both))
sample = with_both[:5] + [pid for pid in list(pats)[:5] if pid not in with_both]
checked = 0
for pid in sample:
    r = subprocess.run([lb, "patient", "--db", work + "/c.db", "--id", pid, "--json"], capture_output=True, text=True)
    if r.returncode != 0: fail("patient %s exited %d: %s" % (pid, r.returncode, r.stderr))
    got = json.loads(r.stdout)
    src = pats[pid]; nm = names(src)
    want = {"family_kanji": nm["IDE"][0], "given_kanji": nm["IDE"][1], "family_kana": nm["SYL"][0],
            "given_kana": nm["SYL"][1], "birth_date": src["birthDate"], "sex": src["gender"][0].upper()}
    for t in src.get("telecom", []):
        want["phone_home" if t["use"] == "home" else "phone_mobile"] = t["value"]
    for k, v in want.items():
        if got.get(k) != v: fail("patient %s: %s is %r, synth wrote %r" % (pid, k, got.get(k), v))
    ga = {a["name"] for a in got["allergies"]}
    if ga != allergies.get(pid, set()): fail("patient %s: allergies %r, synth wrote %r" % (pid, ga, allergies.get(pid)))
    gm = {(m["drug_code"], m["drug_name"], float(m["dose"]), m["dose_unit"], float(m["per_day"]), m["frequency"])
          for m in got["medications"] if m["status"] == "active"}
    if gm != meds.get(pid, set()): fail("patient %s: active medicines %r, synth wrote %r" % (pid, gm, meds.get(pid)))
    # search finds the patient by kana in katakana, hiragana and half-width, and by birth date
    kana = nm["SYL"][0] + nm["SYL"][1]
    hira = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)
    half = unicodedata.normalize("NFKC", kana)  # NFKC keeps full width; make half-width by table below
    table = {v: k for k, v in {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF66, 0xFF9E)}.items()}
    half = "".join(table.get(c, c) for c in kana)
    for q in (kana, hira, half):
        r = subprocess.run([lb, "search", "--db", work + "/c.db", "--json", q, src["birthDate"]], capture_output=True, text=True)
        if r.returncode != 0 or pid not in r.stdout: fail("search %s %s did not find %s: %s" % (q, src["birthDate"], pid, r.stdout[:300]))
    checked += 1
print("ok: %d patients as synth wrote them (names, birth, sex, phones, allergies, active medicines), found by search" % checked)
PY
