/*
 * load.c - reading inventory YAML strictly (libyaml's events, kept as a compact tree: ytree.h). A typo must not
 * pass silently: unknown keys, wrong types, bad dates and words outside a key's list are errors, and every one is
 * reported (not only the first), each as "FILE:LINE: KEY: reason", so one run shows a hand-edited file's every
 * mistake. Aliases are refused where they stand (an alias is a node of its own in the tree), so the walk is
 * linear in the file's size. The keys are the tables below; docs/inventory.md documents each of them.
 */
#include "audit.h"
#include "ytree.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum ftype { F_STR, F_DATE, F_BOOL, F_INT, F_ENUM, F_LIST, F_SERVICES, F_PACKAGES, F_SSH };

struct field {
	const char *key;
	enum ftype type;
	size_t off;
	const char *const *words; /* F_ENUM */
	int required;
};

static const char *const DEVICE_TYPES[] = {"server", "terminal", "network", "vpn", "storage", "medical", NULL};
static const char *const ONOFF[] = {"on", "off", "none", "unknown", NULL};
static const char *const UPDATES[] = {"auto", "manual", "off", "unknown", NULL};
static const char *const SEG_KINDS[] = {"internet", "dmz",    "vpn",      "contractor", "ehr",   "production", "office",
                                        "medical",  "backup", "security", "management", "guest", NULL};
static const char *const SYS_KINDS[] = {"operational", "backup", "security", "departmental", NULL};
static const char *const STATUS[] = {"active", "disabled", "left", NULL};
static const char *const ROLES[] = {"user", "admin", "service", "vendor", "system", NULL};
static const char *const AUTHS[] = {"none", "user", "admin", NULL};

#define D(k, t, m)                                              \
	{                                                       \
		k, t, offsetof(struct audit_device, m), NULL, 0 \
	}
static const struct field DEVICE_FIELDS[] = {{"name", F_STR, offsetof(struct audit_device, name), NULL, 1},
                                             {"type", F_ENUM, offsetof(struct audit_device, type), DEVICE_TYPES, 1},
                                             D("role", F_STR, role),
                                             D("vendor", F_STR, vendor),
                                             D("product", F_STR, product),
                                             D("version", F_STR, version),
                                             D("os", F_STR, os),
                                             D("kernel", F_STR, kernel),
                                             D("segment", F_STR, segment),
                                             D("location", F_STR, location),
                                             D("vendor_name", F_STR, vendor_name),
                                             D("patched", F_DATE, patched),
                                             {"antivirus", F_ENUM, offsetof(struct audit_device, antivirus), ONOFF, 0},
                                             {"edr", F_ENUM, offsetof(struct audit_device, edr), ONOFF, 0},
                                             {"updates", F_ENUM, offsetof(struct audit_device, updates), UPDATES, 0},
                                             D("internet_facing", F_BOOL, internet_facing),
                                             D("remote_maintenance", F_BOOL, remote_maintenance),
                                             D("management_exposed", F_BOOL, management_exposed),
                                             D("services", F_SERVICES, services),
                                             D("packages", F_PACKAGES, packages),
                                             D("ssh", F_SSH, ssh_permit_root_login),
                                             D("unread", F_LIST, unread),
                                             D("notes", F_STR, notes),
                                             {0}};
#undef D
static const struct field SEGMENT_FIELDS[] = {
        {"name", F_STR, offsetof(struct audit_segment, name), NULL, 1},
        {"kind", F_ENUM, offsetof(struct audit_segment, kind), SEG_KINDS, 1},
        {"description", F_STR, offsetof(struct audit_segment, description), NULL, 0},
        {"internet_facing", F_BOOL, offsetof(struct audit_segment, internet_facing), NULL, 0},
        {0}};
static const struct field PATH_FIELDS[] = {{"from", F_STR, offsetof(struct audit_path, from), NULL, 1},
                                           {"to", F_STR, offsetof(struct audit_path, to), NULL, 1},
                                           {"service", F_STR, offsetof(struct audit_path, service), NULL, 1},
                                           {"purpose", F_STR, offsetof(struct audit_path, purpose), NULL, 0},
                                           {"auth", F_ENUM, offsetof(struct audit_path, auth), AUTHS, 0},
                                           {"always_on", F_BOOL, offsetof(struct audit_path, always_on), NULL, 0},
                                           {"writable", F_BOOL, offsetof(struct audit_path, writable), NULL, 0},
                                           {0}};
