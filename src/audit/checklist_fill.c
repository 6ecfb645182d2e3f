/*
 * checklist_fill.c - filling the checklist from the inventory checks' results and a person's answers (the rule is
 * in checklist.h), and the filled checklist as JSON.
 */
#include "checklist_int.h"

#include <stdlib.h>
#include <string.h>

void cl_inventory_kind(struct cl_inventory *inv, const char *kind)
{
	cl_inventory_kind_ev(inv, kind, NULL);
}

void cl_inventory_kind_ev(struct cl_inventory *inv, const char *kind, const char *line)
{
	for (size_t i = 0; i < inv->kinds.n; i++)
		if (!strcmp(inv->kinds.v[i], kind)) {
			if (line && !*inv->kind_ev.v[i]) {
				free(inv->kind_ev.v[i]);
				inv->kind_ev.v[i] = lb_strdup(line);
			}
			return;
		}
	cl_strs_add(&inv->kinds, kind);
	cl_strs_add(&inv->kind_ev, line ? line : "");
}

void cl_inventory_finding(struct cl_inventory *inv, const char *item, const char *finding_id, const char *line,
                          const char *vendor)
{
	if (inv->n == inv->cap) {
		inv->cap = inv->cap ? inv->cap * 2 : 16;
		inv->f = lb_reallocarray(inv->f, inv->cap, sizeof(*inv->f));
	}
	struct cl_finding *f = &inv->f[inv->n++];
	f->item = lb_strdup(item);
	f->id = lb_strdup(finding_id);
	f->line = lb_strdup(line ? line : "");
	f->vendor = vendor ? lb_strdup(vendor) : NULL;
}

void cl_inventory_free(struct cl_inventory *inv)
{
	cl_strs_free(&inv->kinds);
	cl_strs_free(&inv->read);
	cl_strs_free(&inv->vendors);
	cl_strs_free(&inv->kind_ev);
	cl_strs_free(&inv->off);
	for (size_t i = 0; i < inv->n; i++) {
		free(inv->f[i].item);
		free(inv->f[i].id);
		free(inv->f[i].line);
		free(inv->f[i].vendor);
	}
	free(inv->f);
	memset(inv, 0, sizeof(*inv));
}

const char *cl_answer_label(int answer)
{
	return answer == CL_YES ? "はい" : answer == CL_NO ? "いいえ" : "";
}

const char *cl_answer_word(int answer)
{
	return answer == CL_YES ? "はい" : answer == CL_NO ? "いいえ" : "未回答";
}

void cl_sheet_name(const struct cl_sheet *s, struct buf *out)
{
	if (s->kind == CL_SHEET_HOSPITAL) {
		buf_adds(out, "医療機関確認用");
		return;
	}
	/* the vendor's name only: the key that --previous matches rows by, so it must not change with the system */
	buf_addf(out, "事業者確認用 %s", s->vendor);
}

static const struct cl_given *given_for(const struct cl_answers *a, const char *item, const char *vendor)
{
	for (size_t i = 0; a && i < a->n; i++) {
		const struct cl_given *g = &a->v[i];
		if (strcmp(g->item, item))
			continue;
		if ((!vendor && !g->vendor) || (vendor && g->vendor && !strcmp(vendor, g->vendor)))
			return g;
	}
	return NULL;
}

static void person_answer(struct cl_row *r, const struct cl_given *g, const struct cl_answers *a)
{
	r->answer = g->answer;
	r->source = CL_SRC_PERSON;
	memcpy(r->date, g->date, sizeof(r->date));
	memcpy(r->target, g->target, sizeof(r->target));
	r->by = g->by ? lb_strdup(g->by) : NULL;
	r->answers_line = g->line;
	if (g->by)
		cl_strs_addf(&r->evidence, L_("answered by %s (%s:%d)", "回答者 %s (%s:%d)"), g->by, a->path, g->line);
	else
		cl_strs_addf(&r->evidence, L_("answered in %s:%d", "回答 %s:%d"), a->path, g->line);
	if (g->note)
		cl_strs_add(&r->evidence, g->note);
}

