/*
 * checklist_join.c - the checklist's view of an inventory and its findings (audit.h: audit_checklist_join). The
 * checklist never sees the inventory model: it gets the evidence kinds read (with what was read of each), the
 * vendors, and each finding under the items the join table (data/audit/checklist/checks.yaml) names for its check
 * in this edition, in the scope of what it is about.
 */
#include "audit.h"
#include "checklist.h"

#include <stdlib.h>
#include <string.h>

static int eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Names looked up once per finding: sorted indexes of the devices and systems, each device's vendor and each
 * system's scopes worked out once (5,000 devices and 50,000 accounts must not be walked per finding). */
struct jx {
	const struct audit_inventory *inv;
	const struct cl_map *m;
	size_t *dev, *sys;          /* indexes into inv->devices / inv->systems, sorted by name */
	const char **dev_vendor;    /* per device */
	struct cl_strs *sys_scopes; /* per system */
};

static const struct audit_inventory *sort_inv;
static int dev_cmp(const void *a, const void *b)
{
	return strcmp(sort_inv->devices[*(const size_t *)a].name, sort_inv->devices[*(const size_t *)b].name);
}
static int sys_cmp(const void *a, const void *b)
{
	return strcmp(sort_inv->systems[*(const size_t *)a].name, sort_inv->systems[*(const size_t *)b].name);
}

