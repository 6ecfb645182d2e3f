/*
 * be_medium.c - the ward's back-entry medium (backentry.h, docs/backentry.md "Export and import"): written by
 * `incident orders export` through the shared medium folder code (medium_io.c), and its parsers, which take any
 * bytes (fuzz_backentry_medium): every line a JSON object with exactly its fields, every order's content hash
 * recomputed, every number's check digit checked.
 */
#include "be_int.h"
#include "medium_int.h"

#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 65536
#define MEDIUM_ROWS_MAX 10000000

static const char *const file_names[BE_MF_COUNT] = {
        [BE_MF_INFO] = BE_MEDIUM_INFO, [BE_MF_ORDERS] = "orders.jsonl", [BE_MF_STEPS] = "steps.jsonl",
        [BE_MF_LINKS] = "links.jsonl", [BE_MF_BLOCKS] = "blocks.jsonl",
};

const char *be_medium_file_name(int which)
{
	return which >= 0 && which < BE_MF_COUNT ? file_names[which] : "?";
}

/* ---- an order as JSON ---------------------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *be_order_to_json(const struct be_order *o)
{
	char hex[65];
	incident_hex(o->hash, 32, hex);
	json_t *j = json_object();
	json_object_set_new(j, "number", json_string(o->number));
	json_object_set_new(j, "ward", json_string(o->ward));
	json_object_set_new(j, "patient", str_or_null(o->patient));
	json_object_set_new(j, "kind", json_string(be_kind_name(o->kind)));
	json_object_set_new(j, "clinical_ms", json_integer(o->clinical_ms));
	json_object_set_new(j, "author", str_or_null(o->author));
	json_object_set_new(j, "form_serial", str_or_null(o->form_serial));
	json_object_set_new(j, "paper_at", str_or_null(o->paper_at));
	json_object_set_new(j, "note", str_or_null(o->note));
	json_object_set_new(j, "registered_ms", json_integer(o->registered_ms));
	json_object_set_new(j, "registered_by", str_or_null(o->registered_by));
	json_object_set_new(j, "origin", str_or_null(o->origin));
	json_object_set_new(j, "hash", json_string(hex));
	return j;
}

void be_order_as_new(const struct be_order *o, struct be_order_new *n)
{
	memset(n, 0, sizeof(*n));
	n->number = o->number;
	n->patient = o->patient;
	n->kind = o->kind;
	n->clinical_ms = o->clinical_ms;
	n->author = o->author;
	n->form_serial = o->form_serial;
	n->paper_at = o->paper_at;
	n->note = o->note;
}

/* A string field: 0 with *out (a copy; NULL for null when optional), -1 when missing or not a clean string. */
static int get_str(json_t *j, const char *key, int optional, char **out)
{
	json_t *v = json_object_get(j, key);
	*out = NULL;
	if (v && json_is_null(v) && optional)
		return 0;
	if (!v || !json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = lb_strdup(json_string_value(v));
	return 0;
}

static int get_int(json_t *j, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(j, key);
	if (!v || !json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return -1;
	*out = (int64_t)json_integer_value(v);
	return 0;
}

/* A fixed-size string field (a number, a ward) into out; -1 when missing or too long. */
static int get_fixed(json_t *j, const char *key, char *out, size_t cap)
{
	char *s;
	if (get_str(j, key, 0, &s) < 0)
		return -1;
	int ok = strlen(s) < cap;
	if (ok)
		memcpy(out, s, strlen(s) + 1);
	free(s);
	return ok ? 0 : -1;
}

/* Exactly the keys named (NULL-ended). */
static int keys_are(json_t *j, const char *const *keys)
{
	size_t n = 0;
	if (!json_is_object(j))
		return -1;
	for (; keys[n]; n++)
		if (!json_object_get(j, keys[n]))
			return -1;
	return json_object_size(j) == n ? 0 : -1;
}

#define TIME_MAX INT64_C(253402300799999) /* 9999-12-31 */

/* A field of an order checked as be_order_add checks it (the message of be_field_ok is replaced by why). */
static int text_ok(const char *s, int required)
{
	int rc = be_field_ok(s, required, "a field", "項目");
	lb_error_clear();
	return rc;
}

int be_order_of_json(json_t *j, struct be_order *o, const char **why)
{
	static const char *const keys[] = {"number",        "ward",        "patient",  "kind", "clinical_ms",
	                                   "author",        "form_serial", "paper_at", "note", "registered_ms",
	                                   "registered_by", "origin",      "hash",     NULL};
	memset(o, 0, sizeof(*o));
	char *kind = NULL, *hash = NULL;
	int kn;
	*why = lb_tr("not an order of the medium", "媒体の登録の形ではありません");
	if (keys_are(j, keys) < 0 || get_fixed(j, "number", o->number, sizeof(o->number)) < 0 ||
	    get_fixed(j, "ward", o->ward, sizeof(o->ward)) < 0 || get_str(j, "patient", 0, &o->patient) < 0 ||
	    get_str(j, "kind", 0, &kind) < 0 || get_int(j, "clinical_ms", 0, TIME_MAX, &o->clinical_ms) < 0 ||
	    get_str(j, "author", 0, &o->author) < 0 || get_str(j, "form_serial", 1, &o->form_serial) < 0 ||
	    get_str(j, "paper_at", 1, &o->paper_at) < 0 || get_str(j, "note", 1, &o->note) < 0 ||
	    get_int(j, "registered_ms", 0, TIME_MAX, &o->registered_ms) < 0 ||
	    get_str(j, "registered_by", 1, &o->registered_by) < 0 || get_str(j, "origin", 1, &o->origin) < 0 ||
	    get_str(j, "hash", 0, &hash) < 0)
		goto bad;
	*why = lb_tr("a malformed field of an order", "登録の項目の形式が正しくありません");
	if ((kn = be_kind_parse(kind)) < 0 || strcmp(kind, be_kind_name(kn)) != 0 || !be_ward_ok(o->ward) ||
	    text_ok(o->patient, 1) < 0 || text_ok(o->author, 1) < 0 || text_ok(o->form_serial, 0) < 0 ||
	    text_ok(o->paper_at, 0) < 0 || text_ok(o->note, 0) < 0 || text_ok(o->registered_by, 0) < 0 ||
	    text_ok(o->origin, 0) < 0 || strlen(hash) != 64)
		goto bad;
	o->kind = kn;
	int nk;
	if (be_number_parse(o->number, &nk, NULL, NULL) < 0 || nk != BE_NUM_ORDER) {
		lb_error_clear();
		*why = lb_tr("an order number that is malformed or whose check digit does not match",
		             "オーダ番号の形式かチェックディジットが正しくありません");
		goto bad;
	}
	if (!strncmp(o->patient, "DP-", 3) &&
	    (be_number_parse(o->patient, &nk, NULL, NULL) < 0 || nk != BE_NUM_PATIENT)) {
		lb_error_clear();
		*why = lb_tr("a downtime patient number that is malformed",
		             "ダウンタイム患者番号の形式が正しくありません");
		goto bad;
	}
	for (int i = 0; i < 32; i++) {
		int hi = lb_hexval((unsigned char)hash[2 * i]), lo = lb_hexval((unsigned char)hash[2 * i + 1]);
		if (hi < 0 || lo < 0 || (hash[2 * i] >= 'A' && hash[2 * i] <= 'F'))
			goto bad;
		o->hash[i] = (uint8_t)(hi << 4 | lo);
	}
	struct be_order_new n;
	be_order_as_new(o, &n);
	uint8_t h[32];
	be_order_hash(&n, o->ward, h);
	if (memcmp(h, o->hash, 32) != 0) {
		*why = lb_tr("an order whose content does not match its hash (altered)",
		             "登録の内容がハッシュと合いません (改ざん)");
		goto bad;
	}
	free(kind);
	free(hash);
	*why = NULL;
	return 0;
bad:
	free(kind);
	free(hash);
	be_order_release(o);
	return -1;
}

/* ---- parsing a medium ---------------------------------------------------------------------------------------- */

static int step_of(json_t *j, struct be_mstep *s, const char **why)
{
	static const char *const keys[] = {"number", "step", "waived", "who", "at_ms", NULL};
	memset(s, 0, sizeof(*s));
	char *step = NULL;
	int kind;
	*why = lb_tr("not a step of the medium", "媒体の工程の形ではありません");
	int ok = keys_are(j, keys) == 0 && get_fixed(j, "number", s->number, sizeof(s->number)) == 0 &&
	         get_str(j, "step", 0, &step) == 0 && get_str(j, "waived", 1, &s->waived) == 0 &&
	         get_str(j, "who", 1, &s->who) == 0 && get_int(j, "at_ms", 0, TIME_MAX, &s->at_ms) == 0 &&
	         (s->step = be_step_parse(step)) > 0 && text_ok(s->who, 0) == 0 &&
	         (!s->waived || (*s->waived && strlen(s->waived) <= INCIDENT_TEXT_MAX)) &&
	         be_number_parse(s->number, &kind, NULL, NULL) == 0 && kind == BE_NUM_ORDER;
	lb_error_clear();
	free(step);
	if (!ok) {
		free(s->waived);
		free(s->who);
		return -1;
	}
	return 0;
}

static int link_of(json_t *j, struct be_mlink *l, const char **why)
{
	static const char *const keys[] = {"dp", "real_id", "who", "at_ms", NULL};
	memset(l, 0, sizeof(*l));
	int kind;
	*why = lb_tr("not a link of the medium", "媒体の紐付けの形ではありません");
	int ok = keys_are(j, keys) == 0 && get_fixed(j, "dp", l->dp, sizeof(l->dp)) == 0 &&
	         get_str(j, "real_id", 1, &l->real_id) == 0 && get_str(j, "who", 1, &l->who) == 0 &&
	         get_int(j, "at_ms", 0, TIME_MAX, &l->at_ms) == 0 && text_ok(l->real_id, 0) == 0 &&
	         (!l->real_id || strncmp(l->real_id, "DP-", 3) != 0) && text_ok(l->who, 0) == 0 &&
	         be_number_parse(l->dp, &kind, NULL, NULL) == 0 && kind == BE_NUM_PATIENT;
	lb_error_clear();
	if (!ok) {
		free(l->real_id);
		free(l->who);
		return -1;
	}
	return 0;
}

static int block_of(json_t *j, struct be_block *b, const char **why)
{
	static const char *const keys[] = {"kind", "ward", "first", "count", "who", "at_ms", NULL};
	memset(b, 0, sizeof(*b));
	char *kind = NULL;
	int64_t first, count;
	*why = lb_tr("not a block of numbers of the medium", "媒体の番号ブロックの形ではありません");
	int ok = keys_are(j, keys) == 0 && get_str(j, "kind", 0, &kind) == 0 &&
	         get_fixed(j, "ward", b->ward, sizeof(b->ward)) == 0 &&
	         get_int(j, "first", 1, BE_SERIAL_MAX, &first) == 0 &&
	         get_int(j, "count", 1, BE_SERIAL_MAX, &count) == 0 && first + count - 1 <= BE_SERIAL_MAX &&
	         get_str(j, "who", 1, &b->who) == 0 && get_int(j, "at_ms", 0, TIME_MAX, &b->at_ms) == 0 &&
	         (b->kind = be_numkind_parse(kind)) >= 0 && be_ward_ok(b->ward) && text_ok(b->who, 0) == 0;
	lb_error_clear();
	free(kind);
	if (!ok) {
		free(b->who);
		b->who = NULL;
		return -1;
	}
	b->first = (uint32_t)first;
	b->count = (uint32_t)count;
	return 0;
}

static int info_of(struct be_medium *m, json_t *j, const char **why)
{
	static const char *const keys[] = {"format", "source",  "ward",       "wards", "numbers",
	                                   "counts", "created", "created_ms", NULL};
	static const char *const ckeys[] = {"orders", "steps", "links", "blocks", NULL};
	static const char *const rkeys[] = {"ward", "first", "last", NULL};
	*why = lb_tr("not the manifest of a back-entry medium", "遡及入力の媒体のマニフェストではありません");
	char *format = NULL, *source = NULL;
	int ok = keys_are(j, keys) == 0 && get_str(j, "format", 0, &format) == 0 && !strcmp(format, BE_MEDIUM_TAG) &&
	         get_str(j, "source", 1, &source) == 0 && (!source || strlen(source) == 64) &&
	         get_int(j, "created_ms", 0, TIME_MAX, &m->created_ms) == 0 &&
	         json_is_string(json_object_get(j, "created"));
	json_t *ward = json_object_get(j, "ward"), *counts = json_object_get(j, "counts");
	json_t *wards = json_object_get(j, "wards"), *numbers = json_object_get(j, "numbers");
	ok = ok && (json_is_null(ward) || (json_is_string(ward) && be_ward_ok(json_string_value(ward)))) &&
	     keys_are(counts, ckeys) == 0 && json_is_array(wards) && json_array_size(wards) <= 64 &&
	     json_is_array(numbers) && json_array_size(numbers) <= 1000;
	for (size_t i = 0; ok && source && i < 64; i++)
		ok = lb_hexval((unsigned char)source[i]) >= 0;
	for (int i = 0; ok && i < 4; i++)
		ok = get_int(counts, ckeys[i], 0, MEDIUM_ROWS_MAX, &m->counts[i]) == 0;
	m->wards[0] = '\0';
	for (size_t i = 0; ok && i < json_array_size(wards); i++) {
		json_t *w = json_array_get(wards, i);
		ok = json_is_string(w) && be_ward_ok(json_string_value(w)) &&
		     strlen(m->wards) + strlen(json_string_value(w)) + 2 < sizeof(m->wards);
		if (ok)
			snprintf(m->wards + strlen(m->wards), sizeof(m->wards) - strlen(m->wards), "%s%s", i ? "," : "",
			         json_string_value(w));
	}
	for (size_t i = 0; ok && i < json_array_size(numbers); i++) {
		json_t *r = json_array_get(numbers, i);
		struct be_mrange g = {0};
		ok = keys_are(r, rkeys) == 0 && get_fixed(r, "ward", g.ward, sizeof(g.ward)) == 0 &&
		     get_fixed(r, "first", g.first, sizeof(g.first)) == 0 &&
		     get_fixed(r, "last", g.last, sizeof(g.last)) == 0;
		if (ok) {
			m->ranges = lb_reallocarray(m->ranges, m->n_ranges + 1, sizeof(*m->ranges));
			m->ranges[m->n_ranges++] = g;
		}
	}
	if (ok)
		snprintf(m->source, sizeof(m->source), "%s", source ? source : "");
	free(format);
	free(source);
	return ok ? 0 : -1;
}

/* Room for one more of n items: the array doubles when n is a power of two (amortised, without a capacity). */
static void *grow(void *v, size_t n, size_t size)
{
	return n == 0 || (n & (n - 1)) == 0 ? lb_reallocarray(v, n ? 2 * n : 1, size) : v;
}

static int bad_line(int which, int64_t line, const char *why)
{
	return lb_error_tr(LB_EINVAL, "the medium is malformed: %s line %lld: %s",
	                   "媒体の形式が正しくありません: %s の %lld 行目: %s", be_medium_file_name(which),
	                   (long long)line, why);
}

int be_medium_parse(struct be_medium *m, int which, const char *data, size_t len)
{
	if (which < 0 || which >= BE_MF_COUNT)
		return lb_error_tr(LB_EINVAL, "no such file of a medium", "媒体にそのようなファイルはありません");
	if (memchr(data, '\0', len))
		return bad_line(which, 0, lb_tr("a NUL byte", "NUL バイトがあります"));
	if (which == BE_MF_INFO) {
		json_error_t err;
		json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
		const char *why = lb_tr("not JSON", "JSON ではありません");
		int rc = j && info_of(m, j, &why) == 0 ? 0 : bad_line(which, j ? 1 : err.line, why);
		json_decref(j);
		m->have_info = rc == 0;
		return rc;
	}
	int64_t line = 0;
	size_t i = 0;
	while (i < len) {
		line++;
		const char *p = data + i;
		const char *nl = memchr(p, '\n', len - i);
		size_t n = nl ? (size_t)(nl - p) : len - i;
		i += n + (nl ? 1 : 0);
		if (!nl)
			return bad_line(which, line, lb_tr("the last line is cut off", "最後の行が途中で切れています"));
		if (n > LINE_MAX_BYTES || line > MEDIUM_ROWS_MAX)
			return bad_line(which, line, lb_tr("too long", "長すぎます"));
		json_error_t err;
		json_t *j = json_loadb(p, n, JSON_REJECT_DUPLICATES, &err);
		const char *why = lb_tr("not JSON", "JSON ではありません");
		int ok = j != NULL;
		if (ok && which == BE_MF_ORDERS) {
			struct be_order o;
			if ((ok = be_order_of_json(j, &o, &why) == 0)) {
				m->orders = grow(m->orders, m->n_orders, sizeof(*m->orders));
				m->orders[m->n_orders++] = o;
			}
		} else if (ok && which == BE_MF_STEPS) {
			struct be_mstep s;
			if ((ok = step_of(j, &s, &why) == 0)) {
				m->steps = grow(m->steps, m->n_steps, sizeof(*m->steps));
				m->steps[m->n_steps++] = s;
			}
		} else if (ok && which == BE_MF_LINKS) {
			struct be_mlink l;
			if ((ok = link_of(j, &l, &why) == 0)) {
				m->links = grow(m->links, m->n_links, sizeof(*m->links));
				m->links[m->n_links++] = l;
			}
		} else if (ok) {
			struct be_block b;
			if ((ok = block_of(j, &b, &why) == 0)) {
				m->blocks = grow(m->blocks, m->n_blocks, sizeof(*m->blocks));
				m->blocks[m->n_blocks++] = b;
			}
		}
		json_decref(j);
		if (!ok)
			return bad_line(which, line, why);
	}
	return 0;
}

static int order_cmp(const void *a, const void *b)
{
	return strcmp(((const struct be_order *)a)->number, ((const struct be_order *)b)->number);
}

/* Where number's ward is in its text: "DT-" ward "-". */
static void number_ward(const char *number, char ward[BE_WARD_MAX + 1])
{
	const char *w = number + 3, *d = strchr(w, '-');
	size_t n = d && (size_t)(d - w) <= BE_WARD_MAX ? (size_t)(d - w) : 0;
	memcpy(ward, w, n);
	ward[n] = '\0';
}

int be_medium_check(struct be_medium *m)
{
	static const char *const what[] = {"orders", "steps", "links", "blocks"};
	size_t have[4] = {m->n_orders, m->n_steps, m->n_links, m->n_blocks};
	if (!m->have_info)
		return bad_line(BE_MF_INFO, 0, lb_tr("missing", "ありません"));
	for (int i = 0; i < 4; i++)
		if ((int64_t)have[i] != m->counts[i])
			return lb_error_tr(LB_EINVAL,
			                   "the medium is incomplete: the manifest says %lld %s, the files hold %zu",
			                   "媒体が不完全です: マニフェストでは %lld 件 (%s)、ファイルには %zu 件",
			                   (long long)m->counts[i], what[i], have[i]);
	if (m->n_orders)
		qsort(m->orders, m->n_orders, sizeof(*m->orders), order_cmp);
	for (size_t i = 1; i < m->n_orders; i++)
		if (!strcmp(m->orders[i - 1].number, m->orders[i].number))
			return lb_error_tr(LB_EINVAL, "the medium is malformed: %s is in it twice",
			                   "媒体の形式が正しくありません: %s が 2 回あります", m->orders[i].number);
	for (size_t i = 0; i < m->n_steps; i++) {
		struct be_order key = {0};
		memcpy(key.number, m->steps[i].number, sizeof(key.number));
		if (!bsearch(&key, m->orders, m->n_orders, sizeof(*m->orders), order_cmp))
			return lb_error_tr(LB_EINVAL, "the medium is malformed: a step of %s, which it does not hold",
			                   "媒体の形式が正しくありません: 含まれない %s の工程があります",
			                   m->steps[i].number);
	}
	/* the ranges: each ward's first and last number, exactly as the orders give them (in number order, the
	 * numbers of one ward stand together: "DT-" ward "-" is a prefix no other ward's numbers have) */
	size_t ranges = 0;
	for (size_t i = 0; i < m->n_orders;) {
		char w[BE_WARD_MAX + 1];
		number_ward(m->orders[i].number, w);
		size_t pre = 4 + strlen(w), j = i + 1;
		while (j < m->n_orders && !strncmp(m->orders[j].number, m->orders[i].number, pre))
			j++;
		const struct be_mrange *g = NULL;
		for (size_t k = 0; k < m->n_ranges && !g; k++)
			if (!strcmp(m->ranges[k].ward, w))
				g = &m->ranges[k];
		if (!g || strcmp(g->first, m->orders[i].number) || strcmp(g->last, m->orders[j - 1].number))
			return lb_error_tr(
			        LB_EINVAL,
			        "the medium is malformed: the numbers of ward %s are not the range its manifest "
			        "gives",
			        "媒体の形式が正しくありません: 病棟 %s の番号がマニフェストの範囲と違います", w);
		ranges++;
		i = j;
	}
	if (ranges != m->n_ranges)
		return lb_error_tr(LB_EINVAL,
		                   "the medium is malformed: its manifest gives %zu ranges of numbers, the "
		                   "orders %zu",
		                   "媒体の形式が正しくありません: マニフェストの番号の範囲は %zu 件、オーダでは %zu 件",
		                   m->n_ranges, ranges);
	return 0;
}

void be_medium_release(struct be_medium *m)
{
	for (size_t i = 0; i < m->n_orders; i++)
		be_order_release(&m->orders[i]);
	free(m->orders);
	for (size_t i = 0; i < m->n_steps; i++) {
		free(m->steps[i].waived);
		free(m->steps[i].who);
	}
	free(m->steps);
	for (size_t i = 0; i < m->n_links; i++) {
		free(m->links[i].real_id);
		free(m->links[i].who);
	}
	free(m->links);
	be_blocks_release(m->blocks, m->n_blocks);
	free(m->ranges);
	memset(m, 0, sizeof(*m));
}

/* ---- writing a medium ---------------------------------------------------------------------------------------- */

struct export_ctx {
	struct buf orders;
	int64_t n;
	json_t *numbers; /* [{ward, first, last}] */
	char wards[64][BE_WARD_MAX + 1];
	size_t n_wards;
};

static void add_line(struct buf *b, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	buf_adds(b, s);
	buf_addch(b, '\n');
	free(s);
	json_decref(j);
}

static void note_ward(struct export_ctx *x, const char *w)
{
	for (size_t i = 0; i < x->n_wards; i++)
		if (!strcmp(x->wards[i], w))
			return;
	if (x->n_wards < LB_ARRAY_LEN(x->wards))
		snprintf(x->wards[x->n_wards++], BE_WARD_MAX + 1, "%s", w);
}

static int export_order(const struct be_order *o, void *arg)
{
	struct export_ctx *x = arg;
	add_line(&x->orders, be_order_to_json(o));
	x->n++;
	note_ward(x, o->ward);
	char w[BE_WARD_MAX + 1];
	number_ward(o->number, w);
	json_t *last = NULL;
	for (size_t i = 0; i < json_array_size(x->numbers) && !last; i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(x->numbers, i), "ward")), w))
			last = json_array_get(x->numbers, i);
	if (!last) {
		last = json_pack("{s:s, s:s, s:s}", "ward", w, "first", o->number, "last", o->number);
		json_array_append_new(x->numbers, last);
	}
	json_object_set_new(last, "last", json_string(o->number)); /* the list is in number order */
	return 0;
}

