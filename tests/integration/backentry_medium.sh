#!/usr/bin/env bash
# lifeboat incident orders export|import|conflicts|resolve (issue 16, offline wards merged later): three wards
# export their registers (one of them twice, the second medium overlapping the first); importing the media in
# several orders, and one medium twice, gives the same worklist and the same rows; a number with other content is
# shown as a conflict and resolved by a new entry (both contents kept); a tampered medium (a flipped byte in the
# data or the manifest, a truncated file, SHA256SUMS missing, content altered with SHA256SUMS made again, a file
# added) is refused with one line, exit 2, and the file is unchanged; an import killed with SIGKILL leaves the file
# as it was; `incident verify` passes after every merge.
. "$LB_SRC/tests/integration/lib.bash"
set -e
GEN="$LB_BUILD/tests/be_genward"
inc() { run "$LIFEBOAT" incident "$@"; }
W="$T/wards" M="$T/media"
mkdir -p "$W" "$M"
# the state of a file, for "unchanged": every row of every table, hashed
state() { sqlite3 "$1" .dump | sha256sum | cut -c1-64; }
# the worklist and the register as JSON, without what is local to the file (the entry numbers)
worklist() {
	for what in backlog "order list"; do
		# shellcheck disable=SC2086
		"$LIFEBOAT" incident $what --incident "$1" --json
	done | python3 -c '
import json, sys
dec = json.JSONDecoder()
text = sys.stdin.read()
i, out = 0, []
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    v, i = dec.raw_decode(text, i)
    out.append([{k: x for k, x in o.items() if k != "entry"} for o in v])
print(json.dumps(out, sort_keys=True))'
}
rows() { sqlite3 "$1" "SELECT (SELECT count(*) FROM be_orders), (SELECT count(*) FROM be_steps),
	(SELECT count(*) FROM be_links), (SELECT count(*) FROM be_blocks), (SELECT count(*) FROM be_conflicts)"; }

# three wards, offline, each in its own file; 3A exports, registers more, and exports again (overlapping media)
"$GEN" "$W/3A.db" 3A 40
inc orders export --incident "$W/3A.db" --to "$M/3A-1"
expect_rc 0 "export 3A (first)"
expect_out "40 orders" "the first 3A medium holds 40 orders"
"$GEN" "$W/3A.db" 3A 25 0 41
inc orders export --incident "$W/3A.db" --ward 3A --to "$M/3A-2" --json
expect_rc 0 "export 3A (second, --ward)"
expect_out '"orders":65' "the second 3A medium holds all 65"
"$GEN" "$W/4B.db" 4B 30
"$GEN" "$W/5C.db" 5C 20
for w in 4B 5C; do
	inc orders export --incident "$W/$w.db" --to "$M/$w"
	expect_rc 0 "export $w"
done
for f in manifest.json orders.jsonl steps.jsonl links.jsonl blocks.jsonl SHA256SUMS; do
	[ -s "$M/3A-2/$f" ] || [ "$f" = links.jsonl ] || fail "the medium lacks $f"
done
(cd "$M/3A-2" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS does not check with coreutils"
python3 - "$M/3A-2/manifest.json" <<'PY' || fail "manifest.json lacks its fields"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["wards"] == ["3A"] and m["counts"]["orders"] == 65, m
assert m["numbers"][0]["first"].startswith("DT-3A-000001-") and m["numbers"][0]["last"].startswith("DT-3A-000065-"), m
assert len(m["source"]) == 64 and m["created"].endswith("Z")
PY
inc orders export --incident "$W/4B.db" --to "$M/4B"
expect_rc 2 "export into a folder that is not empty"
expect_one_line_err "export into a folder that is not empty"

# several orders of import, and one medium twice: the same worklist and rows each time
orders=("3A-1 3A-2 4B 5C" "5C 4B 3A-2 3A-1" "4B 3A-2 5C 3A-1 3A-2" "3A-2 5C 4B 4B")
ref="" refrows=""
for k in "${!orders[@]}"; do
	F="$T/records$k.db"
	if [ "$k" = 3 ]; then # all in one call
		dirs=()
		for m in ${orders[$k]}; do dirs+=("$M/$m"); done
		inc orders import "${dirs[@]}" --incident "$F" --as "医事課 田中" --json
		expect_rc 0 "import ${orders[$k]} in one call"
		expect_out '"duplicate":30' "the medium given twice in one call is a duplicate the second time"
	else
		for m in ${orders[$k]}; do
			inc orders import "$M/$m" --incident "$F" --as "医事課 田中" --json
			expect_rc 0 "import $m (order $k)"
		done
	fi
	inc verify --incident "$F"
	expect_rc 0 "verify after the merges of order $k"
	got=$(worklist "$F")
	r=$(rows "$F")
	if [ -z "$ref" ]; then
		ref=$got refrows=$r
		case "$r" in 115\|*\|0) ;; *) fail "rows after the first merges: $r (115 orders, no conflict)" ;; esac
	else
		[ "$got" = "$ref" ] || fail "order $k (${orders[$k]}) gives another worklist"
		[ "$r" = "$refrows" ] || fail "order $k gives other rows: $r, not $refrows"
	fi
