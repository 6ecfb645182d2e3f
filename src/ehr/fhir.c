/*
 * fhir.c - FHIR R4 NDJSON in (bulk-export files, one resource a line), JP Core shaped: Patient,
 * AllergyIntolerance, MedicationRequest, Condition, Encounter, Observation and Appointment become ehr records.
 *
 * Lines are read with a length cap (FHIR_MAX_LINE); each is parsed by jansson (whose parser stops at nesting
 * depth 2048, so input cannot drive it deep). A line that is not JSON, has no resourceType, or lacks what its
 * record needs (a patient reference, a code) is one warning naming file and line; other resource types are one
 * EHR_WARN_UNSUPPORTED warning each. Times with an offset are turned into the hospital's local time (JST, +09:00)
 * and written without the offset, as ehr.h wants them.
 */
#include "fhir_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FHIR_MAX_LINE (8u << 20)
#define FHIR_MAX_FILES 10000

void fhir_warn(const struct fhir_ctx *f, enum ehr_warn kind, const char *fmt, ...)
{
	if (!f->sink->warning)
		return;
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	f->sink->warning(f->sink->ctx, &f->src, kind, b.data);
	buf_release(&b);
}

const char *fhir_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *fhir_first(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_array(v))
		return json_array_get(v, 0);
	return json_is_object(v) ? v : NULL;
}

json_t *fhir_path(json_t *o, const char *path)
{
	char key[64];
	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t l = dot ? (size_t)(dot - path) : strlen(path);
		if (l >= sizeof(key))
			return NULL;
		memcpy(key, path, l);
		key[l] = 0;
		json_t *v = json_object_get(o, key);
		if (json_is_array(v))
			v = json_array_get(v, 0);
		o = v;
		path += l + (dot ? 1 : 0);
	}
	return o;
}

const char *fhir_pstr(json_t *o, const char *path)
{
	json_t *v = fhir_path(o, path);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int fhir_pnum(json_t *o, const char *path, double *out)
{
	json_t *v = fhir_path(o, path);
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return 0;
}

const char *fhir_time(struct buf *b, const char *s)
{
	if (!s)
		return NULL;
	buf_reset(b);
	size_t n = strlen(s);
	if (n <= 10 || s[10] != 'T') {
		buf_add(b, s, n > 10 ? 10 : n);
		return b->data;
	}
	/* 2026-11-20T10:15:00+09:00 / …Z / …+00:00: local time is JST */
	const char *zone = NULL;
	for (size_t i = 19; i < n; i++)
		if (s[i] == 'Z' || s[i] == '+' || s[i] == '-') {
			zone = s + i;
			break;
		}
	if (!zone || !strcmp(zone, "+09:00")) {
		size_t l = zone ? (size_t)(zone - s) : n;
		const char *dot = memchr(s, '.', l);
		buf_add(b, s, dot ? (size_t)(dot - s) : l);
		return b->data;
	}
	int64_t ms;
	if (lb_parse_time(s, &ms) < 0) {
		buf_add(b, s, 19 < n ? 19 : n);
		return b->data;
	}
	int64_t sec = ms / 1000 + 9 * 3600;
	int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	int64_t rem = sec - days * 86400;
	int y, m, d;
	lb_civil_from_days(days, &y, &m, &d);
	buf_addf(b, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return b->data;
}

const char *fhir_ref_id(json_t *ref_obj, const char *type)
{
	const char *ref = fhir_str(ref_obj, "reference");
	if (!ref)
		return NULL;
	size_t tl = strlen(type);
	const char *p = strstr(ref, type);
	if (p && p[tl] == '/' && (p == ref || p[-1] == '/'))
		return *(p + tl + 1) ? p + tl + 1 : NULL;
	return strncmp(ref, "urn:uuid:", 9) ? NULL : ref + 9;
}

/* A number as people write it on a lab sheet: 140, 4.26, 0.0001, never 1.4e+02. The fewest decimals that read
 * back to the same double; exponent form only outside the range a clinical value has. */
void fhir_number(struct buf *b, double v)
{
	char tmp[400];
	double a = v < 0 ? -v : v;
	if (a != 0 && (a < 1e-9 || a >= 1e15)) {
		snprintf(tmp, sizeof(tmp), "%.17g", v);
	} else {
		for (int dec = 0; dec <= 17; dec++) {
			snprintf(tmp, sizeof(tmp), "%.*f", dec, v);
			if (strtod(tmp, NULL) == v)
				break;
		}
	}
	buf_reset(b);
	buf_adds(b, tmp);
}

static int dispatch(struct fhir_ctx *f, json_t *res)
{
	static const struct {
		const char *type;
		int (*fn)(struct fhir_ctx *, json_t *);
	} handlers[] = {
	        {"Patient", fhir_patient},
	        {"AllergyIntolerance", fhir_allergy},
	        {"MedicationRequest", fhir_medication},
	        {"Condition", fhir_condition},
	        {"Encounter", fhir_encounter},
	        {"Observation", fhir_observation},
	        {"Appointment", fhir_appointment},
	};
	const char *type = fhir_str(res, "resourceType");
	if (!type) {
		fhir_warn(f, EHR_WARN_PARSE,
		          L_("no resourceType: line skipped", "resourceType がありません: 行を読み飛ばしました"));
		return 0;
	}
	for (size_t i = 0; i < LB_ARRAY_LEN(handlers); i++) {
		if (strcmp(type, handlers[i].type))
			continue;
		f->src.data_type = handlers[i].type;
		int rc = handlers[i].fn(f, res);
		f->src.data_type = NULL;
		if (rc > 0)
			f->records++;
		return rc < 0 ? rc : 0;
	}
	f->unsupported++;
	fhir_warn(
	        f, EHR_WARN_UNSUPPORTED,
	        L_("resource type '%.64s' is not read: skipped", "リソース種別 '%.64s' は読みません: 読み飛ばしました"),
	        type);
	return 0;
}

static int one_line(struct fhir_ctx *f, const char *line, size_t len)
{
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len)
		return 0;
	json_error_t err;
	json_t *res = json_loadb(line + i, len - i, 0, &err);
	if (!res) {
		fhir_warn(f, EHR_WARN_PARSE,
		          L_("not JSON (%s at column %d): line skipped",
		             "JSON ではありません (%s、%d 桁目): 行を読み飛ばしました"),
		          err.text, err.column);
		return 0;
	}
	int rc = 0;
	if (!json_is_object(res))
		fhir_warn(
		        f, EHR_WARN_PARSE,
		        L_("not a JSON object: line skipped", "JSON オブジェクトではありません: 行を読み飛ばしました"));
	else
		rc = dispatch(f, res);
	json_decref(res);
	return rc;
}

static int read_stream(struct fhir_ctx *f, FILE *in)
{
	struct buf line = {0};
	char chunk[65536];
	int skipping = 0, rc = 0;
	int64_t lineno = 1;
	size_t n;
	f->src.line = 1;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		size_t start = 0;
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (chunk[i] != '\n')
				continue;
			f->src.line = lineno;
			if (!skipping && line.len + (i - start) <= FHIR_MAX_LINE) {
				buf_add(&line, chunk + start, i - start);
				rc = one_line(f, buf_cstr(&line), line.len);
			} else if (!skipping) {
				fhir_warn(f, EHR_WARN_LIMIT,
				          L_("line longer than %u bytes: skipped",
				             "行が %u バイトを超えています: 読み飛ばしました"),
				          FHIR_MAX_LINE);
			}
			buf_reset(&line);
			skipping = 0;
			start = i + 1;
			lineno++;
		}
		if (rc == 0 && start < n && !skipping) {
			if (line.len + (n - start) > FHIR_MAX_LINE) {
				f->src.line = lineno;
				fhir_warn(f, EHR_WARN_LIMIT,
				          L_("line longer than %u bytes: skipped",
				             "行が %u バイトを超えています: 読み飛ばしました"),
				          FHIR_MAX_LINE);
				skipping = 1;
				buf_release(&line);
			} else {
				buf_add(&line, chunk + start, n - start);
			}
		}
	}
	if (rc == 0 && ferror(in))
		rc = lb_error_errno_tr(errno, "cannot read '%s'", "'%s' を読めません", f->src.path);
	if (rc == 0 && !skipping && line.len) {
		f->src.line = lineno;
		rc = one_line(f, line.data, line.len);
	}
	buf_release(&line);
	return rc;
}

