/*
 * cards.c - the action cards in the incident file: loading a set, their state, done and assign.
 *
 * A set is loaded in one transaction with the timeline entry that brings it: the declaration (incident_declare),
 * or later a "cards" entry; that entry's kind is the set's BLAKE2b hash, and the rows of cards, card_steps and
 * card_sets are keyed by its seq. The rows are never changed (triggers refuse it); a later set is new rows under a
 * new entry, and the incident's current set is the newest. Before any listing the rows are hashed again and compared with the entry, so an edit of the
 * tables in the file is caught like an edit of the timeline.
 *
 * The state of a card is not stored: it is the incident's "assign" and "done" entries that name its id, read in
 * timeline order on every call. So the chain is the one record of who did what, and a card keeps its state across
 * a reload of the set as long as its id stays. The statements here are prepared per call: cards are read a few
 * times a minute, not in a loop.
 */
#include "incident_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- words ---------------------------------------------------------------------------------------------------- */

const char *incident_card_phase_name(int phase)
{
	return phase == INCIDENT_NORMAL ? "normal" : incident_phase_name(phase);
}

const char *incident_card_phase_label(int phase)
{
	return phase == INCIDENT_NORMAL ? lb_tr("normal times", "平時") : incident_phase_label(phase);
}

int incident_card_phase_parse(const char *s)
{
	if (s && (!strcmp(s, "normal") || !strcmp(s, "平時")))
		return INCIDENT_NORMAL;
	return incident_phase_parse(s);
}

/* ---- SQL ------------------------------------------------------------------------------------------------------ */

static sqlite3_stmt *prep(struct incident_file *f, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK) {
		incident_sqlerr(f, "reading the incident file");
		return NULL;
	}
	return st;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? lb_strdup((const char *)t) : NULL;
}

/* The entry that loaded incident id's current set (the newest "cards" entry, else the declaration when it
 * carries a set): its seq in *load (0 when none), the hash hex it recorded, and where the set came from. */
static int newest_load(struct incident_file *f, int64_t id, int64_t *load, char *hash_hex, char **source)
{
	*load = 0;
	/* type IN (…) and +seq: through entries_kind, not a walk of every entry of the incident (the board reads this
	 * on every view; 10,000 entries took 5 ms) */
	sqlite3_stmt *st = prep(f, "SELECT e.seq, e.kind, s.source FROM entries e LEFT JOIN card_sets s ON s.load ="
	                           " e.seq WHERE e.incident = ?1 AND e.type IN ('cards', 'declare') AND (e.type ="
	                           " 'cards' OR e.kind IS NOT NULL) ORDER BY +e.seq DESC LIMIT 1");
	if (!st)
		return -LB_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*load = sqlite3_column_int64(st, 0);
		snprintf(hash_hex, 2 * INCIDENT_HASH_LEN + 1, "%s",
		         sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
		if (source)
			*source = col_dup(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : incident_sqlerr(f, "reading the incident file");
}

/* The cards of load `load` into out, in their order. */
static int read_set(struct incident_file *f, int64_t load, struct incident_cardset *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = prep(f, "SELECT id, team, phase, due_min, title_ja, title_en, owner_ja, owner_en, file,"
	                           " line FROM cards WHERE load = ?1 ORDER BY ord");
	sqlite3_stmt *ss = prep(f, "SELECT ja, en FROM card_steps WHERE load = ?1 AND card = ?2 ORDER BY ord");
	int rc = st && ss ? 0 : -LB_EINTERNAL, step = SQLITE_DONE;
	if (rc == 0)
		sqlite3_bind_int64(st, 1, load);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n >= INCIDENT_CARDS_MAX)
			break;
		if (out->n % 16 == 0)
			out->v = lb_realloc(out->v, (out->n + 16) * sizeof(*out->v));
		struct incident_card *k = &out->v[out->n++];
		memset(k, 0, sizeof(*k));
		k->id = col_dup(st, 0);
		k->team = incident_team_parse((const char *)sqlite3_column_text(st, 1));
		k->phase = incident_card_phase_parse((const char *)sqlite3_column_text(st, 2));
		k->due_min = sqlite3_column_int64(st, 3);
		k->title_ja = col_dup(st, 4);
		k->title_en = col_dup(st, 5);
		k->owner_ja = col_dup(st, 6);
		k->owner_en = col_dup(st, 7);
		k->file = col_dup(st, 8);
		k->line = sqlite3_column_int(st, 9);
		sqlite3_reset(ss);
		sqlite3_bind_int64(ss, 1, load);
		sqlite3_bind_text(ss, 2, k->id ? k->id : "", -1, SQLITE_TRANSIENT);
		int s2;
		while ((s2 = sqlite3_step(ss)) == SQLITE_ROW && k->nsteps < INCIDENT_CARD_STEPS_MAX) {
			k->steps = lb_realloc(k->steps, (k->nsteps + 1) * sizeof(*k->steps));
			k->steps[k->nsteps].ja = col_dup(ss, 0);
			k->steps[k->nsteps].en = col_dup(ss, 1);
			k->nsteps++;
		}
		if (s2 != SQLITE_DONE && s2 != SQLITE_ROW)
			rc = incident_sqlerr(f, "reading the incident file");
	}
	if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = incident_sqlerr(f, "reading the incident file");
	sqlite3_finalize(st);
	sqlite3_finalize(ss);
	if (rc < 0)
		incident_cardset_release(out);
	return rc;
}

