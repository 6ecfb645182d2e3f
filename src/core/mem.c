/*
 * mem.c - allocation that never returns NULL, and wiping of secrets.
 *
 * Out of memory aborts with a message: recovering from it in every caller is where bugs hide, and a process that
 * cannot allocate cannot write a coherent repository either. Sizes driven by input are capped by callers first.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void lb_oom(void)
{
	static const char msg[] = "lifeboat: out of memory\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

void *lb_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		lb_oom();
	return p;
}

void *lb_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		lb_oom();
	return p;
}

void *lb_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		lb_oom();
	return q;
}

void *lb_reallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		lb_oom();
	return lb_realloc(p, count * size);
}

char *lb_strdup(const char *s)
{
	return lb_strndup(s, strlen(s));
}

char *lb_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = lb_malloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void lb_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}
