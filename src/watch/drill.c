/*
 * drill.c - `lifeboat drill ransomware`: behave like an encryptor, reversibly, inside a folder marked for drills.
 *
 * Only a folder holding a regular file named .lifeboat-drill is touched. Files are taken in sorted depth-first
 * order, like an encryptor's walk, at a set pace, and encrypted with XChaCha20 (libsodium) under one random key
 * and a nonce per file. Modes: inplace (overwrite, optionally rename to NAME.EXT), copy-delete (write NAME.EXT,
 * delete NAME), partial (the first 4 KiB and every 16th 4 KiB block in place, as LockBit's intermittent mode) and
 * skip-header (all but the first 4 KiB in place: header-preserving encryption).
 * Everything needed to undo is in DIR/.lifeboat-drill-state, kept open during the drill and written line by line
 * after each file (format: a header, then one line per file and per note; names hex-encoded, so any byte in a
 * name is safe). The stream cipher is its own inverse: undo applies it again to the same bytes.
 */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DRILL_NOTE "README_TO_DECRYPT_LIFEBOAT_DRILL.txt"
#define DRILL_BLOCK 4096
#define DRILL_EVERY 16
#define DRILL_CHUNK (64 * 1024)

static const char *const mode_names[] = {"inplace", "copy-delete", "partial", "skip-header"};

int drill_mode_parse(const char *s, int *mode)
{
	for (int i = 0; i < DRILL_MODE_COUNT; i++)
		if (!strcmp(s, mode_names[i])) {
			*mode = i;
			return 1;
		}
	return 0;
}

const char *drill_mode_name(int mode)
{
	return mode >= 0 && mode < DRILL_MODE_COUNT ? mode_names[mode] : "?";
}

struct drill_list {
	char **v;
	size_t n;
};

static int skip_name(const char *n)
{
	return !strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, DRILL_MARKER) || !strcmp(n, DRILL_STATE) ||
	       !strcmp(n, DRILL_NOTE);
}

