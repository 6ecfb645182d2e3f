/*
 * model.c - freeing an inventory and writing it back as inventory YAML (what `audit import` and `audit collect`
 * print). Every text is written double-quoted with escapes, so a hostname or a CSV cell can never turn into YAML
 * syntax; what the loader reads back is what was written.
 */
#include "audit.h"

#include <stdlib.h>
#include <string.h>

static void free_list(struct lb_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free((void *)l->v[i]);
	lb_strlist_free(l);
}

void audit_inventory_free(struct audit_inventory *inv)
{
	for (size_t i = 0; i < inv->ndevices; i++) {
		struct audit_device *d = &inv->devices[i];
		char **s[] = {&d->name,
		              &d->type,
		              &d->role,
		              &d->vendor,
		              &d->product,
		              &d->version,
		              &d->os,
		              &d->kernel,
		              &d->segment,
		              &d->vendor_name,
		              &d->location,
		              &d->patched,
		              &d->antivirus,
		              &d->edr,
		              &d->updates,
		              &d->notes,
		              &d->ssh_permit_root_login,
		              &d->ssh_password_authentication};
		for (size_t k = 0; k < LB_ARRAY_LEN(s); k++)
			free(*s[k]);
		for (size_t k = 0; k < d->nservices; k++) {
			struct audit_service *v = &d->services[k];
			free(v->name), free(v->proto), free(v->address), free(v->program);
		}
		free(d->services);
		for (size_t k = 0; k < d->npackages; k++)
			free(d->packages[k].name), free(d->packages[k].version);
		free(d->packages);
		free_list(&d->unread);
	}
	free(inv->devices);
	for (size_t i = 0; i < inv->nsegments; i++)
		free(inv->segments[i].name), free(inv->segments[i].kind), free(inv->segments[i].description);
	free(inv->segments);
	for (size_t i = 0; i < inv->npaths; i++) {
		struct audit_path *p = &inv->paths[i];
		free(p->from), free(p->to), free(p->service), free(p->purpose), free(p->auth);
	}
	free(inv->paths);
	for (size_t i = 0; i < inv->nsystems; i++) {
		free(inv->systems[i].name), free(inv->systems[i].kind), free(inv->systems[i].vendor);
		free_list(&inv->systems[i].devices);
	}
	free(inv->systems);
	for (size_t i = 0; i < inv->naccounts; i++) {
		struct audit_account *a = &inv->accounts[i];
		free(a->user), free(a->system), free(a->role), free(a->credential), free(a->last_login);
		free(a->status), free(a->source);
		free_list(&a->groups);
	}
	free(inv->accounts);
	for (size_t i = 0; i < inv->npolicies; i++)
		free(inv->policies[i].system), free(inv->policies[i].source);
	free(inv->policies);
	for (size_t i = 0; i < inv->files.n; i++)
		free((void *)inv->files.v[i]);
	lb_strlist_free(&inv->files);
	free(inv->file), free(inv->hospital), free(inv->checked);
	memset(inv, 0, sizeof(*inv));
}

static void q(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, (char)c);
	}
	buf_addch(b, '"');
}

static void kv(struct buf *b, const char *ind, const char *k, const char *v)
{
	if (!v)
		return;
	buf_addf(b, "%s%s: ", ind, k);
	q(b, v);
	buf_addch(b, '\n');
}

static void kb(struct buf *b, const char *ind, const char *k, enum audit_tri v)
{
	if (v != AUDIT_UNSET)
		buf_addf(b, "%s%s: %s\n", ind, k, v == AUDIT_YES ? "true" : "false");
}

static void ki(struct buf *b, const char *ind, const char *k, long v)
{
	if (v >= 0)
		buf_addf(b, "%s%s: %ld\n", ind, k, v);
}

static void kl(struct buf *b, const char *ind, const char *k, const struct lb_strlist *l)
{
	if (!l->n)
		return;
	buf_addf(b, "%s%s:\n", ind, k);
	for (size_t i = 0; i < l->n; i++) {
		buf_addf(b, "%s  - ", ind);
		q(b, l->v[i]);
		buf_addch(b, '\n');
	}
}

/* The first key of a list entry carries the "- ". */
static const char *first(struct buf *b, int *f)
{
	if (*f) {
		*f = 0;
		buf_adds(b, "  - ");
		return "";
	}
	return "    ";
}

