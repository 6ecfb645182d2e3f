#!/usr/bin/env bash
# i18n_ja_vault.sh - the vault speaks Japanese (issue 13): under LIFEBOAT_LANG=ja its everyday paths (init, backup,
# snapshots, restore, verify, key add/list, forget, lock, export, prune, serve and a writer through it) and its
# failure paths (a weak or missing passphrase, a wrong one, a folder that is not a repository, a missing path, a
# target that exists, an unknown or malformed generation, a damaged pack and a planted index, a writer asking for
# what only the admin may, a repository lock held by another process, a bad or busy listen address, an unreachable
# server) print no English word on stdout or stderr (JSON is not read: its keys and codes stay English). The same
# failures in English (LIFEBOAT_LANG=en) still say what they said.
. "$LB_SRC/tests/integration/lib.bash"
set -e
command -v flock >/dev/null || { echo "flock (util-linux) is needed" >&2; exit 1; }
unset LIFEBOAT_LANG LC_ALL LC_MESSAGES LANG
export LIFEBOAT_PROGRESS=0
PASS=kelp-orbit-tundra-violin-42

# The English words of the vault's messages that a Japanese reader must never be left with (whole words). Left out
# of the check: what is quoted ('…': paths, ids, what the user typed), option and variable names (--keep-last,
# LIFEBOAT_PASSPHRASE, --role writer), the words the user types (latest, latest-clean), object paths (index/…),
# command names after "vault " and "lifeboat:" itself.
CODES='\b(cannot|can not|repository|repositories|snapshot|snapshots|generation|generations|passphrase|failed|fails|error|unknown|missing|vault|pack|packs|index|chunk|chunks|blob|key|keys|writer|admin|lease|locked|lock|damaged|malformed|exists|empty|folder|file|files|problem|problems|restored|saved|created|clean|unreviewed|suspect|keep|kept|policy|server|listen|refused|expired|such|denied|permission|directory|wrong|needs|needed|give|must|not|no|is|the|of|to|in|on|and|warning|info|shared|exclusive|taken|released|changed|added|exported|pruned|freed)\b'
scrub() { # scrub FILE: the text with quoted parts, option and variable names and command words taken out
	sed -E -e "s/'[^']*'//g" -e 's/--role [a-z]+//g' -e 's/--[a-z][a-z-]*//g' -e 's/\b[A-Z][A-Z0-9_]{3,}\b//g' \
		-e 's/\blatest(-clean)?\b//g' -e 's#\b(data|index|snapshots|keys)/[^ )]*##g' \
		-e 's/\bvault (init|backup|snapshots|restore|verify|prune|forget|lock|review|export|serve|key|diff)\b//g' \
		-e 's/^lifeboat: //' -e 's#https?://[^ ]*##g' -e 's#(^| )/[^ ]*##g' -e 's#keys/admin##g' "$1"
}
no_english() { # no_english "what": neither stdout nor stderr of the last run carries an English word
	CHECKS=$((CHECKS + 1))
	local f
	for f in "$T/out" "$T/err"; do
		if scrub "$f" | grep -qiE -- "$CODES"; then
			fail "$1 carries English: $(scrub "$f" | grep -oiE -- "$CODES" | sort | uniq -c | tr '\n' ' ') in: $(head -c 300 "$f")"
			return
		fi
	done
}
ja() { run env LIFEBOAT_LANG=ja "$LIFEBOAT" "$@"; }                        # ja ARGS…: no passphrase given
jp() { run env LIFEBOAT_LANG=ja LIFEBOAT_PASSPHRASE=$PASS "$LIFEBOAT" "$@"; } # jp ARGS…: the admin passphrase
en() { run env LIFEBOAT_LANG=en LIFEBOAT_PASSPHRASE=$PASS "$LIFEBOAT" "$@"; }

R=$T/r S=$T/s
mkdir -p "$S/d"
for i in 1 2 3 4 5 6; do
	python3 -c "import sys; print(' '.join(['患者 検査 処方 看護 記録 %d' % j for j in range(3000)]))" >"$S/d/f$i.txt"
done

