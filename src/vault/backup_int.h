/*
 * backup_int.h - state shared by backup.c (walk, score, write the generation), backup_read.c (read, sample,
 * chunk) and backup_work.c (the worker pipeline).
 */
#ifndef LB_VAULT_BACKUP_INT_H
#define LB_VAULT_BACKUP_INT_H

#include "sniff/sniff.h"
#include "vault/suspect.h"
#include "vault_int.h"

#include <sys/types.h>

#define BK_MAX_THREADS 16
#define BK_INFLIGHT_MAX (32u << 20)
#define BK_JOBS_MAX 256 /* jobs queued or in work (each small file is one: bounds open folders and memory) */

/* A folder being walked, shared with the workers that open small files in it (last reference closes it). */
struct bk_dir {
	int fd;
	atomic_int refs;
};

/*
 * One chunk on its way through a worker, or a small file (name set) that the worker reads itself and then
 * stores as one chunk. data is freed by the worker; id and len stay for the file (len 0: no chunk).
 */
struct job {
	struct fstate *f;
	uint8_t *data;
	size_t len;
	size_t reserve; /* bytes counted in bk.inflight while queued or in work */
	struct bk_dir *dir;
	char *name;
	uint8_t id[VID];
	struct job *next;  /* work queue */
	struct job *fnext; /* the file's chunks in order */
};

/* A file that was read (changed or new) and waits for its chunks' ids. */
struct fstate {
	size_t node; /* index into bk.snap.nodes (nodes move when the array grows) */
	const struct vnode *prev;
	uint64_t size_at_open, bytes_read;
	struct job *jhead, *jtail;
	uint32_t njobs;
	int remaining; /* chunks not yet through a worker (under bk.mtx) */
	int skip;
	int read_err; /* errno of a small file a worker could not read */
	uint8_t head[4096];
	size_t head_len;
	uint8_t *sample;
	size_t sample_len;
	enum sniff_type type;
	struct sniff_stats stats;
	struct fstate *next; /* FIFO of files waiting for their ids */
};

struct bk_worker {
	struct bk *b;
	pthread_t th;
	struct vpack_w pw;
	struct vault_index ix; /* the packs this worker wrote */
	ZSTD_CCtx *cz;
	uint8_t *zbuf;
	size_t zcap;
};

struct bk {
	struct vault *v;
	struct vault_backup_result *r;
	struct lb_progress *progress;
	struct vsnap snap, parent;
	int have_parent;
	struct suspect sus;
	dev_t repo_dev;
	ino_t repo_ino;
	uint8_t *ring;
	size_t ring_cap;

	pthread_mutex_t mtx;
	pthread_cond_t cv_work, cv_done;
	struct job *q_head, *q_tail;
	size_t inflight, njobs;
	int stop;
	int err;
	char errmsg[512];
	struct vault_index seen; /* chunk ids stored by this run (under mtx) */
	struct fstate *pend_head, *pend_tail;
	struct bk_worker w[BK_MAX_THREADS];
	int nw;
	struct vault_index newix;
};

void bk_start(struct bk *b, int threads);
void bk_submit(struct bk *b, struct job *j);
int bk_failed(struct bk *b);
void bk_file_done_reading(struct bk *b, struct fstate *f);
/* On a worker: read the small file of j (whole, sampled and sniffed) into j->data; a file that cannot be read
 * is left out of the generation (read_err, warned about when the file is finalised). */
void bk_read_small(struct job *j);
void bk_dir_unref(struct bk_dir *d);
/* On the walking thread: read a big file, cutting it into chunks for the workers; sniffed. 0, or -errno. */
int bk_read_big(struct bk *b, int dirfd, const char *name, struct fstate *f);
/* Wait for every chunk, stop the workers, merge their packs into newix. */
int bk_finish(struct bk *b);

/* The entries of a folder (no "." and ".."), read with getdents64 straight from its descriptor, in the order the
 * file system gives; *count of them. */
char **bk_list_names(int fd, size_t *count);

/* Threads that list and stat the folders under roots (paths below '/', without the leading '/') ahead of the walker,
 * to warm the caches (backup_prefetch.c); stop joins them. */
struct bk_prefetch *bk_prefetch_start(const struct lb_strlist *roots);
void bk_prefetch_stop(struct bk_prefetch *p);

#endif
