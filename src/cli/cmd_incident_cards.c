/*
 * cmd_incident_cards.c - the action cards of `lifeboat incident`: cards (list, --load, --check), done, assign.
 * The library (src/incident/cards.c) keeps the cards in the incident file and their state in the timeline; this
 * file reads options and prints.
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

/* The title, owner and steps in the current language. */
static const char *tr2(const char *en, const char *ja)
{
	return lb_lang() == LB_LANG_JA ? ja : en;
}

int ci_read_cards(const char *dir, struct incident_cardset *s)
{
	int rc = dir ? incident_cards_read_dir(s, dir) : incident_cards_defaults(s);
	return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
}

int ci_load_cards(struct incident_file *f, const struct incident_cardset *s, const char *dir, const struct ci_common *c,
                  int64_t *seq)
{
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	struct incident_new who = {.author = c->as, .os_user = os};
	int rc = incident_cards_load(f, s, dir ? dir : "defaults", &who, seq);
	return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
}

static void card_line(struct buf *b, const struct incident_card_state *c, int steps, int tty)
{
	const struct incident_card *k = &c->card;
	buf_addf(b, "  %s  [%s]", k->id, incident_card_phase_label(k->phase));
	if (c->due_ms) {
		buf_addf(b, " %s ", L_("due", "期限"));
		lb_format_local(b, c->due_ms);
	}
	if (c->overdue)
		buf_addf(b, " %s%s%s", tty ? "\033[1;31m" : "", L_("[OVERDUE]", "[期限超過]"), tty ? "\033[0m" : "");
	buf_adds(b, "  ");
	switch (c->status) {
	case INCIDENT_CARD_OPEN:
		buf_adds(b, L_("open", "未着手"));
		break;
	case INCIDENT_CARD_ASSIGNED:
		buf_addf(b, L_("assigned to %s (#%lld)", "%s に割当 (#%lld)"), c->assignee, (long long)c->assigned_seq);
		break;
	case INCIDENT_CARD_DONE:
		buf_addf(b, L_("done by %s at ", "完了 %s "), c->done_by);
		lb_format_local(b, c->done_ms);
		buf_addf(b, " (#%lld)", (long long)c->done_seq);
		if (c->done_note)
			buf_addf(b, ": %s", c->done_note);
		break;
	}
	buf_addf(b, "\n      %s", tr2(k->title_en, k->title_ja));
	if (k->owner_ja)
		buf_addf(b, L_(" — owner: %s", " — 担当: %s"), tr2(k->owner_en, k->owner_ja));
	buf_adds(b, "\n");
	for (size_t i = 0; steps && i < k->nsteps; i++)
		buf_addf(b, "      %zu. %s\n", i + 1, tr2(k->steps[i].en, k->steps[i].ja));
}

static void cards_text(const struct incident_cards *cs, int steps, struct buf *b)
{
	int tty = isatty(STDOUT_FILENO);
	size_t done = 0, overdue = 0;
	for (size_t i = 0; i < cs->n; i++) {
		done += cs->v[i].status == INCIDENT_CARD_DONE;
		overdue += cs->v[i].overdue != 0;
	}
	buf_addf(b,
	         L_("%zu cards (%zu done, %zu overdue), loaded by entry #%lld from %s\n",
	            "カード %zu 枚 (完了 %zu、期限超過 %zu)、#%lld で %s から読み込み\n"),
	         cs->n, done, overdue, (long long)cs->load_seq, cs->source ? cs->source : "?");
	for (int t = 0; t < INCIDENT_TEAMS; t++) {
		int header = 0;
		for (size_t i = 0; i < cs->n; i++) {
			if (cs->v[i].card.team != t)
				continue;
			if (!header++)
				buf_addf(b, "%s\n", incident_team_label(t));
			card_line(b, &cs->v[i], steps, tty);
		}
	}
	if (b->len && b->data[b->len - 1] == '\n') /* cli_print ends the output */
		b->data[--b->len] = '\0';
}

