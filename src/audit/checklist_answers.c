/*
 * checklist_answers.c - the answers a person gives (answers YAML, hand-edited by the hospital office): who
 * answered which item, はい or いいえ, on which date, and for いいえ the target date. Every mistake is refused with
 * "FILE:LINE: reason" and nothing is kept, so a half-read file never fills a checklist.
 */
#include "checklist_int.h"

#include <stdlib.h>
#include <string.h>

void cl_answers_free(struct cl_answers *a)
{
	free(a->path);
	free(a->edition);
	free(a->hospital);
	for (size_t i = 0; i < a->nvendors; i++) {
		free(a->vendors[i].name);
		free(a->vendors[i].system);
	}
	free(a->vendors);
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].item);
		free(a->v[i].vendor);
		free(a->v[i].by);
		free(a->v[i].note);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
}

static int parse_answer_word(struct cl_yaml *y, const yaml_node_t *n, int *out)
{
	const char *s = scalar(n);
	if (!strcmp(s, "はい") || !strcmp(s, "yes"))
		*out = CL_YES;
	else if (!strcmp(s, "いいえ") || !strcmp(s, "no"))
		*out = CL_NO;
	else if (!strcmp(s, "未回答") || !strcmp(s, "unanswered"))
		*out = CL_UNANSWERED;
	else /* YAML 1.1 reads a bare yes/no as text here: libyaml does not resolve booleans */
		return cl_yaml_err(y, cl_yaml_line(n),
		                   "answer '%s' is not はい, いいえ or 未回答 (yes, no, unanswered)",
		                   "回答 '%s' は はい・いいえ・未回答 (yes, no, unanswered) のいずれかにします", s);
	return 0;
}

static int parse_vendors(struct cl_yaml *y, struct cl_answers *a, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return cl_yaml_err(y, cl_yaml_line(n), "vendors must be a list of {name, system}",
		                   "vendors は {name, system} のリストにします");
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cnt > CL_VENDORS_MAX)
		return cl_yaml_err(y, cl_yaml_line(n), "%zu vendors; at most %d", "事業者が %zu 件あります (上限 %d)",
		                   cnt, CL_VENDORS_MAX);
	a->vendors = lb_calloc(cnt ? cnt : 1, sizeof(*a->vendors));
	int rc = 0;
	for (yaml_node_item_t *p = n->data.sequence.items.start; rc == 0 && p < n->data.sequence.items.top; p++) {
		yaml_node_t *m, *k, *v;
		if ((rc = cl_yaml_node(y, *p, cl_yaml_line(n), &m)) < 0)
			break;
		struct cl_vendor *vd = &a->vendors[a->nvendors++];
		if (m->type == YAML_SCALAR_NODE) {
			rc = cl_yaml_text(y, m, "vendor", 0, &vd->name);
			continue;
		}
		if (m->type != YAML_MAPPING_NODE)
			return cl_yaml_err(y, cl_yaml_line(m), "a vendor must be {name, system}",
			                   "事業者は {name, system} にします");
		CL_MAP_EACH(y, m, k, v, rc)
		{
			const char *key = scalar(k);
			if (!strcmp(key, "name"))
				rc = cl_yaml_text(y, v, "vendor name", 0, &vd->name);
			else if (!strcmp(key, "system"))
				rc = cl_yaml_text(y, v, "vendor system", 0, &vd->system);
			else
				rc = cl_yaml_err(y, cl_yaml_line(k), "vendor: unknown key '%s' (name, system)",
				                 "事業者: 不明なキー '%s' (name, system)", key);
		}
		if (rc == 0 && (!vd->name || !*vd->name))
			rc = cl_yaml_err(y, cl_yaml_line(m), "a vendor needs a name", "事業者には name が必要です");
		for (size_t i = 0; rc == 0 && i + 1 < a->nvendors; i++)
			if (!strcmp(a->vendors[i].name, vd->name))
				rc = cl_yaml_err(y, cl_yaml_line(m), "vendor '%s' twice",
				                 "事業者 '%s' が重複しています", vd->name);
	}
	return rc;
}

