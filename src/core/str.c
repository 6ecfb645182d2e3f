/*
 * str.c - small character helpers that several parsers of outside input need (HL7 escapes, URL and form
 * decoding, hex-encoded data), written once.
 */
#include "core.h"

int lb_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
