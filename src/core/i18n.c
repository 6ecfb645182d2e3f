/*
 * i18n.c - message language. Japanese first: a hospital's machines run with LANG=ja_JP.UTF-8; everything else
 * reads English. Each message is written in both languages where it is used: lb_tr("en", "ja").
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

static int lang_set = -1;

static int from_env(void)
{
	static const char *vars[] = {"LIFEBOAT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < LB_ARRAY_LEN(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "ja", 2) == 0 ? LB_LANG_JA : LB_LANG_EN;
	}
	return LB_LANG_EN;
}

enum lb_lang lb_lang(void)
{
	if (lang_set < 0)
		lang_set = from_env();
	return (enum lb_lang)lang_set;
}

void lb_set_lang(enum lb_lang lang)
{
	lang_set = (int)lang;
}

const char *lb_tr(const char *en, const char *ja)
{
	return lb_lang() == LB_LANG_JA && ja ? ja : en;
}
