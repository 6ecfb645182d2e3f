/*
 * progs.c - the fields a program's own message carries, for syslog and journald alike: sshd, PAM, sudo, su,
 * useradd/usermod/groupadd, cron (docs/log-rules.md lists each). All values point into the message.
 */
#include "logs/parse_int.h"

#define LIT(s) s, sizeof(s) - 1

static int eq(const char *p, size_t n, const char *lit, size_t ln)
{
	return n == ln && !memcmp(p, lit, ln);
}

/* The token at p up to a space (or one of stop), its length. */
static size_t tok(const char *p, size_t n, const char *stop)
{
	size_t i = 0;
	while (i < n && p[i] != ' ' && !strchr(stop, p[i]))
		i++;
	return i;
}

static int ipish(const char *p, size_t n)
{
	if (!n || n > 45)
		return 0;
	int colon = 0, dot = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == ':')
			colon++;
		else if (c == '.')
			dot++;
		else if (!is_digit(c) && !((c | 32) >= 'a' && (c | 32) <= 'f') && c != '%')
			return 0;
	}
	return dot == 3 || colon >= 2;
}

/* Add the token after the literal's first occurrence; returns a pointer past it, NULL when absent. */
static const char *after(struct log_event *e, const char *m, size_t n, const char *lit, size_t ll, const char *name,
                         size_t nl, const char *stop)
{
	const char *q = mem_find(m, n, lit, ll);
	if (!q)
		return NULL;
	q += ll;
	size_t t = tok(q, n - (size_t)(q - m), stop);
	if (t)
		ev_add(e, name, nl, q, t);
	return q + t;
}

static void outcome(struct log_event *e, int ok)
{
	if (ok)
		EV_ADD_LIT(e, "outcome", "success", 7);
	else
		EV_ADD_LIT(e, "outcome", "failure", 7);
}

/* "… from IP port N" or "… IP port N": source_ip and port. */
static void addr_port(struct log_event *e, const char *m, size_t n)
{
	const char *q = FIND(m, n, " port ");
	if (!q)
		return;
	const char *ip = q;
	while (ip > m && ip[-1] != ' ')
		ip--;
	if (ipish(ip, (size_t)(q - ip)))
		EV_ADD_LIT(e, "source_ip", ip, (size_t)(q - ip));
	q += 6;
	size_t t = 0, rest = n - (size_t)(q - m);
	while (t < rest && is_digit(q[t]))
		t++;
	if (t)
		EV_ADD_LIT(e, "port", q, t);
}

static void sshd(struct log_event *e, const char *m, size_t n)
{
	if (STARTS(m, n, "message repeated ")) { /* rsyslog's "message repeated 3 times: [ Failed password …]" */
		const char *b = FIND(m, n, "[ ");
		if (b) {
			n -= (size_t)(b + 2 - m);
			m = b + 2;
		}
	}
	int failed = STARTS(m, n, "Failed ") || STARTS(m, n, "Invalid user ") || STARTS(m, n, "error: maximum");
	int ok = STARTS(m, n, "Accepted ");
	if (failed || ok) {
		outcome(e, ok);
		if (STARTS(m, n, "Failed ") || ok) {
			const char *meth = m + (ok ? 9 : 7);
			size_t t = tok(meth, n - (size_t)(meth - m), "");
			EV_ADD_LIT(e, "method", meth, t);
		}
	}
	if (!after(e, m, n, LIT("nvalid user "), LIT("user"), "") && !after(e, m, n, LIT(" for "), LIT("user"), "("))
		after(e, m, n, LIT("user "), LIT("user"), "");
	addr_port(e, m, n);
	if (!FIND(m, n, " port "))
		after(e, m, n, LIT(" from "), LIT("source_ip"), ":");
}

/* "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root"
 * and "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)". */
