#!/usr/bin/env bash
# The station's headquarters pages (issue 15) over HTTP: the board without an incident says so and no page carries
# a banner; only hq and admin declare, change the phase and decide (a nurse gets 403 and nothing is recorded); a
# POST without the session's CSRF token changes nothing; a decision is on the banner of every other page, of this
# station and of a second station that shares the incident file; the timeline page shows every entry, paged, with
# corrections pointing at their entry and the chain's verify state (also when the file was tampered with); bad
# input is 400 with nothing recorded; twenty users logging at once lose and duplicate nothing and the chain
# verifies; the action cards on the board by team, completed by their team's members only (others 403), assigned
# by their team or headquarters; twenty users logging and completing cards at once lose and duplicate nothing;
# the same drill through the forms and through the CLI gives the same timeline; users get a team (user add --team,
# user team), also in a station file made before teams.
. "$LB_SRC/tests/integration/lib.bash"
. "$LB_SRC/tests/integration/station_lib.bash"
set -e
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
export TZ=Asia/Tokyo

"$LIFEBOAT" synth --out "$T/h" --patients 5 --seed 3 >/dev/null
DB="$T/store.db"
run "$LIFEBOAT" ingest --db "$DB" --ssmix2 "$T/h/ssmix2"
expect_rc 0 "ingest"
I="$T/incident.db" # the default: incident.db next to the store
PW='station incident password'
adduser() { # adduser NAME ROLE [TEAM]
	run "$LIFEBOAT" user add --db "$DB" --name "$1" --role "$2" ${3:+--team "$3"} <<<"$PW"
	expect_rc 0 "user add $1"
}
adduser boss hq hq
adduser admin1 admin
adduser nurse1 nurse patients
adduser se1 clerk recovery
adduser rec1 clerk records
adduser pr1 clerk liaison
run "$LIFEBOAT" user add --db "$DB" --name bad1 --role nurse --team kitchen <<<"$PW"
expect_rc 2 "user add with an unknown team"
expect_one_line_err "user add with an unknown team"
expect_err "no team 'kitchen'" "the unknown team is named"
run "$LIFEBOAT" user list --db "$DB" --json
python3 - "$T/out" <<'PY' || fail "user list --json teams: $(cat "$T/out")"
import json, sys
u = {x["name"]: x for x in json.load(open(sys.argv[1]))}
assert u["boss"]["role"] == "hq" and u["boss"]["team"] == "hq", u["boss"]
assert u["se1"]["team"] == "recovery" and u["admin1"]["team"] is None, u
assert "bad1" not in u
PY
CHECKS=$((CHECKS + 1))

start_server
login "$T/hq" boss "$PW"
expect_status 303 "boss logs in"
login "$T/nurse" nurse1 "$PW"
expect_status 303 "nurse1 logs in"
H=(-b "$T/hq")
N=(-b "$T/nurse")
entries() { if [ -e "$I" ]; then sqlite3 "$I" 'SELECT count(*) FROM entries'; else echo none; fi; }

# ---- no incident: the board says so, no banner, a nurse cannot declare ----------------------------------------
req b0 "${N[@]}" "$U/incident"
expect_status 200 "the board without an incident"
expect_body b0 'id="no-incident">宣言されたインシデントはありません' "the board says no incident is declared"
expect_no_body b0 'id="declare-form"' "a nurse gets no declare form"
expect_no_body b0 'id="decisions"' "no banner without an incident"
req s0 "${N[@]}" "$U/search"
expect_no_body s0 'id="decisions"' "no banner on the search page without an incident"
expect_body s0 '<a href="/incident">対策本部</a>' "the navigation links the board"
req t0 "${N[@]}" "$U/incident/timeline"
expect_status 404 "no timeline without an incident"
req bh "${H[@]}" "$U/incident"
expect_body bh 'id="declare-form"' "hq gets the declare form"
HC=$(csrf_of bh)
NC=$(sed -n 's/.*name="csrf" content="\([0-9a-f]*\)".*/\1/p' "$T/s0.b" | head -1)
known=$(date -d '-2 days' '+%Y-%m-%dT03:10')
req nd "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "title=x" "$U/incident/declare"
expect_status 403 "a nurse declaring"
expect_body nd 'id="incident-error">インシデントの宣言は対策本部' "the nurse is told who declares"
CHECKS=$((CHECKS + 1))
[ "$(entries)" = none ] || fail "a refused declaration made the incident file"
req nc "${H[@]}" --data-urlencode "title=x" "$U/incident/declare"
expect_status 403 "a declaration without the CSRF token"
req nc2 "${H[@]}" --data-urlencode "csrf=${NC}" --data-urlencode "title=x" "$U/incident/declare"
expect_status 403 "a declaration with another session's CSRF token"
req anon --data-urlencode "csrf=$HC" --data-urlencode "title=x" "$U/incident/declare"
expect_status 403 "a declaration without a session"
req bad "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "title=x" --data-urlencode "known_at=yesterday" "$U/incident/declare"
expect_status 400 "a declaration with a bad time"
expect_body bad '認知日時が日時として読めません' "the bad time is named"
req fut "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "title=x" --data-urlencode "known_at=$(date -d '+2 days' '+%Y-%m-%dT03:10')" "$U/incident/declare"
expect_status 400 "a declaration learned of in the future"
CHECKS=$((CHECKS + 1))
[ "$(entries)" = none ] || fail "refused declarations made the incident file"

