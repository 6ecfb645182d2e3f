/*
 * version.c - one grammar and comparator per vendor's version format (vuln.h), and which product is written in
 * which. Each grammar is strict: what it does not recognise is refused, so that "7.2" (which 7.2.x?) or
 * "22.7.2.5" (an Ivanti version without its R) is "not understood" rather than guessed at. Once parsed, versions
 * order by their numbers part by part; the grammars put the parts in the vendor's order of significance.
 */
#include "vuln.h"

#include <ctype.h>
#include <string.h>

struct scan {
	const char *s;
	size_t i;
};

static int peek(const struct scan *c)
{
	return (unsigned char)c->s[c->i];
}

/* A decimal number of 1 to 9 digits. */
static int num(struct scan *c, long *v)
{
	size_t start = c->i;
	long x = 0;
	while (isdigit(peek(c)) && c->i - start < 9)
		x = x * 10 + (c->s[c->i++] - '0');
	if (c->i == start || isdigit(peek(c)))
		return 0;
	*v = x;
	return 1;
}

static int lit(struct scan *c, int ch)
{
	if (peek(c) != ch)
		return 0;
	c->i++;
	return 1;
}

/* A word, case-insensitive. */
static int word(struct scan *c, const char *w)
{
	size_t n = strlen(w);
	if (strncasecmp(c->s + c->i, w, n))
		return 0;
	c->i += n;
	return 1;
}

static void spaces(struct scan *c)
{
	while (peek(c) == ' ')
		c->i++;
}

static int at_end(const struct scan *c)
{
	return c->s[c->i] == '\0';
}

static int add(struct vuln_version *v, long x)
{
	if (v->n >= VULN_VERSION_PARTS)
		return 0;
	v->part[v->n++] = x;
	return 1;
}

/* Up to max numbers separated by '.', at least min; appended to v. Returns how many were read, 0 on failure. */
static int dotted(struct scan *c, struct vuln_version *v, int min, int max)
{
	int k = 0;
	long x;
	do {
		if (k == max || !num(c, &x) || !add(v, x))
			return 0;
		k++;
	} while (k < max && peek(c) == '.' && isdigit((unsigned char)c->s[c->i + 1]) && lit(c, '.'));
	return k >= min ? k : 0;
}

/* FortiOS: [v]X.Y.Z, then optionally ",buildNNNN" (or " build NNNN"), ",YYMMDD" and " (GA…)". */
static int p_fortios(struct scan *c, int train, struct vuln_version *v)
{
	if (!lit(c, 'v'))
		lit(c, 'V');
	if (!dotted(c, v, train ? 1 : 3, 3))
		return 0;
	if (train)
		return at_end(c);
	size_t save = c->i;
	if (lit(c, ',') || lit(c, ' ') || lit(c, '-')) {
		spaces(c);
		if (!word(c, "build"))
			return 0;
		spaces(c);
		if (!num(c, &v->build))
			return 0;
		long date;
		if (lit(c, ',') && !num(c, &date))
			return 0;
		if (peek(c) == ' ') {
			spaces(c);
			if (!lit(c, '('))
				return 0;
			while (isalnum(peek(c)) || peek(c) == '.' || peek(c) == '_')
				c->i++;
			if (!lit(c, ')'))
				return 0;
		}
	} else
		c->i = save;
	return at_end(c);
}

/* Ivanti / Pulse: X.YRn[.p], optionally " (build NNNN)" or " build NNNN". Trains: X, X.Y, X.YRn. */
static int p_ivanti(struct scan *c, int train, struct vuln_version *v)
{
	long x;
	if (!num(c, &x) || !add(v, x))
		return 0;
	if (train && at_end(c))
		return 1;
	if (!lit(c, '.') || !num(c, &x) || !add(v, x))
		return 0;
	if (train && at_end(c))
		return 1;
	if (!(lit(c, 'R') || lit(c, 'r')) || !num(c, &x) || !add(v, x))
		return 0;
	if (train)
		return at_end(c);
	if (lit(c, '.') && (!num(c, &x) || !add(v, x)))
		return 0;
	if (peek(c) == ' ') {
		spaces(c);
		int paren = lit(c, '(');
		long b;
		if (!word(c, "build") || (spaces(c), !num(c, &b)) || (paren && !lit(c, ')')))
			return 0;
	}
	return at_end(c);
}

/* Citrix NetScaler: [NS]X.Y-B.S, X.Y Build B.S[.nc|.e], X.Y B.S; trains X, X.Y. */
static int p_citrix(struct scan *c, int train, struct vuln_version *v)
{
	word(c, "NS");
	if (!dotted(c, v, train ? 1 : 2, 2))
		return 0;
	if (train)
		return at_end(c);
	if (!lit(c, '-')) {
		lit(c, ':');
		if (!lit(c, ' '))
			return 0;
		spaces(c);
		if (word(c, "build"))
			spaces(c);
	}
	if (dotted(c, v, 2, 2) != 2)
		return 0;
	if (lit(c, '.') && !(word(c, "nc") || word(c, "e")))
		return 0;
	return at_end(c);
}

