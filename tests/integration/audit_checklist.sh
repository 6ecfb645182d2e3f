#!/usr/bin/env bash
# lifeboat audit checklist (issue 17): an answers file fills the MHLW checklist (R7) — the hospital sheet and one
# 事業者確認用 sheet per vendor — written as CSV (UTF-8 with BOM), XLSX and PDF. The XLSX is read back with
# Debian's openpyxl: the sheets, header, はい/いいえ cells, real dates, the はい/いいえ list on the answer column,
# the frozen header. The PDF's fonts are embedded (pdffonts) and its text holds the Japanese wording (pdftotext).
# Inventory items stay 未回答 with "inventory checks not run" (never はい for lack of data). A second run with
# --previous prints what changed. A broken answers file is refused with FILE:LINE, exit 2, nothing written.
. "$LB_SRC/tests/integration/lib.bash"
set -e
export LIFEBOAT_TODAY=2025-06-15
PY=/usr/bin/python3
cat >"$T/answers.yaml" <<'YAML'
edition: r7
hospital: 試験記念病院
vendors:
  - {name: 北海メディカル, system: 電子カルテ}
  - {name: 南部ネット, system: 院内ネットワーク}
answers:
  - item: r7-1-1
    answer: はい
    date: 2025-06-02
    by: 事務長 山田
    note: 情報システム課長を任命
  - item: r7-3-3
    answer: いいえ
    date: 2025-06-03
    by: 事務長 山田
    target: 2026-01-31
  - {item: r7-2-3, vendor: 北海メディカル, answer: はい, date: 2025-06-10, by: 北海メディカル 鈴木}
YAML

run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml" --out "$T/run1"
expect_rc 1 "a いいえ item is a finding"
expect_out "3 sheets: 2 はい, 1 いいえ" "counts over the three sheets"
expect_out "医療機関確認用 3-③ .*いいえ target 2026-01-31" "the いいえ with its target date"
for f in checklist.csv checklist.xlsx checklist.pdf; do
	[ -s "$T/run1/$f" ] || fail "$f not written"
