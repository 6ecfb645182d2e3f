/*
 * http.c - the client side of a vault server (`--repo http://host:port/`): one HTTP/1.1 request per connection,
 * each signed with the key in use (admin or writer, Ed25519 over method, path, time and the body's BLAKE2b), so
 * the server decides by role what is allowed (docs §7). Only the config and the passphrase-sealed admin key are
 * fetched unsigned: they are what a client needs before it holds a signing key.
 */
#include "vault_int.h"

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HTTP_MAX ((size_t)VAULT_PACK_MAX + (1u << 20))

int vault_url_parse(struct vault *v, const char *url)
{
	const char *p = url + (strncmp(url, "http://", 7) == 0 ? 7 : 0);
	if (p == url)
		return lb_error(LB_EUSAGE, "only http:// vault servers are supported ('%s')", url);
	const char *colon = strchr(p, ':'), *slash = strchr(p, '/');
	if (!slash)
		slash = p + strlen(p);
	if (!colon || colon > slash)
		return lb_error(LB_EUSAGE, "the vault server URL needs a port ('%s')", url);
	v->host = lb_strndup(p, (size_t)(colon - p));
	v->port = lb_strndup(colon + 1, (size_t)(slash - colon - 1));
	v->remote = 1;
	return 0;
}

void vault_sign_message(struct buf *m, const char *method, const char *path, const char *time_ms, const void *body,
                        size_t n, const char *lease, const char *nonce)
{
	uint8_t h[32];
	char hex[65];
	crypto_generichash(h, 32, (const uint8_t *)(body ? body : ""), n, NULL, 0);
	vault_hex(hex, h, 32);
	buf_reset(m);
	buf_addf(m, "LBV1\n%s\n%s\n%s\n%s", method, path, time_ms, hex);
	if (lease)
		buf_addf(m, "\nlease %s", lease);
	if (nonce)
		buf_addf(m, "\nnonce %s", nonce);
}

static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int vault_http(struct vault *v, const char *method, const char *path, const void *body, size_t n, struct buf *out)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
	int e = getaddrinfo(v->host, v->port, &hints, &ai);
	if (e != 0)
		return lb_error(LB_EIO, "cannot find vault server '%s': %s", v->host, gai_strerror(e));
	int fd = -1;
	for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0)
		return lb_error_errno(errno, "cannot reach vault server %s:%s", v->host, v->port);
	struct buf req = {0};
	buf_addf(&req, "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\nContent-Length: %zu\r\n", method, path,
	         v->host, v->port, n);
	if (v->k.role) {
		char t[32], sighex[129], wid[33], nonce[33];
		uint8_t sig[64], raw[16];
		const char *lease = vault_lease_id(v);
		snprintf(t, sizeof(t), "%lld", (long long)lb_now_ms());
		randombytes_buf(raw, sizeof(raw)); /* two equal requests in one millisecond are not a replay */
		vault_hex(nonce, raw, sizeof(raw));
		struct buf m = {0};
		vault_sign_message(&m, method, path, t, body, n, lease, nonce);
		crypto_sign_detached(sig, NULL, (const uint8_t *)m.data, m.len,
		                     v->k.role == VAULT_ADMIN ? v->k.sign_sk : v->k.w_sign_sk);
		buf_release(&m);
		vault_hex(sighex, sig, 64);
		vault_hex(wid, v->k.writer_id, 16);
		buf_addf(&req, "X-Vault-Signer: %s\r\nX-Vault-Time: %s\r\nX-Vault-Nonce: %s\r\nX-Vault-Sig: %s\r\n",
		         v->k.role == VAULT_ADMIN ? "admin" : wid, t, nonce, sighex);
		if (lease)
			buf_addf(&req, "X-Vault-Lease: %s\r\n", lease);
	}
	buf_adds(&req, "\r\n");
	int rc = 0;
	if (send_all(fd, req.data, req.len) != 0 || (n && send_all(fd, body, n) != 0))
		rc = lb_error_errno(errno, "cannot send to vault server");
	buf_release(&req);
	struct buf resp = {0};
	if (rc == 0) {
		rc = buf_read_fd(&resp, fd, HTTP_MAX);
		if (rc < 0)
			lb_error_wrap(rc, "reading from vault server");
	}
	close(fd);
	int status = 0;
	char *hdr_end = rc == 0 ? strstr(resp.data ? resp.data : "", "\r\n\r\n") : NULL;
	if (rc == 0 && (!hdr_end || sscanf(resp.data, "HTTP/1.%*d %d", &status) != 1))
		rc = lb_error(LB_EIO, "the vault server sent a malformed answer");
	if (rc == 0) {
		const char *b = hdr_end + 4;
		size_t blen = resp.len - (size_t)(b - resp.data);
		if (status == 200) {
			if (out) {
				buf_reset(out);
				buf_add(out, b, blen);
			}
		} else {
			char msg[200];
			snprintf(msg, sizeof(msg), "%.*s", (int)(blen < 199 ? blen : 199), b);
			int code = status == 403                    ? LB_EPERM
			           : status == 401                  ? LB_EAUTH
			           : status == 404                  ? LB_ENOTFOUND
			           : status == 409                  ? LB_EEXIST
			           : status == 410 || status == 423 ? LB_ELOCKED
			           : status == 507                  ? LB_ENOSPC
			           : status == 413                  ? LB_ETOOBIG
			                                            : LB_EIO;
			rc = lb_error(code, "vault server: %s", msg[0] ? msg : "request refused");
		}
	}
	buf_release(&resp);
	return rc;
}
