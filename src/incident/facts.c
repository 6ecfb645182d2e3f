/*
 * facts.c - the fact sheet: its keys (what the MHLW, police, PPC and common ransomware forms ask for), the check of
 * each value, and the sheet itself, the newest fact entry per key of an incident's timeline. A fact is an entry
 * like any other (tamper-evident, by --as); setting a key again corrects it, and "unknown" (不明) makes it unknown.
 */
#include "incident_int.h"

#include <stdlib.h>
#include <string.h>

static const struct incident_fact_key keys[] = {
        {"hospital", "reporting organisation", "報告者 (医療機関名・所在地)", INCIDENT_FV_TEXT,
         "name and address of the hospital", "医療機関名と所在地"},
        {"contact", "contact person", "担当者・連絡先", INCIDENT_FV_TEXT, "who answers questions, phone, mail",
         "問い合わせに答える担当者、電話、メール"},
        {"summary", "summary", "概要", INCIDENT_FV_TEXT, "what happened, in a few lines", "何が起きたか (数行)"},
        {"occurred-at", "occurred at (estimated)", "発生日時 (推定)", INCIDENT_FV_TIME,
         "when it began, as far as known (2026-12-06 23:00)", "攻撃が始まった日時 (分かる範囲で)"},
        {"systems", "systems and devices affected", "被害を受けたシステム・機器", INCIDENT_FV_TEXT,
         "servers, terminals, network devices (kind, number, where)",
         "サーバ・端末・ネットワーク機器 (種類・台数・場所)"},
        {"impact", "impact on care", "診療への影響", INCIDENT_FV_TEXT, "what care is restricted or stopped",
         "制限・停止している診療"},
        {"attack-type", "type of damage", "被害の類型", INCIDENT_FV_TEXT,
         "encryption, data theft and leak threat, ransom demand", "暗号化・窃取と暴露の脅迫・身代金要求"},
        {"ransom-note", "ransom note", "脅迫文 (ランサムノート)", INCIDENT_FV_TEXT,
         "its text as shown (or where its photograph is kept)", "表示された文面 (または写真の保管場所)"},
        {"ransom-demand", "ransom demand", "身代金の要求", INCIDENT_FV_TEXT, "amount, currency, deadline, contact",
         "金額・通貨・期限・連絡手段"},
        {"extension", "extension of encrypted files", "暗号化されたファイルの拡張子", INCIDENT_FV_TEXT, ".lockbit",
         ".lockbit など"},
        {"intrusion", "intrusion route", "侵入経路", INCIDENT_FV_TEXT, "VPN device, remote maintenance, mail, …",
         "VPN 装置・リモート保守回線・メールなど"},
        {"indicators", "indicators (IP, hashes, domains)", "痕跡情報 (IP アドレス・ハッシュ値・ドメイン)",
         INCIDENT_FV_TEXT, "one per line: the whole list each time", "1 行に 1 つ (毎回すべて記入)"},
        {"backups", "state of the backups", "バックアップの状況", INCIDENT_FV_TEXT,
         "which generations are intact, offline copies", "無事な世代・オフライン保管の有無"},
        {"actions", "actions taken", "実施した対応", INCIDENT_FV_TEXT, "containment, isolation, evidence kept",
         "封じ込め・遮断・証拠保全"},
        {"vendor-notified-at", "vendor notified at", "ベンダーへの連絡日時", INCIDENT_FV_TIME,
         "when the EHR or network vendor was told", "電子カルテ・ネットワーク事業者へ連絡した日時"},
        {"mhlw-notified-at", "MHLW notified at", "厚生労働省への連絡日時", INCIDENT_FV_TIME,
         "when MHLW was told (else the entry --reported mhlw)",
         "厚労省へ連絡した日時 (なければ --reported mhlw の記録)"},
        {"police-notified-at", "police notified at", "警察への連絡日時", INCIDENT_FV_TIME,
         "when the police were told (else the entry --reported police)",
         "警察へ連絡した日時 (なければ --reported police の記録)"},
        {"leak", "leak of personal data", "個人データの漏えい", INCIDENT_FV_LEAK, "yes, possible, no or unknown",
         "yes あり / possible おそれあり / no なし / unknown 不明"},
        {"data-items", "items of personal data concerned", "漏えい等が発生し、又はおそれがある個人データの項目",
         INCIDENT_FV_TEXT, "names, addresses, diagnoses, …", "氏名・住所・病名など"},
        {"persons", "number of persons concerned", "本人の数", INCIDENT_FV_COUNT, "a number: 85000, 約85,000",
         "人数: 85000、約85,000"},
        {"cause", "cause", "原因", INCIDENT_FV_TEXT, "as far as known", "分かっている範囲で"},
        {"secondary-damage", "secondary damage", "二次被害又はそのおそれの有無及びその内容", INCIDENT_FV_TEXT,
         "misuse of the data, fraud, publication", "データの悪用・詐欺・公開など"},
        {"persons-response", "response to the persons", "本人への対応等の実施状況", INCIDENT_FV_TEXT,
         "notices, enquiry desk", "通知・問い合わせ窓口"},
        {"publication", "public announcement", "公表の実施状況", INCIDENT_FV_TEXT, "website, press",
         "ホームページ・報道発表"},
        {"prevention", "recurrence prevention", "再発防止のための措置", INCIDENT_FV_TEXT, "measures taken and planned",
         "実施済みと予定の措置"},
        {"other", "other", "その他参考となる事項", INCIDENT_FV_TEXT, "anything else", "その他"},
};

