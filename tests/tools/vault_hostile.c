/*
 * vault_hostile.c - the adversary of tests/integration/vault_hostile_writer.sh: a compromised production host
 * that holds only a writer key (docs §6) and uploads what it likes. Built with the test suite only.
 *
 *   vault_hostile REPO WRITER_KEY ATTACK
 *
 * ATTACK is one of
 *   junk          "LBVIDX01" and 100 random bytes as index/<its hash>
 *   shift         every indexed chunk again, each at the offset of another blob, re-encrypted under a nonce ground
 *                 until the file's name sorts before every index file there is
 *   dup           every chunk twice in one ground index: first at another blob's place with a wrong length, then
 *                 where it really is
 *   swap          every chunk in another pack (pack numbers rotated), ground name
 *   replay        every genuine entry unchanged, re-encrypted under a new (ground) name
 *   garbage-pack  random bytes as a pack, and a ground index that puts every chunk in it
 *   forged-pack   a real pack sealed to the admin key holding every chunk id with random content (its table is
 *                 right: only the chunks' id check tells), and a ground index listing it
 * and prints the planted objects' names (relative paths), one a line. Writes go through vault_put, so REPO can
 * be a folder or a vault server (http://…, under a shared lease as a writer's backup takes).
 */
#include "vault/vault_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char idx_magic[8] = {'L', 'B', 'V', 'I', 'D', 'X', '0', '1'};

static void die(const char *what)
{
	fprintf(stderr, "vault_hostile: %s: %s\n", what, lb_errmsg());
	exit(1);
}

/* An index payload from a pack table and a raw entry list (duplicates and all, as a hostile writer may). */
static void payload(struct buf *pl, uint8_t (*packs)[VID], const uint64_t *sizes, size_t np,
                    const struct vault_ientry *e, size_t n)
{
	ser_u32(pl, (uint32_t)np);
	for (size_t i = 0; i < np; i++) {
		ser_bytes(pl, packs[i], VID);
		ser_u64(pl, sizes[i]);
	}
	ser_u32(pl, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		ser_bytes(pl, e[i].id, VID);
		ser_u32(pl, e[i].pack);
		ser_u32(pl, e[i].off);
		ser_u32(pl, e[i].len);
		ser_u32(pl, e[i].raw_len);
		ser_u8(pl, e[i].flags);
	}
}

