/*
 * check.c - the table of checks and the account and password-policy checks. Each check has a stable id (scripts
 * and the checklist join on it), a severity, the fix in both languages and the MHLW checklist item it answers
 * ("R6:2-(5)": edition and item number as in the checklist's item data; "R7:password-reuse" for the items R7 adds,
 * whose numbers the data file fixes). Endpoint, network and VPN checks are in check_net.c.
 */
#include "audit_int.h"

#include <stdlib.h>
#include <string.h>

/* clang-format off */
const struct audit_check audit_checks[] = {
	{"ACC-REUSE-OPS-BACKUP", AUDIT_CRITICAL,
	 "one credential on an operational and a backup/security system",
	 "運用系とバックアップ系・セキュリティ系で同じ認証情報",
	 "give the backup and security systems credentials of their own, never used on operational systems "
	 "(authentication separation); change the password on every system that shared it",
	 "バックアップ系・セキュリティ系には運用系で使わない専用の認証情報を設定し (認証分離)、共有していた全システムでパスワードを変更する",
	 "R7:password-reuse"},
	{"ACC-REUSE", AUDIT_HIGH, "one credential on several systems", "複数システムで同じ認証情報",
	 "set a different password on each system; one stolen password must not open the next system",
	 "システムごとに異なるパスワードを設定する (1 つ盗まれても他のシステムに入れないように)",
	 "R7:password-reuse"},
	{"ACC-SHARED", AUDIT_HIGH, "shared account", "共用アカウント",
	 "give each person an account of their own, so that every act can be traced to one person",
	 "利用者ごとに個別のアカウントを発行し、操作を個人まで追跡できるようにする", "R6:2-(4)"},
	{"ACC-USER-ADMIN", AUDIT_HIGH, "ordinary user with administrator rights", "一般利用者に管理者権限",
	 "remove administrator rights from ordinary users; administrators use a separate admin account",
	 "一般利用者から管理者権限を外し、管理作業は別の管理者アカウントで行う", "R6:2-(4)"},
	{"ACC-LEAVER-ACTIVE", AUDIT_HIGH, "account of a leaver still enabled", "退職者のアカウントが有効なまま",
	 "disable or delete the accounts of people who have left, on the day they leave",
	 "退職者のアカウントは退職日に無効化または削除する", "R6:2-(5)"},
	{"ACC-DORMANT", AUDIT_MEDIUM, "dormant account", "長期間使われていないアカウント",
	 "disable accounts not used within the dormancy limit, after asking their owners",
	 "一定期間使われていないアカウントは、所有者に確認のうえ無効化する", "R6:2-(5)"},
	{"ACC-REMOTE-NO-MFA", AUDIT_HIGH, "remote access without multi-factor authentication",
	 "多要素認証のないリモートアクセス",
	 "require a second factor (one-time code, certificate) for every remote access account",
	 "リモートアクセスに使うアカウントはすべて二要素認証 (ワンタイムコード、証明書など) にする", "R7:two-factor"},
	{"ACC-UID0", AUDIT_CRITICAL, "account other than root with UID 0", "root 以外に UID 0 のアカウント",
	 "delete the account or give it a UID of its own; only root has UID 0, administrators sudo from their own "
	 "accounts (a second UID 0 is how intruders keep a way back in)",
	 "アカウントを削除するか固有の UID を割り当てる。UID 0 は root のみとし、管理者は個人アカウントから sudo する "
	 "(2 つ目の UID 0 は侵入者が再侵入口として残す典型)",
	 "R6:2-(4)"},
	{"POL-MFA-REMOTE-OFF", AUDIT_HIGH, "policy allows remote access without multi-factor authentication",
	 "多要素認証なしのリモートアクセスを認めるポリシー",
	 "require a second factor for every remote access (VPN, remote desktop, vendor maintenance) and enforce it "
	 "on the VPN gateway",
	 "すべてのリモートアクセス (VPN、リモートデスクトップ、事業者の保守) に二要素認証を必須とし、VPN 装置で強制する",
	 "R7:two-factor"},
	{"POL-PW-SHORT", AUDIT_HIGH, "password minimum length below 8", "パスワードの最小長が 8 文字未満",
	 "set the minimum password length to at least 8 (13 or more without a second factor)",
	 "パスワードの最小長を 8 文字以上 (二要素認証なしなら 13 文字以上) にする", "R7:password-length"},
	{"POL-PW-BELOW-POLICY", AUDIT_MEDIUM, "password minimum length below the hospital's rule",
	 "パスワードの最小長が院内規程より短い", "set the system's minimum length to the hospital's rule",
	 "システムのパスワード最小長を院内規程に合わせる", "R7:password-length"},
	{"POL-NO-LOCKOUT", AUDIT_HIGH, "no account lockout", "アカウントロックアウトなし",
	 "lock an account after a few failed logins (for example 5–10), so passwords cannot be guessed at will",
	 "ログイン失敗が数回 (例: 5〜10 回) 続いたらアカウントをロックし、パスワードの総当たりを防ぐ",
	 "R7:password-length"},
	{"EP-AV-OFF", AUDIT_HIGH, "antivirus/EDR off", "ウイルス対策・EDR が無効",
	 "switch antivirus/EDR on; where a vendor forbids it, get that in writing with the compensating measure",
	 "ウイルス対策・EDR を有効にする。事業者が禁止する場合は代替策とともに文書で確認する", "GL6:18"},
	{"EP-UPDATES-OFF", AUDIT_HIGH, "updates off", "更新プログラムの適用が無効",
	 "apply security updates (with the vendor, on a schedule, if the system is validated)",
	 "セキュリティ更新を適用する (検証が必要なシステムは事業者と計画的に)", "R6:2-(7)"},
	{"EP-NEEDLESS-SERVICE", AUDIT_MEDIUM, "needless service running", "不要なサービスが稼働",
	 "stop the service (SMBv1, telnet, remote desktop, …) where it is not needed, or mark it needed with the reason",
	 "不要なサービス (SMBv1、telnet、リモートデスクトップ等) を停止する。必要なら理由を記録して needed にする",
	 "R6:2-(9)"},
	{"EP-SSH-ROOT-LOGIN", AUDIT_MEDIUM, "SSH allows root login", "SSH で root ログインが可能",
	 "set PermitRootLogin no (or prohibit-password) in sshd_config; log in as a person, then sudo",
	 "sshd_config で PermitRootLogin no (または prohibit-password) にし、個人アカウントから sudo する",
	 "R6:2-(4)"},
	{"NET-PATH-INTO-EHR", AUDIT_CRITICAL, "path into the EHR segment from outside or a contractor",
	 "外部・委託業者のネットワークから電子カルテセグメントへの経路",
	 "close the path; vendor maintenance goes through a jump host that is connected only for the work",
	 "経路を閉じる。保守は作業時のみ接続する踏み台を経由させる", "R6:2-(8)"},
	{"NET-RDP-ALWAYS-ON", AUDIT_CRITICAL, "always-on remote desktop from outside",
	 "外部からの常時接続のリモートデスクトップ",
	 "remove the always-on remote desktop; connect only for the work, through the VPN, with a second factor",
	 "常時接続のリモートデスクトップを廃止し、作業時のみ VPN と二要素認証を経由して接続する", "R6:2-(8)"},
	{"NET-REMOTE-EXPOSED", AUDIT_CRITICAL, "remote-maintenance or remote-desktop host reachable from the internet",
	 "リモート保守・リモートデスクトップの機器がインターネットから直接到達可能",
	 "take the host off the internet; vendors come in through the VPN gateway and a jump host, connected only "
	 "for the work",
	 "機器をインターネットから切り離し、事業者は VPN 装置と作業時のみ接続する踏み台を経由させる", "R6:2-(8)"},
	{"NET-BACKUP-WRITABLE", AUDIT_CRITICAL, "backup storage writable from production",
	 "本番系からバックアップ装置に書き込み可能",
	 "make backups unwritable from the production side (pull from the backup side, write-once, or offline)",
	 "本番系からバックアップに書き込めないようにする (バックアップ側から取得、追記不能媒体、オフライン)",
	 "R6:3-(2)"},
	{"NET-VAULT-ADMIN-KEY", AUDIT_CRITICAL, "lifeboat vault reachable with an admin key from production",
	 "本番系から管理者鍵で lifeboat 保管庫に到達可能",
	 "keep the vault's admin key off the production side; production holds only the append key",
	 "保管庫の管理者鍵は本番系に置かず、本番系には追記用の鍵だけを置く", "R6:3-(2)"},
	{"VPN-MGMT-EXPOSED", AUDIT_CRITICAL, "management interface reachable from the internet",
	 "管理画面がインターネットから到達可能",
	 "restrict the VPN/router management interface to the internal management network",
	 "VPN 装置・ルーターの管理画面を院内の管理用ネットワークからのみ接続可能にする", "R6:2-(8)"},
	{"VPN-PATCH-AGE", AUDIT_HIGH, "VPN/remote-maintenance device not patched recently",
	 "VPN・リモート保守機器の更新が古い",
	 "update the firmware to the vendor's latest fixed release and record the date",
	 "ファームウェアを事業者の最新の修正版に更新し、更新日を記録する", "R6:2-(7)"},
	{"VPN-PATCH-UNKNOWN", AUDIT_MEDIUM, "VPN/remote-maintenance device with no patch date",
	 "VPN・リモート保守機器の更新日が不明",
	 "ask the vendor for the firmware version and the date it was last updated, and record both",
	 "事業者にファームウェアのバージョンと最終更新日を確認し、記録する", "R6:2-(2)"},
	{"VPN-KEV", AUDIT_CRITICAL, "firmware with a known-exploited vulnerability",
	 "悪用が確認された脆弱性のあるファームウェア",
	 "update now; then assume the credentials were stolen: change every password the device held",
	 "直ちに更新し、認証情報は盗まれた前提で機器が保持していたパスワードをすべて変更する", "R6:2-(7)"},
	{0},
};
/* clang-format on */

