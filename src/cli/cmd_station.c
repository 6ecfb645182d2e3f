/*
 * cmd_station.c - `lifeboat station`: the ward's downtime web station, and `lifeboat user` for its accounts.
 *
 *   station --db F --listen ADDR:PORT [--tls-cert C --tls-key K] [--lang ja|en] …   serve until SIGINT/SIGTERM
 *   station audit --db F [--user U] [--patient P] [--json]                           the access log
 *   user add --db F --name N --role R [--team T]      (password on stdin)
 *   user team --db F --name N (--team T | --none)
 *   user del --db F --name N
 *   user list --db F [--json]
 *   user unlock --db F (--name N | --address A | both)
 */
#include "cli.h"
#include "cli_vault.h"
#include "incident/incident.h"
#include "station/station.h"
#include "store/store.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int count_user(void *ctx, const char *name, const char *role, const char *team, const char *created)
{
	(void)name;
	(void)role;
	(void)team;
	(void)created;
	(*(int *)ctx)++;
	return 0;
}

static int station_serve(int argc, char **argv)
{
	const char *db = NULL, *listen = NULL, *cert = NULL, *key = NULL, *lang = NULL, *idle = NULL, *stale = NULL;
	const char *incident = NULL;
	long threads = 4, failures = 5, per_address = 64;
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
	        {LB_OPT_INT, 0, "max-per-address", &per_address, "N",
	         "connections at once from one address (default 64; raise it for a terminal server many wards share)",
	         "1 アドレスからの同時接続数の上限 (既定 64。多くの病棟が共有する端末サーバーでは増やす)", 1, 1000},
	        {LB_OPT_STRING, 0, "incident", &incident, "FILE",
	         "the incident file of the headquarters board and the decisions banner (default: incident.db next to "
	         "--db)",
	         "対策本部ボードと決定バナーのインシデント記録ファイル (既定: --db の隣の incident.db)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat station --db FILE --listen ADDR:PORT [--tls-cert PEM --tls-key PEM] [--lang ja|en]\n"
	        "                 [--incident FILE]\n"
	        "       lifeboat station audit --db FILE [--user U] [--patient P] [--json]\n"
	        "       lifeboat station refresh --db FILE --from-dir DIR [--generation NAME]",
	        "Serve the downtime station: patient search with same-name warnings, the patient page (allergies "
	        "first),\n"
	        "ward census and the outpatient call list (CSV for the call team), read-only from the clinical store;\n"
	        "the safety checks paper lost (three-character drug search, prescription check, bedside barcode\n"
	        "check) and print buttons (forms, ward packs, a patient's wristbands and order labels as PDF).\n"
	        "Every page needs a login (lifeboat user add); every view is in the access log (station audit).\n"
	        "Prints 'listening on URL' and serves until SIGINT or SIGTERM. GET /healthz answers without login.",
	        "ダウンタイム参照端末を起動します。同姓同名警告つきの患者検索、患者画面 "
	        "(アレルギーを先頭に)、病棟一覧、\n"
	        "外来予約の連絡リスト (CSV) "
	        "を臨床データストアから読み取り専用で表示します。薬品検索 (3 文字)、処方チェック、\n"
	        "ベッドサイドのバーコード照合と、帳票 (用紙・病棟一式・リストバンド・ラベル) の PDF 印刷も行えます。\n"
	        "すべての画面にログインが必要で\n"
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
	                         .max_failures = (int)failures,
	                         .per_address = (int)per_address,
	                         .incident = incident};
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
		fprintf(stderr, /* i18n-ok: the program name */
		        "lifeboat: %s: lifeboat user add --db %s --name NAME --role ROLE\n",
		        L_("nobody can log in yet; add a user", "ログインできる利用者がいません。追加してください"),
		        db);
	printf("listening on %s://%.*s:%d/\n", cert ? "https" : "http", hl ? hl : 7, hl ? listen : "0.0.0.0",
	       station_port(st));
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s\n",
	        L_("stopping the station", "端末を停止します"));
	station_stop(st);
	return LB_EXIT_OK;
}

/* The end of a listing (audit, user list): rc is the listing's result; w, when JSON, has the array open. Closes it,
 * prints what was written and releases out. */