/* The steps, links and blocks of what was exported into lines; *n their count. */
static int export_rows(struct incident_file *f, const char *sql, const char *ward, int which, struct buf *out,
                       int64_t *n)
{
	sqlite3_stmt *st;
	int rc = be_prepare(f, sql, &st);
	if (rc < 0)
		return rc;
	incident_bind_text(st, 1, ward);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *j;
#define COL(i) ((const char *)sqlite3_column_text(st, i))
		if (which == BE_MF_STEPS)
			j = json_pack("{s:s, s:s, s:o, s:o, s:I}", "number", COL(0), "step", COL(1), "waived",
			              str_or_null(COL(2)), "who", str_or_null(COL(3)), "at_ms",
			              (json_int_t)sqlite3_column_int64(st, 4));
		else if (which == BE_MF_LINKS)
			j = json_pack("{s:s, s:o, s:o, s:I}", "dp", COL(0), "real_id", str_or_null(COL(1)), "who",
			              str_or_null(COL(2)), "at_ms", (json_int_t)sqlite3_column_int64(st, 3));
		else
			j = json_pack("{s:s, s:s, s:I, s:I, s:o, s:I}", "kind", COL(0), "ward", COL(1), "first",
			              (json_int_t)sqlite3_column_int64(st, 2), "count",
			              (json_int_t)sqlite3_column_int64(st, 3), "who", str_or_null(COL(4)), "at_ms",
			              (json_int_t)sqlite3_column_int64(st, 5));
#undef COL
		add_line(out, j);
		(*n)++;
	}
	if (step != SQLITE_DONE)
		rc = incident_sqlerr(f, "reading the incident file");
	sqlite3_finalize(st);
	return rc;
}