/* The findings by item (then in the order handed in), so a row finds its own in log n: 50,000 accounts give as
 * many findings, and each of some 30 rows on each vendor's sheet looks for its own. */
struct by_item {
	const struct cl_finding **v;
	size_t n;
};

static int cmp_finding(const void *a, const void *b)
{
	const struct cl_finding *x = *(const struct cl_finding *const *)a, *y = *(const struct cl_finding *const *)b;
	int c = strcmp(x->item, y->item);
	return c ? c : x < y ? -1 : x > y;
}

static void by_item_build(struct by_item *ix, const struct cl_inventory *inv)
{
	ix->n = inv && inv->checks_run ? inv->n : 0;
	ix->v = lb_calloc(ix->n ? ix->n : 1, sizeof(*ix->v));
	for (size_t i = 0; i < ix->n; i++)
		ix->v[i] = &inv->f[i];
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_finding);
}

#define CL_ROW_EVIDENCE_MAX 40 /* finding lines shown in one row; the rest counted ("audit check" lists all) */

/* The findings that answer the row's item (on a vendor's sheet, that vendor's): いいえ with each as evidence. */
static int finding_answer(struct cl_row *r, const struct by_item *ix, const char *vendor, const char *today)
{
	const struct cl_item *it = r->item;
	size_t lo = 0, hi = ix->n, more = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->v[mid]->item, it->id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < ix->n && !strcmp(ix->v[i]->item, it->id); i++) {
		const struct cl_finding *f = ix->v[i];
		/* the hospital sheet answers for the whole institution; a vendor's sheet for that vendor's findings */
		if (vendor && (!f->vendor || strcmp(f->vendor, vendor)))
			continue;
		r->answer = CL_NO;
		if (!cl_strs_has(&r->findings, f->id))
			cl_strs_add(&r->findings, f->id);
		if (r->evidence.n < CL_ROW_EVIDENCE_MAX)
			cl_strs_addf(&r->evidence, "%s: %s", f->id, f->line);
		else
			more++;
	}
	if (more)
		cl_strs_addf(&r->evidence,
		             L_("… and %zu more findings (lifeboat audit check lists them all)",
		                "… ほか %zu 件の指摘 (lifeboat audit check ですべて表示)"),
		             more);
	if (r->answer != CL_NO)
		return 0;
	r->source = CL_SRC_INVENTORY;
	memcpy(r->date, today, 11);
	return 1;
}

/* An item answered from the inventory: いいえ on a finding, はい when all its evidence was read, else 未回答. */
static void inventory_answer(struct cl_row *r, const struct cl_inventory *inv, const struct by_item *ix,
                             const char *vendor, const char *today)
{
	const struct cl_item *it = r->item;
	r->source = CL_SRC_INVENTORY;
	if (!inv || !inv->checks_run) {
		cl_strs_add(&r->evidence, L_("inventory checks not run", "台帳の確認 (audit check) 未実施"));
		return;
	}
	if (finding_answer(r, ix, vendor, today))
		return;
	for (size_t k = 0; k < it->nevidence; k++)
		if (!cl_strs_has(&inv->kinds, it->evidence[k])) {
			cl_strs_addf(&r->evidence, L_("not in the inventory: %s", "台帳にない情報: %s"),
			             it->evidence[k]);
			r->answer = CL_UNANSWERED;
		}
	if (r->evidence.n)
		return;
	r->answer = CL_YES;
	memcpy(r->date, today, 11);
	struct buf b = {0};
	for (size_t k = 0; k < it->nevidence; k++)
		buf_addf(&b, "%s%s", k ? ", " : "", it->evidence[k]);
	cl_strs_addf(&r->evidence, L_("checked, no finding: %s", "確認済み、指摘なし: %s"), buf_cstr(&b));
	buf_release(&b);
	for (size_t k = 0; k < it->nevidence; k++)
		for (size_t i = 0; i < inv->kinds.n && i < inv->kind_ev.n; i++)
			if (!strcmp(inv->kinds.v[i], it->evidence[k]) && *inv->kind_ev.v[i])
				cl_strs_addf(&r->evidence, "%s: %s", it->evidence[k], inv->kind_ev.v[i]);
	for (size_t i = 0; i < inv->read.n; i++)
		cl_strs_add(&r->evidence, inv->read.v[i]);
}

