/*
 * ssmix2.c - SS-MIX2 standard storage: file names, folder layout, the walker and "which version is current".
 *
 *   root/PID[0:3]/PID[3:6]/PID/<YYYYMMDD or ->/<data type>/PID_date_type_orderNo_YYYYMMDDHHMMSSFFF_dept_flag
 *
 * A record (a patient's demographics, one order, one admission event) is written again as a new file each time
 * it changes; the file with the newest time stamp is the record's state, and a newest file with flag 0 means the
 * record was deleted. The key of a record is (patient, date folder, type, order number), except for the types
 * that hold one state per patient (ADT-00 demographics, ADT-61 allergies), keyed by (patient, type).
 *
 * The storage comes from outside: names are checked character by character (no '/', '..', controls or 8-bit
 * bytes get through), symlinks are never followed, the folder depth is fixed, and nothing recurses.
 */
#include "ehr.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SSMIX2_DEPTH 6 /* a, b, pid, date, type, file */

static int is_id_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int digits_val(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int date8_valid(const char *s)
{
	return all_digits(s, 8) && lb_date_valid(digits_val(s, 4), digits_val(s + 4, 2), digits_val(s + 6, 2));
}

/* Copy part p[0..n) into out (size cap+1) after checking its characters. */
static int take_id(char *out, size_t cap, const char *p, size_t n, const char *what)
{
	if (n == 0)
		return lb_error(LB_EINVAL, "empty %s", what);
	if (n > cap)
		return lb_error(LB_EINVAL, "%s longer than %zu characters", what, cap);
	for (size_t i = 0; i < n; i++)
		if (!is_id_char(p[i]))
			return lb_error(LB_EINVAL, "bad character 0x%02x in %s", (unsigned char)p[i], what);
	memcpy(out, p, n);
	out[n] = 0;
	return 0;
}

int ssmix2_parse_name(const char *name, struct ssmix2_name *out)
{
	memset(out, 0, sizeof(*out));
	const char *part[8];
	size_t len[8];
	int np = 0;
	const char *s = name;
	size_t total = strnlen(name, 512);
	if (total >= 512)
		return lb_error(LB_EINVAL, "file name too long");
	size_t start = 0;
	for (size_t i = 0; i <= total; i++) {
		if (i < total && s[i] != '_')
			continue;
		if (np == 7)
			return lb_error(LB_EINVAL, "more than 7 parts separated by '_'");
		part[np] = s + start;
		len[np] = i - start;
		np++;
		start = i + 1;
	}
	if (np != 7)
		return lb_error(LB_EINVAL, "%d parts separated by '_', 7 expected", np);
	int rc;
	if ((rc = take_id(out->patient, SSMIX2_ID_MAX, part[0], len[0], "patient id")) < 0)
		return rc;
	if (len[1] == 1 && part[1][0] == '-')
		strcpy(out->date, "-");
	else if (len[1] == 8 && date8_valid(part[1]))
		memcpy(out->date, part[1], 8);
	else
		return lb_error(LB_EINVAL, "date part is neither YYYYMMDD nor '-'");
	if ((rc = take_id(out->type, sizeof(out->type) - 1, part[2], len[2], "data type")) < 0)
		return rc;
	if ((rc = take_id(out->order_no, SSMIX2_ID_MAX, part[3], len[3], "order number")) < 0)
		return rc;
	if (len[4] != 17 || !all_digits(part[4], 17) || !date8_valid(part[4]) || digits_val(part[4] + 8, 2) > 23 ||
	    digits_val(part[4] + 10, 2) > 59 || digits_val(part[4] + 12, 2) > 60)
		return lb_error(LB_EINVAL, "time part is not YYYYMMDDHHMMSSFFF");
	memcpy(out->time, part[4], 17);
	if ((rc = take_id(out->dept, SSMIX2_ID_MAX, part[5], len[5], "department")) < 0)
		return rc;
	if (len[6] != 1 || (part[6][0] != '0' && part[6][0] != '1'))
		return lb_error(LB_EINVAL, "condition flag is not 0 or 1");
	out->flag = part[6][0] - '0';
	return 0;
}

int ssmix2_parse_path(const char *relpath, struct ssmix2_name *out)
{
	const char *comp[SSMIX2_DEPTH];
	size_t len[SSMIX2_DEPTH];
	int n = 0;
	size_t total = strnlen(relpath, 4096), start = 0;
	for (size_t i = 0; i <= total; i++) {
		if (i < total && relpath[i] != '/')
			continue;
		if (n == SSMIX2_DEPTH)
			return lb_error(LB_EINVAL, "path deeper than the storage layout");
		comp[n] = relpath + start;
		len[n] = i - start;
		n++;
		start = i + 1;
	}
	if (n != SSMIX2_DEPTH)
		return lb_error(LB_EINVAL, "path is not PID[0:3]/PID[3:6]/PID/date/type/file");
	char file[512];
	if (len[5] >= sizeof(file))
		return lb_error(LB_EINVAL, "file name too long");
	memcpy(file, comp[5], len[5]);
	file[len[5]] = 0;
	int rc = ssmix2_parse_name(file, out);
	if (rc < 0)
		return rc;
	size_t pl = strlen(out->patient);
	if (len[2] != pl || memcmp(comp[2], out->patient, pl))
		return lb_error(LB_EINVAL, "patient folder '%.*s' differs from the file name's '%s'",
		                (int)(len[2] > 64 ? 64 : len[2]), comp[2], out->patient);
	/* The two prefix folders are the first three and next three characters of the ID. */
	if (pl >= 6 &&
	    (len[0] != 3 || len[1] != 3 || memcmp(comp[0], out->patient, 3) || memcmp(comp[1], out->patient + 3, 3)))
		return lb_error(LB_EINVAL, "prefix folders do not match patient id '%s'", out->patient);
	if (len[3] != strlen(out->date) || memcmp(comp[3], out->date, len[3]))
		return lb_error(LB_EINVAL, "date folder differs from the file name's '%s'", out->date);
	if (len[4] != strlen(out->type) || memcmp(comp[4], out->type, len[4]))
		return lb_error(LB_EINVAL, "data type folder differs from the file name's '%s'", out->type);
	return 0;
}

static void warn(const struct ehr_sink *sink, const char *path, enum ehr_warn kind, const char *detail)
{
	if (!sink || !sink->warning)
		return;
	struct ehr_source src = {.path = path, .kind = "ssmix2"};
	sink->warning(sink->ctx, &src, kind, detail);
}

/* Types whose newest file is the whole state of the patient, whatever its date folder and order number. */
static int per_patient_type(const char *type)
{
	return !strcmp(type, "ADT-00") || !strcmp(type, "ADT-61");
}

static int cmp_record(const struct ssmix2_file *a, const struct ssmix2_file *b)
{
	int c = strcmp(a->name.patient, b->name.patient);
	if (c)
		return c;
	if ((c = strcmp(a->name.type, b->name.type)))
		return c;
	if (per_patient_type(a->name.type))
		return 0;
	if ((c = strcmp(a->name.date, b->name.date)))
		return c;
	return strcmp(a->name.order_no, b->name.order_no);
}

static int cmp_file(const void *pa, const void *pb)
{
	const struct ssmix2_file *a = pa, *b = pb;
	int c = cmp_record(a, b);
	if (c)
		return c;
	if ((c = strcmp(a->name.time, b->name.time)))
		return c;
	/* A deletion stamped with the same time as a valid version wins: it sorts last. */
	if (a->name.flag != b->name.flag)
		return b->name.flag - a->name.flag;
	return strcmp(a->path, b->path);
}

static void add_file(struct ssmix2_scan *s, const char *rel, const struct ssmix2_name *nm, const struct stat *st)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->files = lb_reallocarray(s->files, s->cap, sizeof(*s->files));
	}
	struct ssmix2_file *f = &s->files[s->n++];
	memset(f, 0, sizeof(*f));
	f->path = lb_strdup(rel);
	f->name = *nm;
	f->size = st->st_size;
	f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* Open a folder under dirfd without following a symlink. */
