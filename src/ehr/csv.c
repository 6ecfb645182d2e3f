/*
 * csv.c - the CSV feeds of docs/feeds.md: appointments (bookings, which SS-MIX2 has no data type for) and the drug
 * master (csv_drugs.c), read with one RFC 4180 reader.
 *
 * The reader takes what hospital exports actually look like: UTF-8 with or without a byte-order mark, or CP932
 * (Shift_JIS as Windows writes it; guessed with text_guess_encoding and decoded once to UTF-8); CRLF or LF; quoted
 * fields with doubled quotes, commas and line breaks inside. Columns are found by header name in any order, in
 * English or the usual Japanese (患者ID, 予約日時 …); extra columns are ignored; a missing required column is an
 * error before any row is handed on. A row that cannot be used is a warning naming its line, never a silent drop.
 * Caps: file size, fields per row, bytes per field. The reader is a loop over bytes: no recursion.
 */
#include "csv_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- RFC 4180 records ---------------------------------------------------------------------------------------- */

static void csv_addch(struct csv *c, char ch, size_t *flen)
{
	if (*flen >= CSV_MAX_FIELD) {
		c->too_long = 1;
		return;
	}
	buf_addch(&c->store, ch);
	(*flen)++;
}

/* Read the next record into c. Returns 1, or 0 at the end of input. Blank lines are skipped. */
int csv_next(struct csv *c)
{
	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
		if (*c->p == '\n')
			c->line++;
		c->p++;
	}
	if (c->p >= c->end)
		return 0;
	buf_reset(&c->store);
	c->too_many = c->too_long = c->unterminated = 0;
	c->rec_line = c->line;
	c->off[0] = 0;
	c->nf = 1;
	size_t flen = 0;
	int quoted = 0, was_quoted = 0;
	for (;;) {
		if (c->p >= c->end) {
			c->unterminated = quoted;
			break;
		}
		char ch = *c->p++;
		if (quoted) {
			if (ch == '"' && c->p < c->end && *c->p == '"') {
				csv_addch(c, '"', &flen);
				c->p++;
			} else if (ch == '"') {
				quoted = 0;
			} else {
				if (ch == '\n')
					c->line++;
				csv_addch(c, ch, &flen);
			}
			continue;
		}
		if (ch == '"' && flen == 0 && !was_quoted) {
			quoted = was_quoted = 1;
			continue;
		}
		if (ch == ',') {
			buf_addch(&c->store, 0);
			if (c->nf < CSV_MAX_FIELDS)
				c->off[c->nf++] = c->store.len;
			else
				c->too_many = 1;
			flen = 0;
			was_quoted = 0;
			continue;
		}
		if (ch == '\r' && c->p < c->end && *c->p == '\n')
			continue;
		if (ch == '\n' || ch == '\r') {
			c->line++;
			break;
		}
		csv_addch(c, ch, &flen);
	}
	buf_addch(&c->store, 0);
	return 1;
}

static const char *csv_field(const struct csv *c, int i)
{
	return i >= 0 && i < c->nf ? c->store.data + c->off[i] : NULL;
}

/* ---- loading ------------------------------------------------------------------------------------------------- */

void csv_warn(const struct ehr_sink *sink, const struct ehr_source *src, enum ehr_warn kind, const char *fmt, ...)
{
	if (!sink->warning)
		return;
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	sink->warning(sink->ctx, src, kind, b.data);
	buf_release(&b);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void csv_warn_tr(const struct ehr_sink *sink, const struct ehr_source *src, enum ehr_warn kind, const char *en,
                 const char *ja, ...)
{
	if (!sink->warning)
		return;
	struct buf b = {0};
	va_list ap;
	va_start(ap, ja);
	buf_vaddf(&b, lb_tr(en, ja), ap);
	va_end(ap);
	sink->warning(sink->ctx, src, kind, b.data);
	buf_release(&b);
}
#pragma GCC diagnostic pop

/* Read path and decode it to UTF-8 in out (BOM removed). */
static int load_utf8(const char *path, struct buf *out, const struct ehr_sink *sink, struct ehr_source *src)
{
	struct buf raw = {0};
	int rc = buf_read_file(&raw, path, CSV_MAX_FILE);
	if (rc < 0) {
		buf_release(&raw);
		return rc;
	}
	const char *s = buf_cstr(&raw);
	size_t n = raw.len;
	enum text_encoding enc;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
		s += 3;
		n -= 3;
		enc = TEXT_ENC_UTF8;
	} else {
		enc = text_guess_encoding(s, n);
	}
	struct text_report rep = {0};
	text_decode(enc, out, s, n, &rep);
	if (rep.bad_count)
		csv_warn_tr(
		        sink, src, EHR_WARN_ENCODING, "%zu byte sequences could not be read as %s (shown as U+FFFD)",
		        "%zu か所を %s として読めませんでした (U+FFFD で表示)", rep.bad_count, text_encoding_name(enc));
	if (out->len >= 3 && !memcmp(out->data, "\xEF\xBB\xBF", 3)) {
		memmove(out->data, out->data + 3, out->len - 2);
		out->len -= 3;
	}
	buf_release(&raw);
	return 0;
}

