/*
 * http_lease.c - the repository lock of a client of a vault server (docs §7): vault_flock on a remote repository
 * takes a lease (shared for backup and verify, exclusive for forget and prune), which the server holds as a real
 * flock on R/lock. A thread refreshes it well within its time to live, so a long backup that uploads nothing for a
 * while keeps it; every request carries its id, and the server refuses requests under a lease it has dropped, so
 * nothing is committed after the lock was lost.
 */
#include "vault_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct vlease_client {
	struct vault *v;
	char id[VLEASE_ID];
	int exclusive;
	int64_t ttl_ms;
	pthread_t thr;
	pthread_mutex_t mtx;
	pthread_cond_t cv;
	int stop;
};

static void *refresher(void *arg)
{
	struct vlease_client *c = arg;
	int64_t every = c->ttl_ms / 3 > 100 ? c->ttl_ms / 3 : 100;
	struct buf path = {0};
	buf_addf(&path, "/lease/%s", c->id);
	pthread_mutex_lock(&c->mtx);
	while (!c->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += every / 1000;
		ts.tv_nsec += (every % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		pthread_cond_timedwait(&c->cv, &c->mtx, &ts);
		if (c->stop)
			break;
		pthread_mutex_unlock(&c->mtx);
		int rc = vault_http(c->v, "PUT", path.data, NULL, 0, NULL);
		if (rc == -LB_ELOCKED) /* lost: what follows is refused by the server, the command fails there */
			lb_warn("%s", lb_errmsg());
		pthread_mutex_lock(&c->mtx);
		if (rc == -LB_ELOCKED)
			break;
	}
	pthread_mutex_unlock(&c->mtx);
	buf_release(&path);
	return NULL;
}

int vault_lease_take(struct vault *v, int exclusive)
{
	if (v->lease && v->lease->exclusive == exclusive)
		return 0;
	vault_lease_drop(v); /* a change of mode, like flock(2) on the same file: not atomic */
	struct buf out = {0};
	int rc = vault_http(v, "POST", exclusive ? "/lease/exclusive" : "/lease/shared", NULL, 0, &out);
	char id[VLEASE_ID];
	long long ttl = 0;
	if (rc == 0 && (sscanf(buf_cstr(&out), "%32s %lld", id, &ttl) != 2 || strlen(id) != 32 || ttl <= 0))
		rc = lb_error_tr(LB_EIO, "the vault server sent a malformed lease",
		                 "ボルトサーバから届いたロック (リース) の形式が不正です");
	buf_release(&out);
	if (rc < 0)
		return rc;
	struct vlease_client *c = lb_calloc(1, sizeof(*c));
	c->v = v;
	memcpy(c->id, id, VLEASE_ID);
	c->exclusive = exclusive;
	c->ttl_ms = ttl;
	pthread_mutex_init(&c->mtx, NULL);
	pthread_cond_init(&c->cv, NULL);
	v->lease = c;
	if (pthread_create(&c->thr, NULL, refresher, c) != 0) {
		v->lease = NULL;
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mtx);
		free(c);
		return lb_error_tr(LB_EINTERNAL, "cannot start the lease thread",
		                   "ロック (リース) 更新のスレッドを開始できません");
	}
	return 0;
}

void vault_lease_drop(struct vault *v)
{
	struct vlease_client *c = v->lease;
	if (!c)
		return;
	pthread_mutex_lock(&c->mtx);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mtx);
	pthread_join(c->thr, NULL);
	struct buf path = {0};
	buf_addf(&path, "/lease/%s", c->id);
	char saved[1024];
	snprintf(saved, sizeof(saved), "%s", lb_errmsg()); /* the command's own error, if any, stays the one shown */
	if (vault_http(v, "DELETE", path.data, NULL, 0, NULL) < 0)
		lb_debug("releasing the lease: %s", lb_errmsg()); /* it expires on its own */
	if (saved[0])
		(void)lb_error(LB_EIO, "%s", saved); /* only the message: the caller keeps its code */
	else
		lb_error_clear();
	buf_release(&path);
	v->lease = NULL;
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mtx);
	free(c);
}

const char *vault_lease_id(const struct vault *v)
{
	return v->lease ? v->lease->id : NULL;
}
