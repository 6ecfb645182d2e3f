/*
 * suspect_score.c - the verdict on a generation: pairs deleted files with new files that carry an appended
 * extension (copy+delete encryption, rename storms), weighs every sign, and writes reasons a person can act on
 * (JSON: [{rule, folder, files, examples[], detail}]) and a one-line summary.
 *
 * Weights (threshold 10 by default): a file whose content turned random counts 2, so five encrypted files make a
 * generation suspect and one user encrypting one file does not; a broken structure or an entropy jump counts 1; a
 * ransom note's text 4 for the first and 2 for each more (a note is dropped in every folder it visits); a rename
 * storm (ten or more files renamed to one unknown extension) 5; a new random file with a ransomware extension but
 * no deleted original 0.5 (at most 6: applications name their own encrypted files *.enc too). Compressing,
 * converting, moving or deleting counts nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "vault/suspect.h"
#include "vault/suspect_int.h"

static const char *const rule_names[SUS_RULE_COUNT] = {
        [SUS_ENC_INPLACE] = "encrypted_in_place",  [SUS_ENC_COPY] = "encrypted_copy",
        [SUS_STRUCT_LOST] = "structure_lost",      [SUS_ENTROPY_JUMP] = "entropy_jump",
        [SUS_RANSOM_EXT] = "ransomware_extension", [SUS_RANSOM_EXT_NAME] = "ransomware_extension_name",
        [SUS_RENAME_STORM] = "rename_storm",       [SUS_NOTE_TEXT] = "ransom_note",
        [SUS_NOTE_NAME] = "ransom_note_name",
};

static const char *const rule_detail[SUS_RULE_COUNT] = {
        [SUS_ENC_INPLACE] = "content changed from a known type into random bytes",
        [SUS_ENC_COPY] = "original deleted and a random copy with an appended extension created",
        [SUS_STRUCT_LOST] = "a document's structure is gone (now unknown binary)",
        [SUS_ENTROPY_JUMP] = "same type but entropy rose by 1.5 bits/byte or more with little content kept",
        [SUS_RANSOM_EXT] = "new random files with a ransomware extension",
        [SUS_RANSOM_EXT_NAME] = "new files with a ransomware extension",
        [SUS_RENAME_STORM] = "many files renamed to one unknown extension",
        [SUS_NOTE_TEXT] = "text reads like a ransom note",
        [SUS_NOTE_NAME] = "file named like a ransom note",
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_del(const void *a, const void *b)
{
	return cmp_u64(((const struct sus_del *)a)->hash, ((const struct sus_del *)b)->hash);
}

static const struct sus_del *find_del(const struct sus_state *st, uint64_t h)
{
	size_t lo = 0, hi = st->ndel;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->dels[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < st->ndel && st->dels[lo].hash == h ? &st->dels[lo] : NULL;
}

struct ext_pair {
	uint32_t ext_hash;
	uint32_t folder;
};

static int cmp_ext(const void *a, const void *b)
{
	return cmp_u64(((const struct ext_pair *)a)->ext_hash, ((const struct ext_pair *)b)->ext_hash);
}

/* Deleted X + new X.ext: encryption when the new content is random, compression when it is a known format. */
static void pair_renames(struct sus_state *st)
{
	if (!st->ndel || !st->nnew)
		return;
	qsort(st->dels, st->ndel, sizeof(*st->dels), cmp_del);
	struct ext_pair *odd = lb_calloc(st->nnew, sizeof(*odd));
	size_t nodd = 0;
	for (size_t i = 0; i < st->nnew; i++) {
		const struct sus_new *e = &st->news[i];
		const struct sus_del *d = find_del(st, e->stem_hash);
		if (!d)
			continue;
		st->pairs++;
		enum sniff_type nt = e->type, ot = d->type;
		if (sniff_type_compressed(nt)) {
			st->pairs_compressed++;
			continue;
		}
		int enc = (nt == SNIFF_RANDOM && ot != SNIFF_RANDOM) ||
		          (nt == SNIFF_UNKNOWN && sniff_type_document(ot) && !(e->flags & SUS_NEW_COMMON_EXT));
		if (enc) {
			sus_mark(st, e->folder, SUS_ENC_COPY, NULL);
			if ((e->flags & SUS_NEW_RANSOM_EXT) && nt == SNIFF_RANDOM &&
			    st->folders[e->folder].cnt[SUS_RANSOM_EXT]) {
				st->folders[e->folder].cnt[SUS_RANSOM_EXT]--; /* one sign per file */
				st->total[SUS_RANSOM_EXT]--;
			}
		}
		if (!(e->flags & SUS_NEW_COMMON_EXT))
			odd[nodd++] = (struct ext_pair){e->ext_hash, e->folder};
	}
	qsort(odd, nodd, sizeof(*odd), cmp_ext);
	for (size_t i = 0; i < nodd;) {
		size_t j = i;
		while (j < nodd && odd[j].ext_hash == odd[i].ext_hash)
			j++;
		if (j - i >= 10)
			for (size_t k = i; k < j; k++)
				sus_mark(st, odd[k].folder, SUS_RENAME_STORM, NULL);
		i = j;
	}
	free(odd);
	/* examples for the pairs: the candidates each folder kept */
	for (size_t i = 0; i < st->nfolders; i++) {
		struct sus_folder *f = &st->folders[i];
		static const int paired[] = {SUS_ENC_COPY, SUS_RENAME_STORM};
		for (size_t q = 0; q < LB_ARRAY_LEN(paired); q++)
			for (int k = 0, r = paired[q]; f->cnt[r] && k < f->npend && f->nex[r] < SUSPECT_EXAMPLES; k++)
				f->ex[r][f->nex[r]++] = lb_strdup(f->pend[k]);
	}
}

