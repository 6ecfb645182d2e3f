/*
 * lease.c - what the vault server remembers between requests (docs §7): repository leases, each a real flock(2)
 * on R/lock through an open file description of its own (so a prune on the vault host and the server's clients
 * exclude each other exactly as local commands do), dropped when their holder stops refreshing them; and the
 * signatures accepted within the clock window, so that a captured request cannot be sent a second time.
 */
#include "vault_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static void lease_close(struct vlease_tab *t, size_t i, const char *why)
{
	struct vlease *l = &t->v[i];
	lb_info(L_("lease %.8s %s (%s) %s", "ロック %.8s %s (%s) %s"), l->id,
	        l->exclusive ? L_("exclusive", "排他") : L_("shared", "共有"), l->signer, why);
	close(l->fd);
	t->v[i] = t->v[--t->n];
}

/* Under t->mtx: drop every lease whose holder did not refresh it in time. */
static void sweep(struct vlease_tab *t, int64_t now)
{
	for (size_t i = t->n; i-- > 0;)
		if (t->v[i].expires_ms <= now)
			lease_close(t, i, L_("expired", "期限切れ"));
}

static void *reaper(void *arg)
{
	struct vlease_tab *t = arg;
	pthread_mutex_lock(&t->mtx);
	while (!t->stop) {
		sweep(t, lb_now_ms());
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		pthread_cond_timedwait(&t->cv, &t->mtx, &ts);
	}
	pthread_mutex_unlock(&t->mtx);
	return NULL;
}

int vlease_init(struct vlease_tab *t, const char *root, int64_t ttl_ms)
{
	memset(t, 0, sizeof(*t));
	t->ttl_ms = ttl_ms;
	struct buf p = {0};
	buf_addf(&p, "%s/lock", root);
	t->lockpath = buf_detach(&p, NULL);
	pthread_mutex_init(&t->mtx, NULL);
	pthread_cond_init(&t->cv, NULL);
	if (pthread_create(&t->reaper, NULL, reaper, t) != 0) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mtx);
		free(t->lockpath);
		return lb_error_tr(LB_EINTERNAL, "cannot start the lease thread",
		                   "ロック (リース) 更新のスレッドを開始できません");
	}
	return 0;
}

void vlease_release(struct vlease_tab *t)
{
	pthread_mutex_lock(&t->mtx);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mtx);
	pthread_join(t->reaper, NULL);
	while (t->n)
		lease_close(t, t->n - 1, L_("released (server stops)", "解放 (サーバ停止)"));
	free(t->v);
	free(t->lockpath);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mtx);
}

int vlease_take(struct vlease_tab *t, int exclusive, const char *signer, char id[VLEASE_ID])
{
	int fd = open(t->lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return lb_error_errno_tr(errno, "cannot open the repository's lock file",
		                         "リポジトリのロックファイルを開けません");
	pthread_mutex_lock(&t->mtx);
	sweep(t, lb_now_ms()); /* a holder that is gone must not keep the lock one tick longer */
	int rc = 0, held = 0;
	for (size_t i = 0; i < t->n; i++)
		held += !strcmp(t->v[i].signer, signer);
	if (held >= VLEASE_PER_SIGNER) {
		/* a key that takes lease after lease (a compromised writer) would use up the server's descriptors */
		rc = lb_error_tr(LB_ELOCKED,
		                 "this key holds %d repository leases already: release one or let it expire",
		                 "この鍵はすでにリポジトリのロック (リース) を %d 個持っています: "
		                 "どれかを解放するか期限切れを待ってください",
		                 held);
		close(fd);
	} else if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK
		             ? lb_error_tr(LB_ELOCKED, "repository is locked: %s is running",
		                           "リポジトリはロック中です: %s が実行中です",
		                           exclusive ? L_("a backup or prune", "バックアップまたは prune")
		                                     : L_("a prune or forget", "prune または forget"))
		             : lb_error_errno_tr(errno, "cannot lock the repository", "リポジトリをロックできません");
		close(fd);
	} else {
		uint8_t raw[16];
		randombytes_buf(raw, sizeof(raw));
		vault_hex(id, raw, sizeof(raw));
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 8;
			t->v = lb_reallocarray(t->v, t->cap, sizeof(*t->v));
		}
		struct vlease *l = &t->v[t->n++];
		memset(l, 0, sizeof(*l));
		memcpy(l->id, id, VLEASE_ID);
		snprintf(l->signer, sizeof(l->signer), "%s", signer);
		l->exclusive = exclusive;
		l->fd = fd;
		l->expires_ms = lb_now_ms() + t->ttl_ms;
		lb_info(L_("lease %.8s %s (%s) taken", "ロック %.8s %s (%s) を取得"), l->id,
		        exclusive ? L_("exclusive", "排他") : L_("shared", "共有"), signer);
	}
	pthread_mutex_unlock(&t->mtx);
	return rc;
}

