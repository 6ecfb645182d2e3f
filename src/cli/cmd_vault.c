/*
 * cmd_vault.c - `lifeboat vault`: ransomware-resilient backup generations (docs/vault-format.md).
 *
 *   vault init | key add | backup | snapshots | restore      here
 *   vault verify | diff | forget | prune | lock | review | export   cmd_vault_admin.c
 *
 * Exit codes: 0 done, 1 a finding (a suspect generation was saved, verify found damage), 2 usage or input error.
 */
#include "cli_vault.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

int cv_open_rc(const struct cv_common *c, struct vault **v)
{
	if (!c->repo)
		return lb_error_tr(LB_EUSAGE, "--repo R is required", "--repo R が必要です");
	int need = vault_key_needs_passphrase(c->key);
	if (need < 0)
		return need;
	struct buf pass = {0};
	int rc = 0;
	if (need)
		rc = lb_secret_read(&pass, c->pass_file, NULL, 0);
	if (rc == 0)
		rc = vault_open(v, c->repo, c->key, need ? &pass : NULL);
	buf_wipe(&pass);
	return rc;
}

int cv_open(const struct cv_common *c, struct vault **v)
{
	int rc = cv_open_rc(c, v);
	return rc < 0 ? cli_error(rc) : 0;
}

int cv_begin(struct cv_cmd *k, const struct lb_opt *opts, const struct lb_cmd_help *help, const struct cv_common *c,
             int argc, char **argv)
{
	k->v = NULL;
	k->open_rc = 0;
	int i = cli_parse(argc, argv, opts, help, &k->code);
	if (i < 0)
		return 0;
	k->args = argv + i;
	k->nargs = argc - i;
	int bad = k->nargs < k->min_args || (k->max_args >= 0 && k->nargs > k->max_args);
	for (size_t n = 0; !bad && n < LB_ARRAY_LEN(k->need) && k->need[n]; n++)
		bad = !*k->need[n];
	if (bad) {
		k->code = cli_usage("%s", k->usage ? k->usage : help->usage);
		return 0;
	}
	if (k->check && (k->code = k->check(k->args, k->nargs, k->ctx)) != 0)
		return 0;
	int rc = cv_open_rc(c, &k->v);
	if (rc == -LB_ECORRUPT && k->open_damaged) {
		k->v = NULL;
		k->open_rc = rc;
		return 1;
	}
	if (rc < 0) {
		k->code = cli_error(rc);
		return 0;
	}
	return 1;
}

/* Callbacks for cli_vault_json.c, which cannot include core.h beside jansson.h (both define json_null). */

void cv_time(struct buf *b, int64_t ms)
{
	lb_format_local(b, ms);
}

/* Refuse a weak admin passphrase (vault_passphrase_check): whoever obtains keys/admin can guess offline. The
 * parts of the repository path count as words an attacker tries. */
static int check_passphrase(const struct buf *pass, const char *repo)
{
	char parts[512];
	const char *words[16];
	size_t n = 0;
	snprintf(parts, sizeof(parts), "%s", repo);
	char *save = NULL;
	for (char *t = strtok_r(parts, "/._- ", &save); t && n < LB_ARRAY_LEN(words);
	     t = strtok_r(NULL, "/._- ", &save))
		if (strlen(t) >= 3)
			words[n++] = t;
	double bits;
	int weak = vault_passphrase_check(pass, words, n, &bits);
	if (weak == VAULT_PASS_SHORT)
		return lb_error(
		        LB_EINVAL, "%s",
		        L_("the admin passphrase is too short: use 12 characters or more (e.g. four unrelated words)",
		           "管理者パスフレーズが短すぎます: 12 文字以上にしてください (例: 無関係な単語を 4 つ)"));
	if (weak == VAULT_PASS_GUESSABLE)
		return lb_error(
		        LB_EINVAL,
		        L_("the admin passphrase is too easy to guess (about %.0f bits, %.0f needed): use more "
		           "unrelated words, not names, dates, keyboard rows or common passwords",
		           "管理者パスフレーズが推測されやすすぎます (約 %.0f ビット、%.0f ビット必要): 名前・日付・"
		           "キー配列・よくあるパスワードでなく、無関係な単語を増やしてください"),
		        bits, VAULT_PASS_MIN_BITS);
	return 0;
}

