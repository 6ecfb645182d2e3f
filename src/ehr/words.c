/*
 * words.c - what people read for the codes the readers store (severity, booking status), in English or Japanese.
 *
 * The store keeps one code per value whatever the feed wrote ("severe", "booked"); screens, paper and the
 * command line show the word of the reader's language through these, so a Japanese page never carries a code.
 */
#include "ehr.h"

#include <string.h>
#include <strings.h>

struct word {
	const char *code, *en, *ja;
};

static const char *word_of(const struct word *w, size_t n, const char *code, int ja)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].code, code))
			return ja ? w[i].ja : w[i].en;
	return code;
}

const char *ehr_severity_word(const char *severity, int ja)
{
	static const struct word w[] = {
	        {"severe", "severe", "重度"},
	        {"moderate", "moderate", "中等度"},
	        {"mild", "mild", "軽度"},
	};
	return word_of(w, LB_ARRAY_LEN(w), severity, ja);
}

const char *ehr_booking_word(const char *status, int ja)
{
	static const struct word w[] = {
	        {"booked", "booked", "予約"},
	        {"arrived", "arrived", "来院済"},
	        {"cancelled", "cancelled", "取消"},
	        {"noshow", "did not come", "未来院"},
	};
	return word_of(w, LB_ARRAY_LEN(w), status, ja);
}

int ehr_allergy_says_none(const char *code, const char *name)
{
	static const char *const codes[] = {"NKA", "NKDA", "NKFA", "716186003", "409137002", "429625007", "428607008"};
	static const char *const names[] = {"no known allergies",
	                                    "no known allergy",
	                                    "no known drug allergies",
	                                    "no known drug allergy",
	                                    "nka",
	                                    "nkda",
	                                    "none",
	                                    "なし",
	                                    "無し",
	                                    "アレルギーなし",
	                                    "アレルギー無し",
	                                    "特記なし",
	                                    "特記事項なし"};
	for (size_t i = 0; code && i < sizeof(codes) / sizeof(*codes); i++)
		if (!strcasecmp(code, codes[i]))
			return 1;
	if (!name)
		return 0;
	while (*name == ' ')
		name++;
	size_t l = strlen(name);
	while (l && name[l - 1] == ' ')
		l--;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i]) == l && !strncasecmp(name, names[i], l))
			return 1;
	return 0;
}