/* Encrypt pl as an index file, re-rolling the nonce until its name sorts before min (NULL: any), and upload it. */
static void put_ground(struct vault *v, const struct buf *pl, const char *min)
{
	struct buf f = {0}, rel = {0};
	char hex[65];
	for (long tries = 0;; tries++) {
		uint8_t nonce[VAULT_NONCE], h[VID];
		randombytes_buf(nonce, sizeof(nonce));
		buf_reset(&f);
		ser_bytes(&f, idx_magic, 8);
		ser_bytes(&f, nonce, sizeof(nonce));
		buf_grow(&f, pl->len + VAULT_TAG);
		unsigned long long clen;
		crypto_aead_xchacha20poly1305_ietf_encrypt((uint8_t *)f.data + f.len, &clen, (const uint8_t *)pl->data,
		                                           pl->len, (const uint8_t *)idx_magic, 8, NULL, nonce,
		                                           v->k.meta_key);
		f.len += (size_t)clen;
		crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
		vault_hex(hex, h, VID);
		if (!min || strcmp(hex, min) < 0)
			break;
		if (tries > 10000000) {
			fprintf(stderr, "vault_hostile: could not grind a name before %s\n", min);
			exit(1);
		}
	}
	buf_addf(&rel, "index/%s", hex);
	if (vault_put(v, rel.data, f.data, f.len) < 0)
		die("upload");
	printf("%s\n", rel.data);
	buf_release(&f);
	buf_release(&rel);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: vault_hostile REPO WRITER_KEY ATTACK\n");
		return 2;
	}
	const char *attack = argv[3];
	struct vault *v;
	if (vault_open(&v, argv[1], argv[2], NULL) < 0)
		die("open");
	/* what a writer's backup holds: a shared lock (a lease through a server); HOSTILE_NOLOCK=1: none, as a writer
	 * that can write the repository's files directly would */
	if (!getenv("HOSTILE_NOLOCK") && vault_flock(v, 0) < 0)
		die("lock");
	struct lb_strlist names = {0};
	if (vault_list(v, "index", &names) < 0)
		die("list");
	const char *min = names.n ? names.v[0] : NULL;
	for (size_t i = 1; i < names.n; i++)
		if (strcmp(names.v[i], min) < 0)
			min = names.v[i];
	/* what the writer can read: every genuine index, decrypted with the meta key it holds */
	struct vault_index ix = {0};
	for (size_t i = 0; i < names.n; i++) {
		struct buf rel = {0}, f = {0};
		buf_addf(&rel, "index/%s", names.v[i]);
		if (vault_get(v, rel.data, &f, VAULT_INDEX_FILE_MAX) == 0)
			vindex_decode(&ix, (const uint8_t *)f.data, f.len, v->k.meta_key);
		lb_error_clear();
		buf_release(&rel);
		buf_release(&f);
	}
	size_t n = ix.n;
	struct vault_ientry *e = lb_calloc(2 * n + 1, sizeof(*e));
	size_t ne = 0;
	struct buf pl = {0};
	if (!strcmp(attack, "junk")) {
		struct buf f = {0}, rel = {0};
		uint8_t junk[100], h[VID];
		char hex[65];
		randombytes_buf(junk, sizeof(junk));
		ser_bytes(&f, idx_magic, 8);
		ser_bytes(&f, junk, sizeof(junk));
		crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
		vault_hex(hex, h, VID);
		buf_addf(&rel, "index/%s", hex);
		if (vault_put(v, rel.data, f.data, f.len) < 0)
			die("upload");
		printf("%s\n", rel.data);
		buf_release(&f);
		buf_release(&rel);
	} else if (!strcmp(attack, "shift") || !strcmp(attack, "dup")) {
		int dup = !strcmp(attack, "dup");
		for (size_t i = 0; i < n; i++) {
			struct vault_ientry x = ix.e[i], o = ix.e[(i + 1) % n];
			/* another blob's place: inside a real pack, so that only the blob's check can tell */
			x.pack = o.pack;
			x.off = o.off;
			x.len = o.len;
			if (n == 1)
				x.off += 1;
			if (dup)
				x.raw_len = ix.e[i].raw_len + 1;
			e[ne++] = x;
			if (dup)
				e[ne++] = ix.e[i];
		}
		payload(&pl, ix.pack, ix.pack_size, ix.npack, e, ne);
		put_ground(v, &pl, min);
	} else if (!strcmp(attack, "swap")) {
		for (size_t i = 0; i < n; i++) {
			e[ne] = ix.e[i];
			e[ne].pack = (uint32_t)((ix.e[i].pack + 1) % (ix.npack ? ix.npack : 1));
			if (ix.npack == 1)
				e[ne].off += 1;
			ne++;
		}
		payload(&pl, ix.pack, ix.pack_size, ix.npack, e, ne);
		put_ground(v, &pl, min);
	} else if (!strcmp(attack, "replay")) {
		for (size_t i = 0; i < n; i++)
			e[ne++] = ix.e[i];
		payload(&pl, ix.pack, ix.pack_size, ix.npack, e, ne);
		put_ground(v, &pl, min);
	} else if (!strcmp(attack, "garbage-pack")) {
		size_t size = 64 * 1024;
		uint8_t *g = lb_malloc(size), pid[VID];
		randombytes_buf(g, size);
		crypto_generichash(pid, VID, g, size, NULL, 0);
		struct buf rel = {0};
		vault_pack_rel(&rel, pid);
		if (vault_put(v, rel.data, g, size) < 0)
			die("upload");
		printf("%s\n", rel.data);
		buf_release(&rel);
		uint64_t sz = size;
		for (size_t i = 0; i < n; i++) {
			e[ne] = ix.e[i];
			e[ne].pack = 0;
			e[ne].off = (uint32_t)(VAULT_PACK_HDR + i % 1000);
			e[ne].len = VAULT_NONCE + VAULT_TAG + 100;
			ne++;
		}
		uint8_t packs[1][VID];
		memcpy(packs[0], pid, VID);
		payload(&pl, packs, &sz, 1, e, ne);
		put_ground(v, &pl, min);
		free(g);
	} else if (!strcmp(attack, "forged-pack")) {
		/* anyone can seal a pack key to the admin's public key: a well-formed pack of wrong contents */
		struct vpack_w w = {0};
		struct vault_index fx = {0};
		uint8_t pid[VID], junk[1000];
		if (vpack_w_start(&w, v->k.box_pk) < 0)
			die("pack");
		for (size_t i = 0; i < n; i++) {
			if (vindex_find(&fx, ix.e[i].id))
				continue;
			randombytes_buf(junk, sizeof(junk));
			vpack_w_add(&w, ix.e[i].id, 0, junk, sizeof(junk), sizeof(junk));
		}
		if (vpack_w_finish(&w, v, &fx, pid) < 0)
			die("pack upload");
		struct buf rel = {0};
		vault_pack_rel(&rel, pid);
		printf("%s\n", rel.data);
		buf_release(&rel);
		payload(&pl, fx.pack, fx.pack_size, fx.npack, fx.e, fx.n);
		put_ground(v, &pl, min);
		vpack_w_release(&w);
		vindex_release(&fx);
	} else {
		fprintf(stderr, "vault_hostile: unknown attack '%s'\n", attack);
		return 2;
	}
	buf_release(&pl);
	free(e);
	vindex_release(&ix);
	for (size_t i = 0; i < names.n; i++)
		free((void *)names.v[i]);
	lb_strlist_free(&names);
	vault_funlock(v);
	vault_close(v);
	return 0;
}
