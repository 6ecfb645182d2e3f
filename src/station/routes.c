/*
 * routes.c - what each request gets: routing, login and logout, the print record, /healthz.
 *
 * Routes: GET /healthz (no login), GET /static/… (assets, no login), GET|POST /login, POST /logout, GET /search,
 * GET /patient/<id>, GET /census, GET /appointments (&format=csv), POST /audit/print, GET /drugs, /drugs.json,
 * /rx/check, POST /rx/record, /barcode, /print, /print/{forms,ward,patient}.pdf, the headquarters pages GET /incident,
 * /incident/timeline and POST /incident/{declare,phase,decide,log}, back-entry GET|POST /backentry/register, GET
 * /backentry/backlog and POST /backentry/backlog/mark. Everything else is 404; patient data is never
 * served without a valid session.
 */
#include "station_int.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- request helpers ----------------------------------------------------------------------------------------- */

const char *station_arg(struct station_req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	if (!v)
		return NULL;
	size_t n = strlen(v);
	if (n > STATION_FIELD_MAX || !station_text_ok(v, n))
		return NULL;
	return v;
}

const char *station_arg_opt(struct station_req *r, const char *name, int *bad)
{
	const char *v = station_arg(r, name);
	if (!v && MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name))
		*bad = 1;
	return v && *v ? v : NULL;
}

void station_add_cookie(struct station_resp *p, const char *fmt, ...)
{
	if (p->ncookies >= (int)LB_ARRAY_LEN(p->cookies))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->cookies[p->ncookies++], sizeof(p->cookies[0]), fmt, ap);
	va_end(ap);
}

static void redirect(struct station_resp *p, int status, const char *to)
{
	p->status = status;
	snprintf(p->location, sizeof(p->location), "%s", to);
	p->type = "text/plain; charset=utf-8";
	buf_adds(&p->body, "see other\n");
}

/* A local path to return to after login: the pages of station_route only (/search… /patient/… /census… …). */
static int safe_next(const char *s)
{
	static const char *const ok[] = {"/search",   "/patient/", "/census", "/appointments", "/drugs",
	                                 "/rx/check", "/barcode",  "/print",  "/incident",     "/backentry/"};
	if (!s || strlen(s) > 400 || s[0] != '/' || s[1] == '/' || strchr(s, '\\'))
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == '"' || *p == '<' || *p == '>')
			return 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(ok); i++)
		if (!strncmp(s, ok[i], strlen(ok[i])))
			return 1;
	return 0;
}

void station_url_value(struct buf *b, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		buf_addf(b,
		         (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		                         *c == '-' || *c == '_' || *c == '.' || *c == '~'
		                 ? "%c"
		                 : "%%%02X",
		         *c);
}

/* MHD iterator: append "?key=value" / "&key=value" (encoded) to the buf in cls; "lang" is left out. */
static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct buf *b = cls;
	if (!key || !strcmp(key, "lang") || b->len > 400)
		return MHD_YES;
	buf_addch(b, strchr(b->data, '?') ? '&' : '?');
	station_url_value(b, key);
	buf_addch(b, '=');
	station_url_value(b, value ? value : "");
	return MHD_YES;
}

int station_audit_or_refuse(struct station_req *r, struct station_resp *p, const char *action, const char *patient,
                            const char *detail)
{
	if (station_audit(&r->st->auth, r->sess.user, action, patient, r->path, r->address, detail) == 0)
		return 0;
	station_page_error(r, p, 500,
	                   T_("The access log cannot be written: nothing is shown.",
	                      "アクセス記録を書けないため表示できません。"));
	return -1;
}

static int form_field(struct station_req *r, const char *name, struct buf *out)
{
	return station_form_get(buf_cstr(&r->body), r->body.len, name, out);
}

/* ---- routes -------------------------------------------------------------------------------------------------- */

static void healthz(struct station_req *r, struct station_resp *p)
{
	struct json_w w = {.out = &p->body};
	json_obj(&w);
	json_kv_str(&w, "status", "ok");
	json_kv_str(&w, "as_of", r->meta.as_of);
	/* the data holds no time: as_of is the load time, which says nothing of the data's age (as the banner warns) */
	json_kv_bool(&w, "as_of_unknown", r->meta.as_of_unknown);
	json_kv_str(&w, "generation", r->meta.generation);
	json_kv_str(&w, "last_run", r->meta.last_run);
	json_kv_int(&w, "patients", r->meta.patients);
	long h = r->meta.as_of_unknown ? -1 : station_data_age_hours(r->meta.as_of);
	json_key(&w, "age_hours");
	if (h < 0)
		json_null_value(&w);
	else
		json_int(&w, h);
	json_kv_bool(&w, "stale", h < 0 || (int64_t)h * 3600000 >= r->st->o.stale_ms);
	json_kv_bool(&w, "read_only", 1);
	json_end(&w);
	buf_addch(&p->body, '\n');
	p->status = 200;
	p->type = "application/json";
}