# ---- declare, decide: the banner on every page ------------------------------------------------------------------
req d1 "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "title=電子カルテ停止 <script>alert(1)</script>" \
	--data-urlencode "known_at=$known" --data-urlencode "drill=1" --data-urlencode "by=mallory" "$U/incident/declare"
expect_status 303 "hq declares"
expect_header d1 '^location: /incident\?recorded=1' "303 back to the board"
req d2 "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "title=second" "$U/incident/declare"
expect_status 409 "a second declaration"
req b1 "${N[@]}" "$U/incident"
expect_body b1 '<h2>#1 電子カルテ停止 &lt;script&gt;alert\(1\)&lt;/script&gt; <span class="drill" id="drill">訓練</span>' "title escaped, drill marked"
expect_no_body b1 '<script>alert' "nothing of the title unescaped"
expect_body b1 '<li class="current" aria-current="step" data-phase="detection">検知</li>' "the phase is 検知"
expect_body b1 '<li class="past">平時</li>' "the five MHLW phases from 平時"
expect_body b1 '<tr data-report="mhlw" class="overdue">' "the MHLW report is overdue (red)"
expect_body b1 '<tr data-report="ppc-preliminary"><td>' "the PPC preliminary report is not overdue yet"
expect_body b1 'id="no-decisions"' "no decision yet"
expect_body b1 'id="hq-only"' "the nurse is told decisions are headquarters'"
expect_no_body b1 'id="decide-form"' "a nurse gets no decision form"
expect_no_body b1 '<option value="decision">' "a nurse's log form has no kind decision"
expect_body b1 '<option value="patients" selected>' "the log form's team is the nurse's team"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$I" 'SELECT author || "|" || os_user FROM entries WHERE seq=1')" = "boss|station 127.0.0.1" ] || fail "the writer is the logged-in user: $(sqlite3 "$I" 'SELECT author, os_user FROM entries')"

# ---- the action cards: by team, done by the team, assigned by the team or headquarters -------------------------
expect_body b1 '<section class="cards" id="cards">' "the board shows the action cards"
for t in hq recovery liaison patients records safety; do
	expect_body b1 "<h3 id=\"team-$t\">" "the cards of team $t"