static int vendor_known(const struct cl_answers *a, const char *name)
{
	for (size_t i = 0; i < a->nvendors; i++)
		if (!strcmp(a->vendors[i].name, name))
			return 1;
	return 0;
}

static int parse_one(struct cl_yaml *y, struct cl_answers *a, const struct cl_edition *e, yaml_node_t *m,
                     struct cl_given *g)
{
	g->line = cl_yaml_line(m);
	if (m->type != YAML_MAPPING_NODE)
		return cl_yaml_err(y, g->line, "an answer must be {item, answer, date, by, …}",
		                   "回答は {item, answer, date, by, …} にします");
	int rc = 0, have_answer = 0, target_line = 0;
	yaml_node_t *k, *v;
	CL_MAP_EACH(y, m, k, v, rc)
	{
		const char *key = scalar(k);
		if (!strcmp(key, "item"))
			rc = cl_yaml_text(y, v, "item", 0, &g->item);
		else if (!strcmp(key, "answer")) {
			have_answer = 1;
			rc = parse_answer_word(y, v, &g->answer);
		} else if (!strcmp(key, "date"))
			rc = cl_yaml_date(y, v, "date", g->date);
		else if (!strcmp(key, "target")) {
			target_line = cl_yaml_line(v);
			rc = cl_yaml_date(y, v, "target", g->target);
		} else if (!strcmp(key, "by"))
			rc = cl_yaml_text(y, v, "by", 0, &g->by);
		else if (!strcmp(key, "note"))
			rc = cl_yaml_text(y, v, "note", 1, &g->note);
		else if (!strcmp(key, "vendor"))
			rc = cl_yaml_text(y, v, "vendor", 0, &g->vendor);
		else
			rc = cl_yaml_err(
			        y, cl_yaml_line(k), "unknown key '%s' (item, answer, date, by, note, target, vendor)",
			        "不明なキー '%s' (item, answer, date, by, note, target, vendor のいずれか)", key);
	}
	if (rc < 0)
		return rc;
	if (!g->item || !have_answer)
		return cl_yaml_err(y, g->line, "an answer needs item and answer", "回答には item と answer が必要です");
	const struct cl_item *it = e ? cl_edition_item(e, g->item) : NULL;
	if (e && !it)
		return cl_yaml_err(y, g->line, "no item '%s' in checklist edition %s",
		                   "項目 '%s' はチェックリスト %s 版にありません", g->item, e->id);
	if (g->answer != CL_UNANSWERED && (!g->date[0] || !g->by || !*g->by))
		return cl_yaml_err(y, g->line,
		                   "item %s: a はい/いいえ answer needs the date checked and who answered (date, by)",
		                   "項目 %s: はい・いいえ の回答には確認日と回答者 (date, by) が必要です", g->item);
	if (g->target[0] && g->answer != CL_NO)
		return cl_yaml_err(y, target_line, "item %s: a target date is for いいえ answers only",
		                   "項目 %s: 目標日 (target) は いいえ の回答にだけ書きます", g->item);
	if (g->target[0] && g->date[0] && strcmp(g->target, g->date) < 0)
		return cl_yaml_err(y, target_line, "item %s: the target date %s is before the date checked %s",
		                   "項目 %s: 目標日 %s が確認日 %s より前です", g->item, g->target, g->date);
	if (g->vendor && !vendor_known(a, g->vendor))
		return cl_yaml_err(y, g->line, "vendor '%s' is not in the vendors list",
		                   "事業者 '%s' が vendors の一覧にありません", g->vendor);
	if (it && g->vendor && !(it->sheets & CL_SHEET_VENDOR))
		return cl_yaml_err(y, g->line, "item %s is not on the vendor sheet (事業者確認用)",
		                   "項目 %s は事業者確認用にはありません", g->item);
	if (it && !g->vendor && !(it->sheets & CL_SHEET_HOSPITAL))
		return cl_yaml_err(y, g->line, "item %s is not on the hospital sheet (医療機関確認用)",
		                   "項目 %s は医療機関確認用にはありません", g->item);
	for (size_t i = 0; i < a->n; i++) {
		const struct cl_given *o = &a->v[i];
		if (o != g && !strcmp(o->item, g->item) &&
		    ((!o->vendor && !g->vendor) || (o->vendor && g->vendor && !strcmp(o->vendor, g->vendor))))
			return cl_yaml_err(y, g->line, "item %s is answered twice (first at line %d)",
			                   "項目 %s の回答が 2 つあります (最初は %d 行目)", g->item, o->line);
	}
	return 0;
}

