#!/usr/bin/env bash
# Japanese safety screens carry no English code words (issue 13): under LIFEBOAT_LANG=ja (and --lang ja, and
# LANG=ja_JP.UTF-8) the prescription check on the command line and on the station, the bedside barcode check, the
# patient page and the printed pack say 中止 / 注意, アレルギー / 相互作用 / 1日最大量超過, 医薬品マスタ, 重度 / 中等度,
# 予約 — never allergy, interaction, max-dose, max_daily_dose, drug-master, wrong-patient, no-order, severe, moderate,
# booked — and the errors a user meets first (no store, not a vault repository, wrong passphrase) are Japanese.
# So are the basis of a multi-line check (「2行目: … × 1日2回」, an outage order 「… × 1日2回 (#1, 記録者 …)」), the
# option parser's errors (「オプション '--period' には整数を…」) and a refused feed (a drug master without its code
# column, an empty file, a master cut to its header, a missing file: 「何も取り込んでいません」).
# Codes stay in JSON and in attributes (data-kind, class) where scripts read them.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/fhir_lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
for tool in curl pdftotext; do
	command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
unset LIFEBOAT_LANG

F="$T/fhir"
FHIR_MED_DATE=2026-11-05
mkdir -p "$F"
{
	pat RX0001 佐藤 花子 サトウ ハナコ female 1960-04-05
	pat RX0002 山田 美咲 ヤマダ ミサキ female 1994-08-01
	pat RX0003 鈴木 一郎 スズキ イチロウ male 1970-01-20
	admit RX0001 501 1
	admit RX0002 501 2
	admit RX0003 502 1
	echo '{"resourceType":"AllergyIntolerance","id":"AL-1","clinicalStatus":{"coding":[{"code":"active"}]},"category":["medication"],"code":{"text":"ペニシリン"},"patient":{"reference":"Patient/RX0001"},"recordedDate":"2024-06-01","reaction":[{"manifestation":[{"text":"発疹"}],"severity":"moderate"}]}'
	echo '{"resourceType":"AllergyIntolerance","id":"AL-2","clinicalStatus":{"coding":[{"code":"active"}]},"category":["food"],"code":{"text":"卵"},"patient":{"reference":"Patient/RX0003"},"recordedDate":"2020-01-01","reaction":[{"manifestation":[{"text":"蕁麻疹"}],"severity":"severe"}]}'
	med ORD-W1 RX0001 D-WARF ワーファリン錠1mg 2 mg 1 active
	med ORD-OLD RX0001 D-CALO カロナール錠200 200 mg 3 completed
	echo '{"resourceType":"Condition","id":"DX-1","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"O600","display":"切迫早産"}],"text":"切迫早産"},"subject":{"reference":"Patient/RX0002"},"onsetDateTime":"2026-10-01"}'
	printf '{"resourceType":"Appointment","id":"A1","status":"booked","serviceCategory":[{"text":"内科"}],"appointmentType":{"text":"再診"},"start":"%sT09:00:00+09:00","participant":[{"actor":{"reference":"Patient/RX0001"},"status":"accepted"},{"actor":{"display":"医師 一"},"status":"accepted"}]}\n' "$(date -d '+3 days' +%F)"
} >"$F/all.ndjson"
cat >"$T/drugs.csv" <<CSV
code,name,kana,generic_name,form,unit,max_daily_dose,allergy_class,interaction_group,pregnancy
D-AMOX,アモキシシリンカプセル250mg「サワイ」,アモキシシリン,アモキシシリン水和物,カプセル,mg,1500,ペニシリン系,,
D-WARF,ワーファリン錠1mg,ワーファリン,ワルファリンカリウム,錠,mg,10,,出血リスク;CYP2C9,禁忌
D-ASPI,バイアスピリン錠100mg,バイアスピリン,アスピリン,錠,mg,300,NSAIDs,出血リスク;NSAIDs,禁忌(出産予定日12週以内)
D-CALO,カロナール錠200,カロナール,アセトアミノフェン,錠,mg,4000,,,
D-BLOP,ブロプレス錠8,ブロプレス,カンデサルタンシレキセチル,錠,mg,12,,RAS阻害,禁忌
CSV
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --fhir "$F" --drugs "$T/drugs.csv"
expect_rc 0 "ingest the test hospital"

