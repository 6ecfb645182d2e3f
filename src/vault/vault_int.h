/*
 * vault_int.h - internals shared by the files of src/vault/ (not part of the public interface).
 *
 * Objects and their byte layouts are those of docs/vault-format.md. Parsers of repository objects take bytes
 * and caps and never trust lengths read from the input; each one has a fuzz target.
 */
#ifndef LB_VAULT_INT_H
#define LB_VAULT_INT_H

#include "vault/vault.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <zstd.h>

#define VID 32 /* chunk, pack, snapshot ids */
#define VAULT_FORMAT 1
#define VAULT_PACK_TARGET (16u << 20)
#define VAULT_PACK_MAX (64u << 20)
#define VAULT_CHUNK_MIN (512u << 10)
#define VAULT_CHUNK_AVG_BITS 20
#define VAULT_CHUNK_MAX (8u << 20)
#define VAULT_BLOB_MAX (VAULT_CHUNK_MAX + (64u << 10))
#define VAULT_TABLE_MAX (1u << 20)
#define VAULT_INDEX_MAX_PACKS (1u << 20)
#define VAULT_INDEX_MAX_ENTRIES (64u << 20)
#define VAULT_INDEX_FILE_MAX ((size_t)4 << 30)
#define VAULT_SNAP_PAYLOAD_MAX ((size_t)1 << 30)
#define VAULT_SNAP_FILE_MAX ((size_t)1 << 30)
#define VAULT_SNAP_MAX_NODES (16u << 20)
#define VAULT_PATH_MAX 4096
#define VAULT_MAX_FILE_CHUNKS (1u << 20)
#define VAULT_MAX_TAGS 1024
#define VAULT_META_MAX 512
#define VAULT_HDR_SEAL (crypto_box_SEALBYTES + 32)
#define VAULT_PACK_HDR (8 + 1 + VAULT_HDR_SEAL)
#define VAULT_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define VAULT_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define VAULT_TABLE_ENTRY 46
#define VAULT_CONFIG_SIZE 172
#define VAULT_WRITER_KEY_SIZE 329
#define VAULT_ADMIN_KEY_SIZE (8 + 1 + 16 + 8 + 8 + 16 + 24 + 256 + 16 + 32)
#define VKEY_ADMIN_HEAD (8 + 1 + 16 + 8 + 8 + 16) /* magic, role, repo id, Argon2id limits, salt */
#define VAULT_AUTH_SIZE (8 + 32)                  /* keys/admin.auth: "LBVAUTH1" and the fetch key's public half */

/* ---- serialization (ser.c) ---- */
void ser_u8(struct buf *b, uint8_t v);
void ser_u16(struct buf *b, uint16_t v);
void ser_u32(struct buf *b, uint32_t v);
void ser_u64(struct buf *b, uint64_t v);
void ser_bytes(struct buf *b, const void *p, size_t n);
void ser_str(struct buf *b, const char *s);
/* A bounds-checked reader: reads past the end return zeros and set err. */
struct ser_r {
	const uint8_t *p;
	size_t n, off;
	int err;
};
uint8_t rd_u8(struct ser_r *r);
uint16_t rd_u16(struct ser_r *r);
uint32_t rd_u32(struct ser_r *r);
uint64_t rd_u64(struct ser_r *r);
/* Pointer to the next n bytes (NULL and err when short). */
const uint8_t *rd_ptr(struct ser_r *r, size_t n);
void rd_bytes(struct ser_r *r, void *out, size_t n);
/* A string of at most cap bytes without NUL, as a new C string (NULL and err on failure). */
char *rd_str(struct ser_r *r, size_t cap);
size_t rd_left(const struct ser_r *r);
void vault_hex(char *out, const uint8_t *p, size_t n);
int vault_unhex(uint8_t *out, size_t n, const char *hex);

/* ---- keys and config (keys.c) ---- */
struct vault_keys {
	int role;
	uint8_t repo_id[16];
	uint8_t id_key[32], gear_seed[32], meta_key[32];
	uint8_t box_pk[32], box_sk[32], sign_pk[32], sign_sk[64];
	uint8_t writer_id[16], w_sign_pk[32], w_sign_sk[64];
};
struct vault_config {
	uint8_t repo_id[16];
	uint32_t chunk_min, chunk_avg_bits, chunk_max, zstd_level;
	uint8_t box_pk[32], sign_pk[32];
};
int vconfig_encode(const struct vault_config *c, const uint8_t sign_sk[64], struct buf *out);
int vconfig_parse(struct vault_config *c, const uint8_t *p, size_t n);
/* Structure of a key file without opening it: role and (admin) KDF header. */
int vkey_parse_role(const uint8_t *p, size_t n, int *role);
/* Seal the master secrets with the passphrase; fetch_pk gets the public half of the pair that proves the
 * passphrase to a vault server (stored in keys/admin.auth, served to nobody). */