/* A header cell made comparable: trimmed (ASCII and ideographic spaces), ASCII lowercased, '-' and ' ' as '_'. */
static void header_norm(const char *h, char *out, size_t n)
{
	while (*h == ' ' || *h == '\t' || !strncmp(h, "\xE3\x80\x80", 3))
		h += *h == ' ' || *h == '\t' ? 1 : 3;
	size_t k = 0;
	for (; *h && k + 1 < n; h++)
		out[k++] = (char)(*h == ' ' || *h == '-' ? '_' : tolower((unsigned char)*h));
	while (k > 0 && out[k - 1] == '_')
		k--;
	out[k] = 0;
}

static int name_matches(const char *names, const char *h)
{
	size_t hl = strlen(h);
	for (const char *p = names; *p;) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);
		if (l == hl && !strncmp(p, h, l))
			return 1;
		if (!bar)
			break;
		p = bar + 1;
	}
	return 0;
}

/* The first all-Japanese name among a column's names ("code|drug_code|薬品コード" → 薬品コード; 「患者id」, kept
 * lowercase as headers are compared, is passed over for 「患者番号」), NULL when it has none. */
static const char *ja_alias(const char *names, int *len)
{
	for (const char *p = names; *p;) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);
		size_t ascii = 0;
		for (size_t i = 0; i < l; i++)
			ascii += (unsigned char)p[i] < 0x80;
		if (l && !ascii) {
			*len = (int)l;
			return p;
		}
		if (!bar)
			break;
		p = bar + 1;
	}
	return NULL;
}

static int find_columns(struct csv *c, struct column *cols, size_t ncols, const char *path)
{
	char h[256];
	for (size_t i = 0; i < ncols; i++)
		cols[i].index = -1;
	for (int f = 0; f < c->nf; f++) {
		header_norm(csv_field(c, f), h, sizeof(h));
		for (size_t i = 0; i < ncols; i++)
			if (cols[i].index < 0 && name_matches(cols[i].names, h))
				cols[i].index = f;
	}
	for (size_t i = 0; i < ncols; i++) {
		if (cols[i].required && cols[i].index < 0) {
			const char *bar = strchr(cols[i].names, '|');
			int l = bar ? (int)(bar - cols[i].names) : (int)strlen(cols[i].names);
			if (lb_lang() == LB_LANG_JA) {
				/* the column's Japanese header too, as a Japanese export would name it */
				int jl;
				const char *ja = ja_alias(cols[i].names, &jl);
				if (ja)
					return lb_error(LB_EINVAL, "'%s' のヘッダに列 '%.*s' (%.*s) がありません", path,
					                l, cols[i].names, jl, ja);
				return lb_error(LB_EINVAL, "'%s' のヘッダに列 '%.*s' がありません", path, l,
				                cols[i].names);
			}
			/* i18n-ok: the English of the Japanese above */
			return lb_error(LB_EINVAL, "'%s' has no column '%.*s' in its header", path, l, cols[i].names);
		}
	}
	return 0;
}

/* The value of a column in the current record, trimmed; NULL if the column is absent, "" if empty. */
const char *csv_col(struct csv *c, const struct column *cl)
{
	char *v = (char *)csv_field(c, cl->index);
	if (!v)
		return cl->index < 0 ? NULL : "";
	while (*v == ' ' || *v == '\t')
		v++;
	size_t l = strlen(v);
	while (l > 0 && (v[l - 1] == ' ' || v[l - 1] == '\t'))
		v[--l] = 0;
	return v;
}

