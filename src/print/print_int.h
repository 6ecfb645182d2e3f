/*
 * print_int.h - what the files of src/print/ share: the page document (doc.c), barcodes (barcode.c), the patient
 * header and form bodies shared by the pack and the blank forms.
 */
#ifndef LB_PRINT_INT_H
#define LB_PRINT_INT_H

#include "print.h"
#include "text/text.h"

#include <cairo.h>
#include <pango/pangocairo.h>

/* A4 portrait in PDF points. */
#define PDOC_W 595.28
#define PDOC_H 841.89
#define PDOC_MARGIN 34.0
#define PDOC_LEFT PDOC_MARGIN
#define PDOC_RIGHT (PDOC_W - PDOC_MARGIN)
#define PDOC_TOP 78.0               /* below the running header */
#define PDOC_BOTTOM (PDOC_H - 44.0) /* above the footer */
#define PDOC_FONT "IPAexGothic, Noto Sans CJK JP"
#define PDOC_MAX_PAGES 100000

enum { PT_BOLD = 1, PT_CENTER = 2, PT_RIGHT = 4, PT_ONELINE = 8, PT_GRAY = 16, PT_WHITE = 32, PT_MONO = 64 };
/* PT_MONO: monospaced type for codes read by eye or OCR (0 and O, 1 and I distinct) */
#define PDOC_MONO_FONT "DejaVu Sans Mono, Noto Sans Mono CJK JP"

struct pdoc_page {
	cairo_surface_t *rec;
	char *pid, *pname; /* the patient of the page, or NULL */
};

/*
 * A PDF being built: pages are drawn into cairo recording surfaces, so that "page x of y" can be written on each
 * when the document is finished; pdoc_finish then replays them into the PDF (in memory) and writes the file
 * atomically. A zeroed struct is not ready: pdoc_init it.
 */
struct pdoc {
	char *path;
	char *title;      /* running header: "病棟患者一覧 / Ward census  3A" */
	char as_of[96];   /* the data's as-of time, as printed */
	char printed[32]; /* when this copy was made */
	struct pdoc_page *pages;
	size_t n, cap;
	cairo_t *cr; /* the current page */
	PangoLayout *layout;
	PangoFontDescription *font;
	double y;                      /* where the next block goes on the current page */
	char *pid, *pname;             /* patient of the pages to come (pdoc_patient) */
	long missing_glyphs;           /* characters drawn as missing-glyph boxes */
	cairo_surface_t *form_body[5]; /* forms.c: each form's body, recorded once per document (PF_COUNT) */
	double form_body_end[5];
	int recording_body;  /* drawing a form body: never start a page (bodies fit one page by design) */
	GHashTable *layouts; /* short texts laid out once per document: "flags|size|width|text" → PangoLayout */
	const char *mark;    /* the framed mark of the header and footer (a static string); NULL: the downtime mark */
};
void pdoc_init(struct pdoc *d, const char *path, const char *title, const char *as_of);
void pdoc_set_title(struct pdoc *d, const char *title);
/* The patient of the following pages (NULL, NULL: none). */
void pdoc_patient(struct pdoc *d, const char *pid, const char *name);
/* Start a page: running header with title, downtime mark, as-of time and patient. */
void pdoc_new_page(struct pdoc *d);
/* Make room for h points: a new page when the current one has not enough (returns 1 then). */
int pdoc_need(struct pdoc *d, double h);
/* Draw text in a box of width w (wrapped; PT_ONELINE ellipsizes) at x, y; returns its height. size in points. */
double pdoc_text(struct pdoc *d, double x, double y, double w, double size, int flags, const char *text);
/* The height text would take. */
double pdoc_text_height(struct pdoc *d, double w, double size, int flags, const char *text);
void pdoc_rect(struct pdoc *d, double x, double y, double w, double h, double line);
void pdoc_fill(struct pdoc *d, double x, double y, double w, double h, double gray);
void pdoc_hline(struct pdoc *d, double x1, double x2, double y, double line);
/* A check box of side s with its top-left at x, y. */
void pdoc_box(struct pdoc *d, double x, double y, double s);
/* A section heading (bar with text) at d->y, advancing it. */
void pdoc_heading(struct pdoc *d, const char *text);
/* Write the PDF (page x of y on each page) and release everything. Returns 0 or a negative LB_E* code; st counts
 * the file and its pages. */
