/*
 * test_rx_keys.c - a drug master's ';'-separated lists (generic names, classes, interaction groups) split into
 * search keys (src/rx/keys.c): every separator a master writes (; , ； 、), empty parts dropped, the spelling kept
 * for messages, each folding, and a list of exactly RX_KEYS_MAX items kept whole while the item after is dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rx/rx_int.h"

/* The keys of list as "key|shown key|shown …" (key compared with rx_key of the expected spelling by the caller). */
static void split(const char *list, enum rx_key_fold fold, char *out, size_t cap)
{
	struct rx_keys k;
	rx_keys_of(&k, list, fold);
	out[0] = 0;
	for (int i = 0; i < k.n; i++) {
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s%s|%s", i ? " " : "", k.v[i], k.shown[i]);
	}
	rx_keys_free(&k);
}

/* "KEY(a)|a KEY(b)|b …" for the spellings given, the key of each folded as rx_key does. */
static void want(char *out, size_t cap, const char *const *keys, const char *const *shown, int n)
{
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		char *k = rx_key(keys[i]);
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%s%s|%s", i ? " " : "", k, shown[i]);
		free(k);
	}
}

static void separators(void **state)
{
	(void)state;
	char got[512], exp[512];
	const char *const ab[] = {"アスピリン", "ロキソプロフェン"};
	split("アスピリン;ロキソプロフェン", RX_FOLD_PLAIN, got, sizeof(got));
	want(exp, sizeof(exp), ab, ab, 2);
	assert_string_equal(got, exp);
	split("アスピリン,ロキソプロフェン", RX_FOLD_PLAIN, got, sizeof(got));
	assert_string_equal(got, exp);
	/* the Japanese forms, each on its own */
	split("アスピリン；ロキソプロフェン", RX_FOLD_PLAIN, got, sizeof(got));
	assert_string_equal(got, exp);
	split("アスピリン、ロキソプロフェン", RX_FOLD_PLAIN, got, sizeof(got));
	assert_string_equal(got, exp);
	/* empty parts and a trailing separator give no key */
	const char *const a[] = {"アスピリン"};
	split(";;アスピリン、；,", RX_FOLD_PLAIN, got, sizeof(got));
	want(exp, sizeof(exp), a, a, 1);
	assert_string_equal(got, exp);
	split("", RX_FOLD_PLAIN, got, sizeof(got));
	assert_string_equal(got, "");
	split(NULL, RX_FOLD_PLAIN, got, sizeof(got));
	assert_string_equal(got, "");
}

static void foldings(void **state)
{
	(void)state;
	char got[512], exp[512];
	/* plain keeps 系; KEI drops it (ペニシリン系 meets an allergy written ペニシリン) */
	const char *const kei[] = {"ペニシリン系"}, *const pen[] = {"ペニシリン"};
	split("ペニシリン系", RX_FOLD_PLAIN, got, sizeof(got));
	want(exp, sizeof(exp), kei, kei, 1);
	assert_string_equal(got, exp);
	split("ペニシリン系", RX_FOLD_KEI, got, sizeof(got));
	want(exp, sizeof(exp), pen, kei, 1);
	assert_string_equal(got, exp);
	/* the class dictionary's canonical class: ペニ系 → ペニシリン */
	const char *const peni[] = {"ペニ系"};
	split("ペニ系", RX_FOLD_CLASS, got, sizeof(got));
	want(exp, sizeof(exp), pen, peni, 1);
	assert_string_equal(got, exp);
	/* ingredient: the salt and the hydrate off; plain keeps them */
	const char *const salt[] = {"ロキソプロフェンナトリウム水和物"}, *const lox[] = {"ロキソプロフェン"};
	split("ロキソプロフェンナトリウム水和物", RX_FOLD_INGREDIENT, got, sizeof(got));
	want(exp, sizeof(exp), lox, salt, 1);
	assert_string_equal(got, exp);
	split("ロキソプロフェンナトリウム水和物", RX_FOLD_PLAIN, got, sizeof(got));
	want(exp, sizeof(exp), salt, salt, 1);
	assert_string_equal(got, exp);
	split("ロキソプロフェンナトリウム水和物", RX_FOLD_KEI, got, sizeof(got));
	assert_string_equal(got, exp);
}

/* RX_KEYS_MAX items are all kept; the one after is dropped, and nothing earlier is overwritten. */
static void at_most_max(void **state)
{
	(void)state;
	char list[512] = "";
	for (int i = 0; i < RX_KEYS_MAX + 1; i++) {
		size_t n = strlen(list);
		snprintf(list + n, sizeof(list) - n, "%sK%d", i ? ";" : "", i);
	}
	struct rx_keys k;
	rx_keys_of(&k, list, RX_FOLD_PLAIN);
	assert_int_equal(k.n, RX_KEYS_MAX);
	for (int i = 0; i < k.n; i++) {
		char w[16];
		snprintf(w, sizeof(w), "K%d", i);
		assert_string_equal(k.shown[i], w);
		char *key = rx_key(w);
		assert_string_equal(k.v[i], key);
		free(key);
	}
	rx_keys_free(&k);
	assert_int_equal(k.n, 0);
	/* exactly RX_KEYS_MAX: the last one is there */
	*strrchr(list, ';') = 0;
	rx_keys_of(&k, list, RX_FOLD_PLAIN);
	assert_int_equal(k.n, RX_KEYS_MAX);
	char last[16];
	snprintf(last, sizeof(last), "K%d", RX_KEYS_MAX - 1);
	assert_string_equal(k.shown[RX_KEYS_MAX - 1], last);
	rx_keys_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(separators),
	        cmocka_unit_test(foldings),
	        cmocka_unit_test(at_most_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