static int v_init(int argc, char **argv)
{
	struct cv_common c = {0};
	int code;
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c), {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault init --repo R [--passphrase-file F]",
	        "Create a vault repository in R (a new or empty folder). The admin passphrase (LIFEBOAT_PASSPHRASE,\n"
	        "--passphrase-file or the terminal) protects the keys that read, forget, lock and review generations.\n"
	        "Keep it offline. It must have 12 characters or more and resist guessing (zxcvbn's estimate of 45 "
	        "bits\n"
	        "or more: several unrelated words, not names, dates or common passwords); a weak one is refused.\n"
	        "Production hosts get writer keys ('vault key add --role writer').",
	        "R (新規または空のフォルダ) にボルトを作成します。管理者パスフレーズ (LIFEBOAT_PASSPHRASE、\n"
	        "--passphrase-file または端末) "
	        "が世代の読み出し・削除・ロック・判定の鍵を守ります。オフラインで保管してください。12 文字以上で\n"
	        "推測に強いもの (zxcvbn の推定で 45 ビット以上: 名前・日付・よくあるパスワードでなく、無関係な単語を\n"
	        "いくつか) が必要で、弱いものは拒否されます。\n"
	        "本番サーバにはライター鍵 ('vault key add --role writer') を渡してください。",
	        "  LIFEBOAT_PASSPHRASE=… lifeboat vault init --repo /srv/vault"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!c.repo)
		return cli_usage(L_("--repo R is required", "--repo R が必要です"));
	if (i < argc)
		return cli_usage(L_("vault init takes no arguments", "vault init に引数はありません"));
	struct buf pass = {0};
	int rc = lb_secret_read(&pass, c.pass_file, NULL, 1);
	if (rc == 0)
		rc = check_passphrase(&pass, c.repo);
	if (rc == 0)
		rc = vault_init(c.repo, &pass);
	buf_wipe(&pass);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (c.json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "repo", c.repo);
		json_kv_str(&w, "status", "created");
		json_end(&w);
	} else {
		buf_addf(&out, L_("created vault repository '%s'", "ボルト '%s' を作成しました"), c.repo);
	}
	rc = cli_print(&out);
	buf_release(&out);
	return rc;
}

/* key add | revoke ID | list, and what add needs */
struct key_ctx {
	const char **role, **out;
};

static const char *key_usage(void)
{
	return L_("usage: lifeboat vault key add --repo R --role writer --out F | key revoke --repo R WRITER-ID | "
	          "key list --repo R",
	          "使い方: lifeboat vault key add --repo R --role writer --out F | key revoke --repo R WRITER-ID | "
	          "key list --repo R");
}

static int key_check(char **args, int n, void *ctx)
{
	const struct key_ctx *x = ctx;
	if ((!strcmp(args[0], "revoke") && n == 2) || (!strcmp(args[0], "list") && n == 1))
		return 0;
	if (strcmp(args[0], "add") != 0 || n != 1)
		return cli_usage("%s", key_usage());
	if (!*x->role || strcmp(*x->role, "writer") != 0)
		return cli_usage(L_("--role writer is required (the admin key comes from 'vault init')",
		                    "--role writer が必要です (管理者鍵は 'vault init' で作られます)"));
	if (!*x->out)
		return cli_usage(L_("--out F is required", "--out F が必要です"));
	return 0;
}