static DIR *open_dir_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

/*
 * The walk runs in two phases: the main thread lists root/a/b (the two prefix levels) and queues each b folder;
 * then two workers (the main thread and one helper) walk the queued folders down to the files. Listing a large
 * tree is mostly time in the kernel, and two cores list it in about half the time. A worker keeps its files and
 * warnings to itself; they are merged, and the warnings sorted by path and handed to the sink, after both end.
 */
#define SSMIX2_WORKERS 2

struct walk_warning {
	char *path, *detail;
};

struct walk {
	const struct ehr_sink *sink; /* emit warnings here directly (phase 1), or NULL to collect them */
	struct ssmix2_scan found;
	struct walk_warning *warns;
	size_t nwarns, capwarns;
	_Atomic long *count; /* files found by all workers, for the progress bar */
};

struct walk_jobs {
	const char *root;
	char **dirs; /* "a/b" */
	size_t n;
	_Atomic size_t next;
	_Atomic long count;
	struct lb_progress *progress; /* updated by worker 0 only */
	struct walk workers[SSMIX2_WORKERS];
};

static void walk_warn(struct walk *w, const char *path, const char *detail)
{
	w->found.skipped++;
	if (w->sink) {
		warn(w->sink, path, EHR_WARN_PARSE, detail);
		return;
	}
	if (w->nwarns == w->capwarns) {
		w->capwarns = w->capwarns ? w->capwarns * 2 : 16;
		w->warns = lb_reallocarray(w->warns, w->capwarns, sizeof(*w->warns));
	}
	w->warns[w->nwarns].path = lb_strdup(path);
	w->warns[w->nwarns].detail = lb_strdup(detail);
	w->nwarns++;
}

