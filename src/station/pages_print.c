/*
 * pages_print.c - the print buttons: src/print's PDFs served by the station.
 *
 *   GET /print                                      what can be printed: blank forms, each ward's pack by part
 *   GET /print/forms.pdf                            the blank forms with their writing guides (all_forms.pdf)
 *   GET /print/ward.pdf?ward=W&part=P               one part of ward W's pack (census, summaries, medication,
 *                                                   wristbands, forms, labels)
 *   GET /print/patient.pdf?patient=ID&part=P        one patient's part (summary, medication, wristbands, forms,
 *                                                   labels)
 *   …&from=YYYY-MM-DD                               the medication sheets' first day (default today, never the
 *                                                   data's as-of day)
 *
 * print writes files; the station gives it a private folder (mkdtemp, mode 0700, under $TMPDIR or /tmp, named
 * lifeboat-print-<pid>-XXXXXX), reads the PDF back into the response and removes the folder before answering,
 * whatever happened: no patient's paper is left on the station's disk. A station killed mid-print cannot remove
 * its folder: the next station to start removes such leftovers (station_print_sweep). One PDF is rendered at a time (print_mu). PDFs are sent inline (the browser's viewer
 * prints them) rather than as downloads that would stay in the station PC's Downloads folder. Each print is in
 * the audit trail (print) once rendered and before it is sent.
 */
#include "station_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PDF_MAX (256u << 20)
#define PRINT_DIR_PREFIX "lifeboat-print-"

const char *station_print_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");
	return tmp && *tmp ? tmp : "/tmp";
}

/* 1 when the leftover print folder st (named name, in a folder of several users such as /tmp) is this user's and
 * not in use: a folder, not a link, owned by us, and either named with the pid of a process that is gone or (no
 * pid in its name, or a pid that another process may have reused) older than max_age_ms. */
static int stale(const char *name, const struct stat *st, int64_t now_ms, int64_t max_age_ms)
{
	if (!S_ISDIR(st->st_mode) || st->st_uid != geteuid())
		return 0;
	int64_t age_ms = now_ms - ((int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000);
	if (age_ms > max_age_ms)
		return 1;
	const char *p = name + strlen(PRINT_DIR_PREFIX);
	char *end;
	errno = 0;
	long pid = strtol(p, &end, 10);
	if (end == p || *end != '-' || errno || pid <= 0 || pid == (long)getpid())
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int station_print_sweep(const char *tmpdir, int64_t max_age_ms, long *removed)
{
	*removed = 0;
	int fd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : lb_error_errno_tr(errno, "cannot read '%s'", "'%s' を読めません", tmpdir);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return lb_error_errno_tr(errno, "cannot read '%s'", "'%s' を読めません", tmpdir);
	}
	int64_t now_ms = lb_now_ms();
	struct buf path = {0};
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct stat st;
		if (strncmp(e->d_name, PRINT_DIR_PREFIX, strlen(PRINT_DIR_PREFIX)) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !stale(e->d_name, &st, now_ms, max_age_ms))
			continue;
		/* lb_rmtree opens every folder with O_NOFOLLOW: a link put in the folder's place, or inside it, is
		 * removed itself, never followed */
		buf_reset(&path);
		lb_path_join(&path, tmpdir, e->d_name);
		int r = lb_rmtree(path.data);
		if (r < 0) {
			rc = lb_error_wrap_tr(r, "cannot remove the leftover print folder '%s'",
			                      "残っていた印刷用フォルダ '%s' を削除できません", path.data);
			continue;
		}
		(*removed)++;
	}
	closedir(d);
	buf_release(&path);
	return rc;
}

struct part_name {
	const char *name;
	enum print_part part;
	const char *en, *ja;
};
static const struct part_name parts[] = {
        {"census", PRINT_CENSUS, "Census", "病棟患者一覧"},
        {"summaries", PRINT_SUMMARIES, "Summaries", "患者サマリー"},
        {"summary", PRINT_SUMMARIES, "Summary", "患者サマリー"},
        {"medication", PRINT_MEDICATION_SHEETS, "Medication sheets", "与薬・注射 実施記録"},
        {"wristbands", PRINT_WRISTBANDS, "Wristband labels", "リストバンド"},
        {"forms", PRINT_ORDER_FORMS, "Order forms", "指示・依頼用紙"},
        {"labels", PRINT_ORDER_LABELS, "Order labels", "処方・注射ラベル"},
};

static const struct part_name *part_of(const char *name)
{
	for (size_t i = 0; name && i < LB_ARRAY_LEN(parts); i++)
		if (!strcmp(name, parts[i].name))
			return &parts[i];
	return NULL;
}

