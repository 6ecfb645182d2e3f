/*
 * cmd_audit_vulns.c - `lifeboat audit vulns list|match|show|update`: the known-exploited vulnerability list of VPN
 * and remote-maintenance devices (src/audit/vuln.h, docs/inventory.md). match exits 1 when the version is
 * affected, 2 when it is not understood (never reported as safe).
 */
#include "audit/vuln.h"
#include "cli_audit.h"

#include <string.h>

/* The list a command reads: --vulns FILE, else the one in use in --data DIR. */
static int load_list(struct vuln_db *db, const char *file, const char *data)
{
	int rc = file ? vuln_db_load_file(db, file) : vuln_db_load_default(db, data);
	return rc < 0 ? cli_error(rc) : LB_EXIT_OK;
}

static const char *origin_text(const struct vuln_db *db)
{
	return strcmp(db->origin, "embedded") ? db->origin : L_("embedded in lifeboat", "lifeboat に組み込み");
}

/* What fixes it in the version's train: the first fixed version, "after X", or none. */
static void fixed_text(struct buf *b, const struct vuln_range *r)
{
	if (r->fixed_s)
		buf_adds(b, r->fixed_s);
	else if (r->last_affected_s)
		buf_addf(b, L_("after %s", "%s より後"), r->last_affected_s);
	else
		buf_adds(b,
		         L_("none in this train: move to a fixed train", "この系列に修正なし: 修正済みの系列へ移行"));
}

static void range_json(struct json_w *w, const struct vuln_range *r)
{
	json_kv_str(w, "train", r->train_s);
	json_kv_str(w, "introduced", r->introduced_s);
	json_kv_str(w, "fixed", r->fixed_s);
	json_kv_str(w, "last_affected", r->last_affected_s);
	if (r->nproducts) {
		json_key(w, "products");
		json_arr(w);
		for (size_t i = 0; i < r->nproducts; i++)
			json_str(w, r->products[i]);
		json_end(w);
	}
	json_kv_str(w, "note", r->note);
	json_kv_bool(w, "unverified", r->unverified);
}

static void entry_json_head(struct json_w *w, const struct vuln_entry *e)
{
	json_kv_str(w, "cve", e->cve);
	json_kv_str(w, "vendor", e->vendor);
	json_key(w, "products");
	json_arr(w);
	for (size_t i = 0; i < e->nproducts; i++)
		json_str(w, e->products[i]);
	json_end(w);
	json_kv_str(w, "name", e->name);
	json_kv_str(w, "kev_date_added", e->kev_date);
	json_kv_bool(w, "ransomware", e->ransomware);
	json_kv_str(w, "summary_en", e->summary_en);
	json_kv_str(w, "summary_ja", e->summary_ja);
	json_kv_bool(w, "unverified", e->unverified);
	json_key(w, "sources");
	json_arr(w);
	for (size_t i = 0; i < e->nsources; i++)
		json_str(w, e->sources[i]);
	json_end(w);
}

static void list_json_head(struct json_w *w, const struct vuln_db *db)
{
	json_kv_str(w, "list", db->origin);
	json_kv_int(w, "version", db->version);
	json_kv_str(w, "as_of", db->as_of);
}

static const char *summary(const struct vuln_entry *e)
{
	return lb_lang() == LB_LANG_JA ? e->summary_ja : e->summary_en;
}

