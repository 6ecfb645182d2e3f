#!/usr/bin/env bash
# lifeboat print numbers (issue 16): downtime numbers allocated with `incident numbers allocate` come out as label
# sheets whose every barcode decodes to the number printed on its label, in order, none missing: exactly the block
# `incident numbers list --json` reports, each number one the file allocated. The ward pack and `print all` gain
# the ward's sheets of unused numbers (an order number registered, or a patient number an order names, is left
# out) and the index says what they are; a ward without numbers keeps its six parts. Bad requests: exit 2, one
# line, no file.
. "$LB_SRC/tests/integration/lib.bash"
set -e
CHECK="$LB_SRC/tests/tools/number_labels_check.py"

I="$T/incident.db"
alloc() { # alloc WARD KIND COUNT
	run "$LIFEBOAT" incident numbers allocate --incident "$I" --ward "$1" --kind "$2" --count "$3" --as 医事課 --json
	expect_rc 0 "allocate $3 $2 numbers for $1"
}
alloc 3A order 30
alloc 3A order 17
alloc 5B order 12
alloc 3A patient 8
"$LIFEBOAT" incident numbers list --incident "$I" --json >"$T/blocks.json"

# sheet_matches PDF WARD KIND BLOCKS COPIES: the sheet's numbers are exactly those of the blocks (JSON indexes of
# the ward and kind's blocks, "all" for every one), in order, each read back from its barcode and allocated.
sheet_matches() {
	CHECKS=$((CHECKS + 1))
	python3 "$CHECK" --list "$1" >"$T/printed"
	python3 - "$T/printed" "$T/blocks.json" "$2" "$3" "$4" >"$T/want" <<'PY' || { fail "$1: not the numbers of $2 $3 blocks $4"; return; }
import json, sys
printed_file, blocks, ward, kind, which = sys.argv[1:6]
bl = [b for b in json.load(open(blocks)) if b["ward"] == ward and b["kind"] == kind]
bl = bl if which == "all" else [bl[int(i)] for i in which.split(",")]
printed = open(printed_file).read().split()
want_serials = []
for b in bl:
    s = int(b["first"].split("-")[2])
    assert b["last"].split("-")[2] == "%06d" % (s + b["count"] - 1), b
    want_serials += range(s, s + b["count"])
got_serials = [int(n.split("-")[2]) for n in printed]
if got_serials != want_serials:
    print(f"serials {got_serials[:5]}… ({len(got_serials)}) != {want_serials[:5]}… ({len(want_serials)})", file=sys.stderr)
    sys.exit(1)
firsts = {b["first"] for b in bl}
lasts = {b["last"] for b in bl}
prefix = ("DT-" if kind == "order" else "DP-") + ward + "-"
if not all(n.startswith(prefix) for n in printed) or not firsts <= set(printed) or not lasts <= set(printed):
    print("prefix or first/last numbers differ", file=sys.stderr)
    sys.exit(1)
print("\n".join(printed))
PY
	python3 "$CHECK" "$1" "$T/want" "$5" 2>"$T/check.err" >/dev/null ||
		fail "$1: the barcodes do not read back: $(grep -v Connection "$T/check.err" | head -3)"
	# every number printed is one the file allocated, its check digit right
	while read -r n; do
		"$LIFEBOAT" incident numbers check "$n" --incident "$I" >/dev/null 2>&1 || fail "$1: $n is not allocated"
	done <"$T/want"
}

