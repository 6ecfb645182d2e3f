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
 * Every request except GET of config and of the head of keys/admin carries X-Vault-Signer (admin, a writer id, or
 * "passphrase"), X-Vault-Time (ms, within 5 minutes) and X-Vault-Sig (Ed25519 over "LBV1\n" method path time
 * blake2b(body), then "\nlease ID" and "\nnonce N" when X-Vault-Lease and X-Vault-Nonce are sent), and one with a
 * body X-Vault-Body (that hash): the signature is checked from the head alone, before a byte of the body is read,
 * and the body is hashed as it arrives. Writers must be registered and not revoked. A signature is accepted once
 * (401 on a replay within the window). A request with X-Vault-Lease is refused (410) unless that lease of the
 * same signer is live: nothing is written under a lock that was lost. keys/admin goes only to the admin or to a
 * request signed with the pair derived from the passphrase (its public half is keys/admin.auth, served to nobody
 * else), never to a writer or to anyone unsigned.
 *
 * Against a client that holds connections open: at most SERVE_PER_IP connections per address, a request's head
 * must arrive within SERVE_HEAD_MS and its body within SERVE_BODY_MS (a watchdog thread shuts the socket).
 */
#include "vault_int.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define SERVE_BODY_MAX ((size_t)VAULT_PACK_MAX + 4096)
#define SERVE_SKEW_MS (5 * 60 * 1000)
#define SERVE_CONN_MAX 64u         /* connections in all (each upload holds its body in memory) */
#define SERVE_PER_IP 8u            /* connections from one address */
#define SERVE_HEAD_MS 10000        /* from connect (or the end of the last request) to the end of the head */
#define SERVE_BODY_MS (600 * 1000) /* from the end of the head to the end of the body (64 MiB at 110 kB/s) */
#define ROLE_PASSPHRASE 3          /* a request signed with the fetch pair of the admin passphrase */

/* A connection the watchdog watches: shut down when now passes deadline. Linked in vault_server.conns under
 * conn_mtx from the MHD notification of its start to that of its end (MHD closes the socket only after that). */
struct sconn {
	int fd;
	int64_t deadline;
	struct sconn *prev, *next;
};

struct vault_server {
	struct MHD_Daemon *d;
	struct vault *v;
	pthread_mutex_t mtx; /* meta reloads */
	struct vlease_tab leases;
	struct vreplay replay;
	pthread_mutex_t conn_mtx;
	pthread_cond_t conn_cv;
	struct sconn *conns;
	int stop;
	pthread_t watchdog;
};

