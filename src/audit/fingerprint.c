/*
 * fingerprint.c - a credential as a salted fingerprint, never as a password (docs/inventory.md, "credential").
 *
 * One salt per hospital, kept in a file: the same password must give the same fingerprint on every system of the
 * hospital, or reuse (the EHR's administrator password on the backup server) could not show. A per-account salt
 * would hide exactly what the check looks for. The price is that equal passwords are visible as equal inside the
 * hospital's inventory; that is the point. Against the inventory leaking: the salt file stays with the security
 * officer (not in the inventory), and the hash is Argon2id (crypto_pwhash, interactive limits), so guessing a
 * five-character password from a fingerprint costs a memory-hard hash per guess and needs the salt too.
 */
#include "audit.h"

#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

int audit_salt_create(const char *path)
{
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium cannot start", "libsodium を開始できません");
	uint8_t salt[AUDIT_SALT_BYTES];
	randombytes_buf(salt, sizeof(salt));
	char hex[AUDIT_SALT_BYTES * 2 + 2];
	sodium_bin2hex(hex, sizeof(hex), salt, sizeof(salt));
	size_t n = strlen(hex);
	hex[n++] = '\n';
	int rc = lb_write_file_atomic(path, hex, n, 0600, 1);
	sodium_memzero(salt, sizeof(salt));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

int audit_salt_read(const char *path, uint8_t salt[AUDIT_SALT_BYTES])
{
	struct buf b = {0};
	int rc = buf_read_file(&b, path, 4096);
	if (rc < 0) {
		buf_wipe(&b);
		return rc;
	}
	size_t bin = 0;
	const char *end = NULL;
	if (sodium_hex2bin(salt, AUDIT_SALT_BYTES, b.data ? b.data : "", b.len, "\n\r ", &bin, &end) != 0 ||
	    bin != AUDIT_SALT_BYTES) {
		buf_wipe(&b);
		return lb_error_tr(LB_EINVAL, "%s is not a lifeboat salt file (64 hex digits)",
		                   "%s は lifeboat のソルトファイル (16 進 64 桁) ではありません", path);
	}
	buf_wipe(&b);
	return 0;
}

int audit_fingerprint(struct buf *out, const uint8_t salt[AUDIT_SALT_BYTES], const char *password, size_t len)
{
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium cannot start", "libsodium を開始できません");
	if (!len)
		return lb_error_tr(LB_EINVAL, "the password is empty", "パスワードが空です");
	/* crypto_pwhash takes a 16-byte salt: derive it from the hospital's, and name the salt by a short id so that
	 * fingerprints made under different salts are not taken for different passwords by a reader */
	uint8_t s16[crypto_pwhash_SALTBYTES], id[4], h[16];
	crypto_generichash(s16, sizeof(s16), (const uint8_t *)"lifeboat-audit-fp1", 18, salt, AUDIT_SALT_BYTES);
	crypto_generichash(id, sizeof(id), (const uint8_t *)"lifeboat-audit-id", 17, salt, AUDIT_SALT_BYTES);
	if (crypto_pwhash(h, sizeof(h), password, len, s16, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return lb_error_tr(LB_ENOMEM, "not enough memory for the password hash",
		                   "パスワードハッシュに必要なメモリが足りません");
	char hid[9], hh[33];
	sodium_bin2hex(hid, sizeof(hid), id, sizeof(id));
	sodium_bin2hex(hh, sizeof(hh), h, sizeof(h));
	buf_addf(out, "fp1:%s:%s", hid, hh);
	sodium_memzero(h, sizeof(h));
	return 0;
}
