/*
 * fuzz_station_scan.c - libFuzzer target for what a barcode scanner (or anyone at the keyboard) types into the
 * barcode check: station_scan_parse on any bytes. Checks the contracts: a parsed scan is printable ASCII within
 * STATION_SCAN_MAX, trimmed; an order label's three fields are 1..64 of [0-9A-Za-z.-] and print_order_code writes
 * them back to a code that parses to the same fields. Seeds: corpus/station_scan/.
 */
#include "station/station_int.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void field_ok(const char *f)
{
	size_t n = strlen(f);
	if (!n || n > PRINT_ORDER_FIELD_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-", f[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = lb_strndup((const char *)data, size);
	struct station_scan sc;
	int rc = station_scan_parse(s, &sc);
	if (rc == 0) {
		size_t n = strlen(sc.text);
		if (n > STATION_SCAN_MAX || (n && (sc.text[0] == ' ' || sc.text[n - 1] == ' ')))
			abort();
		for (size_t i = 0; i < n; i++)
			if (sc.text[i] < 0x20 || sc.text[i] > 0x7e)
				abort();
		if ((sc.kind == STATION_SCAN_EMPTY) != (n == 0))
			abort();
		if (sc.kind == STATION_SCAN_ORDER_LABEL) {
			field_ok(sc.order.patient_id);
			field_ok(sc.order.order_no);
			field_ok(sc.order.drug_code);
			struct buf b = {0};
			struct print_order_code back;
			if (print_order_code(&b, sc.order.patient_id, sc.order.order_no, sc.order.drug_code) != 0 ||
			    print_order_code_parse(b.data, &back) != 1 ||
			    strcmp(back.patient_id, sc.order.patient_id) || strcmp(back.order_no, sc.order.order_no) ||
			    strcmp(back.drug_code, sc.order.drug_code))
				abort();
			buf_release(&b);
		}
	} else if (rc != -LB_EINVAL) {
		abort();
	}
	free(s);
	return 0;
}
