/*
 * suspect.h - scoring a backup generation for signs that it was taken of already-encrypted data (internal to
 * src/vault/; vault.h exposes the result through snapshots).
 *
 * The backup engine reports every file it sees, compared with the same path in the previous generation of the
 * same paths. The scorer aggregates per folder and for the whole generation and decides: clean or suspect, with
 * reasons a person can act on (which folders, how many files, examples). Legitimate mass changes (compressing a
 * folder, a database dump, converting images) must not be called suspect: they change type into a known
 * structured format, or leave low-entropy content, or keep chunk overlap.
 *
 * Lifecycle: suspect_init → suspect_add (once per file, any order, single thread) → suspect_finish → suspect_release.
 */
#ifndef LB_VAULT_SUSPECT_H
#define LB_VAULT_SUSPECT_H

#include "core/core.h"
#include "sniff/sniff.h"

enum suspect_change {
	SUSPECT_UNCHANGED = 0, /* same metadata and content as before: counted, not examined */
	SUSPECT_NEW,           /* path not in the previous generation */
	SUSPECT_MODIFIED,      /* same path, other content */
	SUSPECT_DELETED,       /* in the previous generation, gone now */
};

/* What the engine knows about one file. Pointers are only read during suspect_add. */
struct suspect_file {
	const char *path; /* path inside the generation, '/'-separated */
	enum suspect_change change;
	uint64_t old_size, new_size;
	enum sniff_type old_type;     /* stored with the previous generation's entry (SNIFF_EMPTY if none) */
	enum sniff_type new_type;     /* sniff_type() of the new content's head */
	double old_entropy;           /* of the previous version's sample, stored with its entry; < 0 if unknown */
	struct sniff_stats new_stats; /* of the new content's sample (head, middle and tail blocks, up to 64 KiB) */
	double chunk_overlap;         /* fraction of the new content's bytes found in the previous version's chunks,
	                              0..1; < 0 if there was no previous version */
	const void *head;             /* first bytes of the new content (for ransom-note text), may be NULL */
	size_t head_len;
};

/* The verdict. reasons is a JSON array of objects {rule, folder, files, examples[], detail}. */
struct suspect_result {
	double score; /* 0 = nothing odd; >= threshold = suspect */
	double threshold;
	int suspect;
	size_t examined;    /* files new, modified or deleted */
	size_t flagged;     /* files that looked encrypted or were ransom notes */
	struct buf reasons; /* JSON text; "[]" when clean */
	struct buf summary; /* one line for people: "412 files in 'share/ward3' look encrypted (e.g. …)" */
};

struct suspect {
	void *priv; /* the scorer's state; opaque to callers */
};

/* threshold <= 0 takes the default. */
void suspect_init(struct suspect *s, double threshold);
void suspect_add(struct suspect *s, const struct suspect_file *f);
/* Compute the verdict; the scorer stays valid for suspect_release only. */
int suspect_finish(struct suspect *s, struct suspect_result *r);
void suspect_release(struct suspect *s);
void suspect_result_release(struct suspect_result *r);

#endif /* LB_VAULT_SUSPECT_H */
