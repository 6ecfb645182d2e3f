/*
 * station_int.h - what the files of src/station/ share (not part of station.h).
 *
 * A request is answered by one worker thread: server.c builds a struct station_req (method, path, client
 * address, cookies, session, language), takes a store handle from the pool, calls one page function, and sends
 * the struct station_resp it filled. Page functions only write HTML through html.c.
 */
#ifndef LB_STATION_INT_H
#define LB_STATION_INT_H

#include "incident/incident.h"
#include "print/print.h"
#include "rx/rx.h"
#include "station.h"
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>

/* ---- auth database (auth.c) ---------------------------------------------------------------------------------- */

/* The open F.station file: one connection behind a mutex (writes are short: a session row, an audit row). */
struct station_auth {
	sqlite3 *db;
	pthread_mutex_t mu;
	/* statements of every request, prepared once (under mu) */
	sqlite3_stmt *q_find, *q_touch, *q_audit;
};
/* The cached statement *q for sql, reset and unbound; NULL on failure. Call with a->mu held. */
sqlite3_stmt *station_auth_stmt(struct station_auth *a, sqlite3_stmt **q, const char *sql);
int station_auth_open(struct station_auth *a, const char *db, int create);
void station_auth_close(struct station_auth *a);
/* An error for a failed SQLite step of the station's file (locked, damaged, refused, full or I/O). */
int station_sqlerr(sqlite3 *db, const char *what);

struct station_session {
	char user[64];
	char role[16];
	char csrf[65];
	char team[16]; /* the user's team (users.team, read on every request), "" for none */
	int valid;
};
/* Look up the session of cookie token; touches it. Expired sessions are removed. Returns 1 found, 0 not. */
int station_session_find(struct station_auth *a, const char *token, int64_t idle_ms, struct station_session *out);
/* Create a session for user; token (64 hex) goes to the cookie, its hash to the database. Sessions idle longer
 * than idle_ms are removed on the way. */
int station_session_create(struct station_auth *a, const char *user, const char *role, const char *address,
                           int64_t idle_ms, char token[65], char csrf[65]);
void station_session_delete(struct station_auth *a, const char *token);

enum station_login {
	STATION_LOGIN_OK,
	STATION_LOGIN_BAD,            /* unknown user or wrong password (not told apart) */
	STATION_LOGIN_LOCKED,         /* too many recent failures of the user from this address */
	STATION_LOGIN_LOCKED_ADDRESS, /* too many recent failures of any users from this address */
	STATION_LOGIN_WAIT,           /* the account's back-off: try again in *wait_s seconds */
};
#define STATION_BACKOFF_FACTOR 4                   /* x max_failures: the address lock, the back-off */
#define STATION_BACKOFF_MAX_MS 60000               /* the back-off's longest wait */
#define STATION_KNOWN_MS (30LL * 24 * 3600 * 1000) /* a user's own addresses are not slowed down */
/* Check a login and record it in the audit trail (login.c explains the locks); on OK, *role is set; on WAIT,
 * *wait_s. */
int station_login(struct station_auth *a, const struct station_opts *o, const char *user, const char *password,
                  const char *address, char role[16], int *wait_s);
/* The wait after the last of failures of an account (0 below STATION_BACKOFF_FACTOR x max_failures). */
int64_t station_backoff_ms(int64_t failures, int max_failures);
/* What is left of the account's back-off at now_ms, its last failure at last_ms: 0 when failures are fewer than
 * STATION_BACKOFF_FACTOR x max_failures or the wait has passed, else the milliseconds still to wait (> 0). */
int64_t station_backoff_left_ms(int64_t failures, int64_t last_ms, int max_failures, int64_t now_ms);

/* Fill out with n random bytes as hex (2n + 1 bytes). */
void station_random_hex(char *out, size_t n);
/* Constant-time comparison of two NUL-terminated tokens. */
int station_token_eq(const char *a, const char *b);

/* ---- audit (audit.c) ----------------------------------------------------------------------------------------- */

/* Append one entry (under a->mu). Failures are logged and returned; the caller refuses to show data it cannot
 * record. */
int station_audit(struct station_auth *a, const char *user, const char *action, const char *patient, const char *page,
                  const char *address, const char *detail);
int station_audit_locked(struct station_auth *a, const char *user, const char *action, const char *patient,
                         const char *page, const char *address, const char *detail);
int station_auth_schema(sqlite3 *db);
/* Register lb_audit_chain() on a connection of the station file (station_auth_open does). */
int station_audit_register(sqlite3 *db);

