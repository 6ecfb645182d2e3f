/*
 * serve.c - the vault server (libmicrohttpd): the repository reached only through an API that enforces roles
 * on the vault host, whatever a compromised client does (docs §7). Run it as a Unix user of its own that owns R.
 *
 *   GET    /obj/REL[?off=N&len=M]   an object or a range of it; data/ (packs) for the admin only
 *   GET    /stat/REL                its size
 *   GET    /list/DIR                object names, one a line
 *   PUT    /obj/REL                 write once: name must be the BLAKE2b-256 of the body; meta/ admin only;
 *                                   an existing object is never replaced (409 unless identical); data/,
 *                                   index/ and snapshots/ only under a live lease (428 without one)
 *   DELETE /obj/REL                 admin only; data/, index/, snapshots/ under a live lease too
 *   POST   /lease/shared            take a lease: a shared flock on R/lock, held by the server ("ID TTL_MS");
 *   POST   /lease/exclusive         exclusive: admin only; 423 "repository is locked: …" on a conflict
 *   PUT    /lease/ID                refresh it (it is dropped, with its flock, when not refreshed within TTL)
 *   DELETE /lease/ID                release it; both 410 when the lease is unknown, expired or someone else's
 *
 * Every request except GET of config and keys/admin carries X-Vault-Signer (admin or a writer id), X-Vault-Time
 * (ms, within 5 minutes) and X-Vault-Sig (Ed25519 over "LBV1\n" method path time blake2b(body), then "\nlease ID"
 * and "\nnonce N" when X-Vault-Lease and X-Vault-Nonce are sent); writers must be registered and not revoked. A
 * signature is accepted once (401 on a replay within the window). A request with X-Vault-Lease is refused (410)
 * unless that lease of the same signer is live: nothing is written under a lock that was lost.
 */
#include "vault_int.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define SERVE_BODY_MAX ((size_t)VAULT_PACK_MAX + 4096)
#define SERVE_SKEW_MS (5 * 60 * 1000)

struct vault_server {
	struct MHD_Daemon *d;
	struct vault *v;
	pthread_mutex_t mtx; /* meta reloads */
	struct vlease_tab leases;
	struct vreplay replay;
};

struct req {
	struct buf body;
	int too_big;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const void *p, size_t n, int copy)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(n, (void *)p, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/octet-stream");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return reply(c, status, msg, strlen(msg), 1);
}

static int rel_ok(const char *rel)
{
	return vault_path_ok(rel) && strlen(rel) < 200 && !strchr(rel, '?');
}

/* 0 anonymous, VAULT_ADMIN or VAULT_WRITER when the signature checks (signer set to "admin" or the writer id);
 * -1 when a signature is present but bad, -2 when it was used before (a replay). */
static int who(struct vault_server *s, struct MHD_Connection *c, const char *method, const char *url,
               const struct buf *body, char signer_out[40])
{
	const char *signer = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Signer");
	const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Time");
	const char *sighex = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Sig");
	const char *lease = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Lease");
	const char *nonce = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Nonce");
	if (!signer && !t && !sighex)
		return 0;
	uint8_t sig[64], pk[32];
	if (!signer || !t || !sighex || vault_unhex(sig, 64, sighex) < 0)
		return -1;
	if ((lease && strlen(lease) > 64) || (nonce && strlen(nonce) > 64))
		return -1;
	long long ms = strtoll(t, NULL, 10);
	if (llabs(ms - (long long)lb_now_ms()) > SERVE_SKEW_MS)
		return -1;
	int role;
	if (!strcmp(signer, "admin")) {
		memcpy(pk, s->v->cfg.sign_pk, 32);
		role = VAULT_ADMIN;
	} else {
		uint8_t wid[16];
		if (vault_unhex(wid, 16, signer) < 0)
			return -1;
		pthread_mutex_lock(&s->mtx);
		vault_reload_meta(s->v); /* registrations and revocations take effect at once */
		int known = vault_writer_known(s->v, wid, pk, lb_now_ms());
		pthread_mutex_unlock(&s->mtx);
		if (known < 0)
			return -1;
		role = VAULT_WRITER;
	}
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "off");
	const char *l = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "len");
	struct buf path = {0}, m = {0};
	buf_adds(&path, url);
	if (q && l)
		buf_addf(&path, "?off=%s&len=%s", q, l);
	vault_sign_message(&m, method, path.data, t, body->data, body->len, lease, nonce);
	int ok = crypto_sign_verify_detached(sig, (const uint8_t *)m.data, m.len, pk) == 0;
	buf_release(&m);
	buf_release(&path);
	if (!ok)
		return -1;
	if (vreplay_check(&s->replay, sig, ms + SERVE_SKEW_MS) < 0)
		return -2;
	snprintf(signer_out, 40, "%s", signer);
	return role;
}

