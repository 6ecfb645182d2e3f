/*
 * load.c - SS-MIX2 files read and parsed on worker threads, handed to the single SQLite writer in order.
 *
 * The writer (the thread that runs the ingest) owns the store; workers never touch SQLite. The writer queues the
 * files to read (store_loader_push) as the walk delivers them; each worker takes the next queued file, opens it (never through a symlink, never a FIFO or device), reads it, hashes it, and
 * parses it into a record log (struct ehr_reclog); the writer takes the items back in list order and replays
 * each log into the store's sink. Workers run at most LOAD_WINDOW items ahead of the writer, so memory stays
 * bounded whatever the size of the storage, and the order of rows in the store does not depend on timing. There are
 * more workers than cores: while files are not in the page cache, workers wait on reads, and many reads in flight
 * keep the disk busy (the parsing itself shares the cores with the writer).
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOAD_WINDOW 512
#define LOAD_WAKE 64   /* items the writer takes before waking the workers that wait for room */
#define LOAD_THREADS 8 /* more reads in flight than cores: a cold page cache makes reading wait on the disk */

struct slot {
	struct store_load_item item;
	size_t seq; /* the list position the item holds */
	int ready;
};

struct job {
	const struct ssmix2_file *file;
	const char *expect;
};

struct store_loader {
	const char *root;
	int rootfd;
	struct job *jobs; /* queued by the writer */
	size_t n, cap;
	struct slot slots[LOAD_WINDOW];
	size_t next;     /* next list position a worker takes */
	size_t consumed; /* positions the writer is done with */
	int holding;     /* the writer holds the item of position consumed */
	int stop;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pthread_t th[LOAD_THREADS];
	int nth;
	int64_t cpu_ns; /* the workers' CPU time, summed as they end */
};

static int64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void set_err(struct store_load_item *it, int rc)
{
	it->rc = rc;
	snprintf(it->err, sizeof(it->err), "%s", lb_errmsg());
}

/*
 * Open the storage file rel under the root: no symlink anywhere on the way and nothing outside the root
 * (openat2 RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH), never a FIFO's wait. Relative to the root, the kernel looks up
 * six names per file rather than the root's own path again each time. Kernels before 5.6 lack openat2: openat.
 */
static int open_beneath(int rootfd, const char *rel)
{
	struct open_how how = {.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	                       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
	long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = openat(rootfd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	return (int)fd;
}

/* Read, hash and parse one file into it. */
static void process(struct store_loader *l, const struct job *j, struct store_load_item *it, struct buf *path,
                    struct buf *bytes, struct ssmix2_reader *reader)
{
	const struct ssmix2_file *f = j->file;
	ehr_reclog_reset(&it->log);
	it->file = f;
	it->rc = 0;
	it->err[0] = 0;
	it->hash[0] = 0;
	it->size = f->size;
	it->mtime_ns = f->mtime_ns;
	it->same_hash = 0;
	memset(&it->ms, 0, sizeof(it->ms));
	buf_reset(path);
	lb_path_join(path, l->root, f->path);
	buf_reset(bytes);
	int fd = open_beneath(l->rootfd, f->path);
	if (fd < 0) {
		set_err(it, lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", path->data));
		return;
	}
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) != 0)
		rc = lb_error_errno_tr(errno, "cannot stat '%s'", "'%s' の情報を読めません", path->data);
	else if (!S_ISREG(st.st_mode))
		rc = lb_error_tr(LB_EINVAL, "'%s' is not a regular file", "'%s' は通常のファイルではありません",
		                 path->data);
	else {
		it->size = st.st_size;
		it->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		rc = buf_read_fd(bytes, fd, HL7_MAX_MESSAGE);
		if (rc < 0)
			rc = lb_error_wrap_tr(rc, "reading '%s'", "'%s' の読み込み", path->data);
	}
	close(fd);
	if (rc < 0) {
		set_err(it, rc);
		return;
	}
	store_hash(buf_cstr(bytes), bytes->len, it->hash);
	if (j->expect && !strcmp(j->expect, it->hash)) {
		it->same_hash = 1; /* touched, not changed: nothing to parse */
		return;
	}
	struct ehr_sink sink;
	ehr_reclog_sink(&it->log, &sink);
	struct ehr_source src = {.path = f->path, .kind = "ssmix2", .data_type = f->name.type};
	if (reader)
		ssmix2_read_message_with(reader, &f->name, &src, buf_cstr(bytes), bytes->len, &sink, &it->ms);
	else
		ssmix2_read_message(&f->name, &src, buf_cstr(bytes), bytes->len, &sink, &it->ms);
}

static void *worker(void *arg)
{
	struct store_loader *l = arg;
	struct buf path = {0}, bytes = {0};
	struct ssmix2_reader *reader = ssmix2_reader_new();
	pthread_mutex_lock(&l->mu);
	for (;;) {
		while (!l->stop && (l->next >= l->n || l->next >= l->consumed + LOAD_WINDOW))
			pthread_cond_wait(&l->work, &l->mu);
		if (l->stop)
			break;
		size_t pos = l->next++;
		struct job j = l->jobs[pos];
		struct slot *sl = &l->slots[pos % LOAD_WINDOW];
		pthread_mutex_unlock(&l->mu);
		process(l, &j, &sl->item, &path, &bytes, reader);
		pthread_mutex_lock(&l->mu);
		sl->seq = pos;
		sl->ready = 1;
		if (pos == l->consumed)
			pthread_cond_signal(&l->done); /* the writer waits for nothing else */
	}
	l->cpu_ns += thread_cpu_ns();
	pthread_mutex_unlock(&l->mu);
	buf_release(&path);
	buf_release(&bytes);
	ssmix2_reader_free(reader);
	return NULL;
}

struct store_loader *store_loader_start(const char *root)
{
	struct store_loader *l = lb_calloc(1, sizeof(*l));
	l->root = root;
	l->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* if it fails, each file says so */
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->work, NULL);
	pthread_cond_init(&l->done, NULL);
	for (int i = 0; i < LOAD_THREADS; i++)
		if (pthread_create(&l->th[l->nth], NULL, worker, l) == 0)
			l->nth++;
	return l;
}

