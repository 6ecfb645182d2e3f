/*
 * incident.h - the incident file: the whole interface of src/incident/.
 *
 * incident stands on text and core (above store and print in the layering, below cli and station; it reads
 * neither the clinical store nor the vault). It owns one SQLite database per hospital, the incident file (docs/incident.md),
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

/* The file's schema version (PRAGMA user_version). */
#define INCIDENT_SCHEMA_VERSION 1
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

/* ---- entries ------------------------------------------------------------------------------------------------- */

/* Entry types, as stored. */
#define INCIDENT_T_DECLARE "declare"
#define INCIDENT_T_PHASE "phase"
#define INCIDENT_T_NOTE "note"
#define INCIDENT_T_CLOSE "close"

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
	uint8_t prev[INCIDENT_HASH_LEN], hash[INCIDENT_HASH_LEN];
};
void incident_entry_release(struct incident_entry *e);

/* What a caller asks to append: the same fields without seq, time and hashes (which the file sets). */
struct incident_new {
	const char *type, *kind, *team, *author, *os_user, *text, *report;
	int64_t ref, known_at_ms;
	int flags;
	int64_t at_ms; /* 0: now */
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

#endif /* LB_INCIDENT_H */