/* What the exported orders and their patients need: the rows of their ward (?1), or all (?1 NULL). */
static const char steps_sql[] =
        "SELECT s.number, s.step, s.waived, s.who, s.at_ms FROM be_steps s JOIN be_backlog b ON b.number = s.number"
        " WHERE ?1 IS NULL OR b.ward = ?1 ORDER BY s.id";
static const char links_sql[] =
        "SELECT dp, real_id, who, at_ms FROM be_links l WHERE ?1 IS NULL OR l.dp LIKE 'DP-' || ?1 || '-%'"
        " OR l.dp IN (SELECT patient FROM be_backlog WHERE ward = ?1) ORDER BY l.id";
/* a block of the ward, or one holding an exported order's number or its downtime patient's */
static const char blocks_sql[] =
        "SELECT kind, ward, first, count, who, at_ms FROM be_blocks k WHERE ?1 IS NULL OR k.ward = ?1 OR EXISTS("
        "SELECT 1 FROM be_backlog b WHERE b.ward = ?1 AND ((k.kind = 'order' AND b.number LIKE 'DT-' || k.ward ||"
        " '-%') OR (k.kind = 'patient' AND b.patient LIKE 'DP-' || k.ward || '-%'))) ORDER BY k.id";

static const char readme[] =
        "lifeboat back-entry medium / 遡及入力の病棟媒体\n"
        "\n"
        "病棟の端末で書き出した、障害中の紙オーダの登録です。医事課の PC で取り込みます:\n"
        "  lifeboat incident orders import このフォルダ --incident 医事課の incident.db --as 氏名\n"
        "同じ媒体を 2 回取り込んでも、重なる媒体を取り込んでも、登録は 1 件ずつです。\n"
        "  manifest.json  病棟・番号の範囲・件数・作成日時・書き出したファイルの ID\n"
        "  orders.jsonl   登録 (1 行 1 件、内容のハッシュつき)\n"
        "  steps.jsonl    済んだ工程 (入力・スキャン・請求)\n"
        "  links.jsonl    ダウンタイム患者番号と患者 ID の紐付け\n"
        "  blocks.jsonl   払い出したダウンタイム番号\n"
        "  SHA256SUMS     上記すべての SHA-256 (sha256sum -c SHA256SUMS で確認できます)\n"
        "\n"
        "The paper orders a ward registered during the outage. Merge it on the records office's PC with\n"
        "`lifeboat incident orders import DIR --incident FILE --as NAME`; every hash is checked first.\n";

