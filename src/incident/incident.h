/*
 * incident.h - the incident file: the whole interface of src/incident/.
 *
 * incident stands on print (the contact chart on paper), text and core (above store and print in the layering,
 * below cli and station; it reads neither the clinical store nor the vault). It owns one SQLite database per hospital, the incident file (docs/incident.md),
 * kept apart from the clinical store because headquarters may sit on another PC. The file holds one timeline: an
 * append-only list of entries, each carrying the BLAKE2b hash of the previous entry's hash and its own canonical
 * content, so that an entry altered, removed or reordered in the file breaks the chain at that entry
 * (incident_verify). Every fact about an incident is an entry: its declaration (title, drill, the time the
 * hospital learned of it), each phase change, each note (fact, action, decision, contact, evidence), its close. A
 * correction is a new entry whose ref names the entry it corrects; nothing is ever updated or deleted.
 *
 * One incident is open at a time (declared, not closed). State (phase, current decisions, reporting deadlines) is
 * computed from the entries on every read.
 *
 * Strings in the structs below are owned by the struct and freed by the matching *_release.
 */
#ifndef LB_INCIDENT_H
#define LB_INCIDENT_H

#include "core/core.h"

struct incident_file;

/* The file's schema version (PRAGMA user_version). 1: the timeline (entries); 2: and the action cards (cards,
 * card_steps, card_sets); 3: and entries.source (the source of a fact). An older file is upgraded in place when
 * opened (its entries and their hashes are unchanged). */
#define INCIDENT_SCHEMA_VERSION 4
/* Caps on what one entry may carry (bytes of UTF-8). */
#define INCIDENT_TEXT_MAX 4000
#define INCIDENT_NAME_MAX 200
/* The hash of each entry: BLAKE2b-256. */
#define INCIDENT_HASH_LEN 32

/*
 * Open the incident file at path. create: make it when missing (with its schema, WAL journal). Fails
 * -LB_ENOTFOUND when missing and !create, -LB_EINVAL when the file is some other database (the clinical store:
 * nothing is written to it), -LB_ECORRUPT for an incident file of another schema version.
 */
int incident_open(struct incident_file **out, const char *path, int create);
void incident_file_close(struct incident_file *f);
/*
 * How each append reaches the disk. Durable (the default, SQLite synchronous=FULL): an append returns once its
 * entry is on disk, so an entry the command said was recorded survives a power cut. Not durable (synchronous=
 * NORMAL, for a bulk load such as typing in the paper log afterwards): the disk is synced at WAL checkpoints only,
 * and a power cut may lose the newest entries, never break the chain.
 */
int incident_set_durable(struct incident_file *f, int durable);
/* The default incident file next to a clinical store: "incident.db" in the store's folder. */
void incident_default_path(struct buf *out, const char *store_path);

/* ---- vocabulary (words.c) ------------------------------------------------------------------------------------ */

/* The five phases of MHLW's cyber-BCP confirmation table after 平時 (normal times), in order. */
enum incident_phase { INCIDENT_DETECTION, INCIDENT_INITIAL, INCIDENT_RECOVERY, INCIDENT_AFTER, INCIDENT_PHASES };
/* "detection", "initial", "recovery", "after"; and its label in the current language (検知, 初動対応, …). */
const char *incident_phase_name(int phase);
const char *incident_phase_label(int phase);
/* The phase named s (its name or its Japanese label), or -1. */
int incident_phase_parse(const char *s);

/* What a note records. */
enum incident_kind {
	INCIDENT_FACT,
	INCIDENT_ACTION,
	INCIDENT_DECISION,
	INCIDENT_CONTACT,
	INCIDENT_EVIDENCE,
	INCIDENT_KINDS
};
const char *incident_kind_name(int kind);
const char *incident_kind_label(int kind);
int incident_kind_parse(const char *s);

/* The six teams of the response organisation (MHLW cyber-BCP figure 2). */
enum incident_team {
	INCIDENT_HQ,
	INCIDENT_TEAM_RECOVERY,
	INCIDENT_LIAISON,
	INCIDENT_PATIENTS,
	INCIDENT_RECORDS,
	INCIDENT_SAFETY,
	INCIDENT_TEAMS
};
const char *incident_team_name(int team);
const char *incident_team_label(int team);
int incident_team_parse(const char *s);

