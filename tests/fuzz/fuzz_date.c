/*
 * fuzz_date.c - date and time parsers on any string: text_parse_date (Western and era dates), lb_parse_time and
 * lb_parse_duration. A parsed date is a real calendar date; one in an era formats back (text_format_era) to a
 * string that parses to the same date; a parsed time formats back to the same instant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	int y, m, d;
	if (text_parse_date(s, &y, &m, &d) == 0) {
		if (!lb_date_valid(y, m, d))
			abort();
		struct buf era = {0};
		text_format_era(&era, y, m, d);
		int y2, m2, d2;
		if (!utf8_valid(era.data, era.len))
			abort();
		/* Dates before Meiji are written "1850年1月1日" (years of four digits read back as Western dates); era
		 * years have at most two digits when typed, so the check stops at 令和99 (2117). */
		if (y >= 1000 && y <= 2117 &&
		    (text_parse_date(era.data, &y2, &m2, &d2) != 0 || y2 != y || m2 != m || d2 != d))
			abort();
		buf_release(&era);
	}
	int64_t ms;
	/* Years 1 to 9999 can be written; an offset can move an instant out of them, so check the years between. */
	if (lb_parse_time(s, &ms) == 0 && ms > lb_days_from_civil(2, 1, 1) * 86400000LL &&
	    ms < lb_days_from_civil(9999, 1, 1) * 86400000LL) {
		struct buf t = {0};
		lb_format_utc(&t, ms, 1);
		int64_t back;
		if (lb_parse_time(t.data, &back) != 0 || back != ms)
			abort();
		buf_release(&t);
	}
	if (lb_parse_duration(s, &ms) == 0 && ms < 0)
		abort();
	free(s);
	return 0;
}