done
n=$(echo "$ref" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(len(v[0]), len(v[1]))')
[ "$n" = "115 115" ] || fail "the worklist holds $n entries, not 115 115"
F="$T/records0.db"
merges=$(sqlite3 "$F" "SELECT count(*) FROM entries WHERE type = 'backentry' AND kind = 'merge'")
[ "$merges" = 4 ] || fail "4 imports make $merges merge entries"
inc orders import "$M/4B" --incident "$F"
expect_rc 0 "import 4B again"
expect_out "0 new, 30 duplicate, 0 conflict" "a medium imported twice adds nothing"
expect_out "imported before" "says the medium was imported before"
sqlite3 "$F" "SELECT text FROM entries WHERE kind = 'merge' ORDER BY seq DESC LIMIT 1" | grep -q "new 0, duplicate 30, conflict 0" ||
	fail "the merge entry lacks its counts"
# a downtime patient's link and a step came across
"$LIFEBOAT" incident order list --incident "$F" --patient P0000001 --json | grep -q '"linked_to":"P0000001"' ||
	fail "a downtime patient's link did not come across"
inc backlog --incident "$F" --step entered --json
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert len(v) == 115 - 10 - 6 - 7 - 5, len(v)' "$T/out" ||
	fail "the steps did not come across"

# a conflict: another 3A file registered numbers 1-3 with other content
"$GEN" "$W/3Ax.db" 3A 3 5
inc orders export --incident "$W/3Ax.db" --to "$M/3Ax"
inc orders import "$M/3Ax" --incident "$F" --as "医事課 田中"
expect_rc 0 "import a medium with conflicts"
expect_out "0 new, 0 duplicate, 3 conflict" "three conflicts counted"
N1=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["number"])' "$M/3Ax/orders.jsonl")
BAUTHOR=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["author"])' "$M/3Ax/orders.jsonl")
AAUTHOR=$(grep -h "\"$N1\"" "$M/3A-1/orders.jsonl" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["author"])')
[ "$AAUTHOR" != "$BAUTHOR" ] || fail "the test's two contents are the same"
inc orders conflicts --incident "$F"
expect_rc 0 "list the conflicts"
expect_out "$N1" "the conflicting number is shown"
expect_out "A: .*$AAUTHOR" "both contents are shown (A)"
expect_out "B: .*$BAUTHOR" "both contents are shown (B)"
inc orders import "$M/3Ax" --incident "$F"
expect_out "0 new, 3 duplicate, 0 conflict" "a conflict is not flagged twice"
c=$(sqlite3 "$F" 'SELECT count(*) FROM be_conflicts')
[ "$c" = 3 ] || fail "$c conflicts after importing the conflicting medium twice"
inc order show "$N1" --incident "$F" --json
expect_out "\"author\":\"$AAUTHOR\"" "before resolving, the register shows A"
inc orders resolve "$N1" --keep C --reason x --incident "$F"
expect_rc 2 "--keep C"
expect_one_line_err "--keep C"
inc orders resolve "$(sed -n 5p "$M/4B/orders.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')" \
	--keep B --reason x --incident "$F"
expect_rc 2 "resolve a number with no conflict"
expect_one_line_err "resolve a number with no conflict"
before=$(state "$F")
inc orders resolve "$N1" --keep B --incident "$F"
expect_rc 2 "resolve with no reason"
[ "$(state "$F")" = "$before" ] || fail "a refused resolve wrote something"
inc orders resolve "$N1" --keep B --reason "紙の原本と照合" --incident "$F" --as "医事課 田中"
expect_rc 0 "resolve, keeping B"
inc order show "$N1" --incident "$F" --json
expect_out "\"author\":\"$BAUTHOR\"" "after resolving, order show shows B"
BKIND=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["kind"])' "$M/3Ax/orders.jsonl")
"$LIFEBOAT" incident backlog --incident "$F" --kind "$BKIND" --json | grep -q "\"$N1\"" ||
	fail "the worklist's filter does not follow the kept content"
inc orders conflicts --incident "$F" --json
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert len(v) == 2 and all(c["kept"] is None for c in v), v' "$T/out" ||
	fail "two conflicts stay open"
