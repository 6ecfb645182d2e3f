/*
 * ssmix2_scan.c - the SS-MIX2 walk on threads, its files in batches, and "which version is current".
 *
 * ssmix2_walk_start visits the prefix folders (ssmix2_walk.c) and starts WALK_THREADS workers on the jobs, one per
 * PID[3:6] folder. Listing a large tree is mostly waiting for the disk to deliver folder blocks, so more requests
 * in flight than there are cores shortens it. Each finished job is a batch: its files sorted and each record's
 * current version decided. A batch holds whole patients (the prefix folders are the first six characters of the
 * ID, so one patient's files are in one PID[3:6] folder), and "current" never looks beyond one patient, so a
 * batch is final as soon as its job is done: a consumer (the store's ingest) loads batch 1 while later folders
 * are still being listed. Batches come out in path order, so what a consumer writes does not depend on timing.
 * Patients whose IDs have fewer than six characters have no prefix folders of their own: their files are held
 * back and come out, sorted together, in one last batch.
 *
 * Workers keep their warnings and new tree entries to themselves; they are merged when all have ended, and the
 * warnings handed to the sink sorted by path.
 */
#include "ehr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ssmix2_walk_int.h"

/* ---- which version is current ------------------------------------------------------------------------------- */

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

static int cmp_warning(const void *pa, const void *pb)
{
	const struct wwarn *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : strcmp(a->detail, b->detail);
}

/* The length of the patient-folder part ("a/b/pid") of a file's path, or 0. */
static size_t pid_prefix(const char *path)
{
	int slashes = 0;
	for (const char *p = path; *p; p++)
		if (*p == '/' && ++slashes == PID_DEPTH)
			return (size_t)(p - path);
	return 0;
}

/* Sort a batch and mark each record's newest valid version current. */
static void batch_finish(struct batch *b)
{
	if (b->n > 1)
		qsort(b->files, b->n, sizeof(*b->files), cmp_file);
	for (size_t i = 0; i < b->n; i++) {
		int last = i + 1 == b->n || cmp_record(&b->files[i], &b->files[i + 1]) != 0;
		b->files[i].current = last && b->files[i].name.flag == 1;
	}
}

static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->files[i].path);
	free(b->files);
	memset(b, 0, sizeof(*b));
}