/* One request: the role its head proved, and its body with the running hash of it. */
struct req {
	struct buf body;
	crypto_generichash_state hs;
	char claimed[65]; /* X-Vault-Body, or the hash of no body */
	int role;
	char signer[40];
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

/* 0 anonymous, VAULT_ADMIN, VAULT_WRITER or ROLE_PASSPHRASE when the signature of the head checks (over body_hex,
 * the hash the body must have; signer set to "admin", the writer id or "passphrase"); -1 when a signature is present
 * but bad, -2 when it was used before (a replay), -3 for a passphrase signature on a repository without
 * keys/admin.auth, -4 when its time is outside the window. */
static int who(struct vault_server *s, struct MHD_Connection *c, const char *method, const char *url,
               const char *body_hex, char signer_out[40])
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
		return -4;
	int role;
	if (!strcmp(signer, "admin")) {
		memcpy(pk, s->v->cfg.sign_pk, 32);
		role = VAULT_ADMIN;
	} else if (!strcmp(signer, "passphrase")) {
		struct buf f = {0};
		int rc = vault_get(s->v, "keys/admin.auth", &f, 4096);
		if (rc == 0)
			rc = vkey_auth_parse((const uint8_t *)f.data, f.len, pk);
		buf_release(&f);
		if (rc < 0)
			return -3;
		role = ROLE_PASSPHRASE;
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
	vault_sign_message_hash(&m, method, path.data, t, body_hex, lease, nonce);
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

/* What a PUT of rel may do, known from the head: 0, or the status of its refusal with *msg. */
static unsigned put_allowed(const char *rel, int role, const char *body_hex, int leased, const char **msg)
{
	const char *name = strrchr(rel, '/');
	int writable = !strncmp(rel, "data/", 5) || !strncmp(rel, "index/", 6) || !strncmp(rel, "snapshots/", 10);
	if (!strncmp(rel, "meta/", 5)) {
		if (role != VAULT_ADMIN)
			return *msg = "a writer key cannot write meta records (locks, reviews, keys)", 403;
		writable = 1;
	}
	if (!writable || !name)
		return *msg = "that object cannot be written through the server", 403;
	if (strcmp(name + 1, body_hex) != 0 || (!strncmp(rel, "data/", 5) && strncmp(rel + 5, body_hex, 2) != 0))
		return *msg = "the object's name is not the hash of its body", 400;
	if (needs_lease(rel) && !leased)
		return *msg = NO_LEASE_MSG, 428;
	return 0;
}

static enum MHD_Result do_put(struct vault_server *s, struct MHD_Connection *c, const char *rel, int role,
                              const struct buf *body, int leased)
{
	uint8_t h[32];
	char hex[65];
	const char *msg;
	crypto_generichash(h, 32, (const uint8_t *)(body->data ? body->data : ""), body->len, NULL, 0);
	vault_hex(hex, h, 32);
	unsigned st = put_allowed(rel, role, hex, leased, &msg);
	if (st)
		return text(c, st, msg);
	/* write-once: same name is the same bytes (hash), so an existing object is simply kept */
	int rc = vault_put(s->v, rel, body->data ? body->data : "", body->len);
	if (rc == -LB_ENOSPC)
		return text(c, 507, "disk full on the vault server");
	return rc == 0 ? text(c, 200, "") : text(c, 500, lb_errmsg());
}

/* keys/: keys/admin to the admin and to the passphrase's proof, its head (salt and Argon2id limits: nothing to
 * guess against) to anyone; the rest (keys/admin.auth) to the admin only; nothing to writers. */
static unsigned get_allowed(struct MHD_Connection *c, const char *rel, int role, const char **msg)
{
	const char *off = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "off");
	const char *len = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "len");
	int head = off && len && !strcmp(off, "0") && strtoull(len, NULL, 10) <= VKEY_ADMIN_HEAD;
	if (role == ROLE_PASSPHRASE)
		return strcmp(rel, "keys/admin") ? (*msg = "a passphrase proof fetches keys/admin only", 403) : 0;
	if (!role && strcmp(rel, "config") && !(head && !strcmp(rel, "keys/admin")))
		return *msg = "sign the request with a vault key", 401;
	if (role == VAULT_WRITER && !strncmp(rel, "keys/", 5))
		return *msg = "a writer key cannot fetch the admin key", 403;
	return 0;
}

/* Everything the head of a request decides, before a byte of its body is read: its body's claimed hash, its
 * signature, and whether what it asks could be allowed. 0 to go on, or the status of a refusal with *msg. */