/* The reports the law or the guidance asks for, each with its deadline from the time the hospital learned of it. */
enum incident_report { INCIDENT_MHLW, INCIDENT_POLICE, INCIDENT_PPC_PRELIMINARY, INCIDENT_PPC_FINAL, INCIDENT_REPORTS };
const char *incident_report_name(int report);
const char *incident_report_label(int report);
int incident_report_parse(const char *s);

/* The labels of a phase, team or report in the language given (not the current one). */
const char *incident_phase_label_in(int phase, enum lb_lang lang);
const char *incident_team_label_in(int team, enum lb_lang lang);
const char *incident_report_label_in(int report, enum lb_lang lang);

/* ---- entries ------------------------------------------------------------------------------------------------- */

/* Entry types, as stored. */
#define INCIDENT_T_DECLARE "declare"
#define INCIDENT_T_PHASE "phase"
#define INCIDENT_T_NOTE "note"
#define INCIDENT_T_CLOSE "close"
#define INCIDENT_T_FACT "fact" /* a fact sheet entry: kind = the key, text = the value, source = where from */

/* Flags of a declaration. */
#define INCIDENT_F_DRILL 1     /* a rehearsal: never reported */
#define INCIDENT_F_MALICIOUS 2 /* wrongful purpose (unauthorised access, ransomware): PPC final report in 60 days */

/*
 * One timeline entry. seq numbers the file's entries 1, 2, 3, … in the order they were appended; incident is the
 * seq of the incident's declaration. kind is the phase name of a phase entry and the note kind of a note; team,
 * author (the name given with --as or the station login, NULL when none was given), report (a note that says this
 * report was made), ref (the entry a correction corrects, 0 for none), known_at_ms and flags (declarations only)
 * may be empty. os_user is the account that ran the program. The canonical content that is hashed covers every
 * field but seq, prev and hash (docs/incident.md).
 */
struct incident_entry {
	int64_t seq, incident, at_ms;
	char *type, *kind, *team, *author, *os_user, *text, *report;
	int64_t ref, known_at_ms;
	int flags;
	char *source; /* a fact's source (--source), NULL otherwise: hashed only when set (docs/incident.md) */
	uint8_t prev[INCIDENT_HASH_LEN], hash[INCIDENT_HASH_LEN];
};
void incident_entry_release(struct incident_entry *e);

/* What a caller asks to append: the same fields without seq, time and hashes (which the file sets). */
struct incident_new {
	const char *type, *kind, *team, *author, *os_user, *text, *report;
	int64_t ref, known_at_ms;
	int flags;
	int64_t at_ms;      /* 0: now */
	const char *source; /* facts only: where the fact comes from */
};

/*
 * Append one entry to the open incident (or, for a declaration, start one) in its own transaction, after checking
 * it against the timeline: a declaration needs no open incident; anything else needs one; a phase entry names a
 * phase other than the current one; a correction names an earlier note of the same incident. On success *seq is
 * the new entry's number. Bad input fails -LB_EINVAL, no open incident -LB_ENOTFOUND, a second open incident
 * -LB_EEXIST, each with a message people read.
 */
int incident_append(struct incident_file *f, const struct incident_new *n, int64_t *seq);
/* The checks of incident_append that need no file (the fields' text, a declaration's known-at time against now_ms),
 * with the same errors: a caller that would create the file runs them first, so a refused entry leaves none. */
int incident_new_check(const struct incident_new *n, int64_t now_ms);

/* Canonical content of e (without seq, prev, hash) into out, and the entry's hash from prev and that content. */
void incident_canonical(struct buf *out, const struct incident_entry *e);
void incident_entry_hash(const uint8_t prev[INCIDENT_HASH_LEN], const struct incident_entry *e,
                         uint8_t out[INCIDENT_HASH_LEN]);
/* Lowercase hex of the first n bytes of a hash (out holds 2n+1). */
void incident_hex(const uint8_t *h, size_t n, char *out);

/* ---- verify (verify.c) --------------------------------------------------------------------------------------- */

