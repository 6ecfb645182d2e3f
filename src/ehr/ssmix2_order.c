/*
 * ssmix2_order.c - the orders a nurse works from besides the medicines: diet (OMD: food allergies and 禁食 matter
 * on paper), exam and imaging (OMG-01/02/03, performed OMG-11/12) and lab (OML-01) orders, read into ehr_order.
 * (Split from ssmix2_msg.c, which dispatches each message here.)
 */
#include "ehr.h"

#include <stdlib.h>
#include <string.h>

#include "ssmix2_int.h"

/* An order's state from ORC-1 (order control) and ORC-5 (order status); performed records are completed. */
static const char *order_status(struct ssmix2_mctx *c, long orc, int performed)
{
	const char *ctl = ssmix2_val(c, orc, 1, 0, 1, 0), *ost = ssmix2_val(c, orc, 5, 0, 1, 0);
	if ((ctl && (!strcmp(ctl, "CA") || !strcmp(ctl, "OC") || !strcmp(ctl, "CR") || !strcmp(ctl, "DC"))) ||
	    (ost && (!strcmp(ost, "CA") || !strcmp(ost, "DC"))))
		return "cancelled";
	if (performed || (ost && !strcmp(ost, "CM")))
		return "completed";
	return "active";
}

/* The fields every order takes from its ORC and TQ1. */
static void order_common(struct ssmix2_mctx *c, struct ehr_order *o, long orc, long tq1)
{
	o->order_no = ssmix2_val(c, orc, 2, 0, 1, 0);
	o->frequency = ssmix2_val(c, tq1, 3, 0, 1, 2);
	if (!o->frequency)
		o->frequency = ssmix2_val(c, tq1, 3, 0, 1, 0);
	o->start = ssmix2_ts_val(c, tq1, 7, 0, 1, 0);
	o->end = ssmix2_ts_val(c, tq1, 8, 0, 1, 0);
	const char *fam = ssmix2_val(c, orc, 12, 0, 2, 0), *giv = ssmix2_val(c, orc, 12, 0, 3, 0);
	if (fam && giv && c->used < SSMIX2_POOL) {
		struct buf *b = &c->pool[c->used++];
		buf_reset(b);
		buf_addf(b, "%s %s", fam, giv);
		o->orderer = b->data;
	} else {
		o->orderer = fam;
	}
	o->department = ssmix2_val(c, orc, 17, 0, 2, 0);
	o->ordered = ssmix2_ts_val(c, orc, 9, 0, 1, 0);
}

/* A pool slot to build a text in (NULL when the pool is used up). */
static struct buf *pool_text(struct ssmix2_mctx *c)
{
	if (c->used >= SSMIX2_POOL)
		return NULL;
	struct buf *b = &c->pool[c->used++];
	buf_reset(b);
	return b;
}

/* Append the value of seg's field (comp 0: whole) to b, after sep when b is not empty. */
static void add_val(struct ssmix2_mctx *c, struct buf *b, long seg, int fld, int comp, const char *sep)
{
	if (!b || seg < 0 || !hl7_get_at(&c->msg, (size_t)seg, fld, 0, comp, 0, &c->tmp))
		return;
	if (b->len && sep)
		buf_adds(b, sep);
	buf_add(b, c->tmp.data, c->tmp.len);
}

/* OMD: one diet order per ORC; its ODS segments give the diet (ODS-3), instructions (ODS-4, 塩分控えめ, 禁食 …) and
 * preferences (ODS-1 P) or supplements (S). */
int ssmix2_handle_omd(struct ssmix2_mctx *c)
{
	ssmix2_check_pid(c, hl7_find(&c->msg, "PID", 0));
	if (!c->sink->order)
		return 0;
	for (long orc = hl7_find(&c->msg, "ORC", 0); orc >= 0;) {
		long next = hl7_find(&c->msg, "ORC", (size_t)orc + 1), end = next < 0 ? (long)c->msg.nseg : next;
		long tq1 = -1;
		ssmix2_pool_reset(c);
		struct ehr_order o = {.patient_id = c->nm->patient, .cls = EHR_ORDER_DIET, .data_type = c->nm->type};
		struct buf *name = pool_text(c), *detail = pool_text(c);
		int nods = 0;
		for (long s = orc + 1; s < end; s++) {
			const char *id = c->msg.seg[s].id;
			if (!strcmp(id, "TQ1") && tq1 < 0)
				tq1 = s;
			if (strcmp(id, "ODS"))
				continue;
			nods++;
			int pref = hl7_get_at(&c->msg, (size_t)s, 1, 0, 1, 0, &c->tmp) && c->tmp.data[0] != 'D';
			const char *what = pref && c->tmp.data[0] == 'S' ? "補助食品 " : pref ? "嗜好・禁止 " : "";
			if (!o.code && hl7_get_at(&c->msg, (size_t)s, 3, 0, 1, 0, &c->tmp) && !pref) {
				o.code = ssmix2_val(c, s, 3, 0, 1, 0);
				o.code_system = ssmix2_val(c, s, 3, 0, 3, 0);
			}
			if (name && !pref && hl7_get_at(&c->msg, (size_t)s, 3, 0, 2, 0, &c->tmp)) {
				if (name->len)
					buf_adds(name, "・");
				buf_add(name, c->tmp.data, c->tmp.len);
			}
			struct buf *d = detail;
			if (d && pref && hl7_get_at(&c->msg, (size_t)s, 3, 0, 2, 0, &c->tmp)) {
				buf_addf(d, "%s%s", d->len ? "; " : "", what);
				buf_add(d, c->tmp.data, c->tmp.len);
				what = "";
			}
			for (int r = 0; d && r < hl7_reps(&c->msg, (size_t)s, 4); r++)
				if (hl7_get_at(&c->msg, (size_t)s, 4, r, 0, 0, &c->tmp)) {
					buf_addf(d, "%s%s", d->len ? "; " : "", what);
					buf_add(d, c->tmp.data, c->tmp.len);
					what = "";
				}
		}
		order_common(c, &o, orc, tq1);
		o.status = order_status(c, orc, 0);
		o.name = name && name->len ? name->data : NULL;
		if (!o.name && o.code && name) {
			buf_addf(name, "食事オーダ (%s)", o.code);
			o.name = name->data;
		}
		o.detail = detail && detail->len ? detail->data : NULL;
		if (!nods)
			ssmix2_warnf(
			        c, EHR_WARN_PARSE,
			        L_("OMD order without an ODS segment", "OMD のオーダに ODS セグメントがありません"));
		else if (o.name || o.detail) {
			if (!o.name)
				o.name = "食事オーダ";
			int rc = c->sink->order(c->sink->ctx, c->src, &o);
			if (rc < 0)
				return rc;
		}
		orc = next;
	}
	return 0;
}

