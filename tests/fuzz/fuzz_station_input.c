/*
 * fuzz_station_input.c - libFuzzer target for the request input the station parses itself: any bytes as a form
 * body / query string (station_form_get for the fields the station reads) and as a Cookie header
 * (station_cookie_get), each decoded value then escaped for HTML and CSV. Checks the contracts: a found value is
 * valid UTF-8 without control characters and within STATION_FIELD_MAX; a cookie value is [A-Za-z0-9_-] only;
 * escaped HTML holds no < > " ' and no & that does not start an entity. Seeds: corpus/station_input/.
 */
#include "station/station_int.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_html(const struct buf *h)
{
	for (size_t i = 0; i < h->len; i++) {
		char c = h->data[i];
		if (c == '<' || c == '>' || c == '"' || c == '\'')
			abort();
		if (c == '&' && strncmp(h->data + i, "&amp;", 5) && strncmp(h->data + i, "&lt;", 4) &&
		    strncmp(h->data + i, "&gt;", 4) && strncmp(h->data + i, "&quot;", 6) &&
		    strncmp(h->data + i, "&#39;", 5))
			abort();
	}
	if (h->len && !utf8_valid(h->data, h->len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = {"q", "csrf", "username", "password", "page", "patient", "a", ""};
	const char *s = (const char *)data;
	struct buf v = {0}, h = {0};
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		int rc = station_form_get(s, size, fields[f], &v);
		if (rc == 1) {
			if (v.len > STATION_FIELD_MAX || !station_text_ok(buf_cstr(&v), v.len) ||
			    strlen(buf_cstr(&v)) != v.len)
				abort();
			buf_reset(&h);
			station_html_esc(&h, buf_cstr(&v));
			check_html(&h);
			buf_reset(&h);
			station_csv_field(&h, buf_cstr(&v));
			if (h.len < 2 || h.data[0] != '"' || h.data[h.len - 1] != '"')
				abort();
		} else if (rc != 0 && rc != -LB_EINVAL && rc != -LB_ETOOBIG) {
			abort();
		}
	}
	/* The same bytes as a Cookie header (up to the first NUL, as a header is a C string). */
	char *hdr = lb_strndup(s, size);
	static const char *const cookies[] = {"lb_session", "lb_pre", "lb_lang", ""};
	for (size_t c = 0; c < sizeof(cookies) / sizeof(cookies[0]); c++) {
		char out[300];
		if (station_cookie_get(hdr, cookies[c], out, sizeof(out))) {
			size_t n = strlen(out);
			if (!n || n > 256)
				abort();
			for (size_t i = 0; i < n; i++)
				if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", out[i]))
					abort();
		}
	}
	/* Escaping any raw bytes (invalid UTF-8 included) gives clean HTML. */
	buf_reset(&h);
	station_html_esc(&h, hdr);
	check_html(&h);
	free(hdr);
	buf_release(&v);
	buf_release(&h);
	return 0;
}
