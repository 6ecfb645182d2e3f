/*
 * cli_vault_json.c - re-emit JSON text stored in a repository (the scorer's reasons) through lifeboat's JSON
 * writer, after jansson has parsed it: a damaged or hostile text can never break the command's JSON output.
 */
#include "cli_vault.h"

#include <jansson.h>
#include <string.h>

static void emit(struct json_w *w, json_t *j, int depth)
{
	if (depth > 16) {
		json_null_value(w);
		return;
	}
	const char *k;
	json_t *x;
	size_t i;
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		json_obj(w);
		json_object_foreach(j, k, x)
		{
			json_key(w, k);
			emit(w, x, depth + 1);
		}
		json_end(w);
		break;
	case JSON_ARRAY:
		json_arr(w);
		json_array_foreach(j, i, x) emit(w, x, depth + 1);
		json_end(w);
		break;
	case JSON_STRING:
		json_strn(w, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		json_int(w, (long long)json_integer_value(j));
		break;
	case JSON_REAL:
		json_double(w, json_real_value(j));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		json_bool(w, json_is_true(j));
		break;
	default:
		json_null_value(w);
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
		json_strn(w, text ? text : "", text ? strlen(text) : 0);
	}
}
