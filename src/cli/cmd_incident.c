/*
 * cmd_incident.c - `lifeboat incident`: the cyber-incident timeline of headquarters (docs/incident.md). This file
 * holds the dispatch, what the subcommands share, and the ones that write: declare, phase, log, decide, close.
 * The ones that read (status, list, timeline, verify) are in cmd_incident_show.c.
 */
#include "cli_incident.h"

#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

int ci_open(const struct ci_common *c, int create, struct incident_file **f)
{
	struct buf path = {0};
	if (c->file)
		buf_adds(&path, c->file);
	else if (c->store)
		incident_default_path(&path, c->store);
	else
		return cli_usage(
		        L_("incident needs --incident FILE (or --db STORE: incident.db next to the store)",
		           "incident には --incident FILE (または --db STORE: ストアの隣の incident.db) が必要です"));
	int rc = incident_open(f, path.data, create);
	buf_release(&path);
	return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
}

void ci_os_user(char *out, size_t cap)
{
	const struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		snprintf(out, cap, "%s", pw->pw_name);
	else
		snprintf(out, cap, "uid %lu", (unsigned long)getuid());
}

void ci_author(struct buf *b, const struct incident_entry *e)
{
	const char *os = e->os_user ? e->os_user : "?";
	if (e->author)
		buf_addf(b, "%s (OS: %s)", e->author, os);
	else
		buf_addf(b, L_("%s (OS account; no --as)", "%s (OS アカウント、--as なし)"), os);
}

void ci_what(struct buf *b, const struct incident_entry *e)
{
	const char *t = e->type ? e->type : "";
	if (!strcmp(t, INCIDENT_T_DECLARE))
		buf_adds(b, L_("declared", "宣言"));
	else if (!strcmp(t, INCIDENT_T_PHASE))
		buf_addf(b, "%s → %s", L_("phase", "フェーズ"), incident_phase_label(incident_phase_parse(e->kind)));
	else if (!strcmp(t, INCIDENT_T_CLOSE))
		buf_adds(b, L_("closed", "終了"));
	else if (!strcmp(t, INCIDENT_T_CARDS))
		buf_addf(b, L_("%d action cards loaded", "アクションカード %d 枚を読み込み"), e->flags);
	else if (!strcmp(t, INCIDENT_T_DONE))
		buf_addf(b, L_("card %s done", "カード %s 完了"), e->kind ? e->kind : "?");
	else if (!strcmp(t, INCIDENT_T_ASSIGN))
		buf_addf(b, L_("card %s assigned to", "カード %s の担当:"), e->kind ? e->kind : "?");
	else if (!strcmp(t, INCIDENT_T_FACT)) {
		const struct incident_fact_key *k = incident_fact_key_find(e->kind);
		buf_addf(b, "%s: %s", L_("fact sheet", "事実シート"),
		         k         ? lb_tr(k->en, k->ja)
		         : e->kind ? e->kind
		                   : "?");
	} else if (!strcmp(t, "backentry")) /* INCIDENT_T_BACKENTRY (incident/backentry.h) */
		buf_addf(b, "%s: %s", L_("back-entry", "遡及入力"), e->kind ? e->kind : "?");
	else
		buf_adds(b, incident_kind_label(incident_kind_parse(e->kind)));
}

/* The text of e as written, continuation lines indented under it. */
static void add_text(struct buf *b, const char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			buf_adds(b, "\n      ");
		else
			buf_addch(b, *s);
}

void ci_line(struct buf *b, const struct incident_entry *e, int64_t corrected_by)
{
	buf_addf(b, "#%lld ", (long long)e->seq);
	lb_format_local(b, e->at_ms);
	buf_adds(b, " ");
	ci_what(b, e);
	if (e->team)
		buf_addf(b, " [%s]", incident_team_label(incident_team_parse(e->team)));
	/* phase and close entries without a note carry their stored word only */
	int plain =
	        (e->type && !strcmp(e->type, INCIDENT_T_PHASE) && e->kind && e->text && !strcmp(e->text, e->kind)) ||
	        (e->type && !strcmp(e->type, INCIDENT_T_CLOSE) && e->text && !strcmp(e->text, "closed")) ||
	        (e->type && !strcmp(e->type, INCIDENT_T_DONE) && e->kind && e->text && !strcmp(e->text, e->kind));
	if (!plain && e->text) {
		buf_adds(b, " ");
		add_text(b, e->text);
	}
	buf_adds(b, " — ");
	ci_author(b, e);
	if (e->source)
		buf_addf(b, L_(" (source: %s)", " (出典: %s)"), e->source);
	if (e->report)
		buf_addf(b, L_(" (report made: %s)", " (報告済: %s)"),
		         incident_report_label(incident_report_parse(e->report)));
	if (e->ref)
		buf_addf(b, L_(" (corrects #%lld)", " (#%lld の訂正)"), (long long)e->ref);
	if (corrected_by)
		buf_addf(b, L_(" [corrected by #%lld]", " [#%lld で訂正済]"), (long long)corrected_by);
}