/* ---- requests and responses (server.c) ----------------------------------------------------------------------- */

/* Limits against clients that hold connections open (server.c). */
#define STATION_CONN_MAX 1000u         /* connections in all */
#define STATION_PER_ADDRESS 64         /* connections from one address (o.per_address; a browser opens ~6) */
#define STATION_HEAD_MS 10000          /* from connect (or the end of the last request) to the end of the head */
#define STATION_BODY_MS 20000          /* from the end of the head to the end of the body (16 KiB at most) */
#define STATION_ANSWER_MS (600 * 1000) /* making and sending the answer (MHD's 30 s inactivity timeout too) */
#define STATION_LOG_EVERY_MS 10000     /* MHD's messages at most this often */

struct station_conn;
struct station {
	struct station_opts o;
	struct station_auth auth;
	struct MHD_Daemon *mhd;
	int port;
	int tls;
	/* store pool: handles opened read-only, reopened when the file is replaced (refresh renames over it) */
	pthread_mutex_t pool_mu;
	struct store **pool;
	uint64_t *pool_gen;
	size_t npool, cappool;
	uint64_t gen; /* bumped when the store file's inode changes */
	uint64_t ino, dev;
	int64_t checked_ms;
	char *cert_pem, *key_pem;
	struct store_meta meta; /* cached for a second or two (under pool_mu): every page shows it */
	int64_t meta_ms;
	uint64_t meta_gen;
	pthread_mutex_t print_mu; /* one PDF rendered at a time (pages_print.c): a burst of print clicks queues */
	/* connection deadlines: the watchdog thread shuts the sockets of those past theirs */
	pthread_mutex_t conn_mu;
	pthread_cond_t conn_cv;
	struct station_conn *conns;
	pthread_t watchdog;
	int watchdog_on, stopping;
	int64_t log_ms; /* MHD's messages, rate-limited (under conn_mu) */
	long log_dropped;
	/* the incident file (hq.c): handles kept for reuse by the requests (one request holds one at a time),
	 * all closed when the file is removed or replaced (another inode at the path) */
	char *incident_path;
	pthread_mutex_t inc_mu;
	struct incident_file *inc_pool[16];
	size_t ninc;
	uint64_t inc_ino, inc_dev;
};

struct station_req {
	struct station *st;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	char address[64];
	int lang_ja;
	int lang_set;                /* ?lang= given: the response sets the language cookie */
	struct station_session sess; /* sess.valid when logged in */
	struct store *store;         /* from the pool, for page functions */
	struct store_meta meta;
	const char *cookies;     /* the Cookie header or NULL */
	const char *print_label; /* what each printed page is headed with (patient ID and name), or NULL */
	struct buf body;         /* POST body (capped) */
	int too_big;
};

struct station_resp {
	int status;
	const char *type; /* Content-Type */
	struct buf body;
	char location[512];   /* for 302/303 */
	char cookies[3][256]; /* Set-Cookie lines */
	int ncookies;
	const char *disposition; /* Content-Disposition, or NULL */
	const char *retry_after; /* Retry-After (seconds), or NULL */
	char retry_buf[16];
	char disp_buf[512];
};

/* Answer one request (routes.c). cookies is the Cookie header or NULL. */
void station_route(struct station_req *r, struct station_resp *p, const char *cookies);
/* 1 if s[0..n) is valid UTF-8 without control characters other than tab, CR and LF (parse.c). */
int station_text_ok(const char *s, size_t n);
/* The value of query argument name (NULL when absent), length- and UTF-8-checked; "" for empty. */
const char *station_arg(struct station_req *r, const char *name);
/* Like station_arg, but "" gives NULL, and *bad is set when the argument is there but not acceptable text. */
const char *station_arg_opt(struct station_req *r, const char *name, int *bad);
/* Pick the string of the request's language. */
static inline const char *station_tr(const struct station_req *r, const char *en, const char *ja)
{
	return r->lang_ja ? ja : en;
}
#define T_(en, ja) station_tr(r, en, ja)
void station_add_cookie(struct station_resp *p, const char *fmt, ...) LB_PRINTF(2, 3);

/* ---- HTML (html.c) ------------------------------------------------------------------------------------------- */

/* The one escaping function: & < > " ' become entities; invalid UTF-8 becomes U+FFFD. */
void station_html_esc(struct buf *b, const char *s);
/*
 * Append HTML built from a template: %s inserts a string escaped by station_html_esc (NULL as ""), %u inserts a
 * string percent-encoded for a URL path or query and then escaped, %T a stored time stamp in the one display format
 * of screens and paper (lb_format_stamp: "2026/11/18 10:56", a date "2026/11/18"; text that is no time as it is),
 * escaped (NULL as ""), %d an int, %l a long, %R a trusted literal of ours unescaped (never data), %% a percent sign.
 */
