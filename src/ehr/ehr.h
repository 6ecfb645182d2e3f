/*
 * ehr.h - EHR exports in, clinical records out: the whole interface of src/ehr/.
 *
 * ehr stands on text and core. It owns the parsers of what hospitals export (HL7 v2.5 as SS-MIX2 standard
 * storage, FHIR R4 NDJSON, the appointments and drug-master CSV feeds of docs/feeds.md) and the synthetic
 * hospital that writes all of them. Parsers emit records through a struct ehr_sink; the clinical store implements
 * the sink and persists what it is given. ehr never calls the store.
 *
 * Records hold UTF-8 text (decoded once at the edge) and point into the parser's memory: a sink copies what it
 * keeps before returning. A NULL string field means "not given"; "" means given empty.
 * Dates are "YYYY-MM-DD", times "YYYY-MM-DDTHH:MM[:SS]" (local time of the hospital, as the sources carry it).
 */
#ifndef LB_EHR_H
#define LB_EHR_H

#include "core/core.h"
#include "text/text.h"

/* ---- records ------------------------------------------------------------------------------------------------- */

/* Where a record came from: every row of the store knows its source file. */
struct ehr_source {
	const char *path;      /* the file, as given to the parser (SS-MIX2: relative to the storage root) */
	const char *kind;      /* "ssmix2", "fhir", "appointments", "drugs" */
	const char *data_type; /* SS-MIX2 data type ("ADT-00", "OMP-01" …) or FHIR resource type, or NULL */
	int64_t line;          /* NDJSON / CSV line, 0 for whole files */
};

struct ehr_patient {
	const char *id;                         /* the hospital's patient ID (SS-MIX2: from the storage path) */
	const char *family_kanji, *given_kanji; /* 佐藤 / 花子 */
	const char *family_kana, *given_kana;   /* サトウ / ハナコ (full-width katakana as sent) */
	const char *birth_date;                 /* YYYY-MM-DD */
	char sex;                               /* 'M', 'F', 'O' other, 'U' unknown */
	const char *postal_code, *address;
	const char *phone_home, *phone_mobile;
	const char *blood_abo, *blood_rh; /* "A", "+" ; NULL if unknown */
	const char *updated;              /* time of the message or resource */
};

enum ehr_allergy_kind { EHR_ALLERGY_DRUG = 1, EHR_ALLERGY_FOOD, EHR_ALLERGY_OTHER };
struct ehr_allergy {
	const char *patient_id;
	const char *id; /* stable within the source (AL1 set id / IAM identifier / FHIR id) or NULL */
	enum ehr_allergy_kind kind;
	const char *code, *code_system; /* YJ, HOT, J-FAGY, local … or NULL */
	const char *name;               /* ペニシリン系抗生物質, 卵, ラテックス */
	const char *reaction;           /* 発疹, アナフィラキシー */
	const char *severity;           /* "severe", "moderate", "mild" or NULL */
	const char *recorded;           /* date or time */
	int active;                     /* 0 when entered in error / resolved / deleted */
};

enum ehr_order_kind { EHR_ORDER_RX = 1, EHR_ORDER_INJECTION };
struct ehr_medication {
	const char *patient_id;
	const char *order_no; /* ORC-2 / RXE order number / FHIR id */
	enum ehr_order_kind kind;
	const char *drug_code, *code_system; /* HOT9 / YJ / local code */
	const char *drug_name;
	double dose;           /* per administration; 0 if not given */
	const char *dose_unit; /* mg, 錠, mL … */
	double per_day;        /* administrations per day; 0 if not given */
	const char *frequency; /* as written: 1日3回毎食後 */
	const char *route;     /* 経口, 静注 … */
	const char *start;     /* date or time */
	int days;              /* days supplied; 0 if not given */
	const char *end;       /* date or NULL */
	const char *status;    /* "active", "completed", "cancelled" */
	const char *prescriber, *department;
	const char *ordered; /* time of the order */
};

