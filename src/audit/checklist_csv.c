/*
 * checklist_csv.c - the filled checklist as CSV (UTF-8 with a BOM: Excel in Japan reads a BOM-less file as
 * Shift_JIS and garbles it), and `--previous DIR`: what changed since the CSV of an earlier run.
 */
#include "checklist_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const columns[] = {"シート", "番号",   "対象", "項目",   "はい/いいえ",
                                      "確認日", "目標日", "根拠", "回答者", "項目ID"};
enum { C_SHEET, C_NUMBER, C_SCOPE, C_TEXT, C_ANSWER, C_DATE, C_TARGET, C_EVIDENCE, C_BY, C_ID, C_COUNT };

static void field(struct buf *b, const char *s, int last)
{
	s = s ? s : "";
	/* a leading = + - @ would be a formula in Excel: quote it as text */
	int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';
	buf_addch(b, '"');
	if (formula)
		buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(b, '"');
		buf_addch(b, *s);
	}
	buf_addch(b, '"');
	buf_adds(b, last ? "\r\n" : ",");
}

static void join(const struct cl_strs *l, struct buf *out)
{
	for (size_t i = 0; i < l->n; i++)
		buf_addf(out, "%s%s", i ? "\n" : "", l->v[i]);
}

int cl_write_csv(const struct cl_filled *f, const char *path)
{
	struct buf b = {0};
	buf_adds(&b, "\xef\xbb\xbf");
	for (int c = 0; c < C_COUNT; c++)
		field(&b, columns[c], c == C_COUNT - 1);
	for (size_t i = 0; i < f->n; i++) {
		const struct cl_sheet *s = &f->sheets[i];
		struct buf name = {0};
		cl_sheet_name(s, &name);
		for (size_t k = 0; k < s->n; k++) {
			const struct cl_row *r = &s->rows[k];
			struct buf ev = {0};
			join(&r->evidence, &ev);
			field(&b, buf_cstr(&name), 0);
			field(&b, r->item->number, 0);
			field(&b, r->item->scope.ja, 0);
			field(&b, r->item->text.ja, 0);
			field(&b, cl_answer_label(r->answer), 0);
			field(&b, r->date, 0);
			field(&b, r->target, 0);
			field(&b, buf_cstr(&ev), 0);
			field(&b, r->source == CL_SRC_INVENTORY && !r->by ? "台帳 (audit check)" : r->by, 0);
			field(&b, r->item->id, 1);
			buf_release(&ev);
		}
		buf_release(&name);
	}
	int rc = lb_write_file_atomic(path, b.data, b.len, 0644, 0);
	buf_release(&b);
	return rc;
}

/* One CSV record of p (RFC 4180 quoting, CRLF or LF); returns the fields, advancing *pos. */
static int csv_record(const char *p, size_t len, size_t *pos, struct cl_strs *out)
{
	size_t i = *pos;
	struct buf cur = {0};
	int in_q = 0, any = 0;
	while (i < len) {
		char c = p[i++];
		any = 1;
		if (in_q) {
			if (c == '"' && i < len && p[i] == '"') {
				buf_addch(&cur, '"');
				i++;
			} else if (c == '"') {
				in_q = 0;
			} else {
				buf_addch(&cur, c);
			}
		} else if (c == '"') {
			in_q = 1;
		} else if (c == ',') {
			cl_strs_add(out, buf_cstr(&cur));
			buf_reset(&cur);
		} else if (c == '\n') {
			break;
		} else if (c != '\r') {
			buf_addch(&cur, c);
		}
	}
	if (any)
		cl_strs_add(out, buf_cstr(&cur));
	buf_release(&cur);
	*pos = i;
	return in_q ? -1 : 0;
}

void cl_changes_free(struct cl_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].sheet);
		free(c->v[i].item);
		free(c->v[i].number);
		free(c->v[i].before);
		free(c->v[i].after);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static void change(struct cl_changes *c, const char *sheet, const char *item, const char *number, const char *before,
                   const char *after)
{
	c->v = lb_reallocarray(c->v, c->n + 1, sizeof(*c->v));
	struct cl_change *x = &c->v[c->n++];
	x->sheet = lb_strdup(sheet);
	x->item = lb_strdup(item);
	x->number = lb_strdup(number);
	x->before = lb_strdup(before);
	x->after = lb_strdup(after);
}

