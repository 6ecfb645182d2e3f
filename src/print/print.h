/*
 * print.h - paper for the downtime: the whole interface of src/print/.
 *
 * print stands on store, ehr, text and core, and draws with cairo and pango into PDF (Japanese fonts embedded:
 * IPAex Gothic, or Noto Sans CJK JP through fontconfig) and libzint (Code 128 of the patient ID on wristbands,
 * drawn as vector bars). It owns the ward pack (census sheet, per-patient summary with allergies first, medication
 * administration sheets with boxes to tick, wristband labels, order forms with the patient's header filled in,
 * order labels with a barcode of each active order line), the blank forms with their writing guides, the
 * outpatient call lists and `print all`, which refreshes the whole set for every ward atomically (run hourly on the
 * station PC so paper exists even if nothing starts later).
 *
 * Every page carries the 「ダウンタイム用控え / downtime copy」 mark, the data's as-of time, page x of y, and the
 * patient's ID and name when it concerns one patient. Files are written atomically (a reader sees the previous
 * file or the new one); print_all swaps the whole folder with renameat2(RENAME_EXCHANGE).
 */
#ifndef LB_PRINT_H
#define LB_PRINT_H

#include "core/core.h"
#include "store/store.h"

struct print_opts {
	int mar_days; /* days of administration boxes on the medication sheets (default 3) */
	int jobs;     /* print_all: wards rendered in forked worker processes (default 2); a multi-threaded caller (the
	             station's server) passes 1, or runs print_all in a child process of its own */
	struct lb_progress *progress; /* advanced per patient or per file, or NULL */
	const char *from; /* YYYY-MM-DD: the first day of the medication sheets and call lists; NULL: today (lb_today,
	                     never the data's as-of day) */
	/* Label sheets of downtime numbers (print_number_labels), any wards: print_pack writes its ward's, the first of
	   each kind, after the six parts as 7_order_numbers.pdf and 8_patient_numbers.pdf, and print_all's index
	   says which ward has them and what they hold. NULL: none (the pack is the six parts). */
	const struct print_number_sheet *numbers;
	size_t n_numbers;
};

struct print_number_sheet;

/* What was written. */
struct print_stats {
	long files, pages, patients, wards, calls;
	long missing_glyphs; /* characters no installed font could draw (shown as boxes): should stay 0 */
	long numbers;        /* downtime numbers put on label sheets (print_number_labels) */
};

/*
 * A ward's pack into out_dir (created if missing): 1_census.pdf, 2_summaries.pdf, 3_medication_sheets.pdf,
 * 4_wristbands.pdf, 5_order_forms.pdf, 6_order_labels.pdf, and the ward's downtime number sheets of o->numbers
 * (print_number_file). Fails with -LB_ENOTFOUND when no patient is admitted
 * to ward.
 */
int print_pack(struct store *s, const char *ward, const char *out_dir, const struct print_opts *o,
               struct print_stats *st);

/* The parts of a pack, in their order. */
enum print_part {
	PRINT_CENSUS,
	PRINT_SUMMARIES,
	PRINT_MEDICATION_SHEETS,
	PRINT_WRISTBANDS,
	PRINT_ORDER_FORMS,
	PRINT_ORDER_LABELS,
	PRINT_PARTS
};
/* A part's file name in a pack ("4_wristbands.pdf"). */
const char *print_part_file(enum print_part part);
/*
 * One part into out_file: of every patient of ward's census, or of one patient when patient_id is set (ward is
 * then ignored; the census needs a ward). -LB_ENOTFOUND: no such patient, or nobody admitted to ward.
 */
int print_part(struct store *s, const char *ward, const char *patient_id, enum print_part part, const char *out_file,
               const struct print_opts *o, struct print_stats *st);

/*
 * The barcode of an order label: "LBO/<patient ID>/<order number>/<drug code>", each field 1..64 characters of
 * [0-9A-Za-z.-] (what a USB scanner types the same under any keyboard layout). print_order_code appends it to out,
 * or fails -LB_EINVAL when a field does not fit; print_order_code_parse returns 1 and the fields for such a code
 * (prefix in either case), 0 for text that is not one (no LBO/ prefix), -LB_EINVAL for a damaged one.
 */
