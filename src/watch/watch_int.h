/*
 * watch_int.h - what the files of src/watch/ share and nothing outside uses: the event the sources hand to
 * detection, the hash map, the state of a running watch, and the functions between files.
 */
#ifndef LB_WATCH_INT_H
#define LB_WATCH_INT_H

#include "watch.h"
#include "sniff/sniff.h"

/* ---- a small open-addressing hash map (map.c) ---------------------------------------------------------------
 * Keys are non-zero 64-bit values (hashes of paths, or inotify watch descriptors + 1); each slot holds two 64-bit
 * values. Linear probing with backward-shift deletion, so there are no tombstones. A zeroed struct is empty. */
struct watch_slot {
	uint64_t key;
	uint64_t a, b;
};
struct watch_map {
	struct watch_slot *slots;
	size_t cap; /* power of two, or 0 */
	size_t n;
	size_t max; /* refuse new keys beyond this many (0: no cap) */
};
/* The slot of key, or NULL. */
struct watch_slot *watch_map_get(struct watch_map *m, uint64_t key);
/* The slot of key, added zeroed when new; NULL when the map is at its cap. */
struct watch_slot *watch_map_put(struct watch_map *m, uint64_t key);
void watch_map_del(struct watch_map *m, uint64_t key);
void watch_map_clear(struct watch_map *m);
void watch_map_free(struct watch_map *m);
uint64_t watch_hash(const void *p, size_t n);
uint64_t watch_hash_str(const char *s);

/* ---- events from the sources ------------------------------------------------------------------------------ */

enum watch_ev_kind {
	WEV_WRITE, /* a file opened for writing was closed */
	WEV_CREATE,
	WEV_DELETE,
	WEV_RENAME,   /* path -> path2 */
	WEV_OVERFLOW, /* the kernel queue overflowed: events were lost */
};
struct watch_event {
	int kind;
	int is_dir;
	pid_t pid;        /* 0 when the source cannot tell (inotify) */
	const char *path; /* absolute */
	const char *path2;
};

/* ---- per-process (actor) sliding windows ------------------------------------------------------------------ */

enum watch_counter {
	WC_ENC,        /* a file's content became random-like (structure broke), or a new random file under a name
	                 that does not explain it */
	WC_RANSOM_EXT, /* renamed or created with an extension ransomware appends */
	WC_NEW_EXT,    /* renamed to an extension never seen in the watched tree */
	WC_NOTE,       /* a ransom-note-like file */
	WC_DELETE,
	WC_RENAME,
	WC_CREATE,
	WC_WRITE,
	WC_COUNT
};
#define WATCH_PID_ALL ((pid_t)-1) /* the actor summing every named process of a watched folder */
#define WATCH_WIN 64              /* one-second buckets kept (windows of 2, 10 and 60 s) */
#define WATCH_ACTOR_PATHS 8
struct watch_actor {
	pid_t pid;
	int root; /* index of the watched folder */
	uid_t uid;
	int64_t last_s; /* last bucket second written */
	uint16_t bucket[WATCH_WIN][WC_COUNT];
	char comm[32];
	char exe[256];
	char *paths[WATCH_ACTOR_PATHS]; /* the last suspicious paths, newest at paths_at - 1 */
	int paths_at;
	int alerted[16]; /* highest severity + 1 alerted per rule in the current episode */
	int64_t alerted_s[16];
	int stopped;
};

/* ---- the running watch ------------------------------------------------------------------------------------ */

struct watch_root {
	char *path;
	size_t len;
	int gone;
};

struct watch {
	const struct watch_opts *o;
	struct watch_summary *sum;
	struct watch_root *roots;
	size_t nroots;
	struct watch_map files;  /* path hash -> a: size, b: type | entropy*16 << 8 | flags << 16 */
	struct watch_map exts;   /* extensions seen (hash) */
	struct watch_map canary; /* canary path hashes */
	struct watch_actor **actors;
	size_t nactors;
	int alerts_fd;
	int alerts_dirty; /* written since the last fsync */
	int syslog_fd;
	int pinned;
	pid_t self, parent;
	int64_t now_s;            /* monotonic seconds */
	int64_t (*clock_s)(void); /* the clock watch_tick reads: NULL, the monotonic one (tests set theirs) */
	int64_t overflow_alert_s;
	uint64_t overflow_unreported;
	int watch_limit_alerted;
	char *alerts_real;      /* resolved alerts path, ignored as an event source */
	struct watch_src *src;  /* NULL when only logs are watched */
	struct watch_map dedup; /* limit.c: log alert keys -> a: severity + 1, b: when (s) */
	struct watch_rate *rates;
	size_t nrates, caprates;
	struct watch_logs *logs; /* logwatch.c, NULL without --logs */
};

