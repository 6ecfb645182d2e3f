#!/usr/bin/env bash
# lifeboat print: the paper of the downtime (issue 7). A ward pack names every patient of the ward's census with
# kanji and kana names and allergies; every font is embedded; every wristband barcode decodes to its patient's ID;
# every page has the downtime mark, the as-of time and page x of y; the forms teach the standard way of writing an
# order; the call list has the phones; `print all` replaces the previous set as a whole.
. "$LB_SRC/tests/integration/lib.bash"
set -e

"$LIFEBOAT" synth --out "$T/h" --patients 700 --seed 3 >/dev/null
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$T/h/fhir" --appointments "$T/h/appointments.csv" --drugs "$T/h/drugs.csv"
expect_rc 0 "ingest the synthetic hospital"
WARD=$(sqlite3 "$DB" "SELECT ward FROM census GROUP BY ward ORDER BY count(*) DESC LIMIT 1")
sqlite3 "$DB" "SELECT patient_id FROM census WHERE ward='$WARD'" >"$T/ids"
[ -s "$T/ids" ] || fail "the synthetic hospital has no inpatients"
# what the store holds about each of them (names, active allergies)
python3 - "$DB" "$WARD" >"$T/patients.jsonl" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (pid,) in db.execute("SELECT patient_id FROM census WHERE ward=?", (sys.argv[2],)):
    fk, gk, fa, ga = db.execute("SELECT family_kanji, given_kanji, family_kana, given_kana FROM patients WHERE id=?",
                                (pid,)).fetchone()
    al = [{"name": n} for (n,) in db.execute("SELECT name FROM allergies WHERE patient_id=? AND active", (pid,))]
    print(json.dumps({"id": pid, "name_kanji": f"{fk} {gk}", "name_kana": f"{fa} {ga}", "allergies": al}))
PY
run "$LIFEBOAT" print pack --db "$DB" --ward "$WARD" --out "$T/pack" --json
expect_rc 0 "print pack"
expect_out '"files":6' "print pack writes six files"
expect_out '"missing_glyphs":0' "no character of the pack renders as a missing-glyph box"
for f in 1_census 2_summaries 3_medication_sheets 4_wristbands 5_order_forms 6_order_labels; do
	[ -s "$T/pack/$f.pdf" ] || fail "pack lacks $f.pdf"
	pdftotext "$T/pack/$f.pdf" "$T/$f.txt"
done