static void do_login(struct station_req *r, struct station_resp *p, const char *cookies)
{
	char pre[80];
	struct buf user = {0}, pass = {0}, csrf = {0};
	int have_pre = station_cookie_get(cookies, "lb_pre", pre, sizeof(pre));
	if (form_field(r, "csrf", &csrf) != 1 || !have_pre || !station_token_eq(csrf.data, pre)) {
		station_audit(&r->st->auth, "", "denied", NULL, "/login", r->address, "csrf");
		station_page_login(r, p,
		                   T_("The form expired or was not sent from this station: try again.",
		                      "フォームの有効期限切れ、または不正な送信です。もう一度ログインしてください。"),
		                   403);
		goto done;
	}
	if (form_field(r, "username", &user) != 1 || form_field(r, "password", &pass) != 1 || !user.len ||
	    user.len > 63 || !pass.len) {
		station_page_login(
		        r, p, T_("Enter your user name and password.", "ユーザー名とパスワードを入力してください。"),
		        400);
		goto done;
	}
	char role[16];
	int wait_s = 0;
	int rc = station_login(&r->st->auth, &r->st->o, user.data, pass.data, r->address, role, &wait_s);
	if (rc == STATION_LOGIN_OK) {
		char token[65], sc[65];
		if (station_session_create(&r->st->auth, user.data, role, r->address, r->st->o.idle_ms, token, sc) <
		    0) {
			station_page_error(r, p, 500, T_("Cannot create a session.", "セッションを作成できません。"));
			goto done;
		}
		station_add_cookie(p, "lb_session=%s; Path=/; HttpOnly; SameSite=Strict%s", token,
		                   r->st->tls ? "; Secure" : "");
		station_add_cookie(p, "lb_pre=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		                   r->st->tls ? "; Secure" : "");
		const char *next = station_arg(r, "next");
		redirect(p, 303, safe_next(next) ? next : "/search");
	} else if (rc == STATION_LOGIN_LOCKED || rc == STATION_LOGIN_LOCKED_ADDRESS || rc == STATION_LOGIN_WAIT) {
		char msg[512];
		long min = (long)((r->st->o.lockout_ms + 59999) / 60000);
		if (rc == STATION_LOGIN_LOCKED && r->lang_ja)
			snprintf(msg, sizeof(msg),
			         "このコンピューターからのパスワード誤りが多すぎるため、このアカウントはここでは最大 "
			         "%ld "
			         "分間ロックされています。別のコンピューターからログインするか、システム管理者にロック"
			         "解除を"
			         "依頼してください。",
			         min);
		else if (rc == STATION_LOGIN_LOCKED)
			snprintf(msg, sizeof(msg),
			         "Too many wrong passwords for this account from this computer: it is locked here for "
			         "up to "
			         "%ld minutes. Log in from another computer, or ask IT to unlock it.",
			         min);
		else if (rc == STATION_LOGIN_LOCKED_ADDRESS && r->lang_ja)
			snprintf(msg, sizeof(msg),
			         "このコンピューターからのログイン失敗が多すぎるため、ここからのログインは最大 %ld "
			         "分間ロックされています。システム管理者に解除を依頼するか、別のコンピューターを使って"
			         "ください。",
			         min);
		else if (rc == STATION_LOGIN_LOCKED_ADDRESS)
			snprintf(msg, sizeof(msg),
			         "Too many failed logins from this computer: logins from it are locked for up to %ld "
			         "minutes. Ask IT to unlock it, or use another computer.",
			         min);
		else if (r->lang_ja)
			snprintf(msg, sizeof(msg),
			         "複数のコンピューターからこのアカウントへのログイン失敗が続いています。%d "
			         "秒待ってからもう一度ログインしてください。",
			         wait_s);
		else
			snprintf(msg, sizeof(msg),
			         "Many failed logins for this account from several computers: wait %d seconds and try "
			         "again.",
			         wait_s);
		if (rc == STATION_LOGIN_WAIT) {
			snprintf(p->retry_buf, sizeof(p->retry_buf), "%d", wait_s);
			p->retry_after = p->retry_buf;
		}
		station_page_login(r, p, msg, 429);
	} else if (rc == STATION_LOGIN_BAD) {
		station_page_login(r, p, T_("Wrong user name or password.", "ユーザー名またはパスワードが違います。"),
		                   401);
	} else {
		station_page_error(r, p, 500, T_("The login could not be checked.", "ログインを確認できません。"));
	}
done:
	buf_wipe(&pass);
	buf_release(&user);
	buf_release(&csrf);
}

static int csrf_ok(struct station_req *r)
{
	struct buf c = {0};
	int ok = form_field(r, "csrf", &c) == 1 && station_token_eq(c.data, r->sess.csrf);
	buf_release(&c);
	if (!ok)
		station_audit(&r->st->auth, r->sess.user, "denied", NULL, r->path, r->address, "csrf");
	return ok;
}

void station_route(struct station_req *r, struct station_resp *p, const char *cookies)
{
	int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
	int post = !strcmp(r->method, "POST");
	const char *path = r->path;
	if (!get && !post) {
		p->status = 405;
		p->type = "text/plain; charset=utf-8";
		buf_adds(&p->body, "method not allowed\n");
		return;
	}
	if (!strcmp(path, "/healthz") && get) {
		healthz(r, p);
		return;
	}
	if (!strcmp(path, "/login")) {
		if (post)
			do_login(r, p, cookies);
		else if (r->sess.valid)
			redirect(p, 303, "/search");
		else
			station_page_login(r, p, NULL, 200);
		return;
	}
	if (!r->sess.valid) {
		/* No session: no data. Browsers are sent to the login page, which brings them back afterwards. */
		if (!strcmp(path, "/drugs.json")) {
			p->status = 401;
			p->type = "application/json";
			struct json_w w = {.out = &p->body};
			json_obj(&w);
			json_kv_str(&w, "error", T_("log in first", "先にログインしてください"));
			json_end(&w);
		} else if (get && safe_next(path)) {
			/* next = the page asked for with its query (re-encoded), itself encoded as one query value */
			struct buf back = {0}, to = {0};
			buf_adds(&back, path);
			MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &back);
			buf_adds(&to, "/login");
			if (strcmp(back.data, "/search")) {
				buf_adds(&to, "?next=");
				station_url_value(&to, back.data);
			}
			redirect(p, 302, to.data);
			buf_release(&back);
			buf_release(&to);
		} else if (!strcmp(path, "/") || !strcmp(path, "/logout")) {
			redirect(p, 302, "/login");
		} else if (post) {
			station_page_error(r, p, 403, T_("Log in first.", "先にログインしてください。"));
		} else {
			station_page_error(r, p, 404, T_("No such page.", "そのページはありません。"));
		}
		return;
	}
	const char *site = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (site && !strcmp(site, "cross-site")) {
		station_page_error(r, p, 403,
		                   T_("Requests from other sites are refused.", "他のサイトからの要求は拒否します。"));
		return;
	}
	if (post) {
		if (!csrf_ok(r)) {
			station_page_error(r, p, 403,
			                   T_("The form is invalid (CSRF token): reload the page.",
			                      "フォームが無効です (CSRF トークン)。ページを再読み込みしてください。"));
			return;
		}
		if (!strcmp(path, "/logout")) {
			char tok[80];
			if (station_cookie_get(cookies, "lb_session", tok, sizeof(tok)))
				station_session_delete(&r->st->auth, tok);
			station_audit(&r->st->auth, r->sess.user, "logout", NULL, "/logout", r->address, NULL);
			station_add_cookie(p, "lb_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
			                   r->st->tls ? "; Secure" : "");
			redirect(p, 303, "/login");
		} else if (!strcmp(path, "/audit/print")) {
			struct buf page = {0}, pat = {0};
			form_field(r, "page", &page);
			form_field(r, "patient", &pat);
			int rc = station_audit(&r->st->auth, r->sess.user, "print", pat.len ? pat.data : NULL,
			                       page.len ? page.data : "?", r->address, NULL);
			p->status = rc < 0 ? 500 : 204;
			p->type = "text/plain; charset=utf-8";
			buf_release(&page);
			buf_release(&pat);
		} else if (!strcmp(path, "/rx/record")) {
			station_rx_record(r, p);
		} else if (!strncmp(path, "/incident/", 10)) {
			station_incident_post(r, p, path + 10);
		} else if (!strcmp(path, "/backentry/register")) {
			station_page_backentry_register(r, p);
		} else if (!strcmp(path, "/backentry/backlog/mark")) {
			station_backlog_mark(r, p);
		} else {
			station_page_error(r, p, 404, T_("No such page.", "そのページはありません。"));
		}
		return;
	}
	if (!strcmp(path, "/") || !strcmp(path, "/logout"))
		redirect(p, 302, "/search");
	else if (!strcmp(path, "/search"))
		station_page_search(r, p);
	else if (!strncmp(path, "/patient/", 9) && path[9])
		station_page_patient(r, p, path + 9);
	else if (!strcmp(path, "/census"))
		station_page_census(r, p);
	else if (!strcmp(path, "/appointments"))
		station_page_appointments(r, p);
	else if (!strcmp(path, "/drugs"))
		station_page_drugs(r, p);
	else if (!strcmp(path, "/drugs.json"))
		station_drugs_json(r, p);
	else if (!strcmp(path, "/rx/check"))
		station_page_rx_check(r, p);
	else if (!strcmp(path, "/barcode"))
		station_page_barcode(r, p);
	else if (!strcmp(path, "/print"))
		station_page_print(r, p);
	else if (!strncmp(path, "/print/", 7))
		station_print_pdf(r, p, path + 7);
	else if (!strcmp(path, "/incident"))
		station_page_incident(r, p);
	else if (!strcmp(path, "/incident/timeline"))
		station_page_incident_timeline(r, p);
	else if (!strcmp(path, "/backentry/register"))
		station_page_backentry_register(r, p);
	else if (!strcmp(path, "/backentry/backlog"))
		station_page_backlog(r, p);
	else
		station_page_error(r, p, 404, T_("No such page.", "そのページはありません。"));
}
