/*
 * fuzz_incident_cards.c - libFuzzer target for what src/incident reads from a hospital's hand-edited YAML: a card
 * file (incident_cards_read_buf) and a contact chart (incident_contacts_read_buf). Any bytes: must return 0 or a
 * one-line error "NAME:LINE: reason", never crash, leak, read past the input or hang (aliases are refused, so the
 * walk is linear). A set that reads must also hash (incident_cardset_hash) and validate as the loader would.
 * Seeds: corpus/incident_cards/ (the shipped cards, the template, and broken variants).
 */
#include "incident/incident.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct incident_cardset s = {0};
	if (incident_cards_read_buf(&s, "fuzz.yaml", (const char *)data, size) == 0) {
		uint8_t h[INCIDENT_HASH_LEN];
		incident_cardset_hash(&s, h);
		for (size_t i = 0; i < s.n; i++)
			if (!s.v[i].id || !s.v[i].title_ja || !s.v[i].title_en || s.v[i].team < 0 || s.v[i].phase < 0)
				__builtin_trap();
	} else if (strncmp(lb_errmsg(), "fuzz.yaml:", 10) != 0 || strchr(lb_errmsg(), '\n')) {
		__builtin_trap(); /* every refusal names the file and line, on one line */
	}
	incident_cardset_release(&s);
	struct incident_contacts c;
	if (incident_contacts_read_buf(&c, "fuzz.yaml", (const char *)data, size) == 0)
		incident_contacts_release(&c);
	else if (strncmp(lb_errmsg(), "fuzz.yaml:", 10) != 0)
		__builtin_trap();
	return 0;
}
