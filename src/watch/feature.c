/*
 * feature.c - what a file is now, cheaply: its type by structure (sniff_type on the first 4 KiB), the byte
 * statistics of that block, and whether it reads like a ransom note. One open, one read, one close: this runs
 * on every closed write inside the watched folders, so it reads the first WATCH_HEAD bytes (notes: 16 KiB) and,
 * for files with at least WATCH_TAIL_MIN bytes more, up to WATCH_HEAD bytes at the end.
 */
#include "watch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCH_HEAD 4096
#define WATCH_NOTE_HEAD 16384
#define WATCH_TAIL_MIN 1024 /* bytes after the head needed for a statistical verdict on the end */

const char *watch_ext(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base || !dot[1] || strlen(dot + 1) > 16)
		return "";
	return dot + 1;
}

int watch_feat_read(const char *path, int want_note, struct watch_feat *f)
{
	memset(f, 0, sizeof *f);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", path);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return lb_error_tr(LB_EINVAL, "'%s' is not a regular file", "'%s' は通常のファイルではありません",
		                   path);
	}
	f->size = (uint64_t)st.st_size;
	unsigned char head[WATCH_NOTE_HEAD];
	size_t want = want_note ? sizeof head : WATCH_HEAD;
	ssize_t n = pread(fd, head, want, 0);
	close(fd);
	if (n < 0)
		return lb_error_errno_tr(errno, "cannot read '%s'", "'%s' を読めません", path);
	size_t m = (size_t)n < WATCH_HEAD ? (size_t)n : WATCH_HEAD;
	f->type = sniff_type(head, m);
	struct sniff_stats ss;
	sniff_stats(head, m, &ss);
	f->entropy = ss.entropy;
	if (f->type == SNIFF_RANDOM) {
		f->random_like = 1;
	} else if (f->type == SNIFF_UNKNOWN && m >= 16) {
		/* Too short for a chi-square verdict: as dense as its length allows (all bytes distinct-ish). */
		double top = log2((double)(m < 256 ? m : 256));
		f->random_like = m < 512 ? ss.entropy >= top * 0.85 : ss.entropy >= 7.6;
	}
	if (want_note)
		f->note = sniff_ransom_note_text(head, (size_t)n);
	if (f->size >= WATCH_HEAD + WATCH_TAIL_MIN) {
		/* The end too (the last 4 KiB, or what follows the head when shorter): encryption that keeps the header
		 * intact shows there (a zip's central directory, a PDF's xref, text). */
		unsigned char tail[WATCH_HEAD];
		size_t tl = f->size - WATCH_HEAD < WATCH_HEAD ? (size_t)(f->size - WATCH_HEAD) : WATCH_HEAD;
		int tfd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		ssize_t t = tfd < 0 ? -1 : pread(tfd, tail, tl, (off_t)(f->size - tl));
		if (tfd >= 0)
			close(tfd);
		if (t == (ssize_t)tl) {
			struct sniff_stats ts;
			sniff_stats(tail, tl, &ts);
			f->tail_known = 1;
			f->tail_random = ts.random;
		}
	}
	return 0;
}