int vkey_admin_encode(const struct vault_keys *k, const struct buf *pass, struct buf *out, uint8_t fetch_pk[32]);
int vkey_admin_open(struct vault_keys *k, const uint8_t *p, size_t n, const struct buf *pass);
/* The two halves of vkey_admin_open: derive needs only the first VKEY_ADMIN_HEAD bytes of the file. */
int vkey_admin_derive(const uint8_t *p, size_t n, const struct buf *pass, uint8_t key[32]);
int vkey_admin_unseal(struct vault_keys *k, const uint8_t *p, size_t n, const uint8_t key[32]);
void vkey_fetch_pair(const uint8_t key[32], uint8_t pk[32], uint8_t sk[64]);
void vkey_auth_encode(const uint8_t pk[32], struct buf *out);
int vkey_auth_parse(const uint8_t *p, size_t n, uint8_t pk[32]);
void vkey_writer_encode(const struct vault_keys *k, struct buf *out);
int vkey_writer_parse(struct vault_keys *k, const uint8_t *p, size_t n);

/* ---- meta records (meta.c) ---- */
/* VMETA_INDEX: an index file the admin wrote (prune), snap = its name: trusted before any other */
enum { VMETA_WRITER = 1, VMETA_REVOKE = 2, VMETA_LOCK = 3, VMETA_REVIEW = 4, VMETA_INDEX = 5 };
struct vmeta_rec {
	int kind;
	int64_t time_ms;
	uint8_t writer_id[16], w_sign_pk[32];
	uint8_t snap[VID];
	int64_t until_ms;
	int mark;
};
int vmeta_encode(const struct vmeta_rec *m, const uint8_t sign_sk[64], struct buf *out);
int vmeta_parse(struct vmeta_rec *m, const uint8_t *p, size_t n, const uint8_t sign_pk[32]);

/* ---- chunker (chunker.c) ---- */
struct vchunker {
	uint64_t gear[256];
	uint32_t min, max, norm;
	uint64_t mask_s, mask_l;
};
void vchunker_init(struct vchunker *c, const uint8_t seed[32], uint32_t min, uint32_t avg_bits, uint32_t max);
/* Length of the first chunk of p[0..n): n must be >= max unless p ends the stream. */
size_t vchunker_cut(const struct vchunker *c, const uint8_t *p, size_t n);

/* ---- index (index.c) ---- */
struct vault_ientry {
	uint8_t id[VID];
	uint32_t pack, off, len, raw_len;
	uint32_t next; /* another candidate location of the same chunk: its entry number + 1 (0: none) */
	uint32_t src;  /* the index file it was read from (number in ix->file), VINDEX_NOSRC if none */
	uint8_t flags;
};
#define VINDEX_NOSRC UINT32_MAX
#define VINDEX_MAX_ALT 8 /* candidate locations kept per chunk id (the first ones loaded: trusted first) */
struct vault_index {
	struct vault_ientry *e;
	size_t n, cap;
	uint32_t *slot; /* open addressing over e (index + 1; 0 empty) */
	size_t nslot;
	uint8_t (*pack)[VID];
	uint64_t *pack_size;
	size_t npack, pack_cap;
	uint32_t *pslot;
	size_t npslot;
	uint8_t (*file)[VID]; /* the index files merged by vindex_decode (their names), in load order */
	size_t nfile;
};
/* The first candidate location of a chunk (NULL: none); vindex_next gives the others, in load order. */
const struct vault_ientry *vindex_find(const struct vault_index *ix, const uint8_t id[VID]);
const struct vault_ientry *vindex_next(const struct vault_index *ix, const struct vault_ientry *e);
/* Pack number of a pack id, adding it if new. */
uint32_t vindex_pack(struct vault_index *ix, const uint8_t id[VID], uint64_t size);
int vindex_find_pack(const struct vault_index *ix, const uint8_t id[VID]);
/* Add an entry (pack numbered in ix); a second entry for the same id is dropped (a set of ids). */
void vindex_add(struct vault_index *ix, const struct vault_ientry *e);
/* Add an entry as one more candidate location of its id (an identical one, or one beyond VINDEX_MAX_ALT, is
 * dropped): every index file's word is kept, so that a planted entry cannot hide the genuine one. */
