/*
 * checklist_join.c - the checklist's view of an inventory and its findings (audit.h: audit_checklist_join). The
 * checklist never sees the inventory model: it gets the evidence kinds read (with what was read of each), the
 * vendors, and each finding under the items the join table (data/audit/checklist/checks.yaml) names for its check
 * in this edition, in the scope of what it is about.
 */
#include "audit.h"
#include "checklist.h"

#include <string.h>

static int eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static const struct audit_system *system_of(const struct audit_inventory *inv, const char *name)
{
	for (size_t i = 0; name && i < inv->nsystems; i++)
		if (eq(inv->systems[i].name, name))
			return &inv->systems[i];
	return NULL;
}

static const struct audit_device *device_of(const struct audit_inventory *inv, const char *name)
{
	for (size_t i = 0; name && i < inv->ndevices; i++)
		if (eq(inv->devices[i].name, name))
			return &inv->devices[i];
	return NULL;
}

static void add_scope(const struct cl_map *m, const struct audit_device *d, struct cl_strs *scopes)
{
	const char *s = d ? cl_map_scope(m, d->type) : NULL;
	if (s && !cl_strs_has(scopes, s))
		cl_strs_add(scopes, s);
}

/* The scopes of a system: its devices' (a collected host's accounts name the host itself as their system). */
static void system_scopes(const struct audit_inventory *inv, const struct cl_map *m, const char *name,
                          struct cl_strs *scopes)
{
	const struct audit_system *s = system_of(inv, name);
	for (size_t i = 0; s && i < s->devices.n; i++)
		add_scope(m, device_of(inv, s->devices.v[i]), scopes);
	if (!s)
		add_scope(m, device_of(inv, name), scopes);
}

/* The vendor whose sheet a device's finding is on: its maintenance vendor, else that of a system listing it. */
static const char *device_vendor(const struct audit_inventory *inv, const struct audit_device *d)
{
	if (!d)
		return NULL;
	if (d->vendor_name)
		return d->vendor_name;
	for (size_t i = 0; i < inv->nsystems; i++)
		for (size_t k = 0; inv->systems[i].vendor && k < inv->systems[i].devices.n; k++)
			if (eq(inv->systems[i].devices.v[k], d->name))
				return inv->systems[i].vendor;
	return NULL;
}

static const char *system_vendor(const struct audit_inventory *inv, const char *name)
{
	const struct audit_system *s = system_of(inv, name);
	return s ? s->vendor : device_vendor(inv, device_of(inv, name));
}

static void place(const struct audit_inventory *inv, const struct audit_finding *x, const struct cl_map *m,
                  struct cl_strs *scopes, const char **vendor)
{
	*vendor = NULL;
	if (x->device) {
		add_scope(m, x->device, scopes);
		*vendor = device_vendor(inv, x->device);
	} else if (x->account) {
		system_scopes(inv, m, x->account->system, scopes);
		*vendor = system_vendor(inv, x->account->system);
	} else if (x->policy) {
		if (x->policy->system)
			system_scopes(inv, m, x->policy->system, scopes);
		*vendor = system_vendor(inv, x->policy->system);
	} else if (x->path) {
		cl_strs_add(scopes, "network");
		const char *v = device_vendor(inv, device_of(inv, x->path->from));
		*vendor = v ? v : device_vendor(inv, device_of(inv, x->path->to));
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
	for (size_t i = 0; i < f->n; i++) {
		const struct audit_finding *x = &f->v[i];
		struct cl_strs scopes = {0}, items = {0};
		const char *vendor;
		place(inv, x, m, &scopes, &vendor);
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
}