# The code words a Japanese reader must never be left with (whole words; JSON and attributes are not read).
CODES='\b(allergy|allergy-class|duplicate|duplicate-class|interaction|pregnancy|max-dose|max_daily_dose|drug-master|medication|diagnosis|wrong-patient|no-order|unknown-drug|unknown-patient|severe|moderate|mild|booked|arrived|cancelled|STOP|WARN|INFO|CHECK|basis|wrong passphrase|not a vault repository|no store|not a lifeboat store|line [0-9]+|/day|option|unknown|takes|needs|value|nothing|loaded|refused|feed|column|header|empty|cannot|No such file)\b'
no_codes() { # no_codes FILE "what": the text has none of CODES
	CHECKS=$((CHECKS + 1))
	if grep -qE -- "$CODES" "$1"; then
		fail "$2 carries English code words: $(grep -oE -- "$CODES" "$1" | sort | uniq -c | tr '\n' ' ') in: $(grep -E -- "$CODES" "$1" | head -3)"
	fi
}
# visible NAME: the text a reader sees of a page (no tags, attributes, scripts or styles) in $T/NAME.txt
visible() {
	python3 - "$T/$1.b" "$T/$1.txt" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.skip = 0; self.out = []
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"): self.skip += 1
    def handle_endtag(self, tag):
        if tag in ("script", "style"): self.skip -= 1
    def handle_data(self, d):
        if not self.skip: self.out.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(x.strip() for x in p.out if x.strip()))
PY
}

# ---- the command line: rx check, patient, errors -------------------------------------------------------------------
rxja() { # rxja NAME ARGS…: rx check in Japanese, three ways of asking for it
	run env LIFEBOAT_LANG=ja "$LIFEBOAT" rx check --db "$DB" "$@"
	cp "$T/out" "$T/rx_env.txt"
	run env LANG=ja_JP.UTF-8 LC_ALL= "$LIFEBOAT" rx check --db "$DB" "$@"
	cp "$T/out" "$T/rx_lang.txt"
	run "$LIFEBOAT" --lang ja rx check --db "$DB" "$@"
	cp "$T/out" "$T/rx_opt.txt"
}
rxja --patient RX0001 --drug D-AMOX --dose 250 --unit mg --per-day 3
expect_rc 1 "amoxicillin for a penicillin allergy is a stop"
for f in rx_env rx_lang rx_opt; do
	no_codes "$T/$f.txt" "rx check (allergy, $f)"
	CHECKS=$((CHECKS + 1))
	grep -qE '^中止 +アレルギー: ' "$T/$f.txt" || fail "the stop reads 中止 アレルギー ($f): $(cat "$T/$f.txt")"
	CHECKS=$((CHECKS + 1))
	grep -q 'アレルギー歴 AL-1 — ペニシリン (発疹, 中等度, 2024-06-01)' "$T/$f.txt" || fail "the basis is Japanese ($f): $(cat "$T/$f.txt")"
done
rxja --patient RX0001 --drug D-ASPI --dose 100 --unit mg --per-day 1
no_codes "$T/rx_env.txt" "rx check (interaction)"
CHECKS=$((CHECKS + 1))
grep -q '使用中の薬 ORD-W1' "$T/rx_env.txt" || fail "the interaction rests on the active medicine: $(cat "$T/rx_env.txt")"
rxja --patient RX0003 --drug D-CALO --dose 4000 --unit mg --per-day 10
expect_rc 1 "ten times the maximum is a stop"
no_codes "$T/rx_env.txt" "rx check (max dose)"
CHECKS=$((CHECKS + 1))
grep -q '医薬品マスタ D-CALO — 医薬品マスタ: 1日最大量 4000 mg' "$T/rx_env.txt" || fail "the maximum rests on the drug master: $(cat "$T/rx_env.txt")"
rxja --patient RX0002 --drug D-BLOP --dose 8 --unit mg --per-day 1
no_codes "$T/rx_env.txt" "rx check (pregnancy)"
rxja --patient RX0003 --drug D-CALO --dose 200 --unit mg --per-day 3 --pregnant
no_codes "$T/rx_env.txt" "rx check (pregnancy stated with the order)"