static int vulns_list(int argc, char **argv)
{
	const char *vendor = NULL, *file = NULL, *data = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "vendor", &vendor, "V", "only this vendor (fortinet, ivanti, citrix, …)",
	         "このベンダーのみ (fortinet, ivanti, citrix, …)"},
	        {LB_OPT_STRING, 0, "vulns", &file, "FILE", "read this list instead of the one in use",
	         "使用中のリストの代わりにこのファイルを読む"},
	        {LB_OPT_STRING, 0, "data", &data, "DIR",
	         "the data folder (default $LIFEBOAT_AUDIT_DATA or /var/lib/lifeboat/audit)",
	         "データフォルダ (既定 $LIFEBOAT_AUDIT_DATA または /var/lib/lifeboat/audit)"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat audit vulns list [--vendor V] [--vulns FILE] [--data DIR] [--json]",
	        "List the known-exploited vulnerabilities lifeboat checks VPN and gateway firmware against: per CVE\n"
	        "the CISA KEV date, known ransomware use, and the affected versions per release train. Ranges marked\n"
	        "[unverified] could not be confirmed in a source when the list was written.",
	        "VPN・ゲートウェイのファームウェアを照合する既知の悪用された脆弱性を一覧します: CVE ごとに CISA KEV\n"
	        "登録日、ランサムウェアでの悪用、リリース系列ごとの影響バージョン。[未確認] の範囲は作成時に出典で\n"
	        "確認できなかったものです。",
	        "  lifeboat audit vulns list\n"
	        "  lifeboat audit vulns list --vendor fortinet\n"
	        "  lifeboat audit vulns list --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "余分な引数 '%s' があります"), argv[i]);
	struct vuln_db db;
	if ((code = load_list(&db, file, data)) != 0)
		return code;
	struct buf out = {0};
	struct json_w w = {.out = &out};
	if (json) {
		json_obj(&w);
		list_json_head(&w, &db);
		json_key(&w, "vulns");
		json_arr(&w);
	}
	size_t shown = 0;
	for (size_t k = 0; k < db.n; k++) {
		const struct vuln_entry *e = &db.v[k];
		const char *vid = NULL;
		if (vendor && (!vuln_product_format(vendor, e->products[0], &vid, NULL) || strcmp(vid, e->vendor)))
			continue;
		shown++;
		if (json) {
			json_obj(&w);
			entry_json_head(&w, e);
			json_key(&w, "affected");
			json_arr(&w);
			for (size_t j = 0; j < e->nranges; j++) {
				json_obj(&w);
				range_json(&w, &e->ranges[j]);
				json_end(&w);
			}
			json_end(&w);
			json_end(&w);
			continue;
		}
		buf_addf(&out, "%s  %s/%s  KEV %s%s%s  %s\n", e->cve, e->vendor, e->products[0], e->kev_date,
		         e->unverified ? L_(" [unverified]", " [未確認]") : "",
		         e->ransomware ? L_("  ransomware", "  ランサムウェア") : "", e->name);
		buf_addf(&out, "    %s\n", summary(e));
		for (size_t j = 0; j < e->nranges; j++) {
			const struct vuln_range *r = &e->ranges[j];
			buf_addf(&out, "    %-8s", r->train_s);
			if (r->introduced_s)
				buf_addf(&out, L_(" from %s", " %s から"), r->introduced_s);
			buf_adds(&out, L_("  fixed: ", "  修正: "));
			fixed_text(&out, r);
			for (size_t p = 0; p < r->nproducts; p++)
				buf_addf(&out, "%s%s", p ? ", " : "  (", r->products[p]);
			if (r->nproducts)
				buf_addch(&out, ')');
			if (r->unverified)
				buf_adds(&out, L_("  [unverified]", "  [未確認]"));
			buf_addch(&out, '\n');
		}
	}
	if (!json)
		buf_addf(&out,
		         L_("%zu of %zu CVEs; list %s, version %ld, as of %s",
		            "%zu / %zu 件の CVE。リスト %s、版 %ld、%s 時点"),
		         shown, db.n, origin_text(&db), db.version, db.as_of);
	else {
		json_end(&w); /* vulns */
		json_end(&w);
	}
	vuln_db_release(&db);
	return cli_list_done(json_finish(&w) < 0 && json ? -LB_EINTERNAL : 0, &out, NULL);
}