done
expect_body b1 '<h3 id="team-patients">院内患者対応班 <span class="count">0 / [0-9]+ 完了</span> <span class="mine">自分の班</span>' "the nurse's own team is marked"
expect_body b1 '<tr id="card-patients-[a-z0-9-]*" data-status="open"><td>[^<]*</td><td><b>[^<]*</b>.*<form method="post" action="/incident/done"' "a card of her team has the done form"
expect_no_body b1 'name="card" value="recovery-' "no form for the cards of another team"
run "$LIFEBOAT" incident cards --incident "$I" --json
RC1=$(python3 -c 'import json,sys; print([c["id"] for c in json.load(open(sys.argv[1]))["cards"] if c["team"] == "recovery"][0])' "$T/out")
LC1=$(python3 -c 'import json,sys; print([c["id"] for c in json.load(open(sys.argv[1]))["cards"] if c["team"] == "liaison"][0])' "$T/out")
login "$T/se1" se1 "$PW"
req se -b "$T/se1" "$U/incident"
SC=$(csrf_of se)
n0=$(entries)
req cd0 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "card=$RC1" "$U/incident/done"
expect_status 403 "a nurse of another team completing a recovery card"
expect_body cd0 'このカードを操作できるのは次の班です: システム復旧班' "the nurse is told whose card it is"
req ca0 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "card=$LC1" --data-urlencode "to=誰か" "$U/incident/assign"
expect_status 403 "a nurse assigning another team's card"
req cd1 -b "$T/se1" --data-urlencode "card=$RC1" "$U/incident/done"
expect_status 403 "a card done without the CSRF token"
req cd2 -b "$T/se1" --data-urlencode "csrf=$SC" --data-urlencode "card=no-such-card" "$U/incident/done"
expect_status 400 "an unknown card"
CHECKS=$((CHECKS + 1))
[ "$(entries)" = "$n0" ] || fail "refused card POSTs were recorded"
req cd3 -b "$T/se1" --data-urlencode "csrf=$SC" --data-urlencode "card=$RC1" --data-urlencode "note=バックアップ系 LAN 抜線 <完了>" "$U/incident/done"
expect_status 303 "the recovery team completes its card"
expect_header cd3 "^location: /incident\?recorded=[0-9]+#card-$RC1" "303 back to the card"
req cd4 -b "$T/se1" --data-urlencode "csrf=$SC" --data-urlencode "card=$RC1" "$U/incident/done"
expect_status 409 "a card done twice"
req ca1 "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "card=$LC1" --data-urlencode "to=総務課 田中" "$U/incident/assign"
expect_status 303 "headquarters assigns a liaison card"
req b1c "${N[@]}" "$U/incident"
expect_body b1c "<tr id=\"card-$RC1\" data-status=\"done\">.*<b>完了</b> se1 [0-9/: ]+<br><span class=\"note\">バックアップ系 LAN 抜線 &lt;完了&gt;</span>" "the board shows the card done by se1, the note escaped"
expect_body b1c "<tr id=\"card-$LC1\" data-status=\"assigned\">.*担当 <b>総務課 田中</b>" "the board shows the card assigned"
run "$LIFEBOAT" incident cards --incident "$I" --json
python3 - "$T/out" "$RC1" "$LC1" <<'PY' || fail "cards after the station's done and assign: $(cat "$T/out" | head -c 600)"
import json, sys
c = {x["id"]: x for x in json.load(open(sys.argv[1]))["cards"]}
assert c[sys.argv[2]]["status"] == "done" and c[sys.argv[2]]["done_by"] == "se1", c[sys.argv[2]]
assert c[sys.argv[3]]["status"] == "assigned" and c[sys.argv[3]]["assigned_to"] == "総務課 田中", c[sys.argv[3]]
PY
CHECKS=$((CHECKS + 1))

n0=$(entries)
req nd2 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "text=外来を止める" "$U/incident/decide"
expect_status 403 "a nurse deciding"
expect_body nd2 '決定の記録は対策本部' "the nurse is told only headquarters decides"
req nd3 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "kind=decision" --data-urlencode "text=外来を止める" "$U/incident/log"
expect_status 403 "a nurse logging a decision"
req np "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "phase=initial" "$U/incident/phase"
expect_status 403 "a nurse changing the phase"
req nx "${H[@]}" --data-urlencode "text=外来を止める" "$U/incident/decide"
expect_status 403 "a decision without the CSRF token"
CHECKS=$((CHECKS + 1))
[ "$(entries)" = "$n0" ] || fail "refused POSTs were recorded"
req dec "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "text=外来新規受付を停止 <b>全科</b>" "$U/incident/decide"
expect_status 303 "hq decides"
for page in search census appointments drugs "patient/$(sqlite3 "$DB" 'SELECT id FROM patients LIMIT 1')"; do
	req pg "${N[@]}" "$U/$page"
	expect_body pg '<div class="decisions" id="decisions" role="status"><b>対策本部の決定 \(訓練\)</b><ul><li><span class="when">[0-9/: ]+</span> 外来新規受付を停止 &lt;b&gt;全科&lt;/b&gt;</li></ul>' "the decision is on /$page, escaped"