void vindex_add_alt(struct vault_index *ix, const struct vault_ientry *e);
void vindex_release(struct vault_index *ix);
int vindex_encode(const struct vault_index *ix, const uint8_t meta_key[32], struct buf *out);
/* Decrypt and merge an index file into ix (its entries as candidates, src = its number in ix->file). */
int vindex_decode(struct vault_index *ix, const uint8_t *p, size_t n, const uint8_t meta_key[32]);
int vindex_decode_payload(struct vault_index *ix, const uint8_t *p, size_t n);

/* ---- packs (pack.c) ---- */
/*
 * A pack being written. By default it is built in memory (b) and written whole by vpack_w_finish. With stream
 * set (a local repository, a backup) it is written as it grows to a temporary file data/pack.tmp-PID-N and hashed
 * on the way (each blob is written and hashed while it is still in the cache, and no pack is held in memory),
 * with O_DIRECT where the file system allows it: a backup does not push the host's working set out of the page
 * cache, and the copy into the page cache (most of the kernel's share of a backup) is not made;
 * finish links the file to its name, starts its write-back without waiting and remembers it in written, and
 * vault_sync_objects makes the packs durable before any index names them.
 */
struct vpack_w {
	struct vault *stream;
	struct lb_strlist written; /* streamed packs (their rel paths), owned strings */
	uint8_t key[32];
	struct buf b;   /* the whole pack, or (streamed) the bytes not yet written */
	char *tmp;      /* streamed: the temporary file (NULL: none open) */
	int fd, direct; /* direct: fd is O_DIRECT (whole 4 KiB blocks from io; the file's tail written buffered) */
	uint8_t *io;    /* block-aligned copy of what an O_DIRECT write sends */
	size_t io_cap;
	uint64_t size; /* streamed: bytes written before b */
	crypto_generichash_state h;
	struct vault_ientry *e; /* pack field unused; offsets inside this pack */
	size_t n, cap;
};
int vpack_w_start(struct vpack_w *w, const uint8_t box_pk[32]);
int vpack_w_add(struct vpack_w *w, const uint8_t id[VID], uint8_t flags, const void *data, size_t len,
                uint32_t raw_len);
/* Bytes of the pack so far. */
uint64_t vpack_w_size(const struct vpack_w *w);
/* Seal the table, name the pack, write it once; entries go to ix (new pack number). Wipes the key. */
int vpack_w_finish(struct vpack_w *w, struct vault *v, struct vault_index *ix, uint8_t pack_id[VID]);
/* Also removes the temporary file of a streamed pack that was not finished. */
void vpack_w_release(struct vpack_w *w);
int vpack_open_key(const struct vault_keys *k, const uint8_t *hdr, size_t n, uint8_t key[32]);
/* Parse the table of a whole pack file. entries is allocated (free it). */
int vpack_parse_table(const uint8_t *p, size_t n, const uint8_t key[32], struct vault_ientry **entries, size_t *count);
/* The table of a pack read by ranged reads (admin key): 0 and entries (free them), or one of these. */
enum { VPACK_MISSING = 1, VPACK_FOREIGN = 2, VPACK_DAMAGED = 3 };
int vpack_read_table(struct vault *v, const uint8_t pack_id[VID], struct vault_ientry **entries, size_t *count);
/* Check every entry of ix (of the packs with need[p], or all with need NULL) against its pack's table: bad[i] = 1
 * where the table does not list entry i as it is; state[p] (may be NULL) = what vpack_read_table said. Entries of
 * a pack whose table is damaged are not marked (state says so). Admin key only. */
void vindex_check_tables(struct vault *v, const struct vault_index *ix, const uint8_t *need, uint8_t *bad,
                         uint8_t *state);
/* Decrypt one blob (flags/raw_len from the index), decompress, and check that its keyed hash is id. */
int vblob_open(const uint8_t id_key[32], const uint8_t key[32], const struct vault_ientry *e, const uint8_t *blob,
               ZSTD_DCtx *dz, struct buf *out);
void vault_chunk_id(const uint8_t id_key[32], const void *p, size_t n, uint8_t out[VID]);

