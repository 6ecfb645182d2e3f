/*
 * cmd_vault_admin.c - `lifeboat vault` subcommands that check and manage generations: verify, diff, forget,
 * prune, lock, review, export. Those that remove or mark anything need the admin key; a writer key is refused
 * with exit 2 and a one-line reason.
 */
#include "cli_vault.h"

#include <string.h>

static int print_free(struct buf *out)
{
	int rc = cli_print(out);
	buf_release(out);
	return rc;
}

int cv_verify(int argc, char **argv)
{
	struct cv_common c = {0};
	int read_data = 0;
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c),
	                              {LB_OPT_FLAG, 0, "read-data", &read_data, NULL,
	                               "read, hash and decrypt every pack (admin) or hash them (writer)",
	                               "全パックを読み、ハッシュと復号で確認 (ライター鍵はハッシュのみ)"},
	                              {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault verify --repo R [--key F] [--read-data] [--json]",
	        "Check the repository's structure; with --read-data also every byte. Exit 1 when anything is wrong, "
	        "with\n"
	        "the files that can no longer be restored intact named as SNAPSHOT:PATH. Works on exported media.",
	        "リポジトリの構造を検査します。--read-data では全バイトも検査します。問題があれば終了コード 1 で、\n"
	        "復元できなくなったファイルを SNAPSHOT:PATH で示します。書き出した媒体にも使えます。",
	        "  lifeboat vault verify --repo /srv/vault --read-data\n"
	        "  lifeboat vault verify --repo /media/tape1 --read-data --json"};
	struct cv_cmd cmd = {.usage = L_("vault verify takes no arguments", "vault verify に引数はありません"),
	                     .open_damaged = 1};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	if (!cmd.v) {
		/* a damaged config or key file is what verify is for: a finding, not a usage error */
		struct buf out = {0};
		if (c.json) {
			struct json_w w = {.out = &out};
			json_obj(&w);
			json_kv_bool(&w, "ok", 0);
			json_key(&w, "problems");
			json_arr(&w);
			json_str(&w, lb_errmsg());
			json_end(&w);
			json_end(&w);
		} else {
			buf_addf(&out, "%s: %s", L_("problem", "問題"), lb_errmsg());
		}
		int code = print_free(&out);
		return code ? code : LB_EXIT_FINDING;
	}
	struct vault_verify_result r;
	int rc = vault_verify(cmd.v, read_data, &r);
	vault_close(cmd.v);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (c.json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_bool(&w, "ok", r.problems == 0);
		json_kv_bool(&w, "read_data", read_data);
		json_kv_int(&w, "packs", (int64_t)r.packs);
		json_kv_int(&w, "snapshots", (int64_t)r.snapshots);
		json_kv_int(&w, "chunks", (int64_t)r.chunks);
		json_kv_int(&w, "bytes_read", (int64_t)r.bytes_read);
		json_kv_int(&w, "unreferenced_packs", (int64_t)r.unreferenced_packs);
		json_key(&w, "problems");
		json_arr(&w);
		for (size_t k = 0; k < r.lines.n; k++)
			json_str(&w, r.lines.v[k]);
		json_end(&w);
		json_key(&w, "damaged");
		json_arr(&w);
		for (size_t k = 0; k < r.damaged.n; k++)
			json_str(&w, r.damaged.v[k]);
		json_end(&w);
		json_end(&w);
	} else {
		struct buf sz = {0};
		lb_format_bytes(&sz, r.bytes_read);
		if (!r.problems)
			buf_addf(&out,
			         L_("no problems: %llu packs, %llu generations, %llu chunks%s%s",
			            "問題なし: パック %llu, 世代 %llu, チャンク %llu%s%s"),
			         (unsigned long long)r.packs, (unsigned long long)r.snapshots,
			         (unsigned long long)r.chunks, read_data ? L_(", read ", ", 読み込み ") : "",
			         read_data ? sz.data : "");
		for (size_t k = 0; k < r.lines.n; k++)
			buf_addf(&out, "%s%s: %s", k ? "\n" : "", L_("problem", "問題"), r.lines.v[k]);
		for (size_t k = 0; k < r.damaged.n && k < 50; k++)
			buf_addf(&out, "\n%s: %s", L_("damaged", "破損"), r.damaged.v[k]);
		if (r.damaged.n > 50)
			buf_addf(&out, "\n%s: %zu %s", L_("damaged", "破損"), r.damaged.n - 50,
			         L_("more (see --json)", "件は省略 (--json で全件)"));
		if (r.unreferenced_packs)
			buf_addf(&out, "\n%llu %s", (unsigned long long)r.unreferenced_packs,
			         L_("packs are not indexed (left by interrupted backups; prune removes them)",
			            "個のパックは索引にありません (中断したバックアップの残り。prune で削除)"));
		buf_release(&sz);
	}
	size_t problems = r.problems;
	vault_verify_result_release(&r);
	rc = print_free(&out);
	return rc ? rc : problems ? LB_EXIT_FINDING : LB_EXIT_OK;
}