const struct audit_check *audit_check_find(const char *id)
{
	for (const struct audit_check *c = audit_checks; c->id; c++)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

const char *audit_severity_name(enum audit_severity s)
{
	static const char *const n[] = {"low", "medium", "high", "critical"};
	return s <= AUDIT_CRITICAL ? n[s] : "?";
}

void audit_add(struct audit_findings *f, const char *id, const char *where_file, int line, const char *subject,
               const char *fmt, ...)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = lb_reallocarray(f->v, f->cap, sizeof(*f->v));
	}
	struct audit_finding *x = &f->v[f->n++];
	x->check = audit_check_find(id);
	x->subject = lb_strdup(subject ? subject : "");
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	x->evidence = buf_detach(&b, NULL);
	buf_addf(&b, "%s:%d", where_file ? where_file : "-", line);
	x->where = buf_detach(&b, NULL);
}

void audit_about(struct audit_findings *f, size_t from, const struct audit_device *d, const struct audit_account *a,
                 const struct audit_path *p, const struct audit_policy *pol)
{
	for (size_t i = from; i < f->n; i++) {
		f->v[i].device = d;
		f->v[i].account = a;
		f->v[i].path = p;
		f->v[i].policy = pol;
	}
}

void audit_findings_free(struct audit_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].subject), free(f->v[i].evidence), free(f->v[i].where);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* The kind of each system by name: sorted once a run, found by binary search (sys_kind is asked twice for each
 * of 50,000 accounts in bench/audit). */