/* An order a nurse works from that is not a medicine: diet (SS-MIX2 OMD), exams and imaging (OMG-*), lab (OML-01). */
enum ehr_order_class { EHR_ORDER_DIET = 1, EHR_ORDER_EXAM, EHR_ORDER_LAB };
struct ehr_order {
	const char *patient_id;
	const char *order_no; /* ORC-2 */
	enum ehr_order_class cls;
	const char *data_type;          /* "OMD", "OMG-01" … (what kind of exam: imaging, endoscopy, physiology) */
	const char *code, *code_system; /* OBR-4 / ODS-3 */
	const char *name;               /* Ｘ線単純撮影, 生化学的検査, 常食 */
	const char *detail; /* diet: ODS-4 instructions and preferences (塩分控えめ, 禁食 …); lab: items, specimen */
	const char *frequency; /* TQ1-3 as written: １日３回 */
	const char *start;     /* TQ1-7, SPM-17 or OBR-7 */
	const char *end;       /* TQ1-8 or NULL */
	const char *status;    /* "active", "completed" (performed), "cancelled" */
	const char *orderer, *department;
	const char *ordered; /* ORC-9 */
};

struct ehr_result {
	const char *patient_id;
	const char *order_no;
	const char *code, *code_system; /* JLAC10 / local */
	const char *name;               /* 白血球数, HbA1c */
	const char *value;              /* as sent */
	const char *unit;
	const char *reference; /* "3.3-8.6" */
	const char *flag;      /* "H", "L", "HH", "LL", "N", "A" or NULL */
	const char *time;      /* observation time */
	const char *status;    /* "final", "preliminary", "corrected", "cancelled" */
};

struct ehr_diagnosis {
	const char *patient_id;
	const char *id;
	const char *code, *code_system; /* ICD10 / MEDIS 病名管理番号 */
	const char *name;
	const char *start, *end;
	int active;
	int main; /* 主病名 */
};

enum ehr_adt_kind {
	EHR_ADT_ADMIT = 1,       /* ADT-22 (A01) */
	EHR_ADT_TRANSFER,        /* ADT-42 (A02) */
	EHR_ADT_DISCHARGE,       /* ADT-52 (A03) */
	EHR_ADT_CANCEL_ADMIT,    /* A11 */
	EHR_ADT_CANCEL_TRANSFER, /* A12 */
	EHR_ADT_CANCEL_DISCHARGE /* A13 */
};
struct ehr_adt {
	const char *patient_id;
	enum ehr_adt_kind kind;
	const char *time; /* when it took effect */
	const char *ward, *room, *bed;
	const char *department, *attending;
	const char *visit_id; /* PV1-19 or FHIR Encounter id */
};

struct ehr_appointment {
	const char *id;
	const char *patient_id;
	const char *start; /* YYYY-MM-DDTHH:MM */
	const char *department, *clinician;
	const char *kind;   /* 再診, 検査, 初診 … */
	const char *status; /* "booked", "cancelled", "arrived" */
	const char *phone;  /* contact for this booking if the feed carries one */
	const char *note;
};

