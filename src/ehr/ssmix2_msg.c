/*
 * ssmix2_msg.c - one SS-MIX2 message in, clinical records out.
 *
 * The file's bytes are decoded from ISO-2022-JP once (unmapped bytes are a warning and the raw message is kept),
 * parsed as HL7 v2 (hl7.c), and handed to the handler of its data type. Field use follows the SS-MIX2 standard
 * storage specification and the JAHIS message rules it cites:
 *
 *   ADT-00  ADT^A08   PID (names kanji ^L^I and kana ^L^P, birth, sex, address, phones), OBX blood group, OBX
 *                     body weight / height (9N006 体重, 9N001 身長: results, ssmix2_emit_body_obx), AL1
 *   ADT-61  ADT^A60   IAM allergies (type, allergen, severity, reaction, action code, onset)
 *   OMP-01  RDE^O11   ORC + RXE + TQ1 + RXR per drug: prescriptions
 *   OMP-02  RDE^O11   the same for injections (the drugs of a mixed injection in RXC: one record per RXC)
 *   OMD     OMD^O03   ORC + TQ1 + ODS: the diet order (diet, instructions, preferences)
 *   OMG-01/02/03      OMG^O19 ORC + TQ1 + OBR (+ OBX clinical notes): imaging, endoscopy, physiology orders
 *   OMG-11/12         OMI^Z23 (or OMG) the same, performed
 *   OMG-13  ORU^R01   physiology results: as OML-11
 *   OML-01  OML^O33   SPM + ORC + OBR + OBX (the items asked for): lab orders
 *   OML-11  OUL^R22   OBR/ORC give the order, each OBX a result
 *   PPR-01  PPR^ZD1   PRB diagnoses
 *   ADT-22/42/52      ADT^A01/A02/A03 and cancels A11/A12/A13: PV1-3 ward^room^bed (OBX weight / height: results)
 *
 * Other types are kept raw. The patient is always the one the storage path names (the caller passes it in nm).
 */
#include "ehr.h"

#include <stdlib.h>
#include <string.h>

#include "ssmix2_int.h"

void ssmix2_warnf(struct ssmix2_mctx *c, enum ehr_warn kind, const char *fmt, ...)
{
	c->st->warnings++;
	if (!c->sink->warning)
		return;
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	c->sink->warning(c->sink->ctx, c->src, kind, buf_cstr(&b));
	buf_release(&b);
}

void ssmix2_pool_reset(struct ssmix2_mctx *c)
{
	c->used = 0;
}

/* A value of the message in a fresh pool slot, or NULL when it is empty or absent. */
const char *ssmix2_val(struct ssmix2_mctx *c, long seg, int fld, int rep, int comp, int sub)
{
	if (seg < 0 || c->used >= SSMIX2_POOL)
		return NULL;
	struct buf *b = &c->pool[c->used];
	if (!hl7_get_at(&c->msg, (size_t)seg, fld, rep, comp, sub, b))
		return NULL;
	c->used++;
	return b->data;
}