int be_orders_export(struct incident_file *f, const char *ward, const char *dir, int64_t now_ms,
                     struct be_export_result *r)
{
	memset(r, 0, sizeof(*r));
	if (ward && !be_ward_ok(ward))
		return lb_error_tr(LB_EINVAL, "'%s' is not a ward code (1 to 8 of A-Z, 0-9)",
		                   "'%s' は病棟コードではありません (A-Z と 0-9 の 1〜8 文字)", ward);
	struct medium_out mo;
	int rc = medium_out_begin(&mo, dir);
	if (rc < 0)
		return rc;
	struct export_ctx x = {.numbers = json_array()};
	struct buf steps = {0}, links = {0}, blocks = {0}, info = {0};
	/* one read transaction: the files agree with each other even while the ward keeps registering */
	if ((rc = sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
		rc = incident_sqlerr(f, "reading the incident file");
	struct be_filter flt = BE_FILTER_ALL;
	flt.ward = ward;
	if (rc == 0)
		rc = be_order_list(f, &flt, export_order, &x);
	if (rc == 0)
		rc = export_rows(f, steps_sql, ward, BE_MF_STEPS, &steps, &r->steps);
	if (rc == 0)
		rc = export_rows(f, links_sql, ward, BE_MF_LINKS, &links, &r->links);
	if (rc == 0)
		rc = export_rows(f, blocks_sql, ward, BE_MF_BLOCKS, &blocks, &r->blocks);
	char source[65] = "";
	sqlite3_stmt *st;
	if (rc == 0 && (rc = be_prepare(f, "SELECT hash FROM entries WHERE seq = 1", &st)) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == INCIDENT_HASH_LEN)
			incident_hex(sqlite3_column_blob(st, 0), INCIDENT_HASH_LEN, source);
		sqlite3_finalize(st);
	}
	sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL);
	r->orders = x.n;
	if (ward)
		note_ward(&x, ward);
	if (rc == 0) {
		json_t *wards = json_array();
		for (size_t i = 0; i < x.n_wards; i++)
			json_array_append_new(wards, json_string(x.wards[i]));
		struct buf when = {0};
		lb_format_utc(&when, now_ms, 0);
		json_t *j = json_pack("{s:s, s:o, s:o, s:o, s:O, s:{s:I, s:I, s:I, s:I}, s:s, s:I}", "format",
		                      BE_MEDIUM_TAG, "source", *source ? json_string(source) : json_null(), "ward",
		                      str_or_null(ward), "wards", wards, "numbers", x.numbers, "counts", "orders",
		                      (json_int_t)r->orders, "steps", (json_int_t)r->steps, "links",
		                      (json_int_t)r->links, "blocks", (json_int_t)r->blocks, "created", when.data,
		                      "created_ms", (json_int_t)now_ms);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		buf_adds(&info, s);
		buf_addch(&info, '\n');
		free(s);
		json_decref(j);
		buf_release(&when);
	}
	const struct buf *files[BE_MF_COUNT] = {&info, &x.orders, &steps, &links, &blocks};
	for (int i = 0; rc == 0 && i < BE_MF_COUNT; i++)
		rc = medium_out_put(&mo, file_names[i], files[i]->data, files[i]->len);
	if (rc == 0)
		rc = medium_out_put(&mo, "README.txt", readme, sizeof(readme) - 1);
	if (rc == 0)
		rc = medium_out_finish(&mo, NULL, r->sums_sha256);
	medium_out_release(&mo);
	json_decref(x.numbers);
	buf_release(&x.orders);
	buf_release(&steps);
	buf_release(&links);
	buf_release(&blocks);
	buf_release(&info);
	return rc;
}