void station_html(struct buf *b, const char *fmt, ...);
/* Page frame: head, banner (read-only, as-of, generation, stale warning), navigation; then the caller's body,
 * then station_page_end. title is text; self is the page's own path and query (for the language switch). */
void station_page_begin(struct station_req *r, struct buf *b, const char *title, const char *self);
void station_page_end(struct station_req *r, struct buf *b);
/* Whole hours since the data's as-of time (0 when it lies ahead), or -1 when unknown. */
long station_data_age_hours(const char *as_of);
/* A dose or amount as people write it: 250, 0.5, 1500 (never 2.5e+02); out is returned. */
const char *station_num(char out[32], double v);
/* Identification strings shared by pages. */
const char *station_sex(const struct station_req *r, const char *sex);
/* A role as the reader calls it: 薬剤師, 医師, 看護師, 事務, 管理者 under ja; the role's English word under en. */
const char *station_role_label(const struct station_req *r, const char *role);
/* Age in whole years at today's local date, or -1. */
int station_age(const char *birth);
/* Birth date with its era form: "1948-04-05 (昭和23年4月5日)". */
void station_birth(struct buf *b, const char *birth);
/* A CSV field (RFC 4180), guarded against formula injection. */
void station_csv_field(struct buf *b, const char *s);

/* Record an action in the audit trail before its result is shown; when it cannot be recorded, p becomes the 500
 * page that says so and -1 is returned (show nothing else). */
int station_audit_or_refuse(struct station_req *r, struct station_resp *p, const char *action, const char *patient,
                            const char *detail);
/* Percent-encode s for a URL path segment or query value (all but unreserved ASCII) into b. */
void station_url_value(struct buf *b, const char *s);

/* ---- pages (pages_*.c) --------------------------------------------------------------------------------------- */

int station_page_login(struct station_req *r, struct station_resp *p, const char *message, int status);
int station_page_search(struct station_req *r, struct station_resp *p);
int station_page_patient(struct station_req *r, struct station_resp *p, const char *id);
int station_page_census(struct station_req *r, struct station_resp *p);
int station_page_appointments(struct station_req *r, struct station_resp *p);
/* Loud same-name badges: same full name in the hospital (count of others), same surname in the ward. */
void station_badges(struct station_req *r, struct buf *b, long same_name, long same_surname);
/* The marks of hit i of a drug search: ハイリスク薬, and 名称類似 for each other hit it is a look-alike of. */
void station_drug_marks(struct station_req *r, struct buf *b, const struct rx_hits *h, size_t i);
/* pages_print.c: the folder print renders into ($TMPDIR or /tmp), and the removal of the print folders a station
 * killed mid-print left there: this user's lifeboat-print-* folders (never links, never another user's) whose
 * process is gone or that are older than max_age_ms. *removed counts them. Run when the station starts. */
const char *station_print_tmpdir(void);
#define STATION_PRINT_STALE_MS (60 * 60 * 1000)
int station_print_sweep(const char *tmpdir, int64_t max_age_ms, long *removed);
/* Where the name of a patient without a patient record would be: STORE_NO_RECORD, loud (never a blank). */
void station_no_record(struct buf *b);
/* A page saying what went wrong (no data). */
int station_page_error(struct station_req *r, struct station_resp *p, int status, const char *msg);
/* The patient's identification banner (names, ID, sex, age, birth date, blood type, bed, same-name warnings) and
 * the allergy box, as the patient page shows them; the check pages show them too (pages_patient.c). */
void station_idband(struct station_req *r, struct buf *b, const struct store_patient_view *v);
void station_allergy_box(struct station_req *r, struct buf *b, const struct store_patient_view *v);

/* pages_rx.c: GET /drugs (search page), GET /drugs.json (as-you-type), GET /rx/check (prescription check). */
int station_page_drugs(struct station_req *r, struct station_resp *p);
int station_drugs_json(struct station_req *r, struct station_resp *p);
int station_page_rx_check(struct station_req *r, struct station_resp *p);
/* POST /rx/record (pages_rxrecord.c): the checked prescription recorded as outage orders by the logged-in user. */
int station_rx_record(struct station_req *r, struct station_resp *p);
/* pages_barcode.c: GET /barcode (wristband, then drug or order label). */
int station_page_barcode(struct station_req *r, struct station_resp *p);
/* pages_print.c: GET /print (what can be printed), /print/forms.pdf, /print/ward.pdf, /print/patient.pdf. */
int station_page_print(struct station_req *r, struct station_resp *p);
int station_print_pdf(struct station_req *r, struct station_resp *p, const char *what);

