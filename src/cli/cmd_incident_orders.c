/*
 * cmd_incident_orders.c - `lifeboat incident order|patient|backlog`: the register of paper orders, downtime
 * patients' links and the back-entry worklist (docs/backentry.md). The numbers are in cmd_incident_backentry.c.
 */
#include "cli_incident.h"
#include "incident/backentry.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The store of --db, opened read-only for patient IDs (NULL when no --db). Returns an exit code. */
static int open_store(const struct ci_common *c, struct store **s)
{
	*s = NULL;
	if (!c->store)
		return 0;
	int rc = store_open_readonly(s, c->store);
	return rc < 0 ? cli_error(rc) : 0;
}

static void order_json(struct json_w *w, const struct be_order *o)
{
	json_obj(w);
	json_kv_str(w, "number", o->number);
	json_kv_str(w, "ward", o->ward);
	json_kv_str(w, "patient", o->patient);
	json_kv_str(w, "linked_to", o->linked_to);
	json_kv_str(w, "kind", be_kind_name(o->kind));
	ci_json_time(w, "clinical_time", o->clinical_ms);
	json_kv_str(w, "author", o->author);
	json_kv_str(w, "form_serial", o->form_serial);
	json_kv_str(w, "paper_at", o->paper_at);
	json_kv_str(w, "note", o->note);
	ci_json_time(w, "registered_at", o->registered_ms);
	json_kv_str(w, "registered_by", o->registered_by);
	json_kv_str(w, "origin", o->origin);
	json_kv_int(w, "entry", o->seq);
	char hex[65];
	incident_hex(o->hash, 32, hex);
	json_kv_str(w, "hash", hex);
	json_kv_bool(w, "entered", (o->done & BE_STEP_ENTERED) != 0);
	json_kv_bool(w, "scanned", (o->done & BE_STEP_SCANNED) != 0);
	json_kv_bool(w, "billed", (o->done & BE_STEP_BILLED) != 0);
	ci_json_time(w, "closed_at", o->closed_ms);
	json_end(w);
}

static void order_line(struct buf *b, const struct be_order *o)
{
	buf_addf(b, "%s  %-6s %-8s %s", o->number, o->ward, be_kind_label(o->kind), o->patient);
	if (o->linked_to)
		buf_addf(b, " → %s", o->linked_to);
	buf_adds(b, "  ");
	lb_format_local(b, o->clinical_ms);
	buf_addf(b, "  %s  [%c%c%c]", o->author, o->done & BE_STEP_ENTERED ? 'E' : '-',
	         o->done & BE_STEP_SCANNED ? 'S' : '-', o->done & BE_STEP_BILLED ? 'B' : '-');
}