static double capped(double v, double cap)
{
	return v < cap ? v : cap;
}

static double score_of(const struct sus_state *st)
{
	const uint64_t *t = st->total;
	double s = 2.0 * (double)(t[SUS_ENC_INPLACE] + t[SUS_ENC_COPY]);
	s += (double)(t[SUS_STRUCT_LOST] + t[SUS_ENTROPY_JUMP]);
	/* an extension alone is weak: some applications name their own encrypted files *.enc or *.crypt */
	s += capped(0.5 * (double)t[SUS_RANSOM_EXT], 6) + capped(0.25 * (double)t[SUS_RANSOM_EXT_NAME], 3);
	s += t[SUS_RENAME_STORM] ? 5 : 0;
	s += t[SUS_NOTE_TEXT] ? capped(4.0 + 2.0 * (double)(t[SUS_NOTE_TEXT] - 1), 20) : 0;
	s += capped((double)t[SUS_NOTE_NAME], 5);
	return s;
}

/* Files that looked encrypted (the signs on content). */
static uint64_t encrypted_count(const uint64_t *c)
{
	return c[SUS_ENC_INPLACE] + c[SUS_ENC_COPY] + c[SUS_STRUCT_LOST] + c[SUS_ENTROPY_JUMP] + c[SUS_RANSOM_EXT];
}