# A prescription of several lines: each line's alerts rest on the other line, said in Japanese.
rxja --patient RX0001 --drug D-CALO --dose 200mg --per-day 3 --line D-CALO:200mg:2 --line D-ASPI:100mg:1
for f in rx_env rx_lang rx_opt; do
	no_codes "$T/$f.txt" "rx check of three lines ($f)"
	CHECKS=$((CHECKS + 1))
	grep -q '根拠: 同じ処方箋の他の薬 — 2行目: D-CALO 200mg × 1日2回$' "$T/$f.txt" ||
		fail "the other line is the basis, in Japanese ($f): $(cat "$T/$f.txt")"
	CHECKS=$((CHECKS + 1))
	grep -q '1行目: D-CALO 200mg × 1日3回$' "$T/$f.txt" || fail "line 1 as a basis ($f): $(cat "$T/$f.txt")"
done
run env LIFEBOAT_LANG=ja "$LIFEBOAT" rx check --db "$DB" --patient RX0001 --drug D-CALO --dose 1 --unit 錠 --per-day 3 \
	--line D-CALO:200mg:2
expect_out '根拠: 同じ処方箋の他の薬 — 1行目: D-CALO 1錠 × 1日3回$' "line 1 with the unit given apart (--unit 錠)"
run env LIFEBOAT_LANG=en "$LIFEBOAT" rx check --db "$DB" --patient RX0001 --drug D-CALO --dose 200mg --per-day 3 \
	--line D-CALO:200mg:2
expect_out 'basis: another line of this prescription — line 2: D-CALO 200mg × 2/day$' "English stays as it was"
# An order recorded during the outage, as the basis of a later check.
cp "$DB" "$T/rec.db"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" rx check --db "$T/rec.db" --patient RX0003 --drug D-CALO --dose 200mg --per-day 2 \
	--record --by 'pharm 山田'
expect_rc 0 "record an outage order"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" rx check --db "$T/rec.db" --patient RX0003 --drug D-CALO --dose 200mg --per-day 3
no_codes "$T/out" "rx check against an outage order"
expect_out '根拠: ダウンタイム中の処方 [0-9]+ — [0-9-]{10} カロナール錠200 200mg × 1日2回 \(#[0-9]+, 記録者 pharm 山田' \
	"the outage order as the basis, in Japanese"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" rx orders --db "$T/rec.db" --patient RX0003
no_codes "$T/out" "rx orders"
expect_out 'カロナール錠200  200mg × 1日2回  \[警告なし\]  記録者 pharm 山田' "the outage orders listed in Japanese"
run env LIFEBOAT_LANG=en "$LIFEBOAT" rx orders --db "$T/rec.db" --patient RX0003
expect_out 'カロナール錠200  200mg × 2/day  \[none\]  by pharm 山田' "… and in English as before"