static int list_done(int rc, struct buf *out, struct json_w *w)
{
	if (rc < 0) {
		buf_release(out);
		return cli_error(rc);
	}
	if (w)
		json_end(w);
	int prc = out->len ? cli_print(out) : 0;
	buf_release(out);
	return prc;
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
	        "login-locked, login-delayed, unlock, logout, search, view, census, appointments, export, print, "
	        "denied, and the safety\n"
	        "checks drug-search, rx-check, barcode with their result in the detail), patient, page, address and\n"
	        "detail. The log is append-only: the database refuses to change or delete entries, and "
	        "each\n"
	        "entry is chained to the one before by a hash: --verify recomputes the chain (exit 1 when broken) and\n"
	        "prints its head, to be written down so that a cut-off end shows too.",
	        "端末のアクセス記録を古い順に表示します: 時刻 (UTC)、利用者、操作、患者、画面、アドレス、詳細。\n"
	        "安全確認 (drug-search 薬品検索, rx-check 処方チェック, barcode バーコード照合) "
	        "は結果を詳細に記録します。\n"
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
				json_null_value(&w);
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
	return list_done(station_audit_each(db, user, patient, audit_row, &a), &out, a.w);
}

/* The status of generation id, or 0 if it is not listed. */
static enum vault_status generation_status(struct vault *v, const char *id, char **first_path)
{
	struct vault_snap_list l = {0};
	enum vault_status st = 0;
	if (vault_snapshots(v, &l) < 0)
		return 0;
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.v[i].id, id)) {
			st = l.v[i].status;
			if (first_path && l.v[i].paths.n == 1)
				*first_path = lb_strdup(l.v[i].paths.v[0]);
		}
	vault_snap_list_release(&l);
	return st;
}

/*
 * Restore generation spec (latest-clean unless named) of the vault into a new folder beside db, load the export
 * tree it holds into the station's store, and remove the folder. A suspect generation is never loaded.
 */
static int refresh_from_vault(const char *db, const struct cv_common *c, const char *spec, const char *path,
                              struct store_ingest_stats *st, char gen[65], int *code)
{
	struct vault *v = NULL;
	char *only = NULL;
	struct buf tmp = {0}, dir = {0};
	int rc = 0;
	if ((*code = cv_open(c, &v)) != 0)
		return 1;
	if ((rc = vault_resolve(v, spec, gen)) < 0)
		goto out;
	enum vault_status status = generation_status(v, gen, &only);
	if (status == VAULT_SUSPECT) {
		fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s %.8s %s\n", L_("generation", "世代"), gen,
		        L_("is suspect (taken of encrypted data?): not loaded; an admin may release it with 'vault "
		           "review "
		           "--mark clean'",
		           "は疑わしい (暗号化済みのデータ?) ため読み込みません。管理者が 'vault review --mark clean' "
		           "で解除できます"));
		*code = LB_EXIT_FINDING;
		goto out;
	}
	if (path) {
		free(only);
		only = lb_strdup(path);
	} else if (!only) {
		rc = lb_error_tr(LB_EUSAGE, "generation %.8s holds several paths: name the export tree with --path",
		                 "世代 %.8s には複数のパスがあります: --path で出力ツリーを指定してください", gen);
		goto out;
	}
	buf_addf(&tmp, "%s.restore-XXXXXX", db);
	if (!mkdtemp(tmp.data)) {
		rc = lb_error_errno_tr(errno, "cannot create a folder beside '%s'", "'%s' の隣にフォルダを作れません",
		                       db);
		goto out;
	}
	struct lb_progress prog = {.label = L_("restore", "復元"), .bytes = 1};
	struct vault_restore_opts ro = {.snapshot = gen, .target = tmp.data, .subpath = only, .progress = &prog};
	struct vault_restore_result rr = {0};
	rc = vault_restore(v, &ro, &rr);
	lb_progress_done(&prog);
	if (rc == 0) {
		lb_path_join(&dir, tmp.data, only);
		char short_id[9];
		snprintf(short_id, sizeof(short_id), "%.8s", gen);
		rc = station_refresh(db, dir.data, short_id, st);
	}
	int rm = lb_rmtree(tmp.data);
	if (rc == 0)
		rc = rm;
out:
	if (rc < 0)
		*code = cli_error(rc);
	vault_close(v);
	free(only);
	buf_release(&tmp);
	buf_release(&dir);
	return *code != 0;
}