static const struct field SYSTEM_FIELDS[] = {{"name", F_STR, offsetof(struct audit_system, name), NULL, 1},
                                             {"kind", F_ENUM, offsetof(struct audit_system, kind), SYS_KINDS, 1},
                                             {"vendor", F_STR, offsetof(struct audit_system, vendor), NULL, 0},
                                             {"devices", F_LIST, offsetof(struct audit_system, devices), NULL, 0},
                                             {0}};
static const struct field ACCOUNT_FIELDS[] = {
        {"user", F_STR, offsetof(struct audit_account, user), NULL, 1},
        {"system", F_STR, offsetof(struct audit_account, system), NULL, 1},
        {"role", F_ENUM, offsetof(struct audit_account, role), ROLES, 0},
        {"enabled", F_BOOL, offsetof(struct audit_account, enabled), NULL, 0},
        {"admin", F_BOOL, offsetof(struct audit_account, admin), NULL, 0},
        {"mfa", F_BOOL, offsetof(struct audit_account, mfa), NULL, 0},
        {"shared", F_BOOL, offsetof(struct audit_account, shared), NULL, 0},
        {"remote", F_BOOL, offsetof(struct audit_account, remote), NULL, 0},
        {"password_never_expires", F_BOOL, offsetof(struct audit_account, password_never_expires), NULL, 0},
        {"credential", F_STR, offsetof(struct audit_account, credential), NULL, 0},
        {"last_login", F_DATE, offsetof(struct audit_account, last_login), NULL, 0},
        {"status", F_ENUM, offsetof(struct audit_account, status), STATUS, 0},
        {"uid", F_INT, offsetof(struct audit_account, uid), NULL, 0},
        {"groups", F_LIST, offsetof(struct audit_account, groups), NULL, 0},
        {"source", F_STR, offsetof(struct audit_account, source), NULL, 0},
        {0}};
static const struct field POLICY_FIELDS[] = {
        {"system", F_STR, offsetof(struct audit_policy, system), NULL, 0},
        {"password_min_length", F_INT, offsetof(struct audit_policy, password_min_length), NULL, 0},
        {"lockout_threshold", F_INT, offsetof(struct audit_policy, lockout_threshold), NULL, 0},
        {"password_max_days", F_INT, offsetof(struct audit_policy, password_max_days), NULL, 0},
        {"mfa_remote", F_BOOL, offsetof(struct audit_policy, mfa_remote), NULL, 0},
        {"source", F_STR, offsetof(struct audit_policy, source), NULL, 0},
        {0}};
static const struct field HOSPITAL_FIELDS[] = {
        {"name", F_STR, offsetof(struct audit_inventory, hospital), NULL, 0},
        {"checked", F_DATE, offsetof(struct audit_inventory, checked), NULL, 0},
        {"password_min_length", F_INT, offsetof(struct audit_inventory, min_length), NULL, 0},
        {"dormant_days", F_INT, offsetof(struct audit_inventory, dormant_days), NULL, 0},
        {"patch_max_days", F_INT, offsetof(struct audit_inventory, patch_max_days), NULL, 0},
        {0}};
static const struct field SERVICE_FIELDS[] = {{"name", F_STR, offsetof(struct audit_service, name), NULL, 1},
                                              {"proto", F_STR, offsetof(struct audit_service, proto), NULL, 0},
                                              {"port", F_INT, offsetof(struct audit_service, port), NULL, 0},
                                              {"address", F_STR, offsetof(struct audit_service, address), NULL, 0},
                                              {"program", F_STR, offsetof(struct audit_service, program), NULL, 0},
                                              {"needed", F_BOOL, offsetof(struct audit_service, needed), NULL, 0},
                                              {0}};
static const struct field PACKAGE_FIELDS[] = {{"name", F_STR, offsetof(struct audit_package, name), NULL, 1},
                                              {"version", F_STR, offsetof(struct audit_package, version), NULL, 0},
                                              {0}};

struct ctx {
	const char *name;
	const char *file; /* name, as kept by the inventory */
	struct ytree t;   /* the file's YAML (ytree.h: built from events, not libyaml's document) */
	struct audit_errors *err;
	size_t nerr;
};

#define ERR_MAX 500 /* a file of garbage must not make a million lines */