# Fonts: Japanese fonts, every one embedded.
fonts_embedded() { # fonts_embedded FILE
	CHECKS=$((CHECKS + 1))
	pdffonts "$1" >"$T/fonts" 2>&1 || fail "pdffonts $1"
	awk 'NR > 2 { n++; if ($(NF-4) != "yes") bad++ } END { exit (n > 0 && bad == 0) ? 0 : 1 }' "$T/fonts" ||
		fail "$1: a font is not embedded: $(cat "$T/fonts")"
	grep -qE 'IPAex|Noto|CairoFont' "$T/fonts" || fail "$1: no Japanese font: $(cat "$T/fonts")"
}
for f in "$T"/pack/*.pdf; do fonts_embedded "$f"; done

# Every patient of the census, with kanji and kana names, in the census and the summaries; allergies too.
CHECKS=$((CHECKS + 1))
python3 - "$T" <<'PY' || fail "the pack does not name every patient with names and allergies"
import json, re, sys
t = sys.argv[1]
squash = lambda s: re.sub(r"\s+", "", s)
census = squash(open(t + "/1_census.txt").read())
summ = squash(open(t + "/2_summaries.txt").read())
mar = squash(open(t + "/3_medication_sheets.txt").read())
bad = []
for line in open(t + "/patients.jsonl"):
    p = json.loads(line)
    for what, text in (("census", census), ("summaries", summ), ("medication sheets", mar)):
        for k in ("id", "name_kanji", "name_kana"):
            if p[k] and squash(p[k]) not in text:
                bad.append(f"{what} lacks {k} {p[k]} of {p['id']}")
    for a in p.get("allergies", []):
        if a.get("name") and squash(a["name"]) not in summ:
            bad.append(f"summaries lack allergy {a['name']} of {p['id']}")
        if a.get("name") and squash(a["name"]) not in census:
            bad.append(f"census lacks allergy {a['name']} of {p['id']}")
    if not p.get("allergies") and "none recorded" not in open(t + "/2_summaries.txt").read():
        bad.append("no allergy is not said")
if bad:
    print("\n".join(bad[:20]), file=sys.stderr)
    sys.exit(1)
PY

# Every page: the downtime mark, the as-of time, page x of y; a summary page names its patient.
CHECKS=$((CHECKS + 1))
python3 - "$T" <<'PY' || fail "a page lacks the mark, the as-of time, page x of y or its patient"
import re, subprocess, sys
t = sys.argv[1]
bad = []
for f in ("1_census", "2_summaries", "3_medication_sheets", "4_wristbands", "5_order_forms", "6_order_labels"):
    pages = open(f"{t}/{f}.txt").read().split("\f")
    pages = [p for p in pages if p.strip()]
    for i, p in enumerate(pages, 1):
        if "ダウンタイム用控え" not in p or "downtime copy" not in p:
            bad.append(f"{f} page {i}: no downtime mark")
        if not re.search(r"データ時点\s*\S*\s*\d{4}/\d\d/\d\d \d\d:\d\d", p):
            bad.append(f"{f} page {i}: no as-of time")
        if f"page {i} of {len(pages)}" not in p:
            bad.append(f"{f} page {i}: no 'page {i} of {len(pages)}'")
        if f in ("2_summaries", "3_medication_sheets", "5_order_forms") and not re.search(r"ID \d+", p):
            bad.append(f"{f} page {i}: no patient ID")
        if "\ufffd" in p:
            bad.append(f"{f} page {i}: replacement character")
if bad:
    print("\n".join(bad[:20]), file=sys.stderr)
    sys.exit(1)
PY

# Wristbands: every barcode decodes (300 dpi) to a patient of the ward, and every patient has one.
pdftoppm -r 300 -gray "$T/pack/4_wristbands.pdf" "$T/wb"
zbarimg -q "$T"/wb-*.pgm 2>/dev/null | sed -n 's/^CODE-128://p' | sort -u >"$T/decoded" || true
CHECKS=$((CHECKS + 1))
sort -u "$T/ids" | diff - "$T/decoded" >/dev/null || fail "wristband barcodes do not decode to the ward's IDs: $(sort -u "$T/ids" | diff - "$T/decoded" | head -5)"

# Order labels: one per active order line of the ward (status active), each barcode decodes to
# LBO/<patient>/<order>/<drug> of that line. The medication sheets list every line too (an order number holds
# several drugs: each is on the sheet).
pdftoppm -r 300 -gray "$T/pack/6_order_labels.pdf" "$T/ol"
zbarimg -q "$T"/ol-*.pgm 2>/dev/null | sed -n 's/^CODE-128://p' | sort -u >"$T/ol_decoded" || true
# What is active is the patient view's (lifeboat patient --json), as for every part of the pack.
while read -r pid; do
	"$LIFEBOAT" patient --db "$DB" --id "$pid" --json
	echo
done <"$T/ids" >"$T/views.jsonl"
python3 - "$T/views.jsonl" >"$T/ol_want" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        v = json.loads(line)
        for m in v["medications"]:
            if m["status"] in (None, "active"):
                print(f"LBO/{v['id']}/{m['order_no']}/{m['drug_code']}")
PY
sort -u -o "$T/ol_want" "$T/ol_want"
CHECKS=$((CHECKS + 1))
[ -s "$T/ol_want" ] && diff "$T/ol_want" "$T/ol_decoded" >/dev/null ||
	fail "order label barcodes are not the ward's active order lines: $(diff "$T/ol_want" "$T/ol_decoded" | head -5)"
CHECKS=$((CHECKS + 1))
python3 - "$T/views.jsonl" "$T/3_medication_sheets.txt" <<'PY' || fail "a medication sheet lacks an active order line"
import json, re, sys
sheets = {}
for page in open(sys.argv[2]).read().split("\f"):
    m = re.search(r"ID (\d+)", page)
    if m:
        sheets[m.group(1)] = sheets.get(m.group(1), "") + re.sub(r"\s+", "", page)
bad = []
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    v = json.loads(line)
    pid = v["id"]
    for m in v["medications"]:
        if re.sub(r"\s+", "", m["drug_name"])[:12] not in sheets.get(pid, ""):
            bad.append(f"{pid}: {m['order_no']} {m['drug_name']}")
if bad:
    print("\n".join(bad[:10]), file=sys.stderr)
    sys.exit(1)
PY

# The medication sheet of the first patient carries the patient's ID as a barcode too.
pdftoppm -r 300 -gray -f 1 -l 1 "$T/pack/3_medication_sheets.pdf" "$T/mar"
MARID=$(zbarimg -q "$T"/mar-*.pgm 2>/dev/null | sed -n 's/^CODE-128://p' | head -1) || true
CHECKS=$((CHECKS + 1))
grep -q "ID $MARID" <(head -c 2000 "$T/3_medication_sheets.txt") && [ -n "$MARID" ] ||
	fail "the first medication sheet's barcode ($MARID) is not its patient's ID"

# Blank forms with their writing guides.
run "$LIFEBOAT" print forms --out "$T/forms" --json
expect_rc 0 "print forms"
expect_out '"missing_glyphs":0' "no character of the forms renders as a missing-glyph box"
for f in 1_prescription 2_injection_order 3_lab_order 4_nursing_instruction 5_admission_transfer all_forms; do
	[ -s "$T/forms/$f.pdf" ] || fail "forms lack $f.pdf"
done
fonts_embedded "$T/forms/all_forms.pdf"
pdftotext "$T/forms/all_forms.pdf" "$T/forms.txt"
CHECKS=$((CHECKS + 1))
python3 - "$T/forms.txt" <<'PY' || fail "the forms lack their guides or the standard example"
import re, sys
s = open(sys.argv[1]).read()
sq = re.sub(r"\s+", "", s)
need = ["処方箋", "注射指示箋", "検査依頼書", "看護指示票", "入退院・転棟記録", "記入のしかた", "1回1錠1日3回毎食後7日分", "単位"]
missing = [n for n in need if n not in sq]
pages = [p for p in s.split("\f") if p.strip()]
if missing or len(pages) != 10:
    print(missing, len(pages), file=sys.stderr)
    sys.exit(1)
PY

# The call list of a day with bookings: every booking's patient and phone.
DAY=$(sqlite3 "$DB" "SELECT substr(start,1,10) FROM appointments WHERE phone IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
run "$LIFEBOAT" print appointments --db "$DB" --date "$DAY" --out "$T/calls.pdf"
expect_rc 0 "print appointments"
fonts_embedded "$T/calls.pdf"
pdftotext "$T/calls.pdf" "$T/calls.txt"
sqlite3 -separator ' ' "$DB" "SELECT patient_id, phone FROM appointments WHERE substr(start,1,10)='$DAY' AND phone IS NOT NULL" >"$T/bookings"
CHECKS=$((CHECKS + 1))
while read -r id phone; do
	grep -q "$id" "$T/calls.txt" && grep -q -- "$phone" "$T/calls.txt" || fail "call list lacks $id $phone"
done <"$T/bookings"
DEPT=$(sqlite3 "$DB" "SELECT department FROM appointments WHERE substr(start,1,10)='$DAY' LIMIT 1")
run "$LIFEBOAT" print appointments --db "$DB" --date "$DAY" --dept "$DEPT" --out "$T/dept.pdf" --json
expect_rc 0 "print appointments of one department"
# The store holds each booking twice here (the FHIR Appointment and the CSV row, same source id and start): the
# list names it once, as the station does, so that nobody calls a patient twice.
N=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT DISTINCT COALESCE(source_id, 'row ' || id), start FROM appointments
	WHERE substr(start,1,10)='$DAY' AND department='$DEPT')")
expect_out "\"calls\":$N" "the department's list has its $N bookings"
pdftotext "$T/dept.pdf" "$T/dept.txt"
for id in $(sqlite3 "$DB" "SELECT DISTINCT patient_id FROM appointments WHERE substr(start,1,10)='$DAY' AND department='$DEPT'"); do
	CHECKS=$((CHECKS + 1))
	want=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT DISTINCT COALESCE(source_id, 'row ' || id), start FROM appointments
		WHERE substr(start,1,10)='$DAY' AND department='$DEPT' AND patient_id='$id')")
	[ "$(grep -c "$id" "$T/dept.txt")" -eq "$want" ] || fail "$id is on the department's list $(grep -c "$id" "$T/dept.txt") times, not $want"
done

# print all: index, every ward, the call lists (today and the six days after it, and every later day with a
# booking: print_today.sh), forms; a second run replaces the set as a whole.
run "$LIFEBOAT" print all --db "$DB" --out "$T/paper" --json
expect_rc 0 "print all"
expect_out '"missing_glyphs":0' "no character of the whole set renders as a missing-glyph box"
CHECKS=$((CHECKS + 1))
[ -s "$T/paper/0_index.pdf" ] && [ "$(ls "$T"/paper/calls/*.pdf | wc -l)" -ge 7 ] && [ -s "$T/paper/forms/all_forms.pdf" ] ||
	fail "print all lacks the index, the call lists or the forms: $(find "$T/paper" | head -20)"
for w in $(sqlite3 "$DB" "SELECT DISTINCT ward FROM census"); do
	[ -s "$T/paper/wards/$w/4_wristbands.pdf" ] || fail "print all lacks ward $w"
	CHECKS=$((CHECKS + 1))
done
pdftotext "$T/paper/0_index.pdf" - | grep -q "$WARD" || fail "the index does not list ward $WARD"
touch "$T/paper/stale-from-the-last-run"
# a run killed half-way left its temporary set behind (pid 2^22+1 is above any pid_max and so never alive)
mkdir -p "$T/paper.new-4194305/wards" && touch "$T/paper.new-4194305/0_index.pdf"
run "$LIFEBOAT" print all --db "$DB" --out "$T/paper" --jobs 1 --days 1
expect_rc 0 "print all again"
CHECKS=$((CHECKS + 1))
[ ! -e "$T/paper/stale-from-the-last-run" ] && [ -s "$T/paper/0_index.pdf" ] || fail "the second run did not replace the set"
CHECKS=$((CHECKS + 1))
[ -z "$(ls -d "$T"/paper.new-* 2>/dev/null)" ] || fail "a temporary set was left behind (or a killed run's not swept)"

# Refusals: a folder that is not a print set, an unknown ward, a bad date.
mkdir -p "$T/precious" && echo keep >"$T/precious/notes.txt"
run "$LIFEBOAT" print all --db "$DB" --out "$T/precious"
expect_rc 2 "print all will not replace a foreign folder"
expect_one_line_err "print all will not replace a foreign folder"
CHECKS=$((CHECKS + 1))
[ -s "$T/precious/notes.txt" ] || fail "the foreign folder was touched"
run "$LIFEBOAT" print pack --db "$DB" --ward NO-SUCH-WARD --out "$T/x"
expect_rc 2 "unknown ward"
expect_one_line_err "unknown ward"
run "$LIFEBOAT" print appointments --db "$DB" --date 2026-13-45 --out "$T/x.pdf"
expect_rc 2 "bad date"
expect_one_line_err "bad date"

# The glyph counter is real: a name with a character no font has (U+F0000, private use) is counted and warned.
mkdir -p "$T/pua"
printf '%s\n' '{"resourceType":"Patient","id":"PUA1","name":[{"family":"佐藤󰀀","given":["花子"]}],"gender":"female","birthDate":"1960-04-05"}' >"$T/pua/Patient.ndjson"
printf '%s\n' '{"resourceType":"Encounter","id":"E1","status":"in-progress","class":{"code":"IMP"},"subject":{"reference":"Patient/PUA1"},"period":{"start":"2026-11-01T10:00:00+09:00"},"location":[{"location":{"display":"9Z"},"status":"active","physicalType":{"coding":[{"code":"wa"}]}},{"location":{"display":"901"},"physicalType":{"coding":[{"code":"ro"}]}},{"location":{"display":"1"},"physicalType":{"coding":[{"code":"bd"}]}}]}' >"$T/pua/Encounter.ndjson"
"$LIFEBOAT" ingest --db "$T/pua.db" --fhir "$T/pua" >/dev/null
run "$LIFEBOAT" print pack --db "$T/pua.db" --ward 9Z --out "$T/pua-pack" --json
expect_rc 0 "print pack with an unprintable character"
expect_out '"missing_glyphs":[1-9]' "an unprintable character is counted"
expect_err 'no glyph' "an unprintable character is warned about"

finish
