/*
 * report.c - the report drafts: MHLW, police, the PPC preliminary and final reports (漏えい等報告 速報・確報) and the
 * government's common ransomware form (ランサムウェア事案共通様式), each filled from the fact sheet and the timeline.
 *
 * A draft carries the time the hospital learned of it, the deadline of that report, every field of its form with
 * the fact entered (and the entry it comes from) or 不明, the count of fields still 不明 at the top, and the
 * course of the response, the decisions and the evidence with their times. The forms are Japanese, so the draft is
 * too; under --lang en each label is followed by its English. Nothing here writes to the file.
 */
#include "backentry.h"
#include "incident_int.h"
#include "print/print.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const draft_names[INCIDENT_DRAFTS] = {"mhlw", "police", "ppc-preliminary", "ppc-final",
                                                         "ransomware-common"};

static const char *const draft_titles[INCIDENT_DRAFTS][2] = {
        {"厚生労働省への報告 (医政局 特定医薬品開発支援・医療情報担当参事官室) 案", "report to MHLW, draft"},
        {"警察への通報・相談 (都道府県警察 サイバー犯罪相談窓口) 案", "report to the police, draft"},
        {"個人情報保護委員会 漏えい等報告 (速報) 案", "PPC personal-data breach report (preliminary), draft"},
        {"個人情報保護委員会 漏えい等報告 (確報) 案", "PPC personal-data breach report (final), draft"},
        {"ランサムウェア事案共通様式 案", "common form for ransomware incidents, draft"},
};

/* The fields of each draft, in the form's order: fact keys. */
static const char *const mhlw_fields[] = {"hospital",
                                          "contact",
                                          "summary",
                                          "occurred-at",
                                          "systems",
                                          "impact",
                                          "leak",
                                          "data-items",
                                          "persons",
                                          "actions",
                                          "backups",
                                          "vendor-notified-at",
                                          "police-notified-at",
                                          "intrusion",
                                          "cause",
                                          "other",
                                          NULL};
static const char *const police_fields[] = {
        "hospital",         "contact",   "summary",   "occurred-at", "systems", "attack-type", "ransom-note",
        "ransom-demand",    "extension", "intrusion", "indicators",  "actions", "leak",        "vendor-notified-at",
        "mhlw-notified-at", "other",     NULL};
static const char *const ppc_fields[] = {"hospital",
                                         "contact",
                                         "leak",
                                         "occurred-at",
                                         "summary",
                                         "data-items",
                                         "persons",
                                         "cause",
                                         "secondary-damage",
                                         "persons-response",
                                         "publication",
                                         "prevention",
                                         "other",
                                         NULL};
static const char *const common_fields[] = {"hospital",
                                            "contact",
                                            "summary",
                                            "occurred-at",
                                            "impact",
                                            "systems",
                                            "actions",
                                            "attack-type",
                                            "ransom-note",
                                            "ransom-demand",
                                            "extension",
                                            "intrusion",
                                            "indicators",
                                            "backups",
                                            "leak",
                                            "data-items",
                                            "persons",
                                            "vendor-notified-at",
                                            "mhlw-notified-at",
                                            "police-notified-at",
                                            "cause",
                                            "prevention",
                                            "other",
                                            NULL};
static const char *const *const draft_fields[INCIDENT_DRAFTS] = {mhlw_fields, police_fields, ppc_fields, ppc_fields,
                                                                 common_fields};

/* The deadline each draft is due by (-1: the common form, which serves them all). */
static const int draft_deadline[INCIDENT_DRAFTS] = {INCIDENT_MHLW, INCIDENT_POLICE, INCIDENT_PPC_PRELIMINARY,
                                                    INCIDENT_PPC_FINAL, -1};

const char *incident_draft_name(int draft)
{
	return draft >= 0 && draft < INCIDENT_DRAFTS ? draft_names[draft] : "?";
}

int incident_draft_parse(const char *s)
{
	for (int i = 0; s && i < INCIDENT_DRAFTS; i++)
		if (!strcmp(s, draft_names[i]))
			return i;
	return -1;
}

/* A label of a draft: Japanese, with the English after it under --lang en. */
static void label(struct buf *b, const char *ja, const char *en)
{
	buf_adds(b, ja);
	if (lb_lang() == LB_LANG_EN)
		buf_addf(b, " (%s)", en);
}

