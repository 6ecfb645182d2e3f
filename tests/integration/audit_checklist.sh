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
finish