static int station_refresh_cmd(int argc, char **argv)
{
	const char *db = NULL, *dir = NULL, *gen = NULL, *snapshot = NULL, *path = NULL;
	struct cv_common c = {0};
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_STRING, 0, "from-dir", &dir, "DIR",
	         "a restored export tree: DIR/ssmix2, DIR/fhir, DIR/appointments.csv, DIR/drugs.csv",
	         "復元した出力: DIR/ssmix2, DIR/fhir, DIR/appointments.csv, DIR/drugs.csv"},
	        {LB_OPT_STRING, 0, "from-vault", &c.repo, "REPO",
	         "restore the latest clean generation of this vault (or a URL) and load it",
	         "このボルト (または URL) の最新のきれいな世代を復元して読み込む"},
	        {LB_OPT_STRING, 0, "key", &c.key, "F", "vault key file (an admin key; writer keys cannot read back)",
	         "ボルトの鍵ファイル (管理者鍵。ライター鍵では読めません)"},
	        {LB_OPT_STRING, 0, "passphrase-file", &c.pass_file, "F",
	         "read the vault passphrase from F (else LIFEBOAT_PASSPHRASE or the terminal)",
	         "ボルトのパスフレーズを F から読む (なければ LIFEBOAT_PASSPHRASE か端末)"},
	        {LB_OPT_STRING, 0, "snapshot", &snapshot, "SNAP",
	         "the generation to load (default latest-clean; a suspect one is refused)",
	         "読み込む世代 (既定 latest-clean。疑わしい世代は拒否)"},
	        {LB_OPT_STRING, 0, "path", &path, "P",
	         "the export tree inside the generation (default: the one path it was taken of)",
	         "世代の中の出力フォルダ (既定: 世代が取られた唯一のパス)"},
	        {LB_OPT_STRING, 0, "generation", &gen, "NAME",
	         "with --from-dir: the source generation shown on every page (default: DIR's name)",
	         "--from-dir のとき画面に表示する元データの世代 (既定: DIR の名前)"},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print the result as JSON", "結果を JSON で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat station refresh --db FILE (--from-vault REPO [--snapshot SNAP] [--path P] | --from-dir DIR) "
	        "[--json]",
	        "Load the newest clean data into a new store beside FILE and swap it in atomically (rename). With\n"
	        "--from-vault, the latest clean generation is restored into a folder beside FILE, loaded and removed; "
	        "a\n"
	        "suspect generation is never loaded (exit 1). A running station moves to the new data within a second\n"
	        "without failing a request; users and the access log are kept. A tree that gives no patient is "
	        "refused\n"
	        "and FILE is left as it was.",
	        "最新のきれいなデータを FILE の隣に新しいストアとして取り込み、rename で一度に入れ替えます。\n"
	        "--from-vault ではボルトの最新のきれいな世代を FILE の隣に復元して取り込み、復元物は削除します。\n"
	        "疑わしい世代は読み込みません (終了コード 1)。動作中の端末は 1 秒以内に要求を失敗させずに新しい\n"
	        "データへ移ります。利用者とアクセス記録は残ります。患者が 1 人もいない出力は拒否し、FILE "
	        "は変わりません。",
	        "  lifeboat station refresh --db clinical.db --from-vault /mnt/vault "
	        "--passphrase-file /root/vault.pass\n"
	        "  lifeboat station refresh --db clinical.db --from-dir /srv/restore --generation 3f2a9c1e"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db || (!dir == !c.repo))
		return cli_usage(
		        L_("station refresh needs --db FILE and one of --from-vault REPO or --from-dir DIR",
		           "station refresh には --db と、--from-vault か --from-dir のどちらか一方が必要です"));
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "不要な引数 '%s'"), argv[i]);
	struct store_ingest_stats st;
	char generation[65] = "", snap_id[65] = "";
	if (c.repo) {
		if (refresh_from_vault(db, &c, snapshot ? snapshot : "latest-clean", path, &st, snap_id, &code))
			return code;
		snprintf(generation, sizeof(generation), "%.8s", snap_id); /* as the banner shows it */
	} else {
		char *d = lb_strdup(dir), *base = strrchr(d, '/');
		while (base && !base[1] && base > d) {
			*base = 0;
			base = strrchr(d, '/');
		}
		snprintf(generation, sizeof(generation), "%s", gen ? gen : base ? base + 1 : d);
		int rc = station_refresh(db, dir, generation, &st);
		free(d);
		if (rc < 0)
			return cli_error(rc);
	}
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "status", "swapped");
		json_kv_str(&w, "generation", generation);
		if (snap_id[0])
			json_kv_str(&w, "snapshot", snap_id);
		json_kv_int(&w, "patients", st.patients);
		json_kv_int(&w, "files_loaded", st.files_loaded);
		json_kv_int(&w, "warnings", st.warnings);
		json_end(&w);
	} else {
		buf_addf(&out, "%s (%s %s): %ld %s, %ld %s", L_("store swapped", "ストアを入れ替えました"),
		         L_("generation", "世代"), generation, st.patients, L_("patients", "名"), st.warnings,
		         L_("warnings", "件の警告"));
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
	const char *db = NULL, *name = NULL, *role = NULL, *team = NULL;
	int code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_STRING, 0, "name", &name, "NAME", "login name", "ログイン名"},
	        {LB_OPT_STRING, 0, "role", &role, "ROLE",
	         "doctor, nurse, pharmacist, clerk, admin or hq (headquarters)",
	         "doctor, nurse, pharmacist, clerk, admin, hq (対策本部)"},
	        {LB_OPT_STRING, 0, "team", &team, "TEAM",
	         "the incident team the user belongs to: hq, recovery, liaison, patients, records or safety",
	         "所属する班: hq 対策本部, recovery 復旧班, liaison 広報・渉外班, patients 患者対応班, records 診療録, "
	         "safety 医療安全"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat user add --db FILE --name NAME --role ROLE [--team TEAM]  < password",
	        "Add a station user. The password (8 bytes or more) is read from standard input, never from the\n"
	        "command line, and stored as an Argon2id hash in FILE.station. The role hq (headquarters) and admin\n"
	        "declare an incident, change its phase and decide on the board (/incident); --team puts the user in a\n"
	        "team of the response organisation, whose action cards they complete.",
	        "端末の利用者を追加します。パスワード (8 バイト以上) は標準入力から読み (コマンド行には書きません)、\n"
	        "Argon2id のハッシュとして FILE.station に保存します。ロール hq (対策本部) と admin は対策本部ボード\n"
	        "(/incident) でインシデントの宣言・フェーズ変更・決定を行えます。--team は対応組織の班で、その班の\n"
	        "アクションカードを完了できます。",
	        "  printf '%s\\n' \"$PW\" | lifeboat user add --db clinical.db --name nurse1 --role nurse\n"
	        "  printf '%s\\n' \"$PW\" | lifeboat user add --db clinical.db --name se1 --role clerk --team "
	        "recovery"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db || !name || !role)
		return cli_usage(
		        L_("user add needs --db, --name and --role", "user add には --db, --name, --role が必要です"));
	if (!station_role_valid(role))
		return cli_usage(L_("no role '%s' (roles: %s)", "ロール '%s' はありません (%s)"), role, STATION_ROLES);
	if (team && incident_team_parse(team) < 0)
		return cli_usage(L_("no team '%s' (teams: %s)", "班 '%s' はありません (%s)"), team, STATION_TEAMS);
	struct buf pw = {0};
	int rc = lb_secret_read_stdin(&pw, L_("password: ", "パスワード: "));
	if (rc == 0)
		rc = station_user_add_team(db, name, role, team, buf_cstr(&pw));
	buf_wipe(&pw);
	if (rc < 0)
		return cli_error(rc);
	fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s '%s' (%s%s%s)\n",
	        L_("added user", "利用者を追加しました"), name, role, team ? ", " : "",
	        team ? incident_team_name(incident_team_parse(team)) : "");
	return LB_EXIT_OK;
}

