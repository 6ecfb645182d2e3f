/*
 * open.c - creating a repository, opening it with the admin passphrase or a writer key file, and the writer
 * keys an admin adds, lists and revokes.
 */
#include "vault_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_url(const char *repo)
{
	return !strncmp(repo, "http://", 7) || !strncmp(repo, "https://", 8);
}

int vault_init(const char *repo, const struct buf *pass)
{
	if (is_url(repo))
		return lb_error_tr(
		        LB_EUSAGE, "initialise the repository on the vault server's own disk, not through '%s'",
		        "リポジトリの作成はボルトサーバ自身のディスク上で行ってください ('%s' 経由ではできません)",
		        repo);
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium does not initialise", "libsodium を初期化できません");
	struct stat st;
	if (stat(repo, &st) == 0) {
		DIR *d = opendir(repo);
		if (!d)
			return lb_error_tr(LB_EEXIST, "'%s' exists and is not a folder",
			                   "'%s' は存在しますがフォルダではありません", repo);
		struct dirent *de;
		int empty = 1;
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = 0;
		closedir(d);
		if (!empty)
			return lb_error_tr(LB_EEXIST, "'%s' is not empty", "'%s' は空ではありません", repo);
	}
	struct vault v = {.root = (char *)repo, .lock_fd = -1};
	int rc = lb_mkdirs(repo, 0700);
	struct vault_keys *k = &v.k;
	randombytes_buf(k->repo_id, 16);
	crypto_kdf_keygen(k->id_key);
	crypto_kdf_keygen(k->gear_seed);
	crypto_kdf_keygen(k->meta_key);
	crypto_box_keypair(k->box_pk, k->box_sk);
	crypto_sign_keypair(k->sign_pk, k->sign_sk);
	k->role = VAULT_ADMIN;
	struct vault_config *c = &v.cfg;
	memcpy(c->repo_id, k->repo_id, 16);
	c->chunk_min = VAULT_CHUNK_MIN;
	c->chunk_avg_bits = VAULT_CHUNK_AVG_BITS;
	c->chunk_max = VAULT_CHUNK_MAX;
	c->zstd_level = 1;
	memcpy(c->box_pk, k->box_pk, 32);
	memcpy(c->sign_pk, k->sign_pk, 32);
	struct buf kf = {0}, cf = {0}, af = {0};
	uint8_t fetch_pk[32];
	static const char *dirs[] = {"keys", "meta", "data", "index", "snapshots"};
	for (size_t i = 0; rc == 0 && i < LB_ARRAY_LEN(dirs); i++) {
		struct buf p = {0};
		vpath(&v, &p, "%s", dirs[i]);
		rc = lb_mkdirs(p.data, 0700);
		buf_release(&p);
	}
	if (rc == 0)
		rc = vkey_admin_encode(k, pass, &kf, fetch_pk);
	if (rc == 0)
		rc = vault_put(&v, "keys/admin", kf.data, kf.len);
	vkey_auth_encode(fetch_pk, &af);
	if (rc == 0) /* what a vault server checks before it hands out keys/admin (§7) */
		rc = vault_put(&v, "keys/admin.auth", af.data, af.len);
	buf_release(&af);
	vconfig_encode(c, k->sign_sk, &cf);
	if (rc == 0) /* config last: a folder without it is not a repository */
		rc = vault_put(&v, "config", cf.data, cf.len);
	buf_wipe(&kf);
	buf_release(&cf);
	sodium_memzero(k, sizeof(*k));
	return rc;
}

int vault_key_needs_passphrase(const char *key_file)
{
	if (!key_file)
		return 1;
	struct buf f = {0};
	int rc = buf_read_file(&f, key_file, 4096), role = 0;
	if (rc == 0)
		rc = vkey_parse_role((const uint8_t *)f.data, f.len, &role);
	buf_wipe(&f);
	if (rc < 0)
		return rc;
	return role == VAULT_ADMIN;
}

/* Remote, admin passphrase: the server hands keys/admin only to a request signed with the pair derived from the
 * passphrase (docs §7), so first its head (salt and Argon2id limits, which allow no guessing), then the file. */
static int fetch_admin_key(struct vault *v, const struct buf *pass, uint8_t key[32], struct buf *f)
{
	struct buf head = {0};
	int rc = vault_get_range(v, "keys/admin", 0, VKEY_ADMIN_HEAD, &head);
	if (rc == 0)
		rc = vkey_admin_derive((const uint8_t *)head.data, head.len, pass, key);
	buf_release(&head);
	if (rc < 0)
		return rc;
	uint8_t pk[32], sk[64];
	vkey_fetch_pair(key, pk, sk);
	v->fetch_sk = sk;
	rc = vault_get(v, "keys/admin", f, 4096);
	v->fetch_sk = NULL;
	sodium_memzero(sk, sizeof(sk));
	/* the proof does not check (the server's "wrong passphrase", in the user's language: src/vault/http.c) */
	if (rc == -LB_EAUTH &&
	    (strstr(lb_errmsg(), "wrong passphrase") || strstr(lb_errmsg(), "パスフレーズが違います")))
		rc = lb_error_tr(LB_EAUTH, "wrong passphrase", "パスフレーズが違います");
	return rc;
}

