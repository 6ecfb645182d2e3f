/*
 * suspect.c - scoring a backup generation for signs that it was taken of already-encrypted data.
 *
 * Each file the engine reports is judged alone first (suspect_add): content that turned random where it was a
 * document or text, structure that broke, an entropy jump without a type change, a new file with a ransomware
 * extension, a ransom note by name or by text. New files with an appended extension and deleted files are kept as
 * 64-bit path hashes so that, at the end, "report.docx" deleted + "report.docx.locked" new pairs up whatever the
 * order of the reports: that is the copy+delete way of encrypting, and also how gzip works, so the pair counts
 * only when the new content is random or its extension is the same unknown one on many files.
 *
 * Everything is counted per folder (the file's parent) and then for the generation. The score weighs each sign;
 * legitimate mass changes add nothing because they change type into a known structured format (gzip, zstd, jpeg),
 * keep low entropy (a daily text dump), or only delete and create files with familiar content (moves, renames).
 * Knows only core and sniff: no repository, no chunk store.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vault/suspect.h"
#include "vault/suspect_int.h"

void suspect_init(struct suspect *s, double threshold)
{
	struct sus_state *st = lb_calloc(1, sizeof(*st));
	st->threshold = threshold > 0 ? threshold : SUSPECT_DEFAULT_THRESHOLD;
	s->priv = st;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)p[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

/* The folder of a path ("" for the top), found or added. */
static uint32_t folder_of(struct sus_state *st, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	uint64_t h = hash_bytes(path, len);
	if (st->map_cap == 0 || (st->nfolders + 1) * 2 > st->map_cap) {
		size_t cap = st->map_cap ? st->map_cap * 2 : 256;
		uint32_t *map = lb_calloc(cap, sizeof(*map));
		for (size_t i = 0; i < st->nfolders; i++) {
			size_t j = st->folders[i].hash & (cap - 1);
			while (map[j])
				j = (j + 1) & (cap - 1);
			map[j] = (uint32_t)i + 1;
		}
		free(st->map);
		st->map = map;
		st->map_cap = cap;
	}
	size_t j = h & (st->map_cap - 1);
	while (st->map[j]) {
		struct sus_folder *f = &st->folders[st->map[j] - 1];
		if (f->hash == h && strlen(f->name) == len && !memcmp(f->name, path, len))
			return st->map[j] - 1;
		j = (j + 1) & (st->map_cap - 1);
	}
	if (st->nfolders == st->folders_cap) {
		st->folders_cap = st->folders_cap ? st->folders_cap * 2 : 64;
		st->folders = lb_reallocarray(st->folders, st->folders_cap, sizeof(*st->folders));
	}
	struct sus_folder *f = &st->folders[st->nfolders];
	memset(f, 0, sizeof(*f));
	f->name = lb_strndup(path, len);
	f->hash = h;
	st->map[j] = (uint32_t)st->nfolders + 1;
	return (uint32_t)st->nfolders++;
}

void sus_mark(struct sus_state *st, uint32_t folder, int rule, const char *path)
{
	struct sus_folder *f = &st->folders[folder];
	f->cnt[rule]++;
	st->total[rule]++;
	if (path && f->nex[rule] < SUSPECT_EXAMPLES)
		f->ex[rule][f->nex[rule]++] = lb_strdup(path);
}

