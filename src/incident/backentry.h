/*
 * backentry.h - back-entry after an outage (docs/backentry.md): downtime numbers allocated in normal times, the
 * register of paper orders written during the outage, links of downtime patients to real IDs, and the worklist of
 * what is still to enter, scan and bill. Everything lives in the incident file (schema version 4); every change
 * is a timeline entry of type "backentry" (incident = the open incident, or 0 when none), so `incident verify`
 * covers it. The CLI, the ward station and the label printer use only this header.
 */
#ifndef LB_INCIDENT_BACKENTRY_H
#define LB_INCIDENT_BACKENTRY_H

#include "incident.h"

#include <stdint.h>

#define INCIDENT_T_BACKENTRY "backentry" /* kind: numbers, order, step, link, unlink, merge */

/* ---- downtime numbers (numbers.c) ---------------------------------------------------------------------------- */

enum be_numkind { BE_NUM_ORDER, BE_NUM_PATIENT };
#define BE_WARD_MAX 8
#define BE_SERIAL_MAX 999999u
#define BE_NUMBER_MAX 24 /* "DT-" ward "-" 6 digits "-" check, with NUL */

/* "order" / "patient", and back (-1 when neither). */
const char *be_numkind_name(int kind);
int be_numkind_parse(const char *s);
/* 1 when w is a ward code: 1 to 8 of [A-Z0-9]. */
int be_ward_ok(const char *w);
/* The check digit (0-9) of ward + 6-digit serial: Damm's algorithm, a ward letter as two digits (A=10 … Z=35). */
int be_check_digit(const char *ward, uint32_t serial);
/* "DT-3A-000123-9" (order) or "DP-3A-000123-7" (patient) into out. */
void be_number_format(char out[BE_NUMBER_MAX], int kind, const char *ward, uint32_t serial);
/* Parse a number: 0, or -LB_EINVAL with a one-line message (malformed, or a check digit that does not match). */
int be_number_parse(const char *s, int *kind, char ward[BE_WARD_MAX + 1], uint32_t *serial);
/* Reserve count new serials of (kind, ward), never reused, as one timeline entry by who: *first is the first. */
int be_numbers_allocate(struct incident_file *f, int kind, const char *ward, uint32_t count, const char *who,
                        const char *os_user, uint32_t *first, int64_t *seq);
/* 1 when number is well-formed and was allocated in this file, 0 when not, < 0 on error (message set). */
int be_number_allocated(struct incident_file *f, const char *number);

struct be_block {
	int kind;
	char ward[BE_WARD_MAX + 1];
	uint32_t first, count;
	char *who;
	int64_t at_ms, seq;
};
/* The blocks allocated (ward NULL: all; kind -1: both), oldest first. Release with be_blocks_release. */
int be_blocks_list(struct incident_file *f, const char *ward, int kind, struct be_block **out, size_t *n);
void be_blocks_release(struct be_block *b, size_t n);

/* ---- the register of paper orders (orders.c) ----------------------------------------------------------------- */

enum be_kind {
	BE_PRESCRIPTION,
	BE_INJECTION,
	BE_LAB,
	BE_IMAGING,
	BE_NURSING,
	BE_DIET,
	BE_ADMISSION,
	BE_DISCHARGE,
	BE_TRANSFER,
	BE_NOTE,
	BE_KIND_COUNT
};
const char *be_kind_name(int k);             /* "prescription" */
const char *be_kind_label(int k);            /* "処方" (ja) / "prescription" (en) in the current language */
const char *be_kind_label_in(int k, int ja); /* the same in the language asked for (a station's reader) */
int be_kind_parse(const char *s);            /* name or Japanese label; -1 when none */

/* Does the EHR (the store) know this patient ID? 1 yes, 0 no, < 0 error. */
typedef int (*be_patient_known_fn)(const char *id, void *arg);

struct be_order_new {
	const char *number;                        /* DT-… allocated in this file */
	const char *patient;                       /* a real ID (checked by patient_known) or an allocated DP-… */
	int kind;                                  /* enum be_kind */
	int64_t clinical_ms;                       /* when it was written or done (0: now) */
	const char *author;                        /* who wrote the paper */
	const char *ward;                          /* NULL: the number's ward */
	const char *form_serial, *paper_at, *note; /* optional */
	const char *origin;                        /* which ward file it came from (NULL: this one) */
	const char *who, *os_user;                 /* who registers it */
};
struct be_order {
	char number[BE_NUMBER_MAX];
	char ward[BE_WARD_MAX + 1];
	char *patient, *author, *form_serial, *paper_at, *note, *registered_by, *origin;
	char *linked_to; /* the real ID a DP- patient is linked to now (NULL: none) */
	int kind;
	int64_t clinical_ms, registered_ms, seq;
	uint8_t hash[32];
	int done;          /* steps done or waived: BE_STEP_* bits */
	int64_t closed_ms; /* when the last step was done (0: open) */
};
void be_order_release(struct be_order *o);