static int pam(struct log_event *e, const char *m, size_t n)
{
	if (!STARTS(m, n, "pam_"))
		return 0;
	const char *par = memchr(m, '(', n < 40 ? n : 40);
	if (!par)
		return 1;
	EV_ADD_LIT(e, "pam_module", m, (size_t)(par - m));
	const char *svc = par + 1, *end = m + n;
	const char *colon = svc;
	while (colon < end && *colon != ':' && *colon != ')')
		colon++;
	EV_ADD_LIT(e, "pam_service", svc, (size_t)(colon - svc));
	const char *close = memchr(svc, ')', (size_t)(end - svc));
	if (!close)
		return 1;
	const char *r = close + 1;
	if (r < end && *r == ':')
		r++;
	while (r < end && *r == ' ')
		r++;
	size_t rn = (size_t)(end - r);
	if (STARTS(r, rn, "authentication failure") || STARTS(r, rn, "check pass"))
		outcome(e, 0);
	else if (STARTS(r, rn, "session opened"))
		outcome(e, 1);
	if (STARTS(r, rn, "session opened for user ") || STARTS(r, rn, "session closed for user ")) {
		after(e, r, rn, LIT(" for user "), LIT("user"), "(");
		return 1;
	}
	const char *semi = memchr(r, ';', rn);
	if (!semi)
		return 1;
	/* key=value words; an empty value ("ruser=") is left out */
	const char *p = semi + 1;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		const char *k = p;
		while (p < end && *p != '=' && *p != ' ')
			p++;
		if (p >= end || *p != '=')
			continue;
		size_t kl = (size_t)(p - k);
		const char *v = ++p;
		while (p < end && *p != ' ')
			p++;
		size_t vl = (size_t)(p - v);
		if (!vl)
			continue;
		if (eq(k, kl, LIT("rhost")))
			EV_ADD_LIT(e, "source_ip", v, vl);
		else
			ev_add(e, k, kl, v, vl);
	}
	return 1;
}

/* "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id" */
static void sudo(struct log_event *e, const char *m, size_t n)
{
	while (n && *m == ' ')
		m++, n--;
	const char *sep = FIND(m, n, " : ");
	if (!sep)
		return;
	EV_ADD_LIT(e, "user", m, (size_t)(sep - m));
	const char *p = sep + 3, *end = m + n;
	if (FIND(p, (size_t)(end - p), "incorrect password") || FIND(p, (size_t)(end - p), "NOT in sudoers"))
		outcome(e, 0);
	while (p < end) {
		const char *k = p;
		while (p < end && *p != '=' && *p != ';')
			p++;
		if (p >= end || *p != '=') {
			p += p < end;
			while (p < end && *p == ' ')
				p++;
			continue;
		}
		size_t kl = (size_t)(p - k);
		const char *v = ++p;
		if (eq(k, kl, LIT("COMMAND"))) { /* the last one; may hold ';' itself */
			EV_ADD_LIT(e, "command", v, (size_t)(end - v));
			break;
		}
		const char *s = FIND(v, (size_t)(end - v), " ; ");
		size_t vl = s ? (size_t)(s - v) : (size_t)(end - v);
		if (eq(k, kl, LIT("TTY")))
			EV_ADD_LIT(e, "tty", v, vl);
		else if (eq(k, kl, LIT("PWD")))
			EV_ADD_LIT(e, "pwd", v, vl);
		else if (eq(k, kl, LIT("USER")))
			EV_ADD_LIT(e, "target_user", v, vl);
		else
			ev_add(e, k, kl, v, vl);
		p = s ? s + 3 : end;
	}
}

/* "(to root) alice on pts/0", "FAILED SU (to root) alice on pts/0", "Successful su for root by alice" */
static void su(struct log_event *e, const char *m, size_t n)
{
	int failed = STARTS(m, n, "FAILED");
	const char *to = FIND(m, n, "(to ");
	if (to) {
		const char *v = to + 4, *end = m + n;
		size_t t = tok(v, (size_t)(end - v), ")");
		EV_ADD_LIT(e, "target_user", v, t);
		const char *u = v + t;
		if (u + 2 <= end && u[0] == ')' && u[1] == ' ') {
			u += 2;
			EV_ADD_LIT(e, "user", u, tok(u, (size_t)(end - u), ""));
		}
		after(e, m, n, LIT(" on "), LIT("tty"), "");
		outcome(e, !failed);
		return;
	}
	if (after(e, m, n, LIT("su for "), LIT("target_user"), "")) {
		after(e, m, n, LIT(" by "), LIT("user"), "");
		outcome(e, !failed && !STARTS(m, n, "FAILED"));
	}
}