static void err(struct ctx *c, int line, const char *key, const char *en, const char *ja, ...) LB_PRINTF(4, 6);
static void err(struct ctx *c, int line, const char *key, const char *en, const char *ja, ...)
{
	if (++c->nerr > ERR_MAX)
		return;
	char reason[512];
	va_list ap;
	va_start(ap, ja);
	vsnprintf(reason, sizeof(reason), lb_tr(en, ja), ap);
	va_end(ap);
	struct buf b = {0};
	if (c->nerr == ERR_MAX)
		buf_addf(&b, "%s:%d: %s", c->name, line,
		         L_("too many errors; the rest are not shown", "エラーが多すぎるため以降は省略します"));
	else
		buf_addf(&b, "%s:%d: %s: %s", c->name, line, key, reason);
	/* a quoted key or value may hold a newline: one error stays one line */
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			b.data[i] = '?';
	lb_strlist_push(&c->err->lines, buf_detach(&b, NULL));
}

static int line_of(const struct ytree_node *n)
{
	return n->line;
}

/* Node i of the tree; an alias (*name) is refused where it stands. */
static const struct ytree_node *node(struct ctx *c, uint32_t i, int from_line, const char *key)
{
	if (i == YT_NONE || i >= c->t.n) {
		err(c, from_line, key, "the YAML document is broken", "YAML 文書が壊れています");
		return NULL;
	}
	const struct ytree_node *n = &c->t.v[i];
	if (n->type == YT_ALIAS) {
		err(c, line_of(n), key, "anchors and aliases (&, *) are not accepted in an inventory",
		    "インベントリではアンカーと別名 (&, *) は使えません");
		return NULL;
	}
	return n;
}

/* A scalar as text: valid UTF-8, no control characters, within AUDIT_TEXT_MAX. */
static char *text(struct ctx *c, const struct ytree_node *n, const char *key)
{
	if (n->type != YT_SCALAR) {
		err(c, line_of(n), key, "must be a single value, not a list or mapping",
		    "リストやマッピングではなく 1 つの値にします");
		return NULL;
	}
	const char *s = n->value;
	size_t len = n->len;
	if (strlen(s) != len || len > AUDIT_TEXT_MAX) {
		err(c, line_of(n), key, "the value is too long or holds a NUL byte", "値が長すぎるか NUL を含みます");
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f) {
			err(c, line_of(n), key, "the value holds a control character", "値に制御文字があります");
			return NULL;
		}
	return lb_strndup(s, len);
}

static int bool_word(const char *s)
{
	static const char *const yes[] = {"true", "yes", "on", "True", "TRUE", "Yes", "YES"};
	static const char *const no[] = {"false", "no", "off", "False", "FALSE", "No", "NO"};
	for (size_t i = 0; i < LB_ARRAY_LEN(yes); i++)
		if (!strcmp(s, yes[i]))
			return AUDIT_YES;
	for (size_t i = 0; i < LB_ARRAY_LEN(no); i++)
		if (!strcmp(s, no[i]))
			return AUDIT_NO;
	return AUDIT_UNSET;
}

static void read_list(struct ctx *c, const struct ytree_node *n, const char *key, struct lb_strlist *out)
{
	if (n->type != YT_SEQUENCE) {
		err(c, line_of(n), key, "must be a list ([a, b] or lines starting with '- ')",
		    "リスト ([a, b] または '- ' で始まる行) にします");
		return;
	}
	for (uint32_t it = n->first; it; it = c->t.v[it].next) {
		const struct ytree_node *e = node(c, it, line_of(n), key);
		if (!e)
			continue;
		char *s = text(c, e, key);
		if (s)
			lb_strlist_push(out, s);
	}
}

static void read_map(struct ctx *c, const struct ytree_node *n, const char *section, const struct field *fields,
                     void *obj);

/* A list of mappings (services, packages): grows *arr of elem bytes, each filled by read_map; a plain scalar is
 * short for {name: VALUE}. */
