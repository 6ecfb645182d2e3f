/*
 * verify.c - check a repository: signatures of meta records, every index and snapshot opens, every chunk a
 * generation names is indexed, every indexed pack exists with its size. With read_data, every pack is read and
 * hashed against its name (no key needed), and with the admin key every blob is decrypted and checked against
 * its keyed id. Damage is mapped back to the files it breaks ("snapshot:path"). Exported media are also checked
 * against their MANIFEST.
 */
#include "vault_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void problem(struct vault_verify_result *r, const char *fmt, ...) LB_PRINTF(2, 3);
static void problem(struct vault_verify_result *r, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	lb_strlist_push(&r->lines, buf_detach(&b, NULL));
	r->problems++;
}

struct vf {
	struct vault *v;
	uint8_t *pack_state;   /* 0 ok, 1 missing/short, 2 damaged */
	uint8_t *bad_entry;    /* per index entry */
	uint8_t *planted;      /* per index entry: not where its pack says (or beyond its pack's end) */
	size_t *order, *start; /* entries grouped by pack */
	atomic_size_t next;
	pthread_mutex_t mtx;
	uint64_t bytes;
};

static void *read_main(void *arg)
{
	struct vf *f = arg;
	struct vault *v = f->v;
	ZSTD_DCtx *dz = ZSTD_createDCtx();
	struct buf data = {0}, path = {0}, plain = {0};
	for (;;) {
		size_t p = atomic_fetch_add(&f->next, 1);
		if (p >= v->ix.npack)
			break;
		if (f->pack_state[p])
			continue;
		buf_reset(&path);
		vault_pack_rel(&path, v->ix.pack[p]);
		if (vault_get(v, path.data, &data, VAULT_PACK_MAX) < 0) {
			f->pack_state[p] = 1;
			continue;
		}
		pthread_mutex_lock(&f->mtx);
		f->bytes += data.len;
		pthread_mutex_unlock(&f->mtx);
		uint8_t h[VID];
		crypto_generichash(h, VID, (const uint8_t *)data.data, data.len, NULL, 0);
		if (memcmp(h, v->ix.pack[p], VID) != 0) {
			f->pack_state[p] = 2;
			continue;
		}
		if (v->k.role != VAULT_ADMIN)
			continue;
		uint8_t key[32];
		if (vpack_open_key(&v->k, (const uint8_t *)data.data, data.len, key) < 0) {
			f->pack_state[p] = 2;
			continue;
		}
		for (size_t k = f->start[p]; k < f->start[p + 1]; k++) {
			const struct vault_ientry *e = &v->ix.e[f->order[k]];
			if ((uint64_t)e->off + e->len > data.len ||
			    vblob_open(v->k.id_key, key, e, (const uint8_t *)data.data + e->off, dz, &plain) < 0)
				f->bad_entry[f->order[k]] = 1;
		}
		sodium_memzero(key, sizeof(key));
	}
	ZSTD_freeDCtx(dz);
	buf_release(&data);
	buf_release(&path);
	buf_wipe(&plain);
	return NULL;
}

