/*
 * vault.h - the ransomware-resilient backup repository: the whole public interface of src/vault/.
 *
 * vault stands on core (and sniff for file features). It owns the repository format of docs/vault-format.md:
 * keys and roles, chunking, packs, index, snapshots, backup, restore, verify, retention, prune, export, serve.
 * Nothing here prints or exits; results come back in structs and buffers for src/cli/ to show.
 *
 * Lifecycle: vault_open (or vault_init then vault_open) → operations → vault_close. One struct vault is used by
 * one thread at a time (operations start their own worker threads).
 */
#ifndef LB_VAULT_H
#define LB_VAULT_H

#include "core/core.h"

struct vault;

enum vault_role { VAULT_ADMIN = 1, VAULT_WRITER = 2 };
enum vault_status { VAULT_CLEAN = 1, VAULT_SUSPECT = 2, VAULT_UNREVIEWED = 3 };

/* Create a repository at path (a folder that does not exist or is empty) protected by passphrase. */
int vault_init(const char *repo, const struct buf *passphrase);
/* How strong an admin passphrase is, before vault_init seals keys/admin with it: VAULT_PASS_OK, VAULT_PASS_SHORT
 * (fewer than VAULT_PASS_MIN_CHARS characters) or VAULT_PASS_GUESSABLE (zxcvbn's estimate, in *bits, under
 * VAULT_PASS_MIN_BITS). extra: up to 16 more words an attacker would try (e.g. the parts of the repository path). */
enum { VAULT_PASS_OK = 0, VAULT_PASS_SHORT = 1, VAULT_PASS_GUESSABLE = 2 };
#define VAULT_PASS_MIN_CHARS 12
#define VAULT_PASS_MIN_BITS 45.0
int vault_passphrase_check(const struct buf *pass, const char *const *extra, size_t nextra, double *bits);
/* 1 when the key file (or, with key_file NULL, the repository's admin key) needs a passphrase, 0 if not. */
int vault_key_needs_passphrase(const char *key_file);
/*
 * Open a repository with the admin key (keys/admin or key_file with role admin: passphrase needed) or a writer
 * key file (passphrase NULL). Fails with -LB_EAUTH on a wrong passphrase, -LB_ECORRUPT on a damaged config/key.
 */
int vault_open(struct vault **out, const char *repo, const char *key_file, const struct buf *passphrase);
void vault_close(struct vault *v);
enum vault_role vault_role(const struct vault *v);
/* Make a writer key file at out_path (mode 0600, must not exist) and register it; admin only. */
int vault_key_add_writer(struct vault *v, const char *out_path, struct buf *writer_id_hex);
/* Revoke a writer key (admin): it can no longer open the repository or the server, and its later generations
 * are 'unreviewed'. */
int vault_key_revoke(struct vault *v, const char *writer_id_hex);
/* The writer keys as a JSON array of {writer_id, added, revoked}. */
int vault_key_list(struct vault *v, struct buf *json);

/* ---- backup ---- */
struct vault_backup_opts {
	const char *const *paths;
	size_t npaths;
	const char *const *tags;
	size_t ntags;
	struct lb_progress *progress; /* may be NULL */
	int threads;                  /* 0: one per CPU */
};
struct vault_backup_result {
	char id[65];
	enum vault_status status;
	double score;
	struct buf reasons; /* JSON array */
	struct buf summary;
	uint64_t files, dirs, bytes; /* in the generation */
	uint64_t files_changed, files_new, bytes_read;
	uint64_t chunks_new, bytes_stored; /* what this run added (after compression and encryption) */
};
int vault_backup(struct vault *v, const struct vault_backup_opts *o, struct vault_backup_result *r);
void vault_backup_result_release(struct vault_backup_result *r);

