/*
 * http.c - the client side of a vault server (`--repo http://host:port/`): one HTTP/1.1 request per connection,
 * each signed with the key in use (admin or writer, Ed25519 over method, path, time and the body's BLAKE2b), so
 * the server decides by role what is allowed (docs §7). Only the config and the head of keys/admin (its salt)
 * are fetched unsigned; keys/admin itself is signed with a pair derived from the passphrase. Every connect, send
 * and receive has a time limit (LIFEBOAT_VAULT_TIMEOUT, default 60 s), and requests that are safe to repeat are
 * tried again with back-off when the exchange fails on the way (a server that drops or refuses connections).
 */
#include "vault_int.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define HTTP_MAX ((size_t)VAULT_PACK_MAX + (1u << 20))
#define HTTP_TIMEOUT_S 60 /* default of LIFEBOAT_VAULT_TIMEOUT */
#define HTTP_TRIES 4      /* attempts of a request that may be repeated */
#define HTTP_PARALLEL 6   /* requests at a time (the server takes 16 connections per address) */

int vault_url_parse(struct vault *v, const char *url)
{
	const char *p = url + (strncmp(url, "http://", 7) == 0 ? 7 : 0);
	if (p == url)
		return lb_error_tr(LB_EUSAGE, "only http:// vault servers are supported ('%s')",
		                   "ボルトサーバは http:// のみ対応しています ('%s')", url);
	const char *colon = strchr(p, ':'), *slash = strchr(p, '/');
	if (!slash)
		slash = p + strlen(p);
	if (!colon || colon > slash)
		return lb_error_tr(LB_EUSAGE, "the vault server URL needs a port ('%s')",
		                   "ボルトサーバの URL にポート番号がありません ('%s')", url);
	v->host = lb_strndup(p, (size_t)(colon - p));
	v->port = lb_strndup(colon + 1, (size_t)(slash - colon - 1));
	v->remote = 1;
	return 0;
}

void vault_sign_message_hash(struct buf *m, const char *method, const char *path, const char *time_ms,
                             const char *body_hex, const char *lease, const char *nonce)
{
	buf_reset(m);
	buf_addf(m, "LBV1\n%s\n%s\n%s\n%s", method, path, time_ms, body_hex);
	if (lease)
		buf_addf(m, "\nlease %s", lease);
	if (nonce)
		buf_addf(m, "\nnonce %s", nonce);
}

void vault_sign_message(struct buf *m, const char *method, const char *path, const char *time_ms, const void *body,
                        size_t n, const char *lease, const char *nonce)
{
	uint8_t h[32];
	char hex[65];
	crypto_generichash(h, 32, (const uint8_t *)(body ? body : ""), n, NULL, 0);
	vault_hex(hex, h, 32);
	vault_sign_message_hash(m, method, path, time_ms, hex, lease, nonce);
}

/* Seconds without progress (connect, send, receive) before a request is given up: LIFEBOAT_VAULT_TIMEOUT. */
static int timeout_s(void)
{
	const char *e = getenv("LIFEBOAT_VAULT_TIMEOUT");
	long t = e && *e ? strtol(e, NULL, 10) : 0;
	return t > 0 && t <= 3600 ? (int)t : HTTP_TIMEOUT_S;
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

/* The whole answer (the server closes the connection); -1 with errno set (EAGAIN: the time ran out). */
static int recv_all(int fd, struct buf *b)
{
	for (;;) {
		if (b->len >= HTTP_MAX) {
			errno = EFBIG;
			return -1;
		}
		if (buf_grow(b, 65536) < 0) {
			errno = ENOMEM;
			return -1;
		}
		size_t room = HTTP_MAX - b->len < 65536 ? HTTP_MAX - b->len : 65536;
		ssize_t r = recv(fd, b->data + b->len, room, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		b->len += (size_t)r;
		b->data[b->len] = '\0';
	}
}

/* What went wrong on the way, for the message: the request may be repeated after these (HTTP_RETRY). */
#define HTTP_RETRY 1

/* gai_strerror() in the current language (the C library speaks English). */
static const char *gai_text(int e)
{
	if (e == EAI_NONAME)
		return L_("no such host name", "そのホスト名はありません");
	if (e == EAI_AGAIN)
		return L_("the name server did not answer", "ネームサーバが応答しません");
	return gai_strerror(e);
}

static int connect_to(struct vault *v, int t)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
	int e = getaddrinfo(v->host, v->port, &hints, &ai);
	if (e != 0) {
		(void)lb_error_tr(LB_EIO, "cannot find vault server '%s': %s", "ボルトサーバ '%s' が見つかりません: %s",
		                  v->host, gai_text(e));
		return -1;
	}
	int fd = -1, err = 0;
	struct timeval tv = {.tv_sec = t};
	for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		/* on Linux SO_SNDTIMEO bounds connect(2) too; both bound every send and receive after */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		if (err == EINPROGRESS || err == EAGAIN || err == ETIMEDOUT)
			(void)lb_error_tr(LB_EIO, "the vault server %s:%s did not accept a connection within %d s",
			                  "ボルトサーバ %s:%s が %d 秒以内に接続を受け付けませんでした", v->host,
			                  v->port, t);
		else
			(void)lb_error_errno_tr(err, "cannot reach vault server %s:%s",
			                        "ボルトサーバ %s:%s に接続できません", v->host, v->port);
	}
	return fd;
}