struct ehr_drug {
	const char *code;         /* the code orders use (HOT9 / YJ / local) */
	const char *name;         /* brand name: ロキソニン錠60mg */
	const char *generic_name; /* the ingredient, for duplicate checks: ロキソプロフェンナトリウム */
	const char *kana;         /* ロキソニン */
	const char *form;         /* 錠, 注, カプセル … */
	const char *unit;         /* mg, 錠, mL */
	double max_daily_dose;    /* in unit; 0 = none given */
	const char *pregnancy;    /* category or text; NULL none */
	const char *interaction_groups; /* ';'-separated; drugs that share a group interact */
	const char *allergy_classes;    /* ';'-separated: ペニシリン系 … */
	const char *yj_code, *hot_code; /* other codes for search, NULL if absent */
	/* Age limits (min_age, max_age of the feed), in months of age as lb_age_months counts them. */
	int age_min_months;   /* allowed from this age on; 0 = no lower limit */
	int age_below_months; /* allowed only below this age (max_age plus one of its unit); 0 = no upper limit */
	/* What a pharmacist's check needs beyond the basics; every one may be absent (NULL / 0) in a hospital's master,
	 * and the checks then say what they could not check. */
	const char *contraindicated_groups; /* ';'-separated interaction groups of this drug that are 併用禁忌 */
	const char *therapeutic_class;      /* 薬効分類 (a number such as 2189 or a name such as スタチン) */
	const char *strength;   /* 含量・規格: the amount in one tablet/capsule/ampoule as written ("250mg") */
	int period_days;        /* dosing period: 1 daily, 7 weekly, 28 four-weekly; 0 = not given (daily) */
	int narrow_therapeutic; /* 1: a narrow therapeutic range (warfarin, colchicine, digoxin …) */
	int high_alert;         /* 1: ハイリスク薬 (a mark in search and on every check) */
	const char *confusable; /* ';'-separated names or codes of look-alike products (名称類似) */
	double max_per_kg_day;  /* paediatric maximum per kg of body weight per day, in unit; 0 = none */
	const char *elderly;    /* a caution for the elderly (高齢者: 減量 …) as written, or NULL */
};

/* ---- the sink ------------------------------------------------------------------------------------------------ */

enum ehr_warn {
	EHR_WARN_ENCODING = 1, /* bytes that could not be mapped (raw kept by the store) */
	EHR_WARN_PARSE,        /* a message, line or resource that could not be read */
	EHR_WARN_MISMATCH,     /* the message names another patient than its storage path */
	EHR_WARN_UNSUPPORTED,  /* a data type kept raw only */
	EHR_WARN_LIMIT,        /* a cap was hit (segment count, field length …) */
};

/*
 * What a parser hands its records to. Any callback may be NULL (records of that kind are skipped). A callback
 * returns 0, or a negative LB_E* code to stop the parse (the parser returns it). warning never stops anything.
 */
struct ehr_sink {
	void *ctx;
	int (*patient)(void *ctx, const struct ehr_source *src, const struct ehr_patient *r);
	int (*allergy)(void *ctx, const struct ehr_source *src, const struct ehr_allergy *r);
	int (*medication)(void *ctx, const struct ehr_source *src, const struct ehr_medication *r);
	int (*result)(void *ctx, const struct ehr_source *src, const struct ehr_result *r);
	int (*diagnosis)(void *ctx, const struct ehr_source *src, const struct ehr_diagnosis *r);
	int (*adt)(void *ctx, const struct ehr_source *src, const struct ehr_adt *r);
	int (*appointment)(void *ctx, const struct ehr_source *src, const struct ehr_appointment *r);
	int (*drug)(void *ctx, const struct ehr_source *src, const struct ehr_drug *r);
	/* A message kept as it came (unsupported types, or any message when the store keeps raw copies). */
	int (*raw)(void *ctx, const struct ehr_source *src, const char *bytes, size_t len);
	void (*warning)(void *ctx, const struct ehr_source *src, enum ehr_warn kind, const char *detail);
	int (*order)(void *ctx, const struct ehr_source *src, const struct ehr_order *r);
};

/*
 * A record log (reclog.c): a sink that copies every record, strings included, so that a parser can run on one
 * thread and its records be handed to the real sink on another, later, in the same order. A zeroed struct is an
 * empty log. Replay stops at the first callback error and returns it; the pointers a replayed record holds point
 * into the log (valid until it is reset or released).
 */
struct ehr_reclog {
	struct buf data;
	size_t n; /* entries */
};
void ehr_reclog_sink(struct ehr_reclog *log, struct ehr_sink *sink);
int ehr_reclog_replay(const struct ehr_reclog *log, const struct ehr_sink *sink);
void ehr_reclog_reset(struct ehr_reclog *log);
void ehr_reclog_release(struct ehr_reclog *log);