# The option parser and the feeds speak Japanese too: one line, exit 2, nothing lost.
ja_err() { # ja_err "what" ARGS…: a usage or input error, in Japanese
	local what=$1
	shift
	run env LIFEBOAT_LANG=ja "$LIFEBOAT" "$@"
	expect_rc 2 "$what"
	expect_one_line_err "$what"
	no_codes "$T/err" "$what"
}
ja_err "a word for a number" rx check --db "$DB" --patient RX0001 --drug D-CALO --dose 1 --per-day 1 --period x
expect_err "オプション '--period' には整数を指定してください \('x' は不可\)" "--period x in Japanese"
ja_err "a number out of range" rx check --db "$DB" --patient RX0001 --drug D-CALO --dose 1 --per-day 1 --days 9999
expect_err "オプション '--days' には 0〜3650 の数を指定してください" "--days 9999 in Japanese"
ja_err "an option without its value" search --db "$DB" --limit
expect_err "オプション '--limit' には値が必要です" "a missing value in Japanese"
ja_err "an unknown option" search --db "$DB" --bogus 佐藤
expect_err "不明なオプション '--bogus'" "an unknown option in Japanese"
ja_err "an unknown short option" search --db "$DB" -Z 佐藤
expect_err "不明なオプション '-Z'" "an unknown short option in Japanese"
ja_err "a flag given a value" rx check --db "$DB" --json=yes
expect_err "オプション '--json=yes' には値を付けられません" "a flag's value in Japanese"
ja_err "a bad --lang" --lang xx rx check
expect_err "オプション '--lang' には ja か en を指定してください" "--lang xx in Japanese"
ja_err "--lang=xx" --lang=xx rx check
expect_err "オプション '--lang' には ja か en を指定してください \('xx' は不可\)" "--lang=xx is refused too, not read as English"
ja_err "--lang without a value" --lang
expect_err "オプション '--lang' には値 \(ja または en\) が必要です" "--lang alone in Japanese"
drugs_n() { "$LIFEBOAT" rx search --db "$T/feed.db" --json アセトアミノフェン | grep -o '"code"' | wc -l; }
cp "$DB" "$T/feed.db"
before=$(drugs_n)
printf 'name,kana\nカロナール錠200,カロナール\n' >"$T/nocode.csv"
ja_err "a drug master without its code column" ingest --db "$T/feed.db" --drugs "$T/nocode.csv"
expect_err "'.*nocode.csv' のヘッダに列 'code' \(薬品コード\) がありません \(医薬品マスタの取込を中止しました\) \(何も取り込んでいません: ストアは実行前のままです\)" \
	"the missing column in Japanese, with its Japanese header"
: >"$T/blank.csv"
ja_err "an empty drug master" ingest --db "$T/feed.db" --drugs "$T/blank.csv"
expect_err "'.*blank.csv' は空です \(ヘッダ行がありません\)" "an empty feed in Japanese"
printf 'code,name\nD-X,何か\n' >"$T/cut.csv"
ja_err "a drug master cut to two columns and one row" ingest --db "$T/feed.db" --drugs "$T/cut.csv"
expect_err "医薬品マスタの取込でストアのレコードが 5 件から 1 件に減ります" "the shrink in Japanese"
printf 'date,time\n2026-12-01,09:00\n' >"$T/appts.csv"
ja_err "appointments without patient_id" ingest --db "$T/feed.db" --appointments "$T/appts.csv"
expect_err "のヘッダに列 'patient_id' \(患者番号\) がありません \(予約の取込を中止しました\)" "the appointments' column"
printf 'patient_id,department\nRX0001,内科\n' >"$T/appts.csv"
ja_err "appointments without a time" ingest --db "$T/feed.db" --appointments "$T/appts.csv"
ja_err "a missing feed file" ingest --db "$T/feed.db" --drugs "$T/none.csv"
expect_err "医薬品マスタのフィード '.*none.csv' を読めません: ファイルまたはフォルダがありません" "a missing file in Japanese"
ja_err "a store in a missing folder" ingest --db "$T/nofolder/s.db" --drugs "$T/cut.csv"
expect_err "ストア '.*nofolder/s.db' を開けません" "a missing folder in Japanese"
grep -v '^D-' "$T/drugs.csv" >"$T/nomax.csv"
sed 1d "$T/drugs.csv" | cut -d, -f1-6 | sed 's/$/,,,,,/' >>"$T/nomax.csv"
ja_err "a drug master that lost its maximum doses" ingest --db "$T/feed.db" --drugs "$T/nomax.csv"
expect_err "医薬品マスタの取込で 1日最大量 の列が空になります \(ストアでは 5 品目にあり\)" "a lost safety column in Japanese"
CHECKS=$((CHECKS + 1))
[ "$(drugs_n)" = "$before" ] || fail "the refused feeds left the drug master as it was: $before, now $(drugs_n)"
# The warnings of the rows of a feed (kept in the store as said) are Japanese under ja too, their kind as well.
cp "$DB" "$T/warn.db"
printf 'code,name,max_daily_dose,min_age,dosing_period,high_alert\nD-CALO,カロナール錠200,x,y,z,q\n,名前だけ,,,,\n' >"$T/warn.csv"
printf 'patient_id,start,status\n,2026-12-01T09:00,booked\nRX0001,someday,booked\nRX0001,2026-12-01T09:00,maybe\n' \
	>"$T/warn_appts.csv"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" ingest --db "$T/warn.db" --drugs "$T/warn.csv" --appointments "$T/warn_appts.csv" \
	--accept-shrink
