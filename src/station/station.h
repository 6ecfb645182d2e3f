/*
 * station.h - the downtime station: the whole interface of src/station/.
 *
 * station stands on incident, store, ehr, text and core. It owns the ward's offline web window on the clinical store: an
 * HTTP server (libmicrohttpd, thread pool) that serves read-only pages (search, patient, census, outpatient call
 * list, health), its users and sessions, and the append-only audit trail of every view.
 *
 * Files it keeps: the clinical store F is read through read-only handles; its one write is the check page's 記録
 * (outage orders, store_outage_add through a handle opened for that request only, pages_rxcheck.c). Users,
 * sessions and the audit trail live in "F.station" beside it (station_auth_path), because a refresh replaces F
 * whole while accounts and the access log must survive it (the outage orders are carried over, refresh.c). The audit table refuses UPDATE and DELETE by SQLite triggers.
 *
 * Security contract: every page needs a session except /login, /healthz and the static assets; every HTML byte
 * that comes from data goes through station_html_esc (html.c); every state-changing request is a POST with the
 * session's CSRF token; headers forbid framing, sniffing, referrers, inline script and caching of patient pages.
 */
#ifndef LB_STATION_H
#define LB_STATION_H

#include "core/core.h"

/* Roles a user may hold. hq (headquarters, issue 15) and admin declare an incident, change its phase and decide;
 * hq reads no patient data it is not shown like any other user. */
#define STATION_ROLES "doctor, nurse, pharmacist, clerk, admin, hq"
/* Teams a user may belong to (the incident's response organisation; incident_team_parse also takes the Japanese
 * names): a team's members complete its action cards. */
#define STATION_TEAMS "hq, recovery, liaison, patients, records, safety"
/* 1 if role is one of STATION_ROLES. */
int station_role_valid(const char *role);

/* The path of the users/sessions/audit file of store path db ("db.station"), into b. */
void station_auth_path(struct buf *b, const char *db);

/* ---- users (auth.c) ------------------------------------------------------------------------------------------ */

/* Add a user with an Argon2id hash of password (8..1024 bytes). -LB_EEXIST if the name is taken. */
int station_user_add(const char *db, const char *name, const char *role, const char *password);
/* The same with the user's team (one of STATION_TEAMS, or NULL for none). */
int station_user_add_team(const char *db, const char *name, const char *role, const char *team, const char *password);
/* Give a user a team (NULL: none). -LB_ENOTFOUND when there is no such user. */
int station_user_set_team(const char *db, const char *name, const char *team);
/* Remove a user and end their sessions. -LB_ENOTFOUND when there is none. */
int station_user_del(const char *db, const char *name);
/* Clear login locks: of user name (at every address and its back-off; address NULL) or at one address (name
 * NULL: the address's lock and every user's there), recorded as an "unlock" entry of the audit trail naming by.
 * *cleared counts the failed logins of the last 15 minutes it clears and from lists their addresses
 * (comma-separated). -LB_ENOTFOUND for a name that is no user. */
int station_user_unlock(const char *db, const char *name, const char *address, const char *by, long *cleared,
                        struct buf *from);
/* A user's login locks now, as a station with these limits (0: the defaults, 5 failures, 15 min) judges them:
 * each address where the user is locked (failures counted there, until when), the failures of the window from
 * anywhere, and the account's back-off for unknown addresses (0: none). */
struct station_lock {
	char address[64];
	int64_t failures, until_ms;
};
struct station_lock_status {
	struct station_lock locked[8];
	size_t nlocked;
	int64_t failures, addresses; /* in the window, from how many addresses */
	int64_t backoff_until_ms;
};
int station_user_lock_status(const char *db, const char *name, int max_failures, int64_t lockout_ms,
                             struct station_lock_status *out);
/* Call fn for each user, by name (team NULL when none). */
int station_user_list(const char *db,
                      int (*fn)(void *ctx, const char *name, const char *role, const char *team, const char *created),
                      void *ctx);

/* ---- audit trail (audit.c) ----------------------------------------------------------------------------------- */