int cv_diff(int argc, char **argv)
{
	struct cv_common c = {0};
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c), {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault diff --repo R A B [--json]",
	        "What changed from generation A to B: + added, - removed, M content changed, m metadata only.",
	        "世代 A から B への変化: + 追加, - 削除, M 内容の変更, m 属性のみの変更。",
	        "  lifeboat vault diff --repo /srv/vault latest-clean latest"};
	struct cv_cmd cmd = {.min_args = 2,
	                     .max_args = 2,
	                     .usage = L_("vault diff needs two generations", "vault diff には世代が 2 つ必要です")};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	struct vault_diff d;
	int rc = vault_diff(cmd.v, cmd.args[0], cmd.args[1], &d);
	vault_close(cmd.v);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (c.json)
		json_arr(&w);
	for (size_t k = 0; k < d.n; k++) {
		if (c.json) {
			char ch[2] = {d.v[k].change, 0};
			json_obj(&w);
			json_kv_str(&w, "change", ch);
			json_kv_str(&w, "path", d.v[k].path);
			json_end(&w);
		} else {
			buf_addf(&out, "%s%c /%s", k ? "\n" : "", d.v[k].change, d.v[k].path);
		}
	}
	if (c.json)
		json_end(&w);
	vault_diff_release(&d);
	if (!c.json && !out.len)
		return LB_EXIT_OK;
	return print_free(&out);
}

static void prune_json(struct json_w *w, const struct vault_prune_result *p)
{
	json_obj(w);
	json_kv_int(w, "packs_deleted", (int64_t)p->packs_deleted);
	json_kv_int(w, "packs_repacked", (int64_t)p->packs_repacked);
	json_kv_int(w, "packs_kept", (int64_t)p->packs_kept);
	json_kv_int(w, "unreferenced_deleted", (int64_t)p->unreferenced_deleted);
	json_kv_int(w, "bytes_freed", (int64_t)p->bytes_freed);
	json_end(w);
}

static void prune_text(struct buf *out, const struct vault_prune_result *p)
{
	struct buf sz = {0};
	lb_format_bytes(&sz, p->bytes_freed);
	buf_addf(out,
	         L_("pruned: %llu packs deleted, %llu repacked, %llu kept, %llu unreferenced removed, %s freed",
	            "prune: パック削除 %llu, 再パック %llu, 保持 %llu, 未参照削除 %llu, %s 解放"),
	         (unsigned long long)p->packs_deleted, (unsigned long long)p->packs_repacked,
	         (unsigned long long)p->packs_kept, (unsigned long long)p->unreferenced_deleted, sz.data);
	buf_release(&sz);
}