static int cmd_order_add(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *number = NULL, *patient = NULL, *kind = NULL, *author = NULL, *time = NULL, *ward = NULL;
	const char *serial = NULL, *paper = NULL, *note = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "number", &number, "N", "the order's downtime number (DT-…)",
	         "オーダのダウンタイム番号 (DT-…)"},
	        {LB_OPT_STRING, 0, "patient", &patient, "ID", "the patient ID, or a downtime patient number (DP-…)",
	         "患者 ID、またはダウンタイム患者番号 (DP-…)"},
	        {LB_OPT_STRING, 0, "kind", &kind, "K",
	         "prescription, injection, lab, imaging, nursing, diet, admission, discharge, transfer, note",
	         "処方・注射・検査・画像・看護指示・食事・入院・退院・転棟・記録 (英語名も可)"},
	        {LB_OPT_STRING, 0, "author", &author, "A", "who wrote the paper", "用紙を書いた人"},
	        {LB_OPT_STRING, 0, "time", &time, "T", "when it was written (default now)", "記載日時 (既定は現在)"},
	        {LB_OPT_STRING, 0, "ward", &ward, "W", "the ward where written (default the number's)",
	         "記載した病棟 (既定は番号の病棟)"},
	        {LB_OPT_STRING, 0, "form-serial", &serial, "S", "the printed serial of the form", "用紙の印刷番号"},
	        {LB_OPT_STRING, 0, "paper-at", &paper, "PLACE", "where the paper original is kept",
	         "紙の原本の保管場所"},
	        {LB_OPT_STRING, 0, "note", &note, "TEXT", "a note", "備考"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident order add --incident FILE --number DT-… --patient ID|DP-… --kind K --author A\n"
	        "                            [--time T] [--ward W] [--form-serial S] [--paper-at PLACE] [--note TEXT]\n"
	        "                            [--db STORE] [--json] [--as NAME]",
	        "Register a paper order or record written during the outage under its downtime number, so that it is\n"
	        "entered, scanned and billed afterwards ('lifeboat incident backlog'). The number must have been\n"
	        "allocated in this file; the patient is a real ID (checked in the store when --db is given) or an\n"
	        "allocated downtime patient number. Registering the same number with the same content again shows the\n"
	        "existing entry; other content under a registered number is refused.",
	        "障害中に書いた紙のオーダや記録を、そのダウンタイム番号で登録します。後で電子カルテへの入力・スキャン・"
	        "\n"
	        "請求を行います ('lifeboat incident backlog')。番号はこのファイルで払い出したものに限ります。患者は\n"
	        "実際の患者 ID (--db があればストアで確認) "
	        "か、払い出したダウンタイム患者番号です。同じ番号を同じ内容で\n"
	        "もう一度登録すると既存の登録を表示し、違う内容なら拒否します。",
	        "  lifeboat incident order add --incident /ward3a/incident.db --number DT-3A-000123-9 \\\n"
	        "          --patient 0012345 --kind 処方 --author '医師 山田' --time '2026-12-07 10:30' \\\n"
	        "          --paper-at '3A ナースステーション 棚 2' --as '看護師 佐藤'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("order add takes no arguments", "order add に引数はありません"));
	if (!number || !patient || !kind || !author)
		return cli_usage(L_("order add needs --number, --patient, --kind and --author",
		                    "order add には --number, --patient, --kind, --author が必要です"));
	struct be_order_new n = {.number = number,
	                         .patient = patient,
	                         .kind = be_kind_parse(kind),
	                         .author = author,
	                         .ward = ward,
	                         .form_serial = serial,
	                         .paper_at = paper,
	                         .note = note};
	if (n.kind < 0)
		return cli_usage(
		        L_("no kind '%s' (prescription, injection, lab, imaging, nursing, diet, admission, "
		           "discharge, transfer, note)",
		           "種類 '%s' はありません (処方・注射・検査・画像・看護指示・食事・入院・退院・転棟・記録)"),
		        kind);
	if (time && lb_parse_time(time, &n.clinical_ms) < 0)
		return cli_usage(L_("--time takes a time like '2026-12-07 10:30', not '%s'",
		                    "--time には '2026-12-07 10:30' のような日時を指定します ('%s' は不可)"),
		                 time);
	int rc = be_number_parse(number, NULL, NULL, NULL);
	if (rc < 0)
		return cli_error(rc);
	struct store *s;
	if ((code = open_store(&c, &s)) != 0)
		return code;
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0) {
		store_close(s);
		return code;
	}
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	n.who = c.as;
	n.os_user = os;
	int64_t seq = 0;
	int existed = 0;
	rc = be_order_add(f, &n, s ? store_patient_known_cb : NULL, s, &seq, &existed);
	store_close(s);
	struct be_order o = {0};
	if (rc == 0)
		rc = be_order_get(f, number, &o);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		order_json(&w, &o);
		json_finish(&w);
	} else {
		buf_addf(&out,
		         existed ? L_("%s was registered already (entry #%lld): ", "%s は登録済みです (#%lld): ")
		                 : L_("%s registered (entry #%lld): ", "%s を登録しました (#%lld): "),
		         number, (long long)seq);
		order_line(&out, &o);
	}
	be_order_release(&o);
	code = cli_print(&out);
	buf_release(&out);
	return code;
}