static void fill_sheet(struct cl_sheet *s, const struct cl_edition *e, const struct cl_answers *a,
                       const struct cl_inventory *inv, const struct by_item *ix, const char *today)
{
	unsigned bit = (unsigned)s->kind;
	s->rows = lb_calloc(e->n ? e->n : 1, sizeof(*s->rows));
	for (size_t i = 0; i < e->n; i++) {
		if (!(e->items[i].sheets & bit))
			continue;
		struct cl_row *r = &s->rows[s->n++];
		r->item = &e->items[i];
		const struct cl_given *g = given_for(a, r->item->id, s->vendor);
		if (r->item->source == CL_SRC_PERSON) {
			/* a finding answers a person's item too (a backup writable from production: 3-② いいえ);
			 * what the person wrote stays beside it, their target date kept */
			if (finding_answer(r, ix, s->vendor, today)) {
				if (g && g->target[0])
					memcpy(r->target, g->target, sizeof(r->target));
				if (g)
					cl_strs_addf(&r->evidence,
					             L_("the answers file says %s (%s:%d); the finding stands",
					                "回答ファイルでは %s (%s:%d)。指摘を優先"),
					             cl_answer_word(g->answer), a->path, g->line);
				if (g)
					r->answers_line = g->line;
			} else if (g)
				person_answer(r, g, a);
			else
				cl_strs_add(&r->evidence, L_("a person answers this item (answers file)",
				                             "担当者が回答する項目 (回答ファイル)"));
			continue;
		}
		inventory_answer(r, inv, ix, s->vendor, today);
		if (!g)
			continue;
		if (r->answer == CL_UNANSWERED) {
			/* the inventory could not tell: a person's answer fills it, and says so */
			cl_strs_free(&r->evidence);
			person_answer(r, g, a);
		} else {
			/* a finding's いいえ stays いいえ whatever a person wrote; their target date and note are kept */
			if (r->answer == CL_NO && g->target[0])
				memcpy(r->target, g->target, sizeof(r->target));
			if (g->note)
				cl_strs_add(&r->evidence, g->note);
			r->answers_line = g->line;
		}
	}
}

static void add_vendor(struct cl_filled *f, const char *name, const char *system)
{
	for (size_t i = 1; i < f->n; i++)
		if (!strcmp(f->sheets[i].vendor, name))
			return;
	f->sheets = lb_reallocarray(f->sheets, f->n + 1, sizeof(*f->sheets));
	struct cl_sheet *s = &f->sheets[f->n++];
	memset(s, 0, sizeof(*s));
	s->kind = CL_SHEET_VENDOR;
	s->vendor = lb_strdup(name);
	s->system = system ? lb_strdup(system) : NULL;
}