expect_rc 1 "a feed with bad rows loads with warnings"
no_codes "$T/err" "the warnings of a feed's rows"
expect_err "形式の誤り: 1日最大量 'x' \('D-CALO'\) は数ではありません: 最大量なしとして読みました" "a bad maximum, in Japanese"
expect_err "形式の誤り: 薬品コードのない薬品: 行を読み飛ばしました" "a row without a code, in Japanese"
expect_err "患者IDがありません: 行を読み飛ばしました" "a booking without a patient, in Japanese"
expect_err "不明な状態 'maybe': 記載のまま保存しました" "an unknown booking status, in Japanese"
expect_err "日時 \('someday'\) が読めません: 行を読み飛ばしました" "an unreadable booking time, in Japanese"
printf 'code,name\nD-Q,"引用符が閉じない\n' >"$T/quote.csv"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" ingest --db "$T/warn.db" --drugs "$T/quote.csv" --accept-shrink
no_codes "$T/err" "an unclosed quote"
expect_err "引用符で始まる項目がファイルの終わりまで閉じられていません" "an unclosed quote, in Japanese"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" ingest --db "$T/warn.db" --warnings
no_codes "$T/err" "ingest --warnings"
# What a user meets next: a drug search too short, an empty patient search, a ward with nobody in it, a folder that
# cannot be made (the system's reason in Japanese too), no passphrase.
ja_err "a drug search of two characters" rx search --db "$DB" カロ
expect_err "薬品の検索には 3 文字以上を入力してください \('カロ'\)" "a short drug search in Japanese"
ja_err "an empty patient search" search --db "$DB" " "
expect_err "検索語が空です" "an empty search in Japanese"
ja_err "an empty ward" print pack --db "$DB" --ward 9Z --out "$T/pack9z"
expect_err "病棟 '9Z' に入院中の患者はいません" "an empty ward in Japanese"
ja_err "an output folder under a file" print pack --db "$DB" --ward 5B --out "$T/drugs.csv/pack"
expect_err "フォルダ '.*drugs.csv/pack' を作成できません: フォルダではありません" "a folder that cannot be made, in Japanese"
ja_err "no passphrase" vault init --repo "$T/repo-nopass" </dev/null
expect_err "パスフレーズがありません" "no passphrase in Japanese"
ja_err "no passphrase file" vault snapshots --repo "$T/repo" --passphrase-file "$T/none.pass"
expect_err "パスフレーズファイル '.*none.pass' を開けません: ファイルまたはフォルダがありません" "a missing passphrase file in Japanese"
run env LIFEBOAT_LANG=ja LIFEBOAT_PASSPHRASE= "$LIFEBOAT" vault snapshots --repo "$T/repo"
expect_rc 2 "an empty passphrase"
no_codes "$T/err" "an empty passphrase"
expect_err "パスフレーズが空です" "an empty passphrase in Japanese"
ja_err "no repository" vault snapshots
expect_err "--repo R が必要です" "a missing --repo in Japanese"
cp "$T/feed.db" "$T/nousers.db"
ja_err "no station file yet" user list --db "$T/nousers.db"
expect_err "端末ファイル '.*nousers.db.station' がありません \(先に利用者を追加してください: lifeboat user add --db " \
	"no station file in Japanese"