enum incident_break {
	INCIDENT_INTACT,
	INCIDENT_ALTERED,   /* the entry's content or hash was changed */
	INCIDENT_REMOVED,   /* an entry is missing before this one (seq gap, or its predecessor is gone) */
	INCIDENT_REORDERED, /* the entry is intact but stands in the wrong place */
	INCIDENT_HEAD_GONE, /* the hash noted as the head is not in the chain (entries cut off the end, or rewritten) */
};
struct incident_verify_result {
	enum incident_break status;
	int64_t entries;                 /* entries checked before the break (all of them when intact) */
	int64_t at;                      /* seq of the first entry that breaks the chain (or expected there) */
	int64_t other;                   /* REORDERED: the entry it follows in truth, when known */
	uint8_t head[INCIDENT_HASH_LEN]; /* hash of the last entry checked */
};
/*
 * Walk the whole timeline and recompute every hash. head_hex, when not NULL, is a hash (or a prefix of at least 8
 * hex digits) noted earlier from `incident status` or `verify`: the chain must still contain it. Returns 0 with
 * *r filled (r->status says whether the chain holds), or a negative code when the file cannot be read.
 */
int incident_verify(struct incident_file *f, const char *head_hex, struct incident_verify_result *r);

/* ---- reading (query.c) --------------------------------------------------------------------------------------- */

/* An incident's deadline: due_ms (0 for "at once"), latest_ms (the end of a window, or due_ms), and the entry that
 * says the report was made (0 when not yet). */
struct incident_deadline {
	int report;
	int64_t due_ms, latest_ms;
	int64_t done_seq, done_ms;
	int overdue; /* not made and past latest_ms (at once: past the time the hospital learned of it) */
	int late;    /* made, after latest_ms (an at-once report is never late: it is made as soon as it can be) */
	int applies; /* 0 for a drill: nothing is reported */
};

struct incident_state {
	struct incident_entry declared; /* the declaration */
	int phase;                      /* current phase */
	int64_t phase_since_ms;
	int64_t closed_seq, closed_ms;    /* 0 while open */
	int64_t entries;                  /* entries of this incident */
	struct incident_entry *decisions; /* current decisions (not corrected by a later entry), oldest first */
	size_t ndecisions;
	struct incident_entry *latest; /* the newest entries, newest last */
	size_t nlatest;
	struct incident_deadline deadlines[INCIDENT_REPORTS];
	uint8_t head[INCIDENT_HASH_LEN]; /* hash of the file's newest entry */
	int64_t head_seq;
};
void incident_state_release(struct incident_state *s);

/* The open incident's seq in *id, or 0 when none is open. */
int incident_current(struct incident_file *f, int64_t *id);
/* The state of incident id (the open one when id is 0: -LB_ENOTFOUND when none), with its nlatest newest entries,
 * deadlines judged at now_ms. */
int incident_state(struct incident_file *f, int64_t id, size_t nlatest, int64_t now_ms, struct incident_state *s);

/* Every incident of the file, oldest first (their declarations, with closed_ms and entry counts). */
struct incident_summary {
	struct incident_entry declared;
	int phase;
	int64_t closed_ms, entries;
};
struct incident_list {
	struct incident_summary *v;
	size_t n;
};
int incident_list(struct incident_file *f, struct incident_list *out);
void incident_list_release(struct incident_list *l);

/* Call fn for each entry of incident id (0: the open one), oldest first; fn returning non-zero stops the walk
 * (and is returned). */
int incident_each(struct incident_file *f, int64_t id, int (*fn)(const struct incident_entry *e, void *arg), void *arg);
/* Entry seq into e (released by the caller); -LB_ENOTFOUND when there is none. */
int incident_get(struct incident_file *f, int64_t seq, struct incident_entry *e);
/* 1 when entry seq was corrected by a later entry (*by set to the newest such entry), 0 when not. */
int incident_corrected_by(struct incident_file *f, int64_t seq, int64_t *by);

/* ---- action cards (cards.c, cards_yaml.c; docs/incident.md) ------------------------------------------------- */

/*
 * An action card says what a team does in a phase, by when (an offset from the declaration), and how, in Japanese
 * and English. A hospital's cards are YAML files, one per team (data/incident/cards/ ships the defaults, compiled
 * into the binary). A card set is copied into the incident file when it is loaded (at declare, or later with
 * incident_cards_load): the rows of the cards tables, and a timeline entry of type "cards" that carries the set's
 * BLAKE2b hash, so the definitions are covered by the chain. The state of each card (open, assigned, done) is never
 * stored apart: it is rebuilt from the timeline's "assign" and "done" entries on every read.
 */

