/*
 * map.c - the hash map watch keeps its memories in: files (type, entropy, size), extensions seen, canaries,
 * directory handles and inotify watch descriptors. Open addressing with linear probing and backward-shift
 * deletion; grows by doubling at 3/4 load; refuses new keys past its cap so memory stays bounded.
 */
#include "watch_int.h"

#include <stdlib.h>
#include <string.h>

uint64_t watch_hash(const void *p, size_t n)
{
	/* FNV-1a 64 with a final mix; the zero key is reserved for empty slots. */
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h ? h : 1;
}

uint64_t watch_hash_str(const char *s)
{
	return watch_hash(s, strlen(s));
}

static size_t slot_of(const struct watch_map *m, uint64_t key)
{
	return (size_t)(key * 0x9e3779b97f4a7c15ull >> 7) & (m->cap - 1);
}

struct watch_slot *watch_map_get(struct watch_map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key)
			return &m->slots[i];
		if (!m->slots[i].key)
			return NULL;
	}
}

static void grow(struct watch_map *m)
{
	struct watch_slot *old = m->slots;
	size_t oldcap = m->cap;
	m->cap = oldcap ? oldcap * 2 : 1024;
	m->slots = lb_calloc(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].key)
			continue;
		size_t j = slot_of(m, old[i].key);
		while (m->slots[j].key)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

struct watch_slot *watch_map_put(struct watch_map *m, uint64_t key)
{
	struct watch_slot *s = watch_map_get(m, key);
	if (s)
		return s;
	if (m->max && m->n >= m->max)
		return NULL;
	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	size_t i = slot_of(m, key);
	while (m->slots[i].key)
		i = (i + 1) & (m->cap - 1);
	m->slots[i] = (struct watch_slot){.key = key};
	m->n++;
	return &m->slots[i];
}

void watch_map_del(struct watch_map *m, uint64_t key)
{
	struct watch_slot *s = watch_map_get(m, key);
	if (!s)
		return;
	size_t i = (size_t)(s - m->slots), mask = m->cap - 1;
	m->slots[i].key = 0;
	m->n--;
	/* Backward shift: move later members of the probe run into the hole when their home allows it. */
	for (size_t j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
		size_t home = slot_of(m, m->slots[j].key);
		int movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
		if (movable) {
			m->slots[i] = m->slots[j];
			m->slots[j].key = 0;
			i = j;
		}
	}
}

void watch_map_clear(struct watch_map *m)
{
	if (m->cap)
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->n = 0;
}

void watch_map_free(struct watch_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
