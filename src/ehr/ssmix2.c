/*
 * ssmix2.c - SS-MIX2 standard storage: file names and the folder layout (the walker is ssmix2_walk.c).
 *
 *   root/PID[0:3]/PID[3:6]/PID/<YYYYMMDD or ->/<data type>/PID_date_type_orderNo_YYYYMMDDHHMMSSFFF_dept_flag
 *
 * A record (a patient's demographics, one order, one admission event) is written again as a new file each time
 * it changes; the file with the newest time stamp is the record's state, and a newest file with flag 0 means the
 * record was deleted. The key of a record is (patient, date folder, type, order number), except for the types
 * that hold one state per patient (ADT-00 demographics, ADT-61 allergies), keyed by (patient, type).
 *
 * The storage comes from outside: names are checked character by character (no '/', '..', controls or 8-bit
 * bytes get through), symlinks are never followed, the folder depth is fixed, and nothing recurses.
 */
#include "ehr.h"

#include <string.h>

#define SSMIX2_DEPTH 6 /* a, b, pid, date, type, file */

static int is_id_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int digits_val(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int date8_valid(const char *s)
{
	return all_digits(s, 8) && lb_date_valid(digits_val(s, 4), digits_val(s + 4, 2), digits_val(s + 6, 2));
}

/* Copy part p[0..n) into out (size cap+1) after checking its characters. */
static int take_id(char *out, size_t cap, const char *p, size_t n, const char *what)
{
	if (n == 0)
		return lb_error_tr(LB_EINVAL, "empty %s", "%s が空です", what);
	if (n > cap)
		return lb_error_tr(LB_EINVAL, "%s longer than %zu characters", "%s が %zu 文字を超えています", what,
		                   cap);
	for (size_t i = 0; i < n; i++)
		if (!is_id_char(p[i]))
			return lb_error_tr(LB_EINVAL, "bad character 0x%02x in %s",
			                   "不正な文字 0x%02x が %s にあります", (unsigned char)p[i], what);
	memcpy(out, p, n);
	out[n] = 0;
	return 0;
}

int ssmix2_parse_name(const char *name, struct ssmix2_name *out)
{
	memset(out, 0, sizeof(*out));
	const char *part[8];
	size_t len[8];
	int np = 0;
	const char *s = name;
	size_t total = strnlen(name, 512);
	if (total >= 512)
		return lb_error_tr(LB_EINVAL, "file name too long", "ファイル名が長すぎます");
	size_t start = 0;
	for (size_t i = 0; i <= total; i++) {
		if (i < total && s[i] != '_')
			continue;
		if (np == 7)
			return lb_error_tr(LB_EINVAL, "more than 7 parts separated by '_'",
			                   "'_' で区切られた部分が 7 個を超えています");
		part[np] = s + start;
		len[np] = i - start;
		np++;
		start = i + 1;
	}
	if (np != 7)
		return lb_error_tr(LB_EINVAL, "%d parts separated by '_', 7 expected",
		                   "'_' で区切られた部分が %d 個です (7 個のはず)", np);
	int rc;
	if ((rc = take_id(out->patient, SSMIX2_ID_MAX, part[0], len[0], L_("patient id", "患者ID"))) < 0)
		return rc;
	if (len[1] == 1 && part[1][0] == '-')
		strcpy(out->date, "-");
	else if (len[1] == 8 && date8_valid(part[1]))
		memcpy(out->date, part[1], 8);
	else
		return lb_error_tr(LB_EINVAL, "date part is neither YYYYMMDD nor '-'",
		                   "日付の部分が YYYYMMDD でも '-' でもありません");
	if ((rc = take_id(out->type, sizeof(out->type) - 1, part[2], len[2], L_("data type", "データ種別"))) < 0)
		return rc;
	if ((rc = take_id(out->order_no, SSMIX2_ID_MAX, part[3], len[3], L_("order number", "オーダ番号"))) < 0)
		return rc;
	if (len[4] != 17 || !all_digits(part[4], 17) || !date8_valid(part[4]) || digits_val(part[4] + 8, 2) > 23 ||
	    digits_val(part[4] + 10, 2) > 59 || digits_val(part[4] + 12, 2) > 60)
		return lb_error_tr(LB_EINVAL, "time part is not YYYYMMDDHHMMSSFFF",
		                   "時刻の部分が YYYYMMDDHHMMSSFFF ではありません");
	memcpy(out->time, part[4], 17);
	if ((rc = take_id(out->dept, SSMIX2_ID_MAX, part[5], len[5], L_("department", "診療科"))) < 0)
		return rc;
	if (len[6] != 1 || (part[6][0] != '0' && part[6][0] != '1'))
		return lb_error_tr(LB_EINVAL, "condition flag is not 0 or 1", "状態フラグが 0 でも 1 でもありません");
	out->flag = part[6][0] - '0';
	return 0;
}

int ssmix2_parse_path(const char *relpath, struct ssmix2_name *out)
{
	const char *comp[SSMIX2_DEPTH];
	size_t len[SSMIX2_DEPTH];
	int n = 0;
	size_t total = strnlen(relpath, 4096), start = 0;
	for (size_t i = 0; i <= total; i++) {
		if (i < total && relpath[i] != '/')
			continue;
		if (n == SSMIX2_DEPTH)
			return lb_error_tr(LB_EINVAL, "path deeper than the storage layout",
			                   "パスが SS-MIX2 の格納構造より深すぎます");
		comp[n] = relpath + start;
		len[n] = i - start;
		n++;
		start = i + 1;
	}
	if (n != SSMIX2_DEPTH)
		return lb_error_tr(LB_EINVAL, "path is not PID[0:3]/PID[3:6]/PID/date/type/file",
		                   "パスが PID[0:3]/PID[3:6]/PID/日付/種別/ファイル の形ではありません");
	char file[512];
	if (len[5] >= sizeof(file))
		return lb_error_tr(LB_EINVAL, "file name too long", "ファイル名が長すぎます");
	memcpy(file, comp[5], len[5]);
	file[len[5]] = 0;
	int rc = ssmix2_parse_name(file, out);
	if (rc < 0)
		return rc;
	size_t pl = strlen(out->patient);
	if (len[2] != pl || memcmp(comp[2], out->patient, pl))
		return lb_error_tr(LB_EINVAL, "patient folder '%.*s' differs from the file name's '%s'",
		                   "患者フォルダ '%.*s' がファイル名の患者 '%s' と違います",
		                   (int)(len[2] > 64 ? 64 : len[2]), comp[2], out->patient);
	/* The two prefix folders are the first three and next three characters of the ID. */
	if (pl >= 6 &&
	    (len[0] != 3 || len[1] != 3 || memcmp(comp[0], out->patient, 3) || memcmp(comp[1], out->patient + 3, 3)))
		return lb_error_tr(LB_EINVAL, "prefix folders do not match patient id '%s'",
		                   "上位のフォルダ名が患者ID '%s' と合いません", out->patient);
	if (len[3] != strlen(out->date) || memcmp(comp[3], out->date, len[3]))
		return lb_error_tr(LB_EINVAL, "date folder differs from the file name's '%s'",
		                   "日付フォルダがファイル名の日付 '%s' と違います", out->date);
	if (len[4] != strlen(out->type) || memcmp(comp[4], out->type, len[4]))
		return lb_error_tr(LB_EINVAL, "data type folder differs from the file name's '%s'",
		                   "データ種別フォルダがファイル名の種別 '%s' と違います", out->type);
	return 0;
}
