/*
 * medium_int.h - what the two kinds of medium share (medium_io.c): the incident medium for investigators
 * (medium_write.c, medium_verify.c) and the back-entry medium a ward carries to the records office (merge.c). Both
 * are a folder built in a sibling temporary folder, every file fsynced, covered by SHA256SUMS and renamed into
 * place, so the folder is whole or absent; both are read back by checking every file against SHA256SUMS first.
 */
#ifndef LB_INCIDENT_MEDIUM_INT_H
#define LB_INCIDENT_MEDIUM_INT_H

#include "incident_int.h"

/* A medium being written: files go into tmp, named for the manifest as they are written. */
struct medium_out {
	struct buf dir, tmp, parent;
	char **names;
	size_t n;
	int done; /* renamed into place */
};
/* Start the medium dir: it must not exist or be an empty folder (-LB_EEXIST otherwise); the temporary folder
 * ".NAME.tmp-PID" is made beside it. */
int medium_out_begin(struct medium_out *mo, const char *dir);
/* Make the folder sub inside the medium. */
int medium_out_mkdir(struct medium_out *mo, const char *sub);
/* Write the file name (data, fsynced) and list it in the manifest. */
int medium_out_put(struct medium_out *mo, const char *name, const void *data, size_t len);
/* List a file written by other means at medium_out_path(name). */
void medium_out_list(struct medium_out *mo, const char *name);
void medium_out_path(const struct medium_out *mo, const char *name, struct buf *path);
/* Write SHA256SUMS over every listed file (read back from disk), fsync the folders subs (NULL-ended, may be NULL)
 * and the medium, and rename it into place. sums_sha256 (may be NULL): the SHA-256 of SHA256SUMS itself. */
int medium_out_finish(struct medium_out *mo, const char *const *subs, uint8_t sums_sha256[32]);
/* Free mo; a medium not finished is removed. */
void medium_out_release(struct medium_out *mo);

/* Read root/name whole into b (no symlink followed), at most max bytes: 0, or -1. */
int medium_read_file(const char *root, const char *name, struct buf *b, size_t max);
/* 1 when the manifest lists name. */
int medium_listed(const struct incident_manifest *m, const char *name);
/* Check the folder dir against its SHA256SUMS: the manifest parses, every listed file is there with its SHA-256,
 * no file is on the medium unlisted (folders to depth). m is left filled for the caller's own checks; r->status
 * says the first failure. sums_sha256 (may be NULL): the SHA-256 of SHA256SUMS as read. */
void medium_check_sums(const char *dir, int depth, struct incident_manifest *m, struct incident_medium_result *r,
                       uint8_t sums_sha256[32]);
/* The first failure into r (later ones are ignored). */
void medium_fail(struct incident_medium_result *r, enum incident_medium_status st, const char *what, int64_t line,
                 int64_t seq);

#endif