/* The filters --ward, --kind, --patient, --step, parsed; returns an exit code. */
static int filter_parse(struct be_filter *flt, const char *ward, const char *kind, const char *step)
{
	if (ward && !be_ward_ok(ward))
		return cli_usage(L_("'%s' is not a ward code (1 to 8 of A-Z, 0-9)",
		                    "'%s' は病棟コードではありません (A-Z と 0-9 の 1〜8 文字)"),
		                 ward);
	flt->ward = ward;
	if (kind && (flt->kind = be_kind_parse(kind)) < 0)
		return cli_usage(L_("no kind '%s'", "種類 '%s' はありません"), kind);
	if (step && (flt->missing_step = be_step_parse(step)) < 0)
		return cli_usage(L_("no step '%s' (entered, scanned, billed)",
		                    "工程 '%s' はありません (entered, scanned, billed)"),
		                 step);
	return 0;
}

struct list_ctx {
	struct buf *out;
	struct json_w *w;
	FILE *csv;
	size_t n;
};

static void csv_field(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static int list_each(const struct be_order *o, void *arg)
{
	struct list_ctx *x = arg;
	if (x->w) {
		order_json(x->w, o);
	} else {
		if (x->n)
			buf_adds(x->out, "\n");
		order_line(x->out, o);
	}
	if (x->csv) {
		const char *cols[] = {o->number, o->ward,    be_kind_name(o->kind), o->patient, o->linked_to,
		                      o->author, o->paper_at};
		for (size_t k = 0; k < LB_ARRAY_LEN(cols); k++) {
			if (k)
				fputc(',', x->csv);
			csv_field(x->csv, cols[k]);
		}
		fprintf(x->csv, ",%d,%d,%d\n", !!(o->done & BE_STEP_ENTERED), !!(o->done & BE_STEP_SCANNED),
		        !!(o->done & BE_STEP_BILLED));
	}
	x->n++;
	return 0;
}

static int list_common(int argc, char **argv, int backlog)
{
	struct ci_common c = {0};
	const char *ward = NULL, *kind = NULL, *patient = NULL, *step = NULL, *csv = NULL;
	int json = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        {LB_OPT_STRING, 0, "ward", &ward, "W", "only this ward", "この病棟だけ"},
	        {LB_OPT_STRING, 0, "kind", &kind, "K", "only this kind", "この種類だけ"},
	        {LB_OPT_STRING, 0, "patient", &patient, "ID", "only this patient (with linked DP- numbers)",
	         "この患者だけ (紐付いた DP- 番号を含む)"},
	        {LB_OPT_STRING, 0, "step", &step, "S", "backlog: only entries not yet entered|scanned|billed",
	         "backlog: entered|scanned|billed が未済のものだけ"},
	        {LB_OPT_STRING, 0, "csv", &csv, "FILE", "also write the list as CSV", "一覧を CSV にも書き出す"},
	        CLI_OPT_JSON(&json),
	        {0},
	};
	static const struct lb_cmd_help list_help = {
	        "lifeboat incident order list --incident FILE [--ward W] [--kind K] [--patient ID] [--json]",
	        "Every registered paper order, by number. --patient with a real ID also lists the entries of downtime\n"
	        "patients (DP-…) linked to it. [ESB] marks the steps done: entered, scanned, billed.",
	        "登録した紙のオーダを番号順に表示します。--patient に実際の患者 ID を指定すると、それに紐付いた\n"
	        "ダウンタイム患者 (DP-…) の登録も表示します。[ESB] は済んだ工程 (入力・スキャン・請求) です。",
	        "  lifeboat incident order list --incident /hq/incident.db --patient 0012345"};
	static const struct lb_cmd_help backlog_help = {
	        "lifeboat incident backlog --incident FILE [--ward W] [--kind K] [--step S] [--json] [--csv FILE]\n"
	        "lifeboat incident backlog mark NUMBER… --entered|--scanned|--billed|--waive REASON [--step S] --as "
	        "NAME",
	        "The back-entry worklist: registered orders not yet entered into the EHR, scanned and billed. An "
	        "entry\n"
	        "leaves it only when all three steps are done or waived ('backlog mark').",
	        "遡及入力の作業一覧: 電子カルテへの入力・紙のスキャン・請求がまだ済んでいない登録です。3 つの工程が\n"
	        "すべて済むか省略されたときだけ一覧から消えます ('backlog mark')。",
	        "  lifeboat incident backlog --incident /hq/incident.db --ward 3A --step billed --csv billing.csv"};
	int i = cli_parse(argc, argv, opts, backlog ? &backlog_help : &list_help, &code);
	if (i < 0)
		return code;
	if (i < argc)
		return cli_usage(L_("unexpected argument '%s'", "余分な引数 '%s'"), argv[i]);
	struct be_filter flt = BE_FILTER_ALL;
	if ((code = filter_parse(&flt, ward, kind, step)) != 0)
		return code;
	flt.patient = patient;
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct buf out = {0};
	struct json_w w = {.out = &out};
	struct list_ctx x = {.out = &out, .w = json ? &w : NULL};
	if (csv && !(x.csv = fopen(csv, "w"))) {
		incident_file_close(f);
		return cli_error(lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", csv));
	}
	if (x.csv)
		fputs("number,ward,kind,patient,linked_to,author,paper_at,entered,scanned,billed\n", x.csv);
	if (json)
		json_arr(&w);
	int rc = backlog ? be_backlog_list(f, &flt, list_each, &x) : be_order_list(f, &flt, list_each, &x);
	incident_file_close(f);
	if (x.csv && fclose(x.csv) != 0 && rc == 0)
		rc = lb_error_errno_tr(errno, "cannot write '%s'", "'%s' に書き込めません", csv);
	if (!json && rc == 0 && x.n == 0)
		buf_adds(&out, backlog ? L_("nothing outstanding", "未処理の登録はありません")
		                       : L_("no order registered", "登録はありません"));
	return cli_list_done(rc, &out, json ? &w : NULL);
}

static int cmd_order_list(int argc, char **argv)
{
	return list_common(argc, argv, 0);
}

static int cmd_order_show(int argc, char **argv)
{
	struct ci_common c = {0};
	int json = 0, code;
	const struct lb_opt opts[] = {CI_COMMON_OPTS(c), CLI_OPT_JSON(&json), {0}};
	static const struct lb_cmd_help help = {
	        "lifeboat incident order show NUMBER --incident FILE [--json]",
	        "One registered order: its patient (and the real ID a downtime patient is linked to), kind, time, "
	        "author,\n"
	        "where the paper is, who registered it and which steps are done.",
	        "登録 1 件の内容 (患者と紐付け先、種類、日時、記載者、原本の場所、登録者、済んだ工程) を表示します。",
	        "  lifeboat incident order show DT-3A-000123-9 --incident /hq/incident.db"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (argc - i != 1)
		return cli_usage(L_("order show takes one NUMBER", "order show には番号を 1 つ指定します"));
	int rc = be_number_parse(argv[i], NULL, NULL, NULL);
	if (rc < 0)
		return cli_error(rc);
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	struct be_order o;
	rc = be_order_get(f, argv[i], &o);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (json) {
		struct json_w w = {.out = &out};
		order_json(&w, &o);
		json_finish(&w);
	} else {
		order_line(&out, &o);
		buf_addf(&out, L_("\npaper at: %s\nregistered: #%lld by %s", "\n原本の場所: %s\n登録: #%lld %s"),
		         o.paper_at ? o.paper_at : "-", (long long)o.seq, o.registered_by ? o.registered_by : "-");
	}
	be_order_release(&o);
	code = cli_print(&out);
	buf_release(&out);
	return code;
}

int ci_order(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"add", cmd_order_add, "register a paper order under its downtime number",
	         "紙のオーダをダウンタイム番号で登録"},
	        {"list", cmd_order_list, "the registered orders", "登録の一覧"},
	        {"show", cmd_order_show, "one registered order", "登録 1 件の表示"},
	        {0},
	};
	return cli_dispatch(argc, argv, "incident order", subs);
}