/* OMG-01/02/03 (and performed OMG-11/12), OML-01: one order per OBR, with the ORC and TQ1 before it. An ORC PA that
 * repeats the order it follows (same order number and code) is not given twice. */
int ssmix2_handle_omg(struct ssmix2_mctx *c, enum ehr_order_class cls, int performed)
{
	ssmix2_check_pid(c, hl7_find(&c->msg, "PID", 0));
	if (!c->sink->order)
		return 0;
	long orc = -1, tq1 = -1, spm = -1, prev[8];
	int nprev = 0;
	for (size_t s = 0; s < c->msg.nseg; s++) {
		const char *id = c->msg.seg[s].id;
		if (!strcmp(id, "ORC")) {
			orc = (long)s;
			tq1 = -1;
			continue;
		}
		if (!strcmp(id, "TQ1")) {
			tq1 = (long)s;
			continue;
		}
		if (!strcmp(id, "SPM")) {
			spm = (long)s;
			continue;
		}
		if (strcmp(id, "OBR"))
			continue;
		long obr = (long)s;
		ssmix2_pool_reset(c);
		struct ehr_order o = {.patient_id = c->nm->patient, .cls = cls, .data_type = c->nm->type};
		order_common(c, &o, orc, tq1);
		const char *no = ssmix2_val(c, obr, 2, 0, 1, 0);
		if (no)
			o.order_no = no;
		o.code = ssmix2_val(c, obr, 4, 0, 1, 0);
		o.name = ssmix2_val(c, obr, 4, 0, 2, 0);
		o.code_system = ssmix2_val(c, obr, 4, 0, 3, 0);
		if (!o.name)
			o.name = o.code;
		if (!o.start)
			o.start = ssmix2_ts_val(c, obr, 7, 0, 1, 0);
		if (!o.start && cls == EHR_ORDER_LAB)
			o.start = ssmix2_ts_val(c, spm, 17, 0, 1, 0);
		o.status = order_status(c, orc, performed);
		int dup = 0;
		for (int i = 0; i < nprev && !dup; i++) {
			struct buf a = {0};
			dup = hl7_get_at(&c->msg, (size_t)prev[i], 2, 0, 1, 0, &a) && no && !strcmp(a.data, no) &&
			      hl7_get_at(&c->msg, (size_t)prev[i], 4, 0, 1, 0, &a) && o.code && !strcmp(a.data, o.code);
			buf_release(&a);
		}
		if (nprev < (int)LB_ARRAY_LEN(prev))
			prev[nprev++] = obr;
		if (dup)
			continue;
		if (!o.name) {
			ssmix2_warnf(c, EHR_WARN_PARSE,
			             L_("OBR without an order item", "OBR にオーダ項目がありません"));
			continue;
		}
		/* lab: the specimen and the items asked for; exams: the clinical notes sent with the order */
		struct buf *d = performed ? NULL : pool_text(c);
		int items = 0;
		if (cls == EHR_ORDER_LAB)
			add_val(c, d, spm, 4, 2, NULL);
		for (size_t t = s + 1; d && t < c->msg.nseg; t++) {
			const char *tid = c->msg.seg[t].id;
			if (!strcmp(tid, "OBR") || !strcmp(tid, "ORC") || !strcmp(tid, "SPM"))
				break;
			if (strcmp(tid, "OBX"))
				continue;
			if (cls == EHR_ORDER_LAB) {
				add_val(c, d, (long)t, 3, 2, items++ ? "、" : ": ");
				continue;
			}
			add_val(c, d, (long)t, 3, 2, "; ");
			int coded = hl7_get_at(&c->msg, t, 2, 0, 1, 0, &c->tmp) &&
			            (!strcmp(c->tmp.data, "CWE") || !strcmp(c->tmp.data, "CE"));
			add_val(c, d, (long)t, 5, coded ? 2 : 0, " ");
		}
		o.detail = d && d->len ? d->data : NULL;
		int rc = c->sink->order(c->sink->ctx, c->src, &o);
		if (rc < 0)
			return rc;
	}
	return 0;
}
