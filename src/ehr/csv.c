/*
 * csv.c - the CSV feeds of docs/feeds.md: appointments (bookings, which SS-MIX2 has no data type for) and the drug
 * master, read with one RFC 4180 reader.
 *
 * The reader takes what hospital exports actually look like: UTF-8 with or without a byte-order mark, or CP932
 * (Shift_JIS as Windows writes it; guessed with text_guess_encoding and decoded once to UTF-8); CRLF or LF; quoted
 * fields with doubled quotes, commas and line breaks inside. Columns are found by header name in any order, in
 * English or the usual Japanese (患者ID, 予約日時 …); extra columns are ignored; a missing required column is an
 * error before any row is handed on. A row that cannot be used is a warning naming its line, never a silent drop.
 * Caps: file size, fields per row, bytes per field. The reader is a loop over bytes: no recursion.
 */
#include "ehr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CSV_MAX_FILE (1024u << 20)
#define CSV_MAX_FIELDS 256
#define CSV_MAX_FIELD (64u << 10)

/* ---- RFC 4180 records ---------------------------------------------------------------------------------------- */

struct csv {
	const char *p, *end;
	int64_t line;     /* line of the next byte (1-based) */
	struct buf store; /* the fields of the current record, each NUL-terminated */
	size_t off[CSV_MAX_FIELDS];
	int nf;
	int64_t rec_line;       /* first line of the current record */
	int too_many, too_long; /* caps hit in the current record */
	int unterminated;       /* a quoted field ran to the end of the file */
};

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
static int csv_next(struct csv *c)
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

static void warn(const struct ehr_sink *sink, const struct ehr_source *src, enum ehr_warn kind, const char *fmt, ...)
        LB_PRINTF(4, 5);
static void warn(const struct ehr_sink *sink, const struct ehr_source *src, enum ehr_warn kind, const char *fmt, ...)
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
		warn(sink, src, EHR_WARN_ENCODING, "%zu byte sequences could not be read as %s (shown as U+FFFD)",
		     rep.bad_count, text_encoding_name(enc));
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

struct column {
	const char *names; /* '|'-separated accepted header names, the first being the documented one */
	int required;
	int index; /* set by find_columns, -1 when absent */
};

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
			return lb_error(LB_EINVAL, "'%s' has no column '%.*s' in its header", path, l, cols[i].names);
		}
	}
	return 0;
}

/* The value of a column in the current record, trimmed; NULL if the column is absent, "" if empty. */
static const char *col(struct csv *c, const struct column *cl)
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

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* Open a feed: load, decode and read the header. */
static int feed_open(const char *path, struct buf *text, struct csv *c, struct column *cols, size_t ncols,
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
		return lb_error(LB_EINVAL, "'%s' is empty (no header row)", path);
	return find_columns(c, cols, ncols, path);
}