static int user_team(int argc, char **argv)
{
	const char *db = NULL, *name = NULL, *team = NULL;
	int none = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_STRING, 0, "name", &name, "NAME", "login name", "ログイン名"},
	        {LB_OPT_STRING, 0, "team", &team, "TEAM", "hq, recovery, liaison, patients, records or safety",
	         "hq, recovery, liaison, patients, records, safety"},
	        {LB_OPT_FLAG, 0, "none", &none, NULL, "take the user out of any team", "班の所属を外す"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat user team --db FILE --name NAME (--team TEAM | --none)",
	        "Put a station user in a team of the incident's response organisation (or out of it, --none): the\n"
	        "team's members complete its action cards on the board. Takes effect on the user's next page.",
	        "端末の利用者を対応組織の班に入れます (--none で外す)。班のメンバーはボードでその班のアクション\n"
	        "カードを完了できます。次の画面表示から有効です。",
	        "  lifeboat user team --db clinical.db --name se1 --team recovery"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "不要な引数 '%s'"), argv[i]);
	if (!db || !name || (!team == !none))
		return cli_usage(L_("user team needs --db, --name and --team TEAM or --none",
		                    "user team には --db, --name と --team TEAM または --none が必要です"));
	if (team && incident_team_parse(team) < 0)
		return cli_usage(L_("no team '%s' (teams: %s)", "班 '%s' はありません (%s)"), team, STATION_TEAMS);
	int rc = station_user_set_team(db, name, team);
	if (rc < 0)
		return cli_error(rc);
	fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s '%s': %s\n", L_("team of user", "利用者の班"),
	        name, team ? incident_team_name(incident_team_parse(team)) : L_("none", "なし"));
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