# ---- init: a weak passphrase, none, one that is fine, a folder that is not empty ------------------------------------
run env LIFEBOAT_LANG=ja LIFEBOAT_PASSPHRASE=short1 "$LIFEBOAT" vault init --repo "$R"
expect_rc 2 "a short passphrase"
expect_one_line_err "a short passphrase"
no_english "a short passphrase"
expect_err "管理者パスフレーズが短すぎます" "a short passphrase in Japanese"
run env LIFEBOAT_LANG=ja LIFEBOAT_PASSPHRASE=password1234 "$LIFEBOAT" vault init --repo "$R"
expect_rc 2 "a guessable passphrase"
no_english "a guessable passphrase"
ja vault init --repo "$R" </dev/null
expect_rc 2 "no passphrase"
no_english "no passphrase"
[ ! -e "$R" ] || fail "a refused init left '$R'"
jp vault init --repo "$S"
expect_rc 2 "init into a folder with files"
no_english "init into a folder with files"
expect_err "'.*/s' は空ではありません" "a folder that is not empty, in Japanese"
jp vault init --repo "$R"
expect_rc 0 "vault init"
no_english "vault init"
expect_out "ボルト '.*/r' を作成しました" "init says it in Japanese"

# ---- opening: a wrong passphrase, a folder that is not a repository, a missing passphrase file ---------------------
run env LIFEBOAT_LANG=ja LIFEBOAT_PASSPHRASE=wrong-passphrase-here "$LIFEBOAT" vault snapshots --repo "$R"
expect_rc 2 "a wrong passphrase"
no_english "a wrong passphrase"
expect_err "パスフレーズが違います" "a wrong passphrase in Japanese"
mkdir "$T/plain"
jp vault snapshots --repo "$T/plain"
expect_rc 2 "not a repository"
no_english "not a repository"
expect_err "ボルトのリポジトリではありません" "not a repository in Japanese"
ja vault snapshots --repo "$R" --passphrase-file "$T/none.pass"
expect_rc 2 "a missing passphrase file"
no_english "a missing passphrase file"

# ---- backup: a missing path, '/', nothing; then two generations ------------------------------------------------------
jp vault backup --repo "$R" "$T/nothere"
expect_rc 2 "backup of a missing path"
expect_one_line_err "backup of a missing path"
no_english "backup of a missing path"
expect_err "を読めません: ファイルまたはフォルダがありません" "a missing path in Japanese"
jp vault backup --repo "$R" /
expect_rc 2 "backup of /"
no_english "backup of /"
jp vault backup --repo "$R" "$S"
expect_rc 0 "backup"
no_english "backup"
expect_out "世代 [0-9a-f]{8} を保存: ファイル 6, .* - きれい" "the backup summary in Japanese"
echo more >"$S/d/g.txt"
jp vault backup --repo "$R" --json "$S"
expect_rc 0 "second backup"
SECOND=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["snapshot"])' "$T/out")

# ---- snapshots, restore -------------------------------------------------------------------------------------------
jp vault snapshots --repo "$R"
expect_rc 0 "snapshots"
no_english "snapshots"
expect_out "日時 .*状態" "the table headings in Japanese"
expect_out "固定" "the pinned mark in Japanese"
# the columns line up as a terminal shows them (Japanese takes two columns a character): the score column ends at
# the same column on the heading and on every row
CHECKS=$((CHECKS + 1))
python3 - "$T/out" <<'PY2' || fail "the snapshots table's columns do not line up under ja: $(head -3 "$T/out")"
import sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
head, rows = lines[0], [l for l in lines[1:] if l[:8].isalnum()]
end = cols(head[: head.index("スコア") + len("スコア")])
for r in rows:
    parts = r.split()
    score = next(p for p in parts[3:] if p.replace(".", "").isdigit() and "." in p)
    if cols(r[: r.index(score) + len(score)]) != end:
        sys.exit(1)
sys.exit(0 if rows else 1)
PY2
jp vault restore --repo "$R" latest --target "$S"
expect_rc 2 "restore onto a folder with files"
expect_one_line_err "restore onto a folder with files"
no_english "restore onto a folder with files"
expect_err "復元先 '.*' は新規または空のフォルダにしてください" "an existing target in Japanese"
jp vault restore --repo "$R" ffffffff --target "$T/out1"
expect_rc 2 "an unknown generation"
no_english "an unknown generation"
expect_err "世代 'ffffffff' はありません" "an unknown generation in Japanese"
jp vault restore --repo "$R" xyz --target "$T/out1"
expect_rc 2 "a malformed generation"
no_english "a malformed generation"
jp vault restore --repo "$R" latest --target "$T/out1" --path nothere
expect_rc 2 "a path not in the generation"
no_english "a path not in the generation"
jp vault restore --repo "$R" latest --target "$T/out1"
expect_rc 0 "restore"
no_english "restore"
expect_out "を '.*out1' に復元: ファイル 7" "the restore summary in Japanese"