int pdoc_finish(struct pdoc *d, struct print_stats *st);
/* Release without writing. */
void pdoc_discard(struct pdoc *d);

/* barcode.c: Code 128 of text, drawn as vector bars filling w × h at x, y (quiet zones included). */
int print_code128(cairo_t *cr, double x, double y, double w, double h, const char *text);

/* patient.c: shared pieces about one patient. */
void print_full_name(struct buf *b, const struct store_patient_view *v); /* 佐藤 花子, or STORE_NO_RECORD */
void print_full_kana(struct buf *b, const struct ehr_patient *p);        /* サトウ ハナコ */
/* 1960-04-05 (昭和35年4月5日) 66歳: the age on today (YYYY-MM-DD, the view's today: lb_today) */
void print_birth(struct buf *b, const char *birth_date, const char *today);
/* "11/25" of a YYYY-MM-DD (or the text as it is) */
void print_short_day(struct buf *b, const char *day);
/* The first day of the sheets and call lists: o->from, else today (not before the as-of day). -LB_EUSAGE for a
 * from that is not a date. */
int print_start_day(const struct print_opts *o, const char *as_of, char day[11]);
const char *print_sex_ja(char sex);                                         /* 男 / 女 / 不明 */
void print_allergy_line(struct buf *b, const struct store_patient_view *v); /* "ペニシリン系(発疹); 卵" or "なし" */
/* 1 when medicine i of v is an order line already listed before it (same kind, order number and drug code): the
 * same order often comes from two exports (SS-MIX2 and FHIR) and is printed once. */
int print_med_repeated(const struct store_patient_view *v, size_t i);
/* The identification banner of a patient at d->y (name large, kana, ID, birth date, sex, blood, ward, warnings). */
void print_banner(struct pdoc *d, const struct store_patient_view *v);

/* labels.c: a sheet of labels, the wristbands', the order labels' and the downtime numbers': 14 labels of 92 × 32 mm (LABEL_W × LABEL_H
 * points) to an A4 page, LABEL_COLS × LABEL_ROWS, filled row by row. */
#define LABEL_W 262.0
#define LABEL_H 92.0
#define LABEL_COLS 2
#define LABEL_ROWS 7
#define LABEL_GAP_X 3.0
#define LABEL_GAP_Y 10.0
struct label_sheet {
	struct pdoc d;
	size_t slot; /* labels on the current page; LABEL_COLS * LABEL_ROWS before the first */
};
/* Start the document at path titled "title — ward". */
void label_sheet_init(struct label_sheet *s, const char *path, const char *title, const char *ward, const char *as_of);
/* The top-left corner of the next label (a new page when the current one is full). */
void label_sheet_next(struct label_sheet *s, double *x, double *y);
/* Write the document, or discard it when rc (the drawing's result) is negative and return rc. */
int label_sheet_finish(struct label_sheet *s, int rc, struct print_stats *st);

/* number_labels.c: the ward's sheets of o->numbers into out_dir (print_pack), and one line on what a sheet
 * holds, for the index: 「紙オーダー用番号ラベル … DT-3A-000001-9 … DT-3A-000100-3  100 個」. */
int print_pack_numbers(const char *out_dir, const char *ward, const struct print_opts *o, struct print_stats *st);
void print_number_about(struct buf *b, const struct print_number_sheet *s);

/* forms.c: a form's body; v fills the patient header when not NULL (blank form otherwise). */
enum print_form { PF_PRESCRIPTION, PF_INJECTION, PF_LAB, PF_NURSING, PF_ADT, PF_COUNT };
const char *print_form_title(enum print_form f);
const char *print_form_file(enum print_form f);
void print_form_page(struct pdoc *d, enum print_form f, const struct store_patient_view *v);
void print_form_guide(struct pdoc *d, enum print_form f);

/* pack.c / mar.c / labels.c / order_labels.c: the parts of a ward's pack, one document each, for the loaded patients. */
int print_census(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                 struct print_stats *st);
int print_summaries(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                    struct print_stats *st);
int print_mar(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of, int days,
              const char *from, struct print_stats *st);
int print_wristbands(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                     struct print_stats *st);
int print_order_forms(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                      struct print_stats *st);
int print_order_labels(const char *path, const char *ward, struct store_patient_view *v, size_t n, const char *as_of,
                       struct print_stats *st);

#endif