static int user_unlock(int argc, char **argv)
{
	const char *db = NULL, *name = NULL, *address = NULL;
	int code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_STRING, 0, "name", &name, "NAME",
	         "the user to unlock (at every address, and the account's back-off)",
	         "ロックを解除する利用者 (すべてのアドレスと、アカウントの待ち時間)"},
	        {LB_OPT_STRING, 0, "address", &address, "IP",
	         "the computer's address to unlock (with --name: that user there only)",
	         "ロックを解除するコンピューターのアドレス (--name と併用: その利用者のそこでのロックのみ)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat user unlock --db FILE --name NAME [--address IP]\n"
	        "       lifeboat user unlock --db FILE --address IP",
	        "Clear login locks at once, without restarting the station: a user's (at every address, and the\n"
	        "slowing-down of an account many computers failed on), one computer's (--address: the lock after many\n"
	        "failed logins of any users from it), or one user's at one computer (both). The unlock is written\n"
	        "to the access log with who ran it. The station's 'login-locked' entries (station audit --user NAME)\n"
	        "name the address.",
	        "ログインのロックを、端末を再起動せずに直ちに解除します: 利用者のロック (すべてのアドレスと、\n"
	        "多くのコンピューターから失敗したアカウントの待ち時間)、コンピューターのロック (--address: そこからの\n"
	        "多数のログイン失敗によるロック)、または両方を指定してその利用者のそのコンピューターでのロック。\n"
	        "解除は実行者とともにアクセス記録に残ります。ロックされたアドレスは station audit --user NAME の\n"
	        "'login-locked' の記録にあります。",
	        "  lifeboat user unlock --db clinical.db --name nurse1\n"
	        "  lifeboat user unlock --db clinical.db --address 10.1.2.34"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "不要な引数 '%s'"), argv[i]);
	if (!db || (!name && !address))
		return cli_usage(L_("user unlock needs --db and --name, --address or both",
		                    "user unlock には --db と、--name か --address (または両方) が必要です"));
	const struct passwd *pw = getpwuid(getuid());
	long cleared = 0;
	struct buf from = {0};
	int rc = station_user_unlock(db, name, address, pw ? pw->pw_name : "?", &cleared, &from);
	if (rc < 0) {
		buf_release(&from);
		return cli_error(rc);
	}
	fprintf(stderr, /* i18n-ok: the program name */ "lifeboat: %s %s%s%s: %ld %s%s%s%s\n",
	        L_("unlocked", "ロックを解除しました"), name ? name : "", name && address ? " @ " : "",
	        address ? address : "", cleared,
	        L_("failed logins of the last 15 minutes cleared", "件の直近 15 分のログイン失敗を解除"),
	        from.len ? " (" : "", from.len ? from.data : "", from.len ? ")" : "");
	buf_release(&from);
	return LB_EXIT_OK;
}

struct list_ctx {
	struct buf *out;
	struct json_w *w;
	int n;
	const char *db;
	int max_failures;
	int64_t lockout_ms;
	int rc;
};