/* An HL7 date or time (YYYYMMDD[HHMM[SS[.S…]]][+ZZZZ]) as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]". */
const char *ssmix2_ts_val(struct ssmix2_mctx *c, long seg, int fld, int rep, int comp, int sub)
{
	const char *s = ssmix2_val(c, seg, fld, rep, comp, sub);
	if (!s)
		return NULL;
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n < 8 || !lb_date_valid((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'),
	                            (s[4] - '0') * 10 + (s[5] - '0'), (s[6] - '0') * 10 + (s[7] - '0')))
		return s; /* free text ("小学校低学年の頃") or a partial date (199601): kept as sent */
	struct buf *b = &c->pool[c->used - 1];
	struct buf t = {0};
	buf_addf(&t, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	if (n >= 10)
		buf_addf(&t, "T%.2s:%.2s", s + 8, n >= 12 ? s + 10 : "00");
	if (n >= 14)
		buf_addf(&t, ":%.2s", s + 12);
	buf_reset(b);
	buf_add(b, t.data, t.len);
	buf_release(&t);
	return b->data;
}

double ssmix2_num(const char *s)
{
	if (!s)
		return 0;
	char *end;
	double v = strtod(s, &end);
	return end != s && v > 0 && v < 1e9 ? v : 0;
}

/* Check PID-3 against the storage path's patient. */
void ssmix2_check_pid(struct ssmix2_mctx *c, long pid)
{
	if (pid < 0) {
		ssmix2_warnf(c, EHR_WARN_PARSE,
		             L_("%s message has no PID segment", "%s メッセージに PID セグメントがありません"),
		             c->nm->type);
		return;
	}
	int reps = hl7_reps(&c->msg, (size_t)pid, 3);
	int seen = 0;
	for (int r = 0; r < reps; r++) {
		if (!hl7_get_at(&c->msg, (size_t)pid, 3, r, 1, 0, &c->tmp))
			continue;
		seen = 1;
		if (!strcmp(c->tmp.data, c->nm->patient))
			return;
	}
	if (seen) {
		hl7_get_at(&c->msg, (size_t)pid, 3, 0, 1, 0, &c->tmp);
		ssmix2_warnf(c, EHR_WARN_MISMATCH,
		             L_("PID-3 '%.64s' differs from the storage path's patient '%s'",
		                "PID-3 '%.64s' が格納パスの患者 '%s' と違います"),
		             c->tmp.data, c->nm->patient);
	}
}

/* "1日3回" or "１日３回" in a frequency text: administrations per day, or 0. */
static double per_day_from_text(const char *s)
{
	if (!s)
		return 0;
	const char *d = strstr(s, "日");
	if (!d)
		return 0;
	d += strlen("日");
	int v = 0, digits = 0;
	for (;;) {
		if (*d >= '0' && *d <= '9') {
			v = v * 10 + (*d - '0');
			d++;
		} else if ((unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBC && (unsigned char)d[2] >= 0x90 &&
		           (unsigned char)d[2] <= 0x99) {
			v = v * 10 + ((unsigned char)d[2] - 0x90);
			d += 3;
		} else {
			break;
		}
		if (++digits > 3)
			return 0;
	}
	return digits && !strncmp(d, "回", strlen("回")) ? v : 0;
}

static int handle_rde(struct ssmix2_mctx *c, enum ehr_order_kind kind)
{
	ssmix2_check_pid(c, hl7_find(&c->msg, "PID", 0));
	if (!c->sink->medication)
		return 0;
	long orc = -1;
	for (size_t s = 0; s < c->msg.nseg; s++) {
		const char *id = c->msg.seg[s].id;
		if (!strcmp(id, "ORC")) {
			orc = (long)s;
			continue;
		}
		if (strcmp(id, "RXE"))
			continue;
		long tq1 = -1, rxr = -1, rxc_first = -1, rxc_end = -1;
		for (size_t t = s + 1; t < c->msg.nseg; t++) {
			const char *tid = c->msg.seg[t].id;
			if (!strcmp(tid, "RXE") || !strcmp(tid, "ORC"))
				break;
			if (!strcmp(tid, "TQ1") && tq1 < 0)
				tq1 = (long)t;
			if (!strcmp(tid, "RXR") && rxr < 0)
				rxr = (long)t;
			if (!strcmp(tid, "RXC")) {
				if (rxc_first < 0)
					rxc_first = (long)t;
				rxc_end = (long)t + 1;
			}
		}
		ssmix2_pool_reset(c);
		long rxe = (long)s;
		struct ehr_medication m = {.patient_id = c->nm->patient, .kind = kind, .status = "active"};
		m.order_no = ssmix2_val(c, orc, 2, 0, 1, 0);
		if (!m.order_no)
			m.order_no = ssmix2_val(c, rxe, 15, 0, 1, 0);
		/* ORC-1 order control (cancel / discontinue requests and replies), ORC-5 order status (HL70038) */
		const char *ctl = ssmix2_val(c, orc, 1, 0, 1, 0), *ost = ssmix2_val(c, orc, 5, 0, 1, 0);
		if ((ctl && (!strcmp(ctl, "CA") || !strcmp(ctl, "OC") || !strcmp(ctl, "CR") || !strcmp(ctl, "DC"))) ||
		    (ost && (!strcmp(ost, "CA") || !strcmp(ost, "DC"))))
			m.status = "cancelled";
		else if (ost && !strcmp(ost, "CM"))
			m.status = "completed";
		m.drug_code = ssmix2_val(c, rxe, 2, 0, 1, 0);
		m.drug_name = ssmix2_val(c, rxe, 2, 0, 2, 0);
		m.code_system = ssmix2_val(c, rxe, 2, 0, 3, 0);
		m.dose = ssmix2_num(ssmix2_val(c, rxe, 3, 0, 1, 0));
		m.dose_unit = ssmix2_val(c, rxe, 5, 0, 2, 0);
		if (!m.dose_unit)
			m.dose_unit = ssmix2_val(c, rxe, 5, 0, 1, 0);
		double total = ssmix2_num(ssmix2_val(c, rxe, 19, 0, 1, 0));
		m.frequency = ssmix2_val(c, tq1, 3, 0, 1, 2);
		if (!m.frequency)
			m.frequency = ssmix2_val(c, tq1, 3, 0, 1, 0);
		if (!m.frequency) /* RXE-7 administration instructions: ５時間一定速度で */
			m.frequency = ssmix2_val(c, rxe, 7, 0, 2, 0);
		if (total > 0 && m.dose > 0)
			m.per_day = total / m.dose;
		else
			m.per_day = per_day_from_text(m.frequency);
		const char *dur = ssmix2_val(c, tq1, 6, 0, 1, 0), *dur_unit = ssmix2_val(c, tq1, 6, 0, 2, 0);
		if (dur && (!dur_unit || !strcmp(dur_unit, "d") || !strcmp(dur_unit, "D")))
			m.days = (int)ssmix2_num(dur);
		m.start = ssmix2_ts_val(c, tq1, 7, 0, 1, 0);
		m.end = ssmix2_ts_val(c, tq1, 8, 0, 1, 0);
		m.route = ssmix2_val(c, rxr, 1, 0, 2, 0);
		if (!m.route)
			m.route = ssmix2_val(c, rxr, 1, 0, 1, 0);
		const char *fam = ssmix2_val(c, orc, 12, 0, 2, 0), *giv = ssmix2_val(c, orc, 12, 0, 3, 0);
		if (fam && giv && c->used < SSMIX2_POOL) {
			struct buf *b = &c->pool[c->used++];
			buf_reset(b);
			buf_addf(b, "%s %s", fam, giv);
			m.prescriber = b->data;
		} else {
			m.prescriber = fam;
		}
		m.department = ssmix2_val(c, orc, 17, 0, 2, 0);
		m.ordered = ssmix2_ts_val(c, orc, 9, 0, 1, 0);
		if (rxc_first >= 0) {
			/* An injection mixed from several drugs (JAHIS 注射): RXE-2 is the kind of injection (00^一般), the
			 * drugs are the RXC components, each with its amount (RXC-3) and unit (RXC-4). */
			int mark = c->used, rc;
			for (long x = rxc_first; x < rxc_end; x++) {
				if (strcmp(c->msg.seg[x].id, "RXC"))
					continue;
				c->used = mark;
				struct ehr_medication k = m;
				k.drug_code = ssmix2_val(c, x, 2, 0, 1, 0);
				k.drug_name = ssmix2_val(c, x, 2, 0, 2, 0);
				k.code_system = ssmix2_val(c, x, 2, 0, 3, 0);
				k.dose = ssmix2_num(ssmix2_val(c, x, 3, 0, 1, 0));
				k.dose_unit = ssmix2_val(c, x, 4, 0, 2, 0);
				if (!k.dose_unit)
					k.dose_unit = ssmix2_val(c, x, 4, 0, 1, 0);
				k.per_day = 0;
				if (!k.drug_code && !k.drug_name) {
					ssmix2_warnf(c, EHR_WARN_PARSE,
					             L_("RXC without a drug", "RXC に薬品がありません"));
					continue;
				}
				if ((rc = c->sink->medication(c->sink->ctx, c->src, &k)) < 0)
					return rc;
			}
			continue;
		}
		if (!m.drug_code && !m.drug_name) {
			ssmix2_warnf(c, EHR_WARN_PARSE, L_("RXE without a drug", "RXE に薬品がありません"));
			continue;
		}
		int rc = c->sink->medication(c->sink->ctx, c->src, &m);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const char *ssmix2_result_status(const char *s)
{
	if (!s)
		return NULL;
	switch (s[0]) {
	case 'F':
		return "final";
	case 'C':
		return "corrected";
	case 'P':
	case 'R':
	case 'I':
	case 'S':
		return "preliminary";
	case 'X':
	case 'D':
	case 'W':
		return "cancelled";
	default:
		return NULL;
	}
}

static int handle_oul(struct ssmix2_mctx *c)
{
	ssmix2_check_pid(c, hl7_find(&c->msg, "PID", 0));
	if (!c->sink->result)
		return 0;
	long obr = -1, orc = -1;
	for (size_t s = 0; s < c->msg.nseg; s++) {
		const char *id = c->msg.seg[s].id;
		if (!strcmp(id, "OBR")) {
			obr = (long)s;
			orc = -1;
			continue;
		}
		if (!strcmp(id, "ORC")) {
			orc = (long)s;
			continue;
		}
		if (strcmp(id, "OBX"))
			continue;
		long o = (long)s;
		ssmix2_pool_reset(c);
		struct ehr_result r = {.patient_id = c->nm->patient};
		r.order_no = ssmix2_val(c, obr, 2, 0, 1, 0);
		if (!r.order_no)
			r.order_no = ssmix2_val(c, orc, 2, 0, 1, 0);
		r.code = ssmix2_val(c, o, 3, 0, 1, 0);
		r.name = ssmix2_val(c, o, 3, 0, 2, 0);
		r.code_system = ssmix2_val(c, o, 3, 0, 3, 0);
		const char *type = ssmix2_val(c, o, 2, 0, 1, 0);
		if (type && (!strcmp(type, "CWE") || !strcmp(type, "CE"))) {
			r.value = ssmix2_val(c, o, 5, 0, 2, 0);
			if (!r.value)
				r.value = ssmix2_val(c, o, 5, 0, 1, 0);
		} else {
			r.value = ssmix2_val(c, o, 5, 0, 0, 0);
		}
		r.unit = ssmix2_val(c, o, 6, 0, 1, 0);
		r.reference = ssmix2_val(c, o, 7, 0, 0, 0);
		r.flag = ssmix2_val(c, o, 8, 0, 1, 0);
		r.status = ssmix2_result_status(ssmix2_val(c, o, 11, 0, 1, 0));
		r.time = ssmix2_ts_val(c, o, 14, 0, 1, 0);
		if (!r.time)
			r.time = ssmix2_ts_val(c, obr, 7, 0, 1, 0);
		if (!r.code && !r.name) {
			ssmix2_warnf(c, EHR_WARN_PARSE,
			             L_("OBX without an observation identifier", "OBX に検査項目の識別子がありません"));
			continue;
		}
		int rc = c->sink->result(c->sink->ctx, c->src, &r);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int handle_ppr(struct ssmix2_mctx *c)
{
	ssmix2_check_pid(c, hl7_find(&c->msg, "PID", 0));
	if (!c->sink->diagnosis)
		return 0;
	for (long s = hl7_find(&c->msg, "PRB", 0); s >= 0; s = hl7_find(&c->msg, "PRB", (size_t)s + 1)) {
		ssmix2_pool_reset(c);
		struct ehr_diagnosis d = {.patient_id = c->nm->patient, .active = 1};
		const char *action = ssmix2_val(c, s, 1, 0, 1, 0);
		d.id = ssmix2_val(c, s, 4, 0, 1, 0);
		d.name = ssmix2_val(c, s, 3, 0, 2, 0);
		const char *icd = ssmix2_val(c, s, 10, 0, 1, 0), *icd_sys = ssmix2_val(c, s, 10, 0, 3, 0);
		if (icd && icd_sys && !strncmp(icd_sys, "I10", 3)) {
			d.code = icd;
			d.code_system = "ICD10";
		} else {
			d.code = ssmix2_val(c, s, 3, 0, 1, 0);
			d.code_system = ssmix2_val(c, s, 3, 0, 3, 0);
		}
		if (!d.id)
			d.id = d.code;
		if (!d.name)
			d.name = ssmix2_val(c, s, 17, 0, 0, 0);
		d.start = ssmix2_ts_val(c, s, 16, 0, 1, 0);
		if (!d.start)
			d.start = ssmix2_ts_val(c, s, 7, 0, 1, 0);
		d.end = ssmix2_ts_val(c, s, 9, 0, 1, 0);
		if (d.end || (action && !strcmp(action, "DE")))
			d.active = 0;
		const char *rank = ssmix2_val(c, s, 18, 0, 1, 0);
		d.main = rank && !strcmp(rank, "1");
		if (!d.name && !d.code) {
			ssmix2_warnf(c, EHR_WARN_PARSE, L_("PRB without a problem", "PRB に病名がありません"));
			continue;
		}
		int rc = c->sink->diagnosis(c->sink->ctx, c->src, &d);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The message type each handled data type must carry (MSH-9.1), for a sanity check. */
static const char *expected_type(const char *data_type)
{
	if (!strcmp(data_type, "OMD"))
		return "OMD";
	if (!strcmp(data_type, "OMG-01") || !strcmp(data_type, "OMG-02") || !strcmp(data_type, "OMG-03"))
		return "OMG";
	if (!strcmp(data_type, "OMG-11") || !strcmp(data_type, "OMG-12"))
		return "OMI"; /* JAHIS 放射線・内視鏡 実施 (OMI^Z23); OMG is accepted too (dispatch) */
	if (!strcmp(data_type, "OMG-13"))
		return "ORU";
	if (!strcmp(data_type, "OML-01"))
		return "OML";
	if (!strcmp(data_type, "ADT-00") || !strcmp(data_type, "ADT-61") || !strcmp(data_type, "ADT-22") ||
	    !strcmp(data_type, "ADT-42") || !strcmp(data_type, "ADT-52"))
		return "ADT";
	if (!strcmp(data_type, "OMP-01") || !strcmp(data_type, "OMP-02"))
		return "RDE";
	if (!strcmp(data_type, "OML-11"))
		return "OUL";
	if (!strcmp(data_type, "PPR-01"))
		return "PPR";
	return NULL;
}

int ssmix2_type_read(const char *data_type)
{
	return data_type && expected_type(data_type) != NULL;
}

static int dispatch(struct ssmix2_mctx *c)
{
	const char *type = c->nm->type;
	const char *want = expected_type(type);
	if (!want) {
		/* Kept raw and counted; not a data-quality problem. */
		return c->sink->raw ? c->sink->raw(c->sink->ctx, c->src, c->msg.text.data, c->msg.text.len) : 0;
	}
	struct buf *mt = &c->mt, *trig = &c->trig;
	hl7_get(&c->msg, "MSH", 9, 0, 1, 0, mt);
	hl7_get(&c->msg, "MSH", 9, 0, 2, 0, trig);
	int rc = 0;
	if (strcmp(buf_cstr(mt), want) && !(!strcmp(want, "OMI") && !strcmp(buf_cstr(mt), "OMG"))) {
		ssmix2_warnf(
		        c, EHR_WARN_PARSE,
		        L_("%s file holds a '%.8s^%.8s' message, '%s' expected; kept raw",
		           "%s のファイルに '%.8s^%.8s' のメッセージがあります ('%s' のはず)。原文のみ保存しました"),
		        type, buf_cstr(mt), buf_cstr(trig), want);
		if (c->sink->raw)
			rc = c->sink->raw(c->sink->ctx, c->src, c->msg.text.data, c->msg.text.len);
		goto done;
	}
	c->st->handled = 1;
	if (!strcmp(type, "ADT-00"))
		rc = ssmix2_handle_adt00(c, trig->len ? trig->data : NULL);
	else if (!strcmp(type, "ADT-61")) {
		ssmix2_check_pid(c, hl7_find(&c->msg, "PID", 0));
		rc = ssmix2_emit_allergies(c, "IAM");
	} else if (!strcmp(type, "OMP-01"))
		rc = handle_rde(c, EHR_ORDER_RX);
	else if (!strcmp(type, "OMP-02"))
		rc = handle_rde(c, EHR_ORDER_INJECTION);
	else if (!strcmp(type, "OML-11") || !strcmp(type, "OMG-13"))
		rc = handle_oul(c);
	else if (!strcmp(type, "OMD"))
		rc = ssmix2_handle_omd(c);
	else if (!strcmp(type, "OMG-01") || !strcmp(type, "OMG-02") || !strcmp(type, "OMG-03"))
		rc = ssmix2_handle_omg(c, EHR_ORDER_EXAM, 0);
	else if (!strcmp(type, "OMG-11") || !strcmp(type, "OMG-12"))
		rc = ssmix2_handle_omg(c, EHR_ORDER_EXAM, 1);
	else if (!strcmp(type, "OML-01"))
		rc = ssmix2_handle_omg(c, EHR_ORDER_LAB, 0);
	else if (!strcmp(type, "PPR-01"))
		rc = handle_ppr(c);
	else
		rc = ssmix2_handle_adt_event(c, trig->len ? trig->data : NULL);
done:
	return rc;
}

struct ssmix2_reader {
	struct ssmix2_mctx c; /* its message, value pool and scratch buffers are kept between messages */
	struct buf text;
};

struct ssmix2_reader *ssmix2_reader_new(void)
{
	return lb_calloc(1, sizeof(struct ssmix2_reader));
}

static void reader_release(struct ssmix2_reader *r)
{
	hl7_release(&r->c.msg);
	for (int i = 0; i < SSMIX2_POOL; i++)
		buf_release(&r->c.pool[i]);
	buf_release(&r->c.tmp);
	buf_release(&r->c.mt);
	buf_release(&r->c.trig);
	buf_release(&r->text);
}

void ssmix2_reader_free(struct ssmix2_reader *r)
{
	if (!r)
		return;
	reader_release(r);
	free(r);
}

int ssmix2_read_message_with(struct ssmix2_reader *r, const struct ssmix2_name *nm, const struct ehr_source *src,
                             const char *bytes, size_t len, const struct ehr_sink *sink, struct ssmix2_msg_stats *st)
{
	struct ssmix2_msg_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	struct ssmix2_mctx *c = &r->c;
	c->nm = nm;
	c->src = src;
	c->sink = sink;
	c->st = st;
	c->used = 0;
	struct buf *text = &r->text;
	buf_reset(text);
	struct text_report rep = {0};
	int rc = 0, raw_kept = 0;
	if (len > HL7_MAX_MESSAGE) {
		ssmix2_warnf(c, EHR_WARN_LIMIT,
		             L_("message of %zu bytes is over the %u-byte cap; read in part",
		                "メッセージが %zu バイトで上限の %u バイトを超えています。一部だけ読みました"),
		             len, HL7_MAX_MESSAGE);
		len = HL7_MAX_MESSAGE;
	}
	text_decode_iso2022jp(text, len ? bytes : "", len, &rep);
	if (rep.bad_count) {
		ssmix2_warnf(
		        c, EHR_WARN_ENCODING,
		        L_("%zu places could not be decoded as ISO-2022-JP (first at byte %zu); raw kept",
		           "%zu か所を ISO-2022-JP として復号できません (最初は %zu バイト目)。原文を保存しました"),
		        rep.bad_count, rep.bad[0].offset);
		if (sink->raw && (rc = sink->raw(sink->ctx, src, bytes, len)) < 0)
			return rc;
		raw_kept = 1;
	}
	if (hl7_parse_reuse(&c->msg, buf_cstr(text), text->len) < 0) {
		ssmix2_warnf(c, EHR_WARN_PARSE,
		             L_("not an HL7 v2 message: %s; raw kept",
		                "HL7 v2 のメッセージではありません: %s。原文を保存しました"),
		             lb_errmsg());
		if (sink->raw && !raw_kept)
			rc = sink->raw(sink->ctx, src, bytes, len);
		st->broken = expected_type(nm->type) != NULL;
		return rc;
	}
	st->parsed = 1;
	if (text->len && text->data[text->len - 1] != '\r' && text->data[text->len - 1] != '\n')
		ssmix2_warnf(c, EHR_WARN_PARSE,
		             L_("message does not end with a segment terminator (truncated?)",
		                "メッセージがセグメント終端文字で終わっていません (途中で切れている?)"));
	if (c->msg.limits)
		ssmix2_warnf(c, EHR_WARN_LIMIT,
		             L_("message over the parser's caps (%s%s%s%s%s); read in part",
		                "メッセージが読み取りの上限を超えています (%s%s%s%s%s)。一部だけ読みました"),
		             c->msg.limits & HL7_LIMIT_MESSAGE ? L_("size ", "サイズ ") : "",
		             c->msg.limits & HL7_LIMIT_SEGMENTS ? L_("segments ", "セグメント数 ") : "",
		             c->msg.limits & HL7_LIMIT_SEGMENT_LEN ? L_("segment length ", "セグメント長 ") : "",
		             c->msg.limits & HL7_LIMIT_FIELDS ? L_("fields ", "フィールド数 ") : "",
		             c->msg.limits & HL7_LIMIT_REPS ? L_("repetitions", "繰り返し数") : "");
	rc = dispatch(c);
	st->broken = st->broken || (expected_type(nm->type) && !st->handled);
	return rc;
}

int ssmix2_read_message(const struct ssmix2_name *nm, const struct ehr_source *src, const char *bytes, size_t len,
                        const struct ehr_sink *sink, struct ssmix2_msg_stats *st)
{
	struct ssmix2_reader r;
	memset(&r, 0, sizeof(r));
	int rc = ssmix2_read_message_with(&r, nm, src, bytes, len, sink, st);
	reader_release(&r);
	return rc;
}