static int v_key(int argc, char **argv)
{
	struct cv_common c = {0};
	const char *role = NULL, *out_path = NULL;
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c),
	                              {LB_OPT_STRING, 0, "role", &role, "ROLE", "writer (can add generations only)",
	                               "writer (世代の追加のみ)"},
	                              {LB_OPT_STRING, 'o', "out", &out_path, "F",
	                               "the new key file (mode 0600; must not exist)",
	                               "新しい鍵ファイル (モード 0600、既存不可)"},
	                              {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault key add --repo R --role writer --out F | key revoke --repo R ID | key list --repo R",
	        "Make a writer key file for a production host: it backs up without a passphrase but cannot read back,\n"
	        "forget, prune, lock or review generations. 'revoke' ends a writer key (a stolen host); 'list' shows "
	        "them\n"
	        "as JSON. Needs the admin passphrase.",
	        "本番サーバ用のライター鍵を作ります。パスフレーズなしでバックアップできますが、世代の読み出し・削除・\n"
	        "prune・ロック・判定はできません。'revoke' はライター鍵を失効させ (乗っ取られたサーバ)、'list' は\n"
	        "一覧を JSON で表示します。管理者パスフレーズが必要です。",
	        "  lifeboat vault key add --repo /srv/vault --role writer --out /etc/lifeboat/writer.key\n"
	        "  lifeboat vault key revoke --repo /srv/vault 0f3a…"};
	struct key_ctx x = {&role, &out_path};
	struct cv_cmd cmd = {.min_args = 1, .max_args = 2, .usage = key_usage(), .check = key_check, .ctx = &x};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	if (strcmp(cmd.args[0], "add") != 0) {
		int revoke = !strcmp(cmd.args[0], "revoke");
		struct buf out = {0};
		int rc = revoke ? vault_key_revoke(cmd.v, cmd.args[1]) : vault_key_list(cmd.v, &out);
		vault_close(cmd.v);
		if (rc < 0) {
			buf_release(&out);
			return cli_error(rc);
		}
		if (revoke)
			buf_addf(&out, L_("writer key %s revoked", "ライター鍵 %s を失効しました"), cmd.args[1]);
		rc = cli_print(&out);
		buf_release(&out);
		return rc;
	}
	struct buf id = {0}, out = {0};
	int rc = vault_key_add_writer(cmd.v, out_path, &id);
	vault_close(cmd.v);
	if (rc < 0) {
		buf_release(&id);
		return cli_error(rc);
	}
	if (c.json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "key", out_path);
		json_kv_str(&w, "role", "writer");
		json_kv_str(&w, "writer_id", id.data);
		json_end(&w);
	} else {
		buf_addf(&out, L_("writer key %s written to '%s'", "ライター鍵 %s を '%s' に書きました"), id.data,
		         out_path);
	}
	rc = cli_print(&out);
	buf_release(&out);
	buf_release(&id);
	return rc;
}

static int v_backup(int argc, char **argv)
{
	struct cv_common c = {0};
	struct lb_strlist tags = {0};
	const struct lb_opt opts[] = {
	        CV_COMMON_OPTS(c),
	        {LB_OPT_LIST, 't', "tag", &tags, "T", "tag the generation (repeatable)", "世代にタグ (複数可)"},
	        {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault backup --repo R [--key F] [--tag T] [--json] PATH…",
	        "Save a new generation of PATH… Unchanged files are not read again; every changed file is compared "
	        "with\n"
	        "its previous version (chunk overlap, type, entropy, ransom notes, renames). A generation that looks\n"
	        "like it was taken of encrypted data is saved as 'suspect' and the exit code is 1.",
	        "PATH… の新しい世代を保存します。変更のないファイルは読み直しません。変更されたファイルは前の版と\n"
	        "比較し (チャンクの重なり、種類、エントロピー、脅迫文、名前変更)、暗号化後のデータらしい世代は\n"
	        "'suspect' として保存し、終了コード 1 を返します。",
	        "  lifeboat vault backup --repo /srv/vault --key writer.key --tag nightly /data/ssmix2\n"
	        "  lifeboat vault backup --repo /srv/vault --json /data/ssmix2 /data/dumps"};
	struct cv_cmd cmd = {.min_args = 1,
	                     .max_args = -1,
	                     .usage = L_("vault backup needs PATH", "vault backup には PATH が必要です")};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv)) {
		lb_strlist_free(&tags);
		return cmd.code;
	}
	struct vault *v = cmd.v;
	struct lb_progress prog = {.label = L_("backup", "バックアップ"), .bytes = 1};
	struct vault_backup_opts o = {.paths = (const char *const *)cmd.args,
	                              .npaths = (size_t)cmd.nargs,
	                              .tags = tags.v,
	                              .ntags = tags.n,
	                              .progress = c.json ? NULL : &prog};
	struct vault_backup_result r;
	int rc = vault_backup(v, &o, &r);
	if (!c.json)
		lb_progress_done(&prog);
	vault_close(v);
	lb_strlist_free(&tags);
	if (rc < 0) {
		vault_backup_result_release(&r);
		return cli_error(rc);
	}
	struct buf out = {0};
	if (c.json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "snapshot", r.id);
		json_kv_str(&w, "status", vault_status_name(r.status));
		json_key(&w, "score");
		json_double(&w, r.score);
		json_kv_int(&w, "files", (int64_t)r.files);
		json_kv_int(&w, "dirs", (int64_t)r.dirs);
		json_kv_int(&w, "bytes", (int64_t)r.bytes);
		json_kv_int(&w, "files_changed", (int64_t)r.files_changed);
		json_kv_int(&w, "files_new", (int64_t)r.files_new);
		json_kv_int(&w, "bytes_read", (int64_t)r.bytes_read);
		json_kv_int(&w, "chunks_new", (int64_t)r.chunks_new);
		json_kv_int(&w, "bytes_stored", (int64_t)r.bytes_stored);
		json_kv_str(&w, "summary", r.summary.len ? r.summary.data : "");
		json_key(&w, "reasons");
		cv_json_raw(&w, r.reasons.data);
		json_end(&w);
	} else {
		struct buf sz = {0}, st = {0};
		lb_format_bytes(&sz, r.bytes);
		lb_format_bytes(&st, r.bytes_stored);
		buf_addf(&out,
		         L_("snapshot %.8s saved: %llu files, %s (%llu changed, %s added) - %s",
		            "世代 %.8s を保存: ファイル %llu, %s (変更 %llu, 追加 %s) - %s"),
		         r.id, (unsigned long long)r.files, sz.data, (unsigned long long)r.files_changed, st.data,
		         vault_status_label(r.status));
		if (r.status == VAULT_SUSPECT && r.summary.len)
			buf_addf(&out, "\n%s: %s", L_("suspect", "疑い"), r.summary.data);
		buf_release(&sz);
		buf_release(&st);
	}
	rc = cli_print(&out);
	buf_release(&out);
	int suspect = r.status == VAULT_SUSPECT;
	vault_backup_result_release(&r);
	return rc ? rc : suspect ? LB_EXIT_FINDING : LB_EXIT_OK;
}

