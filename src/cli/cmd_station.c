/*
 * cmd_station.c - `lifeboat station`: the ward's downtime web station (its accounts: cmd_user.c).
 *
 *   station --db F --listen ADDR:PORT [--tls-cert C --tls-key K] [--lang ja|en] …   serve until SIGINT/SIGTERM
 *   station audit --db F [--user U] [--patient P] [--json]                           the access log
 *   station refresh --db F …                                                         take a newer copy
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
	return cli_list_done(station_audit_each(db, user, patient, audit_row, &a), &out, a.w);
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