int cl_answers_parse(struct cl_answers *a, const char *name, const char *data, size_t len, const struct cl_edition *e)
{
	memset(a, 0, sizeof(*a));
	struct cl_yaml y;
	int rc = cl_yaml_load(&y, name, data, len);
	if (rc < 0)
		return rc;
	a->path = lb_strdup(name);
	yaml_node_t *root = NULL, *k, *v, *answers = NULL;
	int edition_line = 0;
	rc = cl_yaml_root(&y, &root);
	CL_MAP_EACH(&y, root, k, v, rc)
	{
		const char *key = scalar(k);
		if (!strcmp(key, "edition")) {
			edition_line = cl_yaml_line(v);
			rc = cl_yaml_text(&y, v, "edition", 0, &a->edition);
		} else if (!strcmp(key, "hospital"))
			rc = cl_yaml_text(&y, v, "hospital", 0, &a->hospital);
		else if (!strcmp(key, "vendors"))
			rc = parse_vendors(&y, a, v);
		else if (!strcmp(key, "answers"))
			answers = v;
		else
			rc = cl_yaml_err(&y, cl_yaml_line(k), "unknown key '%s' (edition, hospital, vendors, answers)",
			                 "不明なキー '%s' (edition, hospital, vendors, answers のいずれか)", key);
	}
	if (rc == 0 && e && a->edition && strcmp(a->edition, e->id))
		rc = cl_yaml_err(&y, edition_line, "the answers are for edition %s, the checklist is %s (--edition)",
		                 "回答は %s 版向けで、チェックリストは %s 版です (--edition)", a->edition, e->id);
	if (rc == 0 && !answers)
		rc = cl_yaml_err(&y, cl_yaml_line(root), "no answers: list", "answers: の一覧がありません");
	if (rc == 0 && answers->type != YAML_SEQUENCE_NODE)
		rc = cl_yaml_err(&y, cl_yaml_line(answers), "answers must be a list", "answers はリストにします");
	if (rc == 0) {
		size_t cnt = (size_t)(answers->data.sequence.items.top - answers->data.sequence.items.start);
		if (cnt > CL_ITEMS_MAX * (CL_VENDORS_MAX + 1))
			rc = cl_yaml_err(&y, cl_yaml_line(answers), "%zu answers; too many",
			                 "回答が %zu 件あり多すぎます", cnt);
		else
			a->v = lb_calloc(cnt ? cnt : 1, sizeof(*a->v));
		for (yaml_node_item_t *p = answers->data.sequence.items.start;
		     rc == 0 && p < answers->data.sequence.items.top; p++) {
			yaml_node_t *m;
			if ((rc = cl_yaml_node(&y, *p, cl_yaml_line(answers), &m)) < 0)
				break;
			rc = parse_one(&y, a, e, m, &a->v[a->n++]);
		}
	}
	cl_yaml_free(&y);
	if (rc < 0)
		cl_answers_free(a);
	return rc;
}

int cl_answers_read(struct cl_answers *a, const char *path, const struct cl_edition *e)
{
	memset(a, 0, sizeof(*a));
	struct buf b = {0};
	int rc = buf_read_file(&b, path, CL_FILE_MAX);
	if (rc == -LB_ETOOBIG)
		rc = lb_error_tr(LB_EINVAL, "%s:1: the file is larger than %d bytes",
		                 "%s:1: ファイルが %d バイトを超えています", path, CL_FILE_MAX);
	if (rc < 0) {
		buf_release(&b);
		return rc;
	}
	rc = cl_answers_parse(a, path, buf_cstr(&b), b.len, e);
	buf_release(&b);
	return rc;
}