# ---- verify: clean, a damaged pack, a planted index --------------------------------------------------------------
jp vault verify --repo "$R" --read-data
expect_rc 0 "verify"
no_english "verify"
expect_out "^問題なし: パック" "a clean verify says 問題なし"
cp -a "$R" "$T/c1"
chmod -R u+w "$T/c1" 2>/dev/null || true
chattr -R -i "$T/c1" 2>/dev/null || true
python3 - "$(ls "$T"/c1/data/*/* | head -1)" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 1
open(p, "wb").write(b)
PY
jp vault verify --repo "$T/c1" --read-data
expect_rc 1 "verify of a damaged pack"
no_english "verify of a damaged pack"
expect_out "問題: パック [0-9a-f]+ が壊れています" "a damaged pack in Japanese"
expect_out "破損: " "the damaged files in Japanese"
jp vault restore --repo "$T/c1" latest --target "$T/out2"
expect_rc 2 "restore from a damaged pack"
no_english "restore from a damaged pack"
cp -a "$R" "$T/c2"
chmod -R u+w "$T/c2" 2>/dev/null || true
head -c 100 /dev/urandom >"$T/c2/index/0000000000000000000000000000000000000000000000000000000000000000"
jp vault verify --repo "$T/c2"
expect_rc 1 "verify of a planted index"
no_english "verify of a planted index"
expect_out "索引 0{64} を復号できません" "a planted index in Japanese"
jp vault prune --repo "$T/c2"
expect_rc 0 "prune sets the planted index aside"
no_english "prune sets the planted index aside"

# ---- keys: add, add again, list, revoke nonsense; the writer's limits ---------------------------------------------
jp vault key add --repo "$R" --role writer --out "$T/w.key"
expect_rc 0 "key add"
no_english "key add"
expect_out "ライター鍵 [0-9a-f]{32} を" "key add in Japanese"
jp vault key add --repo "$R" --role writer --out "$T/w.key"
expect_rc 2 "key add over an existing file"
no_english "key add over an existing file"
jp vault key add --repo "$R" --role admin --out "$T/a.key"
expect_rc 2 "key add of another role"
no_english "key add of another role"
jp vault key list --repo "$R"
expect_rc 0 "key list" # JSON: not read
jp vault key revoke --repo "$R" 1234
expect_rc 2 "revoke of a malformed id"
no_english "revoke of a malformed id"
jp vault key revoke --repo "$R" 0123456789abcdef0123456789abcdef
expect_rc 2 "revoke of an unknown id"
no_english "revoke of an unknown id"
ja vault restore --repo "$R" --key "$T/w.key" latest --target "$T/out3"
expect_rc 2 "a writer restores"
no_english "a writer restores"
expect_err "ライター鍵では世代の復元はできません \(管理者鍵が必要です\)" "a writer's limit in Japanese"
ja vault forget --repo "$R" --key "$T/w.key" --keep-last 1
expect_rc 2 "a writer forgets"
no_english "a writer forgets"

# ---- forget, lock, review, export, prune ---------------------------------------------------------------------------
jp vault forget --repo "$R"
expect_rc 2 "forget without a policy"
no_english "forget without a policy"
jp vault forget --repo "$R" --keep-last 1 --dry-run
expect_rc 0 "forget --dry-run"
no_english "forget --dry-run"
expect_out "保持 .*最新のきれいな世代 \(固定\)" "forget's reasons in Japanese"
jp vault lock --repo "$R" latest --until 2000-01-01
expect_rc 2 "a lock in the past"
no_english "a lock in the past"
jp vault lock --repo "$R" "${SECOND:0:8}" --until 2099-01-01
expect_rc 0 "lock"
no_english "lock"
expect_out "を 20(98/12/31|99/01/01) [0-9]{2}:[0-9]{2} までロックしました" "lock's date in the one local format (not 2099-01-01T00:00:00Z)"
jp vault export --repo "$R" latest --to "$S"
expect_rc 2 "export onto a folder with files"
no_english "export onto a folder with files"
jp vault export --repo "$R" latest --to "$T/medium"
expect_rc 0 "export"
no_english "export"
jp vault verify --repo "$T/medium"
expect_rc 0 "verify of the medium"
no_english "verify of the medium"
jp vault prune --repo "$R"
expect_rc 0 "prune"
no_english "prune"

