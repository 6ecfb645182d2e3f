#!/usr/bin/env python3
"""The i18n lint finds what it must and only that (lint/i18n_lint_self).

Each case is a small C text: the lines the lint must name, by the marker "BAD" in a trailing comment, and nothing
else. usage: test_i18n_lint.py  (imports i18n_lint.py from its own folder)
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import i18n_lint  # noqa: E402

CASES = {
    "plain English error": """
int f(void) {
	return lb_error(LB_EINVAL, "cannot open '%s'", p); // BAD
}""",
    "a call cast to (void) is a call": """
static void f(void) {
	(void)lb_error(LB_EIO, "the vault server sent a malformed answer"); // BAD
}""",
    "the _tr calls carry both forms": """
int f(int e) {
	lb_error_errno_tr(e, "read failed", "読み込みに失敗しました");
	lb_error_wrap_tr(rc, "reading '%s'", "'%s' の読み込み", path);
	return lb_error_tr(LB_EAUTH, "wrong passphrase", "パスフレーズが違います");
}""",
    "a call quoted in a block comment is no message": """
/*
 * Library code returns lb_error(LB_EXXX, "cannot open '%s'", path), which records the detail.
 */
int f(void) { return 0; }""",
    "// inside a string starts no comment": """
int f(void) {
	if (x)
		return lb_error(LB_EUSAGE, "only http:// vault servers are supported ('%s')", url); // BAD
	return lb_error(LB_EUSAGE, "the vault server URL needs a port ('%s')", url); // BAD
}""",
    "lb_info, lb_log and verify's problem() are read": """
static void f(void) {
	lb_info("lease %.8s taken", id); // BAD
	lb_log(LB_LOG_ERROR, "cannot start"); // BAD
	problem(r, "pack %.12s is missing", hex); // BAD
	problem(r, L_("pack %.12s is missing", "パック %.12s がありません"), hex);
}""",
    "L_ and i18n-ok are not flagged": """
static void f(void) {
	lb_warn(L_("cannot read '%s'", "'%s' を読めません"), p);
	fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\\n", m);
}""",
    "a pair with different conversions": """
static void f(void) {
	lb_error_tr(LB_ENOTFOUND, "no '%s' in generation %.8s", "世代 %.8s に '%s' はありません", p, id); // BAD
	buf_addf(&b, L_("%llu files, %s", "%s, ファイル %llu"), n, s); // BAD
	buf_addf(&b, L_("%llu files, %s", "ファイル %llu, %s"), n, s);
}""",
}


def main():
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for name, text in CASES.items():
            path = os.path.join(d, "case.c")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            want = sorted(i + 1 for i, line in enumerate(text.split("\n")) if line.endswith("// BAD"))
            got = sorted({line for _, line, _ in i18n_lint.lint_file(path)})
            if got != want:
                failed += 1
                print(f"FAIL: {name}: lines named {got}, expected {want}")
    print(f"{len(CASES)} cases, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