/* Check the caps of the current record; 1 when it can be used. */
static int record_ok(struct csv *c, const struct ehr_sink *sink, struct ehr_source *src)
{
	src->line = c->rec_line;
	if (c->unterminated) {
		warn(sink, src, EHR_WARN_PARSE, "a quoted field is not closed before the end of the file");
		return 0;
	}
	if (c->too_many || c->too_long) {
		warn(sink, src, EHR_WARN_LIMIT, "row over the limits (%d fields, %u bytes a field): skipped",
		     CSV_MAX_FIELDS, CSV_MAX_FIELD);
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
	int rc = feed_open(path, &text, &c, cols, A_COUNT, sink, &src);
	if (rc == 0 && cols[A_START].index < 0 && cols[A_DATE].index < 0)
		rc = lb_error(LB_EINVAL, "'%s' has no column 'start' (or 'date' and 'time') in its header", path);
	while (rc == 0 && csv_next(&c)) {
		if (!record_ok(&c, sink, &src))
			continue;
		struct ehr_appointment a = {0};
		a.patient_id = nonempty(col(&c, &cols[A_PATIENT]));
		if (!a.patient_id) {
			warn(sink, &src, EHR_WARN_PARSE, "no patient ID: row skipped");
			continue;
		}
		char start[32];
		const char *s = col(&c, &cols[A_START]), *d = col(&c, &cols[A_DATE]), *t = col(&c, &cols[A_TIME]);
		if (appt_start(s, d, t, start, sizeof(start)) < 0) {
			warn(sink, &src, EHR_WARN_PARSE, "no readable date and time ('%s'): row skipped",
			     s && *s ? s
			     : d     ? d
			             : "");
			continue;
		}
		a.start = start;
		a.id = nonempty(col(&c, &cols[A_ID]));
		a.department = nonempty(col(&c, &cols[A_DEPT]));
		a.clinician = nonempty(col(&c, &cols[A_CLIN]));
		a.kind = nonempty(col(&c, &cols[A_KIND]));
		const char *st = col(&c, &cols[A_STATUS]);
		a.status = appt_status(st);
		if (!a.status) {
			warn(sink, &src, EHR_WARN_PARSE, "unknown status '%s': kept as written", st);
			a.status = st;
		}
		a.phone = nonempty(col(&c, &cols[A_PHONE]));
		a.note = nonempty(col(&c, &cols[A_NOTE]));
		if (sink->appointment && (rc = sink->appointment(sink->ctx, &src, &a)) < 0)
			break;
		rc = 0;
	}
	buf_release(&text);
	buf_release(&c.store);
	return rc;
}

/* ---- drug master --------------------------------------------------------------------------------------------- */

enum {
	D_CODE,
	D_NAME,
	D_GENERIC,
	D_KANA,
	D_FORM,
	D_UNIT,
	D_MAX,
	D_PREG,
	D_INTER,
	D_ALLERGY,
	D_YJ,
	D_HOT,
	D_MIN_AGE,
	D_MAX_AGE,
	D_CONTRA,
	D_THERA,
	D_STRENGTH,
	D_PERIOD,
	D_NARROW,
	D_HIGH,
	D_CONFUSE,
	D_PER_KG,
	D_ELDERLY,
	D_COUNT
};

/* A number as masters write it: "180", "1,500", "１８０", "2.5". Returns 0 and *v, or -1. */
static int parse_amount(const char *s, double *v)
{
	char tmp[64];
	size_t k = 0;
	while (*s && k + 1 < sizeof(tmp)) {
		const unsigned char *u = (const unsigned char *)s;
		if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
			tmp[k++] = (char)('0' + u[2] - 0x90);
			s += 3;
		} else if (u[0] == 0xEF && u[1] == 0xBC && u[2] == 0x8E) {
			tmp[k++] = '.';
			s += 3;
		} else if (*s == ',') {
			s++;
		} else {
			tmp[k++] = *s++;
		}
	}
	tmp[k] = 0;
	char *end;
	*v = strtod(tmp, &end);
	return k && !*end && *v >= 0 && *v < 1e9 ? 0 : -1;
}

/* Match one of words at *p (ASCII compared without case); advance past it. */
static int word_at(const char **p, const char *const *words)
{
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);
		if (!strncasecmp(*p, words[i], n)) {
			*p += n;
			return 1;
		}
	}
	return 0;
}

#define AGE_MAX_MONTHS (150 * 12)

int ehr_age_limit_parse(const char *s, int upper, int *months)
{
	static const char *const years[] = {"歳", "才", "years", "year", "yrs", "yr", "y", NULL};
	static const char *const mons[] = {"か月",   "ヶ月",  "ヵ月", "カ月", "ケ月", "箇月",
	                                   "months", "month", "mo",   "m",    NULL};
	static const char *const under[] = {"未満", NULL}, *const incl[] = {"以上", "以下", NULL};
	const char *p = s;
	int total = 0, last = 0, parts = 0, exclusive = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (parts && word_at(&p, under)) {
			exclusive = 1;
			continue;
		}
		if (parts && word_at(&p, incl))
			continue;
		int n = 0, digits = 0;
		for (;;) {
			const unsigned char *u = (const unsigned char *)p;
			if (*p >= '0' && *p <= '9')
				n = n * 10 + (*p++ - '0');
			else if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99)
				n = n * 10 + (u[2] - 0x90), p += 3;
			else
				break;
			if (++digits > 4)
				return -1;
		}
		if (!digits)
			return -1;
		while (*p == ' ')
			p++;
		int unit = word_at(&p, years) ? 12 : word_at(&p, mons) ? 1 : 0;
		if (!unit) {
			if (parts)
				return -1; /* "1歳6": the unit of the 6 is anyone's guess */
			unit = 12;
		}
		if (parts && unit >= last)
			return -1; /* years, then months */
		total += n * unit;
		last = unit;
		parts++;
		if (total > AGE_MAX_MONTHS)
			return -1;
	}
	if (!parts || (exclusive && !upper))
		return -1;
	if (upper && !exclusive)
		total += last;
	if (upper && total == 0)
		return -1; /* under 0 months: nobody */
	*months = total;
	return 0;
}