void ci_json_time(struct json_w *w, const char *key, int64_t ms)
{
	json_key(w, key);
	if (!ms) {
		json_null_value(w);
		return;
	}
	struct buf t = {0};
	lb_format_utc(&t, ms, 0);
	json_str(w, t.data);
	buf_release(&t);
}

void ci_json_entry(struct json_w *w, const struct incident_entry *e, int64_t corrected_by)
{
	char hex[2 * INCIDENT_HASH_LEN + 1];
	json_obj(w);
	json_kv_int(w, "seq", e->seq);
	json_kv_int(w, "incident", e->incident);
	ci_json_time(w, "at", e->at_ms);
	json_kv_str(w, "type", e->type);
	json_kv_str(w, "kind", e->kind);
	json_kv_str(w, "team", e->team);
	json_kv_str(w, "author", e->author);
	json_kv_str(w, "os_user", e->os_user);
	json_kv_str(w, "text", e->text);
	json_kv_str(w, "report", e->report);
	json_kv_str(w, "source", e->source);
	json_key(w, "corrects");
	if (e->ref)
		json_int(w, e->ref);
	else
		json_null_value(w);
	json_key(w, "corrected_by");
	if (corrected_by)
		json_int(w, corrected_by);
	else
		json_null_value(w);
	incident_hex(e->hash, INCIDENT_HASH_LEN, hex);
	json_kv_str(w, "hash", hex);
	json_end(w);
}

/* Join the operands into one text (the words of a note typed without quotes). */
static void join_operands(struct buf *b, int i, int argc, char **argv)
{
	for (; i < argc; i++)
		buf_addf(b, "%s%s", b->len ? " " : "", argv[i]);
}

/* Append n as the command's writer (and close f). Returns an exit code, with *seq the new entry's number. */
static int append_entry(struct incident_file *f, struct incident_new *n, const struct ci_common *c, int64_t *seq)
{
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	n->author = c->as;
	n->os_user = os;
	int rc = incident_append(f, n, seq);
	incident_file_close(f);
	return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
}

/* Print what was recorded. */
static int say(const char *fmt, ...) LB_PRINTF(1, 2);
static int say(const char *fmt, ...)
{
	struct buf out = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&out, fmt, ap);
	va_end(ap);
	int rc = cli_print(&out);
	buf_release(&out);
	return rc;
}