int cl_fill(struct cl_filled *out, const struct cl_edition *e, const struct cl_answers *a,
            const struct cl_inventory *inv, const char *today)
{
	memset(out, 0, sizeof(*out));
	int y, m, d;
	if (!today || strlen(today) != 10 || lb_parse_day(today, &y, &m, &d) < 0)
		return lb_error_tr(LB_EINVAL, "the date of the check '%s' is not YYYY-MM-DD",
		                   "確認日 '%s' が YYYY-MM-DD ではありません", today ? today : "");
	out->e = e;
	memcpy(out->today, today, 11);
	out->hospital = a && a->hospital ? lb_strdup(a->hospital) : NULL;
	out->sheets = lb_calloc(1, sizeof(*out->sheets));
	out->sheets[0].kind = CL_SHEET_HOSPITAL;
	out->n = 1;
	for (size_t i = 0; a && i < a->nvendors; i++)
		add_vendor(out, a->vendors[i].name, a->vendors[i].system);
	for (size_t i = 0; inv && i < inv->vendors.n; i++)
		add_vendor(out, inv->vendors.v[i], NULL);
	struct by_item ix;
	by_item_build(&ix, inv);
	for (size_t i = 0; i < out->n; i++) {
		fill_sheet(&out->sheets[i], e, a, inv, &ix, today);
		for (size_t k = 0; k < out->sheets[i].n; k++) {
			const struct cl_row *r = &out->sheets[i].rows[k];
			out->yes += r->answer == CL_YES;
			out->no += r->answer == CL_NO;
			out->unanswered += r->answer == CL_UNANSWERED;
			out->no_target += r->answer == CL_NO && !r->target[0];
		}
	}
	free(ix.v);
	return 0;
}

void cl_filled_free(struct cl_filled *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct cl_sheet *s = &f->sheets[i];
		for (size_t k = 0; k < s->n; k++) {
			free(s->rows[k].by);
			cl_strs_free(&s->rows[k].evidence);
			cl_strs_free(&s->rows[k].findings);
		}
		free(s->rows);
		free(s->vendor);
		free(s->system);
	}
	free(f->sheets);
	free(f->hospital);
	memset(f, 0, sizeof(*f));
}

static void json_strs(struct json_w *w, const char *key, const struct cl_strs *l)
{
	json_key(w, key);
	json_arr(w);
	for (size_t i = 0; i < l->n; i++)
		json_str(w, l->v[i]);
	json_end(w);
}

static void json_opt(struct json_w *w, const char *key, const char *s)
{
	json_key(w, key);
	if (s && *s)
		json_str(w, s);
	else
		json_null_value(w);
}

void cl_json(const struct cl_filled *f, struct json_w *w)
{
	static const char *const words[] = {"unanswered", "yes", "no"};
	json_obj(w);
	json_kv_str(w, "edition", f->e->id);
	json_kv_str(w, "title", f->e->title.ja);
	json_opt(w, "hospital", f->hospital);
	json_kv_str(w, "date", f->today);
	json_kv_int(w, "yes", (int64_t)f->yes);
	json_kv_int(w, "no", (int64_t)f->no);
	json_kv_int(w, "unanswered", (int64_t)f->unanswered);
	json_kv_int(w, "no_without_target", (int64_t)f->no_target);
	json_key(w, "sheets");
	json_arr(w);
	for (size_t i = 0; i < f->n; i++) {
		const struct cl_sheet *s = &f->sheets[i];
		struct buf name = {0};
		cl_sheet_name(s, &name);
		json_obj(w);
		json_kv_str(w, "sheet", s->kind == CL_SHEET_HOSPITAL ? "hospital" : "vendor");
		json_kv_str(w, "name", buf_cstr(&name));
		json_opt(w, "vendor", s->vendor);
		json_opt(w, "system", s->system);
		buf_release(&name);
		json_key(w, "items");
		json_arr(w);
		for (size_t k = 0; k < s->n; k++) {
			const struct cl_row *r = &s->rows[k];
			json_obj(w);
			json_kv_str(w, "id", r->item->id);
			json_kv_str(w, "number", r->item->number);
			json_kv_str(w, "text", r->item->text.ja);
			json_opt(w, "scope", r->item->scope.ja);
			json_kv_str(w, "answer", words[r->answer]);
			json_kv_str(w, "source", r->source == CL_SRC_INVENTORY ? "inventory" : "answers");
			json_opt(w, "date", r->date);
			json_opt(w, "target", r->target);
			json_opt(w, "by", r->by);
			json_strs(w, "findings", &r->findings);
			json_strs(w, "evidence", &r->evidence);
			json_end(w);
		}
		json_end(w);
		json_end(w);
	}
	json_end(w);
	json_end(w);
}
