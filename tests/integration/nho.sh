#!/usr/bin/env bash
# A public SS-MIX2 sample nobody on the project wrote (NHO, nhoHQ/SSMIX2DataTestingTool, Apache-2.0; see
# tests/data/nho/README): patient 9999013's prescriptions (ダーゼン, パンスポリンＴ, アレピアチン) and injections have
# ended, so they must show as recent history, marked ended, with dates; his diet order (OMD) and exam and lab
# orders are read; the execution records (OMP-11/12) are kept raw only and the record says so — on `patient`,
# the station and the printed summary (issue 13).
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$LB_SRC/tests/data/nho/ssmix2"
CHECKS=$((CHECKS + 1))
[ "$RC" -le 1 ] || fail "ingest the NHO sample: exit $RC: $(head -c 400 "$T/err")"

run "$LIFEBOAT" patient --db "$DB" --id 9999013 --json
expect_rc 0 "patient --json"
check_json() { # check_json PYTHON-EXPR "what"
	CHECKS=$((CHECKS + 1))
	python3 - "$T/out" "$1" <<'PY' || fail "$2: $(head -c 600 "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
h = d["medication_history"]
def ended(name, kind):
    return any(name in (m["drug_name"] or "") and m["kind"] == kind and m["ended"] and m["end"] and m["start"] for m in h)
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
check_json 'ended("ダーゼン", "rx") and ended("パンスポリンＴ", "rx") and ended("アレピアチン", "rx")' "the three prescriptions are in the history, ended, dated"
check_json 'ended("ソリタ", "injection") and ended("アドナ", "injection")' "the injections name their drugs and are in the history"
check_json 'any(o["class"] == "diet" and o["data_type"] == "OMD" and "塩分控えめ" in (o["detail"] or "") for o in d["orders"])' "the diet order is read"
check_json 'any(o["class"] == "lab" for o in d["orders"]) and any(o["class"] == "exam" for o in d["orders"])' "exam and lab orders are read"
check_json '{r["data_type"] for r in d["raw_only"]} == {"OMP-11", "OMP-12"}' "the raw-only types are named"
check_json 'd["medications"] == []' "nothing of his is active any more"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" patient --db "$DB" --id 9999013
expect_out '\[終了\] 処方  ダーゼン' "patient text shows the ended prescription"
expect_out '原文のみ保存・未読込.*OMP-11' "patient text says what is kept raw only"

# The printed summary of his ward (32) carries the same.
run "$LIFEBOAT" print pack --db "$DB" --ward 32 --out "$T/pack"
expect_rc 0 "print the ward's pack"
pdftotext -layout "$T/pack/2_summaries.pdf" "$T/summary.txt"
for want in '\[終了\] 処方 +ダーゼン' 'パンスポリンＴ' 'アレピアチン' '\[終了\] 注射 +アドナ' '\[食事\].*塩分控えめ' '原文のみ保存・未読込.*OMP-11 ×1 OMP-12 ×1'; do
	CHECKS=$((CHECKS + 1))
	grep -qE -- "$want" "$T/summary.txt" || fail "the printed summary lacks /$want/: $(head -c 800 "$T/summary.txt")"
done

PW='station nho test password'
run "$LIFEBOAT" user add --db "$DB" --name nurse1 --role nurse <<<"$PW"
expect_rc 0 "user add"
start_server
login "$T/jar" nurse1 "$PW"
req pt -b "$T/jar" -c "$T/jar" "$U/patient/9999013?lang=ja"
expect_status 200 "the station's patient page"
expect_body pt 'class="history"' "the page has the history"
expect_body pt '\[終了\]</span> 処方 <b>ダーゼン' "the station shows the ended prescription"
expect_body pt '<b>アドナ注' "the station shows the injection drug"
expect_body pt 'class="order-diet".*塩分控えめ' "the station shows the diet order"
expect_body pt 'class="raw-only.*OMP-11 ×1 OMP-12 ×1' "the station says what is kept raw only"
stop_server
finish