static int cmd_declare(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *title = NULL, *known = NULL, *cards = NULL;
	int drill = 0, malicious = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "title", &title, "T", "what happened, in a few words", "何が起きたか (短く)"},
	        {LB_OPT_FLAG, 0, "drill", &drill, NULL, "a rehearsal: deadlines shown, nothing is to be reported",
	         "訓練 (期限は表示するが報告はしない)"},
	        {LB_OPT_FLAG, 0, "malicious", &malicious, NULL,
	         "wrongful purpose (unauthorised access, ransomware): PPC final report in 60 days, not 30",
	         "不正の目的 (不正アクセス・ランサムウェア): 個情委の確報は 30 日でなく 60 日以内"},
	        {LB_OPT_STRING, 0, "known-at", &known, "TIME",
	         "when the hospital learned of it (starts every legal deadline; default now)",
	         "病院が事態を知った日時 (法定期限の起点。既定は現在)"},
	        {LB_OPT_STRING, 0, "cards", &cards, "DIR",
	         "the hospital's action cards (YAML, one file per team) instead of the shipped ones",
	         "同梱のものの代わりに使う病院のアクションカード (班ごとの YAML)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident declare --incident FILE --title T [--drill] [--malicious] [--known-at TIME]\n"
	        "                          [--cards DIR] [--as NAME]",
	        "Declare an incident: the first entry of its timeline, in phase 'detection'. --known-at is the time "
	        "the\n"
	        "hospital learned of it (2026-12-07 03:10, local time): the MHLW and police reports are due at once "
	        "from\n"
	        "it, the PPC preliminary report within 3-5 days, the final one within 30 days (60 with --malicious).\n"
	        "Only one incident is open at a time; close it with 'lifeboat incident close'. The file is created if\n"
	        "missing; keep it on the headquarters PC, not on the EHR's servers. The action cards (the shipped "
	        "ones,\n"
	        "or the hospital's with --cards DIR) are copied into the file ('lifeboat incident cards').",
	        "インシデントを宣言します (記録の最初の項目、フェーズは「検知」)。--known-at は病院が事態を知った日時\n"
	        "(2026-12-07 03:10、現地時刻) で、厚労省と警察への報告は直ちに、個人情報保護委員会の速報は 3〜5 "
	        "日以内、\n"
	        "確報は 30 日以内 (--malicious では 60 日以内) がここから数えられます。進行中のインシデントは一度に 1 "
	        "つ\n"
	        "で、'lifeboat incident close' で終了します。ファイルがなければ作ります。電子カルテのサーバではなく\n"
	        "対策本部の PC に置いてください。アクションカード (同梱のもの、または --cards DIR の病院のもの) が\n"
	        "ファイルに写されます ('lifeboat incident cards')。",
	        "  lifeboat incident declare --incident /hq/incident.db --title '電子カルテ停止 ランサムウェア疑い' "
	        "\\\n"
	        "          --malicious --known-at '2026-12-07 03:10' --as '情報システム課 佐藤'\n"
	        "  lifeboat incident declare --db clinical.db --title '年次訓練' --drill"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("declare takes no arguments (the title goes in --title)",
		                    "declare に引数はありません (件名は --title で指定)"));
	if (!title)
		return cli_usage(L_("declare needs --title T", "declare には --title T が必要です"));
	struct incident_new n = {.type = INCIDENT_T_DECLARE,
	                         .text = title,
	                         .flags = (drill ? INCIDENT_F_DRILL : 0) | (malicious ? INCIDENT_F_MALICIOUS : 0)};
	if (known && lb_parse_time(known, &n.known_at_ms) < 0)
		return cli_usage(L_("--known-at takes a time like '2026-12-07 03:10', not '%s'",
		                    "--known-at には '2026-12-07 03:10' のような日時を指定します ('%s' は不可)"),
		                 known);
	if (n.known_at_ms > lb_now_ms() + 5 * 60 * 1000) /* checked again by the library; here before a file is made */
		return cli_usage(L_("--known-at '%s' is in the future", "--known-at '%s' が未来の日時です"), known);
	/* what the library refuses without a timeline (a control character in the title or --as, a known-at before
	 * 2000), refused before the file is made: a refused declaration leaves no empty incident file behind */
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	n.author = c.as;
	n.os_user = os;
	int rc = incident_new_check(&n, lb_now_ms());
	if (rc < 0)
		return cli_error(rc);
	/* the cards are read and checked before anything is written: a bad card file declares nothing */
	struct incident_cardset set;
	if ((code = ci_read_cards(cards, &set)) != 0)
		return code;
	struct incident_file *f;
	int64_t seq = 0;
	if ((code = ci_open(&c, 1, &f)) == 0) {
		rc = incident_declare(f, &n, &set, cards ? cards : "defaults", &seq);
		incident_file_close(f);
		code = rc < 0 ? cli_error(rc) : LB_EXIT_OK;
	}
	size_t ncards = set.n;
	incident_cardset_release(&set);
	if (code != 0)
		return code;
	return say(L_("incident #%lld declared with %zu action cards; 'lifeboat incident status' shows its deadlines, "
	              "'lifeboat incident cards' its cards",
	              "インシデント #%lld を宣言しました (アクションカード %zu 枚)。期限は 'lifeboat incident status'、"
	              "カードは 'lifeboat incident cards' で確認します"),
	           (long long)seq, ncards);
}

