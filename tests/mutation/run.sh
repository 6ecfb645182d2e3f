#!/usr/bin/env bash
# tests/mutation/run.sh - the planted-bug exercise, by hand and repeatable: small bugs (mutants) are planted one at a
# time in a C file, the tests that cover it are run, and a mutant the tests do not notice is a survivor.
#
#   tests/mutation/run.sh [options] [FILE...]        (make mutation; MUTATION_ARGS="..." passes options)
#
# FILE defaults to every file of the table below. Each file needs a row in the table (or --tests/--targets).
# Options:
#   --max N          at most N mutants per file, a deterministic sample (below); 0 = all (default: 0)
#   --seed S         the sample's seed (default 13)
#   --lines A-B      only mutants on lines A..B (one file)
#   --funcs F,G      only mutants inside these functions (default: the table's, when it names some)
#   --all-funcs      ignore the table's function list
#   --tests 'R1;R2'  ctest -R stages, run in order until one fails (default: the table's)
#   --targets 'T..'  build targets to rebuild (default: the table's)
#   --timeout S      seconds per stage per mutant (default: 3 x the unmutated run + 20)
#   --no-asan        do not check the survivors again in the sanitizer build
#   --list           print the mutants and stop (no build)
#   --build DIR      work folder (default build-mutation)
#
# Mutants (tests/mutation/mutants.awk): < <=, > >=, == !=, && ||, an integer constant beside a comparison +1 and -1
# (0 only +1), a dropped '!', return 0/1, return -1 -> 0, return true/false. Comments, strings and character
# literals, preprocessor lines, asserts and message text are never mutated.
#
# How it runs: the working tree is never modified. The tracked (and untracked, not ignored) files are copied to
# DIR/tree (mtimes kept, so only what changed is rebuilt), built there in DIR/obj (Debug, no sanitizers: fast), and
# each mutant is written into DIR/tree only; a trap puts the original back on any exit, and each file is touched
# before its unmutated run so that no object built from a mutant is ever reused. A mutant that does not compile is
# not counted. A mutant is caught when a stage fails or times out. A survivor of the fast build is run again in a
# sanitizer build (DIR/asan, ASan + UBSan as `make test` runs the tests): an out-of-bounds read the plain build
# does not notice is caught there, as it would be by `make test`.
#
# Sampling: when a file has more than --max mutants, each mutant gets the key hash(seed, its KEY) (KEY: file,
# mutation and source line, no line number) and the N smallest are taken: the same sample on every run and
# machine, and a mutant stays in or out of it when other lines of the file change.
#
# Equivalent mutants (no test can tell them apart from the original) are listed in tests/mutation/equivalent.txt
# with the reason, and skipped: they count neither as caught nor in the total. Survivors are printed as
#   FILE:LINE: KEY
# and their KEY (the part after "LINE: ") can be copied to equivalent.txt as "KEY -- reason".
#
# Exit: 0 when every counted mutant was caught, 1 when some survived, 2 on bad usage or a broken unmutated run.
set -uo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# The table: FILE | ctest stages (regexes without '|': ';' between stages, cheapest first) | build targets |
# functions (empty: the whole file). Keep it to the tests that cover the file: every mutant runs them.
TABLE=$(
	cat <<'EOF'
src/vault/suspect_score.c | ^unit/suspect_score$;^unit/suspect$ | test_suspect_score test_suspect |
src/store/derive.c | ^unit/store_derive$;^unit/store$;^unit/store_lists$ | test_store_derive test_store test_store_lists |
src/ehr/ssmix2_scan.c | ^unit/ssmix2$;^unit/store$;^unit/store_changes$ | test_ssmix2 test_store test_store_changes |
src/watch/detect.c | ^unit/watch_detect$;^unit/watch$ | test_watch_detect test_watch |
src/store/ingest.c | ^unit/store_shrink$;^integration/ingest_badinput$ | test_store_shrink lifeboat | shrink_refused check_shrink kind_rows
src/station/login.c | ^unit/station_login$;^unit/station$;^integration/station_lockout$ | test_station_login test_station lifeboat | q_int max3 login_state station_backoff_ms station_backoff_left_ms station_login station_user_unlock
src/print/patient.c | ^unit/print_dates$;^integration/print_calls$;^integration/print_today$ | test_print_dates lifeboat | print_birth print_start_day
src/print/calls.c | ^unit/print_calls$;^integration/print_calls$;^integration/print_today$ | test_print_calls lifeboat | print_appointments
src/rx/dose_rule.c | ^unit/rx_dose$;^unit/rx_ | test_rx_dose test_rx_dose_child test_rx_dose_edges test_rx_dose_input test_rx_dose_store test_rx_dose_period test_rx_rules test_rx_rules_edges test_rx_allergy test_rx_allergy_words test_rx_age test_rx_interact test_rx_keys test_rx_weight |
src/rx/dose.c | ^unit/rx_dose$;^unit/rx_dose_input$;^unit/rx_ | test_rx_dose test_rx_dose_child test_rx_dose_edges test_rx_dose_input test_rx_dose_store test_rx_dose_period test_rx_rules test_rx_rules_edges test_rx_allergy test_rx_allergy_words test_rx_age test_rx_interact test_rx_keys test_rx_weight |
src/rx/rules.c | ^unit/rx_rules$;^unit/rx_ | test_rx_dose test_rx_dose_child test_rx_dose_edges test_rx_dose_input test_rx_dose_store test_rx_dose_period test_rx_rules test_rx_rules_edges test_rx_allergy test_rx_allergy_words test_rx_age test_rx_interact test_rx_keys test_rx_weight |
src/rx/allergy.c | ^unit/rx_allergy;^unit/rx_ | test_rx_dose test_rx_dose_child test_rx_dose_edges test_rx_dose_input test_rx_dose_store test_rx_dose_period test_rx_rules test_rx_rules_edges test_rx_allergy test_rx_allergy_words test_rx_age test_rx_interact test_rx_keys test_rx_weight |
src/rx/allergy_tables.c | ^unit/rx_allergy;^unit/rx_ | test_rx_dose test_rx_dose_child test_rx_dose_edges test_rx_dose_input test_rx_dose_store test_rx_dose_period test_rx_rules test_rx_rules_edges test_rx_allergy test_rx_allergy_words test_rx_age test_rx_interact test_rx_keys test_rx_weight |
src/rx/keys.c | ^unit/rx_keys$;^unit/rx_ | test_rx_dose test_rx_dose_child test_rx_dose_edges test_rx_dose_input test_rx_dose_store test_rx_dose_period test_rx_rules test_rx_rules_edges test_rx_allergy test_rx_allergy_words test_rx_age test_rx_interact test_rx_keys test_rx_weight |
src/rx/age.c | ^unit/rx_age$;^unit/rx_ | test_rx_dose test_rx_dose_child test_rx_dose_edges test_rx_dose_input test_rx_dose_store test_rx_dose_period test_rx_rules test_rx_rules_edges test_rx_allergy test_rx_allergy_words test_rx_age test_rx_interact test_rx_keys test_rx_weight |
src/store/outage.c | ^unit/store_outage$;^integration/rx_outage_period$;^integration/station_rx_record$ | test_store_outage lifeboat |
src/incident/chain.c | ^unit/incident$;^unit/incident_state$;^integration/incident$ | test_incident test_incident_state lifeboat |
src/incident/verify.c | ^unit/incident$;^unit/incident_state$;^integration/incident$ | test_incident test_incident_state lifeboat |
src/incident/query.c | ^unit/incident_state$;^unit/incident$;^integration/incident$ | test_incident test_incident_state lifeboat |
EOF
)

