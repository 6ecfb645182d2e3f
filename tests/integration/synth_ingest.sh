#!/usr/bin/env bash
# synth_ingest.sh - the synthetic hospital through the whole clinical path: synth 200 patients, ingest all four
# feeds (SS-MIX2, FHIR, appointments CSV, drug master CSV) with no warning, then `patient --json` of known
# patients shows their kanji and kana names, birth date, sex, phones, allergies and prescriptions exactly as synth
# wrote them (checked against the FHIR files synth wrote, parsed independently with python3), and `search` finds
# them by kana in any script and width and by birth date; `rx check` stops the master's levofloxacin (not under 15)
# for a child of the synthetic hospital and is silent for an adult with no allergy and no medicine.
set -euo pipefail
: "${LIFEBOAT:?}"
# "today" is the synthetic data's day (synth's default --today): this test compares the active medicines with what
# synth wrote; orders ending since are print_today.sh's (orders are judged active on today: lb_today)
export LIFEBOAT_TODAY=2026-11-24
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

# age limits of the synthetic master: levofloxacin (100000401) stops for a child, is silent for a plain adult
import sqlite3
db = sqlite3.connect(work + "/c.db")
as_of = db.execute("SELECT value FROM meta WHERE key='as_of'").fetchone()[0][:10]
child = db.execute("SELECT id FROM patients WHERE birth_date > date(?, '-14 years') ORDER BY id LIMIT 1", (as_of,)).fetchone()
adult = db.execute("SELECT id FROM patients p WHERE birth_date < date(?, '-30 years') AND sex = 'M'"
                   " AND NOT EXISTS (SELECT 1 FROM allergies a WHERE a.patient_id = p.id)"
                   " AND NOT EXISTS (SELECT 1 FROM medications m WHERE m.patient_id = p.id) ORDER BY id LIMIT 1",
                   (as_of,)).fetchone()
if not child or not adult: fail("synth gave no child or no plain adult: %r %r" % (child, adult))
order = ["--drug", "100000401", "--dose", "500", "--unit", "mg", "--per-day", "1", "--json"]
r = subprocess.run([lb, "rx", "check", "--db", work + "/c.db", "--patient", child[0]] + order, capture_output=True, text=True)
d = json.loads(r.stdout or "{}")
if r.returncode != 1 or not any(a["kind"] == "age" and a["level"] == "stop" for a in d.get("alerts", [])):
    fail("levofloxacin for the child %s: exit %d, %s" % (child[0], r.returncode, r.stdout[:400]))
r = subprocess.run([lb, "rx", "check", "--db", work + "/c.db", "--patient", adult[0]] + order, capture_output=True, text=True)
d = json.loads(r.stdout or "{}")
if r.returncode != 0 or d.get("alerts") != []:
    fail("levofloxacin for the adult %s: exit %d, %s" % (adult[0], r.returncode, r.stdout[:400]))
print("ok: levofloxacin stops for child %s, silent for adult %s" % (child[0], adult[0]))

# synth never orders a drug outside its age limits (its orders are what a careful EHR would have let through)
def months(birth, day):
    by, bm, bd = map(int, birth.split("-")); y, m, d = map(int, day[:10].split("-"))
    return (y - by) * 12 + (m - bm) - (d < bd)
limited = 0
for birth, start, lo, below, code in db.execute(
        "SELECT p.birth_date, m.start, d.age_min_months, d.age_below_months, d.code FROM medications m"
        " JOIN drugs d ON d.code = m.drug_code JOIN patients p ON p.id = m.patient_id"
        " WHERE (d.age_min_months IS NOT NULL OR d.age_below_months IS NOT NULL) AND m.start IS NOT NULL"):
    a = months(birth, start)
    if a < (lo or 0) or (below and a >= below): fail("%s ordered at %d months of age (limits %r, %r)" % (code, a, lo, below))
    limited += 1
if limited == 0: fail("no order of an age-limited drug to check")
print("ok: %d orders of age-limited drugs, all within the limits" % limited)
PY
