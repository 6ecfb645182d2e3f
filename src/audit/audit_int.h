/* audit_int.h - what the check files of src/audit/ share. Internal. */
#ifndef LB_AUDIT_INT_H
#define LB_AUDIT_INT_H

#include "audit.h"

void audit_check_endpoints(const struct audit_inventory *inv, const struct audit_check_opts *o,
                           struct audit_findings *f);
void audit_check_network(const struct audit_inventory *inv, struct audit_findings *f);
/* The findings from index from on are about this entry (one of the four given). */
void audit_about(struct audit_findings *f, size_t from, const struct audit_device *d, const struct audit_account *a,
                 const struct audit_path *p, const struct audit_policy *pol);

/* Last logins read from wtmp (collect_wtmp.c): per user, the latest USER_PROCESS record's time. */
struct audit_login {
	char user[33]; /* ut_user is 32 bytes, not always NUL-terminated */
	int64_t t;     /* seconds since the epoch */
};
struct audit_logins {
	struct audit_login *v;
	size_t n, cap;
};
/* Scan wtmp bytes (struct utmp records); *rest: trailing bytes short of a record (not read). Whole records read. */
size_t audit_wtmp_scan(const unsigned char *data, size_t len, struct audit_logins *out, size_t *rest);
/* The user's last login time, 0 when wtmp has none. */
int64_t audit_logins_last(const struct audit_logins *l, const char *user);
void audit_logins_free(struct audit_logins *l);

#endif
