/*
 * all.c - `print all`: every ward's pack, the call lists of the start day (today, or print_opts.from: never the
 * data's as-of day) and the six after it and of every later day the store holds a booking for, the blank forms
 * and an index page, refreshed as one set. The set is built in a sibling folder and swapped with the previous one
 * by renameat2(RENAME_EXCHANGE), so a nurse who opens the folder (or a printer queue) sees the whole old set or the
 * whole new one. Wards are rendered by worker processes (print_opts.jobs), each with its own store connection,
 * taking the wards one at a time, largest first, while this process makes the call lists, the forms and the index.
 */
#include "print_int.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CALL_DAYS 7

/* A ward name as a folder name: '/' and leading dots replaced. */
static void ward_dir(struct buf *b, const char *root, const char *ward)
{
	struct buf w = {0};
	for (const char *p = ward; *p; p++)
		buf_addch(&w, *p == '/' || (*p == '.' && p == ward) ? '_' : *p);
	struct buf wards = {0};
	lb_path_join(&wards, root, "wards");
	lb_path_join(b, wards.data, w.data);
	buf_release(&w);
	buf_release(&wards);
}

struct worker_msg {
	int rc;
	struct print_stats st;
	char err[480];
};

/* The wards to render, largest first, and the next one to take: shared by the workers (MAP_SHARED), each taking
 * one at a time, so that a worker done with a small unit (ICU) takes the next ward while another is still on a
 * large one. */
struct packs_work {
	atomic_size_t next;
	size_t n;
	uint32_t order[]; /* indexes into the wards table */
};

/* Render the wards of work, one at a time, with a connection of our own; report through fd. */
static int worker(const char *db, const struct store_table *wards, struct packs_work *work, const char *root,
                  const struct print_opts *o, int fd)
{
	struct worker_msg msg = {0};
	struct store *s = NULL;
	msg.rc = store_open(&s, db, 0);
	struct print_opts wo = *o;
	wo.progress = NULL;
	for (size_t k; msg.rc == 0 && (k = atomic_fetch_add(&work->next, 1)) < work->n;) {
		struct buf dir = {0};
		const char *ward = store_cell(wards, work->order[k], STORE_WARD_NAME);
		ward_dir(&dir, root, ward);
		msg.rc = print_pack(s, ward, dir.data, &wo, &msg.st);
		buf_release(&dir);
	}
	store_close(s); /* NULL when the open failed */
	if (msg.rc < 0)
		snprintf(msg.err, sizeof(msg.err), "%s", lb_errmsg());
	ssize_t w = write(fd, &msg, sizeof(msg));
	return w == (ssize_t)sizeof(msg) && msg.rc == 0 ? 0 : 1;
}

/* Worker processes rendering the ward packs while the parent makes the call lists, the forms and the index. */
struct packs_run {
	pid_t *pids;
	size_t started;
	int results; /* read end of the workers' reports */
	int rc;      /* an error starting them */
	struct packs_work *work;
	size_t work_size;
};

