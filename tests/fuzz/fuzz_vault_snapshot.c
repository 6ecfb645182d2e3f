/*
 * fuzz_vault_snapshot.c - the snapshot payload decoder (a generation's metadata and tree once decrypted). Every
 * accepted path must be safe to join under a restore target.
 */
#include "vault/vault_int.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vsnap s;
	memset(&s, 0, sizeof(s));
	if (vsnap_decode_payload(&s, data, size) == 0) {
		for (size_t i = 0; i < s.nnodes; i++) {
			const char *p = s.nodes[i].path;
			if (p[0] == '/' || strstr(p, "/../") || !strncmp(p, "../", 3) || !vault_path_ok(p))
				abort();
		}
		vsnap_release(&s);
	}
	return 0;
}
