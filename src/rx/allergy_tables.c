/*
 * allergy_tables.c - the allergy check's shipped tables, compiled into the binary and read once:
 * data/rx/allergy-words.tsv (the words wards write: classes, ingredients, severe reactions) and
 * data/rx/cross-reactivity.tsv (class pairs with their levels and sources); and the foldings of a key that need
 * them (the canonical class, the ingredient without its salt).
 */
#include "rx_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char rx_data_allergy_words[];
extern const size_t rx_data_allergy_words_len;
extern const unsigned char rx_data_cross_reactivity[];
extern const size_t rx_data_cross_reactivity_len;

/* ---- building ---------------------------------------------------------------------------------------------- */

static struct rx_allergy_tables tab;
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

size_t rx_chars(const char *s)
{
	return utf8_count(s, strlen(s));
}

int rx_is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int all_ascii_alnum(const char *s)
{
	for (; *s; s++)
		if (!rx_is_alnum((unsigned char)*s))
			return 0;
	return 1;
}

void rx_strip_kei(char *key)
{
	size_t kl = strlen(key);
	if (kl > 3 && !strcmp(key + kl - 3, "系"))
		key[kl - 3] = 0;
}

/* The ingredient part of a folded generic name: salts, hydrates and 「塩酸」 taken off (ロキソプロフェンナトリウム
 * 水和物 → ロキソプロフェン), at least two characters kept. In place. */
static void strip_salt(char *key)
{
	for (int again = 1; again;) {
		again = 0;
		size_t kl = strlen(key);
		for (size_t i = 0; i < tab.nsalt; i++) {
			size_t sl = strlen(tab.salt[i]);
			if (kl > sl && !strcmp(key + kl - sl, tab.salt[i]) && utf8_count(key, kl - sl) >= 2) {
				/* an ASCII salt (na, k) only after a non-ASCII name: ロキソプロフェンna */
				if (rx_is_alnum((unsigned char)tab.salt[i][0]) &&
				    rx_is_alnum((unsigned char)key[kl - sl - 1]))
					continue;
				key[kl - sl] = 0;
				again = 1;
				break;
			}
		}
	}
	static const char pre[] = "塩酸";
	if (!strncmp(key, pre, strlen(pre)) && rx_chars(key + strlen(pre)) >= 2)
		memmove(key, key + strlen(pre), strlen(key + strlen(pre)) + 1);
}

void rx_strip_salt(char *key)
{
	rx_allergy_tables(); /* the salt words are built with the tables: a caller may come before any allergy check */
	strip_salt(key);
}

/* Split one line into tab-separated fields (in place); returns their number. */
static int fields(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		f[n++] = p;
		char *t = strchr(p, '\t');
		if (!t)
			break;
		*t = 0;
		p = t + 1;
	}
	return n;
}

/* Call fn for each data line (not a comment, blank, version or header line) of an embedded table; the version
 * line's value goes to version. */
static void each_line(const unsigned char *data, size_t len, char *version, size_t vcap, const char *header,
                      void (*fn)(char **f, int n))
{
	char *text = lb_strndup((const char *)data, len);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[--l] = 0;
		if (!l || line[0] == '#')
			continue;
		char *f[8];
		int n = fields(line, f, 8);
		if (!strcmp(f[0], "version")) {
			snprintf(version, vcap, "%s", n > 1 ? f[1] : "?");
			continue;
		}
		if (!strcmp(f[0], header))
			continue;
		fn(f, n);
	}
	free(text);
}

/* One line: word, kind, target, class, en, source, note. A leading ^ on a word of kana: it must begin a run of kana
 * in the text (^ピリン: ピリン疑い, never アスピリン); a product written in kana always must (as a drug name of the
 * master is found). */
