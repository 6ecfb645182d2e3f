/*
 * hq.c - the station's side of the incident file (issue 15): the handles requests borrow, the banner of current
 * decisions every page carries, and the incident's words in the request's language.
 *
 * The incident file is shared: the headquarters PC and every ward station may name the same file (a share, or
 * one PC that is both), and any of them may append. So nothing is cached but the open handles: each request reads
 * what it shows from the file, and a decision recorded anywhere is on the next page of every station. A handle is
 * used by one request at a time (a SQLite connection with its prepared statements); requests that find none free
 * open one more, and at most LB_ARRAY_LEN(inc_pool) are kept. The file is stat()ed on each borrow: when it is
 * gone or another file stands at its path (restored from a copy), the kept handles are closed.
 */
#include "station_int.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static void pool_drop(struct station *st)
{
	for (size_t i = 0; i < st->ninc; i++)
		incident_file_close(st->inc_pool[i]);
	st->ninc = 0;
}

int station_incident_get(struct station *st, int create, struct incident_file **f)
{
	*f = NULL;
	struct stat sb;
	int there = stat(st->incident_path, &sb) == 0;
	pthread_mutex_lock(&st->inc_mu);
	if (!there || (uint64_t)sb.st_ino != st->inc_ino || (uint64_t)sb.st_dev != st->inc_dev) {
		pool_drop(st);
		st->inc_ino = there ? (uint64_t)sb.st_ino : 0;
		st->inc_dev = there ? (uint64_t)sb.st_dev : 0;
	}
	if (there && st->ninc)
		*f = st->inc_pool[--st->ninc];
	pthread_mutex_unlock(&st->inc_mu);
	if (*f)
		return 1;
	if (!there && !create)
		return 0;
	int rc = incident_open(f, st->incident_path, create);
	if (rc == -LB_ENOTFOUND && !create)
		return 0; /* made, but nothing declared in it yet */
	return rc < 0 ? rc : 1;
}

void station_incident_put(struct station *st, struct incident_file *f)
{
	if (!f)
		return;
	struct stat sb;
	int same = stat(st->incident_path, &sb) == 0;
	pthread_mutex_lock(&st->inc_mu);
	same = same && (uint64_t)sb.st_ino == st->inc_ino && (uint64_t)sb.st_dev == st->inc_dev;
	if (same && st->ninc < LB_ARRAY_LEN(st->inc_pool)) {
		st->inc_pool[st->ninc++] = f;
		f = NULL;
	}
	pthread_mutex_unlock(&st->inc_mu);
	incident_file_close(f);
}

void station_incident_pool_free(struct station *st)
{
	pool_drop(st);
}

int station_may_command(const struct station_req *r)
{
	return r->sess.valid && (!strcmp(r->sess.role, "admin") || !strcmp(r->sess.role, "hq"));
}

/* ---- words --------------------------------------------------------------------------------------------------- */

const char *station_phase_label(const struct station_req *r, int phase)
{
	switch (phase) {
	case INCIDENT_DETECTION:
		return T_("detection", "検知");
	case INCIDENT_INITIAL:
		return T_("initial response", "初動対応");
	case INCIDENT_RECOVERY:
		return T_("recovery", "復旧処理");
	case INCIDENT_AFTER:
		return T_("after-action", "事後対応");
	default:
		return "?";
	}
}

const char *station_kind_label(const struct station_req *r, int kind)
{
	switch (kind) {
	case INCIDENT_FACT:
		return T_("fact", "事実");
	case INCIDENT_ACTION:
		return T_("action", "対応");
	case INCIDENT_DECISION:
		return T_("decision", "決定");
	case INCIDENT_CONTACT:
		return T_("contact", "連絡");
	case INCIDENT_EVIDENCE:
		return T_("evidence", "証拠");
	default:
		return "?";
	}
}

const char *station_team_label(const struct station_req *r, int team)
{
	switch (team) {
	case INCIDENT_HQ:
		return T_("headquarters", "対策本部");
	case INCIDENT_TEAM_RECOVERY:
		return T_("system recovery team", "システム復旧班");
	case INCIDENT_LIAISON:
		return T_("PR and liaison team", "広報・渉外班");
	case INCIDENT_PATIENTS:
		return T_("in-hospital patient response team", "院内患者対応班");
	case INCIDENT_RECORDS:
		return T_("medical records office", "診療録管理室");
	case INCIDENT_SAFETY:
		return T_("patient safety office", "医療安全管理室");
	default:
		return "?";
	}
}

const char *station_report_label(const struct station_req *r, int report)
{
	switch (report) {
	case INCIDENT_MHLW:
		return T_("MHLW (at once)", "厚生労働省 (直ちに)");
	case INCIDENT_POLICE:
		return T_("police (at once)", "警察 (直ちに)");
	case INCIDENT_PPC_PRELIMINARY:
		return T_("PPC preliminary report (3-5 days)", "個人情報保護委員会 速報 (3〜5日以内)");
	case INCIDENT_PPC_FINAL:
		return T_("PPC final report (30 days, 60 when malicious)",
		          "個人情報保護委員会 確報 (30日以内、不正目的は60日以内)");
	default:
		return "?";
	}
}

/* ---- the banner ---------------------------------------------------------------------------------------------- */

void station_incident_banner(struct station_req *r, struct buf *b)
{
	if (!r->sess.valid)
		return;
	struct incident_file *f;
	int rc = station_incident_get(r->st, 0, &f);
	if (rc == 0)
		return;
	struct incident_state s = {0};
	if (rc > 0)
		rc = incident_state(f, 0, 0, lb_now_ms(), &s);
	station_incident_put(r->st, f);
	if (rc == -LB_ENOTFOUND)
		return; /* no open incident */
	if (rc < 0) {
		lb_warn(L_("station: incident file: %s", "station: インシデント記録ファイル: %s"), lb_errmsg());
		station_html(b, "<div class=\"decisions error\" id=\"decisions\" role=\"alert\">%s</div>",
		             T_("The headquarters' incident file cannot be read: ask headquarters for its decisions.",
		                "対策本部の記録ファイルを読めません。決定事項は対策本部に確認してください。"));
		return;
	}
	if (s.ndecisions) {
		station_html(b, "<div class=\"decisions\" id=\"decisions\" role=\"status\"><b>%s%s</b><ul>",
		             T_("Headquarters' decisions", "対策本部の決定"),
		             s.declared.flags & INCIDENT_F_DRILL ? T_(" (DRILL)", " (訓練)") : "");
		for (size_t i = 0; i < s.ndecisions; i++) {
			struct buf at = {0};
			lb_format_local(&at, s.decisions[i].at_ms);
			station_html(b, "<li><span class=\"when\">%s</span> %s</li>", at.data, s.decisions[i].text);
			buf_release(&at);
		}
		station_html(b, "</ul><a href=\"/incident\">%s</a></div>\n",
		             T_("headquarters board", "対策本部ボード"));
	}
	incident_state_release(&s);
}