# ---- the repository lock (lease): held exclusively by another process on this host -------------------------------
(
	exec 9>>"$R/lock" </dev/null >/dev/null
	flock -x 9
	: >"$T/held"
	exec sleep 300
) &
HOLDER=$!
for _ in $(seq 50); do [ -e "$T/held" ] && break; sleep 0.1; done
jp vault backup --repo "$R" "$S"
expect_rc 2 "backup under a held lock"
no_english "backup under a held lock"
expect_err "リポジトリはロック中です" "a held lock in Japanese"
kill "$HOLDER" 2>/dev/null || true
wait "$HOLDER" 2>/dev/null || true

# ---- serve: a bad address, an address in use, a writer through it, a client that finds no server ------------------
jp vault serve --repo "$R" --listen nonsense
expect_rc 2 "serve with a bad address"
expect_one_line_err "serve with a bad address"
no_english "serve with a bad address"
expect_err "待ち受けは アドレス:ポート" "a bad address in Japanese"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env LIFEBOAT_LANG=ja "$LIFEBOAT" vault serve --repo "$R" --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>"$T/serve.err" &
SERVER=$!
for _ in $(seq 50); do grep -q "で提供中" "$T/serve.out" && break; sleep 0.1; done
grep -q "で提供中" "$T/serve.out" || fail "server did not start: $(cat "$T/serve.out" "$T/serve.err")"
U=http://127.0.0.1:$PORT/
jp vault serve --repo "$R" --listen "127.0.0.1:$PORT"
expect_rc 2 "serve on an address in use"
no_english "serve on an address in use"
ja vault backup --repo "$U" --key "$T/w.key" "$S"
expect_rc 0 "a writer backs up through the server"
no_english "a writer backs up through the server"
ja vault verify --repo "$U" --key "$T/w.key" --read-data
expect_rc 2 "a writer reads packs through the server"
no_english "a writer reads packs through the server"
run env LIFEBOAT_LANG=ja LIFEBOAT_PASSPHRASE=wrong-passphrase-here "$LIFEBOAT" vault snapshots --repo "$U"
expect_rc 2 "a wrong passphrase through the server"
no_english "a wrong passphrase through the server"
jp vault init --repo "$U"
expect_rc 2 "init through the server"
no_english "init through the server"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
cp "$T/serve.err" "$T/err"
: >"$T/out"
no_english "the server's log (leases, a wrong passphrase)"
grep -q "ロック .* 共有 .* を取得" "$T/serve.err" || fail "the server's lease log is not Japanese: $(cat "$T/serve.err")"
jp vault snapshots --repo "$U"
expect_rc 2 "no server"
no_english "no server"
jp vault snapshots --repo http://127.0.0.1/
expect_rc 2 "a server URL without a port"
no_english "a server URL without a port"

# ---- English still works ------------------------------------------------------------------------------------------
run env LIFEBOAT_LANG=en LIFEBOAT_PASSPHRASE=wrong-passphrase-here "$LIFEBOAT" vault snapshots --repo "$R"
expect_rc 2 "a wrong passphrase in English"
expect_err "^lifeboat: wrong passphrase$" "a wrong passphrase in English"
en vault snapshots --repo "$T/plain"
expect_err "is not a vault repository" "not a repository in English"
en vault restore --repo "$R" ffffffff --target "$T/out4"
expect_err "no generation 'ffffffff'" "an unknown generation in English"
en vault verify --repo "$T/c1" --read-data
expect_rc 1 "a damaged pack in English"
expect_out "problem: pack [0-9a-f]+ is damaged" "a damaged pack in English"
en vault backup --repo "$R" "$T/nothere"
expect_err "cannot read '.*nothere': No such file or directory" "a missing path in English"
en vault serve --repo "$R" --listen nonsense
expect_err "listen on ADDRESS:PORT" "a bad address in English"
finish
