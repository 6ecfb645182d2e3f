/*
 * import.c - inventory entries from CSV: an Active Directory user export and an asset ledger. Excel in Japan
 * saves CSV as CP932 (Shift_JIS), often with no way to choose: a file that is not UTF-8 is converted through
 * iconv, and refused with a clear message when it is neither. Columns are found by their header, so the order
 * does not matter; columns not understood are named in a warning, not dropped silently.
 */
#include "audit.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (!k || i + k > n || (k == 2 && c < 0xc2))
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

int audit_csv_to_utf8(struct buf *out, const char *name, const char *data, size_t len)
{
	if (len > AUDIT_FILE_MAX)
		return lb_error_tr(LB_ETOOBIG, "%s: the file is %zu bytes; at most %u",
		                   "%s: ファイルが %zu バイトあります (上限 %u)", name, len, AUDIT_FILE_MAX);
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3, len -= 3;
	if (len >= 2 && (!memcmp(data, "\xff\xfe", 2) || !memcmp(data, "\xfe\xff", 2)))
		return lb_error_tr(
		        LB_EINVAL, "%s: the file is UTF-16; save it as CSV UTF-8 (or CSV in Excel's default)",
		        "%s: ファイルが UTF-16 です。CSV UTF-8 (または Excel の既定の CSV) で保存し直してください",
		        name);
	if (utf8_ok((const unsigned char *)data, len))
		return buf_add(out, data, len);
	iconv_t cd = iconv_open("UTF-8", "CP932");
	if (cd == (iconv_t)-1)
		return lb_error_tr(LB_EINVAL, "%s: the file is not UTF-8, and this system cannot convert CP932",
		                   "%s: ファイルが UTF-8 ではなく、この環境では CP932 を変換できません", name);
	char *in = (char *)data;
	size_t left = len;
	buf_grow(out, len * 2 + 16);
	int rc = 0;
	while (left) {
		buf_grow(out, left * 2 + 16);
		char *o = out->data + out->len;
		size_t room = out->cap - out->len - 1;
		size_t r = iconv(cd, &in, &left, &o, &room);
		out->len = (size_t)(o - out->data);
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = lb_error_tr(
			        LB_EINVAL,
			        "%s: the file is neither UTF-8 nor CP932 (Shift_JIS) at byte %zu; save it as CSV UTF-8",
			        "%s: %zu バイト目が UTF-8 でも CP932 (Shift_JIS) でもありません。CSV UTF-8 "
			        "で保存し直してください",
			        name, len - left);
			break;
		}
	}
	iconv_close(cd);
	if (out->data)
		out->data[out->len] = 0;
	return rc;
}

/* ---- CSV (RFC 4180: quotes, doubled quotes, newlines inside quotes) ----------------------------------------- */

struct row {
	char **f;
	size_t n;
	int line;
};

static void row_free(struct row *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->f[i]);
	free(r->f);
	memset(r, 0, sizeof(*r));
}

/* Next record of s from *pos into r; 0 at the end, 1 with a row, -1 on an unclosed quote. */
static int next_row(const char *s, size_t len, size_t *pos, int *line, struct row *r)
{
	row_free(r);
	if (*pos >= len)
		return 0;
	r->line = *line;
	struct buf cell = {0};
	int quoted = 0, any = 0;
	size_t i = *pos;
	for (;; i++) {
		if (i >= len) {
			if (quoted) {
				buf_release(&cell);
				*pos = len;
				return -1;
			}
			break;
		}
		char c = s[i];
		if (quoted) {
			if (c == '"' && i + 1 < len && s[i + 1] == '"')
				buf_addch(&cell, '"'), i++;
			else if (c == '"')
				quoted = 0;
			else {
				if (c == '\n')
					(*line)++;
				buf_addch(&cell, c);
			}
			continue;
		}
		if (c == '"' && !any) {
			quoted = 1, any = 1;
		} else if (c == ',') {
			r->f = lb_reallocarray(r->f, r->n + 1, sizeof(*r->f));
			r->f[r->n++] = buf_detach(&cell, NULL);
			any = 0;
		} else if (c == '\n' || c == '\r') {
			if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			(*line)++;
			i++;
			break;
		} else {
			buf_addch(&cell, c), any = 1;
		}
	}
	r->f = lb_reallocarray(r->f, r->n + 1, sizeof(*r->f));
	r->f[r->n++] = cell.data ? buf_detach(&cell, NULL) : lb_strdup("");
	*pos = i;
	return 1;
}