static int read_file(const char *path, const struct ehr_sink *sink, long *records)
{
	FILE *in = fopen(path, "rbe");
	if (!in)
		return lb_error_errno_tr(errno, "cannot open '%s'", "'%s' を開けません", path);
	struct fhir_ctx f = {.sink = sink, .src = {.path = path, .kind = "fhir"}};
	int rc = read_stream(&f, in);
	fclose(in);
	buf_release(&f.t1);
	buf_release(&f.t2);
	buf_release(&f.t3);
	buf_release(&f.t4);
	buf_release(&f.t5);
	*records += f.records;
	return rc;
}

int ehr_fhir_read_file(const char *path, const struct ehr_sink *sink)
{
	long records = 0;
	return read_file(path, sink, &records);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ehr_fhir_read_dir(const char *dir, const struct ehr_sink *sink)
{
	DIR *d = opendir(dir);
	if (!d)
		return lb_error_errno_tr(errno, "cannot open folder '%s'", "フォルダ '%s' を開けません", dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 7 || strcmp(e->d_name + l - 7, ".ndjson"))
			continue;
		if (n >= FHIR_MAX_FILES) {
			rc = lb_error_tr(LB_ETOOBIG, "'%s' holds more than %d NDJSON files",
			                 "'%s' に NDJSON ファイルが %d 個を超えてあります", dir, FHIR_MAX_FILES);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = lb_reallocarray(names, cap, sizeof(*names));
		}
		names[n++] = lb_strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	/* Patients first, so that a store can attach everything else to them. */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], "Patient.ndjson") && i > 0) {
			char *t = names[i];
			memmove(names + 1, names, i * sizeof(*names));
			names[0] = t;
		}
	long records = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct buf p = {0};
		lb_path_join(&p, dir, names[i]);
		rc = read_file(p.data, sink, &records);
		buf_release(&p);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == 0 && n == 0)
		rc = lb_error_tr(LB_ENOTFOUND, "no *.ndjson files in '%s'", "'%s' に *.ndjson ファイルがありません",
		                 dir);
	return rc;
}