/* ---- generations ---- */
struct vault_snap_info {
	char id[65];
	int64_t time_ms;
	char *host;
	struct lb_strlist tags, paths; /* strings owned by the info */
	uint64_t files, bytes;
	enum vault_status status;
	double score;
	int pinned;           /* the newest clean generation: retention never forgets it */
	int64_t locked_until; /* 0 when not locked (or the lock has expired) */
	int reviewed;         /* an admin review decided the status */
	char *summary, *reasons;
	char signer[33]; /* "admin" or the writer id */
};
struct vault_snap_list {
	struct vault_snap_info *v; /* oldest first */
	size_t n;
};
int vault_snapshots(struct vault *v, struct vault_snap_list *out);
void vault_snap_list_release(struct vault_snap_list *l);
/* The status as a code (clean, suspect, unreviewed: JSON, --mark) and as a word in the user's language. */
const char *vault_status_name(enum vault_status s);
const char *vault_status_label(enum vault_status s);
/* Resolve "latest", "latest-clean" or an id prefix (at least 4 hex digits, unique) to a full id. */
int vault_resolve(struct vault *v, const char *spec, char id[65]);

/* ---- restore ---- */
struct vault_restore_opts {
	const char *snapshot; /* as for vault_resolve */
	const char *target;
	const char *subpath; /* NULL: everything; else a path inside the generation (and what is under it) */
	struct lb_progress *progress;
	int threads;
	int no_sync; /* skip the final syncfs: the files may still be in the page cache when restore returns */
};
struct vault_restore_result {
	char id[65];
	uint64_t files, dirs, links, bytes;
};
int vault_restore(struct vault *v, const struct vault_restore_opts *o, struct vault_restore_result *r);

/* ---- verify ---- */
struct vault_verify_result {
	size_t problems;           /* 0: everything checked is good */
	struct lb_strlist lines;   /* one per problem, owned (free each string) */
	struct lb_strlist damaged; /* "snapshot-id-prefix:path" of files that cannot be restored, owned */
	uint64_t packs, snapshots, chunks, bytes_read, unreferenced_packs;
};
int vault_verify(struct vault *v, int read_data, struct vault_verify_result *r);
void vault_verify_result_release(struct vault_verify_result *r);

/* ---- diff ---- */
struct vault_diff_entry {
	char change; /* '+' added, '-' removed, 'M' content changed, 'm' metadata only */
	char *path;
};
struct vault_diff {
	struct vault_diff_entry *v;
	size_t n;
};
int vault_diff(struct vault *v, const char *a, const char *b, struct vault_diff *out);
void vault_diff_release(struct vault_diff *d);

/* ---- retention ---- */
struct vault_policy {
	long last, hourly, daily, weekly, monthly, yearly; /* 0: not used */
};
struct vault_forget_item {
	char id[65];
	int64_t time_ms;
	int keep;
	char reason[96];
};
struct vault_forget_result {
	struct vault_forget_item *v;
	size_t n;
	size_t forgotten;
};
int vault_forget(struct vault *v, const struct vault_policy *p, int dry_run, struct vault_forget_result *r);
void vault_forget_result_release(struct vault_forget_result *r);
struct vault_prune_result {
	uint64_t packs_deleted, packs_repacked, packs_kept, bytes_freed, blobs_kept, unreferenced_deleted;
};
int vault_prune(struct vault *v, struct vault_prune_result *r);

/* ---- locks, reviews, export ---- */
int vault_lock(struct vault *v, const char *snapshot, int64_t until_ms, char id[65]);
int vault_review(struct vault *v, const char *snapshot, enum vault_status mark, char id[65]);
struct vault_export_result {
	char id[65];
	uint64_t packs, bytes;
};
int vault_export(struct vault *v, const char *snapshot, const char *dir, struct vault_export_result *r);

/* ---- vault server ---- */
struct vault_server;
/* Serve the repository folder repo on listen ("127.0.0.1:8420") from background threads; stop to end. Leases
 * (repository locks of clients) not refreshed within lease_ttl_s seconds (0: VAULT_LEASE_TTL_S) are dropped. */
#define VAULT_LEASE_TTL_S 120
int vault_serve_start(struct vault_server **out, const char *repo, const char *listen, int lease_ttl_s);
void vault_serve_stop(struct vault_server *s);

#endif /* LB_VAULT_H */
