/*
 * checklist.h - the MHLW cybersecurity checklist (医療機関におけるサイバーセキュリティ対策チェックリスト): its
 * editions as data, the answers a person gives, the filled checklist and its writers (CSV, XLSX, PDF).
 *
 * Independent of the inventory model on purpose: the checks of `audit check` hand in what they read and found as
 * plain strings (struct cl_inventory: item id → finding ids and evidence lines, and the evidence kinds the
 * inventory held), so the checklist never decides an answer from data it did not see. The fill rule:
 *   - an item answered from the inventory is いいえ when a finding maps to it, はい when every evidence kind it
 *     names was read and nothing maps, 未回答 when an evidence kind was not in the inventory (never はい for lack
 *     of data); a person's answer may fill it only while it is 未回答, and never turns a finding's いいえ to はい;
 *   - an item a person answers comes from the answers YAML, with who answered and when; 未回答 when absent; a
 *     finding mapped to it makes it いいえ all the same (the person's answer noted beside it).
 * Which items a finding answers is data (data/audit/checklist/checks.yaml, struct cl_map below): the join of the
 * checks' findings to the items is built in checklist_join.c (audit.h: audit_checklist_join).
 */
#ifndef LB_AUDIT_CHECKLIST_H
#define LB_AUDIT_CHECKLIST_H

#include "core/core.h"

#include <stddef.h>

#define CL_FILE_MAX (4 << 20) /* an answers or edition file: bytes */
#define CL_TEXT_MAX 4096      /* one text value: bytes */
#define CL_ITEMS_MAX 512      /* items of an edition, answers of a file */
#define CL_VENDORS_MAX 256    /* vendor sheets */

enum cl_sheet_kind { CL_SHEET_HOSPITAL = 1, CL_SHEET_VENDOR = 2 };
enum cl_answer { CL_UNANSWERED = 0, CL_YES, CL_NO };
enum cl_source { CL_SRC_PERSON = 0, CL_SRC_INVENTORY };

/* A list of strings it owns (lb_strlist does not own its strings). */
struct cl_strs {
	char **v;
	size_t n;
};
void cl_strs_add(struct cl_strs *l, const char *s);
void cl_strs_addf(struct cl_strs *l, const char *fmt, ...) LB_PRINTF(2, 3);
int cl_strs_has(const struct cl_strs *l, const char *s);
void cl_strs_free(struct cl_strs *l);

struct cl_text {
	char *ja, *en;
};

struct cl_group {
	char *id, *number;
	struct cl_text name;
};

struct cl_item {
	char *id;     /* stable: "r6-2-7-server" */
	char *number; /* as printed: "2-⑦" */
	int number_verified;
	const struct cl_group *group;
	unsigned sheets;      /* CL_SHEET_* bits */
	struct cl_text scope; /* the 対象 column (NULLs when none) */
	struct cl_text text;  /* the item's wording */
	int source;           /* enum cl_source: who answers it */
	char **evidence;      /* inventory evidence kinds ("devices/patch") */
	size_t nevidence;
	struct cl_text target; /* the checklist's own target ("令和6年度中"), NULLs when none */
	char *wording;         /* verified | condensed | unverified */
	char *note;
};

struct cl_edition {
	char *id; /* "r6" */
	struct cl_text title, fy;
	char fy_start[11], fy_end[11];
	char *published, *source;
	struct cl_group *groups;
	size_t ngroups;
	struct cl_item *items;
	size_t n;
};

/* The editions compiled into the binary, newest last, NULL-terminated ("r6", "r7"). */
const char *const *cl_editions(void);
/* The newest edition's id. */
const char *cl_edition_latest(void);
/* Load an embedded edition by id; -LB_ENOTFOUND for an unknown one. */
int cl_edition_load(struct cl_edition *e, const char *id);
/* Parse an edition file (a data/audit/checklist/rN.yaml); errors "NAME:LINE: reason". */
int cl_edition_parse(struct cl_edition *e, const char *name, const char *data, size_t len);
const struct cl_item *cl_edition_item(const struct cl_edition *e, const char *id);
void cl_edition_free(struct cl_edition *e);

/* One answer a person gave (answers YAML). vendor NULL: the hospital sheet. */
struct cl_given {
	char *item, *vendor;
	int answer;      /* CL_YES, CL_NO or CL_UNANSWERED */
	char date[11];   /* YYYY-MM-DD, "" when not given */
	char target[11]; /* for いいえ */
	char *by, *note;
	int line;
};
struct cl_vendor {
	char *name, *system;
};
struct cl_answers {
	char *path;
	char *edition;  /* NULL: not said */
	char *hospital; /* the institution's name, NULL when not given */
	struct cl_vendor *vendors;
	size_t nvendors;
	struct cl_given *v;
	size_t n;
};
/*
 * Read an answers file: `edition`, `hospital`, `vendors: [{name, system}]`, `answers: [{item, answer, date, by,
 * note, target, vendor}]`. answer is はい/いいえ/未回答 (or yes/no/unanswered); item ids are checked against e
 * when e is not NULL. Every error is one line "FILE:LINE: reason" (-LB_EINVAL); nothing is kept on error.
 */
int cl_answers_read(struct cl_answers *a, const char *path, const struct cl_edition *e);
int cl_answers_parse(struct cl_answers *a, const char *name, const char *data, size_t len, const struct cl_edition *e);
void cl_answers_free(struct cl_answers *a);

/*
 * The join table (data/audit/checklist/checks.yaml, compiled in): which item of each edition a finding of
 * `audit check` answers, by check id and scope (server, pc, network), and which scope a device type falls under.
 */