const char *csv_nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* Open a feed: load, decode and read the header. */
int csv_feed_open(const char *path, struct buf *text, struct csv *c, struct column *cols, size_t ncols,
                  const struct ehr_sink *sink, struct ehr_source *src)
{
	int rc = load_utf8(path, text, sink, src);
	if (rc < 0)
		return rc;
	memset(c, 0, sizeof(*c));
	c->p = buf_cstr(text);
	c->end = c->p + text->len;
	c->line = 1;
	if (!csv_next(c))
		return lb_error_tr(LB_EINVAL, "'%s' is empty (no header row)", "'%s' は空です (ヘッダ行がありません)",
		                   path);
	return find_columns(c, cols, ncols, path);
}

/* Check the caps of the current record; 1 when it can be used. */
int csv_record_ok(struct csv *c, const struct ehr_sink *sink, struct ehr_source *src)
{
	src->line = c->rec_line;
	if (c->unterminated) {
		csv_warn_tr(sink, src, EHR_WARN_PARSE, "a quoted field is not closed before the end of the file",
		            "引用符で始まる項目がファイルの終わりまで閉じられていません");
		return 0;
	}
	if (c->too_many || c->too_long) {
		csv_warn_tr(sink, src, EHR_WARN_LIMIT, "row over the limits (%d fields, %u bytes a field): skipped",
		            "上限 (%d 項目、1 項目 %u バイト) を超える行: 読み飛ばしました", CSV_MAX_FIELDS,
		            CSV_MAX_FIELD);
		return 0;
	}
	return 1;
}

/* ---- appointments -------------------------------------------------------------------------------------------- */

enum { A_ID, A_PATIENT, A_START, A_DATE, A_TIME, A_DEPT, A_CLIN, A_KIND, A_STATUS, A_PHONE, A_NOTE, A_COUNT };

/* Read digits from *s (ASCII or full-width), up to max of them; returns the value or -1. */
static int take_num(const char **s, int max)
{
	int v = 0, n = 0;
	while (n < max) {
		const unsigned char *u = (const unsigned char *)*s;
		if (*u >= '0' && *u <= '9') {
			v = v * 10 + (*u - '0');
			*s += 1;
		} else if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
			v = v * 10 + (u[2] - 0x90);
			*s += 3;
		} else {
			break;
		}
		n++;
	}
	return n ? v : -1;
}

/* "9:30", "09:30", "0930", "9時30分", "09:30:00" → h, m. */
static int parse_hm(const char *s, int *h, int *m)
{
	while (*s == ' ' || *s == 'T')
		s++;
	const char *t = s;
	int a = take_num(&t, 4);
	if (a < 0)
		return -1;
	if (t - s == 4 && !*t) {
		*h = a / 100;
		*m = a % 100;
	} else {
		*h = a;
		if (*t == ':')
			t++;
		else if (!strncmp(t, "時", 3))
			t += 3;
		else
			return -1;
		*m = take_num(&t, 2);
		if (*m < 0)
			*m = 0;
	}
	return *h >= 0 && *h <= 23 && *m >= 0 && *m <= 59 ? 0 : -1;
}

/* A booking time "YYYY-MM-DDTHH:MM" from a start column, or a date and a time column. */
static int appt_start(const char *start, const char *date, const char *time, char *out, size_t n)
{
	char d[64] = "", t[64] = "";
	if (start && *start) {
		/* split at 'T' or the first space */
		const char *sp = strchr(start, 'T');
		if (!sp)
			sp = strchr(start, ' ');
		if (!sp)
			sp = strstr(start, "\xE3\x80\x80"); /* ideographic space */
		size_t dl = sp ? (size_t)(sp - start) : strlen(start);
		snprintf(d, sizeof(d), "%.*s", (int)(dl < sizeof(d) - 1 ? dl : sizeof(d) - 1), start);
		if (sp)
			snprintf(t, sizeof(t), "%s", sp + (*sp == 'T' || *sp == ' ' ? 1 : 3));
	} else if (date && *date) {
		snprintf(d, sizeof(d), "%s", date);
		snprintf(t, sizeof(t), "%s", time ? time : "");
	} else {
		return -1;
	}
	int y, mo, da, h = 0, mi = 0;
	if (text_parse_date(d, &y, &mo, &da) < 0)
		return -1;
	if (t[0]) {
		char *z = strpbrk(t, "+Z"); /* an offset is the hospital's own: dropped */
		if (z)
			*z = 0;
		if (parse_hm(t, &h, &mi) < 0)
			return -1;
	}
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d", y, mo, da, h, mi);
	return 0;
}