/* The set of load `load` read back and checked against the hash its entry recorded. */
static int read_checked(struct incident_file *f, int64_t load, const char *want_hex, struct incident_cardset *out)
{
	int rc = read_set(f, load, out);
	if (rc < 0)
		return rc;
	uint8_t h[INCIDENT_HASH_LEN];
	char hex[2 * INCIDENT_HASH_LEN + 1];
	incident_cardset_hash(out, h);
	incident_hex(h, INCIDENT_HASH_LEN, hex);
	int bad = strcmp(hex, want_hex) != 0;
	for (size_t i = 0; !bad && i < out->n; i++)
		bad = out->v[i].team < 0 || out->v[i].phase < 0;
	if (bad) {
		incident_cardset_release(out);
		return lb_error_tr(
		        LB_ECORRUPT,
		        "the cards loaded by entry #%lld were changed in the file (they no longer match the "
		        "hash the timeline recorded)",
		        "#%lld で読み込んだカードがファイル上で変更されています (記録されたハッシュと一致しません)",
		        (long long)load);
	}
	return 0;
}

/* ---- checks before an entry is appended ----------------------------------------------------------------------- */

int incident_cardset_valid(const struct incident_cardset *s)
{
	if (s->n == 0)
		return lb_error_tr(LB_EINVAL, "the card set is empty", "カードが 1 枚もありません");
	if (s->n > INCIDENT_CARDS_MAX)
		return lb_error_tr(LB_EINVAL, "more than %d cards", "カードが %d 枚を超えています", INCIDENT_CARDS_MAX);
	for (size_t i = 0; i < s->n; i++) {
		const struct incident_card *k = &s->v[i];
		if (!k->id || !*k->id || strlen(k->id) > INCIDENT_CARD_ID_MAX || !k->title_ja || !k->title_en ||
		    k->team < 0 || k->team >= INCIDENT_TEAMS || k->phase < 0 || k->phase > INCIDENT_NORMAL ||
		    k->due_min < -1 || k->due_min > INCIDENT_CARD_DUE_MAX || k->nsteps > INCIDENT_CARD_STEPS_MAX)
			return lb_error_tr(LB_EINVAL, "card %zu of the set is incomplete",
			                   "カード %zu 枚目が不完全です", i + 1);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->v[j].id, k->id))
				return lb_error_tr(LB_EINVAL, "card id '%s' is used twice",
				                   "カード id '%s' が重複しています", k->id);
	}
	return 0;
}

