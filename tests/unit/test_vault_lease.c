/*
 * test_vault_lease.c - what the vault server remembers: a signature is accepted once while its window lasts, the
 * replay memory drops what left the window (it does not grow with the requests of a long run), and leases are
 * flocks on R/lock: shared beside shared, exclusive alone, refused for the wrong signer, gone after their TTL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vault/vault_int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static void sig_of(uint8_t sig[64], uint32_t n)
{
	memset(sig, 0, 64);
	crypto_generichash(sig, 32, (const uint8_t *)&n, sizeof(n), NULL, 0);
}

static void replay_once(void **state)
{
	(void)state;
	struct vreplay r = {.mtx = PTHREAD_MUTEX_INITIALIZER};
	uint8_t a[64], b[64];
	sig_of(a, 1);
	sig_of(b, 2);
	int64_t until = lb_now_ms() + 300000;
	assert_int_equal(vreplay_check(&r, a, until), 0);
	assert_int_equal(vreplay_check(&r, b, until), 0);
	assert_int_equal(vreplay_check(&r, a, until), -LB_EAUTH);
	assert_int_equal(vreplay_check(&r, b, until), -LB_EAUTH);
	vreplay_release(&r);
}

static void replay_bounded(void **state)
{
	(void)state;
	struct vreplay r = {.mtx = PTHREAD_MUTEX_INITIALIZER};
	uint8_t s[64];
	/* a long run of requests whose window has already passed: the table stays small */
	for (uint32_t i = 0; i < 100000; i++) {
		sig_of(s, i);
		assert_int_equal(vreplay_check(&r, s, lb_now_ms() - 1), 0);
	}
	assert_true(r.cap <= 4096);
	/* live ones are all kept (the table grows for them) and all refused a second time */
	for (uint32_t i = 0; i < 5000; i++) {
		sig_of(s, 1000000 + i);
		assert_int_equal(vreplay_check(&r, s, lb_now_ms() + 300000), 0);
	}
	for (uint32_t i = 0; i < 5000; i++) {
		sig_of(s, 1000000 + i);
		assert_int_equal(vreplay_check(&r, s, lb_now_ms() + 300000), -LB_EAUTH);
	}
	vreplay_release(&r);
}

static int lock_free(const char *dir, int exclusive)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/lock", dir);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	int ok = flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0;
	close(fd);
	return ok;
}

static void leases(void **state)
{
	(void)state;
	char dir[] = "/tmp/lb-lease-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct vlease_tab t;
	assert_int_equal(vlease_init(&t, dir, 60000), 0);
	char a[VLEASE_ID], b[VLEASE_ID], x[VLEASE_ID];
	assert_int_equal(vlease_take(&t, 0, "w1", a), 0);
	assert_int_equal(vlease_take(&t, 0, "w2", b), 0);
	assert_int_equal(vlease_take(&t, 1, "admin", x), -LB_ELOCKED);
	assert_non_null(strstr(lb_errmsg(), "repository is locked"));
	assert_false(lock_free(dir, 1));
	assert_true(lock_free(dir, 0));
	assert_int_equal(vlease_use(&t, a, "w2", VLEASE_CHECK), -LB_ELOCKED); /* someone else's */
	assert_int_equal(vlease_use(&t, a, "w1", VLEASE_REFRESH), 0);
	assert_int_equal(vlease_use(&t, a, "w1", VLEASE_DROP), 0);
	assert_int_equal(vlease_use(&t, a, "w1", VLEASE_CHECK), -LB_ELOCKED);
	assert_int_equal(vlease_use(&t, b, "w2", VLEASE_DROP), 0);
	assert_true(lock_free(dir, 1));
	assert_int_equal(vlease_take(&t, 1, "admin", x), 0);
	assert_false(lock_free(dir, 0));
	assert_int_equal(vlease_take(&t, 0, "w1", a), -LB_ELOCKED);
	vlease_release(&t);
	assert_true(lock_free(dir, 1));
	/* one key holds at most VLEASE_PER_SIGNER leases (each an open file on the vault host); others still get theirs */
	assert_int_equal(vlease_init(&t, dir, 60000), 0);
	for (int i = 0; i < VLEASE_PER_SIGNER; i++)
		assert_int_equal(vlease_take(&t, 0, "w1", a), 0);
	assert_int_equal(vlease_take(&t, 0, "w1", b), -LB_ELOCKED);
	assert_non_null(strstr(lb_errmsg(), "leases already"));
	assert_int_equal(vlease_take(&t, 0, "w2", b), 0);
	assert_int_equal(vlease_use(&t, a, "w1", VLEASE_DROP), 0);
	assert_int_equal(vlease_take(&t, 0, "w1", a), 0);
	vlease_release(&t);
	/* a lease nobody refreshes is dropped with its flock */
	assert_int_equal(vlease_init(&t, dir, 1), 0);
	assert_int_equal(vlease_take(&t, 1, "admin", x), 0);
	usleep(10000);
	assert_int_equal(vlease_use(&t, x, "admin", VLEASE_CHECK), -LB_ELOCKED);
	assert_true(lock_free(dir, 1));
	vlease_release(&t);
	char p[512];
	snprintf(p, sizeof(p), "%s/lock", dir);
	unlink(p);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(replay_once),
	        cmocka_unit_test(replay_bounded),
	        cmocka_unit_test(leases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
