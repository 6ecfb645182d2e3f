/*
 * server.c - the station's HTTP server: libmicrohttpd with a pool of worker threads (internal polling), a pool
 * of read-only store handles, routing, sessions on every request, and the response headers that make the pages
 * safe to show (CSP without inline script, no framing, no sniffing, no referrer, no caching).
 *
 * Routes: GET /healthz (no login), GET /static/… (assets, no login), GET|POST /login, POST /logout, GET /search,
 * GET /patient/<id>, GET /census, GET /appointments (&format=csv), POST /audit/print, and the safety and paper
 * pages (/drugs, /drugs.json, /rx/check, /barcode, /print…; routes.c). Everything else is 404; patient data is never
 * served without a valid session.
 *
 * Against a client that holds connections open (slowloris): at most STATION_CONN_MAX connections in all and
 * o.per_address (default STATION_PER_ADDRESS) from one address (MHD's per-IP limit: more are closed at once), a
 * request's head must be complete within STATION_HEAD_MS of the connection (or of the end of the previous request
 * on it) and its body within STATION_BODY_MS of the head, whatever it trickles in between; a watchdog thread shuts
 * the socket of a connection past its deadline (as vault serve does). MHD's own messages (one per refused
 * connection under an attack) are written at most once every STATION_LOG_EVERY_MS, with the count left out.
 *
 * Refresh: a store handle remembers the inode of the file it opened. When the path names another file (a
 * refresh renamed a new store over it), handles of the old file are closed as they come back to the pool and new
 * requests open the new file; requests in flight finish on the old one.
 */
#include "station_int.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#define CSP                                                                                                      \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none';" \
	" form-action 'self'"

/* ---- store pool ---------------------------------------------------------------------------------------------- */

static void pool_check_file(struct station *st)
{
	int64_t now = lb_now_ms();
	if (now - st->checked_ms < 1000)
		return;
	st->checked_ms = now;
	struct stat sb;
	if (stat(st->o.db, &sb) == 0 && ((uint64_t)sb.st_ino != st->ino || (uint64_t)sb.st_dev != st->dev)) {
		st->ino = (uint64_t)sb.st_ino;
		st->dev = (uint64_t)sb.st_dev;
		st->gen++;
		lb_info(L_("station: store '%s' was replaced; reopening",
		           "端末: ストア '%s' が入れ替わりました。開き直します"),
		        st->o.db);
	}
}

static int pool_get(struct station *st, struct store **out, uint64_t *gen)
{
	struct store *s = NULL;
	pthread_mutex_lock(&st->pool_mu);
	pool_check_file(st);
	*gen = st->gen;
	while (st->npool) {
		st->npool--;
		if (st->pool_gen[st->npool] == st->gen) {
			s = st->pool[st->npool];
			break;
		}
		store_close(st->pool[st->npool]);
	}
	pthread_mutex_unlock(&st->pool_mu);
	if (!s) {
		int rc = store_open_readonly(&s, st->o.db);
		if (rc < 0)
			return rc;
	}
	*out = s;
	return 0;
}

static void pool_put(struct station *st, struct store *s, uint64_t gen)
{
	pthread_mutex_lock(&st->pool_mu);
	if (gen == st->gen && st->npool < 32) {
		if (st->npool == st->cappool) {
			st->cappool = st->cappool ? st->cappool * 2 : 8;
			st->pool = lb_reallocarray(st->pool, st->cappool, sizeof(*st->pool));
			st->pool_gen = lb_reallocarray(st->pool_gen, st->cappool, sizeof(*st->pool_gen));
		}
		st->pool[st->npool] = s;
		st->pool_gen[st->npool++] = gen;
		s = NULL;
	}
	pthread_mutex_unlock(&st->pool_mu);
	store_close(s);
}