static char *label_dup(const char *ja, const char *en)
{
	struct buf b = {0};
	label(&b, ja, en);
	return buf_detach(&b, NULL);
}

static void copy_entry(struct incident_entry *dst, const struct incident_entry *e)
{
	*dst = *e;
	dst->type = e->type ? lb_strdup(e->type) : NULL;
	dst->kind = e->kind ? lb_strdup(e->kind) : NULL;
	dst->team = e->team ? lb_strdup(e->team) : NULL;
	dst->author = e->author ? lb_strdup(e->author) : NULL;
	dst->os_user = e->os_user ? lb_strdup(e->os_user) : NULL;
	dst->text = e->text ? lb_strdup(e->text) : NULL;
	dst->report = e->report ? lb_strdup(e->report) : NULL;
	dst->source = e->source ? lb_strdup(e->source) : NULL;
}

static void list_push(struct incident_report_list *l, const struct incident_entry *e)
{
	l->v = lb_reallocarray(l->v, l->n + 1, sizeof(*l->v));
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	copy_entry(&l->v[l->n].e, e);
	l->n++;
}

static void list_mark(struct incident_report_list *l, int64_t seq, int64_t by)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].e.seq == seq)
			l->v[i].corrected_by = by;
}

static void list_release(struct incident_report_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		incident_entry_release(&l->v[i].e);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int take_entry(const struct incident_entry *e, void *arg)
{
	struct incident_report_draft *r = arg;
	const char *t = e->type ? e->type : "";
	if (e->ref) {
		list_mark(&r->course, e->ref, e->seq);
		list_mark(&r->decisions, e->ref, e->seq);
		list_mark(&r->evidence, e->ref, e->seq);
	}
	if (!strcmp(t, INCIDENT_T_PHASE)) {
		list_push(&r->course, e);
	} else if (!strcmp(t, INCIDENT_T_NOTE)) {
		int k = incident_kind_parse(e->kind);
		if (k == INCIDENT_DECISION)
			list_push(&r->decisions, e);
		else if (k == INCIDENT_EVIDENCE)
			list_push(&r->evidence, e);
		else if (k == INCIDENT_ACTION || k == INCIDENT_CONTACT)
			list_push(&r->course, e);
	}
	return 0;
}

/* The value of a time fact for people: "2026/12/07 04:10". */
static char *local_time(const char *stored)
{
	int64_t ms;
	struct buf b = {0};
	if (lb_parse_time(stored, &ms) == 0)
		lb_format_local(&b, ms);
	else
		buf_adds(&b, stored);
	return buf_detach(&b, NULL);
}

static char *leak_word(const char *stored)
{
	static const char *const words[][3] = {
	        {"yes", "あり", "yes"}, {"possible", "おそれあり", "possible"}, {"no", "なし", "no"}};
	for (size_t i = 0; i < LB_ARRAY_LEN(words); i++)
		if (!strcmp(stored, words[i][0]))
			return label_dup(words[i][1], words[i][2]);
	return lb_strdup(stored);
}

static void fill_field(struct incident_report_draft *r, struct incident_report_field *fd, const struct incident_fact *x)
{
	const struct incident_fact_key *k = x->key;
	fd->name = k->key;
	fd->label = label_dup(k->ja, k->en);
	if (x->entry.seq && !incident_fact_is_unknown(x->entry.text)) {
		fd->seq = x->entry.seq;
		fd->value = k->type == INCIDENT_FV_TIME   ? local_time(x->entry.text)
		            : k->type == INCIDENT_FV_LEAK ? leak_word(x->entry.text)
		                                          : lb_strdup(x->entry.text);
		return;
	}
	/* a report made is known from the timeline even when the fact was not entered */
	int report = !strcmp(k->key, "mhlw-notified-at")     ? INCIDENT_MHLW
	             : !strcmp(k->key, "police-notified-at") ? INCIDENT_POLICE
	                                                     : -1;
	if (report >= 0 && r->state.deadlines[report].done_seq) {
		struct buf b = {0};
		lb_format_local(&b, r->state.deadlines[report].done_ms);
		fd->value = buf_detach(&b, NULL);
		fd->seq = r->state.deadlines[report].done_seq;
	}
}

int incident_report_build(struct incident_file *f, int64_t id, int draft, int64_t now_ms,
                          struct incident_report_draft *r)
{
	memset(r, 0, sizeof(*r));
	if (draft < 0 || draft >= INCIDENT_DRAFTS)
		return lb_error_tr(
		        LB_EINVAL, "no report kind %d (mhlw, police, ppc-preliminary, ppc-final, ransomware-common)",
		        "報告の種類 %d はありません (mhlw, police, ppc-preliminary, ppc-final, ransomware-common)",
		        draft);
	r->draft = draft;
	r->now_ms = now_ms;
	r->title = draft_titles[draft][0];
	int rc = incident_state(f, id, 0, now_ms, &r->state);
	if (rc < 0)
		return rc;
	id = r->state.declared.seq;
	struct incident_facts fs;
	if ((rc = incident_facts_load(f, id, &fs)) < 0) {
		incident_report_release(r);
		return rc;
	}
	if ((rc = incident_each(f, id, take_entry, r)) < 0) {
		incident_facts_release(&fs);
		incident_report_release(r);
		return rc;
	}
	const char *const *names = draft_fields[draft];
	while (names[r->nfields])
		r->nfields++;
	r->fields = lb_calloc(r->nfields, sizeof(*r->fields));
	for (size_t i = 0; i < r->nfields; i++) {
		for (size_t j = 0; j < fs.n; j++)
			if (!strcmp(fs.v[j].key->key, names[i]))
				fill_field(r, &r->fields[i], &fs.v[j]);
		if (!r->fields[i].value)
			r->unknown++;
	}
	incident_facts_release(&fs);
	/* the back-entry of paper orders (a report after the outage says how far it has come) */
	if ((rc = be_burndown(f, now_ms, &r->burndown, &r->nburndown)) < 0) {
		incident_report_release(r);
		return rc;
	}
	return 0;
}

void incident_report_release(struct incident_report_draft *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		free((char *)r->fields[i].label);
		free(r->fields[i].value);
	}
	free(r->fields);
	incident_state_release(&r->state);
	list_release(&r->course);
	list_release(&r->decisions);
	list_release(&r->evidence);
	free(r->burndown);
	memset(r, 0, sizeof(*r));
}

