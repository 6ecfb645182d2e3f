/*
 * refs.c - the cross-references of a whole inventory, checked once every file is read (a path in one file may
 * name a device in another): names are unique within devices, segments and systems; a path's ends, a device's
 * segment and a system's devices name something that exists. A misspelt segment would otherwise drop a path out
 * of the network checks without a word.
 */
#include "audit.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct name_ix {
	const char **v;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void build(struct name_ix *ix, const void *arr, size_t n, size_t elem, size_t off)
{
	ix->v = lb_calloc(n + 1, sizeof(*ix->v));
	ix->n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = *(const char *const *)((const char *)arr + i * elem + off);
		if (s)
			ix->v[ix->n++] = s;
	}
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_str);
}

static int has(const struct name_ix *ix, const char *s)
{
	return s && ix->n && bsearch(&s, ix->v, ix->n, sizeof(*ix->v), cmp_str) != NULL;
}

static void add(struct audit_errors *e, const char *file, int line, const char *key, const char *en, const char *ja,
                ...) LB_PRINTF(5, 7);
static void add(struct audit_errors *e, const char *file, int line, const char *key, const char *en, const char *ja,
                ...)
{
	struct buf b = {0};
	buf_addf(&b, "%s:%d: %s: ", file ? file : "-", line, key);
	va_list ap;
	va_start(ap, ja);
	buf_vaddf(&b, lb_tr(en, ja), ap);
	va_end(ap);
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			b.data[i] = '?';
	lb_strlist_push(&e->lines, buf_detach(&b, NULL));
}

static void dups(struct audit_errors *e, const void *arr, size_t n, size_t elem, size_t name_off, size_t file_off,
                 size_t line_off, const char *key)
{
	struct name_ix ix;
	build(&ix, arr, n, elem, name_off);
	for (size_t i = 1; i < ix.n; i++)
		if (!strcmp(ix.v[i], ix.v[i - 1])) {
			/* name the later entry: find it by pointer */
			for (size_t k = 0; k < n; k++) {
				const char *base = (const char *)arr + k * elem;
				if (*(const char *const *)(base + name_off) == ix.v[i]) {
					add(e, *(const char *const *)(base + file_off), *(const int *)(base + line_off),
					    key, "'%s' is listed twice", "'%s' が 2 回書かれています", ix.v[i]);
					break;
				}
			}
		}
	free(ix.v);
}

#define DUPS(arr, n, T, k)                                                                    \
	dups(e, arr, n, sizeof(struct T), offsetof(struct T, name), offsetof(struct T, file), \
	     offsetof(struct T, line), k)

int audit_inventory_check_refs(const struct audit_inventory *inv, struct audit_errors *e)
{
	size_t before = e->lines.n;
	DUPS(inv->devices, inv->ndevices, audit_device, "devices.name");
	DUPS(inv->segments, inv->nsegments, audit_segment, "segments.name");
	DUPS(inv->systems, inv->nsystems, audit_system, "systems.name");
	struct name_ix dev, seg;
	build(&dev, inv->devices, inv->ndevices, sizeof(*inv->devices), offsetof(struct audit_device, name));
	build(&seg, inv->segments, inv->nsegments, sizeof(*inv->segments), offsetof(struct audit_segment, name));
	for (size_t i = 0; i < inv->ndevices; i++) {
		const struct audit_device *d = &inv->devices[i];
		if (d->segment && inv->nsegments && !has(&seg, d->segment))
			add(e, d->file, d->line, "devices.segment", "no segment named '%s' in segments",
			    "segments に '%s' という名前のセグメントがありません", d->segment);
	}
	for (size_t i = 0; i < inv->npaths; i++) {
		const struct audit_path *p = &inv->paths[i];
		const char *ends[2] = {p->from, p->to}, *keys[2] = {"paths.from", "paths.to"};
		for (int k = 0; k < 2; k++)
			if (ends[k] && strcasecmp(ends[k], "internet") && !has(&seg, ends[k]) && !has(&dev, ends[k]))
				add(e, p->file, p->line, keys[k], "'%s' is neither a segment, a device nor internet",
				    "'%s' はセグメント・機器・internet のいずれでもありません", ends[k]);
	}
	for (size_t i = 0; i < inv->nsystems; i++) {
		const struct audit_system *s = &inv->systems[i];
		for (size_t k = 0; k < s->devices.n; k++)
			if (!has(&dev, s->devices.v[k]))
				add(e, s->file, s->line, "systems.devices", "no device named '%s' in devices",
				    "devices に '%s' という名前の機器がありません", s->devices.v[k]);
	}
	free(dev.v);
	free(seg.v);
	return e->lines.n > before ? -LB_EINVAL : 0;
}
