/* Credential validity periods: a signature can be good and the credential
 * still not valid (expired, or dated in the future). */
#include "crypto/validity.h"

#include "util/error.h"
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>

/* Reads an optional date; 1 when present, 0 when absent, CW_EINVAL when it
 * is not a dateTime. */
static int read_date(const cJSON *cred, const char *key, int64_t *ms, char *why,
                     size_t why_len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cred, key);
	if (!v)
		return 0;
	if (!cJSON_IsString(v) || strlen(v->valuestring) < 20 ||
	    v->valuestring[10] != 'T' ||
	    cw_time_parse_iso(v->valuestring, ms) < 0) {
		snprintf(why, why_len, "%s is not an XSD dateTime", key);
		cw_error_set("%s", why);
		return CW_EINVAL;
	}
	return 1;
}

static int check_pair(const cJSON *cred, const char *from, const char *until,
                      int64_t now_ms, char *why, size_t why_len)
{
	int64_t start = 0, end = 0;
	int has_start = read_date(cred, from, &start, why, why_len);
	if (has_start < 0)
		return has_start;
	int has_end = read_date(cred, until, &end, why, why_len);
	if (has_end < 0)
		return has_end;
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(cred, from);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(cred, until);
	if (has_start && now_ms < start) {
		snprintf(why, why_len, "not valid until %s (%s)",
		         s->valuestring, from);
		cw_error_set("%s", why);
		return CW_EINVAL;
	}
	if (has_end && now_ms > end) {
		snprintf(why, why_len, "expired on %s (%s)", e->valuestring,
		         until);
		cw_error_set("%s", why);
		return CW_EINVAL;
	}
	return 0;
}

int cw_vc_check_validity(const cJSON *credential, int64_t now_ms, char *why,
                         size_t why_len)
{
	if (why_len)
		why[0] = '\0';
	int err = check_pair(credential, "validFrom", "validUntil", now_ms, why,
	                     why_len);
	if (err < 0)
		return err;
	return check_pair(credential, "issuanceDate", "expirationDate", now_ms,
	                  why, why_len);
}
