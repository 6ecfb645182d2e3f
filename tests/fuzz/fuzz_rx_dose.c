/*
 * fuzz_rx_dose.c - libFuzzer target for what a pharmacist types into `rx check` and the station's prescription
 * check page: the dose ("250", "１，０００mg", "0.5 g"), its unit ("ｍｇ", "㎎", "mcg") and product names read for
 * a tablet's strength ("ロキソニン錠60mg"). Any bytes: must return, never crash, read past the input or hang.
 * Seeds: corpus/rx_dose/.
 */
#include "rx/rx.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	double v = 0, amt = 0;
	const char *unit = NULL;
	char canon[32], su[16];
	if (rx_parse_amount(s, &v, &unit) == 0) {
		if (!(v > 0 && v < 1e7))
			abort();
		if (unit && (unit < s || unit > s + size))
			abort();
		rx_unit_norm(unit, canon, sizeof(canon));
		if (strlen(canon) >= sizeof(canon))
			abort();
	}
	rx_parse_amount(s, &v, NULL);
	rx_unit_norm(s, canon, sizeof(canon));
	rx_unit_norm(s, canon, 1);
	double f = rx_unit_factor(canon, "mg");
	if (f < 0)
		abort();
	if (rx_strength_from_name(s, &amt, su, sizeof(su)) && !(amt > 0 && strlen(su) < sizeof(su)))
		abort();
	lb_error_clear();
	free(s);
	return 0;
}