static void json_pair(struct json_w *w, const char *key, const char *ja, const char *en)
{
	json_key(w, key);
	if (!ja) {
		json_null_value(w);
		return;
	}
	json_obj(w);
	json_kv_str(w, "ja", ja);
	json_kv_str(w, "en", en);
	json_end(w);
}

static void cards_json(int64_t id, const struct incident_cards *cs, struct buf *b)
{
	static const char *const status[] = {"open", "assigned", "done"};
	struct json_w w = {.out = b};
	json_obj(&w);
	json_kv_int(&w, "incident", id);
	json_key(&w, "loaded_by");
	if (cs->load_seq)
		json_int(&w, cs->load_seq);
	else
		json_null_value(&w);
	json_kv_str(&w, "source", cs->source);
	json_key(&w, "cards");
	json_arr(&w);
	for (size_t i = 0; i < cs->n; i++) {
		const struct incident_card_state *c = &cs->v[i];
		const struct incident_card *k = &c->card;
		json_obj(&w);
		json_kv_str(&w, "id", k->id);
		json_kv_str(&w, "team", incident_team_name(k->team));
		json_kv_str(&w, "phase", incident_card_phase_name(k->phase));
		json_pair(&w, "title", k->title_ja, k->title_en);
		json_pair(&w, "owner", k->owner_ja, k->owner_en);
		json_key(&w, "due_minutes");
		if (k->due_min >= 0)
			json_int(&w, k->due_min);
		else
			json_null_value(&w);
		ci_json_time(&w, "due", c->due_ms);
		json_kv_bool(&w, "overdue", c->overdue);
		json_kv_str(&w, "status", status[c->status]);
		json_kv_str(&w, "assigned_to", c->assignee);
		ci_json_time(&w, "assigned_at", c->assigned_ms);
		json_kv_str(&w, "done_by", c->done_by);
		ci_json_time(&w, "done_at", c->done_ms);
		json_key(&w, "done_entry");
		if (c->done_seq)
			json_int(&w, c->done_seq);
		else
			json_null_value(&w);
		json_kv_str(&w, "note", c->done_note);
		json_key(&w, "steps");
		json_arr(&w);
		for (size_t j = 0; j < k->nsteps; j++) {
			json_obj(&w);
			json_kv_str(&w, "ja", k->steps[j].ja);
			json_kv_str(&w, "en", k->steps[j].en);
			json_end(&w);
		}
		json_end(&w);
		json_end(&w);
	}
	json_end(&w);
	json_end(&w);
	json_finish(&w);
}

/* cards --check DIR: validate a hospital's card files without touching any incident. */
static int check_dir(const char *dir, int json)
{
	struct incident_cardset s;
	int rc = incident_cards_read_dir(&s, dir);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	size_t per[INCIDENT_TEAMS] = {0};
	for (size_t i = 0; i < s.n; i++)
		per[s.v[i].team]++;
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		json_kv_bool(&w, "valid", 1);
		json_kv_int(&w, "cards", (int64_t)s.n);
		json_key(&w, "teams");
		json_obj(&w);
		for (int t = 0; t < INCIDENT_TEAMS; t++)
			json_kv_int(&w, incident_team_name(t), (int64_t)per[t]);
		json_end(&w);
		json_end(&w);
		json_finish(&w);
	} else {
		buf_addf(&out, L_("%s: %zu cards, all valid:", "%s: カード %zu 枚、すべて正しく読めました:"), dir, s.n);
		for (int t = 0; t < INCIDENT_TEAMS; t++)
			buf_addf(&out, " %s %zu", incident_team_label(t), per[t]);
	}
	incident_cardset_release(&s);
	return print_free(&out);
}

