/*
 * cmd_user.c - `lifeboat user`: the station's accounts (roles, teams, lockouts).
 *
 *   user add --db F --name N --role R [--team T]      (password on stdin)
 *   user team --db F --name N (--team T | --none)
 *   user del --db F --name N
 *   user list --db F [--json]
 *   user unlock --db F (--name N | --address A | both)
 */
#include "cli.h"
#include "incident/incident.h"
#include "station/station.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	return cli_list_done(rc < 0 ? rc : l.rc, &out, l.w);
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