inc orders conflicts --all --incident "$F" --json
expect_out "紙の原本と照合" "the reason is shown"
o=$(sqlite3 "$F" "SELECT author FROM be_orders WHERE number = '$N1'")
[ "$o" = "$AAUTHOR" ] || fail "the registered row was overwritten ($o)"
inc orders resolve "$N1" --keep A --reason "やはり A" --incident "$F"
expect_rc 0 "decide again"
inc order show "$N1" --incident "$F" --json
expect_out "\"author\":\"$AAUTHOR\"" "the newest decision stands"
inc verify --incident "$F"
expect_rc 0 "verify after conflicts and resolutions"

# tampered media: refused with one line, exit 2, the file unchanged
G="$T/tamper.db"
cp "$T/records1.db" "$G"
before=$(state "$G")
entries_before=$(sqlite3 "$G" 'SELECT count(*) FROM entries')
flip() { # flip FILE OFFSET
	python3 - "$1" "$2" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[off] ^= 0x01
open(p, "wb").write(b)
PY
}
resum() { (cd "$1" && find . -type f ! -name SHA256SUMS -printf '%P\n' | sort | xargs sha256sum >SHA256SUMS); }
tamper() { # tamper WHAT COMMAND…: a fresh copy of the 3Ax medium, altered, must be refused
	local what=$1
	shift
	rm -rf "$T/bad"
	cp -r "$M/3Ax" "$T/bad"
	"$@"
	inc orders import "$T/bad" --incident "$G"
	expect_rc 2 "$what"
	expect_one_line_err "$what"
	[ "$(state "$G")" = "$before" ] || fail "$what: the file changed"
}
tamper "a flipped byte in the data" flip "$T/bad/orders.jsonl" 120
tamper "a flipped byte in manifest.json" flip "$T/bad/manifest.json" 30
tamper "a flipped byte in SHA256SUMS" flip "$T/bad/SHA256SUMS" 3
tamper "a truncated file" truncate -s 100 "$T/bad/orders.jsonl"
tamper "SHA256SUMS missing" rm "$T/bad/SHA256SUMS"
tamper "a file missing" rm "$T/bad/blocks.jsonl"
tamper "a file added" touch "$T/bad/extra.jsonl"
alter() { sed -i '1s/"author":"[^"]*"/"author":"別人"/' "$T/bad/orders.jsonl" && resum "$T/bad"; }
tamper "content altered, SHA256SUMS made again" alter
expect_err "hash" "says the content does not match its hash"
cut_line() { head -n 2 "$T/bad/orders.jsonl" >"$T/bad/o" && mv "$T/bad/o" "$T/bad/orders.jsonl" && resum "$T/bad"; }
tamper "an order removed, SHA256SUMS made again" cut_line
# several media at once: one bad among them, and none is merged
flip "$T/bad/orders.jsonl" 120
inc orders import "$M/4B" "$T/bad" --incident "$G"
expect_rc 2 "a bad medium among several"
expect_one_line_err "a bad medium among several"
[ "$(state "$G")" = "$before" ] || fail "a bad medium among several: the file changed"
# several media, each sound, but the second holds numbers no block allocates (its blocks cut off, SHA256SUMS and
# the manifest made again): found only at the merge, and the first, already merged in the same call, is undone too
rm -rf "$T/noblk" && cp -r "$M/5C" "$T/noblk"
: >"$T/noblk/blocks.jsonl"
python3 - "$T/noblk/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["counts"]["blocks"] = 0
open(sys.argv[1], "w").write(json.dumps(m, indent=2) + "\n")
PY
resum "$T/noblk"
G2="$T/fresh.db"
inc numbers allocate --incident "$G2" --ward ZZ --kind order --count 1
before2=$(state "$G2")
inc orders import "$M/4B" "$T/noblk" --incident "$G2"
expect_rc 2 "a medium whose numbers no block allocates, after a sound one"
expect_one_line_err "numbers no block allocates"
expect_err "never allocated" "says which number was never allocated"
[ "$(state "$G2")" = "$before2" ] || fail "several media, the second unallocated: the first stayed merged"
LIFEBOAT_LANG=ja run "$LIFEBOAT" incident orders import "$T/nowhere" --incident "$G"
expect_rc 2 "no such folder"
expect_err "フォルダ" "the message in Japanese"
[ "$(sqlite3 "$G" 'SELECT count(*) FROM entries')" = "$entries_before" ] || fail "a refused medium made an entry"
inc verify --incident "$G"
expect_rc 0 "verify after the refused media"

# SIGKILL in the middle of a big import: the file is as it was, and the import then succeeds
python3 - "$M/big" <<'PY'
import hashlib, json, os, struct, sys
t = ["0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
     "3674209581", "5869720134", "8945362017", "9438617205", "2581436790"]
