/*
 * hl7.c - a bounded HL7 v2 message parser (ER7, the pipe-and-hat form SS-MIX2 stores).
 *
 * The message is parsed once into segment and field spans over a private copy of its UTF-8 text; repetitions,
 * components and subcomponents are found on demand by scanning one field, and escape sequences are undone only in
 * the piece asked for. Delimiters come from MSH-1 and MSH-2. Segments end at CR, LF or CRLF (SS-MIX2 writes CR,
 * files edited by hand carry LF). Every loop is bounded by the input and by the caps of ehr.h; nothing recurses.
 * A cap that was hit is remembered in msg->limits so that the caller can warn.
 *
 * Input must be UTF-8 (SS-MIX2 callers decode ISO-2022-JP first: its two-byte characters contain '|', '^', '~'
 * and '\' as trail bytes, so splitting the raw bytes would cut characters in half).
 */
#include "ehr.h"

#include <stdlib.h>
#include <string.h>

static int isalnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int seg_is_msh(const struct hl7_msg *m, size_t seg)
{
	return !strcmp(m->seg[seg].id, "MSH") || !strcmp(m->seg[seg].id, "FHS") || !strcmp(m->seg[seg].id, "BHS");
}

/* Trim a segment length so that it does not end inside a UTF-8 sequence. */
static size_t utf8_floor(const char *s, size_t n)
{
	size_t k = n;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

static void add_segment(struct hl7_msg *m, size_t off, size_t len)
{
	const char *s = m->text.data + off;
	if (len > HL7_MAX_SEGMENT_LEN) {
		len = utf8_floor(s, HL7_MAX_SEGMENT_LEN);
		m->limits |= HL7_LIMIT_SEGMENT_LEN;
	}
	if (m->nseg >= HL7_MAX_SEGMENTS) {
		m->limits |= HL7_LIMIT_SEGMENTS;
		return;
	}
	struct hl7_segment *g = &m->seg[m->nseg];
	memset(g, 0, sizeof(*g));
	size_t idl = 0;
	while (idl < len && idl < 3 && s[idl] != m->delim[HL7_FS])
		idl++;
	memcpy(g->id, s, idl);
	g->id[idl] = 0;
	g->first_field = (uint32_t)m->nfield;
	/* Field 0 is the segment id; each field separator starts the next one. */
	size_t start = 0, reps = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != m->delim[HL7_FS]) {
			if (s[i] == m->delim[HL7_RS] && ++reps == HL7_MAX_REPS)
				m->limits |= HL7_LIMIT_REPS;
			continue;
		}
		reps = 0;
		if (g->nfields >= HL7_MAX_FIELDS) {
			m->limits |= HL7_LIMIT_FIELDS;
			break;
		}
		if (m->nfield == m->field_cap) {
			m->field_cap = m->field_cap ? m->field_cap * 2 : 64;
			m->field = lb_reallocarray(m->field, m->field_cap, sizeof(*m->field));
		}
		m->field[m->nfield].off = (uint32_t)(off + start);
		m->field[m->nfield].len = (uint32_t)(i - start);
		m->nfield++;
		g->nfields++;
		start = i + 1;
	}
	m->nseg++;
}

