/*
 * collect.c - `audit collect --host`: this Linux machine as an inventory (one device, its local accounts, its
 * password policy). Everything comes from files the system keeps (os-release, uname, the dpkg status file,
 * /proc/net/tcp{,6} and /proc/PID/fd, passwd/group/shadow, sudoers, lastlog and wtmp, login.defs, PAM, sshd_config); what
 * cannot be read (not root, not installed) is listed under the device's `unread`, never guessed.
 */
#include "audit_int.h"

#include <ctype.h>
#include <dirent.h>
#include <lastlog.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <utmp.h>

struct cx {
	const char *root;
	struct audit_device *d;
};

static int slurp(struct cx *c, const char *path, struct buf *b, int note)
{
	struct buf p = {0};
	lb_path_join(&p, c->root, path);
	buf_reset(b);
	int rc = buf_read_file(b, buf_cstr(&p), 64u << 20);
	buf_release(&p);
	if (rc < 0 && note) {
		struct buf m = {0};
		buf_addf(&m, L_("%s: not readable (%s)", "%s: 読めません (%s)"), path, lb_errmsg());
		lb_strlist_push(&c->d->unread, buf_detach(&m, NULL));
	}
	return rc;
}

/* Next line of b from *pos (NUL-terminated in place), NULL at the end. */
static char *next_line(struct buf *b, size_t *pos)
{
	if (!b->data || *pos >= b->len)
		return NULL;
	char *s = b->data + *pos, *nl = memchr(s, '\n', b->len - *pos);
	if (nl) {
		*nl = 0;
		*pos = (size_t)(nl - b->data) + 1;
	} else {
		*pos = b->len;
	}
	return s;
}

static char *unquote(char *v)
{
	size_t n = strlen(v);
	while (n && isspace((unsigned char)v[n - 1]))
		v[--n] = 0;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = 0;
		return v + 1;
	}
	return v;
}

static void os_release(struct cx *c)
{
	struct buf b = {0};
	if (slurp(c, "/etc/os-release", &b, 0) < 0 && slurp(c, "/usr/lib/os-release", &b, 1) < 0) {
		buf_release(&b);
		return;
	}
	size_t pos = 0;
	for (char *l; (l = next_line(&b, &pos));)
		if (!strncmp(l, "PRETTY_NAME=", 12))
			c->d->os = lb_strdup(unquote(l + 12));
	buf_release(&b);
}

static void packages(struct cx *c)
{
	struct buf b = {0};
	if (slurp(c, "/var/lib/dpkg/status", &b, 1) < 0) {
		buf_release(&b);
		return;
	}
	size_t pos = 0;
	char *name = NULL, *ver = NULL;
	int installed = 0;
	for (char *l;;) {
		l = next_line(&b, &pos);
		if (!l || !*l) {
			if (name && installed) {
				struct audit_device *d = c->d;
				d->packages = lb_reallocarray(d->packages, d->npackages + 1, sizeof(*d->packages));
				d->packages[d->npackages].name = name;
				d->packages[d->npackages++].version = ver;
			} else {
				free(name), free(ver);
			}
			name = ver = NULL, installed = 0;
			if (!l)
				break;
			continue;
		}
		if (!strncmp(l, "Package: ", 9))
			free(name), name = lb_strdup(l + 9);
		else if (!strncmp(l, "Version: ", 9))
			free(ver), ver = lb_strdup(l + 9);
		else if (!strncmp(l, "Status: ", 8))
			installed = strstr(l, " installed") != NULL;
	}
	buf_release(&b);
}

/* ---- listening sockets -------------------------------------------------------------------------------------- */

struct sock {
	unsigned long inode;
	long port;
	char addr[96];
	char *program;
};

static const char *port_name(long port)
{
	switch (port) {
	case 21:
		return "ftp";
	case 22:
		return "ssh";
	case 23:
		return "telnet";
	case 25:
		return "smtp";
	case 80:
		return "http";
	case 139:
		return "netbios";
	case 443:
		return "https";
	case 445:
		return "smb";
	case 3389:
		return "rdp";
	case 5900:
		return "vnc";
	default:
		return NULL;
	}
}

