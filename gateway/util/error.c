/* Per-thread error messages, so concurrent requests never mix details. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char message[512];

void cw_error_set(const char *fmt, ...)
{
	va_list ap;

	char next[sizeof(message)];

	/* formatted apart first: the arguments may be the message itself
	 * (cw_error_set("…: %s", cw_error_last())) */
	va_start(ap, fmt);
	if (vsnprintf(next, sizeof(next), fmt, ap) < 0)
		next[0] = '\0';
	va_end(ap);
	memcpy(message, next, sizeof(message));
}

const char *cw_error_last(void)
{
	return message;
}

void cw_error_clear(void)
{
	message[0] = '\0';
}

const char *cw_error_name(int code)
{
	switch (code) {
	case CW_OK: return "OK";
	case CW_ENOMEM: return "ENOMEM";
	case CW_EINVAL: return "EINVAL";
	case CW_ENOTFOUND: return "ENOTFOUND";
	case CW_ETOOBIG: return "ETOOBIG";
	case CW_EIO: return "EIO";
	case CW_ESTORE: return "ESTORE";
	case CW_EEXISTS: return "EEXISTS";
	case CW_EAUTH: return "EAUTH";
	case CW_EUSAGE: return "EUSAGE";
	case CW_EUNSUPPORTED: return "EUNSUPPORTED";
	case CW_ECANCELED: return "ECANCELED";
	case CW_EBUSY: return "EBUSY";
	default: return "EUNKNOWN";
	}
}