static void *worker_main(void *arg)
{
	struct walker *k = arg;
	struct ssmix2_walker *w = k->w;
	for (;;) {
		size_t i = atomic_fetch_add(&w->next, 1);
		if (i >= w->njobs)
			break;
		k->batch = &w->batches[i];
		walk_run_job(w, k, &w->jobs[i]);
		batch_finish(k->batch);
		pthread_mutex_lock(&w->mu);
		k->batch->done = 1;
		/* under the lock: one worker at a time draws, and the last job done draws the whole count */
		if (w->progress)
			lb_progress_update(w->progress, (uint64_t)atomic_load(&w->count));
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

int ssmix2_walk_start(const char *root, const struct ssmix2_scan *opts, struct ssmix2_walker **out)
{
	*out = NULL;
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return lb_error_errno_tr(errno, "cannot open SS-MIX2 storage '%s'",
		                         "SS-MIX2 ストレージ '%s' を開けません", root);
	struct ssmix2_walker *w = lb_calloc(1, sizeof(*w));
	w->root = root;
	w->rootfd = rootfd;
	w->tree = opts->tree ? opts->tree : &w->local;
	w->nprev = w->tree->n;
	w->full = opts->full;
	w->stat_files = !opts->no_file_stat;
	w->settle_s = opts->settle_s;
	/* The fine clock, as the kernel's file times may be (multigrain timestamps): time() reads the coarse one, up
	 * to a tick behind them, and a folder changed in that tick would look changed in the future (stamp 0). */
	w->now_s = lb_now_ms() / 1000;
	w->progress = opts->progress;
	atomic_init(&w->next, 0);
	atomic_init(&w->count, 0);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	for (size_t i = 0; i < w->tree->n; i++)
		w->tree->v[i].state = SSMIX2_DIR_GONE;
	walk_index_build(&w->ix, w->tree);
	walk_build_kids(w);
	for (int i = 0; i < WALK_THREADS; i++)
		w->workers[i].w = w;
	walk_prefixes(w);
	w->batches = lb_calloc(w->njobs + 1, sizeof(*w->batches));
	for (int i = 0; i < WALK_THREADS && (size_t)i < w->njobs; i++)
		if (pthread_create(&w->th[w->nth], NULL, worker_main, &w->workers[w->nth]) == 0)
			w->nth++;
	if (!w->nth)
		worker_main(&w->workers[0]); /* no thread could be started: walk here */
	*out = w;
	return 0;
}

int ssmix2_walk_ready(struct ssmix2_walker *w)
{
	pthread_mutex_lock(&w->mu);
	int ready = w->consumed >= w->njobs || w->batches[w->consumed].done;
	pthread_mutex_unlock(&w->mu);
	return ready;
}

void ssmix2_walk_wait(struct ssmix2_walker *w)
{
	if (w->waited)
		return;
	for (int i = 0; i < w->nth; i++)
		pthread_join(w->th[i], NULL);
	w->waited = 1;
	struct batch *late = &w->batches[w->njobs];
	for (int i = 0; i < WALK_THREADS; i++) {
		struct walker *k = &w->workers[i];
		for (size_t f = 0; f < k->late.n; f++) {
			if (late->n == late->cap) {
				late->cap = late->cap ? late->cap * 2 : 64;
				late->files = lb_reallocarray(late->files, late->cap, sizeof(*late->files));
			}
			late->files[late->n++] = k->late.files[f]; /* moved */
		}
		free(k->late.files);
		memset(&k->late, 0, sizeof(k->late));
		for (size_t a = 0; a < k->added.n; a++) {
			struct ssmix2_tree *t = w->tree;
			if (t->n == t->cap) {
				t->cap = t->cap ? t->cap * 2 : 64;
				t->v = lb_reallocarray(t->v, t->cap, sizeof(*t->v));
			}
			t->v[t->n++] = k->added.v[a]; /* moved */
		}
		free(k->added.v);
		memset(&k->added, 0, sizeof(k->added));
	}
	batch_finish(late);
	late->done = 1;
	walk_index_build(&w->ix, w->tree);
}

int ssmix2_walk_next(struct ssmix2_walker *w, struct ssmix2_file **files, size_t *n)
{
	if (w->consumed > w->njobs)
		return 0;
	struct batch *b = &w->batches[w->consumed];
	if (w->consumed == w->njobs) {
		ssmix2_walk_wait(w);
	} else {
		pthread_mutex_lock(&w->mu);
		while (!b->done)
			pthread_cond_wait(&w->cv, &w->mu);
		pthread_mutex_unlock(&w->mu);
	}
	w->consumed++;
	*files = b->files;
	*n = b->n;
	return 1;
}

void ssmix2_walk_end(struct ssmix2_walker *w, const struct ehr_sink *sink, struct ssmix2_scan *out)
{
	ssmix2_walk_wait(w);
	/* The current files of each walked patient folder. */
	for (size_t i = 0; i <= w->njobs; i++)
		for (size_t f = 0; f < w->batches[i].n; f++) {
			const struct ssmix2_file *x = &w->batches[i].files[f];
			size_t pl = x->current ? pid_prefix(x->path) : 0;
			long d = pl ? walk_index_find(&w->ix, w->tree, x->path, pl) : -1;
			if (d >= 0)
				w->tree->v[d].current++;
		}
	size_t nw = 0;
	for (int i = 0; i < WALK_THREADS; i++)
		nw += w->workers[i].nwarns;
	struct wwarn *all = nw ? lb_calloc(nw, sizeof(*all)) : NULL;
	nw = 0;
	for (int i = 0; i < WALK_THREADS; i++) {
		struct walker *k = &w->workers[i];
		for (size_t a = 0; a < k->nwarns; a++)
			all[nw++] = k->warns[a];
		free(k->warns);
		out->same_dirs += k->same_dirs;
		out->same_files += k->same_files;
		out->same_current += k->same_current;
		buf_release(&k->path);
		buf_release(&k->rel);
		buf_release(&k->msg);
		buf_release(&k->below);
		buf_release(&k->dwarns);
	}
	if (nw)
		qsort(all, nw, sizeof(*all), cmp_warning);
	for (size_t i = 0; i < nw; i++) {
		if (sink && sink->warning) {
			struct ehr_source src = {.path = all[i].path, .kind = "ssmix2"};
			sink->warning(sink->ctx, &src, EHR_WARN_PARSE, all[i].detail);
		}
		free(all[i].path);
		free(all[i].detail);
	}
	out->skipped += (long)nw;
	free(all);
	for (size_t i = 0; i <= w->njobs; i++)
		batch_free(&w->batches[i]);
	free(w->batches);
	for (size_t i = 0; i < w->njobs; i++) {
		for (size_t p = 0; p < w->jobs[i].npids; p++)
			free(w->jobs[i].pids[p]);
		free(w->jobs[i].pids);
		free(w->jobs[i].path);
	}
	free(w->jobs);
	free(w->kid);
	free(w->kid_start);
	free(w->ix.slot);
	close(w->rootfd);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	if (w->progress)
		lb_progress_done(w->progress);
	ssmix2_tree_release(&w->local);
	free(w);
}

int ssmix2_scan(const char *root, const struct ehr_sink *sink, struct ssmix2_scan *out)
{
	struct ssmix2_scan opts = *out;
	memset(out, 0, sizeof(*out));
	out->progress = opts.progress;
	out->tree = opts.tree;
	out->full = opts.full;
	out->no_file_stat = opts.no_file_stat;
	out->settle_s = opts.settle_s;
	struct ssmix2_walker *w;
	int rc = ssmix2_walk_start(root, &opts, &w);
	if (rc < 0)
		return rc;
	ssmix2_walk_wait(w);
	struct ssmix2_file *files;
	size_t n;
	while (ssmix2_walk_next(w, &files, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 256;
				out->files = lb_reallocarray(out->files, out->cap, sizeof(*out->files));
			}
			out->files[out->n] = files[i];
			out->files[out->n++].path = lb_strdup(files[i].path);
		}
	}
	ssmix2_walk_end(w, sink, out);
	/* batches are each sorted; the late one goes among the others */
	if (out->n > 1)
		qsort(out->files, out->n, sizeof(*out->files), cmp_file);
	return 0;
}

void ssmix2_scan_release(struct ssmix2_scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->files[i].path);
	free(s->files);
	struct ssmix2_tree *t = s->tree;
	memset(s, 0, sizeof(*s));
	s->tree = t;
}
