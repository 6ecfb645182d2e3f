/*
 * forget.c - retention: which generations a keep-last/hourly/daily/weekly/monthly/yearly policy keeps (restic's
 * semantics: the newest generation of each of the N newest periods), plus what no policy may forget: the newest
 * clean generation (pinned), a generation locked until a future date, and a suspect or unreviewed generation that
 * no admin has marked clean. Forgetting deletes snapshot files only; prune reclaims the space. And diff.
 */
#include "vault_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t period_key(int64_t ms, int kind)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	switch (kind) {
	case 0: /* hourly */
		return ((int64_t)(tm.tm_year) * 1000 + tm.tm_yday) * 100 + tm.tm_hour;
	case 1: /* daily */
		return (int64_t)tm.tm_year * 1000 + tm.tm_yday;
	case 2: { /* ISO-like week: days since epoch of the Monday */
		int64_t days = lb_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		return (days + 3) / 7;
	}
	case 3:
		return (int64_t)tm.tm_year * 100 + tm.tm_mon;
	default:
		return tm.tm_year;
	}
}

void vault_forget_result_release(struct vault_forget_result *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void vault_policy_select(const struct vault_snap_list *l, const struct vault_policy *p, struct vault_forget_item *out)
{
	long want[5] = {p->hourly, p->daily, p->weekly, p->monthly, p->yearly};
	static const char *names[5] = {"hourly", "daily", "weekly", "monthly", "yearly"};
	static const char *names_ja[5] = {"時間ごと", "日ごと", "週ごと", "月ごと", "年ごと"};
	int64_t last_key[5];
	long got[5] = {0};
	for (int k = 0; k < 5; k++)
		last_key[k] = INT64_MIN;
	/* newest first */
	for (size_t j = 0; j < l->n; j++) {
		const struct vault_snap_info *s = &l->v[l->n - 1 - j];
		struct vault_forget_item *it = &out[j];
		memset(it, 0, sizeof(*it));
		memcpy(it->id, s->id, 65);
		it->time_ms = s->time_ms;
		if (s->pinned) {
			it->keep = 1;
			snprintf(it->reason, sizeof(it->reason), "%s",
			         L_("newest clean generation (pinned)", "最新のきれいな世代 (固定)"));
		} else if (s->locked_until) {
			it->keep = 1;
			struct buf d = {0};
			lb_format_utc(&d, s->locked_until, 0);
			snprintf(it->reason, sizeof(it->reason), L_("locked until %s", "%s までロック"), d.data);
			buf_release(&d);
		} else if (s->status != VAULT_CLEAN) {
			it->keep = 1;
			snprintf(it->reason, sizeof(it->reason),
			         L_("%s: kept until an admin marks it clean", "%s: 管理者が clean と判定するまで保持"),
			         vault_status_label(s->status));
		}
		if ((long)j < p->last && !it->keep) {
			it->keep = 1;
			snprintf(it->reason, sizeof(it->reason), L_("last %ld", "最新 %ld 世代"), p->last);
		}
		for (int k = 0; k < 5; k++) {
			if (!want[k] || got[k] >= want[k])
				continue;
			int64_t key = period_key(s->time_ms, k);
			if (key == last_key[k])
				continue;
			last_key[k] = key;
			got[k]++;
			if (!it->keep) {
				it->keep = 1;
				snprintf(it->reason, sizeof(it->reason), "%s %ld", L_(names[k], names_ja[k]), want[k]);
			}
		}
		if (!it->keep)
			snprintf(it->reason, sizeof(it->reason), "%s", L_("outside the policy", "ポリシーの対象外"));
	}
}

int vault_forget(struct vault *v, const struct vault_policy *p, int dry_run, struct vault_forget_result *r)
{
	memset(r, 0, sizeof(*r));
	int rc = vault_need_admin(v, L_("forget generations", "世代の削除"));
	if (rc < 0)
		return rc;
	if (!p->last && !p->hourly && !p->daily && !p->weekly && !p->monthly && !p->yearly)
		return lb_error_tr(LB_EUSAGE,
		                   "give a policy (--keep-last, --keep-daily, …): forget never forgets everything",
		                   "保持ポリシー (--keep-last、--keep-daily など) を指定してください: forget "
		                   "がすべての世代を削除することはありません");
	if (!dry_run && (rc = vault_flock(v, 1)) < 0)
		return rc;
	struct vault_snap_list l;
	if ((rc = vault_snapshots(v, &l)) < 0) {
		vault_funlock(v);
		return rc;
	}
	r->v = lb_calloc(l.n + 1, sizeof(*r->v));
	r->n = l.n;
	vault_policy_select(&l, p, r->v);
	for (size_t j = 0; rc == 0 && j < r->n; j++) {
		if (r->v[j].keep)
			continue;
		r->forgotten++;
		if (dry_run)
			continue;
		struct buf rel = {0};
		buf_addf(&rel, "snapshots/%s", r->v[j].id);
		rc = vault_remove(v, rel.data);
		buf_release(&rel);
	}
	vault_snap_list_release(&l);
	if (!dry_run)
		vault_funlock(v);
	return rc;
}

void vault_diff_release(struct vault_diff *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].path);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static void diff_add(struct vault_diff *d, char c, const char *path)
{
	d->v = lb_reallocarray(d->v, d->n + 1, sizeof(*d->v));
	d->v[d->n].change = c;
	d->v[d->n].path = lb_strdup(path);
	d->n++;
}

static int same_content(const struct vnode *a, const struct vnode *b)
{
	if (a->kind != b->kind || a->size != b->size || a->nchunks != b->nchunks)
		return 0;
	if (a->kind == VNODE_LINK && strcmp(a->link, b->link))
		return 0;
	return !a->nchunks || !memcmp(a->chunks, b->chunks, (size_t)a->nchunks * VID);
}

int vault_diff(struct vault *v, const char *a, const char *b, struct vault_diff *out)
{
	memset(out, 0, sizeof(*out));
	char ia[65], ib[65];
	int rc = vault_resolve(v, a, ia);
	if (rc == 0)
		rc = vault_resolve(v, b, ib);
	struct vsnap x = {0}, y = {0};
	if (rc == 0)
		rc = vsnap_load(v, ia, &x);
	if (rc == 0)
		rc = vsnap_load(v, ib, &y);
	size_t i = 0, j = 0;
	while (rc == 0 && (i < x.nnodes || j < y.nnodes)) {
		int c = i >= x.nnodes ? 1 : j >= y.nnodes ? -1 : strcmp(x.nodes[i].path, y.nodes[j].path);
		if (c < 0) {
			diff_add(out, '-', x.nodes[i++].path);
		} else if (c > 0) {
			diff_add(out, '+', y.nodes[j++].path);
		} else {
			const struct vnode *p = &x.nodes[i++], *q = &y.nodes[j++];
			if (!same_content(p, q))
				diff_add(out, 'M', q->path);
			else if (p->mode != q->mode || p->uid != q->uid || p->gid != q->gid ||
			         p->mtime_ns != q->mtime_ns)
				diff_add(out, 'm', q->path);
		}
	}
	vsnap_release(&x);
	vsnap_release(&y);
	return rc;
}