/* How the timeline carries cards. A declaration made with cards (incident_declare) has kind = the set's hash in
 * hex; a set loaded later is a "cards" entry (kind = the set's hash, text = where it came from, flags = the
 * number of cards). "assign": kind = the card's id, team = its team, text = the person it is given to.
 * "done": kind = the card's id, team = its team, text = the note (the card's id when none was given). */
#define INCIDENT_T_CARDS "cards"
#define INCIDENT_T_ASSIGN "assign"
#define INCIDENT_T_DONE "done"

/* Caps of a card set (a YAML file is refused beyond them). */
#define INCIDENT_CARD_ID_MAX 64
#define INCIDENT_CARDS_MAX 500
#define INCIDENT_CARD_STEPS_MAX 40
#define INCIDENT_CARD_FILE_MAX (1024 * 1024)
/* The longest due offset: 365 days. */
#define INCIDENT_CARD_DUE_MAX (365 * 24 * 60)

/* A phase of a card: the incident's phases, and 平時 (normal times: preparation) which no incident is in. */
#define INCIDENT_NORMAL INCIDENT_PHASES
/* "normal" / 平時 as well as incident_phase_name/label/parse; -1 when unknown. */
const char *incident_card_phase_name(int phase);
const char *incident_card_phase_label(int phase);
int incident_card_phase_parse(const char *s);

struct incident_card_step {
	char *ja, *en;
};
/* One card as defined. id: [a-z0-9-], stable across versions of the YAML (done and assign name it). team and
 * phase are enum values. due_min: minutes from the declaration, -1 when the card has none. owner_*: the role that
 * owns it (may be NULL). en fields fall back to ja when the YAML gives only Japanese. file and line: where it was
 * read (the file's base name), for messages. */
struct incident_card {
	char *id;
	int team, phase;
	int64_t due_min;
	char *title_ja, *title_en, *owner_ja, *owner_en;
	struct incident_card_step *steps;
	size_t nsteps;
	char *file;
	int line;
};
/* A card set, in the order read (files by name, cards as written). */
struct incident_cardset {
	struct incident_card *v;
	size_t n;
};
void incident_cardset_release(struct incident_cardset *s);

/*
 * Read and validate card YAML. The error on a bad file is one line "FILE:LINE: reason" (YAML syntax, an unknown
 * key, a missing id or title, a bad team, phase or due, a duplicate id — naming the first too), -LB_EINVAL; out is
 * then empty. _buf reads one file's bytes (name is what messages call it) and adds its cards to out, refusing an
 * id already in out (on failure out is as it was given); _dir reads every *.yaml and *.yml of dir, by name (none: an error); _defaults the shipped
 * set (data/incident/cards/, compiled in).
 */
int incident_cards_read_buf(struct incident_cardset *out, const char *name, const char *data, size_t len);
int incident_cards_read_dir(struct incident_cardset *out, const char *dir);
int incident_cards_defaults(struct incident_cardset *out);
/* Write the shipped card files into dir (created if missing), for a hospital to edit; a file already there is
 * not overwritten (-LB_EEXIST naming it; the files before it are written). *files: how many were written. */
int incident_cards_write_defaults(const char *dir, size_t *files);
/* The set's BLAKE2b-256 over its canonical content (every field but file and line). */
void incident_cardset_hash(const struct incident_cardset *s, uint8_t out[INCIDENT_HASH_LEN]);

/*
 * Declare an incident (n->type "declare") with the card set s, in one transaction: the declaration carries the
 * set's hash (kind) and the cards are copied into the file; source is where they came from ("defaults" or a
 * folder), kept beside them. s NULL: a declaration without cards (incident_append). Fails as incident_append,
 * and -LB_EINVAL for an invalid set; on any failure nothing is written.
 */
int incident_declare(struct incident_file *f, const struct incident_new *n, const struct incident_cardset *s,
                     const char *source, int64_t *seq);
/*
 * Make s the open incident's card set: one transaction that appends a "cards" entry (written by who->author and
 * who->os_user, at who->at_ms) and copies the cards into the file. source is where they came from ("defaults" or
 * a folder), as recorded. The set replaces the previous one; cards of the same id keep their state (it lives in
 * the timeline). On any failure nothing is written. *seq: the new entry.
 */
int incident_cards_load(struct incident_file *f, const struct incident_cardset *s, const char *source,
                        const struct incident_new *who, int64_t *seq);