static const char *word_of_label(const char *label)
{
	return !strcmp(label, "はい") ? "はい" : !strcmp(label, "いいえ") ? "いいえ" : "未回答";
}

int cl_diff_previous(const struct cl_filled *f, const char *dir, struct cl_changes *out)
{
	memset(out, 0, sizeof(*out));
	struct buf path = {0}, b = {0};
	lb_path_join(&path, dir, CL_CSV_NAME);
	int rc = buf_read_file(&b, buf_cstr(&path), CL_FILE_MAX * 4);
	if (rc < 0) {
		rc = lb_error_tr(rc == -LB_ENOTFOUND ? LB_ENOTFOUND : LB_EINVAL, "no previous checklist %s: %s",
		                 "前回のチェックリスト %s を読めません: %s", buf_cstr(&path), lb_errmsg());
		goto out;
	}
	size_t pos = 0;
	if (b.len >= 3 && !memcmp(b.data, "\xef\xbb\xbf", 3))
		pos = 3;
	struct cl_strs hdr = {0};
	if (csv_record(b.data, b.len, &pos, &hdr) < 0 || hdr.n != C_COUNT || strcmp(hdr.v[C_ID], columns[C_ID])) {
		cl_strs_free(&hdr);
		rc = lb_error_tr(LB_EINVAL, "%s:1: not a checklist CSV of lifeboat",
		                 "%s:1: lifeboat のチェックリスト CSV ではありません", buf_cstr(&path));
		goto out;
	}
	cl_strs_free(&hdr);
	/* previous rows: "sheet\x1fid" → answer word, and whether this run still has them */
	struct cl_strs keys = {0}, words = {0}, numbers = {0};
	while (pos < b.len) {
		struct cl_strs rec = {0};
		if (csv_record(b.data, b.len, &pos, &rec) < 0) {
			cl_strs_free(&rec);
			rc = lb_error_tr(LB_EINVAL, "%s: an unterminated quote", "%s: 引用符が閉じていません",
			                 buf_cstr(&path));
			break;
		}
		if (rec.n == C_COUNT) {
			cl_strs_addf(&keys, "%s\x1f%s", rec.v[C_SHEET], rec.v[C_ID]);
			cl_strs_add(&words, word_of_label(rec.v[C_ANSWER]));
			cl_strs_add(&numbers, rec.v[C_NUMBER]);
		}
		cl_strs_free(&rec);
	}
	unsigned char *matched = lb_calloc(keys.n ? keys.n : 1, 1);
	for (size_t i = 0; rc == 0 && i < f->n; i++) {
		struct buf name = {0}, key = {0};
		cl_sheet_name(&f->sheets[i], &name);
		for (size_t k = 0; k < f->sheets[i].n; k++) {
			const struct cl_row *r = &f->sheets[i].rows[k];
			buf_reset(&key);
			buf_addf(&key, "%s\x1f%s", buf_cstr(&name), r->item->id);
			const char *before = "";
			for (size_t j = 0; j < keys.n; j++)
				if (!strcmp(keys.v[j], buf_cstr(&key))) {
					before = words.v[j];
					matched[j] = 1;
					break;
				}
			if (strcmp(before, cl_answer_word(r->answer)))
				change(out, buf_cstr(&name), r->item->id, r->item->number, before,
				       cl_answer_word(r->answer));
		}
		buf_release(&name);
		buf_release(&key);
	}
	for (size_t j = 0; rc == 0 && j < keys.n; j++)
		if (!matched[j]) {
			char *sep = strchr(keys.v[j], '\x1f');
			*sep = '\0';
			change(out, keys.v[j], sep + 1, numbers.v[j], words.v[j], "");
		}
	free(matched);
	cl_strs_free(&keys);
	cl_strs_free(&words);
	cl_strs_free(&numbers);
	if (rc < 0)
		cl_changes_free(out);
out:
	buf_release(&path);
	buf_release(&b);
	return rc;
}