static int by_size(const void *a, const void *b, void *table)
{
	long na = atol(store_cell(table, *(const uint32_t *)a, STORE_WARD_COUNT));
	long nb = atol(store_cell(table, *(const uint32_t *)b, STORE_WARD_COUNT));
	return na != nb ? (na < nb ? 1 : -1) : *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Start the packs: with one job they are rendered here and now; with more, by worker processes that packs_wait
 * collects. */
static int packs_start(struct store *s, const struct store_table *wards, const char *root, const struct print_opts *o,
                       struct print_stats *st, struct packs_run *run)
{
	memset(run, 0, sizeof(*run));
	run->results = -1;
	size_t jobs = o->jobs > 0 ? (size_t)o->jobs : 2;
	if (jobs > wards->nrows)
		jobs = wards->nrows ? wards->nrows : 1;
	if (jobs <= 1) {
		for (size_t i = 0; i < wards->nrows; i++) {
			struct buf dir = {0};
			const char *ward = store_cell(wards, i, STORE_WARD_NAME);
			ward_dir(&dir, root, ward);
			int rc = print_pack(s, ward, dir.data, o, st);
			buf_release(&dir);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	run->work_size = sizeof(*run->work) + wards->nrows * sizeof(run->work->order[0]);
	void *map = mmap(NULL, run->work_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return lb_error_errno_tr(errno, "cannot start print workers", "印刷の作業プロセスを開始できません");
	run->work = map;
	atomic_init(&run->work->next, 0);
	run->work->n = wards->nrows;
	for (size_t i = 0; i < wards->nrows; i++)
		run->work->order[i] = (uint32_t)i;
	qsort_r(run->work->order, wards->nrows, sizeof(run->work->order[0]), by_size, (void *)wards);
	int fds[2];
	if (pipe(fds) < 0)
		return lb_error_errno_tr(errno, "cannot start print workers", "印刷の作業プロセスを開始できません");
	fflush(NULL);
	run->pids = lb_calloc(jobs, sizeof(*run->pids));
	for (size_t k = 0; k < jobs; k++) {
		pid_t pid = fork();
		if (pid < 0) {
			run->rc = lb_error_errno_tr(errno, "cannot start print workers",
			                            "印刷の作業プロセスを開始できません");
			break;
		}
		if (pid == 0) {
			close(fds[0]);
			_exit(worker(store_path(s), wards, run->work, root, o, fds[1]));
		}
		run->pids[run->started++] = pid;
	}
	close(fds[1]);
	run->results = fds[0];
	return 0;
}

/* Wait for the workers of packs_start and add up what they did; the first error wins. */
static int packs_wait(struct packs_run *run, const struct print_opts *o, struct print_stats *st)
{
	int rc = run->rc;
	for (size_t k = 0; k < run->started; k++) {
		struct worker_msg msg;
		ssize_t r = read(run->results, &msg, sizeof(msg));
		if (r != (ssize_t)sizeof(msg)) {
			if (rc == 0)
				rc = lb_error_tr(LB_EINTERNAL, "a print worker died",
				                 "印刷の作業プロセスが異常終了しました");
			continue;
		}
		st->files += msg.st.files;
		st->pages += msg.st.pages;
		st->patients += msg.st.patients;
		st->wards += msg.st.wards;
		st->missing_glyphs += msg.st.missing_glyphs;
		if (msg.rc < 0 && rc == 0)
			rc = lb_error(-msg.rc, "%s", msg.err);
		if (o->progress)
			lb_progress_add(o->progress, (uint64_t)msg.st.wards * PRINT_PARTS);
	}
	if (run->results >= 0)
		close(run->results);
	for (size_t k = 0; k < run->started; k++) {
		int status;
		while (waitpid(run->pids[k], &status, 0) < 0 && errno == EINTR)
			;
	}
	free(run->pids);
	if (run->work)
		munmap(run->work, run->work_size);
	memset(run, 0, sizeof(*run));
	run->results = -1;
	return rc;
}

static int index_page(const char *root, const struct store_meta *m, const struct store_table *wards, char (*dates)[11],
                      const long *ncalls, size_t ndates, const struct print_opts *o, struct print_stats *st)
{
	struct buf p = {0}, t = {0};
	lb_path_join(&p, root, "0_index.pdf");
	struct pdoc d;
	store_as_of_text(m, &t);
	pdoc_init(&d, p.data, "ダウンタイム用 印刷一式 索引 / Downtime paper set: index", buf_cstr(&t));
	buf_reset(&t);
	pdoc_new_page(&d);
	buf_adds(&t, "データ時点 (as of) ");
	store_as_of_text(m, &t);
	buf_addf(&t, "    世代 generation %s    患者数 %ld", m->generation[0] ? m->generation : "-", m->patients);
	d.y += pdoc_text(&d, PDOC_LEFT, d.y, PDOC_RIGHT - PDOC_LEFT, 10, PT_BOLD, t.data) + 6;
	d.y += pdoc_text(&d, PDOC_LEFT, d.y, PDOC_RIGHT - PDOC_LEFT, 9, 0,
	                 "電子カルテが止まったら、この一式を印刷して各部署へ配る。データ時点より後の指示・結果は含まれ"
	                 "ない。"
	                 "新しい指示は用紙 (forms/) に手書きし、復旧後に遡及入力する。\n"
	                 "When the EHR is down, print this set and hand it out. Nothing after the as-of time is in it: "
	                 "write new orders on the forms (forms/) and enter them back after recovery.") +
	       10;
	pdoc_heading(&d, "病棟別 Ward packs (wards/<病棟>/)");
	for (size_t i = 0; i < wards->nrows; i++) {
		buf_reset(&t);
		buf_addf(&t,
		         "%s病棟  %s名   1_census  2_summaries  3_medication_sheets  4_wristbands  5_order_forms  "
		         "6_order_labels",
		         store_cell(wards, i, STORE_WARD_NAME), store_cell(wards, i, STORE_WARD_COUNT));
		pdoc_need(&d, 14);
		pdoc_text(&d, PDOC_LEFT + 6, d.y, PDOC_RIGHT - PDOC_LEFT - 6, 9, 0, t.data);
		d.y += 14;
		/* the ward's downtime number labels: what each sheet is, since it is not a copy of EHR data */
		for (int k = PRINT_NUMBER_ORDER; k <= PRINT_NUMBER_PATIENT; k++) {
			const struct print_number_sheet *sh =
			        print_number_sheet_of(o, store_cell(wards, i, STORE_WARD_NAME), k);
			if (!sh)
				continue;
			buf_reset(&t);
			buf_addf(&t, "%.*s  ", (int)strcspn(print_number_file(k), "."), print_number_file(k));
			print_number_about(&t, sh);
			double h = pdoc_text_height(&d, PDOC_RIGHT - PDOC_LEFT - 24, 8, 0, t.data);
			pdoc_need(&d, h + 2);
			d.y += pdoc_text(&d, PDOC_LEFT + 24, d.y, PDOC_RIGHT - PDOC_LEFT - 24, 8, 0, t.data) + 2;
		}
	}
	if (o->n_numbers) {
		d.y += 4;
		const char *how =
		        "7_order_numbers: 紙オーダー用の番号ラベル。ダウンタイム中に手書きする指示・記録の用紙に 1 "
		        "枚貼り、患者名を"
		        "書く。復旧後の遡及入力で、この番号で登録・突合する。8_patient_numbers: "
		        "電子カルテに記録のない患者 (救急"
		        "入院など) の番号。左をリストバンドに、右をカルテに貼り、氏名・性別・生年月日を手書きする。\n"
		        "7_order_numbers: one label per paper order or record written during the outage, with the "
		        "patient's name "
		        "written on it; back-entry registers and matches the paper by this number. 8_patient_numbers: "
		        "numbers for "
		        "patients with no EHR record (emergency admissions): the left label on the wristband, the "
		        "right one on "
		        "the chart, name, sex and birth date written by hand.";
		double h = pdoc_text_height(&d, PDOC_RIGHT - PDOC_LEFT - 6, 8, 0, how);
		pdoc_need(&d, h);
		d.y += pdoc_text(&d, PDOC_LEFT + 6, d.y, PDOC_RIGHT - PDOC_LEFT - 6, 8, PT_GRAY, how);
	}
	d.y += 6;
	pdoc_heading(&d, "外来予約 連絡リスト Call lists (calls/<日付>.pdf)");
	for (size_t i = 0; i < ndates; i++) {
		buf_reset(&t);
		buf_addf(&t, "%s   %ld件", dates[i], ncalls[i]);
		pdoc_need(&d, 14);
		pdoc_text(&d, PDOC_LEFT + 6, d.y, 300, 9, 0, t.data);
		d.y += 14;
	}
	d.y += 6;
	pdoc_heading(&d, "用紙と記入のしかた Blank forms with writing guides (forms/)");
	for (int f = 0; f < PF_COUNT; f++) {
		pdoc_need(&d, 14);
		buf_reset(&t);
		buf_addf(&t, "%s   (%s)", print_form_title((enum print_form)f), print_form_file((enum print_form)f));
		pdoc_text(&d, PDOC_LEFT + 6, d.y, PDOC_RIGHT - PDOC_LEFT - 6, 9, 0, t.data);
		d.y += 14;
	}
	buf_release(&p);
	buf_release(&t);
	return pdoc_finish(&d, st);
}

/* Is path a folder print_all made (or an empty one)? Refuse to replace anything else. */
static int replaceable(const char *path)
{
	struct stat sb;
	if (lstat(path, &sb) < 0)
		return errno == ENOENT ? 1 : 0;
	if (!S_ISDIR(sb.st_mode))
		return 0;
	struct buf p = {0};
	lb_path_join(&p, path, "0_index.pdf");
	int ours = lb_exists(p.data);
	buf_release(&p);
	if (ours)
		return 2;
	return rmdir(path) == 0 ? 1 : 0; /* empty: fine */
}

/* Remove DIR.new-<pid> folders left by runs that were killed (their process is gone). */
static void sweep_stale(const char *out_dir)
{
	char *parent = lb_strdup(out_dir);
	char *slash = strrchr(parent, '/');
	const char *base = slash ? slash + 1 : out_dir;
	const char *dir = slash ? (slash == parent ? "/" : parent) : ".";
	if (slash)
		*slash = 0;
	DIR *d = opendir(dir);
	struct buf prefix = {0}, p = {0};
	buf_addf(&prefix, "%s.new-", base);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (strncmp(e->d_name, prefix.data, prefix.len))
			continue;
		char *end;
		long pid = strtol(e->d_name + prefix.len, &end, 10);
		if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		buf_reset(&p);
		lb_path_join(&p, dir, e->d_name);
		lb_rmtree(p.data);
	}
	if (d)
		closedir(d);
	buf_release(&prefix);
	buf_release(&p);
	free(parent);
}

int print_all(struct store *s, const char *out_dir, const struct print_opts *o, struct print_stats *st)
{
	struct print_opts def = {0};
	if (!o)
		o = &def;
	struct print_stats local = {0};
	if (!st)
		st = &local;
	int kind = replaceable(out_dir);
	if (!kind)
		return lb_error_tr(LB_EEXIST, "'%s' exists and is not a set made by 'print all': not replacing it",
		                   "'%s' は既にあり、'print all' が作った一式ではありません: 置き換えません", out_dir);
	sweep_stale(out_dir);
	struct buf tmp = {0}, p = {0};
	buf_addf(&tmp, "%s.new-%ld", out_dir, (long)getpid());
	lb_rmtree(tmp.data);
	int rc = lb_mkdirs(tmp.data, 0755);
	struct store_meta m;
	struct store_table wards = {0};
	if (rc == 0)
		rc = store_meta_get(s, &m);
	if (rc == 0)
		rc = store_wards(s, &wards);
	/* the call lists: the start day and the six after it (each, even without bookings: "none" is news too),
	 * then every later day with a booking, so that no booking in the store is left off */
	char start[11] = "";
	if (rc == 0)
		rc = print_start_day(o, m.as_of, start);
	struct store_table booked = {0};
	if (rc == 0)
		rc = store_appointment_dates(s, start, &booked);
	size_t ndates = 0;
	char(*dates)[11] = lb_calloc(CALL_DAYS + booked.nrows, sizeof(*dates));
	long *ncalls = lb_calloc(CALL_DAYS + booked.nrows, sizeof(*ncalls));
	int y = 1970, mo = 1, d = 1;
	int64_t day0 = lb_parse_day(start, &y, &mo, &d) == 0 ? lb_days_from_civil(y, mo, d) : 0;
	for (int i = 0; rc == 0 && i < CALL_DAYS; i++) {
		lb_civil_from_days(day0 + i, &y, &mo, &d);
		snprintf(dates[ndates++], sizeof(*dates), "%04d-%02d-%02d", y, mo, d);
	}
	for (size_t i = 0; rc == 0 && i < booked.nrows; i++) {
		const char *b = store_cell(&booked, i, 0);
		if (b && strcmp(b, dates[CALL_DAYS - 1]) > 0 && lb_parse_day(b, &y, &mo, &d) == 0)
			snprintf(dates[ndates++], sizeof(*dates), "%s", b);
	}
	store_table_release(&booked);
	if (o->progress)
		o->progress->total = wards.nrows * PRINT_PARTS + ndates + 2;
	struct packs_run run = {.results = -1};
	if (rc == 0)
		rc = packs_start(s, &wards, tmp.data, o, st, &run);
	struct buf calls = {0};
	lb_path_join(&calls, tmp.data, "calls");
	if (rc == 0)
		rc = lb_mkdirs(calls.data, 0755);
	for (size_t i = 0; i < ndates && rc == 0; i++) {
		buf_reset(&p);
		buf_addf(&p, "%s/%s.pdf", calls.data, dates[i]);
		long before = st->calls;
		rc = print_appointments(s, dates[i], NULL, p.data, st);
		ncalls[i] = st->calls - before;
		if (o->progress)
			lb_progress_add(o->progress, 1);
	}
	buf_reset(&p);
	lb_path_join(&p, tmp.data, "forms");
	if (rc == 0)
		rc = print_forms(p.data, st);
	if (rc == 0)
		rc = index_page(tmp.data, &m, &wards, dates, ncalls, ndates, o, st);
	/* the packs' workers ran meanwhile */
	int prc = packs_wait(&run, o, st);
	if (rc == 0)
		rc = prc;
	/* the swap: the new set replaces the old in one step */
	if (rc == 0) {
		if (kind == 2) {
			if (renameat2(AT_FDCWD, tmp.data, AT_FDCWD, out_dir, RENAME_EXCHANGE) < 0)
				rc = lb_error_errno_tr(errno, "cannot swap '%s' into place",
				                       "'%s' を新しい一式と入れ替えられません", out_dir);
		} else if (rename(tmp.data, out_dir) < 0) {
			rc = lb_error_errno_tr(errno, "cannot move '%s' into place", "'%s' を所定の場所に移せません",
			                       out_dir);
		}
	}
	if (rc == 0) {
		char *parent = lb_strdup(out_dir);
		char *slash = strrchr(parent, '/');
		if (slash && slash != parent)
			*slash = 0;
		else if (slash)
			slash[1] = 0;
		lb_fsync_dir(slash ? parent : ".");
		free(parent);
	}
	lb_rmtree(tmp.data); /* the old set after a swap, or the half-built new one after a failure */
	if (o->progress)
		lb_progress_done(o->progress);
	store_table_release(&wards);
	free(dates);
	free(ncalls);
	buf_release(&tmp);
	buf_release(&p);
	buf_release(&calls);
	return rc;
}