static const struct audit_system **kinds;
static size_t nkinds;

static int cmp_system(const void *a, const void *b)
{
	return strcmp((*(const struct audit_system *const *)a)->name, (*(const struct audit_system *const *)b)->name);
}

static void kinds_build(const struct audit_inventory *inv)
{
	kinds = lb_calloc(inv->nsystems + 1, sizeof(*kinds));
	for (size_t i = nkinds = 0; i < inv->nsystems; i++)
		if (inv->systems[i].name)
			kinds[nkinds++] = &inv->systems[i];
	if (nkinds)
		qsort(kinds, nkinds, sizeof(*kinds), cmp_system);
}

static const char *sys_kind(const struct audit_inventory *inv, const char *name)
{
	(void)inv;
	struct audit_system key = {.name = (char *)name};
	const struct audit_system *kp = &key, *const *hit = name && nkinds ? bsearch(&kp, kinds, nkinds, sizeof(*kinds),
	                                                                             cmp_system)
	                                                                   : NULL;
	return hit && (*hit)->kind ? (*hit)->kind : "";
}

static int is_sep(const char *kind)
{
	return !strcmp(kind, "backup") || !strcmp(kind, "security");
}

static int live(const struct audit_account *a)
{
	return a->enabled != AUDIT_NO && (!a->status || strcmp(a->status, "disabled"));
}