int cv_forget(int argc, char **argv)
{
	struct cv_common c = {0};
	struct vault_policy p = {0};
	int prune = 0, dry = 0;
	const struct lb_opt opts[] = {
	        CV_COMMON_OPTS(c),
	        {LB_OPT_INT, 0, "keep-last", &p.last, "N", "keep the N newest", "最新 N 世代を保持", 0, 1000000},
	        {LB_OPT_INT, 0, "keep-hourly", &p.hourly, "N", "keep one per hour for N hours",
	         "N 時間、1 時間に 1 世代", 0, 1000000},
	        {LB_OPT_INT, 0, "keep-daily", &p.daily, "N", "keep one per day for N days", "N 日、1 日に 1 世代", 0,
	         1000000},
	        {LB_OPT_INT, 0, "keep-weekly", &p.weekly, "N", "keep one per week for N weeks", "N 週、1 週に 1 世代",
	         0, 1000000},
	        {LB_OPT_INT, 0, "keep-monthly", &p.monthly, "N", "keep one per month for N months",
	         "N か月、月に 1 世代", 0, 1000000},
	        {LB_OPT_INT, 0, "keep-yearly", &p.yearly, "N", "keep one per year for N years", "N 年、年に 1 世代", 0,
	         1000000},
	        {LB_OPT_FLAG, 0, "prune", &prune, NULL, "reclaim the space afterwards", "続けて領域を回収"},
	        {LB_OPT_FLAG, 'n', "dry-run", &dry, NULL, "only show what would be forgotten",
	         "削除対象を表示するだけ"},
	        {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault forget --repo R --keep-last N|--keep-daily N|… [--prune] [--dry-run] [--json]",
	        "Forget the generations a policy does not keep. Never forgotten, whatever the policy: the newest "
	        "clean\n"
	        "generation (pinned), generations locked until a future date, and suspect generations no admin has\n"
	        "marked clean. MHLW guideline 6.0: keep several generations, e.g. --keep-daily 14 --keep-weekly 8\n"
	        "--keep-monthly 12, and lock the monthly ones. Needs the admin key.",
	        "保持ポリシーが残さない世代を削除します。ポリシーにかかわらず、最新の clean 世代 "
	        "(固定)、将来の日付まで\n"
	        "ロックされた世代、管理者が clean と判定していない suspect 世代は削除しません。厚労省ガイドライン "
	        "6.0:\n"
	        "複数世代を保持 (例: --keep-daily 14 --keep-weekly 8 --keep-monthly 12) し、月次世代をロックします。\n"
	        "管理者鍵が必要です。",
	        "  lifeboat vault forget --repo /srv/vault --keep-daily 14 --keep-weekly 8 --keep-monthly 12 --prune\n"
	        "  lifeboat vault forget --repo /srv/vault --keep-last 1 --dry-run"};
	struct cv_cmd cmd = {.usage = L_("vault forget takes no arguments", "vault forget に引数はありません")};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	struct vault_forget_result r;
	struct vault_prune_result pr = {0};
	int rc = vault_forget(cmd.v, &p, dry, &r);
	if (rc == 0 && prune && !dry)
		rc = vault_prune(cmd.v, &pr);
	vault_close(cmd.v);
	if (rc < 0) {
		vault_forget_result_release(&r);
		return cli_error(rc);
	}
	struct buf out = {0}, t = {0};
	struct json_w w = {.out = &out};
	if (c.json) {
		json_obj(&w);
		json_kv_bool(&w, "dry_run", dry);
		json_key(&w, "generations");
		json_arr(&w);
	}
	for (size_t k = 0; k < r.n; k++) {
		buf_reset(&t);
		if (c.json) {
			lb_format_utc(&t, r.v[k].time_ms, 1);
			json_obj(&w);
			json_kv_str(&w, "id", r.v[k].id);
			json_kv_str(&w, "time", t.data);
			json_kv_bool(&w, "keep", r.v[k].keep);
			json_kv_str(&w, "reason", r.v[k].reason);
			json_end(&w);
		} else {
			cv_time(&t, r.v[k].time_ms);
			buf_addf(&out, "%s%-6s %.8s  %s  %s", k ? "\n" : "",
			         r.v[k].keep ? L_("keep", "保持") : L_("forget", "削除"), r.v[k].id, t.data,
			         r.v[k].reason);
		}
	}
	if (c.json) {
		json_end(&w);
		json_kv_int(&w, "forgotten", (int64_t)r.forgotten);
		if (prune && !dry) {
			json_key(&w, "prune");
			prune_json(&w, &pr);
		}
		json_end(&w);
	} else if (prune && !dry) {
		buf_addch(&out, '\n');
		prune_text(&out, &pr);
	}
	buf_release(&t);
	vault_forget_result_release(&r);
	return print_free(&out);
}

int cv_prune(int argc, char **argv)
{
	struct cv_common c = {0};
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c), {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault prune --repo R [--json]",
	        "Delete packs no generation uses, repack sparse ones, remove what interrupted backups left. Safe to\n"
	        "interrupt: the repository verifies at every step. Needs the admin key.",
	        "どの世代も使わないパックを削除し、疎なパックを詰め直し、中断したバックアップの残りを消します。\n"
	        "途中で止めても検査に通る状態を保ちます。管理者鍵が必要です。",
	        "  lifeboat vault prune --repo /srv/vault"};
	struct cv_cmd cmd = {.usage = L_("vault prune takes no arguments", "vault prune に引数はありません")};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	struct vault_prune_result pr;
	int rc = vault_prune(cmd.v, &pr);
	vault_close(cmd.v);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (c.json)
		prune_json(&w, &pr);
	else
		prune_text(&out, &pr);
	return print_free(&out);
}