done
req pgen "${N[@]}" "$U/search?lang=en"
expect_body pgen "<b>Headquarters&#39; decisions \(DRILL\)</b>" "the banner in English"
# a second station on another store that shares the file
DB2="$T/ward2/store.db"
mkdir -p "$T/ward2"
cp "$DB" "$DB2"
cp "$DB.station" "$DB2.station"
U1=$U
SRV1=$SRV_PID
"$LIFEBOAT" station --db "$DB2" --listen 127.0.0.1:0 --incident "$I" >"$T/srv2.out" 2>"$T/srv2.err" &
SRV2=$!
for _ in $(seq 1 100); do
	U2=$(sed -n 's|^listening on \(http://[^/]*\)/$|\1|p' "$T/srv2.out" 2>/dev/null)
	[ -n "$U2" ] && break
	sleep 0.1
done
U=$U2
login "$T/w2" nurse1 "$PW"
req w2 -b "$T/w2" "$U2/census"
expect_body w2 'id="decisions".*外来新規受付を停止' "another station sharing the file shows the decision"
kill -TERM "$SRV2"
wait "$SRV2" || fail "the second station exited $?"
CHECKS=$((CHECKS + 1))
U=$U1
SRV_PID=$SRV1
# a station whose --incident is some other database refuses to start, the database untouched
before=$(sha256sum "$DB2" | cut -c1-64)
run "$LIFEBOAT" station --db "$DB2" --listen 127.0.0.1:0 --incident "$DB"
expect_rc 2 "a station with the clinical store as its incident file"
expect_err "not an incident file" "the station says the file is no incident file"
CHECKS=$((CHECKS + 1))
[ "$(sha256sum "$DB2" | cut -c1-64)" = "$before" ] || fail "the other database was changed"

# ---- phase, log, bad input --------------------------------------------------------------------------------------
req ph "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "phase=initial" --data-urlencode "note=ネットワーク遮断を開始" "$U/incident/phase"
expect_status 303 "hq moves to initial"
req ph2 "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "phase=initial" "$U/incident/phase"
expect_status 409 "the phase it is already in"
req b2 "${N[@]}" "$U/incident"
expect_body b2 'data-phase="initial">初動対応</li>' "the board shows 初動対応"
expect_body b2 'aria-current="step" data-phase="initial"' "… as the current phase"
n0=$(entries)
req e1 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "kind=fact" --data-urlencode "text=   " "$U/incident/log"
expect_status 400 "an empty entry"
expect_body e1 '記録する内容を入力してください' "the empty entry is refused with one line"
req e2 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "kind=rumour" --data-urlencode "text=x" "$U/incident/log"
expect_status 400 "an unknown kind"
req e3 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "team=kitchen" --data-urlencode "text=x" "$U/incident/log"
expect_status 400 "an unknown team"
req e4 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "text=$(printf 'a\001b')" "$U/incident/log"
expect_status 400 "a control character"
req e5 "${H[@]}" --data-urlencode "csrf=$HC" --data-urlencode "phase=containment" "$U/incident/phase"
expect_status 400 "an unknown phase"
CHECKS=$((CHECKS + 1))
[ "$(entries)" = "$n0" ] || fail "bad input was recorded"
req l1 "${N[@]}" --data-urlencode "csrf=$NC" --data-urlencode "kind=action" --data-urlencode "team=patients" \
	--data-urlencode "text=$(printf '予約患者へ電話連絡を開始\r\n午前分 40 件')" --data-urlencode "author=mallory" "$U/incident/log"
expect_status 303 "a nurse logs an action"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$I" "SELECT author || '|' || kind || '|' || team || '|' || replace(text, char(10), '/') FROM entries ORDER BY seq DESC LIMIT 1")" = "nurse1|action|patients|予約患者へ電話連絡を開始/午前分 40 件" ] ||
	fail "the logged entry: $(sqlite3 "$I" 'SELECT author, kind, team, text FROM entries ORDER BY seq DESC LIMIT 1')"
