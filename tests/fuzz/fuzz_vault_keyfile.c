/*
 * fuzz_vault_keyfile.c - the small plaintext objects: key files (role, checksum, writer key layout), the
 * repository config and meta records (signature checked against a fixed key, then the body).
 */
#include "vault/vault_int.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		if (sodium_init() < 0)
			abort();
		init = 1;
	}
	static const uint8_t pk[32] = {5};
	int role;
	struct vault_keys k;
	struct vault_config c;
	struct vmeta_rec m;
	vkey_parse_role(data, size, &role);
	vkey_writer_parse(&k, data, size);
	vconfig_parse(&c, data, size);
	vmeta_parse(&m, data, size, pk);
	return 0;
}
