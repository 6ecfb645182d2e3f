/*
 * ser.c - little-endian serialization of repository objects, and a bounds-checked reader that never reads past
 * the end of hostile input (short reads give zeros and set err), plus hex names.
 */
#include "vault_int.h"

#include <stdlib.h>
#include <string.h>

void ser_u8(struct buf *b, uint8_t v)
{
	buf_add(b, &v, 1);
}

void ser_u16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	buf_add(b, x, 2);
}

void ser_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4];
	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	buf_add(b, x, 4);
}

void ser_u64(struct buf *b, uint64_t v)
{
	uint8_t x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	buf_add(b, x, 8);
}

void ser_bytes(struct buf *b, const void *p, size_t n)
{
	if (n)
		buf_add(b, p, n);
}

void ser_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	ser_u32(b, (uint32_t)n);
	ser_bytes(b, s, n);
}

size_t rd_left(const struct ser_r *r)
{
	return r->err || r->off > r->n ? 0 : r->n - r->off;
}

const uint8_t *rd_ptr(struct ser_r *r, size_t n)
{
	if (r->err || n > rd_left(r)) {
		r->err = 1;
		return NULL;
	}
	const uint8_t *p = r->p + r->off;
	r->off += n;
	return p;
}

void rd_bytes(struct ser_r *r, void *out, size_t n)
{
	const uint8_t *p = rd_ptr(r, n);
	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}

static uint64_t rd_le(struct ser_r *r, int n)
{
	const uint8_t *p = rd_ptr(r, (size_t)n);
	uint64_t v = 0;
	for (int i = 0; p && i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint8_t rd_u8(struct ser_r *r)
{
	return (uint8_t)rd_le(r, 1);
}

uint16_t rd_u16(struct ser_r *r)
{
	return (uint16_t)rd_le(r, 2);
}

uint32_t rd_u32(struct ser_r *r)
{
	return (uint32_t)rd_le(r, 4);
}

uint64_t rd_u64(struct ser_r *r)
{
	return rd_le(r, 8);
}

char *rd_str(struct ser_r *r, size_t cap)
{
	uint32_t n = rd_u32(r);
	if (r->err || n > cap) {
		r->err = 1;
		return NULL;
	}
	const uint8_t *p = rd_ptr(r, n);
	if (!p || memchr(p, 0, n)) {
		r->err = 1;
		return NULL;
	}
	return lb_strndup((const char *)p, n);
}

void vault_hex(char *out, const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vault_unhex(uint8_t *out, size_t n, const char *hex)
{
	if (strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int a = hexval(hex[2 * i]), b = hexval(hex[2 * i + 1]);
		if (a < 0 || b < 0)
			return -1;
		out[i] = (uint8_t)(a << 4 | b);
	}
	return 0;
}
