/*
 * fuzz_logs_syslog.c - libFuzzer target for the syslog reader (src/logs): RFC 3164 and 5424 syslog lines (with program fields: sshd, PAM, sudo, su, useradd, cron). Any bytes
 * as one event, in an allocation of exactly their size (so a read past the line is caught); every field's name and
 * value must lie in the line or the event. Must return, never crash or hang. Seeds: corpus/logs_syslog/.
 */
#include "logs/reader.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct log_event ev;
static volatile unsigned sink; /* the bytes read, so no read is optimised away */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	log_parse(LOG_FMT_SYSLOG, line, size, 1796601600000LL, &ev);
	unsigned sum = 0;
	for (size_t i = 0; i < ev.nfields; i++) {
		for (uint32_t k = 0; k < ev.f[i].name_len; k++)
			sum += (unsigned char)ev.f[i].name[k];
		for (uint32_t k = 0; k < ev.f[i].val_len; k++)
			sum += (unsigned char)ev.f[i].val[k];
	}
	for (size_t k = 0; k < ev.msg_len; k++)
		sum += (unsigned char)ev.msg[k];
	if (ev.service)
		sum += (unsigned)strlen(ev.service);
	sum += log_event_get(&ev, "src_ip", 6) != NULL;
	sink += sum;
	free(line);
	return 0;
}