/* Relative paths of regular files under dir/rel, sorted, depth first. */
static void walk(const char *dir, const char *rel, struct drill_list *out, int depth)
{
	if (depth > 64)
		return;
	struct buf p = {0};
	lb_path_join(&p, dir, rel);
	struct dirent **ents;
	int n = scandir(p.data, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (!skip_name(ents[i]->d_name)) {
			struct buf r = {0}, full = {0};
			if (*rel)
				lb_path_join(&r, rel, ents[i]->d_name);
			else
				buf_adds(&r, ents[i]->d_name);
			lb_path_join(&full, dir, r.data);
			struct stat st;
			if (lstat(full.data, &st) == 0 && S_ISDIR(st.st_mode)) {
				walk(dir, r.data, out, depth + 1);
			} else if (lstat(full.data, &st) == 0 && S_ISREG(st.st_mode)) {
				out->v = lb_reallocarray(out->v, out->n + 1, sizeof *out->v);
				out->v[out->n++] = buf_detach(&r, NULL);
			}
			buf_release(&r);
			buf_release(&full);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	buf_release(&p);
}

static void list_free(struct drill_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* XOR the key stream into [off, off+len) of fd, in place. */
static int xor_range(int in, int out, uint64_t off, uint64_t len, const unsigned char *nonce, const unsigned char *key,
                     unsigned char *chunk)
{
	while (len) {
		size_t n = len < DRILL_CHUNK ? (size_t)len : DRILL_CHUNK;
		ssize_t r = pread(in, chunk, n, (off_t)off);
		if (r <= 0)
			return r < 0 ? -errno : 0;
		crypto_stream_xchacha20_xor_ic(chunk, chunk, (unsigned long long)r, nonce, off / 64, key);
		if (pwrite(out, chunk, (size_t)r, (off_t)off) != r)
			return -errno;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

/* Apply the mode's transform to the bytes of in, writing to out (the same fd for in-place modes). */
static int transform(int mode, int in, int out, uint64_t size, const unsigned char *nonce, const unsigned char *key)
{
	unsigned char *chunk = lb_malloc(DRILL_CHUNK);
	int rc = 0;
	if (mode == DRILL_PARTIAL) {
		for (uint64_t b = 0; b * DRILL_BLOCK < size && rc == 0; b += DRILL_EVERY)
			rc = xor_range(in, out, b * DRILL_BLOCK, DRILL_BLOCK, nonce, key, chunk);
	} else if (mode == DRILL_SKIP_HEADER) {
		if (size > DRILL_BLOCK)
			rc = xor_range(in, out, DRILL_BLOCK, size - DRILL_BLOCK, nonce, key, chunk);
	} else {
		rc = xor_range(in, out, 0, size, nonce, key, chunk);
	}
	free(chunk);
	return rc;
}

static void hex(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n * 2 + 1);
	sodium_bin2hex(b->data + b->len, n * 2 + 1, p, n);
	b->len += n * 2;
}

static int write_all(int fd, const struct buf *b)
{
	return write(fd, b->data, b->len) == (ssize_t)b->len ? 0 : -1;
}

static int encrypt_one(const struct drill_opts *o, const char *ext, int state, const char *rel,
                       const unsigned char *key, struct drill_result *r)
{
	struct buf from = {0}, to = {0}, line = {0};
	unsigned char nonce[crypto_stream_xchacha20_NONCEBYTES];
	randombytes_buf(nonce, sizeof nonce);
	lb_path_join(&from, o->dir, rel);
	buf_adds(&to, from.data);
	buf_adds(&to, ext);
	const char *done_ext = ext;
	int rc = 0, fd = open(from.data, (o->mode == DRILL_COPY_DELETE ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	/* A file that cannot be taken is skipped, as an encryptor would: it is left as it was. */
	if (fd < 0 || fstat(fd, &st) < 0) {
		lb_warn(L_("drill: skipping '%s': %s", "訓練: '%s' を飛ばします: %s"), from.data, lb_strerrno(errno));
		rc = 1;
		goto out;
	}
	if (o->mode == DRILL_SKIP_HEADER && st.st_size <= DRILL_BLOCK) {
		rc = 1; /* nothing past the header: left alone, not counted */
		goto out;
	}
	if (o->mode == DRILL_COPY_DELETE) {
		int nfd = open(to.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
		if (nfd < 0) {
			lb_warn(L_("drill: skipping '%s': cannot create the new name: %s",
			           "訓練: '%s' を飛ばします: 新しい名前のファイルを作れません: %s"),
			        from.data, lb_strerrno(errno));
			rc = 1;
			goto out;
		}
		int e = transform(o->mode, fd, nfd, (uint64_t)st.st_size, nonce, key);
		if (close(nfd) < 0 && !e)
			e = -errno;
		if (e || unlink(from.data) < 0) {
			lb_warn(L_("drill: skipping '%s': %s", "訓練: '%s' を飛ばします: %s"), from.data,
			        lb_strerrno(e ? -e : errno));
			unlink(to.data);
			rc = 1;
			goto out;
		}
	} else {
		int e = transform(o->mode, fd, fd, (uint64_t)st.st_size, nonce, key);
		if (e) {
			rc = lb_error_errno_tr(-e, "cannot encrypt '%s'", "'%s' を暗号化できません", from.data);
			goto out;
		}
		close(fd);
		fd = -1;
		if (*ext && rename(from.data, to.data) < 0) {
			/* encrypted under its own name (the new one may be too long): remembered so */
			lb_warn(L_("drill: '%s' keeps its name: %s", "訓練: '%s' は名前を変えずに暗号化しました: %s"),
			        from.data, lb_strerrno(errno));
			done_ext = "";
		}
	}
	buf_addf(&line, "file %lld ", (long long)lb_now_ms());
	hex(&line, nonce, sizeof nonce);
	buf_addf(&line, " %llu ", (unsigned long long)st.st_size);
	hex(&line, rel, strlen(rel));
	buf_addch(&line, ' ');
	hex(&line, done_ext, strlen(done_ext));
	buf_addch(&line, '\n');
	if (write_all(state, &line) < 0)
		rc = lb_error_errno_tr(errno, "cannot write the drill state", "訓練の状態ファイルを書き込めません");
	r->files++;
	r->bytes += (uint64_t)st.st_size;
out:
	if (fd >= 0)
		close(fd);
	buf_release(&from);
	buf_release(&to);
	buf_release(&line);
	return rc;
}

static int drop_note(const char *dir, const char *reldir, int state, struct drill_result *r)
{
	static const char text[] =
	        "!!! LIFEBOAT RANSOMWARE DRILL - THIS IS AN EXERCISE, NOT AN ATTACK !!!\n\n"
	        "Your files have been encrypted by the lifeboat drill.\n"
	        "Real attackers would now ask for bitcoin on a .onion site over Tor and threaten to publish data.\n"
	        "Never pay. Call the IT on-call number and follow the incident plan.\n\n"
	        "To decrypt (drill only):  lifeboat drill ransomware --undo --dir <drill folder>\n\n"
	        "!!! ランサムウェア訓練です。本物の攻撃ではありません。ファイルは暗号化されました "
	        "(訓練)。復号は上記コマンドで。\n";
	struct buf rel = {0}, full = {0}, line = {0};
	if (*reldir)
		lb_path_join(&rel, reldir, DRILL_NOTE);
	else
		buf_adds(&rel, DRILL_NOTE);
	lb_path_join(&full, dir, rel.data);
	int rc = 0, fd = open(full.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1))
			rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' を書き込めません", full.data);
		close(fd);
		buf_adds(&line, "note ");
		hex(&line, rel.data, rel.len);
		buf_addch(&line, '\n');
		if (write_all(state, &line) < 0)
			rc = lb_error_errno_tr(errno, "cannot write the drill state",
			                       "訓練の状態ファイルを書き込めません");
		r->notes++;
	}
	buf_release(&rel);
	buf_release(&full);
	buf_release(&line);
	return rc;
}

static int marked(const char *dir)
{
	struct buf m = {0};
	struct stat st;
	lb_path_join(&m, dir, DRILL_MARKER);
	int ok = lstat(m.data, &st) == 0 && S_ISREG(st.st_mode);
	buf_release(&m);
	if (!ok)
		return lb_error_tr(LB_EPERM,
		                   "'%s' holds no %s marker file: the drill only touches folders marked for it",
		                   "'%s' に目印のファイル %s がありません: 訓練は目印のあるフォルダだけを対象にします",
		                   dir, DRILL_MARKER);
	return 0;
}

static void pace(int64_t start_ns, uint64_t i, double rate)
{
	if (rate <= 0)
		return;
	int64_t due = start_ns + (int64_t)((double)i * 1e9 / rate);
	int64_t now = lb_mono_ns();
	if (due > now) {
		struct timespec ts = {.tv_sec = (due - now) / 1000000000, .tv_nsec = (due - now) % 1000000000};
		nanosleep(&ts, NULL);
	}
}

int drill_ransomware(const struct drill_opts *o, struct drill_result *r)
{
	memset(r, 0, sizeof *r);
	int rc = marked(o->dir);
	if (rc < 0)
		return rc;
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium cannot start", "libsodium を初期化できません");
	const char *ext = o->ext ? o->ext : o->mode == DRILL_COPY_DELETE ? ".locked" : "";
	if (o->mode == DRILL_COPY_DELETE && !*ext)
		return lb_error_tr(LB_EUSAGE, "copy-delete needs a new name: --ext must not be empty",
		                   "copy-delete には新しい名前が必要です: --ext を空にできません");
	if (strchr(ext, '/'))
		return lb_error_tr(LB_EUSAGE, "--ext '%s' must not hold '/'", "--ext '%s' に '/' は使えません", ext);
	struct buf sp = {0}, head = {0};
	lb_path_join(&sp, o->dir, DRILL_STATE);
	int state = open(sp.data, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (state < 0) {
		rc = errno == EEXIST
		             ? lb_error_tr(
		                       LB_EEXIST, "a drill in '%s' is not undone yet (run with --undo first)",
		                       "'%s' の前回の訓練がまだ元に戻されていません (先に --undo を実行してください)",
		                       o->dir)
		             : lb_error_errno_tr(errno, "cannot create '%s'", "'%s' を作成できません", sp.data);
		buf_release(&sp);
		return rc;
	}
	unsigned char key[crypto_stream_xchacha20_KEYBYTES];
	randombytes_buf(key, sizeof key);
	buf_addf(&head, "lifeboat-drill 1\nmode %s %d %d\nkey ", drill_mode_name(o->mode), DRILL_BLOCK, DRILL_EVERY);
	hex(&head, key, sizeof key);
	buf_addch(&head, '\n');
	if (write_all(state, &head) < 0 || fsync(state) < 0)
		rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' を書き込めません", sp.data);
	struct drill_list files = {0};
	walk(o->dir, "", &files, 0);
	int64_t start = lb_mono_ns();
	char *lastdir = NULL;
	for (size_t i = 0; rc == 0 && i < files.n; i++) {
		if ((o->stop && *o->stop) || (o->limit && r->files >= o->limit))
			break;
		pace(start, i, o->rate);
		if (o->note) {
			const char *sl = strrchr(files.v[i], '/');
			char *d = lb_strndup(files.v[i], sl ? (size_t)(sl - files.v[i]) : 0);
			if (!lastdir || strcmp(lastdir, d))
				rc = drop_note(o->dir, d, state, r);
			free(lastdir);
			lastdir = d;
		}
		if (rc == 0)
			rc = encrypt_one(o, ext, state, files.v[i], key, r);
		if (rc > 0)
			rc = 0; /* skipped */
	}
	free(lastdir);
	sodium_memzero(key, sizeof key);
	if (fsync(state) < 0 && rc == 0)
		rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' を書き込めません", sp.data);
	close(state);
	r->ms = (lb_mono_ns() - start) / 1000000;
	list_free(&files);
	buf_release(&sp);
	buf_wipe(&head);
	return rc;
}

/* ---- undo -------------------------------------------------------------------------------------------------- */

static int unhex(const char *h, size_t hl, struct buf *out)
{
	buf_reset(out);
	if (hl % 2 || buf_grow(out, hl / 2 + 1) < 0)
		return -1;
	size_t n = 0;
	if (sodium_hex2bin((unsigned char *)out->data, hl / 2 + 1, h, hl, NULL, &n, NULL) < 0)
		return -1;
	out->len = n;
	out->data[n] = 0;
	return memchr(out->data, 0, n) ? -1 : 0;
}

/* A relative path that stays inside the drill folder: no leading '/', no ".." component. */
static int rel_ok(const char *rel)
{
	if (!*rel || rel[0] == '/')
		return 0;
	for (const char *c = rel; c;) {
		const char *sl = strchr(c, '/');
		size_t n = sl ? (size_t)(sl - c) : strlen(c);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return 0;
		c = sl ? sl + 1 : NULL;
	}
	return 1;
}

static int undo_file(const char *dir, int mode, const unsigned char *key, char *line)
{
	char *f[6];
	int nf = 0;
	char *sv = NULL;
	for (char *s = strtok_r(line, " ", &sv); s && nf < 6; s = strtok_r(NULL, " ", &sv))
		f[nf++] = s;
	unsigned char nonce[crypto_stream_xchacha20_NONCEBYTES];
	struct buf rel = {0}, ext = {0}, from = {0}, to = {0};
	int rc = 0;
	if (nf < 5 || sodium_hex2bin(nonce, sizeof nonce, f[2], strlen(f[2]), NULL, NULL, NULL) < 0 ||
	    unhex(f[4], strlen(f[4]), &rel) < 0 || unhex(nf > 5 ? f[5] : "", nf > 5 ? strlen(f[5]) : 0, &ext) < 0 ||
	    !rel_ok(rel.data) || strchr(buf_cstr(&ext), '/')) {
		rc = lb_error_tr(LB_ECORRUPT, "a line of the drill state is damaged",
		                 "訓練の状態ファイルの行が壊れています");
		goto out;
	}
	lb_path_join(&to, dir, rel.data);
	buf_adds(&from, to.data);
	buf_adds(&from, buf_cstr(&ext));
	struct stat st;
	if (lstat(from.data, &st) < 0) {
		if (lstat(to.data, &st) == 0)
			goto out; /* done already (an undo interrupted earlier) */
		rc = lb_error_errno_tr(errno, "encrypted file '%s' is missing", "暗号化したファイル '%s' がありません",
		                       from.data);
		goto out;
	}
	int fd = open(from.data, (mode == DRILL_COPY_DELETE ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		rc = lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", from.data);
		goto out;
	}
	if (mode == DRILL_COPY_DELETE) {
		int nfd = open(to.data, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
		int e = nfd < 0 ? -errno : transform(mode, fd, nfd, (uint64_t)st.st_size, nonce, key);
		if (nfd >= 0 && close(nfd) < 0 && !e)
			e = -errno;
		if (!e && unlink(from.data) < 0)
			e = -errno;
		if (e)
			rc = lb_error_errno_tr(-e, "cannot restore '%s'", "'%s' を復元できません", to.data);
	} else {
		int e = transform(mode, fd, fd, (uint64_t)st.st_size, nonce, key);
		if (e)
			rc = lb_error_errno_tr(-e, "cannot restore '%s'", "'%s' を復元できません", to.data);
		else if (ext.len && rename(from.data, to.data) < 0)
			rc = lb_error_errno_tr(errno, "cannot rename back '%s'", "'%s' の名前を元に戻せません",
			                       from.data);
	}
	close(fd);
out:
	buf_release(&rel);
	buf_release(&ext);
	buf_release(&from);
	buf_release(&to);
	return rc;
}

int drill_undo(const char *dir, struct drill_result *r)
{
	memset(r, 0, sizeof *r);
	int rc = marked(dir);
	if (rc < 0)
		return rc;
	if (sodium_init() < 0)
		return lb_error_tr(LB_EINTERNAL, "libsodium cannot start", "libsodium を初期化できません");
	struct buf sp = {0}, st = {0}, rel = {0}, p = {0};
	lb_path_join(&sp, dir, DRILL_STATE);
	int64_t start = lb_mono_ns();
	rc = buf_read_file(&st, sp.data, 512u << 20);
	if (rc < 0) {
		rc = rc == -LB_ENOTFOUND ? lb_error_tr(LB_ENOTFOUND, "no drill to undo in '%s'",
		                                       "'%s' に元に戻す訓練はありません", dir)
		                         : rc;
		goto done;
	}
	unsigned char key[crypto_stream_xchacha20_KEYBYTES];
	int mode = -1, failed = 0, have_key = 0;
	char *save = NULL;
	for (char *line = strtok_r(st.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "mode ", 5)) {
			char name[32] = "";
			sscanf(line + 5, "%31s", name);
			if (!drill_mode_parse(name, &mode))
				mode = -1;
		} else if (!strncmp(line, "key ", 4)) {
			have_key = sodium_hex2bin(key, sizeof key, line + 4, strlen(line + 4), NULL, NULL, NULL) == 0;
		} else if (!strncmp(line, "file ", 5)) {
			if (mode < 0 || !have_key) {
				rc = lb_error_tr(LB_ECORRUPT, "the drill state '%s' has no mode or key",
				                 "訓練の状態ファイル '%s' にモードか鍵がありません", sp.data);
				break;
			}
			if (undo_file(dir, mode, key, line) < 0) {
				lb_warn(L_("drill: %s", "訓練: %s"), lb_errmsg());
				failed++;
			} else {
				r->files++;
			}
		} else if (!strncmp(line, "note ", 5)) {
			if (unhex(line + 5, strlen(line + 5), &rel) == 0 && rel_ok(rel.data)) {
				buf_reset(&p);
				lb_path_join(&p, dir, rel.data);
				if (unlink(p.data) == 0)
					r->notes++;
			}
		}
	}
	sodium_memzero(key, sizeof key);
	if (rc == 0 && failed)
		rc = lb_error_tr(LB_EIO, "%d files could not be restored (the state file is kept)",
		                 "%d 個のファイルを復元できませんでした (状態ファイルは残しています)", failed);
	if (rc == 0 && unlink(sp.data) < 0)
		rc = lb_error_errno_tr(errno, "cannot remove '%s'", "'%s' を削除できません", sp.data);
done:
	r->ms = (lb_mono_ns() - start) / 1000000;
	buf_wipe(&st);
	buf_release(&sp);
	buf_release(&rel);
	buf_release(&p);
	return rc;
}
