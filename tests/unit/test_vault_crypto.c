/*
 * test_vault_crypto.c - packs, key files, config, meta records, index and snapshot payloads: what is written
 * reads back, every flipped bit is refused, a wrong passphrase is told apart from a damaged key file, a writer
 * cannot open a pack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vault/vault_int.h"

#include <stdlib.h>
#include <string.h>

static void make_keys(struct vault_keys *k)
{
	memset(k, 0, sizeof(*k));
	k->role = VAULT_ADMIN;
	randombytes_buf(k->repo_id, 16);
	randombytes_buf(k->id_key, 32);
	randombytes_buf(k->gear_seed, 32);
	randombytes_buf(k->meta_key, 32);
	crypto_box_keypair(k->box_pk, k->box_sk);
	crypto_sign_keypair(k->sign_pk, k->sign_sk);
}

/* Build a pack in memory the way vpack_w_finish does, without writing it. */
static void build_pack(struct vpack_w *w, const struct vault_keys *k, uint8_t ids[3][VID], struct buf *plain)
{
	assert_int_equal(vpack_w_start(w, k->box_pk), 0);
	for (int i = 0; i < 3; i++) {
		buf_reset(&plain[i]);
		for (int j = 0; j < 1000 * (i + 1); j++)
			buf_addf(&plain[i], "chunk %d line %d\n", i, j);
		vault_chunk_id(k->id_key, plain[i].data, plain[i].len, ids[i]);
		assert_int_equal(vpack_w_add(w, ids[i], 0, plain[i].data, plain[i].len, (uint32_t)plain[i].len), 0);
	}
}

static void test_pack_blobs(void **state)
{
	(void)state;
	struct vault_keys k;
	make_keys(&k);
	struct vpack_w w = {0};
	uint8_t ids[3][VID];
	struct buf plain[3] = {{0}};
	build_pack(&w, &k, ids, plain);
	uint8_t key[32];
	assert_int_equal(vpack_open_key(&k, (const uint8_t *)w.b.data, w.b.len, key), 0);
	assert_memory_equal(key, w.key, 32);
	ZSTD_DCtx *dz = ZSTD_createDCtx();
	struct buf out = {0};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(vblob_open(k.id_key, key, &w.e[i], (const uint8_t *)w.b.data + w.e[i].off, dz, &out),
		                 0);
		assert_int_equal(out.len, plain[i].len);
		assert_memory_equal(out.data, plain[i].data, out.len);
	}
	/* every flipped bit of a blob is refused */
	for (uint32_t off = w.e[1].off; off < w.e[1].off + w.e[1].len; off += 97) {
		w.b.data[off] ^= 4;
		assert_int_equal(vblob_open(k.id_key, key, &w.e[1], (const uint8_t *)w.b.data + w.e[1].off, dz, &out),
		                 -LB_ECORRUPT);
		w.b.data[off] ^= 4;
	}
	/* a blob cannot pass for another chunk */
	struct vault_ientry e = w.e[0];
	memcpy(e.id, ids[2], VID);
	assert_int_equal(vblob_open(k.id_key, key, &e, (const uint8_t *)w.b.data + w.e[0].off, dz, &out), -LB_ECORRUPT);
	/* a writer has no key to open packs */
	struct vault_keys wr = k;
	wr.role = VAULT_WRITER;
	memset(wr.box_sk, 0, 32);
	assert_int_equal(vpack_open_key(&wr, (const uint8_t *)w.b.data, w.b.len, key), -LB_EPERM);
	ZSTD_freeDCtx(dz);
	buf_release(&out);
	for (int i = 0; i < 3; i++)
		buf_release(&plain[i]);
	vpack_w_release(&w);
}