static int vulns_match(int argc, char **argv)
{
	const char *vendor = NULL, *product = NULL, *version = NULL, *file = NULL, *data = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "vendor", &vendor, "V",
	         "the vendor (fortinet, ivanti, citrix, sonicwall, paloaltonetworks)",
	         "ベンダー (fortinet, ivanti, citrix, sonicwall, paloaltonetworks)"},
	        {LB_OPT_STRING, 0, "product", &product, "P",
	         "the product (fortios, connect-secure, netscaler-gateway, sonicos, sma100, pan-os, …)",
	         "製品 (fortios, connect-secure, netscaler-gateway, sonicos, sma100, pan-os, …)"},
	        {LB_OPT_STRING, 0, "version", &version, "X", "the firmware version as the device shows it",
	         "機器が表示するファームウェアのバージョン"},
	        {LB_OPT_STRING, 0, "vulns", &file, "FILE", "read this list instead of the one in use",
	         "使用中のリストの代わりにこのファイルを読む"},
	        {LB_OPT_STRING, 0, "data", &data, "DIR",
	         "the data folder (default $LIFEBOAT_AUDIT_DATA or /var/lib/lifeboat/audit)",
	         "データフォルダ (既定 $LIFEBOAT_AUDIT_DATA または /var/lib/lifeboat/audit)"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat audit vulns match --vendor V --product P --version X [--json]",
	        "Check one device's firmware against the list. Exit 0: no listed CVE applies; 1: affected (each CVE\n"
	        "with the fix for that release train, its KEV date and ransomware use); 2: the version is not one\n"
	        "the vendor writes, so it cannot be said to be safe, or the product is not covered.",
	        "機器 1 台のファームウェアをリストと照合します。終了コード 0: 該当なし、1: 該当あり (CVE "
	        "ごとにその系列の\n"
	        "修正版、KEV 登録日、ランサムウェアでの悪用)、2: "
	        "ベンダーの書式にないバージョンのため安全とは言えない、\n"
	        "または対象外の製品。",
	        "  lifeboat audit vulns match --vendor fortinet --product fortios --version 6.0.4\n"
	        "  lifeboat audit vulns match --vendor ivanti --product connect-secure --version 22.7R2.5\n"
	        "  lifeboat audit vulns match --vendor citrix --product netscaler-gateway --version 13.1-49.15 --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "余分な引数 '%s' があります"), argv[i]);
	if (!vendor || !product || !version)
		return cli_usage(L_("audit vulns match needs --vendor, --product and --version",
		                    "audit vulns match には --vendor, --product, --version が必要です"));
	struct vuln_db db;
	if ((code = load_list(&db, file, data)) != 0)
		return code;
	struct vuln_match m;
	vuln_match(&db, vendor, product, version, &m);
	struct buf out = {0}, why = {0};
	if (m.status == VULN_UNPARSED)
		buf_adds(&why, lb_errmsg());
	else if (m.status == VULN_UNKNOWN)
		vuln_products_names(&why);
	const char *status = m.status == VULN_UNPARSED  ? "version_not_understood"
	                     : m.status == VULN_UNKNOWN ? "product_not_covered"
	                     : m.n                      ? "affected"
	                                                : "not_affected";
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		list_json_head(&w, &db);
		json_kv_str(&w, "vendor", vendor);
		json_kv_str(&w, "product", product);
		json_kv_str(&w, "version", version);
		json_kv_str(&w, "status", status);
		if (why.len)
			json_kv_str(&w, "reason", why.data);
		json_key(&w, "hits");
		json_arr(&w);
		for (size_t k = 0; k < m.n; k++) {
			json_obj(&w);
			entry_json_head(&w, m.hits[k].e);
			json_key(&w, "range");
			json_obj(&w);
			range_json(&w, m.hits[k].r);
			json_end(&w);
			struct buf f = {0};
			fixed_text(&f, m.hits[k].r);
			json_kv_str(&w, "fix_in_train", f.data);
			buf_release(&f);
			json_end(&w);
		}
		json_end(&w);
		json_end(&w);
	} else if (m.status == VULN_CHECKED && m.n) {
		buf_addf(&out,
		         L_("%s/%s %s: affected by %zu known-exploited vulnerabilities (list as of %s)",
		            "%s/%s %s: 既知の悪用された脆弱性 %zu 件に該当 (リスト %s 時点)"),
		         vendor, product, version, m.n, db.as_of);
		for (size_t k = 0; k < m.n; k++) {
			const struct vuln_entry *e = m.hits[k].e;
			const struct vuln_range *r = m.hits[k].r;
			buf_addf(&out, "\n  %s  KEV %s%s  %s", e->cve, e->kev_date,
			         e->ransomware ? L_("  ransomware", "  ランサムウェア") : "", e->name);
			buf_addf(&out, L_("\n    fix for train %s: ", "\n    系列 %s の修正: "), r->train_s);
			fixed_text(&out, r);
			if (r->unverified)
				buf_adds(&out, L_("  [unverified range: check the vendor's advisory]",
				                  "  [範囲は未確認: ベンダーの勧告を確認してください]"));
			buf_addf(&out, "\n    %s", summary(e));
			if (r->note)
				buf_addf(&out, "\n    %s", r->note);
			buf_addf(&out, "\n    %s", e->sources[0]);
		}
	} else if (m.status == VULN_CHECKED) {
		buf_addf(&out,
		         L_("%s/%s %s: no listed known-exploited vulnerability (list as of %s, %zu CVEs)",
		            "%s/%s %s: リストの既知の悪用された脆弱性には該当なし (リスト %s 時点、%zu 件)"),
		         vendor, product, version, db.as_of, db.n);
	}
	if (m.status == VULN_UNPARSED)
		code = cli_usage(L_("version not understood, so not known to be safe: %s",
		                    "バージョンを解釈できないため安全とは言えません: %s"),
		                 why.data);
	else if (m.status == VULN_UNKNOWN)
		code = cli_usage(
		        L_("the list does not cover '%s/%s' (covered: %s)", "'%s/%s' はリストの対象外です (対象: %s)"),
		        vendor, product, why.data);
	else
		code = m.n ? LB_EXIT_FINDING : LB_EXIT_OK;
	int prc = out.len ? cli_print(&out) : 0;
	buf_release(&out);
	buf_release(&why);
	vuln_match_release(&m);
	vuln_db_release(&db);
	return prc ? prc : code;
}