static char *trimdup(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > AUDIT_TEXT_MAX) { /* the loader's cap; cut at a character boundary */
		n = AUDIT_TEXT_MAX;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (!n)
		return NULL;
	char *r = lb_strndup(s, n);
	for (char *p = r; *p; p++) /* a newline inside a quoted cell: the inventory keeps one line per value */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return r;
}

static int tri(const char *s)
{
	if (!s)
		return AUDIT_UNSET;
	const char *yes[] = {"true", "yes", "1", "y", "on", "はい", "有", "あり", "○", "有効"};
	const char *no[] = {"false", "no", "0", "n", "off", "いいえ", "無", "なし", "×", "無効"};
	for (size_t i = 0; i < LB_ARRAY_LEN(yes); i++)
		if (!strcasecmp(s, yes[i]))
			return AUDIT_YES;
	for (size_t i = 0; i < LB_ARRAY_LEN(no); i++)
		if (!strcasecmp(s, no[i]))
			return AUDIT_NO;
	return AUDIT_UNSET;
}

/* A header cell matched against names (case-insensitive); -1 when absent. */
static int col(const struct row *h, const char *const *names)
{
	for (size_t i = 0; i < h->n; i++)
		for (const char *const *n = names; *n; n++)
			if (!strcasecmp(h->f[i], *n))
				return (int)i;
	return -1;
}

static const char *cell(const struct row *r, int c)
{
	return c >= 0 && (size_t)c < r->n && r->f[c][0] ? r->f[c] : NULL;
}

static void warn_unused(struct lb_strlist *w, const char *name, const struct row *h, const unsigned char *used)
{
	struct buf b = {0};
	for (size_t i = 0; i < h->n; i++)
		if (!used[i] && h->f[i][0])
			buf_addf(&b, "%s%s", b.len ? ", " : "", h->f[i]);
	if (b.len) {
		struct buf m = {0};
		buf_addf(&m, L_("%s: columns not imported: %s", "%s: 取り込まなかった列: %s"), name, buf_cstr(&b));
		lb_strlist_push(w, buf_detach(&m, NULL));
	}
	buf_release(&b);
}

/* ---- dates as Windows writes them --------------------------------------------------------------------------- */

/* "2022/10/31 9:00:00" (ja-JP), "10/31/2022 9:00:00 AM" (en-US), "2022-10-31…", or a FILETIME
 * (lastLogonTimestamp: 100 ns since 1601) into YYYY-MM-DD; 0 when it is none of them (or never: 0). */
static int ad_date(const char *s, char out[11])
{
	int a, b, c;
	char sep;
	if (strlen(s) >= 15 && strspn(s, "0123456789") == strlen(s)) {
		unsigned long long ft = strtoull(s, NULL, 10);
		if (ft == 0 || ft >= 0x7fffffffffffffffULL)
			return 0;
		int64_t days = (int64_t)(ft / 10000000ULL / 86400ULL) - 134774; /* 1601-01-01 → 1970-01-01 */
		lb_civil_from_days(days, &a, &b, &c);
		if (a < 1900 || a > 9999)
			return 0;
		snprintf(out, 11, "%04d-%02d-%02d", a, b, c);
		return 1;
	}
	if (sscanf(s, "%d%c%d%*c%d", &a, &sep, &b, &c) != 4 || (sep != '/' && sep != '-'))
		return 0;
	int y, m, d;
	if (a > 999)
		y = a, m = b, d = c;
	else
		m = a, d = b, y = c;
	if (y < 1900 || y > 9999 || !lb_date_valid(y, m, d))
		return 0;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 1;
}

static int has_admin_group(const char *member_of)
{
	static const char *const g[] = {"CN=Domain Admins,", "CN=Administrators,", "CN=Enterprise Admins,",
	                                "CN=Schema Admins,"};
	for (size_t i = 0; i < LB_ARRAY_LEN(g); i++)
		if (strcasestr(member_of, g[i]))
			return 1;
	return 0;
}