/* --until as a time (ms since the epoch), checked before the passphrase is asked */
struct until_ctx {
	const char **text;
	int64_t ms;
};

static int until_check(char **args, int nargs, void *ctx)
{
	(void)args;
	(void)nargs;
	struct until_ctx *u = ctx;
	if (lb_parse_time(*u->text, &u->ms) < 0)
		return cli_usage(L_("'%s' is not a date", "'%s' は日付ではありません"), *u->text);
	return 0;
}

int cv_lock(int argc, char **argv)
{
	struct cv_common c = {0};
	const char *until = NULL;
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c),
	                              {LB_OPT_STRING, 'u', "until", &until, "DATE", "lock until DATE (2027-03-31)",
	                               "DATE (2027-03-31) までロック"},
	                              {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault lock --repo R SNAP --until DATE",
	        "Lock a generation: nobody can forget or prune it until DATE (an admin-signed record; a writer cannot\n"
	        "make or remove one). Needs the admin key.",
	        "世代をロックします。DATE まで誰も削除できません (管理者署名の記録。ライター鍵では作成も削除も\n"
	        "できません)。管理者鍵が必要です。",
	        "  lifeboat vault lock --repo /srv/vault latest-clean --until 2027-03-31"};
	struct until_ctx u = {&until, 0};
	struct cv_cmd cmd = {.min_args = 1,
	                     .max_args = 1,
	                     .usage = L_("usage: lifeboat vault lock --repo R SNAP --until DATE",
	                                 "使い方: lifeboat vault lock --repo R SNAP --until DATE"),
	                     .need = {&until},
	                     .check = until_check,
	                     .ctx = &u};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	char id[65];
	int64_t ms = u.ms;
	int rc = vault_lock(cmd.v, cmd.args[0], ms, id);
	vault_close(cmd.v);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0}, t = {0};
	lb_format_utc(&t, ms, 0);
	if (c.json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "snapshot", id);
		json_kv_str(&w, "locked_until", t.data);
		json_end(&w);
	} else {
		buf_reset(&t);
		lb_format_local(&t, ms); /* people read the one local format; JSON keeps the instant */
		buf_addf(&out, L_("generation %.8s locked until %s", "世代 %.8s を %s までロックしました"), id, t.data);
	}
	buf_release(&t);
	return print_free(&out);
}

static int mark_check(char **args, int nargs, void *ctx)
{
	(void)args;
	(void)nargs;
	const char *mark = *(const char **)ctx;
	if (strcmp(mark, "clean") && strcmp(mark, "suspect"))
		return cli_usage(L_("usage: lifeboat vault review --repo R SNAP --mark clean|suspect",
		                    "使い方: lifeboat vault review --repo R SNAP --mark clean|suspect"));
	return 0;
}