void audit_inventory_write_yaml(struct buf *b, const struct audit_inventory *inv)
{
	buf_adds(b, "# lifeboat inventory (docs/inventory.md)\nversion: 1\n");
	if (inv->hospital || inv->checked || inv->min_length >= 0 || inv->dormant_days >= 0 ||
	    inv->patch_max_days >= 0) {
		buf_adds(b, "hospital:\n");
		kv(b, "  ", "name", inv->hospital);
		kv(b, "  ", "checked", inv->checked);
		ki(b, "  ", "password_min_length", inv->min_length);
		ki(b, "  ", "dormant_days", inv->dormant_days);
		ki(b, "  ", "patch_max_days", inv->patch_max_days);
	}
	if (inv->ndevices)
		buf_adds(b, "devices:\n");
	for (size_t i = 0; i < inv->ndevices; i++) {
		const struct audit_device *d = &inv->devices[i];
		int f = 1;
		kv(b, first(b, &f), "name", d->name);
		const char *I = "    ";
		kv(b, I, "type", d->type);
		kv(b, I, "role", d->role);
		kv(b, I, "vendor", d->vendor);
		kv(b, I, "product", d->product);
		kv(b, I, "version", d->version);
		kv(b, I, "os", d->os);
		kv(b, I, "kernel", d->kernel);
		kv(b, I, "segment", d->segment);
		kv(b, I, "location", d->location);
		kv(b, I, "vendor_name", d->vendor_name);
		kv(b, I, "patched", d->patched);
		kv(b, I, "antivirus", d->antivirus);
		kv(b, I, "edr", d->edr);
		kv(b, I, "updates", d->updates);
		kb(b, I, "internet_facing", d->internet_facing);
		kb(b, I, "remote_maintenance", d->remote_maintenance);
		kb(b, I, "management_exposed", d->management_exposed);
		if (d->ssh_permit_root_login || d->ssh_password_authentication) {
			buf_adds(b, "    ssh:\n");
			kv(b, "      ", "permit_root_login", d->ssh_permit_root_login);
			kv(b, "      ", "password_authentication", d->ssh_password_authentication);
		}
		if (d->nservices)
			buf_adds(b, "    services:\n");
		for (size_t k = 0; k < d->nservices; k++) {
			const struct audit_service *s = &d->services[k];
			buf_adds(b, "      - name: ");
			q(b, s->name);
			buf_addch(b, '\n');
			kv(b, "        ", "proto", s->proto);
			ki(b, "        ", "port", s->port ? s->port : -1);
			kv(b, "        ", "address", s->address);
			kv(b, "        ", "program", s->program);
			kb(b, "        ", "needed", s->needed);
		}
		if (d->npackages)
			buf_adds(b, "    packages:\n");
		for (size_t k = 0; k < d->npackages; k++) {
			buf_adds(b, "      - {name: ");
			q(b, d->packages[k].name);
			if (d->packages[k].version) {
				buf_adds(b, ", version: ");
				q(b, d->packages[k].version);
			}
			buf_adds(b, "}\n");
		}
		kl(b, I, "unread", &d->unread);
		kv(b, I, "notes", d->notes);
	}
	if (inv->nsegments)
		buf_adds(b, "segments:\n");
	for (size_t i = 0; i < inv->nsegments; i++) {
		int f = 1;
		kv(b, first(b, &f), "name", inv->segments[i].name);
		kv(b, "    ", "kind", inv->segments[i].kind);
		kv(b, "    ", "description", inv->segments[i].description);
		kb(b, "    ", "internet_facing", inv->segments[i].internet_facing);
	}
	if (inv->npaths)
		buf_adds(b, "paths:\n");
	for (size_t i = 0; i < inv->npaths; i++) {
		const struct audit_path *p = &inv->paths[i];
		int f = 1;
		kv(b, first(b, &f), "from", p->from);
		kv(b, "    ", "to", p->to);
		kv(b, "    ", "service", p->service);
		kv(b, "    ", "purpose", p->purpose);
		kv(b, "    ", "auth", p->auth);
		kb(b, "    ", "always_on", p->always_on);
		kb(b, "    ", "writable", p->writable);
	}
	if (inv->nsystems)
		buf_adds(b, "systems:\n");
	for (size_t i = 0; i < inv->nsystems; i++) {
		int f = 1;
		kv(b, first(b, &f), "name", inv->systems[i].name);
		kv(b, "    ", "kind", inv->systems[i].kind);
		kv(b, "    ", "vendor", inv->systems[i].vendor);
		kl(b, "    ", "devices", &inv->systems[i].devices);
	}
	if (inv->naccounts)
		buf_adds(b, "accounts:\n");
	for (size_t i = 0; i < inv->naccounts; i++) {
		const struct audit_account *a = &inv->accounts[i];
		int f = 1;
		kv(b, first(b, &f), "user", a->user);
		const char *I = "    ";
		kv(b, I, "system", a->system);
		kv(b, I, "role", a->role);
		kb(b, I, "enabled", a->enabled);
		kb(b, I, "admin", a->admin);
		kb(b, I, "mfa", a->mfa);
		kb(b, I, "shared", a->shared);
		kb(b, I, "remote", a->remote);
		kb(b, I, "password_never_expires", a->password_never_expires);
		kv(b, I, "credential", a->credential);
		kv(b, I, "last_login", a->last_login);
		kv(b, I, "status", a->status);
		ki(b, I, "uid", a->uid);
		kl(b, I, "groups", &a->groups);
		kv(b, I, "source", a->source);
	}
	if (inv->npolicies)
		buf_adds(b, "policies:\n");
	for (size_t i = 0; i < inv->npolicies; i++) {
		const struct audit_policy *p = &inv->policies[i];
		struct buf t = {0};
		kv(&t, "    ", "system", p->system);
		ki(&t, "    ", "password_min_length", p->password_min_length);
		ki(&t, "    ", "lockout_threshold", p->lockout_threshold);
		ki(&t, "    ", "password_max_days", p->password_max_days);
		kb(&t, "    ", "mfa_remote", p->mfa_remote);
		kv(&t, "    ", "source", p->source);
		if (t.len >= 4) {
			t.data[2] = '-';
			buf_add(b, t.data, t.len);
		} else {
			buf_adds(b, "  - {}\n");
		}
		buf_release(&t);
	}
}
