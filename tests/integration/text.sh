#!/usr/bin/env bash
# `lifeboat text` on real files: SS-MIX2-style ISO-2022-JP written by glibc's own encoder, CP932 and EUC-JP files,
# the CP932 extensions real feeds carry, broken escape sequences, and the search keys and era dates staff type.
. "$LB_SRC/tests/integration/lib.bash"
set -e

# A PID segment as SS-MIX2 carries it, encoded by iconv (an independent encoder), decoded by lifeboat.
printf 'MSH|^~\\&|HIS|HOSP|||20240401120000||ADT^A08|1|P|2.5||||||~ISO IR87||ISO 2022-1994\rPID|||0000001^^^^PI||佐藤^花子^^^^^L^I~サトウ^ハナコ^^^^^L^P||19480405|F|||東京都千代田区千代田1-1||03-1234-5678\r' >"$T/pid.utf8"
iconv -f UTF-8 -t ISO-2022-JP "$T/pid.utf8" >"$T/pid.hl7"
grep -q $'\x1b\$B' "$T/pid.hl7" || fail "iconv did not write ISO-2022-JP escapes"
run "$LIFEBOAT" text decode "$T/pid.hl7"
expect_rc 0 "decode SS-MIX2 ISO-2022-JP"
cmp -s "$T/out" "$T/pid.utf8" || fail "decoded PID differs from the original: $(diff <(od -c "$T/out") <(od -c "$T/pid.utf8") | head -5)"

# --from is honoured, and the guess picks ISO-2022-JP.
run "$LIFEBOAT" text decode --from iso-2022-jp --json "$T/pid.hl7"
expect_rc 0 "decode --json"
python3 - "$T/out" "$T/pid.utf8" <<'PY' || fail "decode --json does not carry the text and counts"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["encoding"] == "iso-2022-jp", d
assert d["unmapped"] == 0 and d["bad"] == [], d
assert d["text"] == open(sys.argv[2], encoding="utf-8", newline="").read(), d["text"]
PY

# CP932 and EUC-JP files (hospital CSV exports), guessed.
printf '患者ID,氏名,カナ\r\n0000001,髙橋 一郎,ﾀｶﾊｼ ｲﾁﾛｳ\r\n0000002,齋藤 ①子,サイトウ\r\n' >"$T/csv.utf8"
iconv -f UTF-8 -t CP932 "$T/csv.utf8" >"$T/csv.sjis"
run "$LIFEBOAT" text decode "$T/csv.sjis"
expect_rc 0 "decode CP932"
cmp -s "$T/out" "$T/csv.utf8" || fail "CP932 round trip differs"
printf '佐藤花子,ｻﾄｳ\n' >"$T/e.utf8"
iconv -f UTF-8 -t EUC-JP "$T/e.utf8" >"$T/e.euc"
run "$LIFEBOAT" text decode "$T/e.euc"
expect_rc 0 "decode EUC-JP"
cmp -s "$T/out" "$T/e.utf8" || fail "EUC-JP round trip differs"

# What real SS-MIX2 feeds carry beyond JIS X 0208: CP932 extensions written by Windows programs (CP50220).
printf '髙﨑①㈱～－' | "$LIFEBOAT" text encode --to iso-2022-jp >"$T/ext.hl7"
run "$LIFEBOAT" text decode --json "$T/ext.hl7"
expect_rc 0 "decode CP932 extensions"
python3 - "$T/out" <<'PY' || fail "CP932 extensions not decoded as Windows does"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["text"] == "髙﨑①㈱～－", d["text"]
assert d["nonstandard"] >= 3, d
PY

# Broken input: reported with offsets, kept going, exit 1; nothing dropped silently.
printf 'ok\x1b$B0!\x1b$Zxx\x1b(Bend\x1b$B0' >"$T/broken.hl7"
run "$LIFEBOAT" text decode "$T/broken.hl7"
expect_rc 1 "broken escapes are a finding"
expect_out '^ok亜' "text before the damage decoded"
expect_out 'end' "text after the damage decoded"
expect_err 'byte 7: 1b 24 5a \(bad-escape\)' "unknown escape reported at its offset"
expect_err '\(truncated\)' "cut two-byte character reported"
expect_err 'could not be mapped' "the summary line says so"
[ "$(grep -c $'\xef\xbf\xbd' "$T/out")" -ge 1 ] || fail "U+FFFD marks the damaged places"

# text encode refuses what it cannot write.
printf '😀' | run "$LIFEBOAT" text encode --to iso-2022-jp
expect_rc 1 "unencodable character is a finding"
run "$LIFEBOAT" text encode --to utf-8
expect_rc 2 "encode only to legacy encodings"

# Search keys: what patient search will compare.
run "$LIFEBOAT" text key --json ｻﾄｳ さとう サトウ サトー 髙橋 高橋 齋藤 斎藤
expect_rc 0 "text key"
python3 - "$T/out" <<'PY' || fail "search keys do not fold as documented"
import json, sys
k = {d["text"]: d["key"] for d in map(json.loads, open(sys.argv[1]))}
assert k["ｻﾄｳ"] == k["さとう"] == k["サトウ"] == k["サトー"], k
assert k["髙橋"] == k["高橋"], k
assert k["齋藤"] == k["斎藤"], k
PY

# Dates as staff type them.
run "$LIFEBOAT" text date --json S23.4.5 昭和23年4月5日 19480405 1948/4/5 ｓ２３．４．５
expect_rc 0 "text date"
python3 - "$T/out" <<'PY' || fail "era dates do not parse to 1948-04-05"
import json, sys
for d in map(json.loads, open(sys.argv[1])):
    assert d["date"] == "1948-04-05", d
    assert d["era"] == "昭和23年4月5日", d
PY
run "$LIFEBOAT" text date S64.1.8
expect_rc 2 "a date outside its era"
expect_one_line_err "a date outside its era"

finish
