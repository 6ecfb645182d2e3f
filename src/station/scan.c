/*
 * scan.c - what a barcode scanner (or a nurse at the keyboard) typed into the barcode check: a USB scanner is a
 * keyboard that types the code and presses Enter. On a Japanese PC the input method may still be on, and then the
 * same key strokes arrive as full-width characters (０００１, ＬＢＯ／) or with 「・」 for / and 「ー」 for -. They are
 * folded back to ASCII here (text_fold_ascii_char, the rule the patient search shares), once, before anything
 * compares them; what cannot be folded is refused as not a scan.
 *
 * Kinds: an order label (print_order_code_parse: LBO/<patient>/<order>/<drug>), a GS1 code from a drug package
 * ((01) GTIN-14: the drug master has no GTIN column, so the check says to scan the order label or type the code),
 * or a plain code (a wristband's patient ID, a drug code HOT / YJ / local).
 * (fuzz target: tests/fuzz/fuzz_station_scan.c)
 */
#include "station_int.h"
#include "text/text.h"

#include <string.h>

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int station_scan_parse(const char *in, struct station_scan *out)
{
	memset(out, 0, sizeof(*out));
	size_t n = in ? strlen(in) : 0, len = 0;
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (k <= 0)
			return lb_error_tr(LB_EINVAL, "a scan is text", "読み取った値が文字列ではありません");
		i += (size_t)k;
		if (cp == '\r' || cp == '\n')
			continue; /* the scanner's Enter, when it reaches the field */
		int c = text_fold_ascii_char(cp);
		if (!c)
			return lb_error_tr(LB_EINVAL, "a scan holds letters, digits and / - . only",
			                   "読み取った値に使えるのは英字・数字と / - . だけです");
		if (len >= STATION_SCAN_MAX)
			return lb_error_tr(LB_EINVAL, "a scan is at most %d characters",
			                   "読み取った値は %d 文字までです", STATION_SCAN_MAX);
		out->text[len++] = (char)c;
	}
	out->text[len] = 0;
	/* A symbology identifier (AIM: ']', a letter, a modifier) that scanners can be set to send first is dropped;
	 * ]C1 (GS1-128), ]e0 (GS1 DataBar), ]d2 (GS1 DataMatrix) and ]Q3 (GS1 QR) say a GS1 element string follows. */
	int gs1 = 0;
	if (len >= 3 && out->text[0] == ']' &&
	    ((out->text[1] >= 'A' && out->text[1] <= 'Z') || (out->text[1] >= 'a' && out->text[1] <= 'z')) &&
	    out->text[2] > ' ') {
		gs1 = !strncmp(out->text, "]C1", 3) || !strncmp(out->text, "]e0", 3) || !strncmp(out->text, "]d2", 3) ||
		      !strncmp(out->text, "]Q3", 3);
		memmove(out->text, out->text + 3, len - 2);
		len -= 3;
	}
	/* trim the spaces a scanner's prefix or suffix may add */
	size_t a = 0;
	while (a < len && out->text[a] == ' ')
		a++;
	while (len > a && out->text[len - 1] == ' ')
		len--;
	memmove(out->text, out->text + a, len - a);
	len -= a;
	out->text[len] = 0;
	if (!len) {
		out->kind = STATION_SCAN_EMPTY;
		return 0;
	}
	int rc = print_order_code_parse(out->text, &out->order);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		out->kind = STATION_SCAN_ORDER_LABEL;
		return 0;
	}
	/* (01) + GTIN-14, as the scanner types it without parentheses: 01 and fourteen digits, more AIs after. */
	if (gs1 || (len >= 16 && !strncmp(out->text, "01", 2) && all_digits(out->text, 16)) ||
	    (len >= 18 && !strncmp(out->text, "(01)", 4) && all_digits(out->text + 4, 14))) {
		out->kind = STATION_SCAN_GS1;
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if (out->text[i] == ' ' || out->text[i] == '/')
			return lb_error_tr(LB_EINVAL, "not a wristband, drug code or order label: '%s'",
			                   "リストバンド・薬品コード・オーダラベルのいずれでもありません: '%s'",
			                   out->text);
	out->kind = STATION_SCAN_CODE;
	return 0;
}
