/*
 * test_vault_restore.c - restore of generations made by hand: a hostile generation (a writer signs its own) that
 * names a symlink and then a path through it makes nothing outside the restore target; folders get their modes
 * and times only after everything in them exists, whatever the modes; owners come back as root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vault/vault_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct fixture {
	char base[256], repo[300], outside[300];
	struct vault *v;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->base, sizeof(f->base), "%s/lb-restore-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->base))
		return -1;
	snprintf(f->repo, sizeof(f->repo), "%s/repo", f->base);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->base);
	mkdir(f->outside, 0700);
	struct buf pass = {0};
	buf_adds(&pass, "restore-test-passphrase");
	if (vault_init(f->repo, &pass) < 0 || vault_open(&f->v, f->repo, NULL, &pass) < 0)
		return -1;
	buf_wipe(&pass);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	vault_close(f->v);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "chattr -R -i '%s' 2>/dev/null; rm -rf '%s'", f->base, f->base);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

struct want {
	const char *path;
	int kind;
	unsigned mode;
	const char *link;
	int nobody; /* owned by 65534:65534 rather than by the test's user */
};

/* Seal a generation of the given nodes (sorted by path) into the repository; its id into id. */
static void put_generation(struct vault *v, const struct want *w, size_t n, char id[65])
{
	struct vsnap s = {.time_ms = lb_now_ms(),
	                  .host = lb_strdup("test"),
	                  .status = VAULT_CLEAN,
	                  .reasons = lb_strdup("[]"),
	                  .summary = lb_strdup("")};
	lb_strlist_push(&s.paths, lb_strdup("x"));
	s.nodes = calloc(n, sizeof(*s.nodes));
	s.nnodes = n;
	for (size_t i = 0; i < n; i++) {
		struct vnode *x = &s.nodes[i];
		x->path = lb_strdup(w[i].path);
		x->kind = (uint8_t)w[i].kind;
		x->mode = w[i].mode;
		x->uid = w[i].nobody ? 65534 : getuid();
		x->gid = w[i].nobody ? 65534 : getgid();
		x->mtime_ns = x->atime_ns = 1000000000LL * (1000000 + (int64_t)i) + 123;
		x->link = lb_strdup(w[i].link ? w[i].link : "");
		x->entropy = 65535;
	}
	struct buf file = {0}, rel = {0};
	assert_int_equal(vsnap_seal(v, &s, &file), 0);
	uint8_t h[VID];
	crypto_generichash(h, VID, (const uint8_t *)file.data, file.len, NULL, 0);
	vault_hex(id, h, VID);
	buf_addf(&rel, "snapshots/%s", id);
	assert_int_equal(vault_put(v, rel.data, file.data, file.len), 0);
	buf_release(&file);
	buf_release(&rel);
	vsnap_release(&s);
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static int restore_to(struct fixture *f, const char *id, const char *name)
{
	char target[400];
	snprintf(target, sizeof(target), "%s/%s", f->base, name);
	struct vault_restore_opts o = {.snapshot = id, .target = target};
	struct vault_restore_result r;
	return vault_restore(f->v, &o, &r);
}

/* symlink "a" to a folder outside, then "a/l": the second link must not be made through the first */
static void test_link_through_link(void **state)
{
	struct fixture *f = *state;
	const struct want w[] = {{"a", VNODE_LINK, 0777, f->outside}, {"a/l", VNODE_LINK, 0777, "/etc/passwd"}};
	char id[65];
	put_generation(f->v, w, 2, id);
	assert_true(restore_to(f, id, "t1") < 0);
	assert_int_equal(entries(f->outside), 0);
}

/* symlink "a" to a folder outside and a file "a/f": the file is made in a real folder "a" of the target, the
 * link is then refused */
static void test_file_under_link(void **state)
{
	struct fixture *f = *state;
	const struct want w[] = {{"a", VNODE_LINK, 0777, f->outside}, {"a/f", VNODE_FILE, 0644, NULL}};
	char id[65];
	put_generation(f->v, w, 2, id);
	assert_true(restore_to(f, id, "t2") < 0);
	assert_int_equal(entries(f->outside), 0);
}

/* Compare the modes and times of t3 with w; 0 when everything matches. */
static int check_modes(struct fixture *f, const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char p[600];
		snprintf(p, sizeof(p), "%s/t3/%s", f->base, w[i].path);
		struct stat st;
		if (lstat(p, &st) != 0)
			return 2;
		if (w[i].kind != VNODE_LINK && (st.st_mode & 07777) != w[i].mode)
			return 3;
		if (st.st_mtim.tv_sec != 1000000 + (int64_t)i || st.st_mtim.tv_nsec != 123)
			return 4;
	}
	return 0;
}