done
[ "$(head -c 3 "$T/run1/checklist.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "the CSV has no UTF-8 BOM"
grep -q '"医療機関確認用","2-⑬","ネットワーク機器","接続元制限を実施している","","","","inventory checks not run"' \
	"$T/run1/checklist.csv" || fail "an inventory item is not 未回答 with its reason"

# the XLSX read back as the office's Excel would
$PY - "$T/run1/checklist.xlsx" >"$T/xlsx.txt" 2>&1 <<'PYEOF' || fail "openpyxl check: $(cat "$T/xlsx.txt")"
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
names = wb.sheetnames
assert names[0] == "医療機関確認用", names
assert len(names) == 3 and names[1].startswith("事業者確認用") and "北海メディカル" in names[1], names
ws = wb[names[0]]
head = [c.value for c in ws[4]]
assert head[:8] == ["番号", "対象", "項目", "はい/いいえ", "確認日", "目標日", "根拠", "回答者"], head
assert ws.freeze_panes == "A5", ws.freeze_panes
rows = {r[8]: r for r in ws.iter_rows(min_row=5, values_only=True)}
officer = rows["r7-1-1"]
assert officer[0] == "1-①" and officer[2] == "医療情報システム安全管理責任者を設置している", officer
assert officer[3] == "はい" and officer[4] == datetime.datetime(2025, 6, 2), officer
bcp = rows["r7-3-3"]
assert bcp[3] == "いいえ" and bcp[5] == datetime.datetime(2026, 1, 31), bcp
assert rows["r7-2-13"][3] in (None, ""), rows["r7-2-13"]
assert "inventory checks not run" in rows["r7-2-13"][6]
assert ws["C5"].alignment.wrap_text
assert ws.column_dimensions["C"].width > 40
dv = ws.data_validations.dataValidation
assert any(d.type == "list" and "はい" in d.formula1 and "いいえ" in d.formula1 and "D5" in str(d.sqref) for d in dv), dv
vendor = {r[8]: r for r in wb[names[1]].iter_rows(min_row=5, values_only=True)}
assert vendor["r7-2-3"][3] == "はい" and vendor["r7-2-3"][7] == "北海メディカル 鈴木", vendor["r7-2-3"]
assert "r7-3-1" not in vendor  # group 3 is on the hospital sheet only
print("ok")
PYEOF
grep -qx ok "$T/xlsx.txt" || fail "the XLSX check did not finish: $(cat "$T/xlsx.txt")"

# the PDF: fonts embedded, Japanese wording as text
pdffonts "$T/run1/checklist.pdf" >"$T/fonts.txt"
[ "$(tail -n +3 "$T/fonts.txt" | awk '{ if ($(NF-4) != "yes") print }' | wc -l)" -eq 0 ] ||
	fail "a font is not embedded: $(cat "$T/fonts.txt")"
tail -n +3 "$T/fonts.txt" | grep -qiE 'IPAex|Noto' || fail "no Japanese font in the PDF: $(cat "$T/fonts.txt")"
pdftotext "$T/run1/checklist.pdf" "$T/pdf.txt"
for want in 医療機関確認用 事業者確認用 医療情報システム安全管理責任者を設置している パスワードの使い回しを禁止している いいえ 2026-01-31; do
	grep -q "$want" "$T/pdf.txt" || fail "the PDF text lacks $want"
done

# JSON for scripts
run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml" --json
expect_rc 1 "--json"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["checklist"]; assert c["edition"]=="r7" and c["no"]==1 and len(c["sheets"])==3 and d["inventory_checks_run"] is False; assert c["sheets"][0]["items"][0]["answer"]=="yes"' "$T/out" ||
	fail "JSON: $(head -c 300 "$T/out")"

# a second run: the BCP is done, the officer item now いいえ; --previous names both
sed -i 's/    answer: いいえ/    answer: はい/; s/    target: 2026-01-31//' "$T/answers.yaml"
sed -i '0,/    answer: はい/s//    answer: いいえ\n    target: 2025-09-30/' "$T/answers.yaml"
run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml" --out "$T/run2" --previous "$T/run1"
expect_rc 1 "second run"
expect_out "changed: 医療機関確認用 1-① \(r7-1-1\): はい → いいえ" "the officer item went to いいえ"
expect_out "changed: 医療機関確認用 3-③ \(r7-3-3\): いいえ → はい" "the BCP item went to はい"
run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml" --previous "$T/run2"
expect_out "no change since the previous run" "the same answers: no change"

# Japanese messages
LIFEBOAT_LANG=ja run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml"
expect_out "3 シート: はい 2、いいえ 1" "Japanese summary"

# a broken answers file: FILE:LINE, exit 2, nothing written
printf 'answers:\n  - {item: r7-1-1, answer: はい, date: 2025-06-01, by: x}\n  - {item: r7-1-1, answer: maybe}\n' >"$T/bad.yaml"
run "$LIFEBOAT" audit checklist --answers "$T/bad.yaml" --out "$T/run3"
expect_rc 2 "bad answer word"
expect_one_line_err "bad answer word"
expect_err "bad.yaml:3: answer 'maybe'" "names the file and line"
[ ! -e "$T/run3" ] || fail "a refused answers file still wrote $T/run3"
run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml" --edition r5
expect_rc 2 "unknown edition"
expect_err "no checklist edition 'r5' \(known: r6, r7\)" "names the editions"
run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml" --edition r6
expect_rc 2 "answers for r7 with --edition r6"
expect_err "answers.yaml:1: the answers are for edition r7" "edition mismatch"
run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml" --inventory "$T/none.yaml"
expect_rc 2 "missing inventory file"
run "$LIFEBOAT" audit checklist --answers "$T/answers.yaml" --previous "$T/nowhere"
expect_rc 2 "missing previous run"
expect_one_line_err "missing previous run"
run "$LIFEBOAT" audit checklist --help
expect_rc 0 "--help"
expect_out "事業者確認用" "help explains the sheets"
# ---- joined to `audit check` (--inventory): the Handa and Osaka models' いいえ items are exactly those their
# findings answer (finding ids and evidence in 根拠, FILE:LINE), はい on every other item the inventory answers
# (with what was read), person items from the answers file; their fixed versions はい throughout ----
EX="$LB_SRC/docs/examples"
# check_csv CSV TODAY "H:ID… V:ID…": the いいえ rows per sheet (H hospital, V vendor) are exactly those; every other
# inventory row is はい with its evidence; every いいえ names findings with the inventory file and line
check_csv() {
	$PY - "$@" >"$T/csv.txt" 2>&1 <<'PYEOF' || fail "$(basename "$(dirname "$1")"): $(cat "$T/csv.txt")"
import csv, re, sys
path, today, want = sys.argv[1], sys.argv[2], set(sys.argv[3].split())
rows = list(csv.DictReader(open(path, encoding="utf-8-sig", newline="")))
got, inv = set(), 0
for r in rows:
    kind = "H" if r["シート"] == "医療機関確認用" else "V"
    key = kind + ":" + r["項目ID"]
    ans, ev = r["はい/いいえ"], r["根拠"]
    if ans == "いいえ":
        got.add(key)
        assert r["確認日"] == today, (key, r["確認日"])
        lines = ev.split("\n")
        assert all(re.match(r"^[A-Z0-9]+(-[A-Z0-9]+)+: ", l) for l in lines if not l.startswith(("the answers file", "回答ファイル"))), (key, ev)
        assert re.search(r"\.yaml:[0-9]+\)", ev), (key, ev)
    if r["回答者"] == "台帳 (audit check)":
        inv += 1
        assert ans in ("はい", "いいえ"), ("inventory item left unanswered", key, ev)
        if ans == "はい":
            assert "checked, no finding" in ev and "stated for" in ev and "audit check as of " + today in ev, (key, ev)
assert inv > 8, ("too few inventory rows", inv)
assert got == want, ("いいえ", sorted(got - want), "not expected;", sorted(want - got), "missing")
print("ok")
PYEOF
	grep -qx ok "$T/csv.txt" || fail "CSV check of $1 did not finish: $(cat "$T/csv.txt")"
}
HANDA_R7="H:r7-2-4 H:r7-2-7 H:r7-2-8 H:r7-2-9 H:r7-2-10 H:r7-2-13 H:r7-3-2 V:r7-2-4 V:r7-2-7 V:r7-2-10 V:r7-2-13"
OSAKA_R7="H:r7-2-4 H:r7-2-7 H:r7-2-8 H:r7-2-9 H:r7-2-10 H:r7-2-12 H:r7-2-13 V:r7-2-7 V:r7-2-10 V:r7-2-12 V:r7-2-13"
HANDA_R6="H:r6-2-4-server H:r6-2-4-pc H:r6-2-7-server H:r6-2-7-pc H:r6-2-7-network H:r6-2-8 H:r6-3-2 V:r6-2-4-server V:r6-2-4-pc V:r6-2-7-server V:r6-2-7-pc V:r6-2-7-network V:r6-2-8"
OSAKA_R6="H:r6-2-4-server H:r6-2-4-pc H:r6-2-7-network H:r6-2-8 H:r6-2-9-server V:r6-2-7-network V:r6-2-8 V:r6-2-9-server"
for c in "handa 2021-10-01 r7 $HANDA_R7" "osaka 2022-10-01 r7 $OSAKA_R7" "handa 2021-10-01 r6 $HANDA_R6" "osaka 2022-10-01 r6 $OSAKA_R6"; do
	set -- $c
	name=$1 day=$2 ed=$3
	shift 3
	run "$LIFEBOAT" audit checklist --inventory "$EX/$name.yaml" --today "$day" --edition "$ed" --out "$T/$name-$ed"
	expect_rc 1 "$name $ed: いいえ items"
	expect_out "2 sheets: [0-9]+ はい, $# いいえ" "$name $ed: $# いいえ over the hospital and the vendor sheet"
	check_csv "$T/$name-$ed/checklist.csv" "$day" "$*"
done
run "$LIFEBOAT" audit checklist --inventory "$EX/handa.yaml" --today 2021-10-01
expect_out "not on the r7 checklist: EP-AV-OFF ehr-term-01: antivirus: off" "a finding no item asks for is named, not dropped"
expect_out "事業者確認用 EHR vendor 2-⑦ .*いいえ" "the vendor's findings on its sheet"

# the XLSX says the same (openpyxl): Osaka's hospital sheet, R7
$PY - "$T/osaka-r7/checklist.xlsx" "$OSAKA_R7" >"$T/xlsx2.txt" 2>&1 <<'PYEOF' || fail "osaka XLSX: $(cat "$T/xlsx2.txt")"
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
want = {w[2:] for w in sys.argv[2].split() if w.startswith("H:")}
ws = wb[wb.sheetnames[0]]
rows = {r[8]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[8]}
no = {k for k, r in rows.items() if r[3] == "いいえ"}
assert no == want, (sorted(no), sorted(want))
r = rows["r7-2-4"]
assert r[4] == datetime.datetime(2022, 10, 1) and "ACC-USER-ADMIN: ns-yamada@ehr" in r[6] and "osaka.yaml:" in r[6], r
assert rows["r7-2-5"][3] == "はい" and "accounts/status" in rows["r7-2-5"][6], rows["r7-2-5"]
assert rows["r7-1-1"][3] in (None, ""), rows["r7-1-1"]
print("ok")
PYEOF
grep -qx ok "$T/xlsx2.txt" || fail "the osaka XLSX check did not finish: $(cat "$T/xlsx2.txt")"

# person items from the answers file, saying so; a person's はい never undoes a finding's いいえ (Handa's 3-②),
# the fixed inventories: はい on every inventory item
cat >"$T/handa-answers.yaml" <<'YAML'
edition: r7
hospital: A町立病院
answers:
  - {item: r7-1-1, answer: はい, date: 2021-09-01, by: 事務長}
  - {item: r7-3-2, answer: はい, date: 2021-09-01, by: 情報システム担当}
YAML
run "$LIFEBOAT" audit checklist --inventory "$EX/handa.yaml" --today 2021-10-01 --answers "$T/handa-answers.yaml" --json
expect_rc 1 "handa with answers"
$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["inventory_checks_run"] is True
rows = {i["id"]: i for i in d["checklist"]["sheets"][0]["items"]}
o = rows["r7-1-1"]
assert o["answer"] == "yes" and o["source"] == "answers" and o["by"] == "事務長" and any(e.startswith("answered by 事務長") for e in o["evidence"]), o
b = rows["r7-3-2"]
assert b["answer"] == "no" and b["findings"] == ["NET-BACKUP-WRITABLE"] and b["source"] == "inventory", b
assert any("the answers file says はい" in e for e in b["evidence"]), b
assert rows["r7-2-6"]["answer"] == "unanswered" and "a person answers" in rows["r7-2-6"]["evidence"][0], rows["r7-2-6"]
assert any(x.startswith("EP-AV-OFF ") for x in d["not_on_checklist"]), d["not_on_checklist"]
' "$T/out" || fail "answers joined with the inventory: $(head -c 600 "$T/out")"
for c in "handa-fixed 2021-12-01" "osaka-fixed 2023-03-01"; do
	set -- $c
	for ed in r7 r6; do
		run "$LIFEBOAT" audit checklist --inventory "$EX/$1.yaml" --today "$2" --edition "$ed" --out "$T/$1-$ed"
		expect_rc 0 "$1 $ed: no いいえ"
		expect_out " 0 いいえ" "$1 $ed: 0 いいえ"
		check_csv "$T/$1-$ed/checklist.csv" "$2" ""
	done
done
# a malformed inventory: every error with FILE:LINE, exit 2, nothing written
printf 'devices:\n  - {name: x, type: router}\n' >"$T/badinv.yaml"
run "$LIFEBOAT" audit checklist --inventory "$T/badinv.yaml" --out "$T/run4"
expect_rc 2 "malformed inventory"
expect_err "badinv.yaml:2: devices.type" "names the file, line and key"
[ ! -e "$T/run4" ] || fail "a refused inventory still wrote $T/run4"
finish
