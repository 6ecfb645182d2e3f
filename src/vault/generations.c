/*
 * generations.c - the list of generations with their effective status (an admin review wins over the
 * scorer's verdict; a snapshot of a writer revoked before it was taken is unreviewed), pins and locks;
 * resolving "latest", "latest-clean" and id prefixes; locks and reviews (admin-signed meta records).
 */
#include "vault_int.h"

#include <stdlib.h>
#include <string.h>

const char *vault_status_name(enum vault_status s)
{
	switch (s) {
	case VAULT_CLEAN:
		return "clean";
	case VAULT_SUSPECT:
		return "suspect";
	default:
		return "unreviewed";
	}
}

const char *vault_status_label(enum vault_status s)
{
	switch (s) {
	case VAULT_CLEAN:
		return L_("clean", "きれい");
	case VAULT_SUSPECT:
		return L_("suspect", "疑い");
	default:
		return L_("unreviewed", "未判定");
	}
}

static void info_release(struct vault_snap_info *i)
{
	free(i->host);
	free(i->summary);
	free(i->reasons);
	for (size_t k = 0; k < i->tags.n; k++)
		free((void *)i->tags.v[k]);
	for (size_t k = 0; k < i->paths.n; k++)
		free((void *)i->paths.v[k]);
	lb_strlist_free(&i->tags);
	lb_strlist_free(&i->paths);
}

void vault_snap_list_release(struct vault_snap_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		info_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int by_time(const void *a, const void *b)
{
	const struct vault_snap_info *x = a, *y = b;
	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return strcmp(x->id, y->id);
}

int vault_snapshots(struct vault *v, struct vault_snap_list *out)
{
	memset(out, 0, sizeof(*out));
	struct lb_strlist ids = {0};
	int rc = vsnap_list_ids(v, &ids);
	int64_t now = lb_now_ms();
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		struct vsnap s;
		rc = vsnap_load(v, ids.v[i], &s);
		if (rc < 0)
			break;
		out->v = lb_reallocarray(out->v, out->n + 1, sizeof(*out->v));
		struct vault_snap_info *x = &out->v[out->n++];
		memset(x, 0, sizeof(*x));
		vault_hex(x->id, s.id, VID);
		x->time_ms = s.time_ms;
		x->host = s.host;
		s.host = NULL;
		x->tags = s.tags;
		x->paths = s.paths;
		memset(&s.tags, 0, sizeof(s.tags));
		memset(&s.paths, 0, sizeof(s.paths));
		x->files = s.files;
		x->bytes = s.bytes;
		x->score = s.score;
		x->summary = s.summary;
		x->reasons = s.reasons;
		s.summary = s.reasons = NULL;
		x->status = (enum vault_status)s.status;
		uint8_t pk[32];
		if (s.signer == 2) {
			vault_hex(x->signer, s.signer_id, 16);
			if (vault_writer_known(v, s.signer_id, pk, s.time_ms) < 0)
				x->status = VAULT_UNREVIEWED;
		} else {
			snprintf(x->signer, sizeof(x->signer), "admin");
		}
		int mark = vault_review_of(v, s.id);
		if (mark) {
			x->status = (enum vault_status)mark;
			x->reviewed = 1;
		}
		int64_t until = vault_locked_until(v, s.id);
		x->locked_until = until > now ? until : 0;
		vsnap_release(&s);
	}
	for (size_t i = 0; i < ids.n; i++)
		free((void *)ids.v[i]);
	lb_strlist_free(&ids);
	if (rc < 0) {
		vault_snap_list_release(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_time);
	for (size_t i = out->n; i-- > 0;)
		if (out->v[i].status == VAULT_CLEAN) {
			out->v[i].pinned = 1;
			break;
		}
	return 0;
}

int vault_resolve(struct vault *v, const char *spec, char id[65])
{
	struct vault_snap_list l;
	int rc = vault_snapshots(v, &l);
	if (rc < 0)
		return rc;
	const struct vault_snap_info *hit = NULL;
	if (!strcmp(spec, "latest")) {
		if (l.n)
			hit = &l.v[l.n - 1];
		else
			rc = lb_error_tr(LB_ENOTFOUND, "the repository has no generation yet",
			                 "リポジトリにはまだ世代がありません");
	} else if (!strcmp(spec, "latest-clean")) {
		for (size_t i = l.n; i-- > 0 && !hit;)
			if (l.v[i].status == VAULT_CLEAN)
				hit = &l.v[i];
		if (!hit)
			rc = lb_error_tr(LB_ENOTFOUND, "no clean generation", "きれいな (clean) 世代がありません");
	} else {
		size_t n = strlen(spec);
		int bad = n < 4 || n > 64;
		for (size_t i = 0; i < n; i++)
			if (!((spec[i] >= '0' && spec[i] <= '9') || (spec[i] >= 'a' && spec[i] <= 'f')))
				bad = 1;
		if (bad) {
			rc = lb_error_tr(
			        LB_EUSAGE,
			        "'%s' is not a generation: give an id (4 or more hex digits), latest or latest-clean",
			        "'%s' は世代の指定になっていません: ID (16進 4 桁以上)、latest または latest-clean "
			        "を指定してください",
			        spec);
		} else {
			for (size_t i = 0; i < l.n && rc == 0; i++)
				if (!strncmp(l.v[i].id, spec, n)) {
					if (hit)
						rc = lb_error_tr(LB_EUSAGE, "'%s' names more than one generation",
						                 "'%s' に当てはまる世代が複数あります (ID "
						                 "をもっと長く指定してください)",
						                 spec);
					hit = &l.v[i];
				}
			if (rc == 0 && !hit)
				rc = lb_error_tr(LB_ENOTFOUND, "no generation '%s'", "世代 '%s' はありません", spec);
		}
	}
	if (rc == 0)
		memcpy(id, hit->id, 65);
	vault_snap_list_release(&l);
	return rc;
}

int vault_lock(struct vault *v, const char *snapshot, int64_t until_ms, char id[65])
{
	int rc = vault_need_admin(v, L_("lock generations", "世代のロック"));
	if (rc == 0)
		rc = vault_resolve(v, snapshot, id);
	if (rc < 0)
		return rc;
	if (until_ms <= lb_now_ms())
		return lb_error_tr(LB_EUSAGE, "the lock date must be in the future",
		                   "ロックの期限は未来の日付にしてください");
	struct vmeta_rec m = {.kind = VMETA_LOCK, .time_ms = lb_now_ms(), .until_ms = until_ms};
	vault_unhex(m.snap, VID, id);
	rc = vault_add_meta(v, &m);
	if (rc == 0 && !v->remote) {
		/* on a local disk the locked generation's file is immutable too, where the kernel allows it */
		struct buf p = {0};
		vpath(v, &p, "snapshots/%s", id);
		vault_seal_file(p.data, 1);
		buf_release(&p);
	}
	return rc;
}

int vault_review(struct vault *v, const char *snapshot, enum vault_status mark, char id[65])
{
	int rc = vault_need_admin(v, L_("review generations", "世代の判定"));
	if (rc == 0)
		rc = vault_resolve(v, snapshot, id);
	if (rc < 0)
		return rc;
	if (mark != VAULT_CLEAN && mark != VAULT_SUSPECT)
		return lb_error_tr(LB_EUSAGE, "a review marks clean or suspect",
		                   "判定は clean か suspect のどちらかです");
	struct vmeta_rec m = {.kind = VMETA_REVIEW, .time_ms = lb_now_ms(), .mark = mark};
	vault_unhex(m.snap, VID, id);
	return vault_add_meta(v, &m);
}