/* A repository made before keys/admin.auth existed gets it the first time the admin opens it on its own disk
 * (best effort: a read-only copy simply stays without it, and a vault server then refuses keys/admin). */
static void add_auth_file(struct vault *v, const uint8_t key[32])
{
	uint64_t size;
	if (vault_size(v, "keys/admin.auth", &size) == 0)
		return;
	uint8_t pk[32], sk[64];
	struct buf af = {0};
	vkey_fetch_pair(key, pk, sk);
	sodium_memzero(sk, sizeof(sk));
	vkey_auth_encode(pk, &af);
	if (vault_put(v, "keys/admin.auth", af.data, af.len) < 0)
		lb_debug("cannot add keys/admin.auth: %s", lb_errmsg());
	lb_error_clear();
	buf_release(&af);
}

int vault_open(struct vault **out, const char *repo, const char *key_file, const struct buf *pass)
{
	*out = NULL;
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium does not initialise", "libsodium を初期化できません");
	struct vault *v = lb_calloc(1, sizeof(*v));
	v->root = lb_strdup(repo);
	v->lock_fd = -1;
	if (is_url(repo)) {
		int urc = vault_url_parse(v, repo);
		if (urc < 0) {
			vault_close(v);
			return urc;
		}
	}
	while (strlen(v->root) > 1 && v->root[strlen(v->root) - 1] == '/')
		v->root[strlen(v->root) - 1] = '\0';
	struct buf f = {0};
	int rc = vault_get(v, "config", &f, 4096);
	if (rc == -LB_ENOTFOUND)
		rc = lb_error_tr(LB_ENOTFOUND, "'%s' is not a vault repository (no config)",
		                 "'%s' はボルトのリポジトリではありません (config がありません)", repo);
	if (rc == 0)
		rc = vconfig_parse(&v->cfg, (const uint8_t *)f.data, f.len);
	uint8_t key[32];
	int have_key = 0;
	if (rc == 0) {
		buf_reset(&f);
		if (key_file)
			rc = buf_read_file(&f, key_file, 4096);
		else if (v->remote && !pass)
			rc = lb_error_tr(LB_EUSAGE, "the admin key needs a passphrase",
			                 "管理鍵にはパスフレーズが必要です");
		else if (v->remote) {
			rc = fetch_admin_key(v, pass, key, &f);
			have_key = rc == 0;
		} else
			rc = vault_get(v, "keys/admin", &f, 4096);
	}
	int role = 0;
	if (rc == 0)
		rc = vkey_parse_role((const uint8_t *)f.data, f.len, &role);
	if (rc == 0 && role == VAULT_ADMIN) {
		if (!pass)
			rc = lb_error_tr(LB_EUSAGE, "the admin key needs a passphrase",
			                 "管理鍵にはパスフレーズが必要です");
		else if (!have_key && (rc = vkey_admin_derive((const uint8_t *)f.data, f.len, pass, key)) == 0)
			have_key = 1;
		if (rc == 0)
			rc = vkey_admin_unseal(&v->k, (const uint8_t *)f.data, f.len, key);
		if (rc == 0 && !v->remote && !key_file)
			add_auth_file(v, key);
	} else if (rc == 0) {
		rc = vkey_writer_parse(&v->k, (const uint8_t *)f.data, f.len);
	}
	buf_wipe(&f);
	sodium_memzero(key, sizeof(key));
	if (rc == 0 && (memcmp(v->k.repo_id, v->cfg.repo_id, 16) != 0 || memcmp(v->k.box_pk, v->cfg.box_pk, 32) != 0 ||
	                memcmp(v->k.sign_pk, v->cfg.sign_pk, 32) != 0))
		rc = lb_error_tr(LB_EAUTH, "the key belongs to another repository", "この鍵は別のリポジトリのものです");
	if (rc == 0)
		rc = vault_load_meta(v);
	if (rc == 0 && v->k.role == VAULT_WRITER) {
		uint8_t pk[32];
		int known = vault_writer_known(v, v->k.writer_id, pk, lb_now_ms());
		if (known == -LB_EPERM)
			rc = lb_error_tr(LB_EAUTH, "this writer key has been revoked",
			                 "このライター鍵は失効しています");
		else if (known < 0 || memcmp(pk, v->k.w_sign_pk, 32) != 0)
			rc = lb_error_tr(LB_EAUTH, "this writer key is not registered in the repository",
			                 "このライター鍵はリポジトリに登録されていません");
	}
	if (rc < 0) {
		vault_close(v);
		return rc;
	}
	vchunker_init(&v->ch, v->k.gear_seed, v->cfg.chunk_min, v->cfg.chunk_avg_bits, v->cfg.chunk_max);
	*out = v;
	return 0;
}