const struct incident_fact_key *incident_fact_keys(size_t *n)
{
	*n = LB_ARRAY_LEN(keys);
	return keys;
}

const struct incident_fact_key *incident_fact_key_find(const char *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < LB_ARRAY_LEN(keys); i++)
		if (!strcmp(s, keys[i].key) || !strcmp(s, keys[i].ja))
			return &keys[i];
	return NULL;
}

void incident_fact_key_list(struct buf *out)
{
	for (size_t i = 0; i < LB_ARRAY_LEN(keys); i++)
		buf_addf(out, "%s%s", i ? ", " : "", keys[i].key);
}

int incident_fact_is_unknown(const char *stored)
{
	return !stored || !strcmp(stored, "unknown");
}

static int is_unknown_word(const char *s)
{
	return !strcmp(s, "unknown") || !strcmp(s, "不明");
}

/* digits with commas between, "約" or "~" before: "85000", "約85,000" */
static int count_ok(const char *s)
{
	if (!strncmp(s, "約", strlen("約")))
		s += strlen("約");
	else if (*s == '~')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	int digits = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != ',' || s[1] < '0' || s[1] > '9')
			return 0;
	}
	return digits <= 12;
}

int incident_fact_value(const struct incident_fact_key *k, const char *value, struct buf *out)
{
	buf_reset(out);
	if (!value || !*value || value[strspn(value, " \t\n")] == '\0')
		return lb_error_tr(LB_EINVAL, "fact '%s' needs a value (or 'unknown')",
		                   "事実シートの項目 '%s' に値がありません (分からなければ 'unknown')", k->key);
	if (is_unknown_word(value)) {
		buf_adds(out, "unknown");
		return 0;
	}
	switch (k->type) {
	case INCIDENT_FV_COUNT:
		if (!count_ok(value))
			return lb_error_tr(
			        LB_EINVAL, "fact '%s' takes a number like 85000 or 約85,000, not '%s'",
			        "事実シートの項目 '%s' には 85000 や 約85,000 のような数を指定します ('%s' は不可)",
			        k->key, value);
		break;
	case INCIDENT_FV_TIME: {
		int64_t ms;
		if (lb_parse_time(value, &ms) < 0)
			return lb_error_tr(
			        LB_EINVAL, "fact '%s' takes a time like '2026-12-07 04:10', not '%s'",
			        "事実シートの項目 '%s' には '2026-12-07 04:10' のような日時を指定します ('%s' は不可)",
			        k->key, value);
		lb_format_utc(out, ms, 0); /* stored as the UTC instant: read the same under any time zone */
		return 0;
	}
	case INCIDENT_FV_LEAK: {
		static const char *const words[][3] = {
		        {"yes", "はい", "あり"}, {"possible", "おそれあり", "おそれ"}, {"no", "いいえ", "なし"}};
		for (size_t i = 0; i < LB_ARRAY_LEN(words); i++)
			for (size_t j = 0; j < 3; j++)
				if (!strcmp(value, words[i][j])) {
					buf_adds(out, words[i][0]);
					return 0;
				}
		return lb_error_tr(LB_EINVAL, "fact '%s' is yes, possible, no or unknown, not '%s'",
		                   "事実シートの項目 '%s' は yes, possible, no, unknown のいずれかです ('%s' は不可)",
		                   k->key, value);
	}
	case INCIDENT_FV_TEXT:
		break;
	}
	buf_adds(out, value);
	return 0;
}

struct facts_walk {
	struct incident_facts *fs;
};

static int take_fact(const struct incident_entry *e, void *arg)
{
	struct incident_facts *fs = ((struct facts_walk *)arg)->fs;
	if (!e->type || strcmp(e->type, INCIDENT_T_FACT) != 0)
		return 0;
	for (size_t i = 0; i < fs->n; i++) {
		struct incident_fact *x = &fs->v[i];
		if (!e->kind || strcmp(x->key->key, e->kind) != 0)
			continue;
		incident_entry_release(&x->entry);
		x->entry = *e;
		x->entry.type = lb_strdup(e->type);
		x->entry.kind = lb_strdup(e->kind);
		x->entry.team = e->team ? lb_strdup(e->team) : NULL;
		x->entry.author = e->author ? lb_strdup(e->author) : NULL;
		x->entry.os_user = e->os_user ? lb_strdup(e->os_user) : NULL;
		x->entry.text = e->text ? lb_strdup(e->text) : NULL;
		x->entry.report = e->report ? lb_strdup(e->report) : NULL;
		x->entry.source = e->source ? lb_strdup(e->source) : NULL;
		x->times++;
		break;
	}
	return 0;
}

int incident_facts_load(struct incident_file *f, int64_t id, struct incident_facts *out)
{
	memset(out, 0, sizeof(*out));
	out->n = LB_ARRAY_LEN(keys);
	out->v = lb_calloc(out->n, sizeof(*out->v));
	for (size_t i = 0; i < out->n; i++)
		out->v[i].key = &keys[i];
	struct facts_walk w = {out};
	int rc = incident_each(f, id, take_fact, &w);
	if (rc < 0) {
		incident_facts_release(out);
		return rc;
	}
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].entry.seq && !incident_fact_is_unknown(out->v[i].entry.text))
			out->known++;
	return 0;
}

const char *incident_facts_get(const struct incident_facts *fs, const char *key)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].key->key, key))
			return fs->v[i].entry.seq && !incident_fact_is_unknown(fs->v[i].entry.text)
			               ? fs->v[i].entry.text
			               : NULL;
	return NULL;
}

void incident_facts_release(struct incident_facts *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		incident_entry_release(&fs->v[i].entry);
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}