die() {
	echo "mutation: $*" >&2
	exit 2
}

MAX=0
SEED=13
LINES=""
FUNCS=""
ALLFUNCS=0
TESTS=""
TARGETS=""
TIMEOUT=""
ASAN=1
LIST=0
BUILD="$ROOT/build-mutation"
FILES=()
while [ $# -gt 0 ]; do
	case "$1" in
	--max) MAX=${2:?}; shift 2 ;;
	--seed) SEED=${2:?}; shift 2 ;;
	--lines) LINES=${2:?}; shift 2 ;;
	--funcs) FUNCS=${2:?}; shift 2 ;;
	--all-funcs) ALLFUNCS=1; shift ;;
	--tests) TESTS=${2:?}; shift 2 ;;
	--targets) TARGETS=${2:?}; shift 2 ;;
	--timeout) TIMEOUT=${2:?}; shift 2 ;;
	--no-asan) ASAN=0; shift ;;
	--list) LIST=1; shift ;;
	--build) BUILD=$(realpath -m "${2:?}"); shift 2 ;;
	-h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) FILES+=("$1"); shift ;;
	esac
done
[[ "$MAX" =~ ^[0-9]+$ ]] || die "--max needs a number"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed needs a number"
[ -z "$LINES" ] || [[ "$LINES" =~ ^[0-9]+-[0-9]+$ ]] || die "--lines needs A-B"
[ -z "$TIMEOUT" ] || [[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout needs seconds"
if [ ${#FILES[@]} -eq 0 ]; then
	while read -r f _; do FILES+=("$f"); done <<<"$TABLE"
fi

row() { # row FILE COLUMN -> the table's cell, trimmed
	awk -F'|' -v f="$1" -v c="$2" '{ k = $1; gsub(/^ +| +$/, "", k); if (k == f) { v = $c; gsub(/^ +| +$/, "", v); print v; exit } }' <<<"$TABLE"
}

cd "$ROOT" || die "no $ROOT"
for f in "${FILES[@]}"; do
	[ -f "$f" ] || die "no file $f"
	if [ -z "$TESTS" ] && [ -z "$(row "$f" 2)" ]; then die "$f has no row in the table: give --tests and --targets"; fi
done

EQUIV="$HERE/equivalent.txt"
# the mutants of one file, after the filters, the equivalents and the sample: LINE COL LEN REPL KEY
mutants_of() {
	local f=$1 funcs=$2
	awk -v file="$f" -v funcs="$funcs" -f "$HERE/mutants.awk" "$f" |
		awk -F'\037' -v lines="$LINES" 'BEGIN { if (lines != "") { split(lines, r, "-"); lo = r[1] + 0; hi = r[2] + 0 } }
			lines == "" || ($1 >= lo && $1 <= hi)'
}
not_equivalent() { # stdin: mutants; drops those whose KEY is in equivalent.txt ("KEY -- reason")
	awk -F'\037' 'NR == FNR { if ($0 !~ /^#/ && $0 ~ / -- /) { k = $0; sub(/ -- .*$/, "", k); eq[k] = 1 } next }
		!($5 in eq)' "$EQUIV" -
}
equivalent_count() {
	awk -F'\037' 'NR == FNR { if ($0 !~ /^#/ && $0 ~ / -- /) { k = $0; sub(/ -- .*$/, "", k); eq[k] = 1 } next }
		($5 in eq) { n++ } END { print n + 0 }' "$EQUIV" -
}
sample() { # stdin: mutants; the MAX with the smallest hash(seed, KEY), back in line order
	if [ "$MAX" -eq 0 ]; then
		cat
		return
	fi
	awk -F'\037' -v seed="$SEED" 'BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
		{ h = seed + 7; n = length($5); for (i = 1; i <= n; i++) h = (h * 31 + ord[substr($5, i, 1)]) % 2147483629
		  printf "%010d\037%s\n", h, $0 }' | sort -t$'\037' -k1,1 | head -n "$MAX" | cut -d$'\037' -f2- |
		sort -t$'\037' -k1,1n -k2,2n
}

funcs_of() {
	if [ -n "$FUNCS" ]; then echo "$FUNCS"; elif [ "$ALLFUNCS" -eq 1 ]; then echo ""; else row "$1" 4; fi
}

if [ "$LIST" -eq 1 ]; then
	for f in "${FILES[@]}"; do
		all=$(mutants_of "$f" "$(funcs_of "$f")")
		kept=$(not_equivalent <<<"$all" | sample)
		echo "== $f: $(grep -c . <<<"$kept") mutants ($(equivalent_count <<<"$all") equivalent skipped)"
		awk -F'\037' -v f="$f" 'NF { printf "%s:%d: %s\n", f, $1, substr($5, index($5, ": ") + 2) }' <<<"$kept"
	done
	exit 0
fi

TREE="$BUILD/tree"
OBJ="$BUILD/obj"
ASANOBJ="$BUILD/asan"
LOG="$BUILD/log"
mkdir -p "$TREE" "$LOG" || die "cannot create $BUILD"

# The copy: tracked and untracked-but-not-ignored files, mtimes kept; files gone from the work tree go from the copy.
sync_tree() {
	local list
	list=$(mktemp)
	git -C "$ROOT" ls-files -co --exclude-standard -z | sort -z >"$list"
	tar --null -T "$list" -cf - 2>/dev/null | tar -C "$TREE" -xpf - || die "cannot copy the tree to $TREE"
	(cd "$TREE" && find . -type f -printf '%P\0' | sort -z) | comm -z -23 - "$list" |
		(cd "$TREE" && xargs -0 -r rm -f)
	rm -f "$list"
}

CURRENT=""
restore() { # put the original of the mutated file back in the copy (fresh mtime: it is rebuilt from the original)
	if [ -n "$CURRENT" ]; then
		cp "$ROOT/$CURRENT" "$TREE/$CURRENT" && touch "$TREE/$CURRENT"
		echo "$CURRENT" >>"$BUILD/mutated"
		CURRENT=""
	fi
}
trap 'restore' EXIT
trap 'restore; echo "mutation: interrupted" >&2; exit 130' INT TERM HUP

configure() { # configure DIR SANITIZE
	[ -f "$1/CMakeCache.txt" ] && return 0
	local gen=()
	command -v ninja >/dev/null && gen=(-G Ninja) # much faster than make at finding the one file to rebuild
	cmake "${gen[@]}" -S "$TREE" -B "$1" -DCMAKE_BUILD_TYPE=Debug -DLB_SANITIZE="$2" -DLB_WERROR=OFF >"$LOG/configure.log" 2>&1 ||
		die "cmake failed (see $LOG/configure.log)"
}

build() { # build DIR TARGETS... -> 0 when built
	local dir=$1
	shift
	cmake --build "$dir" -j 2 --target "$@" >"$LOG/build.log" 2>&1
}

# run_stages DIR STAGES TIMEOUT -> prints "caught STAGE", "timeout STAGE" or "survived"
run_stages() {
	local dir=$1 stages=$2 to=$3 st rc
	IFS=';' read -ra st <<<"$stages"
	for s in "${st[@]}"; do
		(cd "$dir" && timeout -k 10 "$to" ctest -R "$s" -j 2 --stop-on-failure --no-tests=error >"$LOG/ctest.log" 2>&1)
		rc=$?
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			echo "timeout $s"
			return
		elif [ $rc -ne 0 ]; then
			echo "caught $s"
			return
		fi
	done
	echo "survived"
}

mutate() { # mutate FILE LINE COL LEN REPL: write the mutant into the copy
	awk -v ln="$2" -v col="$3" -v len="$4" -v repl="$5" \
		'NR == ln { $0 = substr($0, 1, col - 1) repl substr($0, col + len) } { print }' "$ROOT/$1" >"$TREE/$1.mut" &&
		mv "$TREE/$1.mut" "$TREE/$1"
}

echo "mutation: copying the tree to $TREE"
sync_tree
# the copy keeps the work tree's mtimes, older than an object a build made from a mutant of an earlier run (the
# sanitizer build is not rebuilt after its last survivor check): files mutated before are touched, so rebuilt
if [ -f "$BUILD/mutated" ]; then
	sort -u "$BUILD/mutated" | while read -r m; do [ -f "$TREE/$m" ] && touch "$TREE/$m"; done
fi
configure "$OBJ" OFF
[ "$ASAN" -eq 1 ] && configure "$ASANOBJ" ON

T_CAUGHT=0
T_TOTAL=0
T_EQUIV=0
T_INVALID=0
SUMMARY=""
SURVIVORS=""
START=$(date +%s)
for f in "${FILES[@]}"; do
	stages=${TESTS:-$(row "$f" 2)}
	targets=${TARGETS:-$(row "$f" 3)}
	funcs=$(funcs_of "$f")
	all=$(mutants_of "$f" "$funcs")
	neq=$(equivalent_count <<<"$all")
	kept=$(not_equivalent <<<"$all" | sample)
	n=$(grep -c . <<<"$kept")
	echo "== $f: $n mutants${funcs:+ (in $funcs)}; $neq equivalent skipped; tests: $stages"

	# the unmutated run: must build and pass, and gives the timeout
	touch "$TREE/$f"
	# shellcheck disable=SC2086
	build "$OBJ" $targets || die "the unmutated $f does not build in $OBJ (see $LOG/build.log)"
	t0=$(date +%s)
	r=$(run_stages "$OBJ" "$stages" 3600)
	[ "$r" = survived ] || die "the tests fail without a mutant ($r; see $LOG/ctest.log)"
	to=${TIMEOUT:-$((3 * ($(date +%s) - t0) + 20))}
	if [ "$ASAN" -eq 1 ]; then
		# shellcheck disable=SC2086
		build "$ASANOBJ" $targets || die "the unmutated $f does not build in $ASANOBJ (see $LOG/build.log)"
		r=$(run_stages "$ASANOBJ" "$stages" 3600)
		[ "$r" = survived ] || die "the tests fail under the sanitizers without a mutant ($r; see $LOG/ctest.log)"
	fi

	caught=0 total=0 invalid=0 i=0 surv=""
	while IFS=$'\037' read -r ln col len repl key; do
		[ -n "$ln" ] || continue
		i=$((i + 1))
		CURRENT=$f
		mutate "$f" "$ln" "$col" "$len" "$repl" || die "cannot write the mutant into $TREE/$f"
		what="${key#*: }"
		# shellcheck disable=SC2086
		if ! build "$OBJ" $targets; then
			invalid=$((invalid + 1))
			restore
			printf '  [%d/%d] %s:%s: %s: does not compile (not counted)\n' "$i" "$n" "$f" "$ln" "$what"
			continue
		fi
		total=$((total + 1))
		r=$(run_stages "$OBJ" "$stages" "$to")
		if [ "$r" = survived ] && [ "$ASAN" -eq 1 ]; then
			# shellcheck disable=SC2086
			if build "$ASANOBJ" $targets; then
				r=$(run_stages "$ASANOBJ" "$stages" "$((to * 3))")
				[ "$r" = survived ] || r="$r (sanitizers)"
			fi
		fi
		restore
		if [ "$r" = survived ]; then
			surv+="$f:$ln: $what"$'\n'
		else
			caught=$((caught + 1))
		fi
		printf '  [%d/%d] %s:%s: %s: %s\n' "$i" "$n" "$f" "$ln" "$what" "$r"
	done <<<"$kept"
	# leave both builds on the original
	touch "$TREE/$f"
	# shellcheck disable=SC2086
	build "$OBJ" $targets || true
	T_CAUGHT=$((T_CAUGHT + caught))
	T_TOTAL=$((T_TOTAL + total))
	T_EQUIV=$((T_EQUIV + neq))
	T_INVALID=$((T_INVALID + invalid))
	SUMMARY+=$(printf '%-28s %4d/%-4d caught  (%d equivalent skipped, %d not compiling)' "$f" "$caught" "$total" \
		"$neq" "$invalid")$'\n'
	SURVIVORS+="$surv"
done

pct() { [ "$2" -gt 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }' || echo "-"; }
echo
echo "== mutation: $(date -u +%Y-%m-%dT%H:%MZ), $(( $(date +%s) - START )) s, seed $SEED, max ${MAX} per file (0 = all)"
printf '%s' "$SUMMARY"
if [ -n "$SURVIVORS" ]; then
	echo "survivors:"
	printf '%s' "$SURVIVORS" | sed 's/^/  /'
fi
printf 'total %d/%d caught (%s), %d equivalent skipped, %d not compiling\n' "$T_CAUGHT" "$T_TOTAL" \
	"$(pct "$T_CAUGHT" "$T_TOTAL")" "$T_EQUIV" "$T_INVALID"
[ "$T_CAUGHT" -eq "$T_TOTAL" ]