static int v_snapshots(int argc, char **argv)
{
	struct cv_common c = {0};
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c), {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault snapshots --repo R [--key F] [--json]",
	        "List the generations, oldest first, with their status (clean, suspect, unreviewed), score, whether\n"
	        "they are pinned (the newest clean one) and locked until a date.",
	        "世代を古い順に一覧します。状態 (clean, suspect, unreviewed)、スコア、固定 (最新の clean 世代)、\n"
	        "ロック期限を表示します。",
	        "  lifeboat vault snapshots --repo /srv/vault --json"};
	struct cv_cmd cmd = {.usage = L_("vault snapshots takes no arguments", "vault snapshots に引数はありません")};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	struct vault_snap_list l;
	int rc = vault_snapshots(cmd.v, &l);
	vault_close(cmd.v);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0}, t = {0};
	struct json_w w = {.out = &out};
	if (c.json)
		json_arr(&w);
	else {
		/* columns counted as the terminal shows them (Japanese headings and status words take two columns a
		 * character; printf's widths count bytes): ID, time and status left-aligned, the numbers right-aligned */
		buf_add_cols(&out, "ID", 10);
		buf_add_cols(&out, L_("TIME", "日時"), 18);
		buf_add_cols(&out, L_("STATUS", "状態"), 12);
		const char *num[] = {L_("SCORE", "スコア"), L_("FILES", "ファイル"), L_("SIZE", "サイズ")};
		const size_t width[] = {6, 8, 10}; /* wide enough for スコア and ファイル */
		for (size_t i = 0; i < LB_ARRAY_LEN(num); i++) {
			for (size_t n = lb_text_cols(num[i]); n < width[i]; n++)
				buf_addch(&out, ' ');
			buf_addf(&out, "%s  ", num[i]);
		}
		buf_adds(&out, L_("PATHS", "パス"));
	}
	for (size_t k = 0; k < l.n; k++) {
		const struct vault_snap_info *s = &l.v[k];
		buf_reset(&t);
		if (c.json) {
			json_obj(&w);
			json_kv_str(&w, "id", s->id);
			lb_format_utc(&t, s->time_ms, 1);
			json_kv_str(&w, "time", t.data);
			json_key(&w, "tags");
			json_arr(&w);
			for (size_t j = 0; j < s->tags.n; j++)
				json_str(&w, s->tags.v[j]);
			json_end(&w);
			json_key(&w, "paths");
			json_arr(&w);
			for (size_t j = 0; j < s->paths.n; j++) {
				struct buf p = {0};
				buf_addf(&p, "/%s", s->paths.v[j]);
				json_str(&w, p.data);
				buf_release(&p);
			}
			json_end(&w);
			json_kv_int(&w, "files", (int64_t)s->files);
			json_kv_int(&w, "bytes", (int64_t)s->bytes);
			json_kv_str(&w, "status", vault_status_name(s->status));
			json_key(&w, "score");
			json_double(&w, s->score);
			json_kv_bool(&w, "pinned", s->pinned);
			json_kv_bool(&w, "reviewed", s->reviewed);
			if (s->locked_until) {
				buf_reset(&t);
				lb_format_utc(&t, s->locked_until, 0);
				json_kv_str(&w, "locked_until", t.data);
			} else {
				json_kv_str(&w, "locked_until", NULL);
			}
			json_kv_str(&w, "host", s->host);
			json_kv_str(&w, "signer", s->signer);
			json_kv_str(&w, "summary", s->summary);
			json_key(&w, "reasons");
			cv_json_raw(&w, s->reasons);
			json_end(&w);
		} else {
			struct buf sz = {0};
			cv_time(&t, s->time_ms);
			lb_format_bytes(&sz, s->bytes);
			buf_addf(&out, "\n%.8s  ", s->id);
			buf_add_cols(&out, t.data, 18);
			buf_add_cols(&out, vault_status_label(s->status), 12);
			buf_addf(&out, "%6.2f  %8llu  %10s ", s->score, (unsigned long long)s->files, sz.data);
			for (size_t j = 0; j < s->paths.n; j++)
				buf_addf(&out, " /%s", s->paths.v[j]);
			if (s->tags.n) {
				buf_adds(&out, "  [");
				for (size_t j = 0; j < s->tags.n; j++)
					buf_addf(&out, "%s%s", j ? "," : "", s->tags.v[j]);
				buf_adds(&out, "]");
			}
			if (s->pinned)
				buf_addf(&out, "  %s", L_("pinned", "固定"));
			if (s->locked_until) {
				buf_reset(&t);
				cv_time(&t, s->locked_until);
				buf_addf(&out, "  %s %s", L_("locked until", "ロック期限"), t.data);
			}
			if (s->status == VAULT_SUSPECT && s->summary && *s->summary)
				buf_addf(&out, "\n          %s", s->summary);
			buf_release(&sz);
		}
	}
	if (c.json)
		json_end(&w);
	rc = cli_print(&out);
	buf_release(&out);
	buf_release(&t);
	vault_snap_list_release(&l);
	return rc;
}