/*
 * Walk from the open folder top, whose path relative to the root is prefix and whose depth is start (0 = root).
 * With jobs non-NULL, folders at depth 2 are queued rather than entered. Takes ownership of top.
 */
static void walk_from(struct walk *w, DIR *top, const char *prefix, int start, struct walk_jobs *jobs)
{
	DIR *stack[SSMIX2_DEPTH] = {0};
	size_t plen[SSMIX2_DEPTH + 1] = {0};
	struct buf path = {0}, msg = {0};
	buf_adds(&path, prefix);
	int depth = start;
	stack[depth] = top;
	plen[depth] = path.len;
	while (depth >= start) {
		struct dirent *e = readdir(stack[depth]);
		if (!e) {
			closedir(stack[depth]);
			stack[depth] = NULL;
			depth--;
			if (depth >= start)
				buf_truncate(&path, plen[depth]);
			continue;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		buf_truncate(&path, plen[depth]);
		if (path.len)
			buf_addch(&path, '/');
		buf_adds(&path, e->d_name);
		struct stat st;
		/* Folders are known from d_type on most file systems: a stat per folder saved (open_dir_at still refuses
		 * a symlink). Files are always stat'ed: their size and mtime decide what a re-run reads. */
		if (depth < SSMIX2_DEPTH - 1 && e->d_type == DT_DIR)
			st.st_mode = S_IFDIR;
		else if (fstatat(dirfd(stack[depth]), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			walk_warn(w, path.data, "cannot stat entry");
			continue;
		}
		if (depth < SSMIX2_DEPTH - 1) {
			if (!S_ISDIR(st.st_mode)) {
				walk_warn(w, path.data, "not a folder of the storage layout (skipped)");
				continue;
			}
			if (jobs && depth + 1 == 2) {
				/* checked as a folder now; a worker opens it later (without following a symlink) */
				jobs->dirs = lb_reallocarray(jobs->dirs, jobs->n + 1, sizeof(*jobs->dirs));
				jobs->dirs[jobs->n++] = lb_strdup(path.data);
				continue;
			}
			DIR *d = open_dir_at(dirfd(stack[depth]), e->d_name);
			if (!d) {
				walk_warn(w, path.data, "cannot open folder (skipped)");
				continue;
			}
			plen[depth + 1] = path.len;
			stack[++depth] = d;
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			walk_warn(w, path.data, "not a regular file (skipped)");
			continue;
		}
		struct ssmix2_name nm;
		if (ssmix2_parse_path(path.data, &nm) < 0) {
			buf_reset(&msg);
			buf_addf(&msg, "not an SS-MIX2 file: %s", lb_errmsg());
			walk_warn(w, path.data, msg.data);
			continue;
		}
		add_file(&w->found, path.data, &nm, &st);
		if (w->count)
			atomic_fetch_add(w->count, 1);
	}
	buf_release(&path);
	buf_release(&msg);
}

/* Open root/a/b, refusing a symlink at either level. */
static DIR *open_job(const char *root, const char *ab)
{
	int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return NULL;
	const char *slash = strchr(ab, '/');
	DIR *d = NULL;
	if (slash) {
		char a[256];
		size_t al = (size_t)(slash - ab);
		if (al < sizeof(a)) {
			memcpy(a, ab, al);
			a[al] = 0;
			int afd = openat(rfd, a, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (afd >= 0) {
				d = open_dir_at(afd, slash + 1);
				close(afd);
			}
		}
	}
	close(rfd);
	return d;
}

struct worker_arg {
	struct walk_jobs *jobs;
	int index;
};

static void *worker_run(void *arg)
{
	struct worker_arg *a = arg;
	struct walk_jobs *j = a->jobs;
	struct walk *w = &j->workers[a->index];
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		DIR *d = open_job(j->root, j->dirs[i]);
		if (!d) {
			walk_warn(w, j->dirs[i], "cannot open folder (skipped)");
			continue;
		}
		walk_from(w, d, j->dirs[i], 2, NULL);
		if (a->index == 0 && j->progress)
			lb_progress_update(j->progress, (uint64_t)atomic_load(&j->count));
	}
	return NULL;
}

static int cmp_warning(const void *pa, const void *pb)
{
	const struct walk_warning *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : strcmp(a->detail, b->detail);
}

int ssmix2_scan(const char *root, const struct ehr_sink *sink, struct ssmix2_scan *out)
{
	struct lb_progress *pg = out->progress;
	memset(out, 0, sizeof(*out));
	out->progress = pg;
	DIR *top = opendir(root);
	if (!top)
		return lb_error_errno(errno, "cannot open SS-MIX2 storage '%s'", root);
	/* Phase 1: the prefix levels, in this thread. */
	struct walk_jobs *j = lb_calloc(1, sizeof(*j));
	j->root = root;
	j->progress = pg;
	atomic_init(&j->next, 0);
	atomic_init(&j->count, 0);
	struct walk lead = {.sink = sink};
	walk_from(&lead, top, "", 0, j);
	/* Phase 2: the workers. */
	struct worker_arg args[SSMIX2_WORKERS];
	pthread_t helper[SSMIX2_WORKERS];
	int started[SSMIX2_WORKERS] = {0};
	for (int k = 0; k < SSMIX2_WORKERS; k++) {
		j->workers[k].count = &j->count;
		args[k].jobs = j;
		args[k].index = k;
	}
	for (int k = 1; k < SSMIX2_WORKERS; k++)
		started[k] = pthread_create(&helper[k], NULL, worker_run, &args[k]) == 0;
	worker_run(&args[0]);
	for (int k = 1; k < SSMIX2_WORKERS; k++)
		if (started[k])
			pthread_join(helper[k], NULL);
	if (atomic_load(&j->next) < j->n) /* a helper that could not start: finish its share here */
		worker_run(&args[0]);
	/* Merge: files, then the workers' warnings in path order. */
	*out = lead.found;
	out->progress = pg;
	size_t nw = 0;
	for (int k = 0; k < SSMIX2_WORKERS; k++)
		nw += j->workers[k].nwarns;
	struct walk_warning *all = nw ? lb_calloc(nw, sizeof(*all)) : NULL;
	nw = 0;
	for (int k = 0; k < SSMIX2_WORKERS; k++) {
		struct walk *w = &j->workers[k];
		for (size_t i = 0; i < w->found.n; i++) {
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 256;
				out->files = lb_reallocarray(out->files, out->cap, sizeof(*out->files));
			}
			out->files[out->n++] = w->found.files[i];
		}
		out->skipped += w->found.skipped;
		free(w->found.files);
		for (size_t i = 0; i < w->nwarns; i++)
			all[nw++] = w->warns[i];
		free(w->warns);
	}
	if (nw)
		qsort(all, nw, sizeof(*all), cmp_warning);
	for (size_t i = 0; i < nw; i++) {
		warn(sink, all[i].path, EHR_WARN_PARSE, all[i].detail);
		free(all[i].path);
		free(all[i].detail);
	}
	free(all);
	for (size_t i = 0; i < j->n; i++)
		free(j->dirs[i]);
	free(j->dirs);
	free(j);
	if (pg)
		lb_progress_done(pg);
	if (out->n)
		qsort(out->files, out->n, sizeof(*out->files), cmp_file);
	/* The last file of each record's run is its state. */
	for (size_t i = 0; i < out->n; i++) {
		int last = i + 1 == out->n || cmp_record(&out->files[i], &out->files[i + 1]) != 0;
		out->files[i].current = last && out->files[i].name.flag == 1;
	}
	return 0;
}

void ssmix2_scan_release(struct ssmix2_scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->files[i].path);
	free(s->files);
	memset(s, 0, sizeof(*s));
}
