/*
 * medium_verify.c - the check of an export medium on another machine with no incident file (incident verify
 * --dir): each file against the manifest (a file missing, changed, or not listed fails), then the timeline's chain
 * entry by entry with the same BLAKE2b encoding as the file, then the head. The parsers take any bytes
 * (fuzz_incident_medium).
 */
#include "medium_int.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TIMELINE_MAX (1ull << 30) /* bytes of timeline.jsonl read at most */
#define HEAD_MAX 4096             /* bytes of head.txt */
#define MEDIUM_DEPTH 4            /* folders deep a medium goes */

/* ---- reading ------------------------------------------------------------------------------------------------- */

static int hex_bytes(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = lb_hexval((unsigned char)s[2 * i]), lo = lb_hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* A name a manifest may list: relative, no "..", no "." parts, printable ASCII without backslash. */
static int safe_name(const char *s, size_t n)
{
	if (n == 0 || n > 200 || s[0] == '/')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '\\')
			return 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == '/') {
			size_t len = i - start;
			if (len == 0 || (len == 1 && s[start] == '.') ||
			    (len == 2 && s[start] == '.' && s[start + 1] == '.'))
				return 0;
			start = i + 1;
		}
	return 1;
}

int incident_manifest_parse(const char *data, size_t len, struct incident_manifest *m, struct incident_medium_result *r)
{
	memset(m, 0, sizeof(*m));
	int64_t line = 0;
	size_t i = 0;
	while (i < len) {
		line++;
		const char *p = data + i;
		const char *nl = memchr(p, '\n', len - i);
		size_t n = nl ? (size_t)(nl - p) : len - i;
		i += n + (nl ? 1 : 0);
		if (!nl || n < 64 + 2 + 1 || p[64] != ' ' || (p[65] != ' ' && p[65] != '*')) {
			medium_fail(r, INCIDENT_MEDIUM_BAD_MANIFEST, INCIDENT_MEDIUM_MANIFEST, line, 0);
			return 0;
		}
		uint8_t h[32];
		if (hex_bytes(p, 32, h) < 0 || !safe_name(p + 66, n - 66)) {
			medium_fail(r, INCIDENT_MEDIUM_BAD_MANIFEST, INCIDENT_MEDIUM_MANIFEST, line, 0);
			return 0;
		}
		for (size_t k = 0; k < m->n; k++)
			if (strlen(m->v[k].name) == n - 66 && !memcmp(m->v[k].name, p + 66, n - 66)) {
				medium_fail(r, INCIDENT_MEDIUM_BAD_MANIFEST, INCIDENT_MEDIUM_MANIFEST, line, 0);
				return 0;
			}
		if (m->n >= 10000) {
			medium_fail(r, INCIDENT_MEDIUM_BAD_MANIFEST, INCIDENT_MEDIUM_MANIFEST, line, 0);
			return 0;
		}
		m->v = lb_reallocarray(m->v, m->n + 1, sizeof(*m->v));
		memcpy(m->v[m->n].sha256, h, 32);
		m->v[m->n].name = lb_strndup(p + 66, n - 66);
		m->n++;
	}
	if (!m->n)
		medium_fail(r, INCIDENT_MEDIUM_BAD_MANIFEST, INCIDENT_MEDIUM_MANIFEST, 0, 0);
	return 0;
}

void incident_manifest_release(struct incident_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].name);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* A string field of a timeline line: its text (NULL for null), or -1 when it is neither. */
static int str_field(json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return v ? 0 : -1;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

static int int_field(json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || !json_is_integer(v))
		return -1;
	*out = (int64_t)json_integer_value(v);
	return 0;
}

static int hash_field(json_t *o, const char *key, uint8_t out[INCIDENT_HASH_LEN])
{
	const char *s;
	if (str_field(o, key, &s) < 0 || !s || strlen(s) != 2 * INCIDENT_HASH_LEN)
		return -1;
	return hex_bytes(s, INCIDENT_HASH_LEN, out);
}

