/*
 * prefetch.c - read ahead of the ingest loop, so that the disk works while the CPU parses.
 *
 * A first ingest of SS-MIX2 storage reads hundreds of thousands of small files; on a cold page cache the loop
 * spends most of its time waiting for each read in turn. One helper thread walks the same file list a window
 * ahead of the loop and asks the kernel to read each file that the loop will need (readahead(2)); the loop then
 * finds them in the page cache. The helper only reads the scan and the map of known files, which nobody writes
 * while it runs, and touches no SQLite state; stopping it joins the thread.
 */
#include "store_int.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PREFETCH_WINDOW 512 /* files ahead of the loop */

struct store_prefetch {
	pthread_t thread;
	const char *root;
	const struct ssmix2_scan *scan;
	int (*wanted)(void *ctx, size_t i);
	void *ctx;
	atomic_size_t pos; /* where the loop is */
	atomic_int stop;
};

static void *run(void *arg)
{
	struct store_prefetch *p = arg;
	struct buf path = {0};
	for (size_t i = 0; i < p->scan->n && !atomic_load(&p->stop); i++) {
		while (i > atomic_load(&p->pos) + PREFETCH_WINDOW && !atomic_load(&p->stop)) {
			struct timespec ts = {0, 200000};
			nanosleep(&ts, NULL);
		}
		if (!p->wanted(p->ctx, i))
			continue;
		buf_reset(&path);
		lb_path_join(&path, p->root, p->scan->files[i].path);
		int fd = open(path.data, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		readahead(fd, 0, (size_t)p->scan->files[i].size);
		close(fd);
	}
	buf_release(&path);
	return NULL;
}

struct store_prefetch *store_prefetch_start(const char *root, const struct ssmix2_scan *scan,
                                            int (*wanted)(void *ctx, size_t i), void *ctx)
{
	struct store_prefetch *p = lb_calloc(1, sizeof(*p));
	p->root = root;
	p->scan = scan;
	p->wanted = wanted;
	p->ctx = ctx;
	atomic_init(&p->pos, 0);
	atomic_init(&p->stop, 0);
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		free(p); /* no helper: the loop reads as before */
		return NULL;
	}
	return p;
}

void store_prefetch_at(struct store_prefetch *p, size_t i)
{
	if (p)
		atomic_store(&p->pos, i);
}

void store_prefetch_stop(struct store_prefetch *p)
{
	if (!p)
		return;
	atomic_store(&p->stop, 1);
	pthread_join(p->thread, NULL);
	free(p);
}
