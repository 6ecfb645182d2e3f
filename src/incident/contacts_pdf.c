/*
 * contacts_pdf.c - the contact chart on paper (incident_contacts_pdf): one A4 table through print_table, in both
 * languages, a contact whose phone is still 未設定 shaded so that the gap shows at 3 a.m. as well as in a drill.
 */
#include "incident.h"
#include "print/print.h"

#include <stdlib.h>

/* The kind's label in both languages: "電子カルテ事業者\nEHR vendor". */
static char *both_labels(int kind)
{
	enum lb_lang was = lb_lang();
	struct buf b = {0};
	lb_set_lang(LB_LANG_JA);
	buf_adds(&b, incident_contact_kind_label(kind));
	lb_set_lang(LB_LANG_EN);
	buf_addf(&b, "\n%s", incident_contact_kind_label(kind));
	lb_set_lang(was);
	return buf_detach(&b, NULL);
}

int incident_contacts_pdf(const struct incident_contacts *c, const char *path)
{
	static const char *const head[] = {"種類 Kind",          "組織 Organisation", "担当 Person", "電話 Phone",
	                                   "時間外 After hours", "メール Email",      "備考 Note"};
	static const double widths[] = {0.16, 0.21, 0.11, 0.12, 0.11, 0.12, 0.17};
	enum { NCOLS = 7 };
	const char **cells = lb_calloc(c->n ? c->n * NCOLS : 1, sizeof(*cells));
	unsigned char *mark = lb_calloc(c->n ? c->n : 1, 1);
	char **labels = lb_calloc(c->n ? c->n : 1, sizeof(*labels));
	size_t unset = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct incident_contact *k = &c->v[i];
		const char **row = cells + i * NCOLS;
		labels[i] = both_labels(k->kind);
		row[0] = labels[i];
		row[1] = k->org;
		row[2] = k->person;
		row[3] = k->phone;
		row[4] = k->after_hours;
		row[5] = k->email;
		row[6] = k->note;
		mark[i] = incident_unset(k->phone) || incident_unset(k->org);
		unset += mark[i];
	}
	struct buf title = {0}, intro = {0};
	buf_addf(&title, "連絡網 Contact chart — %s", c->hospital ? c->hospital : INCIDENT_UNSET);
	buf_addf(&intro,
	         "サイバー攻撃を想定した BCP の連絡網 (院内外)。事業者、厚生労働省、警察等へはここから連絡します。"
	         "連絡した相手と時刻は lifeboat incident log --kind contact で記録します。\n"
	         "The cyber-BCP contact chart: call the vendors, MHLW, the police and the others from here, and log "
	         "each "
	         "call with lifeboat incident log --kind contact.");
	struct buf foot = {0};
	if (unset)
		buf_addf(&foot,
		         "網掛けの %zu 件は電話番号か組織名が未設定です。病院で記入してください。\n"
		         "The %zu shaded rows have no phone number or organisation yet: fill them in.",
		         unset, unset);
	struct print_table t = {.title = title.data,
	                        .as_of = c->updated ? c->updated : INCIDENT_UNSET,
	                        .intro = intro.data,
	                        .head = head,
	                        .widths = widths,
	                        .ncols = NCOLS,
	                        .nrows = c->n,
	                        .cells = cells,
	                        .mark = mark,
	                        .footnote = unset ? foot.data : NULL};
	int rc = print_table(path, &t, NULL);
	for (size_t i = 0; i < c->n; i++)
		free(labels[i]);
	free(labels);
	free(cells);
	free(mark);
	buf_release(&title);
	buf_release(&intro);
	buf_release(&foot);
	return rc;
}
