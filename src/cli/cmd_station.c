/*
 * cmd_station.c - `lifeboat station`: the ward's downtime web station, and `lifeboat user` for its accounts.
 *
 *   station --db F --listen ADDR:PORT [--tls-cert C --tls-key K] [--lang ja|en] …   serve until SIGINT/SIGTERM
 *   station audit --db F [--user U] [--patient P] [--json]                           the access log
 *   user add --db F --name N --role R      (password on stdin)
 *   user del --db F --name N
 *   user list --db F [--json]
 */
#include "cli.h"
#include "station/station.h"
#include "store/store.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int count_user(void *ctx, const char *name, const char *role, const char *created)
{
	(void)name;
	(void)role;
	(void)created;
	(*(int *)ctx)++;
	return 0;
}

static int station_serve(int argc, char **argv)
{
	const char *db = NULL, *listen = NULL, *cert = NULL, *key = NULL, *lang = NULL, *idle = NULL, *stale = NULL;
	long threads = 4, failures = 5;
	int code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE",
	         "the clinical store (read-only); users and the access log are in FILE.station",
	         "臨床データストア (読み取り専用)。利用者とアクセス記録は FILE.station"},
	        {LB_OPT_STRING, 0, "listen", &listen, "ADDR:PORT",
	         "where to listen: 127.0.0.1:8080, [::1]:8080 (port 0: any free port)",
	         "待ち受けアドレス: 127.0.0.1:8080 など (ポート 0 は空きポート)"},
	        {LB_OPT_STRING, 0, "tls-cert", &cert, "PEM", "serve HTTPS with this certificate", "HTTPS の証明書"},
	        {LB_OPT_STRING, 0, "tls-key", &key, "PEM", "… and this private key", "HTTPS の秘密鍵"},
	        {LB_OPT_STRING, 0, "lang", &lang, "ja|en", "default page language (default ja)",
	         "画面の既定言語 (既定 ja)"},
	        {LB_OPT_INT, 0, "threads", &threads, "N", "worker threads (default 4)", "処理スレッド数 (既定 4)", 1,
	         16},
	        {LB_OPT_STRING, 0, "idle", &idle, "DURATION", "log out after this long idle (default 15m)",
	         "無操作でログアウトするまでの時間 (既定 15m)"},
	        {LB_OPT_INT, 0, "max-failures", &failures, "N",
	         "failed logins of a user before a 15-minute lockout (default 5; an address gets 4 times as many)",
	         "ロックまでのログイン失敗回数 (既定 5、同一アドレスは 4 倍)", 1, 1000},
	        {LB_OPT_STRING, 0, "stale", &stale, "DURATION", "warn loudly when the data is older (default 24h)",
	         "データがこれより古いと警告 (既定 24h)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat station --db FILE --listen ADDR:PORT [--tls-cert PEM --tls-key PEM] [--lang ja|en]\n"
	        "       lifeboat station audit --db FILE [--user U] [--patient P] [--json]\n"
	        "       lifeboat station refresh --db FILE --from-dir DIR [--generation NAME]",
	        "Serve the downtime station: patient search with same-name warnings, the patient page (allergies "
	        "first),\n"
	        "ward census and the outpatient call list (CSV for the call team), read-only from the clinical store.\n"
	        "Every page needs a login (lifeboat user add); every view is in the access log (station audit).\n"
	        "Prints 'listening on URL' and serves until SIGINT or SIGTERM. GET /healthz answers without login.",
	        "ダウンタイム参照端末を起動します。同姓同名警告つきの患者検索、患者画面 "
	        "(アレルギーを先頭に)、病棟一覧、\n"
	        "外来予約の連絡リスト (CSV) "
	        "を臨床データストアから読み取り専用で表示します。すべての画面にログインが必要で\n"
	        "(lifeboat user add)、閲覧はすべて記録されます (station audit)。'listening on URL' を表示し、SIGINT "
	        "か\n"
	        "SIGTERM まで動きます。GET /healthz はログインなしで応答します。",
	        "  lifeboat user add --db clinical.db --name nurse1 --role nurse < password.txt\n"
	        "  lifeboat station --db clinical.db --listen 127.0.0.1:8080\n"
	        "  lifeboat station audit --db clinical.db --patient 0001000004"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "不要な引数 '%s'"), argv[i]);
	if (!db || !listen)
		return cli_usage(L_("station needs --db FILE and --listen ADDR:PORT",
		                    "station には --db FILE と --listen ADDR:PORT が必要です"));
	if (lang && strcmp(lang, "ja") && strcmp(lang, "en"))
		return cli_usage(L_("--lang is ja or en, not '%s'", "--lang は ja か en です ('%s' は不可)"), lang);
	struct station_opts o = {.db = db,
	                         .listen = listen,
	                         .tls_cert = cert,
	                         .tls_key = key,
	                         .lang_en = lang && !strcmp(lang, "en"),
	                         .threads = (int)threads,
	                         .max_failures = (int)failures};
	if (idle && lb_parse_duration(idle, &o.idle_ms) < 0)
		return cli_usage(L_("bad --idle '%s' (15m, 1h …)", "--idle '%s' が不正です (15m, 1h …)"), idle);
	if (stale && lb_parse_duration(stale, &o.stale_ms) < 0)
		return cli_usage(L_("bad --stale '%s' (24h, 3d …)", "--stale '%s' が不正です (24h, 3d …)"), stale);
	/* Signals are taken by sigwait below; the server's threads inherit the mask and never see them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	struct station *st;
	int rc = station_start(&st, &o);
	if (rc < 0)
		return cli_error(rc);
	int hl = (int)(strrchr(listen, ':') - listen);
	int users = 0;
	if (station_user_list(db, count_user, &users) == 0 && users == 0)
		fprintf(stderr, "lifeboat: %s: lifeboat user add --db %s --name NAME --role ROLE\n",
		        L_("nobody can log in yet; add a user", "ログインできる利用者がいません。追加してください"),
		        db);
	printf("listening on %s://%.*s:%d/\n", cert ? "https" : "http", hl ? hl : 7, hl ? listen : "0.0.0.0",
	       station_port(st));
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "lifeboat: %s\n", L_("stopping the station", "端末を停止します"));
	station_stop(st);
	return LB_EXIT_OK;
}

struct audit_ctx {
	struct buf *out;
	struct json_w *w;
	long n;
};

static int audit_row(void *ctx, const struct station_audit_entry *e)
{
	struct audit_ctx *a = ctx;
	a->n++;
	if (a->w) {
		json_obj(a->w);
		json_kv_int(a->w, "id", e->id);
		json_kv_str(a->w, "time", e->time);
		json_kv_str(a->w, "user", e->user);
		json_kv_str(a->w, "action", e->action);
		json_kv_str(a->w, "patient", e->patient);
		json_kv_str(a->w, "page", e->page);
		json_kv_str(a->w, "address", e->address);
		json_kv_str(a->w, "detail", e->detail);
		json_end(a->w);
	} else {
		buf_addf(a->out, "%s%s  %-12s %-13s %-12s %s  %s%s%s", a->n > 1 ? "\n" : "", e->time,
		         e->user[0] ? e->user : "-", e->action, e->patient ? e->patient : "-", e->page ? e->page : "-",
		         e->address ? e->address : "-", e->detail ? "  " : "", e->detail ? e->detail : "");
	}
	return 0;
}

static int station_audit_cmd(int argc, char **argv)
{
	const char *db = NULL, *user = NULL, *patient = NULL;
	int json = 0, verify = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_FLAG, 0, "verify", &verify, NULL,
	         "check the hash chain of the whole trail (exit 1 when broken)",
	         "記録全体のハッシュ連鎖を検証 (改ざんがあれば終了コード 1)"},
	        {LB_OPT_STRING, 0, "user", &user, "NAME", "only this user's entries", "この利用者の記録のみ"},
	        {LB_OPT_STRING, 0, "patient", &patient, "ID", "only entries about this patient", "この患者の記録のみ"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print a JSON array", "JSON 配列で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat station audit --db FILE [--user U] [--patient P] [--json]\n"
	        "       lifeboat station audit --db FILE --verify [--json]",
	        "List the station's access log, oldest first: time (UTC), user, action (login, login-failed,\n"
	        "login-locked, logout, search, view, census, appointments, export, print, denied), patient, page,\n"
	        "address and detail. The log is append-only: the database refuses to change or delete entries, and "
	        "each\n"
	        "entry is chained to the one before by a hash: --verify recomputes the chain (exit 1 when broken) and\n"
	        "prints its head, to be written down so that a cut-off end shows too.",
	        "端末のアクセス記録を古い順に表示します: 時刻 (UTC)、利用者、操作、患者、画面、アドレス、詳細。\n"
	        "記録は追記のみで、変更・削除はデータベースが拒否します。各記録は直前の記録とハッシュで連結され、\n"
	        "--verify で連鎖を検証します (改ざんがあれば終了コード 1)。表示される末尾ハッシュを控えておくと、\n"
	        "末尾の削除も検出できます。",
	        "  lifeboat station audit --db clinical.db --patient 0001000004\n"
	        "  lifeboat station audit --db clinical.db --user nurse1 --json\n"
	        "  lifeboat station audit --db clinical.db --verify"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db)
		return cli_usage(L_("station audit needs --db FILE", "station audit には --db FILE が必要です"));
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "不要な引数 '%s'"), argv[i]);
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (verify) {
		int64_t n, bad;
		char head[65];
		int rc = station_audit_verify(db, &n, head, &bad);
		if (rc < 0)
			return cli_error(rc);
		if (json) {
			json_obj(&w);
			json_kv_bool(&w, "intact", rc == 0);
			json_kv_int(&w, "entries", n);
			json_kv_str(&w, "head", rc == 0 ? head : NULL);
			json_key(&w, "bad_id");
			if (rc)
				json_int(&w, bad);
			else
				json_null(&w);
			json_end(&w);
		} else if (rc == 0) {
			buf_addf(&out, "%s: %lld %s, %s %s",
			         L_("audit trail intact", "アクセス記録は改ざんされていません"), (long long)n,
			         L_("entries", "件"), L_("head", "末尾ハッシュ"), head[0] ? head : "-");
		} else {
			buf_addf(&out, "%s %lld %s",
			         L_("AUDIT TRAIL BROKEN at entry", "アクセス記録の改ざんを検出: 記録"), (long long)bad,
			         L_("(changed, or the entry before it removed)", "(変更、または直前の記録の削除)"));
		}
		int prc = cli_print(&out);
		buf_release(&out);
		return prc ? prc : rc ? LB_EXIT_FINDING : LB_EXIT_OK;
	}
	struct audit_ctx a = {.out = &out, .w = json ? &w : NULL};
	if (json)
		json_arr(&w);
	int rc = station_audit_each(db, user, patient, audit_row, &a);
	if (rc < 0) {
		buf_release(&out);
		return cli_error(rc);
	}
	if (json)
		json_end(&w);
	int prc = out.len ? cli_print(&out) : 0;
	buf_release(&out);
	return prc;
}

static int station_refresh_cmd(int argc, char **argv)
{
	const char *db = NULL, *dir = NULL, *vault = NULL, *gen = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_STRING, 0, "from-dir", &dir, "DIR",
	         "a restored export tree: DIR/ssmix2, DIR/fhir, DIR/appointments.csv, DIR/drugs.csv",
	         "復元した出力: DIR/ssmix2, DIR/fhir, DIR/appointments.csv, DIR/drugs.csv"},
	        {LB_OPT_STRING, 0, "from-vault", &vault, "REPO", "(not yet: comes with the vault)",
	         "(未実装: vault の統合後)"},
	        {LB_OPT_STRING, 0, "generation", &gen, "NAME",
	         "the source generation shown on every page (default: DIR's name)",
	         "画面に表示する元データの世代 (既定: DIR の名前)"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print the result as JSON", "結果を JSON で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat station refresh --db FILE --from-dir DIR [--generation NAME] [--json]",
	        "Load a restored export tree into a new store beside FILE and swap it in atomically (rename). A "
	        "running\n"
	        "station moves to the new data within a second without failing a request; users and the access log "
	        "are\n"
	        "kept. A tree that gives no patient is refused and FILE is left as it was. --from-vault (the latest\n"
	        "clean vault generation) comes when the vault is merged: until then restore it and use --from-dir.",
	        "復元した電子カルテ出力を FILE の隣に新しいストアとして取り込み、rename "
	        "で一度に入れ替えます。動作中の\n"
	        "端末は 1 秒以内に要求を失敗させずに新しいデータへ移ります。利用者とアクセス記録は残ります。患者が 1 "
	        "人も\n"
	        "いない出力は拒否し、FILE は変わりません。--from-vault は vault の統合後に対応します "
	        "(それまでは復元して\n"
	        "--from-dir を使用)。",
	        "  lifeboat vault restore --repo /mnt/vault latest-clean --target /srv/restore\n"
	        "  lifeboat station refresh --db clinical.db --from-dir /srv/restore --generation 3f2a9c1e"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (vault)
		return cli_usage(L_("--from-vault is not available yet: restore the generation and use --from-dir",
		                    "--from-vault はまだ使えません。世代を復元して --from-dir を使ってください"));
	if (!db || !dir)
		return cli_usage(L_("station refresh needs --db FILE and --from-dir DIR",
		                    "station refresh には --db と --from-dir が必要です"));
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "不要な引数 '%s'"), argv[i]);
	char *d = lb_strdup(dir), *base = strrchr(d, '/');
	while (base && !base[1] && base > d) {
		*base = 0;
		base = strrchr(d, '/');
	}
	struct store_ingest_stats st;
	int rc = station_refresh(db, dir, gen ? gen : base ? base + 1 : d, &st);
	free(d);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "status", "swapped");
		json_kv_int(&w, "patients", st.patients);
		json_kv_int(&w, "files_loaded", st.files_loaded);
		json_kv_int(&w, "warnings", st.warnings);
		json_end(&w);
	} else {
		buf_addf(&out, "%s: %ld %s, %ld %s", L_("store swapped", "ストアを入れ替えました"), st.patients,
		         L_("patients", "名"), st.warnings, L_("warnings", "件の警告"));
	}
	int prc = cli_print(&out);
	buf_release(&out);
	return prc;
}

int cmd_station(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "audit"))
		return station_audit_cmd(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "refresh"))
		return station_refresh_cmd(argc - 1, argv + 1);
	return station_serve(argc, argv);
}

/* ---- user ---------------------------------------------------------------------------------------------------- */

