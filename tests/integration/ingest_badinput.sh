#!/usr/bin/env bash
# ingest_badinput.sh - bad input never removes good data (issue 13). A damaged SS-MIX2 or FHIR file that loaded
# before keeps the records of its last good version, with a loud warning naming it; a feed that is not plausible (a
# required column missing, an empty tree or folder, a drop beyond --max-shrink) is refused with exit 2 and one line,
# and the store's patients, drugs and bookings are counted unchanged; --accept-shrink loads a deliberate
# replacement; a later run prints only its own warnings; a store in a missing folder is named in the error.
. "$LB_SRC/tests/integration/lib.bash"
set -e
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed" >&2; exit 1; }

"$LIFEBOAT" synth --out "$T/h" --patients 20 --seed 3 >/dev/null
DB="$T/c.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --appointments "$T/h/appointments.csv" \
	--drugs "$T/h/drugs.csv"
expect_rc 0 "first ingest of the synthetic hospital"

counts() { # counts DB: "patients drugs bookings medications"
	sqlite3 "$1" "SELECT (SELECT count(*) FROM patients) || ' ' || (SELECT count(*) FROM drugs) || ' ' ||
		(SELECT count(*) FROM appointments) || ' ' || (SELECT count(*) FROM medications)"
}
BEFORE=$(counts "$DB")
echo "store before: patients drugs bookings medications = $BEFORE"
read -r NPAT NDRUG NBOOK _ <<<"$BEFORE"
CHECKS=$((CHECKS + 1))
[ "$NPAT" -eq 20 ] && [ "$NDRUG" -ge 40 ] && [ "$NBOOK" -ge 5 ] || fail "synthetic store too small: $BEFORE"

unchanged() { # unchanged "what": the store's counts are as before
	CHECKS=$((CHECKS + 1))
	local now
	now=$(counts "$DB")
	[ "$now" = "$BEFORE" ] || fail "$1: store changed from '$BEFORE' to '$now'"
}

show() { # show "case": the exit code and the first line of stderr, for the log
	echo "  $1: exit $RC: $(head -n 1 "$T/err")"
}

# A patient's name in the store, as `patient --json` and `search --json` give it.
name_of() { "$LIFEBOAT" patient --db "$DB" --id "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["name_kanji"])'; }
found_by_search() {
	"$LIFEBOAT" search --db "$DB" --json "$1" |
		python3 -c 'import json,sys; sys.exit(0 if any(h["id"] == sys.argv[1] for h in json.load(sys.stdin)["hits"]) else 1)' "$1"
}

echo "== a damaged ADT-00 file (rewritten in place with junk) keeps the patient"
ADT=$(find "$T/h/ssmix2" -path '*/-/ADT-00/*' -type f | sort | head -n 1)
PID=$(basename "$ADT" | cut -d_ -f1)
NAME=$(name_of "$PID")
head -c 3000 /dev/urandom >"$ADT"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --full --json
show "junk ADT-00"
expect_rc 1 "a damaged file is a finding"
expect_err "WARNING: '.*$(basename "$ADT")' is damaged" "a loud warning names the file"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["files_kept_previous"] == 1 else 1)' \
	"$T/out" || fail "ingest --json reports files_kept_previous 1: $(cat "$T/out")"
CHECKS=$((CHECKS + 2))
unchanged "junk ADT-00"
CHECKS=$((CHECKS + 1))
[ "$(name_of "$PID")" = "$NAME" ] || fail "patient $PID lost his name ($NAME)"
CHECKS=$((CHECKS + 1))
found_by_search "$PID" || fail "patient $PID is no longer found by search"
# the same run again (still damaged): one warning for the file, not one per run
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --full
expect_rc 1 "the damaged file again"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM warnings WHERE path LIKE '%$(basename "$ADT")'")" = 1 ] ||
	fail "the damaged file's warning is repeated in the store"