/* The card id of the current set of incident id: 1 found (its team into team_out), 0 not. */
static int find_card(struct incident_file *f, int64_t id, const char *card, const char **team_out, int *found)
{
	static char team_buf[32];
	*found = 0;
	int64_t load;
	char hex[2 * INCIDENT_HASH_LEN + 1];
	int rc = newest_load(f, id, &load, hex, NULL);
	if (rc < 0 || !load)
		return rc;
	sqlite3_stmt *st = prep(f, "SELECT team FROM cards WHERE load = ?1 AND id = ?2");
	if (!st)
		return -LB_EINTERNAL;
	sqlite3_bind_int64(st, 1, load);
	sqlite3_bind_text(st, 2, card, -1, SQLITE_TRANSIENT);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = 1;
		snprintf(team_buf, sizeof(team_buf), "%s",
		         sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
		if (team_out)
			*team_out = team_buf;
	}
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : incident_sqlerr(f, "reading the incident file");
}

/* The done entry of card in incident id: *seq 0 when none, else its seq, time and writer (into who). */
static int done_entry(struct incident_file *f, int64_t id, const char *card, int64_t *seq, int64_t *at, char *who,
                      size_t cap)
{
	*seq = 0;
	sqlite3_stmt *st = prep(f, "SELECT seq, at_ms, coalesce(author, os_user) FROM entries WHERE incident = ?1"
	                           " AND type = 'done' AND kind = ?2 ORDER BY seq LIMIT 1");
	if (!st)
		return -LB_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, card, -1, SQLITE_TRANSIENT);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		*at = sqlite3_column_int64(st, 1);
		snprintf(who, cap, "%s", sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "?");
	}
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : incident_sqlerr(f, "reading the incident file");
}

int incident_card_hash_ok(const char *kind)
{
	size_t len = kind ? strlen(kind) : 0;
	return len == 2 * INCIDENT_HASH_LEN && strspn(kind, "0123456789abcdef") == len;
}

int incident_card_check_entry(struct incident_file *f, int64_t open, const struct incident_new *n)
{
	if (!strcmp(n->type, INCIDENT_T_CARDS)) {
		if (!incident_card_hash_ok(n->kind) || n->flags <= 0)
			return lb_error(LB_EINTERNAL, /* i18n-ok: a caller bug, never user input */
			                "a cards entry needs the set's hash and size");
		return 0;
	}
	if (!n->kind || !*n->kind)
		return lb_error_tr(LB_EINVAL, "no card named", "カードの指定がありません");
	const char *team = NULL;
	int found, rc = find_card(f, open, n->kind, &team, &found);
	if (rc < 0)
		return rc;
	if (!found)
		return lb_error_tr(
		        LB_ENOTFOUND, "no card '%s' in the open incident ('lifeboat incident cards' lists them)",
		        "進行中のインシデントにカード '%s' はありません ('lifeboat incident cards' で一覧)", n->kind);
	if (!n->team || strcmp(n->team, team))
		return lb_error(LB_EINTERNAL, /* i18n-ok: a caller bug */ "card '%s' is of team '%s'", n->kind, team);
	int64_t seq, at = 0;
	char who[INCIDENT_NAME_MAX + 1];
	if ((rc = done_entry(f, open, n->kind, &seq, &at, who, sizeof(who))) < 0)
		return rc;
	if (seq) {
		struct buf t = {0};
		lb_format_local(&t, at);
		rc = !strcmp(n->type, INCIDENT_T_DONE)
		             ? lb_error_tr(LB_EEXIST, "card '%s' is already done (by %s at %s, entry #%lld)",
		                           "カード '%s' は完了済みです (%s、%s、#%lld)", n->kind, who, t.data,
		                           (long long)seq)
		             : lb_error_tr(
		                       LB_EEXIST,
		                       "card '%s' is already done (by %s at %s, entry #%lld): it cannot be assigned",
		                       "カード '%s' は完了済みのため割り当てられません (%s、%s、#%lld)", n->kind, who,
		                       t.data, (long long)seq);
		buf_release(&t);
		return rc;
	}
	if (!strcmp(n->type, INCIDENT_T_ASSIGN) && strlen(n->text) > INCIDENT_NAME_MAX)
		return lb_error_tr(LB_EINVAL, "the name is %zu bytes long; at most %d",
		                   "名前が %zu バイトあります (上限 %d)", strlen(n->text), INCIDENT_NAME_MAX);
	if (!strcmp(n->type, INCIDENT_T_ASSIGN) && strchr(n->text, '\n'))
		return lb_error_tr(LB_EINVAL, "the name holds a line break", "名前に改行があります");
	return 0;
}