static void read_tcp(struct cx *c, const char *file, int v6, struct sock **v, size_t *n)
{
	struct buf b = {0};
	if (slurp(c, file, &b, 1) < 0) {
		buf_release(&b);
		return;
	}
	size_t pos = 0;
	next_line(&b, &pos); /* header */
	for (char *l; (l = next_line(&b, &pos));) {
		char local[80], rem[80];
		unsigned st;
		unsigned long inode;
		if (sscanf(l, " %*d: %79s %79s %x %*s %*s %*s %*s %*s %lu", local, rem, &st, &inode) != 4 || st != 0x0A)
			continue;
		char *colon = strrchr(local, ':');
		if (!colon)
			continue;
		*colon = 0;
		struct sock s = {.inode = inode, .port = strtol(colon + 1, NULL, 16)};
		if (!v6 && strlen(local) == 8) {
			unsigned long a = strtoul(local, NULL, 16);
			snprintf(s.addr, sizeof(s.addr), "%lu.%lu.%lu.%lu", a & 255, (a >> 8) & 255, (a >> 16) & 255,
			         a >> 24);
		} else {
			snprintf(s.addr, sizeof(s.addr), "%s", strspn(local, "0") == strlen(local) ? "::" : local);
		}
		*v = lb_reallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = s;
	}
	buf_release(&b);
}

/* Which process holds each socket inode: /proc/PID/fd/N → "socket:[INODE]". Only the processes we may read. */
static void programs(struct cx *c, struct sock *v, size_t n)
{
	struct buf p = {0};
	lb_path_join(&p, c->root, "/proc");
	DIR *proc = opendir(buf_cstr(&p));
	int hidden = 0;
	for (struct dirent *e; proc && (e = readdir(proc));) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		struct buf fdp = {0};
		buf_addf(&fdp, "%s/%s/fd", buf_cstr(&p), e->d_name);
		DIR *fd = opendir(buf_cstr(&fdp));
		if (!fd) {
			hidden = 1;
			buf_release(&fdp);
			continue;
		}
		for (struct dirent *f; (f = readdir(fd));) {
			char link[64], path[600];
			snprintf(path, sizeof(path), "%s/%s", buf_cstr(&fdp), f->d_name);
			ssize_t k = readlink(path, link, sizeof(link) - 1);
			unsigned long ino;
			if (k <= 0)
				continue;
			link[k] = 0;
			if (sscanf(link, "socket:[%lu]", &ino) != 1)
				continue;
			for (size_t i = 0; i < n; i++)
				if (v[i].inode == ino && !v[i].program) {
					struct buf comm = {0};
					char cp[300];
					snprintf(cp, sizeof(cp), "%s/%s/comm", buf_cstr(&p), e->d_name);
					if (buf_read_file(&comm, cp, 4096) == 0 && comm.len) {
						while (comm.len && comm.data[comm.len - 1] == '\n')
							comm.data[--comm.len] = 0;
						v[i].program = buf_detach(&comm, NULL);
					}
					buf_release(&comm);
				}
		}
		closedir(fd);
		buf_release(&fdp);
	}
	if (proc)
		closedir(proc);
	buf_release(&p);
	int missing = 0;
	for (size_t i = 0; i < n; i++)
		missing |= !v[i].program;
	if (hidden && missing)
		lb_strlist_push(&c->d->unread,
		                lb_strdup(L_("/proc/PID/fd of other users' processes: not readable; some listening "
		                             "sockets have no program",
		                             "他の利用者のプロセスの /proc/PID/fd "
		                             "が読めないため、一部の待ち受けソケットのプログラムが不明です")));
}

