/*
 * err.c - error codes with a per-thread detail message.
 *
 * Library code returns lb_error(LB_EXXX, "cannot open '%s'", path), which records the detail and returns the
 * negated code; src/cli/ prints "lifeboat: <detail>" and exits with lb_exit_code(rc).
 */
#include "core.h"

#include <errno.h>
#include <string.h>

#define LB_ERRMSG_MAX 1024

static _Thread_local char errmsg[LB_ERRMSG_MAX];

static int code_valid(int code)
{
	return code > 0 && code < LB_ERR_COUNT;
}

/* Format aside first (callers may pass lb_errmsg() itself: "record 7: %s"), then set the message. */
__attribute__((format(printf, 2, 0))) static int error_v(int code, const char *fmt, va_list ap)
{
	char msg[LB_ERRMSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	memcpy(errmsg, msg, sizeof(errmsg));
	if (!code_valid(code))
		code = LB_EINTERNAL;
	return -code;
}

/* Put the formatted head before the message already set ("head: old"), or set it alone. */
__attribute__((format(printf, 2, 0))) static int wrap_v(int rc, const char *fmt, va_list ap)
{
	char head[LB_ERRMSG_MAX], old[LB_ERRMSG_MAX];
	vsnprintf(head, sizeof(head), fmt, ap);
	memcpy(old, errmsg, sizeof(old));
	int n = old[0] ? snprintf(errmsg, sizeof(errmsg), "%s: %s", head, old)
	               : snprintf(errmsg, sizeof(errmsg), "%s", head);
	if (n >= (int)sizeof(errmsg))
		errmsg[sizeof(errmsg) - 1] = '\0';
	return rc;
}

int lb_error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = error_v(code, fmt, ap);
	va_end(ap);
	return rc;
}

int lb_error_wrap(int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rc = wrap_v(rc, fmt, ap);
	va_end(ap);
	return rc;
}

/* The same with the format in the user's language (lb_tr): a format chosen at run time. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int lb_error_tr(int code, const char *en, const char *ja, ...)
{
	va_list ap;
	va_start(ap, ja);
	int rc = error_v(code, lb_tr(en, ja), ap);
	va_end(ap);
	return rc;
}

int lb_error_wrap_tr(int rc, const char *en, const char *ja, ...)
{
	va_list ap;
	va_start(ap, ja);
	rc = wrap_v(rc, lb_tr(en, ja), ap);
	va_end(ap);
	return rc;
}
#pragma GCC diagnostic pop

static int code_from_errno(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
		return LB_ENOSPC;
	case EACCES:
	case EPERM:
	case EROFS:
		return LB_EPERM;
	case ENOENT:
	case ENOTDIR:
		return LB_ENOTFOUND;
	case EEXIST:
		return LB_EEXIST;
	case EINTR:
		return LB_EINTR;
	case EFBIG:
	case ENAMETOOLONG:
		return LB_ETOOBIG;
	case ENOMEM:
		return LB_ENOMEM;
	default:
		return LB_EIO;
	}
}

/* strerror() in the current language: the C library speaks English (the program never calls setlocale), so the
 * errors a user meets on a ward (a missing file, no permission, a full disk) have their Japanese here. */
const char *lb_strerrno(int e)
{
	if (lb_lang() != LB_LANG_JA)
		return strerror(e);
	switch (e) {
	case ENOENT:
		return "ファイルまたはフォルダがありません";
	case ENOTDIR:
		return "フォルダではありません";
	case EISDIR:
		return "フォルダです (ファイルではありません)";
	case EACCES:
	case EPERM:
		return "権限がありません";
	case EROFS:
		return "読み取り専用のファイルシステムです";
	case ENOSPC:
	case EDQUOT:
		return "ディスクの空きがありません";
	case EEXIST:
		return "既に存在します";
	case EIO:
		return "入出力エラー";
	case ENAMETOOLONG:
		return "名前が長すぎます";
	case EFBIG:
		return "ファイルが大きすぎます";
	case ELOOP:
		return "シンボリックリンクです (たどりません)";
	case EBUSY:
		return "使用中です";
	case ENOMEM:
		return "メモリが足りません";
	case EINTR:
		return "中断されました";
	case EPIPE:
		return "出力先が閉じられました";
	case ECONNREFUSED:
		return "接続を拒否されました";
	case ECONNRESET:
		return "接続が切られました";
	case ETIMEDOUT:
		return "時間切れです";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "相手に届きません";
	case EADDRINUSE:
		return "アドレスは使用中です";
	case EADDRNOTAVAIL:
		return "このホストのアドレスではありません";
	case ENOTEMPTY:
		return "フォルダが空ではありません";
	case EXDEV:
		return "別のファイルシステムです";
	case EINVAL:
		return "引数が不正です";
	default:
		return strerror(e);
	}
}

__attribute__((format(printf, 2, 0))) static int errno_v(int errno_value, const char *fmt, va_list ap)
{
	char head[LB_ERRMSG_MAX];
	vsnprintf(head, sizeof(head), fmt, ap);
	/* Truncation of a very long message is acceptable: it is a diagnostic. */
	if (snprintf(errmsg, sizeof(errmsg), "%s: %s", head, lb_strerrno(errno_value)) >= (int)sizeof(errmsg))
		errmsg[sizeof(errmsg) - 1] = '\0';
	return -code_from_errno(errno_value);
}

int lb_error_errno(int errno_value, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = errno_v(errno_value, fmt, ap);
	va_end(ap);
	return rc;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int lb_error_errno_tr(int errno_value, const char *en, const char *ja, ...)
{
	va_list ap;
	va_start(ap, ja);
	int rc = errno_v(errno_value, lb_tr(en, ja), ap);
	va_end(ap);
	return rc;
}
#pragma GCC diagnostic pop

const char *lb_errmsg(void)
{
	return errmsg;
}

void lb_error_clear(void)
{
	errmsg[0] = '\0';
}

const char *lb_strerror(int code)
{
	if (code < 0)
		code = -code;
	switch (code) {
	case LB_OK:
		return L_("ok", "正常");
	case LB_EUSAGE:
		return L_("usage error", "使い方の誤り");
	case LB_EINVAL:
		return L_("input error", "入力の誤り");
	case LB_ENOTFOUND:
		return L_("not found", "見つかりません");
	case LB_EEXIST:
		return L_("already exists", "既に存在します");
	case LB_EIO:
		return L_("i/o error", "入出力エラー");
	case LB_ENOSPC:
		return L_("disk full", "ディスクの空きがありません");
	case LB_ECORRUPT:
		return L_("data damaged", "データが壊れています");
	case LB_EAUTH:
		return L_("wrong passphrase or key", "パスフレーズまたは鍵が違います");
	case LB_EPERM:
		return L_("not permitted", "権限がありません");
	case LB_ELOCKED:
		return L_("locked", "ロックされています");
	case LB_ETOOBIG:
		return L_("too large", "大きすぎます");
	case LB_EINTR:
		return L_("interrupted", "中断されました");
	case LB_ENOMEM:
		return L_("out of memory", "メモリ不足");
	default:
		return L_("internal error", "内部エラー");
	}
}

int lb_exit_code(int rc)
{
	return rc == 0 ? LB_EXIT_OK : LB_EXIT_ERROR;
}