static int vulns_show(int argc, char **argv)
{
	const char *data = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "data", &data, "DIR",
	         "the data folder (default $LIFEBOAT_AUDIT_DATA or /var/lib/lifeboat/audit)",
	         "データフォルダ (既定 $LIFEBOAT_AUDIT_DATA または /var/lib/lifeboat/audit)"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat audit vulns show [--data DIR] [--json]",
	        "Show which list is in use (the one embedded in lifeboat, or a newer one installed by update), its\n"
	        "version and date, and how many of its ranges are unverified.",
	        "使用中のリスト (lifeboat に組み込みのもの、または update で入れた新しいもの)、その版と日付、\n"
	        "未確認の範囲の数を表示します。",
	        "  lifeboat audit vulns show\n"
	        "  lifeboat audit vulns show --data /srv/lifeboat/audit --json"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "余分な引数 '%s' があります"), argv[i]);
	struct vuln_db db, emb;
	if ((code = load_list(&db, NULL, data)) != 0)
		return code;
	if (vuln_db_load_embedded(&emb) < 0) {
		vuln_db_release(&db);
		return cli_error(-LB_EINTERNAL);
	}
	size_t unverified = 0, ranges = 0;
	for (size_t k = 0; k < db.n; k++)
		for (size_t j = 0; j < db.v[k].nranges; j++, ranges++)
			unverified += db.v[k].ranges[j].unverified;
	struct buf out = {0}, inst = {0};
	vuln_installed_path(&inst, data);
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		list_json_head(&w, &db);
		json_kv_int(&w, "cves", (int64_t)db.n);
		json_kv_int(&w, "ranges", (int64_t)ranges);
		json_kv_int(&w, "unverified_ranges", (int64_t)unverified);
		json_kv_str(&w, "installed_path", inst.data);
		json_kv_bool(&w, "installed", lb_exists(inst.data));
		json_kv_str(&w, "embedded_as_of", emb.as_of);
		json_end(&w);
	} else {
		buf_addf(&out,
		         L_("list in use: %s\nversion %ld, as of %s: %zu CVEs, %zu ranges (%zu unverified)\n",
		            "使用中のリスト: %s\n版 %ld、%s 時点: CVE %zu 件、範囲 %zu (うち未確認 %zu)\n"),
		         origin_text(&db), db.version, db.as_of, db.n, ranges, unverified);
		buf_addf(&out,
		         L_("installed list: %s (%s); embedded list as of %s",
		            "導入済みリスト: %s (%s)。組み込みリストは %s 時点"),
		         inst.data, lb_exists(inst.data) ? L_("present", "あり") : L_("none", "なし"), emb.as_of);
	}
	buf_release(&inst);
	vuln_db_release(&emb);
	vuln_db_release(&db);
	return cli_list_done(0, &out, NULL);
}