/* POST /lease/shared|exclusive, PUT /lease/ID (refresh), DELETE /lease/ID (release). */
static enum MHD_Result do_lease(struct vault_server *s, struct MHD_Connection *c, const char *method, const char *what,
                                int role, const char *signer)
{
	if (!strcmp(method, "POST")) {
		int excl = !strcmp(what, "exclusive");
		if (!excl && strcmp(what, "shared"))
			return text(c, 400, "ask for a shared or an exclusive lease");
		if (excl && role != VAULT_ADMIN)
			return text(
			        c, 403,
			        "a writer key cannot take an exclusive lease (prune and forget need the admin key)");
		char id[VLEASE_ID], out[80];
		int rc = vlease_take(&s->leases, excl, signer, id);
		if (rc < 0)
			return text(c, rc == -LB_ELOCKED ? 423 : 500, lb_errmsg());
		snprintf(out, sizeof(out), "%s %lld\n", id, (long long)s->leases.ttl_ms);
		return text(c, 200, out);
	}
	int op = !strcmp(method, "PUT") ? VLEASE_REFRESH : !strcmp(method, "DELETE") ? VLEASE_DROP : -1;
	if (op < 0)
		return text(c, 405, "method not allowed");
	return vlease_use(&s->leases, what, signer, op) == 0 ? text(c, 200, "") : text(c, 410, lb_errmsg());
}

static enum MHD_Result do_get(struct vault_server *s, struct MHD_Connection *c, const char *rel, int role)
{
	if (!strncmp(rel, "data/", 5) && role != VAULT_ADMIN)
		return text(c, 403, "a writer key cannot read packs");
	struct buf out = {0};
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "off");
	const char *l = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "len");
	int rc;
	if (q && l) {
		unsigned long long off = strtoull(q, NULL, 10), len = strtoull(l, NULL, 10);
		if (len > VAULT_BLOB_MAX)
			return text(c, 413, "range too long");
		rc = vault_get_range(s->v, rel, off, (size_t)len, &out);
	} else {
		rc = vault_get(s->v, rel, &out, SERVE_BODY_MAX);
	}
	enum MHD_Result ret = rc == 0 ? reply(c, 200, out.data ? out.data : "", out.len, 1)
	                              : text(c, rc == -LB_ENOTFOUND ? 404 : 500, lb_errmsg());
	buf_release(&out);
	return ret;
}

/* Packs, indexes and generations change only under a live lease (checked by the caller when one is named), so
 * that a client that skips it (an older lifeboat, or one that lost its lease) cannot race a prune. */
static int needs_lease(const char *rel)
{
	return !strncmp(rel, "data/", 5) || !strncmp(rel, "index/", 6) || !strncmp(rel, "snapshots/", 10);
}

#define NO_LEASE_MSG                                                                                              \
	"take a repository lease first (POST /lease/shared or /lease/exclusive): packs, indexes and generations " \
	"change only under one"