def num(pre, ward, serial):
    p, digits = 0, "".join(str(ord(c) - 55) if c.isalpha() else c for c in ward) + "%06d" % serial
    for d in digits:
        p = int(t[p][int(d)])
    return "%s-%s-%06d-%d" % (pre, ward, serial, p)
def s(x):
    if x is None:
        return b"\xff\xff\xff\xff"
    b = x.encode()
    return struct.pack(">I", len(b)) + b
d, ward, n = sys.argv[1], "9Z", 40000
os.makedirs(d)
with open(d + "/orders.jsonl", "w") as f:
    for i in range(1, n + 1):
        o = {"number": num("DT", ward, i), "ward": ward, "patient": "P%07d" % i, "kind": "lab",
             "clinical_ms": 1796601600000 + i, "author": "医師", "form_serial": None, "paper_at": None,
             "note": "n%d" % i, "registered_ms": 1796601600000 + i, "registered_by": "gen", "origin": None}
        h = (b"lifeboat backentry order v1\0" + s(o["number"]) + s(ward) + s(o["patient"]) + s("lab") +
             struct.pack(">Q", o["clinical_ms"]) + s(o["author"]) + s(None) + s(None) + s(o["note"]))
        o["hash"] = hashlib.blake2b(h, digest_size=32).hexdigest()
        f.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")
open(d + "/steps.jsonl", "w").close()
open(d + "/links.jsonl", "w").close()
open(d + "/blocks.jsonl", "w").write(json.dumps({"kind": "order", "ward": ward, "first": 1, "count": n,
                                                "who": "gen", "at_ms": 1796601600000}) + "\n")
json.dump({"format": "lifeboat backentry medium v1", "source": None, "ward": ward, "wards": [ward],
           "numbers": [{"ward": ward, "first": num("DT", ward, 1), "last": num("DT", ward, n)}],
           "counts": {"orders": n, "steps": 0, "links": 0, "blocks": 1}, "created": "2026-12-07T00:00:00Z",
           "created_ms": 1796601600000}, open(d + "/manifest.json", "w"))
with open(d + "/SHA256SUMS", "w") as f:
    for name in sorted(os.listdir(d)):
        if name != "SHA256SUMS":
            f.write("%s  %s\n" % (hashlib.sha256(open(d + "/" + name, "rb").read()).hexdigest(), name))
PY
K="$T/kill.db"
cp "$T/records2.db" "$K"
before=$(state "$K")
"$LIFEBOAT" incident verify --incident "$K" >/dev/null # leaves no -wal behind
wal0=$(stat -c %s "$K-wal" 2>/dev/null || echo 0)
# killed at a fixed point, not a raced one: a debug build writes every page of the merge into the WAL, then
# SIGKILLs itself before the commit frame (LIFEBOAT_TEST_KILL; compiled out of release builds)
set +e
LIFEBOAT_TEST_KILL=merge-commit "$LIFEBOAT" incident orders import "$M/big" --incident "$K" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 137 ] || fail "the import was not killed before its commit (exit $rc)"
w=$(stat -c %s "$K-wal" 2>/dev/null || echo 0)
[ "$w" -gt $((wal0 + 65536)) ] || fail "the killed import wrote nothing into the WAL ($w bytes): the test tests nothing"
[ "$(state "$K")" = "$before" ] || fail "an import killed midway changed the file"
inc verify --incident "$K"
expect_rc 0 "verify after the killed import"
inc orders import "$M/big" --incident "$K"
expect_rc 0 "the import after the kill"
expect_out "40000 new" "all of it merged the second time"
inc verify --incident "$K"
expect_rc 0 "verify after the big merge"

# a row edited behind the chain's back is found by verify
sqlite3 "$K" "DROP TRIGGER be_orders_no_update; UPDATE be_orders SET author = 'x' WHERE number =
	(SELECT number FROM be_orders WHERE number LIKE 'DT-9Z-%' LIMIT 1)"
inc verify --incident "$K"
[ "$RC" -ne 0 ] || fail "verify passes with a merged row edited"

# --help of each new subcommand, in both languages
for sub in export import conflicts resolve; do
	inc orders "$sub" --help
	expect_rc 0 "orders $sub --help"
	expect_out "lifeboat incident orders $sub" "orders $sub --help shows its usage"
	LIFEBOAT_LANG=ja run "$LIFEBOAT" incident orders "$sub" --help
	python3 -c 'import sys; t = open(sys.argv[1], encoding="utf-8").read()
sys.exit(0 if any("\u3040" <= c <= "\u30ff" for c in t) else 1)' "$T/out" || fail "orders $sub --help has no Japanese"
done
finish