/* SonicOS: three or four dotted numbers, '-', the build, an optional platform letter (7.0.1-5035, 6.5.4.14-109n);
 * SMA 100: four dotted numbers, '-', [d-], the build, [sv]. Both padded to four dotted parts before the build. */
static int p_sonic(struct scan *c, int train, int sma, struct vuln_version *v)
{
	int k = dotted(c, v, train ? 1 : (sma ? 4 : 3), 4);
	if (!k)
		return 0;
	if (train)
		return at_end(c);
	while (v->n < 4)
		add(v, 0);
	long b;
	if (!lit(c, '-'))
		return 0;
	if (sma && peek(c) == 'd' && c->s[c->i + 1] == '-')
		c->i += 2;
	if (!num(c, &b) || !add(v, b))
		return 0;
	if (sma)
		word(c, "sv");
	else if (isalpha(peek(c)))
		c->i++;
	return at_end(c);
}

/* PAN-OS: X.Y.Z[-hN]; trains X, X.Y, X.Y.Z. */
static int p_panos(struct scan *c, int train, struct vuln_version *v)
{
	if (!dotted(c, v, train ? 1 : 3, 3))
		return 0;
	if (train)
		return at_end(c);
	long h = 0;
	if (lit(c, '-') && !((lit(c, 'h') || lit(c, 'H')) && num(c, &h)))
		return 0;
	add(v, h);
	return at_end(c);
}

static const struct {
	const char *name, *example, *train_example;
} formats[VULN_FMT_COUNT] = {
        [VULN_FMT_FORTIOS] = {"FortiOS", "7.2.7 or v7.0.12,build0523", "7.2"},
        [VULN_FMT_IVANTI] = {"Ivanti Connect Secure", "22.7R2.5 or 9.1R18.2", "22.7 or 9.1R18"},
        [VULN_FMT_CITRIX] = {"NetScaler", "13.1-49.15", "13.1"},
        [VULN_FMT_SONICOS] = {"SonicOS", "7.0.1-5035 or 6.5.4.14-109n", "7.0"},
        [VULN_FMT_SMA] = {"SonicWall SMA", "10.2.1.9-57sv", "10.2"},
        [VULN_FMT_PANOS] = {"PAN-OS", "10.2.9-h1", "10.2 or 10.2.8"},
};

const char *vuln_format_name(enum vuln_format f)
{
	return f > VULN_FMT_NONE && f < VULN_FMT_COUNT ? formats[f].name : "?";
}

const char *vuln_format_example(enum vuln_format f)
{
	return f > VULN_FMT_NONE && f < VULN_FMT_COUNT ? formats[f].example : "?";
}

