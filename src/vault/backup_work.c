/*
 * backup_work.c - the backup pipeline's workers and the bookkeeping of files waiting for their chunk ids.
 *
 * The walking thread submits the chunks of big files, and small files whole for a worker to open and read (so
 * that a tree of many small files is read by every thread, not by the walker alone); at most BK_INFLIGHT_MAX
 * bytes and BK_JOBS_MAX jobs are queued or in work (memory stays bounded whatever the input). Each worker
 * hashes a chunk (keyed BLAKE2b), skips it if the index or this run already
 * has it, compresses it unless a 16 KiB probe says it is incompressible, and encrypts it into a pack of its own,
 * streamed to a temporary file and linked to its name when it reaches 16 MiB. Files are finalised in the order they were read, as soon as all
 * their chunks are through, and only then scored (suspect_add), so the waiting list stays short.
 */
#include "backup_int.h"

#include <stdlib.h>
#include <string.h>

#define PROBE (16u << 10)

static void set_err(struct bk *b, int rc)
{
	pthread_mutex_lock(&b->mtx);
	if (!b->err) {
		b->err = rc;
		snprintf(b->errmsg, sizeof(b->errmsg), "%s", lb_errmsg());
	}
	pthread_mutex_unlock(&b->mtx);
}

int bk_failed(struct bk *b)
{
	pthread_mutex_lock(&b->mtx);
	int e = b->err;
	pthread_mutex_unlock(&b->mtx);
	return e != 0;
}

static int flush_pack(struct bk_worker *w)
{
	if (!w->pw.n)
		return 0;
	uint8_t id[VID];
	return vpack_w_finish(&w->pw, w->b->v, &w->ix, id);
}

static int store_chunk(struct bk_worker *w, struct job *j)
{
	struct vault *v = w->b->v;
	const uint8_t *data = j->data;
	size_t len = j->len, out_len = len;
	uint8_t flags = 0;
	const uint8_t *out = data;
	int level = (int)v->cfg.zstd_level;
	if (level > 0) {
		int try = 1;
		if (len > PROBE) {
			size_t pb = ZSTD_compressBound(PROBE);
			if (w->zcap < pb) {
				w->zbuf = lb_realloc(w->zbuf, pb);
				w->zcap = pb;
			}
			size_t p = ZSTD_compressCCtx(w->cz, w->zbuf, w->zcap, data, PROBE, 1);
			try = !ZSTD_isError(p) && p < PROBE * 97 / 100;
		}
		if (try) {
			size_t bound = ZSTD_compressBound(len);
			if (w->zcap < bound) {
				w->zbuf = lb_realloc(w->zbuf, bound);
				w->zcap = bound;
			}
			size_t c = ZSTD_compressCCtx(w->cz, w->zbuf, w->zcap, data, len, level);
			if (!ZSTD_isError(c) && c < len) {
				out = w->zbuf;
				out_len = c;
				flags = 1;
			}
		}
	}
	int rc = 0;
	if (w->pw.n && vpack_w_size(&w->pw) + out_len + 256 > VAULT_PACK_TARGET)
		rc = flush_pack(w);
	if (rc == 0 && !w->pw.n)
		rc = vpack_w_start(&w->pw, v->k.box_pk);
	if (rc == 0)
		rc = vpack_w_add(&w->pw, j->id, flags, out, out_len, (uint32_t)len);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&w->b->mtx);
	w->b->r->chunks_new++;
	w->b->r->bytes_stored += out_len + VAULT_NONCE + VAULT_TAG;
	pthread_mutex_unlock(&w->b->mtx);
	return 0;
}

