/*
 * detect.c - from events to findings. Cheap on the common path: an event outside the watched folders costs a
 * prefix compare, a create/delete/rename a few counter increments, a closed write one 4 KiB read. Precise on the
 * suspicious one: a closed write is judged against what the file was (type by structure, entropy, size), kept
 * for every file in a bounded map filled by a baseline scan at start and updated as files change.
 *
 * Counters are kept per process (the "actor": pid from fanotify; one unknown actor for inotify, named later from
 * /proc) in one-second buckets, summed over 10 s and 60 s windows. Rules and their thresholds are listed in
 * docs/watch-alerts.md; compressed and media files are told from encrypted ones by structure (sniff_type), so a
 * gzip or a JPEG never counts as "became random".
 */
#include "watch_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_TYPE(b) ((int)((b)&0xff))
#define FILE_FLAGS(b) ((int)(((b) >> 16) & 0xff))
#define FF_RANDOM 1
#define FF_TAIL_KNOWN 2
#define FF_TAIL_RANDOM 4
#define MAX_ACTORS 4096

enum rule_id {
	R_ENCRYPTION,
	R_RANSOM_EXT,
	R_NEW_EXT,
	R_DELETE_STORM,
	R_RENAME_STORM,
	R_CREATE_STORM,
	R_NOTE,
	R_CANARY
};
static const char *const rule_names[] = {"encryption",   "ransom_extension", "new_extension", "delete_storm",
                                         "rename_storm", "create_storm",     "ransom_note",   "canary"};