static int patient_cmd(int argc, char **argv, int link)
{
	struct ci_common c = {0};
	const char *to = NULL;
	int code;
	const struct lb_opt link_opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_STRING, 0, "to", &to, "PID", "the patient's real ID in the EHR", "電子カルテの実際の患者 ID"},
	        {0},
	};
	const struct lb_opt unlink_opts[] = {CI_COMMON_OPTS(c), CI_AS_OPT(c), {0}};
	static const struct lb_cmd_help link_help = {
	        "lifeboat incident patient link DP-… --to PID --as NAME --incident FILE [--db STORE]",
	        "Link a downtime patient number to the patient's real EHR ID once it is known: every entry registered\n"
	        "under the DP- number is then listed under the real ID. A later link replaces it; 'patient unlink' "
	        "undoes\n"
	        "it. Nothing is edited: each is a new entry with who and when.",
	        "ダウンタイム患者番号を、判明した電子カルテの実際の患者 ID に紐付けます。DP- 番号で登録したものが\n"
	        "すべて実際の ID の下に表示されます。後の紐付けが前のものに代わり、'patient unlink' で取り消せます。\n"
	        "どれも編集ではなく、記録者と日時つきの新しい記録です。",
	        "  lifeboat incident patient link DP-3A-000001-0 --to 0012345 --as '医事課 鈴木' --incident "
	        "/hq/incident.db"};
	static const struct lb_cmd_help unlink_help = {
	        "lifeboat incident patient unlink DP-… --as NAME --incident FILE",
	        "Undo the link of a downtime patient number (a linking mistake), as a new entry.",
	        "ダウンタイム患者番号の紐付けを取り消します (誤った紐付け)。新しい記録として残ります。",
	        "  lifeboat incident patient unlink DP-3A-000001-0 --as '医事課 鈴木' --incident /hq/incident.db"};
	int i = cli_parse(argc, argv, link ? link_opts : unlink_opts, link ? &link_help : &unlink_help, &code);
	if (i < 0)
		return code;
	if (argc - i != 1)
		return cli_usage(
		        L_("give one downtime patient number (DP-…)", "ダウンタイム患者番号 (DP-…) を 1 つ指定します"));
	if (link && !to)
		return cli_usage(L_("link needs --to PID", "link には --to PID が必要です"));
	int rc = be_number_parse(argv[i], NULL, NULL, NULL);
	if (rc < 0)
		return cli_error(rc);
	struct store *s = NULL;
	if (link && (code = open_store(&c, &s)) != 0)
		return code;
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0) {
		store_close(s);
		return code;
	}
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	int64_t seq = 0;
	rc = link ? be_patient_link(f, argv[i], to, s ? store_patient_known_cb : NULL, s, c.as, os, &seq)
	          : be_patient_unlink(f, argv[i], c.as, os, &seq);
	store_close(s);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	if (link)
		buf_addf(&out, L_("%s linked to %s (entry #%lld)", "%s を %s に紐付けました (#%lld)"), argv[i], to,
		         (long long)seq);
	else
		buf_addf(&out, L_("link of %s undone (entry #%lld)", "%s の紐付けを取り消しました (#%lld)"), argv[i],
		         (long long)seq);
	code = cli_print(&out);
	buf_release(&out);
	return code;
}

