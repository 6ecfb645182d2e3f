/*
 * test_vault_policy.c - retention decisions on synthetic generations: keep-last and the period buckets keep the
 * newest generation of each of the N newest periods; the pinned (newest clean), locked and suspect generations
 * are kept whatever the policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vault/vault_int.h"

#include <stdlib.h>
#include <string.h>

#define HOUR 3600000LL
#define DAY (24 * HOUR)

/* n generations, one every step ms from t0, all clean, the newest pinned. */
static void make(struct vault_snap_list *l, size_t n, int64_t t0, int64_t step)
{
	l->v = calloc(n, sizeof(*l->v));
	l->n = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(l->v[i].id, sizeof(l->v[i].id), "%064zu", i);
		l->v[i].time_ms = t0 + (int64_t)i * step;
		l->v[i].status = VAULT_CLEAN;
	}
	l->v[n - 1].pinned = 1;
}

static size_t kept(const struct vault_forget_item *it, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += it[i].keep;
	return k;
}

static void test_keep_last(void **state)
{
	(void)state;
	struct vault_snap_list l;
	make(&l, 10, 1700000000000LL, HOUR);
	struct vault_forget_item it[10];
	struct vault_policy p = {.last = 3};
	vault_policy_select(&l, &p, it);
	assert_int_equal(kept(it, 10), 3);
	assert_true(it[0].keep && it[1].keep && it[2].keep && !it[3].keep);
	assert_string_equal(it[9].reason, "outside the policy");
	free(l.v);
}

static void test_daily_buckets(void **state)
{
	(void)state;
	struct vault_snap_list l;
	/* four generations a day for 20 days (12:00 UTC start: local days contain whole groups in any zone) */
	make(&l, 80, 1700049600000LL, 6 * HOUR);
	struct vault_forget_item it[80];
	struct vault_policy p = {.daily = 7};
	vault_policy_select(&l, &p, it);
	size_t k = kept(it, 80);
	assert_true(k >= 7 && k <= 8); /* 7 days, + the pinned newest if it is not a day's newest */
	assert_true(it[0].keep);
	/* nothing older than 8 days survives */
	for (size_t j = 0; j < 80; j++)
		if (it[j].keep)
			assert_true(it[0].time_ms - it[j].time_ms < 8 * DAY);
	free(l.v);
}

static void test_never_forgotten(void **state)
{
	(void)state;
	struct vault_snap_list l;
	make(&l, 6, 1700000000000LL, DAY);
	/* the newest two are suspect: the pin moves to the newest clean one */
	l.v[5].pinned = 0;
	l.v[5].status = VAULT_SUSPECT;
	l.v[4].status = VAULT_UNREVIEWED;
	l.v[3].pinned = 1;
	l.v[0].locked_until = 4102444800000LL;
	struct vault_forget_item it[6];
	struct vault_policy p = {.last = 1};
	vault_policy_select(&l, &p, it);
	/* out[j] is the j-th newest */
	assert_true(it[0].keep); /* suspect, and last 1 */
	assert_true(it[1].keep); /* unreviewed */
	assert_true(it[2].keep); /* pinned */
	assert_non_null(strstr(it[2].reason, "pinned"));
	assert_false(it[3].keep);
	assert_false(it[4].keep);
	assert_true(it[5].keep); /* locked */
	assert_non_null(strstr(it[5].reason, "locked"));
	free(l.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_keep_last),
	        cmocka_unit_test(test_daily_buckets),
	        cmocka_unit_test(test_never_forgotten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