void vault_close(struct vault *v)
{
	if (!v)
		return;
	vault_lease_drop(v);
	if (v->lock_fd >= 0)
		close(v->lock_fd);
	sodium_memzero(&v->k, sizeof(v->k));
	sodium_memzero(&v->ch, sizeof(v->ch));
	vault_index_release(v);
	free(v->meta);
	free(v->root);
	free(v->host);
	free(v->port);
	free(v);
}

enum vault_role vault_role(const struct vault *v)
{
	return (enum vault_role)v->k.role;
}

int vault_key_add_writer(struct vault *v, const char *out_path, struct buf *writer_id_hex)
{
	int rc = vault_need_admin(v, L_("add keys", "鍵の追加"));
	if (rc < 0)
		return rc;
	struct vault_keys w = v->k;
	w.role = VAULT_WRITER;
	memset(w.box_sk, 0, sizeof(w.box_sk));
	memset(w.sign_sk, 0, sizeof(w.sign_sk));
	randombytes_buf(w.writer_id, 16);
	crypto_sign_keypair(w.w_sign_pk, w.w_sign_sk);
	struct buf f = {0};
	vkey_writer_encode(&w, &f);
	int fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = errno == EEXIST
		             ? lb_error_tr(LB_EEXIST, "'%s' exists already", "'%s' はすでに存在します", out_path)
		             : lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", out_path);
	} else {
		if (write(fd, f.data, f.len) != (ssize_t)f.len || fsync(fd) != 0)
			rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", out_path);
		close(fd);
		if (rc < 0)
			unlink(out_path);
	}
	if (rc == 0) {
		struct vmeta_rec m = {.kind = VMETA_WRITER, .time_ms = lb_now_ms()};
		memcpy(m.writer_id, w.writer_id, 16);
		memcpy(m.w_sign_pk, w.w_sign_pk, 32);
		rc = vault_add_meta(v, &m);
		if (rc < 0)
			unlink(out_path);
	}
	if (rc == 0 && writer_id_hex) {
		char hex[33];
		vault_hex(hex, w.writer_id, 16);
		buf_adds(writer_id_hex, hex);
	}
	buf_wipe(&f);
	sodium_memzero(&w, sizeof(w));
	return rc;
}

int vault_key_revoke(struct vault *v, const char *writer_id_hex)
{
	int rc = vault_need_admin(v, L_("revoke keys", "鍵の失効"));
	if (rc < 0)
		return rc;
	struct vmeta_rec m = {.kind = VMETA_REVOKE, .time_ms = lb_now_ms()};
	uint8_t pk[32];
	if (vault_unhex(m.writer_id, 16, writer_id_hex) < 0)
		return lb_error_tr(LB_EUSAGE, "'%s' is not a writer id (32 hex digits)",
		                   "'%s' はライター鍵の ID (16進 32 桁) ではありません", writer_id_hex);
	if (vault_writer_known(v, m.writer_id, pk, 0) < 0)
		return lb_error_tr(LB_ENOTFOUND, "no writer key '%s' in this repository",
		                   "このリポジトリにライター鍵 '%s' はありません", writer_id_hex);
	return vault_add_meta(v, &m);
}

int vault_key_list(struct vault *v, struct buf *json)
{
	struct json_w w = {.out = json};
	json_arr(&w);
	for (size_t i = 0; i < v->nmeta; i++) {
		if (v->meta[i].kind != VMETA_WRITER)
			continue;
		char hex[33];
		vault_hex(hex, v->meta[i].writer_id, 16);
		uint8_t pk[32];
		struct buf t = {0};
		lb_format_utc(&t, v->meta[i].time_ms, 0);
		json_obj(&w);
		json_kv_str(&w, "writer_id", hex);
		json_kv_str(&w, "added", t.data);
		json_kv_bool(&w, "revoked", vault_writer_known(v, v->meta[i].writer_id, pk, INT64_MAX) == -LB_EPERM);
		json_end(&w);
		buf_release(&t);
	}
	json_end(&w);
	return json_finish(&w);
}

int vault_open_keyless(struct vault **out, const char *repo)
{
	*out = NULL;
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium does not initialise", "libsodium を初期化できません");
	struct vault *v = lb_calloc(1, sizeof(*v));
	v->root = lb_strdup(repo);
	v->lock_fd = -1;
	struct buf f = {0};
	int rc = vault_get(v, "config", &f, 4096);
	if (rc == -LB_ENOTFOUND)
		rc = lb_error_tr(LB_ENOTFOUND, "'%s' is not a vault repository (no config)",
		                 "'%s' はボルトのリポジトリではありません (config がありません)", repo);
	if (rc == 0)
		rc = vconfig_parse(&v->cfg, (const uint8_t *)f.data, f.len);
	buf_release(&f);
	if (rc == 0)
		rc = vault_load_meta(v);
	if (rc < 0) {
		vault_close(v);
		return rc;
	}
	*out = v;
	return 0;
}
