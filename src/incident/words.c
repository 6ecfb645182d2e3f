/*
 * words.c - the incident's vocabulary: phases, note kinds, teams, reports, by their stored names and their labels
 * in Japanese and English. Stored names are ASCII and never translated; either a name or its Japanese label is
 * accepted on the command line.
 */
#include "incident.h"

#include <string.h>

struct word {
	const char *name, *en, *ja;
};

static const struct word phases[INCIDENT_PHASES] = {
        {"detection", "detection", "検知"},
        {"initial", "initial response", "初動対応"},
        {"recovery", "recovery", "復旧処理"},
        {"after", "after-action", "事後対応"},
};

static const struct word kinds[INCIDENT_KINDS] = {
        {"fact", "fact", "事実"},       {"action", "action", "対応"},     {"decision", "decision", "決定"},
        {"contact", "contact", "連絡"}, {"evidence", "evidence", "証拠"},
};

static const struct word teams[INCIDENT_TEAMS] = {
        {"hq", "headquarters", "対策本部"},
        {"recovery", "system recovery team", "システム復旧班"},
        {"liaison", "PR and liaison team", "広報・渉外班"},
        {"patients", "in-hospital patient response team", "院内患者対応班"},
        {"records", "medical records office", "診療録管理室"},
        {"safety", "patient safety office", "医療安全管理室"},
};

static const struct word reports[INCIDENT_REPORTS] = {
        {"mhlw", "MHLW (at once)", "厚生労働省 (直ちに)"},
        {"police", "police (at once)", "警察 (直ちに)"},
        {"ppc-preliminary", "PPC preliminary report (3-5 days)", "個人情報保護委員会 速報 (3〜5日以内)"},
        {"ppc-final", "PPC final report (30 days, 60 when malicious)",
         "個人情報保護委員会 確報 (30日以内、不正目的は60日以内)"},
};

static const char *name_of(const struct word *w, int n, int i)
{
	return i >= 0 && i < n ? w[i].name : "?";
}

static const char *label_of(const struct word *w, int n, int i)
{
	return i >= 0 && i < n ? lb_tr(w[i].en, w[i].ja) : "?";
}

static int parse(const struct word *w, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (!strcmp(s, w[i].name) || !strcmp(s, w[i].ja))
			return i;
	return -1;
}

const char *incident_phase_name(int phase)
{
	return name_of(phases, INCIDENT_PHASES, phase);
}

const char *incident_phase_label(int phase)
{
	return label_of(phases, INCIDENT_PHASES, phase);
}

int incident_phase_parse(const char *s)
{
	return parse(phases, INCIDENT_PHASES, s);
}

const char *incident_kind_name(int kind)
{
	return name_of(kinds, INCIDENT_KINDS, kind);
}

const char *incident_kind_label(int kind)
{
	return label_of(kinds, INCIDENT_KINDS, kind);
}

int incident_kind_parse(const char *s)
{
	return parse(kinds, INCIDENT_KINDS, s);
}

const char *incident_team_name(int team)
{
	return name_of(teams, INCIDENT_TEAMS, team);
}

const char *incident_team_label(int team)
{
	return label_of(teams, INCIDENT_TEAMS, team);
}

int incident_team_parse(const char *s)
{
	return parse(teams, INCIDENT_TEAMS, s);
}

const char *incident_report_name(int report)
{
	return name_of(reports, INCIDENT_REPORTS, report);
}

const char *incident_report_label(int report)
{
	return label_of(reports, INCIDENT_REPORTS, report);
}

int incident_report_parse(const char *s)
{
	return parse(reports, INCIDENT_REPORTS, s);
}

/* Labels in a given language, whatever the current one (the report drafts print the Japanese and the English). */
static const char *label_in(const struct word *w, int n, int i, enum lb_lang lang)
{
	return i >= 0 && i < n ? (lang == LB_LANG_JA ? w[i].ja : w[i].en) : "?";
}

const char *incident_phase_label_in(int phase, enum lb_lang lang)
{
	return label_in(phases, INCIDENT_PHASES, phase, lang);
}

const char *incident_team_label_in(int team, enum lb_lang lang)
{
	return label_in(teams, INCIDENT_TEAMS, team, lang);
}

const char *incident_report_label_in(int report, enum lb_lang lang)
{
	return label_in(reports, INCIDENT_REPORTS, report, lang);
}
