/*
 * medium_write.c - the export medium for forensic investigators and the police (incident export).
 *
 * The medium is a folder: the whole timeline of the file as JSON lines (every field of every entry, with prev and
 * hash, so that the chain can be recomputed with the same BLAKE2b encoding) and as readable text, the evidence
 * list, the fact sheet, every report draft (text and PDF), head.txt (the chain's head), README.txt, and the
 * manifest SHA256SUMS in the format of coreutils' `sha256sum -c`, covering every other file. It is built in a
 * sibling temporary folder and renamed into place: the folder is whole or absent. medium_verify.c checks it.
 */
#include "medium_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- writing ------------------------------------------------------------------------------------------------- */

struct export_ctx {
	struct incident_file *f;
	int64_t id;
	struct buf jsonl, text, evidence;
	int64_t entries;
	int64_t head_seq;
	uint8_t head[INCIDENT_HASH_LEN];
};

static void json_entry_line(struct buf *b, const struct incident_entry *e)
{
	char prev[2 * INCIDENT_HASH_LEN + 1], hash[2 * INCIDENT_HASH_LEN + 1];
	incident_hex(e->prev, INCIDENT_HASH_LEN, prev);
	incident_hex(e->hash, INCIDENT_HASH_LEN, hash);
	struct json_w w = {.out = b};
	json_obj(&w);
	json_kv_int(&w, "seq", e->seq);
	json_kv_int(&w, "incident", e->incident);
	json_kv_int(&w, "at_ms", e->at_ms);
	struct buf t = {0};
	lb_format_utc(&t, e->at_ms, 1);
	json_kv_str(&w, "at", t.data);
	buf_release(&t);
	json_kv_str(&w, "type", e->type);
	json_kv_str(&w, "kind", e->kind);
	json_kv_str(&w, "team", e->team);
	json_kv_str(&w, "author", e->author);
	json_kv_str(&w, "os_user", e->os_user);
	json_kv_str(&w, "text", e->text);
	json_kv_str(&w, "report", e->report);
	json_kv_int(&w, "ref", e->ref);
	json_kv_int(&w, "known_at_ms", e->known_at_ms);
	json_kv_int(&w, "flags", e->flags);
	json_kv_str(&w, "source", e->source);
	json_kv_str(&w, "prev", prev);
	json_kv_str(&w, "hash", hash);
	json_end(&w);
	buf_addch(b, '\n');
}

/* A readable line of any entry: "#12 2026/12/07 04:00 note/decision [hq] text — 院長 (OS: it1) hash 3f9a…". */
static void text_entry_line(struct buf *b, const struct incident_entry *e)
{
	char hash[2 * INCIDENT_HASH_LEN + 1];
	incident_hex(e->hash, INCIDENT_HASH_LEN, hash);
	buf_addf(b, "#%lld ", (long long)e->seq);
	lb_format_local(b, e->at_ms);
	buf_addf(b, " [%lld] %s", (long long)e->incident, e->type ? e->type : "?");
	if (e->kind)
		buf_addf(b, "/%s", e->kind);
	if (e->team)
		buf_addf(b, " [%s]", incident_team_label(incident_team_parse(e->team)));
	if (e->report)
		buf_addf(b, " (%s: %s)", lb_tr("report made", "報告済"), e->report);
	if (e->ref)
		buf_addf(b, " (%s #%lld)", lb_tr("corrects", "訂正対象"), (long long)e->ref);
	buf_adds(b, " ");
	for (const char *s = e->text ? e->text : ""; *s; s++) {
		buf_addch(b, *s);
		if (*s == '\n')
			buf_adds(b, "      ");
	}
	if (e->source)
		buf_addf(b, " (%s: %s)", lb_tr("source", "出典"), e->source);
	buf_addf(b, " — %s (OS: %s) %.16s\n", e->author ? e->author : "-", e->os_user ? e->os_user : "?", hash);
}

static int export_entry(const struct incident_entry *e, void *arg)
{
	struct export_ctx *x = arg;
	json_entry_line(&x->jsonl, e);
	text_entry_line(&x->text, e);
	if (e->incident == x->id && e->type && !strcmp(e->type, INCIDENT_T_NOTE) && e->kind &&
	    !strcmp(e->kind, "evidence"))
		text_entry_line(&x->evidence, e);
	x->entries++;
	x->head_seq = e->seq;
	memcpy(x->head, e->hash, INCIDENT_HASH_LEN);
	return 0;
}

static const char readme[] =
        "lifeboat incident medium / インシデント記録の提出用媒体\n"
        "\n"
        "このフォルダは lifeboat (病院のダウンタイム用ツール) が書き出したインシデント記録です。\n"
        "  timeline.jsonl   記録の全項目 (1 行 1 件、各項目の prev と hash を含む)\n"
        "  timeline.txt     同じ記録の読める形\n"
        "  evidence.txt     証拠として保全したものの記録\n"
        "  facts.txt/json   事実シート (項目ごとの最新の値と、その記録の番号)\n"
        "  reports/         報告書案 (厚労省・警察・個人情報保護委員会 速報/確報・ランサムウェア事案共通様式)\n"
        "  head.txt         記録の末尾 (最後の記録の番号とハッシュ)\n"
        "  SHA256SUMS       上記すべてのファイルの SHA-256\n"
        "\n"
        "確認のしかた (lifeboat がなくても):  cd このフォルダ && sha256sum -c SHA256SUMS\n"
        "lifeboat があれば、記録の連鎖 (BLAKE2b) まで再計算します:  lifeboat incident verify --dir このフォルダ\n"
        "紙に控えた末尾ハッシュとも照合できます:  lifeboat incident verify --dir このフォルダ --head 控えた値\n"
        "\n"
        "This folder is an incident record written by lifeboat (a hospital's downtime kit).\n"
        "Check it without lifeboat: cd into it and run `sha256sum -c SHA256SUMS` (every file must say OK).\n"
        "With lifeboat, `lifeboat incident verify --dir DIR [--head HASH]` also recomputes the timeline's hash\n"
        "chain (BLAKE2b-256, docs/incident.md of lifeboat) up to the head in head.txt. SHA256SUMS itself is\n"
        "covered by the SHA-256 written on the hand-over form when the medium was made.\n";