/* A file name of ASCII for the header: others become '_' (the ward's own name goes into filename*). */
static void ascii_name(char *out, size_t cap, const char *s)
{
	size_t n = 0;
	for (; s && *s && n + 1 < cap && n < 40; s++)
		out[n++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-'
		                   ? *s
		                   : '_';
	out[n] = 0;
}

/* Content-Disposition: inline (the browser's viewer prints it; a download would stay on the shared PC), an ASCII
 * file name, and the real one in filename* (a ward named in kanji). */
static void disposition(struct station_resp *p, const char *kind, const char *who, const char *part)
{
	char a[48] = "";
	ascii_name(a, sizeof(a), who);
	struct buf u = {0};
	station_url_value(&u, who ? who : "");
	if (who)
		snprintf(p->disp_buf, sizeof(p->disp_buf),
		         "inline; filename=\"%s-%s-%s.pdf\"; filename*=UTF-8''%s-%.300s-%s.pdf", kind, a, part, kind,
		         u.data, part);
	else
		snprintf(p->disp_buf, sizeof(p->disp_buf), "inline; filename=\"%s.pdf\"", kind);
	p->disposition = p->disp_buf;
	buf_release(&u);
}

/* What to render: the blank forms (part NULL), or one part of a ward's pack or of one patient. */
struct job {
	struct store *store;
	const char *ward, *patient;
	const struct part_name *part;
	const char *from; /* the sheets' first day, or NULL: today */
};

/* Render j into a private folder and read the PDF into pdf; the folder is removed in every case. Returns 0 or a
 * negative LB_E* code (detail in lb_errmsg). */
static int render(struct station *st, const struct job *j, struct buf *pdf)
{
	const char *tmp = station_print_tmpdir();
	struct buf dir = {0}, file = {0};
	buf_addf(&dir, "%s/" PRINT_DIR_PREFIX "%ld-XXXXXX", tmp, (long)getpid());
	pthread_mutex_lock(&st->print_mu);
	int rc = 0;
	if (!mkdtemp(dir.data)) {
		rc = lb_error_errno_tr(errno, "cannot make a private folder for printing in '%s'",
		                       "'%s' に印刷用の専用フォルダを作れません", tmp);
		goto out;
	}
	struct print_stats ps = {0};
	struct print_opts po = {.jobs = 1, .from = j->from};
	if (!j->part) {
		rc = print_forms(dir.data, &ps);
		lb_path_join(&file, dir.data, "all_forms.pdf");
	} else {
		lb_path_join(&file, dir.data, "part.pdf");
		rc = print_part(j->store, j->ward, j->patient, j->part->part, file.data, &po, &ps);
	}
	if (rc == 0)
		rc = buf_read_file(pdf, file.data, PDF_MAX);
	if (lb_rmtree(dir.data) < 0)
		lb_warn(L_("station: cannot remove the print folder '%s': %s",
		           "端末: 印刷用フォルダ '%s' を削除できません: %s"),
		        dir.data, lb_errmsg());
out:
	pthread_mutex_unlock(&st->print_mu);
	buf_release(&dir);
	buf_release(&file);
	return rc;
}

static int serve(struct station_req *r, struct station_resp *p, const struct job *j, const char *detail)
{
	struct buf pdf = {0};
	int rc = render(r->st, j, &pdf);
	if (rc == -LB_ENOTFOUND) {
		buf_release(&pdf);
		return station_page_error(
		        r, p, 404,
		        j->patient ? T_("No such patient.", "該当する患者はいません。")
		                   : T_("No patient is admitted to this ward.", "この病棟に入院患者はいません。"));
	}
	if (rc < 0) {
		lb_warn(L_("station: print: %s", "端末: 印刷: %s"), lb_errmsg());
		buf_release(&pdf);
		return station_page_error(r, p, 500, T_("The PDF cannot be made.", "PDF を作成できません。"));
	}
	if (station_audit_or_refuse(r, p, "print", j->patient, detail) < 0) {
		buf_release(&pdf);
		return 0;
	}
	p->status = 200;
	p->type = "application/pdf";
	buf_release(&p->body);
	p->body = pdf;
	return 0;
}

int station_print_pdf(struct station_req *r, struct station_resp *p, const char *what)
{
	int bad = 0;
	const char *ward = station_arg_opt(r, "ward", &bad);
	const char *patient = station_arg_opt(r, "patient", &bad);
	const char *pname = station_arg_opt(r, "part", &bad);
	const char *from = station_arg_opt(r, "from", &bad);
	int fy, fm, fd;
	if (from && !*from)
		from = NULL;
	if (from && lb_parse_day(from, &fy, &fm, &fd) < 0)
		return station_page_error(r, p, 400,
		                          T_("from is a date (YYYY-MM-DD).", "from は日付 (YYYY-MM-DD) です。"));
	if (bad)
		return station_page_error(
		        r, p, 400, T_("A field is not text or is too long.", "入力欄に不正な文字があるか長すぎます。"));
	struct job j = {.store = r->store, .from = from};
	struct buf detail = {0};
	int rc;
	if (!strcmp(what, "forms.pdf")) {
		buf_adds(&detail, "blank forms");
		rc = serve(r, p, &j, detail.data);
		if (p->status == 200)
			disposition(p, "forms", NULL, NULL);
	} else if (!strcmp(what, "ward.pdf") || !strcmp(what, "patient.pdf")) {
		int for_patient = what[0] == 'p';
		j.part = part_of(pname);
		if (!j.part || (for_patient && j.part->part == PRINT_CENSUS))
			return station_page_error(
			        r, p, 400,
			        for_patient
			                ? T_("part is one of summary, medication, wristbands, forms, labels.",
			                     "part は summary, medication, wristbands, forms, labels のいずれかです。")
			                : T_("part is one of census, summaries, medication, wristbands, forms, labels.",
			                     "part は census, summaries, medication, wristbands, forms, labels "
			                     "のいずれかです。"));
		if (for_patient ? !patient || strlen(patient) > 64 : !ward || strlen(ward) > 128)
			return station_page_error(
			        r, p, 400,
			        for_patient
			                ? T_("Which patient? (patient=ID)", "患者 ID を指定してください (patient=ID)。")
			                : T_("Which ward? (ward=NAME)", "病棟を指定してください (ward=病棟名)。"));
		if (for_patient)
			j.patient = patient;
		else
			j.ward = ward;
		if (for_patient)
			buf_adds(&detail, j.part->name);
		else
			buf_addf(&detail, "ward %s: %s", ward, j.part->name);
		rc = serve(r, p, &j, detail.data);
		if (p->status == 200)
			disposition(p, for_patient ? "patient" : "ward", for_patient ? patient : ward, j.part->name);
	} else {
		rc = station_page_error(r, p, 404, T_("No such page.", "そのページはありません。"));
	}
	buf_release(&detail);
	return rc;
}

int station_page_print(struct station_req *r, struct station_resp *p)
{
	struct store_table t = {0};
	if (store_wards(r->store, &t) < 0)
		return station_page_error(r, p, 500, T_("The wards cannot be read.", "病棟を読み込めません。"));
	struct buf *b = &p->body;
	station_page_begin(r, b, T_("Print (PDF)", "帳票印刷 (PDF)"), "/print");
	station_html(
	        b,
	        "<h1>%s</h1><p class=\"note\">%s</p><h2>%s</h2><p><a class=\"button pdf\" "
	        "href=\"/print/forms.pdf\">%s</a></p>",
	        T_("Print (PDF)", "帳票印刷 (PDF)"),
	        T_("Each PDF is made from the downtime data on request, carries the downtime-copy mark and the "
	           "data's as-of time, and is recorded in the access log. A patient's wristband labels, order labels "
	           "and sheets are on the patient's page.",
	           "PDF はダウンタイム用データから都度作成し、「ダウンタイム用控え」とデータ時点を印字します。印刷は"
	           "アクセス記録に残ります。患者ごとのリストバンド・ラベル・記録用紙は患者画面から印刷できます。"),
	        T_("Blank forms", "白紙の用紙"),
	        T_("Blank forms with writing guides (prescription, injection, lab, nursing, admission)",
	           "白紙の用紙と記入の手引き (処方箋・注射・検査・看護指示・入退院)"));
	station_html(b, "<h2>%s</h2><table class=\"packs\"><tbody>", T_("Ward packs", "病棟別の一式"));
	for (size_t i = 0; i < t.nrows; i++) {
		const char *w = store_cell(&t, i, STORE_WARD_NAME);
		station_html(b, "<tr><th>%s <span class=\"count\">(%s %s)</span></th><td>", w,
		             store_cell(&t, i, STORE_WARD_COUNT), T_("patients", "名"));
		for (size_t k = 0; k < LB_ARRAY_LEN(parts); k++)
			if (strcmp(parts[k].name, "summary"))
				station_html(b, "<a class=\"pdf\" href=\"/print/ward.pdf?ward=%u&amp;part=%R\">%s</a> ",
				             w, parts[k].name, T_(parts[k].en, parts[k].ja));
		station_html(b, "</td></tr>\n");
	}
	if (!t.nrows)
		station_html(b, "<tr><td>%s</td></tr>", T_("No inpatients in the data.", "入院患者はいません。"));
	station_html(b, "</tbody></table>");
	station_page_end(r, b);
	store_table_release(&t);
	return 0;
}
