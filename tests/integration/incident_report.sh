#!/usr/bin/env bash
# lifeboat incident fact / facts / report / export / verify --dir (issue 15): a drill through the CLI (declare with
# --known-at, phases, facts, decisions) gives report drafts of every kind that carry the declared time, the facts
# entered and 不明 for the rest (text, JSON, and the PDF read back with pdftotext); a bad fact key or value is one
# line, exit 2, and nothing recorded; the exported medium verifies alone (lifeboat verify --dir, and coreutils'
# sha256sum -c) and one flipped byte in any of its files, an entry rewritten with the sums recomputed, or an extra
# file makes verify --dir exit 1 naming it.
. "$LB_SRC/tests/integration/lib.bash"
set -e
for tool in pdftotext python3 sqlite3 sha256sum; do
	command -v "$tool" >/dev/null || {
		echo "SKIP: $tool not installed"
		exit 77
	}
done
export TZ=Asia/Tokyo
I="$T/hq/incident.db"
mkdir -p "$T/hq"
inc() { run "$LIFEBOAT" incident "$@"; }
entries() { sqlite3 "$I" 'SELECT count(*) FROM entries'; }

known=$(date -d '-2 days' '+%Y-%m-%d 03:10')
shown=$(date -d '-2 days' '+%Y/%m/%d 03:10')
inc declare --incident "$I" --title "電子カルテ停止 ランサムウェア疑い" --drill --malicious --known-at "$known" --as "情報システム課 佐藤"
expect_rc 0 "declare"
inc phase --incident "$I" --set initial --note "ネットワーク遮断を開始" --as "情報システム課 佐藤"
expect_rc 0 "phase initial"
inc log --incident "$I" --team recovery --kind action --as "SE 田中" "VPN 装置の LAN を抜線"
expect_rc 0 "log action"
inc log --incident "$I" --team recovery --kind evidence --as "SE 田中" "感染端末 1 台のディスクイメージを保全"
expect_rc 0 "log evidence"
inc decide --incident "$I" --as "院長" "外来新規受付を停止"
expect_rc 0 "decide"
inc log --incident "$I" --team liaison --reported police --as "総務 山本" "県警サイバー犯罪対策課に電話で相談"
expect_rc 0 "police reported"

# the fact sheet: every key listed, all unknown
inc facts --incident "$I"
expect_rc 0 "facts before any"
expect_out "0 of 26 known" "facts: none known yet"
expect_out "persons .*unknown" "facts: persons listed as unknown"

# facts entered, each an entry by --as
n0=$(entries)
inc fact --incident "$I" --as "SE 田中" --source "EDR 管理画面" extension .lockbit
expect_rc 0 "fact extension"
expect_out "recorded as entry #7" "fact says its entry"
inc fact --incident "$I" --as "SE 田中" systems "電子カルテサーバ 3 台、端末 約200 台"
expect_rc 0 "fact systems"
inc fact --incident "$I" --as "総務 山本" persons 約85,000
expect_rc 0 "fact persons"
inc fact --incident "$I" leak おそれあり
expect_rc 0 "fact leak in Japanese"
inc fact --incident "$I" 侵入経路 "保守用 VPN 装置 (脆弱性未対応)"
expect_rc 0 "fact by its Japanese label"
inc fact --incident "$I" vendor-notified-at "$(date -d '-2 days' '+%Y-%m-%d 03:30')"
expect_rc 0 "fact time"
inc fact --incident "$I" --as "SE 田中" systems "電子カルテサーバ 4 台、端末 約200 台"
expect_rc 0 "fact corrected"
[ "$(entries)" -eq $((n0 + 7)) ] || fail "facts: not one entry each"
[ "$(sqlite3 "$I" "SELECT source FROM entries WHERE type = 'fact' AND kind = 'extension'")" = "EDR 管理画面" ] ||
	fail "fact source not stored"