static int v_restore(int argc, char **argv)
{
	struct cv_common c = {0};
	const char *target = NULL, *sub = NULL;
	int no_sync = 0;
	const struct lb_opt opts[] = {CV_COMMON_OPTS(c),
	                              {LB_OPT_STRING, 't', "target", &target, "DIR", "restore into DIR (new or empty)",
	                               "DIR (新規または空) に復元"},
	                              {LB_OPT_STRING, 0, "path", &sub, "P",
	                               "only P inside the generation (e.g. data/ssmix2/000)",
	                               "世代の中の P だけ (例: data/ssmix2/000)"},
	                              {LB_OPT_FLAG, 0, "no-sync", &no_sync, NULL,
	                               "do not wait for the disk at the end (a power cut may lose restored files)",
	                               "最後にディスクへの書き込みを待たない (停電で復元したファイルを失うことがある)"},
	                              {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault restore --repo R SNAP --target DIR [--path P]",
	        "Restore a generation bit for bit (contents, modes, times, symlinks, empty folders; owners as root).\n"
	        "SNAP is an id prefix, 'latest' or 'latest-clean' (the newest generation not suspect). Files appear\n"
	        "under DIR with their full original path. It reports success only once everything restored is on disk\n"
	        "(one syncfs at the end; --no-sync skips it). Needs the admin key.",
	        "世代をビット単位で復元します (内容・モード・時刻・シンボリックリンク・空フォルダ。所有者は root "
	        "実行時)。\n"
	        "SNAP は ID の先頭、'latest' または 'latest-clean' (疑いのない最新世代)。ファイルは DIR の下に元の\n"
	        "フルパスで置かれます。復元したものがすべてディスクに書かれてから成功を報告します (最後に syncfs を\n"
	        "1 回。--no-sync で省略)。管理者鍵が必要です。",
	        "  lifeboat vault restore --repo /srv/vault latest-clean --target /restore\n"
	        "  lifeboat vault restore --repo /srv/vault 1a2b3c4d --target /restore --path data/ssmix2/000"};
	struct cv_cmd cmd = {.min_args = 1,
	                     .max_args = 1,
	                     .usage = L_("usage: lifeboat vault restore --repo R SNAP --target DIR",
	                                 "使い方: lifeboat vault restore --repo R SNAP --target DIR"),
	                     .need = {&target}};
	if (!cv_begin(&cmd, opts, &help, &c, argc, argv))
		return cmd.code;
	struct vault *v = cmd.v;
	struct lb_progress prog = {.label = L_("restore", "復元"), .bytes = 1};
	struct vault_restore_opts o = {.snapshot = cmd.args[0],
	                               .target = target,
	                               .subpath = sub,
	                               .progress = c.json ? NULL : &prog,
	                               .no_sync = no_sync};
	struct vault_restore_result r;
	int64_t t0 = lb_mono_ns();
	int rc = vault_restore(v, &o, &r);
	int64_t ms = (lb_mono_ns() - t0) / 1000000;
	if (!c.json)
		lb_progress_done(&prog);
	vault_close(v);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (c.json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_str(&w, "snapshot", r.id);
		json_kv_str(&w, "target", target);
		json_kv_int(&w, "files", (int64_t)r.files);
		json_kv_int(&w, "dirs", (int64_t)r.dirs);
		json_kv_int(&w, "symlinks", (int64_t)r.links);
		json_kv_int(&w, "bytes", (int64_t)r.bytes);
		json_kv_int(&w, "ms", ms);
		json_end(&w);
	} else {
		struct buf sz = {0};
		lb_format_bytes(&sz, r.bytes);
		buf_addf(&out,
		         L_("restored %.8s to '%s': %llu files, %llu folders, %llu symlinks, %s in %lld ms",
		            "%.8s を '%s' に復元: ファイル %llu, フォルダ %llu, リンク %llu, %s (%lld ms)"),
		         r.id, target, (unsigned long long)r.files, (unsigned long long)r.dirs,
		         (unsigned long long)r.links, sz.data, (long long)ms);
		buf_release(&sz);
	}
	rc = cli_print(&out);
	buf_release(&out);
	return rc;
}

static int v_serve(int argc, char **argv)
{
	struct cv_common c = {0};
	const char *listen = NULL;
	long ttl = VAULT_LEASE_TTL_S;
	int code;
	const struct lb_opt opts[] = {
	        CV_COMMON_OPTS(c),
	        {LB_OPT_STRING, 'l', "listen", &listen, "ADDR:PORT", "address to listen on", "待ち受けるアドレス"},
	        {LB_OPT_INT, 0, "lease-ttl", &ttl, "SECONDS",
	         "drop a client's repository lock when it is not refreshed for this long (default 120)",
	         "クライアントのリポジトリロックが更新されないまま経過したら解放する秒数 (既定 120)", 1, 86400},
	        {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat vault serve --repo R --listen 127.0.0.1:PORT",
	        "Serve the repository folder R to clients that use --repo http://ADDR:PORT/. The server checks every\n"
	        "request's signature and role: writer keys may add packs, index files and generations but never read\n"
	        "packs, delete, overwrite, lock or review. Clients lock the repository through it (backup shared,\n"
	        "forget and prune exclusive) with a real lock on R/lock, so a prune on this host and a backup through\n"
	        "the server exclude each other; a client that vanishes loses its lock after --lease-ttl. Lock events\n"
	        "are logged on stderr. The admin key file goes only to the admin or to a client that proves the\n"
	        "passphrase (never to writers or unsigned requests); signatures are checked before any body is read;\n"
	        "one address holds at most 16 connections, and a request's head must arrive within 10 s. Clients give\n"
	        "up on a server that does not answer after LIFEBOAT_VAULT_TIMEOUT seconds (default 60).\n"
	        "Run it as a Unix user of its own that owns R; stop with Ctrl-C.",
	        "リポジトリ R を --repo http://ADDR:PORT/ で使うクライアントに提供します。すべての要求の署名と役割を\n"
	        "検査し、ライター鍵にはパック・索引・世代の追加だけを許し、パックの読み出し・削除・上書き・ロック・\n"
	        "判定は拒否します。クライアントはサーバ経由でリポジトリをロックし (バックアップは共有、forget と\n"
	        "prune は排他)、R/lock の実ロックとなるため、このホストでの prune とサーバ経由のバックアップは\n"
	        "互いを排除します。応答のないクライアントのロックは --lease-ttl 後に解放されます。ロックの記録は\n"
	        "標準エラーに出ます。管理者鍵ファイルは管理者とパスフレーズを証明したクライアントにだけ渡し\n"
	        "(ライターや署名のない要求には渡しません)、署名は本文を読む前に検査します。1 つのアドレスからの\n"
	        "接続は 16 本まで、要求ヘッダは 10 秒以内に届く必要があります。クライアントは応答のないサーバを\n"
	        "LIFEBOAT_VAULT_TIMEOUT 秒 (既定 60) で諦めます。\n"
	        "R を所有する専用の Unix ユーザで実行し、Ctrl-C で停止します。",
	        "  lifeboat vault serve --repo /srv/vault --listen 127.0.0.1:8420\n"
	        "  lifeboat vault backup --repo http://127.0.0.1:8420/ --key writer.key /data/ssmix2"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (!c.repo || !listen || i < argc)
		return cli_usage(L_("usage: lifeboat vault serve --repo R --listen ADDR:PORT",
		                    "使い方: lifeboat vault serve --repo R --listen ADDR:PORT"));
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit this: only sigwait sees them */
	struct vault_server *s;
	if (!getenv("LIFEBOAT_LOG"))
		lb_log_set_level(LB_LOG_INFO); /* a daemon: lease events are its log */
	int rc = vault_serve_start(&s, c.repo, listen, (int)ttl);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	buf_addf(&out, L_("serving '%s' on http://%s/ (Ctrl-C stops)", "'%s' を http://%s/ で提供中 (Ctrl-C で停止)"),
	         c.repo, listen);
	if (cli_print(&out) != 0) {
		buf_release(&out);
		vault_serve_stop(s);
		return LB_EXIT_ERROR;
	}
	buf_release(&out);
	int sig;
	sigwait(&set, &sig);
	vault_serve_stop(s);
	return LB_EXIT_OK;
}

int cmd_vault(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"init", v_init, "create a repository", "リポジトリを作成"},
	        {"key", v_key, "add, revoke or list writer keys for production hosts",
	         "本番サーバ用のライター鍵の追加・失効・一覧"},
	        {"backup", v_backup, "save a new generation (scored for ransomware)",
	         "新しい世代を保存 (ランサムウェア判定つき)"},
	        {"snapshots", v_snapshots, "list generations with status, pins and locks",
	         "世代の一覧 (状態・固定・ロック)"},
	        {"restore", v_restore, "restore a generation (latest, latest-clean, id)",
	         "世代を復元 (latest, latest-clean, ID)"},
	        {"verify", cv_verify, "check the repository (--read-data: every byte)",
	         "リポジトリを検査 (--read-data: 全データ)"},
	        {"diff", cv_diff, "what changed between two generations", "2 つの世代の差分"},
	        {"forget", cv_forget, "apply a retention policy (--prune to reclaim space)",
	         "保持ポリシーを適用 (--prune で領域回収)"},
	        {"prune", cv_prune, "reclaim the space of forgotten generations", "削除した世代の領域を回収"},
	        {"lock", cv_lock, "protect a generation until a date", "世代を期限までロック"},
	        {"review", cv_review, "mark a generation clean or suspect (admin)",
	         "世代を clean / suspect と判定 (管理者)"},
	        {"export", cv_export, "write a self-contained copy for offline media",
	         "オフライン媒体用に自己完結したコピーを書き出す"},
	        {"serve", v_serve, "serve the repository to writer hosts over HTTP",
	         "リポジトリを HTTP でライターに提供"},
	        {0},
	};
	return cli_dispatch(argc, argv, "vault", subs);
}