NL=$(sqlite3 "$I" "SELECT max(seq) FROM entries WHERE author='nurse1'")
run "$LIFEBOAT" station audit --db "$DB" --json
python3 - "$T/out" <<'PY' || fail "audit of the incident POSTs: $(grep -o '"action":"incident"[^}]*' "$T/out")"
import json, sys
a = [e for e in json.load(open(sys.argv[1])) if e["action"] == "incident"]
d = [(e["user"], e["detail"]) for e in a]
assert ("boss", "declare #1") in d, d
assert ("nurse1", "refused: role nurse may not decide") in d, d
assert ("nurse1", "refused: role nurse may not log a decision") in d, d
assert any(u == "nurse1" and x.startswith("log #") for u, x in d), d
PY
CHECKS=$((CHECKS + 1))

# ---- twenty users logging and completing cards at once: nothing lost, nothing twice, the chain verifies ---------
# each user gets the team of one open card and completes it among ten log entries
run "$LIFEBOAT" incident cards --incident "$I" --json
python3 -c 'import json,sys; print("\n".join([c["id"] + " " + c["team"] for c in json.load(open(sys.argv[1]))["cards"] if c["status"] == "open"][:20]))' "$T/out" >"$T/cards20"
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$T/cards20")" = 20 ] || fail "twenty open cards: $(cat "$T/cards20")"
for k in $(seq -w 1 20); do
	run "$LIFEBOAT" user add --db "$DB" --name "ward$k" --role nurse --team "$(sed -n "$((10#$k))p" "$T/cards20" | cut -d' ' -f2)" <<<"$PW"
done
for k in $(seq -w 1 20); do
	login "$T/j$k" "ward$k" "$PW"
done
n0=$(entries)
for k in $(seq -w 1 20); do
	(
		c=$(curl -s -b "$T/j$k" "$U/incident" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
		card=$(sed -n "$((10#$k))p" "$T/cards20" | cut -d' ' -f1)
		for m in $(seq 1 10); do
			curl -s -o /dev/null -w '%{http_code}\n' -b "$T/j$k" --data-urlencode "csrf=$c" --data-urlencode "kind=action" \
				--data-urlencode "team=patients" --data-urlencode "text=病棟 $k 記録 $m" "$U/incident/log"
			if [ "$m" = 5 ]; then
				curl -s -o /dev/null -w '%{http_code}\n' -b "$T/j$k" --data-urlencode "csrf=$c" --data-urlencode "card=$card" \
					--data-urlencode "note=病棟 $k 完了" "$U/incident/done"
			fi
		done >"$T/codes$k"
	) &
done
wait $(jobs -p | grep -v "^$SRV_PID$") 2>/dev/null || true
CHECKS=$((CHECKS + 1))
[ "$(cat "$T"/codes* | sort | uniq -c | tr -s ' ')" = " 220 303" ] || fail "twenty users' answers: $(cat "$T"/codes* | sort | uniq -c)"
run "$LIFEBOAT" incident timeline --incident "$I" --json
python3 - "$T/out" <<'PY' || fail "twenty users' entries"
import json, sys, collections
e = json.load(open(sys.argv[1]))
e = [x for x in e if x["type"] == "note"]
t = collections.Counter(x["text"] for x in e if x["text"].startswith("病棟 "))
want = {f"病棟 {k:02d} 記録 {m}" for k in range(1, 21) for m in range(1, 11)}
assert set(t) == want, sorted(want - set(t))[:5]
assert all(n == 1 for n in t.values()), [x for x, n in t.items() if n > 1][:5]
by = {x["text"]: x["author"] for x in e if x["text"].startswith("病棟 ")}
assert all(by[f"病棟 {k:02d} 記録 {m}"] == f"ward{k:02d}" for k in range(1, 21) for m in range(1, 11))
seqs = [x["seq"] for x in e]
assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
PY
CHECKS=$((CHECKS + 1))
CHECKS=$((CHECKS + 1))
[ "$(entries)" = "$((n0 + 220))" ] || fail "entries after twenty users: $(entries), expected $((n0 + 220))"
run "$LIFEBOAT" incident cards --incident "$I" --json
python3 - "$T/out" "$T/cards20" <<'PY' || fail "twenty users' cards: $(head -c 400 "$T/out")"
import json, sys
c = {x["id"]: x for x in json.load(open(sys.argv[1]))["cards"]}
for k, line in enumerate(open(sys.argv[2]), 1):
    cid = line.split()[0]
    assert c[cid]["status"] == "done" and c[cid]["done_by"] == f"ward{k:02d}" and c[cid]["note"] == f"病棟 {k:02d} 完了", c[cid]
PY
CHECKS=$((CHECKS + 1))
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$I" "SELECT count(*) FROM entries WHERE type='done'")" = 21 ] || fail "done entries: $(sqlite3 "$I" "SELECT count(*) FROM entries WHERE type='done'"), expected 21"
run "$LIFEBOAT" incident verify --incident "$I"
expect_rc 0 "the chain verifies after twenty users at once"

# ---- the timeline page: paged, corrections, the verify state ----------------------------------------------------
run "$LIFEBOAT" incident log --incident "$I" --corrects "$NL" --as boss "予約患者へ電話連絡を開始 (午後分も)"
expect_rc 0 "a correction from the CLI"
last=$(sqlite3 "$I" 'SELECT max(seq) FROM entries')
total=$(entries)
req tl "${N[@]}" "$U/incident/timeline"
expect_status 200 "the timeline page"
expect_body tl "id=\"chain\" data-status=\"intact\">記録は無傷です: $total 件、末尾 [0-9a-f]{16}" "the chain's state: intact, with the count"
expect_body tl "<tr id=\"e-$last\"" "the last page holds the newest entry"
expect_body tl "<span class=\"corrects\"><a href=\"/incident/timeline\?at=$NL#e-$NL\">#$NL</a> を訂正:</span> 予約患者へ電話連絡を開始 \(午後分も\)" "the correction points at its entry"
expect_body tl 'id="pager".*ページ 3 / 3' "… paged: 3 pages of 100"
expect_no_body tl "<tr id=\"e-$NL\"" "the corrected entry is not on the last page"
req tl1 "${N[@]}" "$U/incident/timeline?page=1"
expect_body tl1 '<tr id="e-1" data-type="declare"' "page 1 starts with the declaration"
CHECKS=$((CHECKS + 1))
# (the entry's text has two lines: read the row whole)
python3 - "$T/tl1.b" "$NL" "$last" <<'PY' || fail "the corrected entry #$NL points at its correction #$last"
import re, sys
html, nl, last = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
row = re.search(r'<tr id="e-%s" data-type="note" data-kind="action" class="corrected">(.*?)</tr>' % nl, html, re.S)
assert row, "no row"
assert '[<a href="/incident/timeline?at=%s#e-%s">#%s</a> で訂正済]' % (last, last, last) in row.group(1), row.group(1)
assert "予約患者へ電話連絡を開始\n午前分 40 件" in row.group(1), row.group(1)
PY
expect_body tl1 '<span class="who">boss</span> <span class="via">\(station 127.0.0.1\)</span>' "who wrote it, through which station"
req tla "${N[@]}" "$U/incident/timeline?at=$NL"
expect_body tla "<tr id=\"e-$NL\"" "?at= shows the page that holds the entry"
req tlx "${N[@]}" "$U/incident/timeline?page=abc"
expect_status 400 "a page that is no number"
req tle "${N[@]}" "$U/incident/timeline?lang=en"
expect_body tle 'The timeline is intact: [0-9]+ entries, head' "the timeline in English"
# the file edited behind the library's back: the page says the chain is broken
trig=$(sqlite3 "$I" "SELECT sql FROM sqlite_master WHERE name='entries_no_update'")
orig=$(sqlite3 "$I" "SELECT hex(text) FROM entries WHERE seq=3")
sqlite3 "$I" "DROP TRIGGER entries_no_update; UPDATE entries SET text='改ざん' WHERE seq=3"
req tlb "${N[@]}" "$U/incident/timeline"
expect_body tlb 'data-status="broken" role="alert">記録が壊れています: #3 が改ざんされています' "a tampered entry is named on the page"
# put it back as it was (in place: the station keeps the file open)
sqlite3 "$I" "UPDATE entries SET text=CAST(X'$orig' AS TEXT) WHERE seq=3; $trig;"
run "$LIFEBOAT" incident verify --incident "$I"
expect_rc 0 "the entry put back, the chain verifies again"

# closed: the board says no incident is open and lists it, no banner, a link to one of its entries still opens
run "$LIFEBOAT" incident close --incident "$I" --as boss
expect_rc 0 "close from the CLI"
req bcl "${N[@]}" "$U/incident"
expect_body bcl 'id="no-incident"' "after the close the board says no incident is declared"
expect_body bcl '<a href="/incident/timeline\?id=1">#1 電子カルテ停止 &lt;script&gt;' "… and lists the closed one"
expect_no_body bcl 'id="decisions"' "no banner after the close"
req tlc "${N[@]}" "$U/incident/timeline?at=$NL"
expect_status 200 "a link to an entry of the closed incident"
expect_body tlc "<tr id=\"e-$NL\"" "… opens the page that holds it"

# ---- the same drill through the forms and through the CLI: the same timeline ------------------------------------
stop_server
rm -f "$I" "$I-wal" "$I-shm"
start_server
for u in boss se1 rec1 pr1; do login "$T/$u" "$u" "$PW"; done
post() { # post USER PATH FIELD=VALUE…
	local u=$1 path=$2
	shift 2
	local c args=()
	req form -b "$T/$u" "$U/incident"
	c=$(csrf_of form)
	for a in "$@"; do args+=(--data-urlencode "$a"); done
	req post -b "$T/$u" --data-urlencode "csrf=$c" "${args[@]}" "$U/incident/$path"
	expect_status 303 "$u: $path $*"
}
post boss declare "title=年次訓練 ランサムウェア" "known_at=$known" drill=1
post boss phase phase=initial "note=ネットワーク遮断を開始"
post se1 log kind=action team=recovery "text=VPN 装置の LAN を抜線"
post rec1 log kind=action team=records "text=紙カルテ様式を各病棟へ配布"
post boss decide "text=外来新規受付を停止"
post pr1 log team=liaison report=police "text=県警サイバー犯罪対策課に電話で相談"
post se1 log kind=evidence team=recovery "text=感染端末のディスクイメージを保全"
post se1 fact key=extension value=.lockbit "source=EDR 管理画面" team=recovery
post boss fact key=vendor-notified-at "value=${known/T/ }"
post pr1 fact key=leak value=possible
post se1 done "card=$RC1" "note=03:40 完了"
post boss assign "card=$LC1" "to=総務課 田中"
post pr1 done "card=$LC1"
post boss phase phase=recovery
# the fact sheet on the board: the facts entered, the rest 不明; a value its key does not take is refused
req fb -b "$T/boss" "$U/incident"
expect_status 200 "the board with facts"
CHECKS=$((CHECKS + 1))
grep -q 'id="fact-extension" class="known"><th>暗号化されたファイルの拡張子</th><td>.lockbit</td><td>EDR 管理画面</td>' "$T/fb.b" ||
	fail "the board's fact sheet lacks the extension: $(grep -o '<tr id="fact-extension".\{0,200\}' "$T/fb.b")"
CHECKS=$((CHECKS + 1))
grep -q 'id="fact-leak" class="known"><th>個人データの漏えい</th><td>おそれあり</td>' "$T/fb.b" || fail "the leak answer in words"
CHECKS=$((CHECKS + 1))
grep -q 'id="fact-cause" class="unknown"><th>原因</th><td><span class="unknown">不明</span>' "$T/fb.b" || fail "an unknown fact is not 不明"
nf=$(sqlite3 "$I" "SELECT count(*) FROM entries")
req fc -b "$T/boss" "$U/incident"
FC=$(csrf_of fc)
req fbad -b "$T/boss" --data-urlencode "csrf=$FC" --data-urlencode "key=leak" --data-urlencode "value=maybe" "$U/incident/fact"
expect_status 400 "a leak answer the key does not take"
req fbad2 -b "$T/boss" --data-urlencode "csrf=$FC" --data-urlencode "key=no-such-key" --data-urlencode "value=x" "$U/incident/fact"
expect_status 400 "an unknown fact key"
req fbad3 -b "$T/boss" --data-urlencode "key=cause" --data-urlencode "value=x" "$U/incident/fact"
expect_status 403 "a fact without the CSRF token"
CHECKS=$((CHECKS + 1))
[ "$(sqlite3 "$I" "SELECT count(*) FROM entries")" = "$nf" ] || fail "a refused fact was recorded"
run "$LIFEBOAT" incident report --incident "$I" --kind ransomware-common
expect_rc 0 "the report draft from the station's facts"
expect_out "\.lockbit" "the draft carries the extension entered on the station"
C="$T/cli.db"
cli() { run "$LIFEBOAT" incident "$@" --incident "$C"; expect_rc 0 "cli: $*"; }
cli declare --title "年次訓練 ランサムウェア" --known-at "${known/T/ }" --drill --as boss
cli phase --set initial --note "ネットワーク遮断を開始" --as boss
cli log --kind action --team recovery --as se1 "VPN 装置の LAN を抜線"
cli log --kind action --team records --as rec1 "紙カルテ様式を各病棟へ配布"
cli decide --as boss "外来新規受付を停止"
cli log --team liaison --reported police --as pr1 "県警サイバー犯罪対策課に電話で相談"
cli log --kind evidence --team recovery --as se1 "感染端末のディスクイメージを保全"
cli fact --source "EDR 管理画面" --team recovery --as se1 extension .lockbit
cli fact --as boss vendor-notified-at "${known/T/ }"
cli fact --as pr1 leak possible
run "$LIFEBOAT" incident done --incident "$C" "$RC1" --note "03:40 完了" --as se1
expect_rc 0 "cli: done"
run "$LIFEBOAT" incident assign --incident "$C" "$LC1" --to "総務課 田中" --as boss
expect_rc 0 "cli: assign"
run "$LIFEBOAT" incident done --incident "$C" "$LC1" --as pr1
expect_rc 0 "cli: done without a note"
cli phase --set recovery --as boss
"$LIFEBOAT" incident timeline --incident "$I" --json >"$T/station.json"
"$LIFEBOAT" incident timeline --incident "$C" --json >"$T/cli.json"
python3 - "$T/station.json" "$T/cli.json" <<'PY' || fail "the station's drill and the CLI's differ"
import json, sys
keys = ("type", "kind", "team", "author", "text", "report", "corrects", "source")
s, c = ([tuple(e[k] for k in keys) for e in json.load(open(p))] for p in sys.argv[1:3])
assert len(s) == 14, s
assert [e[1] for e in s if e[0] == "fact"] == ["extension", "vendor-notified-at", "leak"], s
assert s[0][1] and len(s[0][1]) == 64, s[0]  # the declaration carries the shipped cards' hash
for a, b in zip(s, c):
    assert a == b, (a, b)
assert s == c
PY
CHECKS=$((CHECKS + 1))
for f in "$I" "$C"; do
	run "$LIFEBOAT" incident status --incident "$f" --json
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["known_at"], d["drill"], d["phase"])' "$T/out" >>"$T/status.txt" 2>&1 || cat "$T/out" >>"$T/status.txt"
	run "$LIFEBOAT" incident verify --incident "$f"
	expect_rc 0 "verify $f"
done
CHECKS=$((CHECKS + 1))
[ "$(sort -u "$T/status.txt" | wc -l)" = 1 ] || fail "status of the two drills: $(cat "$T/status.txt")"

# ---- teams: user team, and a station file made before teams -----------------------------------------------------
stop_server
sqlite3 "$DB.station" "CREATE TABLE u2 AS SELECT name, role, hash, created FROM users; DROP TABLE users; ALTER TABLE u2 RENAME TO users"
run "$LIFEBOAT" user list --db "$DB" --json
expect_rc 0 "user list on a station file made before teams"
run "$LIFEBOAT" user team --db "$DB" --name nurse1 --team 診療録管理室
expect_rc 0 "user team (the Japanese name)"
run "$LIFEBOAT" user team --db "$DB" --name nobody --team records
expect_rc 2 "user team for nobody"
expect_one_line_err "user team for nobody"
run "$LIFEBOAT" user team --db "$DB" --name nurse1
expect_rc 2 "user team without --team or --none"
run "$LIFEBOAT" user list --db "$DB" --json
python3 - "$T/out" <<'PY' || fail "teams after the upgrade: $(cat "$T/out")"
import json, sys
u = {x["name"]: x for x in json.load(open(sys.argv[1]))}
assert u["nurse1"]["team"] == "records" and u["boss"]["team"] is None, u
PY
CHECKS=$((CHECKS + 1))
start_server
login "$T/nurse" nurse1 "$PW"
expect_status 303 "nurse1 logs in after the upgrade"
req bt -b "$T/nurse" "$U/incident"
expect_body bt '<option value="records" selected>' "the board knows nurse1's new team"
stop_server
finish