# bad facts: one line, exit 2, nothing recorded
n1=$(entries)
inc fact --incident "$I" ransom-amount 100
expect_rc 2 "unknown fact key"
expect_one_line_err "unknown fact key"
expect_err "no fact key 'ransom-amount' \(hospital, contact, summary, .*persons" "unknown key lists the keys"
inc fact --incident "$I" persons many
expect_rc 2 "persons not a number"
expect_one_line_err "persons not a number"
inc fact --incident "$I" leak perhaps
expect_rc 2 "leak not yes/possible/no/unknown"
expect_one_line_err "leak not yes/possible/no/unknown"
inc fact --incident "$I" vendor-notified-at yesterday
expect_rc 2 "a time that is no time"
expect_one_line_err "a time that is no time"
inc fact --incident "$I" summary
expect_rc 2 "a key without a value"
expect_one_line_err "a key without a value"
[ "$(entries)" -eq "$n1" ] || fail "bad facts changed the file"

inc facts --incident "$I" --json
expect_rc 0 "facts --json"
python3 - "$T/out" <<'EOF' || fail "facts --json"
import json, sys
d = json.load(open(sys.argv[1]))
f = {x["key"]: x for x in d["facts"]}
assert d["known"] == 6, d["known"]
assert f["systems"]["value"] == "電子カルテサーバ 4 台、端末 約200 台" and f["systems"]["times"] == 2
assert f["extension"]["source"] == "EDR 管理画面" and f["extension"]["author"] == "SE 田中"
assert f["leak"]["value"] == "possible"
assert f["cause"]["value"] is None and f["cause"]["entry"] is None
EOF

# every report kind: the declared time, the facts entered, 不明 for the rest (text, JSON, PDF)
for kind in mhlw police ppc-preliminary ppc-final ransomware-common; do
	inc report --incident "$I" --kind $kind --pdf "$T/$kind.pdf"
	expect_rc 0 "report $kind"
	cp "$T/out" "$T/$kind.txt"
	expect_out "$shown" "report $kind carries the time learned of"
	expect_out "未記入 \(not yet known\) [0-9]+ 項目" "report $kind counts the unknown fields at the top"
	expect_out "不明" "report $kind marks unknown fields"
	expect_out "訓練" "report $kind marks the drill"
	expect_out "外来新規受付を停止" "report $kind carries the decision"
	expect_out "VPN 装置の LAN を抜線" "report $kind carries the action"
	pdftotext "$T/$kind.pdf" - | tr -d ' \n' >"$T/$kind.pdftext"
	grep -q "$(echo "$shown" | tr -d ' ')" "$T/$kind.pdftext" || fail "PDF $kind lacks the time learned of"
	grep -q "不明" "$T/$kind.pdftext" || fail "PDF $kind lacks 不明"
	grep -q "未記入" "$T/$kind.pdftext" || fail "PDF $kind lacks the unknown count"
	grep -q "外来新規受付を停止" "$T/$kind.pdftext" || fail "PDF $kind lacks the decision"
	inc report --incident "$I" --kind $kind --json
	expect_rc 0 "report $kind --json"
	python3 - "$T/out" "$kind" <<'EOF' || fail "report $kind --json"
import json, sys
d = json.load(open(sys.argv[1]))
kind = sys.argv[2]
assert d["kind"] == kind
assert d["drill"] is True
f = {x["name"]: x for x in d["fields"]}
unknown = [x["name"] for x in d["fields"] if x["value"] is None]
assert d["unknown_count"] == len(unknown) == len(d["unknown"]), (d["unknown_count"], unknown)
assert set(unknown) == set(d["unknown"])
assert f["hospital"]["value"] is None
if kind in ("police", "ransomware-common"):
    assert f["extension"]["value"] == ".lockbit", f["extension"]
    assert f["intrusion"]["value"] == "保守用 VPN 装置 (脆弱性未対応)"
if kind.startswith("ppc") or kind in ("mhlw", "ransomware-common"):
    assert f["persons"]["value"] == "約85,000", f["persons"]
if kind == "mhlw":
    # known from the timeline (--reported police), without a fact
    assert f["police-notified-at"]["value"] is not None and f["police-notified-at"]["entry"] == 6
