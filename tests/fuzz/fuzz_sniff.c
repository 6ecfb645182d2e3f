/*
 * fuzz_sniff.c - hostile bytes into every sniff entry point (type, statistics, ransom-note text, names and
 * extensions), and hostile paths into the generation scorer (vault/suspect): no crash, no unbounded work.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sniff/sniff.h"
#include "vault/suspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sniff_stats st;
	enum sniff_type t = sniff_type(data, size);
	(void)sniff_type_name(t);
	(void)sniff_type_compressed(t);
	(void)sniff_type_document(t);
	sniff_stats(data, size, &st);
	(void)sniff_ransom_note_text(data, size);

	/* the input as names, one per line, each also a path reported to the scorer with a changing verdict */
	char *copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = 0;
	struct suspect s;
	suspect_init(&s, 0);
	unsigned k = 0;
	for (char *line = copy, *next; line; line = next, k++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		(void)sniff_ransom_note_name(line);
		(void)sniff_ransom_extension(line);
		const char *dot = strrchr(line, '.');
		(void)sniff_ext_common(dot ? dot + 1 : line);
		struct suspect_file f = {.path = line,
		                         .change = (enum suspect_change)(k % 4),
		                         .old_size = k,
		                         .new_size = size,
		                         .old_type = (enum sniff_type)(k % SNIFF_TYPE_COUNT),
		                         .new_type = t,
		                         .old_entropy = k % 3 ? 4.0 : -1,
		                         .new_stats = st,
		                         .chunk_overlap = k % 2 ? 0 : -1,
		                         .head = data,
		                         .head_len = size};
		suspect_add(&s, &f);
	}
	struct suspect_result r = {0};
	suspect_finish(&s, &r);
	suspect_result_release(&r);
	suspect_release(&s);
	free(copy);
	return 0;
}