static void check_manifest(struct vault *v, struct vault_verify_result *r)
{
	struct buf m = {0}, f = {0};
	if (vault_get(v, "MANIFEST", &m, 256u << 20) < 0) {
		buf_release(&m);
		lb_error_clear();
		return;
	}
	char *save = NULL;
	for (char *line = strtok_r(m.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char hex[65], rel[1024];
		unsigned long long size;
		if (sscanf(line, "%64s %llu %1023s", hex, &size, rel) != 3 || strstr(rel, "..")) {
			problem(r, L_("MANIFEST has a malformed line", "MANIFEST に形式の不正な行があります"));
			continue;
		}
		uint8_t h[VID];
		char got[65];
		if (vault_get(v, rel, &f, VAULT_PACK_MAX) < 0) {
			problem(r, L_("'%s' listed in MANIFEST is missing", "MANIFEST にある '%s' がありません"), rel);
			continue;
		}
		crypto_generichash(h, VID, (const uint8_t *)f.data, f.len, NULL, 0);
		vault_hex(got, h, VID);
		if (strcmp(got, hex) != 0 || f.len != size)
			problem(r, L_("'%s' differs from MANIFEST (damaged)", "'%s' が MANIFEST と違います (破損)"),
			        rel);
	}
	buf_release(&m);
	buf_release(&f);
	lb_error_clear();
}

/*
 * Index entries against the packs, without reading blobs: every entry must lie inside its pack (anyone can check)
 * and, with the admin key, be listed as it is in its pack's encrypted table (header and table only: a few ranged
 * reads per pack). An index file with entries that disagree is named: it was planted (a writer can make an index,
 * not a pack table that lists what is not there) or it is stale. Unreferenced packs that are no pack of this
 * repository (no key of it opens them) are named too.
 */
static void check_entries(struct vault *v, struct vault_verify_result *r, struct vf *f, const uint64_t *real)
{
	struct vault_index *ix = &v->ix;
	f->planted = lb_calloc(ix->n + 1, 1);
	for (size_t i = 0; i < ix->n; i++)
		if (!f->pack_state[ix->e[i].pack] && (uint64_t)ix->e[i].off + ix->e[i].len > real[ix->e[i].pack])
			f->planted[i] = 1;
	int admin = v->k.role == VAULT_ADMIN;
	uint8_t *state = lb_calloc(ix->npack + 1, 1);
	if (admin)
		vindex_check_tables(v, ix, NULL, f->planted, state);
	char hex[65];
	for (size_t p = 0; p < ix->npack; p++) {
		vault_hex(hex, ix->pack[p], VID);
		if (state[p] == VPACK_FOREIGN && !f->pack_state[p])
			problem(r,
			        L_("pack %s is not a pack of this repository (no key of it opens it: planted or "
			           "damaged)",
			           "パック %s はこのリポジトリのものではありません (どの鍵でも開けません: "
			           "置かれたものか破損)"),
			        hex);
		else if (state[p] == VPACK_DAMAGED)
			problem(r, L_("pack %.12s has a damaged table", "パック %.12s の目次が壊れています"), hex);
	}
	free(state);
	size_t *per = lb_calloc(ix->nfile + 1, sizeof(*per));
	for (size_t i = 0; i < ix->n; i++)
		if (f->planted[i] || f->pack_state[ix->e[i].pack] == 1)
			per[ix->e[i].src < ix->nfile ? ix->e[i].src : ix->nfile]++;
	for (size_t k = 0; k < ix->nfile; k++) {
		if (!per[k])
			continue;
		vault_hex(hex, ix->file[k], VID);
		problem(r,
		        L_("index %s lists %zu chunks where their packs do not hold them (planted, stale, or the pack "
		           "is "
		           "missing)",
		           "索引 %s にある %zu 個のチャンクが、示すパックに入っていません "
		           "(置かれた索引か、古い索引か、パックがありません)"),
		        hex, per[k]);
	}
	free(per);
	if (!admin)
		return;
	struct lb_strlist disk = {0};
	vault_list(v, "data", &disk);
	for (size_t i = 0; i < disk.n; i++) {
		uint8_t id[VID];
		struct vault_ientry *t = NULL;
		size_t nt = 0;
		if (vault_unhex(id, VID, disk.v[i]) == 0 && vindex_find_pack(ix, id) < 0 &&
		    vpack_read_table(v, id, &t, &nt) == VPACK_FOREIGN)
			problem(r,
			        L_("pack %s is not a pack of this repository (no key of it opens it: planted or "
			           "damaged)",
			           "パック %s はこのリポジトリのものではありません (どの鍵でも開けません: "
			           "置かれたものか破損)"),
			        disk.v[i]);
		free(t);
		free((void *)disk.v[i]);
	}
	lb_strlist_free(&disk);
}

static int by_pack(const void *a, const void *b, void *ctx)
{
	const struct vault_index *ix = ctx;
	uint32_t x = ix->e[*(const size_t *)a].pack, y = ix->e[*(const size_t *)b].pack;
	return x < y ? -1 : x > y;
}

int vault_verify(struct vault *v, int read_data, struct vault_verify_result *r)
{
	memset(r, 0, sizeof(*r));
	if (read_data && v->remote && v->k.role != VAULT_ADMIN)
		return lb_error_tr(LB_EPERM,
		                   "a writer key cannot read packs through the server: run 'verify --read-data' "
		                   "on the vault host or with the admin key",
		                   "ライター鍵ではサーバ経由でパックを読めません: 'verify --read-data' "
		                   "はボルトのホスト上か管理者鍵で実行してください");
	int rc = vault_flock(v, 0);
	if (rc < 0)
		return rc;
	if (v->bad_meta)
		problem(r,
		        L_("%zu meta records (locks, reviews, keys) fail their signature",
		           "%zu 件のメタ記録 (ロック・判定・鍵) の署名が合いません"),
		        v->bad_meta);
	/* index files one by one, so that one damaged (or planted) file does not hide the others: each that does not
	 * decode is named */
	if ((rc = vault_load_index_for(v, NULL, 0)) < 0) {
		vault_funlock(v);
		return rc;
	}
	for (size_t i = 0; i < v->bad_index.n; i++)
		problem(r,
		        L_("index %s does not decode (planted or damaged; 'vault prune' sets it aside): %s",
		           "索引 %s を復号できません (置かれたものか破損。'vault prune' で取り除かれます): %s"),
		        v->bad_index.v[i], v->bad_index_why.v[i]);
	r->packs = v->ix.npack;
	r->chunks = v->ix.n;

	/* packs on disk against the index */
	struct vf f = {.v = v};
	f.pack_state = lb_calloc(v->ix.npack + 1, 1);
	f.bad_entry = lb_calloc(v->ix.n + 1, 1);
	struct lb_strlist disk = {0};
	vault_list(v, "data", &disk);
	for (size_t i = 0; i < disk.n; i++) {
		uint8_t id[VID];
		if (vault_unhex(id, VID, disk.v[i]) == 0 && vindex_find_pack(&v->ix, id) < 0)
			r->unreferenced_packs++;
		free((void *)disk.v[i]);
	}
	lb_strlist_free(&disk);
	uint64_t *real = lb_calloc(v->ix.npack + 1, sizeof(*real));
	for (size_t p = 0; p < v->ix.npack; p++) {
		struct buf path = {0};
		vault_pack_rel(&path, v->ix.pack[p]);
		uint64_t size = 0;
		char hex[65];
		vault_hex(hex, v->ix.pack[p], VID);
		if (vault_size(v, path.data, &size) < 0) {
			problem(r, L_("pack %.12s is missing", "パック %.12s がありません"), hex);
			f.pack_state[p] = 1;
		} else if (size != v->ix.pack_size[p]) {
			problem(r, L_("pack %.12s has the wrong size", "パック %.12s の大きさが合いません"), hex);
			f.pack_state[p] = 1;
		}
		real[p] = size;
		buf_release(&path);
	}
	check_entries(v, r, &f, real);
	free(real);
	if (read_data && v->ix.npack) {
		f.order = lb_calloc(v->ix.n + 1, sizeof(size_t));
		f.start = lb_calloc(v->ix.npack + 1, sizeof(size_t));
		for (size_t i = 0; i < v->ix.n; i++)
			f.order[i] = i;
		if (v->ix.n > 1)
			qsort_r(f.order, v->ix.n, sizeof(size_t), by_pack, &v->ix);
		size_t k = 0;
		for (size_t p = 0; p <= v->ix.npack; p++) {
			while (k < v->ix.n && v->ix.e[f.order[k]].pack < p)
				k++;
			f.start[p] = k;
		}
		pthread_mutex_init(&f.mtx, NULL);
		int nt = vault_ncpu();
		pthread_t th[16];
		for (int i = 0; i < nt; i++)
			pthread_create(&th[i], NULL, read_main, &f);
		for (int i = 0; i < nt; i++)
			pthread_join(th[i], NULL);
		pthread_mutex_destroy(&f.mtx);
		r->bytes_read = f.bytes;
		for (size_t p = 0; p < v->ix.npack; p++) {
			char hex[65];
			vault_hex(hex, v->ix.pack[p], VID);
			if (f.pack_state[p] == 2)
				problem(r,
				        L_("pack %.12s is damaged (its bytes do not match its name)",
				           "パック %.12s が壊れています (内容が名前と一致しません)"),
				        hex);
		}
		size_t bad = 0;
		size_t *per = lb_calloc(v->ix.npack + 1, sizeof(*per));
		for (size_t i = 0; i < v->ix.n; i++) {
			bad += f.bad_entry[i];
			per[v->ix.e[i].pack] += f.bad_entry[i];
		}
		if (bad)
			problem(r,
			        L_("%zu chunks fail decryption or their id check",
			           "%zu 個のチャンクが復号または ID の検査に失敗しました"),
			        bad);
		for (size_t p = 0; p < v->ix.npack; p++) {
			char hex[65];
			vault_hex(hex, v->ix.pack[p], VID);
			if (per[p] && f.pack_state[p] != 2)
				problem(r,
				        L_("pack %s holds %zu chunks that fail decryption or their id check",
				           "パック %s の %zu 個のチャンクが復号または ID の検査に失敗しました"),
				        hex, per[p]);
		}
		free(per);
		check_manifest(v, r);
		free(f.order);
		free(f.start);
	}
	/* generations: each opens, each chunk is indexed and readable */
	struct lb_strlist ids = {0};
	vsnap_list_ids(v, &ids);
	for (size_t i = 0; i < ids.n; i++) {
		struct vsnap s;
		if (vsnap_load(v, ids.v[i], &s) < 0) {
			problem(r, "%s", lb_errmsg());
			free((void *)ids.v[i]);
			continue;
		}
		r->snapshots++;
		for (size_t n = 0; n < s.nnodes; n++) {
			const struct vnode *x = &s.nodes[n];
			int broken = 0;
			for (uint32_t c = 0; !broken && c < x->nchunks; c++) {
				/* intact if one candidate location of the chunk is */
				broken = 1;
				for (const struct vault_ientry *e = vindex_find(&v->ix, x->chunks[c]); broken && e;
				     e = vindex_next(&v->ix, e))
					broken = f.pack_state[e->pack] || f.bad_entry[e - v->ix.e] ||
					         f.planted[e - v->ix.e];
			}
			if (broken) {
				struct buf d = {0};
				buf_addf(&d, "%.8s:%s", ids.v[i], x->path);
				lb_strlist_push(&r->damaged, buf_detach(&d, NULL));
			}
		}
		vsnap_release(&s);
		free((void *)ids.v[i]);
	}
	lb_strlist_free(&ids);
	if (r->damaged.n)
		problem(r,
		        L_("%zu files in generations cannot be restored intact",
		           "世代の中の %zu 個のファイルを元どおりに復元できません"),
		        r->damaged.n);
	free(f.pack_state);
	free(f.bad_entry);
	free(f.planted);
	lb_error_clear();
	vault_funlock(v);
	return 0;
}

void vault_verify_result_release(struct vault_verify_result *r)
{
	for (size_t i = 0; i < r->lines.n; i++)
		free((void *)r->lines.v[i]);
	for (size_t i = 0; i < r->damaged.n; i++)
		free((void *)r->damaged.v[i]);
	lb_strlist_free(&r->lines);
	lb_strlist_free(&r->damaged);
}