/* The request's head: line, host, length, and the signature of the key in use (or of the passphrase's fetch
 * pair while opening). X-Vault-Body carries the body's hash, so the server checks the signature first. */
static void request_head(struct vault *v, struct buf *req, const char *method, const char *path, const void *body,
                         size_t n)
{
	buf_addf(req, "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\nContent-Length: %zu\r\n", method, path,
	         v->host, v->port, n);
	if (!v->k.role && !v->fetch_sk) {
		buf_adds(req, "\r\n");
		return;
	}
	char t[32], sighex[129], wid[33], nonce[33], bh[65];
	uint8_t sig[64], raw[16], h[32];
	const char *lease = vault_lease_id(v);
	snprintf(t, sizeof(t), "%lld", (long long)lb_now_ms());
	randombytes_buf(raw, sizeof(raw)); /* two equal requests in one millisecond are not a replay */
	vault_hex(nonce, raw, sizeof(raw));
	crypto_generichash(h, 32, (const uint8_t *)(body ? body : ""), n, NULL, 0);
	vault_hex(bh, h, 32);
	struct buf m = {0};
	vault_sign_message_hash(&m, method, path, t, bh, lease, nonce);
	const uint8_t *sk = v->fetch_sk ? v->fetch_sk : v->k.role == VAULT_ADMIN ? v->k.sign_sk : v->k.w_sign_sk;
	crypto_sign_detached(sig, NULL, (const uint8_t *)m.data, m.len, sk);
	buf_release(&m);
	vault_hex(sighex, sig, 64);
	vault_hex(wid, v->k.writer_id, 16);
	const char *signer = v->fetch_sk ? "passphrase" : v->k.role == VAULT_ADMIN ? "admin" : wid;
	buf_addf(req, "X-Vault-Signer: %s\r\nX-Vault-Time: %s\r\nX-Vault-Nonce: %s\r\nX-Vault-Sig: %s\r\n", signer, t,
	         nonce, sighex);
	if (n)
		buf_addf(req, "X-Vault-Body: %s\r\n", bh);
	if (lease)
		buf_addf(req, "X-Vault-Lease: %s\r\n", lease);
	buf_adds(req, "\r\n");
}