assert any(x["text"] == "外来新規受付を停止" for x in d["decisions"])
assert any(x["text"] == "感染端末 1 台のディスクイメージを保全" for x in d["evidence"])
dl = d["deadlines"]
if kind == "ppc-final":
    assert len(dl) == 1 and dl[0]["report"] == "ppc-final"
EOF
done
grep -q "電子カルテサーバ 4 台" "$T/mhlw.txt" || fail "mhlw draft lacks the corrected systems"
grep -q "電子カルテサーバ 3 台" "$T/mhlw.txt" && fail "mhlw draft carries the superseded systems"
grep -q "約85,000" "$T/ppc-preliminary.pdftext" || fail "PPC preliminary PDF lacks the number of persons"
grep -q "漏えい等が発生し、又はおそれがある個人データの項目" "$T/ppc-preliminary.txt" || fail "PPC draft lacks the data-items field"
grep -q ".lockbit" "$T/police.pdftext" || fail "police PDF lacks the extension"
inc report --incident "$I" --kind fbi
expect_rc 2 "unknown report kind"
expect_one_line_err "unknown report kind"
inc report --incident "$I"
expect_rc 2 "report without --kind"
expect_one_line_err "report without --kind"
run "$LIFEBOAT" --lang ja incident report --incident "$I" --kind ppc-preliminary
expect_rc 0 "report in Japanese"
expect_out "^個人情報保護委員会 漏えい等報告 \(速報\) 案$" "Japanese draft title alone"
grep -q "(not yet known)" "$T/out" && fail "Japanese draft carries English glosses"