static long find(const struct jx *x, int systems, const char *name)
{
	size_t lo = 0, hi = systems ? x->inv->nsystems : x->inv->ndevices;
	const size_t *ix = systems ? x->sys : x->dev;
	while (name && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *n = systems ? x->inv->systems[ix[mid]].name : x->inv->devices[ix[mid]].name;
		int c = strcmp(n, name);
		if (!c)
			return (long)ix[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void add_scope(const struct cl_map *m, const struct audit_device *d, struct cl_strs *scopes)
{
	const char *s = d ? cl_map_scope(m, d->type) : NULL;
	if (s && !cl_strs_has(scopes, s))
		cl_strs_add(scopes, s);
}

static void jx_build(struct jx *x, const struct audit_inventory *inv, const struct cl_map *m)
{
	x->inv = inv;
	x->m = m;
	x->dev = lb_calloc(inv->ndevices + 1, sizeof(*x->dev));
	x->sys = lb_calloc(inv->nsystems + 1, sizeof(*x->sys));
	x->dev_vendor = lb_calloc(inv->ndevices + 1, sizeof(*x->dev_vendor));
	x->sys_scopes = lb_calloc(inv->nsystems + 1, sizeof(*x->sys_scopes));
	for (size_t i = 0; i < inv->ndevices; i++)
		x->dev[i] = i, x->dev_vendor[i] = inv->devices[i].vendor_name;
	for (size_t i = 0; i < inv->nsystems; i++)
		x->sys[i] = i;
	sort_inv = inv;
	if (inv->ndevices)
		qsort(x->dev, inv->ndevices, sizeof(*x->dev), dev_cmp);
	if (inv->nsystems)
		qsort(x->sys, inv->nsystems, sizeof(*x->sys), sys_cmp);
	/* a device without a maintenance vendor of its own is on the sheet of the first system listing it */
	for (size_t i = 0; i < inv->nsystems; i++) {
		const struct audit_system *s = &inv->systems[i];
		for (size_t k = 0; k < s->devices.n; k++) {
			long d = find(x, 0, s->devices.v[k]);
			if (d < 0)
				continue;
			add_scope(m, &inv->devices[d], &x->sys_scopes[i]);
			if (!x->dev_vendor[d])
				x->dev_vendor[d] = s->vendor;
		}
	}
}

static void jx_free(struct jx *x)
{
	for (size_t i = 0; i < x->inv->nsystems; i++)
		cl_strs_free(&x->sys_scopes[i]);
	free(x->dev), free(x->sys), free(x->dev_vendor), free(x->sys_scopes);
}

static const char *device_vendor(const struct jx *x, const struct audit_device *d)
{
	return d ? x->dev_vendor[d - x->inv->devices] : NULL;
}

/* A system's scopes and vendor (a collected host's accounts name the host itself as their system). */
static const char *system_place(const struct jx *x, const char *name, struct cl_strs *scopes)
{
	long s = find(x, 1, name);
	if (s >= 0) {
		for (size_t i = 0; i < x->sys_scopes[s].n; i++)
			cl_strs_add(scopes, x->sys_scopes[s].v[i]);
		return x->inv->systems[s].vendor;
	}
	long d = find(x, 0, name);
	if (d < 0)
		return NULL;
	add_scope(x->m, &x->inv->devices[d], scopes);
	return x->dev_vendor[d];
}

static void place(const struct jx *x, const struct audit_finding *f, struct cl_strs *scopes, const char **vendor)
{
	*vendor = NULL;
	if (f->device) {
		add_scope(x->m, f->device, scopes);
		*vendor = device_vendor(x, f->device);
	} else if (f->account) {
		*vendor = system_place(x, f->account->system, scopes);
	} else if (f->policy) {
		*vendor = f->policy->system ? system_place(x, f->policy->system, scopes) : NULL;
	} else if (f->path) {
		cl_strs_add(scopes, "network");
		long from = find(x, 0, f->path->from), to = find(x, 0, f->path->to);
		*vendor = from >= 0 ? x->dev_vendor[from] : NULL;
		if (!*vendor && to >= 0)
			*vendor = x->dev_vendor[to];
	}
}

/* One evidence kind: held when at least one entry states it; the line says how many do. */
static void kind(struct cl_inventory *out, const char *k, size_t have, size_t of, const char *what_en,
                 const char *what_ja)
{
	if (!have)
		return;
	struct buf b = {0};
	buf_addf(&b, L_("%s stated for %zu of %zu", "%s の記載 %zu / %zu 件"), lb_tr(what_en, what_ja), have, of);
	cl_inventory_kind_ev(out, k, buf_cstr(&b));
	buf_release(&b);
}

static void kinds(const struct audit_inventory *inv, struct cl_inventory *out)
{
	size_t rm = 0, patch = 0, fw = 0, net = 0, svc = 0, priv = 0, status = 0, cred = 0, mfa = 0, pol = 0;
	for (size_t i = 0; i < inv->ndevices; i++) {
		const struct audit_device *d = &inv->devices[i];
		int gw = eq(d->type, "vpn") || eq(d->type, "network");
		rm += d->remote_maintenance != AUDIT_UNSET;
		patch += d->patched || d->updates;
		net += gw;
		fw += gw && d->version;
		svc += d->nservices > 0;
	}
	for (size_t i = 0; i < inv->naccounts; i++) {
		const struct audit_account *a = &inv->accounts[i];
		priv += a->admin != AUDIT_UNSET || a->role || a->uid >= 0;
		status += a->status || a->enabled != AUDIT_UNSET || a->last_login;
		cred += a->credential != NULL;
		mfa += a->mfa != AUDIT_UNSET;
	}
	for (size_t i = 0; i < inv->npolicies; i++) {
		pol += inv->policies[i].password_min_length >= 0 || inv->policies[i].lockout_threshold >= 0;
		mfa += inv->policies[i].mfa_remote != AUDIT_UNSET;
	}
	size_t nd = inv->ndevices, na = inv->naccounts;
	kind(out, "devices/ledger", nd, nd, "devices (name, type)", "機器 (名前・種類)");
	kind(out, "devices/remote_maintenance", rm, nd, "devices: remote_maintenance", "機器の remote_maintenance");
	kind(out, "devices/patch", patch, nd, "devices: patched or updates", "機器の patched または updates");
	kind(out, "devices/firmware", fw, net, "VPN and network devices: version", "VPN・ネットワーク機器の version");
	kind(out, "devices/services", svc, nd, "devices: services", "機器の services");
	kind(out, "accounts/privilege", priv, na, "accounts: admin, role or uid", "アカウントの admin・role・uid");
	kind(out, "accounts/status", status, na, "accounts: status, enabled or last_login",
	     "アカウントの status・enabled・last_login");
	kind(out, "accounts/credential", cred, na, "accounts: credential fingerprint", "アカウントの認証情報の指紋");
	kind(out, "accounts/mfa", mfa, na + inv->npolicies, "accounts: mfa, policies: mfa_remote",
	     "アカウントの mfa・ポリシーの mfa_remote");
	kind(out, "policies/password", pol, inv->npolicies, "policies: password_min_length or lockout_threshold",
	     "ポリシーの password_min_length・lockout_threshold");
	kind(out, "paths/source", inv->npaths, inv->npaths, "paths (from, to, service)", "経路 (from・to・service)");
}

void audit_checklist_join(const struct audit_inventory *inv, const struct audit_findings *f, const struct cl_map *m,
                          const char *edition, const char *today, struct cl_inventory *out)
{
	out->checks_run = 1;
	struct buf b = {0};
	for (size_t i = 0; i < inv->files.n; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", inv->files.v[i]);
	cl_strs_addf(&out->read,
	             L_("audit check as of %s: %zu devices, %zu paths, %zu systems, %zu accounts, %zu policies (%s)",
	                "audit check (%s 時点): 機器 %zu、経路 %zu、システム %zu、アカウント %zu、ポリシー %zu (%s)"),
	             today, inv->ndevices, inv->npaths, inv->nsystems, inv->naccounts, inv->npolicies, buf_cstr(&b));
	buf_release(&b);
	kinds(inv, out);
	for (size_t i = 0; i < inv->nsystems; i++)
		if (inv->systems[i].vendor && !cl_strs_has(&out->vendors, inv->systems[i].vendor))
			cl_strs_add(&out->vendors, inv->systems[i].vendor);
	for (size_t i = 0; i < inv->ndevices; i++)
		if (inv->devices[i].vendor_name && !cl_strs_has(&out->vendors, inv->devices[i].vendor_name))
			cl_strs_add(&out->vendors, inv->devices[i].vendor_name);
	struct jx jx = {0};
	jx_build(&jx, inv, m);
	for (size_t i = 0; i < f->n; i++) {
		const struct audit_finding *x = &f->v[i];
		struct cl_strs scopes = {0}, items = {0};
		const char *vendor;
		place(&jx, x, &scopes, &vendor);
		cl_map_items(m, x->check->id, edition, &scopes, &items);
		struct buf line = {0};
		buf_addf(&line, "%s: %s (%s)", x->subject, x->evidence, x->where);
		if (!items.n)
			cl_strs_addf(&out->off, "%s %s", x->check->id, buf_cstr(&line));
		for (size_t k = 0; k < items.n; k++)
			cl_inventory_finding(out, items.v[k], x->check->id, buf_cstr(&line), vendor);
		buf_release(&line);
		cl_strs_free(&scopes);
		cl_strs_free(&items);
	}
	jx_free(&jx);
}