/* ---- rendering ---------------------------------------------------------------------------------------------- */

#define UNKNOWN_JA "不明"
#define UNKNOWN_EN "unknown"

/* One deadline, for people: "期限 2026/12/10 03:10 (遅くとも …) 未報告 [期限超過]". */
static void deadline_line(struct buf *b, const struct incident_state *s, int report)
{
	const struct incident_deadline *d = &s->deadlines[report];
	label(b, incident_report_label_in(report, LB_LANG_JA), incident_report_label_in(report, LB_LANG_EN));
	buf_adds(b, ": ");
	if (d->due_ms == s->declared.known_at_ms)
		label(b, "直ちに", "at once");
	else
		lb_format_local(b, d->due_ms);
	if (d->latest_ms != d->due_ms) {
		buf_adds(b, " (");
		label(b, "遅くとも", "at the latest");
		buf_adds(b, " ");
		lb_format_local(b, d->latest_ms);
		buf_adds(b, ")");
	}
	buf_adds(b, "  ");
	if (d->done_seq) {
		label(b, "報告済", "made");
		buf_adds(b, " ");
		lb_format_local(b, d->done_ms);
		buf_addf(b, " (#%lld)", (long long)d->done_seq);
	} else {
		label(b, "未報告", "not yet made");
	}
	if (d->overdue) {
		buf_adds(b, " [");
		label(b, "期限超過", "OVERDUE");
		buf_adds(b, "]");
	}
	if (d->late) {
		buf_adds(b, " [");
		label(b, "期限後に報告", "made late");
		buf_adds(b, "]");
	}
}

static void add_indented(struct buf *b, const char *s, const char *indent)
{
	for (; *s; s++) {
		buf_addch(b, *s);
		if (*s == '\n')
			buf_adds(b, indent);
	}
}