/* Parse into m, whose text is empty and whose seg and field arrays (if any) may be reused. */
static int parse(struct hl7_msg *m, const char *utf8, size_t n)
{
	if (n > HL7_MAX_MESSAGE) {
		m->limits |= HL7_LIMIT_MESSAGE;
		n = utf8_floor(utf8, HL7_MAX_MESSAGE);
	}
	/* Some exporters put a byte-order mark or blank lines first. */
	while (n >= 3 && (unsigned char)utf8[0] == 0xEF && (unsigned char)utf8[1] == 0xBB &&
	       (unsigned char)utf8[2] == 0xBF) {
		utf8 += 3;
		n -= 3;
	}
	while (n > 0 && (utf8[0] == '\r' || utf8[0] == '\n' || utf8[0] == ' ' || utf8[0] == '\t')) {
		utf8++;
		n--;
	}
	if (n < 8 || memcmp(utf8, "MSH", 3) != 0)
		return lb_error_tr(LB_EINVAL, "message does not start with MSH", "メッセージが MSH で始まっていません");
	/* MSH-1 is the field separator; MSH-2 lists component, repetition, escape and subcomponent characters. */
	char fs = utf8[3];
	if ((unsigned char)fs <= 0x20 || (unsigned char)fs >= 0x7f || isalnum_ascii((unsigned char)fs))
		return lb_error_tr(LB_EINVAL, "bad field separator in MSH", "MSH のフィールド区切り文字が不正です");
	char d[5] = {fs, 0, 0, 0, 0};
	size_t k = 4;
	for (int j = 1; j < 5 && k < n && utf8[k] != fs && utf8[k] != '\r' && utf8[k] != '\n'; j++, k++) {
		unsigned char c = (unsigned char)utf8[k];
		if (c <= 0x20 || c >= 0x7f || isalnum_ascii(c))
			return lb_error_tr(LB_EINVAL, "bad encoding characters in MSH-2",
			                   "MSH-2 の符号化文字が不正です");
		for (int q = 0; q < j; q++)
			if (d[q] == (char)c)
				return lb_error_tr(LB_EINVAL, "repeated delimiter '%c' in MSH-2",
				                   "MSH-2 に区切り文字 '%c' が重複しています", c);
		d[j] = (char)c;
	}
	if (!d[1] || !d[2])
		return lb_error_tr(LB_EINVAL, "MSH-2 names no component or repetition separator",
		                   "MSH-2 に成分区切りか繰り返し区切りの文字がありません");
	memcpy(m->delim, d, sizeof(d));
	buf_add(&m->text, utf8, n);
	if (m->seg_cap < 64) {
		m->seg = lb_reallocarray(m->seg, 64, sizeof(*m->seg));
		m->seg_cap = 64;
	}
	size_t start = 0;
	const char *t = m->text.data;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && t[i] != '\r' && t[i] != '\n')
			continue;
		if (i > start) {
			if (m->nseg == m->seg_cap && m->seg_cap < HL7_MAX_SEGMENTS) {
				m->seg_cap = m->seg_cap * 2 > HL7_MAX_SEGMENTS ? HL7_MAX_SEGMENTS : m->seg_cap * 2;
				m->seg = lb_reallocarray(m->seg, m->seg_cap, sizeof(*m->seg));
			}
			add_segment(m, start, i - start);
			if (m->limits & HL7_LIMIT_SEGMENTS)
				break;
		}
		start = i + 1;
	}
	return 0;
}

int hl7_parse(struct hl7_msg *m, const char *utf8, size_t n)
{
	memset(m, 0, sizeof(*m));
	return parse(m, utf8, n);
}

int hl7_parse_reuse(struct hl7_msg *m, const char *utf8, size_t n)
{
	struct hl7_msg old = *m;
	memset(m, 0, sizeof(*m));
	m->text = old.text;
	buf_reset(&m->text);
	m->seg = old.seg;
	m->seg_cap = old.seg_cap;
	m->field = old.field;
	m->field_cap = old.field_cap;
	return parse(m, utf8, n);
}

void hl7_release(struct hl7_msg *m)
{
	buf_release(&m->text);
	free(m->seg);
	free(m->field);
	memset(m, 0, sizeof(*m));
}

long hl7_find(const struct hl7_msg *m, const char *id, size_t from)
{
	for (size_t i = from; i < m->nseg; i++)
		if (!strcmp(m->seg[i].id, id))
			return (long)i;
	return -1;
}

/* The raw (still escaped) text of field number fld of segment seg, or NULL when the segment has no such field. */
static const char *field_raw(const struct hl7_msg *m, size_t seg, int fld, size_t *len)
{
	if (seg >= m->nseg || fld < 0)
		return NULL;
	const struct hl7_segment *g = &m->seg[seg];
	if (seg_is_msh(m, seg)) {
		if (fld == 1) {
			*len = 1;
			return &m->delim[HL7_FS];
		}
		/* "MSH|^~\&|A": the part after the first separator is MSH-2, so MSH-n is part n-1. */
		if (fld >= 2)
			fld--;
	}
	if ((size_t)fld >= g->nfields)
		return NULL;
	const struct hl7_span *sp = &m->field[g->first_field + fld];
	*len = sp->len;
	return m->text.data + sp->off;
}

/* Narrow s[0..n) to its idx-th piece separated by sep (idx from 0); NULL when there are fewer pieces. */
static const char *piece(const char *s, size_t n, char sep, int idx, size_t *out_len, int cap, int *capped)
{
	size_t start = 0;
	int k = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != sep)
			continue;
		if (k == idx) {
			*out_len = i - start;
			return s + start;
		}
		if (++k >= cap) {
			*capped = 1;
			return NULL;
		}
		start = i + 1;
	}
	return NULL;
}

int hl7_reps(const struct hl7_msg *m, size_t seg, int fld)
{
	size_t n;
	const char *s = field_raw(m, seg, fld, &n);
	if (!s || !n)
		return 0;
	if (seg_is_msh(m, seg) && fld <= 2)
		return 1;
	int k = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == m->delim[HL7_RS] && ++k >= HL7_MAX_REPS)
			return HL7_MAX_REPS;
	return k;
}