static unsigned check_head(struct vault_server *s, struct MHD_Connection *c, const char *url, const char *method,
                           struct req *r, const char **msg)
{
	const char *bh = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Body");
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	int has_body = te || (cl && strtoull(cl, NULL, 10) > 0);
	uint8_t h[32];
	if (cl && strtoull(cl, NULL, 10) > SERVE_BODY_MAX)
		return *msg = "request too large", 413;
	if (bh && (strlen(bh) != 64 || vault_unhex(h, 32, bh) < 0))
		return *msg = "X-Vault-Body is not a BLAKE2b-256 in hex", 400;
	if (bh) {
		vault_hex(r->claimed, h, 32);
	} else {
		crypto_generichash(h, 32, (const uint8_t *)"", 0, NULL, 0);
		vault_hex(r->claimed, h, 32);
	}
	crypto_generichash_init(&r->hs, NULL, 0, 32);
	r->role = who(s, c, method, url, r->claimed, r->signer);
	if (r->role == -2)
		return *msg = "request refused: that signed request was already used (replay)", 401;
	if (r->role == -3)
		return *msg = "this repository has no keys/admin.auth yet: open it once on the vault host with the "
		              "admin "
		              "passphrase (any vault command adds it), or use --key with a copy of keys/admin",
		       403;
	if (r->role == -4)
		return *msg = "the request's time is more than 5 minutes off the vault server's clock", 401;
	const char *signer = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Signer");
	if (r->role < 0 && signer && !strcmp(signer, "passphrase")) { /* someone guessing: say so in the log */
		char ip[INET6_ADDRSTRLEN] = "?";
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof(ip));
		lb_warn(L_("a request for keys/admin from %s with a wrong passphrase",
		           "%s から違うパスフレーズで keys/admin が要求されました"),
		        ip);
		return *msg = "wrong passphrase", 401;
	}
	if (r->role < 0)
		return *msg = "bad or unknown signature", 401;
	if (!r->role && has_body)
		return *msg = "sign the request with a vault key", 401;
	if (has_body && !bh)
		return *msg = "a request with a body must carry X-Vault-Body (the BLAKE2b-256 of the body)", 400;
	if (!strcmp(method, "GET") && !strncmp(url, "/obj/", 5))
		return rel_ok(url + 5) ? get_allowed(c, url + 5, r->role, msg) : (*msg = "bad object name", 400);
	if (!r->role)
		return *msg = "sign the request with a vault key", 401;
	if (r->role == ROLE_PASSPHRASE)
		return *msg = "a passphrase proof fetches keys/admin only", 403;
	if (!strcmp(method, "PUT") && !strncmp(url, "/obj/", 5)) {
		if (!rel_ok(url + 5))
			return *msg = "bad object name", 400;
		const char *lease = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Lease");
		return put_allowed(url + 5, r->role, r->claimed, lease != NULL, msg);
	}
	return 0;
}

static struct sconn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void conn_deadline(struct vault_server *s, struct MHD_Connection *c, int64_t ms)
{
	struct sconn *k = conn_of(c);
	if (!k)
		return;
	pthread_mutex_lock(&s->conn_mtx);
	k->deadline = lb_now_ms() + ms;
	pthread_mutex_unlock(&s->conn_mtx);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	struct vault_server *s = cls;
	struct req *r = *con_cls;
	if (!r) { /* the head is in: decide on it alone */
		r = lb_calloc(1, sizeof(*r));
		*con_cls = r;
		conn_deadline(s, c, SERVE_BODY_MS);
		const char *msg = NULL;
		unsigned st = check_head(s, c, url, method, r, &msg);
		if (st) /* MHD closes the connection after the answer: the body is never read */
			return text(c, st, msg);
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->body.len + *upload_size > SERVE_BODY_MAX) {
			r->too_big = 1;
		} else {
			crypto_generichash_update(&r->hs, (const uint8_t *)upload, *upload_size);
			buf_add(&r->body, upload, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return text(c, 413, "request too large");
	uint8_t h[32];
	char hex[65];
	crypto_generichash_final(&r->hs, h, 32);
	vault_hex(hex, h, 32);
	if (strcmp(hex, r->claimed) != 0)
		return text(c, 400, "the body does not match its signed hash (X-Vault-Body)");
	int role = r->role;
	const char *signer = r->signer;
	if (role && !strncmp(url, "/lease/", 7))
		return do_lease(s, c, method, url + 7, role, signer);
	const char *lease = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Vault-Lease");
	if (role && lease && vlease_use(&s->leases, lease, signer, VLEASE_CHECK) < 0)
		return text(c, 410, lb_errmsg());
	if (!strcmp(method, "GET") && !strncmp(url, "/obj/", 5))
		return do_get(s, c, url + 5, role);
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
	if (!strcmp(method, "PUT") && !strncmp(url, "/obj/", 5))
		return do_put(s, c, url + 5, role, &r->body, lease != NULL);
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
	(void)toe;
	struct req *r = *con_cls;
	if (r) {
		buf_release(&r->body);
		free(r);
		*con_cls = NULL;
	}
	conn_deadline(cls, c, SERVE_HEAD_MS); /* the next request on a kept-alive connection */
}

static void notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
                        enum MHD_ConnectionNotificationCode toe)
{
	struct vault_server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct sconn *k = lb_calloc(1, sizeof(*k));
		k->fd = ci ? ci->connect_fd : -1;
		k->deadline = lb_now_ms() + SERVE_HEAD_MS;
		pthread_mutex_lock(&s->conn_mtx);
		k->next = s->conns;
		if (s->conns)
			s->conns->prev = k;
		s->conns = k;
		pthread_mutex_unlock(&s->conn_mtx);
		*socket_context = k;
		return;
	}
	struct sconn *k = *socket_context;
	if (!k)
		return;
	pthread_mutex_lock(&s->conn_mtx);
	if (k->prev)
		k->prev->next = k->next;
	else
		s->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&s->conn_mtx);
	free(k);
	*socket_context = NULL;
}

