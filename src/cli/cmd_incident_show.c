/*
 * cmd_incident_show.c - the `lifeboat incident` subcommands that read: status (what headquarters looks at first),
 * timeline, list, and verify (the hash chain: exit 1 naming the first entry altered, removed or reordered).
 */
#include "cli_incident.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

static int print_free(struct buf *out)
{
	int rc = cli_print(out);
	buf_release(out);
	return rc;
}

/* Overdue deadlines stand out: red on a terminal, and a word everywhere. */
static void add_overdue(struct buf *b, int tty)
{
	buf_addf(b, " %s%s%s", tty ? "\033[1;31m" : "", L_("[OVERDUE]", "[期限超過]"), tty ? "\033[0m" : "");
}

static void status_text(struct incident_file *f, const struct incident_state *s, struct buf *b)
{
	int tty = isatty(STDOUT_FILENO);
	const struct incident_entry *d = &s->declared;
	buf_addf(b, L_("incident #%lld: %s", "インシデント #%lld「%s」"), (long long)d->seq, d->text);
	if (d->flags & INCIDENT_F_DRILL)
		buf_addf(b, " %s", L_("[DRILL]", "[訓練]"));
	buf_addf(b, "\n  %s ", L_("state:", "状態:"));
	if (s->closed_seq) {
		buf_adds(b, L_("closed ", "終了 "));
		lb_format_local(b, s->closed_ms);
	} else {
		buf_adds(b, L_("open", "進行中"));
	}
	buf_addf(b, L_(", phase %s since ", "、フェーズ %s ("), incident_phase_label(s->phase));
	lb_format_local(b, s->phase_since_ms);
	buf_adds(b, L_("", " から)"));
	buf_addf(b, "\n  %s ", L_("learned of it:", "認知:"));
	lb_format_local(b, d->known_at_ms);
	buf_addf(b, "  %s ", L_("declared:", "宣言:"));
	lb_format_local(b, d->at_ms);
	buf_adds(b, "  ");
	ci_author(b, d);
	buf_addf(b, "\n%s\n", L_("current decisions:", "有効な決定:"));
	if (!s->ndecisions)
		buf_addf(b, "  %s\n", L_("(none)", "(なし)"));
	for (size_t i = 0; i < s->ndecisions; i++) {
		buf_adds(b, "  ");
		ci_line(b, &s->decisions[i], 0);
		buf_adds(b, "\n");
	}
	buf_addf(b, "%s%s\n", L_("reporting deadlines (from the time it was learned of):", "報告期限 (認知から):"),
	         d->flags & INCIDENT_F_DRILL ? L_(" [drill: nothing is reported]", " [訓練: 実際には報告しない]") : "");
	for (int r = 0; r < INCIDENT_REPORTS; r++) {
		const struct incident_deadline *dl = &s->deadlines[r];
		buf_addf(b, "  %s\n    %s ", incident_report_label(r), L_("due", "期限"));
		lb_format_local(b, dl->due_ms);
		if (dl->latest_ms != dl->due_ms) {
			buf_addf(b, L_(" (at the latest ", " (遅くとも "));
			lb_format_local(b, dl->latest_ms);
			buf_adds(b, ")");
		}
		if (dl->done_seq) {
			buf_addf(b, "  %s ", L_("made", "報告済"));
			lb_format_local(b, dl->done_ms);
			buf_addf(b, " (#%lld)", (long long)dl->done_seq);
		} else {
			buf_addf(b, "  %s", L_("not yet made", "未報告"));
		}
		if (dl->overdue)
			add_overdue(b, tty);
		if (dl->late)
			buf_addf(b, " %s", L_("[made late]", "[期限後に報告]"));
		buf_adds(b, "\n");
	}
	buf_addf(b, L_("latest entries (%zu of %lld):\n", "最新の記録 (%zu 件、全 %lld 件):\n"), s->nlatest,
	         (long long)s->entries);
	for (size_t i = 0; i < s->nlatest; i++) {
		int64_t by = 0;
		incident_corrected_by(f, s->latest[i].seq, &by);
		buf_adds(b, "  ");
		ci_line(b, &s->latest[i], by);
		buf_adds(b, "\n");
	}
	char hex[2 * INCIDENT_HASH_LEN + 1];
	incident_hex(s->head, INCIDENT_HASH_LEN, hex);
	buf_addf(b,
	         L_("head of the file's timeline: #%lld %.16s (note it on paper; 'lifeboat incident verify --head "
	            "%.16s' "
	            "checks the file still holds it)",
	            "記録の末尾: #%lld %.16s (紙にも控えてください。'lifeboat incident verify --head %.16s' "
	            "で照合できます)"),
	         (long long)s->head_seq, hex, hex);
}