struct cl_map_row {
	char *check, *edition;
	char *scope; /* NULL: every scope */
	char *item;
	int line;
};
struct cl_map {
	char *name;
	struct cl_map_row *v;
	size_t n;
	struct cl_strs types, scopes; /* device type → scope, parallel */
	struct cl_strs checks;        /* every check id listed (some with no item) */
};
int cl_map_load(struct cl_map *m);
int cl_map_parse(struct cl_map *m, const char *name, const char *data, size_t len);
/* Every item the map names for e's edition exists in e; "checks.yaml:LINE: …" (-LB_EINVAL) when not. */
int cl_map_check(const struct cl_map *m, const struct cl_edition *e);
/* The scope of a device type ("terminal" → "pc"), NULL when the map does not place it. */
const char *cl_map_scope(const struct cl_map *m, const char *device_type);
/* Append to out (no repeats) the items of edition that check answers for the given scopes: the rows of those
 * scopes and the unscoped ones; every row when scopes is NULL or empty or no row has one of them. */
void cl_map_items(const struct cl_map *m, const char *check, const char *edition, const struct cl_strs *scopes,
                  struct cl_strs *out);
void cl_map_free(struct cl_map *m);

/* What the inventory checks hand in. */
struct cl_finding {
	char *item;   /* checklist item id the finding answers */
	char *id;     /* finding id ("vpn-kev") */
	char *line;   /* evidence: "fw01 FortiOS 6.0.4: CVE-2018-13379" */
	char *vendor; /* the vendor sheet it belongs to too, or NULL */
};
struct cl_inventory {
	int checks_run;         /* 0: the inventory checks were not run (every inventory item 未回答) */
	struct cl_strs kinds;   /* evidence kinds the inventory held ("devices/patch") */
	struct cl_strs kind_ev; /* parallel to kinds: what was read of each ("patched or updates: 3 of 4 devices") */
	struct cl_strs read;    /* evidence lines of what was read ("120 devices from inv.yaml") */
	struct cl_strs vendors; /* vendors/systems named in the inventory: a vendor sheet each */
	struct cl_strs off;     /* findings that answer no item of this edition ("EP-AV-OFF ehr-term-01: …") */
	struct cl_finding *f;
	size_t n, cap;
};
void cl_inventory_kind(struct cl_inventory *inv, const char *kind);
/* The kind, with the evidence line a はい row shows for it. */
void cl_inventory_kind_ev(struct cl_inventory *inv, const char *kind, const char *line);
void cl_inventory_finding(struct cl_inventory *inv, const char *item, const char *finding_id, const char *line,
                          const char *vendor);
void cl_inventory_free(struct cl_inventory *inv);

/* One row of a filled sheet. */
struct cl_row {
	const struct cl_item *item;
	int answer;              /* enum cl_answer */
	int source;              /* enum cl_source: where the answer came from */
	char date[11];           /* 確認日 */
	char target[11];         /* 目標日 (いいえ) */
	char *by;                /* who answered (person), NULL for the inventory */
	struct cl_strs evidence; /* 根拠 lines */
	struct cl_strs findings; /* finding ids */
	int answers_line;        /* line in the answers file, 0 when none */
};
struct cl_sheet {
	int kind;
	char *vendor, *system; /* vendor sheets */
	struct cl_row *rows;
	size_t n;
};
struct cl_filled {
	const struct cl_edition *e;
	char *hospital;
	char today[11];
	struct cl_sheet *sheets; /* [0] the hospital's, then one per vendor */
	size_t n;
	size_t yes, no, unanswered, no_target; /* counts over all sheets; no_target: いいえ without a 目標日 */
};
/*
 * Fill the checklist: the hospital sheet, and one vendor sheet per vendor of the answers file and of the
 * inventory (in that order, without repeats). today (YYYY-MM-DD) is the 確認日 of inventory answers.
 * inv NULL: no inventory given. Returns 0 or a negative LB_E* code.
 */
int cl_fill(struct cl_filled *out, const struct cl_edition *e, const struct cl_answers *a,
            const struct cl_inventory *inv, const char *today);
void cl_filled_free(struct cl_filled *f);

/* The labels as printed: "はい", "いいえ", "" (未回答 prints empty on the sheet). */
const char *cl_answer_label(int answer);
/* "はい", "いいえ", "未回答" (for messages and diffs). */
const char *cl_answer_word(int answer);
/* "医療機関確認用" / "事業者確認用 VENDOR" into out (what --previous matches rows by). */
void cl_sheet_name(const struct cl_sheet *s, struct buf *out);

/* Writers: each writes one file atomically (nothing half-written). */
#define CL_CSV_NAME "checklist.csv"
#define CL_XLSX_NAME "checklist.xlsx"
#define CL_PDF_NAME "checklist.pdf"
int cl_write_csv(const struct cl_filled *f, const char *path);
int cl_write_xlsx(const struct cl_filled *f, const char *path);
int cl_write_pdf(const struct cl_filled *f, const char *path);
void cl_json(const struct cl_filled *f, struct json_w *w);

/* A change since a previous run's CSV. */
struct cl_change {
	char *sheet, *item, *number;
	char *before, *after; /* answer words, "" when the row was not there */
};
struct cl_changes {
	struct cl_change *v;
	size_t n;
};
/* Compare f to DIR/checklist.csv of a previous run; -LB_ENOTFOUND when it has none, -LB_EINVAL when unreadable. */
int cl_diff_previous(const struct cl_filled *f, const char *dir, struct cl_changes *out);
void cl_changes_free(struct cl_changes *c);

#endif
