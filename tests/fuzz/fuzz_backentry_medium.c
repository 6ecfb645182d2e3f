/*
 * fuzz_backentry_medium.c - `incident orders import` reads a medium that came from a ward on a USB stick: its
 * manifest.json and JSON lines are outside input. On any bytes the parsers return without crashing; the first
 * input byte picks the file (manifest, orders, steps, links, blocks), the rest is its content. What parses holds
 * only well-formed numbers with their check digits, and every order it accepts hashes to its recorded hash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "incident/backentry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct be_medium m = {0};
	int which = data[0] % BE_MF_COUNT;
	int rc = be_medium_parse(&m, which, (const char *)data + 1, size - 1);
	if (rc != 0 && !*lb_errmsg())
		abort();
	for (size_t i = 0; i < m.n_orders; i++) {
		const struct be_order *o = &m.orders[i];
		int kind;
		if (be_number_parse(o->number, &kind, NULL, NULL) != 0 || kind != BE_NUM_ORDER || !be_ward_ok(o->ward))
			abort();
		struct be_order_new n = {.number = o->number,
		                         .patient = o->patient,
		                         .kind = o->kind,
		                         .clinical_ms = o->clinical_ms,
		                         .author = o->author,
		                         .form_serial = o->form_serial,
		                         .paper_at = o->paper_at,
		                         .note = o->note};
		uint8_t h[32];
		be_order_hash(&n, o->ward, h);
		if (memcmp(h, o->hash, 32) != 0)
			abort();
	}
	for (size_t i = 0; i < m.n_steps; i++)
		if (be_number_parse(m.steps[i].number, NULL, NULL, NULL) != 0 || m.steps[i].step <= 0)
			abort();
	for (size_t i = 0; i < m.n_blocks; i++)
		if (!be_ward_ok(m.blocks[i].ward) || m.blocks[i].count < 1 ||
		    m.blocks[i].first + (uint64_t)m.blocks[i].count - 1 > BE_SERIAL_MAX)
			abort();
	/* the checks across files never crash either, whatever parsed */
	if (which == BE_MF_INFO && rc == 0)
		(void)be_medium_check(&m);
	be_medium_release(&m);
	lb_error_clear();
	return 0;
}