static void status_json(struct incident_file *f, const struct incident_state *s, struct buf *b)
{
	const struct incident_entry *d = &s->declared;
	struct json_w w = {.out = b};
	char hex[2 * INCIDENT_HASH_LEN + 1];
	json_obj(&w);
	json_kv_int(&w, "id", d->seq);
	json_kv_str(&w, "title", d->text);
	json_kv_bool(&w, "drill", (d->flags & INCIDENT_F_DRILL) != 0);
	json_kv_bool(&w, "malicious", (d->flags & INCIDENT_F_MALICIOUS) != 0);
	ci_json_time(&w, "known_at", d->known_at_ms);
	ci_json_time(&w, "declared_at", d->at_ms);
	json_kv_str(&w, "declared_by", d->author);
	json_kv_str(&w, "declared_os_user", d->os_user);
	json_kv_bool(&w, "open", s->closed_seq == 0);
	ci_json_time(&w, "closed_at", s->closed_ms);
	json_kv_str(&w, "phase", incident_phase_name(s->phase));
	ci_json_time(&w, "phase_since", s->phase_since_ms);
	json_kv_int(&w, "entries", s->entries);
	json_key(&w, "decisions");
	json_arr(&w);
	for (size_t i = 0; i < s->ndecisions; i++)
		ci_json_entry(&w, &s->decisions[i], 0);
	json_end(&w);
	json_key(&w, "deadlines");
	json_arr(&w);
	for (int r = 0; r < INCIDENT_REPORTS; r++) {
		const struct incident_deadline *dl = &s->deadlines[r];
		json_obj(&w);
		json_kv_str(&w, "report", incident_report_name(r));
		json_kv_bool(&w, "at_once", dl->due_ms == d->known_at_ms);
		ci_json_time(&w, "due", dl->due_ms);
		ci_json_time(&w, "latest", dl->latest_ms);
		json_kv_bool(&w, "made", dl->done_seq != 0);
		ci_json_time(&w, "made_at", dl->done_ms);
		json_key(&w, "made_by_entry");
		if (dl->done_seq)
			json_int(&w, dl->done_seq);
		else
			json_null_value(&w);
		json_kv_bool(&w, "overdue", dl->overdue);
		json_kv_bool(&w, "late", dl->late);
		json_kv_bool(&w, "applies", dl->applies);
		json_end(&w);
	}
	json_end(&w);
	json_key(&w, "latest");
	json_arr(&w);
	for (size_t i = 0; i < s->nlatest; i++) {
		int64_t by = 0;
		incident_corrected_by(f, s->latest[i].seq, &by);
		ci_json_entry(&w, &s->latest[i], by);
	}
	json_end(&w);
	incident_hex(s->head, INCIDENT_HASH_LEN, hex);
	json_key(&w, "head");
	json_obj(&w);
	json_kv_int(&w, "seq", s->head_seq);
	json_kv_str(&w, "hash", hex);
	json_end(&w);
	json_end(&w);
}