static int cmd_phase(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *set = NULL, *note = NULL;
	int code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "set", &set, "PHASE", "detection, initial, recovery or after (or 検知, 初動対応, …)",
	         "detection, initial, recovery, after (または 検知, 初動対応, 復旧処理, 事後対応)"},
	        {LB_OPT_STRING, 0, "note", &note, "TEXT", "why, in a few words", "理由 (短く)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident phase --incident FILE --set detection|initial|recovery|after [--note TEXT] [--as "
	        "NAME]",
	        "Move the open incident to another phase of MHLW's cyber BCP: detection (検知) → initial (初動対応:\n"
	        "contain, cut the network, report) → recovery (復旧処理: restore, bring systems back) → after "
	        "(事後対応:\n"
	        "report the result, prevent recurrence). Going back (a re-infection) is allowed and recorded too.",
	        "進行中のインシデントのフェーズを変えます (厚労省サイバー BCP): detection 検知 → initial 初動対応\n"
	        "(封じ込め・ネットワーク遮断・報告) → recovery 復旧処理 (復元・システム再開) → after 事後対応\n"
	        "(結果報告・再発防止)。戻すこと (再感染など) もでき、それも記録されます。",
	        "  lifeboat incident phase --incident /hq/incident.db --set initial --note 'ネットワーク遮断を開始'\n"
	        "  lifeboat incident phase --incident /hq/incident.db --set 復旧処理"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("phase takes no arguments (the phase goes in --set)",
		                    "phase に引数はありません (フェーズは --set で指定)"));
	if (!set)
		return cli_usage(L_("phase needs --set detection|initial|recovery|after",
		                    "phase には --set detection|initial|recovery|after が必要です"));
	int p = incident_phase_parse(set);
	if (p < 0)
		return cli_usage(L_("no phase '%s' (detection, initial, recovery, after)",
		                    "フェーズ '%s' はありません (detection, initial, recovery, after)"),
		                 set);
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_new n = {
	        .type = INCIDENT_T_PHASE, .kind = incident_phase_name(p), .text = note ? note : incident_phase_name(p)};
	int64_t seq;
	if ((code = append_entry(f, &n, &c, &seq)) != 0)
		return code;
	return say(L_("phase recorded as entry #%lld", "フェーズの変更を #%lld として記録しました"), (long long)seq);
}