static int64_t day_of(const char *s)
{
	int y, m, d;
	if (!s || lb_parse_day(s, &y, &m, &d) < 0)
		return INT64_MIN;
	return lb_days_from_civil(y, m, d);
}

static const struct audit_inventory *sort_inv;
static int by_credential(const void *a, const void *b)
{
	const struct audit_account *x = &sort_inv->accounts[*(const size_t *)a];
	const struct audit_account *y = &sort_inv->accounts[*(const size_t *)b];
	int c = strcmp(x->credential, y->credential);
	return c ? c : strcmp(x->system, y->system);
}

/* One credential on several systems: one finding per credential, critical when it joins an operational system
 * with a backup or security one. Sorting keeps it O(n log n) for 50,000 accounts. */
static void check_reuse(const struct audit_inventory *inv, struct audit_findings *f)
{
	size_t *ix = lb_calloc(inv->naccounts + 1, sizeof(*ix)), n = 0;
	kinds_build(inv);
	for (size_t i = 0; i < inv->naccounts; i++)
		if (inv->accounts[i].credential && live(&inv->accounts[i]))
			ix[n++] = i;
	sort_inv = inv;
	if (n)
		qsort(ix, n, sizeof(*ix), by_credential);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		const char *cred = inv->accounts[ix[i]].credential;
		while (j < n && !strcmp(inv->accounts[ix[j]].credential, cred))
			j++;
		int systems = 0, ops = 0, sep = 0;
		for (size_t k = i; k < j; k++) {
			const struct audit_account *a = &inv->accounts[ix[k]];
			if (k == i || strcmp(a->system, inv->accounts[ix[k - 1]].system))
				systems++;
			const char *kind = sys_kind(inv, a->system);
			if (is_sep(kind))
				sep = 1;
			else
				ops = 1;
		}
		if (systems > 1) {
			struct buf ev = {0};
			size_t shown = 0;
			for (size_t k = i; k < j && shown < 20; k++, shown++) {
				const struct audit_account *a = &inv->accounts[ix[k]];
				const char *kind = sys_kind(inv, a->system);
				buf_addf(&ev, "%s%s@%s (%s)", k == i ? "" : ", ", a->user, a->system,
				         *kind ? kind : L_("system not listed", "システム一覧にない"));
			}
			if (j - i > shown)
				buf_addf(&ev, L_(", and %zu more", "、ほか %zu 件"), j - i - shown);
			buf_addf(&ev,
			         L_("; one credential %.17s… on %d systems", "; 同じ認証情報 %.17s… が %d システムに"),
			         cred, systems);
			const struct audit_account *a0 = &inv->accounts[ix[i]];
			audit_add(f, ops && sep ? "ACC-REUSE-OPS-BACKUP" : "ACC-REUSE", a0->file, a0->line, a0->user,
			          "%s", buf_cstr(&ev));
			audit_about(f, f->n - 1, NULL, a0, NULL, NULL);
			buf_release(&ev);
		}
		i = j;
	}
	free(ix);
	free(kinds);
	kinds = NULL;
	nkinds = 0;
}

