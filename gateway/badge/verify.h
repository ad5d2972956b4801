/* Verification of Open Badges 2.0 (hosted, signed), Open Badges 3.0 (Data
 * Integrity JSON or VC-JWT) and CLR 2.0 credentials, as a report of steps.
 * Pure code: documents come through a fetch callback the caller supplies. */
#ifndef CW_BADGE_VERIFY_H
#define CW_BADGE_VERIFY_H

#include "jsonld/loader.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
	CW_BADGE_FORMAT_UNKNOWN = 0,
	CW_BADGE_FORMAT_OB3_JSON,   /* VC with an embedded proof */
	CW_BADGE_FORMAT_OB3_JWT,    /* VC-JWT */
	CW_BADGE_FORMAT_CLR,        /* ClrCredential (JSON or JWT) */
	CW_BADGE_FORMAT_OB2_HOSTED, /* HostedBadge assertion */
	CW_BADGE_FORMAT_OB2_SIGNED  /* SignedBadge compact JWS */
} cw_badge_format;

/** "ob3 json", "ob3 jwt", "clr", "ob2 hosted", "ob2 signed", "unknown". */
const char *cw_badge_format_name(cw_badge_format format);

#define CW_BADGE_PASS    1
#define CW_BADGE_FAIL    0
#define CW_BADGE_SKIPPED (-1)

typedef struct {
	const char *name; /* "parse", "proof", "status", … (static) */
	int status;       /* 1 pass, 0 fail, -1 skipped */
	char detail[512];
} cw_badge_step;

#define CW_BADGE_MAX_STEPS 24

typedef struct cw_badge_report cw_badge_report;
struct cw_badge_report {
	cw_badge_format format;
	char *id;     /* the credential or assertion id, or NULL */
	char *issuer; /* the issuer id, or NULL */
	int valid;    /* no step failed and every nested report is valid */
	cw_badge_step steps[CW_BADGE_MAX_STEPS];
	size_t step_count;
	cw_badge_report **nested; /* CLR: one per verifiableCredential */
	size_t nested_count;
};

void cw_badge_report_free(cw_badge_report *report);

/** The first failed step (in nested reports too), or NULL. */
const cw_badge_step *cw_badge_report_failure(const cw_badge_report *report);

/*
 * GETs url: 0 with *body (cw_malloc'd, NUL-terminated, *len bytes) on a 2xx
 * response; otherwise a negative code, with *status the HTTP status when
 * there was a response (410 Gone revokes a hosted assertion).
 */
typedef int (*cw_badge_fetch_fn)(void *arg, const char *url, char **body,
                                 size_t *len, long *status);

typedef struct {
	/* Contexts and key documents; NULL: the embedded contexts. Contexts
	 * are never fetched; key documents of the verification methods a
	 * proof names are asked of fetch when the loader lacks them. */
	const cw_jsonld_loader *loader;
	/* Hosted assertions, badge classes, issuers, public keys, revocation
	 * and status lists. NULL: nothing can be fetched. */
	cw_badge_fetch_fn fetch;
	void *fetch_arg;
	const char *recipient; /* identity to match, or NULL */
	int64_t now_ms;        /* 0: the current time */
} cw_badge_verify_options;

/**
 * Verifies input (JSON, a compact JWS, or an http(s) URL of a hosted
 * assertion). *out is always a report when 0 is returned, valid or not;
 * negative codes only for CW_ENOMEM and a NULL input.
 */
int cw_badge_verify(cw_badge_report **out, const char *input, size_t len,
                    const cw_badge_verify_options *options);

/** The report as JSON: {valid, format, id, issuer, steps: [{name, status
 *  ("pass" | "fail" | "skipped"), detail}], nested: [...]}. */
cJSON *cw_badge_report_json(const cw_badge_report *r);

#endif