static void *worker_main(void *arg)
{
	struct bk_worker *w = arg;
	struct bk *b = w->b;
	for (;;) {
		pthread_mutex_lock(&b->mtx);
		while (!b->q_head && !b->stop)
			pthread_cond_wait(&b->cv_work, &b->mtx);
		struct job *j = b->q_head;
		if (!j) {
			pthread_mutex_unlock(&b->mtx);
			break;
		}
		b->q_head = j->next;
		if (!b->q_head)
			b->q_tail = NULL;
		int failed = b->err != 0;
		pthread_mutex_unlock(&b->mtx);

		int rc = 0;
		if (j->name) {
			if (!failed)
				bk_read_small(j);
			bk_dir_unref(j->dir);
			free(j->name);
			j->name = NULL;
		}
		if (!failed && j->len) {
			vault_chunk_id(b->v->k.id_key, j->data, j->len, j->id);
			int dup = vindex_find(&b->v->ix, j->id) != NULL;
			if (!dup) {
				pthread_mutex_lock(&b->mtx);
				dup = vindex_find(&b->seen, j->id) != NULL;
				if (!dup) {
					struct vault_ientry e = {.pack = UINT32_MAX};
					memcpy(e.id, j->id, VID);
					vindex_add(&b->seen, &e);
				}
				pthread_mutex_unlock(&b->mtx);
			}
			if (!dup)
				rc = store_chunk(w, j);
		}
		free(j->data);
		j->data = NULL;
		if (rc < 0)
			set_err(b, rc);
		pthread_mutex_lock(&b->mtx);
		b->inflight -= j->reserve;
		b->njobs--;
		j->f->remaining--;
		pthread_cond_broadcast(&b->cv_done);
		pthread_mutex_unlock(&b->mtx);
	}
	int rc = 0;
	if (!bk_failed(b))
		rc = flush_pack(w);
	if (rc < 0)
		set_err(b, rc);
	return NULL;
}

void bk_start(struct bk *b, int threads)
{
	pthread_mutex_init(&b->mtx, NULL);
	pthread_cond_init(&b->cv_work, NULL);
	pthread_cond_init(&b->cv_done, NULL);
	b->nw = threads < 1 ? 1 : threads > BK_MAX_THREADS ? BK_MAX_THREADS : threads;
	for (int i = 0; i < b->nw; i++) {
		b->w[i].b = b;
		b->w[i].pw.stream = b->v->remote ? NULL : b->v;
		b->w[i].cz = ZSTD_createCCtx();
		if (!b->w[i].cz)
			lb_oom();
		if (pthread_create(&b->w[i].th, NULL, worker_main, &b->w[i]) != 0)
			lb_oom();
	}
}

void bk_submit(struct bk *b, struct job *j)
{
	pthread_mutex_lock(&b->mtx);
	while ((b->inflight > 0 && b->inflight + j->reserve > BK_INFLIGHT_MAX) || b->njobs >= BK_JOBS_MAX)
		pthread_cond_wait(&b->cv_done, &b->mtx);
	b->inflight += j->reserve;
	b->njobs++;
	j->f->remaining++;
	if (b->q_tail)
		b->q_tail->next = j;
	else
		b->q_head = j;
	b->q_tail = j;
	pthread_cond_signal(&b->cv_work);
	pthread_mutex_unlock(&b->mtx);
}

static double overlap(const struct fstate *f)
{
	const struct vnode *p = f->prev;
	if (!p)
		return -1;
	uint64_t total = 0, same = 0;
	for (const struct job *j = f->jhead; j; j = j->fnext) {
		if (!j->len)
			continue;
		total += j->len;
		for (uint32_t k = 0; k < p->nchunks; k++)
			if (!memcmp(p->chunks[k], j->id, VID)) {
				same += j->len;
				break;
			}
	}
	return total ? (double)same / (double)total : 1;
}

