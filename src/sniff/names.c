/*
 * names.c - what names and short texts say: ransom-note file names and ransom-note wording (English and Japanese,
 * in UTF-8, Shift_JIS, EUC-JP or ISO-2022-JP), extensions that ransomware appends, and the familiar extensions of a
 * hospital's file shares.
 */
#include <string.h>

#include "sniff/sniff.h"
#include "sniff/sniff_int.h"
#include "text/text.h"

#define NOTE_TEXT_MAX (64u << 10)

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/* Lower-case ASCII copy of at most cap-1 bytes; returns 0 when it did not fit. */
static int lower_copy(char *out, size_t cap, const char *s)
{
	size_t i = 0;
	for (; s[i]; i++) {
		if (i + 1 >= cap)
			return 0;
		char c = s[i];
		out[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	out[i] = 0;
	return 1;
}

static const char *base_name(const char *name)
{
	const char *slash = strrchr(name, '/');
	return slash ? slash + 1 : name;
}

static const char *const common_exts[] = {
        /* office and documents */
        "doc", "docx", "docm", "dot", "dotx", "xls", "xlsx", "xlsm", "xlsb", "xlt", "ppt", "pptx", "pptm", "odt", "ods",
        "odp", "odg", "rtf", "pdf", "txt", "text", "md", "rst", "tex", "csv", "tsv", "xml", "json", "ndjson", "jsonl",
        "yaml", "yml", "toml", "ini", "cfg", "conf", "log", "html", "htm", "xhtml", "css", "js", "eml", "msg", "one",
        "vsd", "vsdx", "pub", "mdb", "accdb", "jtd", "jtdc", "xps", "epub",
        /* clinical */
        "hl7", "dcm", "dicom", "ccda", "cda", "fhir", "ss-mix2", "ssmix", "mml", "ord", "dat", "edi",
        /* images, audio, video */
        "jpg", "jpeg", "jpe", "png", "gif", "tif", "tiff", "bmp", "webp", "heic", "heif", "svg", "ico", "raw", "dng",
        "cr2", "nef", "psd", "ai", "eps", "jp2", "j2k", "mp3", "wav", "m4a", "aac", "flac", "ogg", "mp4", "m4v", "mov",
        "avi", "mkv", "wmv", "webm", "mpg", "mpeg",
        /* archives and compressed */
        "zip", "gz", "tgz", "zst", "tzst", "xz", "txz", "bz2", "tbz2", "7z", "rar", "tar", "lz4", "lzma", "z", "cab",
        "iso", "img", "jar", "war", "deb", "rpm",
        /* data, databases, dumps */
        "sql", "dump", "dmp", "db", "sqlite", "sqlite3", "bak", "backup", "old", "orig", "tmp", "temp", "swp", "part",
        "crdownload", "lock", "pid", "idx", "dbf", "ldf", "mdf", "ndf", "frm", "ibd", "myd", "myi", "parquet", "avro",
        "orc", "h5", "npy", "pkl", "bin", "out", "journal", "wal", "shm",
        /* code and programs */
        "c", "h", "cc", "cpp", "hpp", "py", "sh", "bash", "pl", "rb", "go", "rs", "java", "class", "php", "ts", "sql",
        "bat", "cmd", "ps1", "vbs", "exe", "dll", "so", "o", "a", "lib", "msi", "sys", "ko", "elf", "apk", "wasm",
        /* user-chosen encryption and signatures (one user encrypting one file is not ransomware) */
        "gpg", "pgp", "asc", "sig", "age", "p7m", "p7s", "pem", "crt", "cer", "key", "der", "p12", "pfx", "kdbx",
        /* fonts, misc */
        "ttf", "otf", "woff", "woff2", "lnk", "url", "desktop", "ics", "vcf", "mbox", "pst", "ost", NULL};

int sniff_ext_common(const char *ext)
{
	char low[32];
	if (!ext)
		return 0;
	if (*ext == '.')
		ext++;
	if (!*ext || !lower_copy(low, sizeof(low), ext))
		return 0;
	return in_list(low, common_exts);
}

/* Extensions of known families (lower case, without the dot). */
static const char *const ransom_exts[] = {
        "encrypted",  "enc",       "locked",   "lock3d",     "crypt",         "crypted",    "crypto",      "cryptor",
        "crypz",      "cryp1",     "cry",      "lockbit",    "conti",         "ryuk",       "ryk",         "revil",
        "sodinokibi", "phobos",    "eking",    "eight",      "makop",         "djvu",       "stop",        "wncry",
        "wnry",       "wcry",      "wncryt",   "locky",      "zepto",         "odin",       "thor",        "aesir",
        "cerber",     "cerber3",   "crab",     "krab",       "gdcb",          "dharma",     "wallet",      "arena",
        "combo",      "basta",     "akira",    "royal",      "hive",          "babyk",      "babuk",       "clop",
        "cl0p",       "ciop",      "avos",     "avos2",      "avoslinux",     "medusa",     "rhysida",     "8base",
        "mallox",     "lockfile",  "deadbolt", "lockedfile", "kraken",        "vvv",        "ccc",         "ecc",
        "exx",        "zzz",       "xyz",      "aaa",        "micro",         "ttt",        "r5a",         "ransom",
        "pay2key",    "darkside",  "blackcat", "alphv",      "noescape",      "lockergoga", "maze",        "egregor",
        "ragnar",     "netwalker", "nefilim",  "sekhmet",    "karma",         "quantum",    "blackmatter", "lorenz",
        "cuba",       "hello",     "play",     "3am",        "cactus",        "trigona",    "monti",       "bianlian",
        "mimic",      "nokoyawa",  "lockbit3", "buran",      "globeimposter", "gotham",     "petya",       "badrabbit",
        "notpetya",   "m0nk3y",    "fucked",   "pay",        "paym",          "help",       "encrypt",     NULL};

/* An appended tail that looks machine-made: 4 to 16 letters and digits, not only digits (logrotate's .1 .2). */
static int random_tail(const char *t)
{
	size_t len = strlen(t), digits = 0;
	if (len < 4 || len > 16)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = t[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (!((c >= 'a' && c <= 'z') || c == '_' || c == '-'))
			return 0;
	}
	return digits < len;
}

int sniff_ransom_extension(const char *name)
{
	char low[512];
	if (!name || !lower_copy(low, sizeof(low), base_name(name)))
		return 0;
	char *dot = strrchr(low, '.');
	if (!dot || dot == low || !dot[1])
		return 0;
	const char *ext = dot + 1;
	if (in_list(ext, ransom_exts))
		return 1;
	/* Dharma/Phobos style: name.docx.id[1A2B3C4D-1234].[mail@example.com].eking */
	if ((strstr(low, ".id[") || strstr(low, ".id-")) && strchr(low, '@'))
		return 1;
	if (sniff_ext_common(ext))
		return 0;
	/* a random tail after a familiar extension: report.docx.a8f3k2 */
	*dot = 0;
	char *inner = strrchr(low, '.');
	return inner && inner != low && sniff_ext_common(inner + 1) && random_tail(ext);
}

int sniff_ransom_note_name(const char *name)
{
	char low[512];
	if (!name || !lower_copy(low, sizeof(low), base_name(name)))
		return 0;
	const char *dot = strrchr(low, '.');
	static const char *const exts[] = {"txt", "html", "htm", "hta", "rtf", "url", "png", "jpg", "bmp", "inf", NULL};
	int ext_ok = !dot || in_list(dot + 1, exts);
	/* Japanese: decrypting and ransom are note words by themselves; restoring and encrypting only with words that
	 * address the reader ("復元方法", "お読みください"), since IT keeps "暗号化手順書.txt" too */
	static const char *const ja_strong[] = {"復号", "身代金", "解読", NULL};
	static const char *const ja_weak[] = {"復元", "暗号化", NULL};
	static const char *const ja_note[] = {"方法", "読み", "読んで", "重要", "必読", "ください", "するには", NULL};
	int strong = 0, weak = 0, ja_addr = 0;
	for (const char *const *k = ja_strong; *k; k++)
		strong |= strstr(low, *k) != NULL;
	for (const char *const *k = ja_weak; *k; k++)
		weak |= strstr(low, *k) != NULL;
	for (const char *const *k = ja_note; *k; k++)
		ja_addr |= strstr(low, *k) != NULL;
	if (ext_ok && (strong || (weak && ja_addr)))
		return 1;
	/* words of the act, and words of a note */
	static const char *const act[] = {"decrypt",    "recover",    "restore",    "unlock",     "ransom",
	                                  "encrypt",    "crypt",      "locked",     "my_files",   "my-files",
	                                  "your_files", "your-files", "back_files", "back-files", NULL};
	static const char *const note[] = {"readme",    "read_me", "read-me",   "read me",     "how_to", "how-to",
	                                   "howto",     "how to",  "help",      "instruction", "info",   "note",
	                                   "attention", "warning", "important", "!!!",         "files",  NULL};
	int a = 0, b = 0;
	for (const char *const *k = act; *k; k++)
		a |= strstr(low, *k) != NULL;
	for (const char *const *k = note; *k; k++)
		b |= strstr(low, *k) != NULL;
	if (a && b && ext_ok)
		return 1;
	/* "!!!READ_ME!!!", "_readme.txt" (STOP/Djvu), "!README!.txt", "#README.lockbit" */
	if (strstr(low, "!!!") && (strstr(low, "read") || strstr(low, "help")))
		return 1;
	if (!strcmp(low, "_readme.txt") || !strncmp(low, "!readme", 7) || !strncmp(low, "#readme", 7) ||
	    !strncmp(low, "readme.lockbit", 14) || !strncmp(low, "restore-my-files", 16))
		return 1;
	return 0;
}

/* The four things a ransom note says: we encrypted, you can get it back, pay, contact us (or we publish). */
enum { NOTE_ENC, NOTE_REC, NOTE_PAY, NOTE_CONTACT, NOTE_GROUPS };
struct note_word {
	int group;
	const char *w;
};
static const struct note_word note_words[] = {
        {NOTE_ENC, "been encrypted"}, {NOTE_ENC, "were encrypted"},
        {NOTE_ENC, "are encrypted"},  {NOTE_ENC, "files encrypted"},
        {NOTE_ENC, "encrypted by"},   {NOTE_ENC, "your files"},
        {NOTE_ENC, "your network"},   {NOTE_ENC, "your data"},
        {NOTE_ENC, "暗号化"},         {NOTE_REC, "decrypt"},
        {NOTE_REC, "recover"},        {NOTE_REC, "restore"},
        {NOTE_REC, "private key"},    {NOTE_REC, "unique key"},
        {NOTE_REC, "復号"},           {NOTE_REC, "復元"},
        {NOTE_REC, "解読"},           {NOTE_REC, "復旧"},
        {NOTE_PAY, "bitcoin"},        {NOTE_PAY, "btc"},
        {NOTE_PAY, "monero"},         {NOTE_PAY, "xmr"},
        {NOTE_PAY, "ransom"},         {NOTE_PAY, "payment"},
        {NOTE_PAY, ".onion"},         {NOTE_PAY, "tor browser"},
        {NOTE_PAY, "torproject"},     {NOTE_PAY, "wallet"},
        {NOTE_PAY, "ビットコイン"},   {NOTE_PAY, "身代金"},
        {NOTE_PAY, "支払"},           {NOTE_PAY, "暗号資産"},
        {NOTE_PAY, "仮想通貨"},       {NOTE_CONTACT, "contact us"},
        {NOTE_CONTACT, "contact"},    {NOTE_CONTACT, "e-mail"},
        {NOTE_CONTACT, "email"},      {NOTE_CONTACT, "tox id"},
        {NOTE_CONTACT, "qtox"},       {NOTE_CONTACT, "jabber"},
        {NOTE_CONTACT, "telegram"},   {NOTE_CONTACT, "leak"},
        {NOTE_CONTACT, "publish"},    {NOTE_CONTACT, "deadline"},
        {NOTE_CONTACT, "連絡"},       {NOTE_CONTACT, "公開"},
        {NOTE_CONTACT, "期限"},       {NOTE_CONTACT, "盗"},
};

static int note_groups(const uint8_t *p, size_t n)
{
	int hit[NOTE_GROUPS] = {0};
	/* a note always asks for money: look for that first, most texts stop here */
	for (size_t i = 0; i < LB_ARRAY_LEN(note_words) && !hit[NOTE_PAY]; i++)
		if (note_words[i].group == NOTE_PAY && sniff_find_ci(p, n, note_words[i].w) >= 0)
			hit[NOTE_PAY] = 1;
	if (!hit[NOTE_PAY])
		return 0;
	for (size_t i = 0; i < LB_ARRAY_LEN(note_words); i++)
		if (!hit[note_words[i].group] && sniff_find_ci(p, n, note_words[i].w) >= 0)
			hit[note_words[i].group] = 1;
	return hit[NOTE_ENC] + hit[NOTE_REC] + hit[NOTE_PAY] + hit[NOTE_CONTACT];
}

int sniff_ransom_note_text(const void *p, size_t n)
{
	const uint8_t *s = p;
	if (!s || n == 0)
		return 0;
	if (n > NOTE_TEXT_MAX)
		n = NOTE_TEXT_MAX;
	int high = 0, esc = 0;
	for (size_t i = 0; i < n; i++)
		high |= s[i] >= 0x80, esc |= s[i] == 0x1b;
	int utf8 = 0; /* valid UTF-8, maybe cut inside the last character by the end of the head */
	for (size_t cut = 0; high && !utf8 && cut < 4 && cut < n; cut++)
		utf8 = utf8_valid(p, n - cut);
	if ((!high && !esc) || utf8)
		return note_groups(s, n) >= 3;
	if (sniff_utf16_text(s, n))
		return 0; /* not decoded here; UTF-16 notes are rare and their names are caught */
	if (!sniff_is_text(s, n))
		return 0;
	/* ISO-2022-JP, Shift_JIS or EUC-JP: decode once to UTF-8 (the only allocation of src/sniff/) */
	struct buf u = {0};
	text_decode(text_guess_encoding(p, n), &u, p, n, NULL);
	int r = note_groups((const uint8_t *)buf_cstr(&u), u.len) >= 3;
	buf_release(&u);
	return r;
}