/* The content hash of an order (BLAKE2b-256 over number, ward, patient, kind, clinical time, author, form serial,
 * paper place, note; not who registered it, nor where from): two ward files hold the same entry iff equal. */
void be_order_hash(const struct be_order_new *n, const char *ward, uint8_t out[32]);

/* Register n. The same number with the same content again: 0, *existed = 1 and *seq the first entry (a second
 * scan opens it). Different content: -LB_EEXIST naming the entry. Bad input: -LB_EINVAL, nothing written. */
int be_order_add(struct incident_file *f, const struct be_order_new *n, be_patient_known_fn known, void *arg,
                 int64_t *seq, int *existed);
/* One order by number: 0, or -LB_ENOTFOUND. */
int be_order_get(struct incident_file *f, const char *number, struct be_order *o);

struct be_filter {
	const char *ward;    /* NULL: all */
	int kind;            /* -1: all */
	const char *patient; /* NULL: all; a real ID also matches DP- numbers linked to it */
	int missing_step;    /* backlog only: 0, or a BE_STEP_* bit not yet done */
};
#define BE_FILTER_ALL             \
	{                         \
		NULL, -1, NULL, 0 \
	}
/* Each order matching flt, by number; each returns non-zero to stop (that value is returned). */
int be_order_list(struct incident_file *f, const struct be_filter *flt, int (*each)(const struct be_order *, void *),
                  void *arg);

/* ---- downtime patients (orders.c) ---------------------------------------------------------------------------- */

/* Link an allocated DP- number to a real ID (checked by known when given), or undo the link (a new entry). */
int be_patient_link(struct incident_file *f, const char *dp, const char *real_id, be_patient_known_fn known, void *arg,
                    const char *who, const char *os_user, int64_t *seq);
int be_patient_unlink(struct incident_file *f, const char *dp, const char *who, const char *os_user, int64_t *seq);

/* ---- the back-entry worklist (backlog.c) --------------------------------------------------------------------- */

#define BE_STEP_ENTERED 1
#define BE_STEP_SCANNED 2
#define BE_STEP_BILLED 4
#define BE_STEP_ALL 7
const char *be_step_name(int step); /* "entered", "scanned", "billed" */
int be_step_parse(const char *s);   /* BE_STEP_* bit, or -1 */

/* Mark step (one bit) done for every number (waive: the reason, else NULL), as one timeline entry. Every number must
 * be registered; otherwise -LB_EINVAL and nothing is written. */
int be_steps_mark(struct incident_file *f, const char *const *numbers, size_t n, int step, const char *waive,
                  const char *who, const char *os_user, int64_t *seq);
/* The outstanding orders (not all three steps done or waived) matching flt. */
int be_backlog_list(struct incident_file *f, const struct be_filter *flt, int (*each)(const struct be_order *, void *),
                    void *arg);
/* One page of the backlog (the station's worklist): at most limit outstanding orders matching flt (patient not
 * used) whose numbers come after after ("" or NULL: from the first), by number; *more = 1 when more follow. Keyset
 * paging over the partial indexes of the open rows: a page reads about the rows it shows, never counts them all. */
int be_backlog_page(struct incident_file *f, const struct be_filter *flt, const char *after, size_t limit,
                    int (*each)(const struct be_order *, void *), void *arg, int *more);
/* Outstanding orders at the end of each UTC day (day_ms = its start) from the first registration to now_ms. */
struct be_day {
	int64_t day_ms;
	int64_t outstanding;
};
int be_burndown(struct incident_file *f, int64_t now_ms, struct be_day **days, size_t *n);

/* ---- the ward's medium, merged at the records office (be_medium.c, be_merge.c, conflicts.c) ------------------ */

/*
 * A ward station works offline in its own incident file; `incident orders export` writes its register to a folder
 * (manifest.json, orders.jsonl, steps.jsonl, links.jsonl, blocks.jsonl, README.txt and SHA256SUMS over them), and
 * `incident orders import` merges it into the records office's file: every hash checked first, then one
 * transaction and one "merge" timeline entry. Merging is idempotent; the same number with other content is a
 * conflict (both kept) that a person resolves (docs/backentry.md "Export and import").
 */
#define BE_MEDIUM_TAG "lifeboat backentry medium v1"
#define BE_MEDIUM_INFO "manifest.json"

struct be_export_result {
	int64_t orders, steps, links, blocks;
	uint8_t sums_sha256[32]; /* of SHA256SUMS (to write on the hand-over slip) */
};
/* Write the register (ward NULL: every ward; else the orders of that ward, their steps, the links of their
 * downtime patients and the ward's blocks) into dir, which must not exist or be empty: whole or absent. */