/* log and decide: a note of the open incident. */
static int note_cmd(int argc, char **argv, int decide)
{
	struct ci_common c = {0};
	const char *team = NULL, *kind = NULL, *reported = NULL;
	long corrects = 0;
	int code;
	const struct lb_opt log_opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "team", &team, "TEAM", "hq, recovery, liaison, patients, records or safety",
	         "hq 対策本部, recovery 復旧班, liaison 広報・渉外班, patients 患者対応班, records 診療録, safety "
	         "医療安全"},
	        {LB_OPT_STRING, 0, "kind", &kind, "KIND", "fact (default), action, decision, contact or evidence",
	         "fact 事実 (既定), action 対応, decision 決定, contact 連絡, evidence 証拠"},
	        {LB_OPT_STRING, 0, "reported", &reported, "REPORT",
	         "this entry records a report made: mhlw, police, ppc-preliminary or ppc-final (kind contact)",
	         "この記録で報告済とする: mhlw, police, ppc-preliminary, ppc-final (種別は連絡)"},
	        {LB_OPT_INT, 0, "corrects", &corrects, "N", "this entry corrects entry #N (which stays, marked)",
	         "#N の記録を訂正する (元の記録は残り、訂正済と表示)", 1, LONG_MAX},
	        {0},
	};
	const struct lb_opt decide_opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "team", &team, "TEAM", "the team that decided (default hq)", "決定した班 (既定 hq)"},
	        {LB_OPT_INT, 0, "corrects", &corrects, "N", "this decision replaces decision #N",
	         "この決定で #N の決定を置き換える", 1, LONG_MAX},
	        {0},
	};
	static const struct lb_cmd_help log_help = {
	        "lifeboat incident log --incident FILE [--team TEAM] [--kind KIND] [--reported REPORT] [--corrects N]\n"
	        "                      [--as NAME] TEXT…",
	        "Add an entry to the open incident's timeline: what was seen (fact), done (action), decided, who was\n"
	        "called (contact), what was kept for the investigators (evidence). Entries are never changed: a "
	        "mistake\n"
	        "is corrected by a new entry with --corrects N. --reported marks a deadline met (see status).",
	        "進行中のインシデントの記録に 1 件追加します: 見たこと (fact 事実)、したこと (action "
	        "対応)、決めたこと、\n"
	        "連絡した相手 (contact)、調査用に保全したもの (evidence 証拠)。記録は変更できません。誤りは --corrects "
	        "N\n"
	        "を付けた新しい記録で訂正します。--reported で報告期限を済にします (status 参照)。",
	        "  lifeboat incident log --incident /hq/incident.db --team recovery --kind action 'VPN 装置の LAN "
	        "を抜線'\n"
	        "  lifeboat incident log --incident /hq/incident.db --reported mhlw '厚労省 医政局に電話で第一報'\n"
	        "  lifeboat incident log --incident /hq/incident.db --corrects 12 '抜線は 03:40 (03:04 ではない)'"};
	static const struct lb_cmd_help decide_help = {
	        "lifeboat incident decide --incident FILE [--team TEAM] [--corrects N] [--as NAME] TEXT…",
	        "Record a decision of headquarters (restrict or resume care, move patients, go public). Current\n"
	        "decisions are shown first by 'lifeboat incident status'. A new decision that replaces one names it "
	        "with\n"
	        "--corrects N; the old one stays in the timeline, marked.",
	        "対策本部の決定を記録します (診療の制限・再開、転院、公表など)。有効な決定は 'lifeboat incident "
	        "status'\n"
	        "の先頭に表示されます。以前の決定を置き換えるときは --corrects N で指定します "
	        "(元の決定は記録に残ります)。",
	        "  lifeboat incident decide --incident /hq/incident.db --as '院長' '外来新規受付を停止'\n"
	        "  lifeboat incident decide --incident /hq/incident.db --corrects 7 '外来新規受付を再開 (内科・外科)'"};
	int i = cli_parse(argc, argv, decide ? decide_opts : log_opts, decide ? &decide_help : &log_help, &code);
	if (i < 0)
		return code;
	if (i >= argc)
		return cli_usage(decide ? L_("decide needs TEXT", "decide には決定内容が必要です")
		                        : L_("log needs TEXT", "log には記録する内容が必要です"));
	if (team && incident_team_parse(team) < 0)
		return cli_usage(L_("no team '%s' (hq, recovery, liaison, patients, records, safety)",
		                    "班 '%s' はありません (hq, recovery, liaison, patients, records, safety)"),
		                 team);
	if (kind && incident_kind_parse(kind) < 0)
		return cli_usage(L_("no kind '%s' (fact, action, decision, contact, evidence)",
		                    "種別 '%s' はありません (fact, action, decision, contact, evidence)"),
		                 kind);
	if (reported && incident_report_parse(reported) < 0)
		return cli_usage(L_("no report '%s' (mhlw, police, ppc-preliminary, ppc-final)",
		                    "報告先 '%s' はありません (mhlw, police, ppc-preliminary, ppc-final)"),
		                 reported);
	struct buf text = {0};
	join_operands(&text, i, argc, argv);
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0) {
		buf_release(&text);
		return code;
	}
	int k = decide     ? INCIDENT_DECISION
	        : kind     ? incident_kind_parse(kind)
	        : reported ? INCIDENT_CONTACT
	                   : INCIDENT_FACT;
	const char *team_name = team ? incident_team_name(incident_team_parse(team)) : decide ? "hq" : NULL;
	/* a correction keeps the kind and team of what it corrects unless told otherwise */
	struct incident_entry old = {0};
	if (corrects && incident_get(f, corrects, &old) == 0 && old.type && !strcmp(old.type, INCIDENT_T_NOTE)) {
		if (!decide && !kind && !reported && incident_kind_parse(old.kind) >= 0)
			k = incident_kind_parse(old.kind);
		if (!team && incident_team_parse(old.team) >= 0)
			team_name = incident_team_name(incident_team_parse(old.team));
	}
	incident_entry_release(&old);
	struct incident_new n = {.type = INCIDENT_T_NOTE,
	                         .kind = incident_kind_name(k),
	                         .team = team_name,
	                         .text = text.data,
	                         .report = reported ? incident_report_name(incident_report_parse(reported)) : NULL,
	                         .ref = corrects};
	int64_t seq;
	code = append_entry(f, &n, &c, &seq);
	buf_release(&text);
	if (code != 0)
		return code;
	return decide ? say(L_("decision recorded as entry #%lld", "決定を #%lld として記録しました"), (long long)seq)
	              : say(L_("recorded as entry #%lld", "#%lld として記録しました"), (long long)seq);
}

static int cmd_log(int argc, char **argv)
{
	return note_cmd(argc, argv, 0);
}

static int cmd_decide(int argc, char **argv)
{
	return note_cmd(argc, argv, 1);
}