# the export medium
M="$T/medium"
inc export --incident "$I" --to "$M"
expect_rc 0 "export"
expect_out "SHA-256 of SHA256SUMS: [0-9a-f]{64}" "export prints the manifest's hash"
head=$(sed -n 's/^  head of the timeline: #[0-9]* \([0-9a-f]*\)$/\1/p' "$T/out")
[ ${#head} -eq 64 ] || fail "export prints the head hash"
for f in timeline.jsonl timeline.txt evidence.txt facts.txt facts.json head.txt README.txt SHA256SUMS \
	reports/mhlw.txt reports/mhlw.pdf reports/police.pdf reports/ppc-preliminary.pdf reports/ppc-final.pdf \
	reports/ransomware-common.txt reports/ransomware-common.pdf; do
	[ -f "$M/$f" ] || fail "medium lacks $f"
done
[ "$(wc -l <"$M/timeline.jsonl")" -eq "$(entries)" ] || fail "timeline.jsonl: not one line per entry"
grep -q "ディスクイメージを保全" "$M/evidence.txt" || fail "evidence list lacks the evidence"
grep -q "VPN 装置の LAN を抜線" "$M/evidence.txt" && fail "evidence list carries an action"
(cd "$M" && sha256sum --strict --quiet -c SHA256SUMS) || fail "sha256sum -c fails on the medium"
ls -a "$T" | grep -q '\.tmp-' && fail "export left its temporary folder"
inc verify --dir "$M"
expect_rc 0 "verify --dir"
expect_out "medium intact: 17 files" "verify --dir counts the files"
inc verify --dir "$M" --head "${head:0:16}"
expect_rc 0 "verify --dir --head"
inc verify --dir "$M" --json
expect_rc 0 "verify --dir --json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and d["status"]=="intact" and d["file"] is None' "$T/out" ||
	fail "verify --dir --json"
# not over an existing medium, not into a folder with something in it
inc export --incident "$I" --to "$M"
expect_rc 2 "export over a medium"
expect_one_line_err "export over a medium"
mkdir -p "$T/full" && echo x >"$T/full/x"
inc export --incident "$I" --to "$T/full"
expect_rc 2 "export into a non-empty folder"
[ "$(ls "$T/full")" = x ] || fail "export touched the non-empty folder"
mkdir -p "$T/empty"
inc export --incident "$I" --to "$T/empty"
expect_rc 0 "export into an empty folder"
inc verify --dir "$T/nowhere"
expect_rc 2 "verify --dir on no folder"
expect_one_line_err "verify --dir on no folder"
inc verify --dir "$M" --incident "$I"
expect_rc 2 "verify with --dir and a file"

flip() { # flip FILE OFFSET: xor one byte
	python3 - "$1" "$2" <<'EOF'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
off = off % len(b)
b[off] ^= 0x01
open(p, "wb").write(bytes(b))
EOF
}
# one flipped byte in each kind of file: exit 1 naming it
for f in timeline.jsonl timeline.txt evidence.txt facts.txt facts.json head.txt README.txt reports/police.txt \
	reports/ppc-final.pdf SHA256SUMS; do
	rm -rf "$T/m2" && cp -a "$M" "$T/m2"
	flip "$T/m2/$f" 40
	inc verify --dir "$T/m2"
	expect_rc 1 "flipped byte in $f"
	expect_out "$f" "flipped byte in $f: named"
	(cd "$T/m2" && sha256sum --strict --quiet -c SHA256SUMS >/dev/null 2>&1) && fail "sha256sum -c passes a flipped $f"
done
# an entry rewritten, the sums recomputed (someone covering their tracks): the chain names the entry
resum() { (cd "$1" && grep -v '  SHA256SUMS$' SHA256SUMS | awk '{print $2}' | xargs sha256sum >SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS); }
rm -rf "$T/m3" && cp -a "$M" "$T/m3"
python3 - "$T/m3/timeline.jsonl" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p, encoding="utf-8").read().split("\n")
lines[4] = lines[4].replace("外来新規受付を停止", "外来新規受付を継続")
open(p, "w", encoding="utf-8").write("\n".join(lines))
EOF
resum "$T/m3"
(cd "$T/m3" && sha256sum --quiet -c SHA256SUMS) || fail "resummed medium should pass sha256sum"
inc verify --dir "$T/m3"
expect_rc 1 "entry rewritten, sums recomputed"
expect_out "timeline.jsonl line 5 \(entry #5\) does not match its hash" "entry rewritten: named"
# an entry removed, sums recomputed
rm -rf "$T/m4" && cp -a "$M" "$T/m4"
sed -i '3d' "$T/m4/timeline.jsonl"
resum "$T/m4"
inc verify --dir "$T/m4"
expect_rc 1 "entry removed, sums recomputed"
expect_out "line 3 \(entry #4\) does not follow" "entry removed: named"
# the last entry cut off, head.txt and the sums rewritten to match: only the head on paper catches it
rm -rf "$T/m5" && cp -a "$M" "$T/m5"
sed -i '$d' "$T/m5/timeline.jsonl"
python3 - "$T/m5" <<'EOF'
import json, sys
d = sys.argv[1]
last = json.loads(open(d + "/timeline.jsonl", encoding="utf-8").read().splitlines()[-1])
h = open(d + "/head.txt").read().splitlines()
h = [l if not l.startswith(("head ", "entries ")) else ("head %d %s" % (last["seq"], last["hash"]) if l.startswith("head ") else "entries %d" % last["seq"]) for l in h]
open(d + "/head.txt", "w").write("\n".join(h) + "\n")
EOF
resum "$T/m5"
inc verify --dir "$T/m5"
expect_rc 0 "cut-off end with a rewritten head verifies alone"
inc verify --dir "$T/m5" --head "${head:0:16}"
expect_rc 1 "cut-off end caught by the head on paper"
expect_out "head ${head:0:16}" "cut-off end: names the head"
# a file added after the export
rm -rf "$T/m6" && cp -a "$M" "$T/m6"
echo "note" >"$T/m6/reports/extra.txt"
inc verify --dir "$T/m6"
expect_rc 1 "a file added"
expect_out "reports/extra.txt is not listed" "a file added: named"
# a listed file removed
rm -rf "$T/m7" && cp -a "$M" "$T/m7"
rm "$T/m7/facts.json"
inc verify --dir "$T/m7"
expect_rc 1 "a file removed"
expect_out "facts.json is missing" "a file removed: named"

finish
