/*
 * ssmix2_walk_int.h - what the SS-MIX2 walker's two files share (not part of ehr.h): ssmix2_walk.c visits folders
 * (prefix folders, patient folders, files) and keeps the folder stamps; ssmix2_scan.c runs the walk on threads,
 * hands out the files in batches and decides which version of each record is current.
 */
#ifndef LB_SSMIX2_WALK_INT_H
#define LB_SSMIX2_WALK_INT_H

#include "ehr.h"

#include <pthread.h>
#include <stdatomic.h>

#define SSMIX2_DEPTH 6 /* a, b, pid, date, type, file */
#define PID_DEPTH 3    /* root/a/b/pid */
#define WALK_THREADS 8 /* listing folders waits on the disk: more requests in flight than cores */

/* path -> index into a tree (open addressing over a power-of-two table; slot holds index + 1). */
struct dir_index {
	size_t *slot;
	size_t nslot;
};
void walk_index_build(struct dir_index *x, const struct ssmix2_tree *t);
/* The index of the entry whose path is s[0..n), or -1. */
long walk_index_find(const struct dir_index *x, const struct ssmix2_tree *t, const char *s, size_t n);

struct wwarn {
	char *path, *detail;
};

/* The files of one job: the patient folders of one PID[3:6] folder. */
struct batch {
	struct ssmix2_file *files;
	size_t n, cap;
	int done; /* sorted, current set: the consumer may take it */
};

struct job {
	char *path;  /* "a/b" */
	long dir;    /* its tree entry */
	char **pids; /* names of the patient folders in it, sorted */
	size_t npids;
};

struct ssmix2_walker;

/* What one worker found. */
struct walker {
	struct ssmix2_walker *w;
	struct batch *batch; /* where files of the job in hand go */
	struct batch late;   /* files of patients with IDs under 6 characters (see ssmix2_scan.c) */
	struct wwarn *warns; /* every warning, kept for the end */
	size_t nwarns, capwarns;
	struct ssmix2_tree added; /* patient folders not in the previous tree */
	long same_dirs, same_files, same_current;
	struct buf path, rel, msg, below, dwarns; /* scratch */
};

struct ssmix2_walker {
	const char *root;
	int rootfd;
	struct ssmix2_tree *tree, local;
	struct dir_index ix; /* over the previous tree's entries (then, after the wait, over all) */
	size_t nprev;
	size_t *kid, *kid_start; /* children of previous entry i: kid[kid_start[i] .. kid_start[i + 1]) */
	int full, stat_files, settle_s;
	int64_t now_s;
	struct job *jobs;
	size_t njobs;
	struct batch *batches; /* one per job, then the late batch */
	size_t consumed;       /* batches handed out */
	_Atomic size_t next;   /* next job a worker takes */
	_Atomic long count;    /* files found, for the progress bar */
	struct lb_progress *progress;
	struct walker workers[WALK_THREADS];
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a batch is done */
	pthread_t th[WALK_THREADS];
	int nth, waited;
};

/* ssmix2_walk.c */
/* Phase 1, in the calling thread: the prefix folders; one job per PID[3:6] folder, in path order. */
void walk_prefixes(struct ssmix2_walker *w);
/* Phase 2, on a worker: the patient folders of job j (files into k->batch or k->late). */
void walk_run_job(struct ssmix2_walker *w, struct walker *k, struct job *j);
/* Children of each previous tree entry (for prefix folders whose stamp is unchanged). */
void walk_build_kids(struct ssmix2_walker *w);

#endif