static int user_add(int argc, char **argv)
{
	const char *db = NULL, *name = NULL, *role = NULL;
	int code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_STRING, 0, "name", &name, "NAME", "login name", "ログイン名"},
	        {LB_OPT_STRING, 0, "role", &role, "ROLE", "doctor, nurse, pharmacist, clerk or admin",
	         "doctor, nurse, pharmacist, clerk, admin"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat user add --db FILE --name NAME --role ROLE  < password",
	        "Add a station user. The password (8 bytes or more) is read from standard input, never from the\n"
	        "command line, and stored as an Argon2id hash in FILE.station.",
	        "端末の利用者を追加します。パスワード (8 バイト以上) は標準入力から読み (コマンド行には書きません)、\n"
	        "Argon2id のハッシュとして FILE.station に保存します。",
	        "  printf '%s\\n' \"$PW\" | lifeboat user add --db clinical.db --name nurse1 --role nurse"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db || !name || !role)
		return cli_usage(
		        L_("user add needs --db, --name and --role", "user add には --db, --name, --role が必要です"));
	if (!station_role_valid(role))
		return cli_usage(L_("no role '%s' (roles: %s)", "ロール '%s' はありません (%s)"), role, STATION_ROLES);
	struct buf pw = {0};
	int rc = lb_secret_read_stdin(&pw, L_("password: ", "パスワード: "));
	if (rc == 0)
		rc = station_user_add(db, name, role, buf_cstr(&pw));
	buf_wipe(&pw);
	if (rc < 0)
		return cli_error(rc);
	fprintf(stderr, "lifeboat: %s '%s' (%s)\n", L_("added user", "利用者を追加しました"), name, role);
	return LB_EXIT_OK;
}

