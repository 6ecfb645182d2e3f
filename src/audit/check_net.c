/*
 * check_net.c - endpoint, network-path and VPN/remote-maintenance checks. A path's ends name a segment, a device
 * (standing for its segment) or "internet". What the inventory does not say is not guessed: an antivirus state
 * not given is no finding, a VPN box with no patch date is its own finding (VPN-PATCH-UNKNOWN).
 */
#include "audit_int.h"
#include "vuln.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int64_t day_of(const char *s)
{
	int y, m, d;
	if (!s || lb_parse_day(s, &y, &m, &d) < 0)
		return INT64_MIN;
	return lb_days_from_civil(y, m, d);
}

static int eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static const char *const NEEDLESS[] = {"smb1", "smbv1", "telnet", "telnetd", "rdp",
                                       "ftp",  "vnc",   "rsh",    "rlogin",  NULL};

static int needless(const char *name)
{
	for (const char *const *w = NEEDLESS; *w; w++)
		if (!strcasecmp(name, *w))
			return 1;
	return 0;
}

/*
 * The firmware match against the known-exploited list in use (vuln.h: the installed list, or the one built in):
 * one VPN-KEV finding per CVE that applies to the device's version, with the fix in its train and the list's date
 * as evidence. A device whose vendor or product the list does not cover, or whose version its vendor's format does
 * not read, gets no VPN-KEV: that is not a clean bill, and the patch-age checks still apply to it.
 */
static void vpn_firmware(const struct vuln_db *db, const struct audit_device *d, struct audit_findings *f)
{
	if (!db || !d->vendor || !d->product || !d->version)
		return;
	struct vuln_match m = {0};
	if (vuln_match(db, d->vendor, d->product, d->version, &m) < 0)
		return;
	for (size_t i = 0; m.status == VULN_CHECKED && i < m.n; i++) {
		const struct vuln_hit *h = &m.hits[i];
		audit_add(f, "VPN-KEV", d->file, d->line, d->name,
		          L_("%s %s %s: %s%s (fixed in %s; list of %s)", "%s %s %s: %s%s (修正版 %s、%s 時点の一覧)"),
		          d->vendor, d->product, d->version, h->e->cve, h->e->ransomware ? " [ransomware]" : "",
		          h->r && h->r->fixed_s ? h->r->fixed_s : L_("none in this train", "この系列になし"),
		          db->as_of);
	}
	vuln_match_release(&m);
}

static int is_vpnish(const struct audit_device *d)
{
	return eq(d->type, "vpn") || d->remote_maintenance == AUDIT_YES;
}

/* A host (not the VPN gateway itself) that the internet reaches directly, with remote maintenance or a
 * remote-login service on it: the vendor's way in skips the gateway (an open remote desktop, as at Kokubu). */
static void remote_exposed(const struct audit_device *d, struct audit_findings *f)
{
	static const char *const REMOTE[] = {"rdp", "vnc", "telnet", "telnetd", "ssh", "sshd", "smb", "smb1", NULL};
	if (d->internet_facing != AUDIT_YES || eq(d->type, "vpn") || eq(d->type, "network"))
		return;
	struct buf ev = {0};
	for (size_t k = 0; k < d->nservices; k++)
		for (const char *const *w = REMOTE; *w; w++)
			if (!strcasecmp(d->services[k].name, *w))
				buf_addf(&ev, ", service: %s", d->services[k].name);
	if (d->remote_maintenance == AUDIT_YES || ev.len)
		audit_add(f, "NET-REMOTE-EXPOSED", d->file, d->line, d->name, "type: %s, internet_facing: true%s%s",
		          d->type ? d->type : "-",
		          d->remote_maintenance == AUDIT_YES ? ", remote_maintenance: true" : "", buf_cstr(&ev));
	buf_release(&ev);
}