cp "$DB" "$T/users.db"
ja_err "a user name with a space" user add --db "$T/users.db" --name 'a b' --role nurse <<<'long enough pw'
expect_err "利用者名 'a b' に空白または制御文字があります" "a bad user name in Japanese"
ja_err "a short password" user add --db "$T/users.db" --name nurse1 --role nurse <<<'short'
expect_err "パスワードは 8〜1024 バイトです" "a short password in Japanese"
run "$LIFEBOAT" user add --db "$T/users.db" --name nurse1 --role nurse <<<'long enough pw'
expect_rc 0 "user add"
ja_err "a user twice" user add --db "$T/users.db" --name nurse1 --role nurse <<<'long enough pw'
expect_err "利用者 'nurse1' は既にいます" "a user twice, in Japanese"
ja_err "removing nobody" user del --db "$T/users.db" --name nobody
expect_err "利用者 'nobody' はいません" "an unknown user in Japanese"
ja_err "unlocking nobody" user unlock --db "$T/users.db" --name nobody
expect_err "利用者 'nobody' はいません \(lifeboat user list で一覧\)" "unlocking an unknown user, in Japanese"
mkdir "$T/mine"
: >"$T/mine/keep.txt"
ja_err "print all into a folder of something else" print all --db "$DB" --out "$T/mine"
expect_err "'.*mine' は既にあり、'print all' が作った一式ではありません: 置き換えません" "a foreign folder, in Japanese"
ja_err "watching what is not a folder" watch "$T/drugs.csv" --for 1s
expect_err "'.*drugs.csv' はフォルダではありません" "not a folder to watch, in Japanese"

run env LIFEBOAT_LANG=ja "$LIFEBOAT" patient --db "$DB" --id RX0003
expect_rc 0 "patient in Japanese"
no_codes "$T/out" "patient RX0003"
expect_out '重度' "the severity is Japanese"
run env LIFEBOAT_LANG=ja "$LIFEBOAT" patient --db "$DB" --id NOBODY
no_codes "$T/err" "an unknown patient"
expect_err "患者 'NOBODY' はストアにありません" "an unknown patient is said in Japanese"

run env LIFEBOAT_LANG=ja "$LIFEBOAT" rx check --db "$T/none.db" --patient RX0001 --drug D-CALO --dose 1 --per-day 1
expect_rc 2 "no store"
no_codes "$T/err" "no store"
expect_err "ストア '.*none.db' がありません" "a missing store is said in Japanese"
mkdir "$T/notrepo"
run env LIFEBOAT_LANG=ja LIFEBOAT_PASSPHRASE=x "$LIFEBOAT" vault snapshots --repo "$T/notrepo"
expect_rc 2 "not a vault repository"
no_codes "$T/err" "not a vault repository"
expect_err "リポジトリではありません" "not a repository is said in Japanese"
PASS=kelp-orbit-tundra-violin-42
run env LIFEBOAT_PASSPHRASE=$PASS LIFEBOAT_PROGRESS=0 "$LIFEBOAT" vault init --repo "$T/repo"
expect_rc 0 "vault init"
run env LIFEBOAT_LANG=ja LIFEBOAT_PASSPHRASE=wrong-passphrase "$LIFEBOAT" vault snapshots --repo "$T/repo"
expect_rc 2 "a wrong passphrase"
no_codes "$T/err" "a wrong passphrase"
expect_err "パスフレーズが違います" "a wrong passphrase is said in Japanese"