/* One attempt: 0 with *status and the body in out, or -1 (error set) when the exchange failed on the way. */
static int http_once(struct vault *v, const char *method, const char *path, const void *body, size_t n,
                     struct buf *resp, int *status, size_t *body_off)
{
	int t = timeout_s();
	int fd = connect_to(v, t);
	if (fd < 0)
		return -1;
	struct buf req = {0};
	request_head(v, &req, method, path, body, n);
	int rc = 0;
	if (send_all(fd, req.data, req.len) != 0 || (n && send_all(fd, body, n) != 0)) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			(void)lb_error_tr(LB_EIO, "the vault server %s:%s took no data for %d s",
			                  "ボルトサーバ %s:%s が %d 秒間データを受け取りませんでした", v->host, v->port,
			                  t);
		else
			(void)lb_error_errno_tr(errno, "cannot send to vault server %s:%s",
			                        "ボルトサーバ %s:%s に送信できません", v->host, v->port);
		rc = -1;
	}
	buf_release(&req);
	/* the server may answer (401, 413) before it has read the body: read what it says either way */
	buf_reset(resp);
	int sent = rc == 0;
	if (recv_all(fd, resp) != 0 && resp->len == 0) {
		if (sent && (errno == EAGAIN || errno == EWOULDBLOCK))
			(void)lb_error_tr(LB_EIO, "the vault server %s:%s did not answer within %d s",
			                  "ボルトサーバ %s:%s から %d 秒以内に応答がありませんでした", v->host, v->port,
			                  t);
		else if (sent)
			(void)lb_error_errno_tr(errno, "reading from vault server %s:%s",
			                        "ボルトサーバ %s:%s からの受信", v->host, v->port);
		close(fd);
		return -1;
	}
	close(fd);
	char *hdr_end = strstr(resp->data ? resp->data : "", "\r\n\r\n");
	if (!hdr_end || sscanf(resp->data, "HTTP/1.%*d %d", status) != 1) {
		if (sent || resp->len)
			(void)lb_error_tr(LB_EIO, "the vault server sent a malformed answer",
			                  "ボルトサーバの応答の形式が不正です");
		return -1;
	}
	*body_off = (size_t)(hdr_end + 4 - resp->data);
	/* an answer cut short (the connection dropped or timed out half-way) is no answer */
	for (const char *h = strchr(resp->data, '\n'); h && h < hdr_end; h = strchr(h + 1, '\n'))
		if (!strncasecmp(h + 1, "Content-Length:", 15) &&
		    strtoull(h + 16, NULL, 10) != (unsigned long long)(resp->len - *body_off)) {
			(void)lb_error_tr(LB_EIO, "the answer of the vault server %s:%s was cut short",
			                  "ボルトサーバ %s:%s の応答が途中で切れました", v->host, v->port);
			return -1;
		}
	return 0;
}

/* Requests that may be sent again when an attempt fails on the way: reads, and writes of objects whose name is
 * their hash (write-once: a second copy is the same bytes) or of a lease's refresh. Never a new lease or a delete. */
static int may_retry(const char *method, const char *path)
{
	return !strcmp(method, "GET") ||
	       (!strcmp(method, "PUT") && (!strncmp(path, "/obj/", 5) || !strncmp(path, "/lease/", 7)));
}

/* At most HTTP_PARALLEL requests of this process at a time (lease requests aside, so that a refresh is never
 * stuck behind slow uploads): below the server's cap per address, whatever the number of backup workers. */
static pthread_mutex_t par_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t par_cv = PTHREAD_COND_INITIALIZER;
static int par_busy;

static void par_enter(void)
{
	pthread_mutex_lock(&par_mtx);
	while (par_busy >= HTTP_PARALLEL)
		pthread_cond_wait(&par_cv, &par_mtx);
	par_busy++;
	pthread_mutex_unlock(&par_mtx);
}

static void par_leave(void)
{
	pthread_mutex_lock(&par_mtx);
	par_busy--;
	pthread_cond_signal(&par_cv);
	pthread_mutex_unlock(&par_mtx);
}

static int http_retry(struct vault *v, const char *method, const char *path, const void *body, size_t n,
                      struct buf *out);

/* The server's refusals are fixed English texts of the protocol (src/vault/serve.c; the client may test them, as
 * open.c does "wrong passphrase"): the one a person reads is put in the user's language here. */