/* ---- HL7 v2 and SS-MIX2 standard storage (hl7.c, ssmix2.c, ssmix2_msg.c) ------------------------------------- */

/*
 * HL7 v2 (ER7) messages. hl7_parse copies the UTF-8 text and splits it into segments and fields; repetitions,
 * components and subcomponents are found on demand. Field numbers are HL7's (PID-5 is field 5; MSH-1 is the field
 * separator, MSH-2 the encoding characters); rep counts from 0, comp and sub from 1 (0 = the whole repetition /
 * component). Caps bound everything the input controls; what they cut is recorded in limits.
 */
#define HL7_MAX_MESSAGE (4u << 20) /* bytes of one message */
#define HL7_MAX_SEGMENTS 4096
#define HL7_MAX_SEGMENT_LEN (256u << 10)
#define HL7_MAX_FIELDS 256 /* per segment */
#define HL7_MAX_REPS 100   /* repetitions looked at in one field */
#define HL7_MAX_COMPONENTS 100
#define HL7_MAX_ESCAPE 64 /* longest escape sequence \...\ recognised */
enum { HL7_FS, HL7_CS, HL7_RS, HL7_EC, HL7_SS };
enum {
	HL7_LIMIT_MESSAGE = 1,
	HL7_LIMIT_SEGMENTS = 2,
	HL7_LIMIT_SEGMENT_LEN = 4,
	HL7_LIMIT_FIELDS = 8,
	HL7_LIMIT_REPS = 16, /* a field repeats more often than HL7_MAX_REPS (the rest is not looked at) */
};
struct hl7_span {
	uint32_t off, len;
};
struct hl7_segment {
	char id[4];           /* "PID"; shorter ids as sent */
	uint32_t first_field; /* index into hl7_msg.field of field 0 (the id) */
	uint32_t nfields;     /* including field 0 */
};
/* A parsed message. A zeroed struct is empty; hl7_release frees it. */
struct hl7_msg {
	struct buf text; /* the message, UTF-8, owned */
	char delim[5];   /* field, component, repetition, escape, subcomponent (0 if absent) */
	struct hl7_segment *seg;
	size_t nseg;
	struct hl7_span *field;
	size_t nfield, field_cap;
	unsigned limits; /* HL7_LIMIT_* bits of the caps that cut something */
	size_t seg_cap;
};
/* Parse utf8[0..n). Fails with -LB_EINVAL (and a detail) when there is no usable MSH; m is then empty. */
int hl7_parse(struct hl7_msg *m, const char *utf8, size_t n);
/* The same into m that is zeroed or holds an earlier message, whose memory is reused (hl7_release at the end). */
int hl7_parse_reuse(struct hl7_msg *m, const char *utf8, size_t n);
void hl7_release(struct hl7_msg *m);
/* Index of the first segment named id at or after from, or -1. */
long hl7_find(const struct hl7_msg *m, const char *id, size_t from);
/* Put the unescaped value of seg's field/rep/comp/sub in out (reset first). Returns 1 if non-empty, else 0. */
int hl7_get_at(const struct hl7_msg *m, size_t seg, int fld, int rep, int comp, int sub, struct buf *out);
/* The same on the first segment named id: hl7_get(m, "PID", 5, 0, 1, 0, &b) is the first family name. */
int hl7_get(const struct hl7_msg *m, const char *id, int fld, int rep, int comp, int sub, struct buf *out);
/* Number of repetitions in a field (0 when empty or absent; at most HL7_MAX_REPS). */
int hl7_reps(const struct hl7_msg *m, size_t seg, int fld);
/* Append s[0..n) with the escape sequences of m's delimiters undone (\F\ \S\ \T\ \R\ \E\ \Xhh\ \.br\). */
void hl7_unescape(const struct hl7_msg *m, const char *s, size_t n, struct buf *out);