static struct audit_account *new_account(struct audit_inventory *inv)
{
	inv->accounts = lb_reallocarray(inv->accounts, inv->naccounts + 1, sizeof(*inv->accounts));
	struct audit_account *a = &inv->accounts[inv->naccounts++];
	memset(a, 0, sizeof(*a));
	a->uid = -1;
	return a;
}

int audit_import_ad(struct audit_inventory *inv, const char *name, const char *data, size_t len, const char *system,
                    struct lb_strlist *warnings)
{
	struct buf u = {0};
	int rc = audit_csv_to_utf8(&u, name, data, len);
	if (rc < 0) {
		buf_release(&u);
		return rc;
	}
	const char *s = u.data ? u.data : "";
	size_t pos = 0;
	int line = 1;
	struct row h = {0}, r = {0};
	/* Export-Csv writes "#TYPE Microsoft.ActiveDirectory.Management.ADUser" first unless -NoTypeInformation */
	do
		rc = next_row(s, u.len, &pos, &line, &h);
	while (rc == 1 && h.n && h.f[0][0] == '#');
	static const char *const N_USER[] = {"sAMAccountName", NULL}, *const N_EN[] = {"Enabled", NULL},
	                         *const N_LAST[] = {"LastLogonDate", NULL},
	                         *const N_LLT[] = {"lastLogonTimestamp", "lastLogon", NULL},
	                         *const N_MEM[] = {"memberOf", "MemberOf", NULL},
	                         *const N_PNE[] = {"PasswordNeverExpires", NULL},
	                         *const N_UAC[] = {"userAccountControl", NULL};
	int cu = col(&h, N_USER), ce = col(&h, N_EN), cl = col(&h, N_LAST), ct = col(&h, N_LLT), cm = col(&h, N_MEM),
	    cp = col(&h, N_PNE), cx = col(&h, N_UAC);
	if (rc != 1 || cu < 0) {
		row_free(&h);
		buf_release(&u);
		return lb_error_tr(LB_EINVAL,
		                   "%s:%d: no sAMAccountName column: is this an Active Directory user export?",
		                   "%s:%d: sAMAccountName 列がありません。Active Directory の利用者エクスポートですか?",
		                   name, line);
	}
	unsigned char *used = lb_calloc(h.n + 1, 1);
	int cols[] = {cu, ce, cl, ct, cm, cp, cx};
	for (size_t i = 0; i < LB_ARRAY_LEN(cols); i++)
		if (cols[i] >= 0)
			used[cols[i]] = 1;
	warn_unused(warnings, name, &h, used);
	free(used);
	rc = 0;
	int got;
	while ((got = next_row(s, u.len, &pos, &line, &r)) == 1) {
		char *user = cell(&r, cu) ? trimdup(cell(&r, cu)) : NULL;
		if (!user)
			continue;
		struct audit_account *a = new_account(inv);
		a->user = user;
		a->system = lb_strdup(system);
		a->line = r.line;
		struct buf src = {0};
		buf_addf(&src, "%s:%d", name, r.line);
		a->source = buf_detach(&src, NULL);
		a->enabled = (enum audit_tri)tri(cell(&r, ce));
		long uac = cell(&r, cx) ? strtol(cell(&r, cx), NULL, 10) : -1;
		if (uac >= 0 && a->enabled == AUDIT_UNSET)
			a->enabled = uac & 0x2 ? AUDIT_NO : AUDIT_YES; /* ACCOUNTDISABLE */
		a->password_never_expires = (enum audit_tri)tri(cell(&r, cp));
		if (uac >= 0 && a->password_never_expires == AUDIT_UNSET)
			a->password_never_expires = uac & 0x10000 ? AUDIT_YES : AUDIT_NO; /* DONT_EXPIRE_PASSWORD */
		if (a->enabled == AUDIT_NO)
			a->status = lb_strdup("disabled");
		const char *mem = cell(&r, cm);
		if (mem && !strncmp(mem, "Microsoft.", 10))
			rc = rc ? rc : 1; /* Export-Csv flattened the collection: memberOf unknown */
		else if (mem)
			a->admin = has_admin_group(mem) ? AUDIT_YES : AUDIT_NO;
		char day[11];
		const char *last = cell(&r, cl) ? cell(&r, cl) : cell(&r, ct);
		if (last && ad_date(last, day))
			a->last_login = lb_strdup(day);
	}
	if (rc == 1)
		lb_strlist_push(
		        warnings,
		        lb_strdup(L_("memberOf was written as a type name (Export-Csv flattens lists): export with "
		                     "@{n='memberOf';e={$_.memberOf -join ';'}} to see administrators",
		                     "memberOf が型名で出力されています (Export-Csv "
		                     "はリストを平坦化します)。管理者を判定するには "
		                     "@{n='memberOf';e={$_.memberOf -join ';'}} を付けてエクスポートしてください")));
	row_free(&h);
	row_free(&r);
	buf_release(&u);
	if (got < 0)
		return lb_error_tr(LB_EINVAL, "%s:%d: a quoted cell is never closed",
		                   "%s:%d: 引用符で始まるセルが閉じていません", name, line);
	return 0;
}