void store_loader_push(struct store_loader *l, const struct ssmix2_file *f, const char *expect)
{
	pthread_mutex_lock(&l->mu);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->jobs = lb_reallocarray(l->jobs, l->cap, sizeof(*l->jobs));
	}
	l->jobs[l->n++] = (struct job){f, expect};
	pthread_cond_signal(&l->work);
	pthread_mutex_unlock(&l->mu);
}

struct store_load_item *store_loader_next(struct store_loader *l)
{
	pthread_mutex_lock(&l->mu);
	if (l->holding) {
		l->slots[l->consumed % LOAD_WINDOW].ready = 0;
		l->consumed++;
		l->holding = 0;
		/* Slots come free one by one; workers waiting for room are woken in groups, not at every item (a wakeup
		 * per file was a context switch per file). */
		if (l->consumed % LOAD_WAKE == 0)
			pthread_cond_broadcast(&l->work);
	}
	if (l->consumed >= l->n) {
		pthread_mutex_unlock(&l->mu);
		return NULL;
	}
	struct slot *sl = &l->slots[l->consumed % LOAD_WINDOW];
	if (!l->nth && !(sl->ready && sl->seq == l->consumed)) {
		/* no worker could be started: do the work here */
		struct job j = l->jobs[l->consumed];
		pthread_mutex_unlock(&l->mu);
		struct buf path = {0}, bytes = {0};
		process(l, &j, &sl->item, &path, &bytes, NULL);
		buf_release(&path);
		buf_release(&bytes);
		pthread_mutex_lock(&l->mu);
		sl->seq = l->consumed;
		sl->ready = 1;
		l->next = l->consumed + 1;
	}
	while (!(sl->ready && sl->seq == l->consumed))
		pthread_cond_wait(&l->done, &l->mu);
	l->holding = 1;
	pthread_mutex_unlock(&l->mu);
	return &sl->item;
}

void store_loader_stop(struct store_loader *l, int64_t *cpu_ns)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	l->stop = 1;
	pthread_cond_broadcast(&l->work);
	pthread_mutex_unlock(&l->mu);
	for (int i = 0; i < l->nth; i++)
		pthread_join(l->th[i], NULL);
	if (cpu_ns)
		*cpu_ns = l->cpu_ns;
	for (size_t i = 0; i < LOAD_WINDOW; i++)
		ehr_reclog_release(&l->slots[i].item.log);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->work);
	pthread_cond_destroy(&l->done);
	if (l->rootfd >= 0)
		close(l->rootfd);
	free(l->jobs);
	free(l);
}
