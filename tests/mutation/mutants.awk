# mutants.awk - the mutants of one C file, one a line, for tests/mutation/run.sh:
#   LINE <TAB> COL <TAB> LEN <TAB> REPLACEMENT <TAB> KEY
# COL is 1-based, in bytes (run with LC_ALL=C); LEN bytes at COL are replaced by REPLACEMENT ("" drops them).
# KEY names the mutant without its line number, so that it survives edits elsewhere in the file:
#   FILE: 'ORIG' -> 'REPL' #K @ SOURCE LINE (whitespace collapsed)
# K counts the sites of the same ORIG on that line (1 = leftmost); a line whose text appeared before in the file
# has " [copy N]" after it.
#
# Operators: < <=, > >=, == !=, && ||, an integer constant beside a comparison +1 and -1, a dropped '!',
# 'return 0;' <-> 'return 1;', 'return -1;' -> 'return 0;', 'return true;' <-> 'return false;'.
# Never mutated: comments, string and character literals (masked first), preprocessor lines (#include,
# #define and their continuations), lines with assert( or static_assert(, and the text of lb_error/lb_tr
# messages (strings, so masked).
#
# Variables: file (the path printed in KEY); funcs (names separated by commas or spaces: only the lines inside
# those functions are mutated; a function starts at a line beginning in column 0 with NAME( and ends at a '}' in
# column 0, the style clang-format gives here).

function mask(s,    out, i, c, n, nx) {
	out = ""
	n = length(s)
	i = 1
	while (i <= n) {
		c = substr(s, i, 1)
		nx = substr(s, i + 1, 1)
		if (incomment) {
			if (c == "*" && nx == "/") {
				incomment = 0
				out = out "  "
				i += 2
				continue
			}
			out = out " "
			i++
			continue
		}
		if (instr != "") {
			if (c == "\\") {
				out = out "__"
				i += 2
				continue
			}
			if (c == instr) {
				instr = ""
				out = out c
				i++
				continue
			}
			out = out "_"
			i++
			continue
		}
		if (c == "/" && nx == "*") {
			incomment = 1
			out = out "  "
			i += 2
			continue
		}
		if (c == "/" && nx == "/") {
			while (i <= n) {
				out = out " "
				i++
			}
			break
		}
		if (c == "\"" || c == "'") {
			instr = c
			out = out c
			i++
			continue
		}
		out = out c
		i++
	}
	# an unterminated string ends with its line (C has no multi-line literals without a backslash)
	instr = ""
	return out
}

function collapse(s) {
	gsub(/[ \t]+/, " ", s)
	sub(/^ /, "", s)
	sub(/ $/, "", s)
	return s
}

function emit(col, len, orig, repl,    k, id) {
	id = orig "\t" repl
	k = ++seen[id]
	printf "%d\037%d\037%d\037%s\037%s: '%s' -> '%s' #%d @ %s\n", NR, col, len, repl, file, orig, repl, k, src
}

function isident(c) {
	return c ~ /[A-Za-z0-9_]/
}

# the integer literal at i (decimal, optional u/l suffixes), or "" when there is none or it is part of a word
function literal_at(m, i,    rest, tok) {
	if (i > 1 && (isident(substr(m, i - 1, 1)) || substr(m, i - 1, 1) == "."))
		return ""
	rest = substr(m, i)
	if (!match(rest, /^[0-9]+[uUlL]*/))
		return ""
	tok = substr(rest, 1, RLENGTH)
	if (tok ~ /^0[0-9]/)
		return ""     # octal: leave alone
	c = substr(rest, RLENGTH + 1, 1)
	if (isident(c) || c == "." || c == "x" || c == "X")
		return ""
	return tok
}

# is there a comparison operator ending just before position i (skipping spaces)?  Or starting just after j?
function cmp_before(m, i,    p, a, b) {
	p = i - 1
	while (p > 0 && substr(m, p, 1) == " ")
		p--
	if (p < 1)
		return 0
	a = substr(m, p, 1)
	b = substr(m, p - 1, 1)
	if (a == "=")
		return b == "=" || b == "!" || ((b == "<" || b == ">") && substr(m, p - 2, 1) != b)
	if (a == "<" || a == ">")
		return b != a && b != "-" && substr(m, p + 1, 1) != a
	return 0
}

function cmp_after(m, j,    p, a, b) {
	p = j
	while (p <= length(m) && substr(m, p, 1) == " ")
		p++
	a = substr(m, p, 1)
	b = substr(m, p + 1, 1)
	if (a == "=" || a == "!")
		return b == "="
	if (a == "<" || a == ">")
		return b != a
	return 0
}