/* The data-freshness figures every page shows, read at most every two seconds. */
static int meta_get(struct station *st, struct store *s, uint64_t gen, struct store_meta *m)
{
	int64_t now = lb_now_ms();
	pthread_mutex_lock(&st->pool_mu);
	int fresh = st->meta_ms && now - st->meta_ms < 2000 && st->meta_gen == gen;
	if (fresh)
		*m = st->meta;
	pthread_mutex_unlock(&st->pool_mu);
	if (fresh)
		return 0;
	int rc = store_meta_get(s, m);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&st->pool_mu);
	st->meta = *m;
	st->meta_ms = now;
	st->meta_gen = gen;
	pthread_mutex_unlock(&st->pool_mu);
	return 0;
}

/* ---- connection deadlines (slowloris) ------------------------------------------------------------------------ */

/* A connection the watchdog watches: shut down when now passes deadline. Linked in station.conns under conn_mu
 * from the MHD notification of its start to that of its end (MHD closes the socket only after that). */
struct station_conn {
	int fd;
	int64_t deadline;
	struct station_conn *prev, *next;
};

static void conn_deadline(struct station *st, struct MHD_Connection *c, int64_t ms)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct station_conn *k = ci ? ci->socket_context : NULL;
	if (!k)
		return;
	pthread_mutex_lock(&st->conn_mu);
	k->deadline = lb_now_ms() + ms;
	pthread_mutex_unlock(&st->conn_mu);
}

static void notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
                        enum MHD_ConnectionNotificationCode toe)
{
	struct station *st = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct station_conn *k = lb_calloc(1, sizeof(*k));
		k->fd = ci ? ci->connect_fd : -1;
		k->deadline = lb_now_ms() + STATION_HEAD_MS;
		pthread_mutex_lock(&st->conn_mu);
		k->next = st->conns;
		if (st->conns)
			st->conns->prev = k;
		st->conns = k;
		pthread_mutex_unlock(&st->conn_mu);
		*socket_context = k;
		return;
	}
	struct station_conn *k = *socket_context;
	if (!k)
		return;
	pthread_mutex_lock(&st->conn_mu);
	if (k->prev)
		k->prev->next = k->next;
	else
		st->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&st->conn_mu);
	free(k);
	*socket_context = NULL;
}

/* Once a second: shut the sockets of connections past their deadline. MHD's worker of that connection then sees
 * the end of it and closes it as usual. */
static void *watchdog_main(void *arg)
{
	struct station *st = arg;
	pthread_mutex_lock(&st->conn_mu);
	while (!st->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&st->conn_cv, &st->conn_mu, &ts);
		int64_t now = lb_now_ms();
		long cut = 0;
		for (struct station_conn *k = st->conns; k; k = k->next)
			if (k->fd >= 0 && now > k->deadline) {
				shutdown(k->fd, SHUT_RDWR);
				k->fd = -1;
				cut++;
			}
		if (cut)
			lb_info(L_("station: closed %ld connection(s) that did not send their request in time",
			           "端末: 時間内に要求を送らなかった接続 %ld 本を閉じました"),
			        cut);
	}
	pthread_mutex_unlock(&st->conn_mu);
	return NULL;
}

/* MHD's messages, at most one every STATION_LOG_EVERY_MS (a refused connection is one message each). */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct station *st = cls;
	char msg[300];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = 0;
	int64_t now = lb_now_ms();
	long dropped = -1;
	pthread_mutex_lock(&st->conn_mu);
	if (now - st->log_ms >= STATION_LOG_EVERY_MS) {
		dropped = st->log_dropped;
		st->log_dropped = 0;
		st->log_ms = now;
	} else {
		st->log_dropped++;
	}
	pthread_mutex_unlock(&st->conn_mu);
	if (dropped > 0)
		lb_warn(L_("station: %s (and %ld more messages of the server in the last %d s)",
		           "端末: %s (ほかにサーバのメッセージ %ld 件、直近 %d 秒間)"),
		        msg, dropped, STATION_LOG_EVERY_MS / 1000);
	else if (dropped == 0)
		lb_warn(L_("station: %s", "端末: %s"), msg);
}

/* ---- libmicrohttpd glue -------------------------------------------------------------------------------------- */