/* watch.c: 1 when the process holds capability cap (CAP_*) in its effective set. */
int watch_has_cap(int cap);

/* detect.c */
int watch_path_root(const struct watch *w, const char *path);
void watch_handle(struct watch *w, const struct watch_event *ev);
void watch_tick(struct watch *w);
int watch_baseline(struct watch *w, const char *dir, int depth);
/* A folder entry's type: d_type, or from lstat when the file system leaves it DT_UNKNOWN (some XFS, NFS and FUSE
 * mounts); DT_UNKNOWN when the entry is gone already. Anything but a folder or a regular file is DT_LNK. */
unsigned char watch_entry_type(const char *path, unsigned char d_type);
void watch_actor_free_all(struct watch *w);

/* feature.c: what a file is now. */
struct watch_feat {
	uint64_t size;
	int type; /* enum sniff_type */
	double entropy;
	int random_like; /* random, or an unknown binary as dense as random */
	int note;        /* reads like a ransom note */
	int tail_known;  /* the end was read (files of 5 KiB or more) */
	int tail_random; /* and is statistically random */
};
int watch_feat_read(const char *path, int want_note, struct watch_feat *f);
const char *watch_ext(const char *path); /* extension without the dot, or "" */

/* alert.c */
struct watch_alert {
	const char *rule;
	int severity;
	const char *path;          /* the folder or file concerned */
	struct watch_actor *actor; /* or NULL */
	pid_t pid;                 /* when no actor */
	uint64_t files;
	const char *detail;
};
void watch_alert(struct watch *w, const struct watch_alert *a);
/* Send one alert line (JSON, no newline; j is borrowed and restored) to every sink, unless the rate limit of
 * rule holds it back (force: never, for alerts that report an action taken). 1 when sent. */
int watch_alert_emit(struct watch *w, const char *rule, int sev, struct buf *j, int force);
int watch_alert_open(struct watch *w);
void watch_alert_close(struct watch *w);
void watch_alert_sync(struct watch *w);
void watch_reap_children(void);
void watch_proc_info(pid_t pid, struct watch_actor *a);
/* The process most busy in dir (open files, working folder), else in root; 0 when none. */
pid_t watch_proc_find(const char *dir, const char *root, pid_t self);

/* limit.c: repeats and floods, for file and log alerts alike. */
#define WATCH_DEDUP_S 30
struct watch_rate;
/* 1 when an alert of severity sev may go out given the last one of the same key (*last_sev1: its severity + 1,
 * 0 for none; *last_s: when), which is then updated; 0 when it repeats one sent less than WATCH_DEDUP_S ago at
 * the same or a higher severity. */
int watch_dedup(int *last_sev1, int64_t *last_s, int sev, int64_t now_s);
/* The same, remembered in w->dedup under key (a hash of what makes two alerts the same). */
int watch_dedup_key(struct watch *w, uint64_t key, int sev);
/* 1 when the rate limit lets an alert of rule out now (counts it); 0 when it is suppressed (counted). */
int watch_rate_admit(struct watch *w, const char *rule, int sev);
/* Once a second (final: at the stop): the count of what each rule had suppressed in a minute that is over. */
void watch_rate_tick(struct watch *w, int final);
void watch_rate_free(struct watch *w);

/* logwatch.c: log files followed and Sigma rules run on their lines (docs/log-rules.md, "lifeboat watch"). */
struct watch_logs;
int watch_logs_open(struct watch *w);
/* Read what is new in every log (at most a budget of lines each); 1 when a budget ran out (call again soon). */
int watch_logs_read(struct watch *w);
/* Once a second: correlation windows closed by the clock, positions saved. */
void watch_logs_tick(struct watch *w);
/* The file descriptor to poll (stdin while it is open), or -1. */
int watch_logs_fd(const struct watch *w);
void watch_logs_close(struct watch *w);

