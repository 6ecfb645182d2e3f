/*
 * vuln.h - the known-exploited vulnerabilities of VPN and remote-maintenance devices (issue 17): the whole
 * interface of src/audit/vuln.c and version.c. The list is data (data/audit/vulns.yaml, compiled into the binary;
 * a newer file installed by `audit vulns update`), not code: per CVE the vendor's affected and fixed versions per
 * release train, the CISA KEV date, ransomware use, a Japanese and an English summary and the sources. The code
 * owns only what data cannot say: how each vendor writes and orders its versions (one grammar and comparator per
 * format, since 7.2.7, 22.7R2.5, 13.1-49.15, 7.0.1-5035, 10.2.1.9-57sv and 10.2.9-h1 order differently), and
 * which products are written in which format.
 *
 * A version that does not follow its vendor's grammar is "not understood" (VULN_UNPARSED), never read as safe;
 * a train is matched exactly: a fix in 7.2.7 says nothing of 7.0.x unless the list names a 7.0 train.
 * Depends on core only.
 */
#ifndef LB_AUDIT_VULN_H
#define LB_AUDIT_VULN_H

#include "core/core.h"

/* ---- versions (version.c) ------------------------------------------------------------------------------------ */

enum vuln_format {
	VULN_FMT_NONE = 0,
	VULN_FMT_FORTIOS, /* 7.2.7, v7.0.12,build0523, v6.0.4,build0231,190107 (GA) */
	VULN_FMT_IVANTI,  /* 22.7R2.5, 9.1R18.2, 9.1R18 (Ivanti / Pulse Connect Secure, Policy Secure) */
	VULN_FMT_CITRIX,  /* 13.1-49.15, 14.1-12.35, 13.1 Build 49.15, NS13.0 47.24 (NetScaler ADC / Gateway) */
	VULN_FMT_SONICOS, /* 7.0.1-5035, 6.5.4.14-109n, 5.9.2.14-12o (SonicOS) */
	VULN_FMT_SMA,     /* 10.2.1.9-57sv, 10.2.0.5-d-29sv (SonicWall SMA 100) */
	VULN_FMT_PANOS,   /* 10.2.9-h1, 11.1.2-h3, 10.2.9 (PAN-OS) */
	VULN_FMT_COUNT
};

#define VULN_VERSION_PARTS 6
/*
 * A parsed version: its numbers in the vendor's order of significance (n of them), compared part by part, a
 * missing part counting as 0. FortiOS [7,2,7] (the build number is kept apart: it does not order releases),
 * Ivanti [22,7,2,5] (major, minor, R, patch), Citrix [13,1,49,15] (release, build), SonicOS and SMA [7,0,1,0,5035]
 * (four dotted numbers, then the build), PAN-OS [10,2,9,1] (the hotfix last, 0 without -h).
 */
struct vuln_version {
	enum vuln_format fmt;
	int n;
	long part[VULN_VERSION_PARTS];
	long build; /* FortiOS build number, -1 when not given; not compared */
};

/* The format's name ("FortiOS") and an example of what it accepts, for messages. */
const char *vuln_format_name(enum vuln_format f);
const char *vuln_format_example(enum vuln_format f);
/*
 * Parse s as a version of format f into *out. train != 0 parses a release train instead: the leading numbers of
 * a version ("7.2", "9.1R18", "13.1", "6.5.4", "10.2.8") to which versions belong when it is a prefix of theirs.
 * Returns 0, or -LB_EINVAL with a message naming the format ("'7.2' is not a FortiOS version (e.g. 7.2.7)").
 */
int vuln_version_parse(enum vuln_format f, const char *s, int train, struct vuln_version *out);
/* <0, 0, >0 as a orders before, with or after b (both of one format). */
int vuln_version_cmp(const struct vuln_version *a, const struct vuln_version *b);
/* 1 when train (parsed with train != 0) is a prefix of v. */
int vuln_version_in_train(const struct vuln_version *v, const struct vuln_version *train);

/*
 * The format of a vendor's product, after folding the names people write (case, spaces, "Pulse Secure",
 * "FortiGate", "Citrix ADC", "GlobalProtect") to the list's ids. *vendor_id and *product_id (may be NULL) get the
 * canonical ids ("ivanti", "connect-secure"). VULN_FMT_NONE when the product is not one the list covers.
 */
enum vuln_format vuln_product_format(const char *vendor, const char *product, const char **vendor_id,
                                     const char **product_id);