static void test_admin_key_file(void **state)
{
	(void)state;
	struct vault_keys k, back;
	make_keys(&k);
	struct buf pass = {0}, bad = {0}, f = {0};
	buf_adds(&pass, "correct horse");
	buf_adds(&bad, "correct horsf");
	uint8_t fetch_pk[32];
	assert_int_equal(vkey_admin_encode(&k, &pass, &f, fetch_pk), 0);
	assert_int_equal(f.len, VAULT_ADMIN_KEY_SIZE);
	int role = 0;
	assert_int_equal(vkey_parse_role((const uint8_t *)f.data, f.len, &role), 0);
	assert_int_equal(role, VAULT_ADMIN);
	assert_int_equal(vkey_admin_open(&back, (const uint8_t *)f.data, f.len, &pass), 0);
	assert_memory_equal(back.sign_sk, k.sign_sk, 64);
	assert_memory_equal(back.box_sk, k.box_sk, 32);
	assert_int_equal(vkey_admin_open(&back, (const uint8_t *)f.data, f.len, &bad), -LB_EAUTH);
	/* the pair that proves the passphrase to a vault server comes from the file's head and the passphrase
	 * alone, and only the right passphrase gives it */
	uint8_t key[32], pk[32], sk[64];
	assert_int_equal(vkey_admin_derive((const uint8_t *)f.data, VKEY_ADMIN_HEAD, &pass, key), 0);
	vkey_fetch_pair(key, pk, sk);
	assert_memory_equal(pk, fetch_pk, 32);
	assert_int_equal(vkey_admin_derive((const uint8_t *)f.data, VKEY_ADMIN_HEAD, &bad, key), 0);
	vkey_fetch_pair(key, pk, sk);
	assert_memory_not_equal(pk, fetch_pk, 32);
	assert_int_equal(vkey_admin_derive((const uint8_t *)f.data, VKEY_ADMIN_HEAD - 1, &pass, key), -LB_ECORRUPT);
	f.data[100] ^= 1; /* damage is not a wrong passphrase */
	assert_int_equal(vkey_admin_open(&back, (const uint8_t *)f.data, f.len, &pass), -LB_ECORRUPT);
	buf_release(&pass);
	buf_release(&bad);
	buf_release(&f);
}

static void test_writer_key_config_meta(void **state)
{
	(void)state;
	struct vault_keys k, w, back;
	make_keys(&k);
	w = k;
	w.role = VAULT_WRITER;
	randombytes_buf(w.writer_id, 16);
	crypto_sign_keypair(w.w_sign_pk, w.w_sign_sk);
	struct buf f = {0};
	vkey_writer_encode(&w, &f);
	assert_int_equal(f.len, VAULT_WRITER_KEY_SIZE);
	assert_int_equal(vkey_writer_parse(&back, (const uint8_t *)f.data, f.len), 0);
	assert_memory_equal(back.w_sign_sk, w.w_sign_sk, 64);
	f.data[50] ^= 1;
	assert_int_equal(vkey_writer_parse(&back, (const uint8_t *)f.data, f.len), -LB_ECORRUPT);

	struct vault_config c = {.chunk_min = 512u << 10, .chunk_avg_bits = 20, .chunk_max = 8u << 20, .zstd_level = 1};
	memcpy(c.box_pk, k.box_pk, 32);
	memcpy(c.sign_pk, k.sign_pk, 32);
	struct vault_config cb;
	buf_reset(&f);
	vconfig_encode(&c, k.sign_sk, &f);
	assert_int_equal(f.len, VAULT_CONFIG_SIZE);
	assert_int_equal(vconfig_parse(&cb, (const uint8_t *)f.data, f.len), 0);
	assert_int_equal(cb.chunk_max, c.chunk_max);
	f.data[20] ^= 1;
	assert_int_equal(vconfig_parse(&cb, (const uint8_t *)f.data, f.len), -LB_ECORRUPT);

	struct vmeta_rec m = {.kind = VMETA_LOCK, .time_ms = 1, .until_ms = 4102444800000LL}, mb;
	randombytes_buf(m.snap, VID);
	buf_reset(&f);
	assert_int_equal(vmeta_encode(&m, k.sign_sk, &f), 0);
	assert_int_equal(vmeta_parse(&mb, (const uint8_t *)f.data, f.len, k.sign_pk), 0);
	assert_int_equal(mb.until_ms, m.until_ms);
	/* signed by a writer instead of the admin: refused */
	buf_reset(&f);
	vmeta_encode(&m, w.w_sign_sk, &f);
	assert_int_equal(vmeta_parse(&mb, (const uint8_t *)f.data, f.len, k.sign_pk), -LB_ECORRUPT);
	buf_release(&f);
}

