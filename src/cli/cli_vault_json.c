/*
 * cli_vault_json.c - re-emit JSON text stored in a repository (the scorer's reasons) through lifeboat's JSON
 * writer, after jansson has parsed it: a damaged or hostile text can never break the command's JSON output.
 * Kept apart because jansson.h and core.h both define json_null.
 */
#include <jansson.h>
#include <string.h>

struct json_w;
void cvj_obj(struct json_w *w);
void cvj_arr(struct json_w *w);
void cvj_end(struct json_w *w);
void cvj_key(struct json_w *w, const char *k);
void cvj_strn(struct json_w *w, const char *s, size_t n);
void cvj_int(struct json_w *w, long long v);
void cvj_double(struct json_w *w, double v);
void cvj_bool(struct json_w *w, int v);
void cvj_null(struct json_w *w);
void cv_json_raw(struct json_w *w, const char *text);

static void emit(struct json_w *w, json_t *j, int depth)
{
	if (depth > 16) {
		cvj_null(w);
		return;
	}
	const char *k;
	json_t *x;
	size_t i;
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		cvj_obj(w);
		json_object_foreach(j, k, x)
		{
			cvj_key(w, k);
			emit(w, x, depth + 1);
		}
		cvj_end(w);
		break;
	case JSON_ARRAY:
		cvj_arr(w);
		json_array_foreach(j, i, x) emit(w, x, depth + 1);
		cvj_end(w);
		break;
	case JSON_STRING:
		cvj_strn(w, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		cvj_int(w, (long long)json_integer_value(j));
		break;
	case JSON_REAL:
		cvj_double(w, json_real_value(j));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		cvj_bool(w, json_is_true(j));
		break;
	default:
		cvj_null(w);
	}
}

void cv_json_raw(struct json_w *w, const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text ? text : "[]", JSON_DECODE_ANY, &err);
	if (j) {
		emit(w, j, 0);
		json_decref(j);
	} else {
		cvj_strn(w, text ? text : "", text ? strlen(text) : 0);
	}
}
