/* Diagnostics: one formatting path for every roster codec. */
#include "roster/diag.h"

#include <stdio.h>

void cw_diag_vemit(cw_diag_cb cb, void *payload, const char *file,
                   uint32_t line, uint32_t column, cw_diag_severity severity,
                   const char *code, const char *fmt, va_list ap)
{
	char message[1200];
	cw_diag d = { file, line, column, severity, code, message };

	if (!cb)
		return;
	vsnprintf(message, sizeof(message), fmt, ap);
	cb(&d, payload);
}