/* read-only and closed folders: everything inside is made first, then the folders' modes and times (deepest
 * first for the folders their owner cannot search); as root the restore runs as 'nobody', where modes bind */
static void test_folder_modes_last(void **state)
{
	struct fixture *f = *state;
	const struct want w[] = {{"d", VNODE_DIR, 0555, NULL},      {"d/e", VNODE_DIR, 0500, NULL},
	                         {"d/e/f", VNODE_FILE, 0400, NULL}, {"d/e/l", VNODE_LINK, 0777, "f"},
	                         {"d/g", VNODE_DIR, 0000, NULL},    {"d/g/h", VNODE_FILE, 0600, NULL},
	                         {"d/g/i", VNODE_DIR, 0300, NULL},  {"d/g/i/j", VNODE_FILE, 0644, NULL}};
	const size_t n = sizeof(w) / sizeof(w[0]);
	char id[65];
	put_generation(f->v, w, n, id);
	if (geteuid() != 0) {
		assert_int_equal(restore_to(f, id, "t3"), 0);
	} else {
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "chown -R 65534:65534 '%s' 2>/dev/null", f->base);
		(void)!system(cmd);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(9);
			_exit(restore_to(f, id, "t3") == 0 ? 0 : 1);
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(check_modes(f, w, n), 0);
}

/* Owners come back as root: entries of another user get theirs, and root's own entries get root's group even in
 * a set-group-id target folder whose group the kernel would hand down (restore skips the chown of entries it made
 * with the right owner already, and must not skip it there). */
static void test_owners(void **state)
{
	struct fixture *f = *state;
	if (geteuid() != 0) {
		skip(); /* only root can give files to another user */
		return;
	}
	const struct want w[] = {{"d", VNODE_DIR, 0755, NULL, 1},    {"d/f", VNODE_FILE, 0644, NULL, 1},
	                         {"d/l", VNODE_LINK, 0777, "f", 1},  {"g", VNODE_DIR, 0755, NULL, 0},
	                         {"g/h", VNODE_FILE, 0600, NULL, 0}, {"g/l", VNODE_LINK, 0777, "h", 0}};
	const size_t n = sizeof(w) / sizeof(w[0]);
	char id[65], t[400];
	put_generation(f->v, w, n, id);
	for (int sgid = 0; sgid < 2; sgid++) {
		snprintf(t, sizeof(t), "%s/t4-%d", f->base, sgid);
		assert_int_equal(mkdir(t, 0755), 0);
		if (sgid) {
			assert_int_equal(chown(t, 0, 65534), 0);
			assert_int_equal(chmod(t, 02755), 0);
		}
		struct vault_restore_opts o = {.snapshot = id, .target = t};
		struct vault_restore_result r;
		assert_int_equal(vault_restore(f->v, &o, &r), 0);
		for (size_t i = 0; i < n; i++) {
			char p[600];
			snprintf(p, sizeof(p), "%s/%s", t, w[i].path);
			struct stat st;
			assert_int_equal(lstat(p, &st), 0);
			assert_int_equal(st.st_uid, w[i].nobody ? 65534 : 0);
			assert_int_equal(st.st_gid, w[i].nobody ? 65534 : getgid());
		}
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_link_through_link, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_file_under_link, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_folder_modes_last, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_owners, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