# The latest block by default; a given block; all of them; patient numbers two labels each.
run "$LIFEBOAT" print numbers --incident "$I" --ward 3A --kind order --out "$T/o.pdf" --json
expect_rc 0 "print the latest order block"
expect_out '"numbers":17' "the latest block has its 17 numbers"
expect_out '"missing_glyphs":0' "no character renders as a missing-glyph box"
sheet_matches "$T/o.pdf" 3A order 1 1
run "$LIFEBOAT" print numbers --incident "$I" --ward 3A --kind order --block 1 --out "$T/o1.pdf" --json
expect_rc 0 "print the first order block"
expect_out '"pages":3' "30 numbers are three pages of 14 labels"
sheet_matches "$T/o1.pdf" 3A order 0 1
run "$LIFEBOAT" print numbers --incident "$I" --ward 3A --kind order --all --out "$T/oall.pdf"
expect_rc 0 "print every order block"
sheet_matches "$T/oall.pdf" 3A order all 1
run "$LIFEBOAT" print numbers --incident "$I" --ward 3A --kind patient --out "$T/p.pdf" --json
expect_rc 0 "print patient numbers"
expect_out '"pages":2' "8 patient numbers are 16 labels, two pages"
sheet_matches "$T/p.pdf" 3A patient all 2
CHECKS=$((CHECKS + 1))
pdftotext "$T/p.pdf" - | grep -q "ダウンタイム患者番号" && pdftotext "$T/o.pdf" - | grep -q "紙オーダー用" ||
	fail "the labels do not say what they are for"

# Refusals: exit 2, one line, no file.
for args in "--ward 9Z --kind order" "--ward 3A --kind wristband" "--ward 3A --kind order --block 3" \
	"--ward 3A --kind order --block 1 --all" "--ward 3A"; do
	rm -f "$T/bad.pdf"
	# shellcheck disable=SC2086
	run "$LIFEBOAT" print numbers --incident "$I" $args --out "$T/bad.pdf"
	expect_rc 2 "print numbers $args"
	expect_one_line_err "print numbers $args"
	CHECKS=$((CHECKS + 1))
	[ ! -e "$T/bad.pdf" ] || fail "print numbers $args wrote a file"
done
run "$LIFEBOAT" print numbers --incident "$T/none.db" --ward 3A --kind order --out "$T/bad.pdf"
expect_rc 2 "no incident file"
CHECKS=$((CHECKS + 1))
[ ! -e "$T/none.db" ] && [ ! -e "$T/bad.pdf" ] || fail "a missing incident file was created, or a sheet written"

# The pack: a store whose ward 3A has patients, incident.db next to it.
mkdir -p "$T/fhir"
for n in 1 2; do
	printf '{"resourceType":"Patient","id":"P%s","name":[{"family":"佐藤","given":["花子%s"]}],"gender":"female","birthDate":"1960-04-05"}\n' $n $n
done >"$T/fhir/Patient.ndjson"
for n in 1 2; do
	printf '{"resourceType":"Encounter","id":"E%s","status":"in-progress","class":{"code":"IMP"},"subject":{"reference":"Patient/P%s"},"period":{"start":"2026-11-01T10:00:00+09:00"},"location":[{"location":{"display":"%s"},"status":"active","physicalType":{"coding":[{"code":"wa"}]}}]}\n' $n $n "$([ $n = 1 ] && echo 3A || echo 7C)"
done >"$T/fhir/Encounter.ndjson"
"$LIFEBOAT" ingest --db "$T/store.db" --fhir "$T/fhir" >/dev/null
# Two numbers used: an order registered under the first order number, naming the first patient number (through
# the register's command when it is there, else through backentry.h by tests/tools/be_register.c).
FIRST_O=$(python3 -c 'import json,sys; print([b for b in json.load(open(sys.argv[1])) if b["ward"]=="3A" and b["kind"]=="order"][0]["first"])' "$T/blocks.json")
FIRST_P=$(python3 -c 'import json,sys; print([b for b in json.load(open(sys.argv[1])) if b["ward"]=="3A" and b["kind"]=="patient"][0]["first"])' "$T/blocks.json")
if "$LIFEBOAT" incident order add --help >/dev/null 2>&1; then
	run "$LIFEBOAT" incident order add --incident "$I" --number "$FIRST_O" --patient "$FIRST_P" --kind prescription \
		--author 医師A --as 看護師B
else
	run "$LB_BUILD/tests/be_register" "$I" "$FIRST_O" "$FIRST_P"
