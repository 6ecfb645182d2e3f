/*
 * audit.h - `lifeboat audit`: the whole interface of src/audit/ (docs/inventory.md). An inventory of the EHR's
 * devices, network segments and paths, systems, accounts and password policies, read from YAML with a strict
 * schema (every error named by file, line and key), made from CSV (asset ledger, Active Directory export) or
 * collected from this Linux host, and checked against the MHLW checklist's account, endpoint, network and VPN
 * items. Stands on core only; holds no clinical data. A credential appears only as a salted fingerprint.
 */
#ifndef LB_AUDIT_H
#define LB_AUDIT_H

#include "core/core.h"

#include <stdint.h>

/* Caps on hostile input, checked before anything is allocated. */
#define AUDIT_FILE_MAX (64u << 20)
#define AUDIT_TEXT_MAX 4096

/* A three-way answer: the inventory may not say. */
enum audit_tri { AUDIT_UNSET = 0, AUDIT_NO = 1, AUDIT_YES = 2 };

struct audit_service {
	char *name;    /* "rdp", "smb1", "telnet", "sshd", … */
	char *proto;   /* tcp | udp */
	long port;     /* 0: not given */
	char *address; /* listen address */
	char *program; /* the program holding the socket, when readable */
	enum audit_tri needed;
	const char *file; /* the inventory file it was read from (owned by the inventory) */
	int line;
};

struct audit_package {
	char *name, *version;
};

struct audit_device {
	char *name, *type, *role, *vendor, *product, *version, *os, *kernel, *segment, *vendor_name, *location;
	char *patched; /* YYYY-MM-DD */
	char *antivirus, *edr, *updates;
	char *ssh_permit_root_login, *ssh_password_authentication;
	enum audit_tri internet_facing, remote_maintenance, management_exposed;
	struct audit_service *services;
	size_t nservices;
	struct audit_package *packages;
	size_t npackages;
	struct lb_strlist unread; /* what the collector could not read, said rather than guessed */
	char *notes;
	const char *file; /* the inventory file it was read from (owned by the inventory) */
	int line;
};

struct audit_segment {
	char *name, *kind, *description;
	enum audit_tri internet_facing;
	const char *file; /* the inventory file it was read from (owned by the inventory) */
	int line;
};

struct audit_path {
	char *from, *to, *service, *purpose, *auth;
	enum audit_tri always_on, writable;
	const char *file; /* the inventory file it was read from (owned by the inventory) */
	int line;
};

struct audit_system {
	char *name, *kind, *vendor;
	struct lb_strlist devices;
	const char *file; /* the inventory file it was read from (owned by the inventory) */
	int line;
};

struct audit_account {
	char *user, *system, *role, *credential, *last_login, *status, *source;
	enum audit_tri enabled, admin, mfa, shared, remote, password_never_expires;
	long uid; /* -1: not given */
	struct lb_strlist groups;
	const char *file; /* the inventory file it was read from (owned by the inventory) */
	int line;
};

struct audit_policy {
	char *system;             /* NULL: every system */
	long password_min_length; /* -1: not given */
	long lockout_threshold;   /* failed attempts before lockout; 0: no lockout; -1: not given */
	long password_max_days;   /* -1: not given */
	enum audit_tri mfa_remote;
	char *source;     /* where a collector read it */
	const char *file; /* the inventory file it was read from (owned by the inventory) */
	int line;
};

struct audit_inventory {
	char *file;              /* the first file it was read from, for messages */
	struct lb_strlist files; /* every file read, owned; entries point into it */
	char *hospital;          /* hospital.name */
	char *checked;           /* hospital.checked: the date the inventory was taken */
	long min_length;         /* hospital.password_min_length (the hospital's own rule), -1: not given */
	long dormant_days;       /* hospital.dormant_days, -1: default */
	long patch_max_days;     /* hospital.patch_max_days, -1: default */
	struct audit_device *devices;
	size_t ndevices;
	struct audit_segment *segments;
	size_t nsegments;
	struct audit_path *paths;
	size_t npaths;
	struct audit_system *systems;
	size_t nsystems;
	struct audit_account *accounts;
	size_t naccounts;
	struct audit_policy *policies;
	size_t npolicies;
};

/* The schema errors of one load, each one line "FILE:LINE: KEY: reason". */
struct audit_errors {
	struct lb_strlist lines;
};
void audit_errors_free(struct audit_errors *e);

/*
 * Read one inventory file's bytes and append its sections to inv (several files make one inventory). Every error
 * is collected in err, not only the first; returns 0, or -LB_EINVAL when err holds any (inv then holds what was
 * read and must still be freed).
 */
int audit_inventory_read_buf(struct audit_inventory *inv, const char *name, const char *data, size_t len,
                             struct audit_errors *err);
int audit_inventory_read_file(struct audit_inventory *inv, const char *path, struct audit_errors *err);
/* The cross-references of the whole inventory (after every file is read): unique names; path ends, device
 * segments and system devices that exist. Errors are appended to err like the loader's; -LB_EINVAL when any. */