static void test_index_and_snapshot(void **state)
{
	(void)state;
	struct vault_index ix = {0}, back = {0};
	uint8_t key[32];
	randombytes_buf(key, 32);
	for (int p = 0; p < 5; p++) {
		uint8_t pid[VID];
		randombytes_buf(pid, VID);
		uint32_t pn = vindex_pack(&ix, pid, 1000000 + p);
		for (int i = 0; i < 3000; i++) {
			struct vault_ientry e = {
			        .pack = pn, .off = 89 + i * 100, .len = 100, .raw_len = 200, .flags = 1};
			randombytes_buf(e.id, VID);
			vindex_add(&ix, &e);
		}
	}
	struct buf f = {0};
	vindex_encode(&ix, key, &f);
	assert_int_equal(vindex_decode(&back, (const uint8_t *)f.data, f.len, key), 0);
	assert_int_equal(back.n, ix.n);
	for (size_t i = 0; i < ix.n; i += 7) {
		const struct vault_ientry *e = vindex_find(&back, ix.e[i].id);
		assert_non_null(e);
		assert_int_equal(e->off, ix.e[i].off);
		assert_memory_equal(back.pack[e->pack], ix.pack[ix.e[i].pack], VID);
	}
	f.data[f.len / 2] ^= 1;
	struct vault_index bad = {0};
	assert_int_equal(vindex_decode(&bad, (const uint8_t *)f.data, f.len, key), -LB_ECORRUPT);
	vindex_release(&bad);

	struct vsnap s = {.time_ms = 123,
	                  .host = lb_strdup("host"),
	                  .status = VAULT_CLEAN,
	                  .reasons = lb_strdup("[]"),
	                  .summary = lb_strdup("")},
	             sb = {0};
	lb_strlist_push(&s.paths, lb_strdup("data/ehr"));
	const char *paths[] = {"data/ehr", "data/ehr/link", "data/ehr/カルテ.txt"}; /* sorted by bytes */
	s.nodes = calloc(3, sizeof(*s.nodes));
	s.nnodes = 3;
	for (int i = 0; i < 3; i++) {
		s.nodes[i].path = lb_strdup(paths[i]);
		s.nodes[i].kind = i == 0 ? VNODE_DIR : i == 2 ? VNODE_FILE : VNODE_LINK;
		s.nodes[i].link = lb_strdup(i == 1 ? "カルテ.txt" : "");
		s.nodes[i].mtime_ns = 1234567890123456789LL;
	}
	s.nodes[2].nchunks = 2;
	s.nodes[2].chunks = malloc(2 * VID);
	randombytes_buf(s.nodes[2].chunks, 2 * VID);
	buf_reset(&f);
	vsnap_encode_payload(&s, &f);
	assert_int_equal(vsnap_decode_payload(&sb, (const uint8_t *)f.data, f.len), 0);
	assert_int_equal(sb.nnodes, 3);
	assert_string_equal(sb.nodes[1].link, "カルテ.txt");
	assert_memory_equal(sb.nodes[2].chunks, s.nodes[2].chunks, 2 * VID);
	assert_int_equal(sb.nodes[0].mtime_ns, s.nodes[0].mtime_ns);
	vsnap_release(&sb);
	/* a path that climbs out of the restore target is refused */
	free(s.nodes[1].path);
	s.nodes[1].path = lb_strdup("data/ehr/../../etc");
	buf_reset(&f);
	vsnap_encode_payload(&s, &f);
	assert_int_equal(vsnap_decode_payload(&sb, (const uint8_t *)f.data, f.len), -LB_ECORRUPT);
	assert_false(vault_path_ok("/etc/passwd"));
	assert_false(vault_path_ok("a//b"));
	assert_true(vault_path_ok("a/.b/c..d"));
	vsnap_release(&s);
	vindex_release(&ix);
	vindex_release(&back);
	buf_release(&f);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pack_blobs),
	        cmocka_unit_test(test_admin_key_file),
	        cmocka_unit_test(test_writer_key_config_meta),
	        cmocka_unit_test(test_index_and_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
