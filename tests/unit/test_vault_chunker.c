/*
 * test_vault_chunker.c - the keyed FastCDC chunker: sizes stay within min/max, cuts depend only on content and
 * key (an insertion near the start leaves the later chunks as they were), another key cuts elsewhere, and the
 * average size is near the configured one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vault/vault_int.h"

#include <stdlib.h>
#include <string.h>

#define MIN (64u << 10)
#define BITS 17
#define MAX (1u << 20)

static uint8_t *random_data(size_t n, uint32_t seed)
{
	uint8_t *p = malloc(n);
	uint8_t key[32] = {0};
	memcpy(key, &seed, sizeof(seed));
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = {0};
	crypto_stream_chacha20(p, n, nonce, key);
	return p;
}

/* Cut a whole buffer into chunks; returns their count and fills ends[] with end offsets. */
static size_t cut_all(const struct vchunker *c, const uint8_t *p, size_t n, size_t *ends, size_t cap)
{
	size_t off = 0, k = 0;
	while (off < n && k < cap) {
		size_t len = vchunker_cut(c, p + off, n - off);
		assert_true(len > 0);
		off += len;
		ends[k++] = off;
	}
	return k;
}

static void test_bounds_and_average(void **state)
{
	(void)state;
	uint8_t seed[32] = {1};
	struct vchunker c;
	vchunker_init(&c, seed, MIN, BITS, MAX);
	size_t n = 32u << 20;
	uint8_t *p = random_data(n, 7);
	size_t *ends = calloc(4096, sizeof(size_t));
	size_t k = cut_all(&c, p, n, ends, 4096);
	for (size_t i = 0; i + 1 < k; i++) {
		size_t len = ends[i] - (i ? ends[i - 1] : 0);
		assert_true(len >= MIN);
		assert_true(len <= MAX);
	}
	double avg = (double)n / (double)k;
	assert_true(avg > (1u << BITS) * 0.7);
	assert_true(avg < (1u << BITS) * 2.0);
	free(ends);
	free(p);
}

static void test_small_and_zero(void **state)
{
	(void)state;
	uint8_t seed[32] = {2};
	struct vchunker c;
	vchunker_init(&c, seed, MIN, BITS, MAX);
	uint8_t *p = calloc(1, 3 * MAX);
	assert_int_equal(vchunker_cut(&c, p, 100), 100);
	assert_int_equal(vchunker_cut(&c, p, MIN), MIN);
	/* all zeros never matches a random mask often: chunks still stop at max */
	size_t len = vchunker_cut(&c, p, 3 * MAX);
	assert_true(len >= MIN && len <= MAX);
	free(p);
}

static void test_shift_resilience(void **state)
{
	(void)state;
	uint8_t seed[32] = {3};
	struct vchunker c;
	vchunker_init(&c, seed, MIN, BITS, MAX);
	size_t n = 16u << 20;
	uint8_t *a = random_data(n, 11);
	uint8_t *b = malloc(n + 1000);
	memcpy(b, "inserted text at the front of the file", 38);
	memset(b + 38, 'x', 962);
	memcpy(b + 1000, a, n);
	size_t *ea = calloc(4096, sizeof(size_t)), *eb = calloc(4096, sizeof(size_t));
	size_t ka = cut_all(&c, a, n, ea, 4096), kb = cut_all(&c, b, n + 1000, eb, 4096);
	/* the same cut points (shifted by 1000) after the first few chunks */
	size_t same = 0;
	for (size_t i = 0; i < ka; i++)
		for (size_t j = 0; j < kb; j++)
			if (eb[j] == ea[i] + 1000) {
				same++;
				break;
			}
	assert_true(same + 3 >= ka);
	free(ea);
	free(eb);
	free(a);
	free(b);
}

static void test_key_changes_cuts(void **state)
{
	(void)state;
	uint8_t s1[32] = {4}, s2[32] = {5};
	struct vchunker c1, c2;
	vchunker_init(&c1, s1, MIN, BITS, MAX);
	vchunker_init(&c2, s2, MIN, BITS, MAX);
	assert_memory_not_equal(c1.gear, c2.gear, sizeof(c1.gear));
	size_t n = 8u << 20;
	uint8_t *p = random_data(n, 13);
	size_t *e1 = calloc(1024, sizeof(size_t)), *e2 = calloc(1024, sizeof(size_t));
	size_t k1 = cut_all(&c1, p, n, e1, 1024), k2 = cut_all(&c2, p, n, e2, 1024);
	size_t same = 0;
	for (size_t i = 0; i + 1 < k1; i++)
		for (size_t j = 0; j + 1 < k2; j++)
			same += e1[i] == e2[j];
	assert_true(same * 4 < k1); /* boundaries do not carry over between keys */
	/* and the same key gives the same cuts */
	struct vchunker c1b;
	vchunker_init(&c1b, s1, MIN, BITS, MAX);
	size_t *e3 = calloc(1024, sizeof(size_t));
	assert_int_equal(cut_all(&c1b, p, n, e3, 1024), k1);
	assert_memory_equal(e1, e3, k1 * sizeof(size_t));
	free(e1);
	free(e2);
	free(e3);
	free(p);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bounds_and_average),
	        cmocka_unit_test(test_small_and_zero),
	        cmocka_unit_test(test_shift_resilience),
	        cmocka_unit_test(test_key_changes_cuts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