struct station_audit_entry {
	int64_t id;
	const char *time;    /* UTC, ISO 8601 with milliseconds */
	const char *user;    /* "" before login */
	const char *action;  /* login, login-failed, login-locked, login-delayed, unlock, logout, search, view, census,
	                        appointments, export, print, denied, drug-search, rx-check, rx-record, barcode,
	                        incident (the headquarters forms: "log #12", "refused: …"), backentry (the paper
	                        order register and the worklist: "order DT-… #12", "open DT-… #12", "mark entered 3
	                        #40", "backlog ward=3A …", "refused …") */
	const char *patient; /* patient ID or NULL */
	const char *page;    /* the path asked for */
	const char *address; /* client IP address */
	const char *detail;  /* the query, ward, date … or NULL */
};
/* Call fn for each entry, oldest first, filtered by user and/or patient when non-NULL. */
int station_audit_each(const char *db, const char *user, const char *patient,
                       int (*fn)(void *ctx, const struct station_audit_entry *e), void *ctx);

/*
 * Recompute the hash chain of the whole trail. Returns 0 when it holds (*entries checked, head = the last chain
 * value, to be written down), 1 when entry *bad_id was changed, or the one before it removed, or a negative
 * error.
 */
int station_audit_verify(const char *db, int64_t *entries, char head[65], int64_t *bad_id);

/* ---- server (server.c) --------------------------------------------------------------------------------------- */

struct station_opts {
	const char *db;       /* the clinical store */
	const char *listen;   /* "127.0.0.1:8080", "[::1]:8080", ":8080" */
	const char *tls_cert; /* PEM files, both or neither */
	const char *tls_key;
	int lang_en;          /* default page language English (else Japanese) */
	int threads;          /* worker threads, 1..16 (0: 4) */
	int64_t idle_ms;      /* session idle timeout (0: 15 min) */
	int max_failures;     /* failed logins of one user from one address before it is locked there (0: 5); an
	                       address gets 4 times as many, and from 4 times as many the user is slowed down */
	int64_t lockout_ms;   /* the window failures are counted in and the lockout lasts (0: 15 min) */
	int64_t stale_ms;     /* data older than this is flagged loudly on every page (0: 24 h) */
	int per_address;      /* connections at once from one address (0: 64); more are closed at once */
	const char *incident; /* the incident file (NULL: incident.db next to db); read per request, made by a
	                         declaration on the board */
};
struct station;
/* Open the store read-only and the auth file, and start serving. Returns at once; the server runs in its own
 * threads until station_stop. */
int station_start(struct station **out, const struct station_opts *o);
/* The port actually bound (for ":0"). */
int station_port(const struct station *st);
/* Stop serving (in-flight requests finish) and free everything. */
void station_stop(struct station *st);

/* ---- refresh (refresh.c) ------------------------------------------------------------------------------------- */

struct store_ingest_stats;
/*
 * Ingest the restored export tree dir (dir/ssmix2, dir/fhir (NDJSON), dir/appointments.csv, dir/drugs.csv; those
 * present) into a new store beside db, check it holds patients, and rename it over db in one step. generation
 * names the source (vault generation id) for the banner. A running station moves to the new store within a
 * second without failing a request. On failure db is unchanged.
 */
int station_refresh(const char *db, const char *dir, const char *generation, struct store_ingest_stats *st);

/* ---- request input (parse.c) --------------------------------------------------------------------------------- */

/* Limits on what a request may carry. */
#define STATION_BODY_MAX (16u << 10)
#define STATION_FIELD_MAX 2048

/*
 * Find field name in an application/x-www-form-urlencoded body or query string s[0..n) and decode it (+ is a
 * space, %XX a byte) into out. The decoded value must be valid UTF-8 without control characters (tabs and
 * newlines excepted) and at most STATION_FIELD_MAX bytes. Returns 1 found, 0 absent, -LB_EINVAL malformed.
 */
int station_form_get(const char *s, size_t n, const char *name, struct buf *out);
/* Find cookie name in a Cookie header ("a=1; b=2"); values are taken as they are (no decoding), at most 256
 * bytes of [A-Za-z0-9_-]. Returns 1 found, 0 absent or invalid. */
int station_cookie_get(const char *header, const char *name, char *out, size_t outsz);

#endif /* LB_STATION_H */