static uint32_t folder_encrypted(const struct sus_folder *f)
{
	const uint32_t *c = f->cnt;
	return c[SUS_ENC_INPLACE] + c[SUS_ENC_COPY] + c[SUS_STRUCT_LOST] + c[SUS_ENTROPY_JUMP] + c[SUS_RANSOM_EXT];
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t i = 0, last = 0;
	for (; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			last = i;
	if (!a[i] && (!b[i] || b[i] == '/'))
		return i;
	if (!b[i] && a[i] == '/')
		return i;
	return last;
}

/* The deepest folder holding every folder with encrypted-looking files. */
static void flagged_root(const struct sus_state *st, struct buf *out)
{
	const char *first = NULL;
	size_t len = 0;
	for (size_t i = 0; i < st->nfolders; i++) {
		const struct sus_folder *f = &st->folders[i];
		if (!folder_encrypted(f))
			continue;
		if (!first) {
			first = f->name;
			len = strlen(first);
		} else {
			size_t l = common_prefix(first, f->name);
			len = l < len ? l : len;
		}
	}
	if (first)
		buf_add(out, first, len);
}

/* Folders of one rule, most files first (a copy of the keys, so that sorting needs no global state). */
struct folder_rank {
	uint32_t cnt;
	uint32_t idx;
	const char *name;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct folder_rank *x = a, *y = b;
	if (x->cnt != y->cnt)
		return x->cnt > y->cnt ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void delta_detail(const struct sus_state *st, struct buf *b)
{
	size_t best = 0;
	uint64_t sum = st->deltas_other;
	for (size_t i = 0; i < st->ndeltas; i++) {
		sum += st->deltas[i].count;
		if (st->deltas[i].count > st->deltas[best].count)
			best = i;
	}
	if (st->ndeltas && st->deltas[best].count * 2 > sum && sum >= 2)
		buf_addf(b, "; %llu of them grew by exactly %lld bytes", (unsigned long long)st->deltas[best].count,
		         (long long)st->deltas[best].delta);
}

#define SUSPECT_MAX_FOLDERS 10

static void write_reasons(const struct sus_state *st, struct buf *out)
{
	struct json_w w = {.out = out};
	json_arr(&w);
	struct folder_rank *rank = lb_calloc(st->nfolders ? st->nfolders : 1, sizeof(*rank));
	for (int r = 0; r < SUS_RULE_COUNT; r++) {
		if (!st->total[r])
			continue;
		size_t n = 0;
		for (size_t i = 0; i < st->nfolders; i++)
			if (st->folders[i].cnt[r])
				rank[n++] =
				        (struct folder_rank){st->folders[i].cnt[r], (uint32_t)i, st->folders[i].name};
		qsort(rank, n, sizeof(*rank), cmp_rank);
		for (size_t k = 0; k < n && k < SUSPECT_MAX_FOLDERS; k++) {
			const struct sus_folder *f = &st->folders[rank[k].idx];
			struct buf d = {0};
			buf_addf(&d, "%s: %u of %u changed files", rule_detail[r], f->cnt[r], f->examined);
			if (r == SUS_ENC_INPLACE && k == 0)
				delta_detail(st, &d);
			if (f->deleted)
				buf_addf(&d, "; %u deleted", f->deleted);
			json_obj(&w);
			json_kv_str(&w, "rule", rule_names[r]);
			json_kv_str(&w, "folder", f->name[0] ? f->name : ".");
			json_kv_int(&w, "files", f->cnt[r]);
			json_key(&w, "examples");
			json_arr(&w);
			for (int e = 0; e < f->nex[r]; e++)
				json_str(&w, f->ex[r][e]);
			json_end(&w);
			json_kv_str(&w, "detail", buf_cstr(&d));
			json_end(&w);
			buf_release(&d);
		}
		if (n > SUSPECT_MAX_FOLDERS) {
			json_obj(&w);
			json_kv_str(&w, "rule", rule_names[r]);
			json_kv_str(&w, "folder", "…");
			uint64_t rest = 0;
			for (size_t k = SUSPECT_MAX_FOLDERS; k < n; k++)
				rest += rank[k].cnt;
			json_kv_int(&w, "files", (int64_t)rest);
			json_key(&w, "examples");
			json_arr(&w);
			json_end(&w);
			json_key(&w, "detail");
			struct buf d = {0};
			buf_addf(&d, "%zu more folders", n - SUSPECT_MAX_FOLDERS);
			json_str(&w, buf_cstr(&d));
			buf_release(&d);
			json_end(&w);
		}
	}
	free(rank);
	json_end(&w);
}

/* The first example of a rule anywhere, for the summary. */
static const char *first_example(const struct sus_state *st, int rule)
{
	for (size_t i = 0; i < st->nfolders; i++)
		if (st->folders[i].nex[rule])
			return st->folders[i].ex[rule][0];
	return NULL;
}

static void write_summary(const struct sus_state *st, int suspect, struct buf *out)
{
	uint64_t enc = encrypted_count(st->total);
	uint64_t notes = st->total[SUS_NOTE_TEXT] + st->total[SUS_NOTE_NAME];
	const char *ex = NULL;
	for (int r = 0; r < SUS_RULE_COUNT && !ex; r++)
		ex = first_example(st, r);
	if (!suspect) {
		buf_addf(out, L_("clean: %zu files changed", "きれい: 変更されたファイル %zu"), st->examined);
		if (enc)
			buf_addf(out, L_("; %llu look%s encrypted", "。暗号化されたように見えるもの %llu%s"),
			         (unsigned long long)enc, L_(enc == 1 ? "s" : "", ""));
		if (notes)
			buf_addf(out, L_("; %llu look%s like a ransom note", "。脅迫文のように見えるもの %llu%s"),
			         (unsigned long long)notes, L_(notes == 1 ? "s" : "", ""));
		if (enc || notes)
			buf_addf(out, L_(", below the threshold %g", " (しきい値 %g 未満)"), st->threshold);
		if (ex)
			buf_addf(out, L_(" (e.g. '%s')", " (例: '%s')"), ex);
		return;
	}
	struct buf root = {0};
	flagged_root(st, &root);
	if (enc) {
		buf_addf(out,
		         L_("%llu files in '%s' look encrypted",
		            "%llu 個のファイルが '%s' で暗号化されたように見えます"),
		         (unsigned long long)enc, root.len ? buf_cstr(&root) : ".");
		const char *e = NULL;
		for (int r = SUS_ENC_INPLACE; r <= SUS_RANSOM_EXT && !e; r++)
			e = first_example(st, r);
		if (e)
			buf_addf(out, L_(" (e.g. '%s')", " (例: '%s')"), e);
	}
	if (notes) {
		const char *n = first_example(st, SUS_NOTE_TEXT);
		if (!n)
			n = first_example(st, SUS_NOTE_NAME);
		buf_addf(out, L_("%s%llu ransom notes", "%s脅迫文 %llu"), enc ? L_("; ", "。") : "",
		         (unsigned long long)notes);
		if (n)
			buf_addf(out, L_(" (e.g. '%s')", " (例: '%s')"), n);
	}
	if (st->total[SUS_RENAME_STORM])
		buf_addf(out,
		         L_("%s%llu files renamed to an unknown extension",
		            "%s未知の拡張子に名前を変えられたファイル %llu"),
		         out->len ? L_("; ", "。") : "", (unsigned long long)st->total[SUS_RENAME_STORM]);
	if (!enc && !notes && !st->total[SUS_RENAME_STORM])
		buf_addf(out,
		         L_("suspect: %llu files with ransomware extensions",
		            "疑い: ランサムウェアの拡張子のファイル %llu"),
		         (unsigned long long)(st->total[SUS_RANSOM_EXT_NAME]));
	buf_release(&root);
}

int suspect_finish(struct suspect *s, struct suspect_result *r)
{
	struct sus_state *st = s ? s->priv : NULL;
	if (!s || !r)
		return lb_error_tr(LB_EINTERNAL, "suspect_finish without a scorer or a result",
		                   "疑い判定の終了処理の呼び出しの誤り (内部エラー)");
	buf_reset(&r->reasons);
	buf_reset(&r->summary);
	if (!st) {
		suspect_init(s, 0);
		st = s->priv;
	}
	if (!st->finished)
		pair_renames(st); /* once: pairing marks files */
	st->finished = 1;
	r->threshold = st->threshold;
	r->score = score_of(st);
	r->suspect = r->score >= r->threshold;
	r->examined = st->examined;
	r->flagged = (size_t)(encrypted_count(st->total) + st->total[SUS_NOTE_TEXT] + st->total[SUS_NOTE_NAME]);
	if (r->suspect)
		write_reasons(st, &r->reasons);
	else
		buf_adds(&r->reasons, "[]");
	write_summary(st, r->suspect, &r->summary);
	return 0;
}