int cmd_incident_status(int argc, char **argv)
{
	struct ci_common c = {0};
	long id = 0, last = 10;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_INT, 0, "id", &id, "N", "a past incident (default: the open one)",
	         "過去のインシデント (既定: 進行中のもの)", 1, LONG_MAX},
	        {LB_OPT_INT, 'n', "last", &last, "N", "show the N newest entries (default 10)",
	         "最新 N 件を表示 (既定 10)", 0, 10000},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident status --incident FILE [--id N] [--last N] [--json]",
	        "What headquarters looks at first: the phase, the decisions in force, the reporting deadlines counted\n"
	        "from the time the hospital learned of it (MHLW and police at once, PPC preliminary 3-5 days, final "
	        "30\n"
	        "or 60 days; overdue ones marked), the newest entries, and the head hash of the timeline to note on\n"
	        "paper at each shift change.",
	        "対策本部が最初に見る画面です: フェーズ、有効な決定、認知日時から数えた報告期限 "
	        "(厚労省・警察は直ちに、\n"
	        "個情委の速報は 3〜5 日、確報は 30 日または 60 日。超過は [期限超過])、最新の記録、そして交代のたびに\n"
	        "紙に控える記録の末尾ハッシュ。",
	        "  lifeboat incident status --incident /hq/incident.db\n"
	        "  lifeboat incident status --incident /hq/incident.db --id 1 --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("status takes no arguments", "status に引数はありません"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_state s;
	int rc = incident_state(f, id, (size_t)last, lb_now_ms(), &s);
	if (rc < 0) {
		incident_file_close(f);
		return cli_error(rc);
	}
	struct buf out = {0};
	if (json)
		status_json(f, &s, &out);
	else
		status_text(f, &s, &out);
	incident_state_release(&s);
	incident_file_close(f);
	return print_free(&out);
}

struct timeline_ctx {
	struct incident_file *f;
	struct json_w *w;
	int out_err;
};

static int timeline_entry(const struct incident_entry *e, void *arg)
{
	struct timeline_ctx *t = arg;
	int64_t by = 0;
	incident_corrected_by(t->f, e->seq, &by);
	if (t->w) {
		ci_json_entry(t->w, e, by);
		return 0;
	}
	struct buf line = {0};
	ci_line(&line, e, by);
	buf_addch(&line, '\n');
	if (fwrite(line.data, 1, line.len, stdout) != line.len)
		t->out_err = 1;
	buf_release(&line);
	return t->out_err;
}

int cmd_incident_timeline(int argc, char **argv)
{
	struct ci_common c = {0};
	long id = 0;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_INT, 0, "id", &id, "N", "a past incident (default: the open one)",
	         "過去のインシデント (既定: 進行中のもの)", 1, LONG_MAX},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident timeline --incident FILE [--id N] [--json]",
	        "Every entry of the incident, oldest first, with who wrote it and when (local time). Corrected "
	        "entries\n"
	        "stay, marked with the entry that corrects them.",
	        "インシデントの全記録を古い順に、記録者と日時 (現地時刻) 付きで表示します。訂正された記録も残り、\n"
	        "訂正した記録の番号が付きます。",
	        "  lifeboat incident timeline --incident /hq/incident.db\n"
	        "  lifeboat incident timeline --incident /hq/incident.db --id 1 --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("timeline takes no arguments", "timeline に引数はありません"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct buf out = {0};
	struct json_w w = {.out = &out};
	struct timeline_ctx t = {.f = f, .w = json ? &w : NULL};
	if (json)
		json_arr(&w);
	int rc = incident_each(f, id, timeline_entry, &t);
	incident_file_close(f);
	if (rc < 0) {
		buf_release(&out);
		return cli_error(rc);
	}
	if (t.out_err) {
		buf_release(&out);
		return cli_usage(L_("cannot write the output", "出力を書き込めません"));
	}
	if (!json)
		return LB_EXIT_OK;
	json_end(&w);
	return print_free(&out);
}