int cv_review(int argc, char **argv)
{
	struct cv_common c = {0};
	const char *mark = NULL;
	const struct lb_opt opts[] = {
	        CV_COMMON_OPTS(c), {LB_OPT_STRING, 'm', "mark", &mark, "clean|suspect", "the verdict", "判定"}, {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault review --repo R SNAP --mark clean|suspect",
	        "Record an admin's verdict on a generation. Marking a suspect generation clean releases it (it may be\n"
	        "restored as latest-clean and forgotten by policy). Needs the admin key.",
	        "世代に対する管理者の判定を記録します。suspect を clean にすると latest-clean の対象になり、\n"
	        "ポリシーで削除できるようになります。管理者鍵が必要です。",
	        "  lifeboat vault review --repo /srv/vault 1a2b3c4d --mark clean"};
	struct cv_cmd cmd = {.min_args = 1,
	                     .max_args = 1,
	                     .usage = L_("usage: lifeboat vault review --repo R SNAP --mark clean|suspect",
	                                 "使い方: lifeboat vault review --repo R SNAP --mark clean|suspect"),
	                     .need = {&mark},
	                     .check = mark_check,
	                     .ctx = &mark};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	char id[65];
	int rc = vault_review(cmd.v, cmd.args[0], !strcmp(mark, "clean") ? VAULT_CLEAN : VAULT_SUSPECT, id);
	vault_close(cmd.v);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (c.json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "snapshot", id);
		json_kv_str(&w, "status", mark);
		json_end(&w);
	} else {
		buf_addf(&out, L_("generation %.8s marked %s", "世代 %.8s を %s と判定しました"), id, mark);
	}
	return print_free(&out);
}

int cv_export(int argc, char **argv)
{
	struct cv_common c = {0};
	const char *to = NULL;
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c),
	                              {LB_OPT_STRING, 0, "to", &to, "DIR", "the medium's folder (new or empty)",
	                               "媒体のフォルダ (新規または空)"},
	                              {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault export --repo R SNAP --to DIR",
	        "Write a self-contained copy of one generation for a tape, USB disk or WORM medium kept offline: only\n"
	        "the packs it needs, its index, the keys (still passphrase-protected) and a MANIFEST of hashes.\n"
	        "'vault verify', 'snapshots' and 'restore' work on DIR alone.",
	        "1 世代の自己完結したコピーを、オフライン保管するテープ・USB ディスク・WORM 媒体に書き出します。\n"
	        "必要なパック、索引、鍵 (パスフレーズ保護のまま)、ハッシュの MANIFEST だけを含みます。\n"
	        "'vault verify'・'snapshots'・'restore' は DIR だけで動きます。",
	        "  lifeboat vault export --repo /srv/vault latest-clean --to /media/usb1/vault"};
	struct cv_cmd cmd = {.min_args = 1,
	                     .max_args = 1,
	                     .usage = L_("usage: lifeboat vault export --repo R SNAP --to DIR",
	                                 "使い方: lifeboat vault export --repo R SNAP --to DIR"),
	                     .need = {&to}};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	struct vault_export_result r;
	int rc = vault_export(cmd.v, cmd.args[0], to, &r);
	vault_close(cmd.v);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (c.json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "snapshot", r.id);
		json_kv_str(&w, "to", to);
		json_kv_int(&w, "packs", (int64_t)r.packs);
		json_kv_int(&w, "bytes", (int64_t)r.bytes);
		json_end(&w);
	} else {
		struct buf sz = {0};
		lb_format_bytes(&sz, r.bytes);
		buf_addf(&out,
		         L_("exported %.8s to '%s': %llu packs, %s", "%.8s を '%s' に書き出しました: パック %llu, %s"),
		         r.id, to, (unsigned long long)r.packs, sz.data);
		buf_release(&sz);
	}
	return print_free(&out);
}
