/*
 * buf.c - the one growable buffer / string builder (see struct buf in core.h for its invariants).
 */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char empty_string[1];

const char *buf_cstr(const struct buf *b)
{
	return b->data ? b->data : empty_string;
}

int buf_grow(struct buf *b, size_t n)
{
	if (n > SIZE_MAX - b->len - 1)
		return lb_error_tr(LB_ETOOBIG, "buffer size overflow", "バッファの大きさが上限を超えました");
	size_t need = b->len + n + 1;
	if (b->max && b->len + n > b->max)
		return lb_error_tr(LB_ETOOBIG, "more than %zu bytes", "%zu バイトを超えています", b->max);
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = lb_realloc(b->data, cap);
	if (b->cap == 0)
		b->data[0] = '\0';
	b->cap = cap;
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	int rc = buf_grow(b, n);
	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, int c)
{
	char ch = (char)c;
	return buf_add(b, &ch, 1);
}

/* The format is checked at buf_addf's callers; this tells clang's -Wformat-nonliteral so (gcc knows for va_list). */
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) LB_PRINTF(2, 0);

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	char small[256];
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return lb_error_tr(LB_EINTERNAL, "bad format string", "書式文字列の誤り (内部エラー)");
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	int rc = buf_grow(b, (size_t)n);
	if (rc < 0)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int buf_add_utf8(struct buf *b, uint32_t cp)
{
	unsigned char o[4];
	int n;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else if (cp <= 0x10FFFF) {
		o[0] = (unsigned char)(0xF0 | (cp >> 18));
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	} else {
		return buf_add_utf8(b, 0xFFFD);
	}
	return buf_add(b, o, (size_t)n);
}

void buf_truncate(struct buf *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->data[n] = '\0';
	}
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_wipe(struct buf *b)
{
	if (b->data)
		lb_wipe(b->data, b->cap);
	buf_release(b);
}

char *buf_detach(struct buf *b, size_t *len)
{
	if (!b->data)
		buf_grow(b, 0);
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int buf_read_fd(struct buf *b, int fd, size_t max_bytes)
{
	size_t start = b->len;
	for (;;) {
		/* Room left under both caps: the caller's max_bytes for this read and the buffer's own max. */
		size_t room = max_bytes - (b->len - start), limit = max_bytes;
		if (b->max) {
			size_t left = b->len < b->max ? b->max - b->len : 0;
			if (left < room) {
				room = left;
				limit = b->max > start ? b->max - start : 0;
			}
		}
		if (room == 0) {
			/* At the cap: fine if the input ends here. */
			char probe;
			ssize_t r = read(fd, &probe, 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r == 0)
				return 0;
			int e = errno;
			buf_truncate(b, start);
			if (r < 0)
				return lb_error_errno_tr(e, "read failed", "読み込みに失敗しました");
			return lb_error_tr(LB_ETOOBIG, "input larger than %zu bytes", "入力が %zu バイトを超えています",
			                   limit);
		}
		size_t want = room < 65536 ? room : 65536;
		int rc = buf_grow(b, want);
		if (rc < 0) {
			buf_truncate(b, start);
			return rc;
		}
		ssize_t r = read(fd, b->data + b->len, want);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			buf_truncate(b, start);
			return lb_error_errno_tr(e, "read failed", "読み込みに失敗しました");
		}
		if (r == 0)
			return 0;
		b->len += (size_t)r;
		b->data[b->len] = '\0';
	}
}

int buf_read_file(struct buf *b, const char *path, size_t max_bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", path);
	int rc = buf_read_fd(b, fd, max_bytes);
	close(fd);
	if (rc < 0)
		return lb_error_wrap_tr(rc, "reading '%s'", "'%s' の読み込み", path);
	return 0;
}
