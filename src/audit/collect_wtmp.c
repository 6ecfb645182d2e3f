/*
 * collect_wtmp.c - last logins from /var/log/wtmp for `audit collect --host`, beside lastlog: wtmp keeps every
 * login (lastlog only the last per UID, and not at all on some systems). The records are glibc's struct utmp
 * from <utmp.h>, read whole; a trailing part shorter than a record (a file cut while written) is not read and is
 * said under the device's `unread` by the caller.
 */
#include "audit_int.h"

#include <stdlib.h>
#include <string.h>
#include <utmp.h>

_Static_assert(sizeof(((struct utmp *)0)->ut_user) < sizeof(((struct audit_login *)0)->user),
               "a user name of wtmp fits with its NUL");

static int by_user(const void *a, const void *b)
{
	return strcmp(((const struct audit_login *)a)->user, ((const struct audit_login *)b)->user);
}

size_t audit_wtmp_scan(const unsigned char *data, size_t len, struct audit_logins *out, size_t *rest)
{
	size_t whole = len / sizeof(struct utmp);
	*rest = len % sizeof(struct utmp);
	for (size_t i = 0; i < whole; i++) {
		struct utmp u;
		memcpy(&u, data + i * sizeof(u), sizeof(u));
		if (u.ut_type != USER_PROCESS || !u.ut_user[0] || u.ut_tv.tv_sec <= 0)
			continue;
		char user[sizeof(u.ut_user) + 1];
		memcpy(user, u.ut_user, sizeof(u.ut_user));
		user[sizeof(u.ut_user)] = '\0';
		size_t k = 0;
		while (k < out->n && strcmp(out->v[k].user, user))
			k++;
		if (k == out->n) {
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 16;
				out->v = lb_reallocarray(out->v, out->cap, sizeof(*out->v));
			}
			memcpy(out->v[k].user, user, sizeof(user));
			out->v[k].t = 0;
			out->n++;
		}
		if ((int64_t)u.ut_tv.tv_sec > out->v[k].t)
			out->v[k].t = (int64_t)u.ut_tv.tv_sec;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_user);
	return whole;
}

int64_t audit_logins_last(const struct audit_logins *l, const char *user)
{
	struct audit_login key;
	if (!l->n || strlen(user) >= sizeof(key.user))
		return 0;
	memset(&key, 0, sizeof(key));
	memcpy(key.user, user, strlen(user));
	const struct audit_login *hit = bsearch(&key, l->v, l->n, sizeof(*l->v), by_user);
	return hit ? hit->t : 0;
}

void audit_logins_free(struct audit_logins *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