static void sockets(struct cx *c)
{
	struct sock *v = NULL;
	size_t n = 0;
	read_tcp(c, "/proc/net/tcp", 0, &v, &n);
	read_tcp(c, "/proc/net/tcp6", 1, &v, &n);
	programs(c, v, n);
	struct audit_device *d = c->d;
	d->services = lb_reallocarray(d->services, n + 1, sizeof(*d->services));
	for (size_t i = 0; i < n; i++) {
		struct audit_service *s = &d->services[d->nservices++];
		memset(s, 0, sizeof(*s));
		const char *pn = port_name(v[i].port);
		s->name = lb_strdup(pn ? pn : v[i].program ? v[i].program : "tcp");
		s->proto = lb_strdup("tcp");
		s->port = v[i].port;
		s->address = lb_strdup(v[i].addr);
		s->program = v[i].program;
	}
	free(v);
}

/* ---- accounts ----------------------------------------------------------------------------------------------- */

static int in_list(const char *csv, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = csv; p && *p;) {
		const char *e = strchr(p, ',');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		if (k == n && !strncmp(p, name, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* sudoers: the users and %groups given ALL (the common way admin rights are granted). */
static void sudoers_file(struct cx *c, const char *path, struct lb_strlist *who, int note)
{
	struct buf b = {0};
	if (slurp(c, path, &b, note) == 0) {
		size_t pos = 0;
		for (char *l; (l = next_line(&b, &pos));) {
			while (isspace((unsigned char)*l))
				l++;
			if (*l == '#' || !*l || !strncmp(l, "Defaults", 8) || strstr(l, "_Alias"))
				continue;
			char who1[256];
			if (sscanf(l, "%255s", who1) == 1 && strstr(l, "ALL"))
				lb_strlist_push(who, lb_strdup(who1));
		}
	}
	buf_release(&b);
}

static void sudoers(struct cx *c, struct lb_strlist *who)
{
	sudoers_file(c, "/etc/sudoers", who, 1);
	struct buf p = {0};
	lb_path_join(&p, c->root, "/etc/sudoers.d");
	DIR *dir = opendir(buf_cstr(&p));
	for (struct dirent *e; dir && (e = readdir(dir));) {
		if (e->d_name[0] == '.' || strchr(e->d_name, '~'))
			continue;
		char rel[300];
		snprintf(rel, sizeof(rel), "/etc/sudoers.d/%s", e->d_name);
		sudoers_file(c, rel, who, 1);
	}
	if (dir)
		closedir(dir);
	buf_release(&p);
}

static void accounts(struct cx *c, struct audit_inventory *inv)
{
	struct buf pw = {0}, gr = {0}, sh = {0}, ll = {0};
	if (slurp(c, "/etc/passwd", &pw, 1) < 0) {
		buf_release(&pw);
		return;
	}
	slurp(c, "/etc/group", &gr, 1);
	int have_shadow = slurp(c, "/etc/shadow", &sh, 1) == 0;
	int have_lastlog = slurp(c, "/var/log/lastlog", &ll, 1) == 0;
	struct buf wt = {0};
	struct audit_logins logins = {0};
	if (slurp(c, "/var/log/wtmp", &wt, 1) == 0) {
		size_t rest = 0;
		audit_wtmp_scan((const unsigned char *)(wt.data ? wt.data : ""), wt.len, &logins, &rest);
		if (rest) {
			struct buf m = {0};
			buf_addf(&m,
			         L_("/var/log/wtmp: the last %zu bytes are not a whole record (%zu bytes each): not "
			            "read",
			            "/var/log/wtmp: 末尾 %zu バイトがレコード (%zu バイト) "
			            "に満たないため読んでいません"),
			         rest, sizeof(struct utmp));
			lb_strlist_push(&c->d->unread, buf_detach(&m, NULL));
		}
	}
	buf_release(&wt);
	struct lb_strlist sudo = {0};
	sudoers(c, &sudo);
	size_t pos = 0;
	for (char *l; (l = next_line(&pw, &pos));) {
		char *f[7] = {0}, *save = NULL;
		int k = 0;
		for (char *p = l; k < 7; k++) {
			f[k] = p;
			char *colon = strchr(p, ':');
			if (!colon) {
				k++;
				break;
			}
			*colon = 0;
			p = colon + 1;
		}
		(void)save;
		if (k < 7 || !*f[0])
			continue;
		inv->accounts = lb_reallocarray(inv->accounts, inv->naccounts + 1, sizeof(*inv->accounts));
		struct audit_account *a = &inv->accounts[inv->naccounts++];
		memset(a, 0, sizeof(*a));
		a->user = lb_strdup(f[0]);
		a->system = lb_strdup(c->d->name);
		a->uid = strtol(f[2], NULL, 10);
		a->source = lb_strdup("/etc/passwd");
		const char *shell = f[6];
		int nologin = strstr(shell, "nologin") || strstr(shell, "/false") || !*shell;
		if (a->uid != 0 && (a->uid < 1000 || a->uid == 65534 || nologin))
			a->role = lb_strdup("system");
		int admin = a->uid == 0;
		/* groups: the primary by gid, and every group listing the user */
		size_t gp = 0;
		struct buf g = {0};
		if (gr.data) {
			buf_add(&g, gr.data, gr.len); /* next_line writes into the buffer: walk a copy */
			for (char *gl; (gl = next_line(&g, &gp));) {
				char *gname = gl, *c1 = strchr(gl, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL,
				     *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
				if (!c3)
					continue;
				*c1 = 0, *c3 = 0;
				int member = in_list(c3 + 1, f[0]) || !strcmp(c2 + 1, f[3]);
				if (!member)
					continue;
				lb_strlist_push(&a->groups, lb_strdup(gname));
				if (!strcmp(gname, "sudo") || !strcmp(gname, "wheel") || !strcmp(gname, "admin"))
					admin = 1;
				for (size_t i = 0; i < sudo.n; i++)
					if (sudo.v[i][0] == '%' && !strcmp(sudo.v[i] + 1, gname))
						admin = 1;
			}
		}
		buf_release(&g);
		for (size_t i = 0; i < sudo.n; i++)
			if (!strcmp(sudo.v[i], f[0]))
				admin = 1;
		a->admin = admin ? AUDIT_YES : AUDIT_NO;
		if (have_shadow) {
			size_t n = strlen(f[0]);
			for (const char *s = sh.data; s && *s;) {
				if (!strncmp(s, f[0], n) && s[n] == ':') {
					char h = s[n + 1];
					a->enabled = h == '!' || h == '*' ? AUDIT_NO : AUDIT_YES;
					break;
				}
				const char *nl = strchr(s, '\n');
				s = nl ? nl + 1 : NULL;
			}
		}
		/* the later of lastlog (per UID) and wtmp (every login) */
		int64_t last = audit_logins_last(&logins, f[0]);
		if (have_lastlog && a->uid >= 0 && (size_t)(a->uid + 1) * sizeof(struct lastlog) <= ll.len) {
			struct lastlog e;
			memcpy(&e, ll.data + (size_t)a->uid * sizeof(e), sizeof(e));
			if ((int64_t)e.ll_time > last)
				last = (int64_t)e.ll_time;
		}
		if (last > 0) {
			int y, m, d;
			lb_civil_from_days(last / 86400, &y, &m, &d);
			char day[16];
			snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
			a->last_login = lb_strdup(day);
		}
	}
	audit_logins_free(&logins);
	for (size_t i = 0; i < sudo.n; i++)
		free((void *)sudo.v[i]);
	lb_strlist_free(&sudo);
	buf_release(&pw), buf_release(&gr), buf_wipe(&sh), buf_release(&ll);
}

/* ---- password and lockout policy ---------------------------------------------------------------------------- */

/* "key value" or "key = value" in a config file: the value of the first (or last) line for key. */
static int conf_long(struct cx *c, const char *path, const char *key, long *out)
{
	struct buf b = {0};
	int found = 0;
	if (slurp(c, path, &b, 0) == 0) {
		size_t pos = 0, n = strlen(key);
		for (char *l; (l = next_line(&b, &pos));) {
			while (isspace((unsigned char)*l))
				l++;
			if (!strncmp(l, key, n) && (isspace((unsigned char)l[n]) || l[n] == '=')) {
				char *v = l + n;
				while (isspace((unsigned char)*v) || *v == '=')
					v++;
				if (isdigit((unsigned char)*v))
					*out = strtol(v, NULL, 10), found = 1;
			}
		}
	}
	buf_release(&b);
	return found;
}

/* A PAM module's option in a PAM file: "auth required pam_faillock.so deny=5" → 5; 0 when the module is there
 * without it, -1 when the module is absent, -2 when the file is unreadable. */
static long pam_opt(struct cx *c, const char *file, const char *module, const char *opt)
{
	struct buf b = {0};
	if (slurp(c, file, &b, 0) < 0) {
		buf_release(&b);
		return -2;
	}
	long r = -1;
	size_t pos = 0;
	for (char *l; (l = next_line(&b, &pos));) {
		char *h = strchr(l, '#');
		if (h)
			*h = 0;
		if (!strstr(l, module))
			continue;
		if (r < 0)
			r = 0;
		char *o = strstr(l, opt);
		if (o && o[strlen(opt)] == '=')
			r = strtol(o + strlen(opt) + 1, NULL, 10);
	}
	buf_release(&b);
	return r;
}

static void policy(struct cx *c, struct audit_inventory *inv)
{
	inv->policies = lb_reallocarray(inv->policies, inv->npolicies + 1, sizeof(*inv->policies));
	struct audit_policy *p = &inv->policies[inv->npolicies++];
	memset(p, 0, sizeof(*p));
	p->system = lb_strdup(c->d->name);
	p->password_min_length = p->lockout_threshold = p->password_max_days = -1;
	struct buf src = {0};
	long v;
	if (conf_long(c, "/etc/login.defs", "PASS_MAX_DAYS", &v))
		p->password_max_days = v;
	const char *pwfile = "/etc/pam.d/common-password", *authfile = "/etc/pam.d/common-auth";
	if (pam_opt(c, pwfile, "pam_unix", "x") == -2)
		pwfile = "/etc/pam.d/system-auth", authfile = "/etc/pam.d/system-auth";
	long pq = pam_opt(c, pwfile, "pam_pwquality", "minlen");
	if (pq > 0) {
		p->password_min_length = pq, buf_addf(&src, "%s pam_pwquality minlen", pwfile);
	} else if (pq == 0 && conf_long(c, "/etc/security/pwquality.conf", "minlen", &v)) {
		p->password_min_length = v, buf_adds(&src, "pwquality.conf minlen");
	} else if (pq == 0) {
		p->password_min_length = 8, buf_adds(&src, "pam_pwquality default minlen 8");
	} else if (conf_long(c, "/etc/login.defs", "PASS_MIN_LEN", &v)) {
		p->password_min_length = v, buf_adds(&src, "login.defs PASS_MIN_LEN");
	} else if (pam_opt(c, pwfile, "pam_unix", "minlen") >= 0) {
		long m = pam_opt(c, pwfile, "pam_unix", "minlen");
		p->password_min_length = m > 0 ? m : 6; /* pam_unix's built-in minimum */
		buf_addf(&src, "%s pam_unix%s", pwfile, m > 0 ? " minlen" : " (built-in 6)");
	} else {
		lb_strlist_push(&c->d->unread, lb_strdup(L_("password length: no PAM or login.defs setting readable",
		                                            "パスワード長: PAM と login.defs の設定が読めません")));
	}
	long fl = pam_opt(c, authfile, "pam_faillock", "deny"), t2 = pam_opt(c, authfile, "pam_tally2", "deny");
	if (fl > 0 || t2 > 0) {
		p->lockout_threshold = fl > 0 ? fl : t2;
		buf_addf(&src, "%s%s %s deny", src.len ? "; " : "", authfile, fl > 0 ? "pam_faillock" : "pam_tally2");
	} else if (fl == 0 && conf_long(c, "/etc/security/faillock.conf", "deny", &v)) {
		p->lockout_threshold = v;
		buf_addf(&src, "%sfaillock.conf deny", src.len ? "; " : "");
	} else if (fl == 0) {
		p->lockout_threshold = 3; /* pam_faillock's default deny */
		buf_addf(&src, "%spam_faillock default deny 3", src.len ? "; " : "");
	} else if (fl == -1) {
		p->lockout_threshold = 0; /* the file was read: neither module is in it */
		buf_addf(&src, "%s%s: no pam_faillock or pam_tally2", src.len ? "; " : "", authfile);
	} else {
		lb_strlist_push(&c->d->unread, lb_strdup(L_("lockout: the PAM auth file is not readable",
		                                            "ロックアウト: PAM の認証設定ファイルが読めません")));
	}
	p->source = src.len ? buf_detach(&src, NULL) : NULL;
	buf_release(&src);
}

/* sshd_config: the first value of each keyword wins (as sshd reads it), Include'd files in order. */
static void ssh_file(struct cx *c, const char *path, int depth)
{
	struct buf b = {0};
	if (depth > 3 || slurp(c, path, &b, 0) < 0) {
		buf_release(&b);
		return;
	}
	size_t pos = 0;
	for (char *l; (l = next_line(&b, &pos));) {
		while (isspace((unsigned char)*l))
			l++;
		char k[64], v[512];
		if (sscanf(l, "%63s %511s", k, v) != 2 || k[0] == '#')
			continue;
		if (!strcasecmp(k, "Match"))
			break; /* what follows applies to some connections only */
		if (!strcasecmp(k, "PermitRootLogin") && !c->d->ssh_permit_root_login)
			c->d->ssh_permit_root_login = lb_strdup(v);
		else if (!strcasecmp(k, "PasswordAuthentication") && !c->d->ssh_password_authentication)
			c->d->ssh_password_authentication = lb_strdup(v);
		else if (!strcasecmp(k, "Include") && !strcmp(v, "/etc/ssh/sshd_config.d/*.conf")) {
			struct buf dp = {0};
			lb_path_join(&dp, c->root, "/etc/ssh/sshd_config.d");
			struct dirent **list = NULL;
			int n = scandir(buf_cstr(&dp), &list, NULL, alphasort);
			for (int i = 0; i < n; i++) {
				size_t len = strlen(list[i]->d_name);
				if (len > 5 && !strcmp(list[i]->d_name + len - 5, ".conf")) {
					char rel[400];
					snprintf(rel, sizeof(rel), "/etc/ssh/sshd_config.d/%s", list[i]->d_name);
					ssh_file(c, rel, depth + 1);
				}
				free(list[i]);
			}
			free(list);
			buf_release(&dp);
		}
	}
	buf_release(&b);
}

int audit_collect_host(struct audit_inventory *inv, const char *root)
{
	if (!inv->file) {
		inv->file = lb_strdup("collect");
		inv->min_length = inv->dormant_days = inv->patch_max_days = -1;
	}
	inv->devices = lb_reallocarray(inv->devices, inv->ndevices + 1, sizeof(*inv->devices));
	struct audit_device *d = &inv->devices[inv->ndevices++];
	memset(d, 0, sizeof(*d));
	struct cx c = {.root = root ? root : "/", .d = d};
	struct utsname u;
	if (uname(&u) == 0) {
		d->name = lb_strdup(u.nodename);
		struct buf k = {0};
		buf_addf(&k, "%s %s %s", u.sysname, u.release, u.machine);
		d->kernel = buf_detach(&k, NULL);
	} else {
		d->name = lb_strdup("localhost");
	}
	d->type = lb_strdup("server");
	os_release(&c);
	packages(&c);
	sockets(&c);
	accounts(&c, inv);
	policy(&c, inv);
	struct buf t = {0};
	if (slurp(&c, "/etc/ssh/sshd_config", &t, 0) == 0)
		ssh_file(&c, "/etc/ssh/sshd_config", 0);
	buf_release(&t);
	char today[11];
	lb_today(today, NULL);
	free(inv->checked);
	inv->checked = lb_strdup(today);
	return 0;
}