/* One line into e (strings point into o); -1 when it is not an entry of the medium. */
static int entry_of(json_t *o, struct incident_entry *e)
{
	static const char *const known[] = {"seq",         "incident", "at_ms",   "at",   "type",   "kind",
	                                    "team",        "author",   "os_user", "text", "report", "ref",
	                                    "known_at_ms", "flags",    "source",  "prev", "hash"};
	if (!json_is_object(o) || json_object_size(o) != LB_ARRAY_LEN(known))
		return -1;
	for (size_t i = 0; i < LB_ARRAY_LEN(known); i++)
		if (!json_object_get(o, known[i]))
			return -1;
	int64_t flags;
	const char *at;
	if (int_field(o, "seq", &e->seq) < 0 || int_field(o, "incident", &e->incident) < 0 ||
	    int_field(o, "at_ms", &e->at_ms) < 0 || int_field(o, "ref", &e->ref) < 0 ||
	    int_field(o, "known_at_ms", &e->known_at_ms) < 0 || int_field(o, "flags", &flags) < 0 ||
	    str_field(o, "at", &at) < 0 || str_field(o, "type", (const char **)&e->type) < 0 || !e->type ||
	    str_field(o, "kind", (const char **)&e->kind) < 0 || str_field(o, "team", (const char **)&e->team) < 0 ||
	    str_field(o, "author", (const char **)&e->author) < 0 ||
	    str_field(o, "os_user", (const char **)&e->os_user) < 0 ||
	    str_field(o, "text", (const char **)&e->text) < 0 ||
	    str_field(o, "report", (const char **)&e->report) < 0 ||
	    str_field(o, "source", (const char **)&e->source) < 0 || hash_field(o, "prev", e->prev) < 0 ||
	    hash_field(o, "hash", e->hash) < 0 || flags < INT32_MIN || flags > INT32_MAX)
		return -1;
	e->flags = (int)flags;
	if (e->at_ms < 0 || e->at_ms > INT64_C(253402300799999)) /* 1970 to 9999 */
		return -1;
	/* "at" is for people but must say the same as at_ms, which the hash covers */
	struct buf t = {0};
	lb_format_utc(&t, e->at_ms, 1);
	int same = at && !strcmp(at, t.data);
	buf_release(&t);
	return same ? 0 : -1;
}

int incident_timeline_check(const char *data, size_t len, struct incident_medium_result *r)
{
	uint8_t chain[INCIDENT_HASH_LEN] = {0};
	struct buf scratch = {0};
	int64_t line = 0, expected = 1;
	size_t i = 0;
	while (i < len && r->status == INCIDENT_MEDIUM_OK) {
		line++;
		const char *p = data + i;
		const char *nl = memchr(p, '\n', len - i);
		size_t n = nl ? (size_t)(nl - p) : len - i;
		i += n + (nl ? 1 : 0);
		json_error_t err;
		json_t *o = nl ? json_loadb(p, n, JSON_REJECT_DUPLICATES, &err) : NULL;
		struct incident_entry e = {0};
		if (!o || entry_of(o, &e) < 0) {
			medium_fail(r, INCIDENT_MEDIUM_BAD_ENTRY, INCIDENT_MEDIUM_TIMELINE, line, expected);
			json_decref(o);
			break;
		}
		uint8_t self[INCIDENT_HASH_LEN];
		incident_hash_with(&scratch, e.prev, &e, self);
		if (memcmp(self, e.hash, INCIDENT_HASH_LEN) != 0)
			medium_fail(r, INCIDENT_MEDIUM_BAD_ENTRY, INCIDENT_MEDIUM_TIMELINE, line, e.seq);
		else if (e.seq != expected || memcmp(e.prev, chain, INCIDENT_HASH_LEN) != 0)
			medium_fail(r, INCIDENT_MEDIUM_CHAIN, INCIDENT_MEDIUM_TIMELINE, line, e.seq);
		else {
			memcpy(chain, e.hash, INCIDENT_HASH_LEN);
			memcpy(r->head, chain, INCIDENT_HASH_LEN);
			r->entries++;
			expected++;
		}
		json_decref(o);
	}
	buf_release(&scratch);
	if (r->status == INCIDENT_MEDIUM_OK && r->entries == 0)
		medium_fail(r, INCIDENT_MEDIUM_BAD_ENTRY, INCIDENT_MEDIUM_TIMELINE, 0, 0);
	return 0;
}

