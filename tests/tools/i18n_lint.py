#!/usr/bin/env python3
"""Every message a user reads has its Japanese form (issue 13).

Reads the C sources under the given directories and fails, naming file:line, for each error or warning message
written in English only: a string literal with a word in it, passed to lb_error, lb_error_errno, lb_error_wrap,
lb_warn, store_sqlerr and station_sqlerr (what a failed SQL step was doing), cli_usage or fprintf(stderr, ...),
that is not inside L_(...) or lb_tr(...) (or the *_tr variants, which take both).
lb_info, lb_log and verify's problem() are read the same way (the vault server's log and verify's findings are read
by people). Comments are not read (a call quoted in a comment is no message), and "//" inside a string ("http://")
starts no comment. A literal that is deliberately English (a machine protocol, a log line for developers) carries
the comment /* i18n-ok: reason */ inside the call or on the line before it.

It also fails for a pair whose two forms take different conversions (L_("no '%s' in %d", "%d に '%s' はありません")):
the compiler checks only the English one, and the Japanese one is given the same arguments in the same order.

usage: i18n_lint.py DIR|FILE...
"""
import os
import re
import sys

CALLS = re.compile(
    r"\b(lb_error_errno|lb_error_wrap|lb_error|lb_warn|lb_info|lb_log|problem|store_sqlerr|station_sqlerr|cli_usage|fprintf\s*\(\s*stderr)(_tr)?\b\s*\(?"
)
SKIP_WRAPPERS = re.compile(r"\b(L_|lb_tr)\s*\($")
SPEC = re.compile(r"%[-+ #0-9.*]*(?:hh|h|ll|l|j|z|t|L)?[diouxXeEfFgGaAcspn%]")
WORD = re.compile(r"[A-Za-z]{2,}")


def call_text(src, start):
    """The text of the call from its opening parenthesis to the matching close (strings and comments kept)."""
    i = src.index("(", start)
    depth = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            q = c
            i += 1
            while i < n and src[i] != q:
                i += 2 if src[i] == "\\" else 1
        elif src.startswith("/*", i):
            i = src.index("*/", i) + 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return src[start : i + 1]
        i += 1
    return src[start:]


def literals_outside_tr(text):
    """String literals of the call text that are not arguments of L_( or lb_tr(."""
    out = []
    i = 0
    n = len(text)
    stack = []  # for each open paren: is it an L_/lb_tr call?
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if not any(stack):
                out.append(text[i + 1 : j])
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if text.startswith("/*", i):
            i = text.index("*/", i) + 2
            continue
        if c == "(":
            stack.append(bool(SKIP_WRAPPERS.search(text[max(0, i - 8) : i + 1])))
        elif c == ")" and stack:
            stack.pop()
        i += 1
    return out


def english(lit):
    s = SPEC.sub("", lit)
    s = re.sub(r"\\[nrt\\\"']", " ", s)
    return WORD.search(s) is not None


def blank_comments(src):
    """src with every comment turned into spaces (newlines kept, so offsets and lines stay); strings are kept."""
    out = list(src)
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        end = None
        if src.startswith("//", i):
            end = src.find("\n", i)
        elif src.startswith("/*", i):
            end = src.find("*/", i)
            end = n if end < 0 else end + 2
        if end is None:
            i += 1
            continue
        end = n if end < 0 else end
        for k in range(i, end):
            if out[k] != "\n":
                out[k] = " "
        i = end
    return "".join(out)


LIT = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'
# L_("en", "ja"), lb_tr("en", "ja") and the *_tr calls (lb_error_tr(CODE, "en", "ja", ...)).
PAIR = re.compile(r"(?:\b(?:L_|lb_tr)\s*\(|\b\w+_tr\s*\([^,()\"]*(?:\([^()]*\))?[^,()\"]*,)\s*" + LIT + r",\s*" + LIT)


def joined(lits):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lits))


def pair_mismatches(path, src_nc):
    bad = []
    for m in PAIR.finditer(src_nc):
        en, ja = SPEC.findall(joined(m.group(1))), SPEC.findall(joined(m.group(2)))
        if en != ja:
            line = src_nc.count("\n", 0, m.start()) + 1
            bad.append((path, line, f"{' '.join(en)} in English, {' '.join(ja)} in Japanese"))
    return bad


def lint_file(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        src = f.read()
    # Blank out comments so that a call quoted in a comment is not read (keep offsets); the i18n-ok marks are
    # read from the original text.
    src_nc = blank_comments(src)
    bad = []
    for m in CALLS.finditer(src_nc):
        if m.group(2):
            continue
        # skip the declarations and definitions in src/core (not a call cast to (void))
        line_start = src_nc.rfind("\n", 0, m.start()) + 1
        prefix = src_nc[line_start : m.start()]
        if re.match(r"\s*((static|extern)\s+)*(int|void)\s*\**\s*$", prefix) or "define" in prefix:
            continue
        try:
            text = call_text(src_nc, m.start())
        except ValueError:
            continue
        orig = src[m.start() : m.start() + len(text)]
        prev_line = src[src.rfind("\n", 0, line_start - 1) + 1 : line_start]
        if "i18n-ok" in orig or "i18n-ok" in prev_line:
            continue
        lits = literals_outside_tr(text[text.index("(") :])
        hit = [l for l in lits if english(l)]
        if hit:
            line = src_nc.count("\n", 0, m.start()) + 1
            bad.append((path, line, "English-only message: \"" + hit[0][:70] + "\""))
    return bad + pair_mismatches(path, src_nc)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    files = []
    for a in argv[1:]:
        if os.path.isdir(a):
            for root, _, names in os.walk(a):
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith(".c")]
        else:
            files.append(a)
    bad = []
    for f in sorted(files):
        bad += lint_file(f)
    for path, line, what in bad:
        print(f"{path}:{line}: {what}")
    print(f"{len(files)} files read, {len(bad)} English-only messages or pairs with different conversions")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