static void read_objs(struct ctx *c, const struct ytree_node *n, const char *key, const struct field *fields,
                      size_t elem, void **arr, size_t *count)
{
	if (n->type != YT_SEQUENCE) {
		err(c, line_of(n), key, "must be a list", "リストにします");
		return;
	}
	size_t k = n->count;
	*arr = lb_reallocarray(*arr, *count + k + 1, elem);
	for (uint32_t it = n->first; it; it = c->t.v[it].next) {
		const struct ytree_node *e = node(c, it, line_of(n), key);
		if (!e)
			continue;
		char *obj = (char *)*arr + *count * elem;
		memset(obj, 0, elem);
		if (fields == SERVICE_FIELDS) {
			((struct audit_service *)obj)->line = line_of(e);
		}
		if (e->type == YT_SCALAR) {
			char *s = text(c, e, key);
			if (!s)
				continue;
			*(char **)(obj + fields[0].off) = s; /* fields[0] is name */
		} else {
			read_map(c, e, key, fields, obj);
		}
		(*count)++;
	}
}

static void set_field(struct ctx *c, const struct ytree_node *v, const char *section, const struct field *f, void *obj)
{
	char key[96];
	snprintf(key, sizeof(key), "%s.%s", section, f->key);
	char *p = (char *)obj + f->off;
	switch (f->type) {
	case F_LIST:
		read_list(c, v, key, (struct lb_strlist *)p);
		return;
	case F_SERVICES: {
		struct audit_device *d = obj;
		read_objs(c, v, key, SERVICE_FIELDS, sizeof(struct audit_service), (void **)&d->services,
		          &d->nservices);
		return;
	}
	case F_PACKAGES: {
		struct audit_device *d = obj;
		read_objs(c, v, key, PACKAGE_FIELDS, sizeof(struct audit_package), (void **)&d->packages,
		          &d->npackages);
		return;
	}
	case F_SSH: {
		struct audit_device *d = obj;
		if (v->type != YT_MAPPING) {
			err(c, line_of(v), key, "must be a mapping (permit_root_login, password_authentication)",
			    "マッピング (permit_root_login, password_authentication) にします");
			return;
		}
		for (uint32_t pk = v->first; pk; pk = c->t.v[pk].next ? c->t.v[c->t.v[pk].next].next : 0) {
			const struct ytree_node *k = node(c, pk, line_of(v), key),
			                        *val = node(c, c->t.v[pk].next, line_of(v), key);
			if (!k || !val)
				continue;
			const char *ks = k->type == YT_SCALAR ? k->value : "?";
			char **slot = !strcmp(ks, "permit_root_login")         ? &d->ssh_permit_root_login
			              : !strcmp(ks, "password_authentication") ? &d->ssh_password_authentication
			                                                       : NULL;
			char sub[128];
			snprintf(sub, sizeof(sub), "%s.%s", key, ks);
			if (!slot) {
				err(c, line_of(k), sub, "unknown key", "不明なキーです");
				continue;
			}
			char *s = text(c, val, sub);
			if (s) {
				free(*slot);
				*slot = s;
			}
		}
		return;
	}
	default:
		break;
	}
	char *s = text(c, v, key);
	if (!s)
		return;
	switch (f->type) {
	case F_STR:
		free(*(char **)p);
		*(char **)p = s;
		return;
	case F_DATE: {
		int y, m, d;
		if (lb_parse_day(s, &y, &m, &d) < 0 || !lb_date_valid(y, m, d)) {
			err(c, line_of(v), key, "'%s' is not a date YYYY-MM-DD (ISO 8601)",
			    "'%s' は日付 YYYY-MM-DD (ISO 8601) ではありません", s);
			free(s);
			return;
		}
		free(*(char **)p);
		*(char **)p = s;
		return;
	}
	case F_BOOL: {
		int b = bool_word(s);
		if (!b)
			err(c, line_of(v), key, "'%s' is not true or false", "'%s' は true / false ではありません", s);
		*(enum audit_tri *)p = (enum audit_tri)b;
		free(s);
		return;
	}
	case F_INT: {
		char *end;
		errno = 0;
		long x = strtol(s, &end, 10);
		if (!*s || *end || errno || x < 0 || x > 1000000000L)
			err(c, line_of(v), key, "'%s' is not a whole number of 0 or more",
			    "'%s' は 0 以上の整数ではありません", s);
		else
			*(long *)p = x;
		free(s);
		return;
	}
	case F_ENUM: {
		for (const char *const *w = f->words; *w; w++)
			if (!strcmp(*w, s)) {
				free(*(char **)p);
				*(char **)p = s;
				return;
			}
		struct buf all = {0};
		for (const char *const *w = f->words; *w; w++)
			buf_addf(&all, "%s%s", w == f->words ? "" : ", ", *w);
		err(c, line_of(v), key, "'%s' is not one of: %s", "'%s' は次のいずれでもありません: %s", s,
		    buf_cstr(&all));
		buf_release(&all);
		free(s);
		return;
	}
	default:
		free(s);
		return;
	}
}