/*
 * SS-MIX2 standard storage: root/PID[0:3]/PID[3:6]/PID/<YYYYMMDD or ->/<data type>/<file>, the file named
 * PID_date_type_orderNo_YYYYMMDDHHMMSSFFF_dept_flag (flag 1 valid, 0 deleted).
 */
#define SSMIX2_ID_MAX 64
struct ssmix2_name {
	char patient[SSMIX2_ID_MAX + 1];
	char date[9];  /* "YYYYMMDD" or "-" */
	char type[16]; /* "ADT-00", "OMP-01", "OMD" … */
	char order_no[SSMIX2_ID_MAX + 1];
	char time[18];                /* YYYYMMDDHHMMSSFFF */
	char dept[SSMIX2_ID_MAX + 1]; /* department code or "-" */
	int flag;                     /* 1 valid, 0 deleted */
};
/* Parse a file name (no folders). Fails with -LB_EINVAL and a detail saying what is wrong. */
int ssmix2_parse_name(const char *name, struct ssmix2_name *out);
/* Parse a path relative to the storage root and check that its folders agree with the file name. */
int ssmix2_parse_path(const char *relpath, struct ssmix2_name *out);

/* One file of the storage, as the walker found it. */
struct ssmix2_file {
	char *path; /* relative to the root, owned */
	struct ssmix2_name name;
	int64_t size, mtime_ns;
	int current; /* 1: the newest version of its (patient, date, type, order) and valid; 0: superseded
	                            by a newer file, or the newest is a deletion (flag 0) */
};
/*
 * What a walk remembers of the storage's folders, so that the next walk lists only what changed (ssmix2_walk.c):
 * one entry per prefix folder ("" the root, "a", "a/b") and per patient folder ("a/b/PID"). A folder's stamp hashes
 * its device, inode, mode, mtime and ctime: it changes when an entry is added to, removed from or renamed in the
 * folder, when the folder is replaced, and when its metadata is set; it does not change when a file inside is
 * rewritten in place. A folder whose mtime is less than settle_s seconds before the walk (or in the future) gets
 * stamp 0, which never matches: a writer may still be filling its files, so the next walk lists it again.
 */
enum ssmix2_dir_state {
	SSMIX2_DIR_GONE,   /* remembered but not found by this walk */
	SSMIX2_DIR_SAME,   /* stamps unchanged: not listed, its files are not in the scan */
	SSMIX2_DIR_WALKED, /* new or changed (or a full walk): listed, its files are in the scan */
};
struct ssmix2_dir {
	char *path;
	uint64_t stamp;
	struct buf below;    /* patient folders: the folders under it with their stamps (the walker's encoding) */
	struct buf warns;    /* the walk's warnings about entries inside, replayed while it is unchanged */
	long files, current; /* patient folders: files under it, and of those current */
	enum ssmix2_dir_state state;
};
/* A set of folder entries. A zeroed struct is empty; ssmix2_tree_release frees it. */
struct ssmix2_tree {
	struct ssmix2_dir *v;
	size_t n, cap;
};
/* Append an entry (the tree takes path, below and warns as copies) and return it. */
struct ssmix2_dir *ssmix2_tree_add(struct ssmix2_tree *t, const char *path, uint64_t stamp, const void *below,
                                   size_t below_len, const void *warns, size_t warns_len);
void ssmix2_tree_release(struct ssmix2_tree *t);

struct ssmix2_scan {
	struct ssmix2_file *files;
	size_t n, cap;
	long skipped;                 /* files and folders that are not storage (each warned about) */
	struct lb_progress *progress; /* set before ssmix2_scan to see files counted as they are found, or NULL */
	/* Set before ssmix2_scan (a zeroed struct walks everything, stats every file and keeps no stamps): */
	struct ssmix2_tree *tree; /* in: the previous walk's folders; out: this walk's, each with its state; or NULL */
	int full;                 /* list every folder even when its stamps are unchanged (the tree is still filled) */
	int no_file_stat;         /* do not stat files (size and mtime_ns are -1): a first load stats what it reads */
	int settle_s;             /* see struct ssmix2_dir */
	/* Out: what the folders skipped as unchanged hold (their patient folders' files and current counts). */
	long same_dirs, same_files, same_current;
};
/*
 * Walk the storage under root (no symlinks followed, folder depth fixed, no recursion) and decide which version
 * of each record is current. Names that do not parse, and folders that disagree with them, are warned about
 * through sink->warning and skipped (in path order, those of unchanged folders replayed). With a tree, a patient
 * folder whose own stamp and every stamp below it are unchanged is not listed: its files are not in the result.
 * Fails only when root cannot be read.
 */
