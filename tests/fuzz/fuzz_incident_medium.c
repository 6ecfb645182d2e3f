/*
 * fuzz_incident_medium.c - `incident verify --dir` reads a medium that came from elsewhere (a USB stick handed to
 * the police, a copy of a copy): its manifest SHA256SUMS and its timeline.jsonl are outside input. On any bytes,
 * both parsers return without crashing, and a medium that parses is one whose every timeline entry hashes to its
 * recorded hash: the first input byte picks the parser (even: manifest, odd: timeline), the rest is the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "incident/incident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *p = (const char *)data + 1;
	size_t n = size - 1;
	struct incident_medium_result r = {0};
	if (data[0] % 2 == 0) {
		struct incident_manifest m;
		if (incident_manifest_parse(p, n, &m, &r) != 0)
			abort();
		/* what parses names only files inside the medium: relative, no "." or ".." part */
		for (size_t i = 0; r.status == INCIDENT_MEDIUM_OK && i < m.n; i++) {
			const char *s = m.v[i].name;
			if (s[0] == '/' || !*s)
				abort();
			for (const char *part = s; part;) {
				const char *slash = strchr(part, '/');
				size_t len = slash ? (size_t)(slash - part) : strlen(part);
				if (len == 0 || (len == 1 && part[0] == '.') || (len == 2 && !strncmp(part, "..", 2)))
					abort();
				part = slash ? slash + 1 : NULL;
			}
		}
		incident_manifest_release(&m);
	} else {
		if (incident_timeline_check(p, n, &r) != 0)
			abort();
		if (r.status == INCIDENT_MEDIUM_OK && r.entries < 1)
			abort();
	}
	lb_error_clear();
	return 0;
}