int vuln_version_parse(enum vuln_format f, const char *s, int train, struct vuln_version *out)
{
	memset(out, 0, sizeof(*out));
	out->fmt = f;
	out->build = -1;
	struct scan c = {s ? s : "", 0};
	int ok = 0;
	if (s && strlen(s) <= 64) {
		switch (f) {
		case VULN_FMT_FORTIOS:
			ok = p_fortios(&c, train, out);
			break;
		case VULN_FMT_IVANTI:
			ok = p_ivanti(&c, train, out);
			break;
		case VULN_FMT_CITRIX:
			ok = p_citrix(&c, train, out);
			break;
		case VULN_FMT_SONICOS:
			ok = p_sonic(&c, train, 0, out);
			break;
		case VULN_FMT_SMA:
			ok = p_sonic(&c, train, 1, out);
			break;
		case VULN_FMT_PANOS:
			ok = p_panos(&c, train, out);
			break;
		default:
			return lb_error_tr(LB_EINTERNAL, "no version format %d", "バージョン形式 %d はありません",
			                   (int)f);
		}
	}
	if (ok)
		return 0;
	memset(out, 0, sizeof(*out));
	out->fmt = f;
	/* the message quotes what was read, on one line whatever it holds */
	char shown[65];
	size_t k = 0;
	for (const char *p = s ? s : ""; *p && k < sizeof(shown) - 1; p++)
		shown[k++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? '?' : *p;
	shown[k] = '\0';
	s = shown;
	if (train)
		return lb_error_tr(LB_EINVAL, "'%.64s' is not a %s release train (e.g. %s)",
		                   "'%.64s' は %s のリリース系列ではありません (例: %s)", s ? s : "", formats[f].name,
		                   formats[f].train_example);
	return lb_error_tr(LB_EINVAL, "'%.64s' is not a %s version (e.g. %s)",
	                   "'%.64s' は %s のバージョンではありません (例: %s)", s ? s : "", formats[f].name,
	                   formats[f].example);
}

int vuln_version_cmp(const struct vuln_version *a, const struct vuln_version *b)
{
	int n = a->n > b->n ? a->n : b->n;
	for (int i = 0; i < n; i++) {
		long x = i < a->n ? a->part[i] : 0, y = i < b->n ? b->part[i] : 0;
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

int vuln_version_in_train(const struct vuln_version *v, const struct vuln_version *train)
{
	if (v->fmt != train->fmt || train->n > v->n)
		return 0;
	for (int i = 0; i < train->n; i++)
		if (v->part[i] != train->part[i])
			return 0;
	return 1;
}

/* ---- products ------------------------------------------------------------------------------------------------ */

static const struct {
	const char *vendor, *product;
	enum vuln_format fmt;
} products[] = {
        {"fortinet", "fortios", VULN_FMT_FORTIOS},        {"ivanti", "connect-secure", VULN_FMT_IVANTI},
        {"ivanti", "policy-secure", VULN_FMT_IVANTI},     {"citrix", "netscaler-adc", VULN_FMT_CITRIX},
        {"citrix", "netscaler-gateway", VULN_FMT_CITRIX}, {"citrix", "netscaler-adc-fips", VULN_FMT_CITRIX},
        {"sonicwall", "sonicos", VULN_FMT_SONICOS},       {"sonicwall", "sma100", VULN_FMT_SMA},
        {"paloaltonetworks", "pan-os", VULN_FMT_PANOS},
};

/* The names people write for the same thing, folded (lowercase, spaces and '_' as '-') first. */
static const struct {
	const char *alias, *id;
} vendor_alias[] =
        {
                {"fortinet", "fortinet"},
                {"fortigate", "fortinet"},
                {"ivanti", "ivanti"},
                {"pulse-secure", "ivanti"},
                {"pulsesecure", "ivanti"},
                {"pulse", "ivanti"},
                {"citrix", "citrix"},
                {"netscaler", "citrix"},
                {"cloud-software-group", "citrix"},
                {"sonicwall", "sonicwall"},
                {"paloaltonetworks", "paloaltonetworks"},
                {"palo-alto-networks", "paloaltonetworks"},
                {"palo-alto", "paloaltonetworks"},
                {"paloalto", "paloaltonetworks"},
},
  product_alias[] = {
          {"fortios", "fortios"},
          {"fortigate", "fortios"},
          {"connect-secure", "connect-secure"},
          {"ivanti-connect-secure", "connect-secure"},
          {"pulse-connect-secure", "connect-secure"},
          {"ics", "connect-secure"},
          {"pcs", "connect-secure"},
          {"policy-secure", "policy-secure"},
          {"ivanti-policy-secure", "policy-secure"},
          {"pulse-policy-secure", "policy-secure"},
          {"netscaler-adc", "netscaler-adc"},
          {"citrix-adc", "netscaler-adc"},
          {"adc", "netscaler-adc"},
          {"netscaler-gateway", "netscaler-gateway"},
          {"citrix-gateway", "netscaler-gateway"},
          {"gateway", "netscaler-gateway"},
          {"netscaler-adc-fips", "netscaler-adc-fips"},
          {"citrix-adc-fips", "netscaler-adc-fips"},
          {"sonicos", "sonicos"},
          {"sma100", "sma100"},
          {"sma-100", "sma100"},
          {"sma", "sma100"},
          {"pan-os", "pan-os"},
          {"panos", "pan-os"},
          {"globalprotect", "pan-os"},
};

static void fold(char *out, size_t cap, const char *s)
{
	size_t j = 0;
	for (; s && *s && j + 1 < cap; s++) {
		unsigned char ch = (unsigned char)*s;
		out[j++] = (ch == ' ' || ch == '_') ? '-' : (char)tolower(ch);
	}
	out[j] = '\0';
}

enum vuln_format vuln_product_format(const char *vendor, const char *product, const char **vendor_id,
                                     const char **product_id)
{
	char fv[48], fp[48];
	fold(fv, sizeof(fv), vendor);
	fold(fp, sizeof(fp), product);
	const char *v = NULL, *p = NULL;
	for (size_t i = 0; i < LB_ARRAY_LEN(vendor_alias) && !v; i++)
		if (!strcmp(fv, vendor_alias[i].alias))
			v = vendor_alias[i].id;
	for (size_t i = 0; i < LB_ARRAY_LEN(product_alias) && !p; i++)
		if (!strcmp(fp, product_alias[i].alias))
			p = product_alias[i].id;
	for (size_t i = 0; v && p && i < LB_ARRAY_LEN(products); i++)
		if (!strcmp(products[i].vendor, v) && !strcmp(products[i].product, p)) {
			if (vendor_id)
				*vendor_id = products[i].vendor;
			if (product_id)
				*product_id = products[i].product;
			return products[i].fmt;
		}
	return VULN_FMT_NONE;
}

void vuln_products_names(struct buf *b)
{
	for (size_t i = 0; i < LB_ARRAY_LEN(products); i++)
		buf_addf(b, "%s%s/%s", i ? ", " : "", products[i].vendor, products[i].product);
}