static int cmd_patient_link(int argc, char **argv)
{
	return patient_cmd(argc, argv, 1);
}

static int cmd_patient_unlink(int argc, char **argv)
{
	return patient_cmd(argc, argv, 0);
}

int ci_patient(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
	        {"link", cmd_patient_link, "link a downtime patient number to a real ID",
	         "ダウンタイム患者番号を実際の患者 ID に紐付け"},
	        {"unlink", cmd_patient_unlink, "undo a link", "紐付けの取り消し"},
	        {0},
	};
	return cli_dispatch(argc, argv, "incident patient", subs);
}

static int cmd_backlog_mark(int argc, char **argv)
{
	struct ci_common c = {0};
	const char *waive = NULL, *step = NULL;
	int entered = 0, scanned = 0, billed = 0, code;
	const struct lb_opt opts[] = {
	        CI_COMMON_OPTS(c),
	        CI_AS_OPT(c),
	        {LB_OPT_FLAG, 0, "entered", &entered, NULL, "entered into the EHR", "電子カルテに入力済み"},
	        {LB_OPT_FLAG, 0, "scanned", &scanned, NULL, "the paper scanned", "紙をスキャン済み"},
	        {LB_OPT_FLAG, 0, "billed", &billed, NULL, "the care billed", "請求済み"},
	        {LB_OPT_STRING, 0, "waive", &waive, "REASON", "waive the step given with --step, with a reason",
	         "--step の工程を理由つきで省略"},
	        {LB_OPT_STRING, 0, "step", &step, "S", "with --waive: entered, scanned or billed",
	         "--waive と共に: entered, scanned, billed"},
	        {0},
	};
	static const struct lb_cmd_help help = {
	        "lifeboat incident backlog mark NUMBER… --entered|--scanned|--billed|--waive REASON --step S --as NAME",
	        "Record one step of back-entry for one or many registered numbers, as one timeline entry: entered "
	        "into\n"
	        "the EHR, paper scanned, billed, or waived with a reason (e.g. included in the admission fee). An "
	        "entry\n"
	        "leaves the backlog when all three are done or waived. A number not registered writes nothing.",
	        "1 つまたは複数の登録番号について遡及作業の工程を 1 つ記録します (1 件の記録): 電子カルテに入力、\n"
	        "紙をスキャン、請求、または理由つきの省略 (例: 入院料に包括)。3 "
	        "工程がすべて済むか省略されると一覧から\n"
	        "消えます。登録のない番号があれば何も書きません。",
	        "  lifeboat incident backlog mark DT-3A-000123-9 DT-3A-000124-7 --entered --as '医事課 鈴木' \\\n"
	        "          --incident /hq/incident.db\n"
	        "  lifeboat incident backlog mark DT-3A-000125-2 --waive '入院料に包括' --step billed --as '医事課 "
	        "鈴木'"};
	int i = cli_parse(argc, argv, opts, &help, &code);
	if (i < 0)
		return code;
	if (i >= argc)
		return cli_usage(L_("mark needs one or more NUMBERs", "mark には番号が 1 つ以上必要です"));
	int flags = entered + scanned + billed + (waive != NULL);
	int st = entered ? BE_STEP_ENTERED : scanned ? BE_STEP_SCANNED : billed ? BE_STEP_BILLED : be_step_parse(step);
	if (flags != 1 || st < 0 || (step && !waive))
		return cli_usage(L_(
		        "mark takes one of --entered, --scanned, --billed, or --waive REASON --step S",
		        "mark には --entered, --scanned, --billed, --waive REASON --step S のどれか 1 つを指定します"));
	if (waive && !*waive)
		return cli_usage(L_("--waive needs a reason", "--waive には理由が必要です"));
	for (int k = i; k < argc; k++) {
		int rc = be_number_parse(argv[k], NULL, NULL, NULL);
		if (rc < 0)
			return cli_error(rc);
	}
	struct incident_file *f;
	if ((code = ci_open(&c, 0, &f)) != 0)
		return code;
	char os[INCIDENT_NAME_MAX + 1];
	ci_os_user(os, sizeof(os));
	int64_t seq = 0;
	int rc = be_steps_mark(f, (const char *const *)argv + i, (size_t)(argc - i), st, waive, c.as, os, &seq);
	incident_file_close(f);
	if (rc < 0)
		return cli_error(rc);
	struct buf out = {0};
	buf_addf(&out, L_("%s recorded for %d entries (entry #%lld)", "%s を %d 件に記録しました (#%lld)"),
	         be_step_name(st), argc - i, (long long)seq);
	code = cli_print(&out);
	buf_release(&out);
	return code;
}

int ci_backlog(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "mark"))
		return cmd_backlog_mark(argc - 1, argv + 1);
	return list_common(argc, argv, 1);
}
