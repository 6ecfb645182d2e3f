/*
 * json_event.c - the JSON formats: Windows events (evtx_dump's Event.System / Event.EventData, Winlogbeat's
 * winlog.*), Suricata EVE, journald -o json and any JSON object per line; field names mapped to Sigma's
 * (docs/log-rules.md).
 */
#include "logs/json_scan.h"

#define LIT(s) s, sizeof(s) - 1

static int peq(const struct json_leaf *l, const char *lit, size_t n)
{
	return l->path_len == n && !memcmp(l->path, lit, n);
}

static int pstarts(const struct json_leaf *l, const char *lit, size_t n)
{
	return l->path_len > n && !memcmp(l->path, lit, n);
}

/* A name that is the leaf's whole path: the line's own key at top level, else a copy in the arena. */
static void add_path(struct log_event *e, const struct json_leaf *l)
{
	if (l->path_len == l->key_len)
		ev_add(e, l->key, l->key_len, l->val, l->val_len);
	else if (l->path_len)
		ev_add(e, ev_copy(e, l->path, l->path_len), l->path_len, l->val, l->val_len);
}

static void time_of(struct log_event *e, const struct json_leaf *l)
{
	int64_t ms;
	if (l->kind == JSV_STRING && parse_iso_time(l->val, l->val_len, &ms))
		e->ts_ms = ms;
}

struct win_ctx {
	const char *data_name; /* evtx_dump's "Data": [{"#attributes": {"Name": N}, "#text": V}] */
	size_t data_name_len;
};

static void win_leaf(void *ctx, struct log_event *e, const struct json_leaf *l)
{
	struct win_ctx *w = ctx;
	if (pstarts(l, LIT("Event.EventData.")) || pstarts(l, LIT("Event.UserData.")) ||
	    pstarts(l, LIT("winlog.event_data.")) || pstarts(l, LIT("winlog.user_data."))) {
		if (l->key_len == 4 && !memcmp(l->key, "Name", 4) && l->path_len >= 21 &&
		    !memcmp(l->path + l->path_len - 21, "Data.#attributes.Name", 21)) {
			w->data_name = l->val;
			w->data_name_len = l->val_len;
			return;
		}
		if (l->key_len == 5 && !memcmp(l->key, "#text", 5)) {
			if (w->data_name)
				ev_add(e, w->data_name, w->data_name_len, l->val, l->val_len);
			w->data_name = NULL;
			return;
		}
		ev_add(e, l->key, l->key_len, l->val, l->val_len);
		return;
	}
	if (pstarts(l, LIT("Event.System."))) {
		const char *rest = l->path + 13;
		size_t rl = l->path_len - 13;
		if (STARTS(rest, rl, "TimeCreated.")) {
			time_of(e, l);
			EV_ADD_LIT(e, "TimeCreated", l->val, l->val_len);
		} else if (rl == 25 && !memcmp(rest, "Provider.#attributes.Name", 25)) {
			EV_ADD_LIT(e, "Provider_Name", l->val, l->val_len);
		} else if (STARTS(rest, rl,
		                  "EventID")) { /* 4625, or {"#attributes": {"Qualifiers": …}, "#text": 4625} */
			if (rl == 7 || (rl == 13 && !memcmp(rest + 7, ".#text", 6)))
				EV_ADD_LIT(e, "EventID", l->val, l->val_len);
		} else if (!memchr(rest, '.', rl)) {
			ev_add(e, l->key, l->key_len, l->val, l->val_len);
		} else {
			ev_add(e, ev_copy(e, rest, rl), rl, l->val, l->val_len);
		}
		return;
	}
	if (pstarts(l, LIT("Event.#attributes")))
		return;
	if (peq(l, LIT("winlog.event_id")))
		EV_ADD_LIT(e, "EventID", l->val, l->val_len);
	else if (peq(l, LIT("winlog.channel")))
		EV_ADD_LIT(e, "Channel", l->val, l->val_len);
	else if (peq(l, LIT("winlog.computer_name")))
		EV_ADD_LIT(e, "Computer", l->val, l->val_len);
	else if (peq(l, LIT("winlog.provider_name")))
		EV_ADD_LIT(e, "Provider_Name", l->val, l->val_len);
	else if (peq(l, LIT("winlog.record_id")))
		EV_ADD_LIT(e, "EventRecordID", l->val, l->val_len);
	else {
		if (peq(l, LIT("@timestamp")))
			time_of(e, l);
		add_path(e, l);
	}
}