/* head.txt: the tag, then "head SEQ HEX" among its lines; 0 with seq and hash, -1 when malformed. */
static int parse_head_file(const char *data, size_t len, int64_t *seq, uint8_t hash[INCIDENT_HASH_LEN])
{
	if (len < sizeof(INCIDENT_MEDIUM_HEAD_TAG) ||
	    memcmp(data, INCIDENT_MEDIUM_HEAD_TAG "\n", sizeof(INCIDENT_MEDIUM_HEAD_TAG)) != 0 || memchr(data, 0, len))
		return -1;
	const char *p = strstr(data, "\nhead ");
	if (!p)
		return -1;
	p += 6;
	char *end;
	long long v = strtoll(p, &end, 10);
	if (end == p || *end != ' ' || v < 1 || strlen(end + 1) < 2 * INCIDENT_HASH_LEN + 1 ||
	    end[1 + 2 * INCIDENT_HASH_LEN] != '\n' || hex_bytes(end + 1, INCIDENT_HASH_LEN, hash) < 0)
		return -1;
	*seq = v;
	return 0;
}

/* The entry whose hash starts with the given hex (at least 8 digits, checked by the caller): 1 when found. */
static int head_in_timeline(const char *data, size_t len, const char *hex)
{
	char want[2 * INCIDENT_HASH_LEN + 1];
	size_t n = strlen(hex);
	for (size_t i = 0; i < n; i++)
		want[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] - 'A' + 'a' : hex[i]);
	want[n] = '\0';
	struct buf pat = {0};
	buf_addf(&pat, "\"hash\":\"%s", want);
	int found = 0;
	const char *p = data, *end = data + len;
	while (!found && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* the hash is the last key of each line */
		const char *h = NULL;
		for (const char *q = p; q + pat.len <= p + l; q++)
			if (!memcmp(q, pat.data, pat.len))
				h = q;
		found = h != NULL;
		p += l + 1;
	}
	buf_release(&pat);
	return found;
}

int incident_medium_verify(const char *dir, const char *head_hex, struct incident_medium_result *r)
{
	memset(r, 0, sizeof(*r));
	if (head_hex) {
		size_t n = strlen(head_hex);
		int ok = n >= 8 && n <= 2 * INCIDENT_HASH_LEN;
		for (size_t i = 0; ok && i < n; i++)
			ok = lb_hexval((unsigned char)head_hex[i]) >= 0;
		if (!ok)
			return lb_error_tr(LB_EINVAL, "--head takes 8 to 64 hex digits of a hash, not '%s'",
			                   "--head にはハッシュの 16 進数 8〜64 桁を指定します ('%s' は不可)",
			                   head_hex);
	}
	struct stat sb;
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return lb_error_tr(LB_ENOTFOUND, "no folder '%s'", "フォルダ '%s' がありません", dir);
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium cannot start", "libsodium を初期化できません");
	struct buf data = {0};
	struct incident_manifest m;
	medium_check_sums(dir, MEDIUM_DEPTH, &m, r, NULL);
	if (r->status == INCIDENT_MEDIUM_OK &&
	    (!medium_listed(&m, INCIDENT_MEDIUM_TIMELINE) || !medium_listed(&m, INCIDENT_MEDIUM_HEAD)))
		medium_fail(r, INCIDENT_MEDIUM_BAD_MANIFEST, INCIDENT_MEDIUM_MANIFEST, 0, 0);
	incident_manifest_release(&m);
	buf_reset(&data);
	if (r->status == INCIDENT_MEDIUM_OK) {
		if (medium_read_file(dir, INCIDENT_MEDIUM_TIMELINE, &data, TIMELINE_MAX) < 0)
			medium_fail(r, INCIDENT_MEDIUM_MISSING, INCIDENT_MEDIUM_TIMELINE, 0, 0);
		else
			incident_timeline_check(data.data ? data.data : "", data.len, r);
	}
	if (r->status == INCIDENT_MEDIUM_OK) {
		struct buf head = {0};
		int64_t seq;
		uint8_t hash[INCIDENT_HASH_LEN];
		if (medium_read_file(dir, INCIDENT_MEDIUM_HEAD, &head, HEAD_MAX) < 0 ||
		    parse_head_file(buf_cstr(&head), head.len, &seq, hash) < 0 || seq != r->entries ||
		    memcmp(hash, r->head, INCIDENT_HASH_LEN) != 0)
			medium_fail(r, INCIDENT_MEDIUM_BAD_HEAD, INCIDENT_MEDIUM_HEAD, 0, 0);
		buf_release(&head);
	}
	if (r->status == INCIDENT_MEDIUM_OK && head_hex && !head_in_timeline(data.data, data.len, head_hex))
		medium_fail(r, INCIDENT_MEDIUM_HEAD_GONE, INCIDENT_MEDIUM_TIMELINE, 0, 0);
	buf_release(&data);
	return 0;
}
