#!/bin/bash
# vault_init_passphrase.sh - vault init refuses a weak admin passphrase (too short, or easy to guess: common
# passwords, hospital words, keyboard rows, the repository's own path) with exit 2 and one line in the user's
# language, and writes nothing; a strong one (several unrelated words) is taken, from the environment or a file.
source "$LB_SRC/tests/integration/lib/vault.sh"
init() { LIFEBOAT_PASSPHRASE=$1 "$LIFEBOAT" vault init --repo "$2"; }
for p in "password1234" "Hospital2024!" "lifeboat-admin-2026" "qwertyuiopasdfgh" "aaaaaaaaaaaaaaaa" \
	"Password123!" "病院のパスワード" "short1!"; do
	expect_exit 2 init "$p" "$T/r"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "'$p': not one line: $(cat "$T/err")"
	grep -q "admin passphrase is too" "$T/err" || fail "'$p': $(cat "$T/err")"
	[ ! -e "$T/r" ] || fail "'$p': a refused init left '$T/r'"
done
# Japanese, and an existing empty folder stays empty
mkdir "$T/empty"
LIFEBOAT_LANG=ja expect_exit 2 init "password1234" "$T/empty"
grep -q "管理者パスフレーズが推測されやすすぎます" "$T/err" || fail "no Japanese message: $(cat "$T/err")"
LIFEBOAT_LANG=ja expect_exit 2 init "short1!" "$T/empty"
grep -q "管理者パスフレーズが短すぎます" "$T/err" || fail "no Japanese message: $(cat "$T/err")"
[ -z "$(ls -A "$T/empty")" ] || fail "a refused init wrote into the folder"
# the words of the repository's path count as guessed
expect_exit 0 init "kawasaki-minami-kyoto-east" "$T/r1"
expect_exit 2 init "kawasaki-minami-kyoto-east" "$T/kawasaki-minami-kyoto-east"
# strong passphrases: from the environment, and from --passphrase-file
expect_exit 0 init "$PASS" "$T/r2"
[ -f "$T/r2/config" ] || fail "init wrote no repository"
printf '%s\n' "ward-lantern-copper-meadow" >"$T/pass"
expect_exit 0 env -u LIFEBOAT_PASSPHRASE "$LIFEBOAT" vault init --repo "$T/r3" --passphrase-file "$T/pass"
printf '%s\n' "password1234" >"$T/weak"
expect_exit 2 env -u LIFEBOAT_PASSPHRASE "$LIFEBOAT" vault init --repo "$T/r4" --passphrase-file "$T/weak"
[ ! -e "$T/r4" ] || fail "a refused init left '$T/r4'"
echo "vault init passphrase ok"