static enum MHD_Result do_put(struct vault_server *s, struct MHD_Connection *c, const char *rel, int role,
                              const struct buf *body, int leased)
{
	const char *name = strrchr(rel, '/');
	int writable = !strncmp(rel, "data/", 5) || !strncmp(rel, "index/", 6) || !strncmp(rel, "snapshots/", 10);
	if (!strncmp(rel, "meta/", 5)) {
		if (role != VAULT_ADMIN)
			return text(c, 403, "a writer key cannot write meta records (locks, reviews, keys)");
		writable = 1;
	}
	if (!writable || !name)
		return text(c, 403, "that object cannot be written through the server");
	uint8_t h[32];
	char hex[65];
	crypto_generichash(h, 32, (const uint8_t *)(body->data ? body->data : ""), body->len, NULL, 0);
	vault_hex(hex, h, 32);
	if (strcmp(name + 1, hex) != 0 || (!strncmp(rel, "data/", 5) && strncmp(rel + 5, hex, 2) != 0))
		return text(c, 400, "the object's name is not the hash of its body");
	if (needs_lease(rel) && !leased)
		return text(c, 428, NO_LEASE_MSG);
	/* write-once: same name is the same bytes (hash), so an existing object is simply kept */
	int rc = vault_put(s->v, rel, body->data ? body->data : "", body->len);
	if (rc == -LB_ENOSPC)
		return text(c, 507, "disk full on the vault server");
	return rc == 0 ? text(c, 200, "") : text(c, 500, lb_errmsg());
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	struct vault_server *s = cls;
	struct req *r = *con_cls;
	if (!r) {
		r = lb_calloc(1, sizeof(*r));
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->body.len + *upload_size > SERVE_BODY_MAX)
			r->too_big = 1;
		else
			buf_add(&r->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return text(c, 413, "request too large");
	char signer[40] = "";
	int role = who(s, c, method, url, &r->body, signer);
	if (role == -2)
		return text(c, 401, "request refused: that signed request was already used (replay)");
	if (role < 0)
		return text(c, 401, "bad or unknown signature");
	if (role && !strncmp(url, "/lease/", 7))
		return do_lease(s, c, method, url + 7, role, signer);
	const char *lease = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Lease");
	if (role && lease && vlease_use(&s->leases, lease, signer, VLEASE_CHECK) < 0)
		return text(c, 410, lb_errmsg());
	if (!strcmp(method, "GET") && !strncmp(url, "/obj/", 5)) {
		const char *rel = url + 5;
		if (!rel_ok(rel))
			return text(c, 400, "bad object name");
		if (!role && strcmp(rel, "config") && strcmp(rel, "keys/admin"))
			return text(c, 401, "sign the request with a vault key");
		return do_get(s, c, rel, role);
	}
	if (!role)
		return text(c, 401, "sign the request with a vault key");
	if (!strcmp(method, "GET") && !strncmp(url, "/stat/", 6)) {
		uint64_t size;
		char n[32];
		if (!rel_ok(url + 6))
			return text(c, 400, "bad object name");
		if (vault_size(s->v, url + 6, &size) < 0)
			return text(c, 404, "no such object");
		snprintf(n, sizeof(n), "%llu", (unsigned long long)size);
		return text(c, 200, n);
	}
	if (!strcmp(method, "GET") && !strncmp(url, "/list/", 6)) {
		const char *dir = url + 6;
		if (strcmp(dir, "data") && strcmp(dir, "index") && strcmp(dir, "snapshots") && strcmp(dir, "meta"))
			return text(c, 400, "bad folder");
		struct lb_strlist names = {0};
		struct buf out = {0};
		vault_list(s->v, dir, &names);
		for (size_t i = 0; i < names.n; i++) {
			buf_addf(&out, "%s\n", names.v[i]);
			free((void *)names.v[i]);
		}
		lb_strlist_free(&names);
		enum MHD_Result ret = reply(c, 200, out.data ? out.data : "", out.len, 1);
		buf_release(&out);
		return ret;
	}
	if (!strcmp(method, "PUT") && !strncmp(url, "/obj/", 5)) {
		if (!rel_ok(url + 5))
			return text(c, 400, "bad object name");
		return do_put(s, c, url + 5, role, &r->body, lease != NULL);
	}
	if (!strcmp(method, "DELETE") && !strncmp(url, "/obj/", 5)) {
		if (role != VAULT_ADMIN)
			return text(c, 403, "a writer key cannot delete anything");
		const char *rel = url + 5;
		if (!rel_ok(rel) || !strcmp(rel, "config") || !strncmp(rel, "keys/", 5))
			return text(c, 403, "that object cannot be deleted through the server");
		if (needs_lease(rel) && !lease)
			return text(c, 428, NO_LEASE_MSG);
		return vault_remove(s->v, rel) == 0 ? text(c, 200, "") : text(c, 500, lb_errmsg());
	}
	return text(c, 405, "method not allowed");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct req *r = *con_cls;
	if (r) {
		buf_release(&r->body);
		free(r);
		*con_cls = NULL;
	}
}

int vault_serve_start(struct vault_server **out, const char *repo, const char *listen, int lease_ttl_s)
{
	*out = NULL;
	const char *colon = strrchr(listen, ':');
	struct sockaddr_in sa = {.sin_family = AF_INET};
	long port = colon ? strtol(colon + 1, NULL, 10) : 0;
	char host[64] = "";
	if (colon && (size_t)(colon - listen) < sizeof(host))
		memcpy(host, listen, (size_t)(colon - listen));
	if (!colon || port <= 0 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return lb_error(LB_EUSAGE, "listen on ADDRESS:PORT, e.g. 127.0.0.1:8420, not '%s'", listen);
	sa.sin_port = htons((uint16_t)port);
	struct vault_server *s = lb_calloc(1, sizeof(*s));
	int rc = vault_open_keyless(&s->v, repo);
	if (rc < 0) {
		free(s);
		return rc;
	}
	rc = vlease_init(&s->leases, repo, (int64_t)(lease_ttl_s > 0 ? lease_ttl_s : VAULT_LEASE_TTL_S) * 1000);
	if (rc < 0) {
		vault_close(s->v);
		free(s);
		return rc;
	}
	pthread_mutex_init(&s->mtx, NULL);
	pthread_mutex_init(&s->replay.mtx, NULL);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, (uint16_t)port, NULL,
	                        NULL, handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned)16, /* each upload may hold a pack in memory */
	                        MHD_OPTION_END);
	if (!s->d) {
		vlease_release(&s->leases);
		vault_close(s->v);
		pthread_mutex_destroy(&s->mtx);
		pthread_mutex_destroy(&s->replay.mtx);
		free(s);
		return lb_error(LB_EIO, "cannot listen on %s (in use, or not an address of this host)", listen);
	}
	*out = s;
	return 0;
}

void vault_serve_stop(struct vault_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	vlease_release(&s->leases);
	vreplay_release(&s->replay);
	vault_close(s->v);
	pthread_mutex_destroy(&s->mtx);
	pthread_mutex_destroy(&s->replay.mtx);
	free(s);
}