/* ---- snapshots (snapshot.c) ---- */
enum { VNODE_FILE = 1, VNODE_DIR = 2, VNODE_LINK = 3 };
struct vnode {
	char *path;
	uint8_t kind, stype;
	uint16_t entropy;
	uint32_t mode, uid, gid;
	int64_t mtime_ns, atime_ns, ctime_ns;
	uint64_t ino, size;
	char *link;
	uint32_t nchunks;
	uint8_t (*chunks)[VID];
};
struct vsnap {
	uint8_t id[VID];
	int signer;
	uint8_t signer_id[16];
	int64_t time_ms;
	char *host;
	struct lb_strlist tags, paths; /* owned strings */
	uint8_t parent[VID];
	uint64_t files, bytes;
	uint8_t status;
	double score;
	char *reasons, *summary;
	struct vnode *nodes;
	size_t nnodes, cap;
	/* payload version 2: the index files this generation relies on (its own and those its backup found), covered
	 * by its signature; restore and export trust them first. Version 1 (older generations): none. */
	uint8_t (*index)[VID];
	uint32_t nindex;
};
#define VAULT_SNAP_MAX_INDEX (1u << 20)
void vsnap_release(struct vsnap *s);
void vsnap_encode_payload(const struct vsnap *s, struct buf *out);
int vsnap_decode_payload(struct vsnap *s, const uint8_t *p, size_t n);
int vsnap_seal(struct vault *v, const struct vsnap *s, struct buf *file);
int vsnap_open(struct vault *v, const uint8_t *p, size_t n, struct vsnap *s);
int vsnap_load(struct vault *v, const char *idhex, struct vsnap *s);
int vsnap_list_ids(struct vault *v, struct lb_strlist *ids);
int vnode_cmp(const void *a, const void *b);
/* Paths read from a snapshot: relative, no "." / ".." / empty components. */
int vault_path_ok(const char *p);

/* ---- the repository (repo.c) ---- */
struct vault {
	char *root;
	struct vault_config cfg;
	struct vault_keys k;
	int lock_fd;
	struct vault_index ix;
	int ix_loaded;
	struct lb_strlist bad_index, bad_index_why; /* index files skipped by the last load: names, and why */
	struct vmeta_rec *meta;
	size_t nmeta;
	size_t bad_meta;
	struct vchunker ch;
	int remote; /* a vault server: host and port of --repo http://host:port/ */
	char *host, *port;
	struct vlease_client *lease; /* remote: the lease held (vault_flock), NULL when none */
	const uint8_t *fetch_sk;     /* remote, while opening: signs the one GET of keys/admin (signer "passphrase") */
};
void vpath(struct vault *v, struct buf *b, const char *fmt, ...) LB_PRINTF(3, 4);
/* Write a repository object once (tmp, fsync, link, fsync dir), read-only mode; an identical existing one is ok. */
int vault_put(struct vault *v, const char *rel, const void *p, size_t n);
/* Give the finished temporary file tmp (open as fd) its name rel instead (tmp is removed): write-back started,
 * not waited for; an object of that name already there is fine (same name, same bytes). */
int vault_link_object(struct vault *v, const char *tmp, int fd, const char *rel);
/* fsync the objects (and their folders) written without waiting (streamed packs). */
int vault_sync_objects(struct vault *v, const struct lb_strlist *rels);
int vault_get(struct vault *v, const char *rel, struct buf *out, size_t max);
/* len bytes at off of an object (a blob of a pack), into out (reset first). */
int vault_get_range(struct vault *v, const char *rel, uint64_t off, size_t len, struct buf *out);
int vault_size(struct vault *v, const char *rel, uint64_t *size);
int vault_list(struct vault *v, const char *dir, struct lb_strlist *names);
int vault_remove(struct vault *v, const char *rel);
/* Remove the temporary files of writes that were killed half-way (only under the exclusive lock). */
uint64_t vault_remove_tmp(struct vault *v);
/* Load every index file (once); one that does not decode is skipped with a warning naming it (bad_index). */
int vault_load_index(struct vault *v);
/* Load them afresh, those trusted by generation s first (admin-signed, then named by s; s may be NULL). */
int vault_load_index_for(struct vault *v, const struct vsnap *s, int warn);
void vault_index_release(struct vault *v);
int vault_flock(struct vault *v, int exclusive);
void vault_funlock(struct vault *v);
int vault_need_admin(struct vault *v, const char *what);
/* Status, lock and review of a snapshot from the meta records. */
int64_t vault_locked_until(struct vault *v, const uint8_t snap[VID]);
int vault_review_of(struct vault *v, const uint8_t snap[VID]);
int vault_writer_known(struct vault *v, const uint8_t wid[16], uint8_t pk[32], int64_t at_ms);
int vault_add_meta(struct vault *v, const struct vmeta_rec *m);
void vault_pack_rel(struct buf *b, const uint8_t id[VID]);
int vault_ncpu(void);
/* Read-only and (best effort) immutable. */
void vault_seal_file(const char *path, int immutable);
void vault_unseal_file(const char *path);