static void check_account(const struct audit_account *a, long dormant, int64_t today, struct audit_findings *f)
{
	char subj[512];
	snprintf(subj, sizeof(subj), "%s@%s", a->user, a->system);
	/* a second UID 0 is root under another name, locked password or not (a key still logs it in) */
	if (a->uid == 0 && strcmp(a->user, "root"))
		audit_add(f, "ACC-UID0", a->file, a->line, subj, "uid: 0, user: %s%s%s%s", a->user,
		          a->enabled == AUDIT_NO ? ", enabled: false" : "", a->source ? " — " : "",
		          a->source ? a->source : "");
	if (!live(a))
		return;
	if (a->shared == AUDIT_YES)
		audit_add(f, "ACC-SHARED", a->file, a->line, subj, "shared: true%s",
		          a->admin == AUDIT_YES ? ", admin: true" : "");
	if (a->admin == AUDIT_YES && a->role && !strcmp(a->role, "user"))
		audit_add(f, "ACC-USER-ADMIN", a->file, a->line, subj, "role: user, admin: true");
	if (a->status && !strcmp(a->status, "left"))
		audit_add(f, "ACC-LEAVER-ACTIVE", a->file, a->line, subj, "status: left, enabled: %s",
		          a->enabled == AUDIT_YES ? "true" : L_("not false", "false ではない"));
	int64_t last = day_of(a->last_login);
	if (last != INT64_MIN && today != INT64_MIN && today - last > dormant &&
	    !(a->role && !strcmp(a->role, "system")))
		audit_add(f, "ACC-DORMANT", a->file, a->line, subj,
		          L_("last_login: %s (%lld days ago; limit %ld)", "last_login: %s (%lld 日前、上限 %ld 日)"),
		          a->last_login, (long long)(today - last), dormant);
	if (a->remote == AUDIT_YES && a->mfa != AUDIT_YES)
		audit_add(f, "ACC-REMOTE-NO-MFA", a->file, a->line, subj, "remote: true, mfa: %s",
		          a->mfa == AUDIT_NO ? "false" : L_("not given", "記載なし"));
}

static void check_accounts(const struct audit_inventory *inv, const struct audit_check_opts *o,
                           struct audit_findings *f)
{
	long dormant = o->dormant_days > 0 ? o->dormant_days : inv->dormant_days > 0 ? inv->dormant_days : 90;
	int64_t today = day_of(o->today);
	for (size_t i = 0; i < inv->naccounts; i++) {
		size_t n0 = f->n;
		check_account(&inv->accounts[i], dormant, today, f);
		audit_about(f, n0, NULL, &inv->accounts[i], NULL, NULL);
	}
	check_reuse(inv, f);
}

static void check_policies(const struct audit_inventory *inv, struct audit_findings *f)
{
	for (size_t i = 0; i < inv->npolicies; i++) {
		const struct audit_policy *p = &inv->policies[i];
		size_t n0 = f->n;
		const char *subj = p->system ? p->system : L_("every system", "全システム");
		const char *src = p->source ? p->source : "";
		if (p->password_min_length >= 0 && p->password_min_length < 8)
			audit_add(f, "POL-PW-SHORT", p->file, p->line, subj, "password_min_length: %ld%s%s",
			          p->password_min_length, *src ? " — " : "", src);
		else if (p->password_min_length >= 0 && inv->min_length > 0 && p->password_min_length < inv->min_length)
			audit_add(f, "POL-PW-BELOW-POLICY", p->file, p->line, subj,
			          "password_min_length: %ld < hospital.password_min_length: %ld",
			          p->password_min_length, inv->min_length);
		if (p->lockout_threshold == 0)
			audit_add(f, "POL-NO-LOCKOUT", p->file, p->line, subj, "lockout_threshold: 0%s%s",
			          *src ? " — " : "", src);
		if (p->mfa_remote == AUDIT_NO)
			audit_add(f, "POL-MFA-REMOTE-OFF", p->file, p->line, subj, "mfa_remote: false%s%s",
			          *src ? " — " : "", src);
		audit_about(f, n0, NULL, NULL, NULL, p);
	}
}

static int by_severity(const void *a, const void *b)
{
	const struct audit_finding *x = a, *y = b;
	if (x->check->severity != y->check->severity)
		return (int)y->check->severity - (int)x->check->severity;
	int c = strcmp(x->check->id, y->check->id);
	return c ? c : strcmp(x->subject, y->subject);
}

int audit_check_run(const struct audit_inventory *inv, const struct audit_check_opts *o, struct audit_findings *out)
{
	if (day_of(o->today) == INT64_MIN)
		return lb_error_tr(LB_EINVAL, "today's date '%s' is not YYYY-MM-DD",
		                   "今日の日付 '%s' が YYYY-MM-DD ではありません", o->today ? o->today : "");
	check_accounts(inv, o, out);
	check_policies(inv, out);
	audit_check_endpoints(inv, o, out);
	audit_check_network(inv, out);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_severity);
	return (int)out->n;
}