int ssmix2_scan(const char *root, const struct ehr_sink *sink, struct ssmix2_scan *out);
void ssmix2_scan_release(struct ssmix2_scan *s);
/*
 * The same walk as a stream (ssmix2_scan.c). ssmix2_walk_start visits the prefix folders and leaves the patient
 * folders to threads (opts: tree, full, no_file_stat, settle_s, progress as for ssmix2_scan). The files come out
 * in batches, in path order: each holds whole patients (one PID[3:6] folder), sorted and with current set as
 * ssmix2_scan sets it; the last holds the patients whose IDs are too short for prefix folders of their own. A
 * consumer can load a batch while later folders are still being listed.
 */
struct ssmix2_walker;
int ssmix2_walk_start(const char *root, const struct ssmix2_scan *opts, struct ssmix2_walker **out);
/* Would ssmix2_walk_next return at once? */
int ssmix2_walk_ready(struct ssmix2_walker *w);
/* The next batch (waiting for it): 1 with the files (owned by the walker until ssmix2_walk_end), 0 after the last. */
int ssmix2_walk_next(struct ssmix2_walker *w, struct ssmix2_file **files, size_t *n);
/* Wait until every folder has been walked: then the tree holds each entry's final state. */
void ssmix2_walk_wait(struct ssmix2_walker *w);
/* Hand the warnings to sink (sorted by path), add skipped and same_* to out (not its files), count each walked
 * patient folder's current files in the tree, and free the walk and its batches. */
void ssmix2_walk_end(struct ssmix2_walker *w, const struct ehr_sink *sink, struct ssmix2_scan *out);

/* What reading one message found (summed by the caller). */
struct ssmix2_msg_stats {
	int parsed;  /* 1 when the message was read (even if only kept raw) */
	int handled; /* 1 when its type has a handler */
	int warnings;
	int broken; /* 1 when its type has a handler but the message could not be read as one (not HL7 v2, or another
	               message type): it gave none of the records its type carries */
};
/*
 * Decode (ISO-2022-JP) and parse one stored message and emit its records. The patient is the one nm names; a
 * PID-3 that disagrees is an EHR_WARN_MISMATCH. Unmapped bytes are EHR_WARN_ENCODING and the raw bytes go to
 * sink->raw; so do messages of types without a handler. Returns 0, or a sink callback's error.
 */
int ssmix2_read_message(const struct ssmix2_name *nm, const struct ehr_source *src, const char *bytes, size_t len,
                        const struct ehr_sink *sink, struct ssmix2_msg_stats *st);
/* 1 when lifeboat reads records out of messages of this SS-MIX2 data type, 0 when it keeps them raw only. */
int ssmix2_type_read(const char *data_type);
/* The buffers of ssmix2_read_message kept from one message to the next: one reader per thread that reads many. */
struct ssmix2_reader;
struct ssmix2_reader *ssmix2_reader_new(void);
void ssmix2_reader_free(struct ssmix2_reader *r);
int ssmix2_read_message_with(struct ssmix2_reader *r, const struct ssmix2_name *nm, const struct ehr_source *src,
                             const char *bytes, size_t len, const struct ehr_sink *sink, struct ssmix2_msg_stats *st);

/* ---- FHIR, CSV feeds and the synthetic hospital (fhir.c, csv.c, synth*.c) ------------------------------------ */

