/*
 * canary.c - decoy files planted where encryptors start. Encryptors walk folders in directory or name order, so
 * each watched folder and each of its first-level folders gets two: one named to sort first
 * ("!0000-lifeboat-canary.pdf") and one to sort last among ASCII names ("~~~~-lifeboat-canary.pdf"). They are real
 * PDFs with plausible text, so they look like any other document to a tool that reads them. Any write, rename
 * or delete of one is a critical alert at once. Planted before the event source starts (so planting is not an
 * event) and left in place when watch stops, so the next run and the encryptor find them where they were.
 */
#include "watch_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const canary_names[] = {"!0000-lifeboat-canary.pdf", "~~~~-lifeboat-canary.pdf"};

static void pdf(struct buf *b, const char *title)
{
	struct buf body = {0};
	buf_addf(&body, "BT /F1 12 Tf 72 720 Td (%s) Tj 0 -18 Td (Prepared for the ward meeting. Do not edit.) Tj ET",
	         title);
	size_t off[6];
	buf_adds(b, "%PDF-1.4\n");
	off[1] = b->len;
	buf_adds(b, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
	off[2] = b->len;
	buf_adds(b, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
	off[3] = b->len;
	buf_adds(b, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
	            "/Resources << /Font << /F1 5 0 R >> >> >> endobj\n");
	off[4] = b->len;
	buf_addf(b, "4 0 obj << /Length %zu >> stream\n%s\nendstream endobj\n", body.len, body.data);
	off[5] = b->len;
	buf_adds(b, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
	size_t xref = b->len;
	buf_adds(b, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i <= 5; i++)
		buf_addf(b, "%010zu 00000 n \n", off[i]);
	buf_addf(b, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	buf_release(&body);
}

static int plant_in(struct watch *w, const char *dir)
{
	static const char *const titles[] = {"Staff rota and on-call list 2026", "Invoices and supplier contacts"};
	int n = 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(canary_names); i++) {
		struct buf p = {0}, content = {0};
		lb_path_join(&p, dir, canary_names[i]);
		if (!lb_exists(p.data)) {
			pdf(&content, titles[i]);
			int fd = open(p.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (fd < 0 || write(fd, content.data, content.len) != (ssize_t)content.len) {
				int e = errno;
				if (fd >= 0)
					close(fd);
				buf_release(&p);
				buf_release(&content);
				return lb_error_errno_tr(e, "cannot plant canary in '%s'",
				                         "'%s' におとりファイルを置けません", dir);
			}
			close(fd);
		}
		watch_map_put(&w->canary, watch_hash_str(p.data));
		n++;
		buf_release(&p);
		buf_release(&content);
	}
	return n;
}

int watch_canaries_plant(struct watch *w)
{
	int total = 0;
	for (size_t r = 0; r < w->nroots; r++) {
		int rc = plant_in(w, w->roots[r].path);
		if (rc < 0)
			return rc;
		total += rc;
		DIR *d = opendir(w->roots[r].path);
		struct dirent *e;
		struct buf p = {0};
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			buf_reset(&p);
			lb_path_join(&p, w->roots[r].path, e->d_name);
			struct stat st;
			if (lstat(p.data, &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			if ((rc = plant_in(w, p.data)) < 0) {
				lb_warn(L_("watch: %s", "監視: %s"), lb_errmsg());
				continue;
			}
			total += rc;
		}
		if (d)
			closedir(d);
		buf_release(&p);
	}
	return total;
}

int watch_is_canary(const struct watch *w, const char *path)
{
	if (!w->canary.n)
		return 0;
	return watch_map_get((struct watch_map *)&w->canary, watch_hash_str(path)) != NULL;
}