#define PRINT_ORDER_FIELD_MAX 64
struct print_order_code {
	char patient_id[PRINT_ORDER_FIELD_MAX + 1];
	char order_no[PRINT_ORDER_FIELD_MAX + 1];
	char drug_code[PRINT_ORDER_FIELD_MAX + 1];
};
int print_order_code(struct buf *out, const char *patient_id, const char *order_no, const char *drug_code);
int print_order_code_parse(const char *code, struct print_order_code *out);
/*
 * Label sheets of downtime numbers (the numbers are allocated by src/incident and handed in, in the order to
 * print): order numbers ("DT-3A-000123-7") for paper order forms, one label each, with the number in large
 * monospaced type, its Code 128, the ward and a line for the patient's name; patient numbers ("DP-…") for the
 * wristband of a patient with no EHR record, with lines for name, sex and birth date, and a spare label for the
 * chart (copies 2). The wristbands' sheet: 14 labels of 92 × 32 mm to an A4 page, row by row, as many pages as the
 * numbers need. Each number must be its kind's prefix and then [0-9A-Z-] only, at most PRINT_NUMBER_CODE_MAX
 * characters (what a USB scanner types the same under any keyboard layout), or nothing is written (-LB_EINVAL);
 * no numbers at all: -LB_ENOTFOUND. st->numbers counts the numbers printed.
 */
enum print_number_kind { PRINT_NUMBER_ORDER, PRINT_NUMBER_PATIENT };
#define PRINT_NUMBER_CODE_MAX 24 /* "DT-" + 8-character ward + "-" + 6 digits + "-" + check = 20, and room */
struct print_number_sheet {
	const char *ward;
	int kind; /* enum print_number_kind */
	const char *const *numbers;
	size_t n;
	const char *as_of; /* when the numbers were allocated, as lb_format_stamp reads it; NULL: now */
	int copies;        /* labels per number; 0: 1 for order numbers, 2 (band, chart) for patient numbers */
};
/* 1 when number can go on a label of kind (prefix DT- or DP-, then [0-9A-Z-]), 0 when not. */
int print_number_code_ok(const char *number, int kind);
int print_number_labels(const char *path, const struct print_number_sheet *s, struct print_stats *st);
/* The file of a pack's sheet of kind: "7_order_numbers.pdf", "8_patient_numbers.pdf". */
const char *print_number_file(int kind);
/* The sheet of ward and kind among o's, or NULL. */
const struct print_number_sheet *print_number_sheet_of(const struct print_opts *o, const char *ward, int kind);

/* The blank forms, each followed by its one-page writing guide: prescription, injection order, lab order, nursing
 * instruction slip, admission/transfer record; one PDF per form plus all_forms.pdf. */
int print_forms(const char *out_dir, struct print_stats *st);
/* The call list of one day's bookings (YYYY-MM-DD), of one department or all, with phone numbers. */
int print_appointments(struct store *s, const char *date, const char *dept, const char *out_file,
                       struct print_stats *st);
/*
 * Everything, into out_dir: 0_index.pdf, wards/<ward>/ (each ward's pack), calls/<date>.pdf (the start day, o->from
 * or today, and the six after it, and every later day the store holds a booking for), forms/. Built in a new sibling folder, then swapped with out_dir in one rename, and the old set
 * removed: a reader (or a printer queue) never sees half a set.
 */
int print_all(struct store *s, const char *out_dir, const struct print_opts *o, struct print_stats *st);

/*
 * A table on A4 pages in the house style (running header with the downtime mark, the as-of time, page x of y), for
 * the modules above print that have a list to put on paper (the incident's contact chart). cells holds nrows ×
 * ncols texts row by row (NULL: empty); widths[] are the columns' shares of the page width (they sum to 1). A row
 * with mark[r] set is shaded, for what still needs attention (NULL: none). The file is written atomically.
 */
struct print_table {
	const char *title, *as_of; /* as_of as lb_format_stamp reads it, or text printed as it is */
	const char *intro;         /* a paragraph above the table, or NULL */
	const char *const *head;   /* ncols column titles */
	const double *widths;
	size_t ncols, nrows;
	const char *const *cells;
	const unsigned char *mark;
	const char *footnote; /* a paragraph below the table, or NULL */
};
int print_table(const char *path, const struct print_table *t, struct print_stats *st);

/*
 * A plain document of headed sections into path (an incident report draft): title in the running header, mark in
 * its frame (NULL: the downtime mark), as_of the time of the data (a stored time stamp, as lb_format_stamp reads
 * it). Each section is a heading bar (NULL: none) and a body whose lines are wrapped and broken across pages,
 * and optionally a bar chart drawn with cairo below it.
 */
struct print_bars {
	size_t n;
	const int64_t *v;         /* n values, 0 or more: a bar each, left to right, the axis from 0 to the highest */
	const char *first, *last; /* the labels under the first and the last bar */
};
struct print_section {
	const char *heading;
	const char *body;
	const struct print_bars *bars; /* a bar chart below the body (the back-entry burn-down), or NULL */
};
int print_text_doc(const char *path, const char *title, const char *mark, const char *as_of,
                   const struct print_section *s, size_t n, struct print_stats *st);

#endif /* LB_PRINT_H */
