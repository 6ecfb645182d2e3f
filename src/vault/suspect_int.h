/*
 * suspect_int.h - the scorer's state, shared by suspect.c (collecting per-file evidence) and suspect_score.c
 * (pairing renames, scoring, writing the reasons). Internal to the scorer.
 */
#ifndef LB_VAULT_SUSPECT_INT_H
#define LB_VAULT_SUSPECT_INT_H

#include "vault/suspect.h"

/* A generation at or above this score is suspect (weights in suspect_score.c: an encrypted file counts 2). */
#define SUSPECT_DEFAULT_THRESHOLD 10.0
#define SUSPECT_EXAMPLES 3

enum sus_rule {
	SUS_ENC_INPLACE,     /* a document's content turned random in place */
	SUS_ENC_COPY,        /* file deleted, random file with an appended extension created */
	SUS_STRUCT_LOST,     /* a document's structure broke (unknown binary now) */
	SUS_ENTROPY_JUMP,    /* same type, entropy up by 1.5 bits/byte and little overlap: intermittent encryption */
	SUS_RANSOM_EXT,      /* new random file with a ransomware extension */
	SUS_RANSOM_EXT_NAME, /* new file with a ransomware extension, content not random */
	SUS_RENAME_STORM,    /* many files renamed to one unknown appended extension */
	SUS_NOTE_TEXT,       /* a file that reads like a ransom note */
	SUS_NOTE_NAME,       /* a file named like a ransom note */
	SUS_RULE_COUNT
};

struct sus_folder {
	char *name; /* "" for the top of the generation */
	uint64_t hash;
	uint32_t examined, deleted;
	uint32_t cnt[SUS_RULE_COUNT];
	char *ex[SUS_RULE_COUNT][SUSPECT_EXAMPLES];
	uint8_t nex[SUS_RULE_COUNT];
	char *pend[SUSPECT_EXAMPLES]; /* new files that may turn out to be renamed copies */
	uint8_t npend;
};

enum { SUS_NEW_RANSOM_EXT = 1, SUS_NEW_COMMON_EXT = 2 };
/* A new file whose name has an extension: the path without it may be a deleted file. */
struct sus_new {
	uint64_t stem_hash;
	uint64_t size;
	uint32_t folder;
	uint32_t ext_hash;
	uint8_t type;
	uint8_t flags;
};
struct sus_del {
	uint64_t hash;
	uint64_t size;
	uint8_t type;
};
struct sus_delta {
	int64_t delta;
	uint64_t count;
};

struct sus_state {
	double threshold;
	size_t examined, unchanged, compressed;
	uint64_t total[SUS_RULE_COUNT];
	struct sus_folder *folders;
	size_t nfolders, folders_cap;
	uint32_t *map; /* open addressing: folder index + 1, 0 empty */
	size_t map_cap;
	struct sus_new *news;
	size_t nnew, new_cap;
	struct sus_del *dels;
	size_t ndel, del_cap;
	struct sus_delta deltas[8]; /* size changes of encrypted files */
	size_t ndeltas;
	uint64_t deltas_other;
	size_t pairs, pairs_compressed;
	int finished; /* suspect_finish ran: the pairs are counted */
};

void sus_mark(struct sus_state *st, uint32_t folder, int rule, const char *path);

#endif /* LB_VAULT_SUSPECT_INT_H */