/* Under t->mtx: index of the live lease id held by signer, or -1. */
static long find(struct vlease_tab *t, const char *id, const char *signer)
{
	sweep(t, lb_now_ms());
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].id, id) && !strcmp(t->v[i].signer, signer))
			return (long)i;
	return -1;
}

int vlease_use(struct vlease_tab *t, const char *id, const char *signer, int op)
{
	pthread_mutex_lock(&t->mtx);
	long i = find(t, id, signer);
	if (i >= 0 && op == VLEASE_REFRESH)
		t->v[i].expires_ms = lb_now_ms() + t->ttl_ms;
	else if (i >= 0 && op == VLEASE_DROP)
		lease_close(t, (size_t)i, L_("released", "解放"));
	pthread_mutex_unlock(&t->mtx);
	return i >= 0 ? 0
	              : lb_error_tr(LB_ELOCKED,
	                            "the repository lease is unknown or expired (not refreshed within %lld s): "
	                            "nothing more is accepted under it",
	                            "このリポジトリのロック (リース) は不明か期限切れです (%lld "
	                            "秒以内に更新されませんでした): これ以上は受け付けません",
	                            (long long)(t->ttl_ms / 1000));
}

/* ---- replay guard ---- */

static size_t slot_of(const uint8_t key[VREPLAY_KEY], size_t mask)
{
	uint64_t h;
	memcpy(&h, key, sizeof(h));
	return (size_t)h & mask;
}

static void insert(struct vreplay *r, const uint8_t key[VREPLAY_KEY], int64_t until_ms)
{
	size_t mask = r->cap - 1, i = slot_of(key, mask);
	while (r->e[i].until_ms)
		i = (i + 1) & mask;
	memcpy(r->e[i].key, key, VREPLAY_KEY);
	r->e[i].until_ms = until_ms;
	r->n++;
}

/* Rebuild without the entries whose time window has passed, growing when it stays over a quarter full. */
static void rebuild(struct vreplay *r, int64_t now)
{
	size_t live = 0;
	for (size_t i = 0; i < r->cap; i++)
		live += r->e[i].until_ms > now;
	size_t cap = r->cap ? r->cap : 1024;
	while (live + 1 > cap / 4)
		cap *= 2;
	struct vreplay old = *r;
	r->e = lb_calloc(cap, sizeof(*r->e));
	r->cap = cap;
	r->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.e[i].until_ms > now)
			insert(r, old.e[i].key, old.e[i].until_ms);
	free(old.e);
}

int vreplay_check(struct vreplay *r, const uint8_t sig[64], int64_t until_ms)
{
	int64_t now = lb_now_ms();
	pthread_mutex_lock(&r->mtx);
	if (r->n + 1 > r->cap / 2)
		rebuild(r, now);
	size_t mask = r->cap - 1;
	int seen = 0;
	for (size_t i = slot_of(sig, mask); r->e[i].until_ms; i = (i + 1) & mask)
		if (!memcmp(r->e[i].key, sig, VREPLAY_KEY) && r->e[i].until_ms > now) {
			seen = 1;
			break;
		}
	if (!seen)
		insert(r, sig, until_ms);
	pthread_mutex_unlock(&r->mtx);
	return seen ? lb_error_tr(LB_EAUTH, "request refused: that signed request was already used (replay)",
	                          "要求を拒否しました: この署名付き要求はすでに使われています (再送攻撃)")
	            : 0;
}

void vreplay_release(struct vreplay *r)
{
	free(r->e);
	r->e = NULL;
	r->n = r->cap = 0;
}
