/*
 * passphrase.c - is an admin passphrase strong enough to seal keys/admin (docs/vault-format.md §2)? Whoever holds
 * that file can guess offline at the pace of Argon2id, so `vault init` refuses a passphrase shorter than
 * VAULT_PASS_MIN_CHARS characters or one that zxcvbn (libzxcvbn: dictionaries of common passwords, names and
 * words, keyboard patterns, repeats, sequences, dates, l33t) estimates at under VAULT_PASS_MIN_BITS bits. The
 * words of this product and of a hospital's IT, and the caller's own (the repository's path), count as known.
 */
#include "vault_int.h"

#include <string.h>
#include <zxcvbn.h>

/* Words an attacker tries first against a hospital's vault: the product, the place, the role, the data. */
static const char *const known_words[] = {
        "lifeboat",   "vault",   "admin",       "administrator", "hospital", "byouin",     "byoin",
        "clinic",     "karte",   "denshikarte", "ehr",           "emr",      "ssmix",      "ssmix2",
        "backup",     "restore", "password",    "passphrase",    "iryou",    "iryo",       "jouhou",
        "johobu",     "medical", "nurse",       "doctor",        "server",   "病院",       "カルテ",
        "電子カルテ", "管理者",  "パスワード",  "バックアップ",  "医療情報", "医療情報部", "ライフボート",
        "びょういん", "かるて",  "ぱすわーど"};

static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

int vault_passphrase_check(const struct buf *pass, const char *const *extra, size_t nextra, double *bits)
{
	*bits = 0;
	const char *p = buf_cstr(pass);
	size_t n = strnlen(p, pass->len); /* a NUL ends what is judged: never more than the estimate sees */
	if (utf8_chars(p, n) < VAULT_PASS_MIN_CHARS)
		return VAULT_PASS_SHORT;
	const char *dict[LB_ARRAY_LEN(known_words) + 16 + 1];
	size_t k = 0;
	for (size_t i = 0; i < nextra && i < 16; i++) /* first: zxcvbn counts a word's rank in the list */
		dict[k++] = extra[i];
	for (size_t i = 0; i < LB_ARRAY_LEN(known_words); i++)
		dict[k++] = known_words[i];
	dict[k] = NULL;
	*bits = ZxcvbnMatch(p, dict, NULL);
	return *bits < VAULT_PASS_MIN_BITS ? VAULT_PASS_GUESSABLE : VAULT_PASS_OK;
}