static const char *server_says(const char *msg)
{
	static const char *const tab[][2] = {
	        {"wrong passphrase", "パスフレーズが違います"},
	        {"bad or unknown signature", "署名が正しくないか、知らない鍵の署名です"},
	        {"sign the request with a vault key", "要求にボルトの鍵で署名してください"},
	        {"the request's time is more than 5 minutes off the vault server's clock",
	         "要求の時刻がボルトサーバの時計と 5 分以上ずれています"},
	        {"request refused: that signed request was already used (replay)",
	         "要求を拒否しました: この署名付き要求はすでに使われています (再送攻撃)"},
	        {"a writer key cannot read packs", "ライター鍵ではパックを読めません"},
	        {"a writer key cannot delete anything", "ライター鍵では何も削除できません"},
	        {"a writer key cannot fetch the admin key", "ライター鍵では管理者鍵を取得できません"},
	        {"a writer key cannot write meta records (locks, reviews, keys)",
	         "ライター鍵ではメタ記録 (ロック・判定・鍵) を書けません"},
	        {"a passphrase proof fetches keys/admin only",
	         "パスフレーズの証明で取得できるのは keys/admin だけです"},
	        {"that object cannot be deleted through the server", "そのオブジェクトはサーバ経由では削除できません"},
	        {"that object cannot be written through the server", "そのオブジェクトはサーバ経由では書き込めません"},
	        {"the object's name is not the hash of its body", "オブジェクトの名前が内容のハッシュと一致しません"},
	        {"the body does not match its signed hash (X-Vault-Body)",
	         "本文が署名されたハッシュと一致しません (X-Vault-Body)"},
	        {"disk full on the vault server", "ボルトサーバのディスクの空きがありません"},
	        {"no such object", "そのオブジェクトはありません"},
	        {"request too large", "要求が大きすぎます"},
	        {"range too long", "範囲が長すぎます"},
	        {"bad object name", "オブジェクト名が不正です"},
	        {"bad folder", "フォルダ名が不正です"},
	        {"method not allowed", "そのメソッドは使えません"},
	        {"request refused", "要求を拒否しました"},
	};
	for (size_t i = 0; i < LB_ARRAY_LEN(tab); i++)
		if (!strcmp(msg, tab[i][0]))
			return L_(tab[i][0], tab[i][1]);
	if (!strncmp(msg, "this repository has no keys/admin.auth yet", 42))
		return L_(msg, "このリポジトリにはまだ keys/admin.auth がありません: "
		               "ボルトのホスト上で管理者パスフレーズで一度開く"
		               "か (どのボルトコマンドでも追加されます)、keys/admin の写しを --key で使ってください");
	return msg;
}

int vault_http(struct vault *v, const char *method, const char *path, const void *body, size_t n, struct buf *out)
{
	int lease = !strncmp(path, "/lease/", 7);
	if (!lease)
		par_enter();
	int rc = http_retry(v, method, path, body, n, out);
	if (!lease)
		par_leave();
	return rc;
}

static int http_retry(struct vault *v, const char *method, const char *path, const void *body, size_t n,
                      struct buf *out)
{
	struct buf resp = {0};
	int status = 0, rc = -1;
	size_t off = 0;
	int tries = may_retry(method, path) ? HTTP_TRIES : 1;
	for (int i = 0; i < tries; i++) {
		if (i) { /* back off: 0.5 s, 1 s, 2 s … with up to half of it again at random */
			unsigned ms = 500u << (i - 1);
			ms += randombytes_uniform(ms / 2 + 1);
			lb_debug("vault server: %s; trying again in %u ms", lb_errmsg(), ms);
			struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
			}
		}
		rc = http_once(v, method, path, body, n, &resp, &status, &off);
		if (rc == 0 && status == 503)
			rc = lb_error_tr(LB_EIO, "the vault server is busy (503)",
			                 "ボルトサーバが混み合っています (503)");
		else if (rc == 0)
			break;
	}
	if (rc < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", lb_errmsg());
		buf_release(&resp);
		if (tries > 1)
			return lb_error_tr(LB_EIO, "%s (tried %d times; LIFEBOAT_VAULT_TIMEOUT sets the time limit)",
			                   "%s (%d 回試しました。待ち時間は LIFEBOAT_VAULT_TIMEOUT で設定できます)",
			                   why, tries);
		return lb_error(LB_EIO, "%s", why);
	}
	const char *b = resp.data + off;
	size_t blen = resp.len - off;
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
		rc = lb_error_tr(code, "vault server: %s", "ボルトサーバ: %s",
		                 server_says(msg[0] ? msg : "request refused"));
	}
	buf_release(&resp);
	return rc;
}