static void add_word(char **f, int n)
{
	if (n < 5)
		return;
	enum rx_word_kind kind = !strcmp(f[1], "class")        ? RX_W_CLASS
	                         : !strcmp(f[1], "ingredient") ? RX_W_INGREDIENT
	                         : !strcmp(f[1], "severe")     ? RX_W_SEVERE
	                         : !strcmp(f[1], "product")    ? RX_W_PRODUCT
	                                                       : 0;
	int caret = f[0][0] == '^';
	const char *word = f[0] + caret;
	char *key = rx_key(word);
	/* a word of one character (or an empty one) would match everywhere */
	if (!kind || rx_chars(key) < 2) {
		free(key);
		return;
	}
	tab.w = lb_reallocarray(tab.w, tab.nw + 1, sizeof(*tab.w));
	struct rx_word *w = &tab.w[tab.nw++];
	w->word = lb_strdup(word);
	w->key = key;
	w->key_nokei = lb_strdup(key);
	rx_strip_kei(w->key_nokei);
	w->ascii = all_ascii_alnum(key);
	w->start = (caret || kind == RX_W_PRODUCT) && text_is_kana(word, strlen(word));
	w->kind = kind;
	w->target = lb_strdup(f[2]);
	w->target_key = rx_key(f[2]);
	if (kind == RX_W_CLASS)
		rx_strip_kei(w->target_key);
	else if (kind == RX_W_INGREDIENT)
		strip_salt(w->target_key);
	w->cls = lb_strdup(f[3]);
	w->en = lb_strdup(f[4]);
}

/* The canonical key of a class key (without 系): the target of the dictionary's class word spelled so, or itself.
 * Returns a new string. */
static char *canon_class(const char *key)
{
	for (size_t i = 0; i < tab.nw; i++)
		if (tab.w[i].kind == RX_W_CLASS && !strcmp(tab.w[i].key_nokei, key))
			return lb_strdup(tab.w[i].target_key);
	return lb_strdup(key);
}

char *rx_canon_class(const char *key)
{
	rx_allergy_tables(); /* built on first use: a class folded before any allergy check is still canonical */
	return canon_class(key);
}

static enum rx_level level_of(const char *s)
{
	return !strcmp(s, "stop") ? RX_STOP : !strcmp(s, "warn") ? RX_WARN : !strcmp(s, "info") ? RX_INFO : 0;
}

static void add_cross(char **f, int n)
{
	if (n < 6 || !level_of(f[2]) || !level_of(f[3]))
		return;
	tab.c = lb_reallocarray(tab.c, tab.nc + 1, sizeof(*tab.c));
	struct rx_cross *c = &tab.c[tab.nc++];
	char *a = rx_key(f[0]), *b = rx_key(f[1]);
	rx_strip_kei(a);
	rx_strip_kei(b);
	c->a_key = canon_class(a);
	c->b_key = canon_class(b);
	free(a);
	free(b);
	c->a = lb_strdup(f[0]);
	c->b = lb_strdup(f[1]);
	c->level = level_of(f[2]);
	c->level_severe = level_of(f[3]);
	c->note = lb_strdup(f[4]);
	c->source = lb_strdup(f[5]);
}

static void build(void)
{
	static const char *const salts[] = {"水和物",       "塩酸塩",     "硫酸塩",     "酢酸塩",       "臭化水素酸塩",
	                                    "臭化物",       "リン酸塩",   "ナトリウム", "カリウム",     "カルシウム",
	                                    "マグネシウム", "メシル酸塩", "ベシル酸塩", "マレイン酸塩", "酒石酸塩",
	                                    "クエン酸塩",   "フマル酸塩", "水和",       "na",           "k"};
	for (size_t i = 0; i < LB_ARRAY_LEN(salts) && tab.nsalt < LB_ARRAY_LEN(tab.salt); i++)
		tab.salt[tab.nsalt++] = rx_key(salts[i]);
	each_line(rx_data_allergy_words, rx_data_allergy_words_len, tab.words_version, sizeof(tab.words_version),
	          "word", add_word);
	each_line(rx_data_cross_reactivity, rx_data_cross_reactivity_len, tab.cross_version, sizeof(tab.cross_version),
	          "class_a", add_cross);
}

const struct rx_allergy_tables *rx_allergy_tables(void)
{
	pthread_once(&tab_once, build);
	return &tab;
}

const char *rx_allergy_words_version(void)
{
	rx_allergy_tables();
	return tab.words_version;
}

const char *rx_cross_reactivity_version(void)
{
	rx_allergy_tables();
	return tab.cross_version;
}

size_t rx_allergy_words_count(void)
{
	rx_allergy_tables();
	return tab.nw;
}

size_t rx_cross_reactivity_count(void)
{
	rx_allergy_tables();
	return tab.nc;
}