static void finalize(struct bk *b, struct fstate *f)
{
	struct vnode *n = &b->snap.nodes[f->node];
	b->r->bytes_read += f->bytes_read;
	if (f->read_err)
		lb_warn(L_("cannot read '%s': %s (left out of the generation)",
		           "'%s' を読めません: %s (この世代には含めません)"),
		        n->path, lb_strerrno(f->read_err));
	if (f->skip || b->err) {
		n->kind = 0; /* left out: removed before the snapshot is written */
	} else {
		n->size = f->bytes_read;
		uint32_t i = 0;
		for (const struct job *j = f->jhead; j; j = j->fnext)
			i += j->len != 0;
		n->nchunks = i;
		n->chunks = i ? lb_malloc((size_t)i * VID) : NULL;
		i = 0;
		for (const struct job *j = f->jhead; j; j = j->fnext)
			if (j->len)
				memcpy(n->chunks[i++], j->id, VID);
		n->stype = (uint8_t)f->type;
		n->entropy = (uint16_t)(f->stats.entropy * 1000.0 + 0.5);
		const struct vnode *p = f->prev;
		struct suspect_file sf = {
		        .path = n->path,
		        .change = p ? SUSPECT_MODIFIED : SUSPECT_NEW,
		        .old_size = p ? p->size : 0,
		        .new_size = n->size,
		        .old_type = p ? (enum sniff_type)p->stype : SNIFF_EMPTY,
		        .new_type = f->type,
		        .old_entropy = p && p->entropy != 65535 ? p->entropy / 1000.0 : -1,
		        .new_stats = f->stats,
		        .chunk_overlap = overlap(f),
		        .head = f->head,
		        .head_len = f->head_len,
		};
		if (p && p->size == n->size && sf.chunk_overlap >= 1.0 && n->nchunks == p->nchunks)
			sf.change = SUSPECT_UNCHANGED; /* touched, same bytes */
		suspect_add(&b->sus, &sf);
	}
	for (struct job *j = f->jhead, *nx; j; j = nx) {
		nx = j->fnext;
		free(j->data);
		free(j);
	}
	free(f->sample);
	free(f);
}

static void drain(struct bk *b, int wait_all)
{
	while (b->pend_head) {
		struct fstate *f = b->pend_head;
		pthread_mutex_lock(&b->mtx);
		if (f->remaining > 0 && !wait_all) {
			pthread_mutex_unlock(&b->mtx);
			return;
		}
		while (f->remaining > 0)
			pthread_cond_wait(&b->cv_done, &b->mtx);
		pthread_mutex_unlock(&b->mtx);
		b->pend_head = f->next;
		if (!b->pend_head)
			b->pend_tail = NULL;
		finalize(b, f);
	}
}

void bk_file_done_reading(struct bk *b, struct fstate *f)
{
	if (b->pend_tail)
		b->pend_tail->next = f;
	else
		b->pend_head = f;
	b->pend_tail = f;
	drain(b, 0);
}

int bk_finish(struct bk *b)
{
	drain(b, 1);
	pthread_mutex_lock(&b->mtx);
	b->stop = 1;
	pthread_cond_broadcast(&b->cv_work);
	pthread_mutex_unlock(&b->mtx);
	for (int i = 0; i < b->nw; i++)
		pthread_join(b->w[i].th, NULL);
	/* every pack durable before the index that names them is written */
	for (int i = 0; i < b->nw && !b->err; i++) {
		int rc = vault_sync_objects(b->v, &b->w[i].pw.written);
		if (rc < 0) {
			b->err = rc;
			snprintf(b->errmsg, sizeof(b->errmsg), "%s", lb_errmsg());
		}
	}
	for (int i = 0; i < b->nw; i++) {
		struct bk_worker *w = &b->w[i];
		for (size_t k = 0; k < w->ix.n; k++) {
			struct vault_ientry e = w->ix.e[k];
			e.pack = vindex_pack(&b->newix, w->ix.pack[e.pack], w->ix.pack_size[e.pack]);
			vindex_add(&b->newix, &e);
		}
		vindex_release(&w->ix);
		vpack_w_release(&w->pw);
		ZSTD_freeCCtx(w->cz);
		free(w->zbuf);
	}
	/* the run's new chunks are now in the repository's index too (for a caller that goes on) */
	for (size_t k = 0; !b->err && k < b->newix.n; k++) {
		struct vault_ientry e = b->newix.e[k];
		e.pack = vindex_pack(&b->v->ix, b->newix.pack[e.pack], b->newix.pack_size[e.pack]);
		vindex_add(&b->v->ix, &e);
	}
	pthread_mutex_destroy(&b->mtx);
	pthread_cond_destroy(&b->cv_work);
	pthread_cond_destroy(&b->cv_done);
	if (b->err)
		return lb_error(-b->err, "%s", b->errmsg);
	return 0;
}