/* ---- retention (forget.c) ---- */
/* Decide keep/forget for every generation of l (oldest first); out[j] is the j-th newest. */
void vault_policy_select(const struct vault_snap_list *l, const struct vault_policy *p, struct vault_forget_item *out);

/* ---- vault server client (http.c) ---- */
int vault_url_parse(struct vault *v, const char *url);
/* One request; 200 gives 0 and the body in out (may be NULL), other answers an error with the server's reason. */
int vault_http(struct vault *v, const char *method, const char *path, const void *body, size_t n, struct buf *out);
/* The signed message (docs §7): "LBV1\n" METHOD "\n" PATH "\n" TIME "\n" hex(BLAKE2b-256(body)), then
 * "\nlease " LEASE when the request is made under a lease and "\nnonce " NONCE when it carries one. */
void vault_sign_message(struct buf *m, const char *method, const char *path, const char *time_ms, const void *body,
                        size_t n, const char *lease, const char *nonce);
/* The same with the body's BLAKE2b-256 in hex already known (the server checks a signature before the body). */
void vault_sign_message_hash(struct buf *m, const char *method, const char *path, const char *time_ms,
                             const char *body_hex, const char *lease, const char *nonce);
/* Take a lease from the server (exclusive or shared) and keep it refreshed from a thread until vault_lease_drop. */
int vault_lease_take(struct vault *v, int exclusive);
void vault_lease_drop(struct vault *v);
/* The id of the lease held (sent with every request), or NULL. */
const char *vault_lease_id(const struct vault *v);
/* Open a repository folder with no key (for the server): config and meta records only. */
int vault_open_keyless(struct vault **out, const char *repo);
void vault_reload_meta(struct vault *v);
int vault_load_meta(struct vault *v);

/* ---- what the server remembers (lease.c) ---- */
#define VLEASE_ID 33        /* 32 hex digits and NUL */
#define VLEASE_PER_SIGNER 8 /* live leases one key may hold: each is an open file on the vault host */
#define VREPLAY_KEY 32      /* the first half of an Ed25519 signature (its R: unique per signed message) */
struct vlease {
	char id[VLEASE_ID];
	char signer[40]; /* "admin" or a writer id in hex */
	int exclusive, fd;
	int64_t expires_ms;
};
/* Leases, each holding flock(2) on R/lock through its own open file description; a reaper thread drops those
 * not refreshed within ttl_ms (their holder is gone). */
struct vlease_tab {
	pthread_mutex_t mtx;
	pthread_cond_t cv;
	pthread_t reaper;
	int stop;
	char *lockpath;
	int64_t ttl_ms;
	struct vlease *v;
	size_t n, cap;
};
int vlease_init(struct vlease_tab *t, const char *root, int64_t ttl_ms);
void vlease_release(struct vlease_tab *t);
/* -LB_ELOCKED ("repository is locked: …") when the flock conflicts with a lease or a local command, or when
 * signer holds VLEASE_PER_SIGNER leases already. */
int vlease_take(struct vlease_tab *t, int exclusive, const char *signer, char id[VLEASE_ID]);
enum { VLEASE_CHECK, VLEASE_REFRESH, VLEASE_DROP };
/* 0 when id is a live lease of signer (then refreshed or dropped as op says), else -LB_ELOCKED. */
int vlease_use(struct vlease_tab *t, const char *id, const char *signer, int op);
/* Signatures accepted and not yet out of the clock window (open addressing; zeroed is empty but for mtx). */
struct vreplay {
	pthread_mutex_t mtx;
	struct vreplay_e {
		uint8_t key[VREPLAY_KEY];
		int64_t until_ms; /* 0: empty slot */
	} * e;
	size_t n, cap;
};
/* 0 and remembered until until_ms when sig was not seen before; -LB_EAUTH for a second use. */
int vreplay_check(struct vreplay *r, const uint8_t sig[64], int64_t until_ms);
void vreplay_release(struct vreplay *r);

#endif /* LB_VAULT_INT_H */
