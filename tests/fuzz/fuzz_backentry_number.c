/*
 * fuzz_backentry_number.c - the downtime number parser on any string: a number it accepts formats back to the same
 * string, has a valid ward, a serial of six digits and its check digit; anything else is refused with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "incident/backentry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	int kind;
	char ward[BE_WARD_MAX + 1];
	uint32_t serial;
	if (be_number_parse(s, &kind, ward, &serial) == 0) {
		char back[BE_NUMBER_MAX];
		if (!be_ward_ok(ward) || serial > BE_SERIAL_MAX)
			abort();
		be_number_format(back, kind, ward, serial);
		if (strcmp(back, s) != 0)
			abort();
	} else if (!*lb_errmsg()) {
		abort();
	}
	lb_error_clear();
	free(s);
	return 0;
}
