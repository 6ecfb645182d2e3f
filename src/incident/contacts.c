/*
 * contacts.c - the contact chart of the cyber BCP (MHLW confirmation table 1-2: vendors, MHLW, police, …), read
 * from YAML as strictly as the cards (cards_yaml.c): one line "FILE:LINE: reason" for an unknown key, a missing
 * organisation, a bad kind. The shipped template (data/incident/contacts.yaml, compiled in) lists every kind with
 * 未設定 where the hospital fills in its own numbers.
 *
 *   hospital: 〇〇病院
 *   updated: 2026-12-01
 *   contacts:
 *     - kind: ehr-vendor
 *       org: 〇〇システム株式会社
 *       person: 保守窓口
 *       phone: 03-0000-0000
 *       after_hours: 090-0000-0000
 *       email: support@example.jp
 *       note: 契約番号 1234
 */
#include "incident_yaml.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char incident_data_contacts[];
extern const size_t incident_data_contacts_len;

#define CONTACTS_MAX 200

struct word {
	const char *name, *en, *ja;
};

static const struct word kinds[INCIDENT_CONTACT_KINDS] = {
        {"ehr-vendor", "EHR vendor", "電子カルテ事業者"},
        {"network-vendor", "network vendor", "ネットワーク事業者"},
        {"mhlw", "MHLW", "厚生労働省"},
        {"police", "police cyber desk", "警察 サイバー窓口"},
        {"prefecture", "prefecture", "都道府県"},
        {"health-centre", "health centre", "保健所"},
        {"ppc", "Personal Information Protection Commission", "個人情報保護委員会"},
        {"regional-hospital", "regional hospital", "近隣の医療機関"},
        {"media", "media desk", "報道対応"},
        {"other", "other", "その他"},
};

const char *incident_contact_kind_name(int kind)
{
	return kind >= 0 && kind < INCIDENT_CONTACT_KINDS ? kinds[kind].name : "?";
}

const char *incident_contact_kind_label(int kind)
{
	return kind >= 0 && kind < INCIDENT_CONTACT_KINDS ? lb_tr(kinds[kind].en, kinds[kind].ja) : "?";
}

int incident_contact_kind_parse(const char *s)
{
	for (int i = 0; s && i < INCIDENT_CONTACT_KINDS; i++)
		if (!strcmp(s, kinds[i].name) || !strcmp(s, kinds[i].ja))
			return i;
	return -1;
}

int incident_unset(const char *s)
{
	return !s || !*s || strstr(s, INCIDENT_UNSET) != NULL;
}

static void contact_release(struct incident_contact *c)
{
	free(c->org);
	free(c->person);
	free(c->phone);
	free(c->after_hours);
	free(c->email);
	free(c->note);
	memset(c, 0, sizeof(*c));
}

void incident_contacts_release(struct incident_contacts *c)
{
	for (size_t i = 0; i < c->n; i++)
		contact_release(&c->v[i]);
	free(c->v);
	free(c->hospital);
	free(c->updated);
	memset(c, 0, sizeof(*c));
}

static int read_contact(struct incident_yaml *y, const yaml_node_t *n, struct incident_contact *c)
{
	static const char *const keys[] = {"kind", "org", "person", "phone", "after_hours", "email", "note"};
	enum { NKEYS = 7 };
	if (n->type != YAML_MAPPING_NODE)
		return incident_yaml_err(y, incident_yaml_line(n), "a contact must be a mapping (kind: …, org: …)",
		                         "連絡先は kind: や org: を持つマッピングにします");
	c->line = incident_yaml_line(n);
	c->kind = -1;
	char **dest[NKEYS] = {NULL, &c->org, &c->person, &c->phone, &c->after_hours, &c->email, &c->note};
	int have[NKEYS] = {0};
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k, *v;
		int rc = incident_yaml_node(y, p->key, c->line, &k);
		if (rc == 0)
			rc = incident_yaml_node(y, p->value, incident_yaml_line(k), &v);
		if (rc < 0)
			return rc;
		const char *key = incident_yaml_scalar(k);
		int f = -1;
		for (int i = 0; key && i < NKEYS; i++)
			if (!strcmp(key, keys[i]))
				f = i;
		if (f < 0)
			return incident_yaml_err(
			        y, incident_yaml_line(k),
			        "unknown key '%s' in a contact (kind, org, person, phone, after_hours, email, note)",
			        "連絡先に不明なキー '%s' があります (kind, org, person, phone, after_hours, email, "
			        "note)",
			        key ? key : "?");
		if (have[f]++)
			return incident_yaml_err(y, incident_yaml_line(k), "'%s' is given twice in a contact",
			                         "連絡先に '%s' が 2 回あります", key);
		if (f == 0) {
			const char *s = incident_yaml_scalar(v);
			if ((c->kind = incident_contact_kind_parse(s)) < 0)
				return incident_yaml_err(
				        y, incident_yaml_line(v),
				        "no contact kind '%s' (ehr-vendor, network-vendor, mhlw, police, "
				        "prefecture, health-centre, ppc, regional-hospital, media, other)",
				        "連絡先の種類 '%s' はありません (ehr-vendor, network-vendor, mhlw, "
				        "police, prefecture, health-centre, ppc, regional-hospital, media, "
				        "other)",
				        s ? s : "?");
			continue;
		}
		if ((rc = incident_yaml_text(y, v, keys[f], f == 6 ? INCIDENT_TEXT_MAX : INCIDENT_NAME_MAX, f == 6,
		                             dest[f])) < 0)
			return rc;
	}
	if (c->kind < 0)
		return incident_yaml_err(y, c->line, "the contact has no kind (ehr-vendor, mhlw, police, …)",
		                         "連絡先に kind (ehr-vendor, mhlw, police, …) がありません");
	if (!c->org)
		return incident_yaml_err(y, c->line, "the contact has no org (the organisation)",
		                         "連絡先に org (組織名) がありません");
	return 0;
}