/* Read every *.ndjson file of dir (FHIR R4: Patient, AllergyIntolerance, MedicationRequest, Condition, Encounter,
 * Observation, Appointment; other resource types are counted and skipped with a warning). These readers return 0
 * when the file was read to its end (bad lines and rows are warnings), or a negative LB_E* code. */
int ehr_fhir_read_dir(const char *dir, const struct ehr_sink *sink);
int ehr_fhir_read_file(const char *path, const struct ehr_sink *sink);
/* The word people read for a stored code, in English or Japanese (words.c): severity "severe" → 重度, booking
 * status "booked" → 予約. NULL for NULL; an unknown code comes back as given. */
const char *ehr_severity_word(const char *severity, int ja);

/* 1 when an allergy record states that the patient has none (words.c): HL7 v2 AL1-3 "NKA"/"NKDA", SNOMED CT
 * 716186003 No known allergy, 409137002 … drug, 429625007 … food, 428607008 … environmental; or the text alone
 * says so ("No Known Allergies", 「なし」, 「アレルギーなし」, 「特記なし」). The store keeps it as kind "none":
 * never counted or marked as an allergy, shown as 「アレルギーなし (NKA)」. */
int ehr_allergy_says_none(const char *code, const char *name);
const char *ehr_booking_word(const char *status, int ja);

/* The CSV feeds of docs/feeds.md, read by header names in any order (extra columns ignored), UTF-8 or CP932. */
int ehr_appointments_read(const char *path, const struct ehr_sink *sink);
int ehr_drugs_read(const char *path, const struct ehr_sink *sink);
/*
 * An age limit of the drug master as masters write it: "15" or "15歳" / "15y" (years), "6か月" / "6m" (months),
 * "1歳6か月" / "1y6m"; full-width digits too; 以上 / 以下 may follow, as package inserts write them. A maximum
 * (upper) is inclusive in its last unit ("11" allows 11 years and 11 months, "6か月" six months and some days)
 * unless it says 未満 (under). *months receives the lowest allowed age (lower) or the first age no longer allowed
 * (upper), in completed months (lb_age_months). Returns 0, or -1 for anything else (at most 150 years).
 */
int ehr_age_limit_parse(const char *s, int upper, int *months);

/* What ehr_synth wrote (filled in when opts->stats is set). */
struct ehr_synth_stats {
	long patients, inpatients, outpatients_booked;
	int wards, beds;
	long ssmix2_files, ssmix2_deleted, ssmix2_updated, ssmix2_quirks; /* quirks: files with CP932-only characters */
	long by_type[12]; /* ADT-00, ADT-61, OMP-01, OMP-02, OML-11, PPR-01, ADT-22, ADT-42, ADT-52, … */
	long fhir_resources, appointments, drugs;
	long allergies, prescriptions, injections, results, diagnoses;
	long same_full_name;  /* patients who share kanji full name and sex with another patient */
	long same_name_birth; /* … and also the birth date (the dangerous ones) */
	uint64_t bytes;
};
/* Names of by_type[] entries, in order; NULL-terminated. */
extern const char *const ehr_synth_type_names[];

/* The synthetic hospital: deterministic for a given seed and patient count (byte-identical output). */
struct ehr_synth_opts {
	const char
	        *out_dir; /* writes ssmix2/, fhir/<Type>.ndjson, appointments.csv, drugs.csv; must not hold them yet */
	long patients;    /* 1 .. 10,000,000 */
	int beds;         /* total beds, exactly (1 .. 20,000); 0: one ward of 32-48 beds per 800 patients, 2 to 20 */
	uint64_t seed;
	const char *today;             /* "YYYY-MM-DD" the data is as of; NULL = 2026-11-24 so output is reproducible */
	struct lb_progress *progress;  /* advanced per patient, or NULL */
	struct ehr_synth_stats *stats; /* or NULL */
};
int ehr_synth(const struct ehr_synth_opts *o);

#endif /* LB_EHR_H */