/* ---- the incident (hq.c, pages_incident.c) ------------------------------------------------------------------- */

/* A handle on the station's incident file for this request: 1 with *f set, 0 when there is no incident file yet
 * (create: make it, for a declaration), or a negative error. Give it back with station_incident_put. */
int station_incident_get(struct station *st, int create, struct incident_file **f);
void station_incident_put(struct station *st, struct incident_file *f);
/* Close the kept handles (station_stop). */
void station_incident_pool_free(struct station *st);
/* The current decisions of the open incident as the banner every page carries (nothing when no incident is open
 * or nothing is decided); read from the file on every request, so every station sharing the file shows them. */
void station_incident_banner(struct station_req *r, struct buf *b);
/* The vocabulary in the request's language (the library's labels follow the process's language). */
const char *station_phase_label(const struct station_req *r, int phase);
const char *station_kind_label(const struct station_req *r, int kind);
const char *station_team_label(const struct station_req *r, int team);
const char *station_report_label(const struct station_req *r, int report);
/* Whether the session's user may declare, change the phase and decide (roles admin and hq). */
int station_may_command(const struct station_req *r);
/* GET /incident (the headquarters board), GET /incident/timeline; POST /incident/{declare,phase,decide,log,done,
 * assign,fact}. */
int station_page_incident(struct station_req *r, struct station_resp *p);
int station_page_incident_timeline(struct station_req *r, struct station_resp *p);
int station_incident_post(struct station_req *r, struct station_resp *p, const char *what);
/* pages_incident_cards.c: the board's cards by team, and POST /incident/done, /incident/assign (refuse answers a
 * refused POST: status, audit detail, message). */
void station_incident_cards_section(struct station_req *r, struct buf *b, struct incident_file *f);
int station_incident_card_post(struct station_req *r, struct station_resp *p, int assign,
                               int (*refuse)(struct station_req *, struct station_resp *, int, const char *,
                                             const char *));
/* pages_incident_facts.c: the board's fact sheet, and POST /incident/fact (refuse as above). */
void station_incident_facts_section(struct station_req *r, struct buf *b, struct incident_file *f);
int station_incident_fact_post(struct station_req *r, struct station_resp *p,
                               int (*refuse)(struct station_req *, struct station_resp *, int, const char *,
                                             const char *));

/* ---- back-entry (pages_backentry.c, pages_backlog.c; issue 16) ----------------------------------------------- */

/* GET|POST /backentry/register: a ward registers its paper orders (scan the number label, the wristband, a kind). */
int station_page_backentry_register(struct station_req *r, struct station_resp *p);
/* GET /backentry/backlog (the records office's worklist), POST /backentry/backlog/mark (bulk steps). */
int station_page_backlog(struct station_req *r, struct station_resp *p);
int station_backlog_mark(struct station_req *r, struct station_resp *p);
/* The board's burn-down chart (inline SVG) of the back-entry in f; nothing when nothing was registered. */
void station_backentry_burndown(struct station_req *r, struct buf *b, struct incident_file *f);

/* ---- scans (scan.c) ------------------------------------------------------------------------------------------ */

#define STATION_SCAN_MAX 128
enum station_scan_kind {
	STATION_SCAN_EMPTY,
	STATION_SCAN_CODE,        /* a patient ID (wristband) or a drug code (HOT, YJ, local) */
	STATION_SCAN_ORDER_LABEL, /* LBO/<patient>/<order>/<drug> of an order label (print_order_code) */
	STATION_SCAN_GS1,         /* a GS1 element string of a drug package ((01) GTIN …) */
};
struct station_scan {
	enum station_scan_kind kind;
	char text[STATION_SCAN_MAX + 1]; /* folded to ASCII and trimmed */
	struct print_order_code order;   /* STATION_SCAN_ORDER_LABEL */
};
/* Fold what a scanner typed through a Japanese input method (full-width ASCII, ・ for /, ー for -) and tell its
 * kind. -LB_EINVAL for text that is no scan (other characters, over STATION_SCAN_MAX, a damaged LBO/ code). */
int station_scan_parse(const char *in, struct station_scan *out);

/* ---- assets (assets.c) --------------------------------------------------------------------------------------- */

/* The static file at path (/static/…), or NULL. */
const char *station_asset(const char *path, const char **type, size_t *len);

#endif