/* ---- asset ledger ------------------------------------------------------------------------------------------- */

struct acol {
	const char *names[6];
	size_t off;
	int kind; /* 0 text, 1 tri, 2 date, 3 device type, 4 services list */
};
#define OFF(m) offsetof(struct audit_device, m)
static const struct acol ACOLS[] = {
        {{"name", "hostname", "機器名", "ホスト名", "名称", NULL}, OFF(name), 0},
        {{"type", "種別", "機器種別", NULL}, OFF(type), 3},
        {{"role", "役割", "用途", NULL}, OFF(role), 0},
        {{"vendor", "manufacturer", "メーカー", "製造元", NULL}, OFF(vendor), 0},
        {{"product", "model", "製品", "機種", "型番", NULL}, OFF(product), 0},
        {{"version", "firmware", "os", "バージョン", "ファームウェア", NULL}, OFF(version), 0},
        {{"segment", "network", "セグメント", "ネットワーク", NULL}, OFF(segment), 0},
        {{"location", "設置場所", "場所", NULL}, OFF(location), 0},
        {{"vendor_name", "maintainer", "保守業者", "保守事業者", NULL}, OFF(vendor_name), 0},
        {{"patched", "更新日", "最終更新日", NULL}, OFF(patched), 2},
        {{"antivirus", "ウイルス対策", NULL}, OFF(antivirus), 5},
        {{"updates", "更新", "自動更新", NULL}, OFF(updates), 6},
        {{"internet_facing", "インターネット接続", "インターネット", NULL}, OFF(internet_facing), 1},
        {{"remote_maintenance", "リモート保守", "リモートメンテナンス", NULL}, OFF(remote_maintenance), 1},
        {{"services", "サービス", NULL}, OFF(services), 4},
};
#undef OFF

static const char *device_type(const char *s)
{
	static const char *const map[][2] = {
	        {"server", "server"}, {"サーバ", "server"},   {"サーバー", "server"}, {"terminal", "terminal"},
	        {"端末", "terminal"}, {"pc", "terminal"},     {"network", "network"}, {"ネットワーク機器", "network"},
	        {"vpn", "vpn"},       {"vpn装置", "vpn"},     {"storage", "storage"}, {"ストレージ", "storage"},
	        {"nas", "storage"},   {"medical", "medical"}, {"医療機器", "medical"}};
	for (size_t i = 0; i < LB_ARRAY_LEN(map); i++)
		if (!strcasecmp(s, map[i][0]))
			return map[i][1];
	return NULL;
}