/* canary.c */
int watch_canaries_plant(struct watch *w);
int watch_is_canary(const struct watch *w, const char *path);

/* fan.c, ino.c: event sources. setup returns 0, or -LB_EPERM when not allowed (the caller may fall back). */
struct watch_src {
	const char *name;
	int fd;
	struct watch *w;
	int (*read)(struct watch_src *s);
	void (*tick)(struct watch_src *s);
	void (*close)(struct watch_src *s);
};
int watch_fan_open(struct watch *w, struct watch_src **out);

/* fan_dirs.c: the fanotify source's folders by (filesystem id, file handle): every folder inside the watched
 * folders (FAN_DIR_IN, with its path) and the folders above them (FAN_DIR_ABOVE), and their marks. */
enum { FAN_DIR_IN = 1, FAN_DIR_ABOVE = 2 };
struct fan_root {
	dev_t dev;             /* the filesystem of this watched folder */
	ino_t ino;             /* the folder walked under its path, 0 while it is not there */
	unsigned char fsid[8]; /* as fanotify reports it */
	int mount_fd;          /* the folder open at start, for open_by_handle_at */
};
struct fan_dirs {
	struct watch_map map; /* key -> a: char * path, b: FAN_DIR_IN or FAN_DIR_ABOVE */
	struct fan_root *roots;
	struct watch *w;
	int fd;      /* the fanotify group */
	int mode;    /* enum watch_marks */
	int full;    /* fs.fanotify.max_user_marks was reached */
	int started; /* set up: a full mark table is an alert from now on */
};
/* The key of a folder from its fsid followed by its struct file_handle (struct fanotify_event_info_fid's
 * layout). */
uint64_t fan_fid_key(const void *fsid_and_handle);
int fan_dirs_init(struct fan_dirs *d, struct watch *w, int fd, int mode);
const struct watch_slot *fan_dirs_get(struct fan_dirs *d, uint64_t key);
/* Forget what was under watched folder r, then register (and mark) the folders above it, it and every folder
 * below it; with report (folders mode), the files and folders found are handed on as created. */
void fan_dirs_walk_root(struct fan_dirs *d, size_t r, int report);
/* A folder created at path by pid: by its handle from the event (filesystem mode), or marked and scanned, what
 * is already in it handed on as created (folders mode). */
void fan_dirs_add(struct fan_dirs *d, const void *fsid_and_handle, const char *path, pid_t pid);
/* A folder moved in at path: it and every folder below it. */
void fan_dirs_add_tree(struct fan_dirs *d, const char *path);
/* A folder moved from -> to inside: the paths of it and what is below change; to NULL: forget them. */
void fan_dirs_move(struct fan_dirs *d, const char *from, const char *to);
/* A folder moved from `from` (inside a watched folder, or above one) out to the folder and name of new_fid (a
 * DFID_NAME record's fsid onwards, or NULL): forgotten, and the marks of what was watched in it removed. */
void fan_dirs_moved_out(struct fan_dirs *d, const char *from, const void *new_fid);
void fan_dirs_del(struct fan_dirs *d, uint64_t key);
/* A folder at path, above or at a watched folder, appeared (created, moved there) or disappeared. */
void fan_dirs_above(struct fan_dirs *d, const char *path, int appeared);
/* Once a second: a watched folder gone is forgotten, one back (or another under its name) is walked. */
void fan_dirs_check_roots(struct fan_dirs *d);
/* Empty the table and start over in another mode (the marks are the caller's to flush). */
void fan_dirs_reset(struct fan_dirs *d, int mode);
void fan_dirs_free_table(struct fan_dirs *d);
void fan_dirs_free(struct fan_dirs *d);
int watch_ino_open(struct watch *w, struct watch_src **out);
/* read: handle what is ready, returning events read or a negative code; tick: once a second (inotify re-adds a
 * root that came back); close: free everything. */

#endif
