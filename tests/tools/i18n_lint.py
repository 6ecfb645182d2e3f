#!/usr/bin/env python3
"""Every message a user reads has its Japanese form (issue 13).

Reads the C sources under the given directories and fails, naming file:line, for each error or warning message
written in English only: a string literal with a word in it, passed to lb_error, lb_error_errno, lb_error_wrap,
lb_warn or fprintf(stderr, ...), that is not inside L_(...) or lb_tr(...) (or the *_tr variants, which take both).
A literal that is deliberately English (a machine protocol, a log line for developers) carries the comment
/* i18n-ok: reason */ inside the call or on the line before it.

usage: i18n_lint.py DIR|FILE...
"""
import os
import re
import sys

# longest names first, so that lb_error_errno_tr is read as lb_error_errno + _tr (a translated call)
CALLS = re.compile(r"\b(lb_error_errno|lb_error_wrap|lb_error|lb_warn|fprintf\s*\(\s*stderr)\s*\(?")
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


def lint_file(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        src = f.read()
    # Blank out line comments so that a commented-out call is not read (keep offsets).
    src_nc = re.sub(r"//[^\n]*", lambda m: " " * len(m.group(0)), src)
    bad = []
    for m in CALLS.finditer(src_nc):
        name = m.group(1)
        if name.startswith("lb_") and src_nc[m.end(1) : m.end(1) + 3].startswith("_tr"):
            continue
        # skip the declarations and definitions in src/core
        line_start = src_nc.rfind("\n", 0, m.start()) + 1
        prefix = src_nc[line_start : m.start()]
        if re.search(r"\b(int|void|define)\b", prefix):
            continue
        try:
            text = call_text(src_nc, m.start())
        except ValueError:
            continue
        prev_line = src_nc[src_nc.rfind("\n", 0, line_start - 1) + 1 : line_start]
        if "i18n-ok" in text or "i18n-ok" in prev_line:
            continue
        lits = literals_outside_tr(text[text.index("(") :])
        hit = [l for l in lits if english(l)]
        if hit:
            line = src_nc.count("\n", 0, m.start()) + 1
            bad.append((path, line, hit[0]))
    return bad


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
    for path, line, lit in bad:
        print(f"{path}:{line}: English-only message: \"{lit[:70]}\"")
    print(f"{len(files)} files read, {len(bad)} English-only messages")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