/* Once a second: shut the sockets of connections past their deadline (a head or body trickled in). MHD's thread
 * of that connection then sees the end of it and closes it as usual. */
static void *watchdog_main(void *arg)
{
	struct vault_server *s = arg;
	pthread_mutex_lock(&s->conn_mtx);
	while (!s->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&s->conn_cv, &s->conn_mtx, &ts);
		int64_t now = lb_now_ms();
		for (struct sconn *k = s->conns; k; k = k->next)
			if (k->fd >= 0 && now > k->deadline) {
				lb_info(L_("closing a connection that did not finish its request in time",
				           "時間内に要求を送り終えなかった接続を閉じます"));
				shutdown(k->fd, SHUT_RDWR);
				k->fd = -1;
			}
	}
	pthread_mutex_unlock(&s->conn_mtx);
	return NULL;
}

static void stop_watchdog(struct vault_server *s)
{
	pthread_mutex_lock(&s->conn_mtx);
	s->stop = 1;
	pthread_cond_signal(&s->conn_cv);
	pthread_mutex_unlock(&s->conn_mtx);
	pthread_join(s->watchdog, NULL);
}

static void server_free(struct vault_server *s)
{
	vlease_release(&s->leases);
	vreplay_release(&s->replay);
	vault_close(s->v);
	pthread_mutex_destroy(&s->mtx);
	pthread_mutex_destroy(&s->replay.mtx);
	pthread_mutex_destroy(&s->conn_mtx);
	pthread_cond_destroy(&s->conn_cv);
	free(s);
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
		return lb_error_tr(
		        LB_EUSAGE, "listen on ADDRESS:PORT, e.g. 127.0.0.1:8420, not '%s'",
		        "待ち受けは アドレス:ポート (例 127.0.0.1:8420) で指定してください ('%s' は使えません)",
		        listen);
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
	pthread_mutex_init(&s->conn_mtx, NULL);
	pthread_cond_init(&s->conn_cv, NULL);
	if (pthread_create(&s->watchdog, NULL, watchdog_main, s) != 0) {
		server_free(s);
		return lb_error_tr(LB_EINTERNAL, "cannot start the server's watchdog thread",
		                   "サーバの監視スレッドを開始できません");
	}
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, (uint16_t)port, NULL,
	                        NULL, handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_NOTIFY_CONNECTION, notify_conn, s,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_LIMIT,
	                        SERVE_CONN_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT, SERVE_PER_IP, MHD_OPTION_END);
	if (!s->d) {
		stop_watchdog(s);
		server_free(s);
		return lb_error_tr(LB_EIO, "cannot listen on %s (in use, or not an address of this host)",
		                   "%s で待ち受けできません (使用中か、このホストのアドレスではありません)", listen);
	}
	*out = s;
	return 0;
}

void vault_serve_stop(struct vault_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	stop_watchdog(s);
	server_free(s);
}