/* The state of one card of an incident, as the timeline says. */
enum incident_card_status { INCIDENT_CARD_OPEN, INCIDENT_CARD_ASSIGNED, INCIDENT_CARD_DONE };
struct incident_card_state {
	struct incident_card card;
	enum incident_card_status status; /* DONE wins over ASSIGNED */
	char *assignee;                   /* the newest assign entry's person, or NULL */
	int64_t assigned_seq, assigned_ms;
	char *done_by;   /* the done entry's author (its OS account when it has none) */
	char *done_note; /* NULL when done without a note */
	int64_t done_seq, done_ms;
	int64_t due_ms; /* the declaration's time + due_min; 0 when the card has no due */
	int overdue;    /* not done and now past due_ms */
};
struct incident_cards {
	struct incident_card_state *v;
	size_t n;
	int64_t load_seq; /* the entry that loaded the set shown: the declaration or a "cards" entry (0: none) */
	char *source;     /* its text */
};
void incident_cards_release(struct incident_cards *c);

/*
 * The current cards of incident id (0: the open one, -LB_ENOTFOUND when none) with their state at now_ms;
 * team and phase filter (-1: all). -LB_ECORRUPT when the cards tables no longer hash to the set the timeline
 * recorded (someone edited them in the file), naming the "cards" entry.
 */
int incident_cards(struct incident_file *f, int64_t id, int team, int phase, int64_t now_ms,
                   struct incident_cards *out);
/* Check the card sets of the whole file against their "cards" entries: 0 when they match (or there are none),
 * -LB_ECORRUPT naming the first that does not. */
int incident_cards_check(struct incident_file *f);

/*
 * Mark card_id of the open incident done (note may be NULL), or assign it to a person. Each is one timeline entry
 * (incident_append with type done/assign); who gives author, os_user, at_ms. An id not in the current set:
 * -LB_ENOTFOUND naming it; done twice, or assigning a done card: -LB_EEXIST saying by whom and when.
 */
int incident_card_done(struct incident_file *f, const char *card_id, const char *note, const struct incident_new *who,
                       int64_t *seq);
int incident_card_assign(struct incident_file *f, const char *card_id, const char *to, const struct incident_new *who,
                         int64_t *seq);

/* ---- the contact chart (contacts.c) -------------------------------------------------------------------------- */

/* The kinds of contact a chart lists (the stored names: ehr-vendor, network-vendor, mhlw, police, prefecture,
 * health-centre, ppc, regional-hospital, media, other). */
enum incident_contact_kind {
	INCIDENT_C_EHR_VENDOR,
	INCIDENT_C_NETWORK_VENDOR,
	INCIDENT_C_MHLW,
	INCIDENT_C_POLICE,
	INCIDENT_C_PREFECTURE,
	INCIDENT_C_HEALTH_CENTRE,
	INCIDENT_C_PPC,
	INCIDENT_C_REGIONAL_HOSPITAL,
	INCIDENT_C_MEDIA,
	INCIDENT_C_OTHER,
	INCIDENT_CONTACT_KINDS
};
const char *incident_contact_kind_name(int kind);
const char *incident_contact_kind_label(int kind);
int incident_contact_kind_parse(const char *s);

/* "未設定": the word of the shipped template for what the hospital has not filled in yet. */
#define INCIDENT_UNSET "未設定"

/* One row of the chart. org is required; the rest may be NULL. */
struct incident_contact {
	int kind;
	char *org, *person, *phone, *after_hours, *email, *note;
	int line;
};
struct incident_contacts {
	char *hospital, *updated; /* may be NULL */
	struct incident_contact *v;
	size_t n;
};
void incident_contacts_release(struct incident_contacts *c);
/* Read and validate a contact chart ("FILE:LINE: reason" like the cards, -LB_EINVAL). _read_file reads a file;
 * _template the shipped one (data/incident/contacts.yaml). */
int incident_contacts_read_buf(struct incident_contacts *out, const char *name, const char *data, size_t len);
int incident_contacts_read_file(struct incident_contacts *out, const char *path);
int incident_contacts_template(struct incident_contacts *out);
/* Write the shipped template to path for the hospital to fill in (an existing file is not overwritten:
 * -LB_EEXIST). */
int incident_contacts_write_template(const char *path);
/* 1 when s is empty or holds the template's 未設定. */
int incident_unset(const char *s);
/* The chart as an A4 PDF at path (print_table: both languages, rows still 未設定 shaded), written atomically. */
int incident_contacts_pdf(const struct incident_contacts *c, const char *path);