/* ---- loading ---------------------------------------------------------------------------------------------------- */

static int insert_set(struct incident_file *f, int64_t load, const struct incident_cardset *s, const char *source)
{
	sqlite3_stmt *cs = prep(f, "INSERT INTO card_sets(load, source, cards) VALUES(?1, ?2, ?3)");
	if (!cs)
		return -LB_EINTERNAL;
	sqlite3_bind_int64(cs, 1, load);
	incident_bind_text(cs, 2, source);
	sqlite3_bind_int64(cs, 3, (int64_t)s->n);
	int done = sqlite3_step(cs);
	sqlite3_finalize(cs);
	if (done != SQLITE_DONE)
		return incident_sqlerr(f, "writing the incident file");
	sqlite3_stmt *st = prep(f, "INSERT INTO cards(load, ord, id, team, phase, due_min, title_ja, title_en,"
	                           " owner_ja, owner_en, file, line) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	                           " ?11, ?12)");
	sqlite3_stmt *ss = prep(f, "INSERT INTO card_steps(load, card, ord, ja, en) VALUES(?1, ?2, ?3, ?4, ?5)");
	int rc = st && ss ? 0 : -LB_EINTERNAL;
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		const struct incident_card *k = &s->v[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, load);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		incident_bind_text(st, 3, k->id);
		incident_bind_text(st, 4, incident_team_name(k->team));
		incident_bind_text(st, 5, incident_card_phase_name(k->phase));
		sqlite3_bind_int64(st, 6, k->due_min);
		incident_bind_text(st, 7, k->title_ja);
		incident_bind_text(st, 8, k->title_en);
		incident_bind_text(st, 9, k->owner_ja);
		incident_bind_text(st, 10, k->owner_en);
		incident_bind_text(st, 11, k->file);
		sqlite3_bind_int(st, 12, k->line);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = incident_sqlerr(f, "writing the incident file");
		for (size_t j = 0; rc == 0 && j < k->nsteps; j++) {
			sqlite3_reset(ss);
			sqlite3_bind_int64(ss, 1, load);
			incident_bind_text(ss, 2, k->id);
			sqlite3_bind_int64(ss, 3, (int64_t)j);
			incident_bind_text(ss, 4, k->steps[j].ja);
			incident_bind_text(ss, 5, k->steps[j].en);
			if (sqlite3_step(ss) != SQLITE_DONE)
				rc = incident_sqlerr(f, "writing the incident file");
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ss);
	return rc;
}