BEGIN {
	nf = split(funcs, fl, /[, ]+/)
	for (f = 1; f <= nf; f++)
		if (fl[f] != "")
			want[fl[f]] = 1
}

# an arithmetic operator just before i / from j on (skipping spaces): the literal is an operand of it, not of the
# comparison ('n % 512 == 0', 'x < 2 * n')
function arith_before(m, i,    p) {
	p = i - 1
	while (p > 0 && substr(m, p, 1) == " ")
		p--
	return p > 0 && substr(m, p, 1) ~ /[-+*\/%]/
}

function arith_after(m, j,    p) {
	p = j
	while (p <= length(m) && substr(m, p, 1) == " ")
		p++
	return substr(m, p, 1) ~ /[-+*\/%]/ && substr(m, p, 2) != "->"
}

{
	raw = $0
	m = mask(raw)
	src = collapse(raw)
	if (src != "" && ++lineocc[src] > 1)
		src = src " [copy " lineocc[src] "]"     # the same text again in the file: its keys must differ
	split("", seen)
	if (m ~ /^[A-Za-z_]/ && m !~ /;[ \t]*$/ && match(m, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/))
		curfunc = substr(m, RSTART, RLENGTH)
	sub(/[ \t]*\($/, "", curfunc)
	endfunc = (m ~ /^}/)
	if (nf && !(curfunc in want)) {
		if (endfunc)
			curfunc = ""
		next
	}
	if (endfunc)
		curfunc = ""
	if (incont) {
		incont = (m ~ /\\[ \t]*$/)
		next
	}
	if (m ~ /^[ \t]*#/) {
		incont = (m ~ /\\[ \t]*$/)
		next
	}
	if (m ~ /(^|[^A-Za-z0-9_])(static_)?assert[ \t]*\(/)
		next
	n = length(m)
	for (i = 1; i <= n; i++) {
		c = substr(m, i, 1)
		nx = substr(m, i + 1, 1)
		pv = (i > 1) ? substr(m, i - 1, 1) : ""
		if (c == "&" && nx == "&") {
			emit(i, 2, "&&", "||")
			i++
			continue
		}
		if (c == "|" && nx == "|") {
			emit(i, 2, "||", "&&")
			i++
			continue
		}
		if (c == "=" && nx == "=") {
			emit(i, 2, "==", "!=")
			i++
			continue
		}
		if (c == "!" && nx == "=") {
			emit(i, 2, "!=", "==")
			i++
			continue
		}
		if (c == "!") {
			emit(i, 1, "!", "")
			continue
		}
		if (c == "<" || c == ">") {
			if (nx == c) {          # << >> <<= >>=
				i += (substr(m, i + 2, 1) == "=") ? 2 : 1
				continue
			}
			if (c == ">" && pv == "-")      # ->
				continue
			if (nx == "=") {
				emit(i, 2, c "=", c)
				i++
				continue
			}
			emit(i, 1, c, c "=")
			continue
		}
		if (c ~ /[0-9]/) {
			tok = literal_at(m, i)
			if (tok == "") {
				while (i < n && isident(substr(m, i + 1, 1)))
					i++
				continue
			}
			L = length(tok)
			if ((cmp_before(m, i) && !arith_after(m, i + L)) || (cmp_after(m, i + L) && !arith_before(m, i))) {
				match(tok, /^[0-9]+/)
				v = substr(tok, 1, RLENGTH) + 0
				suf = substr(tok, RLENGTH + 1)
				emit(i, L, tok, (v + 1) suf)
				if (v > 0)
					emit(i, L, tok, (v - 1) suf)
			}
			i += L - 1
			continue
		}
		if (isident(c)) {
			# a word: 'return 0;' 'return 1;' 'return -1;' 'return true;' 'return false;'
			if (pv != "" && isident(pv))
				continue
			if (substr(m, i, 6) == "return" && !isident(substr(m, i + 6, 1))) {
				rest = substr(m, i + 6)
				if (match(rest, /^[ \t]+(-1|0|1|true|false)[ \t]*;/)) {
					val = substr(rest, RSTART, RLENGTH)
					sub(/^[ \t]+/, "", val)
					sub(/[ \t]*;$/, "", val)
					vcol = i + 6 + index(rest, val) - 1
					if (val == "0")
						emit(vcol, 1, "0", "1")
					else if (val == "1")
						emit(vcol, 1, "1", "0")
					else if (val == "-1")
						emit(vcol, 2, "-1", "0")
					else if (val == "true")
						emit(vcol, 4, "true", "false")
					else
						emit(vcol, 5, "false", "true")
				}
			}
			while (i < n && isident(substr(m, i + 1, 1)))
				i++
			continue
		}
	}
}