static void note_delta(struct sus_state *st, int64_t delta)
{
	for (size_t i = 0; i < st->ndeltas; i++)
		if (st->deltas[i].delta == delta) {
			st->deltas[i].count++;
			return;
		}
	if (st->ndeltas < LB_ARRAY_LEN(st->deltas))
		st->deltas[st->ndeltas++] = (struct sus_delta){delta, 1};
	else
		st->deltas_other++;
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The size change encryption leaves: the same, or a little more (header, footer, padding to a block). */
static int size_like_encryption(uint64_t old_size, uint64_t new_size)
{
	return new_size >= old_size && new_size - old_size <= 64 * 1024;
}

static void judge_modified(struct sus_state *st, uint32_t folder, const struct suspect_file *f)
{
	enum sniff_type o = f->old_type, n = f->new_type;
	if (n == SNIFF_RANDOM && o != SNIFF_RANDOM && o != SNIFF_EMPTY &&
	    (o != SNIFF_UNKNOWN || (f->old_entropy >= 0 && f->old_entropy < 6.5) || f->chunk_overlap < 0.5)) {
		sus_mark(st, folder, SUS_ENC_INPLACE, f->path);
		if (size_like_encryption(f->old_size, f->new_size))
			note_delta(st, (int64_t)(f->new_size - f->old_size));
		return;
	}
	if (n == SNIFF_UNKNOWN && o != n && o != SNIFF_RANDOM && o != SNIFF_EMPTY && sniff_type_document(o)) {
		sus_mark(st, folder, SUS_STRUCT_LOST, f->path);
		return;
	}
	if (n != o && sniff_type_compressed(n)) {
		st->compressed++;
		return;
	}
	/* same type, but the sampled bytes went from structured to nearly random and share little with before:
	 * intermittent encryption that left the head alone */
	if (n == o && n != SNIFF_RANDOM && !sniff_type_compressed(n) && f->old_entropy >= 0 && f->new_stats.n >= 1024 &&
	    f->new_stats.entropy >= 7.0 && f->new_stats.entropy - f->old_entropy >= 1.5 && f->chunk_overlap >= 0 &&
	    f->chunk_overlap < 0.9)
		sus_mark(st, folder, SUS_ENTROPY_JUMP, f->path);
}

static void add_new(struct sus_state *st, uint32_t folder, const struct suspect_file *f)
{
	const char *base = base_of(f->path);
	const char *dot = strrchr(base, '.');
	int rext = sniff_ransom_extension(base);
	int random = f->new_type == SNIFF_RANDOM;
	if (rext)
		sus_mark(st, folder, random ? SUS_RANSOM_EXT : SUS_RANSOM_EXT_NAME, f->path);
	if (!dot || dot == base)
		return;
	if (st->nnew == st->new_cap) {
		st->new_cap = st->new_cap ? st->new_cap * 2 : 1024;
		st->news = lb_reallocarray(st->news, st->new_cap, sizeof(*st->news));
	}
	struct sus_new *e = &st->news[st->nnew++];
	size_t stem = (size_t)(dot - f->path);
	e->stem_hash = hash_bytes(f->path, stem);
	e->ext_hash = (uint32_t)hash_bytes(dot + 1, strlen(dot + 1));
	e->size = f->new_size;
	e->folder = folder;
	e->type = (uint8_t)f->new_type;
	e->flags = (uint8_t)((rext ? SUS_NEW_RANSOM_EXT : 0) | (sniff_ext_common(dot + 1) ? SUS_NEW_COMMON_EXT : 0));
	/* examples for the pairing found at the end: keep the first candidates of each folder */
	struct sus_folder *fo = &st->folders[folder];
	if ((random || !(e->flags & SUS_NEW_COMMON_EXT)) && fo->npend < SUSPECT_EXAMPLES)
		fo->pend[fo->npend++] = lb_strdup(f->path);
}

static void add_deleted(struct sus_state *st, uint32_t folder, const struct suspect_file *f)
{
	if (st->ndel == st->del_cap) {
		st->del_cap = st->del_cap ? st->del_cap * 2 : 1024;
		st->dels = lb_reallocarray(st->dels, st->del_cap, sizeof(*st->dels));
	}
	struct sus_del *d = &st->dels[st->ndel++];
	d->hash = hash_bytes(f->path, strlen(f->path));
	d->size = f->old_size;
	d->type = (uint8_t)f->old_type;
	st->folders[folder].deleted++;
}

void suspect_add(struct suspect *s, const struct suspect_file *f)
{
	struct sus_state *st = s->priv;
	if (!st || !f || !f->path)
		return;
	if (f->change == SUSPECT_UNCHANGED) {
		st->unchanged++;
		return;
	}
	uint32_t folder = folder_of(st, f->path);
	st->examined++;
	st->folders[folder].examined++;
	if (f->change == SUSPECT_DELETED) {
		add_deleted(st, folder, f);
		return;
	}
	const char *base = base_of(f->path);
	/* notes are short text files (html counts as text) */
	if (f->head && f->head_len && f->new_size <= (1u << 20) &&
	    (f->new_type == SNIFF_TEXT || f->new_type == SNIFF_UTF16_TEXT || f->new_type == SNIFF_XML) &&
	    sniff_ransom_note_text(f->head, f->head_len)) {
		sus_mark(st, folder, SUS_NOTE_TEXT, f->path);
		return;
	}
	if (sniff_ransom_note_name(base) && f->new_size < (1u << 20)) {
		sus_mark(st, folder, SUS_NOTE_NAME, f->path);
		return;
	}
	if (f->change == SUSPECT_MODIFIED)
		judge_modified(st, folder, f);
	else
		add_new(st, folder, f);
}

void suspect_release(struct suspect *s)
{
	struct sus_state *st = s ? s->priv : NULL;
	if (!st)
		return;
	for (size_t i = 0; i < st->nfolders; i++) {
		struct sus_folder *f = &st->folders[i];
		free(f->name);
		for (int r = 0; r < SUS_RULE_COUNT; r++)
			for (int k = 0; k < f->nex[r]; k++)
				free(f->ex[r][k]);
		for (int k = 0; k < f->npend; k++)
			free(f->pend[k]);
	}
	free(st->folders);
	free(st->map);
	free(st->news);
	free(st->dels);
	free(st);
	s->priv = NULL;
}

void suspect_result_release(struct suspect_result *r)
{
	if (!r)
		return;
	buf_release(&r->reasons);
	buf_release(&r->summary);
}
