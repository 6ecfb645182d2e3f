/*
 * backup_read.c - reading the files of a backup: small files whole (on a worker, bk_read_small), big files in a
 * ring buffer cut into chunks by the content-defined chunker (on the walking thread, bk_read_big); on the way,
 * the head and three samples of each file (head, middle, tail) for the suspect scorer's type and entropy checks.
 */
#include "backup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SAMPLE_PART (16u << 10)

/* Copy the bytes of [off, off+n) that fall into the sample regions (head, middle, tail: 16 + 32 + 16 KiB). */
static void sample_feed(struct fstate *f, uint64_t off, const uint8_t *p, size_t n)
{
	uint64_t s = f->size_at_open;
	uint64_t reg[3][2];
	int nreg;
	if (s <= 4 * SAMPLE_PART) {
		reg[0][0] = 0, reg[0][1] = 4 * SAMPLE_PART;
		nreg = 1;
	} else {
		reg[0][0] = 0, reg[0][1] = SAMPLE_PART;
		reg[1][0] = s / 2 - SAMPLE_PART, reg[1][1] = s / 2 + SAMPLE_PART;
		reg[2][0] = s - SAMPLE_PART, reg[2][1] = s;
		nreg = 3;
	}
	uint64_t base = 0;
	for (int i = 0; i < nreg; i++) {
		uint64_t a = reg[i][0] > off ? reg[i][0] : off;
		uint64_t e = reg[i][1] < off + n ? reg[i][1] : off + n;
		if (a < e)
			memcpy(f->sample + base + (a - reg[i][0]), p + (a - off), (size_t)(e - a));
		if (a < e && base + (e - reg[i][0]) > f->sample_len)
			f->sample_len = (size_t)(base + (e - reg[i][0]));
		base += reg[i][1] - reg[i][0];
	}
	if (off < sizeof(f->head)) {
		size_t k = n < sizeof(f->head) - off ? n : sizeof(f->head) - (size_t)off;
		memcpy(f->head + off, p, k);
		if (off + k > f->head_len)
			f->head_len = (size_t)(off + k);
	}
}

/* A copy of the chunk p[0..n) of f to the workers. */
static void submit_chunk(struct bk *b, struct fstate *f, const uint8_t *p, size_t n)
{
	struct job *j = lb_calloc(1, sizeof(*j));
	j->f = f;
	j->len = n;
	j->reserve = n;
	j->data = lb_malloc(n);
	memcpy(j->data, p, n);
	if (f->jtail)
		f->jtail->fnext = j;
	else
		f->jhead = j;
	f->jtail = j;
	f->njobs++;
	bk_submit(b, j);
}

/* Type and statistics of a file from its head and samples (the samples are freed). */
static void sniff_file(struct fstate *f)
{
	f->type = sniff_type(f->head, f->head_len);
	sniff_stats(f->sample, f->sample_len, &f->stats);
	free(f->sample);
	f->sample = NULL;
}

void bk_dir_unref(struct bk_dir *d)
{
	if (d && atomic_fetch_sub(&d->refs, 1) == 1) {
		close(d->fd);
		free(d);
	}
}

static int open_source(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM) /* O_NOATIME needs the file's owner (or CAP_FOWNER) */
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Up to n bytes of fd into p; the count read, or -errno. */
static ssize_t read_full(int fd, uint8_t *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

void bk_read_small(struct job *j)
{
	struct fstate *f = j->f;
	int fd = open_source(j->dir->fd, j->name);
	ssize_t got = fd;
	if (fd >= 0) {
		j->data = lb_malloc(f->size_at_open ? f->size_at_open : 1);
		got = read_full(fd, j->data, f->size_at_open);
		close(fd);
	}
	if (got < 0) {
		f->read_err = (int)-got; /* the walker warns (it owns the node's path) */
		f->skip = 1;
		got = 0;
	}
	j->len = (size_t)got;
	f->bytes_read = (uint64_t)got;
	f->sample = lb_malloc(4 * SAMPLE_PART);
	sample_feed(f, 0, j->data, j->len);
	sniff_file(f);
}

int bk_read_big(struct bk *b, int dirfd, const char *name, struct fstate *f)
{
	int fd = open_source(dirfd, name);
	if (fd < 0)
		return fd;
	f->sample = lb_malloc(4 * SAMPLE_PART);
	uint64_t off = 0;
	uint8_t *rb = b->ring;
	size_t cap = b->ring_cap, len = 0, pos = 0;
	int eof = 0, rc = 0;
	while (rc == 0) {
		if (!eof && len - pos < b->v->cfg.chunk_max) {
			memmove(rb, rb + pos, len - pos);
			len -= pos;
			pos = 0;
			ssize_t r = read_full(fd, rb + len, cap - len);
			if (r < 0) {
				rc = (int)r;
				break;
			}
			eof = len + (size_t)r < cap;
			len += (size_t)r;
		}
		if (len == pos)
			break;
		size_t cut = vchunker_cut(&b->v->ch, rb + pos, len - pos);
		sample_feed(f, off, rb + pos, cut);
		submit_chunk(b, f, rb + pos, cut);
		pos += cut;
		off += cut;
		if (b->progress)
			lb_progress_add(b->progress, cut);
		if (bk_failed(b))
			break;
	}
	close(fd);
	f->bytes_read = off;
	sniff_file(f);
	return rc;
}
