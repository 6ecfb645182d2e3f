#!/usr/bin/env bash
# The command-line contract every command keeps: help that teaches, --version, exit codes 0/1/2, one-line
# reasons for usage errors, Japanese and English messages.
. "$LB_SRC/tests/integration/lib.bash"
set -e

run "$LIFEBOAT" --help
expect_rc 0 "--help"
expect_out '^usage: lifeboat' "--help shows usage"
expect_out '^  text ' "--help lists text"
expect_out '^  version ' "--help lists version"
expect_out 'exit codes: 0' "--help explains exit codes"

# Every command listed in --help has help of its own with usage and examples or options.
for cmd in $(sed -n '/^commands:/,/^$/p' "$T/out" | awk 'NR>1 && NF {print $1}'); do
	run "$LIFEBOAT" help "$cmd"
	expect_rc 0 "help $cmd"
	expect_out 'usage:' "help $cmd shows usage"
	run "$LIFEBOAT" "$cmd" --help
	expect_rc 0 "$cmd --help"
	expect_out 'usage:' "$cmd --help shows usage"
done

run "$LIFEBOAT" --version
expect_rc 0 "--version"
expect_out '^lifeboat [0-9]+\.[0-9]+\.[0-9]+' "--version format"
run "$LIFEBOAT" version --json
expect_rc 0 "version --json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["lifeboat"] and d["sqlite"] and d["libsodium"] and d["zstd"]' "$T/out" ||
	fail "version --json is not the expected JSON: $(cat "$T/out")"

# Subcommand help with examples.
run "$LIFEBOAT" text decode --help
expect_rc 0 "text decode --help"
expect_out '^examples:' "text decode --help has examples"
expect_out '--from ENC' "text decode --help lists --from"
run "$LIFEBOAT" help text key
expect_rc 0 "help text key"
expect_out 'lifeboat text key' "help text key shows its usage"
run "$LIFEBOAT" text
expect_rc 2 "text without a subcommand"
run "$LIFEBOAT" text --help
expect_rc 0 "text --help"
expect_out 'decode' "text --help lists subcommands"

# Usage errors: exit 2 and exactly one line naming the problem.
run "$LIFEBOAT" --bogus
expect_rc 2 "unknown global flag"
expect_one_line_err "unknown global flag"
expect_err "'--bogus'" "unknown global flag is named"
run "$LIFEBOAT" text decode --bogus
expect_rc 2 "unknown command flag"
expect_one_line_err "unknown command flag"
expect_err "unknown option '--bogus'" "unknown command flag is named"
run "$LIFEBOAT" text decode --from
expect_rc 2 "flag without its value"
expect_one_line_err "flag without its value"
run "$LIFEBOAT" text decode --from klingon /dev/null
expect_rc 2 "bad flag value"
expect_one_line_err "bad flag value"
expect_err "klingon" "bad value is named"
run "$LIFEBOAT" nosuchcommand
expect_rc 2 "unknown command"
expect_one_line_err "unknown command"
run "$LIFEBOAT" text nosuchsub
expect_rc 2 "unknown subcommand"
expect_one_line_err "unknown subcommand"
run "$LIFEBOAT" help nosuchcommand
expect_rc 2 "help for an unknown command"
run "$LIFEBOAT"
expect_rc 2 "no command at all"
run "$LIFEBOAT" text decode "$T/does-not-exist"
expect_rc 2 "missing input file"
expect_one_line_err "missing input file"
expect_err "does-not-exist" "missing file is named"

# Japanese first on a Japanese machine; English when asked.
LIFEBOAT_LANG=ja run "$LIFEBOAT" --help
expect_out 'コマンド' "LIFEBOAT_LANG=ja gives Japanese help"
LIFEBOAT_LANG= LC_ALL= LC_MESSAGES= LANG=ja_JP.UTF-8 run "$LIFEBOAT" --help
expect_out 'コマンド' "LANG=ja_JP.UTF-8 gives Japanese help"
LIFEBOAT_LANG=ja run "$LIFEBOAT" --lang en --help
expect_out '^usage:' "--lang en overrides the environment"
LIFEBOAT_LANG=ja run "$LIFEBOAT" text decode --bogus
expect_rc 2 "Japanese usage error"
expect_err '不明なオプション|unknown option' "usage error in Japanese mode names the option"

finish
