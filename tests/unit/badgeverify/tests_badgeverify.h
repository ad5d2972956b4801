/* Helpers the badge verification unit tests share. */
#ifndef CW_TESTS_BADGEVERIFY_H
#define CW_TESTS_BADGEVERIFY_H

#include "badge/verify.h"
#include "util/buf.h"

#include <check.h>

Suite *suite_badgeverify_statuslist(void);
Suite *suite_badgeverify_ob3(void);
Suite *suite_badgeverify_fixtures(void);

/** Appends 'u' + base64url(GZIP(bits)). */
void bv_encoded_list(cw_buf *out, const unsigned char *bits, size_t len);

/* A table of URL → body served by bv_fetch (arg: the table). */
typedef struct {
	const char *url[16];
	char *body[16];
	int count;
} bv_server;

void bv_serve(bv_server *s, const char *url, const char *body);
void bv_server_dispose(bv_server *s);
int bv_fetch(void *arg, const char *url, char **body, size_t *len,
             long *status);

/** The step called name (the first), or NULL. */
const cw_badge_step *bv_step(const cw_badge_report *r, const char *name);

#endif