int cmd_incident_cards(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *team = NULL, *phase = NULL, *load = NULL, *check = NULL;
	long id = 0;
	int json = 0, steps = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "team", &team, "TEAM", "only this team's cards (hq, recovery, …)",
	         "この班のカードだけ (hq, recovery, …)"},
	        {LB_OPT_STRING, 0, "phase", &phase, "PHASE", "only this phase's cards (normal, detection, …)",
	         "このフェーズのカードだけ (normal 平時, detection 検知, …)"},
	        {LB_OPT_FLAG, 0, "steps", &steps, NULL, "show each card's steps", "各カードの手順も表示"},
	        {LB_OPT_INT, 0, "id", &id, "N", "incident #N (default: the open one)",
	         "インシデント #N (既定: 進行中のもの)", 1, LONG_MAX},
	        {LB_OPT_FLAG, 0, "json", &json, NULL, "JSON output", "JSON で出力"},
	        {LB_OPT_STRING, 0, "load", &load, "DIR", "replace the open incident's cards with the YAML files of DIR",
	         "進行中のインシデントのカードを DIR の YAML で置き換える"},
	        {LB_OPT_STRING, 0, "check", &check, "DIR", "check the card files of DIR (no incident file needed)",
	         "DIR のカードのファイルを検査 (インシデント記録ファイルは不要)"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident cards --incident FILE [--team TEAM] [--phase PHASE] [--steps] [--id N] [--json]\n"
	        "       lifeboat incident cards --incident FILE --load DIR [--as NAME]\n"
	        "       lifeboat incident cards --check DIR",
	        "The action cards of the incident, by team: what to do in which phase, by when (counted from the\n"
	        "declaration), and whether it is open, assigned or done (from the timeline). --load replaces the "
	        "cards\n"
	        "with a hospital's own YAML files (one per team; see docs/incident.md); a file that does not validate\n"
	        "is refused with its file and line, and the incident keeps its cards. --check validates a folder.",
	        "インシデントのアクションカードを班ごとに表示します: どのフェーズに何を、いつまでに "
	        "(宣言から数える)、\n"
	        "未着手・割当・完了 (記録から) のどれか。--load で病院のカード (班ごとの YAML、docs/incident.md) に\n"
	        "置き換えます。正しくないファイルはファイル名と行で拒否され、カードは元のままです。--check "
	        "はフォルダの\n"
	        "カードを検査します。",
	        "  lifeboat incident cards --incident /hq/incident.db --team recovery --steps\n"
	        "  lifeboat incident cards --check /hq/cards\n"
	        "  lifeboat incident cards --incident /hq/incident.db --load /hq/cards --as '情報システム課 佐藤'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("cards takes no arguments", "cards に引数はありません"));
	if (check)
		return check_dir(check, json);
	int t = -1, p = -1;
	if (team && (t = incident_team_parse(team)) < 0)
		return cli_usage(L_("no team '%s' (hq, recovery, liaison, patients, records, safety)",
		                    "班 '%s' はありません (hq, recovery, liaison, patients, records, safety)"),
		                 team);
	if (phase && (p = incident_card_phase_parse(phase)) < 0)
		return cli_usage(L_("no phase '%s' (normal, detection, initial, recovery, after)",
		                    "フェーズ '%s' はありません (normal, detection, initial, recovery, after)"),
		                 phase);
	struct incident_file *f;
	if (load) {
		struct incident_cardset s;
		if ((code = ci_read_cards(load, &s)) != 0) /* before the file is opened: nothing changes */
			return code;
		int64_t seq = 0;
		if ((code = ci_open(&c, 0, &f)) == 0) {
			code = ci_load_cards(f, &s, load, &c, &seq);
			incident_file_close(f);
		}
		size_t n = s.n;
		incident_cardset_release(&s);
		if (code != 0)
			return code;
		struct buf out = {0};
		buf_addf(&out,
		         L_("%zu cards loaded from %s (entry #%lld)", "カード %zu 枚を %s から読み込みました (#%lld)"),
		         n, load, (long long)seq);
		return print_free(&out);
	}
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct incident_cards cs;
	int rc = incident_cards(f, id, t, p, lb_now_ms(), &cs);
	int64_t shown = id;
	if (rc == 0 && !shown)
		incident_current(f, &shown);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (json)
		cards_json(shown, &cs, &out);
	else if (!cs.load_seq)
		buf_addf(&out, "%s",
		         L_("this incident has no cards (load them with 'lifeboat incident cards --load DIR')",
		            "このインシデントにはカードがありません ('lifeboat incident cards --load DIR' "
		            "で読み込みます)"));
	else
		cards_text(&cs, steps, &out);
	incident_cards_release(&cs);
	return print_free(&out);
}