/* The ids the list knows, for `audit vulns list` and error messages: "fortinet/fortios, ivanti/connect-secure, …". */
void vuln_products_names(struct buf *b);

/* ---- the list (vuln.c) -------------------------------------------------------------------------------------- */

#define VULN_FILE_MAX (4 << 20) /* bytes of a data file */
#define VULN_SCHEMA 1           /* the `schema:` this code reads */

/*
 * One affected range within a release train. A version of the train (and of one of products, when given) is
 * affected when introduced <= v (no introduced: any) and v < fixed; with no fixed, v <= last_affected; with
 * neither, every version of the train is (no fix in it: the vendor says move to another train). When a version
 * belongs to several trains of one CVE, the longest train decides (10.2.8 before 10.2).
 */
struct vuln_range {
	char *train_s, *introduced_s, *fixed_s, *last_affected_s, *note; /* as written; NULL when absent */
	struct vuln_version train, introduced, fixed, last_affected;
	char **products; /* subset of the entry's products this range is for (NULL: all) */
	size_t nproducts;
	int unverified; /* the range could not be confirmed in a source: say so */
	int line;
};

struct vuln_entry {
	char *cve, *vendor, *name, *summary_en, *summary_ja, *kev_date;
	char **products;
	size_t nproducts;
	char **sources;
	size_t nsources;
	int ransomware; /* CISA KEV knownRansomwareCampaignUse: Known */
	int unverified; /* some of its ranges could not be confirmed */
	enum vuln_format fmt;
	struct vuln_range *ranges;
	size_t nranges;
	int line;
};

/* A loaded list. A zeroed struct is an empty one. origin is "embedded" or the file's path. */
struct vuln_db {
	char *origin;
	long version;   /* the data's own revision number */
	char as_of[11]; /* YYYY-MM-DD: the date the list was checked against its sources */
	struct vuln_entry *v;
	size_t n;
};

/*
 * Read a list from bytes: strictly (unknown keys, a missing field, a version its product's format does not
 * understand, an unknown product, a train given twice, introduced after fixed: each refused), every error one line
 * "NAME:LINE: reason" (-LB_EINVAL). On failure db is left empty.
 */
int vuln_db_load_buf(struct vuln_db *db, const char *name, const char *data, size_t len);
int vuln_db_load_file(struct vuln_db *db, const char *path);
/* The list compiled into this binary. */
int vuln_db_load_embedded(struct vuln_db *db);
/* The shipped file's bytes (for tests and `audit vulns show`). */
const char *vuln_embedded_data(size_t *len);
/*
 * The list in use: the file installed in data_dir (vulns.yaml) when there is one and its as_of is not older than
 * the embedded list's, else the embedded list (a newer binary is not shadowed by an old install). An installed
 * file that does not read is an error, not silently skipped. data_dir NULL: vuln_data_dir().
 */
int vuln_db_load_default(struct vuln_db *db, const char *data_dir);
void vuln_db_release(struct vuln_db *db);
/* Where `audit vulns update` installs a list: $LIFEBOAT_AUDIT_DATA, else /var/lib/lifeboat/audit. */
const char *vuln_data_dir(void);
/* data_dir/vulns.yaml into b. */
void vuln_installed_path(struct buf *b, const char *data_dir);
/*
 * Install the file at src into data_dir (created if missing) as vulns.yaml, atomically, after it reads. Refuses
 * (-LB_EEXIST) a list whose as_of is older than the one in use, unless force. *installed (may be NULL) gets the
 * list read.
 */
int vuln_db_install(const char *src, const char *data_dir, int force, struct vuln_db *installed);

enum vuln_status {
	VULN_CHECKED = 0, /* the version was understood: hits (maybe none) say which CVEs apply */
	VULN_UNPARSED,    /* the version is not one the vendor's format knows: not known to be safe */
	VULN_UNKNOWN,     /* the list does not cover this vendor/product */
};
struct vuln_hit {
	const struct vuln_entry *e;
	const struct vuln_range *r; /* the range that matched: its fixed_s is the fix in this train (NULL: none) */
};
struct vuln_match {
	enum vuln_status status;
	enum vuln_format fmt;
	struct vuln_hit *hits;
	size_t n;
};
/* Match one device. Returns 0 with m filled (release it with vuln_match_release); the message of a
 * VULN_UNPARSED says why (lb_errmsg). */
int vuln_match(const struct vuln_db *db, const char *vendor, const char *product, const char *version,
               struct vuln_match *m);
void vuln_match_release(struct vuln_match *m);

#endif