/* The head of a draft: title, drill mark, unknown count, times, deadlines. */
static void head_text(const struct incident_report_draft *r, struct buf *b, int with_title)
{
	const struct incident_state *s = &r->state;
	const struct incident_entry *d = &s->declared;
	if (with_title) {
		buf_adds(b, r->title);
		if (lb_lang() == LB_LANG_EN)
			buf_addf(b, " (%s)", draft_titles[r->draft][1]);
		buf_adds(b, "\n");
	}
	if (d->flags & INCIDENT_F_DRILL) {
		buf_adds(b, "[");
		label(b, "訓練: 実際には報告しない", "drill: nothing is reported");
		buf_adds(b, "]\n");
	}
	label(b, "未記入", "not yet known");
	buf_addf(b, " %zu ", r->unknown);
	label(b, "項目", "fields");
	if (r->unknown) {
		buf_adds(b, ": ");
		int first = 1;
		for (size_t i = 0; i < r->nfields; i++)
			if (!r->fields[i].value) {
				buf_addf(b, "%s%s", first ? "" : ", ", r->fields[i].label);
				first = 0;
			}
	}
	buf_adds(b, "\n");
	label(b, "件名", "incident");
	buf_addf(b, ": #%lld「%s」\n", (long long)d->seq, d->text);
	label(b, "認知日時", "learned of at");
	buf_adds(b, ": ");
	lb_format_local(b, d->known_at_ms);
	buf_adds(b, "  ");
	label(b, "宣言", "declared");
	buf_adds(b, ": ");
	lb_format_local(b, d->at_ms);
	buf_addf(b, " (%s)\n", d->author ? d->author : d->os_user ? d->os_user : "?");
	label(b, "フェーズ", "phase");
	buf_adds(b, ": ");
	label(b, incident_phase_label_in(s->phase, LB_LANG_JA), incident_phase_label_in(s->phase, LB_LANG_EN));
	buf_adds(b, "\n");
	label(b, "報告期限", "deadline");
	buf_adds(b, ":\n");
	for (int k = 0; k < INCIDENT_REPORTS; k++)
		if (draft_deadline[r->draft] < 0 || draft_deadline[r->draft] == k) {
			buf_adds(b, "  ");
			deadline_line(b, s, k);
			buf_adds(b, "\n");
		}
	char hex[2 * INCIDENT_HASH_LEN + 1];
	incident_hex(s->head, INCIDENT_HASH_LEN, hex);
	label(b, "作成", "drafted");
	buf_adds(b, ": ");
	lb_format_local(b, r->now_ms);
	buf_adds(b, "  ");
	label(b, "記録の時点", "as of entry");
	buf_addf(b, ": #%lld %.16s\n", (long long)s->head_seq, hex);
}

static void field_value(struct buf *b, const struct incident_report_field *fd)
{
	if (fd->value)
		add_indented(b, fd->value, "    ");
	else
		label(b, UNKNOWN_JA, UNKNOWN_EN);
}

/* One listed entry: "2026/12/07 03:40 [システム復旧班] text — who (#3) [#9 で訂正済]". */
static void item_line(struct buf *b, const struct incident_report_item *it)
{
	const struct incident_entry *e = &it->e;
	lb_format_local(b, e->at_ms);
	if (e->type && !strcmp(e->type, INCIDENT_T_PHASE)) {
		buf_adds(b, " ");
		label(b, "フェーズ", "phase");
		int p = incident_phase_parse(e->kind);
		buf_adds(b, " → ");
		label(b, incident_phase_label_in(p, LB_LANG_JA), incident_phase_label_in(p, LB_LANG_EN));
		if (e->text && e->kind && strcmp(e->text, e->kind) != 0)
			buf_addf(b, ": %s", e->text);
	} else {
		if (e->team) {
			int t = incident_team_parse(e->team);
			buf_adds(b, " [");
			label(b, incident_team_label_in(t, LB_LANG_JA), incident_team_label_in(t, LB_LANG_EN));
			buf_adds(b, "]");
		}
		buf_adds(b, " ");
		add_indented(b, e->text ? e->text : "", "    ");
	}
	buf_addf(b, " — %s (#%lld)", e->author ? e->author : e->os_user ? e->os_user : "?", (long long)e->seq);
	if (it->corrected_by) {
		buf_addf(b, " [#%lld ", (long long)it->corrected_by);
		label(b, "で訂正済", "corrected");
		buf_adds(b, "]");
	}
}