static void client_address(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result send_resp(struct station *st, struct MHD_Connection *c, struct station_resp *p,
                                 const char *cache)
{
	size_t len;
	char *data = buf_detach(&p->body, &len);
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", p->type ? p->type : "text/plain; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	MHD_add_response_header(resp, "Cache-Control", cache);
	if (st->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (p->location[0])
		MHD_add_response_header(resp, "Location", p->location);
	if (p->disposition)
		MHD_add_response_header(resp, "Content-Disposition", p->disposition);
	if (p->retry_after)
		MHD_add_response_header(resp, "Retry-After", p->retry_after);
	for (int i = 0; i < p->ncookies; i++)
		MHD_add_response_header(resp, "Set-Cookie", p->cookies[i]);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)p->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_asset(struct station *st, struct MHD_Connection *c, const char *url)
{
	const char *type;
	size_t len;
	const char *data = station_asset(url, &type, &len);
	struct station_resp p = {.status = data ? 200 : 404, .type = data ? type : "text/plain; charset=utf-8"};
	if (!data) {
		buf_adds(&p.body, "not found\n");
		return send_resp(st, c, &p, "no-store");
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "max-age=3600");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **ctx)
{
	(void)version;
	struct station *st = cls;
	struct station_req *r = *ctx;
	if (!r) {
		r = lb_calloc(1, sizeof(*r));
		r->body.max = STATION_BODY_MAX;
		*ctx = r;
		conn_deadline(st, c, STATION_BODY_MS); /* the head is in: now the body */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > STATION_BODY_MAX)
			r->too_big = 1;
		else
			return MHD_YES;
	}
	if (*upload_size) {
		if (buf_add(&r->body, upload, *upload_size) < 0)
			r->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	/* The whole request is in: the answer is made and sent under MHD's inactivity timeout alone. */
	conn_deadline(st, c, STATION_ANSWER_MS);
	if (!strncmp(url, "/static/", 8))
		return send_asset(st, c, url);

	r->st = st;
	r->conn = c;
	r->method = method;
	r->path = url;
	client_address(c, r->address, sizeof(r->address));
	struct station_resp p = {.status = 200, .type = "text/html; charset=utf-8"};
	const char *cookies = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
	r->cookies = cookies;
	/* Language: ?lang= (remembered in a cookie), else the cookie, else the station's default. */
	char lang[8];
	const char *la = station_arg(r, "lang");
	r->lang_ja = !st->o.lang_en;
	if (la && (!strcmp(la, "ja") || !strcmp(la, "en"))) {
		r->lang_ja = !strcmp(la, "ja");
		station_add_cookie(&p, "lb_lang=%s; Path=/; SameSite=Strict%s", la, st->tls ? "; Secure" : "");
	} else if (station_cookie_get(cookies, "lb_lang", lang, sizeof(lang))) {
		r->lang_ja = strcmp(lang, "en") != 0;
	}
	if (r->too_big) {
		struct station_resp big = {.status = 413, .type = "text/plain; charset=utf-8"};
		buf_adds(&big.body, "request too large\n");
		return send_resp(st, c, &big, "no-store");
	}
	if (!station_text_ok(url, strlen(url)) || strlen(url) > 1024) {
		struct station_resp bad = {.status = 400, .type = "text/plain; charset=utf-8"};
		buf_adds(&bad.body, "bad request\n");
		return send_resp(st, c, &bad, "no-store");
	}
	char tok[80];
	if (station_cookie_get(cookies, "lb_session", tok, sizeof(tok)))
		station_session_find(&st->auth, tok, st->o.idle_ms, &r->sess);

	uint64_t gen = 0;
	int rc = pool_get(st, &r->store, &gen);
	if (rc == 0)
		rc = store_read_begin(r->store);
	if (rc == 0)
		rc = meta_get(st, r->store, gen, &r->meta);
	if (rc < 0) {
		lb_warn(L_("station: %s", "端末: %s"), lb_errmsg());
		station_page_error(r, &p, 503,
		                   T_("The clinical store cannot be read.", "臨床データを読み込めません。"));
	} else {
		station_route(r, &p, cookies);
	}
	if (r->store) {
		store_read_end(r->store);
		pool_put(st, r->store, gen);
	}
	r->store = NULL;
	return send_resp(st, c, &p, "no-store");
}

static void completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	struct station_req *r = *ctx;
	conn_deadline(cls, c, STATION_HEAD_MS); /* the next request on a kept-alive connection */
	if (!r)
		return;
	buf_wipe(&r->body);
	free(r);
	*ctx = NULL;
}

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (all addresses) */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	const char *colon = strrchr(s ? s : "", ':');
	if (!colon)
		return lb_error_tr(LB_EUSAGE, "--listen wants HOST:PORT, not '%s'",
		                   "--listen には HOST:PORT を指定してください ('%s' は不可)", s ? s : "");
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || end == colon + 1)
		return lb_error_tr(LB_EUSAGE, "bad port in '%s'", "'%s' のポート番号が不正です", s);
	char host[64];
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return lb_error_tr(LB_EUSAGE, "bad host in '%s'", "'%s' のホストが不正です", s);
	memcpy(host, s, hl);
	host[hl] = 0;
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = 0;
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return lb_error_tr(LB_EUSAGE, "bad IPv6 address in '%s'", "'%s' の IPv6 アドレスが不正です", s);
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return 0;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	if (hl && inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return lb_error_tr(LB_EUSAGE, "bad IPv4 address in '%s'", "'%s' の IPv4 アドレスが不正です", s);
	*len = sizeof(*a4);
	return 0;
}