int audit_import_assets(struct audit_inventory *inv, const char *name, const char *data, size_t len,
                        struct lb_strlist *warnings)
{
	struct buf u = {0};
	int rc = audit_csv_to_utf8(&u, name, data, len);
	if (rc < 0) {
		buf_release(&u);
		return rc;
	}
	const char *s = u.data ? u.data : "";
	size_t pos = 0;
	int line = 1;
	struct row h = {0}, r = {0};
	rc = next_row(s, u.len, &pos, &line, &h);
	int cols[LB_ARRAY_LEN(ACOLS)];
	unsigned char *used = lb_calloc(h.n + 1, 1);
	for (size_t i = 0; i < LB_ARRAY_LEN(ACOLS); i++) {
		cols[i] = col(&h, ACOLS[i].names);
		if (cols[i] >= 0)
			used[cols[i]] = 1;
	}
	if (rc != 1 || cols[0] < 0 || cols[1] < 0) {
		free(used);
		row_free(&h);
		buf_release(&u);
		return lb_error_tr(LB_EINVAL, "%s:1: an asset ledger needs the columns name and type (機器名, 種別)",
		                   "%s:1: 機器台帳には name と type (機器名, 種別) の列が必要です", name);
	}
	warn_unused(warnings, name, &h, used);
	free(used);
	int got, bad = 0, drop = 0;
	while ((got = next_row(s, u.len, &pos, &line, &r)) == 1) {
		if (!cell(&r, cols[0]))
			continue;
		inv->devices = lb_reallocarray(inv->devices, inv->ndevices + 1, sizeof(*inv->devices));
		struct audit_device *d = &inv->devices[inv->ndevices++];
		memset(d, 0, sizeof(*d));
		d->line = r.line;
		for (size_t i = 0; i < LB_ARRAY_LEN(ACOLS); i++) {
			const char *v = cell(&r, cols[i]);
			char *t = v ? trimdup(v) : NULL;
			if (!t)
				continue;
			char *p = (char *)d + ACOLS[i].off;
			char day[11];
			switch (ACOLS[i].kind) {
			case 1:
				*(enum audit_tri *)p = (enum audit_tri)tri(t);
				free(t);
				break;
			case 2:
				if (ad_date(t, day))
					*(char **)p = lb_strdup(day);
				else
					bad = r.line;
				free(t);
				break;
			case 3: {
				const char *ty = device_type(t);
				if (!ty)
					drop = 1; /* a guess would be a lie in the ledger: the row is left out, and said */
				else
					*(char **)p = lb_strdup(ty);
				free(t);
				break;
			}
			case 4: /* "rdp; smb1" */
				for (char *save = NULL, *tok = strtok_r(t, ";/ ", &save); tok;
				     tok = strtok_r(NULL, ";/ ", &save)) {
					d->services =
					        lb_reallocarray(d->services, d->nservices + 1, sizeof(*d->services));
					memset(&d->services[d->nservices], 0, sizeof(*d->services));
					d->services[d->nservices++].name = lb_strdup(tok);
				}
				free(t);
				break;
			case 5:
			case 6: {
				int b = tri(t);
				const char *w = b == AUDIT_YES  ? (ACOLS[i].kind == 5 ? "on" : "auto")
				                : b == AUDIT_NO ? "off"
				                                : NULL;
				*(char **)p = w ? lb_strdup(w) : NULL;
				if (!w)
					bad = r.line;
				free(t);
				break;
			}
			default:
				*(char **)p = t;
			}
		}
		if (drop || !d->type || !d->name) {
			struct buf m = {0};
			buf_addf(&m,
			         L_("%s:%d: device '%s' left out: its type is not one of server, terminal, network, "
			            "vpn, "
			            "storage, medical (サーバ, 端末, ネットワーク機器, VPN装置, ストレージ, 医療機器)",
			            "%s:%d: 機器 '%s' を省きました: 種別が server, terminal, network, vpn, storage, "
			            "medical "
			            "(サーバ, 端末, ネットワーク機器, VPN装置, ストレージ, 医療機器) "
			            "のいずれでもありません"),
			         name, r.line, d->name ? d->name : "?");
			if (d->name) /* a row of blanks is no device */
				lb_strlist_push(warnings, buf_detach(&m, NULL));
			buf_release(&m);
			for (size_t i = 0; i < LB_ARRAY_LEN(ACOLS); i++)
				if (ACOLS[i].kind != 1 && ACOLS[i].kind != 4)
					free(*(char **)((char *)d + ACOLS[i].off));
			for (size_t k = 0; k < d->nservices; k++)
				free(d->services[k].name);
			free(d->services);
			inv->ndevices--;
			drop = bad = 0;
			continue;
		}
		if (bad) {
			struct buf m = {0};
			buf_addf(&m,
			         L_("%s:%d: a date, type or yes/no cell was not understood and is left out",
			            "%s:%d: 日付・種別・有無のセルを解釈できなかったため省きました"),
			         name, bad);
			lb_strlist_push(warnings, buf_detach(&m, NULL));
			bad = 0;
		}
	}
	row_free(&h);
	row_free(&r);
	buf_release(&u);
	if (got < 0)
		return lb_error_tr(LB_EINVAL, "%s:%d: a quoted cell is never closed",
		                   "%s:%d: 引用符で始まるセルが閉じていません", name, line);
	return 0;
}