static int vulns_update(int argc, char **argv)
{
	const char *data = NULL;
	int force = 0, json = 0, code;
	const struct lb_opt opts[] = {
	        {LB_OPT_STRING, 0, "data", &data, "DIR",
	         "the data folder (default $LIFEBOAT_AUDIT_DATA or /var/lib/lifeboat/audit)",
	         "データフォルダ (既定 $LIFEBOAT_AUDIT_DATA または /var/lib/lifeboat/audit)"},
	        {LB_OPT_FLAG, 0, "force", &force, NULL, "install even a list older than the one in use",
	         "使用中のものより古いリストでも入れ替える"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat audit vulns update [--data DIR] [--force] [--json] FILE",
	        "Install a newer known-exploited vulnerability list (the vulns.yaml format of docs/inventory.md) as\n"
	        "DIR/vulns.yaml. The file is checked first (a mistake: FILE:LINE: reason, exit 2, nothing changed); a\n"
	        "list older (as_of) than the one in use is refused unless --force. The old file is replaced at once,\n"
	        "never half-written.",
	        "新しい既知の悪用された脆弱性リスト (docs/inventory.md の vulns.yaml 形式) を DIR/vulns.yaml として\n"
	        "入れます。先にファイルを検査し (誤り: FILE:行: 理由、終了コード 2、変更なし)、使用中のものより古い\n"
	        "(as_of) リストは --force なしでは拒否します。古いファイルは一度に置き換わり、書きかけにはなりません。",
	        "  lifeboat audit vulns update vulns-2027-01.yaml\n"
	        "  lifeboat audit vulns update --data /srv/lifeboat/audit vulns.yaml"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i + 1 != argc)
		return cli_usage(
		        L_("audit vulns update needs one FILE", "audit vulns update には FILE が 1 つ必要です"));
	struct vuln_db db;
	int rc = vuln_db_install(argv[i], data, force, &db);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		json_obj(&w);
		list_json_head(&w, &db);
		json_kv_int(&w, "cves", (int64_t)db.n);
		json_end(&w);
	} else
		buf_addf(&out,
		         L_("installed '%s' as %s: version %ld, as of %s, %zu CVEs",
		            "'%s' を %s に入れました: 版 %ld、%s 時点、CVE %zu 件"),
		         argv[i], db.origin, db.version, db.as_of, db.n);
	vuln_db_release(&db);
	return cli_list_done(0, &out, NULL);
}

int cmd_audit_vulns(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"list", vulns_list, "the list: CVEs, KEV dates, affected versions per train",
	         "一覧: CVE、KEV 登録日、系列ごとの影響バージョン"},
	        {"match", vulns_match, "check one device's firmware version (exit 1 when affected)",
	         "機器 1 台のファームウェアを照合 (該当ありは終了コード 1)"},
	        {"show", vulns_show, "which list is in use and its date", "使用中のリストとその日付"},
	        {"update", vulns_update, "install a newer list from a data file",
	         "データファイルから新しいリストを入れる"},
	        {0},
	};
	return cli_dispatch(argc, argv, "audit vulns", subs);
}