/* Append n and copy s under its seq, in one transaction. */
static int append_with_set(struct incident_file *f, const struct incident_new *n, const struct incident_cardset *s,
                           const char *source, int64_t *seq)
{
	if (sqlite3_exec(f->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return incident_sqlerr(f, "locking the incident file");
	int64_t got = 0;
	int rc = incident_append_in(f, n, &got);
	if (rc == 0)
		rc = insert_set(f, got, s, source);
	if (rc == 0 && sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = incident_sqlerr(f, "writing the incident file");
	if (rc < 0) {
		sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (seq)
		*seq = got;
	return 0;
}

int incident_declare(struct incident_file *f, const struct incident_new *n, const struct incident_cardset *s,
                     const char *source, int64_t *seq)
{
	if (!n->type || strcmp(n->type, INCIDENT_T_DECLARE))
		return lb_error(LB_EINTERNAL, /* i18n-ok: a caller bug */ "incident_declare appends a declaration");
	if (!s)
		return incident_append(f, n, seq);
	int rc = incident_cardset_valid(s);
	if (rc < 0)
		return rc;
	uint8_t h[INCIDENT_HASH_LEN];
	char hex[2 * INCIDENT_HASH_LEN + 1];
	incident_cardset_hash(s, h);
	incident_hex(h, INCIDENT_HASH_LEN, hex);
	struct incident_new d = *n;
	d.kind = hex;
	return append_with_set(f, &d, s, source && *source ? source : "defaults", seq);
}

int incident_cards_load(struct incident_file *f, const struct incident_cardset *s, const char *source,
                        const struct incident_new *who, int64_t *seq)
{
	int rc = incident_cardset_valid(s);
	if (rc < 0)
		return rc;
	uint8_t h[INCIDENT_HASH_LEN];
	char hex[2 * INCIDENT_HASH_LEN + 1];
	incident_cardset_hash(s, h);
	incident_hex(h, INCIDENT_HASH_LEN, hex);
	const char *src = source && *source ? source : "defaults";
	struct incident_new n = {.type = INCIDENT_T_CARDS,
	                         .kind = hex,
	                         .author = who ? who->author : NULL,
	                         .os_user = who ? who->os_user : NULL,
	                         .at_ms = who ? who->at_ms : 0,
	                         .text = src,
	                         .flags = (int)s->n};
	return append_with_set(f, &n, s, src, seq);
}

/* ---- reading the state ------------------------------------------------------------------------------------------ */

static void state_release(struct incident_card_state *c)
{
	incident_card_release(&c->card);
	free(c->assignee);
	free(c->done_by);
	free(c->done_note);
	memset(c, 0, sizeof(*c));
}

void incident_cards_release(struct incident_cards *c)
{
	for (size_t i = 0; i < c->n; i++)
		state_release(&c->v[i]);
	free(c->v);
	free(c->source);
	memset(c, 0, sizeof(*c));
}

static struct incident_card_state *find_state(struct incident_cards *c, const char *id)
{
	for (size_t i = 0; id && i < c->n; i++)
		if (!strcmp(c->v[i].card.id, id))
			return &c->v[i];
	return NULL;
}

/* The state of every card of out from the incident's assign and done entries, in timeline order. */
static int replay(struct incident_file *f, int64_t id, struct incident_cards *out)
{
	sqlite3_stmt *st = prep(f, "SELECT seq, at_ms, type, kind, text, coalesce(author, os_user) FROM entries"
	                           " WHERE incident = ?1 AND type IN ('assign', 'done') ORDER BY +seq");
	if (!st)
		return -LB_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct incident_card_state *c = find_state(out, (const char *)sqlite3_column_text(st, 3));
		const char *type = (const char *)sqlite3_column_text(st, 2);
		if (!c || !type || c->status == INCIDENT_CARD_DONE)
			continue; /* a card no longer in the set, or done already */
		if (!strcmp(type, INCIDENT_T_ASSIGN)) {
			free(c->assignee);
			c->assignee = col_dup(st, 4);
			c->assigned_seq = sqlite3_column_int64(st, 0);
			c->assigned_ms = sqlite3_column_int64(st, 1);
			c->status = INCIDENT_CARD_ASSIGNED;
		} else {
			c->status = INCIDENT_CARD_DONE;
			c->done_seq = sqlite3_column_int64(st, 0);
			c->done_ms = sqlite3_column_int64(st, 1);
			c->done_by = col_dup(st, 5);
			const char *t = (const char *)sqlite3_column_text(st, 4);
			c->done_note = t && strcmp(t, c->card.id) ? lb_strdup(t) : NULL;
		}
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : incident_sqlerr(f, "reading the incident file");
}

int incident_cards(struct incident_file *f, int64_t id, int team, int phase, int64_t now_ms, struct incident_cards *out)
{
	memset(out, 0, sizeof(*out));
	int rc = 0;
	if (!id && (rc = incident_current(f, &id)) == 0 && !id)
		return lb_error_tr(LB_ENOTFOUND, "no open incident (declare one with 'lifeboat incident declare')",
		                   "進行中のインシデントはありません ('lifeboat incident declare' で宣言します)");
	if (rc < 0)
		return rc;
	struct incident_entry decl = {0};
	if ((rc = incident_get(f, id, &decl)) < 0)
		return rc;
	int is_declare = decl.type && !strcmp(decl.type, INCIDENT_T_DECLARE);
	int64_t declared = decl.at_ms; /* a card's due counts from the declaration, not from --known-at */
	incident_entry_release(&decl);
	if (!is_declare)
		return lb_error_tr(LB_ENOTFOUND, "no incident #%lld", "インシデント #%lld はありません", (long long)id);
	char hex[2 * INCIDENT_HASH_LEN + 1] = "";
	if ((rc = newest_load(f, id, &out->load_seq, hex, &out->source)) < 0 || !out->load_seq)
		return rc;
	struct incident_cardset s;
	if ((rc = read_checked(f, out->load_seq, hex, &s)) < 0) {
		incident_cards_release(out);
		return rc;
	}
	out->v = lb_calloc(s.n ? s.n : 1, sizeof(*out->v));
	for (size_t i = 0; i < s.n; i++) {
		out->v[out->n].card = s.v[i];
		out->n++;
	}
	free(s.v); /* the cards moved into out */
	if ((rc = replay(f, id, out)) < 0) {
		incident_cards_release(out);
		return rc;
	}
	/* judge due times, then drop what the filters leave out */
	size_t keep = 0;
	for (size_t i = 0; i < out->n; i++) {
		struct incident_card_state *c = &out->v[i];
		if (c->card.due_min >= 0 && c->card.phase != INCIDENT_NORMAL)
			c->due_ms = declared + c->card.due_min * 60000;
		c->overdue = c->due_ms && c->status != INCIDENT_CARD_DONE && now_ms > c->due_ms;
		if ((team >= 0 && c->card.team != team) || (phase >= 0 && c->card.phase != phase)) {
			state_release(c);
			continue;
		}
		if (keep != i)
			out->v[keep] = *c;
		keep++;
	}
	out->n = keep;
	return 0;
}

int incident_cards_check(struct incident_file *f)
{
	sqlite3_stmt *st = prep(f, "SELECT seq, kind FROM entries WHERE type = 'cards' OR (type = 'declare' AND kind"
	                           " IS NOT NULL) ORDER BY seq");
	if (!st)
		return -LB_EINTERNAL;
	int rc = 0, step;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		char hex[2 * INCIDENT_HASH_LEN + 1];
		snprintf(hex, sizeof(hex), "%s",
		         sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
		struct incident_cardset s;
		if ((rc = read_checked(f, sqlite3_column_int64(st, 0), hex, &s)) == 0)
			incident_cardset_release(&s);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = incident_sqlerr(f, "reading the incident file");
	sqlite3_finalize(st);
	return rc;
}

/* ---- done and assign --------------------------------------------------------------------------------------------- */

static int card_entry(struct incident_file *f, const char *type, const char *card_id, const char *text,
                      const struct incident_new *who, int64_t *seq)
{
	if (!card_id || !*card_id)
		return lb_error_tr(LB_EINVAL, "no card named", "カードの指定がありません");
	int64_t open;
	int rc = incident_current(f, &open);
	if (rc < 0)
		return rc;
	if (!open)
		return lb_error_tr(LB_ENOTFOUND, "no open incident (declare one with 'lifeboat incident declare')",
		                   "進行中のインシデントはありません ('lifeboat incident declare' で宣言します)");
	const char *team = NULL;
	int found;
	if ((rc = find_card(f, open, card_id, &team, &found)) < 0)
		return rc;
	if (!found)
		return lb_error_tr(
		        LB_ENOTFOUND, "no card '%s' in the open incident ('lifeboat incident cards' lists them)",
		        "進行中のインシデントにカード '%s' はありません ('lifeboat incident cards' で一覧)", card_id);
	char team_name[32];
	snprintf(team_name, sizeof(team_name), "%s", team);
	struct incident_new n = {.type = type,
	                         .kind = card_id,
	                         .team = team_name,
	                         .text = text,
	                         .author = who ? who->author : NULL,
	                         .os_user = who ? who->os_user : NULL,
	                         .at_ms = who ? who->at_ms : 0};
	return incident_append(f, &n, seq); /* checked again under the write lock (check_entry) */
}

int incident_card_done(struct incident_file *f, const char *card_id, const char *note, const struct incident_new *who,
                       int64_t *seq)
{
	return card_entry(f, INCIDENT_T_DONE, card_id, note && *note ? note : card_id, who, seq);
}

int incident_card_assign(struct incident_file *f, const char *card_id, const char *to, const struct incident_new *who,
                         int64_t *seq)
{
	if (!to || !*to || to[strspn(to, " \t")] == '\0')
		return lb_error_tr(LB_EINVAL, "assign needs the name of a person", "割り当てる人の名前が必要です");
	return card_entry(f, INCIDENT_T_ASSIGN, card_id, to, who, seq);
}