echo "== a damaged newer version of ADT-00 keeps the older version"
ADT2=$(find "$T/h/ssmix2" -path '*/-/ADT-00/*' -type f | sort | sed -n 2p)
PID2=$(basename "$ADT2" | cut -d_ -f1)
NAME2=$(name_of "$PID2")
NEWER=$(basename "$ADT2" | sed -E 's/_[0-9]{17}_/_20261123235959000_/')
head -c 3000 /dev/urandom >"$(dirname "$ADT2")/$NEWER"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --full --json
show "junk newer ADT-00"
expect_rc 1 "a damaged newer version is a finding"
expect_err "WARNING: '.*$NEWER' is damaged" "the warning names the newer file"
unchanged "junk newer ADT-00"
CHECKS=$((CHECKS + 1))
[ "$(name_of "$PID2")" = "$NAME2" ] || fail "patient $PID2 lost his name ($NAME2) to a damaged newer version"

echo "== a damaged prescription file (OMP-01) keeps its orders"
OMP=$(find "$T/h/ssmix2" -path '*/OMP-01/*' -type f | sort | head -n 1)
PID3=$(basename "$OMP" | cut -d_ -f1)
MEDS=$(sqlite3 "$DB" "SELECT count(*) FROM medications WHERE patient_id='$PID3'")
head -c 3000 /dev/urandom >"$OMP"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2" --full
show "junk OMP-01"
expect_rc 1 "a damaged OMP-01 is a finding"
expect_err "WARNING: '.*$(basename "$OMP")' is damaged" "the warning names the OMP-01 file"
unchanged "junk OMP-01"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$DB" "SELECT count(*) FROM medications WHERE patient_id='$PID3'")" = "$MEDS" ] ||
	fail "patient $PID3's orders went with the damaged file"

echo "== a later run prints only its own warnings"
touch "$T/h/drugs.csv"
printf '\n' >>"$T/h/drugs.csv" # changed, same rows: read again
run "$LIFEBOAT" ingest --db "$DB" --drugs "$T/h/drugs.csv"
show "drugs only, damaged SS-MIX2 files in the store"
expect_rc 1 "the store still holds warnings"
CHECKS=$((CHECKS + 1))
! grep -q "ADT-00\|OMP-01" "$T/err" || fail "old warnings of SS-MIX2 files repeated: $(cat "$T/err")"
expect_err "earlier warnings.*ingest --db .* --warnings" "points to the rest"
run "$LIFEBOAT" ingest --db "$DB" --warnings
expect_rc 1 "--warnings lists the store's warnings"
expect_err "$(basename "$ADT")" "--warnings names the damaged file"
unchanged "drugs re-read"

echo "== implausible feeds are refused whole, the store unchanged"
printf 'code,name\n' >"$T/drugs-header.csv"
run "$LIFEBOAT" ingest --db "$DB" --drugs "$T/drugs-header.csv"
show "drugs.csv with only code,name"
expect_rc 2 "a drug master cut to its header"
expect_one_line_err "a drug master cut to its header"
expect_err "drugs feed would take the store from $NDRUG to 0 records" "says what the feed would do"
expect_err "accept-shrink" "says how to load it deliberately"
unchanged "drugs.csv with only code,name"

python3 - "$T/h/appointments.csv" "$T/appts-nopid.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="cp932", newline="")))
i = rows[0].index("patient_id")
with open(sys.argv[2], "w", newline="") as f:
    csv.writer(f).writerows(r[:i] + r[i + 1:] for r in rows)
EOF
run "$LIFEBOAT" ingest --db "$DB" --appointments "$T/appts-nopid.csv"
show "appointments.csv without patient_id"
expect_rc 2 "appointments without their patient_id column"
expect_one_line_err "appointments without their patient_id column"
expect_err "no column 'patient_id'" "names the missing column"
unchanged "appointments.csv without patient_id"

head -n 6 "$T/h/drugs.csv" >"$T/drugs-5.csv"
run "$LIFEBOAT" ingest --db "$DB" --drugs "$T/drugs-5.csv"
show "drugs.csv with 5 of $NDRUG drugs"
expect_err "from $NDRUG to 5 records" "counts the drugs before and after"
expect_rc 2 "a drug master that lost most of its drugs"
expect_one_line_err "a drug master that lost most of its drugs"
unchanged "drugs.csv with 5 drugs"

