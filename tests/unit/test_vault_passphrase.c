/*
 * test_vault_passphrase.c - the strength check of admin passphrases (vault_passphrase_check): fewer than 12
 * characters (counted as characters, not bytes) is short, exactly 12 is judged by the estimate; common passwords,
 * the product's and a hospital's words, keyboard rows, repeats and the repository's own path words are guessable;
 * several unrelated words pass; the verdict and the bits reported agree at the threshold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vault/vault_int.h"

#include <string.h>

static int check(const char *p, const char *const *extra, size_t n, double *bits)
{
	struct buf b = {0};
	buf_adds(&b, p);
	double x;
	int rc = vault_passphrase_check(&b, extra, n, bits ? bits : &x);
	buf_release(&b);
	return rc;
}

static void test_length(void **state)
{
	(void)state;
	assert_int_equal(check("", NULL, 0, NULL), VAULT_PASS_SHORT);
	assert_int_equal(check("Zq7#kP2!mW9", NULL, 0, NULL), VAULT_PASS_SHORT); /* 11 */
	assert_int_equal(check("Zq7#kP2!mW9x", NULL, 0, NULL), VAULT_PASS_OK);   /* 12 */
	/* characters, not bytes: 11 kanji are 33 bytes and still short; 12 are judged */
	assert_int_equal(check("鶴亀松竹梅桜菊藤萩桐柿", NULL, 0, NULL), VAULT_PASS_SHORT);
	assert_int_not_equal(check("鶴亀松竹梅桜菊藤萩桐柿栗", NULL, 0, NULL), VAULT_PASS_SHORT);
	assert_int_equal(check("病院のパスワード", NULL, 0, NULL), VAULT_PASS_SHORT);
	/* a NUL ends what is judged */
	struct buf b = {0};
	double bits;
	buf_add(&b, "abc\0kelp-orbit-tundra-violin-42", 31);
	assert_int_equal(vault_passphrase_check(&b, NULL, 0, &bits), VAULT_PASS_SHORT);
	buf_release(&b);
}

static void test_guessable(void **state)
{
	(void)state;
	static const char *const weak[] = {"password1234",
	                                   "Password123!",
	                                   "aaaaaaaaaaaaaaaa",
	                                   "abcdefghijklmnop",
	                                   "qwertyuiopasdfgh",
	                                   "Hospital2024!",
	                                   "lifeboat-vault-admin",
	                                   "administrator1",
	                                   "1234567890123",
	                                   "kawasakiminamikyoto" /* 38 bits: between 30 and 45 */,
	                                   "correcthorsebattery" /* 33 */,
	                                   "station vault test passphrase" /* just under 45 */};
	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		double bits = 99;
		assert_int_equal(check(weak[i], NULL, 0, &bits), VAULT_PASS_GUESSABLE);
		assert_true(bits < VAULT_PASS_MIN_BITS);
	}
	static const char *const strong[] = {"kelp-orbit-tundra-violin-42", "ward-lantern-copper-meadow",
	                                     "demo passphrase - change me", "Zq7#kP2!mW9x",
	                                     "correct-horse-battery" /* just over 45 */};
	for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++) {
		double bits = 0;
		assert_int_equal(check(strong[i], NULL, 0, &bits), VAULT_PASS_OK);
		assert_true(bits >= VAULT_PASS_MIN_BITS);
	}
}

/* the words of the repository's path are what an attacker who sees it tries first */
static void test_extra_words(void **state)
{
	(void)state;
	const char *const words[] = {"kawasaki", "minami", "kyoto", "east"};
	double alone, with;
	assert_int_equal(check("kawasaki-minami-kyoto-east", NULL, 0, &alone), VAULT_PASS_OK);
	assert_int_equal(check("kawasaki-minami-kyoto-east", words, 4, &with), VAULT_PASS_GUESSABLE);
	assert_true(with < alone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_length),
	        cmocka_unit_test(test_guessable),
	        cmocka_unit_test(test_extra_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