int hl7_get_at(const struct hl7_msg *m, size_t seg, int fld, int rep, int comp, int sub, struct buf *out)
{
	buf_reset(out);
	size_t n;
	const char *s = field_raw(m, seg, fld, &n);
	if (!s)
		return 0;
	if (seg_is_msh(m, seg) && fld <= 2) {
		/* MSH-1 and MSH-2 are the delimiters themselves, never split or unescaped. */
		if (rep == 0 && comp <= 1 && sub <= 1)
			buf_add(out, s, n);
		return out->len > 0;
	}
	int capped = 0;
	s = piece(s, n, m->delim[HL7_RS], rep, &n, HL7_MAX_REPS, &capped);
	if (s && comp > 0)
		s = piece(s, n, m->delim[HL7_CS], comp - 1, &n, HL7_MAX_COMPONENTS, &capped);
	if (s && sub > 0 && m->delim[HL7_SS])
		s = piece(s, n, m->delim[HL7_SS], sub - 1, &n, HL7_MAX_COMPONENTS, &capped);
	else if (s && sub > 1)
		s = NULL;
	if (!s)
		return 0;
	hl7_unescape(m, s, n, out);
	/* HL7 "" means "delete this value": for a snapshot it is the same as empty. */
	if (out->len == 2 && !strcmp(out->data, "\"\""))
		buf_reset(out);
	return out->len > 0;
}

int hl7_get(const struct hl7_msg *m, const char *id, int fld, int rep, int comp, int sub, struct buf *out)
{
	long seg = hl7_find(m, id, 0);
	if (seg < 0) {
		buf_reset(out);
		return 0;
	}
	return hl7_get_at(m, (size_t)seg, fld, rep, comp, sub, out);
}

void hl7_unescape(const struct hl7_msg *m, const char *s, size_t n, struct buf *out)
{
	char esc = m->delim[HL7_EC];
	size_t start = out->len;
	int hex_bytes = 0;
	if (!esc || !memchr(s, esc, n)) {
		buf_add(out, s, n); /* the usual case: nothing to undo */
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!esc || s[i] != esc) {
			buf_addch(out, s[i]);
			continue;
		}
		size_t j = i + 1;
		while (j < n && s[j] != esc && j - i <= HL7_MAX_ESCAPE)
			j++;
		if (j >= n || s[j] != esc) {
			/* A lone escape character: keep it as text rather than lose what follows. */
			buf_addch(out, s[i]);
			continue;
		}
		const char *e = s + i + 1;
		size_t el = j - i - 1;
		if (el == 1 && e[0] == 'F')
			buf_addch(out, m->delim[HL7_FS]);
		else if (el == 1 && e[0] == 'S')
			buf_addch(out, m->delim[HL7_CS]);
		else if (el == 1 && e[0] == 'R')
			buf_addch(out, m->delim[HL7_RS]);
		else if (el == 1 && e[0] == 'E')
			buf_addch(out, esc);
		else if (el == 1 && e[0] == 'T')
			buf_addch(out, m->delim[HL7_SS] ? m->delim[HL7_SS] : '&');
		else if (el == 3 && !memcmp(e, ".br", 3))
			buf_addch(out, '\n');
		else if (el == 1 && (e[0] == 'H' || e[0] == 'N'))
			; /* highlighting on / off: no text */
		else if (el >= 1 && (e[0] == 'X' || e[0] == 'x') && el % 2 == 1) {
			size_t k;
			for (k = 1; k < el; k += 2)
				if (lb_hexval(e[k]) < 0 || lb_hexval(e[k + 1]) < 0)
					break;
			if (k < el) {
				buf_add(out, s + i, el + 2);
			} else {
				for (k = 1; k < el; k += 2)
					buf_addch(out, (char)(lb_hexval(e[k]) * 16 + lb_hexval(e[k + 1])));
				hex_bytes = 1;
			}
		} else if (el >= 1 && (e[0] == 'C' || e[0] == 'M' || e[0] == 'Z' || e[0] == '.'))
			; /* character-set switches and formatting commands: the text is already UTF-8 */
		else
			buf_add(out, s + i, el + 2); /* unknown: keep as written */
		i = j;
	}
	if (hex_bytes && !utf8_valid(out->data + start, out->len - start)) {
		/* \Xhh\ may spell bytes that are not UTF-8: keep the output a valid string. */
		struct buf t = {0};
		utf8_sanitize(&t, out->data + start, out->len - start);
		buf_truncate(out, start);
		buf_add(out, t.data, t.len);
		buf_release(&t);
	}
}