/* A yes/no column as masters write it: 1, yes, y, true, ○, ●, はい, 該当, 有 → 1; 0, no, n, false, ×, いいえ,
 * 無, - → 0; anything else -1. */
static int flag_parse(const char *s)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "○", "●", "◯", "はい", "該当", "有", "あり", "１"};
	static const char *const no[] = {"0", "no", "n", "false", "×", "いいえ", "無", "なし", "-", "０"};
	for (size_t i = 0; i < LB_ARRAY_LEN(yes); i++)
		if (!strcasecmp(s, yes[i]))
			return 1;
	for (size_t i = 0; i < LB_ARRAY_LEN(no); i++)
		if (!strcasecmp(s, no[i]))
			return 0;
	return -1;
}

/* A dosing period in days: 1日 / 毎日 / daily / 1 → 1; 週1回 / 1週 / weekly / 7 → 7; 2週 → 14; 4週 / 月1回 → 28;
 * a plain number of days. -1 when unreadable. */
static int period_parse(const char *s)
{
	static const struct {
		const char *text;
		int days;
	} words[] = {
	        {"daily", 1},   {"day", 1},   {"毎日", 1}, {"1日", 1},     {"1日1回", 1}, {"weekly", 7},
	        {"week", 7},    {"週1回", 7}, {"毎週", 7}, {"1週", 7},     {"週", 7},     {"2週", 14},
	        {"2週1回", 14}, {"隔週", 14}, {"4週", 28}, {"4週1回", 28}, {"月1回", 28}, {"monthly", 28},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(words); i++)
		if (!strcasecmp(s, words[i].text))
			return words[i].days;
	double v;
	if (parse_amount(s, &v) == 0 && v >= 1 && v <= 366 && v == (int)v)
		return (int)v;
	return -1;
}