int watch_path_root(const struct watch *w, const char *path)
{
	for (size_t i = 0; i < w->nroots; i++) {
		const struct watch_root *r = &w->roots[i];
		if (r->len == 1 && r->path[0] == '/')
			return (int)i;
		if (!strncmp(path, r->path, r->len) && (path[r->len] == '/' || !path[r->len]))
			return (int)i;
	}
	return -1;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static uint64_t ext_key(const char *ext)
{
	char low[17];
	size_t i = 0;
	for (; ext[i] && i < 16; i++)
		low[i] = (char)(ext[i] >= 'A' && ext[i] <= 'Z' ? ext[i] + 32 : ext[i]);
	return watch_hash(low, i);
}

static int ext_seen(struct watch *w, const char *ext)
{
	return *ext && watch_map_get(&w->exts, ext_key(ext)) != NULL;
}

/* Extensions whose files are random by design: a new one of these is somebody's legitimate encryption. */
static int ext_random_by_design(const char *ext)
{
	static const char *const v[] = {"gpg", "pgp", "age", "enc", "kdbx", "aes", "bin", "dat", "img", "iso", "key"};
	for (size_t i = 0; i < LB_ARRAY_LEN(v); i++)
		if (!strcasecmp(ext, v[i]))
			return 1;
	return 0;
}

static void remember(struct watch *w, const char *path, const struct watch_feat *f)
{
	struct watch_slot *s = watch_map_put(&w->files, watch_hash_str(path));
	if (!s)
		return;
	int ent = (int)(f->entropy * 16 + 0.5);
	s->a = f->size;
	uint64_t fl = (f->random_like ? FF_RANDOM : 0) | (f->tail_known ? FF_TAIL_KNOWN : 0) |
	              (f->tail_random ? FF_TAIL_RANDOM : 0);
	s->b = (uint64_t)(f->type & 0xff) | (uint64_t)(ent & 0xff) << 8 | fl << 16;
}

/* ---- actors and windows ------------------------------------------------------------------------------------ */

static void actor_advance(struct watch_actor *a, int64_t now)
{
	if (now <= a->last_s)
		return;
	int64_t from = a->last_s + 1;
	if (now - from >= WATCH_WIN)
		from = now - WATCH_WIN + 1;
	for (int64_t t = from; t <= now; t++)
		memset(a->bucket[t % WATCH_WIN], 0, sizeof a->bucket[0]);
	a->last_s = now;
}

static void actor_add(struct watch *w, struct watch_actor *a, int c)
{
	actor_advance(a, w->now_s);
	uint16_t *v = &a->bucket[w->now_s % WATCH_WIN][c];
	if (*v < UINT16_MAX)
		(*v)++;
}

static unsigned actor_sum(struct watch *w, struct watch_actor *a, int c, int win)
{
	actor_advance(a, w->now_s);
	unsigned s = 0;
	for (int64_t t = w->now_s - win + 1; t <= w->now_s; t++)
		s += a->bucket[((t % WATCH_WIN) + WATCH_WIN) % WATCH_WIN][c];
	return s;
}

static void actor_path(struct watch_actor *a, const char *path)
{
	int i = a->paths_at % WATCH_ACTOR_PATHS;
	free(a->paths[i]);
	a->paths[i] = lb_strdup(path);
	a->paths_at = i + 1;
}

static void actor_free(struct watch_actor *a)
{
	for (int i = 0; i < WATCH_ACTOR_PATHS; i++)
		free(a->paths[i]);
	free(a);
}

void watch_actor_free_all(struct watch *w)
{
	for (size_t i = 0; i < w->nactors; i++)
		actor_free(w->actors[i]);
	free(w->actors);
	w->actors = NULL;
	w->nactors = 0;
}

/* The actor of a process within one watched folder: counts are per process and per watched folder, so that
 * inotify's single unknown process still tells two folders apart. */
static struct watch_actor *actor_get(struct watch *w, pid_t pid, int root)
{
	for (size_t i = 0; i < w->nactors; i++)
		if (w->actors[i]->pid == pid && w->actors[i]->root == root)
			return w->actors[i];
	if (w->nactors >= MAX_ACTORS) { /* forget the quietest */
		size_t old = 0;
		for (size_t i = 1; i < w->nactors; i++)
			if (w->actors[i]->last_s < w->actors[old]->last_s)
				old = i;
		actor_free(w->actors[old]);
		w->actors[old] = w->actors[--w->nactors];
	}
	struct watch_actor *a = lb_calloc(1, sizeof *a);
	a->pid = pid;
	a->root = root;
	a->last_s = w->now_s;
	if (pid > 0)
		watch_proc_info(pid, a);
	w->actors = lb_reallocarray(w->actors, w->nactors + 1, sizeof *w->actors);
	w->actors[w->nactors++] = a;
	return a;
}

/* The folder the actor's recent suspicious paths share (their longest common parent). */
static void actor_folder(struct watch_actor *a, struct buf *out)
{
	const char *first = NULL;
	size_t len = 0;
	for (int i = 0; i < WATCH_ACTOR_PATHS; i++) {
		const char *p = a->paths[i];
		if (!p)
			continue;
		if (!first) {
			first = p;
			const char *sl = strrchr(p, '/');
			len = sl ? (size_t)(sl - p) : 0;
			continue;
		}
		size_t k = 0;
		while (k < len && p[k] == first[k])
			k++;
		/* back to a '/' that ends a folder in both (first[len] is one: 'ward1' and 'ward10' share only the
		 * parent) */
		while (k > 0 && !(first[k] == '/' && (p[k] == '/' || !p[k])))
			k--;
		if (k < len)
			len = k;
	}
	buf_reset(out);
	if (first)
		buf_add(out, first, len ? len : 1);
}

/* Raise an alert unless one of the same rule and at least this severity went out for this actor lately. */
static void detect_raise(struct watch *w, struct watch_actor *a, int rule, int sev, uint64_t files, const char *path,
                         const char *detail)
{
	if (a && !watch_dedup(&a->alerted[rule], &a->alerted_s[rule], sev, w->now_s))
		return;
	struct buf folder = {0};
	if (!path && a) {
		actor_folder(a, &folder);
		path = buf_cstr(&folder);
	}
	struct watch_alert al = {
	        .rule = rule_names[rule], .severity = sev, .path = path, .actor = a, .files = files, .detail = detail};
	watch_alert(w, &al);
	buf_release(&folder);
}

static void evaluate(struct watch *w, struct watch_actor *a)
{
	unsigned enc10 = actor_sum(w, a, WC_ENC, 10), enc60 = actor_sum(w, a, WC_ENC, 60);
	unsigned rext10 = actor_sum(w, a, WC_RANSOM_EXT, 10), note60 = actor_sum(w, a, WC_NOTE, 60);
	unsigned del10 = actor_sum(w, a, WC_DELETE, 10), ren10 = actor_sum(w, a, WC_RENAME, 10);
	unsigned new10 = actor_sum(w, a, WC_NEW_EXT, 10), cre10 = actor_sum(w, a, WC_CREATE, 10);
	struct buf d = {0};
	if (enc60) {
		int sev = enc10 >= 3 ? WATCH_HIGH : (enc10 == 2 || enc60 >= 3) ? WATCH_MEDIUM : WATCH_LOW;
		if (enc10 >= 10 || (enc10 >= 3 && (rext10 >= 3 || note60)))
			sev = WATCH_CRITICAL;
		buf_addf(&d,
		         L_("%u files lost their structure or were written random-looking in 10 s (%u in 60 s)",
		            "10 秒間に %u 個のファイルが構造を失うか乱数のような内容で書き込まれました (60 秒間に %u "
		            "個)"),
		         enc10, enc60);
		if (rext10)
			buf_addf(&d, L_("; %u given ransomware extensions", "。%u 個にランサムウェアの拡張子"), rext10);
		if (del10)
			buf_addf(&d, L_("; %u deleted", "。%u 個を削除"), del10);
		detect_raise(w, a, R_ENCRYPTION, sev, enc10 > enc60 ? enc10 : enc60, NULL, buf_cstr(&d));
	}
	if (rext10) {
		int sev = rext10 >= 3 ? (enc10 ? WATCH_CRITICAL : WATCH_HIGH) : WATCH_LOW;
		buf_reset(&d);
		buf_addf(&d,
		         L_("%u files renamed or created with extensions ransomware appends in 10 s",
		            "10 秒間に %u 個のファイルがランサムウェアの付ける拡張子に名前を変えられたか作られました"),
		         rext10);
		detect_raise(w, a, R_RANSOM_EXT, sev, rext10, NULL, buf_cstr(&d));
	}
	if (new10 >= 10) {
		buf_reset(&d);
		buf_addf(&d,
		         L_("%u files renamed to extensions never seen in the watched folders in 10 s",
		            "10 秒間に %u 個のファイルが監視フォルダで見たことのない拡張子に名前を変えられました"),
		         new10);
		detect_raise(w, a, R_NEW_EXT, WATCH_MEDIUM, new10, NULL, buf_cstr(&d));
	}
	if (del10 >= 200) {
		buf_reset(&d);
		buf_addf(&d, L_("%u files deleted in 10 s", "10 秒間に %u 個のファイルを削除"), del10);
		detect_raise(w, a, R_DELETE_STORM, WATCH_MEDIUM, del10, NULL, buf_cstr(&d));
	}
	if (ren10 >= 200) {
		buf_reset(&d);
		buf_addf(&d, L_("%u renames in 10 s", "10 秒間に %u 回の名前変更"), ren10);
		detect_raise(w, a, R_RENAME_STORM, WATCH_MEDIUM, ren10, NULL, buf_cstr(&d));
	}
	if (cre10 >= 2000) {
		buf_reset(&d);
		buf_addf(&d, L_("%u files created in 10 s", "10 秒間に %u 個のファイルを作成"), cre10);
		detect_raise(w, a, R_CREATE_STORM, WATCH_LOW, cre10, NULL, buf_cstr(&d));
	}
	buf_release(&d);
}

/* Encryption spread over several processes: high at 5 files in 10 s in one watched folder, unless one process
 * alone already made the per-process alert. */
static void evaluate_all(struct watch *w, struct watch_actor *all, struct watch_actor *a)
{
	unsigned enc10 = actor_sum(w, all, WC_ENC, 10);
	if (enc10 < 5 || actor_sum(w, a, WC_ENC, 10) >= 3)
		return;
	struct buf d = {0};
	buf_addf(&d,
	         L_("%u files lost their structure or were written random-looking in 10 s by several processes",
	            "10 秒間に %u 個のファイルが複数のプロセスにより構造を失うか乱数のような内容で書き込まれました"),
	         enc10);
	detect_raise(w, all, R_ENCRYPTION, enc10 >= 15 ? WATCH_CRITICAL : WATCH_HIGH, enc10, NULL, buf_cstr(&d));
	buf_release(&d);
}

/* ---- events ------------------------------------------------------------------------------------------------ */

static void on_write(struct watch *w, struct watch_actor *a, struct watch_actor *all, const char *path)
{
	const char *base = base_name(path);
	int note_name = sniff_ransom_note_name(base);
	struct watch_feat f;
	if (watch_feat_read(path, note_name, &f) < 0) {
		lb_error_clear(); /* gone already, or not a regular file */
		return;
	}
	actor_add(w, a, WC_WRITE);
	struct watch_slot *prev = watch_map_get(&w->files, watch_hash_str(path));
	const char *ext = watch_ext(path);
	int suspicious = 0;
	if (f.random_like) {
		if (prev && !(FILE_FLAGS(prev->b) & FF_RANDOM) && FILE_TYPE(prev->b) != SNIFF_EMPTY)
			suspicious = 1; /* it had a structure and lost it */
		else if (!prev || FILE_TYPE(prev->b) == SNIFF_EMPTY)
			/* a new random file: suspicious unless its name says it is encrypted on purpose */
			suspicious = sniff_ransom_extension(base) || !*ext ||
			             (!ext_random_by_design(ext) && (sniff_ext_common(ext) || !ext_seen(w, ext)));
	} else if (prev && f.tail_known && f.tail_random && (FILE_FLAGS(prev->b) & FF_TAIL_KNOWN) &&
	           !(FILE_FLAGS(prev->b) & FF_TAIL_RANDOM) && f.type == FILE_TYPE(prev->b) && f.type != SNIFF_SQLITE &&
	           f.type != SNIFF_UNKNOWN && f.type != SNIFF_EMPTY) {
		suspicious = 1; /* same header, but the end that had a structure is random now: header-preserving */
	} else if (*ext && f.type != SNIFF_EMPTY) {
		watch_map_put(&w->exts, ext_key(ext));
	}
	if (suspicious) {
		actor_add(w, a, WC_ENC);
		actor_path(a, path);
		if (all) {
			actor_add(w, all, WC_ENC);
			actor_path(all, path);
		}
	}
	if (note_name && f.note) {
		actor_add(w, a, WC_NOTE);
		actor_path(a, path);
		int sev =
		        actor_sum(w, a, WC_ENC, 60) || actor_sum(w, a, WC_RANSOM_EXT, 60) ? WATCH_CRITICAL : WATCH_HIGH;
		detect_raise(w, a, R_NOTE, sev, 1, path,
		             L_("a file named and worded like a ransom note was written",
		                "脅迫文のような名前と文面のファイルが書き込まれました"));
	}
	remember(w, path, &f);
}

static void on_rename(struct watch *w, struct watch_actor *a, const char *from, const char *to, int is_dir)
{
	actor_add(w, a, WC_RENAME);
	if (is_dir)
		return;
	uint64_t hf = watch_hash_str(from);
	struct watch_slot *s = watch_map_get(&w->files, hf);
	if (s) {
		uint64_t va = s->a, vb = s->b;
		watch_map_del(&w->files, hf);
		struct watch_slot *t = watch_map_put(&w->files, watch_hash_str(to));
		if (t) {
			t->a = va;
			t->b = vb;
		}
	}
	const char *e1 = watch_ext(from), *e2 = watch_ext(to);
	if (!strcasecmp(e1, e2))
		return;
	if (sniff_ransom_extension(base_name(to))) {
		actor_add(w, a, WC_RANSOM_EXT);
		actor_path(a, to);
	} else if (*e2 && !ext_seen(w, e2) && !sniff_ext_common(e2)) {
		actor_add(w, a, WC_NEW_EXT);
		actor_path(a, to);
	}
}

void watch_handle(struct watch *w, const struct watch_event *ev)
{
	w->sum->events_seen++;
	if (ev->kind == WEV_OVERFLOW) {
		w->sum->overflows++;
		w->overflow_unreported++;
		watch_tick(w);
		return;
	}
	if (ev->pid && (ev->pid == w->self))
		return;
	int root = watch_path_root(w, ev->path);
	if (root < 0 && ev->path2)
		root = watch_path_root(w, ev->path2);
	if (root < 0)
		return;
	if (w->alerts_real && !strcmp(ev->path, w->alerts_real))
		return;
	w->sum->events++;
	struct watch_actor *a = actor_get(w, ev->pid, root);
	/* Everything done in this watched folder by processes the kernel named, together: an encryptor split over
	 * several processes (each below the per-process thresholds) still adds up here. */
	struct watch_actor *all = ev->pid > 0 ? actor_get(w, WATCH_PID_ALL, root) : NULL;
	if (watch_is_canary(w, ev->path) || (ev->path2 && watch_is_canary(w, ev->path2))) {
		static const char *const what[] = {"written", "created", "deleted", "renamed"};
		static const char *const what_ja[] = {"書き込まれました", "作られました", "削除されました",
		                                      "名前を変えられました"};
		struct buf d = {0};
		if (lb_lang() == LB_LANG_JA)
			buf_addf(&d, "おとりファイルが%s%s%s", ev->path2 ? ev->path2 : "", ev->path2 ? " へ" : "",
			         what_ja[ev->kind]);
		else
			buf_addf(&d, "canary file %s%s%s", what[ev->kind], ev->path2 ? " to " : "",
			         ev->path2 ? ev->path2 : "");
		actor_path(a, ev->path);
		detect_raise(w, a, R_CANARY, WATCH_CRITICAL, 1, ev->path, buf_cstr(&d));
		buf_release(&d);
	}
	switch (ev->kind) {
	case WEV_WRITE:
		if (!ev->is_dir)
			on_write(w, a, all, ev->path);
		break;
	case WEV_CREATE:
		actor_add(w, a, WC_CREATE);
		if (!ev->is_dir && sniff_ransom_extension(base_name(ev->path))) {
			actor_add(w, a, WC_RANSOM_EXT);
			actor_path(a, ev->path);
		}
		break;
	case WEV_DELETE:
		actor_add(w, a, WC_DELETE);
		if (!ev->is_dir)
			watch_map_del(&w->files, watch_hash_str(ev->path));
		break;
	case WEV_RENAME:
		on_rename(w, a, ev->path, ev->path2, ev->is_dir);
		break;
	}
	evaluate(w, a);
	if (all)
		evaluate_all(w, all, a);
}

void watch_tick(struct watch *w)
{
	w->now_s = w->clock_s ? w->clock_s() : lb_mono_ns() / 1000000000;
	if (w->overflow_unreported && w->now_s - w->overflow_alert_s >= 10) {
		struct buf d = {0};
		buf_addf(&d,
		         L_("the kernel event queue overflowed %llu times: events were lost, files may have changed "
		            "unseen (%llu overflows since start)",
		            "カーネルのイベントキューが %llu 回あふれました: "
		            "イベントが失われ、気付かないうちにファイルが"
		            "変わったかもしれません (開始以来 %llu 回)"),
		         (unsigned long long)w->overflow_unreported, (unsigned long long)w->sum->overflows);
		struct watch_alert al = {.rule = "queue_overflow",
		                         .severity = WATCH_HIGH,
		                         .path = w->nroots ? w->roots[0].path : "",
		                         .files = w->overflow_unreported,
		                         .detail = buf_cstr(&d)};
		watch_alert(w, &al);
		buf_release(&d);
		w->overflow_unreported = 0;
		w->overflow_alert_s = w->now_s;
	}
	for (size_t i = 0; i < w->nroots; i++) {
		struct watch_root *r = &w->roots[i];
		struct stat st;
		int present = stat(r->path, &st) == 0 && S_ISDIR(st.st_mode);
		if (!present && !r->gone) {
			r->gone = 1;
			struct watch_alert al = {
			        .rule = "watched_path_gone",
			        .severity = WATCH_MEDIUM,
			        .path = r->path,
			        .detail = L_("a watched folder was deleted, moved away or unmounted; watching "
			                     "goes on and resumes if it comes back",
			                     "監視フォルダが削除・移動・アンマウントされました。監視は続け、戻れば再開"
			                     "します")};
			watch_alert(w, &al);
		} else if (present && r->gone) {
			r->gone = 0;
			lb_info(L_("watch: '%s' is back", "監視: '%s' が戻りました"), r->path);
		}
	}
	for (size_t i = 0; i < w->nactors;) {
		if (w->actors[i]->last_s < w->now_s - 120) {
			actor_free(w->actors[i]);
			w->actors[i] = w->actors[--w->nactors];
		} else {
			i++;
		}
	}
}

unsigned char watch_entry_type(const char *path, unsigned char d_type)
{
	if (d_type != DT_UNKNOWN)
		return d_type;
	struct stat st;
	if (lstat(path, &st) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
}

int watch_baseline(struct watch *w, const char *dir, int depth)
{
	if (depth > 64)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0; /* vanished or unreadable: nothing to learn */
	struct dirent *e;
	struct buf p = {0};
	int n = 0;
	while ((e = readdir(d))) {
		if (w->o->stop && *w->o->stop)
			break; /* SIGTERM during a long scan */
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		buf_reset(&p);
		lb_path_join(&p, dir, e->d_name);
		unsigned char t = watch_entry_type(p.data, e->d_type);
		if (t == DT_DIR) {
			n += watch_baseline(w, p.data, depth + 1);
		} else if (t == DT_REG) {
			struct watch_feat f;
			if (watch_feat_read(p.data, 0, &f) < 0) {
				lb_error_clear();
				continue;
			}
			const char *ext = watch_ext(p.data);
			if (*ext)
				watch_map_put(&w->exts, ext_key(ext));
			remember(w, p.data, &f);
			/* keep the kernel queue drained while a big tree is read */
			if (++n % 512 == 0 && w->src)
				w->src->read(w->src);
		}
	}
	closedir(d);
	buf_release(&p);
	return n;
}
