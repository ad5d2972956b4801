/* application/x-www-form-urlencoded bodies (RFC 6749 token requests). Pure. */
#ifndef CW_HTTP_FORM_H
#define CW_HTTP_FORM_H

#include <stddef.h>

#define CW_FORM_MAX_FIELDS 32

typedef struct {
	size_t count;
	char *names[CW_FORM_MAX_FIELDS];
	char *values[CW_FORM_MAX_FIELDS];
} cw_form;

/**
 * Parses name=value pairs separated by '&'. CW_EINVAL (message says why) on a
 * bad escape, a repeated name or too many fields; CW_ENOMEM.
 */
int cw_form_parse(cw_form *out, const char *body, size_t len);
/** The value of name, or NULL. */
const char *cw_form_get(const cw_form *form, const char *name);
void cw_form_dispose(cw_form *form);

#endif