int be_orders_export(struct incident_file *f, const char *ward, const char *dir, int64_t now_ms,
                     struct be_export_result *r);

struct be_import_result {
	int64_t orders, added, same, conflicts; /* orders on the medium: new, already here, conflicting */
	int64_t steps, links, blocks;           /* rows added */
	int64_t seq;                            /* the merge entry */
	int seen;                               /* this very medium was imported before */
	char wards[64];                         /* the medium's wards, "3A,4B" */
};
/* Check the medium in dir (SHA256SUMS, the manifest, every line, every order's content hash), then merge it in one
 * transaction. A damaged or altered medium: -LB_EINVAL with one line, nothing written. */
int be_orders_import(struct incident_file *f, const char *dir, const char *who, const char *os_user,
                     struct be_import_result *r);
/* The two halves of be_orders_import, for several media at once (all checked before any is merged): load and
 * check the medium in dir into m (0 or -LB_EINVAL, nothing written); merge a loaded medium (m is consumed in part:
 * release it after). */
struct be_medium;
int be_medium_load(const char *dir, struct be_medium *m);
int be_medium_merge(struct incident_file *f, struct be_medium *m, const char *who, const char *os_user,
                    struct be_import_result *r);
/* Merge n loaded media as one transaction: each gets its own merge entry and r[i], but when any fails (a number
 * none of them nor the file allocated, say) none is merged. */
int be_media_merge(struct incident_file *f, struct be_medium *m, size_t n, const char *who, const char *os_user,
                   struct be_import_result *r);

/* A medium parsed (the parsers, for fuzzing and for import): what each file of it holds. */
struct be_mstep {
	char number[BE_NUMBER_MAX];
	int step;
	char *waived, *who;
	int64_t at_ms;
};
struct be_mlink {
	char dp[BE_NUMBER_MAX];
	char *real_id, *who;
	int64_t at_ms;
};
struct be_mrange {
	char ward[BE_WARD_MAX + 1];
	char first[BE_NUMBER_MAX], last[BE_NUMBER_MAX];
};
struct be_medium {
	char source[65]; /* the exporting file's id: the hash of its first entry ("" when it had none) */
	char wards[64];  /* "3A,4B" */
	int64_t created_ms;
	int64_t counts[4]; /* orders, steps, links, blocks as the manifest says */
	struct be_order *orders;
	size_t n_orders;
	struct be_mstep *steps;
	size_t n_steps;
	struct be_mlink *links;
	size_t n_links;
	struct be_block *blocks;
	size_t n_blocks;
	struct be_mrange *ranges; /* the order numbers of each ward, first and last, as the manifest says */
	size_t n_ranges;
	int have_info;           /* manifest.json parsed */
	uint8_t sums_sha256[32]; /* of SHA256SUMS as read (be_medium_load) */
};
enum be_medium_file { BE_MF_INFO, BE_MF_ORDERS, BE_MF_STEPS, BE_MF_LINKS, BE_MF_BLOCKS, BE_MF_COUNT };
const char *be_medium_file_name(int which); /* "manifest.json", "orders.jsonl", … */
/* Parse one file of a medium into m (any bytes): 0, or -LB_EINVAL with "file:line: what" (m keeps what parsed). */
int be_medium_parse(struct be_medium *m, int which, const char *data, size_t len);
/* The checks across files once all are parsed: counts as the manifest says, numbers once, steps of listed orders,
 * the manifest's ranges. 0 or -LB_EINVAL. */
int be_medium_check(struct be_medium *m);
void be_medium_release(struct be_medium *m);

/* A conflict: the same number with two contents. A is the content registered first in this file, B the one a
 * medium brought; both are kept. A resolution (append-only, the newest wins) says which one the register shows. */
struct be_conflict {
	int64_t id, seq, at_ms;
	char number[BE_NUMBER_MAX];
	struct be_order a, b;
	char *origin; /* where B came from */
	char choice;  /* 'A', 'B', or 0 while open */
	char *resolved_by, *reason;
	int64_t resolved_ms;
};
/* The conflicts (open_only: those with no resolution), oldest first. Release with be_conflicts_release. */
int be_conflicts_list(struct incident_file *f, int open_only, struct be_conflict **out, size_t *n);
void be_conflicts_release(struct be_conflict *c, size_t n);
/* Resolve the oldest open conflict of number (else its newest one again) by keeping 'A' or 'B', with a reason, as
 * one timeline entry: 0, or -LB_EINVAL / -LB_ENOTFOUND. *conflict: the conflict resolved. */
int be_conflict_resolve(struct incident_file *f, const char *number, char keep, const char *reason, const char *who,
                        const char *os_user, int64_t *conflict, int64_t *seq);

/* Verify the back-entry rows against the chain (called by incident_verify): 0, or the seq of a bad entry. */
int64_t be_verify_rows(struct incident_file *f);

#endif