/* Every entry of the file, oldest first (export); fn returning non-zero stops the walk (and is returned). */
int incident_each_all(struct incident_file *f, int (*fn)(const struct incident_entry *e, void *arg), void *arg);

/* ---- the fact sheet (facts.c) -------------------------------------------------------------------------------- */

/*
 * The keys of the fact sheet (docs/incident.md). Each set is a timeline entry of type "fact" (kind = key, text =
 * the value, source); the sheet is the newest value per key, and setting a key again corrects it. The value
 * "unknown" (or 不明) makes a key unknown again.
 */
enum incident_fact_type {
	INCIDENT_FV_TEXT,  /* free text (lines allowed) */
	INCIDENT_FV_COUNT, /* a number of persons or items: digits (commas allowed), optionally 約 or ~ before */
	INCIDENT_FV_TIME,  /* a time: 2026-12-07 04:10 (local), stored as the UTC instant */
	INCIDENT_FV_LEAK,  /* yes, possible, no, unknown (or はい, おそれあり, いいえ, 不明) */
};
struct incident_fact_key {
	const char *key; /* "systems" */
	const char *en, *ja;
	enum incident_fact_type type;
	const char *hint_en, *hint_ja; /* what to write */
};
/* The keys, and their number. */
const struct incident_fact_key *incident_fact_keys(size_t *n);
/* The key named s (its key or its Japanese label), or NULL. */
const struct incident_fact_key *incident_fact_key_find(const char *s);
/* The keys as one line, "summary, systems, …" (for messages). */
void incident_fact_key_list(struct buf *out);
/*
 * Check a value for key k and put what is stored into out (a leak value becomes yes|possible|no|unknown, a time
 * becomes its UTC instant "2026-12-06T19:10:00Z" (read in local time when typed without a zone), "不明"/"unknown"
 * becomes "unknown"). -LB_EINVAL with a message naming the key.
 */
int incident_fact_value(const struct incident_fact_key *k, const char *value, struct buf *out);
/* 1 when a stored value means "not known" ("unknown"). */
int incident_fact_is_unknown(const char *stored);

/* The fact sheet of an incident: for each key (incident_fact_keys order), its newest entry, or seq 0 (unknown). */
struct incident_fact {
	const struct incident_fact_key *key;
	struct incident_entry entry; /* the newest fact entry of the key (seq 0: never set) */
	int times;                   /* how many times the key was set */
};
struct incident_facts {
	struct incident_fact *v; /* one per key */
	size_t n;
	size_t known; /* keys with a value other than unknown */
};
int incident_facts_load(struct incident_file *f, int64_t id, struct incident_facts *out);
/* The fact of key (its entry's text, NULL when unknown). */
const char *incident_facts_get(const struct incident_facts *fs, const char *key);
void incident_facts_release(struct incident_facts *fs);

/* ---- report drafts (report.c) -------------------------------------------------------------------------------- */

/* The drafts: the four reports whose deadlines status shows, and the government's common ransomware form. */
enum incident_draft {
	INCIDENT_DRAFT_MHLW,
	INCIDENT_DRAFT_POLICE,
	INCIDENT_DRAFT_PPC_PRELIMINARY,
	INCIDENT_DRAFT_PPC_FINAL,
	INCIDENT_DRAFT_RANSOMWARE,
	INCIDENT_DRAFTS
};
const char *incident_draft_name(int draft); /* "mhlw", …, "ransomware-common" */
int incident_draft_parse(const char *s);

/* One field of a draft: its label (Japanese; English too under --lang en) and value, NULL when not known (不明). */
struct incident_report_field {
	const char *name;  /* stable, for JSON: "summary" */
	const char *label; /* "概要" or "概要 (summary)" */
	char *value;       /* owned; NULL: 不明 */
	int64_t seq;       /* the entry it comes from, 0 for none or several */
};
/* An entry a draft lists, and the later entry that corrects it (0: none). */
struct incident_report_item {
	struct incident_entry e;
	int64_t corrected_by;
};
struct incident_report_list {
	struct incident_report_item *v;
	size_t n;
};
/* A draft: its fields, and the entries every draft carries with their times: the course of the response (phase
 * changes, actions, contacts), every decision, the evidence kept; each list oldest first. */