int incident_contacts_read_buf(struct incident_contacts *out, const char *name, const char *data, size_t len)
{
	memset(out, 0, sizeof(*out));
	struct incident_yaml y;
	int rc = incident_yaml_load(&y, name, data, len, lb_tr("contact chart", "連絡網のファイル"));
	if (rc < 0)
		return rc;
	yaml_node_t *root = yaml_document_get_root_node(&y.doc), *list = NULL;
	if (!root)
		rc = incident_yaml_err(&y, 1, "the file is empty (a contact chart holds contacts:)",
		                       "ファイルが空です (連絡網には contacts: を書きます)");
	else if (root->type != YAML_MAPPING_NODE)
		rc = incident_yaml_err(&y, incident_yaml_line(root), "the file must be a mapping with contacts:",
		                       "ファイルは contacts: を持つマッピングにします");
	else
		y.seen[root - y.doc.nodes.start] = 1;
	int have_h = 0, have_u = 0;
	for (yaml_node_pair_t *p = rc == 0 ? root->data.mapping.pairs.start : NULL;
	     rc == 0 && p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k, *v;
		rc = incident_yaml_node(&y, p->key, incident_yaml_line(root), &k);
		if (rc == 0)
			rc = incident_yaml_node(&y, p->value, incident_yaml_line(k), &v);
		if (rc < 0)
			break;
		const char *key = incident_yaml_scalar(k);
		if (key && !strcmp(key, "hospital") && !have_h++)
			rc = incident_yaml_text(&y, v, "hospital", INCIDENT_NAME_MAX, 0, &out->hospital);
		else if (key && !strcmp(key, "updated") && !have_u++)
			rc = incident_yaml_text(&y, v, "updated", INCIDENT_NAME_MAX, 0, &out->updated);
		else if (key && !strcmp(key, "contacts") && !list)
			list = v;
		else if (key && (!strcmp(key, "hospital") || !strcmp(key, "updated") || !strcmp(key, "contacts")))
			rc = incident_yaml_err(&y, incident_yaml_line(k), "'%s' is given twice", "'%s' が 2 回あります",
			                       key);
		else
			rc = incident_yaml_err(&y, incident_yaml_line(k),
			                       "unknown key '%s' (hospital, updated, contacts)",
			                       "不明なキー '%s' です (hospital, updated, contacts)", key ? key : "?");
	}
	if (rc == 0 && !list)
		rc = incident_yaml_err(&y, incident_yaml_line(root), "the file has no contacts: list",
		                       "ファイルに contacts: のリストがありません");
	if (rc == 0 && list->type != YAML_SEQUENCE_NODE)
		rc = incident_yaml_err(&y, incident_yaml_line(list), "contacts: must be a list (- kind: …)",
		                       "contacts: はリスト (- kind: …) にします");
	for (yaml_node_item_t *it = rc == 0 ? list->data.sequence.items.start : NULL;
	     rc == 0 && it < list->data.sequence.items.top; it++) {
		yaml_node_t *n;
		if ((rc = incident_yaml_node(&y, *it, incident_yaml_line(list), &n)) < 0)
			break;
		if (out->n >= CONTACTS_MAX) {
			rc = incident_yaml_err(&y, incident_yaml_line(n), "more than %d contacts",
			                       "連絡先が %d 件を超えています", CONTACTS_MAX);
			break;
		}
		if (out->n % 16 == 0)
			out->v = lb_realloc(out->v, (out->n + 16) * sizeof(*out->v));
		struct incident_contact *c = &out->v[out->n++];
		memset(c, 0, sizeof(*c));
		rc = read_contact(&y, n, c);
	}
	incident_yaml_free(&y);
	if (rc < 0)
		incident_contacts_release(out);
	return rc;
}

int incident_contacts_read_file(struct incident_contacts *out, const char *path)
{
	memset(out, 0, sizeof(*out));
	struct buf data = {0};
	int rc = buf_read_file(&data, path, INCIDENT_CARD_FILE_MAX);
	if (rc == 0)
		rc = incident_contacts_read_buf(out, path, data.data, data.len);
	buf_release(&data);
	return rc;
}

int incident_contacts_template(struct incident_contacts *out)
{
	return incident_contacts_read_buf(out, "contacts.yaml", (const char *)incident_data_contacts,
	                                  incident_data_contacts_len);
}

int incident_contacts_write_template(const char *path)
{
	int rc = lb_write_file_atomic(path, incident_data_contacts, incident_data_contacts_len, 0644, 1);
	if (rc == -LB_EEXIST)
		rc = lb_error_tr(LB_EEXIST, "'%s' exists already: nothing is overwritten",
		                 "'%s' はすでにあります (上書きはしません)", path);
	return rc;
}