static void endpoint(const struct vuln_db *db, const struct audit_device *d, long max_age, int64_t today,
                     struct audit_findings *f)
{
	int host = eq(d->type, "server") || eq(d->type, "terminal");
	if (eq(d->antivirus, "off") || eq(d->edr, "off") ||
	    (host && eq(d->antivirus, "none") && (!d->edr || eq(d->edr, "none") || eq(d->edr, "off"))))
		audit_add(f, "EP-AV-OFF", d->file, d->line, d->name, "antivirus: %s, edr: %s",
		          d->antivirus ? d->antivirus : "-", d->edr ? d->edr : "-");
	if (eq(d->updates, "off"))
		audit_add(f, "EP-UPDATES-OFF", d->file, d->line, d->name, "updates: off");
	for (size_t k = 0; k < d->nservices; k++) {
		const struct audit_service *s = &d->services[k];
		if (s->needed != AUDIT_YES && needless(s->name)) {
			if (s->port)
				audit_add(f, "EP-NEEDLESS-SERVICE", d->file, s->line, d->name,
				          "service: %s (%s/%ld)%s%s", s->name, s->proto ? s->proto : "tcp", s->port,
				          s->program ? ", program: " : "", s->program ? s->program : "");
			else
				audit_add(f, "EP-NEEDLESS-SERVICE", d->file, s->line, d->name, "service: %s", s->name);
		}
	}
	if (eq(d->ssh_permit_root_login, "yes"))
		audit_add(f, "EP-SSH-ROOT-LOGIN", d->file, d->line, d->name, "sshd: PermitRootLogin yes%s%s",
		          d->ssh_password_authentication ? ", PasswordAuthentication " : "",
		          d->ssh_password_authentication ? d->ssh_password_authentication : "");
	if (d->management_exposed == AUDIT_YES)
		audit_add(f, "VPN-MGMT-EXPOSED", d->file, d->line, d->name, "management_exposed: true%s",
		          d->internet_facing == AUDIT_YES ? ", internet_facing: true" : "");
	remote_exposed(d, f);
	if (!is_vpnish(d))
		return;
	int64_t p = day_of(d->patched);
	if (p == INT64_MIN)
		audit_add(f, "VPN-PATCH-UNKNOWN", d->file, d->line, d->name, "%s %s %s, patched: %s",
		          d->vendor ? d->vendor : "-", d->product ? d->product : "-", d->version ? d->version : "-",
		          L_("not given", "記載なし"));
	else if (today != INT64_MIN && today - p > max_age)
		audit_add(f, "VPN-PATCH-AGE", d->file, d->line, d->name,
		          L_("%s %s %s, patched: %s (%lld days ago; limit %ld)",
		             "%s %s %s, patched: %s (%lld 日前、上限 %ld 日)"),
		          d->vendor ? d->vendor : "-", d->product ? d->product : "-", d->version ? d->version : "-",
		          d->patched, (long long)(today - p), max_age);
	vpn_firmware(db, d, f);
}

void audit_check_endpoints(const struct audit_inventory *inv, const struct audit_check_opts *o,
                           struct audit_findings *f)
{
	long max_age = o->patch_max_days > 0 ? o->patch_max_days : inv->patch_max_days > 0 ? inv->patch_max_days : 90;
	int64_t today = day_of(o->today);
	struct vuln_db db = {0};
	int have_db = vuln_db_load_default(&db, NULL) == 0;
	if (!have_db) {
		lb_warn(L_("the installed vulnerability list does not read (%s): using the one built in",
		           "導入済みの脆弱性一覧が読めません (%s): 組み込みの一覧を使います"),
		        lb_errmsg());
		have_db = vuln_db_load_embedded(&db) == 0;
	}
	for (size_t i = 0; i < inv->ndevices; i++) {
		size_t n0 = f->n;
		endpoint(have_db ? &db : NULL, &inv->devices[i], max_age, today, f);
		audit_about(f, n0, &inv->devices[i], NULL, NULL, NULL);
	}
	vuln_db_release(&db);
}

/* ---- paths --------------------------------------------------------------------------------------------------- */

struct end {
	const struct audit_segment *seg;
	const struct audit_device *dev;
	int internet;
};

/* Devices and segments by name, sorted once a run: a path's ends are found by binary search, not by a scan of
 * every device for every path (5,000 devices and as many paths in bench/audit). Names are unique (refs.c). */