static int list_row(void *ctx, const char *name, const char *role, const char *team, const char *created)
{
	struct list_ctx *l = ctx;
	struct station_lock_status ls;
	int rc = station_user_lock_status(l->db, name, l->max_failures, l->lockout_ms, &ls);
	if (rc < 0) {
		l->rc = rc;
		return 1;
	}
	struct buf t = {0};
	if (l->w) {
		json_obj(l->w);
		json_kv_str(l->w, "name", name);
		json_kv_str(l->w, "role", role);
		json_key(l->w, "team");
		if (team)
			json_str(l->w, team);
		else
			json_null_value(l->w);
		json_kv_str(l->w, "created", created);
		json_kv_bool(l->w, "locked", ls.nlocked > 0 || ls.backoff_until_ms > 0);
		json_kv_int(l->w, "failures", ls.failures);
		json_kv_int(l->w, "failure_addresses", ls.addresses);
		json_key(l->w, "locked_at");
		json_arr(l->w);
		for (size_t i = 0; i < ls.nlocked; i++) {
			json_obj(l->w);
			json_kv_str(l->w, "address", ls.locked[i].address);
			json_kv_int(l->w, "failures", ls.locked[i].failures);
			buf_reset(&t);
			lb_format_utc(&t, ls.locked[i].until_ms, 0);
			json_kv_str(l->w, "until", t.data);
			json_end(l->w);
		}
		json_end(l->w);
		json_key(l->w, "backoff_until");
		if (ls.backoff_until_ms) {
			buf_reset(&t);
			lb_format_utc(&t, ls.backoff_until_ms, 0);
			json_str(l->w, t.data);
		} else {
			json_null_value(l->w);
		}
		json_end(l->w);
	} else {
		buf_addf(l->out, "%s%-20s %-11s %-9s %s  ", l->n ? "\n" : "", name, role, team ? team : "-", created);
		if (!ls.failures)
			buf_adds(l->out, L_("not locked", "ロックなし"));
		else if (!ls.nlocked && !ls.backoff_until_ms)
			buf_addf(l->out,
			         L_("not locked (%lld failed logins in the window)",
			            "ロックなし (期間内のログイン失敗 %lld 回)"),
			         (long long)ls.failures);
		for (size_t i = 0; i < ls.nlocked; i++) {
			buf_reset(&t);
			lb_format_local(&t, ls.locked[i].until_ms);
			buf_addf(
			        l->out,
			        L_("%sLOCKED at %s until %s (%lld failures)", "%s%s でロック中 %s まで (失敗 %lld 回)"),
			        i ? "; " : "", ls.locked[i].address, t.data, (long long)ls.locked[i].failures);
		}
		if (ls.backoff_until_ms) {
			buf_reset(&t);
			lb_format_local(&t, ls.backoff_until_ms);
			buf_addf(l->out,
			         L_("%sBACK-OFF for new addresses until %s (%lld failures from %lld addresses)",
			            "%s新しいアドレスからは %s まで待機 (%lld 回の失敗、%lld アドレスから)"),
			         ls.nlocked ? "; " : "", t.data, (long long)ls.failures, (long long)ls.addresses);
		}
	}
	buf_release(&t);
	l->n++;
	return 0;
}

static int user_list(int argc, char **argv)
{
	const char *db = NULL;
	int json = 0, code;
	long failures = 0;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "db", &db, "FILE", "the clinical store the station serves",
	         "端末が表示する臨床データストア"},
	        {LB_OPT_INT, 0, "max-failures", &failures, "N",
	         "the station's --max-failures, to judge the locks by (default 5)",
	         "ロックの判定に使う端末の --max-failures (既定 5)", 1, 1000},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "print a JSON array", "JSON 配列で出力"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat user list --db FILE [--max-failures N] [--json]",
	        "List station users: name, role, when added, and the login locks now: each address where the account\n"
	        "is locked and until when (local time), the failed logins of the last 15 minutes, and the back-off "
	        "for\n"
	        "new addresses. 'lifeboat user unlock' clears them.",
	        "端末の利用者を一覧表示します (名前、ロール、追加日時、現在のログインのロック: ロック中のアドレスと\n"
	        "解除時刻、直近 15 分のログイン失敗、新しいアドレスの待機)。解除は 'lifeboat user unlock'。",
	        "  lifeboat user list --db clinical.db --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!db)
		return cli_usage(L_("user list needs --db", "user list には --db が必要です"));
	struct buf out = {0};
	struct json_w w = {.out = &out};
	struct list_ctx l = {.out = &out, .w = json ? &w : NULL, .db = db, .max_failures = (int)failures};
	if (json)
		json_arr(&w);
	int rc = station_user_list(db, list_row, &l);
	return list_done(rc < 0 ? rc : l.rc, &out, l.w);
}

int cmd_user(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"add", user_add, "add a station user (password on stdin)",
	         "端末の利用者を追加 (パスワードは標準入力)"},
	        {"del", user_del, "delete a station user", "端末の利用者を削除"},
	        {"list", user_list, "list station users", "端末の利用者を一覧表示"},
	        {"team", user_team, "put a user in an incident team (or out of it)", "利用者の班を設定 (または解除)"},
	        {"unlock", user_unlock, "clear login locks of a user or an address",
	         "利用者またはアドレスのログインのロックを解除"},
	        {0},
	};
	return cli_dispatch(argc, argv, "user", subs);
}