static void read_map(struct ctx *c, const struct ytree_node *n, const char *section, const struct field *fields,
                     void *obj)
{
	if (n->type != YT_MAPPING) {
		err(c, line_of(n), section, "each entry must be a mapping (key: value lines)",
		    "各項目はマッピング (キー: 値 の行) にします");
		return;
	}
	unsigned seen = 0;
	for (uint32_t pk = n->first; pk; pk = c->t.v[pk].next ? c->t.v[c->t.v[pk].next].next : 0) {
		const struct ytree_node *k = node(c, pk, line_of(n), section);
		const struct ytree_node *v = node(c, c->t.v[pk].next, line_of(n), section);
		if (!k || !v)
			continue;
		if (k->type != YT_SCALAR) {
			err(c, line_of(k), section, "a key must be a plain word", "キーは単語にします");
			continue;
		}
		const char *ks = k->value;
		size_t i = 0;
		while (fields[i].key && strcmp(fields[i].key, ks))
			i++;
		if (!fields[i].key) {
			char key[128];
			snprintf(key, sizeof(key), "%s.%.60s", section, ks);
			err(c, line_of(k), key, "unknown key (see docs/inventory.md)",
			    "不明なキーです (docs/inventory.md 参照)");
			continue;
		}
		if (seen & (1u << i)) {
			char key[128];
			snprintf(key, sizeof(key), "%s.%s", section, ks);
			err(c, line_of(k), key, "given twice", "2 回書かれています");
		}
		seen |= 1u << i;
		set_field(c, v, section, &fields[i], obj);
	}
	for (size_t i = 0; fields[i].key; i++)
		if (fields[i].required && !(seen & (1u << i))) {
			char key[96];
			snprintf(key, sizeof(key), "%s.%s", section, fields[i].key);
			err(c, line_of(n), key, "missing (required)", "必須のキーがありません");
		}
}