static int ieq(const char *p, size_t n, const char *lit)
{
	size_t ln = strlen(lit);
	if (n != ln)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((p[i] | 32) != (lit[i] | 32))
			return 0;
	return 1;
}

/* Sigma's windows services by channel, and the categories of Sysmon's event ids (and Security 4688). */
static void win_logsource(struct log_event *e)
{
	e->product = "windows";
	const struct log_field *ch = log_event_get(e, LIT("Channel")), *id = log_event_get(e, LIT("EventID"));
	static const struct {
		const char *channel, *service;
	} svc[] = {
	        {"Security", "security"},
	        {"System", "system"},
	        {"Application", "application"},
	        {"Microsoft-Windows-Sysmon/Operational", "sysmon"},
	        {"Windows PowerShell", "powershell-classic"},
	        {"Microsoft-Windows-PowerShell/Operational", "powershell"},
	        {"Microsoft-Windows-TaskScheduler/Operational", "taskscheduler"},
	        {"Microsoft-Windows-Windows Defender/Operational", "windefend"},
	        {"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
	         "terminalservices-localsessionmanager"},
	        {"Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational",
	         "terminalservices-remoteconnectionmanager"},
	        {"Microsoft-Windows-Bits-Client/Operational", "bits-client"},
	        {"Microsoft-Windows-DNS-Client/Operational", "dns-client"},
	        {"Microsoft-Windows-WMI-Activity/Operational", "wmi"},
	};
	if (!ch)
		return;
	for (size_t i = 0; i < sizeof(svc) / sizeof(svc[0]); i++)
		if (ieq(ch->val, ch->val_len, svc[i].channel)) {
			e->service = svc[i].service;
			break;
		}
	if (!id || !e->service)
		return;
	long n = 0;
	for (size_t i = 0; i < id->val_len && i < 6 && is_digit(id->val[i]); i++)
		n = n * 10 + (id->val[i] - '0');
	if (!strcmp(e->service, "security") && n == 4688) {
		e->category = "process_creation";
		return;
	}
	if (strcmp(e->service, "sysmon"))
		return;
	static const char *const cat[27] = {
	        [1] = "process_creation",     [2] = "file_change",         [3] = "network_connection",
	        [5] = "process_termination",  [6] = "driver_load",         [7] = "image_load",
	        [8] = "create_remote_thread", [9] = "raw_access_thread",   [10] = "process_access",
	        [11] = "file_event",          [12] = "registry_event",     [13] = "registry_event",
	        [14] = "registry_event",      [15] = "create_stream_hash", [17] = "pipe_created",
	        [18] = "pipe_created",        [19] = "wmi_event",          [20] = "wmi_event",
	        [21] = "wmi_event",           [22] = "dns_query",          [23] = "file_delete",
	        [24] = "clipboard_capture",   [25] = "process_tampering",  [26] = "file_delete_detected"};
	if (n > 0 && n < 27)
		e->category = cat[n];
}

static void plain_leaf(void *ctx, struct log_event *e, const struct json_leaf *l)
{
	(void)ctx;
	if (peq(l, LIT("timestamp")) || peq(l, LIT("@timestamp")) || peq(l, LIT("time")))
		time_of(e, l);
	add_path(e, l);
}

int parse_json_event(struct log_event *e, const char *line, size_t len, enum log_format fmt)
{
	struct win_ctx w = {0};
	if (json_scan(e, line, len, fmt == LOG_FMT_WINDOWS ? win_leaf : plain_leaf, &w) < 0)
		return -1;
	switch (fmt) {
	case LOG_FMT_WINDOWS:
		win_logsource(e);
		break;
	case LOG_FMT_SURICATA: {
		e->product = "suricata";
		const struct log_field *t = log_event_get(e, LIT("event_type"));
		if (t) {
			char *s = ev_alloc(e, t->val_len + 1);
			if (s) {
				memcpy(s, t->val, t->val_len);
				s[t->val_len] = 0;
				e->service = s;
			}
		}
		/* the common name beside Suricata's own, so one rule's source_ip reads sshd and the IDS alike */
		const struct log_field *src = log_event_get(e, LIT("src_ip"));
		if (src)
			EV_ADD_LIT(e, "source_ip", src->val, src->val_len);
		const struct log_field *sig = log_event_get(e, LIT("alert.signature"));
		if (sig) {
			e->msg = sig->val;
			e->msg_len = sig->val_len;
		}
		break;
	}
	case LOG_FMT_JOURNAL:
		journal_finish(e);
		break;
	default:
		break;
	}
	return 0;
}