static int user_del(int argc, char **argv)
{
	const char *db = NULL, *name = NULL;
	int code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_STRING, 0, "name", &name, "NAME", "login name", "ログイン名"},
	        {0},
	};
	static const struct lb_cmd_help help = {"lifeboat user del --db FILE --name NAME",
	                                        "Delete a station user and end their sessions at once.",
	                                        "端末の利用者を削除し、そのセッションを直ちに終了します。",
	                                        "  lifeboat user del --db clinical.db --name nurse1"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db || !name)
		return cli_usage(L_("user del needs --db and --name", "user del には --db と --name が必要です"));
	int rc = station_user_del(db, name);
	return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
}

struct list_ctx {
	struct buf *out;
	struct json_w *w;
	int n;
};

static int list_row(void *ctx, const char *name, const char *role, const char *created)
{
	struct list_ctx *l = ctx;
	if (l->w) {
		json_obj(l->w);
		json_kv_str(l->w, "name", name);
		json_kv_str(l->w, "role", role);
		json_kv_str(l->w, "created", created);
		json_end(l->w);
	} else {
		buf_addf(l->out, "%s%-20s %-11s %s", l->n ? "\n" : "", name, role, created);
	}
	l->n++;
	return 0;
}

static int user_list(int argc, char **argv)
{
	const char *db = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print a JSON array", "JSON 配列で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {"lifeboat user list --db FILE [--json]",
	                                        "List station users: name, role, when added.",
	                                        "端末の利用者を一覧表示します (名前、ロール、追加日時)。",
	                                        "  lifeboat user list --db clinical.db --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db)
		return cli_usage(L_("user list needs --db", "user list には --db が必要です"));
	struct buf out = {0};
	struct json_w w = {.out = &out};
	struct list_ctx l = {.out = &out, .w = json ? &w : NULL};
	if (json)
		json_arr(&w);
	int rc = station_user_list(db, list_row, &l);
	if (rc < 0) {
		buf_release(&out);
		return cli_error(rc);
	}
	if (json)
		json_end(&w);
	int prc = out.len ? cli_print(&out) : 0;
	buf_release(&out);
	return prc;
}

int cmd_user(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"add", user_add, "add a station user (password on stdin)",
	         "端末の利用者を追加 (パスワードは標準入力)"},
	        {"del", user_del, "delete a station user", "端末の利用者を削除"},
	        {"list", user_list, "list station users", "端末の利用者を一覧表示"},
	        {0},
	};
	return cli_dispatch(argc, argv, "user", subs);
}