head -n 2 "$T/h/appointments.csv" >"$T/appts-1.csv"
run "$LIFEBOAT" ingest --db "$DB" --appointments "$T/appts-1.csv"
show "appointments.csv with 1 of $NBOOK bookings"
expect_rc 2 "bookings cut to one"
unchanged "appointments.csv with 1 booking"

mkdir -p "$T/empty-tree"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/empty-tree"
show "empty SS-MIX2 tree"
expect_rc 2 "an empty SS-MIX2 tree"
expect_one_line_err "an empty SS-MIX2 tree"
expect_err "ssmix2 feed would take the store" "says what the tree would do"
unchanged "empty SS-MIX2 tree"

echo "== deliberate replacements: --max-shrink and --accept-shrink"
cp "$DB" "$T/copy.db"
run "$LIFEBOAT" ingest --db "$T/copy.db" --drugs "$T/drugs-5.csv" --max-shrink 95
expect_rc 1 "a drop under --max-shrink 95 (exit 1: the store holds the damaged files' warnings)"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$T/copy.db" "SELECT count(*) FROM drugs")" = 5 ] || fail "--max-shrink 95 should load the 5 drugs"
run "$LIFEBOAT" ingest --db "$T/copy.db" --drugs "$T/drugs-header.csv" --accept-shrink
expect_rc 1 "--accept-shrink loads an empty master (exit 1: warnings in the store)"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$T/copy.db" "SELECT count(*) FROM drugs")" = 0 ] || fail "--accept-shrink should empty the master"
run "$LIFEBOAT" ingest --help
expect_out "--max-shrink" "--help documents --max-shrink"
expect_out "--accept-shrink" "--help documents --accept-shrink"

echo "== FHIR: a damaged file keeps its records; an emptied folder or a cut file is refused"
FDB="$T/f.db"
cp -r "$T/h/fhir" "$T/fhir"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir"
expect_rc 0 "first FHIR ingest"
FBEFORE=$(counts "$FDB")
head -c 3000 /dev/urandom >"$T/fhir/Patient.ndjson"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir" --json
show "junk Patient.ndjson"
expect_rc 1 "a damaged FHIR file is a finding"
expect_err "WARNING: '.*Patient.ndjson' is damaged" "the warning names the FHIR file"
CHECKS=$((CHECKS + 1))
[ "$(counts "$FDB")" = "$FBEFORE" ] || fail "junk Patient.ndjson changed the store: $FBEFORE -> $(counts "$FDB")"
head -c 6000 "$T/h/fhir/Patient.ndjson" >"$T/fhir/Patient.ndjson"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir"
show "Patient.ndjson cut short"
expect_rc 2 "a FHIR file cut short"
expect_one_line_err "a FHIR file cut short"
CHECKS=$((CHECKS + 1))
[ "$(counts "$FDB")" = "$FBEFORE" ] || fail "a cut Patient.ndjson changed the store"
mkdir -p "$T/fhir-empty"
run "$LIFEBOAT" ingest --db "$FDB" --fhir "$T/fhir-empty"
show "empty FHIR folder"
expect_rc 2 "an empty FHIR folder"
expect_one_line_err "an empty FHIR folder"
CHECKS=$((CHECKS + 1))
[ "$(counts "$FDB")" = "$FBEFORE" ] || fail "an empty FHIR folder changed the store"

echo "== a store in a missing folder is named"
run "$LIFEBOAT" ingest --db "$T/no/such/dir/c.db" --drugs "$T/h/drugs.csv"
show "ingest --db in a missing folder"
expect_rc 2 "ingest into a missing folder"
expect_one_line_err "ingest into a missing folder"
expect_err "$T/no/such/dir/c.db" "the error names the store's path"
expect_err "folder '$T/no/such/dir'" "the error names the missing folder"
NODB="$T/no/such/dir/c.db"
for cmd in "patient --db $NODB --id $PID" "search --db $NODB $PID" "rx search --db $NODB ロキ" \
	"print appointments --db $NODB --date 2026-12-01 --out $T/x.pdf"; do
	# shellcheck disable=SC2086
	run "$LIFEBOAT" $cmd
	expect_rc 2 "${cmd%% --db*} on a store in a missing folder"
	expect_err "$NODB" "${cmd%% --db*} names the store's path"
done
finish
