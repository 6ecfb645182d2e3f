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
	const char *blood_abo, *blood_rh;       /* "A", "+" ; NULL if unknown */
	const char *updated;                    /* time of the message or resource */
};

enum ehr_allergy_kind { EHR_ALLERGY_DRUG = 1, EHR_ALLERGY_FOOD, EHR_ALLERGY_OTHER };
struct ehr_allergy {
	const char *patient_id;
	const char *id;          /* stable within the source (AL1 set id / IAM identifier / FHIR id) or NULL */
	enum ehr_allergy_kind kind;
	const char *code, *code_system; /* YJ, HOT, J-FAGY, local … or NULL */
	const char *name;        /* ペニシリン系抗生物質, 卵, ラテックス */
	const char *reaction;    /* 発疹, アナフィラキシー */
	const char *severity;    /* "severe", "moderate", "mild" or NULL */
	const char *recorded;    /* date or time */
	int active;              /* 0 when entered in error / resolved / deleted */
};

enum ehr_order_kind { EHR_ORDER_RX = 1, EHR_ORDER_INJECTION };
struct ehr_medication {
	const char *patient_id;
	const char *order_no;    /* ORC-2 / RXE order number / FHIR id */
	enum ehr_order_kind kind;
	const char *drug_code, *code_system; /* HOT9 / YJ / local code */
	const char *drug_name;
	double dose;             /* per administration; 0 if not given */
	const char *dose_unit;   /* mg, 錠, mL … */
	double per_day;          /* administrations per day; 0 if not given */
	const char *frequency;   /* as written: 1日3回毎食後 */
	const char *route;       /* 経口, 静注 … */
	const char *start;       /* date or time */
	int days;                /* days supplied; 0 if not given */
	const char *end;         /* date or NULL */
	const char *status;      /* "active", "completed", "cancelled" */
	const char *prescriber, *department;
	const char *ordered;     /* time of the order */
};

struct ehr_result {
	const char *patient_id;
	const char *order_no;
	const char *code, *code_system; /* JLAC10 / local */
	const char *name;        /* 白血球数, HbA1c */
	const char *value;       /* as sent */
	const char *unit;
	const char *reference;   /* "3.3-8.6" */
	const char *flag;        /* "H", "L", "HH", "LL", "N", "A" or NULL */
	const char *time;        /* observation time */
	const char *status;      /* "final", "preliminary", "corrected", "cancelled" */
};

struct ehr_diagnosis {
	const char *patient_id;
	const char *id;
	const char *code, *code_system; /* ICD10 / MEDIS 病名管理番号 */
	const char *name;
	const char *start, *end;
	int active;
	int main;                /* 主病名 */
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
	const char *time;        /* when it took effect */
	const char *ward, *room, *bed;
	const char *department, *attending;
	const char *visit_id;    /* PV1-19 or FHIR Encounter id */
};

struct ehr_appointment {
	const char *id;
	const char *patient_id;
	const char *start;       /* YYYY-MM-DDTHH:MM */
	const char *department, *clinician;
	const char *kind;        /* 再診, 検査, 初診 … */
	const char *status;      /* "booked", "cancelled", "arrived" */
	const char *phone;       /* contact for this booking if the feed carries one */
	const char *note;
};

struct ehr_drug {
	const char *code;        /* the code orders use (HOT9 / YJ / local) */
	const char *name;        /* brand name: ロキソニン錠60mg */
	const char *generic_name;/* the ingredient, for duplicate checks: ロキソプロフェンナトリウム */
	const char *kana;        /* ロキソニン */
	const char *form;        /* 錠, 注, カプセル … */
	const char *unit;        /* mg, 錠, mL */
	double max_daily_dose;   /* in unit; 0 = none given */
	const char *pregnancy;   /* category or text; NULL none */
	const char *interaction_groups; /* ';'-separated; drugs that share a group interact */
	const char *allergy_classes;    /* ';'-separated: ペニシリン系 … */
	const char *yj_code, *hot_code; /* other codes for search, NULL if absent */
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
};

/* ---- HL7 v2 and SS-MIX2 standard storage (hl7.c, ssmix2.c, ssmix2_msg.c) ------------------------------------- */

/* ---- FHIR, CSV feeds and the synthetic hospital (fhir.c, csv.c, synth*.c) ------------------------------------ */

/* Read every *.ndjson file of dir (FHIR R4: Patient, AllergyIntolerance, MedicationRequest, Condition, Encounter,
 * Observation, Appointment; other resource types are counted and skipped with a warning). */
int ehr_fhir_read_dir(const char *dir, const struct ehr_sink *sink);
int ehr_fhir_read_file(const char *path, const struct ehr_sink *sink);
/* The CSV feeds of docs/feeds.md, read by header names in any order (extra columns ignored), UTF-8 or CP932. */
int ehr_appointments_read(const char *path, const struct ehr_sink *sink);
int ehr_drugs_read(const char *path, const struct ehr_sink *sink);

/* The synthetic hospital: deterministic for a given seed and patient count. */
struct ehr_synth_opts {
	const char *out_dir;  /* writes ssmix2/, fhir/*.ndjson, appointments.csv, drugs.csv */
	long patients;
	uint64_t seed;
	const char *today;    /* "YYYY-MM-DD" the data is as of; NULL = a fixed date so output is reproducible */
};
int ehr_synth(const struct ehr_synth_opts *o);

#endif /* LB_EHR_H */