static void facts_outputs(const struct incident_facts *fs, struct buf *txt, struct buf *json)
{
	struct json_w w = {.out = json};
	json_obj(&w);
	for (size_t i = 0; i < fs->n; i++) {
		const struct incident_fact *x = &fs->v[i];
		int known = x->entry.seq && !incident_fact_is_unknown(x->entry.text);
		buf_addf(txt, "%s %s (%s): ", x->key->key, x->key->ja, x->key->en);
		if (known) {
			for (const char *s = x->entry.text; *s; s++) {
				buf_addch(txt, *s);
				if (*s == '\n')
					buf_adds(txt, "    ");
			}
			buf_addf(txt, "  (#%lld", (long long)x->entry.seq);
			if (x->entry.source)
				buf_addf(txt, ", %s: %s", lb_tr("source", "出典"), x->entry.source);
			buf_adds(txt, ")\n");
		} else {
			buf_adds(txt, "不明\n");
		}
		json_kv_str(&w, x->key->key, known ? x->entry.text : NULL);
	}
	json_end(&w);
	buf_addch(json, '\n');
}

static int write_reports(struct incident_file *f, int64_t id, int64_t now_ms, struct medium_out *mo)
{
	int rc = 0;
	for (int d = 0; d < INCIDENT_DRAFTS && rc == 0; d++) {
		struct incident_report_draft r;
		if ((rc = incident_report_build(f, id, d, now_ms, &r)) < 0)
			break;
		struct buf name = {0}, text = {0}, path = {0};
		incident_report_text(&r, &text);
		buf_addf(&name, "reports/%s.txt", incident_draft_name(d));
		rc = medium_out_put(mo, name.data, text.data, text.len);
		if (rc == 0) {
			buf_reset(&name);
			buf_addf(&name, "reports/%s.pdf", incident_draft_name(d));
			medium_out_path(mo, name.data, &path);
			rc = incident_report_pdf(&r, path.data);
			if (rc == 0)
				medium_out_list(mo, name.data);
		}
		buf_release(&name);
		buf_release(&text);
		buf_release(&path);
		incident_report_release(&r);
	}
	return rc;
}

int incident_export(struct incident_file *f, int64_t id, const char *dir, int64_t now_ms,
                    struct incident_export_result *res)
{
	memset(res, 0, sizeof(*res));
	struct medium_out mo;
	int rc = medium_out_begin(&mo, dir);
	if (rc < 0)
		return rc;
	struct incident_state s;
	if ((rc = incident_state(f, id, 0, now_ms, &s)) < 0) {
		medium_out_release(&mo);
		return rc;
	}
	id = s.declared.seq;
	incident_state_release(&s);
	rc = medium_out_mkdir(&mo, "reports");

	struct export_ctx x = {.f = f, .id = id};
	if (rc == 0)
		rc = incident_each_all(f, export_entry, &x);
	if (rc == 0)
		rc = medium_out_put(&mo, INCIDENT_MEDIUM_TIMELINE, x.jsonl.data, x.jsonl.len);
	if (rc == 0)
		rc = medium_out_put(&mo, "timeline.txt", x.text.data, x.text.len);
	if (rc == 0)
		rc = medium_out_put(&mo, "evidence.txt", x.evidence.data ? x.evidence.data : "", x.evidence.len);
	struct incident_facts fs = {0};
	if (rc == 0)
		rc = incident_facts_load(f, id, &fs);
	if (rc == 0) {
		struct buf txt = {0}, json = {0};
		facts_outputs(&fs, &txt, &json);
		rc = medium_out_put(&mo, "facts.txt", txt.data, txt.len);
		if (rc == 0)
			rc = medium_out_put(&mo, "facts.json", json.data, json.len);
		buf_release(&txt);
		buf_release(&json);
	}
	incident_facts_release(&fs);
	if (rc == 0)
		rc = write_reports(f, id, now_ms, &mo);
	if (rc == 0) {
		char hex[2 * INCIDENT_HASH_LEN + 1];
		incident_hex(x.head, INCIDENT_HASH_LEN, hex);
		struct buf head = {0}, when = {0};
		lb_format_utc(&when, now_ms, 0);
		buf_addf(&head, "%s\nincident %lld\nentries %lld\nhead %lld %s\nexported %s\n",
		         INCIDENT_MEDIUM_HEAD_TAG, (long long)id, (long long)x.entries, (long long)x.head_seq, hex,
		         when.data);
		rc = medium_out_put(&mo, INCIDENT_MEDIUM_HEAD, head.data, head.len);
		buf_release(&head);
		buf_release(&when);
	}
	if (rc == 0)
		rc = medium_out_put(&mo, "README.txt", readme, sizeof(readme) - 1);
	static const char *const subs[] = {"reports", NULL};
	if (rc == 0)
		rc = medium_out_finish(&mo, subs, res->manifest_sha256);
	res->entries = x.entries;
	res->head_seq = x.head_seq;
	memcpy(res->head, x.head, INCIDENT_HASH_LEN);
	res->files = mo.n;
	medium_out_release(&mo);
	buf_release(&x.jsonl);
	buf_release(&x.text);
	buf_release(&x.evidence);
	return rc;
}