struct section {
	const char *key;
	const struct field *fields;
	size_t elem;
	size_t arr_off, n_off, line_off, file_off;
};
#define SEC(k, f, T, a)                                                                                              \
	{                                                                                                            \
		k, f, sizeof(struct T), offsetof(struct audit_inventory, a), offsetof(struct audit_inventory, n##a), \
		        offsetof(struct T, line), offsetof(struct T, file)                                           \
	}
static const struct section SECTIONS[] = {
        SEC("devices", DEVICE_FIELDS, audit_device, devices),
        SEC("segments", SEGMENT_FIELDS, audit_segment, segments),
        SEC("paths", PATH_FIELDS, audit_path, paths),
        SEC("systems", SYSTEM_FIELDS, audit_system, systems),
        SEC("accounts", ACCOUNT_FIELDS, audit_account, accounts),
        SEC("policies", POLICY_FIELDS, audit_policy, policies),
};

/* Fields that are "not given" as -1 rather than 0. */
static void preset(const struct section *s, void *obj)
{
	if (s->fields == ACCOUNT_FIELDS)
		((struct audit_account *)obj)->uid = -1;
	if (s->fields == POLICY_FIELDS) {
		struct audit_policy *p = obj;
		p->password_min_length = p->lockout_threshold = p->password_max_days = -1;
	}
}

static void read_section(struct ctx *c, const struct ytree_node *n, const struct section *s,
                         struct audit_inventory *inv)
{
	if (n->type != YT_SEQUENCE) {
		err(c, line_of(n), s->key, "must be a list of entries ('- ' lines)",
		    "項目のリスト ('- ' の行) にします");
		return;
	}
	void **arr = (void **)((char *)inv + s->arr_off);
	size_t *count = (size_t *)((char *)inv + s->n_off);
	size_t k = n->count;
	*arr = lb_reallocarray(*arr, *count + k + 1, s->elem);
	for (uint32_t it = n->first; it; it = c->t.v[it].next) {
		const struct ytree_node *e = node(c, it, line_of(n), s->key);
		if (!e)
			continue;
		char *obj = (char *)*arr + *count * s->elem;
		memset(obj, 0, s->elem);
		preset(s, obj);
		*(int *)(obj + s->line_off) = line_of(e);
		*(const char **)(obj + s->file_off) = c->file;
		read_map(c, e, s->key, s->fields, obj);
		(*count)++;
	}
}

int audit_inventory_read_buf(struct audit_inventory *inv, const char *name, const char *data, size_t len,
                             struct audit_errors *errs)
{
	struct ctx c = {.name = name, .err = errs};
	if (!inv->file) {
		inv->file = lb_strdup(name);
		inv->min_length = inv->dormant_days = inv->patch_max_days = -1;
	}
	c.file = lb_strdup(name);
	lb_strlist_push(&inv->files, c.file);
	if (len > AUDIT_FILE_MAX) {
		err(&c, 1, "-", "the file is %zu bytes; at most %u", "ファイルが %zu バイトあります (上限 %u)", len,
		    AUDIT_FILE_MAX);
		return -LB_EINVAL;
	}
	if (ytree_load(&c.t, data, len) < 0) {
		err(&c, c.t.problem_line, "-", "YAML syntax: %s", "YAML の構文エラー: %s", c.t.problem);
		ytree_release(&c.t);
		return -LB_EINVAL;
	}
	if (c.t.second_doc_line)
		err(&c, c.t.second_doc_line, "-", "an inventory file holds one YAML document (--- starts a second one)",
		    "インベントリファイルに書ける YAML 文書は 1 つです (--- で 2 つ目が始まっています)");
	else if (c.t.problem_line)
		err(&c, c.t.problem_line, "-", "YAML syntax: %s", "YAML の構文エラー: %s", c.t.problem);
	const struct ytree_node *root = c.t.root ? &c.t.v[c.t.root] : NULL;
	if (!root) {
		err(&c, 1, "-", "the file is empty", "ファイルが空です");
	} else if (root->type != YT_MAPPING) {
		err(&c, line_of(root), "-", "an inventory is a mapping of sections (devices:, accounts:, …)",
		    "インベントリはセクション (devices:, accounts: など) のマッピングです");
	} else {
		for (uint32_t pk = root->first; pk; pk = c.t.v[pk].next ? c.t.v[c.t.v[pk].next].next : 0) {
			const struct ytree_node *k = node(&c, pk, 1, "-"), *v = node(&c, c.t.v[pk].next, 1, "-");
			if (!k || !v)
				continue;
			const char *ks = k->type == YT_SCALAR ? k->value : "?";
			if (!strcmp(ks, "version")) {
				if (v->type != YT_SCALAR || strcmp(v->value, "1"))
					err(&c, line_of(v), "version", "this lifeboat reads inventory version 1",
					    "この lifeboat が読めるのはインベントリのバージョン 1 です");
				continue;
			}
			if (!strcmp(ks, "hospital")) {
				read_map(&c, v, "hospital", HOSPITAL_FIELDS, inv);
				continue;
			}
			size_t i = 0;
			while (i < LB_ARRAY_LEN(SECTIONS) && strcmp(SECTIONS[i].key, ks))
				i++;
			if (i == LB_ARRAY_LEN(SECTIONS)) {
				char key[80];
				snprintf(key, sizeof(key), "%.60s", ks);
				err(&c, line_of(k), key,
				    "unknown section (version, hospital, devices, segments, paths, systems, accounts, "
				    "policies)",
				    "不明なセクションです (version, hospital, devices, segments, paths, systems, "
				    "accounts, "
				    "policies)");
				continue;
			}
			read_section(&c, v, &SECTIONS[i], inv);
		}
	}
	ytree_release(&c.t);
	return c.nerr ? -LB_EINVAL : 0;
}

int audit_inventory_read_file(struct audit_inventory *inv, const char *path, struct audit_errors *errs)
{
	struct buf b = {0};
	int rc = buf_read_file(&b, path, AUDIT_FILE_MAX + 1);
	if (rc < 0) {
		lb_strlist_push(&errs->lines, lb_strdup(lb_errmsg()));
		buf_release(&b);
		return rc;
	}
	rc = audit_inventory_read_buf(inv, path, b.data ? b.data : "", b.len, errs);
	buf_release(&b);
	return rc;
}

void audit_errors_free(struct audit_errors *e)
{
	for (size_t i = 0; i < e->lines.n; i++)
		free((void *)e->lines.v[i]);
	lb_strlist_free(&e->lines);
}