int cmd_incident_list(int argc, char **argv)
{
	struct ci_common c = {0};
	int json = 0, code;
	const struct lb_opt opts[] = {CI_COMMON_OPTS(c), CLI_OPT_JSON(&json), {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat incident list --incident FILE [--json]",
	        "The incidents and drills of the file, oldest first: number, title, phase, open or closed, entries.",
	        "ファイル内のインシデントと訓練を古い順に表示します: 番号・件名・フェーズ・進行中か終了か・記録数。",
	        "  lifeboat incident list --incident /hq/incident.db"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("list takes no arguments", "list に引数はありません"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_list l;
	int rc = incident_list(f, &l);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (json)
		json_arr(&w);
	for (size_t k = 0; k < l.n; k++) {
		const struct incident_summary *s = &l.v[k];
		if (json) {
			json_obj(&w);
			json_kv_int(&w, "id", s->declared.seq);
			json_kv_str(&w, "title", s->declared.text);
			json_kv_bool(&w, "drill", (s->declared.flags & INCIDENT_F_DRILL) != 0);
			ci_json_time(&w, "known_at", s->declared.known_at_ms);
			ci_json_time(&w, "declared_at", s->declared.at_ms);
			json_kv_str(&w, "phase", incident_phase_name(s->phase));
			json_kv_bool(&w, "open", s->closed_ms == 0);
			ci_json_time(&w, "closed_at", s->closed_ms);
			json_kv_int(&w, "entries", s->entries);
			json_end(&w);
			continue;
		}
		buf_addf(&out, "#%lld ", (long long)s->declared.seq);
		lb_format_local(&out, s->declared.at_ms);
		buf_addf(&out, " %s%s  %s  ", s->declared.text,
		         s->declared.flags & INCIDENT_F_DRILL ? L_(" [DRILL]", " [訓練]") : "",
		         incident_phase_label(s->phase));
		if (s->closed_ms) {
			buf_adds(&out, L_("closed ", "終了 "));
			lb_format_local(&out, s->closed_ms);
		} else {
			buf_adds(&out, L_("open", "進行中"));
		}
		buf_addf(&out, L_("  %lld entries\n", "  記録 %lld 件\n"), (long long)s->entries);
	}
	if (json)
		json_end(&w);
	else if (!l.n)
		buf_addf(&out, "%s\n", L_("no incidents", "インシデントはありません"));
	incident_list_release(&l);
	if (!json && out.len)
		buf_truncate(&out, out.len - 1);
	return print_free(&out);
}

int cmd_incident_verify(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *head = NULL, *dir = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_STRING, 0, "dir", &dir, "DIR",
	         "check an exported medium instead (no incident file needed): files, manifest, chain",
	         "代わりに書き出した媒体を検証 (記録ファイル不要): ファイル・manifest・連鎖"},
	        {LB_OPT_STRING, 0, "head", &head, "HASH",
	         "a head hash noted earlier (8+ hex digits): the timeline must still hold it",
	         "以前控えた末尾ハッシュ (16 進 8 桁以上): 記録にまだ含まれることを確認"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident verify --incident FILE [--head HASH] [--json]\n"
	        "       lifeboat incident verify --dir DIR [--head HASH] [--json]",
	        "Recompute the hash chain of the whole timeline. Exit 0 when it is intact; exit 1 naming the first "
	        "entry\n"
	        "altered, removed or reordered in the file. Entries cut off the end, or a chain rewritten from some "
	        "entry\n"
	        "on, are caught with --head: the head hash 'status' showed earlier (noted on paper) must still be "
	        "there.\n"
	        "--dir DIR checks a medium written by 'export' with no incident file: every file against SHA256SUMS,\n"
	        "then the timeline's chain recomputed up to the head in head.txt; exit 1 naming the first that fails.",
	        "記録全体のハッシュ連鎖を再計算します。無傷なら終了コード 0、ファイル上で改ざん・削除・並べ替えされた\n"
	        "最初の記録があれば、その番号を示して終了コード 1。末尾の記録の削除や途中からの書き換えは --head で\n"
	        "見つけます (以前 status で控えた末尾ハッシュが記録に残っていること)。--dir DIR は export "
	        "で書き出した\n"
	        "媒体を記録ファイルなしで検証します (全ファイルを SHA256SUMS と照合し、記録の連鎖を末尾まで再計算)。",
	        "  lifeboat incident verify --incident /hq/incident.db\n"
	        "  lifeboat incident verify --dir /media/usb/incident-2026-12-07 --head 3f9a0c12\n"
	        "  lifeboat incident verify --incident /hq/incident.db --head 3f9a0c12"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("verify takes no arguments", "verify に引数はありません"));
	if (dir && (c.file || c.store))
		return cli_usage(L_("verify takes either --dir or an incident file, not both",
		                    "verify には --dir か記録ファイルのどちらか一方を指定します"));
	if (dir)
		return ci_verify_dir(dir, head, json);
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_verify_result r;
	int rc = incident_verify(f, head, &r);
	/* the card sets too: their rows must still hash to what each "cards" entry recorded */
	char cards_bad[512] = "";
	if (rc == 0 && r.status == INCIDENT_INTACT && incident_cards_check(f) < 0)
		snprintf(cards_bad, sizeof(cards_bad), "%s", lb_errmsg());
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	static const char *const status_names[] = {"intact", "altered", "removed", "reordered", "head-gone"};
	char hex[2 * INCIDENT_HASH_LEN + 1];
	incident_hex(r.head, INCIDENT_HASH_LEN, hex);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_bool(&w, "ok", r.status == INCIDENT_INTACT);
		json_kv_str(&w, "status", status_names[r.status]);
		json_kv_int(&w, "entries_checked", r.entries);
		json_key(&w, "entry");
		if (r.at)
			json_int(&w, r.at);
		else
			json_null_value(&w);
		json_key(&w, "follows");
		if (r.other)
			json_int(&w, r.other);
		else
			json_null_value(&w);
		json_kv_str(&w, "head", hex);
		json_kv_bool(&w, "cards_ok", !cards_bad[0]);
		json_kv_str(&w, "cards_problem", cards_bad[0] ? cards_bad : NULL);
		json_end(&w);
	} else if (r.status == INCIDENT_INTACT && cards_bad[0]) {
		buf_addf(&out, L_("timeline intact (%lld entries), but %s", "記録は無傷です (%lld 件) が、%s"),
		         (long long)r.entries, cards_bad);
	} else if (r.status == INCIDENT_INTACT) {
		buf_addf(&out, L_("timeline intact: %lld entries, head %.16s", "記録は無傷です: %lld 件、末尾 %.16s"),
		         (long long)r.entries, hex);
	} else if (r.status == INCIDENT_ALTERED) {
		buf_addf(&out,
		         L_("timeline broken: entry #%lld was altered (its content no longer matches its hash)",
		            "記録が壊れています: #%lld が改ざんされています (内容がハッシュと一致しません)"),
		         (long long)r.at);
	} else if (r.status == INCIDENT_REMOVED) {
		buf_addf(&out,
		         L_("timeline broken: entry #%lld was removed (or the entry before it replaced)",
		            "記録が壊れています: #%lld が削除されています (またはその前の記録が差し替えられています)"),
		         (long long)r.at);
	} else if (r.status == INCIDENT_REORDERED) {
		buf_addf(&out,
		         L_("timeline broken: entry #%lld was reordered (it was written after #%lld)",
		            "記録が壊れています: #%lld が並べ替えられています (本来は #%lld の後の記録です)"),
		         (long long)r.at, (long long)r.other);
	} else {
		buf_addf(&out,
		         L_("timeline broken: no entry has the head %s noted earlier (entries after it were removed, "
		            "or the "
		            "chain rewritten); %lld entries hold together up to %.16s",
		            "記録が壊れています: 以前控えた末尾 %s の記録がありません (その後の記録の削除か、連鎖の"
		            "書き換え)。%lld 件が %.16s まで連なっています"),
		         head, (long long)r.entries, hex);
	}
	code = print_free(&out);
	return code ? code : r.status == INCIDENT_INTACT && !cards_bad[0] ? LB_EXIT_OK : LB_EXIT_FINDING;
}