fi
expect_rc 0 "register a paper order"
USED=1
UO=$((47 - USED)) UP=$((8 - USED))
run "$LIFEBOAT" print pack --db "$T/store.db" --ward 3A --out "$T/pack" --json
expect_rc 0 "print pack with the ward's numbers"
expect_out '"files":8' "the pack has its six parts and two number sheets"
expect_out "\"numbers\":$((UO + UP))" "the unused numbers: $UO order numbers of 47, $UP patient numbers of 8"
CHECKS=$((CHECKS + 1))
python3 - "$T/pack" "$FIRST_O" "$FIRST_P" "$USED" <<'PY' || fail "the pack's number sheets are not the unused numbers"
import re, subprocess, sys
d, fo, fp, used = sys.argv[1:5]
used = int(used)
def nums(f):
    t = subprocess.run(["pdftotext", f"{d}/{f}", "-"], capture_output=True, text=True).stdout
    return re.findall(r"\bD[TP]-3A-\d{6}-\d\b", t)
o, p = nums("7_order_numbers.pdf"), nums("8_patient_numbers.pdf")
ok = len(o) == 47 - used and (fo in o) != used and len(p) == 2 * (8 - used) and (fp in p) != used
ok = ok and len(set(p)) == 8 - used and len(set(o)) == len(o)
if not ok:
    print(len(o), fo in o, len(p), fp in p, file=sys.stderr)
    sys.exit(1)
PY
for f in 7_order_numbers 8_patient_numbers; do
	python3 "$CHECK" --list "$T/pack/$f.pdf" >"$T/want"
	CHECKS=$((CHECKS + 1))
	python3 "$CHECK" "$T/pack/$f.pdf" "$T/want" "$([ $f = 8_patient_numbers ] && echo 2 || echo 1)" 2>"$T/check.err" >/dev/null ||
		fail "pack $f does not read back: $(grep -v Connection "$T/check.err" | head -3)"
done

# print all: ward 3A's pack has the sheets and the index says what they are; 7C (no numbers) keeps six parts;
# 5B has numbers but no patients in the census: no pack, and `print numbers` is the way to its labels.
run "$LIFEBOAT" print all --db "$T/store.db" --out "$T/paper" --jobs 1 --json
expect_rc 0 "print all with numbers"
CHECKS=$((CHECKS + 1))
[ -s "$T/paper/wards/3A/7_order_numbers.pdf" ] && [ -s "$T/paper/wards/3A/8_patient_numbers.pdf" ] &&
	[ ! -e "$T/paper/wards/7C/7_order_numbers.pdf" ] && [ -s "$T/paper/wards/7C/6_order_labels.pdf" ] ||
	fail "print all: the number sheets are not in ward 3A's pack only: $(find "$T/paper/wards" | head -20)"
pdftotext "$T/paper/0_index.pdf" "$T/index.txt"
CHECKS=$((CHECKS + 1))
python3 - "$T/index.txt" "$FIRST_O" "$UO" "$UP" <<'PY' || fail "the index does not say what the number sheets are"
import re, sys
t = re.sub(r"\s+", "", open(sys.argv[1]).read())
need = ["7_order_numbers", "8_patient_numbers", "紙オーダー用番号ラベル", "ダウンタイム患者番号", sys.argv[3] + "個",
        sys.argv[4] + "個"]
missing = [n for n in need if n not in t]
if missing:
    print(missing, file=sys.stderr)
    sys.exit(1)
PY

# --incident names another file; without one next to the store, the pack is the six parts.
mv "$I" "$T/elsewhere.db"
run "$LIFEBOAT" print pack --db "$T/store.db" --ward 3A --out "$T/pack6" --json
expect_rc 0 "print pack without an incident file"
expect_out '"files":6' "no incident file: six parts"
run "$LIFEBOAT" print pack --db "$T/store.db" --ward 3A --out "$T/pack8" --incident "$T/elsewhere.db" --json
expect_rc 0 "print pack --incident"
expect_out '"files":8' "--incident: the number sheets"
run "$LIFEBOAT" print pack --db "$T/store.db" --ward 3A --out "$T/packx" --incident "$T/nowhere.db"
expect_rc 2 "print pack --incident with no such file"
expect_one_line_err "print pack --incident with no such file"

finish
