/*
 * ssmix2_int.h - what the SS-MIX2 message handlers share (ssmix2_msg.c, ssmix2_adt.c; not part of ehr.h).
 */
#ifndef LB_SSMIX2_INT_H
#define LB_SSMIX2_INT_H

#include "ehr.h"

#define SSMIX2_POOL 64 /* values of one record (an RXE with all it carries needs about 25) */

/* Per-message state: the parsed message and a pool of value buffers that records point into. */
struct ssmix2_mctx {
	const struct ssmix2_name *nm;
	const struct ehr_source *src;
	const struct ehr_sink *sink;
	struct ssmix2_msg_stats *st;
	struct hl7_msg msg;
	struct buf pool[SSMIX2_POOL];
	int used;
	struct buf tmp, mt, trig;
};

/* Count a warning and hand it to the sink. */
void ssmix2_warnf(struct ssmix2_mctx *c, enum ehr_warn kind, const char *fmt, ...) LB_PRINTF(3, 4);
/* Start a record: the value pool is free again. */
void ssmix2_pool_reset(struct ssmix2_mctx *c);
/* A value of the message in a fresh pool slot, or NULL when it is empty or absent (seg < 0: absent). */
const char *ssmix2_val(struct ssmix2_mctx *c, long seg, int fld, int rep, int comp, int sub);
/* An HL7 date or time as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]"; other text as sent. */
const char *ssmix2_ts_val(struct ssmix2_mctx *c, long seg, int fld, int rep, int comp, int sub);
/* A positive number, or 0. */
double ssmix2_num(const char *s);
/* Warn when PID-3 names another patient than the storage path (or there is no PID). */
void ssmix2_check_pid(struct ssmix2_mctx *c, long pid);

/* OBX-11 as a result status ("final", "corrected", "preliminary", "cancelled"), NULL when absent or unknown. */
const char *ssmix2_result_status(const char *s);

/* ssmix2_adt.c */
int ssmix2_handle_adt00(struct ssmix2_mctx *c, const char *trigger);
/* The body weight and height OBX of an ADT message (JLAC10 9N006 体重 / 9N001 身長, LOINC 29463-7 / 3141-9 /
 * 8302-2, or named so) as results; their time is OBX-14, else EVN-2, else MSH-7. */
int ssmix2_emit_body_obx(struct ssmix2_mctx *c);
int ssmix2_emit_allergies(struct ssmix2_mctx *c, const char *segid);
int ssmix2_handle_adt_event(struct ssmix2_mctx *c, const char *trigger);

/* ssmix2_order.c: a diet order (OMD), and an exam, imaging or lab order (OMG-*, OML-01; performed: OMG-11/12). */
int ssmix2_handle_omd(struct ssmix2_mctx *c);
int ssmix2_handle_omg(struct ssmix2_mctx *c, enum ehr_order_class cls, int performed);

#endif