static int cmd_close(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *note = NULL;
	int code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "note", &note, "TEXT", "why it is over", "終了の理由"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident close --incident FILE [--note TEXT] [--as NAME]",
	        "Close the open incident. Its timeline stays in the file ('lifeboat incident list', 'status --id N');\n"
	        "after it, a new incident can be declared.",
	        "進行中のインシデントを終了します。記録はファイルに残り ('lifeboat incident list', 'status --id N')、\n"
	        "終了後は新しいインシデントを宣言できます。",
	        "  lifeboat incident close --incident /hq/incident.db --note '全診療科で通常診療を再開'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("close takes no arguments (a reason goes in --note)",
		                    "close に引数はありません (理由は --note で指定)"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_new n = {.type = INCIDENT_T_CLOSE, .text = note ? note : "closed"};
	int64_t seq;
	if ((code = append_entry(f, &n, &c, &seq)) != 0)
		return code;
	return say(L_("incident closed (entry #%lld)", "インシデントを終了しました (#%lld)"), (long long)seq);
}

int cmd_incident(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"declare", cmd_declare, "declare an incident (starts its timeline and deadlines)",
	         "インシデントを宣言 (記録と報告期限の開始)"},
	        {"phase", cmd_phase, "move to another phase: detection, initial, recovery, after",
	         "フェーズの変更: 検知・初動対応・復旧処理・事後対応"},
	        {"log", cmd_log, "add a fact, action, contact or evidence to the timeline",
	         "事実・対応・連絡・証拠を記録に追加"},
	        {"decide", cmd_decide, "record a decision of headquarters", "対策本部の決定を記録"},
	        {"status", cmd_incident_status, "phase, current decisions, reporting deadlines, latest entries",
	         "フェーズ・有効な決定・報告期限・最新の記録"},
	        {"timeline", cmd_incident_timeline, "every entry of the incident", "インシデントの全記録"},
	        {"list", cmd_incident_list, "the incidents of the file", "ファイル内のインシデント一覧"},
	        {"cards", cmd_incident_cards, "the action cards by team and phase, and their state",
	         "班・フェーズごとのアクションカードとその状態"},
	        {"done", cmd_incident_done, "mark an action card done", "アクションカードを完了にする"},
	        {"assign", cmd_incident_assign, "give an action card to a person",
	         "アクションカードを担当者に割り当てる"},
	        {"contacts", cmd_incident_contacts, "the contact chart (vendors, MHLW, police, …), as text or PDF",
	         "連絡網 (事業者・厚労省・警察など) の表示と PDF"},
	        {"verify", cmd_incident_verify,
	         "check that no entry was altered, removed or reordered (--dir: a medium)",
	         "記録の改ざん・削除・並べ替えがないことを検証 (--dir: 提出用媒体)"},
	        {"fact", cmd_incident_fact, "set one fact of the fact sheet", "事実シートに 1 項目を記入"},
	        {"facts", cmd_incident_facts, "the fact sheet: every key, known or 不明",
	         "事実シート (全項目、不明を含む)"},
	        {"report", cmd_incident_report,
	         "a report draft: mhlw, police, ppc-preliminary, ppc-final, ransomware-common",
	         "報告書案: 厚労省・警察・個情委 速報/確報・ランサムウェア事案共通様式"},
	        {"export", cmd_incident_export, "write the medium for investigators and police (with SHA256SUMS)",
	         "調査・警察向けの提出用媒体を書き出し (SHA256SUMS つき)"},
	        {"close", cmd_close, "close the open incident", "進行中のインシデントを終了"},
	        {"numbers", ci_numbers, "downtime numbers: allocate, list, check (before an outage)",
	         "ダウンタイム番号の払い出し・一覧・確認 (障害の前に)"},
	        {"order", ci_order, "the register of paper orders written during an outage",
	         "障害中に書いた紙のオーダの登録"},
	        {"orders", ci_orders, "a ward's register on a medium: export, import (merge), conflicts, resolve",
	         "病棟の登録の媒体: 書き出し・取り込み (統合)・競合・解決"},
	        {"patient", ci_patient, "link a downtime patient number to a real ID, or undo it",
	         "ダウンタイム患者番号と実際の患者 ID の紐付けと取り消し"},
	        {"backlog", ci_backlog, "the back-entry worklist: enter, scan, bill (and mark steps)",
	         "遡及作業の一覧: 入力・スキャン・請求 (工程の記録)"},
	        {0},
	};
	return cli_dispatch(argc, argv, "incident", subs);
}