/* "name=evil, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/0" */
static void comma_kv(struct log_event *e, const char *p, const char *end, int group)
{
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ','))
			p++;
		const char *k = p;
		while (p < end && *p != '=' && *p != ',')
			p++;
		if (p >= end || *p != '=')
			continue;
		size_t kl = (size_t)(p - k);
		const char *v = ++p;
		while (p < end && *p != ',')
			p++;
		size_t vl = (size_t)(p - v);
		if (eq(k, kl, LIT("name")))
			ev_add(e, group ? "group" : "user", group ? 5 : 4, v, vl);
		else if (eq(k, kl, LIT("UID")))
			EV_ADD_LIT(e, "uid", v, vl);
		else if (eq(k, kl, LIT("GID")))
			EV_ADD_LIT(e, "gid", v, vl);
		else
			ev_add(e, k, kl, v, vl);
	}
}

static void quoted(struct log_event *e, const char *m, size_t n, const char *lit, size_t ll, const char *name,
                   size_t nl)
{
	const char *q = mem_find(m, n, lit, ll);
	if (!q)
		return;
	const char *v = q + ll, *end = m + n;
	const char *c = memchr(v, '\'', (size_t)(end - v));
	if (c)
		ev_add(e, name, nl, v, (size_t)(c - v));
}

static void accounts(struct log_event *e, const char *m, size_t n)
{
	const char *end = m + n, *c;
	if (STARTS(m, n, "new user: "))
		comma_kv(e, m + 10, end, 0);
	else if (STARTS(m, n, "new group: "))
		comma_kv(e, m + 11, end, 1);
	else if ((c = FIND(m, n, "added to /etc/group: ")) != NULL)
		comma_kv(e, c + 21, end, 1);
	else if (STARTS(m, n, "add '")) { /* usermod -aG: "add 'evil' to group 'sudo'" */
		quoted(e, m, n, LIT("add '"), LIT("user"));
		quoted(e, m, n, LIT("group '"), LIT("group"));
	} else if (STARTS(m, n, "change user '") || STARTS(m, n, "delete user '") || STARTS(m, n, "lock user '")) {
		quoted(e, m, n, LIT("user '"), LIT("user"));
	}
}

/* "(root) CMD (/usr/local/bin/backup.sh)" */
static void cron(struct log_event *e, const char *m, size_t n)
{
	if (n < 3 || m[0] != '(')
		return;
	const char *c = memchr(m, ')', n);
	if (!c)
		return;
	EV_ADD_LIT(e, "user", m + 1, (size_t)(c - m - 1));
	const char *cmd = FIND(m, n, ") CMD (");
	if (cmd) {
		const char *v = cmd + 7, *end = m + n;
		size_t vl = (size_t)(end - v);
		if (vl && v[vl - 1] == ')')
			vl--;
		EV_ADD_LIT(e, "command", v, vl);
	}
}

void extract_program(struct log_event *e, const char *prog, size_t plen, const char *msg, size_t mlen)
{
	e->product = "linux";
	e->service = "syslog";
	if (!prog)
		return;
	/* PAM lines come from every program that authenticates; their service is the program's own */
	int was_pam = pam(e, msg, mlen);
	if (eq(prog, plen, LIT("sshd")) || eq(prog, plen, LIT("sshd-session"))) {
		e->service = "sshd";
		if (!was_pam)
			sshd(e, msg, mlen);
	} else if (eq(prog, plen, LIT("sudo"))) {
		e->service = "sudo";
		if (!was_pam)
			sudo(e, msg, mlen);
	} else if (eq(prog, plen, LIT("su"))) {
		e->service = "su";
		if (!was_pam)
			su(e, msg, mlen);
	} else if (eq(prog, plen, LIT("CRON")) || eq(prog, plen, LIT("cron")) || eq(prog, plen, LIT("crond"))) {
		e->service = "cron";
		if (!was_pam)
			cron(e, msg, mlen);
	} else if (eq(prog, plen, LIT("useradd")) || eq(prog, plen, LIT("usermod")) ||
	           eq(prog, plen, LIT("groupadd")) || eq(prog, plen, LIT("userdel")) ||
	           eq(prog, plen, LIT("groupmod")) || eq(prog, plen, LIT("gpasswd"))) {
		e->service = "auth";
		accounts(e, msg, mlen);
	} else if (was_pam || eq(prog, plen, LIT("login")) || eq(prog, plen, LIT("passwd")) ||
	           eq(prog, plen, LIT("systemd-logind")) || eq(prog, plen, LIT("chpasswd"))) {
		e->service = "auth";
	}
}
