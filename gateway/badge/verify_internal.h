/* What the badge verification files share: the verification context, the
 * step recorder and the fetch helpers. Not an interface. */
#ifndef CW_BADGE_VERIFY_INTERNAL_H
#define CW_BADGE_VERIFY_INTERNAL_H

#include "badge/verify.h"
#include "util/limits.h"

#include <cjson/cJSON.h>

typedef struct {
	const cw_badge_verify_options *options;
	const cw_jsonld_loader *base; /* options->loader or the default */
	cw_jsonld_loader *loader;     /* base plus fetched key documents */
	int64_t now_ms;
	int fetches;
	int depth; /* nesting: CLR credentials, status list credentials */
	char *key_urls[CW_LIMIT_BADGE_KEY_URLS];
	int key_url_count;
} cw_badge_ctx;

/** Appends a step (a full report keeps its last slot for "steps"). */
void cw_badge_step_add(cw_badge_report *report, const char *name, int status,
                       const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

int cw_badge_report_new(cw_badge_report **out, cw_badge_format format);
void cw_badge_report_set(char **field, const char *value);

/** GETs url through the options' fetch (capped in count). */
int cw_badge_fetch_text(char **out, size_t *len, long *status,
                        cw_badge_ctx *ctx, const char *url);
/** The same, parsed as JSON (an object). */
int cw_badge_fetch_json(cJSON **out, long *status, cw_badge_ctx *ctx,
                        const char *url);

/** Lets the loader fetch the key document of a verification method. */
void cw_badge_allow_key_url(cw_badge_ctx *ctx, const char *verification_method);

/** Parses text (JSON with a depth cap) into an object; CW_EINVAL else. */
int cw_badge_parse_object(cJSON **out, const char *text, size_t len);

/** 1 when item is string s or an array holding it. */
int cw_badge_has_string(const cJSON *item, const char *s);
/** The id of a string-or-object (item or item.id), or NULL. */
const char *cw_badge_id_of(const cJSON *item);

/* OB 3.0 / CLR 2.0 (verify_vc.c). text is the JSON or the JWT. */
int cw_badge_verify_vc(cw_badge_report *report, cw_badge_ctx *ctx,
                       const char *text, size_t len, int is_jwt);
/** Verifies the proof of credential (parsed from text, or the payload of
 *  the JWT text): *verified is the credential the proof covers. */
int cw_badge_vc_proof(cJSON **verified, cw_badge_ctx *ctx,
                      const cJSON *credential, const char *text, size_t len,
                      int is_jwt, char *detail, size_t detail_len);
/** The credential of text: JSON, or the (unverified) VC-JWT payload. */
int cw_badge_vc_load(cJSON **out, const char *text, size_t len, int is_jwt);
/* credentialStatus (verify_status.c): one "status" step per entry. */
void cw_badge_check_status(cw_badge_report *report, cw_badge_ctx *ctx,
                           const cJSON *credential);

/* OB 2.0 (verify_ob2.c): an assertion object, or a compact JWS. */
int cw_badge_verify_ob2_hosted(cw_badge_report *report, cw_badge_ctx *ctx,
                               const cJSON *assertion, const char *url);
int cw_badge_verify_ob2_signed(cw_badge_report *report, cw_badge_ctx *ctx,
                               const char *jws, size_t len);

/* Recipient check against options->recipient; the step "recipient". */
void cw_badge_check_identity(cw_badge_report *report, cw_badge_ctx *ctx,
                             const char *identity, int hashed,
                             const char *salt);

#endif