static const char *appt_status(const char *s)
{
	static const struct {
		const char *from, *to;
	} map[] = {
	        {"booked", "booked"},       {"予約", "booked"},        {"予約済", "booked"},
	        {"予約済み", "booked"},     {"scheduled", "booked"},   {"pending", "booked"},
	        {"cancelled", "cancelled"}, {"canceled", "cancelled"}, {"キャンセル", "cancelled"},
	        {"取消", "cancelled"},      {"取消し", "cancelled"},   {"取り消し", "cancelled"},
	        {"arrived", "arrived"},     {"来院", "arrived"},       {"受付", "arrived"},
	        {"受付済", "arrived"},      {"checked-in", "arrived"}, {"fulfilled", "arrived"},
	        {"noshow", "noshow"},       {"no-show", "noshow"},     {"未来院", "noshow"},
	};
	if (!s || !*s)
		return "booked";
	for (size_t i = 0; i < LB_ARRAY_LEN(map); i++)
		if (!strcasecmp(map[i].from, s))
			return map[i].to;
	return NULL;
}

int ehr_appointments_read(const char *path, const struct ehr_sink *sink)
{
	struct column cols[A_COUNT] = {
	        [A_ID] = {"id|appointment_id|予約id|予約番号"},
	        [A_PATIENT] = {"patient_id|patient|患者id|患者番号", 1},
	        [A_START] = {"start|datetime|予約日時|開始日時"},
	        [A_DATE] = {"date|予約日|日付"},
	        [A_TIME] = {"time|予約時刻|時刻|開始時刻"},
	        [A_DEPT] = {"department|dept|診療科|診療科名"},
	        [A_CLIN] = {"clinician|doctor|担当医|医師|医師名"},
	        [A_KIND] = {"kind|type|予約種別|種別"},
	        [A_STATUS] = {"status|状態|ステータス"},
	        [A_PHONE] = {"phone|tel|電話番号|連絡先"},
	        [A_NOTE] = {"note|comment|備考|コメント"},
	};
	struct ehr_source src = {.path = path, .kind = "appointments"};
	struct buf text = {0};
	struct csv c;
	int rc = csv_feed_open(path, &text, &c, cols, A_COUNT, sink, &src);
	if (rc == 0 && cols[A_START].index < 0 && cols[A_DATE].index < 0)
		rc = lb_error_tr(LB_EINVAL, "'%s' has no column 'start' (or 'date' and 'time') in its header",
		                 "'%s' のヘッダに列 'start' (予約日時)、または 'date' (予約日) と 'time' (予約時刻) が"
		                 "ありません",
		                 path);
	while (rc == 0 && csv_next(&c)) {
		if (!csv_record_ok(&c, sink, &src))
			continue;
		struct ehr_appointment a = {0};
		a.patient_id = csv_nonempty(csv_col(&c, &cols[A_PATIENT]));
		if (!a.patient_id) {
			csv_warn_tr(sink, &src, EHR_WARN_PARSE, "no patient ID: row skipped",
			            "患者IDがありません: 行を読み飛ばしました");
			continue;
		}
		char start[32];
		const char *s = csv_col(&c, &cols[A_START]), *d = csv_col(&c, &cols[A_DATE]),
		           *t = csv_col(&c, &cols[A_TIME]);
		if (appt_start(s, d, t, start, sizeof(start)) < 0) {
			csv_warn_tr(sink, &src, EHR_WARN_PARSE, "no readable date and time ('%s'): row skipped",
			            "日時 ('%s') が読めません: 行を読み飛ばしました",
			            s && *s ? s
			            : d     ? d
			                    : "");
			continue;
		}
		a.start = start;
		a.id = csv_nonempty(csv_col(&c, &cols[A_ID]));
		a.department = csv_nonempty(csv_col(&c, &cols[A_DEPT]));
		a.clinician = csv_nonempty(csv_col(&c, &cols[A_CLIN]));
		a.kind = csv_nonempty(csv_col(&c, &cols[A_KIND]));
		const char *st = csv_col(&c, &cols[A_STATUS]);
		a.status = appt_status(st);
		if (!a.status) {
			csv_warn_tr(sink, &src, EHR_WARN_PARSE, "unknown status '%s': kept as written",
			            "不明な状態 '%s': 記載のまま保存しました", st);
			a.status = st;
		}
		a.phone = csv_nonempty(csv_col(&c, &cols[A_PHONE]));
		a.note = csv_nonempty(csv_col(&c, &cols[A_NOTE]));
		if (sink->appointment && (rc = sink->appointment(sink->ctx, &src, &a)) < 0)
			break;
		rc = 0;
	}
	buf_release(&text);
	buf_release(&c.store);
	return rc;
}
