/* Diagnostics of the roster codecs: file:line:column, a stable code, a
 * message. Codes are documented in docs/roster-diagnostics.md. */
#ifndef CW_ROSTER_DIAG_H
#define CW_ROSTER_DIAG_H

#include <stdarg.h>
#include <stdint.h>

typedef enum { CW_DIAG_ERROR = 0, CW_DIAG_WARNING = 1 } cw_diag_severity;

typedef struct {
	const char *file; /* "users.csv" */
	uint32_t line;    /* 0 when it concerns the whole file */
	uint32_t column;  /* 0 when it concerns the whole line */
	cw_diag_severity severity;
	const char *code;    /* "value.enum" */
	const char *message; /* human-readable, names the column */
} cw_diag;

typedef void (*cw_diag_cb)(const cw_diag *diag, void *payload);

/** Formats a message and hands the diagnostic to cb (if not NULL). */
void cw_diag_vemit(cw_diag_cb cb, void *payload, const char *file,
                   uint32_t line, uint32_t column, cw_diag_severity severity,
                   const char *code, const char *fmt, va_list ap)
        __attribute__((format(printf, 8, 0)));

#endif