int station_start(struct station **out, const struct station_opts *o)
{
	*out = NULL;
	struct station *st = lb_calloc(1, sizeof(*st));
	st->o = *o;
	if (!st->o.threads)
		st->o.threads = 4;
	if (!st->o.idle_ms)
		st->o.idle_ms = 15 * 60 * 1000;
	if (!st->o.max_failures)
		st->o.max_failures = 5;
	if (!st->o.lockout_ms)
		st->o.lockout_ms = 15 * 60 * 1000;
	if (!st->o.stale_ms)
		st->o.stale_ms = 24 * 3600 * 1000;
	if (!st->o.per_address)
		st->o.per_address = STATION_PER_ADDRESS;
	pthread_mutex_init(&st->pool_mu, NULL);
	pthread_mutex_init(&st->print_mu, NULL);
	pthread_mutex_init(&st->conn_mu, NULL);
	pthread_cond_init(&st->conn_cv, NULL);
	pthread_mutex_init(&st->inc_mu, NULL);
	/* the incident file: --incident, else incident.db next to the store (the CLI's rule) */
	struct buf ipath = {0};
	if (o->incident)
		buf_adds(&ipath, o->incident);
	else
		incident_default_path(&ipath, o->db);
	st->incident_path = buf_detach(&ipath, NULL);
	st->o.incident = st->incident_path;
	/* A station killed mid-print left its private print folder behind: it may hold patients' PDFs. */
	long swept = 0;
	if (station_print_sweep(station_print_tmpdir(), STATION_PRINT_STALE_MS, &swept) < 0)
		lb_warn(L_("station: %s", "端末: %s"), lb_errmsg());
	if (swept)
		lb_info(L_("station: removed %ld leftover print folder(s) in '%s'",
		           "端末: 残っていた印刷用フォルダ %ld 個を '%s' から削除しました"),
		        swept, station_print_tmpdir());
	struct sockaddr_storage ss;
	socklen_t sl;
	int rc = parse_listen(o->listen, &ss, &sl);
	if (rc < 0)
		goto fail;
	/* The store must open now: a station that starts on a missing store would only show errors. */
	struct store *s;
	uint64_t gen;
	struct stat sb;
	if (stat(o->db, &sb) == 0) {
		st->ino = (uint64_t)sb.st_ino;
		st->dev = (uint64_t)sb.st_dev;
	}
	st->checked_ms = lb_now_ms();
	if ((rc = pool_get(st, &s, &gen)) < 0)
		goto fail;
	pool_put(st, s, gen);
	if ((rc = station_auth_open(&st->auth, o->db, 1)) < 0)
		goto fail;
	/* An incident file that is there must be one (never the clinical store named by mistake): refuse to start
	 * rather than show an error on every page. Missing is fine: the board's declaration makes it. */
	struct incident_file *inc;
	if ((rc = station_incident_get(st, 0, &inc)) < 0)
		goto fail;
	station_incident_put(st, inc);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
		rc = lb_error_tr(LB_EUSAGE, "--tls-cert and --tls-key go together",
		                 "--tls-cert と --tls-key は一緒に指定してください");
		goto fail;
	}
	if (o->tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			rc = lb_error_tr(LB_EUSAGE, "this libmicrohttpd has no TLS",
			                 "この libmicrohttpd は TLS に対応していません");
			goto fail;
		}
		struct buf c = {0}, k = {0};
		if ((rc = buf_read_file(&c, o->tls_cert, 1 << 20)) < 0 ||
		    (rc = buf_read_file(&k, o->tls_key, 1 << 20)) < 0) {
			buf_release(&c);
			buf_wipe(&k);
			goto fail;
		}
		st->cert_pem = buf_detach(&c, NULL);
		st->key_pem = buf_detach(&k, NULL);
		st->tls = 1;
		flags |= MHD_USE_TLS;
	}
	if (pthread_create(&st->watchdog, NULL, watchdog_main, st) != 0) {
		rc = lb_error_tr(LB_EINTERNAL, "cannot start the station's watchdog thread",
		                 "端末の監視スレッドを開始できません");
		goto fail;
	}
	st->watchdog_on = 1;
	st->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, st, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                           MHD_OPTION_THREAD_POOL_SIZE, (unsigned)st->o.threads, MHD_OPTION_NOTIFY_COMPLETED,
	                           completed, st, MHD_OPTION_NOTIFY_CONNECTION, notify_conn, st,
	                           MHD_OPTION_EXTERNAL_LOGGER, mhd_log, st, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                           (size_t)(64 << 10), MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	                           MHD_OPTION_CONNECTION_LIMIT, STATION_CONN_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	                           (unsigned)st->o.per_address, st->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	                           st->cert_pem, MHD_OPTION_HTTPS_MEM_KEY, st->key_pem, MHD_OPTION_END);
	if (!st->mhd) {
		rc = lb_error_tr(LB_EIO, "cannot listen on '%s' (address in use or not ours?)",
		                 "'%s' で待ち受けできません (使用中か、このマシンのアドレスではありません)", o->listen);
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(st->mhd, MHD_DAEMON_INFO_BIND_PORT);
	st->port = di ? di->port : 0;
	*out = st;
	return 0;
fail:
	station_stop(st);
	return rc;
}

int station_port(const struct station *st)
{
	return st->port;
}

void station_stop(struct station *st)
{
	if (!st)
		return;
	if (st->mhd)
		MHD_stop_daemon(st->mhd);
	if (st->watchdog_on) {
		pthread_mutex_lock(&st->conn_mu);
		st->stopping = 1;
		pthread_cond_signal(&st->conn_cv);
		pthread_mutex_unlock(&st->conn_mu);
		pthread_join(st->watchdog, NULL);
	}
	for (size_t i = 0; i < st->npool; i++)
		store_close(st->pool[i]);
	free(st->pool);
	free(st->pool_gen);
	station_auth_close(&st->auth);
	if (st->incident_path) {
		station_incident_pool_free(st);
		pthread_mutex_destroy(&st->inc_mu);
		free(st->incident_path);
	}
	pthread_mutex_destroy(&st->pool_mu);
	pthread_mutex_destroy(&st->print_mu);
	pthread_mutex_destroy(&st->conn_mu);
	pthread_cond_destroy(&st->conn_cv);
	free(st->cert_pem);
	if (st->key_pem) {
		lb_wipe(st->key_pem, strlen(st->key_pem));
		free(st->key_pem);
	}
	free(st);
}
