/*
 * incident_int.h - what the files of src/incident/ share: the open file, its prepared statements, row reading.
 */
#ifndef LB_INCIDENT_INT_H
#define LB_INCIDENT_INT_H

#include "incident.h"

#include <sqlite3.h>

enum incident_stmt {
	IS_LAST,         /* the newest entry's seq and hash */
	IS_INSERT,       /* append one entry */
	IS_OPEN,         /* the open incident: a declaration without a close */
	IS_GET,          /* one entry by seq */
	IS_PHASE,        /* the newest phase entry of an incident */
	IS_COUNT,        /* entries of an incident */
	IS_DECISIONS,    /* decisions of an incident not corrected by a later entry */
	IS_LATEST,       /* the newest entries of an incident */
	IS_CLOSE_OF,     /* the close entry of an incident */
	IS_REPORTED,     /* the first note that says a report was made */
	IS_CORRECTED_BY, /* the newest entry correcting an entry */
	IS_DECLARES,     /* every declaration */
	IS_EACH,         /* every entry of an incident */
	IS_ALL,          /* every entry of the file (verify) */
	IS_COUNT_ALL
};

/* The open file. Invariant: every statement of st is prepared (incident_open fails otherwise). */
struct incident_file {
	sqlite3 *db;
	sqlite3_stmt *st[IS_COUNT_ALL];
	int be_depth; /* be_begin nesting: the outer one holds the write lock and commits; inner ones join it */
};

/* The columns every entry query selects, in this order (incident_read_row reads them). */
#define INCIDENT_COLS                                                                                           \
	"seq, incident, at_ms, type, kind, team, author, os_user, text, report, ref, known_at_ms, flags, prev," \
	" hash, source"

/* Set an error from SQLite's last one on f ("what: message"), mapped to an LB_E* code; returns it. */
int incident_sqlerr(struct incident_file *f, const char *what);
/* A statement of f, reset and with its bindings cleared. */
sqlite3_stmt *incident_stmt(struct incident_file *f, enum incident_stmt k);
/* Fill e from the current row of st (INCIDENT_COLS from column 0); e is released first by the caller. */
void incident_read_row(sqlite3_stmt *st, struct incident_entry *e);
/* Bind s as text (NULL as NULL). */
void incident_bind_text(sqlite3_stmt *st, int i, const char *s);

/* incident_entry_hash with a buffer the caller reuses across entries (verify). */
void incident_hash_with(struct buf *scratch, const uint8_t prev[INCIDENT_HASH_LEN], const struct incident_entry *e,
                        uint8_t out[INCIDENT_HASH_LEN]);
/* Point e's strings at the current row of st (INCIDENT_COLS), without copying: valid until the next step. */
void incident_peek_row(sqlite3_stmt *st, struct incident_entry *e);

/* incident_append inside a transaction the caller opened (BEGIN IMMEDIATE) and commits or rolls back. */
int incident_append_in(struct incident_file *f, const struct incident_new *n, int64_t *seq);
/* The canonical encodings of chain.c: 8 bytes big-endian; a 4-byte length and the bytes (NULL: 0xffffffff). */
void incident_put_u64(struct buf *b, uint64_t v);
void incident_put_str(struct buf *b, const char *s);
/* 1 when kind is a set's hash as an entry records it (64 lowercase hex digits). */
int incident_card_hash_ok(const char *kind);
/* Check a cards, assign or done entry against the open incident `open` (cards.c). */
int incident_card_check_entry(struct incident_file *f, int64_t open, const struct incident_new *n);
/* Free one card's strings (the card is left zeroed). */
void incident_card_release(struct incident_card *k);
/* Check a card set's own fields (ids, teams, phases, texts) before it is written; 0 or -LB_EINVAL. */
int incident_cardset_valid(const struct incident_cardset *s);
/* SHA-256 of root/name, no symlink followed (medium_verify.c): 0, -ENOENT, or another -errno. */
int incident_sha256_file(const char *root, const char *name, uint8_t out[32]);
/* The first line of head.txt on a medium. */
#define INCIDENT_MEDIUM_HEAD_TAG "lifeboat incident medium v1"

#endif