struct named {
	const char *name;
	const void *p;
};
struct names {
	struct named *dev, *seg;
	size_t ndev, nseg;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static struct named *index_names(const void *arr, size_t n, size_t elem, size_t name_off, size_t *count)
{
	struct named *v = lb_calloc(n + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *base = (const char *)arr + i * elem, *name = *(const char *const *)(base + name_off);
		if (name)
			v[k++] = (struct named){name, base};
	}
	if (k)
		qsort(v, k, sizeof(*v), cmp_named);
	*count = k;
	return v;
}

static const void *find_named(const struct named *v, size_t n, const char *name)
{
	struct named key = {name, NULL};
	const struct named *hit = name && n ? bsearch(&key, v, n, sizeof(*v), cmp_named) : NULL;
	return hit ? hit->p : NULL;
}

static struct end resolve(const struct names *nx, const char *name)
{
	struct end e = {0};
	if (!strcasecmp(name, "internet")) {
		e.internet = 1;
		return e;
	}
	e.dev = find_named(nx->dev, nx->ndev, name);
	e.seg = find_named(nx->seg, nx->nseg, e.dev ? e.dev->segment : name);
	return e;
}

static int outside(const struct end *e)
{
	if (e->internet || (e->dev && e->dev->internet_facing == AUDIT_YES))
		return 1;
	if (!e->seg)
		return 0;
	const char *k = e->seg->kind;
	return e->seg->internet_facing == AUDIT_YES || eq(k, "internet") || eq(k, "contractor") || eq(k, "vpn") ||
	       eq(k, "dmz") || eq(k, "guest");
}

static int production(const struct end *e)
{
	if (!e->seg)
		return 0;
	const char *k = e->seg->kind;
	return eq(k, "ehr") || eq(k, "production") || eq(k, "office") || eq(k, "medical");
}

static int backup(const struct end *e)
{
	if (e->dev)
		return eq(e->dev->role, "backup") || (e->seg && eq(e->seg->kind, "backup"));
	return e->seg && eq(e->seg->kind, "backup");
}

void audit_check_network(const struct audit_inventory *inv, struct audit_findings *f)
{
	struct names nx = {0};
	nx.dev = index_names(inv->devices, inv->ndevices, sizeof(*inv->devices), offsetof(struct audit_device, name),
	                     &nx.ndev);
	nx.seg = index_names(inv->segments, inv->nsegments, sizeof(*inv->segments),
	                     offsetof(struct audit_segment, name), &nx.nseg);
	for (size_t i = 0; i < inv->npaths; i++) {
		const struct audit_path *p = &inv->paths[i];
		size_t n0 = f->n;
		struct end from = resolve(&nx, p->from), to = resolve(&nx, p->to);
		char subj[512];
		snprintf(subj, sizeof(subj), "%s → %s (%s)", p->from, p->to, p->service);
		const char *why = p->purpose ? p->purpose : "";
		if (outside(&from) && to.seg && eq(to.seg->kind, "ehr"))
			audit_add(f, "NET-PATH-INTO-EHR", p->file, p->line, subj, "from: %s (%s), to: %s (ehr)%s%s",
			          p->from,
			          from.internet ? "internet"
			          : from.seg    ? from.seg->kind
			                        : "internet-facing",
			          p->to, *why ? ", purpose: " : "", why);
		if (outside(&from) && !strcasecmp(p->service, "rdp") && p->always_on == AUDIT_YES)
			audit_add(f, "NET-RDP-ALWAYS-ON", p->file, p->line, subj,
			          "service: rdp, always_on: true, from: %s", p->from);
		if (production(&from) && backup(&to) && p->writable == AUDIT_YES)
			audit_add(f, "NET-BACKUP-WRITABLE", p->file, p->line, subj,
			          "from: %s (%s), to: %s (backup), writable: true", p->from, from.seg->kind, p->to);
		if (production(&from) && to.dev && eq(to.dev->role, "lifeboat-vault") && eq(p->auth, "admin"))
			audit_add(f, "NET-VAULT-ADMIN-KEY", p->file, p->line, subj,
			          "from: %s (%s), to: %s (lifeboat-vault), auth: admin", p->from, from.seg->kind,
			          p->to);
		audit_about(f, n0, NULL, NULL, p, NULL);
	}
	free(nx.dev);
	free(nx.seg);
}