static void list_text(struct buf *b, const struct incident_report_list *l)
{
	if (!l->n) {
		buf_adds(b, "  (");
		label(b, "なし", "none");
		buf_adds(b, ")\n");
	}
	for (size_t i = 0; i < l->n; i++) {
		buf_adds(b, "  ");
		item_line(b, &l->v[i]);
		buf_adds(b, "\n");
	}
}

static const char *const list_heads[3][2] = {
        {"対応の経過 (時刻順)", "course of the response, in time order"},
        {"対策本部の決定 (時刻順)", "decisions of headquarters, in time order"},
        {"保全した証拠", "evidence kept"},
};

void incident_report_text(const struct incident_report_draft *r, struct buf *out)
{
	head_text(r, out, 1);
	buf_adds(out, "\n");
	for (size_t i = 0; i < r->nfields; i++) {
		const struct incident_report_field *fd = &r->fields[i];
		buf_addf(out, "%zu. %s: ", i + 1, fd->label);
		field_value(out, fd);
		if (fd->seq)
			buf_addf(out, "  (#%lld)", (long long)fd->seq);
		buf_adds(out, "\n");
	}
	const struct incident_report_list *lists[3] = {&r->course, &r->decisions, &r->evidence};
	for (int k = 0; k < 3; k++) {
		buf_adds(out, "\n");
		label(out, list_heads[k][0], list_heads[k][1]);
		buf_adds(out, ":\n");
		list_text(out, lists[k]);
	}
}

static void json_time(struct json_w *w, const char *key, int64_t ms)
{
	json_key(w, key);
	if (!ms) {
		json_null_value(w);
		return;
	}
	struct buf t = {0};
	lb_format_utc(&t, ms, 0);
	json_str(w, t.data);
	buf_release(&t);
}

static void json_list(struct json_w *w, const char *key, const struct incident_report_list *l)
{
	json_key(w, key);
	json_arr(w);
	for (size_t i = 0; i < l->n; i++) {
		const struct incident_entry *e = &l->v[i].e;
		json_obj(w);
		json_kv_int(w, "seq", e->seq);
		json_time(w, "at", e->at_ms);
		json_kv_str(w, "type", e->type);
		json_kv_str(w, "kind", e->kind);
		json_kv_str(w, "team", e->team);
		json_kv_str(w, "author", e->author);
		json_kv_str(w, "text", e->text);
		json_key(w, "corrected_by");
		if (l->v[i].corrected_by)
			json_int(w, l->v[i].corrected_by);
		else
			json_null_value(w);
		json_end(w);
	}
	json_end(w);
}

void incident_report_json(const struct incident_report_draft *r, struct buf *out)
{
	const struct incident_state *s = &r->state;
	const struct incident_entry *d = &s->declared;
	struct json_w w = {.out = out};
	char hex[2 * INCIDENT_HASH_LEN + 1];
	json_obj(&w);
	json_kv_str(&w, "kind", draft_names[r->draft]);
	json_kv_str(&w, "title", draft_titles[r->draft][0]);
	json_kv_int(&w, "incident", d->seq);
	json_kv_str(&w, "incident_title", d->text);
	json_kv_bool(&w, "drill", (d->flags & INCIDENT_F_DRILL) != 0);
	json_time(&w, "known_at", d->known_at_ms);
	json_time(&w, "declared_at", d->at_ms);
	json_kv_str(&w, "phase", incident_phase_name(s->phase));
	json_time(&w, "drafted_at", r->now_ms);
	json_kv_int(&w, "as_of_entry", s->head_seq);
	incident_hex(s->head, INCIDENT_HASH_LEN, hex);
	json_kv_str(&w, "head", hex);
	json_key(&w, "deadlines");
	json_arr(&w);
	for (int k = 0; k < INCIDENT_REPORTS; k++) {
		if (draft_deadline[r->draft] >= 0 && draft_deadline[r->draft] != k)
			continue;
		const struct incident_deadline *dl = &s->deadlines[k];
		json_obj(&w);
		json_kv_str(&w, "report", incident_report_name(k));
		json_kv_bool(&w, "at_once", dl->due_ms == d->known_at_ms);
		json_time(&w, "due", dl->due_ms);
		json_time(&w, "latest", dl->latest_ms);
		json_kv_bool(&w, "made", dl->done_seq != 0);
		json_time(&w, "made_at", dl->done_ms);
		json_kv_bool(&w, "overdue", dl->overdue);
		json_kv_bool(&w, "late", dl->late);
		json_kv_bool(&w, "applies", dl->applies);
		json_end(&w);
	}
	json_end(&w);
	json_kv_int(&w, "unknown_count", (int64_t)r->unknown);
	json_key(&w, "unknown");
	json_arr(&w);
	for (size_t i = 0; i < r->nfields; i++)
		if (!r->fields[i].value)
			json_str(&w, r->fields[i].name);
	json_end(&w);
	json_key(&w, "fields");
	json_arr(&w);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct incident_report_field *fd = &r->fields[i];
		json_obj(&w);
		json_kv_str(&w, "name", fd->name);
		json_kv_str(&w, "label", fd->label);
		json_kv_str(&w, "value", fd->value);
		json_key(&w, "entry");
		if (fd->seq)
			json_int(&w, fd->seq);
		else
			json_null_value(&w);
		json_end(&w);
	}
	json_end(&w);
	json_list(&w, "course", &r->course);
	json_list(&w, "decisions", &r->decisions);
	json_list(&w, "evidence", &r->evidence);
	json_end(&w);
}