struct incident_report_draft {
	int draft;
	const char *title; /* the form's title (static) */
	struct incident_state state;
	struct incident_report_field *fields;
	size_t nfields, unknown;
	struct incident_report_list course, decisions, evidence;
	int64_t now_ms;
	struct be_day *burndown; /* back-entry outstanding per day (backentry.h be_burndown), printed as a chart */
	size_t nburndown;
};
/* Fill the draft of incident id (0: the open one) as of now_ms. */
int incident_report_build(struct incident_file *f, int64_t id, int draft, int64_t now_ms,
                          struct incident_report_draft *r);
void incident_report_release(struct incident_report_draft *r);
/* The draft as text (Japanese; English glosses under --lang en), as JSON (null for unknown), and as a PDF. */
void incident_report_text(const struct incident_report_draft *r, struct buf *out);
void incident_report_json(const struct incident_report_draft *r, struct buf *out);
int incident_report_pdf(const struct incident_report_draft *r, const char *path);

/* ---- the export medium (medium_write.c, medium_verify.c) --------------------------------------------------- */

/* The files of a medium (docs/incident.md): the manifest and the chain head are named here for verify. */
#define INCIDENT_MEDIUM_MANIFEST "SHA256SUMS"
#define INCIDENT_MEDIUM_HEAD "head.txt"
#define INCIDENT_MEDIUM_TIMELINE "timeline.jsonl"

struct incident_export_result {
	int64_t entries, head_seq;
	uint8_t head[INCIDENT_HASH_LEN];
	uint8_t manifest_sha256[32]; /* of the SHA256SUMS file itself (for the hand-over form) */
	size_t files;
};
/*
 * Write the medium of incident id (0: the open one) into dir, which must not exist or be empty (-LB_EEXIST
 * otherwise): built in a sibling temporary folder, then renamed into place, so dir is whole or absent.
 */
int incident_export(struct incident_file *f, int64_t id, const char *dir, int64_t now_ms,
                    struct incident_export_result *r);

/* What verify --dir found: the first failure (what = file or entry), and the head it reached. */
enum incident_medium_status {
	INCIDENT_MEDIUM_OK,
	INCIDENT_MEDIUM_BAD_MANIFEST, /* the manifest is missing or a line of it is malformed */
	INCIDENT_MEDIUM_MISSING,      /* a file the manifest lists is missing */
	INCIDENT_MEDIUM_MISMATCH,     /* a file's SHA-256 is not the manifest's */
	INCIDENT_MEDIUM_UNLISTED,     /* a file is on the medium but not in the manifest */
	INCIDENT_MEDIUM_BAD_ENTRY,    /* an entry of the timeline is malformed or its hash does not match */
	INCIDENT_MEDIUM_CHAIN,        /* an entry does not follow the one before it (removed, reordered) */
	INCIDENT_MEDIUM_BAD_HEAD,     /* the head file is malformed or does not match the timeline's end */
	INCIDENT_MEDIUM_HEAD_GONE,    /* the head noted on paper (--head) is not in the timeline */
};
struct incident_medium_result {
	enum incident_medium_status status;
	char what[256];  /* the file (or "timeline.jsonl") that fails */
	int64_t line;    /* its line, 0 for none */
	int64_t seq;     /* the entry, 0 for none */
	int64_t entries; /* entries checked */
	size_t files;    /* files checked against the manifest */
	uint8_t head[INCIDENT_HASH_LEN];
};
/* Check the medium in dir: every file against the manifest, then the chain. Returns 0 with *r (r->status says
 * whether it holds), or a negative code when dir cannot be read at all. head_hex as for incident_verify. */
int incident_medium_verify(const char *dir, const char *head_hex, struct incident_medium_result *r);

/* The parsers verify uses, on bytes (for fuzzing): the manifest ("<sha256 hex>  <name>" lines) and the timeline
 * (JSON lines): 0 with r filled (status OK or the first failure), never crashing on any bytes. */
struct incident_manifest_line {
	uint8_t sha256[32];
	char *name;
};
struct incident_manifest {
	struct incident_manifest_line *v;
	size_t n;
};
int incident_manifest_parse(const char *data, size_t len, struct incident_manifest *m,
                            struct incident_medium_result *r);
void incident_manifest_release(struct incident_manifest *m);
int incident_timeline_check(const char *data, size_t len, struct incident_medium_result *r);

#endif /* LB_INCIDENT_H */