int ehr_drugs_read(const char *path, const struct ehr_sink *sink)
{
	struct column cols[D_COUNT] = {
	        [D_CODE] = {"code|drug_code|薬品コード|コード", 1},
	        [D_NAME] = {"name|drug_name|薬品名|商品名|販売名", 1},
	        [D_GENERIC] = {"generic_name|generic|一般名|成分名"},
	        [D_KANA] = {"kana|薬品名カナ|カナ|ヨミ"},
	        [D_FORM] = {"form|剤形"},
	        [D_UNIT] = {"unit|単位"},
	        [D_MAX] = {"max_daily_dose|max_daily|1日最大量|一日最大量|極量"},
	        [D_PREG] = {"pregnancy|妊婦|妊娠"},
	        [D_INTER] = {"interaction_group|interaction_groups|相互作用グループ|相互作用"},
	        [D_ALLERGY] = {"allergy_class|allergy_classes|アレルギー分類|アレルギー"},
	        [D_YJ] = {"yj_code|yjコード|yj"},
	        [D_HOT] = {"hot_code|hotコード|hot9|hot"},
	        [D_MIN_AGE] = {"min_age|年齢下限|下限年齢|最低年齢"},
	        [D_MAX_AGE] = {"max_age|年齢上限|上限年齢|最高年齢"},
	        [D_CONTRA] = {"contraindicated_group|contraindicated_groups|併用禁忌グループ|併用禁忌"},
	        [D_THERA] = {"therapeutic_class|薬効分類番号|薬効分類|薬効"},
	        [D_STRENGTH] = {"strength|含量・規格単位|含量規格|規格単位|含量|規格"},
	        [D_PERIOD] = {"dosing_period|投与間隔|投与周期|服用間隔"},
	        [D_NARROW] = {"narrow_therapeutic|nti|治療域狭小|有効域狭小|安全域狭小"},
	        [D_HIGH] = {"high_alert|high_risk|ハイリスク薬|ハイリスク"},
	        [D_CONFUSE] = {"confusable|confusable_names|名称類似|類似名称|名称類似薬"},
	        [D_PER_KG] = {"max_per_kg_day|max_daily_per_kg|体重あたり1日最大量|小児1日最大量|小児最大量"},
	        [D_ELDERLY] = {"elderly|高齢者注意|高齢者"},
	};
	struct ehr_source src = {.path = path, .kind = "drugs"};
	struct buf text = {0};
	struct csv c;
	int rc = feed_open(path, &text, &c, cols, D_COUNT, sink, &src);
	while (rc == 0 && csv_next(&c)) {
		if (!record_ok(&c, sink, &src))
			continue;
		struct ehr_drug d = {0};
		d.code = nonempty(col(&c, &cols[D_CODE]));
		d.name = nonempty(col(&c, &cols[D_NAME]));
		if (!d.code || !d.name) {
			warn(sink, &src, EHR_WARN_PARSE, "drug without %s: row skipped", d.code ? "name" : "code");
			continue;
		}
		d.generic_name = nonempty(col(&c, &cols[D_GENERIC]));
		d.kana = nonempty(col(&c, &cols[D_KANA]));
		d.form = nonempty(col(&c, &cols[D_FORM]));
		d.unit = nonempty(col(&c, &cols[D_UNIT]));
		const char *max = nonempty(col(&c, &cols[D_MAX]));
		if (max && parse_amount(max, &d.max_daily_dose) < 0) {
			warn(sink, &src, EHR_WARN_PARSE, "max_daily_dose '%s' of '%s' is not a number: no maximum kept",
			     max, d.code);
			d.max_daily_dose = 0;
		}
		d.pregnancy = nonempty(col(&c, &cols[D_PREG]));
		d.interaction_groups = nonempty(col(&c, &cols[D_INTER]));
		d.allergy_classes = nonempty(col(&c, &cols[D_ALLERGY]));
		d.yj_code = nonempty(col(&c, &cols[D_YJ]));
		d.hot_code = nonempty(col(&c, &cols[D_HOT]));
		for (int k = D_MIN_AGE; k <= D_MAX_AGE; k++) {
			const char *age = nonempty(col(&c, &cols[k]));
			int *months = k == D_MIN_AGE ? &d.age_min_months : &d.age_below_months;
			if (age && ehr_age_limit_parse(age, k == D_MAX_AGE, months) < 0) {
				warn(sink, &src, EHR_WARN_PARSE,
				     "%s '%s' of '%s' is not an age (15, 15歳, 6か月, 1歳6か月): no limit kept",
				     k == D_MIN_AGE ? "min_age" : "max_age", age, d.code);
				*months = 0;
			}
		}
		d.contraindicated_groups = nonempty(col(&c, &cols[D_CONTRA]));
		d.therapeutic_class = nonempty(col(&c, &cols[D_THERA]));
		d.strength = nonempty(col(&c, &cols[D_STRENGTH]));
		d.confusable = nonempty(col(&c, &cols[D_CONFUSE]));
		d.elderly = nonempty(col(&c, &cols[D_ELDERLY]));
		const char *period = nonempty(col(&c, &cols[D_PERIOD]));
		if (period && (d.period_days = period_parse(period)) < 0) {
			warn(sink, &src, EHR_WARN_PARSE,
			     "dosing_period '%s' of '%s' is not a period (1日, 週1回, 4週, 7): read as daily", period,
			     d.code);
			d.period_days = 0;
		}
		for (int k = D_NARROW; k <= D_HIGH; k++) {
			const char *f = nonempty(col(&c, &cols[k]));
			int v = f ? flag_parse(f) : 0;
			if (v < 0) {
				warn(sink, &src, EHR_WARN_PARSE,
				     "%s '%s' of '%s' is not yes or no (1, 0, ○, はい): read as no",
				     k == D_NARROW ? "narrow_therapeutic" : "high_alert", f, d.code);
				v = 0;
			}
			*(k == D_NARROW ? &d.narrow_therapeutic : &d.high_alert) = v;
		}
		const char *per_kg = nonempty(col(&c, &cols[D_PER_KG]));
		if (per_kg && parse_amount(per_kg, &d.max_per_kg_day) < 0) {
			warn(sink, &src, EHR_WARN_PARSE, "max_per_kg_day '%s' of '%s' is not a number: no maximum kept",
			     per_kg, d.code);
			d.max_per_kg_day = 0;
		}
		if (d.age_below_months && d.age_below_months <= d.age_min_months) {
			warn(sink, &src, EHR_WARN_PARSE, "max_age of '%s' is below its min_age: no age limit kept",
			     d.code);
			d.age_min_months = d.age_below_months = 0;
		}
		if (sink->drug && (rc = sink->drug(sink->ctx, &src, &d)) < 0)
			break;
		rc = 0;
	}
	buf_release(&text);
	buf_release(&c.store);
	return rc;
}