# ---- the printed pack ----------------------------------------------------------------------------------------------
run env LIFEBOAT_LANG=ja "$LIFEBOAT" print pack --db "$DB" --ward 5B --out "$T/pack"
expect_rc 0 "print the ward's pack"
for pdf in "$T"/pack/*.pdf; do
	pdftotext -layout "$pdf" "$T/pack.txt"
	no_codes "$T/pack.txt" "printed $(basename "$pdf")"
done

# ---- the station in Japanese ---------------------------------------------------------------------------------------
PW='station i18n test password'
run "$LIFEBOAT" user add --db "$DB" --name pharm1 --role pharmacist <<<"$PW"
expect_rc 0 "user add"
start_server
login "$T/jar" pharm1 "$PW"
J=(-b "$T/jar" -c "$T/jar" -H "Accept-Language: ja")
page() { # page NAME PATH: fetch in Japanese, keep the visible text
	req "$1" "${J[@]}" "$U$2"
	expect_status 200 "$1"
	visible "$1"
}
page chk_allergy "/rx/check?patient=RX0001&drug=D-AMOX&dose=250&unit=mg&per_day=3&days=7&lang=ja"
expect_body chk_allergy 'data-kind="allergy">アレルギー<' "the kind is read as アレルギー (and kept as data-kind)"
no_codes "$T/chk_allergy.txt" "the station's allergy check"
page chk_inter "/rx/check?patient=RX0001&drug=D-ASPI&dose=100&unit=mg&per_day=1"
expect_body chk_inter 'data-kind="interaction">相互作用<' "the interaction is read as 相互作用"
no_codes "$T/chk_inter.txt" "the station's interaction check"
page chk_max "/rx/check?patient=RX0003&drug=D-CALO&dose=4000&unit=mg&per_day=10"
no_codes "$T/chk_max.txt" "the station's max-dose check"
page chk_preg "/rx/check?patient=RX0002&drug=D-BLOP&dose=8&unit=mg&per_day=1"
no_codes "$T/chk_preg.txt" "the station's pregnancy check"
page chk_lines "/rx/check?patient=RX0001&drug=D-CALO&dose=200mg&per_day=3&lines=D-CALO:200mg:2;D-ASPI:100mg:1"
no_codes "$T/chk_lines.txt" "the station's check of three lines"
expect_body chk_lines '同じ処方箋の他の薬: 1行目: D-CALO 200mg × 1日2回<' "the earlier line is the basis, in Japanese"
expect_body chk_lines '<li>D-CALO 200mg × 1日2回</li>' "the earlier lines are listed in Japanese"
page bc_wrong "/barcode?wristband=RX0003&label=LBO/RX0001/ORD-W1/D-WARF"
expect_body bc_wrong 'data-verdict="stop"' "a label of another patient is a stop"
no_codes "$T/bc_wrong.txt" "the bedside check (wrong patient)"
page bc_ended "/barcode?wristband=RX0001&label=LBO/RX0001/ORD-OLD/D-CALO"
no_codes "$T/bc_ended.txt" "the bedside check (no active order)"
page bc_allergy "/barcode?wristband=RX0001&label=D-AMOX"
no_codes "$T/bc_allergy.txt" "the bedside check (allergy)"
page bc_unknown "/barcode?wristband=NOBODY&label=D-AMOX"
no_codes "$T/bc_unknown.txt" "the bedside check (unknown patient)"
page pt1 "/patient/RX0001"
no_codes "$T/pt1.txt" "the patient page (bookings, allergies)"
expect_body pt1 '予約' "the booking status is Japanese"
page pt3 "/patient/RX0003"
expect_body pt3 '重度' "the severity is Japanese"
no_codes "$T/pt3.txt" "the patient page (a severe food allergy)"
# the same in English (last: lang=en is kept for the session)
req chk_lines_en -b "$T/jar" -c "$T/jar" -H "Accept-Language: en" \
	"$U/rx/check?patient=RX0001&drug=D-CALO&dose=200mg&per_day=3&lines=D-CALO:200mg:2&lang=en"
expect_body chk_lines_en 'line 1: D-CALO 200mg × 2/day<' "English stays as it was on the station"
stop_server
finish
