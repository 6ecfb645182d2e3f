/*
 * fuzz_vault_index.c - the index payload decoder (what an index file holds once decrypted), and the outer
 * envelope (magic, nonce, AEAD) on the raw bytes.
 */
#include "vault/vault_int.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[32] = {3};
	struct vault_index ix = {0};
	vindex_decode_payload(&ix, data, size);
	for (size_t i = 0; i < ix.n; i++)
		if (vindex_find(&ix, ix.e[i].id) == NULL || ix.e[i].pack >= ix.npack)
			abort();
	vindex_release(&ix);
	vindex_decode(&ix, data, size, key);
	vindex_release(&ix);
	return 0;
}