/* "2026/12/07" of the UTC day starting at ms. */
static void day_label(char out[16], int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	strftime(out, 16, "%Y/%m/%d", gmtime_r(&t, &tm));
}

int incident_report_pdf(const struct incident_report_draft *r, const char *path)
{
	size_t n = 1 + r->nfields + 3 + 1;
	struct print_section *sec = lb_calloc(n, sizeof(*sec));
	struct buf *bodies = lb_calloc(n, sizeof(*bodies));
	struct buf *heads = lb_calloc(n, sizeof(*heads));
	size_t k = 0;
	head_text(r, &bodies[k], 1);
	sec[k].body = bodies[k].data;
	k++;
	for (size_t i = 0; i < r->nfields; i++, k++) {
		buf_addf(&heads[k], "%zu. %s", i + 1, r->fields[i].label);
		field_value(&bodies[k], &r->fields[i]);
		if (r->fields[i].seq)
			buf_addf(&bodies[k], "  (#%lld)", (long long)r->fields[i].seq);
		sec[k].heading = heads[k].data;
		sec[k].body = bodies[k].data;
	}
	const struct incident_report_list *lists[3] = {&r->course, &r->decisions, &r->evidence};
	for (int j = 0; j < 3; j++, k++) {
		label(&heads[k], list_heads[j][0], list_heads[j][1]);
		list_text(&bodies[k], lists[j]);
		sec[k].heading = heads[k].data;
		sec[k].body = bodies[k].data;
	}
	/* the burn-down: outstanding back-entry at the end of each day, as bars */
	int64_t *v = r->nburndown ? lb_calloc(r->nburndown, sizeof(*v)) : NULL;
	char first[16] = "", last[16] = "";
	struct print_bars bars = {r->nburndown, v, first, last};
	if (r->nburndown) {
		for (size_t i = 0; i < r->nburndown; i++)
			v[i] = r->burndown[i].outstanding;
		day_label(first, r->burndown[0].day_ms);
		day_label(last, r->burndown[r->nburndown - 1].day_ms);
		label(&heads[k], "遡及入力の未完了件数 (日ごと)", "back-entry outstanding per day");
		label(&bodies[k], "現在の未完了件数", "outstanding now");
		buf_addf(&bodies[k], ": %lld", (long long)v[r->nburndown - 1]);
		sec[k].heading = heads[k].data;
		sec[k].body = bodies[k].data;
		sec[k].bars = &bars;
		k++;
	}
	struct buf as_of = {0};
	lb_format_utc(&as_of, r->now_ms, 0);
	struct buf title = {0};
	buf_addf(&title, "%s  #%lld", r->title, (long long)r->state.declared.seq);
	int rc = print_text_doc(path, title.data, "報告書案 / draft report", as_of.data, sec, k, NULL);
	for (size_t i = 0; i < n; i++) {
		buf_release(&bodies[i]);
		buf_release(&heads[i]);
	}
	free(bodies);
	free(heads);
	free(sec);
	free(v);
	buf_release(&as_of);
	buf_release(&title);
	return rc;
}