/* done and assign. */
static int card_cmd(int argc, char **argv, int assign)
{
	struct ci_common c = {0};
	const char *note = NULL, *to = NULL;
	int code;
	const struct lb_opt done_opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "note", &note, "TEXT", "what was done, in a few words", "実施内容 (短く)"},
	        {0},
	};
	const struct lb_opt assign_opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "to", &to, "NAME", "the person who is to do it", "担当する人"},
	        {0},
	};
	static const struct lb_cmd_help done_help = {
	        "lifeboat incident done --incident FILE CARD [--note TEXT] [--as NAME]",
	        "Mark an action card of the open incident done: a timeline entry with who did it and when. A card is\n"
	        "done once; done twice is refused.",
	        "進行中のインシデントのアクションカードを完了にします (誰がいつ完了したかを記録に残します)。完了は 1 "
	        "回\n"
	        "だけで、2 回目は拒否されます。",
	        "  lifeboat incident done --incident /hq/incident.db recovery-isolate --as '佐藤' --note '03:40 完了'"};
	static const struct lb_cmd_help assign_help = {
	        "lifeboat incident assign --incident FILE CARD --to NAME [--as NAME]",
	        "Give an action card of the open incident to a person: a timeline entry. Assigning again gives it to\n"
	        "someone else; a done card cannot be assigned.",
	        "進行中のインシデントのアクションカードを担当者に割り当てます (記録に残します)。もう一度割り当てると\n"
	        "担当が変わります。完了したカードは割り当てられません。",
	        "  lifeboat incident assign --incident /hq/incident.db liaison-police --to '総務課 田中' --as 院長"};
	int i = cli_parse(argc, argv, assign ? assign_opts : done_opts, assign ? &assign_help : &done_help, &code);
	if (i < 0)
		return code;
	if (i >= argc)
		return cli_usage(assign ? L_("assign needs CARD (its id, as 'incident cards' shows)",
		                             "assign にはカード id ('incident cards' で表示) が必要です")
		                        : L_("done needs CARD (its id, as 'incident cards' shows)",
		                             "done にはカード id ('incident cards' で表示) が必要です"));
	if (i + 1 < argc)
		return cli_usage(L_("one card at a time (the note goes in --note)",
		                    "カードは 1 枚ずつ指定します (内容は --note)"));
	if (assign && !to)
		return cli_usage(L_("assign needs --to NAME", "assign には --to NAME が必要です"));
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	struct incident_new who = {.author = c.as, .os_user = os};
	int64_t seq = 0;
	int rc = assign ? incident_card_assign(f, argv[i], to, &who, &seq)
	                : incident_card_done(f, argv[i], note, &who, &seq);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (assign)
		buf_addf(&out, L_("card %s assigned to %s (entry #%lld)", "カード %s を %s に割り当てました (#%lld)"),
		         argv[i], to, (long long)seq);
	else
		buf_addf(&out, L_("card %s done (entry #%lld)", "カード %s を完了にしました (#%lld)"), argv[i],
		         (long long)seq);
	return print_free(&out);
}

int cmd_incident_done(int argc, char **argv)
{
	return card_cmd(argc, argv, 0);
}

int cmd_incident_assign(int argc, char **argv)
{
	return card_cmd(argc, argv, 1);
}