int audit_inventory_check_refs(const struct audit_inventory *inv, struct audit_errors *err);
void audit_inventory_free(struct audit_inventory *inv);

/* Write inv as inventory YAML (the format the loader reads). */
void audit_inventory_write_yaml(struct buf *out, const struct audit_inventory *inv);

/* ---- CSV import (import.c) ---------------------------------------------------------------------------------- */

/*
 * Turn CSV bytes into UTF-8: a BOM is dropped; text that is not UTF-8 is read as CP932 (Shift_JIS as Excel in
 * Japan writes it) through iconv, and refused when it is neither. out receives the UTF-8 text.
 */
int audit_csv_to_utf8(struct buf *out, const char *name, const char *data, size_t len);
/* An Active Directory user export (Get-ADUser -Properties * | Export-Csv, or csvde) as accounts of system. */
int audit_import_ad(struct audit_inventory *inv, const char *name, const char *data, size_t len, const char *system,
                    struct lb_strlist *warnings);
/* An asset ledger (one device a row; English or Japanese headers) as devices. */
int audit_import_assets(struct audit_inventory *inv, const char *name, const char *data, size_t len,
                        struct lb_strlist *warnings);

/* ---- credential fingerprints (fingerprint.c) ---------------------------------------------------------------- */

#define AUDIT_SALT_BYTES 32
/* Create a new hospital salt file (random, mode 0600, never overwriting). */
int audit_salt_create(const char *path);
int audit_salt_read(const char *path, uint8_t salt[AUDIT_SALT_BYTES]);
/* "fp1:SALTID:HASH": Argon2id of the password under the hospital salt; out receives the text. */
int audit_fingerprint(struct buf *out, const uint8_t salt[AUDIT_SALT_BYTES], const char *password, size_t len);

/* ---- this host (collect.c) ---------------------------------------------------------------------------------- */

/* Read this Linux machine into inv: one device, its local accounts, its password policy. root is "/" except in
 * tests. What cannot be read is listed in the device's unread. */
int audit_collect_host(struct audit_inventory *inv, const char *root);

/* ---- checks (check.c, check_net.c) -------------------------------------------------------------------------- */

enum audit_severity { AUDIT_LOW, AUDIT_MEDIUM, AUDIT_HIGH, AUDIT_CRITICAL };
const char *audit_severity_name(enum audit_severity s);

/* One kind of finding: its stable id, the fix and the checklist item it answers. */
struct audit_check {
	const char *id; /* "ACC-REUSE-OPS-BACKUP" */
	enum audit_severity severity;
	const char *title_en, *title_ja;
	const char *fix_en, *fix_ja;
	const char *checklist; /* item id in the checklist data, "R6:2-(5)"; the join key of `audit checklist` */
};
/* The table of checks, ending with a zeroed entry; audit_check_find by id. */
extern const struct audit_check audit_checks[];
const struct audit_check *audit_check_find(const char *id);

struct audit_finding {
	const struct audit_check *check;
	char *subject;  /* the device, account or path the finding is about */
	char *evidence; /* the values read, "administrator@ehr, administrator@backup: credential fp1:…" */
	char *where;    /* FILE:LINE of the entry */
	/* the inventory entry it is about (at most one set; they point into the inventory): what `audit checklist`
	 * places it by (scope and vendor sheet) */
	const struct audit_device *device;
	const struct audit_account *account;
	const struct audit_path *path;
	const struct audit_policy *policy;
};
struct audit_findings {
	struct audit_finding *v;
	size_t n, cap;
};
struct audit_check_opts {
	const char *today;   /* YYYY-MM-DD */
	long dormant_days;   /* 0: the inventory's or 90 */
	long patch_max_days; /* 0: the inventory's or 90 */
};
/* Run every check over inv; findings are appended to out, sorted by severity then id. */
int audit_check_run(const struct audit_inventory *inv, const struct audit_check_opts *o, struct audit_findings *out);
void audit_findings_free(struct audit_findings *f);

/* ---- the checklist's view (checklist_join.c) ------------------------------------------------------------------ */

struct cl_map;
struct cl_inventory;
/*
 * What `audit checklist` fills inventory items from: the evidence kinds inv holds (with what was read of each),
 * its vendors (a vendor sheet each), and each finding under the items of edition the join table m names for its
 * check and scope (its device's type; an account's or policy's system's devices; network for a path), on the
 * vendor sheet of its device's or system's vendor too. Findings no item of the edition answers go to out->off.
 */
void audit_checklist_join(const struct audit_inventory *inv, const struct audit_findings *f, const struct cl_map *m,
                          const char *edition, const char *today, struct cl_inventory *out);

/* Internal to the checks, shared by check.c and check_net.c. */
void audit_add(struct audit_findings *f, const char *id, const char *where_file, int line, const char *subject,
               const char *fmt, ...) LB_PRINTF(6, 7);

#endif
