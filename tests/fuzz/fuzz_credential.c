/* Fuzzes badge verification (gateway/badge/verify.h): any bytes as a
 * credential, JWS or URL, with a fetch callback that finds nothing. The
 * report must be well formed; nothing may crash or leak. */
#include "fuzz.h"

#include "badge/verify.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static int not_found(void *arg, const char *url, char **body, size_t *len,
                     long *status)
{
	(void)arg;
	(void)body;
	(void)len;
	*status = strstr(url, "gone") ? 410 : 404;
	cw_error_set("%s: not found", url);
	return CW_ENOTFOUND;
}

static void check(const cw_badge_report *r)
{
	if (r->step_count == 0 || r->step_count > CW_BADGE_MAX_STEPS)
		abort();
	for (size_t i = 0; i < r->step_count; i++)
		if (!r->steps[i].name || r->steps[i].status < -1 ||
		    r->steps[i].status > 1 ||
		    !memchr(r->steps[i].detail, '\0',
		            sizeof(r->steps[i].detail)))
			abort();
	if (r->valid != (cw_badge_report_failure(r) == NULL))
		abort();
	for (size_t i = 0; i < r->nested_count; i++)
		check(r->nested[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_badge_verify_options o = { NULL, not_found, NULL,
		                      size % 2 ? "a@example.com" : NULL,
		                      1735689600000LL };
	cw_badge_report *r = NULL;
	int err = cw_badge_verify(&r, (const char *)data, size, &o);

	if (err < 0 ? (r != NULL || err != CW_ENOMEM) : r == NULL)
		abort();
	if (r)
		check(r);
	cw_badge_report_free(r);
	return 0;
}
